"""Stars per week for each repository, from GitHub's star history (issue 25): a star trend from
the first night, not only from our own snapshots. Pure: planning, merging, counting; the table
is stored by pipeline.store.stars, fetched by pipeline.job.stars.

Each repository is backfilled once (every page), then refreshed from page 1 only: the pages
are read until they reach the newest week stored, and the weeks they cover replace the stored
ones (the newest stored week was partial). Older stored weeks are never asked again, so they
keep stars that were since taken back: GitHub counts only stars still present. Each row says so
in `difference`: today's stargazer count minus the repository's newest running total (stars
since removed make it negative; stars given after the weeks were read, positive), so that
`running_total` of the newest week plus `difference` is `stargazers`, for every repository.

A repository gone (404) or blocked (451) keeps its stored weeks, marked with that status; one
without any stored week gets a single row without a week (`week_start` null), so the table
says what became of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pipeline.sources.github import RepoInfo, RepoStatus
from pipeline.sources.github_stars import StarHistory, StarOutcome, StarStatus

DEFAULT_STAR_PAGES = 1000  # star-history pages (core requests) per run: 250 s of GitHub pacing
QUOTA_RESERVE = 100  # core requests left for publishing and the next run's REST fallbacks
# A repository whose star count is the one stored is not asked again until its weeks are this
# old: a re-run spends nothing, and a quiet repository is still refreshed weekly.
UNCHANGED_REFRESH_AFTER = timedelta(days=7)

STAR_COLUMNS = (
    "repository",
    "listed_as",
    "status",
    "week_start",
    "stars",
    "running_total",
    "stargazers",
    "difference",
    "complete",
    "fetched_at",
    "synthetic",
)


def key(name: str) -> str:
    return name.casefold()


def stored_by_repository(rows: Iterable[Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The stored rows per repository (folded name), each repository's weeks oldest first."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(key(str(row["repository"])), []).append(dict(row))
    for group in grouped.values():
        group.sort(key=lambda r: r["week_start"] or date.min)
    return grouped


def listed_as_index(stored: Mapping[str, list[dict[str, Any]]]) -> dict[str, list[str]]:
    """Each folded `listed_as` of the stored rows -> the stored repositories (in `stored`'s
    order) with a row listed so: what stored_for looks up for every repository of a run."""
    index: dict[str, list[str]] = {}
    for name, rows in stored.items():
        for listed_as in {key(str(row.get("listed_as") or "")) for row in rows}:
            index.setdefault(listed_as, []).append(name)
    return index


def stored_for(
    stored: Mapping[str, list[dict[str, Any]]],
    info: RepoInfo,
    listed: Mapping[str, list[str]] | None = None,
) -> tuple[str | None, list[dict[str, Any]]]:
    """The stored rows of a repository: under its current name, else the name asked (a
    repository renamed since its weeks were stored), else the name it was listed as. `listed`
    is listed_as_index(stored), made once by a caller that asks for many repositories (a scan
    of every stored row per repository was most of a warm 10,000-paper night's CPU)."""
    for name in (info.full_name, info.requested):
        if name and key(name) in stored:
            return key(name), stored[key(name)]
    index = listed if listed is not None else listed_as_index(stored)
    # the first still stored (a caller may have taken a repository's rows out meanwhile)
    for name in index.get(key(info.requested), ()):
        if name in stored:
            return name, stored[name]
    return None, []


def newest_week(rows: Sequence[Mapping[str, Any]]) -> date | None:
    weeks = [r["week_start"] for r in rows if r.get("week_start") is not None]
    return max(weeks) if weeks else None


@dataclass(frozen=True)
class StarPlan:
    """What to ask for each repository: `refresh` (name -> newest stored week), `backfill`
    (names, in order), `recorded` (name -> status, no request: gone, blocked, no stars) and
    `unchanged` (its star count is the one stored, its weeks recent: not asked)."""

    refresh: dict[str, date]
    backfill: list[str]
    recorded: dict[str, StarStatus]
    unchanged: list[str]


def plan_star_history(
    repos: Mapping[str, RepoInfo], stored: Mapping[str, list[dict[str, Any]]], now: datetime
) -> StarPlan:
    """Refreshes first (one page each, usually), then backfills in list order. A repository
    not known this run (an error) is not asked: its stored rows stay as they are; nor is one
    whose star count has not moved since its weeks were read, less than
    UNCHANGED_REFRESH_AFTER ago."""
    refresh: dict[str, date] = {}
    backfill: list[str] = []
    recorded: dict[str, StarStatus] = {}
    unchanged: list[str] = []
    listed = listed_as_index(stored)
    for name, info in repos.items():
        if info.status in {RepoStatus.NOT_FOUND, RepoStatus.BLOCKED}:
            recorded[name] = StarStatus(info.status.value)
            continue
        if info.status is RepoStatus.ERROR or info.full_name is None:
            continue
        _, rows = stored_for(stored, info, listed)
        newest = newest_week(rows)
        if newest is not None and _unchanged(rows, info, now):
            unchanged.append(name)
        elif newest is not None:
            refresh[name] = newest
        elif info.stars == 0:
            recorded[name] = StarStatus.EMPTY
        else:
            backfill.append(name)
    return StarPlan(refresh, backfill, recorded, unchanged)


def _unchanged(rows: Sequence[Mapping[str, Any]], info: RepoInfo, now: datetime) -> bool:
    read = [r["fetched_at"] for r in rows if r.get("week_start") is not None]
    if not read or info.stars is None or _previous_count(rows) != info.stars:
        return False
    newest = max(read)
    newest = newest if newest.tzinfo else newest.replace(tzinfo=UTC)
    return bool(now - newest < UNCHANGED_REFRESH_AFTER)


def merge_weeks(
    stored: Sequence[Mapping[str, Any]], fetched: Sequence[tuple[date, int]], now: datetime
) -> list[tuple[date, int, datetime]]:
    """(week, stars, fetched_at) oldest first: the stored weeks older than the oldest week
    fetched, then the fetched weeks (which replace any stored week they cover)."""
    if not fetched:
        return [
            (r["week_start"], int(r["stars"]), r["fetched_at"])
            for r in stored
            if r.get("week_start") is not None
        ]
    oldest = min(week for week, _ in fetched)
    kept = [
        (r["week_start"], int(r["stars"]), r["fetched_at"])
        for r in stored
        if r.get("week_start") is not None and r["week_start"] < oldest
    ]
    fresh = sorted((week, stars, now) for week, stars in fetched)
    return [*kept, *fresh]


def repository_rows(
    repository: str,
    listed_as: str,
    status: str,
    weeks: Sequence[tuple[date, int, datetime]],
    *,
    stargazers: int | None,
    complete: bool,
    fetched_at: datetime,
    synthetic: bool,
) -> list[dict[str, Any]]:
    """One repository's rows, oldest week first, with running totals and the difference to
    today's stargazer count; a single row without a week when it has none."""
    total = 0
    rows = []
    for week, stars, at in weeks:
        total += stars
        rows.append(
            {
                "repository": repository,
                "listed_as": listed_as,
                "status": status,
                "week_start": week,
                "stars": stars,
                "running_total": total,
                "complete": complete,
                "fetched_at": at,
                "synthetic": synthetic,
            }
        )
    if not rows:
        rows.append(
            {
                "repository": repository,
                "listed_as": listed_as,
                "status": status,
                "week_start": None,
                "stars": 0,
                "running_total": 0,
                "complete": complete,
                "fetched_at": fetched_at,
                "synthetic": synthetic,
            }
        )
    difference = None if stargazers is None else stargazers - total
    for row in rows:
        row["stargazers"] = stargazers
        row["difference"] = difference
    return rows


def _previous_count(rows: Sequence[Mapping[str, Any]]) -> int | None:
    counts = [int(r["stargazers"]) for r in rows if r.get("stargazers") is not None]
    return counts[-1] if counts else None


def star_table(
    stored_rows: Sequence[Mapping[str, Any]],
    repos: Mapping[str, RepoInfo],
    outcomes: Mapping[str, StarOutcome],
    *,
    now: datetime,
    synthetic: bool,
) -> list[dict[str, Any]]:
    """The new stars_by_week table: each repository of this run with what its star history
    answered (`outcomes`, by the name asked) merged into its stored weeks; a failed or waiting
    one keeps its stored weeks (with today's stargazer count and difference); repositories not
    in this run keep their rows as stored."""
    stored = stored_by_repository(stored_rows)
    replaced: dict[str, list[dict[str, Any]]] = {}
    listed = listed_as_index(stored)
    for name, info in repos.items():
        old_key, old = stored_for(stored, info, listed)
        outcome = outcomes.get(name)
        history = outcome.history if outcome is not None else None
        if history is not None and history.out_of_pages:
            history = None  # a backfill the page budget cut short: asked again later
        if history is None and not old and not (outcome and outcome.action == "recorded"):
            continue  # nothing stored, nothing fetched: no row yet
        current = info.full_name or (str(old[0]["repository"]) if old else name)
        status = _status(info, history, old)
        stargazers = info.stars if info.stars is not None else _previous_count(old)
        complete = bool(old and all(r.get("complete") for r in old))
        if history is not None:
            fetched = [(w.week_start, w.stars) for w in history.weeks]
            weeks = merge_weeks(old, fetched, now)
            if not old:
                complete = history.reached_end or history.status is StarStatus.EMPTY
        else:
            weeks = merge_weeks(old, [], now)
        if old_key is not None:
            replaced.pop(old_key, None)
            stored.pop(old_key, None)
        replaced[key(current)] = repository_rows(
            current,
            name,
            status,
            weeks,
            stargazers=stargazers,
            complete=complete,
            fetched_at=now if not weeks else max(at for _, _, at in weeks),
            synthetic=synthetic,
        )
    rows = [row for group in stored.values() for row in group]
    rows += [row for group in replaced.values() for row in group]
    return sorted(rows, key=lambda r: (key(str(r["repository"])), r["week_start"] or date.min))


def _status(info: RepoInfo, history: StarHistory | None, old: Sequence[Mapping[str, Any]]) -> str:
    if info.status in {RepoStatus.NOT_FOUND, RepoStatus.BLOCKED}:
        return info.status.value
    if history is not None and history.status in {StarStatus.NOT_FOUND, StarStatus.BLOCKED}:
        return history.status.value
    if info.status is RepoStatus.RENAMED or (
        history is not None and history.status is StarStatus.RENAMED
    ):
        return StarStatus.RENAMED.value
    if info.stars == 0 and not any(r.get("week_start") for r in old):
        return StarStatus.EMPTY.value
    if history is not None and history.status is StarStatus.EMPTY and not old:
        return StarStatus.EMPTY.value
    return StarStatus.OK.value


# --- reading the table: trends, risers --------------------------------------------------------


def week_of(day: date) -> date:
    """The Sunday that starts `day`'s week (GitHub's weeks)."""
    return day - timedelta(days=(day.weekday() + 1) % 7)


def gained_since(rows: Iterable[Mapping[str, Any]], weeks: int, latest: date) -> dict[str, int]:
    """Stars gained per repository in the `weeks` weeks ending with the week of `latest` (the
    current, partial week included)."""
    first = week_of(latest) - timedelta(weeks=weeks - 1)
    gained: dict[str, int] = {}
    for row in rows:
        week = row.get("week_start")
        if week is not None and first <= week <= latest:
            gained[str(row["repository"])] = gained.get(str(row["repository"]), 0) + int(
                row["stars"]
            )
    return gained
