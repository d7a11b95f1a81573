"""The demo's script of nights: dates, the list each night, the renamed repository."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from fakeapi.nights import LATE_ENTRIES, REMOVED_ENTRIES, plan_nights
from fakeapi.world import world_from_list
from pipeline.listfile.parser import parse_list
from tests.conftest import SAMPLE_LISTS, SEED_LIST

START = date(2026, 11, 1)


@pytest.mark.parametrize("path", [SEED_LIST, SAMPLE_LISTS / "bullets.md"], ids=lambda p: p.name)
def test_entries_join_and_leave_once_and_nothing_else_moves(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    document = parse_list(text, source=str(path))
    world = world_from_list(document)
    plan = plan_nights(text, document, world, START, 30)
    assert [n.day for n in plan] == [START + timedelta(days=i) for i in range(30)]
    everyone = {e.title for e in document.entries}
    titles = [{e.title for e in parse_list(n.list_text, source="x").entries} for n in plan]
    added = [t for n in plan for t in n.added]
    removed = [t for n in plan for t in n.removed]
    assert len(added) == LATE_ENTRIES and len(removed) == REMOVED_ENTRIES
    assert titles[0] == everyone - set(added)
    assert titles[-1] == everyone - set(removed)
    for before, after, night in zip(titles, titles[1:], plan[1:], strict=False):
        assert after - before == set(night.added) and before - after == set(night.removed)
    renames = [(n.day, r) for n in plan for r in n.renames]
    if world.repos:
        assert len(renames) == 1 and renames[0][1][1].split("/")[0].endswith("-renamed")


def test_one_night_is_the_list_as_it_is() -> None:
    text = SEED_LIST.read_text(encoding="utf-8")
    document = parse_list(text, source="x")
    (night,) = plan_nights(text, document, world_from_list(document), START, 1)
    assert night.list_text == text and not (night.added or night.removed or night.renames)
