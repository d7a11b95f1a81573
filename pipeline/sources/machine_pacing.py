"""Spacing between requests shared by every process of one user on this machine, without Prefect.

Runs against a Prefect server share its global concurrency limits (flows/limits.py). Runs
without one each start an ephemeral server on the SQLite database of their PREFECT_HOME: runs
with one PREFECT_HOME share the limits through that file, runs with different ones share
nothing. For those runs the flow adds this pacer: one file per quota (the rate limit's name:
API and credential fingerprint, never the credential) in one folder per user
(`$XDG_CACHE_HOME/awesome-enrich/pacing`, else `~/.cache/...`), holding the monotonic time of
the quota's last request start. A caller takes the file's flock(2), sleeps what remains of the
interval, writes its own start and lets go, so the processes queue on the kernel lock and the
kernel frees it however a process ends (a killed run leaves no stale lock). CLOCK_MONOTONIC is
one clock for every process of the machine; a time from before a reboot is ignored.
"""

from __future__ import annotations

import fcntl
import os
import re
import time
from pathlib import Path

from pipeline.core.errors import ConfigError

_SAFE_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


class MachinePacer:
    """`wait(quota, interval_s)`: return once `interval_s` has passed since the last start of
    a request of that quota by any process using the same folder, and record this start."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _open(self, quota: str) -> int:
        if not _SAFE_NAME.fullmatch(quota):
            raise ValueError(f"not a quota name: {quota!r}")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            return os.open(self.folder / f"{quota}.last", os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            raise ConfigError(
                f"{self.folder}: cannot keep the request spacing shared by runs without a "
                f"Prefect server here ({error.strerror}); set XDG_CACHE_HOME to a writable "
                "folder, the same for every run"
            ) from None

    def wait(self, quota: str, interval_s: float) -> float:
        """Wait for the quota's turn; return the start recorded (time.monotonic)."""
        descriptor = self._open(quota)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)  # released by close, or by the process's end
            try:
                last: float | None = float(os.pread(descriptor, 64, 0).decode("ascii"))
            except (UnicodeDecodeError, ValueError):
                last = None
            now = time.monotonic()
            if last is not None and last <= now:
                remaining = last + interval_s - now
                if remaining > 0:
                    time.sleep(remaining)
                    now = time.monotonic()
            os.ftruncate(descriptor, 0)
            os.pwrite(descriptor, repr(now).encode("ascii"), 0)
            return now
        finally:
            os.close(descriptor)
