"""citations_by_year.parquet: its schema, checksummed bytes, and reading it back.

One row per paper and (year, month) of its citing papers. `granularity` says what a row
counts, so that no row is taken for a year's total: "month" (citing papers published in that
month), "year" (citing papers of that year whose month S2 does not give: a part of the year,
not its total) or "none" (citing papers without a year). A year's total is the sum of all its
rows; `pipeline.analysis.load` gives the totals per year and the months as separate tables.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.store.tables import (
    TIMESTAMP,
    UNREADABLE,
    TableError,
    read_parquet_checked,
    with_pandas_types,
)

CITATIONS_SCHEMA_NAME = "awesome-enrich/citations_by_year"
CITATIONS_SCHEMA_VERSION = 2  # 2: the granularity column
CITATIONS_SCHEMA = pa.schema(
    [
        pa.field("s2_paper_id", pa.string(), nullable=False),
        pa.field("year", pa.int32()),  # null: S2 knows no year for these citing papers
        pa.field("month", pa.int8()),  # null: no publication date, only a year
        pa.field("granularity", pa.string(), nullable=False),  # month | year | none
        pa.field("citations", pa.int64(), nullable=False),
        pa.field("fetched_at", TIMESTAMP, nullable=False),
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
    columns = {field.name: [row.get(field.name) for row in rows] for field in CITATIONS_SCHEMA}
    columns["granularity"] = [granularity(row.get("year"), row.get("month")) for row in rows]
    schema = CITATIONS_SCHEMA.with_metadata(
        {
            **CITATIONS_SCHEMA.metadata,
            b"awesome_enrich.synthetic": b"true" if synthetic else b"false",
        }
    )
    buffer = io.BytesIO()
    pq.write_table(
        with_pandas_types(pa.table(columns, schema=schema)),
        buffer,
        compression="zstd",
        write_page_checksum=True,
    )
    return buffer.getvalue()


def read_citations(path: Path) -> list[dict[str, Any]]:
    """The previous citations_by_year.parquet; empty when there is none."""
    if not path.exists():
        return []
    try:
        table = read_parquet_checked(path)
    except UNREADABLE as error:
        raise TableError(
            f"{path}: the citation history is unreadable ({error}); move it away to start afresh"
        ) from None
    if (table.schema.metadata or {}).get(
        b"awesome_enrich.schema"
    ) != CITATIONS_SCHEMA_NAME.encode():
        raise TableError(f"{path}: not an awesome-enrich citations_by_year table")
    rows: list[dict[str, Any]] = table.to_pylist()
    return rows
