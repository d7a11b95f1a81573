from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.listfile.parser import parse_list
from pipeline.resolve.records import MatchMethod, Resolution, ResolutionRun
from pipeline.resolve.report import ReportError, load_pins, resolution_json, resolution_markdown

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
ENTRIES = parse_list(
    "| Title |\n|---|\n| [A \\| B](https://x.org/1) |\n| [Seen](https://x.org/2) |\n"
    "| [Odd <b>](https://x.org/3) |\n"
).entries


def sample_run() -> ResolutionRun:
    a, seen, odd = ENTRIES
    return ResolutionRun(
        [
            Resolution(
                a,
                "id-a",
                MatchMethod.UNRESOLVED,
                notes=(
                    "S2 candidate 'A' (2019) rejected: "
                    "year 2019 is not within 1 of the list's 2023",
                    "arXiv has no title match",
                ),
            ),
            Resolution(
                seen,
                "id-seen",
                MatchMethod.S2_TITLE,
                0.92,
                s2_paper_id="p1",
                low_confidence=True,
                citation_key="x2023seen",
                bibtex="@misc{x2023seen,\n\ttitle = {Seen}\n}",
                notes=("venue 'TIP' conflicts with the list's 'CVPR 2023'",),
            ),
            Resolution(odd, "id-odd", MatchMethod.NOT_A_PAPER),
        ],
        failures={"arxiv": "rate limited until 2026-11-26 04:00:00 UTC (HTTP 429): https://export"},
    )


def test_the_markdown_explains_every_unresolved_and_low_confidence_entry() -> None:
    text = resolution_markdown(sample_run(), source="list.md", generated_at=NOW, synthetic=False)
    assert "## Unresolved (1)" in text
    assert "year 2019 is not within 1 of the list's 2023; arXiv has no title match" in text
    assert "## Low confidence (1)" in text and "conflicts with the list" in text
    assert "| s2\\_title | 1 |" in text and "| not\\_a\\_paper | 1 |" in text
    assert "rate limited until" in text
    assert "SYNTHETIC" not in text
    assert "<b>" not in text  # list text is escaped
    assert "| A \\| B |" in text  # a pipe in a title cannot break the table


def test_pins_round_trip_through_the_json(tmp_path: Path) -> None:
    path = tmp_path / "resolution.json"
    path.write_text(
        resolution_json(sample_run(), source="list.md", generated_at=NOW, synthetic=True)
    )
    pins = load_pins(path)
    assert set(pins) == {"id-a", "id-seen", "id-odd"}
    assert (pins["id-seen"].s2_paper_id, pins["id-seen"].citation_key) == ("p1", "x2023seen")
    assert pins["id-seen"].bibtex is not None
    assert pins["id-a"].match_method == "unresolved"


@pytest.mark.parametrize(
    "content",
    ["{not json", '{"schema": "other", "entries": []}', '{"schema": "awesome-enrich/resolution"}'],
)
def test_a_corrupt_previous_report_is_a_clear_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "resolution.json"
    path.write_text(content)
    with pytest.raises(ReportError, match=f"^{path}: the previous resolution report is unreadable"):
        load_pins(path)
    assert path.read_text() == content  # nothing is lost


def test_a_report_that_is_no_json_object_says_so(tmp_path: Path) -> None:
    path = tmp_path / "resolution.json"
    path.write_text("[]")
    with pytest.raises(ReportError, match=r"unreadable \(not a JSON object\)"):
        load_pins(path)


def test_no_previous_report_means_no_pins(tmp_path: Path) -> None:
    assert load_pins(tmp_path / "absent.json") == {}
