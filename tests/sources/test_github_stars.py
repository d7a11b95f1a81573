"""GitHub's star history (issue 25): the client against the local fake's endpoint (paging, the
100-page limit, 404/451, a renamed repository's 301, malformed pages) and the fake's own rules
(every history adds up to the stargazer count of the day asked)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import requests

from fakeapi.app import FakeApi
from fakeapi.faults import Fault, Faults
from fakeapi.github_routes import STAR_HISTORY_MAX_PAGES
from fakeapi.server import FakeServer
from fakeapi.stars import week_start
from fakeapi.world import FakeRepo, World
from pipeline.core.errors import ApiError, MalformedResponse, UnexpectedAnswer
from pipeline.sources.github import GitHubClient
from pipeline.sources.github_stars import (
    StarStatus,
    StarWeek,
    fetch_star_history,
    parse_star_page,
)
from tests.fakes import fake_apis, seed_world

TODAY = date(2026, 12, 6)
EPOCH = date(2026, 1, 1)


def star_world() -> World:
    return World(
        synthetic=True,
        description="stars",
        epoch=EPOCH.isoformat(),
        repos=[
            FakeRepo(
                "a/popular",
                1,
                stars_at_epoch=900,
                stars_per_day=3.0,
                created_at="2019-03-10",
                unstars_per_day=0.5,
            ),
            FakeRepo("a/ancient", 2, stars_at_epoch=5000, created_at="1960-01-01"),
            FakeRepo("new-owner/moved", 3, stars_at_epoch=40, old_names=["old-owner/moved"]),
            FakeRepo("x/gone", 4, status="not_found"),
            FakeRepo("x/dmca", 5, status="blocked"),
            FakeRepo("a/nostars", 6),
        ],
    )


def client(settings: Any) -> GitHubClient:
    return GitHubClient.from_settings(settings)


@pytest.fixture
def fake() -> Any:
    with fake_apis(star_world(), env={"GITHUB_TOKEN": "test-token"}, today=TODAY) as pair:
        yield pair


def test_the_fake_history_adds_up_to_the_stargazer_count_of_the_day_asked() -> None:
    world = seed_world()
    with FakeServer(FakeApi(world, today=TODAY)) as server:
        for repo in [r for r in world.repos if r.status == "ok"][:8]:
            url = f"{server.url}/github/repos/{repo.full_name}/stargazers/history"
            buckets: list[dict[str, Any]] = []
            auth = {"Authorization": "Bearer test-token"}  # the anonymous hour's 60 are too few
            page = requests.get(url, headers=auth, timeout=5)
            while True:
                assert page.status_code == 200
                buckets += page.json()
                if "next" not in page.links:
                    break
                page = requests.get(page.links["next"]["url"], headers=auth, timeout=5)
            assert sum(b["total"] for b in buckets) == repo.stars_on(TODAY, world.epoch_date)
            assert all(sum(b["days"]) == b["total"] and len(b["days"]) == 7 for b in buckets)
            starts = [datetime.fromtimestamp(b["week"], UTC).date() for b in buckets]
            assert starts[0] == week_start(TODAY) and all(s.weekday() == 6 for s in starts)
            assert starts == sorted(starts, reverse=True)  # newest first, one week apart
            assert all(a - b == timedelta(weeks=1) for a, b in itertools.pairwise(starts))
            # nothing after the day asked: the current week's later days are 0
            offset = (TODAY - starts[0]).days
            assert buckets[0]["days"][offset + 1 :] == [0] * (6 - offset)


def test_the_fake_pages_by_30_at_most_and_refuses_page_101() -> None:
    with FakeServer(FakeApi(star_world(), today=TODAY)) as server:
        url = f"{server.url}/github/repos/a/ancient/stargazers/history"
        assert len(requests.get(url, params={"per_page": 100}, timeout=5).json()) == 30
        last = requests.get(url, params={"page": STAR_HISTORY_MAX_PAGES}, timeout=5)
        assert last.status_code == 200 and len(last.json()) == 30
        past = requests.get(url, params={"page": STAR_HISTORY_MAX_PAGES + 1}, timeout=5)
        assert past.status_code == 422 and "pagination is limited" in past.json()["message"]
        assert (
            requests.get(
                f"{server.url}/github/repos/a/nostars/stargazers/history", timeout=5
            ).json()
            == []
        )


def test_a_backfill_reads_every_page_and_a_refresh_stops_at_the_stored_weeks(fake: Any) -> None:
    server, settings = fake
    github = client(settings)
    full = fetch_star_history(github, "a/popular")
    assert full.status is StarStatus.OK and full.reached_end and not full.truncated
    assert full.pages == -(-len(full.weeks) // 30) > 3
    assert sum(w.stars for w in full.weeks) == 900 + int(3.0 * (TODAY - EPOCH).days)
    before = server.app.snapshot()["requests"].get("github GET github_star_history", 0)
    stored_newest = full.weeks[40].week_start  # as if stored 40 weeks ago
    refresh = fetch_star_history(github, "a/popular", stop_at=stored_newest)
    after = server.app.snapshot()["requests"]["github GET github_star_history"]
    assert refresh.reached_stored and refresh.pages == 2 == after - before
    assert refresh.weeks[-1].week_start <= stored_newest < refresh.weeks[0].week_start


def test_the_100_page_limit_ends_a_backfill_without_asking_page_101(fake: Any) -> None:
    server, settings = fake
    history = fetch_star_history(client(settings), "a/ancient", per_page=1)
    assert history.truncated and not history.reached_end and history.pages == 100
    assert len(history.weeks) == 100
    asked = server.app.snapshot()["requests"]["github GET github_star_history"]
    assert asked == 100  # never page 101 (the fake would answer 422)


def test_gone_blocked_renamed_and_starless_repositories(fake: Any) -> None:
    server, settings = fake
    github = client(settings)
    assert fetch_star_history(github, "x/gone").status is StarStatus.NOT_FOUND
    assert fetch_star_history(github, "x/dmca").status is StarStatus.BLOCKED
    empty = fetch_star_history(github, "a/nostars")
    assert empty.status is StarStatus.EMPTY and empty.weeks == () and empty.reached_end
    moved = fetch_star_history(github, "old-owner/moved")
    assert moved.status is StarStatus.RENAMED and sum(w.stars for w in moved.weeks) == 40
    assert server.app.snapshot()["requests"]["github GET github_star_history_by_id"] >= 1


def test_a_malformed_page_is_an_error_never_a_partial_history(fake: Any) -> None:
    server, settings = fake
    server.app.set_faults(
        Faults(rules=(Fault("html_200", apis=("github",), endpoints=("github_star_history",)),))
    )
    with pytest.raises(MalformedResponse):
        fetch_star_history(client(settings), "a/popular")


@pytest.mark.parametrize(
    ("page", "problem"),
    [
        ({"weeks": []}, "list"),
        ([{"week": 1764460800, "total": 3, "days": [1, 1, 0, 0, 0, 0, 0]}], "add up"),
        ([{"week": 1764460800, "total": 1, "days": [1, 0, 0]}], "7 counts"),
        ([{"week": 1764460800, "total": -1, "days": [-1, 0, 0, 0, 0, 0, 0]}], "count"),
        ([{"total": 0, "days": [0] * 7}], "week"),
        (
            [
                {"week": 1763856000, "total": 0, "days": [0] * 7},
                {"week": 1764460800, "total": 0, "days": [0] * 7},
            ],
            "older",
        ),
    ],
)
def test_pages_that_do_not_fit_the_shape_are_refused(page: Any, problem: str) -> None:
    with pytest.raises((TypeError, ValueError, KeyError), match=problem):
        parse_star_page(page)


def test_a_page_reads_unix_weeks_and_iso_dates() -> None:
    weeks = parse_star_page(
        [
            {"week": 1764460800, "total": 2, "days": [0, 1, 0, 0, 1, 0, 0]},
            {"week": "2025-11-23", "total": 0, "days": [0] * 7},
        ]
    )
    assert weeks == [StarWeek(date(2025, 11, 30), 2), StarWeek(date(2025, 11, 23), 0)]


def test_a_schema_error_on_a_later_page_fails_the_whole_history(fake: Any) -> None:
    server, settings = fake
    original = server.app._star_history

    def broken(request: Any, repo: Any) -> Any:
        answer = original(request, repo)
        if request.args.get("page") == "2":
            answer.set_data(b'[{"week": 0, "total": 5, "days": [0, 0, 0, 0, 0, 0, 0]}]')
        return answer

    server.app._star_history = broken
    with pytest.raises(UnexpectedAnswer, match="add up"):
        fetch_star_history(client(settings), "a/popular")


def test_without_a_token_the_endpoint_is_still_read_but_a_401_is_an_error() -> None:
    with fake_apis(star_world(), today=TODAY) as (_, settings):
        github = client(settings)
        assert not github.has_token
        history = fetch_star_history(github, "a/popular", stop_at=date(2026, 11, 1))
        assert history.reached_stored  # the job decides not to ask without a token
    with fake_apis(star_world(), today=TODAY) as (server, settings):
        server.app._star_history = lambda request, repo: server.app._github_json(  # type: ignore[method-assign]
            request, {"message": "Requires authentication"}, 401
        )
        with pytest.raises(ApiError, match="GITHUB_TOKEN"):
            fetch_star_history(client(settings), "a/popular")


def test_the_page_budget_ends_a_reading_before_its_request(fake: Any) -> None:
    server, settings = fake
    left = [2]

    def take() -> bool:
        left[0] -= 1
        return left[0] >= 0

    history = fetch_star_history(client(settings), "a/popular", page_budget=take)
    assert history.out_of_pages and history.pages == 2
    assert server.app.snapshot()["requests"]["github GET github_star_history"] == 2
