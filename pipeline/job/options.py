"""What a run is given (options), what it reads first (inputs) and what it returns."""

from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pipeline.analysis.citation_history import DEFAULT_PAGE_BUDGET
from pipeline.analysis.guard import GuardThresholds, Rejection
from pipeline.analysis.star_history import DEFAULT_STAR_PAGES
from pipeline.core.errors import PipelineError
from pipeline.listfile.model import ListDocument
from pipeline.resolve.overrides import Overrides, load_overrides
from pipeline.resolve.records import Pin, ResolutionRun
from pipeline.resolve.report import load_pins
from pipeline.sources.config import Settings, is_loopback_url
from pipeline.sources.github import RepoInfo
from pipeline.sources.http import CallStats
from pipeline.store.citations import read_citations
from pipeline.store.listio import read_list
from pipeline.store.stars import read_star_weeks
from pipeline.store.tables import (
    check_history,
    read_papers,
)

SOURCES = ("s2", "arxiv", "github")


@dataclass(frozen=True)
class ListExtras:
    """Regenerated-list options, off by default."""

    sort_by: Literal["citations", "stars"] | None = None  # each table, most first
    trending_marker: bool = False  # mark the top tenth by 30-day citation velocity


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
    star_pages: int = DEFAULT_STAR_PAGES  # GitHub star-history pages per run; 0: none
    # The APIs side by side (S2, arXiv and GitHub on lanes of their own); False: one after
    # another, as before issue 15 (kept to compare, and as a fallback).
    overlap: bool = True
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
    star_weeks: list[dict[str, Any]] = field(default_factory=list)  # stars_by_week rows


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

    deadline_reached: bool = False  # the run stopped asking at its deadline

    @property
    def status(self) -> int:
        """0 clean; 1 list errors or a failed API; 3 a source rejected by the anomaly guard;
        4 the deadline stopped the run (every output written with what it had)."""
        if self.rejections:
            return 3
        if self.deadline_reached:
            return 4
        return 1 if self.document.errors or self.failed else 0

    @property
    def no_paper_source(self) -> bool:
        """Neither S2 nor arXiv answered anything this run: writing would only lose data.
        (Not said when the deadline stopped them: the run then writes what it has.)"""
        if self.deadline_reached:
            return False
        answered = any(r.resolved and not r.kept_from_previous for r in self.resolution.resolutions)
        return {"s2", "arxiv"} <= self.failed and not answered


def is_synthetic(settings: Settings) -> bool:
    """True when every API is a local fake: the numbers it serves are not real."""
    return all(is_loopback_url(url) for url in settings.urls)


# `awesome-enrich run` reads the inputs before Prefect starts (a bad input then fails with one
# line, nothing asked or written) and the flow's first step reads them again. The flow takes
# the reading already made when it is of the same files, unchanged since (issue 26: the previous
# pins and table were read twice).
_already_read: dict[tuple[Path, Path, Path], tuple[tuple[object, ...], Inputs]] = {}
_already_read_lock = threading.Lock()


def _input_files(options: JobOptions) -> tuple[Path, ...]:
    overrides = options.overrides_path or options.list_path.parent / "overrides.yaml"
    out = options.out
    return (
        options.list_path,
        overrides,
        out / "resolution.json",
        out / "papers.parquet",
        out / "citations_by_year.parquet",
        out / "stars_by_week.parquet",
        out / "history",
    )


def _signature(paths: tuple[Path, ...]) -> tuple[object, ...]:
    """What tells a file changed: its size and modification time (None: absent)."""
    found: list[object] = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            found.append(None)
        else:
            found.append((stat.st_size, stat.st_mtime_ns, stat.st_ino))
    return tuple(found)


def read_inputs(options: JobOptions, *, keep: bool = False) -> Inputs:
    """The list, the overrides and what the previous run left (pins, table). `keep`: the next
    call for the same files takes this reading if none of them changed in between."""
    files = _input_files(options)
    key = (options.list_path, options.out, files[1])
    with _already_read_lock:
        kept = _already_read.pop(key, None)
    if kept is not None and kept[0] == _signature(files):
        return kept[1]
    signature = _signature(files) if keep else ()
    document = read_list(options.list_path)
    overrides = load_overrides(files[1])
    inputs = Inputs(
        document,
        overrides,
        load_pins(options.out / "resolution.json"),
        read_papers(options.out / "papers.parquet"),
        read_citations(options.out / "citations_by_year.parquet"),
        read_star_weeks(options.out / "stars_by_week.parquet"),
    )
    check_history(options.out / "history")
    if keep and _signature(files) == signature:  # unchanged while being read
        with _already_read_lock:
            _already_read.clear()
            _already_read[key] = (signature, inputs)
    return inputs


class NoPaperSource(PipelineError):
    """Neither Semantic Scholar nor arXiv answered: nothing was written."""
