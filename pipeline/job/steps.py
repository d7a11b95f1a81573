"""The enrichment job as steps; the Prefect flow (flows/enrich.py) runs each one as a task."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pipeline.analysis.changes import NotRefreshed
from pipeline.analysis.guard import Rejection
from pipeline.core.errors import ConfigError
from pipeline.core.lanes import lane, submit_in_context
from pipeline.job.lanes import PaperSignal
from pipeline.job.options import (
    Inputs,
    JobOptions,
    JobResult,
    NoPaperSource,
    is_synthetic,
    read_inputs,
)
from pipeline.job.outputs import write_outputs
from pipeline.job.papers import Papers, fetch_papers
from pipeline.job.repositories import fetch_repositories
from pipeline.job.rows import Assembled, assemble_rows, frozen_baseline, not_refreshed_line
from pipeline.job.stars import star_history_line, star_rows
from pipeline.job.summary import failed_sources, summary_lines
from pipeline.resolve.records import MatchMethod, ResolutionRun
from pipeline.sources.github import RepoInfo
from pipeline.sources.http import CallStats

T_co = TypeVar("T_co", covariant=True)

# --- the job's order and decisions, shared by the flow and by runs without Prefect -----------


def resolve_step(
    options: JobOptions,
    inputs: Inputs,
    now: datetime,
    signal: PaperSignal | None = None,
    *,
    limiter: Callable[[str], None] | None = None,
    progress: Callable[[str, int, int, int], None] | None = None,
) -> Papers:
    """Resolve the papers and fetch their citation history in S2's remaining time (unless S2
    failed); `signal` is told when S2 or arXiv first answers."""
    return fetch_papers(
        inputs,
        options.settings,
        options.sources,
        limiter=limiter,
        progress=progress,
        today=options.snapshot_date or now.date(),
        now=now,
        citation_pages=options.citation_pages if "s2" in options.sources else 0,
        synthetic=is_synthetic(options.settings),
        lanes=options.overlap,
        on_answer=signal.answered if signal is not None else None,
    )


GITHUB_NOT_ASKED = "github: not asked (no paper source answered)"


def repositories_step(
    options: JobOptions,
    inputs: Inputs,
    signal: PaperSignal | None = None,
    *,
    limiter: Callable[[str], None] | None = None,
    log: Callable[[str], None] | None = None,
) -> tuple[dict[str, RepoInfo], CallStats, str]:
    """GitHub's lane: waits for `signal` (a paper source answered) when given, then asks.
    Any failure is GitHub's alone: the repositories keep their previous values, the papers
    are written."""
    if signal is not None and not signal.wait():
        return {}, CallStats(), GITHUB_NOT_ASKED
    try:
        return fetch_repositories(
            inputs, options.settings, options.sources, limiter, log, star_pages=options.star_pages
        )
    except ConfigError:  # the run's settings: the run fails, as documented
        raise
    except Exception as error:  # a bug or an unforeseen answer: this lane stops, not the run
        return {}, CallStats(), f"github: FAILED: {type(error).__name__}: {error}"


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
    star_weeks: list[dict[str, Any]] | None = None,
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
        star_weeks=star_weeks,
    )
    return [str(path) for path in written], changes


class Pending(Protocol[T_co]):
    """Work started on another thread: a concurrent.futures.Future or a PrefectFuture."""

    def result(self) -> T_co: ...


RepoAnswer = tuple[dict[str, RepoInfo], CallStats, str]


@dataclass(frozen=True)
class Steps:
    """The job's steps. The flow passes its Prefect tasks (same signatures, plus its limiter and
    logger) and starts the GitHub lane as a submitted task; `Steps()` runs them in-process, the
    GitHub lane on a thread of its own."""

    read_inputs: Callable[[JobOptions], Inputs] = read_inputs
    resolve_papers: Callable[[JobOptions, Inputs, datetime, PaperSignal | None], Papers] = (
        resolve_step
    )
    fetch_repositories: Callable[[JobOptions, Inputs, PaperSignal | None], RepoAnswer] = (
        repositories_step
    )
    # Starts fetch_repositories alongside the papers; None: on a thread (concurrent.futures).
    start_repositories: Callable[[JobOptions, Inputs, PaperSignal], Pending[RepoAnswer]] | None = (
        None
    )
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
            list[dict[str, Any]] | None,
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


def _start_on_a_thread(
    fetch: Callable[[JobOptions, Inputs, PaperSignal | None], RepoAnswer],
) -> Callable[[JobOptions, Inputs, PaperSignal], Pending[RepoAnswer]]:
    def start(options: JobOptions, inputs: Inputs, signal: PaperSignal) -> Pending[RepoAnswer]:
        executor = lane("github-lane")
        future = submit_in_context(executor, fetch, options, inputs, signal)
        executor.shutdown(wait=False)  # the thread ends with its one piece of work
        return future

    return start


def _github_answer(pending: Pending[RepoAnswer]) -> RepoAnswer:
    """The GitHub lane's answer; its failure is GitHub's alone (the papers are kept)."""
    try:
        return pending.result()
    except ConfigError:  # the run's settings: the run fails, as documented
        raise
    except Exception as error:
        return {}, CallStats(), f"github: FAILED: {type(error).__name__}: {error}"


def deadline_reached(options: JobOptions) -> bool:
    deadline = options.settings.deadline
    return deadline is not None and deadline.was_reached


def deadline_line(options: JobOptions, inputs: Inputs, result: JobResult) -> str:
    """What the deadline left undone: the entries kept from the previous run, and the new ones
    without data (pending: asked on the next run)."""
    deadline = options.settings.deadline
    seconds = f"{deadline.seconds:g} s" if deadline is not None else "?"
    pending = sum(
        1
        for r in result.resolution.resolutions
        if r.method is MatchMethod.UNRESOLVED and r.entry_id not in inputs.previous_rows
    )
    return (
        f"deadline reached ({seconds}): stopped asking and wrote what was fetched; entries not "
        f"reached keep their previous values (not refreshed, below), {pending} new entries "
        "pending until the next run; exit status 4"
    )


def run_steps(
    options: JobOptions, now: datetime, steps: Steps | None = None, hooks: Hooks | None = None
) -> JobResult:
    """The whole job: read; then the APIs, side by side when `options.overlap` (GitHub on its
    own lane from the first paper answer, S2 and arXiv on theirs, the citation history in
    S2's remaining time), else one after another; refuse when no paper source answered
    (GitHub is then not asked: nothing would be written); assemble behind the anomaly guard;
    write. Raises NoPaperSource."""
    steps, hooks = steps or Steps(), hooks or Hooks()
    inputs = steps.read_inputs(options)
    for diagnostic in inputs.document.errors:
        hooks.warn(str(diagnostic))
    signal = PaperSignal()
    if options.settings.deadline is not None:
        signal.answered()  # a run with a deadline writes what it has: GitHub need not wait
    github: Pending[RepoAnswer] | None = None
    if options.overlap:
        start = steps.start_repositories or _start_on_a_thread(steps.fetch_repositories)
        github = start(options, inputs, signal)
    try:
        papers = steps.resolve_papers(options, inputs, now, signal if github else None)
    except BaseException:
        signal.finished(any_answer=False)
        if github is not None:
            _github_answer(github)  # the lane ends without asking, or has finished
        raise
    resolution = papers.resolution
    result = JobResult(
        inputs.document, resolution, {}, dict(papers.calls), failed_sources(resolution, "")
    )
    result.deadline_reached = deadline_reached(options)
    signal.finished(any_answer=not result.no_paper_source)
    if result.no_paper_source:
        if github is not None:
            _github_answer(github)
        result.calls.pop("s2 citations", None)
        result.lines = summary_lines(result, GITHUB_NOT_ASKED)
        for line in result.lines:
            hooks.log(line)
        hooks.publish(result)
        raise NoPaperSource(
            "\n".join([*result.lines, f"No paper source answered: {options.out} left untouched."])
        )
    if github is not None:
        result.repos, github_calls, repo_line = _github_answer(github)
    else:
        result.repos, github_calls, repo_line = steps.fetch_repositories(options, inputs, None)
    citations = papers.citations
    result.calls["github"] = github_calls
    result.failed = failed_sources(resolution, repo_line)
    result.deadline_reached = deadline_reached(options)
    stars_line = star_history_line(result.repos)
    result.lines = summary_lines(
        result, repo_line, papers.history_line, *([stars_line] if stars_line else [])
    )
    assembled = steps.assemble_rows(options, inputs, resolution, result.repos, now)
    result.rows, result.rejections = assembled.rows, assembled.rejections
    if any(rejection.source == "s2" for rejection in result.rejections) and citations:
        citations = {}  # the same source's citing papers are not believed either
        result.lines.append("s2 citation history: not saved (S2 rejected by the anomaly guard)")
    result.lines += [str(rejection) for rejection in result.rejections]
    star_weeks = None
    if any(rejection.source == "github" for rejection in result.rejections):
        result.lines.append("github star history: not saved (GitHub rejected by the anomaly guard)")
    elif result.repos:
        star_weeks = star_rows(options, inputs, result.repos, now)
    if assembled.not_refreshed:
        result.lines.append(not_refreshed_line(assembled.not_refreshed))
    if result.deadline_reached:
        result.lines.append(deadline_line(options, inputs, result))
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
        star_weeks,
    )
    hooks.publish_changes(changes)
    result.written = [Path(path) for path in written]
    return result
