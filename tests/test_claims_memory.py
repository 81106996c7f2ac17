"""Notebook 04 without the corpus in memory (issue 16): `claims_scoped.turn_sides` and `claims_scope` read the
turns and sentences a group of whole documents at a time and set the claims, scores and quantities aside on disk;
they must give what the whole-table functions give on the whole tables (notebook 04 as it was: the reference),
frame for frame, and the same CSV copies byte for byte. The corpus: the sample cut into five documents whose ids
are not in the tables' order (`test_topics_memory`'s cut), one press speaker given a side in one document only (so
that the corpus-wide side rule carries it to the others), read 7 sentences at a time (groups end inside batches)."""
from __future__ import annotations

import pandas as pd
import pytest

from conftest import WHITEHOUSE_DIR, build_subset, needs_whitehouse
from test_topics_memory import PARTS, _cut
from transcripts.build import load_tables, write_tables
from transcripts.checkworthiness import score_sentences
from transcripts.claims import (claim_ledger, extract_claims, load_rules, numeric_checks, side_table,
                                substantive)
from transcripts.claims_scoped import SHOWN, claims_scope, turn_sides
from transcripts.corpus import scope
from transcripts.csvout import write_csv
from transcripts.quantities import quantities_table

KEYS = ["doc_id", "turn_index", "sentence_index"]
LEDGER_ROLES = ("official",)


@pytest.fixture(scope="module")
def cut_processed(sample_processed, tmp_path_factory):
    tables = _cut(load_tables(sample_processed))
    turns = tables["turns"]
    press = turns.affiliation.isna() & (turns.doc_id == "a-briefing")
    tables["turns"] = turns.assign(affiliation=turns.affiliation.where(~press, "United States"))
    return write_tables(tables, tmp_path_factory.mktemp("processed_cut_claims"))


# the sentence encoder read or not, the same way in both paths (it is decided once for a scope: notebook 04's
# `claim_encoder`); the words model here, the encoder in test_claims_scope_gives_the_whole_table_results
ENCODER = False


def _whole(tables, rules, top_scores=10, encoder=ENCODER):
    """Notebook 04 as it was: the tables in memory, the whole-table functions."""
    sides = side_table(tables, rules).merge(tables["turns"][["doc_id", "turn_index", "speaker", "role"]],
                                            on=["doc_id", "turn_index"])
    claims = extract_claims(tables, rules, progress=False, workers=1, encoder=encoder)
    subst = substantive(claims)
    scores = score_sentences(tables, claims=claims, workers=1)
    quantities = quantities_table(tables, progress=False, workers=1)
    return dict(
        sides=sides, claims=claims, subst=subst, scores=scores, quantities=quantities,
        by_speaker=(sides.groupby(["speaker", "role", "side", "side_source"]).size().rename("turns").reset_index()
                    .sort_values("turns", ascending=False)),
        words=tables["turns"].groupby("speaker").n_words.sum(),
        checks=numeric_checks(tables, quantities, rules, tolerance=1.0),
        ledger=claim_ledger(subst, roles=LEDGER_ROLES),
        shown=subst.sort_values("checkworthiness", ascending=False, kind="stable").head(SHOWN),
        top=(scores.sort_values("checkworthiness", ascending=False, kind="stable").head(top_scores)
             .merge(tables["sentences"][KEYS + ["text"]], on=KEYS)
             .merge(tables["turns"][["doc_id", "turn_index", "speaker", "role"]], on=["doc_id", "turn_index"])))


def _frames(spill, doc_ids=None):
    return pd.concat(list(spill.frames(doc_ids, rows=5)), ignore_index=True)


def _reset(frame):
    return frame.reset_index(drop=True)


def _assert_same(got, sides, want, tmp_path):
    pd.testing.assert_frame_equal(_frames(got.claims), want["claims"])
    pd.testing.assert_frame_equal(_frames(got.scores, got.sentence_docs), want["scores"])
    pd.testing.assert_frame_equal(_frames(got.quantities, got.quantity_docs), want["quantities"])
    pd.testing.assert_frame_equal(got.checks, want["checks"])
    pd.testing.assert_frame_equal(claim_ledger(got.ledger_claims, roles=LEDGER_ROLES), want["ledger"])
    pd.testing.assert_frame_equal(got.substantive, _reset(want["subst"][["doc_id", "speaker", "claim_type"]]))
    pd.testing.assert_frame_equal(_reset(got.most_checkworthy), _reset(want["shown"]))
    pd.testing.assert_frame_equal(got.top_scores, want["top"])
    pd.testing.assert_frame_equal(got.first_figures, _reset(want["quantities"][~want["quantities"].is_date].head(15)))
    pd.testing.assert_frame_equal(got.quantity_kinds, want["quantities"][["kind", "is_date"]].astype({"kind": object}))
    pd.testing.assert_frame_equal(sides.by_speaker, want["by_speaker"])
    pd.testing.assert_series_equal(sides.words, want["words"])
    pd.testing.assert_series_equal(sides.sides.side_source.value_counts(), want["sides"].side_source.value_counts())
    procedural = want["claims"].claim_type.astype(str) == "procedural"
    assert (got.n_procedural, got.n_claim_sentences, got.n_figures, got.n_sentences) == (
        int(procedural.sum()), len(want["subst"][KEYS].drop_duplicates()),
        int((~want["quantities"].is_date).sum()), len(want["scores"]))
    summary = got.score_summary
    assert (len(summary), summary.checkworthiness.nunique(), summary.checkworthiness.max()) == (
        len(want["scores"]), want["scores"].checkworthiness.nunique(), want["scores"].checkworthiness.max())
    # the CSV copies written a part at a time are those of the whole tables
    for name, write in (("claims", got.write_claims), ("scores", got.write_scores),
                        ("quantities", got.write_quantities)):
        write(tmp_path / f"{name}_parts.csv")
        write_csv(want[name], tmp_path / f"{name}_whole.csv")
        assert (tmp_path / f"{name}_parts.csv").read_bytes() == (tmp_path / f"{name}_whole.csv").read_bytes(), name


@pytest.mark.parametrize("encoder", [False, True], ids=["words", "encoder"])
def test_claims_scope_gives_the_whole_table_results(cut_processed, tmp_path, encoder):
    rules = load_rules()
    want = _whole(load_tables(cut_processed), rules, encoder=encoder)
    tables = scope(cut_processed).tables
    sides = turn_sides(tables, rules, rows=2)
    got = claims_scope(tables, rules, sides, rows=7, workers=1, progress=False, ledger_roles=LEDGER_ROLES, encoder=encoder)
    assert tables.loaded == ["documents"], "a whole table was read into pandas"
    # checked by hand on the cut: the press speaker's side, given in a-briefing only, carried to the others;
    # the claims back in doc_id order (a, b, c, d, e), the scores in the tables' (e, a, d, b, c)
    assert "corpus" in set(sides.sides.side_source) and "corpus" in set(want["sides"].side_source)
    assert list(dict.fromkeys(_frames(got.claims).doc_id)) == sorted(p[0] for p in PARTS)
    assert got.sentence_docs == [p[0] for p in PARTS] and got.n_sentences == 186
    assert len(got.checks) > 0 and len(got.ledger_claims) > 0
    _assert_same(got, sides, want, tmp_path)
    claims = want["claims"]
    pd.testing.assert_frame_equal(_reset(got.claims_of(["d-briefing", "b-briefing"])),
                                  _reset(claims[claims.doc_id.isin(["b-briefing", "d-briefing"])]))


def test_the_per_document_caches_serve_the_groups_and_keep_every_document(cut_processed, tmp_path):
    rules = load_rules()
    want = _whole(load_tables(cut_processed), rules)
    cache = tmp_path / "cache"
    for rows in (7, 500):  # cold in small groups, then warm in one
        tables = scope(cut_processed).tables
        got = claims_scope(tables, rules, turn_sides(tables, rules), rows=rows, cache_dir=cache, workers=1,
                           progress=False, ledger_roles=LEDGER_ROLES, encoder=ENCODER)
        pd.testing.assert_frame_equal(_frames(got.claims), want["claims"])
        pd.testing.assert_frame_equal(_frames(got.scores, got.sentence_docs), want["scores"])
        pd.testing.assert_frame_equal(_frames(got.quantities, got.quantity_docs), want["quantities"])
    # one entry per document: pruning once at the end, not to the last group's documents
    assert len(list((cache / "analyses" / "claims").glob("*/*.pkl"))) == 5
    assert len(list((cache / "analyses" / "quantities").glob("*/*.pkl"))) == len(got.quantity_docs) > 1


def test_a_speaker_filter_gives_the_whole_table_results(cut_processed, tmp_path):
    rules = load_rules()
    in_scope = scope(cut_processed, roles=["official"])
    want = _whole(in_scope.tables, rules, top_scores=3)
    got = claims_scope(in_scope.tables, rules, turn_sides(in_scope.tables, rules), top_scores=3, workers=1,
                       progress=False, ledger_roles=LEDGER_ROLES, encoder=ENCODER)
    assert 0 < got.n_sentences < 186
    _assert_same(got, turn_sides(in_scope.tables, rules), want, tmp_path)


@needs_whitehouse
def test_white_house_briefings_give_the_whole_table_results(tmp_path):
    # six briefings with figures, speakers from the registry and from their titles, and the press; read
    # 300 sentences at a time (several groups)
    folder = WHITEHOUSE_DIR / "press-briefings"
    files = sorted(folder.glob("2021-0[3-4]/*press-briefing*.md"))[:6]
    processed = build_subset(files, tmp_path)
    rules = load_rules()
    want = _whole(load_tables(processed), rules)
    tables = scope(processed).tables
    sides = turn_sides(tables, rules, rows=100)
    got = claims_scope(tables, rules, sides, rows=300, workers=1, progress=False, ledger_roles=LEDGER_ROLES, encoder=ENCODER)
    assert tables.loaded == ["documents"] and len(got.sentence_docs) == 6
    _assert_same(got, sides, want, tmp_path)


def test_the_warm_up_fills_the_entries_claims_scope_reads(cut_processed, tmp_path):
    from transcripts.claims_scoped import fill_caches

    rules = load_rules()
    cache = tmp_path / "cache"
    fill_caches(scope(cut_processed).tables, rules, cache, rows=7, encoder=ENCODER)
    entries = {name: sorted((cache / "analyses" / name).glob("*/*.pkl")) for name in ("claims", "quantities")}
    assert len(entries["claims"]) == 5 and len(entries["quantities"]) > 1
    tables = scope(cut_processed).tables
    got = claims_scope(tables, rules, turn_sides(tables, rules), rows=50, cache_dir=cache, workers=1, progress=False,
                       encoder=ENCODER)
    assert {name: sorted((cache / "analyses" / name).glob("*/*.pkl")) for name in entries} == entries  # none new
    pd.testing.assert_frame_equal(_frames(got.claims), _whole(load_tables(cut_processed), rules)["claims"])
