"""`awesome-enrich doctor` (and `run --preflight`): one line per check, against the local fake,
with nothing listening, and with tokens an API rejects; the folders; the call estimate."""

from __future__ import annotations

import errno
import json
import re
import socket
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

from fakeapi.server import FakeServer
from pipeline.cli.doctor import star_history_check
from pipeline.cli.main import main
from pipeline.job.plan import estimate_calls
from pipeline.listfile.identifiers import repo_ref
from pipeline.sources.probe import GitHubQuota
from pipeline.store.listio import read_list
from pipeline.store.writer import OutputError, check_output_folder
from tests.conftest import SEED_LIST
from tests.fakes import fake_in_env

S2_KEY = "s2-sentinel-key-7f3a"
GITHUB_TOKEN = "ghp_sentinel_token_91c2"  # noqa: S105 - a sentinel to look for


def _doctor(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, str], str]:
    status = main(["doctor", "--list", str(SEED_LIST), *args])
    captured = capsys.readouterr()
    rows = [re.split(r"\s{2,}", line, maxsplit=1) for line in captured.out.splitlines()]
    lines = {row[0]: row[1] for row in rows if len(row) == 2}
    return status, lines, captured.out + captured.err


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServer]:
    with fake_in_env(monkeypatch) as server:
        yield server


def test_against_the_fake_every_check_passes_for_one_request_per_paid_api(
    fake: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, lines, text = _doctor(capsys, "--out", str(tmp_path / "new"), "--no-cache")
    assert status == 0, text
    assert lines["Semantic Scholar"].startswith("ok    reachable, without a key")
    assert lines["arXiv"].startswith("ok    reachable")
    assert lines["GitHub"].startswith("ok    reachable, token accepted")
    assert "56 entries" in lines["list"]
    assert "a run creates it" in lines["output folder"]
    assert not (tmp_path / "new").exists()  # the doctor creates nothing
    assert "blocking" not in text
    stars = lines["tonight: GitHub star history"]
    assert stars.startswith("ok    at least 42 pages") and "core requests left" in stars
    requests = fake.app.snapshot()["requests"]
    assert sum(requests.values()) == 3
    assert requests["github GET github_rate_limit"] == 1  # the free endpoint


def _closed_port() -> int:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = int(closed.getsockname()[1])
    closed.close()
    return port


def test_offline_each_api_fails_in_one_line_and_the_exit_status_is_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    port = _closed_port()
    monkeypatch.setenv("S2_API_URL", f"http://127.0.0.1:{port}/s2")
    monkeypatch.setenv("ARXIV_API_URL", f"http://127.0.0.1:{port}/arxiv/api/query")
    monkeypatch.setenv("GITHUB_API_URL", f"http://127.0.0.1:{port}/github")
    status, lines, text = _doctor(capsys, "--out", str(tmp_path), "--no-cache")
    assert status == 1
    for name in ("Semantic Scholar", "arXiv", "GitHub"):
        assert lines[name].startswith("fail  ") and "connection refused" in lines[name]
    assert text.splitlines()[-1] == "blocking: Semantic Scholar, arXiv, GitHub"
    assert "Traceback" not in text


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def rejecting(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, str]]]:
    """APIs that reject every credential as the real ones do: S2 403, GitHub 401."""
    seen: list[dict[str, str]] = []

    def app(environ: dict[str, Any], start: Callable[..., Any]) -> list[bytes]:
        seen.append({k: v for k, v in environ.items() if k.startswith("HTTP_")})
        path = environ["PATH_INFO"]
        if path.startswith("/github"):
            start("401 Unauthorized", [("Content-Type", "application/json")])
            return [json.dumps({"message": "Bad credentials"}).encode()]
        if path.startswith("/s2"):
            start("403 Forbidden", [("Content-Type", "application/json")])
            return [json.dumps({"message": "Forbidden"}).encode()]
        start("200 OK", [("Content-Type", "application/atom+xml")])
        return [b"<feed xmlns='http://www.w3.org/2005/Atom'></feed>"]

    server: WSGIServer = make_server("127.0.0.1", 0, app, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    monkeypatch.setenv("S2_API_URL", f"{base}/s2")
    monkeypatch.setenv("ARXIV_API_URL", f"{base}/arxiv/api/query")
    monkeypatch.setenv("GITHUB_API_URL", f"{base}/github")
    monkeypatch.setenv("S2_API_KEY", S2_KEY)
    monkeypatch.setenv("GITHUB_TOKEN", GITHUB_TOKEN)
    monkeypatch.setenv("AWESOME_ENRICH_TIME_SCALE", "0")
    yield seen
    server.shutdown()
    server.server_close()


def test_a_rejected_token_is_named_never_shown(
    rejecting: list[dict[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, lines, text = _doctor(capsys, "--out", str(tmp_path), "--no-cache")
    assert status == 1
    assert lines["Semantic Scholar"].startswith("fail  S2_API_KEY rejected (HTTP 403)")
    assert lines["GitHub"].startswith("fail  GITHUB_TOKEN rejected (HTTP 401)")
    assert lines["arXiv"].startswith("ok")
    assert S2_KEY not in text and GITHUB_TOKEN not in text
    # each credential went to its own API only
    by_path = {tuple(sorted(headers)) for headers in rejecting}
    assert any("HTTP_X_API_KEY" in keys for keys in by_path)
    assert [h.get("HTTP_X_API_KEY") for h in rejecting].count(S2_KEY) == 1
    assert sum(1 for h in rejecting if GITHUB_TOKEN in h.get("HTTP_AUTHORIZATION", "")) == 1


def test_run_preflight_stops_before_anything_is_asked_or_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    port = _closed_port()
    for name, path in (("S2", "s2"), ("ARXIV", "arxiv/api/query"), ("GITHUB", "github")):
        monkeypatch.setenv(f"{name}_API_URL", f"http://127.0.0.1:{port}/{path}")
    out = tmp_path / "out"
    status = main(["run", "--list", str(SEED_LIST), "--out", str(out), "--preflight"])
    text = capsys.readouterr().out
    assert status == 1
    assert text.splitlines()[-1] == "preflight failed: nothing was asked or written"
    assert sorted(p.name for p in out.iterdir()) == [".awesome-enrich.lock"]


def test_the_output_folder_check_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match=r"a-file is a file; give a folder$"):
        check_output_folder(blocker)
    with pytest.raises(OutputError, match=r"a-file is a file; give a folder$"):
        check_output_folder(blocker / "deeper")

    def read_only(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    with pytest.raises(OutputError, match=r"out is read-only \(Read-only file system\); give"):
        check_output_folder(tmp_path / "out")


def test_the_estimate_counts_each_paper_once_and_each_repository_once() -> None:
    document = read_list(SEED_LIST)
    estimate = estimate_calls(document)
    assert estimate.entries == len(document.entries)
    assert estimate.with_ids + estimate.titles_only == estimate.entries
    repositories = {
        ref.key for e in document.entries for u in e.code_urls if (ref := repo_ref(u)).github
    }
    assert estimate.repositories == len(repositories)
    assert estimate.github_requests(has_token=True) == 1  # one GraphQL batch of 100
    assert estimate.github_requests(has_token=False) == 2 * len(repositories)
    assert estimate.s2_requests == 1 + estimate.titles_only
    assert estimate.star_history_pages(has_token=True) == len(repositories)
    assert estimate.star_history_pages(has_token=False) == 0  # not asked without a token


def test_the_star_history_check_warns_when_the_core_quota_is_short() -> None:
    estimate = estimate_calls(read_list(SEED_LIST))
    short = star_history_check(
        estimate, True, GitHubQuota(remaining=120, graphql_remaining=5000, has_token=True)
    )
    assert short.status == "warn" and "wait for a later run" in short.detail
    ample = star_history_check(
        estimate, True, GitHubQuota(remaining=5000, graphql_remaining=5000, has_token=True)
    )
    assert ample.status == "ok"
    assert "not asked without" in star_history_check(estimate, False, None).detail


@pytest.mark.parametrize("command", ["run", "demo", "trends"])
def test_every_command_refuses_a_file_as_its_output_folder_before_starting(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    args = {
        "run": ["run", "--list", str(SEED_LIST), "--out", str(blocker)],
        "demo": ["demo", "--out", str(blocker)],
        "trends": ["trends", "--history", str(tmp_path / "history"), "--out", str(blocker)],
    }[command]
    status = main(args)
    captured = capsys.readouterr()
    assert status == 2
    assert captured.err == f"awesome-enrich: error: {blocker} is a file; give a folder\n"
    assert "local fake" not in captured.out  # nothing was started
