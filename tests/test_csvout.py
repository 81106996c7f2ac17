"""CSV copies written by Arrow read back exactly as pandas' own `to_csv` output does."""
from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from transcripts.csvout import write_csv


def _both(df: pd.DataFrame, **read) -> tuple[pd.DataFrame, pd.DataFrame]:
    ours = io.BytesIO()
    write_csv(df, ours)
    ours.seek(0)
    theirs = io.StringIO(df.to_csv(index=False))
    return pd.read_csv(ours, **read), pd.read_csv(theirs, **read)


def test_awkward_values_read_back_as_pandas_writes_them():
    df = pd.DataFrame({
        "text": ['He said "no".', "line one\nline two", "comma, inside", "", None, "Россия’s <script>", "  spaces "],
        "n": [1, 2, 3, 4, 5, 6, 7],
        "x": [15.0, 0.1, np.nan, 1e-9, 2.5e10, -0.0, 3.0],
        "flag": [True, False, True, False, True, False, True],
        "day": pd.to_datetime(["2019-12-10", None, "2020-01-01", "2021-02-03", "2022-03-04", "2023-04-05",
                               "2024-05-06"]),
        "kind": pd.Categorical(["a", "b", "a", "a", "b", "b", "a"]),
    })
    for read in ({}, {"keep_default_na": False}):
        ours, theirs = _both(df, **read)
        pd.testing.assert_frame_equal(ours, theirs)
    assert _both(df)[0].x.dtype == float  # 15.0 is not read back as an integer column


def test_times_and_time_zones():
    df = pd.DataFrame({"at": pd.to_datetime(["2019-12-11 01:08", "2020-01-01 00:00"])})
    pd.testing.assert_frame_equal(*_both(df))
    zoned = pd.DataFrame({"at": pd.to_datetime(["2019-12-11 01:08"]).tz_localize("Europe/Moscow")})
    pd.testing.assert_frame_equal(*_both(zoned))  # left to pandas: the offset is kept


def test_mixed_object_column_falls_back_to_pandas(tmp_path):
    df = pd.DataFrame({"odd": [1, "two", 3.5, None]})
    write_csv(df, tmp_path / "odd.csv")
    assert (tmp_path / "odd.csv").read_text() == df.to_csv(index=False)


@pytest.mark.parametrize("name", ["documents", "turns", "sentences", "cleaning_log"])
def test_sample_tables(sample_tables, name):
    ours, theirs = _both(sample_tables[name], keep_default_na=False)
    pd.testing.assert_frame_equal(ours, theirs)
    assert len(ours) == len(sample_tables[name])


@pytest.mark.parametrize("df", [
    pd.DataFrame({"a": pd.array([1, None, 3], dtype="Int64")}),  # one column: a missing value is not a blank line
    pd.DataFrame({"a": ["x", None, "z"]}),
    pd.DataFrame({"a": pd.to_datetime(["2020-01-01 00:00:00.5", "2020-01-02"], format="ISO8601"), "b": [1, 2]}),
    pd.DataFrame({"a": [[1, 2], [3]], "b": [1, 2]}),
    pd.DataFrame({"a": pd.to_timedelta([1, 2], unit="s"), "b": [1, 2]}),
    pd.DataFrame({"a": [b"x", b"y"], "b": [1, 2]}),
    pd.DataFrame([[1, 2], [3, 4]], columns=["a", "a"]),
    pd.DataFrame({"a": pd.array([True, None], dtype="boolean"), "b": pd.array([1.5, None], dtype="Float64")}),
])
def test_frames_arrow_would_write_differently_are_left_to_pandas(df, tmp_path):
    write_csv(df, tmp_path / "x.csv")
    assert (tmp_path / "x.csv").read_text() == df.to_csv(index=False)
