"""The local fake of the three APIs: shapes, quirks, budgets, faults and counts."""

from __future__ import annotations

import json
import socket
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from fakeapi.app import FakeApi
from fakeapi.arxiv_routes import ARXIV_FORMATS
from fakeapi.faults import Faults
from fakeapi.server import FakeServer
from fakeapi.world import FakePaper, FakeRepo, World, world_from_records
from pipeline.sources.arxiv import ArxivClient
from pipeline.sources.github import GitHubClient, RepoStatus
from pipeline.sources.semantic_scholar import SemanticScholarClient
from tests.fakes import fake_apis, seed_records


def small_world() -> World:
    return World(
        synthetic=True,
        description="test",
        epoch="2026-01-01",
        papers=[
            FakePaper(
                "p1",
                1,
                "Token Contrast for Weakly-Supervised Semantic Segmentation",
                2023,
                "CVPR",
                [("1", "L. Ru")],
                ["Lixiang Ru"],
                arxiv_id="2303.01267",
                in_arxiv=True,
                citations_at_epoch=100,
                citations_per_day=2.0,
                merged_ids=["old"],
            ),
        ],
        repos=[
            FakeRepo("rulixiang/toco", 7, stars_at_epoch=50, stars_per_day=1.0),
            FakeRepo("new-owner/moved", 8, old_names=["old-owner/moved"]),
            FakeRepo("x/gone", 9, status="not_found"),
            FakeRepo("x/dmca", 10, status="blocked"),
            FakeRepo("x/empty", 11, status="empty", last_commit_at=None),
        ],
    )


def test_it_binds_loopback_only_and_counts_requests() -> None:
    with FakeServer(FakeApi(small_world())) as server:
        assert server.url.startswith("http://127.0.0.1:")
        requests.post(f"{server.url}/s2/graph/v1/paper/batch", json={"ids": ["p1"]}, timeout=5)
        stats = requests.get(f"{server.url}/_fake/stats", timeout=5).json()
    assert stats["per_api"] == {"s2": 1}
    assert stats["requests"] == {"s2 POST s2_batch": 1}


def test_s2_shapes_and_quirks() -> None:
    with FakeServer(FakeApi(small_world(), today=date(2026, 1, 11))) as server:
        base = f"{server.url}/s2/graph/v1"
        batch = requests.post(
            f"{base}/paper/batch", json={"ids": ["old", "nope", "ARXIV:2303.01267"]}, timeout=5
        ).json()
        match = requests.get(
            f"{base}/paper/search/match",
            params={"query": "token contrast for weakly supervised segmentation"},
            timeout=5,
        )
        none = requests.get(f"{base}/paper/search/match", params={"query": "zzzz qqqq"}, timeout=5)
        search = requests.get(f"{base}/paper/search", params={"query": "zzzz"}, timeout=5).json()
    assert batch[1] is None and batch[0]["paperId"] == batch[2]["paperId"] == "p1"  # merged id
    assert batch[0]["citationCount"] == 100 + 2 * 10  # grows with the simulated date
    assert match.status_code == 200 and len(match.json()["data"]) == 1
    assert (none.status_code, none.json()) == (404, {"error": "Title match not found"})
    assert search == {"total": 0, "offset": 0}


@pytest.mark.parametrize("arxiv_format", ARXIV_FORMATS)
def test_every_arxiv_format_is_read_by_the_client(arxiv_format: str) -> None:
    with fake_apis(small_world(), arxiv_format=arxiv_format) as (_, settings):
        client = ArxivClient.from_settings(settings)
        found = client.get_by_ids(["2303.01267", "2303.99999"])
        hits = client.search_title("Token Contrast for Weakly-Supervised Semantic Segmentation")
    assert list(found) == ["2303.01267"]  # the unknown id is dropped silently
    entry = found["2303.01267"]
    assert entry.title == "Token Contrast for Weakly-Supervised Semantic Segmentation"
    assert entry.pdf_url is not None and entry.pdf_url.endswith("/pdf/2303.01267v1")
    assert entry.primary_category == "cs.CV" and entry.authors == ("Lixiang Ru",)
    assert [h.arxiv_id for h in hits] == ["2303.01267"]


def test_arxiv_error_entry_for_a_malformed_id() -> None:
    with FakeServer(FakeApi(small_world())) as server:
        answer = requests.get(f"{server.url}/arxiv/api/query", params={"id_list": "abc"}, timeout=5)
    assert answer.status_code == 400 and "<title>Error</title>" in answer.text


def test_github_statuses_through_the_client() -> None:
    names = ["rulixiang/toco", "old-owner/moved", "x/gone", "x/dmca", "x/empty"]
    for token in (None, "test-token"):
        env = {"GITHUB_TOKEN": token} if token else {}
        with fake_apis(small_world(), env=env) as (_, settings):
            repos = GitHubClient.from_settings(settings).get_repos(names)
        statuses = {name: info.status for name, info in repos.items()}
        assert statuses == {
            "rulixiang/toco": RepoStatus.OK,
            "old-owner/moved": RepoStatus.RENAMED,
            "x/gone": RepoStatus.NOT_FOUND,
            "x/dmca": RepoStatus.BLOCKED,
            "x/empty": RepoStatus.EMPTY,
        }, token
        assert repos["old-owner/moved"].full_name == "new-owner/moved"
        assert repos["rulixiang/toco"].stars == 50


def test_github_budget_spent_is_a_403_and_304s_are_free(tmp_path: Path) -> None:
    with FakeServer(FakeApi(small_world())) as server:
        url = f"{server.url}/github/repos/rulixiang/toco"
        first = requests.get(url, timeout=5)
        etag = first.headers["ETag"]
        revalidated = requests.get(url, headers={"If-None-Match": etag}, timeout=5)
        assert revalidated.status_code == 304
        assert (
            revalidated.headers["x-ratelimit-remaining"]
            == first.headers["x-ratelimit-remaining"]
            == "59"
        )
        for _ in range(59):
            requests.get(url, timeout=5)
        spent = requests.get(url, timeout=5)
    assert spent.status_code == 403
    assert spent.headers["x-ratelimit-remaining"] == "0"
    assert "rate limit exceeded" in spent.json()["message"]


def test_faults_are_deterministic_for_a_seed() -> None:
    def injected(seed: int) -> list[int]:
        with FakeServer(FakeApi(small_world(), faults=Faults(error_rate=0.3, seed=seed))) as server:
            return [
                requests.post(
                    f"{server.url}/s2/graph/v1/paper/batch", json={"ids": ["p1"]}, timeout=5
                ).status_code
                for _ in range(40)
            ]

    first = injected(7)
    assert first == injected(7)
    assert first != injected(8)
    assert {429, 502} <= set(first) and 200 in first


def test_a_down_api_answers_503_html() -> None:
    with FakeServer(FakeApi(small_world(), faults=Faults(down=frozenset({"s2"})))) as server:
        answer = requests.post(f"{server.url}/s2/graph/v1/paper/batch", json={"ids": []}, timeout=5)
        arxiv = requests.get(
            f"{server.url}/arxiv/api/query", params={"id_list": "2303.01267"}, timeout=5
        )
    assert answer.status_code == 503 and answer.headers["Content-Type"].startswith("text/html")
    assert arxiv.status_code == 200


def test_generated_worlds_are_synthetic_deterministic_and_round_trip(tmp_path: Path) -> None:
    records = seed_records()
    world = world_from_records(records, seed=3)
    assert world.synthetic and "SYNTHETIC" in world.description
    assert world.to_json() == world_from_records(records, seed=3).to_json()
    assert world.to_json() != world_from_records(records, seed=4).to_json()
    path = tmp_path / "world.json"
    world.save(path)
    assert World.load(path).to_json() == world.to_json()
    assert json.loads(path.read_text())["synthetic"] is True
    kinds = {p.decoy for p in world.papers}
    assert kinds == {True, False}
    assert sum(1 for p in world.papers if not p.in_s2) >= 1  # some papers only arXiv knows
    statuses = {r.status for r in world.repos}
    assert "ok" in statuses and len(statuses) >= 2
    assert statuses <= {"ok", "not_found", "blocked", "empty"}


def test_the_s2_client_reads_the_fake() -> None:
    with fake_apis(small_world()) as (_, settings):
        client = SemanticScholarClient.from_settings(settings)
        [lookup] = client.get_papers(["old"])
        assert client.match_title("Nothing like it at all, really") is None
    assert lookup.merged_from == "old" and lookup.paper is not None


def test_the_clock_follows_a_date_set_asked_or_posted_and_github_budgets_are_hourly() -> None:
    from werkzeug.test import Client

    app = FakeApi(small_world(), today=date(2026, 1, 11))
    client = Client(app)

    def count(**headers: str) -> int:
        answer = client.post("/s2/graph/v1/paper/batch", json={"ids": ["p1"]}, headers=headers)
        return int(answer.json[0]["citationCount"])  # type: ignore[index]

    assert count() == 100 + 2 * 10
    assert count(**{"X-Fake-Date": "2026-01-21"}) == 100 + 2 * 20  # this request only
    assert count() == 120
    moved = client.post("/_fake/clock", json={"date": "2026-02-01"})
    assert moved.json == {"date": "2026-02-01", "now": "2026-02-01T00:00:00+00:00"}
    assert count() == 100 + 2 * 31
    assert client.post("/_fake/clock", json={"when": "soon"}).status_code == 400

    def remaining() -> int:
        answer = client.get("/github/repos/rulixiang/toco")
        return int(answer.headers["x-ratelimit-remaining"])

    assert [remaining() for _ in range(3)] == [59, 58, 57]  # anonymous: 60 an hour
    app.set_clock(datetime(2026, 2, 1, 0, 40, tzinfo=UTC))  # the same simulated hour
    assert remaining() == 56
    app.set_clock(datetime(2026, 2, 1, 1, 5, tzinfo=UTC))  # the next hour: a fresh budget
    assert remaining() == 59
    app.today = date(2026, 2, 2)
    assert remaining() == 59


def test_a_renamed_repository_answers_with_a_redirect_from_its_old_name() -> None:
    from werkzeug.test import Client

    app = FakeApi(small_world())
    app.rename_repo("rulixiang/toco", "rulixiang-renamed/toco")
    client = Client(app)
    old = client.get("/github/repos/rulixiang/toco")
    assert old.status_code == 301
    new = client.get(old.headers["Location"].split("localhost", 1)[1])
    assert new.json["full_name"] == "rulixiang-renamed/toco"  # type: ignore[index]


def test_stats_give_each_paced_quotas_request_times_when_asked() -> None:
    from werkzeug.test import Client

    client = Client(FakeApi(small_world(), pacing={"s2": 0.5}))
    for _ in range(2):
        client.post("/s2/graph/v1/paper/batch", json={"ids": ["p1"]})
    assert "request_times" not in client.get("/_fake/stats").json  # type: ignore[operator]
    times = client.get("/_fake/stats?times=1").json["request_times"]  # type: ignore[index]
    assert list(times) == ["s2 anonymous"] and len(times["s2 anonymous"]) == 2


def test_arxiv_title_search_ranks_the_phrase_itself_first() -> None:
    """sortBy=relevance: the title that is the phrase, then shorter titles holding it."""
    title = "Token Contrast for Weakly-Supervised Semantic Segmentation"
    papers = [
        FakePaper(
            f"p{i}",
            i,
            f"{title}{tail}",
            2023,
            "CVPR",
            [("1", "L. Ru")],
            ["Lixiang Ru"],
            arxiv_id=f"2303.0126{i}",
            in_arxiv=True,
        )
        for i, tail in enumerate([" in the Long Wild", " at Scale", ""])
    ]
    world = World(synthetic=True, description="test", epoch="2026-01-01", papers=papers)
    with fake_apis(world) as (_, settings):
        hits = ArxivClient.from_settings(settings).search_title(title, max_results=2)
    assert [h.arxiv_id for h in hits] == ["2303.01262", "2303.01261"]


def _post_batch(url: str, sent: threading.Event, answers: list[int]) -> None:
    """One S2 batch request on its own connection; `sent` is set once its bytes are written."""
    body = json.dumps({"ids": ["p1"]}).encode()
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(
            b"POST /s2/graph/v1/paper/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
            b"\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
        )
        sent.set()
        answers.append(int(connection.makefile("rb").readline().split()[1]))


def _two_requests_while_the_fake_is_busy(pause_s: float) -> dict[str, Any]:
    """Two requests `pause_s` apart (at least), both sent while every handler thread of the fake
    is held (its lock taken here, as a thread answering a large page holds the interpreter):
    the fake handles both at once, after both have arrived."""
    app = FakeApi(small_world(), pacing={"s2": 0.2})
    answers: list[int] = []
    with FakeServer(app) as server:
        threads = []
        with app._lock:
            for number in range(2):
                if number:
                    time.sleep(pause_s)  # spaces the sends; nothing here is asserted on time
                sent = threading.Event()
                thread = threading.Thread(target=_post_batch, args=(server.url, sent, answers))
                thread.start()
                threads.append(thread)
                assert sent.wait(30)
        for thread in threads:
            thread.join(30)
        stats: dict[str, Any] = requests.get(f"{server.url}/_fake/stats", timeout=5).json()
    assert answers == [200, 200]
    return stats


def test_pacing_is_judged_on_arrival_not_on_when_a_busy_fake_handles_a_request() -> None:
    """Issue 26: requests sent an interval apart were counted as violations because the fake's
    thread stamped them when it got to them. The kernel's arrival stamp is what counts."""
    assert _two_requests_while_the_fake_is_busy(0.5)["pacing_violations"] == {}


def test_requests_that_do_arrive_too_close_are_still_violations() -> None:
    assert _two_requests_while_the_fake_is_busy(0.0)["pacing_violations"] == {"s2": 1}


def test_a_request_handled_out_of_order_is_counted_against_both_neighbours() -> None:
    from fakeapi.app import _close_pairs_added

    times: list[float] = []
    assert [_close_pairs_added(times, t, 1.0) for t in (0.0, 2.0, 4.0)] == [0, 0, 0]
    assert _close_pairs_added(times, 1.5, 1.0) == 1  # 2.0 - 1.5, handled after 4.0 arrived
    assert _close_pairs_added(times, 1.7, 1.0) == 1  # splits the close pair (1.5, 2.0) in two
    assert times == [0.0, 1.5, 1.7, 2.0, 4.0]
