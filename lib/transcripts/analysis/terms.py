"""Tokens, n-grams and stop words, shared by keyness and collocations.

Tokens are the project's terms (`transcripts.speakers.terms`): the words `clean.count_words` counts,
lower-cased, curly apostrophes made straight. N-grams are built within one sentence, never across a
sentence boundary, and joined with one space ("supply chain").
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import TranscriptError

#: What `stopwords=True` means: the shipped list (see `load_stopwords`).
DEFAULT = "default"


def load_stopwords(spec: bool | str | Path | Iterable[str] | None) -> frozenset[str]:
    """The stop words a verb's `stopwords=` argument asks for.

    Args:
        spec: None or False: none; True or "default": the shipped list, scikit-learn's English stop
            words plus the fillers of spoken briefings in `resources/topic_stopwords.txt` (the list
            topic discovery uses, `transcripts.topics.stop_words`); a path: a file of one word per
            line (`#` starts a comment); any other iterable: those words.

    Words are lower-cased with straight apostrophes, as tokens are.

    >>> sorted(load_stopwords(["The", "Don’t"])), len(load_stopwords(None))
    (["don't", 'the'], 0)
    >>> {"the", "briefing"} <= load_stopwords(True)
    True
    """
    if spec is None or spec is False:
        return frozenset()
    if spec is True or (isinstance(spec, str) and spec == DEFAULT):
        from .topics.themes import stop_words
        words: Iterable[str] = stop_words()
    elif isinstance(spec, (str, Path)):
        from ..paths import resolve
        path = resolve(spec) if not Path(spec).expanduser().exists() else Path(spec).expanduser()
        if not path.is_file():
            raise TranscriptError(spec, "no such stop-word file",
                                  hint="Give a file of one word per line, True for the shipped list, or a list of words")
        words = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()
                 if ln.strip() and not ln.lstrip().startswith("#")]
    else:
        words = spec
    return frozenset(_norm(str(w)) for w in words if str(w).strip())


def _norm(word: str) -> str:
    return word.strip().lower().replace("’", "'").replace("‘", "'")


def ngram_sizes(ngrams: int | Sequence[int]) -> tuple[int, ...]:
    """N-gram sizes from `ngrams=`: one size, or several (1 to 3 each).

    >>> ngram_sizes(2), ngram_sizes([1, 3]), ngram_sizes(range(1, 3))
    ((2,), (1, 3), (1, 2))
    """
    sizes = (ngrams,) if isinstance(ngrams, int) else tuple(ngrams)
    if not sizes or any(not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 3 for n in sizes):
        raise TranscriptError(None, f"ngrams={ngrams!r} is not an n-gram size",
                              hint="Use 1, 2 or 3, or a list of them such as [1, 2]")
    return tuple(sorted(set(sizes)))


def ngrams(tokens: Sequence[str], n: int, stopwords: frozenset[str] = frozenset()) -> list[str]:
    """The n-grams of one sentence's tokens, joined by spaces; with stop words, n-grams that start or
    end with one are left out (so "secretary of state" stays, "the supply" goes), the convention of
    textacy's `filter_stops`. For single words this is removing the stop words.

    >>> ngrams(["the", "supply", "chain"], 2, frozenset({"the"}))
    ['supply chain']
    >>> ngrams(["secretary", "of", "state"], 3, frozenset({"of"}))
    ['secretary of state']
    """
    if n == 1:
        return [t for t in tokens if t not in stopwords]
    grams = zip(*(tokens[i:] for i in range(n)))
    return [" ".join(g) for g in grams if g[0] not in stopwords and g[-1] not in stopwords]


def count_ngrams(sentences: Iterable[str], sizes: Sequence[int],
                 stopwords: frozenset[str] = frozenset()) -> dict[int, Counter]:
    """Counts of the n-grams of each size over sentence texts.

    >>> count_ngrams(["We agree.", "We do not agree."], [1, 2])[2]
    Counter({'we agree': 1, 'we do': 1, 'do not': 1, 'not agree': 1})
    """
    from .speakers.tokens import terms

    counts = {n: Counter() for n in sizes}
    for text in sentences:
        tokens = terms(str(text))
        for n in sizes:
            counts[n].update(ngrams(tokens, n, stopwords))
    return counts
