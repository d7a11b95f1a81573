"""An S2 batch that fails after its retries costs only that batch (issue 23): its ids fall to
their next resolution method (the next id, the title match) or keep the previous run's
resolution, marked; S2 goes on answering the other requests of the night. S2 is out only when
it fails every request (gates.OUTAGE_AFTER in a row) or says stop."""

from __future__ import annotations

from collections import Counter

from fakeapi.faults import Fault, Faults
from pipeline.resolve.overrides import Overrides
from pipeline.resolve.records import MatchMethod, ResolutionRun
from pipeline.resolve.resolver import Resolver
from pipeline.sources.arxiv import ArxivClient
from pipeline.sources.gates import OUTAGE_AFTER
from pipeline.sources.semantic_scholar import S2_RETRY, SemanticScholarClient
from pipeline.store.listio import read_list
from tests.conftest import SEED_LIST
from tests.fakes import fake_apis, seed_world

DOCUMENT = read_list(SEED_LIST)
# The first batch (a reset on each of its attempts) fails after its retries; S2 works after.
ONE_FAILED_BATCH = Faults(
    rules=(Fault("reset", ("s2",), ("s2_batch",), count=S2_RETRY.max_attempts),)
)


def resolve(
    faults: Faults, previous: ResolutionRun | None = None
) -> tuple[ResolutionRun, Counter[str]]:
    pins = {r.entry_id: r.pin() for r in previous.resolutions} if previous else {}
    with fake_apis(seed_world(), faults=faults) as (server, settings):
        run = Resolver(
            SemanticScholarClient.from_settings(settings), ArxivClient.from_settings(settings)
        ).resolve(DOCUMENT.entries, Overrides(), pins)
        return run, Counter(server.app.stats.requests)


def s2_ids(run: ResolutionRun) -> dict[str, str | None]:
    return {r.entry_id: r.s2_paper_id for r in run.resolutions}


def test_a_batch_failing_after_its_retries_sends_its_ids_to_the_title_match() -> None:
    clean, clean_calls = resolve(Faults())
    run, calls = resolve(ONE_FAILED_BATCH)
    assert calls["s2 POST s2_batch"] == clean_calls["s2 POST s2_batch"] + S2_RETRY.max_attempts - 1
    assert run.failures == {}  # S2 is not out: it answered everything else
    assert s2_ids(run) == s2_ids(clean)  # every entry found all the same
    by_url = [r for r in clean.resolutions if r.method is MatchMethod.PAPER_URL_ID]
    assert len(by_url) >= 5
    # The failed batch's entries were found by title, one S2 title match each.
    assert calls["s2 GET s2_match"] >= clean_calls["s2 GET s2_match"] + len(by_url)
    found = {r.entry_id: r for r in run.resolutions}
    for r in by_url:
        again = found[r.entry_id]
        assert again.method is MatchMethod.S2_TITLE, (r.entry.title, again.notes)
        assert any("S2 batch failed" in note for note in again.notes)
    assert run.failed_ids == {}  # no id failed alone: the summary names none


def test_a_failed_batch_of_pinned_ids_keeps_their_resolution_or_asks_their_next_id() -> None:
    first, _ = resolve(Faults())
    run, calls = resolve(ONE_FAILED_BATCH, previous=first)
    assert s2_ids(run) == s2_ids(first)
    assert calls["s2 GET s2_match"] == 0  # no title searched: the pins hold
    paper_url = {r.entry_id for r in run.resolutions if r.method is MatchMethod.PAPER_URL_ID}
    assert paper_url  # entries with an id in their paper URL: asked by it in the next batch
    for r in run.resolutions:
        if r.entry_id in paper_url:
            assert not r.kept_from_previous
        else:  # no other id to ask: the previous run's resolution, marked as kept
            assert r.kept_from_previous, r.entry.title
            assert "S2 failed on this entry's ids: kept the previous run's resolution" in r.notes
    assert sum(r.kept_from_previous for r in run.resolutions) > len(paper_url)
    assert "s2" not in run.failures  # the next batch answered


def test_s2_failing_every_batch_keeps_every_resolution_and_is_failed_for_the_run() -> None:
    first, _ = resolve(Faults())
    down = Faults(rules=(Fault("reset", ("s2",), ("s2_batch",)),))
    run, calls = resolve(down, previous=first)
    # The pinned ids' batch, then the batches of the entries' next ids, each after its
    # attempts: fewer failed requests in a row than an outage's; no title is searched.
    rounds, rest = divmod(calls["s2 POST s2_batch"], S2_RETRY.max_attempts)
    assert rest == 0 and 2 <= rounds < OUTAGE_AFTER
    assert calls["s2 GET s2_match"] == 0
    assert s2_ids(run) == s2_ids(first)
    assert all(r.kept_from_previous for r in run.resolutions), "one was not kept"
    # S2 answered nothing all night: failed for the run all the same.
    assert "connection reset" in run.failures["s2"]
