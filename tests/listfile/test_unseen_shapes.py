"""Shapes met on blind sets of real lists (issue 22), each written here for the test: papers
as headings, HTML links and tables without `<th>`, a label before the title, quoted titles
after names, venues before links, and items that say they are not papers."""

from __future__ import annotations

import pytest

from pipeline.listfile.model import SkipReason
from pipeline.listfile.parser import parse_list
from pipeline.listfile.render import render
from pipeline.listfile.years import year_from_text

ARXIV = "https://arxiv.org/abs/2301.01234"
IEEE = "https://ieeexplore.ieee.org/document/1234567"
CODE = "https://github.com/someone/widget"
TIP = "IEEE Transactions on Image Processing 2005"


def _entries(text: str) -> list[tuple[int, str, str | None]]:
    return [(e.line, e.title, e.paper_url) for e in parse_list(text).entries]


def test_papers_written_as_headings_are_read_and_other_headings_stay_sections() -> None:
    text = (
        "# Recent Widget Research\n"
        "[Widget research 2020](https://github.com/o/r/blob/master/W_2020.md)\n\n"
        "### Widgets\n"
        f"#### 1. [Fusion] 2021-01-14-[Robust Widget Fusion for Small Robots]({IEEE})\n"
        "#### 2. [Math] 2021-01-23-[On the Tightness of Widget Relaxations]"
        "(https://arxiv.org/pdf/2101.02099.pdf)\n"
        "## [CVPR 2023](https://cvpr.thecvf.com/Conferences/2023)\n"
        "#### 3. [Tools] [Widget Toolkit](https://widgets.example/)\n"
    )
    document = parse_list(text)
    assert [(e.line, e.title, e.year, e.section) for e in document.entries] == [
        (5, "Robust Widget Fusion for Small Robots", 2021, "Widgets"),
        (6, "On the Tightness of Widget Relaxations", 2021, "Widgets"),
    ]
    assert render(document) == text


def test_an_enriched_heading_reads_back_as_the_same_paper() -> None:
    text = f"#### 1. [Robust Widget Fusion for Small Robots]({IEEE}) \u2014 Citations: 12\n"
    assert _entries(text) == [(1, "Robust Widget Fusion for Small Robots", IEEE)]


def test_html_table_whose_header_row_uses_td_is_read_by_its_title_column() -> None:
    text = (
        "<table>\n"
        "  <tr><td>Metric</td><td>Citations</td><td>Published</td><td>Paper name</td></tr>\n"
        '  <tr><td colspan="4">Classic methods</td></tr>\n'
        "  <tr><td>widget index (WI)</td><td>5812</td><td>2004.04</td>\n"
        f'      <td><a href="{IEEE}">Widget quality assessment from error visibility</a></td>'
        "</tr>\n"
        "  <tr><td>peak widget ratio</td><td></td><td></td><td></td></tr>\n"
        "  <tr><td>multi-scale WI</td><td>804</td><td>2004.05</td>\n"
        f'      <td><a href="{ARXIV}">Multiscale widget similarity for quality</a></td></tr>\n'
        "</table>\n"
    )
    assert _entries(text) == [
        (4, "Widget quality assessment from error visibility", IEEE),
        (7, "Multiscale widget similarity for quality", ARXIV),
    ]


def test_a_paper_in_html_opened_by_its_link_is_read_with_its_code() -> None:
    text = (
        "## Models\n\n"
        " <details/>\n<summary/>\n"
        f'  <a href="{ARXIV}">Joint widgets and labels for text sorting</a> --- JWL ---  by'
        "<i> Ann Smith, Bo Li\n"
        f'</a>(<a href="{CODE}">Github</a>)</summary><blockquote><p align="justify">\n'
        "We propose to view widget sorting as a joint problem, in 2019 at CVPR.\n"
        "</p></blockquote></details>\n"
    )
    [entry] = parse_list(text).entries
    assert (entry.line, entry.title, entry.paper_url, entry.code_urls, entry.venue) == (
        5,
        "Joint widgets and labels for text sorting",
        ARXIV,
        (CODE,),
        None,  # the abstract's words are not read for a venue
    )


@pytest.mark.parametrize(
    ("item", "title", "venue"),
    [
        (
            f"FooGAN - [Boosting Widget Models with Priors]({ARXIV})",
            "Boosting Widget Models with Priors",
            None,
        ),
        (
            f"KDD-2021 [Causal Widgets on Social Media]({ARXIV}) [code]({CODE})",
            "Causal Widgets on Social Media",
            "KDD-2021",
        ),
        (
            f"[A Survey on Widget Sorting, TIST 2021]({ARXIV})",
            "A Survey on Widget Sorting",
            "TIST 2021",
        ),
    ],
)
def test_a_short_label_before_a_linked_title_is_not_the_title(
    item: str, title: str, venue: str | None
) -> None:
    [entry] = parse_list(f"## Papers\n\n* {item}\n").entries
    assert (entry.title, entry.paper_url, entry.venue) == (title, ARXIV, venue)


def test_a_quoted_title_after_a_bold_label_or_the_authors_is_the_title() -> None:
    text = (
        "## Papers\n\n"
        "* **ROAM:** Ann Smith, Bo Li, Carl Jones.<br />\n"
        '  "ROAM: Recurrently Optimizing Widget Models." CVPR (2020).\n'
        f"  [[paper]({ARXIV})]\n\n"
        '**[6]** Doe, John, et al. "**Going deeper with widgets**." Proceedings of the IEEE '
        f"Conference on Widgets. 2015. [[pdf]]({IEEE}) **(WidgetNet)** :star::star:\n"
    )
    assert [(e.title, e.paper_url, e.year) for e in parse_list(text).entries] == [
        ("ROAM: Recurrently Optimizing Widget Models", ARXIV, 2020),
        ("Going deeper with widgets", IEEE, 2015),
    ]


@pytest.mark.parametrize(
    ("item", "title", "venue"),
    [
        (f"Learning for Widgets *{TIP}* [code]({CODE})", "Learning for Widgets", TIP),
        (f"[{TIP}] Learning for More Widgets", "Learning for More Widgets", TIP),
        (
            f"基于深度学习的图像分割方法研究: DETR *CVPR 2005* [arXiv]({ARXIV})",
            "基于深度学习的图像分割方法研究: DETR",
            "CVPR 2005",
        ),
    ],
)
def test_a_venue_before_the_links_or_in_a_long_bracket_is_not_in_the_title(
    item: str, title: str, venue: str
) -> None:
    [entry] = parse_list(f"## Papers\n\n- {item}\n").entries
    assert (entry.title, entry.venue, entry.year) == (title, venue, 2005)


def test_a_venue_sub_item_with_a_link_belongs_to_the_title_above() -> None:
    text = (
        "## Papers\n\n- **Learning for Widgets**\n    - *CVPR 2005*\n"
        f"- **Learning More for Widgets**\n    - *CVPR 2005* [arXiv]({ARXIV})\n"
    )
    assert [(e.line, e.title, e.paper_url, e.venue) for e in parse_list(text).entries] == [
        (3, "Learning for Widgets", None, "CVPR 2005"),
        (5, "Learning More for Widgets", ARXIV, "CVPR 2005"),
    ]


def test_table_cells_title_with_bracketed_link_quoted_link_and_name_header() -> None:
    text = (
        "## Papers\n\n| Title |\n| --- |\n"
        f"| Learning for Widgets at Scale [[code]({CODE})] |\n\n"
        f'| Paper |\n| --- |\n| Ann Smith. "[Learning for Widgets]({ARXIV})" |\n'
        '| Bo Li. "Widgets All the Way Down" |\n\n'
        "| Name |\n| --- |\n| Widgets for Widgets in Widget Land |\n"
        "| Learning Widget Priors from Data |\n"
    )
    assert _entries(text) == [
        (5, "Learning for Widgets at Scale", None),
        (9, "Learning for Widgets", ARXIV),
        (10, "Widgets All the Way Down", None),
        (14, "Widgets for Widgets in Widget Land", None),
        (15, "Learning Widget Priors from Data", None),
    ]


def test_a_name_table_of_short_names_stays_a_table_of_names() -> None:
    text = "## Tools\n\n| Name |\n| --- |\n| WidgetKit |\n| Widget Lab |\n| Gadgets |\n"
    document = parse_list(text)
    assert document.entries == ()
    assert {s.kind for s in document.skipped} == {SkipReason.NAMES_TABLE}


def test_an_html_cell_breaking_before_the_authors_gives_the_title_line() -> None:
    text = (
        "<table>\n  <tr><th>Title</th></tr>\n"
        "  <tr><td>Learning for Widgets at Scale<br><i>Ann Smith</i></td></tr>\n</table>\n"
    )
    assert _entries(text) == [(3, "Learning for Widgets at Scale", None)]


@pytest.mark.parametrize(
    "item",
    [
        "[Subscribe to our newsletter](https://widgets.substack.com/) to get a weekly list.",
        "[Follow us on Twitter](https://twitter.com/widgets)",
        "[Join our Discord](https://discord.gg/abc) (2024)",
        "[Widget Data 2019](https://www.kaggle.com/someone/widget-data) - 417 articles, 2005.",
        "[Proceedings of the Second Workshop on Widgets](https://aclanthology.org/2020.w-1.0/)",
        "Slides on [Widget Learning](https://widgets.example/slides.html), 2019",
        "[Google AI Blog: Widget Captions](http://ai.googleblog.com/2018/09/widgets.html)",
        "**News**: [Widget lab leads in 2019 widget contest](https://news.widgets.example/2019)",
        "**[Oct 2021]** Release of [version 2](https://github.com/o/r/releases/tag/v2) with "
        "2021 papers.",
        "[5], [6], [15] (2019)",
    ],
)
def test_items_that_say_they_are_not_papers_are_skipped(item: str) -> None:
    text = f"## Papers\n\n- [Widget Nets for Widget Tasks]({ARXIV}) *CVPR 2016*\n- {item}\n"
    assert _entries(text) == [(3, "Widget Nets for Widget Tasks", ARXIV)]


@pytest.mark.parametrize(
    ("heading", "read"),
    [
        ("Blog Posts", False),
        ("Changelog", False),
        ("Related", False),
        ("Data", False),
        ("Articles and Blogs", False),
        ("Video", True),
        ("Related Work", True),
        ("Articles", True),
    ],
)
def test_resource_headings_hold_no_papers_and_topics_do(heading: str, read: bool) -> None:
    text = (
        f"## {heading}\n\n- [What are Widget Models?](https://widgets.example/what-are-widget-models.html)"
        " by Ann Smith, 2021\n"
    )
    assert bool(parse_list(text).entries) is read


def test_a_paper_paragraph_led_by_a_parenthesised_tag_is_read() -> None:
    text = (
        "## 2024\n\n"
        f"(Arxiv 24.02.01) WidgetMamba: Experts for Widget Models [Paper]({ARXIV}) "
        f"[Code]({CODE}) ![Stars](https://img.shields.io/github/stars/someone/widget)\n\n"
        "(**CVPR24**) Widget Models for Event Cameras [Paper](https://arxiv.org/abs/2402.15584)\n"
    )
    assert [(e.title, e.paper_url, e.venue) for e in parse_list(text).entries] == [
        ("WidgetMamba: Experts for Widget Models", ARXIV, "Arxiv 24.02.01"),
        ("Widget Models for Event Cameras", "https://arxiv.org/abs/2402.15584", "CVPR24"),
    ]


def test_a_title_after_tags_and_links_is_the_longest_run_of_words() -> None:
    text = (
        "### ICCV 2025\n\n"
        ":blue_square: `SVOS` `Apr` &nbsp;&nbsp;-&nbsp;&nbsp; [paper]"
        f"({ARXIV}) / [code]({CODE}) &nbsp;&nbsp;-&nbsp;&nbsp; Widget Matters: Revisiting "
        "Boundaries in Video Widgets\n"
    )
    [entry] = parse_list(text).entries
    assert (entry.title, entry.paper_url, entry.code_urls) == (
        "Widget Matters: Revisiting Boundaries in Video Widgets",
        ARXIV,
        (CODE,),
    )


def test_a_name_with_its_venue_in_parentheses_is_the_name() -> None:
    [entry] = parse_list(
        f"## HOI\n\n- RelWidget (ICLR'22) [[Paper]]({ARXIV}), [[Code]]({CODE})\n"
    ).entries
    assert (entry.title, entry.venue, entry.year) == ("RelWidget", "ICLR'22", 2022)


def test_a_table_of_scores_by_method_name_is_not_a_list_of_papers() -> None:
    scores = (
        "| Method | Venue | Full | Rare | Non-rare |\n|---|---|---|---|---|\n"
        "| [WNN](https://arxiv.org/pdf/1808.07962.pdf) | ECCV2018 | 13.11 | 9.34 | 14.23 |\n"
        "| [IP-Widget](https://arxiv.org/pdf/2003.14023.pdf) | CVPR2020 | 19.56 | 12.79 | 21.58 |\n"
    )
    titled = (
        "| Venue | Date | Title | F1 | IoU | AP |\n|---|---|---|---|---|---|\n"
        "| '16-CVPR | 16/04/14 | [Multi-Oriented Widget Detection with Fully Convolutional "
        "Networks](https://arxiv.org/pdf/1604.04018.pdf) | 0.83 | 0.54 | 0.71 |\n"
        "| '17-CVPR | 17/04/11 | [WAST: An Efficient and Accurate Widget Detector]"
        "(https://arxiv.org/pdf/1704.03155.pdf) | 0.81 | 0.80 | 0.77 |\n"
    )
    document = parse_list(f"## Results\n\n{scores}\n## Papers\n\n{titled}")
    assert [e.title for e in document.entries] == [
        "Multi-Oriented Widget Detection with Fully Convolutional Networks",
        "WAST: An Efficient and Accurate Widget Detector",
    ]
    assert [s.kind for s in document.skipped if s.line < 7] == [SkipReason.RESULTS_TABLE] * 2


@pytest.mark.parametrize(
    "item",
    [
        "[10/2025] Update with nine ICCV2025 papers.",
        "[Irregular Widget Detection (CBDAR2019 keynote)](http://203.0.113.5/talk.pdf)",
        "[Widget Reading](http://u-pat.example/ICDAR2017/widgets.pptx), 2017",
        "[Brown CSCI 2270 Advanced Topics in Widget Management](https://course.example/)",
        "[Here](https://paperswithcode.com/sota/widgets) compares all widget detectors.",
        "[Widget embeddings in 2017: Trends](http://someone.example/2017/12/28/widgets/)",
    ],
)
def test_more_items_that_say_they_are_not_papers(item: str) -> None:
    text = f"## Papers\n\n- [Widget Nets for Widget Tasks]({ARXIV}) *CVPR 2016*\n- {item}\n"
    assert _entries(text) == [(3, "Widget Nets for Widget Tasks", ARXIV)]


@pytest.mark.parametrize(
    "heading",
    ["Blogs and content websites", "Tutorial Materials", "External Reading Lists", "书籍", "演讲"],
)
def test_more_resource_headings(heading: str) -> None:
    text = f"## {heading}\n\n- [A Practical Widget Handbook](http://widgets.example/book) 2019\n"
    assert parse_list(text).entries == ()


def test_a_tool_named_by_its_repository_is_not_its_paper_under_a_resource_heading() -> None:
    text = (
        "## Software\n\n"
        f"- [WidgetGym]({CODE}) - Environments for widget tuning ([paper]({ARXIV})).\n"
        f"- [Learning to Tune Widgets with Gyms]({ARXIV}) [[code]]({CODE})\n"
    )
    # the paper of a toolbox section is read; the tool cited with its paper is not
    assert _entries(text) == [(4, "Learning to Tune Widgets with Gyms", ARXIV)]


def test_under_books_or_courses_a_pdf_is_the_material_and_an_arxiv_paper_is_a_paper() -> None:
    book = "[A Mathematical Introduction to Widget Handling](https://uni.example/~w/book.pdf)"
    paper = f"[A Survey of Widget Handling Methods]({ARXIV})"
    for heading in ("Book", "Textbooks", "Lectures", "Courses and Slides"):
        text = f"## {heading}\n\n- {book}\n- {paper}\n"
        assert _entries(text) == [(4, "A Survey of Widget Handling Methods", ARXIV)], heading
    # under a tools heading a PDF with a title is the tool's paper
    assert _entries(f"## Tools\n\n- {book}\n") == [
        (3, "A Mathematical Introduction to Widget Handling", "https://uni.example/~w/book.pdf")
    ]


def test_a_table_of_datasets_by_name_under_a_dataset_heading_is_not_read() -> None:
    text = (
        "## Widget Grasping Dataset\n\n"
        "| Name | Features | Paper |\n|---|---|---|\n"
        f"| Widget-Net | widget network | [Paper]({ARXIV}) |\n"
        "| Cornell | | Paper |\n| Jacquard | | Paper |\n| WidgetNet-1Billion | | |\n"
    )
    # a name with its paper's link, under a data heading, is the data (issue 22: items of a
    # data section are entries when they hold a title and a paper link, not a name)
    assert _entries(text) == []


@pytest.mark.parametrize(
    "item",
    [
        "GMM: [Gaussian Mixture Widget](https://en.wikipedia.org/wiki/Mixture_model)",
        "[Business Widget Science: Combining Widgets and Economics to Optimize Decisions]"
        "(https://www.amazon.com/Business-Widget-Science/dp/1260452778)",
        "[CS 262a @ Uni: Advanced Topics in Widget Systems](https://uni.github.io/cs262a/)",
        "[Ann Lee's paper reading notes](https://annlee.example/), with a focus on widgets",
        "[CS 262a Fall 2020 class summary slides](https://uni.github.io/cs262a/notes/26.pdf)",
    ],
)
def test_encyclopedia_shop_course_notes_and_slides_items_are_not_papers(item: str) -> None:
    text = f"## Papers\n\n- [Widget Nets for Widget Tasks]({ARXIV}) *CVPR 2016*\n- {item}\n"
    assert _entries(text) == [(3, "Widget Nets for Widget Tasks", ARXIV)]
    # the same as a paragraph of its own
    paragraph = f"## Papers\n\n- [Widget Nets for Widget Tasks]({ARXIV}) *CVPR 2016*\n\n{item}\n"
    assert _entries(paragraph) == [(3, "Widget Nets for Widget Tasks", ARXIV)]


def test_a_bold_title_paragraph_takes_the_italic_citation_paragraph_after_it() -> None:
    text = (
        "## Tuning\n\n"
        "**Widget Tune: Resource Oriented Tuning for Cloud Widgets** "
        "![](https://img.shields.io/badge/-gaussian_process-orange)\n\n"
        f"*Zhang X, Wu H, Chang Z, et al. SIGMOD, 2021.* [[paper]({IEEE})]\n\n"
        "![](https://img.shields.io/badge/-Heuristic-Orange)   **Wred: Widget Reduction for "
        "Scalable Index Tuning**  \n\n"
        "*Ann Lee, Bo Li. ICDE, 2024*\n\n"
        "**A paragraph of prose in bold, then text**\n\n"
        "Some words about widgets without any link.\n"
    )
    document = parse_list(text)
    assert [(e.line, e.title, e.paper_url, e.year) for e in document.entries] == [
        (3, "Widget Tune: Resource Oriented Tuning for Cloud Widgets", IEEE, 2021),
        (7, "Wred: Widget Reduction for Scalable Index Tuning", None, 2024),
    ]
    assert render(document) == text


@pytest.mark.parametrize(
    ("item", "title", "year"),
    [
        (
            "**[Card, Data-based]** Zhu R, Wu Z, Han Y, et al. FLAT: Fast, Lightweight and "
            "Accurate Widget Estimation[J]. arXiv preprint arXiv:2011.09022, 2020. "
            f"[[paper]({ARXIV})]",
            "FLAT: Fast, Lightweight and Accurate Widget Estimation",
            2020,
        ),
        (
            f"- Li G, Zhou X. Widget tuning with deep learning[C]//Proceedings of the VLDB "
            f"Endowment, 2019. [[paper]({ARXIV})]",
            "Widget tuning with deep learning",
            2019,
        ),
    ],
)
def test_a_gb_t_7714_citation_gives_the_sentence_its_type_marker_closes(
    item: str, title: str, year: int
) -> None:
    [entry] = parse_list(f"## Papers\n\n{item}\n").entries
    assert (entry.title, entry.paper_url, entry.year) == (title, ARXIV, year)


def test_a_title_cell_sheds_the_journal_and_year_in_parentheses_after_it() -> None:
    text = (
        "|Method|Paper|\n|---|---|\n"
        "|GATGNN | Graph networks with global attention for widget prediction (Physical "
        f"Chemistry Chemical Physics, 2020) [[**Paper**]({IEEE})][[**Code**]({CODE})]\n"
        "|SOTA (2019) | Widget models (2019) |\n"
    )
    entries = parse_list(text).entries
    assert [e.title for e in entries] == [
        "Graph networks with global attention for widget prediction",
        "Widget models (2019)",  # two words: too short to be a title with an aside
    ]
    assert entries[0].year == 2020


def test_an_arxiv_number_is_not_a_year_of_its_own() -> None:
    assert year_from_text("arXiv preprint arXiv:2011") == 2020
    assert year_from_text("arXiv:2011.09022, 2021") == 2021
    assert year_from_text("see 2011.09022") == 2020
    assert year_from_text("CVPR 2011") == 2011


@pytest.mark.parametrize("heading", ["Related Workshops", "Upcoming Conferences", "RL Podcasts"])
def test_headings_ending_in_a_kind_of_event_or_resource_hold_no_papers(heading: str) -> None:
    text = (
        f"## {heading}\n\n- [Offline Widget Learning (NeurIPS 2022)](https://widgets.github.io/)\n"
        f"- [A Survey of Offline Widget Learning]({ARXIV})\n"
    )
    assert _entries(text) == [(4, "A Survey of Offline Widget Learning", ARXIV)]


def test_title_only_bullets_under_a_year_heading_are_dated_by_it() -> None:
    text = (
        "## Papers\n\n### 2024\n\n"
        "- CrossWidget: Generalizing Cross-dataset Widget Recognition\n"
        "- Lessons for Using Music to Encourage Widgets\n"
        "- Widget privacy\n"  # three words: a topic, not a title
        "\n### Research Directions\n\n"
        "- Large-Scale and Diverse Widget Dataset Research\n"
    )
    document = parse_list(text)
    assert [(e.line, e.title, e.year) for e in document.entries] == [
        (5, "CrossWidget: Generalizing Cross-dataset Widget Recognition", 2024),
        (6, "Lessons for Using Music to Encourage Widgets", 2024),
    ]
    assert render(document) == text


def test_a_task_list_mark_before_a_citation_is_a_reading_mark() -> None:
    text = (
        "# General modelling\n\n"
        "  * [X] Warren, DL. \u201cIn Defense of Widget Modeling.\u201d Trends in Widgets 27, "
        "no. 9 (2012): 497\u2013500. doi:10.1016/j.tree.2012.03.010.\n"
        "  * [ ] Steel, E Ashley, Maureen C Kennedy, and John S Stanovick. \u201cApplied Widget "
        "Statistics: Common Pitfalls.\u201d Ecosphere 4, no. 9 (September 2013): art115.\n"
        "  * [ ] add the 2024 papers\n"  # a to-do: no paper
    )
    document = parse_list(text)
    assert [(e.line, e.title, e.year) for e in document.entries] == [
        (3, "In Defense of Widget Modeling", 2012),
        (4, "Applied Widget Statistics: Common Pitfalls", 2013),
    ]


def test_a_pdf_kept_beside_the_list_is_the_paper_link() -> None:
    text = (
        "> #### ACL-2020: [Widget Parsing as Dependency Parsing](paper/%5BACL%202020%5D%20WP.pdf)\n"
        "> > A. Author, B. Author\n"
        ">\n"
        f"- {TIP}: [Learning Widgets from Few Examples](./pdf/widgets.pdf)\n"
        "- [Widget Survey](www.jmlr.org/papers/volume18/16-365.pdf) - 2017\n"  # no scheme
    )
    document = parse_list(text)
    assert [(e.title, e.paper_url) for e in document.entries] == [
        ("Widget Parsing as Dependency Parsing", "paper/%5BACL%202020%5D%20WP.pdf"),
        ("Learning Widgets from Few Examples", "./pdf/widgets.pdf"),
        ("Widget Survey", None),
    ]
    assert render(document) == text


def test_an_html_table_without_a_header_is_read_by_what_its_cells_hold() -> None:
    rows = "".join(
        f"<tr id=\"tr-{n}\">\n<td align='right'>\n{n}.\n</td>\n<td>\n"
        f"    {title} [<a href='{url}' target='_blank'>paper</a>] <br>\n"
        "    <em>Qi&nbsp;Sun, and Bei&nbsp;Yu</em><br>\n    TODAES 2022  <br>\n</td>\n</tr>\n"
        for n, (title, url) in enumerate(
            [
                ("Correlated Multi-Fidelity Optimization for Widget Design", IEEE),
                ("Machine Learning Based Widget Congestion Prediction", ARXIV),
            ],
            start=1,
        )
    )
    contents = (
        '<table>\n<tr><td><a href="#widgets">1. Widgets</a></td>'
        '<td><a href="#gadgets">2. Gadgets</a></td></tr>\n</table>\n\n'
    )
    text = f'{contents}<table class="table">\n{rows}</table>\n'
    document = parse_list(text)
    assert [(e.title, e.paper_url) for e in document.entries] == [
        ("Correlated Multi-Fidelity Optimization for Widget Design", IEEE),
        ("Machine Learning Based Widget Congestion Prediction", ARXIV),
    ]
    assert SkipReason.CONTENTS in {s.kind for s in document.skipped}
    assert render(document) == text


def test_the_authors_after_a_title_are_not_part_of_it() -> None:
    text = (
        "| Paper | Link |\n|---|---|\n"
        f"| Widget Explanations Mitigate Bias (Dani Widgetson et al.) | [paper]({ARXIV}) |\n"
        f"| Learning Widgets by Watching Lectures (WidgetVLP) | [paper]({IEEE}) |\n"
        "\n- [Sparse Widgets for All Tasks (Smith et al., 2021)](https://arxiv.org/abs/2101.00001)\n"
    )
    assert [e.title for e in parse_list(text).entries] == [
        "Widget Explanations Mitigate Bias",
        "Learning Widgets by Watching Lectures (WidgetVLP)",  # a name may belong to the title
        "Sparse Widgets for All Tasks",
    ]


# --- round 12 (blind sets 15 and 17) -----------------------------------------------------------


def test_pipe_rows_without_a_header_are_read_and_carry_their_values_in_the_title_cell() -> None:
    from pipeline.listfile.regenerate import regenerate, strip_enrichment

    text = (
        "## Autumn\n\n"
        f'| **Aug 11** | Widgetson 2005 ["Deriving the Widget Universal"]({IEEE}) |\n'
        "| Aug 18 |  |\n"
        '| Aug 25 | Doe & Roe to appear ["Gadgets as complex indices"]'
        "(https://lingbuzz.example.net/005980) |\n"
        "| Sep 1 | Cluster talk: [Ann Lee](https://people.example.edu/~ann) |\n"
        '| Sep 8 | Ann Lee, "A configurational account of widgets" |\n'
        '| Sep 15 | Heim 1983 "On the projection problem for widgets" |\n'
    )
    document = parse_list(text)
    assert _entries(text) == [
        (3, "Deriving the Widget Universal", IEEE),
        (5, "Gadgets as complex indices", "https://lingbuzz.example.net/005980"),
        (8, "On the projection problem for widgets", None),
    ]
    assert not [d for d in document.diagnostics if d.severity.value == "error"]
    assert render(document) == text
    rows = [{"position": p, "citation_count": c} for p, c in enumerate((1234, 5, 7))]
    enriched = regenerate(document, rows, ["citations"])
    assert f"({IEEE}) \u2014 Citations: 1,234 |" in enriched
    again = parse_list(enriched)
    assert strip_enrichment(again) == text


def test_a_gfm_table_below_header_less_rows_keeps_its_header() -> None:
    text = (
        f"| 2019 | [Widgets at Scale]({ARXIV}) |\n"
        "| 2020 | no paper this year |\n"
        "| Title | Venue |\n|---|---|\n"
        f"| [Gadgets in the Wild]({IEEE}) | CVPR 2021 |\n"
    )
    document = parse_list(text)
    assert [(e.line, e.title, e.venue) for e in document.entries] == [
        (1, "Widgets at Scale", None),
        (5, "Gadgets in the Wild", "CVPR 2021"),
    ]


def test_items_of_html_lists_are_read_as_list_items() -> None:
    text = (
        "## 2026\n\n<ol>\n"
        '    <li value = "2">\n'
        "    <strong>Deep conservation of widget circuits in bees &amp; flies.</strong> Doe et al.,"
        ' <em>bioRxiv</em> (2026). <a href="https://doi.org/10.1101/2026.01.01.000001">'
        "10.1101/2026.01.01.000001</a>\n"
        "    </li>\n</ol>\n\n<ul>\n"
        f'  <li><a href="{ARXIV}">Widget Transformers for Small Robots</a> Roe, <em>CVPR</em>'
        " (2023).</li>\n"
        "</ul>\n"
    )
    document = parse_list(text)
    assert [(e.line, e.title, e.paper_url, e.year) for e in document.entries] == [
        (
            5,
            "Deep conservation of widget circuits in bees & flies",
            "https://doi.org/10.1101/2026.01.01.000001",
            2026,
        ),
        (10, "Widget Transformers for Small Robots", ARXIV, 2023),
    ]
    assert render(document) == text


def test_a_heading_over_a_list_of_its_details_is_a_paper() -> None:
    text = (
        "# Widget Sounds\n\n## Segmentation\n\n"
        "### \u2022 *Unsupervised segmentation of widget sounds*\n"
        f"- Paper: {IEEE}\n- Code: None (waiting...)\n- Year: 2025\n\n"
        "### \u2022 A Survey on Widget Sound Analysis in the Deep Learning Era\n"
        f"- Repo: {CODE}\n- 2023\n\n"
        "### \u2022 The Widget Lab\n- **Institution:** Example University\n"
        "- **Link:** https://widgets.example.edu/\n\n"
        "### \u2022 **Widget Sound Dataset** (2024)\n[dataset link](https://data.example.org/ws)\n"
    )
    document = parse_list(text)
    assert [(e.line, e.title, e.paper_url, e.year) for e in document.entries] == [
        (5, "Unsupervised segmentation of widget sounds", IEEE, 2025),
        (10, "A Survey on Widget Sound Analysis in the Deep Learning Era", None, 2023),
    ]
    assert document.entries[1].code_urls == (CODE,)


def test_a_cited_paper_whose_address_has_a_dated_path_is_no_blog_post() -> None:
    url = "https://journals.example.org/articles/aa/abs/2022/06/aa43617-22/aa43617-22.html"
    text = (
        '- Doe, Jane, et al. "Implementation paradigm for supervised widget forecasting." '
        f"Astronomy & Widgets 662 (2022): A105. [link]({url})\n"
        "- [Widget Weekly: What We Learned](https://blog.example.com/2022/06/what-we-learned/)\n"
    )
    assert _entries(text) == [(1, "Implementation paradigm for supervised widget forecasting", url)]


def test_a_book_page_is_no_paper_unless_a_chapter_is_cited_in_it() -> None:
    book = "https://www.sciencedirect.com/book/9780128117880/widget-techniques"
    chapter = "https://link.springer.com/book/10.1007%2F978-3-319-04099-8"
    text = (
        "## Further reading\n\n"
        f"- [Widget techniques for space weather]({book}) - Doe, Jane, and Bo Roe, eds\n"
        '* "Clear and Compress: Computing Widgets in Chunks" by A. Doe and B. Roe. J. Smith et al.'
        f" (eds.), Topological Widgets III (2014). [Link]({chapter})\n"
        "- [Widgets in Practice](https://www.slideshare.net/someone/widgets-in-practice)\n"
        "- [WIDG 2026: Widget Speech Enhancement](https://widg-challenge.github.io/2026/)\n"
        "- [Curated List of Widget Resources](https://t.co/abcdef)\n"
    )
    document = parse_list(text)
    assert [(e.title, e.paper_url) for e in document.entries] == [
        ("Clear and Compress: Computing Widgets in Chunks", chapter)
    ]


def test_labels_before_a_title_are_not_part_of_it() -> None:
    text = (
        f"- (*ICLR'26*) From Widget Records to Diagnostic Dialogues [[\U0001f4dd Paper]({ARXIV})]\n"
        f"* ACL2017: **Exploiting Widget Information to Improve Detection** [paper]({IEEE})\n"
        f"- \U0001f525\U0001f525[YOCO] You Only Cache Widgets Once [[pdf]]({ARXIV})\n\n"
        "| Date | Title | Paper |\n|---|---|---|\n"
        f"|2024.05|\U0001f525[WKV] WKVQuant: Quantizing Widget Caches(@Microsoft)|"
        f" [[pdf]]({IEEE}) |\n"
        f"|2024.06|(*Neural Widget Applications'24*) Detecting widgets with relation networks"
        f" | [[pdf]]({ARXIV}) |\n"
    )
    document = parse_list(text)
    assert [(e.title, e.year) for e in document.entries] == [
        ("From Widget Records to Diagnostic Dialogues", 2026),
        ("Exploiting Widget Information to Improve Detection", 2017),
        ("You Only Cache Widgets Once", None),
        ("WKVQuant: Quantizing Widget Caches", 2024),
        ("Detecting widgets with relation networks", 2024),
    ]


def test_names_separated_by_semicolons_before_an_italic_title() -> None:
    text = (
        "- Kim, Jihyung; Doe, Jane; Roe, Bo P;  *WidgetQuant: a fast algorithm for widget"
        " quantification*. Analytical Chemistry. 2024. [Link](https://www.ncbi.nlm.nih.gov/pubmed/1)\n"
        "- Roe, Bo; *Widget-based molecular networking in the analysis environment*. Nature"
        " Methods. 2020.\n"
    )
    assert [(e.title, e.year) for e in parse_list(text).entries] == [
        ("WidgetQuant: a fast algorithm for widget quantification", 2024),
        ("Widget-based molecular networking in the analysis environment", 2020),
    ]


def test_a_name_linked_to_its_paper_then_the_title() -> None:
    text = (
        f"    * [Topaz]({ARXIV}) - Positive-unlabeled convolutional networks for widget picking,"
        " [Journal Version](https://www.ncbi.nlm.nih.gov/pubmed/2)\n"
        "    * [YOLO9000](https://arxiv.org/abs/1612.08242) - J. Redmon and A. Farhadi, CVPR2017\n"
        f"    * [Widgeteer]({CODE}) - A toolkit for building widgets in five minutes\n"
    )
    assert [(e.title, e.paper_url) for e in parse_list(text).entries] == [
        ("Positive-unlabeled convolutional networks for widget picking", ARXIV),
        ("YOLO9000", "https://arxiv.org/abs/1612.08242"),
    ]


def test_words_that_say_an_item_is_no_paper() -> None:
    text = (
        "## Misc\n\n"
        "- 31) B. Crew. Widgets reveal their most influential papers. https://news.example.com/x,"
        " 2019. Online; accessed 19-December-2019.\n"
        "- [Programming Widgets (Book)](https://widgets.example.com/) (2021)\n"
        "- [Widget Routing: Problems and Methods, Second Edition](https://w.example.org/) 2014\n"
        "- WidgetMamba accepted by MICCAI24!\n"
        "- **Note: the following papers are from [Widget Week](https://week.example.org/)**\n"
        "- [Browse](./papers/2026/index.md)\n"
        "- [Widget Classifier](https://huggingface.co/widget-lab/widget-v1) (2026)\n"
        "- [Original Widget Dataset.](https://widgets.example.edu/data.html)\n"
        "- NOTE: Robust continual widget adaptation against temporal correlation"
        f" [paper]({ARXIV})\n"
        "- [Text as Data](https://www.aeaweb.org/articles?id=10.1257/jel.1) (2019)\n"
    )
    assert [e.title for e in parse_list(text).entries] == [
        "NOTE: Robust continual widget adaptation against temporal correlation",
        "Text as Data",
    ]


def test_citations_in_html_table_rows_give_their_titles() -> None:
    from pipeline.listfile.regenerate import regenerate, strip_enrichment

    text = (
        "<table>\n"
        '  <tr><td>Doe, J., Roe, B., &amp; Sun, H. (2023). <a href="https://pubs.example.org/1">'
        "Role of Kinetics in Controlling Widget Structure</a>. <i>Widget Letters</i>.</td></tr>\n"
        "</table>\n\n<table>\n"
        '<tr valign="top">\n<td align="right" class="bibtexnumber">[<a name="doe2018">2</a>]</td>\n'
        '<td class="bibtexitem">\nA.&nbsp;Doe, and B.&nbsp;Roe, &ldquo;Training deeper widget\n'
        "  models with transparent attention,&rdquo; in <em>Proc. EMNLP</em>,\n  2018.\n"
        f'[&nbsp;<a href="{ARXIV}">pdf</a>&nbsp;]\n</td>\n</tr>\n'
        "</table>\n"
    )
    document = parse_list(text)
    assert [(e.title, e.paper_url) for e in document.entries] == [
        ("Role of Kinetics in Controlling Widget Structure", "https://pubs.example.org/1"),
        ("Training deeper widget models with transparent attention", ARXIV),
    ]
    rows = [{"position": p, "citation_count": c} for p, c in enumerate((1234, 5))]
    enriched = regenerate(document, rows, ["citations", "stars", "last_commit"])
    assert '<td align="right">1,234</td>' in enriched
    assert strip_enrichment(parse_list(enriched)) == text


def test_numbered_citation_paragraphs_with_et_al() -> None:
    text = (
        "## 1. Monocular Widgets\n\n"
        "[1] Eigen et al, Widget Map Prediction from a Single Image, NIPS 2014,"
        " [Web](https://cs.example.edu/~eigen/widgets/)\n\n"
        "[2] Zhang et al, Pattern-Affinitive Propagation across Depth, Surface Normal and"
        f" Segmentation, CVPR 2019, [PDF]({ARXIV}), [Code]({CODE})\n"
    )
    document = parse_list(text)
    assert [(e.title, e.venue, e.code_urls) for e in document.entries] == [
        ("Widget Map Prediction from a Single Image", "NIPS 2014", ()),
        (
            "Pattern-Affinitive Propagation across Depth, Surface Normal and Segmentation",
            "CVPR 2019",
            (CODE,),
        ),
    ]


def test_author_year_citations_with_many_initials_and_a_bold_volume() -> None:
    text = (
        "<h3>2025</h3>\n<ul>\n"
        "<li>Doe AD, Roe JEM, Pinto L-FG, d\u2019Avila F, and Cant\u00fa\u2010Salas L (2025)\n"
        "Widget priorities for nature recovery with multiple options for\n"
        "habitat creation. <em>Journal of Applied Widgetry</em>,\n"
        "<strong>62</strong>: 1024\u20131036.</li>\n"
        "<li>Sun K, Sather M K, and Unnithan Kumar S (2024) Widget intactness outcompetes\n"
        "species as a surrogate. <em>Widget Science</em>, <strong>In\n"
        "press</strong>: e70083.</li>\n"
        "</ul>\n\n"
        "- Roe B, Lee KVC, and Doe J (2023) Priority areas to protect widgets. *Widget"
        " Letters*, **14**: e12310.\n"
    )
    document = parse_list(text)
    assert [(e.title, e.year) for e in document.entries] == [
        ("Widget priorities for nature recovery with multiple options for habitat creation", 2025),
        ("Widget intactness outcompetes species as a surrogate", 2024),
        ("Priority areas to protect widgets", 2023),
    ]


def test_a_flat_list_of_bare_titles_under_a_method_heading() -> None:
    text = (
        "## Widget-SLAM\n\n"
        "- Widget-SLAM: a Versatile and Accurate Monocular Widget System\n"
        "- Real-time dense appearance-based widget mapping for RGB-D sensors\n"
        "- Visual Odometry and Dense Widget Mapping\n\n"
        "## Highlights\n\n"
        "- Supports monocular and stereo widget cameras.\n"
        "- Loop Closing\n"
        "- runs in real time on a laptop computer\n\n"
        "## Roadmap\n\n"
        "- Add the widget papers of this year\n"
        "- Update the table of widget systems\n"
    )
    assert [e.title for e in parse_list(text).entries] == [
        "Widget-SLAM: a Versatile and Accurate Monocular Widget System",
        "Real-time dense appearance-based widget mapping for RGB-D sensors",
        "Visual Odometry and Dense Widget Mapping",
    ]


def test_a_table_of_software_with_languages_and_licences_holds_no_papers() -> None:
    text = (
        "## Open Widgets\n\n"
        "| Project | Sensor | Language | License |\n|---|---|---|---|\n"
        "| [MonoWidget](https://github.com/o/monowidget) | mono | C++ | GPLv3 |\n"
        "| [WTAM](https://www.example.ac.uk/~w/WTAM) | mono | C++/ROS | BSD |\n"
        "| [RBPF-Widget](http://www.example.org/tutorials/rbpf-widget/) | | | |\n"
        "| [WidgetFusion](https://arxiv.org/abs/1512.03385) | RGB-D | C++ | |\n"
    )
    document = parse_list(text)
    assert [e.title for e in document.entries] == ["WidgetFusion"]
    kinds = {s.line: s.kind.value for s in document.skipped}
    assert kinds == {5: "software-table", 6: "software-table", 7: "software-table"}


def test_titles_next_to_venues_names_and_breaks() -> None:
    text = (
        "## Widgets\n\n"
        "- Temporal Reasoning of Widget Models for Detecting Crashes,"
        f" _ArXiv'24_([Paper]({ARXIV}))\n"
        "- When Widgets Meet Finance (WidgetAgent): Widget-based Trading in Simulated Markets,"
        f" *ArXiv'24* ([Paper]({ARXIV}v2))\n"
        "- _Doe-Roe, Sun, Lee et.al_: [**_Do widget models produce better forecasts than"
        " physics-based models?_**](https://www.nature.com/articles/s41612-024-00001-x),"
        " _Nature Widgets, April, 2024_.\n\n"
        "### [Semantic Widgets: Uncertainty Quantification for Widget Models through"
        " Confidence](https://neurips.cc/virtual/2024/poster/95598)\n\n"
        "## Measurements\n\n"
        "- [Widgetly - Widget 2 is about as accurate as Widget 4 for summaries and"
        " cheaper](https://www.widgetly.com/blog/widget-2-accuracy)\n\n"
        "| Abbreviation | Title | Paper |\n|---|---|---|\n"
        "| EUWP | Enhanced Urban Widget Profiling with Adversarial  <br>Self-Supervised Learning"
        f" for Robust Forecasting  <br>and Security | [Paper]({ARXIV}v3) |\n"
        f"| WNet | **Widget Nets for Many Widgets**<br>Kaiming He | [Paper]({ARXIV}v4) |\n"
    )
    assert [e.title for e in parse_list(text).entries] == [
        "Temporal Reasoning of Widget Models for Detecting Crashes",
        "When Widgets Meet Finance (WidgetAgent): Widget-based Trading in Simulated Markets",
        "Do widget models produce better forecasts than physics-based models?",
        "Semantic Widgets: Uncertainty Quantification for Widget Models through Confidence",
        "Enhanced Urban Widget Profiling with Adversarial Self-Supervised Learning for Robust"
        " Forecasting and Security",
        "Widget Nets for Many Widgets",
    ]


def test_a_table_right_under_a_label_line_and_apa_reports() -> None:
    text = (
        "## Forecasting\n\n"
        "**Diffusion-based Widgets**\n"
        "| Publication | Venue | Year | Resource |\n|:---|:---:|---:|---:|\n"
        f"| Widget Forecasts with Diffusion Models | *AAAI* | 2023 | [\\[Paper\\]]({ARXIV}) |\n"
        "| Ensemble Widget Forecasting via Learned Perturbation | *arXiv* | 2023 |"
        f" [\\[Paper\\]]({ARXIV}v2) |\n\n"
        "## Reports\n\n"
        "1. Doe, J., Bergenius Nord, M., & Roe, H. (2023). Spatially explicit widget assessment"
        " uncovers sequential depletion. *Widget Journal*, *80*(7), 1868\u20131880."
        " <https://doi.org/10.1093/widget/fsad111>\n\n"
        "1. Xiao, M., Sakai, T., & Takayama, Y. (2025). *When Does Tourism Raise Widget Prices?"
        " Threshold Effects and Policy Lessons* (No. arXiv:2509.04307)."
        " <https://doi.org/10.48550/arXiv.2509.04307>\n"
    )
    assert [(e.title, e.year) for e in parse_list(text).entries] == [
        ("Widget Forecasts with Diffusion Models", 2023),
        ("Ensemble Widget Forecasting via Learned Perturbation", 2023),
        ("Spatially explicit widget assessment uncovers sequential depletion", 2023),
        ("When Does Tourism Raise Widget Prices? Threshold Effects and Policy Lessons", 2025),
    ]


def test_a_long_list_of_bare_titles_is_judged_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.listfile import parser

    calls: list[str] = []
    bare_title = parser._bare_title

    def counted(content: str) -> int:
        calls.append(content)
        return bare_title(content)

    monkeypatch.setattr(parser, "_bare_title", counted)
    items = [f"- Dense Visual Widget Mapping Number {i} for RGB-D Cameras" for i in range(300)]
    document = parse_list("## Widgets\n\n" + "\n".join(items) + "\n")
    assert len(document.entries) == 300
    assert len(calls) <= 2 * len(items)  # was 300 x 300: every item judged the whole list


def test_a_method_name_in_bold_then_its_title_and_a_plain_venue_after_a_comma() -> None:
    text = (
        "## Detection\n\n"
        f"- **WDETR**: End-to-End Widget Detection with Transformers. [Paper]({ARXIV})\n"
        f"- **Deformable WDETR:** Deformable Transformers for Widget Detection [Paper]({ARXIV}v2)\n"
        f"- **Widgetpy** - a scalable framework for spatial widget analysis [paper]({ARXIV}v3)\n"
        f"- **WiFormer**: Vision Transformers for Widgets (ICCV 2021) [Paper]({ARXIV}v4)\n"
        f"* Study of widget signatures within fake videos, arXiv 2022: [Paper]({ARXIV}v5)\n"
        f"* Widget forecasts in the year 2022: [Paper]({ARXIV}v6)\n"
    )
    assert [(e.title, e.venue, e.year) for e in parse_list(text).entries] == [
        ("End-to-End Widget Detection with Transformers", None, None),
        ("Deformable Transformers for Widget Detection", None, None),
        ("Widgetpy: a scalable framework for spatial widget analysis", None, None),
        ("Vision Transformers for Widgets", "ICCV 2021", 2021),
        ("Study of widget signatures within fake videos", "arXiv", 2022),
        ("Widget forecasts in the year 2022", None, None),
    ]


def test_initials_written_together_and_a_date_ending_a_bold_title() -> None:
    text = (
        "## 2026\n\n"
        "- Wells, A., Tober, B.S., Child, S.F., Rounce, D.R., Holt, J.W., (2025). **An 85-year"
        " record of widget change for Kennicott and Root Widgets, Alaska.** Nat Commun 16, 7835."
        " <https://doi.org/10.1038/s41467-025-62962-w>\n"
        "- Doe, D., Loarte, E., (2026). **Small event, big impact: insights from the widget"
        " cascade on April 28, 2025.** npj Nat. Hazards 3, 51. <https://doi.org/10.1038/s4430>\n"
    )
    assert [(e.title, e.year) for e in parse_list(text).entries] == [
        ("An 85-year record of widget change for Kennicott and Root Widgets, Alaska", 2025),
        ("Small event, big impact: insights from the widget cascade on April 28, 2025", 2026),
    ]


def test_psychology_citations_economics_quotes_and_table_asides() -> None:
    doi = "https://doi.org/10.3758/s1341"
    text = (
        "## 2023\n\n"
        "Liao, MR., Grindell, J.D. & Anderson, B.A. (2023) A comparison of widget imagery and"
        " perceptual cueing across domains of attention. *Atten Widget Psychophys*."
        f" [DOI]({doi}1)\n\n"
        "Contemori, G., Saccani, MS., Bonato, M. (2022) Multitasking Effects on Widgets and"
        f" Memory in Older Adults. *Vision* [DOI]({doi}2)\n\n"
        "Batista, A. R., Folia, V., & Silva, S. (2025). More than a Widget? Developing Adaptive"
        " Guidance for Task Selection in an Online, Semantic-Based Program. *Brain Sciences*."
        f" [DOI]({doi}3)\n\n"
        "Levinson, M., Baillet, S. (2022) Perceptual filling-in dispels the veridicality problem"
        f" of widget research, *Consciousness and Cognition* [DOI]({doi}4)\n\n"
        "## Models\n\n"
        "| Name | Title | Authors | Year |\n|---|---|---|---|\n"
        "| C-LSTM | Data augmentation for self-paced widget classification with C-LSTM."
        f" [[Paper]]({doi}5)]| Freer et al. | 2020 |\n"
        "| ChargeNet | Higher-order equivariant networks for widget density prediction"
        f" (npj Computational Materials, 2024) [[**Paper**]]({doi}6)] | Doe et al. | 2024 |\n\n"
        "## Labor\n\n"
        "<ul>\n"
        '  <li>Herbst, Daniel, Nathaniel Hendren: "Opportunity Unraveled: Private Information'
        ' and the Missing Markets for Widget Capital" (2024, AER)</li>\n'
        '  <li>Coase, Ronald: "The Marginal Widget Controversy" (1946, ECONOMICA)</li>\n'
        "</ul>\n"
    )
    assert [(e.title, e.year) for e in parse_list(text).entries] == [
        ("A comparison of widget imagery and perceptual cueing across domains of attention", 2023),
        ("Multitasking Effects on Widgets and Memory in Older Adults", 2022),
        (
            "More than a Widget? Developing Adaptive Guidance for Task Selection in an Online,"
            " Semantic-Based Program",
            2025,
        ),
        ("Perceptual filling-in dispels the veridicality problem of widget research", 2022),
        ("Data augmentation for self-paced widget classification with C-LSTM", 2020),
        ("Higher-order equivariant networks for widget density prediction", 2024),
        (
            "Opportunity Unraveled: Private Information and the Missing Markets for Widget Capital",
            2024,
        ),
        ("The Marginal Widget Controversy", 1946),
    ]


def test_a_link_to_a_doi_or_an_address_written_without_its_scheme() -> None:
    text = (
        "| Task | Authors | Year | Paper |\n|---|---|---|---|\n"
        "| transfer learning between widget areas | Sech et al. | 2023 |"
        " [paper](10.1109/WIDGET52108.2023.10282694) |\n\n"
        "- [Widget detection with other nets](arxiv.org/abs/2301.01234)\n"
        "- [Widget detection on a lab's site](www.widget-lab.org/papers/detection.pdf) 2021\n"
        "- [Widget detection in a local file](papers/detection.md) [pdf](https://arxiv.org/abs/2301.01235)\n"
    )
    assert [e.paper_url for e in parse_list(text).entries] == [
        "https://doi.org/10.1109/WIDGET52108.2023.10282694",
        "https://arxiv.org/abs/2301.01234",
        None,  # not followed: only DOIs and arXiv addresses name the paper without a scheme
        "https://arxiv.org/abs/2301.01235",
    ]


def test_dataset_items_that_link_their_data_and_references_as_link_text() -> None:
    text = (
        "## Datasets\n\n"
        "* **WDFC**: The Widget Detection Challenge (WDFC) Dataset. [Paper](https://arxiv.org/abs/"
        "2006.07397)    [Download](https://www.kaggle.com/c/widget-detection-challenge/data)\n"
        "* **UAWF**: Exposing Fake Widgets Using Inconsistent Head Poses."
        " [Paper](https://arxiv.org/abs/1811.00661)\n"
        "* **WidgetSet** (2021) - Widgets in the Wild: A Benchmark. [Paper](https://arxiv.org/abs/"
        "2101.00002) [Link](https://zenodo.org/records/12345)\n\n"
        "### Papers\n\n"
        "- Widget Data: A Comprehensive Widget Dataset in Time Series, *KDD'24*"
        " ([Paper](https://arxiv.org/abs/2402.06698), [Dataset](https://huggingface.co/datasets/w/x))\n\n"
        "## Detection\n\n"
        "- **WDFC**: The Widget Detection Challenge (WDFC) Dataset. [Paper](https://arxiv.org/abs/"
        "2006.07398) [Download](https://www.kaggle.com/c/w/data)\n"
        '- [Gulshan, Varun, et al. "Development and validation of a deep learning algorithm for'
        ' widget detection." Jama 316.22 (2016): 2402-2410.](https://jamanetwork.com/x)\n\n'
        "<ul>\n"
        '<li> <a href="https://arxiv.org/abs/1807.10215">\n'
        'Lu, Jen-Tang, et al. "Deepwidget: Automated lumbar widget segmentation using deep'
        ' learning." arXiv preprint arXiv:1807.10215 (2018). </a> </li>\n'
        "</ul>\n"
    )
    document = parse_list(text)
    assert [(e.title, e.year) for e in document.entries] == [
        ("Exposing Fake Widgets Using Inconsistent Head Poses", None),
        ("Widget Data: A Comprehensive Widget Dataset in Time Series", 2024),
        ("The Widget Detection Challenge (WDFC) Dataset", None),  # not under a data heading
        ("Development and validation of a deep learning algorithm for widget detection", 2016),
        ("Deepwidget: Automated lumbar widget segmentation using deep learning", 2018),
    ]
    skipped = {s.line: s.kind for s in document.skipped}
    assert skipped[3] == skipped[5] == SkipReason.NON_PAPER_SECTION


def test_apa_dated_to_the_month_a_quote_opening_a_title_and_data_files() -> None:
    text = (
        "## Citing papers\n\n"
        "- Font, F. (2021, September). SOURCE: a Freesound Community Widget Sampler. In"
        " Proceedings of the 16th International Audio Mostly Conference (pp. 182-187).\n"
        "- Graf, M., Chijioke Opara, H., & Barthet, M. (2021, May 3). An Audio-Driven System for"
        " Real-Time Widget Visualisation. In Audio Engineering Society Convention 150.\n"
        "- I. Czedik-Eysenberg, O. Wieczorek, and C. Reuter. 'Warriors of the Widget'--"
        " Deciphering Lyrical Topics in Widgets. arXiv preprint arXiv:1911.04952, 2019.\n\n"
        "## Models and Datasets\n\n"
        "- QM9 Dataset:\n"
        "    - [Quantum chemistry structures and properties of 134 kilo widgets.]"
        "(https://www.nature.com/articles/sdata201422)\n"
        "    - [Original version. Theory: B3LYP/6-31G(2df,p)]"
        "(https://doi.org/10.6084/m9.figshare.978904)\n"
    )
    document = parse_list(text)
    assert [(e.title, e.year) for e in document.entries] == [
        ("SOURCE: a Freesound Community Widget Sampler", 2021),
        ("An Audio-Driven System for Real-Time Widget Visualisation", 2021),
        ("Warriors of the Widget'-- Deciphering Lyrical Topics in Widgets", 2019),
        ("Quantum chemistry structures and properties of 134 kilo widgets", None),
    ]
    assert [s.kind for s in document.skipped] == [SkipReason.NON_PAPER_SECTION]


def test_a_project_under_other_projects_that_links_a_page_about_its_paper() -> None:
    text = (
        "## Papers\n\n"
        "- [Widget Captioning with Transformers](https://arxiv.org/abs/2301.01234)\n\n"
        "## Other Projects\n\n"
        "* Widget Describer: a Platform for Collecting Descriptions of Widgets -"
        " [[link](https://widget-describer.example.app)] |"
        " [[paper](https://widgets2022program.example.net/lbd_405.html)] |"
        " [[code](https://github.com/o/widget-describer)]\n"
        "* [WidgetNet: Widget Detection at Scale](https://arxiv.org/abs/2301.01235)\n"
    )
    document = parse_list(text)
    assert [e.title for e in document.entries] == [
        "Widget Captioning with Transformers",
        "WidgetNet: Widget Detection at Scale",  # surely a paper, under any heading
    ]
    assert [s.kind for s in document.skipped] == [SkipReason.NON_PAPER_SECTION]


def test_a_review_whose_contents_point_to_one_section_of_fields_per_paper() -> None:
    text = (
        "# The review (3 articles in total)\n"
        "| Title | Authors | Description |\n| --- | --- | --- |\n"
        "| Widget monitoring and control perspectives: a parsimonious framework | Doe et al. |"
        " [here](#widget-monitoring-and-control-perspectives-a-parsimonious-framework) |\n"
        "| Widget Models for Personalised Isolation and Exit Policies | Roe et al. |"
        " [here](#widget-models-for-personalised-isolation-and-exit-policies) |\n"
        "| Widget Forecasts Without a Paper Link Below | Poe et al. |"
        " [here](#widget-forecasts-without-a-paper-link-below) |\n\n"
        "## Widget monitoring and control perspectives: a parsimonious framework \n"
        "### General information\n"
        "**Authors** : Mircea T. Doe, Bastien Roe</br>\n"
        "**Publication date** : 05/24</br>\n"
        "**Paper** : Available [here](https://www.medrxiv.org/content/10.1101/2020.05.22.2011)</br>\n"
        "**Code available** : https://github.com/o/widget-monitoring</br>\n"
        "### Technical information\n</br>\n\n"
        "## Widget Models for Personalised Isolation and Exit Policies\n"
        "### General information\n"
        "**Paper**: https://arxiv.org/abs/2004.29207</br>\n\n"
        "## Widget Forecasts Without a Paper Link Below\n"
        "### General information\n"
        "**Paper** : Available [here](https://widgets.example.org/)</br>\n"
    )
    document = parse_list(text)
    assert [(e.line, e.title, e.paper_url) for e in document.entries] == [
        (6, "Widget Forecasts Without a Paper Link Below", None),  # its section names no paper
        (
            8,
            "Widget monitoring and control perspectives: a parsimonious framework",
            "https://www.medrxiv.org/content/10.1101/2020.05.22.2011",
        ),
        (
            17,
            "Widget Models for Personalised Isolation and Exit Policies",
            "https://arxiv.org/abs/2004.29207",
        ),
    ]
    assert [(s.line, s.kind) for s in document.skipped[:2]] == [
        (4, SkipReason.CONTENTS),
        (5, SkipReason.CONTENTS),
    ]


def test_dated_reading_list_bullets_and_ams_citation_paragraphs() -> None:
    text = (
        "# The 1990s\n\n"
        "* 1995 Shor: Polynomial-Time Algorithms for Prime Factorization on a Widget Computer"
        " <https://arxiv.org/abs/quant-ph/9508027v2>  QC can do period-finding quickly.\n\n"
        "* 1996: Grover: A fast quantum mechanical algorithm for widget search\n"
        "<https://arxiv.org/abs/quant-ph/9605043>\n\n"
        "* 1995 Cirac/Zoller: Quantum Computations with Cold Trapped Widgets"
        " <https://iontrap.example.edu/cold-trapped-widgets.pdf>.  A concrete proposal.\n\n"
        "* 1998 Monroe et al Experimental Issues In Coherent Manipulation of Trapped Widgets"
        " <https://arxiv.org/abs/quant-ph/9710015>\n\n"
        "* 2018 IonQ founder lecture <https://www.youtube.com/watch?v=9aOLwjUZLm0>\n\n"
        "# Publications\n\n"
        "Hallberg, Robert W., Alistair Adcroft, P C D Milly, Hiram Levy II, and Ronald J Stouffer,"
        " May 2013: Sensitivity of Steric Sea Level Rise to Widget Model Formulation. Journal of"
        " Climate, 26(9), http://dx.doi.org/10.1175/JCLI-D-12-00506.1.\n\n"
        "Goldberg, D N., C M Little, and M Oppenheimer, in press: Investigation of land ice-widget"
        " interaction, Part 2: Sensitivity to forcings. Climate Dynamics."
        " http://dx.doi.org/10.1007/s00382-013-1798-5. 5/13.\n"
    )
    document = parse_list(text)
    assert [(e.title, e.year) for e in document.entries] == [
        # one name before a colon may be a method's (`Mamba: ...`): it stays in the title
        ("Shor: Polynomial-Time Algorithms for Prime Factorization on a Widget Computer", 1995),
        ("Grover: A fast quantum mechanical algorithm for widget search", 1996),
        ("Quantum Computations with Cold Trapped Widgets", 1995),
        ("Experimental Issues In Coherent Manipulation of Trapped Widgets", 1998),
        ("Sensitivity of Steric Sea Level Rise to Widget Model Formulation", 2013),
        ("Investigation of land ice-widget interaction, Part 2: Sensitivity to forcings", None),
    ]
    assert [s.kind for s in document.skipped] == [SkipReason.POST]  # the lecture's video


def test_a_quoted_title_after_names_keeps_the_year_written_before_it() -> None:
    # the title's words read as names (`Widget Learning Uber and Learning`): the quoted title is
    # taken again from the whole reference, and the year before it is still the citation's
    text = (
        "* [X] He K. (2005), \u201cWidget Learning \u00dcber and Learning\u201d,"
        " CVPR, 1, 10\u2013110\n"
    )
    assert [(e.title, e.year) for e in parse_list(text).entries] == [
        ("Widget Learning \u00dcber and Learning", 2005)
    ]


def test_numbered_citations_wrapped_over_indented_lines() -> None:
    # a pkgdown "cited by" page: each citation soft-wrapped over the item's lines, some whose
    # first line holds only names
    text = (
        "## 2025\n\n"
        "1.  Doe, A., Roe, B., 2025. Tracking widget corridors for the golden\n"
        "    jackal in northern parts of a country. *Journal of Widget\n"
        "    Biodiversity* 9, 1\u201316.\n"
        "    <https://widgets.example.org/index.php/jwb/article/view/728>\n\n"
        "2.  Kass, J.M., Smith, A.B., Warren, D.L., Vignali, S., Schmitt, S.,\n"
        "    Arl\u00e9, E., Barbosa, A. and Gu\u00e9guen, M., 2025. Achieving higher\n"
        "    standards in widget modelling. *Ecography*, *2025*(2), p.e07346.\n"
        "    <https://doi.org/10.1111/ecog.07346>\n\n"
        "3.  Lee, C., 2024. Widgets on one line. *Nature*, 1, 2.\n"
        "    <https://doi.org/10.1038/widget>\n"
    )
    document = parse_list(text)
    assert [(e.line, e.title, e.year, e.paper_url) for e in document.entries] == [
        (
            3,
            "Tracking widget corridors for the golden jackal in northern parts of a country",
            2025,
            "https://widgets.example.org/index.php/jwb/article/view/728",
        ),
        (
            8,
            "Achieving higher standards in widget modelling",
            2025,
            "https://doi.org/10.1111/ecog.07346",
        ),
        (13, "Widgets on one line", 2024, "https://doi.org/10.1038/widget"),
    ]
    assert render(document) == text


def test_names_beside_a_quoted_title_and_an_arrow_to_its_address() -> None:
    # a scraped course digest: `Names "Title" ---->  address`, a search page or none for the
    # paper, curly quotes stored as C1 controls (Windows-1252 read as Latin-1)
    text = (
        "### widget-trade\n\n"
        "- The Wind of Widgets: Maritime Technology and Trade  ---->  "
        "https://papers.ssrn.com/sol3/papers.cfm?abstract_id=606184\n"
        '- Jeffrey Doe\' "Institutions Do Not Rule"  ---->  '
        "https://www.google.com/search?q=institutions\n"
        "- \x93Corruption and Widget Growth\x94 by Pak Hung Mo  ---->  "
        "https://www.google.com/search?q=corruption\n"
        "- La Porta, de Silanes, Shleifer, 2002, \x93Government Ownership of Widgets\x94  ---->  "
        "https://www.google.com/search?q=banks\n"
        '- "Green Widget Revolution"   ---->  https://www.google.com/search?q=green\n'
    )
    document = parse_list(text)
    assert [(e.title, e.paper_url, e.year) for e in document.entries] == [
        (
            "The Wind of Widgets: Maritime Technology and Trade",
            "https://papers.ssrn.com/sol3/papers.cfm?abstract_id=606184",
            None,
        ),
        ("Institutions Do Not Rule", None, None),
        ("Corruption and Widget Growth", None, None),
        ("Government Ownership of Widgets", None, 2002),
    ]
    # a quoted phrase with nobody named beside it is a search term
    assert [s.line for s in document.skipped] == [7]


def test_dataset_rows_citing_their_paper_an_italic_title_and_declared_kinds() -> None:
    text = (
        "## Datasets\n\n"
        "#### Widget Judgement Prediction\n\n"
        "| Dataset | Links | Domain | Language | Size |\n"
        "|---|---|---|---|---|\n"
        "| WJP (Niklaus et al., 2021) | [\U0001f4c4](https://arxiv.org/abs/2110.00806) | Swiss "
        "court judgements | de | 85K cases w/ 2 outcomes |\n"
        "| Pile of Widgets (Henderson et al., 2022) | [\U0001f4c4](https://arxiv.org/abs/2207.00220)"
        " | Widget law | en | 256 GB of text |\n\n"
        "## Surveys\n\n"
        "- [`2020-05`] *How Does NLP Benefit Widget Systems: A Summary*, H. Zhong et al. "
        "[[pdf]](https://arxiv.org/pdf/2004.12158)\n"
        "- [`2019-09`] *A Brief History of Widget Prediction in Law*, K. Ashley "
        "[[pdf]](https://journals.example.edu/law/article/download/88/157)\n\n"
        "## Reading\n\n"
        "**[The Illustrated Widget](https://widgets.example.io/illustrated-widget/)**\\\n"
        "*Authors:* Jay Doe\\\n"
        "*Notes:* Blog introducing widgets\n\n"
        "**[Shell Widget](https://castbox.fm/vb/734885305)**\\\n"
        "*Publication:* Podcast\n\n"
        "**[Attention Is All Widgets Need](https://arxiv.org/abs/1706.03762)**\\\n"
        "*Authors:* Vaswani, Ashish\\\n"
        "*Notes:* Original widget paper\n\n"
        'Hiner, M.C.; Rueden, C.T. & Eliceiri, K.W. (2016 Dec 7), "WIDGIO: an extensible '
        'framework for widget formats.", BMC Bioinformatics 17(1): 521, PMID 27927161.\n'
    )
    document = parse_list(text)
    assert [(e.title, e.year) for e in document.entries] == [
        ("How Does NLP Benefit Widget Systems: A Summary", 2020),
        ("A Brief History of Widget Prediction in Law", 2019),
        ("Attention Is All Widgets Need", None),
        ("WIDGIO: an extensible framework for widget formats", 2016),
    ]
    assert {s.line for s in document.skipped} == {7, 8, 17, 21}  # data rows, blog, podcast
    assert render(document) == text


def test_a_quoted_title_wrapped_with_its_year_on_a_line_numbered_like_a_list() -> None:
    # `2005. <url>` would open a list numbered from 2005, but only a list numbered from 1 may
    # interrupt a paragraph (CommonMark): the line goes on with the citation
    text = (
        '1.  He, Kaiming. "Widgets for widgets\n'
        '    for widgets." CVPR,\n'
        "    2005. <https://arxiv.org/abs/0502.00001>\n"
    )
    assert [(e.title, e.year, e.venue) for e in parse_list(text).entries] == [
        ("Widgets for widgets for widgets", 2005, "CVPR")
    ]


def test_a_model_name_then_its_papers_title_in_bold() -> None:
    text = (
        "* [2008 (KDD)] SVD++: **Factorization Meets the Widget: a Multifaceted Model**. "
        "[[PDF](https://dl.acm.org/doi/10.1145/1401890.1401944)]\n"
        "* [2017 (IJCAI)] DeepFM: **A Factorization-Machine based Widget Network**. "
        "[[PDF](https://arxiv.org/abs/1703.04247)]\n"
    )
    assert [(e.title, e.year) for e in parse_list(text).entries] == [
        ("Factorization Meets the Widget: a Multifaceted Model", 2008),
        ("A Factorization-Machine based Widget Network", 2017),
    ]


def test_a_citation_without_a_link_under_a_resource_heading_is_skipped_and_said() -> None:
    text = (
        "### Frameworks\n"
        "- Guyatt GH, Oxman AD, Vist GE, et al. GRADE: An emerging consensus on rating widget "
        "evidence. BMJ. 2008;336(7650):924-926.\n"
        "- Widgetflow, a framework for widgets\n"
    )
    document = parse_list(text)
    assert document.entries == ()
    assert [(s.line, s.kind) for s in document.skipped] == [(2, SkipReason.NON_PAPER_SECTION)]


def test_a_search_page_is_never_the_paper_link() -> None:
    text = (
        "- Prins, C. A simple and effective evolutionary algorithm for the widget routing problem."
        " 2004. [Paper](https://scholar.google.com/scholar?q=Prins+2004+widget)\n"
        "- Doe, J. Widgets in the computer society library. 2019."
        " [Paper](https://www.computer.org/csdl/journal/tp/2019/05/08123456/13rRUxBJhBm)\n"
    )
    assert [(e.title, e.paper_url) for e in parse_list(text).entries] == [
        ("A simple and effective evolutionary algorithm for the widget routing problem", None),
        (
            "Widgets in the computer society library",
            "https://www.computer.org/csdl/journal/tp/2019/05/08123456/13rRUxBJhBm",
        ),
    ]
