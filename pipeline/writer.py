"""The one place that writes outputs. Every file is written atomically: to a temporary file in
the same folder, flushed to disk, then renamed over the old one, so a reader (or a crash) never
sees half a file and the previous version survives any failure before the rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pipeline.errors import PipelineError


class OutputError(PipelineError):
    """An output folder or file that cannot be written."""


def write_bytes_atomic(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
    except OSError as error:
        raise OutputError(f"{path.parent}: cannot write here ({error.strerror})") from None
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        Path(temporary).replace(path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write ({error.strerror})") from None


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))
