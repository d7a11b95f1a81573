"""The match guard for title-based resolution, and stable entry ids. Pure functions.

A missed match is better than a wrong one: a candidate found by title is accepted only when its
normalised title is at least 90% similar to the list's (rapidfuzz ratio, which penalises a title
that is only a prefix of the other) and its year is within one of the list's. A venue that
conflicts with the list's lowers the score and marks the match low-confidence.

One title that is the other's first words exactly ("... Segmentation" and "... Segmentation at
Scale") passes the ratio when the difference is short, but names another paper unless the rest
is a subtitle the list left out (or the record lacks): the longer title's own text then has a
separator (":", " - ", "?"...) where the shorter one ends. Otherwise the candidate is rejected.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from pipeline.listfile.identifiers import normalise_title
from pipeline.listfile.venues import venues_conflict

MIN_TITLE_SIMILARITY = 0.90
MAX_YEAR_DIFFERENCE = 1
VENUE_CONFLICT_FACTOR = 0.92  # a conflicting venue costs 8% of the score
OFF_BY_ONE_YEAR_FACTOR = 0.98  # arXiv versions often precede the venue by months
UNKNOWN_YEAR_FACTOR = 0.97
LOW_CONFIDENCE_BELOW = 0.95
# Where a subtitle starts: a colon, a dash between spaces, an em/en dash, or the end of a
# question or exclamation ("Is Attention All You Need? A Study ...").
_SUBTITLE_BREAK = re.compile(r":|\s[-\u2013\u2014]+\s|[\u2013\u2014]|[?!.]")


def title_similarity(first: str, second: str) -> float:
    """Similarity of two titles in [0, 1], after folding case, accents and punctuation.

    A stray space inside a word ("Ba ckground") or a missing one costs nothing: the titles are
    also compared with every space removed, and the better ratio counts."""
    one, two = normalise_title(first), normalise_title(second)
    spaced = fuzz.ratio(one, two)
    unspaced = fuzz.ratio(one.replace(" ", ""), two.replace(" ", ""))
    return max(spaced, unspaced) / 100.0


def _main_titles(title: str) -> set[str]:
    """The normalised text before each subtitle break of `title`."""
    return {normalise_title(title[: m.start()]) for m in _SUBTITLE_BREAK.finditer(title)}


def added_words(list_title: str, candidate_title: str) -> str | None:
    """When one title is the other plus words that are not a subtitle, a reason naming them;
    None otherwise (equal titles, other differences, or a subtitle one of them omits)."""
    one, two = normalise_title(list_title), normalise_title(candidate_title)
    if one == two or not one or not two:
        return None
    shorter, longer, longer_raw = (
        (two, one, list_title)
        if len(two) < len(one)
        else (
            one,
            two,
            candidate_title,
        )
    )
    if not longer.startswith(shorter + " ") or shorter in _main_titles(longer_raw):
        return None
    extra = longer[len(shorter) + 1 :]
    if longer == one:
        return f"the record's title is the list's without its last words {extra!r}"
    return f"the record's title adds {extra!r} to the list's"


@dataclass(frozen=True)
class Verdict:
    accepted: bool
    score: float  # in [0, 1]
    similarity: float
    reasons: tuple[str, ...]  # why rejected, or what lowered confidence
    venue_conflict: bool = False  # the record's venue conflicts with the list's
    year_off: bool = False  # the record's year is one off the list's

    @property
    def low_confidence(self) -> bool:
        return self.accepted and (self.score < LOW_CONFIDENCE_BELOW or bool(self.reasons))


def judge(
    list_title: str,
    list_year: int | None,
    list_venue: str | None,
    candidate_title: str,
    candidate_year: int | None,
    candidate_venues: Sequence[str | None] = (),
) -> Verdict:
    """Whether a candidate found by title is the list's paper."""
    similarity = title_similarity(list_title, candidate_title)
    score = similarity
    reasons: list[str] = []
    rejected = False
    if similarity < MIN_TITLE_SIMILARITY:
        rejected = True
        reasons.append(f"title similarity {similarity:.3f} < {MIN_TITLE_SIMILARITY:.2f}")
    elif (added := added_words(list_title, candidate_title)) is not None:
        rejected = True
        reasons.append(added)
    if list_year is not None and candidate_year is not None:
        difference = abs(candidate_year - list_year)
        if difference > MAX_YEAR_DIFFERENCE:
            rejected = True
            reasons.append(f"year {candidate_year} is not within 1 of the list's {list_year}")
        elif difference == 1:
            score *= OFF_BY_ONE_YEAR_FACTOR
    elif list_year is not None:
        score *= UNKNOWN_YEAR_FACTOR
        reasons.append("the record has no year to check")
    if venues_conflict(list_venue, tuple(candidate_venues)):
        score *= VENUE_CONFLICT_FACTOR
        named = ", ".join(dict.fromkeys(v for v in candidate_venues if v))
        reasons.append(f"venue {named!r} conflicts with the list's {list_venue!r}")
    if not rejected and score < MIN_TITLE_SIMILARITY:
        rejected = True
        reasons.append(f"score {score:.3f} < {MIN_TITLE_SIMILARITY:.2f} after penalties")
    return Verdict(
        not rejected,
        round(score, 4),
        round(similarity, 4),
        tuple(reasons),
        venue_conflict=any(reason.startswith("venue ") for reason in reasons),
        year_off=list_year is not None
        and candidate_year is not None
        and abs(candidate_year - list_year) == 1,
    )


def title_key(title: str) -> str:
    """The stable part of an entry id: a hash of the normalised title, so edits of letter
    case, accents and punctuation keep it."""
    return hashlib.sha256(normalise_title(title).encode("utf-8")).hexdigest()[:12]


def entry_ids(titles: Sequence[str]) -> list[str]:
    """One id per title, in order. Repeated titles get `-2`, `-3`... in list order."""
    seen: dict[str, int] = {}
    ids = []
    for title in titles:
        key = title_key(title)
        seen[key] = seen.get(key, 0) + 1
        ids.append(key if seen[key] == 1 else f"{key}-{seen[key]}")
    return ids
