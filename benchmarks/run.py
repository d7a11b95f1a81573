"""Benchmark the pipeline against the local fake, next to a naive baseline.

    python -m benchmarks.run --sizes 1000 10000 --baseline-sizes 1000 --out benchmarks/RESULTS.md

For each size: a SYNTHETIC list and world; a cold run (empty cache, no previous outputs); a warm
run the next night (the caches expired, the previous outputs kept); and, for the baseline
sizes, the naive script. Calls are counted by the fake; CPU time and peak memory are the
pipeline process's own (os.wait4): the fake and the Prefect server run in their own long-lived
processes, so their work is not in them (Prefect's client side is). Waits are removed
(AWESOME_ENRICH_TIME_SCALE=0): the time the calls would take under the published limits is
computed from the counts instead.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import requests

from benchmarks.results import write_section
from benchmarks.synthetic_list import make_records, render_list
from fakeapi.description import PaperRecord
from fakeapi.text import title_key
from fakeapi.world import World, world_from_records
from pipeline.analysis.citation_history import DEFAULT_PAGE_BUDGET, pages_needed
from pipeline.resolve.matching import title_similarity

# Published limits: S2 1 request/s with a key; arXiv 1 request per 3 s; GitHub 5,000/hour.
SECONDS_PER_CALL = {"s2": 1.0, "arxiv": 3.0, "github": 3600 / 5000}
NAMESAKE_SHARE = 0.05  # of the entries: a namesake S2's title match prefers (issue 14)
APIS = ("s2", "arxiv", "github")


@dataclass
class Measured:
    calls: dict[str, int]
    wall_s: float
    cpu_s: float
    peak_mib: float
    status: int


class Fake:
    """`awesome-enrich fake-api` in its own process, so its CPU is not the pipeline's."""

    def __init__(self, world_path: Path, *options: str) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pipeline.cli.main",
                "fake-api",
                "--world",
                str(world_path),
                *options,
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        self.env: dict[str, str] = {}
        assert self.process.stdout is not None  # noqa: S101
        while len(self.env) < 4:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError("the fake API did not start")
            if line.startswith("export "):
                name, value = line.removeprefix("export ").strip().split("=", 1)
                self.env[name] = value
        self.url = self.env["S2_API_URL"].removesuffix("/s2")

    def stats(self, times: bool = False) -> dict[str, Any]:
        """The fake's counts; with `times`, each paced quota's request times too."""
        query = "?times=1" if times else ""
        stats: dict[str, Any] = requests.get(f"{self.url}/_fake/stats{query}", timeout=30).json()
        return stats

    def calls(self) -> dict[str, int]:
        per_api: dict[str, int] = requests.get(f"{self.url}/_fake/stats", timeout=10).json()[
            "per_api"
        ]
        return {api: per_api.get(api, 0) for api in APIS}

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


class PrefectServer:
    """One long-lived Prefect server for all runs (the recommended production setup), so the
    pipeline process is measured as a Prefect client, without an embedded server's start-up."""

    def __init__(self, home: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.env = {
            "PREFECT_HOME": str(home),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
        }
        prefect = Path(sys.executable).parent / "prefect"
        self.process = subprocess.Popen(
            [
                str(prefect),
                "server",
                "start",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--analytics-off",
                "--no-ui",
            ],
            env={**os.environ, **self.env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.env["PREFECT_API_URL"] = f"http://127.0.0.1:{port}/api"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.env['PREFECT_API_URL']}/health", timeout=2).ok:
                    return
            except requests.RequestException:
                time.sleep(0.5)
        raise RuntimeError("the Prefect server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def measure(fake: Fake, command: list[str], extra_env: dict[str, str]) -> Measured:
    env = {**os.environ, **fake.env, **extra_env}
    before = fake.calls()
    start = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    after = fake.calls()
    return Measured(
        calls={api: after[api] - before[api] for api in APIS},
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        peak_mib=usage.ru_maxrss / 1024,
        status=os.waitstatus_to_exitcode(status),
    )


def run_command(list_path: Path, out: Path, *options: str) -> list[str]:
    """`awesome-enrich run` for one list, in this interpreter, with more options."""
    command = [sys.executable, "-m", "pipeline.cli.main", "run"]
    return [*command, "--list", str(list_path), "--out", str(out), *options]


def minimum_calls(
    records: list[PaperRecord], world: World, report: dict[str, Any]
) -> tuple[dict[str, int], dict[str, int]]:
    """The fewest calls the APIs allow for the list of these records: (cold, warm next night)."""
    ids = set()
    title_only = set()
    for record in records:
        if record.arxiv_id or record.doi:
            ids.add(record.arxiv_id or record.doi)
        else:
            title_only.add(record.title.casefold())
    entries = report["entries"]
    by_arxiv_title = sum(1 for e in entries if e["match_method"] == "arxiv_title")
    unresolved = sum(1 for e in entries if e["match_method"] == "unresolved")
    arxiv_ids = {e["arxiv_id"] for e in entries if e["arxiv_id"]}
    repos = {name.casefold() for record in records for name in record.repos}
    graphql_misses = sum(1 for r in world.repos if r.status in {"not_found", "blocked"})
    cold = {
        # one batch per 500 ids; titles cannot be batched; S2 records of arXiv-found papers
        "s2": math.ceil(len(ids) / 500) + len(title_only) + math.ceil(by_arxiv_title / 500),
        # one search per title S2 could not place; metadata for the other arXiv ids, 100 a call
        "arxiv": by_arxiv_title
        + unresolved
        + math.ceil(max(0, len(arxiv_ids) - by_arxiv_title) / 100),
        # one GraphQL call per 100 repositories; REST for the ones GraphQL cannot resolve
        "github": math.ceil(len(repos) / 100) + graphql_misses,
    }
    pinned = sum(1 for e in entries if e["s2_paper_id"] or e["arxiv_id"])
    warm = {
        # pinned ids in batches; unresolved entries are tried again by title every night
        "s2": math.ceil(pinned / 500) + unresolved,
        "arxiv": unresolved,  # no new entries: only the unresolved ones are searched again
        "github": math.ceil(len(repos) / 100),  # gone repositories are known from last night
    }
    return cold, warm


def bench_size(
    size: int, baseline: bool, workdir: Path, prefect_env: dict[str, str]
) -> dict[str, Any]:
    folder = workdir / f"n{size}"
    folder.mkdir()
    list_path = folder / "list.md"
    records = make_records(size)
    list_path.write_text(render_list(records), encoding="utf-8")
    world = synthetic_world(records)
    world_path = folder / "world.json"
    world.save(world_path)
    out = folder / "out"
    pipeline = run_command(list_path, out)
    # Cold and warm nights without the citation history, so their calls compare with the
    # minimum and the naive script (neither fetches citing papers); a third night measures it.
    enrich = [*pipeline, "--citation-pages", "0"]
    # Three successive nights (an unresolved title is searched again the next night).
    nights = [(date.today() + timedelta(days=n)).isoformat() for n in range(3)]
    env = {
        "AWESOME_ENRICH_TIME_SCALE": "0",
        "GITHUB_TOKEN": "benchmark-not-a-token",
        **prefect_env,  # a temporary PREFECT_HOME, never the user's ~/.prefect
    }
    decoy_titles = {title_key(p.title) for p in world.papers if p.decoy}
    results: dict[str, Any] = {
        "size": size,
        "repos": len(world.repos),
        "planted": sum(
            len(p.list_positions)
            for p in world.papers
            if not p.decoy and title_key(p.title) in decoy_titles
        ),
    }
    fake = Fake(world_path)
    try:
        results["cold"] = measure(
            fake,
            [*enrich, "--snapshot-date", nights[0], "--cache-dir", str(folder / "cache-night-1")],
            env,
        )
    finally:
        fake.stop()
    cold_report = json.loads((out / "resolution.json").read_text(encoding="utf-8"))
    fake = Fake(world_path)  # the next night: a fresh quota, expired caches, yesterday's outputs
    try:
        results["warm"] = measure(
            fake,
            [*enrich, "--snapshot-date", nights[1], "--cache-dir", str(folder / "cache-night-2")],
            env,
        )
    finally:
        fake.stop()
    fake = Fake(world_path)
    try:
        results["history"] = measure(
            fake,
            [
                *pipeline,
                "--citation-pages",
                str(DEFAULT_PAGE_BUDGET),
                "--snapshot-date",
                nights[2],
                "--cache-dir",
                str(folder / "cache-night-3"),
            ],
            env,
        )
    finally:
        fake.stop()
    counts = {
        row["s2_paper_id"]: row["citation_count"]
        for row in pq.read_table(out / "papers.parquet").to_pylist()
        if row["s2_paper_id"]
    }
    results["history_pages"] = sum(pages_needed(count) for count in counts.values())
    results["minimum_cold"], results["minimum_warm"] = minimum_calls(records, world, cold_report)
    # Entries whose S2 title match was another record with a title that passes the guard (the
    # planted namesakes, and the generator's lookalike titles from another year).
    results["namesakes"] = sum(
        1
        for entry in cold_report["entries"]
        if any(
            c["query"] == "match" and title_similarity(entry["title"], c["title"]) >= 0.9
            for c in entry.get("rejected", [])
        )
    )
    results["methods"] = {}
    for entry in cold_report["entries"]:
        results["methods"][entry["match_method"]] = (
            results["methods"].get(entry["match_method"], 0) + 1
        )
    if baseline:
        fake = Fake(world_path)
        try:
            results["naive"] = measure(
                fake, [sys.executable, "-m", "benchmarks.naive", str(list_path)], env
            )
        finally:
            fake.stop()
    return results


def synthetic_world(records: list[PaperRecord], source: str = "a SYNTHETIC list") -> World:
    """The world of generated records (never of the list read back): NAMESAKE_SHARE of the
    entries get a namesake, and only entries without an arXiv id or DOI can have one."""
    title_only = sum(1 for record in records if not (record.arxiv_id or record.doi))
    rate = min(1.0, NAMESAKE_SHARE * len(records) / title_only) if title_only else 0.0
    return world_from_records(records, seed=0, namesake_rate=rate, source=source)


def _limit_time(calls: dict[str, int]) -> str:
    seconds = {api: calls[api] * SECONDS_PER_CALL[api] for api in APIS}
    return ", ".join(f"{api} {_duration(s)}" for api, s in seconds.items())


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def render(results: list[dict[str, Any]], command: str) -> str:
    lines = [
        "# Benchmark results",
        "",
        "> **SYNTHETIC inputs**: generated lists and worlds served by the local fake (`fakeapi/`).",
        "> The counts and times below were measured on this machine against that fake; they are",
        "> not measurements of the real APIs.",
        "",
        f"Command: `{command}`  ",
        f"Run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}.",
        "",
        "*Cold*: first run, empty cache, no previous outputs. *Warm*: the next night, caches",
        "expired, yesterday's outputs (pins) kept. *Minimum*: the fewest calls the APIs allow",
        "(S2: one batch per 500 ids plus one title match per paper without an id; arXiv: one",
        "title search per paper S2 could not place plus one id lookup per 100 other arXiv ids;",
        "GitHub: one GraphQL call per 100 repositories plus one REST call per repository GraphQL",
        "cannot resolve; on warm nights, unresolved entries are searched again and repositories",
        "found gone last night are not asked over REST again).",
        "*Time under the published limits*: S2 1 request/s (with a key), arXiv 1 per 3 s, GitHub",
        "5,000/hour. CPU and peak memory are the pipeline process's own (the `awesome-enrich run`",
        "process, a Prefect client of a long-lived local Prefect server), waits excluded.",
    ]
    for result in results:
        cold, warm = result["cold"], result["warm"]
        lines += ["", f"## {result['size']:,} papers ({result['repos']:,} repositories)", ""]
        lines += [
            "| API | cold calls | cold minimum | cold / minimum | warm calls | warm minimum |"
            + (" naive calls | naive / warm |" if "naive" in result else ""),
            "|---|---:|---:|---:|---:|---:|" + ("---:|---:|" if "naive" in result else ""),
        ]
        for api in APIS:
            minimum = result["minimum_cold"][api]
            row = (
                f"| {api} | {cold.calls[api]:,} | {minimum:,} | "
                f"{cold.calls[api] / minimum if minimum else float('nan'):.2f} | "
                f"{warm.calls[api]:,} | {result['minimum_warm'][api]:,} |"
            )
            if "naive" in result:
                naive = result["naive"].calls[api]
                ratio = f"{naive / warm.calls[api]:.0f}x" if warm.calls[api] else "(warm: 0)"
                row += f" {naive:,} | {ratio} |"
            lines.append(row)
        total = {name: sum(run.calls.values()) for name, run in (("cold", cold), ("warm", warm))}
        extra_s2 = cold.calls["s2"] - result["minimum_cold"]["s2"]
        lines += [
            "",
            f"- Total calls: cold {total['cold']:,}, warm {total['warm']:,}"
            + (
                f", naive {sum(result['naive'].calls.values()):,} "
                f"({sum(result['naive'].calls.values()) / total['warm']:.0f}x the warm run, "
                f"{sum(result['naive'].calls.values()) / total['cold']:.1f}x the cold run)"
                if "naive" in result
                else ""
            )
            + ".",
            f"- Time under the published limits: cold {_limit_time(cold.calls)}; "
            f"warm {_limit_time(warm.calls)}"
            + (f"; naive {_limit_time(result['naive'].calls)}" if "naive" in result else "")
            + ".",
            f"- Pipeline CPU time: cold {cold.cpu_s:.1f} s, warm {warm.cpu_s:.1f} s; "
            f"peak memory: cold {cold.peak_mib:.0f} MiB, warm {warm.peak_mib:.0f} MiB; "
            f"wall time against the fake: cold {cold.wall_s:.1f} s, warm {warm.wall_s:.1f} s"
            + (f", naive {result['naive'].wall_s:.1f} s" if "naive" in result else "")
            + ".",
            f"- Namesakes: {result['namesakes']:,} entries "
            f"({result['namesakes'] / result['size']:.1%} of the list) met one: S2's title "
            "match answered with another record whose title passes the guard, from another "
            f"year ({result['planted']:,} planted decoys, the others lookalike titles of the "
            "generator's small vocabulary). Cold S2 calls "
            f"{cold.calls['s2']:,} = minimum {result['minimum_cold']['s2']:,} + "
            f"{extra_s2:,} extra ({extra_s2 / max(1, result['namesakes']):.2f} per namesake: "
            "the year-filtered match, and a search when that answers with the same title).",
            "- Resolution (cold run): "
            + ", ".join(f"{n:,} {m}" for m, n in sorted(result["methods"].items()))
            + ".",
            f"- Citation history (a third night, `--citation-pages {DEFAULT_PAGE_BUDGET}`, the "
            f"default): {result['history'].calls['s2']:,} S2 calls (with the night's resolution "
            f"calls), CPU "
            f"{result['history'].cpu_s:.1f} s, peak memory {result['history'].peak_mib:.0f} MiB. "
            f"Fetching every paper once takes {result['history_pages']:,} calls: "
            f"{math.ceil(result['history_pages'] / DEFAULT_PAGE_BUDGET)} night(s) at the "
            f"default budget, then about {math.ceil(result['history_pages'] / 30):,} calls a night "
            "to refresh each paper monthly.",
            f"- Exit status: cold {cold.status}, warm {warm.status}"
            + (f", naive {result['naive'].status}" if "naive" in result else "")
            + ".",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--baseline-sizes", type=int, nargs="*", default=[1000])
    parser.add_argument("--out", type=Path, default=Path("benchmarks/RESULTS.md"))
    args = parser.parse_args(argv)
    command = "python -m benchmarks.run " + " ".join(argv if argv is not None else sys.argv[1:])
    with tempfile.TemporaryDirectory() as workdir:
        prefect = PrefectServer(Path(workdir) / "prefect")
        try:
            results = [
                bench_size(size, size in args.baseline_sizes, Path(workdir), prefect.env)
                for size in args.sizes
            ]
        finally:
            prefect.stop()
    text = render(results, command.strip())
    write_section(args.out, "calls", text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
