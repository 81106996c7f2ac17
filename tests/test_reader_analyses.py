"""Analyses that say something on a corpus of briefings (issue 14, item 5), on hand-made tables whose
expected values are worked out by hand in the comments, plus one cheap check on a White House subset:

- distinctive words with a stop-word switch (contractions and lone letters too) and pairs of words
  counted within sentences, for the top speakers and the groups the analyst names;
- discovered themes without the speakers' names, honorifics or press-room routine;
- mentions and claims per 1,000 of each speaker's words;
- long event lists spread over the whole period; prose computed from the data, escaped.
"""
from __future__ import annotations

import math

import pandas as pd
import pytest

from transcripts import narrative, speakers
from transcripts.analysis.speakers.distinctive import group_ngram_counts, is_stop_term
from transcripts.analysis.topics.themes import name_words, press_room_words
from transcripts.display import interactive, table
from transcripts.plots.claims import claims_by_speaker
from transcripts.summaries import per_1000_words, spread_events

from conftest import WHITEHOUSE_DIR, build_subset, needs_whitehouse


def _turns(rows):
    """(doc_id, speaker, role, text) rows as a turns table with word counts."""
    df = pd.DataFrame(rows, columns=["doc_id", "speaker", "role", "text"])
    df["turn_index"] = df.groupby("doc_id").cumcount()
    df["n_words"] = df.text.str.split().str.len()
    return df


# ---------------------------------------------------------------- distinctive words

def test_stop_word_switch_drops_function_words_and_their_contractions():
    turns = _turns([("d", "A", "official", "We're going to sign the treaty; the treaty matters"),
                    ("d", "B", "press", "Will you sign sanctions? You said we don't")])
    off = speakers.distinctive_words(turns, groups=["A"], min_count=1, min_group_words=1)
    on = speakers.distinctive_words(turns, groups=["A"], min_count=1, min_group_words=1, stopwords=True)
    assert {"we're", "going", "the", "to"} <= set(off.term)
    # left with the stop words out (we're, going, to, the; will, you, said, we, don't): A sign, treaty x2,
    # matters; B sign, sanctions
    assert set(on.term) == {"treaty", "sign", "matters", "sanctions"}
    assert on.set_index("term").loc["treaty", "count"] == 2
    for term in ["we're", "don't", "it's", "shouldn't", "u", "the supply", "going"]:
        assert is_stop_term(term, frozenset({"we", "do", "it", "should", "the", "going"})), term
    for term in ["russia's", "supply chain", "secretary of state", "treaty"]:
        assert not is_stop_term(term, frozenset({"we", "of", "the"})), term


def test_log_odds_after_the_stop_words_are_left_out():
    # A says "treaty treaty we", B "we sanctions". Stop words out: A = {treaty: 2} (2 words), B = {sanctions: 1}.
    # Prior: both together, p(treaty) = 2/3; a0 = 1 x min(2, 1) = 1, so a_w = 2/3 for treaty.
    # delta = ln((2 + 2/3) / (2 + 1 - 2 - 2/3)) - ln((0 + 2/3) / (1 + 1 - 0 - 2/3)) = ln 8 - ln 0.5 = 2.7726
    # var = 1 / (8/3) + 1 / (2/3) = 0.375 + 1.5 = 1.875; z = 2.7726 / sqrt(1.875) = 2.0248
    turns = _turns([("d", "A", "official", "treaty treaty we"), ("d", "B", "official", "we sanctions")])
    dw = speakers.distinctive_words(turns, groups=["A"], min_count=1, min_group_words=1, stopwords=["we"])
    row = dw.set_index("term").loc["treaty"]
    assert (row["count"], row.count_other) == (2, 0)
    assert row.log_odds == pytest.approx(math.log(8) - math.log(0.5), abs=1e-4)
    assert row.z == pytest.approx(2.0248, abs=1e-3)
    assert row.per_1k == pytest.approx(1000 * 2 / 3, abs=1e-3)  # per 1,000 of A's words, stop words included


def test_pairs_of_words_are_counted_within_sentences_only():
    sentences = pd.DataFrame({"speaker": ["A", "A", "B"],
                              "text": ["We need the supply chain.", "Supply chain costs rose.", "The supply chain"]})
    vocab, counts = group_ngram_counts(sentences, 2, stopwords=frozenset({"we", "the"}))
    # A: "supply chain" in both sentences; B once. "we need", "need the", "the supply" touch a stop word.
    assert dict(zip(vocab, counts["A"])) == {"chain costs": 1, "costs rose": 1, "supply chain": 2}
    assert dict(zip(vocab, counts["B"])) == {"chain costs": 0, "costs rose": 0, "supply chain": 1}
    # across two rows of the table (two sentences) nothing is joined
    split = pd.DataFrame({"speaker": ["A", "A"], "text": ["We need supply", "chain stores"]})
    assert "supply chain" not in set(group_ngram_counts(split, 2)[0])


def test_bigrams_scored_beside_single_words_and_need_sentences():
    turns = _turns([("d", "A", "official", "The supply chain is fine. The supply chain holds."),
                    ("d", "B", "official", "Prices rose. Prices fell.")])
    sentences = pd.DataFrame({"doc_id": "d", "turn_index": [0, 0, 1, 1], "sentence_index": [0, 1, 0, 1],
                              "text": ["The supply chain is fine.", "The supply chain holds.", "Prices rose.", "Prices fell."]})
    dw = speakers.distinctive_words(turns, groups=["A"], min_count=2, min_group_words=1, stopwords=True,
                                    ngrams=[1, 2], sentences=sentences)
    assert set(dw[dw.n == 2].term) == {"supply chain"} and set(dw[dw.n == 1].term) == {"supply", "chain", "prices"}
    assert dw["rank"].tolist() == list(range(1, len(dw) + 1))
    top = speakers.top_terms(dw, 5)  # "supply" and "chain" are said only inside "supply chain": the pair stands for them
    assert top.term.tolist() == ["supply chain"]
    with pytest.raises(Exception, match="sentences"):
        speakers.distinctive_words(turns, groups=["A"], ngrams=[1, 2])


def test_only_the_top_speakers_and_the_named_groups_are_scored():
    turns = _turns([("d", "Press", "press", "question " * 90), ("d", "Senior Administration Official", "official", "x " * 80),
                    ("d", "Jen Psaki", "official", "treaty " * 70), ("d", "John Kirby", "official", "gaza " * 60),
                    ("d", "Ned Price", "official", "visa " * 55), ("d", "Rare Guest", "official", "hello " * 5)])
    dw = speakers.distinctive_words(turns, top=2, groups=["Rare Guest"], min_count=1)
    # Press (a press speaker) and "Senior Administration Official" (an office, not a person) are passed over
    assert list(dict.fromkeys(dw.group)) == ["Jen Psaki", "John Kirby", "Rare Guest"]


# ---------------------------------------------------------------- themes

def test_theme_words_leave_out_speaker_names_honorifics_and_routine():
    assert {"president", "vice", "mr", "secretary", "follow", "quick", "little", "bit"} <= set(press_room_words())
    texts = ["Thanks, Karine.", "Karine, a follow-up.", "The price of oil rose.", "Ask Mr. Price about prices."]
    # karine: only capitalised -> a name; price: "price" once, "Price" once: half in lower case -> a word, kept
    assert name_words(["Karine Jean-Pierre", "Ned Price", "Press", "Moderator"], texts) == ["jean", "karine", "ned", "pierre"]


def test_discovered_themes_carry_no_speaker_names():
    from transcripts import topics

    subjects = ["vaccine doses shipped to states", "inflation prices gasoline costs", "ukraine weapons aid kyiv",
                "border migrants asylum processing"]
    rows = []
    for i in range(240):
        subject = subjects[i % 4]
        rows.append((f"Karine, a quick follow-up on {subject} please, Mr President", "Press"))
        rows.append((f"Psaki said the President and the vice president discussed {subject} again today", "Jen Psaki"))
    sentences = pd.DataFrame({"doc_id": "d", "turn_index": range(len(rows)), "sentence_index": 0,
                              "text": [t for t, _ in rows]})
    sentences["n_words"] = sentences.text.str.split().str.len()
    themes, _ = topics.discover_themes(sentences, pd.DataFrame(columns=["doc_id", "turn_index", "sentence_index", "topic"]),
                                       n_themes=4, speakers=["Jen Psaki", "Karine Jean-Pierre", "Press"])
    words = {w for terms in themes.top_terms for w in terms.split(", ")}
    assert not words & {"psaki", "karine", "jen", "president", "vice", "follow", "quick", "mr"}, words
    assert {"vaccine", "inflation", "ukraine", "border"} <= words
    assert {"karine", "jen", "psaki", "jean", "pierre"} <= set(themes.attrs["name_words"])
    without = topics.discover_themes(sentences, pd.DataFrame(columns=["doc_id", "turn_index", "sentence_index", "topic"]),
                                     n_themes=4)[0]
    assert "psaki" in {w for terms in without.top_terms for w in terms.split(", ")}  # control: the names do matter


# ---------------------------------------------------------------- per 1,000 words

def test_mentions_per_1000_words_of_each_speaker():
    found = pd.DataFrame({"speaker": ["A", "A", "B", "B"], "entity": ["Iran", "Iran", "Iran", "Syria"], "n": [3, 3, 2, 1]})
    m = speakers.mention_matrix(found, words=pd.Series({"A": 4000, "B": 500}), rows=["A", "B"])
    # A: 6 mentions of Iran in 4,000 words = 1.5 per 1,000; B: 2 in 500 = 4, Syria 1 in 500 = 2
    assert m.loc["A", "Iran"] == pytest.approx(1.5) and m.loc["B", "Iran"] == pytest.approx(4.0)
    assert m.loc["B", "Syria"] == pytest.approx(2.0) and m.loc["A", "Syria"] == 0
    raw = speakers.mention_matrix(found)
    assert raw.loc["A", "Iran"] == 6  # without words: counts, as before


def test_claims_per_1000_words_by_speaker():
    counts = pd.DataFrame({"numeric": [4, 0, 9], "total": [10, 3, 9]}, index=["A", "B", "C"])
    rates = per_1000_words(counts, pd.Series({"A": 2000, "B": 1500, "C": 90000}), top=2)
    # most words first: C (90,000 words: 9 claims = 0.1 per 1,000), then A (10 in 2,000 = 5)
    assert rates.index.tolist() == ["C", "A"]
    assert rates.loc["A", "total"] == pytest.approx(5.0) and rates.loc["C", "numeric"] == pytest.approx(0.1)
    claims = pd.DataFrame({"speaker": ["A"] * 3 + ["B"], "claim_type": ["numeric", "numeric", "denial", "denial"]})
    fig = claims_by_speaker(claims, words=pd.Series({"A": 1000, "B": 250}))
    bars = {tr.name: dict(zip(tr.y, tr.x)) for tr in fig.data}
    assert bars["numeric"]["A"] == pytest.approx(2.0) and bars["denial"]["B"] == pytest.approx(4.0)
    assert "per 1,000" in fig.layout.xaxis.title.text


# ---------------------------------------------------------------- events, prose, tables

def test_long_event_lists_are_spread_over_the_whole_period():
    dates = pd.date_range("2021-01-01", periods=100, freq="7D")
    docs = pd.DataFrame({"doc_id": [f"e{i:03d}" for i in range(100)], "event_date": dates})
    picked = spread_events(docs.sample(frac=1, random_state=1), 5)
    # positions 0, 24.75, 49.5, 74.25, 99 -> 0, 25, 50, 74, 99 (halves round up)
    assert picked == ["e000", "e025", "e050", "e074", "e099"]
    text = str(narrative.events_shown(docs, picked))
    assert text.startswith("The chart shows 5 of the 100 events, spread evenly over the whole period")


def test_topic_shift_lead_says_how_many_questions_could_be_compared():
    shifts = pd.DataFrame({"shift": ["stayed on topic", "widened", "changed subject", "question untagged",
                                     "answer untagged", "no answer"], "n_questions": [7416, 3153, 915, 32558, 7243, 2392]})
    text = str(narrative.shift_note(shifts, 1136))
    # 7,416 + 3,153 + 915 = 11,484 of 53,677 = 21.4 %
    assert text.startswith("Of 53,677 questions in 1,136 events, **11,484 (21 %) could be compared**")
    assert "32,558 questions name no topic" in text and "7,416 stayed on topic (65 %)" in text


def test_prose_escapes_what_comes_from_transcripts():
    profile = pd.DataFrame({"speaker": ["<script>alert(1)</script>", "B*"], "n_words": [900, 100],
                            "word_share": [0.9, 0.1], "n_docs": [1, 1]})
    text = narrative.floor_note(profile, shown=5)
    assert "<script>" not in text and "&lt;script&gt;" in text and "B\\*" in text
    assert text._repr_markdown_() == str(text)


def test_empty_tables_say_none_and_folded_tables_are_one_click_away():
    empty = pd.DataFrame(columns=["kind", "warnings"])
    assert "<table" not in table(empty)._repr_html_() and "none" in table(empty)._repr_html_()
    assert "none" in interactive(empty)._repr_html_()
    folded = table(pd.DataFrame({"a": [1]}), folded="More <rows>")._repr_html_()
    assert folded.startswith('<details class="wb-fold"><summary>More &lt;rows&gt;</summary>')


# ---------------------------------------------------------------- on White House briefings

FUNCTION_WORDS = {"i", "we", "you", "he", "she", "they", "it", "our", "us", "this", "that", "these", "the", "a", "an",
                  "is", "are", "was", "be", "been", "have", "has", "do", "does", "will", "would", "can", "could",
                  "going", "so", "to", "of", "and", "we're", "it's", "that's", "i'm", "don't", "gonna"}


@pytest.fixture(scope="module")
def wh_tables(tmp_path_factory):
    from transcripts import load_tables
    files = sorted((WHITEHOUSE_DIR / "press-briefings").rglob("*.md"))[::40]
    return load_tables(build_subset(files, tmp_path_factory.mktemp("wh_reader")))


@pytest.mark.shared
@needs_whitehouse
def test_whitehouse_spokespeople_distinctive_words_are_content_words(wh_tables):
    turns, sentences = wh_tables["turns"], wh_tables["sentences"]
    dw = speakers.distinctive_words(turns, top=3, stopwords=True, ngrams=[1, 2], sentences=sentences)
    roles = speakers.press_vs_officials(turns, stopwords=True, ngrams=[1, 2], sentences=sentences)
    top = speakers.top_terms(pd.concat([dw, roles]), 15)
    assert {"Karine Jean-Pierre vs rest", "Jen Psaki vs rest", "press vs official"} <= set(top.comparison)
    words = {w for term in top.term for w in term.split(" ")}
    assert not words & FUNCTION_WORDS, sorted(words & FUNCTION_WORDS)
    assert not any(len(w) == 1 for w in words)


@pytest.mark.shared
@needs_whitehouse
def test_whitehouse_themes_carry_no_speaker_names(wh_tables):
    from transcripts import topics

    turns, sentences = wh_tables["turns"], wh_tables["sentences"]
    tags = topics.tag_sentences(sentences, topics.load_lexicon(None))
    themes, _ = topics.discover_themes(sentences, tags, speakers=turns.speaker.unique())
    words = {w for terms in themes.top_terms for w in terms.split(", ")}
    assert not words & {"psaki", "karine", "jean", "pierre", "kirby", "jen", "president", "vice", "follow", "quick"}, words
