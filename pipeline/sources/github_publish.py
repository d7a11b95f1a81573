"""GitHub writes for `publish`: the list's file on a branch, commits through the git data API,
pull requests and draft releases (REST). Typed records out; raw JSON never leaves this module.

Written on the shared HTTP layer, like the stars client (github.py), not on PyGithub: the same
pacing (GitHub's 0.25 s, serial), retry policy (rate-limit 403/429 and 5xx, `Retry-After`,
`x-ratelimit-reset`), Prefect rate limit and credential pinning (the token is sent only to
`GITHUB_API_URL`, and redacted from every message) then apply to publishing too; PyGithub keeps
its own retry and pacing, and its transport can only be replaced process-wide. Nothing here is
cached: a write must see the branch as it is now.

Every refusal becomes a PublishError whose one line names the repository and the path.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote

import requests

from pipeline.core.errors import ApiError, PipelineError
from pipeline.sources.config import Settings
from pipeline.sources.gates import clock_for
from pipeline.sources.github import github_profile
from pipeline.sources.http import HttpClient, Redactor

FILE_MODE = "100644"  # a regular file, in a git tree
MAX_PULL_BODY = 65_536  # GitHub refuses longer pull request and release bodies (422)
PERMISSIONS = "contents: write and pull requests: write"


class PublishError(PipelineError):
    """Publishing could not be done; the message is one line naming the repository and path."""


def git_blob_sha(data: bytes) -> str:
    """The SHA-1 git gives a file with these bytes (`git hash-object`): what GitHub reports as
    a file's `sha`, so a list can be compared with its copy in a repository without fetching."""
    header = f"blob {len(data)}\0".encode("ascii")
    return hashlib.sha1(header + data, usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class RepoFile:
    sha: str  # the blob's SHA-1
    content: bytes


@dataclass(frozen=True)
class PullRequest:
    number: int
    title: str
    body: str
    html_url: str
    head_ref: str


@dataclass(frozen=True)
class Release:
    id: int
    tag_name: str
    draft: bool
    body: str
    html_url: str


def answer_message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    if isinstance(body, dict):
        message = str(body.get("message") or "")
        errors = body.get("errors")
        if isinstance(errors, list) and errors:
            first = errors[0]
            detail = first.get("message") if isinstance(first, dict) else first
            if detail:
                message = f"{message}: {detail}" if message else str(detail)
        return message
    return ""


def _str(data: Any, key: str) -> str:
    value = data[key]
    if not isinstance(value, str):
        raise TypeError(f"{key} is {value!r}")
    return value


def _pull(data: Any) -> PullRequest:
    return PullRequest(
        number=int(data["number"]),
        title=str(data.get("title") or ""),
        body=str(data.get("body") or ""),
        html_url=str(data.get("html_url") or ""),
        head_ref=str((data.get("head") or {}).get("ref") or ""),
    )


def _release(data: Any) -> Release:
    return Release(
        id=int(data["id"]),
        tag_name=_str(data, "tag_name"),
        draft=bool(data.get("draft")),
        body=str(data.get("body") or ""),
        html_url=str(data.get("html_url") or ""),
    )


class GitHubPublisher:
    """One repository's writes. `path` is only for messages: what is being published."""

    def __init__(self, http: HttpClient, base_url: str, repo: str, path: str) -> None:
        if repo.count("/") != 1 or not all(repo.split("/")):
            raise PublishError(f"{repo!r}: the repository must be given as OWNER/NAME")
        self.http = http
        self.repo = repo
        self.path = path
        self.root = f"{base_url.rstrip('/')}/repos/{quote(repo, safe='/')}"

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        repo: str,
        path: str,
        limiter: Callable[[str], None] | None = None,
    ) -> GitHubPublisher:
        profile = replace(github_profile(settings), read_timeout_s=settings.read_timeout_s)
        http = HttpClient(
            profile,
            cache_dir=None,  # writes, and reads that must be current: never from a cache
            clock=clock_for(settings.time_scale),
            redact=Redactor(settings.secrets),
            limiter=limiter,
        )
        return cls(http, settings.github_api_url, repo, path)

    # --- one call ---------------------------------------------------------------------------
    def _refused(self, what: str, response: requests.Response) -> PublishError:
        status = response.status_code
        message = self.http.redact(answer_message(response))[:300]
        said = f" ({status} {message})" if message else f" ({status})"
        where = f"{self.repo}, {self.path}"
        if status == 401:
            return PublishError(
                f"{where}: GitHub refused the token{said} while trying to {what}; "
                "check GITHUB_TOKEN; nothing more was published"
            )
        if status == 403:
            return PublishError(
                f"{where}: the token may not {what}{said}; publishing needs a token with "
                f"{PERMISSIONS} on {self.repo}; nothing more was published"
            )
        if status == 404:
            return PublishError(
                f"{where}: not found while trying to {what}{said}: the repository, branch or "
                "path does not exist, or the token cannot see it"
            )
        if status == 409:
            return PublishError(f"{where}: conflict while trying to {what}{said}")
        if status == 422:
            return PublishError(f"{where}: GitHub refused to {what}{said}")
        return PublishError(f"{where}: could not {what}{said}")

    def _call(
        self,
        method: str,
        endpoint: str,
        what: str,
        *,
        ok: tuple[int, ...] = (200,),
        allow: tuple[int, ...] = (),
        params: Mapping[str, str | int] | None = None,
        body: Any = None,
    ) -> tuple[int, Any]:
        """(status, decoded JSON) for an `ok` or `allow`ed answer; PublishError otherwise."""
        try:
            response = self.http.request(
                method, f"{self.root}{endpoint}", params=params, json_body=body
            )
        except ApiError as error:
            raise PublishError(
                f"{self.repo}, {self.path}: could not {what}: {error.message}"
            ) from None
        if response.status_code in allow:
            return response.status_code, None
        if response.status_code not in ok:
            raise self._refused(what, response)
        try:
            return response.status_code, response.json()
        except ValueError:
            raise PublishError(
                f"{self.repo}, {self.path}: GitHub's answer to {what} is not JSON"
            ) from None

    # --- reading ----------------------------------------------------------------------------
    def default_branch(self) -> str:
        _, data = self._call("GET", "", "read the repository")
        return _str(data, "default_branch")

    def branch_head(self, branch: str) -> str | None:
        """The commit a branch points at; None when there is no such branch."""
        status, data = self._call(
            "GET", f"/git/ref/heads/{quote(branch)}", f"read branch {branch}", allow=(404,)
        )
        if status == 404:
            return None
        return _str(data["object"], "sha")

    def commit_tree(self, commit: str) -> str:
        _, data = self._call("GET", f"/git/commits/{commit}", f"read commit {commit[:12]}")
        return _str(data["tree"], "sha")

    def read_file(self, ref: str) -> RepoFile | None:
        """The file at `path` on `ref` (contents API; the blob API past its 1 MB limit); None
        when the branch has no such file."""
        status, data = self._call(
            "GET",
            f"/contents/{quote(self.path)}",
            f"read {self.path} on {ref}",
            params={"ref": ref},
            allow=(404,),
        )
        if status == 404:
            return None
        if not isinstance(data, dict) or data.get("type") != "file":
            raise PublishError(f"{self.repo}, {self.path}: not a file on {ref}")
        sha = _str(data, "sha")
        if data.get("encoding") == "base64" and data.get("content"):
            return RepoFile(sha, base64.b64decode(_str(data, "content")))
        _, blob = self._call("GET", f"/git/blobs/{sha}", f"read blob {sha[:12]}")
        return RepoFile(sha, base64.b64decode(_str(blob, "content")))

    # --- writing a commit -------------------------------------------------------------------
    def commit_file(self, content: bytes, message: str, parent: str) -> str:
        """A commit on top of `parent` with `path` set to `content` (blob, tree, commit);
        no branch moves yet."""
        _, blob = self._call(
            "POST",
            "/git/blobs",
            "create a blob",
            ok=(201,),
            body={"content": base64.b64encode(content).decode("ascii"), "encoding": "base64"},
        )
        entry = {"path": self.path, "mode": FILE_MODE, "type": "blob", "sha": _str(blob, "sha")}
        _, tree = self._call(
            "POST",
            "/git/trees",
            "create a tree",
            ok=(201,),
            body={"base_tree": self.commit_tree(parent), "tree": [entry]},
        )
        _, commit = self._call(
            "POST",
            "/git/commits",
            "create a commit",
            ok=(201,),
            body={"message": message, "tree": _str(tree, "sha"), "parents": [parent]},
        )
        return _str(commit, "sha")

    def move_branch(self, branch: str, sha: str, *, force: bool) -> None:
        """Point an existing branch at `sha`; without `force` only a fast-forward (GitHub
        answers 422 when the branch moved meanwhile)."""
        self._call(
            "PATCH",
            f"/git/refs/heads/{quote(branch)}",
            f"update branch {branch}",
            body={"sha": sha, "force": force},
        )

    def create_branch(self, branch: str, sha: str) -> None:
        self._call(
            "POST",
            "/git/refs",
            f"create branch {branch}",
            ok=(201,),
            body={"ref": f"refs/heads/{branch}", "sha": sha},
        )

    # --- pull requests ----------------------------------------------------------------------
    def open_pull(self, branch: str, base: str) -> PullRequest | None:
        owner = self.repo.split("/", 1)[0]
        _, data = self._call(
            "GET",
            "/pulls",
            "list pull requests",
            params={"state": "open", "head": f"{owner}:{branch}", "base": base},
        )
        pulls = [_pull(item) for item in data or [] if isinstance(item, dict)]
        return pulls[0] if pulls else None

    def create_pull(self, branch: str, base: str, title: str, body: str) -> PullRequest:
        _, data = self._call(
            "POST",
            "/pulls",
            "open a pull request",
            ok=(201,),
            body={"title": title, "head": branch, "base": base, "body": body[:MAX_PULL_BODY]},
        )
        return _pull(data)

    def update_pull(self, number: int, **fields: str) -> PullRequest:
        if "body" in fields:
            fields["body"] = fields["body"][:MAX_PULL_BODY]
        _, data = self._call(
            "PATCH", f"/pulls/{number}", f"update pull request #{number}", body=fields
        )
        return _pull(data)

    # --- releases ---------------------------------------------------------------------------
    def releases(self) -> list[Release]:
        _, data = self._call("GET", "/releases", "list releases", params={"per_page": 100})
        return [_release(item) for item in data or [] if isinstance(item, dict)]

    def create_release(self, tag: str, name: str, body: str, target: str) -> Release:
        _, data = self._call(
            "POST",
            "/releases",
            "create a draft release",
            ok=(201,),
            body={
                "tag_name": tag,
                "name": name,
                "body": body[:MAX_PULL_BODY],
                "draft": True,
                "target_commitish": target,
            },
        )
        return _release(data)

    def update_release(self, release_id: int, body: str) -> Release:
        _, data = self._call(
            "PATCH",
            f"/releases/{release_id}",
            "update the draft release",
            body={"body": body[:MAX_PULL_BODY]},
        )
        return _release(data)

    def close(self) -> None:
        self.http.close()
