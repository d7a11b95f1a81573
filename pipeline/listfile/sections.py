"""Whether a section holds papers, judged from its items together. Pure.

One item reads the same in a list of papers and in a list of datasets: `- [Widget Corpus](http://
widgets.example/)` is a paper known by its name or a dataset's home page. A section where most
items are such short names, linked to sites that are not a paper's and dated by nothing, is a
section of resources (datasets, tools, labs): those items are not taken, and `check` warns about
each, in case the reader is wrong.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from urllib.parse import urlsplit

from pipeline.listfile.links import names_a_paper
from pipeline.listfile.model import (
    Block,
    BulletEntry,
    Entry,
    HtmlSlot,
    HtmlTable,
    Skipped,
    SkipReason,
    Table,
    TextBlock,
)

SHORT_NAME_WORDS = 3  # `Widget Corpus`, `MS COCO`: a name, not a title
_MIN_ITEMS = 3
_RESOURCE_SHARE = 0.6
RESOURCE_REASON = (
    "a short name linked to a site, no paper link or venue, in a section of such names "
    "(datasets, tools, sites?)"
)


def _a_site_name(entry: Entry) -> bool:
    """A bullet that is a short name linked to a site, with no paper link or venue."""
    return (
        entry.kind == "bullet"
        and bool(entry.paper_url or entry.code_urls)  # not a citation without links
        and len(entry.title.split()) <= SHORT_NAME_WORDS
        and entry.venue is None
        and not (entry.paper_url and names_a_paper(entry.paper_url))
    )


def resource_entries(
    entries: Sequence[Entry], skipped_sections: Sequence[str | None] = ()
) -> set[int]:
    """The positions of entries that sit in a section of site names (see the module doc).
    Items already known not to be papers (`skipped_sections`: the section of each) count
    with the names: a section's judgement does not turn on how many were told apart before."""
    sections: dict[str | None, list[Entry]] = {}
    for entry in entries:
        sections.setdefault(entry.section, []).append(entry)
    skipped = Counter(skipped_sections)
    dropped: set[int] = set()
    for section, members in sections.items():
        bullets = [entry for entry in members if entry.kind == "bullet"]
        names = [entry for entry in bullets if _a_site_name(entry)]
        resources = len(names) + skipped[section]
        if (
            names
            and resources >= _MIN_ITEMS
            and resources >= _RESOURCE_SHARE * (len(bullets) + skipped[section])
        ):
            dropped.update(entry.position for entry in names)
    return dropped


# `Robotics Lab, Some University`, `Widget Research Group`: an organisation's name
_ORGANISATION = re.compile(
    r"(?i)\b(?:lab|labs|laborator(?:y|ies)|group|institute|cent(?:er|re)|university|society|"
    r"association|foundation|company|inc|gmbh|ltd|team|department)\b"
)
_PAGE_FILE = re.compile(r"(?i)\.(?:pdf|html?|php|aspx?|jsp)$")
_EVIDENCED_SHARE = 0.8
HOME_PAGE_REASON = (
    "links a site's home page, with no paper link, venue or year (a lab, tool, company or site?)"
)


def is_home_page(url: str) -> bool:
    """`https://lab.example.edu/`, `https://company.example/ai`: a site's front page (no path,
    or one word of path), where a paper's page has a deeper path, a number or a file name."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    if not parts.netloc:
        return False
    segments = [segment for segment in parts.path.split("/") if segment]
    if re.search(r"\d{3}", parts.query):  # `?id=1234`: one page of many
        return False
    if not segments:
        return True
    only = segments[0]
    return len(segments) == 1 and not re.search(r"\d", only) and not _PAGE_FILE.search(only)


def _evidenced(entry: Entry) -> bool:
    """Whether something in the entry names or dates a paper: a venue, a year, or a link that
    surely names a paper."""
    sure_link = entry.paper_url is not None and names_a_paper(entry.paper_url)
    return entry.venue is not None or entry.year is not None or sure_link


def home_page_entries(entries: Sequence[Entry]) -> set[int]:
    """The positions of bullets that link only a site's front page and carry nothing that
    names or dates a paper, where that is not how the list gives its papers: their title is a
    short name or an organisation's, or most of the list's entries carry a venue, a year or
    a paper link. A paper titled in full and linked to its project page, in a list of such
    items, stays."""
    if not entries:
        return set()
    mostly_evidenced = sum(map(_evidenced, entries)) >= _EVIDENCED_SHARE * len(entries)
    dropped: set[int] = set()
    for entry in entries:
        if entry.kind != "bullet" or entry.paper_url is None or _evidenced(entry):
            continue
        if not is_home_page(entry.paper_url):
            continue
        named = len(entry.title.split()) <= SHORT_NAME_WORDS or _ORGANISATION.search(entry.title)
        if named or mostly_evidenced:
            dropped.add(entry.position)
    return dropped


def without_entries(
    blocks: Sequence[Block], entries: Sequence[Entry], dropped: dict[int, str]
) -> tuple[tuple[Block, ...], tuple[Entry, ...], list[Skipped]]:
    """The blocks and entries with the `dropped` bullet entries (position: why) turned back
    into text, the others renumbered in order, and a warned skip for each dropped one."""
    kept = [entry for entry in entries if entry.position not in dropped]
    renumber = {entry.position: new for new, entry in enumerate(kept)}
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, BulletEntry):
            if block.entry_position in dropped:
                out.append(TextBlock((block.line,)))
            else:
                out.append(replace(block, entry_position=renumber[block.entry_position]))
        elif isinstance(block, Table):
            rows = tuple(
                replace(row, entry_position=renumber[row.entry_position])
                if row.entry_position is not None
                else row
                for row in block.rows
            )
            out.append(replace(block, rows=rows))
        elif isinstance(block, HtmlTable):
            slots = tuple(_renumbered(slot, renumber) for slot in block.slots)
            out.append(replace(block, slots=slots))
        else:
            out.append(block)
    skipped = [
        Skipped(entry.line, SkipReason.NO_PAPER_LINK, dropped[entry.position])
        for entry in entries
        if entry.position in dropped
    ]
    return tuple(out), tuple(replace(e, position=renumber[e.position]) for e in kept), skipped


def _renumbered(slot: HtmlSlot, renumber: dict[int, int]) -> HtmlSlot:
    if slot.entry_position is None:
        return slot
    return replace(slot, entry_position=renumber[slot.entry_position])
