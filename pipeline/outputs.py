"""What a run leaves in the output folder, written through the one writer."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pipeline.model import ListDocument
from pipeline.regenerate import regenerate
from pipeline.report import SYNTHETIC_BANNER, resolution_json, resolution_markdown
from pipeline.resolve import MatchMethod, ResolutionRun
from pipeline.tables import papers_parquet_bytes, to_table
from pipeline.writer import write_bytes_atomic, write_text_atomic


def resolution_summary(run: ResolutionRun) -> list[str]:
    counts = Counter(r.method for r in run.resolutions)
    papers = len(run.resolutions) - counts[MatchMethod.NOT_A_PAPER]
    resolved = sum(1 for r in run.resolutions if r.resolved)
    detail = ", ".join(f"{counts[m]} {m.value}" for m in MatchMethod if counts[m])
    lines = [f"resolved {resolved} of {papers} papers ({detail})"]
    low = sum(1 for r in run.resolutions if r.low_confidence)
    if low:
        lines.append(f"{low} low-confidence matches: see resolution.md")
    lines += [f"{api}: FAILED: {reason}" for api, reason in run.failures.items()]
    return lines


def write_tables(
    rows: list[dict[str, Any]],
    document: ListDocument,
    folder: Path,
    snapshot_date: date,
    *,
    synthetic: bool,
) -> list[Path]:
    """papers.parquet, this date's history partition and the regenerated list, atomically.

    The history holds one Hive partition per snapshot date (`history/snapshot_date=D/`); its
    file is replaced on a re-run of the same date, and other dates are never touched.
    """
    table = to_table(rows, synthetic=synthetic)
    banner = f"> **{SYNTHETIC_BANNER}**\n\n" if synthetic else ""
    partition = folder / "history" / f"snapshot_date={snapshot_date.isoformat()}" / "part-0.parquet"
    files = {
        folder / "papers.parquet": papers_parquet_bytes(table),
        partition: papers_parquet_bytes(table.drop_columns(["snapshot_date"])),
        folder / "README.md": (banner + regenerate(document, rows)).encode("utf-8"),
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
