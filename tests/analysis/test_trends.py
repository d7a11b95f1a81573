"""Trends from synthetic histories: steady growth, drops, missing nights, ranks, trending."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.analysis.trends import (
    NIGHTLY_POINTS,
    compute_trends,
    label_for,
    nearest_snapshot,
    trending_mask,
    yearly_running_totals,
)
from pipeline.cli.main import main
from pipeline.job.history import read_trend_history
from pipeline.job.outputs import CHARTS
from pipeline.store.tables import to_table

START = date(2025, 1, 1)


def snapshot_row(
    entry: str, day: date, citations: int | None, stars: int | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "entry_id": entry,
        "position": extra.pop("position", ord(entry[-1]) - ord("a")),
        "section": "2024",
        "title": f"Paper {entry}",
        "abbreviation": entry.upper(),
        "year": 2024,
        "arxiv_published": None,
        "s2_paper_id": f"s2-{entry}",
        "repo": f"owner/{entry}",
        "citation_count": citations,
        "stars": stars,
        "synthetic": True,
        "snapshot_date": day,
        **extra,
    }


def history_of(days: list[int], rates: dict[str, float], *, start: int = 100) -> pd.DataFrame:
    """Nightly snapshots on the given day offsets; each paper gains `rate` citations a day."""
    rows = [
        snapshot_row(entry, START + timedelta(days=d), start + int(rate * d), 10 + d)
        for d in days
        for entry, rate in rates.items()
    ]
    return pd.DataFrame(rows)


def by_entry(table: pd.DataFrame) -> dict[str, dict[str, Any]]:
    return {row["entry_id"]: row for row in table.to_dict("records")}


def test_steady_growth_gives_exact_deltas_velocity_and_base_dates() -> None:
    history = history_of(list(range(0, 401)), {"a": 2, "b": 1, "c": 0})
    result = compute_trends(history)
    rows = by_entry(result.table)
    latest = START + timedelta(days=400)
    assert rows["a"]["snapshot_date"] == latest
    for window in (7, 30, 365):
        assert rows["a"][f"base_date_{window}d"] == latest - timedelta(days=window)
        assert rows["a"][f"citations_delta_{window}d"] == 2 * window
        assert rows["b"][f"citations_delta_{window}d"] == window
        assert rows["c"][f"citations_delta_{window}d"] == 0
        assert rows["a"][f"stars_delta_{window}d"] == window
    assert rows["a"]["citation_velocity"] == pytest.approx(60.0)
    assert rows["b"]["citation_velocity"] == pytest.approx(30.0)
    assert [rows[e]["citation_rank"] for e in "abc"] == [1, 2, 3]


def test_missing_nights_use_the_nearest_snapshot_within_half_the_window_and_say_which() -> None:
    history = history_of([0, 5, 20, 40], {"a": 3, "b": 1})
    rows = by_entry(compute_trends(history).table)
    # 7 days before day 40 is day 33: the nearest snapshot (day 20) is 13 days off, too far.
    assert rows["a"]["base_date_7d"] is None
    assert pd.isna(rows["a"]["citations_delta_7d"])
    # 30 days before is day 10: days 5 and 20 are within 15 days; day 5 is nearer.
    assert rows["a"]["base_date_30d"] == START + timedelta(days=5)
    assert rows["a"]["citations_delta_30d"] == 3 * 35
    # Velocity is per 30 days over the span actually covered (35 days here).
    assert rows["a"]["citation_velocity"] == pytest.approx(3 * 35 * 30 / 35)
    assert rows["a"]["base_date_365d"] is None


@pytest.mark.parametrize(
    ("dates", "window", "expected"),
    [
        ([0, 1, 2, 3], 7, None),  # nothing near enough
        ([0, 3, 4, 10], 7, 3),  # 3 and 4 are 0 and 1 day off the target (day 3)
        ([0, 2, 4, 10], 7, 2),  # equally near: the earlier one
        ([0, 10], 365, None),
    ],
)
def test_nearest_snapshot(dates: list[int], window: int, expected: int | None) -> None:
    days = [START + timedelta(days=d) for d in dates]
    found = nearest_snapshot(days, days[-1], window)
    assert found == (START + timedelta(days=expected) if expected is not None else None)


def test_a_drop_gives_a_negative_delta_and_a_rank_change() -> None:
    day0, day30 = START, START + timedelta(days=30)
    history = pd.DataFrame(
        [
            snapshot_row("a", day0, 100),
            snapshot_row("b", day0, 50),
            snapshot_row("c", day0, 10),
            snapshot_row("a", day30, 40),  # fell: S2 split a merged record, say
            snapshot_row("b", day30, 60),
            snapshot_row("c", day30, 45),
        ]
    )
    rows = by_entry(compute_trends(history).table)
    assert rows["a"]["citations_delta_30d"] == -60
    assert (rows["a"]["citation_rank_30d_ago"], rows["a"]["citation_rank"]) == (1, 3)
    assert rows["a"]["rank_change_30d"] == -2
    assert rows["c"]["rank_change_30d"] == 1
    assert rows["b"]["rank_change_30d"] == 1


def test_an_entry_new_since_the_base_has_no_delta_and_one_without_counts_no_rank() -> None:
    day0, day30 = START, START + timedelta(days=30)
    history = pd.DataFrame(
        [
            snapshot_row("a", day0, 100),
            snapshot_row("a", day30, 130),
            snapshot_row("b", day30, 5),
            snapshot_row("c", day30, None),
        ]
    )
    rows = by_entry(compute_trends(history).table)
    assert rows["a"]["citations_delta_30d"] == 30
    assert pd.isna(rows["b"]["citations_delta_30d"])
    assert pd.isna(rows["c"]["citation_rank"]) and rows["b"]["citation_rank"] == 2


def test_citations_per_month_count_from_the_arxiv_date_else_mid_year() -> None:
    day = date(2026, 7, 1)
    history = pd.DataFrame(
        [
            snapshot_row(
                "a", day, 120, arxiv_published=datetime(2025, 7, 1, tzinfo=UTC), year=2025
            ),
            snapshot_row("b", day, 120, year=2024),  # no arXiv date: 1 July 2024
            snapshot_row("c", day, 120, year=None),
        ]
    )
    rows = by_entry(compute_trends(history).table)
    assert rows["a"]["citations_per_month"] == pytest.approx(120 / 12, rel=1e-3)
    assert rows["b"]["citations_per_month"] == pytest.approx(120 / 24, rel=1e-3)
    assert pd.isna(rows["c"]["citations_per_month"])


def test_citations_per_year_come_from_the_citations_table() -> None:
    day = date(2026, 3, 1)
    history = pd.DataFrame([snapshot_row("a", day, 30), snapshot_row("b", day, 3)])
    citations = pd.DataFrame(
        [
            {"s2_paper_id": "s2-a", "year": 2025, "month": 5, "citations": 10},
            {"s2_paper_id": "s2-a", "year": 2025, "month": None, "citations": 2},
            {"s2_paper_id": "s2-a", "year": 2026, "month": 1, "citations": 4},
            {"s2_paper_id": "s2-a", "year": None, "month": None, "citations": 1},
        ]
    )
    rows = by_entry(compute_trends(history, citations).table)
    assert (rows["a"]["citations_last_year"], rows["a"]["citations_this_year"]) == (12, 4)
    # b was never fetched: unknown, not zero.
    assert pd.isna(rows["b"]["citations_last_year"])


def test_the_top_series_comes_from_citations_per_year_until_there_are_enough_nights() -> None:
    day = date(2026, 3, 1)
    history = pd.DataFrame([snapshot_row("a", day, 30)])
    citations = pd.DataFrame(
        [
            {"s2_paper_id": "s2-a", "year": 2024, "month": 5, "citations": 10},
            {"s2_paper_id": "s2-a", "year": 2025, "month": None, "citations": 15},
            {"s2_paper_id": "s2-a", "year": 2026, "month": 1, "citations": 5},
        ]
    )
    result = compute_trends(history, citations)
    assert result.series_source == "citations_by_year"
    series = result.series
    assert series["citations"].tolist() == [0, 10, 25, 30]  # cumulative
    assert [d.date() for d in series["date"]] == [
        date(2024, 1, 1),
        date(2024, 12, 31),
        date(2025, 12, 31),
        day,  # 2026 so far: at the snapshot date, never at the year's end
    ]
    assert series["partial"].tolist() == [False, False, False, True]
    # Snapshots spanning a month but few (the old 30-day rule's switch): still the years.
    assert compute_trends(history_of([0, 15, 31], {"a": 1}), citations).series_source == (
        "citations_by_year"
    )
    short = compute_trends(history_of(list(range(NIGHTLY_POINTS - 1)), {"a": 1}), citations)
    assert short.series_source == "citations_by_year"
    # NIGHTLY_POINTS nights, which span a day less: the nightly snapshots.
    nights = list(range(NIGHTLY_POINTS))
    result = compute_trends(history_of(nights, {"a": 1}), citations)
    assert result.series_source == "snapshots"
    assert result.series["citations"].tolist() == [100 + d for d in nights]
    assert not result.series["partial"].any()


@pytest.mark.parametrize(
    "snapshot",
    [date(2026, 12, 6), date(2026, 1, 1), date(2026, 12, 31), date(2027, 2, 28), date(2023, 6, 1)],
)
def test_yearly_running_totals_never_pass_the_snapshot_date(snapshot: date) -> None:
    per_year = pd.Series({2022: 4, 2024: 6, 2026: 3, 2027: 2})
    totals = yearly_running_totals(per_year, snapshot)
    days = [d.date() for d in totals["date"]]
    assert days == sorted(days) and days[0] == date(2022, 1, 1) and days[-1] == snapshot
    assert totals["citations"].iloc[0] == 0
    assert totals["citations"].iloc[-1] == 15  # every citing paper, later-dated ones included
    assert totals["citations"].is_monotonic_increasing
    rows = zip(days, totals["citations"], totals["partial"], strict=True)
    for day, total, partial in list(rows)[1:]:
        if day != snapshot:  # a year over: its last day, its running total
            assert (day.month, day.day) == (12, 31) and not partial
            assert total == sum(n for y, n in per_year.items() if y <= day.year)
        else:  # the snapshot's year: partial unless the snapshot is its last day
            assert partial == ((day.month, day.day) != (12, 31))


def test_trending_is_the_top_tenth_of_positive_velocities() -> None:
    velocities = pd.Series([float(v) for v in range(20)] + [float("nan")] * 5)
    mask = trending_mask(velocities)
    assert mask[mask].index.tolist() == [18, 19]
    assert not trending_mask(pd.Series([0.0, -1.0, float("nan")])).any()
    assert trending_mask(pd.Series([0.0, 2.0])).tolist() == [False, True]  # at least one


def test_label_prefers_the_abbreviation_and_shortens_titles() -> None:
    assert label_for("CLIMS", "Cross Language Image Matching") == "CLIMS"
    long = label_for(None, "x" * 80)
    assert len(long) == 40 and long.endswith("…")


def test_empty_history_gives_an_empty_table() -> None:
    result = compute_trends(pd.DataFrame())
    assert result.table.empty and result.snapshot_dates == ()


def test_history_read_from_parquet_with_today_standing_in(tmp_path: Path) -> None:
    """The history as written by a run, read back (today's rows not yet on disk)."""
    history = tmp_path / "history"
    for offset, count in ((0, 10), (30, 40)):
        day = START + timedelta(days=offset)
        row = {**snapshot_row("a", day, count, 7), "line": 3, "match_method": "pinned"}
        partition = history / f"snapshot_date={day.isoformat()}"
        partition.mkdir(parents=True)
        to_table([row]).drop_columns(["snapshot_date"]).to_pandas().to_parquet(
            partition / "part-0.parquet"
        )
    stale_today = START + timedelta(days=30)
    today = [{**snapshot_row("a", stale_today, 55, 9), "line": 3, "match_method": "pinned"}]
    frame = read_trend_history(history, today, stale_today)
    assert sorted(zip(frame["snapshot_date"], frame["citation_count"], strict=True)) == [
        (START, 10),
        (stale_today, 55),  # today's rows replace the partition of the same date
    ]
    rows = by_entry(compute_trends(frame).table)
    assert rows["a"]["citations_delta_30d"] == 45


def _write_history(history: Path, nights: dict[int, int], *, synthetic: bool) -> None:
    for offset, count in nights.items():
        day = START + timedelta(days=offset)
        rows = [
            {
                **snapshot_row(entry, day, count * weight, 5 * weight, synthetic=synthetic),
                "line": 3 + weight,
                "match_method": "pinned",
            }
            for weight, entry in enumerate("abc", start=1)
        ]
        partition = history / f"snapshot_date={day.isoformat()}"
        partition.mkdir(parents=True)
        table = to_table(rows, synthetic=synthetic).drop_columns(["snapshot_date"])
        table.to_pandas().to_parquet(partition / "part-0.parquet")


def test_the_trends_command_writes_the_table_and_deterministic_charts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history = tmp_path / "enriched" / "history"
    _write_history(history, {0: 10, 7: 17, 30: 40}, synthetic=False)
    assert main(["trends", "--history", str(history)]) == 0
    printed = capsys.readouterr().out
    assert "3 snapshots, 2025-01-01 to 2025-01-31; 3 entries" in printed
    assert "7-day deltas: no snapshot in range" in printed  # day 30 - 7: none within 3.5 days
    assert "30-day deltas: from the snapshot of 2025-01-01" in printed
    out = tmp_path / "enriched"
    table = pd.read_parquet(out / "trends.parquet").set_index("entry_id")
    assert table.loc["c", "citations_delta_30d"] == 3 * 30
    charts = sorted(p.name for p in (out / "charts").iterdir())
    assert charts == sorted(f"{name}.svg" for name in CHARTS)
    first = {name: (out / "charts" / name).read_bytes() for name in charts}
    assert main(["trends", "--history", str(history), "--out", str(tmp_path / "again")]) == 0
    assert first == {name: (tmp_path / "again" / "charts" / name).read_bytes() for name in charts}
    # report.html too: the 30-day change, the charts inlined, changes since the night before.
    report = (out / "report.html").read_text(encoding="utf-8")
    assert report == (tmp_path / "again" / "report.html").read_text(encoding="utf-8")
    assert 'data-v="90">+90<' in report and report.count('src="data:image/svg+xml;base64,') == 4
    assert "Since the snapshot of 2025-01-08." in report and 'class="banner"' not in report


def test_the_trends_command_refuses_synthetic_history_into_the_default_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    history = tmp_path / "data" / "enriched" / "history"
    _write_history(history, {0: 10}, synthetic=True)
    assert main(["trends"]) == 2
    assert "SYNTHETIC" in capsys.readouterr().err
    assert not (tmp_path / "data" / "enriched" / "trends.parquet").exists()
    assert main(["trends", "--history", str(tmp_path / "none")]) == 1
    assert "no snapshots yet" in capsys.readouterr().out


def test_only_the_compared_snapshots_are_read_whole(tmp_path: Path) -> None:
    history = tmp_path / "history"
    _write_history(history, {0: 10, 1: 11, 2: 12, 9: 19, 10: 20}, synthetic=False)
    frame = read_trend_history(history)
    whole = frame[frame["title"].notna()]
    # The latest (day 10) and the one nearest 7 days before it (day 2); none in the 30-day range.
    assert sorted(set(whole["snapshot_date"])) == [START + timedelta(days=d) for d in (2, 10)]
    counts = frame[frame["snapshot_date"] == START]
    assert counts["title"].isna().all() and len(counts) == 3  # the chart's lines only
    # The chart's lines still get every night, the partly read ones included.
    series = compute_trends(frame).series
    expected = sorted(n * w for n in (10, 11, 12, 19, 20) for w in (1, 2, 3))
    assert sorted(series["citations"]) == expected


def test_a_history_without_any_citation_count_still_gives_trends(tmp_path: Path) -> None:
    """S2 never answered (a bad key, or --sources without s2): no lines to draw, no crash."""
    history = tmp_path / "history"
    _write_history(history, {0: 10, 1: 11, 2: 12, 9: 19, 10: 20}, synthetic=False)
    for partition in history.iterdir():
        table = pq.read_table(partition / "part-0.parquet")
        column = table.schema.get_field_index("citation_count")
        empty = pa.nulls(table.num_rows, pa.int64())
        pq.write_table(
            table.set_column(column, "citation_count", empty), partition / "part-0.parquet"
        )
    result = compute_trends(read_trend_history(history))
    assert result.series.empty and result.table["citation_count"].isna().all()
    assert result.table["stars_delta_7d"].notna().all()
