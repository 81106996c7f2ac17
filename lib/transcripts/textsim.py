"""Near-identical texts grouped deterministically: TF-IDF over stemmed content words, cosine
similarity computed in chunks (so thousands of sentences fit in memory), and single-link groups
(union-find) of every pair at or above a threshold. Used by the claim ledger and the quantity
restatement checks.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache

import numpy as np

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|\d+(?:[.,]\d+)?")


@lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem import PorterStemmer
    return PorterStemmer()


# words of talk that carry no content of their own: "we're going to continue to ...", "I just want to make sure"
LIGHT_WORDS = frozenset({"going", "go", "gonna", "just", "want", "wants", "continue", "continuing", "keep", "make", "sure",
                         "really", "super", "certainly", "obviously", "course", "actually", "able", "let", "like", "know",
                         "think", "lot", "thing", "things", "way", "today", "now", "yeah", "okay", "look", "look",
                         "said", "say", "says", "mean", "right", "also", "again", "doing", "done", "gets", "got"})


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
    return frozenset(ENGLISH_STOP_WORDS) | LIGHT_WORDS


def content_stems(text: str) -> list[str]:
    """Stemmed content words of `text` (stop words, light words of talk and contractions of stop words
    dropped, possessives cut, numbers kept).

    >>> content_stems("We proposed releasing the correspondence.")
    ['propos', 'releas', 'correspond']
    >>> content_stems("We're going to keep Russia's proposal on the table.")
    ['russia', 'propos', 'tabl']
    """
    stop = _stop_words()
    out = []
    for t in (w.lower().replace("’", "'") for w in _TOKEN.findall(text)):
        if "'" in t:
            base = t.split("'")[0]
            if base in stop or t in stop:
                continue
            t = base
        if t not in stop:
            out.append(_stem(t))
    return out


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    """Porter's stem of one word, remembered (the stemmer costs tens of microseconds a word)."""
    return _stemmer().stem(word)


def jaccard(a: str, b: str) -> float:
    """Token-set Jaccard similarity of the content stems of two texts.

    >>> jaccard("This proposal remains on the table.", "This proposal also remains on the table.")
    1.0
    """
    sa, sb = set(content_stems(a)), set(content_stems(b))
    return len(sa & sb) / len(sa | sb) if sa | sb else 0.0


def similar_groups(texts: list[str], *, threshold: float = 0.6, chunk: int = 32) -> np.ndarray:
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
    vectors = vec.fit_transform(docs)  # weights from every text, repeats included
    # equal texts have equal vectors (cosine 1), so they always share a group: compare each distinct one once
    _, first, inverse = np.unique(np.array(docs, dtype=object), return_index=True, return_inverse=True)
    if threshold > 1:  # nothing links, not even equal texts
        first, inverse = np.arange(n), np.arange(n)
    matrix = vectors[first].astype(np.float32)
    m = len(first)
    parent = np.arange(m)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # SciPy multiplies without holding the GIL: blocks on every core, linked here in block order
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        for rows, cols in pool.map(_linked_pairs(matrix, threshold, chunk), range(0, m, chunk)):
            for i, j in zip(rows, cols):
                a, b = find(int(i)), find(int(j))
                if a != b:
                    parent[max(a, b)] = min(a, b)
    roots = [find(int(inverse[i])) for i in range(n)]
    numbers: dict[int, int] = {}
    return np.array([numbers.setdefault(r, len(numbers)) for r in roots], dtype=int)


_RARE_DF = 50  # a feature in at most this many texts is "rare"; see _linked_pairs


def _linked_pairs(matrix, threshold: float, chunk: int):
    """A function of `start` giving the pairs (i, j), i < j, among rows start … start + chunk of the
    L2-normalised `matrix` whose dot product is at or above `threshold`: the same pairs, with the
    same float32 values, as multiplying those rows by the whole matrix, at a fraction of the cost.

    Multiplying every row by every other is dominated by a few features in thousands of texts (unit
    tokens, common stems), which make nearly every pair's product non-zero. But a pair that shares no
    rare feature (in ≤ `_RARE_DF` texts) has a dot product of at most the product of the two rows'
    norms over the common features (Cauchy-Schwarz); unless both of those norms reach the threshold
    (less a margin), such a pair cannot link. So each row is multiplied only by the rows it shares a
    rare feature with, plus, for the few rows made mostly of common features, by each other. Each
    value is summed by SciPy in the same order as in the full product, so it is bit for bit the same.
    """
    matrix = matrix.tocsr()
    m = matrix.shape[0]
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    common = df > _RARE_DF
    common_part = matrix[:, common]
    norms = np.sqrt(np.asarray(common_part.multiply(common_part).sum(axis=1)).ravel())
    heavy = np.flatnonzero(norms >= threshold - 0.01)
    is_heavy = np.zeros(m, dtype=bool)
    is_heavy[heavy] = True
    rare = matrix[:, ~common]
    rare.data[:] = 1
    shares_rare = (rare @ rare.T).tocsr()

    def pairs(start: int) -> tuple[np.ndarray, np.ndarray]:
        stop = min(start + chunk, m)
        cols = shares_rare[start:stop].indices
        if is_heavy[start:stop].any():
            cols = np.concatenate([cols, heavy])
        cols = np.unique(cols)
        cols = cols[cols > start]
        if not len(cols):
            return np.zeros(0, dtype=int), np.zeros(0, dtype=int)
        block = (matrix[start:stop] @ matrix[cols].T.tocsr()).tocoo()
        rows, cols = block.row + start, cols[block.col]
        keep = (block.data >= threshold - 1e-6) & (cols > rows)
        return rows[keep], cols[keep]

    return pairs
