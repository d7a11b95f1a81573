"""`awesome-enrich deploy`: one Prefect deployment per list of a lists file (flows/deploy.py)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from pipeline.cli.arguments import Subparsers
from pipeline.cli.run import PREFECT_DEFAULTS
from pipeline.job.lists import load_lists


def command(args: argparse.Namespace, out: TextIO) -> int:
    import os

    lists = load_lists(args.lists, keep_relative=args.image is not None)
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)
    # Prefect is imported with the command: `check` and `--help` stay fast.
    from flows.deploy import checked_parameters, deploy_lists, describe

    if args.dry_run:
        for spec in lists.lists:
            print(f"{spec.name}: {checked_parameters(lists, spec)}", file=out)
        return 0
    pool, ids = deploy_lists(lists, pool=args.pool, image=args.image)
    for line in describe(lists, pool, ids):
        print(line, file=out)
    return 0


def add_parser(commands: Subparsers) -> None:
    deploy = commands.add_parser(
        "deploy",
        help="create one Prefect deployment per list of a lists file",
        description="Read a lists file (name, list path or raw URL, output folder, schedule, "
        "overrides, parameters per list) and create or update one deployment of the flow "
        "enrich-awesome-list per list on a Prefect work pool, with the shared per-API rate "
        "limits. Needs PREFECT_API_URL (a Prefect server) and an existing work pool.",
    )
    deploy.add_argument(
        "--lists",
        type=Path,
        default=Path("lists.yaml"),
        help="the lists file (default: lists.yaml)",
    )
    deploy.add_argument("--pool", default=None, help="the work pool (default: the file's)")
    deploy.add_argument(
        "--image",
        default=None,
        help="for Docker or Kubernetes work pools: the image holding this project (its working "
        "directory the project's root); relative paths are then kept relative",
    )
    deploy.add_argument(
        "--dry-run",
        action="store_true",
        help="check the lists file and print each deployment's parameters; create nothing",
    )
    deploy.set_defaults(handler=command)
