"""Lanes: one thread per API, so each API's requests go one after another while the APIs run
side by side (issue 15). Plain `concurrent.futures`, with the caller's context carried along."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def lane(name: str) -> ThreadPoolExecutor:
    """One API's lane: a single thread, so its work runs one item after another, in order."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)


def submit_in_context(
    executor: ThreadPoolExecutor, function: Callable[..., T], *args: Any
) -> Future[T]:
    """`executor.submit`, run in a copy of the caller's context: a Prefect task's run context
    (which its logger and the shared rate limits read) is the lane's too. One copy per call:
    a context cannot be entered by two threads at once."""
    return executor.submit(contextvars.copy_context().run, function, *args)
