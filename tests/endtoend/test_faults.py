"""The fault matrix (issue 8): each API failing in each way, and the process killed mid-write.

Every cell runs the job three times against the local fake, into one output folder:

1. a clean run over a 9-entry list (shared: made once, copied into each cell's folder);
2. the fault run: the list has grown by 3 entries (so every API has something to answer), the
   fake's counts have moved on 30 days, and one kind of failure is injected into one API. It must
   end without a traceback, with the expected exit status (or refuse, writing nothing, when no
   paper source answered); every output must parse; the previous snapshot must be untouched; and
   the values the failing source could not refresh must be last run's, with their old
   `*_fetched_at` (nothing good overwritten by null);
3. the same run with the fault removed: status 0, everything refreshed, nothing left behind.

The SIGKILL cells kill a run (a subprocess, tests/endtoend/kill_during_write.py) after each output
file, and in the middle of writing each one: every file must then be the previous run's version or
the new one, the only debris one hidden temporary file, and the next run must repair the folder.

Most cells drive the job's steps in-process (tests.endtoend.kill_during_write.run_steps, the flow's
steps without Prefect) and draw the PNG charts as a 1-pixel stand-in (drawing is 80% of a run's
time and touches no API); two cells run the real Prefect flow through `awesome-enrich run`, and the
SIGKILL cells draw the real charts. docs/RELIABILITY.md has the matrix as observed. Set
FAULT_MATRIX_REPORT=<file.json> to write what each cell observed (calls, retries, times)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyarrow.parquet as pq
import pytest
import requests
from matplotlib.figure import Figure

from fakeapi.app import FakeApi, Fault, Faults
from fakeapi.server import FakeServer
from fakeapi.world import World, world_from_list
from pipeline.analysis import charts
from pipeline.cli.main import main
from pipeline.job.options import JobOptions
from pipeline.listfile.parser import parse_list
from pipeline.resolve.bibtex import parse_bibliography
from pipeline.resolve.report import load_pins
from pipeline.sources.config import Settings, settings_from_env
from pipeline.store.citations import read_citations
from pipeline.store.lock import LOCK_NAME
from pipeline.store.tables import read_history, read_papers, read_snapshot, snapshot_dates
from pipeline.store.writer import (
    is_temporary_for,
    remove_stale_temporaries,
    remove_stale_temporaries_under,
    write_bytes_atomic,
)
from tests.conftest import REPO, SEED_LIST
from tests.endtoend.kill_during_write import StepsResult, run_steps

TOKEN = "fault-matrix-token-5f1e2d3c"  # noqa: S105 - a test sentinel for the fake
HEADER = "| Title | Abbreviation | Venue | Code |\n|-----|-----|-----|-----|\n"
# From data/raw/README.md, by abbreviation: ids in paper URLs, titles only, an arXiv-only paper,
# a renamed repository, a gone one and an empty one.
ABBREVIATIONS = (
    "WeakCLIP",
    "FMA",
    "WeCLIP",
    "AGMM++",
    "CTI",
    "ECA",
    "MCTformer+",
    "DuPL",
    "MCC",
    "UniA",
    "SSC",
    "Vit-PCM",
)
# Added before the second run: an arXiv-only paper (found by arXiv title search, unknown to S2),
# a title-only paper (S2 title match) and an arXiv URL (S2 batch, arXiv metadata by id), each
# with a new repository.
NEW_IN_RUN_2 = frozenset({"ECA", "DuPL", "UniA"})
DAY1, DAY2, DAY3 = date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 26)
NOW = {day: datetime(day.year, day.month, day.day, 3, 0, tzinfo=UTC) for day in (DAY1, DAY2, DAY3)}
GROWTH = timedelta(days=30)  # how far the fake's counts move on before the second run
# The client waits 60 s for an answer (AWESOME_ENRICH_READ_TIMEOUT_S): the timeout cells shorten
# the wait to 0.25 s and have the fake answer after 1 s.
SHORT_TIMEOUT_S = "0.25"
SLOW_ANSWER_S = 1.0

S2_VALUES = ("citation_count", "influential_citation_count", "corpus_id", "s2_fetched_at")
GITHUB_VALUES = ("stars", "forks", "archived", "last_commit_at", "repo_status", "github_fetched_at")
ARXIV_VALUES = ("arxiv_id", "arxiv_published", "arxiv_category", "authors")
NEVER_NULLED = (
    *S2_VALUES,
    *GITHUB_VALUES,
    *ARXIV_VALUES,
    "s2_paper_id",
    "doi",
    "citation_key",
    "bibtex",
    "repo",
)
OUTPUTS = (  # what a run writes, in the order it writes them
    "papers.parquet",
    f"history/snapshot_date={DAY2.isoformat()}/part-0.parquet",
    "README.md",
    "papers.bib",
    "resolution.json",
    "resolution.md",
    "citations_by_year.parquet",
    "trends.parquet",
    "charts/top_velocity.png",
    "charts/citations_over_time.png",
    "charts/stars_vs_citations.png",
    "charts/entries_per_section.png",
    "changes.md",
)
TEMPORARY = re.compile(r"\.(.+)\.[^./]+\.tmp")  # pipeline.store.writer's `.<name>.<random>.tmp`
PNG_START, PNG_END = b"\x89PNG\r\n\x1a\n", b"IEND\xaeB`\x82"
OBSERVED: list[dict[str, Any]] = []


# --- the list, the world, the first run --------------------------------------------------------


def list_text(abbreviations: Collection[str]) -> str:
    """A list of the seed list's rows with these abbreviations, in the seed list's order."""
    text = SEED_LIST.read_text(encoding="utf-8")
    lines = text.splitlines()
    rows = [
        lines[entry.line - 1]
        for entry in parse_list(text).entries
        if entry.abbreviation in abbreviations
    ]
    assert len(rows) == len(abbreviations)
    return "# Papers\n\n## Weakly supervised\n\n" + HEADER + "\n".join(rows) + "\n"


@dataclass(frozen=True)
class Lists:
    first: Path  # the list of the first run
    grown: Path  # the list of the later runs: NEW_IN_RUN_2 added


@pytest.fixture(scope="module")
def lists(tmp_path_factory: pytest.TempPathFactory) -> Lists:
    folder = tmp_path_factory.mktemp("lists")
    first, grown = folder / "first.md", folder / "grown.md"
    first.write_text(list_text(set(ABBREVIATIONS) - NEW_IN_RUN_2), encoding="utf-8")
    grown.write_text(list_text(ABBREVIATIONS), encoding="utf-8")
    return Lists(first, grown)


@pytest.fixture(scope="module")
def world(lists: Lists) -> World:
    return world_from_list(parse_list(lists.grown.read_text(encoding="utf-8")))


def fake_settings(
    server: FakeServer, cache_dir: Path | None = None, read_timeout: str = "60"
) -> Settings:
    variables = {
        **server.env(),
        "AWESOME_ENRICH_TIME_SCALE": "0",
        "GITHUB_TOKEN": TOKEN,
        "AWESOME_ENRICH_READ_TIMEOUT_S": read_timeout,
    }
    return settings_from_env(variables, cache_dir=cache_dir, no_cache=cache_dir is None)


def options(list_path: Path, out: Path, settings: Settings, day: date) -> JobOptions:
    return JobOptions(list_path, out, settings, snapshot_date=day)


@pytest.fixture(scope="module")
def baseline(lists: Lists, world: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first run's outputs (clean, real charts): every cell starts from a copy."""
    out = tmp_path_factory.mktemp("baseline") / "out"
    with FakeServer(FakeApi(world, today=DAY1)) as server:
        result = run_steps(options(lists.first, out, fake_settings(server), DAY1), NOW[DAY1])
    assert (result.status, result.failed) == (0, set()), result.lines
    rows = read_papers(out / "papers.parquet")
    assert len(rows) == len(ABBREVIATIONS) - len(NEW_IN_RUN_2)
    assert all(row["match_method"] != "unresolved" for row in rows.values())
    # What the cells rely on: a paper only arXiv knows, and repositories renamed, gone, empty.
    assert "arxiv_title" in {row["match_method"] for row in rows.values()}
    assert {"ok", "renamed", "not_found", "empty"} <= {row["repo_status"] for row in rows.values()}
    return out


def copy_of(baseline: Path, folder: Path) -> Path:
    out = folder / "out"
    shutil.copytree(baseline, out)
    return out


_PNG_BYTES = charts.png_bytes
_TINY_PNG: list[bytes] = []


def tiny_png(figure: Figure) -> bytes:
    """A stand-in for charts.png_bytes: a real PNG of a few pixels, drawn once."""
    if not _TINY_PNG:
        _TINY_PNG.append(_PNG_BYTES(Figure(figsize=(0.1, 0.1))))
    return _TINY_PNG[0]


@pytest.fixture
def quick_charts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "png_bytes", tiny_png)


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    target = os.environ.get("FAULT_MATRIX_REPORT")
    if target and OBSERVED:
        Path(target).write_text(json.dumps(OBSERVED, indent=1, default=str) + "\n")


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


def test_a_leftover_temporary_file_goes_with_the_next_write_of_its_file(tmp_path: Path) -> None:
    target = tmp_path / "papers.parquet"
    leftover = tmp_path / ".papers.parquet.k3x_9qz1.tmp"
    others = [
        tmp_path / ".papers.parquet.bak.k3x9qz1.tmp",  # another file's temporary file
        tmp_path / ".papers.bib.k3x9qz1.tmp",
        tmp_path / "papers.parquet.k3x9qz1.tmp",  # not hidden: not ours
    ]
    for path in (leftover, *others):
        path.write_bytes(b"half")
    assert is_temporary_for(leftover, target)
    assert not any(is_temporary_for(path, target) for path in others)
    write_bytes_atomic(target, b"data")
    assert target.read_bytes() == b"data"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["papers.parquet", *(p.name for p in others)]
    )
    assert remove_stale_temporaries(tmp_path / "missing" / "x") == []


def test_the_sweep_finds_leftovers_in_subfolders_and_outputs_are_readable_by_others(
    tmp_path: Path,
) -> None:
    partition = tmp_path / "history" / "snapshot_date=2026-11-25"
    partition.mkdir(parents=True)
    leftover = partition / ".part-0.parquet.k3x9qz1.tmp"
    keep = [partition / "part-0.parquet", tmp_path / ".awesome-enrich.lock", tmp_path / ".x.tmp"]
    for path in (leftover, *keep):
        path.write_bytes(b"x")
    assert remove_stale_temporaries_under(tmp_path) == [leftover]
    assert all(path.exists() for path in keep)
    old_mask = os.umask(0o022)
    try:
        write_bytes_atomic(tmp_path / "README.md", b"# list\n")
    finally:
        os.umask(old_mask)
    assert (tmp_path / "README.md").stat().st_mode & 0o777 == 0o666 & ~old_mask


# --- what the outputs must be -------------------------------------------------------------------


def files(out: Path) -> dict[str, bytes]:
    """Every file under `out` by relative path, except the run lock."""
    return {
        str(path.relative_to(out)): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file() and path.name != LOCK_NAME
    }


def temporaries(out: Path) -> list[str]:
    return [name for name in files(out) if TEMPORARY.fullmatch(Path(name).name)]


def check_outputs(out: Path) -> None:
    """Every output parses, with the readers the next run uses and with plain pyarrow/json."""
    papers = read_papers(out / "papers.parquet")
    assert papers, "papers.parquet is empty"
    pins = load_pins(out / "resolution.json")
    assert set(pins) == set(papers)
    report = json.loads((out / "resolution.json").read_text(encoding="utf-8"))
    assert len(report["entries"]) == len(papers)
    bib = parse_bibliography((out / "papers.bib").read_text(encoding="utf-8"))
    assert len(bib.entries) >= 1 and not bib.failed_blocks
    history = read_history(out / "history")
    assert set(history["entry_id"]) >= set(papers)
    for path in sorted(out.rglob("*.parquet")):
        if not path.name.startswith("."):
            pq.read_table(path)
    read_citations(out / "citations_by_year.parquet")
    for path in sorted(out.rglob("*.md")):
        path.read_text(encoding="utf-8")
    for path in sorted((out / "charts").glob("*.png")):
        data = path.read_bytes()
        assert data.startswith(PNG_START) and data.endswith(PNG_END), path


def by_title(rows: Mapping[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["title"]: row for row in rows.values()}


class OutcomeMismatch(AssertionError):
    """The run did not do what the matrix expects of it (status, kept or refreshed values).

    Raised only after every integrity check and the recovery run have passed, so one failing
    cell reports everything it saw."""


def outcome_mismatches(
    before: Mapping[str, dict[str, Any]],
    after: Mapping[str, dict[str, Any]],
    kept: frozenset[str],
    refreshed_at: datetime | None,
) -> list[str]:
    """What breaks "the failing source's values are last run's, the others are fresh, and
    nothing good is overwritten by null", for the entries of the previous run.

    `refreshed_at` is this run's fetched_at (None: anything newer than last run's counts)."""
    problems = []
    for title, old in by_title(before).items():
        new = by_title(after)[title]
        short = title[:40]
        for column in NEVER_NULLED:
            if old.get(column) is not None and new.get(column) is None:
                problems.append(f"{short}: {column} {old[column]!r} overwritten by null")
        for column in ARXIV_VALUES:
            if new.get(column) != old.get(column):
                problems.append(f"{short}: arXiv's {column} changed: {old.get(column)!r}")
        for source, columns, stamp, has_value in (
            ("s2", S2_VALUES, "s2_fetched_at", old.get("s2_paper_id")),
            ("github", GITHUB_VALUES, "github_fetched_at", old.get("repo")),
        ):
            if not has_value or old.get(stamp) is None:
                continue
            if source in kept:
                changed = [c for c in columns if new.get(c) != old.get(c)]
                if changed:
                    problems.append(f"{short}: {source} values not kept: {changed}")
            elif refreshed_at is not None and new.get(stamp) != refreshed_at:
                problems.append(f"{short}: {stamp} {new.get(stamp)} is not this run's")
            elif refreshed_at is None and (new.get(stamp) is None or new[stamp] <= old[stamp]):
                problems.append(f"{short}: {stamp} not refreshed")
    return problems


def check_recovered(out: Path, result: StepsResult, now: datetime) -> None:
    """A clean run after trouble: status 0, every entry resolved and fresh, no debris."""
    assert (result.status, result.failed, result.refused) == (0, set(), False), result.lines
    assert not temporaries(out)
    check_outputs(out)
    rows = read_papers(out / "papers.parquet")
    assert len(rows) == len(ABBREVIATIONS)
    assert all(row["match_method"] != "unresolved" for row in rows.values())
    report = json.loads((out / "resolution.json").read_text(encoding="utf-8"))
    assert not [e["title"] for e in report["entries"] if e["kept_from_previous"]]
    for row in rows.values():
        if row["s2_paper_id"]:
            assert row["s2_fetched_at"] == now and row["citation_count"] is not None, row
        if row["repo"]:
            assert row["github_fetched_at"] == now and row["repo_status"] is not None, row
    papers = {row["s2_paper_id"] for row in rows.values() if row["s2_paper_id"]}
    cited = {row["s2_paper_id"] for row in read_citations(out / "citations_by_year.parquet")}
    assert papers <= cited


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
        # Title matches fail while batches work: S2 is failed, but the batch refreshed its values.
        Cell((Fault("reset", ("s2",), ("s2_match",)),), 1, frozenset({"s2"}), frozenset()).param(
            "s2-title-match-reset-only"
        ),
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
@pytest.mark.usefixtures("quick_charts")
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
@pytest.mark.usefixtures("quick_charts")
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


# --- the same, end to end through the Prefect flow ---------------------------------------------


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.parametrize(
    ("rules", "refused"),
    [
        pytest.param((Fault("html_502", ("s2",)),), False, id="s2-502-html"),
        pytest.param((Fault("reset", ("s2", "arxiv")),), True, id="s2+arxiv-reset-refused"),
    ],
)
def test_fault_end_to_end(
    rules: tuple[Fault, ...],
    refused: bool,
    lists: Lists,
    world: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "out"
    with FakeServer(FakeApi(world, today=DAY1)) as server:
        for name, value in {**server.env(), "AWESOME_ENRICH_TIME_SCALE": "0"}.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        monkeypatch.delenv("S2_API_KEY", raising=False)

        def run(list_path: Path, day: date) -> tuple[int, str]:
            args = ["run", "--list", str(list_path), "--out", str(out), "--no-cache"]
            status = main([*args, "--snapshot-date", day.isoformat()])
            return status, capsys.readouterr().out

        assert run(lists.first, DAY1)[0] == 0
        before_files, before_rows = files(out), read_papers(out / "papers.parquet")
        server.app.today = DAY1 + GROWTH
        server.app.set_faults(Faults(rules=rules))
        status, printed = run(lists.grown, DAY2)
        assert status == 1, printed
        assert not temporaries(out)
        check_outputs(out)
        if refused:
            assert "No paper source answered" in printed
            assert files(out) == before_files
        else:
            assert "s2: FAILED: server error (HTTP 502)" in printed
            after_rows = read_papers(out / "papers.parquet")
            assert not outcome_mismatches(before_rows, after_rows, frozenset({"s2"}), None)
        server.app.set_faults(Faults())
        status, printed = run(lists.grown, DAY3)
    assert status == 0, printed
    check_outputs(out)
    assert not temporaries(out)
    report = json.loads((out / "resolution.json").read_text(encoding="utf-8"))
    assert len(report["entries"]) == len(ABBREVIATIONS)
    assert not [e["title"] for e in report["entries"] if e["kept_from_previous"]]


# --- SIGKILL in the middle of writing ------------------------------------------------------------


@dataclass
class KillFixture:
    """A fake for the second run, and that run's outputs when nothing kills it."""

    server: FakeServer
    lists: Lists
    baseline: Path
    reference_out: Path  # the second run's output folder, unkilled
    reference: dict[str, bytes]  # its files
    order: list[str]  # the files in the order it wrote them
    root: Path
    runs: dict[str, tuple[int, str, float]] = field(default_factory=dict)

    def run(self, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, **self.server.env(), "AWESOME_ENRICH_TIME_SCALE": "0"}
        env["GITHUB_TOKEN"] = TOKEN
        command = [sys.executable, "-m", "tests.endtoend.kill_during_write"]
        command += ["--list", str(self.lists.grown)]
        command += ["--out", str(out), "--snapshot-date", DAY2.isoformat()]
        command += ["--now", NOW[DAY2].isoformat(), *extra]
        return subprocess.run(
            command, env=env, cwd=REPO, capture_output=True, text=True, timeout=120, check=False
        )


@pytest.fixture(scope="module")
def kill(
    lists: Lists, world: World, baseline: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KillFixture]:
    root = tmp_path_factory.mktemp("kills")
    with FakeServer(FakeApi(world, today=DAY1 + GROWTH)) as server:
        out = copy_of(baseline, root / "reference")
        fixture = KillFixture(server, lists, baseline, out, {}, [], root)
        done = fixture.run(out)
        assert done.returncode == 0 and "status 0" in done.stdout, done.stderr
        fixture.reference = files(out)
        fixture.order = [
            str(Path(line.removeprefix("wrote ")).relative_to(out))
            for line in done.stdout.splitlines()
            if line.startswith("wrote ")
        ]
        yield fixture


@pytest.mark.slow
def test_the_kill_points_are_every_output_of_a_run(kill: KillFixture) -> None:
    assert kill.order == list(OUTPUTS)


@pytest.mark.slow
@pytest.mark.usefixtures("quick_charts")  # in the recovery run; the killed one draws them
@pytest.mark.parametrize("mode", ["after", "during"])
@pytest.mark.parametrize("k", range(1, len(OUTPUTS) + 1), ids=lambda k: OUTPUTS[k - 1])
def test_sigkill_while_writing(kill: KillFixture, mode: str, k: int, tmp_path: Path) -> None:
    out = copy_of(kill.baseline, tmp_path)
    old = files(out)
    started = time.monotonic()
    killed = kill.run(out, f"--kill-{mode}", str(k))
    seconds = time.monotonic() - started
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    wrote = [line for line in killed.stdout.splitlines() if line.startswith("wrote ")]
    assert len(wrote) == (k if mode == "after" else k - 1), killed.stdout
    new = kill.reference
    now = files(out)

    # Each output is the previous run's or the new one: new up to the kill, old from there on.
    for index, name in enumerate(OUTPUTS, start=1):
        is_new = index <= k if mode == "after" else index < k
        expected = new[name] if is_new else old.get(name)
        assert now.get(name) == expected, f"{name} after a kill {mode} file {k}"
    # The only debris: the half-written temporary file of the file being written.
    debris = sorted(set(now) - set(old) - set(new))
    if mode == "after":
        assert debris == []
    else:
        target = OUTPUTS[k - 1]
        [leftover] = debris
        assert Path(leftover).parent == Path(target).parent
        named = TEMPORARY.fullmatch(Path(leftover).name)
        assert named is not None and named.group(1) == Path(target).name
        assert now[leftover] == new[target][: len(new[target]) // 2]
    # What the next run reads is readable (the history skips hidden files).
    read_papers(out / "papers.parquet")
    load_pins(out / "resolution.json")
    read_citations(out / "citations_by_year.parquet")
    read_history(out / "history")

    # The next run (a re-run of the same night) completes and repairs the folder.
    recovered_at = NOW[DAY2] + timedelta(hours=1)
    settings = fake_settings(kill.server)
    result = run_steps(options(kill.lists.grown, out, settings, DAY2), recovered_at)
    check_recovered(out, result, recovered_at)
    repaired = files(out)
    assert set(repaired) == set(new)  # the leftover temporary file is gone
    fresh = read_papers(out / "papers.parquet")
    reference = read_papers(kill.reference_out / "papers.parquet")
    for entry_id, row in reference.items():
        for column in ("citation_count", "stars", "repo", "repo_status", "s2_paper_id"):
            assert fresh[entry_id][column] == row[column], (entry_id, column)
    partition = read_snapshot(out / "history", DAY2)
    assert {e: r["citation_count"] for e, r in partition.items()} == {
        e: r["citation_count"] for e, r in fresh.items()
    }
    day1 = f"history/snapshot_date={DAY1.isoformat()}/part-0.parquet"
    assert repaired[day1] == old[day1]
    OBSERVED.append({"cell": f"sigkill-{mode}-{k}", "seconds": round(seconds, 2)})


@pytest.mark.slow
@pytest.mark.usefixtures("quick_charts")
def test_a_kill_in_a_history_partition_then_the_next_night(
    kill: KillFixture, tmp_path: Path
) -> None:
    """Killed while writing night 2's partition, next run on night 3: the history has no
    snapshot for night 2, and the next run sweeps the temporary file although no run writes
    that folder again."""
    out = copy_of(kill.baseline, tmp_path)
    partition = f"history/snapshot_date={DAY2.isoformat()}/part-0.parquet"
    killed = kill.run(out, "--kill-during", str(OUTPUTS.index(partition) + 1))
    assert killed.returncode == -signal.SIGKILL
    [leftover] = temporaries(out)
    assert Path(leftover).parent == Path(partition).parent
    settings = fake_settings(kill.server)
    result = run_steps(options(kill.lists.grown, out, settings, DAY3), NOW[DAY3])
    assert (result.status, result.failed) == (0, set()), result.lines
    check_outputs(out)
    assert snapshot_dates(out / "history") == [DAY1, DAY3]
    assert temporaries(out) == []
    rows = read_papers(out / "papers.parquet")
    assert len(rows) == len(ABBREVIATIONS)
    assert all(row["s2_fetched_at"] == NOW[DAY3] for row in rows.values() if row["s2_paper_id"])
