from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.overrides import OverridesError, load_overrides, parse_overrides
from pipeline.parser import parse_list
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
    ],
)
def test_bad_overrides_name_file_line_and_key(text: str, message: str) -> None:
    with pytest.raises(OverridesError) as raised:
        parse_overrides(text, "overrides.yaml")
    assert str(raised.value).startswith(message)


def test_missing_and_empty_files_mean_no_overrides(tmp_path: Path) -> None:
    assert load_overrides(tmp_path / "absent.yaml").items == ()
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    assert load_overrides(tmp_path / "empty.yaml").items == ()
    assert parse_overrides("overrides:\n").items == ()


def test_the_shipped_overrides_file_is_valid() -> None:
    overrides = load_overrides(REPO / "data" / "raw" / "overrides.yaml")
    assert overrides.items == ()  # documented example only, all commented out
