"""The regenerated list: the input Markdown with Citations, Stars and Last commit columns,
renamed repositories' links updated and gone ones marked; everything else byte for byte.

Two extras are off by default: sorting the papers of each section by citations or stars
(highest first), and a trending marker (TRENDING_MARKER) on entries the caller names.

A regenerated list is also a valid input (once published, it is tomorrow's list):
`strip_enrichment` recognises what `regenerate` added (the three columns of a table, the
suffix of a bullet, the cells of an HTML table) and gives the text without it, so that
regenerating it again replaces those values instead of adding them a second time.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal, get_args

from pipeline.listfile.identifiers import repo_ref
from pipeline.listfile.model import (
    BulletEntry,
    Heading,
    HtmlTable,
    ListDocument,
    Table,
    TableRow,
)
from pipeline.listfile.render import Alignment, ExtraColumn, render

DEFAULT_COLUMNS = ("citations", "stars", "last_commit")
SortBy = Literal["citations", "stars"]
# Appended, after a space, to a trending entry's Citations cell: "1,234 ↑". A plain arrow reads
# as "rising", renders in every font and keeps the number readable (no emoji width issues).
TRENDING_MARKER = "\u2191"
_HEADERS = {"citations": "Citations", "stars": "Stars", "last_commit": "Last commit"}
_STATUS_MARKERS = {"not_found": "gone", "blocked": "blocked", "empty": "empty repository"}


def _stars(row: Mapping[str, Any]) -> str:
    status = row.get("repo_status")
    if status in _STATUS_MARKERS:
        return _STATUS_MARKERS[status]
    stars = row.get("stars")
    if stars is None:
        return ""
    return f"{stars:,}" + (" (archived)" if row.get("archived") else "")


def _last_commit(row: Mapping[str, Any]) -> str:
    value = row.get("last_commit_at")
    return value.strftime("%Y-%m-%d") if isinstance(value, datetime) else ""


# The Citations cell of a paper known to arXiv alone: the counts come from Semantic Scholar,
# which was asked by the title and by the arXiv id (ARXIV:<id>) and knows neither (issue 27).
ARXIV_ONLY = "arXiv only"
ARXIV_ONLY_WHY = (
    "known to arXiv only: Semantic Scholar, where citation counts come from, was asked by the "
    "title and by the arXiv id and has no record of it"
)


def arxiv_only(row: Mapping[str, Any]) -> bool:
    """A placed paper without a citation count because only arXiv knows it."""
    return (
        row.get("citation_count") is None
        and not row.get("s2_paper_id")
        and bool(row.get("arxiv_id"))
        and row.get("match_method") not in (None, "unresolved", "not_a_paper")
    )


def _citations(row: Mapping[str, Any]) -> str:
    count = row.get("citation_count")
    if count is None:
        return ARXIV_ONLY if arxiv_only(row) else ""
    return f"{count:,}"


_VALUES = {"citations": _citations, "stars": _stars, "last_commit": _last_commit}


def _number(value: object) -> float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _sort_value(sort_by: SortBy, row: Mapping[str, Any]) -> float | None:
    """The number shown in the column `sort_by` names; a gone or blocked repository has none."""
    if sort_by == "citations":
        return _number(row.get("citation_count"))
    if row.get("repo_status") in _STATUS_MARKERS:
        return None
    return _number(row.get("stars"))


def _marked(value: str) -> str:
    return f"{value} {TRENDING_MARKER}" if value else TRENDING_MARKER


def regenerate(
    document: ListDocument,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str] = DEFAULT_COLUMNS,
    *,
    sort_by: SortBy | None = None,
    trending: Collection[int] = (),
) -> str:
    """The list with the chosen columns (any of citations, stars, last_commit) appended.

    `sort_by` orders the papers of each table (and of each run of sibling bullet entries, see
    `render`) by citation count or stars, highest first; papers without a number (a gone
    repository has no stars) go last and ties keep their list order. It does not need the
    column to be shown. None keeps the list order.

    `trending` holds the entry positions to mark with TRENDING_MARKER. The marker goes in the
    Citations cell, or in the Stars cell when Citations is not among `columns`; with neither
    column it is not written.
    """
    unknown = [c for c in columns if c not in _VALUES]
    if unknown:
        raise ValueError(f"unknown columns {unknown}; choose from {list(_VALUES)}")
    if sort_by is not None and sort_by not in get_args(SortBy):
        raise ValueError(f"cannot sort by {sort_by!r}; choose from {list(get_args(SortBy))}")
    by_position = {row["position"]: row for row in rows}
    marked_column = next((c for c in ("citations", "stars") if c in columns), None)
    extra: list[ExtraColumn] = []
    for name in columns:
        values = {p: _VALUES[name](row) for p, row in by_position.items()}
        if name == marked_column:
            values |= {p: _marked(values.get(p, "")) for p in trending}
        align: Alignment | None = "right" if name in {"citations", "stars"} else None
        extra.append(ExtraColumn(_HEADERS[name], values, align=align))
    moved: dict[int, list[tuple[str, str]]] = {}
    for position, row in by_position.items():
        code_url, repo = row.get("code_url"), row.get("repo")
        # The new name comes from an API: it is written only when it is a plain owner/name.
        safe = repo_ref(f"https://github.com/{repo}").github == repo if repo else False
        if row.get("repo_status") == "renamed" and code_url and safe:
            moved[position] = [(code_url, f"https://github.com/{repo}")]
    sort_values = (
        None
        if sort_by is None
        else {p: _sort_value(sort_by, row) for p, row in by_position.items()}
    )
    return render(document, extra, replacements=moved, sort_values=sort_values)


# --- recognising the enrichment regenerate added ----------------------------------------------
_ADDED = tuple(_HEADERS[name] for name in DEFAULT_COLUMNS)
_NUMBER = rf"\d{{1,3}}(?:,\d{{3}})*(?: \(archived\))?(?: {TRENDING_MARKER})?"
_VALUE = (
    rf"(?:{_NUMBER}|{TRENDING_MARKER}|{ARXIV_ONLY}|gone|blocked|empty repository"
    rf"|\d{{4}}-\d{{2}}-\d{{2}})"
)
_PART = rf"(?:Citations|Stars|Last commit): {_VALUE}"
# What _render_bullet appends: " — Citations: 1,234 · Stars: 56 · Last commit: 2026-11-30",
# before a hard break at the end of the line, if any.
_BULLET_SUFFIX = re.compile(
    rf" — {_PART}(?: · {_PART})*(?=(?:\s*(?:<br\s*/?>|\\))*\s*$)", re.IGNORECASE
)
# The same in the title cell of a pipe row without a header, before the cell's pipe
_ROW_SUFFIX = re.compile(rf" — {_PART}(?: · {_PART})*(?=\s*\|)", re.IGNORECASE)
_HTML_HEADER = "".join(f"<th>{name}</th>" for name in _ADDED)
_HTML_ADDED = re.compile(
    re.escape(_HTML_HEADER)
    + "|<th></th><th></th><th></th>"
    + r'|<td align="right">[^<]*</td><td align="right">[^<]*</td><td>[^<]*</td>'
)
# The cells regenerate adds to a row, holding only values it writes (a table without a header
# row is recognised by them)
_HTML_ADDED_ROW = re.compile(
    rf'<td align="right">(?:{_VALUE})?</td><td align="right">(?:{_VALUE})?</td>'
    rf"<td>(?:{_VALUE})?</td>",
    re.IGNORECASE,
)


def _without_added_cells(row: TableRow, first: int, *, delimiter: bool = False) -> str:
    cells = list(row.cells[:first] + row.cells[first + len(_ADDED) :])
    if not row.trailing and len(cells) == first and cells[-1] == " ":
        # A short row (`render` pads it with " " cells up to the header's width; a line without
        # pipes right below a table is such a row) loses its padding: the row without a closing
        # pipe is the source's again, and `render` pads it the same way the next time. Only
        # padding is taken off: the row keeps at least its first cell, and the space rule
        # below does not apply (the padding, not a cell of the source, took render's space).
        while len(cells) > 1 and cells[-1] == " ":
            cells.pop()
        return row.leading + "|".join(cells) + row.line.eol
    last = cells[-1]
    one_space = last.endswith(" ") and not last[:-1][-1:].isspace()
    if delimiter and row.cells[first][-1:].isspace():
        # The added delimiter cells copy the padding of the source's last one (`render`'s
        # template): padded after means the space was the source's own, not render's.
        one_space = False
    if not row.trailing and len(cells) == first and last.strip() and one_space:
        # The row ended at its last cell (no closing pipe): `render` put a space after that
        # cell (when it ended in none) before the new ones. Taken off, the row and its
        # delimiter's padding are the source's again: regenerating gives the same bytes.
        cells[-1] = cells[-1][:-1]
    return row.leading + "|".join(cells) + row.trailing + row.line.eol


def _stripped_table(table: Table) -> str | None:
    """The table without the three columns regenerate appended; None when it has none.

    They are recognised by the header: the last cells of the table's header (the columns
    under a header cell; a row's cells past them were the row's own) read `Citations | Stars |
    Last commit`, in that order."""
    width = len(table.headers)
    first = width - len(_ADDED)
    if first < 1 or tuple(h.strip() for h in table.headers[first:]) != _ADDED:
        return None
    rows = (table.header, table.delimiter, *table.rows)
    if any(len(row.cells) < width for row in rows):
        return None  # not a table regenerate wrote (it pads every row)
    return "".join(
        _without_added_cells(row, first, delimiter=row is table.delimiter) for row in rows
    )


def _stripped_html(table: HtmlTable) -> str | None:
    text = "".join(line.raw for line in table.lines)
    if _HTML_HEADER not in text and not _HTML_ADDED_ROW.search(text):
        return None
    return "".join(_HTML_ADDED.sub("", line.text) + line.eol for line in table.lines)


def strip_enrichment(document: ListDocument) -> str | None:
    """The list's text without the enrichment `regenerate` added, line for line (every line
    stays, so entries keep their line numbers); None when the list carries none.

    A table is recognised by its last three header cells (`Citations | Stars | Last commit`),
    a bullet by its suffix (` — Citations: 1,234 · Stars: 56 · Last commit: 2026-11-30`, only
    values regenerate writes), an HTML table by its `<th>Citations</th>...` header cells.
    Reading the result and regenerating it gives the regenerated list again, byte for byte,
    with the same data: the columns are replaced, never doubled.
    """
    out: list[str] = []
    found = False
    for block in document.blocks:
        stripped: str | None = None
        if isinstance(block, Table) and block.is_paper_table:
            stripped = _stripped_table(block)
        elif isinstance(block, HtmlTable):
            stripped = _stripped_html(block)
        elif isinstance(block, BulletEntry):
            suffix = _BULLET_SUFFIX if block.cell_end is None else _ROW_SUFFIX
            text, count = suffix.subn("", block.line.text, count=1)
            stripped = text + block.line.eol if count else None
        if stripped is None:
            lines = (block.line,) if isinstance(block, BulletEntry | Heading) else block.lines
            out.append("".join(line.raw for line in lines))
        else:
            found = True
            out.append(stripped)
    return "".join(out) if found else None
