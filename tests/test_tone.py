"""`compound` (`transcripts.analysis.speakers.vader`, also importable as `transcripts.tone.compound`) gives
exactly VADER's own compound score (vaderSentiment's polarity_scores)."""
from __future__ import annotations

import pytest
import vaderSentiment.vaderSentiment as V
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import WHITEHOUSE_DIR, needs_whitehouse
from transcripts.analysis.speakers.vader import compound


@pytest.fixture(scope="module")
def vader():
    return V.SentimentIntensityAnalyzer()


def _mismatches(vader, texts):
    return [(t, vader.polarity_scores(t)["compound"], compound(t)) for t in texts
            if vader.polarity_scores(t)["compound"] != compound(t)]


def test_vader_examples(vader):
    # VADER's own demonstration sentences: every rule it has (caps, boosters, "kind of", negation,
    # "but", "least", idioms, emoticons, emoji, punctuation) is in one of them
    texts = ["VADER is smart, handsome, and funny.", "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
             "VADER is not smart, handsome, nor funny.", "At least it isn't a horrible book.",
             "The book was only kind of good.",
             "The plot was good, but the characters are uncompelling and the dialog is not great.",
             "Today SUX!", "Today only kinda sux! But I'll get by, lol", "Make sure you :) or :D today!",
             "Catch utf-8 emoji such as 💘 and 💋 and 😁", "Not bad at all", "Sentiment analysis has never been this good!",
             "With VADER, sentiment analysis is the shit!", "On the other hand, VADER is quite bad ass",
             "Without a doubt, excellent idea.", "Roger Dodger is one of the least compelling variations on this theme.",
             "Roger Dodger is at least compelling as a variation on the theme.", "No problem, no worries.",
             "", "   ", "?!?!", "Thank you.", "We have no good or bad options.",
             # rules that random sentences rarely reach: "never so … <word>", "very least", a three-word idiom
             "It was never so much good news.", "He is the very least helpful man.",
             "It was a real kiss of death for them."]
    assert _mismatches(vader, texts) == []
    assert compound("The book was good.") > 0.05 and compound("It was a horrible, terrible war.") < -0.05
    assert compound("The meeting is at noon.") == 0.0  # no lexicon word


def test_sample_sentences(vader, sample_tables):
    texts = sample_tables["sentences"].text.astype(str).tolist()
    assert len(texts) == 186
    assert _mismatches(vader, texts) == []


# words VADER treats specially, so that generated sentences hit its rules in every combination
_SPECIAL = (["no", "not", "never", "without", "doubt", "least", "at", "very", "so", "this", "but", "BUT", "kind",
             "of", "or", "nor", "isn't", "don't", "n't", "despite", "the", "bomb", "shit", "bad", "ass", "yeah",
             "right", "kiss", "death", "to", "die", "for", "cut", "mustard", "sort", "just", "enough", "NOT"]
            + sorted(V.BOOSTER_DICT)[:40] + [w.upper() for w in sorted(V.BOOSTER_DICT)[:5]])
_LEXICON = ["good", "GOOD", "bad", "great", "war", "peace", "thank", "yes", "no", "like", "love", "hate", "kind",
            "free", "please", "threat", "agree", "support", "crisis", "hope", "HOPE", "sorry", "attack", "safe"]
_OTHER = ["Russia", "the", "we", "talks", "Mr.", "minister", "2019", ":)", ":D", "-", "—", "'s", "U.S.", "..."]
_PUNCT = ["", "", "", ",", ".", "!", "?", "!!", "?!", "...", ":", ";", "'", '"', ")"]


@st.composite
def _sentences(draw):
    words = draw(st.lists(st.sampled_from(_SPECIAL + _LEXICON + _OTHER), min_size=0, max_size=14))
    text = " ".join(w + draw(st.sampled_from(_PUNCT)) for w in words)
    if draw(st.booleans()):
        text = draw(st.sampled_from(["", " ", "  ", "\t"])) + text + draw(st.sampled_from(["", " ", "!", "?", "??", "😁"]))
    return text


@settings(max_examples=1500, deadline=None)
@given(_sentences())
def test_generated_sentences(vader, text):
    assert compound(text) == vader.polarity_scores(text)["compound"], text


@needs_whitehouse
def test_whitehouse_lines(vader):
    """Every non-blank line of one White House briefing in twelve (real speech, about 30,000 lines)."""
    files = sorted(WHITEHOUSE_DIR.rglob("*.md"))[::24]
    texts = [line for f in files for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(texts) > 10_000
    assert _mismatches(vader, texts) == []
    assert sum(compound(t) != 0 for t in texts) > len(texts) / 3
