"""The enrichment job as steps; the Prefect flow (flows/enrich.py) runs each one as a task."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.analysis.changes import NotRefreshed, compute_changes
from pipeline.analysis.citation_history import (
    DEFAULT_PAGE_BUDGET,
    MAX_PAGES_PER_PAPER,
    last_fetched,
    plan_fetches,
    read_citations,
    replace_papers,
    rows_for,
)
from pipeline.analysis.guard import GuardThresholds, Rejection, check_sources, without_source
from pipeline.analysis.trends import compute_trends
from pipeline.core.errors import ApiError, PipelineError, is_outage
from pipeline.job.outputs import (
    ListExtras,
    resolution_summary,
    write_changes,
    write_citations,
    write_resolution,
    write_tables,
    write_trends,
)
from pipeline.job.repositories import entry_repos, repo_summary, wanted_repos
from pipeline.listfile.identifiers import repo_ref
from pipeline.listfile.model import ListDocument
from pipeline.resolve.overrides import Overrides, load_overrides
from pipeline.resolve.report import load_pins
from pipeline.resolve.resolver import Pin, ResolutionRun, Resolver
from pipeline.sources.arxiv import ArxivClient
from pipeline.sources.config import Settings, is_loopback_url
from pipeline.sources.github import GitHubClient, RepoInfo, RepoStatus
from pipeline.sources.http import CallStats
from pipeline.sources.semantic_scholar import SemanticScholarClient
from pipeline.store.listio import read_list
from pipeline.store.tables import (
    build_rows,
    check_history,
    merge_with_previous,
    read_papers,
    read_snapshot,
    read_snapshot_before,
    read_trend_history,
    snapshot_dates,
)
from pipeline.store.writer import remove_stale_temporaries_under

SOURCES = ("s2", "arxiv", "github")


@dataclass(frozen=True)
class JobOptions:
    list_path: Path
    out: Path
    settings: Settings
    overrides_path: Path | None = None  # default: overrides.yaml next to the list
    snapshot_date: date | None = None  # default: today (UTC)
    sources: Collection[str] = SOURCES  # the APIs to ask; the others keep last run's values
    guard: GuardThresholds = field(default_factory=GuardThresholds)
    citation_pages: int = DEFAULT_PAGE_BUDGET  # S2 citation-list pages per run; 0: none
    extras: ListExtras = field(
        default_factory=ListExtras
    )  # regenerated-list options (sorting, trending marker)


@dataclass(frozen=True)
class Inputs:
    document: ListDocument
    overrides: Overrides
    pins: dict[str, Pin]
    previous_rows: dict[str, dict[str, Any]]
    citations: list[dict[str, Any]] = field(default_factory=list)  # citations_by_year rows


@dataclass
class JobResult:
    document: ListDocument
    resolution: ResolutionRun
    repos: dict[str, RepoInfo]
    calls: dict[str, CallStats]
    failed: set[str] = field(default_factory=set)  # APIs that did not (fully) answer
    rows: list[dict[str, Any]] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # the run summary, one line per source
    rejections: list[Rejection] = field(default_factory=list)  # the anomaly guard's verdicts

    @property
    def status(self) -> int:
        """0 clean; 1 list errors or a failed API; 3 a source rejected by the anomaly guard."""
        if self.rejections:
            return 3
        return 1 if self.document.errors or self.failed else 0

    @property
    def no_paper_source(self) -> bool:
        """Neither S2 nor arXiv answered anything this run: writing would only lose data."""
        answered = any(r.resolved and not r.kept_from_previous for r in self.resolution.resolutions)
        return {"s2", "arxiv"} <= self.failed and not answered


def is_synthetic(settings: Settings) -> bool:
    """True when every API is a local fake: the numbers it serves are not real."""
    return all(is_loopback_url(url) for url in settings.urls)


def read_inputs(options: JobOptions) -> Inputs:
    """The list, the overrides and what the previous run left (pins, table)."""
    document = read_list(options.list_path)
    overrides = load_overrides(
        options.overrides_path or options.list_path.parent / "overrides.yaml"
    )
    inputs = Inputs(
        document,
        overrides,
        load_pins(options.out / "resolution.json"),
        read_papers(options.out / "papers.parquet"),
        read_citations(options.out / "citations_by_year.parquet"),
    )
    check_history(options.out / "history")
    return inputs


def resolve_papers(
    inputs: Inputs,
    settings: Settings,
    sources: Collection[str],
    limiter: Callable[[str], None] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[ResolutionRun, dict[str, CallStats]]:
    """S2 batches and title matches, arXiv searches and id lookups."""
    s2 = SemanticScholarClient.from_settings(settings, limiter=limiter)
    arxiv = ArxivClient.from_settings(settings, limiter=limiter)
    resolver = Resolver(s2, arxiv, progress)
    resolver.failures.update(
        {api: "not asked (sources)" for api in ("s2", "arxiv") if api not in sources}
    )
    try:
        run = resolver.resolve(inputs.document.entries, inputs.overrides, inputs.pins)
    finally:
        s2.http.close()
        arxiv.http.close()
    return run, {"s2": s2.http.stats, "arxiv": arxiv.http.stats}


def fetch_repositories(
    inputs: Inputs,
    settings: Settings,
    sources: Collection[str],
    limiter: Callable[[str], None] | None = None,
    log: Callable[[str], None] | None = None,
) -> tuple[dict[str, RepoInfo], CallStats, str]:
    """GitHub GraphQL batches (REST without a token); returns the repos, calls, summary line.

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
    finally:
        github.http.close()
    ordered = {
        n: repos.get(n) or skipped[n]
        for n in wanted_repos(inputs.document.entries, inputs.overrides)
    }
    line = repo_summary(ordered, github)
    return ordered, github.http.stats, f"{line}; {plan}" if plan else line


ANONYMOUS_HOURLY = 60  # GitHub REST without a token (GitHub docs: rate limits for the REST API)
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
        line += (
            f": refreshing the {len(now)} refreshed longest ago, "
            f"{len(later)} keep their previous values"
        )
    return [names[i] for i in now], [names[i] for i in later], line


@dataclass(frozen=True)
class Assembled:
    rows: list[dict[str, Any]]
    rejections: list[Rejection]
    not_refreshed: list[NotRefreshed]


def assemble_rows(
    inputs: Inputs,
    resolution: ResolutionRun,
    repos: dict[str, RepoInfo],
    *,
    now: datetime,
    snapshot_date: date,
    synthetic: bool,
    thresholds: GuardThresholds | None = None,
    frozen_baseline: dict[str, dict[str, Any]] | None = None,
) -> Assembled:
    """This run's rows, merged with the previous table so no good value is lost.

    The anomaly guard runs first: a source it rejects loses this run's values, so the merge
    keeps the previous ones (with their old fetched_at). Entries whose values could not be
    refreshed are listed with the reason."""
    entry_repo = {
        entry.position: names[0]
        for entry in inputs.document.entries
        if (names := entry_repos(entry, inputs.overrides))
    }
    rows = build_rows(
        resolution.resolutions,
        repos,
        entry_repo,
        now=now,
        snapshot_date=snapshot_date,
        synthetic=synthetic,
    )
    rejections = check_sources(
        rows, inputs.previous_rows, thresholds or GuardThresholds(), frozen_baseline=frozen_baseline
    )
    for rejection in rejections:
        rows = without_source(rows, rejection.source)
    merged = merge_with_previous(rows, inputs.previous_rows)
    rejected = {r.source: "rejected by the anomaly guard" for r in rejections}
    stale = not_refreshed(merged, now, resolution, repos, entry_repo, rejected)
    return Assembled(merged, rejections, stale)


def not_refreshed(
    rows: Sequence[dict[str, Any]],
    now: datetime,
    resolution: ResolutionRun,
    repos: Mapping[str, RepoInfo],
    entry_repo: Mapping[int, str],
    rejected: Mapping[str, str],
) -> list[NotRefreshed]:
    """Entries whose citation count or repository values are older than this run, and why."""
    notes = {r.entry.position: "; ".join(r.notes) for r in resolution.resolutions}
    s2_failure = resolution.failures.get("s2")
    stale = []
    for row in rows:
        if row.get("s2_paper_id") and row.get("s2_fetched_at") != now:
            why = rejected.get("s2") or s2_failure or notes.get(row["position"]) or "no answer"
            stale.append(
                NotRefreshed(
                    row["title"], row.get("section"), "citations", row.get("s2_fetched_at"), why
                )
            )
        asked = entry_repo.get(row["position"])
        if asked and row.get("github_fetched_at") != now:
            info = repos.get(asked)
            repo_why = rejected.get("github") or (info.reason if info else None)
            stale.append(
                NotRefreshed(
                    row["title"],
                    row.get("section"),
                    "repository",
                    row.get("github_fetched_at"),
                    repo_why or "no answer",
                )
            )
    return stale


def not_refreshed_line(stale: Sequence[NotRefreshed]) -> str:
    """One summary line: how many values are kept from earlier runs, and the reasons."""
    counts = Counter(item.what for item in stale)
    reasons = Counter(item.reason for item in stale)
    what = " and ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    why = "; ".join(f"{reason} ({n})" for reason, n in reasons.most_common(3))
    more = f"; and {len(reasons) - 3} other reasons" if len(reasons) > 3 else ""
    return f"not refreshed this run, previous values kept (see changes.md): {what}: {why}{more}"


def frozen_baseline(out: Path, snapshot_date: date, nights: int) -> dict[str, dict[str, Any]]:
    """The latest snapshot at least `nights` nights old, for the guard's frozen-source check."""
    if nights <= 0:
        return {}
    old = [d for d in snapshot_dates(out / "history") if (snapshot_date - d).days >= nights]
    return read_snapshot(out / "history", old[-1]) if old else {}


def fetch_citation_history(
    inputs: Inputs,
    resolution: ResolutionRun,
    settings: Settings,
    *,
    page_budget: int,
    now: datetime,
    synthetic: bool,
    limiter: Callable[[str], None] | None = None,
    s2_calls_spent: int = 0,
) -> tuple[dict[str, list[dict[str, Any]]], CallStats, str]:
    """Citing papers per year and month for the papers due (never fetched, or a month old),
    within `page_budget` calls and what is left of the run's S2 call budget. A paper that
    fails keeps its previous rows."""
    if settings.call_budget is not None:
        page_budget = min(page_budget, max(0, settings.call_budget - s2_calls_spent))
    papers: dict[str, int | None] = {}
    for r in resolution.resolutions:
        if r.s2_paper_id and r.s2 is not None and r.s2_paper_id not in papers:
            papers[r.s2_paper_id] = r.s2.citation_count
    plan = plan_fetches(papers, last_fetched(inputs.citations), now, page_budget)
    s2 = SemanticScholarClient.from_settings(settings, limiter=limiter)
    fetched: dict[str, list[dict[str, Any]]] = {}
    failure = ""
    pages_left = page_budget
    skipped = 0
    try:
        for paper_id in plan.fetch:
            if pages_left <= 0:
                break
            try:
                citing, pages, complete = s2.get_citations(
                    paper_id, max_pages=min(MAX_PAGES_PER_PAPER, pages_left)
                )
            except ApiError as error:
                if is_outage(error):
                    failure = f"; stopped: {error}"
                    break
                skipped += 1  # this paper only: the others are still asked
                failure = f"; {skipped} skipped, the last: {error}"
                continue
            pages_left -= pages
            fetched[paper_id] = rows_for(
                paper_id, citing, fetched_at=now, complete=complete, synthetic=synthetic
            )
    finally:
        s2.http.close()
    waiting = plan.waiting + len(plan.fetch) - len(fetched)
    line = (
        f"s2 citation history: {len(fetched)} papers fetched in "
        f"{s2.http.stats.network_requests} calls ({s2.http.stats.cache_hits} from the cache), "
        f"{waiting} due papers left for a later run{failure}"
    )
    return fetched, s2.http.stats, line


def write_outputs(
    options: JobOptions,
    inputs: Inputs,
    resolution: ResolutionRun,
    rows: list[dict[str, Any]],
    *,
    now: datetime,
    snapshot_date: date,
    citations: dict[str, list[dict[str, Any]]] | None = None,
    rejections: Sequence[Rejection] = (),
    stale: Sequence[NotRefreshed] = (),
) -> tuple[list[Path], str]:
    """Every output, each atomically; returns the files and changes.md's text."""
    remove_stale_temporaries_under(options.out)  # a killed run's debris (we hold the lock)
    synthetic = is_synthetic(options.settings)
    history = options.out / "history"
    previous = read_snapshot_before(history, snapshot_date)
    citation_rows = replace_papers(inputs.citations, citations or {})
    trends = compute_trends(
        read_trend_history(history, rows, snapshot_date),
        pd.DataFrame(citation_rows) if citation_rows else None,
    )
    trending = set(trends.table.loc[trends.table["trending"], "position"].astype(int))
    written = write_tables(
        rows,
        inputs.document,
        options.out,
        snapshot_date,
        synthetic=synthetic,
        extras=options.extras,
        trending=trending,
    )
    written += write_resolution(
        resolution, options.out, source=str(options.list_path), now=now, synthetic=synthetic
    )
    if citations:
        written += write_citations(citation_rows, options.out, synthetic=synthetic)
    written += write_trends(trends, options.out, synthetic=synthetic)
    changes = compute_changes(
        rows,
        previous,
        snapshot_date,
        warnings=[str(r) for r in rejections],
        not_refreshed=stale,
        synthetic=synthetic,
    )
    changes_path, changes_text = write_changes(changes, options.out)
    return [*written, changes_path], changes_text


def summary_lines(result: JobResult, repo_line: str, *extra: str) -> list[str]:
    lines = [
        list_summary(result.document),
        *resolution_summary(result.resolution),
        repo_line,
        *extra,
    ]
    for name, stats in result.calls.items():
        lines.append(
            f"{name} calls: {stats.network_requests} sent, {stats.cache_hits} from the cache, "
            f"{stats.not_modified} not modified, {stats.retries} retries"
        )
    return lines


def failed_sources(resolution: ResolutionRun, repo_line: str) -> set[str]:
    failed = {
        api.removesuffix("-title")
        for api, reason in resolution.failures.items()
        if api.removesuffix("-title") in SOURCES and not reason.startswith("not asked")
    }
    if "FAILED" in repo_line or "stopped asking" in repo_line:
        failed.add("github")
    return failed


def list_summary(document: ListDocument) -> str:
    sections = len({entry.section for entry in document.entries})
    tables = sum(entry.kind == "table" for entry in document.entries)
    errors = len(document.errors)
    return (
        f"{document.source}: {len(document.entries)} entries in {sections} sections "
        f"({tables} in tables, {len(document.entries) - tables} bullets); "
        f"{errors} errors, {len(document.diagnostics) - errors} warnings"
    )


# --- the job's order and decisions, shared by the flow and by runs without Prefect -----------


class NoPaperSource(PipelineError):
    """Neither Semantic Scholar nor arXiv answered: nothing was written."""


def resolve_step(
    options: JobOptions,
    inputs: Inputs,
    *,
    limiter: Callable[[str], None] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[ResolutionRun, dict[str, CallStats]]:
    return resolve_papers(inputs, options.settings, options.sources, limiter, progress)


def repositories_step(
    options: JobOptions,
    inputs: Inputs,
    *,
    limiter: Callable[[str], None] | None = None,
    log: Callable[[str], None] | None = None,
) -> tuple[dict[str, RepoInfo], CallStats, str]:
    return fetch_repositories(inputs, options.settings, options.sources, limiter, log)


def citation_history_step(
    options: JobOptions,
    inputs: Inputs,
    resolution: ResolutionRun,
    now: datetime,
    s2_calls_spent: int,
    *,
    limiter: Callable[[str], None] | None = None,
) -> tuple[dict[str, list[dict[str, Any]]], CallStats, str]:
    return fetch_citation_history(
        inputs,
        resolution,
        options.settings,
        page_budget=options.citation_pages,
        now=now,
        synthetic=is_synthetic(options.settings),
        limiter=limiter,
        s2_calls_spent=s2_calls_spent,
    )


def assemble_step(
    options: JobOptions,
    inputs: Inputs,
    resolution: ResolutionRun,
    repos: dict[str, RepoInfo],
    now: datetime,
) -> Assembled:
    snapshot_date = options.snapshot_date or now.date()
    return assemble_rows(
        inputs,
        resolution,
        repos,
        now=now,
        snapshot_date=snapshot_date,
        synthetic=is_synthetic(options.settings),
        thresholds=options.guard,
        frozen_baseline=frozen_baseline(options.out, snapshot_date, options.guard.frozen_nights),
    )


def write_step(
    options: JobOptions,
    inputs: Inputs,
    resolution: ResolutionRun,
    rows: list[dict[str, Any]],
    now: datetime,
    citations: dict[str, list[dict[str, Any]]],
    rejections: list[Rejection],
    stale: list[NotRefreshed],
) -> tuple[list[str], str]:
    written, changes = write_outputs(
        options,
        inputs,
        resolution,
        rows,
        now=now,
        snapshot_date=options.snapshot_date or now.date(),
        citations=citations,
        rejections=rejections,
        stale=stale,
    )
    return [str(path) for path in written], changes


@dataclass(frozen=True)
class Steps:
    """The job's steps. The flow passes its Prefect tasks (same signatures, plus its limiter and
    logger); `Steps()` runs them in-process."""

    read_inputs: Callable[[JobOptions], Inputs] = read_inputs
    resolve_papers: Callable[[JobOptions, Inputs], tuple[ResolutionRun, dict[str, CallStats]]] = (
        resolve_step
    )
    fetch_repositories: Callable[
        [JobOptions, Inputs], tuple[dict[str, RepoInfo], CallStats, str]
    ] = repositories_step
    fetch_citation_history: Callable[
        [JobOptions, Inputs, ResolutionRun, datetime, int],
        tuple[dict[str, list[dict[str, Any]]], CallStats, str],
    ] = citation_history_step
    assemble_rows: Callable[
        [JobOptions, Inputs, ResolutionRun, dict[str, RepoInfo], datetime], Assembled
    ] = assemble_step
    write_outputs: Callable[
        [
            JobOptions,
            Inputs,
            ResolutionRun,
            list[dict[str, Any]],
            datetime,
            dict[str, list[dict[str, Any]]],
            list[Rejection],
            list[NotRefreshed],
        ],
        tuple[list[str], str],
    ] = write_step


def _ignore(_: Any) -> None:
    return None


@dataclass(frozen=True)
class Hooks:
    """Where the run's lines and results go (the flow: its logger and Prefect artifacts)."""

    log: Callable[[str], None] = _ignore
    warn: Callable[[str], None] = _ignore
    publish: Callable[[JobResult], None] = _ignore
    publish_changes: Callable[[str], None] = _ignore


def run_steps(
    options: JobOptions, now: datetime, steps: Steps | None = None, hooks: Hooks | None = None
) -> JobResult:
    """The whole job, in order: read, resolve, refuse when no paper source answered (before
    GitHub is asked: nothing would be written), repositories, citation history (unless S2
    failed), assemble behind the anomaly guard, write. Raises NoPaperSource."""
    steps, hooks = steps or Steps(), hooks or Hooks()
    inputs = steps.read_inputs(options)
    for diagnostic in inputs.document.errors:
        hooks.warn(str(diagnostic))
    resolution, calls = steps.resolve_papers(options, inputs)
    result = JobResult(inputs.document, resolution, {}, calls, failed_sources(resolution, ""))
    if result.no_paper_source:
        result.lines = summary_lines(result, "github: not asked (no paper source answered)")
        for line in result.lines:
            hooks.log(line)
        hooks.publish(result)
        raise NoPaperSource(
            "\n".join([*result.lines, f"No paper source answered: {options.out} left untouched."])
        )
    result.repos, github_calls, repo_line = steps.fetch_repositories(options, inputs)
    citations: dict[str, list[dict[str, Any]]] = {}
    history_line = "s2 citation history: not asked"
    if "s2" in options.sources and options.citation_pages > 0 and "s2" not in resolution.failures:
        citations, citation_calls, history_line = steps.fetch_citation_history(
            options, inputs, resolution, now, calls["s2"].network_requests
        )
        result.calls["s2 citations"] = citation_calls
    result.calls["github"] = github_calls
    result.failed = failed_sources(resolution, repo_line)
    result.lines = summary_lines(result, repo_line, history_line)
    assembled = steps.assemble_rows(options, inputs, resolution, result.repos, now)
    result.rows, result.rejections = assembled.rows, assembled.rejections
    if any(rejection.source == "s2" for rejection in result.rejections) and citations:
        citations = {}  # the same source's citing papers are not believed either
        result.lines.append("s2 citation history: not saved (S2 rejected by the anomaly guard)")
    result.lines += [str(rejection) for rejection in result.rejections]
    if assembled.not_refreshed:
        result.lines.append(not_refreshed_line(assembled.not_refreshed))
    for line in result.lines:
        hooks.log(line)
    for rejection in result.rejections:
        hooks.warn(str(rejection))
    hooks.publish(result)
    written, changes = steps.write_outputs(
        options,
        inputs,
        resolution,
        result.rows,
        now,
        citations,
        result.rejections,
        assembled.not_refreshed,
    )
    hooks.publish_changes(changes)
    result.written = [Path(path) for path in written]
    return result
