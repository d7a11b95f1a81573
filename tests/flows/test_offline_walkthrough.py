"""docs/prefect.md's offline walk-through, run as the block a reader copies (issue 27): the fake
APIs, a Prefect server, `flows/serve.py` and `prefect deployment run --watch`, all on loopback.
Only its first settings line is swapped for free ports and a temporary folder. Slow (~1-2 min)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import REPO, seed_prefect_home
from tests.flows.conftest import BIN, free_port

DOC = REPO / "docs" / "prefect.md"
SETTINGS = "OFFLINE=$PWD/offline-demo PREFECT_PORT=4200 FAKE_PORT=8765"


def walkthrough() -> str:
    text = DOC.read_text(encoding="utf-8")
    section = text.index("## Offline, end to end")
    found = re.search(r"```sh\n(.*?)```", text[section:], re.DOTALL)
    assert found, "no sh block under the offline walk-through"
    return found.group(1)


@pytest.mark.slow
def test_the_offline_walkthrough_runs_as_written(tmp_path: Path, migrated_prefect_db: Path) -> None:
    block = walkthrough()
    assert block.count(SETTINGS) == 1, "the block's settings line changed: update this test"
    offline = tmp_path / "offline"
    ports = f"OFFLINE={offline} PREFECT_PORT={free_port()} FAKE_PORT={free_port()}"
    seed_prefect_home(offline / "prefect", migrated_prefect_db)  # migrated once per session
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PREFECT_", "S2_", "ARXIV_", "GITHUB_", "AWESOME_ENRICH_"))
    }
    env["PREFECT_RUNNER_POLL_FREQUENCY"] = "2"  # serve looks for the run sooner (default 10 s)
    env["COLUMNS"] = "1000"  # rich wraps at 80 without a terminal
    shell = subprocess.Popen(
        [shutil.which("bash") or "/bin/bash", "-e", "-c", block.replace(SETTINGS, ports)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its background jobs in one group, ended below if it fails
    )
    try:
        printed, _ = shell.communicate(timeout=600)
    finally:
        if shell.poll() is None:
            shell.kill()
        with_home = {**env, "PREFECT_HOME": str(offline / "prefect")}
        subprocess.run(
            [str(BIN / "prefect"), "server", "stop"], env=with_home, capture_output=True, timeout=60
        )
        with contextlib.suppress(ProcessLookupError):
            os.killpg(shell.pid, signal.SIGTERM)
    assert shell.returncode == 0, printed[-5000:]
    assert "Flow run finished successfully in 'Completed'" in printed, printed[-5000:]
    output = offline / "output"
    assert "report.html" in printed and (output / "report.html").exists()
    assert pq.read_table(output / "papers.parquet").num_rows == 56
    assert (output / "README.md").read_text(encoding="utf-8").startswith("> **SYNTHETIC")
