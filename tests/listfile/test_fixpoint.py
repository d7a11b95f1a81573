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

from pipeline.job.options import ListExtras
from pipeline.job.outputs import regenerated_list
from pipeline.listfile.model import ListDocument
from pipeline.listfile.parser import parse_list
from pipeline.listfile.regenerate import SortBy, regenerate, strip_enrichment
from pipeline.store.listio import parse_list_text
from tests.conftest import SHARED, all_list_files
from tests.listfile.generated.checks import EXAMPLES, SETTINGS
from tests.listfile.generated.documents import Document, mixed_documents, shape_documents
from tests.listfile.generated.oracle import UNCHECKED, Expected, mismatches, report
from tests.listfile.generated.shapes import PAPER_SHAPES
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


# What may follow a table: the end of the file, a blank line and a paragraph, or a line without
# pipes right below its last row (GFM reads it as one more row, of one cell; render pads it).
_AFTER_TABLE = ["", "\n", "\n\nafter\n", "\nafter\n", "\nSome words right below it\n"]


@st.composite
def _paper_tables(draw: st.DrawFn) -> str:
    """Paper tables as lists write them: a title column among others, rows as wide as the
    header or shorter (a short row's missing cells are empty), with both outer pipes, the
    leading one only or none, any line ending, and what may follow a table."""
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    outer = draw(st.sampled_from(["both", "leading", "none"]))
    others = draw(st.lists(st.sampled_from(["Venue", "Code", "Notes", "Year"]), max_size=3))
    headers = ["Title", *others]
    if not others and outer == "none":
        outer = "both"  # `Title` over `---` is a heading, not a table

    def row(cells: list[str]) -> str:
        inner = " | ".join(cells)
        return {"both": f"| {inner} |", "leading": f"| {inner}", "none": inner}[outer]

    rows = [row(headers), row(["---"] * len(headers))]
    for words in draw(st.lists(st.lists(_TITLE_WORDS, min_size=3, max_size=6), max_size=6)):
        title = f"[{' '.join(words)}](https://arxiv.org/abs/2101.{len(rows):05d})"
        cells = [title, *(draw(st.sampled_from(["CVPR 2021", "-", "x"])) for _ in others)]
        width = draw(st.integers(2 if outer == "none" else 1, len(cells))) if others else 1
        rows.append(row(cells[:width]))
    return eol.join(rows) + draw(st.sampled_from(_AFTER_TABLE)).replace("\n", eol)


@settings(max_examples=150, deadline=None)
@given(st.one_of(_paper_tables(), _bullet_lists()), st.sampled_from([None, "citations"]))
def test_generated_lists_are_fixpoints(text: str, sort_by: SortBy | None) -> None:
    _check_fixpoint(text, sort_by)


def test_a_delimiter_padded_after_its_last_cell_keeps_its_padding() -> None:
    # render pads the added delimiter cells like the source's last one; stripping keeps it
    _check_fixpoint("| Title \n| --- \n| [A Paper On Widgets](https://arxiv.org/abs/2101.00001) \n")


# --- every shape the reader reads, drawn by the reader's own generators (issue 22) -------------
# The lists come from tests/listfile/generated: each shape docs/list-format.md names (tables of
# any columns, HTML tables, <details> blocks, numbered and nested items, wrapped references,
# linked-title and cited paragraphs, heading entries, titles over their links, title-with-details
# items...), with what each should read as written down by the generator's rules, never by the
# reader. The regenerated list must read back as generated, and regenerate to the same bytes.

FIXPOINT_EXAMPLES = max(10, EXAMPLES * 2 // 5)  # 20 lists per shape by default


@st.composite
def _any_line_ending(draw: st.DrawFn, document: Document) -> tuple[str, Document]:
    """The document with LF, CRLF or CR endings, maybe without a final newline."""
    eol = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = document.text.replace("\n", eol)
    return (text[: -len(eol)] if draw(st.booleans()) else text), document


def _check_generated(
    text: str, document: Document, sort_by: SortBy | None, synthetic: bool
) -> None:
    original = parse_list(text, "generated.md")
    rows = _rows(original)
    trending = {e.position for e in original.entries[::3]}
    extras = ListExtras(sort_by=sort_by, trending_marker=True)

    def regenerated(doc: ListDocument, data: list[dict[str, Any]], marked: set[int]) -> str:
        return regenerated_list(doc, data, synthetic=synthetic, extras=extras, trending=marked)

    first = regenerated(original, rows, trending)
    # Every paper got its values (the generator's papers, by the generator's count).
    written = [f"{r['citation_count']:,}" for r in rows if r["citation_count"] is not None]
    assert len(original.entries) == len(document.expected)
    assert all(value in first for value in written), first
    # Read back as the job reads a list: the papers the generator wrote, no more, no fewer.
    again = parse_list_text(first, "generated.md")
    expected, got = list(document.expected), list(again.entries)
    if sort_by is not None:  # sorting moves papers: compared in title order (titles are unique)
        expected.sort(key=lambda e: e.title)
        got.sort(key=lambda e: e.title)
    assert not mismatches(expected, got), report(first, expected, got)
    moved = _moved(original, again)
    same = [{**row, "position": moved[row["position"]]} for row in rows]
    second = regenerated(again, same, {moved[p] for p in trending})
    assert second == first, (text, first, second)
    # Another night: the values are replaced, the enrichment is written once.
    third = regenerated(again, _rows(again, day=2), set())
    for mark in ("Last commit", "SYNTHETIC", " — Citations: "):
        assert third.count(mark) == first.count(mark), mark
    assert all(line.count(" — Citations: ") <= 1 for line in third.splitlines())


@pytest.mark.parametrize("shape", sorted(PAPER_SHAPES))
def test_every_generated_shape_is_a_fixpoint(shape: str) -> None:
    @settings(SETTINGS, max_examples=FIXPOINT_EXAMPLES)
    @given(
        shape_documents(shape).flatmap(_any_line_ending),
        st.sampled_from([None, "citations"]),
        st.booleans(),
    )
    def run(case: tuple[str, Document], sort_by: SortBy | None, synthetic: bool) -> None:
        _check_generated(*case, sort_by, synthetic)

    run()


def test_generated_mixed_lists_are_fixpoints() -> None:
    @settings(SETTINGS, max_examples=FIXPOINT_EXAMPLES * 2)
    @given(
        mixed_documents().flatmap(_any_line_ending),
        st.sampled_from([None, "citations", "stars"]),
        st.booleans(),
    )
    def run(case: tuple[str, Document], sort_by: SortBy | None, synthetic: bool) -> None:
        _check_generated(*case, sort_by, synthetic)

    run()


@pytest.mark.parametrize(
    "text",
    [
        "| Title | Venue |\n|---|---|\n| [A Paper On Widgets](https://arxiv.org/abs/2101.00001) "
        "| CVPR 2021 |\nafter\n",
        "Title | Venue\n---|---\n[A Paper On Widgets](https://arxiv.org/abs/2101.00001) | CVPR 2021"
        "\r\nright below\r\n",
        "| Title | Venue | Code |\n|---|---|---|\n| [A Paper On Widgets](https://arxiv.org/abs/2101"
        ".00001)\n| [Another Paper On Widgets](https://arxiv.org/abs/2101.00002) | x\n",
    ],
    ids=["line-below-table", "line-below-table-no-pipes", "short-rows"],
)
def test_a_short_row_padded_by_render_regenerates_to_the_same_bytes(text: str) -> None:
    # A line without pipes right below a table is one more row, of one cell: render pads it
    # (`after| | 1,238 | ...`). Read back, the padding is taken off with the added cells, so
    # the next regeneration pads it again the same way instead of adding a closing pipe.
    first = _check_fixpoint(text)
    stripped = strip_enrichment(parse_list(first))
    assert stripped == text


# --- shapes the reader's generators do not draw, by this test's own rules -------------------
# docs/list-format.md: a heading that reads as a paper (`#### 3. [Fusion] 2021-01-14-[Title](pdf)`),
# a line opened by an HTML link (`<summary><a href="url">Title</a> --- ABBR --- by <i>...`, also
# in `<li>`), a link whose title runs over lines (`[POPL'77] [A Title That Goes` / `On](url)`),
# and a paragraph opened by a tag (`(Arxiv 24.02.01) Title [Paper](url) [Code](url)`).
_FIRST_WORDS = ("Sparse", "Dense", "Robust", "Frozen", "Latent", "Masked", "Neural", "Implicit")
_MORE_WORDS = st.lists(
    st.sampled_from(["Prompt", "Tuning", "for", "Widget", "Segmentation", "Learning", "Priors"]),
    min_size=3,
    max_size=6,
)


@st.composite
def _inline_shapes(draw: st.DrawFn) -> Document:
    count = draw(st.integers(1, 4))
    firsts = draw(st.permutations(_FIRST_WORDS))[:count]  # one title each, never the same
    chunks: list[str] = ["# Papers"]
    expected: list[Expected] = []
    for index, first in enumerate(firsts):
        words = [first, *draw(_MORE_WORDS)]
        title = " ".join(words)
        url = f"https://arxiv.org/abs/2101.{index + 1:05d}"
        code = f"https://github.com/lab/{first.lower()}" if draw(st.booleans()) else None
        shape = draw(st.sampled_from(["heading", "html", "wrapped", "tagged"]))
        if shape == "heading":
            url = url.replace("/abs/", "/pdf/") + ".pdf"
            level = "#" * draw(st.integers(2, 4))
            lead = draw(st.sampled_from(["", f"{index + 1}. [Fusion] 2021-01-14-"]))
            chunks.append(f"{level} {lead}[{title}]({url})")
            code = None
        elif shape == "html":
            link = f'<a href="{url}">{title}</a>'
            chunks.append(
                draw(
                    st.sampled_from(
                        [
                            f"<details>\n<summary>{link} --- {first.upper()[:4]} --- by "
                            "<i>A. Author, B. Roe</i></summary>\n\nNotes on it.\n</details>",
                            f"<li>{link}</li>",
                        ]
                    )
                )
            )
            code = None
        elif shape == "wrapped":
            cut = draw(st.integers(2, len(words) - 1))
            venue = draw(st.sampled_from(["POPL'77", "ICML 2020", "CVPR 2021"]))
            tail = f" [code]({code})" if code else ""
            chunks.append(
                f"[{venue}] [{' '.join(words[:cut])}\n{' '.join(words[cut:])}]({url}){tail}"
            )
        else:
            tag = draw(st.sampled_from(["(Arxiv 24.02.01)", "(CVPR 2023)", "[NeurIPS 2022]"]))
            tail = f" [Code]({code})" if code else ""
            chunks.append(f"{tag} {title} [{draw(st.sampled_from(['Paper', 'PDF']))}]({url}){tail}")
        codes = frozenset({code} if code else set())
        expected.append(Expected(title, url, codes, UNCHECKED, UNCHECKED))
    return Document("\n\n".join(chunks) + "\n", tuple(expected))


def test_generated_headings_html_links_wrapped_links_and_tagged_paragraphs_are_fixpoints() -> None:
    @settings(SETTINGS, max_examples=FIXPOINT_EXAMPLES * 2)
    @given(
        _inline_shapes().flatmap(_any_line_ending),
        st.sampled_from([None, "citations"]),
        st.booleans(),
    )
    def run(case: tuple[str, Document], sort_by: SortBy | None, synthetic: bool) -> None:
        _check_generated(*case, sort_by, synthetic)

    run()
