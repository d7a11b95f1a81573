"""Bad input (issue 8) beside the list: an unusable overrides file or an unreadable output of the
previous run stops `run` with one line on stderr naming the file (and the line or key), exit 2,
before the flow starts, and nothing is written or changed. See test_bad_input.py.
"""

from __future__ import annotations

import io
import random
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.resolve.overrides import MAX_OVERRIDES_BYTES
from tests.cli.conftest import (
    PREVIOUS_OUTPUTS,
    Workspace,
    assert_one_error_line,
    run_args,
    run_cli,
)

NOISE = random.Random(8).randbytes(4096)  # noqa: S311 - corrupt test data, not a secret


def _foreign_parquet() -> bytes:
    """A valid Parquet file that some other program wrote."""
    buffer = io.BytesIO()
    pq.write_table(pa.table({"entry_id": ["x"], "stars": [1]}), buffer)
    return buffer.getvalue()


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
