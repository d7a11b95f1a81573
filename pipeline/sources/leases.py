"""A quota's shared slots taken in blocks, and asked for only when the server can grant them.

The shared quota across processes and machines is a Prefect global concurrency limit with slot
decay (flows/limits.py): `limit` slots, one freed every `interval`. Two of the server's rules
decide how a run should ask (prefect 3.9, server/models/concurrency_limits_v2.py):

- a limit's active slots decay by `floor(decay * seconds since the row was last updated)`, and
  a *denied* request updates the row too (its denied-slot count): an ask that comes a few
  milliseconds before the slot has decayed is refused, restarts the decay, and the client then
  sleeps the server's Retry-After (about one interval, Poisson jitter). Asking one interval
  after the previous send, as the pacer did, meant asking before the server's one interval
  since the previous *grant* (a round trip later): S2's requests went out a mean 1.46 s apart
  where the quota allows one a second (issue 26);
- a grant of `occupy=N` needs the N slots free at once, so a limit of N slots with a decay of
  one per interval grants a block of N at most once per N intervals, whoever asks.

So a run asks for a block of N slots (one round trip to the server per N requests, not per
request), never before `received + N * interval` (the previous block's answer came back at
`received`, so the server granted it at or before then, and its N slots have decayed by the
time this ask arrives: no refusal, no reset, when no other run asks), and spends the block on
requests spaced one interval apart, from the grant's answer to `asked + (N - 1) * interval`
(and a tenth of an interval of slack, for the sends' drift on a busy machine) at the latest,
`asked` being when the granted ask was sent. Any other run's block is granted at least N
intervals after this one's grant, which came at or after `asked`: so its first send is at least
0.9 interval after this block's last, across machines, whatever the round trips took (a whole
interval when nothing drifted); on one machine the machine pacer keeps the whole interval. A
block whose grant took longer than the slack to come back loses its last slot. Slots a lane did
not use in time lapse, never carried over. The window is checked again just before the send
(`slot`): a request held between its slot and its send (the machine's pacer) past its block's
last due time takes the next block's slot instead.

When other runs share the quota, an ask can still be refused (another run's block, or its
refusal, came last). Then the run does not sleep the server's Retry-After (seconds, and every
refusal restarts everyone's decay): it reads the limit (a read changes nothing), computes when
the block it needs will have decayed, and asks then (`take_when_free`). Runs that wake together
ask together; one is granted, the others read again: about one block per N intervals, shared.

Nothing here talks to Prefect: `take(n)` is given (flows/limits.py passes Prefect's
`rate_limit(name, occupy=n, strict=True)`), and so is the clock, so tests drive it with a fake
server and a fake clock.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable

from pipeline.sources.gates import Clock

# A block lasts about this long: one round trip to the Prefect server per block, so the
# server's share of a run is small, while a run waiting for the quota (other lists on the
# server) waits at most about this long for its turn.
BLOCK_SECONDS = 5.0
# Asked this long after the previous block can have decayed: the server's clock and ours run at
# the same rate, but the server reads its own in milliseconds.
ASK_MARGIN_S = 0.005
# How late (a share of the interval) a block's last slot may still be used: see QuotaLease.
SLACK_SHARE = 0.1


def block_size(interval_s: float) -> int:
    """Slots per block for a quota of one request every `interval_s` (the published interval,
    unscaled, so a time scale changes the block's duration, not its size)."""
    if interval_s <= 0:
        return 1
    return max(1, math.floor(BLOCK_SECONDS / interval_s + 1e-9))


class QuotaLease:
    """One process's slots of one shared quota: `turn()` returns when a request may be sent
    under the quota (a slot of the current block, or of a new one)."""

    def __init__(
        self,
        interval_s: float,
        block: int,
        take: Callable[[int], float | None],
        clock: Clock,
        margin_s: float = ASK_MARGIN_S,
    ) -> None:
        """`take(n)` gets n slots from the server; it returns when (on `clock`) it sent the ask
        that was granted, or None (then the call's start stands for it)."""
        if block < 1:
            raise ValueError(f"a block holds at least one slot, not {block}")
        self.interval_s = interval_s
        self.block = block
        self.margin_s = margin_s
        # A lane's sends drift later by the milliseconds between a pacer's wake-up and the send
        # (a busy core): the block's last slot stays usable this much past its due time.
        self.slack_s = interval_s * SLACK_SHARE
        self._take = take
        self._clock = clock
        self._lock = threading.Lock()
        self._asked: float | None = None  # when the current block's granted ask was sent
        self._received: float | None = None  # when its grant came back
        self._used = 0
        self.blocks = 0  # blocks taken: the run's round trips to the server for this quota

    def turn(self) -> float:
        """A slot for a request about to be sent now (the caller's pacer has spaced it).
        Returns when (on the lease's clock) the slot's block was asked for: its last send is
        due `block - 1` intervals later, and the slack."""
        with self._lock:
            now = self._clock.monotonic()
            asked, received = self._asked, self._received
            # The server granted the block at or after `asked`; another run's next block comes
            # N intervals after that grant, so this block's last send is due by then.
            last_due = None if asked is None else asked + (self.block - 1) * self.interval_s
            if last_due is not None and self._used < self.block and now <= last_due + self.slack_s:
                self._used += 1
                return asked if asked is not None else now
            if received is not None:
                remaining = received + self.block * self.interval_s + self.margin_s - now
                if remaining > 0:
                    self._clock.sleep(remaining)
            self._used = self.block  # this block is spent, whatever the ask gives
            started = self._clock.monotonic()
            granted_ask = self._take(self.block)  # may wait (another run's block), may raise
            self._asked = started if granted_ask is None else granted_ask
            self._received = self._clock.monotonic()
            self._used = 1
            self.blocks += 1
            return self._asked

    def slot(self, pace: Callable[[], object]) -> None:
        """A slot for a request sent as soon as this returns, `pace` (the machine's pacer,
        which may sleep: another process's send, a flock held by a process the kernel put
        aside) waited for between the slot and the send. A slot is good until its block's last
        send is due (turn), so it is checked again after `pace`: one whose block ran out
        meanwhile is dropped and the next block's slot taken, so no request leaves after its
        block, into the next one, which another machine may hold (issue 26: a send 0.27 s
        after its turn, 3 intervals past its block, came 0.4 interval after another
        machine's)."""
        while True:
            asked = self.turn()
            pace()
            # The slot's own block, not the lease's current one: while this thread paced,
            # another of the process may have taken the next block (and held the lock while it
            # waited for it); a slot checked against that one went out beside its sends.
            if self._clock.monotonic() <= asked + (self.block - 1) * self.interval_s + self.slack_s:
                return


def take_when_free(
    ask: Callable[[int], bool],
    until_free: Callable[[int], float],
    sleep: Callable[[float], None],
    slots: int,
    now: Callable[[], float],
) -> float:
    """Ask for `slots` (`ask`: one round trip, False when refused); after a refusal, read how
    long until they are free (`until_free`, seconds: a read, which restarts no decay), sleep
    that, and ask again. Returns when (`now`) the granted ask was sent."""
    while True:
        sent = now()
        if ask(slots):
            return sent
        wait = until_free(slots)
        if wait > 0:
            sleep(wait)


def seconds_until_free(
    active: int, limit: int, slots: int, interval_s: float, since_update_s: float
) -> float:
    """From a read of the limit (`active` slots after the server's decay, its row updated
    `since_update_s` ago): how long until `slots` more fit. One slot decays per interval, counted
    from the update, in whole slots (the server's floor)."""
    needed = active + slots - limit
    if needed <= 0:
        return 0.0
    decayed = math.floor(max(0.0, since_update_s) / interval_s + 1e-9) if interval_s > 0 else 0
    return max(0.0, (decayed + needed) * interval_s - since_update_s)
