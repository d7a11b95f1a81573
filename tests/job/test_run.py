"""`awesome-enrich run` end to end against the local fake of the three APIs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest

from fakeapi.server import FakeServer
from pipeline.cli.main import main
from pipeline.resolve.bibtex import parse_bibliography
from pipeline.resolve.report import SYNTHETIC_BANNER
from pipeline.store.locations import DOWNLOADED_LIST
from tests.conftest import SEED_LIST
from tests.fakes import fake_in_env, serve_folder

pytestmark = pytest.mark.usefixtures("prefect_harness")

S2_KEY = "S2-SENTINEL-KEY-9f8e7d6c"
GH_TOKEN = "GH-SENTINEL-TOKEN-1a2b3c4d"  # noqa: S105 - a test sentinel


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServer]:
    with fake_in_env(monkeypatch) as server:
        yield server


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(["run", "--list", str(SEED_LIST), *args])
    return status, capsys.readouterr().out


def test_a_clean_run_writes_labelled_outputs(
    fake: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    status, printed = run(capsys, "--out", str(out), "--cache-dir", str(tmp_path / "cache"))
    assert status == 0, printed
    assert "resolved 56 of 56 papers (9 paper_url_id, 40 s2_title, 7 arxiv_title)" in printed
    assert "github: 42 repositories:" in printed
    assert sorted(p.name for p in out.iterdir()) == [
        ".awesome-enrich.lock",
        "README.md",
        "changes.md",
        "charts",
        "citations_by_year.parquet",
        "history",
        "papers.bib",
        "papers.parquet",
        "report.html",
        "resolution.json",
        "resolution.md",
        "stars_by_week.parquet",
        "trends.parquet",
    ]
    assert "s2 citation history: 48 papers fetched in 48 calls" in printed
    assert (out / "changes.md").read_text(encoding="utf-8").startswith(f"> **{SYNTHETIC_BANNER}**")
    regenerated = (out / "README.md").read_text(encoding="utf-8")
    assert regenerated.startswith(f"> **{SYNTHETIC_BANNER}**")
    assert (
        "| Title | Abbreviation | Venue | Code | Citations | Stars | Last commit |" in regenerated
    )
    bib = (out / "papers.bib").read_text(encoding="utf-8")
    assert bib.startswith(f"% {SYNTHETIC_BANNER}")
    assert len(parse_bibliography(bib).entries) == 55
    report = json.loads((out / "resolution.json").read_text(encoding="utf-8"))
    assert report["synthetic"] is True and len(report["entries"]) == 56
    assert SYNTHETIC_BANNER in (out / "resolution.md").read_text(encoding="utf-8")


@pytest.fixture
def served_list(tmp_path: Path) -> Iterator[str]:
    """The seed list served on loopback as a raw file: its URL, two levels deep."""
    site = tmp_path / "site" / "owner" / "repo"
    site.mkdir(parents=True)
    (site / "README.md").write_bytes(SEED_LIST.read_bytes())

    with serve_folder(tmp_path / "site") as base:
        yield f"{base}/owner/repo/README.md"


def test_a_raw_url_on_the_command_line_is_fetched_as_written(
    fake: FakeServer, served_list: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `--list http://host/path`: kept as written (a Path would fold `//` into `http:/host`).
    assert main(["check", served_list]) == 0
    assert f"{served_list}: 56 entries" in capsys.readouterr().out
    out = tmp_path / "out"
    status = main(["run", "--list", served_list, "--out", str(out), "--no-cache"])
    printed = capsys.readouterr().out
    assert status == 0, printed
    assert "resolved 56 of 56 papers" in printed
    assert (out / DOWNLOADED_LIST).read_bytes() == SEED_LIST.read_bytes()  # the run's copy
    regenerated = (out / "README.md").read_text(encoding="utf-8")
    assert "| Citations | Stars | Last commit |" in regenerated
    missing = served_list.replace("README.md", "MISSING.md")
    assert main(["run", "--list", missing, "--out", str(tmp_path / "other")]) == 2
    assert f"{missing}: HTTP 404; the list was not read" in capsys.readouterr().err
    assert not (tmp_path / "other").exists()  # refused before anything starts


def test_synthetic_numbers_never_go_to_the_default_output_folder(
    fake: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["run", "--list", str(SEED_LIST), "--no-cache"])
    assert status == 2
    assert "pass --out DIR" in capsys.readouterr().err


def test_a_second_run_makes_only_the_calls_it_must(
    fake: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache"))
    assert run(capsys, *args)[0] == 0
    first = dict(fake.app.snapshot()["per_api"])
    status, printed = run(capsys, *args)
    assert status == 0
    second = {
        api: count - first.get(api, 0) for api, count in fake.app.snapshot()["per_api"].items()
    }
    assert "resolved 56 of 56 papers (56 pinned)" in printed
    assert second.get("s2", 0) <= 1  # one batch of pinned ids, or a cache hit
    assert second.get("arxiv", 0) == 0  # arXiv metadata is kept from the last run
    assert second.get("github", 0) <= 1  # GraphQL cached for an hour; gone repos not re-asked


def _entries(out: Path) -> list[dict[str, object]]:
    report = json.loads((out / "resolution.json").read_text(encoding="utf-8"))
    keep = (
        "entry_id",
        "match_method",
        "match_score",
        "s2_paper_id",
        "arxiv_id",
        "doi",
        "citation_key",
    )
    return [{key: entry[key] for key in keep} for entry in report["entries"]]


def test_a_flaky_run_completes_with_the_same_results(
    fake: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, clean = run(capsys, "--out", str(tmp_path / "clean"), "--no-cache")
    assert status == 0
    fake.app.faults.error_rate = 0.10  # 429s and 5xx on every API
    status, printed = run(capsys, "--out", str(tmp_path / "flaky"), "--no-cache")
    assert status == 0, printed
    injected = fake.app.snapshot()["injected"]
    assert {"s2", "arxiv"} <= {key.split()[0] for key in injected}  # GitHub makes ~4 calls here
    assert (
        sum(
            int(line.split(", ")[-1].split()[0])
            for line in printed.splitlines()
            if " calls: " in line
        )
        > 0
    )
    assert _entries(tmp_path / "flaky") == _entries(tmp_path / "clean")
    github = [line for line in printed.splitlines() if line.startswith("github: ")]
    assert github == [line for line in clean.splitlines() if line.startswith("github: ")]
    assert (tmp_path / "flaky" / "papers.bib").read_text() == (
        tmp_path / "clean" / "papers.bib"
    ).read_text()


def test_with_s2_down_the_previous_values_are_kept_and_reported(
    fake: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert run(capsys, "--out", str(out), "--no-cache")[0] == 0
    before = _entries(out)
    bib_before = (out / "papers.bib").read_text()
    fake.app.faults.down = frozenset({"s2"})
    status, printed = run(capsys, "--out", str(out), "--no-cache")
    assert status == 1
    assert "s2: FAILED: server error (HTTP 503)" in printed
    after = _entries(out)
    assert [(e["s2_paper_id"], e["arxiv_id"], e["citation_key"]) for e in after] == [
        (e["s2_paper_id"], e["arxiv_id"], e["citation_key"]) for e in before
    ]
    report = json.loads((out / "resolution.json").read_text())
    assert all(entry["kept_from_previous"] for entry in report["entries"])
    assert "## Kept from the previous run (56)" in (out / "resolution.md").read_text()
    assert (out / "papers.bib").read_text() == bib_before


def test_demo_needs_no_network_and_labels_its_outputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", GH_TOKEN)  # a real token must never reach the fake
    status = main(["demo", "--list", str(SEED_LIST), "--out", str(tmp_path / "demo")])
    printed = capsys.readouterr().out
    assert status == 0, printed
    assert "SYNTHETIC world generated from" in printed
    assert f"outputs (SYNTHETIC numbers, labelled so in each file): {tmp_path / 'demo'}/" in printed
    for name in ("papers.bib", "resolution.md", "resolution.json"):
        text = (tmp_path / "demo" / name).read_text()
        assert "SYNTHETIC" in text.split("\n", 3)[0] + text[:400] or '"synthetic": true' in text
        assert GH_TOKEN not in text


def test_nights_of_history_give_trends_and_changes_and_a_broken_night_is_guarded(
    fake: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    epoch = fake.app.world.epoch_date
    nights = [epoch + timedelta(days=offset) for offset in (0, 23, 30)]
    extras = {nights[-1]: ["--sort-by", "citations", "--trending-marker"]}
    for night in nights:
        fake.app.today = night
        args = ["--out", str(out), "--no-cache", "--snapshot-date", str(night)]
        status, printed = run(capsys, *args, *extras.get(night, []))
        assert status == 0, printed
    trends = pd.read_parquet(out / "trends.parquet").set_index("entry_id")
    resolved = trends.dropna(subset=["citation_count"])
    assert set(resolved["base_date_7d"]) == {nights[1]}
    assert set(resolved["base_date_30d"]) == {nights[0]}
    growing = resolved[resolved["citations_delta_30d"] > 0]
    assert len(growing) > 10 and (resolved["citations_delta_30d"] >= 0).all()
    assert trends["trending"].sum() >= 1
    regenerated = (out / "README.md").read_text(encoding="utf-8")
    assert regenerated.count(" ↑") == trends["trending"].sum()
    assert "## Citation movers" in (out / "changes.md").read_text(encoding="utf-8")
    good = pd.read_parquet(out / "papers.parquet").set_index("entry_id")

    history_before = (out / "citations_by_year.parquet").read_bytes()

    # A broken night: Semantic Scholar answers 0 for every paper.
    for paper in fake.app.world.papers:
        paper.citations_at_epoch, paper.citations_per_day = 0, 0.0
    night = epoch + timedelta(days=31)
    fake.app.today = night
    status, printed = run(capsys, "--out", str(out), "--no-cache", "--snapshot-date", str(night))
    assert status == 3, printed
    assert "Semantic Scholar values rejected by the anomaly guard" in printed
    after = pd.read_parquet(out / "papers.parquet").set_index("entry_id")
    assert after["citation_count"].equals(good["citation_count"])
    assert after["s2_fetched_at"].equals(good["s2_fetched_at"])
    assert (after["github_fetched_at"].dropna() > good["github_fetched_at"].dropna()).all()
    changes = (out / "changes.md").read_text(encoding="utf-8")
    assert "> **Warning:** Semantic Scholar values rejected by the anomaly guard" in changes
    assert "## Citation movers" not in changes
    assert (out / "citations_by_year.parquet").read_bytes() == history_before
