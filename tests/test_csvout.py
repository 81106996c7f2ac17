"""CSV copies: written by Arrow, read back exactly as pandas' own `to_csv` output does; formula-safe; .xlsx copies."""
from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transcripts.csvout import read_csv, write_csv, write_xlsx


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


# -- formula-safe CSV (issue 17 item 4) ----------------------------------------------------------------

HOSTILE = pd.DataFrame({
    "speaker": ['=HYPERLINK("http://evil.example", "Lavrov")', "+cmd", "@SUM(A1)", "Sergey Lavrov", "-", "'=x"],
    "text": ["=cmd|' /C calc'!A0", "-2+3", "\tTab first", "\rCR first", "'quoted", "Plain, text"],
    "n": [-1, 2, -3, 4, 5, -6],
    "x": [-0.5, 1.5, np.nan, -2.0, 0.0, 3.25],
    "kind": pd.Categorical(["=a", "b", "=a", "b", "b", "b"]),
})
# Each cell as it must be written, by hand from OWASP's rule: a quote in front of text starting with
# = + - @ TAB CR (and one more in front of text that already starts with quotes before one of them).
HOSTILE_WRITTEN = [
    ["speaker", "text", "n", "x", "kind"],
    ['\'=HYPERLINK("http://evil.example", "Lavrov")', "'=cmd|' /C calc'!A0", "-1", "-0.5", "'=a"],
    ["'+cmd", "'-2+3", "2", "1.5", "b"],
    ["'@SUM(A1)", "'\tTab first", "-3", "", "'=a"],
    ["Sergey Lavrov", "'\rCR first", "4", "-2.0", "b"],
    ["'-", "'quoted", "5", "0.0", "b"],
    ["''=x", "Plain, text", "-6", "3.25", "b"],
]


def _cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


@pytest.mark.parametrize("engine", ["auto", "pandas"])
def test_text_cells_that_would_run_as_formulas_are_guarded(engine):
    buf = io.BytesIO()
    write_csv(HOSTILE, buf, engine=engine)
    assert _cells(buf.getvalue()) == HOSTILE_WRITTEN


def test_arrow_and_pandas_write_the_same_cells():
    frames = [HOSTILE, HOSTILE.assign(day=pd.to_datetime(["2019-12-10"] * 6), flag=[True, False] * 3)]
    for df in frames:
        arrow, pandas = io.BytesIO(), io.BytesIO()
        write_csv(df, arrow)
        write_csv(df, pandas, engine="pandas")
        assert arrow.getvalue() != pandas.getvalue()  # the Arrow path really ran (it quotes every text value)
        assert _cells(arrow.getvalue()) == _cells(pandas.getvalue())


def test_read_csv_takes_the_guard_off():
    buf = io.BytesIO()
    write_csv(HOSTILE, buf)
    buf.seek(0)
    back = read_csv(buf, keep_default_na=False, dtype={"speaker": str, "text": str, "kind": str})
    assert back.speaker.tolist() == HOSTILE.speaker.tolist() and back.text.tolist() == HOSTILE.text.tolist()
    assert back.n.tolist() == HOSTILE.n.tolist()  # numbers read back as numbers, negative ones too
    assert back.kind.tolist() == HOSTILE.kind.astype(str).tolist()
    buf.seek(0)
    assert pd.read_csv(buf).speaker.iloc[0].startswith("'=HYPERLINK")  # plain pandas sees the guard


def test_column_names_are_guarded_too():
    df = pd.DataFrame({"=1+1": ["a", "b"], "ok": [1, 2]})
    buf = io.BytesIO()
    write_csv(df, buf)
    assert _cells(buf.getvalue())[0] == ["'=1+1", "ok"]
    buf.seek(0)
    assert read_csv(buf).columns.tolist() == ["=1+1", "ok"]


@settings(max_examples=100, deadline=None)
@given(values=st.lists(st.text(alphabet=st.sampled_from(list("=+-@\t\r'\"ab ,\n1")), max_size=8), min_size=1,
                       max_size=10), engine=st.sampled_from(["auto", "pandas"]))
def test_any_text_round_trips_and_no_cell_starts_a_formula(values, engine):
    df = pd.DataFrame({"text": values, "n": range(len(values))})
    buf = io.BytesIO()
    write_csv(df, buf, engine=engine)
    rows = _cells(buf.getvalue())
    assert not [c for row in rows for c in row if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    buf.seek(0)
    back = read_csv(buf, dtype={"text": str}, keep_default_na=False)
    assert back.text.tolist() == values


def test_notebooks_write_csv_only_through_write_csv():
    import json

    from transcripts.paths import NOTEBOOKS_DIR
    offenders = []
    for nb in sorted(NOTEBOOKS_DIR.glob("*.ipynb")):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "code" and ".to_csv(" in source:
                offenders.append(nb.name)
    assert offenders == [], "use transcripts.csvout.write_csv (formula-safe) instead of DataFrame.to_csv"


# -- spreadsheet copies ----------------------------------------------------------------------------------

def _sheet(path) -> list[list[tuple[str, str]]]:
    """The cells of an .xlsx file's first sheet, row by row: (type, value); type "f" would be a formula."""
    import zipfile
    from xml.etree import ElementTree

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(path) as z:
        root = ElementTree.fromstring(z.read("xl/worksheets/sheet1.xml"))
        shared = [] if "xl/sharedStrings.xml" not in z.namelist() else [
            "".join(t.text or "" for t in si.iter(f"{{{ns['m']}}}t"))
            for si in ElementTree.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns)]
    rows = []
    for row in root.find("m:sheetData", ns).findall("m:row", ns):
        cells = []
        for c in row.findall("m:c", ns):
            kind = "f" if c.find("m:f", ns) is not None else c.get("t", "n")
            if kind == "inlineStr":
                value = "".join(t.text or "" for t in c.iter(f"{{{ns['m']}}}t"))
            elif kind == "s":
                value = shared[int(c.find("m:v", ns).text)]
            else:
                v = c.find("m:v", ns)
                value = v.text if v is not None else ""
            cells.append(("str" if kind in ("inlineStr", "s", "str") else kind, value))
        rows.append(cells)
    return rows


def test_small_tables_get_an_xlsx_copy_holding_text_as_text(tmp_path):
    write_csv(HOSTILE, tmp_path / "t.csv")
    rows = _sheet(tmp_path / "t.xlsx")
    assert rows[0] == [("str", name) for name in HOSTILE.columns]
    assert rows[1] == [("str", HOSTILE.speaker[0]), ("str", "=cmd|' /C calc'!A0"), ("n", "-1"), ("n", "-0.5"),
                       ("str", "=a")]  # the values themselves, stored as text: no formula, no guard needed
    assert [kind for kind, _ in rows[3]] == ["str", "str", "n", "str"]  # NaN in x: no cell, so "kind" is 4th
    assert all(kind in ("str", "n") for row in rows for kind, _ in row)
    assert (tmp_path / "t.csv").exists() and not list(tmp_path.glob(".*tmp"))


def test_large_tables_get_no_xlsx_copy_and_say_so(tmp_path, capsys):
    df = pd.DataFrame({"text": ["a", "b", "c", "d"], "n": [1, 2, 3, 4]})
    write_csv(df.head(3), tmp_path / "t.csv", xlsx_max_rows=3)
    assert (tmp_path / "t.xlsx").exists()
    write_csv(df, tmp_path / "t.csv", xlsx_max_rows=3)  # the table grew: the old copy must go
    assert not (tmp_path / "t.xlsx").exists()
    assert "no t.xlsx: 4 rows, over the 3-row limit for spreadsheet copies" in capsys.readouterr().out
    long = pd.DataFrame({"text": ["x" * 40_000], "n": [1]})
    write_csv(long, tmp_path / "long.csv")
    assert not (tmp_path / "long.xlsx").exists()
    assert "longer than a spreadsheet cell (32,767)" in capsys.readouterr().out
    write_csv(df, tmp_path / "none.csv", xlsx=False)
    assert not (tmp_path / "none.xlsx").exists() and (tmp_path / "none.csv").exists()


def test_xlsx_copy_of_dates_missing_values_and_odd_types(tmp_path):
    df = pd.DataFrame({"day": pd.to_datetime(["2019-12-10 01:08", None]).tz_localize("Europe/Moscow"),
                       "span": pd.to_timedelta([1, 2], unit="s"), "items": [[1, 2], None], "x": [np.inf, np.nan]})
    path = write_xlsx(df, tmp_path / "odd.xlsx")
    rows = _sheet(path)
    assert path == tmp_path / "odd.xlsx"
    # 2019-12-10 01:08 as an Excel serial day (43809 is 2019-12-10; 68/1440 of a day), the time zone dropped
    assert rows[1][0][0] == "n" and abs(float(rows[1][0][1]) - (43809 + 68 / 1440)) < 1e-6
    assert rows[1][1] == ("str", "0 days 00:00:01") and rows[1][2] == ("str", "[1, 2]")
    assert rows[1][3] == ("str", "inf")  # as the CSV has it: no formula, no error value
    assert len(rows[2]) == 1 and rows[2][0] == ("str", "0 days 00:00:02")  # missing values: no cell at all
