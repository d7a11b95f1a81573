"""The regenerated list: the input Markdown with Citations, Stars and Last commit columns,
renamed repositories' links updated and gone ones marked; everything else byte for byte."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pipeline.identifiers import repo_ref
from pipeline.model import ListDocument
from pipeline.render import ExtraColumn, render

DEFAULT_COLUMNS = ("citations", "stars", "last_commit")
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


def regenerate(
    document: ListDocument,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str] = DEFAULT_COLUMNS,
) -> str:
    """The list with the chosen columns (any of citations, stars, last_commit) appended."""
    unknown = [c for c in columns if c not in _VALUES]
    if unknown:
        raise ValueError(f"unknown columns {unknown}; choose from {list(_VALUES)}")
    by_position = {row["position"]: row for row in rows}
    extra = [
        ExtraColumn(
            _HEADERS[name],
            {p: _VALUES[name](row) for p, row in by_position.items()},
            align="right" if name in {"citations", "stars"} else None,
        )
        for name in columns
    ]
    moved: dict[int, list[tuple[str, str]]] = {}
    for position, row in by_position.items():
        code_url, repo = row.get("code_url"), row.get("repo")
        # The new name comes from an API: it is written only when it is a plain owner/name.
        safe = repo_ref(f"https://github.com/{repo}").github == repo if repo else False
        if row.get("repo_status") == "renamed" and code_url and safe:
            moved[position] = [(code_url, f"https://github.com/{repo}")]
    return render(document, extra, replacements=moved)
