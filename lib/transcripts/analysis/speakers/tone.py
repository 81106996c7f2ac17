"""Tone: VADER's compound score for every sentence (computed by `vader.compound`, the same numbers as
the `vaderSentiment` package, faster; per document, on every core, kept in the build's cache) and the
tone per speaker or other group.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd


def sentence_tone(sentences: pd.DataFrame, *, progress: bool = True, cache_dir: str | Path | None = None,
                  workers: int | None = None) -> pd.DataFrame:
    """VADER's compound tone (-1 most negative … +1 most positive) for each sentence: `sentences` with
    a `tone` column.

    Uses the `vaderSentiment` package, which ships its lexicon (no download). VADER was built for
    short social-media texts: read it as a coarse signal of tone, compared between speakers,
    not as a measure of any one sentence. Scores are VADER's own, computed faster (`vader.compound`).
    Documents are scored apart, on every core (`workers`), and with `cache_dir` (the build's `.cache`
    folder) kept until their sentences change.
    """
    import vaderSentiment.vaderSentiment as vader

    from ... import percache

    if sentences.empty:
        return sentences.assign(tone=pd.Series(dtype=float))
    key = percache.fingerprint(percache.code_fingerprint(), vader, getattr(vader, "__version__", ""))
    scored = percache.per_document(sentences[["doc_id", "text"]].astype({"text": str}), _document_tone, name="tone",
                                   key=key, cache_dir=cache_dir, workers=workers, progress=progress,
                                   desc="Tone (VADER)", aligned=True)
    return sentences.assign(tone=scored["tone"].to_numpy(dtype=float))


def _document_tone(part: pd.DataFrame) -> pd.DataFrame:
    """VADER compound scores of one document's sentences, in order (each distinct text scored once)."""
    from .vader import compound

    scores: dict[str, float] = {}
    tone = []
    for text in part.text:
        score = scores.get(text)
        if score is None:
            score = scores[text] = compound(text)
        tone.append(score)
    return pd.DataFrame({"tone": tone})


def tone_by(toned: pd.DataFrame, turns: pd.DataFrame, *, by: Sequence[str] = ("speaker",)) -> pd.DataFrame:
    """Tone per group: mean compound score, and the shares of sentences VADER calls positive
    (compound ≥ 0.05) and negative (≤ -0.05), its authors' thresholds.
    """
    by = list(by)
    df = toned.merge(turns[["doc_id", "turn_index", "speaker", "role"]], on=["doc_id", "turn_index"], how="left")
    df = df.assign(_pos=(df.tone >= 0.05).astype(float), _neg=(df.tone <= -0.05).astype(float))
    g = df.groupby(by, sort=False)
    return pd.DataFrame({"tone_mean": g.tone.mean().round(3), "share_positive": g._pos.mean().round(3),
                         "share_negative": g._neg.mean().round(3)}).reset_index()
