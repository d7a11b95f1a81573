"""References written out in citation styles (issue 22): authors first or title first, wrapped
over lines or not, with or without a link. Made-up references in the shapes of public lists
(lab reading pages, surveys' reference sections, reading lists); names and titles invented.
The generated shape `references` (tests/listfile/generated) draws thousands more."""

from __future__ import annotations

import pytest

from pipeline.listfile.citations import read_citation
from pipeline.listfile.parser import parse_list
from tests.listfile.test_fixpoint import _check_fixpoint

TITLE = "Sparse Widget Models for Regulatory Sequences"
PAPER = "https://doi.org/10.1000/widgets.2021.7"


@pytest.mark.parametrize(
    "reference",
    [
        f"Lovelace A, Turing AM, van de Hopper G. {TITLE}. Widget Res. 2021;31: 1082-1096.",
        f"Lovelace, A., Turing, A. M. & Hopper, G. {TITLE}. Nat Widgets 20, 389\u2013403 (2021)",
        f"Lovelace, A.K., Turing, A. et al. {TITLE}. Nat Widgets 22, 774\u2013790 (2021)",
        f'A. Lovelace, A. M. Turing, and G. Dal Hopper, "{TITLE}," in Proc. WidgetCon, 2021.',
        f'Lovelace, Ada, and Alan Turing. "{TITLE}." Widget Journal 19 (2021)',
        f'Lovelace, Ada, et al. "{TITLE}." arXiv preprint arXiv:2101.00001 (2021).',
        f"Ada Lovelace and Alan Turing. 2021. {TITLE}. In Proceedings of WidgetCon.",
        f"Lovelace, A., & Turing, A. (2021). {TITLE}. Widget Letters, 3(2), 1-9.",
        f"Lee S-I, Schönlieb C-B. {TITLE}. Widget Comput Biol. 2021;16: e1008050.",
        f"Ada Lovelace, Grace B. Hopper, Alan M. Turing, {TITLE}, NIPS, 2021.",
    ],
)
def test_a_reference_in_any_common_style_gives_its_title_and_year(reference: str) -> None:
    cited = read_citation(reference)
    assert cited is not None
    assert (cited.title, cited.year) == (TITLE, 2021)


@pytest.mark.parametrize(
    "text",
    [
        # the names, then the journal set apart: an author line, no title in it
        "Ada Lovelace, Alan Turing, and Grace Hopper. *IEEE Transactions on Widgets*, 2022.",
        "A. Lovelace and A. Turing. ACM Computing Surveys, 2021.",
        # a sentence about people, not a reference
        "Ada Lovelace and Alan Turing maintain this list; pull requests are welcome in 2024.",
        # a title that opens like a name (`Lifelong GAN:`) is a title, not an author
        "Lifelong GAN: Continual Learning for Conditional Widget Generation. arXiv 2019",
        # `Distill, Adapt, Distill:` are no surname and given name
        "Distill, Adapt, Distill: Training Small Widget Models. arXiv:2003.02877",
    ],
)
def test_what_is_no_reference_gives_none(text: str) -> None:
    assert read_citation(text) is None


def test_unlinked_references_one_per_paragraph_are_papers() -> None:
    text = (
        "Regulatory genomics\n\n"
        f"Lovelace A, Turing AM. {TITLE}. Widget Res. 2021;31: 1082-1096.\n\n"
        "Hopper G. Seven myths of how widgets read the code. Curr Opin Widgets. 2020;23: 22-31.\n\n"
        "We meet on Fridays to read these; Ada Lovelace leads in 2024.\n"
    )
    document = parse_list(text)
    assert [(e.line, e.title, e.year, e.paper_url) for e in document.entries] == [
        (3, TITLE, 2021, None),
        (5, "Seven myths of how widgets read the code", 2020, None),
    ]


def test_a_reference_wrapped_over_lines_is_one_paper_and_its_values_end_it() -> None:
    text = (
        "## Gesture sensing\n\n"
        '\\[66\\] A. Lovelace, A. Turing, and G. Hopper, "Sparse widget models for\n'
        'regulatory sequences," in WoWMoM. IEEE, 2022, pp. 50--59.\n'
        f"2022. [paper]({PAPER})\n\n"
        '\\[67\\] A. Lovelace, "Dense widgets," in\n'
        "MobiSys, 2019. [paper](https://dl.acm.org/doi/10.1145/3307334.3326081)\n"
    )
    document = parse_list(text)
    assert [(e.line, e.title, e.paper_url) for e in document.entries] == [
        (3, "Sparse widget models for regulatory sequences", PAPER),
        (7, "Dense widgets", "https://dl.acm.org/doi/10.1145/3307334.3326081"),
    ]
    regenerated = _check_fixpoint(text)
    lines = regenerated.splitlines()
    assert "Citations:" in lines[4] and "Citations:" not in lines[2]  # on the last line


def test_a_link_whose_title_wraps_over_three_lines_is_one_paper() -> None:
    text = (
        "# Program Analysis\n\n"
        "[POPL'77] [Abstract Widgets: A Unified Lattice Model for Static Analysis\n"
        "of Programs by Construction or Approximation of\n"
        "Fixpoints](https://example.edu/readings/p238-widgets.pdf)\n\n"
        "[TOPLAS'87] [The Program Dependence Widget and Its Use in\n"
        "Optimization](https://example.edu/papers/widget87.pdf)\n"
    )
    document = parse_list(text)
    assert [(e.line, e.title) for e in document.entries] == [
        (
            3,
            "Abstract Widgets: A Unified Lattice Model for Static Analysis of Programs by "
            "Construction or Approximation of Fixpoints",
        ),
        (7, "The Program Dependence Widget and Its Use in Optimization"),
    ]
    _check_fixpoint(text)


def test_a_bold_reference_after_a_break_tag_is_a_paper() -> None:
    text = (
        "#### Papers from 2025\n\n"
        f"<br>**Lovelace A, Turing AM, Hopper G. {TITLE}. Ecosphere, August 2025.**\n\n"
        "![Ecology Paper](https://img.shields.io/badge/-Ecology_Paper-lightgrey)\n"
    )
    [entry] = parse_list(text).entries
    assert (entry.line, entry.title, entry.year) == (3, TITLE, 2025)


def test_a_number_other_than_one_at_a_line_start_goes_on_the_paragraph() -> None:
    # CommonMark: only an ordered list starting at 1 may interrupt a paragraph
    text = f'## Papers\n\n[4] Lovelace, Ada, et al. "{TITLE}." WidgetCon,\n2021. [paper]({PAPER})\n'
    [entry] = parse_list(text).entries
    assert (entry.line, entry.title, entry.paper_url, entry.year) == (3, TITLE, PAPER, 2021)


@pytest.mark.parametrize(
    ("item", "venue", "year"),
    [
        (f"* {TITLE}, WDAG 1997 [[acmdl]({PAPER}),[pdf](https://example.org/w.pdf)]", "WDAG", 1997),
        (f"* {TITLE}, SIGACT News 2020 [[acmdl]({PAPER})]", "SIGACT News", 2020),
        (
            f"* {TITLE}, VLDB 2021 [[acmdl]({PAPER}),[arxiv](https://arxiv.org/abs/2012.15762)]",
            "VLDB",
            2021,
        ),
        (f"* {TITLE}, Unpublished [[pdf]({PAPER})]", "Unpublished", None),
    ],
)
def test_a_venue_and_year_set_off_by_a_comma_at_the_end_leave_the_title(
    item: str, venue: str, year: int | None
) -> None:
    [entry] = parse_list(f"## Consensus\n\n{item}\n").entries
    assert (entry.title, entry.year) == (TITLE, year)
    assert entry.venue is not None and entry.venue.startswith(venue)


def test_items_naming_a_venue_are_not_papers() -> None:
    text = (
        "## Papers\n\n"
        f"* [{TITLE}]({PAPER})\n"
        "* [International Conference on Widget Systems (ICWS)](https://icws2019.example.org)\n\n"
        "### Academic conferences & symposiums\n\n"
        "* [Widget Systems Design and Implementation (WSDI)](https://www.example.org/wsdi20)\n"
        "* [SIGWIDGET News](https://dl.acm.org/citation.cfm?id=J697)\n"
        "* [Widget Letters](https://widget-letters.example.org)\n"
    )
    assert [e.title for e in parse_list(text).entries] == [TITLE]
