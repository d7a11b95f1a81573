"""What changed since the previous snapshot, as data and as `changes.md`: pure functions.

In the spirit of best-of lists' "latest changes": new and removed entries, the largest citation
and star movers, repositories that became archived, renamed, gone or stale, and entries that no
longer resolve. Rows are the enriched table's rows (dicts keyed by column name).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from pipeline.listfile.markdown import escape_text

STALE_AFTER = timedelta(days=365)  # no commit in 12 months
TOP_MOVERS = 10
GONE_STATUSES = {"not_found", "blocked"}


@dataclass(frozen=True)
class Mover:
    title: str
    section: str | None
    before: int
    after: int

    @property
    def delta(self) -> int:
        return self.after - self.before


@dataclass(frozen=True)
class RepoChange:
    title: str
    repo: str
    what: str  # archived | renamed | gone | blocked | stale
    detail: str = ""


@dataclass(frozen=True)
class NotRefreshed:
    """An entry whose citation count or repository values are from an earlier run."""

    title: str
    section: str | None
    what: str  # "citations" or "repository"
    last_fetched: datetime | None
    reason: str


@dataclass(frozen=True)
class Changes:
    snapshot_date: date
    previous_date: date | None
    entries: int
    added: list[tuple[str, str | None]] = field(default_factory=list)  # (title, section)
    removed: list[tuple[str, str | None]] = field(default_factory=list)
    citation_movers: list[Mover] = field(default_factory=list)
    star_movers: list[Mover] = field(default_factory=list)
    repo_changes: list[RepoChange] = field(default_factory=list)
    newly_unresolved: list[tuple[str, str | None]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # the anomaly guard's rejections
    not_refreshed: list[NotRefreshed] = field(default_factory=list)
    synthetic: bool = False


def _is_stale(row: Mapping[str, Any], day: date) -> bool:
    last = row.get("last_commit_at")
    if not isinstance(last, datetime) or row.get("repo_status") in GONE_STATUSES:
        return False
    return day - last.date() > STALE_AFTER


def _movers(
    current: Sequence[Mapping[str, Any]], previous: Mapping[str, Mapping[str, Any]], column: str
) -> list[Mover]:
    movers = []
    for row in current:
        old = previous.get(row["entry_id"])
        before, after = (old or {}).get(column), row.get(column)
        if before is None or after is None or before == after:
            continue
        movers.append(Mover(row["title"], row.get("section"), int(before), int(after)))
    # Largest absolute change first; ties in list order (the sort is stable).
    movers.sort(key=lambda m: -abs(m.delta))
    return movers[:TOP_MOVERS]


def _repo_changes(
    row: Mapping[str, Any], old: Mapping[str, Any], day: date, previous_day: date
) -> list[RepoChange]:
    repo, old_repo = row.get("repo"), old.get("repo")
    if not repo or not old_repo:
        return []
    title, status, old_status = row["title"], row.get("repo_status"), old.get("repo_status")
    changes = []
    if str(repo).casefold() != str(old_repo).casefold() and status == "renamed":
        changes.append(RepoChange(title, str(repo), "renamed", f"was {old_repo}"))
    if status in GONE_STATUSES and old_status not in GONE_STATUSES:
        what = "gone" if status == "not_found" else "blocked"
        changes.append(RepoChange(title, str(repo), what))
    if row.get("archived") and old.get("archived") is False:
        changes.append(RepoChange(title, str(repo), "archived"))
    if _is_stale(row, day) and not _is_stale(old, previous_day):
        last = row["last_commit_at"].date().isoformat()
        changes.append(RepoChange(title, str(repo), "stale", f"last commit {last}"))
    return changes


def compute_changes(
    current: Sequence[Mapping[str, Any]],
    previous: Mapping[str, Mapping[str, Any]],
    snapshot_date: date,
    *,
    warnings: Sequence[str] = (),
    not_refreshed: Sequence[NotRefreshed] = (),
    synthetic: bool = False,
) -> Changes:
    """Compare this run's rows with the previous snapshot's (by entry_id)."""
    previous_dates = {row.get("snapshot_date") for row in previous.values()}
    previous_day = max((d for d in previous_dates if isinstance(d, date)), default=None)
    current_ids = {row["entry_id"] for row in current}
    changes = Changes(
        snapshot_date=snapshot_date,
        previous_date=previous_day,
        entries=len(current),
        warnings=list(warnings),
        not_refreshed=list(not_refreshed),
        synthetic=synthetic,
    )
    if not previous:
        return changes
    for row in current:
        old = previous.get(row["entry_id"])
        if old is None:
            changes.added.append((row["title"], row.get("section")))
            continue
        changes.repo_changes.extend(
            _repo_changes(row, old, snapshot_date, previous_day or snapshot_date)
        )
        if row.get("match_method") == "unresolved" and old.get("match_method") != "unresolved":
            changes.newly_unresolved.append((row["title"], row.get("section")))
    changes.removed.extend(
        (str(old["title"]), old.get("section"))
        for entry_id, old in sorted(previous.items(), key=lambda item: item[1].get("position", 0))
        if entry_id not in current_ids
    )
    changes.citation_movers.extend(_movers(current, previous, "citation_count"))
    changes.star_movers.extend(_movers(current, previous, "stars"))
    return changes


def _entry(title: str, section: str | None) -> str:
    return f"{escape_text(title)} ({escape_text(section)})" if section else escape_text(title)


def _mover_line(mover: Mover) -> str:
    return (
        f"- {_entry(mover.title, mover.section)}: {mover.delta:+,} "
        f"({mover.before:,} → {mover.after:,})"
    )


def render_changes(changes: Changes, synthetic_banner: str = "") -> str:
    """changes.md: headings only for what happened, and one line saying when nothing did."""
    lines = []
    if changes.synthetic and synthetic_banner:
        lines += [f"> **{synthetic_banner}**", ""]
    lines.append(f"# Changes on {changes.snapshot_date.isoformat()}")
    lines.append("")
    for warning in changes.warnings:
        lines += [f"> **Warning:** {escape_text(warning)}", ""]
    if changes.previous_date is None:
        lines += [f"First snapshot: {changes.entries} entries.", ""]
        return "\n".join([*lines, *_not_refreshed_section(changes.not_refreshed)])
    lines += [f"Since the snapshot of {changes.previous_date.isoformat()}.", ""]
    sections: list[tuple[str, list[str]]] = [
        ("New entries", [f"- {_entry(t, s)}" for t, s in changes.added]),
        ("Removed entries", [f"- {_entry(t, s)}" for t, s in changes.removed]),
        ("Citation movers", [_mover_line(m) for m in changes.citation_movers]),
        ("Star movers", [_mover_line(m) for m in changes.star_movers]),
        (
            "Repositories",
            [
                f"- {escape_text(c.repo)} ({escape_text(c.title)}): {c.what}"
                + (f", {escape_text(c.detail)}" if c.detail else "")
                for c in changes.repo_changes
            ],
        ),
        ("Newly unresolved", [f"- {_entry(t, s)}" for t, s in changes.newly_unresolved]),
    ]
    happened = [(heading, body) for heading, body in sections if body]
    if not happened:
        lines += ["No changes.", ""]
    for heading, body in happened:
        lines += [f"## {heading}", "", *body, ""]
    return "\n".join([*lines, *_not_refreshed_section(changes.not_refreshed)])


NOT_REFRESHED_SOURCES = {
    "citations": "Semantic Scholar citations",
    "repository": "GitHub repositories",
}
LIST_NOT_REFRESHED_BELOW = 10  # entries are named only when fewer than this, per source


def _not_refreshed_section(stale: Sequence[NotRefreshed]) -> list[str]:
    """Values kept from an earlier run, after the changes: one line per source with a count,
    the oldest value and the reasons; the entries themselves only when there are fewer than
    ten of them, so a night on which a source did not answer stays short."""
    if not stale:
        return []
    lines = ["## Not refreshed this run (previous values kept)", ""]
    for what in sorted({item.what for item in stale}, key=_source_order):
        items = [item for item in stale if item.what == what]
        lines.append(f"- {NOT_REFRESHED_SOURCES.get(what, what)}: {_source_summary(items)}")
        if len(items) < LIST_NOT_REFRESHED_BELOW:
            lines.extend(
                f"  - {_entry(item.title, item.section)}: {_since(item)}" for item in items
            )
    return [*lines, ""]


def _source_order(what: str) -> int:
    order = list(NOT_REFRESHED_SOURCES)
    return order.index(what) if what in order else len(order)


def _since(item: NotRefreshed) -> str:
    return f"from {item.last_fetched.date().isoformat()}" if item.last_fetched else "never fetched"


def _source_summary(items: Sequence[NotRefreshed]) -> str:
    """`12 entries (3 never fetched, the oldest from 2026-11-20); reason (9), other (3)`."""
    never = sum(1 for item in items if item.last_fetched is None)
    dates = [item.last_fetched for item in items if item.last_fetched is not None]
    facts = [f"{never} never fetched"] if never else []
    if dates:
        facts.append(f"the oldest from {min(dates).date().isoformat()}")
    reasons = Counter(item.reason for item in items).most_common()
    shown = "; ".join(f"{escape_text(reason)} ({n})" for reason, n in reasons[:3])
    more = f"; {len(reasons) - 3} other reasons" if len(reasons) > 3 else ""
    noun = "entry" if len(items) == 1 else "entries"
    return f"{len(items)} {noun} ({', '.join(facts)}); {shown}{more}"
