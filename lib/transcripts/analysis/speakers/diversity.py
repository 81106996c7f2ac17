"""Lexical diversity: the moving-average type-token ratio (MATTR) of a token list and per group of turns."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .tokens import _term_ids


def mattr(tokens: Sequence[str], window: int = 50) -> float:
    """Moving-average type-token ratio (Covington & McFall 2010): the mean, over every window of
    `window` consecutive tokens, of distinct tokens / window. Unlike the plain type-token ratio it
    does not fall as a text grows, so speakers with different amounts of speech compare. A text
    shorter than the window gets its plain type-token ratio; no tokens gives NaN.

    >>> mattr("a b a c".split(), window=2)
    1.0
    >>> mattr("a a a".split(), window=5)
    0.3333333333333333
    """
    if len(tokens) == 0:
        return float("nan")
    return _mattr_ids(pd.factorize(np.asarray(tokens, dtype=object))[0], window)


def _mattr_ids(ids: np.ndarray, window: int) -> float:
    """`mattr` of tokens given as integer ids (equal ids, equal tokens)."""
    n = len(ids)
    if n == 0:
        return float("nan")
    if n <= window:
        return len(np.unique(ids)) / n
    return float(_window_total(ids, window)) / (n - window + 1) / window


def _window_total(ids: np.ndarray, window: int) -> int:
    """The number of distinct tokens in each window of `window` consecutive tokens, summed over every such
    window (0 when there are fewer tokens than the window): [1, 2], [2, 1], [1, 3] hold 2 each.

    >>> _window_total(np.array([1, 2, 1, 3]), 2), _window_total(np.array([1, 1]), 3)
    (6, 0)
    """
    n = len(ids)
    if n < window:
        return 0
    # The sum of distinct counts over all windows, counted per position instead of per window: position k
    # adds one to every window [s, s + window - 1] that contains it and not the previous occurrence of its
    # token (prev[k]), i.e. to s in max(prev[k] + 1, k - window + 1, 0) … min(k, n - window).
    pos = np.arange(n)
    order = np.argsort(ids, kind="stable")  # positions grouped by token, each group in text order
    prev = np.full(n, -1, dtype=np.int64)
    same = ids[order[1:]] == ids[order[:-1]]
    prev[order[1:][same]] = order[:-1][same]
    first = np.maximum(np.maximum(prev + 1, pos - window + 1), 0)
    last = np.minimum(pos, n - window)
    return int(np.clip(last - first + 1, 0, None).sum())


def lexical_diversity(turns: pd.DataFrame, *, by: Sequence[str] = ("speaker",), window: int = 50,
                      cache_dir: str | Path | None = None) -> pd.DataFrame:
    """MATTR per group over the group's words in event and turn order (windows may span turns).

    Returns the `by` columns, n_terms, mattr, and mattr_short (True when the group has fewer
    words than the window, so `mattr` is the plain type-token ratio). With `cache_dir` (the build's
    `.cache` folder), the result is kept until the turns' words or groups, the window or this code change.
    """
    if cache_dir is not None:
        from ... import percache

        cols = list(dict.fromkeys(["doc_id", "turn_index", *by, "text"]))
        key = percache.fingerprint(percache.code_fingerprint(), percache.frame_hash(turns[cols]),
                                   repr((list(by), window)))
        return percache.memo("lexical_diversity", key, lambda: lexical_diversity(turns, by=by, window=window),
                             cache_dir)
    rows = []
    for key, g in turns.sort_values(["doc_id", "turn_index"]).groupby(list(by), sort=False):
        ids = _term_ids.many(g.text)
        key = key if isinstance(key, tuple) else (key,)
        rows.append(dict(zip(by, key), n_terms=len(ids), mattr=_mattr_ids(ids, window), mattr_short=len(ids) < window))
    return pd.DataFrame(rows, columns=[*by, "n_terms", "mattr", "mattr_short"])
