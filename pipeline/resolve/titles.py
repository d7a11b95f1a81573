"""Finding an entry's paper on Semantic Scholar by its title, past namesakes and versions.

S2's `/paper/search/match` answers with one paper. At most two more S2 calls follow:

- The match guard rejects it for its year or venue while its title passes (a namesake: a
  workshop version, a journal extension, another paper of the same title). When its year lies
  outside the list's year +/- 1, the match again filtered to that range (`year=2021-2023`);
  when that answers with the same title again (another version in range, rejected for its
  venue), or when the first was rejected for its venue, one `/paper/search` for the title
  (with the year filter), taking the best guarded candidate of the top 10 that was not
  rejected. A match rejected for its title is S2's closest title and another paper: no filter
  or search can find a closer one, so none is asked. arXiv's title search comes after these.
- The guard accepts it but with a conflicting venue or a year one off: one `/paper/search` for a
  version the list's venue and year agree with better.
- The list gives neither year nor venue: one `/paper/search` for the other versions.

Version policy, when several records with near-identical titles pass the guard: the list's
venue and year decide, through the guard's score (a conflicting venue and an off-by-one year
cost score); on a tie, and when the list gives neither, the peer-reviewed version beats the
preprint and the earliest beats later reprints. The other versions are kept as alternatives,
shown in resolution.md with the override that pins one of them instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.listfile.venues import find_venue
from pipeline.resolve.matching import MIN_TITLE_SIMILARITY, Verdict, judge, title_similarity
from pipeline.sources.semantic_scholar import S2Paper, SemanticScholarClient, year_filter

# Records whose titles are at least this similar are versions of one paper, not namesakes.
SAME_TITLE = 0.97
_PREPRINT_VENUES = ("arxiv", "corr", "biorxiv", "medrxiv", "ssrn", "preprint", "research square")


@dataclass(frozen=True)
class RejectedCandidate:
    paper_id: str
    title: str
    year: int | None
    venue: str | None
    query: str  # the query that found it
    reasons: tuple[str, ...]

    def __str__(self) -> str:
        year = f" ({self.year})" if self.year else ""
        return f"S2 candidate {self.title!r}{year} rejected: {'; '.join(self.reasons)}"


@dataclass(frozen=True)
class Alternative:
    """Another record of the same paper (another version) than the one accepted."""

    paper_id: str
    title: str
    year: int | None
    venue: str | None


@dataclass(frozen=True)
class TitleSearch:
    """The outcome of looking a title up on S2."""

    paper: S2Paper | None = None
    verdict: Verdict | None = None
    query: str | None = None  # which query found the accepted paper
    rejected: tuple[RejectedCandidate, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    matched: bool = False  # the first match answered at all (False: S2 has no match)
    policy_decided: bool = False  # the version policy, not the list, chose among versions


def is_preprint(paper: S2Paper) -> bool:
    """A record with no venue, or a preprint server's."""
    venues = " ".join(v for v in (paper.venue, paper.publication_venue) if v).casefold()
    return not venues.strip() or any(name in venues for name in _PREPRINT_VENUES)


def _venue(paper: S2Paper) -> str | None:
    return paper.venue or paper.publication_venue


def _policy_key(paper: S2Paper, verdict: Verdict) -> tuple[float, bool, int]:
    """Higher is better: the guard's score (the list's venue and year), then peer review, then
    the earliest year."""
    return (verdict.score, not is_preprint(paper), -(paper.year or 9999))


def _alternative(paper: S2Paper) -> Alternative:
    return Alternative(paper.paper_id, paper.title, paper.year, _venue(paper))


class TitleFinder:
    """Asks S2 for one title at a time; ApiErrors propagate to the resolver."""

    def __init__(self, s2: SemanticScholarClient) -> None:
        self.s2 = s2

    def find(self, title: str, year: int | None, venue: str | None) -> TitleSearch:
        def verdict_for(paper: S2Paper) -> Verdict:
            return judge(
                title, year, venue, paper.title, paper.year, (paper.venue, paper.publication_venue)
            )

        rejected: list[RejectedCandidate] = []

        def reject(paper: S2Paper, verdict: Verdict, query: str) -> None:
            if all(r.paper_id != paper.paper_id for r in rejected):
                rejected.append(
                    RejectedCandidate(
                        paper.paper_id,
                        paper.title,
                        paper.year,
                        _venue(paper),
                        query,
                        verdict.reasons,
                    )
                )

        match = self.s2.match_title(title)
        if match is None:
            return TitleSearch()
        first = verdict_for(match.paper)
        years = (year - 1, year + 1) if year is not None else None
        if first.accepted:
            if year is None and find_venue(venue) is None:
                return self._versions(
                    title, None, match.paper, first, verdict_for, list_decides=False
                )
            if not (first.venue_conflict or first.year_off):
                return TitleSearch(match.paper, first, "match", matched=True)
            # Accepted, but another version may agree with the list's venue and year.
            return self._versions(title, years, match.paper, first, verdict_for, list_decides=True)
        reject(match.paper, first, "match")
        if first.similarity < MIN_TITLE_SIMILARITY:
            # S2's closest title is another paper: no filter or search can find a closer one.
            return TitleSearch(rejected=tuple(rejected), matched=True)

        outside = (
            years is not None
            and match.paper.year is not None
            and not years[0] <= match.paper.year <= years[1]
        )
        if years is not None and outside:
            # A namesake (the title, another year): the match within the list's years.
            query = f"match year={year_filter(years)}"
            again = self.s2.match_title(title, years)
            if again is None:
                return TitleSearch(rejected=tuple(rejected), matched=True)
            verdict = verdict_for(again.paper)
            if verdict.accepted:
                return TitleSearch(again.paper, verdict, query, tuple(rejected), matched=True)
            reject(again.paper, verdict, query)
            if verdict.similarity < MIN_TITLE_SIMILARITY:
                # Within those years S2's closest title is another paper: the list's is not
                # there, and a search would find nothing closer.
                return TitleSearch(rejected=tuple(rejected), matched=True)

        query = "search" + (f" year={year_filter(years)}" if years else "")
        found = self.s2.search_title(title, years)
        refused = {r.paper_id for r in rejected}
        judged = [(verdict_for(p), p) for p in found if p.paper_id not in refused]
        accepted = [(v, p) for v, p in judged if v.accepted]
        for verdict, paper in judged:
            if not verdict.accepted and title_similarity(title, paper.title) >= SAME_TITLE:
                reject(paper, verdict, query)  # namesakes worth showing; unrelated hits are not
        if not accepted:
            return TitleSearch(rejected=tuple(rejected), matched=True)
        verdict, best = max(accepted, key=lambda pair: _policy_key(pair[1], pair[0]))
        others = [
            _alternative(p)
            for v, p in accepted
            if p.paper_id != best.paper_id and title_similarity(best.title, p.title) >= SAME_TITLE
        ]
        tied = any(v.score == verdict.score for v, p in accepted if p.paper_id != best.paper_id)
        return TitleSearch(
            best, verdict, query, tuple(rejected), tuple(others), True, policy_decided=tied
        )

    def _versions(
        self,
        title: str,
        years: tuple[int, int] | None,
        matched: S2Paper,
        verdict: Verdict,
        verdict_for: Callable[[S2Paper], Verdict],
        *,
        list_decides: bool,
    ) -> TitleSearch:
        """One search (within the year range, if any) for the other versions of S2's match.
        With the list's venue and year (`list_decides`), the guard's score picks; without
        them, peer review first, then the earliest (flagged as the policy's choice)."""
        versions = {matched.paper_id: (verdict, matched)}
        for paper in self.s2.search_title(title, years):
            same = title_similarity(matched.title, paper.title) >= SAME_TITLE
            if paper.paper_id in versions or not same:
                continue
            candidate = verdict_for(paper)
            if candidate.accepted:
                versions[paper.paper_id] = (candidate, paper)
        if list_decides:
            best_verdict, best = max(versions.values(), key=lambda p: _policy_key(p[1], p[0]))
            query = "search" + (f" year={year_filter(years)}" if years else "")
        else:
            best_verdict, best = max(
                versions.values(),
                key=lambda p: (not is_preprint(p[1]), -(p[1].year or 9999), p[0].score),
            )
            query = "search (version policy)"
        others = tuple(_alternative(p) for _, p in versions.values() if p.paper_id != best.paper_id)
        return TitleSearch(
            best,
            best_verdict,
            "match" if best.paper_id == matched.paper_id else query,
            alternatives=others,
            matched=True,
            policy_decided=bool(others) and not list_decides,
        )


_SHORTCODE = re.compile(r"(?<!\w):[a-z0-9_+-]{2,40}:(?!\w)")
_MARKUP = re.compile(r"[*_`~\\]+")


def query_title(title: str) -> str:
    """The title as sent to the APIs: without emoji (as characters or `:shortcodes:`), Markdown
    markup and runs of spaces. The list's text is not changed."""
    text = _SHORTCODE.sub(" ", title)
    text = "".join(
        " " if unicodedata.category(char) in {"So", "Sk", "Cs", "Co", "Cn"} else char
        for char in text
    )
    text = _MARKUP.sub(" ", text)
    return " ".join(text.split())
