"""The retry schedule of entries no source could place: searched again after 1, 2, 4 ...
nights, not every night (a night some source did not answer is not counted)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from pipeline.listfile.model import Entry
from pipeline.resolve.records import MatchMethod, Pin, Resolution

# Nights between searches for a title no source could place: 1, 2, 4 ... capped at a month.
RETRY_NIGHTS = (1, 2, 4, 8, 16, 30)


def waiting_entry(entry: Entry, pin: Pin | None, today: date | None) -> Resolution | None:
    """The previous run's unresolved entry, kept as it is when its next try is still ahead."""
    if pin is None or today is None or pin.match_method != MatchMethod.UNRESOLVED.value:
        return None
    if pin.next_try is None or today >= pin.next_try:
        return None
    note = (
        f"not searched tonight: unresolved {pin.tries} time{'s' if pin.tries != 1 else ''}; "
        f"next try on {pin.next_try.isoformat()}"
    )
    return Resolution(
        entry,
        pin.entry_id,
        MatchMethod.UNRESOLVED,
        notes=(note,),
        tries=pin.tries,
        next_try=pin.next_try,
    )


def backed_off(r: Resolution, pin: Pin | None, today: date | None, *, counted: bool) -> Resolution:
    """An entry searched in vain tonight: one more try counted, and the date of the next. A
    night some source did not answer is not counted: the previous count stands."""
    before = pin.tries if pin and pin.match_method == MatchMethod.UNRESOLVED.value else 0
    if today is None or not counted:
        return replace(r, tries=before)
    tries = before + 1
    wait = RETRY_NIGHTS[min(tries, len(RETRY_NIGHTS)) - 1]
    next_try = today + timedelta(days=wait)
    return replace(
        r, tries=tries, next_try=next_try, notes=(*r.notes, f"next try on {next_try.isoformat()}")
    )
