"""`awesome-enrich check`: parse a list, print its problems and duplicates."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import TextIO

from pipeline.cli.arguments import DEFAULT_LIST, Subparsers, list_location, local_list
from pipeline.core.errors import PipelineError
from pipeline.job.summary import check_report, list_summary, mostly_skipped
from pipeline.listfile.duplicates import DuplicateGroup, find_duplicates
from pipeline.listfile.model import ListDocument, Severity
from pipeline.store.listio import read_list


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


def _json_command(args: argparse.Namespace, out: TextIO, failing: set[Severity]) -> int:
    """`check --json`: one JSON object on stdout whatever happens, the error in `errors` when
    the list cannot be read or holds no paper (exit 2), so a script always has JSON to read."""
    try:
        with local_list(args.list) as path:
            document = read_list(path, str(args.list))
    except PipelineError as error:
        report = {
            "source": str(args.list),
            "entries": [],
            "skipped": [],
            "errors": [{"line": None, "message": str(error)}],
            "warnings": [],
        }
        print(json.dumps(report, ensure_ascii=False, indent=1), file=out)
        return 2
    report = check_report(document)
    warning = mostly_skipped(document)
    if warning:
        report["warnings"] = [{"line": None, "message": warning}, *report["warnings"]]
    print(json.dumps(report, ensure_ascii=False, indent=1), file=out)
    return 1 if any(d.severity in failing for d in document.diagnostics) else 0


def command(args: argparse.Namespace, out: TextIO) -> int:
    failing = {Severity.ERROR, Severity.WARNING} if args.strict else {Severity.ERROR}
    if args.json:
        return _json_command(args, out, failing)
    with local_list(args.list) as path:
        document = read_list(path, str(args.list))
    status = 1 if any(d.severity in failing for d in document.diagnostics) else 0
    warning = mostly_skipped(document)
    if warning:
        print(warning, file=out)
    for diagnostic in document.diagnostics:
        print(diagnostic, file=out)
    print(list_summary(document), file=out)
    _print_duplicates(document, find_duplicates(document.entries), out)
    return status


def add_parser(commands: Subparsers) -> None:
    check = commands.add_parser(
        "check",
        help="parse a list; print problems and duplicates",
        description="Parse a list and print every row it cannot read and every item with a "
        "link it did not take as a paper (file:line: reason), and every duplicate (same paper "
        "twice, entries sharing a repository). "
        "Exit status 1 when there are errors (or warnings, with --strict).",
    )
    check.add_argument(
        "list",
        nargs="?",
        type=list_location,
        default=str(DEFAULT_LIST),
        help=f"the Markdown list (a path, a file:// or http(s):// URL), or "
        f"github:OWNER/REPO/PATH[@REF] (default: {DEFAULT_LIST})",
    )
    check.add_argument(
        "--strict",
        action="store_true",
        help="treat warnings (items with links not read as papers among them) as errors",
    )
    check.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object, also when the list cannot be read (exit 2, the reason in "
        "errors): entries (line, section, title, paper_url, code_urls, venue, year), skipped "
        "items (line, kind, reason), errors and warnings",
    )
    check.set_defaults(handler=command)
