from __future__ import annotations

import pytest

from pipeline.resolve.matching import entry_ids, judge, title_key, title_similarity

TITLE = "Token Contrast for Weakly-Supervised Semantic Segmentation"


def test_identical_titles_pass() -> None:
    verdict = judge(
        TITLE,
        2023,
        "CVPR 2023",
        "Token contrast for weakly supervised semantic segmentation",
        2023,
        ("Computer Vision and Pattern Recognition",),
    )
    assert verdict.accepted and verdict.score == 1.0 and not verdict.low_confidence


def test_a_prefix_title_is_rejected() -> None:
    verdict = judge(TITLE, 2023, None, "Token Contrast", 2023)
    assert not verdict.accepted
    assert verdict.similarity < 0.9
    assert "title similarity" in verdict.reasons[0]


def test_a_namesake_from_another_year_is_rejected() -> None:
    verdict = judge(TITLE, 2023, None, TITLE, 2019)
    assert not verdict.accepted
    assert verdict.reasons == ("year 2019 is not within 1 of the list's 2023",)


def test_off_by_one_year_passes_with_a_small_penalty() -> None:
    verdict = judge(TITLE, 2023, None, TITLE, 2022)
    assert verdict.accepted and verdict.score == pytest.approx(0.98)


def test_a_0915_title_that_picked_another_paper_is_stopped_by_the_venue() -> None:
    other = "Token Contrast for Semi-Supervised Semantic Segmentation"
    similarity = title_similarity(TITLE, other)
    assert 0.9 <= similarity < 0.95
    verdict = judge(
        TITLE, 2023, "CVPR 2023", other, 2023, ("IEEE Transactions on Image Processing",)
    )
    assert not verdict.accepted
    assert any("venue" in reason for reason in verdict.reasons)


def test_a_conflicting_venue_lowers_confidence_of_an_exact_title() -> None:
    verdict = judge(
        TITLE, 2023, "CVPR 2023", TITLE, 2023, ("IEEE Transactions on Image Processing",)
    )
    assert verdict.accepted and verdict.low_confidence
    assert verdict.score == pytest.approx(0.92)


def test_a_preprint_venue_never_conflicts() -> None:
    assert judge(TITLE, 2023, "CVPR 2023", TITLE, 2023, ("arXiv.org", "ArXiv")).score == 1.0


def test_entry_ids_survive_case_and_punctuation_edits_and_number_repeats() -> None:
    assert title_key(TITLE) == title_key(
        "token contrast for weakly supervised semantic segmentation!"
    )
    assert title_key(TITLE) != title_key(
        "Token Contrast for Weakly-Supervised Semantic Segmentation 2"
    )
    ids = entry_ids([TITLE, "Other", TITLE.upper()])
    assert ids == [title_key(TITLE), title_key("Other"), f"{title_key(TITLE)}-2"]
    assert all(len(i.split("-")[0]) == 12 for i in ids)
