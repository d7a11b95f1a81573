"""Where the pipeline's own CPU goes: a cold and a warm night, measured, then sampled by py-spy.

    python -m benchmarks.profile --size 10000 --profile --keep /tmp/profile-10k

The set-up is `benchmarks.run`'s (a SYNTHETIC list and world, the local fake in its own
process, one long-lived Prefect server, AWESOME_ENRICH_TIME_SCALE=0, `--citation-pages 0`):
for each night the `awesome-enrich run` process is first run bare, its CPU time taken from
os.wait4 (user + system, as in RESULTS.md), and then, with `--profile`, run again under
`py-spy record --gil` (every thread, but only while it holds the GIL: a thread waiting on a
socket, a lock, a sleep or an fsync holds none), on a copy of the state that night started
from (the same outputs, an empty cache). The raw samples (collapsed stacks; speedscope and
flamegraph.pl read them) are kept in `--keep DIR`, and summarised: by area (imports, Prefect,
pydantic, pandas/pyarrow, matplotlib, the HTTP layer, the HTTP cache, the pipeline's own code,
...), by job step, by the innermost project function and by leaf frame. Samples count time
holding the GIL, which a busy machine stretches (a thread that holds it may wait for a core):
the seconds shown are each row's share of the samples times the bare run's measured CPU.

    python -m benchmarks.profile --summarise DIR/samples-10000-cold.txt --cpu 65
    python -m benchmarks.profile --summarise DIR/samples-10000-cold.txt --under "HttpClient._send ("

`--summarise` prints the summary of samples recorded earlier, without running; with `--under
FRAME`, the time below the first frame containing FRAME, split by the next `--depth` frames.
Needs py-spy (a dev extra) for `--profile`, and root or ptrace rights.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from benchmarks.run import Fake, PrefectServer, measure, run_command, synthetic_world
from benchmarks.synthetic_list import make_records, render_list

SAMPLE_RATE = 200  # samples a second

# Areas, first match wins, tried on each frame of a stack from the root towards the leaf for
# imports (a stack under an import is start-up, whatever it runs), then from the leaf towards
# the root for the rest (the innermost library that was running is charged).
IMPORT_MARKERS = ("_find_and_load (<frozen importlib._bootstrap>", "_call_with_frames_removed")
LIBRARY_AREAS: tuple[tuple[str, str], ...] = (
    ("(prefect/logging/", "Prefect: logging to the API"),
    ("(prefect/events/", "Prefect: events"),
    ("(prefect/", "Prefect: client, tasks, states"),
    ("(pydantic", "pydantic (validation, serialisation)"),
    ("(pandas/", "pandas"),
    ("(pyarrow/", "pyarrow"),
    ("(matplotlib/", "matplotlib (charts)"),
    ("(PIL/", "matplotlib (charts)"),
    ("(numpy/", "numpy"),
    ("(requests_cache/", "HTTP cache (requests-cache)"),
    ("(cattrs/", "HTTP cache (requests-cache)"),
    ("(sqlite3/", "HTTP cache (requests-cache)"),
    ("(requests/", "HTTP (requests, urllib3)"),
    ("(urllib3/", "HTTP (requests, urllib3)"),
    ("(http/client.py", "HTTP (requests, urllib3)"),
    ("(socket.py", "HTTP (requests, urllib3)"),
    ("(email/", "HTTP (requests, urllib3)"),
    ("(httpx/", "Prefect: client, tasks, states"),
    ("(httpcore/", "Prefect: client, tasks, states"),
    ("(anyio/", "Prefect: client, tasks, states"),
    ("(asyncio/", "Prefect: client, tasks, states"),
    ("(rapidfuzz/", "title matching (rapidfuzz)"),
    ("(bibtexparser/", "BibTeX (bibtexparser)"),
    ("(pylatexenc/", "BibTeX (bibtexparser)"),
    ("(yaml/", "YAML"),
    ("(json/", "JSON"),
    ("(defusedxml/", "XML (arXiv)"),
    ("(xml/", "XML (arXiv)"),
    ("(logging/", "logging (stdlib)"),
    ("(re/", "regular expressions"),
    ("(pipeline/", "pipeline's own code"),
    ("(flows/", "pipeline's own code"),
)


STEPS = ("read_inputs", "resolve_step", "repositories_step", "assemble_step", "write_step")
# Work resolve_step hands to threads of its own (the arXiv lane), whose stacks do not show it.
LANE_STEPS = {"Resolver._arxiv_title_lane": "resolve_step", "Resolver._fetch_arxiv": "resolve_step"}
# Leaves of stacks that wait: selectors, queues, locks, sleeps, the thread pools' idle workers.
IDLE_LEAVES = frozenset(
    {
        "select",
        "EpollSelector.select",
        "Condition.wait",
        "Event.wait",
        "Queue.get",
        "_worker",
        "Thread.join",
        "_wait_for_tstate_lock",
        "sleep",
        "heartbeat_loop",
        "SimpleQueue.get",
    }
)


@dataclass(frozen=True)
class Night:
    name: str
    snapshot: str
    cache: str


def _frames(stack: str) -> list[str]:
    # py-spy's raw format: "thread (tid);frame;frame;... count", frames "function (file:line)".
    return stack.split(";")[1:]


def area_of(frames: list[str]) -> str:
    """The area one stack of samples is charged to."""
    if any(marker in frame for frame in frames for marker in IMPORT_MARKERS):
        return "imports (start-up)"
    for frame in reversed(frames):
        for needle, area in LIBRARY_AREAS:
            if needle in frame:
                return area
    return "other (stdlib, interpreter)"


def pipeline_function(frames: list[str]) -> str:
    """The innermost frame of the project's own code (pipeline/ or flows/) in a stack."""
    for frame in reversed(frames):
        name, _, where = frame.partition(" (")
        if where.startswith(("pipeline/", "flows/")):
            return f"{where.rsplit(':', 1)[0]}:{name}"
    return "(no project frame: Prefect's engine and threads)"


def step_of(frames: list[str]) -> str:
    """The job step (pipeline/job/steps.py and read_inputs) a stack ran under, if any."""
    for frame in frames:
        name = frame.partition(" (")[0]
        if name in STEPS:
            return name
        if name in LANE_STEPS:
            return LANE_STEPS[name]
    return "(outside the steps: Prefect's flow and task engine, the CLI)"


def is_idle(frames: list[str]) -> bool:
    """A thread waiting (py-spy does not always tell an idle thread from a busy one)."""
    leaf = frames[-1].partition(" (")[0] if frames else ""
    return leaf in IDLE_LEAVES


def read_samples(path: Path) -> Counter[str]:
    samples: Counter[str] = Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            samples[stack] += int(count)
    return samples


def _table(
    title: str, counts: Counter[str], total: int, top: int, cpu_s: float | None
) -> list[str]:
    unit = "s of CPU (share x measured)" if cpu_s is not None else "s sampled"
    lines = ["", f"| {title} | {unit} | share |", "|---|---:|---:|"]
    for name, count in counts.most_common(top):
        seconds = count / total * cpu_s if cpu_s is not None else count / SAMPLE_RATE
        lines.append(f"| {name} | {seconds:.1f} | {count / total:.0%} |")
    return lines


def summarise(path: Path, top: int = 15, cpu_s: float | None = None) -> str:
    """Tables of the busy samples in a py-spy raw file: by area, step, function and leaf."""
    areas: Counter[str] = Counter()
    steps: Counter[str] = Counter()
    functions: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    idle = 0
    for stack, count in read_samples(path).items():
        frames = _frames(stack)
        if is_idle(frames):
            idle += count
            continue
        area = area_of(frames)
        areas[area] += count
        if area == "imports (start-up)":
            steps["(imports)"] += count
            continue
        steps[step_of(frames)] += count
        functions[f"`{pipeline_function(frames)}`"] += count
        leaves[f"`{frames[-1]}`" if frames else "?"] += count
    total = sum(areas.values()) or 1
    lines = [
        f"{path.name}: {total / SAMPLE_RATE:.1f} s of samples holding the GIL"
        + (f" ({idle / SAMPLE_RATE:.1f} s of waiting threads left out)" if idle else "")
        + (f"; measured CPU {cpu_s:.1f} s" if cpu_s is not None else "")
    ]
    lines += _table("area (innermost library; imports first)", areas, total, top, cpu_s)
    lines += _table("step", steps, total, top, cpu_s)
    lines += _table("innermost project function (imports left out)", functions, total, top, cpu_s)
    lines += _table("leaf frame (self time)", leaves, total, top, cpu_s)
    return "\n".join(lines)


def under(path: Path, frame: str, depth: int = 2, top: int = 15) -> str:
    """The samples below the first frame containing `frame`, by the `depth` frames after it."""
    counts: Counter[str] = Counter()
    for stack, count in read_samples(path).items():
        frames = _frames(stack)
        found = next((i for i, f in enumerate(frames) if frame in f), None)
        if found is None or is_idle(frames):
            continue
        below = frames[found + 1 : found + 1 + depth]
        counts[" > ".join(f.partition(" (")[0] for f in below) or "(itself)"] += count
    total = sum(counts.values()) or 1
    lines = [f"{path.name}: {total / SAMPLE_RATE:.1f} s sampled under {frame!r}"]
    lines += _table("below it", counts, total, top, None)
    return "\n".join(lines)


def profile(command: list[str], env: dict[str, str], fake: Fake, out: Path) -> None:
    spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or "py-spy"
    recorder = [
        spy,
        "record",
        "--format",
        "raw",
        "--rate",
        str(SAMPLE_RATE),
        # Only the thread holding the GIL: waiting threads (sockets, locks, sleeps, fsync) hold
        # none, and py-spy's own idle test misses some of them here.
        "--gil",
        "--output",
        str(out),
        "--",
        *command,
    ]
    measure(fake, recorder, env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1000, help="papers in the SYNTHETIC list")
    parser.add_argument("--profile", action="store_true", help="also sample each night (py-spy)")
    parser.add_argument("--keep", type=Path, help="keep the samples and the run's folder here")
    parser.add_argument("--top", type=int, default=15, help="functions listed in the summary")
    parser.add_argument("--summarise", type=Path, nargs="*", help="summarise samples and stop")
    parser.add_argument("--cpu", type=float, help="with --summarise: the run's measured CPU, s")
    parser.add_argument("--under", help="with --summarise: the time below this frame")
    parser.add_argument("--depth", type=int, default=2, help="frames shown with --under")
    args = parser.parse_args(argv)
    if args.summarise:
        for path in args.summarise:
            if args.under:
                print(under(path, args.under, args.depth, args.top), end="\n\n")
            else:
                print(summarise(path, args.top, args.cpu), end="\n\n")
        return 0
    keep: Path | None = args.keep
    with tempfile.TemporaryDirectory() as scratch:
        workdir = keep or Path(scratch)
        if keep:
            shutil.rmtree(keep, ignore_errors=True)
        workdir.mkdir(parents=True, exist_ok=True)
        prefect = PrefectServer(Path(scratch) / "prefect")
        try:
            run_nights(args.size, workdir, prefect.env, profile_runs=args.profile, top=args.top)
        finally:
            prefect.stop()
    return 0


def run_nights(
    size: int, workdir: Path, prefect_env: dict[str, str], *, profile_runs: bool, top: int
) -> None:
    list_path = workdir / "list.md"
    records = make_records(size)
    list_path.write_text(render_list(records), encoding="utf-8")
    world_path = workdir / "world.json"
    synthetic_world(records).save(world_path)
    env = {"AWESOME_ENRICH_TIME_SCALE": "0", "GITHUB_TOKEN": "benchmark-not-a-token", **prefect_env}
    out = workdir / "out"
    nights = [
        Night(name, (date.today() + timedelta(days=n)).isoformat(), f"cache-{name}")
        for n, name in enumerate(("cold", "warm"))
    ]
    for night in nights:
        before = workdir / f"out-before-{night.name}"
        if out.exists():
            shutil.copytree(out, before)
        command = run_command(
            list_path,
            out,
            "--citation-pages",
            "0",
            "--snapshot-date",
            night.snapshot,
            "--cache-dir",
            str(workdir / night.cache),
        )
        fake = Fake(world_path)  # a fresh quota each night
        try:
            measured = measure(fake, command, env)
        finally:
            fake.stop()
        print(
            f"{size} papers, {night.name}: CPU {measured.cpu_s:.1f} s, "
            f"wall {measured.wall_s:.1f} s, peak {measured.peak_mib:.0f} MiB, "
            f"exit {measured.status}, calls {measured.calls}",
            flush=True,
        )
        if not profile_runs:
            continue
        # The same night again, from the same state (outputs as before it, an empty cache).
        sampled_out = workdir / f"out-sampled-{night.name}"
        if before.exists():
            shutil.copytree(before, sampled_out)
        cache = workdir / f"{night.cache}-sampled"
        sampled = [*command]
        sampled[sampled.index(str(out))] = str(sampled_out)
        sampled[sampled.index(str(workdir / night.cache))] = str(cache)
        samples = workdir / f"samples-{size}-{night.name}.txt"
        fake = Fake(world_path)
        try:
            profile(sampled, env, fake, samples)
        finally:
            fake.stop()
        print(summarise(samples, top, measured.cpu_s), end="\n\n", flush=True)


if __name__ == "__main__":
    sys.exit(main())
