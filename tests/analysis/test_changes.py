"""changes.md: what changed between two snapshots, against golden files."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from pipeline.analysis.changes import (
    TOP_MOVERS,
    NotRefreshed,
    compute_changes,
    render_changes,
)
from pipeline.resolve.report import SYNTHETIC_BANNER

GOLDEN = Path(__file__).parent.parent / "data" / "changes"
BEFORE, NOW = date(2026, 11, 25), date(2026, 11, 26)


def row(entry: str, **values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "entry_id": entry,
        "title": f"Paper {entry.upper()}",
        "section": "2024",
        "position": ord(entry[0]) - ord("a"),
        "match_method": "pinned",
        "s2_paper_id": f"s2-{entry}",
        "citation_count": 100,
        "repo": f"lab/{entry}",
        "repo_status": "ok",
        "stars": 50,
        "archived": False,
        "last_commit_at": datetime(2026, 6, 1, tzinfo=UTC),
    }
    return {**base, **values}


def previous_of(*rows: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["entry_id"]: {**r, "snapshot_date": BEFORE} for r in rows}


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_a_night_with_every_kind_of_change() -> None:
    previous = previous_of(
        row("a", citation_count=100, stars=500),
        row("b", citation_count=40, stars=10),
        row("c", repo="oldlab/c"),
        row("d"),
        row("e"),
        row("f", last_commit_at=datetime(2025, 11, 25, tzinfo=UTC)),  # 366 days before NOW
        row("g"),
        row("h", title="Removed | with a pipe"),
    )
    current = [
        row("a", citation_count=130, stars=480),
        row("b", citation_count=35, stars=10),
        row("c", repo="newlab/c", repo_status="renamed"),
        row("d", repo_status="not_found", stars=None),
        row("e", archived=True),
        row("f", last_commit_at=datetime(2025, 11, 25, tzinfo=UTC)),
        row("g", match_method="unresolved", citation_count=None),
        row("i", title="A *new* paper", section="2025"),
    ]
    changes = compute_changes(current, previous, NOW)
    assert [m.delta for m in changes.citation_movers] == [30, -5]
    assert [(c.repo, c.what) for c in changes.repo_changes] == [
        ("newlab/c", "renamed"),
        ("lab/d", "gone"),
        ("lab/e", "archived"),
        ("lab/f", "stale"),
    ]
    check_golden("every-kind.md", render_changes(changes))


def test_the_guard_banner_and_the_synthetic_label_come_first() -> None:
    previous = previous_of(row("a"))
    warning = "Semantic Scholar values rejected by the anomaly guard: 9 of 10 counts are now 0"
    changes = compute_changes(
        [row("a", citation_count=101)], previous, NOW, warnings=[warning], synthetic=True
    )
    check_golden("guarded-synthetic.md", render_changes(changes, SYNTHETIC_BANNER))


def test_the_first_snapshot_and_a_quiet_night() -> None:
    first = render_changes(compute_changes([row("a"), row("b")], {}, NOW))
    assert first.splitlines()[2] == "First snapshot: 2 entries."
    quiet = render_changes(compute_changes([row("a")], previous_of(row("a")), NOW))
    assert "No changes." in quiet and "##" not in quiet
    assert "Since the snapshot of 2026-11-25." in quiet


def test_movers_are_the_largest_changes_both_ways_and_capped() -> None:
    previous = previous_of(*(row(f"p{i:02}", citation_count=100) for i in range(30)))
    current = [row(f"p{i:02}", citation_count=100 + (i if i % 2 else -i)) for i in range(30)]
    movers = compute_changes(current, previous, NOW).citation_movers
    assert len(movers) == TOP_MOVERS
    assert [m.delta for m in movers[:4]] == [29, -28, 27, -26]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ({"repo_status": "not_found"}, {"repo_status": "not_found"}),  # gone both nights
        ({"archived": None}, {"archived": True}),  # archived unknown before: not "became"
        ({"last_commit_at": datetime(2024, 1, 1, tzinfo=UTC)}, {"last_commit_at": None}),
    ],
)
def test_repo_states_that_did_not_change_are_not_reported(
    old: dict[str, Any], new: dict[str, Any]
) -> None:
    changes = compute_changes([row("a", **new)], previous_of(row("a", **old)), NOW)
    assert changes.repo_changes == []


def stale(entry: str, what: str, reason: str, fetched: datetime | None) -> NotRefreshed:
    return NotRefreshed(f"Paper {entry.upper()}", "2024", what, fetched, reason)


def test_values_not_refreshed_are_one_line_per_source_and_named_only_when_few() -> None:
    old = datetime(2026, 11, 20, tzinfo=UTC)
    kept = [
        *(
            stale(f"r{i:02}", "repository", "not asked: without GITHUB_TOKEN", None)
            for i in range(11)
        ),
        stale("r99", "repository", "rate limited", old),
        stale("c1", "citations", "s2: FAILED: timed out", old),
        stale("c2", "citations", "s2: FAILED: timed out", None),
    ]
    text = render_changes(
        compute_changes([row("a")], previous_of(row("a")), NOW, not_refreshed=kept)
    )
    section = text[text.index("## Not refreshed") :].splitlines()
    assert section[2:] == [
        "- Semantic Scholar citations: 2 entries (1 never fetched, the oldest from 2026-11-20); "
        "s2: FAILED: timed out (2)",
        "  - Paper C1 (2024): from 2026-11-20",
        "  - Paper C2 (2024): never fetched",
        "- GitHub repositories: 12 entries (11 never fetched, the oldest from 2026-11-20); "
        "not asked: without GITHUB\\_TOKEN (11); rate limited (1)",
    ]
    assert "Paper R" not in text  # twelve entries: counted, not listed
