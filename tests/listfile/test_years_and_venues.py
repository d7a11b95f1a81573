"""Years and venues in the fused forms title-only lists use (`*CVPR2022*`, `ICCV' 15`)."""

from __future__ import annotations

import pytest

from pipeline.listfile.venues import find_venue
from pipeline.listfile.years import year_from_text


@pytest.mark.parametrize(
    ("text", "year", "venue"),
    [
        ("CVPR2022", 2022, "CVPR"),
        ("*CVPR2022*", 2022, "CVPR"),
        ("ICCV' 15", 2015, "ICCV"),
        ("ECCV'22", 2022, "ECCV"),
        ("ICCV23", 2023, "ICCV"),
        ("NeurIPS 2023 (Oral)", 2023, "NeurIPS"),
        ("NIPS'19", 2019, "NeurIPS"),
        ("AAAI-21", 2021, "AAAI"),
        ("Arxiv 1711", 2017, "arXiv"),  # YYMM, as arXiv numbers papers
        ("arXiv:2103.01234", 2021, "arXiv"),
        ("TPAMI 2024", 2024, "TPAMI"),
        ("WSDM 2022\u3010\u4e2d\u6587\u3011", 2022, "WSDM"),  # a note glued to the venue
        ("SIGIR'21", 2021, "SIGIR"),
        ("KDD 2020", 2020, "KDD"),
        ("ACL 2023", 2023, "ACL"),
        ("Interspeech 2019", 2019, "Interspeech"),
        ("3DV", None, "3DV"),  # `[[3DV](pdf)] Title`
        ("SIGGRAPH Asia 2022", 2022, "SIGGRAPH Asia"),
        ("SIGGRAPH 2021", 2021, "SIGGRAPH"),
        ("RA-L, 2025", 2025, "RA-L"),
        ("USENIX Security", None, "USENIX Security"),
        ("2019-ISBI", 2019, "ISBI"),
        ("Proceedings of the VLDB Endowment", None, "VLDB"),
        ("Top-10 papers", None, None),  # a hyphen after a word is not a year
        ("Layer-12", None, None),
        ("CVPR Workshops 2021", 2021, None),  # a workshop is another venue than the conference
    ],
)
def test_fused_years_and_venues(text: str, year: int | None, venue: str | None) -> None:
    assert year_from_text(text) == year
    found = find_venue(text)
    assert (found.acronym if found else None) == venue
