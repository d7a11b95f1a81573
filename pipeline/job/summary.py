"""The run summary: one line for the list, per source, and per API's calls."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from pipeline.listfile.model import ListDocument, Severity, SkipReason

if TYPE_CHECKING:  # `check` uses this module's list lines without the job's (HTTP) modules
    from pipeline.job.options import JobResult
    from pipeline.resolve.records import ResolutionRun
    from pipeline.sources.http import CallStats


def summary_lines(result: JobResult, repo_line: str, *extra: str) -> list[str]:
    lines = [
        list_summary(result.document),
        *resolution_summary(result.resolution),
        repo_line,
        *extra,
    ]
    for name, stats in result.calls.items():
        lines.append(
            f"{name} calls: {stats.network_requests} sent, {stats.cache_hits} from the cache, "
            f"{stats.not_modified} not modified, {stats.retries} retries{faults_text(stats)}"
        )
    return lines


def faults_text(stats: CallStats) -> str:
    """The faults met (each retried) and the requests that failed after their retries."""
    if not stats.faults and not stats.failed:
        return ""
    met = ", ".join(f"{count} {kind}" for kind, count in sorted(stats.faults.items()))
    failed = f"; {stats.failed} failed after their retries" if stats.failed else ""
    return f" (faults: {met or 'none'}{failed})"


def failed_sources(resolution: ResolutionRun, repo_line: str) -> set[str]:
    from pipeline.job.options import SOURCES  # here: `check` imports this module without it

    failed = {
        api.removesuffix("-title")
        for api, reason in resolution.failures.items()
        if api.removesuffix("-title") in SOURCES and not reason.startswith("not asked")
    }
    if "FAILED" in repo_line or "stopped asking" in repo_line:
        failed.add("github")
    return failed


def list_summary(document: ListDocument) -> str:
    sections = len({entry.section for entry in document.entries})
    tables = sum(entry.kind == "table" for entry in document.entries)
    errors = len(document.errors)
    line = (
        f"{document.source}: {len(document.entries)} entries in {sections} sections "
        f"({tables} in tables, {len(document.entries) - tables} bullets); "
        f"{errors} errors, {len(document.diagnostics) - errors} warnings"
    )
    if document.skipped:
        known = sum(1 for item in document.skipped if not item.doubtful)
        line += (
            f"; {len(document.skipped)} items with links not read as papers "
            f"({known} known non-papers: contents, non-paper sections, author lines...)"
        )
    return line


def resolution_summary(run: ResolutionRun) -> list[str]:
    from pipeline.resolve.records import MatchMethod

    counts = Counter(r.method for r in run.resolutions)
    papers = len(run.resolutions) - counts[MatchMethod.NOT_A_PAPER]
    resolved = sum(1 for r in run.resolutions if r.resolved)
    detail = ", ".join(f"{counts[m]} {m.value}" for m in MatchMethod if counts[m])
    lines = [f"resolved {resolved} of {papers} papers ({detail})"]
    low = sum(1 for r in run.resolutions if r.low_confidence)
    if low:
        lines.append(f"{low} low-confidence matches: see resolution.md")
    waiting = [r for r in run.resolutions if r.next_try is not None and r.tries]
    if waiting:
        earliest = min(r.next_try for r in waiting if r.next_try is not None)
        lines.append(
            f"{len(waiting)} unresolved entries are searched again from {earliest.isoformat()} "
            "(after 1, 2, 4 ... nights; see resolution.md)"
        )
    if run.failed_ids:
        shown = ", ".join(sorted(run.failed_ids)[:5])
        more = f" and {len(run.failed_ids) - 5} more" if len(run.failed_ids) > 5 else ""
        lines.append(
            f"s2: {len(run.failed_ids)} id{'s' if len(run.failed_ids) != 1 else ''} failed "
            "alone in batches (isolated by splitting; "
            f"the others resolved): {shown}{more}"
        )
    lines += [f"{api}: FAILED: {reason}" for api, reason in run.failures.items()]
    return lines


def check_report(document: ListDocument) -> dict[str, Any]:
    """`check --json`: what the list reader found, for scripts and tests."""
    return {
        "source": document.source,
        "entries": [
            {
                "line": entry.line,
                "section": entry.section,
                "title": entry.title,
                "paper_url": entry.paper_url,
                "code_urls": list(entry.code_urls),
                "venue": entry.venue,
                "year": entry.year,
            }
            for entry in document.entries
        ],
        "skipped": [
            {"line": item.line, "kind": str(item.kind), "reason": item.reason}
            for item in document.skipped
        ],
        "errors": [{"line": d.line, "message": d.message} for d in document.errors],
        "warnings": [
            {"line": d.line, "message": d.message}
            for d in document.diagnostics
            if d.severity is not Severity.ERROR
        ],
    }


def mostly_skipped(document: ListDocument) -> str | None:
    """One line when the reader took fewer than half of the candidate items (entries, and
    items with links or titles it did not take, known non-papers aside), with the three
    commonest reasons, else None: the list's shape may be one the reader does not know."""
    doubtful = [
        item
        for item in document.skipped
        if item.doubtful or item.kind is SkipReason.TITLE_ONLY  # a title, perhaps a paper's
    ]
    candidates = len(doubtful) + len(document.entries)
    if not doubtful or len(document.entries) * 2 >= candidates:
        return None
    commonest = Counter(item.reason for item in doubtful).most_common(3)
    reasons = "; ".join(f"{count} x {reason}" for reason, count in commonest)
    return (
        f"{document.source}: read {len(document.entries)} of {candidates} candidate items as "
        f"papers; commonest reasons for the others: {reasons}. Each is listed below; "
        "please report the list's shape"
    )
