"""HTML tables read like Markdown tables: header names find the columns, spans are expanded,
each row's line is its `<tr>`, and the lines stay as written. Made-up fixtures in the shapes
of real lists (an LLM table with a rowspan category column, a table of contents)."""

from __future__ import annotations

import pytest

from pipeline.listfile.htmltables import read_html_table
from pipeline.listfile.model import HtmlTable, ListDocument
from pipeline.listfile.parser import parse_list
from pipeline.listfile.render import ExtraColumn, render
from tests.conftest import SHARED

CORPUS_HTML = "RUCAIBox__LLMSurvey__README.md"  # 48 papers in an HTML table

MODELS = """\
## Models

<table class="tg">
<thead>
  <tr>
    <th rowspan="2">Category</th>
    <th rowspan="2">model</th>
    <th rowspan="2">Release Time</th>
    <th rowspan="2">Link</th>
  </tr>
  <tr>
  </tr>
</thead>
<tbody>
  <tr>
    <td rowspan="4">Open <br>weights</td>
    <td>SPT-1</td>
    <td>2019/10</td>
    <td><a href="https://arxiv.org/abs/1910.00001">Paper</a></td>
  </tr>
  <tr>
    <td>SPT-2 &amp; Friends</td>
    <td>2021/03</td>
    <td><a href="https://arxiv.org/abs/2103.00002">Paper</a></td>
  </tr>
  <tr>
    <td>SPT-Chat</td>
    <td>2023/01</td>
    <td><a href="https://lab.example.com/blog/spt-chat">Blog</a></td>
  </tr>
  <tr>
    <td>SPT-Code</td>
    <td>2023/02</td>
    <td><a href="https://github.com/example/spt-code">GitHub</a></td>
  </tr>
</tbody>
</table>
"""


def test_rows_of_an_html_table_are_papers_with_their_tr_line() -> None:
    document = parse_list(MODELS, "models.md")
    assert [(e.line, e.title, e.paper_url, e.year) for e in document.entries] == [
        (15, "SPT-1", "https://arxiv.org/abs/1910.00001", 2019),
        (21, "SPT-2 & Friends", "https://arxiv.org/abs/2103.00002", 2021),
    ]
    assert document.entries[0].section == "Models"
    skipped = {item.line: item.reason for item in document.skipped}
    assert set(skipped) == {26, 31}
    assert "name without a paper link" in skipped[26] and "name without" in skipped[31]
    assert render(document) == MODELS


def _numbered(document: ListDocument) -> list[ExtraColumn]:
    """Two columns: the entry's position, and a value that needs escaping."""
    positions = {entry.position: str(entry.position) for entry in document.entries}
    return [
        ExtraColumn("Citations", positions, align="right"),
        ExtraColumn("Stars & forks", dict.fromkeys(positions, "a < b & c")),
    ]


def _reread(document: ListDocument, columns: list[ExtraColumn]) -> ListDocument:
    """The regenerated list read again: same papers, each with its new cells."""
    again = parse_list(render(document, columns))
    assert [(e.line, e.title, e.paper_url, e.code_urls) for e in again.entries] == [
        (e.line, e.title, e.paper_url, e.code_urls) for e in document.entries
    ]
    in_html = {
        slot.entry_position
        for block in document.blocks
        if isinstance(block, HtmlTable)
        for slot in block.slots
    }
    assert in_html - {None}
    for entry in (entry for entry in again.entries if entry.position in in_html):
        cells = {cell.header: cell.text for cell in entry.cells}
        assert (cells["Citations"], cells["Stars & forks"]) == (str(entry.position), "a < b & c")
    return again


def test_the_regenerated_list_adds_a_cell_per_column_to_every_row_of_an_html_table() -> None:
    document = parse_list(MODELS, "models.md")
    regenerated = render(document, _numbered(document))
    _reread(document, _numbered(document))
    assert (
        '<th rowspan="2">Link</th>\n  <th>Citations</th><th>Stars &amp; forks</th></tr>\n'
        in regenerated
    )
    assert '\n  <td align="right">1</td><td>a &lt; b &amp; c</td></tr>\n' in regenerated
    # Rows that are not papers get empty cells, so the columns stay aligned.
    assert regenerated.count('<td align="right"></td><td></td>') == 2
    assert render(document, []) == MODELS


def test_rows_without_their_closing_tags_get_their_cells_before_the_next_row() -> None:
    text = (
        "<table>\r\n<tr><th>Title</th><th>Code\r\n"
        "<tr><td>[Sparse Prompt Tuning for Segmentation](https://arxiv.org/abs/2401.01234)"
        "<td>CVPR 2024\r\n<tr><td><a href='https://arxiv.org/abs/2402.05678'>Masked Contrast "
        "for Segmentation</a><td><table><tr><td>nested</td></tr></table></table>"
    )
    document = parse_list(text)
    assert len(document.entries) == 2
    regenerated = render(document, _numbered(document))
    assert regenerated.splitlines(keepends=True)[1].endswith(
        "<th>Code<th>Citations</th><th>Stars &amp; forks</th>\r\n"
    )
    assert "<td>nested</td></tr></table>" in regenerated  # a nested table is left alone
    assert regenerated.endswith('</table><td align="right">1</td><td>a &lt; b &amp; c</td></table>')
    _reread(document, _numbered(document))


def test_a_real_html_table_keeps_its_papers_when_regenerated() -> None:
    name = CORPUS_HTML
    path = SHARED / "corpus" / "lists" / name
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared corpus is only on development machines")
    document = parse_list(path.read_text(encoding="utf-8"), name)
    columns = _numbered(document)
    again = _reread(document, columns)
    assert render(again) == render(document, columns)


def test_spans_are_expanded_so_every_row_has_every_column() -> None:
    rows = read_html_table(MODELS[MODELS.index("<table") :], 3)
    assert [len(row.cells) for row in rows] == [4, 4, 4, 4, 4, 4]
    assert [row.cells[0].text for row in rows[2:]] == ["Open weights"] * 4
    assert [row.cells[0].spanned for row in rows[2:]] == [False, True, True, True]


def test_a_paper_table_with_titles_and_markdown_links_inside_cells() -> None:
    text = (
        "<table>\n<tr><th>Title</th><th>Venue</th><th>Code</th></tr>\n"
        "<tr><td>[Sparse Prompt Tuning for Segmentation](https://arxiv.org/abs/2401.01234)</td>"
        "<td>CVPR 2024</td><td><a href='https://github.com/example/spt'>code</a></td></tr>\n"
        "</table>\n"
    )
    [entry] = parse_list(text).entries
    assert (entry.line, entry.title, entry.venue, entry.year) == (
        3,
        "Sparse Prompt Tuning for Segmentation",
        "CVPR 2024",
        2024,
    )
    assert (entry.paper_url, entry.code_urls) == (
        "https://arxiv.org/abs/2401.01234",
        ("https://github.com/example/spt",),
    )


def test_an_html_table_of_contents_is_a_known_non_paper() -> None:
    text = '<table>\n<tr><td><a href="#papers">Papers</a></td><td><a href="#tools">Tools</a></td>'
    text += "</tr>\n</table>\n"
    document = parse_list(text)
    assert document.entries == () and document.diagnostics == ()
    assert [(s.line, s.reason) for s in document.skipped] == [(2, "a table of contents (HTML)")]


def test_an_unclosed_table_reports_its_rows_one_by_one() -> None:
    text = "<table>\n<tr><td><a href='https://arxiv.org/abs/2401.01234'>Paper</a></td></tr>\n"
    document = parse_list(text)
    assert document.entries == ()
    assert [s.line for s in document.skipped] == [2]
    assert render(document) == text


def test_a_huge_span_is_bounded() -> None:
    text = '<table><tr><th>Title</th></tr><tr><td rowspan="99999999">A</td></tr></table>'
    rows = read_html_table(text, 1)
    assert [len(row.cells) for row in rows] == [1, 1]


DEEP = "[" * 1500 + "x" + "](u)" * 1500


@pytest.mark.parametrize(
    "text",
    [
        f"| Title | Notes |\n|---|---|\n| SPT | {DEEP} |\n",  # a column without a role
        f"<table><tr><th>Title</th><th>Link</th></tr><tr><td>SPT</td><td>{DEEP}</td></tr></table>\n",
    ],
)
def test_a_tangled_cell_beside_the_title_is_kept_as_text_not_read(text: str) -> None:
    document = parse_list(text)  # no RecursionError, no quadratic scan
    assert [entry.title for entry in document.entries] == ["SPT"]
    assert render(document) == text
