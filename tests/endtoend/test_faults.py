"""The fault matrix (issue 8): each API failing in each way, against the local fake.

Every cell runs the job three times against the local fake, into one output folder:

1. a clean run over a 9-entry list (shared: made once, copied into each cell's folder);
2. the fault run: the list has grown by 3 entries (so every API has something to answer), the
   fake's counts have moved on 30 days, and one kind of failure is injected into one API. It must
   end without a traceback, with the expected exit status (or refuse, writing nothing, when no
   paper source answered); every output must parse; the previous snapshot must be untouched; and
   the values the failing source could not refresh must be last run's, with their old
   `*_fetched_at` (nothing good overwritten by null);
3. the same run with the fault removed: status 0, everything refreshed, nothing left behind.

Most cells drive the job's steps in-process (tests.endtoend.kill_during_write.run_steps, the flow's
steps without Prefect) and draw the PNG charts as a 1-pixel stand-in (drawing is 80% of a run's
time and touches no API). The cells run through the real Prefect flow are in
test_faults_prefect.py, the SIGKILL cells in test_faults_sigkill.py, and what they share in
faults_support.py and conftest.py. docs/RELIABILITY.md has the matrix as observed. Set
FAULT_MATRIX_REPORT=<file.json> to write what each cell observed (calls, retries, times)."""

from __future__ import annotations

import re
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from fakeapi.app import FakeApi
from fakeapi.faults import Fault, Faults
from fakeapi.server import FakeServer
from fakeapi.world import World
from pipeline.store.tables import read_papers, read_snapshot
from tests.endtoend.faults_support import (
    DAY1,
    DAY2,
    DAY3,
    GROWTH,
    NOW,
    OBSERVED,
    Lists,
    OutcomeMismatch,
    check_outputs,
    check_recovered,
    copy_of,
    fake_settings,
    files,
    options,
    outcome_mismatches,
    temporaries,
)
from tests.endtoend.kill_during_write import StepsResult, run_steps

# The client waits 60 s for an answer (AWESOME_ENRICH_READ_TIMEOUT_S): the timeout cells shorten
# the wait to 0.25 s and have the fake answer after 1 s.
SHORT_TIMEOUT_S = "0.25"
SLOW_ANSWER_S = 1.0


# --- the fake's faults, on the wire --------------------------------------------------------------


def s2_batch(server: FakeServer, ids: list[str]) -> requests.Response:
    url = f"{server.url}/s2/graph/v1/paper/batch"
    return requests.post(url, json={"ids": ids}, timeout=5)


def test_fault_rules_answer_as_documented(world: World) -> None:
    ids = [p.paper_id for p in world.papers if p.in_s2][:6]
    rules = (
        Fault("rate_limit", ("s2",), ("s2_batch",), count=1),
        Fault("rate_limit", ("s2",), ("s2_batch",), count=1, retry_after="7"),
        Fault("server_error", ("s2",), ("s2_batch",), count=1),
        Fault("html_502", ("s2",), ("s2_batch",), count=1),
        Fault("html_200", ("s2",), ("s2_batch",), count=1),
        Fault("cut", ("s2",), ("s2_batch",), count=1),
        Fault("partial", ("s2",), count=1, rate=0.5),
    )
    with FakeServer(FakeApi(world, faults=Faults(rules=rules))) as server:
        answers = [s2_batch(server, ids) for _ in range(8)]
        untouched = requests.get(f"{server.url}/arxiv/api/query", params={"id_list": ""}, timeout=5)
        injected = dict(server.app.stats.injected)
    storm, hinted, error, html_502, html_200, cut, partial, clean = answers
    assert (storm.status_code, storm.json()["code"]) == (429, "429")
    assert "Retry-After" not in storm.headers and hinted.headers["Retry-After"] == "7"
    assert error.status_code == 500
    assert html_502.status_code == 502 and html_502.headers["Content-Type"] == "text/html"
    assert html_200.status_code == 200 and html_200.text.startswith("<!DOCTYPE html>")
    assert cut.status_code == 200 and clean.text.startswith(cut.text)
    assert len(cut.content) == len(clean.content) // 2
    with pytest.raises(ValueError, match=r"Unterminated|Expecting"):
        cut.json()
    nulls = [i for i, item in enumerate(partial.json()) if item is None]
    assert 0 < len(nulls) < len(ids) and all(item for item in clean.json())
    assert untouched.status_code == 200  # other APIs are not touched
    assert injected == {
        "s2 rate_limit": 2,
        "s2 server_error": 1,
        "s2 html_502": 1,
        "s2 html_200": 1,
        "s2 cut": 1,
        "s2 partial": 1,
    }


def test_reset_truncated_and_slow_answers_fail_in_transport(world: World) -> None:
    rules = (
        Fault("reset", ("s2",), count=1),
        Fault("truncated", ("s2",), count=2),
        Fault("timeout", ("s2",), count=1, delay_s=0.5),
    )
    with FakeServer(FakeApi(world, faults=Faults(rules=rules))) as server:
        with pytest.raises(requests.ConnectionError):
            s2_batch(server, ["x"])
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            s2_batch(server, ["x"])
        # On the wire: a Content-Length for the whole body, half of it, then the server hangs up.
        address = urlsplit(server.url)
        body = b'{"ids": ["x"]}'
        head = (
            "POST /s2/graph/v1/paper/batch HTTP/1.1\r\nHost: fake\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        received = b""
        with socket.create_connection((address.hostname, address.port), timeout=5) as raw:
            raw.sendall(head.encode() + body)
            while chunk := raw.recv(65536):
                received += chunk
        headers, _, sent = received.partition(b"\r\n\r\n")
        promised = re.search(rb"Content-Length: (\d+)", headers)
        assert promised is not None and 0 < len(sent) < int(promised.group(1))
        with pytest.raises(requests.exceptions.ReadTimeout):
            requests.post(f"{server.url}/s2/graph/v1/paper/batch", json={"ids": []}, timeout=0.1)
        assert s2_batch(server, ["x"]).json() == [None]  # the trouble is over
        injected = dict(server.app.stats.injected)
    assert injected == {"s2 reset": 1, "s2 truncated": 2, "s2 timeout": 1}


def test_graphql_and_arxiv_partial_answers(world: World) -> None:
    repos = [r.full_name for r in world.repos if r.status == "ok" and not r.old_names][:6]
    variables = {}
    selections = []
    for index, name in enumerate(repos):
        variables[f"o{index}"], variables[f"n{index}"] = name.split("/")
        selections.append(f"r{index}: repository(owner: $o{index}, name: $n{index}) {{ id }}")
    query = "query {\n" + "\n".join(selections) + "\n}"
    ids = sorted(p.arxiv_id for p in world.papers if p.in_arxiv and p.arxiv_id)
    faults = Faults(rules=(Fault("partial", ("github", "arxiv"), rate=0.5),))
    with FakeServer(FakeApi(world, faults=faults)) as server:
        graphql = requests.post(
            f"{server.url}/github/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": "Bearer x"},
            timeout=5,
        ).json()
        feed = requests.get(
            f"{server.url}/arxiv/api/query",
            params={"id_list": ",".join(ids), "max_results": str(len(ids))},
            timeout=5,
        ).text
    missing = [alias for alias, value in graphql["data"].items() if not value]
    assert missing and len(missing) < len(repos)
    assert sorted(e["path"][0] for e in graphql["errors"]) == sorted(missing)
    assert 0 < feed.count("<entry>") < len(ids)


def test_rules_are_validated_and_leave_the_rate_faults_alone(world: World) -> None:
    with pytest.raises(ValueError, match="fault kind"):
        Fault("meteor")
    with pytest.raises(ValueError, match="unknown APIs"):
        Fault("reset", ("crossref",))

    def statuses(rules: tuple[Fault, ...]) -> list[int]:
        faults = Faults(error_rate=0.3, seed=7, rules=rules)
        with FakeServer(FakeApi(world, faults=faults)) as server:
            return [s2_batch(server, []).status_code for _ in range(30)]

    plain = statuses(())
    assert plain == statuses((Fault("server_error", ("github",), rate=0.5),))
    assert {429, 502, 200} <= set(plain)


# --- the matrix -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One fault, and what the fault run must do about it."""

    rules: tuple[Fault, ...]
    status: int
    failed: frozenset[str] = frozenset()  # the sources the run reports as failed
    kept: frozenset[str] = frozenset()  # "s2"/"github": last run's values kept, not refreshed
    refused: bool = False  # no paper source: nothing written
    timeout: bool = False

    def param(self, name: str) -> Any:
        return pytest.param(self, id=name)


def failing(api: str, *rules: Fault, timeout: bool = False) -> Cell:
    """A cell where `api` ends up failed for the run: its values kept (arXiv's are pins)."""
    kept = frozenset({api}) & {"s2", "github"}
    return Cell(rules, 1, frozenset({api}), kept, timeout=timeout)


def absorbed(*rules: Fault) -> Cell:
    """A cell where the client gets past the fault: a clean run."""
    return Cell(rules, 0)


def cells() -> list[Any]:
    matrix = []
    for api in ("s2", "arxiv", "github"):
        on = (api,)
        matrix += [
            failing(api, Fault("rate_limit", on)).param(f"{api}-429-storm"),
            failing(api, Fault("rate_limit", on, retry_after="3600")).param(
                f"{api}-429-retry-after-1h"
            ),
            failing(api, Fault("rate_limit", on, retry_after="1")).param(
                f"{api}-429-retry-after-1s"
            ),
            absorbed(Fault("rate_limit", on, count=2)).param(f"{api}-429-two-then-fine"),
            failing(api, Fault("server_error", on)).param(f"{api}-500"),
            failing(api, Fault("html_502", on)).param(f"{api}-502-html"),
            failing(api, Fault("html_200", on)).param(f"{api}-200-html"),
            failing(api, Fault("timeout", on, delay_s=SLOW_ANSWER_S), timeout=True).param(
                f"{api}-timeout"
            ),
            failing(api, Fault("reset", on)).param(f"{api}-reset"),
            failing(api, Fault("truncated", on)).param(f"{api}-truncated"),
            failing(api, Fault("cut", on)).param(f"{api}-cut-body"),
            absorbed(Fault("partial", on, rate=0.5)).param(f"{api}-partial-batch"),
        ]
    matrix += [
        # The batch endpoint fails while title matches work: S2 is failed, its values kept.
        failing("s2", Fault("server_error", ("s2",), ("s2_batch",))).param("s2-batch-500-only"),
        # Title matches fail while batches work: two failed title matches are those entries'
        # failures (they fall to arXiv, and are not counted as a try), not S2's: the batch
        # answered in between, so S2 is not out (four requests in a row would be).
        absorbed(Fault("reset", ("s2",), ("s2_match",))).param("s2-title-match-reset-only"),
        # The citation lists fail: the papers due wait for a later run; nothing else changes.
        absorbed(Fault("reset", ("s2",), ("s2_citations",))).param("s2-citations-reset-only"),
        # Neither paper source answers: the run refuses and writes nothing (so keeps all).
        Cell(
            (Fault("reset", ("s2", "arxiv")),),
            1,
            frozenset({"s2", "arxiv"}),
            frozenset({"s2", "github"}),
            refused=True,
        ).param("s2+arxiv-reset-refused"),
        # Every API fails: refused before GitHub is asked (its outage would cost minutes).
        Cell(
            (Fault("server_error"),),
            1,
            frozenset({"s2", "arxiv"}),
            frozenset({"s2", "github"}),
            refused=True,
        ).param("all-500-refused"),
    ]
    return matrix


def observe(
    name: str, cell: Cell, server: FakeServer, result: StepsResult, seconds: float
) -> dict[str, Any]:
    record = {
        "cell": name,
        "status": result.status,
        "refused": result.refused,
        "failed": sorted(result.failed),
        "seconds": round(seconds, 2),
        "requests": server.app.stats.per_api(),
        "injected": dict(server.app.stats.injected),
        "retries": {api: stats.retries for api, stats in result.calls.items()},
        "backoff_s": {api: round(stats.slept_s, 1) for api, stats in result.calls.items()},
        "lines": [
            line
            for line in result.lines
            if "FAILED" in line or line.startswith(("github:", "s2 c"))
        ],
    }
    OBSERVED.append(record)
    return record


@pytest.mark.slow
@pytest.mark.parametrize("cell", cells())
def test_fault_matrix(
    cell: Cell,
    lists: Lists,
    world: World,
    baseline: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    out = copy_of(baseline, tmp_path)
    before_files, before_rows = files(out), read_papers(out / "papers.parquet")
    with FakeServer(FakeApi(world, today=DAY1 + GROWTH, faults=Faults(rules=cell.rules))) as server:
        settings = fake_settings(server, read_timeout=SHORT_TIMEOUT_S if cell.timeout else "60")
        started = time.monotonic()
        result = run_steps(options(lists.grown, out, settings, DAY2), NOW[DAY2])
        record = observe(request.node.callspec.id, cell, server, result, time.monotonic() - started)
        injected = server.app.stats.injected
        assert sum(injected.values()) > 0, "the fault never fired"

        # Integrity: no half-written file, every output parses, the last snapshot is untouched.
        assert not temporaries(out)
        check_outputs(out)
        after_files = files(out)
        day1 = f"history/snapshot_date={DAY1.isoformat()}/part-0.parquet"
        assert after_files[day1] == before_files[day1]
        assert read_snapshot(out / "history", DAY1) == read_snapshot(baseline / "history", DAY1)
        if result.refused:
            assert after_files == before_files  # nothing written at all
        mismatches = []
        got = (result.status, result.refused, frozenset(result.failed))
        if got != (cell.status, cell.refused, cell.failed):
            mismatches.append(f"status, refused, failed = {got} ({result.lines})")
        mismatches += outcome_mismatches(
            before_rows, read_papers(out / "papers.parquet"), cell.kept, NOW[DAY2]
        )

        # The next run, without the fault, repairs everything.
        server.app.set_faults(Faults())
        started = time.monotonic()
        recovery = run_steps(options(lists.grown, out, settings, DAY3), NOW[DAY3])
        record["recovery"] = {"status": recovery.status, "seconds": time.monotonic() - started}
    check_recovered(out, recovery, NOW[DAY3])
    assert files(out)[day1] == before_files[day1]
    if mismatches:
        raise OutcomeMismatch("\n".join(mismatches))


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["html_200", "cut", "truncated", "partial"])
@pytest.mark.parametrize("api", ["s2", "arxiv", "github"])
def test_a_broken_answer_is_not_served_again_from_the_http_cache(
    api: str, kind: str, lists: Lists, world: World, baseline: Path, tmp_path: Path
) -> None:
    """With the HTTP cache on (as nightly runs have it), the run after a broken answer still
    recovers: what could not be parsed was evicted, and what was cached is usable."""
    out, cache = copy_of(baseline, tmp_path), tmp_path / "cache"
    fault = Fault(kind, (api,), rate=0.5 if kind == "partial" else 1.0)
    with FakeServer(FakeApi(world, today=DAY1 + GROWTH, faults=Faults(rules=(fault,)))) as server:
        settings = fake_settings(server, cache)
        run_steps(options(lists.grown, out, settings, DAY2), NOW[DAY2])
        assert sum(server.app.stats.injected.values()) > 0
        server.app.set_faults(Faults())
        recovery = run_steps(options(lists.grown, out, settings, DAY3), NOW[DAY3])
    check_recovered(out, recovery, NOW[DAY3])
    OBSERVED.append(
        {
            "cell": f"cache-{api}-{kind}",
            "cache_hits": {name: stats.cache_hits for name, stats in recovery.calls.items()},
        }
    )
