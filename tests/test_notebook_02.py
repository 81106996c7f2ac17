"""Notebook 02 executed headlessly with papermill, on the sample and on a White House subset, in tmp_path;
assertions on the tables and metrics it wrote."""
from __future__ import annotations

import json

import pandas as pd
import papermill as pm
import pytest

from conftest import WHITEHOUSE_DIR, build_subset, execute_notebook, needs_whitehouse

pytestmark = pytest.mark.notebook


def run_notebook(tmp_path, processed, **params):
    return execute_notebook("02_speaker_statistics", tmp_path, processed, **params)


def test_notebook_02_on_sample(tmp_path, sample_processed):
    out = run_notebook(tmp_path, sample_processed)
    tables = out / "tables"
    stats = pd.read_csv(tables / "speaker_stats.csv").set_index("speaker")
    # The sample's ground truth, counted by hand (see tests/test_speakers.py): 9 turns for Lavrov,
    # 8 press questions, Lavrov's share of the words about 0.91.
    assert {"role", "n_turns", "n_words", "word_share", "mattr", "hedging_per_1k", "tone_mean"} <= set(stats.columns)
    assert stats.loc["Sergey Lavrov", "n_turns"] == 9 and stats.loc["Press", "n_turns"] == 8
    assert 0.90 < stats.loc["Sergey Lavrov", "word_share"] < 0.92

    pairs = pd.read_csv(tables / "qa_pairs.csv")
    assert {"question_turn", "answer_turn", "addressee", "answered_by"} <= set(pairs.columns)
    assert len(pairs) == 8
    to_pompeo = pairs[pairs.addressee == "Michael Pompeo"]
    assert len(to_pompeo) == 2 and (to_pompeo.answered_by != "Michael Pompeo").all()
    assert (to_pompeo.status == "addressee's answer not in transcript").all()

    dw = pd.read_csv(tables / "distinctive_words.csv")
    assert {"group", "term", "count", "log_odds", "z"} <= set(dw.columns)
    # the officials with most words (Lavrov; the press is compared as a role, not as a person) and both roles
    assert set(dw.comparison) == {"Sergey Lavrov vs rest", "press vs official", "official vs press"}
    assert (dw["rank"] <= 100).all()
    kwic = pd.read_csv(tables / "keyword_in_context.csv")
    assert len(kwic) > 0 and kwic.apply(lambda r: r.keyword.lower() == r.term.lower(), axis=1).all()

    metrics = json.loads((out / "metrics" / "02_speaker_statistics.json").read_text())
    assert metrics["n_questions"] == 8 and metrics["n_questions_addressee_answer_absent"] == 2
    assert metrics["turns"] == {"Sergey Lavrov": 9, "Press": 8}


def test_notebook_02_rejects_unknown_doc_id(tmp_path, sample_processed):
    with pytest.raises(pm.PapermillExecutionError, match="no_such_event"):
        run_notebook(tmp_path, sample_processed, doc_ids=["no_such_event"])


@pytest.fixture(scope="module")
def whitehouse_subset(tmp_path_factory):
    """About two dozen briefings spread over 2021-2025 (every 48th file), built into processed tables."""
    files = sorted((WHITEHOUSE_DIR / "press-briefings").rglob("*.md"))[::48]
    return build_subset(files, tmp_path_factory.mktemp("wh")), len(files)


@pytest.mark.shared
@needs_whitehouse
def test_notebook_02_on_whitehouse_subset(tmp_path, whitehouse_subset):
    processed, n_files = whitehouse_subset
    out = run_notebook(tmp_path, processed)
    tables = out / "tables"
    stats = pd.read_csv(tables / "speaker_stats.csv").set_index("speaker")
    assert {"Jen Psaki", "Karine Jean-Pierre", "Press"} <= set(stats.index)
    assert stats.word_share.sum() == pytest.approx(1.0)
    assert stats.loc["Press", "n_questions"] == stats.loc["Press", "n_turns"]

    pairs = pd.read_csv(tables / "qa_pairs.csv")
    # every press turn is a question; a named reporter read as another role may ask one more (1 in this subset)
    assert (pairs.asker == "Press").sum() == stats.loc["Press", "n_turns"]
    assert len(pairs) - stats.loc["Press", "n_turns"] <= 0.01 * len(pairs)
    answered = pairs.dropna(subset=["answered_by"])
    assert len(answered) > 0.8 * len(pairs)
    assert not answered.answered_by.isin(["Press"]).any()

    monthly = pd.read_csv(tables / "monthly_activity.csv", parse_dates=["month"])
    # The subset spans four years: several months, and both press secretaries appear in it.
    assert monthly.month.nunique() >= 10
    psaki = monthly[monthly.speaker == "Jen Psaki"].month
    kjp = monthly[monthly.speaker == "Karine Jean-Pierre"].month
    assert psaki.min() < pd.Timestamp("2022-06-01") and psaki.max() < pd.Timestamp("2022-06-01")  # Psaki left May 2022
    assert kjp.max() > pd.Timestamp("2023-01-01")
    assert not monthly.speaker.str.contains("Official").any()

    dw = pd.read_csv(tables / "distinctive_words.csv")
    assert "press vs official" in set(dw.comparison) and "Jen Psaki vs rest" in set(dw.comparison)
    metrics = json.loads((out / "metrics" / "02_speaker_statistics.json").read_text())
    assert metrics["n_documents"] == n_files
