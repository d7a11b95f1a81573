"""Trends and charts from the dated history alone (the `trends` command): no API is asked."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.analysis.changes import compute_changes
from pipeline.analysis.trends import TrendResult, compute_trends
from pipeline.core.lazy import lazy_module
from pipeline.job.history import read_trend_history
from pipeline.job.outputs import write_trends
from pipeline.job.report import title_of_regenerated_list, write_report
from pipeline.store.citations import read_citations
from pipeline.store.lock import output_lock
from pipeline.store.stars import read_star_weeks
from pipeline.store.tables import read_snapshot, read_snapshot_before, snapshot_dates
from pipeline.store.writer import OutputError

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = lazy_module("pandas")


@dataclass(frozen=True)
class TrendsRun:
    result: TrendResult
    synthetic: bool
    written: list[Path]


def refresh_trends(
    history_dir: Path, out_dir: Path, citations_path: Path, *, real_data_out: Path
) -> TrendsRun | None:
    """Write trends.parquet and charts/ to `out_dir`; None when the history has no snapshot.

    A SYNTHETIC history (from the local fake) is refused for `real_data_out`, the folder that
    holds real numbers only."""
    history = read_trend_history(history_dir)
    if history.empty:
        return None
    citation_rows = read_citations(citations_path)
    result = compute_trends(history, pd.DataFrame(citation_rows) if citation_rows else None)
    synthetic = bool(history["synthetic"].fillna(False).astype(bool).any())
    if synthetic and out_dir.resolve() == real_data_out.resolve():
        raise OutputError(f"the history is SYNTHETIC: its trends never go to {real_data_out}")
    with output_lock(out_dir):  # a nightly run may be writing the same files
        written = write_trends(result, out_dir, synthetic=synthetic)
        star_weeks = read_star_weeks(citations_path.parent / "stars_by_week.parquet")
        written.append(
            _report(history_dir, out_dir, result, citation_rows, written, synthetic, star_weeks)
        )
    return TrendsRun(result, synthetic, written)


def _report(
    history_dir: Path,
    out_dir: Path,
    result: TrendResult,
    citation_rows: list[dict[str, Any]],
    charts: list[Path],
    synthetic: bool,
    star_weeks: list[dict[str, Any]],
) -> Path:
    """report.html from the latest snapshot, its trends, and its changes since the one before."""
    days = snapshot_dates(history_dir)
    latest = read_snapshot(history_dir, days[-1])
    rows = list(latest.values())
    changes = compute_changes(
        rows, read_snapshot_before(history_dir, days[-1]), days[-1], synthetic=synthetic
    )
    return write_report(
        out_dir,
        rows,
        snapshot_date=days[-1],
        synthetic=synthetic,
        title=title_of_regenerated_list(history_dir.parent, history_dir.resolve().parent.name),
        trends=result.table,
        citations=citation_rows,
        charts=charts,
        changes=changes,
        snapshots=len(days),
        star_weeks=star_weeks,
    )
