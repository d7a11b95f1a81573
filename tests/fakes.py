"""Test doubles for the HTTP layer: a fake clock, a replaying transport adapter, and loaders for
the recorded responses in ../shared/contracts (formats described in its SOURCES.md)."""

from __future__ import annotations

import ast
import http.server
import io
import json
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
import yaml
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from urllib3 import HTTPResponse

from fakeapi.app import FakeApi
from fakeapi.description import PaperRecord, WorldDescription, description_path
from fakeapi.server import FakeServer
from fakeapi.world import World, world_from_records
from pipeline.sources.config import Settings, settings_from_env
from tests.conftest import SEED_LIST, SHARED

CONTRACTS = SHARED / "contracts"


def seed_records() -> list[PaperRecord]:
    """The seed list's records, one per entry in list order, from its hand-checked world
    description (data/raw/README.world.json): what the fake serves, never the product's
    reading of the list."""
    return WorldDescription.load(description_path(SEED_LIST)).papers


def seed_world(seed: int = 0, **options: Any) -> World:
    """The SYNTHETIC world of the seed list's hand-checked records."""
    return world_from_records(seed_records(), seed=seed, source=str(SEED_LIST), **options)


def records(*rows: tuple[str, int, str, str | None]) -> list[PaperRecord]:
    """Records of small test lists: (title, year, venue, arXiv id or None)."""
    return [
        PaperRecord(title, year, venue, arxiv_id=arxiv_id) for title, year, venue, arxiv_id in rows
    ]


def contracts_dir(*parts: str) -> Path:
    """The recorded responses, or a skip when ../shared is absent (a user's clone)."""
    path = CONTRACTS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: recorded API responses are only on development machines")
    return path


class FakeClock:
    """monotonic/sleep/now that only move when the code under test sleeps (or `advance`)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.start = start or datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
        self.elapsed = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return 1000.0 + self.elapsed

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.elapsed += seconds

    def advance(self, seconds: float) -> None:
        self.elapsed += seconds

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.elapsed)


@dataclass
class Canned:
    """One answer: a status, headers and a body; or an exception to raise instead."""

    status: int = 200
    body: bytes | str | Any = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    raises: Exception | None = None
    # Answer 304 (empty body) when the request's If-None-Match equals this ETag.
    etag_match: str | None = None

    def body_bytes(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body).encode("utf-8")


Route = Callable[[requests.PreparedRequest], bool]


class ReplayAdapter(BaseAdapter):
    """A transport that answers from queues of canned responses, keyed by method and path.

    Each route answers its queue in order and repeats the last answer when the queue runs dry.
    Every request is recorded; an unknown route fails the test.
    """

    def __init__(self) -> None:
        super().__init__()
        self.routes: list[tuple[str, str, list[Canned]]] = []
        self.requests: list[requests.PreparedRequest] = []

    def add(self, method: str, path: str, *answers: Canned) -> ReplayAdapter:
        self.routes.append((method.upper(), path, list(answers)))
        return self

    def calls(
        self, method: str | None = None, path: str | None = None
    ) -> list[requests.PreparedRequest]:
        return [
            r
            for r in self.requests
            if (method is None or r.method == method) and (path is None or _path(r) == path)
        ]

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.requests.append(request)
        for method, path, answers in self.routes:
            if request.method == method and _path(request) == path:
                answer = answers.pop(0) if len(answers) > 1 else answers[0]
                break
        else:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        if answer.raises is not None:
            raise answer.raises
        response = requests.Response()
        response.request = request
        response.url = request.url or ""
        if answer.etag_match and request.headers.get("If-None-Match") == answer.etag_match:
            response.status_code = 304
            response.headers = CaseInsensitiveDict({"ETag": answer.etag_match})
            response._content = b""
        else:
            response.status_code = answer.status
            response.headers = CaseInsensitiveDict(answer.headers)
            response._content = answer.body_bytes()
        response.encoding = "utf-8"
        response.reason = ""
        response.raw = HTTPResponse(
            body=io.BytesIO(response._content),
            headers=dict(response.headers),
            status=response.status_code,
            preload_content=False,
            request_url=response.url,
        )
        return response

    def close(self) -> None:
        pass


def _path(request: requests.PreparedRequest) -> str:
    return urlsplit(request.url or "").path


# --- recorded exchanges ---------------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    method: str
    url: str
    request_headers: Mapping[str, str]
    request_body: str | None
    status: int
    headers: Mapping[str, str]
    body: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    def canned(self, **overrides: Any) -> Canned:
        fields: dict[str, Any] = {"status": self.status, "body": self.body, "headers": self.headers}
        fields.update(overrides)
        return Canned(**fields)

    def json(self) -> Any:
        return json.loads(self.body)


def _headers(pairs: Iterable[tuple[str, str]]) -> CaseInsensitiveDict[str]:
    return CaseInsensitiveDict(dict(pairs))


def load_vcr(path: Path) -> list[Recorded]:
    """vcrpy cassettes, in both layouts the S2 recordings use."""
    cassette = yaml.safe_load(path.read_text(encoding="utf-8"))
    exchanges = []
    for interaction in cassette["interactions"]:
        request, response = interaction["request"], interaction["response"]
        if "body" in response:
            body, status = response["body"]["string"], response["status"]["code"]
        else:
            body, status = response["content"], response["status_code"]
        headers = _headers(
            (k, v[0] if isinstance(v, list) else v)
            for k, v in (response.get("headers") or {}).items()
        )
        exchanges.append(
            Recorded(
                request["method"],
                request["uri"],
                _headers(
                    (k, v[0] if isinstance(v, list) else v)
                    for k, v in (request.get("headers") or {}).items()
                ),
                request.get("body"),
                int(status),
                headers,
                body.encode("utf-8") if isinstance(body, str) else bytes(body or b""),
            )
        )
    return exchanges


def load_arxiv_py(path: Path) -> Recorded:
    """arxiv.py golden files: the XML is stored Latin-1-decoded inside JSON."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return Recorded(
        "GET", data["url"], {}, None, int(data["status_code"]), {}, data["body"].encode("latin-1")
    )


def load_pygithub(path: Path) -> list[Recorded]:
    """PyGithub replay files: 11 lines per exchange (headers as Python literals)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    exchanges = []
    index = 0
    while index + 9 < len(lines) and lines[index].strip():
        scheme, verb, host, _port, path_query = lines[index : index + 5]
        request_headers = ast.literal_eval(lines[index + 5])
        request_body = None if lines[index + 6] == "None" else lines[index + 6]
        status = int(lines[index + 7])
        headers = _headers(ast.literal_eval(lines[index + 8]))
        body = lines[index + 9].encode("utf-8")
        exchanges.append(
            Recorded(
                verb,
                f"{scheme}://{host}{path_query}",
                _headers(request_headers.items()),
                request_body,
                status,
                headers,
                body,
            )
        )
        index += 11
    return exchanges


def load_octokit(path: Path) -> list[Recorded]:
    """octokit raw fixtures: nock records with flat rawHeaders lists."""
    exchanges = []
    for record in json.loads(path.read_text(encoding="utf-8")):
        raw = record.get("rawHeaders") or []
        headers = _headers(zip(raw[0::2], raw[1::2], strict=True))
        response = record.get("response")
        body = (
            response.encode("utf-8")
            if isinstance(response, str)
            else json.dumps(response).encode("utf-8")
            if response is not None
            else b""
        )
        exchanges.append(
            Recorded(
                record["method"].upper(),
                record["scope"] + record["path"],
                record.get("reqheaders") or {},
                None,
                int(record["status"]),
                headers,
                body,
            )
        )
    return exchanges


# --- the local fake of the three APIs ---------------------------------------------------------


@contextmanager
def fake_apis(
    world: World,
    *,
    env: Mapping[str, str] | None = None,
    cache_dir: Path | None = None,
    **options: Any,
) -> Iterator[tuple[FakeServer, Settings]]:
    """A FakeApi on a loopback port, and settings that point the clients at it (no waiting)."""
    with FakeServer(FakeApi(world, **options)) as server:
        variables = {**server.env(), "AWESOME_ENRICH_TIME_SCALE": "0", **(env or {})}
        yield server, settings_from_env(variables, cache_dir=cache_dir, no_cache=cache_dir is None)


@contextmanager
def fake_in_env(
    monkeypatch: pytest.MonkeyPatch,
    world: World | None = None,
    *,
    github_token: str | None = "test-token",  # noqa: S107 - a placeholder the fake accepts
) -> Iterator[FakeServer]:
    """The fake of the three APIs serving `world` (default: the seed list's, seed 0), and the
    environment pointing `awesome-enrich run` and the flow at it: no waiting, no S2 key, and
    a placeholder GitHub token (GraphQL batches) unless `github_token` is None."""
    with FakeServer(FakeApi(world or seed_world())) as server:
        for name, value in {**server.env(), "AWESOME_ENRICH_TIME_SCALE": "0"}.items():
            monkeypatch.setenv(name, value)
        if github_token is None:
            monkeypatch.delenv("GITHUB_TOKEN", raising=False)
        else:
            monkeypatch.setenv("GITHUB_TOKEN", github_token)
        monkeypatch.delenv("S2_API_KEY", raising=False)
        yield server


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """A loopback HTTP server of a folder's files, quiet; its base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(folder), **kwargs)  # type: ignore[arg-type]

        def log_message(self, format: str, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
