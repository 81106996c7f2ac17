"""Claim extraction: quantities, claim types, actors, hedges, numeric checks, ledger, rules-file errors,
and the extractor scored against the hand-labelled sample (tests/fixtures/sample_claim_labels.csv).

Expected values are worked out by hand from the sentences (the arithmetic is in the comments), never
copied from the code's output.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transcripts import TranscriptError, build_corpus
from transcripts.clean import normalize_text
from transcripts.claims import (CLAIM_TYPES, claim_ledger, classify, evaluate, extract_claims, load_labels, load_rules,
                                markers, numeric_checks, speaker_side)
from transcripts.quantities import parse_quantities, quantities_table
from transcripts.textsim import jaccard, similar_groups

LABELS = Path(__file__).parent / "fixtures" / "sample_claim_labels.csv"
DOC = "mid_ru_en_2019-12-10_lavrov_pompeo_press_conference"


@pytest.fixture(scope="module")
def claims(sample_tables):
    return extract_claims(sample_tables, progress=False)


@pytest.fixture(scope="module")
def labels():
    return load_labels(LABELS)


# --------------------------------------------------------------------------- quantities

@pytest.mark.parametrize("text, expected", [
    # (kind, value, unit, normalized_value): $27 billion = 27 × 10^9 dollars
    ("Trade reached $27 billion.", [("money", 27.0, "USD", 27e9)]),
    ("an almost 33 percent increase", [("percent", 33.0, "%", 33.0)]),
    ("an almost 33 per cent increase", [("percent", 33.0, "%", 33.0)]),
    ("an almost 33% increase", [("percent", 33.0, "%", 33.0)]),
    ("20 billion dollars", [("money", 20.0, "USD", 20e9)]),
    ("US$ 3.5 million", [("money", 3.5, "USD", 3.5e6)]),
    ("€5m in aid", [("money", 5.0, "EUR", 5e6)]),
    ("up 5 percentage points", [("percent", 5.0, "percentage points", 5.0)]),
    # three years = 3 × 365.25 days
    ("for three years", [("duration", 3.0, "years", 1095.75)]),
    ("1,200 troops", [("count", 1200.0, "troops", 1200.0)]),
    ("2.5 million people", [("count", 2.5, "people", 2.5e6)]),
    # years, identifiers, ordinals, times and number words without a unit are not quantities
    ("on the eve of the 2016 US presidential election", [("date", 2016.0, "year", None)]),
    ("McCarthyism waned in the 1950s", [("date", 1950.0, "year", None)]),
    ("UN Security Council Resolution 2254 encompasses", []),
    ("on the sidelines of the G20 summit", []),
    ("for the fourth time", []),
    ("at 7:06 P.M.", []),
    ("it does not benefit our two countries", []),
    # a web address left in the text: its digits (07, 16, 2021) are not numbers
    ("visit https://example.gov/uploads/2021/07/Briefing_16July2021.pdf for the slides", []),
])
def test_quantities(text, expected):
    got = [(q.kind, q.value, q.unit, q.normalized_value) for q in parse_quantities(text)]
    assert got == expected


def test_quantity_qualifiers_ranges_and_ellipsis():
    qs = parse_quantities("Citizens wait for 300 days in Moscow, 40 in Vladivostok, and over 30 in Yekaterinburg.")
    # "40" and "over 30" inherit "days" from "300 days" (elliptical list); "over" is a lower bound
    assert [(q.kind, q.value, q.unit, q.unit_inferred) for q in qs] == [
        ("duration", 300.0, "days", False), ("duration", 40.0, "days", True), ("duration", 30.0, "days", True)]
    assert qs[2].qualifier == "more than" and qs[2].text == "over 30"
    (r,) = parse_quantities("between 20 and 30 percent of voters")
    assert (r.kind, r.value_low, r.value_high, r.value) == ("percent", 20.0, 30.0, 25.0)  # midpoint (20+30)/2
    (r,) = parse_quantities("20-30% of voters")
    assert (r.value_low, r.value_high) == (20.0, 30.0)
    (c,) = parse_quantities("have 155 more employees than Russian offices")
    assert (c.kind, c.comparison, c.unit) == ("count", "more", "employees")
    (c,) = parse_quantities("we have 155 diplomats fewer here")
    assert (c.comparison, c.unit) == ("fewer", "diplomats")
    (r,) = parse_quantities("It is several times lower compared to Russia")
    assert (r.kind, r.value, r.comparison) == ("ratio", None, "lower")
    (d,) = parse_quantities("in Sochi in May 2019")
    assert (d.kind, d.text) == ("date", "May 2019")


def test_quantity_provenance_is_its_sentence(sample_tables):
    # char_start/char_end are the sentence's span in the decoded text; start/end_in_sentence locate the
    # figure in the cleaned sentence text it was read from
    q = quantities_table(sample_tables)
    raw = sample_tables["texts"].text.iloc[0]
    sents = sample_tables["sentences"].set_index(["turn_index", "sentence_index"])
    assert len(q) > 0
    for row in q.itertuples():
        sent = sents.loc[(row.turn_index, row.sentence_index)]
        assert (row.char_start, row.char_end, row.sentence_text) == (sent.char_start, sent.char_end, sent.text)
        assert normalize_text(raw[row.char_start:row.char_end]) == row.sentence_text
        assert row.sentence_text[row.start_in_sentence:row.end_in_sentence] == row.text


WH_MARKDOWN = """---
title: "Press Briefing by Press Secretary Jen Psaki, March 11, 2021"
date: 2021-03-11
source_url: https://bidenwhitehouse.archives.gov/briefing-room/press-briefings/2021/03/11/press-briefing/
---

MS. PSAKI:  Good afternoon. Vaccinations rose <s>40</s> \\[14\\] percent last week, as
[the report](https://bidenwhitehouse.archives.gov/briefing-room/2021/03/11/fact-sheet/) shows.

Q    Why?
"""


def test_quantities_read_the_cleaned_sentence_not_the_raw_markdown(tmp_path):
    # White House Markdown: "<s>40</s> \[14\] percent" is a correction (14 percent, not 40), and the link's
    # URL ".../2021/03/11/..." is not text: the only quantity is 14 percent
    (tmp_path / "2021-03-11-briefing.md").write_text(WH_MARKDOWN, encoding="utf-8")
    tables = build_corpus(tmp_path, progress=False).tables
    q = quantities_table(tables)
    assert [(r.kind, r.value, r.unit, r.text) for r in q.itertuples()] == [("percent", 14.0, "%", "14 percent")]


def test_sample_durations_and_money(sample_tables):
    q = quantities_table(sample_tables)
    # turn 16, sentence 5: "300 days ... 40 in Vladivostok, and over 30 in Yekaterinburg"
    dur = q[(q.turn_index == 16) & (q.sentence_index == 5)]
    assert dur.kind.tolist() == ["duration"] * 3 and dur.value.tolist() == [300.0, 40.0, 30.0]
    money = q[q.kind == "money"]
    assert money.normalized_value.tolist() == [20e9, 27e9]
    # 15 dates in the sample (years such as 2016 and month-years such as "May 2019"), none counted as numbers
    assert not q[q.kind == "date"].text.str.contains("billion|percent").any()
    assert set(q[q.text.str.fullmatch(r"\d{4}")].kind) == {"date"}


# --------------------------------------------------------------------------- claim types

@pytest.mark.parametrize("sentence, side, expected", [
    ("We are ready to resume talks at any time.", "Russia", {"commitment"}),
    ("We will continue to support Ukraine.", "United States", {"commitment"}),
    ("I will say that the meeting was long.", "United States", set()),
    # briefing discourse is not a promise: announcing what one will say, declining to comment
    ("I want to be really clear about that.", "United States", set()),
    ("That’s not something that I will do from here.", "United States", set()),
    ("We want to continue our dialogue.", "Russia", {"commitment"}),
    ("I will now turn things over to Dr. Fauci.", "United States", {"procedural"}),  # turn-taking, not a promise
    ("We will now begin the withdrawal of troops.", "United States", {"commitment"}),
    ("We proposed a ceasefire last week.", "Russia", {"proposal"}),
    ("Our offer remains on the table.", "Russia", {"proposal"}),
    ("These reports are groundless.", "Russia", {"denial"}),
    ("There is no evidence of any wrongdoing.", "Russia", {"denial"}),
    ("Those who promote these dangerous lies are harming people.", "United States", {"denial"}),
    ("We believe that dialogue is necessary.", "Russia", {"position"}),
    ("The two sides agreed to meet again in March.", "Russia", {"agreement"}),
    # blame on the other side is an accusation; the same words about one's own side are not
    ("Washington refused to extend the treaty.", "Russia", {"accusation"}),
    ("Washington refused to extend the treaty.", "United States", {"factual"}),
    ("The delegation arrived in Geneva on Monday.", "Russia", {"factual"}),
    ("Exports grew to $5 billion last year.", "Russia", {"numeric", "factual"}),
    ("Will the treaty be extended?", "Russia", set()),
    ("Let me be clear.", "Russia", {"procedural"}),
])
def test_classify(sentence, side, expected):
    assert {h.claim_type for h in classify(sentence, speaker_side=side)} == expected


def test_cue_spans_point_into_the_sentence():
    text = "Let me reiterate that we are ready to disclose the exchanges."
    (hit,) = classify(text, speaker_side="Russia")
    assert hit.claim_type == "commitment" and text[hit.start:hit.end] == hit.cue == "we are ready to"


@pytest.mark.parametrize("text, hedges, boosters", [
    ("It may well be that he was probably advised, of course.", ["probably", "it may well be"], ["of course"]),
    ("We are gravely concerned about the situation.", [], []),  # "about" hedges only a number
    ("It grew by about 30 percent.", ["about"], []),
    ("Sochi in May 2019.", [], []),  # the month, not the modal
])
def test_markers(text, hedges, boosters):
    assert markers(text) == (hedges, boosters)


def test_speaker_side():
    assert speaker_side("Sergey Lavrov", "official", "mid_text") == "Russia"
    assert speaker_side("Karine Jean-Pierre", "official", "whitehouse_md") == "United States"
    # no longer from the file format: an official nobody and nothing names is of no known side
    assert speaker_side("Unknown Spokesperson", "official", "whitehouse_md") == ""
    assert speaker_side("Press", "press", "mid_text") == ""
    # a journalist's question to Pompeo does not make the journalist American
    assert speaker_side("Press", "press", "mid_text", label="Question (to Michael Pompeo)") == ""


# --------------------------------------------------------------------------- the sample

def test_label_fixture_covers_every_sentence(sample_tables, labels):
    s = sample_tables["sentences"]
    assert len(labels) == len(s) == 186
    merged = labels.merge(s, on=["doc_id", "turn_index", "sentence_index"], suffixes=("_label", ""))
    assert len(merged) == 186 and (merged.text_label == merged.text).all()
    assert {t for ts in labels.types for t in ts.split(";") if t} == set(CLAIM_TYPES)


def test_the_sample_is_still_read_sensibly(claims, labels):
    # The sample is a demonstration, not the evaluation (that is the hand-labelled development set drawn from
    # other transcripts: tests/test_claims_devset.py). Its labels follow an older, looser notion of `factual`
    # (any checkable statement, "We discussed Syria") than the labelling guide of issue 13, so its bars are
    # floors that catch a rules file that stopped working on it, not targets. The type model keeps a type only
    # when it is sure enough (held-out recall about 0.73, precision about 0.85: benchmarks/README.md), so the
    # recall floor is low and the precision floor is kept over all types.
    scores = evaluate(claims, labels).set_index("claim_type")
    print("\n" + scores.to_string())
    judged = scores[scores.n_labelled >= 5]
    assert len(judged) == 8  # every type has at least 5 labelled sentences in the sample
    # accusation is left out: the type model keeps it only when very sure (threshold 0.96; held-out precision 0.82,
    # recall 0.41 since the tenth batch), and the sample's accusations are mostly implicit ("has adopted an
    # arrogant posture"): one of its ten is kept
    judged = judged.drop(index="accusation")
    assert (judged.precision >= 0.7).all(), judged[judged.precision < 0.7]
    # denial's recall is not held to the floor either: with the sentence encoder (on for a corpus this small) the
    # model keeps a denial only when very sure (threshold 0.96; held-out precision 0.89, recall 0.15 since the
    # seventeenth batch: the joint thresholds trade the rare types' recall for the common ones'); at least one of the
    # sample's seven is kept
    assert (judged.drop(index="denial").recall >= 0.3).all(), judged[judged.recall < 0.3]
    assert judged.loc["denial", "tp"] >= 1
    # over all types: most of the extractor's "wrong" factual types here are reported statements the sample's
    # older labels give one other type only ("Russian President Vladimir Putin reaffirmed this position in his
    # recent public address." is labelled position; the guide makes a report of it factual too)
    assert judged.tp.sum() / (judged.tp.sum() + judged.fp.sum()) >= 0.8


def test_claim_provenance_points_into_raw_text(sample_tables, claims):
    raw = sample_tables["texts"].text.iloc[0]
    for row in claims.drop_duplicates(["turn_index", "sentence_index"]).itertuples():
        assert normalize_text(raw[row.char_start:row.char_end]) == row.text
        assert row.text[row.cue_start:row.cue_end] == row.cue


def _claim(claims, turn, sentence, ctype):
    rows = claims[(claims.turn_index == turn) & (claims.sentence_index == sentence) & (claims.claim_type == ctype)]
    assert len(rows) == 1, (turn, sentence, ctype)
    return rows.iloc[0]


def test_actors_and_targets(claims, sample_tables):
    # "We made this proposal to our Western partners, ..." (turn 0, sentence 41): Lavrov's "we" is Russia
    c = _claim(claims, 0, 41, "proposal")
    assert (c.actor, c.actor_mention, c.speaker) == ("Russia", "We", "Sergey Lavrov")
    # Two sentences whose types the type model now leaves just under its thresholds (near misses): the actor
    # lookup is checked on the cue rules' own hits
    from transcripts.claims import _actor_and_target, mentions
    rules = load_rules()
    s = sample_tables["sentences"]

    def lookup(sentence, ctype):
        text = s[(s.turn_index == 0) & (s.sentence_index == sentence)].text.iloc[0]
        (hit,) = [h for h in classify(text, speaker_side="Russia") if h.claim_type == ctype]
        return _actor_and_target(ctype, hit, mentions(text, rules, "Russia"), "Russia", "Sergey Lavrov")

    # "... it was the current administration that refused to do so.": the accused is the US
    assert lookup(27, "accusation")[3] == "United States"
    # "The American side proposed and the Soviet Union agreed to ...": the proposal is the US's, in Lavrov's
    # account, and the one who agreed is the Soviet Union, read as Russia's side
    assert lookup(32, "proposal")[0] == "United States"
    assert lookup(32, "agreement")[:2] == ("Russia", "Soviet Union")


def test_numeric_checks_on_sample(sample_tables):
    checks = numeric_checks(sample_tables)
    (change,) = checks[checks.check == "change"].itertuples()
    # 27 / 20 = 1.35 → a 35% increase; stated "almost 33 percent": 2 points off, more than the 1-point tolerance
    assert (change.stated, change.computed, change.is_consistent) == ("33%", "35.0%", False)
    assert "$27 billion / $20 billion = 1.35" in change.explanation and "35.0%" in change.explanation
    (diff,) = checks[checks.check == "difference"].itertuples()
    # "US missions have 155 more employees than Russian offices" and "we [Russia] have 155 diplomats fewer
    # here than the US has in Russia" both say: the US has 155 more → consistent
    assert diff.is_consistent and diff.stated == diff.computed == "United States > Russia by 155"


def test_change_check_passes_a_correct_statement():
    from transcripts.quantities import change_checks
    s = pd.DataFrame(dict(doc_id="d", turn_index=0, sentence_index=[0, 1], speaker="X", char_start=[0, 50],
                          char_end=[49, 90], text=["Exports rose from $40 million to $50 million.",
                                                   "That is a 25 percent increase."]))
    (row,) = change_checks(s).itertuples()
    # 50 / 40 = 1.25 → 25% increase, as stated
    assert row.is_consistent and row.computed == "25.0%"


SAMPLE_PROPOSALS = ["mutual moratorium", "extending the Treaty", "unacceptability of unleashing a nuclear war",
                    "collective security system in the Persian Gulf", "1933"]
SAMPLE_DENIALS = ["We have not seen any evidence", "It contains no confirmation of any collusion"]
# Clear proposals the type model sees as likely but keeps out: its thresholds are chosen for the issue's bars
# together (precision 0.855 over the eight claim types, every type at least 0.78 when cross-validated by document),
# which puts proposal's at 0.99 for the words model (benchmarks/README.md). These sentences get 0.9 or more: near misses, listed so that
# a model that stops seeing them at all is caught. (Which of the sample's clear proposals fall just under the
# threshold changes from one refit to the next: "extending the Treaty" did before the tenth batch.)
NEAR_MISSES = [("proposal", "releasing the correspondence"), ("proposal", "extend the New START Treaty")]
# With the sentence encoder (on for a corpus as small as the sample) the blend of the two models is surer of the
# common types and less of the rare ones: "... the groundless nature of all speculation regarding Russia's alleged
# meddling" is a denial at 0.98 for the words model (threshold 0.96) but 0.79 for the blend (threshold 0.96), and
# the two proposals above are at 0.60 and 0.69 for the blend (threshold 0.84; 0.96 and 0.95 for the words model,
# whose threshold is 0.99). Listed so that a refit that stops seeing them at all is caught.
ENCODER_NEAR_MISSES = NEAR_MISSES + [("denial", "groundless nature of all speculation regarding Russia’s alleged meddling")]


@pytest.mark.parametrize("ctype, phrase", [("proposal", p) for p in SAMPLE_PROPOSALS]
                         + [("denial", d) for d in SAMPLE_DENIALS])
def test_ledger_holds_the_expected_claims(claims, ctype, phrase):
    ledger = claim_ledger(claims)
    assert ledger[ledger.claim_type == ctype].text.str.contains(phrase, regex=False).any()


@pytest.mark.parametrize("encoder", [False, True], ids=["words", "encoder"])
def test_near_misses_are_seen_as_likely(sample_tables, encoder):
    from transcripts.claim_model import load_model, refine_types
    from transcripts.validation import predict_rule_types

    s = sample_tables["sentences"].merge(sample_tables["turns"][["doc_id", "turn_index", "role"]], on=["doc_id", "turn_index"])
    model = load_model()
    thresholds = model.encoder.thresholds if encoder else model.thresholds
    for ctype, phrase in (ENCODER_NEAR_MISSES if encoder else NEAR_MISSES):
        row = s[s.text.str.contains(phrase, regex=False)].head(1)
        assert len(row) == 1, phrase
        kept, probs = refine_types(list(row.text), list(row.role), predict_rule_types(row.assign(types=""), load_rules()),
                                   encoder=encoder)
        j = model.types.index(ctype)
        # the words model: 0.9 or more; the blend: more likely than not (each near its threshold, one side or the other)
        assert probs[0, j] >= (0.5 if encoder else 0.9), (phrase, probs[0].round(2), thresholds[j])


def test_ledger_leaves_out_statements_without_content():
    texts = ["Absolutely not.", "No, no, no.", "So we will — we will work at that.",
             "The report's figures on Ukraine are not true.",
             # a commitment's frame (office, "committed", "continue") with no object: routine, not a ledger entry
             "And the President is committed to doing that.", "And so, the President is going to continue to focus on this.",
             # the same frame with an object is one
             "We are going to continue to support Ukraine."]
    rows = pd.DataFrame(dict(doc_id=list("abcdefg"), turn_index=0, sentence_index=0, speaker="X", role="official",
                             claim_type=["denial", "denial"] + ["commitment"] * 5, event_date=pd.Timestamp("2021-01-01"),
                             text=texts))
    rows.loc[3, "claim_type"] = "denial"
    for col in ("title", "actor", "target", "cue"):
        rows[col] = ""
    rows["char_start"], rows["char_end"] = 0, 1
    ledger = claim_ledger(rows)
    assert ledger.text.tolist() == ["The report's figures on Ukraine are not true.",
                                    "We are going to continue to support Ukraine."]


def test_ledger_groups_restatements(claims):
    ledger = claim_ledger(claims)
    table = ledger[ledger.text.isin(["This proposal remains on the table.", "This proposal also remains on the table."])]
    assert len(table) == 2 and table.group_id.nunique() == 1 and set(table.n_in_group) == {2}
    assert (ledger.groupby("group_id").claim_type.nunique() == 1).all()  # groups never mix types


def test_similarity_is_deterministic():
    texts = ["We proposed a moratorium.", "Trade grew.", "We again proposed a moratorium."]
    assert similar_groups(texts).tolist() == [0, 1, 0]
    assert similar_groups(texts).tolist() == similar_groups(texts).tolist()
    assert jaccard("Our proposal stands.", "Our proposal stands!") == 1.0


# --------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("content, message", [
    ("types:\n  denial:\n    cues: ['(unclosed']\n", "bad pattern in types.denial.cues"),
    ("types:\n  rumour:\n    cues: [x]\n", "unknown claim type"),
    ("actors: {}\n", "need a `types:` section"),
    ("types: [\n", "not valid YAML"),
])
def test_bad_rules_file(tmp_path, content, message):
    path = tmp_path / "rules.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TranscriptError, match="rules.yaml") as err:
        load_rules(path)
    assert message in str(err.value)


def test_missing_rules_and_labels(tmp_path):
    with pytest.raises(TranscriptError, match="not found"):
        load_rules(tmp_path / "nope.yaml")
    with pytest.raises(TranscriptError, match="not found"):
        load_labels(tmp_path / "nope.csv")
    bad = tmp_path / "labels.csv"
    bad.write_text("doc_id,turn_index,sentence_index,types\nd,0,0,rumour\n", encoding="utf-8")
    with pytest.raises(TranscriptError, match="unknown claim type"):
        load_labels(bad)


def test_restatement_check_flags_a_changed_figure():
    from transcripts.quantities import restatement_checks
    texts = ["Bilateral trade between our countries reached $27 billion last year, the ministry said.",
             "Bilateral trade between our countries reached $25 billion last year, the ministry said.",
             "The ministry said the new embassy cost $27 billion to build."]
    sentences = pd.DataFrame(dict(doc_id=["a", "b", "b"], turn_index=0, sentence_index=[0, 0, 1], text=texts,
                                  char_start=[0, 0, 100], char_end=[90, 90, 160]))
    q = quantities_table(dict(sentences=sentences, turns=pd.DataFrame(dict(doc_id=["a", "b"], turn_index=0,
                                                                             speaker="X"))))
    (row,) = restatement_checks(q).itertuples()
    # the two trade sentences differ only in the figure: $27 billion vs $25 billion → inconsistent;
    # the embassy sentence shares the figure but not the context, so it is not grouped with them
    assert (row.stated, row.computed, row.is_consistent) == ("$27 billion", "$25 billion", False)
    assert "2 statements" in row.explanation


def _turn(*texts):
    n = len(texts)
    return pd.DataFrame(dict(doc_id="d", turn_index=0, sentence_index=range(n), speaker="X",
                             char_start=[100 * i for i in range(n)], char_end=[100 * i + 99 for i in range(n)],
                             text=list(texts)))


@pytest.mark.parametrize("texts, expected", [
    # "B, down from A": (1 − 24,000/184,000) × 100 = 86.96 → 87.0%, as stated
    (["Cases fell to 24,000 cases a day, down from 184,000 cases a day in January, an 87 percent decrease."],
     [("87%", "87.0%", True)]),
    # 450,000 / 260,000 = 1.731 → 73.1%; "more than a 70 percent increase" is one-sided: consistent
    (["Back in July, we were averaging 260,000 first shots a day.",
      "Today, we are getting 450,000 first shots a day — more than a 70 percent increase."],
     [("70%", "73.1%", True)]),
    # the base ("our prior seven-day average") is not given: nothing to recompute
    (["CDC reported over 34,600 cases.",
      "Our average is 54,400 cases per day, a decline of about 21 percent from our prior seven-day average."], []),
    # the amounts are not tied to the percentage ("in which there was"): left out
    (["The trial of around 1,500 people stopped after 775 people, in which there was a 50 percent decrease."], []),
])
def test_change_check_pairing(texts, expected):
    from transcripts.quantities import change_checks
    got = change_checks(_turn(*texts))
    assert [(r.stated, r.computed, r.is_consistent) for r in got.itertuples()] == expected


@pytest.mark.parametrize("doc_ids, focus_doc, all_docs, expected", [
    (["b", "a", "b"], "", None, "b"),  # b has 2 claims, a 1
    (["b", "a", "a", "b"], "", None, "a"),  # a tie: the first doc_id in sort order
    (["b", "a", "b"], "a", None, "a"),  # asked for: used even with fewer claims
    ([], "", ["a"], None),  # no claims: nothing to map
    (["b"], "a", ["a", "b"], None),  # an event of the corpus without claims
])
def test_focus_event(doc_ids, focus_doc, all_docs, expected):
    from transcripts.claims import focus_event
    assert focus_event(pd.DataFrame(dict(doc_id=doc_ids), dtype=object), focus_doc, all_docs) == expected


def test_focus_event_unknown_doc_is_a_clear_error():
    from transcripts.claims import focus_event
    with pytest.raises(TranscriptError, match=r"focus_doc 'nope' is not an event of this corpus.*'b', 'a'"):
        focus_event(pd.DataFrame(dict(doc_id=["a", "b", "b"])), "nope", ["a", "b"])


@pytest.mark.parametrize("n_labelled, expected", [
    ([9, 6, 2], "factual"),  # recall 0.5, 0.4, 0.1: denial has under 5 labels, so factual (0.4) is lowest
    ([4, 3, 2], None),  # no type has 5 labels: no type to show (used to raise IndexError in notebook 04)
])
def test_lowest_recall_type(n_labelled, expected):
    from transcripts.claims import lowest_recall_type
    scores = pd.DataFrame(dict(claim_type=["numeric", "factual", "denial"], n_labelled=n_labelled,
                               recall=[0.5, 0.4, 0.1]))
    assert lowest_recall_type(scores) == expected


_NUMBER_WORDS = ["a", "one", "two", "about", "nearly", "more", "than", "dozens", "hundreds", "tens", "thousands", "of",
                 "millions", "billion", "third", "thirds", "half", "quarter", "percent", "%", "$", "5", "1,000", "years",
                 "ago", "in", "the", "next", "doubled", "from", "to", "people", "dollars", "times", "(", ")"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_NUMBER_WORDS), min_size=1, max_size=10))
def test_number_words_never_break_the_parser(words):
    # any mix of number words, scales, fractions and vague amounts parses (no exception), and every
    # quantity's span points into the text
    text = " ".join(words)
    for q in parse_quantities(text):
        assert 0 <= q.start < q.end <= len(text)
        assert q.kind in {"money", "percent", "count", "duration", "ratio", "date"}


# --------------------------------------------------------------------------- issue 13: the failure kinds

@pytest.mark.parametrize("sentence, side, expected", [
    # procedure is set apart, and nothing else
    ("Let's take a few questions.", "United States", {"procedural"}),
    ("I'll come back to you.", "United States", {"procedural"}),
    # a promise of information to the press is procedure, not a commitment; sending documents to officials is not
    ("We’ll get you an answer.", "United States", {"procedural"}),
    ("If you did not receive it, we'll make sure to get that to you all.", "United States", {"procedural"}),
    ("And we'll continue to do that.", "United States", {"procedural"}),
    ("Let's do it.", "United States", {"procedural"}),
    ("We will now show you a short video.", "Russia", {"procedural"}),
    ("My name is Anna Smith, I am from Reuters.", "", {"procedural"}),
    ("I have a question about the sanctions.", "", {"procedural"}),
    ("Go ahead.", "United States", {"procedural"}),
    # commitments need an actor and an object, contractions included
    ("We're going to send another package of assistance to Ukraine.", "United States", {"commitment"}),
    ("We've committed to cutting emissions by half.", "United States", {"commitment"}),
    ("Russia is ready to resume the talks.", "Russia", {"commitment"}),
    ("Russia is ready to resume the talks.", "United States", {"factual"}),  # a report, not one's own promise
    # "-ed" words that are no verbs, "States" in a name
    ("Indeed, the two economies are intertwined.", "Russia", set()),
    ("The United States remains committed to the alliance.", "United States", {"commitment"}),
    # evaluations with contractions and articles, evaluative verbs
    ("It's very important.", "United States", {"position"}),
    ("It is an important relationship.", "United States", {"position"}),
    ("We condemn the attack on the embassy.", "United States", {"position"}),
    # negated blame is no accusation; blame of another party is
    ("The country is not going to be attacked.", "Russia", set()),
    ("Russia is interfering in our elections.", "United States", {"accusation"}),
    # an admission is no denial; a rejection is
    ("I have no proof of this.", "Russia", set()),
    ("That's simply not true.", "United States", {"denial"}),
    # a time reference is no numeric claim; a number in words is
    ("This happened over 75 years ago.", "Russia", {"factual"}),
    ("We have vaccinated a billion people.", "United States", {"numeric", "factual"}),
    # "occupation" as a job
    ("Our operators fill in forms with the caller's name, age and occupation.", "Russia", set()),
])
def test_classify_issue_13(sentence, side, expected):
    assert {h.claim_type for h in classify(sentence, speaker_side=side)} == expected


@pytest.mark.parametrize("text, expected", [
    # (kind, value, unit, normalized_value): "a billion" = 1 × 10^9; "about five" with its noun
    ("a billion people got vaccines", [("count", 1.0, "people", 1e9)]),
    ("about five facilities were hit", [("count", 5.0, "facilities", 5.0)]),
    # vague amounts read as their lower bound: dozens = 2 × 12, hundreds of thousands = 2 × 100 × 1,000
    ("dozens of companies have left", [("count", 24.0, "companies", 24.0)]),
    ("hundreds of thousands of people fled", [("count", 200000.0, "people", 200000.0)]),
    ("billions of dollars in projects", [("money", 2e9, "USD", 2e9)]),
    # fractions as percentages: a third = 100/3 = 33.33 %, two thirds = 66.67 %
    ("a third of the budget", [("percent", 33.33, "%", 33.33)]),
    ("about two thirds of districts", [("percent", 66.67, "%", 66.67)]),
    # time references are dates, measured spans are durations
    ("over 75 years ago", [("date", 75.0, "time reference", None)]),
    ("in the next three months", [("date", 3.0, "time reference", None)]),
    ("people wait for 300 days", [("duration", 300.0, "days", 300.0)]),
    # an idiom is no figure
    ("we remain 100 percent focused on this", []),
])
def test_numbers_in_words_and_time_references(text, expected):
    assert [(q.kind, q.value, q.unit, q.normalized_value) for q in parse_quantities(text)] == expected


def test_numeric_phrasings_are_checked_as_worked_by_hand():
    # tests/fixtures/numeric_phrasings.csv: each row's arithmetic is worked in its `arithmetic` column
    # (e.g. 27 / 20 = 1.35, so "33 percent" is 2 points off: inconsistent; 7 / (27 − 7) = 35 %)
    from transcripts.validation import check_phrasings
    got = check_phrasings()
    assert len(got) >= 15 and got.ok.all(), got[~got.ok][["phrasing", "expected", "found"]]
    assert {"change", "multiple", "restatement"} == set(got.check)
    assert (~got[got.phrasing.str.contains("wrong")].found.str.endswith("True")).all()  # wrong ones flagged


def test_restatements_never_pair_two_amounts_of_one_sentence():
    from transcripts.quantities import restatement_checks
    # two sentences, each with the same two different amounts: the old grouping by sentence context put all
    # four in one group and reported "$240 million" against "$1 billion" as one quantity restated
    texts = ["The package adds $240 million on top of the $1 billion we gave to Ukraine last year.",
             "Again, the package adds $240 million on top of the $1 billion we gave to Ukraine last year."]
    sentences = pd.DataFrame(dict(doc_id="a", turn_index=0, sentence_index=[0, 1], text=texts, char_start=[0, 100],
                                  char_end=[90, 195]))
    q = quantities_table(dict(sentences=sentences, turns=pd.DataFrame(dict(doc_id=["a"], turn_index=0, speaker="X"))))
    checks = restatement_checks(q, threshold=0.5)
    assert checks.is_consistent.all()
    for row in checks.itertuples():
        assert row.stated == row.computed  # an amount is only ever grouped with itself


# --------------------------------------------------------------------------- sides from who speaks

@pytest.mark.parametrize("speaker, role, fmt, kw, expected", [
    # the registry's affiliation first
    ("Sergey Lavrov", "official", "mid_text", dict(affiliation="Russia"), ("Russia", "registry")),
    # a country in the label's office: a foreign leader at the Kremlin keeps their own side
    ("Peter Pellegrini", "official", "kremlin_html", dict(label="Prime Minister of the Slovak Republic Peter Pellegrini"),
     ("Slovakia", "label office")),
    ("Xi Jinping", "official", "kremlin_html",
     dict(label="President of the People’s Republic of China Xi Jinping (retranslated)"), ("China", "label office")),
    ("Rumen Radev", "official", "kremlin_html", dict(label="President of Bulgaria Rumen Radev"),
     ("Bulgaria", "label office")),
    # the title: a foreign leader at a White House joint press conference is not American
    ("Prime Minister Morrison", "official", "whitehouse_md",
     dict(label="PRIME MINISTER MORRISON", title="Remarks by President Biden and Prime Minister Morrison of Australia"),
     ("Australia", "title")),
    ("President Ruto", "official", "whitehouse_md",
     dict(label="PRESIDENT RUTO", title="Remarks by President Biden and President Ruto of Kenya in Joint Press Conference"),
     ("Kenya", "title")),
    ("The President", "official", "whitehouse_md", dict(label="THE PRESIDENT", title="Remarks by President Biden"),
     ("United States", "title")),
    # a host office in the label: a guess, and said to be one
    ("Alejandro Mayorkas", "official", "whitehouse_md", dict(label="SECRETARY MAYORKAS"), ("United States", "host office")),
    # a head of government's office without a country is no host office: unknown
    ("Prime Minister Smith", "official", "whitehouse_md", dict(label="PRIME MINISTER SMITH"), ("", "unknown")),
    # nobody and nothing names the side: unknown, not the file format's
    ("Mr. Jones", "official", "whitehouse_md", dict(label="MR. JONES"), ("", "unknown")),
    ("Press", "press", "whitehouse_md", dict(label="Q"), ("", "unknown")),
])
def test_sides_from_who_speaks(speaker, role, fmt, kw, expected):
    from transcripts.sides import resolve_side
    assert resolve_side(speaker, role, fmt, load_rules(), **kw) == expected


def test_a_speaker_keeps_a_side_known_from_another_event():
    from transcripts.sides import side_table
    # Xi Jinping is named with his office in one event and by name alone in another, where a guess from the
    # Kremlin's format would have made him Russian
    turns = pd.DataFrame(dict(doc_id=["a", "b", "b"], turn_index=[0, 0, 1], speaker=["Xi Jinping", "Xi Jinping", "Nobody"],
                              role="official", label=["President of the People's Republic of China Xi Jinping",
                                                      "Xi Jinping", "Nobody"], affiliation=None))
    docs = pd.DataFrame(dict(doc_id=["a", "b"], format="kremlin_html", title=["Talks", "Press statements"]))
    got = side_table(dict(turns=turns, documents=docs), load_rules())
    assert got.side.tolist() == ["China", "China", ""]
    assert got.side_source.tolist()[0] == "label office" and got.side_source.tolist()[2] == "unknown"


# --------------------------------------------------------------------------- check-worthiness ranker

def test_every_sentence_is_scored_with_few_ties(sample_tables, claims):
    from transcripts.claims import score_sentences
    scores = score_sentences(sample_tables, claims=claims, workers=1)
    assert len(scores) == len(sample_tables["sentences"]) == 186
    assert list(scores.columns) == ["doc_id", "turn_index", "sentence_index", "checkworthiness"]
    assert scores.checkworthiness.between(0, 1).all()
    assert scores.checkworthiness.nunique() >= 0.95 * len(scores)  # few ties
    # the trade figures outrank the courtesies: the sentence with $20 and $27 billion is in the top 3
    top = scores.nlargest(3, "checkworthiness").merge(sample_tables["sentences"])
    assert top.text.str.contains("$27 billion", regex=False).any()


def _word_matrix_by_hand(texts, vocab, idf):
    """The TF-IDF rows one text at a time, as the docstring of `word_matrix` describes them (the way the
    code computed them before the claim step was sped up): counts × IDF over the vocabulary's terms,
    each row divided by its length."""
    from collections import Counter

    import numpy as np
    from scipy.sparse import csr_matrix

    from transcripts.checkworthiness import tokens

    rows, cols, data = [], [], []
    for i, t in enumerate(texts):
        counts = Counter(vocab[w] for w in tokens(t) if w in vocab)
        if not counts:
            continue
        js = sorted(counts)
        vals = np.array([counts[j] * idf[j] for j in js])
        vals /= np.sqrt((vals * vals).sum())
        rows += [i] * len(js)
        cols += js
        data += vals.tolist()
    return csr_matrix((np.array(data, dtype=float), (np.array(rows, dtype=int), np.array(cols, dtype=int))),
                      shape=(len(texts), len(vocab)))


def test_word_matrix_equals_one_text_at_a_time(sample_tables):
    # all texts at once (the fast path) gives the same values to the last bit as one text at a time
    import numpy as np

    from transcripts.checkworthiness import load_model, word_matrix

    model = load_model()
    texts = [" ".join(str(t).split()) for t in sample_tables["sentences"].text]
    texts += ["", "12 12 12", "We cut taxes by 20%.", " ".join(["the president said"] * 60)]  # empty, >128 terms
    fast = word_matrix(texts, model.vocab, model.idf)
    slow = _word_matrix_by_hand(texts, model.vocab, model.idf)
    assert fast.shape == slow.shape
    assert (fast != slow).nnz == 0
    assert np.array_equal(fast.toarray(), slow.toarray())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 300), min_size=1, max_size=12))
def test_row_sums_add_like_numpy(sizes):
    # NumPy sums a row pairwise (eight partial sums from 8 values on); row_sums must add in the same order
    import numpy as np

    from transcripts.checkworthiness import row_sums

    rng = np.random.default_rng(sum(sizes))
    values = rng.random(sum(sizes)) * 10.0 ** rng.integers(-3, 4, sum(sizes))
    indptr = np.concatenate([[0], np.cumsum(sizes)])
    want = [values[a:b].sum() for a, b in zip(indptr[:-1], indptr[1:])]
    assert row_sums(values, indptr).tolist() == want


def test_one_pass_equals_scoring_apart(sample_tables, claims):
    # claims and scores found in one pass equal the scores computed apart from the claims' types
    from transcripts import claims as C
    from transcripts.checkworthiness import score_sentences

    C._RECENT_SCORES.clear()  # no scores remembered: score every document again from the claims
    apart = score_sentences(sample_tables, claims=claims, workers=1)
    together, scores = C.claims_and_scores(sample_tables, workers=1, progress=False)
    pd.testing.assert_frame_equal(together, claims, check_exact=True)
    pd.testing.assert_frame_equal(scores.reset_index(drop=True), apart.reset_index(drop=True), check_exact=True)
    # and the remembered scores are served only for the same claims
    assert C.recent_scores(sample_tables, claims, load_rules()) is not None
    assert C.recent_scores(sample_tables, claims.iloc[1:], load_rules()) is None


def test_who_speaks_matters_to_the_score():
    from transcripts.checkworthiness import score_frame
    text = "Unemployment fell to 3.5 percent last year, the lowest in fifty years."
    frame = pd.DataFrame(dict(text=[text] * 2, role=["official", "moderator"], types=["numeric;factual"] * 2))
    official, moderator = score_frame(frame)
    assert official > moderator  # candidates' and officials' claims are what fact-checkers pick


def test_the_shipped_model_is_small_plain_json_with_its_figures():
    import json
    from transcripts.checkworthiness import DENSE, MODEL_FILE
    assert MODEL_FILE.stat().st_size < 400_000
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert data["dense"] == list(DENSE) and len(data["terms"]) == len(data["idf"]) == len(data["coef_words"])
    cv = data["meta"]["cross_validation"]
    assert cv["model"]["MAP"] >= 0.20 and cv["model"]["MAP"] > cv["bow"]["MAP"]


def test_a_model_for_other_features_is_a_clear_error(tmp_path):
    import json
    from transcripts.checkworthiness import MODEL_FILE, load_model
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    data["dense"] = data["dense"][:-1]
    bad = tmp_path / "model.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(TranscriptError, match="other features"):
        load_model(str(bad))


# --------------------------------------------------------------------------- validation on one's own corpus

def test_wilson_interval_by_hand():
    from transcripts.validation import wilson
    # k=8, n=10, z=1.96: centre (0.8 + 0.19208)/1.38416 = 0.7168; half 1.96·sqrt(0.016 + 0.009604)/1.38416 = 0.2266
    lo, hi = wilson(8, 10)
    assert (round(lo, 3), round(hi, 3)) == (0.49, 0.943)
    assert wilson(0, 0) != wilson(0, 0)  # nan when nothing was predicted


def test_scoring_a_sheet_by_hand():
    from transcripts.validation import score_sheet
    sheet = pd.DataFrame(dict(text=["a", "b", "c", "d"], role="official", weight=[1.0, 1.0, 2.0, 2.0],
                              types=["position", "position", "", "factual"], borderline=["", "", "position", ""]))
    predicted = [{"position"}, set(), {"position"}, {"factual", "position"}]
    got = score_sheet(sheet, predicted).set_index("claim_type")
    # position: tp 1 (a), fn 1 (b), fp 2 (c borderline, d) → precision 1/3 strict, 2/3 lenient; recall 1/2
    p = got.loc["position"]
    assert (p.tp, p.fp, p.fn, p.fp_borderline) == (1, 2, 1, 1)
    assert (p.precision, p.precision_lenient, p.recall) == (0.333, 0.667, 0.5)
    # weighted precision: (1·1) / (1·1 + 2·1 + 2·1) = 0.2
    assert p.precision_w == 0.2
    # overall over the claim types: tp 2 (a position, d factual), fp 2, fn 1
    o = got.loc["overall"]
    assert (o.tp, o.fp, o.fn) == (2, 2, 1)


def test_labelling_sheet_is_stratified_and_hides_the_predictions(sample_tables):
    from transcripts.validation import SHEET_COLUMNS, labelling_sheet
    sheet = labelling_sheet(sample_tables, n=60, seed=1)
    assert list(sheet.columns) == SHEET_COLUMNS and 0 < len(sheet) <= 60
    assert (sheet.types == "").all() and sheet.stratum.str.fullmatch(r"s\d\d").all()
    # the weights add up to the sentences of the corpus (each stratum: its size over its draws)
    assert abs(sheet.weight.sum() - 186) < 1.0
    again = labelling_sheet(sample_tables, n=60, seed=1)
    assert sheet.sheet_id.tolist() == again.sheet_id.tolist() and sheet.text.tolist() == again.text.tolist()


@pytest.mark.parametrize("content, message", [
    ("text,role\nWe agreed.,official\n", "lacks column"),
    ("text,role,types\nWe agreed.,official,rumour\n", "unknown claim type"),
    ("sheet_id,text,role,types\na,x,official,\na,y,official,\n", "appears twice"),
])
def test_a_bad_sheet_is_a_clear_error(tmp_path, content, message):
    from transcripts.validation import read_sheet
    path = tmp_path / "sheet.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TranscriptError, match=message):
        read_sheet(path)
