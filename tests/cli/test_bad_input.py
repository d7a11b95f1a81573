"""Bad input (issue 8): every input the command line cannot use gets one line on stderr naming
the file (and the line or key), a non-zero exit, and nothing is written or changed.

`run` is driven through `pipeline.cli.main` with the flow replaced by a recorder: every bad input
here must be refused while the inputs are read, before Prefect would start, and the good inputs
must get as far as the flow. The APIs point at a closed loopback port, so nothing can leave
this machine even if a refusal regressed.

This module has the list files; test_bad_overrides_and_outputs.py the files `run` reads beside
the list, and conftest.py the workspace both start from.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from benchmarks.synthetic_list import make_list
from pipeline.core.errors import ListReadError
from pipeline.store import listio
from pipeline.store.listio import MAX_LIST_BYTES, read_list, read_list_text
from tests.cli.conftest import (
    SEED,
    Workspace,
    assert_one_error_line,
    run_args,
    run_cli,
)

MiB = 2**20


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
        "{path}: no paper entries found (no table with a title column, no list item or "
        "paragraph read as a paper)",
    ),
    (
        "a table without a title column",
        lambda p: p.write_bytes(b"| Tool | Code |\n|---|---|\n| x | https://github.com/o/n |\n"),
        "{path}: no paper entries found (no table with a title column, no list item or "
        "paragraph read as a paper); line 1: warning: table with columns ['Tool', 'Code'] has "
        "no column of titles (no column whose cells read as titles or names); its rows are not "
        "read as papers",
    ),
    (
        "a header of 1,000 columns over a delimiter of 5",
        lambda p: p.write_text(
            "| Title |" + " Notes |" * 999 + "\n|---|---|---|---|---|\n| [A](https://a.org) |\n"
        ),
        "{path}: no paper entries found (no table with a title column, no list item or "
        "paragraph read as a paper); line 1: warning: table header has 1000 cells but the "
        "delimiter row below has 5; GitHub does not render this as a table",
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
                "3: error: item not read as a paper: too many unclosed brackets, parentheses "
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
