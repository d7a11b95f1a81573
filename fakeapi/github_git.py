"""The fake's GitHub writes, for `publish` (issue 24): in-memory repositories with branches,
blobs, trees, commits, file contents, pull requests and releases, in the shapes GitHub's REST
reference documents (git database, contents, pulls and releases endpoints).

Served under /github/repos/{owner}/{name}/... by one rule (`github_git`), for repositories
added with `add_git_repo`; they also answer GET /github/repos/{owner}/{name}. Trees are flat
(path -> blob), which is all publishing needs. Tokens: none on a write is 401 "Requires
authentication", one in `bad_tokens` 401 "Bad credentials", one in `read_only_tokens` 403
"Resource not accessible by personal access token" (one in `unreadable_tokens` gets it on reads
too: a private repository the token was not given); a repository without commits answers its
git reads with 409 "Git Repository is empty.". Tests act as the maintainer with `merge_pull`
and `commit_upstream`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from dataclasses import dataclass, field
from typing import Any

from werkzeug.wrappers import Request, Response

DOCS = "https://docs.github.com/rest"


def _sha(kind: str, data: bytes) -> str:
    return hashlib.sha1(f"{kind} {len(data)}\0".encode() + data, usedforsecurity=False).hexdigest()


@dataclass
class GitRepo:
    full_name: str
    default_branch: str = "main"
    blobs: dict[str, bytes] = field(default_factory=dict)
    trees: dict[str, dict[str, str]] = field(default_factory=dict)  # sha -> {path: blob sha}
    commits: dict[str, dict[str, Any]] = field(default_factory=dict)  # sha -> tree, parents, msg
    refs: dict[str, str] = field(default_factory=dict)  # branch -> commit sha
    pulls: list[dict[str, Any]] = field(default_factory=list)
    releases: list[dict[str, Any]] = field(default_factory=list)

    def blob(self, content: bytes) -> str:
        sha = _sha("blob", content)
        self.blobs[sha] = content
        return sha

    def tree(self, entries: dict[str, str]) -> str:
        sha = _sha("tree", json.dumps(sorted(entries.items())).encode())
        self.trees[sha] = dict(entries)
        return sha

    def commit(self, tree: str, parents: list[str], message: str) -> str:
        body = json.dumps([tree, parents, message, len(self.commits)]).encode()
        sha = _sha("commit", body)
        self.commits[sha] = {"tree": tree, "parents": list(parents), "message": message}
        return sha

    def file(self, ref: str, path: str) -> bytes | None:
        commit = self.commits.get(self.refs.get(ref, ref))
        if commit is None:
            return None
        blob = self.trees[commit["tree"]].get(path)
        return None if blob is None else self.blobs[blob]

    def ancestors(self, sha: str) -> set[str]:
        seen, todo = set(), [sha]
        while todo:
            current = todo.pop()
            if current not in seen and current in self.commits:
                seen.add(current)
                todo.extend(self.commits[current]["parents"])
        return seen

    def log(self, branch: str) -> list[str]:
        """The branch's commit messages, newest first (first parents)."""
        messages, sha = [], self.refs.get(branch)
        while sha is not None:
            commit = self.commits[sha]
            messages.append(commit["message"])
            sha = commit["parents"][0] if commit["parents"] else None
        return messages


class GitHubGitRoutes:
    """The mixin FakeApi's GitHub routes take for publishing."""

    def _github_json(self, request: Request, data: Any, status: int = 200) -> Response:
        """A REST answer under GitHub's rate-limit budget (GitHubRoutes gives it)."""
        raise NotImplementedError

    def _index_git(self) -> None:
        # Its own lock: the answers take FakeApi's (the rate-limit budget) while this is held.
        self._git_lock = threading.RLock()
        self.git_repos: dict[str, GitRepo] = {}
        self.bad_tokens: set[str] = set()
        self.read_only_tokens: set[str] = set()
        self.unreadable_tokens: set[str] = set()

    # --- set-up and the maintainer's side, for tests --------------------------------------
    def add_git_repo(
        self, full_name: str, files: dict[str, bytes] | None = None, default_branch: str = "main"
    ) -> GitRepo:
        """A repository with one commit holding `files` (None: an empty repository)."""
        repo = GitRepo(full_name, default_branch)
        if files is not None:
            tree = repo.tree({path: repo.blob(data) for path, data in files.items()})
            repo.refs[default_branch] = repo.commit(tree, [], "Initial commit")
        with self._git_lock:
            self.git_repos[full_name.casefold()] = repo
        return repo

    def git_repo(self, full_name: str) -> GitRepo:
        return self.git_repos[full_name.casefold()]

    def commit_upstream(self, full_name: str, branch: str, path: str, content: bytes) -> str:
        """A maintainer's commit on `branch` setting `path` to `content`."""
        with self._git_lock:
            repo = self.git_repo(full_name)
            head = repo.refs[branch]
            entries = dict(repo.trees[repo.commits[head]["tree"]])
            entries[path] = repo.blob(content)
            repo.refs[branch] = repo.commit(repo.tree(entries), [head], f"Edit {path}")
            return repo.refs[branch]

    def merge_pull(self, full_name: str, number: int) -> None:
        """The maintainer merges a pull request (a merge commit on its base)."""
        with self._git_lock:
            repo = self.git_repo(full_name)
            pull = next(p for p in repo.pulls if p["number"] == number)
            head = repo.refs[pull["head"]["ref"]]
            base = repo.refs[pull["base"]["ref"]]
            tree = repo.commits[head]["tree"]
            repo.refs[pull["base"]["ref"]] = repo.commit(
                tree, [base, head], f"Merge pull request #{number}"
            )
            pull.update(state="closed", merged=True)

    # --- answers ------------------------------------------------------------------------------
    def _git_error(self, request: Request, status: int, message: str, doc: str) -> Response:
        body: dict[str, Any] = {"message": message, "documentation_url": f"{DOCS}/{doc}"}
        if status in {404, 401, 403}:
            body["status"] = str(status)
        return self._github_json(request, body, status)

    def _git_denied(self, request: Request, write: bool) -> Response | None:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if token in self.bad_tokens:
            return self._git_error(request, 401, "Bad credentials", "overview")
        if write and not token:
            return self._git_error(request, 401, "Requires authentication", "overview")
        if token in self.unreadable_tokens or (write and token in self.read_only_tokens):
            return self._git_error(
                request, 403, "Resource not accessible by personal access token", "overview"
            )
        return None

    def git_repo_json(self, request: Request, repo: GitRepo) -> dict[str, Any]:
        return {
            "id": int(
                hashlib.sha1(repo.full_name.encode(), usedforsecurity=False).hexdigest()[:6], 16
            ),
            "name": repo.full_name.split("/", 1)[1],
            "full_name": repo.full_name,
            "html_url": f"https://github.com/{repo.full_name}",
            "url": f"{self._api(request, repo)}",
            "default_branch": repo.default_branch,
            "stargazers_count": 0,
            "watchers_count": 0,
            "forks_count": 0,
            "archived": False,
            "pushed_at": None,
        }

    @staticmethod
    def _api(request: Request, repo: GitRepo) -> str:
        return f"{request.host_url.rstrip('/')}/github/repos/{repo.full_name}"

    def _ref_json(self, request: Request, repo: GitRepo, branch: str) -> dict[str, Any]:
        sha = repo.refs[branch]
        return {
            "ref": f"refs/heads/{branch}",
            "node_id": "REF_" + sha[:10],
            "url": f"{self._api(request, repo)}/git/refs/heads/{branch}",
            "object": {
                "sha": sha,
                "type": "commit",
                "url": f"{self._api(request, repo)}/git/commits/{sha}",
            },
        }

    def _commit_json(self, request: Request, repo: GitRepo, sha: str) -> dict[str, Any]:
        commit = repo.commits[sha]
        api = self._api(request, repo)
        person = {
            "name": "awesome-enrich",
            "email": "fake@example.com",
            "date": "2026-01-01T00:00:00Z",
        }
        return {
            "sha": sha,
            "node_id": "C_" + sha[:10],
            "url": f"{api}/git/commits/{sha}",
            "html_url": f"https://github.com/{repo.full_name}/commit/{sha}",
            "author": person,
            "committer": person,
            "message": commit["message"],
            "tree": {"sha": commit["tree"], "url": f"{api}/git/trees/{commit['tree']}"},
            "parents": [
                {"sha": p, "url": f"{api}/git/commits/{p}", "html_url": ""}
                for p in commit["parents"]
            ],
            "verification": {"verified": False, "reason": "unsigned"},
        }

    def _pull_json(self, repo: GitRepo, pull: dict[str, Any]) -> dict[str, Any]:
        head_sha = repo.refs.get(pull["head"]["ref"], "")
        return {
            **pull,
            "head": {**pull["head"], "sha": head_sha},
            "html_url": f"https://github.com/{repo.full_name}/pull/{pull['number']}",
        }

    def github_git(self, request: Request, owner: str, name: str, rest: str) -> Response:
        repo = self.git_repos.get(f"{owner}/{name}".casefold())
        write = request.method != "GET"
        denied = self._git_denied(request, write)
        if denied is not None:
            return denied
        if repo is None:
            return self._git_error(request, 404, "Not Found", "repos/repos#get-a-repository")
        with self._git_lock:
            return self._git_answer(request, repo, rest.strip("/"))

    def _git_answer(self, request: Request, repo: GitRepo, rest: str) -> Response:
        method = request.method
        body: dict[str, Any] = request.get_json(silent=True) or {} if method != "GET" else {}
        if rest.startswith("git/") and not repo.refs:
            return self._git_error(request, 409, "Git Repository is empty.", "git")
        if method == "GET" and rest.startswith("git/ref/heads/"):
            branch = rest.removeprefix("git/ref/heads/")
            if branch not in repo.refs:
                return self._git_error(request, 404, "Not Found", "git/refs#get-a-reference")
            return self._github_json(request, self._ref_json(request, repo, branch))
        if method == "GET" and rest.startswith("git/commits/"):
            sha = rest.removeprefix("git/commits/")
            if sha not in repo.commits:
                return self._git_error(request, 404, "Not Found", "git/commits#get-a-commit-object")
            return self._github_json(request, self._commit_json(request, repo, sha))
        if method == "GET" and rest.startswith("git/blobs/"):
            sha = rest.removeprefix("git/blobs/")
            if sha not in repo.blobs:
                return self._git_error(request, 404, "Not Found", "git/blobs#get-a-blob")
            data = repo.blobs[sha]
            return self._github_json(
                request,
                {
                    "sha": sha,
                    "size": len(data),
                    "content": base64.encodebytes(data).decode(),
                    "encoding": "base64",
                },
            )
        if method == "GET" and rest.startswith("contents/"):
            return self._contents(request, repo, rest.removeprefix("contents/"))
        if method == "POST" and rest == "git/blobs":
            try:
                content = (
                    base64.b64decode(body["content"])
                    if body.get("encoding") == "base64"
                    else str(body["content"]).encode()
                )
            except (KeyError, ValueError):
                return self._git_error(request, 422, "Invalid request.", "git/blobs#create-a-blob")
            sha = repo.blob(content)
            return self._github_json(
                request, {"url": f"{self._api(request, repo)}/git/blobs/{sha}", "sha": sha}, 201
            )
        if method == "POST" and rest == "git/trees":
            return self._create_tree(request, repo, body)
        if method == "POST" and rest == "git/commits":
            tree, parents = body.get("tree"), body.get("parents") or []
            if tree not in repo.trees or any(p not in repo.commits for p in parents):
                return self._git_error(
                    request, 422, "Tree SHA does not exist", "git/commits#create-a-commit"
                )
            sha = repo.commit(str(tree), list(parents), str(body.get("message", "")))
            return self._github_json(request, self._commit_json(request, repo, sha), 201)
        if method == "POST" and rest == "git/refs":
            return self._create_ref(request, repo, body)
        if method == "PATCH" and rest.startswith("git/refs/heads/"):
            return self._update_ref(request, repo, rest.removeprefix("git/refs/heads/"), body)
        if rest == "pulls" or rest.startswith("pulls/"):
            return self._pulls(request, repo, rest, body)
        if rest == "releases" or rest.startswith("releases/"):
            return self._releases(request, repo, rest, body)
        return self._git_error(request, 404, "Not Found", "")

    def _contents(self, request: Request, repo: GitRepo, path: str) -> Response:
        ref = request.args.get("ref") or repo.default_branch
        if not repo.refs:
            return self._git_error(request, 404, "This repository is empty.", "repos/contents")
        commit = repo.commits.get(repo.refs.get(ref, ref))
        entries = repo.trees[commit["tree"]] if commit else {}
        blob = entries.get(path)
        inside = sorted(p for p in entries if p.startswith(f"{path.rstrip('/')}/"))
        if blob is None and inside:  # a directory: its entries, as a JSON array
            names = sorted({p.removeprefix(f"{path.rstrip('/')}/").split("/")[0] for p in inside})
            return self._github_json(
                request,
                [{"type": "file", "name": n, "path": f"{path.rstrip('/')}/{n}"} for n in names],
            )
        if blob is None:
            return self._git_error(
                request, 404, "Not Found", "repos/contents#get-repository-content"
            )
        data = repo.blobs[blob]
        large = len(data) > 1024 * 1024  # GitHub leaves the content out past 1 MB
        return self._github_json(
            request,
            {
                "type": "file",
                "encoding": "none" if large else "base64",
                "size": len(data),
                "name": path.rsplit("/", 1)[-1],
                "path": path,
                "content": "" if large else base64.encodebytes(data).decode(),
                "sha": blob,
                "url": f"{self._api(request, repo)}/contents/{path}?ref={ref}",
                "git_url": f"{self._api(request, repo)}/git/blobs/{blob}",
                "html_url": f"https://github.com/{repo.full_name}/blob/{ref}/{path}",
                "download_url": None,
            },
        )

    def _create_tree(self, request: Request, repo: GitRepo, body: dict[str, Any]) -> Response:
        base = body.get("base_tree")
        if base is not None and base not in repo.trees:
            return self._git_error(request, 422, "Invalid tree info", "git/trees#create-a-tree")
        entries = dict(repo.trees[base]) if base else {}
        for item in body.get("tree") or []:
            if item.get("sha") not in repo.blobs or item.get("type") != "blob":
                return self._git_error(
                    request, 422, "tree.sha is not a valid blob", "git/trees#create-a-tree"
                )
            entries[str(item["path"])] = item["sha"]
        sha = repo.tree(entries)
        api = self._api(request, repo)
        return self._github_json(
            request,
            {
                "sha": sha,
                "url": f"{api}/git/trees/{sha}",
                "tree": [
                    {"path": p, "mode": "100644", "type": "blob", "sha": s}
                    for p, s in sorted(entries.items())
                ],
                "truncated": False,
            },
            201,
        )

    def _create_ref(self, request: Request, repo: GitRepo, body: dict[str, Any]) -> Response:
        ref, sha = str(body.get("ref", "")), body.get("sha")
        if not ref.startswith("refs/heads/") or sha not in repo.commits:
            return self._git_error(request, 422, "Invalid request.", "git/refs#create-a-reference")
        branch = ref.removeprefix("refs/heads/")
        if branch in repo.refs:
            return self._git_error(
                request, 422, "Reference already exists", "git/refs#create-a-reference"
            )
        repo.refs[branch] = str(sha)
        return self._github_json(request, self._ref_json(request, repo, branch), 201)

    def _update_ref(
        self, request: Request, repo: GitRepo, branch: str, body: dict[str, Any]
    ) -> Response:
        sha = body.get("sha")
        if branch not in repo.refs:
            return self._git_error(
                request, 422, "Reference does not exist", "git/refs#update-a-reference"
            )
        if sha not in repo.commits:
            return self._git_error(
                request, 422, "Object does not exist", "git/refs#update-a-reference"
            )
        if not body.get("force") and repo.refs[branch] not in repo.ancestors(str(sha)):
            return self._git_error(
                request, 422, "Update is not a fast forward", "git/refs#update-a-reference"
            )
        repo.refs[branch] = str(sha)
        return self._github_json(request, self._ref_json(request, repo, branch))

    def _pulls(self, request: Request, repo: GitRepo, rest: str, body: dict[str, Any]) -> Response:
        owner = repo.full_name.split("/", 1)[0]
        if request.method == "GET" and rest == "pulls":
            state = request.args.get("state", "open")
            head, base = request.args.get("head"), request.args.get("base")
            found = [
                self._pull_json(repo, p)
                for p in repo.pulls
                if (state == "all" or p["state"] == state)
                and (head is None or head == f"{owner}:{p['head']['ref']}")
                and (base is None or base == p["base"]["ref"])
            ]
            return self._github_json(request, found)
        if request.method == "POST" and rest == "pulls":
            head, base = str(body.get("head", "")), str(body.get("base", ""))
            head = head.split(":", 1)[-1]
            if head not in repo.refs or base not in repo.refs:
                return self._validation(
                    request,
                    "PullRequest",
                    "invalid",
                    "pulls#create-a-pull-request",
                    "head or base does not exist",
                )
            if any(
                p["state"] == "open" and p["head"]["ref"] == head and p["base"]["ref"] == base
                for p in repo.pulls
            ):
                return self._validation(
                    request,
                    "PullRequest",
                    "custom",
                    "pulls#create-a-pull-request",
                    f"A pull request already exists for {owner}:{head}.",
                )
            if repo.refs[head] in repo.ancestors(repo.refs[base]):
                return self._validation(
                    request,
                    "PullRequest",
                    "custom",
                    "pulls#create-a-pull-request",
                    f"No commits between {base} and {head}",
                )
            pull = {
                "number": len(repo.pulls) + 1,
                "state": "open",
                "merged": False,
                "title": str(body.get("title", "")),
                "body": body.get("body"),
                "head": {"ref": head, "label": f"{owner}:{head}"},
                "base": {"ref": base, "label": f"{owner}:{base}"},
            }
            repo.pulls.append(pull)
            return self._github_json(request, self._pull_json(repo, pull), 201)
        number = rest.removeprefix("pulls/")
        asked: dict[str, Any] | None = next(
            (p for p in repo.pulls if str(p["number"]) == number), None
        )
        if asked is None:
            return self._git_error(request, 404, "Not Found", "pulls#get-a-pull-request")
        if request.method == "PATCH":
            for key in ("title", "body"):
                if key in body:
                    asked[key] = body[key]
            if body.get("state") in {"open", "closed"}:
                asked["state"] = body["state"]
        return self._github_json(request, self._pull_json(repo, asked))

    def _validation(
        self, request: Request, resource: str, code: str, doc: str, message: str
    ) -> Response:
        body = {
            "message": "Validation Failed",
            "errors": [{"resource": resource, "code": code, "message": message}],
            "documentation_url": f"{DOCS}/{doc}",
        }
        return self._github_json(request, body, 422)

    def _releases(
        self, request: Request, repo: GitRepo, rest: str, body: dict[str, Any]
    ) -> Response:
        if request.method == "GET" and rest == "releases":
            return self._github_json(request, list(reversed(repo.releases)))
        if request.method == "POST" and rest == "releases":
            tag = str(body.get("tag_name", ""))
            if not tag or any(r["tag_name"] == tag for r in repo.releases):
                return self._validation(
                    request,
                    "Release",
                    "already_exists",
                    "releases/releases#create-a-release",
                    "tag_name already exists",
                )
            release = {
                "id": 1000 + len(repo.releases),
                "tag_name": tag,
                "name": body.get("name"),
                "body": body.get("body"),
                "draft": bool(body.get("draft")),
                "prerelease": False,
                "target_commitish": body.get("target_commitish") or repo.default_branch,
                "html_url": f"https://github.com/{repo.full_name}/releases/tag/{tag}",
            }
            repo.releases.append(release)
            return self._github_json(request, release, 201)
        release_id = rest.removeprefix("releases/")
        found: dict[str, Any] | None = next(
            (r for r in repo.releases if str(r["id"]) == release_id), None
        )
        if found is None:
            return self._git_error(request, 404, "Not Found", "releases/releases")
        if request.method == "PATCH":
            for key in ("body", "name", "tag_name", "draft"):
                if key in body:
                    found[key] = body[key]
        return self._github_json(request, found)
