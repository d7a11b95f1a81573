"""Wall time of a cold seed-list run on the fake at real time, clean and under issue 23's fault
profile (docs/RELIABILITY.md, "The generated fault matrix"):

    python -m benchmarks.fault_profile                     # clean, profile, profile + cut bodies
    python -m benchmarks.fault_profile --runs clean cuts --repeat 2

Real time: pacing, backoff and read timeouts are slept as against the real APIs (time scale 1),
S2 with a key (one request a second), GitHub with a token (GraphQL), no HTTP cache, no previous
outputs, the default citation history, the real charts. The job runs in this process as the flow
runs it (pipeline.job.steps.run_steps, without Prefect: its start-up is not the faults' cost);
the fake serves from a thread of it. The fault runs must end with the clean run's values.

The profile (issue 23): one 35 s answer on an S2 batch, one cut JSON body on S2's title match
and one on GitHub GraphQL, one reset and one empty page on arXiv, an S2 batch that answers 500
whenever it holds one DOI, 5% S2 429s and 3% GitHub 503s (seeded). `cuts` adds three cut-off
bodies in a row (Content-Length not reached) on every endpoint a cold run asks.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fakeapi.app import FakeApi
from fakeapi.description import WorldDescription, description_path
from fakeapi.faults import Faults, ordinary_night
from fakeapi.server import FakeServer
from fakeapi.world import World, world_from_records
from pipeline.job import steps as job
from pipeline.job.options import JobOptions
from pipeline.sources.config import settings_from_env
from pipeline.store.tables import read_papers

SEED_LIST = Path(__file__).resolve().parent.parent / "data" / "raw" / "README.md"
DAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
APIS = ("s2", "arxiv", "github")
VALUES = (
    "title",
    "s2_paper_id",
    "citation_count",
    "influential_citation_count",
    "arxiv_id",
    "doi",
    "repo",
    "repo_status",
    "stars",
    "forks",
    "last_commit_at",
)


def seed_world() -> World:
    records = WorldDescription.load(description_path(SEED_LIST)).papers
    return world_from_records(records, seed=0, source=str(SEED_LIST))


def profile_faults(world: World, *, cuts: bool) -> Faults:
    doi = next(p.doi for p in world.papers if p.doi and p.list_positions and not p.decoy)
    assert doi is not None  # noqa: S101 - the seed world has DOIs
    return ordinary_night(slow_s=35.0, cuts=cuts, poisoned=frozenset({f"DOI:{doi}"}))


@dataclass
class Measured:
    name: str
    wall_s: float
    status: int
    failed: set[str]
    requests: dict[str, int]
    endpoints: Counter[str]
    injected: Counter[str]
    retries: dict[str, int]
    slept_s: dict[str, float]
    lane_s: dict[str, float]  # first to last request, per API
    values: dict[str, dict[str, Any]]


def measure(name: str, world: World, faults: Faults, folder: Path) -> Measured:
    out = folder / name / "out"
    with FakeServer(FakeApi(world, faults=faults, today=DAY)) as server:
        variables = {
            **server.env(),
            "AWESOME_ENRICH_TIME_SCALE": "1",
            "GITHUB_TOKEN": "benchmark-token-not-a-secret",
            "S2_API_KEY": "benchmark-key-not-a-secret",
        }
        settings = settings_from_env(variables, no_cache=True)
        options = JobOptions(SEED_LIST, out, settings, snapshot_date=DAY)
        start = time.monotonic()
        result = job.run_steps(options, NOW, hooks=job.Hooks())
        wall = time.monotonic() - start
        stats = server.app.stats
        timeline = list(stats.timeline)
    firsts: dict[str, float] = {}
    lasts: dict[str, float] = {}
    for at, api, _, _ in timeline:
        firsts.setdefault(api, at)
        lasts[api] = at
    rows = read_papers(out / "papers.parquet")
    return Measured(
        name=name,
        wall_s=wall,
        status=result.status,
        failed=set(result.failed),
        requests={api: stats.per_api().get(api, 0) for api in APIS},
        endpoints=Counter(stats.requests),
        injected=Counter(stats.injected),
        retries={api: calls.retries for api, calls in result.calls.items()},
        slept_s={api: round(calls.slept_s, 1) for api, calls in result.calls.items()},
        lane_s={api: round(lasts[api] - firsts[api], 1) for api in firsts},
        values={key: {c: row.get(c) for c in VALUES} for key, row in rows.items()},
    )


def report(run: Measured, clean: Measured | None) -> str:
    ratio = f" ({run.wall_s / clean.wall_s:.2f}x)" if clean is not None else ""
    same = "" if clean is None else f", values {'==' if run.values == clean.values else '!='} clean"
    requests = " / ".join(str(run.requests[api]) for api in APIS)
    lines = [
        f"{run.name}: {run.wall_s:.1f} s{ratio}, exit {run.status}"
        f"{', failed ' + ','.join(sorted(run.failed)) if run.failed else ''}{same}; "
        f"requests s2/arxiv/github {requests}",
        f"  lanes (first to last request): {run.lane_s}; retries {run.retries}; "
        f"backoff slept {run.slept_s}",
        f"  endpoints: {dict(sorted(run.endpoints.items()))}",
    ]
    if run.injected:
        lines.append(f"  injected: {dict(sorted(run.injected.items()))}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--runs", nargs="+", choices=("clean", "profile", "cuts"), default=["clean", "cuts"]
    )
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    world = seed_world()
    clean: Measured | None = None
    with tempfile.TemporaryDirectory(prefix="fault-profile-") as tmp:
        for round_ in range(args.repeat):
            for name in args.runs:
                faults = Faults() if name == "clean" else profile_faults(world, cuts=name == "cuts")
                run = measure(f"{name}-{round_}", world, faults, Path(tmp))
                if name == "clean":
                    clean = run
                print(report(run, None if name == "clean" else clean), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
