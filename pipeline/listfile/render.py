"""A pure renderer: `render(document)` gives back the source byte for byte; with extra columns it
appends them to every paper table (and to bullet entries), escaping every value; with sort
values it orders the papers of each table (and of each run of sibling bullets), highest first.

Sorting moves whole rows (or a bullet's text after its list marker) and nothing else: headings,
prose, header and delimiter rows, list markers and numbers, and every line ending stay where
they are in the source.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, TypeVar

from pipeline.listfile.markdown import escape_text
from pipeline.listfile.model import (
    Block,
    BulletEntry,
    Heading,
    HtmlSlot,
    HtmlTable,
    Line,
    ListDocument,
    Table,
    TableRow,
    TextBlock,
)

Alignment = Literal["left", "center", "right"]

# Entry position -> the value its row is sorted by (highest first); None or NaN: no value.
SortValues = Mapping[int, float | None]

_HARD_BREAK_AT_END = re.compile(r"(?:\s*(?:<br\s*/?>|\\))+$", re.IGNORECASE)
_LIST_MARKER = re.compile(r"^([ \t]*)([-*+]|\d{1,9}[.)])[ \t]+")
_LIST_ITEM_OR_HEADING = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)]|#{1,6})(?:[ \t]|$)")

_Movable = TypeVar("_Movable", TableRow, BulletEntry)


@dataclass(frozen=True)
class ExtraColumn:
    """A column to add: its header, and a plain-text value per entry position.

    Values are escaped by the renderer; entries without a value get an empty cell.
    """

    header: str
    values: Mapping[int, str] = field(default_factory=dict)
    align: Alignment | None = None


def _delimiter_cell(template: str, align: Alignment | None) -> str:
    """A delimiter cell in the style of `template` (same padding and width)."""
    padding = re.match(r"^(\s*)\S*?(\s*)$", template)
    before, after = (padding.group(1), padding.group(2)) if padding else ("", "")
    width = max(3, template.count("-"))
    if align == "center":
        return f"{before}:{'-' * (width - 2)}:{after}"
    if align == "right":
        return f"{before}{'-' * (width - 1)}:{after}"
    if align == "left":
        return f"{before}:{'-' * (width - 1)}{after}"
    return f"{before}{'-' * width}{after}"


def _with_cells(row: TableRow, width: int, new_cells: Sequence[str]) -> str:
    """The row with `new_cells` inserted after its first `width` cells (padding short rows)."""
    cells = list(row.cells)
    cells += [" "] * (width - len(cells))
    trailing = row.trailing
    if not trailing and not cells[width - 1][-1:].isspace():
        cells[width - 1] += " "
    if not trailing and len(cells) == width:
        # The new cells end the row. Without a closing pipe the last one should not end in a
        # space, and an empty last cell needs a closing pipe to exist at all.
        last = new_cells[-1].rstrip()
        new_cells = [*new_cells[:-1], last] if last.strip() else list(new_cells)
        trailing = "" if last.strip() else "|"
    cells[width:width] = new_cells
    return row.leading + "|".join(cells) + trailing + row.line.eol


def _replaced(row: TableRow, replacements: Mapping[int, Sequence[tuple[str, str]]]) -> TableRow:
    """The row with URLs replaced in its cells (a renamed repository's new link)."""
    pairs = replacements.get(row.entry_position) if row.entry_position is not None else None
    if not pairs:
        return row
    cells = list(row.cells)
    for old, new in pairs:
        cells = [cell.replace(old, new) for cell in cells]
    replaced = replace(row, cells=tuple(cells))
    return replace(replaced, line=replace(row.line, text=replaced.rebuilt))


def _sort_key(position: int | None, values: SortValues) -> tuple[bool, float]:
    """Highest value first; no value (or NaN) last. Used with a stable sort, ties keep order."""
    value = values.get(position) if position is not None else None
    if value is None or math.isnan(value):
        return (True, 0.0)
    return (False, -value)


def _ranked(items: Sequence[_Movable], values: SortValues) -> list[_Movable]:
    return sorted(items, key=lambda item: _sort_key(item.entry_position, values))


def _sorted_rows(rows: tuple[TableRow, ...], values: SortValues) -> tuple[TableRow, ...]:
    """The paper rows sorted by value, highest first; rows without a value last, in order.

    Rows that are not papers (empty or without a title) stay where they are and the sort does
    not cross them. A moved row takes the line ending of the line it lands on, so a CRLF line or
    a last line without a newline keeps its place.
    """
    out = list(rows)
    start = 0
    for end in range(len(rows) + 1):
        if end < len(rows) and rows[end].entry_position is not None:
            continue
        slots = rows[start:end]
        out[start:end] = [
            replace(row, line=replace(slot.line, text=row.line.text))
            for slot, row in zip(slots, _ranked(slots, values), strict=True)
        ]
        start = end + 1
    return tuple(out)


def indentation(text: str) -> int:
    """Leading whitespace in columns, a tab counting 4."""
    expanded = text.expandtabs(4)
    return len(expanded) - len(expanded.lstrip())


def _split_marker(text: str) -> tuple[str, str]:
    """A list item line as (indentation and marker with the spaces after it, content)."""
    marker = _LIST_MARKER.match(text)
    end = marker.end() if marker else 0
    return text[:end], text[end:]


def _list_level(bullet: BulletEntry) -> tuple[int, str] | None:
    """The bullet's indentation and marker kind (`-`, `*`, `+`, `.` or `)`): one list level."""
    marker = _LIST_MARKER.match(bullet.line.text)
    if marker is None:
        return None
    kind = marker.group(2)[-1]
    return indentation(bullet.line.text), kind


def _ends_its_item(bullet: BulletEntry, lines: Sequence[Line], after: int) -> bool:
    """Whether the bullet's list item is its line alone, so the line can move without leaving
    behind a nested list, a continuation line or an indented paragraph. `lines[after]` is the
    line after the bullet's.
    """
    own = indentation(bullet.line.text)
    blank_before = False
    for index in range(after, len(lines)):
        line = lines[index]
        if not line.text.strip():
            blank_before = True
            continue
        if indentation(line.text) > own:
            return False
        # Without a blank line, only a list item or a heading ends the item; any other text
        # continues its paragraph.
        return blank_before or _LIST_ITEM_OR_HEADING.match(line.text) is not None
    return True


def _sorted_bullets(run: Sequence[BulletEntry], values: SortValues) -> list[BulletEntry]:
    """The run's bullets sorted by value; each line keeps its list marker and line ending."""
    out: list[BulletEntry] = []
    for slot, bullet in zip(run, _ranked(run, values), strict=True):
        text = _split_marker(slot.line.text)[0] + _split_marker(bullet.line.text)[1]
        out.append(BulletEntry(replace(slot.line, text=text), bullet.entry_position))
    return out


def _sorted_blocks(document: ListDocument, values: SortValues) -> tuple[Block, ...]:
    """The document's blocks with each paper table's rows, and each run of sibling bullet
    entries on consecutive lines, sorted by value.

    A bullet joins a run only when its line is its whole list item; a bullet with nested or
    continuation lines stays in place, and so do bullets separated by blank lines or text.
    """
    lines = list(document.lines())
    out: list[Block] = []
    run: list[BulletEntry] = []
    next_line = 0
    for block in document.blocks:
        next_line += len(block.lines) if isinstance(block, TextBlock | Table | HtmlTable) else 1
        if isinstance(block, BulletEntry):
            level = _list_level(block)
            if level is not None and _ends_its_item(block, lines, next_line):
                if run and _list_level(run[-1]) != level:
                    out.extend(_sorted_bullets(run, values))
                    run = []
                run.append(block)
                continue
        out.extend(_sorted_bullets(run, values))
        run = []
        if isinstance(block, Table) and block.is_paper_table:
            out.append(replace(block, rows=_sorted_rows(block.rows, values)))
        else:
            out.append(block)
    out.extend(_sorted_bullets(run, values))
    return tuple(out)


def _render_table(
    table: Table,
    columns: Sequence[ExtraColumn],
    replacements: Mapping[int, Sequence[tuple[str, str]]],
) -> str:
    if not table.is_paper_table or not (columns or replacements):
        return "".join(line.raw for line in table.lines)
    if not columns:
        rows = (table.header, table.delimiter, *table.rows)
        return "".join(_replaced(row, replacements).line.raw for row in rows)
    width = len(table.headers)
    template = table.delimiter.cells[-1] if table.delimiter.cells else "---"
    out = [
        _with_cells(table.header, width, [f" {escape_text(c.header)} " for c in columns]),
        _with_cells(table.delimiter, width, [_delimiter_cell(template, c.align) for c in columns]),
    ]
    for row in (_replaced(r, replacements) for r in table.rows):
        values = [
            escape_text(column.values.get(row.entry_position, ""))
            if row.entry_position is not None
            else ""
            for column in columns
        ]
        out.append(_with_cells(row, width, [f" {value} " for value in values]))
    return "".join(out)


def _html_cells(slot: HtmlSlot, columns: Sequence[ExtraColumn]) -> str:
    if slot.header:
        names = [html.escape(c.header) if slot.first_header else "" for c in columns]
        return "".join(f"<th>{name}</th>" for name in names)
    cells = []
    for column in columns:
        value = "" if slot.entry_position is None else column.values.get(slot.entry_position, "")
        align = f' align="{column.align}"' if column.align else ""
        cells.append(f"<td{align}>{html.escape(value)}</td>")
    return "".join(cells)


def _render_html_table(table: HtmlTable, columns: Sequence[ExtraColumn]) -> str:
    """The table as written, with a cell per column added to every row (the names in the
    first header row; empty cells in rows that are not papers)."""
    if not columns:
        return "".join(line.raw for line in table.lines)
    by_line: dict[int, list[HtmlSlot]] = {}
    for slot in table.slots:
        by_line.setdefault(slot.line, []).append(slot)
    out = []
    for line in table.lines:
        text = line.text
        for slot in sorted(by_line.get(line.number, ()), key=lambda s: s.column, reverse=True):
            text = text[: slot.column] + _html_cells(slot, columns) + text[slot.column :]
        out.append(text + line.eol)
    return "".join(out)


def _render_bullet(bullet: BulletEntry, columns: Sequence[ExtraColumn]) -> str:
    parts = [
        f"{escape_text(column.header)}: {escape_text(value)}"
        for column in columns
        if (value := column.values.get(bullet.entry_position, "")).strip()
    ]
    if not parts:
        return bullet.line.raw
    text = bullet.line.text
    suffix = f" — {' · '.join(parts)}"
    if bullet.cell_end is not None:  # a pipe row: at the end of its title cell
        return f"{text[: bullet.cell_end]}{suffix}{text[bullet.cell_end :]}{bullet.line.eol}"
    content = text.rstrip()
    # A line ending in a hard break (`\`, `<br>`) keeps it last: the values go before it.
    hard_break = _HARD_BREAK_AT_END.search(content)
    cut = hard_break.start() if hard_break else len(content)
    return f"{content[:cut]}{suffix}{content[cut:]}{text[len(content) :]}{bullet.line.eol}"


def render(
    document: ListDocument,
    columns: Sequence[ExtraColumn] = (),
    replacements: Mapping[int, Sequence[tuple[str, str]]] | None = None,
    *,
    sort_values: SortValues | None = None,
) -> str:
    """Render the list. Without options the result is the parsed source, byte for byte.

    `replacements` maps an entry position to (old, new) texts replaced in its table cells, such
    as a renamed repository's URL.

    `sort_values` maps an entry position to the value its paper is sorted by, highest first;
    papers without a value go last and ties keep their order. The data rows of each paper table
    are sorted (rows that are not papers stay in place and split the sort), and so is each run
    of sibling bullet entries on consecutive lines whose item is that one line. Nothing else
    moves: headings, text, header and delimiter rows, list markers and line endings stay put.
    """
    replacements = replacements or {}
    blocks = document.blocks if sort_values is None else _sorted_blocks(document, sort_values)
    out: list[str] = []
    for block in blocks:
        if isinstance(block, TextBlock):
            out.extend(line.raw for line in block.lines)
        elif isinstance(block, Heading):
            out.append(block.line.raw)
        elif isinstance(block, Table):
            out.append(_render_table(block, columns, replacements))
        elif isinstance(block, HtmlTable):
            out.append(_render_html_table(block, columns))
        else:
            out.append(_render_bullet(block, columns))
    return "".join(out)
