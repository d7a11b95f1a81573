"""A chart read back from its SVG file, as a reader sees it: the plot's box, the x axis's ticks
with their labels, each line's points, the font sizes. Not from the code that drew it: the
tests of the demo's charts check what the files show."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from xml.etree import ElementTree

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_FONT = re.compile(r"font-size:\s*([0-9.]+)px")
_TRANSLATE = re.compile(r"translate\(([-0-9.]+)")
_NUMBER = re.compile(r"-?[0-9.]+")


@dataclass(frozen=True)
class Tick:
    x: float
    label: str  # its lines joined by "\n"; "" when unlabelled
    font_px: tuple[float, ...]  # of each line, in SVG units


@dataclass(frozen=True)
class Chart:
    size: tuple[float, float]  # the viewBox's width and height
    width_attribute: str  # the <svg> width, as written
    plot: tuple[float, float, float, float]  # left, top, right, bottom of the axes' box
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    lines: dict[str, list[tuple[float, float]]]  # a line's id (series-N...) -> its vertices
    texts: list[str]


def _groups(root: ElementTree.Element, prefix: str) -> list[ElementTree.Element]:
    return [g for g in root.iter(f"{SVG}g") if (g.get("id") or "").startswith(prefix)]


def _tick(group: ElementTree.Element) -> Tick:
    texts = list(group.iter(f"{SVG}text"))
    mark = next(group.iter(f"{SVG}use"), None)
    if mark is not None:
        x = float(mark.get("x", "nan"))
    elif texts and texts[0].get("x") is not None:
        x = float(texts[0].get("x", "nan"))
    else:
        found = _TRANSLATE.search(texts[0].get("transform", "")) if texts else None
        x = float(found[1]) if found else float("nan")
    fonts = tuple(float(m[1]) for t in texts if (m := _FONT.search(t.get("style", ""))))
    return Tick(x, "\n".join(t.text or "" for t in texts), fonts)


def _vertices(path: str) -> list[tuple[float, float]]:
    numbers = [float(n) for n in _NUMBER.findall(path)]
    return list(zip(numbers[0::2], numbers[1::2], strict=True))


def read_chart(data: bytes) -> Chart:
    root = ElementTree.fromstring(data)  # noqa: S314 (a chart this project drew)
    box = [float(n) for n in root.get("viewBox", "").split()]
    (axes,) = _groups(root, "axes_")
    background = next(axes.iter(f"{SVG}path"))
    xs, ys = zip(*_vertices(background.get("d", "")), strict=True)
    (x_axis,) = _groups(axes, "matplotlib.axis_1")
    (y_axis,) = _groups(axes, "matplotlib.axis_2")
    lines = {
        str(g.get("id")): _vertices(next(g.iter(f"{SVG}path")).get("d", ""))
        for g in _groups(axes, "series-")
    }
    return Chart(
        size=(box[2], box[3]),
        width_attribute=root.get("width", ""),
        plot=(min(xs), min(ys), max(xs), max(ys)),
        x_ticks=[_tick(g) for g in _groups(x_axis, "xtick_")],
        y_ticks=[_tick(g) for g in _groups(y_axis, "ytick_")],
        lines=lines,
        texts=[t.text or "" for t in root.iter(f"{SVG}text")],
    )


def day_label(day: date) -> str:
    """How a chart names a date: "6 Dec" over its year."""
    return f"{day.day} {MONTHS[day.month - 1]}\n{day.year}"


def dates_of_labels(labels: list[str]) -> list[date]:
    """The dates a reader takes from a time axis's labels, left to right: "2024" is 1 January,
    "Nov" the 1st of the month, "9 Nov" that day; the year from the nearest label to the left
    that names one. A label that names neither a month nor a year fails."""
    dates: list[date] = []
    year: int | None = None
    for label in labels:
        words = label.split()
        if words and words[-1].isdigit() and len(words[-1]) == 4:
            year = int(words.pop())
        assert year is not None, f"no year named by {label!r} or before it"
        if not words:
            dates.append(date(year, 1, 1))
        elif len(words) == 1 and words[0] in MONTHS:
            dates.append(date(year, MONTHS.index(words[0]) + 1, 1))
        else:
            day, month = words
            assert month in MONTHS, label
            dates.append(date(year, MONTHS.index(month) + 1, int(day)))
    return dates


def x_of(chart: Chart, day: date, ticks: list[tuple[float, date]]) -> float:
    """`day` on the x axis, from two of its dated ticks (a linear time axis)."""
    (x0, d0), (x1, d1) = ticks[0], ticks[-1]
    return x0 + (x1 - x0) * (day - d0) / (d1 - d0) if d1 != d0 else x0


def days_per_unit(ticks: list[tuple[float, date]]) -> float:
    (x0, d0), (x1, d1) = ticks[0], ticks[-1]
    return (d1 - d0) / timedelta(days=1) / (x1 - x0)
