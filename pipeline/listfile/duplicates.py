"""Duplicate detection: the same paper listed twice, and entries that share one repository.

Duplicates are reported, never dropped: a list may legitimately list a journal extension next to
its conference paper, or two papers from one repository.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from pipeline.listfile.identifiers import normalise_title, paper_ids, repo_ref
from pipeline.listfile.model import Entry


class DuplicateKind(StrEnum):
    SAME_PAPER = "same paper"
    SHARED_REPO = "shared repository"


@dataclass(frozen=True)
class DuplicateGroup:
    kind: DuplicateKind
    reasons: tuple[str, ...]  # "same title", "same paper URL (ieee:10367821)", or the repo key
    positions: tuple[int, ...]  # entry positions, ascending


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, item: int) -> int:
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, first: int, second: int) -> None:
        root_a, root_b = self.find(first), self.find(second)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)


def _groups_by_key(keyed: Iterable[tuple[str, int]]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for key, position in keyed:
        if position not in groups[key]:
            groups[key].append(position)
    return {key: positions for key, positions in groups.items() if len(positions) > 1}


def find_duplicates(entries: Sequence[Entry]) -> tuple[DuplicateGroup, ...]:
    """Groups of entries that are the same paper, then groups that share a repository."""
    by_title = _groups_by_key((normalise_title(e.title), e.position) for e in entries)
    by_url = _groups_by_key(
        (paper_ids(e.paper_url).key, e.position) for e in entries if e.paper_url
    )
    labelled = [(positions, "same title") for positions in by_title.values()]
    labelled += [(positions, f"same paper URL ({key})") for key, positions in by_url.items()]
    union = _UnionFind()
    for positions, _ in labelled:
        for position in positions[1:]:
            union.union(positions[0], position)
    members: dict[int, set[int]] = defaultdict(set)
    reasons: dict[int, list[str]] = defaultdict(list)
    for positions, reason in labelled:
        root = union.find(positions[0])
        members[root].update(positions)
        reasons[root].append(reason)
    groups = [
        DuplicateGroup(DuplicateKind.SAME_PAPER, tuple(reasons[root]), tuple(sorted(positions)))
        for root, positions in members.items()
    ]
    by_repo = _groups_by_key(
        (ref.key, entry.position)
        for entry in entries
        for ref in map(repo_ref, entry.code_urls)
        if ref.github
    )
    groups += [
        DuplicateGroup(DuplicateKind.SHARED_REPO, (key,), tuple(positions))
        for key, positions in by_repo.items()
    ]
    kind_order = list(DuplicateKind)
    return tuple(sorted(groups, key=lambda group: (kind_order.index(group.kind), group.positions)))
