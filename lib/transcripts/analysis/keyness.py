"""Keyness: which words (or n-grams) a target part of the corpus uses more than a reference part.

Three measures side by side, on the same counts:

- Fightin' Words (Monroe, Colaresi & Quinn 2008): the weighted log-odds ratio with an informative
  Dirichlet prior and its z-score, exactly `transcripts.speakers.log_odds` (the measure notebook 02
  uses); the prior is both parts' counts together.
- chi² of the 2×2 table (term vs all other n-grams of its size, target vs reference), with Yates's
  continuity correction by default, as quanteda's `textstat_keyness(measure = "chi2")` applies it.
- G², the log-likelihood ratio of the same table (Dunning 1993; Rayson & Garside 2000), without
  correction (quanteda's `measure = "lr"` applies Williams's correction by default; with counts in the
  thousands the two differ in the third digit).

chi² and G² are signed like quanteda's: positive when the target uses the term more than expected.
For a 2×2 table with target count a, reference count b, and c, d the other n-grams of each part
(N = a + b + c + d), E the expected counts (row total × column total / N):

    chi2 = N · max(|ad − bc| − N/2, 0)² / ((a+b)(c+d)(a+c)(b+d))          (Yates; without: |ad − bc|)
    G2   = 2 Σ O · ln(O / E) over the four cells (0 · ln 0 = 0)
"""
from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from ..errors import TranscriptError

COLUMNS = ["n", "term", "count_target", "count_reference", "per_1k_target", "per_1k_reference", "log_odds", "z",
           "chi2", "p_chi2", "G2", "p_G2"]
SORTS = ("z", "log_odds", "chi2", "G2")


def chi2_2x2(a: np.ndarray, b: np.ndarray, n_target: float, n_reference: float, *, yates: bool = True) -> np.ndarray:
    """Signed chi² for each term (arrays of target and reference counts; part sizes as totals).

    >>> [round(float(chi2_2x2(np.array([10]), np.array([5]), 100, 200, yates=y)[0]), 4) for y in (False, True)]
    [7.8947, 6.3947]
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    c, d = n_target - a, n_reference - b
    n = n_target + n_reference
    diff = np.abs(a * d - b * c)
    if yates:
        diff = np.maximum(diff - n / 2, 0.0)
    denom = (a + b) * (c + d) * (a + c) * (b + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        chi2 = np.where(denom > 0, n * diff ** 2 / np.where(denom > 0, denom, 1), 0.0)
    return np.where(_more_in_target(a, b, n_target, n_reference), chi2, -chi2)


def g2_2x2(a: np.ndarray, b: np.ndarray, n_target: float, n_reference: float) -> np.ndarray:
    """Signed log-likelihood G² for each term.

    >>> round(float(g2_2x2(np.array([10]), np.array([5]), 100, 200)[0]), 4)
    7.3298
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    c, d = n_target - a, n_reference - b
    n = n_target + n_reference
    total = 0.0
    for obs, row, col in ((a, a + b, n_target), (b, a + b, n_reference), (c, c + d, n_target), (d, c + d, n_reference)):
        expected = row * col / n
        with np.errstate(divide="ignore", invalid="ignore"):
            total = total + np.where(obs > 0, obs * np.log(obs / np.where(expected > 0, expected, 1)), 0.0)
    g2 = 2 * total
    return np.where(_more_in_target(a, b, n_target, n_reference), g2, -g2)


def _more_in_target(a, b, n_target, n_reference) -> np.ndarray:
    return a * n_reference >= b * n_target  # a / n_target >= b / n_reference, without dividing


def keyness_table(target: dict[int, Counter], reference: dict[int, Counter], *, prior_strength: float = 1.0,
                  yates: bool = True, min_count: int = 1, sort: str = "z") -> pd.DataFrame:
    """The keyness of every n-gram, from counts per n-gram size (`terms.count_ngrams`).

    Each size is scored apart: its part sizes are the numbers of n-grams of that size. Terms seen
    fewer than `min_count` times in both parts together are left out after scoring (the prior and
    the totals still count them).

    Returns:
        n, term, count_target, count_reference, per_1k_target, per_1k_reference (per 1,000 n-grams
        of that size in the part), log_odds, z (Fightin' Words), chi2, p_chi2, G2, p_G2; sorted by
        `sort` (one of z, log_odds, chi2, G2), highest first, so the target's key terms come first
        and the reference's last.

    >>> from collections import Counter
    >>> t = keyness_table({1: Counter(a=10, b=90)}, {1: Counter(a=5, b=195)})
    >>> t[["term", "count_target", "count_reference", "chi2"]].round(3).values.tolist()
    [['a', 10, 5, 6.395], ['b', 90, 195, -6.395]]
    """
    from scipy.stats import chi2 as chi2_dist

    from .speakers.distinctive import log_odds

    if sort not in SORTS:
        raise TranscriptError(None, f"cannot sort keyness by {sort!r}", hint=f"Use one of: {', '.join(SORTS)}")
    frames = []
    for n in sorted(set(target) | set(reference)):
        mine, theirs = target.get(n, Counter()), reference.get(n, Counter())
        n_t, n_r = sum(mine.values()), sum(theirs.values())
        if n_t == 0 or n_r == 0:
            raise TranscriptError(None, f"keyness needs {n}-grams in both parts (target: {n_t}, reference: {n_r})",
                                  hint="Check the subsets (and the stop words): one of them holds no words")
        lo = log_odds(mine, theirs, prior_strength=prior_strength)
        a, b = lo.count_a.to_numpy(dtype=float), lo.count_b.to_numpy(dtype=float)
        chi2 = chi2_2x2(a, b, n_t, n_r, yates=yates)
        g2 = g2_2x2(a, b, n_t, n_r)
        frames.append(pd.DataFrame({
            "n": n, "term": lo.term.to_numpy(), "count_target": lo.count_a.to_numpy(),
            "count_reference": lo.count_b.to_numpy(), "per_1k_target": 1000 * a / n_t,
            "per_1k_reference": 1000 * b / n_r, "log_odds": lo.log_odds.to_numpy(), "z": lo.z.to_numpy(),
            "chi2": chi2, "p_chi2": chi2_dist.sf(np.abs(chi2), 1), "G2": g2, "p_G2": chi2_dist.sf(np.abs(g2), 1)})
            [lambda df: df.count_target + df.count_reference >= min_count])
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    out = out.astype({"n": "int64", "count_target": "int64", "count_reference": "int64"})
    return out.sort_values([sort, "n", "term"], ascending=[False, True, True], kind="stable",
                           ignore_index=True)[COLUMNS]
