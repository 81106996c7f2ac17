"""VADER's compound score, the same numbers as `vaderSentiment` 3.3.2, three to four times faster.

`SentimentIntensityAnalyzer.polarity_scores` spends most of its time on work that does not change
the compound score of a transcript sentence: it rebuilds the text character by character to replace
emoji (briefings have none), and lower-cases the whole sentence again for every rule it checks at
every sentiment word. Nearly half of all briefing sentences hold no word of VADER's lexicon at all,
and their score is 0 whatever the rules say (only lexicon words get a valence).

`compound(text)` therefore
- hands any text holding an emoji character to VADER itself, unchanged;
- returns 0.0 at once when no word (split and stripped of punctuation as VADER does) is in the lexicon;
- otherwise runs VADER's rules on words lower-cased once, in the same order and with the same
  arithmetic, and VADER's own code for the "but" rule and the final scoring.

The equivalence is tested on the sample, on every White House sentence when `../shared` is
present, and on generated sentences crowded with VADER's special words (tests/test_tone.py).
"""
from __future__ import annotations

import string
from functools import lru_cache

import vaderSentiment.vaderSentiment as V

__all__ = ["compound"]


@lru_cache(maxsize=1)
def _analyser() -> V.SentimentIntensityAnalyzer:
    return V.SentimentIntensityAnalyzer()


@lru_cache(maxsize=1)
def _emoji_chars() -> frozenset[str]:
    # polarity_scores tests one character at a time, so only one-character keys can ever match
    return frozenset(k for k in _analyser().emojis if len(k) == 1)


_TOKENS: dict[str, tuple[str, str]] = {}  # token -> (VADER's word, lower-cased); cleared when large


def _word(token: str) -> tuple[str, str]:
    """`SentiText._strip_punc_if_word(token)` and its lower-case form, remembered."""
    hit = _TOKENS.get(token)
    if hit is None:
        if len(_TOKENS) > 500_000:
            _TOKENS.clear()
        stripped = token.strip(string.punctuation)
        word = token if len(stripped) <= 2 else stripped
        hit = _TOKENS[token] = (word, word.lower())
    return hit


def compound(text: str) -> float:
    """VADER's compound score of `text` (-1 … +1, rounded to 4 places), as `polarity_scores` gives it."""
    analyser = _analyser()
    if not _emoji_chars().isdisjoint(text):
        return analyser.polarity_scores(text)["compound"]
    text = text.strip()
    cache = _TOKENS
    pairs = [cache.get(w) or _word(w) for w in text.split()]
    lows = [low for _, low in pairs]
    lexicon = analyser.lexicon
    hits = [i for i, low in enumerate(lows) if low in lexicon]
    if not hits:
        return 0.0
    words = [word for word, _ in pairs]
    is_cap_diff = V.allcap_differential(words)
    booster = V.BOOSTER_DICT
    n = len(words)
    # every word outside the lexicon, every booster word and "kind" in "kind of" scores 0 (an int, as in VADER)
    sentiments: list[float] = [0] * n
    for i in hits:
        low = lows[i]
        if low in booster or (i < n - 1 and low == "kind" and lows[i + 1] == "of"):
            continue
        sentiments[i] = _valence(words[i], low, i, words, lows, lexicon, is_cap_diff)
    if "but" in lows:  # SentimentIntensityAnalyzer._but_check, as written (list.index finds equal values)
        bi = lows.index("but")
        for sentiment in sentiments:
            si = sentiments.index(sentiment)
            if si < bi:
                sentiments.pop(si)
                sentiments.insert(si, sentiment * 0.5)
            elif si > bi:
                sentiments.pop(si)
                sentiments.insert(si, sentiment * 1.5)
    # SentimentIntensityAnalyzer.score_valence (sentiments is not empty: some word is in the lexicon), the compound part
    sum_s = float(sum(sentiments))
    ep = min(text.count("!"), 4) * 0.292
    qm_count = text.count("?")
    qm = 0 if qm_count <= 1 else (qm_count * 0.18 if qm_count <= 3 else 0.96)
    punct = ep + qm
    if sum_s > 0:
        sum_s += punct
    elif sum_s < 0:
        sum_s -= punct
    return round(V.normalize(sum_s), 4)


def _valence(item, low, i, words, lows, lexicon, is_cap_diff):
    """`SentimentIntensityAnalyzer.sentiment_valence` for a lexicon word, on words lower-cased once."""
    n = len(words)
    valence = lexicon[low]
    if low == "no" and i != n - 1 and lows[i + 1] in lexicon:
        valence = 0.0
    if (i > 0 and lows[i - 1] == "no") or (i > 1 and lows[i - 2] == "no") \
            or (i > 2 and lows[i - 3] == "no" and lows[i - 1] in ["or", "nor"]):
        valence = lexicon[low] * V.N_SCALAR
    if item.isupper() and is_cap_diff:
        valence = valence + V.C_INCR if valence > 0 else valence - V.C_INCR
    for start_i in range(0, 3):
        if i > start_i and lows[i - (start_i + 1)] not in lexicon:
            s = V.scalar_inc_dec(words[i - (start_i + 1)], valence, is_cap_diff)
            if start_i == 1 and s != 0:
                s = s * 0.95
            if start_i == 2 and s != 0:
                s = s * 0.9
            valence = valence + s
            valence = _negation_check(valence, lows, start_i, i)
            if start_i == 2:
                valence = _special_idioms_check(valence, lows, i)
    # _least_check
    if i > 1 and lows[i - 1] not in lexicon and lows[i - 1] == "least":
        if lows[i - 2] != "at" and lows[i - 2] != "very":
            valence = valence * V.N_SCALAR
    elif i > 0 and lows[i - 1] not in lexicon and lows[i - 1] == "least":
        valence = valence * V.N_SCALAR
    return valence


def _negated(low: str) -> bool:
    """`vaderSentiment.negated([word])` for one word already lower-cased once (it lower-cases again)."""
    word = low.lower()
    return word in _NEGATE or "n't" in word


_NEGATE = frozenset(V.NEGATE)


def _negation_check(valence, lows, start_i, i):
    """`SentimentIntensityAnalyzer._negation_check` on words lower-cased once."""
    if start_i == 0:
        if _negated(lows[i - 1]):
            valence = valence * V.N_SCALAR
    if start_i == 1:
        if lows[i - 2] == "never" and (lows[i - 1] == "so" or lows[i - 1] == "this"):
            valence = valence * 1.25
        elif lows[i - 2] == "without" and lows[i - 1] == "doubt":
            valence = valence
        elif _negated(lows[i - 2]):
            valence = valence * V.N_SCALAR
    if start_i == 2:
        if lows[i - 3] == "never" and (lows[i - 2] == "so" or lows[i - 2] == "this") or \
                (lows[i - 1] == "so" or lows[i - 1] == "this"):
            valence = valence * 1.25
        elif lows[i - 3] == "without" and (lows[i - 2] == "doubt" or lows[i - 1] == "doubt"):
            valence = valence
        elif _negated(lows[i - 3]):
            valence = valence * V.N_SCALAR
    return valence


def _special_idioms_check(valence, lows, i):
    """`SentimentIntensityAnalyzer._special_idioms_check` on words lower-cased once (called with i > 2)."""
    special = V.SPECIAL_CASES
    onezero = f"{lows[i - 1]} {lows[i]}"
    twoonezero = f"{lows[i - 2]} {lows[i - 1]} {lows[i]}"
    twoone = f"{lows[i - 2]} {lows[i - 1]}"
    threetwoone = f"{lows[i - 3]} {lows[i - 2]} {lows[i - 1]}"
    threetwo = f"{lows[i - 3]} {lows[i - 2]}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in special:
            valence = special[seq]
            break
    if len(lows) - 1 > i:
        zeroone = f"{lows[i]} {lows[i + 1]}"
        if zeroone in special:
            valence = special[zeroone]
    if len(lows) - 1 > i + 1:
        zeroonetwo = f"{lows[i]} {lows[i + 1]} {lows[i + 2]}"
        if zeroonetwo in special:
            valence = special[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in V.BOOSTER_DICT:
            valence = valence + V.BOOSTER_DICT[n_gram]
    return valence
