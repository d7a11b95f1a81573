"""Settings read from the environment, in one place. The variable names are a public contract.

- S2_API_URL: Semantic Scholar root, default https://api.semanticscholar.org (we add /graph/v1)
- ARXIV_API_URL: arXiv query endpoint, default https://export.arxiv.org/api/query
- GITHUB_API_URL: GitHub REST root, default https://api.github.com (GraphQL at /graphql)
- S2_API_KEY: optional; sent as `x-api-key`, only to URLs under S2_API_URL
- GITHUB_TOKEN: optional; sent as a bearer token, only to URLs under GITHUB_API_URL
- AWESOME_ENRICH_CACHE_DIR: the HTTP cache folder, default .cache/http
- AWESOME_ENRICH_READ_TIMEOUT_S: how long to wait for an API's answer, per attempt, at every
  endpoint (default: each endpoint's own, 10 to 40 s, docs/configuration.md)
- AWESOME_ENRICH_DEADLINE: the default of `run --deadline` (read by the command line and flow)
- AWESOME_ENRICH_TIME_SCALE: 0..1, scales pacing and retry waits; below 1 only when every API
  URL is on loopback (the local fake), never against the real APIs
- XDG_CACHE_HOME (else ~/.cache): its awesome-enrich/pacing folder holds the spacing that runs
  without a Prefect server share on this machine (pipeline.sources.machine_pacing)
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.core.errors import ConfigError
from pipeline.sources.gates import Deadline

DEFAULT_S2_API_URL = "https://api.semanticscholar.org"
DEFAULT_ARXIV_API_URL = "https://export.arxiv.org/api/query"
DEFAULT_GITHUB_API_URL = "https://api.github.com"
DEFAULT_CACHE_DIR = Path(".cache/http")
ANONYMOUS = "anonymous"  # the quota key of requests sent without a credential


class Secret:
    """A credential that never shows itself in repr, str, logs or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def fingerprint(self) -> str:
        """A short, non-reversible name for this credential (the first 12 hex digits of its
        SHA-256): what keys its quota in shared state (rate-limit names, pacing files), so two
        runs with the same key share one quota and the key itself is never written anywhere."""
        return hashlib.sha256(self._value.encode("utf-8")).hexdigest()[:12]

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> tuple[type[Secret], tuple[str]]:
        raise TypeError("a Secret is not pickled: read it from the environment where it is used")


def quota_key(secret: Secret | None) -> str:
    """The key of the quota a credential draws on: its fingerprint, or "anonymous"."""
    return secret.fingerprint() if secret is not None else ANONYMOUS


def _base_url(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name, "").strip() or default
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigError(f"{name}={value!r} is not an http(s) URL")
    return value.rstrip("/")


def _secret(env: Mapping[str, str], name: str) -> Secret | None:
    value = env.get(name, "").strip()
    return Secret(value) if value else None


# The wait for an answer of an endpoint without a timeout of its own, per attempt.
DEFAULT_READ_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Settings:
    s2_api_url: str = DEFAULT_S2_API_URL
    arxiv_api_url: str = DEFAULT_ARXIV_API_URL
    github_api_url: str = DEFAULT_GITHUB_API_URL
    s2_api_key: Secret | None = None
    github_token: Secret | None = None
    cache_dir: Path | None = DEFAULT_CACHE_DIR  # None: no HTTP cache
    time_scale: float = 1.0  # < 1 only against a local fake
    call_budget: int | None = None  # at most this many requests to each API per run
    read_timeout_s: float | None = None  # None: each endpoint's own
    pacing_dir: Path = Path.home() / ".cache" / "awesome-enrich" / "pacing"
    deadline: Deadline | None = None  # `run --deadline`: when to stop asking

    def with_budget(self, call_budget: int | None) -> Settings:
        return replace(self, call_budget=call_budget)

    @property
    def urls(self) -> tuple[str, str, str]:
        return (self.s2_api_url, self.arxiv_api_url, self.github_api_url)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every credential value, for redaction."""
        return tuple(s.reveal() for s in (self.s2_api_key, self.github_token) if s is not None)


def settings_from_env(
    env: Mapping[str, str] | None = None, *, cache_dir: Path | None = None, no_cache: bool = False
) -> Settings:
    """Read the settings; `cache_dir` and `no_cache` (command-line options) win over the env."""
    env = os.environ if env is None else env
    if no_cache:
        resolved_cache: Path | None = None
    elif cache_dir is not None:
        resolved_cache = cache_dir
    else:
        resolved_cache = Path(env.get("AWESOME_ENRICH_CACHE_DIR", "").strip() or DEFAULT_CACHE_DIR)
    settings = Settings(
        s2_api_url=_base_url(env, "S2_API_URL", DEFAULT_S2_API_URL),
        arxiv_api_url=_base_url(env, "ARXIV_API_URL", DEFAULT_ARXIV_API_URL),
        github_api_url=_base_url(env, "GITHUB_API_URL", DEFAULT_GITHUB_API_URL),
        s2_api_key=_secret(env, "S2_API_KEY"),
        github_token=_secret(env, "GITHUB_TOKEN"),
        cache_dir=resolved_cache,
        time_scale=_time_scale(env),
        read_timeout_s=_read_timeout(env),
        pacing_dir=_pacing_dir(env),
    )
    check_time_scale(settings)
    return settings


def _pacing_dir(env: Mapping[str, str]) -> Path:
    cache_home = env.get("XDG_CACHE_HOME", "").strip()
    root = Path(cache_home) if cache_home else Path.home() / ".cache"
    return root / "awesome-enrich" / "pacing"


def _read_timeout(env: Mapping[str, str]) -> float | None:
    raw = env.get("AWESOME_ENRICH_READ_TIMEOUT_S", "").strip()
    if not raw:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 600:
        raise ConfigError(
            f"AWESOME_ENRICH_READ_TIMEOUT_S={raw!r} must be a number of seconds, above 0 and "
            "at most 600"
        )
    return seconds


DURATION_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(text: str, name: str = "--deadline") -> float:
    """Seconds in a duration such as `90m`, `60s`, `2h`, `1h30m` or `45` (seconds)."""
    raw = text.strip().casefold()
    parts = re.findall(r"(\d+(?:\.\d+)?)([smh]?)", raw)
    if not raw or "".join(number + unit for number, unit in parts) != raw:
        raise ConfigError(f"{name}={text!r} is not a duration such as 90m, 60s or 1h30m")
    seconds = sum(float(number) * DURATION_UNITS[unit or "s"] for number, unit in parts)
    if not 0 < seconds <= 7 * 86400:
        raise ConfigError(f"{name}={text!r} must be above 0 and at most a week")
    return seconds


def deadline_for(
    value: str | None, env: Mapping[str, str] | None = None, ends_at: datetime | None = None
) -> Deadline | None:
    """The run's deadline from `run --deadline` (or the flow parameter), else from
    AWESOME_ENRICH_DEADLINE; None when neither is set. Its window starts now, or ends at
    `ends_at` (UTC) when the window began earlier (the command's start)."""
    env = os.environ if env is None else env
    name = "--deadline"
    if not value:
        value, name = env.get("AWESOME_ENRICH_DEADLINE", "").strip(), "AWESOME_ENRICH_DEADLINE"
    if not value:
        return None
    seconds = parse_duration(value, name)
    if ends_at is None:
        return Deadline(seconds)
    return Deadline(seconds, ends_in=(ends_at - datetime.now(UTC)).total_seconds())


def _time_scale(env: Mapping[str, str]) -> float:
    raw = env.get("AWESOME_ENRICH_TIME_SCALE", "").strip()
    if not raw:
        return 1.0
    try:
        scale = float(raw)
    except ValueError:
        scale = -1.0
    if not 0.0 <= scale <= 1.0:
        raise ConfigError(f"AWESOME_ENRICH_TIME_SCALE={raw!r} must be a number from 0 to 1")
    return scale


def is_loopback_url(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host in {"localhost", "::1"} or host.startswith("127.")


def check_time_scale(settings: Settings) -> None:
    """Shortened waits would break the real APIs' terms: only a local fake may have them."""
    if settings.time_scale < 1.0 and not all(is_loopback_url(u) for u in settings.urls):
        raise ConfigError(
            "AWESOME_ENRICH_TIME_SCALE below 1 is only allowed when S2_API_URL, ARXIV_API_URL "
            "and GITHUB_API_URL all point at a local fake (127.0.0.1)"
        )
