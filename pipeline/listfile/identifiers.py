"""Pure identifier extraction from the URLs a list holds.

From a paper URL: an arXiv id, a DOI, an IEEE Xplore document number, an OpenReview id, or a
normalised CVF open-access URL. From a code URL: a canonical GitHub `owner/name`, or a flag that
the code lives elsewhere. Also the normalised title used to compare and identify entries.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

_ARXIV_NEW = r"\d{4}\.\d{4,5}"
_ARXIV_OLD = r"[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}"
_ARXIV_ID = re.compile(rf"^({_ARXIV_NEW}|{_ARXIV_OLD})(?:v(\d+))?$")
_ARXIV_HOSTS = {"arxiv.org", "export.arxiv.org", "ar5iv.org", "ar5iv.labs.arxiv.org"}
# Sites that name a paper by its arXiv id: /abs/<id>, /papers/<id>.
_ARXIV_MIRRORS = {"alphaxiv.org": "abs", "huggingface.co": "papers"}
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)
_DOI = re.compile(r"10\.\d{4,9}/[^\s?#\"<>]+")
_DOI_SUFFIXES = re.compile(r"(?i)(\.pdf|/(full|abstract|abs|pdf|epdf|html|fulltext(\.html)?))$")
_IEEE_PATH = re.compile(r"/(?:abstract/)?document/(\d+)|/iel\d+/\d+/\d+/(\d+)\.pdf")
_GITHUB_NAME = re.compile(r"^[A-Za-z0-9._-]+$")
_GITHUB_OWNER = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$")
# github.com/<segment> paths that are GitHub pages, not users or organisations.
_GITHUB_RESERVED = frozenset(
    {
        "about",
        "apps",
        "collections",
        "enterprise",
        "explore",
        "features",
        "login",
        "marketplace",
        "notifications",
        "orgs",
        "organizations",
        "pricing",
        "search",
        "settings",
        "sponsors",
        "topics",
        "trending",
        "users",
    }
)


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").casefold()
    return host.removeprefix("www.")


def parse_arxiv_id(text: str) -> tuple[str, int | None] | None:
    """`2305.08491v6` -> ("2305.08491", 6); old style `cs/0601001` too; None if not an id."""
    text = text.strip().removesuffix(".pdf")
    text = re.sub(r"(?i)^arxiv:", "", text)
    match = _ARXIV_ID.match(text)
    if match is None:
        return None
    version = int(match.group(2)) if match.group(2) else None
    return match.group(1), version


def normalise_doi(doi: str) -> str:
    """DOIs are case-insensitive: compare and store them in lower case."""
    return doi.strip().casefold()


@dataclass(frozen=True)
class PaperIds:
    """Identifiers found in a paper URL. At most one of arxiv_id/doi/ieee/openreview is typical."""

    url: str
    arxiv_id: str | None = None
    arxiv_version: int | None = None
    doi: str | None = None
    ieee_document: str | None = None
    openreview_id: str | None = None
    cvf_url: str | None = None

    @property
    def key(self) -> str:
        """A key under which two URLs of the same paper compare equal."""
        if self.arxiv_id:
            return f"arxiv:{self.arxiv_id}"
        if self.doi:
            return f"doi:{self.doi}"
        if self.ieee_document:
            return f"ieee:{self.ieee_document}"
        if self.openreview_id:
            return f"openreview:{self.openreview_id}"
        if self.cvf_url:
            stem = self.cvf_url.rsplit("/", 1)[-1].rsplit(".", 1)[0].casefold()
            return f"cvf:{stem}"
        return f"url:{normalise_url(self.url)}"


def normalise_url(url: str) -> str:
    """Scheme-less, `www.`-less, lower-case host, single slashes, no trailing slash or fragment."""
    parts = urlsplit(url.strip())
    path = re.sub(r"/{2,}", "/", parts.path).rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{_host(url)}{path}{query}"


def _doi_from(text: str) -> str | None:
    match = _DOI.search(unquote(text))
    if match is None:
        return None
    doi = match.group(0).rstrip(".,;")
    previous = None
    while previous != doi:
        previous = doi
        doi = _DOI_SUFFIXES.sub("", doi)
    return normalise_doi(doi)


def paper_ids(url: str) -> PaperIds:
    """Extract identifiers from a paper URL. Never raises; unknown URLs give only `url`."""
    parts = urlsplit(url.strip())
    host = _host(url)
    path = unquote(parts.path)
    segments = [segment for segment in path.split("/") if segment]

    if host in _ARXIV_HOSTS and len(segments) >= 2 and segments[0] in {"abs", "pdf", "html"}:
        parsed = parse_arxiv_id("/".join(segments[1:]))
        if parsed:
            return PaperIds(url, arxiv_id=parsed[0], arxiv_version=parsed[1])
    mirror_prefix = _ARXIV_MIRRORS.get(host)
    if mirror_prefix and len(segments) >= 2 and segments[0] == mirror_prefix:
        parsed = parse_arxiv_id("/".join(segments[1:]))
        if parsed:
            return PaperIds(url, arxiv_id=parsed[0], arxiv_version=parsed[1])

    if host == "ieeexplore.ieee.org":
        match = _IEEE_PATH.search(path)
        number = (match.group(1) or match.group(2)) if match else None
        number = number or next(iter(parse_qs(parts.query).get("arnumber", [])), None)
        if number and number.isdigit():
            return PaperIds(url, ieee_document=number)
    if host == "openreview.net":
        forum_id = next(iter(parse_qs(parts.query).get("id", [])), None)
        if forum_id:
            return PaperIds(url, openreview_id=forum_id)
    if host == "openaccess.thecvf.com":
        clean_path = re.sub(r"/{2,}", "/", parts.path)
        return PaperIds(url, cvf_url=f"https://openaccess.thecvf.com{clean_path}")

    doi = _doi_from(f"{path}?{parts.query}" if parts.query else path)
    if doi:
        arxiv_doi = _ARXIV_DOI.match(doi)
        parsed = parse_arxiv_id(arxiv_doi.group(1)) if arxiv_doi else None
        if parsed:
            return PaperIds(url, arxiv_id=parsed[0], arxiv_version=parsed[1], doi=doi)
        return PaperIds(url, doi=doi)
    return PaperIds(url)


@dataclass(frozen=True)
class RepoRef:
    """A code URL: a GitHub repository (`github` is `owner/name` as written) or another host."""

    url: str
    github: str | None

    @property
    def not_github(self) -> bool:
        return self.github is None

    @property
    def key(self) -> str:
        """Compare repositories case-insensitively, as GitHub does; other hosts by URL."""
        return self.github.casefold() if self.github else normalise_url(self.url).casefold()


def repo_ref(url: str) -> RepoRef:
    """Canonicalise a code URL: `https://www.github.com/A/B.git/tree/main/x/` -> `A/B`."""
    if _host(url) != "github.com":
        return RepoRef(url, None)
    segments = [segment for segment in urlsplit(url.strip()).path.split("/") if segment]
    if len(segments) < 2 or segments[0].casefold() in _GITHUB_RESERVED:
        return RepoRef(url, None)
    owner, name = segments[0], segments[1].removesuffix(".git")
    if not _GITHUB_OWNER.match(owner) or not _GITHUB_NAME.match(name) or name in {".", ".."}:
        return RepoRef(url, None)
    return RepoRef(url, f"{owner}/{name}")


def normalise_title(title: str) -> str:
    """Fold case, accents and punctuation: the form in which two titles are compared."""
    decomposed = unicodedata.normalize("NFKD", title)
    ascii_ish = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = re.findall(r"[^\W_]+", ascii_ish.casefold())
    return " ".join(words)
