from __future__ import annotations

import fcntl
import ipaddress
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from matplotlib.figure import Figure

from pipeline.analysis import charts

REPO = Path(__file__).resolve().parent.parent
SEED_LIST = REPO / "data" / "raw" / "README.md"
SAMPLE_LISTS = REPO / "tests" / "data" / "lists"
SHARED = REPO.parent / "shared"


def all_list_files() -> list[Path]:
    return [SEED_LIST, *sorted(SAMPLE_LISTS.glob("*.md"))]


REAL_PNG_BYTES = charts.png_bytes
REAL_SVG_BYTES = charts.svg_bytes
_TINY_PNG: list[bytes] = []
_TINY_SVG: list[bytes] = []


def tiny_png(figure: Figure) -> bytes:
    """A stand-in for charts.png_bytes: a real PNG of a few pixels, drawn once."""
    if not _TINY_PNG:
        _TINY_PNG.append(REAL_PNG_BYTES(Figure(figsize=(0.1, 0.1))))
    return _TINY_PNG[0]


def tiny_svg(figure: Figure) -> bytes:
    """A stand-in for charts.svg_bytes: a real SVG of an empty figure, drawn once."""
    if not _TINY_SVG:
        _TINY_SVG.append(REAL_SVG_BYTES(Figure(figsize=(0.1, 0.1))))
    return _TINY_SVG[0]


@pytest.fixture(autouse=True)
def _tiny_charts(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Charts are drawn as a tiny empty image: drawing them for real is about 1.3 s of CPU per
    run of the seed list, nearly half of it. Tests marked `real_charts` (the charts' own tests,
    and those that look at the images) draw them; so do runs in other processes."""
    if not request.node.get_closest_marker("real_charts"):
        monkeypatch.setattr(charts, "png_bytes", tiny_png)
        monkeypatch.setattr(charts, "svg_bytes", tiny_svg)


@pytest.fixture
def seed_text() -> str:
    return SEED_LIST.read_bytes().decode("utf-8")


class NonLoopbackConnection(RuntimeError):
    """A test tried to reach a host other than this machine."""


def _check_host(host: object) -> None:
    if host in (None, "localhost", b"localhost"):
        return
    try:
        address = ipaddress.ip_address(host.decode() if isinstance(host, bytes) else str(host))
    except ValueError:
        raise NonLoopbackConnection(
            f"test tried to resolve {host!r}: only loopback is allowed"
        ) from None
    if not address.is_loopback:
        raise NonLoopbackConnection(f"test tried to connect to {host}: only loopback is allowed")


@pytest.fixture(autouse=True, scope="session")
def _own_cache_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The machine pacer's folder (XDG_CACHE_HOME) per test session, never the user's: runs
    of parallel test workers do not wait on each other's requests."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache-home")))
        yield


@pytest.fixture(autouse=True, scope="session")
def _loopback_only() -> Iterator[None]:
    """Fail any test that opens a connection (or a DNS lookup) beyond loopback."""
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _check_host(address[0])
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _check_host(address[0])
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        _check_host(host)
        return real_getaddrinfo(host, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", connect)
        patch.setattr(socket.socket, "connect_ex", connect_ex)
        patch.setattr(socket, "getaddrinfo", getaddrinfo)
        yield


def _migrated_prefect_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Prefect database migrated to the installed version, made once per test session (the
    xdist workers share it): every Prefect server the tests start copies it instead of running
    the migrations again (about 13 s of CPU each on this machine)."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the workers' base folders sit side by side in it
    template = shared / "prefect-migrated.db"
    with (shared / "prefect-migrated.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not template.exists():
            home = shared / "prefect-migrating"
            env = {
                **os.environ,
                "PREFECT_HOME": str(home),
                "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            }
            env.pop("PREFECT_API_DATABASE_CONNECTION_URL", None)
            env.pop("PREFECT_SERVER_DATABASE_CONNECTION_URL", None)
            prefect = Path(sys.executable).parent / "prefect"
            subprocess.run(
                [str(prefect), "server", "database", "upgrade", "-y"],
                env=env,
                check=True,
                capture_output=True,
                timeout=300,
            )
            # A copy through SQLite's backup API: it folds the write-ahead log in.
            source, partial = sqlite3.connect(home / "prefect.db"), template.with_suffix(".part")
            target = sqlite3.connect(partial)
            source.backup(target)
            target.close()
            source.close()
            partial.rename(template)
    return template


@pytest.fixture(scope="session")
def migrated_prefect_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _migrated_prefect_database(tmp_path_factory)


def seed_prefect_home(home: Path, migrated: Path) -> Path:
    """Give a new PREFECT_HOME the migrated database, where Prefect looks for it."""
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(migrated, home / "prefect.db")
    return home


SHARED_SERVER = "prefect-shared-server"  # its folder in the session's shared temporary folder


def _session_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of the whole session: the controller's, which holds each xdist
    worker's own folder."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def shared_prefect_api(tmp_path_factory: pytest.TempPathFactory, migrated: Path) -> str:
    """The API URL of one Prefect server for the whole session, shared by the xdist workers
    (issue 27: a server per worker cost each its start-up). The first worker that needs it
    starts it, under a file lock, on the migrated database; the others read its URL; the
    session's controller stops it (pytest_unconfigure)."""
    import requests

    folder = _session_folder(tmp_path_factory) / SHARED_SERVER
    folder.mkdir(exist_ok=True)
    with (folder / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        url_file = folder / "api-url"
        if url_file.exists():
            return url_file.read_text(encoding="utf-8")
        port = _free_port()
        env = {
            **os.environ,
            "PREFECT_HOME": str(seed_prefect_home(folder / "home", migrated)),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
            "PREFECT_UI_ENABLED": "false",
        }
        for name in (
            "PREFECT_API_URL",
            "PREFECT_API_DATABASE_CONNECTION_URL",
            "PREFECT_SERVER_DATABASE_CONNECTION_URL",
        ):
            env.pop(name, None)
        prefect = Path(sys.executable).parent / "prefect"
        with (folder / "server.log").open("wb") as log:
            server = subprocess.Popen(
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
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # outlives this worker; the controller stops it
            )
        (folder / "pid").write_text(str(server.pid), encoding="ascii")
        api = f"http://127.0.0.1:{port}/api"
        for _ in range(600):  # a hang guard only: the server is up in about 10 s
            if server.poll() is not None:
                raise RuntimeError(f"the shared Prefect server exited; see {folder}/server.log")
            try:
                if requests.get(f"{api}/health", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError(f"the shared Prefect server did not start; see {folder}")
        url_file.write_text(api, encoding="utf-8")
        return api


def pytest_unconfigure(config: pytest.Config) -> None:
    """The session's controller (or the one process without xdist) stops the shared server."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    factory = getattr(config, "_tmp_path_factory", None)
    if factory is None:
        return
    pid_file = factory.getbasetemp() / SHARED_SERVER / "pid"
    if not pid_file.exists():
        return
    pid = int(pid_file.read_text(encoding="ascii"))
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        for _ in range(100):  # up to 10 s for it to end, then the kill
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)


@pytest.fixture(scope="session")
def prefect_harness(
    tmp_path_factory: pytest.TempPathFactory, migrated_prefect_db: Path
) -> Iterator[None]:
    """The session's Prefect API (one server shared by the workers, shared_prefect_api), as
    prefect_test_harness would set it up, never the user's ~/.prefect: this process's settings
    point at it, its PREFECT_HOME is a folder of its own."""
    import prefect.context
    import prefect.settings
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    api = shared_prefect_api(tmp_path_factory, migrated_prefect_db)
    home = tmp_path_factory.mktemp("prefect-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PREFECT_HOME", str(home))
        patch.setenv("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        patch.setenv("DO_NOT_TRACK", "1")
        patch.setenv("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
        with (
            prefect.settings.temporary_settings(
                updates={
                    prefect.settings.PREFECT_API_URL: api,
                    # Prefect joins a flow run's heartbeat thread at the run's end, and the
                    # thread sleeps in whole seconds: about half a second a run, for crash
                    # detection no test uses (the demo's nights run without them too)
                    prefect.settings.PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None,
                }
            ),
            # as the harness does: code in a context copied earlier sees the server too
            prefect.context._temporary_global_settings_context(
                prefect.context.get_settings_context()
            ),
        ):
            yield
            # What the runs still send, sent before the settings go (as the harness does).
            APILogWorker.drain_all(timeout=30)
            EventsWorker.drain_all(timeout=30)
