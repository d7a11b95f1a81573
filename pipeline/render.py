"""A pure renderer: `render(document)` gives back the source byte for byte; with extra columns it
appends them to every paper table (and to bullet entries), escaping every value."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from pipeline.markdown import escape_text
from pipeline.model import BulletEntry, Heading, ListDocument, Table, TableRow, TextBlock

Alignment = Literal["left", "center", "right"]


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
    return TableRow(row.line, row.leading, tuple(cells), row.trailing, row.entry_position)


def _render_table(
    table: Table,
    columns: Sequence[ExtraColumn],
    replacements: Mapping[int, Sequence[tuple[str, str]]],
) -> str:
    if not table.is_paper_table or not (columns or replacements):
        return "".join(line.raw for line in table.lines)
    if not columns:
        return "".join(
            (row := _replaced(r, replacements)).rebuilt + row.line.eol
            if r.entry_position in replacements
            else r.line.raw
            for r in (table.header, table.delimiter, *table.rows)
        )
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


def _render_bullet(bullet: BulletEntry, columns: Sequence[ExtraColumn]) -> str:
    parts = [
        f"{escape_text(column.header)}: {escape_text(value)}"
        for column in columns
        if (value := column.values.get(bullet.entry_position, "")).strip()
    ]
    if not parts:
        return bullet.line.raw
    text = bullet.line.text
    content = text.rstrip()
    return f"{content} — {' · '.join(parts)}{text[len(content) :]}{bullet.line.eol}"


def render(
    document: ListDocument,
    columns: Sequence[ExtraColumn] = (),
    replacements: Mapping[int, Sequence[tuple[str, str]]] | None = None,
) -> str:
    """Render the list. Without columns the result is the parsed source, byte for byte.

    `replacements` maps an entry position to (old, new) texts replaced in its table cells, such
    as a renamed repository's URL.
    """
    replacements = replacements or {}
    out: list[str] = []
    for block in document.blocks:
        if isinstance(block, TextBlock):
            out.extend(line.raw for line in block.lines)
        elif isinstance(block, Heading):
            out.append(block.line.raw)
        elif isinstance(block, Table):
            out.append(_render_table(block, columns, replacements))
        else:
            out.append(_render_bullet(block, columns))
    return "".join(out)
