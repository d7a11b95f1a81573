"""GitHub's star history of a repository: `GET /repos/{owner}/{repo}/stargazers/history`
(since 2026-09-04; issue 25). Typed records out; raw JSON never leaves this module.

The endpoint answers weekly buckets, newest first, each `{week, total, days: [7 integers]}`:
`week` the Unix time of the week's Sunday (an ISO date is read too), `total` the stars given
that week that are still present, `days` the same per day, Sunday first. `per_page` is at most
30 weeks, `page` at most 100; a `Link` header points to the next page. Each page is one request
of the core (REST) quota. A page that does not fit this shape is UnexpectedAnswer, never a
partial history: the caller keeps what it stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from pipeline.core.errors import ApiError, UnexpectedAnswer

if TYPE_CHECKING:
    from pipeline.sources.github import GitHubClient

STAR_HISTORY_PER_PAGE = 30  # weeks per page: the endpoint's largest page
STAR_HISTORY_MAX_PAGES = 100  # GitHub answers no page past the 100th
STAR_HISTORY_READ_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class StarWeek:
    week_start: date  # the week's Sunday (UTC)
    stars: int  # stars given that week, still present when asked


class StarStatus(StrEnum):
    OK = "ok"
    RENAMED = "renamed"  # answered after a 301 (or the repository is known by another name)
    NOT_FOUND = "not_found"  # 404
    BLOCKED = "blocked"  # 451, or 403 with a block object
    EMPTY = "empty"  # no star still present: no week to show


@dataclass(frozen=True)
class StarHistory:
    """What one repository's star history answered this run (newest week first)."""

    requested: str
    status: StarStatus
    weeks: tuple[StarWeek, ...] = ()
    pages: int = 0  # pages read (requests that answered)
    reached_end: bool = False  # the oldest week was read (no further page)
    truncated: bool = False  # the 100-page limit ended the reading before the oldest week
    out_of_pages: bool = False  # the run's page budget ended it first: not to be stored
    reached_stored: bool = False  # a refresh reached the weeks stored before


@dataclass(frozen=True)
class StarOutcome:
    """The job's word on one repository's star history this run: `action` is backfilled,
    refreshed, recorded (gone, blocked or without stars: no request), waiting (the page budget
    or no token: asked on a later run) or failed (`reason`: stored weeks kept)."""

    action: str
    history: StarHistory | None = None
    reason: str = ""
    notes: tuple[str, ...] = field(default=())


def _week_start(value: Any) -> date:
    if isinstance(value, bool):
        raise TypeError(f"week is {value!r}")
    if isinstance(value, int):
        return datetime.fromtimestamp(value, UTC).date()
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    raise TypeError(f"week is {value!r}")


def _count(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TypeError(f"{what} is {value!r}, not a count")
    return value


def parse_star_page(data: Any) -> list[StarWeek]:
    """One page of buckets, newest first. Raises (TypeError, ValueError, KeyError) when a
    bucket is not `{week, total, days: [7 counts]}` with days adding up to the total, or the
    weeks are not in order, one week apart at most once each."""
    if not isinstance(data, list):
        raise TypeError(f"expected a list of weekly buckets, got {type(data).__name__}")
    weeks: list[StarWeek] = []
    for bucket in data:
        if not isinstance(bucket, dict):
            raise TypeError(f"a bucket is {bucket!r}")
        start = _week_start(bucket["week"])
        total = _count(bucket["total"], "total")
        days = bucket["days"]
        if not isinstance(days, list) or len(days) != 7:
            raise ValueError(f"days of {start} is {days!r}, not 7 counts")
        if sum(_count(n, "a day's count") for n in days) != total:
            raise ValueError(f"the days of {start} do not add up to its total {total}")
        if weeks and not start < weeks[-1].week_start:
            raise ValueError(f"week {start} is not older than {weeks[-1].week_start}")
        weeks.append(StarWeek(start, total))
    return weeks


def _blocked(response: Any) -> bool:
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and isinstance(body.get("block"), dict)


def fetch_star_history(
    client: GitHubClient,
    name: str,
    *,
    stop_at: date | None = None,
    page_budget: Callable[[], bool] | None = None,
    per_page: int = STAR_HISTORY_PER_PAGE,
    max_pages: int = STAR_HISTORY_MAX_PAGES,
) -> StarHistory:
    """The star history of `name` (owner/name), page after page, newest first.

    A backfill (`stop_at` None) reads every page, up to `max_pages` (then `truncated`); a
    refresh stops at the first page that reaches `stop_at` (the newest week stored). Before
    each page `page_budget()` is asked: False ends the reading (`out_of_pages`). The next page
    is the `Link` header's, when it is under GitHub's API URL (the token goes nowhere else).

    Raises ApiError when a page fails after the HTTP layer's retries (UnexpectedAnswer when it
    does not fit the shape): the history of this run is then not to be stored at all."""
    url: str | None = f"{client.base_url}/repos/{quote(name, safe='/')}/stargazers/history"
    params: dict[str, str | int] | None = {"per_page": per_page, "page": 1}
    weeks: list[StarWeek] = []
    renamed = False
    pages = 0
    while url is not None:
        if pages >= max_pages:
            return StarHistory(name, _status(weeks, renamed), tuple(weeks), pages, truncated=True)
        if page_budget is not None and not page_budget():
            return StarHistory(
                name, _status(weeks, renamed), tuple(weeks), pages, out_of_pages=True
            )
        response, page = client.http.request_json(
            "GET", url, parse_star_page, params=params, read_timeout_s=STAR_HISTORY_READ_TIMEOUT_S
        )
        renamed = renamed or any(hop.status_code == 301 for hop in response.history)
        if page is None:
            status = response.status_code
            if status == 404:
                return StarHistory(name, StarStatus.NOT_FOUND)
            if status == 451 or (status == 403 and _blocked(response)):
                return StarHistory(name, StarStatus.BLOCKED)
            hint = " (check GITHUB_TOKEN)" if status == 401 else ""
            raise ApiError("github", client.http.redact(url), f"HTTP {status}{hint}", status)
        pages += 1
        if weeks and page and not page[0].week_start < weeks[-1].week_start:
            client.http.forget(response)
            raise UnexpectedAnswer(
                "github",
                client.http.redact(response.url or url),
                f"page {pages} repeats or reorders the weeks of the page before",
                response.status_code,
            )
        weeks.extend(page)
        if stop_at is not None and weeks and weeks[-1].week_start <= stop_at:
            return StarHistory(
                name, _status(weeks, renamed), tuple(weeks), pages, reached_stored=True
            )
        following = response.links.get("next", {}).get("url")
        if not page or not following:
            return StarHistory(name, _status(weeks, renamed), tuple(weeks), pages, True)
        if not following.startswith(client.base_url + "/"):
            raise UnexpectedAnswer(
                "github",
                client.http.redact(response.url or url),
                "the next page's link leaves GitHub's API",
                response.status_code,
            )
        url, params = following, None
    raise AssertionError("unreachable")  # pragma: no cover


def _status(weeks: list[StarWeek], renamed: bool) -> StarStatus:
    if renamed:
        return StarStatus.RENAMED
    return StarStatus.OK if weeks else StarStatus.EMPTY
