"""`awesome-enrich publish`: the regenerated list of an output folder, published where the list
lives (a pull request kept current, a commit on the base, or a commit in a local clone)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from pipeline.cli.arguments import DEFAULT_LIST, DEFAULT_OUT, Subparsers, iso_date, list_location
from pipeline.job.publish import DEFAULT_BRANCH, MODES, PublishError, PublishSpec, publish_list
from pipeline.sources.config import settings_from_env
from pipeline.sources.github_list import is_github_list, parse_github_list
from pipeline.store.locations import (
    DOWNLOADED_LIST,
    is_fetched_list,
    list_blob_sha,
    list_file,
    list_origin,
)

# Exit status: 0 published, or nothing to publish; 1 GitHub or git refused (one line says
# why); 3 a safety check kept the list back (the guard, fewer entries, an upstream edit).
EXIT_REFUSED = 1
EXIT_HELD_BACK = 3


def _github_spec(args: argparse.Namespace, out_dir: Path) -> tuple[Path, PublishSpec]:
    """`--list github:...`: the copy the run read into `out_dir`, and the list's repository,
    path and ref as the defaults of --repo, --path and --base."""
    where = parse_github_list(str(args.list))
    list_path = out_dir / DOWNLOADED_LIST
    origin = list_origin(list_path)
    if origin is None or origin["list"] != str(where):
        raise PublishError(
            f"{where}: {out_dir} holds no copy of this list read by a run ({DOWNLOADED_LIST}); "
            f"run the job with --list {where} --out {out_dir} first"
        )
    repo = args.repo or where.repo
    spec = PublishSpec(
        repo=repo,
        path=args.path or (where.path if repo == where.repo else "README.md"),
        base=args.base or (where.ref if repo == where.repo else None),
        mode=args.mode,
        branch=args.branch,
        release=args.release,
    )
    return list_path, spec


def command(args: argparse.Namespace, out: TextIO) -> int:
    out_dir: Path = args.out
    if args.list is not None and is_github_list(str(args.list)):
        list_path, spec = _github_spec(args, out_dir)
    else:
        if args.repo is None:
            raise PublishError("publish: --repo is required, unless --list is a github: list")
        if args.list is None:
            fetched = out_dir / DOWNLOADED_LIST
            list_path = fetched if fetched.exists() else DEFAULT_LIST
        elif is_fetched_list(args.list):
            list_path = out_dir / DOWNLOADED_LIST  # the copy the run fetched from that URL
        else:
            list_path = list_file(args.list, out_dir)  # a path or a file:// URL: the file
        spec = PublishSpec(
            repo=args.repo,
            path=args.path or "README.md",
            base=args.base,
            mode=args.mode,
            branch=args.branch,
            release=args.release,
        )
    try:
        source = list_path.read_bytes()
    except OSError as error:
        message = f"{list_path}: the list the run read cannot be read ({error.strerror})"
        raise PublishError(message) from None
    try:
        result = publish_list(
            spec,
            out=out_dir,
            source=source,
            day=args.date or datetime.now(UTC).date(),
            settings=settings_from_env(no_cache=True),
            dry_run=args.dry_run,
            source_sha=list_blob_sha(list_path),
        )
    except PublishError as error:
        print(f"publish: FAILED: {error}", file=out)
        return EXIT_REFUSED
    if result.diff and args.dry_run:
        print(result.diff, end="" if result.diff.endswith("\n") else "\n", file=out)
    print(result.line + (f" ({result.url})" if result.url else ""), file=out)
    return EXIT_HELD_BACK if result.action == "skipped" else 0


def add_parser(commands: Subparsers) -> None:
    publish = commands.add_parser(
        "publish",
        help="publish the regenerated list: one pull request kept current, or a commit",
        description="Publish the regenerated list of an output folder (its README.md) at PATH "
        "in REPO. Mode pr (default): a fixed branch reset to the base with one commit when the "
        "list changed, and one pull request kept open, its title and body from changes.md; a "
        "pull request the base already holds is closed. Mode commit: one commit on the base, "
        "only on change. Mode git: a commit in the local clone REPO, only on change, never "
        "pushed. Nothing is published when the anomaly guard kept previous values, when the "
        "regenerated list has fewer entries than the list read, or when the list in the "
        "repository changed since it was read. Needs GITHUB_TOKEN with contents: write (and "
        "pull requests: write for mode pr). Exit status: 0 published or nothing to publish, "
        "1 GitHub or git refused, 3 held back by a safety check. See docs/publishing.md.",
    )
    publish.add_argument(
        "--repo",
        default=None,
        help="OWNER/NAME on GitHub; mode git: the path of a local clone (default: a github: "
        "--list's repository)",
    )
    publish.add_argument(
        "--path",
        default=None,
        help="the list's file in the repository (default: a github: --list's path, else README.md)",
    )
    publish.add_argument(
        "--base",
        default=None,
        help="the base branch (default: a github: --list's ref, else the repository's default "
        "branch)",
    )
    publish.add_argument("--mode", choices=MODES, default="pr", help="default: pr")
    publish.add_argument(
        "--branch",
        default=DEFAULT_BRANCH,
        help=f"mode pr: the branch of the pull request (default: {DEFAULT_BRANCH})",
    )
    publish.add_argument(
        "--release", action="store_true", help="also a draft release for the week (changes.md)"
    )
    publish.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"the output folder of the run (default: {DEFAULT_OUT})",
    )
    publish.add_argument(
        "--list",
        type=list_location,
        default=None,
        help="the list the run read, compared with the repository's copy (default: the copy a "
        f"run fetched from a URL, {DOWNLOADED_LIST} in --out, else {DEFAULT_LIST}); an "
        "http(s) URL: the copy a run fetched from it into --out; "
        "github:OWNER/REPO/PATH[@REF]: the copy a run read from the repository, compared by "
        "its blob SHA, and the default --repo, --path and --base",
    )
    publish.add_argument(
        "--date", type=iso_date, default=None, help="the night's date (default: today, UTC)"
    )
    publish.add_argument(
        "--dry-run",
        action="store_true",
        help="print the unified diff and what would be done; write nothing",
    )
    publish.set_defaults(handler=command)
