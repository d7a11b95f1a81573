"""The shared rate limits: keyed by quota, set up race-safely, never loosened, never naming a
token (flows/limits.py)."""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
from prefect.client.schemas.responses import GlobalConcurrencyLimitResponse
from prefect.concurrency._asyncio import ConcurrencySlotAcquisitionError
from prefect.exceptions import ObjectAlreadyExists

from flows import limits
from flows.limits import LimitSetupError, ensure_limits, limiter_for
from flows.quotas import rate_limits
from pipeline.sources.config import Secret, Settings, settings_from_env
from pipeline.sources.gates import SystemClock
from pipeline.sources.leases import ASK_MARGIN_S, QuotaLease
from pipeline.sources.machine_pacing import MachinePacer

KEY = "S2-LIMITS-SENTINEL-KEY-3c2b1a"
OTHER_KEY = "S2-LIMITS-OTHER-KEY-77d0e1"
TOKEN = "GH-LIMITS-SENTINEL-TOKEN-5a4b"  # noqa: S105 - a test sentinel
FAKE = {
    "S2_API_URL": "http://127.0.0.1:9/s2",
    "ARXIV_API_URL": "http://127.0.0.1:9/arxiv",
    "GITHUB_API_URL": "http://127.0.0.1:9/github",
}


def settings(s2_key: str | None = None, token: str | None = None, **env: str) -> Settings:
    variables = {**FAKE, **env}
    if s2_key:
        variables["S2_API_KEY"] = s2_key
    if token:
        variables["GITHUB_TOKEN"] = token
    return settings_from_env(variables)


def names(values: Settings) -> dict[str, str]:
    return {api: limit.name for api, limit in rate_limits(values).items()}


def test_one_limit_per_quota_named_by_a_fingerprint_never_the_token() -> None:
    anonymous, keyed = names(settings()), names(settings(KEY, TOKEN))
    assert anonymous == {
        "s2": "awesome-enrich-s2-anonymous",
        "arxiv": "awesome-enrich-arxiv",
        "github": "awesome-enrich-github-anonymous",
    }
    fingerprint = Secret(KEY).fingerprint()
    assert len(fingerprint) == 12 and int(fingerprint, 16) >= 0
    assert keyed == {
        "s2": f"awesome-enrich-s2-{fingerprint}",
        "arxiv": "awesome-enrich-arxiv",  # arXiv counts per IP: one limit for the machine
        "github": f"awesome-enrich-github-{Secret(TOKEN).fingerprint()}",
    }
    assert names(settings(OTHER_KEY))["s2"] != keyed["s2"]  # each key has its own quota
    assert names(settings(KEY))["s2"] == keyed["s2"]  # runs with one key share one
    for name in keyed.values():
        assert KEY not in name and TOKEN not in name and KEY.lower() not in name


def test_intervals_follow_the_quota_and_the_fakes_time_scale() -> None:
    assert rate_limits(settings())["s2"].interval_s == 3.0
    assert rate_limits(settings(KEY))["s2"].interval_s == 1.0
    assert rate_limits(settings(AWESOME_ENRICH_TIME_SCALE="0.5"))["arxiv"].interval_s == 1.5
    assert limiter_for(settings(AWESOME_ENRICH_TIME_SCALE="0")) is None


def read(name: str) -> GlobalConcurrencyLimitResponse:
    with get_client(sync_client=True) as client:
        return client.read_global_concurrency_limit_by_name(name)


@pytest.mark.usefixtures("prefect_harness")
def test_runs_starting_at_the_same_instant_all_set_up_their_limits() -> None:
    """Eight runs (threads, each with its own client) at one barrier, on limits nobody has
    created yet: none fails with ObjectAlreadyExists, and each limit exists once, as wanted."""
    key = "S2-RACE-KEY-0001"
    barrier, errors = threading.Barrier(8), []

    def start_up() -> None:
        try:
            barrier.wait(timeout=30)
            ensure_limits(settings(key))
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=start_up) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    found = read(f"awesome-enrich-s2-{Secret(key).fingerprint()}")
    assert (found.limit, found.slot_decay_per_second, found.active) == (5, 1.0, True)


@pytest.mark.usefixtures("prefect_harness")
def test_a_limit_another_run_created_first_is_success_not_an_error() -> None:
    key = "S2-RACE-KEY-0002"
    name = f"awesome-enrich-s2-{Secret(key).fingerprint()}"
    with get_client(sync_client=True) as client:
        client.create_global_concurrency_limit(
            GlobalConcurrencyLimitCreate(name=name, limit=1, slot_decay_per_second=1.0)
        )
        with pytest.raises(ObjectAlreadyExists):  # what the old check-then-create ran into
            client.create_global_concurrency_limit(
                GlobalConcurrencyLimitCreate(name=name, limit=1, slot_decay_per_second=1.0)
            )
    ensure_limits(settings(key))
    assert read(name).slot_decay_per_second == 1.0


@pytest.mark.usefixtures("prefect_harness")
def test_runs_with_and_without_a_key_never_rewrite_each_others_limits() -> None:
    key = "S2-RACE-KEY-0003"
    for values in (settings(), settings(key), settings(), settings(key)):
        ensure_limits(values)
    assert read("awesome-enrich-s2-anonymous").slot_decay_per_second == pytest.approx(1 / 3)
    keyed = read(f"awesome-enrich-s2-{Secret(key).fingerprint()}")
    assert keyed.slot_decay_per_second == pytest.approx(1.0)


@pytest.mark.usefixtures("prefect_harness")
def test_a_stricter_setting_is_kept_and_a_looser_one_tightened() -> None:
    strict_key, loose_key = "S2-RACE-KEY-0004", "S2-RACE-KEY-0005"
    strict = f"awesome-enrich-s2-{Secret(strict_key).fingerprint()}"
    loose = f"awesome-enrich-s2-{Secret(loose_key).fingerprint()}"
    with get_client(sync_client=True) as client:
        client.create_global_concurrency_limit(
            GlobalConcurrencyLimitCreate(name=strict, limit=1, slot_decay_per_second=0.25)
        )
        client.create_global_concurrency_limit(
            GlobalConcurrencyLimitCreate(
                name=loose, limit=3, slot_decay_per_second=5.0, active=False
            )
        )
    ensure_limits(settings(strict_key))
    ensure_limits(settings(loose_key))
    assert read(strict).slot_decay_per_second == 0.25  # someone's 4 s spacing: kept
    tightened = read(loose)
    # one block of 5 slots (S2 with a key: 5 s of its quota), taken at once
    assert (tightened.limit, tightened.slot_decay_per_second, tightened.active) == (5, 1.0, True)


class _EverChanging:
    """A client whose limit another run keeps loosening again."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.updates = 0

    def create_global_concurrency_limit(self, _: Any) -> None:
        raise ObjectAlreadyExists(http_exc=Exception("409"))

    def read_global_concurrency_limit_by_name(self, name: str) -> GlobalConcurrencyLimitResponse:
        return GlobalConcurrencyLimitResponse.model_validate(
            {
                "id": "00000000-0000-0000-0000-000000000001",
                "name": name,
                "limit": 1,
                "active": True,
                "active_slots": 0,
                "slot_decay_per_second": 50.0,
                "created": "2026-11-26T03:00:00Z",
                "updated": "2026-11-26T03:00:00Z",
            }
        )

    def update_global_concurrency_limit(self, name: str, _: Any) -> None:
        self.updates += 1


def test_a_limit_that_never_settles_fails_clearly_without_the_key() -> None:
    wanted = rate_limits(settings(KEY))["s2"]
    client = _EverChanging(wanted.name)
    with pytest.raises(LimitSetupError) as error:
        limits._ensure(client, wanted)  # type: ignore[arg-type]
    assert client.updates == limits.ENSURE_ROUNDS
    assert wanted.name in str(error.value) and KEY not in str(error.value)


@pytest.fixture(autouse=True)
def _no_lease_in_hand() -> None:
    """Each test starts with no block of slots taken by an earlier one (leases are per
    process)."""
    limits.forget_leases()


def test_after_its_slot_every_request_waits_on_the_machine_pacer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With and without a server: a slot spaces the grants, the pacer the sends after them;
    the pacer is required only without a server."""
    calls: list[tuple[str, object]] = []
    monkeypatch.setattr(limits, "rate_limit", lambda name, **_: calls.append(("prefect", name)))
    monkeypatch.setattr(
        MachinePacer,
        "wait",
        lambda pacer, quota, interval: calls.append((quota, (interval, pacer.required))),
    )
    values = settings(KEY, XDG_CACHE_HOME=str(tmp_path))
    assert values.pacing_dir == tmp_path / "awesome-enrich" / "pacing"
    monkeypatch.setattr(limits, "is_ephemeral", lambda: True)
    limiter = limiter_for(values)
    assert limiter is not None
    limiter("s2")
    s2 = f"awesome-enrich-s2-{Secret(KEY).fingerprint()}"
    assert calls == [("prefect", s2), (s2, (1.0, True))]
    monkeypatch.setattr(limits, "is_ephemeral", lambda: False)
    calls.clear()
    with_server = limiter_for(values)
    assert with_server is not None
    with_server("arxiv")
    arxiv = "awesome-enrich-arxiv"
    assert calls == [("prefect", arxiv), (arxiv, (3.0, False))]


def _slot_error(cause: BaseException | None) -> ConcurrencySlotAcquisitionError:
    error = ConcurrencySlotAcquisitionError("Unable to acquire concurrency slots on ['x']")
    error.__cause__ = cause
    return error


def _status(code: int) -> httpx.HTTPStatusError:
    request = httpx.Request("POST", "http://127.0.0.1/api/v2/concurrency_limits/increment")
    return httpx.HTTPStatusError("busy", request=request, response=httpx.Response(code))


@pytest.mark.parametrize(
    ("failures", "asked", "raised"),
    [
        ([_status(503), httpx.ConnectError("refused")], 3, False),  # transient: asked again
        ([_status(503)] * 7, 7, True),  # still failing after about a minute: the request fails
        ([_slot_error(None)], 1, True),  # a missing limit (strict): no second try
        ([_status(409)], 1, True),
    ],
)
def test_a_busy_prefect_server_is_asked_for_the_slot_again(
    monkeypatch: pytest.MonkeyPatch, failures: list[BaseException], asked: int, raised: bool
) -> None:
    calls: list[str] = []

    def rate_limit(name: str, **_: object) -> None:
        calls.append(name)
        if len(calls) <= len(failures):
            failure = failures[len(calls) - 1]
            raise (
                failure
                if isinstance(failure, ConcurrencySlotAcquisitionError)
                else (_slot_error(failure))
            )

    monkeypatch.setattr(limits, "rate_limit", rate_limit)
    slept: list[float] = []
    if raised:
        with pytest.raises(ConcurrencySlotAcquisitionError):
            limits.take_slot("awesome-enrich-arxiv", slept.append)
    else:
        limits.take_slot("awesome-enrich-arxiv", slept.append)
    assert len(calls) == asked
    assert slept == list(limits.SLOT_RETRY_WAITS_S[: asked - 1])


def test_a_refused_block_is_asked_for_again_once_a_read_says_it_is_free(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A 423 (another run's block holds the slots) is not slept out at the server's Retry-After:
    the limit is read (which restarts no decay) and the block asked for when it is free."""
    asked: list[int] = []

    def rate_limit(name: str, occupy: int, strict: bool) -> None:
        asked.append(occupy)
        if len(asked) == 1:
            raise _slot_error(_status(423))

    monkeypatch.setattr(limits, "rate_limit", rate_limit)
    monkeypatch.setattr(limits, "_until_free", lambda limit, slots: 0.7)
    slept: list[float] = []
    waited: list[float] = []
    limits.take_block(rate_limits(settings(KEY))["s2"], slept.append, 5, waited.append)
    assert asked == [5, 5]
    assert waited == [pytest.approx(0.7 + ASK_MARGIN_S)]  # real seconds, as the server counts
    assert slept == []  # the run's (maybe scaled) sleep is for a busy server's retries


@pytest.mark.usefixtures("prefect_harness")
def test_blocks_from_two_machines_never_overlap_on_a_real_server() -> None:
    """Two leases of one quota (two machines: nothing shared but the server), each spending
    three blocks as fast as it may: every block is granted, none before the previous one (the
    other machine's or its own) has decayed, and one run alone is never refused."""
    values = settings("S2-BLOCKS-KEY-0006", AWESOME_ENRICH_TIME_SCALE="0.02")
    ensure_limits(values)
    limit = rate_limits(values)["s2"]
    assert limit.block == 5 and limit.interval_s == pytest.approx(0.02)
    refused: list[str] = []
    real = limits.rate_limit

    def counting(name: str, occupy: int, strict: bool) -> None:
        try:
            real(name, occupy, strict)
        except ConcurrencySlotAcquisitionError as error:
            if limits._refused(error):
                refused.append(threading.current_thread().name)
            raise

    grants: list[tuple[float, float]] = []
    grants_lock = threading.Lock()

    def machine() -> None:
        def take(n: int) -> None:
            asked = time.monotonic()
            limits.take_block(limit, time.sleep, n)
            with grants_lock:
                grants.append((asked, time.monotonic()))

        lease = QuotaLease(limit.interval_s, limit.block, take, SystemClock())
        for _ in range(3 * limit.block):
            lease.turn()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(limits, "rate_limit", counting)
        alone = threading.Thread(target=machine, name="alone")
        alone.start()
        alone.join(timeout=60)
        # three blocks at least (a block answered later than its slack loses its last slot)
        assert refused == [] and len(grants) >= 3
        alone_blocks = len(grants)
        threads = [threading.Thread(target=machine, name=f"m{i}") for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert len(grants) >= alone_blocks + 6
    # A block is granted after it was asked for and before its answer: one asked for after the
    # previous one's answer was granted a whole block's decay after that one (the server's
    # timestamps are in milliseconds: 2 ms of rounding).
    ordered = sorted(grants, key=lambda grant: grant[1])
    for (asked_before, answered_before), (asked, answered) in itertools.pairwise(ordered):
        if asked >= answered_before:
            assert answered - asked_before >= limit.block * limit.interval_s - 0.002
