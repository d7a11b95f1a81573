"""The fault matrix (issue 8) end to end: two cells run the real Prefect flow through
`awesome-enrich run`, for the clean run, the fault run and the recovery (see test_faults.py)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from fakeapi.app import FakeApi
from fakeapi.faults import Fault, Faults
from fakeapi.server import FakeServer
from fakeapi.world import World
from pipeline.cli.main import main
from pipeline.store.tables import read_papers
from tests.endtoend.faults_support import (
    ABBREVIATIONS,
    DAY1,
    DAY2,
    DAY3,
    GROWTH,
    TOKEN,
    Lists,
    check_outputs,
    files,
    outcome_mismatches,
    temporaries,
)


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
