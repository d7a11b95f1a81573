from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from pipeline.cli.main import main
from pipeline.job.rows import build_rows, merge_with_previous
from pipeline.listfile.parser import parse_list
from pipeline.listfile.regenerate import regenerate
from pipeline.resolve.records import MatchMethod, Resolution
from pipeline.sources.github import RepoInfo, RepoStatus
from pipeline.store.listio import read_list
from pipeline.store.tables import (
    PAPERS_SCHEMA,
    TableError,
    papers_parquet_bytes,
    read_papers,
    to_table,
)
from tests.conftest import SEED_LIST
from tests.fakes import fake_apis, seed_world

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
YESTERDAY = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def row(**values: object) -> dict[str, object]:
    base: dict[str, object] = {
        "entry_id": "e1",
        "position": 0,
        "line": 3,
        "title": "T",
        "match_method": "s2_title",
        "s2_paper_id": "p1",
        "citation_count": 10,
        "influential_citation_count": 1,
        "s2_fetched_at": NOW,
        "repo": "o/n",
        "repo_status": "ok",
        "stars": 5,
        "forks": 1,
        "archived": False,
        "last_commit_at": NOW,
        "github_fetched_at": NOW,
        "snapshot_date": NOW.date(),
        "synthetic": False,
        "authors": ["A B"],
        "code_url": None,
    }
    base.update(values)
    return base


def test_a_failed_source_never_overwrites_a_good_value() -> None:
    old = row(citation_count=40, s2_fetched_at=YESTERDAY, stars=90, github_fetched_at=YESTERDAY)
    failed = row(
        citation_count=None,
        influential_citation_count=None,
        s2_fetched_at=None,
        stars=None,
        forks=None,
        archived=None,
        last_commit_at=None,
        repo_status=None,
        github_fetched_at=None,
        authors=None,
    )
    [merged] = merge_with_previous([failed], {"e1": old})
    assert (merged["citation_count"], merged["s2_fetched_at"]) == (40, YESTERDAY)
    assert (merged["stars"], merged["repo_status"], merged["github_fetched_at"]) == (
        90,
        "ok",
        YESTERDAY,
    )
    assert merged["authors"] == ["A B"]
    # Fresh values win, and another paper or repository never inherits old numbers.
    [fresh] = merge_with_previous([row(citation_count=41)], {"e1": old})
    assert fresh["citation_count"] == 41 and fresh["s2_fetched_at"] == NOW
    [other] = merge_with_previous([failed | {"s2_paper_id": "p2", "repo": "x/y"}], {"e1": old})
    assert other["citation_count"] is None and other["stars"] is None


def test_a_renamed_repository_keeps_its_values_when_github_does_not_answer() -> None:
    url = "https://github.com/old-owner/SSC"
    old = row(repo="new-owner/SSC", repo_status="renamed", code_url=url, stars=40)
    failed = row(
        repo="old-owner/SSC",
        code_url=url,
        **dict.fromkeys(["repo_status", "stars", "forks", "archived", "last_commit_at"]),
        github_fetched_at=None,
    )
    [merged] = merge_with_previous([failed], {"e1": old})
    assert (merged["repo"], merged["repo_status"], merged["stars"]) == (
        "new-owner/SSC",
        "renamed",
        40,
    )
    assert merged["github_fetched_at"] == NOW
    moved = {**failed, "code_url": "https://github.com/someone/else", "repo": "someone/else"}
    [merged] = merge_with_previous([moved], {"e1": old})  # the list now links elsewhere
    assert merged["stars"] is None and merged["repo"] == "someone/else"


def test_repository_answers_are_shared_by_spellings_of_one_name() -> None:
    entries = read_list(SEED_LIST).entries[:2]
    resolutions = [
        Resolution(entry=entry, entry_id=f"e{i}", method=MatchMethod.UNRESOLVED)
        for i, entry in enumerate(entries)
    ]
    info = RepoInfo("Lab/Repo", RepoStatus.OK, full_name="Lab/Repo", stars=7)
    rows = build_rows(
        resolutions,
        {"Lab/Repo": info},
        {entries[0].position: "Lab/Repo", entries[1].position: "lab/repo"},
        now=NOW,
        snapshot_date=NOW.date(),
        synthetic=False,
    )
    assert [r["stars"] for r in rows] == [7, 7]


def test_the_table_has_the_versioned_schema_and_utc_timestamps() -> None:
    table = to_table([row(last_commit_at=datetime(2024, 1, 2, 3, 4))], synthetic=True)
    assert table.schema.equals(PAPERS_SCHEMA, check_metadata=False)
    assert table.schema.metadata[b"awesome_enrich.version"] == b"1"
    assert table.schema.metadata[b"awesome_enrich.synthetic"] == b"true"
    assert str(table.schema.field("last_commit_at").type) == "timestamp[us, tz=UTC]"
    assert table.column("last_commit_at")[0].as_py() == datetime(2024, 1, 2, 3, 4, tzinfo=UTC)


def test_a_corrupt_previous_table_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "papers.parquet"
    path.write_bytes(b"PAR1 not really")
    with pytest.raises(TableError, match=f"^{path}: the previous table is unreadable"):
        read_papers(path)
    assert path.read_bytes() == b"PAR1 not really"
    assert read_papers(tmp_path / "absent.parquet") == {}


def test_a_table_damaged_in_place_is_refused_not_misread(tmp_path: Path) -> None:
    """Page checksums: a changed byte in the data pages is an error, never other values."""
    rows = [row(entry_id=f"e{i}", title=f"Paper {i}", citation_count=i) for i in range(200)]
    good = papers_parquet_bytes(to_table(rows))
    path = tmp_path / "papers.parquet"
    path.write_bytes(good)
    reference = read_papers(path)
    footer = int.from_bytes(good[-8:-4], "little")  # the footer (metadata) has no checksum
    refused = last_refused = 0
    for offset in range(4, len(good) - 8 - footer, 7):
        damaged = bytearray(good)
        damaged[offset] ^= 0x55
        path.write_bytes(bytes(damaged))
        try:
            back = read_papers(path)
        except TableError:
            refused, last_refused = refused + 1, offset
            continue
        assert back == reference, offset  # a byte that changed nothing that is read
    assert refused > (len(good) - 8 - footer) // 7 // 2  # most of them
    damaged = bytearray(good)
    damaged[last_refused] ^= 0x55
    path.write_bytes(bytes(damaged))
    with pytest.raises(TableError, match=f"^{path}: the previous table is unreadable"):
        read_papers(path)


def test_a_table_with_our_schema_name_but_not_our_columns_is_a_clear_error(
    tmp_path: Path,
) -> None:
    table = pa.table({"x": [1]}).replace_schema_metadata(
        {b"awesome_enrich.schema": b"awesome-enrich/papers"}
    )
    path = tmp_path / "papers.parquet"
    pq.write_table(table, path)
    with pytest.raises(TableError, match="has no entry_id, position, title column"):
        read_papers(path)


def test_the_regenerated_list_updates_renamed_links_and_marks_gone_repos() -> None:
    document = parse_list(
        "# L\n\n| Title | Code |\n|---|---|\n"
        "| [A](https://x.org/a) | https://github.com/old/name |\n"
        "| [B](https://x.org/b) | https://github.com/gone/repo |\n"
        "| [C](https://x.org/c) | [code](https://github.com/c/c) |\n"
    )
    rows = [
        row(
            position=0,
            code_url="https://github.com/old/name",
            repo="new/name",
            repo_status="renamed",
            stars=1234,
            citation_count=5678,
        ),
        row(
            position=1,
            code_url="https://github.com/gone/repo",
            repo="gone/repo",
            repo_status="not_found",
            stars=None,
            citation_count=None,
            last_commit_at=None,
        ),
        row(
            position=2,
            code_url="https://github.com/c/c",
            repo="c/c",
            archived=True,
            stars=7,
            last_commit_at=datetime(2023, 5, 6, tzinfo=UTC),
        ),
    ]
    lines = regenerate(document, rows).splitlines()
    assert lines[:2] == ["# L", ""]
    assert lines[2] == "| Title | Code | Citations | Stars | Last commit |"
    assert (
        lines[4]
        == "| [A](https://x.org/a) | https://github.com/new/name | 5,678 | 1,234 | 2026-11-26 |"
    )
    assert lines[5] == "| [B](https://x.org/b) | https://github.com/gone/repo |  | gone |  |"
    assert lines[6].endswith("| 10 | 7 (archived) | 2023-05-06 |")
    with pytest.raises(ValueError, match="unknown columns"):
        regenerate(document, rows, ["downloads"])
    hostile = [{**rows[0], "repo": "x/y)](javascript:alert(1)"}]
    assert "javascript" not in regenerate(document, hostile)


@pytest.mark.usefixtures("prefect_harness")
def test_two_snapshot_dates_give_two_partitions_readable_by_pandas_pyarrow_and_duckdb(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    world = seed_world()
    out = tmp_path / "out"
    with fake_apis(world, env={"GITHUB_TOKEN": "t"}) as (server, _):
        for name, value in {
            **server.env(),
            "AWESOME_ENRICH_TIME_SCALE": "0",
            "GITHUB_TOKEN": "t",
        }.items():
            monkeypatch.setenv(name, value)
        for day in ("2026-11-24", "2026-11-25", "2026-11-25"):  # the last one re-runs a date
            server.app.today = date.fromisoformat(day)
            status = main(
                [
                    "run",
                    "--list",
                    str(SEED_LIST),
                    "--out",
                    str(out),
                    "--no-cache",
                    "--snapshot-date",
                    day,
                ]
            )
            assert status == 0, capsys.readouterr().out
    partitions = sorted(p.name for p in (out / "history").iterdir())
    assert partitions == ["snapshot_date=2026-11-24", "snapshot_date=2026-11-25"]
    assert [p.name for p in (out / "history" / "snapshot_date=2026-11-25").iterdir()] == [
        "part-0.parquet"
    ]

    history = pd.read_parquet(out / "history")
    assert len(history) == 2 * 56
    # Typed for analysis by a plain read (issue 16): nullable Int64 counts, dates as dates,
    # the history's snapshot_date (a folder name) included; DuckDB sees DATE and BIGINT.
    papers = pd.read_parquet(out / "papers.parquet")
    for frame in (history, papers):
        assert {str(frame[c].dtype) for c in ("citation_count", "stars", "year")} == {"Int64"}
        assert str(frame["snapshot_date"].dtype) == "date32[day][pyarrow]"
        assert str(frame["archived"].dtype) == "boolean"
    assert set(history["snapshot_date"]) == {date(2026, 11, 24), date(2026, 11, 25)}
    assert "bibtex" not in history.columns  # static: papers.parquet and papers.bib have it
    assert {"title", "citation_count", "stars", "repo_status"} <= set(history.columns)
    dataset = ds.dataset(out / "history", partitioning="hive")
    assert dataset.count_rows() == 2 * 56
    pattern = str(out / "history" / "*" / "*.parquet")
    counts = duckdb.execute(
        "SELECT entry_id, snapshot_date, citation_count "
        "FROM read_parquet(?, hive_partitioning = true) ORDER BY entry_id, snapshot_date",
        [pattern],
    ).fetchall()
    assert len(counts) == 112
    described = duckdb.execute(
        "DESCRIBE SELECT * FROM read_parquet(?, hive_partitioning = true)", [pattern]
    ).fetchall()
    types = {name: kind for name, kind, *_ in described}
    assert types["snapshot_date"] == "DATE" and types["citation_count"] == "BIGINT"
    current = pq.read_table(out / "papers.parquet").to_pylist()
    assert [r["position"] for r in current] == list(range(56))
    assert {str(r["snapshot_date"]) for r in current} == {"2026-11-25"}
    # Citation counts grow with the fake's simulated date; the history shows it.
    by_paper = history.pivot_table(
        index="entry_id", columns="snapshot_date", values="citation_count"
    )
    growth = by_paper.iloc[:, 1] - by_paper.iloc[:, 0]
    assert (growth >= 0).all() and (growth > 0).any()


def test_the_outputs_guides_downstream_example_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = Path(__file__).resolve().parents[2] / "docs" / "outputs.md"
    readme = doc.read_text(encoding="utf-8")
    start = readme.index("```python\nimport duckdb")
    code = readme[start + len("```python\n") : readme.index("```", start + 10)]
    assert 'OUT = "demo-output"' in code  # the folder a newcomer has: the demo's (issue 27)
    history = tmp_path / "demo-output" / "history"
    for day, count in (("2026-11-24", 10), ("2026-11-25", 12)):
        table = to_table([row(citation_count=count, snapshot_date=date.fromisoformat(day))])
        folder = history / f"snapshot_date={day}"
        folder.mkdir(parents=True)
        pq.write_table(table.drop_columns(["snapshot_date"]), folder / "part-0.parquet")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(code, str(doc), "exec"), namespace)  # noqa: S102 - our own documentation
    per_paper = namespace["per_paper"]
    trend = namespace["trend"]
    assert list(per_paper.loc["T"]) == [10, 12]  # type: ignore[attr-defined]
    assert list(trend["citation_count"]) == [10, 12]  # type: ignore[index]
