"""Whole lists: a preamble, sections of papers in one shape or many, non-paper sections."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from hypothesis import assume
from hypothesis import strategies as st

from tests.listfile.generated.nonpapers import NON_PAPER_SECTIONS
from tests.listfile.generated.oracle import Expected
from tests.listfile.generated.records import flip, num, pick, subset
from tests.listfile.generated.shapes import PAPER_SHAPES, Chunk, toolbox

PAPER_HEADINGS = (
    "Papers",
    "Object Detection",
    "Semantic Segmentation",
    "Video",
    "Citation Recommendation",
    "Surveys",
    "Image Generation",
    "Large Language Models",
    "3D Reconstruction",
    "Medical Imaging",
    "📄 Papers",
    "Weakly Supervised Learning",
)

# Papers every reader reads: the fixed base of the non-paper tests.
BASE_PAPERS = (
    (
        "Deep Residual Learning for Image Recognition",
        "https://arxiv.org/abs/1512.03385",
        "CVPR 2016",
    ),
    ("Attention Is All You Need", "https://arxiv.org/abs/1706.03762", "NeurIPS 2017"),
    (
        "Masked Autoencoders Are Scalable Vision Learners",
        "https://arxiv.org/abs/2111.06377",
        "CVPR 2022",
    ),
    ("Segment Anything", "https://arxiv.org/abs/2304.02643", "ICCV 2023"),
)


@dataclass(frozen=True)
class Document:
    text: str
    expected: tuple[Expected, ...]


def assemble(chunks: Sequence[Chunk]) -> Document:
    lines: list[str] = []
    expected: list[Expected] = []
    for chunk in chunks:
        if lines:
            lines.append("")
        expected += [replace(e, line=len(lines) + e.offset + 1, offset=0) for e in chunk.expected]
        lines += chunk.lines
    titles = [e.title.casefold() for e in expected]
    urls = [e.paper_url for e in expected if e.paper_url]
    assume(len(set(titles)) == len(titles) and len(set(urls)) == len(urls))
    return Document("\n".join(lines) + "\n", tuple(expected))


@st.composite
def preamble(draw: st.DrawFn) -> Chunk:
    topic = pick(draw, ("Weakly Supervised Segmentation", "Vision Transformers", "LLM Agents"))
    lines = [
        f"# Awesome {topic} [![Awesome](https://awesome.re/badge.svg)](https://awesome.re)",
        "",
    ]
    lines.append(f"A curated list of papers on {topic.lower()}. Pull requests are welcome.")
    if flip(draw):
        lines += ["", "![visitors](https://visitor-badge.laobi.icu/badge?page_id=o.awesome)"]
    return Chunk(tuple(lines))


@st.composite
def paper_section(draw: st.DrawFn, shape: str) -> Chunk:
    heading = f"{pick(draw, ('##', '###'))} {pick(draw, PAPER_HEADINGS)}"
    body = PAPER_SHAPES[shape](draw)
    offset = 2
    return Chunk(
        (heading, "", *body.lines),
        tuple(replace(e, offset=e.offset + offset) for e in body.expected),
    )


@st.composite
def base_section(draw: st.DrawFn) -> Chunk:
    chosen = subset(draw, BASE_PAPERS)[:3]
    lines = ["## Papers", ""]
    expected = []
    for title, url, venue in chosen:
        expected.append(
            Expected(title, url, frozenset(), venue, int(venue[-4:]), offset=len(lines))
        )
        lines.append(f"- [{title}]({url}) *{venue}*")
    return Chunk(tuple(lines), tuple(expected))


@st.composite
def shape_documents(draw: st.DrawFn, shape: str) -> Document:
    """A list whose papers are all in one shape, with nothing else that could be read."""
    sections = [draw(paper_section(shape)) for _ in range(num(draw, 1, 2))]
    return assemble([draw(preamble()), *sections])


@st.composite
def non_paper_documents(draw: st.DrawFn, kind: str) -> Document:
    """Fixed papers and one non-paper section of a kind (a toolbox may hold papers)."""
    section = (toolbox if kind == "toolbox" else NON_PAPER_SECTIONS[kind])(draw)
    chunks = [draw(base_section()), section]
    if flip(draw):
        chunks.reverse()
    return assemble([draw(preamble()), *chunks])


@st.composite
def mixed_documents(draw: st.DrawFn) -> Document:
    """Everything together: sections of any shape among non-paper sections of any kind."""
    kinds = sorted(NON_PAPER_SECTIONS)
    shapes = sorted(PAPER_SHAPES)
    chunks = [draw(preamble())]
    if flip(draw):
        chunks.append(NON_PAPER_SECTIONS["contents"](draw))
    count = num(draw, 1, 4)
    for _ in range(count):
        chunks.append(draw(paper_section(pick(draw, shapes))))
        if flip(draw):
            kind = pick(draw, [*kinds, "toolbox"])
            chunks.append((toolbox if kind == "toolbox" else NON_PAPER_SECTIONS[kind])(draw))
    return assemble(chunks)


@st.composite
def with_line_endings(draw: st.DrawFn, document: Document) -> str:
    """The same list with other line endings, a byte order mark, no final newline."""
    eol = pick(draw, ("\n", "\r\n", "\r"))
    text = document.text.replace("\n", eol)
    if flip(draw):
        text = text[: -len(eol)]
    if num(draw, 0, 3) == 0:
        text = "\ufeff" + text
    return text
