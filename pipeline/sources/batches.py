"""Getting past one item an API keeps failing on: a failing batch asked again in halves."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pipeline.core.errors import ApiError, is_server_error

T = TypeVar("T")
R = TypeVar("R")


def split_failing_batch(
    items: list[T], ask: Callable[[list[T]], R], error: ApiError, *, answered: bool
) -> list[tuple[list[T], R | None]]:
    """A batch that failed with 5xx, undecodable bodies or "too much" (`error`), asked again
    in halves, recursively, each half with a short fuse: the parts in order with their answers,
    None for a single item that still fails alone. Raises `error` (an outage) when nothing has
    answered (`answered` covers earlier batches) and the halves' failures make the API out
    (gates.OUTAGE_AFTER requests in a row): the API is down, not one item. A half that fails
    otherwise (one transient fault, a "too much" answer) is split further."""
    halves = (items[: len(items) // 2], items[len(items) // 2 :])
    outcomes: list[R | None] = []
    for half in halves:
        try:
            outcomes.append(ask(half))
            answered = True
        except ApiError as half_error:
            if not is_server_error(half_error):
                raise
            if half_error.outage and not answered:
                error.outage = True
                raise error from None
            outcomes.append(None)
    parts: list[tuple[list[T], R | None]] = []
    for half, outcome in zip(halves, outcomes, strict=True):
        if outcome is None and len(half) > 1:
            parts += split_failing_batch(half, ask, error, answered=answered)
        else:
            parts.append((half, outcome))
    return parts
