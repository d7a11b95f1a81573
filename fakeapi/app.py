"""A WSGI app (Werkzeug) speaking the subset of the three APIs the clients use, with their real
shapes and quirks (../shared/reference/api-contracts.md), served from a World.

Mounted under /s2 (Semantic Scholar Graph API), /arxiv (export API) and /github (REST and
GraphQL). GET /_fake/stats returns the request counts per API and endpoint.

Trouble on demand (`Faults`): seeded shares of 429/5xx or malformed answers, latency, whole APIs
down, and `Fault` rules that inject one kind of failure (FAULT_KINDS) into chosen APIs and
endpoints, for every request or the first N of them. Each injection is counted in
`stats.injected` as "<api> <kind>".

FakeApi routes requests and counts them; the handlers live in s2_routes, arxiv_routes and
github_routes, and the trouble (Faults, Fault, Stats and their injection) in faults.
"""

from __future__ import annotations

import threading
import time
from datetime import date
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
        # Minimum seconds between two requests to an API; closer ones are counted as violations.
        self.pacing = pacing or {}
        self._last_request: dict[str, float] = {}
        self.world = world
        self.today = today or world.epoch_date
        self.stats = Stats()
        self._lock = threading.Lock()
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
                    "/github/repositories/<int:repo_id>",
                    endpoint="github_repo_by_id",
                    methods=["GET"],
                ),
                Rule("/_fake/stats", endpoint="fake_stats", methods=["GET"]),
            ]
        )

    # --- WSGI -------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        try:
            endpoint, values = self.urls.bind_to_environ(environ).match()
        except HTTPException as error:
            return error(environ, start_response)
        api = endpoint.split("_", 1)[0]
        if api != "fake":
            with self._lock:
                self.stats.requests[f"{api} {request.method} {endpoint}"] += 1
                now = time.monotonic()
                interval = self.pacing.get(api)
                last = self._last_request.get(api)
                if interval is not None and last is not None and now - last < 0.95 * interval:
                    self.stats.pacing_violations[api] += 1
                self._last_request[api] = now
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
            # Per API, the monotonic times (seconds, the system-wide clock) of its first and last
            # request: what ran when, seen from outside the pipeline's process.
            "first_request": {api: t for t, api, *_ in reversed(self.stats.timeline)},
            "last_request": {api: t for t, api, *_ in self.stats.timeline},
        }

    def fake_stats(self, request: Request) -> Response:
        return json_response(self.snapshot())
