"""Table rows and cells: splitting a row, naming its columns, and reading a title, paper URL and
code links from a cell. Pure."""

from __future__ import annotations

import re

from pipeline.listfile.authors import TITLE_WORDS, looks_like_authors
from pipeline.listfile.links import link_word_kind
from pipeline.listfile.markdown import (
    IDEOGRAPH,
    Link,
    find_links,
    find_urls,
    is_http_url,
    plain_text,
    text_links,
)
from pipeline.listfile.model import (
    ColumnRole,
    Line,
    TableRow,
)
from pipeline.listfile.venues import find_venue
from pipeline.listfile.years import year_from_text

# Header names (lower-case, letters and digits only) for each recognised column role, in
# priority order. A table with a title column is a paper table.
COLUMN_NAMES: dict[ColumnRole, tuple[str, ...]] = {
    ColumnRole.TITLE: ("title", "papertitle", "name", "papername", "paper", "papers"),
    ColumnRole.LINK: ("link", "links", "url", "pdf", "arxiv", "paperlink", "paper", "papers"),
    ColumnRole.ABBREVIATION: (
        "abbreviation",
        "abbr",
        "abbrev",
        "short",
        "shortname",
        "acronym",
        "method",
        "alias",
    ),
    ColumnRole.VENUE: (
        "venue",
        "conference",
        "conf",
        "publication",
        "pub",
        "published",
        "publishedin",
        "journal",
    ),
    ColumnRole.YEAR: ("year", "date", "time", "releasetime", "releasedate"),
    ColumnRole.CODE: (
        "code",
        "codes",
        "repo",
        "repository",
        "github",
        "implementation",
        "implementations",
        "sourcecode",
        "officialcode",
    ),
}

# Cell texts that mean "no value".
EMPTY_CELL_VALUES = frozenset(
    {"", "-", "--", "---", "\u2014", "\u2013", "n/a", "na", "none", "null", "/"}  # em, en dash
)

_DELIMITER_CELL = re.compile(r"^\s*:?-+:?\s*$")
_LEADING_MARKUP = re.compile(r"^(?:[\s*_~]|<br\s*/?>)*", re.IGNORECASE)
# `Title (FlipAttack)`: a trailing tag that repeats a name from the title.
_NUMBERED = re.compile(r"^\s*\d{1,3}[).]\s+")  # `2) Title`, `12. Title`
_BOLD_LEAD = re.compile(r"^\s*(\*\*|__)(.+?)\1\s*(?:[-\u2013\u2014:,]\s|$)")
_REPEATED_TAG = re.compile(r"\s*\(([^()]{2,40})\)\s*$")
_CODE_LINK_TEXT = re.compile(
    r"(?i)\b(code|github|gitlab|repo|repository|implementation|pytorch|tensorflow|jax|"
    r"paddle|mindspore)\b"
)
_CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "gitee.com")


def split_row(line: Line) -> TableRow | None:
    """Split a table line on unescaped pipes; None when the line has no unescaped pipe."""
    text = line.text
    pipes: list[int] = []
    i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == "|":
            pipes.append(i)
        i += 1
    if not pipes:
        return None
    has_leading = pipes[0] == len(text) - len(text.lstrip())
    has_trailing = pipes[-1] == len(text.rstrip()) - 1 and (len(pipes) > 1 or not has_leading)
    leading = text[: pipes[0] + 1] if has_leading else ""
    trailing = text[pipes[-1] :] if has_trailing else ""
    body_end = len(text) - len(trailing)
    bounds = [len(leading) - 1, *(p for p in pipes if len(leading) <= p < body_end), body_end]
    cells = tuple(text[bounds[k] + 1 : bounds[k + 1]] for k in range(len(bounds) - 1))
    return TableRow(line=line, leading=leading, cells=cells, trailing=trailing)


def is_delimiter_row(row: TableRow) -> bool:
    return all(_DELIMITER_CELL.match(cell) for cell in row.cells)


def _header_key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", plain_text(header).casefold())


def column_roles(headers: tuple[str, ...]) -> tuple[tuple[ColumnRole, int], ...]:
    """Assign each recognised role to the first column whose header names it."""
    keys = [_header_key(header) for header in headers]
    taken: set[int] = set()
    roles: list[tuple[ColumnRole, int]] = []
    for role, names in COLUMN_NAMES.items():
        for name in names:
            index = next((i for i, key in enumerate(keys) if key == name and i not in taken), None)
            if index is not None:
                roles.append((role, index))
                taken.add(index)
                break
    # `Conference/Journal`, `Venue & Year`... : a header whose words all name one role
    assigned = {role for role, _ in roles}
    weak = {ColumnRole.VENUE: "source"}  # `Source`: the venue, unless a column names it better
    for role, names in COLUMN_NAMES.items():
        if role in assigned:
            continue
        for index, header in enumerate(headers):
            words = re.findall(r"[a-z]+", plain_text(header).casefold())
            if index not in taken and len(words) > 1 and all(word in names for word in words):
                roles.append((role, index))
                taken.add(index)
                assigned.add(role)
                break
    for role, name in weak.items():
        index = next((i for i, key in enumerate(keys) if key == name and i not in taken), None)
        if role not in assigned and index is not None:
            roles.append((role, index))
            taken.add(index)
    return tuple(roles)


def empty_to_none(text: str) -> str | None:
    value = plain_text(text)
    return None if value.casefold() in EMPTY_CELL_VALUES else value


def without_images(cell: str) -> str:
    """The cell without images, and with badges (`[![arXiv](img)](url)`) reduced to their
    target: a star badge in front of the title is decoration, not the title, but a badge's
    link may still be the paper's."""
    for link in reversed(find_links(cell)):
        if link.is_image:
            cell = cell[: link.start] + " " + cell[link.end :]
        elif _is_badge(link.text):
            cell = cell[: link.start] + f" <{link.url}> " + cell[link.end :]
    return cell


def _is_badge(text: str) -> bool:
    inner = find_links(text)
    return bool(inner) and all(link.is_image for link in inner) and not _without_all(text, inner)


def _without_all(text: str, links: list[Link]) -> str:
    for link in reversed(links):
        text = text[: link.start] + text[link.end :]
    return text.strip()


# `(Oral)`, `[Spotlight]`, `(Best Paper Award)`: how a paper was presented, not its title
PRESENTATION_MARK = re.compile(
    r"\s*[(\[](?:\s*(?:oral|spotlight|highlight|poster|long|short|full|demo|"
    r"best (?:student )?paper(?: award| honou?rable mention| runner-up| finalist)?|"
    r"award candidate|honou?rable mention|paper)\s*[,/&]?)+[)\]]\s*$",
    re.IGNORECASE,
)


# `Title (Dani Kiyasseh et al.)`, `Title (Smith et al., 2021)`: who wrote it, not its title
AUTHORS_ASIDE = re.compile(
    r"\s*\((?:[^()]{1,60}?\s)?et\.?\s+al\.?(?:,?\s*(?:19|20)\d\d[a-z]?)?\s*\)\s*$", re.IGNORECASE
)


def without_repeated_tag(title: str) -> str:
    """`FlipAttack: Jailbreak LLMs via Flipping (FlipAttack)` without its trailing tag, when
    the tag only repeats a name the title already holds, and without a presentation mark
    (`(Oral)`)."""
    title = AUTHORS_ASIDE.sub("", PRESENTATION_MARK.sub("", title))
    dated = _DATED_VENUE_TAIL.search(title)
    if dated and find_venue(dated.group(1)) and year_from_text(dated.group(1)):
        title = title[: dated.start()]  # `RelViT (ICLR'22)`: the venue, in the link's text
    tag = _REPEATED_TAG.search(title)
    if tag and tag.group(1).strip().casefold() in title[: tag.start()].casefold():
        return title[: tag.start()]
    return title


_DATED_VENUE_TAIL = re.compile(r"\s*\(([^()]{2,40})\)\s*$")
# `Smith, Ann. "Double Nets for Effects." JASA 12 (2019)`: a citation's quoted title
_QUOTED_IN_CITATION = re.compile(r'["\u201c]([^"\u201c\u201d]{8,300}?)[,.]?["\u201d]')


_CITED_TITLE_WORDS = 3
# `K. He`, `Ann Smith and Bo Li`, `A. Doe et al.`: names only
_CAPITAL = r"(?:[A-Z]|[^\W\d_a-z])"  # `Ł`, `Ö`: a capital outside ASCII too
_AUTHORS = re.compile(
    rf"^(?:{_CAPITAL}[\w'-]*\.?\s?){{1,4}}"
    rf"(?:(?:,\s*|\s+and\s+|\s*&\s*)(?:and\s+)?(?:{_CAPITAL}[\w'-]*\.?\s?){{1,4}})*"
    r"(?:\s*et al\.?)?$"
)
_CITED_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
# `Cinque 2005`, `Carlson et al 2006`, `Huang to appear`, `Belk, Neeleman, and Philip ms`: an
# author-date citation's authors and date (or its stand-in), before the title it links
_AUTHOR_DATE = re.compile(
    r"^(?P<authors>.+?),?\s+\(?(?:(?:19|20)\d\d[a-z]?|to appear|in press|forthcoming|"
    r"ms\.?|manuscript|submitted)\)?$",
    re.IGNORECASE,
)


# `A. Doe, B. Roe. Title of the Paper? In *Venue 2008*.`: sentence ends that are not initials
_CITATION_SENTENCE = re.compile(r"(?<!\b[^\W\d_a-z])(?<!\bal)\.\s+")  # not `J.`, `Ł.`
_IN_VENUE = re.compile(r"(?:(?<=[.?!])|\.)\s+(?:In\s|\*?(?:Proc|Proceedings)\b|arXiv\b)")


def _words(text: str) -> int:
    """Words with a letter (`3D` is one); each ideograph counts as a word."""
    lettered = sum(1 for word in text.split() if re.search(r"[^\W\d_]", word))
    return lettered + len(IDEOGRAPH.findall(text))


def _unquoted_citation_title(text: str) -> str | None:
    """The title of `Authors. Title. In Venue.` written without quotes, if the text is one."""
    parts = _CITATION_SENTENCE.split(text, maxsplit=1)
    names = parts[0].strip()
    if len(parts) < 2 or not (looks_like_authors(names) or _AUTHORS.match(names)):
        return None
    title = _IN_VENUE.split(parts[1], maxsplit=1)[0]
    title = _CITATION_SENTENCE.split(title, maxsplit=1)[0].strip(" .")
    return title if _words(title) >= _CITED_TITLE_WORDS else None


def cited_title(text: str) -> str:
    """The title of a whole citation written in a cell (its quoted part, when the rest is
    authors and a venue; the sentence after the authors when nothing is quoted), else the
    text as it is."""
    quoted = _QUOTED_IN_CITATION.search(text)
    if quoted is None or _words(quoted.group(1)) < _CITED_TITLE_WORDS:
        return _unquoted_citation_title(text) or text
    outside = text[: quoted.start()] + " " + text[quoted.end() :]
    before = text[: quoted.start()].strip(" ,.:;")
    # a citation: authors before the quote, and a year beside it or names only before it
    # (`Smith, A. "T." J 2019`, `K. He. "Title"`)
    authored = bool(re.search(r"[^\W\d_]{2,}", before))
    if authored and (_CITED_YEAR.search(outside) or _AUTHORS.match(before)):
        return quoted.group(1).strip()
    return text


def linked_title(cell: str) -> tuple[str, str] | None:
    """The title and URL of a cell that opens with a link (`[**Title**](url) ...`), if any."""
    cell = without_images(cell)
    links = text_links(cell)
    prefix = _LEADING_MARKUP.match(cell)
    if links and links[0].start == (prefix.end() if prefix else 0):
        return without_repeated_tag(cited_title(plain_text(links[0].text))), links[0].url
    return None


def title_and_url(cell: str) -> tuple[str, str | None]:
    """Read a title cell: `[Title](url)`, `**Title** [pdf](url)`, plain text, or text + URL."""
    opening = linked_title(cell)
    if opening is not None:
        return opening
    cell = without_images(cell)
    links = text_links(cell)
    urls = find_urls(cell)
    quoted = _linked_in_quotes(cell, links)
    if quoted is not None:
        return quoted
    cited = _linked_after_authors(cell, links)
    if cited is not None:
        return cited
    text = cell
    for link in reversed(links):
        text = text[: link.start] + " " + text[link.end :]
    text = re.sub(r"<https?://[^<>\s]*>", " ", text)  # autolinks and badges' targets, whole
    for url in urls:
        text = text.replace(url, " ")
    text = _EMPTY_BRACKETS.sub(" ", text)  # `Title [[code](url)]`: the link's brackets
    title = cited_title(plain_text(_title_part(text)))
    # `Title [code](u), [code](v)`: the separators left between the links
    title = without_stray_closer(without_repeated_tag(title).strip(" ,;/|\u00b7"))
    title = _without_cell_labels(_without_dated_aside(title))
    # a link labelled `Code` or `Video` in the title cell is not the paper, wherever it points
    labelled = {link.url for link in links if link_word_kind(plain_text(link.text)) in _NOT_PAPER}
    paper = next((url for url in urls if url not in labelled), None)
    return title, paper


def without_stray_closer(title: str) -> str:
    """`Title. [[Paper]](url)]`: the bracket left over at the end once the link is gone."""
    for opening, closing in (("[", "]"), ("(", ")")):
        if title.endswith(closing) and title.count(closing) > title.count(opening):
            title = title[:-1].rstrip(" \t.,;:|-\u2013\u2014")
    return title


# `Title (Physical Chemistry Chemical Physics, 2020)`, `Title (npj Computational Materials,
# 2024)`: where and when, after the title
_DATED_ASIDE = re.compile(
    r"^(?P<title>.*?\S)\s*\((?P<aside>[A-Z][^()]{1,118}|[a-z][^()]{1,100},\s*(?:19|20)\d\d)\)[\s.]*$"
)
_ASIDE_TITLE_WORDS = 3


def _without_dated_aside(title: str) -> str:
    """A title cell's title without the venue and year that close it in parentheses (the row
    keeps the year: it is read from the cell's other text)."""
    found = _DATED_ASIDE.match(title)
    if found is None or _words(found.group("title")) < _ASIDE_TITLE_WORDS:
        return title
    aside = found.group("aside")
    if year_from_text(aside) is None or not re.search(r"[^\W\d_]{2}", aside):
        return title
    return found.group("title")


# `🔥🔥[YOCO] Title`, `(*ICLR'26*) Title`, `[KIVI] KIVI: Title`: marks and a short label before a
# title; `Title(@Microsoft)`: who made it, after
_CELL_LABEL = re.compile(
    r"^(?:[\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff]\ufe0f?\s*)*"
    r"(?:\[[^\[\]\s]{1,20}(?:\s[^\[\]\s]{1,20})?\]|\([^()\s]{1,20}(?:\s[^()\s]{1,40}){0,4}\))?\s*"
)
# `Title(@Microsoft)`, `Title (@TriDao etc)`: who made it, not the title
MAKER_ASIDE = re.compile(r"\s*\(@[^()]{1,40}\)\s*$")
_CELL_TITLE_WORDS = 3


def _without_cell_labels(title: str) -> str:
    """A title cell's title without the marks and the short label before it (a name, or a venue
    and year in parentheses) and the maker after it, when a title of three words is left."""
    title = MAKER_ASIDE.sub("", title)
    found = _CELL_LABEL.match(title)
    if found is None or found.end() == 0:
        return title
    label = title[: found.end()].strip(" ()[]*_")
    rest = title[found.end() :]
    parenthesised = title[found.start() : found.end()].lstrip().startswith("(")
    if parenthesised and not (year_from_text(label) or find_venue(label)):
        return title  # `(Re)thinking Widgets`: part of the title
    return rest if _words(rest) >= _CELL_TITLE_WORDS else title


_NOT_PAPER = frozenset({"code", "other"})
_EMPTY_BRACKETS = re.compile(r"\[\s*\]|\(\s*\)")


def _linked_after_authors(cell: str, links: list[Link]) -> tuple[str, str] | None:
    """`Ann Smith, Bo Li. [Title](url). In *Venue*`: the first titled link after names."""
    for link in links:
        label = plain_text(link.text)
        quoted = re.fullmatch(r'\s*["\u201c].+["\u201d]\s*', label) is not None
        if link_word_kind(label) is not None or (_words(label) < _CITED_TITLE_WORDS and not quoted):
            continue
        before = plain_text(cell[: link.start]).strip(' .,:;"\u201c')
        dated = _AUTHOR_DATE.match(before)
        if dated:
            before = dated.group("authors")
        if before and (_AUTHORS.match(before) or looks_like_authors(before)):
            return without_repeated_tag(label.strip(' "\u201c\u201d')), link.url.strip()
        return None
    return None


def _linked_in_quotes(cell: str, links: list[Link]) -> tuple[str, str] | None:
    """`K. He. "[Title](url)"`: a citation whose quoted title is a link."""
    text = cell
    for link in reversed(links):
        text = text[: link.start] + link.text + text[link.end :]
    whole = plain_text(text)
    title = cited_title(whole)
    if title == whole:
        return None
    for link in links:
        if plain_text(link.text).strip(' "\u201c\u201d') == title:
            return without_repeated_tag(title), link.url
    return None


def _title_part(text: str) -> str:
    """`2) **Sleeper Agents** - shows that ...`, `6) A Title  This paper presents ...`: the
    title, without its number and the description after it (a bold title, or two spaces or a
    dash before a description of more than twelve words)."""
    text = _NUMBERED.sub("", text, count=1)
    first, *after = re.split(r"(?i)\s*<br\s*/?>\s*", text)
    if after and _words(plain_text(first)) >= 2 and any(plain_text(part) for part in after):
        # `**Title** <br> A. Author, B. Author`: the authors on a line of their own; `A Long
        # <br> Title Wrapped`: the title goes on
        text = first
        for part in after:
            if not _wraps_title(text, part):
                break
            text = f"{text} {part}"
    bold = _BOLD_LEAD.match(text)
    if bold:
        return bold.group(2)
    parts = re.split(r"\s{2,}|\s[-\u2013\u2014]\s", text.strip(), maxsplit=1)
    if len(parts) == 2 and len(parts[0].split()) <= 20 and len(parts[1].split()) > 12:
        return parts[0]
    return text


_MAX_WRAPPED_TITLE_WORDS = 30


def _wraps_title(before: str, part: str) -> bool:
    """Whether the text after a `<br>` in a title cell goes on with the title: plain words, no
    names, venue, year, link or sentence of their own, after a title not closed by a stop."""
    words = plain_text(part).strip()
    if not words or re.search(r"\]\(|https?://|^[\s(\[*_]", part):
        return False
    if plain_text(before).rstrip().endswith((".", "!", "?", ":", ";", ")")) or words.endswith("."):
        return False
    if re.search(r"[*_]\s*$", before):
        return False  # `**Title**<br>Kaiming He`: an emphasised title is whole
    last = plain_text(before).split()[-1:]
    open_ended = bool(last) and (last[0].casefold() == "and" or TITLE_WORDS.fullmatch(last[0]))
    if not open_ended and len(words.split()) <= 3 and all(w[:1].isupper() for w in words.split()):
        return False  # `Title<br>Kaiming He`: a name, or a short tag; not after `for`, `and`
    if (
        looks_like_authors(words, one_word_names=False)
        or find_venue(words)
        or year_from_text(words)
    ):
        return False
    return _words(plain_text(before)) + _words(words) <= _MAX_WRAPPED_TITLE_WORDS


def code_urls_in(text: str) -> tuple[str, ...]:
    return tuple(url for url in find_urls(text) if is_http_url(url))


def reads_as_citation(cell: str) -> bool:
    """`A. Author. "Title," Venue`, `**Title**<br>A. Author, B. Author`: a cell that cites a
    paper with its authors (so its column holds papers, whatever its header says)."""
    text = plain_text(cell)
    if cited_title(text) != text:
        return True
    _first, *after = re.split(r"(?i)<br\s*/?>", cell, maxsplit=1)
    if not after:
        return False
    names = plain_text(re.split(r"(?i)<br\s*/?>|\[", after[0], maxsplit=1)[0]).strip(" ,.")
    return bool(names) and (looks_like_authors(names) or _AUTHORS.match(names) is not None)
