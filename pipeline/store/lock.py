"""One run at a time per output folder: an exclusive lock on `<folder>/.awesome-enrich.lock`.

The lock is an flock(2) on the open file, so the kernel releases it when the process ends,
however it ends (a SIGKILLed run leaves no stale lock). The file holds the owner's pid and start
time, only to say who holds it.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pipeline.store.writer import OutputError, check_output_folder

LOCK_NAME = ".awesome-enrich.lock"
POLL_S = 0.5


class LockedError(OutputError):
    """Another run holds the output folder."""


def _open(folder: Path) -> int:
    check_output_folder(folder)
    try:
        return os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise OutputError(f"{folder}: cannot write here ({error.strerror})") from None


def _holder(descriptor: int) -> str:
    try:
        text = os.pread(descriptor, 200, 0).decode("utf-8", "replace").strip()
    except OSError:
        return ""
    return f" ({text})" if text else ""


@contextmanager
def output_lock(folder: Path, wait_s: float = 0.0) -> Iterator[None]:
    """Hold the folder's lock for the block; wait up to `wait_s` for another run to finish,
    then raise LockedError naming the holder."""
    descriptor = _open(folder)
    deadline = time.monotonic() + wait_s
    try:
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    waited = f" after waiting {wait_s:g} s" if wait_s else ""
                    raise LockedError(
                        f"{folder}: another run is writing here{_holder(descriptor)}{waited}; "
                        "try again when it has finished"
                    ) from None
                time.sleep(POLL_S)
        started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"pid {os.getpid()}, started {started}\n".encode(), 0)
        yield
    finally:
        os.close(descriptor)  # closing the descriptor releases the lock


def check_unlocked(folder: Path) -> None:
    """Raise now (LockedError, or OutputError when the folder is not writable) rather than
    after a slow start-up, if a run could not take the folder's lock."""
    with output_lock(folder):
        pass
