"""The doctor's Prefect lines (flows/limit_check.py): where the API is, read as Prefect's
settings give it without importing Prefect, and each shared limit read over the REST API (a
local stand-in of the server's two endpoints, on loopback)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from flows.limit_check import PrefectApi, check_limits, read_settings
from flows.quotas import rate_limits
from pipeline.sources.config import Settings, settings_from_env

FAKE = {
    "S2_API_URL": "http://127.0.0.1:9/s2",
    "ARXIV_API_URL": "http://127.0.0.1:9/arxiv",
    "GITHUB_API_URL": "http://127.0.0.1:9/github",
    "S2_API_KEY": "LIMIT-CHECK-SENTINEL-KEY",
}


def settings() -> Settings:
    return settings_from_env(FAKE)


def test_the_api_url_comes_from_the_environment_first(tmp_path: Path) -> None:
    env = {"PREFECT_API_URL": "http://127.0.0.1:4200/api/", "PREFECT_HOME": str(tmp_path)}
    assert read_settings(env, tmp_path) == PrefectApi("http://127.0.0.1:4200/api", str(tmp_path))


def test_then_from_the_active_profile(tmp_path: Path) -> None:
    (tmp_path / "profiles.toml").write_text(
        'active = "local"\n'
        '[profiles.local]\nPREFECT_API_URL = "http://127.0.0.1:4300/api"\n'
        '[profiles.other]\nPREFECT_API_URL = "http://127.0.0.1:4400/api"\n',
        encoding="utf-8",
    )
    env = {"PREFECT_HOME": str(tmp_path)}
    assert read_settings(env, tmp_path) == PrefectApi("http://127.0.0.1:4300/api", str(tmp_path))
    chosen = read_settings({**env, "PREFECT_PROFILE": "other"}, tmp_path)
    assert chosen == PrefectApi("http://127.0.0.1:4400/api", str(tmp_path))


def test_no_profiles_file_is_prefects_default_ephemeral_mode(tmp_path: Path) -> None:
    assert read_settings({"PREFECT_HOME": str(tmp_path)}, tmp_path) == PrefectApi(
        None, str(tmp_path)
    )


@pytest.mark.parametrize(
    ("env", "files"),
    [
        ({"PREFECT_API_KEY": "k"}, {}),  # a key: Prefect's client, with its auth, decides
        ({}, {".env": "PREFECT_API_URL=http://127.0.0.1:1/api\n"}),
        ({}, {"prefect.toml": "[api]\nurl = 'http://127.0.0.1:1/api'\n"}),
        ({}, {"pyproject.toml": "[tool.prefect.api]\nurl = 'http://127.0.0.1:1/api'\n"}),
        ({}, {"home/profiles.toml": 'active = "local"\n'}),  # Prefect's own "local" profile
    ],
)
def test_what_only_prefect_can_read_is_left_to_it(
    tmp_path: Path, env: dict[str, str], files: dict[str, str]
) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert read_settings({"PREFECT_HOME": str(tmp_path / "home"), **env}, tmp_path) is None


@pytest.fixture
def prefect_api() -> Iterator[tuple[str, dict[str, dict[str, Any]], list[str]]]:
    """A stand-in of the server's /health and /v2/concurrency_limits/<name> on loopback: the
    limits it holds, and the paths asked."""
    limits: dict[str, dict[str, Any]] = {}
    asked: list[str] = []

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        asked.append(f"{request.method} {request.path}")
        if request.path == "/api/health":
            response = Response("true", mimetype="application/json")
        elif request.path.startswith("/api/v2/concurrency_limits/"):
            found = limits.get(request.path.rsplit("/", 1)[1])
            body = json.dumps(found or {"detail": "Concurrency Limit not found"})
            response = Response(body, 200 if found else 404, mimetype="application/json")
        else:
            response = Response("", 404)
        return response(environ, start_response)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/api", limits, asked
    finally:
        server.shutdown()


def test_each_limit_is_read_and_judged_without_changing_it(
    prefect_api: tuple[str, dict[str, dict[str, Any]], list[str]],
) -> None:
    url, limits, asked = prefect_api
    wanted = rate_limits(settings())
    limits[wanted["s2"].name] = {
        "limit": wanted["s2"].block,
        "slot_decay_per_second": wanted["s2"].decay,
        "active": True,
    }
    limits[wanted["github"].name] = {  # a decay faster than GitHub's quota: looser
        "limit": wanted["github"].block,
        "slot_decay_per_second": wanted["github"].decay * 2,
        "active": True,
    }
    checks = {c.name: (c.status, c.detail) for c in check_limits(settings(), PrefectApi(url, "h"))}
    assert checks["Prefect API"] == ("ok", f"reachable at {url}")
    assert checks[f"limit {wanted['s2'].name}"] == (
        "ok",
        "blocks of 5 slots, one request every 1.00 s at most",
    )
    assert checks[f"limit {wanted['arxiv'].name}"] == ("ok", "absent: the first run creates it")
    assert checks[f"limit {wanted['github'].name}"][0] == "warn"
    assert all(line.startswith("GET ") for line in asked)  # reads only


def test_an_unreachable_server_is_a_failed_check() -> None:
    checks = check_limits(settings(), PrefectApi("http://127.0.0.1:9/api", "h"))
    assert [(c.name, c.status) for c in checks] == [("Prefect API", "fail")]
    assert checks[0].detail.startswith("cannot reach http://127.0.0.1:9/api")


def test_no_server_configured_says_where_each_run_keeps_its_limits() -> None:
    checks = check_limits(settings(), PrefectApi(None, "/srv/prefect-home"))
    assert [(c.name, c.status) for c in checks] == [("Prefect API", "ok")]
    assert "/srv/prefect-home/prefect.db" in checks[0].detail
