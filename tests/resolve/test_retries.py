"""Entries no source could place are searched again after 1, 2, 4 ... nights, not every night."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from fakeapi.faults import Faults
from fakeapi.world import FakePaper, World
from pipeline.listfile.parser import parse_list
from pipeline.resolve.overrides import Overrides
from pipeline.resolve.records import MatchMethod, Pin, ResolutionRun
from pipeline.resolve.report import load_pins, resolution_json, resolution_markdown
from pipeline.resolve.resolver import RETRY_NIGHTS, Resolver
from pipeline.sources.arxiv import ArxivClient
from pipeline.sources.semantic_scholar import SemanticScholarClient
from tests.fakes import fake_apis

LOST = "A Paper No Source Has Heard Of"
FOUND = "Token Contrast for Weakly-Supervised Semantic Segmentation"
DAY0 = date(2026, 3, 1)


def world(*titles: str) -> World:
    papers = [
        FakePaper(paper_id=f"p{i}", corpus_id=i, title=title, year=2023, venue="CVPR", authors=[])
        for i, title in enumerate(titles)
    ]
    return World(synthetic=True, description="test", epoch="2026-01-01", papers=papers)


TEXT = f"| Title | Venue |\n|---|---|\n| {LOST} | CVPR 2023 |\n| {FOUND} | CVPR 2023 |\n"


def night(
    the_world: World, previous: dict[str, Pin], day: date, tmp: Path, faults: Faults | None = None
) -> tuple[ResolutionRun, dict[str, Pin], int]:
    with fake_apis(the_world, faults=faults or Faults()) as (server, settings):
        resolver = Resolver(
            SemanticScholarClient.from_settings(settings), ArxivClient.from_settings(settings)
        )
        run = resolver.resolve(parse_list(TEXT).entries, Overrides(), previous, day)
        calls = sum(Counter(server.app.stats.requests).values())
    report = tmp / f"{day}.json"
    when = datetime(day.year, day.month, day.day, tzinfo=UTC)
    report.write_text(resolution_json(run, source="l.md", generated_at=when, synthetic=True))
    return run, load_pins(report), calls


def test_an_unresolved_entry_backs_off_and_is_found_once_it_exists(tmp_path: Path) -> None:
    the_world = world(FOUND)
    pins: dict[str, Pin] = {}
    searched_on = []
    for offset in range(40):
        day = DAY0 + timedelta(days=offset)
        run, pins, calls = night(the_world, pins, day, tmp_path)
        lost = run.resolutions[0]
        assert lost.method is MatchMethod.UNRESOLVED
        if (
            lost.tries
            and lost.next_try
            and lost.next_try - day
            == timedelta(days=RETRY_NIGHTS[min(lost.tries, len(RETRY_NIGHTS)) - 1])
            and "not searched tonight" not in " ".join(lost.notes)
        ):
            searched_on.append(offset)
            assert calls > 1  # its title was asked (the other entry is pinned after night 0)
        else:
            assert "next try on" in lost.notes[0]
            assert calls == 1  # only the pinned entry's batch
    # Searched on the first night, then after 1, 2, 4, 8 and 16 nights.
    assert searched_on == [0, 1, 3, 7, 15, 31]
    markdown = resolution_markdown(
        run, source="l.md", generated_at=datetime(2026, 4, 9, tzinfo=UTC), synthetic=True
    )
    assert "| 6 | 2026-05-01 |" in markdown  # tries and the date of the next try
    # The paper appears in S2: found on its next try, not before.
    the_world = world(FOUND, LOST)
    next_try = pins[run.resolutions[0].entry_id].next_try
    assert next_try is not None
    run, _, _ = night(the_world, pins, next_try - timedelta(days=1), tmp_path)
    assert run.resolutions[0].method is MatchMethod.UNRESOLVED
    run, _, _ = night(the_world, pins, next_try, tmp_path)
    assert run.resolutions[0].method is MatchMethod.S2_TITLE


def test_a_night_without_an_answer_is_not_counted_as_a_try(tmp_path: Path) -> None:
    run, pins, _ = night(world(FOUND), {}, DAY0, tmp_path)
    assert run.resolutions[0].tries == 1
    down = Faults(down=frozenset({"s2", "arxiv"}))
    day = DAY0 + timedelta(days=1)
    run, pins_after, _ = night(world(FOUND), pins, day, tmp_path, faults=down)
    lost = pins_after[run.resolutions[0].entry_id]
    # Asked, but nobody answered: not counted; the count so far stands, and with no date set
    # the title is asked again the next night.
    assert (lost.tries, lost.next_try) == (1, None)


def test_a_new_entry_is_searched_on_its_first_night(tmp_path: Path) -> None:
    run, _, calls = night(world(FOUND), {}, DAY0, tmp_path)
    assert [r.tries for r in run.resolutions] == [1, 0]
    assert run.resolutions[1].method is MatchMethod.S2_TITLE
    assert calls >= 3  # both titles asked on S2, the lost one on arXiv too
