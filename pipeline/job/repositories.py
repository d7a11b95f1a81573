"""Repository metadata for the list's code links (and the repos overrides name)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from pipeline.analysis.star_history import DEFAULT_STAR_PAGES
from pipeline.job.options import Inputs
from pipeline.job.stars import fetch_star_histories
from pipeline.listfile.identifiers import repo_ref
from pipeline.listfile.model import Entry
from pipeline.resolve.overrides import Overrides
from pipeline.sources.config import Settings
from pipeline.sources.github import ANONYMOUS_HOURLY, GitHubClient, RepoInfo, RepoStatus
from pipeline.sources.http import CallStats


def entry_repos(entry: Entry, overrides: Overrides) -> list[str]:
    """The GitHub owner/name of an entry's code links; an override's `repo` replaces them."""
    override = overrides.for_entry(entry)
    if override is not None and override.repo:
        return [override.repo]
    return [ref.github for url in entry.code_urls if (ref := repo_ref(url)).github]


def wanted_repos(entries: Sequence[Entry], overrides: Overrides) -> list[str]:
    """Every repository once (compared case-insensitively), first spelling seen, list order."""
    repos: dict[str, str] = {}
    for entry in entries:
        for name in entry_repos(entry, overrides):
            repos.setdefault(name.casefold(), name)
    return list(repos.values())


def repo_summary(repos: dict[str, RepoInfo], github: GitHubClient) -> str:
    if github.stopped is not None and all(info.source is None for info in repos.values()):
        return f"github: FAILED: {github.stopped.detail}"
    statuses = Counter(info.status.value for info in repos.values())
    detail = ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))
    line = f"github: {len(repos)} repositories: {detail or 'none'}"
    if github.isolated:
        line += (
            f"; {len(github.isolated)} failed alone in GraphQL batches (split out, asked over "
            f"REST): {', '.join(sorted(github.isolated)[:5])}"
        )
    if github.stopped is not None:
        line += f"; stopped asking: {github.stopped.detail}"
    return line


def fetch_repositories(
    inputs: Inputs,
    settings: Settings,
    sources: Collection[str],
    limiter: Callable[[str], None] | None = None,
    log: Callable[[str], None] | None = None,
    star_pages: int = DEFAULT_STAR_PAGES,
) -> tuple[dict[str, RepoInfo], CallStats, str]:
    """GitHub GraphQL batches (REST without a token), then each repository's star history
    (pipeline.job.stars, within `star_pages` pages); returns the repos, calls, summary line.

    Without a token GitHub allows 60 REST requests an hour (two per repository): the run says
    up front what the list needs and refreshes the repositories refreshed longest ago first."""
    github = GitHubClient.from_settings(settings, limiter=limiter)
    if "github" not in sources:
        return {}, github.http.stats, "github: not asked (sources)"
    known_gone = {
        str(row["repo"]).casefold(): RepoStatus(row["repo_status"])
        for row in inputs.previous_rows.values()
        if row.get("repo") and row.get("repo_status") in {"not_found", "blocked"}
    }
    names = wanted_repos(inputs.document.entries, inputs.overrides)
    skipped: dict[str, RepoInfo] = {}
    plan = ""
    try:
        if not github.has_token and names:
            remaining = github.remaining_requests()
            names, later, plan = anonymous_plan(names, inputs.previous_rows, remaining)
            if log is not None:
                log(plan)
            reason = (
                "not asked: without GITHUB_TOKEN the hour's 60 requests went to the "
                "repositories refreshed longest ago"
            )
            skipped = {name: RepoInfo(name, RepoStatus.ERROR, reason=reason) for name in later}
        repos = github.get_repos(names, known_gone)
        repos = fetch_star_histories(
            github, repos, inputs.star_weeks, pages=star_pages, now=datetime.now(UTC)
        )
    finally:
        github.http.close()
    ordered = {
        n: repos.get(n) or skipped[n]
        for n in wanted_repos(inputs.document.entries, inputs.overrides)
    }
    line = repo_summary(ordered, github)
    return ordered, github.http.stats, f"{line}; {plan}" if plan else line


REQUESTS_PER_REPO = 2  # the repository, then its newest commit


def anonymous_plan(
    names: Sequence[str], previous_rows: Mapping[str, Mapping[str, Any]], remaining: int | None
) -> tuple[list[str], list[str], str]:
    """The repositories to ask now (never fetched first, then the oldest), those left for a
    later run, and the line that says so."""
    budget = ANONYMOUS_HOURLY if remaining is None else remaining
    fetched: dict[str, datetime] = {}
    for row in previous_rows.values():
        at = row.get("github_fetched_at")
        if not (row.get("repo") and isinstance(at, datetime)):
            continue
        # A renamed repository is stored under its new name, asked under the listed one.
        listed = repo_ref(str(row["code_url"])).github if row.get("code_url") else None
        for name in {str(row["repo"]), *([listed] if listed else [])}:
            key = name.casefold()
            fetched[key] = min(at, fetched.get(key, at))
    order = sorted(
        range(len(names)),
        key=lambda i: (names[i].casefold() in fetched, fetched.get(names[i].casefold()), i),
    )
    affordable = budget // REQUESTS_PER_REPO
    now = sorted(order[:affordable])
    later = sorted(order[affordable:])
    need = len(names) * REQUESTS_PER_REPO
    line = (
        f"github: no GITHUB_TOKEN: {len(names)} repositories need about {need} requests; "
        f"{budget} of {ANONYMOUS_HOURLY} left this hour"
    )
    if later:
        # What waits for a later run: values kept, or none yet ("never fetched", as changes.md
        # says): a first run has no previous value to keep.
        kept = sum(names[i].casefold() in fetched for i in later)
        never = len(later) - kept
        waiting = [f"{kept} keep their previous values"] if kept else []
        waiting += [f"{never} never fetched wait for a later run"] if never else []
        asked_before = sum(names[i].casefold() in fetched for i in now)
        if asked_before == 0:
            asking = f"asking {len(now)} never fetched"
        elif asked_before == len(now):
            asking = f"refreshing the {len(now)} refreshed longest ago"
        else:
            asking = (
                f"asking the {len(now) - asked_before} never fetched and refreshing the "
                f"{asked_before} refreshed longest ago"
            )
        line += f": {asking}, {', '.join(waiting)}"
    return [names[i] for i in now], [names[i] for i in later], line
