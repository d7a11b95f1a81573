"""Reading one list item (a bullet or numbered item, with its continuation lines) as a paper.

Real lists write a paper in many ways; this module recognises the common ones and says why it
does not take an item, so nothing is dropped silently:

- the title linked first: `[Title](url), Authors, CVPR 2023 [[code](url)]`;
- a plain, bold or quoted title with links after: `**Title** [[paper](url)] [[code](url)]`,
  `"Title" *CVPR2022*`, `Title. Authors. NeurIPS'19`;
- a leading tag: `[[CVPR](pdf)] Title. [[code](url)]`, `[2023/05] **Title**`,
  `**[Abbr]** Title | **[ICCV' 15]** | [pdf](url)`, `2016-ICLR - Title. [[Paper]](url)`;
- links on continuation lines and nested link-only sub-items (`- [[Paper]](url)`).

An item is a paper when it has a title and a paper link, or a title and a venue or year (lists
that carry titles only). Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.listfile.authors import NAME, TITLE_NOUN, looks_like_authors
from pipeline.listfile.cells import (
    AUTHORS_ASIDE,
    MAKER_ASIDE,
    PRESENTATION_MARK,
    without_stray_closer,
)
from pipeline.listfile.citations import (
    MONTH_NAME,
    author_date_lead,
    only_names,
    read_citation,
    reference_text,
)
from pipeline.listfile.links import (
    PAPER_HOSTS,
    host_matches,
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
    is_http_url,
    is_pdf_beside,
    plain_text,
    text_links,
    word_count,
)
from pipeline.listfile.model import SKIP_MESSAGES, SkipReason
from pipeline.listfile.venues import find_venue, only_a_venue
from pipeline.listfile.years import year_from_text

_TRANSLATION = re.compile(
    r"\s*[(\uff08][^()\uff08\uff09]*[\u3040-\u30ff\u4e00-\u9fff][^()\uff08\uff09]*[)\uff09]"
)
_BLOG_LABEL = re.compile(r"(?i)^\W*blog( ?post)?\W*$")
_TASK = re.compile(r"^\[[ xX]\]\s")
_TASK_TITLE_WORDS = 3
# Leading tags: `[2023/05]`, `[CVPR 2023]`, `**[Abbr]**`, `` [**`bnn`**] ``, `2016-ICLR -`.
_LEADING_TAG = re.compile(
    r"^\s*(?:"
    r"\[\s*\[[^\[\]]{1,40}\]\([^()\s]*\)\s*\]"  # [[CVPR](pdf)]
    # [tag], **[tag]** (not a link's text), marks before it (`🔥🔥[YOCO]`)
    r"|(?:[\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff]\ufe0f?)*\*{0,2}\[[^\[\]]{1,90}\](?!\()\*{0,2}"
    # **[Doe et al. (2020) [@doe2020] (PRD)]**: a label holding a cite key in brackets
    r"|\*{0,2}\[[^\[\]]{1,60}\[@[^\[\]]{1,60}\][^\[\]]{0,40}\](?!\()\*{0,2}"
    r"|`[^`]{1,30}`"  # `tag`
    r"|\{[^{}\n]{1,30}\}(?=\s)"  # {Related}
    # (Arxiv 24.02.01), (**CVPR24**), (*ICLR'26*)
    r"|\((?:\*{1,2}|_)?[^()*_]{1,40}(?:\*{1,2}|_)?\)(?:\*\*)?(?=\s)"
    # `ACL2017:`, `EMNLP2020-Findings:`, `arxiv2020:`: a venue fused with its year, a colon
    r"|[A-Za-z][A-Za-z&.'-]{1,15}(?:19|20)\d\d(?:[-_][A-Za-z]{1,12})?(?=:\s)"
    r"|\*\*[^*\n]{1,30}\*\*\s*:(?=\s*[\"\u201c])"  # **Abbr**: "Title"
    r"|<u>[^<]{1,40}</u>\s*:?"  # <u>Model</u>:
    r"|(?:19|20)\d\d(?:\s*[-/.]\s*[A-Za-z][\w .&'-]{0,30}?)?\s+-\s"  # 2016-ICLR - , 2014 -
    r"|(?:19|20)\d\d[-/.](?:0?[1-9]|1[0-2])(?:[-/.](?:0?[1-9]|[12]\d|3[01]))?(?=\s*[-:|\[])"
    r")\s*[:|\-\u2013\u2014]?\s*"
)
_BOLD = re.compile(r"^\s*(\*\*|__)(.+?)\1")
# A field line of the item that says what kind of thing it is (not a paper)
_DECLARED_KIND = re.compile(
    r"(?i)^[*_]{0,2}(?P<field>publication|published in|type|kind|format|source|venue|notes?)"
    r"[*_]{0,2}\s*:\s*[*_]{0,2}\s*(?:an?\s+)?(?P<kind>blog|podcast|video|book|textbook|tutorial|"
    r"course|slides|talk|website|newsletter|lecture)(?:s|\s+post)?\b"
)
# `SVD++: **Title**`, `Deep FM: __Title__`: a short name, a colon, the title in bold
_NAME_THEN_BOLD = re.compile(
    r"^\s*([^\s*_\[\]():]{1,30}(?:\s[^\s*_\[\]():]{1,30}){0,2}):\s*(\*\*|__)(?=\S)(.+?)(?<=\S)\2"
)
_LEADING_ITALIC = re.compile(r"^\s*([*_])(?=[^\s*_])(.+?)(?<=[^\s*_])\1(?![*_\w])")
_INNER_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
# `Kim, Jihyung; Jeong, Kyowon; Roe, Bo;  *Title*. Journal. 2024.`: names separated by
# semicolons, then the title in italics
_SEMICOLON_AUTHORS_ITALIC = re.compile(
    r"^(?P<names>[^*_;\[\]]{2,60}(?:(?:;\s*[^*_;\[\]]{2,60}){1,60};?|;))\s*(?P<mark>\*|_)(?=\S)"
    r"(?P<title>[^*_]{8,400}?)(?<=\S)(?P=mark)(?![*_])"
)
# `:+1: &nbsp;`, `:star:` before an item's text: decoration, not the title
LEADING_DECORATION = re.compile(
    r"^(?:\s*(?::[a-z0-9_+-]{1,30}:|&nbsp;|&emsp;|&ensp;|<a\s+(?:name|id)=[^<>]{1,80}>\s*</a>))+\s*",
    re.IGNORECASE,
)
# `, IEEE T-ITS, 2022`, `, TPAMI, 2021`: an abbreviated venue between a title and its year
_TRAILING_ACRONYM = re.compile(r",\s*((?:[A-Z][\w&.-]*\s?){1,3})$")
_QUOTED = re.compile(r'^\s*(?:"([^"]{8,})"|“([^”]{8,})”)')
_EMPHASIS = re.compile(r"\*\*([^*]+)\*\*|\*([^*]+)\*|__([^_]+)__|_([^_\s][^_]*)_|\(([^()]+)\)")
_HTML = re.compile(r"<[^>]{1,200}>")
# `Title, Author Name`; not `Think Small, Act Fast: A Title` (a colon: the title goes on)
# nor `One Widget for All (OWA) estimation`: an acronym in the title's middle
_SENTENCE_END = re.compile(
    r"\.\s+(?=\S)|\s[-\u2013\u2014|]\s|\s(?:-+>|=+>|\u2192)\s|\s\((?![A-Z][\w-]{0,15}\)(?:\s+[a-z]|:\s))"
    r"|,\s(?=[A-Z][a-z]+ [A-Z](?![\w-]*\s?:))"
)
_MIN_TITLE_WORDS = 2
_TRAILING_ARROW = re.compile(r"(?:\s*(?:-+>|=+>|[\u2192\u27f6\u279c\u27a1]))+\s*$")
# Windows-1252's curly quotes read as Latin-1 (`\x93Title\x94`): C1 controls, never text
_C1_QUOTES = str.maketrans({"\x91": "\u2018", "\x92": "\u2019", "\x93": "\u201c", "\x94": "\u201d"})
_ESCAPED_TAG = re.compile(r"^(\s*)\\\[([^\[\]]{1,60})\\\]")
_OFFICIAL = re.compile(r"(?i)\bofficial\b")
# `PNAS'19`, `NIPS' 16`: a venue-like word with a two-digit year (not `ResNet50`)
_ARXIV_NUMBER = re.compile(r"(?<![\d.])\d{4}\.\d{4,5}(?!\d)")  # 2105.08252: May 2021
_VENUE_WITH_SHORT_YEAR = re.compile(r"\b[A-Z][A-Za-z&-]{1,15}\s?'\s?\d\d\b")
# A sentence end that is not an initial (`M. Belkin`) or `et al.`
_SENTENCE = re.compile(r"(?<!\b[A-Z])(?<!\bal)(?<!\.[a-z])\.\s+")  # nor `e.g.`, `v.s.`
# After a one-letter name (`W E. Title`): tried when no sentence end ends the authors.
_AFTER_SHORT_NAME = re.compile(r"(?<=\s[A-Z])\.\s+")
_TRAILING_BREAK = re.compile(r"(?:\s*(?:<br\s*/?>|\\))+\s*$", re.IGNORECASE)
_NOT_PAPER_TAG = re.compile(
    r"(?i)^\W*(?:[\w-]+\s)?(video|news|blog|talk|slides?|tutorial|podcast|course|lecture|tool|"
    r"library|dataset|demo|code)\W*$"  # `[Blog]`, `[Chinese Blog]`
)
# What a regenerated list appends to an item (render.py): ` — Citations: 12 · Stars: 3`. It is
# the pipeline's own output, not the maintainer's data, so reading it back ignores it.
ENRICHMENT = re.compile(r" \u2014 (?:[A-Z][\w ]{0,20}: [^\u00b7]*(?: \u00b7 |$))+\s*$")


_TRAILING_YEAR = re.compile(r",\s*((?:19[5-9]|20\d)\d)\W*$")
_YEAR_THEN_VENUE = re.compile(r",\s*((?:19[5-9]|20\d)\d),\s*([A-Za-z][\w&/ .'-]{1,40}?)\W*$")
# `... Segmentation CVPR2025`, `... Predictors? NIPS'18`, `... Learning Neural Networks 2019`:
# the one-word venue first, so a title word is never taken for part of it
_TRAILING_VENUES = (
    re.compile(r"[\s.,]+([A-Z][\w&-]*\s?'?\s?\d{2,4})\W*$"),
    re.compile(r"[\s.,]+([A-Z][\w&-]*\s[A-Z][\w&-]*\s?'?\s?\d{2,4})\W*$"),
)


_MONTH_DAY = re.compile(rf"(?i)\b{MONTH_NAME}\s+\d{{1,2}}$")  # `... event on April 28`
_DATED_TAIL = re.compile(r",\s*((?:[A-Za-z][\w&'/.-]*\s){1,3})((?:19[5-9]|20\d)\d)\W*$")
_STATUS_TAIL = re.compile(
    r"(?i),\s*(unpublished|preprint|in press|to appear|under review|manuscript|"
    r"technical report|tech\.? report|working paper)(?:\s+((?:19|20)\d\d))?\W*$"
)


def _venue_at_end(title: str) -> tuple[str, str | None, str | None]:
    """`Are ResNets Provably Better than Linear Predictors? NIPS'18`: a title that runs into
    its venue and year, with no punctuation the reader could cut at."""
    text = re.sub(r"\s*\u3010[^\u3011]*\u3011\s*$", "", title)  # a note in 【...】
    found = next(
        (
            match
            for pattern in _TRAILING_VENUES
            if (match := pattern.search(text))
            and find_venue(match.group(1))
            and year_from_text(match.group(1))
        ),
        None,
    )
    then_venue = _YEAR_THEN_VENUE.search(text)  # `Title, 2022, ASPLOS`
    if found is None and then_venue is not None:
        venue_text = then_venue.group(2).strip()
        capitalised = all(word[:1].isupper() for word in venue_text.split() if len(word) > 3)
        named = (
            find_venue(venue_text) is not None
            or re.search(r"[A-Z]{2}", venue_text) is not None
            or capitalised  # `Title, 2005, Medical Image Analysis`: a name after the year
        )
        if named and len(text[: then_venue.start()].split()) >= _MIN_TITLE_WORDS:
            return _clean_title(text[: then_venue.start()]), venue_text, then_venue.group(1)
    if found is None:
        # `Title, WDAG 1997`, `Title, SIGACT News 2020`, `Title, Unpublished`: a venue we may
        # not know, or a status, set off by a comma at the end
        tail = _DATED_TAIL.search(text)
        if tail is not None and tail.group(1)[0].islower() and not find_venue(tail.group(1)):
            tail = None  # `Title, arXiv 2022` is a venue; `Title, in the year 2022` is not
        tail = tail or _STATUS_TAIL.search(text)
        if tail is not None and len(text[: tail.start()].split()) >= _MIN_TITLE_WORDS + 1:
            venue_text = tail.group(1).strip()
            return _clean_title(text[: tail.start()]), venue_text, tail.group(2)
        year = _TRAILING_YEAR.search(text)  # `Title of the paper, 2019`
        if year is None:
            return title, None, None
        before = text[: year.start()]
        venue = _TRAILING_ACRONYM.search(before)  # `Title, IEEE T-ITS, 2022`
        if (
            venue
            and re.search(r"[A-Z]{2}", venue.group(1))
            and len(before[: venue.start()].split()) >= 3
        ):
            return _clean_title(before[: venue.start()]), venue.group(1).strip(), year.group(1)
        return _clean_title(before), None, year.group(1)
    return _clean_title(text[: found.start()]), found.group(1), found.group(1)


def venue_label(content: str) -> str | None:
    """An item that only names a venue or year (`- NIPS'19`), whose sub-items are its papers."""
    text = plain_text(content).strip(" :")
    if len(text.split()) > 3 or not (find_venue(text) or year_from_text(text)):
        return None
    if find_urls(content):
        return None  # `U-Net [https://arxiv.org/pdf/...] [2015]`: a paper, not a label
    return text


@dataclass(frozen=True)
class ItemReading:
    """What an item says: a paper (title and the rest), or why it is not one."""

    title: str | None = None
    paper_url: str | None = None
    code_urls: tuple[str, ...] = ()
    venue: str | None = None
    year_text: str | None = None  # where the year is written, for year_from_text
    skip: SkipReason | None = None  # set when the item is not a paper
    detail: str | None = None  # what the skip says, in words
    has_links: bool = False

    @property
    def skip_reason(self) -> str | None:
        return None if self.skip is None else (self.detail or SKIP_MESSAGES[self.skip])


# `*IEEE Transactions on Image Processing 2005*`, `(CVPR 2021)`, `[NeurIPS'22]` ending an item
_TRAILING_GROUP = re.compile(
    r"\s*(?:(\*\*|\*|__|_)(?P<emphasis>[^*_\[\]]{2,120}?)\1|\((?P<paren>[^()]{2,120})\)"
    r"|\[(?P<bracket>[^\[\]]{2,120})\](?![(\[]))[\s.,;]*$"
)


_LINK_SEPARATORS = re.compile(r"[\s\[\](),;|/\u00b7-]+")


def _trailing_links_start(body: str) -> int:
    """Where the run of links that ends an item starts (`... [code](u) [[pdf](v)]`), or the
    text's end when it ends with no link."""
    start = len(body.rstrip())
    for link in reversed(find_links(body)):
        between = body[link.end : start]
        if _LINK_SEPARATORS.sub("", between) or link.end > start:
            break
        start = link.start
        while start > 0 and body[start - 1] in " \t[(":
            start -= 1
    return start


def _trailing_tags(body: str) -> tuple[str, list[str]]:
    """An item's text without the venue and year that end it (before its links, if any), and
    those as tags, so a title written without a link never swallows them
    (`Title *IEEE Transactions on X 2005* [code](url)`)."""
    links_start = _trailing_links_start(body)
    text, links = body[:links_start], body[links_start:]
    found = _TRAILING_GROUP.search(text)
    if found is None or "](" in text[found.start() :] or "://" in found.group(0):
        return body, []
    if text[: found.start()].endswith("]"):
        return body, []  # `[label](url)`: a link's target, not a tag
    inner = found.group("emphasis") or found.group("paren") or found.group("bracket") or ""
    if re.match(r"(?:No|p|pp)\.\s", inner):
        return body, []  # `*Title* (p. 2023.10.11.561723)`: a report's or preprint's number
    dated = find_venue(inner) is not None or year_from_text(inner) is not None
    before = text[: found.start()]
    words = word_count(before)
    if not dated or words == 0:
        return body, []
    if words < _MIN_TITLE_WORDS and not (find_venue(inner) and year_from_text(inner)):
        return body, []  # `RelViT (ICLR'22)`: a name with its venue and year
    return text[: found.start()] + links, [inner]


_LABEL_WORDS = 3
_QUOTED_TITLE = re.compile(r'["\u201c]\s*([^"\u201c\u201d]{12,300}?)[\s.,]*["\u201d]')


_CODE_TAGS = re.compile(r":[a-z0-9_+-]{1,30}:|`[^`]{0,30}`|&nbsp;|&emsp;|[\s\-\u2013\u2014|/]")


def _tags_only(body: str) -> bool:
    """Whether an item opens with code tags and emoji only before its first link
    (`` :blue_square: `SVOS` `Apr` - [paper](url) ``)."""
    links = find_links(body)
    lead = body[: links[0].start] if links else body
    rest = _CODE_TAGS.sub(" ", lead)
    return bool(links) and not re.search(r"[^\W\d_]{2}", rest)


def _label_then_authors(title: str) -> bool:
    """`C-RPN: Heng Fan, Haibin Ling`: a name, a colon, then the authors."""
    label, colon, rest = title.partition(":")
    return bool(colon) and len(label.split()) == 1 and looks_like_authors(rest.strip())


_SEGMENT_BREAK = re.compile(
    r"\s+[-\u2013\u2014|/]\s+|\s*(?:&nbsp;|&emsp;)+\s*[-\u2013\u2014|/]?\s*(?:&nbsp;|&emsp;)*\s*"
    r"|\s*\|\s*|\x00"
)


def _longest_segment(body: str) -> str | None:
    """The longest run of words (five or more, not authors, not a venue) between an item's
    links, code tags and separators, if any."""
    text = body
    for link in reversed(find_links(text)):
        text = text[: link.start] + "\x00" + text[link.end :]
    text = re.sub(r":[a-z0-9_+-]{1,30}:|`[^`]{0,30}`|[\[\]]", "\x00", text)
    best: str | None = None
    for piece in _SEGMENT_BREAK.split(text):
        words = _clean_title(piece)
        if len(words.split()) < _LABEL_WORDS + 2 or looks_like_authors(words):
            continue
        if find_venue(words) and len(words.split()) <= _LABEL_WORDS + 2:
            continue
        if best is None or len(words) > len(best):
            best = words
    return best


_DATED_NAME = re.compile(
    r"(?:[A-Z][\w&.'/-]*\s+(?:(?:of|on|and|for|the|in|&)\s+)?){1,6}['\u2019]?(?:19|20)?\d\d"
)


def _a_label(title: str) -> bool:
    """`acGAN`, `ROAM:`, `[6]`, `KDD-2021`: a name, number or venue, not a paper's title."""
    words = plain_text(title).strip(" :").split()
    if len(words) <= _LABEL_WORDS - 1 or bool(find_venue(title) and len(words) <= _LABEL_WORDS):
        return True
    # `IEEE Transactions on Image Processing 2005: [Title](url)`, `Nature Widgets 2005:`: a
    # venue's name (known, or capitalised words), then its year
    text = plain_text(title).strip(" :")
    if year_from_text(text) is not None and only_a_venue(text):
        return True
    return _DATED_NAME.fullmatch(text) is not None


def _title_link_after_label(body: str, links: Sequence[Link]) -> Link | None:
    """The first link named by a title (three words or more, not a word for a link), when
    only a short label comes before it."""
    for link in links:
        label = plain_text(link.text)
        if is_link_word(label):
            continue
        if len(label.split()) < _LABEL_WORDS:
            return None
        before = plain_text(body[: link.start]).strip(" -:|\u2013\u2014[(")
        return link if _a_label(before) else None
    return None


def title_link_after_authors(body: str, links: Sequence[Link]) -> Link | None:
    """`Ann Smith, Bo Li, and Carl Jones. 2019. [Widget Networks for Tasks](url). In ...`:
    a citation whose authors come first and whose title is linked."""
    for link in links:
        label = plain_text(link.text)
        if word_count(label) < _TITLE_IN_BRACKETS_WORDS - 1 or is_link_word(label):
            continue
        before = re.sub(r"[\s.,;:(]*(?:19|20)\d\d[a-z]?[\s.,;:)]*$", "", body[: link.start])
        before = before.strip(" .,;:*_")
        if before and (looks_like_authors(before) or only_names(plain_text(before))):
            return link
        return None  # only the first title-like link may be the title
    return None


def _linked_title_text(text: str) -> tuple[str, list[str]]:
    """A title link's text without a leading `[tag]` and a trailing `(Venue 2019)`, which
    become tags: `[[CTRX] Cross Towers for Clicks (Acme 2019)](url)`."""
    tags: list[str] = []
    lead = re.match(r"^\s*\\?\[([^\[\]]{1,40})\\?\]\s*(?=\S)", text)
    if lead and len(text[lead.end() :].split()) >= _MIN_TITLE_WORDS:
        tags.append(lead.group(1))
        text = text[lead.end() :]
    who_and_when = author_date_lead(plain_text(text))
    if who_and_when is not None:  # `[Otero, et al. (2020) Title](url)`: who and when, then title
        title_start, year = who_and_when
        return _clean_title(plain_text(text)[title_start:]), [*tags, str(year)]
    whole = (
        read_citation(reference_text(plain_text(text))) if '"' in text or "\u201c" in text else None
    )
    if whole is not None and whole.quoted:
        # `[Gulshan, Varun, et al. "Title." Jama 316.22 (2016): 2402-2410.](url)`: a reference
        # as the link's text, its title quoted
        where = re.sub(r"\s*\(([^()]*)\)", "", whole.rest).strip(" .,:;")
        dated = [str(whole.year)] if whole.year else []
        return _clean_title(whole.title), [*tags, *([where] if where else []), *dated]
    tail = re.search(r"\s*\(([^()]{2,60})\)\s*$", text)
    if tail and year_from_text(tail.group(1)) and word_count(text[: tail.start()]) >= 2:
        tags.append(tail.group(1))
        text = text[: tail.start()]
    # `Title, TIST 2021`: a known venue and its year after a comma
    cited = re.search(r",\s*([^,()]{2,40})\s*$", text)
    if (
        cited
        and year_from_text(cited.group(1))
        and (find_venue(cited.group(1)) or _ACRONYM_YEAR.fullmatch(cited.group(1).strip()))
        and len(text[: cited.start()].split()) >= _MIN_TITLE_WORDS
    ):
        tags.append(cited.group(1))
        text = text[: cited.start()]
    return _clean_title(text), tags


_TITLE_IN_BRACKETS_WORDS = 4
_BADGE_TEXT = re.compile(r"(?:\s*!\[[^\]]*\]\([^)]*\))+\s*")
_ACRONYM_YEAR = re.compile(r"[A-Z][A-Z&-]{1,11}\s?'?\s?(?:19|20)?\d\d")  # `TIST 2021`, `TPAMI'19`
_BRACKETED_TITLE = re.compile(r"^\s*\[(\*\*|__)?([^\[\]]{8,300}?)\1?\](?![(\[])")


_FULL_TITLE_AFTER = re.compile(r"^\s*[(\uff08]([^()\uff08\uff09]{12,300})[)\uff09]")
_NAME_WORDS = 3


def _full_title_after_name(name: str, after: str) -> re.Match[str] | None:
    """`**DiffCP** (DiffCP: Ultra-Low Bit Collaborative Perception)`: a short name, then its
    paper's full title in parentheses; not a venue, a date or the authors in them."""
    found = _FULL_TITLE_AFTER.match(after)
    if found is None or len(name.split()) > _NAME_WORDS or len(name) > 30:
        return None
    inside = plain_text(found.group(1))
    if len(inside.split()) < _TITLE_IN_BRACKETS_WORDS or len(inside.split()) <= len(name.split()):
        return None
    if year_from_text(inside) or find_venue(inside) or re.search(r"(?i)\bet al\b", inside):
        return None
    return None if only_names(inside) else found


# ` - Positive-unlabeled networks for particle picking, [Version](url)`: a title after a name
_AFTER_NAME = re.compile(
    r"^\s*[-\u2013\u2014:]\s+(?P<title>[A-Z0-9][^\[\]]*?)\s*(?:[,.;]\s*)?(?=\[|$)"
)
_TITLE_AFTER_NAME_WORDS = 5
_LINKED_NAME_WORDS = 2
# `**DETR**: End-to-End Object Detection with Transformers. [Paper](url)`: what follows the name
_AFTER_BOLD_NAME = re.compile(r"^\s*(?::|\s[-\u2013\u2014])\s+(?P<title>[^\W_][^\[\]*_]*)")
_DATED_PARENTHESES = re.compile(r"\s*\(([^()]*)\)[\s.,;:]*$")
_LINKED_NAME_CHARS = 30


def _title_after_name(name: str, after: str, url: str) -> tuple[str, str] | None:
    """`[Topaz](arxiv-url) - Positive-unlabeled convolutional neural networks for ...`: a short
    name linked to what surely is its paper, then the paper's title after a dash or a colon.
    The title and the text after it, or None."""
    if word_count(name) > _LINKED_NAME_WORDS or len(name) > _LINKED_NAME_CHARS:
        return None
    if not names_a_paper(url):
        return None
    found = _AFTER_NAME.match(after)
    if found is None:
        return None
    title = found.group("title")
    plain = plain_text(title)
    if word_count(plain) < _TITLE_AFTER_NAME_WORDS or year_from_text(plain) or find_venue(plain):
        return None  # `- J. Redmon and A. Farhadi, CVPR2017`: who, where and when
    if only_names(plain) or ("," in plain and only_names(plain.split(",")[0])):
        return None  # `- Khanh Nguyen, Hal Daumé III`: its authors
    return _clean_title(title), after[found.end() :]


def _title_after_bold_name(name: str, after: str) -> tuple[str, str] | None:
    """`**DETR**: End-to-End Object Detection with Transformers. [Paper](url)`: a method's short
    name in bold, then its paper's title after a colon or a dash, running to the first link or
    emphasis (a venue and year in parentheses at its end left after it); a title in lower case
    goes on from the name (`Name: a framework for`).
    Not a venue, a date or the authors after the name. The title and the text after it, or
    None."""
    name = name.strip()
    if name.endswith(":") and not after.lstrip().startswith((":", "-")):
        name, after = name[:-1].rstrip(), f":{after}"  # `**DETR:** End-to-End ...`
    if not name or len(name.split()) > _NAME_WORDS or len(name) > 30:
        return None
    found = _AFTER_BOLD_NAME.match(after)
    if found is None:
        return None
    title = re.sub(r"[\s.,;:]+$", "", found.group("title"))
    aside = _DATED_PARENTHESES.search(title)
    if aside is not None and (year_from_text(aside.group(1)) or find_venue(aside.group(1))):
        title = title[: aside.start()]  # `Title (ICCV 2021)`: where and when, for the venue
    plain = plain_text(title)
    if word_count(plain) < _TITLE_IN_BRACKETS_WORDS or word_count(plain) <= len(name.split()):
        return None
    if year_from_text(plain) or find_venue(plain) or re.search(r"(?i)\bet al\b", plain):
        return None
    if only_names(plain) or looks_like_authors(plain):
        return None
    rest = after[found.start("title") + len(title) :]
    if plain[0].islower():  # `**Squidpy**: a scalable framework for ...`: the name begins it
        return _clean_title(f"{name}: {title}"), rest
    return _clean_title(title), rest


# `1995 Shor: Title`, `1996: Grover: Title`, `1998 Monroe et al Title`, `2017 Title`: a year
# that dates the item, then maybe who wrote it, before the title
_LEADING_YEAR = re.compile(r"^\s*((?:19|20)\d\d)(?:\s*[:.\u2013\u2014-]\s+|\s+)(?=[A-Z\"\u201c'])")
# Only names that say they are people: `Cirac/Zoller: `, `Monroe et al `, `Bennet et al: `. A
# single `Shor: ` stays, as `Mamba: Linear-Time Sequence Modeling` is a title.
_WHO_BEFORE = re.compile(
    r"^(?:[A-Z][\w'\u2019-]+(?:\s?/\s?[A-Z][\w'\u2019-]+)+\s*:\s+"
    r"|[A-Z][\w'\u2019-]+\s+et\.?\s*al\.?[,:]?\s+)"
)
_YEAR_TITLE_WORDS = 4
# Text, then an autolink or a bare address, then what follows it
_TEXT_THEN_ADDRESS = re.compile(r"^(?P<text>[^\[\]<>]*?\S)\s*<?https?://\S+")


def _without_leading_year(body: str) -> tuple[str, list[str]]:
    """`1995 Shor: Polynomial-Time Algorithms for ...`: the body without the year that opens it
    and the name after it (the year becomes a tag), when a title of four words is left."""
    year = _LEADING_YEAR.match(body)
    if year is None or word_count(plain_text(body[year.end() :])) < _YEAR_TITLE_WORDS:
        return body, []
    rest = body[year.end() :]
    who = _WHO_BEFORE.match(rest)
    if who is not None and word_count(plain_text(rest[who.end() :])) >= _YEAR_TITLE_WORDS:
        rest = rest[who.end() :]
    return rest, [year.group(1)]


def _a_placeholder(label: str) -> bool:
    """`[GaitSet: Regarding Gait as a Set]()`: a label that reads as a paper's title, linked
    to nothing yet; not a name, a link word or a few words."""
    text = plain_text(label)
    if word_count(text) < _MIN_TITLE_WORDS or is_link_word(text):
        return False
    venue_only = find_venue(text) is not None and word_count(text) <= _TITLE_IN_BRACKETS_WORDS
    return not (only_names(text) or venue_only)


def _strip_tags(text: str) -> tuple[str, list[str]]:
    """The text after leading tags, and the tags' plain text (venues and dates hide there)."""
    tags: list[str] = []
    while True:
        match = _LEADING_TAG.match(text)
        if match is None or match.end() == 0:
            return text, tags
        tag = plain_text(match.group(0)).strip(" ()[]|:-")
        if len(tag.split()) >= _TITLE_IN_BRACKETS_WORDS and not (
            find_venue(tag) or year_from_text(tag)
        ):
            return text, tags  # `[**Widget Style Transfer for Images**]`: the title, bracketed
        tags.append(tag)
        text = text[match.end() :]


def _clean_title(text: str) -> str:
    title = plain_text(_HTML.sub(" ", text))
    title = _TRAILING_ARROW.sub("", title)  # `Title  ---->  https://...`: points at its address
    if len(re.findall(r"[A-Za-z]{2,}", title)) >= 3:  # `Title(中文译名)`: a translation aside
        title = _TRANSLATION.sub(" ", title)
    title = PRESENTATION_MARK.sub("", title)  # `Title (Oral)`: how it was presented
    title = AUTHORS_ASIDE.sub("", title)  # `Title (Smith et al.)`: who wrote it
    title = MAKER_ASIDE.sub("", title)  # `Title(@Microsoft)`: who made it
    title = title.strip(" \t.,;:|-\u2013\u2014*_\"'“”")
    if title.endswith(("(", "[")):  # `Title, *Venue*([Paper](url))`: the links' own bracket
        title = title[:-1].strip(" \t.,;:|-\u2013\u2014*_\"'“”")
    title = without_stray_closer(title).strip(" \t.,;:|-\u2013\u2014*_\"'“”")
    return " ".join(title.split())


# The document type that closes a title in a GB/T 7714 citation: journal, conference, book,
# thesis, report, patent, standard, online item
_DOCUMENT_TYPE = re.compile(r"(?<=\S)\[(?:J|C|M|D|A|R|P|S|N|Z|EB/OL|J/OL|C/OL|M/OL|DB/OL)\](?!\()")


def _one_run_and_year(sentence: str) -> bool:
    """`Diffusion Self-Supervised Learning Methods, 2005` (`, CVPR` after it or not): one run
    of four words or more and a year is a title with its year; names come two or three words
    each, in lists."""
    found = re.fullmatch(r"\s*([^,;&]+?),\s*(?:19|20)\d\d\b(.*)", sentence)
    if found is None or len(found.group(1).split()) < _MIN_TITLE_WORDS + 2:
        return False
    tail = found.group(2).strip(" ,.;")  # `Title, 2005, CVPR`: the venue may follow the year
    return not re.search(r"\w", tail) or find_venue(tail) is not None


def _a_person(text: str, url: str) -> bool:
    """`Schwefel, H.P.`, `J. Smith`, `Wayne Wu`: a link text that is one person's name (two
    or three capitalised words that no title word is among, to a page that is no paper's)."""
    if only_names(text, marked=True):
        return True
    words = text.split()
    return (
        2 <= len(words) <= 3
        and only_names(text)
        and find_venue(text) is None
        and not names_a_paper(url)
    )


def _labelled_paper(link: Link) -> bool:
    """`[PDF](url)`, `[Paper](url)`, `[CVPR 2023](url)`: text that says the link is the paper
    (not a badge's picture, whose text is only its alt text)."""
    if _BADGE_TEXT.fullmatch(link.text):
        return False
    label = plain_text(link.text)
    return link_word_kind(label) == "paper" or find_venue(label) is not None


# a year in full: what the venue part must show for the year before the title to be left out
# (`e10`, an article number, reads as `'10` to year_from_text)
_FULL_YEAR = re.compile(r"(?<![\d.])(?:19[5-9]\d|20\d\d)(?!\.?\d)")


def _cited_before(text: str, position: int) -> bool:
    """Whether the text before `position` is already a whole citation, authors, year and
    title, so that what follows is its venue part."""
    cited = read_citation(reference_text(text[:position]))
    return cited is not None and cited.year is not None and bool(cited.rest.strip(" ,.;:*_"))


def _dated_after(after: str, year: int | None) -> str:
    """The text after a title, with the year a citation wrote before the title (`Smith, J.
    (2020). Title. Venue`) when that text names none: the venue and year are read from it."""
    if year is None or _FULL_YEAR.search(_without_urls(after)):
        return after
    return f"{after} ({year})"


def _italic_then_names(text: str) -> tuple[str, str] | None:
    """`*Title*, H. Zhong et al. [[pdf]](url)`: the title in italics, then who wrote it. The
    title and the text after it, or None."""
    emphasised = _LEADING_ITALIC.match(text)
    if emphasised is None or word_count(plain_text(emphasised.group(2))) < _MIN_TITLE_WORDS:
        return None
    after = text[emphasised.end() :]
    names = after.split("[", 1)[0]
    for url in find_urls(names):
        names = names.replace(url, " ")
    names = _TRAILING_ARROW.sub("", names).strip(" ,.;:-\u2013\u2014")
    if (
        after.lstrip().startswith((",", ".", "-", "\u2013", "\u2014"))
        and names
        and (looks_like_authors(names) or only_names(names))
    ):
        return _clean_title(emphasised.group(2)), after
    return None


def _title_from_text(text: str) -> tuple[str | None, str, list[str]]:
    """A title written without a link (bold, quoted, or the text up to its first break), the
    text after it, and venue tags found inside it (`**Title (KDD 2019)**`)."""
    typed = _DOCUMENT_TYPE.search(text.split("](", 1)[0])
    if typed is not None:
        # `Zhu R, Wu Z, et al. Title[J]. Venue, 2020.` (GB/T 7714): the sentence the marker ends
        title = re.split(r"(?<=\.)\s+", text[: typed.start()].rstrip())[-1]
        if len(title.split()) >= _MIN_TITLE_WORDS:
            return _clean_title(title), text[typed.end() :], []
    name_first = _NAME_THEN_BOLD.match(text)
    if name_first is not None and word_count(plain_text(name_first.group(3))) >= _MIN_TITLE_WORDS:
        # `SVD++: **Factorization Meets the Neighborhood**. [[PDF](url)]`: a model's name,
        # then its paper's title in bold (as `**Mamba**: Title` gives the title after it)
        return _clean_title(name_first.group(3)), text[name_first.end() :], []
    bold = _BOLD.match(text)
    if bold:
        # `**Title (ICDE 2020) [[**Paper**](url)]**`: the bold ends at the label's own `**`
        inside = re.sub(r"[\s\[(]+$", "", bold.group(2))
        whole = read_citation(reference_text(inside))
        if whole is not None and whole.title in inside:  # `**Smith J. Title. Nature. 2020.**`
            dated = f" ({whole.year})" if whole.year and not year_from_text(whole.rest) else ""
            return _clean_title(whole.title), f"{whole.rest}{dated} {text[bold.end() :]}", []
        lead = author_date_lead(plain_text(inside))
        if lead is not None:  # `**Smith et al. (2020) Title**`
            title = _clean_title(plain_text(inside)[lead[0] :])
            return title, f"{text[bold.end() :]} ({lead[1]})", []
        full = _full_title_after_name(plain_text(inside), text[bold.end() :])
        if full is not None:
            return _clean_title(full.group(1)), text[bold.end() + full.end() :], []
        after_name = _title_after_bold_name(plain_text(inside), text[bold.end() :])
        if after_name is not None:
            return after_name[0], after_name[1], []
        tail = re.search(r"\s*\(([^()]*)\)\s*\.?$", inside)
        if tail and (year_from_text(tail.group(1)) or find_venue(tail.group(1))):
            return _clean_title(inside[: tail.start()]), text[bold.end() :], [tail.group(1)]
        return _clean_title(inside), text[bold.end() :], []
    quoted = _QUOTED.match(text)
    if quoted:
        return _clean_title(quoted.group(1) or quoted.group(2)), text[quoted.end() :], []
    italic = _SEMICOLON_AUTHORS_ITALIC.match(text)
    if italic and looks_like_authors(italic.group("names")):
        return _clean_title(italic.group("title")), text[italic.end() :], []
    emphasised = _italic_then_names(text)
    if emphasised is not None:
        return emphasised[0], emphasised[1], []
    inner = _INNER_BOLD.search(text.split("](", 1)[0])
    if inner and _cited_before(text, inner.start()):
        inner = None  # `Doe J (2020) Title. *Journal*, **62**: 1-9`: the bold is the volume
    if inner and looks_like_authors(text[: inner.start()].strip(" ,.:;-")):
        # `J. Doe, K. Roe, **Title**, 2019`: the authors first, the title in bold
        after = text[inner.end() :]
        # `Doe, J. (1987a). **Title**. **Venue** 2: 7-12.`
        after = _dated_after(after, year_from_text(text[: inner.start()]))
        return _clean_title(inner.group(2)), after, []
    plain = text.split("[", 1)[0]
    reference = read_citation(reference_text(text if text.lstrip().startswith("[") else plain))
    if reference is not None and reference.title in text:
        # `Smith J, Roe K. Title. Nature. 2020;1:2.`, `J. Smith and K. Roe, "Title," in X`
        start = text.index(reference.title)
        # `Smith, J. (2020). Title.`: dated before it
        after = _dated_after(text[start + len(reference.title) :], reference.year)
        return _clean_title(reference.title), after, []
    sentences = _SENTENCE.split(plain, maxsplit=2)
    if len(sentences) >= 2 and looks_like_authors(sentences[0]):
        # A citation that names the authors first: `M. Belkin, D. Hsu. Title. PNAS'19`
        title = sentences[1]
        is_venue = find_venue(plain_text(title)) is not None or re.match(r"^\W*[*_]", title)
        if len(title.split()) >= _MIN_TITLE_WORDS + 1 and not is_venue:
            start = text.index(title)
            return _clean_title(title), text[start + len(title) :], []
    # Names separated by commas, then the title (before a middle initial is taken for the end
    # of the authors: `A. Krizhevsky, G. E. Hinton, Title, NIPS, 2012`).
    cited = _title_after_authors(plain)
    if cited is not None:
        start = text.index(cited)
        return _clean_title(cited), text[start + len(cited) :], []
    for end in _AFTER_SHORT_NAME.finditer(plain):
        rest = _SENTENCE.split(plain[end.end() :], maxsplit=1)[0]
        if looks_like_authors(plain[: end.start()]) and len(rest.split()) > _MIN_TITLE_WORDS:
            start = end.end()
            return _clean_title(rest), text[start + len(rest) :], []
    name = re.match(r"^\s*([^\s()\uff08]+(?:\s[^\s()\uff08]+){0,2})\s*(?=[(\uff08])", plain)
    full = _full_title_after_name(name.group(1), plain[name.end() :]) if name else None
    if name is not None and full is not None:  # `AR2VP (Dynamic V2X Perception from ...)`
        title_end = name.end() + full.end()
        return _clean_title(full.group(1)), text[title_end:], []
    question = re.search(r"\?\s+(?=\S)", plain)
    after = _SENTENCE.split(plain[question.end() :], maxsplit=1)[0] if question else ""
    named = not any(TITLE_NOUN.match(word.strip(".,:;")) for word in after.split())
    if question and named and looks_like_authors(after):
        plain = plain[: question.end()]  # `Does X Help? Müller, Rafael, and Hinton. NeurIPS 2019`
    for broken in _SENTENCE_END.finditer(plain):
        after = plain[broken.end() :]
        if broken.group(0).startswith(",") and not only_names(re.split(r"[.;(\[]", after)[0]):
            continue  # `Title, Low Noise, L3 Cache Attack`: what follows is no list of names
        if len(plain[: broken.start()].split()) >= _MIN_TITLE_WORDS:
            plain = plain[: broken.start()]  # not `DistRDF2ML - Scalable ...`: too short
            break
    return _clean_title(plain) or None, text[len(plain) :], []


_VENUE_PART_WORDS = 4
_TITLE_PARTS = 4
_ET_AL = re.compile(r"[A-Z][\w'\u2019-]+(?:\s+[A-Z][\w'\u2019-]+)?\s+et\.?\s*al\.?")


def _title_after_authors(plain: str) -> str | None:
    """`A. Author, B. Author and C. Author, Title, CVPR 2016` or `A. Author, B. Author,
    "Title", ICLR 2016`: a citation that lists the authors first, separated by commas."""
    parts = [part.strip() for part in re.split(r",\s+", plain)]
    names = people_named = 0
    for index, part in enumerate(parts):
        if index == 0 and _ET_AL.fullmatch(part):
            names, people_named = 1, 2  # `Eigen et al, Title, NIPS 2014`: two people at least
            break
        people = [p.strip() for p in re.split(r"\s+and\s+|^and\s+", part) if p.strip()]
        if not people or not all(NAME.match(p) and 2 <= len(p.split()) <= 4 for p in people):
            break
        following = parts[index + 1].strip(" .") if index + 1 < len(parts) else ""
        venue_next = len(following.split()) <= 3 and bool(
            find_venue(following) or year_from_text(following) == following
        )
        words = part.split()
        no_initials = not any(re.fullmatch(r"[A-Z]\.?", word) for word in words)
        titled = len(words) >= 4 or any(TITLE_NOUN.match(word.strip(".,:;")) for word in words)
        if people_named >= 2 and venue_next and len(words) >= 3 and no_initials and titled:
            # `..., Yoshua Bengio, Generative Adversarial Networks, NIPS, 2014`: the words
            # before the venue are the title, however much they look like a name
            return part
        names += 1
        people_named += len(people)
    et_al = bool(parts) and _ET_AL.fullmatch(parts[0]) is not None
    if not et_al and looks_like_authors(_SENTENCE.split(plain, maxsplit=1)[0]):
        return None  # `A. Author, B. Author, and C. Author. arXiv, 2022`: an author line
    quoted = re.search(r'"([^"]{8,})"|“([^”]{8,})”', plain)
    if quoted and names >= 1 and plain[: quoted.start()].rstrip().endswith(","):
        return quoted.group(1) or quoted.group(2)
    # Two people at least (`A. Author and B. Author, Title, ...` counts two), and a title after.
    if people_named < 2 or names >= len(parts):
        return None
    title = parts[names].strip()
    # `Title with Depth, Normals and Segmentation, ICCV 2019`: the title runs to the venue
    venue_at = next(
        (
            i
            for i in range(names + 1, len(parts))
            if (
                len(parts[i].split()) <= _VENUE_PART_WORDS
                and (find_venue(parts[i]) or year_from_text(parts[i]))
            )
            or (find_venue(parts[i]) and year_from_text(parts[i]))
        ),
        None,
    )
    if venue_at is not None and venue_at - names <= _TITLE_PARTS:
        title = ", ".join(part.strip() for part in parts[names:venue_at])
    head = re.match(r"^(?:and\s+)?([^.]{1,40}?)\.\s", title)
    if title.startswith("and ") or (head and NAME.match(head.group(1))):
        return None  # `L Wu, C Ma, W E. Title.`: the last name ends at a sentence, not a comma
    if len(title.split()) < 3 or find_venue(title) or year_from_text(title) == title:
        return None
    return title


def _runs_on(first: str, following: str) -> bool:
    """The first line's sentence goes on in the next line (a wrapped title): the first has no
    link, no sentence end, and the next starts with a word."""
    return (
        "](" not in first
        and not _SENTENCE.search(first)
        and not first.rstrip().endswith((".", "?", "!", ")", "*", "\u3011"))
        and not _TRAILING_YEAR.search(first)  # `Title, 1964`: it ended
        and bool(re.match(r"^[A-Za-z]", following))
    )


def _without_urls(text: str) -> str:
    """The text with each link replaced by its label, and bare URLs removed."""
    for link in reversed(find_links(text)):
        text = (
            text[: link.start] + " " + ("" if link.is_image else link.text) + " " + text[link.end :]
        )
    for url in find_urls(text):
        text = text.replace(url, " ")
    return text


_UNKNOWN_VENUE = re.compile(
    r"^(?!(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\S+$)"  # `Oct 2021`
    r"[A-Z][\w&.'-]*(?:\s+(?:[A-Z][\w&.'-]*|on|of|and|for|in|the|&)){0,8}"
    r",?\s+(?:'\s?\d\d|(?:19|20)\d\d)$"  # `Nature Machine Intelligence 2012`, `Nature, 2020`
)


# `**Literary and Linguistic Computing** 6: 127-30`, `*Journal*, *6*(2), 127-130`,
# `**American Historical Review** 108, 3 (June): 735-62`: a journal, its volume and its pages
_JOURNAL_VOLUME = re.compile(
    r"(\*\*|\*|_)(?=[A-Z])([^*_\n]{3,100}?)\1,?\s+[*_]*\d{1,4}[*_]*"
    r"(?:\s*[,(]\s*\d{1,4}\)?)?(?:\s*\([^()]{1,20}\))?\s*[:,]\s*(?:pp?\.\s*)?"
    r"\d{1,5}\s*[-\u2013]\s*\d{1,5}"
)
# `. Cambridge, MA: Harvard University Press.`, `. London: Phaidon.`, `John Wiley & Sons:
# Hoboken, NJ.`: where a book was published and by whom, closing the reference
_PUBLISHED_BY = re.compile(
    r"(?:^|[.,]\s+)[\s*_]*[A-Z][\w.'-]*(?:\s+(?:[A-Z][\w.'-]*|&|of))*(?:,\s*[A-Z][\w.]*)?"
    r"(?:\s+and\s+[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*)?\s*:\s*[A-Z][^:\d()]{1,80}?"
    r"[\s.]*(?:\((?:19|20)\d\d[a-z]?\))?[\s.]*$"
)
# What a book's reference never holds: a journal's volume and pages (`43: 256`, `10(2)`), the
# book a chapter is `In`, its editors
_NOT_A_BOOK = re.compile(
    r"\d\s*[:(]\s*\d|\b[Ii]n:?\s+(?:[A-Z]|v[ao]n\s|de\s|the\s)|\(eds?\.?\)|\bpp?\.\s*\d"
    r"|(?i:\bjournal\b|\bproceedings\b|\bconference\b|\bsymposium\b|\bworkshop\b|\bdoi\b)"
)


# `Sinauer Associates, Sunderland, MA.`, `Springer. ISBN: 0-387-32914-5.`: a publisher named
_PUBLISHER = re.compile(
    r"\b(?:(?:University )?Press|Publish(?:ers?|ing)|Associates|Verlag|Books|Sons|Springer|"
    r"Wiley|Elsevier|Routledge|Macmillan|ISBN|CRC|Chapman & Hall|O'Reilly|No Starch|Manning)\b"
)


def _a_book(after_title: str) -> bool:
    """What follows a reference's title says it is a book: a place and a publisher close it
    (an edition or a series may come before them), or a publisher or an ISBN is named, and
    nothing says journal or chapter."""
    text = plain_text(after_title)
    published = _PUBLISHER.search(text) is not None or (
        ":" in text and _PUBLISHED_BY.search(text) is not None
    )
    return published and _NOT_A_BOOK.search(text) is None


def dated_venue(text: str) -> bool:
    """`CVPR 2005`, `(IEEE Transactions on Medical Imaging 2020)`: a venue and its year, alone."""
    plain = plain_text(text).strip(" .,*_")
    if re.fullmatch(r"\(.*\)|\[.*\]", plain):
        plain = plain[1:-1].strip(" .,*_")
    if not year_from_text(plain):
        return False
    return _UNKNOWN_VENUE.match(plain) is not None or (
        find_venue(plain) is not None and len(plain.split()) <= _LABEL_WORDS
    )


def _venue_and_year(text: str, tags: Sequence[str]) -> tuple[str | None, str | None]:
    """The venue an item names (in a tag, parentheses or emphasis, or plain), and the text its
    year is written in."""
    text = _without_urls(text)
    candidates = [*tags]
    for found in _EMPHASIS.finditer(text):
        emphasis = next(g for g in found.groups() if g)
        # `*Zhang X, Wu H. SIGMOD, 2021*`: authors, then the venue in its last sentence
        last = re.split(r"(?<=[^\W\d_]{2})\.+\s+", emphasis)[-1]
        candidates += [last, emphasis] if last != emphasis else [emphasis]
    venue = next((plain_text(c) for c in candidates if find_venue(plain_text(c))), None)
    year_text = next((plain_text(c) for c in candidates if year_from_text(plain_text(c))), None)
    if venue is None:
        # `*Medical Image Analysis 2017*`: an emphasised, bracketed or parenthesised text that
        # holds a year and names something is the venue, known or not (before the plain words:
        # a `[arXiv](url)` label after it is a link, not where the paper appeared)
        venue = next(
            (plain_text(c) for c in candidates if _UNKNOWN_VENUE.match(plain_text(c))), None
        )
    journal = _JOURNAL_VOLUME.search(text) if venue is None else None
    if journal is not None:
        venue = plain_text(journal.group(2)).strip(" ,.")
    if venue is None:
        words = "; ".join([*(plain_text(tag) for tag in tags), plain_text(text)])
        for piece in re.split(r"[,.;|()\[\]]", words):
            piece = piece.strip(" -\u2013\u2014*_")
            if find_venue(piece) is not None and len(piece.split()) <= 5:
                venue = piece
                break
    if year_text is None and venue is not None and year_from_text(venue):
        year_text = venue
    if year_text is None:
        years = _FULL_YEAR.findall(plain_text(text))
        short = _VENUE_WITH_SHORT_YEAR.findall(plain_text(text))
        arxiv = _ARXIV_NUMBER.findall(plain_text(text))
        year_text = years[-1] if years else (short or arxiv or [None])[-1]
    if year_text is None and year_from_text(plain_text(text)):
        year_text = plain_text(text)  # `"Title" (1946, Economica)`: an older year, dated
    return venue, year_text


_OPEN_DESTINATION = re.compile(
    r"\]\(\s*(?:\S+\s*)?$"
)  # `[Title](` or `[Title](url` ending the line
_LINK_LINES = 40  # a link's title attribute may hold an abstract, never a page


def link_close(content: str, continuation: Sequence[str]) -> int:
    """How many of the lines after `content` a link left open at its end runs over: its text
    (`- [A Title That Goes On` / `  Onto The Next Line](url)`) or its destination and title
    (`- ["Title"](` with the address and a quoted abstract on the next lines: CommonMark lets
    both follow line breaks); 0 when none is left open."""
    opens_text = content.count("[") > content.count("]")
    if not continuation or not (opens_text or _OPEN_DESTINATION.search(content)):
        return 0
    opened = content.rstrip()
    for count in range(1, min(len(continuation), _LINK_LINES) + 1):
        lines = (ENRICHMENT.sub("", line).strip() for line in continuation[:count])
        joined = " ".join([opened, *lines])
        if any(link.start < len(opened) < link.end for link in find_links(joined)):
            return count
    return 0


# `*Publication:* Nature`, `**Notes**: ...`: a field of the item on a line of its own
_FIELD_LINE = re.compile(
    r"^[*_]{1,2}[A-Z][\w ]{0,20}:[*_]{1,2}\s|^[*_]{0,2}[A-Z][\w ]{0,20}[*_]{1,2}:\s"
)


def _wrapped_citation(first: str, following: Sequence[str]) -> tuple[str, list[str]] | None:
    """`1. Doe, J. and Roe, K., 2025. A Title that` over `runs on. *Journal* 9. <url>`: a
    reference wrapped over the item's lines (one paragraph, as CommonMark joins it) that the
    first line cuts (in its names, its title or after it). The joined text and the lines left,
    or None when the first line holds the whole reference (or no reference)."""
    lines: list[str] = []
    for line in following:
        if not line or _FIELD_LINE.match(line):
            break
        lines.append(line)
    if not lines:
        return None
    joined = " ".join([first, *lines])
    cited = read_citation(reference_text(joined))
    if cited is None:
        return None
    # `... *Title* (No.` over `12). <url>`: a parenthesis left open has not ended; `CVPR.`
    # over `2005;1:1.`: the line after dates it, which a description never opens with
    dated_below = re.match(r"\(?(?:19|20)\d\d\b", lines[0]) is not None
    ended = first.rstrip().endswith((".", "!", "?")) and first.count("(") <= first.count(")")
    if ended and not dated_below:
        first_text = reference_text(first)
        alone = read_citation(first_text)
        title_on_first = " ".join(cited.title.split()) in " ".join(first_text.split())
        if title_on_first or (alone is not None and alone.title == cited.title):
            return None  # the reference ended on the first line: the other lines say more
    return joined, list(following[len(lines) :])


_BETWEEN_QUOTES = re.compile(
    r"\s*(?P<before>[^\"\u201c\u201d]*?)\s*[\"\u201c](?P<title>[^\"\u201c\u201d]{4,300}?)[\s.,]*[\"\u201d]"
    r"\s*(?P<after>[^\"\u201c\u201d]*?)\s*"
)
_CAPITALISED_NAME = re.compile(r"(?:[A-Z][\w.\u2019'-]*\s?){1,4}")


def _people(text: str, *, marked: bool) -> bool:
    """`Banerjee and Lyer`, `La Porta, de Silanes, Shleifer`, `Dani Rodrick`: who wrote it;
    `marked` (a possessive, `by`): one capitalised name is enough."""
    text = text.strip(" ,:;")
    if not text:
        return False
    if marked and _CAPITALISED_NAME.fullmatch(text):
        return True
    return only_names(text) or looks_like_authors(text)


def _quoted_with_names(text: str) -> tuple[str, str] | None:
    """`Sachs' "Title"`, `Banerjee and Lyer: "Title"`, `La Porta, Shleifer, 2002, "Title"`,
    `"Title" by Mo`, `"Title," Banerjee and Duflo`: a quoted title beside the people who wrote
    it, and nothing else (plain text: links and addresses removed). The title and the text
    before it (which may date it), or None."""
    found = _BETWEEN_QUOTES.fullmatch(_TRAILING_ARROW.sub("", text))
    if found is None or word_count(found.group("title")) < _MIN_TITLE_WORDS:
        return None
    undated = re.sub(r"[,\s]+(?:19|20)\d\d[,:\s]*$", "", found.group("before"))
    before = undated.strip(" ,:;")
    after = found.group("after").strip(" ,.;")
    if before and after:
        return None
    if before:
        possessive = re.search(r"(?<=\w)(?:['\u2019]s?|s['\u2019])$", before)
        # a possessive or a year after it (`Doe, 2002, "Title"`) says a name is a name
        marked = possessive is not None or undated != found.group("before")
        named = _people(before[: possessive.start()] if possessive else before, marked=marked)
    elif after:
        by = re.match(r"(?i)by\s+", after)
        named = _people(after[by.end() :] if by else after, marked=by is not None)
    else:
        return None
    return (_clean_title(found.group("title")), found.group("before")) if named else None


def _link_over_lines(content: str, continuation: Sequence[str]) -> tuple[str, list[str]]:
    """The item's text with the lines a link left open at its end runs over joined to it (the
    parser writes the values a run adds on the line where that link closes)."""
    count = link_close(content, continuation)
    if not count:
        return content, list(continuation)
    joined = " ".join([content.rstrip(), *(line.strip() for line in continuation[:count])])
    return joined, list(continuation[count:])


def read_item(
    content: str,
    continuation: Sequence[str] = (),
    inherited: str | None = None,
    *,
    wraps: bool = True,
) -> ItemReading:
    """Read one item: `content` is the text after the list marker, `continuation` the item's
    other lines (continuation text and link-only sub-items), `inherited` the venue label of a
    parent item (`- NIPS'19` above its papers); `wraps` says the first other line may be the
    title wrapped onto it (not when it is a sub-item of its own)."""
    task = _TASK.match(content)
    if task is not None:
        # `* [X] Smith, J. "A Title." Journal (2012)`: a reading list's mark on a paper; a
        # to-do (`- [ ] add the CVPR papers`) reads as none
        reading = read_item(content[task.end() :], continuation, inherited, wraps=wraps)
        titled = word_count(reading.title or "") >= _TASK_TITLE_WORDS
        if reading.skip is None and titled and (reading.year_text or reading.paper_url):
            return reading
        return ItemReading(skip=SkipReason.TASK_LIST, has_links=bool(find_links(content)))
    content = _TRAILING_BREAK.sub("", ENRICHMENT.sub("", content)).translate(_C1_QUOTES)
    continuation = [line.translate(_C1_QUOTES) for line in continuation]
    content = _ESCAPED_TAG.sub(r"\1[\2]", content, count=1)  # `\[IJCAI 2017\] Title`
    continuation = [ENRICHMENT.sub("", line) for line in continuation]
    content, continuation = _link_over_lines(content, continuation)
    content = LEADING_DECORATION.sub("", content)
    whole = " ".join([content, *continuation])
    links = text_links(whole)
    bare = [url for url in find_urls(whole) if all(url not in link.url for link in links)]
    has_links = bool(links or bare)
    if links and all(link_kind(link) == "anchor" for link in links) and not bare:
        return ItemReading(skip=SkipReason.CONTENTS, has_links=True)

    body, tags = _strip_tags(content)
    body, year_tag = _without_leading_year(body)
    tags += year_tag
    wrapped = _wrapped_citation(body, continuation) if wraps and continuation else None
    if wrapped is not None:
        body, continuation = wrapped
    elif wraps and continuation and _runs_on(body, continuation[0]):
        body = f"{body} {continuation[0]}"  # a title wrapped onto the next line
        continuation = continuation[1:]
    kind_tag = next((tag for tag in tags if _NOT_PAPER_TAG.match(tag)), None)
    if kind_tag is not None:
        reason = f"tagged {kind_tag.strip()}: not a paper"
        return ItemReading(skip=SkipReason.TAGGED, detail=reason, has_links=has_links)
    declared = next(filter(None, map(_DECLARED_KIND.match, continuation)), None)
    if declared is not None:
        # `*Publication:* Podcast`, `*Notes:* Blog introducing ...`: the item's own field
        reason = f"its {declared.group('field').lower()} says {declared.group('kind').lower()}"
        return ItemReading(skip=SkipReason.TAGGED, detail=reason, has_links=has_links)
    title_link: Link | None = None
    title: str | None = None
    placeholder = False
    first_links = text_links(body)
    lead = re.match(r"^[\s*_~\"“]*", body)
    if first_links and first_links[0].start == (lead.end() if lead else 0):
        candidate = first_links[0]
        badge = _BADGE_TEXT.fullmatch(candidate.text) is not None  # `[![stars](svg)](repo)`
        # `[Schwefel, H.P.](homepage), 1994. Title.`: a linked name opens a reference
        named = only_names(plain_text(candidate.text), marked=True)
        kind = link_kind(candidate, leading=True)
        if not badge and not named and kind == "title":
            title_link = candidate
            title, link_tags = _linked_title_text(candidate.text)
            tags += link_tags
        elif kind == "empty" and _a_placeholder(candidate.text):
            # `+ [Title]()`: a title whose link is still to be filled in
            title_link = candidate
            title, link_tags = _linked_title_text(candidate.text)
            tags += link_tags
            placeholder = True
    if title_link is None:
        cited = title_link_after_authors(body, first_links)
        if cited is not None:
            title_link = cited
            title, link_tags = _linked_title_text(cited.text)
            tags += link_tags
    bracketed = _BRACKETED_TITLE.match(body) if title_link is None else None
    if bracketed is not None and len(plain_text(bracketed.group(2)).split()) >= 2:
        # `[**Widget Style Transfer for Images**] [[Paper]](url)`: a bracketed title
        title = _clean_title(bracketed.group(2))
        after_title = body[bracketed.end() :]
    elif title_link is not None and title_link.start > 0:
        after_title = body[: title_link.start] + " " + body[title_link.end :]
    else:
        after_title = body[title_link.end :] if title_link else body
    if title_link is not None and title is not None and title_link.start == 0:
        after_name = _title_after_name(title, body[title_link.end :], title_link.url)
        if after_name is not None:
            title, after_title = after_name
    if title is None:
        body, end_tags = _trailing_tags(body)
        tags += end_tags
        before_url = _TEXT_THEN_ADDRESS.match(body)
        if before_url is not None and word_count(before_url.group("text")) >= _MIN_TITLE_WORDS:
            # `Title <https://...>  What the list says of it.`: the title ends at its address
            title, after_title, inner_tags = _title_from_text(before_url.group("text"))
            after_title += re.sub(r"<(https?://[^<>\s]*)>", r" \1 ", body[before_url.end("text") :])
        else:
            title, after_title, inner_tags = _title_from_text(body)
        tags += inner_tags
        if title is not None and re.search(r"(?i)https?://|www\.", title):
            # `+ https://github.com/o/name [Keras]`, `Papers: https://...`: links are no title
            title = _clean_title(re.sub(r"(?i)(?:https?://|www\.)\S*", " ", title)) or None
        inner = _INNER_BOLD.search(body)
        bold_title = inner is not None and _clean_title(inner.group(2)) == title
        plain_title = not _BOLD.match(body) and not _QUOTED.match(body) and not bold_title
        sentence = _SENTENCE.split(body.split("[", 1)[0], maxsplit=1)[0]
        in_first = title is not None and plain_text(title) in plain_text(sentence)
        if (
            plain_title
            and in_first
            and looks_like_authors(sentence, one_word_names=False)
            and _title_after_authors(body.split("[", 1)[0]) is None  # not a citation after all
            and not _one_run_and_year(sentence)
            and read_citation(reference_text(body)) is None  # names, then the title: a reference
        ):
            return ItemReading(skip=SkipReason.AUTHOR_LINE, has_links=has_links)

    if title is not None and _a_label(title):
        # `acGAN - [The Title](url)`, `KDD-2021 [The Title](url)`: a short label first
        labelled = _title_link_after_label(body, first_links)
        if labelled is not None:
            tags.append(title)
            title_link = labelled
            title, link_tags = _linked_title_text(labelled.text)
            tags += link_tags
            after_title = body[labelled.end :]
    if title is not None and (
        _a_label(title) or looks_like_authors(title) or _label_then_authors(title)
    ):
        # `**ROAM:** A. Author, B. Author. "ROAM: The Title." CVPR (2020)`, `**[6]** Doe,
        # John, et al. "**The Title**." 2015`: the quoted title, after a label or authors
        cited_text = plain_text(_without_urls(whole))
        quoted = _QUOTED_TITLE.search(cited_text)
        if quoted is not None and len(quoted.group(1).split()) >= _LABEL_WORDS:
            title = _clean_title(quoted.group(1))
            title_link = None
            # `He K. (2005), "Title", CVPR, 1`: the year written before the title
            dated = year_from_text(cited_text[: quoted.start()])
            after_title = _dated_after(cited_text[quoted.end() :], dated)
    named_first = bool(first_links) and only_names(plain_text(first_links[0].text), marked=True)
    if title_link is None and _tags_only(body) and not named_first:
        # `` `SVOS` `Apr` - [paper](url) / code - The Title of the Paper ``: the title is
        # the longest stretch of words between the links and separators
        segment = _longest_segment(body)
        if segment is not None:
            title, after_title = segment, ""

    paper_url = None
    labelled_url = None  # the first link whose label says it is the paper
    worded_url = None  # the first paper link written in words, not a badge's picture
    sure_url = None  # the first link labelled as the paper (`[CVF](url)`) that surely is one
    code_urls: list[str] = []
    for link in links:
        is_title = title_link is not None and (link.text, link.url) == (
            title_link.text,
            title_link.url,
        )
        kind = "title" if is_title else link_kind(link)
        if not is_title and _a_person(plain_text(link.text), link.url.strip()):
            continue  # `[Schwefel, H.P.](homepage)`, `[Wayne Wu](url)`: a person's page
        url = link.url.strip()
        if not is_http_url(url) and not is_pdf_beside(url):
            continue
        if kind == "code" or (kind == "title" and on_code_host(url)):
            if url not in code_urls:
                code_urls.append(url)
        elif kind in {"paper", "title"}:
            badge = _BADGE_TEXT.fullmatch(link.text) is not None
            if paper_url is None:
                paper_url = url
            if worded_url is None and not badge:
                worded_url = url
            if labelled_url is None and kind == "paper" and _labelled_paper(link):
                labelled_url = url
            if sure_url is None and kind == "paper" and names_a_paper(url):
                sure_url = url
    if worded_url is not None and paper_url != worded_url:
        paper_url = worded_url  # `[![DOI](svg)](data's DOI) [paper](url)`: a badge comes last
    if (
        labelled_url is not None
        and paper_url != labelled_url
        and not names_a_paper(paper_url or "")
    ):
        # `[Title](project page) [[PDF]](url)`: a label saying `paper` wins over the place
        paper_url = labelled_url
    if sure_url is not None and not names_a_paper(paper_url or ""):
        paper_url = sure_url  # `[Title](project page) [CVF](cvf-url)`: the paper's own page
    official = [
        link.url.strip()
        for link in links
        if _OFFICIAL.search(plain_text(link.text)) and link.url.strip() in code_urls
    ]
    if official:  # the list marks the official implementation: it fills the main columns
        code_urls = [official[0], *(url for url in code_urls if url != official[0])]
    for url in bare:
        if on_code_host(url) and url not in code_urls:
            code_urls.append(url)
        elif paper_url is None and names_a_paper(url):  # a paper site's page, or a PDF
            paper_url = url
    # The item's own line first: its other lines may describe it (`Extends AFA (CVPR 2022)`).
    venue, year_text = _venue_and_year(after_title, tags)
    if venue is None and year_text is None and continuation:
        # `; ` ends a piece: a venue is never read across lines (`*A. Author* \ ICML 2023.`).
        lines = [_TRAILING_BREAK.sub("", line) for line in (after_title, *continuation)]
        venue, year_text = _venue_and_year("; ".join(lines), tags)
    if paper_url is None and not links and (venue or year_text):
        # `Doe, J. (2002). **Title**. **Journal** 70: 25-43. At <url>.`: a reference's one
        # address is where the paper is, on whatever host
        address = next((url for url in bare if not on_code_host(url)), None)
        if address is not None and read_citation(reference_text(_without_urls(whole))):
            paper_url = address
    if title and title_link is None:
        stripped, tail_venue, tail_year = _venue_at_end(title)
        if venue is None and year_text is None:
            title, venue, year_text = stripped, tail_venue, tail_year
        elif tail_venue is not None:  # `Title, VLDB 2021 [[acmdl](url),[arxiv](url)]`
            title, venue, year_text = stripped, tail_venue, tail_year or year_text
    trailing = _TRAILING_YEAR.search(title) if title and title_link is None else None
    if title and trailing and year_text and _MONTH_DAY.search(title[: trailing.start()]):
        trailing = None  # `Title ... event on April 28, 2025` (dated 2026): a date of the title's
    if title and trailing and len(title[: trailing.start()].split()) >= _MIN_TITLE_WORDS:
        # `Title, 2005, Pattern Recognition`: the venue was read after it, the year ends it
        title, year_text = _clean_title(title[: trailing.start()]), year_text or trailing.group(1)
    if inherited is not None:
        venue = venue or (inherited if find_venue(inherited) else None)
        year_text = year_text or (inherited if year_from_text(inherited) else None)

    # `Sachs' "Title" ----> <search>`: a title its authors are named beside, link or none
    cited_title = (
        _quoted_with_names(plain_text(_without_urls(body))) if title_link is None else None
    )
    if cited_title is None and title_link is None:
        emphasised = _italic_then_names(body)
        if emphasised is not None and emphasised[0] == title:
            cited_title = (title, "")
    if cited_title is not None:
        title = cited_title[0]
        if year_text is None and year_from_text(cited_title[1]):
            year_text = cited_title[1]  # `La Porta, Shleifer, 2002, "Title"`
    if title is not None and not re.search(r"[^\W\d_]", title):
        # `* [[Paper](url)] · [video](url)`: links and a separator; `[5], [6], [15]`: numbers
        title = None
    words = word_count(title) if title else 0
    short = words < _MIN_TITLE_WORDS and len(title) < 12 if title else True
    # `**AdaBoost** [[Paper]]`, `GoogLeNet [[Paper]](arxiv.org/pdf/1409.4842)`: a paper known
    # by its name, bold or with a link that is surely to the paper (an id resolves it)
    generic = bool(title) and is_link_word(title or "")  # `- Papers: https://...`: no name
    # a PDF alone may be slides or a syllabus: with a year, venue or code beside it, a paper
    sure = paper_url is not None and (
        names_a_paper(paper_url, pdf=bool(year_text or venue or code_urls))
    )
    named = (
        paper_url is not None
        and not generic
        and (_BOLD.match(body) is not None or bool(title and sure))
    )
    if not title or (short and title_link is None and not named):
        skip = SkipReason.NO_TITLE if has_links else SkipReason.NOT_A_PAPER
        return ItemReading(skip=skip, has_links=has_links)
    # `[VLDB](http://www.vldb.org/)`: an acronym linked to a site names a venue or a project
    acronym = title_link is not None and re.fullmatch(r"[A-Z][A-Z0-9&-]{2,}", title) is not None
    if (
        acronym
        and venue is None
        and year_text is None
        and not (paper_url and host_matches(paper_url, PAPER_HOSTS))
    ):
        return ItemReading(title=title, skip=SkipReason.SITE_ACRONYM, has_links=has_links)
    blog = next((link for link in links if _BLOG_LABEL.match(plain_text(link.text))), None)
    if paper_url is None and blog is not None and title_link is None:
        return ItemReading(title=title, skip=SkipReason.BLOG_POST, has_links=True)
    if paper_url is None and not code_urls and venue is None and _a_book(after_title):
        return ItemReading(title=title, skip=SkipReason.BOOK, has_links=has_links)
    if (
        paper_url is None
        and venue is None
        and year_text is None
        and not placeholder
        and cited_title is None
    ):
        if code_urls:
            skip = SkipReason.CODE_ONLY
        elif has_links:
            skip = SkipReason.NO_PAPER_LINK
        else:
            skip = SkipReason.TITLE_ONLY
        return ItemReading(title=title, skip=skip, has_links=has_links)
    return ItemReading(
        title=title,
        paper_url=paper_url,
        code_urls=tuple(code_urls),
        venue=venue,
        year_text=year_text,
        has_links=has_links,
    )
