"""The job's steps without Prefect, and a process that SIGKILLs itself while writing outputs.

`run_steps` runs the job as the flow `enrich-awesome-list` does (both call
pipeline.job.steps.run_steps), minus Prefect. tests/endtoend/test_faults.py uses it for most
cells of its fault matrix, and runs this module's `main` in a process of its own for the
SIGKILL cells (through `main_in_child`, forked from a forkserver), or as a script:

    python -m tests.endtoend.kill_during_write --list L --out O --snapshot-date D --now T \
        --kill-after K
    python -m tests.endtoend.kill_during_write ... --kill-during K

with S2_API_URL, ARXIV_API_URL, GITHUB_API_URL (a local fake) and AWESOME_ENRICH_TIME_SCALE=0 in
the environment. `--kill-after K` kills the process right after the K-th output file was renamed
into place; `--kill-during K` kills it while it writes the K-th file's temporary file, after
half of the bytes and before the rename. Each file is reported on stdout (flushed) as
`wrote <path>` once in place, or `killing in <path>` just before the kill.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import ModuleType
from typing import IO, Any

from pipeline.analysis.guard import Rejection
from pipeline.job import outputs
from pipeline.job import steps as job
from pipeline.job.options import JobOptions, JobResult, NoPaperSource
from pipeline.sources.config import settings_from_env
from pipeline.sources.github import RepoInfo
from pipeline.sources.http import CallStats
from pipeline.store import writer
from pipeline.store.lock import output_lock


@dataclass
class StepsResult:
    """What one run of the steps did: like the flow's summary, plus the calls per API."""

    status: int  # 0, 1 or 3 as `awesome-enrich run`; 1 also when it refused (no paper source)
    refused: bool  # no paper source answered: nothing was written (NoPaperSource)
    failed: set[str]
    lines: list[str]
    calls: dict[str, CallStats]
    repos: dict[str, RepoInfo] = field(default_factory=dict)
    rejections: list[Rejection] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


def run_steps(options: JobOptions, now: datetime) -> StepsResult:
    """The job as the flow runs it (pipeline.job.steps.run_steps, the same order and decisions),
    without Prefect, under the output folder's lock as the flow holds it."""
    published: list[JobResult] = []
    with output_lock(options.out):
        try:
            result = job.run_steps(options, now, hooks=job.Hooks(publish=published.append))
        except NoPaperSource:
            [refused] = published
            return StepsResult(1, True, refused.failed, refused.lines, refused.calls)
    return StepsResult(
        result.status,
        False,
        result.failed,
        result.lines,
        result.calls,
        result.repos,
        result.rejections,
        result.written,
    )


# --- the SIGKILL harness ---------------------------------------------------------------------


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _kill() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


class _HalfWritingOs(ModuleType):
    """`os` for pipeline.store.writer, whose fdopen gives a file that writes half of the data it is
    given, syncs it to disk, and kills the process: a crash in the middle of a write."""

    def __init__(self, real: ModuleType) -> None:
        super().__init__("os")
        self._real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def fdopen(self, fd: int, mode: str = "r", *args: Any, **kwargs: Any) -> IO[bytes]:
        real = self._real

        class HalfFile:
            def __init__(self) -> None:
                self._file: IO[bytes] = real.fdopen(fd, mode, *args, **kwargs)

            def __enter__(self) -> HalfFile:
                return self

            def __exit__(self, *exc: object) -> None:
                self._file.close()

            def write(self, data: bytes) -> int:
                self._file.write(data[: len(data) // 2])
                self._file.flush()
                real.fsync(self._file.fileno())
                _kill()
                raise AssertionError("unreachable: the process was killed")

            def __getattr__(self, name: str) -> Any:
                return getattr(self._file, name)

        return HalfFile()  # type: ignore[return-value]


def install_kill(*, after: int | None = None, during: int | None = None) -> None:
    """Count the atomic writes (pipeline.store.writer.write_bytes_atomic, which every output goes
    through) and SIGKILL this process after the `after`-th or while writing the `during`-th."""
    real_write = writer.write_bytes_atomic
    written = 0

    def write_bytes_atomic(path: Path, data: bytes) -> None:
        nonlocal written
        written += 1
        if written == during:
            _say(f"killing in {path}")
            vars(writer)["os"] = _HalfWritingOs(os)
        real_write(path, data)
        _say(f"wrote {path}")
        if written == after:
            _kill()

    # Modules that imported the name (pipeline.job.outputs) get the wrapper too; write_text_atomic
    # looks it up in pipeline.store.writer, and modules imported from now on import the wrapper.
    for module in [writer, outputs, *sys.modules.values()]:
        name = getattr(module, "__name__", "")
        if name.startswith("pipeline") and vars(module).get("write_bytes_atomic") is real_write:
            vars(module)["write_bytes_atomic"] = write_bytes_atomic


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--list", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--snapshot-date", type=date.fromisoformat, required=True)
    parser.add_argument("--now", type=datetime.fromisoformat, required=True)
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--kill-after", type=int, help="kill after the K-th file is in place")
    what.add_argument("--kill-during", type=int, help="kill while writing the K-th file")
    args = parser.parse_args(argv)
    install_kill(after=args.kill_after, during=args.kill_during)
    options = JobOptions(
        args.list, args.out, settings_from_env(no_cache=True), snapshot_date=args.snapshot_date
    )
    result = run_steps(options, args.now)
    _say(f"status {result.status}")
    return 0


def main_in_child(argv: Sequence[str], env: dict[str, str], stdout: str) -> None:
    """`main` in a process forked from a forkserver that has this module (and so the pipeline)
    imported: each killed run starts in milliseconds, not after seconds of imports. Its lines
    go to the file `stdout`."""
    os.environ.update(env)
    with open(stdout, "w", encoding="utf-8") as sys.stdout:  # noqa: PTH123
        main(argv)


if __name__ == "__main__":
    sys.exit(main())
