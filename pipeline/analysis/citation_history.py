"""Citations per year (and per month) for each resolved paper, from Semantic Scholar's list of
citing papers: a citation history from the first run, not only from our own snapshots.

Each paper is fetched once, then refreshed on a slow cadence (REFRESH_AFTER), never spending
more than a run's page budget: papers never fetched go first, then those fetched longest ago.
Scheduling and counting are pure; the table is stored by pipeline.store.citations.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pipeline.sources.semantic_scholar import S2_CITATIONS_PAGE, CitingPaper

REFRESH_AFTER = timedelta(days=30)
MAX_PAGES_PER_PAPER = 10  # 10,000 citing papers; a paper with more is marked incomplete
DEFAULT_PAGE_BUDGET = 300  # pages (calls) per run: 5 minutes of S2 at 1 request/second


@dataclass(frozen=True)
class Plan:
    fetch: list[str]  # paper ids, in the order to fetch them
    pages: int  # the pages (calls) they should cost
    waiting: int  # due papers left for a later run (budget)


def pages_needed(citation_count: int | None) -> int:
    if not citation_count:
        return 1
    return min(MAX_PAGES_PER_PAPER, math.ceil(citation_count / S2_CITATIONS_PAGE))


def plan_fetches(
    papers: Mapping[str, int | None],
    fetched_at: Mapping[str, datetime],
    now: datetime,
    page_budget: int,
    refresh_after: timedelta = REFRESH_AFTER,
) -> Plan:
    """Which papers to fetch this run: `papers` maps S2 id to its citation count (in list
    order); `fetched_at` says when each was fetched last."""
    never = [p for p in papers if p not in fetched_at]
    stale = sorted(
        (p for p in papers if p in fetched_at and now - fetched_at[p] >= refresh_after),
        key=lambda p: fetched_at[p],
    )
    chosen, spent, waiting = [], 0, 0
    for paper in [*never, *stale]:
        cost = pages_needed(papers[paper])
        if spent + cost > page_budget:
            waiting += 1
            continue
        chosen.append(paper)
        spent += cost
    return Plan(chosen, spent, waiting)


def count_citations(citing: Iterable[CitingPaper]) -> Counter[tuple[int | None, int | None]]:
    """Citing papers per (year, month); month None without a full date, year None without a
    year. A date's year wins over a disagreeing `year` field (the date is the finer fact)."""
    counts: Counter[tuple[int | None, int | None]] = Counter()
    for paper in citing:
        year, month = paper.year, None
        if paper.publication_date:
            day = _iso_day(paper.publication_date[:10])
            if day is not None:
                year, month = day.year, day.month
        counts[(year, month)] += 1
    return counts


def _iso_day(text: str) -> date | None:
    """A YYYY-MM-DD date, or None: what `strptime(text, "%Y-%m-%d")` accepts with zero-padded
    fields, about twenty times faster (a 10,000-paper history parses some 100,000 dates)."""
    digits = text[:4] + text[5:7] + text[8:]
    if len(text) != 10 or text[4] != "-" or text[7] != "-" or not digits.isascii():
        return None
    if not digits.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[5:7]), int(text[8:]))
    except ValueError:
        return None


def rows_for(
    paper_id: str,
    citing: Sequence[CitingPaper],
    *,
    fetched_at: datetime,
    complete: bool,
    synthetic: bool,
) -> list[dict[str, Any]]:
    """The table rows of one paper; a paper with no citations gets one row of 0, so that the
    table remembers it was fetched."""
    counts = count_citations(citing) or Counter({(None, None): 0})
    return [
        {
            "s2_paper_id": paper_id,
            "year": year,
            "month": month,
            "citations": count,
            "fetched_at": fetched_at,
            "complete": complete,
            "synthetic": synthetic,
        }
        for (year, month), count in sorted(
            counts.items(), key=lambda item: (item[0][0] or 0, item[0][1] or 0)
        )
    ]


def replace_papers(
    old_rows: Sequence[Mapping[str, Any]], new_rows: Mapping[str, Sequence[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """The table with the refreshed papers' rows replaced; every other paper's rows kept."""
    kept = [dict(row) for row in old_rows if row["s2_paper_id"] not in new_rows]
    fresh = [dict(row) for rows in new_rows.values() for row in rows]
    return sorted(
        [*kept, *fresh],
        key=lambda r: (r["s2_paper_id"], r["year"] or 0, r["month"] or 0),
    )


def last_fetched(rows: Iterable[Mapping[str, Any]]) -> dict[str, datetime]:
    fetched: dict[str, datetime] = {}
    for row in rows:
        at = row["fetched_at"]
        at = at if at.tzinfo else at.replace(tzinfo=UTC)
        fetched[row["s2_paper_id"]] = min(at, fetched.get(row["s2_paper_id"], at))
    return fetched
