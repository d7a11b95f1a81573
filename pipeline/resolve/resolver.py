"""Resolve every entry to its record, in a fixed order, recording how:

1. `override`: a manual override in data/raw/overrides.yaml pins the paper (or says it is not one);
2. `pinned`: the ids the previous run settled for the same entry_id;
3. `paper_url_id`: an arXiv id or DOI in the paper URL, looked up in S2 batches;
4. `s2_title`: S2's title match, accepted only past the match guard;
5. `arxiv_title`: arXiv title search, accepted only past the match guard;
otherwise `unresolved`, with the reasons.

Steps 1-3 go to S2 in batches of 500 (an id S2 no longer knows falls to the next step); steps
4-5 cost one call per remaining entry. When S2 cannot be reached, entries keep what the previous
run settled. No guessed record is ever accepted: below the guard an entry stays unresolved.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date

from pipeline.core.batching import unique
from pipeline.core.errors import ApiError, ConfigError, is_outage
from pipeline.core.lanes import lane, submit_in_context
from pipeline.listfile.identifiers import paper_ids
from pipeline.listfile.model import Entry
from pipeline.resolve.bibtex import (
    BibSource,
    assign_keys,
    base_key,
    build_entry,
    render_bibliography,
)
from pipeline.resolve.matching import Verdict, entry_ids, judge, title_similarity
from pipeline.resolve.overrides import Override, Overrides
from pipeline.resolve.records import (
    RESOLVED_METHODS,
    Candidate,
    MatchMethod,
    Pin,
    Resolution,
    ResolutionRun,
)
from pipeline.resolve.retries import RETRY_NIGHTS as RETRY_NIGHTS
from pipeline.resolve.retries import backed_off, waiting_entry
from pipeline.resolve.titles import (
    TitleFinder,
    TitleSearch,
    query_title,
)
from pipeline.sources.arxiv import ArxivClient, ArxivEntry
from pipeline.sources.semantic_scholar import (
    S2_BATCH_SIZE,
    S2Lookup,
    SemanticScholarClient,
    arxiv_paper_id,
    doi_paper_id,
)

# S2's title searches in flight at once (with lanes). Every request still waits for S2's pacer
# (one start per interval, whichever thread sends it): a second search sends while the other
# waits for a slow answer or sleeps a backoff, so a fault's wait does not idle S2's quota.
S2_TITLE_WORKERS = 2


def candidates(entry: Entry, override: Override | None, pin: Pin | None) -> list[Candidate]:
    """The S2 ids to try, in resolution order. Pure."""
    found: list[Candidate] = []
    if override is not None:
        if override.s2_paper_id:
            found.append(Candidate(MatchMethod.OVERRIDE, override.s2_paper_id))
        if override.arxiv_id:
            found.append(Candidate(MatchMethod.OVERRIDE, arxiv_paper_id(override.arxiv_id)))
        if override.doi:
            found.append(Candidate(MatchMethod.OVERRIDE, doi_paper_id(override.doi)))
        if found:
            return found  # the maintainer's word: no other step may pick another paper
    if pin is not None and pin.match_method in {m.value for m in RESOLVED_METHODS}:
        if pin.s2_paper_id:
            found.append(Candidate(MatchMethod.PINNED, pin.s2_paper_id))
        elif pin.arxiv_id:
            found.append(Candidate(MatchMethod.PINNED, arxiv_paper_id(pin.arxiv_id)))
    if entry.paper_url:
        ids = paper_ids(entry.paper_url)
        if ids.arxiv_id:
            found.append(Candidate(MatchMethod.PAPER_URL_ID, arxiv_paper_id(ids.arxiv_id)))
        if ids.doi and not ids.arxiv_id:
            found.append(Candidate(MatchMethod.PAPER_URL_ID, doi_paper_id(ids.doi)))
    return found


def merge_authors(
    s2_authors: Sequence[tuple[str | None, str]], arxiv_names: Sequence[str]
) -> tuple[tuple[str, ...], tuple[str | None, ...]]:
    """Names and S2 author ids. S2's authors (with ids) win; arXiv's full names replace S2's
    initials ("E. Duflo") when both lists name the same people in the same order."""
    if not s2_authors:
        return tuple(arxiv_names), tuple(None for _ in arxiv_names)
    names = [name for _, name in s2_authors]
    if len(arxiv_names) == len(names) and all(
        _last_name(ours) == _last_name(theirs)
        for ours, theirs in zip(names, arxiv_names, strict=True)
    ):
        names = list(arxiv_names)
    return tuple(names), tuple(author_id for author_id, _ in s2_authors)


def _last_name(name: str) -> str:
    parts = name.replace(".", " ").split()
    return parts[-1].casefold() if parts else ""


def _verdict_note(step: str, title: str, year: int | None, verdict: Verdict) -> str:
    shown = f"{title!r}" + (f" ({year})" if year else "")
    return f"{step} candidate {shown} rejected: {'; '.join(verdict.reasons)}"


_NOT_PLACED = (MatchMethod.UNRESOLVED, MatchMethod.NOT_A_PAPER)


class Resolver:
    """Resolves a list's entries. With `lanes`, arXiv's requests run on a thread of their own
    (the arXiv lane) while S2's run on the caller's, its title searches on S2_TITLE_WORKERS
    threads beside it: arXiv searches a title as soon as S2 could not place it, and looks ids
    up while S2 finds the records of the papers arXiv found. `s2_spare` is called on the S2
    lane when S2 has nothing left to resolve (with the resolutions so far: after the titles,
    then once more with all of them; and the S2 calls resolution may still make, to keep back
    from a call budget) so the job can spend S2's remaining time (the citation history). Each
    entry's outcome depends only on its own answers, so the result is the same with and
    without lanes.

    Thread safety: each `failures` key is written by one API's threads only ("s2" and
    "s2-title" by S2's, "arxiv" by arXiv's), one key at a time; progress is counted under a
    lock; an entry's notes are written by one thread at a time; the S2 client is shared by
    S2's threads (its HTTP layer is: a per-thread hop, stats under a lock, one pacer), the
    arXiv client is used by the arXiv lane alone."""

    def __init__(
        self,
        s2: SemanticScholarClient,
        arxiv: ArxivClient,
        progress: Callable[[str, int, int, int], None] | None = None,
        *,
        lanes: bool = False,
        s2_spare: Callable[[Sequence[Resolution], int], None] | None = None,
    ) -> None:
        self.s2 = s2
        self.titles = TitleFinder(s2)
        self.arxiv = arxiv
        self.failures: dict[str, str] = {}
        self.failed_ids: dict[str, str] = {}  # ids S2 kept failing on alone (batch isolated)
        self._item_failures: dict[str, str] = {}  # the last failed request per lane key
        self._failed_batch_ids: set[str] = set()  # ids of batches that failed as a whole
        self.progress = progress
        self.lanes = lanes
        self.s2_spare = s2_spare
        self._progress_lock = threading.Lock()
        self._done = self._total = self._found = 0

    # --- S2 batches ---------------------------------------------------------------------------
    def _batch(self, s2_ids: Sequence[str]) -> dict[str, S2Lookup] | None:
        """Each id's answer; None when S2 is out for the run. A batch that failed (after its
        retries, or on an answer the product cannot read) costs only its ids: each gets a
        lookup with `failure`, and falls to its next resolution method (issue 23)."""
        if "s2" in self.failures:
            return None
        if not s2_ids:
            return {}
        asked = unique(list(s2_ids))
        try:
            return {lookup.requested: lookup for lookup in self.s2.get_papers(asked)}
        except ApiError as error:
            if is_outage(error):  # S2 fails every request, or said stop: out for the run
                self.failures["s2"] = error.detail
                return None
            detail = error.detail
        except ConfigError:  # the run's settings: the run fails, as documented
            raise
        except Exception as error:  # a bug or an unforeseen answer: this batch fails, not S2
            detail = f"stopped: {type(error).__name__}: {error}"
        self._failed_batch_ids.update(asked)
        failure = f"S2 batch failed ({detail})"
        return {s2_id: S2Lookup(s2_id, None, failure) for s2_id in asked}

    def resolve(
        self,
        entries: Sequence[Entry],
        overrides: Overrides,
        previous: Mapping[str, Pin],
        today: date | None = None,
    ) -> ResolutionRun:
        """Every entry's resolution. `today` (the snapshot date) paces the retries of entries
        no source could place: they are searched again after 1, 2, 4 ... nights (RETRY_NIGHTS);
        without it, every unresolved entry is searched every run."""
        ids = entry_ids([entry.title for entry in entries])
        results: dict[int, Resolution] = {}
        pending: dict[int, list[Candidate]] = {}
        notes: dict[int, list[str]] = {entry.position: [] for entry in entries}
        for entry, entry_id in zip(entries, ids, strict=True):
            override = overrides.for_entry(entry)
            if override is not None and override.not_a_paper:
                results[entry.position] = Resolution(entry, entry_id, MatchMethod.NOT_A_PAPER)
                continue
            pending[entry.position] = candidates(entry, override, previous.get(entry_id))
        by_position = {
            entry.position: (entry, entry_id) for entry, entry_id in zip(entries, ids, strict=True)
        }

        # Steps 4-5: titles, one call per entry, so this is the long part. With lanes, S2's
        # title searches run on S2_TITLE_WORKERS threads sharing S2's pacer (every request
        # still starts one interval after the last): one sends while another waits for a slow
        # answer or a backoff, and an entry with no id to look up is searched while the batch
        # rounds run. An entry S2 could not place goes to arXiv at once, on the arXiv lane.
        arxiv_lane = lane("arxiv-lane") if self.lanes else None
        title_lane = (
            ThreadPoolExecutor(S2_TITLE_WORKERS, thread_name_prefix="s2-titles")
            if self.lanes
            else None
        )
        searched: dict[int, Resolution | Future[Resolution]] = {}
        searching: dict[int, Future[Resolution | Future[Resolution]]] = {}
        self._done, self._total, self._found = 0, 0, 0

        def search(entry: Entry, entry_id: str) -> Resolution | Future[Resolution]:
            waiting = waiting_entry(entry, previous.get(entry_id), today)
            if waiting is not None:
                return waiting
            override = overrides.for_entry(entry)
            step = self._s2_title(entry, entry_id, override, notes[entry.position])
            if isinstance(step, Resolution):
                self._tick(step.method is not MatchMethod.UNRESOLVED)
                return step
            last = previous.get(entry_id)
            if arxiv_lane is None:
                return self._arxiv_title_lane(step, last, today)
            return submit_in_context(arxiv_lane, self._arxiv_title_lane, step, last, today)

        def by_title(positions: list[int]) -> None:
            with self._progress_lock:
                self._total += len(positions)
            for position in positions:
                if title_lane is None:
                    searched[position] = search(*by_position[position])
                else:
                    searching[position] = submit_in_context(
                        title_lane, search, *by_position[position]
                    )

        try:
            if title_lane is not None:  # no id to look up: to the title search at once
                by_title([p for p in sorted(pending) if not pending[p]])
            self._lookup_ids(pending, by_position, previous, results, notes)
            if self.progress is not None:  # entries settled before any title search
                placed = sum(r.method not in _NOT_PLACED for r in results.values())
                self.progress("id lookups", len(results), len(results), placed)
            by_title([p for p in sorted(pending) if p not in results and p not in searching])
            searched.update({p: search_done.result() for p, search_done in searching.items()})
            later = {p: s for p, s in sorted(searched.items()) if isinstance(s, Future)}
            results.update({p: s for p, s in searched.items() if isinstance(s, Resolution)})
            if self.s2_spare is not None:
                # S2 is done with titles while arXiv may still search: S2's time is free.
                # Kept back from the run's S2 budget: the lookups of what arXiv may still find.
                found_on_arxiv = len(later) + sum(
                    r.method is MatchMethod.ARXIV_TITLE for r in results.values()
                )
                reserve = math.ceil(found_on_arxiv / S2_BATCH_SIZE)
                self.s2_spare([results[p] for p in sorted(results)], reserve)
            for position, future in later.items():
                results[position] = future.result()

            resolutions = [_with_pinned_arxiv(results[e.position], previous) for e in entries]
            # arXiv metadata by id (arXiv lane) while S2 looks up the papers arXiv found.
            wanted = sorted({r.arxiv_id for r in resolutions if r.arxiv_id and r.arxiv is None})
            fetching = (
                submit_in_context(arxiv_lane, self._fetch_arxiv, wanted)
                if arxiv_lane is not None
                else None
            )
            resolutions = self._attach_s2_for_arxiv_titles(resolutions)
            if self.s2_spare is not None:
                self.s2_spare(resolutions, 0)
            found = fetching.result() if fetching is not None else self._fetch_arxiv(wanted)
        finally:
            for executor in (title_lane, arxiv_lane):
                if executor is not None:
                    executor.shutdown(wait=True, cancel_futures=True)
        self._never_answered()
        resolutions = self._attach_arxiv(resolutions, found)
        resolutions = _with_bibtex(resolutions, overrides, previous)
        entries_bib = [r.bibtex for r in _unique_papers(resolutions) if r.bibtex]
        return ResolutionRun(
            resolutions,
            self._failures_by_api(),
            overrides.unused(entries),
            "\n\n".join(entries_bib) + "\n" if entries_bib else "",
            dict(self.failed_ids),
        )

    def _lookup_ids(
        self,
        pending: dict[int, list[Candidate]],
        by_position: Mapping[int, tuple[Entry, str]],
        previous: Mapping[str, Pin],
        results: dict[int, Resolution],
        notes: Mapping[int, list[str]],
    ) -> None:
        """Steps 1-3: the entries' ids looked up in S2 batch rounds (an id S2 does not know, or
        failed on tonight, falls to the next one); each entry placed goes into `results`."""
        # Entries whose last id S2 failed on tonight (not "unknown"), with that id's method.
        unanswered: dict[int, MatchMethod] = {}
        while any(pending.values()):
            asking = {position: queue[0] for position, queue in pending.items() if queue}
            answers = self._batch([c.s2_id for c in asking.values()])
            if answers is None:
                break
            for position, candidate in asking.items():
                lookup = answers[candidate.s2_id]
                entry, entry_id = by_position[position]
                if lookup.failure is not None:  # S2 failed on it tonight: the next method
                    if lookup.isolated and candidate.s2_id not in self._failed_batch_ids:
                        self.failed_ids[candidate.s2_id] = lookup.failure  # isolated alone
                    else:
                        self._item_failures["s2"] = lookup.failure
                    notes[position].append(f"{candidate.s2_id}: {lookup.failure}")
                    pending[position].pop(0)
                    if not pending[position]:
                        unanswered[position] = candidate.method
                    continue
                if lookup.paper is None and candidate.method is MatchMethod.PINNED:
                    pin = previous[entry_id]
                    if pin.arxiv_id and not pin.s2_paper_id:
                        # Resolved on arXiv alone last time: S2 still not knowing it is no news.
                        results[position] = Resolution(
                            entry,
                            entry_id,
                            MatchMethod.PINNED,
                            pin.match_score,
                            arxiv_id=pin.arxiv_id,
                            doi=pin.doi,
                            notes=("known to arXiv only",),
                        )
                        pending[position] = []
                        continue
                if lookup.paper is None:
                    notes[position].append(f"S2 does not know {candidate.s2_id}")
                    pending[position].pop(0)
                    if candidate.method is MatchMethod.OVERRIDE and not pending[position]:
                        results[position] = self._unresolved(
                            entry, entry_id, notes[position], "the override's ids are unknown to S2"
                        )
                    continue
                results[position] = self._from_s2(
                    entry, entry_id, candidate, lookup, notes[position]
                )
                pending[position] = []

        # S2 out, or it failed on every id of the entry tonight: keep what the previous run
        # settled (an entry without a previous resolution goes on to the title search).
        for position, queue in pending.items():
            entry, entry_id = by_position[position]
            kept = previous.get(entry_id)
            s2_out = bool(queue) and "s2" in self.failures
            if position in results or not (s2_out or position in unanswered):
                continue
            why = "S2 unavailable" if s2_out else "S2 failed on this entry's ids"
            if kept is not None and kept.match_method in {m.value for m in RESOLVED_METHODS}:
                results[position] = Resolution(
                    entry,
                    entry_id,
                    MatchMethod(kept.match_method),
                    kept.match_score,
                    s2_paper_id=kept.s2_paper_id,
                    arxiv_id=kept.arxiv_id,
                    doi=kept.doi,
                    kept_from_previous=True,
                    citation_key=kept.citation_key,
                    bibtex=kept.bibtex,
                    notes=(*notes[position], f"{why}: kept the previous run's resolution"),
                )
            elif unanswered.get(position) is MatchMethod.OVERRIDE:
                # The maintainer's ids: no title search may pick another paper. Next run asks.
                results[position] = self._unresolved(
                    entry, entry_id, notes[position], "S2 failed on the override's ids tonight"
                )

    def _failures_by_api(self) -> dict[str, str]:
        """The failures, S2's first: one line per API. With S2 out, its titles are out with it
        (S2's title threads may have met the outage first)."""
        failures = dict(self.failures)
        if "s2" in failures:
            failures.pop("s2-title", None)
        first = [key for key in ("s2", "s2-title", "arxiv") if key in failures]
        return {key: failures[key] for key in [*first, *(k for k in failures if k not in first)]}

    def _never_answered(self) -> None:
        """A source whose every request failed (each that item's failure, too few in a row to
        call it out) failed for the run all the same: it answered nothing."""
        apis = (("s2", self.s2.http), ("s2-title", self.s2.http), ("arxiv", self.arxiv.http))
        for key, http in apis:
            detail = self._item_failures.get(key)
            if detail is not None and not http.gate.answered.is_set():
                self.failures.setdefault(key, detail)

    def _from_s2(
        self, entry: Entry, entry_id: str, candidate: Candidate, lookup: S2Lookup, notes: list[str]
    ) -> Resolution:
        paper = lookup.paper
        assert paper is not None  # noqa: S101 - checked by the caller
        score = 1.0 if candidate.method is not MatchMethod.PAPER_URL_ID else None
        low = False
        if candidate.method is MatchMethod.PAPER_URL_ID:
            score = round(title_similarity(entry.title, paper.title), 4)
            if score < 0.9:
                low = True
                notes.append(f"the id in the paper URL names {paper.title!r}, not the list's title")
        if lookup.merged_from:
            notes.append(f"S2 merged {lookup.merged_from} into {paper.paper_id}")
        return Resolution(
            entry,
            entry_id,
            candidate.method,
            score,
            s2=paper,
            s2_paper_id=paper.paper_id,
            merged_from=lookup.merged_from,
            arxiv_id=paper.arxiv_id or _url_arxiv(entry),
            doi=paper.doi,
            low_confidence=low,
            notes=tuple(notes),
        )

    def _unresolved(self, entry: Entry, entry_id: str, notes: list[str], reason: str) -> Resolution:
        return Resolution(entry, entry_id, MatchMethod.UNRESOLVED, notes=(*notes, reason))

    def _tick(self, resolved: bool) -> None:
        """One more entry's title search is over (called from either lane)."""
        with self._progress_lock:
            self._done += 1
            self._found += resolved
            done, found = self._done, self._found
        if self.progress is not None:
            self.progress("title searches", done, self._total, found)

    def _s2_title(
        self, entry: Entry, entry_id: str, override: Override | None, notes: list[str]
    ) -> Resolution | _TitleSearchState:
        """S2's part of the title search: the resolution when S2 placed the entry, else what
        arXiv's part needs (on the S2 lane)."""
        title = (override.set_title if override else None) or entry.title
        year = (override.set_year if override else None) or entry.year
        venue = (override.set_venue if override else None) or entry.venue
        searched = TitleSearch()
        failed = False  # S2's answer for this entry failed (after its retries)
        if "s2" not in self.failures and "s2-title" not in self.failures:
            try:
                searched = self.titles.find(query_title(title), year, venue)
            except ApiError as error:
                if is_outage(error):
                    self.failures["s2-title"] = error.detail  # stop asking S2 for titles
                failed = True
                self._item_failures["s2-title"] = error.detail
                notes.append(f"S2 title match failed: {error.message}")
            except ConfigError:  # the run's settings: the run fails, as documented
                raise
            except Exception as error:  # a bug or an unforeseen answer: S2's titles stop
                self.failures["s2-title"] = f"stopped: {type(error).__name__}: {error}"
                notes.append(f"S2 title match stopped: {type(error).__name__}")
            notes.extend(str(rejected) for rejected in searched.rejected)
            if searched.paper is not None and searched.verdict is not None:
                paper, verdict = searched.paper, searched.verdict
                return Resolution(
                    entry,
                    entry_id,
                    MatchMethod.S2_TITLE,
                    verdict.score,
                    s2=paper,
                    s2_paper_id=paper.paper_id,
                    arxiv_id=paper.arxiv_id,
                    doi=paper.doi,
                    low_confidence=verdict.low_confidence or searched.policy_decided,
                    notes=(*notes, *verdict.reasons),
                    query=searched.query,
                    rejected=searched.rejected,
                    alternatives=searched.alternatives,
                )
            if not searched.matched and "s2-title" not in self.failures:
                notes.append("S2 has no title match")
        elif "s2" in self.failures:
            notes.append("S2 unavailable")
        s2_answered = not failed and not {"s2", "s2-title"} & set(self.failures)
        return _TitleSearchState(entry, entry_id, title, year, notes, searched, s2_answered)

    def _arxiv_title_lane(
        self, state: _TitleSearchState, pin: Pin | None, today: date | None
    ) -> Resolution:
        """arXiv's part of the title search, then the retry schedule of an entry no source
        placed. A failure other than an API error stops arXiv for the run (recorded as its
        failure) but never the other lanes: the entry stays unresolved, not counted as a try."""
        try:
            found = self._arxiv_title(state)
        except ConfigError:  # the run's settings: the run fails, as documented
            raise
        except Exception as error:  # a bug or an unforeseen answer: this lane stops, not the run
            self.failures.setdefault("arxiv", f"stopped: {type(error).__name__}: {error}")
            found = self._unresolved(
                state.entry, state.entry_id, state.notes, "arXiv title search stopped"
            )
        if found.method is MatchMethod.UNRESOLVED:
            failed = any(note.startswith("arXiv title search failed") for note in found.notes)
            answered = state.s2_answered and "arxiv" not in self.failures and not failed
            found = backed_off(found, pin, today, counted=answered)
        self._tick(found.method is not MatchMethod.UNRESOLVED)
        return found

    def _arxiv_title(self, state: _TitleSearchState) -> Resolution:
        entry, entry_id, title, year, notes = (
            state.entry,
            state.entry_id,
            state.title,
            state.year,
            state.notes,
        )
        searched = state.searched
        if "arxiv" not in self.failures:
            answered = True
            try:
                found = self.arxiv.search_title(title)
            except ApiError as error:
                if is_outage(error):
                    self.failures["arxiv"] = error.detail  # stop asking arXiv
                self._item_failures["arxiv"] = error.detail
                notes.append(f"arXiv title search failed: {error.message}")
                found, answered = [], False
            judged = [(self._judge_arxiv(title, year, candidate), candidate) for candidate in found]
            accepted = [(v, c) for v, c in judged if v.accepted]
            if accepted:
                verdict, best = max(accepted, key=lambda pair: pair[0].score)
                return Resolution(
                    entry,
                    entry_id,
                    MatchMethod.ARXIV_TITLE,
                    verdict.score,
                    arxiv=best,
                    arxiv_id=best.arxiv_id,
                    doi=best.doi,
                    low_confidence=verdict.low_confidence,
                    notes=(*notes, *verdict.reasons),
                    query="arxiv title search",
                    rejected=searched.rejected,
                )
            for verdict, candidate in judged[:3]:
                notes.append(
                    _verdict_note("arXiv", candidate.title, candidate.published.year, verdict)
                )
            if not found and answered:  # a failed search is no answer, not "no match"
                notes.append("arXiv has no title match")
        unresolved = self._unresolved(entry, entry_id, notes, "no candidate passed the match guard")
        return replace(unresolved, rejected=searched.rejected)

    @staticmethod
    def _judge_arxiv(title: str, year: int | None, candidate: ArxivEntry) -> Verdict:
        """arXiv's first version often precedes the venue: the closer of v1 and latest counts."""
        years = (candidate.published.year, candidate.updated.year)
        closest = min(years, key=lambda y: abs(y - year)) if year else candidate.published.year
        return judge(title, year, None, candidate.title, closest)

    def _attach_s2_for_arxiv_titles(self, resolutions: list[Resolution]) -> list[Resolution]:
        """Papers found on arXiv by title: their S2 record (citations, BibTeX) by arXiv id."""
        wanted = {
            r.entry.position: arxiv_paper_id(r.arxiv_id)
            for r in resolutions
            if r.method is MatchMethod.ARXIV_TITLE and r.s2 is None and r.arxiv_id
        }
        answers = self._batch(list(wanted.values())) or {}
        out = []
        for r in resolutions:
            asked = wanted.get(r.entry.position)
            lookup = answers.get(asked) if asked else None
            if lookup is not None and lookup.paper is not None:
                r = replace(
                    r,
                    s2=lookup.paper,
                    s2_paper_id=lookup.paper.paper_id,
                    doi=r.doi or lookup.paper.doi,
                )
            out.append(r)
        return out

    def _fetch_arxiv(self, wanted: Sequence[str]) -> dict[str, ArxivEntry]:
        """arXiv metadata (full author names, first-version date, category) by arXiv id. The ids
        come sorted, so the same papers ask the same query, which the HTTP cache answers for a
        day. Any failure is arXiv's alone: the papers keep their other sources."""
        if not wanted or "arxiv" in self.failures:
            return {}
        try:
            return self.arxiv.get_by_ids(wanted)
        except ApiError as error:
            self.failures["arxiv"] = error.detail
        except ConfigError:  # the run's settings: the run fails, as documented
            raise
        except Exception as error:  # a bug or an unforeseen answer: this lane stops, not the run
            self.failures["arxiv"] = f"stopped: {type(error).__name__}: {error}"
        return {}

    def _attach_arxiv(
        self, resolutions: list[Resolution], found: Mapping[str, ArxivEntry]
    ) -> list[Resolution]:
        """The arXiv metadata fetched by id, with the authors merged."""
        out = []
        for r in resolutions:
            arxiv = (found.get(r.arxiv_id) if r.arxiv_id else None) or r.arxiv
            s2_authors = [(a.author_id, a.name) for a in r.s2.authors] if r.s2 else []
            names, author_ids = merge_authors(s2_authors, arxiv.authors if arxiv else ())
            out.append(replace(r, arxiv=arxiv, authors=names, author_ids=author_ids))
        return out


@dataclass(frozen=True)
class _TitleSearchState:
    """What S2's part of a title search leaves for arXiv's part."""

    entry: Entry
    entry_id: str
    title: str
    year: int | None
    notes: list[str]
    searched: TitleSearch
    s2_answered: bool  # S2 was asked and answered (a night that counts as a try)


def _with_pinned_arxiv(r: Resolution, previous: Mapping[str, Pin]) -> Resolution:
    pin = previous.get(r.entry_id)
    known = pin.arxiv if pin is not None else None
    if r.arxiv is None and known is not None and known.arxiv_id == r.arxiv_id:
        return replace(r, arxiv=known)
    return r


def _url_arxiv(entry: Entry) -> str | None:
    return paper_ids(entry.paper_url).arxiv_id if entry.paper_url else None


def _unique_papers(resolutions: Sequence[Resolution]) -> list[Resolution]:
    seen: dict[str, Resolution] = {}
    for r in resolutions:
        if r.resolved:
            seen.setdefault(r.paper_key, r)
    return list(seen.values())


def _bib_source(r: Resolution, override: Override | None) -> BibSource:
    year = (
        (override.set_year if override else None) or r.entry.year or (r.s2.year if r.s2 else None)
    )
    return BibSource(
        title=(r.s2.title if r.s2 and r.s2.title else None)
        or (r.arxiv.title if r.arxiv else None)
        or r.entry.title,
        authors=r.authors,
        year=year,
        list_venue=(override.set_venue if override else None) or r.entry.venue,
        s2_bibtex=r.s2.bibtex if r.s2 else None,
        doi=r.doi,
        arxiv_id=r.arxiv_id,
        arxiv_category=r.arxiv.primary_category if r.arxiv else None,
        url=r.s2.url if r.s2 else (r.arxiv.abs_url if r.arxiv else None),
    )


def _with_bibtex(
    resolutions: list[Resolution], overrides: Overrides, previous: Mapping[str, Pin]
) -> list[Resolution]:
    """Citation keys (unique, stable) and one BibTeX entry per paper."""
    papers = _unique_papers(resolutions)
    old_keys: dict[str, str] = {}
    for r in resolutions:
        pin = previous.get(r.entry_id)
        if pin is not None and pin.citation_key:
            old_keys.setdefault(r.paper_key, pin.citation_key)
    wanted = []
    for r in papers:
        source = _bib_source(r, overrides.for_entry(r.entry))
        wanted.append((r.paper_key, base_key(source.authors, source.year, source.title)))
    keys = assign_keys(wanted, old_keys)
    rendered: dict[str, str] = {}
    for r in papers:
        if r.kept_from_previous and r.bibtex:
            rendered[r.paper_key] = r.bibtex
        else:
            entry = build_entry(_bib_source(r, overrides.for_entry(r.entry)), keys[r.paper_key])
            rendered[r.paper_key] = render_bibliography([entry]).strip("\n")
    return [
        replace(r, citation_key=keys.get(r.paper_key), bibtex=rendered.get(r.paper_key))
        if r.resolved
        else r
        for r in resolutions
    ]
