"""The reader decides by what items and cells hold, with names as hints (issue 22). Each list
here is written for the test, in the shape of lists met in the wild."""

from __future__ import annotations

import pytest

from pipeline.listfile.model import Severity, SkipReason
from pipeline.listfile.parser import parse_list
from pipeline.listfile.render import render

ARXIV = "https://arxiv.org/abs/2301.01234"
REPO_PDF = "https://github.com/someone/papers/blob/master/ctr/cross-towers.pdf"


def _read(text: str) -> list[tuple[int, str, str | None, tuple[str, ...]]]:
    return [(e.line, e.title, e.paper_url, e.code_urls) for e in parse_list(text).entries]


@pytest.mark.parametrize(
    ("item", "title", "venue", "year"),
    [
        (
            "Frozen Priors Help Weakly Supervised Segmentation *CVPR2025*",
            "Frozen Priors Help Weakly Supervised Segmentation",
            "CVPR2025",
            2025,
        ),
        (
            "frozen priors help weakly supervised segmentation *CVPR2025*",
            "frozen priors help weakly supervised segmentation",
            "CVPR2025",
            2025,
        ),
        (
            "Are Deep Nets Provably Better than Linear Predictors? NIPS'18",
            "Are Deep Nets Provably Better than Linear Predictors?",
            "NIPS'18",
            2018,
        ),
        (
            "Lane Graphs for Motion Forecasting, IEEE T-ITS, 2022.",
            "Lane Graphs for Motion Forecasting",
            "IEEE T-ITS",
            2022,
        ),
        (
            ":+1: &nbsp; J. Doe, K. Roe, **Robust Margins Without Labels**, 2019.",
            "Robust Margins Without Labels",
            None,
            2019,
        ),
    ],
)
def test_title_only_items_read_alike_in_any_letter_case(
    item: str, title: str, venue: str | None, year: int
) -> None:
    [entry] = parse_list(f"## Papers\n\n- {item}\n").entries
    assert (entry.title, entry.venue, entry.year) == (title, venue, year)


def test_a_pdf_kept_in_a_repository_is_the_paper_never_code() -> None:
    text = (
        f"* [[CTRX] Cross Towers for Click Prediction (KDD 2019)]({REPO_PDF}) <br />\n"
        f"* Deep Interest Nets for Click Prediction [[PDF]]({REPO_PDF.replace('cross', 'deep')})\n"
    )
    first, second = parse_list(text).entries
    assert (first.title, first.paper_url, first.code_urls, first.year) == (
        "Cross Towers for Click Prediction",
        REPO_PDF,
        (),
        2019,
    )
    assert second.paper_url is not None and second.paper_url.endswith("deep-towers.pdf")


@pytest.mark.parametrize("label", ["PUB", "PDF", "📝", "Paper", "CVPR 2021"])
def test_an_explicit_paper_label_wins_over_an_unknown_host(label: str) -> None:
    url = "https://journal.example-press.org/article/77"
    [entry] = parse_list(f"- Graph Kernels for Molecule Search [{label}]({url})\n").entries
    assert entry.paper_url == url


@pytest.mark.parametrize("label", [":octocat:", "Code", "PyTorch", "GitHub"])
def test_an_explicit_code_label_makes_code_on_any_host(label: str) -> None:
    code = "https://code.example.org/lab/graph-kernels"
    [entry] = parse_list(
        f"- Graph Kernels for Molecule Search [[paper]]({ARXIV}) [{label}]({code})\n"
    ).entries
    assert (entry.paper_url, entry.code_urls) == (ARXIV, (code,))


LINKS = f"[PDF]({ARXIV}) [Code](https://github.com/a/gk)"
GK = "Graph Kernels for Molecule Search"


@pytest.mark.parametrize(
    ("header", "row"),
    [
        # the title column under a header the reader never listed
        (
            "| Paper & Authors | Summary | Links |",
            f"| **{GK}** <br> A. Doe | Kernels on molecules. | {LINKS} |",
        ),
        (
            "|Date|Method|Venue|Paper Title and Reading Notes|Code|",
            f"|23-04-02|[GK]({ARXIV})|KDD 2023|{GK}|[code](https://github.com/a/gk)|",
        ),
        # the links in a column of their own
        ("| Title | Venue | Year | Resources |", f"| {GK} | KDD | 2023 | {LINKS} |"),
    ],
)
def test_a_table_is_read_by_what_its_cells_hold(header: str, row: str) -> None:
    delimiter = "|" + "---|" * (header.count("|") - 1)
    [(_, title, paper, code)] = _read(f"{header}\n{delimiter}\n{row}\n")
    assert (title, paper) == ("Graph Kernels for Molecule Search", ARXIV)
    assert code == ("https://github.com/a/gk",)


def test_a_linked_name_under_a_method_header_is_the_paper() -> None:
    text = "| Method | Task |\n|---|---|\n" + "".join(
        f"| [GK-{n}](https://arxiv.org/abs/2301.0123{n}) | graphs |\n" for n in range(3)
    )
    assert [title for _, title, _, _ in _read(text)] == ["GK-0", "GK-1", "GK-2"]


def test_a_cell_holding_a_whole_citation_gives_its_title() -> None:
    cite = 'Smith, Ann. "Double Nets for Treatment Effects." JASA 12 (2019): 1-9.'
    text = f"|Name|Paper|Code|\n|---|---|---|\n|DoubleNet|[{cite}](https://x.org/p.pdf)|-|\n"
    [entry] = parse_list(text).entries
    assert (entry.title, entry.abbreviation) == ("Double Nets for Treatment Effects", "DoubleNet")


def test_a_results_table_holds_no_papers_and_says_why() -> None:
    text = "| Method | mIoU | Link |\n|---|---|---|\n| 1 | 71.2 | [x](https://x.org/a) |\n"
    document = parse_list(text)
    assert document.entries == ()
    assert [s.kind for s in document.skipped] == [SkipReason.NO_TITLE_COLUMN]


def test_a_resource_section_keeps_the_papers_its_items_link() -> None:
    text = (
        "## Toolbox\n\n"
        "- [segkit](https://github.com/a/segkit): a toolbox\n"
        f"- [Sparse Prompt Tuning for Segmentation]({ARXIV}) (the paper behind segkit)\n"
        "## Video\n\n"
        "- [Video Swin Transformer](https://arxiv.org/abs/2106.13230)\n"
    )
    document = parse_list(text)
    assert [e.line for e in document.entries] == [4, 7]
    assert [(s.line, s.kind) for s in document.skipped] == [(3, SkipReason.NON_PAPER_SECTION)]


@pytest.mark.parametrize(
    ("item", "kind"),
    [
        (
            "[CVPR 2023 Workshop on Learning with Limited Labels](https://sites.example.org/l3)",
            SkipReason.EVENT,
        ),
        ("[NeurIPS 2022 Accepted Papers](https://neurips.example.org/22)", SkipReason.VENUE_INDEX),
        (
            "2023-05-01: added 12 papers from CVPR 2023 [list](https://x.org/c)",
            SkipReason.CHANGELOG,
        ),
    ],
)
def test_events_venue_pages_and_changelog_lines_are_not_papers(item: str, kind: SkipReason) -> None:
    document = parse_list(f"## Papers\n\n- {item}\n")
    assert document.entries == ()
    assert [s.kind for s in document.skipped] == [kind]


def test_a_workshop_paper_with_its_paper_link_is_a_paper() -> None:
    item = f"- [Limited Labels Workshop: Results and Methods]({ARXIV}) CVPR 2023\n"
    assert len(parse_list(item).entries) == 1


def test_a_title_of_one_word_parts_is_no_author_line() -> None:
    [entry] = parse_list(f"- Faster, Higher, Stronger [[pdf]]({ARXIV}) NeurIPS 2021\n").entries
    assert (entry.title, entry.paper_url) == ("Faster, Higher, Stronger", ARXIV)


def test_an_item_skipped_with_a_paper_link_is_always_warned_about() -> None:
    document = parse_list(f"- Ada Lovelace, Grace Hopper [[pdf]]({ARXIV})\n")
    assert document.entries == ()
    [skipped] = document.skipped
    assert skipped.kind is SkipReason.AUTHOR_LINE and skipped.doubtful
    [warning] = document.diagnostics
    assert warning.severity is Severity.WARNING and warning.line == 1


@pytest.mark.parametrize(
    "mark", ["(Oral)", "[Spotlight]", "(Best Paper Award)", "(Oral, Best Paper)"]
)
def test_a_presentation_mark_is_not_part_of_the_title(mark: str) -> None:
    [entry] = parse_list(f"- [Token Contrast for Segmentation {mark}]({ARXIV}) CVPR 2023\n").entries
    assert entry.title == "Token Contrast for Segmentation"


def test_a_paragraph_opening_with_a_linked_title_is_a_paper() -> None:
    text = f"# Papers\n\n[Sparse Saliency Through Gated Gradients]({ARXIV}), ICML 2023\n\nProse.\n"
    assert _read(text) == [(3, "Sparse Saliency Through Gated Gradients", ARXIV, ())]


def test_link_text_over_two_lines_is_one_title() -> None:
    text = f"- [A Title That Goes On And\n  Onto The Next Line]({ARXIV})\n"
    assert _read(text) == [(1, "A Title That Goes On And Onto The Next Line", ARXIV, ())]


def test_a_short_described_name_linked_to_a_site_is_warned_not_taken() -> None:
    text = (
        "## Resources\n\n"
        "- [WidgetKit](http://kit.example.org/widgets) - A kit of widgets.\n"
        "- [WNet](https://arxiv.org/abs/2301.01234) - Widget networks.\n"
        "- [WNet-2](https://lab.example.org/wnet2)\n"
    )
    document = parse_list(text)
    assert [e.line for e in document.entries] == [4, 5]
    [skipped] = document.skipped
    assert (skipped.line, skipped.kind, skipped.doubtful) == (3, SkipReason.NO_PAPER_LINK, True)


@pytest.mark.parametrize(
    "item",
    [
        "[Electronics] Special Issue on: Pixel-Wise Understanding [[Link](https://journal.example.org/si)]",
        "[[Drone 2020](http://challenge.example.org/c/)] Counting. ECCV Workshop. Deadline: 2020",
    ],
)  # fmt: skip
def test_calls_for_papers_are_not_papers(item: str) -> None:
    document = parse_list(f"## News\n\n- {item}\n## Papers\n\n- {item}\n")
    assert document.entries == ()


def test_an_html_anchor_and_a_bold_tag_before_the_title_are_not_the_title() -> None:
    item = '- <a name="WNet"></a>**[WNet]** Widget Networks for Counting (**CVPR**)[[paper](https://x.org/w.pdf)]'
    [entry] = parse_list(item + "\n").entries
    assert (entry.title, entry.venue) == ("Widget Networks for Counting", "CVPR")


def test_a_title_case_title_joined_by_and_is_no_author_line() -> None:
    item = "- Widget Estimation and Deep Ensembles [[NeurIPS 2021]](https://x.org/p)\n"
    [entry] = parse_list(item).entries
    assert entry.title == "Widget Estimation and Deep Ensembles"


def test_a_repository_behind_a_word_for_any_link_is_code() -> None:
    text = "|Name|Title|Paper|Code|\n|---|---|---|---|\n|**WFM**|**Widget Foundation Model**|null|[link](https://github.com/o/wfm)|\n"
    [entry] = parse_list(text).entries
    assert (entry.paper_url, entry.code_urls) == (None, ("https://github.com/o/wfm",))


@pytest.mark.parametrize(
    ("cell", "title"),
    [
        ('Widget "Quoted Words" Segmentation Nets', 'Widget "Quoted Words" Segmentation Nets'),
        ('Smith, A. "Quoted Words Here." Widget Journal 2019', "Quoted Words Here"),
    ],
)  # fmt: skip
def test_quotes_make_a_citation_only_beside_authors_and_a_year(cell: str, title: str) -> None:
    text = f"| Title |\n|---|\n| [{cell}](https://arxiv.org/abs/2301.01234) |\n"
    [entry] = parse_list(text).entries
    assert entry.title == title


@pytest.mark.parametrize(
    ("item", "title", "venue", "year"),
    [
        (
            "Learning for Learning *IEEE Transactions on Image Processing 2005*",
            "Learning for Learning",
            "IEEE Transactions on Image Processing 2005",
            2005,
        ),
        ("Learning for Network (TPAMI 2019).", "Learning for Network", "TPAMI 2019", 2019),
        ("Deep Widgets for Graphs [NeurIPS'22]", "Deep Widgets for Graphs", "NeurIPS'22", 2022),
    ],
)
def test_a_title_only_item_keeps_its_ending_venue_out_of_the_title(
    item: str, title: str, venue: str, year: int
) -> None:
    [entry] = parse_list(f"3. {item}\n").entries
    assert (entry.title, entry.venue, entry.year) == (title, venue, year)


def test_a_bold_title_paragraph_with_venue_and_year_is_a_paper() -> None:
    text = "**Learning for Learning**  \n*CVPR 2005*\n\n**Object Detection**\n\nProse.\n"
    [entry] = parse_list(text).entries
    assert (entry.line, entry.title, entry.year) == (1, "Learning for Learning", 2005)


def test_an_acronym_in_a_title_does_not_end_it() -> None:
    [entry] = parse_list("- One Widget for All Widgets (OWAW) estimation *CVPR 2021*\n").entries
    assert entry.title == "One Widget for All Widgets (OWAW) estimation"


def test_a_citation_with_the_authors_first_takes_its_linked_title() -> None:
    text = (
        "* Ann Smith, Bo Li, and Carl Jones. 2019. [Widget Networks for Sequence Tasks]"
        "(https://example.org/W19-1). In *Proceedings of WXYZ 2019*. "
        "([Citation](https://scholar.example/x): 123)\n"
    )
    [entry] = parse_list(text).entries
    assert (entry.title, entry.paper_url, entry.year) == (
        "Widget Networks for Sequence Tasks",
        "https://example.org/W19-1",
        2019,
    )


def test_a_bracketed_bold_title_after_an_emoji_is_a_paper() -> None:
    text = (
        "# Style\n\n:white_check_mark: [**Widget Style Transfer for Images**] "
        f"[[Paper]]({ARXIV}) *(CVPR 2017)*\n\n- [code](https://github.com/a/wst)\n"
    )
    [entry] = parse_list(text).entries
    assert (entry.line, entry.title, entry.paper_url, entry.year) == (
        3,
        "Widget Style Transfer for Images",
        ARXIV,
        2017,
    )


def test_a_section_of_short_site_names_is_a_section_of_resources() -> None:
    datasets = "".join(
        f"* [{name}](https://{name.lower().replace(' ', '')}.example.org/), LANG: `English`.\n"
        for name in ("Widget Lexicon", "Gadget 8k", "Gizmo Genome")
    )
    text = (
        f"## Collections\n{datasets}* [Widget Captioning at Scale: A Corpus]({ARXIV})\n"
        "## Papers\n- [WNet](https://wnet.example.org/) (CVPR 2021)\n"
        "- [GNet](https://gnet.example.org/)\n"
    )
    document = parse_list(text)
    # `GNet`: a name linked to a front page, nothing dated, is no paper by itself (warned)
    assert [(e.position, e.line) for e in document.entries] == [(0, 5), (1, 7)]
    assert [(s.line, s.doubtful) for s in document.skipped] == [
        (2, True),
        (3, True),
        (4, True),
        (8, True),
    ]
    assert [d.line for d in document.diagnostics] == [2, 3, 4, 8]
    assert render(document) == text


def test_an_unknown_venue_holding_a_year_is_the_venue() -> None:
    text = (
        "- [Deep Learning for Depth Maps](https://doi.org/10.1/x) *Medical Widget Analysis 2017*\n"
    )
    [entry] = parse_list(text).entries
    assert (entry.title, entry.venue, entry.year) == (
        "Deep Learning for Depth Maps",
        "Medical Widget Analysis 2017",
        2017,
    )


def test_a_title_in_ideographs_is_a_title() -> None:
    [entry] = parse_list("- [BMVC 2017] 三维重建中的神经辐射场\n").entries
    assert (entry.title, entry.year) == ("三维重建中的神经辐射场", 2017)


def test_a_sub_item_of_links_only_is_no_paper_of_its_own() -> None:
    text = (
        "- **Bold Title Of A Paper**\n"
        "  * [[Paper](https://openreview.net/forum?id=x)] \u00b7 [video](https://youtube.com/x)\n"
    )
    [entry] = parse_list(text).entries
    assert (entry.line, entry.title) == (1, "Bold Title Of A Paper")


def test_a_cited_paper_with_only_its_code_is_read_under_any_heading() -> None:
    text = "## Video\n- Deep Network for Scene Segmentation *IROS 2005* [code](https://github.com/a/b)\n"
    [entry] = parse_list(text).entries
    assert entry.code_urls == ("https://github.com/a/b",)


def test_a_code_link_beside_the_title_link_in_its_cell_is_kept() -> None:
    row = f"| [Title of the First Paper]({ARXIV}) [code](https://gitlab.com/a/b) | CVPR 2021 |\n"
    second = "| [Title of the Second Paper](https://arxiv.org/abs/2101.00002) | CVPR 2021 |\n"
    first, _ = parse_list(f"| Title | Venue |\n|---|---|\n{row}{second}").entries
    assert (first.paper_url, first.code_urls) == (ARXIV, ("https://gitlab.com/a/b",))


def test_an_escaped_bracketed_venue_before_the_title_is_the_venue() -> None:
    [entry] = parse_list(
        "- \\[IJCAI 2017\\] [Deep Learning for Scene Flow](https://doi.org/10.1/x)\n"
    ).entries
    assert (entry.title, entry.venue, entry.year) == (
        "Deep Learning for Scene Flow",
        "IJCAI 2017",
        2017,
    )


def test_a_citation_cell_of_names_and_a_quoted_title_gives_the_title() -> None:
    rows = (
        '| K. He. "Deep Learning for Scene Parsing" |\n'
        '| Ann Smith and Bo Li, "Widget Nets for Graphs" |\n'
    )
    titles = [e.title for e in parse_list(f"| Paper |\n| --- |\n{rows}").entries]
    assert titles == ["Deep Learning for Scene Parsing", "Widget Nets for Graphs"]


def test_a_heading_row_across_an_html_table_is_no_paper() -> None:
    text = (
        "<table>\n<tr><th>Category</th><th>Title</th><th>Venue</th></tr>\n"
        '<tr><td colspan="3"><b>Prompting</b></td></tr>\n'
        "<tr><td>Seg</td><td>Deep Learning for Scene Parsing</td><td>CVPR 2021</td></tr>\n"
        "</table>\n"
    )
    document = parse_list(text)
    assert [(e.line, e.title) for e in document.entries] == [(4, "Deep Learning for Scene Parsing")]
    assert render(document) == text


@pytest.mark.parametrize(
    ("item", "title"),
    [
        # a paper digest: the method's name, then its paper's full title in parentheses
        (
            "- **WidgetFuse** (Is Late Fusion All You Need for Widgets?) [[paper]({0})]",
            "Is Late Fusion All You Need for Widgets?",
        ),
        (
            "- {{Related}} **GizmoBEV** (GizmoBEV: A Roadside Gizmo Network) [[paper]({0})]",
            "GizmoBEV: A Roadside Gizmo Network",
        ),
        (
            "- WNet (Dynamic Widget Perception from Roadside Views) [[paper]({0})]",
            "Dynamic Widget Perception from Roadside Views",
        ),
        # what the parentheses hold is no title: a venue, the authors, a note of three words
        (
            "- **Widget Nets for Gadget Parsing** (CVPR 2021) [[paper]({0})]",
            "Widget Nets for Gadget Parsing",
        ),
        ("- **WNet** (Kaiming He and Jian Sun) [[paper]({0})]", "WNet"),
        ("- **WNet** (Smith et al., 2020) [[paper]({0})]", "WNet"),
        ("- **WNet** (Best Paper Award) [[paper]({0})]", "WNet"),
    ],
)
def test_a_name_then_the_full_title_in_parentheses(item: str, title: str) -> None:
    [entry] = parse_list(f"## Papers\n\n{item.format(ARXIV)}\n").entries
    assert (entry.title, entry.paper_url) == (title, ARXIV)


def test_a_title_linked_to_nothing_yet_is_a_paper_without_a_link() -> None:
    text = (
        "# Reading notes\n\n"
        "+ [GadgetSet: Regarding Widgets as a Set for Gadget Parsing]()<br>\n"
        "1. Input: a set of widgets\n"
        "2. Uses a triplet loss\n\n"
        "+ [Mask W-CNN]() <br>\n"
        "+ [Home]()\n"
        "+ [Kaiming He, Jian Sun]()\n"
    )
    document = parse_list(text)
    assert _read(text) == [
        (3, "GadgetSet: Regarding Widgets as a Set for Gadget Parsing", None, ()),
        (7, "Mask W-CNN", None, ()),
    ]
    assert render(document) == text


def test_a_database_table_keeps_only_rows_that_link_a_paper() -> None:
    text = (
        "# Databases\n"
        "| Name | Release year | Attacks | #subjects |\n"
        "|:--|:--:|:--:|:--:|\n"
        "|[Gadget Replay](https://www.example.org/dataset/replay)|2012|Replay|50|\n"
        "|[WIDGET-3D](https://sites.example.org/widget3d/)|2017|Print|55|\n"
        f"|[A Large Benchmark for Widget Spoofing Detection]({ARXIV})|2020|Mask|72|\n"
        "# Methods\n"
        "| Title | Venue |\n|--|--|\n"
        "|[Widget Anti-Spoofing via Gadget Cues](https://arxiv.org/abs/2301.04321)|CVPR 2021|\n"
    )
    assert [line for line, *_ in _read(text)] == [6, 10]


def test_a_paragraph_of_one_html_link_is_read() -> None:
    text = (
        "## Papers\n\n"
        '<p><a href="https://arxiv.org/abs/2301.00001">Widget Nets for Gadget Parsing</a></p>\n\n'
        '<p><a href="https://arxiv.org/abs/2301.00002">Gadget Nets for Widget Parsing</a>'
        " by <i>A. Smith</i></p>\n"
    )
    assert _read(text) == [
        (3, "Widget Nets for Gadget Parsing", "https://arxiv.org/abs/2301.00001", ()),
        (5, "Gadget Nets for Widget Parsing", "https://arxiv.org/abs/2301.00002", ()),
    ]
