"""The Prefect flow `enrich-awesome-list`: thin tasks over the job's steps, at batch granularity.

Tasks: read inputs (parse the list, overrides, previous outputs); resolve papers (S2 batches and
title matches, arXiv searches and id lookups); fetch repositories (GitHub GraphQL batches);
assemble rows (merge with the previous table); write outputs (Parquet, history, regenerated list,
BibTeX, report). Retries live in the HTTP layer only: no Prefect retries are stacked on them.
The flow completes when some entries or sources fail (they are recorded in its artifacts) and
fails when no paper source answered, leaving the outputs untouched.

Tokens never travel as parameters: the clients read them from the environment, or from the
Prefect Secret blocks `github-token` and `s2-api-key` when the environment has none.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote
from pydantic import BaseModel, Field

from flows.limits import ensure_limits, shared_limiter
from pipeline.config import Settings, settings_from_env
from pipeline.errors import PipelineError
from pipeline.github import RepoInfo
from pipeline.http import CallStats
from pipeline.job import (
    Inputs,
    JobOptions,
    JobResult,
    assemble_rows,
    failed_sources,
    fetch_repositories,
    is_synthetic,
    read_inputs,
    resolve_papers,
    summary_lines,
    write_outputs,
)
from pipeline.progress import ProgressReporter
from pipeline.resolve import MatchMethod, ResolutionRun

Source = Literal["s2", "arxiv", "github"]


class EnrichParams(BaseModel):
    """Flow parameters. They are stored verbatim by Prefect: never put a token here."""

    list_path: str = Field(default="data/raw/README.md", description="the Markdown list")
    out: str = Field(default="data/enriched", description="the output folder")
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


T = TypeVar("T")


def _quoted(value: T) -> T:
    """`prefect.utilities.annotations.quote`, typed as the value it wraps (Prefect unwraps it)."""
    return cast(T, quote(value))


class NoPaperSource(PipelineError):
    """Neither Semantic Scholar nor arXiv answered: nothing was written."""


def _secret_from_block(name: str) -> str | None:
    try:
        from prefect.blocks.system import Secret as SecretBlock

        block: Any = SecretBlock.load(name)  # synchronous here: we are not in an event loop
        value = block.get()
    except (ValueError, ImportError, RuntimeError):
        return None
    return str(value) if value else None


def _settings(params: EnrichParams) -> Settings:
    env = dict(os.environ)
    for variable, block in (("GITHUB_TOKEN", "github-token"), ("S2_API_KEY", "s2-api-key")):
        if not env.get(variable) and (value := _secret_from_block(block)):
            env[variable] = value
    settings = settings_from_env(
        env,
        cache_dir=Path(params.cache_dir) if params.cache_dir else None,
        no_cache=params.no_cache,
    )
    return settings.with_budget(params.call_budget)


@task(name="read-inputs", cache_policy=NO_CACHE)
def read_inputs_task(options: JobOptions) -> Inputs:
    return read_inputs(options)


def _limiter(settings: Settings) -> Callable[[str], None] | None:
    """The shared per-API limits, except against a local fake (whose waits are scaled away)."""
    return shared_limiter if settings.time_scale >= 1.0 else None


@task(name="resolve-papers", cache_policy=NO_CACHE)
def resolve_papers_task(
    options: JobOptions, inputs: Inputs
) -> tuple[ResolutionRun, dict[str, CallStats]]:
    logger = get_run_logger()
    progress = ProgressReporter(logger.info, terminal=sys.stderr.isatty())
    return resolve_papers(
        inputs, options.settings, options.sources, _limiter(options.settings), progress
    )


@task(name="fetch-repositories", cache_policy=NO_CACHE)
def fetch_repositories_task(
    options: JobOptions, inputs: Inputs
) -> tuple[dict[str, RepoInfo], CallStats, str]:
    return fetch_repositories(inputs, options.settings, options.sources, _limiter(options.settings))


@task(name="assemble-rows", cache_policy=NO_CACHE)
def assemble_rows_task(
    options: JobOptions,
    inputs: Inputs,
    resolution: ResolutionRun,
    repos: dict[str, RepoInfo],
    now: datetime,
) -> list[dict[str, Any]]:
    return assemble_rows(
        inputs,
        resolution,
        repos,
        now=now,
        snapshot_date=options.snapshot_date or now.date(),
        synthetic=is_synthetic(options.settings),
    )


@task(name="write-outputs", cache_policy=NO_CACHE)
def write_outputs_task(
    options: JobOptions,
    inputs: Inputs,
    resolution: ResolutionRun,
    rows: list[dict[str, Any]],
    now: datetime,
) -> list[str]:
    written = write_outputs(
        options,
        inputs,
        resolution,
        rows,
        now=now,
        snapshot_date=options.snapshot_date or now.date(),
    )
    return [str(path) for path in written]


def _publish(result: JobResult) -> None:
    """A Markdown artifact (the run summary) and a table artifact (what failed)."""
    markdown = "# Enrichment run\n\n" + "\n".join(f"- {line}" for line in result.lines)
    create_markdown_artifact(key="enrich-summary", markdown=markdown, description="run summary")
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
    create_table_artifact(key="enrich-failures", table=failures or [{"what": "nothing failed"}])


@flow(name="enrich-awesome-list", validate_parameters=True)
def enrich_awesome_list(params: EnrichParams | None = None) -> dict[str, Any]:
    """Resolve, enrich and regenerate one awesome list; see the module docstring."""
    params = params or EnrichParams()
    logger = get_run_logger()
    options = JobOptions(
        list_path=Path(params.list_path),
        out=Path(params.out),
        settings=_settings(params),
        overrides_path=Path(params.overrides_path) if params.overrides_path else None,
        snapshot_date=params.snapshot_date,
        sources=tuple(params.sources),
    )
    if _limiter(options.settings) is not None:
        ensure_limits(options.settings)
    # Large arguments are quoted: Prefect would otherwise visit every element of them (every
    # entry, resolution and row) to track dependencies, which cost a minute of CPU at 10,000.
    inputs = read_inputs_task(_quoted(options))
    for diagnostic in inputs.document.errors:
        logger.warning(str(diagnostic))
    resolution, calls = resolve_papers_task(_quoted(options), _quoted(inputs))
    repos, github_calls, repo_line = fetch_repositories_task(_quoted(options), _quoted(inputs))
    result = JobResult(inputs.document, resolution, repos, {**calls, "github": github_calls})
    result.failed = failed_sources(resolution, repo_line)
    result.lines = summary_lines(result, repo_line)
    for line in result.lines:
        logger.info(line)
    _publish(result)
    if result.no_paper_source:
        raise NoPaperSource(
            "\n".join([*result.lines, f"No paper source answered: {options.out} left untouched."])
        )
    now = datetime.now(UTC)
    result.rows = assemble_rows_task(
        _quoted(options), _quoted(inputs), _quoted(resolution), _quoted(repos), now
    )
    written = write_outputs_task(
        _quoted(options), _quoted(inputs), _quoted(resolution), _quoted(result.rows), now
    )
    logger.info("wrote %s", ", ".join(written))
    return {
        "lines": result.lines,
        "written": written,
        "failed": sorted(result.failed),
        "status": result.status,
    }
