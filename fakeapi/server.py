"""Serve a FakeApi on a free loopback port, in a background thread."""

from __future__ import annotations

import logging
import threading
from types import TracebackType

from werkzeug.serving import BaseWSGIServer, make_server

from fakeapi.app import FakeApi

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
        self._server = make_server(LOOPBACK, self._port, self.app, threaded=True)
        server = self._server
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
