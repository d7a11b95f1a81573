"""Serve a FakeApi on a free loopback port, in a background thread.

Each request carries when it reached this machine (`fakeapi.app.ARRIVED` in its WSGI environ):
the kernel's receive timestamp of its first bytes (SO_TIMESTAMPNS, set on the listening socket
so that every accepted connection has it), not the moment a thread of this process got to it.
The fake counts pacing violations from these times; a thread's own clock lagged the arrival by
40-190 ms while another thread answered a large page (measured, issue 26). Where the kernel
gives no stamp, the time the request is handled stands for it."""

from __future__ import annotations

import contextlib
import io
import logging
import socket
import struct
import sys
import threading
import time
from types import TracebackType
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from fakeapi.app import ARRIVED, FakeApi

# Linux's SO_TIMESTAMPNS (= SCM_TIMESTAMPNS) on x86-64 and arm64; Python's socket module lacks
# the name. The control message holds a struct timespec of CLOCK_REALTIME.
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
_TIMESPEC = struct.Struct("@qq")


class _StampedReader(io.RawIOBase):
    """A connection's bytes, read with recvmsg so the kernel's receive stamp comes along:
    `first` is the stamp (time.time's clock) of the first read since it was last cleared."""

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self.first: float | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size, ancillary, _, _ = self.connection.recvmsg_into(
            [buffer], socket.CMSG_SPACE(_TIMESPEC.size)
        )
        if self.first is None:
            for level, kind, data in ancillary:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                    seconds, nanoseconds = _TIMESPEC.unpack(data[: _TIMESPEC.size])
                    self.first = seconds + nanoseconds / 1e9
        return size


class StampedRequestHandler(WSGIRequestHandler):
    """werkzeug's handler, with each request's arrival (the kernel's stamp) in its environ."""

    def setup(self) -> None:
        super().setup()
        self._stamps = _StampedReader(self.connection)
        self.rfile = io.BufferedReader(self._stamps)

    def handle_one_request(self) -> None:
        self._stamps.first = None  # a request's own bytes, not the previous one's
        super().handle_one_request()

    def make_environ(self) -> Any:
        environ = super().make_environ()
        stamp = self._stamps.first
        if stamp is not None:  # to time.monotonic's clock, as the fake's other times
            environ[ARRIVED] = stamp - (time.time() - time.monotonic())
        return environ


def _stamp_arrivals(server: BaseWSGIServer) -> None:
    """Ask the kernel to stamp what the listening socket's connections receive (Linux)."""
    if sys.platform.startswith("linux"):
        # Without stamps, each request's handling time stands for its arrival.
        with contextlib.suppress(OSError):
            server.socket.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)


LOOPBACK = "127.0.0.1"


class FakeServer:
    """`with FakeServer(app) as server:` serves on 127.0.0.1:<free port> until the block ends."""

    def __init__(self, app: FakeApi, port: int = 0) -> None:
        self.app = app
        self._port = port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the fake server is not running")
        return f"http://{LOOPBACK}:{self._server.server_port}"

    def env(self) -> dict[str, str]:
        """The environment that points the pipeline's clients at this server."""
        return {
            "S2_API_URL": f"{self.url}/s2",
            "ARXIV_API_URL": f"{self.url}/arxiv/api/query",
            "GITHUB_API_URL": f"{self.url}/github",
        }

    def start(self) -> FakeServer:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._server = make_server(
            LOOPBACK, self._port, self.app, threaded=True, request_handler=StampedRequestHandler
        )
        server = self._server
        _stamp_arrivals(server)
        self._thread = threading.Thread(
            target=lambda: server.serve_forever(poll_interval=0.05), daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
