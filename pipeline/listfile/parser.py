"""A pure parser for Markdown paper lists: `parse_list(text) -> ListDocument`.

The document keeps every source line in a block, so `render(parse_list(text)) == text` holds for
any input. Paper tables are GFM tables whose columns are found by header name; bullet entries are
list items that start with a link. Rows that cannot be read become diagnostics, never silent gaps.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import replace
from urllib.parse import urlsplit

from pipeline.listfile.authors import looks_like_authors
from pipeline.listfile.bounds import MAX_INLINE_CHARS, inline_problem
from pipeline.listfile.cells import is_delimiter_row, split_row
from pipeline.listfile.citations import only_names, read_citation, reference_text
from pipeline.listfile.items import (
    ENRICHMENT,
    LEADING_DECORATION,
    ItemReading,
    dated_venue,
    link_close,
    read_item,
    title_link_after_authors,
    venue_label,
)
from pipeline.listfile.links import (
    is_link_word,
    link_kind,
    link_word_kind,
    names_a_paper,
    on_code_host,
)
from pipeline.listfile.markdown import (
    Link,
    find_links,
    find_urls,
    heading_slug,
    is_http_url,
    plain_text,
    text_links,
    word_count,
)
from pipeline.listfile.model import (
    Block,
    BulletEntry,
    Cell,
    Entry,
    Heading,
    HtmlTable,
    Line,
    ListDocument,
    Severity,
    Skipped,
    SkipReason,
    Table,
    TableRow,
    TextBlock,
)
from pipeline.listfile.nonpapers import (
    is_non_paper_heading,
    non_paper_item,
    non_paper_row,
    paper_among_resources,
)
from pipeline.listfile.render import indentation
from pipeline.listfile.sections import (
    HOME_PAGE_REASON,
    RESOURCE_REASON,
    SHORT_NAME_WORDS,
    home_page_entries,
    resource_entries,
    without_entries,
)
from pipeline.listfile.state import (
    ATX_HEADING,
    BLOCK_START,
    FENCE_OPEN,
    LINE_BREAK,
    LIST_ITEM,
    SETEXT_UNDERLINE,
    ParseState,
)
from pipeline.listfile.tables import (
    headerless_table_end,
    html_row,
    html_table,
    parse_headerless_table,
    parse_table,
    table_start,
)
from pipeline.listfile.venues import find_venue
from pipeline.listfile.years import year_from_text


def split_lines(text: str) -> list[Line]:
    """Split text into lines, keeping each line's ending (LF, CRLF or CR)."""
    lines: list[Line] = []
    cursor = 0
    for number, match in enumerate(LINE_BREAK.finditer(text), start=1):
        lines.append(Line(number, text[cursor : match.start()], match.group(0)))
        cursor = match.end()
    if cursor < len(text):
        lines.append(Line(len(lines) + 1, text[cursor:], ""))
    return lines


# A block quote's markers (`> `, `> > `): what follows them is Markdown like any other line's
_QUOTE_MARKERS = re.compile(r"^(?: {0,3}>[ ]?)+")


def _unquoted(lines: list[Line]) -> tuple[list[Line], dict[int, str]]:
    """The lines as the reader reads them, block-quote markers taken off (`> ###### 1) *"Title"*
    [[paper](url)]` is a heading inside a quote), and each quoted line's markers by number."""
    markers: dict[int, str] = {}
    read: list[Line] = []
    for line in lines:
        quoted = _QUOTE_MARKERS.match(line.text)
        if quoted is None:
            read.append(line)
            continue
        markers[line.number] = quoted.group(0)
        read.append(replace(line, text=line.text[quoted.end() :]))
    return read, markers


def _requoted(block: Block, source: dict[int, Line], markers: dict[int, str]) -> Block:
    """The block with its lines as written: the quote markers the reader took off put back."""
    if isinstance(block, TextBlock):
        return TextBlock(tuple(source[line.number] for line in block.lines))
    if isinstance(block, BulletEntry | Heading):
        return replace(block, line=source[block.line.number])
    if isinstance(block, Table):

        def row(cells: TableRow) -> TableRow:
            number = cells.line.number
            leading = markers.get(number, "") + cells.leading
            return replace(cells, line=source[number], leading=leading)

        rows = tuple(row(cells) for cells in block.rows)
        return replace(block, header=row(block.header), delimiter=row(block.delimiter), rows=rows)
    slots = tuple(
        replace(slot, column=slot.column + len(markers.get(slot.line, ""))) for slot in block.slots
    )
    return HtmlTable(tuple(source[line.number] for line in block.lines), slots)


def _item_lines(lines: list[Line], index: int) -> int:
    """The end (exclusive) of the list item starting at `lines[index]`: its continuation lines
    (indented, or lazy paragraph text) and nested sub-items that are not papers on their own
    (`- [[Paper]](url)`, an author line). A nested paper, a heading, a fence, a comment or a
    line back at the item's indentation ends it."""
    item = LIST_ITEM.match(lines[index].text)
    assert item is not None  # noqa: S101 - checked by the caller
    indent = indentation(item.group(1))
    details_end = _details_below(lines, index, indent)
    if details_end is not None:
        return details_end
    label: str | None = None  # `- NIPS'19`: the papers below it, read with its venue
    labelled = False
    described: bool | None = None  # whether the item is a linked paper: read when needed
    end = index + 1
    blank = False
    opened = False  # a sub-list was opened: numbers after it are its items
    while end < len(lines):
        text = lines[end].text
        if not text.strip():
            blank = True
            end += 1
            continue
        if FENCE_OPEN.match(text) or text.lstrip().startswith(("<!--", "#", "|")):
            break
        nested = LIST_ITEM.match(text)
        first_of_sublist = nested is not None and indentation(text) > indent and not opened
        if first_of_sublist and not blank and _sub_item(text) is None:
            # `    2005. <url>` right under the item's text: a list numbered other than from 1
            # cannot interrupt a paragraph (CommonMark), so the line goes on with the text
            nested = None
        opened = opened or (nested is not None and indentation(text) > indent)
        # A sub-item sits at least two columns in (` - Title` under `- Title` is a sibling,
        # as GitHub renders it); other continuation lines need only be indented.
        deeper = indentation(text) >= indent + (2 if nested else 1)
        if nested and deeper and not labelled:
            labelled = True
            if inline_problem([item.group(3)], cells=False) is None:
                label = venue_label(item.group(3))
        # Link-less sub-items of a linked paper describe it (`  - Extends AFA (CVPR 2022)`).
        description = False
        if nested and deeper and not _has_links(nested.group(3)):
            if described is None:
                described = _a_linked_paper(item.group(3))
            description = described
        if nested and not description and (not deeper or _paper_of_its_own(nested.group(3), label)):
            break  # a sibling, or a paper of its own
        if not deeper and (blank or BLOCK_START.match(text)):
            break
        if blank and not deeper:
            break
        blank = False
        end += 1
    while end > index + 1 and not lines[end - 1].text.strip():
        end -= 1  # trailing blank lines are the document's, not the item's
    return end


_TITLE_WORDS_AT_LEAST = 4


def _a_detail(text: str) -> str | None:
    """What a sub-item says of the paper above it, when that is all it says: its `link`
    (links or addresses alone), its `authors`, or its `venue` and year (`Security & Privacy
    (S&P) 2019`, `Cryptographic Engineering (2009)`); None for anything else."""
    if _links_only(text):
        return "link"
    if inline_problem([text], cells=False) is not None or _has_links(text):
        return None
    plain = plain_text(text).strip(" .")
    if looks_like_authors(plain) or only_names(plain):
        return "authors"
    year = re.search(r"\(?\b(?:19|20)\d\d\)?$", plain)
    if year is not None and word_count(plain[: year.start()]) <= _DETAIL_VENUE_WORDS:
        return "venue"
    return None


_DETAIL_VENUE_WORDS = 8


def _details_below(lines: list[Line], index: int, indent: int) -> int | None:
    """The end of an item that is a title alone (no link, four words or more) whose sub-items
    are its details, one per item: venue and year, authors, and its links (`- Title` over
    `  - USENIX Security 2014`, `  - A. Author, B. Author`, `  - https://...`). None when the
    sub-items hold anything else (papers of their own) or no link."""
    below = LIST_ITEM.match(lines[index + 1].text) if index + 1 < len(lines) else None
    if below is None or indentation(below.group(1)) < indent + 2:
        return None  # no sub-item right below: most items, decided before reading the title
    content = LIST_ITEM.match(lines[index].text)
    if content is None or not _reads_as_a_title(content.group(3)):
        return None
    if word_count(plain_text(content.group(3))) < _TITLE_WORDS_AT_LEAST:
        return None
    end, kinds = index + 1, []
    while end < len(lines) and lines[end].text.strip():
        nested = LIST_ITEM.match(lines[end].text)
        if nested is None or indentation(nested.group(1)) < indent + 2:
            break
        kind = _a_detail(nested.group(3))
        if kind is None:
            return None
        kinds.append(kind)
        end += 1
    return end if "link" in kinds else None


def _first_address(lines: Sequence[Line], code_urls: Sequence[str]) -> str | None:
    """The first link or address of `lines` that is not code (on a code host, labelled
    `code`, or among `code_urls`), or None."""
    for line in lines:
        links = [
            link.url.strip()
            for link in text_links(line.text)
            if link_word_kind(plain_text(link.text)) in {None, "paper"}
        ]
        for url in [*links, *find_urls(line.text)]:
            if is_http_url(url) and not on_code_host(url) and url not in code_urls:
                return url
    return None


def _a_linked_paper(content: str) -> bool:
    """An item that is a paper with its link and a title of more than five words: not a label
    (`* GoogLeNet [[Paper]](url)`) whose links go to the citations below it."""
    if inline_problem([content], cells=False) is not None:
        return False
    reading = read_item(content, (), None)
    return (
        reading.skip is None
        and reading.paper_url is not None
        and len((reading.title or "").split()) > 5
    )


def _has_links(content: str) -> bool:
    return bool(find_links(content) or find_urls(content))


def _paper_of_its_own(content: str, label: str | None) -> bool:
    if inline_problem([content], cells=False) is not None:
        return True  # not read here: the main loop reports it on its own line
    reading = read_item(content, (), label)
    if reading.skip is not None or reading.title is None:
        return False
    # `  - *CVPR 2005* [arXiv](url)` under `- **Title**`: the venue and link of the paper above
    # `  - [CVF](url)`, `  - [ACM](url)` under `- **Title**`: a link named by its publisher
    publisher = re.fullmatch(r"[A-Z]{2,5}", reading.title) is not None
    return not dated_venue(reading.title) and not publisher


def _citations_below(lines: list[Line], start: int, indent: int, label: str | None) -> int:
    """How many sub-items right below an item are citations (papers with a venue and no paper
    link of their own), or 0 when any sub-item is something else."""
    count = 0
    for line in lines[start : start + 50]:
        if not line.text.strip():
            continue
        nested = LIST_ITEM.match(line.text)
        if nested is None or indentation(nested.group(1)) < indent + 2:
            break
        if inline_problem([nested.group(3)], cells=False) is not None:
            return 0  # not read here: the main loop reports it on its own line
        reading = read_item(nested.group(3), (), label)
        if reading.skip is not None or reading.paper_url or reading.venue is None:
            return 0
        count += 1
    return count


def _paper_urls(texts: Sequence[str]) -> list[str]:
    """Every paper link of an item, in order (a label may link one per paper below it)."""
    links = [link for text in texts for link in find_links(text) if not link.is_image]
    papers = [link.url for link in links if link_kind(link) in {"paper", "title"}]
    return list(dict.fromkeys(url for url in papers if is_http_url(url)))


def _with_label_links(reading: ItemReading, state: ParseState) -> ItemReading:
    """A citation below a label takes the label's next paper link (and its code, when the
    label stands over one paper only)."""
    _, urls, code_urls, count = state.link_labels[-1]
    if not urls:
        return reading
    taken = urls.pop(0) if len(urls) > 1 or count == 1 else urls[0]
    code = reading.code_urls or (code_urls if count == 1 else ())
    return replace(reading, paper_url=taken, code_urls=code)


def _continuation(lines: Sequence[Line]) -> list[str]:
    """The item's other lines as text: list markers and `<br>` removed."""
    out: list[str] = []
    in_list = False  # a sub-item was opened: the next numbers are its siblings'
    for line in lines:
        # after the item's text or a line going on with it, only a sub-item that may
        # interrupt a paragraph opens one
        after_text = not in_list and (not out or bool(out[-1]))
        nested = _sub_item(line.text) if after_text else LIST_ITEM.match(line.text)
        in_list = in_list or nested is not None
        out.append(nested.group(3) if nested else line.text.strip())
    return out


def _sub_item(text: str) -> re.Match[str] | None:
    """A list item on a line right after a paragraph's text. CommonMark: a numbered item
    interrupts a paragraph only when it is numbered 1 (`2005. <url>`, under a wrapped
    citation, goes on with it)."""
    nested = LIST_ITEM.match(text)
    marker = nested.group(2) if nested else ""
    if nested and marker[:1].isdigit() and int(marker[:-1]) != 1:
        return None
    return nested


def _list_item(lines: list[Line], index: int, state: ParseState) -> tuple[Entry | None, int]:
    """Read the list item at `lines[index]`: its entry (or None) and the index after it."""
    line = lines[index]
    item = LIST_ITEM.match(line.text)
    assert item is not None  # noqa: S101 - checked by the caller
    content = item.group(3)
    end = _item_lines(lines, index)
    rest = lines[index + 1 : end]
    problem = inline_problem([content, *(r.text for r in rest)], cells=False)
    if problem:
        if find_links(content[:200]) or "](" in content:  # may be a paper: say so
            state.report(line.number, Severity.ERROR, f"item not read as a paper: {problem}")
        return None, index + 1
    indent = indentation(item.group(1))
    state.labels = [(depth, text) for depth, text in state.labels if depth < indent]
    state.link_labels = [label for label in state.link_labels if label[0] < indent]
    inherited = state.labels[-1][1] if state.labels else None
    sub_item = bool(rest) and _sub_item(rest[0].text) is not None
    reading = read_item(content, _continuation(rest), inherited, wraps=not sub_item)
    if reading.skip is SkipReason.AUTHOR_LINE and not reading.has_links and not rest:
        # `- Visual Odometry and Dense Mapping` reads as two people's names: in a flat list
        # of bare titles, it is a title
        if inherited is None and _in_title_block(lines, index, indent, state.title_blocks):
            title = " ".join(plain_text(content).split())
            reading = ItemReading(title=title, has_links=False)
    elif reading.skip is SkipReason.TITLE_ONLY and inherited is None:
        # `### 2024` over `- A Title of Many Words`: the heading dates the titles under it
        # (`- Papers are below.` is a sentence)
        titled = word_count(reading.title or "") >= _DATED_TITLE_WORDS
        dating = _dating_heading(state.section)
        if titled and dating is not None and not content.rstrip().endswith("."):
            reading = read_item(content, _continuation(rest), dating, wraps=not sub_item)
        elif titled and not rest and _in_title_block(lines, index, indent, state.title_blocks):
            # `## ORB-SLAM` over `- ORB-SLAM2: an Open-Source SLAM System for ...`: a flat
            # list of bare titles names papers, found by their titles
            reading = replace(reading, skip=None, detail=None)
    if reading.paper_url is None and _details_below(lines, index, indent) is not None:
        # `- Title` over `  - https://www.usenix.org/...`: the address given for the title
        reading = replace(reading, paper_url=_first_address(rest, reading.code_urls))
    non_paper = state.non_paper_section()
    if non_paper is not None and not _a_paper_under(non_paper, reading, content):
        # A section named for tools, talks or contents holds no papers, unless an item says
        # it is one: a title with a link that surely names a paper (`Toolbox` papers).
        # a link, or a citation read whole (`Doe J, et al. Title. BMJ. 2008;336:924.`): said
        if "](" in content or find_urls(content) or reading.skip is None:
            reason = f"in section {non_paper!r}, which holds no papers"
            state.skipped.append(Skipped(line.number, SkipReason.NON_PAPER_SECTION, reason, False))
        return None, end
    if reading.skip is None and state.link_labels and reading.paper_url is None:
        reading = _with_label_links(reading, state)
    citations = _citations_below(lines, end, indent, inherited)
    # `* OverFeat, NYU [[Paper]](url)` reads as an author line, `* GoogLeNet [[Paper]](url)`
    # as a short title: labels, when papers are cited below them.
    short = reading.skip in {SkipReason.NO_TITLE, SkipReason.AUTHOR_LINE} or (
        reading.skip is None and len((reading.title or "").split()) <= 5
    )
    urls = _paper_urls([content, *_continuation(rest)]) if citations and short else []
    if urls or (citations and short and reading.code_urls):
        # `* GoogLeNet [[Paper]](url)` over `  * A. Author, Title, CVPR 2015.`: a label
        # whose links belong to the citations below it
        state.link_labels.append((indent, urls, reading.code_urls, citations))
        reason = f"a label whose links go to the {citations} paper(s) cited below it"
        state.skipped.append(Skipped(line.number, SkipReason.LABEL, reason, doubtful=False))
        return None, end
    if reading.skip is not None:
        label = venue_label(content)
        if label is not None:
            state.labels.append((indent, label))
        if not reading.has_links and reading.title and len(reading.title.split()) >= 4:
            # A title without link, venue or year: listed in `check --json`, not warned about.
            message = reading.skip_reason or ""
            state.skipped.append(Skipped(line.number, reading.skip, message, doubtful=False))
        named = non_paper_item(plain_text(content), False, reading.has_links)
        if reading.has_links and named is not None:
            state.skipped.append(Skipped(line.number, *named, doubtful=False))
        elif reading.has_links:
            _skip_with_link(reading, line, state)
        # A non-paper's nested items are read on their own (a category bullet's papers).
        return None, index + 1
    assert reading.title is not None  # noqa: S101 - read_item sets it for papers
    # what the item says beats a venue and year (`**[Oct 2021]** Release of [v2](url)`); only
    # a link that surely names a paper beats it
    sure_link = reading.paper_url is not None and names_a_paper(reading.paper_url)
    not_paper = _why_not_a_paper(reading, sure_link, content)
    if not_paper is not None:
        state.skipped.append(Skipped(line.number, *not_paper, doubtful=False))
        return None, end
    if _a_described_site(reading, content):
        reason = "a short name linked to a site and described, no paper link, venue or year"
        state.skipped.append(Skipped(line.number, SkipReason.NO_PAPER_LINK, reason))
        state.report(
            line.number, Severity.WARNING, f"item with a link not read as a paper: {reason}"
        )
        return None, end
    return _item_entry(reading, line, state), end


_DATED_TITLE_WORDS = 4
_TITLE_BLOCK_WORDS = 5  # the mean length of the items of a list of bare titles
_MAX_TITLE_WORDS = 30
_SENTENCE_BREAK = re.compile(r"[a-z0-9)][.!?]\s+[A-Z]")


def _bare_title(content: str) -> int:
    """The words of a list item that reads as a paper's title and nothing else (no link,
    no sentence, no closing period or colon); 0 when it does not."""
    if "](" in content or "<" in content or "`" in content or find_urls(content):
        return 0
    text = " ".join(plain_text(content).split())
    words = word_count(text)
    closed = text.endswith((".", ":", ";", ","))
    if not 4 <= words <= _MAX_TITLE_WORDS or text[:1].islower() or closed:
        return 0
    return 0 if _SENTENCE_BREAK.search(text) else words


# words that stay in lower case in a title written in Title Case
_MINOR_WORDS = frozenset(
    re.findall(
        r"\w+",
        "a an the and but or nor for so yet as at by in of off on per to up via with from into "
        "over upon onto than that through without within between toward towards under using "
        "versus vs",
    )
)


def _title_cased(content: str) -> bool:
    """`Dense Visual SLAM for RGB-D Cameras`, `MonoSLAM: real-time ...`: capitals on most of
    the longer words, or a name before a colon."""
    text = plain_text(content)
    if re.match(r"^\S+(?:\s\S+)?:\s", text):
        return True
    words = [
        word
        for word in re.findall(r"[^\W\d_][\w'-]*", text)
        if len(word) >= 3 and word.casefold() not in _MINOR_WORDS
    ]
    capitals = sum(1 for word in words if not word[:1].islower())
    return bool(words) and capitals * 5 >= len(words) * 3


def _in_title_block(lines: list[Line], index: int, indent: int, known: dict[int, bool]) -> bool:
    """Whether the item at `index` sits in a flat list of two or more items that are bare
    titles, most of them title-cased (a list of features or to-dos is written in sentences
    or short phrases), whose mean length is a title's. The answer is kept in `known` for every
    item of the list, so a long list is judged once."""
    if index in known:
        return known[index]
    items: list[str] = []
    positions: list[int] = []
    for step in (-1, 1):
        position = index + step if step < 0 else index
        while 0 <= position < len(lines):
            text = lines[position].text
            position += step
            if not text.strip():
                continue
            item = LIST_ITEM.match(text)
            if item is None or indentation(item.group(1)) != indent:
                if item is not None or (text[:1].isspace() and indentation(text) > indent):
                    known.update(dict.fromkeys(positions, False))
                    return False  # nested items or continuation lines: not a flat list
                break
            items.append(item.group(3))
            positions.append(position - step)
    counts = [_bare_title(item) for item in items]
    cased = sum(1 for item in items if _title_cased(item))
    flat_titles = (
        len(items) >= 2
        and all(counts)
        and cased * 2 > len(items)
        and sum(counts) >= _TITLE_BLOCK_WORDS * len(items)
    )
    known.update(dict.fromkeys(positions, flat_titles))
    return flat_titles


_DATING_HEADING = re.compile(
    r"(?:[^\W\d_][\w&.-]*[\s'\u2019-]?)?(?:19|20)\d\d|[^\W\d_][\w&.-]*\s?['\u2019]\d\d"
)


def _dating_heading(section: str | None) -> str | None:
    """A heading that is only a year, or a venue and its year (`2024`, `CVPR 2023`, `ICCV'15`):
    what it says of the items under it."""
    text = re.sub(r"^[\W_]+|[^\w'\u2019]+$", "", plain_text(section or ""))
    return text if _DATING_HEADING.fullmatch(text) else None


def _why_not_a_paper(
    reading: ItemReading, sure_link: bool, markdown: str
) -> tuple[SkipReason, str] | None:
    """What an item that reads as a paper is instead, from what it says (an event, a course,
    a changelog line) and where its title links (a post, a social or shop page)."""
    assert reading.title is not None  # noqa: S101 - asked of items read as papers
    title = reading.title.strip()
    labelled = [link for link in find_links(markdown) if plain_text(link.text).strip() != title]
    short_labels = [link for link in labelled if word_count(link.text) <= 3]
    said = plain_text(_without_links(markdown, short_labels))
    not_paper = non_paper_item(reading.title, sure_link, reading.has_links, said)
    if not_paper is not None:
        return not_paper
    # `[[IEEE TAI 2025](https://.../2025/05/...)]`: a link labelled with a venue and year is
    # where the paper appeared, whatever its address looks like
    labels = (
        plain_text(link.text)
        for link in labelled
        if link.url == reading.paper_url and not find_urls(link.text)  # `[https://...](url)`
    )
    venue = next((label for label in labels if year_from_text(label) or find_venue(label)), None)
    # `- [Model-X](https://lab.example/blog/model-x) - Our new model`: a post about a model or
    # product. A paper title linked to a post about it (more than three words) stays a paper.
    # `Doe, J. "Title." Journal 662 (2022)`: a cited title and its year say it was published,
    # whatever its address looks like (`/abs/2022/06/...`)
    cited = any(f"{quote}{title}" in markdown for quote in ('"', "\u201c"))
    published = reading.year_text if cited else None
    post = non_paper_row(
        reading.title,
        reading.paper_url,
        reading.venue or venue or published,
        mostly_linked=False,
        cited=cited,
        # `Doe (2005). **A Widget Dataset**. Journal 1: 2`: a cited title with its year; not a
        # linked name whose year is its paper's, cited below it
        dated=reading.year_text is not None and f"[{title}" not in markdown,
    )
    if post is None and reading.paper_url is None and not find_links(markdown):
        # `2018 IonQ founder lecture <https://www.youtube.com/...>`: the item's one address,
        # written bare, says what it is as a link would
        address = next((url for url in find_urls(markdown) if is_http_url(url)), None)
        if address is not None and not on_code_host(address):
            post = non_paper_row(reading.title, address, reading.venue, mostly_linked=False)
    blog = post is not None and post[0] is SkipReason.BLOG_POST
    if post is not None and (len(reading.title.split()) <= 3 or not blog):
        return post
    if reading.paper_url and not sure_link and _named_for_its_site(title, reading.paper_url):
        return SkipReason.POST, "a page of the site its title opens with, not a paper"
    return None


def _named_for_its_site(title: str, url: str) -> bool:
    """`[AnyScale - Llama 2 is about as factual as ...](https://www.anyscale.com/blog/...)`,
    `[Arthur.ai - Hallucination Experiment](https://www.arthur.ai/...)`: a title that opens
    with the name of the site it links is that site's page."""
    opening = re.match(r"^\s*([\w.&'-]{3,30}(?: [\w.&'-]+)?)\s+[-\u2013\u2014|]\s+\S", title)
    host = urlsplit(url.strip()).hostname or ""
    if opening is None or not host:
        return False
    name = re.sub(r"\W", "", opening.group(1)).casefold()
    labels = host.casefold().removeprefix("www.").split(".")
    site = labels[-2] if len(labels) >= 2 else labels[0]
    return name in {site, "".join(labels), "".join(labels[:-1])}


def _without_links(markdown: str, links: Sequence[Link]) -> str:
    """The text without the given links (`[[Youtube talk](url)]`: a label names where a link
    goes, not what the item is)."""
    pieces, cursor = [], 0
    for link in links:
        pieces.append(markdown[cursor : link.start])
        cursor = link.end
    return "".join(pieces) + markdown[cursor:]


_DESCRIBED = re.compile(r"^\s*[-\u2013\u2014:]\s*\S+\s+\S+")  # ` - A corpus of widgets.`


def _a_described_site(reading: ItemReading, content: str) -> bool:
    """`[DBPedia](http://wiki.dbpedia.org/) - Linked data web`: a short name linked to a site
    and described, with nothing that names or dates a paper (a dataset, a tool, a lab?)."""
    links = text_links(content)
    if not links or reading.paper_url is None or reading.paper_url != links[0].url.strip():
        return False
    if names_a_paper(reading.paper_url) or reading.venue or reading.year_text:
        return False
    if len((reading.title or "").split()) > SHORT_NAME_WORDS:
        return False
    after = ENRICHMENT.sub("", content[links[0].end :])  # not the columns a run appended
    return _DESCRIBED.match(plain_text(after)) is not None


# What an item skipped with a link says it is, when nothing in it names a paper: no warning.
_KNOWN_NON_PAPERS = frozenset(
    {
        SkipReason.CONTENTS,
        SkipReason.TASK_LIST,
        SkipReason.TAGGED,
        SkipReason.BLOG_POST,
        SkipReason.BOOK,
    }
)


def _surely_a_paper(reading: ItemReading) -> bool:
    """A title with a link that surely names a paper (an arXiv id, a DOI, a paper site, a PDF),
    or a citation without any link: a title with its venue and year."""
    if reading.skip is not None or not reading.title:
        return False
    if reading.paper_url is not None:
        return names_a_paper(reading.paper_url)
    # no paper link at all: its links, if any, are its code (`Title *IROS 2005* [code](url)`)
    only_code = not reading.has_links or bool(reading.code_urls)
    return only_code and reading.venue is not None and reading.year_text is not None


def _a_paper_under(heading: str, reading: ItemReading, markdown: str) -> bool:
    """Whether an item under a resource heading is a paper all the same (see
    `paper_among_resources`), or a citation without a link (a title with venue and year)."""
    if reading.skip is not None or not reading.title:
        return False
    if reading.paper_url is None:
        return _surely_a_paper(reading)
    return paper_among_resources(heading, reading.paper_url, reading.title, markdown)


def _skip_with_link(reading: ItemReading, line: Line, state: ParseState) -> None:
    """Record an item with a link that was not read as a paper; warn unless its reason names
    what it is and it links no paper (a skipped item with an arXiv link is always worth a
    look, whatever the reason)."""
    assert reading.skip is not None  # noqa: S101 - called for skipped items
    linked_paper = reading.paper_url is not None and names_a_paper(reading.paper_url)
    known = reading.skip in _KNOWN_NON_PAPERS and not linked_paper
    message = reading.skip_reason or ""
    state.skipped.append(Skipped(line.number, reading.skip, message, not known))
    if not known:
        state.report(
            line.number, Severity.WARNING, f"item with a link not read as a paper: {message}"
        )


# A bold title, a `[12]` number, or a linked title (`[A Title of Words](url), ICML 2023`)
_PARAGRAPH_ENTRY_START = re.compile(
    r"^\s{0,3}(?:\*\*|__|\[\d{1,4}\]\s|\[(?!\[)[^\[\]]{12,300}\]\(|\[(?:\*\*|__)"
    # `[视觉语言模型综述](url)`: a title of ideographs is short in characters, not in words
    r"|\[(?!\[)(?=[^\[\]]{0,300}?[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]{4})[^\[\]]{4,300}\]\()"
)


_SHORT_PARAGRAPH = 2  # lines


# `For more details, please refer to our survey: [Title](url)`: a sentence about a paper
_PROSE = re.compile(
    r"(?i)\b(?:please|refer|our|we|you|your|see|check|details|more|welcome|feel free|"
    r"thanks?|cite|if)\b"
)


def _prose(text: str) -> bool:
    """Whether the words before a line's first link are a sentence about it (six words or
    more, with words that address the reader)."""
    links = find_links(text)
    before = plain_text(text[: links[0].start]) if links else plain_text(text)
    return len(before.split()) >= 4 and _PROSE.search(before) is not None


def _a_paper_link_in(text: str) -> bool:
    """`(Venue 24.02) Title [Paper](url) [Code](url)`: a line with a link labelled as the
    paper's, or a link that surely names one (an arXiv id, a DOI, a PDF): a paper written as a
    paragraph of its own, whatever comes first."""
    links = text_links(text)
    if title_link_after_authors(text, links) is not None:
        return True  # `K. **Smith** et al.: [A Title (2019)](url)`: a title linked after names
    return any(
        link_word_kind(plain_text(link.text)) == "paper" or names_a_paper(link.url)
        for link in links
    )


_LINK_SEPARATORS = re.compile(r"[\s\[\](){}|,;/\u00b7\u2022*_-]+")
_LINK_LABEL_WORDS = 4


def _links_only(text: str) -> bool:
    """A line that holds links and nothing else (`[[arXiv 2025](url)] [[Project](url)]`,
    `- [Paper](url)`, `<https://...>`): labels of a few words, no text of its own."""
    if inline_problem([text], cells=False) is not None:
        return False  # too deep or too long to read: kept as text
    body = LIST_ITEM.match(text)
    rest = body.group(3) if body else text
    links = text_links(rest)
    for link in links:
        label = plain_text(link.text)
        # `[Journal of Image and Graphics 2023](url)`: a venue's name is a label too
        dated = (
            re.search(r"(?:19|20)\d\d\W*$", label) and word_count(label) <= 2 * _LINK_LABEL_WORDS
        )
        if word_count(label) > _LINK_LABEL_WORDS and not dated:
            return False
    for link in reversed(links):
        rest = rest[: link.start] + " " + rest[link.end :]
    urls = find_urls(rest)
    for url in urls:
        rest = rest.replace(url, " ")
    rest = re.sub(r"<\s*>|!\[[^\]]*\]\([^)]*\)", " ", rest)
    return bool(links or urls) and not _LINK_SEPARATORS.sub("", rest)


def _reads_as_a_title(text: str) -> bool:
    """A line of text alone that may be a paper's title: words, no link, not a sentence to
    the reader, not a label (`Papers:`)."""
    if inline_problem([text], cells=False) is not None:
        return False
    plain = plain_text(text).strip()
    words = word_count(plain)
    if text_links(text) or find_urls(text) or not 2 <= words <= 40:
        return False
    if plain.endswith((":", ".", ",", ";")) and not plain.endswith("et al."):
        return False
    return not _PROSE.search(plain)


def _links_below(lines: list[Line], start: int) -> int | None:
    """The end of the link-only lines or list items from `start` (a title's links, with no
    blank line before them), or None when there are none."""
    end = start
    while end < len(lines) and lines[end].text.strip() and _links_only(lines[end].text):
        end += 1
    return end if end > start else None


# `2005. [paper](url)` goes on a wrapped paragraph: in CommonMark only an ordered list that
# starts at 1 may interrupt a paragraph.
_ORDERED_NOT_FIRST = re.compile(r"^ {0,3}(?!0*1[.)])\d{1,9}[.)][ \t]")


def _paragraph_end(lines: list[Line], index: int) -> int:
    end = index + 1
    while end < len(lines):
        text = lines[end].text
        if not text.strip():
            break
        if (BLOCK_START.match(text) or LIST_ITEM.match(text)) and not _ORDERED_NOT_FIRST.match(
            text
        ):
            break
        if _opens_table(lines, end):
            break  # `**Label**` over `| Title | Venue |` and `|---|---|`: a table ends it (GFM)
        end += 1
    return end


def _opens_table(lines: list[Line], index: int) -> bool:
    """Whether a GFM table's header and delimiter rows start at `lines[index]`."""
    if index + 1 >= len(lines) or "|" not in lines[index].text:
        return False
    header, delimiter = split_row(lines[index]), split_row(lines[index + 1])
    return (
        header is not None
        and delimiter is not None
        and is_delimiter_row(delimiter)
        and len(header.cells) == len(delimiter.cells)
    )


_LEADING_IMAGES = re.compile(r"^(?:\s*!\[[^\[\]]{0,200}\]\([^()\s]{1,500}\))+\s*")
# `*Zhang X, Wu H, et al. SIGMOD, 2021.*`, `_A. Author, B. Author. VLDB 2023_ [[paper](url)]`
_ITALIC_OPENING = re.compile(r"^\s{0,3}(?:\*(?!\*)|_(?!_))\S")


def _a_citation_line(text: str) -> bool:
    """An italic line of authors and venue, with its links or a year: the rest of a title
    written as a paragraph of its own."""
    if not _ITALIC_OPENING.match(text) or _PARAGRAPH_ENTRY_START.match(text):
        return False
    return bool(text_links(text)) or re.search(r"\b(?:19|20)\d\d\b", text) is not None


_LINE_END_BREAK = re.compile(r"(?:<br\s*/?>|\\|\s{2,})\s*$", re.IGNORECASE)
_LEADING_BREAKS = re.compile(r"^(?:\s*<br\s*/?>)+\s*", re.IGNORECASE)
_REFERENCE_LINES = 8  # a reference wraps over a few lines, never a page


def _reference_paragraph(lines: list[Line], index: int, end: int) -> str | None:
    """The text of a paragraph that is one reference, wrapped over its lines or not (`[3] J.
    Smith and K. Roe, "A Title," in Proc. X, 2020. [paper](url)`; `Smith J, Roe K. A Title.
    Nature. 2020;1:2.`), on one line; None when it is anything else. Lines that end in hard
    breaks are lines of their own, not a wrapped sentence."""
    texts = [line.text.strip() for line in lines[index:end]]
    if len(texts) > _REFERENCE_LINES:
        return None
    if any(_LINE_END_BREAK.search(line.text) for line in lines[index : end - 1]):
        return None
    joined = _LEADING_BREAKS.sub("", " ".join(texts))  # `<br>**Smith J. Title. 2020.**`
    if inline_problem([joined], cells=False):
        return None
    opened = texts[0].count("[") - texts[0].count("]")
    if len(texts) > 1 and opened > 0 and joined.count("[") == joined.count("]"):
        # `[POPL'77] [A Title That Goes On` / `Over Lines](url)`: one link over the lines
        wrapped_link = next((link for link in text_links(joined) if link.end > len(texts[0])), None)
        if wrapped_link is not None and wrapped_link.start < len(texts[0]):
            return joined
    cited = read_citation(reference_text(joined))
    if cited is None:
        return None
    if cited.year or cited.quoted or text_links(joined):
        return joined
    # `..., in press: Title. Climate Dynamics. http://dx.doi.org/...`: undated, a DOI says it
    return joined if any(names_a_paper(url) for url in find_urls(joined)) else None


def _emphasis_closed_at(first: str, rest: Sequence[str]) -> int | None:
    """Where a bold run the first line opens and leaves open is closed: the index in `rest`
    of the line that closes it (a title wrapped inside `**...**`), or None."""
    if first.count("**") % 2 == 0:
        return None
    for offset, text in enumerate(rest[:_REFERENCE_LINES]):
        if text.count("**") % 2 == 1:
            return offset
    return None


def _paragraph_entry(
    lines: list[Line], index: int, state: ParseState
) -> tuple[Entry | None, int, bool]:
    """A paper written as a paragraph: a bold or numbered (`[12]`) title line, then lines
    with authors, venue and links (hard breaks `\\`, `<br>`, or a blank line before a
    paragraph of links). Only paragraphs that carry a paper link are read as papers."""
    line = lines[index]
    end = _paragraph_end(lines, index)
    reference = _reference_paragraph(lines, index, end)
    if reference is not None:
        reading = read_item(reference, [])
        return _reading_entry(reading, lines, index, end, state, markdown=reference, reference=True)
    undecorated = _LEADING_IMAGES.sub("", LEADING_DECORATION.sub("", line.text))
    opened = _PARAGRAPH_ENTRY_START.match(undecorated) is not None
    # `Title of a Paper  ` over `[[arXiv 2025](url)] [[Project](url)]` or `- [Paper](url)`
    links_end = _links_below(lines, index + 1) if _reads_as_a_title(line.text) else None
    if links_end is not None:
        opened, end = True, max(end, links_end)
    short = end - index <= _SHORT_PARAGRAPH
    if not opened and not (short and _a_paper_link_in(line.text) and not _prose(line.text)):
        return None, index + 1, False
    if any(SETEXT_UNDERLINE.match(r.text) for r in lines[index + 1 : end]):
        return None, index + 1, False  # `**[Title](url)**` underlined by `---`: a heading
    rest = [r.text for r in lines[index + 1 : end]]
    heading_text = line.text
    closing = _emphasis_closed_at(line.text, rest)
    if closing is not None:  # `**A Title Wrapped` / `   Over Two Lines** - **2025** - ...`
        heading_text = " ".join([line.text.rstrip(), *(r.strip() for r in rest[: closing + 1])])
        rest = rest[closing + 1 :]
    # `[4] Title<br>`, a blank line, then `[paper](url) | [code](url)<br><br>`
    after_blank = end + 1
    if (
        line.text.rstrip().endswith(("<br>", "<br/>", "<br />"))
        and after_blank < len(lines)
        and not lines[end].text.strip()
        and lines[after_blank].text.lstrip().startswith("[")
        and not _PARAGRAPH_ENTRY_START.match(lines[after_blank].text)
    ):
        next_end = _paragraph_end(lines, after_blank)
        rest += [r.text for r in lines[after_blank:next_end]]
        end = next_end
    elif (
        opened
        and after_blank < len(lines)
        and not lines[end].text.strip()
        and not any(text_links(text) for text in [line.text, *rest])
        and _a_citation_line(lines[after_blank].text)
    ):
        # `**Title** ![](badge)`, a blank line, then `*Authors. SIGMOD, 2021.* [[paper](url)]`:
        # a title without links, and its authors, venue and links as the next paragraph
        cited_end = _paragraph_end(lines, after_blank)
        rest += [r.text for r in lines[after_blank:cited_end]]
        end = cited_end
    if not any(_has_links(text) for text in [line.text, *rest]):
        # `**Title**`, then `- Paper: https://...` / `- code: [url](url)` items: its links
        list_end = _link_list_end(lines, end)
        if list_end is not None:
            rest += [_labelled_link(r.text) for r in lines[end:list_end] if r.text.strip()]
            end = list_end
    if inline_problem([heading_text, *rest], cells=False):
        return None, index + 1, False
    first = _LEADING_IMAGES.sub("", heading_text).strip()  # `![](badge)**Title**`: its badges
    reading = read_item(first, [_HARD_BREAK.sub(" ", text) for text in rest])
    entry, after, wrapped = _reading_entry(
        reading, lines, index, end, state, markdown=line.text, reference=False
    )
    # A bold title wrapped over lines: values appended to its first line would land inside
    # the bold span (and the title read back would lose its first words); its last line
    # stands for it, as for a wrapped reference.
    return entry, after, wrapped or (entry is not None and closing is not None)


def _reading_entry(
    reading: ItemReading,
    lines: list[Line],
    index: int,
    end: int,
    state: ParseState,
    *,
    markdown: str,
    reference: bool,
) -> tuple[Entry | None, int, bool]:
    """The entry of the paragraph `lines[index:end]` read as `reading` (from `markdown`, a
    whole reference when `reference`), if it is a paper, the index after it, and whether its
    last line stands for it (a reference wrapped over lines: values appended there end it)."""
    line = lines[index]
    section = state.non_paper_section()
    if section is not None and not _a_paper_under(section, reading, markdown):
        if reading.has_links:
            reason = f"in section {section!r}, which holds no papers"
            state.skipped.append(Skipped(line.number, SkipReason.NON_PAPER_SECTION, reason, False))
        return None, index + 1, False
    # `**Title**` over `*CVPR 2005*`: a citation without a link, when it names venue and year
    cited = reading.paper_url is None and reading.year_text and (reading.venue or reference)
    if reading.skip is not None or (reading.paper_url is None and not cited):
        if reading.has_links:  # listed by `check`, not warned about: a post, a project page
            kind = reading.skip or SkipReason.NO_PAPER_LINK
            reason = reading.skip_reason or "a paragraph with links but no paper link"
            state.skipped.append(Skipped(line.number, kind, reason, False))
        return None, index + 1, False
    assert reading.title is not None  # noqa: S101 - read_item sets it for papers
    not_paper = _why_not_a_paper(reading, _surely_a_paper(reading), markdown)
    if not_paper is not None:
        state.skipped.append(Skipped(line.number, *not_paper, doubtful=False))
        return None, end, False
    return _item_entry(reading, line, state), end, reference and end - index > 1


# `- Paper: https://...`, `- code: [official : url](url)`, `- Homepage: url`, `- Code: None`.
# The spaces after the label are taken possessively (`\s*+`): trying every split of a long run
# of spaces between two alternatives was quadratic (2.8 s for one line of 16,000 spaces).
_LABELLED_LINK = re.compile(
    r"^\s{0,3}[-*+]\s+([A-Za-z][\w.&/-]*(?: (?!https?:)[\w.&/-]+){0,3})\s*+"
    r"(?:[:\uff1a]\s*|(?=\[)|(?<=\s)(?=https?://))(.*)"
)
_BARE = re.compile(r"^<?(https?://\S+?)>?$", re.IGNORECASE)


def _link_list_end(lines: list[Line], start: int) -> int | None:
    """The end of a list of labelled links right after a paragraph (one blank line between at
    most), or None when what follows is anything else."""
    first = start + 1 if start < len(lines) and not lines[start].text.strip() else start
    end = cursor = first
    papers = 0
    while cursor < len(lines):
        if not lines[cursor].text.strip():
            cursor += 1  # a loose list: its items apart
            continue
        if not LIST_ITEM.match(lines[cursor].text):
            break
        text = lines[cursor].text
        found = _LABELLED_LINK.match(text) if len(text) <= MAX_INLINE_CHARS else None
        value = found.group(2).strip() if found else ""
        # The label is a word for a link (Paper, Code, Homepage, pdf...), never a paper's name:
        # `**One-stage Detectors**` over `- YOLO [[paper]](url)` is a heading over papers. Other
        # labels (a typo: `- Homeoage: url`) may only give a link that is not a paper's.
        if found is None:
            return None
        bare = _BARE.match(value)
        typo = ":" in text[: found.start(2)] and bare is not None and not names_a_paper(value)
        if not (is_link_word(found.group(1)) or typo):
            return None
        if not (_has_links(value) or len(value.split()) <= 2):
            return None
        papers += link_word_kind(found.group(1)) == "paper"
        cursor = end = cursor + 1
    if end == first or not any(_has_links(r.text) for r in lines[first:end]):
        return None
    return end if papers <= 1 else None  # two papers' links: two papers, not one


# `- 2025`, `- Year: 2015`, `- **Published:** 2021`: an item that only dates the paper
_DATE_ITEM = re.compile(
    r"(?i)^\s{0,3}[-*+]\s+(?:[*_]*(?:year|date|published|publication year)[*_]*\s*[:\uff1a]"
    r"\s*[*_]*)?[*_]*((?:19|20)\d\d)[*_]*\s*$"
)


def _labelled_link(text: str) -> str:
    """`- Paper: https://...` as `[Paper](https://...)`, so the label says what the URL is."""
    dated = _DATE_ITEM.match(text)
    if dated is not None:
        return f"({dated.group(1)})"
    found = _LABELLED_LINK.match(text)
    if found is None:
        return text.strip()
    value = found.group(2).strip()
    bare = _BARE.match(value)
    return f"[{found.group(1)}]({bare.group(1)})" if bare else value


# `<summary><a href="url">A Title of Words</a> --- ABBR --- by <i>Authors</i>`, `<li><a ...>`:
# a paper written in HTML, its title the link that opens the line
_HTML_TITLE_LINK = re.compile(
    r"^\s*(?:<(?:summary|p|li|div|span|b|strong|em|i)\b[^<>]*/?>\s*)*"
    r"<a\s[^<>]*?href\s*=\s*([\"'])([^\"'<>]+)\1[^<>]*>([^<>]{12,400})</a>",
    re.IGNORECASE,
)
_HTML_ANCHOR = re.compile(
    r"<a\s[^<>]*?href\s*=\s*([\"'])([^\"'<>]+)\1[^<>]*>([^<>]*)</a>", re.IGNORECASE
)
_HTML_DESCRIPTION = re.compile(r"(?i)<(?:blockquote|p|details|img)\b")
_HTML_ITEM_LINES = 4


_HTML_ITEM_OPEN = re.compile(r"(?i)^\s*(?:<(?:ol|ul)\b[^<>]*>\s*)*<li\b[^<>]*>")
_HTML_ITEM_END = re.compile(r"(?i)</li\s*>|</[ou]l\s*>")
_HTML_ITEM_NEXT = re.compile(r"(?i)^\s*(?:<li\b|</?[ou]l\b)")
_HTML_EMPHASIS = {"strong": "**", "b": "**", "em": "*", "i": "*"}
_HTML_TAG = re.compile(r"(?i)<(/?)(strong|b|em|i)\s*>|<br\s*/?>|<[^<>]{0,200}>")
_HTML_LIST_ITEM_LINES = 20


def _html_item_markdown(html_text: str) -> str:
    """An HTML list item's content as Markdown: `<strong>`/`<b>` bold, `<em>`/`<i>` emphasis,
    `<a href>` links; other tags dropped, entities decoded."""
    text = _HTML_ANCHOR.sub(
        lambda m: f"[{' '.join(m.group(3).split())}]({m.group(2).strip()})", html_text
    )

    def tag(found: re.Match[str]) -> str:
        name = (found.group(2) or "").lower()
        return _HTML_EMPHASIS[name] if name else " "

    text = _HTML_TAG.sub(tag, text)
    return " ".join(html.unescape(text).split())


def _html_list_item(
    lines: list[Line], index: int, state: ParseState
) -> tuple[Entry, int, int] | None:
    """`<li value="7"> <strong>Title.</strong> Doe et al., Cell (2026). <a href="doi">..</a>
    </li>`: an item of an HTML list, read as a list item is once written as Markdown. Returns
    the entry, the index of the line that stands for it (its title's) and the index after the
    item; None when it is no paper."""
    opening = _HTML_ITEM_OPEN.match(lines[index].text)
    assert opening is not None  # noqa: S101 - called on an item's first line
    end = index
    stop = min(len(lines), index + _HTML_LIST_ITEM_LINES)
    while end < stop:
        text = lines[end].text[opening.end() :] if end == index else lines[end].text
        if end > index and (not text.strip() or _HTML_ITEM_NEXT.match(text)):
            break
        end += 1
        if _HTML_ITEM_END.search(text):
            break
    parts = [lines[index].text[opening.end() :], *(line.text for line in lines[index + 1 : end])]
    # the values a run added end the entry's line, which may be inside a wrapped item
    parts = [ENRICHMENT.sub("", part) for part in parts]
    closed = _HTML_ITEM_END.search("\n".join(parts))
    content = "\n".join(parts)[: closed.start()] if closed else "\n".join(parts)
    markdown = _html_item_markdown(content)
    if not markdown or inline_problem([markdown], cells=False) is not None:
        return None
    # the line its title is on stands for it
    first = next((i for i, part in enumerate(parts) if _html_item_markdown(part).strip()), 0)
    reading = read_item(markdown, [])
    entry, _after, _wrapped = _reading_entry(
        reading, lines, index + first, end, state, markdown=markdown, reference=True
    )
    if entry is None:
        return None
    for line in lines[index : index + first]:
        state.text(line)
    return entry, index + first, end


def _html_link_entry(lines: list[Line], index: int, state: ParseState) -> tuple[Entry | None, int]:
    """A paper whose line opens with an HTML link to it (`<a href="url">Title</a> by ...`),
    with the lines after it up to a blank line or a description (`<blockquote>`, `<p>`)."""
    end = index + 1
    while end < min(len(lines), index + _HTML_ITEM_LINES) and lines[end].text.strip():
        if _HTML_TITLE_LINK.match(lines[end].text) or ATX_HEADING.match(lines[end].text):
            break
        end += 1
    texts = [line.text for line in lines[index:end]]
    joined = " ".join(texts)
    opening = _HTML_TITLE_LINK.match(texts[0])
    # a description after the title link, not the `<p>` or `<li>` that opens the line
    start = len(texts[0]) if len(texts) > 1 else (opening.end() if opening else 0)
    cut = _HTML_DESCRIPTION.search(joined, start)
    if cut is not None:
        joined = joined[: cut.start()]
    markdown = _HTML_ANCHOR.sub(lambda m: f"[{m.group(3).strip()}]({m.group(2).strip()})", joined)
    markdown = re.sub(r"<[^<>]{0,200}>", " ", markdown)
    if inline_problem([markdown], cells=False) is not None:
        return None, index + 1
    reading = read_item(" ".join(markdown.split()))
    if reading.skip is not None or reading.paper_url is None or reading.title is None:
        return None, index + 1
    section = state.non_paper_section()
    if section is not None and not _a_paper_under(section, reading, markdown):
        return None, index + 1
    if _why_not_a_paper(reading, _surely_a_paper(reading), markdown) is not None:
        return None, index + 1
    return _item_entry(reading, lines[index], state), index + 1


def _heading_entry(text: str, line: Line, state: ParseState) -> Entry | None:
    """`#### 3. [Tag] 2021-01-14-[A Title of Several Words](https://arxiv.org/pdf/...)`: a
    list written as headings, one paper each. A heading is a paper when it reads as one with a
    link that surely names a paper (an arXiv id, a DOI, a paper site, a PDF) and a title of
    four words or more; other headings are sections."""
    content = re.sub(r"^\s*\d{1,4}[.)]\s+", "", text)  # `3. `: its number
    if "](" not in content or inline_problem([content], cells=False) is not None:
        return None
    reading = read_item(content)
    if reading.skip is not None or reading.paper_url is None or reading.title is None:
        return None
    if len(reading.title.split()) < 4 or not names_a_paper(reading.paper_url):
        return None
    if non_paper_item(reading.title, True, True) is not None:
        return None
    return _item_entry(reading, line, state)


def _item_entry(reading: ItemReading, line: Line, state: ParseState) -> Entry:
    """The entry a list item or paragraph was read as (its first line stands for it)."""
    assert reading.title is not None  # noqa: S101 - read_item sets it for papers
    return state.entry(
        line.number,
        reading.title,
        reading.paper_url,
        reading.venue,
        (reading.year_text,),
        reading.code_urls,
        (Cell("", line.text),),
        kind="bullet",
    )


_HARD_BREAK = re.compile(r"<br\s*/?>|\\$", re.IGNORECASE)


def _skip_verbatim(lines: list[Line], start: int, fence: str | None, state: ParseState) -> int:
    """Keep a code fence (with marker `fence`) or an HTML comment as text; return the next index."""
    if fence is None:
        closes = re.compile(r"-->")
    else:
        closes = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
    state.text(lines[start])
    if fence is None and closes.search(lines[start].text):
        return start + 1
    index = start + 1
    while index < len(lines):
        state.text(lines[index])
        index += 1
        if closes.search(lines[index - 1].text):
            break
    return index


def _heading_text(text: str, number: int, state: ParseState) -> str:
    """A heading's plain text; its raw text when it is too long or tangled to read."""
    problem = inline_problem([text], cells=False)
    if problem is None:
        return plain_text(text)
    state.report(number, Severity.WARNING, f"heading kept as written, not read: {problem}")
    return " ".join(text.split())


_HEADING_TITLE_WORDS = 4


def _heading_over_link(
    lines: list[Line], index: int, text: str, state: ParseState
) -> tuple[Entry, int] | None:
    """`### Title of a Paper`, a blank line, then `<https://arxiv.org/abs/...>` alone: a paper
    written as a heading, its link the paragraph below it (notes may follow)."""
    if not _reads_as_a_title(text) or len(text.split()) < _HEADING_TITLE_WORDS:
        return None
    if is_non_paper_heading(text):
        return None  # `### Webcasts and Online Courses` over its first item: a section
    below = index + 1
    if below < len(lines) and not lines[below].text.strip():
        below += 1
    details = _heading_details(lines, index + 1)
    if details is not None:
        return _heading_over_link_list(lines, index, text, details, state)
    if below >= len(lines) or not _links_only(lines[below].text):
        return None
    labels = [plain_text(link.text) for link in text_links(lines[below].text)]
    if any(word_count(label) >= 3 and not is_link_word(label) for label in labels):
        return None  # `- [A Title of Its Own](url)`: a paper item below a section heading
    if below + 1 < len(lines) and lines[below + 1].text.strip():
        return None  # a paragraph that goes on: not a paper's link line
    reading = read_item(text.strip(), [lines[below].text.strip()])
    if reading.skip is not None or reading.title is None or reading.paper_url is None:
        return None
    if not names_a_paper(reading.paper_url) or non_paper_item(reading.title, True, True):
        return None
    return _item_entry(reading, lines[index], state), below + 1


# `**Paper** : Available [here](url)</br>`, `- PDF: https://...`, `Link: <url>`: a field of a
# paper's section that holds its link
_PAPER_FIELD = re.compile(
    r"(?i)^\s{0,3}(?:[-*+]\s+)?(?:\*\*|__)?(?:paper|pdf|article|publication|preprint|link|url)"
    r"(?:\*\*|__)?\s*[:\uff1a]\s*(?:\*\*|__)?\s*(?P<value>.+)$"
)
_FIELD_LINES = 12  # a paper's section names its link in its first few lines


def _heading_over_fields(
    lines: list[Line], index: int, state: ParseState
) -> tuple[Entry, int] | None:
    """The entry of a paper written as a heading over its fields (read before the main pass,
    `_fielded_headings`), and the index after the block of fields that names its link (the
    fields are the entry's text)."""
    found = state.fielded_headings.get(index)
    if found is None:
        return None
    reading, field = found
    end = field + 1
    while end < len(lines) and lines[end].text.strip() and not ATX_HEADING.match(lines[end].text):
        end += 1
    return _item_entry(reading, lines[index], state), end


def _fielded_reading(
    lines: list[Line], index: int, text: str, level: int
) -> tuple[ItemReading, int] | None:
    """`## Title of a Paper` over a section of fields (`### General information`, `**Authors** :
    ...`, `**Paper** : Available [here](url)`): a paper written as a heading, its link the
    field that names the paper, within its section's first lines (before a table, the next
    heading of its level or above, or a deeper one that reads as a title). The reading and the
    field's line, or None."""
    if not _reads_as_a_title(text) or len(text.split()) < _HEADING_TITLE_WORDS:
        return None
    if is_non_paper_heading(text):
        return None
    for cursor in range(index + 1, min(len(lines), index + 1 + _FIELD_LINES)):
        below = ATX_HEADING.match(lines[cursor].text)
        if below is not None and (
            len(below.group(1)) <= level
            or len((below.group(2) or "").split()) >= _HEADING_TITLE_WORDS
        ):
            return None  # the next paper's, or a section's, heading: no field named a link
        if lines[cursor].text.lstrip().startswith("|"):
            return None  # a table under a section's heading: its rows say what they are
        found = _PAPER_FIELD.match(lines[cursor].text)
        if found is None or not _has_links(found.group("value")):
            continue
        value = re.sub(r"(?i)\s*</?br\s*/?>\s*$", "", found.group("value"))
        links = [link.url for link in text_links(value)] or find_urls(value)
        reading = read_item(text.strip(), [f"[Paper]({links[0]})"])
        if reading.skip is not None or reading.title is None or reading.paper_url is None:
            return None
        if not names_a_paper(reading.paper_url) or non_paper_item(reading.title, True, True):
            return None
        return reading, cursor
    return None


def _fielded_headings(
    lines: list[Line],
) -> tuple[dict[int, tuple[ItemReading, int]], frozenset[str]]:
    """The headings that are papers with their fields below (by line index: the reading and
    its paper field's line), and their anchors (GitHub's slugs): a table of contents that
    points to them lists the same papers, read at their headings."""
    found: dict[int, tuple[ItemReading, int]] = {}
    slugs: set[str] = set()
    for index, line in enumerate(lines):
        heading = ATX_HEADING.match(line.text.removeprefix("\ufeff"))
        if heading is None or not heading.group(2):
            continue
        fielded = _fielded_reading(lines, index, heading.group(2), len(heading.group(1)))
        if fielded is not None:
            found[index] = fielded
            slugs.add(heading_slug(heading.group(2)))
    return found, frozenset(slugs)


_DETAIL_ITEMS = 8
_HEADING_BULLET = re.compile(r"^\s*[\u2022\u25e6\u25aa\u25b8\u25ba\u2023\u00b7]\s*")
_TAG_WORDS = 5


def _heading_details(lines: list[Line], start: int) -> tuple[int, list[str]] | None:
    """The end of the list of a paper's details under a heading, and what it says (labelled
    links as links, a date or venue as written): `- Paper: https://...`, `- Code: None`,
    `- 2025`, `- ICLR2026`, `- ECG, PPG` (a tag, dropped). None unless a labelled link or a
    date is among them, or when an item is anything else."""
    cursor = start + 1 if start < len(lines) and not lines[start].text.strip() else start
    said: list[str] = []
    dated = linked = False
    while cursor < len(lines) and cursor - start <= _DETAIL_ITEMS:
        text = lines[cursor].text
        if not LIST_ITEM.match(text) or len(text) > MAX_INLINE_CHARS:
            break
        found = _LABELLED_LINK.match(text)
        value = LIST_ITEM.sub("", text, count=1).strip()
        if _DATE_ITEM.match(text):
            said.append(_labelled_link(text))
            dated = True
        elif found is not None and is_link_word(found.group(1)):
            if _has_links(found.group(2)):  # not `- Code: None (waiting...)`
                said.append(_labelled_link(text))
                linked = True
        elif dated_venue(value) or find_venue(value):
            said.append(f"({plain_text(value)})")
        elif _has_links(value) or word_count(value) > _TAG_WORDS or value.endswith(":"):
            return None
        cursor += 1
    if not (dated or linked):
        return None
    return cursor, said


def _heading_over_link_list(
    lines: list[Line], index: int, text: str, details: tuple[int, list[str]], state: ParseState
) -> tuple[Entry, int] | None:
    """`### • *Title of a Paper*` over `- Paper: https://...`, `- Code: https://...`, `- 2025`:
    a paper written as a heading, its links and year the list of details below it. A paper
    without a link that surely names one needs its year there (`- Repo: url` and `- 2023`: a
    paper and its code)."""
    end, said = details
    text = _HEADING_BULLET.sub("", text)
    reading = read_item(text.strip(), said)
    if reading.skip is not None or reading.title is None:
        return None
    if reading.paper_url is not None and not names_a_paper(reading.paper_url):
        return None
    if reading.paper_url is None and reading.year_text is None:
        return None
    if non_paper_item(reading.title, reading.paper_url is not None, True) is not None:
        return None
    return _item_entry(reading, lines[index], state), end


def _take_entry(
    entry: Entry,
    lines: list[Line],
    index: int,
    after: int,
    state: ParseState,
    *,
    last_stands: bool = False,
    stand_in: int | None = None,
) -> int:
    """Record the entry read from `lines[index:after]`: its first line stands for it (its last
    with `last_stands`, or `stand_in`), the others are kept as text. Returns the index after
    it."""
    state.entries.append(entry)
    if stand_in is None:
        stand_in = after - 1 if last_stands else index
    for rest in lines[index:stand_in]:
        state.text(rest)
    state.block(BulletEntry(lines[stand_in], entry.position))
    for rest in lines[stand_in + 1 : after]:
        state.text(rest)
    return after


def parse_list(text: str, source: str = "<string>") -> ListDocument:
    """Parse a Markdown list. Pure: no I/O; `source` only names the input in diagnostics."""
    written = split_lines(text)
    lines, markers = _unquoted(written)
    state = ParseState(source)
    if any(_PAPER_FIELD.match(line.text) for line in lines):
        state.fielded_headings, state.paper_sections = _fielded_headings(lines)
    index = 0
    while index < len(lines):
        line = lines[index]
        fence = FENCE_OPEN.match(line.text)
        if fence or line.text.lstrip().startswith("<!--"):
            # Code fences and HTML comments are kept verbatim, tables inside them included.
            index = _skip_verbatim(lines, index, fence.group(1) if fence else None, state)
            continue
        heading = ATX_HEADING.match(line.text.removeprefix("\ufeff"))
        if heading and (found := _heading_over_link(lines, index, heading.group(2) or "", state)):
            paper, after = found
            index = _take_entry(paper, lines, index, after, state)
            continue
        if heading and (fielded := _heading_over_fields(lines, index, state)):
            paper, after = fielded
            index = _take_entry(paper, lines, index, after, state)
            continue
        if heading and (entry := _heading_entry(heading.group(2) or "", line, state)):
            state.entries.append(entry)
            state.block(BulletEntry(line, entry.position))
            index += 1
            continue
        if heading:
            level = len(heading.group(1))
            title = _heading_text(heading.group(2) or "", line.number, state)
            state.block(Heading(line, level, title))
            state.section = title
            state.sections.append((line.number, title))
            state.outline = [(lvl, text) for lvl, text in state.outline if lvl < level]
            state.outline.append((level, title))
            state.labels, state.link_labels = [], []
            index += 1
            continue
        table_head = table_start(lines, index, state)
        if table_head:
            index = parse_table(lines, index, *table_head, state)
            continue
        if (rows_end := headerless_table_end(lines, index)) is not None:
            index = parse_headerless_table(lines, index, rows_end, state)
            continue
        previous = state.pending_text[-1] if state.pending_text else None
        if (
            SETEXT_UNDERLINE.match(line.text)
            and previous is not None
            and previous.text.strip()
            and not BLOCK_START.match(previous.text)
        ):
            state.section = _heading_text(previous.text, previous.number, state)
            state.sections.append((previous.number, state.section))
        if LIST_ITEM.match(line.text):
            entry, after = _list_item(lines, index, state)
            if entry is not None:
                # a link left open at the line's end (its text or its address): the values a
                # run adds go where it closes, never inside it
                others = [other.text for other in lines[index + 1 : after]]
                stand_in = index + link_close(line.text, others)
                index = _take_entry(entry, lines, index, after, state, stand_in=stand_in)
                continue
            state.text(line)
            for rest in lines[index + 1 : after]:
                state.text(rest)
            index = after
            continue
        if line.text.lstrip().lower().startswith("<table"):
            table_end = html_table(lines, index, state)
            if table_end is not None:
                index = table_end
                continue
        if _HTML_ITEM_OPEN.match(line.text) and (html_item := _html_list_item(lines, index, state)):
            entry, stand_in, after = html_item
            index = _take_entry(entry, lines, stand_in, after, state)
            continue
        if line.text.lstrip().lower().startswith("<tr"):
            html_row(lines, index, state)
        elif _HTML_TITLE_LINK.match(line.text):
            entry, after = _html_link_entry(lines, index, state)
            if entry is not None:
                index = _take_entry(entry, lines, index, after, state)
                continue
        if line.text.strip() and (
            not BLOCK_START.match(line.text) or _LEADING_BREAKS.match(line.text)
        ):  # `<br>**Title**` opens a paragraph, not an HTML block (CommonMark)
            entry, after, wrapped = _paragraph_entry(lines, index, state)
            if entry is not None:
                index = _take_entry(entry, lines, index, after, state, last_stands=wrapped)
                continue
        state.text(line)
        index += 1
    state.flush()
    blocks, entries = tuple(state.blocks), tuple(state.entries)
    if markers:
        by_number = {line.number: line for line in written}
        blocks = tuple(_requoted(block, by_number, markers) for block in blocks)
    known = [state.section_at(item.line) for item in state.skipped if not item.doubtful]
    dropped = dict.fromkeys(home_page_entries(entries), HOME_PAGE_REASON)
    dropped.update(dict.fromkeys(resource_entries(entries, known), RESOURCE_REASON))
    if dropped:
        blocks, entries, skipped = without_entries(blocks, entries, dropped)
        state.skipped += skipped
        for item in skipped:
            message = f"item with a link not read as a paper: {item.reason}"
            state.report(item.line, Severity.WARNING, message)
    return ListDocument(
        source,
        blocks,
        entries,
        tuple(sorted(state.diagnostics, key=lambda d: d.line)),
        tuple(sorted(state.skipped, key=lambda s: s.line)),
    )
