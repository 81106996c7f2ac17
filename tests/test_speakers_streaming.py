"""Notebook 02's analyses without holding the corpus (issue 16): the speaker analyses read the turns and
sentences a batch of whole documents at a time (`transcripts.scan`, `analysis.speakers.streamed`) and must
give, frame for frame, what the whole-table functions give (kept as they were, the reference here).

The corpus: five White House briefings built into a processed folder whose order is the reverse of their
ids' (the analyses that sort by id must read them the other way round), read 40 rows at a time (so that
every analysis straddles many batches), and the sample (one event) for the same checks without ../shared."""
from __future__ import annotations

import pandas as pd
import pytest

from transcripts import scan
from transcripts import speakers as speech
from transcripts.analysis.speakers import streamed
from transcripts.build import load_tables
from transcripts.csvout import write_csv
from transcripts.corpus import Tables, scope

from conftest import WHITEHOUSE_DIR

SCORING = dict(prior_strength=1.0, min_count=2, max_terms=300, stopwords=True, ngrams=[1, 2])


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


@pytest.fixture(scope="module")
def briefings(tmp_path_factory):
    """Five briefings of different years (several press secretaries), built from folders named so that the
    table's order (by path) is the reverse of the order of their ids (by date)."""
    import shutil

    from transcripts import build_corpus, write_tables

    if not WHITEHOUSE_DIR.is_dir():
        pytest.skip(f"White House corpus not found at {WHITEHOUSE_DIR}")
    files = sorted((WHITEHOUSE_DIR / "press-briefings").glob("*/*.md"))
    picked = [files[i] for i in range(0, len(files), len(files) // 5)][:5]
    root = tmp_path_factory.mktemp("briefings")
    for i, f in enumerate(reversed(picked)):
        (root / "corpus" / f"part{i}").mkdir(parents=True)
        shutil.copy(f, root / "corpus" / f"part{i}" / f.name)
    result = build_corpus(root / "corpus", progress=False)
    assert result.ok, result.errors
    out = write_tables(result.tables, root / "processed")
    ids = load_tables(out)["documents"].doc_id.tolist()
    assert ids == sorted(ids, reverse=True), "the table's order should be the reverse of the ids' order"
    return out


@pytest.fixture(scope="module", params=["sample", "briefings"])
def folder(request, sample_processed, monkeypatch_module):
    monkeypatch_module.setattr(scan, "BATCH_ROWS", 40)
    if request.param == "sample":
        return sample_processed
    return request.getfixturevalue("briefings")


def _lazy(folder) -> Tables:
    tables = scope(folder).tables
    assert isinstance(tables, Tables) and tables.loaded == []
    return tables


def _keyed(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return df.sort_values(keys, kind="stable").reset_index(drop=True)


def test_batches_hold_whole_documents_in_either_order(folder):
    whole = load_tables(folder)["turns"]
    lazy = _lazy(folder)
    for order in ("file", "doc_id"):
        parts = list(scan.document_batches(lazy, "turns", ["doc_id", "turn_index", "text"], order=order))
        assert lazy.loaded == []
        ids = [set(p.doc_id) for p in parts]
        assert sum(len(i) for i in ids) == whole.doc_id.nunique(), "a document was cut between two batches"
        got = pd.concat(parts, ignore_index=True)
        expected = whole[["doc_id", "turn_index", "text"]]
        if order == "doc_id":
            expected = expected.sort_values("doc_id", kind="stable")
        pd.testing.assert_frame_equal(got, expected.reset_index(drop=True))
    if whole.doc_id.nunique() > 1:
        assert len(parts) > 1


def test_the_rows_of_some_documents_are_those_tables_of_documents_reads(folder):
    whole = load_tables(folder)["turns"]
    lazy = _lazy(folder)
    ids = whole.doc_id.drop_duplicates().tolist()
    for chosen in (ids[::2], ids[-1:], []):
        got = scan.of_documents(lazy, "turns", chosen)
        pd.testing.assert_frame_equal(got, lazy.of_documents("turns", chosen))
        pd.testing.assert_frame_equal(got, whole[whole.doc_id.isin(chosen)].reset_index(drop=True))
        pd.testing.assert_frame_equal(scan.of_documents(lazy, "turns", chosen, ["doc_id", "text"]),
                                      got[["doc_id", "text"]])
    assert lazy.loaded == []


def test_profiles_are_the_whole_table_profiles(folder, tmp_path):
    whole = load_tables(folder)
    turns, sentences = whole["turns"], whole["sentences"]
    toned = speech.sentence_tone(sentences, progress=False)
    hits = speech.marker_hits(turns)
    lazy = _lazy(folder)
    lean = lazy.lean("turns")
    for cache in (None, tmp_path / "cache", tmp_path / "cache"):  # no cache, cold cache, warm cache
        tone, tone_event = streamed.tone_totals(lazy, lean, cache_dir=cache)
        by_phrase, by_event = streamed.marker_counts(lazy, lean, cache_dir=cache)
        div, div_event = streamed.lexical_diversity(lazy, lean, window=20, cache_dir=cache)
        for per_event, d, t in ((False, div, tone), (True, div_event, tone_event)):
            expected = speech.speaker_profile(turns, sentences, per_event=per_event, window=20, toned=toned, hits=hits)
            got = streamed.speaker_profile(lean, diversity=d, hits=by_event, tone=t, per_event=per_event)
            pd.testing.assert_frame_equal(got, expected)
        top = turns.speaker.value_counts().index[:3]
        pd.testing.assert_frame_equal(speech.top_markers(by_phrase[by_phrase.speaker.isin(top)]),
                                      speech.top_markers(hits[hits.speaker.isin(top)]))
    assert lazy.loaded == [], "a whole table was read into pandas"
    assert expected.tone_mean.notna().any() and expected.mattr.notna().all()


def test_mentions_questions_and_monthly_are_the_same(folder, tmp_path):
    whole = load_tables(folder)
    turns = whole["turns"]
    lazy = _lazy(folder)
    lean = lazy.lean("turns")
    found = speech.mentions(turns)
    for cache in (None, tmp_path / "cache"):
        counts = streamed.mention_counts(lazy, lean, cache_dir=cache)
        pd.testing.assert_frame_equal(counts, found.groupby(["speaker", "entity", "type"]).n.sum().reset_index())
        words = speech.speaker_stats(turns).set_index("speaker").n_words
        pd.testing.assert_frame_equal(speech.mention_matrix(counts, top=20, words=words),
                                      speech.mention_matrix(found, top=20, words=words))
    assert len(found) > 0
    pairs = speech.qa_pairs(turns)
    pd.testing.assert_frame_equal(streamed.question_pairs(lazy), pairs)
    # without their text, then the text read again: for the rows a table shows, and for the CSV (the same bytes)
    lean_pairs = streamed.question_pairs(lazy, text=False)
    assert lean_pairs.question_text.isna().all() and len(pairs) > 6
    shown = streamed.question_text(lazy, lean_pairs, rows=6)
    pd.testing.assert_frame_equal(shown.head(6), pairs.head(6))
    assert shown.question_text.iloc[6:].isna().all()
    pd.testing.assert_frame_equal(streamed.question_text(lazy, lean_pairs), pairs)
    write_csv(pairs, tmp_path / "whole.csv")
    streamed.write_question_pairs(lazy, lean_pairs, tmp_path / "parts.csv")
    assert (tmp_path / "parts.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()
    write_csv(pairs, tmp_path / "whole.csv", xlsx_max_rows=5)  # a table too long for .xlsx: written part by part
    streamed.write_question_pairs(lazy, lean_pairs, tmp_path / "parts.csv", xlsx_max_rows=5)
    assert (tmp_path / "parts.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()
    pd.testing.assert_frame_equal(speech.monthly_activity(lean, whole["documents"]),
                                  speech.monthly_activity(turns, whole["documents"]))
    assert lazy.loaded == []


def test_distinctive_words_and_their_contexts_are_the_same(folder, tmp_path):
    whole = load_tables(folder)
    turns, sentences, documents = whole["turns"], whole["sentences"], whole["documents"]
    lazy = _lazy(folder)
    lean = lazy.lean("turns")
    named = [turns.speaker.value_counts().index[-1]]  # a speaker with few turns, named as the parameter does
    by_speaker = speech.distinctive_words(turns, top=2, groups=named, min_group_words=30, sentences=sentences,
                                          **SCORING)
    by_role = speech.press_vs_officials(turns, sentences=sentences, **SCORING)
    for cache in (None, tmp_path / "cache", tmp_path / "cache"):
        pd.testing.assert_frame_equal(streamed.distinctive_words_streamed(lazy, lean, top=2, groups=named,
                                                                          min_group_words=30, cache_dir=cache,
                                                                          **SCORING), by_speaker)
        pd.testing.assert_frame_equal(streamed.press_vs_officials_streamed(lazy, lean, cache_dir=cache, **SCORING),
                                      by_role)
    assert len(by_speaker) > 0 and (by_speaker.n == 2).any()
    picks = speech.top_terms(pd.concat([by_speaker.assign(by="speaker"), by_role.assign(by="role")]), 8)
    for by in ("speaker", "role"):
        chosen = picks[picks.by == by]
        expected = speech.keyword_in_context(sentences, turns, chosen, by=by, documents=documents, per_term=3)
        got = streamed.keywords_in_context(lazy, lean, chosen, by=by, documents=documents, per_term=3)
        assert len(expected) > 0
        pd.testing.assert_frame_equal(got, expected)
    assert lazy.loaded == []


@pytest.mark.parametrize("window", [1, 3, 7])
def test_streamed_mattr_is_mattr_of_the_whole_sequence(window):
    import numpy as np

    from transcripts.analysis.speakers.diversity import _mattr_ids

    rng = np.random.default_rng(window)
    for n in (0, 1, 2, window, window + 1, 40):
        seq = rng.integers(0, 6, n)
        cuts = sorted(rng.choice(np.arange(n + 1), size=min(n + 1, 4), replace=False).tolist()) if n else []
        m = streamed._StreamedMattr(window)
        for a, b in zip([0, *cuts], [*cuts, n]):
            m.add(seq[a:b])
        expected = _mattr_ids(seq, window)
        assert (np.isnan(expected) and np.isnan(m.value())) or m.value() == expected, (n, cuts)


def test_a_filtered_scope_gives_the_whole_table_result(folder):
    whole = load_tables(folder)
    speaker = whole["turns"].speaker.value_counts().index[0]
    chosen = scope(folder, speakers=[speaker])
    turns = chosen.tables["turns"]
    tone, _ = streamed.tone_totals(chosen.tables, turns)
    expected = speech.tone_by(speech.sentence_tone(chosen.tables["sentences"], progress=False), turns)
    pd.testing.assert_frame_equal(_keyed(tone, ["speaker"]), _keyed(expected, ["speaker"]))
    pd.testing.assert_frame_equal(streamed.question_pairs(chosen.events), speech.qa_pairs(chosen.events["turns"]))
