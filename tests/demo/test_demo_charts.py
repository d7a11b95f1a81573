"""The demo's charts, read back from the files it wrote (charts/*.svg and the images inlined in
report.html), not from the code that drew them: no chart shows a date after its snapshot date,
a year's total sits at the end of its year, and `demo --nights 30` draws the nightly snapshots
(issue 25's Done-when)."""

from __future__ import annotations

import base64
import re
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from fakeapi.description import WorldDescription
from tests.chart_svg import Chart, dates_of_labels, day_label, read_chart
from tests.demo.conftest import START, DemoRun, run_demo, small_description, small_list

pytestmark = [pytest.mark.slow, pytest.mark.real_charts]

LONG_NIGHTS = 30  # `demo --nights 30`, as docs/analysis.md recommends
LONG_ROWS = 8  # entries of the list the 30 nights run on (the first of the small list)
_IMAGE = re.compile(r'<figure data-chart="([a-z_]+)"><img src="data:image/svg\+xml;base64,([^"]+)"')
_SPARK_TITLE = re.compile(r"<title>citations per year: ([^<]*)</title>")


def snapshot_of(out: Path) -> date:
    days = pd.read_parquet(out / "papers.parquet", columns=["snapshot_date"])["snapshot_date"]
    (day,) = set(days)
    assert isinstance(day, date)
    return day


def charts_of(out: Path) -> dict[str, bytes]:
    """The charts as files and as report.html shows them: the same bytes, or a failure."""
    files = {path.stem: path.read_bytes() for path in sorted((out / "charts").glob("*.svg"))}
    page = (out / "report.html").read_text(encoding="utf-8")
    shown = {name: base64.b64decode(data) for name, data in _IMAGE.findall(page)}
    assert shown == files and len(files) == 4
    return files


def assert_nothing_after(chart: Chart, snapshot: date) -> None:
    """No tick, label or point right of the axis's end, which is a tick naming `snapshot`;
    no year after the snapshot's written anywhere on the chart."""
    years = [int(y) for text in chart.texts for y in re.findall(r"\b(?:19|20)\d\d\b", text)]
    assert all(year <= snapshot.year for year in years), years
    if not chart.lines:
        return
    _, _, right, _ = chart.plot
    last = max(chart.x_ticks, key=lambda tick: tick.x)
    assert last.label == day_label(snapshot) and last.x == pytest.approx(right, abs=0.01)
    assert all(tick.x <= right + 0.01 for tick in chart.x_ticks)
    assert all(x <= right + 0.01 for points in chart.lines.values() for x, _ in points)


def test_no_chart_of_the_demo_shows_a_date_after_its_snapshot(demo_run: DemoRun) -> None:
    assert demo_run.status == 0, demo_run.printed
    snapshot = snapshot_of(demo_run.out)
    charts = charts_of(demo_run.out)
    for data in charts.values():
        assert_nothing_after(read_chart(data), snapshot)
    # Three nights: the yearly running totals from S2, the snapshot's year so far on a dashed
    # line to the snapshot date.
    over_time = read_chart(charts["citations_over_time"])
    assert any(name.endswith("-partial") for name in over_time.lines)
    assert f"{snapshot.year} so far, to {day_label(snapshot).split(chr(10))[0]}" in " ".join(
        over_time.texts
    )
    # The sparklines of the table run to the snapshot's year at most, which they call partial.
    page = (demo_run.out / "report.html").read_text(encoding="utf-8")
    titles = _SPARK_TITLE.findall(page)
    assert titles
    for title in titles:
        years = [int(y) for y in re.findall(r"\b(\d{4})(?: so far \(to [^)]*\))?: ", title)]
        assert years and max(years) == snapshot.year, title
        assert f"{snapshot.year} so far (to {snapshot.day} " in title


def test_a_years_total_sits_on_its_last_day_in_the_demo(demo_run: DemoRun) -> None:
    snapshot = snapshot_of(demo_run.out)
    chart = read_chart(charts_of(demo_run.out)["citations_over_time"])
    left, _, right, _ = chart.plot
    bounds = sorted(tick.x for tick in chart.x_ticks if not tick.label)
    years = sorted((tick.x, int(tick.label)) for tick in chart.x_ticks if tick.label.isdigit())
    assert bounds and years
    # The axis starts on 1 January of its first labelled year.
    first = date(years[0][1], 1, 1)
    per_day = (right - left) / (snapshot - first).days
    for name, points in chart.lines.items():
        if name.endswith("-partial"):
            continue
        for x, _ in points[1:]:  # the first point is the 0 on 1 January of the line's first year
            day = first + timedelta(days=round((x - left) / per_day))
            assert (day.month, day.day) == (12, 31), (name, day)
            assert any(abs(x - (b - per_day)) < 0.25 * per_day for b in bounds), (name, day)
            before = [year for label_x, year in years if label_x < x]
            assert not before or before[-1] == day.year  # the label left of it is its year


@pytest.fixture(scope="module")
def thirty_nights(tmp_path_factory: pytest.TempPathFactory, prefect_harness: object) -> DemoRun:
    """`demo --nights 30` on the small list's first entries (the hostile one among them)."""
    root = tmp_path_factory.mktemp("thirty-nights")
    lines = small_list().splitlines(keepends=True)
    rows = [i for i, line in enumerate(lines) if line.startswith("| [")]
    text = "".join(lines[: rows[LONG_ROWS - 1] + 1])
    records = small_description().papers[:LONG_ROWS]
    description = WorldDescription("list.md", "the first rows of the small list", records)
    return run_demo(root, text, description, LONG_NIGHTS, charts_of_the_last_night_only=True)


def test_demo_of_30_nights_draws_the_nightly_snapshots(thirty_nights: DemoRun) -> None:
    assert thirty_nights.status == 0, thirty_nights.printed
    first, snapshot = START, START + timedelta(days=LONG_NIGHTS - 1)
    assert snapshot_of(thirty_nights.out) == snapshot
    charts = charts_of(thirty_nights.out)
    for data in charts.values():
        assert_nothing_after(read_chart(data), snapshot)
    chart = read_chart(charts["citations_over_time"])
    assert f"{LONG_NIGHTS} nightly snapshots" in " ".join(chart.texts)
    assert chart.lines and not any(name.endswith("-partial") for name in chart.lines)
    # Read on the axis: the lines of the papers there every night have a point each night,
    # from the first night to the last.
    ticks = sorted((tick.x, tick.label) for tick in chart.x_ticks if tick.label)
    dates = dates_of_labels([label for _, label in ticks])
    assert "Nov" in " ".join(label for _, label in ticks)  # the month the nights start in
    (x0, d0), (x1, d1) = (ticks[0][0], dates[0]), (ticks[-1][0], dates[-1])
    per_day = (x1 - x0) / (d1 - d0).days
    nightly = [points for points in chart.lines.values() if len(points) == LONG_NIGHTS]
    assert nightly
    for points in nightly:
        read = [d0 + timedelta(days=round((x - x0) / per_day)) for x, _ in points]
        assert read == [first + timedelta(days=i) for i in range(LONG_NIGHTS)]
