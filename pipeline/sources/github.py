"""GitHub client: repository metadata by GraphQL batches (with a token) and REST (without one,
and for the repositories a batch could not resolve). Typed records out.

Every repository ends in one status: ok, renamed, not_found, blocked, empty or error. A rate
limit is never read as not_found. Once a rate limit outlasts the retry policy, or GitHub does
not answer at all, the client stops calling it for the rest of the run and marks the remaining
repositories as errors (`stopped` says why).

Written on the shared HTTP layer rather than PyGithub: PyGithub's transport can only be replaced
process-wide (a test hook), so our cache (ETag revalidation, where a 304 costs no quota), single
retry policy and credential pinning would not apply to it, and it has no GraphQL batching.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from functools import partial
from typing import Any
from urllib.parse import quote

from pipeline.core.batching import chunked, unique
from pipeline.core.errors import (
    ApiError,
    QueryFailed,
    TransportError,
    is_outage,
    is_server_error,
)
from pipeline.sources.batches import split_failing_batch
from pipeline.sources.config import Secret, Settings
from pipeline.sources.gates import ApiGate
from pipeline.sources.github_stars import StarOutcome
from pipeline.sources.http import (
    GITHUB_GRAPHQL_CACHE_TTL,
    GITHUB_MIN_INTERVAL_S,
    GITHUB_REST_CACHE_TTL,
    HALF_FUSE,
    SPLIT_FUSE,
    ApiProfile,
    Clock,
    HttpClient,
    RetryPolicy,
    decode_json,
)

# Aliased `repository` lookups per GraphQL request (connections take at most 100 nodes; GH-GQL).
GITHUB_GRAPHQL_BATCH = 100
ANONYMOUS_HOURLY = 60  # GitHub REST without a token (GitHub docs: rate limits for the REST API)
GITHUB_RETRY = RetryPolicy(
    max_attempts=5, max_total_wait_s=120.0, backoff_initial_s=2.0, backoff_max_s=60.0
)
# The wait for an answer, per attempt (docs/RELIABILITY.md, "Slow answers"). GitHub ends a
# query itself after 10 s (a 502, GH-GQL); a batch of 100 repositories may take 20 s.
GITHUB_REST_READ_TIMEOUT_S = 10.0
GITHUB_CONNECT_TIMEOUT_S = 5.0
# GraphQL errors (HTTP 200, no data) that say the query as a whole was too much: asked again in
# halves at once. Other query-level errors ("something went wrong", a timeout) are retried.
TOO_MUCH = frozenset({"RESOURCE_LIMITS_EXCEEDED", "MAX_NODE_LIMIT_EXCEEDED"})
REST_HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}

_REPO_FIELDS = """
fragment RepoFields on Repository {
  nameWithOwner url stargazerCount forkCount isArchived pushedAt
  defaultBranchRef { name target { ... on Commit { committedDate } } }
}"""


class RepoStatus(StrEnum):
    OK = "ok"
    RENAMED = "renamed"  # answered under another owner/name (301 followed, or GraphQL alias)
    NOT_FOUND = "not_found"  # 404: deleted, made private, or never existed
    BLOCKED = "blocked"  # 451, or 403 with a block object (DMCA, terms of service)
    EMPTY = "empty"  # exists, but has no commits (409 on commits)
    ERROR = "error"  # could not be determined this run; see `reason`


@dataclass(frozen=True)
class RepoInfo:
    requested: str  # owner/name as asked
    status: RepoStatus
    full_name: str | None = None  # owner/name as GitHub knows it now
    html_url: str | None = None
    stars: int | None = None
    forks: int | None = None
    archived: bool | None = None
    pushed_at: datetime | None = None  # last push to any branch
    last_commit_at: datetime | None = None  # last commit on the default branch
    default_branch: str | None = None
    reason: str | None = None  # why blocked or error
    source: str | None = None  # "graphql" or "rest"
    # What its star history answered this run (pipeline.job.stars), when it was considered.
    star_history: StarOutcome | None = None


def _timestamp(value: Any) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"expected an ISO 8601 timestamp, got {value!r}")
    return datetime.fromisoformat(value)


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an integer, got {value!r}")
    return value


def _status_for(requested: str, full_name: str) -> RepoStatus:
    return RepoStatus.OK if full_name.casefold() == requested.casefold() else RepoStatus.RENAMED


def parse_graphql_repo(requested: str, data: Any) -> RepoInfo:
    """One aliased `repository` object (fields of RepoFields)."""
    if not isinstance(data, dict):
        raise TypeError(f"expected a repository object, got {data!r}")
    name = data["nameWithOwner"]
    if not isinstance(name, str):
        raise TypeError(f"nameWithOwner is {name!r}")
    branch = data.get("defaultBranchRef")
    target = branch.get("target") if isinstance(branch, dict) else None
    committed = target.get("committedDate") if isinstance(target, dict) else None
    status = _status_for(requested, name)
    if branch is None:
        status = RepoStatus.EMPTY
    return RepoInfo(
        requested=requested,
        status=status,
        full_name=name,
        html_url=data.get("url"),
        stars=_int(data["stargazerCount"]),
        forks=_int(data.get("forkCount", 0)),
        archived=bool(data["isArchived"]),
        pushed_at=_timestamp(data.get("pushedAt")),
        last_commit_at=_timestamp(committed),
        default_branch=branch.get("name") if isinstance(branch, dict) else None,
        source="graphql",
    )


def parse_rest_repo(requested: str, data: Any) -> RepoInfo:
    """GET /repos/{owner}/{repo} (after redirects)."""
    if not isinstance(data, dict):
        raise TypeError(f"expected a repository object, got {type(data).__name__}")
    name = data["full_name"]
    if not isinstance(name, str):
        raise TypeError(f"full_name is {name!r}")
    return RepoInfo(
        requested=requested,
        status=_status_for(requested, name),
        full_name=name,
        html_url=data.get("html_url"),
        # watchers_count is the legacy name of the star count (still equal to it).
        stars=_int(
            data["stargazers_count"] if "stargazers_count" in data else data["watchers_count"]
        ),
        forks=_int(data.get("forks_count", 0)),
        archived=bool(data.get("archived", False)),
        pushed_at=_timestamp(data.get("pushed_at")),
        default_branch=data.get("default_branch"),
        source="rest",
    )


def parse_last_commit(data: Any) -> datetime | None:
    """GET /repos/{o}/{r}/commits?per_page=1: the committer date of the newest commit."""
    if not isinstance(data, list):
        raise TypeError(f"expected a list of commits, got {type(data).__name__}")
    if not data:
        return None
    commit = data[0]["commit"]
    return _timestamp(commit["committer"]["date"])


def graphql_query(names: Sequence[str]) -> tuple[str, dict[str, str]]:
    """A query with one aliased `repository` per name; owners and names travel as variables."""
    declarations, selections, variables = [], [], {}
    for index, name in enumerate(names):
        owner, repo = name.split("/", 1)
        variables[f"o{index}"], variables[f"n{index}"] = owner, repo
        declarations.append(f"$o{index}: String!, $n{index}: String!")
        selections.append(
            f"  r{index}: repository(owner: $o{index}, name: $n{index}) {{ ...RepoFields }}"
        )
    query = (
        f"query Repos({', '.join(declarations)}) {{\n"
        + "\n".join(selections)
        + "\n  rateLimit { cost remaining resetAt }\n}"
        + _REPO_FIELDS
    )
    return query, variables


@dataclass(frozen=True)
class GraphqlAnswer:
    repos: dict[int, Any]  # alias index -> repository object (None when unresolved)
    errors: tuple[dict[str, Any], ...]


def parse_graphql(data: Any) -> GraphqlAnswer:
    if not isinstance(data, dict):
        raise TypeError("expected a JSON object")
    errors = data.get("errors") or []
    if not isinstance(errors, list):
        raise TypeError(f"errors is {errors!r}")
    payload = data.get("data") or {}
    if not isinstance(payload, dict):
        raise TypeError(f"data is {payload!r}")
    repos = {
        int(alias[1:]): value
        for alias, value in payload.items()
        if alias.startswith("r") and alias[1:].isdigit()
    }
    return GraphqlAnswer(repos, tuple(error for error in errors if isinstance(error, dict)))


def graphql_read_timeout(repos: int) -> float:
    """The wait for a GraphQL answer on `repos` repositories: 10 s, and 0.1 s more each."""
    return GITHUB_REST_READ_TIMEOUT_S + 0.1 * repos


def _query_errors(body: Any) -> list[dict[str, Any]]:
    """The errors of an answer that failed as a whole: `errors` without a path, and no data."""
    if not isinstance(body, dict) or body.get("data") or not isinstance(body.get("errors"), list):
        return []
    return [e for e in body["errors"] if isinstance(e, dict) and not e.get("path")]


def _error_type(error: dict[str, Any]) -> str:
    return str(error.get("type", "")).upper()


def decode_graphql(content: bytes) -> Any:
    """A GraphQL answer; ValueError (retried like a 5xx) when it does not decode, or when the
    query failed as a whole for a passing reason ("something went wrong", a timeout). A rate
    limit and "too much" (TOO_MUCH: asked again in halves) are returned to the client."""
    body = decode_json(content)
    failed = _query_errors(body)
    passing = [e for e in failed if _error_type(e) not in TOO_MUCH | {"RATE_LIMITED"}]
    if passing:
        raise ValueError(f"GraphQL errors: {str(passing[0].get('message', ''))[:120]}")
    return body


def _block_reason(body: Any) -> str | None:
    if isinstance(body, dict) and isinstance(body.get("block"), dict):
        return str(body["block"].get("reason") or "blocked")
    return None


def github_profile(settings: Settings) -> ApiProfile:
    """GitHub's profile on the HTTP layer: pacing, retry policy, the token (sent only to
    GITHUB_API_URL). Shared by the stars client and publish (github_publish.py)."""
    token = settings.github_token
    return ApiProfile(
        name="github",
        base_url=settings.github_api_url,
        min_interval_s=GITHUB_MIN_INTERVAL_S,
        cache_ttl=GITHUB_REST_CACHE_TTL,
        retry=GITHUB_RETRY,
        credentials={"Authorization": Secret(f"Bearer {token.reveal()}")} if token else {},
        headers=REST_HEADERS,
        max_connections=1,  # GitHub asks for serial requests
        connect_timeout_s=GITHUB_CONNECT_TIMEOUT_S,
    )


class GitHubClient:
    def __init__(self, http: HttpClient, base_url: str, *, has_token: bool) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.has_token = has_token
        # Set once GitHub cannot be used for the rest of the run: a rate limit that outlasts
        # the retry policy, or a host that does not answer. Later repositories are not asked.
        self.stopped: ApiError | None = None  # an outage: the rest of the run does not ask
        # Repositories a GraphQL batch kept failing on alone (split out), asked over REST.
        self.isolated: dict[str, str] = {}

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        clock: Clock | None = None,
        limiter: Callable[[str], None] | None = None,
        gate: ApiGate | None = None,
    ) -> GitHubClient:
        http = HttpClient.for_settings(github_profile(settings), settings, clock, limiter, gate)
        return cls(http, settings.github_api_url, has_token=settings.github_token is not None)

    def remaining_requests(self) -> int | None:
        """What is left of this hour's REST quota: GET /rate_limit, which does not count
        against it (GitHub docs); None when GitHub does not say."""
        url = f"{self.base_url}/rate_limit"
        try:
            _, data = self.http.request_json(
                "GET", url, lambda body: body["resources"]["core"], cache_ttl=timedelta(0)
            )
        except ApiError as error:
            if isinstance(error, TransportError):
                self.stopped = error  # GitHub cannot be reached: the repositories are not asked
            return None
        if data is None or not isinstance(data.get("remaining"), int):
            return None
        return int(data["remaining"])

    def get_repos(
        self, names: Sequence[str], known_gone: Mapping[str, RepoStatus] | None = None
    ) -> dict[str, RepoInfo]:
        """Metadata for each `owner/name`, keyed by the name as given.

        `known_gone` holds last run's not_found/blocked statuses (keys folded to lower case): when
        GraphQL still cannot resolve such a repository, REST is not asked again to tell which.
        """
        wanted = unique(list(names))
        results: dict[str, RepoInfo] = {}
        if self.has_token:
            for chunk in chunked(wanted, GITHUB_GRAPHQL_BATCH):
                if self.stopped is None:
                    results.update(self._graphql(chunk, known_gone or {}, answered=bool(results)))
        for name in wanted:
            if name not in results:
                results[name] = self.get_repo_rest(name)
        return {name: results[name] for name in wanted}

    def _graphql(
        self, names: list[str], known_gone: Mapping[str, RepoStatus], *, answered: bool
    ) -> dict[str, RepoInfo]:
        """The repositories one GraphQL batch resolved; the others are left for REST.

        A batch that keeps answering 5xx is split in halves, so one repository GraphQL chokes
        on is left to REST alone while the others resolve; GitHub counts as out only when
        nothing answered and both halves fail too."""
        try:
            try:
                fuse = SPLIT_FUSE if len(names) > 1 else None  # then split, as S2's batches
                return self._graphql_batch(names, known_gone, max_server_errors=fuse)
            except ApiError as error:
                if not is_server_error(error) or len(names) == 1:
                    raise
                return self._graphql_isolate(names, known_gone, error, answered=answered)
        except ApiError as error:
            if is_outage(error):
                self.stopped = error
            return {}  # REST will try each repository (unless GitHub is out)

    def _graphql_isolate(
        self,
        names: list[str],
        known_gone: Mapping[str, RepoStatus],
        error: ApiError,
        *,
        answered: bool,
    ) -> dict[str, RepoInfo]:
        """The names of a GraphQL batch that failed with 5xx, asked in halves until the failing
        ones are alone; those are left to REST (`isolated`), the others resolve."""
        parts = split_failing_batch(
            names,
            partial(self._graphql_batch, known_gone=known_gone, max_server_errors=HALF_FUSE),
            error,
            answered=answered,
        )
        resolved: dict[str, RepoInfo] = {}
        for part, answer in parts:
            if answer is None:
                self.isolated[part[0]] = str(error)  # REST asks this one alone
            else:
                resolved.update(answer)
        return resolved

    def _graphql_batch(
        self,
        names: list[str],
        known_gone: Mapping[str, RepoStatus],
        max_server_errors: int | None = None,
    ) -> dict[str, RepoInfo]:
        """The repositories one GraphQL request resolved; raises ApiError when it failed."""
        query, variables = graphql_query(names)
        url = f"{self.base_url}/graphql"
        response, answer = self.http.request_json(
            "POST",
            url,
            parse_graphql,
            decode=decode_graphql,
            json_body={"query": query, "variables": variables},
            cache_ttl=GITHUB_GRAPHQL_CACHE_TTL,
            max_server_errors=max_server_errors,
            read_timeout_s=graphql_read_timeout(len(names)),
        )
        if answer is None:
            return {}
        too_much = [e for e in answer.errors if not e.get("path") and _error_type(e) in TOO_MUCH]
        if too_much and not answer.repos:
            self.http.forget(response)  # asked again in halves (QueryFailed splits the batch)
            message = str(too_much[0].get("message", ""))[:120]
            raise QueryFailed(
                "github", url, f"GraphQL query failed: {message}", response.status_code
            )
        if any(str(e.get("type", "")).upper() == "RATE_LIMITED" for e in answer.errors):
            # GraphQL reports an exhausted quota with HTTP 200; REST has its own budget.
            self.http.forget(response)
            return {}
        resolved: dict[str, RepoInfo] = {}
        unresolved = {
            str(error["path"][0])
            for error in answer.errors
            if isinstance(error.get("path"), list) and error["path"]
        }
        for index, name in enumerate(names):
            data = answer.repos.get(index)
            if data is not None:
                try:
                    resolved[name] = parse_graphql_repo(name, data)
                except (KeyError, TypeError, ValueError):
                    continue  # REST will try it
            elif f"r{index}" in unresolved and name.casefold() in known_gone:
                resolved[name] = RepoInfo(
                    name, known_gone[name.casefold()], source="graphql", reason="as last run"
                )
        return resolved

    def get_repo_rest(self, name: str) -> RepoInfo:
        """GET /repos/{owner}/{repo}, then its newest commit on the default branch."""
        if self.stopped is not None:
            return RepoInfo(name, RepoStatus.ERROR, reason=f"not asked: {self.stopped.message}")
        url = f"{self.base_url}/repos/{quote(name, safe='/')}"
        try:
            response, info = self.http.request_json(
                "GET",
                url,
                lambda data: parse_rest_repo(name, data),
                read_timeout_s=GITHUB_REST_READ_TIMEOUT_S,
            )
        except ApiError as error:
            if is_outage(error):
                self.stopped = error
                return RepoInfo(name, RepoStatus.ERROR, reason=error.message)
            return RepoInfo(name, RepoStatus.ERROR, reason=str(error))
        if info is None:
            return self._failed_repo(name, response.status_code, response)
        return self._with_last_commit(info, info.full_name or name)

    def _with_last_commit(self, info: RepoInfo, full_name: str) -> RepoInfo:
        url = f"{self.base_url}/repos/{quote(full_name, safe='/')}/commits"
        try:
            response, last = self.http.request_json(
                "GET",
                url,
                parse_last_commit,
                params={"per_page": 1},
                read_timeout_s=GITHUB_REST_READ_TIMEOUT_S,
            )
        except ApiError as error:
            if is_outage(error):
                self.stopped = error
                return replace(info, reason=f"last commit not asked: {error.message}")
            return replace(info, reason=f"last commit unavailable: {error}")
        if response.status_code == 409 or (response.status_code == 200 and last is None):
            return replace(info, status=RepoStatus.EMPTY)
        if response.status_code != 200:
            return replace(info, reason=f"last commit unavailable (HTTP {response.status_code})")
        return replace(info, last_commit_at=last)

    @staticmethod
    def _failed_repo(name: str, status: int, response: Any) -> RepoInfo:
        try:
            body = response.json()
        except ValueError:
            body = None
        if status == 404:
            return RepoInfo(name, RepoStatus.NOT_FOUND, source="rest")
        if status == 451 or (status == 403 and _block_reason(body)):
            return RepoInfo(
                name,
                RepoStatus.BLOCKED,
                reason=_block_reason(body) or "unavailable for legal reasons",
                source="rest",
            )
        hint = " (check GITHUB_TOKEN)" if status == 401 else ""
        return RepoInfo(name, RepoStatus.ERROR, reason=f"HTTP {status}{hint}", source="rest")
