"""Pure batching helpers."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")


def chunked(items: Sequence[T], size: int) -> Iterator[list[T]]:
    """Consecutive slices of at most `size` items, in order; none for an empty sequence."""
    if size < 1:
        raise ValueError(f"chunk size must be at least 1, not {size}")
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def unique(items: Sequence[T]) -> list[T]:
    """The items without repeats, in first-seen order."""
    return list(dict.fromkeys(items))
