"""`awesome-enrich trends`: trends.parquet and charts from the dated history."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from pipeline.analysis.trends import WINDOWS
from pipeline.cli.arguments import DEFAULT_OUT, Subparsers
from pipeline.job.outputs import CHARTS
from pipeline.job.trends import refresh_trends
from pipeline.store.writer import check_output_folder


def command(args: argparse.Namespace, out: TextIO) -> int:
    history_dir: Path = args.history
    out_dir: Path = args.out or history_dir.parent
    citations_path = args.citations or history_dir.parent / "citations_by_year.parquet"
    check_output_folder(out_dir)
    run = refresh_trends(history_dir, out_dir, citations_path, real_data_out=DEFAULT_OUT)
    if run is None:
        print(f"{history_dir}: no snapshots yet; run `awesome-enrich run` first", file=out)
        return 1
    result, synthetic, written = run.result, run.synthetic, run.written
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
        "since publication, citations this and last year, rank changes) and SVG charts ("
        + ", ".join(f"charts/{name}.svg" for name in CHARTS)
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
