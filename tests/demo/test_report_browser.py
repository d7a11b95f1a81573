"""report.html from the demo, opened in a real browser: Debian's chromium, driven by
Playwright through its `executable_path` (no browser download; .ci/run installs chromium)."""

from __future__ import annotations

import ctypes.util
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from pipeline.analysis.charts import DISPLAY_SIZE
from tests.demo.conftest import HOSTILE_TITLE, DemoRun

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
VISIBLE = "#papers tbody tr:not([hidden])"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Playwright's bundled node driver needs libatomic1 (a minimal Debian lacks it).
    if not CHROMIUM.exists() or ctypes.util.find_library("atomic") is None:
        # The one test that depends on the machine: `make test` installs chromium where it can
        # (as root, or with sudo); CI (.ci/run) sets AWESOME_ENRICH_REQUIRE_BROWSER: a failure.
        missing = (
            "Debian's chromium or libatomic1 is missing: run `sudo apt-get install chromium "
            "libatomic1` (or `make test` as root) to run the browser test of report.html"
        )
        if os.environ.get("AWESOME_ENRICH_REQUIRE_BROWSER"):
            pytest.fail(missing)
        pytest.skip(missing)
    with sync_playwright() as playwright:
        # --no-sandbox: CI runs as root, where chromium's sandbox refuses to start.
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


def column(page: Page, index: int) -> list[str]:
    values: list[str] = page.eval_on_selector_all(
        f"{VISIBLE} td:nth-child({index})", "cells => cells.map(c => c.getAttribute('data-v'))"
    )
    return values


def test_the_report_sorts_filters_and_stays_inert_in_chromium(
    browser: Browser, demo_run: DemoRun, tmp_path: Path
) -> None:
    report = demo_run.out / "report.html"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    loaded: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type in {"error", "warning"} else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: loaded.append(request.url))
    page.goto(report.as_uri())
    assert page.locator(".banner").inner_text().startswith("SYNTHETIC")
    total = page.locator("#papers tbody tr").count()
    assert total == page.locator(VISIBLE).count() > 10
    assert page.locator("#count").inner_text() == f"{total} of {total} papers"

    # Sorting by citations reorders the rows: most cited first, papers without a count last.
    before = column(page, 4)
    page.click("#papers th:nth-child(4) button")
    after = column(page, 4)
    counts = [int(v) for v in after if v]
    assert after != before and counts == sorted(counts, reverse=True)
    assert after[len(counts) :] == [""] * (len(after) - len(counts))
    page.click("#papers th:nth-child(4) button")  # again: fewest first
    assert [int(v) for v in column(page, 4) if v] == sorted(counts)
    assert page.get_attribute("#papers th:nth-child(4)", "aria-sort") == "ascending"

    # Filtering narrows them, by text and by section.
    page.fill("#filter", "transformer")
    titles = page.locator(f"{VISIBLE} td.title a").all_inner_texts()
    assert 0 < len(titles) < total and all("transformer" in t.casefold() for t in titles)
    page.fill("#filter", "")
    page.select_option("#section", "2023")
    sections = column(page, 2)
    assert 0 < len(sections) < total and set(sections) == {"2023"}
    page.select_option("#section", "")
    assert page.locator(VISIBLE).count() == total

    # The hostile title is text on the page, and none of its script ran.
    assert page.get_by_text(HOSTILE_TITLE, exact=True).count() == 1
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.locator("#papers img").count() == 0
    assert page.locator("#charts img").count() == 4
    assert all(u.startswith(("file:", "data:")) for u in loaded), loaded
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)

    # On a phone: the page does not overflow sideways (the table scrolls in its own box).
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(tmp_path / "report-phone.png"))
    assert errors == []
    assert (tmp_path / "report.png").stat().st_size > 10_000


TICK_TEXT = '[id^="xtick_"] text, [id^="ytick_"] text'


def test_the_charts_are_legible_at_the_size_the_report_shows_them(
    browser: Browser, demo_run: DemoRun, tmp_path: Path
) -> None:
    """At 1400 px wide, two charts a row, each at the size it is drawn for; their axis labels
    measured by chromium: 12 px or more. Screenshots in tmp_path."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto((demo_run.out / "report.html").as_uri())
    page.locator("#charts").scroll_into_view_if_needed()
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('#charts img'))"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )
    shown = page.eval_on_selector_all(
        "#charts figure",
        """figures => figures.map(f => {
            const i = f.querySelector('img'), r = i.getBoundingClientRect();
            return {name: f.getAttribute('data-chart'), width: r.width, height: r.height,
                    top: r.top, natural: i.naturalWidth};
        })""",
    )
    assert len(shown) == 4
    for chart in shown:
        assert chart["width"] == chart["natural"] == DISPLAY_SIZE[0], chart
        assert chart["height"] == DISPLAY_SIZE[1], chart
    assert shown[0]["top"] == shown[1]["top"] < shown[2]["top"] == shown[3]["top"]  # 2 a row
    page.locator("#charts").screenshot(path=str(tmp_path / "charts-1400.png"))
    page.screenshot(path=str(tmp_path / "report-1400.png"), full_page=True)
    assert (tmp_path / "charts-1400.png").stat().st_size > 50_000
    # Each chart on its own (the same file the report inlines): the rendered size of its axis
    # labels, times the report's scale (its width there over its own).
    alone = browser.new_page(viewport={"width": 1400, "height": 900})
    for chart in shown:
        alone.goto((demo_run.out / "charts" / f"{chart['name']}.svg").as_uri())
        sizes: list[float] = alone.eval_on_selector_all(
            TICK_TEXT,
            "ts => ts.map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)",
        )
        heights: list[float] = alone.eval_on_selector_all(
            TICK_TEXT, "ts => ts.map(t => t.getBoundingClientRect().height)"
        )
        scale = chart["width"] / chart["natural"]
        assert sizes and min(sizes) * scale >= 12, (chart["name"], sizes)
        assert min(heights) * scale >= 12, (chart["name"], heights)
    alone.close()
    page.close()
