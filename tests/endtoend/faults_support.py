"""The fault matrix's shared pieces: its lists and days, the fake's settings, the output checks."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pyarrow.parquet as pq

from fakeapi.description import PaperRecord
from fakeapi.server import FakeServer
from pipeline.job.options import JobOptions
from pipeline.resolve.bibtex import parse_bibliography
from pipeline.resolve.report import load_pins
from pipeline.sources.config import Settings, settings_from_env
from pipeline.store.citations import read_citations
from pipeline.store.lock import LOCK_NAME
from pipeline.store.tables import read_history, read_papers
from tests.conftest import SEED_LIST
from tests.endtoend.kill_during_write import StepsResult
from tests.fakes import seed_records

TOKEN = "fault-matrix-token-5f1e2d3c"  # noqa: S105 - a test sentinel for the fake
HEADER = "| Title | Abbreviation | Venue | Code |\n|-----|-----|-----|-----|\n"
# From data/raw/README.md, by abbreviation: ids in paper URLs, titles only, an arXiv-only paper,
# a renamed repository, a gone one and an empty one.
ABBREVIATIONS = (
    "WeakCLIP",
    "FMA",
    "WeCLIP",
    "AGMM++",
    "CTI",
    "ECA",
    "MCTformer+",
    "DuPL",
    "MCC",
    "UniA",
    "SSC",
    "Vit-PCM",
)
# Added before the second run: an arXiv-only paper (found by arXiv title search, unknown to S2),
# a title-only paper (S2 title match) and an arXiv URL (S2 batch, arXiv metadata by id), each
# with a new repository.
NEW_IN_RUN_2 = frozenset({"ECA", "DuPL", "UniA"})
DAY1, DAY2, DAY3 = date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 26)
NOW = {day: datetime(day.year, day.month, day.day, 3, 0, tzinfo=UTC) for day in (DAY1, DAY2, DAY3)}
GROWTH = timedelta(days=30)  # how far the fake's counts move on before the second run

S2_VALUES = ("citation_count", "influential_citation_count", "corpus_id", "s2_fetched_at")
GITHUB_VALUES = ("stars", "forks", "archived", "last_commit_at", "repo_status", "github_fetched_at")
ARXIV_VALUES = ("arxiv_id", "arxiv_published", "arxiv_category", "authors")
NEVER_NULLED = (
    *S2_VALUES,
    *GITHUB_VALUES,
    *ARXIV_VALUES,
    "s2_paper_id",
    "doi",
    "citation_key",
    "bibtex",
    "repo",
)
TEMPORARY = re.compile(r"\.(.+)\.[^./]+\.tmp")  # pipeline.store.writer's `.<name>.<random>.tmp`
OBSERVED: list[dict[str, Any]] = []


def seed_rows(abbreviations: Collection[str]) -> list[tuple[str, PaperRecord]]:
    """The seed list's table rows with these abbreviations (its second cell), in the seed
    list's order, each with its hand-checked record (the n-th row is the n-th record): found
    by splitting the rows here, never by the product's reader."""
    rows = [
        line
        for line in SEED_LIST.read_text(encoding="utf-8").splitlines()
        if line.startswith("| [")
    ]
    records = seed_records()
    assert len(rows) == len(records)
    chosen = [
        (row, record)
        for row, record in zip(rows, records, strict=True)
        if row.split("|")[2].strip() in abbreviations
    ]
    assert len(chosen) == len(abbreviations)
    return chosen


def list_text(abbreviations: Collection[str]) -> str:
    """A list of the seed list's rows with these abbreviations, in the seed list's order."""
    rows = [row for row, _ in seed_rows(abbreviations)]
    return "# Papers\n\n## Weakly supervised\n\n" + HEADER + "\n".join(rows) + "\n"


@dataclass(frozen=True)
class Lists:
    first: Path  # the list of the first run
    grown: Path  # the list of the later runs: NEW_IN_RUN_2 added


def fake_settings(
    server: FakeServer, cache_dir: Path | None = None, read_timeout: str = "60"
) -> Settings:
    variables = {
        **server.env(),
        "AWESOME_ENRICH_TIME_SCALE": "0",
        "GITHUB_TOKEN": TOKEN,
        "AWESOME_ENRICH_READ_TIMEOUT_S": read_timeout,
    }
    return settings_from_env(variables, cache_dir=cache_dir, no_cache=cache_dir is None)


def options(list_path: Path, out: Path, settings: Settings, day: date) -> JobOptions:
    return JobOptions(list_path, out, settings, snapshot_date=day)


def copy_of(baseline: Path, folder: Path) -> Path:
    out = folder / "out"
    shutil.copytree(baseline, out)
    return out


def files(out: Path) -> dict[str, bytes]:
    """Every file under `out` by relative path, except the run lock."""
    return {
        str(path.relative_to(out)): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file() and path.name != LOCK_NAME
    }


def temporaries(out: Path) -> list[str]:
    return [name for name in files(out) if TEMPORARY.fullmatch(Path(name).name)]


def check_outputs(out: Path) -> None:
    """Every output parses, with the readers the next run uses and with plain pyarrow/json."""
    papers = read_papers(out / "papers.parquet")
    assert papers, "papers.parquet is empty"
    pins = load_pins(out / "resolution.json")
    assert set(pins) == set(papers)
    report = json.loads((out / "resolution.json").read_text(encoding="utf-8"))
    assert len(report["entries"]) == len(papers)
    bib = parse_bibliography((out / "papers.bib").read_text(encoding="utf-8"))
    assert len(bib.entries) >= 1 and not bib.failed_blocks
    history = read_history(out / "history")
    assert set(history["entry_id"]) >= set(papers)
    for path in sorted(out.rglob("*.parquet")):
        if not path.name.startswith("."):
            pq.read_table(path)
    read_citations(out / "citations_by_year.parquet")
    for path in sorted(out.rglob("*.md")):
        path.read_text(encoding="utf-8")
    charts = sorted((out / "charts").glob("*.svg"))
    assert charts, "no charts"
    for path in charts:
        ElementTree.fromstring(path.read_bytes())  # noqa: S314 (ours): a whole SVG, not torn


def by_title(rows: Mapping[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["title"]: row for row in rows.values()}


class OutcomeMismatch(AssertionError):
    """The run did not do what the matrix expects of it (status, kept or refreshed values).

    Raised only after every integrity check and the recovery run have passed, so one failing
    cell reports everything it saw."""


def outcome_mismatches(
    before: Mapping[str, dict[str, Any]],
    after: Mapping[str, dict[str, Any]],
    kept: frozenset[str],
    refreshed_at: datetime | None,
) -> list[str]:
    """What breaks "the failing source's values are last run's, the others are fresh, and
    nothing good is overwritten by null", for the entries of the previous run.

    `refreshed_at` is this run's fetched_at (None: anything newer than last run's counts)."""
    problems = []
    for title, old in by_title(before).items():
        new = by_title(after)[title]
        short = title[:40]
        for column in NEVER_NULLED:
            if old.get(column) is not None and new.get(column) is None:
                problems.append(f"{short}: {column} {old[column]!r} overwritten by null")
        for column in ARXIV_VALUES:
            if new.get(column) != old.get(column):
                problems.append(f"{short}: arXiv's {column} changed: {old.get(column)!r}")
        for source, columns, stamp, has_value in (
            ("s2", S2_VALUES, "s2_fetched_at", old.get("s2_paper_id")),
            ("github", GITHUB_VALUES, "github_fetched_at", old.get("repo")),
        ):
            if not has_value or old.get(stamp) is None:
                continue
            if source in kept:
                changed = [c for c in columns if new.get(c) != old.get(c)]
                if changed:
                    problems.append(f"{short}: {source} values not kept: {changed}")
            elif refreshed_at is not None and new.get(stamp) != refreshed_at:
                problems.append(f"{short}: {stamp} {new.get(stamp)} is not this run's")
            elif refreshed_at is None and (new.get(stamp) is None or new[stamp] <= old[stamp]):
                problems.append(f"{short}: {stamp} not refreshed")
    return problems


def check_recovered(out: Path, result: StepsResult, now: datetime) -> None:
    """A clean run after trouble: status 0, every entry resolved and fresh, no debris."""
    assert (result.status, result.failed, result.refused) == (0, set(), False), result.lines
    assert not temporaries(out)
    check_outputs(out)
    rows = read_papers(out / "papers.parquet")
    assert len(rows) == len(ABBREVIATIONS)
    assert all(row["match_method"] != "unresolved" for row in rows.values())
    report = json.loads((out / "resolution.json").read_text(encoding="utf-8"))
    assert not [e["title"] for e in report["entries"] if e["kept_from_previous"]]
    for row in rows.values():
        if row["s2_paper_id"]:
            assert row["s2_fetched_at"] == now and row["citation_count"] is not None, row
        if row["repo"]:
            assert row["github_fetched_at"] == now and row["repo_status"] is not None, row
    papers = {row["s2_paper_id"] for row in rows.values() if row["s2_paper_id"]}
    cited = {row["s2_paper_id"] for row in read_citations(out / "citations_by_year.parquet")}
    assert papers <= cited
