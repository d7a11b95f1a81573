"""A script of simulated nights for `awesome-enrich demo --nights N`: the date of each night,
the list as it stands that night (a few entries added late, one removed along the way) and the
repository renamed before it. The world's counts grow by themselves with the fake's clock.

Pure: it rewrites the list's text (dropping the lines that write chosen records' titles) and
names the events; the demo command carries them out. It never parses the list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from fakeapi.description import PaperRecord
from fakeapi.text import title_key
from fakeapi.world import World

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


def _line_of(lines: list[str], record: PaperRecord) -> int | None:
    """The index of the one line that writes the record's title, if exactly one does."""
    written = record.as_written
    found = [index for index, line in enumerate(lines) if written in line]
    return found[0] if len(found) == 1 else None


def _one_line(lines: list[str], index: int) -> bool:
    """The entry is its source line alone (a table row, or a bullet with nothing under it), so
    dropping that line drops the entry and nothing else."""
    if lines[index].lstrip().startswith("|"):
        return True
    following = lines[index + 1] if index + 1 < len(lines) else ""
    return not following.strip() or _indent(following) <= _indent(lines[index])


def _without(lines: list[str], drop: set[int]) -> str:
    return "".join(line for index, line in enumerate(lines) if index not in drop)


def plan_nights(
    text: str, records: Sequence[PaperRecord], world: World, start: date, nights: int
) -> list[Night]:
    """N nights from `start`, for a list and its records (one per entry, in list order; the
    world description's). With two nights or more: LATE_ENTRIES entries join on the night a
    third of the way through, one repository is renamed half way, and REMOVED_ENTRIES entries
    leave two thirds of the way through (each at the second night at the earliest). Entries
    are found by their written title on a line of their own: nothing parses the list."""
    if nights < 1:
        raise ValueError("at least one night")
    days = [start + timedelta(days=offset) for offset in range(nights)]
    if nights == 1:
        return [Night(days[0], text)]
    lines = text.splitlines(keepends=True)
    titles = [title_key(r.title) for r in records]
    line_of = {index: _line_of(lines, record) for index, record in enumerate(records)}
    candidates = [
        index
        for index, line in line_of.items()
        if line is not None and _one_line(lines, line) and titles.count(titles[index]) == 1
    ]
    late = candidates[-LATE_ENTRIES:]
    middle_first = [*candidates[len(candidates) // 2 :], *candidates[: len(candidates) // 2]]
    removed = [index for index in middle_first if index not in late][:REMOVED_ENTRIES]
    moving = {*late, *removed}
    staying = {
        name.casefold()
        for index, record in enumerate(records)
        if index not in moving
        for name in record.repos
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
        dropped = {line for i in absent if (line := line_of[i]) is not None}
        night = Night(day, _without(lines, dropped))
        if index == add_at:
            night.added.extend(records[i].title for i in late)
        if index == remove_at:
            night.removed.extend(records[i].title for i in removed)
        if index == rename_at and rename is not None:
            owner, name = rename.full_name.split("/", 1)
            night.renames.append((rename.full_name, f"{owner}-renamed/{name}"))
        plan.append(night)
    return plan
