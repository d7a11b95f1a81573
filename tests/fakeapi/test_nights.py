"""The demo's script of nights: dates, the list each night, the renamed repository."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from fakeapi.description import PaperRecord
from fakeapi.nights import LATE_ENTRIES, REMOVED_ENTRIES, plan_nights
from fakeapi.world import world_from_records
from pipeline.listfile.parser import parse_list
from tests.conftest import SAMPLE_LISTS, SEED_LIST
from tests.fakes import seed_records

START = date(2026, 11, 1)
# tests/data/lists/bullets.md, read by hand: its five papers (the code-fenced row is not one).
BULLETS = [
    PaperRecord(
        "An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale",
        2021,
        "ICLR",
        arxiv_id="2010.11929",
        repos=("google-research/vision_transformer",),
    ),
    PaperRecord(
        "Learning Transferable Visual Models From Natural Language Supervision",
        2021,
        "ICML",
        arxiv_id="2103.00020",
        repos=("openai/CLIP",),
    ),
    PaperRecord(
        "Swin Transformer: Hierarchical Vision Transformer using Shifted Windows",
        2021,
        "ICCV",
        repos=(
            "microsoft/Swin-Transformer",
            "SwinTransformer/Swin-Transformer-Semantic-Segmentation",
        ),
    ),
    PaperRecord(
        "End-to-End Object Detection with Transformers",
        2020,
        "ECCV",
        repos=("facebookresearch/detr",),
    ),
    PaperRecord("Generative Pretraining From Pixels", 2020, "ICML"),
]


def _present(text: str, records: list[PaperRecord]) -> set[str]:
    """The records whose written title is on a line of the text."""
    return {record.title for record in records if record.as_written in text}


@pytest.mark.parametrize(
    ("path", "records"),
    [(SEED_LIST, None), (SAMPLE_LISTS / "bullets.md", BULLETS)],
    ids=["seed", "bullets"],
)
def test_entries_join_and_leave_once_and_nothing_else_moves(
    path: Path, records: list[PaperRecord] | None
) -> None:
    text = path.read_text(encoding="utf-8")
    records = records or seed_records()
    world = world_from_records(records)
    plan = plan_nights(text, records, world, START, 30)
    assert [n.day for n in plan] == [START + timedelta(days=i) for i in range(30)]
    everyone = {record.title for record in records}
    assert _present(text, records) == everyone
    titles = [_present(n.list_text, records) for n in plan]
    added = [t for n in plan for t in n.added]
    removed = [t for n in plan for t in n.removed]
    assert len(added) == LATE_ENTRIES and len(removed) == REMOVED_ENTRIES
    assert titles[0] == everyone - set(added)
    assert titles[-1] == everyone - set(removed)
    for before, after, night in zip(titles, titles[1:], plan[1:], strict=False):
        assert after - before == set(night.added) and before - after == set(night.removed)
    # Only the entries' own lines move: the product reads one entry fewer per absent record.
    full = len(parse_list(text, source="x").entries)
    for night, present in zip(plan, titles, strict=True):
        assert len(parse_list(night.list_text, source="x").entries) == full - (
            len(everyone) - len(present)
        )
    renames = [(n.day, r) for n in plan for r in n.renames]
    if world.repos:
        assert len(renames) == 1 and renames[0][1][1].split("/")[0].endswith("-renamed")


def test_one_night_is_the_list_as_it_is() -> None:
    text = SEED_LIST.read_text(encoding="utf-8")
    records = seed_records()
    (night,) = plan_nights(text, records, world_from_records(records), START, 1)
    assert night.list_text == text and not (night.added or night.removed or night.renames)


def test_an_entry_whose_title_is_written_twice_never_moves() -> None:
    """An entry found on two lines (or none) cannot be dropped by its line: it stays."""
    text = "| [Twice](u) |\n| [Twice](v) |\n| [Alpha Paper](w) |\n| [Beta Paper](x) |\n"
    records = [PaperRecord("Twice"), PaperRecord("Alpha Paper"), PaperRecord("Beta Paper")]
    plan = plan_nights(text, records, world_from_records(records), START, 6)
    moved = {t for n in plan for t in [*n.added, *n.removed]}
    assert "Twice" not in moved and moved <= {"Alpha Paper", "Beta Paper"}
