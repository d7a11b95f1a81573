"""BibTeX for resolved papers: S2's citationStyles repaired and completed, with the list's venue
and year where S2 only knows the arXiv preprint, and citation keys unique across the list and
stable across runs. Pure: text and records in, text out."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bibtexparser import parse_string  # type: ignore[attr-defined]
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field

from pipeline.listfile.venues import find_venue

_ENTRY_TYPE = re.compile(r"^(\s*@)([^{\n]*?)\s*\{", re.MULTILINE)
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "on",
        "of",
        "for",
        "in",
        "to",
        "with",
        "and",
        "via",
        "from",
        "towards",
        "toward",
        "by",
        "is",
        "are",
        "at",
        "as",
        "its",
    ]
)
_PREPRINT_JOURNALS = frozenset({"arxiv", "arxiv.org", "corr", "biorxiv", "medrxiv"})
_SPECIAL = re.compile(r"(?<!\\)([%&#])")


@dataclass(frozen=True)
class BibSource:
    """What is known about one resolved paper, for its BibTeX entry."""

    title: str
    authors: tuple[str, ...]
    year: int | None  # the list's year when known, else the record's
    list_venue: str | None
    s2_bibtex: str | None = None
    doi: str | None = None
    arxiv_id: str | None = None
    arxiv_category: str | None = None
    url: str | None = None


def repair_entry_type(bibtex: str) -> str:
    """`@['JournalArticle', 'Conference']{` and other non-word types become a BibTeX type."""

    def fix(match: re.Match[str]) -> str:
        raw = match.group(2)
        if re.fullmatch(r"[A-Za-z]+", raw):
            return match.group(0)
        lowered = raw.casefold()
        kind = (
            "inproceedings"
            if "conference" in lowered
            else "article"
            if "journal" in lowered
            else "book"
            if "book" in lowered
            else "misc"
        )
        return f"{match.group(1)}{kind}{{"

    return _ENTRY_TYPE.sub(fix, bibtex, count=1)


def parse_entry(bibtex: str) -> tuple[str, dict[str, str]] | None:
    """The (lower-case type, fields) of the first entry, after repair; None if unreadable."""
    library = parse_string(repair_entry_type(bibtex))
    if not library.entries:
        return None
    entry = library.entries[0]
    fields = {f.key.casefold(): " ".join(str(f.value).split()) for f in entry.fields}
    return entry.entry_type.casefold(), fields


def clean_value(value: str) -> str:
    """One line; braces balanced (or all escaped); %, & and # escaped."""
    text = " ".join(value.split())
    if "{" not in text and "}" not in text:  # most values: nothing to balance
        return _SPECIAL.sub(r"\\\1", text)
    depth = 0
    balanced = True
    for index, char in enumerate(text):
        if char in "{}" and index and text[index - 1] == "\\":
            continue
        depth += 1 if char == "{" else -1 if char == "}" else 0
        if depth < 0:
            balanced = False
            break
    if not balanced or depth != 0:
        text = re.sub(r"(?<!\\)([{}])", r"\\\1", text)
    return _SPECIAL.sub(r"\\\1", text)


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return re.sub(
        r"[^a-z0-9]", "", "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    )


def base_key(authors: Sequence[str], year: int | None, title: str) -> str:
    """`lastname` + `year` + first significant title word: `kweon2024sam`."""
    last = _ascii_word(authors[0].split()[-1]) if authors and authors[0].split() else ""
    words = [_ascii_word(word) for word in re.split(r"[\s\-:/]+", title)]
    significant = next((w for w in words if w and w not in _STOPWORDS), "")
    return f"{last or 'anon'}{year or 'nd'}{significant or 'paper'}"


def assign_keys(wanted: Sequence[tuple[str, str]], previous: Mapping[str, str]) -> dict[str, str]:
    """Citation keys for (paper key, base key) pairs, in list order.

    A paper keeps the key it had last run while no other paper holds it; new papers get their
    base key, or base + a, b, c... when it is taken. So keys are unique and stable across runs.
    """
    keys: dict[str, str] = {}
    taken: set[str] = set()
    for paper, _ in wanted:
        old = previous.get(paper)
        if old and old not in taken and paper not in keys:
            keys[paper] = old
            taken.add(old)
    for paper, base in wanted:
        if paper in keys:
            continue
        candidate, suffix = base, 0
        while candidate in taken:
            candidate = base + _suffix(suffix)
            suffix += 1
        keys[paper] = candidate
        taken.add(candidate)
    return keys


def _suffix(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def build_entry(source: BibSource, key: str) -> Entry:
    """The paper's BibTeX entry: S2's, repaired, completed from the list and arXiv."""
    parsed = parse_entry(source.s2_bibtex) if source.s2_bibtex else None
    entry_type, fields = parsed if parsed else ("misc", {})
    journal = fields.get("journal", "").casefold()
    preprint_only = (
        journal in _PREPRINT_JOURNALS
        or fields.get("volume", "").startswith("abs/")
        or not (fields.get("journal") or fields.get("booktitle"))
    )
    venue = find_venue(source.list_venue)
    named = find_venue(fields.get("journal") or fields.get("booktitle"))
    if venue is not None and named is not None and named.acronym == venue.acronym:
        # S2 names the list's venue but sometimes with the wrong entry type.
        entry_type = "inproceedings" if venue.kind == "conference" else "article"
        if venue.kind == "journal":
            fields.setdefault("journal", fields.get("booktitle", venue.name))
        else:
            fields.setdefault("booktitle", fields.get("journal", venue.name))
    elif venue is not None and venue.kind == "conference" and entry_type != "article":
        entry_type = "inproceedings"  # also when S2 knows only the preprint
        if preprint_only or "booktitle" not in fields:
            fields["booktitle"] = venue.name
    elif venue is not None and venue.kind == "conference" and preprint_only:
        entry_type = "inproceedings"
        fields["booktitle"] = venue.name
    elif venue is not None and venue.kind == "journal" and preprint_only:
        entry_type = "article"
        fields["journal"] = venue.name
    elif venue is not None and venue.kind == "preprint" and entry_type == "misc":
        entry_type = "article"
        fields["journal"] = "arXiv preprint"
    elif preprint_only and source.list_venue and (venue is None or venue.kind != "preprint"):
        fields["note"] = source.list_venue
    if entry_type == "inproceedings":
        fields.pop("journal", None)
    if entry_type == "article":
        fields.pop("booktitle", None)
    if fields.get("volume", "").startswith("abs/") and fields.get("journal", "").casefold() not in (
        _PREPRINT_JOURNALS
    ):
        fields.pop("volume")  # the arXiv "volume" means nothing outside the arXiv journal field
    fields.setdefault("title", source.title)
    if source.authors and not fields.get("author"):
        fields["author"] = " and ".join(source.authors)
    if source.year is not None and (preprint_only or "year" not in fields):
        fields["year"] = str(source.year)
    if source.doi and "doi" not in fields:
        fields["doi"] = source.doi
    if source.arxiv_id:
        fields.setdefault("eprint", source.arxiv_id)
        fields.setdefault("archiveprefix", "arXiv")
        if source.arxiv_category:
            fields.setdefault("primaryclass", source.arxiv_category)
    if source.url and "url" not in fields and source.url.startswith(("http://", "https://")):
        fields["url"] = source.url
    ordered = sorted(fields.items(), key=lambda item: (_FIELD_ORDER.get(item[0], 99), item[0]))
    return Entry(
        entry_type, key, [Field(name, clean_value(value)) for name, value in ordered if value]
    )


_FIELD_ORDER = {
    name: index
    for index, name in enumerate(
        [
            "title",
            "author",
            "booktitle",
            "journal",
            "volume",
            "number",
            "pages",
            "year",
            "doi",
            "eprint",
            "archiveprefix",
            "primaryclass",
            "url",
            "note",
        ]
    )
}


def render_entry(entry: Entry) -> str:
    """One entry in bibtexparser's own layout (values are already clean: one line, balanced)."""
    fields = "".join(f",\n\t{f.key} = {{{f.value}}}" for f in entry.fields)
    return f"@{entry.entry_type}{{{entry.key}{fields}\n}}\n"


def render_bibliography(entries: Iterable[Entry]) -> str:
    """The entries, separated by blank lines. Formatted directly: bibtexparser's writer runs
    its middleware stack per entry, which dominated the run time on large lists."""
    return "\n".join(render_entry(entry) for entry in entries)


def parse_bibliography(text: str) -> Library:
    return parse_string(text)
