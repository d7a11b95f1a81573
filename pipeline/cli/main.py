"""The `awesome-enrich` command: a thin dispatcher to one module per command."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

from pipeline.cli import check, demo, deploy, doctor, publish, run, trends
from pipeline.core.errors import PipelineError


def _version() -> str:
    try:
        return version("awesome-enrich")
    except PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="awesome-enrich",
        description="Enrich a Markdown awesome list of research papers with metadata.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    for command in (check, run, trends, demo, deploy, doctor, publish):
        command.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
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
