from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEED_LIST = REPO / "data" / "raw" / "README.md"
SAMPLE_LISTS = REPO / "tests" / "data" / "lists"
SHARED = REPO.parent / "shared"


def all_list_files() -> list[Path]:
    return [SEED_LIST, *sorted(SAMPLE_LISTS.glob("*.md"))]


@pytest.fixture
def seed_text() -> str:
    return SEED_LIST.read_bytes().decode("utf-8")
