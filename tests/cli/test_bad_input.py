"""Bad input (issue 8): every input the command line cannot use gets one line on stderr naming
the file (and the line or key), a non-zero exit, and nothing is written or changed.

`run` is driven through `pipeline.cli.main` with the flow replaced by a recorder: every bad input
here must be refused while the inputs are read, before Prefect would start, and the good inputs
must get as far as the flow. The APIs point at a closed loopback port, so nothing can leave
this machine even if a refusal regressed.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import socket
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from benchmarks.synthetic_list import make_list
from pipeline.cli import main as cli
from pipeline.cli import run as run_command
from pipeline.core.errors import ListReadError
from pipeline.resolve.overrides import MAX_OVERRIDES_BYTES
from pipeline.resolve.report import RESOLUTION_SCHEMA
from pipeline.store import listio
from pipeline.store.citations import citations_parquet_bytes
from pipeline.store.listio import MAX_LIST_BYTES, read_list, read_list_text
from pipeline.store.tables import papers_parquet_bytes, to_table
from tests.conftest import SEED_LIST

SEED = SEED_LIST.read_bytes()
MiB = 2**20
NOISE = random.Random(8).randbytes(4096)  # noqa: S311 - corrupt test data, not a secret


# --- the workspace: a list, its overrides and a previous run's outputs -----------------------


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


def _foreign_parquet() -> bytes:
    """A valid Parquet file that some other program wrote."""
    buffer = io.BytesIO()
    pq.write_table(pa.table({"entry_id": ["x"], "stars": [1]}), buffer)
    return buffer.getvalue()


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

    def record(params: Any, out: object) -> int:
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


def test_the_workspace_itself_is_good(
    workspace: Workspace, flow_calls: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """The control for every refusal below: with nothing broken, `run` reaches the flow."""
    status, out, err = run_cli(capsys, *run_args(workspace))
    assert (status, out, err) == (0, "", "")
    assert len(flow_calls) == 1
    assert flow_calls[0].list_path == str(workspace.list_path)


# --- list files --------------------------------------------------------------------------------


def _sparse(path: Path, size: int) -> None:
    """A file of `size` bytes that starts like a list: written in an instant (a sparse hole)."""
    with path.open("wb") as stream:
        stream.write(SEED[:200])
        stream.truncate(size)


# (case, how to make the file at `path`, the error message with {path})
LIST_CASES: list[tuple[str, Callable[[Path], object], str]] = [
    (
        "empty",
        lambda p: p.write_bytes(b""),
        "{path}: empty file (0 bytes); a list needs at least one paper",
    ),
    (
        "whitespace only",
        lambda p: p.write_bytes(b"\n  \r\n\t\n"),
        "{path}: only blank lines (7 characters); a list needs at least one paper",
    ),
    (
        "prose only",
        lambda p: p.write_bytes(b"# Awesome list\n\nPapers coming soon.\n"),
        "{path}: no paper entries found (no table with a title column, no bullet starting "
        "with a paper link)",
    ),
    (
        "a table without a title column",
        lambda p: p.write_bytes(b"| Tool | Code |\n|---|---|\n| x | https://github.com/o/n |\n"),
        "{path}: no paper entries found (no table with a title column, no bullet starting "
        "with a paper link); line 1: warning: table with columns ['Tool', 'Code'] has no title "
        "column (one of title, papertitle, name, papername, paper, papers); its rows are not "
        "read as papers",
    ),
    (
        "a header of 1,000 columns over a delimiter of 5",
        lambda p: p.write_text(
            "| Title |" + " Notes |" * 999 + "\n|---|---|---|---|---|\n| [A](https://a.org) |\n"
        ),
        "{path}: no paper entries found (no table with a title column, no bullet starting "
        "with a paper link); line 1: warning: table header has 1000 cells but the delimiter "
        "row below has 5; GitHub does not render this as a table",
    ),
    (
        "NUL bytes",
        lambda p: p.write_bytes(SEED[:300] + b"\x00\x01\x02"),
        "{path}:7: binary data (NUL byte), not a Markdown file",
    ),
    (
        "a PNG image",
        lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"),
        "{path}:3: binary data (NUL byte), not a Markdown file",
    ),
    (
        "Latin-1 text",
        lambda p: p.write_bytes(
            "# Liste\n\n| Title |\n|---|\n| Réseaux profonds |\n".encode("latin-1")
        ),
        "{path}:5:4: not valid UTF-8 (byte 0xe9); save the list as UTF-8",
    ),
    (
        "Latin-1 text with CR line endings, after UTF-8 accents",
        lambda p: p.write_bytes("# Été\r\r| Title |\r| Été ".encode() + b"\xe9t\xe9 |\r"),
        "{path}:4:7: not valid UTF-8 (byte 0xe9); save the list as UTF-8",
    ),
    (
        "UTF-16 text",
        lambda p: p.write_bytes("# List\n| Title |\n|---|\n| A |\n".encode("utf-16")),
        "{path}: UTF-16 text (byte order mark 0xfffe); save the list as UTF-8",
    ),
    (
        "a 50 MB file",
        lambda p: _sparse(p, 50 * MiB),
        "{path}: 50 MiB, over the 16 MiB limit for lists",
    ),
    (
        "one byte over the limit",
        lambda p: _sparse(p, MAX_LIST_BYTES + 1),
        "{path}: 16 MiB (16,777,217 bytes), over the 16 MiB limit for lists",
    ),
    ("a missing path", lambda p: None, "{path}: no such file"),
    ("a directory", lambda p: p.mkdir(), "{path}: is a directory, not a Markdown file"),
]


@pytest.mark.parametrize("command", ["check", "run"])
@pytest.mark.parametrize(
    ("make", "message"),
    [pytest.param(make, message, id=case) for case, make, message in LIST_CASES],
)
def test_unusable_list_is_one_line_and_exit_2(
    workspace: Workspace,
    flow_calls: list[Any],
    capsys: pytest.CaptureFixture[str],
    command: str,
    make: Callable[[Path], object],
    message: str,
) -> None:
    path = workspace.root / "bad.md"
    make(path)
    before = workspace.files()
    args = ["check", str(path)] if command == "check" else [*run_args(workspace)]
    if command == "run":
        args[args.index("--list") + 1] = str(path)
    status, out, err = run_cli(capsys, *args)
    assert status == 2
    assert out == ""
    assert_one_error_line(err, message.format(path=path))
    assert flow_calls == []
    assert workspace.files() == before


def test_an_oversized_list_is_refused_without_being_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.md"
    _sparse(path, 50 * MiB)
    tracemalloc.start()
    try:
        with pytest.raises(ListReadError, match="over the 16 MiB limit"):
            read_list_text(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MiB  # 50 MB would have been allocated had the file been read


def test_the_size_limit_is_inclusive_and_also_caps_what_a_device_yields(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listio, "MAX_LIST_BYTES", 64)
    row = b"| Title |\n|---|\n| [A](https://a.org) |\n"
    path = tmp_path / "list.md"
    path.write_bytes(row + b"x" * (64 - len(row)))
    assert read_list(path).entries[0].title == "A"  # exactly the limit: read
    path.write_bytes(row + b"x" * (65 - len(row)))
    with pytest.raises(ListReadError) as raised:
        read_list(path)
    assert str(raised.value) == f"{path}: 65 bytes, over the 64 bytes limit for lists"
    # A device says it holds 0 bytes and never ends: at most limit + 1 bytes are read.
    with pytest.raises(ListReadError) as raised:
        read_list_text(Path("/dev/zero"))
    assert str(raised.value) == "/dev/zero: more than 64 bytes, over the 64 bytes limit for lists"


# --- lists that are big or odd but readable ---------------------------------------------------


def test_a_table_of_10000_rows_is_read(
    workspace: Workspace, flow_calls: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    workspace.list_path.write_text(make_list(10_000), encoding="utf-8")
    status, out, err = run_cli(capsys, "check", str(workspace.list_path))
    assert (status, err) == (0, "")
    assert out.splitlines()[:2] == [
        f"{workspace.list_path}: 10000 entries in 7 sections (10000 in tables, 0 bullets); "
        "0 errors, 0 warnings",
        "no duplicates",
    ]
    status, out, err = run_cli(capsys, *run_args(workspace))
    assert (status, out, err) == (0, "", "")
    assert len(flow_calls) == 1


ROW = "| [A Paper](https://arxiv.org/abs/2401.00001) | AP | CVPR 2024 | https://github.com/o/n |"


@pytest.mark.parametrize(
    ("text", "status", "entries", "diagnostics"),
    [
        pytest.param(
            "| Title | Abbr | Venue | Code | Notes |\n|---|---|---|---|---|\n"
            + ROW
            + " x |" * 996
            + "\n",
            0,
            1,
            [
                "3: warning: row has 1000 cells, the header has 5; "
                "GitHub does not show the extra cells"
            ],
            id="a row of 1,000 cells under 5 headers",
        ),
        pytest.param(
            "| Title | Abbr | Venue | Code |"
            + " Notes |" * 996
            + "\n|"
            + "---|" * 1000
            + "\n"
            + ROW
            + " x |" * 996
            + "\n",
            0,
            1,
            [],
            id="a table of 1,000 columns",
        ),
        pytest.param(
            "| Title |\n|---|\n| " + "[" * 1000 + "x" + "](u)" * 1000 + " |\n"
            "| [Fine](https://b.org) |\n",
            1,
            1,
            ["3: error: row not read as a paper: links nested 1000 deep (the limit is 8)"],
            id="links nested 1,000 deep",
        ),
        pytest.param(
            "| Title |\n|---|\n| " + "[" * 20_000 + " |\n| [Fine](https://b.org) |\n",
            1,
            1,
            [
                "3: error: row not read as a paper: 20,000 characters in one cell "
                "(the limit is 16,384)"
            ],
            id="a cell of 20,000 characters",
        ),
        pytest.param(
            "# 2024\n- [Fine](https://b.org)\n- [" + "<a href='x " * 300 + "](https://a.org)\n",
            1,
            1,
            [
                "3: error: bullet not read as a paper: too many unclosed brackets, parentheses "
                "or HTML links for its length"
            ],
            id="300 unclosed HTML links",
        ),
    ],
)
def test_odd_but_readable_lists_are_checked_line_by_line(
    workspace: Workspace,
    flow_calls: list[Any],
    capsys: pytest.CaptureFixture[str],
    text: str,
    status: int,
    entries: int,
    diagnostics: list[str],
) -> None:
    path = workspace.list_path
    path.write_text(text, encoding="utf-8")
    got, out, err = run_cli(capsys, "check", str(path))
    assert (got, err) == (status, "")
    lines = out.splitlines()
    assert lines[: len(diagnostics)] == [f"{path}:{d}" for d in diagnostics]
    assert lines[len(diagnostics)].startswith(f"{path}: {entries} entries")
    assert run_cli(capsys, "check", "--strict", str(path))[0] == (1 if diagnostics else 0)
    # Problems in single rows do not stop `run`: it enriches the rest (and exits 1 on errors).
    assert run_cli(capsys, *run_args(workspace)) == (0, "", "")
    assert len(flow_calls) == 1


# --- overrides --------------------------------------------------------------------------------


OVERRIDES_CASES: list[tuple[str, bytes, str]] = [
    (
        "an unknown key",
        b"overrides:\n  - title: A\n    colour: red\n",
        "{path}:3: unknown key 'colour' (allowed: title, paper_url, s2_paper_id, arxiv_id, doi, "
        "repo, not_a_paper, set, note)",
    ),
    (
        "an unknown top-level key",
        b"# pins\npapers:\n  - title: A\n",
        "{path}:2: unknown key 'papers' (allowed: overrides)",
    ),
    (
        "an unknown key under set",
        b"overrides:\n  - title: A\n    set: {venue: CVPR, colour: red}\n",
        "{path}:3: unknown key 'set.colour' (allowed: title, venue, year, abbreviation)",
    ),
    (
        "a repeated key",
        b"overrides:\n  - title: A\n    doi: 10.1/a\n    doi: 10.1/b\n",
        "{path}:4: duplicate key 'doi' (first on line 3)",
    ),
    (
        "invalid YAML",
        b"overrides:\n  - title: A\n   doi: [10.1/a\n",
        "{path}:3: not valid YAML (expected <block end>, but found '<block mapping start>')",
    ),
    (
        "a list at the top level",
        b"- title: A\n- title: B\n",
        "{path}:1: expected a mapping with the key 'overrides', found a list",
    ),
    (
        "a text at the top level",
        b"just some notes\n",
        "{path}:1: expected a mapping with the key 'overrides', found the text 'just some notes'",
    ),
    (
        "a value YAML cannot construct",
        b"overrides:\n  - title: A\n    set: {year: !!int soon}\n",
        "{path}:3: 'set.year' has a value YAML cannot read (tag:yaml.org,2002:int 'soon')",
    ),
    (
        "nesting past PyYAML's recursion",
        b"overrides: " + b"[" * 5000 + b"]" * 5000 + b"\n",
        "{path}: not valid YAML (nested too deeply)",
    ),
    (
        "Latin-1 bytes",
        "overrides:\n  - title: Réseaux\n".encode("latin-1"),
        "{path}:2:13: not valid UTF-8 (byte 0xe9); save the overrides file as UTF-8",
    ),
    (
        "NUL bytes",
        b"overrides:\n  - title: A\x00\n",
        "{path}:2: binary data (NUL byte), not a YAML file",
    ),
    (
        "over the size limit",
        b"# " + b"x" * MAX_OVERRIDES_BYTES + b"\n",
        "{path}: 1 MiB (1,048,579 bytes), over the 1 MiB limit for overrides files",
    ),
]


@pytest.mark.parametrize(
    ("content", "message"),
    [pytest.param(content, message, id=case) for case, content, message in OVERRIDES_CASES],
)
def test_unusable_overrides_stop_run_in_one_line(
    workspace: Workspace,
    flow_calls: list[Any],
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    message: str,
) -> None:
    workspace.overrides.write_bytes(content)
    before = workspace.files()
    status, out, err = run_cli(capsys, *run_args(workspace))
    assert (status, out) == (2, "")
    assert_one_error_line(err, message.format(path=workspace.overrides))
    assert flow_calls == []
    assert workspace.files() == before


def test_an_overrides_folder_and_an_explicit_missing_file(
    workspace: Workspace, flow_calls: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    workspace.overrides.unlink()
    workspace.overrides.mkdir()
    before = workspace.files()
    status, _, err = run_cli(capsys, *run_args(workspace))
    assert status == 2
    assert_one_error_line(err, f"{workspace.overrides}: is a directory, not a YAML file")
    assert workspace.files() == before
    # A missing overrides file means no overrides (the default file is optional).
    missing = workspace.root / "none.yaml"
    status, _, err = run_cli(capsys, *run_args(workspace), "--overrides", str(missing))
    assert (status, err) == (0, "")
    assert len(flow_calls) == 1


# --- the previous run's outputs ----------------------------------------------------------------


OUTPUT_CASES: list[tuple[str, str, bytes, str]] = [
    (
        "random bytes",
        "papers.parquet",
        NOISE,
        "{path}: the previous table is unreadable (",
    ),
    (
        "a truncated table",
        "papers.parquet",
        PREVIOUS_OUTPUTS["papers.parquet"][:-100],
        "{path}: the previous table is unreadable (",
    ),
    ("an empty file", "papers.parquet", b"", "{path}: the previous table is unreadable ("),
    (
        "a Parquet file that is not ours",
        "papers.parquet",
        _foreign_parquet(),
        "{path}: not an awesome-enrich papers table",
    ),
    (
        "random bytes",
        "citations_by_year.parquet",
        NOISE,
        "{path}: the citation history is unreadable (",
    ),
    (
        "a Parquet file that is not ours",
        "citations_by_year.parquet",
        _foreign_parquet(),
        "{path}: not an awesome-enrich citations_by_year table",
    ),
    (
        "the papers table",
        "citations_by_year.parquet",
        PREVIOUS_OUTPUTS["papers.parquet"],
        "{path}: not an awesome-enrich citations_by_year table",
    ),
    (
        "random bytes",
        "resolution.json",
        b"\xff\xfe" + NOISE,
        "{path}: the previous resolution report is unreadable (",
    ),
    (
        "broken JSON",
        "resolution.json",
        b'{"schema": "awesome-enrich/resolution", "entries": [',
        "{path}: the previous resolution report is unreadable (",
    ),
    (
        "JSON that is not ours",
        "resolution.json",
        b'{"entries": []}\n',
        "{path}: the previous resolution report is unreadable (schema is None)",
    ),
    (
        "a damaged snapshot",
        "history/snapshot_date=2026-11-20/part-0.parquet",
        NOISE,
        "{path}: the snapshot is unreadable (",
    ),
]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param(name, content, message, id=f"{name}: {case}")
        for case, name, content, message in OUTPUT_CASES
    ],
)
def test_unreadable_previous_outputs_stop_run_and_stay_as_they_are(
    workspace: Workspace,
    flow_calls: list[Any],
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes,
    message: str,
) -> None:
    path = workspace.out / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    before = workspace.files()
    status, out, err = run_cli(capsys, *run_args(workspace))
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith(f"awesome-enrich: error: {message.format(path=path)}")
    assert flow_calls == []
    assert workspace.files() == before
