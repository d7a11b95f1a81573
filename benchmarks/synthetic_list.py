"""SYNTHETIC paper lists of any size, in the seed list's shape (one table per year)."""

from __future__ import annotations

import random

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


def make_list(size: int, seed: int = 0) -> str:
    """A Markdown list of `size` unique papers: 35% arXiv URLs, 15% DOI URLs, 50% title-only
    (proceedings pages), 60% with a GitHub repository."""
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
    by_year: dict[int, list[str]] = {}
    for index, title in enumerate(titles[:size]):
        year = 2018 + index % 7
        roll = rng.random()
        if roll < 0.35:
            url = f"https://arxiv.org/abs/{year % 100:02d}{1 + index % 12:02d}.{index:05d}"
        elif roll < 0.50:
            url = f"https://doi.org/10.5555/synthetic.{index}"
        else:
            url = f"https://openaccess.example.org/papers/{index}.pdf"
        venue = f"{rng.choice(VENUES)} {year}"
        code = f"https://github.com/lab{index % 97}/repo-{index}" if rng.random() < 0.6 else "--"
        row = f"| [{title}]({url}) | M{index} | {venue} | {code} |"
        by_year.setdefault(year, []).append(row)
    lines = ["# SYNTHETIC benchmark list (generated; not real papers)", ""]
    for year in sorted(by_year, reverse=True):
        lines += [f"## {year}", "| Title | Abbreviation | Venue | Code |", "|---|---|---|---|"]
        lines += by_year[year]
        lines.append("")
    return "\n".join(lines)
