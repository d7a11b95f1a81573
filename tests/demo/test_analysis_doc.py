"""docs/analysis.md: every recipe runs on the demo's output, typed, and pandas and DuckDB agree."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from pipeline.analysis.trends import yearly_running_totals
from tests.demo.conftest import DemoRun

pytestmark = pytest.mark.slow

DOC = Path(__file__).resolve().parents[2] / "docs" / "analysis.md"


def recipes() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)


def test_every_recipe_runs_on_the_demo_and_pandas_and_duckdb_agree(
    demo_run: DemoRun, capsys: pytest.CaptureFixture[str]
) -> None:
    blocks = recipes()
    assert len(blocks) == 12 and blocks[0].startswith('OUT = "demo-output"\n')
    namespace: dict[str, Any] = {}
    for index, code in enumerate(blocks):
        if index == 0:
            code = code.replace('"demo-output"', repr(str(demo_run.out)), 1)
        exec(compile(code, f"{DOC.name} recipe {index + 1}", "exec"), namespace)  # noqa: S102
    capsys.readouterr()

    papers, history = namespace["papers"], namespace["history"]
    assert str(papers["citation_count"].dtype) == "Int64"
    assert str(history["snapshot_date"].dtype) == "date32[day][pyarrow]"

    risers, risers_sql = namespace["risers"], namespace["risers_sql"]
    assert len(risers) == 10 and risers["rise"].iloc[0] > 0  # counts grew over the nights
    assert str(risers["rise"].dtype) == "Int64"
    assert list(risers["rise"]) == list(risers_sql["rise"])
    assert list(risers["entry_id"]) == list(risers_sql["entry_id"])

    per_year, per_year_sql = namespace["per_year"], namespace["per_year_sql"]
    assert len(per_year) >= 2 and str(per_year.dtype) == "Int64"
    # issue 27: the DuckDB sum comes back as whole numbers too, not floats
    assert pd.api.types.is_integer_dtype(per_year_sql["citations"])
    assert per_year.to_dict() == dict(
        zip(per_year_sql["year"], per_year_sql["citations"], strict=True)
    )

    spearman, papers_sql = namespace["stars_citations_sql"]
    assert papers_sql == len(namespace["both"]) > 10
    assert namespace["stars_citations"] == pytest.approx(spearman)
    assert not pd.isna(spearman)

    # The running totals as the chart dates them: never after the snapshot, each year's on its
    # last day, the snapshot's year partial; the same points as the chart's series.
    over_time, snapshot = namespace["over_time"], namespace["snapshot"]
    assert over_time["as_of"].iloc[-1] == snapshot and over_time["partial"].iloc[-1]
    assert all((d.month, d.day) == (12, 31) for d in over_time["as_of"].iloc[:-1])
    per_paper = namespace["years"]
    chart = yearly_running_totals(per_paper, snapshot)
    assert [d.date() for d in chart["date"]][1:] == list(over_time["as_of"])
    assert list(chart["citations"])[1:] == list(over_time["citations"])
    # issue 25: star trends from the first night (a three-night demo)
    trend = namespace["trend"]
    assert len(trend) > 30 and trend["running_total"].is_monotonic_increasing
    assert str(trend["week_start"].dtype) == "date32[day][pyarrow]"
    star_risers, star_risers_sql = namespace["star_risers"], namespace["star_risers_sql"]
    assert len(star_risers) == 10 and star_risers["gained_4w"].iloc[0] > 0
    assert str(star_risers["gained_4w"].dtype) == "Int64"
    assert list(star_risers["repository"]) == list(star_risers_sql["repository"])
    assert list(star_risers["gained_4w"]) == list(star_risers_sql["gained_4w"])
    assert list(star_risers["gained_12w"]) == list(star_risers_sql["gained_12w"])
    assert (star_risers["gained_12w"] >= star_risers["gained_4w"]).all()
    stars_over_time = namespace["stars_over_time"]
    assert stars_over_time.groupby("title")["year"].nunique().max() >= 2  # a history, not a point
    assert stars_over_time.groupby("title")["stars"].is_monotonic_increasing.all()


def test_the_outputs_guides_example_runs_on_the_demos_output(demo_run: DemoRun) -> None:
    """docs/outputs.md's example reads the folder the demo writes, not data/enriched, which
    does not exist before a real run (issue 27)."""
    doc = DOC.parent / "outputs.md"
    text = doc.read_text(encoding="utf-8")
    start = text.index("```python\nimport duckdb")
    code = text[start + len("```python\n") : text.index("```", start + 10)]
    code = code.replace('OUT = "demo-output"', f"OUT = {str(demo_run.out)!r}", 1)
    assert repr(str(demo_run.out)) in code
    namespace: dict[str, Any] = {}
    exec(compile(code, str(doc), "exec"), namespace)  # noqa: S102 - our own documentation
    per_paper, trend, history = namespace["per_paper"], namespace["trend"], namespace["history"]
    assert per_paper.shape[1] == 3  # the demo's three nights
    assert len(trend) == len(history) > 0  # DuckDB reads the rows pandas does
    assert trend["snapshot_date"].nunique() == 3
