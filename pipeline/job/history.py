"""The part of the dated history that trends compare, read with bounded memory.

The store reads partitions; analysis.trends says which snapshots a trend compares. This step
joins the two, so neither layer imports the other."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.analysis.trends import WINDOWS, nearest_snapshot, top_cited
from pipeline.core.lazy import lazy_module
from pipeline.store.tables import _nullable, _read_partition, snapshot_dates, to_table

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = lazy_module("pandas")

TREND_HISTORY_COLUMNS = [
    "entry_id",
    "position",
    "section",
    "title",
    "abbreviation",
    "year",
    "arxiv_published",
    "s2_paper_id",
    "repo",
    "citation_count",
    "stars",
    "synthetic",
]


def read_trend_history(
    folder: Path,
    today: Sequence[Mapping[str, Any]] = (),
    snapshot_date: date | None = None,
) -> pd.DataFrame:
    """The history's columns that trends need, with `today`'s rows standing in for the
    snapshot of `snapshot_date` (so trends can be computed before it is written).

    Memory stays bounded by a few snapshots whatever the history's length: only the snapshots
    trends compare (the latest, and those nearest 7, 30 and 365 days before it) are read whole;
    of the others, only the citation counts of the most cited papers (the chart's lines)."""
    days = [d for d in snapshot_dates(folder) if d != snapshot_date]
    frames: dict[date, pd.DataFrame] = {}
    if today and snapshot_date is not None:
        frames[snapshot_date] = (
            to_table(today).select(TREND_HISTORY_COLUMNS).to_pandas(types_mapper=_nullable)
        )
        days = sorted([*days, snapshot_date])
    if not days:
        return pd.DataFrame(columns=[*TREND_HISTORY_COLUMNS, "snapshot_date"])
    latest = days[-1]
    for day in {latest} | {nearest_snapshot(days, latest, w) or latest for w in WINDOWS}:
        if day not in frames:
            frames[day] = _read_partition(folder, day, TREND_HISTORY_COLUMNS)
    top = list(top_cited(frames[latest])["entry_id"])
    for day in days if top else ():  # no counts at all: no lines to draw
        if day not in frames:
            frames[day] = _read_partition(
                folder, day, ["entry_id", "citation_count"], [("entry_id", "in", top)]
            )
    text = ("entry_id", "section", "title", "abbreviation", "s2_paper_id", "repo")
    return pd.concat(
        [
            frame.astype({c: "object" for c in text if c in frame}).assign(snapshot_date=day)
            for day, frame in sorted(frames.items())
        ],
        ignore_index=True,
    )
