from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from pipeline.core.errors import ApiError, RateLimited
from pipeline.sources.config import Settings
from pipeline.sources.semantic_scholar import (
    S2_BATCH_SIZE,
    S2Author,
    SemanticScholarClient,
    arxiv_paper_id,
    parse_batch,
    parse_match,
    parse_paper,
)
from tests.fakes import Canned, FakeClock, Recorded, ReplayAdapter, contracts_dir, load_vcr

S2 = "https://api.semanticscholar.org"
BATCH = "/graph/v1/paper/batch"
MATCH = "/graph/v1/paper/search/match"
KEY = "s2-sentinel-key-abcdef"


def client_with(
    adapter: ReplayAdapter, clock: FakeClock | None = None, **settings: Any
) -> SemanticScholarClient:
    client = SemanticScholarClient.from_settings(
        Settings(cache_dir=None, **settings), clock or FakeClock()
    )
    client.http.session.mount("https://", adapter)
    client.http.session.mount("http://", adapter)
    return client


def paper(paper_id: str, **fields: Any) -> dict[str, Any]:
    return {"paperId": paper_id, "title": f"Paper {paper_id}", **fields}


# --- contract tests on recorded responses ---------------------------------------------------


def recorded(name: str) -> list[Recorded]:
    return load_vcr(contracts_dir("semanticscholar", "danielnsilva-semanticscholar") / name)


def test_recorded_batch_with_a_null_for_an_unknown_id() -> None:
    [exchange] = recorded("test_get_papers_not_found_warning.yaml")
    ids = json.loads(exchange.request_body or "{}")["ids"]
    lookups = parse_batch(exchange.json(), ids)
    assert [lookup.paper is None for lookup in lookups] == [True, False, False, False]
    found = lookups[1].paper
    assert found is not None
    assert found.paper_id == "c31c87c591a25c64fbaa82e8ac6a81831b6ac7ce"
    assert found.doi == "10.2139/ssrn.288970"
    assert found.corpus_id == 470667
    assert ("CorpusId", "470667") in found.external_ids
    assert found.bibtex is not None and found.bibtex.startswith("@")
    assert isinstance(found.citation_count, int) and found.citation_count > 0
    assert found.authors[0].name == "Marianne Bertrand"


def test_recorded_batch_by_corpus_id_bare_doi_and_sha() -> None:
    [exchange] = recorded("test_get_papers.yaml")
    ids = json.loads(exchange.request_body or "{}")["ids"]
    assert ids[0].startswith("CorpusId:")
    lookups = parse_batch(exchange.json(), ids)
    assert all(lookup.paper is not None for lookup in lookups)
    assert [lookup.requested for lookup in lookups] == ids
    assert all(lookup.paper.authors for lookup in lookups if lookup.paper)


def test_recorded_single_paper_and_title_match() -> None:
    [single] = recorded("test_get_paper.yaml")
    assert parse_paper(single.json()).title == "Computing Machinery and Intelligence"
    [match_exchange] = recorded("test_search_paper_match_title.yaml")
    match = parse_match(match_exchange.json())
    assert match is not None
    assert match.paper.title == "Mining association rules between sets of items in large databases"
    assert match.match_score is not None and match.match_score > 1  # an open scale, not 0..1


def test_recorded_search_pages_parse_every_paper() -> None:
    exchanges = recorded("test_search_paper.yaml") + recorded(
        "SemanticScholarTest.test_search_paper__429x2_then_200.yaml"
    )
    pages = [e.json() for e in exchanges if e.status == 200]
    papers = [parse_paper(item) for page in pages for item in page["data"]]
    assert len(papers) == 200
    with_arxiv = [p for p in papers if p.arxiv_id]
    assert with_arxiv
    assert all("v" not in (p.arxiv_id or "") for p in with_arxiv)  # version-less
    kinds = {p.bibtex.split("{", 1)[0] for p in papers if p.bibtex}
    assert {"@Article", "@Inproceedings"} <= kinds


def test_recorded_zero_hits_without_data_is_no_match() -> None:
    [exchange] = recorded("test_empty_paginated_results.yaml")
    assert "data" not in exchange.json()
    assert parse_match(exchange.json()) is None


def test_recorded_authors_shapes() -> None:
    [authors_page] = recorded("test_get_paper_authors.yaml")
    parsed = parse_paper({"paperId": "x", "authors": authors_page.json()["data"]})
    assert parsed.authors[0] == S2Author("2259683", "E. Duflo")  # S2 names are often initials
    [author_batch] = recorded("test_get_authors_not_found_warning.yaml")
    body = author_batch.json()
    assert body[0] is None  # the same null-for-unknown convention as the paper batch
    assert len(body) == len(json.loads(author_batch.request_body or "{}")["ids"])


def test_recorded_errors_through_the_client() -> None:
    not_found, author_not_found = recorded("test_not_found.yaml")
    assert not_found.status == 404 and not_found.json() == {"error": "Paper with id 0 not found"}
    assert author_not_found.json()["error"].startswith("Author with id 0")
    [bad] = recorded("test_bad_query_parameters.yaml")
    adapter = ReplayAdapter().add("GET", MATCH, bad.canned())
    with pytest.raises(ApiError) as raised:
        client_with(adapter).match_title("anything")
    assert raised.value.status == 400
    assert "Unrecognized or unsupported fields" in str(raised.value)


def test_recorded_429s_then_200_are_retried_with_backoff() -> None:
    exchanges = recorded("SemanticScholarTest.test_search_paper__429x2_then_200.yaml")
    assert [e.status for e in exchanges] == [429, 429, 200]
    assert "Retry-After" not in exchanges[0].headers
    adapter = ReplayAdapter().add("GET", "/graph/v1/paper/search", *(e.canned() for e in exchanges))
    clock = FakeClock()
    client = client_with(adapter, clock)
    _, page = client.http.request_json(
        "GET", f"{S2}/graph/v1/paper/search", lambda data: [parse_paper(p) for p in data["data"]]
    )
    assert page is not None and len(page) == 100
    assert len(adapter.requests) == 3
    assert client.http.stats.retries == 2
    assert 1.0 <= client.http.stats.slept_s <= 2.0 + 4.0  # backoffs of 2 s and 4 s, jittered


# --- transport fakes -------------------------------------------------------------------------


def test_batch_matches_by_position_with_nulls_and_a_merged_id() -> None:
    adapter = ReplayAdapter().add(
        "POST",
        BATCH,
        Canned(200, [paper("merged-into", citationCount=12), None, paper("c", citationCount=3)]),
    )
    lookups = client_with(adapter).get_papers(["old-sha", "ARXIV:2403.13225", "c"])
    assert [lookup.requested for lookup in lookups] == ["old-sha", "ARXIV:2403.13225", "c"]
    merged, missing, same = lookups
    assert merged.paper is not None and merged.paper.paper_id == "merged-into"
    assert merged.merged_from == "old-sha"  # both ids are kept
    assert missing.paper is None and missing.merged_from is None
    assert same.merged_from is None
    body = json.loads(adapter.requests[0].body or b"{}")
    assert body == {"ids": ["old-sha", "ARXIV:2403.13225", "c"]}
    assert "citationStyles" in (adapter.requests[0].url or "")


def test_batches_hold_at_most_500_ids() -> None:
    ids = [arxiv_paper_id(f"2401.{n:05d}") for n in range(1234)]
    answers = [Canned(200, [None] * size) for size in (500, 500, 234)]
    adapter = ReplayAdapter().add("POST", BATCH, *answers)
    lookups = client_with(adapter).get_papers(ids)
    assert len(lookups) == 1234
    assert len(adapter.requests) == math.ceil(1234 / S2_BATCH_SIZE) == 3
    assert [len(json.loads(r.body or b"{}")["ids"]) for r in adapter.requests] == [500, 500, 234]


def test_a_batch_of_the_wrong_length_is_that_batchs_failure_not_s2s() -> None:
    adapter = ReplayAdapter().add("POST", BATCH, Canned(200, [None]))
    lookups = client_with(adapter).get_papers(["a", "b"])
    assert [lookup.requested for lookup in lookups] == ["a", "b"]
    for lookup in lookups:  # each id failed tonight (not "unknown"), with the reason
        assert lookup.paper is None and not lookup.isolated
        assert lookup.failure is not None and "1 results for 2 ids" in lookup.failure
    assert len(adapter.requests) == 1  # the answer decoded: nothing asked again


def test_a_paper_that_does_not_fit_the_schema_is_that_ids_failure_alone() -> None:
    adapter = ReplayAdapter().add(
        "POST", BATCH, Canned(200, [paper("p1"), {"title": "no id"}, paper("p3", year="2020")])
    )
    first, second, third = client_with(adapter).get_papers(["a", "b", "c"])
    assert first.paper is not None and first.paper.paper_id == "p1"
    assert second.paper is None and second.failure is not None and "'paperId'" in second.failure
    assert third.paper is None and third.failure is not None and "'2020'" in third.failure
    assert len(adapter.requests) == 1  # the answer decoded: nothing asked again


def test_title_match_404_is_no_match_not_an_error() -> None:
    adapter = ReplayAdapter().add("GET", MATCH, Canned(404, {"error": "Title match not found"}))
    assert client_with(adapter).match_title("A Paper Nobody Wrote") is None
    assert len(adapter.requests) == 1


def test_title_match_is_a_list_of_one_and_hyphens_become_spaces() -> None:
    adapter = ReplayAdapter().add(
        "GET", MATCH, Canned(200, {"data": [paper("p1", matchScore=104.5, year=2023)]})
    )
    match = client_with(adapter).match_title("Weakly-Supervised  Segmentation")
    assert match is not None and match.paper.paper_id == "p1" and match.match_score == 104.5
    assert "query=Weakly+Supervised+Segmentation" in (adapter.requests[0].url or "")


def test_the_2026_s2_429_without_retry_after_ends_in_rate_limited() -> None:
    body = {"message": "Too Many Requests. Please wait and try again", "code": "429"}
    adapter = ReplayAdapter().add("POST", BATCH, Canned(429, body))
    clock = FakeClock()
    with pytest.raises(RateLimited):
        client_with(adapter, clock).get_papers(["a"])
    assert len(adapter.requests) == 6  # S2_RETRY.max_attempts
    assert sum(clock.sleeps) <= 180


def test_bad_key_is_reported_with_a_hint() -> None:
    adapter = ReplayAdapter().add("POST", BATCH, Canned(403, {"message": "Forbidden"}))
    with pytest.raises(ApiError, match="check S2_API_KEY"):
        client_with(adapter).get_papers(["a"])


def test_key_is_sent_as_x_api_key_and_paced_at_one_per_second(tmp_path: Path) -> None:
    from pipeline.sources.config import Secret

    adapter = ReplayAdapter().add("GET", MATCH, Canned(404, {"error": "Title match not found"}))
    clock = FakeClock()
    client = client_with(adapter, clock, s2_api_key=Secret(KEY))
    client.match_title("one")
    client.match_title("two")
    assert [r.headers.get("x-api-key") for r in adapter.requests] == [KEY, KEY]
    assert clock.sleeps == [1.0]
    keyless = client_with(
        ReplayAdapter().add("GET", MATCH, Canned(404, "{}")), clock := FakeClock()
    )
    keyless.match_title("one")
    keyless.match_title("two")
    assert clock.sleeps == [3.0]  # conservative without a key
