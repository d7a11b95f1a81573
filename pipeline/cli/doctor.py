"""`awesome-enrich doctor`: before a long run, in a few seconds, whether each API answers and
takes its token, how much quota is left against what the list needs tonight, whether the
Prefect API and its shared limits are there, and whether the folders can be written."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from pipeline.analysis.star_history import DEFAULT_STAR_PAGES, QUOTA_RESERVE
from pipeline.cli.arguments import DEFAULT_LIST, DEFAULT_OUT, Subparsers, list_location, local_list
from pipeline.core.errors import PipelineError
from pipeline.job.plan import CallEstimate, estimate_calls
from pipeline.sources.config import Settings, settings_from_env
from pipeline.sources.github import ANONYMOUS_HOURLY
from pipeline.sources.http import ARXIV_MIN_INTERVAL_S, published_intervals
from pipeline.sources.probe import Check, GitHubQuota, probe_arxiv, probe_github, probe_s2
from pipeline.store.listio import read_list
from pipeline.store.writer import check_output_folder


def _minutes(requests: int, interval_s: float) -> str:
    seconds = requests * interval_s
    return f"{seconds / 60:.0f} min" if seconds >= 90 else f"{seconds:.0f} s"


def tonight(estimate: CallEstimate, settings: Settings, quota: GitHubQuota | None) -> list[Check]:
    """What a cold run of the list asks each API, against its pacing and the quota left."""
    s2_interval = published_intervals(s2_keyed=bool(settings.s2_api_key))["s2"]
    s2 = estimate.s2_requests
    checks = [
        Check(
            "tonight: Semantic Scholar",
            "ok",
            f"about {s2} requests ({estimate.with_ids} papers by id, {estimate.titles_only} "
            f"by title): {_minutes(s2, s2_interval)} at one every {s2_interval:g} s",
        ),
        Check(
            "tonight: arXiv",
            "ok",
            f"up to {estimate.arxiv_requests} title searches (those S2 does not find): "
            f"{_minutes(estimate.arxiv_requests, ARXIV_MIN_INTERVAL_S)} at most",
        ),
    ]
    has_token = settings.github_token is not None
    need = estimate.github_requests(has_token)
    left = None if quota is None else (quota.graphql_remaining if has_token else quota.remaining)
    detail = (
        f"about {need} request{'' if need == 1 else 's'} for {estimate.repositories} repositories"
    )
    if left is None and not has_token and need > ANONYMOUS_HOURLY:
        detail += (
            f"; without a GITHUB_TOKEN, {ANONYMOUS_HOURLY} an hour: the rest wait for later runs"
        )
        checks.append(Check("tonight: GitHub", "warn", detail))
    elif left is None:
        checks.append(Check("tonight: GitHub", "ok", f"{detail}; quota left unknown"))
    elif left < need:
        detail += f", {left} left this hour: the rest keep their previous values until a later run"
        if not has_token:
            detail += " (a GITHUB_TOKEN gives 5,000 an hour)"
        checks.append(Check("tonight: GitHub", "warn", detail))
    else:
        checks.append(Check("tonight: GitHub", "ok", f"{detail}, {left} left this hour"))
    checks.append(star_history_check(estimate, has_token, quota))
    return checks


def star_history_check(estimate: CallEstimate, has_token: bool, quota: GitHubQuota | None) -> Check:
    """The star-history pages a first night asks (core quota, one request a page), against the
    run's page budget and the core quota left less the reserve the run keeps."""
    name = "tonight: GitHub star history"
    if not has_token:
        return Check(name, "ok", "not asked without a GITHUB_TOKEN (backfilled by a run with one)")
    pages = estimate.star_history_pages(has_token)
    detail = (
        f"at least {pages} page{'' if pages == 1 else 's'} (one per repository, one more per 30 "
        f"weeks of history; later nights about one each), at most {DEFAULT_STAR_PAGES} a run"
    )
    if quota is None or quota.remaining is None:
        return Check(name, "ok", f"{detail}; core quota left unknown")
    usable = max(0, quota.remaining - QUOTA_RESERVE)
    if usable < pages:
        return Check(
            name,
            "warn",
            f"{detail}; {quota.remaining} core requests left this hour ({QUOTA_RESERVE} kept): "
            "the backfills left wait for a later run",
        )
    return Check(name, "ok", f"{detail}; {quota.remaining} core requests left this hour")


def _folder(name: str, folder: Path | None) -> Check:
    """Whether a run can write the folder; a folder that does not exist yet is not created
    here, only its nearest existing parent is checked."""
    if folder is None:
        return Check(name, "ok", "none (--no-cache)")
    existing = next(p for p in (folder, *folder.absolute().parents) if p.exists())
    try:
        check_output_folder(existing if existing.is_dir() else folder)
    except PipelineError as error:
        return Check(name, "fail", str(error))
    made = "" if existing == folder else f" (a run creates it in {existing})"
    return Check(name, "ok", f"{folder} can be written{made}")


def run_checks(list_path: Path | str, out: Path, settings: Settings) -> list[Check]:
    """The checks, in order. `list_path` is a local file or any location `run --list` takes
    (a URL or a `github:` list is read into a temporary folder, through GitHub's contents API
    for a `github:` list: a list that cannot be read is a failed check, not an error)."""
    checks: list[Check] = []
    estimate = None
    try:
        with local_list(list_path, settings) as path:
            document = read_list(path, str(list_path))
        estimate = estimate_calls(document)
        checks.append(
            Check(
                "list",
                "ok",
                f"{list_path}: {estimate.entries} entries, {estimate.repositories} GitHub "
                "repositories",
            )
        )
    except PipelineError as error:
        checks.append(Check("list", "fail", str(error)))
    checks += [probe_s2(settings), probe_arxiv(settings)]
    github, quota = probe_github(settings)
    checks.append(github)
    if estimate is not None:
        checks += tonight(estimate, settings, quota)
    from flows.limit_check import check_limits  # reads Prefect's REST API, without Prefect

    checks += check_limits(settings)
    checks += [_folder("cache folder", settings.cache_dir), _folder("output folder", out)]
    return checks


def print_checks(checks: Sequence[Check], out: TextIO) -> bool:
    """Print the table; True when nothing blocks a run."""
    width = max(len(check.name) for check in checks)
    for check in checks:
        print(f"{check.name:<{width}}  {check.status:<4}  {check.detail}", file=out)
    failed = [check.name for check in checks if check.status == "fail"]
    if failed:
        print(f"blocking: {', '.join(failed)}", file=out)
    return not failed


def command(args: argparse.Namespace, out: TextIO) -> int:
    settings = settings_from_env(cache_dir=args.cache_dir, no_cache=args.no_cache)
    checks = run_checks(args.list, args.out or DEFAULT_OUT, settings)
    return 0 if print_checks(checks, out) else 1


def add_parser(commands: Subparsers) -> None:
    doctor = commands.add_parser(
        "doctor",
        help="check the APIs, tokens, quota, Prefect and folders before a run",
        description="In a few seconds, without spending quota where a free endpoint exists "
        "(GitHub /rate_limit; Semantic Scholar and arXiv are asked for one paper each): "
        "whether each API answers and accepts its token, the quota left against what a cold "
        "run of the list needs, the Prefect API and its shared rate limits, and whether the "
        "cache and output folders can be written. Prints one line per check; exit status 1 "
        "when any check blocks a run.",
    )
    doctor.add_argument(
        "--list",
        type=list_location,
        default=str(DEFAULT_LIST),
        help=f"the list, as `run --list` takes it: a path, a file:// or http(s):// URL, or "
        f"github:OWNER/REPO/PATH[@REF] (default: {DEFAULT_LIST})",
    )
    doctor.add_argument(
        "--out", type=Path, default=None, help=f"the output folder (default: {DEFAULT_OUT})"
    )
    doctor.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="the HTTP cache folder (default: $AWESOME_ENRICH_CACHE_DIR or .cache/http)",
    )
    doctor.add_argument("--no-cache", action="store_true", help="a run without HTTP cache")
    doctor.set_defaults(handler=command)
