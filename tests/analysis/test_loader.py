"""`pipeline.analysis.load`: an output folder's tables as typed DataFrames."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

import pipeline.analysis
from pipeline.job.outputs import write_citations, write_tables
from pipeline.listfile.parser import parse_list
from pipeline.store.citations import read_citations

LIST = """# A list

## 2024
| Title | Code |
|---|---|
| [Paper A](https://arxiv.org/abs/2401.00001) | https://github.com/lab/a |
| [Paper B](https://arxiv.org/abs/2401.00002) | -- |
"""
FETCHED = datetime(2026, 11, 25, 3, tzinfo=UTC)


def row(position: int, day: date, **values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "entry_id": f"e{position}",
        "position": position,
        "line": 6 + position,
        "section": "2024",
        "title": f"Paper {'AB'[position]}",
        "match_method": "paper_url_id",
        "s2_paper_id": f"s2-{position}",
        "citation_count": None,  # a missing count: <NA>, never NaN in a float column
        "stars": None,
        "snapshot_date": day,
        "synthetic": True,
    }
    return {**base, **values}


def citing(year: int | None, month: int | None, count: int) -> dict[str, Any]:
    return {
        "s2_paper_id": "s2-0",
        "year": year,
        "month": month,
        "citations": count,
        "fetched_at": FETCHED,
        "complete": True,
        "synthetic": True,
    }


@pytest.fixture
def out(tmp_path: Path) -> Path:
    document = parse_list(LIST, source="list.md")
    for day, count in ((date(2026, 11, 24), 10), (date(2026, 11, 25), 12)):
        rows = [row(0, day, citation_count=count, stars=5), row(1, day)]
        write_tables(rows, document, tmp_path, day, synthetic=True)
    rows = [citing(2025, 3, 4), citing(2025, 7, 1), citing(2025, None, 2), citing(None, None, 1)]
    write_citations(rows, tmp_path, synthetic=True)
    return tmp_path


def test_load_returns_typed_tables(out: Path) -> None:
    tables = pipeline.analysis.load(out)
    assert tables.synthetic
    papers, history = tables.papers, tables.history
    assert str(papers["citation_count"].dtype) == "Int64"
    assert papers["citation_count"].isna().tolist() == [False, True]
    assert str(history["snapshot_date"].dtype) == "date32[day][pyarrow]"
    assert list(history["snapshot_date"].drop_duplicates()) == [
        date(2026, 11, 24),
        date(2026, 11, 25),
    ]
    assert list(history["citation_count"]) == [10, pd.NA, 12, pd.NA]


def test_citations_per_year_are_totals_and_months_are_apart(out: Path) -> None:
    stored = {
        (r["year"], r["month"]): r["granularity"]
        for r in read_citations(out / "citations_by_year.parquet")
    }
    assert stored == {
        (2025, 3): "month",
        (2025, 7): "month",
        (2025, None): "year",
        (None, None): "none",
    }
    tables = pipeline.analysis.load(out)
    by_year = tables.citations_by_year
    assert by_year[["year", "citations"]].to_dict("records") == [{"year": 2025, "citations": 7}]
    assert str(by_year["citations"].dtype) == "Int64"
    by_month = tables.citations_by_month
    assert list(by_month["month"]) == [3, 7] and list(by_month["citations"]) == [4, 1]
    assert list(by_month["month_start"]) == [date(2025, 3, 1), date(2025, 7, 1)]
    # DuckDB reads the stored granularity: a year's total is the sum of all its rows.
    total = duckdb.execute(
        "SELECT sum(citations), count(*) FILTER (granularity = 'month') "
        "FROM read_parquet(?) WHERE year = 2025",
        [str(out / "citations_by_year.parquet")],
    ).fetchone()
    assert total == (7, 2)


def test_an_empty_folder_is_a_clear_error_and_absent_tables_are_empty(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"no papers\.parquet"):
        pipeline.analysis.load(tmp_path)
    document = parse_list(LIST, source="list.md")
    write_tables(
        [row(0, date(2026, 11, 25), synthetic=False)],
        document,
        tmp_path,
        date(2026, 11, 25),
        synthetic=False,
    )
    (tmp_path / "history").rename(tmp_path / "elsewhere")
    tables = pipeline.analysis.load(tmp_path)
    assert tables.history.empty and tables.citations_by_year.empty and tables.trends.empty
    assert not tables.synthetic
    assert pq.read_table(tmp_path / "papers.parquet").schema.metadata[b"pandas"]
