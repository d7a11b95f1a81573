"""Sections that hold no papers, one strategy per kind: none of their items is an entry. Each
chunk starts with its heading."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st

from tests.listfile.generated.records import flip, pick, subset
from tests.listfile.generated.shapes import TOOLS, Chunk


def _section(draw: st.DrawFn, headings: tuple[str, ...], body: list[str]) -> Chunk:
    # `###`, the deepest level a paper section uses: a paper section after it is never its
    # subsection (a `### Papers` under `## News` would be news, as the reader documents)
    level = "###"
    return Chunk((f"{level} {pick(draw, headings)}", "", *body))


def _subset(draw: st.DrawFn, items: tuple[str, ...], marker: str = "-") -> list[str]:
    chosen = subset(draw, items)
    return [f"{marker} {item}" for item in chosen]


def contents(draw: st.DrawFn) -> Chunk:
    items = (
        "[Papers](#papers)",
        "[CVPR 2023](#cvpr-2023)",
        "[Surveys](#surveys)",
        "[Object Detection](#object-detection)",
        "[Datasets](#datasets)",
        "[2021](./#2021)",
        "[Weakly Supervised Semantic Segmentation]"
        "(README.md#weakly-supervised-semantic-segmentation)",
    )
    body = _subset(draw, items, pick(draw, ("-", "*", "1.")))
    if flip(draw):
        body.insert(1, "  - [Image-level Supervision 2022](#image-level-supervision-2022)")
    return _section(draw, ("Contents", "Table of Contents", "Table of contents", "Overview"), body)


def tools(draw: st.DrawFn) -> Chunk:
    items = (
        *(f"[{n}]({u}) - {d} (2020)." for n, u, d in TOOLS),
        "[Hugging Face Transformers](https://github.com/huggingface/transformers) - "
        "State-of-the-art ML for PyTorch, TensorFlow and JAX, since 2018",
    )
    return _section(
        draw, ("Tools", "Tools & Libraries", "Software", "Frameworks"), _subset(draw, items)
    )


def datasets(draw: st.DrawFn) -> Chunk:
    items = (
        "[COCO](https://cocodataset.org/) - Common Objects in Context (2014)",
        "[PASCAL VOC 2012](http://host.robots.ox.ac.uk/pascal/VOC/voc2012/)",
        "[ImageNet](https://www.image-net.org/) - 14 million images, 2009",
        "[ScanNet](http://www.scan-net.org/) [[GitHub](https://github.com/ScanNet/ScanNet)]",
        "**Cityscapes** (2016): [website](https://www.cityscapes-dataset.com/)",
    )
    body = _subset(draw, items)
    if flip(draw):
        body += [
            "",
            "| Dataset | Images | Classes | Link |",
            "|---|---|---|---|",
            "| COCO | 330K | 80 | [link](https://cocodataset.org) |",
            "| ADE20K | 25K | 150 | [link](https://groups.csail.mit.edu/vision/datasets/ADE20K/) |",
        ]
    return _section(draw, ("Datasets", "Datasets and Benchmarks", "Data"), body)


def workshops(draw: st.DrawFn) -> Chunk:
    items = (
        "[Workshop on Autonomous Driving, CVPR 2023](https://cvpr2023.wad.vision/)",
        "[L3D-IVU: Learning with Limited Labelled Data Workshop @ CVPR 2023](https://l3divu.github.io/)",
        "[ICCV 2021 Workshop on Self-supervised Learning for Next-Generation Industry-level "
        "Autonomous Driving](https://sslad2021.github.io/)",
        "*NeurIPS 2022* [Workshop on Distribution Shifts](https://sites.google.com/view/distshift2022)",
    )
    return _section(
        draw,
        ("Workshops", "Challenges and Workshops", "Workshops & Challenges"),
        _subset(draw, items),
    )


def tutorials(draw: st.DrawFn) -> Chunk:
    items = (
        "[Denoising Diffusion-based Generative Modeling: Foundations and Applications]"
        "(https://cvpr2022-tutorial-diffusion-models.github.io/) - CVPR 2022 Tutorial "
        "[[video](https://www.youtube.com/watch?v=cS6JQpEY9cs)]",
        "[Self-Supervised Learning: What Is Next?](https://sslwin.org/) (ECCV 2022) "
        "[[slides](https://sslwin.org/slides/talk.pdf)]",
        "[Stanford CS231n: Deep Learning for Computer Vision](http://cs231n.stanford.edu/), 2023",
    )
    return _section(
        draw,
        ("Tutorials", "Video Lectures / Tutorials / Blogs", "Courses and Tutorials"),
        _subset(draw, items),
    )


def blogs(draw: st.DrawFn) -> Chunk:
    items = (
        "[What are Diffusion Models?](https://lilianweng.github.io/posts/2021-07-11-diffusion-models/)"
        " by Lilian Weng, 2021",
        "[The Illustrated Transformer](https://jalammar.github.io/illustrated-transformer/) (2018)",
        "[Understanding Contrastive Learning]"
        "(https://towardsdatascience.com/understanding-contrastive-learning-d5b19fd96607), "
        "Medium 2021",
    )
    return _section(draw, ("Blogs", "Blog Posts", "Articles and Blogs"), _subset(draw, items))


def news(draw: st.DrawFn) -> Chunk:
    items = (
        "**2023-05-01**: Added 20 papers from CVPR 2023.",
        "[2024/03] 🔥 We add 15 papers from [ICLR 2024](https://iclr.cc/Conferences/2024).",
        "2022.11.20: The list is reorganised by task ([#12](https://github.com/o/awesome/pull/12)).",
        "**[Oct 2021]** Release of [version 2](https://github.com/o/awesome/releases/tag/v2) "
        "with NeurIPS 2021 papers.",
    )
    return _section(
        draw, ("News", "Changelog", "Updates", "🔥 News", "What's New"), _subset(draw, items)
    )


def contributing(draw: st.DrawFn) -> Chunk:
    body = [
        "Contributions are welcome! Please read [CONTRIBUTING.md](CONTRIBUTING.md) first.",
        "",
        "- Fork this repository",
        "- Add your paper in the right section, in this format:",
        "",
        "```markdown",
        "- [Paper Title That Is Long Enough](https://arxiv.org/abs/2101.00001) *CVPR 2021* "
        "[[code](https://github.com/o/r)]",
        "| Title | Venue | Code |",
        "|---|---|---|",
        "| An Example Title of a Paper | ICCV 2021 | [code](https://github.com/o/example) |",
        "```",
        "",
        "- Open a [pull request](https://github.com/o/awesome/pulls)",
    ]
    return _section(draw, ("Contributing", "How to Contribute", "Contribution"), body)


def license_section(draw: st.DrawFn) -> Chunk:
    body = [
        "[![CC0](https://licensebuttons.net/p/zero/1.0/88x31.png)](https://creativecommons.org/publicdomain/zero/1.0/)",
        "",
        "To the extent possible under law, the authors have waived all copyright. See "
        "[LICENSE](LICENSE) (2023).",
    ]
    return _section(draw, ("License", "LICENSE"), body)


def citation_fence(draw: st.DrawFn) -> Chunk:
    fence = pick(draw, ("```", "~~~", "````"))
    body = [
        "If you find this list useful, please cite our survey:",
        "",
        fence + pick(draw, ("bibtex", "", "bib")),
        "@article{awesome2023survey,",
        "  title={A Survey on Weakly Supervised Semantic Segmentation},",
        "  author={Doe, Jane and Roe, Richard},",
        "  journal={arXiv preprint arXiv:2301.00001},",
        "  year={2023},",
        "  url={https://arxiv.org/abs/2301.00001}",
        "}",
        fence,
    ]
    return _section(draw, ("Citation", "Cite", "Citing", "📖 Citation"), body)


def venue_index(draw: st.DrawFn) -> Chunk:
    items = (
        "[CVPR 2024](https://cvpr.thecvf.com/Conferences/2024)",
        "[NeurIPS 2023](https://neurips.cc/Conferences/2023)",
        "CVPR: [2023](https://openaccess.thecvf.com/CVPR2023) | [2022](https://openaccess.thecvf.com/CVPR2022)",
        "[ICLR 2024 accepted papers](https://openreview.net/group?id=ICLR.cc/2024/Conference)",
    )
    return _section(draw, ("Conferences", "Venues", "Conference Proceedings"), _subset(draw, items))


def related(draw: st.DrawFn) -> Chunk:
    items = (
        "[awesome-object-detection](https://github.com/amusi/awesome-object-detection)",
        "[Awesome Semantic Segmentation](https://github.com/mrgloom/awesome-semantic-segmentation)"
        " (2017-2024)",
        "[Papers with Code: Segmentation](https://paperswithcode.com/task/semantic-segmentation)",
    )
    return _section(
        draw, ("Related", "Related Lists", "Other Awesome Lists", "See Also"), _subset(draw, items)
    )


NonPaper = Callable[[st.DrawFn], Chunk]

NON_PAPER_SECTIONS: dict[str, NonPaper] = {
    "contents": contents,
    "tools": tools,
    "datasets": datasets,
    "workshops": workshops,
    "tutorials": tutorials,
    "blogs": blogs,
    "news": news,
    "contributing": contributing,
    "license": license_section,
    "citation_fence": citation_fence,
    "venue_index": venue_index,
    "related": related,
}
