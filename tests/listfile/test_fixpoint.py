"""The regenerated list is a fixpoint (issue 24): read back as tomorrow's input it gives the same
entries, and regenerating it with the same data gives the same bytes. What regenerate added
(table columns, bullet suffixes, HTML cells) is recognised by `strip_enrichment` and replaced,
never doubled. Checked on every list shape the repository holds (the seed list, the sample
lists, a made-up HTML table and bullets with hard breaks) and on the shared corpus."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.listfile.model import ListDocument
from pipeline.listfile.parser import parse_list
from pipeline.listfile.regenerate import SortBy, regenerate, strip_enrichment
from tests.conftest import SHARED, all_list_files
from tests.listfile.test_htmltables import MODELS

CORPUS = sorted((SHARED / "corpus" / "lists").glob("*.md"))

BULLETS = (
    "# Papers\n\n"
    "- [A Paper About Segmentation](https://arxiv.org/abs/2101.00001) [[code](https://github.com/a/b)]\n"
    "- [Another Paper With A Break](https://arxiv.org/abs/2101.00002) <br>\n"
    "* [A Third Paper, Backslash](https://arxiv.org/abs/2101.00003)\\\n"
    "  continued on the next line\n"
    "1. [Numbered Paper](https://arxiv.org/abs/2101.00004) - CVPR 2021\r\n"
)


def _rows(document: ListDocument, day: int = 1) -> list[dict[str, Any]]:
    """Values of every kind regenerate writes: thousands, gone, blocked, empty, archived,
    missing values, dates."""
    statuses = ["ok", "not_found", "blocked", "empty", "ok", "ok", "ok"]
    return [
        {
            "position": e.position,
            "citation_count": None if e.position % 6 == 5 else e.position * 1237 + day,
            "stars": None if e.position % 4 == 3 else e.position * 997 + day,
            "repo_status": statuses[e.position % len(statuses)],
            "archived": e.position % 5 == 4,
            "last_commit_at": (
                None
                if e.position % 3 == 2
                else datetime(2026, 1 + e.position % 12, day, tzinfo=UTC)
            ),
        }
        for e in document.entries
    ]


def _read(text: str) -> ListDocument:
    """As the job reads a list (pipeline.store.listio): without its own enrichment."""
    document = parse_list(text)
    stripped = strip_enrichment(document)
    return document if stripped is None else parse_list(stripped)


def _entries(document: ListDocument) -> list[tuple[object, ...]]:
    return [
        (e.line, e.section, e.title, e.paper_url, e.code_urls, e.venue, e.year)
        for e in document.entries
    ]


def _moved(before: ListDocument, after: ListDocument) -> dict[int, int]:
    """Each entry's position in `after` (sorting moves entries), the entry known by its title
    and links; namesakes keep their relative order (the sort is stable)."""
    slots: dict[tuple[object, ...], list[int]] = {}
    for entry in after.entries:
        slots.setdefault((entry.title, entry.paper_url, entry.code_urls), []).append(entry.position)
    return {
        e.position: slots[(e.title, e.paper_url, e.code_urls)].pop(0)
        for e in sorted(before.entries, key=lambda e: e.position)
    }


def _check_fixpoint(text: str, sort_by: SortBy | None = None) -> str:
    original = parse_list(text)
    rows = _rows(original)
    trending = {e.position for e in original.entries[:3]}
    first = regenerate(original, rows, sort_by=sort_by, trending=trending)
    again = _read(first)
    if sort_by is None:  # sorting moves rows: then lines and order differ by design
        assert _entries(again) == _entries(original)
    assert sorted(map(str, (e[2:] for e in _entries(again)))) == sorted(
        map(str, (e[2:] for e in _entries(original)))
    )
    moved = _moved(original, again)
    same = [{**row, "position": moved[row["position"]]} for row in rows]
    second = regenerate(again, same, sort_by=sort_by, trending={moved[p] for p in trending})
    assert second == first
    # Another night's numbers replace the values; the columns still appear once.
    third = regenerate(again, _rows(again, day=2))
    assert third.count("Last commit") == first.count("Last commit")
    return first


@pytest.mark.parametrize("path", all_list_files(), ids=lambda p: p.name)
@pytest.mark.parametrize("sort_by", [None, "citations"])
def test_a_regenerated_list_regenerates_to_the_same_bytes(
    path: Path, sort_by: SortBy | None
) -> None:
    _check_fixpoint(path.read_bytes().decode("utf-8"), sort_by)


@pytest.mark.parametrize("text", [BULLETS, MODELS], ids=["bullets", "html-table"])
def test_bullets_and_html_tables_are_fixpoints(text: str) -> None:
    first = _check_fixpoint(text)
    assert all(line.count("Citations") <= 1 for line in first.splitlines())
    assert "Citations" in first
    assert strip_enrichment(parse_list(first)) is not None


def test_the_stripped_list_is_the_source_where_regenerate_padded_nothing(seed_text: str) -> None:
    first = regenerate(parse_list(seed_text), _rows(parse_list(seed_text)))
    assert strip_enrichment(parse_list(first)) == seed_text
    assert strip_enrichment(parse_list(seed_text)) is None  # nothing of its own: untouched


def test_a_column_of_the_maintainers_own_is_not_taken_for_ours() -> None:
    text = (
        "| Title | Stars |\n|---|---|\n"
        "| [A Paper On Things](https://arxiv.org/abs/2101.00001) | 12 |\n"
        "\n- [Bullet Paper Title](https://arxiv.org/abs/2101.00002) — Stars: many\n"
    )
    assert strip_enrichment(parse_list(text)) is None


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name[:40])
def test_every_corpus_list_is_a_fixpoint(path: Path) -> None:
    _check_fixpoint(path.read_bytes().decode("utf-8"))


_TITLE_WORDS = st.sampled_from(
    ["Sparse", "Prompt", "Tuning", "for", "Widget", "Segmentation", "Nets"]
)
_BULLET = st.tuples(
    st.lists(_TITLE_WORDS, min_size=3, max_size=7),
    st.sampled_from(["-", "*", "+", "1.", "2)"]),
    st.sampled_from(["", " - CVPR 2021", " [[code](https://github.com/a/b)]", " <br>", "\\"]),
)


@st.composite
def _bullet_lists(draw: st.DrawFn) -> str:
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    heading = draw(st.sampled_from(["", "# Papers" + eol + eol, "## 2024" + eol]))
    items = [
        f"{marker} [{' '.join(words)}](https://arxiv.org/abs/2101.{n:05d}){tail}"  # one id each
        for n, (words, marker, tail) in enumerate(draw(st.lists(_BULLET, min_size=1, max_size=8)))
    ]
    return heading + eol.join(items) + draw(st.sampled_from([eol, ""]))


@st.composite
def _paper_tables(draw: st.DrawFn) -> str:
    """Paper tables as lists write them: a title column among others, every row as wide as
    the header, with or without the outer pipes, any line ending."""
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    outer = draw(st.booleans())
    others = draw(st.lists(st.sampled_from(["Venue", "Code", "Notes", "Year"]), max_size=3))
    headers = ["Title", *others]

    def row(cells: list[str]) -> str:
        inner = " | ".join(cells)
        return f"| {inner} |" if outer else inner

    rows = [row(headers), row(["---"] * len(headers))]
    for words in draw(st.lists(st.lists(_TITLE_WORDS, min_size=3, max_size=6), max_size=6)):
        title = f"[{' '.join(words)}](https://arxiv.org/abs/2101.{len(rows):05d})"
        rows.append(row([title, *(draw(st.sampled_from(["CVPR 2021", "-", "x"])) for _ in others)]))
    return eol.join(rows) + draw(st.sampled_from([eol, eol + eol + "after" + eol]))


@settings(max_examples=150, deadline=None)
@given(st.one_of(_paper_tables(), _bullet_lists()), st.sampled_from([None, "citations"]))
def test_generated_lists_are_fixpoints(text: str, sort_by: SortBy | None) -> None:
    _check_fixpoint(text, sort_by)


def test_a_delimiter_padded_after_its_last_cell_keeps_its_padding() -> None:
    # render pads the added delimiter cells like the source's last one; stripping keeps it
    _check_fixpoint("| Title \n| --- \n| [A Paper On Widgets](https://arxiv.org/abs/2101.00001) \n")
