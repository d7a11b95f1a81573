"""What the parser carries while it reads a list, and the line syntax that the parser and the
table readers share. Pure."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from pipeline.listfile.markdown import is_http_url, is_pdf_beside
from pipeline.listfile.model import (
    Block,
    Cell,
    Diagnostic,
    Entry,
    Line,
    Severity,
    Skipped,
    TextBlock,
)
from pipeline.listfile.nonpapers import NON_PAPER_SECTION, is_non_paper_heading
from pipeline.listfile.years import year_from_text

if TYPE_CHECKING:
    from pipeline.listfile.items import ItemReading

LINE_BREAK = re.compile(r"\r\n|\n|\r")
ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})")
THEMATIC_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
LIST_ITEM = re.compile(r"^(\s*)([-*+]|\d{1,9}[.)])[ \t]+(.*)$")
# `<` opens an HTML block, but not an autolink (`<https://...>` goes on a lazy paragraph line)
BLOCK_START = re.compile(
    r"^ {0,3}(#{1,6}([ \t]|$)|>|`{3}|~{3}|[-*+][ \t]|\d{1,9}[.)][ \t]|<(?!(?i:https?://|mailto:)))"
)


@dataclass
class ParseState:
    source: str
    blocks: list[Block] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    pending_text: list[Line] = field(default_factory=list)
    section: str | None = None
    skipped: list[Skipped] = field(default_factory=list)
    outline: list[tuple[int, str]] = field(default_factory=list)  # the headings above, by level
    sections: list[tuple[int, str]] = field(default_factory=list)  # (line, section) in order
    labels: list[tuple[int, str]] = field(default_factory=list)  # venue-only parent items
    # items whose links belong to the citations below them: (depth, paper URLs, code, count)
    link_labels: list[tuple[int, list[str], tuple[str, ...], int]] = field(default_factory=list)
    # whether a flat list is a list of bare titles, by the index of each of its items' lines
    title_blocks: dict[int, bool] = field(default_factory=dict)
    # headings read as papers with their fields below, by line index (the reading, its paper
    # field's line), and their anchors (parser._fielded_headings)
    fielded_headings: dict[int, tuple[ItemReading, int]] = field(default_factory=dict)
    paper_sections: frozenset[str] = frozenset()

    def non_paper_section(self) -> str | None:
        """The heading above (at any level) that names a section without papers, if any."""
        found = [text for _, text in self.outline if is_non_paper_heading(text)]
        if self.section and (
            NON_PAPER_SECTION.search(self.section) or is_non_paper_heading(self.section)
        ):
            found.append(self.section)
        return found[-1] if found else None

    def section_at(self, line: int) -> str | None:
        """The section a line sits in (the last heading read before it)."""
        index = bisect_right(self.sections, line, key=lambda section: section[0])
        return self.sections[index - 1][1] if index else None

    def text(self, line: Line) -> None:
        self.pending_text.append(line)

    def block(self, block: Block) -> None:
        self.flush()
        self.blocks.append(block)

    def flush(self) -> None:
        if self.pending_text:
            self.blocks.append(TextBlock(tuple(self.pending_text)))
            self.pending_text = []

    def entry(
        self,
        line: int,
        title: str,
        paper_url: str | None,
        venue: str | None,
        year_texts: Sequence[str | None],
        code_urls: tuple[str, ...],
        cells: tuple[Cell, ...],
        kind: Literal["table", "bullet"] = "table",
    ) -> Entry:
        """The next entry, its paper URL checked, its venue cleaned, and its year from the
        first of `year_texts` (then the section) that names one."""
        years = (year_from_text(text) for text in (*year_texts, self.section))
        return Entry(
            position=len(self.entries),
            line=line,
            section=self.section,
            title=title,
            paper_url=checked_paper_url(paper_url, self, line),
            abbreviation=None,
            venue=clean_venue(venue),
            year=next((year for year in years if year), None),
            code_urls=code_urls,
            cells=cells,
            kind=kind,
        )

    def report(self, line: int, severity: Severity, message: str) -> None:
        self.diagnostics.append(Diagnostic(self.source, line, severity, message))


def checked_paper_url(url: str | None, state: ParseState, line: int) -> str | None:
    if url is None or is_http_url(url) or is_pdf_beside(url):
        return url
    state.report(line, Severity.WARNING, f"paper link {url!r} is not an http(s) URL; ignored")
    return None


def clean_venue(venue: str | None) -> str | None:
    if venue is None:
        return None
    # `." CVPR,`: the quote that closed a cited title before it
    cleaned = " ".join(venue.strip(" \t[]()*_-|:,.\"'\u201c\u201d").split())
    return cleaned or None
