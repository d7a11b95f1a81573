"""The anomaly guard on synthetic nights: broken sources are rejected, normal noise is not."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pipeline.analysis.guard import GuardThresholds, check_sources, without_source
from pipeline.core.errors import ConfigError
from pipeline.job.options import JobOptions
from pipeline.job.rows import merge_with_previous
from pipeline.job.steps import run_steps
from pipeline.store.tables import read_papers
from tests.conftest import SEED_LIST
from tests.fakes import fake_apis, seed_world

NOW = datetime(2026, 11, 26, 3, tzinfo=UTC)
BEFORE = datetime(2026, 11, 25, 3, tzinfo=UTC)
PAPERS = 20


def row(i: int, citations: int | None, stars: int | None, *, fresh: bool = True) -> dict[str, Any]:
    return {
        "entry_id": f"e{i}",
        "s2_paper_id": f"s2-{i}",
        "repo": f"lab/r{i}",
        "citation_count": citations,
        "influential_citation_count": None if citations is None else citations // 10,
        "corpus_id": i,
        "stars": stars,
        "forks": 1,
        "archived": False,
        "last_commit_at": None,
        "repo_status": "ok",
        "s2_fetched_at": (NOW if fresh else None) if citations is not None else None,
        "github_fetched_at": (NOW if fresh else None) if stars is not None else None,
        "snapshot_date": date(2026, 11, 26),
    }


def previous(citations: list[int], stars: list[int]) -> dict[str, dict[str, Any]]:
    rows = {}
    for i, (c, s) in enumerate(zip(citations, stars, strict=True)):
        old = row(i, c, s)
        old.update(s2_fetched_at=BEFORE, github_fetched_at=BEFORE)
        rows[old["entry_id"]] = old
    return rows


def night(citations: Sequence[int | None], stars: Sequence[int | None]) -> list[dict[str, Any]]:
    return [row(i, c, s) for i, (c, s) in enumerate(zip(citations, stars, strict=True))]


BASE_C = [100 + 10 * i for i in range(PAPERS)]
BASE_S = [50 + i for i in range(PAPERS)]
DEFAULTS = GuardThresholds()


def test_steady_growth_is_accepted() -> None:
    fresh = night([c + 3 for c in BASE_C], [s + 1 for s in BASE_S])
    assert check_sources(fresh, previous(BASE_C, BASE_S), DEFAULTS) == []


def test_a_citation_column_turned_to_zeros_is_rejected() -> None:
    counts: list[int | None] = [0 if i < 5 else c + 1 for i, c in enumerate(BASE_C)]  # 25%
    [rejection] = check_sources(night(counts, BASE_S), previous(BASE_C, BASE_S), DEFAULTS)
    assert rejection.source == "s2"
    assert "5 of 20 previously non-zero citation counts are now 0" in rejection.reason
    assert "previous values kept" in str(rejection)


def test_a_few_zeros_are_noise() -> None:
    counts: list[int | None] = [0 if i < 4 else c for i, c in enumerate(BASE_C)]  # 20%: not over
    assert check_sources(night(counts, BASE_S), previous(BASE_C, BASE_S), DEFAULTS) == []


def test_counts_falling_across_the_board_are_rejected() -> None:
    counts: list[int | None] = [c - 1 if i < 7 else c for i, c in enumerate(BASE_C)]  # 35%
    [rejection] = check_sources(night(counts, BASE_S), previous(BASE_C, BASE_S), DEFAULTS)
    assert rejection.source == "s2" and "7 of 20 citation counts fell" in rejection.reason


def test_stars_falling_across_many_repos_are_rejected_alone() -> None:
    stars: list[int | None] = [s // 2 for s in BASE_S]
    [rejection] = check_sources(night(BASE_C, stars), previous(BASE_C, BASE_S), DEFAULTS)
    assert rejection.source == "github" and "20 of 20 star counts fell" in rejection.reason


def test_a_frozen_source_is_rejected_only_after_the_configured_nights() -> None:
    old = previous(BASE_C, BASE_S)
    old_baseline = {k: {**v, "snapshot_date": date(2026, 11, 12)} for k, v in old.items()}
    frozen = night(list(BASE_C), BASE_S)
    [rejection] = check_sources(frozen, old, DEFAULTS, frozen_baseline=old_baseline)
    assert "unchanged since 2026-11-12" in rejection.reason
    assert check_sources(frozen, old, DEFAULTS, frozen_baseline={}) == []  # too young a history
    off = GuardThresholds(frozen_nights=0)
    assert check_sources(frozen, old, off, frozen_baseline=old_baseline) == []
    one_moved = night([BASE_C[0] + 1, *BASE_C[1:]], BASE_S)
    assert check_sources(one_moved, old, DEFAULTS, frozen_baseline=old_baseline) == []
    uncited = previous([0] * PAPERS, BASE_S)  # new preprints nobody cites yet: not frozen
    uncited_baseline = {k: {**v, "snapshot_date": date(2026, 11, 12)} for k, v in uncited.items()}
    still_zero = night([0] * PAPERS, BASE_S)
    assert check_sources(still_zero, uncited, DEFAULTS, frozen_baseline=uncited_baseline) == []


def test_values_a_source_did_not_refresh_and_other_papers_are_not_compared() -> None:
    counts: list[int | None] = [0] * PAPERS
    unrefreshed = [
        row(i, c, s, fresh=False) for i, (c, s) in enumerate(zip(counts, BASE_S, strict=True))
    ]
    assert check_sources(unrefreshed, previous(BASE_C, BASE_S), DEFAULTS) == []
    other_paper = [{**r, "s2_paper_id": "another"} for r in night(counts, BASE_S)]
    assert check_sources(other_paper, previous(BASE_C, BASE_S), DEFAULTS) == []


def test_too_few_values_to_compare_is_not_a_verdict() -> None:
    small_c, small_s = BASE_C[:5], BASE_S[:5]
    zeros: list[int | None] = [0] * 5
    assert check_sources(night(zeros, small_s), previous(small_c, small_s), DEFAULTS) == []
    strict = GuardThresholds(min_compared=5)
    assert check_sources(night(zeros, small_s), previous(small_c, small_s), strict) != []


def test_a_rejected_source_keeps_the_previous_values_with_their_fetched_at() -> None:
    counts: list[int | None] = [0] * PAPERS
    stars: list[int | None] = [s + 5 for s in BASE_S]
    fresh = night(counts, stars)
    old = previous(BASE_C, BASE_S)
    [rejection] = check_sources(fresh, old, DEFAULTS)
    merged = merge_with_previous(without_source(fresh, rejection.source), old)
    assert [r["citation_count"] for r in merged] == BASE_C
    assert {r["s2_fetched_at"] for r in merged} == {BEFORE}
    assert [r["stars"] for r in merged] == stars  # GitHub was fine: its values are taken
    assert {r["github_fetched_at"] for r in merged} == {NOW}


def test_thresholds_are_configurable_by_name() -> None:
    changed = DEFAULTS.with_overrides(["citations-zero-share=0.5", "frozen_nights=30"])
    assert (changed.citations_zero_share, changed.frozen_nights) == (0.5, 30)
    assert changed.stars_fall_share == DEFAULTS.stars_fall_share


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("zero_share=0.1", "use name=value with a name from citations_zero_share"),
        ("frozen_nights", "use name=value"),
        ("frozen_nights=two", "'two' is not a number"),
        ("citations_fall_share=1.5", "out of range"),
        ("citations_zero_share=nan", "out of range"),
        ("min_compared=0", "out of range"),
    ],
)
def test_a_bad_threshold_names_itself(assignment: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as error:
        DEFAULTS.with_overrides([assignment])
    assert assignment in str(error.value)


def test_a_rejected_night_saves_neither_counts_nor_citing_papers(tmp_path: Path) -> None:
    """The job end to end (without Prefect): a month later the citation history is due, and
    S2 now answers 0 for every paper: neither its counts nor its citing papers are kept."""
    world = seed_world()
    out = tmp_path / "out"
    with fake_apis(world) as (server, settings):
        options = JobOptions(SEED_LIST, out, settings)
        assert run_steps(options, NOW).status == 0
        counts = {k: r["citation_count"] for k, r in read_papers(out / "papers.parquet").items()}
        history = (out / "citations_by_year.parquet").read_bytes()
        for paper in world.papers:
            paper.citations_at_epoch, paper.citations_per_day = 0, 0.0
        server.app.today = server.app.today + timedelta(days=31)
        result = run_steps(options, NOW + timedelta(days=31))
    assert result.status == 3 and [r.source for r in result.rejections] == ["s2"]
    assert "s2 citation history: not saved (S2 rejected by the anomaly guard)" in result.lines
    assert (out / "citations_by_year.parquet").read_bytes() == history
    after = read_papers(out / "papers.parquet")
    assert {k: r["citation_count"] for k, r in after.items()} == counts
