"""Per-API rate limits shared by every flow run on one Prefect server (global concurrency
limits with slot decay), so several lists enriched at once still respect one API quota.

Each client keeps its own pacer as well; these limits add the cross-run ceiling. They are
created (or corrected) idempotently at the start of every flow run, and acquired with
strict=True: a missing limit is an error, never an unthrottled request (reference/prefect.md).
"""

from __future__ import annotations

from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import (
    GlobalConcurrencyLimitCreate,
    GlobalConcurrencyLimitUpdate,
)
from prefect.concurrency.sync import rate_limit
from prefect.exceptions import ObjectNotFound

from pipeline.sources.config import Settings
from pipeline.sources.http import (
    ARXIV_MIN_INTERVAL_S,
    GITHUB_MIN_INTERVAL_S,
    S2_MIN_INTERVAL_WITH_KEY_S,
    S2_MIN_INTERVAL_WITHOUT_KEY_S,
)


def limit_name(api: str) -> str:
    return f"awesome-enrich-{api}"


def intervals(settings: Settings) -> dict[str, float]:
    s2 = S2_MIN_INTERVAL_WITH_KEY_S if settings.s2_api_key else S2_MIN_INTERVAL_WITHOUT_KEY_S
    return {"s2": s2, "arxiv": ARXIV_MIN_INTERVAL_S, "github": GITHUB_MIN_INTERVAL_S}


def ensure_limits(settings: Settings) -> None:
    """Create or update one rate limit per API: one slot, freed after the API's interval."""
    with get_client(sync_client=True) as client:
        for api, interval in intervals(settings).items():
            name, decay = limit_name(api), 1.0 / interval
            try:
                existing = client.read_global_concurrency_limit_by_name(name)
            except ObjectNotFound:
                client.create_global_concurrency_limit(
                    GlobalConcurrencyLimitCreate(name=name, limit=1, slot_decay_per_second=decay)
                )
                continue
            if (
                existing.limit != 1
                or existing.slot_decay_per_second != decay
                or not existing.active
            ):
                client.update_global_concurrency_limit(
                    name,
                    GlobalConcurrencyLimitUpdate(limit=1, slot_decay_per_second=decay, active=True),
                )


def shared_limiter(api: str) -> None:
    """Wait for a slot of the API's shared limit (called before each network request)."""
    rate_limit(limit_name(api), occupy=1, strict=True)
