"""The one place that writes outputs. Every file is written atomically: to a temporary file in
the same folder, flushed to disk, then renamed over the old one, so a reader (or a crash) never
sees half a file and the previous version survives any failure before the rename.

A process killed between the temporary file and the rename (SIGKILL, OOM killer, power cut)
leaves that temporary file behind: `.<name>.<random>.tmp`, beside the file it was for. Readers
never look at it (it is hidden, and pyarrow datasets skip names starting with a dot), and the
next write of the same file removes it. That is safe because one run at a time writes an output
folder; were two runs to write one folder at once, one could remove the other's temporary file,
whose rename then fails with an OutputError (nothing is corrupted either way).
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
from pathlib import Path

from pipeline.core.errors import PipelineError


class OutputError(PipelineError):
    """An output folder or file that cannot be written."""


def _temporary_prefix(path: Path) -> str:
    return f".{path.name}."


TEMPORARY_SUFFIX = ".tmp"


def is_temporary_for(candidate: Path, path: Path) -> bool:
    """True when `candidate` is a temporary file `write_bytes_atomic(path, ...)` makes: in the
    same folder, named `.<name>.<random>.tmp` (the random part has no dot, so the temporary
    files of `papers.parquet.bak` are not taken for those of `papers.parquet`)."""
    pattern = rf"{re.escape(_temporary_prefix(path))}[^./]+{re.escape(TEMPORARY_SUFFIX)}"
    return candidate.parent == path.parent and re.fullmatch(pattern, candidate.name) is not None


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove the temporary files an interrupted write of `path` left behind; returns them."""
    removed = []
    try:
        siblings = list(path.parent.iterdir())
    except OSError:
        return []  # no folder yet, or one we cannot list: the write will say what is wrong
    for candidate in siblings:
        if candidate.name.startswith(_temporary_prefix(path)) and is_temporary_for(candidate, path):
            try:
                candidate.unlink()
            except FileNotFoundError:
                continue
            except OSError as error:
                raise OutputError(
                    f"{candidate}: cannot remove this leftover temporary file ({error.strerror})"
                ) from None
            removed.append(candidate)
    return removed


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# mkstemp creates files readable by their owner only; outputs get the usual mode (0644 under
# the common umask) so a web server or another user can read the published list.
_FILE_MODE = 0o666 & ~_current_umask()


def remove_stale_temporaries_under(folder: Path) -> list[Path]:
    """Every leftover temporary file in an output folder and its subfolders (history
    partitions, charts), for a run to sweep before it writes: a killed run's temporary file
    for a date no later run writes again would otherwise stay forever."""
    removed = []
    for candidate in folder.rglob(f".*{TEMPORARY_SUFFIX}") if folder.is_dir() else ():
        name = candidate.name.removesuffix(TEMPORARY_SUFFIX)
        target = candidate.parent / name[1:].rsplit(".", 1)[0] if "." in name[1:] else None
        if target is not None and is_temporary_for(candidate, target):
            candidate.unlink(missing_ok=True)
            removed.append(candidate)
    return removed


def check_output_folder(folder: Path) -> None:
    """Raise OutputError, with what to do, unless `folder` is (or can be made) a folder this
    process can write in. Every command calls it before starting anything slow."""
    blocker = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise OutputError(f"{blocker} is a file; give a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(prefix=".write-check-", dir=folder)
    except OSError as error:
        if error.errno in {errno.EACCES, errno.EPERM, errno.EROFS}:
            raise OutputError(
                f"{folder} is read-only ({error.strerror}); give a folder you can write in"
            ) from None
        raise OutputError(f"{folder}: cannot write here ({error.strerror})") from None
    os.close(handle)
    Path(probe).unlink(missing_ok=True)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"{path.parent}: cannot write here ({error.strerror})") from None
    remove_stale_temporaries(path)
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=_temporary_prefix(path), suffix=TEMPORARY_SUFFIX, dir=path.parent
        )
    except OSError as error:
        raise OutputError(f"{path.parent}: cannot write here ({error.strerror})") from None
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fchmod(file.fileno(), _FILE_MODE)
            os.fsync(file.fileno())
        Path(temporary).replace(path)
        _sync_folder(path.parent)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write ({error.strerror})") from None


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (after a power cut, the new file rather than the old)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # some filesystems cannot sync a folder; the rename is still atomic
    finally:
        os.close(descriptor)


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))
