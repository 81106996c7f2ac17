"""Collocations: word pairs and triples that occur together more often than chance, scored by NLTK's
`BigramCollocationFinder` / `TrigramCollocationFinder` and association measures (no NLTK data needed).

Each sentence is one NLTK "document" (`from_documents`), so no pair spans two sentences; tokens are
the project's terms (`terms.py`). The finder counts every word and pair before filtering, so the
measures are NLTK's own on the whole text; `min_count` and the stop words then only decide which
candidates are scored and shown.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from ..errors import TranscriptError

#: NLTK association measures reported for pairs and for triples (columns of the result).
MEASURES = {2: ("pmi", "likelihood_ratio", "chi_sq", "student_t", "dice"),
            3: ("pmi", "likelihood_ratio", "chi_sq", "student_t")}


def finder(token_sentences: Iterable[Sequence[str]], n: int = 2):
    """NLTK's collocation finder over sentences (lists of tokens), read once (a generator is fine)."""
    from nltk.collocations import BigramCollocationFinder, TrigramCollocationFinder

    if n not in MEASURES:
        raise TranscriptError(None, f"collocations of {n} words are not available",
                              hint="Use n=2 (pairs) or n=3 (triples)")
    cls = BigramCollocationFinder if n == 2 else TrigramCollocationFinder
    return cls.from_documents(token_sentences)


def collocations(token_sentences: Iterable[Sequence[str]], *, n: int = 2, min_count: int = 3,
                 stopwords: frozenset[str] = frozenset(), measure: str = "pmi", top: int | None = None
                 ) -> pd.DataFrame:
    """Scored collocations of `n` words.

    Args:
        token_sentences: each sentence's tokens.
        n: 2 or 3.
        min_count: only n-grams seen at least this often (NLTK's `apply_freq_filter`).
        stopwords: leave out n-grams that start or end with one (as `terms.ngrams` does).
        measure: the column to sort by: one of `MEASURES[n]`.
        top: keep this many rows (None: all).

    Returns:
        collocation (words joined by a space), n, count, then one column per measure of `MEASURES[n]`;
        sorted by `measure`, highest first (ties by collocation).

    >>> sents = [["supply", "chain", "issues"], ["the", "supply", "chain"], ["supply", "chain"]]
    >>> collocations(sents, min_count=2)[["collocation", "count", "pmi"]].round(3).values.tolist()
    [['supply chain', 3, 1.415]]
    """
    if measure not in MEASURES.get(n, ()):
        raise TranscriptError(None, f"no collocation measure {measure!r} for n={n}",
                              hint=f"Use one of: {', '.join(MEASURES.get(n, MEASURES[2]))}")
    from nltk.collocations import BigramAssocMeasures, TrigramAssocMeasures

    found = finder(token_sentences, n)
    found.apply_freq_filter(min_count)
    if stopwords:
        found.apply_ngram_filter(lambda *words: words[0] in stopwords or words[-1] in stopwords)
    assoc = BigramAssocMeasures if n == 2 else TrigramAssocMeasures
    scores = {m: dict(found.score_ngrams(getattr(assoc, m))) for m in MEASURES[n]}
    grams = list(scores[measure])  # NLTK's order: score descending, then the n-gram
    cols = ["collocation", "n", "count", *MEASURES[n]]
    out = pd.DataFrame({"collocation": [" ".join(g) for g in grams], "n": n,
                        "count": [found.ngram_fd[g] for g in grams],
                        **{m: [scores[m][g] for g in grams] for m in MEASURES[n]}}, columns=cols)
    out = out.astype({"n": "int64", "count": "int64", **{m: "float64" for m in MEASURES[n]}})
    return out.head(top).reset_index(drop=True) if top is not None else out
