"""Benchmark reading and regenerating a large bullet list (no API involved).

    python -m benchmarks.parsing --entries 10000 --out benchmarks/PARSING.md

A SYNTHETIC list of `--entries` papers written as bullets, numbered items and multi-line
entries in the shapes real lists use (benchmarks.synthetic_list's titles), is parsed, then
rendered with three extra columns and parsed again. Reports CPU time (process time, untraced)
and peak memory (tracemalloc, Python allocations, in a second run) of each step; measured
figures, never asserted.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from benchmarks.synthetic_list import ADJECTIVES, SUBJECTS, TASKS, VENUES
from pipeline.listfile.parser import parse_list
from pipeline.listfile.render import ExtraColumn, render

T = TypeVar("T")
SHAPES = (
    "- [{t}](https://arxiv.org/abs/{a}) - {v} {y} [[code](https://github.com/lab{n}/repo{n})]",
    "* **{t}** [[paper](https://arxiv.org/abs/{a})] [[code](https://github.com/lab{n}/repo{n})]",
    '{k}. "{t}", *{v}{y}*, [[Paper]](https://arxiv.org/abs/{a})',
    "- [[{v}](https://arxiv.org/abs/{a})] {t}. [[code](https://github.com/lab{n}/repo{n})]",
    "- {t}.\n  [[pdf]](https://arxiv.org/pdf/{a}.pdf)\n  - A. Author, B. Author. *{v}*, {y}.",
    "- **{t} ({v} {y})**\n  - A. Author, B. Author\n  - [[Paper]](https://arxiv.org/abs/{a})",
)


def make_bullet_list(entries: int, seed: int = 0) -> str:
    """SYNTHETIC: made-up titles, ids and repositories in real lists' bullet shapes."""
    rng = random.Random(seed)  # noqa: S311 - deterministic synthetic input
    parts = ["# A SYNTHETIC awesome list (benchmark input)\n"]
    for index in range(entries):
        if index % 200 == 0:
            parts.append(f"\n## Section {index // 200 + 1}\n\n")
        title = (
            f"{rng.choice(ADJECTIVES)} {rng.choice(SUBJECTS)} for {rng.choice(TASKS)} (No. {index})"
        )
        year = rng.randint(2015, 2025)
        parts.append(
            rng.choice(SHAPES).format(
                t=title,
                a=f"{year % 100:02d}{rng.randint(1, 12):02d}.{index:05d}",
                v=rng.choice(VENUES),
                y=year,
                n=index,
                k=index % 200 + 1,
            )
            + "\n"
        )
    return "".join(parts)


def measure(step: Callable[[], T]) -> tuple[T, float, float]:
    """The step's result, CPU seconds and peak MiB of Python allocations. Timed and traced in
    two runs: tracing allocations slows Python code several times over."""
    started = time.process_time()
    result = step()
    cpu = time.process_time() - started
    tracemalloc.start()
    step()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return result, cpu, peak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/PARSING.md"))
    args = parser.parse_args(argv)
    text = make_bullet_list(args.entries)
    document, parse_cpu, parse_peak = measure(lambda: parse_list(text, "synthetic.md"))
    columns = [
        ExtraColumn("Citations", {e.position: f"{e.position * 7:,}" for e in document.entries}),
        ExtraColumn("Stars", {e.position: "\u2605 1,204" for e in document.entries}),
        ExtraColumn("Last commit", {e.position: "2026-11" for e in document.entries}),
    ]
    rendered, render_cpu, render_peak = measure(lambda: render(document, columns))
    again, reparse_cpu, reparse_peak = measure(lambda: parse_list(rendered, "regenerated.md"))
    same = [(e.title, e.paper_url, e.code_urls) for e in again.entries] == [
        (e.title, e.paper_url, e.code_urls) for e in document.entries
    ]
    command = "python -m benchmarks.parsing " + " ".join(argv if argv is not None else sys.argv[1:])
    report = "\n".join(
        [
            "# Parsing benchmark",
            "",
            "> **SYNTHETIC input**: a generated bullet list (made-up titles and ids in the shapes",
            "> of real lists); the figures are measured on this machine, not on a real list.",
            "",
            f"Command: `{command.strip()}`  ",
            f"Run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
            f"Python {platform.python_version()}.",
            "",
            f"Input: {len(text) / 2**20:.1f} MiB, {text.count(chr(10)):,} lines, "
            f"{args.entries:,} papers in 6 shapes (linked title, bold title with links, quoted "
            "numbered, leading venue tag, title + link line + author sub-item, bold title + "
            "author and link sub-items).",
            "",
            "| step | CPU time | peak memory (Python) |",
            "|---|---:|---:|",
            f"| parse | {parse_cpu:.2f} s | {parse_peak:.0f} MiB |",
            f"| render with 3 columns | {render_cpu:.2f} s | {render_peak:.0f} MiB |",
            f"| parse the regenerated list | {reparse_cpu:.2f} s | {reparse_peak:.0f} MiB |",
            "",
            f"Entries read: {len(document.entries):,} of {args.entries:,}; the regenerated list "
            f"reads back as the same entries: {'yes' if same else 'NO'}.",
            "",
        ]
    )
    args.out.write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
