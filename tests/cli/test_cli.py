from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli.main import build_parser, main
from pipeline.resolve.resolver import S2_TITLE_WORKERS
from pipeline.sources.http import SystemClock
from pipeline.store.lock import LOCK_NAME
from tests.conftest import REPO, SAMPLE_LISTS, SEED_LIST, seed_prefect_home

README = REPO / "README.md"
USER_GUIDE = REPO / "docs" / "user-guide.md"


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_check_seed_passes_and_lists_duplicates(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(capsys, "check", str(SEED_LIST))
    assert status == 0
    assert (
        f"{SEED_LIST}: 56 entries in 8 sections (56 in tables, 0 bullets); 0 errors, 0 warnings"
        in out
    )
    assert "4 duplicate groups (reported, not removed):" in out
    assert "same paper: same title; same paper URL (ieee:10367821)" in out
    assert f"{SEED_LIST}:35  ASDT" in out
    assert f"{SEED_LIST}:37  ASDT" in out
    assert "shared repository: rongtao-xu/representationlearning" in out


def test_check_reports_errors_with_file_and_line(capsys: pytest.CaptureFixture[str]) -> None:
    messy = SAMPLE_LISTS / "messy.md"
    status, out, _ = run_cli(capsys, "check", str(messy))
    assert status == 1
    assert f"{messy}:10: error: row has no title; not read as a paper" in out.splitlines()


def test_strict_fails_on_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    badges = str(SAMPLE_LISTS / "badges.md")
    assert run_cli(capsys, "check", badges)[0] == 0
    assert run_cli(capsys, "check", "--strict", badges)[0] == 1


def test_check_json_lists_entries_and_skipped_items(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listing = tmp_path / "list.md"
    listing.write_text(
        "## Contents\n\n- [Papers](#papers)\n\n## Papers\n\n"
        "- **Sparse Prompt Tuning for Segmentation** (CVPR 2023) "
        "[[paper](https://arxiv.org/abs/2301.00001)] [[code](https://github.com/x/spt)]\n"
        "- [Sparse Prompt Library](https://github.com/x/lib)\n",
        encoding="utf-8",
    )
    status, out, _ = run_cli(capsys, "check", "--json", str(listing))
    report = json.loads(out)
    assert status == 0
    assert report["entries"] == [
        {
            "line": 7,
            "section": "Papers",
            "title": "Sparse Prompt Tuning for Segmentation",
            "paper_url": "https://arxiv.org/abs/2301.00001",
            "code_urls": ["https://github.com/x/spt"],
            "venue": "CVPR 2023",
            "year": 2023,
        }
    ]
    assert [item["line"] for item in report["skipped"]] == [3, 8]
    assert "holds no papers" in report["skipped"][0]["reason"]
    assert report["errors"] == []
    assert [w["line"] for w in report["warnings"]] == [8]
    assert run_cli(capsys, "check", "--strict", str(listing))[0] == 1  # the doubtful item


def test_check_says_first_when_most_items_are_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listing = tmp_path / "list.md"
    tools = "".join(f"- [Tool number {n}](https://github.com/x/t{n})\n" for n in range(5))
    paper = "- [Sparse Prompt Tuning](https://arxiv.org/abs/2301.00001) (CVPR 2023)\n"
    listing.write_text("## Papers\n\n" + paper + tools, encoding="utf-8")
    _, out, _ = run_cli(capsys, "check", str(listing))
    first = out.splitlines()[0]
    assert "read 1 of 6 candidate items as papers" in first
    assert "5 x a code link but no paper link" in first
    _, out, _ = run_cli(capsys, "check", "--json", str(listing))
    assert "read 1 of 6 candidate items" in json.loads(out)["warnings"][0]["message"]


@pytest.mark.parametrize(
    "text", ["", "Just prose about segmentation, no papers at all.\n", "- [Contents](#papers)\n"]
)
def test_check_json_prints_its_object_when_the_list_yields_no_entries(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    listing = tmp_path / "list.md"
    listing.write_text(text, encoding="utf-8")
    status, out, _ = run_cli(capsys, "check", "--json", str(listing))
    report = json.loads(out)
    assert status == 2 and report["entries"] == []
    [error] = report["errors"]
    assert str(listing) in error["message"] and "paper" in error["message"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, ": no such file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", ":3: binary data (NUL byte), not a Markdown file"),
        (
            b"# List\n| Title |\n|---|\n| Caf\xe9 |\n",
            ":4:6: not valid UTF-8 (byte 0xe9); save the list as UTF-8",
        ),
    ],
)
def test_unreadable_lists_get_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, message: str
) -> None:
    path = tmp_path / "list.md"
    if content is not None:
        path.write_bytes(content)
    status, out, err = run_cli(capsys, "check", str(path))
    assert status == 2
    assert out == ""
    assert err == f"awesome-enrich: error: {path}{message}\n"


def test_directory_is_not_a_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_cli(capsys, "check", str(tmp_path))
    assert status == 2
    assert err == f"awesome-enrich: error: {tmp_path}: is a directory, not a Markdown file\n"


@pytest.mark.usefixtures("prefect_harness")
def test_run_without_reachable_apis_fails_fast_with_one_line_per_api(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now: connections are refused
    monkeypatch.setenv("S2_API_URL", f"http://127.0.0.1:{port}/s2")
    monkeypatch.setenv("ARXIV_API_URL", f"http://127.0.0.1:{port}/arxiv/api/query")
    monkeypatch.setenv("GITHUB_API_URL", f"http://127.0.0.1:{port}/github")
    slept: list[float] = []
    monkeypatch.setattr(SystemClock, "sleep", lambda self, seconds: slept.append(seconds))
    monkeypatch.chdir(tmp_path)
    status, out, _ = run_cli(
        capsys, "run", "--list", str(SEED_LIST), "--no-cache", "--out", str(tmp_path / "out")
    )
    assert status == 1
    failed = [line for line in out.splitlines() if ": FAILED: " in line]
    assert [line.split(":")[0] for line in failed] == ["s2", "arxiv"]
    assert all("connection refused" in line for line in failed)
    assert "github: not asked (no paper source answered)" in out  # nothing would be written
    # Each request gives up after a few attempts (4 s of backoff at most), not after its full
    # policy: arXiv asks one at a time, S2 its batch and, beside it, S2_TITLE_WORKERS titles.
    attempts = [int(line.split()[2]) for line in out.splitlines() if " calls: " in line]
    assert len(attempts) == 2
    s2_attempts, arxiv_attempts = attempts
    assert 1 <= s2_attempts <= 4 * (1 + S2_TITLE_WORKERS) and 1 <= arxiv_attempts <= 4
    assert f"No paper source answered: {tmp_path / 'out'} left untouched." in out
    assert out.count("No paper source answered") == 1  # said once
    # No outputs (only the run lock), and --no-cache: not even a cache folder.
    assert [p.relative_to(tmp_path) for p in tmp_path.rglob("*")] == [
        Path("out"),
        Path("out") / LOCK_NAME,
    ]


def test_console_entry_point_runs(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", "check", str(SAMPLE_LISTS / "messy.md")],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert "1 errors, 5 warnings" in result.stdout


def test_every_command_is_documented_in_the_readme_and_every_option_in_the_guide() -> None:
    readme = README.read_text(encoding="utf-8")
    guide = USER_GUIDE.read_text(encoding="utf-8")
    [subparsers] = [
        action
        for action in build_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    ]
    commands: dict[str, argparse.ArgumentParser] = subparsers.choices
    for name, subparser in commands.items():
        assert f"awesome-enrich {name}" in readme, f"`awesome-enrich {name}` is not in the README"
        for action in subparser._actions:
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    assert option in guide, f"`{name} {option}` is not in docs/user-guide.md"


def test_the_guides_check_session_matches_the_real_output(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    readme = USER_GUIDE.read_text(encoding="utf-8")
    match = re.search(r"```console\n\$ awesome-enrich check\n(.*?)```", readme, re.DOTALL)
    assert match, "the user guide shows no `awesome-enrich check` session"
    monkeypatch.chdir(REPO)
    status, out, _ = run_cli(capsys, "check")
    assert status == 0
    assert out == match.group(1)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "overrides.yaml",
            "overrides:\n  - title: A\n    colour: red\n",
            "overrides.yaml:3: unknown key 'colour'",
        ),
        (
            "resolution.json",
            "{broken",
            "resolution.json: the previous resolution report is unreadable",
        ),
        ("papers.parquet", "not parquet", "papers.parquet: the previous table is unreadable"),
    ],
)
def test_run_rejects_unreadable_inputs_in_one_line_before_starting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str, message: str
) -> None:
    list_path = tmp_path / "list.md"
    list_path.write_text(SEED_LIST.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path if name == "overrides.yaml" else out).joinpath(name).write_text(content)
    status, printed, err = run_cli(capsys, "run", "--list", str(list_path), "--out", str(out))
    assert status == 2
    assert printed == ""
    assert len(err.splitlines()) == 1
    assert message in err
    assert (tmp_path if name == "overrides.yaml" else out).joinpath(name).read_text() == content


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--citation-pages", "-1"], "'-1' is not a whole number >= 0"),
        (["--call-budget", "0"], "'0' is not a whole number >= 1"),
        (["--wait-lock", "nan"], "'nan' is not a number of seconds"),
        (["--guard", "min_compared=0"], "guard setting 'min_compared=0': out of range"),
        (["--guard", "citations_zero_share=nan"], "out of range"),
    ],
)
def test_bad_run_options_are_refused_before_anything_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: list[str], message: str
) -> None:
    out = tmp_path / "out"
    argv = ["run", "--list", str(SEED_LIST), "--out", str(out), *option]
    if option[0] == "--guard":
        assert main(argv) == 2
    else:
        with pytest.raises(SystemExit) as stopped:  # argparse: usage, then the error
            main(argv)
        assert stopped.value.code == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path) -> None:
    """`awesome-enrich check LIST | head -1`: the pipe closes while check still prints (one
    duplicate group of 3,000 lines: more than a pipe holds)."""
    rows = "".join(
        f"| [One Title Listed Many Times](https://arxiv.org/abs/2401.{n:05d}) | CVPR 2024 |\n"
        for n in range(3000)
    )
    listed = tmp_path / "list.md"
    listed.write_text(f"## 2024\n\n| Title | Venue |\n|---|---|\n{rows}", encoding="utf-8")
    command = [sys.executable, "-m", "pipeline.cli.main", "check", str(listed)]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline().startswith(f"{listed}: 3000 entries")
        process.stdout.close()
        errors = process.stderr.read()
    assert process.returncode in {0, 1}
    assert "Traceback" not in errors and "BrokenPipeError" not in errors


@pytest.mark.slow
def test_an_offline_run_says_its_cause_once_without_a_traceback(
    tmp_path: Path, migrated_prefect_db: Path
) -> None:
    """The whole command, as a user starts it (Prefect's console set up from scratch; its
    database already migrated, which only saves time)."""
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    env = {
        **os.environ,
        "S2_API_URL": f"http://127.0.0.1:{port}/s2",
        "ARXIV_API_URL": f"http://127.0.0.1:{port}/arxiv/api/query",
        "GITHUB_API_URL": f"http://127.0.0.1:{port}/github",
        "PREFECT_HOME": str(seed_prefect_home(tmp_path / "prefect", migrated_prefect_db)),
        "AWESOME_ENRICH_TIME_SCALE": "0",  # loopback only: retry waits scaled away
    }
    for name in ("PREFECT_API_URL", "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"):
        env.pop(name, None)
    command = [sys.executable, "-m", "pipeline.cli.main", "run", "--list", str(SEED_LIST)]
    command += ["--out", str(tmp_path / "out"), "--no-cache"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert done.stdout.count("No paper source answered") == 1
    assert done.stdout.count("s2: FAILED") == 1 and done.stdout.count("arxiv: FAILED") == 1
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    # the console shows warnings only (the retries), not the flow's log of the same summary
    assert " | INFO " not in done.stderr and "FAILED" not in done.stderr


def test_the_demo_runs_its_nights_without_prefect_heartbeats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Prefect joins a run's heartbeat thread at its end, and that thread sleeps in whole
    seconds: the demo's local synthetic nights run without heartbeats (issue 27), and the
    setting is Prefect's own again after the demo."""
    from prefect.settings import (
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        get_current_settings,
        temporary_settings,
    )

    from pipeline.cli import demo

    seen: list[int | None] = []

    def run_flow(params: object, out: object, *, verbose: bool = False) -> int:
        seen.append(get_current_settings().flows.heartbeat_frequency)
        return 0

    monkeypatch.setattr(demo, "run_flow", run_flow)
    # Prefect's default, whatever the session's test server set for this process
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: 180}):
        assert main(["demo", "--out", str(tmp_path / "out"), "--nights", "1"]) == 0
        assert seen == [None]
        assert get_current_settings().flows.heartbeat_frequency == 180
