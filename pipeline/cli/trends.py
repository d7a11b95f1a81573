"""`awesome-enrich trends`: trends.parquet and charts from the dated history."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

import pandas as pd

from pipeline.analysis.trends import WINDOWS, compute_trends
from pipeline.cli.arguments import DEFAULT_OUT, Subparsers
from pipeline.job.history import read_trend_history
from pipeline.job.outputs import CHARTS, write_trends
from pipeline.store.citations import read_citations
from pipeline.store.lock import output_lock
from pipeline.store.writer import OutputError


def command(args: argparse.Namespace, out: TextIO) -> int:
    history_dir: Path = args.history
    out_dir: Path = args.out or history_dir.parent
    history = read_trend_history(history_dir)
    if history.empty:
        print(f"{history_dir}: no snapshots yet; run `awesome-enrich run` first", file=out)
        return 1
    citations_path = args.citations or history_dir.parent / "citations_by_year.parquet"
    citation_rows = read_citations(citations_path)
    result = compute_trends(history, pd.DataFrame(citation_rows) if citation_rows else None)
    synthetic = bool(history["synthetic"].fillna(False).astype(bool).any())
    if synthetic and out_dir.resolve() == DEFAULT_OUT.resolve():
        raise OutputError(f"the history is SYNTHETIC: its trends never go to {DEFAULT_OUT}")
    with output_lock(out_dir):  # a nightly run may be writing the same files
        written = write_trends(result, out_dir, synthetic=synthetic)
    table = result.table
    dates = result.snapshot_dates
    print(
        f"{len(dates)} snapshots, {dates[0].isoformat()} to {dates[-1].isoformat()}; "
        f"{len(table)} entries" + (" (SYNTHETIC)" if synthetic else ""),
        file=out,
    )
    for window in WINDOWS:
        base = table[f"base_date_{window}d"].iloc[0] if len(table) else None
        print(
            f"{window}-day deltas: "
            + (f"from the snapshot of {base.isoformat()}" if base else "no snapshot in range"),
            file=out,
        )
    top = table.dropna(subset=["citation_velocity"]).nlargest(5, "citation_velocity")
    for _, row in top.iterrows():
        print(f"  {row['label']}: {row['citation_velocity']:+.1f} citations / 30 days", file=out)
    print(f"wrote {', '.join(str(p) for p in written)}", file=out)
    return 0


def add_parser(commands: Subparsers) -> None:
    trends = commands.add_parser(
        "trends",
        help="citation and star trends from the history, with charts",
        description="Read the dated history and write trends.parquet (per paper: citation and "
        "star deltas over 7, 30 and 365 days from the nearest snapshots, citations per month "
        "since publication, citations this and last year, rank changes) and PNG charts ("
        + ", ".join(f"charts/{name}.png" for name in CHARTS)
        + "). The nightly run writes them too.",
    )
    trends.add_argument(
        "--history",
        type=Path,
        default=DEFAULT_OUT / "history",
        help=f"the history folder (default: {DEFAULT_OUT / 'history'})",
    )
    trends.add_argument(
        "--out",
        type=Path,
        default=None,
        help="where to write trends.parquet and charts/ (default: the history's parent)",
    )
    trends.add_argument(
        "--citations",
        type=Path,
        default=None,
        help="citations_by_year.parquet (default: next to the history folder)",
    )
    trends.set_defaults(handler=command)
