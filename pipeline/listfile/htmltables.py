"""HTML tables (`<table>` ... `</table>`) read into a grid of cells, one row per `<tr>` with
the line it starts on; `rowspan` and `colspan` are expanded so every row has every column.

Parsing uses the standard library's tolerant HTML parser (no I/O). Which rows are papers is
decided by the list parser, with the same column names as Markdown tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser

from pipeline.listfile.authors import looks_like_authors
from pipeline.listfile.bounds import inline_problem
from pipeline.listfile.cells import cited_title, column_roles
from pipeline.listfile.columns import TITLE_HINTS, header_words, title_column
from pipeline.listfile.links import PAPER_HOSTS, is_link_word, link_kind, on_code_host
from pipeline.listfile.markdown import (
    Link,
    find_links,
    is_anchor_url,
    is_http_url,
    plain_text,
    word_count,
)
from pipeline.listfile.model import ColumnRole, SkipReason
from pipeline.listfile.years import year_from_text

MAX_SPAN = 1_000  # a rowspan or colspan beyond this is a typo, not a layout
MAX_PLAIN_CELL = 1_000  # characters kept of a cell too tangled to read as Markdown


@dataclass(frozen=True)
class HtmlCell:
    text: str  # plain text, whitespace collapsed
    links: tuple[Link, ...]  # `<a href>` and Markdown links inside the cell
    is_header: bool
    spanned: bool = False  # a copy of a cell above or to the left (rowspan or colspan)
    lines: tuple[str, ...] = ()  # its text cut at `<br>`, each plain (empty lines dropped)
    declared_span: int = 0  # its `colspan` attribute as written (0 without one)

    @property
    def title_text(self) -> str:
        """`Title<br><i>A. Author, B. Author</i>`: the title on the first line the cell breaks
        into, when more follows it; the whole text otherwise."""
        first = next((line for line in self.lines if word_count(line) >= 2), None)
        if first is None or len(self.lines) < 2 or first != self.lines[0]:
            return self.text
        return first


@dataclass(frozen=True)
class HtmlRow:
    line: int  # 1-based line of its `<tr>`
    cells: tuple[HtmlCell, ...]
    # (1-based line, 0-based column) where cells can be added: its `</tr>`, or where the next
    # row or table section starts when it does not close; None past the end of the text.
    end: tuple[int, int] | None = None


@dataclass
class _Open:
    is_header: bool
    rowspan: int
    colspan: int
    declared_span: int = 0
    parts: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    href: str | None = None
    label: list[str] = field(default_factory=list)


class _TableParser(HTMLParser):
    def __init__(self, text: str, first_line: int) -> None:
        super().__init__(convert_charrefs=True)
        self.lines = text.split("\n")
        self.first_line = first_line
        self.rows: list[tuple[int, list[_Open]]] = []
        self.ends: list[tuple[int, int] | None] = []  # per row, see HtmlRow.end
        self.cell: _Open | None = None
        self.depth = 0  # nested tables are read as text of their cell

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "table":
            self.depth += 1
        if self.depth > 1:
            return
        if tag in {"tr", "thead", "tbody", "tfoot"}:
            self._end_row()
        if tag == "tr":
            self._close_cell()
            self.rows.append((self.first_line + self.getpos()[0] - 1, []))
            self.ends.append(None)
        elif tag in {"td", "th"} and self.rows:
            self._close_cell()
            self.cell = _Open(
                tag == "th",
                _span(values.get("rowspan")),
                _span(values.get("colspan")),
                _span(values["colspan"]) if "colspan" in values else 0,
            )
        elif tag == "a" and self.cell is not None and "href" in values:
            self.cell.href, self.cell.label = values["href"].strip(), []
        elif tag == "br" and self.cell is not None:
            self.cell.parts.append(_BREAK)

    def handle_endtag(self, tag: str) -> None:
        if self.depth == 1 and tag in {"tr", "thead", "tbody", "tfoot", "table"}:
            self._end_row(closed=tag == "tr")
        if tag == "table":
            self.depth -= 1
        if self.depth > 1 or self.cell is None:
            return
        if tag == "a" and self.cell.href is not None:
            text = " ".join("".join(self.cell.label).split())
            self.cell.links.append(Link(text, self.cell.href, 0, 0))
            self.cell.href = None
        elif tag in {"td", "th", "tr"}:
            self._close_cell()

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.parts.append(data)
            if self.cell.href is not None:
                self.cell.label.append(data)

    def _end_row(self, *, closed: bool = False) -> None:
        if self.ends and self.ends[-1] is None:
            line, column = self.getpos()
            if not closed and line > 1 and not self.lines[line - 1][:column].strip():
                # No `</tr>`: after the row's last text, not before the next row's indentation.
                line, column = line - 1, len(self.lines[line - 2])
            self.ends[-1] = (self.first_line + line - 1, column)

    def _close_cell(self) -> None:
        if self.cell is not None and self.rows:
            self.rows[-1][1].append(self.cell)
        self.cell = None


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), MAX_SPAN))
    except ValueError:
        return 1


_BREAK = "\x00"  # where a `<br>` was, inside a cell's collected text


def _cell(opened: _Open) -> HtmlCell:
    raw = "".join(opened.parts)
    if inline_problem([raw.replace(_BREAK, " ")], cells=False) is not None:
        # not read as Markdown: kept as text
        text = " ".join(raw.replace(_BREAK, " ").split())[:MAX_PLAIN_CELL]
        return HtmlCell(
            text, tuple(opened.links), opened.is_header, declared_span=opened.declared_span
        )
    pieces = [" ".join(plain_text(piece).split()) for piece in raw.split(_BREAK)]
    whole = raw.replace(_BREAK, " ")
    links = (*opened.links, *(link for link in find_links(whole) if not link.is_image))
    lines = tuple(piece for piece in pieces if piece)
    text = " ".join(plain_text(whole).split())
    return HtmlCell(text, links, opened.is_header, lines=lines, declared_span=opened.declared_span)


def read_html_table(text: str, first_line: int) -> list[HtmlRow]:
    """The rows of the HTML table in `text` (which starts on `first_line`), spans expanded."""
    parser = _TableParser(text, first_line)
    parser.feed(text)
    parser.close()
    parser._close_cell()
    grid: list[HtmlRow] = []
    carried: dict[int, tuple[HtmlCell, int]] = {}  # column -> (cell, rows still to fill)
    for (line, opened), end in zip(parser.rows, parser.ends, strict=True):
        cells: list[HtmlCell] = []
        pending = list(opened)
        column = 0
        while pending or any(col >= column for col in carried):
            if column in carried:
                cell, left = carried[column]
                cells.append(cell)
                carried = (
                    {**carried, column: (cell, left - 1)} if left > 1 else _drop(carried, column)
                )
                column += 1
                continue
            if not pending:
                column += 1
                continue
            source = pending.pop(0)
            cell = _cell(source)
            for offset in range(source.colspan):
                copy = cell if offset == 0 else replace(cell, spanned=True)
                cells.append(copy)
                if source.rowspan > 1:
                    spanned = replace(cell, spanned=True)
                    carried[column + offset] = (spanned, source.rowspan - 1)
            column += source.colspan
        if cells:
            grid.append(HtmlRow(line, tuple(cells), end))
    return grid


def _drop(carried: dict[int, tuple[HtmlCell, int]], column: int) -> dict[int, tuple[HtmlCell, int]]:
    return {col: value for col, value in carried.items() if col != column}


@dataclass(frozen=True)
class HtmlRowReading:
    """One data row of an HTML table: a paper's fields, or why it is not one."""

    line: int
    title: str = ""
    paper_url: str | None = None
    code_urls: tuple[str, ...] = ()
    venue: str | None = None
    year_text: str | None = None
    cells: tuple[tuple[str, str], ...] = ()  # (header, text) as read
    skip: SkipReason | None = None
    skip_reason: str | None = None
    doubtful: bool = False


def _on(url: str, hosts: tuple[str, ...]) -> bool:
    lowered = url.casefold()
    return any(f"//{host}" in lowered or f".{host}" in lowered for host in hosts)


def _as_markdown(cell: HtmlCell) -> str:
    """The cell written as Markdown, its links kept where their text is (for judging it)."""
    text = cell.text
    if inline_problem([text], cells=False) is not None:
        return ""  # kept as text: not judged
    for link in cell.links:
        if link.text and link.text in text and is_http_url(link.url):
            text = text.replace(link.text, f"[{link.text}]({link.url})", 1)
    return text


def _title_column(
    headers: list[str], roles: dict[ColumnRole, int], data: list[HtmlRow]
) -> int | None:
    """The title column, chosen by what the cells hold (header names are hints); without a
    column of titles, a table that links papers in its own column names them in its first
    column without a role and without spans (`model`)."""
    rows = [
        [_as_markdown(cell) for cell in row.cells]
        for row in data[:_SAMPLED_ROWS]
        if not all(cell.spanned for cell in row.cells[1:]) or len(row.cells) == 1
    ]
    chosen = title_column(headers, rows)
    if chosen is not None:
        return chosen
    if ColumnRole.TITLE in roles:
        return roles[ColumnRole.TITLE]
    if ColumnRole.LINK not in roles:
        return None
    taken = set(roles.values())
    for column in range(len(headers)):
        spanned = any(column < len(row.cells) and row.cells[column].spanned for row in data)
        if column not in taken and not spanned:
            return column
    return None


_SAMPLED_ROWS = 60


def _reads_as_header(row: HtmlRow, following: list[HtmlRow]) -> bool:
    """`<tr><td>Metrics</td><td>Paper name</td></tr>` over the data: a first row written with
    `<td>` that names the columns (short texts without links, one naming a title column)."""
    texts = [cell.text for cell in row.cells]
    if len(texts) < 2 or not following or any(cell.links for cell in row.cells):
        return False
    if any(len(text.split()) > 6 for text in texts):
        return False
    return any(header_words(text) & TITLE_HINTS for text in texts)


def read_html_rows(rows: list[HtmlRow]) -> list[HtmlRowReading]:
    """Read the data rows of a table (the rows after its header rows: `<th>` rows, or a
    first row that names the columns)."""
    headers_end = 0
    while headers_end < len(rows) and all(cell.is_header for cell in rows[headers_end].cells):
        headers_end += 1
    if headers_end == 0 and rows and _reads_as_header(rows[0], rows[1:]):
        headers_end = 1
    data = rows[headers_end:]
    links_of = [[link for cell in row.cells for link in cell.links] for row in data]
    if headers_end == 0:
        # no header: the title column is the one whose cells read as titles, if any
        headers = [""] * max((len(row.cells) for row in data), default=0)
    else:
        headers = [cell.text for cell in rows[0].cells]
    roles = dict(column_roles(tuple(headers)))
    title_column = _title_column(headers, roles, data)
    if title_column is None:
        return [_not_a_paper_table(row, links) for row, links in zip(data, links_of, strict=True)]
    return [
        _read_row(row, links, headers, roles, title_column)
        for row, links in zip(data, links_of, strict=True)
    ]


def _read_row(
    row: HtmlRow,
    links: list[Link],
    headers: list[str],
    roles: dict[ColumnRole, int],
    title_column: int,
) -> HtmlRowReading:
    def text(role: ColumnRole) -> str | None:
        index = roles.get(role)
        value = row.cells[index].text if index is not None and index < len(row.cells) else ""
        return value if value.strip(" -") else None

    if links and all(is_anchor_url(link.url) for link in links):
        reason = "a table of contents (HTML)"
        return HtmlRowReading(row.line, skip=SkipReason.CONTENTS, skip_reason=reason)
    first = row.cells[0] if row.cells else None
    if (
        first is not None
        and len(row.cells) > 1
        and not first.spanned
        and all(cell.spanned and cell.text == first.text for cell in row.cells[1:])
    ):
        # `<td colspan="3"><b>Prompting</b></td>`: a heading row across the table
        reason = "a heading row across the table"
        return HtmlRowReading(row.line, skip=SkipReason.NOT_A_PAPER, skip_reason=reason)
    if (
        first is not None
        and len(row.cells) == 1
        and first.declared_span >= max(len(headers), 1)
        and not links
    ):
        # `<td colspan="1"><b>Detection</b></td>` in a one-column table: spans it all
        reason = "a heading row across the table"
        return HtmlRowReading(row.line, skip=SkipReason.NOT_A_PAPER, skip_reason=reason)
    title = row.cells[title_column] if title_column < len(row.cells) else None
    if title is None or not title.text:
        reason = "an HTML table row without a title" if links else "an empty HTML table row"
        skip = SkipReason.NO_TITLE if links else SkipReason.NOT_A_PAPER
        return HtmlRowReading(row.line, skip=skip, skip_reason=reason, doubtful=bool(links))
    http = [link for link in links if is_http_url(link.url)]
    # a repository PDF is the paper; a link labelled as code is not, wherever it points
    titled = [
        link for link in title.links if not on_code_host(link.url) and link_kind(link) != "code"
    ]
    paper_url = next(
        (link.url for link in http if link_kind(link) == "paper" or link in titled), None
    ) or next((link.url for link in http if _on(link.url, PAPER_HOSTS)), None)
    code_urls = tuple(dict.fromkeys(link.url for link in http if link_kind(link) == "code"))
    cells = tuple(
        (headers[i] if i < len(headers) else "", cell.text) for i, cell in enumerate(row.cells)
    )
    return HtmlRowReading(
        row.line,
        title=_cited_link_title(title)
        or _quoted_title(title)
        or _without_link_labels(title.title_text, title.links),
        paper_url=paper_url,
        code_urls=code_urls,
        venue=text(ColumnRole.VENUE),
        year_text=text(ColumnRole.YEAR),
        cells=cells,
    )


_CITED_TITLE_WORDS = 3


def _cited_link_title(cell: HtmlCell) -> str | None:
    """`Doe, J., & Roe, B. (2023). <a href="url">Title</a>. <i>Journal</i>.`: a citation in
    one cell whose title is its link (after the authors or the year), or None."""
    for link in cell.links:
        label = " ".join(link.text.split())
        if word_count(label) < _CITED_TITLE_WORDS or is_link_word(label):
            continue
        at = cell.text.find(label)
        before = cell.text[:at].strip(' .,:;"\u201c') if at > 0 else ""
        if before and (year_from_text(before) or looks_like_authors(before)):
            return label
    return None


def _quoted_title(cell: HtmlCell) -> str | None:
    """`A. Bapna, and Y. Wu, “Training deeper models,” in Proc. EMNLP, 2018.`: a citation in
    one cell (as bibtex2html writes them), its title in quotes after the authors, or None."""
    title = cited_title(cell.text)
    return title if title != cell.text and word_count(title) >= _CITED_TITLE_WORDS else None


def _without_link_labels(text: str, links: tuple[Link, ...]) -> str:
    """`Title [Official Code] [:octocat:]`: the title without the labels of its cell's other
    links (words for a link, not names) and the brackets left around them."""
    for link in links:
        label = link.text.strip()
        if label and label != text.strip() and is_link_word(label):
            # the label as a whole word: `code` is not taken out of `X-Decoder`
            text = re.sub(rf"(?<![\w-]){re.escape(label)}(?![\w-])", " ", text, count=1)
    text = re.sub(r"\[\s*\]|\(\s*\)", " ", text)
    return " ".join(text.split()).strip(" |,;-")


def _not_a_paper_table(row: HtmlRow, links: list[Link]) -> HtmlRowReading:
    if links and all(is_anchor_url(link.url) for link in links):
        reason = "a table of contents (HTML)"
        return HtmlRowReading(row.line, skip=SkipReason.CONTENTS, skip_reason=reason)
    reason = "a row of an HTML table without a title column"
    papers = any(link_kind(link) == "paper" or _on(link.url, PAPER_HOSTS) for link in links)
    return HtmlRowReading(
        row.line, skip=SkipReason.NO_TITLE_COLUMN, skip_reason=reason, doubtful=papers
    )
