"""The Prefect flow `enrich-awesome-list`: thin tasks over the job's steps, at batch granularity.

Tasks: read inputs (parse the list, overrides, previous outputs); resolve papers (S2 batches and
title matches, arXiv searches and id lookups, then the citation history from S2's citing papers in
S2's remaining time); fetch repositories (GitHub GraphQL batches); assemble rows (the anomaly
guard, then the merge with the previous table); write outputs (Parquet, history, regenerated list,
BibTeX, reports, trends, changes.md). Their order and decisions are
`pipeline.job.steps.run_steps`; this module supplies the tasks, the logger, the artifacts and the
output folder's lock. Retries live in the HTTP layer only: no Prefect retries are stacked on them.

The APIs run side by side (issue 15): `fetch-repositories` is submitted to the flow's
ThreadPoolTaskRunner and runs while `resolve-papers` works in the flow's thread; inside
`resolve-papers`, arXiv has a thread of its own (docs/ARCHITECTURE.md, "Lanes"). Every request
still waits for its API's pacer and then for the shared Prefect rate limit (flows/limits.py).

The flow completes when some entries or sources fail (recorded in its artifacts), completes as
"Anomalous" when the guard rejected a source, completes as "Deadline" when its deadline stopped
it (the outputs written with what it had), and fails when no paper source answered, leaving the
outputs untouched.

Tokens never travel as parameters: the clients read them from the environment, or from the
Prefect Secret blocks `github-token` and `s2-api-key` when the environment has none.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal, TextIO, TypeVar, cast

from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    create_link_artifact,
    create_markdown_artifact,
    create_table_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State
from prefect.exceptions import PrefectException
from prefect.futures import PrefectFuture
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
from prefect.states import Completed, Failed
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import quote
from pydantic import BaseModel, ConfigDict, Field

from flows.limits import ensure_limits, limiter_for
from flows.quotas import uses_shared_limits
from pipeline.analysis.citation_history import DEFAULT_PAGE_BUDGET
from pipeline.analysis.guard import GuardThresholds
from pipeline.analysis.star_history import DEFAULT_STAR_PAGES
from pipeline.core.errors import PipelineError
from pipeline.job.lanes import PaperSignal
from pipeline.job.options import Inputs, JobOptions, JobResult, ListExtras, read_inputs
from pipeline.job.papers import Papers
from pipeline.job.plan import estimate_calls
from pipeline.job.progress import ProgressReporter, pace_for
from pipeline.job.publish import (
    DEFAULT_BRANCH,
    PublishError,
    PublishResult,
    PublishSpec,
    publish_list,
)
from pipeline.job.report import REPORT_NAME
from pipeline.job.steps import (
    Hooks,
    Pending,
    RepoAnswer,
    Steps,
    assemble_step,
    repositories_step,
    resolve_step,
    run_steps,
    write_step,
)
from pipeline.resolve.records import MatchMethod
from pipeline.sources.config import Settings, deadline_for, settings_from_env
from pipeline.sources.gates import Deadline
from pipeline.store.locations import list_blob_sha, list_file, output_folder
from pipeline.store.lock import output_lock

Source = Literal["s2", "arxiv", "github"]
_DEFAULT_GUARD = GuardThresholds()


class GuardParams(BaseModel):
    """The anomaly guard's thresholds (pipeline.analysis.guard.GuardThresholds)."""

    model_config = ConfigDict(extra="forbid")

    citations_zero_share: float = Field(default=_DEFAULT_GUARD.citations_zero_share, ge=0, le=1)
    citations_fall_share: float = Field(default=_DEFAULT_GUARD.citations_fall_share, ge=0, le=1)
    frozen_nights: int = Field(default=_DEFAULT_GUARD.frozen_nights, ge=0)
    stars_zero_share: float = Field(default=_DEFAULT_GUARD.stars_zero_share, ge=0, le=1)
    stars_fall_share: float = Field(default=_DEFAULT_GUARD.stars_fall_share, ge=0, le=1)
    min_compared: int = Field(default=_DEFAULT_GUARD.min_compared, ge=1)

    def thresholds(self) -> GuardThresholds:
        return GuardThresholds(**self.model_dump())


class PublishParams(BaseModel):
    """Where the regenerated list is published after the outputs are written (issue 24;
    docs/publishing.md). The token is GITHUB_TOKEN (or the `github-token` block), never a
    parameter."""

    model_config = ConfigDict(extra="forbid")

    repo: str = Field(description="OWNER/NAME on GitHub; mode git: the path of a local clone")
    path: str = Field(default="README.md", description="the list's file in the repository")
    base: str | None = Field(
        default=None, description="the base branch (default: the repository's default branch)"
    )
    mode: Literal["pr", "commit", "git"] = Field(
        default="pr", description="pr: one pull request kept current; commit: on the base; git"
    )
    branch: str = Field(default=DEFAULT_BRANCH, description="mode pr: the branch of the PR")
    release: bool = Field(default=False, description="a draft release per week (changes.md)")

    def spec(self) -> PublishSpec:
        return PublishSpec(**self.model_dump())


class EnrichParams(BaseModel):
    """Flow parameters. They are stored verbatim by Prefect: never put a token here (unknown
    parameters, such as a `github_token`, are refused rather than silently stored)."""

    model_config = ConfigDict(extra="forbid")

    list_path: str = Field(
        default="data/raw/README.md",
        description="the Markdown list: a path, a file:// URL, the http(s) URL of a raw file, "
        "or github:OWNER/REPO/PATH[@REF] (read through GitHub's contents API)",
    )
    out: str = Field(
        default="data/enriched", description="the output folder: a path or file:// URL"
    )
    snapshot_date: date | None = Field(
        default=None, description="the history date (default: today, UTC)"
    )
    sources: list[Source] = Field(default=["s2", "arxiv", "github"], min_length=1)
    call_budget: int | None = Field(
        default=None, ge=1, description="at most this many requests to each API in this run"
    )
    overrides_path: str | None = Field(
        default=None, description="default: overrides.yaml next to the list"
    )
    cache_dir: str | None = Field(
        default=None, description="default: $AWESOME_ENRICH_CACHE_DIR or .cache/http"
    )
    no_cache: bool = False
    guard: GuardParams = Field(default_factory=GuardParams)
    citation_pages: int = Field(
        default=DEFAULT_PAGE_BUDGET,
        ge=0,
        description="S2 citation-list pages (calls) per run for citations_by_year; 0: none",
    )
    star_pages: int = Field(
        default=DEFAULT_STAR_PAGES,
        ge=0,
        description="GitHub star-history pages (calls) per run for stars_by_week; 0: none",
    )
    sort_by: Literal["citations", "stars"] | None = Field(
        default=None, description="sort each table of the regenerated list"
    )
    trending_marker: bool = Field(
        default=False, description="mark trending papers in the regenerated list"
    )
    deadline: str | None = Field(
        default=None,
        description="stop asking this long after the start (90m, 60s, 1h30m) and write what "
        "was fetched (exit status 4); default: $AWESOME_ENRICH_DEADLINE, else none",
    )
    deadline_at: datetime | None = Field(
        default=None,
        description="when the deadline's window ends (UTC); `run --deadline` sets it from the "
        "command's start, so Prefect's start-up counts",
    )
    lock_wait_s: float = Field(
        default=0.0,
        ge=0,
        description="wait this long for another run writing the same folder (default: fail now)",
    )
    overlap: bool = Field(
        default=True,
        description="ask the APIs side by side; false: one after another (as before issue 15)",
    )
    publish: PublishParams | None = Field(
        default=None, description="publish the regenerated list (a pull request, a commit)"
    )


T = TypeVar("T")


def _quoted(value: T) -> T:
    """`prefect.utilities.annotations.quote`, typed as the value it wraps (Prefect unwraps it)."""
    return cast(T, quote(value))


def _secret_from_block(name: str) -> str | None:
    try:
        from prefect.blocks.system import Secret as SecretBlock

        block: Any = SecretBlock.load(name)  # synchronous here: we are not in an event loop
        value = block.get()
    except (ValueError, ImportError, RuntimeError):
        return None
    return str(value) if value else None


def _settings(params: EnrichParams, deadline: Deadline | None = None) -> Settings:
    env = dict(os.environ)
    for variable, block in (("GITHUB_TOKEN", "github-token"), ("S2_API_KEY", "s2-api-key")):
        if not env.get(variable) and (value := _secret_from_block(block)):
            env[variable] = value
    settings = settings_from_env(
        env,
        cache_dir=Path(params.cache_dir) if params.cache_dir else None,
        no_cache=params.no_cache,
    )
    return replace(settings.with_budget(params.call_budget), deadline=deadline)


@task(name="read-inputs", cache_policy=NO_CACHE)
def read_inputs_task(options: JobOptions) -> Inputs:
    return read_inputs(options)


def _limiter(settings: Settings) -> Callable[[str], None] | None:
    """The shared per-quota limits (flows/limits.py), except against a local fake whose waits
    are scaled away (AWESOME_ENRICH_TIME_SCALE=0)."""
    return limiter_for(settings)


# The run's progress reporter, set by the flow for its tasks (Prefect runs them in a copy of
# the flow's context, the lanes in a copy of the task's).
_PROGRESS: ContextVar[ProgressReporter | None] = ContextVar("awesome_enrich_progress", default=None)
# Where `run_in_process` wants the progress lines too (the console of `awesome-enrich run`).
_CONSOLE: ContextVar[TextIO | None] = ContextVar("awesome_enrich_console", default=None)


def _counted(limiter: Callable[[str], None] | None) -> Callable[[str], None] | None:
    progress = _PROGRESS.get()
    return limiter if progress is None else progress.counting(limiter)


@task(name="resolve-papers", cache_policy=NO_CACHE)
def resolve_papers_task(
    options: JobOptions, inputs: Inputs, now: datetime, signal: PaperSignal | None
) -> Papers:
    progress = _PROGRESS.get()
    if progress is not None:
        progress.plan(
            pace_for(
                estimate_calls(inputs.document),
                options.settings,
                star_pages=options.star_pages,
                sources=options.sources,
            )
        )
    return resolve_step(
        options,
        inputs,
        now,
        signal,
        limiter=_counted(_limiter(options.settings)),
        progress=progress,
    )


@task(name="fetch-repositories", cache_policy=NO_CACHE)
def fetch_repositories_task(
    options: JobOptions, inputs: Inputs, signal: PaperSignal | None
) -> RepoAnswer:
    return repositories_step(
        options,
        inputs,
        signal,
        limiter=_counted(_limiter(options.settings)),
        log=get_run_logger().info,
    )


def _submit_repositories(
    options: JobOptions, inputs: Inputs, signal: PaperSignal
) -> Pending[RepoAnswer]:
    """The GitHub lane: the task submitted to the flow's ThreadPoolTaskRunner."""
    future = fetch_repositories_task.submit(_quoted(options), _quoted(inputs), _quoted(signal))
    return cast("Pending[RepoAnswer]", future)


assemble_rows_task = task(name="assemble-rows", cache_policy=NO_CACHE)(assemble_step)
write_outputs_task = task(name="write-outputs", cache_policy=NO_CACHE)(write_step)


def _quoting(function: Callable[..., T]) -> Callable[..., T]:
    """The task called with quoted arguments: Prefect would otherwise visit every element of
    them (every entry, resolution and row) to track dependencies: a minute of CPU at 10,000."""

    def call(*args: Any) -> T:
        return function(*(_quoted(arg) for arg in args))

    return call


def artifact_key(kind: str, out: Path) -> str:
    """`enrich-<kind>-<folder>-<6 hex>`: one key per output folder, so per list, and the
    Artifacts page shows each list's latest run; the hash of the folder's absolute path tells
    apart folders of the same name. Lowercase letters, digits and dashes, as Prefect requires."""
    slug = re.sub(r"[^a-z0-9]+", "-", out.name.lower()).strip("-")[:40] or "out"
    digest = hashlib.sha256(str(out.absolute()).encode("utf-8")).hexdigest()[:6]
    return f"enrich-{kind}-{slug}-{digest}"


def _publish_changes(out: Path, markdown: str) -> None:
    create_markdown_artifact(
        key=artifact_key("changes", out), markdown=markdown, description="changes.md"
    )


def _publish_report(out: Path, written: list[str]) -> None:
    """A link artifact to report.html (a file on the machine that ran the flow)."""
    for path in (Path(p) for p in written if Path(p).name == REPORT_NAME):
        create_link_artifact(
            key=artifact_key("report", out),
            link=path.resolve().as_uri(),
            link_text=REPORT_NAME,
            description="Sortable papers, trend charts and changes, on the machine of the run",
        )


def _publish(out: Path, result: JobResult) -> None:
    """A Markdown artifact (the run summary) and a table artifact (what failed)."""
    markdown = "# Enrichment run\n\n" + "\n".join(f"- {line}" for line in result.lines)
    create_markdown_artifact(
        key=artifact_key("summary", out), markdown=markdown, description="run summary"
    )
    failures: list[dict[str, Any]] = [
        {
            "line": r.entry.line,
            "title": r.entry.title,
            "what": r.method.value,
            "why": "; ".join(r.notes),
        }
        for r in result.resolution.resolutions
        if r.method is MatchMethod.UNRESOLVED or r.kept_from_previous
    ]
    failures += [
        {"line": None, "title": None, "what": f"source {api}", "why": reason}
        for api, reason in result.resolution.failures.items()
    ]
    failures += [
        {
            "line": None,
            "title": name,
            "what": f"repository {info.status.value}",
            "why": info.reason or "",
        }
        for name, info in result.repos.items()
        if info.status.value == "error"
    ]
    create_table_artifact(
        key=artifact_key("failures", out), table=failures or [{"what": "nothing failed"}]
    )


@flow(
    name="enrich-awesome-list",
    validate_parameters=True,
    # fetch-repositories runs on it alongside resolve-papers (which keeps the flow's thread).
    task_runner=cast("TaskRunner[PrefectFuture[Any]]", ThreadPoolTaskRunner(max_workers=2)),
)
def enrich_awesome_list(params: EnrichParams | None = None) -> dict[str, Any]:
    """Resolve, enrich and regenerate one awesome list; see the module docstring.

    Returns the run summary (a dict) in a Completed state, named "Anomalous" when the anomaly
    guard rejected a source (the outputs are written, with that source's previous values), and
    "Deadline" when the deadline stopped the run (written with what it had)."""
    params = params or EnrichParams()
    try:
        # Counted from here (the lock wait included), or from the command's start.
        deadline = deadline_for(params.deadline, ends_at=params.deadline_at)
        out = output_folder(params.out)  # a path or a file:// URL
        with output_lock(out, params.lock_wait_s):
            # A path, a file:// URL, the http(s) URL of a raw file, or a `github:` list in a
            # repository (the last two fetched into `out`).
            settings = _settings(params, deadline)
            options = _options(params, out, list_file(params.list_path, out, settings), deadline)
            return _enrich(options, params.publish.spec() if params.publish else None)
    except PipelineError as error:
        # A failure the run explains itself (no paper source answered, an input or output it
        # cannot use): the Failed state carries its text, once, without a traceback; callers
        # get the error as the state's data.
        return cast(dict[str, Any], failed_state(str(error), error))
    except Exception as error:
        # Unforeseen: Prefect fails the run with the traceback in its log; the one line is
        # announced first, so `deployment run --watch` shows it too.
        if not isinstance(error, PrefectException):  # not a cancellation or a pause
            announce_failure(f"{type(error).__name__}: {error}")
        raise


FAILURE_EVENT = "awesome-enrich.run.failed"
_CAUSE_LIMIT = 1000  # characters of the cause in the event (a label, not a log)
_DRAIN_S = 15.0  # at most this long to send the pending events before the run ends


def failed_state(cause: str, error: BaseException) -> State[Any]:
    """The run's final state when it fails for a reason it explains: Failed, with the one-line
    cause as its message, which the UI and `prefect flow-run inspect` show; announced as an
    event first, for `prefect deployment run --watch` (see `announce_failure`)."""
    announce_failure(cause)
    return Failed(message=cause, data=error)


def announce_failure(cause: str) -> None:
    """Emit `awesome-enrich.run.failed` about this flow run, its resource named by the cause.

    `prefect deployment run --watch` prints a flow run's events (`<event> * <resource name>`)
    but neither its final state's message nor, on a server that does not stream logs out (the
    default), its log: this event is how the cause reaches the terminal that watches."""
    from prefect.events import emit_event
    from prefect.events.worker import EventsWorker
    from prefect.runtime import flow_run

    line = " ".join(cause.split())[:_CAUSE_LIMIT] or "unknown cause"
    emit_event(
        event=FAILURE_EVENT,
        resource={
            "prefect.resource.id": f"awesome-enrich.run.{flow_run.id}",
            "prefect.resource.name": line,
        },
        related=[
            {
                "prefect.resource.id": f"prefect.flow-run.{flow_run.id}",
                "prefect.resource.role": "flow-run",
            }
        ],
        payload={"cause": line},
    )
    # Sent before the final state is proposed, and the task runs' events with it: the watcher
    # stops a few seconds after the terminal state, and a slow start of the events connection
    # on a busy machine would otherwise deliver them after it has gone.
    EventsWorker.drain_all(timeout=_DRAIN_S, at_exit=False)


def _options(
    params: EnrichParams, out: Path, list_path: Path, deadline: Deadline | None = None
) -> JobOptions:
    return JobOptions(
        list_path=list_path,
        out=out,
        settings=_settings(params, deadline),
        overrides_path=Path(params.overrides_path) if params.overrides_path else None,
        snapshot_date=params.snapshot_date,
        sources=tuple(params.sources),
        guard=params.guard.thresholds(),
        citation_pages=params.citation_pages,
        star_pages=params.star_pages,
        extras=ListExtras(sort_by=params.sort_by, trending_marker=params.trending_marker),
        overlap=params.overlap,
    )


@task(name="publish-list", cache_policy=NO_CACHE)
def publish_list_task(spec: PublishSpec, options: JobOptions, guard_tripped: bool) -> str:
    """The regenerated list published as `spec` says; one line, also when GitHub refused (the
    run's outputs stand either way)."""
    logger = get_run_logger()
    try:
        result: PublishResult = publish_list(
            spec,
            out=options.out,
            source=options.list_path.read_bytes(),
            source_sha=list_blob_sha(options.list_path),
            day=options.snapshot_date or datetime.now(UTC).date(),
            settings=options.settings,
            guard_tripped=guard_tripped,
            limiter=_limiter(options.settings),
        )
    except (PublishError, OSError) as error:
        line = f"publish: FAILED: {error}"
        logger.warning(line)
        return line
    logger.info(result.line)
    return result.line


def _enrich(options: JobOptions, publish: PublishSpec | None = None) -> dict[str, Any]:
    """The flow's body, run while it holds the output folder's lock: the job's steps as
    Prefect tasks, its lines in the flow's log, its results as artifacts."""
    logger = get_run_logger()
    if uses_shared_limits(options.settings):
        ensure_limits(options.settings)
    console = _CONSOLE.get()
    sinks: list[Callable[[str], None]] = [logger.info]
    if console is not None:
        sinks.append(functools.partial(_print_line, console))
    _PROGRESS.set(ProgressReporter(sinks))
    steps = Steps(
        read_inputs=_quoting(read_inputs_task),
        resolve_papers=_quoting(resolve_papers_task),
        fetch_repositories=_quoting(fetch_repositories_task),
        start_repositories=_submit_repositories,
        assemble_rows=_quoting(assemble_rows_task),
        write_outputs=_quoting(write_outputs_task),
    )
    hooks = Hooks(
        log=logger.info,
        warn=logger.warning,
        publish=functools.partial(_publish, options.out),
        publish_changes=functools.partial(_publish_changes, options.out),
    )
    result = run_steps(options, datetime.now(UTC), steps, hooks)
    written = [str(path) for path in result.written]
    logger.info("wrote %s", ", ".join(written))
    _publish_report(options.out, written)
    if publish is not None:
        result.lines.append(publish_list_task(publish, _quoted(options), bool(result.rejections)))
    summary = {
        "lines": result.lines,
        "written": written,
        "failed": sorted(result.failed),
        "status": result.status,
        "rejected": [r.source for r in result.rejections],
    }
    if result.rejections:
        # Completed (the outputs are written, with the previous values kept), but marked.
        message = "; ".join(str(r) for r in result.rejections)
        # Prefect makes a returned state the run's final state and unwraps its data for callers.
        return cast(dict[str, Any], Completed(name="Anomalous", message=message, data=summary))
    if result.deadline_reached:  # written with what it had: Completed, marked (exit status 4)
        message = next(line for line in result.lines if line.startswith("deadline reached"))
        return cast(dict[str, Any], Completed(name="Deadline", message=message, data=summary))
    return summary


def _print_line(stream: TextIO, line: str) -> None:
    print(line, file=stream, flush=True)


@contextmanager
def without_heartbeats() -> Iterator[None]:
    """Flow runs inside the block send no heartbeats. Heartbeats let a server mark a run whose
    process died as crashed; at the end of each run Prefect joins its heartbeat thread, which
    sleeps in whole seconds: up to a second a run (15 s of `demo --nights 30`)."""
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


def run_in_process(
    params: EnrichParams, progress: TextIO | None = None
) -> dict[str, Any] | BaseException:
    """Run the flow here (the CLI's `run` and `demo`): its summary, or the exception it failed
    with (NoPaperSource when no paper source answered), never raised. With `progress`, the
    run's throttled progress lines go there too (they always go to the flow's log)."""
    token = _CONSOLE.set(progress)
    try:
        state = cast("State[Any]", enrich_awesome_list(params, return_state=True))
    finally:
        _CONSOLE.reset(token)
    result = state.result(raise_on_failure=False)
    return cast("dict[str, Any] | BaseException", result)
