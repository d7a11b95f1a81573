"""Random paper records: titles, authors, venues and years, links of many hosts and labels.

Nothing here looks at the reader's code: the records and what they should read as come from
the generator alone. Titles never hold Markdown or HTML syntax (`*`, `_`, `[`, `]`, `|`, `<`,
`>`, backquotes, backslashes, parentheses) or a number that could be a year, so the expected
title is exactly the generated text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal, TypeVar

from hypothesis import strategies as st

T = TypeVar("T")


# --- drawing helpers: plain functions of `draw`, with cached strategies (building a strategy
# per draw costs more than the draw itself) -----------------------------------------------


@cache
def _integers(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(low, high)


def num(draw: st.DrawFn, low: int, high: int) -> int:
    return draw(_integers(low, high))


def flip(draw: st.DrawFn) -> bool:
    return num(draw, 0, 1) == 1


def pick(draw: st.DrawFn, choices: Sequence[T]) -> T:
    """One of the choices; shrinks towards the first."""
    return choices[num(draw, 0, len(choices) - 1)]


def shuffle(draw: st.DrawFn, items: Sequence[T]) -> list[T]:
    """The items in any order; shrinks towards the given order."""
    left = list(items)
    return [left.pop(num(draw, 0, len(left) - 1)) for _ in range(len(items))]


def subset(draw: st.DrawFn, items: Sequence[T], minimum: int = 1) -> list[T]:
    """Some of the items (at least `minimum`), in their order."""
    chosen = [item for item in items if flip(draw)]
    for item in items:
        if len(chosen) >= minimum:
            break
        if item not in chosen:
            chosen.append(item)
    return chosen


def identifier(draw: st.DrawFn, size: int) -> str:
    """A random-looking identifier of `size` characters, from a single draw."""
    alphabet = "abcdefghijkLMNOPQRSTuvwxyz0123456789"
    value = num(draw, 0, len(alphabet) ** size - 1)
    chars = []
    for _ in range(size):
        value, digit = divmod(value, len(alphabet))
        chars.append(alphabet[digit])
    return "".join(chars)


CONTENT_WORDS = (
    "learning",
    "network",
    "networks",
    "representation",
    "representations",
    "segmentation",
    "detection",
    "transformer",
    "transformers",
    "attention",
    "diffusion",
    "models",
    "image",
    "video",
    "scene",
    "graph",
    "neural",
    "deep",
    "unsupervised",
    "semantic",
    "object",
    "adversarial",
    "robust",
    "efficient",
    "generative",
    "contrastive",
    "features",
    "depth",
    "estimation",
    "reconstruction",
    "retrieval",
    "language",
    "vision",
    "point",
    "cloud",
    "tracking",
    "pose",
    "synthesis",
    "generalization",
    "domain",
    "adaptation",
    "knowledge",
    "distillation",
    "pruning",
    "quantization",
    "reasoning",
    "alignment",
    "prompting",
    "tuning",
    "benchmark",
    "dataset",
    "priors",
    "frozen",
    "weakly",
    "supervised",
    "masked",
    "autoencoders",
    "scaling",
    "laws",
    "sparse",
    "dense",
    "implicit",
    "fields",
    "rendering",
    "recognition",
)
SMALL_WORDS = ("for", "with", "via", "of", "in", "on", "and", "from", "to", "the", "by")
ACRONYMS = (
    "GAN",
    "CNN",
    "NeRF",
    "CLIP",
    "ViT",
    "LLM",
    "3D",
    "RGB-D",
    "SLAM",
    "BERT",
    "GPT",
    "VAE",
    "MLP",
    "DETR",
    "YOLO",
    "2D",
    "LiDAR",
    "BEV",
)
HYPHENATED = (
    "Self-Supervised",
    "Zero-Shot",
    "End-to-End",
    "Few-Shot",
    "Multi-Scale",
    "Large-Scale",
    "Open-Vocabulary",
    "Text-to-Image",
    "Coarse-to-Fine",
    "Real-Time",
    "Top-1",
)
NON_ASCII = ("Über", "Café", "Naïve", "Schrödinger", "Gödel", "Fréchet", "Rényi", "Poincaré")
CJK_TITLES = (
    "基于深度学习的图像分割方法研究",
    "视觉语言模型综述",
    "面向点云配准的自监督学习",
    "三维重建中的神经辐射场",
    "多模态大模型的评测基准",
)
NAMES = (
    "DETR",
    "NeRF-W",
    "MaskFormer",
    "LLaVA",
    "SAM",
    "DINO",
    "Swin",
    "BEVFormer",
    "CoCa",
    "GroundingDINO",
    "PointNet",
    "ResNeXt",
    "ViLT",
    "Mamba",
    "X-Decoder",
)
EMOJI = ("🦙", "🔥", "🚀", "🤗", "🌍", "🐍")
QUESTION_STARTS = ("Do", "Can", "Is", "Are", "Does", "Why Do", "When Do")

FIRST_NAMES = (
    "Kaiming",
    "Xiangyu",
    "Jian",
    "Ashish",
    "Noam",
    "Alexei",
    "José",
    "Łukasz",
    "Zoë",
    "Yann",
    "Fei-Fei",
    "Wei",
    "Hiroshi",
    "Ngozi",
    "Søren",
    "Ana",
    "Mehdi",
)
LAST_NAMES = (
    "He",
    "Zhang",
    "Sun",
    "Vaswani",
    "Shazeer",
    "Efros",
    "García",
    "Kaiser",
    "Müller",
    "LeCun",
    "Li",
    "Wang",
    "Tanaka",
    "Okafor",
    "Kierkegaard",
    "Silva",
    "Noroozi",
)

CONFERENCES = (
    "CVPR",
    "ICCV",
    "ECCV",
    "NeurIPS",
    "ICML",
    "ICLR",
    "AAAI",
    "IJCAI",
    "ACL",
    "EMNLP",
    "NAACL",
    "KDD",
    "SIGIR",
    "MICCAI",
    "BMVC",
    "WACV",
    "ICRA",
    "IROS",
    "CoRL",
    "ACM MM",
)
JOURNALS = (
    "IEEE Transactions on Image Processing",
    "TPAMI",
    "IJCV",
    "IEEE TIP",
    "Pattern Recognition",
    "Nature Machine Intelligence",
    "JMLR",
    "TMLR",
    "IEEE Transactions on Medical Imaging",
    "Medical Image Analysis",
    "arXiv",
)


@dataclass(frozen=True)
class Venue:
    """A venue as written (`CVPR'21`), its name (`CVPR`) and year (2021, None when not written)."""

    text: str
    name: str
    year: int | None


@dataclass(frozen=True)
class Link:
    url: str
    labels: tuple[str, ...]  # link texts that say what it is (any of them may be used)
    role: Literal["paper", "code", "other"]


@dataclass(frozen=True)
class Paper:
    title: str
    authors: tuple[str, ...]
    venue: Venue | None
    year: int
    paper: Link | None
    code: tuple[Link, ...]
    other: tuple[Link, ...]  # project pages, videos: neither the paper nor its code
    abbreviation: str | None


# --- titles -------------------------------------------------------------------------------


def _cap(word: str) -> str:
    if word[:1].islower():
        return word[:1].upper() + word[1:]
    return word


def titles(draw: st.DrawFn) -> str:
    """A paper title in one of the cases and forms titles are written in."""
    if num(draw, 0, 19) == 19:  # rare, and last: shrinking goes to the common case
        cjk = pick(draw, CJK_TITLES)
        if flip(draw):
            return cjk
        return cjk + ": " + pick(draw, NAMES)
    count = num(draw, 3, 10)
    words: list[str] = []
    for index in range(count):
        kind = num(draw, 0, 19)
        if 0 < index < count - 1 and kind < 5:
            words.append(pick(draw, SMALL_WORDS))
        elif kind == 5:
            words.append(pick(draw, ACRONYMS))
        elif kind == 6:
            words.append(pick(draw, HYPHENATED).lower())
        elif kind == 7:
            words.append(pick(draw, NON_ASCII).lower())
        else:
            words.append(pick(draw, CONTENT_WORDS))
    case = pick(draw, ("title", "title", "lower", "sentence"))
    if case == "title":
        words = [
            w if (i > 0 and w in SMALL_WORDS) else "-".join(_cap(p) for p in w.split("-"))
            for i, w in enumerate(words)
        ]
    elif case == "sentence":
        words[0] = _cap(words[0])
    form = pick(draw, ("plain", "plain", "colon", "question", "emoji"))
    if form != "question" and num(draw, 0, 9) == 9:  # an apostrophe: "Don't Stop ..."
        if case == "sentence":
            words[0] = words[0][:1].lower() + words[0][1:] if words[0].islower() else words[0]
        words.insert(0, "don't" if case == "lower" else "Don't")
    if form == "question":
        start = pick(draw, QUESTION_STARTS)
        rest = words if case == "title" else [w.lower() if w.islower() else w for w in words]
        text = start + " " + " ".join(rest) + "?"
    else:
        text = " ".join(words)
    if form == "colon":
        name = pick(draw, NAMES)
        text = f"{name}: {_cap(text) if case != 'lower' else text}"
    elif form == "emoji":
        emoji = pick(draw, EMOJI)
        name = pick(draw, NAMES)
        text = f"{name} {emoji}: {text}" if flip(draw) else f"{text} {emoji}"
    return text


def bare_title(draw: st.DrawFn, title: str) -> str:
    """The title, lengthened to five words or more by content words (a CJK title, one "word",
    is replaced)."""
    question = title.endswith("?")
    words = title.rstrip("?").split() if " " in title else []
    while len(words) < 5:
        words.append(pick(draw, CONTENT_WORDS))
    return " ".join(words) + ("?" if question and len(words) > 1 else "")


def author_lists(draw: st.DrawFn) -> tuple[str, ...]:
    count = num(draw, 1, 4)
    initials = flip(draw)
    authors = []
    for _ in range(count):
        first = pick(draw, FIRST_NAMES)
        last = pick(draw, LAST_NAMES)
        authors.append(f"{first[0]}. {last}" if initials else f"{first} {last}")
    return tuple(authors)


def authors_text(authors: tuple[str, ...], style: int) -> str:
    if style == 0 or len(authors) == 1:
        return ", ".join(authors)
    if style == 1:
        return ", ".join(authors[:-1]) + ", and " + authors[-1]
    return authors[0] + " et al."


# --- venues -------------------------------------------------------------------------------


def venues(draw: st.DrawFn, year: int) -> Venue:
    """A venue in one of its spellings: `CVPR 2021`, `CVPR2021`, `CVPR'21`, `ICCV-19`, ...."""
    yy = year % 100
    if num(draw, 0, 3) == 3:
        name = pick(draw, JOURNALS)
        spelling = pick(draw, ("space", "space", "none"))
    else:
        name = pick(draw, CONFERENCES)
        spelling = pick(draw, ("space", "fused", "apostrophe", "dash", "none"))
        if " " in name and spelling in ("fused", "apostrophe", "dash"):
            spelling = "space"
    if spelling == "space":
        return Venue(f"{name} {year}", name, year)
    if spelling == "fused":
        return Venue(f"{name}{year}", name, year)
    if spelling == "apostrophe":
        return Venue(f"{name}'{yy:02d}", name, year)
    if spelling == "dash":
        return Venue(f"{name}-{yy:02d}", name, year)
    return Venue(name, name, None)


# --- links --------------------------------------------------------------------------------

PAPER_LABELS = ("paper", "Paper", "PDF", "pdf", "📝", "[PDF]")
OWNERS = ("open-mmlab", "facebookresearch", "google-research", "hustvl", "OpenGVLab", "lab-x")
REPOS = ("mmdetection", "detr", "vision_transformer", "WeakCLIP", "InternVL", "frozen-priors")


def paper_links(draw: st.DrawFn, venue: Venue | None, year: int) -> Link:
    kind = draw(
        st.sampled_from(
            (
                "arxiv-abs",
                "arxiv-abs",
                "arxiv-pdf",
                "doi",
                "cvf",
                "openreview",
                "ieee",
                "github-pdf",
                "unknown-pdf",
                "neurips",
                "acl",
                "springer",
            )
        )
    )
    serial = num(draw, 1, 29999)
    yy = year % 100
    arxiv = f"{yy:02d}{num(draw, 1, 12):02d}.{serial:05d}"
    venue_labels: tuple[str, ...] = (venue.name,) if venue and " " not in venue.name else ()
    if kind == "arxiv-abs":
        return Link(f"https://arxiv.org/abs/{arxiv}", ("arXiv", "paper", "Paper", "📝"), "paper")
    if kind == "arxiv-pdf":
        version = pick(draw, ("", "v1", "v2"))
        return Link(f"https://arxiv.org/pdf/{arxiv}{version}.pdf", ("arXiv", "PDF", "pdf"), "paper")
    if kind == "doi":
        return Link(f"https://doi.org/10.1109/CVPR.{year}.{serial}", PAPER_LABELS, "paper")
    if kind == "cvf":
        conf = venue.name if venue and venue.name in ("CVPR", "ICCV", "WACV") else "CVPR"
        url = (
            f"https://openaccess.thecvf.com/content/{conf}{year}/html/"
            f"Author_Paper_{serial}_{conf}_{year}_paper.html"
        )
        return Link(url, (*PAPER_LABELS, "CVF", *venue_labels), "paper")
    if kind == "openreview":
        ident = identifier(draw, 10)
        return Link(
            f"https://openreview.net/forum?id={ident}", (*PAPER_LABELS, "OpenReview"), "paper"
        )
    if kind == "ieee":
        return Link(
            f"https://ieeexplore.ieee.org/document/{9000000 + serial}", PAPER_LABELS, "paper"
        )
    if kind == "github-pdf":
        owner = pick(draw, OWNERS)
        url = f"https://github.com/{owner}/papers/blob/master/{year}/paper{serial}.pdf"
        return Link(url, ("paper", "PDF", "pdf", "📝", *venue_labels), "paper")
    if kind == "unknown-pdf":
        url = f"https://www.vision-lab.example.org/pubs/{year}/p{serial}.pdf"
        return Link(url, ("PDF", "PUB", "paper", "Paper", "📝", *venue_labels), "paper")
    if kind == "neurips":
        url = f"https://proceedings.neurips.cc/paper/{year}/hash/{serial:032x}-Abstract.html"
        return Link(url, (*PAPER_LABELS, "NeurIPS"), "paper")
    if kind == "acl":
        return Link(f"https://aclanthology.org/{year}.acl-long.{serial}/", PAPER_LABELS, "paper")
    url = f"https://link.springer.com/chapter/10.1007/978-3-030-{serial:05d}-0_1"
    return Link(url, PAPER_LABELS, "paper")


GITHUB_CODE_LABELS = ("code", "Code", ":octocat:", "GitHub", "github", "PyTorch", "TensorFlow")
ANY_HOST_CODE_LABELS = ("code", "Code", "PyTorch", "Official Code", "TensorFlow")


def code_links(draw: st.DrawFn) -> Link:
    host = pick(draw, ("github", "github", "github", "gitlab", "bitbucket", "gitee", "lab"))
    owner = pick(draw, OWNERS)
    repo = pick(draw, REPOS) + pick(draw, ("", "-v2", "2", "_release"))
    if host == "github":
        tail = pick(draw, ("", "", "/tree/main"))
        return Link(f"https://github.com/{owner}/{repo}{tail}", GITHUB_CODE_LABELS, "code")
    if host == "lab":
        url = f"https://www.vision-lab.example.org/code/{repo}.zip"
        return Link(url, ANY_HOST_CODE_LABELS, "code")
    domain = {"gitlab": "gitlab.com", "bitbucket": "bitbucket.org", "gitee": "gitee.com"}[host]
    return Link(f"https://{domain}/{owner}/{repo}", ANY_HOST_CODE_LABELS, "code")


def other_links(draw: st.DrawFn) -> Link:
    if flip(draw):
        owner = pick(draw, OWNERS).lower()
        name = pick(draw, REPOS).lower()
        return Link(
            f"https://{owner}.github.io/{name}/", ("project", "Project Page", "website"), "other"
        )
    ident = identifier(draw, 11)
    return Link(f"https://www.youtube.com/watch?v={ident}", ("video", "Video", "talk"), "other")


def paper(
    draw: st.DrawFn,
    *,
    need_venue: bool = False,
    need_paper: bool = False,
    item: bool = False,
    need_abbreviation: bool = False,
) -> Paper:
    """A paper record: zero to three links, any part may be missing. An `item` (a bullet or a
    paragraph, where only a link or a dated venue tells a paper from prose) has a paper link
    or a venue with its year."""
    title = titles(draw)
    year = num(draw, 2005, 2025)
    venue: Venue | None = venues(draw, year)
    if need_venue:
        while venue is None or venue.year is None:
            venue = venues(draw, year)
    elif num(draw, 0, 4) == 0:
        venue = None
    link = paper_links(draw, venue, year) if need_paper or num(draw, 0, 4) else None
    if item and link is None:
        while venue is None or venue.year is None:
            venue = venues(draw, year)
    if link is None and (venue is None or venue.year is None):
        # Nothing but the title tells this record from a name or a category (docs/list-format.md:
        # a title column holds "several words"; a bare 3-word string such as `Video CNN CLIP` is
        # as likely a name). A bare record's title has at least five space-separated words.
        title = bare_title(draw, title)
    room = 3 - (link is not None)
    code_list: list[Link] = []
    for _ in range(num(draw, 0, min(2, room))):
        code_link = code_links(draw)
        if code_link.url not in {c.url for c in code_list}:
            code_list.append(code_link)
    code = tuple(code_list)
    room -= len(code)
    other = tuple(other_links(draw) for _ in range(num(draw, 0, min(1, room))))
    if item and link is None:
        # An item without a paper link is a title-only item (docs: "title-only items ... with a
        # fused or bracketed venue"), possibly with its code; one whose only link is a video or a
        # project page is a talk or a demo as much as a paper, and the docs promise nothing for it.
        other = ()
    authors = author_lists(draw)
    abbreviation = pick(draw, NAMES) if (need_abbreviation or flip(draw)) else None
    return Paper(title, authors, venue, year, link, code, other, abbreviation)
