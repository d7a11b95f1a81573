"""Reading list files: the I/O edge in front of the pure parser."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import ListReadError
from pipeline.model import ListDocument
from pipeline.parser import parse_list


def read_list_text(path: Path) -> str:
    """The file's text with its line endings untouched; ListReadError names what is wrong."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ListReadError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ListReadError(f"{path}: is a directory, not a Markdown file") from None
    except PermissionError:
        raise ListReadError(f"{path}: permission denied") from None
    except OSError as error:
        raise ListReadError(f"{path}: cannot read ({error.strerror})") from None
    nul = data.find(b"\x00")
    if nul != -1:
        line = data.count(b"\n", 0, nul) + 1
        raise ListReadError(f"{path}:{line}: binary data (NUL byte), not a Markdown file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise ListReadError(
            f"{path}:{line}:{column}: not valid UTF-8 (byte 0x{data[error.start]:02x}); "
            "save the list as UTF-8"
        ) from None


def read_list(path: Path) -> ListDocument:
    return parse_list(read_list_text(path), source=str(path))
