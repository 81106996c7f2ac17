"""Notebooks 02 and 03's word-level analyses kept in the build's cache (issue 16): the same tables with or without
the cache, computed or served from it, and a change of input or argument is a miss, never a stale result."""
from __future__ import annotations

import pandas as pd
import pytest

from transcripts import speakers as speech

SCORING = dict(prior_strength=1.0, min_count=2, max_terms=3000, stopwords=True, ngrams=[1, 2])


def _pseudo_documents(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The sample split into one pseudo-document per turn (17), so that per-document caches have documents."""
    out = {k: v.copy() for k, v in tables.items()}
    for name in ("turns", "sentences"):
        out[name]["doc_id"] = out[name].doc_id + "-" + out[name].turn_index.astype(str)
    return out


@pytest.fixture()
def split(sample_tables):
    return _pseudo_documents(sample_tables)


def _all(turns: pd.DataFrame, sentences: pd.DataFrame, cache_dir) -> dict[str, pd.DataFrame]:
    hits = speech.marker_hits(turns, cache_dir=cache_dir, workers=1)
    scoring = dict(SCORING, sentences=sentences, cache_dir=cache_dir)
    return {
        "hits": hits,
        "mentions": speech.mentions(turns, cache_dir=cache_dir, workers=1),
        "diversity": speech.lexical_diversity(turns, by=["doc_id", "speaker"], window=20, cache_dir=cache_dir),
        "profile": speech.speaker_profile(turns, sentences, window=20, hits=hits, cache_dir=cache_dir),
        "by_speaker": speech.distinctive_words(turns, top=3, min_group_words=20, **scoring),
        "by_role": speech.press_vs_officials(turns, **scoring),
    }


def test_cached_results_equal_the_computed_ones(split, tmp_path):
    turns, sentences = split["turns"], split["sentences"]
    plain = _all(turns, sentences, None)
    assert len(plain["hits"]) > 5 and len(plain["mentions"]) > 5 and plain["hits"].doc_id.nunique() > 3
    assert len(plain["by_speaker"]) > 50 and set(plain["by_role"].group) == {"press", "official"}
    assert (plain["by_speaker"].n == 2).any(), "no word pairs scored: the n-gram path is not tested"
    first = _all(turns, sentences, tmp_path)  # computed, then kept
    assert (tmp_path / "analyses" / "distinctive_words").is_dir() and (tmp_path / "analyses" / "mentions").is_dir()
    again = _all(turns, sentences, tmp_path)  # served from the cache
    for name in plain:
        pd.testing.assert_frame_equal(first[name], plain[name], check_exact=True, obj=name)
        pd.testing.assert_frame_equal(again[name], plain[name], check_exact=True, obj=name)


def test_press_and_officials_count_once_and_score_alike(split):
    """press_vs_officials counts the words of both sides once for both comparisons: each comparison is
    what distinctive_words gives for that side alone."""
    turns, sentences = split["turns"], split["sentences"]
    both = turns[turns.role.isin(["press", "official"])]
    scoring = dict(SCORING, sentences=sentences)
    together = speech.press_vs_officials(turns, **scoring)
    press = speech.distinctive_words(both, by="role", groups=["press"], against="official", **scoring)
    pd.testing.assert_frame_equal(together[together.group == "press"].reset_index(drop=True), press, check_exact=True)


def test_a_changed_turn_or_argument_is_a_miss(split, tmp_path):
    turns, sentences = split["turns"], split["sentences"]
    scoring = dict(SCORING, sentences=sentences, cache_dir=tmp_path)
    before = speech.distinctive_words(turns, top=3, min_group_words=20, **scoring)
    hits_before = speech.marker_hits(turns, cache_dir=tmp_path, workers=1)
    div_before = speech.lexical_diversity(turns, window=20, cache_dir=tmp_path)
    # one official turn now says something else (its sentences too): a hedge appears, the words change
    i = turns.index[turns.role == "official"][0]
    changed = turns.copy()
    changed.loc[i, "text"] = "Perhaps perhaps perhaps the zeppelin zeppelin zeppelin."
    key = (changed.loc[i, "doc_id"], changed.loc[i, "turn_index"])
    changed_sents = sentences.copy()
    mask = (changed_sents.doc_id == key[0]) & (changed_sents.turn_index == key[1])
    changed_sents.loc[mask, "text"] = "Perhaps perhaps perhaps the zeppelin zeppelin zeppelin."
    after = speech.distinctive_words(changed, top=3, min_group_words=20, **dict(scoring, sentences=changed_sents))
    assert "zeppelin" in set(after.term) and "zeppelin" not in set(before.term)
    expected = speech.distinctive_words(changed, top=3, min_group_words=20, **dict(SCORING, sentences=changed_sents))
    pd.testing.assert_frame_equal(after, expected, check_exact=True)
    hits_after = speech.marker_hits(changed, cache_dir=tmp_path, workers=1)
    pd.testing.assert_frame_equal(hits_after, speech.marker_hits(changed), check_exact=True)
    assert not hits_after.equals(hits_before)
    div_after = speech.lexical_diversity(changed, window=20, cache_dir=tmp_path)
    pd.testing.assert_frame_equal(div_after, speech.lexical_diversity(changed, window=20), check_exact=True)
    assert not div_after.equals(div_before)
    # an argument is part of the key: another window, another prior
    pd.testing.assert_frame_equal(speech.lexical_diversity(turns, window=7, cache_dir=tmp_path),
                                  speech.lexical_diversity(turns, window=7), check_exact=True)
    pd.testing.assert_frame_equal(
        speech.distinctive_words(turns, top=3, min_group_words=20, **dict(scoring, prior_strength=5.0)),
        speech.distinctive_words(turns, top=3, min_group_words=20,
                                 **dict(SCORING, sentences=sentences, prior_strength=5.0)),
        check_exact=True)


def test_topic_tags_and_themes_from_the_cache_equal_the_computed_ones(split, tmp_path):
    from transcripts import topics

    sentences = split["sentences"]
    lexicon = topics.load_lexicon()
    plain = topics.tag_sentences(sentences, lexicon)
    assert plain.doc_id.nunique() > 3 and len(plain) > 10
    for _ in range(2):  # computed per document and kept, then served from the cache
        cached = topics.tag_sentences(sentences, lexicon, cache_dir=tmp_path, workers=1)
        pd.testing.assert_frame_equal(cached, plain, check_exact=True)
    args = dict(n_themes=3, max_sentences=500, min_words=3, lexicon=lexicon, speakers=split["turns"].speaker.unique())
    themes, examples = topics.discover_themes(sentences, plain, **args)
    assert len(themes) == 3 and len(examples) > 0
    for _ in range(2):
        got_themes, got_examples = topics.discover_themes(sentences, plain, cache_dir=tmp_path, **args)
        pd.testing.assert_frame_equal(got_themes, themes, check_exact=True)
        pd.testing.assert_frame_equal(got_examples, examples, check_exact=True)
        assert got_themes.attrs == themes.attrs and themes.attrs.get("name_words")
    # a changed sentence is a miss: its tags and the themes are computed again
    changed = sentences.copy()
    changed.loc[changed.index[0], "text"] = "Sanctions on Iran, sanctions on Iranian oil, and NATO."
    pd.testing.assert_frame_equal(topics.tag_sentences(changed, lexicon, cache_dir=tmp_path, workers=1),
                                  topics.tag_sentences(changed, lexicon), check_exact=True)
    assert not topics.tag_sentences(changed, lexicon).equals(plain)
    again = topics.discover_themes(changed, plain, cache_dir=tmp_path, **dict(args, n_themes=2))
    pd.testing.assert_frame_equal(again[0], topics.discover_themes(changed, plain, **dict(args, n_themes=2))[0],
                                  check_exact=True)
    assert len(again[0]) == 2
