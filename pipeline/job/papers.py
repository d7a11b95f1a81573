"""The paper steps: resolve every entry (S2, then arXiv) and page through S2 citation lists,
with S2 and arXiv on lanes of their own (issue 15)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pipeline.analysis.citation_history import (
    MAX_PAGES_PER_PAPER,
    last_fetched,
    plan_fetches,
    rows_for,
)
from pipeline.core.errors import ApiError, ConfigError, is_outage
from pipeline.job.options import Inputs
from pipeline.resolve.records import Resolution, ResolutionRun
from pipeline.resolve.resolver import Resolver
from pipeline.sources.arxiv import ArxivClient
from pipeline.sources.config import Settings
from pipeline.sources.gates import ApiGate
from pipeline.sources.http import CallStats
from pipeline.sources.semantic_scholar import SemanticScholarClient


def resolve_papers(
    inputs: Inputs,
    settings: Settings,
    sources: Collection[str],
    limiter: Callable[[str], None] | None = None,
    progress: Callable[[str, int, int, int], None] | None = None,
    today: date | None = None,
) -> tuple[ResolutionRun, dict[str, CallStats]]:
    """S2 batches and title matches, arXiv searches and id lookups, one after another (no
    citation history). `today` (the snapshot date) paces the retries of entries no source
    could place."""
    papers = fetch_papers(
        inputs, settings, sources, limiter=limiter, progress=progress, today=today, lanes=False
    )
    return papers.resolution, papers.calls


@dataclass
class Papers:
    """The paper sources' part of a run: resolutions, citation history, calls per client."""

    resolution: ResolutionRun
    calls: dict[str, CallStats]  # "s2", "arxiv", and "s2 citations" when it was asked
    citations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    history_line: str = "s2 citation history: not asked"


def fetch_papers(
    inputs: Inputs,
    settings: Settings,
    sources: Collection[str],
    *,
    limiter: Callable[[str], None] | None = None,
    progress: Callable[[str, int, int, int], None] | None = None,
    today: date | None = None,
    now: datetime | None = None,
    citation_pages: int = 0,
    synthetic: bool = False,
    lanes: bool = True,
    on_answer: Callable[[], None] | None = None,
) -> Papers:
    """Resolve every entry, and fetch the citation history (`citation_pages` > 0, with `now`)
    in S2's remaining time: after S2's title matches, while arXiv may still search, then for
    the papers arXiv found. With `lanes`, arXiv's requests run on a thread of their own (see
    Resolver); S2's and arXiv's clients each share one gate (pacing, call budget) for the run.
    `on_answer` is called when S2 or arXiv first answers."""
    s2 = SemanticScholarClient.from_settings(settings, limiter=limiter)
    arxiv = ArxivClient.from_settings(settings, limiter=limiter)
    if on_answer is not None:
        s2.http.gate.on_answer(on_answer)
        arxiv.http.gate.on_answer(on_answer)
    history: CitationHistory | None = None
    if "s2" in sources and citation_pages > 0 and now is not None:
        history = CitationHistory(
            inputs,
            settings,
            page_budget=citation_pages,
            now=now,
            synthetic=synthetic,
            limiter=limiter,
            gate=s2.http.gate,
        )
    resolver = Resolver(s2, arxiv, progress, lanes=lanes)
    if history is not None:
        fetching = history

        def spare(resolutions: Sequence[Resolution], reserve: int) -> None:
            if "s2" not in resolver.failures:  # S2 down: its citation lists are not asked
                fetching.fetch(resolutions, reserve)

        resolver.s2_spare = spare
    resolver.failures.update(
        {api: "not asked (sources)" for api in ("s2", "arxiv") if api not in sources}
    )
    try:
        run = resolver.resolve(inputs.document.entries, inputs.overrides, inputs.pins, today)
    finally:
        s2.http.close()
        arxiv.http.close()
        if history is not None:
            history.close()
    papers = Papers(run, {"s2": s2.http.stats, "arxiv": arxiv.http.stats})
    if history is not None and history.asked:
        papers.citations = history.fetched
        papers.history_line = history.line()
        papers.calls["s2 citations"] = history.stats
    return papers


class CitationHistory:
    """Citing papers per year and month for the papers due (never fetched, or a month old),
    within `page_budget` calls and what is left of the run's S2 call budget, fetched in rounds
    as papers become known (`fetch`). A paper that fails keeps its previous rows; an outage
    stops the rounds. Papers are planned in the order they become known: those S2 resolved
    first, then those found on arXiv by title (pages beyond the budget wait for a later run)."""

    def __init__(
        self,
        inputs: Inputs,
        settings: Settings,
        *,
        page_budget: int,
        now: datetime,
        synthetic: bool,
        limiter: Callable[[str], None] | None = None,
        gate: ApiGate | None = None,
        s2_calls_spent: int = 0,
    ) -> None:
        self.client = SemanticScholarClient.from_settings(settings, limiter=limiter, gate=gate)
        self.gate = self.client.http.gate
        self.now, self.synthetic = now, synthetic
        self.pages_left = page_budget
        self.spent_elsewhere = s2_calls_spent  # S2 calls of this run on another gate
        self.last = last_fetched(inputs.citations)
        self.fetched: dict[str, list[dict[str, Any]]] = {}
        self.asked = False
        self._planned: set[str] = set()
        self._waiting = 0
        self._skipped = 0
        self._failure = ""
        self._stopped = False

    @property
    def stats(self) -> CallStats:
        return self.client.http.stats

    def _available(self, reserve: int) -> int:
        pages = 0 if self._stopped else self.pages_left
        if self.gate.budget is not None:
            left = self.gate.budget - self.gate.sent - self.spent_elsewhere - reserve
            pages = min(pages, max(0, left))
        return pages

    def fetch(self, resolutions: Iterable[Resolution], reserve: int = 0) -> None:
        """One round: the due papers among `resolutions` not planned before, keeping `reserve`
        S2 calls of the run's budget for resolution."""
        self.asked = True
        papers: dict[str, int | None] = {}
        for r in resolutions:
            paper_id = r.s2_paper_id
            if paper_id and r.s2 is not None and paper_id not in self._planned:
                papers.setdefault(paper_id, r.s2.citation_count)
        self._planned.update(papers)
        plan = plan_fetches(papers, self.last, self.now, self._available(reserve))
        fetched = 0
        for paper_id in plan.fetch:
            if self.pages_left <= 0 or self._stopped:
                break
            try:
                citing, pages, complete = self.client.get_citations(
                    paper_id, max_pages=min(MAX_PAGES_PER_PAPER, self.pages_left)
                )
            except ApiError as error:
                if is_outage(error):
                    self._failure = f"; stopped: {error}"
                    self._stopped = True
                    break
                self._skipped += 1  # this paper only: the others are still asked
                self._failure = f"; {self._skipped} skipped, the last: {error}"
                continue
            except ConfigError:  # the run's settings: the run fails, as documented
                raise
            except Exception as error:  # a bug or an unforeseen answer: stop, keep the rest
                self._failure = f"; stopped: {type(error).__name__}: {error}"
                self._stopped = True
                break
            self.pages_left -= pages
            fetched += 1
            self.fetched[paper_id] = rows_for(
                paper_id, citing, fetched_at=self.now, complete=complete, synthetic=self.synthetic
            )
        self._waiting += plan.waiting + len(plan.fetch) - fetched

    def line(self) -> str:
        stats = self.stats
        return (
            f"s2 citation history: {len(self.fetched)} papers fetched in "
            f"{stats.network_requests} calls ({stats.cache_hits} from the cache), "
            f"{self._waiting} due papers left for a later run{self._failure}"
        )

    def close(self) -> None:
        self.client.http.close()


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
    """The citation history of a finished resolution, in one round (see CitationHistory):
    within `page_budget` calls and what is left of the run's S2 call budget once
    `s2_calls_spent` calls are counted."""
    history = CitationHistory(
        inputs,
        settings,
        page_budget=page_budget,
        now=now,
        synthetic=synthetic,
        limiter=limiter,
        s2_calls_spent=s2_calls_spent,
    )
    try:
        history.fetch(resolution.resolutions)
    finally:
        history.close()
    return history.fetched, history.stats, history.line()
