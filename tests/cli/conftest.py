"""The bad-input tests' workspace (a list, its overrides, a previous run's outputs) and helpers."""

from __future__ import annotations

import hashlib
import json
import socket
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pipeline.cli import main as cli
from pipeline.cli import run as run_command
from pipeline.resolve.report import RESOLUTION_SCHEMA
from pipeline.store.citations import citations_parquet_bytes
from pipeline.store.tables import papers_parquet_bytes, to_table
from tests.conftest import SEED_LIST

SEED = SEED_LIST.read_bytes()


def _papers_parquet() -> bytes:
    row = {
        "entry_id": "weakclip",
        "position": 0,
        "line": 7,
        "title": "WeakCLIP: Adapting CLIP for Weakly-Supervised Semantic Segmentation",
        "match_method": "s2_title",
        "citation_count": 42,
        "snapshot_date": date(2026, 1, 1),
        "synthetic": True,
    }
    return papers_parquet_bytes(to_table([row], synthetic=True))


PREVIOUS_OUTPUTS: dict[str, bytes] = {
    "papers.parquet": _papers_parquet(),
    "history/snapshot_date=2026-01-01/part-0.parquet": _papers_parquet(),
    "citations_by_year.parquet": citations_parquet_bytes([], synthetic=True),
    "resolution.json": json.dumps(
        {"schema": RESOLUTION_SCHEMA, "version": 1, "entries": []}
    ).encode(),
    "README.md": SEED,
    "papers.bib": b"% SYNTHETIC\n",
    "changes.md": b"First snapshot.\n",
}


@dataclass(frozen=True)
class Workspace:
    root: Path
    list_path: Path
    overrides: Path  # overrides.yaml next to the list: the default `run` reads
    out: Path

    def files(self) -> dict[str, str]:
        """Every file under the workspace with a digest of its bytes (and every folder)."""
        found: dict[str, str] = {}
        for path in sorted(self.root.rglob("*")):
            name = path.relative_to(self.root).as_posix()
            if path.is_dir():
                found[name + "/"] = "folder"
            else:
                with path.open("rb") as stream:
                    found[name] = hashlib.file_digest(stream, "sha256").hexdigest()
        return found


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    root = tmp_path / "work"
    out = root / "out"
    for name, data in PREVIOUS_OUTPUTS.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    list_path = root / "list.md"
    list_path.write_bytes(SEED)
    overrides = root / "overrides.yaml"
    overrides.write_text("overrides:\n  - title: Nobody\n    not_a_paper: true\n")
    return Workspace(root, list_path, overrides, out)


@pytest.fixture
def flow_calls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Any]:
    """Record the flow runs `run` would start (returning 0) instead of starting Prefect."""
    calls: list[Any] = []

    def record(params: Any, out: object, **_: object) -> int:
        calls.append(params)
        return 0

    monkeypatch.setattr(run_command, "run_flow", record)
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    monkeypatch.setenv("S2_API_URL", f"http://127.0.0.1:{port}/s2")
    monkeypatch.setenv("ARXIV_API_URL", f"http://127.0.0.1:{port}/arxiv/api/query")
    monkeypatch.setenv("GITHUB_API_URL", f"http://127.0.0.1:{port}/github")
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect-home"))
    return calls


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = cli.main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def run_args(ws: Workspace) -> list[str]:
    return ["run", "--list", str(ws.list_path), "--out", str(ws.out), "--no-cache"]


def assert_one_error_line(err: str, message: str) -> None:
    assert err.count("\n") == 1, err
    assert err == f"awesome-enrich: error: {message}\n"
