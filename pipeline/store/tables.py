"""The enriched table: one row per list entry, in list order, with a versioned pyarrow schema.

The schema, the Parquet bytes (`papers_parquet_bytes`) and the readers of papers.parquet and of
the dated history. Rows are built and merged by the job (pipeline.job.rows).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.core.errors import PipelineError
from pipeline.core.frames import pandas_dtype
from pipeline.core.lazy import lazy_module

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq
else:
    pd = lazy_module("pandas")
    pa = lazy_module("pyarrow")
    ds = lazy_module("pyarrow.dataset")
    pq = lazy_module("pyarrow.parquet")

PAPERS_SCHEMA_NAME = "awesome-enrich/papers"
PAPERS_SCHEMA_VERSION = 1


@cache
def timestamp_type() -> pa.DataType:
    return pa.timestamp("us", tz="UTC")


@cache
def papers_schema() -> pa.Schema:
    return pa.schema(
        [
            pa.field("entry_id", pa.string(), nullable=False),
            pa.field("section", pa.string()),
            pa.field("position", pa.int32(), nullable=False),
            pa.field("line", pa.int32(), nullable=False),
            pa.field("title", pa.string(), nullable=False),
            pa.field("paper_url", pa.string()),
            pa.field("abbreviation", pa.string()),
            pa.field("venue", pa.string()),
            pa.field("year", pa.int32()),
            pa.field("code_url", pa.string()),
            pa.field("match_method", pa.string(), nullable=False),
            pa.field("match_score", pa.float64()),
            pa.field("low_confidence", pa.bool_()),
            pa.field("s2_paper_id", pa.string()),
            pa.field("corpus_id", pa.int64()),
            pa.field("doi", pa.string()),
            pa.field("arxiv_id", pa.string()),
            pa.field("arxiv_published", timestamp_type()),
            pa.field("arxiv_category", pa.string()),
            pa.field("authors", pa.list_(pa.string())),
            pa.field("citation_count", pa.int64()),
            pa.field("influential_citation_count", pa.int64()),
            pa.field("citation_key", pa.string()),
            pa.field("bibtex", pa.string()),
            pa.field("repo", pa.string()),
            pa.field("repo_status", pa.string()),
            pa.field("stars", pa.int64()),
            pa.field("forks", pa.int64()),
            pa.field("archived", pa.bool_()),
            pa.field("last_commit_at", timestamp_type()),
            pa.field("s2_fetched_at", timestamp_type()),
            pa.field("github_fetched_at", timestamp_type()),
            pa.field("snapshot_date", pa.date32(), nullable=False),
            pa.field("synthetic", pa.bool_(), nullable=False),
        ],
        metadata={
            b"awesome_enrich.schema": PAPERS_SCHEMA_NAME.encode(),
            b"awesome_enrich.version": str(PAPERS_SCHEMA_VERSION).encode(),
        },
    )


class TableError(PipelineError):
    """A previous table that cannot be read back."""


def to_table(rows: Sequence[Mapping[str, Any]], *, synthetic: bool = False) -> pa.Table:
    columns = {field.name: [row.get(field.name) for row in rows] for field in papers_schema()}
    for name in ("arxiv_published", "last_commit_at", "s2_fetched_at", "github_fetched_at"):
        columns[name] = [_utc(value) for value in columns[name]]
    base = papers_schema()
    schema = base.with_metadata(
        {**base.metadata, b"awesome_enrich.synthetic": b"true" if synthetic else b"false"}
    )
    return pa.table(columns, schema=schema)


def _utc(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def papers_parquet_bytes(
    table: pa.Table, partition_columns: Mapping[str, pa.DataType] | None = None
) -> bytes:
    """Parquet with page checksums, so a file damaged on disk is refused on reading rather than
    read back with other values, and the pandas metadata of typed columns (`with_pandas_types`;
    `partition_columns`: the Hive partition columns the folder names give it)."""
    buffer = io.BytesIO()
    pq.write_table(
        with_pandas_types(table, partition_columns),
        buffer,
        compression="zstd",
        write_page_checksum=True,
    )
    return buffer.getvalue()


def with_pandas_types(
    table: pa.Table, partition_columns: Mapping[str, pa.DataType] | None = None
) -> pa.Table:
    """The table with pandas metadata (the `pandas` schema key pyarrow writes for a DataFrame)
    that makes a plain `pd.read_parquet` load integers as Int64, booleans as boolean and dates
    as `date32[day][pyarrow]`, with no `dtype_backend` or `types_mapper` needed. Partition
    columns are described too: read from the folder, `snapshot_date` is a date, not a string."""
    extra = [pa.field(name, kind) for name, kind in (partition_columns or {}).items()]
    empty = pa.schema([*table.schema, *extra]).empty_table()
    frame = empty.to_pandas(types_mapper=pandas_dtype)
    pandas_metadata = pa.Schema.from_pandas(frame, preserve_index=False).metadata[b"pandas"]
    return table.replace_schema_metadata(
        {**(table.schema.metadata or {}), b"pandas": pandas_metadata}
    )


# What reading a damaged Parquet file can raise besides OSError (pyarrow's errors are OSError
# or ArrowException subclasses; a damaged string column can fail to decode).
@cache
def unreadable(*more: type[BaseException]) -> tuple[type[BaseException], ...]:
    return (OSError, pa.ArrowException, UnicodeDecodeError, ValueError, RecursionError, *more)


def side_table_bytes(columns: dict[str, list[Any]], schema: pa.Schema, *, synthetic: bool) -> bytes:
    """A side table (citations_by_year, stars_by_week) as Parquet bytes, marked synthetic or not,
    compressed and checksummed like papers.parquet."""
    marked = schema.with_metadata(
        {**(schema.metadata or {}), b"awesome_enrich.synthetic": b"true" if synthetic else b"false"}
    )
    buffer = io.BytesIO()
    pq.write_table(
        with_pandas_types(pa.table(columns, schema=marked)),
        buffer,
        compression="zstd",
        write_page_checksum=True,
    )
    return buffer.getvalue()


def read_side_table(path: Path, schema_name: str, table: str, what: str) -> list[dict[str, Any]]:
    """The rows of a previous side table (`table`, written with `schema_name`; `what` it holds,
    in errors); empty when there is none."""
    if not path.exists():
        return []
    try:
        arrow = read_parquet_checked(path)
    except unreadable() as error:
        raise TableError(
            f"{path}: the {what} is unreadable ({error}); move it away to start afresh"
        ) from None
    if (arrow.schema.metadata or {}).get(b"awesome_enrich.schema") != schema_name.encode():
        raise TableError(f"{path}: not an awesome-enrich {table} table")
    rows: list[dict[str, Any]] = arrow.to_pylist()
    return rows


def read_parquet_checked(path: Path) -> pa.Table:
    """A Parquet file or directory, its page checksums verified when it has them."""
    return pq.read_table(path, page_checksum_verification=True)


def read_papers(path: Path) -> dict[str, dict[str, Any]]:
    """The previous papers.parquet by entry_id; empty when there is none."""
    if not path.exists():
        return {}
    try:
        table = read_parquet_checked(path)
        metadata = table.schema.metadata or {}
        if metadata.get(b"awesome_enrich.schema") != PAPERS_SCHEMA_NAME.encode():
            raise TableError(f"{path}: not an awesome-enrich papers table")
        missing = sorted({"entry_id", "position", "title"} - set(table.column_names))
        if missing:
            raise TableError(f"{path}: the previous table has no {', '.join(missing)} column")
        return {row["entry_id"]: row for row in table.to_pylist()}
    except unreadable() as error:
        raise TableError(
            f"{path}: the previous table is unreadable ({error}); move it away to start afresh"
        ) from None


def read_history(folder: Path) -> pd.DataFrame:
    """Every snapshot under `folder` (history/snapshot_date=D/*.parquet) as one DataFrame with a
    `snapshot_date` column of dates; empty when there is none."""
    if not folder.is_dir() or not any(folder.glob("snapshot_date=*/*.parquet")):
        return pd.DataFrame(columns=[f.name for f in papers_schema()])
    try:
        dataset = ds.dataset(
            folder,
            format="parquet",
            partitioning=ds.partitioning(
                pa.schema([("snapshot_date", pa.date32())]), flavor="hive"
            ),
        )
        frame = dataset.to_table().to_pandas()
    except (OSError, pa.ArrowInvalid) as error:
        raise TableError(f"{folder}: the history is unreadable ({error})") from None
    frame["snapshot_date"] = pd.to_datetime(frame["snapshot_date"]).dt.date
    return frame.sort_values(["snapshot_date", "position"], kind="stable").reset_index(drop=True)


def snapshot_dates(folder: Path) -> list[date]:
    """The dates of the snapshots under a history folder, oldest first."""
    days = []
    for partition in folder.glob("snapshot_date=*"):
        try:
            day = date.fromisoformat(partition.name.removeprefix("snapshot_date="))
        except ValueError:
            continue
        if any(partition.glob("*.parquet")):
            days.append(day)
    return sorted(days)


def read_snapshot(folder: Path, day: date) -> dict[str, dict[str, Any]]:
    """One snapshot of the history, by entry_id, with the types it was written with."""
    partition = folder / f"snapshot_date={day.isoformat()}"
    try:
        table = read_parquet_checked(partition)
        return {row["entry_id"]: {**row, "snapshot_date": day} for row in table.to_pylist()}
    except unreadable(KeyError) as error:
        raise TableError(f"{partition}: the snapshot is unreadable ({error})") from None


def read_snapshot_before(folder: Path, day: date) -> dict[str, dict[str, Any]]:
    """The latest snapshot strictly before `day`, by entry_id; empty when there is none."""
    earlier = [d for d in snapshot_dates(folder) if d < day]
    return read_snapshot(folder, earlier[-1]) if earlier else {}


def _read_partition(
    folder: Path, day: date, columns: list[str], filters: list[Any] | None = None
) -> pd.DataFrame:
    partition = folder / f"snapshot_date={day.isoformat()}"
    try:
        table = pq.read_table(
            partition, columns=columns, filters=filters, page_checksum_verification=True
        )
        return table.to_pandas(types_mapper=_nullable)
    except unreadable() as error:
        raise TableError(f"{partition}: the snapshot is unreadable ({error})") from None


def check_history(folder: Path) -> None:
    """Every snapshot's footer is readable (cheap: metadata only), so a damaged partition is
    reported before a run spends its API calls, not when it writes."""
    for day in snapshot_dates(folder):
        for path in sorted((folder / f"snapshot_date={day.isoformat()}").glob("*.parquet")):
            try:
                pq.read_metadata(path)
            except unreadable() as error:
                raise TableError(f"{path}: the snapshot is unreadable ({error})") from None


def _nullable(arrow_type: pa.DataType) -> Any:
    """Integers stay integers (with pd.NA) rather than turning into floats around nulls."""
    if pa.types.is_integer(arrow_type):
        return pd.Int64Dtype()
    return None


def __getattr__(name: str) -> Any:
    """The constants of old (PAPERS_SCHEMA, TIMESTAMP, UNREADABLE), built on first use: pyarrow
    is imported only when a table is read or written (pipeline/core/lazy.py)."""
    if name == "PAPERS_SCHEMA":
        return papers_schema()
    if name == "TIMESTAMP":
        return timestamp_type()
    if name == "UNREADABLE":
        return unreadable()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
