"""One gate per API per run (pipeline/sources/gates.py): the pacer, the call budget and "has
answered" shared by every client of the API, from any thread."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from pipeline.core.errors import ApiError, BudgetSpent, RateLimited
from pipeline.sources import gates
from pipeline.sources.gates import ApiGate, ScaledClock
from pipeline.sources.http import ApiProfile, HttpClient, RetryPolicy
from tests.fakes import Canned, FakeClock, ReplayAdapter

BASE = "https://api.example.org/v1"


def client_on(gate: ApiGate, adapter: ReplayAdapter, clock: FakeClock) -> HttpClient:
    profile = ApiProfile(
        name="test",
        base_url=BASE,
        min_interval_s=gate.pacer.min_interval_s,
        cache_ttl=timedelta(0),
        retry=RetryPolicy(max_attempts=1),
    )
    client = HttpClient(profile, clock=clock, gate=gate)
    client.session.mount("https://", adapter)
    return client


def test_two_clients_of_one_api_share_its_pacing_budget_and_first_answer() -> None:
    adapter = ReplayAdapter().add("GET", "/v1/a", Canned(200, "{}"))
    clock = FakeClock()
    gate = ApiGate("test", 3.0, clock, budget=3)
    heard: list[str] = []
    gate.on_answer(lambda: heard.append("answered"))
    resolution, citations = client_on(gate, adapter, clock), client_on(gate, adapter, clock)
    resolution.request("GET", f"{BASE}/a")
    citations.request("GET", f"{BASE}/a")  # the other client waits for the same pacer
    resolution.request("GET", f"{BASE}/a")
    assert clock.sleeps == [3.0, 3.0]
    with pytest.raises(BudgetSpent):
        citations.request("GET", f"{BASE}/a")  # the run's third request was the last
    assert (resolution.stats.network_requests, citations.stats.network_requests) == (2, 1)
    assert heard == ["answered"]  # once, on the first answer
    gate.on_answer(lambda: heard.append("late"))  # told at once: the API has answered
    assert heard == ["answered", "late"]


def test_the_budget_holds_across_threads() -> None:
    gate = ApiGate("test", 0.0, FakeClock(), budget=50)
    sent: list[int] = []
    refused: list[int] = []

    def worker() -> None:
        for _ in range(40):
            try:
                gate.reserve("https://api.example.org/v1/a")
            except BudgetSpent:
                refused.append(1)
            else:
                sent.append(1)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (len(sent), len(refused), gate.sent) == (50, 110, 50)


def test_the_pacer_serialises_threads() -> None:
    clock = FakeClock()  # time moves only when the pacer sleeps
    gate = ApiGate("test", 1.0, clock)

    def worker() -> None:
        for _ in range(5):
            gate.wait_turn(None)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # 15 requests one interval apart: every one but the first waited the whole interval.
    assert clock.sleeps == [1.0] * 14


class SpyClock(ScaledClock):
    def __init__(self, scale: float) -> None:
        super().__init__(scale)
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        super().sleep(seconds)


class RealTime:
    """The real time a ScaledClock reads and sleeps, moved by the test alone (issue 27: on a
    busy machine, the real time between two calls is anything)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_a_scaled_clock_counts_real_time_at_the_scaled_rate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = RealTime()
    monkeypatch.setattr(gates, "time", real)
    clock = SpyClock(0.01)  # 1 s takes 10 ms
    before = clock.monotonic()
    real.sleep(0.01)
    assert clock.monotonic() - before == pytest.approx(1.0)
    gate = ApiGate("test", 1.0, clock)
    gate.wait_turn(None)
    real.sleep(0.02)  # two scaled seconds pass between the requests
    gate.wait_turn(None)
    assert clock.sleeps == []  # the real time counted towards the interval: no wait
    real.sleep(0.004)  # 0.4 scaled seconds: the next request waits the other 0.6
    gate.wait_turn(None)
    assert clock.sleeps == [pytest.approx(0.6)]
    assert real.now == pytest.approx(1000.0 + 0.01 + 0.02 + 0.004 + 0.006)  # slept 6 ms


def test_a_rate_limits_wait_holds_every_thread_of_the_api() -> None:
    """A retry's backoff after "too many requests" is the API's wait: another thread's request
    waits it too (requests may be in flight on several threads: S2's title searches). A hold
    never shortens the pacing interval."""
    clock = FakeClock()
    pacer = ApiGate("test", 1.0, clock).pacer
    pacer.wait()  # a request starts, and is answered 429: its retry will wait 5 s
    pacer.hold(5.0)
    pacer.wait()  # another thread's request: the same 5 s, not the 1 s interval
    pacer.wait()
    pacer.hold(0.2)
    pacer.wait()
    assert clock.sleeps == [5.0, 1.0, 1.0]


@pytest.mark.parametrize(
    ("first", "held"),
    [
        (Canned(429, "{}", headers={"Retry-After": "3"}), [3.0]),
        (Canned(503, "busy"), []),  # one request's fault: the other threads go on
        (Canned(200, b'{"a": '), []),  # a cut body: says nothing of the API's load
    ],
)
def test_only_a_rate_limit_holds_the_apis_pacer(
    first: Canned, held: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    gate = ApiGate("test", 0.0, clock)
    holds: list[float] = []
    monkeypatch.setattr(gate.pacer, "hold", holds.append)
    adapter = ReplayAdapter().add("GET", "/v1/a", first, Canned(200, "{}"))
    profile = ApiProfile(name="test", base_url=BASE, min_interval_s=0.0, cache_ttl=timedelta(0))
    client = HttpClient(profile, clock=clock, gate=gate)
    client.session.mount("https://", adapter)
    client.request_json("GET", f"{BASE}/a", dict)
    assert len(adapter.requests) == 2
    assert holds == held


def test_once_the_api_is_out_no_thread_goes_on_retrying() -> None:
    """A request's error that puts the API out (here a rate limit past its cap) ends the
    retries another thread is making: its next failure is given up at once, as an outage."""
    clock = FakeClock()
    gate = ApiGate("test", 0.0, clock)
    stop = ReplayAdapter().add("GET", "/v1/a", Canned(429, "{}", headers={"Retry-After": "3600"}))
    busy = ReplayAdapter().add("GET", "/v1/b", Canned(503, "busy"), Canned(200, "{}"))
    profile = ApiProfile(
        name="test",
        base_url=BASE,
        min_interval_s=0.0,
        cache_ttl=timedelta(0),
        retry=RetryPolicy(max_attempts=5),
    )
    clients = []
    for adapter in (stop, busy):
        client = HttpClient(profile, clock=clock, gate=gate)
        client.session.mount("https://", adapter)
        clients.append(client)
    with pytest.raises(RateLimited):
        clients[0].request("GET", f"{BASE}/a")
    assert gate.out.is_set()
    with pytest.raises(ApiError) as raised:
        clients[1].request("GET", f"{BASE}/b")
    assert raised.value.outage and raised.value.status == 503
    assert len(busy.requests) == 1  # not retried: the API is out
