"""Reading list files: the I/O edge in front of the pure parser."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pipeline.core.errors import ListReadError
from pipeline.core.textfile import read_utf8_file
from pipeline.listfile.model import ListDocument
from pipeline.listfile.parser import parse_list
from pipeline.listfile.regenerate import strip_enrichment

# The largest list file read. The real list is about 20 KB and the 10,000-paper benchmark list
# 1.7 MB. Parsing costs about 0.6 s per MB and 13 bytes of memory per byte, so 16 MiB (some
# 100,000 papers) still parses in about 10 s and 220 MB, while a file far bigger than any list
# (a log, a dump, the wrong path) is refused from its size, before it is read.
MAX_LIST_BYTES = 16 * 2**20


def read_list_text(path: Path) -> str:
    """The list file's text with its line endings untouched; ListReadError names what is wrong."""
    return read_utf8_file(path, max_bytes=MAX_LIST_BYTES, kind="a Markdown file", noun="list")


def _no_entries(path: Path | str, text: str, document: ListDocument) -> ListReadError:
    """Why a file with no paper entries is not a list, in one line."""
    if not text:
        return ListReadError(f"{path}: empty file (0 bytes); a list needs at least one paper")
    if not text.strip():
        return ListReadError(
            f"{path}: only blank lines ({len(text)} characters); a list needs at least one paper"
        )
    message = (
        f"{path}: no paper entries found (no table with a title column, no list item or "
        "paragraph read as a paper)"
    )
    if document.diagnostics:
        first = document.diagnostics[0]
        more = len(document.diagnostics) - 1
        message += f"; line {first.line}: {first.severity}: {first.message}"
        message += f" (and {more} more)" if more else ""
    return ListReadError(message)


@lru_cache(maxsize=1)
def _parsed(text: str, source: str) -> ListDocument:
    """The last list parsed, kept: `awesome-enrich run` reads the list to check it before
    Prefect starts, and the flow reads it again in the same process (at 10,000 papers a parse
    is 2-3 s of CPU). parse_list is pure and its document immutable (frozen, tuples).

    A list this tool regenerated (a published list read back as tomorrow's input) is read
    without the columns and suffixes it added (`strip_enrichment`), so they are replaced
    rather than added a second time; every line keeps its number."""
    document = parse_list(text, source=source)
    stripped = strip_enrichment(document)
    return document if stripped is None else parse_list(stripped, source=source)


def parse_list_text(text: str, source: str) -> ListDocument:
    """A list's text parsed as `read_list` reads a file (its own enrichment dropped)."""
    return _parsed(text, source)


def read_list(path: Path, source: str | None = None) -> ListDocument:
    """The parsed list. A file without any paper entry (empty, blank, or prose only) raises
    ListReadError: enriching it would replace every output with nothing. `source` names the
    list in diagnostics (default: the path), such as the `github:` list a copy was read from."""
    text = read_list_text(path)
    document = _parsed(text, source or str(path))
    if not document.entries:
        raise _no_entries(source or path, text, document)
    return document
