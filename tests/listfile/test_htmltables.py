"""HTML tables read like Markdown tables: header names find the columns, spans are expanded,
each row's line is its `<tr>`, and the lines stay as written. Made-up fixtures in the shapes
of real lists (an LLM table with a rowspan category column, a table of contents)."""

from __future__ import annotations

from pipeline.listfile.htmltables import read_html_table
from pipeline.listfile.parser import parse_list
from pipeline.listfile.render import render

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
