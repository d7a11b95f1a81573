from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from pipeline.arxiv import ArxivClient
from pipeline.config import Secret, Settings
from pipeline.fetch import fetch_by_identifiers, summary_lines, wanted_identifiers
from pipeline.github import GitHubClient
from pipeline.parser import parse_list
from pipeline.semantic_scholar import SemanticScholarClient
from tests.fakes import Canned, FakeClock, ReplayAdapter
from tests.test_arxiv import entry, feed


def clients(
    adapter: ReplayAdapter, settings: Settings | None = None
) -> tuple[SemanticScholarClient, ArxivClient, GitHubClient]:
    settings = settings or Settings(cache_dir=None, github_token=Secret("ghp_test_token_value"))
    built = (
        SemanticScholarClient.from_settings(settings, FakeClock()),
        ArxivClient.from_settings(settings, FakeClock()),
        GitHubClient.from_settings(settings, FakeClock()),
    )
    for client in built:
        client.http.session.mount("https://", adapter)
    return built


def test_seed_identifiers(seed_text: str) -> None:
    wanted = wanted_identifiers(parse_list(seed_text).entries)
    assert len(wanted.arxiv_ids) == 8
    # In list order: WeakCLIP's Springer DOI comes first.
    assert wanted.s2_ids == (
        "DOI:10.1007/s11263-024-02224-2",
        *(f"ARXIV:{i}" for i in wanted.arxiv_ids),
    )
    assert len(wanted.repos) == 42  # AGMM-SASS, MCTformer and RepresentationLearning once each
    assert "Rongtao-Xu/RepresentationLearning" in wanted.repos
    assert "rongtao-xu/representationlearning" not in wanted.repos


def test_seed_fetch_uses_the_minimum_number_of_calls(seed_text: str) -> None:
    wanted = wanted_identifiers(parse_list(seed_text).entries)
    s2_answer = [{"paperId": f"p{n}", "title": "T"} for n in range(len(wanted.s2_ids) - 1)] + [None]
    graphql: dict[str, Any] = {
        "data": {
            f"r{n}": {
                "nameWithOwner": name,
                "stargazerCount": n,
                "isArchived": False,
                "defaultBranchRef": {"name": "main", "target": {"committedDate": None}},
            }
            for n, name in enumerate(wanted.repos)
        }
    }
    adapter = (
        ReplayAdapter()
        .add("POST", "/graph/v1/paper/batch", Canned(200, s2_answer))
        .add("GET", "/api/query", Canned(200, feed(*(entry(i) for i in wanted.arxiv_ids[:-1]))))
        .add("POST", "/graphql", Canned(200, graphql))
    )
    s2, arxiv, github = clients(adapter)
    result = fetch_by_identifiers(wanted, s2, arxiv, github)
    assert [r.method for r in adapter.requests] == ["POST", "GET", "POST"]  # one call per API
    assert result.failures == {}
    assert summary_lines(wanted, result) == [
        "s2: 9 ids: 8 found, 1 unknown",
        "arxiv: 8 ids: 7 found, 1 unknown",
        "github: 42 repositories: 42 ok",
    ]


def test_one_api_failing_does_not_stop_the_others(seed_text: str) -> None:
    wanted = wanted_identifiers(parse_list(seed_text).entries)
    adapter = (
        ReplayAdapter()
        .add("POST", "/graph/v1/paper/batch", Canned(503, "<html>down</html>"))
        .add("GET", "/api/query", Canned(200, feed(*(entry(i) for i in wanted.arxiv_ids))))
        .add("POST", "/graphql", Canned(200, {"data": {}}))
    )
    for name in wanted.repos:
        adapter.add("GET", f"/repos/{name}", Canned(404, {"message": "Not Found"}))
    s2, arxiv, github = clients(adapter)
    result = fetch_by_identifiers(wanted, s2, arxiv, github)
    lines = summary_lines(wanted, result)
    assert lines[0] == (
        "s2: FAILED: server error (HTTP 503): https://api.semanticscholar.org/graph/v1/paper/batch"
    )
    assert lines[1:] == [
        "arxiv: 8 ids: 8 found, 0 unknown",
        "github: 42 repositories: 42 not_found",
    ]


def test_sentinel_tokens_reach_only_their_own_api(
    seed_text: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    s2_key, gh_token = "S2-SENTINEL-KEY-9f8e7d", "GH-SENTINEL-TOKEN-1a2b3c"
    settings = Settings(
        cache_dir=tmp_path, s2_api_key=Secret(s2_key), github_token=Secret(gh_token)
    )
    wanted = wanted_identifiers(parse_list(seed_text).entries)
    adapter = (
        ReplayAdapter()
        .add("POST", "/graph/v1/paper/batch", Canned(500, "err"), Canned(200, [None] * 9))
        .add("GET", "/api/query", Canned(200, feed()))
        .add("POST", "/graphql", Canned(502, "bad gateway"))
        .add("GET", "/elsewhere", Canned(200, {"full_name": "x/y", "stargazers_count": 1}))
    )
    for name in wanted.repos:  # every repository was moved to another host
        adapter.add(
            "GET",
            f"/repos/{name}",
            Canned(301, "", {"Location": "https://mirror.example.net/elsewhere"}),
        )
    adapter.add("GET", "/repos/x/y/commits", Canned(409, {"message": "Git Repository is empty."}))
    built = clients(adapter, settings)
    with caplog.at_level(logging.DEBUG):
        result = fetch_by_identifiers(wanted, *built)
    for client in built:
        client.http.close()
    hosts_with = {
        token: {urlsplit(r.url or "").hostname for r in adapter.requests if token in str(r.headers)}
        for token in (s2_key, gh_token)
    }
    assert hosts_with == {s2_key: {"api.semanticscholar.org"}, gh_token: {"api.github.com"}}
    assert any(r.url and "mirror.example.net" in r.url for r in adapter.requests)
    texts = [record.getMessage() for record in caplog.records] + list(result.failures.values())
    texts += [repr(info) for info in result.github.values()]
    assert texts and not any(s2_key in t or gh_token in t for t in texts)
    for path in tmp_path.iterdir():
        assert s2_key.encode() not in path.read_bytes()
        assert gh_token.encode() not in path.read_bytes()
