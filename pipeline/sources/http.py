"""The one HTTP layer under the three API clients.

It owns: connection-reusing sessions (sessions.py, with an optional requests-cache SQLite cache),
connect and read timeouts per API and endpoint, the User-Agent, per-API pacing, credentials
(attached only to URLs under the API's own base URL, re-decided on every redirect hop), the
run's deadline, and the single retry policy (tenacity):

- retried (answers.py): 429, 5xx, GitHub rate-limit 403s, resets, timeouts (on a fresh
  connection), and 2xx bodies that do not decode (cut, HTML, empty), each counted in CallStats;
- waits: `Retry-After` (seconds or HTTP date), else GitHub's `x-ratelimit-reset` when
  `x-ratelimit-remaining` is 0, else exponential backoff with jitter;
- capped: attempts, the total time slept, and the deadline; a wait past a cap is not slept;
- then a typed error (RateLimited, ApiError, TransportError, MalformedResponse) whose text is
  redacted, and which says whether the API now counts as out (`outage`: it failed OUTAGE_AFTER
  requests in a row, gates.py). One failed request is that item's failure, never the API's.

A decoded body that does not fit the caller's schema is UnexpectedAnswer, naming the field.
Everything else (200, 304, 404, 410, 451, 409, other 4xx) is returned to the client as a value.
"""

from __future__ import annotations

import json
import logging
import random
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from functools import partial
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

import requests
from tenacity import RetryCallState, Retrying, retry_if_exception_type

from pipeline.core.errors import (
    ApiError,
    DeadlineReached,
    MalformedResponse,
    PipelineError,
    RateLimited,
    SharedLimitUnavailable,
    TransportError,
    UnexpectedAnswer,
    is_outage,
)
from pipeline.sources.answers import RETRYABLE_EXCEPTIONS as RETRYABLE_EXCEPTIONS
from pipeline.sources.answers import RetryableFault, transport_kind
from pipeline.sources.answers import describe_transport_error as describe_transport_error
from pipeline.sources.answers import is_rate_limited as is_rate_limited
from pipeline.sources.answers import is_retryable as is_retryable
from pipeline.sources.answers import reset_time as reset_time
from pipeline.sources.answers import retry_after_seconds as retry_after_seconds
from pipeline.sources.config import DEFAULT_READ_TIMEOUT_S, Secret, Settings
from pipeline.sources.gates import ApiGate as ApiGate
from pipeline.sources.gates import Clock as Clock
from pipeline.sources.gates import Deadline as Deadline
from pipeline.sources.gates import Pacer as Pacer
from pipeline.sources.gates import ScaledClock as ScaledClock
from pipeline.sources.gates import SystemClock as SystemClock
from pipeline.sources.gates import clock_for as clock_for
from pipeline.sources.sessions import CACHE_MAX_AGE as CACHE_MAX_AGE
from pipeline.sources.sessions import is_cached, is_paced_cached
from pipeline.sources.sessions import make_session as make_session

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


def published_intervals(*, s2_keyed: bool) -> dict[str, float]:
    """Each API's spacing as published (unscaled), by its name: S2's depends on a key."""
    s2 = S2_MIN_INTERVAL_WITH_KEY_S if s2_keyed else S2_MIN_INTERVAL_WITHOUT_KEY_S
    return {"s2": s2, "arxiv": ARXIV_MIN_INTERVAL_S, "github": GITHUB_MIN_INTERVAL_S}


# --- cache lifetimes ------------------------------------------------------------------------
# arXiv results change once a day (API manual 3.3.1.1): cache a day.
ARXIV_CACHE_TTL = timedelta(days=1)
# Semantic Scholar citation counts move daily; a short lifetime only spares re-runs.
S2_CACHE_TTL = timedelta(hours=1)
# GitHub REST: always revalidate with If-None-Match; a 304 costs no rate limit (GH-BP).
GITHUB_REST_CACHE_TTL = timedelta(0)
# GitHub GraphQL has no ETags: a short lifetime, so a re-run within the hour spends no quota.
GITHUB_GRAPHQL_CACHE_TTL = timedelta(hours=1)

# The wait for a connection; the wait for an answer is per endpoint (the clients' timeouts).
CONNECT_TIMEOUT_S = 10.0
# A batch of several items that fails with 5xx gives up after this many of them (one retry
# absorbs a passing fault) and is split; each half gives up after HALF_FUSE: the split, not the
# retry policy's backoff, gets past an item the API fails on.
SPLIT_FUSE = 2
HALF_FUSE = 1
MAX_REDIRECTS = 5
# A cut or undecodable body, a reset or a timeout says nothing of the server's load: the first
# QUICK_RETRIES retries are sent without backoff (the pacer still spaces them), then backoff.
QUICK_RETRY_KINDS = frozenset({"body", "transport"})
QUICK_RETRIES = 3
# A read timeout capped by the deadline never goes below this (a request needs some time).
MIN_READ_TIMEOUT_S = 0.5
_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})


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
    # The wait for an answer, per attempt, for every endpoint (AWESOME_ENRICH_READ_TIMEOUT_S);
    # None: each endpoint's own (the clients'), else DEFAULT_READ_TIMEOUT_S.
    read_timeout_s: float | None = None
    connect_timeout_s: float = CONNECT_TIMEOUT_S
    deadline: Deadline | None = None  # the run's `--deadline`


class Redactor:
    """Replaces every known secret in a text with `***`."""

    def __init__(self, secrets: Iterable[str]) -> None:
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text


def decode_json(content: bytes) -> Any:
    """A JSON body; ValueError when it does not decode (cut, HTML, empty): retried."""
    return json.loads(content)


def schema_problem(error: Exception) -> str:
    """What did not fit in a decoded answer, naming the field where the error does."""
    if isinstance(error, KeyError):
        return f"no field {error.args[0]!r}" if error.args else "a field is missing"
    return f"{type(error).__name__}: {error}"


@dataclass
class _Tally:
    """One request's attempts so far: 5xx answers (a split's fuse) and quick retries taken."""

    server_errors: int = 0
    quick_retries: int = 0


@dataclass
class CallStats:
    """What one API client spent: network requests by status, cache hits, and the faults met."""

    sent: Counter[str] = field(default_factory=Counter)  # "METHOD path" -> requests attempted
    cache_hits: int = 0
    not_modified: int = 0  # revalidations answered 304 (free on GitHub)
    retries: int = 0
    slept_s: float = 0.0
    # Retryable faults by kind ("HTTP 503", "undecodable body", "timed out", ...), each attempt.
    faults: Counter[str] = field(default_factory=Counter)
    failed: int = 0  # requests that failed after their retries (that item's failure)

    @property
    def network_requests(self) -> int:
        return sum(self.sent.values())


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
        # Pacing, call budget and failures in a row, shared with the run's other clients of
        # this API (gates.py).
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
        if is_paced_cached(self.session):
            paced: Any = self.session  # a PacedCachedSession, whose class is made on first use
            paced.before_network = self._before_network

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
        read timeout, deadline, and redaction of every known credential (not only this API's).
        A `gate` shared with the run's other clients of the API brings its pacer and budget
        (the settings' budget is then the gate's)."""
        return cls(
            replace(
                profile,
                budget=settings.call_budget,
                read_timeout_s=settings.read_timeout_s,
                deadline=settings.deadline,
            ),
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
        """A hop is about to leave for the network: stop at the deadline (DeadlineReached),
        count it against the budget (BudgetSpent past it: nothing is sent), wait for the API's
        turn, count it as sent."""
        method, url = self._hop.method, self._hop.url
        deadline = self.profile.deadline
        if deadline is not None and deadline.reached():
            raise DeadlineReached(self.profile.name, self.redact(url), "deadline reached")
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

    def _timeouts(self, read_timeout_s: float | None) -> tuple[float, float]:
        """(connect, read) for one attempt: the settings' override, else the endpoint's, capped
        by what is left before the deadline."""
        read = self.profile.read_timeout_s or read_timeout_s or DEFAULT_READ_TIMEOUT_S
        deadline = self.profile.deadline
        if deadline is not None:
            read = max(MIN_READ_TIMEOUT_S, min(read, deadline.remaining()))
        return min(self.profile.connect_timeout_s, read), read

    def _send_hop(
        self, method: str, url: str, hop_kwargs: dict[str, Any], refresh: bool
    ) -> requests.Response:
        """One hop: a fresh cached answer without touching the pacer, else the network."""
        self._hop.method, self._hop.url, self._hop.sent = method, url, False
        cached = is_paced_cached(self.session)
        if cached:
            hop_kwargs["force_refresh"] = refresh
        else:
            self._before_network()  # no cache (or a session of the caller's): always sent
        response = self.session.request(method, url, allow_redirects=False, **hop_kwargs)
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
        fault = state.outcome.exception() if state.outcome else None
        if isinstance(fault, RetryableFault) and fault.response is not None:
            hinted = retry_after_seconds(fault.response.headers, self.clock.now())
            if hinted is not None:
                return hinted
        tally: _Tally = state.kwargs["tally"]
        quick = isinstance(fault, RetryableFault) and fault.kind in QUICK_RETRY_KINDS
        if quick and tally.quick_retries < QUICK_RETRIES:
            tally.quick_retries += 1
            return 0.0  # a cut body or a reset says nothing of the server's load
        # The backoff grows with the retries that were backed off, not with the quick ones:
        # a fourth cut body in a row waits the first step (1-2 s), not the fourth (8-16 s).
        policy = self.profile.retry
        backed_off = state.attempt_number - 1 - tally.quick_retries
        delay = min(policy.backoff_max_s, policy.backoff_initial_s * 2**backed_off)
        return float(delay / 2 + self._rng.uniform(0, delay / 2))

    def _stop(self, state: RetryCallState, max_server_errors: int | None = None) -> bool:
        policy = self.profile.retry
        upcoming = state.upcoming_sleep or 0.0
        waited = state.idle_for + upcoming
        fault = state.outcome.exception() if state.outcome else None
        unreachable = isinstance(fault, RetryableFault) and fault.kind == "unreachable"
        cap = policy.max_transport_wait_s if unreachable else policy.max_total_wait_s
        fused = state.kwargs["tally"].server_errors >= (max_server_errors or 1 << 30)
        if (fused or self.gate.out.is_set()) and isinstance(fault, RetryableFault):
            return True  # split instead; or the API is out: another thread's error said so
        deadline = self.profile.deadline
        if deadline is not None and deadline.remaining() <= upcoming * self._sleep_scale():
            deadline.give_up()  # the wait would pass the deadline: give up now
            return True
        return state.attempt_number >= policy.max_attempts or waited > cap

    def _sleep_scale(self) -> float:
        return float(getattr(self.clock, "scale", 1.0))

    def _before_sleep(self, state: RetryCallState) -> None:
        fault = state.outcome.exception() if state.outcome else None
        what = fault.describe() if isinstance(fault, RetryableFault) else "error"
        with self._stats_lock:
            self.stats.retries += 1
            self.stats.slept_s += state.upcoming_sleep or 0.0
        response = fault.response if isinstance(fault, RetryableFault) else None
        if response is not None and is_rate_limited(response):  # the API's wait, not the item's
            self.gate.pacer.hold(state.upcoming_sleep or 0.0)
        log.warning(
            self.redact(
                f"{self.profile.name}: {what} from {state.args[0]} {state.args[1]}; "
                f"attempt {state.attempt_number + 1}/{self.profile.retry.max_attempts} "
                f"in {state.upcoming_sleep:.1f} s"
            )
        )

    def _fault(
        self,
        kind: str,
        response: requests.Response | None,
        tally: _Tally,
        error: Exception | None = None,
    ) -> RetryableFault:
        """A retryable fault of this attempt, counted (a split's fuse counts the 5xx only: what
        an item the API chokes on gets; a cut body or a reset is retried as the policy says)."""
        fault = RetryableFault(kind, response, error)
        if kind == "status" and response is not None and response.status_code >= 500:
            tally.server_errors += 1
        with self._stats_lock:
            self.stats.faults[fault.describe()] += 1
        return fault

    def _attempt(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        kwargs: dict[str, Any],
        refresh: bool,
        decode: Callable[[bytes], Any] | None,
        tally: _Tally,
    ) -> tuple[requests.Response, Any]:
        try:
            response = self._send(method, url, headers, kwargs, refresh)
        except RETRYABLE_EXCEPTIONS as error:
            raise self._fault(transport_kind(error), None, tally, error) from error
        if is_retryable(response):
            raise self._fault("status", response, tally)
        body = None
        if decode is not None and 200 <= response.status_code < 300:
            try:
                body = decode(response.content)
            except ValueError as error:
                self.forget(response)  # never served again from the cache
                raise self._fault("body", response, tally, error) from error
        self.gate.mark_answered()
        return response, body

    def _give_up(self, url: str, fault: RetryableFault) -> ApiError:
        name, shown_url = self.profile.name, self.redact(url)
        response = fault.response
        deadline = self.profile.deadline
        if deadline is not None and deadline.reached():
            return DeadlineReached(name, shown_url, f"deadline reached ({fault.describe()})")
        if fault.kind == "body":
            detail = f"{type(fault.error).__name__}: {fault.error}" if fault.error else "cut off"
            status = response.status_code if response is not None else None
            text = self.redact(f"the body did not decode ({detail})"[:300])
            return MalformedResponse(name, shown_url, text, status)
        if response is None:
            detail = self.redact(fault.describe())
            return TransportError(name, shown_url, f"cannot reach the API ({detail})")
        if is_rate_limited(response):
            reset = reset_time(response.headers, self.clock.now())
            until = f" until {reset:%Y-%m-%d %H:%M:%S} UTC" if reset else ""
            return RateLimited(
                name, shown_url, f"rate limited{until}", response.status_code, reset_at=reset
            )
        return ApiError(name, shown_url, "server error", response.status_code)

    def exchange(
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
        read_timeout_s: float | None = None,
        decode: Callable[[bytes], Any] | None = None,
    ) -> tuple[requests.Response, Any]:
        """Send under the pacing and retry policy; return any non-retryable answer, with its
        body `decode`d when it is a 2xx (a body that does not decode is retried).

        `refresh` bypasses the cache (for the arXiv empty-page retry); `cache_ttl` overrides
        the API's cache lifetime for this request; `read_timeout_s` is the endpoint's wait for
        an answer. `max_server_errors` gives up after that many 5xx answers (429s, undecodable
        bodies and transport errors still follow the policy): a caller that can split a failing
        batch asks it, and its halves, with a short fuse.
        """
        connect, read = self._timeouts(read_timeout_s)
        kwargs: dict[str, Any] = {"timeout": (connect, read)}
        if params is not None:
            kwargs["params"] = params
        if json_body is not None:
            kwargs["json"] = json_body
        if cache_ttl is not None and is_cached(self.session):
            kwargs["expire_after"] = cache_ttl
        retrying = Retrying(
            retry=retry_if_exception_type(RetryableFault),
            wait=self._wait,
            stop=partial(self._stop, max_server_errors=max_server_errors),
            sleep=self.clock.sleep,
            before_sleep=self._before_sleep,
            reraise=True,
        )
        tally = _Tally()
        try:
            answer = retrying(
                self._attempt,
                method,
                url,
                headers,
                kwargs,
                refresh,
                decode,
                tally=tally,
            )
        except RetryableFault as fault:
            error = self._give_up(url, fault)
            with self._stats_lock:
                self.stats.failed += 1
            # No connection at all for the short cap (refused, DNS): the host is not there.
            unreachable = fault.kind == "unreachable"
            error.outage = self.gate.record(failed=True) or unreachable or self.gate.out.is_set()
            error.outage = error.outage or isinstance(error, DeadlineReached)
            if is_outage(error):
                self.gate.out.set()
            raise error from None
        self.gate.record(failed=False)
        return answer

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """`exchange` without decoding: the answer, for the caller to read."""
        return self.exchange(method, url, **kwargs)[0]

    def request_json(
        self,
        method: str,
        url: str,
        parse: Callable[[Any], T],
        decode: Callable[[bytes], Any] = decode_json,
        **kwargs: Any,
    ) -> tuple[requests.Response, T | None]:
        """`exchange` with a JSON `decode`, then `parse` the decoded body of 2xx answers (None
        otherwise). A body that does not fit `parse`'s schema (KeyError, TypeError, ValueError)
        is UnexpectedAnswer naming the field: that item's error, evicted from the cache."""
        response, body = self.exchange(method, url, decode=decode, **kwargs)
        if not 200 <= response.status_code < 300:
            return response, None
        try:
            return response, parse(body)
        except (ValueError, KeyError, TypeError, IndexError, AttributeError) as error:
            self.forget(response)
            raise UnexpectedAnswer(
                self.profile.name,
                self.redact(response.url or url),
                self.redact(f"the answer does not fit the schema ({schema_problem(error)})"[:300]),
                response.status_code,
            ) from None

    def forget(self, response: requests.Response) -> None:
        """Drop a response from the cache (after it turned out to be malformed)."""
        if is_cached(self.session) and response.request:
            self.session.cache.delete(requests=[response.request])

    def close(self) -> None:
        self.session.close()
