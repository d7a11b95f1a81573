"""Star weeks as pure functions (issue 25): merging a refresh into stored weeks, the running
total and its difference to the star count, the plan, gains, and the report's escaped HTML."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pipeline.analysis.star_history import (
    gained_since,
    listed_as_index,
    plan_star_history,
    star_table,
    stored_for,
)
from pipeline.analysis.star_report import star_trends_html, stars_against_citations_html
from pipeline.sources.github import RepoInfo, RepoStatus
from pipeline.sources.github_stars import StarHistory, StarOutcome, StarStatus, StarWeek

THEN = datetime(2026, 11, 1, tzinfo=UTC)
NOW = datetime(2026, 12, 6, tzinfo=UTC)
SUNDAYS = [date(2026, 10, 4) + timedelta(weeks=i) for i in range(10)]  # to 2026-12-06


def stored(name: str = "a/b") -> list[dict[str, object]]:
    return star_table(
        [],
        {name: RepoInfo(name, RepoStatus.OK, full_name=name, stars=50)},
        {
            name: StarOutcome(
                "backfilled",
                StarHistory(
                    name,
                    StarStatus.OK,
                    tuple(StarWeek(w, 10) for w in reversed(SUNDAYS[:5])),
                    pages=1,
                    reached_end=True,
                ),
            )
        },
        now=THEN,
        synthetic=False,
    )


def test_a_refresh_replaces_the_weeks_it_covers_and_keeps_the_older_ones() -> None:
    old = stored()
    assert [r["running_total"] for r in old] == [10, 20, 30, 40, 50]
    assert {r["difference"] for r in old} == {0}
    # Two stars of the first week were taken back; the refresh reads weeks 4.. only.
    fresh = StarHistory(
        "a/b",
        StarStatus.OK,
        tuple(StarWeek(w, 7) for w in reversed(SUNDAYS[4:])),
        pages=1,
        reached_stored=True,
    )
    info = RepoInfo("a/b", RepoStatus.OK, full_name="a/b", stars=40 - 2 + 42)
    rows = star_table(
        old, {"a/b": info}, {"a/b": StarOutcome("refreshed", fresh)}, now=NOW, synthetic=False
    )
    assert [r["week_start"] for r in rows] == SUNDAYS
    assert [r["stars"] for r in rows] == [10] * 4 + [7] * 6
    assert [r["fetched_at"] for r in rows] == [THEN] * 4 + [NOW] * 6
    assert rows[-1]["running_total"] == 82 and rows[-1]["difference"] == -2
    assert all(r["running_total"] + r["difference"] == r["stargazers"] == 80 for r in rows[-1:])


def test_failed_gone_and_renamed_repositories_keep_their_weeks() -> None:
    old = stored()
    failed = star_table(
        old,
        {"a/b": RepoInfo("a/b", RepoStatus.OK, full_name="a/b", stars=53)},
        {"a/b": StarOutcome("failed", reason="HTTP 502")},
        now=NOW,
        synthetic=False,
    )
    assert [r["stars"] for r in failed] == [r["stars"] for r in old]
    assert failed[-1]["difference"] == 3  # stars given since the weeks were read
    gone = star_table(
        old,
        {"a/b": RepoInfo("a/b", RepoStatus.NOT_FOUND)},
        {"a/b": StarOutcome("recorded", reason="not_found")},
        now=NOW,
        synthetic=False,
    )
    assert {r["status"] for r in gone} == {"not_found"} and len(gone) == 5
    moved = star_table(
        old,
        {"a/b": RepoInfo("a/b", RepoStatus.RENAMED, full_name="c/b", stars=50)},
        {"a/b": StarOutcome("unchanged")},
        now=NOW,
        synthetic=False,
    )
    assert {(r["repository"], r["listed_as"], r["status"]) for r in moved} == {
        ("c/b", "a/b", "renamed")
    }
    never = star_table(
        [],
        {"x/y": RepoInfo("x/y", RepoStatus.BLOCKED)},
        {"x/y": StarOutcome("recorded", reason="blocked")},
        now=NOW,
        synthetic=False,
    )
    assert [(r["week_start"], r["status"]) for r in never] == [(None, "blocked")]


def test_the_plan_refreshes_stored_backfills_new_and_records_the_rest() -> None:
    from pipeline.analysis.star_history import stored_by_repository

    repos = {
        "a/b": RepoInfo("a/b", RepoStatus.OK, full_name="a/b", stars=51),
        "n/new": RepoInfo("n/new", RepoStatus.OK, full_name="n/new", stars=3),
        "z/zero": RepoInfo("z/zero", RepoStatus.OK, full_name="z/zero", stars=0),
        "g/gone": RepoInfo("g/gone", RepoStatus.NOT_FOUND),
        "e/err": RepoInfo("e/err", RepoStatus.ERROR),
    }
    plan = plan_star_history(repos, stored_by_repository(stored()), NOW)
    assert plan.refresh == {"a/b": SUNDAYS[4]} and plan.backfill == ["n/new"]
    assert plan.recorded == {"z/zero": StarStatus.EMPTY, "g/gone": StarStatus.NOT_FOUND}
    same = {"a/b": RepoInfo("a/b", RepoStatus.OK, full_name="a/b", stars=50)}
    soon = plan_star_history(same, stored_by_repository(stored()), THEN + timedelta(days=1))
    assert soon.unchanged == ["a/b"] and not soon.refresh
    late = plan_star_history(same, stored_by_repository(stored()), THEN + timedelta(days=8))
    assert late.refresh == {"a/b": SUNDAYS[4]}


def test_gains_count_the_current_week_and_the_ones_before() -> None:
    rows = stored()
    assert gained_since(rows, 4, date(2026, 11, 4)) == {"a/b": 40}
    assert gained_since(rows, 1, date(2026, 11, 1)) == {"a/b": 10}


def test_the_star_section_escapes_names_and_draws_one_sparkline_per_repository() -> None:
    name = 'x/<script>"'
    html = star_trends_html(stored(name), [name, "nobody/else"], date(2026, 11, 4))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.count('class="spark stars"') == 1
    assert 'id="risers-4"' in html and "+40" in html
    assert star_trends_html([], ["a/b"], date(2026, 11, 4)) == ""


def test_stars_against_citations_stand_at_each_years_end() -> None:
    papers: list[dict[str, Any]] = [
        {"title": "Widget Nets", "repo": "a/widget", "s2_paper_id": "W", "citation_count": 6},
        {"title": "No Stars Here", "repo": "b/none", "s2_paper_id": "N", "citation_count": 99},
        {"title": "No Repo", "repo": None, "s2_paper_id": "R", "citation_count": 50},
    ]
    weeks = [
        {"repository": "a/widget", "week_start": date(2024, 3, 3), "running_total": 10},
        {"repository": "a/widget", "week_start": date(2024, 12, 29), "running_total": 40},
        {"repository": "a/widget", "week_start": date(2026, 11, 29), "running_total": 75},
        {"repository": "a/widget", "week_start": date(2026, 12, 13), "running_total": 99},  # after
    ]
    citations: list[dict[str, Any]] = [
        {"s2_paper_id": "W", "year": 2023, "citations": 3},
        {"s2_paper_id": "W", "year": 2025, "citations": 2},
        {"s2_paper_id": "W", "year": 2027, "citations": 1},  # dated after the snapshot
        {"s2_paper_id": "W", "year": None, "citations": 7},  # no year: not placed
        {"s2_paper_id": "N", "year": 2024, "citations": 99},
    ]
    html_text = stars_against_citations_html(papers, weeks, citations, date(2026, 12, 6))
    rows = re.findall(r"<tr><td>(.*?)</tr>", html_text)
    assert len(rows) == 1 and rows[0].startswith("Widget Nets</td>")
    cells = re.findall(r'<td class="num pair">([^<]*)</td>', rows[0])
    pairs = ["&ndash; / &ndash;", "&ndash; / 3", "40 / 3", "40 / 5", "75 / 6"]
    assert [cell.replace("&nbsp;", " ") for cell in cells] == pairs
    assert "2026 so far" in html_text and "2022</th>" in html_text
    assert stars_against_citations_html(papers[1:], weeks, citations, date(2026, 12, 6)) == ""


def test_a_repository_is_found_by_the_name_it_was_listed_as_in_one_index() -> None:
    """Neither its current name nor the name asked is stored: the rows listed as the name asked,
    the first still stored (star_table takes a repository's rows out as it replaces them)."""
    stored: dict[str, list[dict[str, Any]]] = {
        "old/one": [{"repository": "old/one", "listed_as": "Listed/Name", "week_start": None}],
        "other/x": [{"repository": "other/x", "listed_as": "b/c", "week_start": None}],
        "old/two": [{"repository": "old/two", "listed_as": "listed/name", "week_start": None}],
    }
    info = RepoInfo("listed/name", RepoStatus.OK, full_name="new/name", stars=3)
    listed = listed_as_index(stored)
    assert stored_for(stored, info, listed) == ("old/one", stored["old/one"])
    assert stored_for(stored, info) == stored_for(stored, info, listed)
    stored.pop("old/one")
    assert stored_for(stored, info, listed) == ("old/two", stored["old/two"])
    stored.pop("old/two")
    assert stored_for(stored, info, listed) == (None, [])
