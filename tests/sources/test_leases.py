"""Pacing from send to send, and the shared quota's slots taken in blocks (issue 26;
pipeline/sources/leases.py, gates.py).

No wall clock: a virtual clock moves only when every thread it knows is asleep (a discrete-event
simulation with threads as its processes), and a fake of Prefect's rate-limit server keeps the
rules the lease is written against: slots decay by floor(decay * seconds since the row was last
updated), a refusal updates the row too, a refused client sleeps the Retry-After it is given."""

from __future__ import annotations

import heapq
import itertools
import math
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from pipeline.sources.gates import ApiGate
from pipeline.sources.leases import QuotaLease, block_size, seconds_until_free, take_when_free
from tests.fakes import FakeClock

START = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)


class VirtualClock:
    """Time for several threads: `sleep` parks the thread; when every registered thread is
    parked, time jumps to the earliest wake-up and that thread goes on. Deterministic."""

    def __init__(self) -> None:
        self.now_s = 0.0
        self._cond = threading.Condition()
        self._running = 0
        self._sleepers: list[tuple[float, int]] = []
        self._order = itertools.count()
        self._woken: set[int] = set()

    def monotonic(self) -> float:
        with self._cond:
            return self.now_s

    def now(self) -> datetime:
        return START + timedelta(seconds=self.monotonic())

    def enter(self) -> None:
        with self._cond:
            self._running += 1

    def leave(self) -> None:
        with self._cond:
            self._running -= 1
            self._advance()

    def _advance(self) -> None:
        if self._running == 0 and self._sleepers:
            wake, ticket = heapq.heappop(self._sleepers)
            self.now_s = max(self.now_s, wake)
            self._woken.add(ticket)
            self._running += 1
            self._cond.notify_all()

    def sleep(self, seconds: float) -> None:
        with self._cond:
            ticket = next(self._order)
            heapq.heappush(self._sleepers, (self.now_s + max(0.0, seconds), ticket))
            self._running -= 1
            self._advance()
            while ticket not in self._woken:
                self._cond.wait()
            self._woken.discard(ticket)

    def run(self, *bodies: Callable[[], None]) -> None:
        """Run each body on its own thread on this clock, until all are done."""
        errors: list[BaseException] = []

        def wrapped(body: Callable[[], None]) -> None:
            try:
                body()
            except BaseException as error:  # reported below
                errors.append(error)
            finally:
                self.leave()

        threads = [threading.Thread(target=wrapped, args=(b,)) for b in bodies]
        for _ in bodies:
            self.enter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []


class FakeRateLimitServer:
    """One Prefect global concurrency limit with slot decay, as prefect 3.9's server keeps it:
    active slots decay by floor(decay * elapsed since `updated`), a grant and a refusal both
    set `updated`, a read changes nothing. Each call is a round trip of `rtts` (cycled)."""

    def __init__(
        self,
        clock: VirtualClock,
        limit: int,
        interval_s: float,
        rtts: tuple[float, ...],
        going: float = 0.5,
    ) -> None:
        self.clock = clock
        self.going = going  # the share of a round trip before the server acts
        self.limit = limit
        self.interval_s = interval_s
        self._rtts = itertools.cycle(rtts)
        self.active = 0
        self.updated = -1e9
        self.grants = 0
        self.refusals = 0
        self.reads = 0

    def _decayed(self, now: float) -> int:
        return max(0, self.active - math.floor((now - self.updated) / self.interval_s + 1e-9))

    def ask(self, slots: int) -> bool:
        """POST /v2/concurrency_limits/increment, mode rate_limit: True when granted."""
        assert slots <= self.limit
        rtt = next(self._rtts)
        self.clock.sleep(rtt * self.going)
        now = self.clock.monotonic()
        active = self._decayed(now)
        self.updated = now
        granted = active + slots <= self.limit
        if granted:
            self.active = active + slots
            self.grants += 1
        else:
            self.refusals += 1
            # runs that keep asking without time passing: a failure, not a hang
            assert self.refusals <= 1000 + 10 * self.grants, "asked again and again, refused"
        self.clock.sleep(rtt * (1 - self.going))
        return granted

    def until_free(self, slots: int) -> float:
        """A read of the limit, and the client's sum (flows/limits.py does the same)."""
        rtt = next(self._rtts)
        self.clock.sleep(rtt / 2)
        self.reads += 1
        now = self.clock.monotonic()
        active, updated = self._decayed(now), self.updated
        self.clock.sleep(rtt / 2)
        since = self.clock.monotonic() - updated
        return seconds_until_free(active, self.limit, slots, self.interval_s, since)

    def take(self, slots: int) -> float:
        """The lease's take: asked, and after a refusal read and asked again when free."""
        return take_when_free(
            self.ask, self.until_free, self.clock.sleep, slots, self.clock.monotonic
        )

    def take_sleeping_retry_after(self, slots: int) -> None:
        """Prefect's own rate_limit(): a refusal sleeps the Retry-After (no jitter here)."""
        while not self.ask(slots):
            self.clock.sleep(self.interval_s * slots)


def lane(
    clock: VirtualClock,
    lease: QuotaLease,
    interval_s: float,
    requests: int,
    latency_s: float,
    sends: list[float],
) -> Callable[[], None]:
    """One API lane with `requests` waiting: each waits its turn, is sent, is answered after
    `latency_s`; the next is asked for at once (work waiting)."""
    gate = ApiGate("s2", interval_s, clock)

    def body() -> None:
        for _ in range(requests):
            gate.wait_turn(lambda _api: lease.slot(lambda: None))
            sends.append(clock.monotonic())
            clock.sleep(latency_s)  # in flight

    return body


def gaps(sends: list[float]) -> list[float]:
    ordered = sorted(sends)
    return [b - a for a, b in itertools.pairwise(ordered)]


@pytest.mark.parametrize(("block", "latency_s"), [(1, 0.003), (5, 0.003), (5, 0.4), (20, 0.01)])
def test_a_lane_with_work_waiting_sends_at_its_quota_rate_whatever_the_latency(
    block: int, latency_s: float
) -> None:
    """The server is never asked before it can grant (no refusal, so no reset of its decay),
    and the sends go out one interval apart, not one interval plus the answer's latency and the
    slot's round trip; a block costs one round trip per `block` requests."""
    clock, interval, rtt = VirtualClock(), 1.0, 0.02
    server = FakeRateLimitServer(clock, block, interval, (0.03, 0.01))
    lease = QuotaLease(interval, block, server.take, clock)
    sends: list[float] = []
    clock.run(lane(clock, lease, interval, 60, latency_s, sends))
    spacing = gaps(sends)
    assert server.refusals == 0
    assert server.grants == lease.blocks == math.ceil(60 / block)
    assert min(spacing) >= interval - 1e-9
    # per block, at most two round trips and the ask's margin are lost (block 1: 1.04 s)
    assert sum(spacing) / len(spacing) <= interval * (1 + (2 * rtt + 0.006) / block)
    if block >= 5:
        assert sum(spacing) / len(spacing) <= interval * 1.01


def test_asking_one_interval_after_the_previous_ask_is_refused_and_loses_time() -> None:
    """What the lease avoids (the cause of issue 26's 1.46 s mean): a slot asked one interval
    after the previous *ask* can reach the server before the previous grant has decayed (round
    trips vary), is refused, restarts the decay and sleeps the Retry-After. The lease, on the
    same server, is never refused and sends closer to the interval, even with one-slot blocks."""
    rtts = (0.03, 0.01, 0.02, 0.005, 0.04)
    clock, interval = VirtualClock(), 1.0
    server = FakeRateLimitServer(clock, 1, interval, rtts)
    gate = ApiGate("s2", interval, clock)
    eager: list[float] = []

    def old_order() -> None:
        for _ in range(40):
            gate.pacer.wait()  # the old order: the interval counted from before the slot
            server.take_sleeping_retry_after(1)
            eager.append(clock.monotonic())
            clock.sleep(0.003)

    clock.run(old_order)
    assert server.refusals > 0
    clock = VirtualClock()
    leased_server = FakeRateLimitServer(clock, 1, interval, rtts)
    leased: list[float] = []
    lease = QuotaLease(interval, 1, leased_server.take, clock)
    clock.run(lane(clock, lease, interval, 40, 0.003, leased))
    assert leased_server.refusals == 0
    mean_eager, mean_leased = sum(gaps(eager)) / 39, sum(gaps(leased)) / 39
    assert mean_leased < mean_eager - 0.03


@pytest.mark.parametrize(
    ("rtts", "going"),
    [
        ((0.03, 0.01), 0.5),
        # grants whose answers come back slowly, some (the Prefect client's event loop on a
        # busy machine): a block's sends counted from its answer would run into the next
        # block, which the other machine, answered quickly, starts at once
        ((0.6, 0.02, 0.3), 0.05),
    ],
)
def test_two_machines_share_one_quota_through_the_server_without_violations(
    rtts: tuple[float, ...], going: float
) -> None:
    """Two runs on two machines (each its own lease and pacer: nothing shared but the server),
    both with work waiting: no two sends closer than 0.9 interval (leases.py), each run sends,
    and the quota is spent (blocks back to back, not interval plus refusals)."""
    clock, interval, block = VirtualClock(), 1.0, 5
    server = FakeRateLimitServer(clock, block, interval, rtts, going)
    first: list[float] = []
    second: list[float] = []
    clock.run(
        lane(clock, QuotaLease(interval, block, server.take, clock), interval, 30, 0.003, first),
        lane(clock, QuotaLease(interval, block, server.take, clock), interval, 30, 0.3, second),
    )
    assert len(first) == len(second) == 30
    # across machines: at least the interval less the slack for late sends (leases.py)
    assert min(gaps(first + second)) >= 0.9 * interval - 1e-9
    span = max(first + second) - min(first + second)
    assert span <= 60 * interval * 1.25  # the quota spent, not lost to refusals' resets
    assert server.refusals <= server.grants  # a refused run reads, then asks when free


def test_a_blocks_unused_slots_lapse_rather_than_burst_later() -> None:
    """A lane idle for longer than its block's window does not send the block's rest in a
    burst later: its slots lapse, and the next request takes a new block."""
    clock = FakeClock()
    taken: list[float] = []
    lease = QuotaLease(1.0, 5, lambda n: taken.append(clock.monotonic()), clock)
    lease.turn()
    clock.advance(1.0)
    lease.turn()
    clock.advance(10.0)  # idle past the window (asked + 4 intervals)
    lease.turn()
    assert len(taken) == 2 and lease.blocks == 2


def test_a_new_block_waits_for_the_previous_one_to_decay_on_the_server() -> None:
    clock = FakeClock()
    taken: list[float] = []

    def take(n: int) -> None:
        clock.advance(0.05)  # the round trip
        taken.append(clock.monotonic())

    lease = QuotaLease(1.0, 2, take, clock, margin_s=0.005)
    for _ in range(5):
        lease.turn()
        clock.advance(1.0)
    # blocks asked at 0, 2.055, 4.11: each 2 intervals and the margin after the last grant
    assert [round(t - 1000.0, 3) for t in taken] == [0.05, 2.105, 4.16]


def test_a_refused_or_failed_ask_leaves_no_slot_in_hand() -> None:
    clock = FakeClock()
    calls: list[int] = []

    def take(n: int) -> None:
        calls.append(n)
        if len(calls) == 2:
            raise RuntimeError("the Prefect server is down")

    lease = QuotaLease(1.0, 1, take, clock)
    lease.turn()
    clock.advance(1.0)
    with pytest.raises(RuntimeError):
        lease.turn()
    lease.turn()  # asked again, not sent on the failed block
    assert calls == [1, 1, 1]


def test_the_pacer_counts_the_interval_from_the_send() -> None:
    """A quota wait between the pacer and the send (a new block's round trip) moves the send;
    the next request is due one interval after that send, not after the pacer let it go."""
    clock = FakeClock()
    gate = ApiGate("s2", 1.0, clock)
    waits = iter([0.3, 0.0, 0.0])
    sends: list[float] = []
    for _ in range(3):
        gate.wait_turn(lambda _api: clock.advance(next(waits)))
        sends.append(clock.monotonic() - 1000.0)
    assert sends == pytest.approx([0.3, 1.3, 2.3])


@pytest.mark.parametrize(
    ("interval", "block"), [(1.0, 5), (3.0, 1), (0.25, 20), (0.0, 1), (6.0, 1)]
)
def test_a_block_is_about_five_seconds_of_the_quota(interval: float, block: int) -> None:
    assert block_size(interval) == block


def test_a_block_answered_late_ends_when_its_grant_says_not_its_answer() -> None:
    """The server granted the block at or after the ask was sent, and another machine's block
    can come N intervals after that grant: so the block's last send is due N - 1 intervals after
    the ask (and a tenth of an interval of slack), however late the answer came back."""
    clock = FakeClock()
    asks: list[float] = []

    def take(n: int) -> float:
        sent = clock.monotonic()
        asks.append(sent)
        clock.advance(0.6)  # granted at once; the answer came back 0.6 s later
        return sent

    lease = QuotaLease(1.0, 5, take, clock)
    for _ in range(4):
        lease.turn()  # sends at 0.6, 1.6, 2.6, 3.6: within the block
        clock.advance(1.0)
    assert lease.blocks == 1
    lease.turn()  # 4.6 is past 4.1 (4 intervals after the ask, and the slack): a new block
    assert lease.blocks == 2 and len(asks) == 2


def stalled_lane(
    clock: VirtualClock,
    lease: QuotaLease,
    interval_s: float,
    requests: int,
    stall_s: float,
    sends: list[float],
) -> Callable[[], None]:
    """A lane whose machine pacer holds every request `stall_s` between its slot and its send
    (a busy machine: the pacer's flock held by a process the kernel put aside)."""
    gate = ApiGate("github", interval_s, clock)

    def body() -> None:
        for _ in range(requests):
            gate.wait_turn(lambda _api: lease.slot(lambda: clock.sleep(stall_s)))
            sends.append(clock.monotonic())
            clock.sleep(0.003)  # in flight

    return body


def test_a_request_held_past_its_block_on_the_way_out_takes_the_next_block() -> None:
    """Issue 26, two machines: a slot taken in time, then held by the machine's pacer past
    its block's last due time, must not be sent in the next block, which the other machine may
    hold. Sent as soon as the slot was checked, a stalled machine's last send of a block came
    0.65 interval before the other machine's first (the fake counted such pairs)."""
    clock, interval, block = VirtualClock(), 1.0, 5
    server = FakeRateLimitServer(clock, block, interval, (0.01,))
    stalled: list[float] = []
    other: list[float] = []
    stalled_lease = QuotaLease(interval, block, server.take, clock)
    clock.run(
        stalled_lane(clock, stalled_lease, interval, 20, 0.35 * interval, stalled),
        lane(clock, QuotaLease(interval, block, server.take, clock), interval, 20, 0.003, other),
    )
    assert len(stalled) == len(other) == 20
    # each run's own sends an interval apart; across machines, the leases' 0.9 interval
    assert min(gaps(stalled)) >= interval - 1e-9 and min(gaps(other)) >= interval - 1e-9
    assert min(gaps(stalled + other)) >= 0.9 * interval - 1e-9
    assert stalled_lease.blocks > 20 / block  # some slots were dropped, not sent late
