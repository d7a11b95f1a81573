"""The `awesome-enrich` command: a thin layer over the library."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TextIO

from pipeline.arxiv import ArxivClient
from pipeline.config import is_loopback_url, settings_from_env
from pipeline.duplicates import DuplicateGroup, find_duplicates
from pipeline.errors import PipelineError
from pipeline.fetch import repo_summary, wanted_repos
from pipeline.github import GitHubClient
from pipeline.listio import read_list
from pipeline.model import ListDocument, Severity
from pipeline.outputs import resolution_summary, write_resolution
from pipeline.overrides import load_overrides
from pipeline.report import load_pins
from pipeline.resolve import Resolver
from pipeline.semantic_scholar import SemanticScholarClient
from pipeline.writer import OutputError

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


def _summary(document: ListDocument) -> str:
    sections = len({entry.section for entry in document.entries})
    kinds = Counter(entry.kind for entry in document.entries)
    errors = len(document.errors)
    warnings = len(document.diagnostics) - errors
    return (
        f"{document.source}: {len(document.entries)} entries in {sections} sections "
        f"({kinds['table']} in tables, {kinds['bullet']} bullets); "
        f"{errors} errors, {warnings} warnings"
    )


def command_check(args: argparse.Namespace, out: TextIO) -> int:
    document = read_list(args.list)
    for diagnostic in document.diagnostics:
        print(diagnostic, file=out)
    print(_summary(document), file=out)
    _print_duplicates(document, find_duplicates(document.entries), out)
    failing = {Severity.ERROR, Severity.WARNING} if args.strict else {Severity.ERROR}
    return 1 if any(d.severity in failing for d in document.diagnostics) else 0


def command_run(args: argparse.Namespace, out: TextIO) -> int:
    document = read_list(args.list)
    for diagnostic in document.errors:
        print(diagnostic, file=out)
    print(_summary(document), file=out)
    overrides = load_overrides(args.overrides or args.list.parent / "overrides.yaml")
    settings = settings_from_env(cache_dir=args.cache_dir, no_cache=args.no_cache)
    synthetic = all(is_loopback_url(url) for url in settings.urls)
    output = args.out or DEFAULT_OUT
    if synthetic and args.out is None:
        raise OutputError(
            f"the APIs point at a local fake: its synthetic numbers never go to {DEFAULT_OUT}; "
            "pass --out DIR"
        )
    pins = load_pins(output / "resolution.json")
    s2 = SemanticScholarClient.from_settings(settings)
    arxiv = ArxivClient.from_settings(settings)
    github = GitHubClient.from_settings(settings)
    run = Resolver(s2, arxiv).resolve(document.entries, overrides, pins)
    repos = github.get_repos(wanted_repos(document.entries, overrides))
    for line in resolution_summary(run):
        print(line, file=out)
    print(repo_summary(repos, github), file=out)
    for name, client in (("s2", s2), ("arxiv", arxiv), ("github", github)):
        stats = client.http.stats
        print(
            f"{name} calls: {stats.network_requests} sent, {stats.cache_hits} from the cache, "
            f"{stats.not_modified} not modified, {stats.retries} retries",
            file=out,
        )
        client.http.close()
    failed = set(run.failures) | ({"github"} if github.stopped else set())
    if {"s2", "arxiv"} <= failed:
        print(f"No paper source answered: {output} left untouched.", file=out)
        return 1
    now = datetime.now(UTC)
    written = write_resolution(run, output, source=str(args.list), now=now, synthetic=synthetic)
    print(f"wrote {', '.join(str(path) for path in written)}", file=out)
    return 1 if document.errors or failed else 0


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
        "repositories from GitHub, and write papers.bib, resolution.json and resolution.md to "
        "the output folder. API locations and tokens come from the environment (see README). "
        "Exit status 1 when the list has errors or an API failed.",
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
    run.set_defaults(handler=command_run)
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
