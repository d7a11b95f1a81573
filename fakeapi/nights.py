"""A script of simulated nights for `awesome-enrich demo --nights N`: the date of each night,
the list as it stands that night (a few entries added late, one removed along the way) and the
repository renamed before it. The world's counts grow by themselves with the fake's clock.

Pure: it rewrites the list's text and names the events; the demo command carries them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from fakeapi.world import World
from pipeline.listfile.identifiers import repo_ref
from pipeline.listfile.model import Entry, ListDocument

LATE_ENTRIES = 2  # entries missing from the list until a third of the way through
REMOVED_ENTRIES = 1  # entries dropped from the list two thirds of the way through


@dataclass(frozen=True)
class Night:
    day: date
    list_text: str
    renames: list[tuple[str, str]] = field(default_factory=list)  # (old, new) before this night
    added: list[str] = field(default_factory=list)  # titles that appear this night
    removed: list[str] = field(default_factory=list)  # titles gone from this night on


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _one_line(lines: list[str], entry: Entry) -> bool:
    """The entry is its source line alone (a table row, or a bullet with nothing under it), so
    dropping that line drops the entry and nothing else."""
    if entry.kind == "table":
        return True
    index = entry.line - 1
    following = lines[index + 1] if index + 1 < len(lines) else ""
    return not following.strip() or _indent(following) <= _indent(lines[index])


def _without(lines: list[str], entries: list[Entry]) -> str:
    drop = {entry.line - 1 for entry in entries}
    return "".join(line for index, line in enumerate(lines) if index not in drop)


def _github_names(entry: Entry) -> list[str]:
    return [name for url in entry.code_urls if (name := repo_ref(url).github)]


def plan_nights(
    text: str, document: ListDocument, world: World, start: date, nights: int
) -> list[Night]:
    """N nights from `start`. With two nights or more: LATE_ENTRIES entries join on the night a
    third of the way through, one repository is renamed half way, and REMOVED_ENTRIES entries
    leave two thirds of the way through (each at the second night at the earliest)."""
    if nights < 1:
        raise ValueError("at least one night")
    days = [start + timedelta(days=offset) for offset in range(nights)]
    if nights == 1:
        return [Night(days[0], text)]
    lines = text.splitlines(keepends=True)
    titles = [e.title.casefold() for e in document.entries]
    candidates = [
        e for e in document.entries if _one_line(lines, e) and titles.count(e.title.casefold()) == 1
    ]
    late = candidates[-LATE_ENTRIES:]
    middle_first = [*candidates[len(candidates) // 2 :], *candidates[: len(candidates) // 2]]
    removed = [e for e in middle_first if e not in late][:REMOVED_ENTRIES]
    moving = {e.position for e in [*late, *removed]}
    staying = {
        name.casefold()
        for e in document.entries
        if e.position not in moving
        for name in _github_names(e)
    }
    rename = next(
        (
            repo
            for repo in world.repos
            if repo.status == "ok"
            and not repo.old_names
            and not repo.archived
            and repo.full_name.casefold() in staying
        ),
        None,
    )
    add_at, rename_at, remove_at = (max(1, nights * k // 6) for k in (2, 3, 4))
    plan = []
    for index, day in enumerate(days):
        absent = [*(late if index < add_at else []), *(removed if index >= remove_at else [])]
        night = Night(day, _without(lines, absent))
        if index == add_at:
            night.added.extend(e.title for e in late)
        if index == remove_at:
            night.removed.extend(e.title for e in removed)
        if index == rename_at and rename is not None:
            owner, name = rename.full_name.split("/", 1)
            night.renames.append((rename.full_name, f"{owner}-renamed/{name}"))
        plan.append(night)
    return plan
