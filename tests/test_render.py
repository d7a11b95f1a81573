from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.listio import read_list
from pipeline.markdown import find_links, plain_text
from pipeline.parser import parse_list
from pipeline.render import ExtraColumn, render
from tests.conftest import all_list_files

HOSTILE = [
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "a | b",
    "line\nbreak",
    "**1,234**",
    "![i](https://e.vil/p.png)",
    "\\",
]


@pytest.mark.parametrize("path", all_list_files(), ids=lambda p: p.name)
def test_round_trip_is_byte_identical(path: Path) -> None:
    assert render(read_list(path)).encode("utf-8") == path.read_bytes()


def _columns(count: int) -> list[ExtraColumn]:
    return [
        ExtraColumn("Citations", {p: str(p * 11) for p in range(count) if p % 3}, align="right"),
        ExtraColumn("Stars", {p: HOSTILE[p % len(HOSTILE)] for p in range(count)}),
        ExtraColumn("Last commit", dict.fromkeys(range(0, count, 2), "2024-05-01"), align="center"),
    ]


@pytest.mark.parametrize("path", all_list_files(), ids=lambda p: p.name)
def test_extra_columns_survive_a_reparse(path: Path) -> None:
    document = read_list(path)
    columns = _columns(len(document.entries))
    rendered = render(document, columns)
    reparsed = parse_list(rendered, str(path))
    # Same papers, same fields, no new problems.
    assert [
        (e.title, e.paper_url, e.abbreviation, e.venue, e.year, e.code_urls, e.line)
        for e in reparsed.entries
    ] == [
        (e.title, e.paper_url, e.abbreviation, e.venue, e.year, e.code_urls, e.line)
        for e in document.entries
    ]
    # No new problems; padding short rows removes their "missing cells" warnings.
    before = {(d.line, d.severity) for d in document.diagnostics}
    after = {(d.line, d.severity) for d in reparsed.diagnostics}
    assert after <= before
    gone = [d for d in document.diagnostics if (d.line, d.severity) not in after]
    assert all("missing cells" in d.message for d in gone)
    # Line endings are kept line by line.
    assert [line.eol for line in reparsed.lines()] == [line.eol for line in document.lines()]
    for entry in reparsed.entries:
        if entry.kind == "table":
            added = {cell.header: plain_text(cell.text) for cell in entry.cells[-3:]}
            assert added == {
                column.header: " ".join(column.values.get(entry.position, "").split())
                for column in columns
            }
        elif (value := columns[1].values[entry.position]).strip():
            assert plain_text(" ".join(value.split())) in plain_text(entry.cells[0].text)


def test_seed_with_columns_has_them_in_every_table(seed_text: str) -> None:
    document = parse_list(seed_text)
    rendered = render(document, [ExtraColumn("Citations", {0: "12"}, align="right")])
    lines = rendered.splitlines()
    assert lines[4] == "| Title | Abbreviation | Venue | Code | Citations |"
    assert lines[5] == "|-----|-----|-----|-----|----:|"
    assert lines[6].endswith("| https://github.com/hustvl/WeakCLIP | 12 |")
    assert lines[7].endswith("| https://github.com/sangrockEG/S2C |  |")
    assert (
        sum(line.startswith("| Title |") and line.endswith("| Citations |") for line in lines) == 8
    )
    # Nothing but the tables changed.
    assert [line for line in lines if not line.startswith("|")] == [
        line for line in seed_text.splitlines() if not line.startswith("|")
    ]


def test_hostile_values_cannot_inject_markup(seed_text: str) -> None:
    document = parse_list(seed_text)
    values = {entry.position: HOSTILE[entry.position % len(HOSTILE)] for entry in document.entries}
    rendered = render(document, [ExtraColumn("<b>Evil</b> | header", values)])
    assert "<script>" not in rendered and "<b>" not in rendered
    assert re.search(r"(?<!\\)\]\(javascript:", rendered) is None
    added_links = sum(len(find_links(line)) for line in rendered.splitlines())
    assert added_links == sum(len(find_links(line)) for line in seed_text.splitlines())
    assert len(rendered.splitlines()) == len(seed_text.splitlines())


def test_non_paper_tables_are_left_alone() -> None:
    text = "| Tool | Stars |\n|---|---|\n| x | 1 |\n"
    assert render(parse_list(text), [ExtraColumn("Citations", {0: "1"})]) == text


def test_short_rows_are_padded_and_long_rows_keep_their_extra_cells_last() -> None:
    text = "| Title | Venue |\n|---|---|\n| A |\n| B | V | extra |\n"
    rendered = render(parse_list(text), [ExtraColumn("Citations", {0: "1", 1: "2"})])
    assert rendered.splitlines()[2:] == ["| A | | 1 |", "| B | V | 2 | extra |"]


# --- property tests: render(parse(x)) == x --------------------------------------------------

_cell = st.one_of(
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_characters="\r\n|\\"),
        max_size=15,
    ),
    st.sampled_from(
        [
            "--",
            "-",
            "N/A",
            "",
            " ",
            "[T](https://x.org/a)",
            r"a \| b",
            "<https://github.com/o/n>",
            "[![s](https://img.shields.io/x)](https://github.com/o/n)",
            "&amp;",
            "OAA++",
            "é 中文",
        ]
    ),
)
_header = st.sampled_from(
    ["Title", "Paper", "Name", "Abbr", "Venue", "Pub", "Code", "Repo", "Year", "Notes", "Stars"]
)


@st.composite
def _tables(draw: st.DrawFn) -> str:
    width = draw(st.integers(1, 6))
    headers = draw(st.lists(_header, min_size=width, max_size=width))
    eol = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    outer = draw(st.sampled_from([(True, True), (False, False), (True, False), (False, True)]))
    pad = draw(st.sampled_from(["", " ", "  "]))

    def row(cells: list[str]) -> str:
        body = "|".join(f"{pad}{cell}{pad}" for cell in cells)
        if width == 1 and not any(outer):
            body = f"|{body}|"
        return ("|" if outer[0] else "") + body + ("|" if outer[1] else "")

    rows = [
        row(headers),
        row([draw(st.sampled_from(["---", ":---", "---:", ":-:"])) for _ in headers]),
    ]
    for _ in range(draw(st.integers(0, 6))):
        count = draw(st.integers(max(1, width - 2), width + 2))
        rows.append(row(draw(st.lists(_cell, min_size=count, max_size=count))))
    before = draw(st.sampled_from(["", "# List\n", "## 2024\n\n", "intro\n"]))
    after = draw(st.sampled_from(["", "\n", "\ntext after\n", "\n## 2023\n"]))
    return before + eol.join(rows) + draw(st.sampled_from([eol, ""])) + after


@settings(max_examples=300, deadline=None)
@given(_tables())
def test_generated_tables_round_trip(text: str) -> None:
    document = parse_list(text)
    assert render(document) == text


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_round_trips(text: str) -> None:
    assert render(parse_list(text)) == text


@settings(max_examples=200, deadline=None)
@given(_tables(), st.lists(st.text(max_size=12), min_size=1, max_size=3))
def test_generated_tables_keep_their_entries_with_columns(text: str, values: list[str]) -> None:
    document = parse_list(text)
    columns = [
        ExtraColumn(f"C{i}", {e.position: value for e in document.entries})
        for i, value in enumerate(values)
    ]
    reparsed = parse_list(render(document, columns))
    assert [(e.title, e.paper_url, e.code_urls) for e in reparsed.entries] == [
        (e.title, e.paper_url, e.code_urls) for e in document.entries
    ]
