"""Whether a section holds papers, judged from its items together. Pure.

One item reads the same in a list of papers and in a list of datasets: `- [Widget Corpus](http://
widgets.example/)` is a paper known by its name or a dataset's home page. A section where most
items are such short names, linked to sites that are not a paper's and dated by nothing, is a
section of resources (datasets, tools, labs): those items are not taken, and `check` warns about
each, in case the reader is wrong.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

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


def without_entries(
    blocks: Sequence[Block], entries: Sequence[Entry], dropped: set[int]
) -> tuple[tuple[Block, ...], tuple[Entry, ...], list[Skipped]]:
    """The blocks and entries with the `dropped` bullet entries turned back into text, the
    others renumbered in order, and a warned skip for each dropped one."""
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
        Skipped(entry.line, SkipReason.NO_PAPER_LINK, RESOURCE_REASON)
        for entry in entries
        if entry.position in dropped
    ]
    return tuple(out), tuple(replace(e, position=renumber[e.position]) for e in kept), skipped


def _renumbered(slot: HtmlSlot, renumber: dict[int, int]) -> HtmlSlot:
    if slot.entry_position is None:
        return slot
    return replace(slot, entry_position=renumber[slot.entry_position])
