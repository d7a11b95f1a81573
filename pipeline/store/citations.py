"""citations_by_year.parquet: its schema, checksummed bytes, and reading it back.

One row per paper and (year, month) of its citing papers. `granularity` says what a row
counts, so that no row is taken for a year's total: "month" (citing papers published in that
month), "year" (citing papers of that year whose month S2 does not give: a part of the year,
not its total) or "none" (citing papers without a year). A year's total is the sum of all its
rows; `pipeline.analysis.load` gives the totals per year and the months as separate tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.core.lazy import lazy_module
from pipeline.store.tables import read_side_table, side_table_bytes, timestamp_type

if TYPE_CHECKING:
    import pyarrow as pa
else:
    pa = lazy_module("pyarrow")

CITATIONS_SCHEMA_NAME = "awesome-enrich/citations_by_year"
CITATIONS_SCHEMA_VERSION = 2  # 2: the granularity column


@cache
def citations_schema() -> pa.Schema:
    return pa.schema(
        [
            pa.field("s2_paper_id", pa.string(), nullable=False),
            pa.field("year", pa.int32()),  # null: S2 knows no year for these citing papers
            pa.field("month", pa.int8()),  # null: no publication date, only a year
            pa.field("granularity", pa.string(), nullable=False),  # month | year | none
            pa.field("citations", pa.int64(), nullable=False),
            pa.field("fetched_at", timestamp_type(), nullable=False),
            pa.field("complete", pa.bool_(), nullable=False),  # every page was read
            pa.field("synthetic", pa.bool_(), nullable=False),
        ],
        metadata={
            b"awesome_enrich.schema": CITATIONS_SCHEMA_NAME.encode(),
            b"awesome_enrich.version": str(CITATIONS_SCHEMA_VERSION).encode(),
        },
    )


def granularity(year: int | None, month: int | None) -> str:
    """What a (year, month) row counts: "month", "year" (the month unknown) or "none"."""
    if year is None:
        return "none"
    return "year" if month is None else "month"


def citations_parquet_bytes(rows: Sequence[Mapping[str, Any]], *, synthetic: bool) -> bytes:
    columns = {field.name: [row.get(field.name) for row in rows] for field in citations_schema()}
    columns["granularity"] = [granularity(row.get("year"), row.get("month")) for row in rows]
    return side_table_bytes(columns, citations_schema(), synthetic=synthetic)


def read_citations(path: Path) -> list[dict[str, Any]]:
    """The previous citations_by_year.parquet; empty when there is none."""
    return read_side_table(path, CITATIONS_SCHEMA_NAME, "citations_by_year", "citation history")


def __getattr__(name: str) -> Any:
    """The schema constants of old (CITATIONS_SCHEMA), built on first use: pyarrow is imported
    only when a table is read or written (pipeline/core/lazy.py)."""
    if name == "CITATIONS_SCHEMA":
        return citations_schema()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
