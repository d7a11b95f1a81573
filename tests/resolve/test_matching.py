from __future__ import annotations

import pytest

from pipeline.resolve.matching import added_words, entry_ids, judge, title_key, title_similarity

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


@pytest.mark.parametrize(
    ("list_title", "candidate", "reason"),
    [
        # The 20-list benchmark's wrong matches: the record is the list's title minus its end.
        (
            "Generative Uncertainty Estimation for Medical Image Segmentation at Scale",
            "Generative Uncertainty Estimation for Medical Image Segmentation",
            "the record's title is the list's without its last words 'at scale'",
        ),
        (
            "Masked Token Merging for Panoptic Segmentation",
            "Masked Token Merging for Panoptic Segmentation in the Wild",
            "the record's title adds 'in the wild' to the list's",
        ),
    ],
)
def test_a_title_that_is_the_other_plus_words_is_another_paper(
    list_title: str, candidate: str, reason: str
) -> None:
    assert title_similarity(list_title, candidate) >= 0.9  # the ratio alone would accept it
    verdict = judge(list_title, 2023, None, candidate, 2023)
    assert not verdict.accepted
    assert verdict.reasons == (reason,)


SUBTITLED = "Multi-class Token Transformer for Weakly Supervised Semantic Segmentation"


@pytest.mark.parametrize(
    ("list_title", "candidate"),
    [
        (SUBTITLED, f"{SUBTITLED}: Extended"),
        (f"{SUBTITLED} - Extended", SUBTITLED),
        ("Is Attention Enough for Segmentation", "Is Attention Enough for Segmentation? A Study"),
        (SUBTITLED, f"{SUBTITLED} \u2014 Extended"),
    ],
)
def test_a_subtitle_one_side_leaves_out_is_the_same_paper(list_title: str, candidate: str) -> None:
    assert added_words(list_title, candidate) is None
    assert title_similarity(list_title, candidate) >= 0.9
    assert judge(list_title, 2023, None, candidate, 2023).accepted
