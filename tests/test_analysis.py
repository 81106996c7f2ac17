"""The analyses behind the Corpus verbs, against references computed independently: hand-worked
examples, scipy's contingency tests, NLTK's own collocation finders, syllables counted by hand.
"""
from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import transcripts as T
from transcripts import TranscriptError, build_corpus, load_tables, write_tables
from transcripts.analysis import keyness as kn
from transcripts.analysis import kwic
from transcripts.analysis.readability import flesch_kincaid_grade, flesch_reading_ease, syllables
from transcripts.analysis.terms import count_ngrams, load_stopwords, ngram_sizes

SMALL = Path(__file__).parent / "fixtures" / "corpus_small"


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    result = build_corpus(SMALL, progress=False)
    assert result.ok, result.errors
    return T.load(write_tables(result.tables, tmp_path_factory.mktemp("small_a") / "processed"))


@pytest.fixture(scope="module")
def sample(sample_processed):
    return T.load(sample_processed)


# ----------------------------------------------------------------------------------- keyness

def fightin_words(y_a, y_b, n_a, n_b, p_w):
    """Monroe, Colaresi & Quinn (2008) eq. 22 with a0 = min(n_a, n_b), written out again here."""
    a0 = min(n_a, n_b)
    aw = a0 * p_w
    delta = math.log((y_a + aw) / (n_a + a0 - y_a - aw)) - math.log((y_b + aw) / (n_b + a0 - y_b - aw))
    return delta, delta / math.sqrt(1 / (y_a + aw) + 1 / (y_b + aw))


def test_log_odds_hand_worked():
    # A = {x: 3, y: 1}, B = {x: 1, y: 5}; prior = both: p_x = 4/10, a0 = min(4, 6) = 4, a_x = 1.6
    # delta_x = ln(4.6 / 3.4) - ln(2.6 / 7.4) = 0.30228 + 1.04597 = 1.34825; var = 1/4.6 + 1/2.6 = 0.60201; z = 1.73767
    t = kn.keyness_table({1: Counter(x=3, y=1)}, {1: Counter(x=1, y=5)})
    row = t.set_index("term").loc["x"]
    assert row.log_odds == pytest.approx(1.34825, abs=1e-5) and row.z == pytest.approx(1.73767, abs=1e-5)
    assert fightin_words(3, 1, 4, 6, 0.4) == pytest.approx((row.log_odds, row.z))
    assert t.term.tolist() == ["x", "y"]  # x is the target's, y the reference's


def test_chi2_and_g2_hand_worked_and_against_scipy():
    # a=10 of 100 vs b=5 of 200: expected 5, 10, 95, 190; chi2 = 25/5 + 25/10 + 25/95 + 25/190 = 7.89474
    # Yates: (|5| - 0.5)^2 · (1/5 + 1/10 + 1/95 + 1/190) = 20.25 · 0.31579 = 6.39474
    # G2 = 2 (10 ln 2 + 5 ln 0.5 + 90 ln(90/95) + 195 ln(195/190)) = 7.32981
    a, b = np.array([10.0]), np.array([5.0])
    assert kn.chi2_2x2(a, b, 100, 200, yates=False)[0] == pytest.approx(7.89474, abs=1e-5)
    assert kn.chi2_2x2(a, b, 100, 200)[0] == pytest.approx(6.39474, abs=1e-5)
    assert kn.g2_2x2(a, b, 100, 200)[0] == pytest.approx(7.32981, abs=1e-5)
    from scipy.stats import chi2_contingency
    rng = np.random.default_rng(0)
    for _ in range(50):
        n_t, n_r = rng.integers(50, 5000, size=2)
        x, y = rng.integers(0, 40), rng.integers(0, 40)
        if x + y == 0:
            continue
        table = [[x, y], [n_t - x, n_r - y]]
        sign = 1 if x / n_t >= y / n_r else -1
        for yates in (True, False):
            want = chi2_contingency(table, correction=yates)[0]
            assert kn.chi2_2x2(np.array([x]), np.array([y]), n_t, n_r, yates=yates)[0] == pytest.approx(sign * want)
        want = chi2_contingency(table, correction=False, lambda_="log-likelihood")[0]
        assert kn.g2_2x2(np.array([x]), np.array([y]), n_t, n_r)[0] == pytest.approx(sign * want)


def test_corpus_keyness_counts_read_off_the_fixture(small):
    """Jen Psaki's 26 words (3 turns) against the other 31; "supply" 3 vs 4; "supply chain" 3 of 20
    bigrams vs 2 of 23 (read from tests/fixtures/corpus_small/briefings.csv by hand)."""
    from scipy.stats import chi2_contingency
    k = small.keyness(dict(speakers=["Jen Psaki"]), ngrams=[1, 2], min_count=1).set_index(["n", "term"])
    assert k.loc[(1, "supply"), ["count_target", "count_reference"]].tolist() == [3, 4]
    assert k.loc[(1, "the"), ["count_target", "count_reference"]].tolist() == [1, 3]
    assert k.loc[(1, "supply-chain"), ["count_target", "count_reference"]].tolist() == [0, 1]
    assert k.loc[1].count_target.sum() == 26 and k.loc[1].count_reference.sum() == 31
    assert k.loc[2].count_target.sum() == 20 and k.loc[2].count_reference.sum() == 23
    row = k.loc[(1, "supply")]
    assert row.per_1k_target == pytest.approx(3000 / 26)
    assert row.chi2 == pytest.approx(-chi2_contingency([[3, 4], [23, 27]])[0])  # used less than expected
    assert row.G2 == pytest.approx(-chi2_contingency([[3, 4], [23, 27]], correction=False, lambda_="log-likelihood")[0])
    assert (row.log_odds, row.z) == pytest.approx(fightin_words(3, 4, 26, 31, 7 / 57))
    bigram = k.loc[(2, "supply chain")]
    assert bigram[["count_target", "count_reference"]].tolist() == [3, 2]
    assert (bigram.log_odds, bigram.z) == pytest.approx(fightin_words(3, 2, 20, 23, 5 / 43))
    assert bigram.chi2 == pytest.approx(chi2_contingency([[3, 2], [17, 21]])[0])


def test_corpus_keyness_reference_stopwords_and_targets(small):
    by_dict = small.keyness(dict(speakers=["Jen Psaki"]), min_count=1)
    by_corpus = small.keyness(small.subset(speakers=["Jen Psaki"]), min_count=1)
    pd.testing.assert_frame_equal(by_dict, by_corpus)
    deese = small.keyness(dict(speakers=["Jen Psaki"]), dict(speakers=["Brian Deese"]), min_count=1)
    assert deese.count_reference.sum() == 7  # "Not yet. The supply chain takes time."
    stops = small.keyness(dict(speakers=["Jen Psaki"]), stopwords=True, min_count=1)
    assert "the" not in set(stops.term) and "we" not in set(stops.term) and "supply" in set(stops.term)
    assert stops.set_index("term").loc["supply", "count_target"] == 3
    assert stops.count_target.sum() < 26
    assert small.keyness(dict(speakers=["Jen Psaki"]), sort="G2").G2.is_monotonic_decreasing
    with pytest.raises(TranscriptError, match="keyness needs 1-grams in both parts"):
        small.keyness(dict(speakers=["Jen Psaki"]), dict(speakers=["Jen Psaki"], roles=["press"]))
    with pytest.raises(TranscriptError, match="must be a dict of subset arguments or a Corpus"):
        small.keyness("Jen Psaki")


def test_keyness_target_from_other_tables_is_refused(small, sample):
    with pytest.raises(TranscriptError, match="reads other tables"):
        small.keyness(sample.subset(roles=["press"]))


@pytest.mark.parametrize("ngrams", [0, 4, "2", [1, 5], True])
def test_ngram_sizes_refused(ngrams):
    with pytest.raises(TranscriptError, match="is not an n-gram size"):
        ngram_sizes(ngrams)


def test_count_ngrams_stay_within_sentences_and_stopwords_at_the_edges():
    counts = count_ngrams(["The supply chain.", "Secretary of State said so."], [2, 3], frozenset({"the", "of", "so"}))
    assert counts[2] == Counter({"supply chain": 1, "state said": 1})  # no "chain secretary" across sentences
    assert counts[3] == Counter({"secretary of state": 1})  # a stop word inside is kept, at either end not
    assert load_stopwords(["The", "Don’t"]) == frozenset({"the", "don't"})


def test_stopword_file_and_missing_file(tmp_path):
    f = tmp_path / "stops.txt"
    f.write_text("# mine\nSupply\n\nchain\n", encoding="utf-8")
    assert load_stopwords(f) == frozenset({"supply", "chain"})
    with pytest.raises(TranscriptError, match="no such stop-word file"):
        load_stopwords(tmp_path / "nope.txt")


# ------------------------------------------------------------------------------ collocations

def _nltk_reference(sentences, n, min_count, stops, measure):
    from nltk.collocations import (BigramAssocMeasures, BigramCollocationFinder, TrigramAssocMeasures,
                                   TrigramCollocationFinder)

    from transcripts.speakers import terms
    tokens = [terms(str(t)) for t in sentences]
    finder = (BigramCollocationFinder if n == 2 else TrigramCollocationFinder).from_documents(tokens)
    finder.apply_freq_filter(min_count)
    finder.apply_ngram_filter(lambda *w: w[0] in stops or w[-1] in stops)
    assoc = BigramAssocMeasures if n == 2 else TrigramAssocMeasures
    return [(" ".join(g), s) for g, s in finder.score_ngrams(getattr(assoc, measure))]


@pytest.mark.parametrize("n, measure", [(2, "pmi"), (2, "likelihood_ratio"), (2, "chi_sq"), (2, "student_t"),
                                        (2, "dice"), (3, "pmi"), (3, "likelihood_ratio")])
def test_collocations_equal_nltk_finders_on_the_same_tokens(sample, sample_processed, n, measure):
    sentences = load_tables(sample_processed)["sentences"].text
    stops = load_stopwords(True)
    want = _nltk_reference(sentences, n, 2, stops, measure)
    got = sample.collocations(n, min_count=2, measure=measure, top=None)
    assert len(want) > 5
    assert got.collocation.tolist() == [g for g, _ in want]
    assert got[measure].tolist() == pytest.approx([s for _, s in want])


def test_collocations_of_a_subset_and_without_stopwords(sample, sample_processed):
    tables = load_tables(sample_processed)
    press = tables["sentences"].merge(tables["turns"][["doc_id", "turn_index", "role"]]).query("role == 'press'")
    want = _nltk_reference(press.text, 2, 1, frozenset(), "likelihood_ratio")
    got = sample.subset(roles=["press"]).collocations(min_count=1, stopwords=None, measure="likelihood_ratio", top=None)
    assert got.collocation.tolist() == [g for g, _ in want]
    counts = got.set_index("collocation")["count"]
    assert counts["north korea"] == 4  # "North Korea" four times in the press's question (line 52 of the sample)


def test_collocation_pmi_hand_worked():
    from transcripts.analysis.collocations import collocations
    # words: supply 3, chain 3, issues 1, the 1 (N = 8); "supply chain" 3 times: pmi = log2(3 · 8 / (3 · 3)) = 1.41504
    got = collocations([["supply", "chain", "issues"], ["the", "supply", "chain"], ["supply", "chain"]], min_count=2)
    assert got.collocation.tolist() == ["supply chain"] and got.pmi.iloc[0] == pytest.approx(math.log2(24 / 9))
    with pytest.raises(TranscriptError, match="no collocation measure 'dice' for n=3"):
        collocations([], n=3, measure="dice")


# ------------------------------------------------------------------------------- readability

# Every word of four sentences of the sample (data/raw, the paragraph on strategic stability), syllables
# counted by hand BEFORE the rules were tuned on them: the development set.
DEV = """One 1 of 1 the 1 central 2 themes 1 of 1 our 1 conversations 4 was 1 strategic 3 stability 4
We 1 noted 2 the 1 negative 3 consequences 4 of 1 the 1 US 2 withdrawal 3 from 1 the 1 Intermediate-Range 6
Nuclear 3 Forces 2 Treaty 2 We 1 underscored 3 that 1 in 1 current 2 conditions 3 after 2 the 1 Treaty’s 2
termination 4 we 1 are 1 not 1 going 2 to 1 neglect 2 this 1 sphere 1 of 1 strategic 3 stability 4 In 1 his 1
messages 3 to 1 the 1 heads 1 of 1 leading 2 states 1 including 3 the 1 United 3 States 1 and 1 other 2 NATO 2
members 2 Russian 2 President 3 Vladimir 3 Putin 2 said 1 that 1 Russia 2 was 1 announcing 3 a 1 unilateral 5
moratorium 5 on 1 the 1 deployment 3 of 1 these 1 missiles 2 and 1 would 1 not 1 deploy 2 them 1 in 1
specific 3 regions 2 until 2 similar 3 US-made 3 systems 2 appear 2 there 1"""

# Every word (numbers in digits left out, as the Flesch counts leave them out) of a passage the rules were
# never tuned on: ../shared White House briefing of 4 March 2022 (Cecilia Rouse, "Good afternoon" to "on
# record"), syllables counted by hand: the held-out set.
HELD_OUT = """Good 1 afternoon 3 So 1 I 1 really 2 appreciate 4 this 1 opportunity 5 to 1 talk 1 about 2 today’s 2
job 1 report 2 as 1 this 1 is 1 a 1 bright 1 spot 1 and 1 a 1 sign 1 of 1 our 1 strong 1 labor 2 market 2
recovery 4 over 2 the 1 past 1 year 1 The 1 February 4 jobs 1 report 2 is 1 extremely 3 solid 2 The 1
economy 4 added 2 jobs 1 in 1 February 4 well 1 above 2 market 2 expectations 4 Revisions 3 to 1 the 1 prior 2
two 1 months 1 added 2 over 2 more 1 jobs 1 than 1 originally 5 reported 3 with 1 an 1 average 3 monthly 2
gain 1 of 1 over 2 the 1 past 1 three 1 months 1 Other 2 data 2 demonstrate 3 our 1 strong 1 economic 4
rebound 2 The 1 unemployment 4 rate 1 ticked 1 down 1 to 1 percent 2 and 1 the 1 labor 2 force 1
participation 5 rate 1 ticked 1 up 1 reaching 2 a 1 new 1 pandemic 3 high 1 Since 1 President 3 Biden 2 took 1
office 2 the 1 economy 4 created 3 million 2 jobs 1 This 1 includes 2 the 1 greatest 2 single 2 year 1 of 1
job 1 growth 1 in 1 American 4 history 3 and 1 the 1 fastest 2 economic 4 growth 1 in 1 almost 2 years 1
This 1 month’s 1 report 2 reflects 2 broad-based 2 growth 1 For 1 example 3 the 1 unemployment 4 rate 1 for 1
workers 2 with 1 less 1 than 1 a 1 high 1 school 1 degree 2 is 1 the 1 lowest 2 on 1 record 2"""


def _pairs(text):
    items = text.split()
    return [(w, int(n)) for w, n in zip(items[::2], items[1::2])]


def _accuracy(pairs):
    right = sum(syllables(w) == n for w, n in pairs)
    wrong = [(w, n, syllables(w)) for w, n in pairs if syllables(w) != n]
    return right / len(pairs), sum(syllables(w) for w, _ in pairs) / sum(n for _, n in pairs), wrong


def test_syllables_development_set():
    acc, ratio, wrong = _accuracy(_pairs(DEV))
    assert len(_pairs(DEV)) == 96
    assert acc >= 0.97, wrong  # measured: 95/96 (only "Nuclear", nu-cle-ar, is counted 2)
    assert ratio == pytest.approx(1.0, abs=0.02)


def test_syllables_held_out_set():
    acc, ratio, wrong = _accuracy(_pairs(HELD_OUT))
    assert len(_pairs(HELD_OUT)) == 156
    # The bar was set before the first run; measured there: 154/156 (ap-pre-ci-ate and cre-a-ted counted one
    # short), total syllables 0.992 of the hand count.
    assert acc >= 0.90, wrong
    assert ratio == pytest.approx(1.0, abs=0.05)  # what Flesch uses: the total over the passage


@pytest.mark.parametrize("word, n", [("the", 1), ("table", 2), ("make", 1), ("makes", 1), ("boxes", 2), ("jumped", 1),
                                     ("wanted", 2), ("agreed", 2), ("played", 1), ("media", 3), ("being", 2),
                                     ("idea", 3), ("actual", 3), ("terrorism", 4), ("statement", 2), ("yes", 1),
                                     ("FBI", 3), ("co-chair", 2), ("2019", 0), ("café", 2), ("résumé", 3)])
def test_syllables_rules(word, n):
    assert syllables(word) == n


def test_flesch_hand_worked():
    # "The cat sat on the mat. It was happy.": 9 words, 2 sentences, 10 syllables
    # FRE = 206.835 - 1.015 · 4.5 - 84.6 · 10/9 = 108.2675; FK = 0.39 · 4.5 + 11.8 · 10/9 - 15.59 = -0.72389
    assert flesch_reading_ease(9, 2, 10) == pytest.approx(108.2675)
    assert flesch_kincaid_grade(9, 2, 10) == pytest.approx(-0.723889, abs=1e-6)
    assert math.isnan(flesch_reading_ease(0, 0, 0))


def test_corpus_readability_hand_worked_on_the_fixture(small):
    r = small.readability().set_index("speaker")
    # Karine Jean-Pierre: "Hello. Nothing on supply chains today." 2 sentences, 6 words,
    # hel-lo noth-ing on sup-ply chains to-day = 10 syllables: FRE = 206.835 - 3.045 - 141 = 62.79
    k = r.loc["Karine Jean-Pierre"]
    assert (k.n_sentences, k.n_words, k.n_syllables) == (2, 6, 10)
    assert k.flesch_reading_ease == pytest.approx(62.79)
    assert k.flesch_kincaid_grade == pytest.approx(0.39 * 3 + 11.8 * 10 / 6 - 15.59)
    assert (k.ttr, k.mattr) == (1.0, 1.0)
    # Press: 4 sentences, 18 words, 24 syllables (what a-bout sup-ply chains in A-sia | and the sup-ply-chain task
    # force | is the sup-ply chain fixed | thank you): FRE = 206.835 - 4.5675 - 112.8 = 89.4675
    p = r.loc["Press"]
    assert (p.n_sentences, p.n_words, p.n_syllables) == (4, 18, 24)
    assert p.flesch_reading_ease == pytest.approx(89.4675)
    assert p.ttr == pytest.approx(16 / 18)  # the 18 terms hold 16 distinct ones ("supply" and "the" twice)
    by_doc = small.readability(by=["doc_id", "speaker"])
    assert by_doc[["doc_id", "speaker"]].drop_duplicates().shape[0] == len(by_doc) == 7  # 2 + 3 + 2 speakers
    with pytest.raises(TranscriptError, match="cannot group by"):
        small.readability(by="title")


def test_lexical_diversity_equals_speakers_lexical_diversity(sample, sample_processed):
    from transcripts.speakers import lexical_diversity
    turns = load_tables(sample_processed)["turns"]
    want = lexical_diversity(turns).set_index("speaker")
    got = sample.readability().set_index("speaker")
    assert got.n_terms.to_dict() == want.n_terms.to_dict()
    assert got.mattr.to_dict() == pytest.approx(want.mattr.to_dict())
    by_role = sample.readability(by="role", window=25).set_index("role")
    assert by_role.mattr.to_dict() == pytest.approx(lexical_diversity(turns, by=["role"], window=25)
                                                    .set_index("role").mattr.to_dict())


# -------------------------------------------------------------------------------------- kwic

@pytest.mark.parametrize("pattern, text, found", [
    ("chain", "supply chain, chains, chain's, co-chain, chain-link, (chain)", ["chain", "chain"]),
    ("Russia's", "Russia’s and Russia's and Russias", ["Russia’s", "Russia's"]),
    ("supply chain", "supply\n  chain and supplychain", ["supply\n  chain"]),
    ("U.S.", "the U.S. and U.S.A.", ["U.S.", "U.S."]),
    ("$27 billion", "grew to $27 billion", ["$27 billion"]),
])
def test_literal_patterns(pattern, text, found):
    assert [m.group() for m in kwic.compile_pattern(pattern).finditer(text)] == found


def test_context_windows():
    assert kwic.context("a b c KEY d e", 6, 9, 2) == ("b c", "d e")
    assert kwic.context("KEY", 0, 3, 5) == ("", "")
    assert kwic.context("a KEY b", 2, 5, 0) == ("", "")
