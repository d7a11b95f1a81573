"""Progress of long steps: a bar on a terminal, log lines (every 10%) otherwise."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class ProgressReporter:
    """Call with (label, done, total, found) as work advances, from any thread (the S2 and
    arXiv lanes both report title searches): one report at a time. A line says what was
    found, not only what was tried: `title searches: 28 of 56 done; resolved 3 so far`."""

    def __init__(self, log: Callable[[str], None], *, terminal: bool) -> None:
        self._log = log
        self._terminal = terminal
        self._bar: Any = None
        self._task: Any = None
        self._logged_step: dict[str, int] = {}
        self._lock = threading.Lock()

    def __call__(self, label: str, done: int, total: int, found: int) -> None:
        if total <= 0:
            return
        with self._lock:
            self._report(label, done, total, found)

    def _report(self, label: str, done: int, total: int, found: int) -> None:
        if self._terminal:
            self._update_bar(f"{label} (resolved {found})", done, total)
            return
        step = done * 10 // total
        if step > self._logged_step.get(label, -1) or done == total:
            self._logged_step[label] = step
            self._log(f"{label}: {done} of {total} done; resolved {found} so far")

    def _update_bar(self, label: str, done: int, total: int) -> None:
        from rich.progress import Progress

        if self._bar is None:
            self._bar = Progress(transient=True)
            self._bar.start()
            self._task = self._bar.add_task(label, total=total)
        self._bar.update(self._task, completed=done, total=total, description=label)
        if done >= total:
            self._bar.stop()
            self._bar = None
