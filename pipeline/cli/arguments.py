"""Defaults and argument types shared by the commands."""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from pipeline.sources.config import Settings

DEFAULT_LIST = Path("data/raw/README.md")
DEFAULT_OUT = Path("data/enriched")

# The type of `parser.add_subparsers()`, which argparse does not name publicly.
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def source_names(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = sorted(set(names) - {"s2", "arxiv", "github"})
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"{text!r}: choose from s2, arxiv, github")
    return names


def whole_number(minimum: int) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number >= {minimum}")
        return value

    return parse


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86400:  # NaN fails too
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 0 to 86400")
    return value


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date such as 2026-11-26") from None


def list_location(text: str) -> str:
    """A --list value kept as written: a path, a file:// or http(s):// URL, or a
    `github:OWNER/REPO/PATH[@REF]` list. Not a Path: Path folds a URL's `//` into one slash
    (`https:/host/list.md`), which names no file and no URL."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty list location")
    return text


@contextmanager
def local_list(location: str | Path, settings: Settings | None = None) -> Iterator[Path]:
    """The list named on the command line as a local file: a path or a file:// URL names it;
    a `github:OWNER/REPO/PATH[@REF]` list (GitHub's contents API) or an http(s) URL is fetched
    into a temporary folder, kept while in use (ListReadError when it cannot be)."""
    # Here, not at the top: fetching a list needs the HTTP stack, which `--help` and `check` of
    # a local list never load.
    from pipeline.store.locations import is_fetched_list, list_file

    text = str(location)
    if not is_fetched_list(text):
        yield list_file(text, Path())  # the file itself: nothing is fetched or written
        return
    with tempfile.TemporaryDirectory(prefix="awesome-enrich-list-") as folder:
        yield list_file(text, Path(folder), settings)
