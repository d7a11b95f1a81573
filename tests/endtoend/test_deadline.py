"""`run --deadline` (issue 23, item 4): a run that runs long stops asking before its deadline,
writes every output with what it has (exit status 4), and the next run completes; with the HTTP
cache on, nothing answered before the deadline is asked again."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest

from fakeapi import faults
from fakeapi.app import FakeApi
from fakeapi.faults import Fault, Faults
from fakeapi.server import FakeServer
from fakeapi.world import World
from pipeline.sources.gates import Deadline
from pipeline.store.tables import read_papers
from tests.endtoend.faults_support import (
    DAY1,
    DAY2,
    DAY3,
    GROWTH,
    NEW_IN_RUN_2,
    NOW,
    Lists,
    check_outputs,
    check_recovered,
    copy_of,
    fake_settings,
    files,
    options,
    outcome_mismatches,
)
from tests.endtoend.kill_during_write import run_steps

HANG_S = 60.0  # S2 answers after this long: far past the deadline
DEADLINE_S, MARGIN_S = 4.0, 1.0


class HeldAnswers:
    """The fake's "timeout" fault holds S2's answers until the test releases them (or HANG_S):
    whether the run ended before S2 answered is then a fact, not a stopwatch reading."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.answered_early = 0  # answers that went out before the release

    def sleep(self, seconds: float) -> None:
        if not self.release.wait(seconds):
            self.answered_early += 1


def test_a_run_past_its_deadline_writes_what_it_has_and_the_next_night_completes(
    lists: Lists, world: World, baseline: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = copy_of(baseline, tmp_path)
    before_files, before_rows = files(out), read_papers(out / "papers.parquet")
    held = HeldAnswers()
    monkeypatch.setattr(faults, "time", SimpleNamespace(sleep=held.sleep))
    hang = Faults(rules=(Fault("timeout", ("s2",), delay_s=HANG_S),))
    with FakeServer(FakeApi(world, today=DAY1 + GROWTH, faults=hang)) as server:
        settings = replace(fake_settings(server), deadline=Deadline(DEADLINE_S, MARGIN_S))
        result = run_steps(options(lists.grown, out, settings, DAY2), NOW[DAY2])
        held.release.set()  # S2 may answer now: the run is over
        after = files(out)
        changes = (out / "changes.md").read_text(encoding="utf-8")
        rows = read_papers(out / "papers.parquet")
        check_outputs(out)
        server.app.set_faults(Faults())
        recovery = run_steps(options(lists.grown, out, fake_settings(server), DAY3), NOW[DAY3])

    # It ended before S2 answered (every held answer was still held), and said why, with its
    # own status.
    assert held.answered_early == 0
    assert (result.status, result.refused) == (4, False), result.lines
    assert any(line.startswith("deadline reached") for line in result.lines), result.lines
    pending = f"{len(NEW_IN_RUN_2)} new entries pending"
    assert any(pending in line for line in result.lines), result.lines
    # Every output was written (not refused), and parses; S2's values are last run's.
    assert after["papers.parquet"] != before_files["papers.parquet"]
    assert not [name for name in after if ".tmp" in name]
    assert "reached its deadline" in changes and "Not refreshed this run" in changes
    assert len(rows) == len(before_rows) + len(NEW_IN_RUN_2)
    assert outcome_mismatches(before_rows, rows, frozenset({"s2"}), None) == []
    # The next night, without the hang, refreshes everything.
    check_recovered(out, recovery, NOW[DAY3])


def test_what_was_fetched_before_the_deadline_is_not_asked_again(
    lists: Lists, world: World, baseline: Path, tmp_path: Path
) -> None:
    """The HTTP cache keeps every answer as it arrives: the re-run after a run stopped by its
    deadline (or killed) asks only what the first one did not get."""
    out, cache = copy_of(baseline, tmp_path), tmp_path / "cache"
    hang = Faults(rules=(Fault("timeout", ("s2",), ("s2_citations",), delay_s=HANG_S),))
    with FakeServer(FakeApi(world, today=DAY1 + GROWTH, faults=hang)) as server:
        settings = replace(fake_settings(server, cache), deadline=Deadline(DEADLINE_S, MARGIN_S))
        first = run_steps(options(lists.grown, out, settings, DAY2), NOW[DAY2])
        asked = dict(server.app.stats.requests)
        server.app.set_faults(Faults())
        again = run_steps(options(lists.grown, out, fake_settings(server, cache), DAY2), NOW[DAY2])
        asked_again = {
            key: count - asked.get(key, 0)
            for key, count in server.app.stats.requests.items()
            if count > asked.get(key, 0)
        }
    assert first.status == 4, first.lines
    assert again.status == 0, again.lines
    check_outputs(out)
    # Asked again: the citation lists the deadline cut off; GitHub's REST revalidations (free
    # 304s: GitHub REST is always revalidated); and one S2 batch and one arXiv id lookup,
    # because their ids changed: the first run pinned the new entries, so the re-run's batch
    # is another question (docs/RELIABILITY.md: a kill loses at most one batch per API).
    assert asked_again.pop("s2 GET s2_citations", 0) >= 1
    assert asked_again.pop("s2 POST s2_batch", 0) <= 1
    assert asked_again.pop("arxiv GET arxiv_query", 0) <= 1
    # Star histories (issue 25): the histories the first run stored are not asked again the
    # same day; a backfill the deadline cut short is not stored, and is asked again whole.
    # The quota left they are planned within is asked each run (never cached).
    star_pages = asked_again.pop("github GET github_star_history", 0)
    assert star_pages < asked.get("github GET github_star_history", 0), (star_pages, asked)
    asked_again.pop("github GET github_rate_limit", None)
    revalidations = {"github GET github_repo", "github GET github_commits"}
    assert set(asked_again) <= revalidations | {"github GET github_repo_by_id"}, asked_again
    report = json.loads((out / "resolution.json").read_text(encoding="utf-8"))
    assert not [e["title"] for e in report["entries"] if e["kept_from_previous"]]
