"""Readability and lexical diversity.

- Flesch reading ease (Flesch 1948) = 206.835 − 1.015 · words/sentences − 84.6 · syllables/words:
  about 60–70 is plain English, below 30 is dense, academic text.
- Flesch–Kincaid grade (Kincaid et al. 1975) = 0.39 · words/sentences + 11.8 · syllables/words − 15.59:
  the US school grade that can read it.
- Type-token ratio (distinct terms / terms: falls as a text grows) and MATTR
  (`transcripts.speakers.mattr`, Covington & McFall 2010: the mean TTR over moving windows, comparable
  between speakers with different amounts of speech).

Sentences are the build's (NLTK Punkt with the shipped abbreviations). Words for the Flesch formulas
are `clean.words` that hold a letter (in "$27 billion" only "billion": numbers written in digits are
left out, as their syllables are not in the text); TTR and MATTR use every term, as
`speakers.lexical_diversity` does. Syllables come from `syllables()`, an English rule set written here
(no dictionary is shipped): its accuracy on hand-counted words is in `tests/test_analysis.py`.
Spoken transcripts are punctuated by the transcriber, so the words per sentence (and the scores)
reflect their habits as much as the speaker's.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_LETTERS = re.compile(r"[^\W\d_]")
_GROUP = re.compile(r"[aeiouy]+")
# i + a/o/u is one syllable after t, s, c, g, x (nation, Russia, special, region, anxious) and after l or n
# (million, union) except at the end of a word (Armenia); elsewhere two (media, period, serious, Syria).
_HIATUS_I = re.compile(r"(?<=[^aeiouytscgxln])i(?=[aou])|(?<=[ln])i(?=a$)")
_HIATUS_U = re.compile(r"(?<=[^aeiouyqg])u(?=a)")  # actual, situation, January (not language, equal)


@lru_cache(maxsize=200_000)
def syllables(word: str) -> int:
    """Syllables in an English word, by rule: vowel groups (y a vowel except before a vowel at the
    start), less a silent final e / -es / -ed, plus the hiatuses vowel groups hide (me-di-a, ac-tu-al,
    be-ing, i-de-a, ter-ror-is-m). Hyphenated words are the sum of their parts; words of two or three
    capitals are spelled out (US, FBI); a word with no letters has none; any other word at least one.

    >>> [syllables(w) for w in ["the", "table", "agreed", "wanted", "jumped", "Russia's", "co-chair", "2019"]]
    [1, 2, 2, 2, 1, 2, 2, 0]
    """
    if "-" in word:
        return sum(syllables(part) for part in word.split("-"))
    if 2 <= len(word) <= 3 and word.isascii() and word.isalpha() and word.isupper():
        return sum(3 if c == "W" else 1 for c in word)  # spelled out: US, UN, FBI
    accented_e = word.lower().endswith("é")  # café, résumé: the final e is spoken
    w = "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if c.isalpha() and c.isascii())
    if not w:
        return 1 if _LETTERS.search(word) else 0
    if w.startswith("y") and len(w) > 1 and w[1] in "aeiou":
        w = "_" + w[1:]  # y as a consonant: yes, year, you
    count = len(_GROUP.findall(w))
    count += len(_HIATUS_I.findall(w)) + len(_HIATUS_U.findall(w))
    if re.search(r"[aeiouy]ing$", w) and len(w) > 4:
        count += 1  # be-ing, go-ing, say-ing
    if re.search(r"[^aeiouy]ea$", w) or re.search(r"[^aeiouy]ism$", w):
        count += 1  # i-de-a, Ko-re-a; ter-ror-is-m
    if count > 1:
        if re.search(r"[^aeiouy]e$", w) and not re.search(r"[^aeiouy]le$", w) and not accented_e:
            count -= 1  # make, whole, there (not table, agree)
        elif re.search(r"[^aeiouysxzcg]es$", w) and not re.search(r"[^aeiouy]les$", w):
            count -= 1  # makes, states, missiles (not boxes, places, changes, issues, tables)
        elif re.search(r"[^aeiouytd]ed$", w):
            count -= 1  # jumped, called (not wanted, needed, agreed)
        elif re.search(r"[^aeiouy]e(?:ly|ment|ful|ness)$", w):
            count -= 1  # lately, statement, useful (not government, agreement)
    return max(count, 1)


def flesch_reading_ease(n_words: int, n_sentences: int, n_syllables: int) -> float:
    """Flesch reading ease from counts (NaN without words or sentences).

    >>> round(flesch_reading_ease(9, 2, 10), 4)  # "The cat sat on the mat. It was happy."
    108.2675
    """
    if n_words <= 0 or n_sentences <= 0:
        return float("nan")
    return 206.835 - 1.015 * n_words / n_sentences - 84.6 * n_syllables / n_words


def flesch_kincaid_grade(n_words: int, n_sentences: int, n_syllables: int) -> float:
    """Flesch–Kincaid grade level from counts (NaN without words or sentences).

    >>> round(flesch_kincaid_grade(9, 2, 10), 4)
    -0.7239
    """
    if n_words <= 0 or n_sentences <= 0:
        return float("nan")
    return 0.39 * n_words / n_sentences + 11.8 * n_syllables / n_words - 15.59


def sentence_counts(text: str) -> tuple[int, int]:
    """(words, syllables) of one sentence, as the Flesch formulas count them.

    >>> sentence_counts("Trade grew to $27 billion in 2019.")
    (5, 6)
    """
    from ..clean import words

    found = [w for w in words(text) if _LETTERS.search(w)]
    return len(found), sum(syllables(w) for w in found)
