"""The enrichment job, as one function the command line, the demo and the flow share."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO

from pipeline.arxiv import ArxivClient
from pipeline.config import Settings, is_loopback_url
from pipeline.fetch import entry_repos, repo_summary, wanted_repos
from pipeline.github import GitHubClient, RepoInfo
from pipeline.http import CallStats
from pipeline.listio import read_list
from pipeline.model import ListDocument
from pipeline.outputs import resolution_summary, write_resolution, write_tables
from pipeline.overrides import load_overrides
from pipeline.report import load_pins
from pipeline.resolve import ResolutionRun, Resolver
from pipeline.semantic_scholar import SemanticScholarClient
from pipeline.tables import build_rows, merge_with_previous, read_papers


@dataclass(frozen=True)
class JobOptions:
    list_path: Path
    out: Path
    settings: Settings
    overrides_path: Path | None = None  # default: overrides.yaml next to the list
    snapshot_date: date | None = None  # default: today (UTC)


@dataclass
class JobResult:
    document: ListDocument
    resolution: ResolutionRun
    repos: dict[str, RepoInfo]
    calls: dict[str, CallStats]
    failed: set[str] = field(default_factory=set)  # APIs that did not (fully) answer
    rows: list[dict[str, Any]] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    @property
    def status(self) -> int:
        return 1 if self.document.errors or self.failed else 0


def is_synthetic(settings: Settings) -> bool:
    """True when every API is a local fake: the numbers it serves are not real."""
    return all(is_loopback_url(url) for url in settings.urls)


def run_job(options: JobOptions, out: TextIO) -> JobResult:
    document = read_list(options.list_path)
    for diagnostic in document.errors:
        print(diagnostic, file=out)
    print(list_summary(document), file=out)
    overrides = load_overrides(
        options.overrides_path or options.list_path.parent / "overrides.yaml"
    )
    pins = load_pins(options.out / "resolution.json")
    previous_rows = read_papers(options.out / "papers.parquet")
    settings = options.settings
    s2 = SemanticScholarClient.from_settings(settings)
    arxiv = ArxivClient.from_settings(settings)
    github = GitHubClient.from_settings(settings)
    try:
        resolution = Resolver(s2, arxiv).resolve(document.entries, overrides, pins)
        repos = github.get_repos(wanted_repos(document.entries, overrides))
    finally:
        for client in (s2, arxiv, github):
            client.http.close()
    calls = {"s2": s2.http.stats, "arxiv": arxiv.http.stats, "github": github.http.stats}
    result = JobResult(document, resolution, repos, calls)
    result.failed = set(resolution.failures) | ({"github"} if github.stopped else set())
    for line in resolution_summary(resolution):
        print(line, file=out)
    print(repo_summary(repos, github), file=out)
    for name, stats in calls.items():
        print(
            f"{name} calls: {stats.network_requests} sent, {stats.cache_hits} from the cache, "
            f"{stats.not_modified} not modified, {stats.retries} retries",
            file=out,
        )
    if {"s2", "arxiv"} <= result.failed:
        print(f"No paper source answered: {options.out} left untouched.", file=out)
        return result
    now = datetime.now(UTC)
    snapshot = options.snapshot_date or now.date()
    entry_repo = {
        entry.position: names[0]
        for entry in document.entries
        if (names := entry_repos(entry, overrides))
    }
    rows = build_rows(
        resolution.resolutions,
        repos,
        entry_repo,
        now=now,
        snapshot_date=snapshot,
        synthetic=is_synthetic(settings),
    )
    rows = merge_with_previous(rows, previous_rows)
    result.rows = rows
    result.written = write_tables(
        rows, document, options.out, snapshot, synthetic=is_synthetic(settings)
    )
    result.written += write_resolution(
        resolution,
        options.out,
        source=str(options.list_path),
        now=now,
        synthetic=is_synthetic(settings),
    )
    print(f"wrote {', '.join(str(path) for path in result.written)}", file=out)
    return result


def list_summary(document: ListDocument) -> str:
    sections = len({entry.section for entry in document.entries})
    tables = sum(entry.kind == "table" for entry in document.entries)
    errors = len(document.errors)
    return (
        f"{document.source}: {len(document.entries)} entries in {sections} sections "
        f"({tables} in tables, {len(document.entries) - tables} bullets); "
        f"{errors} errors, {len(document.diagnostics) - errors} warnings"
    )
