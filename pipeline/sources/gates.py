"""One gate per API per run: what every client of that API shares, whichever thread it runs in.

A run asks one API from more than one place (S2: resolution, then the citation history; each on
its own HttpClient with its own statistics) and, since issue 15, from more than one thread (the
S2, arXiv and GitHub lanes run at once). What must hold across all of them lives here:

- the **pacer**: one minimum spacing between request starts for the API (a second client of the
  same API must not start its own clock, or the two together would go twice as fast);
- the **call budget** (`--call-budget`): at most N requests to the API in the run, counted once
  for every client, reserved atomically before the request is sent;
- **answered**: set on the first answer the API gave (any status but a retryable one), so the
  job can tell "a paper source answered" before the paper work is over;
- **failing every request**: the requests that failed in a row after their retries, with no
  answer in between, counted for every client; at OUTAGE_AFTER the API is out for the run
  (docs/RELIABILITY.md, "When a source stops for the night").

The shared quota (`limiter`: the run's block of Prefect slots and the machine's pacer,
flows/limits.py and leases.py) is waited for after the pacer: it is the ceiling across processes;
the gate is the one inside the process. The pacer's schedule counts from send to send (the
moment a request leaves, after the quota's wait), so a lane with work waiting sends at its
interval whatever the answers' latency (issue 26).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from pipeline.core.errors import BudgetSpent

# Requests that failed in a row (each after its retries, none answered in between) before the
# API counts as out for the run. Four: while a batch with an item the API chokes on is split,
# the batch and the item's half fail, and a passing fault may fail the other half too; the
# next part answers. A dead API costs four requests (each after its retries or fuse).
OUTAGE_AFTER = 4


class Clock(Protocol):
    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...

    def now(self) -> datetime: ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def now(self) -> datetime:
        return datetime.now(UTC)


class ScaledClock(SystemClock):
    """Time run `1 / scale` times faster, for the local fake (AWESOME_ENRICH_TIME_SCALE).

    Both sides are scaled: a sleep of s seconds takes s * scale real seconds, and the monotonic
    clock advances 1 / scale seconds per real second. So the pacer credits the real time spent
    between two requests (sending, parsing, the fake's answer) at the same rate as its sleeps,
    and a run paced at scale 0.05 is the real run 20 times faster, request for request. At scale
    0 there are no waits at all (the clock is then real time: nothing is paced).
    """

    def __init__(self, scale: float) -> None:
        self.scale = scale

    def monotonic(self) -> float:
        return time.monotonic() / self.scale if self.scale > 0 else time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds * self.scale)


def clock_for(time_scale: float) -> Clock:
    return SystemClock() if time_scale >= 1.0 else ScaledClock(time_scale)


class Pacer:
    """Keeps at least `min_interval_s` between request starts, sleeping only what remains.
    Thread-safe: callers queue on the lock, each starting one interval after the previous."""

    def __init__(self, min_interval_s: float, clock: Clock) -> None:
        self.min_interval_s = min_interval_s
        self._clock = clock
        self._last_start: float | None = None
        self._not_before: float | None = None  # a rate limit's wait holds every thread
        self._lock = threading.Lock()

    def hold(self, seconds: float) -> None:
        """The API said "too many requests": no request starts for `seconds`, from any thread
        (the one retrying sleeps the same wait), so a backoff slows the API's whole lane."""
        until = self._clock.monotonic() + seconds
        with self._lock:
            self._not_before = max(self._not_before or until, until)

    def wait(self, *, record: bool = True) -> None:
        """Sleep until the next start is due: one interval after the previous start (and after
        a hold). `record=False` leaves the start to `started()`, called when the request really
        leaves (after the shared quota's slot), so the schedule counts from send to send."""
        with self._lock:
            now = self._clock.monotonic()
            starts = [] if self._last_start is None else [self._last_start + self.min_interval_s]
            starts += [self._not_before] if self._not_before is not None else []
            remaining = max(starts, default=now) - now
            if remaining > 1e-6:  # not a rounding error's sleep
                self._clock.sleep(remaining)
            if record:
                self._last_start = self._clock.monotonic()

    def started(self) -> None:
        """A request leaves now: the next one is due one interval from here."""
        with self._lock:
            self._last_start = self._clock.monotonic()


class ApiGate:
    """Pacing, call budget and "has answered" for one API, shared by its clients in a run."""

    def __init__(
        self,
        api: str,
        min_interval_s: float,
        clock: Clock | None = None,
        budget: int | None = None,
    ) -> None:
        self.api = api
        self.budget = budget
        self.pacer = Pacer(min_interval_s, clock or SystemClock())
        self.answered = threading.Event()
        # Set when the API is out for the run (a request's error said so): a request another
        # thread is still retrying gives up at its next retry instead of going on asking.
        self.out = threading.Event()
        self._listeners: list[Callable[[], None]] = []
        self._lock = threading.Lock()
        self._turn = threading.Lock()  # one request at a time through pacer and quota
        self._sent = 0
        self._failed_in_a_row = 0

    def on_answer(self, listener: Callable[[], None]) -> None:
        """Call `listener` (once) when the API first answers; at once if it already has."""
        with self._lock:
            if not self.answered.is_set():
                self._listeners.append(listener)
                return
        listener()

    def mark_answered(self) -> None:
        """The API answered (any status but a retryable one, or from the cache)."""
        with self._lock:
            if self.answered.is_set():
                return
            self.answered.set()
            listeners, self._listeners = self._listeners, []
        for listener in listeners:
            listener()

    def record(self, *, failed: bool) -> bool:
        """A request ended (after its retries): answered, or failed. True when the API has now
        failed OUTAGE_AFTER requests in a row: it counts as out for the run."""
        with self._lock:
            self._failed_in_a_row = self._failed_in_a_row + 1 if failed else 0
            return self._failed_in_a_row >= OUTAGE_AFTER

    @property
    def sent(self) -> int:
        """Requests reserved so far (by every client of this gate)."""
        with self._lock:
            return self._sent

    def reserve(self, shown_url: str) -> None:
        """Count one request against the budget, or raise BudgetSpent (nothing is sent)."""
        with self._lock:
            if self.budget is not None and self._sent >= self.budget:
                raise BudgetSpent(self.api, shown_url, f"call budget of {self.budget} spent")
            self._sent += 1

    def wait_turn(self, limiter: Callable[[str], None] | None) -> None:
        """Wait for the API's next send: our pacer (one interval after the previous send),
        then the shared quota (a slot of the run's block, and the machine's spacing across
        processes). Requests pass one at a time, in order, and the pacer counts the next
        interval from the moment this one leaves, whatever the quota's wait took."""
        with self._turn:
            self.pacer.wait(record=False)
            if limiter is not None:
                limiter(self.api)
            self.pacer.started()


class Deadline:
    """When the run must stop asking (`run --deadline`), on the real monotonic clock (a time
    scale shortens waits, not the window): `margin_s` before it, no request is sent, so the
    run still has that long to write its outputs."""

    def __init__(
        self, seconds: float, margin_s: float | None = None, ends_in: float | None = None
    ) -> None:
        """A window of `seconds` from now, or ending in `ends_in` seconds (a window that began
        earlier: `run --deadline` counts from the command's start, Prefect's start-up included)."""
        self.seconds = seconds
        # Writing every output and ending the process take seconds (charts, Prefect's
        # shutdown): a tenth of the window, between 10 s and 60 s, is kept for them.
        self.margin_s = margin_s if margin_s is not None else min(60.0, max(10.0, seconds / 10))
        self._ends = time.monotonic() + (seconds if ends_in is None else ends_in)
        self._reached = False  # a plain flag: Settings (which holds this) is pickled

    def remaining(self) -> float:
        """Seconds left for asking (the margin kept back); negative once past."""
        return self._ends - self.margin_s - time.monotonic()

    def reached(self) -> bool:
        if self.remaining() <= 0:
            self._reached = True
        return self._reached

    def give_up(self) -> None:
        """A wait would end past the deadline: the run stops asking now."""
        self._reached = True

    @property
    def was_reached(self) -> bool:
        """Whether the run stopped asking because of it (some request found it reached)."""
        return self._reached
