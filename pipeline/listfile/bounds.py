"""Bounds on the inline text the reader takes on, so a hostile or broken line is reported and
kept verbatim instead of read slowly (or recursing) for minutes. Pure."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.listfile.markdown import bracket_pairs

# Bounds on the text handed to the inline reader (pipeline.listfile.markdown). It reads real
# lists fast (the costliest line of the seed and sample lists: 383 characters, an estimated 1,440
# characters scanned) but is quadratic or worse on text no list holds: thousands of unclosed
# `[` or `](`, many `<a href=` without `>`, URLs ending in thousands of `)`; and it recurses once
# per nested link, so links nested ~1,000 deep raise RecursionError. Text past these bounds is
# reported and kept verbatim, not read, so a line is read in a fraction of a second at worst.
MAX_INLINE_CHARS = 16_384  # per cell, bullet or heading
MAX_LINK_NESTING = 8  # a badge, `[![alt](image)](url)`, nests 2 deep
MAX_INLINE_WORK = 2**20  # estimated characters scanned; see _inline_work
_OPENING = re.compile(r"\\.|\[", re.DOTALL)  # escaped characters are tokens of their own


def _inline_work(text: str) -> tuple[int, int]:
    """(estimated characters the inline reader scans, deepest nesting of closed `[...]`).

    Each `[` costs the distance to its `]` (to the end when unclosed), each `](` and each
    `<a`/`href` pair may cost a scan to the end. Linear in `len(text)`."""
    work = 0
    closed = bracket_pairs(text)  # `[` -> its `]`, by position
    work += sum(end - start for start, end in closed.items())
    opened = [
        token.start()
        for token in _OPENING.finditer(text)
        if token.group() == "[" and token.start() not in closed
    ]
    work += sum(len(text) - start for start in opened)
    work += text.count("](") * len(text)
    # A bare URL's trailing `)` are trimmed one by one, each time counting every `(` and `)`:
    # quadratic, but at C speed (some 30 times faster than the scans counted above).
    work += text.count(")") * len(text) // 32
    folded = text.casefold()
    work += folded.count("<a") * folded.count("href") * len(text)
    # Nesting counts closed brackets only: the reader recurses into link texts, never into an
    # unclosed `[` (whose cost is counted above).
    deepest = 0
    ends: list[int] = []
    for start in sorted(closed):
        while ends and ends[-1] < start:
            ends.pop()
        ends.append(closed[start])
        deepest = max(deepest, len(ends))
    return work, deepest


def inline_problem(texts: Sequence[str], *, cells: bool = True) -> str | None:
    """Why the inline reader should not be given `texts` (the cells of one row, or a bullet or
    a heading with `cells=False`), or None when they are within MAX_INLINE_CHARS,
    MAX_LINK_NESTING and MAX_INLINE_WORK."""
    longest = max((len(text) for text in texts), default=0)
    if longest > MAX_INLINE_CHARS:
        where = " in one cell" if cells else ""
        return f"{longest:,} characters{where} (the limit is {MAX_INLINE_CHARS:,})"
    total = 0
    for text in texts:
        work, depth = _inline_work(text)
        if depth > MAX_LINK_NESTING:
            return f"links nested {depth} deep (the limit is {MAX_LINK_NESTING})"
        total += work
    if total > MAX_INLINE_WORK:
        return "too many unclosed brackets, parentheses or HTML links for its length"
    return None
