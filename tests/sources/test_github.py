from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pipeline.sources.config import Secret, Settings
from pipeline.sources.github import (
    GITHUB_GRAPHQL_BATCH,
    GitHubClient,
    RepoStatus,
    graphql_query,
    parse_graphql,
    parse_last_commit,
    parse_rest_repo,
)
from pipeline.sources.http import is_rate_limited
from tests.fakes import (
    Canned,
    FakeClock,
    Recorded,
    ReplayAdapter,
    contracts_dir,
    load_octokit,
    load_pygithub,
)

TOKEN = "ghp_sentinelTOKEN0123456789"  # noqa: S105 - a test sentinel


def client_with(
    adapter: ReplayAdapter,
    *,
    token: str | None = None,
    clock: FakeClock | None = None,
    cache_dir: Path | None = None,
) -> GitHubClient:
    settings = Settings(github_token=Secret(token) if token else None, cache_dir=cache_dir)
    client = GitHubClient.from_settings(settings, clock or FakeClock())
    client.http.session.mount("https://", adapter)
    return client


def rest_repo(full_name: str, **fields: Any) -> dict[str, Any]:
    return {
        "full_name": full_name,
        "html_url": f"https://github.com/{full_name}",
        "stargazers_count": 10,
        "forks_count": 2,
        "archived": False,
        "pushed_at": "2024-05-01T10:00:00Z",
        "default_branch": "main",
        **fields,
    }


def commits(date: str = "2024-04-30T09:00:00Z") -> list[dict[str, Any]]:
    return [{"sha": "abc", "commit": {"committer": {"date": date}, "author": {"date": date}}}]


def gql_repo(
    name: str, stars: int = 5, committed: str | None = "2024-01-02T03:04:05Z"
) -> dict[str, Any]:
    return {
        "nameWithOwner": name,
        "url": f"https://github.com/{name}",
        "stargazerCount": stars,
        "forkCount": 1,
        "isArchived": False,
        "pushedAt": "2024-01-02T03:04:05Z",
        "defaultBranchRef": {"name": "main", "target": {"committedDate": committed}},
    }


# --- contract tests on recorded responses ---------------------------------------------------


def pygithub(name: str) -> list[Recorded]:
    return load_pygithub(contracts_dir("github", "PyGithub-ReplayData") / name)


def octokit(name: str) -> list[Recorded]:
    return load_octokit(contracts_dir("github", "octokit-fixtures") / name)


def test_recorded_repository_objects() -> None:
    [bootstrap] = pygithub("Issue174.setUp.txt")
    info = parse_rest_repo("twbs/bootstrap", bootstrap.json())
    assert (info.status, info.full_name, info.stars) == (RepoStatus.OK, "twbs/bootstrap", 171281)
    assert info.default_branch == "main" and info.archived is False
    assert info.pushed_at is not None and info.pushed_at.tzinfo is not None
    [pygithub_repo] = pygithub("Repository.setUp.txt")
    assert parse_rest_repo("pygithub/pygithub", pygithub_repo.json()).status is RepoStatus.OK
    [hello] = octokit("get-repository.raw-fixture.json")
    assert parse_rest_repo("octokit-fixture-org/hello-world", hello.json()).full_name == (
        "octokit-fixture-org/hello-world"
    )


def test_recorded_301_rename_is_followed_and_recorded() -> None:
    moved, target = pygithub("Repository.testGetRepositoryWith301Redirect.txt")
    assert moved.status == 301
    [*_, commits_page] = pygithub(
        "CompletableGithubObjectWithPaginatedProperty.testRepoCommitsFiles.txt"
    )[:1]
    adapter = (
        ReplayAdapter()
        .add("GET", moved.path, moved.canned())
        .add("GET", target.path, target.canned())
        .add("GET", "/repos/padima2/protoncoin/commits", commits_page.canned())
    )
    info = client_with(adapter, token=None).get_repo_rest("protoncoin/protoncoin")
    assert info.status is RepoStatus.RENAMED
    assert info.full_name == "padima2/protoncoin"
    assert info.last_commit_at is not None


def test_recorded_octokit_rename() -> None:
    records = octokit("rename-repository.raw-fixture.json")
    old = next(r for r in records if r.method == "GET" and r.status == 301)
    new = next(r for r in records if r.method == "GET" and r.status == 200)
    name = old.path.removeprefix("/repos/")
    new_name = new.json()["full_name"]
    adapter = (
        ReplayAdapter()
        .add("GET", old.path, old.canned())
        .add("GET", new.path, new.canned())
        .add(
            "GET",
            f"/repos/{new_name}/commits",
            Canned(409, {"message": "Git Repository is empty."}),
        )
    )
    info = client_with(adapter).get_repo_rest(name)
    assert info.full_name == new_name != name
    assert info.status is RepoStatus.EMPTY  # renamed, and the 409 says it has no commits


def test_recorded_conditional_request_costs_a_304(tmp_path: Path) -> None:
    [first] = pygithub("ConditionalRequestUpdate.setUp.txt")
    [second] = pygithub("ConditionalRequestUpdate.testDidNotUpdate.txt")
    assert second.status == 304
    etag = first.headers["etag"]
    assert second.request_headers["If-None-Match"] == etag
    adapter = (
        ReplayAdapter()
        .add("GET", first.path, first.canned(etag_match=etag))
        .add(
            "GET",
            "/repos/akfish/PyGithub/commits",
            Canned(200, commits(), {"ETag": '"c1"'}, etag_match='"c1"'),
        )
    )
    client = client_with(adapter, token=TOKEN, cache_dir=tmp_path)
    one = client.get_repo_rest("akfish/PyGithub")
    two = client.get_repo_rest("akfish/PyGithub")
    assert one == two and one.status is RepoStatus.OK
    assert [r.headers.get("If-None-Match") for r in adapter.requests] == [None, None, etag, '"c1"']
    assert client.http.stats.not_modified == 2  # the second run spent no rate limit


def test_recorded_404_is_not_found() -> None:
    _, missing = pygithub("Exceptions.testUnknownObject.txt")
    assert missing.status == 404
    adapter = ReplayAdapter().add("GET", missing.path, missing.canned())
    info = client_with(adapter).get_repo_rest("jacquev6/Xxx")
    assert info.status is RepoStatus.NOT_FOUND


def test_recorded_primary_rate_limit_never_becomes_not_found() -> None:
    _, limited = pygithub("SpecificExceptions.testRateLimitExceeded.txt")
    assert limited.status == 403 and limited.headers["x-ratelimit-remaining"] == "0"
    adapter = ReplayAdapter().add("GET", "/repos/a/b", limited.canned())
    client = client_with(adapter)
    info = client.get_repo_rest("a/b")
    assert info.status is RepoStatus.ERROR
    assert info.reason is not None and "rate limited" in info.reason
    # Once the limit outlasted the policy, the client stops asking.
    calls = len(adapter.requests)
    assert client.get_repo_rest("c/d").status is RepoStatus.ERROR
    assert len(adapter.requests) == calls


def test_recorded_secondary_limit_waits_its_retry_after() -> None:
    _, abuse = pygithub("SpecificExceptions.testAuthenticatedRateLimitExceeded.txt")
    assert abuse.status == 403 and abuse.headers["Retry-After"] == "60"
    adapter = (
        ReplayAdapter()
        .add("GET", "/repos/a/b", abuse.canned(), Canned(200, rest_repo("a/b")))
        .add("GET", "/repos/a/b/commits", Canned(200, commits()))
    )
    clock = FakeClock()
    info = client_with(adapter, clock=clock).get_repo_rest("a/b")
    assert info.status is RepoStatus.OK
    assert 60.0 in clock.sleeps


def test_recorded_commits_page_and_graphql_envelope_and_rate_limit() -> None:
    page = pygithub("CompletableGithubObjectWithPaginatedProperty.testRepoCommitsFiles.txt")[0]
    assert parse_last_commit(page.json()) == datetime.fromisoformat(
        page.json()[0]["commit"]["committer"]["date"]
    )
    assert 'rel="last"' in page.headers["Link"]
    [graphql] = pygithub("GraphQl.testQuery.txt")
    answer = parse_graphql(graphql.json())
    assert answer.errors == () and answer.repos == {}  # not aliased: nothing of ours in it
    assert graphql.headers["X-RateLimit-Resource"] == "graphql"
    [rate] = pygithub("RateLimiting.testGetRateLimit.txt")
    assert {"core", "graphql"} <= set(rate.json()["resources"])


# --- transport fakes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "expected", "reason"),
    [
        (404, {"message": "Not Found", "status": "404"}, RepoStatus.NOT_FOUND, None),
        (
            451,
            {"message": "Repository access blocked", "block": {"reason": "dmca"}},
            RepoStatus.BLOCKED,
            "dmca",
        ),
        (
            403,
            {"message": "Repository access blocked", "block": {"reason": "tos"}},
            RepoStatus.BLOCKED,
            "tos",
        ),
        (401, {"message": "Bad credentials"}, RepoStatus.ERROR, "HTTP 401 (check GITHUB_TOKEN)"),
    ],
)
def test_rest_statuses(
    status: int, body: dict[str, Any], expected: RepoStatus, reason: str | None
) -> None:
    adapter = ReplayAdapter().add("GET", "/repos/o/n", Canned(status, body))
    info = client_with(adapter).get_repo_rest("o/n")
    assert (info.status, info.reason) == (expected, reason)
    assert len(adapter.requests) == 1


def test_empty_repository_409() -> None:
    adapter = (
        ReplayAdapter()
        .add("GET", "/repos/o/n", Canned(200, rest_repo("o/n")))
        .add("GET", "/repos/o/n/commits", Canned(409, {"message": "Git Repository is empty."}))
    )
    info = client_with(adapter).get_repo_rest("o/n")
    assert (info.status, info.stars, info.last_commit_at) == (RepoStatus.EMPTY, 10, None)


def test_rest_ok_with_last_commit_on_the_default_branch() -> None:
    adapter = (
        ReplayAdapter()
        .add("GET", "/repos/O/N", Canned(200, rest_repo("o/n", archived=True)))
        .add("GET", "/repos/o/n/commits", Canned(200, commits("2023-02-03T04:05:06Z")))
    )
    info = client_with(adapter).get_repo_rest("O/N")
    assert info.status is RepoStatus.OK  # letter case is not a rename
    assert info.archived is True
    assert info.last_commit_at == datetime(2023, 2, 3, 4, 5, 6, tzinfo=UTC)
    assert "per_page=1" in (adapter.requests[1].url or "")


def test_graphql_batches_of_100_with_partial_not_found_falling_back_to_rest() -> None:
    names = [f"owner/repo{n}" for n in range(150)]
    first: dict[str, Any] = {f"r{n}": gql_repo(names[n]) for n in range(100)}
    first["r7"] = None
    errors = [
        {
            "type": "NOT_FOUND",
            "path": ["r7"],
            "message": "Could not resolve to a Repository with the name 'owner/repo7'.",
        }
    ]
    second = {f"r{n}": gql_repo(names[100 + n]) for n in range(50)}
    second["r0"] = gql_repo("newowner/renamed")
    adapter = (
        ReplayAdapter()
        .add(
            "POST",
            "/graphql",
            Canned(200, {"data": first, "errors": errors}),
            Canned(200, {"data": second}),
        )
        .add("GET", "/repos/owner/repo7", Canned(404, {"message": "Not Found"}))
    )
    repos = client_with(adapter, token=TOKEN).get_repos(names)
    assert len(adapter.calls("POST", "/graphql")) == math.ceil(150 / GITHUB_GRAPHQL_BATCH) == 2
    assert repos["owner/repo7"].status is RepoStatus.NOT_FOUND
    assert repos["owner/repo100"].status is RepoStatus.RENAMED
    assert repos["owner/repo100"].full_name == "newowner/renamed"
    assert repos["owner/repo3"].status is RepoStatus.OK and repos["owner/repo3"].source == "graphql"
    assert list(repos) == names
    body = json.loads(adapter.calls("POST")[0].body or b"{}")
    assert body["variables"]["o0"] == "owner" and body["variables"]["n0"] == "repo0"
    assert adapter.calls("POST")[0].headers["Authorization"] == f"Bearer {TOKEN}"


def test_graphql_rate_limited_with_http_200_falls_back_to_rest() -> None:
    limited = {
        "data": None,
        "errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded"}],
    }
    adapter = (
        ReplayAdapter()
        .add("POST", "/graphql", Canned(200, limited, {"x-ratelimit-remaining": "0"}))
        .add("GET", "/repos/o/n", Canned(200, rest_repo("o/n")))
        .add("GET", "/repos/o/n/commits", Canned(200, commits()))
    )
    repos = client_with(adapter, token=TOKEN).get_repos(["o/n"])
    assert repos["o/n"].status is RepoStatus.OK and repos["o/n"].source == "rest"


def test_graphql_empty_repository_has_no_default_branch() -> None:
    data = gql_repo("o/n")
    data["defaultBranchRef"] = None
    adapter = ReplayAdapter().add("POST", "/graphql", Canned(200, {"data": {"r0": data}}))
    assert client_with(adapter, token=TOKEN).get_repos(["o/n"])["o/n"].status is RepoStatus.EMPTY


def test_a_second_run_within_the_cache_lifetime_spends_no_quota(tmp_path: Path) -> None:
    names = [f"o/r{n}" for n in range(3)]
    adapter = ReplayAdapter().add(
        "POST",
        "/graphql",
        Canned(200, {"data": {f"r{n}": gql_repo(name) for n, name in enumerate(names)}}),
    )
    first = client_with(adapter, token=TOKEN, cache_dir=tmp_path)
    first.get_repos(names)
    first.http.close()
    second = client_with(adapter, token=TOKEN, cache_dir=tmp_path)
    assert second.get_repos(names) == first.get_repos(names)
    assert len(adapter.requests) == 1
    assert second.http.stats.network_requests == 0


def test_without_a_token_everything_goes_through_rest() -> None:
    adapter = (
        ReplayAdapter()
        .add("GET", "/repos/o/n", Canned(200, rest_repo("o/n")))
        .add("GET", "/repos/o/n/commits", Canned(200, commits()))
    )
    repos = client_with(adapter).get_repos(["o/n", "o/n"])
    assert list(repos) == ["o/n"]
    assert all("Authorization" not in r.headers for r in adapter.requests)
    assert adapter.calls("POST") == []


def test_graphql_query_uses_variables_not_string_interpolation() -> None:
    query, variables = graphql_query(['evil"){x}/name'])
    assert 'evil"' not in query
    assert variables == {"o0": 'evil"){x}', "n0": "name"}


def test_rate_limit_classification_of_a_rest_403_without_hints() -> None:
    import requests

    plain = requests.Response()
    plain.status_code = 403
    plain._content = b'{"message": "Resource not accessible by integration"}'
    assert not is_rate_limited(plain)


def test_repos_gone_last_run_are_not_asked_again_over_rest() -> None:
    not_found = {"type": "NOT_FOUND", "path": ["r0"], "message": "Could not resolve"}
    forbidden = {"type": "FORBIDDEN", "path": ["r1"], "message": "Repository access blocked"}
    answer = {
        "data": {"r0": None, "r1": None, "r2": None},
        "errors": [
            not_found,
            forbidden,
            {"type": "NOT_FOUND", "path": ["r2"], "message": "Could not resolve"},
        ],
    }
    adapter = (
        ReplayAdapter()
        .add("POST", "/graphql", Canned(200, answer))
        .add("GET", "/repos/new/gone", Canned(404, {"message": "Not Found"}))
    )
    known = {"x/gone": RepoStatus.NOT_FOUND, "x/dmca": RepoStatus.BLOCKED}
    repos = client_with(adapter, token=TOKEN).get_repos(["X/Gone", "x/dmca", "new/gone"], known)
    assert {name: info.status for name, info in repos.items()} == {
        "X/Gone": RepoStatus.NOT_FOUND,
        "x/dmca": RepoStatus.BLOCKED,
        "new/gone": RepoStatus.NOT_FOUND,
    }
    assert [r.method for r in adapter.requests] == ["POST", "GET"]  # REST only for the new one
