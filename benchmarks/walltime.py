"""Wall time of a cold run under the published pacing: the APIs one after another (`--sequential`)
against side by side (issue 15), on the seed list and on SYNTHETIC lists of 1,000 and 10,000 papers.

    python -m benchmarks.walltime --sizes seed:0.1 1000:0.1 10000:0.05 --out benchmarks/RESULTS.md

Pacing is enforced, on a scaled clock so the benchmark stays short (SIZE:S, S per list):
AWESOME_ENRICH_TIME_SCALE=S makes every paced wait S times as long (S2 1 s -> 50 ms at 0.05)
and the pacer's clock run 1/S as fast, so real time between two requests counts towards the
interval at the same rate as its sleeps: the run is the real run, request for request, 1/S
times faster, as long as a lane's own work between two requests stays well under its scaled
interval (the "S2 lane" column checks it: its requests' span over S against its paced
minimum). The fake (`fake-api --pacing`) counts any two requests to an API closer than half
its scaled interval (arrival jitter) as a pacing violation, and says when each API was first
and last asked. The time under the published pacing is then: start-up (process start to the
first request, not paced) + the requests' span / S + the tail (last request to exit:
assembling and writing). Each run is a cold one (empty cache, no previous outputs), with the
default citation history (300 pages), an S2 key (1 request/s) and a GitHub token (GraphQL), as
a Prefect client of one long-lived local Prefect server. The Prefect rate limits are not taken
on a scaled clock (flows/enrich.py `_limiter`): one run, one process, its pacers are the limit.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from benchmarks.results import write_section
from benchmarks.run import Fake, PrefectServer, run_command, synthetic_world
from benchmarks.synthetic_list import make_records, render_list
from fakeapi.description import WorldDescription, description_path
from fakeapi.world import world_from_records
from pipeline.sources.http import published_intervals

APIS = ("s2", "arxiv", "github")
INTERVAL = published_intervals(s2_keyed=True)
# The pacer spaces request starts, the fake sees arrivals, which jitter by milliseconds (a new
# connection's connect, a busy core): a large share of a 50 ms scaled interval, a tiny one of
# the real 1 s. Checked at half the scaled interval (the fake counts below 95% of it): two
# unpaced requests, a millisecond apart, are still violations.
CHECK_SHARE = {"s2": 0.5, "arxiv": 0.5, "github": 0.5}
SEED_LIST = Path(__file__).resolve().parent.parent / "data" / "raw" / "README.md"


@dataclass
class Run:
    mode: str
    scale: float
    wall_s: float
    cpu_s: float
    status: int
    calls: dict[str, int]
    violations: dict[str, int]
    startup_s: float  # process start to the first request
    span_s: float  # first request to the last (scaled)
    tail_s: float  # last request to exit
    lane_span_s: dict[str, float]  # each API's first to last request (scaled)
    s2_gaps_s: list[float] = field(default_factory=list)  # between S2's requests (scaled)
    timeline: list[list[Any]] = field(default_factory=list)  # (arrival, api, endpoint)

    def projected_s(self) -> float:
        """The wall time under the published pacing."""
        return self.startup_s + self.span_s / self.scale + self.tail_s


def make_world(size: str, folder: Path) -> tuple[Path, Path, int]:
    """The list, its SYNTHETIC world (as in benchmarks.run), and the number of entries."""
    list_path = folder / "list.md"
    if size == "seed":
        list_path.write_text(SEED_LIST.read_text(encoding="utf-8"), encoding="utf-8")
        records = WorldDescription.load(description_path(SEED_LIST)).papers  # hand-checked
        world = world_from_records(records, seed=0, source=str(SEED_LIST))
    else:
        records = make_records(int(size))
        list_path.write_text(render_list(records), encoding="utf-8")
        world = synthetic_world(records)
    world_path = folder / "world.json"
    world.save(world_path)
    return list_path, world_path, len(records)


def measure(
    folder: Path, list_path: Path, world_path: Path, mode: str, scale: float, env: dict[str, str]
) -> Run:
    pacing = [f"--pacing={api}={INTERVAL[api] * scale * CHECK_SHARE[api]}" for api in APIS]
    fake = Fake(world_path, *pacing)
    try:
        command = run_command(
            list_path,
            folder / f"out-{mode}",
            "--cache-dir",
            str(folder / f"cache-{mode}"),
            "--snapshot-date",
            date.today().isoformat(),
            *(["--sequential"] if mode == "sequential" else []),
        )
        variables = {**os.environ, **fake.env, **env, "AWESOME_ENRICH_TIME_SCALE": str(scale)}
        start = time.monotonic()
        process = subprocess.Popen(
            command, env=variables, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _, status, usage = os.wait4(process.pid, 0)
        end = time.monotonic()
        stats = fake.stats(times=True)
    finally:
        fake.stop()
    first: dict[str, float] = stats["first_request"]
    last: dict[str, float] = stats["last_request"]
    per_api = stats["per_api"]
    return Run(
        mode=mode,
        scale=scale,
        wall_s=end - start,
        cpu_s=usage.ru_utime + usage.ru_stime,
        status=os.waitstatus_to_exitcode(status),
        calls={api: int(per_api.get(api, 0)) for api in APIS},
        violations={api: int(stats["pacing_violations"].get(api, 0)) for api in APIS},
        startup_s=min(first.values()) - start,
        span_s=max(last.values()) - min(first.values()),
        tail_s=end - max(last.values()),
        lane_span_s={api: last[api] - first[api] for api in APIS if api in first},
        s2_gaps_s=[
            b - a
            for quota, times in stats.get("request_times", {}).items()
            if quota.startswith("s2 ")
            for a, b in itertools.pairwise(sorted(times))
        ],
        timeline=stats.get("timeline", []),
    )


def longest_gaps(timeline: list[list[Any]], count: int = 10) -> list[str]:
    """S2's longest gaps: each with the S2 endpoints before and after it and the other APIs'
    requests inside it (what S2 was waiting for)."""
    s2 = [(t, endpoint) for t, api, endpoint in timeline if api == "s2"]
    gaps = sorted(itertools.pairwise(s2), key=lambda pair: pair[0][0] - pair[1][0])[:count]
    lines = []
    for (start, before), (end, after) in gaps:
        inside = [f"{api} {endpoint}" for t, api, endpoint in timeline if start < t < end]
        lines.append(f"{end - start:.2f} s after {before}, before {after}; inside: {inside}")
    return lines


def _minutes(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.1f} min"


def _gaps(run: Run) -> str:
    if not run.s2_gaps_s:
        return "-"
    interval = INTERVAL["s2"] * run.scale
    mean = statistics.fmean(run.s2_gaps_s) / interval
    busy = [gap for gap in run.s2_gaps_s if gap < 1.5 * interval]
    busy_mean = statistics.fmean(busy) / interval if busy else float("nan")
    return f"{mean:.3f} / {statistics.median(run.s2_gaps_s) / interval:.3f} / {busy_mean:.3f}"


def render(results: list[dict[str, Any]], command: str) -> str:
    lines = [
        "## Wall time under the published pacing: one API after another against side by side",
        "",
        "> **SYNTHETIC**: measured against the local fake (`fakeapi/`) on a scaled clock; the",
        "> projection to real pacing is explained below. Not a measurement of the real APIs.",
        "",
        f"Command: `{command}`  ",
        f"Run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"{os.cpu_count()} cores (shared), Python {platform.python_version()}.",
        "",
        "Pacing enforced on a scaled clock, `AWESOME_ENRICH_TIME_SCALE=S` (the `ScaledClock`, "
        "settings.time_scale; *scale* column): every paced wait lasts S of the real interval "
        "and the pacer's clock runs 1/S times as fast, so the real time spent between two "
        "requests counts towards the interval at the same rate as the sleeps. A run is then the "
        "real run, request for request, 1/S times faster, as long as each lane is paced rather "
        "than busy: the *S2 lane* column (the span of S2's requests over S, against S2's paced "
        "minimum; 1.000 is a lane never late) shows how close it is. The scale is chosen per "
        "list so that S2's per-request work (the fake answering a page of 1,000 citing papers, "
        "parsing it, caching it: tens of milliseconds, absorbed by a real 1 s interval) stays "
        "under the scaled interval. Hence *under the published pacing* = start-up (process "
        "start to the first request; Prefect client start-up, reading the list) + the "
        "requests' span / S + the tail (last request to exit: assembling, writing). "
        "*Paced minimum*: calls x "
        f"interval (S2 {INTERVAL['s2']:g} s with a key, arXiv {INTERVAL['arxiv']:g} s, GitHub "
        f"{INTERVAL['github']:g} s, our pacer's spacing; GitHub's hourly 5,000 is not reached by "
        "one run). The fake counted pacing violations at half the scaled intervals ("
        "arrival jitter). Cold runs: empty cache, no previous outputs, the "
        "default citation history (300 pages), an S2 key, a GitHub token; Prefect client of a "
        "long-lived local server (the Prefect rate limits are not taken on a scaled clock).",
        "",
        "*S2 gaps*: between two S2 requests, as the fake saw them arrive, in intervals: mean / "
        "median / mean of those under 1.5 intervals (a lane with work waiting sends one "
        "interval apart; a gap is longer where S2 had nothing to ask, waiting on arXiv's "
        "finds).",
        "",
        "| list | mode | scale | calls s2 / arxiv / github | busiest paced minimum | start-up | "
        "under the published pacing | (that - start-up) / busiest | S2 lane | S2 gaps | "
        "violations | measured wall (scaled) | CPU |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for result in results:
        for run in result["runs"]:
            paced = {api: run.calls[api] * INTERVAL[api] for api in APIS}
            busiest = max(paced, key=lambda api: paced[api])
            projected = run.projected_s()
            s2_lane = run.lane_span_s.get("s2", 0.0) / run.scale / paced["s2"] if paced["s2"] else 0
            lines.append(
                f"| {result['name']} | {run.mode} | {run.scale:g} | "
                + " / ".join(f"{run.calls[api]:,}" for api in APIS)
                + f" | {busiest} {_minutes(paced[busiest])} | {run.startup_s:.1f} s | "
                f"{_minutes(projected)} | {(projected - run.startup_s) / paced[busiest]:.3f} | "
                f"{s2_lane:.3f} | {_gaps(run)} | "
                + ", ".join(f"{api} {run.violations[api]}" for api in APIS)
                + f" | {run.wall_s:.1f} s | {run.cpu_s:.1f} s |"
            )
    lines += [
        "",
        "Exit status of every run: "
        + ", ".join(f"{r['name']} {run.mode} {run.status}" for r in results for run in r["runs"])
        + ".",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", nargs="+", default=["seed:0.1", "1000:0.1", "10000:0.05"], help="SIZE:SCALE"
    )
    parser.add_argument("--modes", nargs="+", default=["sequential", "overlapped"])
    parser.add_argument("--out", type=Path, default=Path("benchmarks/RESULTS.md"))
    parser.add_argument("--section", default="walltime", help="the section of --out it writes")
    parser.add_argument(
        "--busy",
        type=int,
        default=0,
        help="keep N other processes spinning meanwhile (N=2: both cores of the machine busy)",
    )
    args = parser.parse_args(argv)
    command = "python -m benchmarks.walltime " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    env = {"GITHUB_TOKEN": "benchmark-not-a-token", "S2_API_KEY": "benchmark-not-a-key"}
    results = []
    spinners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.busy)
    ]
    with tempfile.TemporaryDirectory() as workdir:
        prefect = PrefectServer(Path(workdir) / "prefect")
        try:
            for sized in args.sizes:
                size, _, scaled = sized.partition(":")
                scale = float(scaled or "0.05")
                folder = Path(workdir) / f"n{size}"
                folder.mkdir()
                list_path, world_path, entries = make_world(size, folder)
                name = f"seed ({entries} papers)" if size == "seed" else f"{entries:,} papers"
                runs = [
                    measure(folder, list_path, world_path, mode, scale, prefect.env | env)
                    for mode in args.modes
                ]
                results.append({"name": name, "runs": runs})
                for run in runs:
                    print(f"{name} {run.mode}: the longest S2 gaps (s, scaled), and what came")
                    for line in longest_gaps(run.timeline):
                        print("  ", line)
                print(render(results, command.strip()), flush=True)
        finally:
            prefect.stop()
            for spinner in spinners:
                spinner.kill()
                spinner.wait()
    write_section(args.out, args.section, render(results, command.strip()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
