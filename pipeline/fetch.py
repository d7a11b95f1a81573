"""Fetch what the list's own identifiers name: S2 and arXiv records for the arXiv ids and DOIs
in paper URLs, GitHub metadata for the code repositories. One API failing does not stop the
others; its failure is reported as one line."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.arxiv import ArxivClient, ArxivEntry
from pipeline.batching import unique
from pipeline.errors import ApiError, PipelineError
from pipeline.github import GitHubClient, RepoInfo
from pipeline.identifiers import paper_ids, repo_ref
from pipeline.model import Entry
from pipeline.semantic_scholar import (
    S2Lookup,
    SemanticScholarClient,
    arxiv_paper_id,
    doi_paper_id,
)


@dataclass(frozen=True)
class Wanted:
    """The identifiers a list names, without repeats."""

    s2_ids: tuple[str, ...]
    arxiv_ids: tuple[str, ...]
    repos: tuple[str, ...]  # GitHub owner/name, first spelling seen


def wanted_identifiers(entries: Sequence[Entry]) -> Wanted:
    s2_ids: list[str] = []
    arxiv_ids: list[str] = []
    repos: dict[str, str] = {}
    for entry in entries:
        if entry.paper_url:
            ids = paper_ids(entry.paper_url)
            if ids.arxiv_id:
                arxiv_ids.append(ids.arxiv_id)
                s2_ids.append(arxiv_paper_id(ids.arxiv_id))
            elif ids.doi:
                s2_ids.append(doi_paper_id(ids.doi))
        for url in entry.code_urls:
            ref = repo_ref(url)
            if ref.github:
                repos.setdefault(ref.key, ref.github)
    return Wanted(tuple(unique(s2_ids)), tuple(unique(arxiv_ids)), tuple(repos.values()))


@dataclass
class FetchResult:
    s2: list[S2Lookup] = field(default_factory=list)
    arxiv: dict[str, ArxivEntry] = field(default_factory=dict)
    github: dict[str, RepoInfo] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)  # api -> one-line reason


def fetch_by_identifiers(
    wanted: Wanted, s2: SemanticScholarClient, arxiv: ArxivClient, github: GitHubClient
) -> FetchResult:
    result = FetchResult()
    try:
        result.s2 = s2.get_papers(wanted.s2_ids)
    except PipelineError as error:
        result.failures["s2"] = _reason(error)
    try:
        result.arxiv = arxiv.get_by_ids(wanted.arxiv_ids)
    except PipelineError as error:
        result.failures["arxiv"] = _reason(error)
    try:
        result.github = github.get_repos(wanted.repos)
    except PipelineError as error:
        result.failures["github"] = _reason(error)
    if github.stopped is not None:
        result.failures["github"] = f"stopped asking: {github.stopped.detail}"
    return result


def _reason(error: PipelineError) -> str:
    return error.detail if isinstance(error, ApiError) else str(error)


def summary_lines(wanted: Wanted, result: FetchResult) -> list[str]:
    """One line per API: what was asked, what came back."""
    lines = []
    if "s2" in result.failures:
        lines.append(f"s2: FAILED: {result.failures['s2']}")
    else:
        found = sum(lookup.paper is not None for lookup in result.s2)
        merged = sum(lookup.merged_from is not None for lookup in result.s2)
        lines.append(
            f"s2: {len(wanted.s2_ids)} ids: {found} found, {len(wanted.s2_ids) - found} unknown"
            + (f", {merged} merged" if merged else "")
        )
    if "arxiv" in result.failures:
        lines.append(f"arxiv: FAILED: {result.failures['arxiv']}")
    else:
        found = len(result.arxiv)
        lines.append(
            f"arxiv: {len(wanted.arxiv_ids)} ids: {found} found, "
            f"{len(wanted.arxiv_ids) - found} unknown"
        )
    if "github" in result.failures:
        lines.append(f"github: FAILED: {result.failures['github']}")
    else:
        statuses = Counter(info.status.value for info in result.github.values())
        detail = ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))
        lines.append(f"github: {len(wanted.repos)} repositories: {detail or 'none'}")
    return lines
