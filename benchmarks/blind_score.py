"""Score the list reader's output against a blind set's hand counts (issue 22's protocol,
tests/listfile/blind/RESULTS.md). The lists and hand counts stay outside the project (they hold
fetched text); this is the scorer, kept here so that a new session can measure with the same rules.

    python -m benchmarks.blind_score TRUTH_DIR OUT_DIR [--md] [--detail]
    python -m benchmarks.blind_score --whole TRUTH_ALL_DIR OUT_DIR

TRUTH_DIR holds `<list>.json`: `{"careful_count", "papers": [{"line", "title", "paper_url"}],
"non_papers": [{"line", "text"}]}`; OUT_DIR holds `<list>.json` from `awesome-enrich check --json`
and `<list>.rc`, its exit status. TRUTH_ALL_DIR holds `<list>.json`: `{"lines": [...]}`, the first
line of every paper counted by hand.

Found: an entry at the sampled paper's line, else one with the same normalised title, else one
within 3 lines whose title is similar (ratio 0.8). Title right: equal modulo case, whitespace,
markup, surrounding quotes and trailing `. , ; :`. Link right: equal modulo whitespace, backslashes,
`<>` and a trailing `/` (both none is right). A non-paper is taken when an entry starts at its line.
"""

from __future__ import annotations

import argparse
import difflib
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Entry = dict[str, Any]
_NEAR_LINES = 3
_SIMILAR = 0.8


def norm_title(title: str | None) -> str:
    text = re.sub(r"[*_`~]", "", re.sub(r"<[^>]+>", "", html.unescape(title or "")))
    text = " ".join(text.split())
    for _ in range(3):
        text = re.sub(
            r"[.,;:]+$", "", text.strip().strip("\"'\u201c\u201d\u2018\u2019\u00ab\u00bb").strip()
        )
    return text.strip().casefold()


def norm_url(url: str | None) -> str | None:
    if url is None:
        return None
    return re.sub(r"\s+", "", url).replace("\\", "").strip("<>").rstrip("/") or None


def read_output(out_dir: Path, name: str) -> tuple[list[Entry], int | None]:
    """The reader's entries for one list (none when missing or unreadable) and its exit status."""
    status_file = out_dir / f"{name}.rc"
    status = None
    if status_file.exists() and status_file.read_text().strip().isdigit():
        status = int(status_file.read_text().strip())
    try:
        data = json.loads((out_dir / f"{name}.json").read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return [], status
    entries = data.get("entries", []) if isinstance(data, dict) else data
    return [entry for entry in entries if isinstance(entry, dict)], status


def find(paper: Entry, entries: list[Entry], by_line: dict[int, list[Entry]]) -> Entry | None:
    line = int(paper["line"])
    if line in by_line:
        return by_line[line][0]
    wanted = norm_title(paper["title"])
    same = next((e for e in entries if wanted and norm_title(e.get("title")) == wanted), None)
    if same is not None:
        return same
    near = [e for e in entries if abs(int(e.get("line") or -999) - line) <= _NEAR_LINES]
    scored = [
        (difflib.SequenceMatcher(None, wanted, norm_title(e.get("title"))).ratio(), e) for e in near
    ]
    best = max(scored, key=lambda pair: pair[0], default=None)
    return best[1] if best is not None and best[0] >= _SIMILAR else None


@dataclass
class Score:
    name: str
    entries: int = 0
    careful: int = 0
    papers: int = 0
    found: int = 0
    titles: int = 0
    links: int = 0
    non_papers: int = 0
    taken: int = 0
    refused: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in (
            "entries",
            "careful",
            "papers",
            "found",
            "titles",
            "links",
            "non_papers",
            "taken",
            "refused",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def score_list(truth_file: Path, out_dir: Path) -> Score:
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    entries, status = read_output(out_dir, truth_file.stem)
    by_line: dict[int, list[Entry]] = {}
    for entry in entries:
        by_line.setdefault(int(entry.get("line") or 0), []).append(entry)
    score = Score(truth_file.stem, len(entries), int(truth["careful_count"]), len(truth["papers"]))
    for paper in truth["papers"]:
        match = find(paper, entries, by_line)
        if match is None:
            score.misses.append(f"NOT FOUND line {paper['line']}: {paper['title']!r}")
            continue
        score.found += 1
        if norm_title(match.get("title")) == norm_title(paper["title"]):
            score.titles += 1
        else:
            score.misses.append(
                f"TITLE line {paper['line']}: {paper['title']!r} read {match.get('title')!r}"
            )
        if norm_url(match.get("paper_url")) == norm_url(paper.get("paper_url")):
            score.links += 1
        else:
            score.misses.append(
                f"LINK line {paper['line']}: {paper.get('paper_url')} read {match.get('paper_url')}"
            )
    for item in truth.get("non_papers", []):
        score.non_papers += 1
        if int(item["line"]) in by_line:
            score.taken += 1
            score.misses.append(f"NONPAPER TAKEN line {item['line']}: {item['text'][:120]!r}")
    score.refused = int(status == 2 and not entries)
    return score


def _row(score: Score) -> str:
    n = score.papers
    return (
        f"{score.name}: entries {score.entries}/{score.careful} found {score.found}/{n} "
        f"title {score.titles}/{n} link {score.links}/{n} "
        f"nonpapers taken {score.taken}/{score.non_papers}"
        f" refused {'yes' if score.refused else 'no'}"
    )


def _percent(part: int, whole: int) -> str:
    return f"{100.0 * part / (whole or 1):.1f}%"


def report(truth_dir: Path, out_dir: Path, *, markdown: bool, detail: bool) -> None:
    total = Score("totals")
    scores = [score_list(path, out_dir) for path in sorted(truth_dir.glob("*.json"))]
    if markdown:
        print(
            "| list | entries / careful | found | title right | paper link right"
            " | non-papers taken | refused whole |"
        )
        print("|---|---|---|---|---|---|---|")
    for score in scores:
        total.add(score)
        if markdown:
            n = score.papers
            print(
                f"| {score.name} | {score.entries} / {score.careful} | {score.found}/{n}"
                f" | {score.titles}/{n} "
                f"| {score.links}/{n} | {score.taken}/{score.non_papers}"
                f" | {'yes' if score.refused else 'no'} |"
            )
        else:
            print(_row(score))
        if detail:
            for miss in score.misses:
                print(f"    {miss}")
    n = total.papers
    print(
        f"totals: found {total.found}/{n} ({_percent(total.found, n)}) title {total.titles}/{n} "
        f"({_percent(total.titles, n)}) link {total.links}/{n} ({_percent(total.links, n)})"
        " nonpapers taken "
        f"{total.taken}/{total.non_papers} refused {total.refused}"
        f" entries {total.entries}/{total.careful}"
    )


def whole_lists(truth_all_dir: Path, out_dir: Path) -> None:
    """Per list: hand-counted papers with no entry at their line, and entries at other lines."""
    missed_total = extra_total = hand_total = entries_total = 0
    for path in sorted(truth_all_dir.glob("*.json")):
        hand = set(json.loads(path.read_text(encoding="utf-8"))["lines"])
        entries, _status = read_output(out_dir, path.stem)
        lines = [int(entry.get("line") or 0) for entry in entries]
        missed = sorted(hand - set(lines))
        extra = sorted(line for line in lines if line not in hand)
        print(
            f"{path.stem}: hand {len(hand)} entries {len(entries)}"
            f" missed {len(missed)} extra {len(extra)}"
        )
        missed_total, extra_total = missed_total + len(missed), extra_total + len(extra)
        hand_total, entries_total = hand_total + len(hand), entries_total + len(entries)
    print(
        f"totals: hand papers {hand_total} entries {entries_total}"
        f" missed {missed_total} extra {extra_total}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "truth", type=Path, help="the hand counts (TRUTH_DIR, or TRUTH_ALL_DIR with --whole)"
    )
    parser.add_argument("out", type=Path, help="the reader's `check --json` outputs and .rc files")
    parser.add_argument("--md", action="store_true", help="a Markdown table")
    parser.add_argument("--detail", action="store_true", help="each miss under its list")
    parser.add_argument("--whole", action="store_true", help="whole lists against TRUTH_ALL_DIR")
    arguments = parser.parse_args()
    if arguments.whole:
        whole_lists(arguments.truth, arguments.out)
    else:
        report(arguments.truth, arguments.out, markdown=arguments.md, detail=arguments.detail)


if __name__ == "__main__":
    main()
