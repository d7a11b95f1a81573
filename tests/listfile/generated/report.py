"""Run every generated-list check in this process and write a report of what passes.

    .venv/bin/python -m tests.listfile.generated.report [--out /tmp/generated-report.md]
        [--save-regressions] [--only NAME ...]

For each paper shape and non-paper section kind: passes or not, and for a failure the shrunk
minimal list with what the reader returned against what was expected. With
--save-regressions, each minimal failing list is written under regressions/ (NAME.md and
NAME.json, the expected entries) for test_regressions.py.
"""

from __future__ import annotations

import argparse
import re
import resource
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from pipeline.listfile.parser import parse_list
from tests.listfile.generated.checks import (
    EXAMPLES,
    SETTINGS,
    check_document,
    check_round_trips,
    round_trip_problem,
)
from tests.listfile.generated.documents import (
    Document,
    mixed_documents,
    non_paper_documents,
    shape_documents,
    with_line_endings,
)
from tests.listfile.generated.nonpapers import NON_PAPER_SECTIONS
from tests.listfile.generated.oracle import expected_json, mismatches
from tests.listfile.generated.shapes import PAPER_SHAPES

REGRESSIONS = Path(__file__).resolve().parent / "regressions"


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_one(strategy: st.SearchStrategy[Document]) -> tuple[str | None, Document | None, int]:
    """(failure message, the minimal failing list, lists tried)."""
    last: list[Document] = []
    count = [0]

    @SETTINGS
    @given(strategy)
    def run(document: Document) -> None:
        count[0] += 1
        last[:] = [document]
        check_document(document)

    try:
        run()
    except AssertionError as error:
        return str(error), (last[0] if last else None), count[0]
    return None, None, count[0]


def failure_kinds(strategy: st.SearchStrategy[Document]) -> tuple[int, Counter[str]]:
    """Generate lists without shrinking; how many fail, and what goes wrong how often."""
    kinds: Counter[str] = Counter()
    failed = [0]

    @settings(SETTINGS, phases=[Phase.generate])
    @given(strategy)
    def run(document: Document) -> None:
        if round_trip_problem(document.text):
            failed[0] += 1
            kinds["round trip"] += 1
            return
        problems = mismatches(document.expected, parse_list(document.text, "g.md").entries)
        if problems:
            failed[0] += 1
        for problem in problems:
            match = re.search(
                r"^(missing|extra)|: (title|paper_url|code_urls|venue|year) ", problem
            )
            if match:
                kinds[match.group(1) or match.group(2)] += 1

    run()
    return failed[0], kinds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="/tmp/generated-report.md")  # noqa: S108
    parser.add_argument("--save-regressions", action="store_true")
    parser.add_argument("--only", nargs="*")
    args = parser.parse_args()
    checks: list[tuple[str, Callable[[], st.SearchStrategy[Document]]]] = [
        *(
            (f"shape {name}", lambda name=name: shape_documents(name))
            for name in sorted(PAPER_SHAPES)
        ),
        *(
            (f"non-paper {kind}", lambda kind=kind: non_paper_documents(kind))
            for kind in [*sorted(NON_PAPER_SECTIONS), "toolbox"]
        ),
        ("mixed", mixed_documents),
    ]
    rows: list[str] = []
    details: list[str] = []
    total_lists = 0
    started, cpu = time.monotonic(), _cpu()
    for name, make in checks:
        if args.only and not any(o in name for o in args.only):
            continue
        t0, c0 = time.monotonic(), _cpu()
        message, minimal, tried = run_one(make())
        total_lists += tried
        took = f"{time.monotonic() - t0:.1f} s wall, {_cpu() - c0:.1f} s CPU"
        rate = "0"
        if message is not None:
            failed, kinds = failure_kinds(make())
            common = ", ".join(f"{k} {n}" for k, n in kinds.most_common())
            rate = f"{failed}/{EXAMPLES} ({common})"
        verdict = "passes" if message is None else "**fails**"
        rows.append(f"| {name} | {verdict} | {tried} | {took} | {rate} |")
        print(rows[-1], flush=True)
        if message is not None:
            details += [f"### {name}", "", message.split("\nFailing test case")[0], ""]
            if args.save_regressions and minimal is not None:
                stem = re.sub(r"\W+", "_", name).strip("_")
                REGRESSIONS.mkdir(exist_ok=True)
                (REGRESSIONS / f"{stem}.md").write_text(minimal.text, encoding="utf-8")
                (REGRESSIONS / f"{stem}.json").write_text(
                    expected_json(minimal.expected), encoding="utf-8"
                )
    if not args.only or "round_trip" in args.only:
        t0, c0 = time.monotonic(), _cpu()
        try:
            check_round_trips(mixed_documents().flatmap(with_line_endings))
            verdict = "passes"
        except AssertionError as error:
            verdict = "**fails**"
            details += ["### round trip", "", "```", str(error)[:4000], "```", ""]
        took = f"{time.monotonic() - t0:.1f} s wall, {_cpu() - c0:.1f} s CPU"
        rows.append(f"| round trip, any line ending | {verdict} | {EXAMPLES} | {took} | |")
        print(rows[-1], flush=True)
    header = [
        "# Generated lists: what the reader gives back",
        "",
        f"{EXAMPLES} lists per check (hypothesis, derandomized), {total_lists} lists read in all, "
        f"{time.monotonic() - started:.0f} s wall, {_cpu() - cpu:.0f} s CPU in one process "
        "(failing checks include their shrinking).",
        "",
        "| check | result | lists run (incl. shrinking) | time | failing of a fresh sample "
        "(mismatch kinds: count) |",
        "|---|---|---|---|---|",
    ]
    Path(args.out).write_text(
        "\n".join([*header, *rows, "", "## Minimal failing lists", "", *details]) + "\n"
    )
    print(f"report written to {args.out}")


if __name__ == "__main__":
    main()
