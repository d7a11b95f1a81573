"""Spacing between request sends shared by every process of one user on this machine.

Runs against a Prefect server share its global concurrency limits (flows/limits.py). Runs
without one each start an ephemeral server on the SQLite database of their PREFECT_HOME: runs
with one PREFECT_HOME share the limits through that file, runs with different ones share
nothing. And a Prefect slot spaces the server's *grants*, not the sends: the grant's answer
travels back through the client's event loop before the request leaves, and under load two runs'
grants one interval apart became sends a few milliseconds apart (docs/many-lists.md). So every
request, after its slot, also passes this pacer just before it is sent: one file per quota (the
rate limit's name: API and credential fingerprint, never the credential) in one folder per user
(`$XDG_CACHE_HOME/awesome-enrich/pacing`, else `~/.cache/...`), holding the monotonic time of
the quota's last request start. A caller takes the file's flock(2), sleeps what remains of the
interval, writes its own start and lets go, so the processes queue on the kernel lock and the
kernel frees it however a process ends (a killed run leaves no stale lock). CLOCK_MONOTONIC is
one clock for every process of the machine; a time from before a reboot is ignored.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import time
from pathlib import Path

from pipeline.core.errors import ConfigError

log = logging.getLogger("pipeline.sources.http")  # with the other pacing messages
_SAFE_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


class MachinePacer:
    """`wait(quota, interval_s)`: return once `interval_s` has passed since the last start of
    a request of that quota by any process using the same folder, and record this start.

    `required`: an unwritable folder is a ConfigError (runs without a Prefect server, for which
    this pacer is the only spacing across PREFECT_HOMEs); else it is logged once and the pacer
    lets requests through (runs against a server, whose limits still space the grants)."""

    def __init__(self, folder: Path, *, required: bool = True) -> None:
        self.folder = folder
        self.required = required
        self._unusable = False

    def _open(self, quota: str) -> int | None:
        if not _SAFE_NAME.fullmatch(quota):
            raise ValueError(f"not a quota name: {quota!r}")
        if self._unusable:
            return None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            return os.open(self.folder / f"{quota}.last", os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            if self.required:
                raise ConfigError(
                    f"{self.folder}: cannot keep the request spacing shared by runs without a "
                    f"Prefect server here ({error.strerror}); set XDG_CACHE_HOME to a writable "
                    "folder, the same for every run"
                ) from None
            self._unusable = True
            log.warning(
                "%s: cannot keep the request spacing shared by this machine's runs here (%s); "
                "the Prefect server's limits alone space the requests (set XDG_CACHE_HOME to a "
                "writable folder)",
                self.folder,
                error.strerror,
            )
            return None

    def wait(self, quota: str, interval_s: float) -> float:
        """Wait for the quota's turn; return the start recorded (time.monotonic)."""
        descriptor = self._open(quota)
        if descriptor is None:
            return time.monotonic()
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
            try:
                os.ftruncate(descriptor, 0)
                os.pwrite(descriptor, repr(now).encode("ascii"), 0)
            except OSError as error:  # a full or read-only disk: as an unusable folder
                if self.required:
                    raise ConfigError(
                        f"{self.folder}: cannot record the request spacing ({error.strerror})"
                    ) from None
            return now
        finally:
            os.close(descriptor)
