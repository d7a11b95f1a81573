"""report.html's page: escaping of list-provided text, self-containment, content."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import replace
from datetime import UTC, date, datetime

import pandas as pd

from pipeline.analysis.changes import compute_changes
from pipeline.analysis.report import (
    SCRIPT,
    STYLE,
    Report,
    per_year_citations,
    render_report,
    report_papers,
    sparkline,
)

DAY = date(2026, 11, 26)
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> Paper & "quotes"'


def rows() -> list[dict[str, object]]:
    return [
        {
            "entry_id": "a",
            "position": 0,
            "title": HOSTILE,
            "section": "2024 <i>new</i>",
            "abbreviation": "</td><script>",
            "venue": "CVPR 2024",
            "year": 2024,
            "paper_url": "javascript:alert(1)",
            "s2_paper_id": "s2-a",
            "citation_count": 120,
            "stars": 50,
            "repo": 'lab/a"><script>',
            "repo_status": "renamed",
            "archived": True,
            "last_commit_at": datetime(2024, 1, 1, tzinfo=UTC),
            "match_method": "pinned",
        },
        {
            "entry_id": "b",
            "position": 1,
            "title": "A plain paper",
            "section": "2023",
            "paper_url": "https://arxiv.org/abs/2301.00001",
            "citation_count": None,
            "match_method": "unresolved",
        },
    ]


def report(synthetic: bool = True) -> Report:
    trends = pd.DataFrame(
        {
            "entry_id": ["a", "b"],
            "citations_delta_30d": pd.array([12, None], dtype="Int64"),
            "citations_delta_365d": pd.array([None, None], dtype="Int64"),
            "trending": [True, False],
        }
    )
    citations = pd.DataFrame(
        {
            "s2_paper_id": ["s2-a"] * 4,
            "year": [2022, 2024, 2024, None],
            "month": [5, 1, None, None],
            "citations": [3, 4, 2, 9],
        }
    )
    previous = {"a": {**rows()[0], "citation_count": 100, "snapshot_date": date(2026, 11, 25)}}
    changes = compute_changes(rows()[:1], previous, DAY, synthetic=synthetic)
    return Report(
        title="Awesome <Lists>",
        snapshot_date=DAY,
        papers=report_papers(rows(), trends, citations, DAY),
        changes=changes,
        charts={"top_velocity": b"\x89PNG fake"},
        synthetic=synthetic,
        synthetic_banner="SYNTHETIC: made up",
        snapshots=2,
    )


def test_list_provided_text_is_escaped_everywhere() -> None:
    page = render_report(report())
    assert page.count("<script") == 1  # ours, at the end
    assert re.search(r"<script>\s*\(function", page)
    assert (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
        in page
    )
    assert "<img src=x" not in page and "<i>new</i>" not in page and "<Lists>" not in page
    assert "javascript:" not in page  # not a link: only http(s) URLs are
    assert 'href="https://arxiv.org/abs/2301.00001"' in page


def test_the_page_is_self_contained_and_pins_its_own_script_and_style() -> None:
    page = render_report(report())
    for text in (SCRIPT, STYLE):
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in page
    assert "default-src 'none'; img-src data:;" in page
    # Nothing is loaded from elsewhere: the one source is the inlined chart; links are links.
    assert re.findall(r'\ssrc="([^"]+)"', page) == [
        "data:image/png;base64," + base64.b64encode(b"\x89PNG fake").decode()
    ]
    assert '<meta name="viewport"' in page
    assert render_report(report()) == page  # deterministic


def test_the_banner_marks_synthetic_numbers_only() -> None:
    assert '<p class="banner" role="alert">SYNTHETIC: made up</p>' in render_report(report())
    assert 'class="banner"' not in render_report(report(synthetic=False))


def test_the_table_has_the_trends_the_sparkline_the_status_and_the_changes() -> None:
    page = render_report(report())
    first = page[page.index('<tr data-section="2024') : page.index("</tr>", page.index("<tbody"))]
    assert 'data-v="120">120<' in first and 'data-v="12">+12<' in first
    assert "citations per year: 2022: 3, 2023: 0, 2024: 6" in first
    assert all(s in first for s in ("repository renamed", "archived", "stale", "trending"))
    assert "unresolved" in page
    assert "<h3>Citation movers</h3>" in page and "<b>+20</b> (100 → 120)" in page
    assert per_year_citations(None) == {}


def test_charts_are_inlined_at_the_size_they_are_drawn_for() -> None:
    svg = b'<?xml version="1.0"?>\n<svg width="560" height="350" viewBox="0 0 560 350"></svg>'
    page = render_report(replace(report(), charts={"citations_over_time": svg}))
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    alt = 'alt="Citations over time (top papers)"'
    assert f'<img src="{uri}" {alt} width="560" height="350"' in page


def test_the_sparkline_runs_to_the_snapshot_year_and_draws_it_as_partial() -> None:
    citations = pd.DataFrame(
        {"s2_paper_id": ["p"] * 4, "year": [2024, 2025, 2026, 2027], "citations": [5, 7, 2, 1]}
    )
    assert per_year_citations(citations, until=DAY) == {
        "p": ((2024, 5), (2025, 7), (2026, 3))  # 2027's citing paper counted in 2026
    }
    assert per_year_citations(citations)["p"][-1] == (2027, 1)
    (paper,) = report_papers(
        [{"entry_id": "p", "position": 0, "title": "P", "s2_paper_id": "p"}], None, citations, DAY
    )
    spark = sparkline(paper.per_year, so_far=paper.year_so_far)
    assert "2024: 5, 2025: 7, 2026 so far (to 26 Nov): 3" in spark
    assert spark.count('stroke-dasharray="3 2"') == 1 and 'fill="#fff"' in spark
    year_end = sparkline(paper.per_year, so_far=None)
    assert "stroke-dasharray" not in year_end and "2026: 3" in year_end


def test_a_blank_citation_count_says_when_only_arxiv_knows_the_paper() -> None:
    """Issue 27: the Citations cell of a paper on arXiv alone says so (and the tooltip why);
    an entry no source placed keeps the dash; the note under the table explains both."""
    from pipeline.listfile.regenerate import ARXIV_ONLY_WHY

    only = {
        "entry_id": "c",
        "position": 2,
        "title": "On arXiv alone",
        "section": "2023",
        "arxiv_id": "2301.00002",
        "citation_count": None,
        "match_method": "arxiv_title",
    }
    papers = report_papers([*rows(), only], None, None, DAY)
    assert [p.arxiv_only for p in papers] == [False, False, True]
    page = render_report(replace(report(), papers=papers))
    row_c = next(r for r in page.split("<tr ") if 'data-pos="2"' in r)
    assert f'title="{ARXIV_ONLY_WHY}"><span class="muted">arXiv only</span>' in row_c
    row_b = next(r for r in page.split("<tr ") if 'data-pos="1"' in r)
    assert "arXiv only" not in row_b and '<td class="num" data-v="">&ndash;</td>' in row_b
    assert 'A citation count reads "arXiv only" for a paper known to arXiv only' in page
