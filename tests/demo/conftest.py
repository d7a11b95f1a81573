"""One multi-night demo for the tests of this folder: three nights of a small list (the seed
list's first two sections, plus an entry whose title is hostile HTML) against the local fake,
run once per session with the shared Prefect server (about 15 s)."""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from fakeapi.description import PaperRecord, WorldDescription, description_path
from pipeline.analysis import charts
from pipeline.analysis.trends import TrendResult
from pipeline.cli.main import main
from pipeline.job import outputs
from tests.conftest import REAL_PNG_BYTES, REAL_SVG_BYTES, SEED_LIST, tiny_png, tiny_svg
from tests.fakes import seed_records

NIGHTS = 3
START = date(2026, 11, 1)
# The list writes it with entities, which the parser decodes: the title is this very text.
HOSTILE_TITLE = (
    'Evil <script>window.pwned = 1</script><img src=x onerror="window.pwned = 2"> Segmentation'
)
HOSTILE_ROW = (
    "| [Evil &lt;script&gt;window.pwned = 1&lt;/script&gt;&lt;img src=x "
    'onerror="window.pwned = 2"&gt; Segmentation](https://arxiv.org/abs/2401.09999) '
    "| &lt;b&gt;EVIL | CVPR 2024 | -- |\n"
)


@dataclass(frozen=True)
class DemoRun:
    status: int
    printed: str
    out: Path
    list_path: Path


def small_list() -> str:
    """The seed list up to its third section, the hostile row first in the first table."""
    lines = SEED_LIST.read_text(encoding="utf-8").splitlines(keepends=True)
    headings = [i for i, line in enumerate(lines) if line.startswith("## ")]
    kept = lines[: headings[2]]
    first_delimiter = next(i for i, line in enumerate(kept) if line.startswith("|---"))
    kept.insert(first_delimiter + 1, HOSTILE_ROW)
    return "".join(kept)


def small_description() -> WorldDescription:
    """The small list's records: the hostile row's, then the seed's hand-checked records of the
    rows kept (the n-th row of the seed is its n-th record)."""
    text = small_list()
    kept = sum(1 for line in text.splitlines() if line.startswith("| [")) - 1
    hostile = PaperRecord(
        HOSTILE_TITLE,
        2024,
        "CVPR",
        arxiv_id="2401.09999",
        written=HOSTILE_ROW.split("](")[0].removeprefix("| ["),
    )
    return WorldDescription(
        "list.md", "the seed's records and the hostile row's", [hostile, *seed_records()[:kept]]
    )


def run_demo(
    root: Path,
    text: str,
    description: WorldDescription,
    nights: int = NIGHTS,
    *,
    charts_of_the_last_night_only: bool = False,
) -> DemoRun:
    """`awesome-enrich demo` on the list `text` and its world `description`, in `root`, from
    START for `nights` nights. The charts are drawn for real (on the last night only, with
    `charts_of_the_last_night_only`: the nights before write stand-ins the last replaces)."""
    list_path = root / "list.md"
    list_path.write_text(text, encoding="utf-8")
    description.save(description_path(list_path))
    out = root / "out"
    printed = io.StringIO()
    # The charts drawn for real, whichever test asks first: tests read them as a user would.
    last = START + timedelta(days=nights - 1)
    drawn = last_night_charts(last) if charts_of_the_last_night_only else real_charts()
    with contextlib.redirect_stdout(printed), drawn:
        status = main(
            [
                "demo",
                "--list",
                str(list_path),
                "--out",
                str(out),
                "--nights",
                str(nights),
                "--start-date",
                START.isoformat(),
            ]
        )
    return DemoRun(status, printed.getvalue(), out, list_path)


def _run_demo(root: Path) -> DemoRun:
    return run_demo(root, small_list(), small_description())


@contextlib.contextmanager
def real_charts() -> Iterator[None]:
    """Charts drawn for real inside the block, even in a test that is not marked real_charts
    (tests/conftest.py draws them as a tiny empty image there)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(charts, "svg_bytes", REAL_SVG_BYTES)
        patch.setattr(charts, "png_bytes", REAL_PNG_BYTES)
        yield


@contextlib.contextmanager
def tiny_charts() -> Iterator[None]:
    """Charts drawn as tests/conftest.py's stand-ins inside the block, even in a test marked
    real_charts."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(charts, "svg_bytes", tiny_svg)
        patch.setattr(charts, "png_bytes", tiny_png)
        yield


@contextlib.contextmanager
def last_night_charts(last: date) -> Iterator[None]:
    """Charts drawn for real by the run of the snapshot date `last` only, as stand-ins before it:
    each night overwrites charts/ and report.html, so what the last night leaves is what a
    user sees, and the nights before spend no CPU drawing what it replaces (about 1 s a night;
    issue 27)."""
    write = outputs.write_trends

    def write_trends(result: TrendResult, folder: Path, *, synthetic: bool) -> list[Path]:
        tonight = result.snapshot_dates[-1] if result.snapshot_dates else None
        with real_charts() if tonight == last else tiny_charts():
            return write(result, folder, synthetic=synthetic)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(outputs, "write_trends", write_trends)
        yield


@pytest.fixture(scope="session")
def demo_run(
    tmp_path_factory: pytest.TempPathFactory, worker_id: str, request: pytest.FixtureRequest
) -> DemoRun:
    """The demo's output, made once per test run: under pytest-xdist the first worker to get
    here runs it in the run's shared temporary folder (holding a lock), the others read it
    (the tests only read it)."""
    if worker_id == "master":
        request.getfixturevalue("prefect_harness")
        return _run_demo(tmp_path_factory.mktemp("demo"))
    shared = tmp_path_factory.getbasetemp().parent / "demo-shared"
    shared.mkdir(exist_ok=True)
    with (shared / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        done = shared / "done.json"
        if done.exists():
            saved = json.loads(done.read_text(encoding="utf-8"))
            return DemoRun(saved["status"], saved["printed"], shared / "out", shared / "list.md")
        request.getfixturevalue("prefect_harness")
        run = _run_demo(shared)
        done.write_text(json.dumps({"status": run.status, "printed": run.printed}), "utf-8")
        return run
