"""Rate limits shared by every flow run on one Prefect server (global concurrency limits with
slot decay), so several lists enriched at once still respect each API's real quota.

One limit per quota, as the APIs count them: the names and why are in flows/quotas.py
(docs/many-lists.md).

Each limit has one block of slots (`limit`, leases.block_size: about 5 s of the quota, e.g. 5
for S2 with a key, 20 for GitHub, 1 for arXiv), one freed per quota interval
(`slot_decay_per_second` is 1 over it). A run takes a whole block at once (`rate_limit(name,
occupy=N)`: one round trip to the server per N requests), asks for the next only once the server
can grant it, and spaces the block's sends itself (pipeline/sources/leases.py). Every run makes
sure of its limits at start-up, safely when many runs start at the same instant: create the
limit, where "already exists" (HTTP 409) means another run was first, then read it back and
tighten what is looser than this run needs, never loosening a stricter setting
(docs/many-lists.md says how to reset one). Requests take a slot with strict=True: a missing
limit is an error, never an unthrottled request (reference/prefect.md).

After its slot, every request also waits on the machine-wide pacer
(pipeline.sources.machine_pacing) just before it is sent: the server's blocks bound each run's
share of the quota, and the pacer spaces the sends of every run on the machine. Without a
Prefect server (ephemeral mode) the limits live in `$PREFECT_HOME/prefect.db`, shared only by
runs with the same PREFECT_HOME, and the pacer is what keeps runs with different ones apart:
there an unwritable pacing folder is an error, with a server only a warning.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime
from functools import partial

import httpx
from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.client.schemas.actions import (
    GlobalConcurrencyLimitCreate,
    GlobalConcurrencyLimitUpdate,
)
from prefect.client.schemas.responses import GlobalConcurrencyLimitResponse
from prefect.concurrency._asyncio import ConcurrencySlotAcquisitionError
from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound
from prefect.settings import PREFECT_API_URL
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_chain, wait_fixed

from flows.quotas import RateLimit, rate_limits, tightening, uses_shared_limits
from pipeline.sources.config import Settings
from pipeline.sources.gates import SystemClock, clock_for
from pipeline.sources.leases import (
    ASK_MARGIN_S,
    QuotaLease,
    seconds_until_free,
    take_when_free,
)
from pipeline.sources.machine_pacing import MachinePacer

_log = logging.getLogger("pipeline.sources.http")  # with the retries of the requests
# Rounds of read, compare and tighten before giving up: each round only tightens, so runs that
# start together settle on the strictest setting within a round or two.
ENSURE_ROUNDS = 5


class LimitSetupError(RuntimeError):
    """A shared limit could not be brought to the settings this run needs."""


def is_ephemeral() -> bool:
    """No Prefect server configured: each process starts its own on $PREFECT_HOME/prefect.db."""
    return not PREFECT_API_URL.value()


def _tightened(
    found: GlobalConcurrencyLimitResponse, wanted: RateLimit
) -> GlobalConcurrencyLimitUpdate | None:
    """The update that makes `found` at least as strict as `wanted`, or None when it is
    (quotas.tightening says what that takes)."""
    changes = tightening(found.limit, found.slot_decay_per_second, found.active, wanted)
    return GlobalConcurrencyLimitUpdate.model_validate(changes) if changes else None


def _ensure(client: SyncPrefectClient, wanted: RateLimit) -> None:
    for _ in range(ENSURE_ROUNDS):
        try:
            found = client.read_global_concurrency_limit_by_name(wanted.name)
        except ObjectNotFound:
            # Created here, unless another run does it first ("already exists", HTTP 409: then
            # read it back like any other). Reading first keeps the usual night, where the
            # limit exists, free of the server's logged IntegrityError for a refused create.
            with suppress(ObjectAlreadyExists):
                client.create_global_concurrency_limit(
                    GlobalConcurrencyLimitCreate(
                        name=wanted.name,
                        limit=wanted.block,
                        slot_decay_per_second=wanted.decay,
                        active=True,
                    )
                )
            continue
        try:
            update = _tightened(found, wanted)
            if update is None:
                return
            client.update_global_concurrency_limit(wanted.name, update)
        except ObjectNotFound:
            continue  # deleted in between (someone reset it): create it again
        # Read back next round: a run that read the old setting may have written its own.
    raise LimitSetupError(
        f"the shared rate limit {wanted.name} kept changing while this run set it up "
        f"({ENSURE_ROUNDS} rounds); see docs/many-lists.md"
    )


def ensure_limits(settings: Settings) -> None:
    """Create the run's limits that do not exist yet and tighten those looser than it needs;
    safe when many runs do it at the same instant (see the module docstring)."""
    with get_client(sync_client=True) as client:
        for limit in rate_limits(settings).values():
            _ensure(client, limit)


# One lease per quota per process: every client of an API in a run (and the publish step after
# it) spends the same blocks, so the process never asks the server twice for one quota at once.
_LEASES: dict[tuple[str, float, int], QuotaLease] = {}
_LEASES_LOCK = threading.Lock()


def lease_for(limit: RateLimit, sleep: Callable[[float], None]) -> QuotaLease:
    """This process's lease of the quota `limit` (created on first use)."""
    key = (limit.name, limit.interval_s, limit.block)
    with _LEASES_LOCK:
        lease = _LEASES.get(key)
        if lease is None:
            # The limits' intervals are real seconds already (scaled by rate_limits): the lease
            # keeps real time, whatever clock the run's pacer uses.
            lease = QuotaLease(
                limit.interval_s, limit.block, partial(take_block, limit, sleep), SystemClock()
            )
            _LEASES[key] = lease
        return lease


def forget_leases() -> None:
    """Drop this process's leases (tests: each starts with no block in hand)."""
    with _LEASES_LOCK:
        _LEASES.clear()


def limiter_for(settings: Settings) -> Callable[[str], None] | None:
    """What the clients call with the API's name ("s2", "arxiv", "github") just before each
    request is sent: a slot of the run's block of the API's shared limit, then the machine's
    pacer (see the module docstring). None when the run takes no shared limit
    (uses_shared_limits)."""
    if not uses_shared_limits(settings):
        return None
    limits = rate_limits(settings)
    machine = MachinePacer(settings.pacing_dir, required=is_ephemeral())
    clock = clock_for(settings.time_scale)
    leases = {api: lease_for(limit, clock.sleep) for api, limit in limits.items()}

    def limiter(api: str) -> None:
        limit = limits[api]
        leases[api].slot(lambda: machine.wait(limit.name, limit.interval_s))

    return limiter


# A Prefect server busy with many runs (SQLite, one process) answers an increment with 503 now
# and then: measured, 2 of about 6,900 slot requests of 20 concurrent lists, each failing its
# run's lane. Asked again after these waits (about a minute in all) before the request fails.
SLOT_RETRY_WAITS_S = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0)


def _transient(error: BaseException) -> bool:
    """A server error (5xx) or a connection failure somewhere in the error's causes; not a
    missing limit or a refusal, which asking again would not change."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, httpx.HTTPStatusError):
            return cause.response.status_code >= 500
        if isinstance(cause, httpx.TransportError):
            return True
        cause = cause.__cause__
    return False


# One Prefect client per process and API for the slots' asks and reads, kept open: building one
# (get_client) costs about 25 ms of CPU, and Prefect's acquisition service hops through two event
# loops per ask. Measured per ask on a local server: 2.7 ms of the run's CPU through
# acquire_concurrency_slots, 1.3 ms through the kept client; per read, 25 ms and 1.5 ms.
_CLIENTS: dict[str | None, SyncPrefectClient] = {}
_CLIENTS_LOCK = threading.Lock()


def slots_client() -> SyncPrefectClient:
    """This process's client of the Prefect API its settings name now (opened on first use)."""
    url = PREFECT_API_URL.value()
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(url)
        if client is None:
            client = get_client(sync_client=True)
            client.__enter__()
            _CLIENTS[url] = client
        return client


def rate_limit(name: str, occupy: int, strict: bool) -> None:
    """Prefect's `rate_limit(name, occupy=..., strict=...)`, but a refusal (HTTP 423) raises at
    once instead of sleeping the server's Retry-After: take_block then reads when the slots will
    be free (leases.py says why). No acquisition event is emitted: one fewer call to the server
    per block. Errors are Prefect's own (ConcurrencySlotAcquisitionError, the HTTP error its
    cause)."""
    try:
        response = slots_client().increment_concurrency_slots(
            names=[name], slots=occupy, mode="rate_limit"
        )
    except Exception as error:  # as prefect.concurrency wraps them
        raise ConcurrencySlotAcquisitionError(
            f"Unable to acquire concurrency slots on {[name]!r}"
        ) from error
    if strict and not response.json():
        raise ConcurrencySlotAcquisitionError(
            f"Concurrency limits {[name]!r} must be created before acquiring slots"
        )


def _refused(error: BaseException) -> bool:
    """The server refused the slots for now (HTTP 423): another run's block holds them."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, httpx.HTTPStatusError):
            return cause.response.status_code == 423
        cause = cause.__cause__
    return False


def _until_free(limit: RateLimit, slots: int) -> float:
    """Seconds until `slots` of the limit are free, from one read (which changes nothing on
    the server, unlike a refused ask)."""
    found = slots_client().read_global_concurrency_limit_by_name(limit.name)
    updated = found.updated or datetime.now(UTC)
    since = (datetime.now(UTC) - updated).total_seconds()
    decay = found.slot_decay_per_second or limit.decay
    return seconds_until_free(found.active_slots, found.limit, slots, 1.0 / decay, since)


def take_block(
    limit: RateLimit,
    sleep: Callable[[float], None],
    slots: int,
    wait: Callable[[float], None] = time.sleep,
) -> float:
    """`slots` of the shared limit at once: asked; when refused, asked again once a read says
    they are free (leases.take_when_free; `wait` sleeps that, in real seconds as the server
    counts them, whatever the run's time scale); a busy server's errors are asked again after
    `sleep` (take_slot). Returns when (time.monotonic) the granted ask was sent."""

    def ask(n: int) -> bool:
        try:
            take_slot(limit.name, sleep, occupy=n)
        except ConcurrencySlotAcquisitionError as error:
            if _refused(error):
                return False
            raise
        return True

    def until_free(n: int) -> float:
        return _until_free(limit, n) + ASK_MARGIN_S

    return take_when_free(ask, until_free, wait, slots, time.monotonic)


def take_slot(name: str, sleep: Callable[[float], None], occupy: int = 1) -> None:
    """`occupy` slots of the shared limit `name` at once (strict: a missing limit fails),
    asked again after a transient failure of the Prefect server (tenacity, as the HTTP layer's
    retries)."""
    retrying = Retrying(
        retry=retry_if_exception(
            lambda e: isinstance(e, ConcurrencySlotAcquisitionError) and _transient(e)
        ),
        wait=wait_chain(*(wait_fixed(s) for s in SLOT_RETRY_WAITS_S)),
        stop=stop_after_attempt(len(SLOT_RETRY_WAITS_S) + 1),
        sleep=sleep,
        before_sleep=lambda state: _log.warning(
            "%s; asking the Prefect server again in %.0f s",
            state.outcome.exception() if state.outcome else "",
            state.next_action.sleep if state.next_action else 0,
        ),
        reraise=True,
    )
    retrying(rate_limit, name, occupy=occupy, strict=True)
