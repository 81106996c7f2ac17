"""Speaker statistics (`transcripts.speakers`): the sample's hand-counted ground truth, the log-odds and
MATTR against small examples worked by hand, and hand-made tables for the edge cases."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from transcripts import speakers as sp
from transcripts.clean import count_words
from transcripts.errors import TranscriptError
from transcripts.plots import speakers as plots

POMPEO = "Michael Pompeo"
LAVROV = "Sergey Lavrov"


def make_turns(rows: list[tuple], doc_id: str = "d1") -> pd.DataFrame:
    """A turns table from (speaker, role, text[, addressee]) tuples, with the contract's columns."""
    recs = []
    for i, row in enumerate(rows):
        speaker, role, text, *rest = row
        recs.append(dict(doc_id=doc_id, turn_index=i, speaker=speaker, role=role, addressee=rest[0] if rest else None,
                         stage_note=None, label=speaker, text=text, char_start=0, char_end=0,
                         n_words=count_words(text),
                         n_sentences=1, is_question=role == "press"))
    return pd.DataFrame(recs)


# --------------------------------------------------------------------------- the sample, by hand

def test_sample_turns_and_questions(sample_tables):
    # Counted by hand in the transcript: Lavrov's opening statement and 8 answers (9 turns);
    # 8 questions from the press; 2 of them put to Michael Pompeo.
    stats = sp.speaker_stats(sample_tables["turns"]).set_index("speaker")
    assert stats.loc[LAVROV, "n_turns"] == 9 and stats.loc[LAVROV, "role"] == "official"
    assert stats.loc["Press", "n_turns"] == 8 and stats.loc["Press", "n_questions"] == 8
    assert stats.loc[LAVROV, "n_questions"] == 0
    assert stats.word_share.sum() == pytest.approx(1.0)


def test_sample_word_share(sample_tables):
    # word_share counts words with count_words over each turn's text (the turns' n_words).
    # Hand check: the press's eight questions are short, one or a few sentences each (the shortest,
    # "Is there any progress on establishing a Russian-American business council?", is 10 words by hand:
    # "Russian-American" is one word), about 40 words on average, ~320 in all, against Lavrov's
    # ~2,000-word opening statement plus eight answers: 3,370 / 3,689 ≈ 0.91.
    turns = sample_tables["turns"]
    q13 = turns[turns.text.str.startswith("Is there any progress")]
    assert q13.n_words.tolist() == [10]
    stats = sp.speaker_stats(turns).set_index("speaker")
    assert 0.90 < stats.loc[LAVROV, "word_share"] < 0.92
    assert stats.loc["Press", "n_words"] == turns[turns.role == "press"].n_words.sum()
    # A cruder count (whitespace-separated tokens) gives the same picture, so the share is not an
    # artefact of the word pattern.
    tokens = turns.assign(n=turns.text.str.split().str.len()).groupby("speaker").n.sum()
    assert 0.90 < tokens[LAVROV] / tokens.sum() < 0.92


def test_sample_turn_lengths(sample_tables):
    stats = sp.speaker_stats(sample_tables["turns"]).set_index("speaker")
    lavrov = sample_tables["turns"].query("speaker == @LAVROV").n_words
    # The longest turn is the opening statement, more than half of all Lavrov's words.
    assert stats.loc[LAVROV, "longest_turn_words"] == lavrov.iloc[0] > lavrov.sum() / 2
    assert stats.loc[LAVROV, "mean_turn_words"] == pytest.approx(lavrov.sum() / 9, abs=0.05)


def test_sample_per_event_shares_match_corpus(sample_tables):
    per_event = sp.speaker_stats(sample_tables["turns"], per_event=True)
    assert len(per_event) == 2 and per_event.n_docs.eq(1).all()
    assert per_event.word_share.sum() == pytest.approx(1.0)


def test_sample_qa_pairs_never_invent_pompeos_answer(sample_tables):
    pairs = sp.qa_pairs(sample_tables["turns"])
    # By hand: questions are turns 1, 3, …, 15, each followed directly by Lavrov.
    assert pairs.question_turn.tolist() == [1, 3, 5, 7, 9, 11, 13, 15]
    assert (pairs.answer_turn == pairs.question_turn + 1).all()
    assert set(pairs.answered_by) == {LAVROV}
    to_pompeo = pairs[pairs.addressee == POMPEO]
    assert to_pompeo.question_turn.tolist() == [1, 9]
    assert (to_pompeo.status == "addressee's answer not in transcript").all()
    assert not to_pompeo.addressee_answered.any()
    assert to_pompeo.answer_stage_note.str.contains("after Michael Pompeo").all()
    assert (pairs.answered_by != POMPEO).all()
    assert pairs[pairs.addressee.isna()].status.eq("answered").all()


def test_sample_addressees(sample_tables):
    table = sp.addressees(sp.qa_pairs(sample_tables["turns"])).set_index("addressee")
    assert table.loc[POMPEO, "n_questions"] == 2
    assert table.loc[POMPEO, "answered_by_addressee"] == 0 and table.loc[POMPEO, "answer_absent"] == 2
    assert table.loc["(nobody named)", "n_questions"] == 6


def test_sample_keyword_in_context(sample_tables):
    # By hand: the press names Paul Whelan twice, both in the question of turn 3.
    picks = pd.DataFrame({"group": ["Press"], "term": ["whelan"]})
    kwic = sp.keyword_in_context(sample_tables["sentences"], sample_tables["turns"], picks,
                                 documents=sample_tables["documents"], per_term=5)
    assert len(kwic) == 2
    assert set(kwic.speaker) == {"Press"} and set(kwic.turn_index) == {3} and set(kwic.keyword) == {"Whelan"}
    assert kwic.sentence.str.contains("Paul Whelan").all()
    assert kwic.event_date.dt.strftime("%Y-%m-%d").eq("2019-12-10").all()


def test_sample_distinctive_words_two_sides_mirror(sample_tables):
    # With two speakers, "Press vs rest" and "Lavrov vs rest" compare the same two groups: every
    # term's log-odds and z change sign and nothing else.
    dw = sp.distinctive_words(sample_tables["turns"], min_count=3)
    press = dw[dw.group == "Press"].set_index("term")
    lavrov = dw[dw.group == LAVROV].set_index("term")
    assert len(press) == len(lavrov) > 50
    both = press.join(lavrov, rsuffix="_l")
    assert (both.z + both.z_l).abs().max() < 1e-2
    assert ((both["count"] + both.count_other) >= 3).all()
    # Press vs officials is the same comparison here (Lavrov is the only official).
    roles = sp.press_vs_officials(sample_tables["turns"]).query("group == 'press'").set_index("term")
    assert roles.z.to_dict() == press.z.to_dict()


# ---------------------------------------------------------------------- Fightin' Words, by hand

@pytest.mark.parametrize("a, b, term, log_odds, z", [
    # Case 1: A = {x: 3, y: 1}, B = {x: 1, y: 3}; n_a = n_b = 4. Prior strength 1: a_0 = min(4, 4) = 4;
    # prior shares from A+B: x 4/8, y 4/8, so a_x = a_y = 2.
    #   delta_x = ln((3+2)/(4+4-3-2)) - ln((1+2)/(4+4-1-2)) = ln(5/3) - ln(3/5) = 2 ln(5/3) = 1.021651
    #   var_x = 1/5 + 1/3 = 0.533333; z = 1.021651 / 0.730297 = 1.398950
    ({"x": 3, "y": 1}, {"x": 1, "y": 3}, "x", 1.021651, 1.398950),
    ({"x": 3, "y": 1}, {"x": 1, "y": 3}, "y", -1.021651, -1.398950),
    # Case 2: A = {x: 6, y: 2} (n_a = 8), B = {x: 1, y: 1} (n_b = 2). a_0 = min(8, 2) = 2; prior shares
    # x 7/10, y 3/10, so a_x = 1.4, a_y = 0.6.
    #   delta_x = ln(7.4/(10-7.4)) - ln(2.4/(4-2.4)) = ln(7.4/2.6) - ln(2.4/1.6) = 1.045969 - 0.405465 = 0.640504
    #   var_x = 1/7.4 + 1/2.4 = 0.135135 + 0.416667 = 0.551802; z = 0.640504 / 0.742834 = 0.862243
    ({"x": 6, "y": 2}, {"x": 1, "y": 1}, "x", 0.640504, 0.862243),
    #   delta_y = ln(2.6/(10-2.6)) - ln(1.6/(4-1.6)) = ln(2.6/7.4) - ln(1.6/2.4) = -1.045969 + 0.405465 = -0.640504
    #   var_y = 1/2.6 + 1/1.6 = 0.384615 + 0.625 = 1.009615; z = -0.640504 / 1.004796 = -0.637447
    ({"x": 6, "y": 2}, {"x": 1, "y": 1}, "y", -0.640504, -0.637447),
])
def test_log_odds_by_hand(a, b, term, log_odds, z):
    row = sp.log_odds(a, b).set_index("term").loc[term]
    assert row.log_odds == pytest.approx(log_odds, abs=1e-5)
    assert row.z == pytest.approx(z, abs=1e-5)


def test_log_odds_scale_free():
    # Multiplying every count by 100 keeps the log-odds and multiplies z by sqrt(100) = 10.
    small = sp.log_odds({"x": 6, "y": 2, "w": 1}, {"x": 1, "y": 1, "w": 3}).set_index("term")
    big = sp.log_odds({"x": 600, "y": 200, "w": 100}, {"x": 100, "y": 100, "w": 300}).set_index("term")
    assert big.log_odds.to_dict() == pytest.approx(small.log_odds.to_dict())
    assert (big.z / small.z).to_list() == pytest.approx([10.0] * 3)


def test_log_odds_prior_strength_shrinks():
    weak = sp.log_odds({"x": 6, "y": 2}, {"x": 1, "y": 1}, prior_strength=0.1).set_index("term")
    strong = sp.log_odds({"x": 6, "y": 2}, {"x": 1, "y": 1}, prior_strength=10).set_index("term")
    assert abs(strong.loc["x", "log_odds"]) < abs(weak.loc["x", "log_odds"])


def test_log_odds_needs_both_groups():
    with pytest.raises(TranscriptError, match="both groups"):
        sp.log_odds({"x": 1}, {})


# -------------------------------------------------------------------------------- MATTR, by hand

@pytest.mark.parametrize("text, window, expected", [
    # windows of 3 over a b a c b a: {a,b}=2/3, {b,a,c}=3/3, {a,c,b}=3/3, {c,b,a}=3/3 → (2/3+3)/4 = 11/12
    ("a b a c b a", 3, 11 / 12),
    ("a b c d", 2, 1.0),            # every window of 2 has two different words
    ("a a a a", 2, 0.5),            # every window of 2 has one type: 1/2
    ("a a b b", 2, 2 / 3),          # windows: aa 1/2, ab 2/2, bb 1/2 → (0.5+1+0.5)/3
    ("a b a", 5, 2 / 3),            # shorter than the window: plain type-token ratio 2/3
])
def test_mattr_by_hand(text, window, expected):
    assert sp.mattr(text.split(), window) == pytest.approx(expected)


def test_mattr_empty_is_nan():
    assert math.isnan(sp.mattr([], 10))


def test_lexical_diversity_flags_short_speakers():
    turns = make_turns([("A", "official", "one two three four five six"), ("B", "press", "one one")])
    div = sp.lexical_diversity(turns, window=4).set_index("speaker")
    # A: windows 1-4, 2-5, 3-6 all have 4 distinct words → 1.0; B: 2 words < window, TTR 1/2.
    assert div.loc["A", "mattr"] == 1.0 and not div.loc["A", "mattr_short"]
    assert div.loc["B", "mattr"] == 0.5 and div.loc["B", "mattr_short"]


# ------------------------------------------------------------------------ stance markers, by hand

def test_marker_rates_by_hand():
    text = "We believe this is, of course, probably right. It is obvious. I am not sure. We believed it."
    # By hand, 18 words (8 + 3 + 4 + 3 by sentence). Hedging: "we believe", "probably", "not sure" (3; "We believed" is not
    # "we believe"). Certainty: "of course", "it is obvious" (2; "obvious" is not counted again inside
    # it, and "sure" inside "not sure" is hedging, not certainty).
    turns = make_turns([("A", "official", text)])
    rates = sp.marker_rates(turns).set_index("speaker").loc["A"]
    assert rates.n_words == 18
    assert rates.hedging == 3 and rates.certainty == 2
    assert rates.hedging_per_1k == pytest.approx(1000 * 3 / 18, abs=0.01)  # 166.67
    assert rates.certainty_per_1k == pytest.approx(1000 * 2 / 18, abs=0.01)  # 111.11


def test_markers_file_is_checked(tmp_path):
    bad = tmp_path / "markers.txt"
    bad.write_text("# comment\nhedging probably\n", encoding="utf-8")
    with pytest.raises(TranscriptError, match="line 2"):
        sp.load_markers(bad)


# ------------------------------------------------------------------------------------ mentions

def test_mentions_by_hand():
    turns = make_turns([
        (LAVROV, "official", "Russia’s position and the US view were discussed at the UN Security Council."),
        ("Press", "press", "Did Mr Lavrov and Pompeo talk about the Russian-US summit?"),
    ])
    found = sp.mentions(turns)
    by_turn = {(t, e): n for t, e, n in zip(found.turn_index, found.entity, found.n)}
    # Turn 0: Russia (possessive still names it), United States ("US"), UN Security Council (the
    # longest alias; not also "United Nations").
    assert by_turn == {(0, "Russia"): 1, (0, "United States"): 1, (0, "UN Security Council"): 1,
                       # Turn 1: Lavrov (the speaker list and the gazetteer), Pompeo, and "US" in "Russian-US";
                       # "Russian" is an adjective, not a mention.
                       (1, LAVROV): 1, (1, POMPEO): 1, (1, "United States"): 1}


def test_speakers_join_the_gazetteer():
    turns = make_turns([("Jen Psaki", "official", "Hello."), ("Ms. Psaki", "official", "Again."),
                        ("Senior Administration Official", "official", "Background."), ("Press", "press", "Psaki?")])
    found = sp.mentions(turns)
    assert found.entity.tolist() == ["Jen Psaki"]  # the press names her; generic speakers are not people


def test_gazetteer_file_is_checked(tmp_path):
    bad = tmp_path / "g.tsv"
    bad.write_text("Russia\n", encoding="utf-8")
    with pytest.raises(TranscriptError, match="line 1"):
        sp.load_gazetteer(bad)


# ------------------------------------------------------------------------- questions, edge cases

@pytest.mark.parametrize("rows, expected", [
    # question, answer by the person asked
    ([("Press", "press", "Q?", "Ann Lee"), ("Ann Lee", "official", "A.")],
     [(0, 1, "Ann Lee", "answered by addressee")]),
    # two questions in a row: the first has no answer of its own
    ([("Press", "press", "Q1?"), ("Press", "press", "Q2?"), ("Ann Lee", "official", "A.")],
     [(0, None, None, "no answer in transcript"), (1, 2, "Ann Lee", "answered")]),
    # a moderator passing the floor does not answer; the official after them does
    ([("Press", "press", "Q?"), ("Moderator", "moderator", "Next."), ("Ann Lee", "official", "A.")],
     [(0, 2, "Ann Lee", "answered")]),
    # the last turn is a question
    ([("Ann Lee", "official", "Hello."), ("Press", "press", "Q?", "Bob Day")],
     [(1, None, None, "addressee's answer not in transcript")]),
])
def test_qa_pairs_cases(rows, expected):
    pairs = sp.qa_pairs(make_turns(rows))
    got = [(q, None if pd.isna(a) else a, b, s) for q, a, b, s in
           zip(pairs.question_turn, pairs.answer_turn, pairs.answered_by, pairs.status)]
    assert got == expected


# ------------------------------------------------------------------------------- tone, scope, time

def test_tone_signs():
    sentences = pd.DataFrame({"doc_id": "d1", "turn_index": [0, 1], "sentence_index": 0,
                              "text": ["This is a great success and we are happy.", "This is a terrible, awful failure."]})
    toned = sp.sentence_tone(sentences, progress=False)
    assert toned.tone.iloc[0] > 0.05 and toned.tone.iloc[1] < -0.05


def test_focus_rejects_unknown_ids(sample_tables):
    with pytest.raises(TranscriptError, match="no_such_event"):
        sp.focus(sample_tables, ["no_such_event"])
    assert len(sp.focus(sample_tables, [])["turns"]) == 17


def test_monthly_activity_by_hand():
    turns = pd.concat([
        make_turns([("Jen Psaki", "official", "one two three"), ("Press", "press", "q q"),
                    ("Senior Administration Official", "official", "background words here now")], doc_id="d1"),
        make_turns([("Jen Psaki", "official", "one"), ("Karine Jean-Pierre", "official", "one two")], doc_id="d2"),
    ], ignore_index=True)
    documents = pd.DataFrame({"doc_id": ["d1", "d2"], "event_date": pd.to_datetime(["2021-03-02", "2021-04-20"])})
    monthly = sp.monthly_activity(turns, documents)
    got = {(m.strftime("%Y-%m"), s): (t, w) for m, s, t, w in zip(monthly.month, monthly.speaker, monthly.n_turns, monthly.n_words)}
    # March: Psaki 1 turn, 3 words (of 3+2+4 = 9 spoken that month); the anonymous official is left out.
    assert got == {("2021-03", "Jen Psaki"): (1, 3), ("2021-04", "Jen Psaki"): (1, 1),
                   ("2021-04", "Karine Jean-Pierre"): (1, 2)}
    march = monthly[monthly.month == "2021-03-01"].iloc[0]
    assert march.word_share == pytest.approx(3 / 9, abs=1e-4)


# ----------------------------------------------------------------------------------- figures

def test_figures_escape_transcript_text(sample_tables):
    turns = make_turns([("A <b>", "official", "We <script>x</script> agree agree agree."),
                        ("Press", "press", "Do you agree?")])
    sentences = pd.DataFrame({"doc_id": "d1", "turn_index": [0, 1], "sentence_index": 0, "text": turns.text})
    dw = sp.distinctive_words(turns, groups=["A <b>"], min_count=1, min_group_words=1)
    kwic = sp.keyword_in_context(sentences, turns, sp.top_terms(dw, 3))
    fig = plots.distinctive_words(dw, kwic)
    hovers = " ".join(h for tr in fig.data for h in tr.hovertext)
    assert "<script>" not in hovers and "&lt;script&gt;" in hovers
    stats = sp.speaker_stats(turns)
    bars = plots.airtime(stats)
    assert "<b>A <b></b>" not in " ".join(h for tr in bars.data for h in tr.hovertext)


def test_figures_draw_on_sample(sample_tables):
    turns, sentences = sample_tables["turns"], sample_tables["sentences"]
    stats = sp.speaker_stats(turns)
    fig = plots.airtime(stats)
    assert sorted(x for tr in fig.data for x in tr.x) == sorted(stats.n_words)
    monthly = sp.monthly_activity(turns, sample_tables["documents"])
    fig = plots.monthly_activity(monthly)
    assert list(fig.data[0].y) == [stats.set_index("speaker").n_words[LAVROV]]  # one month, all his words
    heat = plots.mention_heatmap(sp.mention_matrix(sp.mentions(turns)))
    assert heat.data[0].z.sum() > 0


def test_max_terms_keeps_both_ends_and_the_most_frequent(sample_tables):
    full = sp.distinctive_words(sample_tables["turns"], groups=["Press"])
    cut = sp.distinctive_words(sample_tables["turns"], groups=["Press"], max_terms=5)
    n = len(full)
    assert n > 15 and len(cut) <= 15
    # ranks stay those of the full list: the five highest-z, the five lowest-z, and the five most used terms
    assert set(range(1, 6)) | set(range(n - 4, n + 1)) <= set(cut["rank"])
    most_used = full.assign(total=full["count"] + full.count_other).nlargest(5, "total").term
    assert set(most_used) <= set(cut.term)
    assert cut.set_index("term").z.to_dict() == full.set_index("term").z.loc[cut.term].to_dict()


def test_profile_per_event_equals_corpus_on_one_event(sample_tables):
    # One event: the per-event rows must repeat the corpus-wide rows (same turns, same words).
    turns, sentences = sample_tables["turns"], sample_tables["sentences"]
    toned = sp.sentence_tone(sentences, progress=False)
    corpus = sp.speaker_profile(turns, sentences, toned=toned).set_index("speaker")
    event = sp.speaker_profile(turns, sentences, per_event=True, toned=toned).set_index("speaker")
    for col in ["n_turns", "n_words", "word_share", "mattr", "hedging_per_1k", "certainty_per_1k", "tone_mean"]:
        assert event[col].to_dict() == pytest.approx(corpus[col].to_dict()), col
    assert toned.tone.notna().all() and len(toned) == 186  # 186 sentences in the sample (foundation ground truth)


@pytest.mark.parametrize("seed, n, window", [(0, 200, 50), (1, 51, 50), (2, 120, 7), (3, 30, 1)])
def test_mattr_matches_the_definition(seed, n, window):
    # The definition, computed the slow way: every window's distinct tokens / window, averaged.
    import random
    rng = random.Random(seed)
    tokens = [rng.choice("abcdefghij") for _ in range(n)]
    slow = sum(len(set(tokens[s:s + window])) / window for s in range(n - window + 1)) / (n - window + 1)
    assert sp.mattr(tokens, window) == pytest.approx(slow)
