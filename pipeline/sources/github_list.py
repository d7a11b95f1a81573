"""A list read from its GitHub repository: `github:OWNER/REPO/PATH[@REF]` (issue 24, item 4).

Read through GitHub's contents API (`GET /repos/{owner}/{repo}/contents/{path}?ref=REF`: the
file's base64 content and its blob SHA; the blob API past the contents API's 1 MB), on the
shared HTTP layer with the GitHub profile, as the stars lookups and publishing are: GitHub's
pacing, the one retry policy, and the token sent only to `GITHUB_API_URL`, redacted from every
message. Unlike a raw URL (raw.githubusercontent.com, cached by a CDN for minutes), the contents
API answers with the branch as it is now, and with the blob SHA publishing compares against
(a maintainer's edit since the run read the list holds publishing back).

Every failure is a ListReadError of one line naming the repository, path and ref.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from pipeline.core.errors import ApiError, ListReadError
from pipeline.sources.config import Settings
from pipeline.sources.gates import clock_for

if TYPE_CHECKING:  # the HTTP stack is imported when a list is fetched, not to name one
    from pipeline.sources.http import HttpClient

PREFIX = "github:"
CONTENTS_LIMIT = 1024 * 1024  # past this the contents API leaves the content out (blob API)
_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


@dataclass(frozen=True)
class GitHubList:
    """Where a list lives in a repository; `ref` None is the repository's default branch."""

    owner: str
    name: str
    path: str
    ref: str | None = None

    @property
    def repo(self) -> str:
        return f"{self.owner}/{self.name}"

    def __str__(self) -> str:
        return f"{PREFIX}{self.repo}/{self.path}" + (f"@{self.ref}" if self.ref else "")


@dataclass(frozen=True)
class FetchedList:
    content: bytes
    sha: str  # the blob SHA GitHub reported, checked against the content


def is_github_list(text: str) -> bool:
    return text.startswith(PREFIX)


def parse_github_list(text: str) -> GitHubList:
    """`github:OWNER/REPO/PATH[@REF]` (the ref after the last `@`); ListReadError otherwise."""
    spec = text.removeprefix(PREFIX).strip()
    where, at, ref = spec.rpartition("@") if "@" in spec else (spec, "", "")
    parts = where.split("/", 2)
    usage = (
        f"{text!r}: a list in a repository is github:OWNER/REPO/PATH[@REF] "
        "(for example github:octo/awesome-papers/README.md@main)"
    )
    if len(parts) != 3 or not all(parts) or (at and not ref):
        raise ListReadError(usage)
    owner, name, path = parts
    if not _NAME.match(owner) or not _NAME.match(name):
        raise ListReadError(usage)
    if path.startswith("/") or path.endswith("/") or ".." in path.split("/"):
        raise ListReadError(f"{text!r}: the path must name a file inside the repository")
    return GitHubList(owner, name, path, ref or None)


def _http(settings: Settings, limiter: Callable[[str], None] | None) -> HttpClient:
    from pipeline.sources.github import github_profile
    from pipeline.sources.http import HttpClient, Redactor

    profile = replace(github_profile(settings), read_timeout_s=settings.read_timeout_s)
    return HttpClient(
        profile,
        cache_dir=None,  # the list as it is now: publishing compares against its SHA
        clock=clock_for(settings.time_scale),
        redact=Redactor(settings.secrets),
        limiter=limiter,
    )


def fetch_github_list(
    where: GitHubList,
    settings: Settings,
    *,
    max_bytes: int,
    limiter: Callable[[str], None] | None = None,
) -> FetchedList:
    """The list's bytes and blob SHA at `where` (ListReadError naming repo, path and ref)."""
    from pipeline.sources.github_publish import answer_message, git_blob_sha

    http = _http(settings, limiter)
    root = f"{settings.github_api_url.rstrip('/')}/repos/{where.owner}/{where.name}"
    at = f"{where.repo}, {where.path} at {where.ref or 'the default branch'}"

    def get(endpoint: str, params: dict[str, str | int] | None) -> Any:
        try:
            response = http.request("GET", f"{root}{endpoint}", params=params)
        except ApiError as error:
            raise ListReadError(f"{at}: cannot be fetched: {error.message}") from None
        status = response.status_code
        said = http.redact(answer_message(response))[:200]
        said = f"{status} {said}" if said else str(status)
        if status == 404:
            raise ListReadError(
                f"{at}: not found ({said}): the repository, ref or path does not exist, or "
                "GITHUB_TOKEN cannot see it; the list was not read"
            )
        if status == 401:
            raise ListReadError(
                f"{at}: GitHub refused the token ({said}); check GITHUB_TOKEN; "
                "the list was not read"
            )
        if status == 403:
            raise ListReadError(
                f"{at}: access refused ({said}); a private repository needs GITHUB_TOKEN with "
                "contents: read; the list was not read"
            )
        if status != 200:
            raise ListReadError(f"{at}: GitHub answered {said}; the list was not read")
        try:
            return response.json()
        except ValueError:
            raise ListReadError(f"{at}: GitHub's answer is not JSON") from None

    try:
        params: dict[str, str | int] | None = {"ref": where.ref} if where.ref else None
        data = get(f"/contents/{quote(where.path)}", params)
        if isinstance(data, list):
            raise ListReadError(
                f"{at}: a directory ({len(data)} entries), not a file; name the list's file "
                f"(such as {PREFIX}{where.repo}/{where.path}/README.md)"
            )
        if not isinstance(data, dict) or data.get("type") != "file":
            kind = data.get("type") if isinstance(data, dict) else None
            raise ListReadError(f"{at}: not a file ({kind or 'unknown'}); the list was not read")
        sha, size = str(data.get("sha") or ""), int(data.get("size") or 0)
        if size > max_bytes:
            raise ListReadError(f"{at}: {size} bytes, larger than {max_bytes}; not a list")
        encoded = data.get("content") if data.get("encoding") == "base64" else None
        if not encoded and size:
            blob = get(f"/git/blobs/{quote(sha)}", None)
            encoded = blob.get("content") if isinstance(blob, dict) else None
        try:
            content = base64.b64decode(str(encoded or ""))
        except (binascii.Error, ValueError):
            raise ListReadError(f"{at}: GitHub's content is not base64") from None
    finally:
        http.close()
    if len(content) > max_bytes:
        raise ListReadError(f"{at}: larger than {max_bytes} bytes; not a list")
    if git_blob_sha(content) != sha:
        raise ListReadError(f"{at}: the content does not match its blob SHA {sha[:12]}")
    return FetchedList(content, sha)
