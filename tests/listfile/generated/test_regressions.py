"""Minimal failing lists found by the generator, kept as fixtures: each regressions/NAME.md
must read as regressions/NAME.json says (the oracle's expected entries, same equality rule)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.listfile.parser import parse_list
from pipeline.listfile.render import render
from tests.listfile.generated.oracle import Expected, mismatches, report

REGRESSIONS = Path(__file__).resolve().parent / "regressions"
CASES = sorted(REGRESSIONS.glob("*.md"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_regression(path: Path) -> None:
    text = path.read_bytes().decode("utf-8")
    document = parse_list(text, path.name)
    assert render(document) == text
    data = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    expected = [Expected.from_json(item) for item in data]
    assert not mismatches(expected, document.entries), report(text, expected, document.entries)


def test_every_fixture_has_its_expectation() -> None:
    assert CASES
    assert all(p.with_suffix(".json").exists() for p in CASES)
