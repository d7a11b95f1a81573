"""The four PNG charts of `awesome-enrich trends`: citation velocity, citations over time, GitHub
stars against citations, and entries per section.

Functions take pandas DataFrames and return matplotlib `Figure`s built with the object API (no
pyplot, no global state); `png_bytes` renders one. Everything is drawn under a fixed style with
a fixed size and dpi and no version metadata, so the same input gives the same PNG bytes.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from typing import Any, ParamSpec

import matplotlib.style
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

SYNTHETIC_LABEL = "SYNTHETIC DATA (local fake API, not real)"
NO_DATA_TEXT = "no data yet"
FIGURE_SIZE = (9.0, 5.5)  # inches
DPI = 120
LABEL_LIMIT = 40
ANNOTATED_POINTS = 5

# Start from matplotlib's defaults so the user's matplotlibrc cannot change the output.
_STYLE: list[str | dict[str, Any]] = [
    "default",
    {
        "font.family": "DejaVu Sans",  # bundled with matplotlib, so the same on every machine
        "font.size": 10,
        "axes.titlesize": 12,
        "axes.labelsize": 10,
        "xtick.labelsize": 9,
        "ytick.labelsize": 9,
        "legend.fontsize": 9,
        "axes.grid": True,
        "axes.axisbelow": True,
        "grid.color": "#dddddd",
        "figure.facecolor": "white",
        "savefig.facecolor": "white",
        "text.usetex": False,
        "text.parse_math": True,  # labels escape `$` themselves (see `_display_label`)
        "date.converter": "concise",  # date axes get a ConciseDateFormatter
    },
]

_P = ParamSpec("_P")


def _fixed_style(build: Callable[_P, Figure]) -> Callable[_P, Figure]:
    # Text objects read rcParams when they are created, so the style must wrap the building.
    @functools.wraps(build)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> Figure:
        with matplotlib.style.context(_STYLE):
            return build(*args, **kwargs)

    return wrapper


def _display_label(text: object, limit: int = LABEL_LIMIT) -> str:
    """One line, at most `limit` characters, with `$` escaped so it is drawn literally."""
    label = " ".join(str(text).split())
    if len(label) > limit:
        label = label[: limit - 1].rstrip() + "…"
    return label.replace("$", r"\$")


def _new_figure(synthetic: bool) -> tuple[Figure, Axes]:
    figure = Figure(figsize=FIGURE_SIZE, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    if synthetic:
        figure.suptitle(SYNTHETIC_LABEL, color="#b00020", fontsize=12, fontweight="bold")
    return figure, figure.add_subplot()


def _show_no_data(axes: Axes) -> None:
    axes.text(
        0.5,
        0.5,
        NO_DATA_TEXT,
        transform=axes.transAxes,
        ha="center",
        va="center",
        fontsize=14,
        color="#666666",
    )
    axes.set_xticks([])
    axes.set_yticks([])


def _numbers(frame: pd.DataFrame, column: str) -> pd.Series:
    """A numeric column as float64, with NaN for nulls (also for nullable Int64)."""
    return pd.to_numeric(frame[column], errors="coerce").astype("float64")


@_fixed_style
def velocity_chart(trends: pd.DataFrame, top: int = 15, synthetic: bool = False) -> Figure:
    """Horizontal bars of the `top` papers by citation velocity, largest at the top.

    With a single snapshot every velocity is NaN; then citations per month since publication
    stand in, and the title and x label say so.
    """
    figure, axes = _new_figure(synthetic)
    title = "Top papers by citation velocity"
    xlabel = "Citations per 30 days (last 30 days)"
    rows = pd.DataFrame()
    if len(trends):
        rows = trends.assign(value=_numbers(trends, "citation_velocity"))
        if rows["value"].isna().all():
            title = "Top papers by citations per month (no velocity yet: one snapshot)"
            xlabel = "Citations per month since publication"
            rows = trends.assign(value=_numbers(trends, "citations_per_month"))
        rows = rows.dropna(subset=["value"]).assign(
            label=lambda r: r["label"].astype(str), entry_id=lambda r: r["entry_id"].astype(str)
        )
        rows = rows.sort_values(
            ["value", "label", "entry_id"], ascending=[False, True, True], kind="mergesort"
        ).head(top)
    axes.set_title(title)
    axes.set_xlabel(xlabel)
    if rows.empty:
        _show_no_data(axes)
        return figure
    positions = range(len(rows))
    bars = axes.barh(positions, rows["value"].to_numpy(), color="#4c72b0")
    axes.set_yticks(positions, labels=[_display_label(label) for label in rows["label"]])
    axes.invert_yaxis()  # the first (largest) row at the top
    axes.bar_label(bars, fmt="%.1f", padding=3, fontsize=8)
    axes.grid(axis="y", visible=False)
    return figure


@_fixed_style
def citations_over_time_chart(series: pd.DataFrame, synthetic: bool = False) -> Figure:
    """One line of cumulative citations per label, the legend ordered by latest count."""
    figure, axes = _new_figure(synthetic)
    axes.set_title("Citations over time (top papers)")
    axes.set_xlabel("Date")
    axes.set_ylabel("Citations")
    if series.empty:
        _show_no_data(axes)
        return figure
    points = series.assign(
        label=series["label"].astype(str),
        date=pd.to_datetime(series["date"]),
        citations=_numbers(series, "citations"),
    ).sort_values(["label", "date"], kind="mergesort")
    latest = points.groupby("label", sort=True)["citations"].last()
    order = sorted(latest.index, key=lambda label: (-latest[label], label))
    handles: list[Line2D] = []
    for label in order:
        line = points[points["label"] == label]
        (handle,) = axes.plot(
            line["date"].to_numpy(), line["citations"].to_numpy(), marker="o", markersize=3
        )
        handles.append(handle)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    # Explicit labels: matplotlib would silently drop a legend label starting with "_".
    axes.legend(handles, [_display_label(label) for label in order], loc="upper left")
    return figure


@_fixed_style
def stars_vs_citations_chart(trends: pd.DataFrame, synthetic: bool = False) -> Figure:
    """Stars against citations on log scales; rows without both values above 0 are left out."""
    figure, axes = _new_figure(synthetic)
    axes.set_title("GitHub stars against citations")
    axes.set_xlabel("Citations (log scale)")
    axes.set_ylabel("Stars (log scale)")
    points = pd.DataFrame()
    if len(trends):
        points = trends.assign(
            x=_numbers(trends, "citation_count"),
            y=_numbers(trends, "stars"),
            label=trends["label"].astype(str),
            entry_id=trends["entry_id"].astype(str),
        )
        points = points[(points["x"] > 0) & (points["y"] > 0)]
    figure.supxlabel(
        f"{len(points)} shown, {len(trends) - len(points)} without both values",
        fontsize=9,
        color="#444444",
    )
    if points.empty:
        _show_no_data(axes)
        return figure
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.scatter(points["x"].to_numpy(), points["y"].to_numpy(), s=24, alpha=0.7, color="#4c72b0")
    most_cited = points.sort_values(
        ["x", "label", "entry_id"], ascending=[False, True, True], kind="mergesort"
    ).head(ANNOTATED_POINTS)
    for row in most_cited.itertuples():
        axes.annotate(
            _display_label(row.label, limit=30),
            (row.x, row.y),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=8,
        )
    return figure


@_fixed_style
def entries_per_section_chart(trends: pd.DataFrame, synthetic: bool = False) -> Figure:
    """Bars of the number of entries in each section, sections in sorted order."""
    figure, axes = _new_figure(synthetic)
    axes.set_title("Entries per section")
    axes.set_xlabel("Section")
    axes.set_ylabel("Entries")
    if trends.empty:
        _show_no_data(axes)
        return figure
    counts = trends["section"].fillna("").astype(str).value_counts().sort_index()
    positions = range(len(counts))
    axes.bar(positions, counts.to_numpy(), color="#4c72b0")
    many = len(counts) > 10
    axes.set_xticks(
        positions,
        labels=[_display_label(section or "(none)", limit=20) for section in counts.index],
        rotation=45 if many else 0,
        ha="right" if many else "center",
    )
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="x", visible=False)
    return figure


def png_bytes(figure: Figure) -> bytes:
    """The figure as PNG bytes: fixed dpi, no `Software` metadata, so reproducible."""
    buffer = io.BytesIO()
    # Ticks can be created at draw time, so they too must see the fixed style.
    with matplotlib.style.context(_STYLE):
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
