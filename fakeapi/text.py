"""The fake's own reading of titles, queries and links, written apart from the product.

The fake must not share the product's title normaliser or id extraction: a title the product
reads wrong would then be stored and searched under the same wrong form and still "match".
These functions follow what the real services do (../shared/reference/api-contracts.md and the
recordings in ../shared/contracts/), not what the product does:

- Words are runs of letters and digits; every other character (punctuation, hyphens, colons,
  brackets, emoji) separates words. Case is folded (casefold). Accents are NOT folded: neither
  service is documented to fold them, so "Wübben" and "Wubben" are different words here.
- S2's relevance search (`/paper/search`) finds nothing for a query holding a hyphenated term
  (API docs: "hyphenated terms yield no matches - replace with space").
- arXiv's `ti:"..."` is a phrase query: the phrase's words, in order, inside the title's words.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]+")
_HYPHENATED = re.compile(r"[^\W_]-[^\W_]")
_ARXIV_URL = re.compile(
    r"arxiv\.org/(?:abs|pdf|html)/"
    r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z.\-]*/\d{7})(?:v\d+)?(?:\.pdf)?/?(?:[?#].*)?$",
    re.IGNORECASE,
)
# A DOI inside a URL: doi.org/<doi>, or a publisher's path that carries one (link.springer.com/
# article/10.1007/..., dl.acm.org/doi/10.1145/...). Registrant codes are 4 to 9 digits.
_DOI = re.compile(r"(?:^|/)(?P<doi>10\.\d{4,9}/[^\s?#]+?)(?:\.pdf)?/?(?:[?#].*)?$")
_GITHUB = re.compile(
    r"^https?://(?:www\.)?github\.com/(?P<owner>[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)"
    r"/(?P<name>[A-Za-z0-9._-]+?)(?:\.git)?(?:/.*)?(?:[?#].*)?$"
)


def words(text: str) -> list[str]:
    """The text's words: case folded, accents kept, punctuation as separators."""
    return _WORD.findall(text.casefold())


def title_key(text: str) -> str:
    """The form titles are compared in by the fake's title match and search."""
    return " ".join(words(text))


def has_hyphenated_term(query: str) -> bool:
    """S2's relevance search gives zero hits for such a query (its documentation)."""
    return _HYPHENATED.search(query) is not None


def contains_phrase(title: str, phrase: str) -> bool:
    """arXiv's phrase query: the phrase's words appear in the title's words, in a row."""
    wanted, have = words(phrase), words(title)
    if not wanted:
        return False
    size = len(wanted)
    return any(have[start : start + size] == wanted for start in range(len(have) - size + 1))


def arxiv_id_of(url: str) -> str | None:
    """The arXiv id (without version) of an arxiv.org abs/pdf/html link, else None."""
    found = _ARXIV_URL.search(url.strip())
    return found.group("id") if found else None


def doi_of(url: str) -> str | None:
    """The DOI a link carries (doi.org or a publisher path with one), lower-cased, else None."""
    if arxiv_id_of(url):
        return None
    found = _DOI.search(url.strip())
    return found.group("doi").casefold() if found else None


def github_repo_of(url: str) -> str | None:
    """`owner/name` of a github.com repository link (any path below it), else None."""
    found = _GITHUB.match(url.strip())
    if found is None or found.group("owner").casefold() in {"orgs", "topics", "features"}:
        return None
    return f"{found.group('owner')}/{found.group('name')}"
