"""Terms: the words the speaker analyses count, and the few text helpers they share.

Counting conventions (the same in every module of `transcripts.analysis.speakers`):
- words are `transcripts.clean.count_words` over a turn's text, i.e. the `n_words` column of `turns`;
  a speaker's `word_share` is their words over the words of every turn in the scope (event or corpus);
- terms (for MATTR and distinctive words) are those same words, lower-cased, with curly apostrophes
  made straight ("Russia’s" → "russia's").

`_term_ids` remembers each text's terms as integer ids, so that lexical diversity and distinctive
words (and the per-event profiles) find the words of a turn once per kernel, not once per analysis.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

from ...clean import words

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})  # for short strings; long texts use _straight()


def _straight(text: str) -> str:
    """Curly apostrophes made straight (str.replace: much faster than str.translate on long texts).

    >>> _straight("Russia’s ‘view’")
    "Russia's 'view'"
    """
    return text.replace("’", "'").replace("‘", "'")


def terms(text: str) -> list[str]:
    """The words of a text as terms: lower-cased, curly apostrophes made straight.

    >>> terms("Russia’s co-chair said NO.")
    ["russia's", 'co-chair', 'said', 'no']
    """
    text = _straight(text)
    if "İ" in text:  # the one letter whose lower case is two characters (i + a combining dot): word by word
        return [w.lower() for w in words(text)]
    return words(text.lower())  # lower-casing never joins or splits a word otherwise (checked over all of Unicode)


def _first_chars(alternatives: Iterable[str]) -> str:
    """A lookahead for the characters the alternatives start with: it rejects most positions of a
    text at once, before the long alternation is tried (several times faster on a corpus)."""
    return "(?=[" + "".join(sorted({re.escape(a[0]) for a in alternatives if a})) + "])"


class _TermIds:
    """Each text's `terms` as an array of integer ids into one growing vocabulary, remembered by text.

    Speaker profiles, per-event profiles and distinctive words all read every turn's words; with this
    the words of a turn are found once per kernel, not once per analysis. Memory: 4 bytes a word plus
    the vocabulary; forgotten past `max_texts` texts.
    """

    def __init__(self, max_texts: int = 400_000) -> None:
        self.max_texts = max_texts
        self.vocab: list[str] = []
        self.index: dict[str, int] = {}
        self.by_text: dict[str, np.ndarray] = {}

    def __call__(self, text: str) -> np.ndarray:
        ids = self.by_text.get(text)
        if ids is None:
            if len(self.by_text) >= self.max_texts:
                self.by_text.clear()
            index, vocab = self.index, self.vocab
            out = []
            for w in terms(text):
                i = index.get(w)
                if i is None:
                    i = index[w] = len(vocab)
                    vocab.append(w)
                out.append(i)
            ids = self.by_text[text] = np.array(out, dtype=np.int32)
        return ids

    def many(self, texts: Iterable) -> np.ndarray:
        arrays = [self(str(t)) for t in texts]
        return np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int32)


_term_ids = _TermIds()
