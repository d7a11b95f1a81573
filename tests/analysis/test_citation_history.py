"""Citations per year: scheduling within a budget, counting, the table, and the S2 pager
against the local fake's /paper/{id}/citations."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import requests

from fakeapi.world import FakePaper, World
from pipeline.analysis.citation_history import (
    MAX_PAGES_PER_PAPER,
    count_citations,
    last_fetched,
    pages_needed,
    plan_fetches,
    replace_papers,
    rows_for,
)
from pipeline.core.errors import ApiError
from pipeline.job.options import SOURCES, Inputs
from pipeline.job.outputs import write_citations
from pipeline.job.papers import fetch_citation_history, resolve_papers
from pipeline.resolve.overrides import Overrides
from pipeline.sources.semantic_scholar import (
    CitingPaper,
    SemanticScholarClient,
    parse_citation_page,
)
from pipeline.store.citations import read_citations
from pipeline.store.listio import read_list
from pipeline.store.tables import TableError
from tests.conftest import SEED_LIST
from tests.fakes import fake_apis, seed_world

NOW = datetime(2026, 11, 26, 3, tzinfo=UTC)


def test_papers_never_fetched_go_first_then_the_oldest_within_the_budget() -> None:
    papers = {"new1": 10, "old": 5, "older": 2500, "fresh": 1, "new2": 0}
    fetched = {
        "old": NOW - timedelta(days=40),
        "older": NOW - timedelta(days=90),
        "fresh": NOW - timedelta(days=3),
    }
    plan = plan_fetches(papers, fetched, NOW, page_budget=10)
    assert plan.fetch == ["new1", "new2", "older", "old"]
    assert plan.pages == 1 + 1 + 3 + 1 and plan.waiting == 0
    tight = plan_fetches(papers, fetched, NOW, page_budget=3)
    assert tight.fetch == ["new1", "new2", "old"]  # "older" needs 3 pages: it waits
    assert (tight.pages, tight.waiting) == (3, 1)
    assert plan_fetches(papers, fetched, NOW, page_budget=0).fetch == []


def test_pages_needed_are_capped() -> None:
    assert [pages_needed(n) for n in (None, 0, 1, 1000, 1001, 10**6)] == [
        1,
        1,
        1,
        1,
        2,
        MAX_PAGES_PER_PAPER,
    ]


def test_citing_papers_are_counted_by_year_and_month() -> None:
    citing = [
        CitingPaper(2024, "2024-03-05"),
        CitingPaper(2024, "2024-03-30"),
        CitingPaper(2024, None),
        CitingPaper(2023, "2024-01-02"),  # the date wins over the year field
        CitingPaper(None, None),
        CitingPaper(2025, "not a date"),
    ]
    assert count_citations(citing) == Counter(
        {(2024, 3): 2, (2024, None): 1, (2024, 1): 1, (None, None): 1, (2025, None): 1}
    )


def test_a_paper_without_citations_is_remembered_as_fetched() -> None:
    rows = rows_for("p", [], fetched_at=NOW, complete=True, synthetic=False)
    assert [(r["year"], r["month"], r["citations"]) for r in rows] == [(None, None, 0)]
    assert last_fetched(rows) == {"p": NOW}


def test_refreshing_a_paper_replaces_only_its_rows(tmp_path: Path) -> None:
    old = rows_for("a", [CitingPaper(2024, None)], fetched_at=NOW, complete=True, synthetic=True)
    old += rows_for("b", [CitingPaper(2023, None)], fetched_at=NOW, complete=True, synthetic=True)
    later = NOW + timedelta(days=31)
    new = {
        "a": rows_for(
            "a",
            [CitingPaper(2025, "2025-02-01")] * 3,
            fetched_at=later,
            complete=True,
            synthetic=True,
        )
    }
    table = replace_papers(old, new)
    assert [(r["s2_paper_id"], r["year"], r["citations"]) for r in table] == [
        ("a", 2025, 3),
        ("b", 2023, 1),
    ]
    write_citations(table, tmp_path, synthetic=True)
    back = read_citations(tmp_path / "citations_by_year.parquet")
    assert [(r["s2_paper_id"], r["year"], r["month"], r["citations"]) for r in back] == [
        ("a", 2025, 2, 3),
        ("b", 2023, None, 1),
    ]
    assert last_fetched(back) == {"a": later, "b": NOW}


def test_an_unreadable_citations_table_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "citations_by_year.parquet"
    path.write_bytes(b"not parquet")
    with pytest.raises(
        TableError, match=r"citations_by_year\.parquet: the citation history is unreadable"
    ):
        read_citations(path)


def test_the_page_shape_as_documented() -> None:
    page = parse_citation_page(
        {
            "offset": 0,
            "next": 2,
            "data": [
                {"citingPaper": {"paperId": "x", "year": 2024, "publicationDate": "2024-05-01"}},
                {"citingPaper": {"paperId": None, "year": None, "publicationDate": None}},
            ],
        }
    )
    assert page.citing == (CitingPaper(2024, "2024-05-01"), CitingPaper(None, None))
    assert page.next_offset == 2
    assert parse_citation_page({"offset": 0}).citing == ()  # no "data" key on an empty page
    with pytest.raises(TypeError):
        parse_citation_page({"data": [{"citedPaper": {}}]})


def world(citations_at_epoch: int, per_day: float = 0.0) -> World:
    return World(
        synthetic=True,
        description="test",
        epoch="2026-01-01",
        papers=[
            FakePaper(
                "p1",
                1,
                "A paper",
                2023,
                "CVPR",
                [("1", "A. B")],
                citations_at_epoch=citations_at_epoch,
                citations_per_day=per_day,
                merged_ids=["old"],
            )
        ],
    )


def test_the_pager_reads_every_page_and_the_fake_agrees_with_its_count() -> None:
    today = date(2026, 3, 1)
    with fake_apis(world(2300, per_day=5.0), today=today) as (server, settings):
        client = SemanticScholarClient.from_settings(settings)
        citing, pages, complete = client.get_citations("p1", max_pages=10)
        stats = server.app.snapshot()
    expected = 2300 + 5 * (today - date(2026, 1, 1)).days
    assert (len(citing), pages, complete) == (expected, 3, True)
    assert stats["requests"] == {"s2 GET s2_citations": 3}
    counts = count_citations(citing)
    # The citations after the epoch are dated in 2026, at 5 a day (1 in 30 has no year).
    assert 0.9 * 5 * 59 <= sum(n for (year, _), n in counts.items() if year == 2026) <= 5 * 59
    assert sum(n for (year, _), n in counts.items() if year is not None and year < 2023) == 0
    assert 0 < sum(n for (_, month), n in counts.items() if month is None) < expected / 5


def test_the_pager_stops_at_its_page_cap_and_says_so() -> None:
    with fake_apis(world(2500)) as (_, settings):
        client = SemanticScholarClient.from_settings(settings)
        citing, pages, complete = client.get_citations("p1", max_pages=2)
    assert (len(citing), pages, complete) == (2000, 2, False)


def test_an_unknown_paper_has_no_citations_and_a_merged_id_answers() -> None:
    with fake_apis(world(3)) as (_, settings):
        client = SemanticScholarClient.from_settings(settings)
        assert client.get_citations("nope", max_pages=1) == ([], 1, True)
        citing, _, _ = client.get_citations("old", max_pages=1)
    assert len(citing) == 3


def test_the_fake_refuses_a_page_over_1000() -> None:
    with fake_apis(world(3)) as (server, _):
        url = f"{server.url}/s2/graph/v1/paper/p1/citations"
        assert requests.get(url, params={"limit": "1001"}, timeout=5).status_code == 400
        body = requests.get(url, params={"limit": "2", "fields": "year"}, timeout=5).json()
    assert body["offset"] == 0 and body["next"] == 2
    assert set(body["data"][0]["citingPaper"]) == {"paperId", "year"}


def test_the_job_step_fetches_within_budget_and_then_only_what_is_due(tmp_path: Path) -> None:
    document = read_list(SEED_LIST)
    with fake_apis(seed_world()) as (_, settings):
        inputs = Inputs(document, Overrides(), {}, {})
        resolution, calls = resolve_papers(inputs, settings, SOURCES)
        spent = calls["s2"].network_requests
        budgeted = settings.with_budget(spent + 5)
        fetched, stats, line = fetch_citation_history(
            inputs,
            resolution,
            budgeted,
            page_budget=300,
            now=NOW,
            synthetic=True,
            s2_calls_spent=spent,
        )
        assert (len(fetched), stats.network_requests) == (5, 5)
        assert "5 papers fetched in 5 calls" in line and "43 due papers left" in line
        rows = replace_papers([], fetched)
        inputs = Inputs(document, Overrides(), {}, {}, rows)
        fetched, stats, line = fetch_citation_history(
            inputs, resolution, settings, page_budget=300, now=NOW, synthetic=True
        )
        assert (len(fetched), stats.network_requests) == (43, 43)
        rows = replace_papers(rows, fetched)
        inputs = Inputs(document, Overrides(), {}, {}, rows)
        later = NOW + timedelta(days=10)
        fetched, stats, _ = fetch_citation_history(
            inputs, resolution, settings, page_budget=300, now=later, synthetic=True
        )
        assert (fetched, stats.network_requests) == ({}, 0)  # nothing is a month old yet


def test_the_pager_stops_at_the_9999_citing_papers_s2_serves() -> None:
    with fake_apis(world(12_000)) as (server, settings):
        client = SemanticScholarClient.from_settings(settings)
        citing, pages, complete = client.get_citations("p1", max_pages=20)
        statuses = server.app.snapshot()["requests"]
    assert (len(citing), pages, complete) == (9999, 10, False)
    assert statuses == {"s2 GET s2_citations": 10}  # the fake refuses offset + limit >= 10000


def test_a_paper_s2_refuses_is_skipped_and_the_others_are_fetched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    document = read_list(SEED_LIST)
    with fake_apis(seed_world()) as (_, settings):
        inputs = Inputs(document, Overrides(), {}, {})
        resolution, _ = resolve_papers(inputs, settings, SOURCES)
        refused = next(r.s2_paper_id for r in resolution.resolutions if r.s2_paper_id)
        real = SemanticScholarClient.get_citations

        def get_citations(
            self: SemanticScholarClient, paper_id: str, max_pages: int
        ) -> tuple[list[CitingPaper], int, bool]:
            if paper_id == refused:
                raise ApiError("s2", "http://127.0.0.1/x", "Unacceptable query params", 400)
            return real(self, paper_id, max_pages)

        monkeypatch.setattr(SemanticScholarClient, "get_citations", get_citations)
        fetched, _, line = fetch_citation_history(
            inputs, resolution, settings, page_budget=300, now=NOW, synthetic=True
        )
    assert refused not in fetched and len(fetched) == 47
    assert "1 skipped, the last: " in line and "1 due papers left" in line
