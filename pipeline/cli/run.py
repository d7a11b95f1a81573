"""`awesome-enrich run`: check the inputs in one line, then run the Prefect flow in-process."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from pipeline.analysis.citation_history import DEFAULT_PAGE_BUDGET
from pipeline.analysis.guard import GuardThresholds
from pipeline.analysis.star_history import DEFAULT_STAR_PAGES
from pipeline.cli.arguments import (
    DEFAULT_LIST,
    DEFAULT_OUT,
    Subparsers,
    iso_date,
    list_location,
    local_list,
    seconds,
    source_names,
    whole_number,
)
from pipeline.core.errors import ConfigError
from pipeline.job.options import JobOptions, NoPaperSource, is_synthetic, read_inputs
from pipeline.sources.config import parse_duration, settings_from_env
from pipeline.store.lock import check_unlocked
from pipeline.store.writer import OutputError

PREFECT_DEFAULTS = {
    # Measured on this machine (reference/prefect.md): analytics off avoids telemetry errors
    # offline, and a fresh ephemeral server can need more than the default 20 s to start.
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}


def prepare_prefect(*, verbose: bool) -> None:
    """Prefect's settings for a run from the command line; called before Prefect is first
    imported, which reads them once."""
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")


def run_flow(params: Any, out: TextIO, *, verbose: bool = False) -> int:
    """Run the flow in this process and print its summary once; exit status as for `run`.

    Unless `verbose`, Prefect's console shows warnings and errors only: the summary printed
    here is the run's one account (the flow's log lines and artifacts, which the Prefect API
    still receives in full, carry the same text)."""
    prepare_prefect(verbose=verbose)
    # Prefect starts with the flow module: imported here, so `check` and `--help` stay fast.
    from flows.enrich import run_in_process

    # Without -v, the flow's throttled progress lines on the console too (stderr: stdout keeps
    # the summary); with -v they are in Prefect's log there already.
    result = run_in_process(params, progress=None if verbose else sys.stderr)
    if isinstance(result, NoPaperSource):
        print(result, file=out)
        return 1
    if isinstance(result, BaseException):
        raise result
    for line in result["lines"]:
        print(line, file=out)
    print(f"wrote {', '.join(result['written'])}", file=out)
    return int(result["status"])


def command(args: argparse.Namespace, out: TextIO) -> int:
    started = datetime.now(UTC)  # --deadline counts from here: Prefect's start-up included
    prepare_prefect(verbose=args.verbose)
    settings = settings_from_env(cache_dir=args.cache_dir, no_cache=args.no_cache)
    if is_synthetic(settings) and args.out is None:
        raise OutputError(
            f"the APIs point at a local fake: its synthetic numbers never go to {DEFAULT_OUT}; "
            "pass --out DIR"
        )
    guard = GuardThresholds().with_overrides(args.guard)
    # Unreadable inputs get their one-line error here, before Prefect starts (and logs a
    # traceback for a failed flow run).
    # A github: list is read into a temporary folder for these checks; the flow reads it
    # again into the output folder, under the folder's lock.
    with local_list(args.list) as list_path:
        options = JobOptions(list_path, args.out or DEFAULT_OUT, settings, args.overrides)
        read_inputs(options, keep=True)  # the flow's first step takes this reading
        if not args.wait_lock:
            check_unlocked(args.out or DEFAULT_OUT)  # a writable folder no other run is writing
        if args.preflight:
            from pipeline.cli.doctor import print_checks, run_checks

            if not print_checks(run_checks(list_path, args.out or DEFAULT_OUT, settings), out):
                print("preflight failed: nothing was asked or written", file=out)
                return 1
    from pydantic import ValidationError

    from flows.enrich import EnrichParams, GuardParams

    if getattr(args, "whole_process", False):
        collect_less()

    try:
        params = EnrichParams(
            list_path=str(args.list),
            out=str(args.out or DEFAULT_OUT),
            snapshot_date=args.snapshot_date,
            sources=args.sources,
            call_budget=args.call_budget,
            overrides_path=str(args.overrides) if args.overrides else None,
            cache_dir=str(args.cache_dir) if args.cache_dir else None,
            no_cache=args.no_cache,
            guard=GuardParams(**vars(guard)),
            citation_pages=args.citation_pages,
            star_pages=args.star_pages,
            sort_by=args.sort_by,
            trending_marker=args.trending_marker,
            deadline=args.deadline,
            deadline_at=deadline_end(args.deadline, started),
            lock_wait_s=args.wait_lock,
            overlap=not args.sequential,
        )
    except ValidationError as error:  # what argparse cannot check, in one line
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"{where}: {first['msg']}") from None
    try:
        return run_flow(params, out, verbose=args.verbose)
    finally:
        if getattr(args, "whole_process", False):
            gc.freeze()  # what the run made is not examined again by the collection at exit


# Young objects collected once this many have been allocated (Python's default is 700): a run
# allocates hundreds of thousands of short-lived, acyclic dicts and strings (answers decoded,
# rows built), and each collection at 700 walked the young generation for nothing.
GC_THRESHOLDS = (50_000, 20, 100)


def collect_less() -> None:
    """Garbage collection tuned for one run in this process (issue 26): what is imported by now
    (Prefect, the pipeline: about a million objects) is frozen out of every collection, and
    collections come less often. Reference counting frees the rest, as always. Only when the
    command is the process (`awesome-enrich run`), not a call from a longer-lived one."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def deadline_end(value: str | None, started: datetime) -> datetime | None:
    """When the window of `--deadline` (else $AWESOME_ENRICH_DEADLINE) ends, from `started`."""
    value = value or os.environ.get("AWESOME_ENRICH_DEADLINE", "").strip()
    if not value:
        return None
    return started + timedelta(seconds=parse_duration(value, "AWESOME_ENRICH_DEADLINE"))


def duration(text: str) -> str:
    """A --deadline value, checked (the flow reads it again)."""
    try:
        parse_duration(text)
    except ConfigError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def add_verbose(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="show Prefect's log on the console as the run goes (default: warnings only, "
        "then the summary)",
    )


def add_parser(commands: Subparsers) -> None:
    run = commands.add_parser(
        "run",
        help="run the enrichment job on a list",
        description="Parse the list, resolve every paper (overrides, previous pins, ids in "
        "the paper URL, then guarded title matches on Semantic Scholar and arXiv), fetch its "
        "repositories from GitHub, and write papers.parquet, its dated history, the regenerated "
        "list (README.md), papers.bib, the resolution report, citations_by_year.parquet, "
        "changes.md, trends.parquet and charts/ to the output folder. "
        "API locations and tokens come from the environment (see README). "
        "Exit status 1 when the list has errors or an API failed; 2 when an input or the "
        "output folder cannot be used (one line, nothing asked or written); 3 when the anomaly "
        "guard rejected a source's values (the previous ones were kept; see changes.md); 4 "
        "when the deadline (--deadline) stopped the run: every output was written with what "
        "was fetched, the rest keeps its previous values.",
    )
    run.add_argument(
        "--list",
        type=list_location,
        default=str(DEFAULT_LIST),
        help=f"the Markdown list: a path, a file:// or http(s):// URL (a raw file, fetched "
        f"into --out), or github:OWNER/REPO/PATH[@REF] read through GitHub's contents API "
        f"(default: {DEFAULT_LIST})",
    )
    run.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"the output folder (default: {DEFAULT_OUT}; required against a local fake)",
    )
    run.add_argument(
        "--snapshot-date",
        type=iso_date,
        default=None,
        help="the date of this snapshot, YYYY-MM-DD (default: today, UTC)",
    )
    run.add_argument(
        "--sources",
        type=source_names,
        default=["s2", "arxiv", "github"],
        help="the APIs to ask, comma-separated (default: s2,arxiv,github); "
        "the others keep last run's values",
    )
    run.add_argument(
        "--call-budget",
        type=whole_number(1),
        default=None,
        help="at most this many requests to each API in this run",
    )
    run.add_argument(
        "--overrides",
        type=Path,
        default=None,
        help="the overrides file (default: overrides.yaml next to the list)",
    )
    run.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="the HTTP cache folder (default: $AWESOME_ENRICH_CACHE_DIR or .cache/http)",
    )
    run.add_argument(
        "--no-cache", action="store_true", help="send every request; read and write no cache"
    )
    run.add_argument(
        "--citation-pages",
        type=whole_number(0),
        default=DEFAULT_PAGE_BUDGET,
        help="S2 citation-list pages (calls) per run for citations_by_year.parquet; papers "
        f"are fetched once, then monthly (default: {DEFAULT_PAGE_BUDGET}; 0: none)",
    )
    run.add_argument(
        "--star-pages",
        type=whole_number(0),
        default=DEFAULT_STAR_PAGES,
        help="GitHub star-history pages (calls) per run for stars_by_week.parquet, within the "
        "hour's quota: each repository is read whole once, then from its newest page "
        f"(default: {DEFAULT_STAR_PAGES}; 0: none)",
    )
    run.add_argument(
        "--guard",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an anomaly-guard threshold, repeatable: "
        + ", ".join(f"{k} (default {v})" for k, v in vars(GuardThresholds()).items()),
    )
    run.add_argument(
        "--sort-by",
        choices=["citations", "stars"],
        default=None,
        help="sort each table of the regenerated list, most first (default: list order)",
    )
    run.add_argument(
        "--trending-marker",
        action="store_true",
        help="mark trending papers (top tenth by 30-day citation velocity) in the list",
    )
    add_verbose(run)
    run.add_argument(
        "--preflight",
        action="store_true",
        help="run `awesome-enrich doctor` first and stop (exit status 1) on a blocking problem",
    )
    run.add_argument(
        "--wait-lock",
        type=seconds,
        default=0.0,
        metavar="SECONDS",
        help="when another run is writing the output folder, wait this long for it to finish "
        "(default: exit at once with status 2)",
    )
    run.add_argument(
        "--deadline",
        type=duration,
        default=None,
        metavar="DURATION",
        help="stop asking the APIs this long after the start (e.g. 90m, 60s, 1h30m), write "
        "every output with what was fetched, and exit with status 4 (default: "
        "$AWESOME_ENRICH_DEADLINE, else none)",
    )
    run.add_argument(
        "--sequential",
        action="store_true",
        help="ask the APIs one after another instead of side by side (slower; for comparison)",
    )
    run.set_defaults(handler=command)
