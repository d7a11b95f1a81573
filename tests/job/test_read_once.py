"""`awesome-enrich run` reads its inputs (the list, the previous pins and table) before Prefect
starts, to fail with one line on a bad input; the flow's first step then takes that reading
instead of reading them again, unless a file changed in between (issue 26)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pipeline.core.errors import PipelineError
from pipeline.job.options import JobOptions, read_inputs
from pipeline.sources.config import settings_from_env
from tests.conftest import SEED_LIST


@pytest.fixture
def options(tmp_path: Path) -> JobOptions:
    shutil.copy(SEED_LIST, tmp_path / "list.md")
    (tmp_path / "out").mkdir()
    return JobOptions(tmp_path / "list.md", tmp_path / "out", settings_from_env({}))


def test_the_flow_takes_the_reading_the_command_made(options: JobOptions) -> None:
    first = read_inputs(options, keep=True)
    assert read_inputs(options) is first  # taken, not read again
    assert read_inputs(options) is not first  # once: a later run reads anew


def test_a_file_changed_in_between_is_read_again(options: JobOptions) -> None:
    first = read_inputs(options, keep=True)
    resolution = options.out / "resolution.json"
    resolution.write_text("{}", encoding="utf-8")  # what a previous run left, appeared since
    with pytest.raises(PipelineError):  # read again: and found unreadable
        read_inputs(options)
    resolution.unlink()
    read_inputs(options, keep=True)
    text = options.list_path.read_text(encoding="utf-8")
    options.list_path.write_text(text + "\n", encoding="utf-8")
    os.utime(options.list_path, ns=(1, 1))
    again = read_inputs(options)
    assert again is not first and len(again.document.entries) == len(first.document.entries)


def test_without_keep_nothing_is_kept(options: JobOptions) -> None:
    first = read_inputs(options)
    assert read_inputs(options) is not first
