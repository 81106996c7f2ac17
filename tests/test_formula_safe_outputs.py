"""End to end (issue 17 item 4): a corpus whose speakers, titles and text are spreadsheet formulas goes
through notebook 01; no cell of any CSV it writes starts with = + - @ TAB or CR, `read_csv` gives the
values back, and the .xlsx copies hold them as text."""
from __future__ import annotations

import csv
import io

import pandas as pd
import papermill as pm
import pytest

from transcripts.csvout import read_csv
from transcripts.paths import KERNEL_NAME, NOTEBOOKS_DIR

pytestmark = pytest.mark.notebook

HOSTILE = ('doc_id,speaker,text,title\n'
           'd1,"=HYPERLINK(""http://evil.example"", ""Lavrov"")","=cmd|\' /C calc\'!A0 is what we said.",+Talks\n'
           'd1,Question,"@SUM(1+1) Why?",\n'
           'd1,Sergey Lavrov,"-2+3 is the answer.\n\n+1 more.",\n')


def test_notebook_01_writes_no_cell_a_spreadsheet_would_run(tmp_path):
    corpus, processed, out = tmp_path / "corpus", tmp_path / "processed", tmp_path / "out"
    corpus.mkdir()
    (corpus / "hostile.csv").write_text(HOSTILE, encoding="utf-8")
    pm.execute_notebook(NOTEBOOKS_DIR / "01_load_and_clean.ipynb", tmp_path / "01.ipynb", kernel_name=KERNEL_NAME,
                        parameters=dict(corpus_dir=str(corpus), processed_dir=str(processed), out_dir=str(out)),
                        progress_bar=False)  # the notebook itself asserts full coverage of the raw file
    tables = sorted((out / "tables").glob("*.csv"))
    assert {"cleaning_log", "documents", "sentences", "turns"} <= {p.stem for p in tables}  # and the warnings
    for path in tables:
        cells = [c for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")) for c in row]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], path.name
        assert path.with_suffix(".xlsx").exists()
    turns = read_csv(out / "tables" / "turns.csv")
    assert turns.speaker.tolist()[0] == '=HYPERLINK("http://evil.example", "Lavrov")'
    assert turns.text.tolist() == ["=cmd|' /C calc'!A0 is what we said.", "@SUM(1+1) Why?",
                                   "-2+3 is the answer.\n\n+1 more."]
    assert read_csv(out / "tables" / "documents.csv").title.tolist() == ["+Talks"]
    assert pd.read_parquet(processed / "turns.parquet").text.tolist() == turns.text.tolist()
