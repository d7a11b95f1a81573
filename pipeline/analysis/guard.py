"""The anomaly guard: a source whose answers look broken against the previous snapshot is not
believed for the run. Pure functions over rows; the job keeps the previous values instead.

Checks (each threshold configurable, see GuardThresholds):
- Semantic Scholar: too many previously non-zero citation counts now zero; too many counts
  falling; every count unchanged for `frozen_nights` nights (a frozen source).
- GitHub: too many previously non-zero star counts now zero; stars falling across many repos.
A check needs at least `min_compared` comparable values (same paper, or same repository, with
a value on both sides), so a small list's normal noise does not trip it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from pipeline.core.errors import ConfigError
from pipeline.core.rows import GITHUB_COLUMNS, S2_COLUMNS, is_same_paper, is_same_repo


@dataclass(frozen=True)
class GuardThresholds:
    citations_zero_share: float = 0.20  # of previously non-zero counts, now zero
    citations_fall_share: float = 0.30  # of comparable counts, now lower
    frozen_nights: int = 14  # every count unchanged for this many nights; 0 turns it off
    stars_zero_share: float = 0.20
    stars_fall_share: float = 0.30
    min_compared: int = 10

    def with_overrides(self, assignments: Sequence[str]) -> GuardThresholds:
        """`name=value` pairs (from the command line or a flow parameter) over the defaults."""
        known = {f.name: f.type for f in fields(self)}
        changes: dict[str, Any] = {}
        for assignment in assignments:
            name, sep, text = assignment.partition("=")
            name = name.strip().replace("-", "_")
            if not sep or name not in known:
                raise ConfigError(
                    f"guard setting {assignment!r}: use name=value with a name from "
                    + ", ".join(known)
                )
            try:
                value: float | int = int(text) if known[name] == "int" else float(text)
            except ValueError:
                raise ConfigError(
                    f"guard setting {assignment!r}: {text!r} is not a number"
                ) from None
            low = 1 if name == "min_compared" else 0
            if not low <= value <= (1 if known[name] == "float" else 10**6):  # NaN fails too
                raise ConfigError(f"guard setting {assignment!r}: out of range")
            changes[name] = value
        return replace(self, **changes)


@dataclass(frozen=True)
class Rejection:
    source: str  # "s2" or "github"
    reason: str

    def __str__(self) -> str:
        name = "Semantic Scholar" if self.source == "s2" else "GitHub"
        return f"{name} values rejected by the anomaly guard: {self.reason}; previous values kept"


Pairs = list[tuple[int, int]]


def _pairs(
    fresh: Sequence[Mapping[str, Any]],
    previous: Mapping[str, Mapping[str, Any]],
    column: str,
    fetched: str,
    same: Callable[[Mapping[str, Any], Mapping[str, Any]], bool],
) -> Pairs:
    """(before, after) for every entry refreshed this run with a value on both sides."""
    pairs = []
    for row in fresh:
        old = previous.get(row["entry_id"])
        if old is None or row.get(fetched) is None or not same(row, old):
            continue
        before, after = old.get(column), row.get(column)
        if before is not None and after is not None:
            pairs.append((int(before), int(after)))
    return pairs


def _share_checks(
    pairs: Pairs, noun: str, zero_share: float, fall_share: float, minimum: int
) -> str | None:
    non_zero = [(b, a) for b, a in pairs if b > 0]
    if len(non_zero) >= minimum:
        zeroed = sum(1 for _, a in non_zero if a == 0)
        if zeroed / len(non_zero) > zero_share:
            return (
                f"{zeroed} of {len(non_zero)} previously non-zero {noun} are now 0 "
                f"(threshold {zero_share:.0%})"
            )
    if len(pairs) >= minimum:
        falling = sum(1 for b, a in pairs if a < b)
        if falling / len(pairs) > fall_share:
            return f"{falling} of {len(pairs)} {noun} fell (threshold {fall_share:.0%})"
    return None


def check_sources(
    fresh: Sequence[Mapping[str, Any]],
    previous: Mapping[str, Mapping[str, Any]],
    thresholds: GuardThresholds,
    *,
    frozen_baseline: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Rejection]:
    """The sources to reject this run.

    `fresh` are this run's rows before the merge with the previous table (a source's columns are
    None where it did not answer); `previous` the previous table's rows by entry_id;
    `frozen_baseline` the snapshot from `frozen_nights` nights ago, when there is one.
    """
    rejections = []
    citations = _pairs(fresh, previous, "citation_count", "s2_fetched_at", is_same_paper)
    reason = _share_checks(
        citations,
        "citation counts",
        thresholds.citations_zero_share,
        thresholds.citations_fall_share,
        thresholds.min_compared,
    )
    if reason is None and thresholds.frozen_nights and frozen_baseline:
        old = _pairs(fresh, frozen_baseline, "citation_count", "s2_fetched_at", is_same_paper)
        old = [(b, a) for b, a in old if b > 0]  # an uncited paper staying at 0 is normal
        if len(old) >= thresholds.min_compared and all(b == a for b, a in old):
            day = min(
                (r["snapshot_date"] for r in frozen_baseline.values() if r.get("snapshot_date")),
                default=None,
            )
            since = f" since {day.isoformat()}" if day else ""
            reason = (
                f"all {len(old)} citation counts unchanged{since} "
                f"({thresholds.frozen_nights} nights or more): the source looks frozen"
            )
    if reason:
        rejections.append(Rejection("s2", reason))
    stars = _pairs(fresh, previous, "stars", "github_fetched_at", is_same_repo)
    reason = _share_checks(
        stars,
        "star counts",
        thresholds.stars_zero_share,
        thresholds.stars_fall_share,
        thresholds.min_compared,
    )
    if reason:
        rejections.append(Rejection("github", reason))
    return rejections


def without_source(rows: Sequence[dict[str, Any]], source: str) -> list[dict[str, Any]]:
    """The rows with a rejected source's values removed, so the merge keeps the previous ones."""
    columns = (
        (*S2_COLUMNS, "s2_fetched_at")
        if source == "s2"
        else (
            *GITHUB_COLUMNS,
            "github_fetched_at",
        )
    )
    return [{**row, **dict.fromkeys(columns)} for row in rows]
