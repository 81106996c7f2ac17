"""Notebook 05 (validation) executed headlessly with papermill on the sample, in tmp_path; assertions on the
tables and metrics it wrote, and on reading back a labelling sheet filled in by hand."""
from __future__ import annotations

import json

import pandas as pd
import papermill as pm
import pytest

from conftest import execute_notebook

pytestmark = pytest.mark.notebook


def test_notebook_05_on_sample(tmp_path, sample_processed):
    out = execute_notebook("05_validation", tmp_path, sample_processed)
    tables = out / "tables"
    metrics = json.loads((out / "metrics" / "05_validation.json").read_text())
    # the development set: at least 600 sentences in two parts, figures for every type in both
    assert metrics["devset_sentences"] >= 600 and set(metrics["devset_split"]) == {"tuning", "heldout"}
    for part in ("devset_tuning", "devset_heldout"):
        assert set(metrics[part]) >= {"numeric", "factual", "position", "proposal", "commitment", "denial",
                                      "accusation", "agreement", "procedural", "overall"}
        for figures in metrics[part].values():
            if figures["precision"] is not None:  # an interval holds its point estimate
                assert figures["precision_low"] <= figures["precision"] <= figures["precision_high"]
    dev = pd.read_csv(tables / "devset_scores.csv")
    assert set(dev.split) == {"tuning", "heldout", "all"}
    # the extractor beside its cue rules alone and a second reader: the model is right more often than the rules
    comparison = pd.read_csv(tables / "devset_comparison.csv")
    # and, as the refit script measured it on the same held-out sentences, the extractor with the sentence encoder
    assert len(comparison) == 4 and comparison.sentences.iloc[0] == comparison.sentences.iloc[1] >= 700
    assert comparison.sentences.iloc[3] == comparison.sentences.iloc[0] and "encoder" in comparison.who.iloc[3]
    model, rules_alone, reader, encoder = (metrics["devset_comparison"][w] for w in comparison.who)
    assert model["precision"] > rules_alone["precision"] and reader["precision"] > model["precision"]
    assert encoder["recall"] > model["recall"] and encoder["precision"] > rules_alone["precision"]
    # the ranker's cross-validation beside the bag-of-words baseline measured in the same run
    cv = metrics["checkworthiness_cv"]
    assert cv["model"]["MAP"] >= 0.20 and cv["model"]["MAP"] > cv["bow"]["MAP"]
    assert len(pd.read_csv(tables / "checkworthiness_cv.csv")) == 19
    # every hand-worked numeric phrasing is checked as its arithmetic says
    phrasings = pd.read_csv(tables / "numeric_phrasings.csv")
    assert phrasings.ok.all(), phrasings[~phrasings.ok]
    assert metrics["numeric_phrasings_ok"] == metrics["numeric_phrasings"] == len(phrasings) >= 14
    # a labelling sheet of the sample: its sentences, no predictions on it, columns left to fill in
    sheet = pd.read_csv(tables / "labelling_sheet.csv", keep_default_na=False)
    assert 0 < len(sheet) <= 186 and metrics["labelling_sheet_rows"] == len(sheet)
    assert (sheet.types == "").all() and "predicted" not in sheet.columns
    assert sheet.doc_id.eq("mid_ru_en_2019-12-10_lavrov_pompeo_press_conference").all()


def test_notebook_05_reads_back_a_filled_in_sheet(tmp_path, sample_processed):
    # label three sentences of an exported sheet by hand and read it back: the figures are computed from
    # those labels ("We propose ..." is a proposal; "Thank you." is procedure; a question carries nothing)
    sheet = pd.DataFrame(dict(
        sheet_id=["a", "b", "c"], role="official", speaker="Sergey Lavrov", affiliation="Russia", weight=1.0,
        text=["We propose to extend the treaty without preconditions.", "Thank you.",
              "Will the treaty be extended?"],
        types=["proposal", "procedural", ""], borderline=""))
    path = tmp_path / "filled.csv"
    sheet.to_csv(path, index=False)
    out = execute_notebook("05_validation", tmp_path, sample_processed, labelled_sheet=str(path))
    mine = pd.read_csv(out / "tables" / "sheet_scores.csv").set_index("claim_type")
    assert mine.loc["proposal", "tp"] == 1 and mine.loc["proposal", "n_labelled"] == 1
    assert mine.loc["procedural", "tp"] == 1


def test_notebook_05_rejects_a_sheet_with_an_unknown_type(tmp_path, sample_processed):
    path = tmp_path / "bad.csv"
    pd.DataFrame(dict(text=["We agreed."], role=["official"], types=["rumour"])).to_csv(path, index=False)
    with pytest.raises(pm.PapermillExecutionError, match="unknown claim type"):
        execute_notebook("05_validation", tmp_path, sample_processed, labelled_sheet=str(path))
