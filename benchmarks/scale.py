"""Many lists on one shared quota (issue 15, part 4): SYNTHETIC lists, one Prefect deployment
each (`awesome-enrich deploy` with a generated lists.yaml), all started at once on a process
work pool served by several `prefect worker start` processes, against the local fake with
pacing enforced.

    python -m benchmarks.scale --lists 20 --papers 500 --workers 4 --scale 0.05 \
        --out benchmarks/RESULTS.md

One SYNTHETIC list of lists x papers unique papers (benchmarks.synthetic_list) and its world
(fakeapi.world, as benchmarks.run makes them) are split into `--lists` lists, dealt row by row:
the fake serves one world that knows every list's papers, and no paper is in two lists. Each
list gets its own output folder and cache folder (cold: empty cache, no previous outputs) and
the flow's default parameters (citation history included, unless --citation-pages).

Pacing is enforced on a scaled clock, as benchmarks.walltime: AWESOME_ENRICH_TIME_SCALE=S scales
the HTTP pacers AND the Prefect global concurrency limits (flows/limits.py: one slot, decaying
after S x the API's interval), which are what the runs of different lists share. The fake
counts, per quota (API + credential: every run has the same S2 key and GitHub token), every two
requests closer than half the scaled interval as a violation. All numbers are SYNTHETIC.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import requests

from benchmarks.cpu import tree_cpu
from benchmarks.results import write_section
from benchmarks.run import Fake, PrefectServer, synthetic_world
from benchmarks.synthetic_list import make_records, render_list
from benchmarks.walltime import APIS, CHECK_SHARE, INTERVAL
from fakeapi.text import title_key
from fakeapi.world import World

REPO = Path(__file__).resolve().parent.parent
POOL = "scale-benchmark"
# The quota each API's requests count against, as the fake (fakeapi.app.quota_of) and the APIs
# count: every run has the same S2 key and GitHub token; arXiv counts per machine.
QUOTA = {"s2": "s2 (one key)", "arxiv": "arxiv (one machine)", "github": "github (one token)"}
ROW = re.compile(r"^\| \[")
YEAR = re.compile(r"^## (\d{4})$")
# Started in its own process: create one flow run per deployment of the flow, all at once, then
# wait until every one is final; prints, per deployment, its state and its start and end.
ORCHESTRATE = """
import json, sys, time
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
names = json.loads(sys.argv[1])
with get_client(sync_client=True) as client:
    deployments = {
        d.name: d for d in client.read_deployments() if d.name in names
    }
    started = time.monotonic()
    runs = {n: client.create_flow_run_from_deployment(deployments[n].id) for n in names}
    print(json.dumps({"created_at": started, "created_in": time.monotonic() - started}), flush=True)
    ids = {run.id: name for name, run in runs.items()}
    while True:
        found = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=list(ids)))
        )
        if len(found) == len(ids) and all(run.state and run.state.is_final() for run in found):
            break
        time.sleep(1.0)
    ended = time.monotonic()
    print(json.dumps({
        "ended_at": ended,
        "runs": {
            ids[run.id]: {
                "state": run.state.type.value if run.state else "?",
                "start": run.start_time.isoformat() if run.start_time else None,
                "end": run.end_time.isoformat() if run.end_time else None,
            }
            for run in found
        },
    }), flush=True)
"""


@dataclass
class Outcome:
    """One benchmark run: what the fake saw, what Prefect said, what each list wrote."""

    lists: int
    papers: int
    workers: int
    runs_per_worker: int
    scale: float
    citation_pages: int | None
    wall_s: float  # the runs' creation to the last one final
    startup_s: float  # the runs' creation to the first request
    span_s: float  # first request to last (scaled)
    tail_s: float  # last request to the last run final
    calls: dict[str, int]
    quota_violations: dict[str, int]
    lane_span_s: dict[str, float]
    idle_s: dict[str, float]  # per API: the time between its requests beyond its interval
    closest: dict[str, float]  # per API: its two closest requests' gap, in scaled intervals
    states: dict[str, str]
    checks: dict[str, list[str]] = field(default_factory=dict)  # list -> problems
    machines: int = 1  # pacer folders and PREFECT_HOMEs the workers are spread over
    server_cpu_s: float = 0.0  # the Prefect server's, runs created to the last one final
    runs_cpu_s: float = 0.0  # the workers' and their flow runs' over the same span
    lookalike_rows: int = 0  # rows matched to another world paper with a lookalike title

    def paced_s(self) -> dict[str, float]:
        """Each API's paced time: all its calls, over all lists, at its published interval."""
        return {api: self.calls[api] * INTERVAL[api] for api in APIS}

    def busiest(self) -> str:
        paced = self.paced_s()
        return max(paced, key=lambda api: paced[api])

    def projected_s(self) -> float:
        """The wall time under the published pacing (as benchmarks.walltime): every second of
        the requests' span taken as scaled. An upper bound where the busiest quota sat idle
        for work that does not shrink with the scale (a flow run's start-up, CPU)."""
        return self.startup_s + self.span_s / self.scale + self.tail_s

    def projected_low_s(self) -> float:
        """The same with the busiest quota's idle time (beyond its interval) taken as not
        scaled: a lower bound where that idle time was the runs' own work (start-ups, CPU)."""
        idle = self.idle_s.get(self.busiest(), 0.0)
        return self.startup_s + (self.span_s - idle) / self.scale + idle + self.tail_s


def idle_time(times: list[float], interval: float) -> float:
    """The time a quota sat unused: the sum, over two consecutive requests, of their gap beyond
    the (scaled) interval."""
    ordered = sorted(times)
    return sum(max(0.0, b - a - interval) for a, b in itertools.pairwise(ordered))


def closest_gap(times: list[float]) -> float:
    """The smallest gap between two consecutive requests (inf for fewer than two)."""
    ordered = sorted(times)
    return min((b - a for a, b in itertools.pairwise(ordered)), default=float("inf"))


def violations_of(quota_violations: dict[str, int], api: str) -> int:
    """The fake's violations on the API's quotas ("<api> <fingerprint>", "<api> anonymous")."""
    return sum(n for quota, n in quota_violations.items() if quota.split(" ", 1)[0] == api)


def split_list(markdown: str, parts: int) -> list[str]:
    """Deal the rows of a synthetic list (benchmarks.synthetic_list) into `parts` lists of the
    same shape, row i going to list i % parts; each keeps the year headings of its rows."""
    by_part: list[dict[int, list[str]]] = [{} for _ in range(parts)]
    year = 0
    index = 0
    for line in markdown.splitlines():
        heading = YEAR.match(line)
        if heading:
            year = int(heading.group(1))
        elif ROW.match(line):
            by_part[index % parts].setdefault(year, []).append(line)
            index += 1
    out = []
    for number, years in enumerate(by_part, start=1):
        lines = [f"# SYNTHETIC benchmark list {number} of {parts} (generated; not real papers)", ""]
        for when in sorted(years, reverse=True):
            lines += [f"## {when}", "| Title | Abbreviation | Venue | Code |", "|---|---|---|---|"]
            lines += years[when]
            lines.append("")
        out.append("\n".join(lines))
    return out


def list_name(number: int) -> str:
    return f"scale-{number:02d}"


def lists_yaml(count: int, folder: Path, citation_pages: int | None, snapshot: date) -> str:
    """The lists file: one deployment per list, each its own output and cache folder."""
    lines = [f"work_pool: {POOL}", "defaults:", f"  snapshot_date: '{snapshot.isoformat()}'"]
    if citation_pages is not None:
        lines.append(f"  citation_pages: {citation_pages}")
    lines.append("lists:")
    for number in range(1, count + 1):
        name = list_name(number)
        lines += [
            f"  - name: {name}",
            f"    list: lists/{name}.md",
            f"    out: out/{name}",
            f"    parameters: {{cache_dir: {json.dumps(str(folder / 'cache' / name))}}}",
        ]
    return "\n".join(lines) + "\n"


def expected(world: World) -> dict[str, tuple[str | None, str | None]]:
    """What the fake's world says each title resolves to: (S2 paper id, arXiv id)."""
    truth: dict[str, tuple[str | None, str | None]] = {}
    for paper in world.papers:
        if not paper.decoy:
            truth[title_key(paper.title)] = (
                paper.paper_id if paper.in_s2 else None,
                paper.arxiv_id,
            )
    return truth


def check_rows(
    rows: list[dict[str, Any]],
    titles: list[str],
    truth: dict[str, tuple[str | None, str | None]],
    lookalikes: dict[str, str],
) -> tuple[list[str], int]:
    """Problems with one list's papers table (a row per entry, each resolved as the world says),
    and the number of rows matched to a lookalike: a record of the world (`lookalikes`: S2 id
    to normalised title) for another title, which differs from the entry's by a word or two of
    the generator's small vocabulary, and is neither the entry's namesake nor its shortened
    decoy. The guard accepts those as it does on one list alone (RESULTS.md, calls: "lookalike
    titles"): not a problem of running lists at once."""
    problems = []
    if len(rows) != len(titles):
        problems.append(f"{len(rows)} rows for {len(titles)} entries")
    if sorted(title_key(str(r["title"])) for r in rows) != sorted(title_key(t) for t in titles):
        problems.append("the rows' titles are not the list's")
    wrong, lookalike = [], 0
    for row in rows:
        want = truth.get(title_key(str(row["title"])))
        got = (row.get("s2_paper_id") or None, row.get("arxiv_id") or None)
        if want is not None and got == want and row.get("match_method") != "unresolved":
            continue
        title = title_key(str(row["title"]))
        other = lookalikes.get(got[0] or "")
        if other is not None and other != title and not title.startswith(other):
            lookalike += 1
        else:
            wrong.append(str(row["title"]))
    if wrong:
        problems.append(f"{len(wrong)} rows not resolved as the world says, e.g. {wrong[0]!r}")
    return problems, lookalike


def run_benchmark(args: argparse.Namespace, workdir: Path) -> Outcome:
    import pyarrow.parquet as pq

    count, papers = args.lists, args.papers
    records = make_records(count * papers)
    full = render_list(records)
    (workdir / "lists").mkdir()
    whole = workdir / "all.md"
    whole.write_text(full, encoding="utf-8")
    world = synthetic_world(records, source=str(whole))
    world_path = workdir / "world.json"
    world.save(world_path)
    for number, text in enumerate(split_list(full, count), start=1):
        (workdir / "lists" / f"{list_name(number)}.md").write_text(text, encoding="utf-8")
    lists_file = workdir / "lists.yaml"
    lists_file.write_text(
        lists_yaml(count, workdir, args.citation_pages, date.today()), encoding="utf-8"
    )

    pacing = [f"--pacing={api}={INTERVAL[api] * args.scale * CHECK_SHARE[api]}" for api in APIS]
    prefect = PrefectServer(workdir / "prefect")
    fake = Fake(world_path, *pacing)
    workers: list[subprocess.Popen[bytes]] = []
    try:
        env = {
            **os.environ,
            **prefect.env,
            **fake.env,
            "AWESOME_ENRICH_TIME_SCALE": str(args.scale),
            "GITHUB_TOKEN": "benchmark-not-a-token",
            "S2_API_KEY": "benchmark-not-a-key",
            "XDG_CACHE_HOME": str(workdir / "xdg"),
            # Workers ask for work every 2 s (default 10 s: nothing at real pacing, a lot here).
            "PREFECT_WORKER_QUERY_SECONDS": "2",
        }
        bin_dir = Path(sys.executable).parent
        server_cpu = tree_cpu(prefect.process.pid)
        for command in (
            [str(bin_dir / "prefect"), "work-pool", "create", POOL, "--type", "process"],
            [sys.executable, "-m", "pipeline.cli.main", "deploy", "--lists", str(lists_file)],
        ):
            subprocess.run(command, env=env, cwd=REPO, check=True, stdout=subprocess.DEVNULL)
        logs = workdir / "logs"
        logs.mkdir()
        for number in range(args.workers):
            # Workers spread over --machines: each machine its own pacer folder (the machine
            # pacer is per machine) and PREFECT_HOME; the server (and its limits) is shared.
            machine = number % args.machines
            worker_env = {
                **env,
                "XDG_CACHE_HOME": str(workdir / f"xdg-machine-{machine}"),
                "PREFECT_HOME": str(workdir / f"home-machine-{machine}"),
            }
            with (logs / f"worker-{number}.log").open("wb") as log:
                workers.append(
                    subprocess.Popen(
                        [
                            str(bin_dir / "prefect"),
                            "worker",
                            "start",
                            "--pool",
                            POOL,
                            "--limit",
                            str(args.runs_per_worker),
                            "--name",
                            f"scale-worker-{number}",
                        ],
                        env=worker_env,
                        cwd=REPO,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,  # its flow runs are stopped with it
                    )
                )
        time.sleep(15)  # the workers' imports, and their first poll
        names = [list_name(n) for n in range(1, count + 1)]
        result = subprocess.run(
            [sys.executable, "-c", ORCHESTRATE, json.dumps(names)],
            env=env,
            cwd=REPO,
            check=True,
            capture_output=True,
            text=True,
        )
        created, ended = (json.loads(line) for line in result.stdout.strip().splitlines()[-2:])
        server_cpu = tree_cpu(prefect.process.pid) - server_cpu
        runs_cpu = sum(tree_cpu(w.pid, ended_children=True) for w in workers)
        stats = requests.get(f"{fake.url}/_fake/stats?times=1", timeout=60).json()
        (workdir / "fake-stats.json").write_text(json.dumps(stats), encoding="utf-8")
    finally:
        for worker in workers:
            _stop_group(worker)
        fake.stop()
        prefect.stop()

    start, end = float(created["created_at"]), float(ended["ended_at"])
    first: dict[str, float] = stats["first_request"]
    last: dict[str, float] = stats["last_request"]
    truth = expected(world)
    lookalikes = {paper.paper_id: title_key(paper.title) for paper in world.papers}
    checks: dict[str, list[str]] = {}
    lookalike_rows = 0
    for number in range(1, count + 1):
        name = list_name(number)
        titles = [r.title for r in records[number - 1 :: count]]  # split_list deals rows so
        table = workdir / "out" / name / "papers.parquet"
        if not table.exists():
            checks[name] = ["no papers.parquet"]
            continue
        checks[name], found = check_rows(
            pq.read_table(table).to_pylist(), titles, truth, lookalikes
        )
        lookalike_rows += found
    per_api = stats["per_api"]
    return Outcome(
        lists=count,
        papers=papers,
        workers=args.workers,
        runs_per_worker=args.runs_per_worker,
        scale=args.scale,
        citation_pages=args.citation_pages,
        wall_s=end - start,
        startup_s=min(first.values()) - start,
        span_s=max(last.values()) - min(first.values()),
        tail_s=end - max(last.values()),
        calls={api: int(per_api.get(api, 0)) for api in APIS},
        quota_violations={q: int(n) for q, n in stats["quota_violations"].items()},
        lane_span_s={api: last[api] - first[api] for api in APIS if api in first},
        idle_s={
            api: idle_time(times, INTERVAL[api] * args.scale)
            for quota, times in stats.get("request_times", {}).items()
            if (api := quota.split(" ", 1)[0]) in INTERVAL
        },
        closest={
            api: closest_gap(times) / (INTERVAL[api] * args.scale)
            for quota, times in stats.get("request_times", {}).items()
            if (api := quota.split(" ", 1)[0]) in INTERVAL and len(times) > 1
        },
        states={name: run["state"] for name, run in ended["runs"].items()},
        checks=checks,
        lookalike_rows=lookalike_rows,
        machines=args.machines,
        server_cpu_s=server_cpu,
        runs_cpu_s=runs_cpu,
    )


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """Stop a worker we started and its flow runs (its own process group, by its pid)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _minutes(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.2f} h"


def render(outcome: Outcome, command: str, note: str = "") -> str:
    paced = outcome.paced_s()
    busiest = outcome.busiest()
    projected = outcome.projected_s()
    wrong = {name: problems for name, problems in outcome.checks.items() if problems}
    lines = [
        f"## Many lists on one shared quota: {outcome.lists} lists of {outcome.papers:,} papers, "
        f"{outcome.workers} workers",
        "",
        "> **SYNTHETIC**: generated lists and world, served by the local fake (`fakeapi/`) on a",
        "> scaled clock; the projection to real pacing is explained below. Not a measurement of",
        "> the real APIs.",
        "",
        f"Command: `{command}`  ",
        f"Run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"{os.cpu_count()} cores (shared), Python {platform.python_version()}.",
        "",
    ]
    if note:
        lines += [note, ""]
    lines += [
        f"{outcome.lists} SYNTHETIC lists of {outcome.papers:,} papers (one generated list of "
        f"{outcome.lists * outcome.papers:,} unique papers dealt row by row; one world for all), "
        f"one deployment each (`awesome-enrich deploy` with a generated lists.yaml), all "
        f"{outcome.lists} flow runs created at the same instant on a process work pool served "
        f"by {outcome.workers} `prefect worker start --limit {outcome.runs_per_worker}` "
        f"processes (so {outcome.workers * outcome.runs_per_worker} runs at a time), one local "
        "Prefect server, every run with the same S2 key and GitHub token (one quota per API). "
        "Cold runs: each list its own empty cache and output folder; citation history "
        + (
            "at the flow's default (300 pages a run)."
            if outcome.citation_pages is None
            else f"{outcome.citation_pages} pages a run."
        ),
        "",
        "| | |",
        "|---|---|",
        "| calls s2 / arxiv / github (all lists) | "
        + " / ".join(f"{outcome.calls[api]:,}" for api in APIS)
        + " |",
        "| each API's paced time (calls x interval) | "
        + ", ".join(f"{api} {_minutes(paced[api])}" for api in APIS)
        + " |",
        f"| quota minimum (the busiest API's paced time) | {busiest} {_minutes(paced[busiest])} |",
        f"| scale | {outcome.scale:g} |",
        f"| measured wall (scaled clock): runs created to the last one final | "
        f"{outcome.wall_s:.1f} s |",
        f"| start-up (runs created to the first request; not scaled) | {outcome.startup_s:.1f} s |",
        f"| under the published pacing (start-up + span / scale + tail) | {_minutes(projected)} |",
        f"| (that - start-up) / quota minimum | "
        f"{(projected - outcome.startup_s) / paced[busiest]:.3f} |",
        f"| {busiest} quota idle (sum of its gaps beyond the scaled interval; measured) | "
        f"{outcome.idle_s.get(busiest, 0.0):.1f} s |",
        f"| the same, that idle time not scaled (the runs' own work: start-ups, CPU) | "
        f"{_minutes(outcome.projected_low_s())}, "
        f"{(outcome.projected_low_s() - outcome.startup_s) / paced[busiest]:.3f} x the minimum |",
        f"| {busiest} lane (its requests' span / scale / its paced time) | "
        f"{outcome.lane_span_s.get(busiest, 0.0) / outcome.scale / paced[busiest]:.3f} |",
        f"| tail (last request to the last run final) | {outcome.tail_s:.1f} s |",
        "| pacing violations per quota (fake, at half the scaled interval) | "
        + ", ".join(f"{QUOTA[api]} {violations_of(outcome.quota_violations, api)}" for api in APIS)
        + " |",
        "| closest two requests of a quota (in scaled intervals; the pacers aim at 1) | "
        + ", ".join(f"{api} {outcome.closest[api]:.3f}" for api in APIS if api in outcome.closest)
        + " |",
        f"| machines (workers spread over separate pacer folders and PREFECT_HOMEs, one "
        f"server) | {outcome.machines} |",
        f"| CPU: the Prefect server / the workers and their flow runs (whole benchmark) | "
        f"{outcome.server_cpu_s:.0f} s / {outcome.runs_cpu_s:.0f} s "
        f"({outcome.server_cpu_s / max(outcome.runs_cpu_s, 1e-9):.0%}) |",
        "| flow runs | "
        + ", ".join(
            f"{state} {sum(1 for s in outcome.states.values() if s == state)}"
            for state in sorted(set(outcome.states.values()))
        )
        + " |",
        f"| lists whose papers.parquet has one row per entry, resolved as the world says | "
        f"{outcome.lists - len(wrong)} of {outcome.lists} |",
        f"| rows matched to a lookalike title (another paper of the world; see below) | "
        f"{outcome.lookalike_rows} of {outcome.lists * outcome.papers:,} |",
    ]
    for name, problems in sorted(wrong.items()):
        lines.append(f"| {name} | {'; '.join(problems)} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--lists", type=int, default=20)
    parser.add_argument("--papers", type=int, default=500, help="papers per list")
    parser.add_argument("--workers", type=int, default=4, help="`prefect worker start` processes")
    parser.add_argument("--runs-per-worker", type=int, default=1, help="each worker's --limit")
    parser.add_argument("--scale", type=float, default=0.05, help="AWESOME_ENRICH_TIME_SCALE")
    parser.add_argument(
        "--citation-pages", type=int, default=None, help="per run (default: the flow's, 300)"
    )
    parser.add_argument(
        "--machines",
        type=int,
        default=1,
        help="spread the workers over N simulated machines (own pacer folder and PREFECT_HOME)",
    )
    parser.add_argument("--out", type=Path, default=Path("benchmarks/RESULTS.md"))
    parser.add_argument("--section", default="scale", help="the section of --out it writes")
    parser.add_argument("--note", default="", help="a line printed above the table")
    parser.add_argument("--keep", type=Path, default=None, help="work here, and keep it")
    args = parser.parse_args(argv)
    if not 0 < args.scale < 1:
        parser.error("--scale must be between 0 and 1 (pacing enforced, on a scaled clock)")
    shown = argv if argv is not None else sys.argv[1:]
    command = " ".join(["python -m benchmarks.scale", *shown])
    if args.keep is not None:
        args.keep.mkdir(parents=True)
        outcome = run_benchmark(args, args.keep.resolve())
    else:
        with tempfile.TemporaryDirectory() as workdir:
            outcome = run_benchmark(args, Path(workdir))
    text = render(outcome, command, args.note)
    print(text, flush=True)
    write_section(args.out, args.section, text)
    bad = any(outcome.checks.values()) or any(s != "COMPLETED" for s in outcome.states.values())
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
