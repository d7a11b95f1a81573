"""What resolution produces and the next run starts from: how an entry was resolved (MatchMethod),
its record (Resolution), the pins kept in resolution.json (Pin), and a run's outcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from pipeline.listfile.model import Entry
from pipeline.resolve.overrides import Override
from pipeline.resolve.titles import (
    Alternative,
    RejectedCandidate,
)
from pipeline.sources.arxiv import ArxivEntry
from pipeline.sources.semantic_scholar import (
    S2Paper,
)


class MatchMethod(StrEnum):
    OVERRIDE = "override"
    PINNED = "pinned"
    PAPER_URL_ID = "paper_url_id"
    S2_TITLE = "s2_title"
    ARXIV_TITLE = "arxiv_title"
    NOT_A_PAPER = "not_a_paper"
    UNRESOLVED = "unresolved"


RESOLVED_METHODS = frozenset(
    {
        MatchMethod.OVERRIDE,
        MatchMethod.PINNED,
        MatchMethod.PAPER_URL_ID,
        MatchMethod.S2_TITLE,
        MatchMethod.ARXIV_TITLE,
    }
)


@dataclass(frozen=True)
class Pin:
    """What a previous run settled for one entry (read back from resolution.json)."""

    entry_id: str
    match_method: str
    match_score: float | None = None
    s2_paper_id: str | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    citation_key: str | None = None
    bibtex: str | None = None
    arxiv: ArxivEntry | None = None  # arXiv metadata seldom changes: kept, not fetched again
    tries: int = 0  # unresolved entries: the nights their title was searched in vain
    next_try: date | None = None  # unresolved entries: not searched again before this date


@dataclass(frozen=True)
class Resolution:
    entry: Entry
    entry_id: str
    method: MatchMethod
    score: float | None = None
    s2: S2Paper | None = None
    arxiv: ArxivEntry | None = None
    s2_paper_id: str | None = None
    merged_from: str | None = None  # the S2 id asked for, when S2 answered with a merged one
    arxiv_id: str | None = None
    doi: str | None = None
    authors: tuple[str, ...] = ()
    author_ids: tuple[str | None, ...] = ()
    low_confidence: bool = False
    kept_from_previous: bool = False  # S2 was unavailable; ids (and BibTeX) are last run's
    notes: tuple[str, ...] = ()
    citation_key: str | None = None
    bibtex: str | None = None
    tries: int = 0  # unresolved: the nights the title was searched in vain (this one included)
    next_try: date | None = None  # unresolved: the date the title is searched again
    query: str | None = None  # for title matches: the query that found the accepted record
    rejected: tuple[RejectedCandidate, ...] = ()  # S2 records the match guard turned down
    alternatives: tuple[Alternative, ...] = ()  # other versions of the paper that S2 holds

    @property
    def resolved(self) -> bool:
        return self.method in RESOLVED_METHODS

    def pin(self) -> Pin:
        """What the next run starts from for this entry."""
        return Pin(
            self.entry_id,
            self.method.value,
            self.score,
            self.s2_paper_id,
            self.arxiv_id,
            self.doi,
            self.citation_key,
            self.bibtex,
            self.arxiv,
            self.tries,
            self.next_try,
        )

    @property
    def paper_key(self) -> str:
        """Entries that are the same paper share this key (and one BibTeX entry)."""
        if self.s2_paper_id:
            return f"s2:{self.s2_paper_id}"
        if self.arxiv_id:
            return f"arxiv:{self.arxiv_id}"
        return f"entry:{self.entry_id}"


@dataclass(frozen=True)
class Candidate:
    method: MatchMethod
    s2_id: str


@dataclass
class ResolutionRun:
    resolutions: list[Resolution]
    failures: dict[str, str] = field(default_factory=dict)  # api -> why it was not (fully) used
    unused_overrides: list[Override] = field(default_factory=list)
    bibliography: str = ""
    failed_ids: dict[str, str] = field(default_factory=dict)  # S2 ids a batch failed on alone
