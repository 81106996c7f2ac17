"""The labelling sheet drawn without holding the corpus (issue 16): `validation.labelling_sheet` on the
lazy tables of a processed folder reads the sentences' text a batch at a time, and must give the sheet
the whole-table draw gave (the draw as it was before, kept here as the reference)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from transcripts import validation
from transcripts.build import load_tables
from transcripts.corpus import Tables, scope
from transcripts.validation import ROLE_GROUPS, ROLE_SHARES, SHEET_COLUMNS, _allocate, labelling_sheet


def _whole_table_sheet(tables, *, n=300, corpus="", seed=13, rules=None, max_candidates=40_000, exclude=None):
    """`labelling_sheet` as it was before issue 16: every sentence, with its text, merged into one frame."""
    from transcripts.claims import classify, load_rules, sentence_frame, side_table

    rules = rules or load_rules()
    rng = np.random.default_rng(seed)
    sents = sentence_frame(tables)
    sents = sents.merge(tables["documents"][["doc_id", "source_path"]], on="doc_id", how="left")
    sents = sents.merge(tables["turns"][["doc_id", "turn_index", "label", "affiliation"]], on=["doc_id", "turn_index"],
                        how="left")
    if exclude is not None and len(exclude):
        key = ["doc_id", "turn_index", "sentence_index"]
        drop = sents[key].merge(exclude[key].drop_duplicates(), on=key, how="left", indicator=True)._merge == "both"
        sents = sents[~drop.to_numpy()]
    sents = sents.reset_index(drop=True)
    total = len(sents)
    pool = sents.iloc[np.sort(rng.permutation(total)[:max_candidates])].reset_index(drop=True)
    scale = total / len(pool)
    sides = side_table(tables).set_index(["doc_id", "turn_index"]).side
    pool_side = [sides.get((d, t), "") for d, t in zip(pool.doc_id, pool.turn_index)]
    predicted = [[h.claim_type for h in classify(str(t), rules, speaker_side=s)] for t, s in zip(pool.text, pool_side)]
    counts = pd.Series([t for ts in predicted for t in set(ts)]).value_counts()
    rarest = [min(set(ts), key=lambda t: (counts.get(t, 0), t)) if ts else "none" for ts in predicted]
    pool = pool.assign(_group=pool.role.map(lambda r: ROLE_GROUPS.get(str(r), "other")).to_numpy(), _type=rarest)
    shares = {g: s for g, s in ROLE_SHARES.items() if g in set(pool._group)}
    norm = sum(shares.values()) or 1.0
    picks = []
    for g, share in shares.items():
        part = pool[pool._group == g]
        strata = sorted(part._type.unique())
        sizes = part._type.value_counts().to_dict()
        quota = _allocate(round(n * share / norm), {s: sizes[s] for s in strata})
        for s in strata:
            if quota[s]:
                chosen = np.sort(rng.choice(part.index[part._type == s].to_numpy(), size=quota[s], replace=False))
                picks.append(pool.loc[chosen].assign(_stratum=f"{g}|{s}", weight=sizes[s] * scale / quota[s]))
    sheet = pd.concat(picks, ignore_index=True)
    sheet["stratum"] = sheet._stratum.map({s: f"s{i + 1:02d}" for i, s in enumerate(sorted(sheet._stratum.unique()))})
    sheet["corpus"] = corpus
    text = sents.set_index(["doc_id", "turn_index", "sentence_index"]).text
    sheet["context"] = [str(text.get((d, t, s - 1), "")) if s > 0 else ""
                        for d, t, s in zip(sheet.doc_id, sheet.turn_index, sheet.sentence_index)]
    sheet = sheet.sample(frac=1.0, random_state=int(rng.integers(1 << 31))).reset_index(drop=True)
    sheet["sheet_id"] = [f"{corpus + '-' if corpus else ''}{i + 1:04d}" for i in range(len(sheet))]
    for col in ("types", "borderline", "note"):
        sheet[col] = ""
    sheet["weight"] = sheet.weight.round(3)
    return sheet[SHEET_COLUMNS]


@pytest.fixture(scope="module")
def lazy(sample_processed, monkeypatch_module):
    """The sample's processed folder as notebook 05 opens it (nothing read yet), read 97 sentences at a
    time so that the pool and the contexts straddle batches."""
    monkeypatch_module.setattr(validation, "_BATCH_ROWS", 97)
    tables = scope(sample_processed).tables
    assert isinstance(tables, Tables) and tables.loaded == []
    return tables


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


@pytest.mark.parametrize("n,seed,max_candidates", [(60, 1, 40_000), (120, 13, 400)])
def test_the_lazy_draw_gives_the_whole_table_sheet(sample_processed, sample_tables, lazy, n, seed, max_candidates):
    whole = load_tables(sample_processed)
    expected = _whole_table_sheet(whole, n=n, seed=seed, corpus="sample", max_candidates=max_candidates)
    sheet = labelling_sheet(lazy, n=n, seed=seed, corpus="sample", max_candidates=max_candidates)
    assert lazy.loaded == [], "the draw read a whole table into pandas"
    assert len(sheet) > 20 and (sheet.context != "").any()
    pd.testing.assert_frame_equal(sheet, expected)
    # the in-memory tables (notebook 01, a filtered scope) give the same sheet
    pd.testing.assert_frame_equal(labelling_sheet(whole, n=n, seed=seed, corpus="sample", max_candidates=max_candidates),
                                  expected)
    # and the build's own tables (`BuildResult.tables`, text as Arrow strings) the sheet the old draw gave them
    pd.testing.assert_frame_equal(
        labelling_sheet(sample_tables, n=n, seed=seed, corpus="sample", max_candidates=max_candidates),
        _whole_table_sheet(sample_tables, n=n, seed=seed, corpus="sample", max_candidates=max_candidates))


def test_the_lazy_draw_leaves_out_the_excluded_sentences_as_before(sample_processed, lazy):
    whole = load_tables(sample_processed)
    first = _whole_table_sheet(whole, n=80, seed=5)
    # exclude the first draw and every sentence before a drawn one (so some contexts must come out empty)
    before = first.assign(sentence_index=first.sentence_index - 1)
    exclude = pd.concat([first, before[before.sentence_index >= 0]])[["doc_id", "turn_index", "sentence_index"]]
    expected = _whole_table_sheet(whole, n=80, seed=6, exclude=exclude)
    sheet = labelling_sheet(lazy, n=80, seed=6, exclude=exclude)
    assert lazy.loaded == []
    pd.testing.assert_frame_equal(sheet, expected)
    key = ["doc_id", "turn_index", "sentence_index"]
    assert sheet[key].merge(exclude, on=key).empty
