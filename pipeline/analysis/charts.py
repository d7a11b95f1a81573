"""The four charts of `awesome-enrich trends`: citation velocity, citations over time, GitHub
stars against citations, and entries per section.

Functions take pandas DataFrames and return matplotlib `Figure`s built with the object API (no
pyplot, no global state); `svg_bytes` renders one as the SVG the run writes (charts/*.svg) and
report.html shows, `png_bytes` as a PNG. Everything is drawn under a fixed style with a fixed
size and no version metadata, so the same input gives the same bytes.

The size is the size report.html shows them at: DISPLAY_SIZE CSS pixels, one SVG unit a CSS
pixel, so the font sizes below are the pixels a reader sees (12 px axis labels) on a screen
wide enough for two charts side by side; narrower screens scale them down.

Dates on a time axis are named: months and years in words, the year on the first tick and
wherever it changes, and the axis ends on a tick at the snapshot date (never after it).
"""

from __future__ import annotations

import functools
import io
import math
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, ParamSpec

import matplotlib.style
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import date2num
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter

SYNTHETIC_LABEL = "SYNTHETIC DATA (local fake API, not real)"
NO_DATA_TEXT = "no data yet"
DISPLAY_SIZE = (560, 350)  # CSS pixels: the size report.html shows a chart at
FIGURE_SIZE = (DISPLAY_SIZE[0] / 72, DISPLAY_SIZE[1] / 72)  # inches: an SVG unit is 1/72 inch
DPI = 144  # a PNG is twice the display size, sharp on high-density screens
LABEL_LIMIT = 40
LEGEND_LIMIT = 28  # legend entries: the legend sits inside the plot
ANNOTATED_POINTS = 5
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MAX_DATE_TICKS = 6  # regular ticks on a time axis, besides the snapshot date's
LABEL_GAP = 0.1  # no date label nearer the snapshot date's than this share of the axis

# Start from matplotlib's defaults so the user's matplotlibrc cannot change the output.
_STYLE: list[str | dict[str, Any]] = [
    "default",
    {
        # DejaVu Sans is bundled with matplotlib, so the layout is the same on every machine; an
        # SVG names it first and falls back to the browser's sans-serif fonts.
        "font.family": ["DejaVu Sans", "sans-serif"],
        "font.size": 12,
        "axes.titlesize": 14,
        "axes.labelsize": 12,
        "xtick.labelsize": 12,
        "ytick.labelsize": 12,
        "legend.fontsize": 11,
        "axes.grid": True,
        "axes.axisbelow": True,
        "grid.color": "#dddddd",
        "figure.facecolor": "white",
        "savefig.facecolor": "white",
        "text.usetex": False,
        "text.parse_math": True,  # labels escape `$` themselves (see `_display_label`)
        "svg.fonttype": "none",  # text stays text: selectable, sized in px, no glyph paths
        "svg.hashsalt": "awesome-enrich",  # fixed ids, so the same chart gives the same bytes
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
        figure.suptitle(SYNTHETIC_LABEL, color="#b00020", fontsize=13, fontweight="bold")
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
            title = "Top by citations per month (one snapshot: no velocity)"
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
    axes.bar_label(bars, fmt="%.1f", padding=3, fontsize=11)
    axes.grid(axis="y", visible=False)
    return figure


def _day_label(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]}"


def _date_ticks(first: date, last: date) -> list[tuple[date, str]]:
    """Ticks for a time axis from `first` to `last` (the snapshot date), with their labels.

    Weeks (Mondays, "9 Nov") up to four months, months ("Nov") up to four years, else years
    ("2024"); at most MAX_DATE_TICKS of them, the year under the first label and wherever it
    changes; then a last tick at `last` itself ("6 Dec" over its year). A regular tick too
    close to that last one is left out, so no two labels overlap."""
    span = (last - first).days
    ticks: list[date] = []
    if span <= 122:
        step = max(1, math.ceil(span / 7 / MAX_DATE_TICKS))
        monday = first + timedelta(days=-first.weekday() % 7)
        ticks = [monday + timedelta(weeks=step * i) for i in range(span // 7 + 1)]
    elif span <= 4 * 366:
        months = span / 30.4
        step = next(n for n in (1, 2, 3, 4, 6, 12) if months / n <= MAX_DATE_TICKS)
        index = first.year * 12 + first.month - 1 + (first.day != 1)  # the first month start
        while (day := date(index // 12, index % 12 + 1, 1)) <= last:
            if index % step == 0:
                ticks.append(day)
            index += 1
    else:
        years = span / 365.25
        step = next(n for n in (1, 2, 5, 10, 20, 50, 100) if years / n <= MAX_DATE_TICKS)
        start = first.year + (0 if (first.month, first.day) == (1, 1) else 1)
        ticks = [date(y, 1, 1) for y in range(start, last.year + 1) if y % step == 0]
    gap = timedelta(days=max(1, round(span * LABEL_GAP)))
    ticks = [day for day in ticks if first <= day <= last - gap]
    labels: list[tuple[date, str]] = []
    year = None
    for day in ticks:
        if span > 4 * 366:
            text = str(day.year)
        else:
            text = MONTHS[day.month - 1] if span > 122 else _day_label(day)
            text += f"\n{day.year}" if day.year != year else ""
        year = day.year
        labels.append((day, text))
    labels.append((last, f"{_day_label(last)}\n{last.year}"))
    return labels


def _x(day: date) -> float:
    """A date as matplotlib's x coordinate."""
    return float(date2num(day))  # type: ignore[no-untyped-call]


def _date_axis(axes: Axes, first: date, last: date) -> None:
    """The x axis from `first` to `last`, ticks named by `_date_ticks`."""
    ticks = _date_ticks(first, last)
    axes.set_xlim(_x(first), _x(last))
    axes.set_xticks([_x(day) for day, _ in ticks], labels=[text for _, text in ticks])


def _year_axis(axes: Axes, first: date, last: date) -> None:
    """The x axis of yearly running totals: a tick at each 1 January, unlabelled, each year's
    label centred on its span, so a total drawn on 31 December sits at the end of its year's
    label, not under the next year's; the last tick at `last`, the snapshot date."""
    years = range(first.year, last.year + 1)
    step = next(n for n in (1, 2, 5, 10, 20, 50) if len(years) / n <= 2 * MAX_DATE_TICKS)
    gap = timedelta(days=max(1, round((last - first).days * LABEL_GAP)))
    bounds = [date(y, 1, 1) for y in years if first < date(y, 1, 1) < last]
    axes.set_xlim(_x(first), _x(last))
    axes.set_xticks(
        [*(_x(day) for day in bounds), _x(last)],
        labels=[*([""] * len(bounds)), f"{_day_label(last)}\n{last.year}"],
    )
    middles = []
    for year in years:
        if year % step:
            continue
        start, end = max(first, date(year, 1, 1)), min(last, date(year, 12, 31))
        middle = start + (end - start) / 2
        if middle <= last - gap and (end - start).days > 120:
            middles.append((middle, str(year)))
    axes.set_xticks(
        [_x(day) for day, _ in middles], labels=[text for _, text in middles], minor=True
    )
    axes.tick_params(axis="x", which="minor", length=0)


def _as_day(value: object) -> date:
    day: date = pd.Timestamp(value).date()
    return day


@_fixed_style
def citations_over_time_chart(
    series: pd.DataFrame,
    synthetic: bool = False,
    *,
    snapshot_date: date | None = None,
    source: str = "snapshots",
) -> Figure:
    """One line of cumulative citations per label, the legend ordered by latest count.

    The x axis ends at `snapshot_date` (default: the series' last date); points after it are
    not drawn. A point with `partial` true (a year not over yet, from `source`
    "citations_by_year") is drawn open, on a dashed line, and the x label says so."""
    figure, axes = _new_figure(synthetic)
    axes.set_title("Citations over time (top papers)")
    axes.set_ylabel("Citations")
    if series.empty:
        axes.set_xlabel("Date")
        _show_no_data(axes)
        return figure
    points = series.assign(
        label=series["label"].astype(str),
        date=pd.to_datetime(series["date"]),
        citations=_numbers(series, "citations"),
        partial=(series["partial"].fillna(False).astype(bool) if "partial" in series else False),
    ).sort_values(["label", "date"], kind="mergesort")
    last = snapshot_date or _as_day(points["date"].max())
    points = points[points["date"] <= pd.Timestamp(last)]
    if points.empty:
        axes.set_xlabel("Date")
        _show_no_data(axes)
        return figure
    first = min(_as_day(points["date"].min()), last - timedelta(days=7))
    latest = points.groupby("label", sort=True)["citations"].last()
    order = sorted(latest.index, key=lambda label: (-latest[label], label))
    handles: list[Line2D] = []
    for number, label in enumerate(order):
        line = points[points["label"] == label]
        whole = line[~line["partial"]]
        (handle,) = axes.plot(
            whole["date"].to_numpy(),
            whole["citations"].to_numpy(),
            marker="o",
            markersize=4,
            clip_on=False,
            gid=f"series-{number}",
        )
        handles.append(handle)
        partial = line[line["partial"]]
        if len(partial):
            joined = pd.concat([whole.tail(1), partial])
            axes.plot(
                joined["date"].to_numpy(),
                joined["citations"].to_numpy(),
                linestyle="--",
                color=handle.get_color(),
                marker="o",
                markersize=5,
                markerfacecolor="white",
                markevery=list(range(len(joined) - len(partial), len(joined))),
                clip_on=False,
                gid=f"series-{number}-partial",
            )
    if source == "citations_by_year":
        _year_axis(axes, first, last)
    else:
        _date_axis(axes, first, last)
    axes.set_ylim(bottom=0 if source == "citations_by_year" else None)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel(_over_time_note(points, source, last))
    # Explicit labels: matplotlib would silently drop a legend label starting with "_".
    axes.legend(handles, [_display_label(label, LEGEND_LIMIT) for label in order], loc="best")
    return figure


def _over_time_note(points: pd.DataFrame, source: str, last: date) -> str:
    """The x label: where the points come from, and what the partial ones are."""
    if source != "citations_by_year":
        nights = points["date"].nunique()
        return f"{nights} nightly snapshot{'s' if nights != 1 else ''} (S2 citation counts)"
    note = "Citing papers (S2), running total at each year's end"
    if points["partial"].any():
        note += f";\n{last.year} so far, to {_day_label(last)}: dashed, open circles"
    return note


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
        fontsize=11,
        color="#444444",
    )
    if points.empty:
        _show_no_data(axes)
        return figure
    axes.set_xscale("log")
    axes.set_yscale("log")
    for axis in (axes.xaxis, axes.yaxis):  # 200, 500, 1,000: plain numbers, not 10^3
        axis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
        axis.set_minor_formatter(NullFormatter())
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
            fontsize=11,
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


def svg_bytes(figure: Figure) -> bytes:
    """The figure as SVG bytes, DISPLAY_SIZE CSS pixels wide and high (matplotlib says points,
    which a browser would show a third larger), text as <text> elements sized in px; no date or
    `Creator` metadata and fixed ids, so reproducible."""
    buffer = io.BytesIO()
    with matplotlib.style.context(_STYLE):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    head, _, rest = buffer.getvalue().partition(b"<metadata>")
    head = re.sub(rb' (width|height)="([0-9.]+)pt"', rb' \1="\2"', head, count=2)
    return head + b"<metadata>" + rest
