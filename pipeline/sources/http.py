"""The one HTTP layer under the three API clients.

It owns: connection-reusing sessions (with an optional requests-cache SQLite cache), a timeout on
every request, the User-Agent, per-API pacing, credentials (attached only to URLs under the API's
own base URL, re-decided on every redirect hop), and the single retry policy (tenacity):

- retried: 429, 5xx, GitHub rate-limit 403s, connection errors, timeouts, truncated bodies;
- waits: `Retry-After` (seconds or HTTP date), else GitHub's `x-ratelimit-reset` when
  `x-ratelimit-remaining` is 0, else exponential backoff with jitter;
- capped: attempts and the total time slept; a wait that would pass the cap is not slept;
- then a typed error (RateLimited, ApiError, TransportError) whose text is redacted.

Everything else (200, 304, 404, 410, 451, 409, other 4xx) is returned to the client as a value.
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

import requests
import requests_cache
from requests.adapters import HTTPAdapter
from tenacity import RetryCallState, Retrying, retry_if_exception_type

from pipeline.core.errors import (
    ApiError,
    MalformedResponse,
    PipelineError,
    RateLimited,
    SharedLimitUnavailable,
    TransportError,
)
from pipeline.sources.config import DEFAULT_READ_TIMEOUT_S, Secret, Settings
from pipeline.sources.gates import ApiGate as ApiGate
from pipeline.sources.gates import Clock as Clock
from pipeline.sources.gates import Pacer as Pacer
from pipeline.sources.gates import ScaledClock as ScaledClock
from pipeline.sources.gates import SystemClock as SystemClock
from pipeline.sources.gates import clock_for as clock_for

log = logging.getLogger("pipeline.sources.http")

T = TypeVar("T")

# --- pacing: minimum spacing between the starts of two requests to one API ------------------
# arXiv API Terms of Use (info.arxiv.org/help/api/tou.html): "no more than one request every
# three seconds", one connection at a time.
ARXIV_MIN_INTERVAL_S = 3.0
# Semantic Scholar release notes (Apr/May 2024): new API keys get 1 request per second.
S2_MIN_INTERVAL_WITH_KEY_S = 1.0
# Without a key all anonymous users share one pool and 429s are common (api-contracts.md 1.6):
# a conservative third of the keyed rate.
S2_MIN_INTERVAL_WITHOUT_KEY_S = 3.0
# GitHub REST best practices: "make requests serially", not concurrently. Requests are serial
# here; a small spacing, PyGithub's default `seconds_between_requests`, keeps bursts short.
GITHUB_MIN_INTERVAL_S = 0.25

# --- cache lifetimes ------------------------------------------------------------------------
# arXiv results change once a day (API manual 3.3.1.1): cache a day.
ARXIV_CACHE_TTL = timedelta(days=1)
# Semantic Scholar citation counts move daily; a short lifetime only spares re-runs.
S2_CACHE_TTL = timedelta(hours=1)
# Cached answers older than this are deleted at start-up. A 304 does not renew an answer's age
# (requests-cache 1.3), so an ETag revalidated every night is fetched whole once a month.
CACHE_MAX_AGE = timedelta(days=30)
# GitHub REST: always revalidate with If-None-Match; a 304 costs no rate limit (GH-BP).
GITHUB_REST_CACHE_TTL = timedelta(0)
# GitHub GraphQL has no ETags: a short lifetime, so a re-run within the hour spends no quota.
GITHUB_GRAPHQL_CACHE_TTL = timedelta(hours=1)

CONNECT_TIMEOUT_S = 10.0
# A half of a batch that failed with 5xx gives up after this many 5xx answers (one retry): the
# split, not the retry policy, is what gets past an item the API keeps failing on.
SPLIT_FUSE = 2
MAX_REDIRECTS = 5
RETRYABLE_EXCEPTIONS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)
_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_GITHUB_RATE_LIMIT_MESSAGES = (
    "api rate limit exceeded",
    "secondary rate limit",
    "abuse detection",
    "please retry your request again later",
    "please wait a few minutes before you try again",
)


def _package_version() -> str:
    try:
        return version("awesome-enrich")
    except PackageNotFoundError:
        return "0"


USER_AGENT = (
    f"awesome-enrich/{_package_version()} (metadata enrichment for awesome lists of papers) "
    f"python-requests/{requests.__version__}"
)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    max_total_wait_s: float = 120.0  # time slept between attempts, at most
    # Without any HTTP answer (refused, DNS, timeouts) the host is likely unreachable:
    # give up sooner, so a run without network fails fast and says so.
    max_transport_wait_s: float = 4.0
    backoff_initial_s: float = 2.0
    backoff_max_s: float = 60.0


@dataclass(frozen=True)
class ApiProfile:
    """What the HTTP layer needs to know about one API."""

    name: str  # "s2", "arxiv", "github"
    base_url: str  # credentials go only to URLs under this one
    min_interval_s: float
    cache_ttl: timedelta
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    credentials: Mapping[str, Secret] = field(default_factory=dict)  # header -> secret
    headers: Mapping[str, str] = field(default_factory=dict)
    max_connections: int = 10
    budget: int | None = None  # requests this client may send in its lifetime
    read_timeout_s: float = DEFAULT_READ_TIMEOUT_S  # the wait for an answer, per attempt


class Redactor:
    """Replaces every known secret in a text with `***`."""

    def __init__(self, secrets: Iterable[str]) -> None:
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text


def retry_after_seconds(headers: Mapping[str, str], now: datetime) -> float | None:
    """The wait a response asks for: `Retry-After` (seconds or HTTP date), or GitHub's
    `x-ratelimit-reset` when `x-ratelimit-remaining` is 0. None when it asks for nothing."""
    value = headers.get("Retry-After")
    if value:
        value = value.strip()
        if value.isdigit():
            return float(value)
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            return max(0.0, (when - now).total_seconds())
    reset = headers.get("x-ratelimit-reset")
    if headers.get("x-ratelimit-remaining") == "0" and reset and reset.isdigit():
        return max(0.0, int(reset) - now.timestamp()) + 1.0
    return None


def reset_time(headers: Mapping[str, str], now: datetime) -> datetime | None:
    wait = retry_after_seconds(headers, now)
    return now + timedelta(seconds=wait) if wait is not None else None


def _json_message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("message", "")) if isinstance(body, dict) else ""


def is_rate_limited(response: requests.Response) -> bool:
    """429, or a 403 that is GitHub's primary or secondary rate limit (not a block or bad token)."""
    if response.status_code == 429:
        return True
    if response.status_code != 403:
        return False
    if response.headers.get("x-ratelimit-remaining") == "0" or "Retry-After" in response.headers:
        return True
    message = _json_message(response).casefold()
    return any(text in message for text in _GITHUB_RATE_LIMIT_MESSAGES)


def is_retryable(response: requests.Response) -> bool:
    return response.status_code >= 500 or is_rate_limited(response)


def describe_transport_error(error: Exception) -> str:
    """A short reason for a request that got no HTTP answer."""
    text = str(error)
    if isinstance(error, requests.Timeout):
        return "timed out"
    if isinstance(
        error, requests.exceptions.ChunkedEncodingError | requests.exceptions.ContentDecodingError
    ):
        return "the answer was cut off"
    if "NameResolutionError" in text or "Name or service not known" in text:
        return "cannot resolve the host name"
    if "Connection refused" in text:
        return "connection refused"
    if "reset by peer" in text or "RemoteDisconnected" in text or "Connection aborted" in text:
        return "connection reset"
    return f"{type(error).__name__}: {text[:120]}"


class _RetryableAnswer(Exception):
    """Carries a retryable response or transport exception through tenacity."""

    def __init__(
        self, response: requests.Response | None = None, error: Exception | None = None
    ) -> None:
        super().__init__()
        self.response = response
        self.error = error


@dataclass
class CallStats:
    """What one API client spent: network requests by status, and cache hits."""

    sent: Counter[str] = field(default_factory=Counter)  # "METHOD path" -> requests attempted
    cache_hits: int = 0
    not_modified: int = 0  # revalidations answered 304 (free on GitHub)
    retries: int = 0
    slept_s: float = 0.0

    @property
    def network_requests(self) -> int:
        return sum(self.sent.values())


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


def make_session(
    api: str, cache_dir: Path | None, cache_ttl: timedelta, max_connections: int
) -> requests.Session:
    """A session for one API: pooled connections, no urllib3 retries (ours is the only policy),
    and a requests-cache SQLite cache at `cache_dir/<api>.sqlite` unless `cache_dir` is None."""
    session: requests.Session
    if cache_dir is None:
        session = requests.Session()
    else:
        cache_dir.mkdir(parents=True, exist_ok=True)
        session = PacedCachedSession(
            cache_name=str(cache_dir / f"{api}.sqlite"),
            backend="sqlite",
            expire_after=cache_ttl,
            allowable_methods=("GET", "POST"),
            allowable_codes=(200, 301, 404),
            # Never part of a cache key, and redacted from the cached request.
            ignored_parameters=("Authorization", "x-api-key"),
        )
        # Bounded growth: expired answers are kept for ETag revalidation, but not for ever.
        session.cache.delete(older_than=CACHE_MAX_AGE)
    adapter = HTTPAdapter(
        pool_connections=max_connections, pool_maxsize=max_connections, max_retries=0
    )
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


class HttpClient:
    """One API's HTTP access. Clients call `request`; nothing else in the pipeline sends HTTP."""

    def __init__(
        self,
        profile: ApiProfile,
        *,
        session: requests.Session | None = None,
        cache_dir: Path | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        redact: Redactor | None = None,
        limiter: Callable[[str], None] | None = None,
        gate: ApiGate | None = None,
    ) -> None:
        self.profile = profile
        # Waits for a slot shared with other processes (Prefect global limits), after our pacer.
        self.limiter = limiter
        self.clock = clock or SystemClock()
        self.session = session or make_session(
            profile.name, cache_dir, profile.cache_ttl, profile.max_connections
        )
        # Pacing and call budget, shared with the run's other clients of this API (gates.py).
        self.gate = gate or ApiGate(
            profile.name, profile.min_interval_s, self.clock, budget=profile.budget
        )
        self._stats_lock = threading.Lock()
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography
        self.redact = redact or Redactor(s.reveal() for s in profile.credentials.values())
        self.stats = CallStats()
        base = urlsplit(profile.base_url)
        self._origin = (base.scheme, base.hostname, base.port)
        self._base_path = base.path.rstrip("/")
        # The hop being sent on this thread, and whether it left for the network.
        self._hop = threading.local()
        if isinstance(self.session, PacedCachedSession):
            self.session.before_network = self._before_network

    @classmethod
    def for_settings(
        cls,
        profile: ApiProfile,
        settings: Settings,
        clock: Clock | None = None,
        limiter: Callable[[str], None] | None = None,
        gate: ApiGate | None = None,
    ) -> HttpClient:
        """One API's client under the run's settings: cache folder, time scale, call budget,
        and redaction of every known credential (not only this API's). A `gate` shared with
        the run's other clients of the API brings its pacer and budget (the settings' budget
        is then the gate's)."""
        return cls(
            replace(profile, budget=settings.call_budget, read_timeout_s=settings.read_timeout_s),
            cache_dir=settings.cache_dir,
            clock=clock or clock_for(settings.time_scale),
            redact=Redactor(settings.secrets),
            limiter=limiter,
            gate=gate,
        )

    # --- credentials ----------------------------------------------------------------------
    def _is_own_url(self, url: str) -> bool:
        parts = urlsplit(url)
        if (parts.scheme, parts.hostname, parts.port) != self._origin:
            return False
        return parts.path == self._base_path or parts.path.startswith(self._base_path + "/")

    def _headers(self, url: str, extra: Mapping[str, str] | None) -> dict[str, str]:
        headers = {"User-Agent": USER_AGENT, **self.profile.headers, **(extra or {})}
        if self._is_own_url(url):
            headers.update({name: s.reveal() for name, s in self.profile.credentials.items()})
        return headers

    # --- sending ---------------------------------------------------------------------------
    def _before_network(self, _: requests.PreparedRequest | None = None) -> None:
        """A hop is about to leave for the network: count it against the budget (BudgetSpent
        past it: nothing is sent), wait for the API's turn, count it as sent."""
        method, url = self._hop.method, self._hop.url
        self.gate.reserve(self.redact(url))
        try:
            self.gate.wait_turn(self.limiter)
        except PipelineError:
            raise  # says itself what is wrong (an unwritable pacing folder, say)
        except Exception as error:  # the limiter's server failed (after its own retries)
            message = f"shared rate limit unavailable: {type(error).__name__}: {error}"
            raise SharedLimitUnavailable(
                self.profile.name, self.redact(url), self.redact(message)
            ) from error
        with self._stats_lock:
            self.stats.sent[f"{method} {self._endpoint(url)}"] += 1
        self._hop.sent = True

    def _send_hop(
        self, method: str, url: str, hop_kwargs: dict[str, Any], refresh: bool
    ) -> requests.Response:
        """One hop: a fresh cached answer without touching the pacer, else the network."""
        self._hop.method, self._hop.url, self._hop.sent = method, url, False
        cached = isinstance(self.session, PacedCachedSession)
        if cached:
            hop_kwargs["force_refresh"] = refresh
        else:
            self._before_network()  # no cache (or a session of the caller's): always sent
        response = self.session.request(
            method,
            url,
            timeout=(CONNECT_TIMEOUT_S, self.profile.read_timeout_s),
            allow_redirects=False,
            **hop_kwargs,
        )
        with self._stats_lock:
            if not self._hop.sent:
                self.stats.cache_hits += 1
            elif getattr(response, "revalidated", False):
                self.stats.not_modified += 1
        return response

    def _send(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        kwargs: dict[str, Any],
        refresh: bool,
    ) -> requests.Response:
        """One attempt, following redirects by hand so credentials are re-decided per hop."""
        history: list[requests.Response] = []
        for _ in range(MAX_REDIRECTS + 1):
            hop_kwargs = {**kwargs, "headers": self._headers(url, headers)}
            response = self._send_hop(method, url, hop_kwargs, refresh)
            location = response.headers.get("Location")
            if response.status_code not in _REDIRECT_CODES or not location:
                response.history = history
                return response
            history.append(response)
            url = urljoin(url, location)
            if response.status_code == 303:
                method, kwargs = (
                    "GET",
                    {k: v for k, v in kwargs.items() if k not in {"json", "data"}},
                )
        raise ApiError(self.profile.name, self.redact(url), f"more than {MAX_REDIRECTS} redirects")

    def _endpoint(self, url: str) -> str:
        path = urlsplit(url).path
        return path[len(self._base_path) :] if path.startswith(self._base_path) else path

    # --- retry policy ------------------------------------------------------------------------
    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, _RetryableAnswer) and error.response is not None:
            hinted = retry_after_seconds(error.response.headers, self.clock.now())
            if hinted is not None:
                return hinted
        policy = self.profile.retry
        delay = min(
            policy.backoff_max_s, policy.backoff_initial_s * 2 ** (state.attempt_number - 1)
        )
        return float(delay / 2 + self._rng.uniform(0, delay / 2))

    def _stop(self, state: RetryCallState, max_server_errors: int | None = None) -> bool:
        policy = self.profile.retry
        waited = state.idle_for + (state.upcoming_sleep or 0.0)
        error = state.outcome.exception() if state.outcome else None
        no_answer = isinstance(error, _RetryableAnswer) and error.response is None
        cap = policy.max_transport_wait_s if no_answer else policy.max_total_wait_s
        if max_server_errors is not None and isinstance(error, _RetryableAnswer):
            server_errors = state.kwargs.get("server_errors", [])
            if len(server_errors) >= max_server_errors:
                return True
        return state.attempt_number >= policy.max_attempts or waited > cap

    def _before_sleep(self, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        what = "error"
        if isinstance(error, _RetryableAnswer):
            what = (
                f"HTTP {error.response.status_code}"
                if error.response is not None
                else type(error.error).__name__
            )
        with self._stats_lock:
            self.stats.retries += 1
            self.stats.slept_s += state.upcoming_sleep or 0.0
        log.warning(
            self.redact(
                f"{self.profile.name}: {what} from {state.args[0]} {state.args[1]}; "
                f"attempt {state.attempt_number + 1}/{self.profile.retry.max_attempts} "
                f"in {state.upcoming_sleep:.1f} s"
            )
        )

    def _attempt(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        kwargs: dict[str, Any],
        refresh: bool,
        server_errors: list[int] | None = None,
    ) -> requests.Response:
        try:
            response = self._send(method, url, headers, kwargs, refresh)
        except RETRYABLE_EXCEPTIONS as error:
            raise _RetryableAnswer(error=error) from error
        if is_retryable(response):
            if server_errors is not None and response.status_code >= 500:
                server_errors.append(response.status_code)
            raise _RetryableAnswer(response=response)
        self.gate.mark_answered()
        return response

    def _give_up(self, url: str, answer: _RetryableAnswer) -> ApiError:
        name, shown_url = self.profile.name, self.redact(url)
        response = answer.response
        if response is None:
            detail = describe_transport_error(answer.error) if answer.error else "no answer"
            return TransportError(name, shown_url, f"cannot reach the API ({self.redact(detail)})")
        if is_rate_limited(response):
            reset = reset_time(response.headers, self.clock.now())
            until = f" until {reset:%Y-%m-%d %H:%M:%S} UTC" if reset else ""
            return RateLimited(
                name, shown_url, f"rate limited{until}", response.status_code, reset_at=reset
            )
        return ApiError(name, shown_url, "server error", response.status_code)

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str | int] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
        cache_ttl: timedelta | None = None,
        refresh: bool = False,
        max_server_errors: int | None = None,
    ) -> requests.Response:
        """Send under the pacing and retry policy; return any non-retryable answer.

        `refresh` bypasses the cache (for the arXiv empty-page retry); `cache_ttl` overrides
        the API's cache lifetime for this request. `max_server_errors` gives up after that many
        5xx answers (429s and transport errors still follow the policy): a caller that can
        split a failing batch asks its halves with a short fuse.
        """
        kwargs: dict[str, Any] = {}
        if params is not None:
            kwargs["params"] = params
        if json_body is not None:
            kwargs["json"] = json_body
        if cache_ttl is not None and isinstance(self.session, requests_cache.CachedSession):
            kwargs["expire_after"] = cache_ttl
        retrying = Retrying(
            retry=retry_if_exception_type(_RetryableAnswer),
            wait=self._wait,
            stop=partial(self._stop, max_server_errors=max_server_errors),
            sleep=self.clock.sleep,
            before_sleep=self._before_sleep,
            reraise=True,
        )
        server_errors: list[int] = []
        try:
            return retrying(
                self._attempt, method, url, headers, kwargs, refresh, server_errors=server_errors
            )
        except _RetryableAnswer as answer:
            raise self._give_up(url, answer) from None

    def request_json(
        self, method: str, url: str, parse: Callable[[Any], T], **kwargs: Any
    ) -> tuple[requests.Response, T | None]:
        """`request`, then decode JSON and `parse` it for 2xx answers (None otherwise).

        A body that fails to decode or parse is evicted from the cache and raised as
        MalformedResponse, so a broken answer is never served again.
        """
        response = self.request(method, url, **kwargs)
        if not 200 <= response.status_code < 300:
            return response, None
        try:
            return response, parse(json.loads(response.content))
        except (ValueError, KeyError, TypeError) as error:
            self.forget(response)
            raise MalformedResponse(
                self.profile.name,
                self.redact(response.url or url),
                self.redact(f"unexpected body ({type(error).__name__}: {error})"[:300]),
                response.status_code,
            ) from None

    def forget(self, response: requests.Response) -> None:
        """Drop a response from the cache (after it turned out to be malformed)."""
        if isinstance(self.session, requests_cache.CachedSession) and response.request:
            self.session.cache.delete(requests=[response.request])

    def close(self) -> None:
        self.session.close()
