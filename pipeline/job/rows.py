"""One row per list entry from this run's answers, guarded and merged with the previous table.

Building rows is pure; merging keeps the last good value of everything a source failed to
refresh this run (with its old fetched_at): nothing good is overwritten by null."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pipeline.analysis.changes import NotRefreshed
from pipeline.analysis.guard import GuardThresholds, Rejection, check_sources, without_source
from pipeline.core.rows import GITHUB_COLUMNS, S2_COLUMNS, is_same_paper, is_same_repo
from pipeline.job.options import Inputs
from pipeline.job.repositories import entry_repos
from pipeline.listfile.identifiers import repo_ref
from pipeline.resolve.records import Resolution, ResolutionRun
from pipeline.sources.github import RepoInfo, RepoStatus
from pipeline.store.tables import read_snapshot, snapshot_dates


def build_rows(
    resolutions: Sequence[Resolution],
    repos: Mapping[str, RepoInfo],
    entry_repo: Mapping[int, str],
    *,
    now: datetime,
    snapshot_date: date,
    synthetic: bool,
) -> list[dict[str, Any]]:
    """One row per entry from this run's answers (None where a source said nothing)."""
    folded = {name.casefold(): info for name, info in repos.items()}
    rows = []
    for r in resolutions:
        entry = r.entry
        repo_name = entry_repo.get(entry.position)
        # Repositories are asked once per name compared case-insensitively (wanted_repos):
        # an entry linking to another spelling of the same repository shares its answer.
        info = (repos.get(repo_name) or folded.get(repo_name.casefold())) if repo_name else None
        github_answered = info is not None and info.status is not RepoStatus.ERROR
        rows.append(
            {
                "entry_id": r.entry_id,
                "section": entry.section,
                "position": entry.position,
                "line": entry.line,
                "title": entry.title,
                "paper_url": entry.paper_url,
                "abbreviation": entry.abbreviation,
                "venue": entry.venue,
                "year": entry.year,
                "code_url": entry.code_urls[0] if entry.code_urls else None,
                "match_method": r.method.value,
                "match_score": r.score,
                "low_confidence": r.low_confidence,
                "s2_paper_id": r.s2_paper_id,
                "corpus_id": r.s2.corpus_id if r.s2 else None,
                "doi": r.doi,
                "arxiv_id": r.arxiv_id,
                "arxiv_published": r.arxiv.published if r.arxiv else None,
                "arxiv_category": r.arxiv.primary_category if r.arxiv else None,
                "authors": list(r.authors) or None,
                "citation_count": r.s2.citation_count if r.s2 else None,
                "influential_citation_count": r.s2.influential_citation_count if r.s2 else None,
                "citation_key": r.citation_key,
                "bibtex": r.bibtex,
                "repo": (info.full_name or repo_name) if info else repo_name,
                "repo_status": info.status.value if github_answered and info else None,
                "stars": info.stars if github_answered and info else None,
                "forks": info.forks if github_answered and info else None,
                "archived": info.archived if github_answered and info else None,
                "last_commit_at": info.last_commit_at if github_answered and info else None,
                "s2_fetched_at": now if r.s2 is not None else None,
                "github_fetched_at": now if github_answered else None,
                "snapshot_date": snapshot_date,
                "synthetic": synthetic,
            }
        )
    return rows


def merge_with_previous(
    rows: Sequence[dict[str, Any]], previous: Mapping[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """Keep the last good values of what this run could not refresh, with their fetched_at.

    S2 values are kept when the entry is still the same paper; GitHub values when it is still the
    same repository (or the renamed one the list still links to by its old name). Authors,
    BibTeX, citation key and arXiv metadata that are null now keep their old values when the
    entry is still the same paper.
    """
    merged = []
    for row in rows:
        old = previous.get(row["entry_id"])
        if old is None:
            merged.append(dict(row))
            continue
        new = dict(row)
        same_paper = is_same_paper(new, old)
        if new["s2_fetched_at"] is None and same_paper:
            for column in (*S2_COLUMNS, "s2_fetched_at"):
                new[column] = old.get(column)
        if new["github_fetched_at"] is None and (
            is_same_repo(new, old) or _renamed_as_listed(old, new)
        ):
            for column in (*GITHUB_COLUMNS, "github_fetched_at", "repo"):
                new[column] = old.get(column)
        for column in ("authors", "bibtex", "citation_key", "arxiv_published", "arxiv_category"):
            if new.get(column) is None and old.get(column) is not None and same_paper:
                new[column] = old[column]
        merged.append(new)
    return merged


def _renamed_as_listed(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """The previous row holds a renamed repository's new name, and this row (GitHub did not
    answer) the name the list still links to: the same repository."""
    code_url = new.get("code_url")
    return (
        old.get("repo_status") == "renamed"
        and bool(code_url)
        and code_url == old.get("code_url")
        and str(new.get("repo") or "").casefold()
        == str(repo_ref(str(code_url)).github or "").casefold()
    )


@dataclass(frozen=True)
class Assembled:
    rows: list[dict[str, Any]]
    rejections: list[Rejection]
    not_refreshed: list[NotRefreshed]


def assemble_rows(
    inputs: Inputs,
    resolution: ResolutionRun,
    repos: dict[str, RepoInfo],
    *,
    now: datetime,
    snapshot_date: date,
    synthetic: bool,
    thresholds: GuardThresholds | None = None,
    frozen_baseline: dict[str, dict[str, Any]] | None = None,
) -> Assembled:
    """This run's rows, merged with the previous table so no good value is lost.

    The anomaly guard runs first: a source it rejects loses this run's values, so the merge
    keeps the previous ones (with their old fetched_at). Entries whose values could not be
    refreshed are listed with the reason."""
    entry_repo = {
        entry.position: names[0]
        for entry in inputs.document.entries
        if (names := entry_repos(entry, inputs.overrides))
    }
    rows = build_rows(
        resolution.resolutions,
        repos,
        entry_repo,
        now=now,
        snapshot_date=snapshot_date,
        synthetic=synthetic,
    )
    rejections = check_sources(
        rows, inputs.previous_rows, thresholds or GuardThresholds(), frozen_baseline=frozen_baseline
    )
    for rejection in rejections:
        rows = without_source(rows, rejection.source)
    merged = merge_with_previous(rows, inputs.previous_rows)
    rejected = {r.source: "rejected by the anomaly guard" for r in rejections}
    stale = not_refreshed(merged, now, resolution, repos, entry_repo, rejected)
    return Assembled(merged, rejections, stale)


def not_refreshed(
    rows: Sequence[dict[str, Any]],
    now: datetime,
    resolution: ResolutionRun,
    repos: Mapping[str, RepoInfo],
    entry_repo: Mapping[int, str],
    rejected: Mapping[str, str],
) -> list[NotRefreshed]:
    """Entries whose citation count or repository values are older than this run, and why."""
    notes = {r.entry.position: "; ".join(r.notes) for r in resolution.resolutions}
    s2_failure = resolution.failures.get("s2")
    stale = []
    for row in rows:
        if row.get("s2_paper_id") and row.get("s2_fetched_at") != now:
            why = rejected.get("s2") or s2_failure or notes.get(row["position"]) or "no answer"
            stale.append(
                NotRefreshed(
                    row["title"], row.get("section"), "citations", row.get("s2_fetched_at"), why
                )
            )
        asked = entry_repo.get(row["position"])
        if asked and row.get("github_fetched_at") != now:
            info = repos.get(asked)
            repo_why = rejected.get("github") or (info.reason if info else None)
            stale.append(
                NotRefreshed(
                    row["title"],
                    row.get("section"),
                    "repository",
                    row.get("github_fetched_at"),
                    repo_why or "no answer",
                )
            )
    return stale


def not_refreshed_line(stale: Sequence[NotRefreshed]) -> str:
    """One summary line: how many values are kept from earlier runs, and the reasons."""
    counts = Counter(item.what for item in stale)
    reasons = Counter(item.reason for item in stale)
    what = " and ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    why = "; ".join(f"{reason} ({n})" for reason, n in reasons.most_common(3))
    more = f"; and {len(reasons) - 3} other reasons" if len(reasons) > 3 else ""
    return f"not refreshed this run, previous values kept (see changes.md): {what}: {why}{more}"


def frozen_baseline(out: Path, snapshot_date: date, nights: int) -> dict[str, dict[str, Any]]:
    """The latest snapshot at least `nights` nights old, for the guard's frozen-source check."""
    if nights <= 0:
        return {}
    old = [d for d in snapshot_dates(out / "history") if (snapshot_date - d).days >= nights]
    return read_snapshot(out / "history", old[-1]) if old else {}
