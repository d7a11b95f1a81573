"""Fault injection: Fault rules, Faults settings, request Stats, and the mixin applying them."""

from __future__ import annotations

import json
import random
import re
import socket
import struct
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from werkzeug.wrappers import Request, Response

from fakeapi.responses import json_response

S2_429_BODY = {
    "message": "Too Many Requests. Please wait and try again or apply for a key for higher rate "
    "limits. https://www.semanticscholar.org/product/api#api-key-form",
    "code": "429",
}
APIS: Final = ("s2", "arxiv", "github")
FAULT_KINDS: Final = (
    "rate_limit",  # S2 and arXiv 429, GitHub's secondary-limit 403; Retry-After if `retry_after`
    "server_error",  # `status` (500, or 502, 503...) with the API's short error body
    "html_502",  # 502 with a proxy's HTML page
    "html_200",  # 200 with an HTML page where JSON or Atom was expected
    "timeout",  # the real answer, but only after `delay_s` (longer than the client waits)
    "reset",  # the connection is dropped before any byte of an answer (FIN, then RST)
    "truncated",  # the real status and a Content-Length for the whole body; half of it is sent
    "cut",  # the real status; the first half of the real body, with a matching Content-Length
    "empty",  # the real status and headers, an empty body (Content-Length 0)
    "graphql_errors",  # GitHub GraphQL: 200, no data, errors "Something went wrong" (a timeout)
    "graphql_limits",  # GitHub GraphQL: 200, no data, errors RESOURCE_LIMITS_EXCEEDED
    "partial",  # S2 batch: a share of entries null; GitHub GraphQL: a share of aliases null with
    # errors; arXiv: a share of the feed's entries dropped (a `rate` share of the items)
)
# The endpoints that answer with several items, where a "partial" fault applies.
PARTIAL_ENDPOINTS: Final = frozenset({"s2_batch", "github_graphql", "arxiv_query"})
# The fault kinds only GitHub's GraphQL endpoint answers with.
GRAPHQL_KINDS: Final = frozenset({"graphql_errors", "graphql_limits"})
GRAPHQL_SOMETHING_WENT_WRONG = (
    "Something went wrong while executing your query. This may be the result of a timeout, or "
    "it could be a GitHub bug. Please include `0C41:2B5E:1A2B3C:4D5E6F:65A1B2C3` when reporting "
    "this issue."
)
HTML_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)
HTML_200 = (
    "<!DOCTYPE html>\n<html><head><title>Service temporarily unavailable</title></head>"
    "<body><h1>We'll be back soon</h1><p>This service is down for maintenance.</p></body></html>\n"
)


@dataclass(frozen=True)
class Fault:
    """One kind of failure (FAULT_KINDS) injected into the requests it matches: those to `apis`
    and, when `endpoints` is set, to those endpoints (FakeApi endpoint names such as "s2_batch").

    It fires on every matching request (a seeded `rate` share of them when below 1), for the
    whole run or for the first `count` injections only (a storm that passes). For "partial",
    `rate` is the share of the items of an answer that go missing.
    """

    kind: str
    apis: tuple[str, ...] = APIS
    endpoints: tuple[str, ...] = ()
    count: int | None = None
    rate: float = 1.0
    retry_after: str | None = None  # rate_limit: the Retry-After header's value, if any
    delay_s: float = 1.0  # timeout: how long the answer takes
    status: int = 500  # server_error: the status answered

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {FAULT_KINDS}, not {self.kind!r}")
        unknown = set(self.apis) - set(APIS)
        if unknown:
            raise ValueError(f"unknown APIs {sorted(unknown)}: use {APIS}")
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        if self.count is not None and self.count < 0:
            raise ValueError("count must not be negative")
        if self.kind == "server_error" and not 500 <= self.status <= 599:
            raise ValueError("a server_error's status must be 5xx")

    def matches(self, api: str, endpoint: str) -> bool:
        if api not in self.apis or (self.endpoints and endpoint not in self.endpoints):
            return False
        if self.kind in GRAPHQL_KINDS:
            return endpoint == "github_graphql"
        return self.kind != "partial" or endpoint in PARTIAL_ENDPOINTS


@dataclass
class Faults:
    """Deterministic (seeded) trouble: a share of requests answered 429 or 5xx, or with a
    malformed body; added latency; whole APIs down (503 to everything); and `rules`, each
    injecting one kind of failure (see Fault). The first three are checked first; then the
    first rule that matches a request (and has injections left) decides its fate."""

    error_rate: float = 0.0
    malformed_rate: float = 0.0
    latency_s: float = 0.0
    down: frozenset[str] = frozenset()
    seed: int = 0
    rules: tuple[Fault, ...] = ()
    # Ids (S2 ids, DOIs, arXiv ids) and owner/name repositories the API keeps failing on: a
    # batch naming one answers 500 (S2 /paper/batch) or 502 (GitHub GraphQL), whatever else
    # it holds. The rest of the API works.
    poisoned: frozenset[str] = frozenset()


# Every endpoint a cold run with a token asks (GitHub's REST commits: never, GraphQL gives the
# last commit).
COLD_RUN_ENDPOINTS = (
    ("s2", "s2_batch"),
    ("s2", "s2_match"),
    ("s2", "s2_citations"),
    ("arxiv", "arxiv_query"),
    ("github", "github_graphql"),
    ("github", "github_repo"),
)


def ordinary_night(*, slow_s: float, cuts: bool, poisoned: frozenset[str] = frozenset()) -> Faults:
    """Issue 23's profile of an ordinary night: one S2 batch answer `slow_s` late, a cut body
    on S2's title match and on GitHub GraphQL, a reset and an empty page on arXiv, 5% S2 429s
    and 3% GitHub 503s (seeded); with `cuts`, three cut-off bodies in a row on every endpoint a
    cold run asks; `poisoned` ids fail any batch that holds them."""
    extra = tuple(
        Fault("truncated", (api,), (endpoint,), count=3) for api, endpoint in COLD_RUN_ENDPOINTS
    )
    rules = (
        Fault("timeout", ("s2",), ("s2_batch",), count=1, delay_s=slow_s),
        Fault("cut", ("s2",), ("s2_match",), count=1),
        Fault("cut", ("github",), ("github_graphql",), count=1),
        Fault("reset", ("arxiv",), count=1),
        Fault("partial", ("arxiv",), count=1, rate=1.0),
        *(extra if cuts else ()),
        Fault("rate_limit", ("s2",), rate=0.05),
        Fault("server_error", ("github",), rate=0.03, status=503),
    )
    return Faults(rules=rules, seed=3, poisoned=poisoned)


@dataclass
class Stats:
    requests: Counter[str] = field(default_factory=Counter)  # "api METHOD endpoint" -> count
    injected: Counter[str] = field(default_factory=Counter)
    not_modified: int = 0
    pacing_violations: Counter[str] = field(default_factory=Counter)  # per API
    quota_violations: Counter[str] = field(default_factory=Counter)  # per quota ("s2 anonymous")
    # Arrival times (time.monotonic) of the requests of each paced quota.
    request_times: defaultdict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    # (monotonic seconds, api, endpoint, query string) of every request, in arrival order: what
    # ran when, for tests of the order and overlap of the APIs.
    timeline: list[tuple[float, str, str, str]] = field(default_factory=list)
    # Credential header values seen per API, so tests can prove where each token went.
    credentials: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def per_api(self) -> dict[str, int]:
        totals: Counter[str] = Counter()
        for key, count in self.requests.items():
            totals[key.split(" ", 1)[0]] += count
        return dict(totals)


def reset_connection(environ: dict[str, Any], start_response: Any) -> Any:
    """Drop the connection before answering: the client gets no status line at all.

    The shutdown sends a FIN at once (and ends the server's wait for another request on the
    socket); SO_LINGER 0 makes the close that follows a RST. Werkzeug's dev server treats the
    ConnectionError as a dropped client and writes nothing more. Clients see "connection reset"
    or "remote end closed connection without response", depending on timing."""
    connection = environ.get("werkzeug.socket")
    if isinstance(connection, socket.socket):
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        connection.shutdown(socket.SHUT_RDWR)
    raise ConnectionResetError("fault injected: connection reset")


def truncated(answer: Response, body: bytes) -> Any:
    """A WSGI application sending `answer`'s status and headers, a Content-Length for all of
    `body`, and only its first half; the server then closes the connection."""
    headers = [(k, v) for k, v in answer.headers.items() if k.casefold() != "content-length"]
    headers.append(("Content-Length", str(len(body))))

    def application(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response(answer.status, headers)
        return [body[: len(body) // 2]]

    return application


def graphql_failure(kind: str) -> dict[str, Any]:
    """A GraphQL answer that failed as a whole, with HTTP 200 (GH-GQL: heavy or timed-out
    queries)."""
    if kind == "graphql_limits":
        error = {
            "type": "RESOURCE_LIMITS_EXCEEDED",
            "message": "Resource limits for this query exceeded.",
        }
    else:
        error = {"message": GRAPHQL_SOMETHING_WENT_WRONG}
    return {"data": None, "errors": [error]}


class FaultInjection:
    """FakeApi's fault handling: which requests a fault answers, and how each kind answers."""

    stats: Stats
    _lock: threading.Lock

    def set_faults(self, faults: Faults) -> None:
        """Swap the faults in (between runs, say): their seeded draws and rule counts restart."""
        with self._lock:
            self.faults = faults
            # One generator per API: the APIs run side by side, so a shared generator would
            # hand each API different draws from run to run.
            self._rngs: dict[str, random.Random] = {}
            # The rules draw from their own generators (one per API too), so adding a rule
            # never changes which requests the error and malformed rates pick.
            self._rule_rngs: dict[str, random.Random] = {}
            self._fired: Counter[int] = Counter()  # rule index -> injections so far

    def _rule_for(self, api: str, endpoint: str) -> Fault | None:
        with self._lock:
            for index, rule in enumerate(self.faults.rules):
                if not rule.matches(api, endpoint):
                    continue
                if rule.count is not None and self._fired[index] >= rule.count:
                    continue
                if rule.kind != "partial" and rule.rate < 1.0 and self._rule_draw(api) >= rule.rate:
                    continue
                self._fired[index] += 1
                if rule.kind != "partial":  # counted when an item actually went missing
                    self.stats.injected[f"{api} {rule.kind}"] += 1
                return rule
        return None

    def _apply(
        self, rule: Fault, api: str, endpoint: str, request: Request, values: Mapping[str, Any]
    ) -> Any:
        """The WSGI application that answers a request `rule` picked."""
        kind = rule.kind
        if kind == "rate_limit":
            return self._rate_limited(api, rule.retry_after)
        if kind == "server_error":
            if api == "arxiv":
                return Response("Internal Server Error", rule.status, content_type="text/plain")
            return json_response({"message": "Internal Server Error"}, rule.status)
        if kind in GRAPHQL_KINDS:
            return json_response(graphql_failure(kind), 200)
        if kind == "html_502":
            return Response(HTML_502, 502, content_type="text/html")
        if kind == "html_200":
            return Response(HTML_200, 200, content_type="text/html; charset=utf-8")
        if kind == "reset":
            request.get_data()  # read the body, so the server finds no further request in it
            return reset_connection
        if kind == "timeout":
            time.sleep(rule.delay_s)
        answer: Response = getattr(self, endpoint)(request, **values)
        if kind == "partial":
            return self._partial(answer, api, endpoint, rule.rate)
        body = answer.get_data()
        if kind == "cut":
            answer.set_data(body[: len(body) // 2])
        elif kind == "empty":
            answer.set_data(b"")
        elif kind == "truncated":
            return truncated(answer, body)
        return answer

    @staticmethod
    def _rate_limited(api: str, retry_after: str | None) -> Response:
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        if api == "s2":
            headers["x-amzn-ErrorType"] = "TooManyRequestsException"
            return json_response(S2_429_BODY, 429, headers)
        if api == "arxiv":
            return Response("Rate exceeded.", 429, headers, content_type="text/plain")
        message = (
            "You have exceeded a secondary rate limit. Please wait a few minutes before you "
            "try again."
        )
        return json_response({"message": message}, 403, headers)

    def _rule_draw(self, api: str) -> float:
        """The next draw of the API's rule generator (the caller holds the lock)."""
        rng = self._rule_rngs.get(api)
        if rng is None:
            rng = self._rule_rngs[api] = random.Random(f"rules:{self.faults.seed}:{api}")  # noqa: S311
        return rng.random()

    def _drop(self, api: str, rate: float) -> bool:
        with self._lock:
            return self._rule_draw(api) < rate

    def _partial(self, answer: Response, api: str, endpoint: str, rate: float) -> Response:
        """The answer with a `rate` share of its items missing, as each API shows it."""
        if answer.status_code != 200:
            return answer
        dropped = 0
        if endpoint == "s2_batch":
            items = json.loads(answer.get_data())
            for index, item in enumerate(items):
                if item is not None and self._drop(api, rate):
                    items[index] = None  # S2's way of saying "unknown id"
                    dropped += 1
            answer.set_data(json.dumps(items))
        elif endpoint == "github_graphql":
            body = json.loads(answer.get_data())
            data, errors = body.get("data") or {}, list(body.get("errors") or [])
            for alias in [a for a, v in data.items() if re.fullmatch(r"r\d+", a) and v]:
                if self._drop(api, rate):
                    data[alias] = None
                    errors.append(
                        {
                            "path": [alias],
                            "locations": [{"line": 2, "column": 3}],
                            "message": "Something went wrong while executing your query. This "
                            "may be the result of a timeout, or it could be a GitHub bug.",
                        }
                    )
                    dropped += 1
            if errors:
                body["errors"] = errors
            answer.set_data(json.dumps(body))
        else:  # arxiv_query: entries left out, as arXiv leaves out ids it cannot serve
            text = answer.get_data(as_text=True)

            def keep(match: re.Match[str]) -> str:
                nonlocal dropped
                if self._drop(api, rate):
                    dropped += 1
                    return ""
                return match.group(0)

            answer.set_data(re.sub(r"<entry>.*?</entry>", keep, text, flags=re.DOTALL))
        if dropped:
            with self._lock:
                self.stats.injected[f"{api} partial"] += 1
        return answer

    def _poisoned(self, endpoint: str, request: Request) -> Response | None:
        """A batch that names a poisoned id fails as a whole, every time."""
        if not self.faults.poisoned or endpoint not in {"s2_batch", "github_graphql"}:
            return None
        if endpoint == "s2_batch":
            payload = request.get_json(silent=True) or {}
            named = {str(i).casefold() for i in payload.get("ids") or []}
        else:  # owners and names travel as variables o<i>, n<i>
            variables = (request.get_json(silent=True) or {}).get("variables") or {}
            named = {
                f"{owner}/{variables.get('n' + key[1:], '')}".casefold()
                for key, owner in variables.items()
                if key.startswith("o")
            }
        if not named & {item.casefold() for item in self.faults.poisoned}:
            return None
        with self._lock:
            self.stats.injected[f"{endpoint.split('_', 1)[0]} poisoned"] += 1
        if endpoint == "s2_batch":
            return json_response({"message": "Internal Server Error"}, 500)
        return Response(HTML_502, 502, content_type="text/html")

    def _inject(self, api: str) -> Response | None:
        if api in self.faults.down:
            self.stats.injected[f"{api} down"] += 1
            return Response(
                "<html><body>503 Service Unavailable</body></html>", 503, content_type="text/html"
            )
        with self._lock:
            rng = self._rngs.get(api)
            if rng is None:
                rng = self._rngs[api] = random.Random(f"{self.faults.seed}:{api}")  # noqa: S311
            roll = rng.random()
            kind = rng.random()
        if roll < self.faults.error_rate:
            self.stats.injected[f"{api} error"] += 1
            if kind < 0.5:
                if api == "s2":
                    return json_response(
                        S2_429_BODY, 429, {"x-amzn-ErrorType": "TooManyRequestsException"}
                    )
                if api == "arxiv":
                    return Response("Rate exceeded.", 429, content_type="text/plain")
                return json_response(
                    {
                        "message": "You have exceeded a secondary rate limit. Please wait a "
                        "few minutes before you try again."
                    },
                    403,
                    {"Retry-After": "1"},
                )
            return Response(
                "<html><body>502 Bad Gateway</body></html>", 502, content_type="text/html"
            )
        if roll < self.faults.error_rate + self.faults.malformed_rate:
            self.stats.injected[f"{api} malformed"] += 1
            return Response('{"data": [{"paperId": "trunc', 200, content_type="application/json")
        return None
