from __future__ import annotations

import datetime as dt
import math
import struct
from collections.abc import Callable

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.cbook import is_math_text
from matplotlib.dates import ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from pipeline.analysis.charts import (
    DPI,
    FIGURE_SIZE,
    NO_DATA_TEXT,
    SYNTHETIC_LABEL,
    citations_over_time_chart,
    entries_per_section_chart,
    png_bytes,
    stars_vs_citations_chart,
    velocity_chart,
)

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
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("Date", "Citations")
    assert len(axes.get_lines()) == 3
    assert isinstance(axes.xaxis.get_major_formatter(), ConciseDateFormatter)
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


def test_nothing_plottable_in_the_scatter_still_counts_the_rows() -> None:
    figure = stars_vs_citations_chart(NOTHING_PLOTTABLE)
    assert figure.get_supxlabel() == "0 shown, 2 without both values"
