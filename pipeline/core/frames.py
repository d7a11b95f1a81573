"""How an Arrow column loads into pandas, shared by the store and the analysts' loader."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pipeline.core.lazy import lazy_module

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa
else:
    pd = lazy_module("pandas")
    pa = lazy_module("pyarrow")


def pandas_dtype(arrow_type: pa.DataType) -> Any:
    """The pandas dtype of an Arrow column (a `types_mapper`): nullable Int64 and boolean, and
    dates as pyarrow dates, never floats around nulls or objects; None leaves pyarrow's default
    (strings, floats, timestamps)."""
    if pa.types.is_integer(arrow_type):
        return pd.Int64Dtype()
    if pa.types.is_boolean(arrow_type):
        return pd.BooleanDtype()
    if pa.types.is_date(arrow_type):
        return pd.ArrowDtype(arrow_type)
    return None
