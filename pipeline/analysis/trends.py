"""Citation and star trends from the dated history: pure functions over DataFrames.

Deltas over 7, 30 and 365 days compare the latest snapshot with the snapshot nearest to that
many days before it, within half the window (a 7-day delta comes from a snapshot 4 to 10 days
old); the date used is a column of its own, so a reader always knows which snapshot a delta
is from. A window with no snapshot in range has no delta rather than a misleading one.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from pipeline.core.lazy import lazy_module

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = lazy_module("pandas")


WINDOWS = (7, 30, 365)
DAYS_PER_MONTH = 365.25 / 12
TRENDING_SHARE = 0.10  # the top tenth by 30-day citation velocity is "trending"
LABEL_LENGTH = 40
TOP_SERIES = 8
# The chart of citations over time draws the nightly snapshots once there are this many (a
# month of nights), whatever days they span; before, the citations per year from S2.
NIGHTLY_POINTS = 30

TREND_COLUMNS = [
    "entry_id",
    "position",
    "section",
    "title",
    "label",
    "s2_paper_id",
    "repo",
    "snapshot_date",
    "citation_count",
    "stars",
    *[
        f"{name}_{window}d"
        for window in WINDOWS
        for name in ("base_date", "citations_delta", "stars_delta")
    ],
    "citations_per_month",
    "citation_velocity",
    "citations_this_year",
    "citations_last_year",
    "citation_rank",
    "citation_rank_30d_ago",
    "rank_change_30d",
    "trending",
    "synthetic",
]


@dataclass(frozen=True)
class TrendResult:
    table: pd.DataFrame  # one row per entry of the latest snapshot, TREND_COLUMNS
    # label, date, citations, partial: cumulative citations of the top papers, never after the
    # latest snapshot; `partial` marks a point that closes a year not over yet
    series: pd.DataFrame
    series_source: str  # "snapshots" or "citations_by_year"
    snapshot_dates: tuple[date, ...]


def label_for(abbreviation: object, title: object) -> str:
    """A short display name: the list's abbreviation, else the title, shortened."""
    text = str(abbreviation).strip() if isinstance(abbreviation, str) and abbreviation else ""
    text = text or str(title or "")
    return text if len(text) <= LABEL_LENGTH else text[: LABEL_LENGTH - 1] + "…"


def nearest_snapshot(dates: Sequence[date], latest: date, window_days: int) -> date | None:
    """The snapshot date nearest to `window_days` before `latest`, within half the window."""
    target = latest.toordinal() - window_days
    tolerance = window_days / 2
    candidates = [d for d in dates if d < latest and abs(d.toordinal() - target) <= tolerance]
    if not candidates:
        return None
    return min(candidates, key=lambda d: (abs(d.toordinal() - target), d))


def _publication_date(arxiv_published: object, year: object) -> date | None:
    """arXiv's v1 date when known, else the middle of the list's year."""
    if isinstance(arxiv_published, datetime | pd.Timestamp) and not pd.isna(arxiv_published):
        return arxiv_published.date()
    if isinstance(year, numbers.Real) and not pd.isna(year):
        return date(round(float(year)), 7, 1)
    return None


def _snapshot(history: pd.DataFrame, day: date) -> pd.DataFrame:
    return (
        history[history["snapshot_date"] == day].drop_duplicates("entry_id").set_index("entry_id")
    )


def _rank(counts: pd.Series) -> pd.Series:
    """1 = most cited; ties share the better rank; entries without a count have none."""
    return counts.rank(ascending=False, method="min").astype("Int64")


def _yearly(citations_by_year: pd.DataFrame | None, year: int) -> dict[str, int]:
    if citations_by_year is None or citations_by_year.empty:
        return {}
    rows = citations_by_year[citations_by_year["year"] == year]
    return {str(k): int(v) for k, v in rows.groupby("s2_paper_id")["citations"].sum().items()}


def compute_trends(
    history: pd.DataFrame, citations_by_year: pd.DataFrame | None = None
) -> TrendResult:
    """Trends as of the latest snapshot in `history` (papers rows with a snapshot_date)."""
    if history.empty:
        return TrendResult(pd.DataFrame(columns=TREND_COLUMNS), _empty_series(), "snapshots", ())
    history = history.assign(snapshot_date=pd.to_datetime(history["snapshot_date"]).dt.date)
    dates = tuple(sorted(set(history["snapshot_date"])))
    latest = dates[-1]
    current = _snapshot(history, latest)
    table = pd.DataFrame(index=current.index)
    for column in ("position", "section", "title", "s2_paper_id", "repo", "synthetic"):
        table[column] = current.get(column, None)
    table["label"] = [
        label_for(a, t)
        for a, t in zip(
            current.get("abbreviation", [None] * len(current)), current["title"], strict=True
        )
    ]
    table["snapshot_date"] = latest
    table["citation_count"] = current["citation_count"].astype("Int64")
    table["stars"] = current["stars"].astype("Int64")
    for window in WINDOWS:
        base_day = nearest_snapshot(dates, latest, window)
        table[f"base_date_{window}d"] = base_day
        for name, column in (("citations_delta", "citation_count"), ("stars_delta", "stars")):
            if base_day is None:
                table[f"{name}_{window}d"] = pd.Series(pd.NA, index=table.index, dtype="Int64")
                continue
            base = _snapshot(history, base_day)[column].astype("Int64")
            table[f"{name}_{window}d"] = table[column] - base.reindex(table.index)
    published = [
        _publication_date(p, y)
        for p, y in zip(
            current.get("arxiv_published", [None] * len(current)),
            current.get("year", [None] * len(current)),
            strict=True,
        )
    ]
    months = pd.Series(
        [max(1.0, (latest - p).days / DAYS_PER_MONTH) if p else float("nan") for p in published],
        index=table.index,
    )
    table["citations_per_month"] = table["citation_count"].astype("Float64") / months
    base_30 = table["base_date_30d"].iloc[0] if len(table) else None
    if base_30 is not None:
        span = (latest - base_30).days
        table["citation_velocity"] = table["citations_delta_30d"].astype("Float64") * 30 / span
    else:
        table["citation_velocity"] = pd.Series(float("nan"), index=table.index, dtype="Float64")
    this_year, last_year = (
        _yearly(citations_by_year, latest.year),
        _yearly(citations_by_year, latest.year - 1),
    )
    if citations_by_year is not None and not citations_by_year.empty:
        known = set(citations_by_year["s2_paper_id"].astype(str))
        table["citations_this_year"] = [
            this_year.get(str(p), 0) if str(p) in known else pd.NA for p in table["s2_paper_id"]
        ]
        table["citations_last_year"] = [
            last_year.get(str(p), 0) if str(p) in known else pd.NA for p in table["s2_paper_id"]
        ]
    else:
        table["citations_this_year"] = pd.NA
        table["citations_last_year"] = pd.NA
    for column in ("citations_this_year", "citations_last_year"):
        table[column] = table[column].astype("Int64")
    table["citation_rank"] = _rank(table["citation_count"])
    if base_30 is not None:
        old = _snapshot(history, base_30)["citation_count"].astype("Int64")
        table["citation_rank_30d_ago"] = _rank(old).reindex(table.index)
    else:
        table["citation_rank_30d_ago"] = pd.Series(pd.NA, index=table.index, dtype="Int64")
    table["rank_change_30d"] = table["citation_rank_30d_ago"] - table["citation_rank"]
    table["trending"] = trending_mask(table["citation_velocity"])
    table = table.reset_index().sort_values("position", kind="stable").reset_index(drop=True)
    series, source = _top_series(history, table, citations_by_year, dates)
    return TrendResult(table[TREND_COLUMNS], series, source, dates)


def trending_mask(velocity: pd.Series) -> pd.Series:
    """The top tenth (at least one) of positive 30-day citation velocities."""
    positive = velocity[velocity.notna() & (velocity > 0)]
    mask = pd.Series(False, index=velocity.index)
    if positive.empty:
        return mask
    count = max(1, round(len(velocity.dropna()) * TRENDING_SHARE))
    top = positive.sort_values(ascending=False, kind="stable").index[:count]
    mask[top] = True
    return mask


def top_cited(snapshot: pd.DataFrame, count: int = TOP_SERIES) -> pd.DataFrame:
    """The most cited entries of a snapshot (ties in list order): the chart's lines."""
    return (
        snapshot.dropna(subset=["citation_count"])
        .sort_values(["citation_count", "position"], ascending=[False, True], kind="stable")
        .head(count)
    )


def _empty_series() -> pd.DataFrame:
    return pd.DataFrame({"label": pd.Series(dtype=str), "date": [], "citations": [], "partial": []})


def yearly_running_totals(per_year: pd.Series, snapshot: date) -> pd.DataFrame:
    """A paper's citing papers per year (index: year) as the running totals the chart draws:
    0 on 1 January of the first year, each full year's total on its last day (31 December),
    and the snapshot's year, partial, on the snapshot date; nothing after the snapshot date
    (citing papers S2 dates to a later year count in the snapshot's point). Years without a
    citing paper count 0, so a flat stretch is drawn flat."""
    counts = {int(year): int(n) for year, n in per_year.items()}
    if not counts:
        return pd.DataFrame({"date": [], "citations": [], "partial": []})
    first = min(min(counts), snapshot.year)
    dates, totals, partial = [date(first, 1, 1)], [0], [False]
    total = 0
    for year in range(first, snapshot.year):
        total += counts.get(year, 0)
        dates.append(date(year, 12, 31))
        totals.append(total)
        partial.append(False)
    total += sum(n for year, n in counts.items() if year >= snapshot.year)
    if dates[-1] != snapshot:  # the snapshot's year so far (unless the snapshot is 1 January)
        dates.append(snapshot)
        totals.append(total)
        partial.append(snapshot != date(snapshot.year, 12, 31))
    else:
        totals[-1] = total
    return pd.DataFrame({"date": pd.to_datetime(dates), "citations": totals, "partial": partial})


def _top_series(
    history: pd.DataFrame,
    table: pd.DataFrame,
    citations_by_year: pd.DataFrame | None,
    dates: Sequence[date],
) -> tuple[pd.DataFrame, str]:
    """Cumulative citations of the most cited papers: from our snapshots once there are
    NIGHTLY_POINTS of them, else from Semantic Scholar's citations per year (a history from
    the first run), dated as `yearly_running_totals` says."""
    top = top_cited(table)
    enough_nights = len(dates) >= NIGHTLY_POINTS
    if enough_nights or citations_by_year is None or citations_by_year.empty:
        rows = history[history["entry_id"].isin(top["entry_id"])]
        labels = dict(zip(top["entry_id"], top["label"], strict=True))
        series = pd.DataFrame(
            {
                "label": rows["entry_id"].map(labels),
                "date": pd.to_datetime(rows["snapshot_date"]),
                "citations": rows["citation_count"],
            }
        ).dropna()
        series = series.sort_values(["label", "date"]).reset_index(drop=True)
        return series.assign(partial=False), "snapshots"
    frames = []
    for _, paper in top.iterrows():
        counts = citations_by_year[citations_by_year["s2_paper_id"] == paper["s2_paper_id"]]
        per_year = counts.dropna(subset=["year"]).groupby("year")["citations"].sum()
        if per_year.empty:
            continue
        frames.append(yearly_running_totals(per_year, dates[-1]).assign(label=paper["label"]))
    if not frames:
        return _empty_series(), "citations_by_year"
    series = pd.concat(frames, ignore_index=True)
    return series[["label", "date", "citations", "partial"]], "citations_by_year"
