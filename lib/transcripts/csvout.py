"""CSV copies of tables, written by Arrow's CSV writer (several times faster than `DataFrame.to_csv`
on the half-million-row tables of a large corpus), read back by pandas exactly as `to_csv`'s output is.

The files differ from `to_csv`'s only in quoting (Arrow quotes every text value); values are written
as pandas writes them: `True`/`False`, `15.0` for a float, dates without a time when every time is
midnight, empty cells for missing values. Frames with anything else (lists, bytes, time spans,
fractions of a second, duplicate or single columns) are written by `to_csv` itself.

    >>> import io, pandas as pd
    >>> df = pd.DataFrame({"a": [1, 2], "b": ["x, y", None], "c": [True, False]})
    >>> buf = io.BytesIO(); write_csv(df, buf)
    >>> print(buf.getvalue().decode(), end="")
    a,b,c
    1,"x, y","True"
    2,,"False"
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import IO

import pandas as pd


class _NotForArrow(Exception):
    """The frame holds something Arrow would write differently from pandas."""


def write_csv(df: pd.DataFrame, path: str | Path | IO[bytes]) -> None:
    """`df` as CSV (no index) at `path`: a header as pandas writes it, then the rows via Arrow.
    Frames Arrow would write differently (see the module) are written by pandas instead."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        table = pa.Table.from_pandas(_as_pandas_writes(df), preserve_index=False)
        body = io.BytesIO()  # written whole before the file is touched: a failure leaves no half file
        pacsv.write_csv(table, body, pacsv.WriteOptions(include_header=False, quoting_style="needed"))
    except (_NotForArrow, pa.ArrowException, TypeError, ValueError):
        if isinstance(path, (str, Path)):
            df.to_csv(path, index=False)
        else:
            path.write(df.to_csv(index=False).encode("utf-8"))
        return
    data = df.iloc[:0].to_csv(index=False).encode("utf-8") + body.getvalue()
    if isinstance(path, (str, Path)):
        Path(path).write_bytes(data)
    else:
        path.write(data)


def _as_pandas_writes(df: pd.DataFrame) -> pd.DataFrame:
    """Booleans as True/False, floats and dates as pandas prints them, so the file reads back the same."""
    if len(df.columns) < 2 or df.columns.has_duplicates:  # one column: a missing value would be a blank line
        raise _NotForArrow("shape")
    out = {}
    for name in df.columns:
        col = df[name]
        dtype = col.dtype
        if pd.api.types.is_bool_dtype(dtype) and not pd.api.types.is_extension_array_dtype(dtype):
            out[name] = col.map({True: "True", False: "False"})
        elif pd.api.types.is_float_dtype(dtype) and not pd.api.types.is_extension_array_dtype(dtype):
            out[name] = col.astype(str).where(col.notna(), None)  # 15.0 stays 15.0 (Arrow would write 15)
        elif pd.api.types.is_integer_dtype(dtype) and not pd.api.types.is_extension_array_dtype(dtype):
            pass
        elif isinstance(dtype, pd.DatetimeTZDtype) or not (
                pd.api.types.is_datetime64_any_dtype(dtype) or _is_text(col)):
            raise _NotForArrow(str(dtype))
        elif pd.api.types.is_datetime64_any_dtype(dtype):
            present = col.dropna()
            if (present == present.dt.normalize()).all():
                out[name] = col.dt.strftime("%Y-%m-%d")
            elif ((present.dt.microsecond == 0) & (present.dt.nanosecond == 0)).all():
                out[name] = col.dt.strftime("%Y-%m-%d %H:%M:%S")
            else:
                raise _NotForArrow("fractions of a second")
    return df.assign(**out) if out else df


def _is_text(col: pd.Series) -> bool:
    """Strings (or nothing) only: object, string or categorical-of-strings columns."""
    values = col.cat.categories if isinstance(col.dtype, pd.CategoricalDtype) else col
    if isinstance(values.dtype, pd.StringDtype):
        return True
    return pd.api.types.infer_dtype(values, skipna=True) in {"string", "empty"}
