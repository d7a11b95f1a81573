"""When the GitHub lane may start asking: once a paper source has answered.

GitHub runs alongside paper resolution (issue 15), but a run in which neither S2 nor arXiv
answers writes nothing, so GitHub's quota (60 requests an hour without a token) is not spent
on it: the GitHub lane waits until S2 or arXiv first answers (usually the first request, well
under a second), and gives up when the paper step ends without any answer.

A run with a deadline (`run --deadline`) writes what it has when the deadline comes, GitHub's
answers included, so its GitHub lane starts at once: a paper source that hangs does not hold
it (issue 23).
"""

from __future__ import annotations

import threading


class PaperSignal:
    """Set by the paper step (`answered`, `finished`), awaited by the GitHub lane (`wait`)."""

    def __init__(self) -> None:
        self._decided = threading.Event()
        self._lock = threading.Lock()
        self._go = False

    def answered(self) -> None:
        """S2 or arXiv answered: the run will write, GitHub may go."""
        with self._lock:
            if not self._decided.is_set():
                self._go = True
                self._decided.set()

    def finished(self, *, any_answer: bool) -> None:
        """The paper step is over (or failed): decide now if nothing has yet."""
        with self._lock:
            if not self._decided.is_set():
                self._go = any_answer
                self._decided.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until decided; True when GitHub should be asked."""
        self._decided.wait(timeout)
        with self._lock:
            return self._go
