"""The pure parts of the many-lists benchmark (benchmarks/scale.py); the benchmark itself
starts servers and workers and is run by hand (benchmarks/RESULTS.md says how)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from benchmarks.scale import (
    Outcome,
    check_rows,
    closest_gap,
    expected,
    idle_time,
    list_name,
    lists_yaml,
    split_list,
    violations_of,
)
from benchmarks.synthetic_list import make_records, render_list
from fakeapi.text import title_key
from fakeapi.world import world_from_records
from pipeline.job.lists import load_lists
from pipeline.listfile.parser import parse_list


def test_a_list_is_dealt_into_lists_of_the_same_shape_without_losing_a_paper() -> None:
    records = make_records(50)
    whole = render_list(records)
    parts = split_list(whole, 4)
    titles = [[e.title for e in parse_list(part).entries] for part in parts]
    assert [len(t) for t in titles] == [13, 13, 12, 12]
    # The product reads back exactly the generated records, dealt row i to list i % 4 (the
    # scale benchmark checks each list's rows against records[i::4]).
    assert titles == [[r.title for r in records[part::4]] for part in range(4)]
    assert all(part.startswith("# SYNTHETIC") for part in parts)


def test_a_generated_list_is_the_records_it_was_rendered_from() -> None:
    records = make_records(200, seed=3)
    document = parse_list(render_list(records))
    assert [(e.title, e.year) for e in document.entries] == [(r.title, r.year) for r in records]
    assert sum(1 for r in records if r.arxiv_id) > 0 and sum(1 for r in records if r.doi) > 0


def test_the_lists_file_is_one_the_deploy_command_reads(tmp_path: Path) -> None:
    path = tmp_path / "lists.yaml"
    path.write_text(lists_yaml(3, tmp_path, 0, date(2026, 11, 30)), encoding="utf-8")
    lists = load_lists(path)
    assert [spec.name for spec in lists.lists] == [list_name(n) for n in (1, 2, 3)]
    assert lists.work_pool == "scale-benchmark"
    assert lists.defaults == {"snapshot_date": "2026-11-30", "citation_pages": 0}
    first = lists.lists[0]
    assert first.list == str(tmp_path / "lists" / "scale-01.md")
    assert first.out == str(tmp_path / "out" / "scale-01")
    assert first.parameters == {"cache_dir": str(tmp_path / "cache" / "scale-01")}


def test_rows_are_checked_against_the_world() -> None:
    generated = make_records(20)
    world = world_from_records(generated, namesake_rate=0.0)
    truth = expected(world)
    records = {paper.paper_id: title_key(paper.title) for paper in world.papers}
    titles = [r.title for r in generated]
    rows = [
        {
            "title": t,
            "s2_paper_id": truth[title_key(t)][0],
            "arxiv_id": truth[title_key(t)][1],
            "match_method": "s2_title",
        }
        for t in titles
    ]
    assert check_rows(rows, titles, truth, records) == ([], 0)
    in_s2 = [i for i, row in enumerate(rows) if row["s2_paper_id"]]
    # Another paper of the world (a lookalike title): counted apart, not a problem.
    rows[in_s2[0]] = {**rows[in_s2[0]], "s2_paper_id": rows[in_s2[1]]["s2_paper_id"]}
    assert check_rows(rows, titles, truth, records) == ([], 1)
    rows[in_s2[2]] = {**rows[in_s2[2]], "s2_paper_id": None, "match_method": "unresolved"}
    problems, _ = check_rows(rows[1:], titles, truth, records)
    assert problems[0] == f"{len(titles) - 1} rows for {len(titles)} entries"
    assert problems[-1].startswith("1 rows not resolved as the world says")


def test_idle_time_and_violations_per_api() -> None:
    assert idle_time([0.0, 0.05, 0.1, 0.5, 0.55], 0.05) == pytest.approx(0.35)
    assert idle_time([], 0.05) == 0.0
    assert closest_gap([0.3, 0.0, 0.1]) == pytest.approx(0.1)
    assert closest_gap([1.0]) == float("inf")
    found = {"s2 0123456789ab": 2, "s2 anonymous": 1, "github 0123456789ab": 1}
    assert [violations_of(found, api) for api in ("s2", "arxiv", "github")] == [3, 0, 1]


def test_the_projection_brackets_the_idle_time() -> None:
    outcome = Outcome(
        lists=2,
        papers=10,
        workers=1,
        runs_per_worker=1,
        scale=0.1,
        citation_pages=None,
        wall_s=30.0,
        startup_s=5.0,
        span_s=20.0,
        tail_s=5.0,
        calls={"s2": 150, "arxiv": 10, "github": 4},
        quota_violations={},
        lane_span_s={"s2": 20.0},
        idle_s={"s2": 5.0},
        closest={"s2": 0.9},
        states={"a": "COMPLETED"},
    )
    assert outcome.busiest() == "s2"
    assert outcome.projected_s() == pytest.approx(5 + 200 + 5)
    assert outcome.projected_low_s() == pytest.approx(5 + 150 + 5 + 5)
