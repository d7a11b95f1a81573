"""Spent quotas: stop asking, keep the last values, say which entries were not refreshed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from fakeapi.server import FakeServer
from pipeline.cli.main import main
from pipeline.job.repositories import anonymous_plan
from pipeline.sources.github import ANONYMOUS_HOURLY
from tests.conftest import SEED_LIST
from tests.fakes import fake_in_env

pytestmark = pytest.mark.usefixtures("prefect_harness")

NOW = datetime(2026, 11, 26, 3, tzinfo=UTC)


def test_the_anonymous_budget_goes_to_the_repositories_refreshed_longest_ago() -> None:
    names = [f"lab/r{i}" for i in range(40)]
    previous = {
        f"e{i}": {"repo": f"LAB/r{i}", "github_fetched_at": NOW - timedelta(days=40 - i)}
        for i in range(30)  # r30..r39 were never fetched
    }
    now, later, line = anonymous_plan(names, previous, remaining=None)
    assert len(now) == ANONYMOUS_HOURLY // 2 == 30
    assert set(names[30:]) <= set(now)  # never fetched: first
    assert set(now) - set(names[30:]) == set(names[:20])  # then the oldest twenty
    assert later == names[20:30]
    assert line == (
        "github: no GITHUB_TOKEN: 40 repositories need about 80 requests; 60 of 60 left this "
        "hour: asking the 10 never fetched and refreshing the 20 refreshed longest ago, "
        "10 keep their previous values"
    )
    assert anonymous_plan(names[:5], {}, remaining=8)[:2] == (names[:4], names[4:5])
    rotating = {f"e{i}": {"repo": f"lab/r{i}", "github_fetched_at": NOW} for i in range(40)}
    assert anonymous_plan(names, rotating, remaining=None)[2].endswith(
        "refreshing the 30 refreshed longest ago, 10 keep their previous values"
    )


def test_a_first_run_without_a_token_keeps_no_values_it_never_had() -> None:
    """Issue 27: nothing was fetched before, so nothing "keeps its previous values"."""
    names = [f"lab/r{i}" for i in range(42)]
    line = anonymous_plan(names, {}, remaining=None)[2]
    assert line == (
        "github: no GITHUB_TOKEN: 42 repositories need about 84 requests; 60 of 60 left this "
        "hour: asking 30 never fetched, 12 never fetched wait for a later run"
    )
    assert "previous values" not in line


@pytest.fixture
def anonymous_fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServer]:
    with fake_in_env(monkeypatch, github_token=None) as server:
        yield server


def test_without_a_token_the_run_plans_its_60_requests_and_rotates_through_the_list(
    anonymous_fake: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    args = ["run", "--list", str(SEED_LIST), "--out", str(out), "--no-cache"]
    # Planned, said up front, and within the budget: not a failure.
    assert main([*args, "--snapshot-date", "2026-11-25"]) == 0
    printed = capsys.readouterr().out
    assert "github: no GITHUB_TOKEN: 42 repositories need about 84 requests; 60 of 60" in printed
    github = anonymous_fake.app.snapshot()["requests"]
    sent = sum(n for key, n in github.items() if key.startswith("github"))
    # 60 requests (renamed repositories cost a third, so fewer than 30 repos are done), plus
    # at most one refused request that tells the client the quota is spent, and /rate_limit.
    assert sent <= ANONYMOUS_HOURLY + 2
    first = pd.read_parquet(out / "papers.parquet")
    refreshed = {r.casefold() for r in first.loc[first["github_fetched_at"].notna(), "repo"]}
    assert 20 <= len(refreshed) <= 30
    assert "not refreshed this run, previous values kept (see changes.md)" in printed
    changes = (out / "changes.md").read_text(encoding="utf-8")
    assert "## Not refreshed this run (previous values kept)" in changes
    # More than ten repositories: one line with the count and the reason, not one per entry.
    line = next(x for x in changes.splitlines() if x.startswith("- GitHub repositories: "))
    assert "never fetched" in line and "not asked: without GITHUB\\_TOKEN" in line
    assert "  - " not in changes

    anonymous_fake.app._github_used.clear()  # the next hour
    main([*args, "--snapshot-date", "2026-11-26"])
    second = pd.read_parquet(out / "papers.parquet")
    fetched_now = second["github_fetched_at"] > first["github_fetched_at"].max()
    newly = {r.casefold() for r in second.loc[fetched_now, "repo"]}
    never_before = {r.casefold() for r in second["repo"].dropna()} - refreshed
    assert never_before and never_before <= newly  # the repositories never fetched went first
    kept = second.loc[~fetched_now & second["repo"].str.casefold().isin(refreshed), "entry_id"]
    assert len(kept) > 0
    columns = ["stars", "repo_status", "github_fetched_at"]
    before = first.set_index("entry_id").loc[kept, columns]
    after = second.set_index("entry_id").loc[kept, columns]
    assert after.equals(before)  # last night's values kept, not overwritten by null
