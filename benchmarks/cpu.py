"""CPU of a night with the shared rate limits on, as in production, before and after a change,
in one command (issue 26).

    python -m benchmarks.cpu --size 10000 --runs 3 --before ee81d42 --out benchmarks/RESULTS.md

One SYNTHETIC list and world; one long-lived local Prefect server; for each version (`--before`
and `--after` REF, each exported with `git archive` into a temporary folder, so editing the
working tree meanwhile changes nothing) and each of
`--runs` repetitions, interleaved (before, after, before, after, ...) so a change of load on the
machine falls on both: a cold night (empty cache, no previous outputs) and a warm one (the next
night: a new cache, yesterday's outputs). Each run is `awesome-enrich run` in its own process
with `AWESOME_ENRICH_TIME_SCALE` small but above 0, so every request takes its slot of the
Prefect limits (and the machine pacer) while the waits are scaled away; `--citation-pages 0`,
as the calls table. Measured: the run process's CPU (user + system, os.wait4) and the Prefect
server's over the same span (its process tree, from /proc): the server works for every run's
slots, so its share is the one that grows with the number of lists. Medians of the runs.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from benchmarks.results import write_section
from benchmarks.run import Fake, PrefectServer, synthetic_world
from benchmarks.synthetic_list import make_records, render_list

REPO = Path(__file__).resolve().parent.parent
# Above 0 (the limits are taken), small enough that no wait is felt: S2's 1 s is 1 ms.
SCALE = 0.001
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Sample:
    version: str
    night: str
    cpu_s: float
    server_cpu_s: float
    wall_s: float
    status: int


def tree_cpu(root: int, *, ended_children: bool = False) -> float:
    """User + system CPU seconds of `root` and every live process below it; with
    `ended_children`, also of the children they have waited for (a worker's flow runs)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        used = int(fields[11]) + int(fields[12])
        if ended_children:
            used += int(fields[13]) + int(fields[14])
        times[pid] = used / TICKS
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += times.get(pid, 0.0)
        todo += [child for child, parent in parents.items() if parent == pid]
    return total


def export(ref: str, folder: Path) -> Path:
    """The code at `ref`, as files (no git checkout of this worktree is touched)."""
    folder.mkdir(parents=True)
    git = shutil.which("git") or "git"
    archive = subprocess.run(
        [git, "-C", str(REPO), "archive", ref], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    # Byte-compiled now, as the working tree already is: no run pays for compiling it.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(folder)], check=True)
    return folder


def run_once(
    code: Path,
    list_path: Path,
    out: Path,
    cache: Path,
    night: date,
    env: dict[str, str],
    server_pid: int,
) -> tuple[float, float, float, int]:
    command = [
        sys.executable,
        "-m",
        "pipeline.cli.main",
        "run",
        "--list",
        str(list_path),
        "--out",
        str(out),
        "--cache-dir",
        str(cache),
        "--snapshot-date",
        night.isoformat(),
        "--citation-pages",
        "0",
    ]
    variables = {**os.environ, **env, "PYTHONPATH": str(code)}
    server_before = tree_cpu(server_pid)
    start = time.monotonic()
    process = subprocess.Popen(
        command, cwd=code, env=variables, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - start
    server = tree_cpu(server_pid) - server_before
    return usage.ru_utime + usage.ru_stime, server, wall, os.waitstatus_to_exitcode(status)


def idle_rate(server_pid: int, seconds: float = 20.0) -> float:
    """The Prefect server's CPU seconds per second with no run (its own periodic services)."""
    before = tree_cpu(server_pid)
    time.sleep(seconds)
    return (tree_cpu(server_pid) - before) / seconds


def _regime(scale: float) -> str:
    if scale <= SCALE:
        return (
            "the waits are scaled away, and so is a block's duration: a block of 5 S2 slots "
            "lasts 5 ms, so nearly every request asks the server for a block of its own, "
            "unlike a run at real pacing"
        )
    return (
        f"the waits are {scale:g} of the real ones, and so is a block's duration: S2's lane "
        "is paced, so its blocks are spent on their 5 requests as at real pacing (one ask of "
        "the server per block)"
    )


def median(samples: list[Sample], version: str, night: str, field: str) -> float:
    values = [getattr(s, field) for s in samples if s.version == version and s.night == night]
    return statistics.median(values) if values else float("nan")


def render(
    samples: list[Sample],
    args: argparse.Namespace,
    command: str,
    load: tuple[str, str],
    idle: float,
) -> str:
    before, after = f"before ({args.before})", f"after ({args.after})"
    lines = [
        f"## CPU of a night with the shared rate limits on: {args.size:,} papers, before and after",
        "",
        "> **SYNTHETIC**: a generated list and world served by the local fake (`fakeapi/`);",
        "> measured on the development machine, not a measurement of the real APIs.",
        "",
        f"Command: `{command}`  ",
        f"Run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"{os.cpu_count()} cores (shared with other sessions' jobs), Python "
        f"{platform.python_version()}; load average (1, 5, 15 min) {load[0]} at the start, "
        f"{load[1]} at the end.",
        "",
        f"Each figure is the median of {args.runs} runs per version, interleaved. *Run CPU*: "
        "the `awesome-enrich run` process's user + system time. *Server CPU*: the Prefect "
        "server's (its process tree) over the same span: what the run's rate-limit slots, flow "
        "and task states and logs cost it. Slots on as in production "
        f"(`AWESOME_ENRICH_TIME_SCALE={args.scale:g}`: every request takes its slot of a "
        f"block; {_regime(args.scale)}); `--citation-pages 0`; cold: empty cache, no previous "
        "outputs; warm: the next night, a new cache and yesterday's outputs. The server idle "
        f"(its own periodic services, no run) used {idle:.3f} s of CPU a second, measured "
        "before the runs: included in the server's figures (a run that lasts longer pays "
        "more of it).",
        "",
        "| night | run CPU before | run CPU after | after / before | server CPU before | "
        "server CPU after | after / before | server / run, after | wall before | wall after |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for night in ("cold", "warm"):
        cpu = [median(samples, v, night, "cpu_s") for v in (before, after)]
        server = [median(samples, v, night, "server_cpu_s") for v in (before, after)]
        wall = [median(samples, v, night, "wall_s") for v in (before, after)]
        lines.append(
            f"| {night} | {cpu[0]:.1f} s | {cpu[1]:.1f} s | {cpu[1] / cpu[0]:.2f} | "
            f"{server[0]:.1f} s | {server[1]:.1f} s | {server[1] / server[0]:.2f} | "
            f"{server[1] / cpu[1]:.0%} | {wall[0]:.1f} s | {wall[1]:.1f} s |"
        )
    lines += [
        "",
        "Every run (version, night: run CPU / server CPU / exit status): "
        + "; ".join(
            f"{s.version} {s.night} {s.cpu_s:.1f} / {s.server_cpu_s:.1f} / {s.status}"
            for s in samples
        )
        + ".",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", default="main", help="the git ref to compare with")
    parser.add_argument("--after", default="HEAD", help="the git ref compared")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/RESULTS.md"))
    parser.add_argument("--section", default="cpu-slots")
    parser.add_argument(
        "--scale",
        type=float,
        default=SCALE,
        help=f"AWESOME_ENRICH_TIME_SCALE (default {SCALE:g}: the waits scaled away; at 0.02 a "
        "block of S2's slots lasts 0.1 s and is spent on its 5 requests, as at real pacing)",
    )
    args = parser.parse_args(argv)
    command = "python -m benchmarks.cpu " + " ".join(argv if argv is not None else sys.argv[1:])
    load_start = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    samples: list[Sample] = []
    with tempfile.TemporaryDirectory() as workdir:
        work = Path(workdir)
        versions = {
            f"before ({args.before})": export(args.before, work / "before"),
            f"after ({args.after})": export(args.after, work / "after"),
        }
        records = make_records(args.size)
        list_path = work / "list.md"
        list_path.write_text(render_list(records), encoding="utf-8")
        world_path = work / "world.json"
        synthetic_world(records).save(world_path)
        prefect = PrefectServer(work / "prefect")
        fake = Fake(world_path)
        idle = idle_rate(prefect.process.pid)
        print(f"server idle: {idle:.3f} s of CPU a second", flush=True)
        env = {
            **prefect.env,
            **fake.env,
            "AWESOME_ENRICH_TIME_SCALE": str(args.scale),
            "GITHUB_TOKEN": "benchmark-not-a-token",
            "S2_API_KEY": "benchmark-not-a-key",
            "XDG_CACHE_HOME": str(work / "xdg"),
        }
        nights = [date.today() + timedelta(days=n) for n in range(2)]
        try:
            for index in range(args.runs):
                for version, code in versions.items():
                    folder = work / f"{version.split()[0]}-{index}"
                    for night, day in zip(("cold", "warm"), nights, strict=True):
                        cpu, server, wall, status = run_once(
                            code,
                            list_path,
                            folder / "out",
                            folder / f"cache-{night}",
                            day,
                            env,
                            prefect.process.pid,
                        )
                        samples.append(Sample(version, night, cpu, server, wall, status))
                        print(samples[-1], flush=True)
        finally:
            fake.stop()
            prefect.stop()
    load_end = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    text = render(samples, args, command.strip(), (load_start, load_end), idle)
    print(text)
    write_section(args.out, args.section, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
