"""Which column of a table holds the papers' titles, judged from what its cells hold. Pure.

Header names are hints only: `Title`, `Paper & Authors`, `Method` or `Model` may all head the
title column, and a column named `Paper` may hold only `[PDF]` links. The title column is the
one whose cells read as titles (several words, or a linked name that is not a word for a link),
that differ from row to row, and are not venues, dates, numbers or descriptions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.listfile.links import is_link_word
from pipeline.listfile.markdown import find_links, find_urls, plain_text, text_links, word_count
from pipeline.listfile.venues import find_venue
from pipeline.listfile.years import year_from_text

# Header words that hint at the title column, and at columns that never hold it.
# `Citation`: a column of whole citations; `Citations`: their counts
TITLE_HINTS = frozenset(
    {
        "title", "titles", "paper", "papers", "name", "names", "article", "reference",
        "references", "citation",
    }
)  # fmt: skip
_NAME_HINTS = frozenset({"method", "methods", "model", "models", "abbr", "abbreviation", "short"})
_NOTTITLE_HINTS = frozenset(
    {
        "venue", "conference", "conf", "journal", "publication", "pub", "year", "date", "time",
        "code", "github", "repo", "repository", "link", "links", "url", "pdf", "arxiv",
        "resources", "materials", "summary", "description", "notes", "note", "comment",
        "comments", "remarks", "tags", "keywords", "stars", "authors", "author", "citations",
        "task", "tasks", "dataset", "datasets", "type", "category", "field",
        "performance", "results", "accuracy", "score", "rank", "no", "id", "index", "commit",
        "domain", "language", "languages", "size", "license", "licence",
    }
)  # fmt: skip
_NUMBERISH = re.compile(r"^[\d\s.,%\u00b1+\-\u00d7x*/()#~<>=:]*$")
_MIN_SCORE = 0.5
# a count and what it counts (`2.6M cases`); not `3D Shapes` nor `2 Things to Know` (a title)
_QUANTITY = re.compile(r"^[~<>]?\d[\d.,]*\s?[KkMB]?\s+[a-z]")
_QUANTITY_WORDS = 8
_LONG_DESCRIPTION_WORDS = 30


def header_words(header: str) -> set[str]:
    return set(re.findall(r"[a-z]+", plain_text(header).casefold()))


def _visible_text(cell: str) -> str:
    """The cell's text as shown, without images and bare URLs."""
    for link in reversed(find_links(cell)):
        if link.is_image:
            cell = cell[: link.start] + " " + cell[link.end :]
    text = plain_text(cell)
    for url in find_urls(text):
        text = text.replace(url, " ")
    return " ".join(text.split())


def title_likeness(cell: str) -> float:
    """How much a cell reads like a paper's title or name, from 0 to 1."""
    links = text_links(cell)
    text = _visible_text(cell)
    if not text or _NUMBERISH.match(text):
        return 0.0
    if _QUANTITY.match(text) and word_count(text) <= _QUANTITY_WORDS:
        return 0.2  # `85K cases w/ 2 outcomes`, `510 contracts`: how much, not a title
    labels = [plain_text(link.text) for link in links if plain_text(link.text)]
    if labels and all(is_link_word(label) or find_venue(label) for label in labels):
        rest = text
        for label in labels:
            rest = rest.replace(label, " ", 1)
        if not rest.split():
            return 0.0  # `[PDF](url) [Code](url)`: a links cell
    words = word_count(text)
    venue_or_date = find_venue(text) is not None or year_from_text(text) is not None
    # `[Learning for Network](url) (2005)`: a linked title beside its year, not a date
    titled = any(
        word_count(label) >= 2 and not find_venue(label) and not year_from_text(label)
        for label in labels
        if not is_link_word(label)
    )
    # `(CVPR'05) Learning for Networks`: a dated label before a title, not a date
    after_label = re.sub(r"^\s*[(\[][^()\[\]]{1,40}[)\]]\s*", "", text)
    labelled = after_label != text and word_count(after_label) >= 2
    labelled = labelled and not (find_venue(after_label) or year_from_text(after_label))
    if venue_or_date and words <= 4 and not (titled or labelled):
        return 0.0  # `CVPR 2021`, `2021-05`, `NeurIPS'22`
    if words > _LONG_DESCRIPTION_WORDS:
        return 0.4  # a description, or a whole citation: a title may hide in it
    linked_name = bool(labels) and not is_link_word(labels[0])
    if words >= 3:
        return 1.0
    if linked_name:
        return 0.8  # `[DeepLab](arxiv)`: a paper known by its name
    return 0.5 if words == 2 else 0.3


def _score(header: str, cells: Sequence[str], index: int) -> float:
    filled = [cell for cell in cells if plain_text(cell).strip(" -\u2014")]
    if not filled:
        return 0.0
    likeness = sum(title_likeness(cell) for cell in filled) / len(filled)
    distinct = len({plain_text(cell).casefold() for cell in filled}) / len(filled)
    words = header_words(header)
    hint = 0.0
    if words & TITLE_HINTS:
        hint = 0.3
    elif words & _NAME_HINTS:
        hint = 0.1
    elif words & _NOTTITLE_HINTS:
        hint = -0.3
    coverage = len(filled) / len(cells)
    return likeness * (0.5 + 0.5 * distinct) * (0.5 + 0.5 * coverage) + hint - 0.01 * index


def title_column(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> int | None:
    """The index of the column whose cells read as titles, or None (a table of results, of
    datasets by name, of links only)."""
    if not rows:
        return None
    best: tuple[float, int] | None = None
    for index, header in enumerate(headers):
        cells = [row[index] if index < len(row) else "" for row in rows]
        score = _score(header, cells, index)
        if best is None or score > best[0]:
            best = (score, index)
    if best is None or best[0] < _MIN_SCORE:
        return None
    return best[1]


_COUNT_HINTS = frozenset(
    {"citations", "cited", "stars", "forks", "downloads", "likes", "commit", "commits", "updated"}
)
_YEAR_CELL = re.compile(r"^\s*(?:19|20)\d\d\s*$")
_NUMERIC_SHARE = 0.6
_MIN_NUMERIC_COLUMNS = 3


def is_results_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> bool:
    """A table of scores (`| [Method](pdf) | CVPR2020 | 19.56 | 12.79 | 21.58 |`): three
    columns or more, and half of all, hold numbers that are not years. Its rows cite methods
    by name; the papers themselves are listed elsewhere."""
    numeric = 0
    for index, header in enumerate(headers):
        if header_words(header) & _COUNT_HINTS:
            continue  # `Citations`, `Stars`, `Last commit`: counts and dates, not scores
        cells = [plain_text(row[index]) for row in rows if index < len(row)]
        filled = [cell for cell in cells if cell.strip(" -\u2014")]
        if not filled or all(_YEAR_CELL.match(cell) for cell in filled):
            continue
        numbers = [cell for cell in filled if _NUMBERISH.match(cell) and re.search(r"\d", cell)]
        if len(numbers) >= _NUMERIC_SHARE * len(filled):
            numeric += 1
    return numeric >= _MIN_NUMERIC_COLUMNS and numeric * 2 >= len(headers)


# What a table of software says of its rows: a licence, or the language it is written in
_LICENCE = re.compile(
    r"(?i)^(?:(?:modified|new|simplified|revised)\s)?(?:L?GPL|AGPL|GNU\b.*|MIT|BSD|Apache|MPL"
    r"|Mozilla\b.*|CC[- ]BY\b.*|Creative Commons\b.*|Unlicense|proprietary|free for \w+ use)"
    r"(?:[\s-]*(?:v?\d(?:\.\d)?|licen[cs]e|clause|\d-clause|\+))*$"
)
_LANGUAGE = re.compile(
    r"(?i)^(?:C|C\+\+|C#|Python\s?[23]?|MATLAB|Octave|Java|Julia|R|Rust|Go|JavaScript|TypeScript"
    r"|CUDA|ROS\d?|Lua|Scala|Haskell|Fortran|Kotlin|Swift)$"
)
_SOFTWARE_SHARE = 0.5


def _software_cell(cell: str) -> bool:
    text = " ".join(plain_text(cell).split()).strip(" .")
    if _LICENCE.match(text):
        return True
    parts = [part.strip() for part in re.split(r"[/,&]|\s\+\s|\sand\s", text) if part.strip()]
    return bool(parts) and all(_LANGUAGE.match(part) for part in parts)


def is_software_table(
    rows: Sequence[Sequence[str]], title_index: int | None, short_names: int
) -> bool:
    """A table of software (`| [Name](site) | C++ | GPLv3 |`): a column other than the titles'
    whose filled cells are mostly licences or programming languages, over title cells that are
    mostly names of `short_names` words or fewer, not a paper's title."""
    if title_index is None:
        return False
    titles = [plain_text(row[title_index]) for row in rows if title_index < len(row)]
    named = sum(1 for title in titles if len(title.split()) <= short_names)
    if not titles or named * 2 < len(titles):
        return False
    width = max((len(row) for row in rows), default=0)
    for index in range(width):
        if index == title_index:
            continue
        filled = [row[index] for row in rows if index < len(row) and plain_text(row[index]).strip()]
        software = sum(1 for cell in filled if _software_cell(cell))
        if software >= 2 and software >= _SOFTWARE_SHARE * len(filled):
            return True
    return False
