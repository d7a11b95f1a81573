"""A fake repository's star history, as `GET /repos/{owner}/{repo}/stargazers/history`
answers it: weekly buckets (weeks start on Sunday, UTC), newest first, each
`{"week": <Unix time of the Sunday>, "total": n, "days": [7 counts, Sunday first]}`, counting
the stars still present on the day asked, by the day they were given.

The fake's own rules, consistent with `FakeRepo.stars_on` (the stargazer count it serves):

- the `stars_at_epoch` stars were given between the repository's creation and the epoch, more
  and more of them as time goes on (the cumulative count grows as t**1.5);
- after the epoch, `stars_per_day` net new stars a day (`stars_on`), and `unstars_per_day`
  of the early stars are taken back a day, oldest first, each replaced by a new star given
  that day: the count still present is `stars_on`, but a history fetched later shows fewer
  stars in the early weeks than one fetched before (what a stored history cannot see);
- nothing after the day asked (the current week is partial).

The history's weeks summed are always `stars_on(today)`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from fakeapi.world import FakeRepo

GROWTH = 1.5  # the early stars' cumulative curve: t**GROWTH over the years before the epoch
DEFAULT_AGE_DAYS = 900  # a repository without `created_at` was made this long before the epoch


def created_on(repo: FakeRepo, epoch: date) -> date:
    """The day the repository was made: `created_at`, never later than the day before the
    epoch (its `stars_at_epoch` were given before it)."""
    made = date.fromisoformat(repo.created_at[:10]) if repo.created_at else None
    latest = epoch - timedelta(days=1)
    return min(made, latest) if made else epoch - timedelta(days=DEFAULT_AGE_DAYS)


def unstarred_by(repo: FakeRepo, day: date, epoch: date) -> int:
    """Early stars taken back by the end of `day` (never more than there were)."""
    days = max(0, (day - epoch).days)
    return min(repo.stars_at_epoch, int(repo.unstars_per_day * days))


def _early_given_by(repo: FakeRepo, day: date, epoch: date) -> int:
    """Early stars (before the epoch) given by the end of `day`, still present or not."""
    made = created_on(repo, epoch)
    if day < made:
        return 0
    if day >= epoch - timedelta(days=1):
        return repo.stars_at_epoch
    span = (epoch - made).days  # days from creation to the epoch's eve, inclusive
    share = ((day - made).days + 1) / span
    return int(repo.stars_at_epoch * share**GROWTH)


def present_by(repo: FakeRepo, day: date, today: date, epoch: date) -> int:
    """Stars still present on `today` that were given by the end of `day` (<= today)."""
    day = min(day, today)
    taken_back = unstarred_by(repo, today, epoch)
    early = max(0, _early_given_by(repo, day, epoch) - taken_back)
    if day < epoch:
        return early
    days = (day - epoch).days
    return early + int(repo.stars_per_day * days) + unstarred_by(repo, day, epoch)


def week_start(day: date) -> date:
    """The Sunday that starts `day`'s week."""
    return day - timedelta(days=(day.weekday() + 1) % 7)


def first_star_day(repo: FakeRepo, today: date, epoch: date) -> date | None:
    """The day of the oldest star still present on `today`, None without any."""
    if present_by(repo, today, today, epoch) == 0:
        return None
    low, high = created_on(repo, epoch), today  # present_by grows with the day: bisect
    while low < high:
        middle = low + timedelta(days=(high - low).days // 2)
        if present_by(repo, middle, today, epoch) > 0:
            high = middle
        else:
            low = middle + timedelta(days=1)
    return low


def weeks_count(repo: FakeRepo, today: date, epoch: date) -> int:
    """How many weekly buckets the history has (0 without a star)."""
    first = first_star_day(repo, today, epoch)
    if first is None:
        return 0
    return (week_start(today) - week_start(first)).days // 7 + 1


def bucket(repo: FakeRepo, start: date, today: date, epoch: date) -> dict[str, Any]:
    """One week's bucket: its Sunday as Unix time, the stars of each day, their total."""
    before = present_by(repo, start - timedelta(days=1), today, epoch)
    days = []
    for offset in range(7):
        day = start + timedelta(days=offset)
        now = present_by(repo, day, today, epoch) if day <= today else before
        days.append(now - before)
        before = now
    sunday = datetime.combine(start, time(0), UTC)
    return {"week": int(sunday.timestamp()), "total": sum(days), "days": days}


def history_page(
    repo: FakeRepo, today: date, epoch: date, *, page: int, per_page: int
) -> tuple[list[dict[str, Any]], int]:
    """The buckets of one page (newest first) and the number of pages."""
    count = weeks_count(repo, today, epoch)
    pages = -(-count // per_page)
    newest = week_start(today)
    first = (page - 1) * per_page
    starts = [newest - timedelta(weeks=i) for i in range(first, min(count, first + per_page))]
    return [bucket(repo, start, today, epoch) for start in starts], pages
