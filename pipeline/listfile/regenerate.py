"""The regenerated list: the input Markdown with Citations, Stars and Last commit columns,
renamed repositories' links updated and gone ones marked; everything else byte for byte.

Two extras are off by default: sorting the papers of each section by citations or stars
(highest first), and a trending marker (TRENDING_MARKER) on entries the caller names.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal, get_args

from pipeline.listfile.identifiers import repo_ref
from pipeline.listfile.model import ListDocument
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


def _citations(row: Mapping[str, Any]) -> str:
    count = row.get("citation_count")
    return f"{count:,}" if count is not None else ""


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
