"""`awesome-enrich demo --nights N --publish`: the list read each night from the fake's GitHub
(`github:demo/awesome-list/README.md`) and published there in mode pr, the maintainer merging
on the 7th night, every 5th night and the merge night run twice: the pull requests and commits
the nights call for, and no more (issue 24's Done-when, on a week)."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from fakeapi.description import description_path
from pipeline.cli.main import main
from tests.demo.conftest import START, small_description, small_list

pytestmark = pytest.mark.slow


def test_a_week_of_publishing_leaves_one_pull_request_per_merge_and_no_empty_commit(
    tmp_path: Path, prefect_harness: object
) -> None:
    list_path = tmp_path / "list.md"
    list_path.write_text(small_list(), encoding="utf-8")
    small_description().save(description_path(list_path))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        status = main(
            [
                "demo",
                "--list",
                str(list_path),
                "--out",
                str(tmp_path / "out"),
                "--nights",
                "8",
                "--start-date",
                START.isoformat(),
                "--publish",
            ]
        )
    text = printed.getvalue()
    assert status == 0, text
    lines = text.splitlines()
    assert "pull request #1 opened" in lines[1]
    night5 = next(line for line in lines if line.startswith("2026-11-05"))
    assert night5.endswith("run again: no change since pull request #1's commit; nothing done")
    night7 = next(line for line in lines if line.startswith("2026-11-07"))
    assert "the maintainer merges #1; run again: demo/awesome-list:main/README.md already" in night7
    night8 = next(line for line in lines if line.startswith("2026-11-08"))
    assert "pull request #2 opened" in night8
    report = lines[lines.index(next(x for x in lines if x.startswith("publish (demo/"))) :]
    assert report[:4] == [
        "publish (demo/awesome-list, mode pr): 10 runs: 8 published, 2 nothing to publish, "
        "0 held back, 0 failed; 1 merges by the maintainer",
        "  commits: 8, of them empty: 0",
        "  pull requests: 2 opened, at most 1 open at once (duplicates: 0)",
        "  pull request body vs that night's changes.md: 8 of 8 runs that published match; "
        "an open pull request shows the run's list after 9 runs",
    ]
