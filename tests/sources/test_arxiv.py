from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from pipeline.core.errors import ApiError, MalformedResponse, RateLimited
from pipeline.sources.arxiv import ARXIV_ID_CHUNK, ArxivClient, parse_feed, title_query
from pipeline.sources.config import Settings
from tests.fakes import Canned, FakeClock, ReplayAdapter, contracts_dir, load_arxiv_py

QUERY = "/api/query"


def client_with(
    adapter: ReplayAdapter, clock: FakeClock | None = None, cache_dir: Path | None = None
) -> ArxivClient:
    client = ArxivClient.from_settings(Settings(cache_dir=cache_dir), clock or FakeClock())
    client.http.session.mount("https://", adapter)
    return client


def feed(*entries: str, total: int | None = None) -> bytes:
    count = len(entries) if total is None else total
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"'
        ' xmlns:arxiv="http://arxiv.org/schemas/atom">'
        f"<opensearch:totalResults>{count}</opensearch:totalResults>{''.join(entries)}</feed>"
    ).encode()


def entry(arxiv_id: str, title: str = "A Title", version: int = 1) -> str:
    return (
        f"<entry><id>http://arxiv.org/abs/{arxiv_id}v{version}</id><title>{title}</title>"
        "<published>2024-03-20T17:59:59Z</published><updated>2024-04-01T10:00:00Z</updated>"
        "<author><name>Ada Lovelace</name></author><author><name>Alan Turing</name></author>"
        '<arxiv:primary_category term="cs.CV"/><category term="cs.CV"/><category term="cs.LG"/>'
        f'<link href="https://arxiv.org/abs/{arxiv_id}v{version}" rel="alternate"/>'
        f'<link title="pdf" href="https://arxiv.org/pdf/{arxiv_id}v{version}" rel="related"/>'
        "</entry>"
    )


# --- contract tests on recorded responses (all three Atom formats) -----------------------------


def recorded_json(name: str) -> tuple[int, bytes]:
    record = load_arxiv_py(contracts_dir("arxiv", "lukasschwab-arxiv.py") / name)
    return record.status, record.body


def recorded_raw(*parts: str) -> bytes:
    return (contracts_dir("arxiv", *parts[:-1]) / parts[-1]).read_bytes()


def test_recorded_2026_format_single_ids() -> None:
    _, body = recorded_json("id_1605.08386_s0_m100_199195aa31ad.json")
    [heat] = parse_feed(body).entries
    assert (heat.arxiv_id, heat.version, heat.title) == (
        "1605.08386",
        1,
        "Heat-bath random walks with Markov bases",
    )
    assert heat.authors == ("Caprice Stanley", "Tobias Windisch")
    assert heat.primary_category == "math.CO" and len(heat.categories) == 2
    assert heat.published == datetime(2016, 5, 26, 17, 59, 46, tzinfo=UTC)
    assert heat.abs_url == "https://arxiv.org/abs/1605.08386v1"
    assert heat.pdf_url == "https://arxiv.org/pdf/1605.08386v1"
    _, body = recorded_json("id_2104.12255v1_s0_m100_6ae69987ffe1.json")
    assert parse_feed(body).entries[0].title == "0"  # odd titles are data, not errors


def test_recorded_old_style_id_with_journal_ref() -> None:
    _, body = recorded_json("id_astro-ph_0601001_s0_m100_3150dca9dc76.json")
    [hot] = parse_feed(body).entries
    assert hot.arxiv_id == "astro-ph/0601001"
    assert hot.journal_ref == "ActaAstron.56:1-50,2006"
    assert hot.authors[0] == "Andrew Gould"


def test_recorded_dropped_and_unknown_ids() -> None:
    _, body = recorded_json("id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af.json")
    [only] = parse_feed(body).entries  # two ids asked, one silently dropped
    assert only.arxiv_id == "1707.08567" and len(only.authors) == 34
    assert any("ü" in name for name in only.authors)  # UTF-8 restored from the Latin-1 file
    for name in (
        "id_0808.05394_s0_m100_7b0c7d0a7cdd.json",
        "id_0000.0000_s0_m100_8b51d9633a68.json",
    ):
        parsed = parse_feed(recorded_json(name)[1])
        assert (parsed.total_results, parsed.entries, parsed.error) == (0, (), None)


def test_recorded_error_feed_with_http_400() -> None:
    status, body = recorded_json("id_abc_s0_m100_b79c8dcf6bc3.json")
    assert status == 400
    assert parse_feed(body).error == "incorrect id format for abc"
    adapter = ReplayAdapter().add("GET", QUERY, Canned(status, body))
    with pytest.raises(ApiError, match="incorrect id format for abc"):
        client_with(adapter).search_title("abc")


def test_recorded_search_with_doi_and_journal_ref() -> None:
    _, body = recorded_json("q_testing_s0_m10_bc5a6c384fe9.json")
    parsed = parse_feed(body)
    assert parsed.total_results == 214881 and len(parsed.entries) == 10
    first = parsed.entries[0]
    assert first.doi == "10.1109/icstw55395.2022.00035"
    assert first.journal_ref is not None


def test_recorded_legacy_format() -> None:
    parsed = parse_feed(recorded_raw("autobib-rsxiv", "2025-08_legacy-format", "query.xml"))
    assert parsed.total_results == 7370 and len(parsed.entries) == 10
    first = parsed.entries[0]
    assert first.arxiv_id == "astro-ph/9904306"
    assert "\n" not in first.title and "  " not in first.title  # hard wraps collapsed
    assert first.abs_url == "http://arxiv.org/abs/astro-ph/9904306v1"
    with_doi = [e for e in parsed.entries if e.doi]
    assert with_doi, "the legacy sample carries arxiv:doi"
    empty = parse_feed(recorded_raw("autobib-rsxiv", "2025-08_legacy-format", "query_empty.xml"))
    assert empty.total_results == 1 and empty.entries == ()  # count entries, not totalResults


def test_recorded_nov_2025_format_links_without_attributes() -> None:
    parsed = parse_feed(recorded_raw("autobib-rsxiv", "2025-11_new-format", "query.xml"))
    ring = next(e for e in parsed.entries if e.arxiv_id == "1309.4668")
    assert ring.abs_url == "https://arxiv.org/abs/1309.4668v1"
    assert ring.pdf_url == "https://arxiv.org/pdf/1309.4668v1"
    assert ring.doi == "10.5170/cern-2013-002.237"
    missing = parse_feed(
        recorded_raw("autobib-rsxiv", "2025-11_new-format", "query_missing_id.xml")
    )
    assert [e.arxiv_id for e in missing.entries] == ["2201.13452"]
    assert (
        parse_feed(recorded_raw("autobib-rsxiv", "2025-11_new-format", "query_empty.xml")).entries
        == ()
    )


def test_recorded_kdense_feeds() -> None:
    [attention] = parse_feed(
        recorded_raw("K-Dense-AI-scientific-agent-skills", "arxiv_feed.xml")
    ).entries
    assert (attention.arxiv_id, attention.version, attention.title) == (
        "1706.03762",
        7,
        "Attention Is All You Need",
    )
    assert attention.doi is None and attention.primary_category == "cs.CL"
    assert (
        parse_feed(recorded_raw("K-Dense-AI-scientific-agent-skills", "arxiv_empty.xml")).entries
        == ()
    )
    error = parse_feed(recorded_raw("K-Dense-AI-scientific-agent-skills", "arxiv_error.xml"))
    assert error.error == "start must be an integer"
    rewritten = parse_feed(
        recorded_raw("K-Dense-AI-scientific-agent-skills", "arxiv_rewritten_query.xml")
    )
    assert rewritten.entries == ()


def test_recorded_rate_limit_text_is_retried() -> None:
    limited = recorded_raw("K-Dense-AI-scientific-agent-skills", "arxiv_rate_limited.txt")
    assert limited.strip() == b"Rate exceeded."
    with pytest.raises(ValueError, match="not XML"):
        parse_feed(limited)
    adapter = ReplayAdapter().add(
        "GET",
        QUERY,
        Canned(429, limited, {"Content-Type": "text/plain"}),
        Canned(200, feed(entry("2403.13225"))),
    )
    found = client_with(adapter).get_by_ids(["2403.13225"])
    assert list(found) == ["2403.13225"]
    assert len(adapter.requests) == 2


# --- transport fakes -------------------------------------------------------------------------


def test_ids_go_in_chunks_of_100_with_max_results_equal_to_the_chunk() -> None:
    ids = [f"2401.{n:05d}" for n in range(250)]
    answers = [Canned(200, feed(*(entry(i) for i in ids[k : k + 100]))) for k in (0, 100, 200)]
    adapter = ReplayAdapter().add("GET", QUERY, *answers)
    clock = FakeClock()
    found = client_with(adapter, clock).get_by_ids(ids)
    assert len(found) == 250
    assert len(adapter.requests) == math.ceil(250 / ARXIV_ID_CHUNK) == 3
    queries = [parse_qs(urlsplit(r.url or "").query) for r in adapter.requests]
    assert [q["max_results"] for q in queries] == [["100"], ["100"], ["50"]]
    assert [len(q["id_list"][0].split(",")) for q in queries] == [100, 100, 50]
    assert clock.sleeps == [3.0, 3.0]  # one request every three seconds


def test_versions_are_stripped_and_dropped_ids_are_absent() -> None:
    adapter = ReplayAdapter().add("GET", QUERY, Canned(200, feed(entry("2305.08491", version=6))))
    found = client_with(adapter).get_by_ids(["2305.08491v6", "2305.99999"])
    assert list(found) == ["2305.08491"]
    assert found["2305.08491"].version == 6
    assert "id_list=2305.08491%2C2305.99999" in (adapter.requests[0].url or "")


def test_an_empty_page_is_asked_once_more_bypassing_the_cache(tmp_path: Path) -> None:
    adapter = ReplayAdapter().add(
        "GET", QUERY, Canned(200, feed()), Canned(200, feed(entry("2404.08195")))
    )
    client = client_with(adapter, cache_dir=tmp_path)
    assert list(client.get_by_ids(["2404.08195"])) == ["2404.08195"]
    assert len(adapter.requests) == 2
    # The good answer is now cached: a second lookup costs nothing.
    assert list(client.get_by_ids(["2404.08195"])) == ["2404.08195"]
    assert len(adapter.requests) == 2


def test_an_empty_answer_twice_means_not_found() -> None:
    adapter = ReplayAdapter().add("GET", QUERY, Canned(200, feed()))
    assert client_with(adapter).get_by_ids(["2404.99999"]) == {}
    assert len(adapter.requests) == 2


def test_error_entry_with_http_200_is_an_error() -> None:
    error_feed = feed(
        "<entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_start</id>"
        "<title>Error</title><summary>start must be an integer</summary></entry>"
    )
    adapter = ReplayAdapter().add("GET", QUERY, Canned(200, error_feed))
    with pytest.raises(ApiError, match="start must be an integer"):
        client_with(adapter).get_by_ids(["2404.08195"])


def test_html_where_xml_was_expected_is_malformed() -> None:
    adapter = ReplayAdapter().add(
        "GET", QUERY, Canned(200, "<html><body>maintenance</body></html>")
    )
    with pytest.raises(MalformedResponse):
        client_with(adapter).get_by_ids(["2404.08195"])


def test_a_429_storm_ends_in_rate_limited() -> None:
    adapter = ReplayAdapter().add("GET", QUERY, Canned(429, "Rate exceeded."))
    with pytest.raises(RateLimited):
        client_with(adapter).get_by_ids(["2404.08195"])
    assert len(adapter.requests) == 4


def test_title_search_is_a_phrase_on_the_title() -> None:
    assert title_query("DINO is Also a Semantic Guider:Exploiting (v2)") == (
        'ti:"DINO is Also a Semantic Guider Exploiting v2"'
    )
    adapter = ReplayAdapter().add("GET", QUERY, Canned(200, feed(entry("2403.13225", "Modeling"))))
    [found] = client_with(adapter).search_title("Modeling the Label Distributions")
    assert found.arxiv_id == "2403.13225"
    query = parse_qs(urlsplit(adapter.requests[0].url or "").query)
    assert query["search_query"] == ['ti:"Modeling the Label Distributions"']


def test_invalid_ids_are_refused_before_any_request() -> None:
    adapter = ReplayAdapter()
    with pytest.raises(ValueError, match="not an arXiv id"):
        client_with(adapter).get_by_ids(["abc"])
    assert adapter.requests == []
