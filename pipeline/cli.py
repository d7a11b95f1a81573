"""The `awesome-enrich` command: a thin layer over the library."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TextIO

from pipeline.arxiv import ArxivClient
from pipeline.config import settings_from_env
from pipeline.duplicates import DuplicateGroup, find_duplicates
from pipeline.errors import PipelineError
from pipeline.fetch import fetch_by_identifiers, summary_lines, wanted_identifiers
from pipeline.github import GitHubClient
from pipeline.listio import read_list
from pipeline.model import ListDocument, Severity
from pipeline.semantic_scholar import SemanticScholarClient

DEFAULT_LIST = Path("data/raw/README.md")


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
    settings = settings_from_env(cache_dir=args.cache_dir, no_cache=args.no_cache)
    s2 = SemanticScholarClient.from_settings(settings)
    arxiv = ArxivClient.from_settings(settings)
    github = GitHubClient.from_settings(settings)
    wanted = wanted_identifiers(document.entries)
    result = fetch_by_identifiers(wanted, s2, arxiv, github)
    for line in summary_lines(wanted, result):
        print(line, file=out)
    for name, client in (("s2", s2), ("arxiv", arxiv), ("github", github)):
        stats = client.http.stats
        print(
            f"{name} calls: {stats.network_requests} sent, {stats.cache_hits} from the cache, "
            f"{stats.not_modified} not modified, {stats.retries} retries",
            file=out,
        )
        client.http.close()
    print(
        "Title matching, outputs and the regenerated list are not implemented yet; "
        "nothing was written.",
        file=out,
    )
    return 1 if document.errors or result.failures else 0


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
        description="Parse the list, then fetch from Semantic Scholar and arXiv the papers "
        "its URLs identify (arXiv ids, DOIs) and from GitHub its repositories, and report "
        "what came back. API locations and tokens come from the environment (see README). "
        "Exit status 1 when the list has errors or an API failed.",
    )
    run.add_argument(
        "--list",
        type=Path,
        default=DEFAULT_LIST,
        help=f"the Markdown list (default: {DEFAULT_LIST})",
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
