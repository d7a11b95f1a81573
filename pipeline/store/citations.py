"""citations_by_year.parquet: its schema, checksummed bytes, and reading it back."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.store.tables import TIMESTAMP, UNREADABLE, TableError, read_parquet_checked

CITATIONS_SCHEMA_NAME = "awesome-enrich/citations_by_year"
CITATIONS_SCHEMA = pa.schema(
    [
        pa.field("s2_paper_id", pa.string(), nullable=False),
        pa.field("year", pa.int32()),  # null: S2 knows no year for these citing papers
        pa.field("month", pa.int8()),  # null: no publication date, only a year
        pa.field("citations", pa.int64(), nullable=False),
        pa.field("fetched_at", TIMESTAMP, nullable=False),
        pa.field("complete", pa.bool_(), nullable=False),  # every page was read
        pa.field("synthetic", pa.bool_(), nullable=False),
    ],
    metadata={b"awesome_enrich.schema": CITATIONS_SCHEMA_NAME.encode()},
)


def citations_parquet_bytes(rows: Sequence[Mapping[str, Any]], *, synthetic: bool) -> bytes:
    columns = {field.name: [row.get(field.name) for row in rows] for field in CITATIONS_SCHEMA}
    schema = CITATIONS_SCHEMA.with_metadata(
        {
            **CITATIONS_SCHEMA.metadata,
            b"awesome_enrich.synthetic": b"true" if synthetic else b"false",
        }
    )
    buffer = io.BytesIO()
    pq.write_table(
        pa.table(columns, schema=schema), buffer, compression="zstd", write_page_checksum=True
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
