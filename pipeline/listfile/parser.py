"""A pure parser for Markdown paper lists: `parse_list(text) -> ListDocument`.

The document keeps every source line in a block, so `render(parse_list(text)) == text` holds for
any input. Paper tables are GFM tables whose columns are found by header name; bullet entries are
list items that start with a link. Rows that cannot be read become diagnostics, never silent gaps.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.listfile.bounds import inline_problem
from pipeline.listfile.cells import (
    COLUMN_NAMES,
    code_urls_in,
    column_roles,
    empty_to_none,
    is_delimiter_row,
    split_row,
    title_and_url,
)
from pipeline.listfile.items import ItemReading, read_item, venue_label
from pipeline.listfile.markdown import find_links, find_urls, is_http_url, plain_text
from pipeline.listfile.model import (
    Block,
    BulletEntry,
    Cell,
    ColumnRole,
    Diagnostic,
    Entry,
    Heading,
    Line,
    ListDocument,
    Severity,
    Skipped,
    Table,
    TableRow,
    TextBlock,
)
from pipeline.listfile.render import indentation
from pipeline.listfile.years import year_from_text

# Bullets with links under these headings are navigation or prose, not papers.
NON_PAPER_SECTION = re.compile(
    r"(?i)\b(contents|toc|related|contribut\w*|licen[cs]e|acknowledg\w*|citation|cite|"
    r"other (awesome )?lists?|see also)\b"
)
# Headings that are nothing but a kind of non-paper resource ("Talks", "Implementations",
# "Libraries and Tools"): everything under them, subsections included, holds no papers. Only
# the whole heading counts: "Tool Selection" in a list about LLM agents holds papers.
_RESOURCE = (
    r"talks?|tutorials?|videos?|blogs?|podcasts?|courses?|lectures?|implementations?|tools?|"
    r"toolkits?|toolbox(?:es)?|librar(?:y|ies)|frameworks?|competitions?|challenges|news|"
    r"updates?|star history|slides|demos?|codebases?|software|packages?"
)
NON_PAPER_HEADING = re.compile(rf"(?i)^(?:{_RESOURCE})(?:\s*(?:and|&|,)\s*(?:{_RESOURCE}))*$")

_LINE_BREAK = re.compile(r"\r\n|\n|\r")
_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_THEMATIC_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_LIST_ITEM = re.compile(r"^(\s*)([-*+]|\d{1,9}[.)])[ \t]+(.*)$")
_BLOCK_START = re.compile(r"^ {0,3}(#{1,6}([ \t]|$)|>|`{3}|~{3}|[-*+][ \t]|\d{1,9}[.)][ \t]|<)")


def split_lines(text: str) -> list[Line]:
    """Split text into lines, keeping each line's ending (LF, CRLF or CR)."""
    lines: list[Line] = []
    cursor = 0
    for number, match in enumerate(_LINE_BREAK.finditer(text), start=1):
        lines.append(Line(number, text[cursor : match.start()], match.group(0)))
        cursor = match.end()
    if cursor < len(text):
        lines.append(Line(len(lines) + 1, text[cursor:], ""))
    return lines


@dataclass
class _ParseState:
    source: str
    blocks: list[Block] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    pending_text: list[Line] = field(default_factory=list)
    section: str | None = None
    skipped: list[Skipped] = field(default_factory=list)
    outline: list[tuple[int, str]] = field(default_factory=list)  # the headings above, by level
    labels: list[tuple[int, str]] = field(default_factory=list)  # venue-only parent items

    def non_paper_section(self) -> str | None:
        """The heading above (at any level) that names a section without papers, if any."""
        found = [text for _, text in self.outline if NON_PAPER_HEADING.match(_bare(text))]
        if self.section and (
            NON_PAPER_SECTION.search(self.section) or NON_PAPER_HEADING.match(_bare(self.section))
        ):
            found.append(self.section)
        return found[-1] if found else None

    def text(self, line: Line) -> None:
        self.pending_text.append(line)

    def block(self, block: Block) -> None:
        self.flush()
        self.blocks.append(block)

    def flush(self) -> None:
        if self.pending_text:
            self.blocks.append(TextBlock(tuple(self.pending_text)))
            self.pending_text = []

    def report(self, line: int, severity: Severity, message: str) -> None:
        self.diagnostics.append(Diagnostic(self.source, line, severity, message))


# Skip reasons that name what an item is; any other skipped item with a link is reported as a
# warning, in case it is a paper the reader missed.
KNOWN_NON_PAPERS = ("a table of contents", "a task-list", "an author line", "tagged ")


def _bare(heading: str) -> str:
    """A heading without numbering, emoji and punctuation around it: `3.1 Tools :hammer:`."""
    text = re.sub(r":[a-z0-9_+-]+:", " ", heading)
    text = re.sub(r"^[\W\d_]+|[\W_]+$", "", text)
    return " ".join(text.split())


def _paper_url(url: str | None, state: _ParseState, line: int) -> str | None:
    if url is None or is_http_url(url):
        return url
    state.report(line, Severity.WARNING, f"paper link {url!r} is not an http(s) URL; ignored")
    return None


def _table_entry(table: Table, row: TableRow, state: _ParseState) -> Entry | None:
    number = row.line.number
    width = len(table.headers)
    if len(row.cells) < width:
        state.report(
            number,
            Severity.WARNING,
            f"row has {len(row.cells)} cells, the header has {width}; missing cells read as empty",
        )
    elif len(row.cells) > width:
        state.report(
            number,
            Severity.WARNING,
            f"row has {len(row.cells)} cells, the header has {width}; "
            "GitHub does not show the extra cells",
        )
    cells = [cell.strip() for cell in row.cells[:width]]
    cells += [""] * (width - len(cells))
    if not any(cells):
        state.report(number, Severity.WARNING, "empty table row; not read as a paper")
        return None
    problem = inline_problem([cells[index] for _, index in table.roles])
    if problem:
        state.report(number, Severity.ERROR, f"row not read as a paper: {problem}")
        return None

    def cell(role: ColumnRole) -> str:
        index = table.column(role)
        return cells[index] if index is not None else ""

    title, url = title_and_url(cell(ColumnRole.TITLE))
    if not title:
        state.report(number, Severity.ERROR, "row has no title; not read as a paper")
        return None
    if url is None and table.column(ColumnRole.LINK) is not None:
        link_urls = find_urls(cell(ColumnRole.LINK))
        url = link_urls[0] if link_urls else None
    venue = empty_to_none(cell(ColumnRole.VENUE))
    year = (
        year_from_text(plain_text(cell(ColumnRole.YEAR)))
        or year_from_text(venue)
        or year_from_text(state.section)
    )
    return Entry(
        position=len(state.entries),
        line=number,
        section=state.section,
        title=title,
        paper_url=_paper_url(url, state, number),
        abbreviation=empty_to_none(cell(ColumnRole.ABBREVIATION)),
        venue=venue,
        year=year,
        code_urls=code_urls_in(cell(ColumnRole.CODE)),
        cells=tuple(Cell(header, text) for header, text in zip(table.headers, cells, strict=True)),
    )


def _parse_table(
    lines: list[Line], start: int, header: TableRow, delimiter: TableRow, state: _ParseState
) -> int:
    """Parse the table whose header is lines[start]; return the index after its last row."""
    headers = tuple(plain_text(cell) for cell in header.cells)
    table = Table(header, delimiter, (), headers, column_roles(headers))
    end = start + 2
    while end < len(lines):
        text = lines[end].text
        if not text.strip() or _BLOCK_START.match(text) or _THEMATIC_BREAK.match(text):
            break
        end += 1
    rows: list[TableRow] = []
    recognised = {role for role, _ in table.roles}
    if not table.is_paper_table and recognised & {ColumnRole.CODE, ColumnRole.VENUE}:
        state.report(
            lines[start].number,
            Severity.WARNING,
            f"table with columns {list(headers)} has no title column "
            f"(one of {', '.join(COLUMN_NAMES[ColumnRole.TITLE])}); "
            "its rows are not read as papers",
        )
    for line in lines[start + 2 : end]:
        row = split_row(line) or TableRow(line=line, leading="", cells=(line.text,), trailing="")
        if table.is_paper_table:
            entry = _table_entry(table, row, state)
            if entry is not None:
                state.entries.append(entry)
                row = TableRow(row.line, row.leading, row.cells, row.trailing, entry.position)
        elif "](" in line.text or find_urls(line.text):
            reason = "a row of a table without a title column"
            state.skipped.append(Skipped(line.number, reason, doubtful=False))
        rows.append(row)
    state.block(Table(header, delimiter, tuple(rows), headers, table.roles))
    return end


def _table_start(
    lines: list[Line], index: int, state: _ParseState
) -> tuple[TableRow, TableRow] | None:
    """The header and delimiter rows when a GFM table starts at lines[index]."""
    if index + 1 >= len(lines) or lines[index].text.startswith("    "):
        return None
    header = split_row(lines[index])
    delimiter = split_row(lines[index + 1])
    if header is None or delimiter is None or not is_delimiter_row(delimiter):
        return None
    if len(header.cells) != len(delimiter.cells):
        state.report(
            lines[index].number,
            Severity.WARNING,
            f"table header has {len(header.cells)} cells but the delimiter row below has "
            f"{len(delimiter.cells)}; GitHub does not render this as a table",
        )
        return None
    problem = inline_problem(header.cells)
    if problem:
        state.report(lines[index].number, Severity.WARNING, f"table header not read: {problem}")
        return None
    return header, delimiter


def _item_lines(lines: list[Line], index: int) -> int:
    """The end (exclusive) of the list item starting at `lines[index]`: its continuation lines
    (indented, or lazy paragraph text) and nested sub-items that are not papers on their own
    (`- [[Paper]](url)`, an author line). A nested paper, a heading, a fence, a comment or a
    line back at the item's indentation ends it."""
    item = _LIST_ITEM.match(lines[index].text)
    assert item is not None  # noqa: S101 - checked by the caller
    indent = indentation(item.group(1))
    label: str | None = None  # `- NIPS'19`: the papers below it, read with its venue
    labelled = False
    end = index + 1
    blank = False
    while end < len(lines):
        text = lines[end].text
        if not text.strip():
            blank = True
            end += 1
            continue
        if _FENCE_OPEN.match(text) or text.lstrip().startswith(("<!--", "#", "|")):
            break
        deeper = indentation(text) > indent
        nested = _LIST_ITEM.match(text)
        if nested and deeper and not labelled:
            labelled = True
            if inline_problem([item.group(3)], cells=False) is None:
                label = venue_label(item.group(3))
        if nested and (not deeper or _paper_of_its_own(nested.group(3), label)):
            break  # a sibling, or a paper of its own
        if not deeper and (blank or _BLOCK_START.match(text)):
            break
        if blank and not deeper:
            break
        blank = False
        end += 1
    while end > index + 1 and not lines[end - 1].text.strip():
        end -= 1  # trailing blank lines are the document's, not the item's
    return end


def _paper_of_its_own(content: str, label: str | None) -> bool:
    if inline_problem([content], cells=False) is not None:
        return True  # not read here: the main loop reports it on its own line
    return read_item(content, (), label).skip_reason is None


def _continuation(lines: Sequence[Line]) -> list[str]:
    """The item's other lines as text: list markers and `<br>` removed."""
    out = []
    for line in lines:
        nested = _LIST_ITEM.match(line.text)
        out.append(nested.group(3) if nested else line.text.strip())
    return out


def _list_item(lines: list[Line], index: int, state: _ParseState) -> tuple[Entry | None, int]:
    """Read the list item at `lines[index]`: its entry (or None) and the index after it."""
    line = lines[index]
    item = _LIST_ITEM.match(line.text)
    assert item is not None  # noqa: S101 - checked by the caller
    content = item.group(3)
    end = _item_lines(lines, index)
    rest = lines[index + 1 : end]
    problem = inline_problem([content, *(r.text for r in rest)], cells=False)
    if problem:
        if find_links(content[:200]) or "](" in content:  # may be a paper: say so
            state.report(line.number, Severity.ERROR, f"item not read as a paper: {problem}")
        return None, index + 1
    non_paper = state.non_paper_section()
    if non_paper is not None:
        if "](" in content or find_urls(content):
            state.skipped.append(
                Skipped(line.number, f"in section {non_paper!r}, which holds no papers", False)
            )
        return None, end
    indent = indentation(item.group(1))
    state.labels = [(depth, text) for depth, text in state.labels if depth < indent]
    inherited = state.labels[-1][1] if state.labels else None
    reading = read_item(content, _continuation(rest), inherited)
    if reading.skip_reason is not None:
        label = venue_label(content)
        if label is not None:
            state.labels.append((indent, label))
        if not reading.has_links and reading.title and len(reading.title.split()) >= 4:
            # A title without link, venue or year: listed in `check --json`, not warned about.
            state.skipped.append(Skipped(line.number, reading.skip_reason, doubtful=False))
        if reading.has_links:
            known = reading.skip_reason.startswith(KNOWN_NON_PAPERS)
            state.skipped.append(Skipped(line.number, reading.skip_reason, not known))
            if not known:
                message = f"item with a link not read as a paper: {reading.skip_reason}"
                state.report(line.number, Severity.WARNING, message)
        # A non-paper's nested items are read on their own (a category bullet's papers).
        return None, index + 1
    return _item_entry(reading, line, state), end


_PARAGRAPH_ENTRY_START = re.compile(r"^\s{0,3}(?:\*\*|__|\[\d{1,4}\]\s)")


def _paragraph_end(lines: list[Line], index: int) -> int:
    end = index + 1
    while end < len(lines):
        text = lines[end].text
        if not text.strip() or _BLOCK_START.match(text) or _LIST_ITEM.match(text):
            break
        end += 1
    return end


def _paragraph_entry(lines: list[Line], index: int, state: _ParseState) -> tuple[Entry | None, int]:
    """A paper written as a paragraph: a bold or numbered (`[12]`) title line, then lines
    with authors, venue and links (hard breaks `\\`, `<br>`, or a blank line before a
    paragraph of links). Only paragraphs that carry a paper link are read as papers."""
    line = lines[index]
    if not _PARAGRAPH_ENTRY_START.match(line.text) or state.non_paper_section() is not None:
        return None, index + 1
    end = _paragraph_end(lines, index)
    rest = [r.text for r in lines[index + 1 : end]]
    # `[4] Title<br>`, a blank line, then `[paper](url) | [code](url)<br><br>`
    after_blank = end + 1
    if (
        line.text.rstrip().endswith(("<br>", "<br/>", "<br />"))
        and after_blank < len(lines)
        and not lines[end].text.strip()
        and lines[after_blank].text.lstrip().startswith("[")
        and not _PARAGRAPH_ENTRY_START.match(lines[after_blank].text)
    ):
        links_end = _paragraph_end(lines, after_blank)
        rest += [r.text for r in lines[after_blank:links_end]]
        end = links_end
    if inline_problem([line.text, *rest], cells=False):
        return None, index + 1
    reading = read_item(line.text.strip(), [_HARD_BREAK.sub(" ", text) for text in rest])
    if reading.skip_reason is not None or reading.paper_url is None:
        return None, index + 1
    return _item_entry(reading, line, state), end


def _item_entry(reading: ItemReading, line: Line, state: _ParseState) -> Entry:
    """The entry a list item or paragraph was read as (its first line stands for it)."""
    assert reading.title is not None  # noqa: S101 - read_item sets it for papers
    return Entry(
        position=len(state.entries),
        line=line.number,
        section=state.section,
        title=reading.title,
        paper_url=_paper_url(reading.paper_url, state, line.number),
        abbreviation=None,
        venue=_clean_venue(reading.venue),
        year=year_from_text(reading.year_text) or year_from_text(state.section),
        code_urls=reading.code_urls,
        cells=(Cell("", line.text),),
        kind="bullet",
    )


_HARD_BREAK = re.compile(r"<br\s*/?>|\\$", re.IGNORECASE)


_HTML_LINK = re.compile(r"""<a\s[^>]*href\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


def _html_row(lines: list[Line], index: int, state: _ParseState) -> None:
    """An HTML table row (`<tr>` ... `</tr>`) with links: reported, not read (yet)."""
    urls: list[str] = []
    for line in lines[index : index + 40]:
        urls += _HTML_LINK.findall(line.text)
        if inline_problem([line.text], cells=False) is None:
            urls += [link.url for link in find_links(line.text)]
        if "</tr" in line.text.lower():
            break
    if not urls:
        return
    if all(url.startswith("#") for url in urls):
        state.skipped.append(Skipped(lines[index].number, "a table of contents (HTML)", False))
        return
    reason = "an HTML table row: rows of HTML tables are not read as papers yet"
    state.skipped.append(Skipped(lines[index].number, reason))
    state.report(lines[index].number, Severity.WARNING, f"item with a link not read: {reason}")


def _clean_venue(venue: str | None) -> str | None:
    if venue is None:
        return None
    cleaned = " ".join(venue.strip(" \t[]()*_-|:,.").split())
    return cleaned or None


def _skip_verbatim(lines: list[Line], start: int, fence: str | None, state: _ParseState) -> int:
    """Keep a code fence (with marker `fence`) or an HTML comment as text; return the next index."""
    if fence is None:
        closes = re.compile(r"-->")
    else:
        closes = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
    state.text(lines[start])
    if fence is None and closes.search(lines[start].text):
        return start + 1
    index = start + 1
    while index < len(lines):
        state.text(lines[index])
        index += 1
        if closes.search(lines[index - 1].text):
            break
    return index


def _heading_text(text: str, number: int, state: _ParseState) -> str:
    """A heading's plain text; its raw text when it is too long or tangled to read."""
    problem = inline_problem([text], cells=False)
    if problem is None:
        return plain_text(text)
    state.report(number, Severity.WARNING, f"heading kept as written, not read: {problem}")
    return " ".join(text.split())


def parse_list(text: str, source: str = "<string>") -> ListDocument:
    """Parse a Markdown list. Pure: no I/O; `source` only names the input in diagnostics."""
    lines = split_lines(text)
    state = _ParseState(source)
    index = 0
    while index < len(lines):
        line = lines[index]
        fence = _FENCE_OPEN.match(line.text)
        if fence or line.text.lstrip().startswith("<!--"):
            # Code fences and HTML comments are kept verbatim, tables inside them included.
            index = _skip_verbatim(lines, index, fence.group(1) if fence else None, state)
            continue
        heading = _ATX_HEADING.match(line.text.removeprefix("\ufeff"))
        if heading:
            level = len(heading.group(1))
            title = _heading_text(heading.group(2) or "", line.number, state)
            state.block(Heading(line, level, title))
            state.section = title
            state.outline = [(lvl, text) for lvl, text in state.outline if lvl < level]
            state.outline.append((level, title))
            state.labels = []
            index += 1
            continue
        table_start = _table_start(lines, index, state)
        if table_start:
            index = _parse_table(lines, index, *table_start, state)
            continue
        previous = state.pending_text[-1] if state.pending_text else None
        if (
            _SETEXT_UNDERLINE.match(line.text)
            and previous is not None
            and previous.text.strip()
            and not _BLOCK_START.match(previous.text)
        ):
            state.section = _heading_text(previous.text, previous.number, state)
        if _LIST_ITEM.match(line.text):
            entry, after = _list_item(lines, index, state)
            if entry is not None:
                state.entries.append(entry)
                state.block(BulletEntry(line, entry.position))
            else:
                state.text(line)
            for rest in lines[index + 1 : after]:
                state.text(rest)
            index = after
            continue
        if line.text.lstrip().lower().startswith("<tr"):
            _html_row(lines, index, state)
        if line.text.strip() and not _BLOCK_START.match(line.text):
            entry, after = _paragraph_entry(lines, index, state)
            if entry is not None:
                state.entries.append(entry)
                state.block(BulletEntry(line, entry.position))
                for rest in lines[index + 1 : after]:
                    state.text(rest)
                index = after
                continue
        state.text(line)
        index += 1
    state.flush()
    return ListDocument(
        source,
        tuple(state.blocks),
        tuple(state.entries),
        tuple(state.diagnostics),
        tuple(state.skipped),
    )
