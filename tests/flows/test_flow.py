"""The Prefect flow under one session-scoped test harness."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from prefect.client.orchestration import get_client
from prefect.exceptions import ParameterTypeError
from pydantic import ValidationError

from fakeapi.app import FakeApi
from fakeapi.server import FakeServer
from fakeapi.world import world_from_records
from flows import enrich
from flows.enrich import FAILURE_EVENT, EnrichParams, artifact_key, enrich_awesome_list
from pipeline.job.options import NoPaperSource
from pipeline.job.progress import ProgressReporter
from pipeline.store.lock import LOCK_NAME
from tests.conftest import SEED_LIST
from tests.fakes import fake_in_env
from tests.flows.conftest import TWO_PAPERS, TWO_RECORDS, wait_until

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServer]:
    with fake_in_env(monkeypatch) as server:
        yield server


def params(out: Path, **values: object) -> EnrichParams:
    return EnrichParams(list_path=str(SEED_LIST), out=str(out), no_cache=True, **values)  # type: ignore[arg-type]


def artifact(key: str) -> str:
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    # By key: the session's server holds every worker's artifacts, more than a page of them.
    wanted = ArtifactFilter(key=ArtifactFilterKey(any_=[key]))
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=wanted)
    assert found, f"no artifact {key}"
    return str(max(found, key=lambda a: str(a.created)).data)


def test_each_output_folder_has_its_own_artifact_keys(tmp_path: Path) -> None:
    """Many lists on one server: each list's latest run under its own keys."""
    keys = {
        artifact_key("summary", tmp_path / name)
        for name in ("WSSS list", "a/WSSS list", "wsss-list")
    }
    assert len(keys) == 3
    assert all(re.fullmatch(r"enrich-summary-wsss-list-[0-9a-f]{6}", key) for key in keys)
    assert artifact_key("summary", tmp_path / "x") == artifact_key("summary", tmp_path / "x")


def test_parameters_are_typed_and_validated() -> None:
    with pytest.raises(ValidationError):
        EnrichParams(call_budget=0)
    with pytest.raises(ValidationError):
        EnrichParams(sources=["s2", "crossref"])  # type: ignore[list-item]
    untyped: Any = enrich_awesome_list
    with pytest.raises(ParameterTypeError):
        untyped(params={"call_budget": "lots"})


def test_no_prefect_retries_are_stacked_on_the_client_policy() -> None:
    tasks: list[Any] = [
        enrich.read_inputs_task,
        enrich.resolve_papers_task,
        enrich.fetch_repositories_task,
        enrich.assemble_rows_task,
        enrich.write_outputs_task,
        enrich.publish_list_task,
    ]
    assert [t.retries for t in tasks] == [0] * 6


def test_a_run_completes_writes_outputs_and_publishes_artifacts(
    fake: FakeServer, tmp_path: Path
) -> None:
    state = enrich_awesome_list(params(tmp_path / "out"), return_state=True)
    assert state.is_completed()
    result = state.result()
    assert result["status"] == 0 and result["failed"] == []
    assert (tmp_path / "out" / "papers.parquet").exists()
    out = tmp_path / "out"
    summary = artifact(artifact_key("summary", out))
    assert "resolved 56 of 56 papers" in summary
    assert "nothing failed" in artifact(artifact_key("failures", out))
    report = out / "report.html"
    assert report.resolve().as_uri() in artifact(artifact_key("report", out))
    assert "SYNTHETIC" in report.read_text(encoding="utf-8")


def test_a_guarded_run_completes_marked_and_publishes_its_changes(
    fake: FakeServer, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert enrich_awesome_list(params(out), return_state=True).name == "Completed"
    assert "First snapshot: 56 entries." in artifact(artifact_key("changes", out))
    for paper in fake.app.world.papers:  # S2 now answers 0 for every paper
        paper.citations_at_epoch, paper.citations_per_day = 0, 0.0
    state = enrich_awesome_list(params(out), return_state=True)
    assert state.is_completed() and state.name == "Anomalous"
    assert "Semantic Scholar values rejected by the anomaly guard" in str(state.message)
    result = state.result()
    assert (result["status"], result["rejected"]) == (3, ["s2"])
    assert "> **Warning:** Semantic Scholar values rejected" in artifact(
        artifact_key("changes", out)
    )
    looser = params(out, guard={"citations_zero_share": 1.0, "citations_fall_share": 1.0})
    assert enrich_awesome_list(looser, return_state=True).name == "Completed"


def test_the_flow_publishes_after_writing_and_never_past_the_guard(
    fake: FakeServer, tmp_path: Path
) -> None:
    """Issue 24: the `publish` parameter commits the regenerated list (mode commit); a night
    the anomaly guard trips publishes nothing; a refused token is one line, outputs stand."""
    repo = fake.app.add_git_repo("maintainer/list", {"README.md": SEED_LIST.read_bytes()})
    out = tmp_path / "out"
    publish = {"repo": "maintainer/list", "mode": "commit"}
    result = enrich_awesome_list(params(out, publish=publish))
    assert any(line.startswith("publish: committed README.md on main") for line in result["lines"])
    assert repo.file("main", "README.md") == (out / "README.md").read_bytes()
    commits = len(repo.log("main"))

    for paper in fake.app.world.papers:  # S2 now answers 0 for every paper: the guard trips
        paper.citations_at_epoch, paper.citations_per_day = 0, 0.0
    state = enrich_awesome_list(params(out, publish=publish), return_state=True)
    assert state.name == "Anomalous"
    assert "publish: nothing published: the anomaly guard kept" in "\n".join(
        state.result()["lines"]
    )
    assert len(repo.log("main")) == commits

    fake.app.add_git_repo("maintainer/other", {"README.md": SEED_LIST.read_bytes()})
    fake.app.read_only_tokens.add("test-token")
    looser = {"citations_zero_share": 1.0, "citations_fall_share": 1.0}
    other = tmp_path / "other"
    result = enrich_awesome_list(params(other, publish={"repo": "maintainer/other"}, guard=looser))
    line = result["lines"][-1]
    assert line.startswith("publish: FAILED: maintainer/other, README.md: the token may not")
    assert result["status"] == 0 and (other / "README.md").exists()


def test_some_failures_still_complete_and_are_recorded(fake: FakeServer, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert enrich_awesome_list(params(out), return_state=True).is_completed()
    fake.app.faults.down = frozenset({"s2"})
    state = enrich_awesome_list(params(out), return_state=True)
    assert state.is_completed()
    assert state.result()["failed"] == ["s2"]
    failures = artifact(artifact_key("failures", out))
    assert "source s2" in failures and "S2 unavailable: kept the previous run" in failures


def test_no_paper_source_fails_the_flow_and_writes_nothing(
    fake: FakeServer, tmp_path: Path
) -> None:
    fake.app.faults.down = frozenset({"s2", "arxiv"})
    state = enrich_awesome_list(params(tmp_path / "out"), return_state=True)
    assert state.is_failed()
    error = state.result(raise_on_failure=False)
    assert isinstance(error, NoPaperSource)
    assert "left untouched" in str(error)
    assert state.message == str(error)  # the state carries the summary the CLI prints
    assert [p.name for p in (tmp_path / "out").iterdir()] == [LOCK_NAME]  # the run lock only


def _failure_events(flow_run_id: object) -> list[Any]:
    from prefect.events.filters import EventFilter, EventNameFilter, EventRelatedFilter

    flt = EventFilter(
        event=EventNameFilter(name=[FAILURE_EVENT]),
        related=EventRelatedFilter(id=[f"prefect.flow-run.{flow_run_id}"]),
    )
    with get_client(sync_client=True) as client:
        return list(client.read_events(filter=flt, limit=50).events)


def test_a_failed_run_carries_its_cause_as_its_final_state_and_announces_it(
    tmp_path: Path,
) -> None:
    """Issue 27: the one-line cause is the stored flow run's state message (the UI, `prefect
    flow-run inspect`), and an event names it (`prefect deployment run --watch` prints events)."""
    from prefect.events.worker import EventsWorker

    missing = tmp_path / "missing.md"
    state = enrich_awesome_list(
        EnrichParams(list_path=str(missing), out=str(tmp_path / "out")), return_state=True
    )
    assert state.is_failed()
    cause = f"{missing}: no such file"
    assert state.message == cause
    flow_run_id = state.state_details.flow_run_id
    assert flow_run_id is not None
    with get_client(sync_client=True) as client:
        stored = client.read_flow_run(flow_run_id)
    assert stored.state is not None and stored.state.is_failed()
    assert stored.state.message == cause
    EventsWorker.drain_all()  # the event is sent; the server persists it on its own beat
    events = wait_until(lambda: _failure_events(flow_run_id), "the failure event")
    assert [event.resource.get("prefect.resource.name") for event in events] == [cause]
    assert events[0].payload == {"cause": cause}


def test_an_unforeseen_error_is_announced_in_one_line_and_still_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise KeyError("a bug")

    monkeypatch.setattr(enrich, "_enrich", broken)
    announced: list[str] = []
    monkeypatch.setattr(enrich, "announce_failure", announced.append)
    state = enrich_awesome_list(EnrichParams(out=str(tmp_path / "out")), return_state=True)
    assert state.is_failed()
    assert isinstance(state.result(raise_on_failure=False), KeyError)
    assert announced == ["KeyError: 'a bug'"]


def test_the_progress_line_reaches_the_console_and_the_flow_log(
    fake: FakeServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Issue 27: `run` without -v prints the throttled progress line (here unthrottled), and
    the flow's log has the same lines; the GitHub lane's requests are counted too (its task
    runs in a copy of the flow's context)."""
    monkeypatch.setattr(enrich, "ProgressReporter", partial(ProgressReporter, every_s=0.0))
    console = io.StringIO()
    with caplog.at_level(logging.INFO):
        result = enrich.run_in_process(params(tmp_path / "out"), progress=console)
    assert isinstance(result, dict), result
    lines = console.getvalue().splitlines()
    assert lines and all(line.startswith("progress: ") for line in lines)
    counts = [re.search(r"(\d+) of 56 entries resolved", line) for line in lines]
    resolved = [int(found.group(1)) for found in counts if found]
    assert len(resolved) == len(lines) and resolved == sorted(resolved) and resolved[-1] > 40
    assert any(re.search(r"github [1-9]", line) for line in lines)
    logged = [r.getMessage() for r in caplog.records if r.getMessage().startswith("progress: ")]
    assert logged == lines


def test_the_call_budget_caps_requests_per_api(fake: FakeServer, tmp_path: Path) -> None:
    state = enrich_awesome_list(params(tmp_path / "out", call_budget=5), return_state=True)
    assert state.is_completed()  # the first S2 batch resolved some entries: outputs are written
    per_api = fake.app.snapshot()["per_api"]
    assert all(count <= 5 for count in per_api.values()), per_api
    result = state.result()
    assert "s2" in result["failed"] and result["status"] == 1


def test_sources_not_asked_keep_their_values(fake: FakeServer, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert enrich_awesome_list(params(out), return_state=True).is_completed()
    before = fake.app.snapshot()["per_api"]
    state = enrich_awesome_list(params(out, sources=["github"]), return_state=True)
    after = fake.app.snapshot()["per_api"]
    assert state.is_completed() and state.result()["status"] == 0
    assert after.get("s2") == before.get("s2") and after.get("arxiv") == before.get("arxiv")


PACE = {"s2": 3.0, "arxiv": 3.0}  # the real pacing without an S2 key


def _two_runs_at_once(run_one: Any, tmp_path: Path) -> None:
    import threading

    errors: list[BaseException] = []

    def target(index: int) -> None:
        try:
            run_one(tmp_path / f"list{index}.md", tmp_path / f"out{index}")
        except BaseException as error:  # reported below
            errors.append(error)

    for index in range(2):
        (tmp_path / f"list{index}.md").write_text(TWO_PAPERS, encoding="utf-8")
    threads = [threading.Thread(target=target, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors


@pytest.mark.slow
def test_concurrent_flow_runs_share_one_rate_limit_per_api(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = world_from_records(TWO_RECORDS)
    with FakeServer(FakeApi(world, pacing=PACE)) as server:
        for name, value in server.env().items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("AWESOME_ENRICH_TIME_SCALE", raising=False)  # real pacing

        def run_one(list_path: Path, out: Path) -> None:
            state = enrich_awesome_list(
                EnrichParams(list_path=str(list_path), out=str(out), no_cache=True),
                return_state=True,
            )
            assert state.is_completed(), state

        _two_runs_at_once(run_one, tmp_path)
        stats = server.app.snapshot()
    # Per list: one S2 resolution call, one citation-list page per paper, one arXiv call.
    assert stats["per_api"] == {"s2": 2 * (1 + 2), "arxiv": 2}
    assert stats["pacing_violations"] == {}
    with get_client(sync_client=True) as client:
        arxiv_limit = client.read_global_concurrency_limit_by_name("awesome-enrich-arxiv")
    assert arxiv_limit.limit == 1
    assert arxiv_limit.slot_decay_per_second == pytest.approx(1 / 3)


@pytest.mark.slow
def test_without_the_shared_limits_two_runs_break_the_pacing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The control for the test above: the fake's pacing check does catch overlapping runs."""
    from pipeline.job.options import SOURCES, JobOptions, read_inputs
    from pipeline.job.papers import resolve_papers
    from pipeline.sources.config import settings_from_env

    world = world_from_records(TWO_RECORDS)
    with FakeServer(FakeApi(world, pacing=PACE)) as server:
        settings = settings_from_env(server.env(), no_cache=True)

        def run_one(list_path: Path, out: Path) -> None:
            resolve_papers(read_inputs(JobOptions(list_path, out, settings)), settings, SOURCES)

        _two_runs_at_once(run_one, tmp_path)
        stats = server.app.snapshot()
    assert stats["pacing_violations"].get("s2", 0) + stats["pacing_violations"].get("arxiv", 0) >= 1
