"""stars_by_week.parquet through the job (issue 25), against the local fake: a backfill of every
page on the first night, a refresh from page 1 only on the next, the reconciliation with the
stargazer count, the statuses of gone, blocked and renamed repositories, a malformed page that
never overwrites stored weeks, the page budget, and a run without a token."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from fakeapi.app import FakeApi
from fakeapi.faults import Fault, Faults
from fakeapi.server import FakeServer
from fakeapi.world import World
from pipeline.analysis import load
from pipeline.job.options import JobOptions, JobResult
from pipeline.job.steps import run_steps
from pipeline.sources.config import settings_from_env
from tests.conftest import SEED_LIST
from tests.fakes import seed_world

NIGHT = date(2026, 12, 5)
ENDPOINTS = ("github GET github_star_history", "github GET github_star_history_by_id")


@pytest.fixture
def world() -> World:
    return seed_world()


@pytest.fixture
def fake(world: World) -> Iterator[FakeServer]:
    with FakeServer(FakeApi(world, today=NIGHT)) as server:
        yield server


def night(
    server: FakeServer,
    out: Path,
    day: date,
    *,
    token: str | None = "test-token",  # noqa: S107 - a placeholder the fake accepts
    **options: Any,
) -> JobResult:
    server.app.set_clock(datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=3))
    env = {**server.env(), "AWESOME_ENRICH_TIME_SCALE": "0"}
    if token:
        env["GITHUB_TOKEN"] = token
    settings = settings_from_env(env, no_cache=True)
    job = JobOptions(SEED_LIST, out, settings, snapshot_date=day, citation_pages=0, **options)
    return run_steps(job, datetime.now(UTC))


def star_requests(server: FakeServer) -> int:
    requests = server.app.snapshot()["requests"]
    return sum(requests.get(endpoint, 0) for endpoint in ENDPOINTS)


def newest(stars: pd.DataFrame) -> pd.DataFrame:
    """Each repository's newest row (its running total so far)."""
    return stars.sort_values("week_start", na_position="first").groupby("repository").tail(1)


def assert_reconciled(out: Path) -> pd.DataFrame:
    """Done when: the running total plus the difference is the stargazer count, for every
    repository of the list that has one."""
    tables = load(out)
    last = newest(tables.star_weeks).assign(key=lambda f: f["repository"].str.casefold())
    papers = tables.papers.dropna(subset=["repo", "stars"]).drop_duplicates("repo")
    joined = papers.assign(key=papers["repo"].str.casefold()).merge(last, on="key", how="left")
    assert joined["repository"].notna().all(), joined.loc[joined["repository"].isna(), "repo"]
    assert (joined["running_total"] + joined["difference"] == joined["stars_x"]).all()
    assert (joined["stargazers"] == joined["stars_x"]).all()
    return joined


def test_the_first_night_backfills_every_page_and_reconciles(
    fake: FakeServer, world: World, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = night(fake, out, NIGHT)
    stars = load(out).star_weeks
    line = next(x for x in result.lines if x.startswith("github star history:"))
    pages = sum(
        info.star_history.history.pages
        for info in result.repos.values()
        if info.star_history is not None and info.star_history.history is not None
    )
    assert f"; {pages} pages" in line and "backfilled" in line
    assert star_requests(fake) == pages > len(result.repos)  # several pages per repository
    joined = assert_reconciled(out)
    assert (joined["difference"] == 0).all()  # read today: nothing taken back since
    assert str(stars["week_start"].dtype) == "date32[day][pyarrow]"
    assert str(stars["running_total"].dtype) == "Int64"
    assert stars["synthetic"].all() and stars.loc[stars["week_start"].notna(), "complete"].all()
    statuses = newest(stars).set_index("listed_as")["status"].to_dict()
    for repo in world.repos:
        for name in [repo.full_name, *repo.old_names]:
            if name in statuses and repo.status in {"not_found", "blocked"}:
                assert statuses[name] == repo.status
            elif name in statuses and repo.old_names:
                assert statuses[name] == "renamed"
    gone = stars[stars["status"].isin(["not_found", "blocked"])]
    assert len(gone) and gone["week_start"].isna().all()  # recorded, without weeks
    # each repository's weeks are one week apart and start on Sundays
    for _, group in stars.dropna(subset=["week_start"]).groupby("repository"):
        weeks = list(group["week_start"])
        assert all(w.weekday() == 6 for w in weeks)
        assert all(b - a == timedelta(weeks=1) for a, b in itertools.pairwise(weeks))
        assert list(group["running_total"]) == list(group["stars"].cumsum())


def test_the_next_night_refreshes_from_page_one_only_and_keeps_older_weeks(
    fake: FakeServer, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    night(fake, out, NIGHT)
    first = load(out).star_weeks
    before = star_requests(fake)
    later = NIGHT + timedelta(days=40)  # long enough for early stars to be taken back
    result = night(fake, out, later)
    refreshed = [
        info
        for info in result.repos.values()
        if info.star_history is not None and info.star_history.action == "refreshed"
    ]
    assert refreshed and star_requests(fake) - before == len(refreshed)  # page 1 each
    second = load(out).star_weeks
    joined = assert_reconciled(out)
    assert (joined["difference"] < 0).any()  # stars since removed, in weeks read before
    old = first[first["week_start"] < NIGHT - timedelta(weeks=31)]
    kept = second.merge(old, on=["repository", "week_start"], suffixes=("", "_first"))
    assert len(kept) == len(old) and (kept["stars"] == kept["stars_first"]).all()
    assert (kept["fetched_at"] == kept["fetched_at_first"]).all()  # never asked again
    assert second["week_start"].max() > first["week_start"].max()


def test_a_same_day_rerun_asks_nothing(fake: FakeServer, tmp_path: Path) -> None:
    out = tmp_path / "out"
    night(fake, out, NIGHT)
    before = star_requests(fake)
    result = night(fake, out, NIGHT)
    assert star_requests(fake) == before
    assert any("unchanged" in x for x in result.lines if x.startswith("github star history"))


def test_a_malformed_page_never_overwrites_stored_weeks(fake: FakeServer, tmp_path: Path) -> None:
    out = tmp_path / "out"
    night(fake, out, NIGHT)
    first = load(out).star_weeks
    fake.app.set_faults(
        Faults(rules=(Fault("html_200", apis=("github",), endpoints=("github_star_history",)),))
    )
    result = night(fake, out, NIGHT + timedelta(days=3))
    line = next(x for x in result.lines if x.startswith("github star history:"))
    assert "failed" in line and "stored weeks kept" in line
    second = load(out).star_weeks
    columns = ["repository", "week_start", "stars", "running_total", "fetched_at"]
    weeks = [frame.dropna(subset=["week_start"])[columns] for frame in (first, second)]
    assert len(weeks[0]) > 1000
    pd.testing.assert_frame_equal(weeks[0].reset_index(drop=True), weeks[1].reset_index(drop=True))
    assert_reconciled(out)  # today's count, and the difference it makes


def test_the_page_budget_leaves_backfills_for_a_later_run(fake: FakeServer, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = night(fake, out, NIGHT, star_pages=20)
    line = next(x for x in result.lines if x.startswith("github star history:"))
    assert "wait for a later run" in line
    assert star_requests(fake) == 20
    stars = load(out).star_weeks
    with_weeks = stars.dropna(subset=["week_start"])["repository"].nunique()
    assert 0 < with_weeks < len(result.repos) - 5  # only whole histories are stored
    assert stars.loc[stars["week_start"].notna(), "complete"].all()
    night(fake, out, NIGHT + timedelta(days=1))  # the default budget: the rest
    assert_reconciled(out)


def test_without_a_token_no_history_is_asked_and_the_run_says_so_once(
    fake: FakeServer, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = night(fake, out, NIGHT, token=None)
    assert star_requests(fake) == 0
    said = [x for x in result.lines if "GITHUB_TOKEN" in x and "star history" in x]
    assert len(said) == 1 and said[0].startswith("github star history: not asked")
    assert load(out).star_weeks["week_start"].dropna().empty


@pytest.mark.parametrize("pages", [0, 5])
def test_the_command_line_sets_the_star_page_budget(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, pages: int
) -> None:
    from pipeline.cli.main import main
    from tests.fakes import fake_in_env

    with fake_in_env(monkeypatch) as server:
        out = tmp_path / "out"
        args = ["run", "--list", str(SEED_LIST), "--out", str(out), "--no-cache"]
        assert main([*args, "--citation-pages", "0", "--star-pages", str(pages)]) == 0
        assert star_requests(server) == pages
    with pytest.raises(SystemExit) as refused:  # a whole number, 0 or more
        main(["run", "--star-pages", "-1"])
    assert refused.value.code == 2
