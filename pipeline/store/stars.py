"""stars_by_week.parquet: its schema, checksummed bytes, and reading it back.

One row per repository and week of its star history (GitHub's weeks start on Sunday), oldest
first: `stars` given that week (still present when the week was read), `running_total` since
the first stored week, today's `stargazers` count and `difference` = stargazers minus the
newest running total (pipeline.analysis.star_history says why they differ). A repository
without any week (gone before its history was read, or without stars) has one row with
`week_start` null.
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

STARS_SCHEMA_NAME = "awesome-enrich/stars_by_week"
STARS_SCHEMA_VERSION = 1


@cache
def stars_schema() -> pa.Schema:
    return pa.schema(
        [
            pa.field("repository", pa.string(), nullable=False),  # owner/name as GitHub knows it
            pa.field("listed_as", pa.string(), nullable=False),  # owner/name as the list gives it
            pa.field("status", pa.string(), nullable=False),  # ok|renamed|not_found|blocked|empty
            pa.field("week_start", pa.date32()),  # the week's Sunday; null: no week
            pa.field("stars", pa.int64(), nullable=False),  # given that week, still present
            pa.field("running_total", pa.int64(), nullable=False),
            pa.field("stargazers", pa.int64()),  # the repository's star count of the latest run
            pa.field("difference", pa.int64()),  # stargazers - the newest running_total
            pa.field("complete", pa.bool_(), nullable=False),  # the weeks reach the first star
            pa.field("fetched_at", timestamp_type(), nullable=False),
            pa.field("synthetic", pa.bool_(), nullable=False),
        ],
        metadata={
            b"awesome_enrich.schema": STARS_SCHEMA_NAME.encode(),
            b"awesome_enrich.version": str(STARS_SCHEMA_VERSION).encode(),
        },
    )


def stars_parquet_bytes(rows: Sequence[Mapping[str, Any]], *, synthetic: bool) -> bytes:
    columns = {field.name: [row.get(field.name) for row in rows] for field in stars_schema()}
    return side_table_bytes(columns, stars_schema(), synthetic=synthetic)


def read_star_weeks(path: Path) -> list[dict[str, Any]]:
    """The previous stars_by_week.parquet; empty when there is none."""
    return read_side_table(path, STARS_SCHEMA_NAME, "stars_by_week", "star history")


def __getattr__(name: str) -> Any:
    """The schema constants of old (STARS_SCHEMA), built on first use: pyarrow is imported
    only when a table is read or written (pipeline/core/lazy.py)."""
    if name == "STARS_SCHEMA":
        return stars_schema()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
