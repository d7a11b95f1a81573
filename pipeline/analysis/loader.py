"""Load a finished output folder for analysis: `pipeline.analysis.load(out_dir)`.

The one part of `pipeline.analysis` that reads files: read-only, for people analysing the
results (docs/analysis.md), never called by the job. Every table comes back typed the same way
whichever tool wrote it or reads it next: integers as pandas' nullable `Int64` (a missing count
is `<NA>`, not a float NaN), booleans as `boolean`, dates as `date32[day][pyarrow]` (the
history's `snapshot_date` included, not the strings of its folder names) and timestamps as
`datetime64[us, UTC]`. The files carry the same types for a plain `pd.read_parquet` (their
pandas metadata) and for DuckDB (Parquet DATE and BIGINT); this loader also types files
written before they did.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from pipeline.core.frames import pandas_dtype

HISTORY_PARTITIONING = ds.partitioning(pa.schema([("snapshot_date", pa.date32())]), flavor="hive")


@dataclass(frozen=True)
class Tables:
    """An output folder's tables as typed DataFrames.

    - `papers`: papers.parquet, one row per list entry of the latest run, in list order.
    - `history`: every snapshot (history/snapshot_date=D/), the same columns without `bibtex`,
      with `snapshot_date` a date; sorted by date, then list position.
    - `citations_by_year`: per paper (`s2_paper_id`) and year, `citations`: the citing papers
      of that year, the year's total (citing papers S2 dates to the month and those it dates
      only to the year, added up; those without a year are left out), with `complete` (every
      page of citing papers was read), `fetched_at` and `synthetic`.
    - `citations_by_month`: per paper, `year`, `month` and `month_start` (the month's first
      day, a date): the citing papers S2 dates to that month. They are a part of the year's
      total, not all of it: S2 gives some citing papers a year only.
    - `trends`: trends.parquet, one row per entry of the latest snapshot (deltas, velocity,
      ranks; README "awesome-enrich trends").
    - `star_weeks`: stars_by_week.parquet, per repository (`repository`, as GitHub names it
      now; `listed_as`, as the list does) and week (`week_start`, its Sunday, a date): `stars`
      given that week still present when it was read, `running_total`, the repository's
      `stargazers` and `difference` (stargazers minus its newest running total: stars since
      taken back in weeks read earlier), `status`, `complete`, `fetched_at`; sorted by
      repository and week. A repository without any week has one row, `week_start` <NA>.
    - `synthetic`: the numbers come from the local fake API, not from the real APIs.
    """

    papers: pd.DataFrame
    history: pd.DataFrame
    citations_by_year: pd.DataFrame
    citations_by_month: pd.DataFrame
    trends: pd.DataFrame
    synthetic: bool
    star_weeks: pd.DataFrame


def typed(table: pa.Table) -> pd.DataFrame:
    """An Arrow table as a DataFrame with the dtypes above."""
    return table.to_pandas(types_mapper=pandas_dtype)


def _read(path: Path) -> pd.DataFrame | None:
    return typed(pq.read_table(path)) if path.exists() else None


def read_history(folder: Path) -> pd.DataFrame:
    """Every snapshot under `folder`, `snapshot_date` a date column; empty without any."""
    if not any(folder.glob("snapshot_date=*/*.parquet")):
        return pd.DataFrame({"snapshot_date": pd.array([], dtype=pd.ArrowDtype(pa.date32()))})
    dataset = ds.dataset(folder, format="parquet", partitioning=HISTORY_PARTITIONING)
    frame = typed(dataset.to_table())
    return frame.sort_values(["snapshot_date", "position"], kind="stable").reset_index(drop=True)


CITATION_KEYS = ["s2_paper_id", "year"]


def citation_tables(raw: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per year, per month) from citations_by_year.parquet's rows, which count citing papers
    per (year, month), `month` null where S2 gives only a year."""
    if raw is None or raw.empty:
        year_columns = [*CITATION_KEYS, "citations", "complete", "fetched_at", "synthetic"]
        by_year = pd.DataFrame({c: pd.array([], dtype="Int64") for c in year_columns})
        by_month = pd.DataFrame(
            {c: pd.array([], dtype="Int64") for c in [*CITATION_KEYS, "month", "citations"]}
        )
        by_month["month_start"] = pd.array([], dtype=pd.ArrowDtype(pa.date32()))
        return by_year, by_month
    dated = raw[raw["year"].notna()]
    by_year = (
        dated.groupby(CITATION_KEYS, sort=True)
        .agg(
            citations=("citations", "sum"),
            complete=("complete", "all"),
            fetched_at=("fetched_at", "max"),
            synthetic=("synthetic", "any"),
        )
        .reset_index()
    )
    by_month = dated[dated["month"].notna()][
        [*CITATION_KEYS, "month", "citations", "complete", "fetched_at", "synthetic"]
    ].reset_index(drop=True)
    starts = pd.to_datetime(
        {"year": by_month["year"].astype("int64"), "month": by_month["month"], "day": 1}
    )
    by_month.insert(3, "month_start", pd.array(starts.dt.date, dtype=pd.ArrowDtype(pa.date32())))
    by_year = by_year.astype({"year": "Int64", "citations": "Int64", "complete": "boolean"})
    by_month = by_month.astype({"year": "Int64", "month": "Int64", "citations": "Int64"})
    return by_year, by_month.sort_values([*CITATION_KEYS, "month"]).reset_index(drop=True)


STAR_WEEK_TYPES = {
    "repository": pa.string(),
    "listed_as": pa.string(),
    "status": pa.string(),
    "week_start": pa.date32(),
    "stars": pa.int64(),
    "running_total": pa.int64(),
    "stargazers": pa.int64(),
    "difference": pa.int64(),
    "complete": pa.bool_(),
    "fetched_at": pa.timestamp("us", tz="UTC"),
    "synthetic": pa.bool_(),
}


def star_weeks(raw: pd.DataFrame | None) -> pd.DataFrame:
    """stars_by_week.parquet's rows, sorted by repository and week; empty (typed) without it."""
    if raw is None:
        return typed(pa.schema(list(STAR_WEEK_TYPES.items())).empty_table())
    return raw.sort_values(
        ["repository", "week_start"], key=_folded, na_position="first", kind="stable"
    ).reset_index(drop=True)


def _folded(column: pd.Series) -> pd.Series:
    return column.str.casefold() if column.name == "repository" else column


def load(out_dir: str | Path) -> Tables:
    """The output folder's tables (see `Tables`). Raises FileNotFoundError when the folder
    has no papers.parquet (no run wrote it yet); the other tables are empty when absent."""
    folder = Path(out_dir)
    papers = _read(folder / "papers.parquet")
    if papers is None:
        raise FileNotFoundError(f"{folder}: no papers.parquet (has a run written here yet?)")
    by_year, by_month = citation_tables(_read(folder / "citations_by_year.parquet"))
    trends = _read(folder / "trends.parquet")
    return Tables(
        papers=papers,
        history=read_history(folder / "history"),
        citations_by_year=by_year,
        citations_by_month=by_month,
        trends=trends if trends is not None else pd.DataFrame(),
        synthetic=bool(papers["synthetic"].fillna(False).any()) if len(papers) else False,
        star_weeks=star_weeks(_read(folder / "stars_by_week.parquet")),
    )
