"""A WSGI app (Werkzeug) speaking the subset of the three APIs the clients use, with their real
shapes and quirks (../shared/reference/api-contracts.md), served from a World.

Mounted under /s2 (Semantic Scholar Graph API), /arxiv (export API) and /github (REST and
GraphQL). GET /_fake/stats returns the request counts per API and endpoint.

Trouble on demand (`Faults`): seeded shares of 429/5xx or malformed answers, latency, whole APIs
down, and `Fault` rules that inject one kind of failure (FAULT_KINDS) into chosen APIs and
endpoints, for every request or the first N of them. Each injection is counted in
`stats.injected` as "<api> <kind>".

The simulated clock: counts grow with the date the fake serves. It is `today` (the world's
epoch unless given), moved by `set_clock` (the demo sets it to each night's snapshot date) or
`POST /_fake/clock {"date": "YYYY-MM-DD"}` (or `{"now": ISO timestamp}`); a request carrying
`X-Fake-Date: YYYY-MM-DD` is answered as of that date. GitHub's hourly budget is per simulated
hour: it resets when the clock moves to another hour.

FakeApi routes requests and counts them; the handlers live in s2_routes, arxiv_routes and
github_routes, and the trouble (Faults, Fault, Stats and their injection) in faults.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import threading
import time
from datetime import UTC, date, datetime
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from fakeapi.arxiv_routes import ARXIV_FORMATS, ArxivRoutes
from fakeapi.faults import FaultInjection, Faults, Stats
from fakeapi.github_routes import GitHubRoutes
from fakeapi.responses import json_response
from fakeapi.s2_routes import S2Routes
from fakeapi.world import World

FAKE_DATE_HEADER = "X-Fake-Date"


# The WSGI environ's key for when a request reached this machine (time.monotonic's clock), as
# fakeapi.server's request handler reads it from the kernel; absent, the time it is handled.
ARRIVED = "fakeapi.arrived"


def _close_pairs_added(times: list[float], now: float, interval: float) -> int:
    """Insert `now` into the sorted arrival `times` of a quota; return by how much that raised
    the number of neighbouring arrivals closer than 95% of `interval` (arrivals are handled
    in any order, so `now` may fall between two earlier ones)."""
    limit = 0.95 * interval
    at = bisect.bisect_right(times, now)
    before = times[at - 1] if at > 0 else None
    after = times[at] if at < len(times) else None
    times.insert(at, now)
    added = int(before is not None and now - before < limit)
    added += int(after is not None and after - now < limit)
    if before is not None and after is not None and after - before < limit:
        added -= 1  # that pair is now two pairs, each counted above
    return added


def _extreme(timeline: list[tuple[float, str, str, str]], pick: Any) -> dict[str, float]:
    """Per API, the earliest (`pick`=min) or latest (max) arrival of the timeline."""
    found: dict[str, float] = {}
    for when, api, *_ in timeline:
        found[api] = pick(found[api], when) if api in found else when
    return found


def quota_of(api: str, request: Request) -> str:
    """ "<api> <fingerprint>" for a request with a credential (the first 12 hex digits of its
    SHA-256, as pipeline.sources.config.Secret.fingerprint), else "<api> anonymous"."""
    credential = request.headers.get("x-api-key") or request.headers.get("Authorization", "")
    credential = credential.removeprefix("Bearer ").removeprefix("token ").strip()
    if not credential:
        return f"{api} anonymous"
    return f"{api} {hashlib.sha256(credential.encode('utf-8')).hexdigest()[:12]}"


class FakeApi(FaultInjection, S2Routes, ArxivRoutes, GitHubRoutes):
    def __init__(
        self,
        world: World,
        *,
        today: date | None = None,
        faults: Faults | None = None,
        arxiv_format: str = "2026",
        pacing: dict[str, float] | None = None,
    ) -> None:
        if arxiv_format not in ARXIV_FORMATS:
            raise ValueError(f"arxiv_format must be one of {ARXIV_FORMATS}")
        self.arxiv_format = arxiv_format
        # Minimum seconds between two requests of one quota (quota_of: the API and the
        # credential, as the real APIs count): closer ones are counted as violations. Keys are
        # an API ("s2") or a quota ("s2 anonymous", "s2 <fingerprint>"), the quota's winning.
        self.pacing = pacing or {}
        self.world = world
        self.stats = Stats()
        self._lock = threading.Lock()
        self._request_day = threading.local()  # a request's X-Fake-Date, while it is answered
        self._now = datetime.combine(today or world.epoch_date, datetime.min.time(), UTC)
        self.set_faults(faults or Faults())
        self._index_s2(world)
        self._index_arxiv(world)
        self._index_github(world)
        self.urls = Map(
            [
                Rule("/s2/graph/v1/paper/batch", endpoint="s2_batch", methods=["POST"]),
                Rule("/s2/graph/v1/paper/search/match", endpoint="s2_match", methods=["GET"]),
                Rule("/s2/graph/v1/paper/search", endpoint="s2_search", methods=["GET"]),
                Rule(
                    "/s2/graph/v1/paper/<path:paper_id>/citations",
                    endpoint="s2_citations",
                    methods=["GET"],
                ),
                Rule("/s2/graph/v1/paper/<path:paper_id>", endpoint="s2_paper", methods=["GET"]),
                Rule("/arxiv/api/query", endpoint="arxiv_query", methods=["GET"]),
                Rule("/github/graphql", endpoint="github_graphql", methods=["POST"]),
                Rule("/github/rate_limit", endpoint="github_rate_limit", methods=["GET"]),
                Rule("/github/repos/<owner>/<name>", endpoint="github_repo", methods=["GET"]),
                Rule(
                    "/github/repos/<owner>/<name>/commits",
                    endpoint="github_commits",
                    methods=["GET"],
                ),
                Rule(
                    "/github/repos/<owner>/<name>/stargazers/history",
                    endpoint="github_star_history",
                    methods=["GET"],
                ),
                Rule(
                    "/github/repositories/<int:repo_id>/stargazers/history",
                    endpoint="github_star_history_by_id",
                    methods=["GET"],
                ),
                Rule(  # what publish uses (github_git.py): git data, contents, pulls, releases
                    "/github/repos/<owner>/<name>/<path:rest>",
                    endpoint="github_git",
                    methods=["GET", "POST", "PATCH"],
                ),
                Rule(
                    "/github/repositories/<int:repo_id>",
                    endpoint="github_repo_by_id",
                    methods=["GET"],
                ),
                Rule("/_fake/stats", endpoint="fake_stats", methods=["GET"]),
                Rule("/_fake/clock", endpoint="fake_clock", methods=["GET", "POST"]),
            ]
        )

    # --- the simulated clock ---------------------------------------------------------------
    @property
    def today(self) -> date:
        """The date this request is answered as of: its X-Fake-Date, else the clock's."""
        day: date | None = getattr(self._request_day, "day", None)
        return day or self._now.date()

    @today.setter
    def today(self, day: date) -> None:
        self.set_clock(datetime.combine(day, datetime.min.time(), UTC))

    @property
    def now(self) -> datetime:
        return self._now

    def set_clock(self, now: datetime) -> None:
        """Move the simulated clock; another hour starts GitHub's hourly budget afresh."""
        now = now if now.tzinfo else now.replace(tzinfo=UTC)
        with self._lock:
            if now.replace(minute=0, second=0, microsecond=0) != self._now.replace(
                minute=0, second=0, microsecond=0
            ):
                self._github_used.clear()
            self._now = now

    def fake_clock(self, request: Request) -> Response:
        """GET: the clock; POST {"date": "YYYY-MM-DD"} or {"now": ISO timestamp}: move it."""
        if request.method == "POST":
            try:
                body = json.loads(request.get_data(as_text=True) or "{}")
                if "now" in body:
                    self.set_clock(datetime.fromisoformat(str(body["now"]).replace("Z", "+00:00")))
                else:
                    self.today = date.fromisoformat(str(body["date"]))
            except (ValueError, KeyError, TypeError, AttributeError) as error:
                return json_response(
                    {"error": f'expected {{"date": "YYYY-MM-DD"}} or {{"now": ...}}: {error}'}, 400
                )
        return json_response({"date": self.today.isoformat(), "now": self._now.isoformat()})

    @staticmethod
    def _day_asked(request: Request) -> date | None:
        raw = request.headers.get(FAKE_DATE_HEADER, "").strip()
        try:
            return date.fromisoformat(raw) if raw else None
        except ValueError:
            return None

    # --- WSGI -------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        self._request_day.day = self._day_asked(request)
        try:
            return self._answer(request, environ, start_response)
        finally:
            self._request_day.day = None

    def _answer(self, request: Request, environ: dict[str, Any], start_response: Any) -> Any:
        try:
            endpoint, values = self.urls.bind_to_environ(environ).match()
        except HTTPException as error:
            return error(environ, start_response)
        api = endpoint.split("_", 1)[0]
        if api != "fake":
            # When the request reached this machine (the kernel's stamp, fakeapi.server), not
            # when this thread got to it: a thread of this process answering a large page holds
            # the interpreter for tens of milliseconds, and two requests sent an interval apart
            # were seen 5 ms apart (issue 26's violations across two machines).
            arrived = environ.get(ARRIVED)
            with self._lock:
                self.stats.requests[f"{api} {request.method} {endpoint}"] += 1
                now = arrived if arrived is not None else time.monotonic()
                quota = quota_of(api, request)
                interval = self.pacing.get(quota, self.pacing.get(api))
                if interval is not None:
                    close = _close_pairs_added(self.stats.request_times[quota], now, interval)
                    if close:
                        self.stats.pacing_violations[api] += close
                        self.stats.quota_violations[quota] += close
                self.stats.timeline.append(
                    (now, api, endpoint, request.query_string.decode("latin-1"))
                )
                for header in ("Authorization", "x-api-key"):
                    if header in request.headers:
                        self.stats.credentials[api].add(request.headers[header])
            if self.faults.latency_s:
                time.sleep(self.faults.latency_s)
            injected = self._inject(api) or self._poisoned(endpoint, request)
            if injected is not None:
                return injected(environ, start_response)
            rule = self._rule_for(api, endpoint)
            if rule is not None:
                return self._apply(rule, api, endpoint, request, values)(environ, start_response)
        response: Response = getattr(self, endpoint)(request, **values)
        return response(environ, start_response)

    def snapshot(self) -> dict[str, Any]:
        """The request counts, as served at /_fake/stats."""
        return {
            "requests": dict(self.stats.requests),
            "per_api": self.stats.per_api(),
            "injected": dict(self.stats.injected),
            "not_modified": self.stats.not_modified,
            "pacing_violations": dict(self.stats.pacing_violations),
            "quota_violations": dict(self.stats.quota_violations),
            "clock": self._now.isoformat(),
            # Per API, the monotonic times (seconds, the system-wide clock) of its first and last
            # request: what ran when, seen from outside the pipeline's process.
            "first_request": _extreme(self.stats.timeline, min),
            "last_request": _extreme(self.stats.timeline, max),
        }

    def fake_stats(self, request: Request) -> Response:
        """The snapshot; with `?times=1` also each paced quota's request times (monotonic) and
        the timeline of every request (arrival, API, endpoint)."""
        snapshot = self.snapshot()
        if request.args.get("times"):
            with self._lock:
                snapshot["request_times"] = {
                    quota: list(times) for quota, times in self.stats.request_times.items()
                }
                # Every request's arrival, API and endpoint, in arrival order.
                snapshot["timeline"] = [list(row[:3]) for row in sorted(self.stats.timeline)]
        return json_response(snapshot)
