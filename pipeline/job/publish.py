"""Publishing the regenerated list where the list lives (issue 24): `awesome-enrich publish` and
the flow's `publish-list` step, after the outputs are written.

Modes:
- `pr` (default): one fixed branch (`awesome-enrich/update`), reset to the base and given one
  commit on each night that changes the list; one pull request kept open, its title and body
  refreshed from changes.md. No change, no commit and no update; a pull request whose change
  the base already holds is closed. The base branch is never written.
- `commit`: one commit on the base branch, only when the content changed (a fast-forward: the
  base is never forced).
- `git`: into a local clone with the git command line; a commit only on change, never a push.
- `release: true` (pr and commit): a draft release for the ISO week, its body changes.md.

Safety: nothing is published when the anomaly guard kept a source's previous values, when the
regenerated list reads back to fewer entries than the list it came from, or when the list in
the repository changed since the run read it (its blob SHA is neither the list the run read
nor the regenerated one: a maintainer's edit; the next night catches up).
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from pipeline.core.errors import ConfigError
from pipeline.sources.config import Settings
from pipeline.sources.github_publish import (
    PERMISSIONS,
    GitHubPublisher,
    PublishError,
    RepoFile,
    git_blob_sha,
)
from pipeline.store.listio import parse_list_text
from pipeline.store.writer import write_bytes_atomic

Mode = Literal["pr", "commit", "git"]
MODES: tuple[Mode, ...] = ("pr", "commit", "git")
DEFAULT_BRANCH = "awesome-enrich/update"
LIST_NAME = "README.md"  # the regenerated list, in the output folder
CHANGES_NAME = "changes.md"
GUARD_WARNING = "> **Warning:**"  # how changes.md shows the anomaly guard's rejections
GIT_TIMEOUT_S = 60.0
_SECTION = re.compile(r"^## (.+)$", re.MULTILINE)
_SECTION_WORDS = {
    "New entries": "added",
    "Removed entries": "removed",
    "Citation movers": "citation movers",
    "Star movers": "star movers",
    "Repositories": "repository changes",
    "Newly unresolved": "newly unresolved",
}

__all__ = ["PublishError", "PublishResult", "PublishSpec", "publish_list"]


@dataclass(frozen=True)
class PublishSpec:
    """Where the list is published: `repo` is OWNER/NAME (modes pr and commit) or the path of a
    local clone (mode git); `path` the list's file in it; `base` the branch (default: the
    repository's default branch, or the clone's current branch)."""

    repo: str
    path: str = "README.md"
    base: str | None = None
    mode: Mode = "pr"
    branch: str = DEFAULT_BRANCH
    release: bool = False

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ConfigError(f"publish: mode {self.mode!r} is not one of {', '.join(MODES)}")
        if not self.path or self.path.startswith("/") or ".." in self.path.split("/"):
            raise ConfigError(f"publish: path {self.path!r} must be relative, inside the repo")
        if self.mode != "git" and self.repo.count("/") != 1:
            raise ConfigError(f"publish: repo {self.repo!r} must be OWNER/NAME")
        if self.mode == "pr" and self.base is not None and self.branch == self.base:
            raise ConfigError(f"publish: the branch must not be the base ({self.base})")


@dataclass(frozen=True)
class PublishResult:
    """What publishing did: `action` is one of published, updated, unchanged, skipped,
    closed or dry-run; `line` says it in one line for the run summary."""

    action: str
    line: str
    url: str | None = None
    diff: str = ""


@dataclass(frozen=True)
class Night:
    """What one night publishes: the regenerated list, its change report and the list the
    run read (to tell a maintainer's edit upstream from our own last publish)."""

    content: bytes
    changes: str
    source: bytes
    day: date
    source_sha: str | None = None  # the blob SHA GitHub gave the list read (a `github:` list)

    @property
    def read_sha(self) -> str:
        """The blob SHA of the list the run read: GitHub's, else computed from its bytes."""
        return self.source_sha or git_blob_sha(self.source)

    @property
    def summary(self) -> str:
        return change_summary(self.changes)

    @property
    def title(self) -> str:
        return f"Update the list: {self.day.isoformat()} ({self.summary})"


def change_summary(changes: str) -> str:
    """`3 added, 1 removed, 12 citation movers` from changes.md's sections (their bullets
    counted); `no entry changes` when it has none (the values still changed)."""
    parts = []
    sections = _SECTION.split(changes)
    for heading, body in zip(sections[1::2], sections[2::2], strict=True):
        word = _SECTION_WORDS.get(heading.strip())
        count = sum(1 for line in body.splitlines() if line.startswith("- "))
        if word and count:
            parts.append(f"{count} {word}")
    return ", ".join(parts) or "no entry changes"


def commit_message(night: Night) -> str:
    """The commit's message: the title, then each section's first lines from changes.md."""
    lines = [night.title, "", f"Regenerated by awesome-enrich on {night.day.isoformat()}."]
    sections = _SECTION.split(night.changes)
    for heading, body in zip(sections[1::2], sections[2::2], strict=True):
        items = [line for line in body.splitlines() if line.startswith("- ")]
        if heading.strip() in _SECTION_WORDS and items:
            lines += ["", f"{heading.strip()}:", *items[:5]]
            lines += [f"- ... and {len(items) - 5} more"] if len(items) > 5 else []
    return "\n".join(lines) + "\n"


def _week_tag(day: date) -> tuple[str, str]:
    year, week, _ = day.isocalendar()
    return f"awesome-enrich-{year}-w{week:02d}", f"List update, week {week} of {year}"


def unified_diff(before: bytes, after: bytes, path: str) -> str:
    return "".join(
        difflib.unified_diff(
            before.decode("utf-8", "replace").splitlines(keepends=True),
            after.decode("utf-8", "replace").splitlines(keepends=True),
            fromfile=f"a/{path}",
            tofile=f"b/{path}",
        )
    )


# --- the checks before anything is written ----------------------------------------------------
def read_night(out: Path, source: bytes, day: date, source_sha: str | None = None) -> Night:
    try:
        content = (out / LIST_NAME).read_bytes()
        changes = (out / CHANGES_NAME).read_text(encoding="utf-8")
    except OSError as error:
        raise PublishError(
            f"{out}: no regenerated list to publish ({error.strerror}); run the job first"
        ) from None
    return Night(content, changes, source, day, source_sha)


def refusal(night: Night, *, guard_tripped: bool) -> str | None:
    """Why this night must not publish, or None."""
    if guard_tripped or GUARD_WARNING in night.changes:
        return "the anomaly guard kept a source's previous values tonight"
    before = len(parse_list_text(night.source.decode("utf-8", "replace"), "<read>").entries)
    after = len(parse_list_text(night.content.decode("utf-8", "replace"), "<out>").entries)
    if after < before:
        return f"the regenerated list reads back to {after} entries, the list had {before}"
    return None


def _edited_upstream(night: Night, upstream_sha: str | None, where: str) -> str | None:
    """Why the list in the repository is not the one the run read, or None. A missing file is
    fine (the first publish creates it)."""
    if upstream_sha is None or upstream_sha in {night.read_sha, git_blob_sha(night.content)}:
        return None
    return (
        f"{where} changed since the run read the list (blob {upstream_sha[:12]}, the run read "
        f"{night.read_sha[:12]}); the next night catches up"
    )


# --- modes pr and commit, through GitHub's REST API ------------------------------------------
def _skip(line: str) -> PublishResult:
    return PublishResult("skipped", f"publish: nothing published: {line}")


def _release(gh: GitHubPublisher, night: Night, base: str) -> str:
    tag, name = _week_tag(night.day)
    found = next((r for r in gh.releases() if r.tag_name == tag), None)
    if found is None:
        gh.create_release(tag, name, night.changes, base)
        return f"; draft release {tag} created"
    if not found.draft:
        return f"; release {tag} is published already, left alone"
    if found.body != night.changes:
        release = gh.update_release(found.id, night.changes)
        return f"; draft release {release.tag_name} updated"
    return f"; draft release {tag} unchanged"


def _base_state(
    gh: GitHubPublisher, spec: PublishSpec, night: Night
) -> tuple[str, str, str, RepoFile | None] | PublishResult:
    """The base branch, how messages name the file on it, its head commit and the file there;
    or the skip when the file was edited upstream since the run read the list."""
    base = spec.base or gh.default_branch()
    where = f"{spec.repo}:{base}/{spec.path}"
    base_head = gh.branch_head(base)
    if base_head is None:
        raise PublishError(f"{spec.repo}, {spec.path}: the base branch {base} does not exist")
    upstream = gh.read_file(base)
    if (why := _edited_upstream(night, upstream.sha if upstream else None, where)) is not None:
        return _skip(why)
    return base, where, base_head, upstream


def _publish_pr(
    gh: GitHubPublisher, spec: PublishSpec, night: Night, dry_run: bool
) -> PublishResult:
    state = _base_state(gh, spec, night)
    if isinstance(state, PublishResult):
        return state
    base, where, base_head, upstream = state
    pull = gh.open_pull(spec.branch, base)
    diff = unified_diff(upstream.content if upstream else b"", night.content, spec.path)
    if upstream is not None and upstream.content == night.content:
        if pull is None:
            return PublishResult("unchanged", f"publish: {where} already holds this list")
        if dry_run:
            return PublishResult("dry-run", f"publish: would close #{pull.number}", pull.html_url)
        gh.update_pull(pull.number, state="closed")
        return PublishResult(
            "closed",
            f"publish: {where} already holds the change: pull request #{pull.number} closed",
            pull.html_url,
        )
    branch_file = gh.read_file(spec.branch) if pull is not None else None
    if pull is not None and branch_file is not None and branch_file.content == night.content:
        return PublishResult(
            "unchanged",
            f"publish: no change since pull request #{pull.number}'s commit; nothing done",
            pull.html_url,
        )
    what = f"update pull request #{pull.number}" if pull else "open a pull request"
    if dry_run:
        return PublishResult(
            "dry-run",
            f"publish: would reset {spec.branch} to {base}, commit {spec.path} and {what}",
            diff=diff,
        )
    commit = gh.commit_file(night.content, commit_message(night), base_head)
    if gh.branch_head(spec.branch) is None:
        gh.create_branch(spec.branch, commit)
    else:  # our own branch, reset to the base plus tonight's commit; never the base
        gh.move_branch(spec.branch, commit, force=True)
    if pull is None:
        pull = gh.create_pull(spec.branch, base, night.title, night.changes)
        line = f"publish: pull request #{pull.number} opened ({night.summary})"
    else:
        pull = gh.update_pull(pull.number, title=night.title, body=night.changes)
        line = f"publish: pull request #{pull.number} updated ({night.summary})"
    if spec.release:
        line += _release(gh, night, base)
    return PublishResult("published", line, pull.html_url, diff)


def _publish_commit(
    gh: GitHubPublisher, spec: PublishSpec, night: Night, dry_run: bool
) -> PublishResult:
    state = _base_state(gh, spec, night)
    if isinstance(state, PublishResult):
        return state
    base, where, base_head, upstream = state
    if upstream is not None and upstream.content == night.content:
        return PublishResult("unchanged", f"publish: {where} already holds this list")
    diff = unified_diff(upstream.content if upstream else b"", night.content, spec.path)
    if dry_run:
        return PublishResult("dry-run", f"publish: would commit {spec.path} on {base}", diff=diff)
    commit = gh.commit_file(night.content, commit_message(night), base_head)
    gh.move_branch(base, commit, force=False)  # a fast-forward: the base is never forced
    line = f"publish: committed {spec.path} on {base} as {commit[:12]} ({night.summary})"
    if spec.release:
        line += _release(gh, night, base)
    return PublishResult("published", line, diff=diff)


# --- mode git, into a local clone --------------------------------------------------------------
def _git(clone: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    git = shutil.which("git")
    if git is None:
        raise PublishError("mode git needs the git command line, which is not installed")
    try:
        done = subprocess.run(  # noqa: S603 - our own arguments, no shell
            [git, "-C", str(clone), *args],
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_S,
            check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise PublishError(f"{clone}: git {args[0]} failed ({type(error).__name__})") from None
    if check and done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise PublishError(
            f"{clone}: git {args[0]} failed: {detail[-1] if detail else done.returncode}"
        )
    return done


def _publish_git(spec: PublishSpec, night: Night, dry_run: bool) -> PublishResult:
    clone = Path(spec.repo)
    if (
        not clone.is_dir()
        or _git(clone, "rev-parse", "--is-inside-work-tree", check=False).returncode
    ):
        raise PublishError(f"{clone}: not a git clone (mode git publishes into a local clone)")
    if spec.base is not None:
        _git(clone, "switch", spec.base)
    where = f"{clone}/{spec.path}"
    if _git(clone, "status", "--porcelain", "--", spec.path).stdout.strip():
        return _skip(f"{where} has uncommitted edits")
    head = _git(clone, "rev-parse", "--verify", "--quiet", f"HEAD:{spec.path}", check=False)
    upstream = head.stdout.strip() if head.returncode == 0 else None
    if (why := _edited_upstream(night, upstream, where)) is not None:
        return _skip(why)
    target = clone / spec.path
    before = target.read_bytes() if target.exists() else b""
    if before == night.content and upstream is not None:
        return PublishResult("unchanged", f"publish: {where} already holds this list")
    diff = unified_diff(before, night.content, spec.path)
    if dry_run:
        return PublishResult("dry-run", f"publish: would commit {spec.path} in {clone}", diff=diff)
    write_bytes_atomic(target, night.content)
    _git(clone, "add", "--", spec.path)
    if _git(clone, "diff", "--cached", "--quiet", "--", spec.path, check=False).returncode == 0:
        return PublishResult("unchanged", f"publish: {where} already holds this list")
    identity: list[str] = []
    if _git(clone, "config", "user.email", check=False).returncode != 0:
        identity = ["-c", "user.name=awesome-enrich", "-c", "user.email=awesome-enrich@localhost"]
    _git(clone, *identity, "commit", "--quiet", "-m", commit_message(night), "--", spec.path)
    sha = _git(clone, "rev-parse", "--short=12", "HEAD").stdout.strip()
    return PublishResult(
        "published",
        f"publish: committed {spec.path} in {clone} as {sha} ({night.summary})",
        diff=diff,
    )


# --- the entry point -----------------------------------------------------------------------------
def publish_list(
    spec: PublishSpec,
    *,
    out: Path,
    source: bytes,
    day: date,
    settings: Settings,
    guard_tripped: bool = False,
    dry_run: bool = False,
    limiter: Callable[[str], None] | None = None,
    source_sha: str | None = None,
) -> PublishResult:
    """Publish `out`'s regenerated list as `spec` says; `source` is the list the run read
    (`source_sha` its blob SHA, when the run read it from the repository: `github:`).

    Returns what was done (or, with `dry_run`, what would be, and the diff); raises
    PublishError with one line naming the repository and path when GitHub or git refuses."""
    night = read_night(out, source, day, source_sha)
    if (why := refusal(night, guard_tripped=guard_tripped)) is not None:
        return _skip(why)
    if spec.mode == "git":
        return _publish_git(spec, night, dry_run)
    if settings.github_token is None and not dry_run:
        raise PublishError(
            f"{spec.repo}, {spec.path}: publishing needs GITHUB_TOKEN (a token with "
            f"{PERMISSIONS if spec.mode == 'pr' else 'contents: write'})"
        )
    gh = GitHubPublisher.from_settings(settings, spec.repo, spec.path, limiter)
    try:
        if spec.mode == "commit":
            return _publish_commit(gh, spec, night, dry_run)
        return _publish_pr(gh, spec, night, dry_run)
    finally:
        gh.close()
