"""A real Prefect server on loopback, for the tests of deployments and of many runs at once."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
import requests

from tests.conftest import seed_prefect_home, shared_prefect_api
from tests.fakes import records

BIN = Path(sys.executable).parent
T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(check: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():  # type: ignore[operator]
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def wait_until(fetch: Callable[[], T], what: str, timeout: float = 60) -> T:
    """Poll `fetch` until it returns something truthy (a handshake, not a timed assert: the
    timeout only ends a test that would otherwise hang)."""
    deadline = time.monotonic() + timeout
    while not (found := fetch()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)
    return found


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@pytest.fixture
def prefect_server(tmp_path: Path, migrated_prefect_db: Path) -> Iterator[dict[str, str]]:
    port = free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(seed_prefect_home(tmp_path / "prefect", migrated_prefect_db)),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_UI_ENABLED": "false",
    }
    env.pop("PREFECT_API_URL", None)
    server = subprocess.Popen(
        [
            str(BIN / "prefect"),
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--analytics-off",
            "--no-ui",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    api = f"http://127.0.0.1:{port}/api"
    try:
        wait_for(lambda: requests.get(f"{api}/health", timeout=2).ok, 90, "the Prefect server")
        yield {**env, "PREFECT_API_URL": api}
    finally:
        stop(server)


@pytest.fixture
def shared_prefect_env(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, migrated_prefect_db: Path
) -> dict[str, str]:
    """The environment of a process that uses the session's shared Prefect server (started once
    for all workers, tests/conftest.py) with a PREFECT_HOME of its own: for subprocesses whose
    test needs a server but not an empty one (a server of its own costs about 10 s of CPU)."""
    api = shared_prefect_api(tmp_path_factory, migrated_prefect_db)
    return {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_API_URL": api,
    }


# A two-paper list of the flow tests, and its papers as the fake knows them (records written
# with the list, never read back from it).
TWO_PAPERS = (
    "## 2024\n| Title | Venue | Code |\n|---|---|---|\n"
    "| [Token Contrast for Weakly-Supervised Semantic Segmentation]"
    "(https://arxiv.org/abs/2303.01267) | CVPR 2023 | -- |\n"
    "| [Masked Collaborative Contrast for Weakly Supervised Semantic Segmentation]"
    "(https://arxiv.org/abs/2305.08491) | WACV 2024 | -- |\n"
)
TWO_RECORDS = records(  # the two papers of TWO_PAPERS, as the fake knows them
    ("Token Contrast for Weakly-Supervised Semantic Segmentation", 2023, "CVPR", "2303.01267"),
    (
        "Masked Collaborative Contrast for Weakly Supervised Semantic Segmentation",
        2024,
        "WACV",
        "2305.08491",
    ),
)
