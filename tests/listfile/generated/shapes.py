"""The shapes a paper may be written in, one strategy each: every strategy draws its own paper
records and gives a `Chunk`, the lines it wrote and the entries they should read as."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from urllib.parse import quote_plus

from hypothesis import assume
from hypothesis import strategies as st

from tests.listfile.generated.oracle import UNCHECKED, Expected, Unchecked
from tests.listfile.generated.records import (
    CONTENT_WORDS,
    FIRST_NAMES,
    LAST_NAMES,
    NAMES,
    SMALL_WORDS,
    Link,
    Paper,
    Venue,
    authors_text,
    bare_title,
    flip,
    identifier,
    num,
    pick,
    shuffle,
    subset,
)
from tests.listfile.generated.records import paper as draw_paper

EMPTY_MARKS = ("", "-", "--", "—", "N/A")


@dataclass(frozen=True)
class Chunk:
    lines: tuple[str, ...]
    expected: tuple[Expected, ...] = ()


def unique_papers(
    draw: st.DrawFn, minimum: int = 1, maximum: int = 5, **kwargs: bool
) -> list[Paper]:
    """Papers with distinct titles and paper links (a duplicate drawn is left out)."""
    records: list[Paper] = []
    count = num(draw, minimum, maximum)
    for attempt in range(count + 8):  # a duplicate is drawn again, so `minimum` is kept
        if len(records) >= count or (attempt >= count and len(records) >= minimum):
            break
        record = draw_paper(draw, **kwargs)
        if all(
            record.title.casefold() != r.title.casefold()
            and (record.paper is None or r.paper is None or record.paper.url != r.paper.url)
            and (record.abbreviation is None or record.abbreviation != r.abbreviation)
            for r in records
        ):
            records.append(record)
    return records


def expect(
    paper: Paper,
    offset: int,
    *,
    with_paper: bool = True,
    venue: str | Unchecked | None = UNCHECKED,
    year: int | Unchecked | None = UNCHECKED,
    title: str | None = None,
) -> Expected:
    return Expected(
        title=paper.title if title is None else title,
        paper_url=paper.paper.url if (paper.paper and with_paper) else None,
        code_urls=frozenset(c.url for c in paper.code),
        venue=venue,
        year=year,
        offset=offset,
    )


def dated(paper: Paper) -> bool:
    return paper.venue is not None and paper.venue.year is not None


# --- inline pieces ------------------------------------------------------------------------


def labelled(draw: st.DrawFn, link: Link, *, badge_ok: bool = True) -> str:
    """A link with a label saying what it is; a GitHub repository may be a stars badge."""
    github_code = badge_ok and link.role == "code" and link.url.startswith("https://github.com/")
    if github_code and num(draw, 0, 4) == 4:
        repo = "/".join(link.url.split("/")[3:5])
        badge = f"https://img.shields.io/github/stars/{repo}?style=social"
        return f"[![GitHub stars]({badge})]({link.url})"
    label = pick(draw, link.labels)
    written = link.url
    if link.url.startswith(("https://doi.org/10.", "https://arxiv.org/")) and not num(draw, 0, 4):
        # `[paper](10.1109/X.2023.1)`, `[pdf](arxiv.org/abs/...)`: written without the scheme
        written = link.url.removeprefix("https://").removeprefix("doi.org/")
    text = f"[{label}]({written})"
    if not label.startswith("[") and flip(draw):
        text = f"[{text}]"
    return text


def link_group(draw: st.DrawFn, links: Sequence[Link], *, in_cell: bool = False) -> str:
    parts = [labelled(draw, link) for link in links]
    separators: tuple[str, ...] = (" ", " ", ", ", " / ", " · ")
    if in_cell:
        separators = (*separators, " \\| ", "<br>", " <br> ")
    return pick(draw, separators).join(parts)


def venue_mark(draw: st.DrawFn, text: str) -> str:
    return pick(draw, ("*{}*", "_{}_", "({})", "**{}**")).format(text)


def linked_title(draw: st.DrawFn, paper: Paper) -> str:
    assert paper.paper is not None
    link = f"[{paper.title}]({paper.paper.url})"
    return pick(draw, (link, link, f"**{link}**", f"[**{paper.title}**]({paper.paper.url})"))


# --- bullet items -------------------------------------------------------------------------


def item_text(draw: st.DrawFn, paper: Paper) -> tuple[str, Expected]:
    """The text of a list item after its marker, for a paper with a link or a dated venue."""
    styles = ["labelled"]
    if paper.paper is not None:
        styles += ["linked", "linked"]
    if dated(paper):
        styles += ["venue-prefix"]
    style = pick(draw, styles)
    links: list[Link] = list(paper.code) + list(paper.other)
    if paper.paper is not None and style == "labelled":
        links.insert(0, paper.paper)
    project = None
    if style == "linked" and paper.paper is not None and num(draw, 0, 3) == 0:
        # `[Title](project page) [[Paper]](url)`: the label says which link is the paper
        slug = re.sub(r"[^a-z0-9]+", "-", paper.title.lower()).strip("-")[:30] or "widget"
        project = f"https://{slug}.example.io/"
        links.insert(0, paper.paper)
    venue = paper.venue if dated(paper) and (paper.paper is None or num(draw, 0, 5)) else None
    if style == "venue-prefix":
        venue = paper.venue
    parts: list[str] = []
    if style == "venue-prefix":
        assert venue is not None
        parts.append(pick(draw, ("[{}]", "**[{}]**", "\\[{}\\]")).format(venue.text))
    if project is not None:
        parts.append(f"[{paper.title}]({project})")
    elif style == "linked" or (style == "venue-prefix" and paper.paper and flip(draw)):
        parts.append(linked_title(draw, paper))
        if paper.paper is not None and style == "venue-prefix":
            pass
    else:
        bold = flip(draw)
        parts.append(f"**{paper.title}**" if bold else paper.title)
        if style == "venue-prefix" and paper.paper is not None:
            links.insert(0, paper.paper)
    title_linked_or_bold = parts[-1].startswith(("[", "**"))
    if title_linked_or_bold and num(draw, 0, 2) == 0:
        sep = pick(draw, (" - ", ". ", ", ", " by "))
        parts[-1] += sep + authors_text(paper.authors, num(draw, 0, 2))
    venue_text = None
    if venue is not None and style != "venue-prefix":
        venue_text = venue_mark(draw, venue.text)
    group = link_group(draw, links) if links else ""
    if venue_text and group and flip(draw):
        parts += [group, venue_text]
    else:
        parts += [p for p in (venue_text, group) if p]
    text = " ".join(parts)
    exp = expect(
        paper,
        0,
        venue=venue.text if venue else UNCHECKED,
        year=venue.year if venue else UNCHECKED,
    )
    return text, exp


def _markers(draw: st.DrawFn, count: int, numbered: bool) -> list[str]:
    if numbered:
        style = pick(draw, ("{}.", "{})", "1."))
        start = pick(draw, (1, 1, 3))
        return [style.format(start + i) for i in range(count)]
    marker = pick(draw, ("-", "*", "+"))
    return [marker] * count


def bullets(draw: st.DrawFn, *, numbered: bool = False) -> Chunk:
    """`- [Title](url) *Venue 2024* [[code](url)]` and its variants, one paper per line."""
    records = unique_papers(draw, item=True)
    markers = _markers(draw, len(records), numbered)
    lines: list[str] = []
    expected: list[Expected] = []
    for marker, paper in zip(markers, records, strict=True):
        text, exp = item_text(draw, paper)
        expected.append(replace(exp, offset=len(lines)))
        lines.append(f"{marker} {text}")
    return Chunk(tuple(lines), tuple(expected))


def numbered(draw: st.DrawFn) -> Chunk:
    return bullets(draw, numbered=True)


CATEGORIES = (
    "Object Detection",
    "Segmentation",
    "Video Understanding",
    "Point Clouds",
    "Prompting",
    "Knowledge Distillation",
    "Medical Imaging",
)


def nested(draw: st.DrawFn) -> Chunk:
    """Papers as sub-items of category items (`- **Detection**` then indented papers)."""
    lines: list[str] = []
    expected: list[Expected] = []
    groups = num(draw, 1, 3)
    categories = shuffle(draw, CATEGORIES)[:groups]
    marker = pick(draw, ("-", "*", "+"))
    child_marker = pick(draw, ("-", "*", "+"))
    indent = " " * pick(draw, (2, 4))
    for category in categories:
        form = pick(draw, ("**{}**", "{}", "{}:", "*{}*"))
        lines.append(f"{marker} {form.format(category)}")
        for paper in unique_papers(draw, maximum=3, item=True):
            text, exp = item_text(draw, paper)
            expected.append(replace(exp, offset=len(lines)))
            lines.append(f"{indent}{child_marker} {text}")
    return Chunk(tuple(lines), tuple(expected))


def multiline(draw: st.DrawFn) -> Chunk:
    """An entry on several lines: a title line, then indented sub-items or continuation lines
    holding its authors, venue and links."""
    lines: list[str] = []
    expected: list[Expected] = []
    marker = pick(draw, ("-", "*", "1."))
    indent = " " * (len(marker) + 1) if flip(draw) else "    "
    for paper in unique_papers(draw, maximum=4, item=True):
        first = len(lines)
        form = pick(draw, ("sub-items", "continuation"))
        title, links = _title_and_links(draw, paper)
        venue = paper.venue if dated(paper) else None
        if venue is not None and paper.paper is not None and num(draw, 0, 3) == 0:
            venue = None
        rest: list[str] = []
        if flip(draw):
            rest.append(authors_text(paper.authors, num(draw, 0, 2)))
        if venue is not None:
            rest.append(venue_mark(draw, venue.text))
        if links:
            group = link_group(draw, links)
            if venue is not None and flip(draw):
                rest[-1] += " " + group
            else:
                rest.append(group)
        if not rest:
            rest.append(authors_text(paper.authors, 0))
        if form == "continuation" and paper.paper in links and num(draw, 0, 3) == 0:
            # a DOI badge of the paper's data on Zenodo: a picture, not the paper's label
            record = num(draw, 10**6, 10**7)
            badge = f"https://zenodo.org/badge/DOI/10.5281/zenodo.{record}.svg"
            rest.insert(0, f"[![DOI]({badge})](https://doi.org/10.5281/zenodo.{record})")
        if form == "sub-items":
            sub = pick(draw, ("-", "*"))
            lines.append(f"{marker} {title}")
            lines.extend(f"{indent}{sub} {r}" for r in rest)
        else:
            brk = pick(draw, ("", "  ", "<br>"))
            lines.append(f"{marker} {title}{brk}")
            lines.extend(f"{indent}{r}" for r in rest)
        expected.append(_expect_venue(paper, first, venue))
    return Chunk(tuple(lines), tuple(expected))


def _title_and_links(draw: st.DrawFn, paper: Paper) -> tuple[str, list[Link]]:
    """A paper's title, linked to the paper or in bold, and the links left to write after it
    (the paper's own first when the title is not linked)."""
    title_linked = paper.paper is not None and flip(draw)
    title = linked_title(draw, paper) if title_linked else f"**{paper.title}**"
    links: list[Link] = list(paper.code) + list(paper.other)
    if paper.paper is not None and not title_linked:
        links.insert(0, paper.paper)
    return title, links


def _expect_venue(paper: Paper, first: int, venue: Venue | None) -> Expected:
    """The expected entry of an item that writes `venue` (its year with it), or none."""
    if venue is None:
        return expect(paper, first, venue=UNCHECKED, year=UNCHECKED)
    return expect(paper, first, venue=venue.text, year=venue.year)


def _home_linked(draw: st.DrawFn, authors: tuple[str, ...]) -> tuple[str, ...]:
    """The authors, some linked to their home pages (`[Wayne Wu](http://wywu.example.io/)`):
    a person's page is never the paper's."""
    if not flip(draw):
        return authors
    linked = []
    for author in authors:
        home = f"https://{_split_name(author)[1].lower()}.example.io/"
        linked.append(f"[{author}]({home})" if flip(draw) else author)
    return tuple(linked)


def hard_breaks(draw: st.DrawFn) -> Chunk:
    """Paragraphs, one per paper, whose lines end in hard breaks (two spaces, `\\`, `<br>`)."""
    lines: list[str] = []
    expected: list[Expected] = []
    brk = pick(draw, ("  ", "\\", "<br>", "<br/>", " <br>"))
    for index, paper in enumerate(unique_papers(draw, maximum=4, item=True)):
        if index:
            lines.append("")
        first = len(lines)
        title, links = _title_and_links(draw, paper)
        venue = paper.venue if dated(paper) else None
        rows = [title]
        if flip(draw):
            rows.append(authors_text(_home_linked(draw, paper.authors), num(draw, 0, 2)))
        tail = [p for p in (venue_mark(draw, venue.text) if venue else "",) if p]
        if links:
            tail.append(link_group(draw, links))
        if tail:
            rows.append(" ".join(tail))
        if len(rows) == 1:
            rows.append(authors_text(paper.authors, 0))
        lines.extend(row + brk for row in rows[:-1])
        lines.append(rows[-1])
        expected.append(_expect_venue(paper, first, venue))
    return Chunk(tuple(lines), tuple(expected))


BADGES = (
    "![](https://img.shields.io/badge/-gaussian_process-orange)",
    "![](https://img.shields.io/badge/-Industry-red)",
)


def cited_paragraphs(draw: st.DrawFn) -> Chunk:
    """A bold title paragraph (badges before or after it, no links), a blank line, then an
    italic paragraph of authors and venue with the paper's links."""
    lines: list[str] = []
    expected: list[Expected] = []
    for index, paper in enumerate(unique_papers(draw, maximum=4, need_paper=True)):
        if index:
            lines.append("")
        first = len(lines)
        badge = pick(draw, ("", *BADGES))
        before = flip(draw)
        title = f"**{paper.title}**"
        lines.append(f"{badge}{pick(draw, ('', '   '))}{title}" if before else f"{title} {badge}")
        lines.append("")
        venue = paper.venue if dated(paper) else None
        names = authors_text(paper.authors, num(draw, 0, 2))
        stop = "" if names.endswith(".") else "."
        cited = f"*{names}{stop} {venue.text}*" if venue else f"*{names}*"
        links: list[Link] = [link for link in (paper.paper, *paper.code) if link is not None]
        lines.append(f"{cited} {link_group(draw, links)}".rstrip() + pick(draw, ("", " ")))
        expected.append(_expect_venue(paper, first, venue))
    return Chunk(tuple(lines), tuple(expected))


def title_over_links(draw: st.DrawFn) -> Chunk:
    """A title on a line of its own (plain text, a hard break or none), then its links on the
    next line or one per list item below it, with no blank line between."""
    lines: list[str] = []
    expected: list[Expected] = []
    for index, paper in enumerate(unique_papers(draw, maximum=4, need_paper=True)):
        assert paper.paper is not None
        if index:
            lines.append("")
        first = len(lines)
        lines.append(paper.title + pick(draw, ("", "  ")))
        links = [paper.paper, *paper.code, *paper.other]
        if flip(draw):
            lines.append(" ".join(labelled(draw, link, badge_ok=False) for link in links))
        else:
            lines.extend(f"{pick(draw, ('-', '*'))} {labelled(draw, link)}" for link in links)
        expected.append(expect(paper, first))
    return Chunk(tuple(lines), tuple(expected))


def heading_papers(draw: st.DrawFn) -> Chunk:
    """One heading per paper (its title), its link alone below it (`<url>` or a labelled link),
    and maybe a paragraph of notes."""
    lines: list[str] = []
    expected: list[Expected] = []
    level = pick(draw, ("###", "####", "##"))
    for paper in unique_papers(draw, maximum=4, need_paper=True):
        assert paper.paper is not None
        first = len(lines)
        # a heading of fewer than four words is a section, as documented
        title = (
            paper.title if len(paper.title.split()) >= 4 else f"{paper.title}: A Study of Widgets"
        )
        lines += [f"{level} {title}", ""]
        url = paper.paper.url
        lines.append(pick(draw, (f"<{url}>", url, f"[{pick(draw, paper.paper.labels)}]({url})")))
        lines.append("")
        if flip(draw):
            lines += [f"Uses {pick(draw, ('widgets', 'a new loss'))} to do better than before.", ""]
        # only the paper's link is written: no code
        expected.append(replace(expect(paper, first, title=title), code_urls=frozenset()))
    return Chunk(tuple(lines), tuple(expected))


def _github_anchor(heading: str) -> str:
    """GitHub's anchor for a heading, written here from GitHub's rule (lower case, only word
    characters, hyphens and spaces kept, spaces as hyphens), not the reader's."""
    kept = "".join(ch for ch in heading.strip().lower() if ch.isalnum() or ch in "-_ ")
    return kept.replace(" ", "-")


def heading_fields(draw: st.DrawFn) -> Chunk:
    """A review's table of contents (`| Title | Authors | [here](#anchor) |`), then one heading
    per paper over fields: `### General information`, `**Authors** : ...</br>`, `**Paper** :
    Available [here](url)</br>`, `**Code available** : null</br>`. The papers are read at their
    headings; the rows only point to them."""
    records = [
        replace(p, title=f"{p.title}: A Study of Widgets", code=())
        for p in unique_papers(draw, maximum=4, need_paper=True)
    ]
    level = pick(draw, ("##", "###"))
    lines = [f"# The review ({len(records)} articles in total)"]
    if flip(draw):
        lines += ["| Title | Authors | Description |", "| --- | --- | --- |"]
        for paper in records:
            who = pick(draw, paper.authors) if paper.authors else "Widget Lab"
            lines.append(
                f"| {paper.title} | {who} et al. | [here](#{_github_anchor(paper.title)}) |"
            )
    lines.append("")
    expected: list[Expected] = []
    for paper in records:
        assert paper.paper is not None
        expected.append(expect(paper, len(lines)))
        label = pick(draw, ("**Paper** : Available ", "**Paper**: ", "- PDF: ", "**Link** : "))
        link = pick(draw, (f"[here]({paper.paper.url})", paper.paper.url))
        lines += [f"{level} {paper.title}{pick(draw, ('', ' '))}", f"{level}# General information"]
        if paper.authors:
            lines.append(f"**Authors** : {', '.join(paper.authors)}</br>")
        lines += [f"{label}{link}</br>", "**Code available** : null</br>"]
        lines += [f"{level}# Technical information", "</br>", ""]
    return Chunk(tuple(lines), tuple(expected))


def dated_reading_list(draw: st.DrawFn) -> Chunk:
    """A chronological reading list: `* 1995 Cirac/Zoller: Title <url>  What the list says of
    it.`, the year first, maybe who wrote it (`Name/Name:`, `Name et al`), the address bare or
    on the next line, a comment after it."""
    lines: list[str] = []
    expected: list[Expected] = []
    for paper in unique_papers(draw, maximum=5, need_paper=True):
        assert paper.paper is not None
        title = bare_title(draw, paper.title)
        assume(len(title.split()) >= 4 and title[:1].isupper())
        surname = _split_name(paper.authors[0])[1] if paper.authors else "Doe"
        # `Shor: ` alone is not dropped (`Mamba: ...` is a title): only names that say so
        who = pick(draw, ("", f"{surname}/Roe: ", f"{surname} et al ", f"{surname} et al: "))
        dated = pick(draw, (f"{paper.year} ", f"{paper.year}: "))
        address = pick(draw, (f"<{paper.paper.url}>", paper.paper.url))
        comment = pick(draw, ("", "  A concrete proposal of how to build one.", " Ahh, the puns!"))
        expected.append(
            replace(expect(paper, len(lines), title=title, year=paper.year), code_urls=frozenset())
        )
        if flip(draw):
            lines.append(f"* {dated}{who}{title} {address}{comment}")
        else:
            lines += [f"* {dated}{who}{title}", f"{address} {comment}".rstrip()]
        lines.append("")
    return Chunk(tuple(lines), tuple(expected))


def year_venue_bullets(draw: st.DrawFn) -> Chunk:
    """Unlinked bullets `Title, 2022, ISCA` (a `[*]` mark before, maybe), each maybe with a
    sub-bullet saying what the paper did."""
    marker = pick(draw, ("- [*] ", "- ", "* "))
    lines: list[str] = []
    expected: list[Expected] = []
    for paper in unique_papers(draw, maximum=5):
        first = len(lines)
        name = paper.venue.name if paper.venue is not None else None
        named = name is not None and flip(draw)
        tail = f", {paper.year}, {name}" if named else f", {paper.year}"
        # an unlinked item of three words and a year may be anything: four words at least
        title = paper.title if len(paper.title.split()) >= 4 else f"{paper.title} of Widgets"
        lines.append(f"{marker}{title}{tail}")
        if flip(draw):
            lines.append(f"    - {pick(draw, ('First proposal of', 'The famous'))} widget ideas")
        venue = name if named else UNCHECKED  # `Title, 2005, Medical Image Analysis`
        expected.append(
            replace(
                expect(paper, first, with_paper=False, venue=venue, year=paper.year, title=title),
                code_urls=frozenset(),
            )
        )
    return Chunk(tuple(lines), tuple(expected))


# --- references in citation styles ----------------------------------------------------------


def _split_name(author: str) -> tuple[str, str]:
    """A generated author (`Kaiming He`, `K. He`) as its given name and its surname."""
    given, _, surname = author.rpartition(" ")
    return given, surname


def _initial(given: str, *, dotted: bool) -> str:
    """`Kaiming` as `K.` or `K`; `Fei-Fei` as `F.-F.` or `FF`; an initial stays one."""
    parts = [part[0] for part in given.split("-") if part]
    return "-".join(f"{p}." for p in parts) if dotted else "".join(parts)


def _joined(names: Sequence[str], last: str) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + last + names[-1]


def reference_text(draw: st.DrawFn, paper: Paper, venue: str) -> str:
    """The paper as a reference in one of the styles reference lists use (IEEE, APA,
    Vancouver, Nature, MLA, ACM, Harvard, surname-then-initials, British with single quotes,
    notes with a dash before the title),
    rendered here from the record, never by the reader."""
    names = [_split_name(author) for author in paper.authors]
    title, year = paper.title, paper.year
    stop = "" if title.endswith("?") else "."
    styles = ("ieee", "apa", "vancouver", "nature", "mla", "acm", "harvard", "surname-initials")
    style = pick(draw, (*styles, "british", "notes", "ams"))
    if style == "ams":  # `Doe, John P., Ann Roe, and K M Poe, May 2013: Title. Venue, 26(9).`
        (given, surname), *others = names
        middle = "" if given.endswith(".") else pick(draw, ("", " P.", " J"))  # not `K. J`
        first = f"{surname}, {given}{middle}"
        rest = [f"{pick(draw, (g, _initial(g, dotted=False)))} {s}" for g, s in others]
        people = _joined([first, *rest], ", and ")
        when = pick(draw, (str(year), f"May {year}", f"January {year}"))
        return f"{people}, {when}: {title}{stop} {venue}, {num(draw, 1, 60)}({num(draw, 1, 12)})."
    if style == "ieee":
        people = _joined([f"{_initial(g, dotted=True)} {s}" for g, s in names], ", and ")
        comma = "" if title.endswith("?") else ","
        return f'{people}, "{title}{comma}" in {venue}, {year}, pp. {num(draw, 1, 99)}--120.'
    if style == "apa":
        cited = [f"{s}, {_initial(g, dotted=True)}" for g, s in names]
        if flip(draw):  # `Bergenius Nord, M.`: a surname of two words
            two_words = pick(draw, ("Bergenius Nord", "Angelica Pe\u00f1a", "Van Lanen"))
            cited[-1] = f"{two_words}, {_initial(names[-1][0], dotted=True)}"
        people = _joined(cited, ", & ")
        if flip(draw):  # a report or preprint: the title in italics, a number after it
            number = pick(draw, ("No. 12", f"p. {year}.08.07.{num(draw, 100000, 999999)}"))
            return f"{people} ({year}). *{title}* ({number})."
        # APA's conference papers dated to the month: `Doe, J. (2021, September). Title. In X.`
        dated = pick(draw, (str(year), str(year), f"{year}, September", f"{year}, May 3"))
        return f"{people} ({dated}). {title}{stop} {venue}."
    if style == "vancouver":
        people = ", ".join(f"{s} {_initial(g, dotted=False)}" for g, s in names)
        return f"{people}. {title}{stop} {venue}. {year};{num(draw, 1, 60)}:{num(draw, 1, 999)}."
    if style == "nature":
        people = _joined([f"{s}, {_initial(g, dotted=True)}" for g, s in names], " & ")
        return f"{people} {title}{stop} {venue} {num(draw, 1, 60)}, 1\u20139 ({year})."
    if style == "mla":
        (given, surname), *others = names
        if not others:
            people = f"{surname}, {given}"
        elif flip(draw):
            people = f"{surname}, {given}, et al"
        else:
            people = f"{surname}, {given}, and " + " ".join(others[-1])
        return f'{people}. "{title}{stop}" {venue}, {year}.'
    if style == "harvard":
        cited = [f"{s}, {_initial(g, dotted=True)}" for g, s in names]
        if flip(draw):  # the first author linked to a home page
            home = f"https://people.example.edu/~{names[0][1].lower()}"
            cited[0] = f"[{cited[0]}]({home})"
        people = _joined(cited, " and ")
        month = pick(draw, ("", ", July", ", September"))
        return f"{people}, {year}{month}. {title}{stop} In {venue} (pp. 1-9)."
    if style == "surname-initials":  # `Ji R., Chen T., Chang S.-F. 2013. Title. Venue 50: 2-9.`
        people = ", ".join(f"{s} {_initial(g, dotted=True)}{_middle(draw)}" for g, s in names)
        if flip(draw):  # `Baldwin, B. 1963.`
            people = ", ".join(f"{s}, {_initial(g, dotted=True)}" for g, s in names)
        pages = f"{num(draw, 1, 60)}: {num(draw, 10, 99)}-1{num(draw, 10, 99)}"
        return f"{people} {year}. {title}{stop} {venue} {pages}."
    if style == "british":  # `Ashby W. R. (1962), \u2018Title\u2019, Venue, 10, 216\u2013278`
        people = _joined(
            [f"{s} {_initial(g, dotted=True)}{_middle(draw)}" for g, s in names], " and "
        )
        quotes = (("\u2018", "\u2019"), ("'", "\u2019"), ("\u201c", "\u201d"))
        opening, closing = pick(draw, quotes)
        pages = f"{num(draw, 1, 60)}, {num(draw, 10, 99)}\u20131{num(draw, 10, 99)}"
        return f"{people} ({year}), {opening}{title}{closing}, {venue}, {pages}"
    if style == "notes":  # `K. Zhang and M. Li (2020) \u2013 Title`: no stop, no venue
        people = _joined([f"{_initial(g, dotted=True)} {s}" for g, s in names], ", and ")
        return f"{people} ({year}) \u2013 {title}"
    people = _joined([f"{g} {s}" for g, s in names], ", and ")
    return f"{people}. {year}. {title}{stop} In {venue}."


def _middle(draw: st.DrawFn) -> str:
    """A middle initial after a first one, or none: `W. R.`, `J.A.`."""
    return pick(draw, ("", "", " R.", "A.", " M."))


def _wrapped(draw: st.DrawFn, text: str) -> list[str]:
    """The text hard-wrapped at a drawn width, as editors and PDF copies do: never before a
    word that would open a block of its own (`- `, `* `, `+ `, `#`, `>`, `1.`)."""
    width = num(draw, 30, 110)
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        opens_block = re.match(r"^(?:[-*+]$|#|>|1[.)]$|<)", word) is not None
        if current and len(current) + 1 + len(word) > width and not opens_block:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return lines


def references(draw: st.DrawFn) -> Chunk:
    """References in citation styles, one paragraph each (blank lines between), wrapped over
    lines or not, numbered (`[3]`, `\\[3\\]`) or not, with the paper's link after them or
    none, or set in bold after a `<br>`."""
    lines: list[str] = []
    expected: list[Expected] = []
    numbering = pick(draw, ("", "[{}] ", "\\[{}\\] ", "[key] "))  # `[key]`: a cite key
    drawn = unique_papers(draw, maximum=5, need_venue=True)
    records = [p for p in drawn if not re.search(r"[\u4e00-\u9fff]", p.title)]  # no CJK
    assume(records)
    for index, paper in enumerate(records):
        assert paper.venue is not None
        if lines:
            lines.append("")
        first = len(lines)
        text = reference_text(draw, paper, paper.venue.name)
        if numbering == "[key] ":
            surname = _split_name(paper.authors[0])[1].lower()
            text = f"[{surname}{paper.year}{'abc'[index % 3]}] {text}"
        elif numbering:
            text = numbering.format(index + 1) + text
        link = paper.paper if paper.paper is not None and flip(draw) else None
        if link is not None:
            text += f" [{pick(draw, ('paper', 'PDF', 'link'))}]({link.url})"
        if not numbering and link is None and flip(draw):
            lines.append(f"<br>**{text}**")
        else:
            lines.extend(_wrapped(draw, text))
        expected.append(
            Expected(
                title=paper.title,
                paper_url=link.url if link else None,
                code_urls=frozenset(),
                venue=UNCHECKED,
                year=paper.year,
                offset=first,
            )
        )
    return Chunk(tuple(lines), tuple(expected))


def wrapped_citation_items(draw: st.DrawFn) -> Chunk:
    """A page of the papers that cite a package: numbered items (`1.  `), each a reference
    soft-wrapped over indented lines at a drawn width (the first line may hold only names),
    its address as an autolink at the end; numbering restarts under year headings."""
    lines: list[str] = []
    expected: list[Expected] = []
    drawn = unique_papers(draw, maximum=5, need_venue=True, need_paper=True)
    records = [p for p in drawn if not re.search(r"[\u4e00-\u9fff]", p.title)]  # no CJK
    assume(records)
    for index, paper in enumerate(records):
        assert paper.venue is not None and paper.paper is not None
        text = reference_text(draw, paper, paper.venue.name) + f" <{paper.paper.url}>"
        first, *rest = _wrapped(draw, text)
        expected.append(
            Expected(
                title=paper.title,
                paper_url=paper.paper.url,
                code_urls=frozenset(),
                venue=UNCHECKED,
                year=paper.year,
                offset=len(lines),
            )
        )
        lines.append(f"{index + 1}.  {first}")
        lines += [f"    {line}" for line in rest]
        lines.append("")
    return Chunk(tuple(lines[:-1]), tuple(expected))


def names_and_quoted_titles(draw: st.DrawFn) -> Chunk:
    """A course's reading digest: who wrote it beside the title in quotes, in any order
    (`Doe's "Title"`, `Doe and Roe: "Title"`, `"Title" by Jane Doe`, `Doe, Roe, 2002, "Title"`),
    or the title in italics then its authors (`*Title*, J. Doe et al.`), an arrow to the
    address after it: a search page (no paper link), the paper, or none."""
    lines: list[str] = []
    expected: list[Expected] = []
    for paper in unique_papers(draw, maximum=5):
        title = bare_title(draw, paper.title)
        assume(len(title.split()) >= 3 and not re.search(r"[\"*_\u201c\u201d]", title))
        people = [_split_name(author) for author in paper.authors[:3]]
        surnames = [surname for _, surname in people]
        opening, closing = pick(draw, (('"', '"'), ("\u201c", "\u201d"), ("\x93", "\x94")))
        quoted = f"{opening}{title}{closing}"
        style = num(draw, 0, 4)
        year: int | None = None
        if style == 0:
            possessive = "'" if surnames[0].endswith("s") else "'s"
            text = f"{' '.join(people[0])}{possessive} {quoted}"
        elif style == 1:
            # one surname alone before a colon may be a label (`Note: "..."`): a whole name
            who = _joined(surnames, " and ") if len(surnames) > 1 else " ".join(people[0])
            text = f"{who}: {quoted}"
        elif style == 2:
            text = f"{quoted} by {' '.join(people[0])}"
        elif style == 3:
            year = paper.year
            text = f"{', '.join(surnames)}, {year}, {quoted}"
        else:
            initial = _initial(people[0][0], dotted=True)
            text = f"*{title}*, {initial} {surnames[0]}{pick(draw, ('', ' et al.'))}"
        where = num(draw, 0, 2)
        paper_url = None
        if where == 0:
            search = quote_plus(" ".join(title.split()[:4]))  # as a browser writes it
            text += f"  ---->  https://www.google.com/search?hl=en&q={search}"
        elif where == 1 and paper.paper is not None and paper.paper.role == "paper":
            paper_url = paper.paper.url
            text += f"  ---->  {paper_url}" if style != 4 else f" [[pdf]]({paper_url})"
        expected.append(
            Expected(
                title=title,
                paper_url=paper_url,
                code_urls=frozenset(),
                venue=UNCHECKED,
                year=year if year is not None else UNCHECKED,
                offset=len(lines),
            )
        )
        lines.append(f"- {text}")
    return Chunk(tuple(lines), tuple(expected))


CITIES = ("London", "Cambridge, MA", "Oxford and New York", "Ann Arbor", "Chicago")
PUBLISHERS = (
    "Phaidon",
    "Harvard University Press",
    "Routledge",
    "University of Michigan Press",
    "John Wiley & Sons",
)
BOOK_NOTES = ("", "", "2nd Edition. ", "Series in widget studies, vol. 30. ")


def author_date_references(draw: st.DrawFn) -> Chunk:
    """A humanities bibliography: one author-date reference a paragraph, `Surname, Given and
    G. Other (1997). **Title**. **Journal** 31, 2: 271-84. At <url>.`, the article's address
    on any host when there is one; books (`... **Title**. City: Publisher.`) between them
    are not papers."""
    lines: list[str] = []
    expected: list[Expected] = []
    for paper in unique_papers(draw, maximum=5):
        if lines:
            lines += ["", ""]
        names = [_split_name(author) for author in paper.authors]
        (given, surname), *others = names
        first = f"{surname}, {pick(draw, (given, _initial(given, dotted=True)))}"
        people = _joined([first, *(f"{_initial(g, dotted=True)} {s}" for g, s in others)], " and ")
        stop = "" if paper.title.endswith("?") else "."
        head = f"{people} ({paper.year}{pick(draw, ('', 'a', 'b'))}). **{paper.title}**{stop}"
        if flip(draw):  # `Doe, J.M., Roe, K., (2025). **Title.**`: initials written together
            people = " ".join(
                f"{s}, {_initial(g, dotted=True)}{pick(draw, ('', 'M.', 'S.'))}," for g, s in names
            )
            head = f"{people} ({paper.year}). **{paper.title}{stop}**"
        if flip(draw) and num(draw, 0, 2) == 0:  # a book: `City: Publisher.` or the other way
            city, publisher = pick(draw, CITIES), pick(draw, PUBLISHERS)
            named = pick(draw, ("Harvard University Press", "Sinauer Associates", "Springer"))
            where = pick(
                draw,
                (
                    f"{city}: {publisher}.",
                    f"{publisher}: {city}.",
                    f"{named}, {city}.",  # `Sinauer Associates, Sunderland, MA.`
                    f"{named}. ISBN: 0-387-{num(draw, 10000, 99999)}-5.",
                ),
            )
            lines.append(f"{head} {pick(draw, BOOK_NOTES)}{where} ")
            continue
        journal = pick(draw, ("Computers and the Humanities", "Literary and Linguistic Computing"))
        issue = pick(draw, ("", f", {num(draw, 1, 4)}", f", {num(draw, 1, 4)} (June)"))
        pages = f"{num(draw, 10, 99)}-1{num(draw, 10, 99)}"
        text = f"{head} **{journal}** {num(draw, 1, 90)}{issue}: {pages}."
        address = None
        if flip(draw):
            address = f"https://journals.example.org/{surname.lower()}/{paper.year}.html"
            text += pick(draw, (" At <{}>.", " Available at <{}>.", " {}")).format(address)
        lines.append(text + " ")
        expected.append(
            Expected(
                paper.title, address, frozenset(), UNCHECKED, paper.year, offset=len(lines) - 1
            )
        )
    return Chunk(tuple(lines), tuple(expected))


def cite_key_labels(draw: st.DrawFn) -> Chunk:
    """A survey's reading list generated from its BibTeX: `- **[Doe et al. (2020) [@doe2020]
    (PRD)]** - Title`, no links; the label says who, when and where."""
    lines: list[str] = []
    expected: list[Expected] = []
    for paper in unique_papers(draw, item=True):
        surname = _split_name(paper.authors[0])[1]
        who = pick(draw, (f"{surname} et al.", surname, f"{surname} & Sun"))
        key = f"{surname.lower()}{paper.year}"
        where = pick(draw, ("PRD", "PhD Thesis", "ApJ", "2007.08732"))
        label = pick(
            draw,
            (
                f"**[{who} ({paper.year}) [@{key}] ({where})]**",
                f"**[{who} ({paper.year})] [@{key}] ({where})**",
            ),
        )
        title = bare_title(draw, paper.title)
        expected.append(
            Expected(title, None, frozenset(), UNCHECKED, paper.year, offset=len(lines))
        )
        lines.append(f"- {label} - {title}")
    return Chunk(tuple(lines), tuple(expected))


def cited_link_titles(draw: st.DrawFn) -> Chunk:
    """A thesis reading list: `- <a id="ref-3"></a>[3] [Surname, et al. (2012) Title](url)`,
    each link's text a short citation, who and when, before the title (in quotes or not)."""
    lines: list[str] = []
    expected: list[Expected] = []
    records = [p for p in unique_papers(draw, need_paper=True) if len(p.title.split()) >= 3]
    assume(records)
    for index, paper in enumerate(records):
        assert paper.paper is not None
        names = [_split_name(author) for author in paper.authors]
        (given, surname), *others = names
        other = others[0][1] if others else "Sun"
        who = pick(
            draw,
            (
                f"{surname}, et al.",
                f"{surname} et al.",
                f"{surname} et al.,",
                surname,
                f"{surname} & {other}",
                f"{surname}, {_initial(given, dotted=True)}",
                f"{surname} {_initial(given, dotted=False)}, {other} J.",
            ),
        )
        when = pick(draw, (f"({paper.year})", f"({paper.year})."))
        opening = pick(draw, ("", "", "'", "\u201c"))
        closing = {"": "", "'": pick(draw, ("", "'")), "\u201c": "\u201d"}[opening]
        text = f"{who} {when} {opening}{paper.title}{closing}"
        anchor = pick(draw, ("", f'<a id="ref-{index + 1}"></a>'))
        number = pick(draw, ("", f"[{index + 1}] "))
        expected.append(
            Expected(
                paper.title, paper.paper.url, frozenset(), UNCHECKED, paper.year, offset=len(lines)
            )
        )
        lines.append(f"- {anchor}{number}[{text}]({paper.paper.url})")
    return Chunk(tuple(lines), tuple(expected))


def links_over_lines(draw: st.DrawFn) -> Chunk:
    """A page generated from arXiv: `- ["Title"](` and, on the lines after it, the address and
    the abstract as the link's quoted title (CommonMark allows both after a line break), then
    the authors on a line of their own."""
    lines: list[str] = []
    expected: list[Expected] = []
    records = [p for p in unique_papers(draw, need_paper=True) if '"' not in p.title]
    assume(records)
    for paper in records:
        assert paper.paper is not None
        if lines:
            lines.append("")
        first = len(lines)
        lines.append(f'- ["{paper.title}"](')
        lines.append(paper.paper.url)
        sentences = [
            "We study widgets and their many uses in the field",
            'We call the result a "widget map" and show it helps',
            "Experiments on three benchmarks show the gains",
        ]
        abstract = " ".join(f"{s}." for s in subset(draw, sentences))
        wrapped = _wrapped(draw, f'"{abstract}"){pick(draw, ("", ","))}')
        lines.extend(wrapped)
        lines.append(", ".join(paper.authors) + ",")
        expected.append(
            Expected(paper.title, paper.paper.url, frozenset(), UNCHECKED, UNCHECKED, offset=first)
        )
    return Chunk(tuple(lines), tuple(expected))


def bold_wrapped_titles(draw: st.DrawFn) -> Chunk:
    """A README generated from BibTeX: `**A title wrapped`, indented lines going on with it
    up to its closing `**`, then ` - **2025** - *Authors* - journal - [arXiv](url) - ` and an
    abstract wrapped over indented lines."""
    lines: list[str] = []
    expected: list[Expected] = []
    records = [p for p in unique_papers(draw, maximum=4, need_paper=True) if " " in p.title]
    assume(records)
    for paper in records:
        assert paper.paper is not None
        if lines:
            lines.append("")
        first = len(lines)
        words = paper.title.split(" ")
        cut = num(draw, 1, len(words) - 1)
        pad = " " * num(draw, 4, 19)
        names = ", ".join(f"{_split_name(a)[1]}, {_split_name(a)[0]}" for a in paper.authors)
        lines.append(f"**{' '.join(words[:cut])}")
        lines.append(
            f"{pad}{' '.join(words[cut:])}** - **{paper.year}** - *{names}* - journal - "
            f"[arXiv]({paper.paper.url}) - We study widgets"
        )
        lines.append(f"{pad}and their many uses in the field. <!-- imported-from-bib -->")
        expected.append(replace(expect(paper, first, year=paper.year), code_urls=frozenset()))
    return Chunk(tuple(lines), tuple(expected))


def table_foreign_headers(draw: st.DrawFn) -> Chunk:
    """A table of unlinked titles whose headers are in another language (a lab wiki's
    publications: number, year, title, venue, authors), the venue and authors often empty."""
    records = unique_papers(draw, TABLE_MIN_ROWS, maximum=5)
    records = [p for p in records if len(p.title.split()) >= 4]
    assume(len(records) >= TABLE_MIN_ROWS)
    header = pick(
        draw,
        (
            ("文章编号", "年份", "论文名称", "会议或期刊", "作者"),
            ("Nr.", "Jahr", "Titel", "Tagung", "Autoren"),
            ("N°", "Année", "Titre", "Revue", "Auteurs"),
        ),
    )
    rows, expected = [], []
    for index, paper in enumerate(records):
        venue = paper.venue.name if paper.venue is not None and flip(draw) else ""
        authors = authors_text(paper.authors, 0) if flip(draw) else ""
        rows.append([str(index + 1), str(paper.year), paper.title, venue, authors])
        expected.append(
            replace(
                expect(paper, 2 + index, with_paper=False, year=paper.year),
                code_urls=frozenset(),
            )
        )
    return Chunk(tuple(gfm_table(draw, header, rows)), tuple(expected))


def titles_with_details(draw: st.DrawFn) -> Chunk:
    """A title alone on a bullet (no link), its details one per sub-item: where and when it
    appeared, its authors, then its addresses (the paper's first, maybe a preprint's)."""
    marker = pick(draw, ("-", "*"))
    indent = pick(draw, ("\t", "  ", "    "))
    lines: list[str] = []
    expected: list[Expected] = []
    records = unique_papers(draw, maximum=4, need_paper=True, need_venue=True)
    records = [p for p in records if len(p.title.split()) >= 4 and ":" not in p.title[:2]]
    assume(records)
    for paper in records:
        assert paper.paper is not None and paper.venue is not None
        first = len(lines)
        lines.append(f"{marker} {paper.title}")
        name = paper.venue.name
        venue = pick(draw, (f"{name} {paper.year}", f"{name} ({paper.year})"))
        details = [venue, authors_text(paper.authors, num(draw, 0, 2)), paper.paper.url]
        if flip(draw):
            details.append(f"https://eprint.example.org/{paper.year}/{num(draw, 1, 999)}")
        if flip(draw):  # the authors line left out
            details.pop(1)
        lines.extend(f"{indent}{marker} {detail}" for detail in details)
        expected.append(
            replace(
                expect(paper, first, year=paper.year),
                code_urls=frozenset(),
            )
        )
    return Chunk(tuple(lines), tuple(expected))


def named_linked_titles(draw: st.DrawFn) -> Chunk:
    """Paragraphs that name the authors and link the title, `K. **Fukami** et al.: [Title
    (2019)](url)`, each followed by a list of notes on the paper (no blank line between)."""
    lines: list[str] = []
    expected: list[Expected] = []
    for paper in unique_papers(draw, maximum=4, need_paper=True):
        assert paper.paper is not None
        if lines:
            lines.append("")
        first = len(lines)
        given, surname = _split_name(paper.authors[0])
        names = f"{_initial(given, dotted=True)} **{surname}**"
        names += pick(draw, (" et al.", "", f" and {paper.authors[-1]}"))
        lines.append(f"{names}: [{paper.title} ({paper.year})]({paper.paper.url})")
        for note in subset(draw, ("Aim: predict flows", "Learning type: supervised", "CFD: -")):
            lines.append(f"- {note}")
        expected.append(replace(expect(paper, first, year=paper.year), code_urls=frozenset()))
    return Chunk(tuple(lines), tuple(expected))


def named_full_titles(draw: st.DrawFn) -> Chunk:
    """A paper digest's items: `- {Tag} **NAME** (The Full Title) [[paper](url)] [[code](url)]`,
    the method's short name first (bold or not), the paper's title in parentheses after it; or
    `- **NAME**: The Full Title. [Paper](url)`, the title after a colon or a dash."""
    records = unique_papers(draw, need_paper=True, need_abbreviation=True)
    marker = pick(draw, ("-", "*", "+"))
    lines: list[str] = []
    expected: list[Expected] = []
    for record in records:
        # a full title of four words or more (docs/list-format.md): fewer, in parentheses after
        # a name, are as often a note (`(Best Paper Award)`)
        paper = replace(record, title=bare_title(draw, record.title))
        assert paper.paper is not None and paper.abbreviation is not None
        tag = pick(draw, ("", "{Related} ", "{Real} ", "(Survey) "))
        links = [paper.paper, *paper.code]
        in_parentheses = flip(draw)
        # after a colon, a title in lower case goes on from the name: `Name: a framework for`
        read_as = paper.title
        if not in_parentheses and paper.title[:1].islower():
            read_as = f"{paper.abbreviation}: {paper.title}"
        expected.append(
            replace(
                expect(replace(paper, title=read_as), len(lines)),
                code_urls=frozenset(c.url for c in paper.code),
            )
        )
        if in_parentheses:
            name = pick(draw, ("**{}**", "{}")).format(paper.abbreviation)
            lines.append(f"{marker} {tag}{name} ({paper.title}) {link_group(draw, links)}")
        else:
            named = pick(draw, ("**{}**: ", "**{}:** ", "**{}** - ", "**{}** \u2013 "))
            end = pick(draw, (". ", " ", ", "))
            text = f"{named.format(paper.abbreviation)}{paper.title}{end}"
            lines.append(f"{marker} {text}{link_group(draw, links)}")
    return Chunk(tuple(lines), tuple(expected))


def placeholder_links(draw: st.DrawFn) -> Chunk:
    """Reading notes whose titles are links not yet filled in, `+ [Title]()<br>`, each maybe
    followed by numbered notes on the paper."""
    records = unique_papers(draw, item=True)
    marker = pick(draw, ("-", "*", "+"))
    notes = ("1. Input: a set of frames", "2. Uses a triplet loss", "1. Strong baseline")
    lines: list[str] = []
    expected: list[Expected] = []
    for paper in records:
        title = bare_title(draw, paper.title)
        expected.append(Expected(title, None, frozenset(), UNCHECKED, UNCHECKED, offset=len(lines)))
        lines.append(f"{marker} [{title}](){pick(draw, ('', '<br>', ' <br>'))}")
        lines += subset(draw, notes, minimum=0)
        lines.append("")
    return Chunk(tuple(lines), tuple(expected))


def title_only(draw: st.DrawFn) -> Chunk:
    """Title-only bullets: a title and a fused or bracketed venue, no paper link."""
    records = unique_papers(draw, maximum=6, need_venue=True)
    marker = pick(draw, ("-", "*", "+"))
    lines: list[str] = []
    expected: list[Expected] = []
    for paper in records:
        assert paper.venue is not None
        v = paper.venue.text
        t = paper.title
        form = pick(
            draw,
            (
                f"{t} *{v}*",
                f"{t} ({v})",
                f"[{v}] {t}",
                f"[{v}] **{t}**",
                f"**{t}** *{v}*",
                f"{t}, *{v}*",
                f"{t} _{v}_",
            ),
        )
        if paper.code and flip(draw):
            form += " " + link_group(draw, paper.code)
            exp = expect(paper, len(lines), with_paper=False, venue=v, year=paper.venue.year)
        else:
            exp = replace(
                expect(paper, len(lines), with_paper=False, venue=v, year=paper.venue.year),
                code_urls=frozenset(),
            )
        expected.append(exp)
        lines.append(f"{marker} {form}")
    return Chunk(tuple(lines), tuple(expected))


# --- GFM tables ---------------------------------------------------------------------------

# A table of papers has two rows or more: its title column is the one whose cells "differ from
# row to row" (docs/list-format.md), which one row cannot show.
TABLE_MIN_ROWS = 2

TITLE_HEADERS = ("Title", "Paper", "Name", "title", "TITLE", "Paper Title", "Paper Name")
ODD_TITLE_HEADERS = (
    "Paper & Authors",
    "Method",
    "Model",
    "Work",
    "Article",
    "Entry",
    "Contribution",
    "论文",
    "Papers",
    "Paper/Title",
    "Study",
)
VENUE_HEADERS = ("Venue", "Conference", "Pub", "Journal", "venue", "Conference/Journal")
YEAR_HEADERS = ("Year", "Date", "year")
CODE_HEADERS = ("Code", "Repo", "Repository", "GitHub", "Implementation", "code")
LINK_HEADERS = ("Link", "PDF", "URL", "arXiv", "link")
ABBR_HEADERS = ("Abbreviation", "Abbr", "Short", "Acronym")
EXTRA_HEADERS = ("Summary", "Notes", "Tags", "Highlights", "Task", "Dataset", "Remarks")
LINKS_COLUMN_HEADERS = ("Resources", "Links", "Materials", "Link", "Artifacts", "Assets")
SUMMARIES = (
    "A simple baseline",
    "State of the art on COCO",
    "Uses a frozen backbone",
    "Oral",
    "segmentation, detection",
    "Training-free",
    "New benchmark and metric",
    "Spotlight",
)


def bare_or_labelled(draw: st.DrawFn, link: Link) -> str:
    form = num(draw, 0, 3)
    if form == 0:
        return link.url
    if form == 1:
        return f"<{link.url}>"
    return labelled(draw, link)


def _empty(draw: st.DrawFn) -> str:
    return pick(draw, EMPTY_MARKS)


def gfm_table(draw: st.DrawFn, header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    outer = pick(draw, ("both", "both", "none", "leading"))
    if len(header) == 1:  # `Title` over `---` without pipes is a heading, not a table
        outer = "both"
    first_cells = [row[0] for row in rows if row]
    if (
        any(re.match(r"^\s*(?:[-*+]|\d{1,9}[.)])(?:\s|$)", cell) for cell in first_cells)
        or any(not cell.strip() for cell in first_cells)
        or header[0].lstrip().startswith("#")
    ):
        # without a leading pipe, `- | Title` starts a list, ` | Title` has a leading pipe
        # (the empty cell is lost) and `# | Paper` is a heading, as GFM reads them
        outer = "both" if outer == "none" else outer
    aligns = [pick(draw, ("---", ":---", "---:", ":-:", "------")) for _ in header]

    def line(cells: Sequence[str]) -> str:
        inner = " | ".join(cells)
        if outer == "both":
            return f"| {inner} |"
        if outer == "leading":
            return f"| {inner}"
        return inner

    return [line(header), line(aligns), *(line(row) for row in rows)]


def _br_wrapped(draw: st.DrawFn, title: str) -> str:
    """A long title broken over lines inside its cell (`A Long Title  <br>Goes On`), at a word
    that closes no phrase, or the title as it is."""
    words = title.split(" ")
    breaks = [
        index
        for index in range(2, len(words) - 1)
        if not words[index - 1].endswith((".", ":", ";", "!", "?", ")"))
        and not words[index].startswith(("(", "["))
        # a short run of capitalised words after the break reads as a name, unless the words
        # before it leave the title open (`for`, `of`, `and`)
        and (
            len(words) - index > 3
            or words[index - 1].casefold() in SMALL_WORDS
            or any(word[:1].islower() for word in words[index:])
        )
    ]
    if not breaks or flip(draw):
        return title
    at = pick(draw, breaks)
    return " ".join(words[:at]) + pick(draw, ("<br>", "  <br>", " <br> ")) + " ".join(words[at:])


def table_named(draw: st.DrawFn) -> Chunk:
    """A GFM table whose columns have the documented names, in any order, with extra columns."""
    records = unique_papers(draw, TABLE_MIN_ROWS, maximum=6)
    title_header = pick(draw, TITLE_HEADERS)
    roles = ["title"]
    for role in ("venue", "year", "link", "code", "abbr", "extra", "project"):
        if flip(draw):
            roles.append(role)
    order = shuffle(draw, roles)
    headers = {
        "title": title_header,
        "venue": pick(draw, VENUE_HEADERS),
        "year": pick(draw, YEAR_HEADERS),
        "link": pick(draw, (*LINK_HEADERS, "Paper") if title_header == "Title" else LINK_HEADERS),
        "code": pick(draw, CODE_HEADERS),
        "abbr": pick(draw, ABBR_HEADERS),
        "extra": pick(draw, EXTRA_HEADERS),
        "project": pick(draw, ("Project", "Homepage", "Project Page")),
    }
    rows, expected = [], []
    for index, paper in enumerate(records):
        cells: dict[str, str] = {}
        if paper.paper is not None and "link" not in roles:
            cells["title"] = linked_title(draw, paper)
        else:
            cells["title"] = pick(draw, (_br_wrapped(draw, paper.title), f"**{paper.title}**"))
        if paper.code and "code" not in roles:
            cells["title"] += " " + link_group(draw, paper.code, in_cell=True)
        venue_text: str | None = None
        if paper.venue is not None:
            venue_text = (
                paper.venue.text if ("year" not in roles or flip(draw)) else paper.venue.name
            )
            if "year" not in roles and paper.venue.year is None:
                venue_text = paper.venue.text
        cells["venue"] = venue_text or _empty(draw)
        year_written = num(draw, 0, 5) > 0
        cells["year"] = str(paper.year) if year_written else _empty(draw)
        cells["link"] = bare_or_labelled(draw, paper.paper) if paper.paper else _empty(draw)
        if paper.code:
            parts = [bare_or_labelled(draw, c) for c in paper.code]
            cells["code"] = pick(draw, (" ", "<br>", ", ")).join(parts)
        else:
            cells["code"] = _empty(draw)
        cells["abbr"] = paper.abbreviation or _empty(draw)
        cells["extra"] = pick(draw, SUMMARIES)
        others = [o for o in paper.other if "project" in roles]
        cells["project"] = " ".join(f"[{o.labels[0]}]({o.url})" for o in others) or _empty(draw)
        rows.append([cells[r] for r in order])
        if "year" in roles and year_written:
            year: int | Unchecked | None = paper.year
        elif "venue" in roles and paper.venue is not None and venue_text == paper.venue.text:
            year = paper.venue.year if paper.venue.year is not None else UNCHECKED
        else:
            year = UNCHECKED
        venue: str | Unchecked | None = UNCHECKED
        if "venue" in roles:
            venue = venue_text
        expected.append(expect(paper, 2 + index, venue=venue, year=year))
    lines = gfm_table(draw, [headers[r] for r in order], rows)
    if flip(draw):  # `**Diffusion-based Approaches**` right above the header: GFM still renders
        label = pick(draw, ("**Diffusion-based Approaches**", "*Graph Methods*", "Other work:"))
        lines = [label, *lines]
        expected = [replace(e, offset=e.offset + 1) for e in expected]
    return Chunk(tuple(lines), tuple(expected))


def table_any_header(draw: st.DrawFn) -> Chunk:
    """A table whose title column has a name the docs do not list; its cells are linked titles
    (or a bold title and authors under `Paper & Authors`); links may sit in any column."""
    records = unique_papers(draw, TABLE_MIN_ROWS, maximum=6)
    title_header = pick(draw, ODD_TITLE_HEADERS)
    if not re.search(r"(?i)\b(?:title|paper|name)", title_header):
        # the documented rule: under a header that names no title, a row without a paper
        # link shows nothing that makes it a paper (a method or tool by name)
        records = [paper for paper in records if paper.paper is not None]
        assume(len(records) >= TABLE_MIN_ROWS)
    roles = ["title"]
    for role in ("venue", "code", "extra"):
        if flip(draw):
            roles.append(role)
    order = shuffle(draw, roles)
    code_header = pick(draw, (*CODE_HEADERS, "Source", "Official", "Impl."))
    venue_header = pick(draw, (*VENUE_HEADERS, "Where", "Published In"))
    headers = {
        "title": title_header,
        "venue": venue_header,
        "code": code_header,
        "extra": pick(draw, ("Tags", "Task", "Remarks")),
    }
    rows, expected = [], []
    for index, paper in enumerate(records):
        links = list(paper.code) if "code" not in roles else []
        if paper.paper is not None and title_header != "Paper & Authors":
            title = linked_title(draw, paper)
        elif paper.paper is not None:
            title = pick(draw, (linked_title(draw, paper), f"**{paper.title}**"))
            if title.startswith("**") and not title.startswith("**["):
                links.insert(0, paper.paper)
        else:
            title = f"**{paper.title}**"
        if title_header == "Paper & Authors":
            title += pick(draw, ("<br>", " <br> ", ", ")) + authors_text(paper.authors, 0)
        if links:
            title += " " + link_group(draw, links, in_cell=True)
        cells = {
            "title": title,
            "venue": paper.venue.text if paper.venue else _empty(draw),
            "code": " ".join(labelled(draw, c) for c in paper.code) or _empty(draw),
            "extra": pick(draw, ("detection", "segmentation", "vqa", "-")),
        }
        rows.append([cells[r] for r in order])
        known_venue = "venue" in roles and venue_header in VENUE_HEADERS
        venue = (paper.venue.text if paper.venue else None) if known_venue else UNCHECKED
        year: int | Unchecked | None = UNCHECKED
        if known_venue and paper.venue is not None and paper.venue.year is not None:
            year = paper.venue.year
        expected.append(expect(paper, 2 + index, venue=venue, year=year))
    lines = gfm_table(draw, [headers[r] for r in order], rows)
    if flip(draw):  # `**Diffusion-based Approaches**` right above the header: GFM still renders
        label = pick(draw, ("**Diffusion-based Approaches**", "*Graph Methods*", "Other work:"))
        lines = [label, *lines]
        expected = [replace(e, offset=e.offset + 1) for e in expected]
    return Chunk(tuple(lines), tuple(expected))


def table_abbreviation_titles(draw: st.DrawFn) -> Chunk:
    """`| Method | Venue | Code |` whose title cells are linked names (`[DETR](arxiv)`): the
    name is the title."""
    records = unique_papers(draw, 2, 6, need_paper=True, need_abbreviation=True)
    header = pick(draw, ("Method", "Model", "Name", "Approach"))
    with_code = flip(draw)
    rows, expected = [], []
    for index, paper in enumerate(records):
        assert paper.paper is not None and paper.abbreviation is not None
        cells = [
            f"[{paper.abbreviation}]({paper.paper.url})",
            paper.venue.text if paper.venue else "-",
        ]
        if with_code:
            cells.append(" ".join(labelled(draw, c) for c in paper.code) or "-")
        rows.append(cells)
        exp = expect(
            paper,
            2 + index,
            title=paper.abbreviation,
            venue=paper.venue.text if paper.venue else None,
            year=paper.venue.year if paper.venue and paper.venue.year else UNCHECKED,
        )
        if not with_code:
            exp = replace(exp, code_urls=frozenset())
        expected.append(exp)
    header_cells = [header, "Venue", *(["Code"] if with_code else [])]
    return Chunk(tuple(gfm_table(draw, header_cells, rows)), tuple(expected))


def table_link_column(draw: st.DrawFn) -> Chunk:
    """`Title | Venue | Year | Resources`: every link in a column of its own."""
    records = unique_papers(draw, TABLE_MIN_ROWS, maximum=6)
    title_header = pick(draw, ("Title", "Paper", "Name", "Paper Title"))
    links_header = pick(draw, LINKS_COLUMN_HEADERS)
    with_year = flip(draw)
    header = [title_header, "Venue", *(["Year"] if with_year else []), links_header]
    rows, expected = [], []
    for index, paper in enumerate(records):
        links = ([paper.paper] if paper.paper else []) + list(paper.code) + list(paper.other)
        venue_text = paper.venue.text if paper.venue else None
        if with_year and paper.venue and flip(draw):
            venue_text = paper.venue.name
        cells = [
            pick(draw, (paper.title, f"**{paper.title}**")),
            venue_text or _empty(draw),
            *([str(paper.year)] if with_year else []),
            link_group(draw, links, in_cell=True) if links else _empty(draw),
        ]
        rows.append(cells)
        if with_year:
            year: int | Unchecked | None = paper.year
        elif paper.venue is not None and paper.venue.year is not None:
            year = paper.venue.year
        else:
            year = UNCHECKED
        expected.append(expect(paper, 2 + index, venue=venue_text, year=year))
    return Chunk(tuple(gfm_table(draw, header, rows)), tuple(expected))


def citation(draw: st.DrawFn, paper: Paper, *, link_title: bool) -> str:
    authors = authors_text(paper.authors, num(draw, 0, 2))
    title = f"[{paper.title}]({paper.paper.url})" if (link_title and paper.paper) else paper.title
    venue = paper.venue.text if paper.venue else ""
    end = "" if paper.title.endswith("?") else "."
    form = num(draw, 0, 3)
    if form == 0:
        text = f'{authors}. "{title}{"," if venue and end else ""}" {venue}'
    elif form == 1:
        text = f"{authors}. {title}{end} In *{venue}*" if venue else f"{authors}. {title}{end}"
    elif form == 2:
        text = f"**{title}**<br>{authors}" + (f"<br>*{venue}*" if venue else "")
    else:
        text = f'{paper.authors[0]} et al., "{title}", {venue}'
    return text.rstrip(", ") + ("." if venue and form in (0, 1) else "")


def table_citation_cells(draw: st.DrawFn) -> Chunk:
    """A table whose paper cells hold a whole citation: authors, the title, the venue."""
    records = unique_papers(draw, TABLE_MIN_ROWS, maximum=5)
    header_name = pick(draw, ("Paper", "Reference", "Citation", "Title", "Publication"))
    with_number = flip(draw)
    with_links = flip(draw)
    header = [*(["#"] if with_number else []), header_name, *(["Links"] if with_links else [])]
    rows, expected = [], []
    for index, paper in enumerate(records):
        link_title = paper.paper is not None and (not with_links or flip(draw))
        cell = citation(draw, paper, link_title=link_title)
        links: list[Link] = list(paper.code)
        if paper.paper is not None and not link_title:
            links.insert(0, paper.paper)
        if links and not with_links:
            cell += " " + link_group(draw, links, in_cell=True)
        row = [*([str(index + 1)] if with_number else []), cell]
        if with_links:
            row.append(link_group(draw, links, in_cell=True) if links else "-")
        rows.append(row)
        expected.append(expect(paper, 2 + index))
    return Chunk(tuple(gfm_table(draw, header, rows)), tuple(expected))


# --- HTML tables and <details> --------------------------------------------------------------


def _html_text(text: str, entities: bool) -> str:
    escaped = html.escape(text, quote=False)
    if entities:
        escaped = escaped.replace("é", "&eacute;").replace("ü", "&#252;").replace("ö", "&ouml;")
    return escaped


def html_table(draw: st.DrawFn) -> Chunk:
    """An HTML `<table>` of papers, with a category column spanning rows (`rowspan`), a header
    spanning columns (`colspan`), section rows, entities and `<br>` in cells."""
    records = unique_papers(draw, TABLE_MIN_ROWS, maximum=6)
    with_category = flip(draw)
    with_venue = flip(draw)
    with_links = flip(draw)
    with_code = flip(draw)
    merged_links_header = with_links and with_code and flip(draw)
    section_row = flip(draw)
    one_line_rows = flip(draw)
    thead = flip(draw)
    entities = flip(draw)
    ncols = 1 + with_category + with_venue + with_links + with_code
    header_cells = [
        *(["Category"] if with_category else []),
        "Title",
        *(["Venue"] if with_venue else []),
    ]
    if merged_links_header:
        header_cells.append('colspan="2">Links')
    else:
        header_cells += [*(["Paper"] if with_links else []), *(["Code"] if with_code else [])]
    lines = ["<table>"]
    if thead:
        lines.append("<thead>")
    ths = "".join(
        f"<th {h}</th>" if h.startswith("colspan") else f"<th>{h}</th>" for h in header_cells
    )
    lines.append(f"  <tr>{ths}</tr>")
    if thead:
        lines += ["</thead>", "<tbody>"]
    if section_row:
        lines.append(f'  <tr><td colspan="{ncols}"><b>{pick(draw, CATEGORIES)}</b></td></tr>')
    groups: list[int] = []
    left = len(records)
    while left:
        size = num(draw, 1, left)
        groups.append(size)
        left -= size
    expected = []
    index = 0
    for size in groups:
        category = pick(draw, CATEGORIES)
        for position in range(size):
            paper = records[index]
            index += 1
            tds = []
            if with_category and position == 0:
                span = f' rowspan="{size}"' if size > 1 else ""
                tds.append(f"<td{span}>{category}</td>")
            links: list[Link] = []
            title = _html_text(paper.title, entities)
            if paper.paper is not None and not with_links:
                title = f'<a href="{paper.paper.url}">{title}</a>'
            elif paper.paper is not None:
                links.append(paper.paper)
            title = pick(draw, (title, f"<b>{title}</b>", f"<strong>{title}</strong>"))
            if flip(draw):
                title += "<br>" + pick(draw, ("<i>{}</i>", "{}")).format(
                    _html_text(authors_text(paper.authors, 0), entities)
                )
            if not with_code:
                links += list(paper.code)
            for link in links if not with_links else []:
                label = pick(draw, link.labels) if link.role == "code" else "paper"
                title += f' [<a href="{link.url}">{label}</a>]'
            tds.append(f"<td>{title}</td>")
            if with_venue:
                tds.append(f"<td>{paper.venue.text if paper.venue else '-'}</td>")
            if with_links:
                if paper.paper is not None:
                    label = pick(draw, paper.paper.labels)
                    tds.append(f'<td><a href="{paper.paper.url}">{label}</a></td>')
                else:
                    tds.append("<td></td>")
                code_in_links = [c for c in paper.code if not with_code]
                if code_in_links:
                    tds[-1] = (
                        tds[-1][:-5]
                        + " "
                        + " ".join(
                            f'<a href="{c.url}">{pick(draw, c.labels)}</a>' for c in code_in_links
                        )
                        + "</td>"
                    )
            if with_code:
                codes = " ".join(
                    f'<a href="{c.url}">{pick(draw, c.labels)}</a>' for c in paper.code
                )
                tds.append(f"<td>{codes}</td>")
            first = len(lines)
            if one_line_rows:
                lines.append("  <tr>" + "".join(tds) + "</tr>")
            else:
                lines += ["  <tr>", *(f"    {td}" for td in tds), "  </tr>"]
            venue = (paper.venue.text if paper.venue else None) if with_venue else UNCHECKED
            year = (
                paper.venue.year if with_venue and paper.venue and paper.venue.year else UNCHECKED
            )
            expected.append(expect(paper, first, venue=venue, year=year))
    if thead:
        lines.append("</tbody>")
    lines.append("</table>")
    return Chunk(tuple(lines), tuple(expected))


def details(draw: st.DrawFn) -> Chunk:
    """Papers inside a `<details>` block (bullets or a table)."""
    inner = pick(draw, (bullets, table_named))(draw)
    summary = pick(draw, ("Click to expand", "Detection (12 papers)", "<b>More papers</b>"))
    opening = pick(draw, ("<details>", "<details open>"))
    head = [opening, f"<summary>{summary}</summary>", ""]
    lines = (*head, *inner.lines, "", "</details>")
    expected = tuple(replace(e, offset=e.offset + len(head)) for e in inner.expected)
    return Chunk(lines, expected)


# --- a toolbox section: tools are not papers, paper-looking items are -------------------------

TOOLS = (
    (
        "mmdetection",
        "https://github.com/open-mmlab/mmdetection",
        "OpenMMLab detection toolbox and benchmark",
    ),
    (
        "detectron2",
        "https://github.com/facebookresearch/detectron2",
        "FAIR's platform for detection and segmentation",
    ),
    (
        "timm",
        "https://github.com/huggingface/pytorch-image-models",
        "PyTorch image models, scripts, pretrained weights",
    ),
    (
        "OpenPCDet",
        "https://github.com/open-mmlab/OpenPCDet",
        "a toolbox for LiDAR-based 3D object detection",
    ),
    (
        "LAVIS",
        "https://github.com/salesforce/LAVIS",
        "a one-stop library for language-vision intelligence",
    ),
)


def toolbox(draw: st.DrawFn) -> Chunk:
    """A "Toolbox" section mixing tools (a repository and a description: not papers) and
    paper-looking items (a title and a paper link: papers)."""
    heading = pick(
        draw,
        # `###`, the deepest level a paper section uses: a paper section after it is never its
        # subsection (papers under `## Toolbox` are in the toolbox, as documented)
        (
            "### Toolbox",
            "### Toolboxes",
            "### Tools",
            "### Codebases",
            "### Libraries and Toolboxes",
        ),
    )
    records = unique_papers(draw, maximum=3, need_paper=True)
    tools = subset(draw, TOOLS)[:3]
    # a tool may cite its paper and is still the tool
    cites = [pick(draw, ("", f" ([paper](https://arxiv.org/abs/2109.0{n:04d}))")) for n in range(3)]
    items: list[tuple[str, Paper | None]] = [
        (f"[{n}]({u}) {pick(draw, ('-', ':', '—'))} {d}{cite}.", None)
        for (n, u, d), cite in zip(tools, cites, strict=False)
    ]
    for paper in records:
        assert paper.paper is not None
        title = linked_title(draw, paper)
        group = link_group(draw, paper.code) if paper.code else ""
        items.append((f"{title} {group}".rstrip(), paper))
    order = shuffle(draw, items)
    lines = [heading, ""]
    expected = []
    for text, maybe in order:
        if maybe is not None:
            expected.append(
                replace(expect(maybe, len(lines)), code_urls=frozenset(c.url for c in maybe.code))
            )
        lines.append(f"- {text}")
    return Chunk(tuple(lines), tuple(expected))


def heading_items(draw: st.DrawFn) -> Chunk:
    """Each paper a small heading of its own with its links on it, numbered, the title quoted in
    italics: `###### 4) *"Title"* [[paper](url)] [[github](url)]`."""
    level = pick(draw, ("####", "#####", "######"))
    numbering = pick(draw, ("{}) ", "{}. ", ""))
    lines: list[str] = []
    expected: list[Expected] = []
    for number, record in enumerate(unique_papers(draw, need_paper=True), start=1):
        # four words at least: a shorter heading names a section (docs/list-format.md)
        paper = replace(record, title=bare_title(draw, record.title))
        assert paper.paper is not None
        title = pick(draw, ('*"{}"*', '"{}"', "*{}*")).format(paper.title)
        links = [paper.paper, *paper.code]
        expected.append(expect(paper, len(lines)))
        lines.append(f"{level} {numbering.format(number)}{title} {link_group(draw, links)}")
    return Chunk(tuple(lines), tuple(expected))


def quoted(draw: st.DrawFn) -> Chunk:
    """Another shape's lines inside a block quote (`> `, `>`, `> > `): read as if unquoted."""
    inner = PAPER_SHAPES[pick(draw, _QUOTABLE)](draw)
    marker = pick(draw, ("> ", "> ", ">", "> > "))
    lines = tuple((marker + line).rstrip() if line else marker.rstrip() for line in inner.lines)
    return Chunk(lines, inner.expected)


def year_headed_titles(draw: st.DrawFn) -> Chunk:
    """A list sorted by year: `#### 2024` (or `#### CVPR 2023`) over bullets that are titles
    alone, no link, venue or year on them; the heading dates them."""
    lines: list[str] = []
    expected: list[Expected] = []
    for _ in range(num(draw, 1, 2)):
        year = num(draw, 2010, 2025)
        venue = pick(draw, ("", "CVPR ", "NeurIPS ", "Interspeech "))
        if lines:
            lines.append("")
        lines += [f"#### {venue}{year}", ""]
        for record in unique_papers(draw, maximum=4):
            paper = replace(record, title=bare_title(draw, record.title))
            expected.append(
                replace(
                    expect(paper, len(lines), with_paper=False, year=year),
                    code_urls=frozenset(),
                )
            )
            lines.append(f"{pick(draw, ('-', '*'))} {paper.title}")
    return Chunk(tuple(lines), tuple(expected))


def task_citations(draw: st.DrawFn) -> Chunk:
    """A reading list kept as a task list: `  * [X] Surname, Given. "Title." Journal (2012)`,
    checked when read; the mark says nothing of what the item is."""
    lines: list[str] = []
    expected: list[Expected] = []
    indent = pick(draw, ("", "  "))
    drawn = unique_papers(draw, maximum=5, need_venue=True)
    records = [p for p in drawn if not re.search(r"[\u4e00-\u9fff]", p.title)]  # no CJK
    assume(records)
    for paper in records:
        assert paper.venue is not None
        mark = pick(draw, ("[X]", "[x]", "[ ]"))
        text = reference_text(draw, paper, paper.venue.name)
        expected.append(
            Expected(paper.title, None, frozenset(), UNCHECKED, paper.year, offset=len(lines))
        )
        lines.append(f"{indent}{pick(draw, ('*', '-'))} {mark} {text}")
    return Chunk(tuple(lines), tuple(expected))


def pdfs_beside(draw: st.DrawFn) -> Chunk:
    """Papers kept as PDFs in the list's own repository, linked by relative paths
    (`[Title](paper/%5BACL%202020%5D%20Name.pdf)`), in bullets or headings, quoted or not."""
    lines: list[str] = []
    expected: list[Expected] = []
    heading = flip(draw)
    quote = pick(draw, ("", "> "))
    for record in unique_papers(draw, maximum=4, need_venue=True):
        assert record.venue is not None
        paper = replace(record, title=bare_title(draw, record.title))
        name = identifier(draw, num(draw, 3, 8))
        folder = pick(draw, ("paper/", "papers/", "./pdf/", ""))
        path = folder + pick(draw, (f"%5B{record.venue.text.replace(' ', '%20')}%5D%20", "")) + name
        url = f"{path}.pdf"
        tag = record.venue.text
        item = f"{tag}: [{paper.title}]({url})"
        expected.append(
            Expected(paper.title, url, frozenset(), UNCHECKED, UNCHECKED, offset=len(lines))
        )
        lines.append(f"{quote}{'#### ' if heading else '- '}{item}")
        if heading:
            lines.append(quote.rstrip())
    return Chunk(tuple(lines), tuple(expected))


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def headerless_rows(draw: st.DrawFn) -> Chunk:
    """A reading group's schedule on a GitHub Pages site (kramdown): pipe rows with no header
    and no delimiter row, `| Aug 18 | Surname 2005 ["Title"](url) |`. A row that cites a paper
    shows it by a year or by a linked title in quotes after its author; empty slots, breaks
    and talks by people (`| Sep 22 | Cluster talk: [Ann Lee](homepage) |`) are no papers."""
    lines: list[str] = []
    expected: list[Expected] = []
    records = [p for p in unique_papers(draw, 2, 6, need_paper=True) if '"' not in p.title]
    assume(len(records) >= 2)  # a run of one row is a paragraph
    for paper in records:
        assert paper.paper is not None
        day = f"{pick(draw, _MONTHS)} {num(draw, 1, 28)}"
        surname = _split_name(paper.authors[0])[1]
        url: str | None = paper.paper.url
        form = num(draw, 0, 3)
        if form == 0:  # an author-date citation, its title quoted and linked
            when = pick(draw, (str(paper.year), "to appear", "ms", f"et al {paper.year}"))
            opening, closing = pick(draw, (('"', '"'), ("\u201c", "\u201d")))
            cell = f"{surname} {when} [{opening}{paper.title}{closing}]({url})"
        elif form == 1:  # the year in the date cell, the title linked
            day = f"**{day}, {paper.year}**"
            cell = f"[{paper.title}]({url})"
        elif form == 2:
            cell = f"[{paper.title}]({url}) ({paper.year})"
        else:  # an author-date citation without a link: the quoted title and the year
            cell, url = f'{surname} {paper.year} "{paper.title}"', None
        expected.append(
            Expected(paper.title, url, frozenset(), UNCHECKED, UNCHECKED, offset=len(lines))
        )
        lines.append(f"| {day} | {cell} |")
        if flip(draw):  # no paper this week
            empty = pick(draw, ("", "*No meeting*", "*No meeting (recess week)*"))
            lines.append(f"| {pick(draw, _MONTHS)} {num(draw, 1, 28)} | {empty} |")
        if flip(draw):  # a talk by a person, linked to their homepage
            name = pick(draw, ("Ann Lee", "Kate Davidson", "Bo Sun"))
            home = f"https://people.example.edu/~{name.split()[0].lower()}"
            lines.append(
                f"| {pick(draw, _MONTHS)} {num(draw, 1, 28)} | Cluster talk: [{name}]({home}) |"
            )
    return Chunk(tuple(lines), tuple(expected))


def html_list_items(draw: st.DrawFn) -> Chunk:
    """A documentation page's publications as HTML lists (`<ol>` or `<ul>`, one for all or one
    per paper): `<li value="7">` over `<strong>Title.</strong> Surname et al., <em>Venue</em>
    (2026). <a href="url">label</a>` over `</li>`, or a whole item on one line; titles with
    `&amp;` and the like."""
    tag = pick(draw, ("ol", "ul"))
    one_each = flip(draw)
    lines: list[str] = [] if one_each else [f"<{tag}>"]
    expected: list[Expected] = []
    records = unique_papers(draw, 1, 5, need_paper=True)
    for number, paper in enumerate(records):
        assert paper.paper is not None
        if one_each:
            lines += ["", f"<{tag}>"] if lines else [f"<{tag}>"]
        title = html.escape(paper.title, quote=False)
        stop = "" if paper.title.endswith(("?", "!", ".")) else pick(draw, ("", "."))
        surname = _split_name(paper.authors[0])[1]
        who = pick(draw, (f"{surname} et al.", surname, f"{surname} &amp; Sun"))
        where = paper.venue.name if paper.venue else "bioRxiv"
        url = paper.paper.url
        label = pick(draw, ("PDF", "paper", url.split("//", 1)[1]))
        form = num(draw, 0, 2)
        if form == 0:
            head, link = f"<strong>{title}{stop}</strong>", f'<a href="{url}">{label}</a>'
        elif form == 1:
            head, link = f'<a href="{url}">{title}</a>', ""
        else:
            head, link = f"<b>{title}{stop}</b>", f"<a href='{url}'>{label}</a>"
        body = f"{head} {who}, <em>{where}</em> ({paper.year}). {link}".rstrip()
        expected_item = Expected(
            paper.title, url, frozenset(), UNCHECKED, paper.year, offset=len(lines)
        )
        if flip(draw):  # the item over three lines
            value = pick(draw, (f' value = "{len(records) - number}"', "", ' class="pub"'))
            lines.append(f"    <li{value}>")
            expected_item = replace(expected_item, offset=len(lines))
            lines += [f"    {body}", "    </li>"]
        else:
            lines.append(f"  <li>{body}</li>")
        expected.append(expected_item)
        if one_each:
            lines.append(f"</{tag}>")
    if not one_each:
        lines.append(f"</{tag}>")
    return Chunk(tuple(lines), tuple(expected))


def heading_details(draw: st.DrawFn) -> Chunk:
    """One heading per paper (`### • *Title*`), then a tight list of its details: labelled links
    (`- Paper: <url>`, `- Code: <url>`, `- Code: None`), its year (`- 2025`, `- Year: 2025`),
    its venue (`- ICLR2026`) and tags (`- ECG, PPG`), in any order."""
    lines: list[str] = []
    expected: list[Expected] = []
    level = pick(draw, ("###", "####"))
    for paper in unique_papers(draw, maximum=4, need_paper=True):
        assert paper.paper is not None
        if lines:
            lines.append(pick(draw, ("", "  ")))
        first = len(lines)
        title = (
            paper.title if len(paper.title.split()) >= 4 else f"{paper.title}: A Study of Widgets"
        )
        mark = pick(draw, ("", "\u2022 ", "\u25e6 "))
        emphasis = pick(draw, ("", "*", "**"))
        lines.append(f"{level} {mark}{emphasis}{title}{emphasis}")
        details = [f"Paper: {paper.paper.url}"]
        details += [f"{pick(draw, ('Code', 'Repo', 'GitHub'))}: {c.url}" for c in paper.code]
        if not paper.code and flip(draw):
            details.append("Code: None (waiting...)")
        if flip(draw):
            details.append(pick(draw, (str(paper.year), f"Year: {paper.year}")))
        if flip(draw):
            details.append(pick(draw, ("ECG, PPG", "EEG", "text pair")))
        lines += [f"- {detail}" for detail in shuffle(draw, details)]
        expected.append(
            Expected(
                title,
                paper.paper.url,
                frozenset(c.url for c in paper.code),
                UNCHECKED,
                UNCHECKED,
                offset=first,
            )
        )
    return Chunk(tuple(lines), tuple(expected))


def labelled_titles(draw: st.DrawFn) -> Chunk:
    """Titles behind labels that are not part of them: a venue and year in parentheses
    (`(*ICLR'26*) Title [[📝 Paper](url)]`) or fused before a colon (`ACL2017: **Title**`),
    a bullet or a table's title cell opening with marks and a bracketed name (`🔥🔥[YOCO] Title`),
    the makers after it (`Title(@Lab)`)."""
    records = [
        p
        for p in unique_papers(draw, 2, 5, need_paper=True, need_venue=True)
        if word_count_of(p.title) >= 3
    ]
    assume(len(records) >= 2)
    in_table = flip(draw)
    lines: list[str] = ["| Date | Title | Paper |", "|---|---|---|"] if in_table else []
    expected: list[Expected] = []
    for paper in records:
        assert paper.paper is not None and paper.venue is not None
        short = f"{paper.venue.name.replace(' ', '')}{paper.year}"
        fire = pick(draw, ("", "\U0001f525", "\U0001f525\U0001f525"))
        name = identifier(draw, 4).upper()
        year = f"{paper.year % 100:02d}"
        label = pick(
            draw,
            (
                f"(*{paper.venue.name}'{year}*) ",
                f"({paper.venue.name}'{year}) ",
                f"{fire}[{name}] ",
                *(() if in_table or " " in paper.venue.name else (f"{short}: ",)),
            ),
        )
        maker = pick(draw, ("", "(@Microsoft)", " (@Lab X)"))
        title = paper.title
        if label.endswith(": "):
            title = f"**{title}**"
        paper_link = f"[[\U0001f4dd Paper]({paper.paper.url})]"
        if in_table:
            lines.append(f"| {paper.year}.05 | {label}{title}{maker} | {paper_link} |")
        else:
            lines.append(f"- {label}{title}{maker} {paper_link}")
        expected.append(
            Expected(
                paper.title, paper.paper.url, frozenset(), UNCHECKED, UNCHECKED, len(lines) - 1
            )
        )
    return Chunk(tuple(lines), tuple(expected))


def word_count_of(text: str) -> int:
    return len(text.split())


def semicolon_citations(draw: st.DrawFn) -> Chunk:
    """A lab's publication page: `- Surname, Given; Surname, Given; *Title*. Journal. 2024.
    [Link](url)`, the names separated by semicolons, the title in italics, the link optional."""
    lines: list[str] = []
    expected: list[Expected] = []
    records = [p for p in unique_papers(draw, maximum=5) if not re.search(r"[*_]", p.title)]
    assume(records)
    for paper in records:
        names = [_split_name(author) for author in paper.authors]
        people = "; ".join(f"{surname}, {given}" for given, surname in names)
        journal = pick(draw, ("Analytical Chemistry", "Cell Systems", "Nature Methods"))
        link = ""
        url = paper.paper.url if paper.paper is not None else None
        if url is not None:
            link = f" [Link]({url})"
        lines.append(
            f"- {people}; {pick(draw, ('', ' '))}*{paper.title}*. {journal}. {paper.year}.{link}"
        )
        expected.append(
            Expected(paper.title, url, frozenset(), UNCHECKED, paper.year, offset=len(lines) - 1)
        )
    return Chunk(tuple(lines), tuple(expected))


def named_then_title(draw: st.DrawFn) -> Chunk:
    """A resource list's paper items: a short name linked to the paper, then the paper's title
    after a dash (`* [Topaz](arxiv-url) - Positive-unlabeled networks for particle picking`),
    or a name then the title in bold (`* [2008 (KDD)] SVD++: **Title**. [[PDF](url)]`)."""
    lines: list[str] = []
    expected: list[Expected] = []
    records = [
        p
        for p in unique_papers(draw, maximum=4, need_paper=True)
        if len(p.title.split()) >= 5 and p.title[0].isupper() and "[" not in p.title
    ]
    assume(records)
    for paper in records:
        assert paper.paper is not None
        url = paper.paper.url
        if not re.match(r"https://(arxiv\.org|doi\.org|ieeexplore|openreview)", url):
            continue  # the name must be linked to what surely is the paper
        name = identifier(draw, num(draw, 4, 9)).capitalize()
        more = pick(draw, ("", f", [Journal Version](https://doi.org/10.1/{name.lower()})"))
        dash = pick(draw, ("-", "\u2013"))
        if flip(draw):
            lines.append(f"    * [{name}]({url}) {dash} {paper.title}{more}")
        else:  # `* [2008 (KDD)] SVD++: **Title**. [[PDF](url)]`: the title in bold after it
            name += pick(draw, ("", "++", "-Net"))
            lines.append(f"    * [{paper.year} (CVPR)] {name}: **{paper.title}**. [[PDF]({url})]")
        at = len(lines) - 1
        expected.append(Expected(paper.title, url, frozenset(), UNCHECKED, UNCHECKED, at))
    assume(lines)
    return Chunk(tuple(lines), tuple(expected))


def html_citation_rows(draw: st.DrawFn) -> Chunk:
    """Publications as an HTML table of one citation per row: APA with the title linked
    (`Surname, G., & Sun, H. (2022). <a href="url">Title</a>. <i>Journal</i>.`), or a
    bibtex2html table (`[<a name="key">1</a>]` beside `G.&nbsp;Surname, and H.&nbsp;Sun,
    &ldquo;Title,&rdquo; in <em>Venue</em>, 2018.` over `[&nbsp;<a href="url">pdf</a>&nbsp;]`)."""
    records = [
        p
        for p in unique_papers(draw, 1, 4, need_paper=True)
        if not re.search(r"[\"\u201c\u201d]", p.title)
    ]
    assume(records)
    bibtex = flip(draw)
    lines = ["<table>"]
    expected: list[Expected] = []
    for number, paper in enumerate(records, start=1):
        assert paper.paper is not None
        title = html.escape(paper.title, quote=False)
        names = [_split_name(author) for author in paper.authors]
        (given, surname), *others = names
        venue = paper.venue.name if paper.venue else "arXiv preprint"
        url = paper.paper.url
        if bibtex:
            people = f"{given[0]}.&nbsp;{surname}" + "".join(
                f", and {g[0]}.&nbsp;{s}" for g, s in others[:1]
            )
            lines += [
                '<tr valign="top">',
                f'<td align="right" class="bibtexnumber">[<a name="{surname.lower()}{number}">'
                f"{number}</a>]</td>",
                '<td class="bibtexitem">',
            ]
            at = len(lines)
            lines += [
                f"{people}, &ldquo;{title},&rdquo; in <em>{venue}</em>, {paper.year}.",
                f'[&nbsp;<a href="{url}">pdf</a>&nbsp;]',
                "</td>",
                "</tr>",
            ]
        else:
            people = f"{surname}, {given[0]}." + "".join(f", & {s}, {g[0]}." for g, s in others[:1])
            at = len(lines)
            lines.append(
                f'  <tr><td>{people} ({paper.year}). <a href="{url}">{title}</a>. <i>{venue}</i>.'
                "</td></tr>"
            )
        expected.append(Expected(paper.title, url, frozenset(), UNCHECKED, UNCHECKED, at))
    lines.append("</table>")
    return Chunk(tuple(lines), tuple(expected))


def et_al_citations(draw: st.DrawFn) -> Chunk:
    """Numbered citation paragraphs without list markers: `[3] Surname et al, Title, CVPR
    2016, [PDF](url), [Code](url)`, a blank line between them, the numbers restarting."""
    lines: list[str] = []
    expected: list[Expected] = []
    records = [
        p
        for p in unique_papers(draw, 1, 4, need_paper=True, need_venue=True)
        if "," not in p.title and len(p.title.split()) >= 3
    ]
    assume(records)
    for number, paper in enumerate(records, start=1):
        assert paper.paper is not None and paper.venue is not None
        surname = _split_name(paper.authors[0])[1]
        code = "".join(f", [Code]({c.url})" for c in paper.code)
        if lines:
            lines.append("")
        where = f"{paper.venue.text}, [PDF]({paper.paper.url})"
        lines.append(f"[{number}] {surname} et al, {paper.title}, {where}{code}")
        expected.append(
            Expected(
                paper.title,
                paper.paper.url,
                frozenset(c.url for c in paper.code),
                UNCHECKED,
                UNCHECKED,
                offset=len(lines) - 1,
            )
        )
    return Chunk(tuple(lines), tuple(expected))


_BLOCK_WORDS = tuple(
    word for word in CONTENT_WORDS if word.isalpha() and word.islower() and len(word) >= 4
)
_METHODS = ("ORB-SLAM", "ElasticFusion", "Mono-SLAM", "Others", "KinectFusion", "Widget-Net")


def _block_title(draw: st.DrawFn, *, cased: bool) -> str:
    """A title of five to nine words: in Title Case (or a name and a colon before it) when
    `cased`, else in sentence case."""
    words = [pick(draw, _BLOCK_WORDS) for _ in range(num(draw, 5, 9))]
    for index in range(1, len(words) - 1):
        if num(draw, 0, 3) == 0:
            words[index] = pick(draw, SMALL_WORDS)
    if cased:
        words = [w if (i and w in SMALL_WORDS) else w.capitalize() for i, w in enumerate(words)]
        if flip(draw):
            return f"{pick(draw, NAMES)}: {' '.join(words)}"
    else:
        words[0] = words[0].capitalize()
    return " ".join(words)


def title_blocks(draw: st.DrawFn) -> Chunk:
    """A method's heading (`## ORB-SLAM`) over a flat list of its papers' bare titles, no
    link, venue or year on them: most in Title Case or opening with a name and a colon, some
    in sentence case."""
    lines: list[str] = []
    expected: list[Expected] = []
    for _ in range(num(draw, 1, 2)):
        if lines:
            lines.append("")
        lines += [f"## {pick(draw, _METHODS)}", ""]
        count = num(draw, 2, 5)
        cased = [index <= count // 2 or flip(draw) for index in range(count)]
        drawn = [_block_title(draw, cased=flag) for flag in shuffle(draw, cased)]
        seen = {e.title.casefold() for e in expected}
        marker = pick(draw, ("-", "*", "+"))
        for title in drawn:
            assume(title.casefold() not in seen)
            seen.add(title.casefold())
            expected.append(Expected(title, None, frozenset(), None, None, offset=len(lines)))
            lines.append(f"{marker} {title}")
    return Chunk(tuple(lines), tuple(expected))


_SURNAME_FORMS = (
    "{s}",
    "{s}",
    "{s}-{t}",  # `Dahdouh-Guebas`
    "{s}\u2010{t}",  # `Cant\u00fa\u2010Salazar`, with the Unicode hyphen
    "{s} {t}",  # `Unnithan Kumar`
    "van {s}",
    "d\u2019{s}",
)


def _vancouver_name(draw: st.DrawFn) -> str:
    """`Watson JEM`, `Pinto L-FG`, `Sather M K`, `Unnithan Kumar S`, `d\u2019Albertas F`: a
    surname, then one to four initials without periods."""
    surname = pick(draw, _SURNAME_FORMS).format(s=pick(draw, LAST_NAMES), t=pick(draw, LAST_NAMES))
    letters = "".join(pick(draw, FIRST_NAMES)[0] for _ in range(num(draw, 1, 4)))
    form = num(draw, 0, 5)
    if form == 0 and 2 <= len(letters) <= 3:  # `L-FG`, `J-P`
        letters = f"{letters[0]}-{letters[1:]}"
    elif form == 1 and len(letters) == 2:
        letters = f"{letters[0]} {letters[1]}"
    return f"{surname} {letters}"


def author_year_volumes(draw: st.DrawFn) -> Chunk:
    """An ecology journal's publication record: `Surname AB, Surname C, and Surname D (2025)
    Title. *Journal*, **62**: 1024\u20131036.`, as Markdown bullets or as HTML `<li>` items
    wrapped over lines (`<em>`, `<strong>`), the volume in bold (or `In press`), no links."""
    html_items = flip(draw)
    lines: list[str] = ["<ul>"] if html_items else []
    expected: list[Expected] = []
    records = [
        p
        for p in unique_papers(draw, 1, 5, need_venue=True)
        if not re.search(r"[\u4e00-\u9fff]", p.title) and len(p.title.split()) >= 3
    ]
    assume(records)
    for paper in records:
        assert paper.venue is not None
        names = [_vancouver_name(draw) for _ in range(num(draw, 1, 6))]
        people = names[0] if len(names) == 1 else ", ".join(names[:-1]) + ", and " + names[-1]
        stop = "" if paper.title.endswith(("?", "!")) else "."
        dated = pick(draw, (f"({paper.year})", f"({paper.year})."))
        volume = pick(draw, (str(num(draw, 1, 400)), "In press"))
        pages = pick(
            draw, (f"{num(draw, 1, 900)}\u2013{num(draw, 901, 999)}", f"e{num(draw, 10000, 99999)}")
        )
        journal = paper.venue.name
        if html_items:
            body = (
                f"{people} {dated} {html.escape(paper.title, quote=False)}{stop} "
                f"<em>{journal}</em>, <strong>{volume}</strong>: {pages}.</li>"
            )
            wrapped = _wrapped(draw, f"<li>{body}")
            expected.append(
                Expected(paper.title, None, frozenset(), UNCHECKED, paper.year, offset=len(lines))
            )
            lines += wrapped
        else:
            body = f"{people} {dated} {paper.title}{stop} *{journal}*, **{volume}**: {pages}."
            expected.append(
                Expected(paper.title, None, frozenset(), UNCHECKED, paper.year, offset=len(lines))
            )
            lines.append(f"- {body}")
    if html_items:
        lines.append("</ul>")
    return Chunk(tuple(lines), tuple(expected))


_QUOTABLE = ("bullets", "numbered", "heading_items", "references", "table_named")

PaperShape = Callable[[st.DrawFn], Chunk]

PAPER_SHAPES: dict[str, PaperShape] = {
    "dated_reading_list": dated_reading_list,
    "heading_fields": heading_fields,
    "title_blocks": title_blocks,
    "author_year_volumes": author_year_volumes,
    "bullets": bullets,
    "numbered": numbered,
    "nested": nested,
    "multiline": multiline,
    "hard_breaks": hard_breaks,
    "cited_paragraphs": cited_paragraphs,
    "title_over_links": title_over_links,
    "heading_papers": heading_papers,
    "year_venue_bullets": year_venue_bullets,
    "references": references,
    "titles_with_details": titles_with_details,
    "bold_wrapped_titles": bold_wrapped_titles,
    "table_foreign_headers": table_foreign_headers,
    "named_linked_titles": named_linked_titles,
    "named_full_titles": named_full_titles,
    "placeholder_links": placeholder_links,
    "title_only": title_only,
    "table_named": table_named,
    "table_any_header": table_any_header,
    "table_abbreviation_titles": table_abbreviation_titles,
    "table_link_column": table_link_column,
    "table_citation_cells": table_citation_cells,
    "html_table": html_table,
    "details": details,
    "heading_items": heading_items,
    "author_date_references": author_date_references,
    "cite_key_labels": cite_key_labels,
    "cited_link_titles": cited_link_titles,
    "links_over_lines": links_over_lines,
    "quoted": quoted,
    "year_headed_titles": year_headed_titles,
    "task_citations": task_citations,
    "pdfs_beside": pdfs_beside,
    "headerless_rows": headerless_rows,
    "html_list_items": html_list_items,
    "heading_details": heading_details,
    "labelled_titles": labelled_titles,
    "semicolon_citations": semicolon_citations,
    "named_then_title": named_then_title,
    "html_citation_rows": html_citation_rows,
    "et_al_citations": et_al_citations,
    "wrapped_citation_items": wrapped_citation_items,
    "names_and_quoted_titles": names_and_quoted_titles,
}
