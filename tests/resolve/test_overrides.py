from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.listfile.parser import parse_list
from pipeline.resolve.overrides import (
    MAX_OVERRIDES_BYTES,
    OverridesError,
    load_overrides,
    parse_overrides,
)
from tests.conftest import REPO

LIST = parse_list(
    "| Title | Code |\n|---|---|\n"
    "| [Token Contrast for WSSS](https://example.org/toco) | |\n"
    "| [LayerCAM](https://mftp.mmcheng.net/Papers/21TIP_LayerCAM.pdf) | |\n"
)


def test_overrides_name_entries_by_title_or_paper_url() -> None:
    overrides = parse_overrides(
        """
overrides:
  - title: "token contrast for wsss!"
    arxiv_id: 2303.01267v2
    note: the CVPR version
  - paper_url: http://mftp.mmcheng.net//Papers/21TIP_LayerCAM.pdf/
    s2_paper_id: abc123
    repo: https://github.com/PengtaoJiang/LayerCAM-jittor
    set: {venue: TIP 2021, year: 2021, title: "LayerCAM: Exploring Class Activation Maps"}
  - title: Nobody
    not_a_paper: true
""",
        "overrides.yaml",
    )
    toco, layercam = LIST.entries
    first = overrides.for_entry(toco)
    assert first is not None and first.arxiv_id == "2303.01267" and first.pins_a_paper
    second = overrides.for_entry(layercam)
    assert second is not None and second.s2_paper_id == "abc123"
    assert second.repo == "PengtaoJiang/LayerCAM-jittor"
    assert (second.set_venue, second.set_year, second.line) == ("TIP 2021", 2021, 6)
    assert [o.title for o in overrides.unused(LIST.entries)] == ["Nobody"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "overrides:\n  - title: A\n    s2_id: x\n",
            "overrides.yaml:3: unknown key 's2_id' (allowed: title,",
        ),
        (
            "overrides:\n  - title: A\n    set: {venue: X, color: red}\n",
            "overrides.yaml:3: unknown key 'set.color'",
        ),
        (
            "overrides:\n  - doi: 10.1/x\n",
            "overrides.yaml:2: an override names its entry by exactly one of",
        ),
        (
            "overrides:\n  - title: A\n    paper_url: https://x\n",
            "overrides.yaml:2: an override names",
        ),
        (
            "overrides:\n  - title: A\n    arxiv_id: nope\n",
            "overrides.yaml:2: 'arxiv_id' 'nope' is not an arXiv id",
        ),
        (
            "overrides:\n  - title: A\n    not_a_paper: yes please\n",
            "overrides.yaml:3: 'not_a_paper' must be true",
        ),
        (
            "overrides:\n  - title: A\n    set: {year: soon}\n",
            "overrides.yaml:3: 'set.year' must be a year",
        ),
        (
            "overrides:\n  - title: A\n    repo: not a repo\n",
            "overrides.yaml:2: 'repo' 'not a repo' is not",
        ),
        ("overrides: [\n", "overrides.yaml:2: not valid YAML"),
        ("papers: []\n", "overrides.yaml:1: unknown key 'papers' (allowed: overrides)"),
        ("overrides:\n  - just a string\n", "overrides.yaml:2: each override must be a mapping"),
        (
            "overrides:\n  - title: A\n    doi: 10.1/a\n    doi: 10.1/b\n",
            "overrides.yaml:4: duplicate key 'doi' (first on line 3)",
        ),
        (
            "overrides:\n  - title: A\n    set: {year: 2024, year: 2025}\n",
            "overrides.yaml:3: duplicate key 'year' (first on line 3)",
        ),
        ("overrides: []\noverrides: []\n", "overrides.yaml:2: duplicate key 'overrides'"),
        (
            "overrides:\n  - ? [title, doi]\n    : A\n",
            "overrides.yaml:2: a key must be a name, not a list or mapping",
        ),
        (
            'overrides:\n  - title: A\n    "col\\nour": red\n',
            "overrides.yaml:3: unknown key 'col\\nour' (allowed:",
        ),
        (
            "overrides:\n  - title: !!python/name:os.system A\n",
            "overrides.yaml:2: 'title' has a value YAML cannot read "
            "(tag:yaml.org,2002:python/name:os.system 'A')",
        ),
        (
            "overrides:\n  - title: !!timestamp someday\n",
            "overrides.yaml:2: 'title' has a value YAML cannot read",
        ),
        (
            "overrides: " + "[" * 3000 + "]" * 3000,
            "overrides.yaml: not valid YAML (nested too deeply)",
        ),
        (
            "overrides:\n  - title: A\x07\n",
            "overrides.yaml:2: not valid YAML (character U+0007 is not allowed)",
        ),
        (
            "- title: A\n",
            "overrides.yaml:1: expected a mapping with the key 'overrides', found a list",
        ),
        (
            "see the README " * 10,
            "overrides.yaml:1: expected a mapping with the key 'overrides', found the text "
            "'see the README see the README see the README see the README '...",
        ),
    ],
)
def test_bad_overrides_name_file_line_and_key(text: str, message: str) -> None:
    with pytest.raises(OverridesError) as raised:
        parse_overrides(text, "overrides.yaml")
    assert str(raised.value).startswith(message)
    assert len(str(raised.value).splitlines()) == 1  # the command line prints one line


def test_ids_are_read_as_written_not_as_yaml_numbers() -> None:
    # Unquoted, YAML reads 2403.01260 as the float 2403.0126: another (valid) arXiv id.
    overrides = parse_overrides(
        "overrides:\n  - title: A\n    arxiv_id: 2403.01260\n    s2_paper_id: 0123e4\n"
    )
    [item] = overrides.items
    assert (item.arxiv_id, item.s2_paper_id) == ("2403.01260", "0123e4")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "Réseaux".encode("latin-1"),
            "{path}:1:2: not valid UTF-8 (byte 0xe9); save the overrides",
        ),
        (b"overrides: []\n\x00", "{path}:2: binary data (NUL byte), not a YAML file"),
        (b"#" * (MAX_OVERRIDES_BYTES + 1), "{path}: 1 MiB (1,048,577 bytes), over the 1 MiB limit"),
        (None, "{path}: is a directory, not a YAML file"),
    ],
)
def test_unreadable_overrides_files_name_the_file(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "overrides.yaml"
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    with pytest.raises(OverridesError) as raised:
        load_overrides(path)
    assert str(raised.value).startswith(message.format(path=path))


def test_missing_and_empty_files_mean_no_overrides(tmp_path: Path) -> None:
    assert load_overrides(tmp_path / "absent.yaml").items == ()
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    assert load_overrides(tmp_path / "empty.yaml").items == ()
    assert parse_overrides("overrides:\n").items == ()


def test_the_shipped_overrides_file_is_valid() -> None:
    overrides = load_overrides(REPO / "data" / "raw" / "overrides.yaml")
    assert overrides.items == ()  # documented example only, all commented out
