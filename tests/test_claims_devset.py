"""The hand-labelled development set (tests/fixtures/claim_devset.csv, see claim_devset.md) and the claim rules
judged on it: the set is well formed and points at real sentences of the shared corpora, and the rules reach the
issue's bars on the part they were tuned on. The held-out part is only reported (notebook 05, benchmarks/README.md);
here it is held to a floor that catches a rules file that broke, not to the bars."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from conftest import KREMLIN_DIR, WHITEHOUSE_DIR, build_subset, needs_kremlin, needs_whitehouse
from transcripts.claims import LABEL_TYPES, load_rules
from transcripts.validation import devset_scores, read_sheet

DEVSET = Path(__file__).parent / "fixtures" / "claim_devset.csv"


@pytest.fixture(scope="module")
def devset():
    return read_sheet(DEVSET)


@pytest.fixture(scope="module")
def scores(devset):
    return devset_scores(devset, load_rules()).set_index(["split", "claim_type"])


def test_the_set_is_well_formed(devset):
    assert len(devset) >= 600 and devset.sheet_id.is_unique
    assert set(devset.corpus) == {"kremlin_pages", "whitehouse_briefings"}
    # split once at random: about two thirds to tune on, a third held out, in each corpus
    share = devset.groupby("corpus").split.apply(lambda s: (s == "heldout").mean())
    assert share.between(0.25, 0.42).all(), share
    labels = {t for col in ("types", "borderline") for v in devset[col] for t in v.split(";") if t}
    assert labels == set(LABEL_TYPES)
    # a borderline type is one the labeller left out of `types`
    both = [set(t.split(";")) & set(b.split(";")) - {""} for t, b in zip(devset.types, devset.borderline)]
    assert not any(both)
    assert devset.source_path.str.startswith("../shared/corpora/").all()


def _check_against_corpus(devset, corpus: str, root: Path, tmp_path, n_docs: int):
    part = devset[devset.corpus == corpus]
    docs = sorted(part.doc_id.unique())[::max(1, len(part.doc_id.unique()) // n_docs)][:n_docs]
    # source_path is relative to the project root (../shared/corpora/...)
    files = [Path(__file__).resolve().parents[1] / p for p in part[part.doc_id.isin(docs)].source_path.unique()]
    assert all(f.is_relative_to(root.resolve()) or f.resolve().is_relative_to(root.resolve()) for f in files)
    from transcripts import load_tables
    tables = load_tables(build_subset(files, tmp_path))
    merged = part[part.doc_id.isin(docs)].merge(tables["sentences"], on=["doc_id", "turn_index", "sentence_index"],
                                                how="left", suffixes=("", "_built"))
    assert merged.text_built.notna().all(), merged[merged.text_built.isna()].sheet_id.tolist()
    assert (merged.text == merged.text_built).all()
    assert (merged.char_start == merged.char_start_built).all() and (merged.char_end == merged.char_end_built).all()


@needs_whitehouse
def test_white_house_rows_point_at_their_sentences(devset, tmp_path):
    _check_against_corpus(devset, "whitehouse_briefings", WHITEHOUSE_DIR, tmp_path, n_docs=12)


@needs_kremlin
def test_kremlin_rows_point_at_their_sentences(devset, tmp_path):
    _check_against_corpus(devset, "kremlin_pages", KREMLIN_DIR, tmp_path, n_docs=6)


def test_the_rules_meet_the_bars_on_the_tuning_part(scores):
    overall = scores.loc[("tuning", "overall")]
    print("\n" + scores.loc["tuning"][["n_labelled", "precision", "recall"]].to_string())
    assert overall.precision >= 0.85 and overall.recall >= 0.75
    per_type = scores.loc["tuning"].drop(index="overall")
    judged = per_type[per_type.n_predicted >= 5]
    assert (judged.precision >= 0.75).all(), judged[judged.precision < 0.75]


def test_the_held_out_part_is_a_floor_not_a_target(scores):
    overall = scores.loc[("heldout", "overall")]
    print("\n" + scores.loc["heldout"][["n_labelled", "precision", "recall"]].to_string())
    # far above the rules before issue 13 (precision 0.49, recall 0.56 on this part); a broken rules file
    # (a cue that stopped matching, a type that fires everywhere) falls below
    assert overall.precision >= 0.65 and overall.recall >= 0.6


# --------------------------------------------------------------------------- batch 2 (see claim_devset.md)

BATCH2 = Path(__file__).parent / "fixtures" / "claim_devset_batch2.csv"


@pytest.fixture(scope="module")
def batch2():
    return read_sheet(BATCH2)


def test_batch_two_is_well_formed_and_new(batch2, devset):
    assert len(batch2) == 120 and batch2.sheet_id.is_unique and batch2.sheet_id.str.startswith("b2-").all()
    assert batch2.corpus.value_counts().to_dict() == {"whitehouse_briefings": 70, "kremlin_pages": 50}
    assert set(batch2.split) == {"tuning", "heldout"}
    key = ["doc_id", "turn_index", "sentence_index"]
    assert batch2[key].merge(devset[key]).empty  # none of its sentences is in the first set
    both = [set(t.split(";")) & set(b.split(";")) - {""} for t, b in zip(batch2.types, batch2.borderline)]
    assert not any(both)


@needs_whitehouse
def test_batch_two_white_house_rows_point_at_their_sentences(batch2, tmp_path):
    _check_against_corpus(batch2, "whitehouse_briefings", WHITEHOUSE_DIR, tmp_path, n_docs=6)


@needs_kremlin
def test_batch_two_kremlin_rows_point_at_their_sentences(batch2, tmp_path):
    _check_against_corpus(batch2, "kremlin_pages", KREMLIN_DIR, tmp_path, n_docs=3)
