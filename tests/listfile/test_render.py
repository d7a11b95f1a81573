from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.listfile.markdown import find_links, plain_text
from pipeline.listfile.model import ListDocument
from pipeline.listfile.parser import parse_list
from pipeline.listfile.render import ExtraColumn, render
from pipeline.store.listio import read_list
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


# What the regenerated list writes in its columns (regenerate.py): counts, dates, states.
_ENRICHED_VALUE = st.one_of(
    st.integers(0, 10**6).map(lambda n: f"{n:,}"),
    st.integers(0, 10**6).map(lambda n: f"{n:,} \u2191"),
    st.integers(0, 10**6).map(lambda n: f"{n:,} (archived)"),
    st.dates().map(lambda d: d.strftime("%Y-%m-%d")),
    st.sampled_from(["", "gone", "blocked", "empty repository"]),
)


@settings(max_examples=200, deadline=None)
@given(_tables(), st.lists(_ENRICHED_VALUE, min_size=1, max_size=3))
def test_generated_tables_keep_their_entries_with_columns(text: str, values: list[str]) -> None:
    document = parse_list(text)
    headers = ("Citations", "Stars", "Last commit")  # what the regenerated list adds
    columns = [
        ExtraColumn(headers[i], {e.position: value for e in document.entries})
        for i, value in enumerate(values)
    ]
    reparsed = parse_list(render(document, columns))
    assert [(e.title, e.paper_url, e.code_urls) for e in reparsed.entries] == [
        (e.title, e.paper_url, e.code_urls) for e in document.entries
    ]


# --- sorting -------------------------------------------------------------------------------


def _titles(text: str) -> list[str]:
    return [entry.title for entry in parse_list(text).entries]


def test_sorting_puts_the_highest_first_and_rows_without_a_value_last_in_order() -> None:
    rows = "".join(f"| [{t}](https://x.org/{t}) | V |\n" for t in "ABCDEFG")
    text = f"## 2024\n| Title | Venue |\n|---|---|\n{rows}\nafter\n"
    values = {0: None, 1: 5, 2: 9, 3: float("nan"), 4: 5, 6: 12.5}  # 5 (F) has no entry
    rendered = render(parse_list(text), sort_values=values)
    assert _titles(rendered) == ["G", "C", "B", "E", "A", "D", "F"]
    assert rendered.splitlines()[:3] == text.splitlines()[:3]
    assert rendered.splitlines()[-2:] == ["", "after"]


@pytest.mark.parametrize("path", all_list_files(), ids=lambda p: p.name)
def test_sorting_without_values_or_by_list_order_changes_nothing(path: Path) -> None:
    document = read_list(path)
    source = path.read_bytes().decode("utf-8")
    assert render(document, sort_values={}) == source
    in_order = {entry.position: -entry.position for entry in document.entries}
    assert render(document, sort_values=in_order) == source


_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])[ \t]+")


def _outside_paper_rows(document: ListDocument) -> list[tuple[int, str]]:
    """(line number, raw line) of every line except the paper rows and bullet entries."""
    moving = {
        row.line.number
        for table in document.tables
        for row in table.rows
        if row.entry_position is not None
    } | {entry.line for entry in document.entries if entry.kind == "bullet"}
    return [(line.number, line.raw) for line in document.lines() if line.number not in moving]


@pytest.mark.parametrize("path", all_list_files(), ids=lambda p: p.name)
def test_sorting_moves_only_paper_lines_and_keeps_every_line_ending(path: Path) -> None:
    document = read_list(path)
    reversed_order = {entry.position: entry.position for entry in document.entries}
    rendered = render(document, sort_values=reversed_order)
    reparsed = parse_list(rendered)
    assert _outside_paper_rows(reparsed) == _outside_paper_rows(document)
    assert [line.eol for line in reparsed.lines()] == [line.eol for line in document.lines()]
    # List markers stay in place and bullets' texts move, so compare the texts without them.
    assert sorted(_LIST_MARKER.sub("", line.text) for line in reparsed.lines()) == sorted(
        _LIST_MARKER.sub("", line.text) for line in document.lines()
    )
    assert sorted(e.title for e in reparsed.entries) == sorted(e.title for e in document.entries)
    if any(len(table.rows) > 1 for table in document.tables if table.is_paper_table):
        assert rendered != path.read_bytes().decode("utf-8")


def test_sorting_keeps_crlf_and_the_missing_final_newline_in_place() -> None:
    text = "| Title |\r\n|---|\r\n| [A](https://x.org/a) |\r\n| [B](https://x.org/b) |"
    rendered = render(parse_list(text), sort_values={1: 2})
    assert rendered == "| Title |\r\n|---|\r\n| [B](https://x.org/b) |\r\n| [A](https://x.org/a) |"


def test_rows_that_are_not_papers_stay_in_place_and_split_the_sort() -> None:
    text = (
        "| Title | Venue |\n|---|---|\n"
        "| [A](https://x.org/a) | V |\n| [B](https://x.org/b) | V |\n"
        "|  | no title |\n"
        "| [C](https://x.org/c) | V |\n| [D](https://x.org/d) | V |\n"
        "| | |\n"
        "| [E](https://x.org/e) | V |\n"
    )
    document = parse_list(text)
    assert sum(row.entry_position is None for row in document.tables[0].rows) == 2
    rendered = render(document, sort_values={0: 1, 1: 2, 2: 3, 3: 4, 4: 100})
    assert rendered.splitlines()[2:] == [
        "| [B](https://x.org/b) | V |",
        "| [A](https://x.org/a) | V |",
        "|  | no title |",
        "| [D](https://x.org/d) | V |",
        "| [C](https://x.org/c) | V |",
        "| | |",
        "| [E](https://x.org/e) | V |",
    ]


def test_non_paper_tables_are_not_sorted() -> None:
    text = "| Tool | Stars |\n|---|---|\n| x | 1 |\n| y | 2 |\n| [T](https://x.org/t) |  |\n"
    assert render(parse_list(text), sort_values={0: 1, 1: 2, 2: 3}) == text


def test_sorted_rows_keep_their_extra_cells_and_replaced_links() -> None:
    text = (
        "| Title | Code |\n|---|---|\n"
        "| [A](https://x.org/a) | https://github.com/o/a |\n"
        "| [B](https://x.org/b) | https://github.com/o/b |\n"
    )
    rendered = render(
        parse_list(text),
        [ExtraColumn("Stars", {0: "1", 1: "2"})],
        replacements={0: [("https://github.com/o/a", "https://github.com/n/a")]},
        sort_values={0: 1, 1: 2},
    )
    assert rendered.splitlines()[2:] == [
        "| [B](https://x.org/b) | https://github.com/o/b | 2 |",
        "| [A](https://x.org/a) | https://github.com/n/a | 1 |",
    ]


def test_sibling_bullets_are_sorted_and_keep_their_markers() -> None:
    text = (
        "## 2021\n"
        "- [A](https://arxiv.org/abs/a) (CVPR 2021)\n"
        "- [B](https://arxiv.org/abs/b)\r\n"
        "- [C](https://arxiv.org/abs/c)\n"
        "\n"
        "1. [D](https://arxiv.org/abs/d)\n"
        "2. [E](https://arxiv.org/abs/e)\n"
        "3) [F](https://arxiv.org/abs/f)"
    )
    rendered = render(parse_list(text), sort_values={1: 2, 2: 3, 4: 1, 5: 9})
    assert rendered == (
        "## 2021\n"
        "- [C](https://arxiv.org/abs/c)\n"
        "- [B](https://arxiv.org/abs/b)\r\n"
        "- [A](https://arxiv.org/abs/a) (CVPR 2021)\n"
        "\n"
        "1. [E](https://arxiv.org/abs/e)\n"
        "2. [D](https://arxiv.org/abs/d)\n"
        "3) [F](https://arxiv.org/abs/f)"  # a `)` list is another list than the `.` one above
    )


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("- [A](https://x.org/a)\n- [B](https://x.org/b)\n  - note on B\n", "nested list"),
        ("- [A](https://x.org/a)\n- [B](https://x.org/b)\nlazy continuation\n", "continuation"),
        ("- [A](https://x.org/a)\n- [B](https://x.org/b)\n\n  more on B\n", "indented paragraph"),
        ("- [A](https://x.org/a)\n\n- [B](https://x.org/b)\n", "loose list"),
        ("- [A](https://x.org/a)\n* [B](https://x.org/b)\n", "two lists"),
        ("- [A](https://x.org/a)\n  - [B](https://x.org/b)\n", "parent and child"),
        ("- [A](https://x.org/a)\n- see below\n- [B](https://x.org/b)\n", "prose bullet"),
    ],
)
def test_bullets_that_own_more_lines_or_belong_to_other_lists_stay(text: str, why: str) -> None:
    assert render(parse_list(text), sort_values={0: 1, 1: 2}) == text, why


def test_nested_sibling_bullets_are_sorted_among_themselves() -> None:
    text = (
        "- [A](https://arxiv.org/abs/a)\n"
        "  - [A1](https://arxiv.org/abs/a1)\n"
        "  - [A2](https://arxiv.org/abs/a2)\n"
        "- [B](https://arxiv.org/abs/b)\n"
    )
    rendered = render(parse_list(text), sort_values={0: 1, 1: 1, 2: 2, 3: 9})
    assert rendered.splitlines() == [
        "- [A](https://arxiv.org/abs/a)",
        "  - [A2](https://arxiv.org/abs/a2)",
        "  - [A1](https://arxiv.org/abs/a1)",
        "- [B](https://arxiv.org/abs/b)",
    ]


@settings(max_examples=300, deadline=None)
@given(_tables(), st.lists(st.one_of(st.none(), st.integers(0, 3)), max_size=10))
def test_sorting_a_table_permutes_its_paper_rows(text: str, drawn: list[int | None]) -> None:
    document = parse_list(text)
    values = dict(enumerate(drawn))
    reparsed = parse_list(render(document, sort_values=values))
    before, after = list(document.lines()), list(reparsed.lines())
    # The same lines with the same endings, line by line; only paper rows change places.
    assert sorted(line.text for line in after) == sorted(line.text for line in before)
    assert [line.eol for line in after] == [line.eol for line in before]
    assert _outside_paper_rows(reparsed) == _outside_paper_rows(document)
    # Between rows that are not papers: highest first, then rows without a value, each in order.
    for original, result in zip(document.tables, reparsed.tables, strict=True):
        expected: list[str] = []
        segment: list[tuple[int, str]] = []
        for row in (*original.rows, None):
            if row is not None and row.entry_position is not None:
                value = values.get(row.entry_position)
                segment.append((-value if value is not None else 1, row.line.text))
                continue
            expected += [text for _, text in sorted(segment, key=lambda pair: pair[0])]
            segment = []
            if row is not None:
                expected.append(row.line.text)
        assert [row.line.text for row in result.rows] == expected


def test_a_row_without_pipes_counts_as_linked_before_and_after_new_columns() -> None:
    """Found by the property test above: a pipe-less row's link was not counted, so whether a
    bare name beside it was a paper changed once the new columns gave the row its pipes."""
    text = "Title|Title\n---|---\n[T](https://x.org/a)\n|0||\n[T](https://x.org/a)\n"
    document = parse_list(text)
    assert [e.title for e in document.entries] == ["T", "T"]
    reparsed = parse_list(render(document, [ExtraColumn("C0", {})]))
    assert [e.title for e in reparsed.entries] == ["T", "T"]
