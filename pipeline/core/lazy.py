"""Heavy libraries imported on first use, not when a module that may use them is imported.

pandas, pyarrow and numpy cost about 0.6 s of CPU to import; `awesome-enrich --help`, `check`
and `doctor` never use them, yet the modules they import do (the table readers beside the list
reader, the job's options beside its summary). A module writes

    if TYPE_CHECKING:
        import pandas as pd
    else:
        pd = lazy_module("pandas")

and uses `pd.DataFrame` as before: the first attribute read imports pandas (and keeps the value,
so later reads are a plain attribute lookup); type checkers see the real module.
tests/cli/test_lazy_imports.py checks which commands stay without them.
"""

from __future__ import annotations

import importlib
from typing import Any


class LazyModule:
    """Stands for the module `name` until an attribute is read, then imports it."""

    def __init__(self, name: str) -> None:
        self._lazy_name = name

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__"):
            raise AttributeError(attribute)  # copy, pickle and repr probes: not the module's
        value = getattr(importlib.import_module(self._lazy_name), attribute)
        setattr(self, attribute, value)
        return value

    def __repr__(self) -> str:
        return f"<lazy module {self._lazy_name!r}>"


def lazy_module(name: str) -> Any:
    """A stand-in for `import name` that imports it on first use."""
    return LazyModule(name)
