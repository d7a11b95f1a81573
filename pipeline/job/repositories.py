"""Repository metadata for the list's code links (and the repos overrides name)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pipeline.listfile.identifiers import repo_ref
from pipeline.listfile.model import Entry
from pipeline.resolve.overrides import Overrides
from pipeline.sources.github import GitHubClient, RepoInfo


def entry_repos(entry: Entry, overrides: Overrides) -> list[str]:
    """The GitHub owner/name of an entry's code links; an override's `repo` replaces them."""
    override = overrides.for_entry(entry)
    if override is not None and override.repo:
        return [override.repo]
    return [ref.github for url in entry.code_urls if (ref := repo_ref(url)).github]


def wanted_repos(entries: Sequence[Entry], overrides: Overrides) -> list[str]:
    """Every repository once (compared case-insensitively), first spelling seen, list order."""
    repos: dict[str, str] = {}
    for entry in entries:
        for name in entry_repos(entry, overrides):
            repos.setdefault(name.casefold(), name)
    return list(repos.values())


def repo_summary(repos: dict[str, RepoInfo], github: GitHubClient) -> str:
    if github.stopped is not None and all(info.source is None for info in repos.values()):
        return f"github: FAILED: {github.stopped.detail}"
    statuses = Counter(info.status.value for info in repos.values())
    detail = ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))
    line = f"github: {len(repos)} repositories: {detail or 'none'}"
    if github.stopped is not None:
        line += f"; stopped asking: {github.stopped.detail}"
    return line
