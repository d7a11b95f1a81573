"""The GitHub REST and GraphQL endpoints of the fake (/github), with their rate-limit budgets."""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections import Counter
from datetime import date
from typing import Any

from werkzeug.wrappers import Request, Response

from fakeapi.faults import Stats
from fakeapi.github_git import GitHubGitRoutes
from fakeapi.responses import json_response
from fakeapi.stars import history_page
from fakeapi.world import FakeRepo, World

GITHUB_LIMIT_WITH_TOKEN = 5000
GITHUB_LIMIT_WITHOUT_TOKEN = 60
# GET /repos/{owner}/{repo}/stargazers/history (issue 25): weeks per page, at most and by
# default, and the last page GitHub answers (past it, a 422).
STAR_HISTORY_PER_PAGE = 30
STAR_HISTORY_MAX_PAGES = 100


class GitHubRoutes(GitHubGitRoutes):
    """FakeApi's GitHub handlers, over the repository indexes `_index_github` builds; the
    repositories `publish` writes to are GitHubGitRoutes' (github_git.py)."""

    world: World
    today: date
    stats: Stats
    _lock: threading.Lock

    def _index_github(self, world: World) -> None:
        self._repos: dict[str, FakeRepo] = {}
        self._repo_ids = {repo.repo_id: repo for repo in world.repos}
        for repo in world.repos:
            self._repos[repo.full_name.casefold()] = repo
        self._moved = {old.casefold(): repo for repo in world.repos for old in repo.old_names}
        self._github_used: Counter[str] = Counter()  # "token" / "anonymous" -> requests
        self._github_reset = int(time.time()) + 3600
        self._index_git()

    def rename_repo(self, old_name: str, new_name: str) -> None:
        """The repository moves to `new_name`; its old name answers with a 301 from now on."""
        with self._lock:
            repo = self._repos.pop(old_name.casefold())
            repo.old_names.append(repo.full_name)
            repo.full_name = new_name
            self._repos[new_name.casefold()] = repo
            self._moved[old_name.casefold()] = repo

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
            return json_response(
                {"message": "API rate limit exceeded for 127.0.0.1."}, 403, headers
            )
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
            return json_response(
                {"message": "Moved Permanently", "url": url}, 301, {"Location": url}
            )
        if key in self.git_repos:  # a repository publish writes to
            return self._github_json(request, self.git_repo_json(request, self.git_repos[key]))
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

    def github_star_history(self, request: Request, owner: str, name: str) -> Response:
        """A repository's stars by week, newest first, paged (fakeapi/stars.py); a renamed
        repository's old name answers 301 to /repositories/{id}/stargazers/history."""
        key = f"{owner}/{name}".casefold()
        if key in self._moved:
            repo = self._moved[key]
            url = f"{request.host_url.rstrip('/')}/github/repositories/{repo.repo_id}"
            url += "/stargazers/history"
            if request.query_string:
                url += f"?{request.query_string.decode()}"
            return json_response(
                {"message": "Moved Permanently", "url": url}, 301, {"Location": url}
            )
        return self._star_history(request, self._repos.get(key))

    def github_star_history_by_id(self, request: Request, repo_id: int) -> Response:
        return self._star_history(request, self._repo_ids.get(repo_id))

    def _star_history(self, request: Request, repo: FakeRepo | None) -> Response:
        if repo is None or repo.status in {"not_found", "blocked"}:
            return self._repo_answer(request, repo)  # 404, or 451 with its block object
        try:
            per_page = int(request.args.get("per_page", STAR_HISTORY_PER_PAGE))
            page = int(request.args.get("page", 1))
        except ValueError:
            per_page, page = STAR_HISTORY_PER_PAGE, 1  # GitHub ignores what it cannot read
        per_page = min(STAR_HISTORY_PER_PAGE, max(1, per_page))
        page = max(1, page)
        if page > STAR_HISTORY_MAX_PAGES:
            return self._github_json(
                request,
                {
                    "message": "In order to keep the API fast for everyone, pagination is "
                    f"limited for this resource: {STAR_HISTORY_MAX_PAGES} pages at most.",
                    "documentation_url": "https://docs.github.com/rest/activity/starring",
                },
                422,
            )
        weeks, pages = history_page(
            repo, self.today, self.world.epoch_date, page=page, per_page=per_page
        )
        answer = self._github_json(request, weeks)
        if answer.status_code == 200:
            links = []
            base = request.base_url
            last = min(pages, STAR_HISTORY_MAX_PAGES)
            if page < pages:
                links.append(f'<{base}?per_page={per_page}&page={page + 1}>; rel="next"')
            if page < last:
                links.append(f'<{base}?per_page={per_page}&page={last}>; rel="last"')
            if page > 1:
                links.append(f'<{base}?per_page={per_page}&page={page - 1}>; rel="prev"')
                links.append(f'<{base}?per_page={per_page}&page=1>; rel="first"')
            if links:
                answer.headers["Link"] = ", ".join(links)
        return answer

    def github_rate_limit(self, request: Request) -> Response:
        headers, _ = self._github_budget_peek(request)
        return json_response(
            {"resources": {"core": {"remaining": int(headers["x-ratelimit-remaining"])}}}
        )

    def github_graphql(self, request: Request) -> Response:
        if not request.headers.get("Authorization"):
            return json_response(
                {"message": "This endpoint requires you to be authenticated."}, 401
            )
        headers, allowed = self._github_budget(request, "graphql")
        if not allowed:
            return json_response(
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
        return json_response(answer, 200, headers)
