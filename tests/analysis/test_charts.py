from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import struct
from collections.abc import Callable

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.cbook import is_math_text
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from pipeline.analysis.charts import (
    DISPLAY_SIZE,
    DPI,
    FIGURE_SIZE,
    NO_DATA_TEXT,
    SYNTHETIC_LABEL,
    citations_over_time_chart,
    entries_per_section_chart,
    png_bytes,
    stars_vs_citations_chart,
    svg_bytes,
    velocity_chart,
)
from pipeline.analysis.trends import yearly_running_totals
from tests.chart_svg import Chart, dates_of_labels, day_label, read_chart

pytestmark = pytest.mark.real_charts  # what these tests are about

NAN = math.nan
LONG_TITLE = "A very long paper title that keeps going well beyond forty characters"
DOLLAR_LABEL = "Cost $5 and $x$ _a_ <b>"
TREND_COLUMNS = [
    "entry_id",
    "label",
    "section",
    "citation_count",
    "stars",
    "citation_velocity",
    "citations_per_month",
]


def trends_frame(
    rows: list[tuple[str, str, str, int | None, int | None, float, float]],
) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=TREND_COLUMNS)
    return frame.astype({"citation_count": "Int64", "stars": "Int64"})


TRENDS = trends_frame(
    [
        ("e1", "CLIMS", "2022", 120, 300, 3.5, 2.0),
        ("e2", DOLLAR_LABEL, "2021", 5, 12, 1.0, 0.5),
        ("e3", LONG_TITLE, "2022", None, 50, 7.0, 1.0),
        ("e4", "_underscored", "2023", 0, None, 0.0, 0.1),
        ("e5", "E", "2023", 40, 8, 1.0, 4.0),
        ("e6", "B", "2022", 300, 1000, 9.0, 3.0),
        ("e7", "D", "2021", 7, 0, 1.0, NAN),
        ("e8", "F", "2021", 1, 3, NAN, 0.2),
    ]
)
SERIES = pd.DataFrame(
    [
        (label, dt.date(2026, month, 1), citations + month)
        for label, citations in [("CLIMS", 10), ("_underscored", 30), (DOLLAR_LABEL, 20)]
        for month in range(1, 6)
    ],
    columns=["label", "date", "citations"],
)


def only_axes(figure: Figure) -> Axes:
    assert len(figure.axes) == 1
    return figure.axes[0]


def all_texts(figure: Figure) -> list[str]:
    return [text.get_text() for text in figure.findobj(Text)]


def bars_top_to_bottom(axes: Axes) -> list[tuple[str, float]]:
    """(tick label, bar length) in the order a reader sees them, top first."""
    bars = [patch for patch in axes.patches if isinstance(patch, Rectangle)]
    labels = {
        tick: text.get_text()
        for tick, text in zip(axes.get_yticks(), axes.get_yticklabels(), strict=True)
    }
    seen = []
    for bar in bars:
        centre = bar.get_y() + bar.get_height() / 2
        screen_y = axes.transData.transform((0, centre))[1]
        seen.append((screen_y, labels[round(centre)], bar.get_width()))
    return [(label, width) for _, label, width in sorted(seen, reverse=True)]


def test_velocity_chart_shows_the_largest_first_at_the_top() -> None:
    axes = only_axes(velocity_chart(TRENDS))
    assert axes.get_title() == "Top papers by citation velocity"
    assert axes.get_xlabel() == "Citations per 30 days (last 30 days)"
    shown = bars_top_to_bottom(axes)
    # F has no velocity; the 1.0 tie is broken by label.
    assert [width for _, width in shown] == [9.0, 7.0, 3.5, 1.0, 1.0, 1.0, 0.0]
    assert [label for label, _ in shown][:3] == ["B", LONG_TITLE[:39] + "…", "CLIMS"]
    assert [label for label, _ in shown][3:] == [
        r"Cost \$5 and \$x\$ _a_ <b>",
        "D",
        "E",
        "_underscored",
    ]


def test_velocity_chart_keeps_only_the_top_rows() -> None:
    axes = only_axes(velocity_chart(TRENDS, top=3))
    assert [label for label, _ in bars_top_to_bottom(axes)] == ["B", LONG_TITLE[:39] + "…", "CLIMS"]


def test_velocity_chart_order_does_not_depend_on_row_order() -> None:
    forwards = bars_top_to_bottom(only_axes(velocity_chart(TRENDS)))
    backwards = bars_top_to_bottom(only_axes(velocity_chart(TRENDS.iloc[::-1])))
    assert forwards == backwards


def test_velocity_chart_falls_back_to_citations_per_month_with_one_snapshot() -> None:
    one_snapshot = TRENDS.assign(citation_velocity=NAN)
    axes = only_axes(velocity_chart(one_snapshot))
    assert axes.get_xlabel() == "Citations per month since publication"
    assert "citations per month" in axes.get_title()
    assert [width for _, width in bars_top_to_bottom(axes)] == [4.0, 3.0, 2.0, 1.0, 0.5, 0.2, 0.1]


def test_long_labels_are_truncated_with_an_ellipsis() -> None:
    labels = [text.get_text() for text in only_axes(velocity_chart(TRENDS)).get_yticklabels()]
    (truncated,) = [label for label in labels if label.startswith("A very long")]
    assert len(truncated) == 40 and truncated.endswith("…")
    assert LONG_TITLE.startswith(truncated[:-1])


def test_dollar_signs_in_labels_are_drawn_literally() -> None:
    legend = only_axes(citations_over_time_chart(SERIES)).get_legend()
    assert legend is not None
    texts = [
        *only_axes(velocity_chart(TRENDS)).get_yticklabels(),
        *legend.get_texts(),
        *only_axes(stars_vs_citations_chart(TRENDS)).texts,
    ]
    with_dollar = [text.get_text() for text in texts if "$" in text.get_text()]
    assert len(with_dollar) == 3
    for text in with_dollar:
        # The test matplotlib applies before handing a string to mathtext.
        assert not is_math_text(text)
        assert text.replace(r"\$", "$") == DOLLAR_LABEL


def test_citations_over_time_draws_one_line_per_label() -> None:
    axes = only_axes(citations_over_time_chart(SERIES))
    assert axes.get_title() == "Citations over time (top papers)"
    assert axes.get_xlabel() == "5 nightly snapshots (S2 citation counts)"
    assert axes.get_ylabel() == "Citations"
    assert len(axes.get_lines()) == 3
    legend = axes.get_legend()
    assert legend is not None
    # Ordered by latest count; a leading "_" would hide the entry if matplotlib chose the labels.
    assert [text.get_text() for text in legend.get_texts()] == [
        "_underscored",
        r"Cost \$5 and \$x\$ _a_ <b>",
        "CLIMS",
    ]


def test_stars_vs_citations_uses_log_scales_and_counts_what_it_leaves_out() -> None:
    figure = stars_vs_citations_chart(TRENDS)
    axes = only_axes(figure)
    assert axes.get_title() == "GitHub stars against citations"
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("Citations (log scale)", "Stars (log scale)")
    assert (axes.get_xscale(), axes.get_yscale()) == ("log", "log")
    (points,) = axes.collections
    # e3 has no citations, e4 zero citations and no stars, e7 zero stars.
    assert sorted(np.asarray(points.get_offsets())[:, 0].tolist()) == [1.0, 5.0, 40.0, 120.0, 300.0]
    assert figure.get_supxlabel() == "5 shown, 3 without both values"


def test_stars_vs_citations_labels_only_the_most_cited() -> None:
    many = trends_frame([(f"e{i}", f"P{i}", "2022", i * 10, i, NAN, NAN) for i in range(1, 9)])
    axes = only_axes(stars_vs_citations_chart(many))
    assert sorted(text.get_text() for text in axes.texts) == ["P4", "P5", "P6", "P7", "P8"]


def test_entries_per_section_sorts_sections_and_uses_integer_ticks() -> None:
    sections = TRENDS.assign(
        section=["2022", "Surveys", "2022", "2020", "2023", "2022", "2020", "2021"]
    )
    figure = entries_per_section_chart(sections)
    axes = only_axes(figure)
    assert axes.get_title() == "Entries per section"
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("Section", "Entries")
    labels = [text.get_text() for text in axes.get_xticklabels()]
    heights = [patch.get_height() for patch in axes.patches if isinstance(patch, Rectangle)]
    assert list(zip(labels, heights, strict=True)) == [
        ("2020", 2),
        ("2021", 1),
        ("2022", 3),
        ("2023", 1),
        ("Surveys", 1),
    ]
    png_bytes(figure)  # settles the ticks
    assert all(float(tick).is_integer() for tick in axes.get_yticks())


BUILDERS: dict[str, Callable[[bool], Figure]] = {
    "velocity": lambda synthetic: velocity_chart(TRENDS, synthetic=synthetic),
    "over_time": lambda synthetic: citations_over_time_chart(SERIES, synthetic=synthetic),
    "scatter": lambda synthetic: stars_vs_citations_chart(TRENDS, synthetic=synthetic),
    "sections": lambda synthetic: entries_per_section_chart(TRENDS, synthetic=synthetic),
}


@pytest.mark.parametrize("name", BUILDERS)
@pytest.mark.parametrize("synthetic", [True, False])
def test_synthetic_label_only_when_asked(name: str, synthetic: bool) -> None:
    assert (SYNTHETIC_LABEL in all_texts(BUILDERS[name](synthetic))) is synthetic


@pytest.mark.parametrize("name", BUILDERS)
def test_png_bytes_are_reproducible_and_ignore_the_global_style(name: str) -> None:
    first = png_bytes(BUILDERS[name](True))
    with matplotlib.rc_context(
        {"font.size": 20, "axes.grid": False, "text.parse_math": False, "figure.dpi": 50}
    ):
        second = png_bytes(BUILDERS[name](True))
    assert first.startswith(b"\x89PNG\r\n\x1a\n")
    assert first == second
    width, height = struct.unpack(">II", first[16:24])  # from the IHDR chunk
    assert (width, height) == (round(FIGURE_SIZE[0] * DPI), round(FIGURE_SIZE[1] * DPI))
    assert b"Software" not in first and b"matplotlib" not in first


EMPTY_TRENDS = pd.DataFrame({column: [] for column in TREND_COLUMNS})
EMPTY_SERIES = pd.DataFrame({"label": [], "date": [], "citations": []})
NOTHING_PLOTTABLE = trends_frame(
    [("e1", "A", "2022", None, 3, NAN, NAN), ("e2", "B", "2022", 0, 0, NAN, NAN)]
)


@pytest.mark.parametrize(
    "build",
    [
        lambda: velocity_chart(EMPTY_TRENDS),
        lambda: velocity_chart(pd.DataFrame()),
        lambda: velocity_chart(NOTHING_PLOTTABLE),
        lambda: citations_over_time_chart(EMPTY_SERIES),
        lambda: citations_over_time_chart(pd.DataFrame()),
        lambda: stars_vs_citations_chart(EMPTY_TRENDS),
        lambda: stars_vs_citations_chart(NOTHING_PLOTTABLE),
        lambda: entries_per_section_chart(EMPTY_TRENDS),
        lambda: entries_per_section_chart(pd.DataFrame()),
    ],
)
def test_no_data_still_gives_a_chart(build: Callable[[], Figure]) -> None:
    figure = build()
    assert NO_DATA_TEXT in all_texts(figure)
    assert only_axes(figure).get_title()
    assert png_bytes(figure).startswith(b"\x89PNG")
    assert NO_DATA_TEXT in read_chart(svg_bytes(figure)).texts


def test_nothing_plottable_in_the_scatter_still_counts_the_rows() -> None:
    figure = stars_vs_citations_chart(NOTHING_PLOTTABLE)
    assert figure.get_supxlabel() == "0 shown, 2 without both values"


# --- the time axis: nothing after the snapshot date, dates named, partial years -----------------


def nightly(first: dt.date, last: dt.date, labels: tuple[str, ...] = ("A", "B")) -> pd.DataFrame:
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    return pd.DataFrame(
        [
            (label, day, 100 * (k + 1) + i)
            for k, label in enumerate(labels)
            for i, day in enumerate(days)
        ],
        columns=["label", "date", "citations"],
    )


def over_time_svg(series: pd.DataFrame, **options: object) -> Chart:
    figure = citations_over_time_chart(series, synthetic=True, **options)  # type: ignore[arg-type]
    return read_chart(svg_bytes(figure))


def labelled(chart: Chart) -> list[tuple[float, str]]:
    return [(tick.x, tick.label) for tick in sorted(chart.x_ticks, key=lambda t: t.x) if tick.label]


def test_the_time_axis_ends_on_the_snapshot_date_and_draws_nothing_after_it() -> None:
    snapshot = dt.date(2026, 4, 15)
    chart = over_time_svg(SERIES, snapshot_date=snapshot)  # SERIES runs to 1 May
    left, _, right, _ = chart.plot
    x, label = labelled(chart)[-1]
    assert label == day_label(snapshot) and x == pytest.approx(right, abs=0.01)
    assert all(tick.x <= right + 0.01 for tick in chart.x_ticks)
    assert len(chart.lines) == 3
    for points in chart.lines.values():
        assert len(points) == 4  # 1 January to 1 April; 1 May is after the snapshot
        assert all(left - 0.01 <= px <= right + 0.01 for px, _ in points)


SPANS = [
    (dt.date(2026, 11, 7), dt.date(2026, 12, 6)),  # demo --nights 30 on 6 December
    (dt.date(2026, 12, 3), dt.date(2026, 12, 6)),
    (dt.date(2026, 10, 20), dt.date(2027, 1, 10)),
    (dt.date(2026, 1, 1), dt.date(2026, 12, 6)),
    (dt.date(2025, 3, 12), dt.date(2026, 12, 6)),
    (dt.date(2014, 6, 1), dt.date(2026, 12, 6)),
]


@pytest.mark.parametrize(("first", "last"), SPANS)
def test_date_labels_name_months_and_years_and_read_true(first: dt.date, last: dt.date) -> None:
    chart = over_time_svg(nightly(first, last), snapshot_date=last)
    ticks = labelled(chart)
    assert len(ticks) >= 2
    dates = dates_of_labels([label for _, label in ticks])  # fails on a label naming neither
    assert dates == sorted(dates) and dates[-1] == last
    assert min(first, last - dt.timedelta(days=7)) <= dates[0]
    # Read back on the axis, every label is where its date is (a linear time axis).
    (x0, d0), (x1, d1) = (ticks[0][0], dates[0]), (ticks[-1][0], dates[-1])
    for (x, _), day in zip(ticks, dates, strict=True):
        expected = x0 + (x1 - x0) * (day - d0).days / (d1 - d0).days
        assert x == pytest.approx(expected, abs=0.5)
    # Every month the axis shows is named when it shows months: November for the demo's 30
    # nights, which a concise axis left as "08", "15", "22".
    if (last - first).days <= 122:
        shown = {MONTH_NAMES[d.month - 1] for d in (first, last)}
        assert shown <= {label.split()[1] for _, label in ticks if len(label.split()) > 1}
    # Labels do not run into each other: 12 px text, at most 8 characters a line.
    gaps = [b - a for (a, _), (b, _) in itertools.pairwise(ticks)]
    assert min(gaps) >= 45


MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def test_yearly_totals_close_their_year_and_the_current_year_is_drawn_partial() -> None:
    snapshot = dt.date(2026, 12, 6)
    per_year = pd.Series({2019: 10, 2020: 20, 2022: 30, 2026: 7, 2027: 1})
    series = yearly_running_totals(per_year, snapshot).assign(label="P")
    chart = over_time_svg(series, snapshot_date=snapshot, source="citations_by_year")
    whole, partial = chart.lines["series-0"], chart.lines["series-0-partial"]
    assert len(whole) == 1 + 7 and len(partial) == 2  # 0 on 1 Jan 2019, 2019..2025, 2026 so far
    assert partial[0] == whole[-1]
    left, _, right, _ = chart.plot
    assert partial[1][0] == pytest.approx(right, abs=0.01)
    # The year boundaries are the unlabelled ticks; each year's total sits on the one after
    # its year's label (31 December, a day before it), never under the next year's label.
    bounds = sorted(t.x for t in chart.x_ticks if not t.label)
    years = sorted((t.x, t.label) for t in chart.x_ticks if t.label.isdigit())
    per_day = (right - left) / (snapshot - dt.date(2019, 1, 1)).days
    # 2026's label would run into the snapshot date's, 6 Dec 2026, and is left out.
    assert [label for _, label in years] == [str(y) for y in range(2019, 2026)]
    for (x, _), (label_x, label) in zip(whole[1:], years, strict=False):
        after = min(b for b in bounds if b > label_x)
        assert after - 1.5 * per_day <= x <= after - 0.5 * per_day, label
    # The running totals 10, 30, 30, 60, 60, 60, 60, then 68 (2027's citing paper counted).
    heights = [y for _, y in [*whole[1:], partial[1]]]
    assert heights == sorted(heights, reverse=True)  # SVG y grows downwards: never falls
    assert heights[1] == heights[2] and heights[3] == heights[6]  # no citing paper: flat
    figure = citations_over_time_chart(series, snapshot_date=snapshot, source="citations_by_year")
    svg = svg_bytes(figure)
    assert b"stroke-dasharray" in svg.split(b'id="series-0-partial"')[1].split(b"</g>")[0]
    note = " ".join(chart.texts)
    assert "running total at each year's end" in note and "2026 so far, to 6 Dec" in note


@pytest.mark.parametrize("name", BUILDERS)
def test_svg_is_drawn_for_the_report_size_with_legible_text(name: str) -> None:
    first = svg_bytes(BUILDERS[name](True))
    with matplotlib.rc_context({"font.size": 20, "svg.fonttype": "path", "svg.hashsalt": None}):
        second = svg_bytes(BUILDERS[name](True))
    assert first == second
    chart = read_chart(first)
    assert chart.size == tuple(float(n) for n in DISPLAY_SIZE)
    assert chart.width_attribute == str(DISPLAY_SIZE[0])
    tick_fonts = [f for tick in [*chart.x_ticks, *chart.y_ticks] for f in tick.font_px]
    assert tick_fonts and min(tick_fonts) >= 12
    every_font = [float(f) for f in re.findall(rb"font-size: ([0-9.]+)px", first)]
    assert min(every_font) >= 11
    assert b"<dc:date>" not in first and b"Matplotlib" not in first
