"""The enriched row's shared vocabulary: which columns each source refreshes, and when two rows
are the same paper or the same repository. The merge (job), the anomaly guard (analysis) and
the store all use it, so it sits below them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Columns refreshed from Semantic Scholar, and from GitHub: kept together with their fetched_at.
S2_COLUMNS = ("citation_count", "influential_citation_count", "corpus_id")
GITHUB_COLUMNS = ("stars", "forks", "archived", "last_commit_at", "repo_status")


def is_same_paper(row: Mapping[str, Any], old: Mapping[str, Any]) -> bool:
    """Both rows are the same S2 paper, so the old one's S2 values can stand for the new."""
    return bool(row.get("s2_paper_id")) and row.get("s2_paper_id") == old.get("s2_paper_id")


def is_same_repo(row: Mapping[str, Any], old: Mapping[str, Any]) -> bool:
    return (
        bool(row.get("repo"))
        and str(row["repo"]).casefold() == str(old.get("repo") or "").casefold()
    )
