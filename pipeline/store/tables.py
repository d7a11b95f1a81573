"""The enriched table: one row per list entry, in list order, with a versioned pyarrow schema.

Building rows is pure; merging with the previous table keeps the last good value of everything
a source failed to refresh this run (with its old fetched_at): nothing good is overwritten by
null. Reading and writing Parquet is at the edges (`read_papers`, `papers_parquet_bytes`).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from pipeline.analysis.trends import WINDOWS, nearest_snapshot, top_cited
from pipeline.core.errors import PipelineError
from pipeline.listfile.identifiers import repo_ref
from pipeline.resolve.resolver import Resolution
from pipeline.sources.github import RepoInfo, RepoStatus

PAPERS_SCHEMA_NAME = "awesome-enrich/papers"
PAPERS_SCHEMA_VERSION = 1
TIMESTAMP = pa.timestamp("us", tz="UTC")

PAPERS_SCHEMA = pa.schema(
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
        pa.field("arxiv_published", TIMESTAMP),
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
        pa.field("last_commit_at", TIMESTAMP),
        pa.field("s2_fetched_at", TIMESTAMP),
        pa.field("github_fetched_at", TIMESTAMP),
        pa.field("snapshot_date", pa.date32(), nullable=False),
        pa.field("synthetic", pa.bool_(), nullable=False),
    ],
    metadata={
        b"awesome_enrich.schema": PAPERS_SCHEMA_NAME.encode(),
        b"awesome_enrich.version": str(PAPERS_SCHEMA_VERSION).encode(),
    },
)

# Columns refreshed from Semantic Scholar, and from GitHub: kept together with their fetched_at.
S2_COLUMNS = ("citation_count", "influential_citation_count", "corpus_id")
GITHUB_COLUMNS = ("stars", "forks", "archived", "last_commit_at", "repo_status")


class TableError(PipelineError):
    """A previous table that cannot be read back."""


def build_rows(
    resolutions: Sequence[Resolution],
    repos: Mapping[str, RepoInfo],
    entry_repo: Mapping[int, str],
    *,
    now: datetime,
    snapshot_date: date,
    synthetic: bool,
) -> list[dict[str, Any]]:
    """One row per entry from this run's answers (None where a source said nothing)."""
    folded = {name.casefold(): info for name, info in repos.items()}
    rows = []
    for r in resolutions:
        entry = r.entry
        repo_name = entry_repo.get(entry.position)
        # Repositories are asked once per name compared case-insensitively (wanted_repos):
        # an entry linking to another spelling of the same repository shares its answer.
        info = (repos.get(repo_name) or folded.get(repo_name.casefold())) if repo_name else None
        github_answered = info is not None and info.status is not RepoStatus.ERROR
        rows.append(
            {
                "entry_id": r.entry_id,
                "section": entry.section,
                "position": entry.position,
                "line": entry.line,
                "title": entry.title,
                "paper_url": entry.paper_url,
                "abbreviation": entry.abbreviation,
                "venue": entry.venue,
                "year": entry.year,
                "code_url": entry.code_urls[0] if entry.code_urls else None,
                "match_method": r.method.value,
                "match_score": r.score,
                "low_confidence": r.low_confidence,
                "s2_paper_id": r.s2_paper_id,
                "corpus_id": r.s2.corpus_id if r.s2 else None,
                "doi": r.doi,
                "arxiv_id": r.arxiv_id,
                "arxiv_published": r.arxiv.published if r.arxiv else None,
                "arxiv_category": r.arxiv.primary_category if r.arxiv else None,
                "authors": list(r.authors) or None,
                "citation_count": r.s2.citation_count if r.s2 else None,
                "influential_citation_count": r.s2.influential_citation_count if r.s2 else None,
                "citation_key": r.citation_key,
                "bibtex": r.bibtex,
                "repo": (info.full_name or repo_name) if info else repo_name,
                "repo_status": info.status.value if github_answered and info else None,
                "stars": info.stars if github_answered and info else None,
                "forks": info.forks if github_answered and info else None,
                "archived": info.archived if github_answered and info else None,
                "last_commit_at": info.last_commit_at if github_answered and info else None,
                "s2_fetched_at": now if r.s2 is not None else None,
                "github_fetched_at": now if github_answered else None,
                "snapshot_date": snapshot_date,
                "synthetic": synthetic,
            }
        )
    return rows


def merge_with_previous(
    rows: Sequence[dict[str, Any]], previous: Mapping[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """Keep the last good values of what this run could not refresh, with their fetched_at.

    S2 values are kept when the entry is still the same paper; GitHub values when it is still the
    same repository (or the renamed one the list still links to by its old name). Authors,
    BibTeX, citation key and arXiv metadata that are null now keep their old values when the
    entry is still the same paper.
    """
    merged = []
    for row in rows:
        old = previous.get(row["entry_id"])
        if old is None:
            merged.append(dict(row))
            continue
        new = dict(row)
        same_paper = is_same_paper(new, old)
        if new["s2_fetched_at"] is None and same_paper:
            for column in (*S2_COLUMNS, "s2_fetched_at"):
                new[column] = old.get(column)
        if new["github_fetched_at"] is None and (
            is_same_repo(new, old) or _renamed_as_listed(old, new)
        ):
            for column in (*GITHUB_COLUMNS, "github_fetched_at", "repo"):
                new[column] = old.get(column)
        for column in ("authors", "bibtex", "citation_key", "arxiv_published", "arxiv_category"):
            if new.get(column) is None and old.get(column) is not None and same_paper:
                new[column] = old[column]
        merged.append(new)
    return merged


def is_same_paper(row: Mapping[str, Any], old: Mapping[str, Any]) -> bool:
    """Both rows are the same S2 paper, so the old one's S2 values can stand for the new."""
    return bool(row.get("s2_paper_id")) and row.get("s2_paper_id") == old.get("s2_paper_id")


def is_same_repo(row: Mapping[str, Any], old: Mapping[str, Any]) -> bool:
    return (
        bool(row.get("repo"))
        and str(row["repo"]).casefold() == str(old.get("repo") or "").casefold()
    )


def _renamed_as_listed(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """The previous row holds a renamed repository's new name, and this row (GitHub did not
    answer) the name the list still links to: the same repository."""
    code_url = new.get("code_url")
    return (
        old.get("repo_status") == "renamed"
        and bool(code_url)
        and code_url == old.get("code_url")
        and str(new.get("repo") or "").casefold()
        == str(repo_ref(str(code_url)).github or "").casefold()
    )


def to_table(rows: Sequence[Mapping[str, Any]], *, synthetic: bool = False) -> pa.Table:
    columns = {field.name: [row.get(field.name) for row in rows] for field in PAPERS_SCHEMA}
    for name in ("arxiv_published", "last_commit_at", "s2_fetched_at", "github_fetched_at"):
        columns[name] = [_utc(value) for value in columns[name]]
    schema = PAPERS_SCHEMA.with_metadata(
        {**PAPERS_SCHEMA.metadata, b"awesome_enrich.synthetic": b"true" if synthetic else b"false"}
    )
    return pa.table(columns, schema=schema)


def _utc(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def papers_parquet_bytes(table: pa.Table) -> bytes:
    """Parquet with page checksums, so a file damaged on disk is refused on reading rather than
    read back with other values."""
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd", write_page_checksum=True)
    return buffer.getvalue()


# What reading a damaged Parquet file can raise besides OSError (pyarrow's errors are OSError
# or ArrowException subclasses; a damaged string column can fail to decode).
UNREADABLE = (OSError, pa.ArrowException, UnicodeDecodeError, ValueError, RecursionError)


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
    except UNREADABLE as error:
        raise TableError(
            f"{path}: the previous table is unreadable ({error}); move it away to start afresh"
        ) from None


def read_history(folder: Path) -> pd.DataFrame:
    """Every snapshot under `folder` (history/snapshot_date=D/*.parquet) as one DataFrame with a
    `snapshot_date` column of dates; empty when there is none."""
    if not folder.is_dir() or not any(folder.glob("snapshot_date=*/*.parquet")):
        return pd.DataFrame(columns=[f.name for f in PAPERS_SCHEMA])
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
    except (*UNREADABLE, KeyError) as error:
        raise TableError(f"{partition}: the snapshot is unreadable ({error})") from None


def read_snapshot_before(folder: Path, day: date) -> dict[str, dict[str, Any]]:
    """The latest snapshot strictly before `day`, by entry_id; empty when there is none."""
    earlier = [d for d in snapshot_dates(folder) if d < day]
    return read_snapshot(folder, earlier[-1]) if earlier else {}


TREND_HISTORY_COLUMNS = [
    "entry_id",
    "position",
    "section",
    "title",
    "abbreviation",
    "year",
    "arxiv_published",
    "s2_paper_id",
    "repo",
    "citation_count",
    "stars",
    "synthetic",
]


def read_trend_history(
    folder: Path,
    today: Sequence[Mapping[str, Any]] = (),
    snapshot_date: date | None = None,
) -> pd.DataFrame:
    """The history's columns that trends need, with `today`'s rows standing in for the
    snapshot of `snapshot_date` (so trends can be computed before it is written).

    Memory stays bounded by a few snapshots whatever the history's length: only the snapshots
    trends compare (the latest, and those nearest 7, 30 and 365 days before it) are read whole;
    of the others, only the citation counts of the most cited papers (the chart's lines)."""
    days = [d for d in snapshot_dates(folder) if d != snapshot_date]
    frames: dict[date, pd.DataFrame] = {}
    if today and snapshot_date is not None:
        frames[snapshot_date] = (
            to_table(today).select(TREND_HISTORY_COLUMNS).to_pandas(types_mapper=_nullable)
        )
        days = sorted([*days, snapshot_date])
    if not days:
        return pd.DataFrame(columns=[*TREND_HISTORY_COLUMNS, "snapshot_date"])
    latest = days[-1]
    for day in {latest} | {nearest_snapshot(days, latest, w) or latest for w in WINDOWS}:
        if day not in frames:
            frames[day] = _read_partition(folder, day, TREND_HISTORY_COLUMNS)
    top = list(top_cited(frames[latest])["entry_id"])
    for day in days if top else ():  # no counts at all: no lines to draw
        if day not in frames:
            frames[day] = _read_partition(
                folder, day, ["entry_id", "citation_count"], [("entry_id", "in", top)]
            )
    text = ("entry_id", "section", "title", "abbreviation", "s2_paper_id", "repo")
    return pd.concat(
        [
            frame.astype({c: "object" for c in text if c in frame}).assign(snapshot_date=day)
            for day, frame in sorted(frames.items())
        ],
        ignore_index=True,
    )


def _read_partition(
    folder: Path, day: date, columns: list[str], filters: list[Any] | None = None
) -> pd.DataFrame:
    partition = folder / f"snapshot_date={day.isoformat()}"
    try:
        table = pq.read_table(
            partition, columns=columns, filters=filters, page_checksum_verification=True
        )
        return table.to_pandas(types_mapper=_nullable)
    except UNREADABLE as error:
        raise TableError(f"{partition}: the snapshot is unreadable ({error})") from None


def check_history(folder: Path) -> None:
    """Every snapshot's footer is readable (cheap: metadata only), so a damaged partition is
    reported before a run spends its API calls, not when it writes."""
    for day in snapshot_dates(folder):
        for path in sorted((folder / f"snapshot_date={day.isoformat()}").glob("*.parquet")):
            try:
                pq.read_metadata(path)
            except UNREADABLE as error:
                raise TableError(f"{path}: the snapshot is unreadable ({error})") from None


def _nullable(arrow_type: pa.DataType) -> Any:
    """Integers stay integers (with pd.NA) rather than turning into floats around nulls."""
    if pa.types.is_integer(arrow_type):
        return pd.Int64Dtype()
    return None
