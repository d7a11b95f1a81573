"""Sections that hold no papers, one strategy per kind: none of their items is an entry. Each
chunk starts with its heading."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st

from tests.listfile.generated.records import (
    CONTENT_WORDS,
    flip,
    identifier,
    num,
    pick,
    shuffle,
    subset,
    titles,
)
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


def _arxiv_url(draw: st.DrawFn) -> str:
    kind = pick(draw, ("abs", "pdf"))
    number = f"{num(draw, 15, 24)}{num(draw, 1, 12):02d}.{num(draw, 1, 29999):05d}"
    return f"https://arxiv.org/{kind}/{number}"


def _description(draw: st.DrawFn) -> str:
    words = [pick(draw, CONTENT_WORDS).lower() for _ in range(num(draw, 2, 7))]
    return f"{pick(draw, ('A', 'An open-source', 'The'))} {' '.join(words)}"


def tool_item(draw: st.DrawFn) -> str:
    """A tool named by its repository and described; it may cite its paper, and stays a tool:
    `[WidgetGym](github) - Environments for widgets ([paper](arxiv)).`"""
    if flip(draw):
        name, url, description = pick(draw, TOOLS)
    else:
        name = pick(draw, ("", "py", "Open")) + identifier(draw, num(draw, 3, 9))
        url = f"https://github.com/{identifier(draw, 5)}/{name}"
        description = _description(draw)
    item = f"[{name}]({url}) {pick(draw, ('-', ':', '—'))} {description}"
    if flip(draw):
        cited = pick(draw, ("paper", "Paper", "PDF", "arXiv"))
        item += f" ([{cited}]({_arxiv_url(draw)}))"
    return item + pick(draw, ("", ".", " (2020)."))


def tools(draw: st.DrawFn) -> Chunk:
    items = [tool_item(draw) for _ in range(num(draw, 1, 4))]
    headings = ("Tools", "Tools & Libraries", "Software", "Frameworks", "Other Projects")
    return _section(draw, headings, _bullets(items))


def _bullets(items: list[str], marker: str = "-") -> list[str]:
    return [f"{marker} {item}" for item in items]


def books(draw: st.DrawFn) -> Chunk:
    """Books, courses and lecture notes with generated titles: a PDF among them is the book or
    the notes, not a paper; so is a shop's, a catalogue's or a course's page."""
    items = []
    for _ in range(num(draw, 1, 4)):
        title = titles(draw)
        site = identifier(draw, 6)
        url = pick(
            draw,
            (
                f"https://www.{site}.edu/~{identifier(draw, 4)}/book.pdf",
                f"https://www.amazon.com/{site}/dp/{num(draw, 10**9, 10**10 - 1)}",
                f"https://books.google.com/books?id={identifier(draw, 8)}",
                f"https://{site}.github.io/notes/{num(draw, 1, 30)}.pdf",
            ),
        )
        author = pick(
            draw, ("", " *Jane Doe*", ", by Ann Lee and Bo Li", f" ({num(draw, 1990, 2024)})")
        )
        items.append(f"[{title}]({url}){author}")
    headings = (
        "Books",
        "Book",
        "Textbooks",
        "Lecture Notes",
        "Courses",
        "Webcasts and Online Courses",
    )
    return _section(draw, headings, _bullets(items))


def dataset_table(draw: st.DrawFn) -> Chunk:
    """Datasets by name in a table under a `<Topic> Dataset` heading; rows may say `Paper`
    without a link."""
    topic = " ".join(pick(draw, CONTENT_WORDS) for _ in range(num(draw, 1, 2)))
    heading = f"{topic} {pick(draw, ('Dataset', 'Datasets'))}"
    rows = ["| Name | Features | Paper |", "|---|---|---|"]
    for _ in range(num(draw, 2, 5)):
        name = identifier(draw, num(draw, 3, 8)).upper() + pick(draw, ("", "-Net", "-1Billion"))
        rows.append(
            f"| {name} | {pick(draw, ('', _description(draw)))} | {pick(draw, ('Paper', ''))} |"
        )
    return Chunk((f"### {heading}", "", *rows))


def dataset_papers(draw: st.DrawFn) -> Chunk:
    """Datasets under a data heading, each citing its paper and linking where the data is got:
    `* **NAME**: The paper's title. [Paper](arxiv) [Download](zenodo)`, or a table row
    `| NAME | 2021 | [Paper](arxiv) | [Download](kaggle) |`. The entry is the data's."""
    hosts = (
        "https://zenodo.org/records/{}",
        "https://www.kaggle.com/datasets/widgets/{}",
        "https://huggingface.co/datasets/widgets/{}",
        "https://github.com/widgets/data-{}",
        "https://drive.google.com/file/d/{}",
    )
    lines: list[str] = []
    for _ in range(num(draw, 1, 4)):
        name = identifier(draw, num(draw, 3, 8)).upper()
        title = titles(draw)
        where = pick(draw, hosts).format(num(draw, 100, 99999))
        label = pick(draw, ("Download", "Data", "Dataset", "Get the data"))
        if num(draw, 0, 3) == 0 and not where.startswith("https://github.com/"):
            label = pick(draw, ("Link", "Files"))  # the host says it is the data
        year = pick(draw, ("", f" ({num(draw, 2015, 2025)})"))
        lines.append(f"* **{name}**{year}: {title}. [Paper]({_arxiv_url(draw)}) [{label}]({where})")
    if flip(draw):
        lines += ["", "| Dataset | Year | Paper | Data |", "|---|---|---|---|"]
        for _ in range(num(draw, 1, 3)):
            name = identifier(draw, num(draw, 3, 8)).upper()
            where = pick(draw, hosts).format(num(draw, 100, 99999))
            lines.append(
                f"| {name} | {num(draw, 2015, 2025)} | [Paper]({_arxiv_url(draw)})"
                f" | [Download]({where}) |"
            )
    return _section(draw, ("Datasets", "Datasets and Benchmarks", "Data", "Corpora"), lines)


def glossary(draw: st.DrawFn) -> Chunk:
    """Abbreviations explained by an encyclopedia's article: never papers, whatever the heading."""
    items = []
    for _ in range(num(draw, 1, 4)):
        words = [pick(draw, CONTENT_WORDS) for _ in range(num(draw, 2, 4))]
        abbreviation = "".join(word[0].upper() for word in words)
        page = "_".join(words)
        items.append(f"{abbreviation}: [{' '.join(words)}](https://en.wikipedia.org/wiki/{page})")
    return _section(draw, ("Abbreviations", "Glossary", "Methods compared"), _bullets(items))


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


def posts_and_venues(draw: st.DrawFn) -> Chunk:
    """Under a topic heading of a personal resource page: posts whose link is their own
    address (a dated blog path), books said to be books, and the home pages of venues."""
    host = pick(draw, ("janedoe.example.be", "fansite.example.com", "stats.example.org"))
    items = []
    for _ in range(num(draw, 1, 4)):
        kind = num(draw, 0, 2)
        title = titles(draw)
        if kind == 0:
            slug = "-".join(title.lower().split()[:4])
            day = f"{num(draw, 2010, 2024)}/{num(draw, 1, 12):02d}/{num(draw, 10, 28)}"
            url = f"https://{host}/{day}/{slug}/"
            items.append(f"{title} - [{url}]({url})")
        elif kind == 1:
            url = f"https://{identifier(draw, 8)}book.example.com/welcome.html"
            items.append(f"{pick(draw, ('BOOK', 'Book', 'Textbook'))}: {title} - [{url}]({url})")
        else:
            acronym = identifier(draw, 4).upper()
            words = pick(draw, CONTENT_WORDS)
            name = f"International Conference on {words} Systems ({acronym})"
            items.append(f"[{name}](https://{acronym.lower()}{num(draw, 2019, 2024)}.example.org)")
    return _section(
        draw, ("Soccer", "Bayesian Modeling", "Further Reading", "Misc"), _bullets(items)
    )


def linked_resources(draw: st.DrawFn) -> Chunk:
    """Under a topic heading, resources whose link says what they are, whatever their titles:
    a book's page on a publisher's site (`.../book/978...`), a slide deck on a slides host, a
    challenge's site, a wiki's page, and another list (`Curated List of X Resources`)."""
    items = []
    for _ in range(num(draw, 1, 5)):
        title = titles(draw)
        slug = "-".join(title.lower().split()[:4])
        kind = num(draw, 0, 4)
        if kind == 0:
            url = pick(
                draw,
                (
                    f"https://www.sciencedirect.com/book/97801281{num(draw, 10000, 99999)}/{slug}",
                    f"https://link.springer.com/book/10.1007/978-981-19-{num(draw, 1000, 9999)}-1",
                ),
            )
            items.append(f"[{title}]({url})" + pick(draw, ("", " - Doe, Jane, and Bo Sun, eds")))
        elif kind == 1:
            host = pick(draw, ("www.slideshare.net", "speakerdeck.com"))
            items.append(f"[{title}](https://{host}/{identifier(draw, 6).lower()}/{slug})")
        elif kind == 2:
            name = identifier(draw, 4).upper()
            year = num(draw, 2019, 2026)
            url = f"https://{name.lower()}-challenge.github.io/{name}{year}-Challenge/"
            items.append(f"[{name} {year}: {title}]({url})")
        elif kind == 3:
            items.append(f"[{title}](https://ncatlab.org/nlab/show/{slug.replace('-', '+')})")
        else:
            topic = pick(draw, CONTENT_WORDS)
            name = pick(draw, (f"Curated List of {topic} Resources", f"A Reading List on {topic}"))
            items.append(f"[{name}](https://t.co/{identifier(draw, 10)})")
    headings = ("Further Reading", "Misc", "Background", "More")
    return _section(draw, headings, _bullets(items))


def cited_datasets(draw: st.DrawFn) -> Chunk:
    """Datasets and benchmarks by name in tables under a data heading, each row citing the
    paper that brought the data beside its name and linking it by an emoji, a size beside:
    `| WJP (Doe et al., 2021) | [📄](arxiv) [💻](github) | Swiss law | 85K cases |`."""
    rows = ["| Dataset | Links | Domain | Size |", "|---|---|---|---|"]
    for _ in range(num(draw, 1, 5)):
        name = pick(
            draw,
            (
                identifier(draw, num(draw, 3, 6)).upper(),
                f"{identifier(draw, 5).capitalize()} of {identifier(draw, 4).capitalize()}",
            ),
        )
        surname = pick(
            draw, ("Niklaus", "Chalkidis", "M\u00fcller", "O'Neil", "Garc\u00eda-L\u00f3pez")
        )
        cited = pick(draw, (f"{surname} et al., ", f"{surname} and Roe, ", f"{surname}, "))
        links = f"[\U0001f4c4]({_arxiv_url(draw)})"
        if flip(draw):
            links += f" [\U0001f4bb](https://github.com/widgets/{identifier(draw, 5).lower()})"
        domain = pick(draw, ("Swiss court judgements", "Contracts", "EU legislation", ""))
        size = pick(draw, ("85K cases w/ 2 outcomes", "2.6M cases", "510 contracts", "57K laws"))
        rows.append(f"| {name} ({cited}{num(draw, 2010, 2025)}) | {links} | {domain} | {size} |")
    return _section(draw, ("Datasets", "Benchmarks", "Corpora", "Legal Datasets"), rows)


def declared_kinds(draw: st.DrawFn) -> Chunk:
    """Under a topic heading, reading-list paragraphs shaped like its papers' (`**[Title](url)**\\`
    then field lines) whose own field says what they are: `*Publication:* Blog`, `*Notes:*
    Podcast about ...`."""
    lines: list[str] = []
    for _ in range(num(draw, 1, 4)):
        site = identifier(draw, 6).lower()
        kind = pick(draw, ("Blog", "Podcast", "Video", "Textbook", "Tutorial", "Blog post"))
        field = pick(draw, ("Publication", "Notes", "Type"))
        about = pick(draw, ("", f" introducing {pick(draw, CONTENT_WORDS).lower()}"))
        lines += [f"**[{titles(draw)}](https://{site}.example.io/{identifier(draw, 5)}/)**\\"]
        if flip(draw):
            lines.append(f"*Authors:* Jay {identifier(draw, 6).capitalize()}\\")
        lines += [f"*{field}:* {kind}{about}", ""]
    return _section(draw, ("Reading", "Techniques", "Downtime", "Motivations"), lines[:-1])


def said_not_papers(draw: st.DrawFn) -> Chunk:
    """Under a topic heading, items whose words or link say what they are, dated or not: a web
    page cited with the day it was read, a title marked as a book or an edition, news of an
    acceptance, a note to the reader, a link to another page of the list, a model's or an
    app's page, a video, and data named as data."""
    items = []
    for _ in range(num(draw, 1, 5)):
        title = titles(draw)
        year = num(draw, 2010, 2025)
        kind = num(draw, 0, 7)
        site = identifier(draw, 6).lower()
        if kind == 0:
            items.append(
                f"Doe, J. {title}. https://{site}.example.org/{year}/page, {year}. "
                f"{pick(draw, ('Online; accessed 19-December-2019.', 'Accessed: 2020-05-01.'))}"
            )
        elif kind == 1:
            mark = pick(draw, (" (Book)", "\uff08Book\uff09", ", Second Edition", ", 2nd ed."))
            items.append(f"[{title}{mark}](https://{site}.example.com/) ({year})")
        elif kind == 2:
            name = identifier(draw, 6)
            venue = pick(draw, ("MICCAI24", "ICML 2024", "CVPR 2025"))
            items.append(f"{name} {pick(draw, ('accepted by', 'is accepted to'))} {venue}!")
        elif kind == 3:
            items.append(
                f"**Note: the following papers are from [{title}](https://{site}.example.org/)**"
            )
        elif kind == 4:
            items.append(f"[{pick(draw, ('Browse', str(year)))}](./papers/{year}/index.md)")
        elif kind == 5:
            url = pick(
                draw,
                (
                    f"https://huggingface.co/{site}/{identifier(draw, 5)}-v1",
                    f"https://play.google.com/store/apps/details?id=com.{site}.app",
                    f"https://www.bilibili.com/video/BV1{identifier(draw, 9)}",
                ),
            )
            items.append(f"[{title}]({url}) ({year})")
        else:
            name = pick(
                draw, ("Past DUC Data", "Original Dataset.", f"The {site.upper()} Repository")
            )
            items.append(f"[{name}](https://{site}.example.edu/data.html)")
    headings = ("Further Reading", "Misc", "Background", "More")
    return _section(draw, headings, _bullets(items))


NonPaper = Callable[[st.DrawFn], Chunk]


def laboratories(draw: st.DrawFn) -> Chunk:
    """Labs, research groups and products named with their people: `- [UIUC - Jane Doe -
    Widget Lab](https://lab.example.edu/)`; home pages, not papers."""
    items = []
    for _ in range(num(draw, 1, 5)):
        place = pick(draw, ("UIUC", "Tsinghua", "Max Planck Institute", "Oxford", "ETH Zurich"))
        person = (
            f"{pick(draw, ('Jane', 'Wen', 'Perla', 'Huazhe'))} {pick(draw, ('Doe', 'Yuan', 'Xu'))}"
        )
        group = pick(draw, ("", " - Widget Lab", " - Soft Widgets Group", " - RoboWidget Lab"))
        site = identifier(draw, 6).lower()
        url = pick(draw, (f"https://{site}.example.edu/", f"http://{site}.rocks/"))
        items.append(f"[{place} - {person}{group}]({url})")
    headings = ("Laboratory", "Labs", "Research Groups", "Research Labs", "Products", "People")
    return _section(draw, headings, _bullets(items))


def organisations(draw: st.DrawFn) -> Chunk:
    """Companies, institutes and groups linked to their sites' front pages, under a heading
    that names no kind of resource (`Who Builds Widgets`): what they are shows in the item
    (an organisation's name, a front page, nothing that names or dates a paper)."""
    items = []
    for _ in range(num(draw, 1, 5)):
        site = identifier(draw, num(draw, 4, 8)).lower()
        name = pick(
            draw,
            (
                site.capitalize(),
                f"{site.capitalize()} Robotics",
                f"{pick(draw, CONTENT_WORDS)} {pick(draw, ('Lab', 'Group', 'Team'))}, "
                f"{pick(draw, ('Oregon State University', 'ETH Zurich', 'Example Institute'))}",
                f"Institute for {pick(draw, CONTENT_WORDS)} and {pick(draw, CONTENT_WORDS)} "
                "Research",
                f"{site.upper()}: {pick(draw, CONTENT_WORDS)} {pick(draw, CONTENT_WORDS)} Center",
            ),
        )
        url = pick(
            draw,
            (
                f"https://{site}.example.com",
                f"https://www.{site}.ai/",
                f"https://{site}.example.edu/{pick(draw, ('en', 'research', 'ai', 'robots'))}",
            ),
        )
        items.append(f"[{name}]({url})" + pick(draw, ("", f" - {_description(draw)}")))
    headings = ("Who Builds Widgets", "Around the World", "Beyond Academia", "Players")
    return _section(draw, headings, _bullets(items))


_LANGUAGES = ("C++", "Python", "MATLAB", "C++/ROS", "Java", "Julia", "C", "C++, CUDA", "Rust")
_LICENCES = (
    "GPLv3",
    "BSD",
    "MIT",
    "Apache 2.0",
    "GNU General Public License",
    "Modified BSD",
    "LGPL-2.1",
    "BSD 3-Clause",
)


def software_table(draw: st.DrawFn) -> Chunk:
    """Open-source systems in a table under a heading that names no kind of resource (`##
    Open Source`): each row a project's name, linked to its repository or site or not, with
    the language it is written in and its licence; some cells left empty."""
    columns = shuffle(draw, ["Language", "License"]) + subset(draw, ["Sensor", "Video"], 0)
    header = ["Project", *columns]
    rows = [f"| {' | '.join(header)} |", "|" + "---|" * len(header)]
    for index in range(num(draw, 2, 6)):
        name = pick(draw, ("", "Open", "Mono")) + identifier(draw, num(draw, 3, 7)).upper()
        site = pick(
            draw,
            (
                f"https://github.com/{identifier(draw, 6)}/{name.lower()}",
                f"http://www.{identifier(draw, 5)}.org/tutorials/{name.lower()}/",
                "",
            ),
        )
        cells = [f"[{name}]({site})" if site else name]
        for column in columns:
            filled = index < 2 or flip(draw)  # two rows say what they are, at least
            if column == "Language":
                cells.append(pick(draw, _LANGUAGES) if filled else "")
            elif column == "License":
                cells.append(pick(draw, _LICENCES) if filled else "")
            else:
                cells.append(pick(draw, ("RGB-D", "", "mono", "LiDAR")))
        rows.append(f"| {' | '.join(cells)} |")
    headings = ("Open Source", "OpenSource-SLAM", "Systems", "In Practice")
    return _section(draw, headings, rows)


_PHRASE_WORDS = tuple(w for w in CONTENT_WORDS if w.isalpha() and w.islower() and len(w) >= 4)


def feature_bullets(draw: st.DrawFn) -> Chunk:
    """A flat list that says what a project or list covers, under a heading that names no kind
    of resource: sentences with their full stop, short phrases, phrases in lower case or in
    sentence case, never a paper's title."""
    items = []
    for _ in range(num(draw, 2, 5)):
        words = [pick(draw, _PHRASE_WORDS) for _ in range(num(draw, 4, 8))]
        form = num(draw, 0, 3)
        if form == 0:
            items.append(" ".join(words).capitalize() + ".")
        elif form == 1:
            items.append(" ".join(word.capitalize() for word in words[:2]))
        elif form == 2:
            items.append(" ".join(words))
        else:  # sentence case: most of its words in lower case
            items.append(" ".join(words).capitalize())
    headings = ("Highlights", "What You Will Find", "Scope", "At a Glance")
    return _section(draw, headings, _bullets(items, pick(draw, ("-", "*"))))


def site_pages(draw: st.DrawFn) -> Chunk:
    """Pages of companies' sites whose titles open with the site's name (`[Widgetly - Our
    widgets are twice as accurate as last year's](https://www.widgetly.com/blog/...)`), under
    a heading that names no kind of resource."""
    items = []
    for _ in range(num(draw, 1, 4)):
        site = identifier(draw, num(draw, 4, 9)).lower()
        tld = pick(draw, ("com", "ai", "io"))
        name = pick(draw, (site.capitalize(), f"{site.capitalize()}.{tld}", site.upper()))
        words = " ".join(pick(draw, CONTENT_WORDS) for _ in range(num(draw, 3, 8)))
        path = pick(draw, ("blog", "gap-articles", "research", "news"))
        url = f"https://{pick(draw, ('www.', ''))}{site}.{tld}/{path}/{identifier(draw, 6).lower()}"
        dash = pick(draw, ("-", "|", "\u2013"))
        items.append(f"[{name} {dash} {words.capitalize()}]({url})")
    headings = ("Measurements", "Case Studies", "Evaluations in Practice")
    return _section(draw, headings, _bullets(items))


def venue_pages(draw: st.DrawFn) -> Chunk:
    """Workshops linked to their pages on OpenReview (`/group?id=`, `/submissions?venue=`),
    under a heading that names no kind of resource: a venue's page, not a paper, though the
    host is a paper site."""
    items = []
    for _ in range(num(draw, 1, 4)):
        venue = pick(draw, ("ICLR", "NeurIPS", "ICML"))
        year = num(draw, 2018, 2025)
        name = identifier(draw, num(draw, 3, 6)).upper()
        key = f"{venue}.cc/{year}/Workshop/{name}"
        url = pick(
            draw,
            (
                f"https://openreview.net/group?id={key}",
                f"https://openreview.net/submissions?page=1&venue={key.replace('/', '%2F')}",
            ),
        )
        items.append(f"[{venue} {year} Workshop {name}]({url})")
    headings = ("Where Widgets Appear", "Venues to Watch", "Gatherings")
    return _section(draw, headings, _bullets(items, pick(draw, ("-", "*"))))


NON_PAPER_SECTIONS: dict[str, NonPaper] = {
    "venue_pages": venue_pages,
    "site_pages": site_pages,
    "software_table": software_table,
    "feature_bullets": feature_bullets,
    "said_not_papers": said_not_papers,
    "cited_datasets": cited_datasets,
    "declared_kinds": declared_kinds,
    "linked_resources": linked_resources,
    "laboratories": laboratories,
    "organisations": organisations,
    "contents": contents,
    "tools": tools,
    "books": books,
    "dataset_table": dataset_table,
    "dataset_papers": dataset_papers,
    "glossary": glossary,
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
    "posts_and_venues": posts_and_venues,
}
