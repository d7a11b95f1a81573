"""The machine-wide pacer that runs without a Prefect server share (machine_pacing.py):
processes using one folder keep the interval between them; processes with their own folders
(as runs with different PREFECT_HOMEs would have with Prefect's limits alone) do not."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from pipeline.core.errors import ConfigError
from pipeline.sources import machine_pacing
from pipeline.sources.machine_pacing import MachinePacer
from tests.conftest import REPO

INTERVAL = 0.2
WAITS = 6
# Each child says it is ready (imported, its pacer made) and waits for the go: both then start
# their sequences at once, however long each took to start (a handshake, not a head start).
CHILD = """
import json, sys, time
from pathlib import Path
from pipeline.sources.machine_pacing import MachinePacer
pacer, go = MachinePacer(Path(sys.argv[1])), Path(sys.argv[2])
Path(sys.argv[4]).touch()
while not go.exists():
    time.sleep(0.002)
print(json.dumps([pacer.wait("awesome-enrich-arxiv", float(sys.argv[3])) for _ in range(6)]))
"""


def starts_of_two_processes(tmp_path: Path, folders: tuple[Path, Path]) -> list[float]:
    go = tmp_path / "go"
    ready = [tmp_path / f"ready-{n}" for n in range(len(folders))]
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(folder), str(go), str(INTERVAL), str(flag)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        )
        for folder, flag in zip(folders, ready, strict=True)
    ]
    deadline = time.monotonic() + 120  # ends a hung test only; nothing is timed
    while not all(flag.exists() for flag in ready):
        assert all(child.poll() is None for child in children), "a child process ended early"
        assert time.monotonic() < deadline, "the child processes did not start"
        time.sleep(0.01)
    go.touch()
    starts: list[float] = []
    for child in children:
        out, _ = child.communicate(timeout=60)
        assert child.returncode == 0
        starts += json.loads(out)
    assert len(starts) == 2 * WAITS
    return sorted(starts)


def gaps(starts: list[float]) -> list[float]:
    return [b - a for a, b in itertools.pairwise(starts)]


def test_processes_sharing_the_folder_keep_the_interval_between_them(tmp_path: Path) -> None:
    folder = tmp_path / "pacing"
    starts = starts_of_two_processes(tmp_path, (folder, folder))
    assert min(gaps(starts)) >= INTERVAL
    assert [p.name for p in folder.iterdir()] == ["awesome-enrich-arxiv.last"]


def test_processes_with_their_own_folders_overlap(tmp_path: Path) -> None:
    """The control: two sequences of one period overlapping in time come within half a period."""
    starts = starts_of_two_processes(tmp_path, (tmp_path / "one", tmp_path / "two"))
    assert min(gaps(starts)) < INTERVAL / 2


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The pacer's sleeps, recorded instead of slept (its clock is still the real one)."""
    sleeps: list[float] = []
    monkeypatch.setattr(
        machine_pacing, "time", SimpleNamespace(monotonic=time.monotonic, sleep=sleeps.append)
    )
    return sleeps


def test_a_time_from_before_a_reboot_or_garbage_is_ignored(
    tmp_path: Path, slept: list[float]
) -> None:
    pacer = MachinePacer(tmp_path)
    (tmp_path / "q.last").write_text(repr(time.monotonic() + 10_000), encoding="ascii")
    pacer.wait("q", 5.0)
    (tmp_path / "q.last").write_text("not a time", encoding="ascii")
    pacer.wait("q", 5.0)
    assert slept == []  # neither waited the interval
    pacer.wait("q", 5.0)  # the control: a real last start is waited for
    assert len(slept) == 1 and 0 < slept[0] <= 5.0


def test_an_unwritable_folder_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match="XDG_CACHE_HOME"):
        MachinePacer(blocker / "pacing").wait("q", 1.0)
    with pytest.raises(ValueError, match="not a quota name"):
        MachinePacer(tmp_path).wait("../escape", 1.0)


def test_when_not_required_an_unwritable_folder_is_one_warning_and_no_wait(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, slept: list[float]
) -> None:
    """Runs against a Prefect server: its limits still space the grants, so the run goes on."""
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    pacer = MachinePacer(blocker / "pacing", required=False)
    with caplog.at_level("WARNING", logger="pipeline.sources.http"):
        for _ in range(3):
            pacer.wait("q", 5.0)
    assert slept == []
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "XDG_CACHE_HOME" in warnings[0], warnings
