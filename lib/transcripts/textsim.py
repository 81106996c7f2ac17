"""Near-identical texts grouped deterministically: TF-IDF over stemmed content words, cosine
similarity computed in chunks (so thousands of sentences fit in memory), and single-link groups
(union-find) of every pair at or above a threshold. Used by the claim ledger and the quantity
restatement checks.
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|\d+(?:[.,]\d+)?")


@lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem import PorterStemmer
    return PorterStemmer()


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
    return frozenset(ENGLISH_STOP_WORDS)


def content_stems(text: str) -> list[str]:
    """Stemmed content words of `text` (stop words dropped, numbers kept).

    >>> content_stems("We proposed releasing the correspondence.")
    ['propos', 'releas', 'correspond']
    """
    stop, stem = _stop_words(), _stemmer()
    return [stem.stem(t) for t in (w.lower().replace("’", "'") for w in _TOKEN.findall(text)) if t not in stop]


def jaccard(a: str, b: str) -> float:
    """Token-set Jaccard similarity of the content stems of two texts.

    >>> jaccard("This proposal remains on the table.", "This proposal also remains on the table.")
    1.0
    """
    sa, sb = set(content_stems(a)), set(content_stems(b))
    return len(sa & sb) / len(sa | sb) if sa | sb else 0.0


def similar_groups(texts: list[str], *, threshold: float = 0.6, chunk: int = 1000) -> np.ndarray:
    """A group number for each text: texts whose TF-IDF cosine similarity (content stems, uni- and
    bigrams) is at least `threshold` are linked, and linked texts share a group. Group numbers follow
    the order of first appearance, so the result is deterministic.

    >>> similar_groups(["We proposed a moratorium.", "We again proposed a moratorium.", "Trade grew."]).tolist()
    [0, 0, 1]
    """
    n = len(texts)
    if n == 0:
        return np.zeros(0, dtype=int)
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = [" ".join(content_stems(t)) or "_empty_" for t in texts]
    vec = TfidfVectorizer(analyzer="word", token_pattern=r"\S+", ngram_range=(1, 2), sublinear_tf=True)
    matrix = vec.fit_transform(docs).astype(np.float32)
    parent = np.arange(n)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for start in range(0, n, chunk):
        block = (matrix[start:start + chunk] @ matrix.T).tocoo()
        rows = block.row + start
        keep = (block.data >= threshold - 1e-6) & (block.col > rows)  # filter in numpy, link in Python
        for i, j in zip(rows[keep], block.col[keep]):
            a, b = find(int(i)), find(int(j))
            if a != b:
                parent[max(a, b)] = min(a, b)
    roots = [find(i) for i in range(n)]
    numbers: dict[int, int] = {}
    return np.array([numbers.setdefault(r, len(numbers)) for r in roots], dtype=int)
