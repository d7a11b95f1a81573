"""A WSGI app (Werkzeug) speaking the subset of the three APIs the clients use, with their real
shapes and quirks (../shared/reference/api-contracts.md), served from a World.

Mounted under /s2 (Semantic Scholar Graph API), /arxiv (export API) and /github (REST and
GraphQL). GET /_fake/stats returns the request counts per API and endpoint.

Trouble on demand (`Faults`): seeded shares of 429/5xx or malformed answers, latency, whole APIs
down, and `Fault` rules that inject one kind of failure (FAULT_KINDS) into chosen APIs and
endpoints, for every request or the first N of them. Each injection is counted in
`stats.injected` as "<api> <kind>".
"""

from __future__ import annotations

import hashlib
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
from datetime import UTC, date, datetime
from typing import Any, Final
from xml.sax.saxutils import escape

from rapidfuzz import fuzz, process
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from fakeapi.world import FakePaper, FakeRepo, World
from pipeline.listfile.identifiers import normalise_title
from pipeline.listfile.venues import find_venue

S2_429_BODY = {
    "message": "Too Many Requests. Please wait and try again or apply for a key for higher rate "
    "limits. https://www.semanticscholar.org/product/api#api-key-form",
    "code": "429",
}
ARXIV_NS = (
    'xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
    'xmlns:arxiv="http://arxiv.org/schemas/atom"'
)
# The Atom formats arXiv has served: legacy (to Aug 2025), Nov 2025 (links without rel/title
# attributes), 2026 (attributes back). See api-contracts.md 2.3.
ARXIV_FORMATS = ("2025-08", "2025-11", "2026")
GITHUB_LIMIT_WITH_TOKEN = 5000
GITHUB_LIMIT_WITHOUT_TOKEN = 60


APIS: Final = ("s2", "arxiv", "github")
FAULT_KINDS: Final = (
    "rate_limit",  # S2 and arXiv 429, GitHub's secondary-limit 403; Retry-After if `retry_after`
    "server_error",  # 500 with the API's short error body
    "html_502",  # 502 with a proxy's HTML page
    "html_200",  # 200 with an HTML page where JSON or Atom was expected
    "timeout",  # the real answer, but only after `delay_s` (longer than the client waits)
    "reset",  # the connection is dropped before any byte of an answer (FIN, then RST)
    "truncated",  # the real status and a Content-Length for the whole body; half of it is sent
    "cut",  # the real status; the first half of the real body, with a matching Content-Length
    "partial",  # S2 batch: a share of entries null; GitHub GraphQL: a share of aliases null with
    # errors; arXiv: a share of the feed's entries dropped (a `rate` share of the items)
)
# The endpoints that answer with several items, where a "partial" fault applies.
PARTIAL_ENDPOINTS: Final = frozenset({"s2_batch", "github_graphql", "arxiv_query"})
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

    def matches(self, api: str, endpoint: str) -> bool:
        if api not in self.apis or (self.endpoints and endpoint not in self.endpoints):
            return False
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


@dataclass
class Stats:
    requests: Counter[str] = field(default_factory=Counter)  # "api METHOD endpoint" -> count
    injected: Counter[str] = field(default_factory=Counter)
    not_modified: int = 0
    pacing_violations: Counter[str] = field(default_factory=Counter)
    # Credential header values seen per API, so tests can prove where each token went.
    credentials: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def per_api(self) -> dict[str, int]:
        totals: Counter[str] = Counter()
        for key, count in self.requests.items():
            totals[key.split(" ", 1)[0]] += count
        return dict(totals)


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(data), status, headers, content_type="application/json")


def _reset_connection(environ: dict[str, Any], start_response: Any) -> Any:
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


def _truncated(answer: Response, body: bytes) -> Any:
    """A WSGI application sending `answer`'s status and headers, a Content-Length for all of
    `body`, and only its first half; the server then closes the connection."""
    headers = [(k, v) for k, v in answer.headers.items() if k.casefold() != "content-length"]
    headers.append(("Content-Length", str(len(body))))

    def application(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response(answer.status, headers)
        return [body[: len(body) // 2]]

    return application


class FakeApi:
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
        self._papers: dict[str, FakePaper] = {}
        for paper in world.papers:
            if not paper.in_s2:
                continue
            self._papers[paper.paper_id] = paper
            self._papers[f"corpusid:{paper.corpus_id}"] = paper
            for old in paper.merged_ids:
                self._papers[old] = paper
            if paper.arxiv_id:
                self._papers[f"arxiv:{paper.arxiv_id}"] = paper
            if paper.doi:
                self._papers[f"doi:{paper.doi.casefold()}"] = paper
                self._papers[paper.doi.casefold()] = paper  # a bare DOI resolves too
        self._arxiv = {p.arxiv_id: p for p in world.papers if p.in_arxiv and p.arxiv_id}
        # Title indexes: most queries name a title exactly; the fuzzy search runs in C.
        self._s2_unique = list({id(p): p for p in self._papers.values()}.values())
        self._s2_titles = [normalise_title(p.title) for p in self._s2_unique]
        self._s2_by_title: dict[str, list[FakePaper]] = {}
        for paper, title in zip(self._s2_unique, self._s2_titles, strict=True):
            self._s2_by_title.setdefault(title, []).append(paper)
        self._arxiv_titles = {i: normalise_title(p.title) for i, p in self._arxiv.items()}
        self._repos: dict[str, FakeRepo] = {}
        self._repo_ids = {repo.repo_id: repo for repo in world.repos}
        for repo in world.repos:
            self._repos[repo.full_name.casefold()] = repo
        self._moved = {old.casefold(): repo for repo in world.repos for old in repo.old_names}
        self._github_used: Counter[str] = Counter()  # "token" / "anonymous" -> requests
        self._github_reset = int(time.time()) + 3600
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
                for header in ("Authorization", "x-api-key"):
                    if header in request.headers:
                        self.stats.credentials[api].add(request.headers[header])
            if self.faults.latency_s:
                time.sleep(self.faults.latency_s)
            injected = self._inject(api)
            if injected is not None:
                return injected(environ, start_response)
            rule = self._rule_for(api, endpoint)
            if rule is not None:
                return self._apply(rule, api, endpoint, request, values)(environ, start_response)
        response: Response = getattr(self, endpoint)(request, **values)
        return response(environ, start_response)

    def set_faults(self, faults: Faults) -> None:
        """Swap the faults in (between runs, say): their seeded draws and rule counts restart."""
        with self._lock:
            self.faults = faults
            self._rng = random.Random(faults.seed)  # noqa: S311 - deterministic faults
            # The rules draw from their own generator, so adding a rule never changes which
            # requests the error and malformed rates pick.
            self._rule_rng = random.Random(f"rules:{faults.seed}")  # noqa: S311
            self._fired: Counter[int] = Counter()  # rule index -> injections so far

    def _rule_for(self, api: str, endpoint: str) -> Fault | None:
        with self._lock:
            for index, rule in enumerate(self.faults.rules):
                if not rule.matches(api, endpoint):
                    continue
                if rule.count is not None and self._fired[index] >= rule.count:
                    continue
                if (
                    rule.kind != "partial"
                    and rule.rate < 1.0
                    and self._rule_rng.random() >= rule.rate
                ):
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
                return Response("Internal Server Error", 500, content_type="text/plain")
            return _json({"message": "Internal Server Error"}, 500)
        if kind == "html_502":
            return Response(HTML_502, 502, content_type="text/html")
        if kind == "html_200":
            return Response(HTML_200, 200, content_type="text/html; charset=utf-8")
        if kind == "reset":
            request.get_data()  # read the body, so the server finds no further request in it
            return _reset_connection
        if kind == "timeout":
            time.sleep(rule.delay_s)
        answer: Response = getattr(self, endpoint)(request, **values)
        if kind == "partial":
            return self._partial(answer, api, endpoint, rule.rate)
        body = answer.get_data()
        if kind == "cut":
            answer.set_data(body[: len(body) // 2])
        elif kind == "truncated":
            return _truncated(answer, body)
        return answer

    @staticmethod
    def _rate_limited(api: str, retry_after: str | None) -> Response:
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        if api == "s2":
            headers["x-amzn-ErrorType"] = "TooManyRequestsException"
            return _json(S2_429_BODY, 429, headers)
        if api == "arxiv":
            return Response("Rate exceeded.", 429, headers, content_type="text/plain")
        message = (
            "You have exceeded a secondary rate limit. Please wait a few minutes before you "
            "try again."
        )
        return _json({"message": message}, 403, headers)

    def _drop(self, rate: float) -> bool:
        with self._lock:
            return self._rule_rng.random() < rate

    def _partial(self, answer: Response, api: str, endpoint: str, rate: float) -> Response:
        """The answer with a `rate` share of its items missing, as each API shows it."""
        if answer.status_code != 200:
            return answer
        dropped = 0
        if endpoint == "s2_batch":
            items = json.loads(answer.get_data())
            for index, item in enumerate(items):
                if item is not None and self._drop(rate):
                    items[index] = None  # S2's way of saying "unknown id"
                    dropped += 1
            answer.set_data(json.dumps(items))
        elif endpoint == "github_graphql":
            body = json.loads(answer.get_data())
            data, errors = body.get("data") or {}, list(body.get("errors") or [])
            for alias in [a for a, v in data.items() if re.fullmatch(r"r\d+", a) and v]:
                if self._drop(rate):
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
                if self._drop(rate):
                    dropped += 1
                    return ""
                return match.group(0)

            answer.set_data(re.sub(r"<entry>.*?</entry>", keep, text, flags=re.DOTALL))
        if dropped:
            with self._lock:
                self.stats.injected[f"{api} partial"] += 1
        return answer

    def _inject(self, api: str) -> Response | None:
        if api in self.faults.down:
            self.stats.injected[f"{api} down"] += 1
            return Response(
                "<html><body>503 Service Unavailable</body></html>", 503, content_type="text/html"
            )
        with self._lock:
            roll = self._rng.random()
            kind = self._rng.random()
        if roll < self.faults.error_rate:
            self.stats.injected[f"{api} error"] += 1
            if kind < 0.5:
                if api == "s2":
                    return _json(S2_429_BODY, 429, {"x-amzn-ErrorType": "TooManyRequestsException"})
                if api == "arxiv":
                    return Response("Rate exceeded.", 429, content_type="text/plain")
                return _json(
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

    def snapshot(self) -> dict[str, Any]:
        """The request counts, as served at /_fake/stats."""
        return {
            "requests": dict(self.stats.requests),
            "per_api": self.stats.per_api(),
            "injected": dict(self.stats.injected),
            "not_modified": self.stats.not_modified,
            "pacing_violations": dict(self.stats.pacing_violations),
        }

    def fake_stats(self, request: Request) -> Response:
        return _json(self.snapshot())

    # --- Semantic Scholar -----------------------------------------------------------------------
    def _s2_json(self, paper: FakePaper, asked: str | None = None) -> dict[str, Any]:
        external: dict[str, Any] = {"CorpusId": paper.corpus_id}
        if paper.arxiv_id:
            external["ArXiv"] = paper.arxiv_id
        if paper.doi:
            external["DOI"] = paper.doi
        return {
            "paperId": paper.paper_id,
            "corpusId": paper.corpus_id,
            "externalIds": external,
            "url": f"https://www.semanticscholar.org/paper/{paper.paper_id}",
            "title": paper.title,
            "venue": paper.venue or "",
            "publicationVenue": {"name": paper.venue} if paper.venue else None,
            "year": paper.year,
            "citationCount": paper.citations_on(self.today, self.world.epoch_date),
            "influentialCitationCount": paper.citations_on(self.today, self.world.epoch_date) // 10,
            "authors": [{"authorId": author_id, "name": name} for author_id, name in paper.authors],
            "citationStyles": {"bibtex": self._bibtex(paper)},
        }

    @staticmethod
    def _bibtex(paper: FakePaper) -> str:
        key = f"{paper.authors[0][1].split()[-1] if paper.authors else 'Anon'}{paper.year}"
        authors = " and ".join(name for _, name in paper.authors)
        if paper.bibtex_style == "preprint" and paper.arxiv_id:
            return (
                f"@Article{{{key},\n author = {{{authors}}},\n booktitle = {{arXiv.org}},\n"
                f" journal = {{ArXiv}},\n title = {{{paper.title}}},\n"
                f" volume = {{abs/{paper.arxiv_id}}},\n year = {{{(paper.year or 2020) - 1}}}\n}}\n"
            )
        venue = find_venue(paper.venue)
        if paper.bibtex_style == "malformed_type":
            kind, where = "['JournalArticle', 'Conference']", "booktitle"
        elif venue is not None and venue.kind == "journal":
            kind, where = "Article", "journal"
        else:
            kind, where = "Inproceedings", "booktitle"
        return (
            f"@{kind}{{{key},\n author = {{{authors}}},\n {where} = {{{paper.venue}}},\n"
            f" title = {{{paper.title}}},\n year = {{{paper.year}}}\n}}\n"
        )

    def _lookup(self, paper_id: str) -> FakePaper | None:
        key = paper_id.strip()
        prefix, _, rest = key.partition(":")
        if rest and prefix.casefold() in {"arxiv", "doi", "corpusid"}:
            key = f"{prefix.casefold()}:{rest.casefold() if prefix.casefold() == 'doi' else rest}"
        return self._papers.get(key)

    def s2_batch(self, request: Request) -> Response:
        body = request.get_json(silent=True) or {}
        ids = body.get("ids")
        if not isinstance(ids, list) or len(ids) > 500:
            return _json({"error": "ids must be a list of at most 500 ids"}, 400)
        return _json([self._s2_json(p) if (p := self._lookup(str(i))) else None for i in ids])

    def s2_match(self, request: Request) -> Response:
        query = normalise_title(request.args.get("query", ""))
        exact = self._s2_by_title.get(query)
        if exact:
            similarity, best = 1.0, max(exact, key=lambda p: p.match_rank)
        else:
            found = process.extract(
                query, self._s2_titles, scorer=fuzz.ratio, limit=5, score_cutoff=60
            )
            if not found:
                return _json({"error": "Title match not found"}, 404)
            top = max(round(score) for _, score, _ in found)
            candidates = [self._s2_unique[i] for _, score, i in found if round(score) == top]
            similarity, best = top / 100, max(candidates, key=lambda p: p.match_rank)
        return _json({"data": [{**self._s2_json(best), "matchScore": round(similarity * 110, 4)}]})

    def s2_search(self, request: Request) -> Response:
        return _json({"total": 0, "offset": 0})  # real zero-hit answers carry no "data"

    def s2_paper(self, request: Request, paper_id: str) -> Response:
        paper = self._lookup(paper_id)
        if paper is None:
            return _json({"error": f"Paper with id {paper_id} not found"}, 404)
        return _json(self._s2_json(paper))

    def s2_citations(self, request: Request, paper_id: str) -> Response:
        """`{offset, next?, data: [{citingPaper: {...}}]}`, `limit` at most 1,000 (S2 docs)."""
        paper = self._lookup(paper_id)
        if paper is None:
            return _json({"error": f"Paper with id {paper_id} not found"}, 404)
        try:
            offset = int(request.args.get("offset", "0"))
            limit = int(request.args.get("limit", "100"))
        except ValueError:
            return _json({"error": "Unacceptable query params: offset, limit"}, 400)
        if not 0 < limit <= 1000 or offset < 0:
            return _json({"error": f"Unacceptable query params: [limit={limit}]"}, 400)
        if offset + limit >= 10000:
            return _json({"error": "The sum of offset and limit must be < 10000"}, 400)
        total = paper.citations_on(self.today, self.world.epoch_date)
        end = min(total, offset + limit)
        wanted = [f for f in request.args.get("fields", "").split(",") if f]
        data = []
        for index in range(offset, end):
            citing = paper.citing_paper(index, self.world.epoch_date)
            data.append(
                {"citingPaper": {k: v for k, v in citing.items() if k == "paperId" or k in wanted}}
            )
        body: dict[str, Any] = {"offset": offset, "data": data}
        if end < total:
            body["next"] = end
        return _json(body)

    # --- arXiv --------------------------------------------------------------------------------
    def _arxiv_entry(self, paper: FakePaper) -> str:
        published = paper.arxiv_published or f"{paper.year or 2020}-01-01T00:00:00Z"
        authors = "".join(f"<author><name>{escape(n)}</name></author>" for n in paper.arxiv_authors)
        version = f"{paper.arxiv_id}v{paper.arxiv_version}"
        title = escape(paper.title)
        if self.arxiv_format == "2025-08":
            words = title.split()
            title = "\n  ".join(" ".join(words[i : i + 6]) for i in range(0, len(words), 6))
            links = (
                f'<link href="http://arxiv.org/abs/{version}" rel="alternate" type="text/html"/>'
                f'<link title="pdf" href="http://arxiv.org/pdf/{version}" rel="related" '
                'type="application/pdf"/>'
            )
            category = (
                '<arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" '
                f'term="{paper.arxiv_category}" scheme="http://arxiv.org/schemas/atom"/>'
            )
        else:
            attributes = self.arxiv_format == "2026"
            links = (
                f'<link href="https://arxiv.org/abs/{version}"'
                + (' rel="alternate" type="text/html"' if attributes else "")
                + f'/><link href="https://arxiv.org/pdf/{version}"'
                + (' rel="related" type="application/pdf" title="pdf"' if attributes else "")
                + "/>"
            )
            category = f'<arxiv:primary_category term="{paper.arxiv_category}"/>'
        return (
            f"<entry><id>http://arxiv.org/abs/{version}</id><updated>{published}</updated>"
            f"<published>{published}</published><title>{title}</title>"
            f"<summary>SYNTHETIC abstract.</summary>{authors}{links}{category}"
            f'<category term="{paper.arxiv_category}"/></entry>'
        )

    def _feed(self, query: str, papers: list[FakePaper], total: int) -> Response:
        entries = "".join(self._arxiv_entry(p) for p in papers)
        if self.arxiv_format == "2025-08":
            head = (
                '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
                f'<title type="html">ArXiv Query: {escape(query)}</title>'
                '<opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">'
                f"{total}</opensearch:totalResults>"
            )
            return Response(head + entries + "</feed>", 200, content_type="application/atom+xml")
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<feed {ARXIV_NS}>'
            f"<id>https://arxiv.org/api/fake</id><title>arXiv Query: {escape(query)}</title>"
            f"<updated>{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}</updated>"
            f"<opensearch:itemsPerPage>{len(papers)}</opensearch:itemsPerPage>"
            f"<opensearch:totalResults>{total}</opensearch:totalResults>"
            f"<opensearch:startIndex>0</opensearch:startIndex>{entries}</feed>"
        )
        return Response(body, 200, content_type="application/atom+xml; charset=UTF-8")

    def _arxiv_error(self, message: str) -> Response:
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<feed {ARXIV_NS}>'
            "<opensearch:totalResults>1</opensearch:totalResults>"
            f"<entry><id>http://arxiv.org/api/errors#{message.replace(' ', '_')}</id>"
            f"<title>Error</title><summary>{escape(message)}</summary>"
            "<author><name>arXiv api core</name></author></entry></feed>"
        )
        return Response(body, 400, content_type="application/atom+xml")

    def arxiv_query(self, request: Request) -> Response:
        try:
            max_results = int(request.args.get("max_results", "10"))
        except ValueError:
            return self._arxiv_error("max_results must be an integer")
        id_list = [i for i in request.args.get("id_list", "").split(",") if i]
        search = request.args.get("search_query", "")
        if id_list:
            found = []
            for arxiv_id in id_list:
                if not re.fullmatch(
                    r"\d{4}\.\d{4,5}(v\d+)?|[a-z\-]+(\.[A-Z]{2})?/\d{7}(v\d+)?", arxiv_id
                ):
                    return self._arxiv_error(f"incorrect id format for {arxiv_id}")
                paper = self._arxiv.get(re.sub(r"v\d+$", "", arxiv_id))
                if paper is not None:
                    found.append(paper)  # unknown ids are dropped silently
            return self._feed(f"id_list={','.join(id_list)}", found[:max_results], len(found))
        phrase = re.fullmatch(r'ti:"(.*)"', search)
        if phrase is None:
            return self._feed(f"search_query=all:{search}", [], 0)
        words = normalise_title(phrase.group(1))
        hits = [
            self._arxiv[i] for i, title in self._arxiv_titles.items() if words and words in title
        ]
        return self._feed(f"search_query={search}", hits[:max_results], len(hits))

    # --- GitHub -------------------------------------------------------------------------------
    def _github_budget(self, request: Request, resource: str) -> tuple[dict[str, str], bool]:
        """Rate-limit headers; False when the budget is spent."""
        who = "token" if request.headers.get("Authorization") else "anonymous"
        limit = GITHUB_LIMIT_WITH_TOKEN if who == "token" else GITHUB_LIMIT_WITHOUT_TOKEN
        key = f"{who}:{resource}"
        with self._lock:
            used = self._github_used[key]
            allowed = used < limit
            if allowed:
                self._github_used[key] += 1
                used += 1
        headers = {
            "x-ratelimit-limit": str(limit),
            "x-ratelimit-remaining": str(max(0, limit - used)),
            "x-ratelimit-used": str(used),
            "x-ratelimit-reset": str(self._github_reset),
            "x-ratelimit-resource": resource,
        }
        return headers, allowed

    def _github_json(self, request: Request, data: Any, status: int = 200) -> Response:
        """REST answer with an ETag; a matching If-None-Match is a 304 that costs nothing."""
        body = json.dumps(data)
        etag = f'W/"{hashlib.sha1(body.encode()).hexdigest()}"'  # noqa: S324 - an ETag
        if status == 200 and request.headers.get("If-None-Match") == etag:
            self.stats.not_modified += 1
            headers, _ = self._github_budget_peek(request)
            return Response(status=304, headers={"ETag": etag, **headers})
        headers, allowed = self._github_budget(request, "core")
        if not allowed:
            return _json({"message": "API rate limit exceeded for 127.0.0.1."}, 403, headers)
        return Response(
            body,
            status,
            {"ETag": etag, **headers} if status == 200 else headers,
            content_type="application/json",
        )

    def _github_budget_peek(self, request: Request) -> tuple[dict[str, str], bool]:
        who = "token" if request.headers.get("Authorization") else "anonymous"
        limit = GITHUB_LIMIT_WITH_TOKEN if who == "token" else GITHUB_LIMIT_WITHOUT_TOKEN
        used = self._github_used[f"{who}:core"]
        return {"x-ratelimit-remaining": str(max(0, limit - used))}, used < limit

    def _repo_json(self, request: Request, repo: FakeRepo) -> dict[str, Any]:
        return {
            "id": repo.repo_id,
            "name": repo.full_name.split("/", 1)[1],
            "full_name": repo.full_name,
            "url": f"{request.host_url.rstrip('/')}/github/repos/{repo.full_name}",
            "html_url": f"https://github.com/{repo.full_name}",
            "stargazers_count": repo.stars_on(self.today, self.world.epoch_date),
            "watchers_count": repo.stars_on(self.today, self.world.epoch_date),
            "forks_count": repo.forks,
            "archived": repo.archived,
            "pushed_at": repo.pushed_at,
            "default_branch": "main",
        }

    def _repo_answer(self, request: Request, repo: FakeRepo | None) -> Response:
        if repo is None or repo.status == "not_found":
            return self._github_json(
                request,
                {
                    "message": "Not Found",
                    "documentation_url": "https://docs.github.com/rest/repos/repos#get-a-repository",
                    "status": "404",
                },
                404,
            )
        if repo.status == "blocked":
            return self._github_json(
                request,
                {
                    "message": "Repository access blocked",
                    "block": {"reason": "dmca", "created_at": "2024-01-01T00:00:00Z"},
                },
                451,
            )
        return self._github_json(request, self._repo_json(request, repo))

    def github_repo(self, request: Request, owner: str, name: str) -> Response:
        key = f"{owner}/{name}".casefold()
        if key in self._moved:
            repo = self._moved[key]
            url = f"{request.host_url.rstrip('/')}/github/repositories/{repo.repo_id}"
            return _json({"message": "Moved Permanently", "url": url}, 301, {"Location": url})
        return self._repo_answer(request, self._repos.get(key))

    def github_repo_by_id(self, request: Request, repo_id: int) -> Response:
        return self._repo_answer(request, self._repo_ids.get(repo_id))

    def github_commits(self, request: Request, owner: str, name: str) -> Response:
        repo = self._repos.get(f"{owner}/{name}".casefold())
        if repo is None or repo.status in {"not_found", "blocked"}:
            return self._repo_answer(request, repo)
        if repo.status == "empty" or repo.last_commit_at is None:
            return self._github_json(request, {"message": "Git Repository is empty."}, 409)
        commit = {
            "sha": hashlib.sha1(repo.full_name.encode()).hexdigest(),  # noqa: S324
            "commit": {
                "author": {"date": repo.last_commit_at},
                "committer": {"date": repo.last_commit_at},
                "message": "SYNTHETIC",
            },
        }
        return self._github_json(request, [commit])

    def github_rate_limit(self, request: Request) -> Response:
        headers, _ = self._github_budget_peek(request)
        return _json({"resources": {"core": {"remaining": int(headers["x-ratelimit-remaining"])}}})

    def github_graphql(self, request: Request) -> Response:
        if not request.headers.get("Authorization"):
            return _json({"message": "This endpoint requires you to be authenticated."}, 401)
        headers, allowed = self._github_budget(request, "graphql")
        if not allowed:
            return _json(
                {"errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded"}]},
                200,
                headers,
            )
        body = request.get_json(silent=True) or {}
        query, variables = str(body.get("query", "")), body.get("variables") or {}
        data: dict[str, Any] = {
            "rateLimit": {"cost": 1, "remaining": int(headers["x-ratelimit-remaining"])}
        }
        errors = []
        for alias, owner_var, name_var in re.findall(
            r"(\w+): repository\(owner: \$(\w+), name: \$(\w+)\)", query
        ):
            key = f"{variables.get(owner_var)}/{variables.get(name_var)}".casefold()
            repo = self._repos.get(key) or self._moved.get(key)
            if repo is None or repo.status == "not_found":
                data[alias] = None
                errors.append(
                    {
                        "type": "NOT_FOUND",
                        "path": [alias],
                        "message": f"Could not resolve to a Repository with the name '{key}'.",
                    }
                )
            elif repo.status == "blocked":
                data[alias] = None
                errors.append(
                    {"type": "FORBIDDEN", "path": [alias], "message": "Repository access blocked"}
                )
            else:
                branch = (
                    None
                    if repo.status == "empty"
                    else {"name": "main", "target": {"committedDate": repo.last_commit_at}}
                )
                data[alias] = {
                    "nameWithOwner": repo.full_name,
                    "url": f"https://github.com/{repo.full_name}",
                    "stargazerCount": repo.stars_on(self.today, self.world.epoch_date),
                    "forkCount": repo.forks,
                    "isArchived": repo.archived,
                    "pushedAt": repo.pushed_at,
                    "defaultBranchRef": branch,
                }
        answer: dict[str, Any] = {"data": data}
        if errors:
            answer["errors"] = errors
        return _json(answer, 200, headers)
