"""The paper steps: resolve every entry (S2, then arXiv) and page through S2 citation lists."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date, datetime
from typing import Any

from pipeline.analysis.citation_history import (
    MAX_PAGES_PER_PAPER,
    last_fetched,
    plan_fetches,
    rows_for,
)
from pipeline.core.errors import ApiError, is_outage
from pipeline.job.options import Inputs
from pipeline.resolve.records import ResolutionRun
from pipeline.resolve.resolver import Resolver
from pipeline.sources.arxiv import ArxivClient
from pipeline.sources.config import Settings
from pipeline.sources.http import CallStats
from pipeline.sources.semantic_scholar import SemanticScholarClient


def resolve_papers(
    inputs: Inputs,
    settings: Settings,
    sources: Collection[str],
    limiter: Callable[[str], None] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    today: date | None = None,
) -> tuple[ResolutionRun, dict[str, CallStats]]:
    """S2 batches and title matches, arXiv searches and id lookups. `today` (the snapshot
    date) paces the retries of entries no source could place."""
    s2 = SemanticScholarClient.from_settings(settings, limiter=limiter)
    arxiv = ArxivClient.from_settings(settings, limiter=limiter)
    resolver = Resolver(s2, arxiv, progress)
    resolver.failures.update(
        {api: "not asked (sources)" for api in ("s2", "arxiv") if api not in sources}
    )
    try:
        run = resolver.resolve(inputs.document.entries, inputs.overrides, inputs.pins, today)
    finally:
        s2.http.close()
        arxiv.http.close()
    return run, {"s2": s2.http.stats, "arxiv": arxiv.http.stats}


def fetch_citation_history(
    inputs: Inputs,
    resolution: ResolutionRun,
    settings: Settings,
    *,
    page_budget: int,
    now: datetime,
    synthetic: bool,
    limiter: Callable[[str], None] | None = None,
    s2_calls_spent: int = 0,
) -> tuple[dict[str, list[dict[str, Any]]], CallStats, str]:
    """Citing papers per year and month for the papers due (never fetched, or a month old),
    within `page_budget` calls and what is left of the run's S2 call budget. A paper that
    fails keeps its previous rows."""
    if settings.call_budget is not None:
        page_budget = min(page_budget, max(0, settings.call_budget - s2_calls_spent))
    papers: dict[str, int | None] = {}
    for r in resolution.resolutions:
        if r.s2_paper_id and r.s2 is not None and r.s2_paper_id not in papers:
            papers[r.s2_paper_id] = r.s2.citation_count
    plan = plan_fetches(papers, last_fetched(inputs.citations), now, page_budget)
    s2 = SemanticScholarClient.from_settings(settings, limiter=limiter)
    fetched: dict[str, list[dict[str, Any]]] = {}
    failure = ""
    pages_left = page_budget
    skipped = 0
    try:
        for paper_id in plan.fetch:
            if pages_left <= 0:
                break
            try:
                citing, pages, complete = s2.get_citations(
                    paper_id, max_pages=min(MAX_PAGES_PER_PAPER, pages_left)
                )
            except ApiError as error:
                if is_outage(error):
                    failure = f"; stopped: {error}"
                    break
                skipped += 1  # this paper only: the others are still asked
                failure = f"; {skipped} skipped, the last: {error}"
                continue
            pages_left -= pages
            fetched[paper_id] = rows_for(
                paper_id, citing, fetched_at=now, complete=complete, synthetic=synthetic
            )
    finally:
        s2.http.close()
    waiting = plan.waiting + len(plan.fetch) - len(fetched)
    line = (
        f"s2 citation history: {len(fetched)} papers fetched in "
        f"{s2.http.stats.network_requests} calls ({s2.http.stats.cache_hits} from the cache), "
        f"{waiting} due papers left for a later run{failure}"
    )
    return fetched, s2.http.stats, line
