"""Hostile API text end to end: Markdown, HTML and BibTeX control characters in what the APIs
answer (author names, which reach BibTeX, and a renamed repository's new name) cannot break the
regenerated list, papers.bib, changes.md or the report."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from fakeapi.server import FakeServer
from fakeapi.world import World
from pipeline.cli.main import main
from pipeline.listfile.parser import parse_list
from pipeline.resolve.bibtex import parse_bibliography
from pipeline.store.listio import read_list
from tests.conftest import SEED_LIST
from tests.fakes import fake_in_env, seed_world

pytestmark = pytest.mark.usefixtures("prefect_harness")

HOSTILE_NAME = (
    "A. }, title = {pwned}, x = {<script>alert(1)</script> | [x](javascript:alert(1)) @misc{evil,"
)
HOSTILE_REPO = "evil/x)](javascript:alert(1)"


def hostile_world() -> World:
    world = seed_world()
    for paper in world.papers:
        paper.authors = [(author_id, HOSTILE_NAME) for author_id, _ in paper.authors]
        paper.arxiv_authors = [HOSTILE_NAME for _ in paper.arxiv_authors]
    for repo in world.repos:
        if repo.old_names:  # renamed: the API's new name is hostile
            repo.full_name = HOSTILE_REPO
    return world


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServer]:
    with fake_in_env(monkeypatch, hostile_world()) as server:
        yield server


def test_hostile_api_text_cannot_break_any_output(
    fake: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for paper in fake.app.world.papers:
        paper.bibtex_style = "ok"  # S2's BibTeX carries the hostile author names
    out = tmp_path / "out"
    status = main(["run", "--list", str(SEED_LIST), "--out", str(out), "--no-cache"])
    assert status == 0, capsys.readouterr().out

    source = read_list(SEED_LIST)
    regenerated = parse_list((out / "README.md").read_text(encoding="utf-8"))
    assert len(regenerated.entries) == len(source.entries)
    assert not regenerated.errors
    for before, after in zip(source.entries, regenerated.entries, strict=True):
        assert (after.title, after.venue, after.year) == (before.title, before.venue, before.year)
    for name in ("README.md", "changes.md", "resolution.md"):
        text = (out / name).read_text(encoding="utf-8")
        assert re.search(r"(?<!\\)\]\(javascript:", text) is None, name
        assert "<script>" not in text and "<img" not in text, name
    assert "javascript:" not in (out / "README.md").read_text(encoding="utf-8")

    library = parse_bibliography((out / "papers.bib").read_text(encoding="utf-8"))
    assert not library.failed_blocks
    keys = [entry.key for entry in library.entries]
    assert "evil" not in keys
    assert len(keys) == len(set(keys)) >= 50
    # The hostile names arrived as data (an author field holding the whole text) ...
    authors = [entry.fields_dict["author"].value for entry in library.entries]
    assert sum("pwned" in a and "<script>" in a for a in authors) >= 40
    # ... and broke no structure: no extra fields, entries or keys.
    for entry in library.entries:
        assert set(entry.fields_dict) <= {
            "author",
            "title",
            "booktitle",
            "journal",
            "year",
            "volume",
            "pages",
            "doi",
            "eprint",
            "archiveprefix",
            "primaryclass",
            "url",
            "publisher",
            "note",
            "number",
        }, entry.key
