"""The requests sessions under the HTTP layer: pooled connections, no urllib3 retries (the
HTTP layer's policy is the only one), and an optional requests-cache SQLite cache that calls
the HTTP layer back just before a request leaves for the network."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

if TYPE_CHECKING:
    import requests_cache

# Cached answers older than this are deleted at start-up. A 304 does not renew an answer's age
# (requests-cache 1.3), so an ETag revalidated every night is fetched whole once a month.
CACHE_MAX_AGE = timedelta(days=30)


def is_cached(session: requests.Session) -> TypeGuard[requests_cache.CachedSession]:
    """Whether `session` keeps an HTTP cache (requests-cache is imported only by a run that
    opens one: a session made before cannot be one)."""
    module = sys.modules.get("requests_cache")
    return module is not None and isinstance(session, module.CachedSession)


def is_paced_cached(session: requests.Session) -> bool:
    """Whether `session` is a PacedCachedSession: it calls `before_network` itself."""
    return is_cached(session) and isinstance(session, paced_cached_session())


@cache
def paced_cached_session() -> type[requests_cache.CachedSession]:
    """The PacedCachedSession class, defined on first use: importing requests-cache (its
    SQLite, cattrs and url-normalising stack) costs about 0.2 s of CPU, which `--help`, `check`
    and `doctor` never need."""
    import requests_cache

    class PacedCachedSession(requests_cache.CachedSession):
        """A CachedSession that calls `before_network` just before a request leaves for the network
        (a miss, an expired answer's revalidation, a forced refresh): requests-cache sends through
        `_send_and_cache` only then. The client paces and counts there, so a request costs one
        cache lookup, where asking the cache first (`only_if_cached`) and then sending cost two:
        at 10,000 papers that second lookup was a fifth of the run's CPU."""

        before_network: Callable[[requests.PreparedRequest], None] | None = None

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._environment: dict[tuple[str, str], dict[str, Any]] = {}

        def merge_environment_settings(
            self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any
        ) -> Any:
            """requests reads the proxy and CA-bundle variables anew for every request (a tenth of
            a request's CPU here); for requests that set none of these themselves, as the client's
            never do, they are read once per origin for the session's life (httpx reads them once
            per client)."""
            if proxies or stream is not None or verify is not None or cert is not None:
                return super().merge_environment_settings(url, proxies, stream, verify, cert)
            parts = urlsplit(str(url))
            origin = (parts.scheme, parts.netloc)
            settings = self._environment.get(origin)
            if settings is None:
                settings = dict(super().merge_environment_settings(url, {}, None, None, None))
                self._environment[origin] = settings
            return {**settings, "proxies": dict(settings["proxies"])}

        def _send_and_cache(
            self,
            request: requests.PreparedRequest,
            actions: Any,
            cached_response: Any = None,
            **kwargs: Any,
        ) -> Any:
            if self.before_network is not None:
                self.before_network(request)
            return super()._send_and_cache(request, actions, cached_response, **kwargs)

    return PacedCachedSession


def make_session(
    api: str, cache_dir: Path | None, cache_ttl: timedelta, max_connections: int
) -> requests.Session:
    """A session for one API: pooled connections, no urllib3 retries (ours is the only policy),
    and a requests-cache SQLite cache at `cache_dir/<api>.sqlite` unless `cache_dir` is None.
    Each answer is stored as it arrives, so a run killed half-way keeps what it fetched."""
    session: requests.Session
    if cache_dir is None:
        session = requests.Session()
    else:
        cache_dir.mkdir(parents=True, exist_ok=True)
        session = paced_cached_session()(
            cache_name=str(cache_dir / f"{api}.sqlite"),
            backend="sqlite",
            expire_after=cache_ttl,
            allowable_methods=("GET", "POST"),
            allowable_codes=(200, 301, 404),
            # Never part of a cache key, and redacted from the cached request.
            ignored_parameters=("Authorization", "x-api-key"),
            # Write-ahead log, synchronous=NORMAL: each answer is still committed as it arrives
            # (a killed run keeps what it fetched), without an fsync per answer; a power cut
            # may lose the last answers, never the file. Measured per uncached request (a
            # loaded 2-core machine, issue 26): 2.4 ms of CPU and 22 ms of wall time before,
            # 1.2 ms and 7 ms with it.
            wal=True,
        )
        # Bounded growth: expired answers are kept for ETag revalidation, but not for ever.
        session.cache.delete(older_than=CACHE_MAX_AGE)
    adapter = HTTPAdapter(
        pool_connections=max_connections, pool_maxsize=max_connections, max_retries=0
    )
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def __getattr__(name: str) -> Any:
    """`PacedCachedSession`, defined on first use (paced_cached_session)."""
    if name == "PacedCachedSession":
        return paced_cached_session()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
