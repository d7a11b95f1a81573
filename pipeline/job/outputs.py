"""What a run leaves in the output folder, written through the one writer."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.analysis.changes import Changes, NotRefreshed, compute_changes, render_changes
from pipeline.analysis.citation_history import replace_papers
from pipeline.analysis.guard import Rejection
from pipeline.analysis.trends import TrendResult, compute_trends
from pipeline.core.lazy import lazy_module
from pipeline.job.history import read_trend_history
from pipeline.job.options import Inputs, JobOptions, ListExtras, is_synthetic
from pipeline.job.report import list_title, write_report
from pipeline.listfile.model import ListDocument
from pipeline.listfile.regenerate import regenerate
from pipeline.resolve.records import ResolutionRun
from pipeline.resolve.report import SYNTHETIC_BANNER, resolution_json, resolution_markdown
from pipeline.store.citations import citations_parquet_bytes
from pipeline.store.stars import stars_parquet_bytes
from pipeline.store.tables import (
    papers_parquet_bytes,
    read_snapshot_before,
    snapshot_dates,
    to_table,
    with_pandas_types,
)
from pipeline.store.writer import (
    remove_stale_temporaries_under,
    write_bytes_atomic,
    write_text_atomic,
)

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq
else:
    pd = lazy_module("pandas")
    pa = lazy_module("pyarrow")
    pq = lazy_module("pyarrow.parquet")

# The history partitions leave out the snapshot date (it is the folder's name) and the BibTeX,
# which does not change night to night and is 40% of a partition (papers.parquet has it).
HISTORY_OMITS = ["snapshot_date", "bibtex"]


LIST_BANNER = f"> **{SYNTHETIC_BANNER}**\n\n"


def regenerated_list(
    document: ListDocument,
    rows: Sequence[dict[str, Any]],
    *,
    synthetic: bool,
    extras: ListExtras | None = None,
    trending: Collection[int] = (),
) -> str:
    """The regenerated list, under the SYNTHETIC banner when its numbers come from a fake.

    A list that already starts with the banner (a regenerated list read back as input) keeps
    one: the banner is taken off first, then put back only when this run is synthetic."""
    text = regenerate(
        document,
        rows,
        sort_by=extras.sort_by if extras else None,
        trending=trending if extras and extras.trending_marker else (),
    ).removeprefix(LIST_BANNER)
    return LIST_BANNER + text if synthetic else text


def write_tables(
    rows: list[dict[str, Any]],
    document: ListDocument,
    folder: Path,
    snapshot_date: date,
    *,
    synthetic: bool,
    extras: ListExtras | None = None,
    trending: Collection[int] = (),
) -> list[Path]:
    """papers.parquet, this date's history partition and the regenerated list, atomically.

    The history holds one Hive partition per snapshot date (`history/snapshot_date=D/`), with
    every column but HISTORY_OMITS; its file is replaced on a re-run of the same date, and
    other dates are never touched.
    """
    table = to_table(rows, synthetic=synthetic)
    partition = folder / "history" / f"snapshot_date={snapshot_date.isoformat()}" / "part-0.parquet"
    files = {
        folder / "papers.parquet": papers_parquet_bytes(table),
        partition: papers_parquet_bytes(
            table.drop_columns(HISTORY_OMITS), {"snapshot_date": pa.date32()}
        ),
        folder / "README.md": regenerated_list(
            document, rows, synthetic=synthetic, extras=extras, trending=trending
        ).encode("utf-8"),
    }
    for path, data in files.items():
        write_bytes_atomic(path, data)
    return list(files)


def write_resolution(
    run: ResolutionRun, folder: Path, *, source: str, now: datetime, synthetic: bool
) -> list[Path]:
    """papers.bib, resolution.json and resolution.md, each atomically."""
    bib_header = f"% {SYNTHETIC_BANNER}\n\n" if synthetic else ""
    files = {
        folder / "papers.bib": bib_header + run.bibliography,
        folder / "resolution.json": resolution_json(
            run, source=source, generated_at=now, synthetic=synthetic
        ),
        folder / "resolution.md": resolution_markdown(
            run, source=source, generated_at=now, synthetic=synthetic
        ),
    }
    for path, text in files.items():
        write_text_atomic(path, text)
    return list(files)


def write_citations(rows: Sequence[dict[str, Any]], folder: Path, *, synthetic: bool) -> list[Path]:
    path = folder / "citations_by_year.parquet"
    write_bytes_atomic(path, citations_parquet_bytes(rows, synthetic=synthetic))
    return [path]


def write_star_weeks(
    rows: Sequence[dict[str, Any]], folder: Path, *, synthetic: bool
) -> list[Path]:
    path = folder / "stars_by_week.parquet"
    write_bytes_atomic(path, stars_parquet_bytes(rows, synthetic=synthetic))
    return [path]


CHARTS = ("top_velocity", "citations_over_time", "stars_vs_citations", "entries_per_section")


def write_trends(result: TrendResult, folder: Path, *, synthetic: bool) -> list[Path]:
    """trends.parquet and the SVG charts (charts/*.svg), each atomically."""
    from pipeline.analysis import charts  # matplotlib is imported only when charts are drawn

    table = pa.Table.from_pandas(result.table, preserve_index=False)
    for index, column in enumerate(table.schema):  # dates stay dates when none is known yet
        if column.name == "snapshot_date" or column.name.startswith("base_date_"):
            table = table.set_column(index, column.name, table[index].cast(pa.date32()))
    metadata = {
        **(table.schema.metadata or {}),
        b"awesome_enrich.schema": b"awesome-enrich/trends",
        b"awesome_enrich.synthetic": b"true" if synthetic else b"false",
    }
    buffer = pa.BufferOutputStream()
    pq.write_table(
        with_pandas_types(table.replace_schema_metadata(metadata)),
        buffer,
        compression="zstd",
        write_page_checksum=True,
    )
    figures = {
        "top_velocity": charts.velocity_chart(result.table, synthetic=synthetic),
        "citations_over_time": charts.citations_over_time_chart(
            result.series,
            synthetic=synthetic,
            snapshot_date=result.snapshot_dates[-1] if result.snapshot_dates else None,
            source=result.series_source,
        ),
        "stars_vs_citations": charts.stars_vs_citations_chart(result.table, synthetic=synthetic),
        "entries_per_section": charts.entries_per_section_chart(result.table, synthetic=synthetic),
    }
    files = {folder / "trends.parquet": buffer.getvalue().to_pybytes()}
    files |= {
        folder / "charts" / f"{name}.svg": charts.svg_bytes(fig) for name, fig in figures.items()
    }
    for path, data in files.items():
        write_bytes_atomic(path, data)
    return list(files)


def write_changes(changes: Changes, folder: Path) -> tuple[Path, str]:
    text = render_changes(changes, SYNTHETIC_BANNER)
    path = folder / "changes.md"
    write_text_atomic(path, text)
    return path, text


def deadline_warning(options: JobOptions) -> list[str]:
    """changes.md's word on a run its deadline stopped."""
    deadline = options.settings.deadline
    if deadline is None or not deadline.was_reached:
        return []
    return [
        f"this run reached its deadline ({deadline.seconds:g} s) and stopped asking: values "
        "not refreshed keep the previous run's (listed at the end), new entries without data "
        "are pending until the next run"
    ]


def write_outputs(
    options: JobOptions,
    inputs: Inputs,
    resolution: ResolutionRun,
    rows: list[dict[str, Any]],
    *,
    now: datetime,
    snapshot_date: date,
    citations: dict[str, list[dict[str, Any]]] | None = None,
    rejections: Sequence[Rejection] = (),
    stale: Sequence[NotRefreshed] = (),
    star_weeks: Sequence[dict[str, Any]] | None = None,
) -> tuple[list[Path], str]:
    """Every output, each atomically; returns the files and changes.md's text. `star_weeks`
    (None: stars_by_week.parquet is left as it is) is the whole new star table."""
    remove_stale_temporaries_under(options.out)  # a killed run's debris (we hold the lock)
    synthetic = is_synthetic(options.settings)
    history = options.out / "history"
    previous = read_snapshot_before(history, snapshot_date)
    citation_rows = replace_papers(inputs.citations, citations or {})
    trends = compute_trends(
        read_trend_history(history, rows, snapshot_date),
        pd.DataFrame(citation_rows) if citation_rows else None,
    )
    trending = set(trends.table.loc[trends.table["trending"], "position"].astype(int))
    written = write_tables(
        rows,
        inputs.document,
        options.out,
        snapshot_date,
        synthetic=synthetic,
        extras=options.extras,
        trending=trending,
    )
    written += write_resolution(
        resolution, options.out, source=str(options.list_path), now=now, synthetic=synthetic
    )
    if citations:
        written += write_citations(citation_rows, options.out, synthetic=synthetic)
    star_rows = list(inputs.star_weeks if star_weeks is None else star_weeks)
    if star_weeks:
        written += write_star_weeks(star_weeks, options.out, synthetic=synthetic)
    written += write_trends(trends, options.out, synthetic=synthetic)
    changes = compute_changes(
        rows,
        previous,
        snapshot_date,
        warnings=[*[str(r) for r in rejections], *deadline_warning(options)],
        not_refreshed=stale,
        synthetic=synthetic,
    )
    changes_path, changes_text = write_changes(changes, options.out)
    report = write_report(
        options.out,
        rows,
        snapshot_date=snapshot_date,
        synthetic=synthetic,
        title=list_title(inputs.document, options.list_path.name),
        trends=trends.table,
        citations=citation_rows,
        charts=written,
        changes=changes,
        snapshots=len(set(snapshot_dates(history)) | {snapshot_date}),
        star_weeks=star_rows,
    )
    return [*written, changes_path, report], changes_text
