"""report.html's star trends (issue 25): a sparkline of each repository's stars over the last
year of weeks, and the top risers by stars gained in the last 4 and 12 weeks, from
stars_by_week.parquet's rows. Pure: rows in, escaped HTML out (report.py places it)."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pipeline.analysis.star_history import gained_since, week_of

SPARK_WEEKS = 52  # a sparkline's span: the last year of weeks
RISER_WINDOWS = (4, 12)  # weeks
TOP_RISERS = 10


@dataclass(frozen=True)
class RepoStars:
    repository: str
    status: str
    stargazers: int | None
    difference: int | None
    totals: tuple[tuple[date, int], ...]  # (week, running total), oldest first, SPARK_WEEKS
    first_week: date | None
    gained: dict[int, int]  # window in weeks -> stars gained


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def repo_stars(
    rows: Iterable[Mapping[str, Any]], repositories: Sequence[str], latest: date
) -> list[RepoStars]:
    """The repositories (`repositories`: the list's, in list order, as GitHub names them) that
    have stored weeks, with their last SPARK_WEEKS running totals and gains up to `latest`."""
    by_repo: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        by_repo.setdefault(str(row["repository"]).casefold(), []).append(row)
    gains = {window: gained_since(_all(by_repo), window, latest) for window in RISER_WINDOWS}
    found = []
    seen: set[str] = set()
    for name in repositories:
        group = by_repo.get(name.casefold())
        if not group or name.casefold() in seen:
            continue
        seen.add(name.casefold())
        weeks = sorted(
            (r["week_start"], int(r["running_total"]))
            for r in group
            if r.get("week_start") is not None and r["week_start"] <= latest
        )
        repository = str(group[0]["repository"])
        found.append(
            RepoStars(
                repository=repository,
                status=str(group[0]["status"]),
                stargazers=_int(group[-1].get("stargazers")),
                difference=_int(group[-1].get("difference")),
                totals=tuple(_fill(weeks, latest)[-SPARK_WEEKS:]),
                first_week=weeks[0][0] if weeks else None,
                gained={w: gains[w].get(repository, 0) for w in RISER_WINDOWS},
            )
        )
    return found


def _all(by_repo: Mapping[str, list[Mapping[str, Any]]]) -> list[Mapping[str, Any]]:
    return [row for group in by_repo.values() for row in group]


def _int(value: Any) -> int | None:
    try:
        return None if value is None or value != value else int(value)
    except (TypeError, ValueError):
        return None


def _fill(weeks: Sequence[tuple[date, int]], latest: date) -> list[tuple[date, int]]:
    """Every week from the first stored one to `latest`'s, each with its running total (a
    week not stored keeps the total before it)."""
    if not weeks:
        return []
    known = dict(weeks)
    filled, total = [], 0
    week, last = weeks[0][0], max(week_of(latest), weeks[-1][0])
    while week <= last:
        total = known.get(week, total)
        filled.append((week, total))
        week += timedelta(weeks=1)
    return filled


def star_sparkline(totals: Sequence[tuple[date, int]], width: int = 120, height: int = 24) -> str:
    """An inline SVG of the running total by week, with the numbers in its <title>."""
    if not totals:
        return ""
    low = min(n for _, n in totals)
    span = max(n for _, n in totals) - low or 1
    step = width / max(1, len(totals) - 1)
    points = " ".join(
        f"{i * step:.1f},{height - 2 - ((n - low) / span) * (height - 4):.1f}"
        for i, (_, n) in enumerate(totals)
    )
    (first, start), (last, end) = totals[0], totals[-1]
    label = (
        f"stars by week, {first.isoformat()} to {last.isoformat()}: {start:,} to {end:,} "
        f"({end - start:+,})"
    )
    last_x, last_y = points.rsplit(" ", 1)[-1].split(",")
    return (
        f'<svg class="spark stars" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{_esc(label)}"><title>{_esc(label)}</title>'
        f'<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="{points}"/>'
        f'<circle cx="{last_x}" cy="{last_y}" r="2" fill="currentColor"/></svg>'
    )


def _num(value: int | None, signed: bool = False) -> str:
    if value is None:
        return '<td class="num">&ndash;</td>'
    return f'<td class="num">{value:+,}</td>' if signed else f'<td class="num">{value:,}</td>'


def _repo_link(name: str) -> str:
    if name.count("/") == 1:
        return f'<a href="https://github.com/{_esc(name)}" rel="noreferrer">{_esc(name)}</a>'
    return _esc(name)


def _risers(found: Sequence[RepoStars], window: int) -> str:
    ranked = sorted(
        (r for r in found if r.gained[window] > 0),
        key=lambda r: (-r.gained[window], -(r.stargazers or 0), r.repository.casefold()),
    )[:TOP_RISERS]
    if not ranked:
        return f"<p>No stars gained in the last {window} weeks.</p>"
    body = "".join(
        f"<tr><td>{_repo_link(r.repository)}</td>{_num(r.gained[window], signed=True)}"
        f"{_num(r.stargazers)}</tr>"
        for r in ranked
    )
    return (
        f'<table class="risers" id="risers-{window}"><caption>Top risers, last {window} weeks'
        '</caption><thead><tr><th scope="col">Repository</th><th scope="col">Stars gained'
        f'</th><th scope="col">Stars</th></tr></thead><tbody>{body}</tbody></table>'
    )


def star_trends_html(
    rows: Iterable[Mapping[str, Any]], repositories: Sequence[str], latest: date
) -> str:
    """The star trends section's content; empty when no repository has stored weeks."""
    found = [r for r in repo_stars(rows, repositories, latest) if r.totals]
    if not found:
        return ""
    risers = "".join(_risers(found, window) for window in RISER_WINDOWS)
    body = "".join(
        f'<tr data-repo="{_esc(r.repository.casefold())}"><td>{_repo_link(r.repository)}</td>'
        f"{_num(r.stargazers)}<td>{star_sparkline(r.totals)}</td>"
        + "".join(_num(r.gained[w], signed=True) for w in RISER_WINDOWS)
        + f"<td>{r.first_week.isoformat() if r.first_week else '&ndash;'}</td>"
        f"{_num(r.difference, signed=True)}</tr>"
        for r in found
    )
    table = (
        '<div class="table-wrap"><table id="star-trends"><thead><tr>'
        '<th scope="col">Repository</th><th scope="col">Stars</th>'
        f'<th scope="col">Last {SPARK_WEEKS} weeks</th>'
        + "".join(f'<th scope="col">{w} weeks</th>' for w in RISER_WINDOWS)
        + '<th scope="col">Since</th><th scope="col">Difference</th></tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )
    note = (
        '<p class="muted">From GitHub\'s star history: stars given each week that are still '
        'present, weeks starting on Sunday. "4 weeks" and "12 weeks": stars gained in the '
        'weeks up to the current one (partial); "Difference": today\'s count minus the '
        "stored running total (stars taken back in weeks read earlier; docs/outputs.md).</p>"
    )
    return f'<div class="risers-wrap">{risers}</div>{table}{note}'


AGAINST_YEARS = 5  # the years shown in "stars against citations", the snapshot's last
AGAINST_PAPERS = 10


def _year_end_totals(points: Iterable[tuple[date, int]], years: Sequence[int]) -> list[int | None]:
    """A running total as it stood at each year's end (the last point on or before it), or
    None before the first point."""
    ordered = sorted(points)
    totals: list[int | None] = []
    for year in years:
        before = [total for day, total in ordered if day <= date(year, 12, 31)]
        totals.append(before[-1] if before else None)
    return totals


def stars_against_citations_html(
    papers: Iterable[Mapping[str, Any]],
    star_rows: Iterable[Mapping[str, Any]],
    citation_rows: Iterable[Mapping[str, Any]],
    latest: date,
) -> str:
    """A table of the most cited papers with a repository: at the end of each of the last
    AGAINST_YEARS years (the snapshot's year to its date), the repository's stars and the
    paper's citations so far. Empty when no paper has both."""
    weeks: dict[str, list[tuple[date, int]]] = {}
    for row in star_rows:
        if row.get("week_start") is not None and row["week_start"] <= latest:
            weeks.setdefault(str(row["repository"]).casefold(), []).append(
                (row["week_start"], int(row["running_total"]))
            )
    per_year: dict[str, dict[int, int]] = {}
    for row in citation_rows:
        if row.get("year") is None:
            continue
        year = min(int(row["year"]), latest.year)  # dated after the snapshot: counted in its year
        counts = per_year.setdefault(str(row["s2_paper_id"]), {})
        counts[year] = counts.get(year, 0) + int(row["citations"])
    years = list(range(latest.year - AGAINST_YEARS + 1, latest.year + 1))
    chosen: list[tuple[Mapping[str, Any], list[int | None], list[int | None]]] = []
    ranked = sorted(papers, key=lambda p: -(_int(p.get("citation_count")) or 0))
    for paper in ranked:
        repo, paper_id = paper.get("repo"), paper.get("s2_paper_id")
        if not repo or not paper_id or str(repo).casefold() not in weeks:
            continue
        by_year = per_year.get(str(paper_id))
        if not by_year or any(str(repo) == str(c[0].get("repo")) for c in chosen):
            continue
        running, cited = 0, []
        for day_year in sorted(by_year):
            running += by_year[day_year]
            cited.append((date(day_year, 12, 31), running))
        stars = _year_end_totals(weeks[str(repo).casefold()], years)
        chosen.append((paper, stars, _year_end_totals(cited, years)))
        if len(chosen) == AGAINST_PAPERS:
            break
    if not chosen:
        return ""
    heads = "".join(
        f'<th scope="col">{year}{" so far" if year == latest.year else ""}</th>' for year in years
    )
    body = "".join(
        f"<tr><td>{_esc(paper.get('title') or '')}</td><td>{_repo_link(str(paper['repo']))}</td>"
        + "".join(
            f'<td class="num pair">{"&ndash;" if s is None else f"{s:,}"}&nbsp;/ '
            f"{'&ndash;' if c is None else f'{c:,}'}</td>"
            for s, c in zip(stars, cited, strict=True)
        )
        + "</tr>"
        for paper, stars, cited in chosen
    )
    return (
        '<div class="table-wrap"><table id="stars-against-citations"><caption>Stars against '
        f"citations: stars / citations at each year's end ({latest.year}: up to "
        f'{latest.isoformat()})</caption><thead><tr><th scope="col">Paper</th>'
        f'<th scope="col">Repository</th>{heads}</tr></thead><tbody>{body}</tbody></table></div>'
    )
