"""Rows and items that are not papers (blog posts, announcements, tools, names of models or
datasets, resource sections) are reported and not taken; the titles of those that are papers
come without badges, repeated tags or translation asides.

The fixtures are made up in the shapes of real lists (../shared/corpus/lists/SOURCES.md); the
titles are invented."""

from __future__ import annotations

import pytest

from pipeline.listfile.model import SkipReason
from pipeline.listfile.nonpapers import is_non_paper_heading, non_paper_row
from pipeline.listfile.parser import parse_list
from pipeline.listfile.sections import HOME_PAGE_REASON, is_home_page

TITLE = "Sparse Prompt Tuning for Open-Vocabulary Segmentation"
PAPER = "https://arxiv.org/abs/2401.01234"
CODE = "https://github.com/example/sparse-prompt"
STAR = "![Star](https://img.shields.io/github/stars/example/sparse-prompt.svg?style=social)"
HEADER = "| Title | Venue | Date | Code |\n|---|---|---|---|\n"


def _row(title_cell: str, venue: str = "CVPR", code: str = f"[Github]({CODE})") -> str:
    return f"| {title_cell} | {venue} | 2024-01-02 | {code} |\n"


def _linked_rows(count: int) -> str:
    return "".join(
        _row(f"[**Linked Paper Number {n}**](https://arxiv.org/abs/2401.0{n:04d})")
        for n in range(count)
    )


@pytest.mark.parametrize(
    "title_cell",
    [
        f"{STAR} <br> [**{TITLE}**]({PAPER}) <br>",
        f"<br> [**{TITLE}**]({PAPER})",
        f"**{TITLE}** [![arXiv](https://img.shields.io/badge/arXiv-b31b1b.svg)]({PAPER})",
        f"[**{TITLE} (Sparse Prompt Tuning)**]({PAPER})",
    ],
)
def test_a_title_cell_is_read_past_badges_and_repeated_tags(title_cell: str) -> None:
    [entry] = parse_list(HEADER + _row(title_cell)).entries
    assert (entry.title, entry.paper_url, entry.code_urls) == (TITLE, PAPER, (CODE,))


def test_a_trailing_tag_that_adds_a_name_is_kept() -> None:
    [entry] = parse_list(HEADER + _row(f"[**{TITLE} (SPT-Net)**]({PAPER})")).entries
    assert entry.title == f"{TITLE} (SPT-Net)"


@pytest.mark.parametrize("paper_header", ["Paper", "Link"])
def test_a_name_column_takes_the_title_from_the_paper_link(paper_header: str) -> None:
    text = (
        f"| Name | {paper_header} | Notes |\n|---|---|---|\n"
        f"| **SPT-10K** | [SPT-10K: A Dataset of Sparse Prompts for Segmentation]({PAPER}) | "
        "[site](https://spt.example.org) |\n"
        "| **Plain** | - | A note that is long enough to look like a title [x](https://x.org) |\n"
    )
    first, second = parse_list(text).entries
    assert (first.title, first.abbreviation, first.paper_url) == (
        "SPT-10K: A Dataset of Sparse Prompts for Segmentation",
        "SPT-10K",
        PAPER,
    )
    assert (second.title, second.paper_url) == ("Plain", None)  # a note's link is no title


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (_row("[**A Look Back at Sparse Prompts**](https://lab.example.com/blog/sparse)"), "blog"),
        (_row("[**Sparse Prompts Explained**](https://blog.example.com/post/1)"), "blog"),
        (_row(f"[**{TITLE}**](https://lab.example.com/spt)", venue="Blog"), "venue says 'Blog'"),
        (_row("**prompt-eval: a harness for prompts**", venue="Toolkit"), "venue says"),
        (_row("[**Introducing SPT-2**](https://lab.example.com/index/spt-2/)", "Lab"), "blog"),
        (_row("[**Introducing SPT-2**](https://lab.example.com/spt-2/)", "Lab"), "announcement"),
        (_row(f"{STAR} <br> **SPT-6B** <br>", venue="-"), "a name without a paper link"),
    ],
)
def test_rows_of_a_paper_table_that_are_not_papers(row: str, reason: str) -> None:
    document = parse_list(HEADER + _linked_rows(4) + row)
    assert [e.title for e in document.entries] == [f"Linked Paper Number {n}" for n in range(4)]
    [skipped] = document.skipped
    assert skipped.line == 7 and reason in skipped.reason


@pytest.mark.parametrize(
    "row",
    [
        _row(f"[**{TITLE}**](https://proceedings.example.org/blog/2024/spt.pdf)"),  # a PDF
        _row("**SPT-6B** <br>", venue="NeurIPS 2023"),  # a name, but with a venue
        _row(f"**{TITLE}**", venue="-"),  # a title without a link
    ],
)
def test_rows_that_may_be_papers_are_kept(row: str) -> None:
    document = parse_list(HEADER + _linked_rows(4) + row)
    assert len(document.entries) == 5 and document.skipped == ()


def test_a_name_without_link_is_a_paper_where_the_table_links_none() -> None:
    document = parse_list(HEADER + _row("**SPT-6B**", venue="-") * 2)
    assert [e.title for e in document.entries] == ["SPT-6B", "SPT-6B"]


def test_a_table_of_names_without_links_or_dates_holds_no_papers() -> None:
    text = "| ID | Name | Ratio |\n|---|---|---|\n| 1 | ecoli | 8.6:1 |\n| 2 | yeast | 9:1 |\n"
    document = parse_list(text)
    assert document.entries == ()
    assert [s.line for s in document.skipped] == [3, 4]


@pytest.mark.parametrize(
    ("heading", "holds_papers"),
    [
        ("Distiller Tools", False),
        ("3.2 Python Libraries :hammer:", False),
        ("框架与库 | Frameworks and Libraries", False),
        ("Github 项目 | Github Repositories", False),
        ("Github", False),
        ("LLM Books", False),
        ("Open LLM Leaderboard", False),
        ("Books and Courses", False),
        ("Video Lectures / Tutorials / Blogs", False),
        ("HW / SW / Dataset", True),
        ("Contact & Feedback", False),
        ("Contact Prediction", True),  # protein contact maps are a research topic
        ("Book Recommendation", True),  # a research topic
        ("Tool Selection", True),
        ("Tool Learning Papers", True),
        # a section of datasets holds resources; its dataset papers are still read, by their
        # paper links (test_by_content: a resource section keeps the papers its items link)
        ("Datasets", False),
        ("Tutorial List", False),
        ("Conference/Workshop List", False),
        ("Dataset Distillation", True),
        ("2023", True),
    ],
)
def test_resource_headings(heading: str, holds_papers: bool) -> None:
    assert is_non_paper_heading(heading) is not holds_papers


def test_a_table_under_a_resource_heading_reads_only_its_papers() -> None:
    tool = _row("[SPT Toolkit](https://spt.example.org/docs)")
    document = parse_list(f"## Distiller Tools\n\n{HEADER}{tool}{_row(f'[{TITLE}]({PAPER})')}")
    assert [(entry.line, entry.title) for entry in document.entries] == [(6, TITLE)]
    [skipped] = document.skipped
    assert skipped.line == 5 and skipped.kind is SkipReason.NON_PAPER_SECTION


def test_the_reasons_name_what_the_row_is() -> None:
    assert non_paper_row(TITLE, PAPER, "arXiv", mostly_linked=True) is None
    assert non_paper_row("SPT", None, None, mostly_linked=False) is None
    assert "tool or model" in str(non_paper_row("SPT", None, None, mostly_linked=True))


def test_a_bold_link_underlined_as_a_heading_is_not_an_entry() -> None:
    text = (
        f"# Awesome SPT\n\n**[{TITLE}]({PAPER})**<br>\n---\n\n## Papers\n\n- [{TITLE}]({PAPER})\n"
    )
    document = parse_list(text)
    assert [entry.line for entry in document.entries] == [8]


def test_a_bold_method_name_with_its_links_inside_the_bold() -> None:
    item = f"- **SPTBoost (2003, 1100+ citations) [[**Paper**]({PAPER})][[**Code**]({CODE})]**\n"
    [entry] = parse_list("## Ensembles\n\n" + item).entries
    assert (entry.title, entry.year, entry.paper_url, entry.code_urls) == (
        "SPTBoost",
        2003,
        PAPER,
        (CODE,),
    )


def test_a_translation_aside_is_not_part_of_the_title() -> None:
    [entry] = parse_list(f"## Papers\n\n- [{TITLE}(稀疏提示调优)]({PAPER}) ECCV 2022\n").entries
    assert entry.title == TITLE


def test_a_blog_post_item_is_a_known_non_paper() -> None:
    item = "- **SPT V3: Multi-Turn Prompts.** *J. Doe. Blog 2024.* [[blog](https://x.org/b)]\n"
    document = parse_list("## Papers\n\n" + item)
    assert document.entries == ()
    assert document.skipped[0].reason.startswith("a blog post")
    assert document.diagnostics == ()


def test_a_bullet_linking_a_post_about_a_model_is_not_a_paper() -> None:
    text = (
        "## Trending\n\n"
        "- [SPT-Max](https://lab.example.com/blog/spt-max/) - Our largest model yet.\n"
        f"- [{TITLE}](https://research.example.com/blog/sparse-prompt-tuning) - CVPR 2024\n"
        f"- [{TITLE} v2]({PAPER}) - CVPR 2024\n"
    )
    document = parse_list(text)
    # A paper's title linked to a post about it is still a paper; a model's name is not.
    assert [e.line for e in document.entries] == [4, 5]
    assert [(s.line, s.reason) for s in document.skipped] == [(3, "links a blog post, not a paper")]


def test_links_to_headings_of_the_same_page_are_a_table_of_contents() -> None:
    text = (
        "## Weekly\n\n"
        "- [Top Papers of the Week (June 2 - June 8)](./#top-papers-of-the-week-june-2---june-8)\n"
        "- [Top Papers of the Week (May 26 - June 1)](README.md#top-papers-may-26---june-1)\n"
    )
    document = parse_list(text)
    assert document.entries == () and document.diagnostics == ()
    assert {s.reason for s in document.skipped} == {"a table of contents (links to #anchors)"}


def test_links_under_a_contact_heading_are_not_papers() -> None:
    text = (
        "## Contact & Feedback\n"
        "- [e-mail](mailto:someone@example.org)\n"
        "- [pull request](https://github.com/example/list/pulls)\n"
    )
    document = parse_list(text)
    assert document.entries == () and document.diagnostics == ()
    assert len(document.skipped) == 2


@pytest.mark.parametrize(
    ("url", "front_page"),
    [
        ("https://acme-robotics.example", True),
        ("https://www.widgets.ai/", True),
        ("https://lab.example.edu/research", True),
        ("https://lab.example.edu/~jdoe/", True),
        ("https://vsitzmann.github.io/siren/", True),  # one word: a project's front page
        ("https://eprint.iacr.org/2022/112", False),
        ("https://lab.example.edu/2021", False),
        ("https://lab.example.edu/paper.pdf", False),
        ("https://journal.example.org/content/10.1146/annurev-123", False),
        ("https://citeseerx.example.edu/viewdoc?doi=10.1.1.161.6751", False),
        ("not a url", False),
    ],
)
def test_what_a_sites_front_page_is(url: str, front_page: bool) -> None:
    assert is_home_page(url) is front_page


def test_an_organisation_linked_to_its_front_page_is_not_a_paper() -> None:
    text = (
        "## Humanoids\n\n"
        f"- [{TITLE}]({PAPER}) - CVPR 2024\n"
        "- [Acme Robotics](https://acme-robotics.example)\n"
        "- [Widget Perception and Interaction Lab, Example University](https://widgets.example.edu/)\n"
        f"- [{TITLE} Again](https://widgets.example.edu/papers/42) - 2023\n"
    )
    document = parse_list(text)
    assert [e.line for e in document.entries] == [3, 6]
    assert [(s.line, s.reason) for s in document.skipped] == [
        (4, HOME_PAGE_REASON),
        (5, HOME_PAGE_REASON),
    ]
    assert [d.line for d in document.diagnostics] == [4, 5]  # warned: the reader may be wrong


def test_paper_titles_linked_to_project_pages_stay_where_the_list_gives_papers_so() -> None:
    titles = [f"{TITLE} {n}" for n in ("One", "Two", "Three", "Four")]
    items = [f"- [{title}](https://project-{n}.github.io/)" for n, title in enumerate(titles)]
    document = parse_list("## Papers\n\n" + "\n".join(items) + "\n")
    assert [e.title for e in document.entries] == titles


def test_a_bare_front_page_among_dated_papers_is_not_taken() -> None:
    dated = [f"- [{TITLE} {n}]({PAPER}{n}) - ICML 202{n}" for n in range(1, 6)]
    text = "## Papers\n\n" + "\n".join([*dated, f"- [{TITLE} Site](https://site.example/)"])
    document = parse_list(text + "\n")
    assert len(document.entries) == 5
    assert [s.reason for s in document.skipped] == [HOME_PAGE_REASON]
