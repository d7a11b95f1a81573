"""report.html: one self-contained page of a run's results, built by pure functions.

What a reader can sort, filter and look at: the list's sections, a table of papers (citations,
30- and 365-day change, citations per year as a sparkline, stars, last commit, status), the
trend charts (the SVGs inlined as data URIs, shown at the size they are drawn for) and the
run's changes. No network: the styles and
the small script are inline, and the page's Content-Security-Policy allows nothing else (no
request leaves it; a script or style that is not ours would not run, hashes pin ours). Every
string from the list or an API is HTML-escaped: titles come from untrusted Markdown.
"""

from __future__ import annotations

import base64
import hashlib
import html
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pipeline.analysis.changes import Changes, Mover
from pipeline.core.lazy import lazy_module
from pipeline.listfile.regenerate import ARXIV_ONLY, ARXIV_ONLY_WHY, arxiv_only

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = lazy_module("pandas")

SPARK_YEARS = 8  # the sparkline's span: the last eight years with citing papers
CHART_TITLES = {
    "top_velocity": "Top papers by citation velocity",
    "citations_over_time": "Citations over time (top papers)",
    "stars_vs_citations": "GitHub stars against citations",
    "entries_per_section": "Entries per section",
}
GONE = {"not_found": "repository gone", "blocked": "repository blocked"}


@dataclass(frozen=True)
class ReportPaper:
    position: int
    title: str
    section: str | None
    abbreviation: str | None = None
    venue: str | None = None
    year: int | None = None
    paper_url: str | None = None
    citations: int | None = None
    delta_30d: int | None = None
    delta_365d: int | None = None
    per_year: tuple[tuple[int, int], ...] = ()  # (year, citing papers), oldest first
    year_so_far: date | None = None  # the last year of `per_year` is partial: to this date
    stars: int | None = None
    repo: str | None = None
    last_commit: date | None = None
    status: tuple[str, ...] = ()
    trending: bool = False
    arxiv_only: bool = False  # no citation count: known to arXiv alone (regenerate.arxiv_only)


@dataclass(frozen=True)
class Report:
    title: str
    snapshot_date: date
    papers: list[ReportPaper]
    changes: Changes | None = None
    charts: dict[str, bytes] = field(default_factory=dict)  # chart name -> SVG (or PNG) bytes
    synthetic: bool = False
    synthetic_banner: str = ""
    snapshots: int = 1  # snapshots in the history the trends come from
    star_trends: str = ""  # the star trends section's HTML, escaped (star_report.py)


def _value(value: Any) -> Any:
    """None for every kind of missing value (None, NaN, pd.NA, NaT)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _int(value: Any) -> int | None:
    value = _value(value)
    return None if value is None else int(value)


def _text(value: Any) -> str | None:
    value = _value(value)
    return None if value is None else str(value)


def _day(value: Any) -> date | None:
    value = _value(value)
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def per_year_citations(
    citations: pd.DataFrame | None, until: date | None = None
) -> dict[str, tuple[tuple[int, int], ...]]:
    """Citing papers per year for each S2 paper: the year's total (rows of every granularity),
    the last SPARK_YEARS years, oldest first; the years between filled with 0. With `until`
    (the snapshot date), the years run to its year, and the citing papers S2 dates later count
    in it: no year after the snapshot's."""
    if citations is None or citations.empty:
        return {}
    dated = citations[citations["year"].notna()]
    totals = dated.groupby(["s2_paper_id", "year"])["citations"].sum()
    series: dict[str, tuple[tuple[int, int], ...]] = {}
    for paper, counts in totals.groupby(level=0):
        by_year: dict[int, int] = {}
        for (_, year), n in counts.items():
            shown = int(year) if until is None else min(int(year), until.year)
            by_year[shown] = by_year.get(shown, 0) + int(n)
        last = max(by_year) if until is None else until.year
        first = max(min(by_year), last - SPARK_YEARS + 1)
        series[str(paper)] = tuple((y, by_year.get(y, 0)) for y in range(first, last + 1))
    return series


def _status(row: Mapping[str, Any], day: date) -> tuple[str, ...]:
    status = []
    if row.get("match_method") == "unresolved":
        status.append("unresolved")
    repo_status = _text(row.get("repo_status"))
    if repo_status in GONE:
        status.append(GONE[repo_status])
    elif repo_status == "renamed":
        status.append("repository renamed")
    elif repo_status == "empty":
        status.append("repository empty")
    if _value(row.get("archived")) is True:
        status.append("archived")
    last = _day(row.get("last_commit_at"))
    if last is not None and repo_status not in GONE and (day - last).days > 365:
        status.append("stale")
    return tuple(status)


def report_papers(
    rows: Iterable[Mapping[str, Any]],
    trends: pd.DataFrame | None,
    citations: pd.DataFrame | None,
    day: date,
) -> list[ReportPaper]:
    """The table's rows: the enriched rows (list order) with their trends and citation years."""
    by_entry: dict[str, Mapping[str, Any]] = {}
    if trends is not None and not trends.empty:
        by_entry = {str(r["entry_id"]): r for r in trends.to_dict("records")}
    years = per_year_citations(citations, until=day)
    papers = []
    for row in sorted(rows, key=lambda r: int(r["position"])):
        trend = by_entry.get(str(row["entry_id"]), {})
        paper_id = _text(row.get("s2_paper_id"))
        papers.append(
            ReportPaper(
                position=int(row["position"]),
                title=str(row["title"]),
                section=_text(row.get("section")),
                abbreviation=_text(row.get("abbreviation")),
                venue=_text(row.get("venue")),
                year=_int(row.get("year")),
                paper_url=_text(row.get("paper_url")),
                citations=_int(row.get("citation_count")),
                delta_30d=_int(trend.get("citations_delta_30d")),
                delta_365d=_int(trend.get("citations_delta_365d")),
                per_year=years.get(paper_id, ()) if paper_id else (),
                year_so_far=None if (day.month, day.day) == (12, 31) else day,
                stars=_int(row.get("stars")),
                repo=_text(row.get("repo")),
                last_commit=_day(row.get("last_commit_at")),
                status=_status(row, day),
                trending=bool(_value(trend.get("trending")) or False),
                arxiv_only=arxiv_only({k: _value(v) for k, v in row.items()}),
            )
        )
    return papers


# --- HTML ------------------------------------------------------------------------------------


def esc(value: object) -> str:
    """HTML-escaped text, quotes included (safe in element content and quoted attributes)."""
    return html.escape(str(value), quote=True)


def _safe_url(url: str | None) -> str | None:
    """Only http(s) links are kept (no javascript:, data: or relative URLs from a list)."""
    if not url:
        return None
    lowered = url.strip().lower()
    return url.strip() if lowered.startswith(("https://", "http://")) else None


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def sparkline(
    per_year: Sequence[tuple[int, int]],
    width: int = 96,
    height: int = 22,
    so_far: date | None = None,
) -> str:
    """An inline SVG of citing papers per year, with the numbers in its <title>. When the last
    year is `so_far`'s year (not over yet), its point is an open circle on a dashed segment,
    and the title says the year so far."""
    if not per_year:
        return ""
    peak = max(n for _, n in per_year) or 1
    step = width / max(1, len(per_year) - 1)
    xy = [
        (f"{i * step:.1f}", f"{height - 2 - (n / peak) * (height - 4):.1f}")
        for i, (_, n) in enumerate(per_year)
    ]
    partial = so_far is not None and per_year[-1][0] == so_far.year and len(per_year) > 1
    names = [str(year) for year, _ in per_year]
    if partial and so_far is not None:
        names[-1] = f"{so_far.year} so far (to {so_far.day} {MONTHS[so_far.month - 1]})"
    label = ", ".join(f"{name}: {n}" for name, (_, n) in zip(names, per_year, strict=True))
    whole = xy[:-1] if partial else xy
    last_x, last_y = xy[-1]
    parts = [
        f'<polyline fill="none" stroke="currentColor" stroke-width="1.5" '
        f'points="{" ".join(f"{x},{y}" for x, y in whole)}"/>'
    ]
    if partial:
        parts.append(
            f'<polyline class="so-far" fill="none" stroke="currentColor" stroke-width="1.5" '
            f'stroke-dasharray="3 2" points="{whole[-1][0]},{whole[-1][1]} {last_x},{last_y}"/>'
            f'<circle cx="{last_x}" cy="{last_y}" r="2" fill="#fff" stroke="currentColor"/>'
        )
    else:
        parts.append(f'<circle cx="{last_x}" cy="{last_y}" r="2" fill="currentColor"/>')
    return (
        f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="citations per year: {esc(label)}">'
        f"<title>citations per year: {esc(label)}</title>{''.join(parts)}</svg>"
    )


def _number_cell(value: int | None, *, signed: bool = False, plain: bool = False) -> str:
    if value is None:
        return '<td class="num" data-v="">&ndash;</td>'
    shown = str(value) if plain else f"{value:+,}" if signed else f"{value:,}"
    css = " up" if signed and value > 0 else " down" if signed and value < 0 else ""
    return f'<td class="num{css}" data-v="{value}">{shown}</td>'


def _paper_row(paper: ReportPaper) -> str:
    url = _safe_url(paper.paper_url)
    title = esc(paper.title)
    title_html = f'<a href="{esc(url)}" rel="noreferrer">{title}</a>' if url else title
    about = " · ".join(esc(x) for x in (paper.abbreviation, paper.venue) if x)
    repo = (
        f'<a href="https://github.com/{esc(paper.repo)}" rel="noreferrer">{esc(paper.repo)}</a>'
        if paper.repo and paper.repo.count("/") == 1
        else esc(paper.repo or "")
    )
    searchable = " ".join(
        x for x in (paper.title, paper.abbreviation, paper.venue, paper.section, paper.repo) if x
    ).casefold()
    last = paper.last_commit
    trend_mark = (
        ' <span class="badge hot" title="trending">trending</span>' if paper.trending else ""
    )
    spark_total = sum(n for _, n in paper.per_year[-1:])
    return "".join(
        [
            f'<tr data-section="{esc(paper.section or "")}" data-text="{esc(searchable)}" '
            f'data-pos="{paper.position}">',
            f'<td class="title" data-v="{esc(paper.title.casefold())}">{title_html}{trend_mark}'
            + (f'<div class="about">{about}</div>' if about else "")
            + "</td>",
            f'<td data-v="{esc(paper.section or "")}">{esc(paper.section or "")}</td>',
            _number_cell(paper.year, plain=True),
            (
                f'<td class="num" data-v="" title="{esc(ARXIV_ONLY_WHY)}">'
                f'<span class="muted">{esc(ARXIV_ONLY)}</span></td>'
                if paper.arxiv_only
                else _number_cell(paper.citations)
            ),
            _number_cell(paper.delta_30d, signed=True),
            _number_cell(paper.delta_365d, signed=True),
            f'<td data-v="{spark_total if paper.per_year else ""}">'
            f"{sparkline(paper.per_year, so_far=paper.year_so_far)}</td>",
            _number_cell(paper.stars),
            f'<td data-v="{last.isoformat() if last else ""}">'
            f"{last.isoformat() if last else '&ndash;'}</td>",
            f'<td data-v="{esc(paper.repo or "")}">{repo}</td>',
            f'<td data-v="{esc(" ".join(paper.status))}">'
            + "".join(f'<span class="badge">{esc(s)}</span>' for s in paper.status)
            + "</td>",
            "</tr>",
        ]
    )


COLUMNS = [  # (heading, kind): kind "num" sorts numerically, "text" alphabetically
    ("Title", "text"),
    ("Section", "text"),
    ("Year", "num"),
    ("Citations", "num"),
    ("30 days", "num"),
    ("365 days", "num"),
    ("Per year", "num"),
    ("Stars", "num"),
    ("Last commit", "text"),
    ("Repository", "text"),
    ("Status", "text"),
]


def _papers_table(papers: Sequence[ReportPaper]) -> str:
    head = "".join(
        f'<th scope="col" data-kind="{kind}" aria-sort="none">'
        f'<button type="button" data-col="{i}">{esc(name)}</button></th>'
        for i, (name, kind) in enumerate(COLUMNS)
    )
    body = "\n".join(_paper_row(p) for p in papers)
    return (
        '<div class="table-wrap"><table id="papers">'
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table></div>"
    )


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def _sections(papers: Sequence[ReportPaper]) -> tuple[str, str]:
    """The sections block (buttons that filter the table) and the <select>'s options."""
    order: dict[str, list[ReportPaper]] = {}
    for paper in papers:
        order.setdefault(paper.section or "", []).append(paper)
    buttons = "".join(
        f'<li><button type="button" data-section-filter="{esc(name)}">{esc(name or "(none)")}'
        f' <span class="muted">{_count(len(group), "paper")}, '
        f"{sum(p.citations or 0 for p in group):,} citations</span></button></li>"
        for name, group in order.items()
    )
    options = '<option value="">All sections</option>' + "".join(
        f'<option value="{esc(name)}">{esc(name or "(none)")}</option>' for name in order
    )
    return f'<ul class="sections">{buttons}</ul>', options


def _entry(title: str, section: str | None) -> str:
    return f"{esc(title)} <span class='muted'>({esc(section)})</span>" if section else esc(title)


def _mover(mover: Mover) -> str:
    return (
        f"<li>{_entry(mover.title, mover.section)}: <b>{mover.delta:+,}</b> "
        f"({mover.before:,} → {mover.after:,})</li>"
    )


def changes_html(changes: Changes | None) -> str:
    """The run's changes (as changes.md says them), escaped."""
    if changes is None:
        return "<p>No changes recorded.</p>"
    parts = [f'<p class="warning"><b>Warning:</b> {esc(w)}</p>' for w in changes.warnings]
    if changes.previous_date is None:
        return "".join([*parts, f"<p>First snapshot: {changes.entries} entries.</p>"])
    parts.append(f"<p>Since the snapshot of {changes.previous_date.isoformat()}.</p>")
    groups = [
        ("New entries", [f"<li>{_entry(t, s)}</li>" for t, s in changes.added]),
        ("Removed entries", [f"<li>{_entry(t, s)}</li>" for t, s in changes.removed]),
        ("Citation movers", [_mover(m) for m in changes.citation_movers]),
        ("Star movers", [_mover(m) for m in changes.star_movers]),
        (
            "Repositories",
            [
                f"<li>{esc(c.repo)} ({esc(c.title)}): {esc(c.what)}"
                + (f", {esc(c.detail)}" if c.detail else "")
                + "</li>"
                for c in changes.repo_changes
            ],
        ),
        ("Newly unresolved", [f"<li>{_entry(t, s)}</li>" for t, s in changes.newly_unresolved]),
    ]
    happened = [(heading, items) for heading, items in groups if items]
    if not happened:
        parts.append("<p>No changes.</p>")
    for heading, items in happened:
        parts.append(f"<h3>{esc(heading)}</h3><ul>{''.join(items)}</ul>")
    kinds: dict[str, int] = {}
    for item in changes.not_refreshed:
        kinds[item.what] = kinds.get(item.what, 0) + 1
    if kinds:
        counts = ", ".join(f"{n} {esc(what)}" for what, n in kinds.items())
        parts.append(f"<p>Not refreshed this run (previous values kept): {counts}.</p>")
    return "".join(parts)


_VIEW_BOX = re.compile(rb'<svg[^>]*\sviewBox="0 0 ([0-9.]+) ([0-9.]+)"')


def _chart_image(chart: bytes) -> tuple[str, str]:
    """The data URI of a chart, and its size attributes: an SVG is shown one unit a CSS pixel
    (its text sizes are then the pixels a reader sees), scaled down only to fit the column."""
    data = base64.b64encode(chart).decode("ascii")
    if chart.startswith(b"\x89PNG"):
        return f"data:image/png;base64,{data}", ""
    box = _VIEW_BOX.search(chart[:2000])
    size = f' width="{round(float(box[1]))}" height="{round(float(box[2]))}"' if box else ""
    return f"data:image/svg+xml;base64,{data}", size


def _charts(charts: Mapping[str, bytes]) -> str:
    figures = []
    for name, chart in charts.items():
        caption = CHART_TITLES.get(name, name.replace("_", " "))
        uri, size = _chart_image(chart)
        figures.append(
            f'<figure data-chart="{esc(name)}"><img src="{uri}" alt="{esc(caption)}"{size} '
            f'loading="lazy"><figcaption>{esc(caption)}</figcaption></figure>'
        )
    return f'<div class="charts">{"".join(figures)}</div>' if figures else "<p>No charts.</p>"


STYLE = """
:root { color-scheme: light dark; --muted: #666; --line: #ddd; --up: #137333; --down: #b00020; }
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1200px; padding: 0 12px; }
header h1 { font-size: 1.4em; margin: 12px 0 4px; }
.banner { background: #b00020; color: #fff; font-weight: bold; padding: 8px 12px; margin: 0 -12px; }
.muted { color: var(--muted); font-size: .9em; }
nav a { margin-right: 12px; }
.controls { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 8px 0; }
.controls input, .controls select { font: inherit; padding: 4px 6px; max-width: 100%; }
.table-wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; width: 100%; font-size: .92em; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 6px; vertical-align: top; }
th button { font: inherit; font-weight: bold; background: none; border: 0; padding: 0;
  cursor: pointer; white-space: nowrap; color: inherit; }
th[aria-sort="ascending"] button::after { content: " \\25B2"; }
th[aria-sort="descending"] button::after { content: " \\25BC"; }
td.title { min-width: 16em; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.up { color: var(--up); } td.down { color: var(--down); }
.about { color: var(--muted); font-size: .85em; }
.badge { display: inline-block; border: 1px solid var(--line); border-radius: 8px;
  padding: 0 6px; margin: 1px 2px; font-size: .8em; white-space: nowrap; }
.badge.hot { border-color: #e37400; color: #e37400; }
.spark { color: #1a73e8; vertical-align: middle; }
.risers-wrap { display: flex; flex-wrap: wrap; gap: 16px; margin-bottom: 12px; }
table.risers { width: auto; } table.risers caption { text-align: left; font-weight: bold; }
ul.sections { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 6px; }
ul.sections button { font: inherit; padding: 4px 8px; border: 1px solid var(--line);
  border-radius: 6px; background: none; color: inherit; cursor: pointer; }
.charts { display: grid; gap: 16px;
  grid-template-columns: repeat(auto-fill, minmax(min(100%, 560px), 1fr)); }
.charts img { display: block; max-width: 100%; height: auto; background: #fff; }
figure { margin: 0; } figcaption { color: var(--muted); font-size: .9em; }
.warning { border-left: 4px solid var(--down); padding-left: 8px; }
@media (max-width: 600px) {
  body { font-size: 14px; padding: 0 8px; }
  .banner { margin: 0 -8px; }
  td.title { min-width: 12em; }
  #papers th:nth-child(2), #papers td:nth-child(2), #papers th:nth-child(3),
  #papers td:nth-child(3) { display: none; }
}
"""

SCRIPT = """
(function () {
  "use strict";
  var table = document.getElementById("papers");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var search = document.getElementById("filter");
  var section = document.getElementById("section");
  var count = document.getElementById("count");
  function apply() {
    var query = search.value.trim().toLowerCase();
    var wanted = section.value;
    var shown = 0;
    rows.forEach(function (row) {
      var ok = (!query || row.getAttribute("data-text").indexOf(query) !== -1) &&
        (!wanted || row.getAttribute("data-section") === wanted);
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = shown + " of " + rows.length + " papers";
  }
  function sortBy(header, column) {
    var numeric = header.getAttribute("data-kind") === "num";
    var order = header.getAttribute("aria-sort") === "descending" ? "ascending" : "descending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
      cell.setAttribute("aria-sort", "none");
    });
    header.setAttribute("aria-sort", order);
    var sign = order === "ascending" ? 1 : -1;
    rows.sort(function (a, b) {
      var x = a.cells[column].getAttribute("data-v");
      var y = b.cells[column].getAttribute("data-v");
      var byPosition = Number(a.getAttribute("data-pos")) - Number(b.getAttribute("data-pos"));
      if (x === "" || y === "") { return x === y ? byPosition : (x === "" ? 1 : -1); }
      var c = numeric ? Number(x) - Number(y) : x.localeCompare(y);
      return c === 0 ? byPosition : sign * c;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header) {
    var button = header.querySelector("button");
    button.addEventListener("click", function () {
      sortBy(header, Number(button.getAttribute("data-col")));
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-section-filter]"), function (b) {
    b.addEventListener("click", function () {
      section.value = b.getAttribute("data-section-filter");
      apply();
      table.scrollIntoView();
    });
  });
  search.addEventListener("input", apply);
  section.addEventListener("change", apply);
  apply();
})();
"""


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def render_report(report: Report) -> str:
    """The whole page. Deterministic: the same report gives the same bytes."""
    sections, options = _sections(report.papers)
    csp = (
        f"default-src 'none'; img-src data:; style-src {_csp_hash(STYLE)}; "
        f"script-src {_csp_hash(SCRIPT)}; base-uri 'none'; form-action 'none'"
    )
    banner = (
        f'<p class="banner" role="alert">{esc(report.synthetic_banner or "SYNTHETIC")}</p>'
        if report.synthetic
        else ""
    )
    resolved = sum(1 for p in report.papers if p.citations is not None)
    title = f"{report.title}: report of {report.snapshot_date.isoformat()}"
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="referrer" content="no-referrer">',
            f"<title>{esc(('SYNTHETIC: ' if report.synthetic else '') + title)}</title>",
            f"<style>{STYLE}</style></head><body>",
            banner,
            f"<header><h1>{esc(report.title)}</h1>"
            f'<p class="muted">Snapshot of {report.snapshot_date.isoformat()}: '
            f"{len(report.papers)} entries, {resolved} with a citation count; trends from "
            f"{report.snapshots} snapshot{'s' if report.snapshots != 1 else ''}.</p>"
            '<nav><a href="#papers-section">Papers</a><a href="#charts">Charts</a>'
            + ('<a href="#stars">Stars</a>' if report.star_trends else "")
            + '<a href="#changes">Changes</a></nav></header>',
            f'<section id="sections"><h2>Sections</h2>{sections}</section>',
            '<section id="papers-section"><h2>Papers</h2><div class="controls">'
            '<input id="filter" type="search" placeholder="Filter by title, venue, repository…" '
            'aria-label="Filter papers">'
            f'<select id="section" aria-label="Section">{options}</select>'
            '<span id="count" class="muted" aria-live="polite"></span></div>',
            _papers_table(report.papers),
            '<p class="muted">Click a column heading to sort (again to reverse). "30 days" and '
            '"365 days": change in citations against the snapshot nearest that many days '
            'before; "Per year": citing papers per year, from Semantic Scholar. A citation '
            f'count reads "{esc(ARXIV_ONLY)}" for a paper {esc(ARXIV_ONLY_WHY)}; '
            "&ndash;: no count yet (no source placed the entry, or none answered for it).</p>"
            "</section>",
            f'<section id="charts"><h2>Trends</h2>{_charts(report.charts)}</section>',
            f'<section id="stars"><h2>Star trends</h2>{report.star_trends}</section>'
            if report.star_trends
            else "",
            f'<section id="changes"><h2>Changes</h2>{changes_html(report.changes)}</section>',
            f"<script>{SCRIPT}</script>",
            "</body></html>",
            "",
        ]
    )
