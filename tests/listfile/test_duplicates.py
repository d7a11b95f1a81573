from __future__ import annotations

from pipeline.listfile.duplicates import DuplicateKind, find_duplicates
from pipeline.listfile.parser import parse_list


def _lines(text: str) -> list[tuple[DuplicateKind, tuple[int, ...]]]:
    document = parse_list(text)
    return [
        (group.kind, tuple(document.entries[p].line for p in group.positions))
        for group in find_duplicates(document.entries)
    ]


def test_seed_duplicates(seed_text: str) -> None:
    document = parse_list(seed_text)
    groups = find_duplicates(document.entries)
    found = {
        (
            group.kind,
            tuple(document.entries[p].abbreviation for p in group.positions),
        ): group.reasons
        for group in groups
    }
    assert found == {
        (DuplicateKind.SAME_PAPER, ("ASDT", "ASDT")): (
            "same title",
            "same paper URL (ieee:10367821)",
        ),
        (DuplicateKind.SHARED_REPO, ("AGMM++", "AGMM")): ("luffy03/agmm-sass",),
        (DuplicateKind.SHARED_REPO, ("MCTformer+", "MCTformer")): ("xulianuwa/mctformer",),
        # TSCD and WaveCAM write the repository with different letter case and a /tree/ path.
        (DuplicateKind.SHARED_REPO, ("WaveCAM", "TSCD")): ("rongtao-xu/representationlearning",),
    }
    assert len(document.entries) == 56  # reported, not dropped


def test_same_paper_by_url_only_and_by_title_only_join_one_group() -> None:
    text = (
        "| Title | Code |\n|---|---|\n"
        "| [Segment Anything](https://arxiv.org/abs/2304.02643) | |\n"
        "| [SAM](https://arxiv.org/pdf/2304.02643v3.pdf) | |\n"
        "| [segment   anything!](https://example.org/sam) | |\n"
        "| [Unrelated](https://example.org/other) | |\n"
    )
    assert _lines(text) == [(DuplicateKind.SAME_PAPER, (3, 4, 5))]


def test_repos_on_other_hosts_are_not_shared_by_accident() -> None:
    text = (
        "| Title | Code |\n|---|---|\n"
        "| [A](https://a.org/1) | https://anonymous.4open.science/r/X |\n"
        "| [B](https://a.org/2) | https://github.com/o/n |\n"
        "| [C](https://a.org/3) | https://github.com/O/N.git |\n"
    )
    assert _lines(text) == [(DuplicateKind.SHARED_REPO, (4, 5))]


def test_no_duplicates() -> None:
    assert _lines("| Title |\n|---|\n| A |\n| B |\n") == []
