"""Reading a UTF-8 text file with a size bound, and errors that name the line and column."""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.core.errors import ListReadError, PipelineError


def _size(count: int) -> str:
    """`16 MiB`, `50.5 MiB (52,953,088 bytes)`, `12 bytes`."""
    for unit, scale in (("MiB", 2**20), ("KiB", 2**10)):
        if count >= scale:
            short = f"{round(count / scale, 1):g} {unit}"
            return short if count % scale == 0 else f"{short} ({count:,} bytes)"
    return f"{count} bytes"


def _line_and_column(data: bytes, offset: int) -> tuple[int, int]:
    """The 1-based line and column (in characters) of a byte offset, counting LF, CRLF and CR
    line endings as the parser does."""
    before = data[:offset]
    line = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1
    start = max(before.rfind(b"\n"), before.rfind(b"\r")) + 1
    return line, len(before[start:].decode("utf-8", errors="replace")) + 1


def read_utf8_file(
    path: Path,
    *,
    max_bytes: int,
    kind: str,
    noun: str,
    error: type[PipelineError] = ListReadError,
) -> str:
    """The text of a UTF-8 file with its line endings untouched, or `error` naming the file
    (and, for bad bytes, the line and column). `kind` is what the file should be ("a Markdown
    file"), `noun` what it holds ("list"). Never reads more than `max_bytes + 1` bytes."""
    try:
        with path.open("rb") as stream:
            # The size is checked before reading, and the read is capped too: a device or a
            # file growing meanwhile (st_size 0 or stale) cannot fill memory either.
            size = os.fstat(stream.fileno()).st_size
            data = b"" if size > max_bytes else stream.read(max_bytes + 1)
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except IsADirectoryError:
        raise error(f"{path}: is a directory, not {kind}") from None
    except PermissionError:
        raise error(f"{path}: permission denied") from None
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror or exc})") from None
    if size > max_bytes or len(data) > max_bytes:
        actual = _size(size) if size > max_bytes else f"more than {_size(max_bytes)}"
        raise error(f"{path}: {actual}, over the {_size(max_bytes)} limit for {noun}s")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise error(
            f"{path}: UTF-16 text (byte order mark 0x{data[:2].hex()}); save the {noun} as UTF-8"
        )
    nul = data.find(b"\x00")
    if nul != -1:
        line, _ = _line_and_column(data, nul)
        raise error(f"{path}:{line}: binary data (NUL byte), not {kind}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_and_column(data, exc.start)
        raise error(
            f"{path}:{line}:{column}: not valid UTF-8 (byte 0x{data[exc.start]:02x}); "
            f"save the {noun} as UTF-8"
        ) from None
