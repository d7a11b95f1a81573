"""List items of every common shape read as papers; things that are not papers never taken.

The fixtures are made up in the shapes real lists use (see ../shared/corpus/lists/SOURCES.md);
the titles are invented."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.listfile.items import read_item
from pipeline.listfile.parser import parse_list
from pipeline.listfile.render import ExtraColumn, render

TITLE = "Sparse Prompt Tuning for Open-Vocabulary Segmentation"
PAPER = "https://arxiv.org/abs/2401.01234"
CODE = "https://github.com/example/sparse-prompt"


@pytest.mark.parametrize(
    ("item", "venue", "year"),
    [
        (f"[{TITLE}]({PAPER}) - CVPR 2023 [[code]({CODE})]", "CVPR 2023", 2023),
        (
            f"[{TITLE}]({PAPER}), A. Author, B. Author, ECCV 2022 | [github]({CODE})",
            "ECCV 2022",
            2022,
        ),
        (f"**{TITLE}** [[paper]({PAPER})] [[code]({CODE})]", None, None),
        (f"**{TITLE}.** ICLR 2024. [paper]({PAPER}) [code]({CODE})", "ICLR 2024", 2024),
        (f'"{TITLE}", *CVPR2022*, [[Paper]]({PAPER}) [[Code]]({CODE})', "CVPR2022", 2022),
        (f"[[CVPR]({PAPER})] {TITLE}. [[code]({CODE})]", "CVPR", None),
        (
            f"[2023/05] **{TITLE}.** *A. Author. ACL 2023.* [[paper]({PAPER})] [code]({CODE})",
            "ACL 2023",
            2023,
        ),
        (f"**[SPT]** {TITLE} | **[ICCV' 15]** | [pdf]({PAPER}) [code]({CODE})", "[ICCV' 15]", 2015),
        (f"2016-ICLR - {TITLE}. [[Paper]]({PAPER}) [[Code]]({CODE})", "2016-ICLR", 2016),
        (
            f'**SPT**: "{TITLE}", *arXiv, Apr 2023*. [[Paper]({PAPER}) [Code]({CODE})]',
            "arXiv, Apr 2023",
            2023,
        ),
        (f"**{TITLE} (KDD 2019)** [[Paper]]({PAPER}) [[Code]]({CODE})", "KDD 2019", 2019),
    ],
)
def test_one_line_shapes(item: str, venue: str | None, year: int | None) -> None:
    reading = read_item(item)
    assert reading.skip_reason is None
    assert reading.title == TITLE
    assert reading.paper_url == PAPER
    assert reading.code_urls == (CODE,)
    assert reading.venue == venue
    entry = parse_list(f"## Papers\n\n- {item}\n").entries[0]
    assert (entry.title, entry.paper_url, entry.code_urls, entry.year) == (
        TITLE,
        PAPER,
        (CODE,),
        year,
    )


def test_a_title_only_list_reads_fused_venues() -> None:
    text = (
        "## Recommendation\n\n"
        "-   Sequential Recommendation with Graph Transformers. CIKM 2021\n"
        "- Are Sparse Recommenders Provably Better? WSDM 2022\u3010\u7a00\u758f\u3011\n"
        '- "Contrastive Pretraining for Click Prediction" *KDD2020*\n'
        "- A. Author, B. Author. Implicit Feedback Under Position Bias. SIGIR'19\n"
    )
    entries = parse_list(text).entries
    assert [(e.title, e.year) for e in entries] == [
        ("Sequential Recommendation with Graph Transformers", 2021),
        ("Are Sparse Recommenders Provably Better?", 2022),
        ("Contrastive Pretraining for Click Prediction", 2020),
        ("Implicit Feedback Under Position Bias", 2019),
    ]
    assert all(e.paper_url is None for e in entries)


def test_entries_over_several_lines() -> None:
    text = (
        "## Attacks\n\n"
        f"- {TITLE}.\n"
        f"  [[pdf]]({PAPER})\n"
        "  - A. Author, B. Author, and C. Author. *NeurIPS*, 2023.\n"
        "\n"
        f"- **{TITLE} v2 (WWW 2024)**\n"
        "  - A. Author, B. Author (WWW 2024)\n"
        f"  - [[Paper]]({PAPER}2)\n"
        f"  - [[Code]]({CODE})\n"
        f"  - [[Code]]({CODE}-tf)\n"
        "\n"
        f"1. {TITLE} for a wrapped\n"
        f"title that runs on. A. Author et al. arXiv:2105.08252 [[code]]({CODE})\n"
        "\n"
        f"**{TITLE} v3** \\\n"
        "*A. Author, B. Author* \\\n"
        "[2nd May] [CVPR, 2024] \\\n"
        f"[[Paper]({PAPER}3)] [[Github]({CODE})]\n"
        "\n"
        f"[4] {TITLE} v4 (\u4e2d\u6587)<br>\n"
        "\n"
        f"[paper]({PAPER}4) | [code]({CODE})<br><br>\n"
    )
    document = parse_list(text)
    got = [(e.line, e.title, e.paper_url, e.code_urls, e.year) for e in document.entries]
    assert got == [
        (3, TITLE, PAPER, (), 2023),
        (7, f"{TITLE} v2", f"{PAPER}2", (CODE, f"{CODE}-tf"), 2024),
        (13, f"{TITLE} for a wrapped title that runs on", None, (CODE,), 2021),
        (16, f"{TITLE} v3", f"{PAPER}3", (CODE,), 2024),
        (21, f"{TITLE} v4", f"{PAPER}4", (CODE,), None),
    ]
    assert document.skipped == ()  # the author and link sub-items belong to their entries
    assert render(document) == text


def test_a_venue_on_its_own_line_is_not_read_across_the_authors_line() -> None:
    text = (
        f"**{TITLE}** \\\n"
        "*Ada Lovelace, Grace Hopper* \\\n"
        f"ICML 2023. [[Paper]({PAPER})] \\\n"
        "14 Jun 2023\n"
    )
    [entry] = parse_list(text).entries
    assert (entry.title, entry.venue, entry.year, entry.paper_url) == (
        TITLE,
        "ICML 2023",
        2023,
        PAPER,
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("## Contents\n\n- [Papers](#papers)\n", "holds no papers"),
        ("## Papers\n\n- [Papers](#papers)\n  - [2021](#2021)\n", "a table of contents"),
        ("## Papers\n\n- [ ] add [the survey](https://arxiv.org/abs/2401.1)\n", "a task-list"),
        ("## Contributors\n\n- [Jane Doe](https://github.com/jane)\n", "holds no papers"),
        (
            "## Tools\n\n- [Sparse Prompt Toolkit](https://github.com/x/y), A. B., 2023\n",
            "no papers",
        ),
        (
            "## Implementations\n\n### PyTorch\n\n- [SPT Reimplementation](https://github.com/x/y)\n",
            "no papers",
        ),
        (
            "## Papers\n\n- [Sparse Prompt Library](https://github.com/x/y)\n",
            "a code link but no paper",
        ),
        ("## Papers\n\n- [Video] [A talk on prompts](https://youtube.com/watch?v=1)\n", "tagged"),
        ("## Papers\n\n- [ASONAM](https://asonam.example.org/2019/)\n", "an acronym linked"),
        (
            "## Papers\n\n- A. Author, B. Author. [[pdf]](https://arxiv.org/abs/2401.1)\n",
            "author line",
        ),
        ("| Model | mIoU |\n|---|---|\n| [SPT](https://x.org/spt) | 71.2 |\n", "without a title"),
    ],
)
def test_things_that_are_not_papers_are_never_taken(text: str, reason: str) -> None:
    document = parse_list(text)
    assert document.entries == ()
    assert any(reason in item.reason for item in document.skipped), document.skipped


def test_an_item_with_a_link_that_may_be_a_paper_is_a_warning() -> None:
    document = parse_list("## Papers\n\n- [Sparse Prompt Library](https://github.com/x/y)\n")
    assert [str(d) for d in document.diagnostics] == [
        "<string>:3: warning: item with a link not read as a paper: a code link but no paper "
        "link, venue or year (a tool or repository?)"
    ]


def test_html_table_rows_are_reported_not_dropped() -> None:
    text = (
        "<table>\n<tr>\n<td>SPT</td>\n"
        f'<td><a href="{PAPER}">Paper</a></td>\n</tr>\n'
        '<tr><td><a href="#top">top</a></td></tr>\n</table>\n'
    )
    document = parse_list(text)
    assert [(s.line, s.doubtful) for s in document.skipped] == [(2, True), (6, False)]
    assert render(document) == text


# --- the regenerated list reads back as the same entries, whatever the shape ------------------

SHAPES = (
    "- [{t}]({p}) - CVPR 2023 [[code]({c})]",
    "* **{t}** [[paper]({p})] [[code]({c})]",
    '1. "{t}" *ICCV2021* [[Paper]]({p})',
    "- [[ECCV]({p})] {t}. [[code]({c})]",
    "- [2022/07] **{t}.** *A. Author. ACL 2022.* [[paper]({p})]",
    "- {t}.\n  [[pdf]]({p})\n  - A. Author, B. Author. *TPAMI*, 2024.",
    "**{t}** \\\n*A. Author* \\\n[[Paper]({p})] [[Github]({c})]",
)
WORDS = st.sampled_from(
    [
        "Sparse",
        "Dense",
        "Graph",
        "Prompt",
        "Neural",
        "Robust",
        "Contrastive",
        "Latent",
        "Diffusion",
        "Attention",
        "Learning",
        "Segmentation",
        "Detection",
        "Retrieval",
        "Distillation",
        "Transformers",
        "Adaptive",
        "Semantic",
    ]
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(SHAPES), st.lists(WORDS, min_size=3, max_size=8)),
        min_size=1,
        max_size=6,
    ),
    st.lists(st.integers(0, 99_999), min_size=6, max_size=6),
)
def test_rendered_then_parsed_gives_the_same_entries(
    items: list[tuple[str, list[str]]], numbers: list[int]
) -> None:
    blocks = []
    for index, (shape, words) in enumerate(items):
        title = " ".join(words) + f" Study {index}"
        paper = f"https://arxiv.org/abs/2401.{numbers[index]:05d}"
        blocks.append(shape.format(t=title, p=paper, c=f"https://github.com/x/repo{index}"))
    text = "## Papers\n\n" + "\n\n".join(blocks) + "\n"
    document = parse_list(text)
    assert len(document.entries) == len(items)
    columns = [
        ExtraColumn("Citations", {e.position: f"{e.position * 13:,}" for e in document.entries}),
        ExtraColumn("Stars", {e.position: "\u2605 42" for e in document.entries}),
    ]
    again = parse_list(render(document, columns))

    def fields(doc: object) -> list[tuple[object, ...]]:
        return [
            (e.line, e.title, e.paper_url, e.code_urls, e.venue, e.year)
            for e in doc.entries  # type: ignore[attr-defined]
        ]

    assert fields(again) == fields(document)
    assert render(document) == text


@pytest.mark.parametrize("where", ["- ", "- a\n  - ", "**", "[1] ", "<tr>", "- NIPS'19\n  - "])
def test_deeply_nested_links_in_any_item_shape_are_kept_verbatim_not_read(where: str) -> None:
    text = "## Papers\n\n" + where + "[" * 1500 + "x" + "](u)" * 1500 + "\n"
    document = parse_list(text)  # no RecursionError, in a fraction of a second
    assert document.entries == ()
    assert render(document) == text


def test_several_code_links_are_kept_and_the_official_one_comes_first() -> None:
    item = (
        f"**{TITLE}** [[paper]({PAPER})] [[code (mmseg)]({CODE}-mmseg)] "
        f"[[official code]({CODE})] [[code (jax)]({CODE}-jax)]"
    )
    assert read_item(item).code_urls == (CODE, f"{CODE}-mmseg", f"{CODE}-jax")
    unmarked = f"**{TITLE}** [[paper]({PAPER})] [[code]({CODE}-a)] [[code]({CODE}-b)]"
    assert read_item(unmarked).code_urls == (f"{CODE}-a", f"{CODE}-b")  # list order


def test_a_name_with_its_paper_in_brackets_and_implementations_below() -> None:
    """`- Name [paper URL] [year]`, then one bare code URL per sub-item with its framework:
    one entry with every implementation, never an entry per sub-item."""
    text = (
        "## Semantic segmentation\n"
        f"- SPTNet [{PAPER}] [2015]\n"
        f"\t+ {CODE} [Keras][![GitHub stars](https://img.shields.io/github/stars/e/s.svg)]({CODE})\n"
        "\t+ https://github.com/other/spt-pytorch [PyTorch]\n"
        "\t+ https://lab.example.de/people/sptnet/ [Caffe + Matlab]\n"
        "- DPTNet [https://lab.example.org/dptnet.pdf,https://lab.example.org/dptnet/] [2017]\n"
        "\t+ https://github.com/other/dptnet [Chainer]\n"
        "- Papers:\n  - https://lab.example.org/papers/notes.pdf\n"
    )
    document = parse_list(text)
    assert [(e.line, e.title, e.paper_url, e.code_urls, e.year) for e in document.entries] == [
        (2, "SPTNet", PAPER, (CODE, "https://github.com/other/spt-pytorch"), 2015),
        (
            6,
            "DPTNet",
            "https://lab.example.org/dptnet.pdf",
            ("https://github.com/other/dptnet",),
            2017,
        ),
    ]
    assert [s.line for s in document.skipped] == [8, 9]  # a word for links is no paper's name


def test_a_bold_title_then_a_list_of_labelled_links() -> None:
    """`**Title**`, then `- Paper: url` / `- Code: url` items (tight or loose, one blank line
    after the title or none, `Label: url`, `Label url`, `label [text](url)`): one entry."""
    other = "Dense Prompt Tuning for Closed-Vocabulary Detection"
    text = (
        "# Segmentation\n\n"
        f"**{TITLE}**\n\n"
        "- Homepage: https://lab.example.io/spt/ \n"
        f"- Paper: {PAPER}\n"
        f"- Code: {CODE}\n\n"
        f"**{other}**\n\n"
        "- Homeoage: https://lab.example.io/dpt/\n"  # a typo of a link word: its link is no paper
        "- Paper  https://arxiv.org/abs/2402.05678\n\n"
        "- Code : https://github.com/example/dense-prompt \n\n"
        "### DPT\n"
        "**Wider Prompts**\n"
        "Ada Lovelace, Alan Turing\n"
        "- pdf: [https://arxiv.org/abs/2403.00001](https://arxiv.org/abs/2403.00001)\n"
        "- code [official : https://github.com/example/wider](https://github.com/example/wider)\n"
        "- code: [unofficial-jax : https://github.com/other/wider](https://github.com/other/wider)\n"
    )
    document = parse_list(text)
    assert [(e.line, e.title, e.paper_url, e.code_urls) for e in document.entries] == [
        (3, TITLE, PAPER, (CODE,)),
        (
            9,
            other,
            "https://arxiv.org/abs/2402.05678",
            ("https://github.com/example/dense-prompt",),
        ),
        (
            17,
            "Wider Prompts",
            "https://arxiv.org/abs/2403.00001",
            ("https://github.com/example/wider", "https://github.com/other/wider"),
        ),
    ]
    assert document.skipped == () and document.diagnostics == ()
    assert render(document) == text


def test_a_bold_heading_over_papers_with_links_is_not_one_paper() -> None:
    """The labels of a link list are words for links; `- YOLO [[paper]](url)` is a paper."""
    text = (
        "**One-stage Detectors**\n\n"
        f"- SPTNet [[paper]]({PAPER}) [[code]]({CODE})\n"
        "- DPTNet [[paper]](https://arxiv.org/abs/2402.05678)\n\n"
        f"**{TITLE}**\n\n"
        f"- Paper: {PAPER}\n"
        "- Paper: https://arxiv.org/abs/2402.05678\n"
    )
    document = parse_list(text)
    # Two papers' links under one bold line are two papers, not one.
    assert [(e.line, e.title) for e in document.entries] == [
        (3, "SPTNet"),
        (4, "DPTNet"),
    ]


def test_a_label_then_one_space_then_a_url() -> None:
    """`- Paper https://...`: the URL is not a word of the label."""
    [entry] = parse_list(f"**{TITLE}**\n\n- Paper {PAPER}\n- Code {CODE}\n").entries
    assert (entry.title, entry.paper_url, entry.code_urls) == (TITLE, PAPER, (CODE,))
