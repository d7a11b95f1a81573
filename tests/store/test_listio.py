from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.listfile.model import ListDocument
from pipeline.listfile.parser import parse_list
from pipeline.store import listio

LIST = (
    "| Title | Paper |\n|---|---|\n"
    "| A Paper on Lists | [arXiv](https://arxiv.org/abs/2301.00001) |\n"
)


def test_the_same_list_read_twice_is_parsed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `awesome-enrich run` reads the list to check it, then the flow reads it again.
    parsed: list[str] = []

    def counted(text: str, source: str) -> ListDocument:
        parsed.append(source)
        return parse_list(text, source=source)

    monkeypatch.setattr(listio, "parse_list", counted)
    listio._parsed.cache_clear()
    path = tmp_path / "list.md"
    path.write_text(LIST, encoding="utf-8")
    first = listio.read_list(path)
    assert listio.read_list(path) is first
    assert len(parsed) == 1
    path.write_text(LIST.replace("Lists", "Tables"), encoding="utf-8")  # changed: read anew
    changed = listio.read_list(path)
    assert len(parsed) == 2
    assert changed.entries[0].title == "A Paper on Tables"
