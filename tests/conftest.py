from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
SEED_LIST = REPO / "data" / "raw" / "README.md"
SAMPLE_LISTS = REPO / "tests" / "data" / "lists"
SHARED = REPO.parent / "shared"


def all_list_files() -> list[Path]:
    return [SEED_LIST, *sorted(SAMPLE_LISTS.glob("*.md"))]


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


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One temporary Prefect API for the session (about 10 s), never the user's ~/.prefect."""
    home = tmp_path_factory.mktemp("prefect-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PREFECT_HOME", str(home))
        patch.setenv("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        patch.setenv("DO_NOT_TRACK", "1")
        patch.setenv("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
        from prefect.testing.utilities import prefect_test_harness

        with prefect_test_harness(server_startup_timeout=90):
            yield
