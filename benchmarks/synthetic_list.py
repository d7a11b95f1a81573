"""SYNTHETIC paper lists of any size, in the seed list's shape (one table per year)."""

from __future__ import annotations

import random

from fakeapi.description import PaperRecord

ADJECTIVES = [
    "Adaptive",
    "Robust",
    "Efficient",
    "Hierarchical",
    "Contrastive",
    "Progressive",
    "Sparse",
    "Dense",
    "Unified",
    "Scalable",
    "Generative",
    "Self-supervised",
    "Masked",
    "Dynamic",
    "Probabilistic",
    "Frequency-aware",
    "Boundary-aware",
    "Prototype-guided",
    "Token-level",
    "Cross-modal",
]
SUBJECTS = [
    "Attention",
    "Affinity Learning",
    "Pseudo-label Refinement",
    "Feature Calibration",
    "Class Activation Maps",
    "Region Mining",
    "Prototype Alignment",
    "Token Merging",
    "Graph Propagation",
    "Knowledge Distillation",
    "Consistency Regularization",
    "Mask Decoding",
    "Saliency Priors",
    "Label Diffusion",
    "Context Aggregation",
    "Co-occurrence Suppression",
    "Uncertainty Estimation",
    "Boundary Refinement",
    "Patch Mixing",
    "Language Guidance",
]
TASKS = [
    "Weakly Supervised Semantic Segmentation",
    "Instance Segmentation",
    "Object Localization",
    "Panoptic Segmentation",
    "Medical Image Segmentation",
]
SETTINGS_ = [
    "",
    " with Vision Transformers",
    " from Image Labels",
    " in the Wild",
    " at Scale",
    " under Label Noise",
    " with Foundation Models",
]
VENUES = ["CVPR", "ICCV", "ECCV", "NeurIPS", "AAAI", "TPAMI", "TIP", "IJCV", "arXiv", "WACV"]


def make_records(size: int, seed: int = 0) -> list[PaperRecord]:
    """`size` unique SYNTHETIC papers, in the order `render_list` writes them: 35% with an arXiv
    id, 15% with a DOI, 50% with neither (proceedings pages), 60% with a GitHub repository."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data
    titles = [
        f"{a} {s} for {t}{x}"
        for a in ADJECTIVES
        for s in SUBJECTS
        for t in TASKS
        for x in SETTINGS_
    ]
    if size > len(titles):
        raise ValueError(f"at most {len(titles)} synthetic titles")
    rng.shuffle(titles)
    by_year: dict[int, list[PaperRecord]] = {}
    for index, title in enumerate(titles[:size]):
        year = 2018 + index % 7
        roll = rng.random()
        arxiv_id = f"{year % 100:02d}{1 + index % 12:02d}.{index:05d}" if roll < 0.35 else None
        doi = f"10.5555/synthetic.{index}" if 0.35 <= roll < 0.50 else None
        venue = rng.choice(VENUES)
        repos = (f"lab{index % 97}/repo-{index}",) if rng.random() < 0.6 else ()
        record = PaperRecord(title, year, venue, arxiv_id=arxiv_id, doi=doi, repos=repos)
        by_year.setdefault(year, []).append(record)
    return [record for year in sorted(by_year, reverse=True) for record in by_year[year]]


def render_list(records: list[PaperRecord]) -> str:
    """The Markdown list of the records, in the seed list's shape (a table per year, in the
    records' order): the list is written from the records, never read back to make them."""
    lines = ["# SYNTHETIC benchmark list (generated; not real papers)", ""]
    year = None
    for number, record in enumerate(records):
        if record.year != year:
            if year is not None:
                lines.append("")
            year = record.year
            lines += [f"## {year}", "| Title | Abbreviation | Venue | Code |", "|---|---|---|---|"]
        if record.arxiv_id:
            url = f"https://arxiv.org/abs/{record.arxiv_id}"
        elif record.doi:
            url = f"https://doi.org/{record.doi}"
        else:
            url = f"https://openaccess.example.org/papers/{number}.pdf"
        code = f"https://github.com/{record.repos[0]}" if record.repos else "--"
        lines.append(f"| [{record.title}]({url}) | M{number} | {record.venue} {year} | {code} |")
    lines.append("")
    return "\n".join(lines)


def make_list(size: int, seed: int = 0) -> str:
    """A Markdown list of `size` unique SYNTHETIC papers (`make_records`, `render_list`)."""
    return render_list(make_records(size, seed))
