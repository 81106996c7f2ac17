"""CSV copies of tables: formula-safe, written by Arrow's CSV writer (several times faster than
`DataFrame.to_csv` on the half-million-row tables of a large corpus), and an `.xlsx` copy of the
small ones for spreadsheet users.

**Formula-safe.** Analysts open these tables in spreadsheets, and transcript text, speaker names and
titles come from outside: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return would
run as a formula (`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`). Following OWASP's rule, such a text cell
is written with a single quote in front (`'=HYPERLINK(...)`), which spreadsheets show as text. Only
text is guarded: a number column (`-0.5`) stays a number. A text cell that itself starts with quotes
before one of those characters gets one more quote, so `read_csv` takes the guard off exactly::

    from transcripts.csvout import read_csv
    claims = read_csv("outputs/tables/claims.csv")      # the values as they were, guard removed

(`pd.read_csv` reads the same file with the guard left on: `'=1+1`.)

**Arrow and pandas write the same cells.** The files differ from `to_csv`'s only in quoting (Arrow
quotes every text value); values are written as pandas writes them: `True`/`False`, `15.0` for a
float, dates without a time when every time is midnight, empty cells for missing values. Frames with
anything else (lists, bytes, time spans, fractions of a second, duplicate or single columns) are
written by `to_csv` itself. The guard is applied before either writer sees the frame.

**Spreadsheet copies.** `write_csv(df, "x.csv")` also writes `x.xlsx` (XlsxWriter; text stored as
text, never as a formula, so no guard is needed there) when the table has at most `XLSX_MAX_ROWS`
rows; a larger table (sentences, turns and claims of a corpus) gets the CSV only, and a line says so,
since a spreadsheet copy of it would cost seconds and be too long to read. Pass `xlsx=False` for none.

    >>> import io, pandas as pd
    >>> df = pd.DataFrame({"a": [1, -2], "b": ["x, y", "=1+1"], "c": [True, False]})
    >>> buf = io.BytesIO(); write_csv(df, buf)
    >>> print(buf.getvalue().decode(), end="")
    a,b,c
    1,"x, y","True"
    -2,"'=1+1","False"
"""
from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

#: First characters that make a spreadsheet read a cell as a formula (OWASP's list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Tables longer than this get no .xlsx copy (XlsxWriter writes ~150,000 cells a second).
XLSX_MAX_ROWS = 5_000
#: Excel's longest cell; a table holding a longer text gets no .xlsx copy rather than a cut one.
XLSX_MAX_CHARS = 32_767

_NEEDS_GUARD = re.compile(r"'*[=+\-@\t\r]")
_GUARDED = re.compile(r"'+[=+\-@\t\r]")


def guard(value: str) -> str:
    """A text cell as written: a single quote in front when a spreadsheet would run it as a formula.

    >>> [guard(v) for v in ["=SUM(A1)", "-2+3", "@x", "\\tx", "Lavrov", "'=x", "'quoted", ""]]
    ["'=SUM(A1)", "'-2+3", "'@x", "'\\tx", 'Lavrov', "''=x", "'quoted", '']
    """
    return "'" + value if _NEEDS_GUARD.match(value) else value


def unguard(value: str) -> str:
    """The value `guard` was given: one leading quote taken off where `guard` added it.

    >>> [unguard(guard(v)) for v in ["=SUM(A1)", "'=x", "'quoted", "''"]]
    ['=SUM(A1)', "'=x", "'quoted", "''"]
    """
    return value[1:] if _GUARDED.match(value) else value


def guard_frame(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with every text cell (and text column name) guarded; numbers, dates and booleans as they are."""
    out = None
    for i in range(df.shape[1]):
        col = df.iloc[:, i]
        new = _guard_column(col)
        if new is not col:
            if out is None:
                out = df.copy()
            out.isetitem(i, new)
    names = [guard(c) if isinstance(c, str) else c for c in df.columns]
    if names != list(df.columns):
        out = (out if out is not None else df.copy())
        out.columns = names
    return out if out is not None else df


def _guard_column(col: pd.Series) -> pd.Series:
    if isinstance(col.dtype, pd.CategoricalDtype):
        cats = list(col.cat.categories)
        new = [guard(c) if isinstance(c, str) else c for c in cats]
        return col.cat.rename_categories(new) if new != cats else col
    if not (col.dtype == object or isinstance(col.dtype, pd.StringDtype)):
        return col
    mask = _starts_like_formula(col)
    if mask is None:
        try:
            mask = col.str.match(_NEEDS_GUARD.pattern, na=False)
        except (AttributeError, TypeError):  # an object column holding no text at all (numbers, lists, bytes)
            return col
        mask = mask.fillna(False).astype(bool)
    if not mask.any():
        return col
    col = col.copy()
    col[mask] = "'" + col[mask]
    return col


def _starts_like_formula(col: pd.Series):
    """Which cells of a column of text `guard` changes, found by Arrow in one pass (a NumPy bool array), or
    None when the column holds anything besides text and missing values (then `str.match` decides, cell
    by cell, as before). Missing values are never guarded.

    >>> _starts_like_formula(pd.Series(["=1", "a", None, "'-x", "''"])).tolist()
    [True, False, False, True, False]
    >>> _starts_like_formula(pd.Series(["=1", 2])) is None
    True
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    pattern = "^" + _NEEDS_GUARD.pattern
    if isinstance(col.dtype, pd.ArrowDtype) or getattr(col.dtype, "storage", None) in ("pyarrow", "pyarrow_numpy"):
        try:  # Arrow's own buffers (the build's text columns): no Python string is made
            found = pc.match_substring_regex(pa.chunked_array(pa.array(col)), pattern).fill_null(False)
        except (pa.ArrowException, TypeError, ValueError):
            return None
        return np.asarray(found.to_numpy(), dtype=bool)
    if not isinstance(col.dtype, pd.StringDtype) and \
            pd.api.types.infer_dtype(col, skipna=True) not in {"string", "empty"}:
        return None
    values = col.to_numpy(dtype=object, na_value=None)
    mask = np.zeros(len(values), dtype=bool)
    step = 50_000  # a slice at a time: Arrow's copy of the text stays a few megabytes, not the column's size
    for lo in range(0, len(values), step):
        try:
            part = pa.array(values[lo:lo + step], type=pa.large_string(), from_pandas=True)
        except (pa.ArrowException, TypeError, ValueError):
            return None
        found = pc.match_substring_regex(part, pattern).fill_null(False)
        mask[lo:lo + step] = found.to_numpy(zero_copy_only=False)
    return mask


def read_csv(path: str | Path | IO, **kwargs) -> pd.DataFrame:
    """A CSV written by `write_csv`, read by `pd.read_csv(path, **kwargs)` with the formula guard taken
    off every text cell and column name: the values as they were before writing.

    >>> import io, pandas as pd
    >>> buf = io.BytesIO(); write_csv(pd.DataFrame({"text": ["=1+1", "-x", "ok"], "n": [-1, 2, 3]}), buf)
    >>> _ = buf.seek(0); read_csv(buf).to_dict("list")
    {'text': ['=1+1', '-x', 'ok'], 'n': [-1, 2, 3]}
    """
    df = pd.read_csv(path, **kwargs)
    for i in range(df.shape[1]):
        col = df.iloc[:, i]
        if col.dtype == object or isinstance(col.dtype, pd.StringDtype):
            try:
                mask = col.str.match(_GUARDED.pattern, na=False).fillna(False).astype(bool)
            except (AttributeError, TypeError):
                continue
            if mask.any():
                col = col.copy()
                col[mask] = col[mask].str.slice(1)
                df.isetitem(i, col)
    df.columns = [unguard(c) if isinstance(c, str) else c for c in df.columns]
    return df


class _NotForArrow(Exception):
    """The frame holds something Arrow would write differently from pandas."""


def write_csv(df: pd.DataFrame, path: str | Path | IO[bytes], *, xlsx: bool = True,
              xlsx_max_rows: int = XLSX_MAX_ROWS, engine: str = "auto") -> None:
    """`df` as formula-safe CSV (no index) at `path`: a header as pandas writes it, then the rows via
    Arrow; frames Arrow would write differently (see the module) are written by pandas instead
    (`engine="pandas"` forces that). With `xlsx` and a file path, an `.xlsx` copy beside it for a table of
    at most `xlsx_max_rows` rows (see the module); a stale copy of a table now too long is removed."""
    if engine not in ("auto", "pandas"):
        raise ValueError(f"engine must be 'auto' or 'pandas', not {engine!r}")
    safe = guard_frame(df)
    data = _arrow_csv(safe) if engine == "auto" else None
    if data is None:
        # pandas leaves a lone CR unquoted, and every reader takes it for the end of the row: quote text then.
        quoting = csv.QUOTE_NONNUMERIC if _holds_cr(safe) else csv.QUOTE_MINIMAL
        data = safe.to_csv(index=False, quoting=quoting).encode("utf-8")
    if isinstance(path, (str, Path)):
        Path(path).write_bytes(data)
        if xlsx:
            write_xlsx(df, Path(path).with_suffix(".xlsx"), max_rows=xlsx_max_rows)
    else:
        path.write(data)


def write_csv_parts(parts: Callable[[], Iterable[pd.DataFrame]], path: str | Path, *, rows: int,
                    xlsx_max_rows: int = XLSX_MAX_ROWS) -> None:
    """`write_csv` of a table given in parts (`parts()`: frames in order, e.g. `corpus.Tables.batches`) with
    `rows` rows in all: the same file, without holding the table. A table small enough for an `.xlsx`
    copy is put together and written whole; a longer one part by part with Arrow, or, when a part is one
    Arrow would write differently from pandas (see the module), put together and written whole."""
    path = Path(path)
    if rows > xlsx_max_rows:
        tmp, whole = path.with_name(f".{path.name}.tmp"), True
        try:
            with open(tmp, "wb") as fh:
                for part in parts():
                    data = _arrow_csv(guard_frame(part))
                    if data is None:
                        whole = False
                        break
                    if fh.tell():  # the header once, at the top
                        data = data[bytes(data[:4096]).index(b"\n") + 1:]
                    fh.write(data)
            if whole:
                tmp.replace(path)
                write_xlsx(pd.DataFrame(index=range(rows)), path.with_suffix(".xlsx"), max_rows=xlsx_max_rows)
                return
        finally:
            tmp.unlink(missing_ok=True)
    write_csv(pd.concat(list(parts()), ignore_index=True), path, xlsx_max_rows=xlsx_max_rows)


def _holds_cr(df: pd.DataFrame) -> bool:
    for i in range(df.shape[1]):
        col = df.iloc[:, i]
        if isinstance(col.dtype, pd.CategoricalDtype):
            col = pd.Series(col.cat.categories)
        if col.dtype == object or isinstance(col.dtype, pd.StringDtype):
            try:
                if col.str.contains("\r", regex=False, na=False).any():
                    return True
            except (AttributeError, TypeError):
                continue
    return False


def _arrow_csv(df: pd.DataFrame) -> memoryview | None:
    """The CSV bytes written by Arrow, or None when Arrow would write the frame differently from pandas."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        table = pa.Table.from_pandas(_as_pandas_writes(df), preserve_index=False)
        body = io.BytesIO()  # written whole before the file is touched: a failure leaves no half file
        body.write(df.iloc[:0].to_csv(index=False).encode("utf-8"))
        pacsv.write_csv(table, body, pacsv.WriteOptions(include_header=False, quoting_style="needed"))
    except (_NotForArrow, pa.ArrowException, TypeError, ValueError):
        return None
    del table
    return body.getbuffer()  # the bytes as they are (no copy of a file of tens of megabytes)


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


# -- spreadsheet copies --------------------------------------------------------------------------------

def write_xlsx(df: pd.DataFrame, path: str | Path, *, max_rows: int = XLSX_MAX_ROWS) -> Path | None:
    """`df` as an Excel workbook at `path` (one sheet, header row frozen, filters on), or None with a line
    saying why not: more than `max_rows` rows, a cell longer than Excel allows, a value Excel cannot hold.
    Text is stored as text (never run as a formula); missing values are empty cells."""
    path = Path(path)
    why = None
    if len(df) > max_rows:
        why = f"{len(df):,} rows, over the {max_rows:,}-row limit for spreadsheet copies"
    else:
        try:
            columns = [_xlsx_values(df.iloc[:, i]) for i in range(df.shape[1])]
        except _NotForXlsx as exc:
            why = str(exc)
    if why is not None:
        path.unlink(missing_ok=True)  # never leave the copy of an older, shorter table beside the new CSV
        print(f"no {path.name}: {why} (the CSV holds the whole table)")
        return None
    import xlsxwriter

    tmp = path.with_name(f".{path.name}.tmp")
    book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                          "strings_to_numbers": False, "constant_memory": True,
                                          "default_date_format": "yyyy-mm-dd hh:mm:ss"})
    sheet = book.add_worksheet(path.stem[:31] or "table")
    header = [str(c) for c in df.columns]
    sheet.write_row(0, 0, header)
    for r, row in enumerate(zip(*columns), 1):
        sheet.write_row(r, 0, row)
    for i, name in enumerate(header):
        longest = max([len(name)] + [len(v) for v in columns[i][:200] if isinstance(v, str)])
        sheet.set_column(i, i, min(60, max(8, longest + 2)))
    sheet.freeze_panes(1, 0)
    if header:
        sheet.autofilter(0, 0, len(df), len(header) - 1)
    book.close()
    tmp.replace(path)
    return path


class _NotForXlsx(Exception):
    """The table holds something a spreadsheet cannot hold as it is."""


def _xlsx_values(col: pd.Series) -> list:
    """A column's values as XlsxWriter writes them: text, numbers, booleans, naive datetimes, None."""
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            col = col.dt.tz_localize(None)  # Excel has no time zones: the local time as shown in the CSV
        return [None if pd.isna(v) else v.to_pydatetime() for v in col]
    values = col.astype(object).where(col.notna(), None).tolist()
    out = []
    for v in values:
        if not (v is None or isinstance(v, (str, bool, int, float))):
            v = str(v)  # time spans, lists, decimals: as text
        if isinstance(v, float) and not math.isfinite(v):
            v = None if v != v else str(v)  # NaN: an empty cell; infinity as the CSV writes it ("inf")
        if isinstance(v, str) and len(v) > XLSX_MAX_CHARS:
            raise _NotForXlsx(f"column {col.name!r} holds a text of {len(v):,} characters, longer than a "
                              f"spreadsheet cell ({XLSX_MAX_CHARS:,})")
        out.append(v)
    return out
