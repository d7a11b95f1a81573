"""The shared rate limits' names, intervals and required settings: what flows/limits.py creates
and takes and what the doctor reads (flows/limit_check.py), without importing Prefect (a second
of CPU the doctor does not need).

One limit per quota, as the APIs count them (docs/many-lists.md):

- `awesome-enrich-s2-<key>`: Semantic Scholar counts per API key; `<key>` is the key's
  fingerprint (pipeline.sources.config.Secret.fingerprint: 12 hex digits of its SHA-256, never
  the key), or `anonymous` for the shared pool of requests without a key. A run with a key and
  a run without one, or two runs with different keys, never share (or rewrite) a limit.
- `awesome-enrich-arxiv`: arXiv counts per IP address: one limit for the machine (the server's
  runs all on it; runs from several machines on one server share it, which is stricter than
  needed, never looser).
- `awesome-enrich-github-<token>`: GitHub counts per token (or per IP without one).
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.sources.config import Settings, quota_key
from pipeline.sources.http import published_intervals
from pipeline.sources.leases import block_size

PREFIX = "awesome-enrich"


@dataclass(frozen=True)
class RateLimit:
    """One quota's shared limit: its name and the interval between two request starts."""

    name: str
    interval_s: float
    block: int = 1  # slots taken at once (the limit's size): leases.block_size

    @property
    def decay(self) -> float:
        return 1.0 / self.interval_s


def rate_limits(settings: Settings) -> dict[str, RateLimit]:
    """The limit each API's requests take in a run with these settings, by API name. Against
    the local fake the intervals are scaled by AWESOME_ENRICH_TIME_SCALE (0 < scale < 1)."""
    names = {
        "s2": f"{PREFIX}-s2-{quota_key(settings.s2_api_key)}",
        "arxiv": f"{PREFIX}-arxiv",
        "github": f"{PREFIX}-github-{quota_key(settings.github_token)}",
    }
    intervals = published_intervals(s2_keyed=bool(settings.s2_api_key))
    return {
        api: RateLimit(name, intervals[api] * settings.time_scale, block_size(intervals[api]))
        for api, name in names.items()
    }


def uses_shared_limits(settings: Settings) -> bool:
    """False only with AWESOME_ENRICH_TIME_SCALE=0 (the local fake with every wait scaled
    away): then no limit is created or taken."""
    return settings.time_scale > 0


def tightening(
    limit: int, decay: float | None, active: bool, wanted: RateLimit
) -> dict[str, object]:
    """What must change for a limit found as (`limit`, `decay`, `active`) to be at least as
    strict as `wanted` (empty when it is).

    One block of slots exactly (a run takes the whole block at once: a smaller limit would fail
    every run's request, a larger one let two runs' blocks overlap); a decay at most ours (slower
    is stricter: kept); active."""
    changes: dict[str, object] = {}
    if limit != wanted.block:
        changes["limit"] = wanted.block
    found_decay = decay or 0.0
    if found_decay <= 0 or found_decay > wanted.decay * (1 + 1e-9):
        changes["slot_decay_per_second"] = wanted.decay
    if not active:
        changes["active"] = True
    return changes
