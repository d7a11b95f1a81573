"""Inline Markdown helpers: find links, reduce a cell to plain text, escape values for output.

Everything here is pure (str -> str). It covers the inline syntax that awesome lists use in
table cells and bullet entries, not all of CommonMark.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# CommonMark allows a backslash escape before any ASCII punctuation character.
ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")

_BARE_URL = re.compile(r"https?://[^\s<>|\"'`]+", re.IGNORECASE)
_AUTOLINK = re.compile(r"<(https?://[^\s<>]+)>", re.IGNORECASE)
_HTML_HREF = re.compile(r"<a\s[^>]*?href\s*=\s*([\"'])(.*?)\1[^>]*>", re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")
# Kana, CJK ideographs and Hangul: scripts written without spaces, one word a character
IDEOGRAPH = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
# Trailing characters that end a sentence rather than a bare URL.
_URL_TRAILING_PUNCTUATION = ".,;:!?*_~'\""


@dataclass(frozen=True)
class Link:
    """A link found in inline Markdown. `start`/`end` delimit its source text."""

    text: str
    url: str
    start: int
    end: int
    is_image: bool = False


# What the inline scans stop at: an escaped character (a token of its own), a bracket
_BRACKET_TOKEN = re.compile(r"\\.|[\[\]]", re.DOTALL)
_LINK_START = re.compile(r"\\.|!?\[", re.DOTALL)


def bracket_pairs(text: str) -> dict[int, int]:
    """For each `[` of `text` that is closed, the index of its `]`, honouring escapes and
    nesting: one pass, so an unclosed run of brackets (`[[[[...`) costs no rescan per bracket."""
    pairs: dict[int, int] = {}
    opened: list[int] = []
    for token in _BRACKET_TOKEN.finditer(text):
        if token.group() == "[":
            opened.append(token.start())
        elif token.group() == "]" and opened:
            pairs[opened.pop()] = token.start()
    return pairs


def _match_destination(text: str, start: int) -> tuple[str, int] | None:
    """Parse `(destination "optional title")` starting at the `(` at `start`.

    Returns the destination and the index just past the closing `)`.
    """
    i = start + 1
    while i < len(text) and text[i] in " \t":
        i += 1
    if i < len(text) and text[i] == "<":
        close = text.find(">", i)
        if close == -1:
            return None
        destination = text[i + 1 : close]
        i = close + 1
    else:
        depth = 0
        begin = i
        while i < len(text):
            char = text[i]
            if char == "\\" and i + 1 < len(text):
                i += 2
                continue
            if char == "(":
                depth += 1
            elif char == ")":
                if depth == 0:
                    break
                depth -= 1
            elif char in " \t":
                break
            i += 1
        destination = text[begin:i]
    # Optional link title: skip to the closing parenthesis.
    while i < len(text) and text[i] in " \t":
        i += 1
    if i < len(text) and text[i] in "\"'":
        # the quote that the closing parenthesis follows ends the title: an abstract given as
        # a link's title may quote words inside it (`"... a "constrained expression" ..."`)
        closing = re.compile(re.escape(text[i]) + r"[ \t]*\)").search(text, i + 1)
        if closing is None:
            return None
        i = closing.start() + 1
        while i < len(text) and text[i] in " \t":
            i += 1
    if i >= len(text) or text[i] != ")":
        return None
    return unescape_backslashes(destination), i + 1


def text_links(text: str) -> list[Link]:
    """The links of `text` that are not images (a badge that links somewhere is a link)."""
    return [link for link in find_links(text) if not link.is_image]


def find_links(text: str) -> list[Link]:
    """Inline links `[text](url)` and images `![alt](src)` at the top level of `text`.

    A badge `[![alt](img)](url)` is one link whose text is the image; the image inside it is
    not returned separately.
    """
    links: list[Link] = []
    pairs: dict[int, int] | None = None  # computed at the first bracket
    found = _LINK_START.search(text)
    while found is not None:
        if found.group().startswith("\\"):
            found = _LINK_START.search(text, found.end())
            continue
        is_image = found.group() == "!["
        bracket = found.end() - 1
        if pairs is None:
            pairs = bracket_pairs(text)
        close = pairs.get(bracket)
        if close is not None and text.startswith("(", close + 1):
            parsed = _match_destination(text, close + 1)
            if parsed is not None:
                url, end = parsed
                links.append(
                    Link(
                        text[bracket + 1 : close],
                        _absolute(url.strip()),
                        found.start(),
                        end,
                        is_image,
                    )
                )
                found = _LINK_START.search(text, end)
                continue
        found = _LINK_START.search(text, found.start() + 1)
    return links


# `[paper](10.1109/X.2023.1)`, `[pdf](arxiv.org/abs/2301.01234)`: a DOI, or an address of the
# two sites that name a paper by its identifier, written without the scheme (a relative link on
# GitHub). Other addresses without one (`www.lab.org/x.pdf`) stay as written: not followed.
_BARE_DOI = re.compile(r"10\.\d{4,9}/\S+")
_SCHEMELESS = re.compile(r"(?i)(?:(?:dx\.)?doi\.org/|(?:www\.)?arxiv\.org/)\S+")


def _absolute(url: str) -> str:
    if _BARE_DOI.fullmatch(url):
        return f"https://doi.org/{url}"
    return f"https://{url}" if _SCHEMELESS.fullmatch(url) else url


def _trim_bare_url(url: str) -> str:
    while url and url[-1] in _URL_TRAILING_PUNCTUATION:
        url = url[:-1]
    # A closing bracket belongs to the URL only when it is balanced inside it (`(url)`,
    # `Name [https://...] [2016]`, `[[pdf](https://...)]`).
    while (url.endswith(")") and url.count(")") > url.count("(")) or (
        url.endswith("]") and url.count("]") > url.count("[")
    ):
        url = url[:-1]
    return url


def find_urls(text: str) -> list[str]:
    """Every link target in `text`, in source order, without duplicates.

    Covers `[text](url)` (for badges, the outer target, not the image), `<url>` autolinks,
    `<a href="url">` and bare http(s) URLs. Image sources are not link targets.
    """
    found: list[tuple[int, str]] = []
    masked = list(text)
    for link in find_links(text):
        if not link.is_image:
            found.append((link.start, link.url))
        masked[link.start : link.end] = " " * (link.end - link.start)
    rest = "".join(masked)
    for match in _HTML_HREF.finditer(rest):
        found.append((match.start(), html.unescape(match.group(2)).strip()))
        rest = rest[: match.start()] + " " * (match.end() - match.start()) + rest[match.end() :]
    for match in _AUTOLINK.finditer(rest):
        found.append((match.start(), match.group(1)))
        rest = rest[: match.start()] + " " * (match.end() - match.start()) + rest[match.end() :]
    for match in _BARE_URL.finditer(rest):
        # `[https://a.org/x.pdf,https://b.org/y]`: two URLs joined by a comma
        offset = match.start()
        for piece in re.split(r",(?=https?://)", match.group(0), flags=re.IGNORECASE):
            url = _trim_bare_url(piece)
            if url:
                found.append((offset, url))
            offset += len(piece) + 1
    urls: list[str] = []
    for _, url in sorted(found, key=lambda item: item[0]):
        if url and url not in urls:
            urls.append(url)
    return urls


def unescape_backslashes(text: str) -> str:
    """Resolve CommonMark backslash escapes (`\\|` -> `|`)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in ASCII_PUNCTUATION:
            out.append(text[i + 1])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _is_flanking_marker(text: str, start: int, end: int) -> bool:
    """True when the emphasis marker text[start:end] touches a word boundary."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    opens = not after.isspace() and (before.isspace() or before in ASCII_PUNCTUATION)
    closes = not before.isspace() and (after.isspace() or after in ASCII_PUNCTUATION)
    return opens or closes


def _strip_inline_markup(text: str) -> str:
    """Drop emphasis and code markers and resolve escapes, in one pass."""
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and text[i + 1] in ASCII_PUNCTUATION:
            out.append(text[i + 1])
            i += 2
            continue
        if char in "*_~`":
            end = i
            while end < len(text) and text[end] == char:
                end += 1
            if char in "*`" or _is_flanking_marker(text, i, end):
                i = end
                continue
            out.append(text[i:end])
            i = end
            continue
        out.append(char)
        i += 1
    return "".join(out)


@lru_cache(maxsize=1024)  # pure; asked again for the same text (at most 16 MiB cached)
def word_count(text: str) -> int:
    """Words between spaces, each ideograph counted as a word (`多模态大模型的评测基准` is 11)."""
    return len(text.split()) + len(IDEOGRAPH.findall(text))


def plain_text(markdown: str) -> str:
    """The text a reader sees for an inline Markdown fragment, on one line.

    Links and images become their text, HTML tags are dropped (`<br>` becomes a space),
    entities and backslash escapes are resolved, and whitespace is collapsed.
    """
    pieces: list[str] = []
    cursor = 0
    for link in find_links(markdown):
        pieces.append(markdown[cursor : link.start])
        pieces.append(plain_text(link.text))
        cursor = link.end
    pieces.append(markdown[cursor:])
    text = "".join(pieces)
    text = _AUTOLINK.sub(lambda match: match.group(1), text)
    text = _HTML_BREAK.sub(" ", text)
    text = _HTML_TAG.sub("", text)
    text = _strip_inline_markup(text)
    text = html.unescape(text)
    return _WHITESPACE.sub(" ", text).strip()


# Characters escaped in values written into Markdown: everything that can open inline syntax
# or end a table cell. `<`, `>` and `&` become entities so no raw HTML can be produced.
_MARKDOWN_ESCAPES = frozenset("\\`*_[]|~!")
_HTML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_AUTOLINK_TRIGGER = re.compile(r"(?i)(?<=[a-z])(?=://)|(?<=\bwww)(?=\.)")


def escape_text(value: str) -> str:
    """Escape arbitrary text (e.g. from an API) for a Markdown table cell or bullet line.

    The result is one line, renders as exactly the given text, and cannot open a link,
    image, emphasis, code span, raw HTML, GFM autolink or a new table cell.
    """
    text = "".join(
        " " if unicodedata.category(char) in {"Cc", "Zl", "Zp"} else char for char in value
    )
    text = _WHITESPACE.sub(" ", text).strip()
    escaped: list[str] = []
    for char in text:
        if char in _HTML_ESCAPES:
            escaped.append(_HTML_ESCAPES[char])
        elif char in _MARKDOWN_ESCAPES:
            escaped.append("\\" + char)
        else:
            escaped.append(char)
    # `https://` and `www.` would be turned into links by GitHub's autolink extension.
    return _AUTOLINK_TRIGGER.sub("\\\\", "".join(escaped))


def is_http_url(url: str) -> bool:
    return re.match(r"https?://[^\s/]+", url, re.IGNORECASE) is not None


# `paper/Some%20Title.pdf`, `./papers/x.pdf`: a PDF kept beside the list (a path relative to
# it, as written), the paper itself
# (folders without dots: `www.jmlr.org/papers/x.pdf` is an address without its scheme)
_PDF_BESIDE = re.compile(
    r"(?i)^(?![a-z][a-z0-9+.-]*:|/|#)(?:\.{1,2}/)*(?:[^\s?#/.]+/)*[^\s?#/]+\.pdf$"
)


def is_pdf_beside(url: str) -> bool:
    return _PDF_BESIDE.match(url) is not None


_SAME_PAGE = re.compile(r"^(?:\.?/)?(?:[\w.-]+\.(?:md|markdown))?#", re.IGNORECASE)


def heading_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: its text in lower case, without punctuation but
    hyphens and underscores, spaces as hyphens (`## Widgets: A Study` is `#widgets-a-study`)."""
    text = plain_text(heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def is_anchor_url(url: str) -> bool:
    """A link to a heading of this page: `#anchor`, `./#anchor`, `README.md#anchor`."""
    return _SAME_PAGE.match(url.strip()) is not None
