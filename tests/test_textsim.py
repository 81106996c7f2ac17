"""textsim: the pruned pair search finds exactly the pairs (and values) of the full similarity product."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from transcripts import textsim
from transcripts.textsim import _linked_pairs, similar_groups


def _random_matrix(seed: int, m: int = 400, vocab: int = 300) -> sp.csr_matrix:
    """L2-normalised rows over a Zipf-like vocabulary: a few features in most rows (as unit tokens and
    common stems are), many rare ones, and some rows made only of common features."""
    rng = np.random.default_rng(seed)
    rows, cols, vals = [], [], []
    for i in range(m):
        k = int(rng.integers(1, 12))
        common_only = rng.random() < 0.1
        feats = rng.integers(0, 6, size=k) if common_only else np.minimum(rng.zipf(1.3, size=k) - 1, vocab - 1)
        feats = np.unique(feats)
        w = rng.random(len(feats)) + 0.1
        w /= np.linalg.norm(w)
        rows += [i] * len(feats)
        cols += feats.tolist()
        vals += w.tolist()
    return sp.csr_matrix((np.array(vals, dtype=np.float32), (rows, cols)), shape=(m, vocab))


def _full(matrix, threshold):
    block = (matrix @ matrix.T.tocsr()).tocoo()
    keep = (block.data >= threshold - 1e-6) & (block.col > block.row)
    return {(int(i), int(j)): float(v) for i, j, v in zip(block.row[keep], block.col[keep], block.data[keep])}


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("threshold", [0.3, 0.6, 0.9])
def test_pruned_pairs_equal_full_product(seed, threshold, monkeypatch):
    monkeypatch.setattr(textsim, "_RARE_DF", 5)  # small, so that pruning really happens on 400 rows
    matrix = _random_matrix(seed)
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    assert (df > 5).sum() >= 5 and (df <= 5).sum() >= 50  # both kinds of feature are there
    pairs = _linked_pairs(matrix, threshold, chunk=16)
    found = set()
    for start in range(0, matrix.shape[0], 16):
        rows, cols = pairs(start)
        found |= {(int(i), int(j)) for i, j in zip(rows, cols)}
    expected = _full(matrix, threshold)
    assert len(expected) > 10
    assert found == set(expected)


def test_groups_link_through_common_words_only():
    # two texts made only of words every text has still link (the "heavy" rows), and equal texts always do
    common = "tariffs china trade deal"
    texts = [common] * 3 + [f"{common} talks"] + [f"{w} report{w}" for w in "abcdefghij"] + ["china trade deal tariffs"]
    groups = similar_groups(texts, threshold=0.7)
    assert len(set(groups[[0, 1, 2, 3, -1]])) == 1
    assert len(set(groups[4:-1])) == 10
