"""`awesome-enrich demo` and `fake-api`: the local fake of the three APIs.

The fake (fakeapi/) is a development tool, not part of the library: it is imported inside these
commands only, so `import pipeline` never loads it (an ignore in the import-linter contracts).
"""

from __future__ import annotations

import argparse
import io
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, cast

from pipeline.cli.arguments import DEFAULT_LIST, Subparsers, iso_date, whole_number
from pipeline.cli.run import add_verbose, prepare_prefect, run_flow
from pipeline.core.errors import ConfigError
from pipeline.store.listio import read_list_text
from pipeline.store.writer import check_output_folder, write_text_atomic

if TYPE_CHECKING:
    from fakeapi.app import FakeApi
    from fakeapi.description import PaperRecord
    from fakeapi.nights import Night
    from fakeapi.world import World

WORLD_EPOCH = date(2026, 1, 1)  # a generated world's epoch, unless the first night is earlier
DEMO_LIST = "demo-list.md"  # the list as it stands on the current night, in the output folder
DEMO_REPO = "demo/awesome-list"  # --publish: where the list lives, in the fake's GitHub
MERGE_EVERY = 7  # --publish: the maintainer merges the open pull request every 7th night
RERUN_EVERY = 5  # --publish: every 5th night runs twice (a retried run: nothing to publish)


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


def _records(args: argparse.Namespace, out: TextIO) -> tuple[list[PaperRecord], str]:
    """The list's records: its hand-checked world description (`<list>.world.json` next to it,
    or --description), else a draft read by the fake's own regexes, said so. Never the
    product's reading of the list: the fake must not share the reader it checks. With where
    they come from, for the world's description."""
    from fakeapi.description import WorldDescription, description_path
    from fakeapi.draft import draft_records

    path = args.description or description_path(args.list)
    if path.exists():
        try:
            return WorldDescription.load(path).papers, str(path)
        except (ValueError, TypeError) as error:
            raise ConfigError(f"{path}: {error}") from error
    if args.description is not None:
        raise ConfigError(f"{path}: no such world description")
    print(
        f"no world description {path}: the fake drafts its records from the list (unchecked)",
        file=out,
    )
    return draft_records(read_list_text(args.list)), f"{args.list} (an unchecked draft)"


def _world(
    args: argparse.Namespace,
    records: list[PaperRecord],
    source: str,
    epoch: date | None = None,
) -> World:
    from fakeapi.world import World, world_from_records

    if args.world is not None:
        return World.load(args.world)
    if epoch is None:
        return world_from_records(records, seed=args.seed, source=source)
    return world_from_records(records, seed=args.seed, epoch=epoch, source=source)


def _start_date(args: argparse.Namespace) -> date:
    """The first night: --start-date, else so that the last night is today (UTC)."""
    if args.start_date is not None:
        return cast(date, args.start_date)
    return datetime.now(UTC).date() - timedelta(days=args.nights - 1)


def command_demo(args: argparse.Namespace, out: TextIO) -> int:
    from fakeapi.app import FakeApi
    from fakeapi.faults import Faults
    from fakeapi.nights import plan_nights
    from fakeapi.server import FakeServer

    check_output_folder(args.out)  # before the fake and Prefect start, like `run`
    prepare_prefect(verbose=args.verbose)  # before Prefect reads its settings
    start = _start_date(args)
    # A generated world's counts start growing at its epoch: no later than the first night.
    records, source = _records(args, out)
    world = _world(args, records, source, epoch=min(WORLD_EPOCH, start))
    if start < world.epoch_date:
        raise ConfigError(
            f"--start-date {start} is before the world's epoch {world.epoch}: its counts would "
            "not move"
        )
    text = read_list_text(args.list)
    plan = plan_nights(text, records, world, start, args.nights)
    faults = Faults(error_rate=args.error_rate, seed=args.seed)
    # Prefect is imported once its settings are in place (prepare_prefect, above); the nights
    # run without its heartbeats, which a local synthetic demo does not need
    from flows.enrich import without_heartbeats

    with FakeServer(FakeApi(world, today=start, faults=faults)) as server:
        print(f"local fake of the three APIs at {server.url} ({world.description})", file=out)
        # Only the fake's own placeholder token: real tokens are never sent to it.
        env = {**server.env(), "AWESOME_ENRICH_TIME_SCALE": "0", "GITHUB_TOKEN": "demo-not-a-token"}
        with _environment(env, removed=["S2_API_KEY"]), without_heartbeats():
            if args.nights == 1 and not args.publish:
                status = run_flow(
                    _params(args, args.list, start, cache=True), out, verbose=args.verbose
                )
            else:
                status = _run_nights(args, plan, server.app, out)
        served = server.app.snapshot()["per_api"]
    print(
        "requests the fake served: " + ", ".join(f"{api} {n}" for api, n in sorted(served.items())),
        file=out,
    )
    if (args.out / "papers.parquet").exists():
        print(f"outputs (SYNTHETIC numbers, labelled so in each file): {args.out}/", file=out)
    return status


def _params(
    args: argparse.Namespace,
    list_path: Path | str,
    day: date | None,
    *,
    cache: bool,
    publish: Any = None,
) -> Any:
    from flows.enrich import EnrichParams

    overrides = args.list.parent / "overrides.yaml"
    return EnrichParams(
        publish=publish,
        list_path=str(list_path),
        out=str(args.out),
        snapshot_date=day,
        overrides_path=str(overrides) if overrides.exists() else None,
        cache_dir=str(args.out / "http-cache") if cache else None,
        no_cache=not cache,
    )


def _run_nights(args: argparse.Namespace, plan: Sequence[Night], app: FakeApi, out: TextIO) -> int:
    """Each night: the fake's clock at 03:00 of the snapshot date (another simulated hour, so
    GitHub's budget is fresh), that night's renames, that night's list, then the real flow.
    No HTTP cache: an answer cached one night would be another night's stale count. One line
    per night; the flow's own lines only when a night did not end with status 0."""
    list_path = args.out / DEMO_LIST
    worst = 0
    tally = PublishTally() if args.publish else None
    if args.publish:
        app.add_git_repo(DEMO_REPO, {"README.md": plan[0].list_text.encode()})
    for number, night in enumerate(plan, start=1):
        app.set_clock(datetime.combine(night.day, clock_time(3), UTC))
        for old, new in night.renames:
            app.rename_repo(old, new)
        args.out.mkdir(parents=True, exist_ok=True)
        write_text_atomic(list_path, night.list_text)
        printed = io.StringIO()
        if tally is None:
            params = _params(args, list_path, night.day, cache=False)
        else:
            if night.added or night.removed:  # the maintainer's edit, in the repository
                app.commit_upstream(DEMO_REPO, "main", "README.md", night.list_text.encode())
            params = _params(
                args,
                f"github:{DEMO_REPO}/README.md",
                night.day,
                cache=False,
                publish={"repo": DEMO_REPO, "path": "README.md", "mode": "pr"},
            )
        status = run_flow(params, printed, verbose=args.verbose)
        events = [
            *(f"added {title!r}" for title in night.added),
            *(f"removed {title!r}" for title in night.removed),
            *(f"renamed {old} to {new}" for old, new in night.renames),
        ]
        if tally is not None:
            events.append(tally.night(app, printed.getvalue(), args.out))
            if number % MERGE_EVERY == 0:
                events.append(tally.merge(app))
            if number % RERUN_EVERY == 0 or number % MERGE_EVERY == 0:
                again = io.StringIO()
                status = max(status, run_flow(params, again, verbose=args.verbose))
                events.append("run again: " + tally.night(app, again.getvalue(), args.out))
                printed.write(again.getvalue())
        print(f"{night.day}: exit {status}" + "".join(f"; {e}" for e in events), file=out)
        if status:
            print(printed.getvalue().rstrip(), file=out)
        worst = max(worst, status)
    print(
        f"{len(plan)} nights, {plan[0].day} to {plan[-1].day}; the list of each night: {list_path}",
        file=out,
    )
    if tally is not None:
        for line in tally.report(app):
            print(line, file=out)
    return worst


class PublishTally:
    """`demo --publish`: what publishing did night after night in the fake's GitHub, checked
    against what the nights called for (issue 24's Done-when): commits that change nothing,
    a second open pull request, and pull request bodies that are not that night's changes.md."""

    def __init__(self) -> None:
        self.runs = self.published = self.unchanged = self.skipped = self.failed = 0
        self.merged = 0
        self.body_checked = self.body_mismatches = self.shows_tonight = 0
        self.most_open = 0

    def night(self, app: FakeApi, printed: str, out: Path) -> str:
        """A run's publish line, tallied, and checked against the repository."""
        self.runs += 1
        repo = app.git_repo(DEMO_REPO)
        line = next(
            (x for x in printed.splitlines() if x.startswith("publish:")), "publish: no line"
        )
        open_pulls = [p for p in repo.pulls if p["state"] == "open"]
        self.most_open = max(self.most_open, len(open_pulls))
        if "FAILED" in line:
            self.failed += 1
        elif "nothing published" in line:
            self.skipped += 1
        elif " opened " in line or " updated " in line:
            self.published += 1
            self.body_checked += 1
            changes = (out / "changes.md").read_text(encoding="utf-8")
            if not open_pulls or open_pulls[-1]["body"] != changes:
                self.body_mismatches += 1
        else:
            self.unchanged += 1
        if (
            open_pulls
            and repo.file(open_pulls[-1]["head"]["ref"], "README.md")
            == (out / "README.md").read_bytes()
        ):
            self.shows_tonight += 1
        return line.removeprefix("publish: ")

    def merge(self, app: FakeApi) -> str:
        """The maintainer merges the open pull request."""
        open_pulls = [p for p in app.git_repo(DEMO_REPO).pulls if p["state"] == "open"]
        if not open_pulls:
            return "no pull request to merge"
        app.merge_pull(DEMO_REPO, open_pulls[-1]["number"])
        self.merged += 1
        return f"the maintainer merges #{open_pulls[-1]['number']}"

    def report(self, app: FakeApi) -> list[str]:
        repo = app.git_repo(DEMO_REPO)
        ours = [c for c in repo.commits.values() if c["message"].startswith("Update the list:")]
        empty = 0
        for commit in ours:
            tree = repo.trees[commit["tree"]]
            parent = repo.commits[commit["parents"][0]]
            if repo.trees[parent["tree"]].get("README.md") == tree.get("README.md"):
                empty += 1
        return [
            f"publish ({DEMO_REPO}, mode pr): {self.runs} runs: {self.published} published, "
            f"{self.unchanged} nothing to publish, {self.skipped} held back, {self.failed} "
            f"failed; {self.merged} merges by the maintainer",
            f"  commits: {len(ours)}, of them empty: {empty}",
            f"  pull requests: {len(repo.pulls)} opened, at most {self.most_open} open at once "
            f"(duplicates: {max(0, self.most_open - 1)})",
            "  pull request body vs that night's changes.md: "
            f"{self.body_checked - self.body_mismatches} of {self.body_checked} runs that "
            f"published match; an open pull request shows the run's list after "
            f"{self.shows_tonight} runs",
        ]


def command_fake_api(args: argparse.Namespace, out: TextIO) -> int:
    from fakeapi.app import FakeApi
    from fakeapi.faults import Faults
    from fakeapi.server import FakeServer

    records, source = ([], str(args.world)) if args.world is not None else _records(args, out)
    world = _world(args, records, source)
    if args.save_world is not None:
        world.save(args.save_world)
        print(f"wrote {args.save_world}", file=out)
    faults = Faults(error_rate=args.error_rate, seed=args.seed)
    pacing = dict(args.pacing) or None
    server = FakeServer(
        FakeApi(world, today=args.date, faults=faults, pacing=pacing), port=args.port
    ).start()
    print(f"serving {world.description} at {server.url}; Ctrl-C stops", file=out)
    print(
        f"clock: {server.app.today} (counts grow with it; to serve another night's: "
        f'curl -X POST {server.url}/_fake/clock -d \'{{"date": "YYYY-MM-DD"}}\', '
        "or send the header X-Fake-Date: YYYY-MM-DD)",
        file=out,
    )
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


def _pacing(text: str) -> tuple[str, float]:
    api, _, seconds = text.partition("=")
    try:
        value = float(seconds)
    except ValueError:
        value = -1.0
    if api not in {"s2", "arxiv", "github"} or value < 0:
        raise argparse.ArgumentTypeError(f"expected s2|arxiv|github=SECONDS, got {text!r}")
    return api, value


def _add_world_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--list",
        type=Path,
        default=DEFAULT_LIST,
        help=f"the list a synthetic world is generated for (default: {DEFAULT_LIST}), from "
        "its world description LIST.world.json when there is one",
    )
    parser.add_argument(
        "--description",
        type=Path,
        default=None,
        help="the list's world description (JSON records, checked by hand; default: "
        "LIST.world.json next to the list, else a draft the fake reads from the list)",
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


def add_parser(commands: Subparsers) -> None:
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
    demo.add_argument(
        "--nights",
        type=whole_number(1),
        default=1,
        help="run this many successive nights, the fake's clock on each snapshot date, with a few "
        "entries added and removed and one repository renamed along the way (default: 1)",
    )
    demo.add_argument(
        "--start-date",
        type=iso_date,
        default=None,
        help="the first night's snapshot date (default: the last night is today, UTC)",
    )
    demo.add_argument(
        "--publish",
        action="store_true",
        help=f"the list lives in the fake's GitHub ({DEMO_REPO}): each night reads it as "
        f"github:{DEMO_REPO}/README.md and publishes the regenerated list there (mode pr); the "
        f"maintainer merges the pull request every {MERGE_EVERY}th night, and every "
        f"{RERUN_EVERY}th night and each merge night runs twice; at the end, the "
        "commits, empty commits, pull requests and bodies checked against changes.md",
    )
    add_verbose(demo)
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
        "--date",
        type=iso_date,
        default=None,
        help="the date the fake serves counts as of (default: the world's epoch); POST "
        '{"date": "YYYY-MM-DD"} to /_fake/clock moves it, and a request with the header '
        "X-Fake-Date is answered as of that date",
    )
    fake.add_argument(
        "--save-world", type=Path, default=None, help="also write the world to this JSON file"
    )
    fake.add_argument(
        "--pacing",
        type=_pacing,
        action="append",
        default=[],
        metavar="API=SECONDS",
        help="count two requests to API closer than SECONDS apart as a pacing violation "
        "(repeatable; shown by /_fake/stats)",
    )
    fake.set_defaults(handler=command_fake_api)
