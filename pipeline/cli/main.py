"""The `awesome-enrich` command: a thin layer over the library."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, TextIO, cast

import pandas as pd

from fakeapi.app import FakeApi, Faults
from fakeapi.server import FakeServer
from fakeapi.world import World, world_from_list
from pipeline.analysis.citation_history import DEFAULT_PAGE_BUDGET, read_citations
from pipeline.analysis.guard import GuardThresholds
from pipeline.analysis.trends import WINDOWS, compute_trends
from pipeline.core.errors import ConfigError, PipelineError
from pipeline.job.outputs import CHARTS, write_trends
from pipeline.job.steps import JobOptions, is_synthetic, list_summary, read_inputs
from pipeline.listfile.duplicates import DuplicateGroup, find_duplicates
from pipeline.listfile.model import ListDocument, Severity
from pipeline.sources.config import settings_from_env
from pipeline.store.listio import read_list
from pipeline.store.lock import check_unlocked, output_lock
from pipeline.store.tables import read_trend_history
from pipeline.store.writer import OutputError

DEFAULT_LIST = Path("data/raw/README.md")
DEFAULT_OUT = Path("data/enriched")


def _version() -> str:
    try:
        return version("awesome-enrich")
    except PackageNotFoundError:
        return "unknown"


def _print_duplicates(
    document: ListDocument, groups: Sequence[DuplicateGroup], out: TextIO
) -> None:
    if not groups:
        print("no duplicates", file=out)
        return
    print(f"{len(groups)} duplicate groups (reported, not removed):", file=out)
    for group in groups:
        print(f"  {group.kind}: {'; '.join(group.reasons)}", file=out)
        for position in group.positions:
            entry = document.entries[position]
            label = entry.abbreviation or "--"
            print(f"    {document.source}:{entry.line}  {label}  {entry.title}", file=out)


def command_check(args: argparse.Namespace, out: TextIO) -> int:
    document = read_list(args.list)
    for diagnostic in document.diagnostics:
        print(diagnostic, file=out)
    print(list_summary(document), file=out)
    _print_duplicates(document, find_duplicates(document.entries), out)
    failing = {Severity.ERROR, Severity.WARNING} if args.strict else {Severity.ERROR}
    return 1 if any(d.severity in failing for d in document.diagnostics) else 0


PREFECT_DEFAULTS = {
    # Measured on this machine (reference/prefect.md): analytics off avoids telemetry errors
    # offline, and a fresh ephemeral server can need more than the default 20 s to start.
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}


def _run_flow(params: Any, out: TextIO) -> int:
    """Run the flow in this process and print its summary; exit status as for `run`."""
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)
    from prefect.client.schemas.objects import State

    from flows.enrich import enrich_awesome_list
    from pipeline.job.steps import NoPaperSource

    state = cast("State[Any]", enrich_awesome_list(params, return_state=True))
    result = state.result(raise_on_failure=False)
    if isinstance(result, NoPaperSource):
        print(result, file=out)
        return 1
    if isinstance(result, BaseException):
        raise result
    for line in result["lines"]:
        print(line, file=out)
    print(f"wrote {', '.join(result['written'])}", file=out)
    return int(result["status"])


def command_run(args: argparse.Namespace, out: TextIO) -> int:
    settings = settings_from_env(cache_dir=args.cache_dir, no_cache=args.no_cache)
    if is_synthetic(settings) and args.out is None:
        raise OutputError(
            f"the APIs point at a local fake: its synthetic numbers never go to {DEFAULT_OUT}; "
            "pass --out DIR"
        )
    guard = GuardThresholds().with_overrides(args.guard)
    # Unreadable inputs get their one-line error here, before Prefect starts (and logs a
    # traceback for a failed flow run).
    read_inputs(JobOptions(args.list, args.out or DEFAULT_OUT, settings, args.overrides))
    if not args.wait_lock:
        check_unlocked(args.out or DEFAULT_OUT)  # a writable folder no other run is writing
    from pydantic import ValidationError

    from flows.enrich import EnrichParams, GuardParams

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
            sort_by=args.sort_by,
            trending_marker=args.trending_marker,
            lock_wait_s=args.wait_lock,
        )
    except ValidationError as error:  # what argparse cannot check, in one line
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"{where}: {first['msg']}") from None
    return _run_flow(params, out)


def command_trends(args: argparse.Namespace, out: TextIO) -> int:
    history_dir: Path = args.history
    out_dir: Path = args.out or history_dir.parent
    history = read_trend_history(history_dir)
    if history.empty:
        print(f"{history_dir}: no snapshots yet; run `awesome-enrich run` first", file=out)
        return 1
    citations_path = args.citations or history_dir.parent / "citations_by_year.parquet"
    citation_rows = read_citations(citations_path)
    result = compute_trends(history, pd.DataFrame(citation_rows) if citation_rows else None)
    synthetic = bool(history["synthetic"].fillna(False).astype(bool).any())
    if synthetic and out_dir.resolve() == DEFAULT_OUT.resolve():
        raise OutputError(f"the history is SYNTHETIC: its trends never go to {DEFAULT_OUT}")
    with output_lock(out_dir):  # a nightly run may be writing the same files
        written = write_trends(result, out_dir, synthetic=synthetic)
    table = result.table
    dates = result.snapshot_dates
    print(
        f"{len(dates)} snapshots, {dates[0].isoformat()} to {dates[-1].isoformat()}; "
        f"{len(table)} entries" + (" (SYNTHETIC)" if synthetic else ""),
        file=out,
    )
    for window in WINDOWS:
        base = table[f"base_date_{window}d"].iloc[0] if len(table) else None
        print(
            f"{window}-day deltas: "
            + (f"from the snapshot of {base.isoformat()}" if base else "no snapshot in range"),
            file=out,
        )
    top = table.dropna(subset=["citation_velocity"]).nlargest(5, "citation_velocity")
    for _, row in top.iterrows():
        print(f"  {row['label']}: {row['citation_velocity']:+.1f} citations / 30 days", file=out)
    print(f"wrote {', '.join(str(p) for p in written)}", file=out)
    return 0


@contextmanager
def _environment(values: dict[str, str], removed: Sequence[str]) -> Iterator[None]:
    """Set and remove environment variables for a block, then restore them."""
    saved = {name: os.environ.get(name) for name in [*values, *removed]}
    os.environ.update(values)
    for name in removed:
        os.environ.pop(name, None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _sources(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = sorted(set(names) - {"s2", "arxiv", "github"})
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"{text!r}: choose from s2, arxiv, github")
    return names


def _count(minimum: int) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number >= {minimum}")
        return value

    return parse


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86400:  # NaN fails too
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 0 to 86400")
    return value


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date such as 2026-11-26") from None


def _world(args: argparse.Namespace) -> World:
    if args.world is not None:
        return World.load(args.world)
    return world_from_list(read_list(args.list), seed=args.seed)


def command_demo(args: argparse.Namespace, out: TextIO) -> int:
    from flows.enrich import EnrichParams

    world = _world(args)
    faults = Faults(error_rate=args.error_rate, seed=args.seed)
    with FakeServer(FakeApi(world, faults=faults)) as server:
        print(f"local fake of the three APIs at {server.url} ({world.description})", file=out)
        # Only the fake's own placeholder token: real tokens are never sent to it.
        env = {**server.env(), "AWESOME_ENRICH_TIME_SCALE": "0", "GITHUB_TOKEN": "demo-not-a-token"}
        with _environment(env, removed=["S2_API_KEY"]):
            params = EnrichParams(
                list_path=str(args.list), out=str(args.out), cache_dir=str(args.out / "http-cache")
            )
            status = _run_flow(params, out)
        served = server.app.snapshot()["per_api"]
    print(
        "requests the fake served: " + ", ".join(f"{api} {n}" for api, n in sorted(served.items())),
        file=out,
    )
    if (args.out / "papers.parquet").exists():
        print(f"outputs (SYNTHETIC numbers, labelled so in each file): {args.out}/", file=out)
    return status


def command_fake_api(args: argparse.Namespace, out: TextIO) -> int:
    world = _world(args)
    if args.save_world is not None:
        world.save(args.save_world)
        print(f"wrote {args.save_world}", file=out)
    faults = Faults(error_rate=args.error_rate, seed=args.seed)
    server = FakeServer(FakeApi(world, faults=faults), port=args.port).start()
    print(f"serving {world.description} at {server.url}; Ctrl-C stops", file=out)
    for name, value in {**server.env(), "AWESOME_ENRICH_TIME_SCALE": "0"}.items():
        print(f"export {name}={value}", file=out)
    out.flush()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    finally:
        server.stop()


def _add_world_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--list",
        type=Path,
        default=DEFAULT_LIST,
        help=f"the list a synthetic world is generated from (default: {DEFAULT_LIST})",
    )
    parser.add_argument(
        "--world",
        type=Path,
        default=None,
        help="serve this world file (JSON) instead of generating one",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for the world and the faults")
    parser.add_argument(
        "--error-rate",
        type=float,
        default=0.0,
        help="share of requests answered 429 or 5xx (default: 0)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="awesome-enrich",
        description="Enrich a Markdown awesome list of research papers with metadata.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser(
        "check",
        help="parse a list; print problems and duplicates",
        description="Parse a list and print every row it cannot read (file:line: reason) and "
        "every duplicate (same paper twice, entries sharing a repository). "
        "Exit status 1 when there are errors (or warnings, with --strict).",
    )
    check.add_argument(
        "list",
        nargs="?",
        type=Path,
        default=DEFAULT_LIST,
        help=f"the Markdown list (default: {DEFAULT_LIST})",
    )
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.set_defaults(handler=command_check)

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
        "guard rejected a source's values (the previous ones were kept; see changes.md).",
    )
    run.add_argument(
        "--list",
        type=Path,
        default=DEFAULT_LIST,
        help=f"the Markdown list (default: {DEFAULT_LIST})",
    )
    run.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"the output folder (default: {DEFAULT_OUT}; required against a local fake)",
    )
    run.add_argument(
        "--snapshot-date",
        type=_iso_date,
        default=None,
        help="the date of this snapshot, YYYY-MM-DD (default: today, UTC)",
    )
    run.add_argument(
        "--sources",
        type=_sources,
        default=["s2", "arxiv", "github"],
        help="the APIs to ask, comma-separated (default: s2,arxiv,github); "
        "the others keep last run's values",
    )
    run.add_argument(
        "--call-budget",
        type=_count(1),
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
        type=_count(0),
        default=DEFAULT_PAGE_BUDGET,
        help="S2 citation-list pages (calls) per run for citations_by_year.parquet; papers "
        f"are fetched once, then monthly (default: {DEFAULT_PAGE_BUDGET}; 0: none)",
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
    run.add_argument(
        "--wait-lock",
        type=_seconds,
        default=0.0,
        metavar="SECONDS",
        help="when another run is writing the output folder, wait this long for it to finish "
        "(default: exit at once with status 2)",
    )
    run.set_defaults(handler=command_run)

    trends = commands.add_parser(
        "trends",
        help="citation and star trends from the history, with charts",
        description="Read the dated history and write trends.parquet (per paper: citation and "
        "star deltas over 7, 30 and 365 days from the nearest snapshots, citations per month "
        "since publication, citations this and last year, rank changes) and PNG charts ("
        + ", ".join(f"charts/{name}.png" for name in CHARTS)
        + "). The nightly run writes them too.",
    )
    trends.add_argument(
        "--history",
        type=Path,
        default=DEFAULT_OUT / "history",
        help=f"the history folder (default: {DEFAULT_OUT / 'history'})",
    )
    trends.add_argument(
        "--out",
        type=Path,
        default=None,
        help="where to write trends.parquet and charts/ (default: the history's parent)",
    )
    trends.add_argument(
        "--citations",
        type=Path,
        default=None,
        help="citations_by_year.parquet (default: next to the history folder)",
    )
    trends.set_defaults(handler=command_trends)

    demo = commands.add_parser(
        "demo",
        help="run the real job against a local fake of the APIs (no network, no tokens)",
        description="Start a local fake of Semantic Scholar, arXiv and GitHub on a free loopback "
        "port, serving a SYNTHETIC world generated from the list, and run the real job against "
        "it. Every output says its numbers are synthetic.",
    )
    _add_world_options(demo)
    demo.add_argument(
        "--out",
        type=Path,
        default=Path("demo-output"),
        help="the output folder (default: demo-output)",
    )
    demo.set_defaults(handler=command_demo)

    fake = commands.add_parser(
        "fake-api",
        help="serve the local fake of the three APIs until interrupted",
        description="Serve a SYNTHETIC world on 127.0.0.1 and print the environment that points "
        "the pipeline at it.",
    )
    _add_world_options(fake)
    fake.add_argument("--port", type=int, default=0, help="the port (default: a free one)")
    fake.add_argument(
        "--save-world", type=Path, default=None, help="also write the world to this JSON file"
    )
    fake.set_defaults(handler=command_fake_api)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        status: int = args.handler(args, sys.stdout)
    except PipelineError as error:
        print(f"awesome-enrich: error: {error}", file=sys.stderr)
        return 2
    return status


if __name__ == "__main__":
    sys.exit(main())
