"""`awesome-enrich demo` and `fake-api`: the local fake of the three APIs.

The fake (fakeapi/) is a development tool, not part of the library: it is imported inside these
commands only, so `import pipeline` never loads it (an ignore in the import-linter contracts).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pipeline.cli.arguments import DEFAULT_LIST, Subparsers
from pipeline.cli.run import run_flow
from pipeline.store.listio import read_list

if TYPE_CHECKING:
    from fakeapi.world import World


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


def _world(args: argparse.Namespace) -> World:
    from fakeapi.world import World, world_from_list

    if args.world is not None:
        return World.load(args.world)
    return world_from_list(read_list(args.list), seed=args.seed)


def command_demo(args: argparse.Namespace, out: TextIO) -> int:
    from fakeapi.app import FakeApi
    from fakeapi.faults import Faults
    from fakeapi.server import FakeServer
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
            status = run_flow(params, out)
        served = server.app.snapshot()["per_api"]
    print(
        "requests the fake served: " + ", ".join(f"{api} {n}" for api, n in sorted(served.items())),
        file=out,
    )
    if (args.out / "papers.parquet").exists():
        print(f"outputs (SYNTHETIC numbers, labelled so in each file): {args.out}/", file=out)
    return status


def command_fake_api(args: argparse.Namespace, out: TextIO) -> int:
    from fakeapi.app import FakeApi
    from fakeapi.faults import Faults
    from fakeapi.server import FakeServer

    world = _world(args)
    if args.save_world is not None:
        world.save(args.save_world)
        print(f"wrote {args.save_world}", file=out)
    faults = Faults(error_rate=args.error_rate, seed=args.seed)
    pacing = dict(args.pacing) or None
    server = FakeServer(FakeApi(world, faults=faults, pacing=pacing), port=args.port).start()
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
