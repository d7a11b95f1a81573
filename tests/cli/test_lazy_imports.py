"""`awesome-enrich --help` and `check` stay light (issue 26): the libraries only a run, a chart or
an HTTP request needs are not imported by them. Checked in a fresh interpreter (this process has
imported everything already); what is asserted is which modules were loaded, not how long."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import main as cli
from tests.conftest import REPO, SEED_LIST

# pandas, pyarrow and numpy (tables), requests-cache and requests (HTTP), Prefect (the flow),
# matplotlib (charts), PyYAML (overrides, lists files), rapidfuzz (title matching).
HEAVY = (
    "pandas",
    "pyarrow",
    "numpy",
    "requests_cache",
    "requests",
    "prefect",
    "matplotlib",
    "yaml",
    "rapidfuzz",
)

CHILD = """
import contextlib, io, json, sys
from pipeline.cli.main import main
out = io.StringIO()
with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
    status = main(sys.argv[1:])
print(json.dumps(sorted(name for name in {heavy!r} if name in sys.modules)))
"""


def loaded_by(*argv: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD.format(heavy=HEAVY), *argv],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["--version"],
        ["check", "--help"],
        ["check", str(SEED_LIST)],
        ["check", "--json", str(SEED_LIST)],
    ],
)
def test_help_and_check_import_no_heavy_library(argv: list[str]) -> None:
    assert loaded_by(*argv) == []


def test_a_run_does_import_them() -> None:
    """The check above can fail: `run --help` builds the run command, whose module needs the
    job's options (the HTTP stack among them)."""
    assert "requests" in loaded_by("run", "--help")


def test_the_top_level_help_lines_are_each_commands_own() -> None:
    """`--help` lists the commands from main.COMMANDS without importing them: each line is the
    one the command's own parser gives."""
    parser = cli.build_parser()
    commands = next(a for a in parser._actions if a.dest == "command")
    assert isinstance(commands, argparse._SubParsersAction)
    lines = {choice.dest: choice.help for choice in commands._choices_actions}
    assert lines == {name: summary for name, (_, summary) in cli.COMMANDS.items()}


def test_doctor_reads_the_prefect_api_without_importing_prefect(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`doctor` asks the Prefect server over its REST API (flows/limit_check.py): Prefect's
    client, a second of CPU to import, is not loaded. Every address is a closed loopback port."""
    for name, path in (("S2", "s2"), ("ARXIV", "arxiv/api/query"), ("GITHUB", "github")):
        monkeypatch.setenv(f"{name}_API_URL", f"http://127.0.0.1:9/{path}")
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    monkeypatch.delenv("AWESOME_ENRICH_TIME_SCALE", raising=False)
    loaded = loaded_by("doctor", "--list", str(SEED_LIST), "--out", str(tmp_path / "out"))
    assert "prefect" not in loaded
    assert "requests" in loaded  # the probes' HTTP stack: the check above can fail
