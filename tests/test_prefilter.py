"""The pre-filters that skip regular expressions must never skip a text the expression would match."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transcripts import claims as C
from transcripts import quantities as Q
from transcripts.prefilter import fold, may_match, required_literals

from conftest import WHITEHOUSE_DIR, build_subset, needs_whitehouse


def _rule_patterns() -> list[re.Pattern]:
    rules = C.load_rules()
    return [p for pats in rules.cues.values() for _, p in pats] + [p for ps in rules.unless.values() for p in ps]


def _violations(texts) -> list[tuple[str, str]]:
    """(pattern, text) pairs where the pattern matches but its pre-filter said it could not."""
    bad = []
    for p in _rule_patterns():
        needs = required_literals(p)
        for t in texts:
            if p.search(t) and not may_match(needs, fold(t)):
                bad.append((p.pattern[:60], t[:80]))
    return bad


def test_worked_out_literals_by_hand():
    # every match of these must contain one of the listed words; checked by reading the patterns
    assert required_literals(re.compile(r"(?<!\w)(?:we|i)\s+(?:will|shall)\s+\w+", re.I)) == {"will", "shall"}
    assert required_literals(re.compile(r"no\s+(?:evidence|proof)", re.I)) == {"evidence", "proof"}
    assert required_literals(re.compile(r"(?:refuse[sd]?)\s+to", re.I)) == {"refuse"}  # "refuses" and "refused" hold it
    # nothing literal to require, or only short words: no pre-filter (the pattern always runs)
    assert required_literals(re.compile(r"\w+ed\b")) is None
    assert required_literals(re.compile(r"(?:is|are)\s+\w+")) is None
    # either branch: one of each branch's words
    assert required_literals(re.compile(r"(?:ready\s+)?now|later", re.I)) == {"now", "later"}
    # an optional word is not required; the next mandatory one is
    assert required_literals(re.compile(r"(?:strongly\s+)?(?:condemn|reject)s?", re.I)) == {"condemn", "reject"}


def test_fold_follows_ignorecase():
    # re.IGNORECASE treats these as equal to ASCII letters; the fold must too, or a match would be skipped
    for text in ["ſtrongly", "İnvaded", "\u212aremlin", "ınvaded"]:
        for p in [re.compile("strongly", re.I), re.compile("invaded", re.I), re.compile("kremlin", re.I)]:
            if p.search(text):
                assert may_match(required_literals(p), fold(text)), (p.pattern, text)


def test_claim_rules_on_the_sample(sample_tables):
    texts = [" ".join(t.split()) for t in sample_tables["sentences"].text]
    assert _violations(texts) == []


@needs_whitehouse
def test_claim_rules_on_white_house_sentences(tmp_path):
    from transcripts import load_tables

    processed = build_subset(sorted(WHITEHOUSE_DIR.rglob("*.md"))[::60], tmp_path)
    texts = [" ".join(t.split()) for t in load_tables(processed)["sentences"].text]
    assert len(texts) > 2000
    assert _violations(texts) == []


_WORDS = ["we", "will", "believe", "Russia’s", "position", "no", "evidence", "nothing", "to", "do", "with",
          "agreed", "refused", "ſ", "İ", "K", "'ll", "’ll", "I", "times", "twice", "table", "on", "the", "12", "May"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_WORDS) | st.text(max_size=3), min_size=1, max_size=12),
       st.sampled_from([" ", "  ", "", "-"]))
def test_claim_rules_on_random_texts(words, sep):
    assert _violations([sep.join(words)]) == []


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["two", "Twelve", "times", "half", "$", "%", "percent", "December", "10", "3.5",
                                 "million", "days", "over", "about", "G20", "twice", "as", "many", "a", "third", "of",
                                 "dozens", "billion", "ago"])
                | st.text(max_size=4), min_size=1, max_size=10))
def test_quantity_prefilter_is_sound(words):
    text = " ".join(words)
    if not Q._may_hold_quantity(text):
        for rx in (Q._DATE_RE, Q._YEAR_RE, Q._QUANT_RE, Q._BETWEEN_RE, Q._RATIO_RE, Q._VAGUE_RE, Q._FRACTION_RE):
            assert rx.search(text) is None, (rx.pattern[:40], text)


@pytest.mark.parametrize("text", ["The talks will resume.", "It fell by a lot.", "Nothing was agreed."])
def test_quantity_prefilter_skips_texts_without_numbers(text):
    assert not Q._may_hold_quantity(text)
    assert Q.parse_quantities(text) == []


def test_column_prefilter_lets_through_every_character_python_would():
    """`may_hold_quantity` (Arrow) must pass every text `_may_hold_quantity` (Python) passes: every
    character Python's `\\d` calls a digit, and every character outside ASCII that folds onto an ASCII
    letter, must reach the Python test."""
    import sys

    import pandas as pd

    digits = [chr(c) for c in range(0x80, sys.maxunicode + 1) if re.match(r"\d", chr(c))]
    exotic = [chr(c) for c in range(0x80, sys.maxunicode + 1)
              if not 0xD800 <= c <= 0xDFFF and re.search(r"[a-z]", fold(chr(c)))]
    assert len(digits) > 500 and set(exotic) == {"\u0130", "\u0131", "\u017f", "\u212a"}  # İ ı ſ K
    texts = pd.Series([f"in {d} days" for d in digits] + [w.replace("i", e).replace("s", e).replace("k", e)
                                                          for e in exotic for w in Q._HINT_ORDER])
    arrow = Q.may_hold_quantity(texts)
    python = [Q._may_hold_quantity(t) for t in texts]
    assert arrow.tolist() == python and sum(python) >= len(digits)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["two", "TWELVE", "times", "Half", "$", "10", "3.5", "٣", "ſix", "fİve",
                                           "twenty-five", "often", "weight", "halfway", "ok"])
                         | st.text(max_size=4), min_size=0, max_size=8).map(" ".join), min_size=1, max_size=20))
def test_column_prefilter_equals_python(texts):
    import pandas as pd

    assert Q.may_hold_quantity(pd.Series(texts)).tolist() == [Q._may_hold_quantity(t) for t in texts]


def test_column_prefilter_on_odd_values():
    import pandas as pd

    odd = pd.Series([None, pd.NA, float("nan"), b"two", b"\x01", 3, "\ud800 2", "", "ok"], dtype=object)
    assert Q.may_hold_quantity(odd).tolist() == [Q._may_hold_quantity(str(t)) for t in odd]
    assert Q.may_hold_quantity(pd.Series([], dtype=object)).tolist() == []


# --------------------------------------------------------------------------- the claim step's faster machinery

from transcripts.prefilter import TokenIndex  # noqa: E402

_INDEX_WORDS = ["believe", "'ll", "on the table", "no", "nothing", "table", "Ta", "ſt", "12", "-", "we'", "abc", "bc"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_INDEX_WORDS + ["we", "ll", "notable", "abcd", "x"]) | st.text(max_size=3),
                min_size=0, max_size=10), st.sampled_from([" ", "", "'", "-"]))
def test_token_index_is_a_substring_test(words, sep):
    # `present` is exactly the words that are substrings of the text; `union` the or of their weights
    text = sep.join(words)
    index = TokenIndex(_INDEX_WORDS, weights=[1 << (i % 5) for i in range(len(_INDEX_WORDS))])
    want = {w for w in _INDEX_WORDS if w in text}
    assert index.present(text) == want
    union = 0
    for i, w in enumerate(_INDEX_WORDS):
        if w in want:
            union |= 1 << (i % 5)
    assert index.union(text) == union


def test_token_index_by_hand():
    index = TokenIndex(["believe", "'ll", "on the table"])
    assert index.present("We'll believe it when it's on the table.") == {"believe", "'ll", "on the table"}
    assert index.present("I believed them; on the tables") == {"believe", "on the table"}  # substrings, as `in`
    assert index.present("we will, on the  table") == set()  # two spaces: not the phrase


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS + ["committed", "going", "ready", "propose", "accuse", "deny", "said", "is",
                                          "We're", "they", "attacked", "Washington", "important", "believe"])
                | st.text(max_size=3), min_size=1, max_size=14))
def test_runnable_never_skips_a_pattern_that_matches(words):
    # every cue or veto that matches a text has its bit in `Rules.runnable` (else classify would skip it)
    rules = C.load_rules()
    text = " ".join(words)
    runs = rules.runnable(fold(text))
    for kind, table in (("cue", rules.cue_checks), ("unless", rules.unless_checks)):
        for ctype, checks in table.items():
            run = rules.plan(kind, ctype, runs)
            for _, pat in checks:
                if pat.search(text):
                    assert pat in run, (kind, ctype, pat.pattern[:60], text)
