"""The `awesome-enrich` command: a thin dispatcher to one module per command."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

from pipeline.core.errors import PipelineError

# Each command's module, and the line `awesome-enrich --help` shows for it (the module's own
# add_parser says the same: tests/cli/test_lazy_imports.py checks). A command's module is
# imported only when that command runs: `--help` and `check` never pay for the HTTP stack,
# Prefect or pandas that other commands import (docs/performance.md).
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("check", "parse a list; print problems and duplicates"),
    "run": ("run", "run the enrichment job on a list"),
    "trends": ("trends", "citation and star trends from the history, with charts"),
    "demo": (
        "demo",
        "run the real job against a local fake of the APIs (no network, no tokens)",
    ),
    "fake-api": ("demo", "serve the local fake of the three APIs until interrupted"),
    "deploy": ("deploy", "create one Prefect deployment per list of a lists file"),
    "doctor": ("doctor", "check the APIs, tokens, quota, Prefect and folders before a run"),
    "publish": (
        "publish",
        "publish the regenerated list: one pull request kept current, or a commit",
    ),
}


class _Version(argparse.Action):
    """`--version`, read from the installed metadata only when asked (a tenth of `--help`'s
    CPU otherwise)."""

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("awesome-enrich")
        except PackageNotFoundError:
            number = "unknown"
        parser.exit(message=f"{parser.prog} {number}\n")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with `only` (a command's name), that command's options in full
    and the others as names, so only its module is imported."""
    parser = argparse.ArgumentParser(
        prog="awesome-enrich",
        description="Enrich a Markdown awesome list of research papers with metadata.",
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    added: set[str] = set()
    for name, (module, summary) in COMMANDS.items():
        if name in added:
            continue
        if only is None or COMMANDS.get(only, ("", ""))[0] == module:
            importlib.import_module(f"pipeline.cli.{module}").add_parser(commands)
            added.update(n for n, (m, _) in COMMANDS.items() if m == module)
        else:
            commands.add_parser(name, help=summary)
    return parser


def _command(argv: Sequence[str]) -> str | None:
    """The command named on the command line, if any (the first word not an option)."""
    for word in argv:
        if not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    command = _command(words)
    # No command (`--help`, `--version`, a typo): the names and their lines, no module imported.
    args = build_parser(command or "").parse_args(words)
    # The command is this whole process (the console script), not a call from a longer-lived
    # one (tests): `run` may then tune the process's garbage collection for itself.
    args.whole_process = argv is None
    try:
        status: int = args.handler(args, sys.stdout)
    except PipelineError as error:
        print(f"awesome-enrich: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`awesome-enrich check LIST | head`): stop without a traceback,
        # and without another one when Python flushes stdout on exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return status


if __name__ == "__main__":
    sys.exit(main())
