"""The enrichment job as steps; the Prefect flow (flows/enrich.py) runs each one as a task."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.analysis.changes import NotRefreshed
from pipeline.analysis.guard import Rejection
from pipeline.job.options import (
    Inputs,
    JobOptions,
    JobResult,
    NoPaperSource,
    is_synthetic,
    read_inputs,
)
from pipeline.job.outputs import write_outputs
from pipeline.job.papers import fetch_citation_history, resolve_papers
from pipeline.job.repositories import fetch_repositories
from pipeline.job.rows import Assembled, assemble_rows, frozen_baseline, not_refreshed_line
from pipeline.job.summary import failed_sources, summary_lines
from pipeline.resolve.records import ResolutionRun
from pipeline.sources.github import RepoInfo
from pipeline.sources.http import CallStats

# --- the job's order and decisions, shared by the flow and by runs without Prefect -----------


def resolve_step(
    options: JobOptions,
    inputs: Inputs,
    *,
    limiter: Callable[[str], None] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[ResolutionRun, dict[str, CallStats]]:
    today = options.snapshot_date or datetime.now(UTC).date()
    return resolve_papers(inputs, options.settings, options.sources, limiter, progress, today)


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
