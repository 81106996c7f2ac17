"""The filter parameters every notebook takes (`doc_ids`, `date_from`, `date_to`, `speakers`, `roles`):
each notebook runs with them under papermill, and what it writes holds only what they keep.

The corpus is the hand-written tests/fixtures/corpus_small/briefings.csv (three briefings: A on 2021-05-20,
B on 2021-06-15, C on 2021-07-01). The filter "June 2021, Jen Psaki and Brian Deese" keeps briefing B only,
and in it turn 0 (Psaki: "Supply chain problems persist. We agree.", 6 words, 2 sentences) and turn 2
(Deese: "Not yet. The supply chain takes time.", 7 words, 2 sentences); turn 1 is the press question
"Is the supply chain fixed?" that Deese answers. Psaki also speaks in A (May), which the dates leave out.
"""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from conftest import execute_notebook
from transcripts import TranscriptError, build_corpus, write_tables
from transcripts.corpus import FILTER_PARAMETERS, scope
from transcripts.paths import NOTEBOOKS_DIR

SMALL = Path(__file__).parent / "fixtures" / "corpus_small"
FILTERS = dict(date_from="2021-06-01", date_to="2021-06-30", speakers=["Jen Psaki", "Brian Deese"])
CHOSEN = {("brief_b", 0), ("brief_b", 2)}  # (doc_id, turn_index) of the turns the filter keeps
NOTEBOOKS = sorted(p.stem for p in NOTEBOOKS_DIR.glob("0*.ipynb"))


@pytest.fixture(scope="module")
def small_processed(tmp_path_factory):
    result = build_corpus(SMALL, progress=False)
    assert result.ok, result.errors
    return write_tables(result.tables, tmp_path_factory.mktemp("small_filters") / "processed")


def turn_keys(df: pd.DataFrame) -> set:
    return set(zip(df.doc_id, df.turn_index.astype(int)))


# ------------------------------------------------------------------------------------ the lib side

def test_scope_keeps_the_chosen_turns_and_their_whole_events(small_processed):
    s = scope(small_processed, **FILTERS)
    assert s.tables["documents"].doc_id.tolist() == ["brief_b"]
    assert turn_keys(s.tables["turns"]) == CHOSEN
    assert s.tables["turns"].n_words.tolist() == [6, 7]
    assert turn_keys(s.tables["sentences"]) == CHOSEN and len(s.tables["sentences"]) == 4
    assert s.events["turns"].turn_index.tolist() == [0, 1, 2]  # briefing B whole, the question included
    # Scope.involving keeps the exchanges a chosen turn takes part in
    pairs = pd.DataFrame({"doc_id": ["brief_b", "brief_b", "brief_a"], "question_turn": [1, 3, 1],
                          "answer_turns": ["2", "4; 5", "2"]})
    assert s.involving(pairs, "question_turn", "answer_turns").question_turn.tolist() == [1]


def test_scope_without_filters_is_the_whole_corpus(small_processed):
    s = scope(small_processed, doc_ids=[], date_from="", date_to="", speakers=[], roles=[])
    assert len(s.tables["documents"]) == 3 and len(s.tables["turns"]) == 8
    assert s.events is s.tables and s.description == ""


@pytest.mark.parametrize("filters, message", [
    (dict(speakers=["Jen Psak"]), "Did you mean 'Jen Psaki'"),
    (dict(speakers=["Karine Jean-Pierre"], date_to="2021-06-30"), "no turn matches the filters"),
    (dict(date_from="2021-13-01"), "date_from='2021-13-01' is not a date"),
])
def test_scope_errors_name_the_problem(small_processed, filters, message):
    with pytest.raises(TranscriptError, match=message):
        scope(small_processed, **filters)


def test_every_notebook_declares_the_same_filter_parameters():
    for name in NOTEBOOKS:
        nb = nbformat.read(NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)
        source = next(c.source for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        lines = {line.split(":")[0]: line for line in source.splitlines() if line.strip()}
        for param in FILTER_PARAMETERS:
            assert param in lines, f"{name} lacks the filter parameter {param}"
            assert "# filter:" in lines[param], f"{name}: {param} is not documented as a filter"
        assert 'out_dir: str = "outputs/scratch"' in lines["out_dir"], f"{name}: interactive runs must write to scratch"
        assert "doc_id:" not in lines and "show_rows" not in lines and "top_n_terms" not in lines


# ------------------------------------------------------------------------- each notebook, filtered

@pytest.mark.notebook
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_runs_filtered(notebook, tmp_path, small_processed):
    params = dict(FILTERS)
    processed = small_processed
    if notebook.startswith("01"):  # notebook 01 builds the whole corpus, and shows what the filters keep
        processed = tmp_path / "processed"
        params["corpus_dir"] = str(SMALL)
    out = execute_notebook(notebook, tmp_path, processed, **params)
    tables = out / "tables"
    if notebook.startswith("01"):
        assert len(pd.read_parquet(processed / "turns.parquet")) == 8  # built whole
        assert pd.read_csv(tables / "documents.csv").doc_id.tolist() == ["brief_b"]
        assert turn_keys(pd.read_csv(tables / "turns.csv")) == CHOSEN
        assert json.loads((out / "metrics" / "01_load_and_clean.json").read_text())["coverage_min"] == 1.0
    elif notebook.startswith("02"):
        stats = pd.read_csv(tables / "speaker_stats.csv").set_index("speaker")
        assert stats.n_words.to_dict() == {"Brian Deese": 7, "Jen Psaki": 6}
        pairs = pd.read_csv(tables / "qa_pairs.csv")  # the one exchange a chosen turn answers
        assert pairs[["question_turn", "answer_turn", "answered_by"]].values.tolist() == [[1, 2, "Brian Deese"]]
    elif notebook.startswith("03"):
        tags = pd.read_csv(tables / "sentence_topics.csv")
        assert len(tags) > 0 and turn_keys(tags) <= CHOSEN
        assert set(pd.read_csv(tables / "topic_timeline.csv").period) == {"2021-06"}
        assert pd.read_csv(tables / "qa_topic_shift.csv").question_turn.tolist() == [1]
    elif notebook.startswith("04"):
        scores = pd.read_csv(tables / "checkworthiness.csv")
        assert turn_keys(scores) == CHOSEN and len(scores) == 4  # every sentence of the chosen turns, no other
        assert set(pd.read_csv(tables / "claims.csv").speaker) <= {"Jen Psaki", "Brian Deese"}
    else:
        sheet = pd.read_csv(tables / "labelling_sheet.csv")
        assert turn_keys(sheet) == CHOSEN and len(sheet) == 4
