"""End-to-end cells of the fault matrix (issue 23): a cold run of the seed list on the fake, one
endpoint failing three times in a row in one way, and issue 23's ordinary-night fault profile.
Each run must end with the clean run's rows and values; each one-endpoint cell within 1.3 times
the clean run's calls. The full matrix (every endpoint x kind x once/three times) runs at the
client level in tests/sources/test_fault_matrix.py; docs/RELIABILITY.md has both."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fakeapi.app import FakeApi
from fakeapi.faults import COLD_RUN_ENDPOINTS, Fault, Faults, ordinary_night
from fakeapi.server import FakeServer
from fakeapi.world import World
from pipeline.sources.semantic_scholar import S2_RETRY
from pipeline.store.tables import read_papers
from tests.conftest import SEED_LIST
from tests.endtoend.faults_support import DAY2, NOW, check_outputs, fake_settings, options
from tests.endtoend.kill_during_write import StepsResult, run_steps
from tests.fakes import seed_world as seed_records_world

VALUES = (
    "title",
    "s2_paper_id",
    "citation_count",
    "influential_citation_count",
    "arxiv_id",
    "doi",
    "repo",
    "repo_status",
    "stars",
    "forks",
    "last_commit_at",
    "s2_fetched_at",
    "github_fetched_at",
)
# One endpoint each, three faults in a row, the kinds taken in turn (generated, not listed).
KINDS = ("truncated", "cut", "html_200", "empty", "reset", "html_502", "rate_limit")


def end_to_end_cells() -> list[Any]:
    cells = []
    for index, (api, endpoint) in enumerate(COLD_RUN_ENDPOINTS):
        kind = KINDS[index % len(KINDS)]
        fault = Fault(kind, (api,), (endpoint,), count=3)
        cells.append(pytest.param(fault, id=f"{endpoint}-{kind}-x3"))
    return cells


def values(out: Path) -> dict[str, dict[str, Any]]:
    return {key: {c: row.get(c) for c in VALUES} for key, row in read_papers(out).items()}


@pytest.fixture(scope="module")
def seed_world() -> World:
    return seed_records_world()


def run(
    world: World, folder: Path, faults: Faults, read_timeout: str = "60"
) -> tuple[StepsResult, dict[str, dict[str, Any]], int]:
    """A cold run of the seed list (no previous outputs) on the fake with `faults`."""
    out = folder / "out"
    with FakeServer(FakeApi(world, faults=faults)) as server:
        settings = fake_settings(server, read_timeout=read_timeout)
        result = run_steps(options(SEED_LIST, out, settings, DAY2), NOW[DAY2])
        requests = sum(server.app.stats.per_api().values())
        injected = dict(server.app.stats.injected)
    check_outputs(out)
    assert faults == Faults() or injected, "the fault never fired"
    assert (result.status, result.failed) == (0, set()), (result.lines, injected)
    return result, values(out / "papers.parquet"), requests


@pytest.fixture(scope="module")
def clean_run(
    seed_world: World, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, dict[str, Any]], int]:
    _, rows, requests = run(seed_world, tmp_path_factory.mktemp("clean"), Faults())
    return rows, requests


@pytest.mark.slow
@pytest.mark.parametrize("fault", end_to_end_cells())
def test_three_faults_in_a_row_on_one_endpoint_end_with_the_clean_run(
    fault: Fault,
    clean_run: tuple[dict[str, dict[str, Any]], int],
    seed_world: World,
    tmp_path: Path,
) -> None:
    clean_rows, clean_requests = clean_run
    _, rows, requests = run(seed_world, tmp_path, Faults(rules=(fault,)))
    assert rows == clean_rows
    assert requests <= 1.3 * clean_requests, (requests, clean_requests)


@pytest.mark.slow
def test_an_s2_batch_failing_after_its_retries_costs_only_that_batch(
    clean_run: tuple[dict[str, dict[str, Any]], int], seed_world: World, tmp_path: Path
) -> None:
    """A reset on every attempt of the first S2 batch: its ids are found by title match, S2
    answers the rest of the night (status 0, no source failed), the clean run's values."""
    fault = Fault("reset", ("s2",), ("s2_batch",), count=S2_RETRY.max_attempts)
    result, rows, requests = run(seed_world, tmp_path, Faults(rules=(fault,)))
    assert rows == clean_run[0]
    assert requests <= 1.3 * clean_run[1], (requests, clean_run[1])
    assert not any("FAILED" in line for line in result.lines), result.lines


@pytest.mark.slow
def test_an_ordinary_nights_fault_profile_ends_with_the_clean_run(
    clean_run: tuple[dict[str, dict[str, Any]], int], seed_world: World, tmp_path: Path
) -> None:
    """Issue 23's profile: a slow S2 batch answer (past a 0.25 s read timeout), a cut body on
    S2's title match and on GitHub GraphQL, a reset and an empty page on arXiv, 5% S2 429s and
    3% GitHub 503s, and three cut-off bodies in a row on every endpoint the run uses."""
    faults = ordinary_night(slow_s=0.6, cuts=True)
    _, rows, _ = run(seed_world, tmp_path, faults, read_timeout="0.25")
    assert rows == clean_run[0]
