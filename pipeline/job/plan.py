"""How many requests a cold run of a list needs, per API, and how long their pacing takes:
what `doctor` sets against the quota left. An upper bound for a first night; later nights
ask less (cache, known ids). Pure."""

from __future__ import annotations

import math
from dataclasses import dataclass

from pipeline.listfile.identifiers import paper_ids, repo_ref
from pipeline.listfile.model import ListDocument
from pipeline.sources.github import GITHUB_GRAPHQL_BATCH
from pipeline.sources.semantic_scholar import S2_BATCH_SIZE

REQUESTS_PER_REPO_WITHOUT_TOKEN = 2  # the repository, then its newest commit


@dataclass(frozen=True)
class CallEstimate:
    entries: int
    with_ids: int  # entries S2 can look up by an id in their paper URL (batched)
    titles_only: int  # entries found by title: one S2 match each, arXiv for those S2 misses
    repositories: int  # distinct GitHub repositories

    @property
    def s2_requests(self) -> int:
        return math.ceil(self.with_ids / S2_BATCH_SIZE) + self.titles_only

    @property
    def arxiv_requests(self) -> int:
        """At most: one title search for each entry S2 does not find."""
        return self.titles_only

    def star_history_pages(self, has_token: bool) -> int:
        """A first night's star-history pages, at least: one per repository (30 weeks each;
        a repository older than that takes one more page per 30 weeks, up to 100). None are
        asked without a token."""
        return self.repositories if has_token else 0

    def github_requests(self, has_token: bool) -> int:
        if has_token:
            return math.ceil(self.repositories / GITHUB_GRAPHQL_BATCH)
        return self.repositories * REQUESTS_PER_REPO_WITHOUT_TOKEN


def estimate_calls(document: ListDocument) -> CallEstimate:
    with_ids = sum(
        1
        for entry in document.entries
        if entry.paper_url and not paper_ids(entry.paper_url).key.startswith(("url:", "cvf:"))
    )
    repositories = {
        ref.key
        for entry in document.entries
        for url in entry.code_urls
        if (ref := repo_ref(url)).github is not None
    }
    return CallEstimate(
        len(document.entries), with_ids, len(document.entries) - with_ids, len(repositories)
    )
