"""report.html, written by every run and by `trends`: gathers what the page shows (the rows,
the trends, the citation years, the charts just drawn, the changes) and writes it atomically."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.analysis.changes import Changes
from pipeline.analysis.report import Report, render_report, report_papers
from pipeline.analysis.star_report import star_trends_html, stars_against_citations_html
from pipeline.core.lazy import lazy_module
from pipeline.listfile.model import Heading, ListDocument
from pipeline.resolve.report import SYNTHETIC_BANNER
from pipeline.store.writer import write_text_atomic

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = lazy_module("pandas")

REPORT_NAME = "report.html"


def list_title(document: ListDocument | None, fallback: str) -> str:
    """The list's first heading (its name), else `fallback`."""
    if document is not None:
        for block in document.blocks:
            if isinstance(block, Heading) and block.level == 1 and block.text.strip():
                return block.text.strip()
    return fallback


def title_of_regenerated_list(folder: Path, fallback: str) -> str:
    """The first `# ` heading of the regenerated list in `folder` (README.md), else `fallback`."""
    path = folder / "README.md"
    if path.is_file():
        with path.open(encoding="utf-8", errors="replace") as stream:
            for _, line in zip(range(200), stream, strict=False):
                if line.startswith("# ") and line[2:].strip():
                    return line[2:].strip()
    return fallback


def write_report(
    folder: Path,
    rows: Iterable[Mapping[str, Any]],
    *,
    snapshot_date: date,
    synthetic: bool,
    title: str,
    trends: pd.DataFrame | None = None,
    citations: Sequence[Mapping[str, Any]] = (),
    charts: Iterable[Path] = (),
    changes: Changes | None = None,
    snapshots: int = 1,
    star_weeks: Sequence[Mapping[str, Any]] = (),
) -> Path:
    """Write `folder`/report.html; `charts` are the chart files (SVG or PNG) to inline, by file
    name; `star_weeks` are stars_by_week.parquet's rows."""
    rows = list(rows)
    repositories = list(dict.fromkeys(str(r["repo"]) for r in rows if r.get("repo")))
    report = Report(
        title=title,
        snapshot_date=snapshot_date,
        papers=report_papers(
            rows, trends, pd.DataFrame(list(citations)) if citations else None, snapshot_date
        ),
        changes=changes,
        charts={path.stem: path.read_bytes() for path in charts if path.suffix in {".svg", ".png"}},
        synthetic=synthetic,
        synthetic_banner=SYNTHETIC_BANNER,
        snapshots=snapshots,
        star_trends=star_trends_html(star_weeks, repositories, snapshot_date)
        + stars_against_citations_html(rows, star_weeks, citations, snapshot_date),
    )
    path = folder / REPORT_NAME
    write_text_atomic(path, render_report(report))
    return path
