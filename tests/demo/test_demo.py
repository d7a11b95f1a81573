"""`awesome-enrich demo --nights N`: successive nights against the fake, its clock on each
snapshot date: counts grow, entries come and go, a repository is renamed, no false alarm."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pipeline.analysis import load
from tests.demo.conftest import NIGHTS, START, DemoRun

pytestmark = pytest.mark.slow


def test_nights_grow_the_counts_and_move_the_list_without_a_false_alarm(demo_run: DemoRun) -> None:
    assert demo_run.status == 0, demo_run.printed
    days = [START + timedelta(days=i) for i in range(NIGHTS)]
    night_lines = [line for line in demo_run.printed.splitlines() if line[:10] in map(str, days)]
    assert [line[:18] for line in night_lines] == [f"{day}: exit 0" for day in days]
    assert "anomaly guard" not in demo_run.printed
    tables = load(demo_run.out)
    assert tables.synthetic and tables.history["synthetic"].all()
    history = tables.history
    assert list(history["snapshot_date"].drop_duplicates()) == days
    titles = [set(history.loc[history["snapshot_date"] == day, "title"]) for day in days]
    added, removed = titles[1] - titles[0], titles[1] - titles[2]
    assert len(added) == 2 and len(removed) == 1
    assert all(f"added {title!r}" in night_lines[1] for title in added)
    assert f"removed {removed.pop()!r}" in night_lines[2]
    # Counts grow with the fake's clock: the papers of every night, summed, night by night.
    everywhere = set.intersection(*titles)
    kept = history[history["title"].isin(everywhere)]
    totals = kept.groupby("snapshot_date")["citation_count"].sum()
    stars = kept.groupby("snapshot_date")["stars"].sum()
    assert totals.is_monotonic_increasing and totals.iloc[-1] > totals.iloc[0]
    assert stars.iloc[-1] > stars.iloc[0]
    # One repository renamed on the second night: the history follows it.
    (renamed_line,) = [line for line in night_lines if "renamed" in line]
    old, new = renamed_line.rsplit("renamed ", 1)[1].split(" to ")
    repos = history.loc[history["repo"].str.casefold().isin({old.casefold(), new.casefold()})]
    assert set(repos.loc[repos["snapshot_date"] == days[0], "repo"]) == {old}
    last = repos[repos["snapshot_date"] == days[-1]]
    assert set(last["repo"]) == {new} and set(last["repo_status"]) == {"renamed"}
    changes = (demo_run.out / "changes.md").read_text(encoding="utf-8")
    assert changes.startswith("> **SYNTHETIC") and "## Removed entries" in changes


def test_three_nights_show_a_star_trend_for_every_repository_with_stars(
    demo_run: DemoRun,
) -> None:
    """Issue 25's Done-when: a star trend from the first nights, and stars_by_week's running
    total plus its documented difference is each repository's stargazer count."""
    tables = load(demo_run.out)
    papers = tables.papers.dropna(subset=["repo"]).drop_duplicates("repo")
    starred = papers[papers["stars"].fillna(0) > 0]
    assert len(starred) >= 10
    weeks = tables.star_weeks.dropna(subset=["week_start"])
    newest = weeks.groupby("repository").tail(1).set_index("repository")
    for repo, stars in zip(starred["repo"], starred["stars"], strict=True):
        assert repo in newest.index, repo
        assert int(newest.at[repo, "running_total"] + newest.at[repo, "difference"]) == stars
        assert (weeks["repository"] == repo).sum() > 4  # weeks before the first night
    assert weeks["week_start"].min() < START - timedelta(days=365)
    report = (demo_run.out / "report.html").read_text(encoding="utf-8")
    assert report.count('class="spark stars"') == len(starred)
    assert 'id="risers-4"' in report and 'id="risers-12"' in report
    # stars against citations over time: the most cited papers with a repository, by year
    against = report.split('id="stars-against-citations"', 1)[1].split("</table>", 1)[0]
    assert (
        against.count("<tr><td>") == 10
        and f"{tables.papers['snapshot_date'].max().year} so far" in against
    )
    gone = tables.star_weeks[tables.star_weeks["status"].isin(["not_found", "blocked"])]
    assert set(gone["listed_as"]) >= set(
        papers.loc[papers["repo_status"].isin(["not_found", "blocked"]), "repo"]
    )
