"""Tables, Markdown (GFM) and HTML: which rows are papers, read by column name. Pure."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import unquote

from pipeline.listfile.bounds import inline_problem
from pipeline.listfile.cells import (
    column_roles,
    empty_to_none,
    is_delimiter_row,
    linked_title,
    reads_as_citation,
    split_row,
    title_and_url,
    without_images,
)
from pipeline.listfile.columns import (
    TITLE_HINTS,
    header_words,
    is_results_table,
    is_software_table,
    title_column,
)
from pipeline.listfile.htmltables import read_html_rows, read_html_table
from pipeline.listfile.links import link_kind, names_a_paper, on_code_host
from pipeline.listfile.markdown import (
    find_links,
    find_urls,
    is_anchor_url,
    is_http_url,
    plain_text,
)
from pipeline.listfile.model import (
    SKIP_MESSAGES,
    BulletEntry,
    Cell,
    ColumnRole,
    Entry,
    HtmlSlot,
    HtmlTable,
    Line,
    Severity,
    Skipped,
    SkipReason,
    Table,
    TableRow,
)
from pipeline.listfile.nonpapers import non_paper_row, paper_among_resources
from pipeline.listfile.sections import SHORT_NAME_WORDS
from pipeline.listfile.state import (
    BLOCK_START,
    THEMATIC_BREAK,
    ParseState,
    checked_paper_url,
)
from pipeline.listfile.years import year_from_text


def _row_links(
    cells: list[str], title_index: int, roles: dict[int, ColumnRole]
) -> tuple[list[str], list[str]]:
    """The paper and code links of a row, from every column but the title's: an explicit
    label (`[PDF]`, `[Code]`, a venue name) says what a link is wherever it points; other
    links go by their column (`Link`, `Code`) and then by their host."""
    papers: list[str] = []
    code: list[str] = []
    for index, cell in enumerate(cells):
        if inline_problem([cell]) is not None:
            continue
        role = roles.get(index)
        links = [link for link in find_links(without_images(cell)) if not link.is_image]
        if index == title_index:
            # the title cell's own link is its title's; other links beside it count by label
            opening = linked_title(cell)  # `[Title](url) ...`; a bold title has no link
            if opening is not None and links:
                links = links[1:]
            for link in links:
                url = link.url.strip()
                kind = link_kind(link)
                if kind == "title":  # unlabelled (a badge): by its host
                    kind = "code" if on_code_host(url) else "other"
                if is_http_url(url) and kind in {"code", "paper"}:
                    (code if kind == "code" else papers).append(url)
            linked = {link.url.strip() for link in links}
            for url in find_urls(without_images(cell)):  # a badge's target: code by its host
                if url not in linked and is_http_url(url) and on_code_host(url):
                    code.append(url)
            continue
        for link in links:
            url = link.url.strip()
            if not is_http_url(url):
                continue
            kind = link_kind(link)
            if role is ColumnRole.CODE and kind not in {"paper", "other"}:
                kind = "code"
            elif kind == "title":
                kind = _kind_by_place(url, role)
            if kind == "paper":
                papers.append(url)
            elif kind == "code":
                code.append(url)
        linked = {link.url.strip() for link in links}
        for url in find_urls(cell):
            if url not in linked and is_http_url(url):
                kind = "code" if role is ColumnRole.CODE else _kind_by_place(url, role)
                if kind == "paper":
                    papers.append(url)
                elif kind == "code":
                    code.append(url)
    return list(dict.fromkeys(papers)), list(dict.fromkeys(code))


def _kind_by_place(url: str, role: ColumnRole | None) -> str:
    """A link whose label does not say what it is: a paper when it names one (an id, a
    paper site, a PDF, in a repository too), code on a code host, else by its column."""
    if names_a_paper(url):
        return "paper"
    if on_code_host(url):
        return "code"
    return "paper" if role is ColumnRole.LINK else "other"


def _table_entry(table: Table, row: TableRow, state: ParseState) -> Entry | None:
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

    title_index = table.column(ColumnRole.TITLE)
    assert title_index is not None  # noqa: S101 - only paper tables have rows read
    title, url = title_and_url(cell(ColumnRole.TITLE))
    named = empty_to_none(cell(ColumnRole.ABBREVIATION))
    if empty_to_none(title) is None and named and re.search(r"\w", named):
        title = named  # `| **Plain** | - |`: no paper title, the row's name stands for it
    if not title:
        state.report(number, Severity.ERROR, "row has no title; not read as a paper")
        return None
    abbreviation = empty_to_none(cell(ColumnRole.ABBREVIATION))
    if url is None and len(title.split()) <= 3:
        # `| **COYO-700M** | [COYO-700M: Image-Text Pair Dataset](url) |`: a name column, and
        # the paper's own title as the text of a link in another column.
        others = [
            c
            for i, c in enumerate(cells)
            if i != table.column(ColumnRole.CODE) and inline_problem([c]) is None
        ]
        opening = next(
            (found for c in others if (found := linked_title(c)) and len(found[0].split()) > 3),
            None,
        )
        if opening is not None:
            abbreviation, (title, url) = abbreviation or title, opening
    roles = {index: role for role, index in table.roles}
    papers, code_urls = _row_links(cells, title_index, roles)
    if url is not None and on_code_host(url) and not names_a_paper(url):
        code_urls = [url, *(u for u in code_urls if u != url)]  # a title linked to its code
        url = None
    if url is None and papers:
        url = papers[0]
    venue = empty_to_none(cell(ColumnRole.VENUE))
    title_cell = plain_text(cell(ColumnRole.TITLE))
    # `Jian Zhang. "Title," ICCV2005.`: a citation cell dates its paper, outside its title
    cited_year = year_from_text(title_cell.replace(title, " ")) if title in title_cell else None
    year = (
        year_from_text(plain_text(cell(ColumnRole.YEAR)))
        or year_from_text(venue)
        or cited_year
        or year_from_text(state.section)
    )
    return Entry(
        position=len(state.entries),
        line=number,
        section=state.section,
        title=title,
        paper_url=checked_paper_url(url, state, number),
        abbreviation=abbreviation,
        venue=venue,
        year=year,
        code_urls=tuple(code_urls),
        cells=tuple(Cell(header, text) for header, text in zip(table.headers, cells, strict=True)),
    )


_SAMPLED_ROWS = 200


def _cells(line: Line) -> tuple[str, ...]:
    """A row's cells; a line without pipes is one cell."""
    return (split_row(line) or TableRow(line, "", (line.text,), "")).cells


_YEAR_ONLY = re.compile(r"^\s*(?:19|20)\d\d\s*$")


def _year_column(rows: Sequence[tuple[str, ...]], taken: set[int]) -> int | None:
    """The first column not `taken` whose filled cells (two at least) are all years,
    whatever its header says."""
    width = max((len(row) for row in rows), default=0)
    for index in range(width):
        if index in taken:
            continue
        filled = [row[index] for row in rows if index < len(row) and row[index].strip()]
        if len(filled) >= 2 and all(_YEAR_ONLY.match(plain_text(cell)) for cell in filled):
            return index
    return None


def _roles_by_content(
    headers: tuple[str, ...], body: list[Line], named: tuple[tuple[ColumnRole, int], ...]
) -> tuple[tuple[tuple[ColumnRole, int], ...], bool]:
    """The table's column roles with its title column chosen by what the cells hold, and
    whether that choice had no header to back it (then each row must show it is a paper)."""
    rows = [
        tuple(
            cell.strip() for cell in (split_row(line) or TableRow(line, "", (line.text,), "")).cells
        )
        for line in body[:_SAMPLED_ROWS]
        if inline_problem([line.text], cells=False) is None
    ]
    if not rows:
        return named, False  # no row can be read: each is reported on its own
    chosen = title_column(headers, rows)
    if chosen is None:
        return tuple((role, i) for role, i in named if role is not ColumnRole.TITLE), False
    roles = [(role, i) for role, i in named if role is not ColumnRole.TITLE and i != chosen]
    year_column = _year_column(rows, {i for _, i in roles} | {chosen})
    if ColumnRole.YEAR not in dict(roles) and year_column is not None:
        roles.append((ColumnRole.YEAR, year_column))  # `| 年份 |`: its cells are years
    named_title = dict(named).get(ColumnRole.TITLE)
    if named_title not in {None, chosen} and ColumnRole.ABBREVIATION not in dict(roles):
        roles.append((ColumnRole.ABBREVIATION, named_title))  # `| Name | Paper |`: the name
    cells = [row[chosen] for row in rows if chosen < len(row) and row[chosen].strip()]
    citations = sum(reads_as_citation(cell) for cell in cells)
    hinted = (
        (ColumnRole.TITLE, chosen) in named
        or bool(header_words(headers[chosen]) & TITLE_HINTS)
        or (bool(cells) and citations * 2 >= len(cells))  # whole citations: titles in them
    )
    return ((ColumnRole.TITLE, chosen), *roles), not hinted


_QUOTE = re.compile(r'["\u201c]')
# `<https://arxiv.org/abs/...> | Name | Title`: a row opening with an autolink, not HTML
_AUTOLINK_FIRST = re.compile(r"^ {0,3}<https?://[^\s<>]+>", re.IGNORECASE)


def parse_table(
    lines: list[Line], start: int, header: TableRow, delimiter: TableRow, state: ParseState
) -> int:
    """Parse the table whose header is lines[start]; return the index after its last row."""
    headers = tuple(plain_text(cell) for cell in header.cells)
    end = start + 2
    while end < len(lines):
        text = lines[end].text
        block = BLOCK_START.match(text) and not _AUTOLINK_FIRST.match(text)
        if not text.strip() or block or THEMATIC_BREAK.match(text):
            break
        end += 1
    body = lines[start + 2 : end]
    roles, unnamed = _roles_by_content(headers, body, column_roles(headers))
    table = Table(header, delimiter, (), headers, roles)
    rows = _read_rows(table, body, unnamed, lines[start].number, state)
    state.block(Table(header, delimiter, tuple(rows), headers, table.roles))
    return end


# `| Aug 18 | Author 2005 ["Title"](url) |`: a row of a table written without a header and
# delimiter row (kramdown, GitHub Pages), or a GFM table whose header was left out
_PIPE_ROW = re.compile(r"^ {0,3}\|.*\|\s*$")
_MIN_HEADERLESS_ROWS = 2


def headerless_table_end(lines: list[Line], start: int) -> int | None:
    """The index after a run of pipe rows without a delimiter row under its first (two rows
    at least, of two cells or more), or None. A delimiter row further down ends the run
    before the row it heads: that row and the rest are a table of their own."""
    end = start
    while end < len(lines) and _PIPE_ROW.match(lines[end].text):
        row = split_row(lines[end])
        if row is None or len(row.cells) < 2 or is_delimiter_row(row):
            break
        following = split_row(lines[end + 1]) if end + 1 < len(lines) else None
        if following is not None and is_delimiter_row(following):
            break
        end += 1
    return end if end - start >= _MIN_HEADERLESS_ROWS else None


def parse_headerless_table(lines: list[Line], start: int, end: int, state: ParseState) -> int:
    """Read the pipe rows lines[start:end] (see `headerless_table_end`) as a table whose title
    column is chosen by what its cells hold; each row must show it is a paper (see
    `_cited_on_its_row`). Without a header no column can be added: a run's values go at the
    end of the title cell (`BulletEntry.cell_end`)."""
    body = lines[start:end]
    split = [row for row in map(split_row, body) if row is not None]
    width = max(len(row.cells) for row in split)
    headers = ("",) * width
    roles, _ = _roles_by_content(headers, body, ())
    first = split[0]
    table = Table(first, first, (), headers, roles)
    padded = [
        TableRow(row.line, row.leading, (*row.cells, *([""] * (width - len(row.cells)))), "")
        for row in split
    ]
    rows = _read_rows(table, [row.line for row in padded], True, lines[start].number, state, padded)
    title = table.column(ColumnRole.TITLE)
    for row in rows:
        if row.entry_position is None or title is None:
            state.text(row.line)
        else:
            cell_end = _cell_end(row, title)
            state.block(BulletEntry(row.line, row.entry_position, cell_end=cell_end))
    return end


def _cell_end(row: TableRow, column: int) -> int:
    """Where the text of a row's cell ends in its line (0-based), before its padding."""
    start = len(row.leading) + sum(len(cell) + 1 for cell in row.cells[:column])
    return start + len(row.cells[column].rstrip())


def _read_rows(
    table: Table,
    body: list[Line],
    unnamed: bool,
    header_line: int,
    state: ParseState,
    split: list[TableRow] | None = None,
) -> list[TableRow]:
    """Read a table's body rows as entries (or skipped rows); the rows, with the position of
    the entry each one gave. Rows given `split` are a table without a header: a year counts
    as evidence of a paper only when the row itself holds it."""
    headers = table.headers
    by_line = {row.line.number: row for row in split or ()}
    rows: list[TableRow] = []
    recognised = {role for role, _ in table.roles}
    if not table.is_paper_table and recognised & {ColumnRole.CODE, ColumnRole.VENUE}:
        state.report(
            header_line,
            Severity.WARNING,
            f"table with columns {list(headers)} has no column of titles (no column whose "
            "cells read as titles or names); its rows are not read as papers",
        )
    linked = sum(1 for line in body if _links_a_paper(table, line))
    section = state.non_paper_section()
    skip_all: tuple[SkipReason, str] | None = None
    title_column = table.column(ColumnRole.TITLE)
    named = title_column is not None and plain_text(headers[title_column]).casefold() == "name"
    if named and title_column is not None:
        # a column headed `Name` of titles (several words each) is still a column of titles
        rows_split = [row for row in map(split_row, body) if row is not None]
        cells = [row.cells[title_column] for row in rows_split if title_column < len(row.cells)]
        short = [cell for cell in cells if len(plain_text(cell).split()) <= SHORT_NAME_WORDS]
        named = len(short) * 2 >= len(cells)
    if named and linked == 0 and not recognised & {ColumnRole.VENUE, ColumnRole.YEAR}:
        # `| ID | Name | Ratio |`: names of datasets or tools, with nothing that dates a paper
        skip_all = skip_all or (
            SkipReason.NAMES_TABLE,
            "a table of names without links, venues or years",
        )
    sampled = [
        _cells(line)
        for line in body[:_SAMPLED_ROWS]
        if inline_problem([line.text], cells=False) is None
    ]
    title_cells = [
        plain_text(cells[title_column])
        for cells in sampled
        if title_column is not None and title_column < len(cells)
    ]
    named_only = sum(len(cell.split()) <= SHORT_NAME_WORDS for cell in title_cells)
    if named_only * 2 >= len(title_cells) and is_results_table(headers, sampled):
        # scores by method name; a table of scores whose rows hold whole titles is read
        skip_all = skip_all or (SkipReason.RESULTS_TABLE, SKIP_MESSAGES[SkipReason.RESULTS_TABLE])
    software = is_software_table(sampled, title_column, SHORT_NAME_WORDS)
    mostly_linked = linked >= 2 and linked * 2 >= len(body)
    # the chosen column links a paper in most rows: its other rows are papers without a link
    with_link = sum(
        "](" in cells[title_column]
        for cells in sampled
        if title_column is not None and title_column < len(cells)
    )
    titles_linked = with_link >= 2 and with_link * 2 >= len(sampled)
    for line in body:
        row = (
            by_line.get(line.number)
            or split_row(line)
            or TableRow(line=line, leading="", cells=(line.text,), trailing="")
        )
        if table.is_paper_table and skip_all:
            state.skipped.append(Skipped(line.number, *skip_all, doubtful=False))
        elif split is not None and _an_empty_slot(row, title_column):
            pass  # `| Sep 15 |  |`: a slot left empty in a schedule, or a spacer row
        elif table.is_paper_table and _points_to_a_paper_section(line.text, state):
            why = "points to its paper's section below, where it is read"
            state.skipped.append(Skipped(line.number, SkipReason.CONTENTS, why, doubtful=False))
        elif table.is_paper_table:
            entry = _table_entry(table, row, state)
            if entry is None:
                pass
            elif section and not paper_among_resources(
                section, entry.paper_url, entry.title, line.text
            ):
                why = f"in section {section!r}, which holds no papers"
                state.skipped.append(
                    Skipped(line.number, SkipReason.NON_PAPER_SECTION, why, doubtful=False)
                )
            elif (
                unnamed
                and (split is not None or not titles_linked)
                and not (
                    (entry.paper_url and names_a_paper(entry.paper_url))
                    or entry.venue
                    or (entry.year and split is None)
                    or (split is not None and _cited_on_its_row(line, entry.paper_url))
                )
            ):
                # a column chosen for its text alone, in a table that does not mostly link
                # papers: a row must show it is a paper
                why = "no paper link, venue or year in a table without a title header"
                state.skipped.append(Skipped(line.number, SkipReason.NO_PAPER_LINK, why, False))
            elif software and not (
                (entry.paper_url and names_a_paper(entry.paper_url)) or entry.venue
            ):
                state.skipped.append(
                    Skipped(
                        line.number,
                        SkipReason.SOFTWARE_TABLE,
                        SKIP_MESSAGES[SkipReason.SOFTWARE_TABLE],
                        doubtful=False,
                    )
                )
            elif reason := non_paper_row(
                entry.title,
                entry.paper_url,
                entry.venue,
                # a cited title (`A. Author. "Title," 2005`) is no bare name
                mostly_linked=mostly_linked and not _QUOTE.search(line.text),
            ):
                state.skipped.append(Skipped(line.number, *reason, doubtful=False))
            else:
                state.entries.append(entry)
                row = TableRow(row.line, row.leading, row.cells, row.trailing, entry.position)
        elif "](" in line.text or find_urls(line.text):
            why = "a row of a table without a column of titles (results, a key?)"
            kind = SkipReason.NO_TITLE_COLUMN
            state.skipped.append(Skipped(line.number, kind, why, doubtful=False))
        rows.append(row)
    return rows


def _cited_on_its_row(line: Line, paper_url: str | None) -> bool:
    """A row without a header that cites a paper: a link and a year or a title in quotes on
    the row itself, or both without a link (`| Sep 5 | Heim 1983 "Title" |`). A year alone
    (`| 2020 | no paper this year |`) or a quoted title alone (a talk) is not enough."""
    year = year_from_text(plain_text(line.text)) is not None
    quoted = _QUOTE.search(line.text) is not None
    return (year or quoted) if paper_url else (year and quoted)


def _an_empty_slot(row: TableRow, title_column: int | None) -> bool:
    """A row without a link whose title cell is empty."""
    if title_column is None or title_column >= len(row.cells):
        return False
    text = row.line.text
    linked = "](" in text or bool(find_urls(text))
    return not linked and not plain_text(row.cells[title_column]).strip()


def _links_a_paper(table: Table, line: Line) -> bool:
    """Whether a row has a link in its title or paper-link column (a code link does not
    count). In a table without a title column, any link counts."""
    # A row without pipes is one cell, as the rows are read (parse_table).
    row = split_row(line) or TableRow(line=line, leading="", cells=(line.text,), trailing="")
    columns = [table.column(ColumnRole.TITLE), table.column(ColumnRole.LINK)]
    cells = [row.cells[i] for i in columns if i is not None and i < len(row.cells)]
    if table.column(ColumnRole.TITLE) is None:
        cells = list(row.cells)
    # A linear test, not find_urls: this runs before the row's bounds are checked.
    return any("](" in cell or "://" in cell for cell in cells)


def table_start(
    lines: list[Line], index: int, state: ParseState
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


_HTML_LINK = re.compile(r"""<a\s[^>]*href\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


def html_row(lines: list[Line], index: int, state: ParseState) -> None:
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
    if all(is_anchor_url(url) for url in urls):
        reason = "a table of contents (HTML)"
        state.skipped.append(Skipped(lines[index].number, SkipReason.CONTENTS, reason, False))
        return
    reason = "an HTML table row: rows of HTML tables are not read as papers yet"
    state.skipped.append(Skipped(lines[index].number, SkipReason.HTML_ROW, reason))
    state.report(lines[index].number, Severity.WARNING, f"item with a link not read: {reason}")


def _points_to_a_paper_section(row_text: str, state: ParseState) -> bool:
    """`| Title | Authors | [here](#title) |`: a row of a table of contents whose only links go
    to headings of this page read as papers (`## Title` over its `**Paper** : [here](url)`)."""
    if not state.paper_sections:
        return False
    links = find_links(row_text)
    if not links or not all(is_anchor_url(url) for url in find_urls(row_text)):
        return False
    anchors = {unquote(link.url.split("#", 1)[1]).lower() for link in links}
    return bool(anchors & state.paper_sections)


MAX_HTML_TABLE_LINES = 5_000


def html_table(lines: list[Line], index: int, state: ParseState) -> int | None:
    """An HTML table: rows read like a Markdown table's, lines kept as written. Returns the
    index after `</table>`, or None when the table is not closed (then its rows are reported
    one by one)."""
    stop = min(len(lines), index + MAX_HTML_TABLE_LINES)
    end = next((i for i in range(index, stop) if "</table" in lines[i].text.lower()), None)
    if end is None:
        return None
    block = lines[index : end + 1]
    text = "\n".join(line.text for line in block)
    rows = read_html_table(text, block[0].number)
    readings = read_html_rows(rows)
    header_rows = rows[: len(rows) - len(readings)]
    slots = [
        HtmlSlot(*row.end, header=True, first_header=number == 0)
        for number, row in enumerate(header_rows)
        if row.end is not None
    ]
    section = state.non_paper_section()
    linked = sum(1 for reading in readings if reading.paper_url)
    mostly_linked = linked >= 2 and linked * 2 >= len(readings)
    for row, reading in zip(rows[len(header_rows) :], readings, strict=True):
        reason: tuple[SkipReason, str] | None = None
        if reading.skip is not None:
            reason = reading.skip, reading.skip_reason or ""
        elif section and not paper_among_resources(section, reading.paper_url, reading.title, ""):
            reason = SkipReason.NON_PAPER_SECTION, f"in section {section!r}, which holds no papers"
        reason = reason or non_paper_row(
            reading.title, reading.paper_url, reading.venue, mostly_linked=mostly_linked
        )
        if row.end is not None:
            position = None if reason else len(state.entries)
            slots.append(HtmlSlot(*row.end, header=False, entry_position=position))
        if reason:
            state.skipped.append(Skipped(reading.line, *reason, reading.doubtful))
            if reading.doubtful:
                message = f"HTML table row with a link not read as a paper: {reason[1]}"
                state.report(reading.line, Severity.WARNING, message)
            continue
        state.entries.append(
            state.entry(
                reading.line,
                reading.title,
                reading.paper_url,
                reading.venue,
                (reading.year_text, reading.venue),
                reading.code_urls,
                tuple(Cell(header, text) for header, text in reading.cells),
            )
        )
    # a table without a header row gets the cells too (recognised by their values next time)
    if any(slot.entry_position is not None for slot in slots):
        state.block(HtmlTable(tuple(block), tuple(slots)))
    else:
        for line in block:
            state.text(line)
    return end + 1
