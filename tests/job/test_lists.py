"""The lists file (`lists.yaml`) read by `awesome-enrich deploy`, and where a run's list and
outputs may live (a path, a file:// URL; the list also an http(s) URL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.core.errors import ConfigError, ListReadError
from pipeline.job.lists import load_lists
from pipeline.store.locations import DOWNLOADED_LIST, list_file, output_folder
from tests.fakes import serve_folder

GOOD = """\
work_pool: local-pool
defaults: {citation_pages: 50}
lists:
  - name: wsss
    list: lists/wsss.md
    out: out/wsss
    schedule: "0 3 * * *"
    overrides: lists/overrides.yaml
  - name: remote
    list: https://raw.githubusercontent.com/owner/repo/main/README.md
    out: file:///srv/enriched/remote
    timezone: Europe/Berlin
    parameters: {sort_by: stars, citation_pages: 0}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lists.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_lists_file_gives_each_list_its_parameters(tmp_path: Path) -> None:
    lists = load_lists(write(tmp_path, GOOD))
    wsss, remote = lists.lists
    assert lists.work_pool == "local-pool"
    assert wsss.flow_parameters(lists.defaults) == {
        "citation_pages": 50,
        "list_path": str(tmp_path / "lists" / "wsss.md"),
        "out": str(tmp_path / "out" / "wsss"),
        "overrides_path": str(tmp_path / "lists" / "overrides.yaml"),
    }
    assert (wsss.schedule, wsss.timezone, remote.schedule, remote.timezone) == (
        "0 3 * * *",
        "UTC",
        None,
        "Europe/Berlin",
    )
    assert remote.flow_parameters(lists.defaults) == {
        "citation_pages": 0,
        "sort_by": "stars",
        "list_path": "https://raw.githubusercontent.com/owner/repo/main/README.md",
        "out": "file:///srv/enriched/remote",
    }
    kept = load_lists(write(tmp_path, GOOD), keep_relative=True)  # container pools
    assert kept.lists[0].list == "lists/wsss.md"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("name: wsss", "name: Not_A_Name"), "lower case letters, digits and dashes"),
        (("name: remote", "name: wsss"), "deployment names must be unique"),
        (("out: out/wsss", "out: s3://bucket/wsss"), "a path or a file:// URL"),
        (("defaults: {citation_pages: 50}", "defaults: {out: x}"), "set ['list_path'"),
        (("    schedule:", "    when:"), "unknown keys ['when']"),
        (("    list: lists/wsss.md\n", ""), "`list` is required"),
        (("lists:", "list:"), "unknown keys ['list']"),
    ],
)
def test_a_lists_file_with_a_mistake_is_refused_in_one_line(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=r"lists\.yaml") as raised:
        load_lists(write(tmp_path, GOOD.replace(*change, 1)))
    assert message in str(raised.value)


def test_outputs_go_to_a_path_or_a_file_url(tmp_path: Path) -> None:
    assert output_folder("data/enriched") == Path("data/enriched")
    assert output_folder(f"file://{tmp_path}/out") == tmp_path / "out"
    assert output_folder("file://localhost/srv/x") == Path("/srv/x")
    for refused in ("s3://bucket/out", "gs://bucket/out", "file://elsewhere/out"):
        with pytest.raises(ConfigError):
            output_folder(refused)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """A loopback HTTP server for tmp_path/site."""
    site = tmp_path / "site"
    site.mkdir()

    with serve_folder(site) as base:
        yield base


@pytest.mark.slow
def test_a_list_is_read_from_a_path_a_file_url_or_a_raw_url(tmp_path: Path, served: str) -> None:
    (tmp_path / "site" / "README.md").write_text("| Title |\n|---|\n| A |\n", encoding="utf-8")
    out = tmp_path / "out"
    assert list_file("lists/a.md", out) == Path("lists/a.md")
    assert list_file(f"file://{tmp_path}/a.md", out) == tmp_path / "a.md"
    fetched = list_file(f"{served}/README.md", out)
    assert fetched == out / DOWNLOADED_LIST
    assert fetched.read_text(encoding="utf-8") == "| Title |\n|---|\n| A |\n"
    with pytest.raises(ListReadError, match="HTTP 404"):
        list_file(f"{served}/missing.md", out)


def test_a_publish_block_becomes_the_flow_parameter(tmp_path: Path) -> None:
    path = tmp_path / "lists.yaml"
    path.write_text(
        "lists:\n"
        "  - name: wsss\n    list: README.md\n    out: out\n"
        "    publish: {repo: me/list, path: docs/README.md, mode: pr, release: true}\n"
        "  - name: local\n    list: README.md\n    out: out2\n"
        "    publish: {repo: clone, mode: git}\n",
        encoding="utf-8",
    )
    first, second = load_lists(path).lists
    assert first.flow_parameters({})["publish"] == {
        "repo": "me/list",
        "path": "docs/README.md",
        "mode": "pr",
        "release": True,
    }
    assert second.flow_parameters({})["publish"]["repo"] == str(tmp_path / "clone")
    path.write_text(
        "defaults: {publish: {repo: me/list}}\nlists:\n"
        "  - name: wsss\n    list: README.md\n    out: out\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"set .* per list"):
        load_lists(path)
