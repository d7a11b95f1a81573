"""Fixtures of the fault-matrix tests: the lists, the world and the first run they start from."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from fakeapi.app import FakeApi
from fakeapi.server import FakeServer
from fakeapi.world import World, world_from_records
from pipeline.store.tables import read_papers
from tests.endtoend.faults_support import (
    ABBREVIATIONS,
    DAY1,
    NEW_IN_RUN_2,
    NOW,
    OBSERVED,
    Lists,
    fake_settings,
    list_text,
    options,
    seed_rows,
)
from tests.endtoend.kill_during_write import run_steps


@pytest.fixture(scope="session")
def lists(tmp_path_factory: pytest.TempPathFactory) -> Lists:
    folder = tmp_path_factory.mktemp("lists")
    first, grown = folder / "first.md", folder / "grown.md"
    first.write_text(list_text(set(ABBREVIATIONS) - NEW_IN_RUN_2), encoding="utf-8")
    grown.write_text(list_text(ABBREVIATIONS), encoding="utf-8")
    return Lists(first, grown)


@pytest.fixture(scope="session")
def world(lists: Lists) -> World:
    return world_from_records([record for _, record in seed_rows(ABBREVIATIONS)])


@pytest.fixture(scope="session")
def baseline(lists: Lists, world: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first run's outputs (clean, real charts): every cell starts from a copy."""
    out = tmp_path_factory.mktemp("baseline") / "out"
    with FakeServer(FakeApi(world, today=DAY1)) as server:
        result = run_steps(options(lists.first, out, fake_settings(server), DAY1), NOW[DAY1])
    assert (result.status, result.failed) == (0, set()), result.lines
    rows = read_papers(out / "papers.parquet")
    assert len(rows) == len(ABBREVIATIONS) - len(NEW_IN_RUN_2)
    assert all(row["match_method"] != "unresolved" for row in rows.values())
    # What the cells rely on: a paper only arXiv knows, and repositories renamed, gone, empty.
    assert "arxiv_title" in {row["match_method"] for row in rows.values()}
    assert {"ok", "renamed", "not_found", "empty"} <= {row["repo_status"] for row in rows.values()}
    return out


@pytest.fixture(scope="session", autouse=True)
def _report() -> Iterator[None]:
    yield
    target = os.environ.get("FAULT_MATRIX_REPORT")
    if target and OBSERVED:
        Path(target).write_text(json.dumps(OBSERVED, indent=1, default=str) + "\n")
