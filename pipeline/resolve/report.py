"""The resolution report: `resolution.json` (per entry: method, score, ids, reasons; the next run
reads its pins from it) and `resolution.md` (what a maintainer should look at)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson

from pipeline.core.errors import PipelineError
from pipeline.listfile.markdown import escape_text
from pipeline.resolve.records import MatchMethod, Pin, Resolution, ResolutionRun
from pipeline.sources.arxiv import ArxivEntry

RESOLUTION_SCHEMA = "awesome-enrich/resolution"
RESOLUTION_VERSION = 1
SYNTHETIC_BANNER = (
    "SYNTHETIC: produced against a local fake API (127.0.0.1); every id, count and name in it "
    "is made up."
)


class ReportError(PipelineError):
    """A previous report that cannot be read back."""


def _record(r: Resolution) -> dict[str, Any]:
    return {
        "entry_id": r.entry_id,
        "position": r.entry.position,
        "line": r.entry.line,
        "section": r.entry.section,
        "title": r.entry.title,
        "match_method": r.method.value,
        "match_score": r.score,
        "low_confidence": r.low_confidence,
        "kept_from_previous": r.kept_from_previous,
        "s2_paper_id": r.s2_paper_id,
        "merged_from": r.merged_from,
        "corpus_id": r.s2.corpus_id if r.s2 else None,
        "doi": r.doi,
        "arxiv_id": r.arxiv_id,
        "matched_title": (r.s2.title if r.s2 else None) or (r.arxiv.title if r.arxiv else None),
        "citation_key": r.citation_key,
        "notes": list(r.notes),
        "tries": r.tries,
        "next_try": r.next_try.isoformat() if r.next_try else None,
        "query": r.query,
        "rejected": [asdict(candidate) for candidate in r.rejected],
        "alternatives": [asdict(version) for version in r.alternatives],
        "bibtex": r.bibtex,
        "arxiv": _arxiv_record(r.arxiv) if r.arxiv else None,
    }


_ARXIV_FIELDS = tuple(field.name for field in fields(ArxivEntry))


def _arxiv_record(entry: ArxivEntry) -> dict[str, Any]:
    # Its fields are strings, numbers, None, tuples of strings and datetimes: read directly
    # rather than through asdict's deep copy (the same JSON; 7% of a warm 10,000-paper run).
    record = {name: getattr(entry, name) for name in _ARXIV_FIELDS}
    record["published"] = entry.published.isoformat()
    record["updated"] = entry.updated.isoformat()
    return record


def _arxiv_entry(record: dict[str, Any] | None) -> ArxivEntry | None:
    if not record:
        return None
    return ArxivEntry(
        **{
            **record,
            "authors": tuple(record["authors"]),
            "categories": tuple(record["categories"]),
            "published": datetime.fromisoformat(record["published"]),
            "updated": datetime.fromisoformat(record["updated"]),
        }
    )


def resolution_json(
    run: ResolutionRun, *, source: str, generated_at: datetime, synthetic: bool
) -> str:
    document = {
        "schema": RESOLUTION_SCHEMA,
        "version": RESOLUTION_VERSION,
        "synthetic": synthetic,
        "list": source,
        "generated_at": generated_at.isoformat(),
        "failures": run.failures,
        "entries": [_record(r) for r in run.resolutions],
    }
    # orjson: a fraction of json's time on a 10,000-entry report (issue 26); two spaces of
    # indent (json wrote one), the one indent orjson offers.
    options = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
    return orjson.dumps(document, option=options).decode("utf-8")


def load_pins(path: Path) -> dict[str, Pin]:
    """The previous run's resolutions by entry_id; none when there was no previous run."""
    if not path.exists():
        return {}
    try:
        document = orjson.loads(path.read_bytes())  # JSONDecodeError is a ValueError
        if not isinstance(document, dict):
            raise ValueError("not a JSON object")
        if document.get("schema") != RESOLUTION_SCHEMA:
            raise ValueError(f"schema is {document.get('schema')!r}")
        pins = {}
        for record in document["entries"]:
            pins[record["entry_id"]] = Pin(
                entry_id=record["entry_id"],
                match_method=record["match_method"],
                match_score=record.get("match_score"),
                s2_paper_id=record.get("s2_paper_id"),
                arxiv_id=record.get("arxiv_id"),
                doi=record.get("doi"),
                citation_key=record.get("citation_key"),
                bibtex=record.get("bibtex"),
                arxiv=_arxiv_entry(record.get("arxiv")),
                tries=int(record.get("tries") or 0),
                next_try=date.fromisoformat(record["next_try"]) if record.get("next_try") else None,
            )
        return pins
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise ReportError(
            f"{path}: the previous resolution report is unreadable ({error}); "
            "move it away to resolve from scratch"
        ) from None


def _cell(value: object) -> str:
    return escape_text("" if value is None else str(value))


def _table(headers: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return lines


def _described(title: str, venue: str | None, year: int | None) -> str:
    where = ", ".join(str(part) for part in (venue, year) if part)
    return f"{escape_text(title)}" + (f" ({escape_text(where)})" if where else "")


def _versions(resolutions: list[Resolution]) -> list[str]:
    """Each entry S2 holds several versions of, with the override that pins another one."""
    if not resolutions:
        return []
    lines = [
        "",
        "### Other versions of the same paper",
        "",
        "S2 holds more than one record with this title. The list's venue and year chose; "
        "without them, the peer-reviewed version beats the preprint and the earliest beats "
        "later reprints. To use another version, add its override to `overrides.yaml` "
        "(under `overrides:`).",
    ]
    for r in resolutions:
        chosen = _described(r.s2.title, r.s2.venue, r.s2.year) if r.s2 else "?"
        lines += [
            "",
            f"- line {r.entry.line}, {escape_text(r.entry.title)}: chose "
            f"`{r.s2_paper_id}` {chosen}, found by `{r.query}`; also:",
        ]
        for version in r.alternatives:
            described = _described(version.title, version.venue, version.year)
            lines += [
                f"  - `{version.paper_id}` {described}:",
                "    ```yaml",
                f"    - title: {json.dumps(r.entry.title, ensure_ascii=False)}",
                f"      s2_paper_id: {json.dumps(version.paper_id)}",
                "    ```",
            ]
    return lines


def resolution_markdown(
    run: ResolutionRun, *, source: str, generated_at: datetime, synthetic: bool
) -> str:
    resolutions = run.resolutions
    lines = ["# Resolution report", ""]
    if synthetic:
        lines += [f"> **{SYNTHETIC_BANNER}**", ""]
    lines += [f"List `{source}`, generated {generated_at:%Y-%m-%d %H:%M} UTC.", ""]
    counts = Counter(r.method.value for r in resolutions)
    lines += _table(
        ["method", "entries"],
        [[method.value, counts[method.value]] for method in MatchMethod if counts[method.value]],
    )
    unresolved = [r for r in resolutions if r.method is MatchMethod.UNRESOLVED]
    low = [r for r in resolutions if r.low_confidence or r.alternatives]
    kept = [r for r in resolutions if r.kept_from_previous]
    lines += ["", f"## Unresolved ({len(unresolved)})", ""]
    if unresolved:
        lines += _table(
            ["line", "title", "tries", "next try", "why"],
            [
                [r.entry.line, r.entry.title, r.tries or None, r.next_try, "; ".join(r.notes)]
                for r in unresolved
            ],
        )
        lines += [
            "",
            "Pin the right paper in `overrides.yaml` (s2_paper_id, arxiv_id or doi) "
            "or mark the row `not_a_paper: true`. Titles no source could place are searched "
            "again after 1, 2, 4, 8, 16, then every 30 nights; an edited title counts as new.",
        ]
    else:
        lines.append("Every paper was resolved.")
    lines += ["", f"## Low confidence ({len(low)})", ""]
    if low:
        lines += _table(
            ["line", "title", "method", "score", "matched title", "why"],
            [
                [
                    r.entry.line,
                    r.entry.title,
                    r.method.value,
                    r.score,
                    (r.s2.title if r.s2 else None) or (r.arxiv.title if r.arxiv else None),
                    "; ".join(r.notes),
                ]
                for r in low
            ],
        )
        lines += _versions([r for r in low if r.alternatives])
    else:
        lines.append("None.")
    if kept:
        lines += ["", f"## Kept from the previous run ({len(kept)})", ""]
        lines += _table(
            ["line", "title", "why"],
            [[r.entry.line, r.entry.title, "; ".join(r.notes)] for r in kept],
        )
    if run.failures:
        lines += ["", "## Sources not fully used", ""]
        lines += [
            f"- {escape_text(api)}: {escape_text(reason)}" for api, reason in run.failures.items()
        ]
    if run.unused_overrides:
        lines += ["", "## Overrides that name no entry", ""]
        lines += [
            f"- line {o.line}: {escape_text(o.title or o.paper_url or '')}"
            for o in run.unused_overrides
        ]
    lines += ["", "## Every entry", ""]
    lines += _table(
        ["line", "entry_id", "method", "score", "S2 paper", "arXiv", "DOI", "citation key"],
        [
            [
                r.entry.line,
                r.entry_id,
                r.method.value,
                r.score,
                r.s2_paper_id,
                r.arxiv_id,
                r.doi,
                r.citation_key,
            ]
            for r in resolutions
        ],
    )
    return "\n".join(lines) + "\n"
