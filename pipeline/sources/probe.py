"""One quick question to each API, for `awesome-enrich doctor`: is it reachable, is the token
accepted, how much quota is left. One attempt each, a short timeout, no cache, through the
same HTTP layer (so a token goes only to its own host and never into a message).

GitHub's `/rate_limit` is free (it does not count against the quota, GitHub docs); Semantic
Scholar and arXiv have no free endpoint, so each costs one request: one paper by its arXiv id.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

from pipeline.core.errors import ApiError, TransportError
from pipeline.sources.arxiv import ArxivClient
from pipeline.sources.config import Settings
from pipeline.sources.github import GitHubClient
from pipeline.sources.http import HttpClient, RetryPolicy
from pipeline.sources.semantic_scholar import SemanticScholarClient

PROBE_TIMEOUT_S = 5.0
SINGLE_ATTEMPT = RetryPolicy(max_attempts=1, max_total_wait_s=0.0, max_transport_wait_s=0.0)
KNOWN_PAPER = "1706.03762"  # any paper both S2 and arXiv hold

Status = Literal["ok", "warn", "fail"]


@dataclass(frozen=True)
class Check:
    """One line of the doctor's table. `fail` blocks a run; `warn` says what it will cost."""

    name: str
    status: Status
    detail: str


@dataclass(frozen=True)
class GitHubQuota:
    remaining: int | None  # REST requests left this hour
    graphql_remaining: int | None
    has_token: bool


def _probe_settings(settings: Settings) -> Settings:
    return replace(settings, cache_dir=None, read_timeout_s=PROBE_TIMEOUT_S, call_budget=None)


def _single_attempt(http: HttpClient) -> HttpClient:
    http.profile = replace(http.profile, retry=SINGLE_ATTEMPT)
    return http


def _unreachable(name: str, error: ApiError) -> Check:
    return Check(name, "fail", f"{error.message} ({error.url})")


def probe_s2(settings: Settings) -> Check:
    name = "Semantic Scholar"
    client = SemanticScholarClient.from_settings(_probe_settings(settings))
    http = _single_attempt(client.http)
    url = f"{client.graph_url}/paper/arXiv:{KNOWN_PAPER}"
    keyed = "with S2_API_KEY" if settings.s2_api_key else "without a key (shared pool)"
    try:
        response = http.request("GET", url, params={"fields": "paperId"})
    except TransportError as error:
        return _unreachable(name, error)
    except ApiError as error:
        return _answered(name, error.status, keyed, "S2_API_KEY")
    finally:
        http.close()
    return _answered(name, response.status_code, keyed, "S2_API_KEY")


def _answered(name: str, status: int | None, keyed: str, variable: str) -> Check:
    # 404: the API answered (and took the key) but does not hold the probe's paper
    if status is not None and (200 <= status < 300 or status == 404):
        return Check(name, "ok", f"reachable, {keyed}")
    if status in {401, 403}:
        return Check(name, "fail", f"{variable} rejected (HTTP {status}): check or unset it")
    if status == 429:
        return Check(name, "warn", f"reachable, {keyed}, but rate limited right now (HTTP 429)")
    return Check(name, "fail", f"unexpected answer (HTTP {status})")


def probe_arxiv(settings: Settings) -> Check:
    name = "arXiv"
    client = ArxivClient.from_settings(_probe_settings(settings))
    http = _single_attempt(client.http)
    params: dict[str, str | int] = {"id_list": KNOWN_PAPER, "max_results": 1}
    try:
        response = http.request("GET", client.query_url, params=params)
    except TransportError as error:
        return _unreachable(name, error)
    except ApiError as error:
        return _answered(name, error.status, "no key needed", "")
    finally:
        http.close()
    return _answered(name, response.status_code, "no key needed", "")


def _remaining(resources: dict[str, Any], name: str) -> int | None:
    value = resources.get(name, {}).get("remaining") if isinstance(resources, dict) else None
    return value if isinstance(value, int) else None


def probe_github(settings: Settings) -> tuple[Check, GitHubQuota | None]:
    name = "GitHub"
    client = GitHubClient.from_settings(_probe_settings(settings))
    http = _single_attempt(client.http)
    has_token = settings.github_token is not None
    try:
        response, resources = http.request_json(
            "GET", f"{client.base_url}/rate_limit", lambda body: body["resources"]
        )
    except TransportError as error:
        return _unreachable(name, error), None
    except ApiError as error:
        return _answered(name, error.status, "", "GITHUB_TOKEN"), None
    finally:
        http.close()
    if resources is None:
        return _answered(name, response.status_code, "", "GITHUB_TOKEN"), None
    quota = GitHubQuota(_remaining(resources, "core"), _remaining(resources, "graphql"), has_token)
    scopes = response.headers.get("X-OAuth-Scopes")
    who = "token accepted" if has_token else "no GITHUB_TOKEN (60 requests an hour)"
    if has_token and scopes is not None:
        who += f" (scopes: {scopes or 'none, enough for public repositories'})"
    return Check(name, "ok", f"reachable, {who}"), quota
