"""The fault matrix (issue 8), the process killed mid-write: atomic writes and their leftovers.

The SIGKILL cells kill a run (a subprocess, tests/endtoend/kill_during_write.py) after each output
file, and in the middle of writing each one: every file must then be the previous run's version or
the new one, the only debris one hidden temporary file, and the next run must repair the folder.
The killed runs draw the real charts. Set FAULT_MATRIX_REPORT=<file.json> to write each cell's
time."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from fakeapi.app import FakeApi
from fakeapi.server import FakeServer
from fakeapi.world import World
from pipeline.resolve.report import load_pins
from pipeline.store.citations import read_citations
from pipeline.store.tables import read_history, read_papers, read_snapshot, snapshot_dates
from pipeline.store.writer import (
    is_temporary_for,
    remove_stale_temporaries,
    remove_stale_temporaries_under,
    write_bytes_atomic,
)
from tests.endtoend.faults_support import (
    ABBREVIATIONS,
    DAY1,
    DAY2,
    DAY3,
    GROWTH,
    NOW,
    OBSERVED,
    TEMPORARY,
    TOKEN,
    Lists,
    check_outputs,
    check_recovered,
    copy_of,
    fake_settings,
    files,
    options,
    temporaries,
)
from tests.endtoend.kill_during_write import main_in_child, run_steps

OUTPUTS = (  # what a run writes, in the order it writes them
    "papers.parquet",
    f"history/snapshot_date={DAY2.isoformat()}/part-0.parquet",
    "README.md",
    "papers.bib",
    "resolution.json",
    "resolution.md",
    "citations_by_year.parquet",
    "stars_by_week.parquet",
    "trends.parquet",
    "charts/top_velocity.svg",
    "charts/citations_over_time.svg",
    "charts/stars_vs_citations.svg",
    "charts/entries_per_section.svg",
    "changes.md",
    "report.html",
)


# --- temporary files: the only debris a kill may leave ------------------------------------------


def test_a_leftover_temporary_file_goes_with_the_next_write_of_its_file(tmp_path: Path) -> None:
    target = tmp_path / "papers.parquet"
    leftover = tmp_path / ".papers.parquet.k3x_9qz1.tmp"
    others = [
        tmp_path / ".papers.parquet.bak.k3x9qz1.tmp",  # another file's temporary file
        tmp_path / ".papers.bib.k3x9qz1.tmp",
        tmp_path / "papers.parquet.k3x9qz1.tmp",  # not hidden: not ours
    ]
    for path in (leftover, *others):
        path.write_bytes(b"half")
    assert is_temporary_for(leftover, target)
    assert not any(is_temporary_for(path, target) for path in others)
    write_bytes_atomic(target, b"data")
    assert target.read_bytes() == b"data"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["papers.parquet", *(p.name for p in others)]
    )
    assert remove_stale_temporaries(tmp_path / "missing" / "x") == []


def test_the_sweep_finds_leftovers_in_subfolders_and_outputs_are_readable_by_others(
    tmp_path: Path,
) -> None:
    partition = tmp_path / "history" / "snapshot_date=2026-11-25"
    partition.mkdir(parents=True)
    leftover = partition / ".part-0.parquet.k3x9qz1.tmp"
    keep = [partition / "part-0.parquet", tmp_path / ".awesome-enrich.lock", tmp_path / ".x.tmp"]
    for path in (leftover, *keep):
        path.write_bytes(b"x")
    assert remove_stale_temporaries_under(tmp_path) == [leftover]
    assert all(path.exists() for path in keep)
    old_mask = os.umask(0o022)
    try:
        write_bytes_atomic(tmp_path / "README.md", b"# list\n")
    finally:
        os.umask(old_mask)
    assert (tmp_path / "README.md").stat().st_mode & 0o777 == 0o666 & ~old_mask


# --- SIGKILL in the middle of writing ------------------------------------------------------------


@dataclass
class KillFixture:
    """A fake for the second run, and that run's outputs when nothing kills it."""

    server: FakeServer
    lists: Lists
    baseline: Path
    reference_out: Path  # the second run's output folder, unkilled
    reference: dict[str, bytes]  # its files
    order: list[str]  # the files in the order it wrote them
    root: Path
    runs: dict[str, tuple[int, str, float]] = field(default_factory=dict)

    def run(self, out: Path, *extra: str) -> Killed:
        """The second run in a process of its own, forked from a forkserver that has the
        pipeline imported (a new interpreter per cell spent seconds importing)."""
        env = {**self.server.env(), "AWESOME_ENRICH_TIME_SCALE": "0", "GITHUB_TOKEN": TOKEN}
        argv = ["--list", str(self.lists.grown), "--out", str(out)]
        argv += ["--snapshot-date", DAY2.isoformat(), "--now", NOW[DAY2].isoformat(), *extra]
        stdout = out.parent / f".{out.name}.stdout"
        process = FORKSERVER.Process(target=main_in_child, args=(argv, env, str(stdout)))
        process.start()
        process.join(timeout=120)
        if process.exitcode is None:
            process.kill()
            process.join()
            raise AssertionError(f"the run did not end in 120 s: {argv}")
        text = stdout.read_text(encoding="utf-8")
        stdout.unlink()
        return Killed(process.exitcode, text)


@dataclass
class Killed:
    returncode: int
    stdout: str

    @property
    def stderr(self) -> str:  # what an assertion shows: the child's stderr is the test's own
        return self.stdout


FORKSERVER = multiprocessing.get_context("forkserver")
FORKSERVER.set_forkserver_preload(["tests.endtoend.kill_during_write"])


@pytest.fixture(scope="module")
def kill(
    lists: Lists, world: World, baseline: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KillFixture]:
    root = tmp_path_factory.mktemp("kills")
    with FakeServer(FakeApi(world, today=DAY1 + GROWTH)) as server:
        out = copy_of(baseline, root / "reference")
        fixture = KillFixture(server, lists, baseline, out, {}, [], root)
        done = fixture.run(out)
        assert done.returncode == 0 and "status 0" in done.stdout, done.stderr
        fixture.reference = files(out)
        fixture.order = [
            str(Path(line.removeprefix("wrote ")).relative_to(out))
            for line in done.stdout.splitlines()
            if line.startswith("wrote ")
        ]
        yield fixture


@pytest.mark.slow
def test_the_kill_points_are_every_output_of_a_run(kill: KillFixture) -> None:
    assert kill.order == list(OUTPUTS)


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["after", "during"])
@pytest.mark.parametrize("k", range(1, len(OUTPUTS) + 1), ids=lambda k: OUTPUTS[k - 1])
def test_sigkill_while_writing(kill: KillFixture, mode: str, k: int, tmp_path: Path) -> None:
    out = copy_of(kill.baseline, tmp_path)
    old = files(out)
    started = time.monotonic()
    killed = kill.run(out, f"--kill-{mode}", str(k))
    seconds = time.monotonic() - started
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    wrote = [line for line in killed.stdout.splitlines() if line.startswith("wrote ")]
    assert len(wrote) == (k if mode == "after" else k - 1), killed.stdout
    new = kill.reference
    now = files(out)

    # Each output is the previous run's or the new one: new up to the kill, old from there on.
    for index, name in enumerate(OUTPUTS, start=1):
        is_new = index <= k if mode == "after" else index < k
        expected = new[name] if is_new else old.get(name)
        assert now.get(name) == expected, f"{name} after a kill {mode} file {k}"
    # The only debris: the half-written temporary file of the file being written.
    debris = sorted(set(now) - set(old) - set(new))
    if mode == "after":
        assert debris == []
    else:
        target = OUTPUTS[k - 1]
        [leftover] = debris
        assert Path(leftover).parent == Path(target).parent
        named = TEMPORARY.fullmatch(Path(leftover).name)
        assert named is not None and named.group(1) == Path(target).name
        assert now[leftover] == new[target][: len(new[target]) // 2]
    # What the next run reads is readable (the history skips hidden files).
    read_papers(out / "papers.parquet")
    load_pins(out / "resolution.json")
    read_citations(out / "citations_by_year.parquet")
    read_history(out / "history")

    # The next run (a re-run of the same night) completes and repairs the folder.
    recovered_at = NOW[DAY2] + timedelta(hours=1)
    settings = fake_settings(kill.server)
    result = run_steps(options(kill.lists.grown, out, settings, DAY2), recovered_at)
    check_recovered(out, result, recovered_at)
    repaired = files(out)
    assert set(repaired) == set(new)  # the leftover temporary file is gone
    fresh = read_papers(out / "papers.parquet")
    reference = read_papers(kill.reference_out / "papers.parquet")
    for entry_id, row in reference.items():
        for column in ("citation_count", "stars", "repo", "repo_status", "s2_paper_id"):
            assert fresh[entry_id][column] == row[column], (entry_id, column)
    partition = read_snapshot(out / "history", DAY2)
    assert {e: r["citation_count"] for e, r in partition.items()} == {
        e: r["citation_count"] for e, r in fresh.items()
    }
    day1 = f"history/snapshot_date={DAY1.isoformat()}/part-0.parquet"
    assert repaired[day1] == old[day1]
    OBSERVED.append({"cell": f"sigkill-{mode}-{k}", "seconds": round(seconds, 2)})


@pytest.mark.slow
def test_a_kill_in_a_history_partition_then_the_next_night(
    kill: KillFixture, tmp_path: Path
) -> None:
    """Killed while writing night 2's partition, next run on night 3: the history has no
    snapshot for night 2, and the next run sweeps the temporary file although no run writes
    that folder again."""
    out = copy_of(kill.baseline, tmp_path)
    partition = f"history/snapshot_date={DAY2.isoformat()}/part-0.parquet"
    killed = kill.run(out, "--kill-during", str(OUTPUTS.index(partition) + 1))
    assert killed.returncode == -signal.SIGKILL
    [leftover] = temporaries(out)
    assert Path(leftover).parent == Path(partition).parent
    settings = fake_settings(kill.server)
    result = run_steps(options(kill.lists.grown, out, settings, DAY3), NOW[DAY3])
    assert (result.status, result.failed) == (0, set()), result.lines
    check_outputs(out)
    assert snapshot_dates(out / "history") == [DAY1, DAY3]
    assert temporaries(out) == []
    rows = read_papers(out / "papers.parquet")
    assert len(rows) == len(ABBREVIATIONS)
    assert all(row["s2_fetched_at"] == NOW[DAY3] for row in rows.values() if row["s2_paper_id"])
