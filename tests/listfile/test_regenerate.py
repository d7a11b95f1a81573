"""The regenerated list's extras: sorting each section by citations or stars, and the trending
marker. Both are off by default, and then the output is the one from before they existed."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest

from pipeline.listfile.model import Entry, HtmlTable, ListDocument, Table, TextBlock
from pipeline.listfile.parser import parse_list
from pipeline.listfile.regenerate import TRENDING_MARKER, SortBy, regenerate
from tests.conftest import SEED_LIST

# sha256 of `regenerate(seed, enriched_rows(seed))` computed with the code from before sorting
# and the trending marker were added. If data/raw/README.md changes, recompute it with the old
# code (git stash), not with the new one.
DEFAULT_OUTPUT_SHA256 = "737ea6245ca4b3ad69b3ec7bca2cc1a4b1577c2ba91d44740bd2714032773e3a"


def enriched_rows(document: ListDocument) -> list[dict[str, Any]]:
    """Deterministic enrichment: ties, missing citations and stars, gone, archived, renamed."""
    rows: list[dict[str, Any]] = []
    for entry in document.entries:
        p = entry.position
        code_url = entry.code_urls[0] if entry.code_urls else None
        renamed = code_url is not None and p % 9 == 2
        rows.append(
            {
                "position": p,
                "citation_count": None if p % 5 == 0 else (p * 37) % 23 * 100,
                "stars": None if p % 7 == 0 else (p * 53) % 17 * 10,
                "repo_status": "renamed" if renamed else "not_found" if p % 11 == 3 else "ok",
                "repo": f"new-owner/repo-{p}" if renamed else None,
                "archived": p % 13 == 4,
                "last_commit_at": datetime(2024, 1 + p % 12, 1 + p % 28, tzinfo=UTC),
                "code_url": code_url,
            }
        )
    return rows


@pytest.fixture
def seed() -> ListDocument:
    return parse_list(SEED_LIST.read_bytes().decode("utf-8"), str(SEED_LIST))


def _outside_tables(document: ListDocument) -> list[str]:
    """The raw lines of everything but the data rows of tables (header and delimiter kept)."""
    lines: list[str] = []
    for block in document.blocks:
        if isinstance(block, Table):
            lines += [block.header.line.raw, block.delimiter.line.raw]
        elif isinstance(block, TextBlock | HtmlTable):
            lines += [line.raw for line in block.lines]
        else:
            lines.append(block.line.raw)
    return lines


def _paper_key(entry: Entry) -> tuple[object, ...]:
    """What tells the seed's papers apart after columns and renamed links (titles repeat)."""
    return (entry.title, entry.paper_url, entry.abbreviation, entry.venue)


def _order_by_section(document: ListDocument, original: ListDocument) -> dict[str, list[int]]:
    """The original positions of the papers of `document`, section by section, in its order."""
    by_key = {_paper_key(entry): entry.position for entry in original.entries}
    sections: dict[str, list[int]] = {}
    for entry in document.entries:
        sections.setdefault(entry.section or "", []).append(by_key[_paper_key(entry)])
    return sections


def _expected_order(positions: Sequence[int], values: dict[int, int | None]) -> list[int]:
    with_value = [p for p in positions if values[p] is not None]
    without = [p for p in positions if values[p] is None]
    return sorted(with_value, key=lambda p: -(values[p] or 0)) + without


def test_defaults_give_the_output_from_before_the_extras(seed: ListDocument) -> None:
    rows = enriched_rows(seed)
    default = regenerate(seed, rows)
    assert hashlib.sha256(default.encode("utf-8")).hexdigest() == DEFAULT_OUTPUT_SHA256
    assert regenerate(seed, rows, sort_by=None, trending=()) == default
    assert TRENDING_MARKER not in default


def test_citations_and_stars_values_used_for_sorting(seed: ListDocument) -> None:
    rows = enriched_rows(seed)
    citations = {row["position"]: row["citation_count"] for row in rows}
    # A gone repository shows "gone", not its stars: it sorts with the papers without stars.
    stars = {
        row["position"]: None if row["repo_status"] == "not_found" else row["stars"] for row in rows
    }
    assert len({_paper_key(entry) for entry in seed.entries}) == len(seed.entries)
    before = _order_by_section(seed, seed)
    cases: list[tuple[SortBy, dict[int, int | None]]] = [
        ("citations", citations),
        ("stars", stars),
    ]
    for sort_by, values in cases:
        output = parse_list(regenerate(seed, rows, sort_by=sort_by))
        after = _order_by_section(output, seed)
        assert list(after) == list(before)
        for section, positions in before.items():
            assert after[section] == _expected_order(positions, values), (sort_by, section)
        assert sum(after[s] != before[s] for s in before) >= len(before) // 2, sort_by


@pytest.mark.parametrize("sort_by", ["citations", "stars"])
def test_sorting_changes_nothing_outside_the_data_rows(seed: ListDocument, sort_by: SortBy) -> None:
    rows = enriched_rows(seed)
    default = regenerate(seed, rows)
    ordered = regenerate(seed, rows, sort_by=sort_by)
    assert ordered != default
    assert _outside_tables(parse_list(ordered)) == _outside_tables(parse_list(default))
    assert sorted(ordered.splitlines(keepends=True)) == sorted(default.splitlines(keepends=True))
    # Without extra columns the lines outside the tables are the source's own.
    bare = regenerate(seed, rows, [], sort_by=sort_by)
    assert _outside_tables(parse_list(bare)) == _outside_tables(seed)
    assert sorted(bare.splitlines(keepends=True)) == sorted(
        regenerate(seed, rows, []).splitlines(keepends=True)
    )


def test_sorting_keeps_crlf_and_a_missing_final_newline() -> None:
    text = (
        "# L\r\n\r\n## 2024\r\n| Title | Code |\r\n|---|---|\r\n"
        "| [A](https://x.org/a) | - |\r\n| [B](https://x.org/b) | - |\n| [C](https://x.org/c) | - |"
    )
    document = parse_list(text)
    rows: list[dict[str, Any]] = [
        {"position": 0, "citation_count": 1},
        {"position": 1, "citation_count": None},
        {"position": 2, "citation_count": 30},
    ]
    output = regenerate(document, rows, ["citations"], sort_by="citations")
    assert output == (
        "# L\r\n\r\n## 2024\r\n| Title | Code | Citations |\r\n|---|---|--:|\r\n"
        "| [C](https://x.org/c) | - | 30 |\r\n| [A](https://x.org/a) | - | 1 |\n"
        "| [B](https://x.org/b) | - |  |"
    )


def test_unknown_sort_key_is_refused(seed: ListDocument) -> None:
    with pytest.raises(ValueError, match="cannot sort by 'downloads'"):
        regenerate(seed, enriched_rows(seed), sort_by="downloads")  # type: ignore[arg-type]


def _cells(output: str, header: str) -> dict[int, str]:
    """Each paper's cell under `header`, by position (sorting is off, so positions hold)."""
    return {
        entry.position: next(cell.text for cell in entry.cells if cell.header == header)
        for entry in parse_list(output).entries
    }


def test_the_trending_marker_is_on_the_given_entries_only(seed: ListDocument) -> None:
    rows = enriched_rows(seed)
    trending = {0, 1, 17, len(seed.entries) - 1}  # 0 has no citation count
    marked = _cells(regenerate(seed, rows, trending=trending), "Citations")
    plain = _cells(regenerate(seed, rows), "Citations")
    assert plain[0] == "" and plain[1] == "1,400"
    assert marked[0] == TRENDING_MARKER
    assert marked[1] == f"1,400 {TRENDING_MARKER}"
    assert {p for p, text in marked.items() if TRENDING_MARKER in text} == trending
    assert {p: t for p, t in marked.items() if p not in trending} == {
        p: t for p, t in plain.items() if p not in trending
    }
    assert _cells(regenerate(seed, rows, trending=trending), "Stars") == _cells(
        regenerate(seed, rows), "Stars"
    )


def test_the_trending_marker_goes_to_stars_without_a_citations_column(
    seed: ListDocument,
) -> None:
    rows = enriched_rows(seed)
    stars = _cells(regenerate(seed, rows, ["stars", "last_commit"], trending={1}), "Stars")
    assert stars[1] == f"20 {TRENDING_MARKER}"
    assert sum(TRENDING_MARKER in text for text in stars.values()) == 1
    # With neither column there is no cell to hold it; the list is otherwise unchanged.
    only_dates = regenerate(seed, rows, ["last_commit"], trending={1})
    assert only_dates == regenerate(seed, rows, ["last_commit"])
    assert TRENDING_MARKER not in only_dates


def test_sorting_and_trending_together_keep_the_marker_with_its_paper() -> None:
    document = parse_list(
        "| Title |\n|---|\n| [A](https://x.org/a) |\n| [B](https://x.org/b) |\n"
        "- [C](https://x.org/paper/c)\n- [D](https://x.org/paper/d)\n"
    )
    rows = [{"position": p, "citation_count": count} for p, count in enumerate([5, 50, 1, 9])]
    output = regenerate(document, rows, ["citations"], sort_by="citations", trending={0, 2})
    assert output.splitlines() == [
        "| Title | Citations |",
        "|---|--:|",
        "| [B](https://x.org/b) | 50 |",
        f"| [A](https://x.org/a) | 5 {TRENDING_MARKER} |",
        "- [D](https://x.org/paper/d) — Citations: 9",
        f"- [C](https://x.org/paper/c) — Citations: 1 {TRENDING_MARKER}",
    ]


def test_a_blank_citation_count_says_when_only_arxiv_knows_the_paper() -> None:
    """Issue 27: a paper found on arXiv alone had a blank Citations cell and no word why."""
    from pipeline.listfile.regenerate import ARXIV_ONLY, strip_enrichment

    table = (
        "| Title | Venue |\n|---|---|\n"
        "| [On arXiv alone](https://example.org/a) | CVPR 2024 |\n"
        "| [Nowhere](https://example.org/b) | CVPR 2024 |\n"
        "| [Counted](https://example.org/c) | CVPR 2024 |\n"
    )
    bullets = "- [On arXiv alone](https://example.org/p/a)\n- [Nowhere](https://example.org/p/b)\n"
    only = {"match_method": "arxiv_title", "arxiv_id": "2401.00001", "s2_paper_id": None}
    rows = [
        {"position": 0, "citation_count": None, **only},
        {"position": 1, "citation_count": None, "match_method": "unresolved"},
        {"position": 2, "citation_count": 7, **only, "s2_paper_id": "s2c"},
    ]
    text = regenerate(parse_list(table), rows, columns=("citations",))
    cells = [line.rsplit("|", 2)[1].strip() for line in text.splitlines()[2:]]
    assert cells == [ARXIV_ONLY, "", "7"]
    listed = regenerate(parse_list(bullets), rows[:2], columns=("citations",))
    assert listed.splitlines()[0].endswith(f" — Citations: {ARXIV_ONLY}")
    assert strip_enrichment(parse_list(listed)) == bullets  # read back: the note goes


@pytest.mark.parametrize(
    "item",
    [
        # the link's text over two lines
        "- [A Title That Goes On\n  Onto The Next Line](https://arxiv.org/abs/2101.00001)\n",
        # its address and a quoted abstract (its CommonMark title) after the line break
        '- ["A Title"](\nhttps://arxiv.org/abs/2101.00001\n"An abstract that goes\non.")\n',
    ],
)
def test_values_go_where_a_link_left_open_closes(item: str) -> None:
    """Appended at the item's first line, the values would sit inside the open link: in its
    text, or where its address should be (the link then no longer renders)."""
    from pipeline.listfile.markdown import find_links
    from pipeline.listfile.regenerate import strip_enrichment

    document = parse_list(item)
    assert [entry.paper_url for entry in document.entries] == ["https://arxiv.org/abs/2101.00001"]
    text = regenerate(document, [{"position": 0, "citation_count": 12}], columns=("citations",))
    lines = text.splitlines()
    assert lines[-1].endswith(" — Citations: 12")
    assert all("Citations" not in line for line in lines[:-1])
    (link,) = find_links(" ".join(lines))
    assert "Citations" not in link.text
    assert strip_enrichment(parse_list(text)) == item
