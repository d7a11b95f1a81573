"""The deployment end to end: a real Prefect server on loopback (the session's shared one),
`flows/serve.py` serving the nightly deployment, and `prefect deployment run` against the local
fake APIs. Slow (~40 s)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import requests

from fakeapi.app import FakeApi
from fakeapi.server import FakeServer
from tests.conftest import REPO, SEED_LIST
from tests.fakes import seed_world
from tests.flows.conftest import BIN, stop, wait_for


def deployment_run(env: dict[str, str], params: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`prefect deployment run enrich-awesome-list/nightly -p params=... --watch`."""
    return subprocess.run(
        [
            str(BIN / "prefect"),
            "deployment",
            "run",
            "enrich-awesome-list/nightly",
            "-p",
            f"params={json.dumps(params)}",
            "--watch",
            "--watch-timeout",
            "180",
        ],
        env={**env, "COLUMNS": "1000"},  # rich wraps at 80 columns without a terminal
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


@pytest.mark.slow
def test_a_deployment_run_completes_against_the_fake_apis_and_a_failed_one_says_why(
    shared_prefect_env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    with FakeServer(FakeApi(seed_world())) as fake:
        env = {
            **shared_prefect_env,
            **fake.env(),
            "AWESOME_ENRICH_TIME_SCALE": "0",
            "GITHUB_TOKEN": "deployment-test-token",
            "AWESOME_ENRICH_LIST": str(SEED_LIST),
            "AWESOME_ENRICH_OUT": str(out),
            "AWESOME_ENRICH_CACHE_DIR": str(tmp_path / "cache"),
            "PREFECT_RUNNER_POLL_FREQUENCY": "1",
        }
        serve = subprocess.Popen(
            [sys.executable, str(REPO / "flows" / "serve.py")],
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            api = env["PREFECT_API_URL"]
            wait_for(
                lambda: (
                    requests.get(
                        f"{api}/deployments/name/enrich-awesome-list/nightly", timeout=2
                    ).ok
                ),
                60,
                "the nightly deployment",
            )
            run = deployment_run(
                env, {"list_path": str(SEED_LIST), "out": str(out), "snapshot_date": "2026-11-26"}
            )
            # A run that fails: its one-line cause reaches the terminal that watches it.
            missing = tmp_path / "missing.md"
            failed = deployment_run(env, {"list_path": str(missing), "out": str(tmp_path / "o")})
        finally:
            stop(serve)
    watched = failed.stdout + failed.stderr
    assert failed.returncode == 1, watched
    assert f"awesome-enrich.run.failed * {missing}: no such file" in watched
    assert "Flow run finished in state 'Failed'" in watched
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Completed" in run.stdout + run.stderr
    table = pq.read_table(out / "papers.parquet")
    assert table.num_rows == 56
    assert (out / "history" / "snapshot_date=2026-11-26" / "part-0.parquet").exists()
    assert (out / "README.md").read_text(encoding="utf-8").startswith("> **SYNTHETIC")
