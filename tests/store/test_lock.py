"""One run at a time per output folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from fakeapi.server import FakeServer
from flows.enrich import EnrichParams, enrich_awesome_list
from pipeline.cli.main import main
from pipeline.store import lock
from pipeline.store.lock import LOCK_NAME, LockedError, output_lock
from pipeline.store.writer import OutputError
from tests.conftest import SEED_LIST
from tests.fakes import fake_in_env


def test_a_second_holder_is_refused_with_the_first_ones_pid(tmp_path: Path) -> None:
    with output_lock(tmp_path), pytest.raises(LockedError) as error, output_lock(tmp_path):
        pass
    message = str(error.value)
    assert message.startswith(f"{tmp_path}: another run is writing here (pid {os.getpid()}")
    with output_lock(tmp_path):  # released when the first block ended
        pass


def test_a_waiting_run_gets_the_lock_when_the_first_one_finishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A handshake, not a stopwatch (issue 27): the first run finishes only once the second has
    found the folder locked and begun to wait; the second then gets the lock."""
    held, release = threading.Event(), threading.Event()

    def first() -> None:
        with output_lock(tmp_path):
            held.set()
            release.wait(60)

    thread = threading.Thread(target=first)
    thread.start()
    assert held.wait(60)
    polls: list[float] = []

    def sleep(seconds: float) -> None:  # the waiter's poll: the folder was locked
        polls.append(seconds)
        release.set()
        time.sleep(seconds)

    monkeypatch.setattr(lock, "time", SimpleNamespace(monotonic=time.monotonic, sleep=sleep))
    with output_lock(tmp_path, wait_s=60):
        got_it_after_the_release = release.is_set()
    thread.join()
    monkeypatch.undo()
    assert polls and got_it_after_the_release  # it waited for the first holder, then got it
    with (
        pytest.raises(LockedError, match=r"after waiting 0\.1 s"),
        output_lock(tmp_path),
        output_lock(tmp_path, wait_s=0.1),
    ):
        pass


def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    code = (
        "import sys, time; from pathlib import Path; from pipeline.store.lock import output_lock\n"
        "with output_lock(Path(sys.argv[1])):\n"
        "    print('held', flush=True); time.sleep(60)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    with pytest.raises(LockedError, match=f"pid {holder.pid}"), output_lock(tmp_path):
        pass
    holder.send_signal(signal.SIGKILL)
    holder.wait(10)
    with output_lock(tmp_path):
        assert (tmp_path / LOCK_NAME).exists()


def test_a_folder_that_cannot_be_written_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    expected = r"a-file is a file; give a folder"
    with pytest.raises(OutputError, match=expected), output_lock(blocker / "out"):
        pass


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServer]:
    with fake_in_env(monkeypatch) as server:
        yield server


def test_run_refuses_a_folder_another_run_is_writing_before_starting(
    fake: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    with output_lock(out):
        status = main(["run", "--list", str(SEED_LIST), "--out", str(out), "--no-cache"])
    assert status == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "another run is writing here (pid" in error
    assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME]  # nothing written
    assert fake.app.snapshot()["per_api"] == {}  # and no API asked


def test_run_into_an_unwritable_folder_is_one_line_and_exit_2(
    fake: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    status = main(["run", "--list", str(SEED_LIST), "--out", str(blocker / "out"), "--no-cache"])
    assert status == 2
    assert capsys.readouterr().err.strip().endswith("a-file is a file; give a folder")


@pytest.mark.usefixtures("prefect_harness")
def test_the_flow_itself_takes_the_lock(fake: FakeServer, tmp_path: Path) -> None:
    """Deployments start the flow without the command's early check: the flow locks too."""
    out = tmp_path / "out"
    params = EnrichParams(list_path=str(SEED_LIST), out=str(out), no_cache=True)
    with output_lock(out):
        state = enrich_awesome_list(params, return_state=True)
    assert state.is_failed()
    assert isinstance(state.result(raise_on_failure=False), LockedError)
    assert not (out / "papers.parquet").exists()
    assert enrich_awesome_list(params, return_state=True).is_completed()
