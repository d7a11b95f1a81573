"""Publication years as lists write them: `CVPR 2024`, `CVPR2022`, `ICCV' 15`, `AAAI-21`, an arXiv
number. Pure."""

from __future__ import annotations

import re

# not the YYMM of an arXiv id (`arXiv:2011.09022`, `arXiv:2011`: November 2020)
_YEAR = re.compile(r"(?<!\d)(?<!(?i:arxiv):)(?<!(?i:arxiv): )(19[5-9]\d|20\d\d)(?!\d|\.\d{4,5}\b)")
# `NeurIPS'22`, `ICCV' 15`, `ICCV23`, `AAAI-21`: two digits after an apostrophe, glued to the
# venue, or after a hyphen that follows an acronym (not `Top-10`).
_SHORT_YEAR = re.compile(r"(?:'\s?|(?<=[A-Za-z])|(?<=[A-Z][A-Z]-))(\d\d)\b")
# `Arxiv 1711` (YYMM, as arXiv numbers papers) and arXiv ids (`2103.01234`): the year they say.
_ARXIV_MONTH = re.compile(r"(?i)\barxiv\W{0,3}(\d\d)(0[1-9]|1[0-2])\b")
_ARXIV_NUMBER = re.compile(r"(?<![\d.])(\d\d)(0[1-9]|1[0-2])\.\d{4,5}(?!\d)")


# An older year only where a citation dates itself: `(1946)`, `(1937a)`, `(1946, Economica)`
_OLD_YEAR = re.compile(r"\((18[5-9]\d|19[0-4]\d)[a-z]?(?=[),])")
_LAST_2000S_YEAR = 40  # two-digit years up to '40 are 20xx, later ones 19xx


def year_from_text(text: str | None) -> int | None:
    """A publication year written in a venue or heading: `CVPR 2024`, `CVPR2022`, `NeurIPS'22`,
    `ICCV' 15`, `ICCV23`, `AAAI-21`, `Arxiv 1711` (November 2017), an arXiv id."""
    if not text:
        return None
    years = _YEAR.findall(text)
    if years:
        return int(years[-1])
    old = _OLD_YEAR.findall(text)
    if old:
        return int(old[-1])
    arxiv = _ARXIV_MONTH.search(text) or _ARXIV_NUMBER.search(text)
    if arxiv:
        return 2000 + int(arxiv.group(1))
    short = _SHORT_YEAR.findall(text)
    if not short:
        return None
    two = int(short[-1])
    return 2000 + two if two <= _LAST_2000S_YEAR else 1900 + two  # `NIPS'93` is 1993
