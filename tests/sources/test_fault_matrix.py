"""The generated fault matrix (issue 23): every endpoint the clients call x every fault kind x
once and three times in a row, at the client level against the local fake.

Each cell asks one client call with the fault injected into that endpoint (`count` 1 or 3 of the
fake's Fault rules) and checks that the answer is the clean answer, at the cost of exactly one more
request per injected fault (a retry; a GraphQL "too much" answer, or a batch past its fuse of two
5xx, is split in halves instead: two requests per fault at most), every fault counted in the
client's statistics. Nothing in the cells is written by hand: ENDPOINTS x KINDS x TIMES, with the
GraphQL-only kinds on GraphQL.

End-to-end cells (the whole job on the fake, rows and values compared with a clean run, within
1.3 times its calls) are in tests/endtoend/test_fault_profile.py. docs/RELIABILITY.md explains
both.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from fakeapi.app import FakeApi
from fakeapi.faults import GRAPHQL_KINDS, Fault, Faults
from fakeapi.server import FakeServer
from fakeapi.world import World
from pipeline.sources.arxiv import ArxivClient
from pipeline.sources.config import Settings, settings_from_env
from pipeline.sources.github import GitHubClient
from pipeline.sources.http import SPLIT_FUSE, CallStats
from pipeline.sources.semantic_scholar import SemanticScholarClient
from tests.fakes import seed_world

TOKEN = "fault-matrix-token-9a8b7c"  # noqa: S105 - a test sentinel for the fake
READ_TIMEOUT_S = "1.0"  # the timeout cells: the fake answers after SLOW_ANSWER_S (a clean answer
# on a loaded 2-core CI took over 0.5 s once: the timeout leaves room for one)
SLOW_ANSWER_S = 3.0

# kind name in the matrix -> the fake's rule for it (apis and endpoints are the cell's)
KINDS: dict[str, dict[str, Any]] = {
    "429": {"kind": "rate_limit"},
    "429-retry-after": {"kind": "rate_limit", "retry_after": "1"},
    "500": {"kind": "server_error"},
    "502-html": {"kind": "html_502"},
    "503": {"kind": "server_error", "status": 503},
    "reset": {"kind": "reset"},
    "read-timeout": {"kind": "timeout", "delay_s": SLOW_ANSWER_S},
    "truncated": {"kind": "truncated"},
    "cut-body": {"kind": "cut"},
    "html-200": {"kind": "html_200"},
    "empty-body": {"kind": "empty"},
    "graphql-errors-200": {"kind": "graphql_errors"},
    "graphql-limits-200": {"kind": "graphql_limits"},
}
TIMES = (1, 3)
BATCHES = frozenset({"s2_batch", "github_graphql"})
# The faults a batch's fuse counts (5xx): past the fuse the batch is split.
FUSED = frozenset({"server_error", "html_502"})


@dataclass(frozen=True)
class Endpoint:
    """A client call that reaches one of the fake's endpoints."""

    api: str
    endpoint: str  # the fake's endpoint name, which the fault is injected into
    call: Callable[[Settings, World], tuple[Any, CallStats]]


def _s2(settings: Settings) -> SemanticScholarClient:
    return SemanticScholarClient.from_settings(settings)


def _in_s2(world: World) -> list[Any]:
    return [p for p in world.papers if p.in_s2 and not p.decoy]


def s2_batch(settings: Settings, world: World) -> tuple[Any, CallStats]:
    client = _s2(settings)
    ids = [p.paper_id for p in _in_s2(world)[:6]] + ["0" * 40]
    return client.get_papers(ids), client.http.stats


def s2_match(settings: Settings, world: World) -> tuple[Any, CallStats]:
    client = _s2(settings)
    return client.match_title(_in_s2(world)[1].title), client.http.stats


def s2_search(settings: Settings, world: World) -> tuple[Any, CallStats]:
    client = _s2(settings)
    return client.search_title(_in_s2(world)[2].title), client.http.stats


def s2_citations(settings: Settings, world: World) -> tuple[Any, CallStats]:
    client = _s2(settings)
    cited = next(p for p in _in_s2(world) if p.citations_at_epoch > 0)
    return client.get_citations(cited.paper_id, max_pages=3), client.http.stats


def _arxiv_papers(world: World) -> list[Any]:
    return [p for p in world.papers if p.in_arxiv and p.arxiv_id and not p.decoy]


def arxiv_ids(settings: Settings, world: World) -> tuple[Any, CallStats]:
    client = ArxivClient.from_settings(settings)
    ids = sorted(str(p.arxiv_id) for p in _arxiv_papers(world))[:5]
    return client.get_by_ids(ids), client.http.stats


def arxiv_title(settings: Settings, world: World) -> tuple[Any, CallStats]:
    client = ArxivClient.from_settings(settings)
    return client.search_title(_arxiv_papers(world)[0].title), client.http.stats


def _repos(world: World, status: str = "ok") -> list[str]:
    return [r.full_name for r in world.repos if r.status == status and not r.old_names]


def github_graphql(settings: Settings, world: World) -> tuple[Any, CallStats]:
    client = GitHubClient.from_settings(settings)
    return client.get_repos(_repos(world)[:4]), client.http.stats


def github_rest(settings: Settings, world: World) -> tuple[Any, CallStats]:
    client = GitHubClient.from_settings(settings)
    return client.get_repo_rest(_repos(world)[0]), client.http.stats


ENDPOINTS = {
    "s2-batch": Endpoint("s2", "s2_batch", s2_batch),
    "s2-match": Endpoint("s2", "s2_match", s2_match),
    "s2-search": Endpoint("s2", "s2_search", s2_search),
    "s2-citations": Endpoint("s2", "s2_citations", s2_citations),
    "arxiv-by-id": Endpoint("arxiv", "arxiv_query", arxiv_ids),
    "arxiv-by-title": Endpoint("arxiv", "arxiv_query", arxiv_title),
    "github-graphql": Endpoint("github", "github_graphql", github_graphql),
    "github-rest-repository": Endpoint("github", "github_repo", github_rest),
    "github-rest-commits": Endpoint("github", "github_commits", github_rest),
}


def cells() -> Iterator[Any]:
    """ENDPOINTS x KINDS x TIMES; the GraphQL-only kinds on the GraphQL endpoint only."""
    for (name, endpoint), (kind, _), times in itertools.product(
        ENDPOINTS.items(), KINDS.items(), TIMES
    ):
        graphql_only = KINDS[kind]["kind"] in GRAPHQL_KINDS
        if graphql_only and endpoint.endpoint != "github_graphql":
            continue
        yield pytest.param(name, kind, times, id=f"{name}-{kind}-x{times}")


MATRIX = list(cells())


@pytest.fixture(scope="module")
def world() -> World:
    return seed_world()


@pytest.fixture(scope="module")
def server(world: World) -> Iterator[FakeServer]:
    with FakeServer(FakeApi(world)) as running:
        yield running


def settings_for(server: FakeServer, read_timeout: str | None = None) -> Settings:
    env = {**server.env(), "AWESOME_ENRICH_TIME_SCALE": "0", "GITHUB_TOKEN": TOKEN}
    if read_timeout is not None:
        env["AWESOME_ENRICH_READ_TIMEOUT_S"] = read_timeout
    return settings_from_env(env, no_cache=True)


CLEAN: dict[str, tuple[Any, int]] = {}


def clean(name: str, server: FakeServer, world: World) -> tuple[Any, int]:
    """The endpoint's clean answer and the requests it took (asked once per worker)."""
    if name not in CLEAN:
        server.app.set_faults(Faults())
        answer, stats = ENDPOINTS[name].call(settings_for(server), world)
        assert stats.retries == 0 and not stats.faults
        CLEAN[name] = (answer, stats.network_requests)
    return CLEAN[name]


def test_the_matrix_is_generated_over_every_endpoint_and_kind() -> None:
    generic = len(KINDS) - len(GRAPHQL_KINDS)
    assert len(MATRIX) == len(ENDPOINTS) * generic * len(TIMES) + len(GRAPHQL_KINDS) * len(TIMES)
    assert {Fault(**rule).kind for rule in KINDS.values()} >= {
        "rate_limit",
        "server_error",
        "html_502",
        "html_200",
        "timeout",
        "reset",
        "truncated",
        "cut",
        "empty",
        *GRAPHQL_KINDS,
    }


@pytest.mark.slow
@pytest.mark.parametrize(("name", "kind", "times"), MATRIX)
def test_fault_matrix_cell(
    name: str, kind: str, times: int, server: FakeServer, world: World
) -> None:
    endpoint = ENDPOINTS[name]
    expected, clean_requests = clean(name, server, world)
    rule = Fault(apis=(endpoint.api,), endpoints=(endpoint.endpoint,), count=times, **KINDS[kind])
    server.app.set_faults(Faults(rules=(rule,)))
    injected_before = sum(server.app.stats.injected.values())
    timeout = READ_TIMEOUT_S if rule.kind == "timeout" else None
    answer, stats = endpoint.call(settings_for(server, timeout), world)
    injected = sum(server.app.stats.injected.values()) - injected_before
    server.app.set_faults(Faults())

    assert injected == times, "the fault did not fire as often as asked"
    assert answer == expected  # the same answer as without the fault
    extra = stats.network_requests - clean_requests
    if rule.kind == "graphql_limits":
        # "Too much" is not asked again at the same size: the batch is split in halves.
        assert 0 < extra <= 2 * times
    elif endpoint.endpoint in BATCHES and times > SPLIT_FUSE and rule.kind in FUSED:
        # A batch is split after its fuse (two 5xx), not backed off, and
        # a half after one: the whole batch's request failed, and the first half's, then the
        # parts answered.
        assert times <= extra <= 2 * times
        assert stats.failed == 1 + (times - SPLIT_FUSE)
    elif rule.kind == "timeout":
        # A clean answer can miss the read timeout too on a loaded machine (a wall-clock
        # deadline, unlike every other fault): each timeout the client met, injected or not,
        # costs one retry and is counted, and at least the injected ones were met.
        observed = sum(stats.faults.values())
        assert observed >= times
        assert extra == observed
        assert stats.failed == 0
    else:
        assert extra == times  # one retry per fault, nothing more
        assert sum(stats.faults.values()) == times  # each one counted in the run's statistics
        assert stats.failed == 0
