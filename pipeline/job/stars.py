"""The star-history step of the GitHub lane (issue 25): after the repositories are known,
each one's weekly stars, on the same client (GitHub's pacing, call budget and token pinning).

The calls are planned within the GitHub budget the run keeps: the run's star pages
(`JobOptions.star_pages`), what is left of the hour's core quota (GET /rate_limit, which costs
nothing) less a reserve, and what is left of the run's call budget. Refreshes go first (one
page each, usually), then backfills in list order; a backfill the pages left cannot finish is
not stored, and is asked again on a later run. Without a token the hour's 60 requests go to the
repositories themselves: no history is asked, and the summary says so once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from pipeline.analysis.star_history import (
    QUOTA_RESERVE,
    plan_star_history,
    star_table,
    stored_by_repository,
)
from pipeline.core.errors import ApiError, ConfigError, is_outage
from pipeline.job.options import Inputs, JobOptions, is_synthetic
from pipeline.sources.github import GitHubClient, RepoInfo
from pipeline.sources.github_stars import StarOutcome, fetch_star_history

STARS_SKIPPED_LINE = (
    "github star history: not asked without GITHUB_TOKEN (the hour's 60 requests go to the "
    "repositories); a run with a token backfills it"
)


class PageBudget:
    """Pages this run may still spend on star histories."""

    def __init__(self, pages: int, github: GitHubClient) -> None:
        self.left = pages
        self.github = github

    def take(self) -> bool:
        gate = self.github.http.gate
        if gate.budget is not None and gate.sent >= gate.budget:
            return False
        if self.left <= 0:
            return False
        self.left -= 1
        return True


def fetch_star_histories(
    github: GitHubClient,
    repos: Mapping[str, RepoInfo],
    stored_rows: Sequence[Mapping[str, Any]],
    *,
    pages: int,
    now: datetime,
) -> dict[str, RepoInfo]:
    """`repos` with each one's StarOutcome (`star_history`) attached, where one was decided."""
    stored = stored_by_repository(stored_rows)
    plan = plan_star_history(repos, stored, now)
    outcomes: dict[str, StarOutcome] = {
        name: StarOutcome("recorded", reason=status.value) for name, status in plan.recorded.items()
    }
    outcomes |= {name: StarOutcome("unchanged") for name in plan.unchanged}
    asked = [*plan.refresh, *plan.backfill]
    if asked and not github.has_token:
        outcomes |= {name: StarOutcome("waiting", reason="no token") for name in asked}
        asked = []
    if asked and github.stopped is None:
        remaining = github.remaining_requests()
        if remaining is not None:
            pages = min(pages, max(0, remaining - QUOTA_RESERVE))
    budget = PageBudget(pages, github)
    for name in asked:
        info = repos[name]
        action = "refreshed" if name in plan.refresh else "backfilled"
        if github.stopped is not None:
            outcomes[name] = StarOutcome("failed", reason=f"not asked: {github.stopped.message}")
            continue
        try:
            history = fetch_star_history(
                github,
                info.full_name or name,
                stop_at=plan.refresh.get(name),
                page_budget=budget.take,
            )
        except ConfigError:
            raise
        except ApiError as error:
            if is_outage(error):
                github.stopped = error
            outcomes[name] = StarOutcome("failed", reason=str(error))
            continue
        if history.out_of_pages:
            outcomes[name] = StarOutcome("waiting", history, reason="page budget")
            budget.left = 0  # the next backfill would not fit either: keep the order
        else:
            outcomes[name] = StarOutcome(action, history)
    return {
        name: replace(info, star_history=outcomes[name]) if name in outcomes else info
        for name, info in repos.items()
    }


def star_history_line(repos: Mapping[str, RepoInfo]) -> str | None:
    """The run summary's line on star histories; None when none was considered."""
    outcomes = [info.star_history for info in repos.values() if info.star_history is not None]
    if not outcomes:
        return None
    if any(o.reason == "no token" for o in outcomes):
        return STARS_SKIPPED_LINE
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.action] = counts.get(outcome.action, 0) + 1
    pages = sum(o.history.pages for o in outcomes if o.history is not None)
    order = ("backfilled", "refreshed", "unchanged", "recorded", "waiting", "failed")
    detail = ", ".join(f"{counts[a]} {a}" for a in order if counts.get(a))
    line = f"github star history: {len(outcomes)} repositories: {detail}; {pages} pages"
    truncated = sum(1 for o in outcomes if o.history is not None and o.history.truncated)
    if truncated:
        line += f"; {truncated} cut at GitHub's 100 pages (older weeks not available)"
    if counts.get("waiting"):
        line += f"; {counts['waiting']} backfills wait for a later run (page budget)"
    failed = [o.reason for o in outcomes if o.action == "failed"]
    if failed:
        line += f"; stored weeks kept for the failed, the last: {failed[-1][:160]}"
    return line


def star_rows(
    options: JobOptions, inputs: Inputs, repos: Mapping[str, RepoInfo], now: datetime
) -> list[dict[str, Any]]:
    """stars_by_week's new rows: the stored ones with this run's histories merged in."""
    outcomes = {n: i.star_history for n, i in repos.items() if i.star_history is not None}
    return star_table(
        inputs.star_weeks, repos, outcomes, now=now, synthetic=is_synthetic(options.settings)
    )
