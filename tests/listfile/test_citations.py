"""Citation-style lists: authors first, author sub-items, labels whose links belong to the
citations below them, and siblings indented by one space. Made-up fixtures in the shapes of
public lists (titles and names invented)."""

from __future__ import annotations

import pytest

from pipeline.listfile.citations import read_citation
from pipeline.listfile.parser import parse_list

TITLE = "Sparse Prompt Tuning for Open-Vocabulary Segmentation"
PAPER = "https://arxiv.org/abs/2401.01234"
OTHER = "https://arxiv.org/abs/2402.05678"


@pytest.mark.parametrize(
    "item",
    [
        f'* Ada Lovelace, Alan Turing, Grace Hopper, "{TITLE}", ICLR 2016. [[Paper]]({PAPER})',
        f"* Ada Lovelace, Alan Turing and Grace Hopper, {TITLE}, CVPR, 2015. [[Paper]]({PAPER})",
        f'* Ada Lovelace, alan turing, "{TITLE}", ICLR 2016. [[Paper]]({PAPER})',
    ],
)
def test_a_citation_that_names_the_authors_first(item: str) -> None:
    [entry] = parse_list(f"## Papers\n\n{item}\n").entries
    assert (entry.title, entry.paper_url) == (TITLE, PAPER)


def test_an_author_line_with_a_venue_is_not_a_paper() -> None:
    text = (
        f"## Papers\n\n- {TITLE}.\n  [[pdf]]({PAPER})\n"
        "  - Ada Lovelace, Alan Turing, and Grace Hopper. arXiv, 2022.\n"
    )
    document = parse_list(text)
    assert [(e.line, e.title) for e in document.entries] == [(3, TITLE)]


def test_authors_separated_by_semicolons_belong_to_their_entry() -> None:
    text = (
        f"## Papers\n\n- {TITLE}.\n  [[pdf]]({PAPER})\n"
        "  - Ada Lovelace; Alan Turing; Grace Hopper. *CVPR 2019*\n"
    )
    [entry] = parse_list(text).entries
    assert (entry.line, entry.title, entry.year) == (3, TITLE, 2019)


def test_an_item_one_space_in_is_a_sibling_not_a_sub_item() -> None:
    text = (
        f"## Papers\n\n- {TITLE}.\n  [[pdf]]({PAPER})\n  - Ada Lovelace\n\n"
        f" - Dense Prompt Tuning for Closed-Vocabulary Detection\n    [[pdf]]({OTHER})\n"
        "    - Alan Turing\n"
    )
    document = parse_list(text)
    assert [(e.line, e.paper_url) for e in document.entries] == [(3, PAPER), (7, OTHER)]


def test_a_label_gives_its_links_to_the_citation_below_it() -> None:
    text = (
        "## Image Classification\n\n"
        f"* Lab Name (SPT) [[Paper]]({PAPER}) [[Code]](https://github.com/example/spt)\n"
        f"  * Ada Lovelace, Alan Turing, {TITLE}, CVPR, 2015.\n"
        "* Another Label\n"
        "  * Grace Hopper, Alan Turing, Dense Prompts for Closed-Vocabulary Detection, ICCV, "
        f"2017. [[Paper]]({OTHER})\n"
    )
    document = parse_list(text)
    first, second = document.entries
    assert (first.line, first.title, first.paper_url, first.code_urls) == (
        4,
        TITLE,
        PAPER,
        ("https://github.com/example/spt",),
    )
    assert (second.line, second.paper_url, second.year) == (6, OTHER, 2017)
    [label] = [item for item in document.skipped if item.line == 3]
    assert "cited below it" in label.reason and not label.doubtful


def test_a_label_over_two_citations_gives_one_link_to_each_in_order() -> None:
    text = (
        "## Super-Resolution\n\n"
        f"* SPT [[Paper-ECCV14]]({PAPER}) [[Paper-arXiv15]]({OTHER})\n"
        f"  * Ada Lovelace, Alan Turing, {TITLE}, ECCV, 2014.\n"
        "  * Ada Lovelace, Alan Turing, Dense Prompts for Closed-Vocabulary Detection, "
        "arXiv:1501.00092.\n"
    )
    first, second = parse_list(text).entries
    assert (first.paper_url, second.paper_url) == (PAPER, OTHER)


def test_a_description_below_a_paper_does_not_make_it_a_label() -> None:
    text = (
        f"## Surveys\n\n- **Imbalanced Data (IEEE TKDE, 2009) [[**Paper**]({PAPER})]**\n"
        "  - Highly cited, classic survey paper of the field (as of 2009).\n"
    )
    entry = parse_list(text).entries[0]
    assert (entry.line, entry.title, entry.paper_url) == (3, "Imbalanced Data", PAPER)


@pytest.mark.parametrize(
    ("item", "title", "year"),
    [
        # a one-letter surname ends the authors: `W E.` is a name, not an initial
        (
            "- A Lovelace, G Hopper, and W E. Sparse Prompt Tuning for Segmentation. arXiv'17",
            TITLE.replace("Open-Vocabulary ", ""),
            2017,
        ),
        # a bare year after the title, and an abbreviation with dots inside it
        (
            "- A Lovelace, G Hopper. Sparse prompts v.s. dense prompts for segmentation, 2019",
            "Sparse prompts v.s. dense prompts for segmentation",
            2019,
        ),
    ],
)
def test_initials_without_periods_and_a_bare_year(item: str, title: str, year: int) -> None:
    [entry] = parse_list(f"## Theory\n\n{item}\n").entries
    assert (entry.title, entry.year) == (title, year)


def test_link_less_sub_items_of_a_linked_paper_describe_it() -> None:
    """A venue or year in a description is neither a paper of its own nor the paper's venue."""
    text = (
        f"## 2023\n\n- [{TITLE}]({PAPER}) - CVPR 2023 [[code](https://github.com/a/b)]\n"
        "  - Extends the ideas of an earlier method (ICCV 2021) with sparse prompts.\n"
        "  - Keywords: prompt tuning, open vocabulary (2022)\n"
        f"- [A Second Paper on Weakly Supervised Segmentation]({OTHER})\n"
        "  - Jane Doe, John Roe. *ECCV 2024*\n"
    )
    first, second = parse_list(text).entries
    assert (first.line, first.title, first.venue, first.year) == (3, TITLE, "CVPR 2023", 2023)
    # A paper whose own line names no venue still takes it from the lines below it.
    assert (second.line, second.paper_url, second.venue, second.year) == (
        6,
        OTHER,
        "ECCV 2024",
        2024,
    )


@pytest.mark.parametrize(
    "heading", ["Other Closely Related Works", "Related Awesome Lists", "Related Repos"]
)
def test_related_sections_hold_the_papers_they_link_not_the_lists(heading: str) -> None:
    related_list = "- [Awesome Prompt Segmentation](https://github.com/someone/awesome-seg)\n"
    document = parse_list(f"## {heading}\n\n{related_list}- [{TITLE}]({PAPER}) - CVPR 2023\n")
    assert [entry.line for entry in document.entries] == [4]


@pytest.mark.parametrize(
    "citation",
    [
        # two people joined by "and" are two authors, not a title
        f"Ada Lovelace and Alan Turing, {TITLE}, ICLR, 2015.",
        # a middle initial does not end the authors
        f"Ada Lovelace, Grace B. Hopper, Alan M. Turing, {TITLE}, NIPS, 2012.",
        # a title of capitalised words right before the venue, after the names
        "Ada Lovelace, Grace B. Hopper, Alan Turing, Generative Prompt Networks, NIPS, 2014.",
    ],
)
def test_citations_below_a_label_read_their_titles(citation: str) -> None:
    text = f"## Papers\n\n* Lab Name, Some University [[Paper]]({PAPER})\n  * {citation}\n"
    document = parse_list(text)
    [entry] = document.entries
    expected = TITLE if TITLE in citation else "Generative Prompt Networks"
    assert (entry.line, entry.title, entry.paper_url) == (4, expected, PAPER)
    # the label, whatever it looks like (here: an author line), gives its link away
    assert [s.line for s in document.skipped] == [3]


def test_a_nickname_linked_to_a_paper_is_the_paper_when_nothing_below_names_it() -> None:
    text = (
        f"## Classification\n\n* SPTNet [[Paper]]({PAPER})\n"
        "  * Ada Lovelace, Grace Hopper, Alan Turing, CVPR, 2015.\n"
        "* SPTNet-2 [[Paper]](https://example.org/sptnet2)\n"
        "* SPTNet-3 [[Paper]](https://example.org/sptnet3.pdf), CVPR 2019\n"
    )
    document = parse_list(text)
    # A PDF with a venue is surely the paper; a page of another site may be anything
    spt, spt3 = document.entries
    assert (spt3.line, spt3.title) == (6, "SPTNet-3")
    entry = spt
    assert (entry.line, entry.title, entry.paper_url, entry.venue) == (3, "SPTNet", PAPER, "CVPR")
    assert [(s.line, s.reason) for s in document.skipped] == [(5, "no title found")]


def test_a_question_title_ends_before_the_authors() -> None:
    item = "1. Does Prompt Sparsity Help? Lovelace, Ada, Turing, and Hopper. NeurIPS 2019"
    [entry] = parse_list(f"## Beyond\n\n{item}\n").entries
    assert (entry.title, entry.venue) == ("Does Prompt Sparsity Help?", "NeurIPS 2019")


def test_an_author_line_with_a_hyphenated_given_name_stays_an_author_line() -> None:
    text = (
        f"## Papers\n\n- {TITLE}.\n  [[pdf]]({PAPER})\n"
        "  - Ada Lovelace, Yu-an Turing, and Grace Hopper. arXiv, 2022.\n"
    )
    document = parse_list(text)
    assert [(e.line, e.title, e.venue) for e in document.entries] == [(3, TITLE, "arXiv")]


def test_buttons_that_share_the_list_are_not_papers() -> None:
    text = (
        "## Sharing\n"
        "+ [Share on Facebook](http://www.facebook.com/sharer/sharer.php?u=https://example.org/list)\n"
        "+ [Share on LinkedIn](http://www.linkedin.com/shareArticle?mini=true&url=https://example.org)\n"
        "+ [Tweet this list to friends](https://twitter.com/intent/tweet?text=A%20list)\n"
    )
    document = parse_list(text)
    assert document.entries == ()
    assert {s.reason for s in document.skipped} == {"a button to share the list, not a paper"}


def test_an_author_sub_item_with_a_three_word_name_is_not_a_title() -> None:
    text = (
        f"## Papers\n\n- [{TITLE}]({PAPER})\n"
        "  - Ada Lovelace, Alan Turing, Jan van Gemert, ICLR 2017\n"
    )
    assert [(e.line, e.title) for e in parse_list(text).entries] == [(3, TITLE)]


@pytest.mark.parametrize(
    "title",
    [
        "Who Is Prompting? Faces, Voices and Identities",
        "Are Labels Necessary? Contrastive Learning, Revisited",
        "Can Prompts Read? Datasets and Benchmarks",
    ],
)
def test_a_question_with_a_subtitle_of_words_is_one_title(title: str) -> None:
    [entry] = parse_list(f"## Papers\n\n- {title}. CVPR 2020\n").entries
    assert entry.title == title


def test_a_hyphenated_word_of_a_title_is_no_name() -> None:
    [entry] = parse_list(
        f"## Papers\n\n- Plug-in Modules and Prompt Tuning. [[pdf]]({PAPER})\n"
    ).entries
    assert entry.title == "Plug-in Modules and Prompt Tuning"


def test_a_short_name_with_a_pdf_alone_is_not_a_paper() -> None:
    """Slides and syllabi are PDFs too: a short name needs a paper id, a paper site, or a year,
    venue or code beside its PDF."""
    text = (
        "## Papers\n\n- Cheatsheet [[PDF]](https://example.org/cheatsheet.pdf)\n"
        "- SPTNet [[PDF]](https://example.org/sptnet.pdf) [2021]\n"
    )
    document = parse_list(text)
    assert [(e.line, e.title) for e in document.entries] == [(4, "SPTNet")]
    assert [(s.line, s.reason) for s in document.skipped] == [(3, "no title found")]


@pytest.mark.parametrize(
    ("text", "authors", "title"),
    [
        (
            "Warren, DL, M Cardillo, DF Rosauer, and DI Bolnick. \u201cMistaking Widgets for "
            "Gadgets.\u201d Trends in Widgets, (2014), 1\u20139.",
            "Warren, DL, M Cardillo, DF Rosauer, and DI Bolnick",
            "Mistaking Widgets for Gadgets",
        ),
        (
            "Bahn, Volker, and Brian J McGill. \u201cCan Widgets Outperform Gadgets?.\u201d "
            "Global Widgets 16, no. 6 (2007): 733\u201342.",
            "Bahn, Volker, and Brian J McGill",
            "Can Widgets Outperform Gadgets?",
        ),
        (
            "Miller, David Lawrence, M Louise Burt, E A Rexstad, and L Thomas. \u201cSpatial "
            "Models for Widget Data.\u201d Methods in Widgets 4, no. 11 (2013): 1001\u201310.",
            "Miller, David Lawrence, M Louise Burt, E A Rexstad, and L Thomas",
            "Spatial Models for Widget Data",
        ),
    ],
)
def test_initials_without_their_periods(text: str, authors: str, title: str) -> None:
    cited = read_citation(text)
    assert cited is not None
    assert (cited.authors, cited.title) == (authors, title)
