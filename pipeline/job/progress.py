"""A run's progress as one throttled line: entries resolved of the list's total, requests sent
per API, and the time left that the pacing still imposes (issue 27).

    progress: 28 of 56 entries resolved (31 settled); requests s2 40, arxiv 12, github 3;
    about 2 min left                                                      (one line)

The flow writes it to its Prefect log and, for `awesome-enrich run`, to the console (without
`-v` too): at most one line every `every_s` seconds of the injected clock, so a night of hours
says where it is without flooding either.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from pipeline.job.plan import CallEstimate
from pipeline.sources.config import Settings
from pipeline.sources.http import published_intervals

APIS = ("s2", "arxiv", "github")
PROGRESS_EVERY_S = 30.0  # at most one progress line this often


@dataclass(frozen=True)
class Pace:
    """What the run still expects to ask: `planned` requests per API (a cold run's, from
    `plan.estimate_calls`) and each API's spacing in seconds of real time."""

    entries: int
    planned: Mapping[str, int]
    interval_s: Mapping[str, float]


def pace_for(
    estimate: CallEstimate,
    settings: Settings,
    *,
    star_pages: int = 0,
    sources: Collection[str] = APIS,
) -> Pace:
    """A run's pace: the planned requests of a cold run of the list (doctor's estimate, the
    star-history pages within their budget) and the pacing (scaled against a local fake)."""
    has_token = settings.github_token is not None
    planned = {
        "s2": estimate.s2_requests,
        "arxiv": estimate.arxiv_requests,
        "github": estimate.github_requests(has_token)
        + min(star_pages, estimate.star_history_pages(has_token)),
    }
    intervals = published_intervals(s2_keyed=bool(settings.s2_api_key))
    return Pace(
        estimate.entries,
        {api: planned[api] if api in sources else 0 for api in APIS},
        {api: interval * settings.time_scale for api, interval in intervals.items()},
    )


def duration_text(seconds: float) -> str:
    """An estimate of a time, as a person says it: "about 40 s", "about 3 h 05 min"."""
    if seconds < 1:
        return "under 1 s"
    if seconds < 90:
        return f"about {math.ceil(seconds)} s"
    if seconds < 90 * 60:
        return f"about {round(seconds / 60)} min"
    hours, minutes = divmod(round(seconds / 60), 60)
    return f"about {hours} h {minutes:02d} min"


class ProgressReporter:
    """Told what happens, from any thread (the S2, arXiv and GitHub lanes): `__call__` with
    (label, done, total, found) as the resolver settles entries ("id lookups", then "title
    searches"), `called(api)` as each request leaves. Writes `line()` to every sink when
    `every_s` has passed on `clock` since the last line (the first after `every_s` from the
    start: a short run prints none). `plan(pace)` gives the totals the line is read against."""

    def __init__(
        self,
        sinks: Sequence[Callable[[str], None]],
        *,
        clock: Callable[[], float] = time.monotonic,
        every_s: float = PROGRESS_EVERY_S,
    ) -> None:
        self._sinks = tuple(sinks)
        self._clock = clock
        self._every_s = every_s
        self._lock = threading.Lock()
        self._report_lock = threading.Lock()
        self._last = clock()
        self._pace = Pace(0, {}, {})
        self._counts: dict[str, tuple[int, int, int]] = {}  # label: (done, total, found)
        self._calls = dict.fromkeys(APIS, 0)

    def plan(self, pace: Pace) -> None:
        with self._lock:
            self._pace = pace

    def __call__(self, label: str, done: int, total: int, found: int) -> None:
        with self._lock:
            # Threads report in any order: a count never goes back.
            before = self._counts.get(label, (0, 0, 0))
            self._counts[label] = (max(done, before[0]), total, max(found, before[2]))
        self._maybe_report()

    def called(self, api: str) -> None:
        with self._lock:
            self._calls[api] = self._calls.get(api, 0) + 1
        self._maybe_report()

    def counting(self, limiter: Callable[[str], None] | None) -> Callable[[str], None]:
        """A limiter (what the clients call with the API's name before each request leaves)
        that counts the request here, then waits for `limiter`'s slot when there is one."""

        def count_then_wait(api: str) -> None:
            self.called(api)
            if limiter is not None:
                limiter(api)

        return count_then_wait

    def seconds_left(self) -> float:
        """The pacing still ahead, on the longest lane (the APIs are asked side by side): per
        API, the requests still planned times its spacing. S2 and arXiv: the title searches not
        yet settled each need one S2 request and, in the share S2 missed so far, one arXiv
        search; GitHub: its planned requests not yet sent."""
        with self._lock:
            done, total, _ = self._counts.get("title searches", (0, 0, 0))
            calls, pace = dict(self._calls), self._pace
        pending = max(total - done, 0)
        arxiv_share = min(1.0, calls["arxiv"] / done) if done else 1.0
        need = {
            "s2": max(pace.planned.get("s2", 0) - calls["s2"], pending),
            "arxiv": min(
                pending * arxiv_share, max(pace.planned.get("arxiv", 0) - calls["arxiv"], 0)
            ),
            "github": max(pace.planned.get("github", 0) - calls["github"], 0),
        }
        return max(need[api] * pace.interval_s.get(api, 0.0) for api in APIS)

    def line(self) -> str:
        with self._lock:
            counts, calls, entries = dict(self._counts), dict(self._calls), self._pace.entries
        settled = sum(done for done, _, _ in counts.values())
        resolved = sum(found for _, _, found in counts.values())
        requests = ", ".join(f"{api} {calls[api]}" for api in APIS)
        return (
            f"progress: {resolved} of {entries} entries resolved ({settled} settled); "
            f"requests {requests}; {duration_text(self.seconds_left())} left"
        )

    def _maybe_report(self) -> None:
        with self._report_lock:  # one line at a time, in the order of their counts
            with self._lock:
                now = self._clock()
                if now - self._last < self._every_s:
                    return
                self._last = now
            line = self.line()
            for sink in self._sinks:
                sink(line)
