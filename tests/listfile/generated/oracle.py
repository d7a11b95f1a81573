"""What a generated list should read as, and the comparison with what the reader gave.

The equality rule (strict but fair):
- the entries, in list order, no more and no fewer;
- `title`: the generated title exactly (case, punctuation, accents, emoji kept), only runs of
  whitespace collapsed to one space and the ends stripped, on both sides. Markup around the
  title (links, bold, quotes of a citation, HTML tags and entities) is not part of it;
- `paper_url`: exactly the generated paper link, or None when the item has none;
- `code_urls`: exactly the generated set of code links (order free), as written;
- `venue`: where the shape writes a venue the reader is documented to read (an emphasised or
  parenthesised venue with its year, a bracketed venue prefix, a cell under a venue column),
  the venue text as written without its markup (`CVPR'21`, `IJCV 2019`), whitespace collapsed;
  None where the item writes none; not compared for citation cells and unnamed columns;
- `year`: the generated year where the item writes one (4 digits, or 2 after `'` or `-`, read
  as 20YY); None where it writes none; not compared where the venue is not.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.listfile.model import Entry


class Unchecked:
    def __repr__(self) -> str:
        return "(not compared)"


UNCHECKED = Unchecked()


@dataclass(frozen=True)
class Expected:
    title: str
    paper_url: str | None
    code_urls: frozenset[str]
    venue: str | Unchecked | None
    year: int | Unchecked | None
    line: int = 0  # 1-based line in the document (0 while inside a chunk: offset is used)
    offset: int = 0  # line offset inside its chunk

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "title": self.title,
            "paper_url": self.paper_url,
            "code_urls": sorted(self.code_urls),
            "line": self.line,
        }
        if not isinstance(self.venue, Unchecked):
            data["venue"] = self.venue
        if not isinstance(self.year, Unchecked):
            data["year"] = self.year
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Expected:
        return cls(
            title=data["title"],
            paper_url=data["paper_url"],
            code_urls=frozenset(data["code_urls"]),
            venue=data.get("venue", UNCHECKED),
            year=data.get("year", UNCHECKED),
            line=data.get("line", 0),
        )


def squash(text: str | None) -> str | None:
    return None if text is None else " ".join(text.split())


def _field_problems(expected: Expected, got: Entry) -> list[str]:
    problems = []
    if squash(got.title) != squash(expected.title):
        problems.append(f"title {got.title!r}, expected {expected.title!r}")
    if got.paper_url != expected.paper_url:
        problems.append(f"paper_url {got.paper_url!r}, expected {expected.paper_url!r}")
    if frozenset(got.code_urls) != expected.code_urls:
        problems.append(f"code_urls {sorted(got.code_urls)}, expected {sorted(expected.code_urls)}")
    if not isinstance(expected.venue, Unchecked) and squash(got.venue) != squash(expected.venue):
        problems.append(f"venue {got.venue!r}, expected {expected.venue!r}")
    if not isinstance(expected.year, Unchecked) and got.year != expected.year:
        problems.append(f"year {got.year!r}, expected {expected.year!r}")
    return problems


def describe(entry: Entry) -> str:
    return (
        f"line {entry.line}: title={entry.title!r} paper_url={entry.paper_url!r} "
        f"code_urls={list(entry.code_urls)} venue={entry.venue!r} year={entry.year!r}"
    )


def describe_expected(expected: Expected) -> str:
    return (
        f"line {expected.line}: title={expected.title!r} paper_url={expected.paper_url!r} "
        f"code_urls={sorted(expected.code_urls)} venue={expected.venue!r} year={expected.year!r}"
    )


def mismatches(expected: Sequence[Expected], got: Sequence[Entry]) -> list[str]:
    """What differs between the expected and the read entries; empty when they agree."""
    problems: list[str] = []
    by_title = {squash(e.title): e for e in expected}
    if len(expected) != len(got):
        problems.append(f"{len(got)} entries read, {len(expected)} expected")
        got_titles = {squash(g.title) for g in got}
        for e in expected:
            if squash(e.title) not in got_titles:
                problems.append(f"missing: {describe_expected(e)}")
        for g in got:
            if squash(g.title) not in by_title:
                problems.append(f"extra: {describe(g)}")
        for g in got:
            match = by_title.get(squash(g.title))
            if match is not None:
                problems.extend(f"line {g.line}: {p}" for p in _field_problems(match, g))
        return problems
    for e, g in zip(expected, got, strict=True):
        problems.extend(
            f"line {g.line} (expected line {e.line}): {p}" for p in _field_problems(e, g)
        )
    return problems


def report(text: str, expected: Sequence[Expected], got: Sequence[Entry]) -> str:
    problems = mismatches(expected, got)
    return "\n".join(
        [
            "the reader's entries differ from the generated ones:",
            *(f"  - {p}" for p in problems),
            "list:",
            "```markdown",
            text,
            "```",
            "expected:",
            *(f"  {describe_expected(e)}" for e in expected),
            "read:",
            *(f"  {describe(g)}" for g in got),
        ]
    )


def expected_json(expected: Sequence[Expected]) -> str:
    return json.dumps([e.to_json() for e in expected], ensure_ascii=False, indent=2) + "\n"
