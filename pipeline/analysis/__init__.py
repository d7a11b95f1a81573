"""What the data says: trends, changes since the last snapshot, the anomaly guard, citation
history planning and counting, and the charts. Pure functions over rows and DataFrames.

`load(out_dir)` (pipeline.analysis.loader) reads a finished output folder's tables as typed
DataFrames for analysis (docs/analysis.md); imported on first use, so the job's imports of this
package stay light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.analysis.loader import Tables, load

__all__ = ["Tables", "load"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from pipeline.analysis import loader

        return getattr(loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
