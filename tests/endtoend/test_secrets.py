"""Tokens come from the environment or a Prefect Secret block, reach only their own API, and
appear in no output, log, cache file, Prefect artifact, flow-run parameter or error."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from prefect.blocks.system import Secret
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import LogFilter
from pydantic import SecretStr, ValidationError

from fakeapi.server import FakeServer
from flows.enrich import EnrichParams, enrich_awesome_list
from pipeline.cli.main import main
from tests.conftest import SEED_LIST
from tests.fakes import fake_in_env

pytestmark = pytest.mark.usefixtures("prefect_harness")

S2_KEY = "S2-SENTINEL-KEY-5e6f7a8b"
GH_TOKEN = "GH-SENTINEL-TOKEN-0c1d2e3f"  # noqa: S105 - a test sentinel
BLOCK_TOKEN = "GH-BLOCK-SENTINEL-99aa88bb"  # noqa: S105 - a test sentinel


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServer]:
    with fake_in_env(monkeypatch, github_token=None) as server:  # each test sets its own
        yield server


def prefect_texts(since: datetime) -> list[str]:
    """Everything the Prefect API stored for the flow runs started since `since` (the session's
    server holds every worker's runs, more than a page): their parameters and states,
    artifacts and logs."""
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        FlowRunFilter,
        FlowRunFilterStartTime,
        LogFilterFlowRunId,
    )

    with get_client(sync_client=True) as client:
        started = FlowRunFilter(start_time=FlowRunFilterStartTime(after_=since))  # type: ignore[arg-type]
        runs = client.read_flow_runs(flow_run_filter=started)
        ids = [run.id for run in runs]
        texts = [str(run.parameters) + str(run.state) for run in runs]
        ours = ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=ids))
        texts += [
            str(a.data) + str(a.description) for a in client.read_artifacts(artifact_filter=ours)
        ]
        logs = LogFilter(flow_run_id=LogFilterFlowRunId(any_=ids))
        offset = 0
        while page := client.read_logs(log_filter=logs, limit=200, offset=offset):
            texts += [log.message for log in page]
            offset += len(page)
    assert ids and texts
    return texts


def assert_nowhere(tokens: list[str], texts: list[str], folder: Path) -> None:
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert len(files) >= 10
    for token in tokens:
        assert not any(token in text for text in texts), token
        for path in files:
            assert token.encode() not in path.read_bytes(), path


def test_sentinel_tokens_from_the_environment_go_only_to_their_own_host(
    fake: FakeServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    since = datetime.now(UTC)
    monkeypatch.setenv("S2_API_KEY", S2_KEY)
    monkeypatch.setenv("GITHUB_TOKEN", GH_TOKEN)
    fake.app.faults.error_rate = 0.2  # retries, their log lines and error texts too
    out = tmp_path / "out"
    args = ["run", "--list", str(SEED_LIST), "--out", str(out)]
    with caplog.at_level(logging.DEBUG):
        assert main([*args, "--cache-dir", str(tmp_path / "cache")]) in {0, 1}
        fake.app.faults.down = frozenset({"s2", "github"})  # failures: their messages too
        assert main([*args, "--no-cache"]) == 1
    captured = capsys.readouterr()
    seen = fake.app.stats.credentials
    assert seen["s2"] == {S2_KEY}
    assert seen["github"] == {f"Bearer {GH_TOKEN}"}
    assert not seen["arxiv"]
    texts = [captured.out, captured.err, *(r.getMessage() for r in caplog.records)]
    texts += [str(r.exc_info) for r in caplog.records if r.exc_info]
    assert any("FAILED" in text for text in texts)
    assert_nowhere([S2_KEY, GH_TOKEN], [*texts, *prefect_texts(since)], tmp_path)


@pytest.fixture
def private_prefect_api(
    tmp_path_factory: pytest.TempPathFactory, migrated_prefect_db: Path
) -> Iterator[None]:
    """A Prefect server of this test's own: the Secret block it saves is read by every run on
    its server, and the session's server serves the other workers' runs at the same time."""
    from prefect.testing import utilities

    database = tmp_path_factory.mktemp("private-prefect-db")
    shutil.copyfile(migrated_prefect_db, database / "prefect-test.db")  # migrated already
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(utilities, "mkdtemp", lambda: str(database))
        with utilities.prefect_test_harness(server_startup_timeout=90):
            yield


def test_a_token_from_a_prefect_secret_block_is_used_and_kept_secret(
    fake: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, private_prefect_api: None
) -> None:
    since = datetime.now(UTC)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("S2_API_KEY", raising=False)
    Secret(value=SecretStr(BLOCK_TOKEN)).save("github-token", overwrite=True)
    try:
        params = EnrichParams(list_path=str(SEED_LIST), out=str(tmp_path / "out"), no_cache=True)
        assert enrich_awesome_list(params, return_state=True).is_completed()
    finally:
        Secret.delete("github-token")  # later runs without a token must not find one
    assert fake.app.stats.credentials["github"] == {f"Bearer {BLOCK_TOKEN}"}
    assert_nowhere([BLOCK_TOKEN], prefect_texts(since), tmp_path)


def test_tokens_are_not_flow_parameters() -> None:
    assert not any("token" in name or "key" in name for name in EnrichParams.model_fields)
    with pytest.raises(ValidationError, match="github_token"):
        EnrichParams(github_token="x")  # type: ignore[call-arg]  # noqa: S106
