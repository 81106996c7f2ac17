"""Notebook 01 executed headlessly with papermill on the sample, in tmp_path; assertions on what it wrote."""
from __future__ import annotations

import json

import pandas as pd
import papermill as pm
import pytest

from transcripts.paths import NOTEBOOKS_DIR, RAW_DIR, KERNEL_NAME

pytestmark = pytest.mark.notebook


def test_notebook_01_on_sample(tmp_path):
    processed, out = tmp_path / "processed", tmp_path / "out"
    pm.execute_notebook(NOTEBOOKS_DIR / "01_load_and_clean.ipynb", tmp_path / "01.ipynb", kernel_name=KERNEL_NAME,
                        parameters=dict(corpus_dir=str(RAW_DIR), processed_dir=str(processed), out_dir=str(out)),
                        progress_bar=False)
    turns = pd.read_parquet(processed / "turns.parquet")
    assert len(turns) == 17
    csv_turns = pd.read_csv(out / "tables" / "turns.csv")
    assert (csv_turns.speaker.value_counts().to_dict()) == {"Sergey Lavrov": 9, "Press": 8}
    log = pd.read_csv(out / "tables" / "cleaning_log.csv", keep_default_na=False)
    assert {"title", "language links", "page boilerplate", "speaker label"} <= set(log.reason)
    metrics = json.loads((out / "metrics" / "01_load_and_clean.json").read_text())
    assert metrics["coverage_min"] == 1.0
    assert metrics["n_questions"] == 8
    assert metrics["top_speakers"]["Sergey Lavrov"]["n_turns"] == 9


def test_notebook_01_rejects_unknown_focus_doc(tmp_path):
    with pytest.raises(pm.PapermillExecutionError, match="focus_doc"):
        pm.execute_notebook(NOTEBOOKS_DIR / "01_load_and_clean.ipynb", tmp_path / "01.ipynb", kernel_name=KERNEL_NAME,
                            parameters=dict(processed_dir=str(tmp_path / "p"), out_dir=str(tmp_path / "o"),
                                            focus_doc="no_such_event"), progress_bar=False)
