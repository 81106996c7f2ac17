"""A speaker's profile: floor statistics, lexical diversity, stance-marker rates and tone in one row
per speaker (or per event and speaker)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .diversity import lexical_diversity
from .floor import speaker_stats
from .markers import marker_rates
from .tone import sentence_tone, tone_by


def speaker_profile(turns: pd.DataFrame, sentences: pd.DataFrame, *, per_event: bool = False, window: int = 50,
                    markers: pd.DataFrame | None = None, toned: pd.DataFrame | None = None,
                    hits: pd.DataFrame | None = None, cache_dir: str | Path | None = None) -> pd.DataFrame:
    """`speaker_stats` plus MATTR, hedging/certainty per 1,000 words and VADER tone, one row per speaker
    (per event and speaker with `per_event`). Pass `toned` (from `sentence_tone`) and `hits` (from
    `marker_hits`) to reuse work already done; with `cache_dir` (the build's `.cache` folder) the
    word-level analyses are kept until their input changes.
    """
    keys = ["doc_id", "speaker"] if per_event else ["speaker"]
    out = speaker_stats(turns, per_event=per_event)
    div = lexical_diversity(turns, by=keys, window=window, cache_dir=cache_dir).drop(columns="n_terms")
    rates = marker_rates(turns, markers, by=keys, hits=hits).drop(columns="n_words")
    toned = sentence_tone(sentences, cache_dir=cache_dir) if toned is None else toned
    tone = tone_by(toned, turns, by=keys)
    for part in (div, rates, tone):
        out = out.merge(part, on=keys, how="left")
    return out
