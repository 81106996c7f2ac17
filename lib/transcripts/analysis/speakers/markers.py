"""Stance markers: hedging and certainty phrases (`resources/stance_markers.txt`, editable) found in
each turn, each speaker's most used ones, and their rates per 1,000 words per group.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ...errors import TranscriptError
from ...paths import RESOURCES_DIR
from .tokens import _APOSTROPHES, _first_chars, _straight

MARKERS_FILE = RESOURCES_DIR / "stance_markers.txt"


def load_markers(path: str | Path | None = None) -> pd.DataFrame:
    """The hedging and certainty markers: category, phrase (lower-cased, apostrophes straight)."""
    path = Path(path) if path else MARKERS_FILE
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise TranscriptError(path, "a marker line needs a category and a phrase, separated by one tab",
                                  line=n, hint="Format: hedging<TAB>we believe")
        rows.append(dict(category=parts[0].strip(), phrase=" ".join(parts[1].lower().translate(_APOSTROPHES).split())))
    return pd.DataFrame(rows, columns=["category", "phrase"]).drop_duplicates("phrase", ignore_index=True)


_HIT_COLUMNS = ["doc_id", "turn_index", "speaker", "role", "category", "phrase", "n"]


def marker_hits(turns: pd.DataFrame, markers: pd.DataFrame | None = None, *,
                cache_dir: str | Path | None = None, workers: int | None = None) -> pd.DataFrame:
    """Every marker occurrence per turn: doc_id, turn_index, speaker, role, category, phrase, n.

    Case-insensitive whole-word matching; the longest listed phrase wins where two overlap. With
    `cache_dir` (the build's `.cache` folder) documents are matched apart, on every core (`workers`), and
    each one's hits are kept until its turns, the markers or this code change (see `transcripts.percache`).
    """
    markers = load_markers() if markers is None else markers
    cols = _HIT_COLUMNS
    if markers.empty or turns.empty:
        return pd.DataFrame(columns=cols)
    if cache_dir is not None:
        from functools import partial

        from ... import percache

        pairs = list(zip(markers.phrase, markers.category))
        key = percache.fingerprint(percache.code_fingerprint(), repr(pairs))
        return percache.per_document(turns[["doc_id", "turn_index", "speaker", "role", "text"]],
                                     partial(_document_hits, pairs=pairs), name="marker_hits", key=key,
                                     cache_dir=cache_dir, workers=workers, progress=False, columns=cols)
    category = dict(zip(markers.phrase, markers.category))
    alts = sorted(category, key=len, reverse=True)
    pattern = re.compile(_first_chars(alts) + r"(?<![\w'\-])(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in alts)
                         + r")(?![\w\-]|'\w)")
    rows = []
    for rec in turns[["doc_id", "turn_index", "speaker", "role", "text"]].itertuples(index=False):
        found = Counter(" ".join(m.group(0).split())
                        for m in pattern.finditer(_straight(str(rec.text).lower())))
        for phrase, n in found.items():
            rows.append((rec.doc_id, rec.turn_index, rec.speaker, rec.role, category[phrase], phrase, n))
    return pd.DataFrame(rows, columns=cols)


def _document_hits(part: pd.DataFrame, pairs: list[tuple[str, str]]) -> pd.DataFrame:
    """`marker_hits` of one document's turns (markers as (phrase, category) pairs); run in worker processes."""
    return marker_hits(part, pd.DataFrame(pairs, columns=["phrase", "category"]))


def top_markers(hits: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """Each speaker's `n` most used markers of each category: speaker, category, phrase, n."""
    counts = hits.groupby(["speaker", "category", "phrase"]).n.sum().reset_index()
    counts = counts.sort_values(["speaker", "category", "n", "phrase"], ascending=[True, True, False, True])
    return counts.groupby(["speaker", "category"]).head(n).reset_index(drop=True)


def marker_rates(turns: pd.DataFrame, markers: pd.DataFrame | None = None, *,
                 by: Sequence[str] = ("speaker",), hits: pd.DataFrame | None = None) -> pd.DataFrame:
    """Hedging and certainty markers per 1,000 words, per group.

    Pass `hits` (from `marker_hits(turns, markers)`) to reuse matches already made.
    Returns the `by` columns, n_words, then for each category: `<category>` (count) and
    `<category>_per_1k`.
    """
    markers = load_markers() if markers is None else markers
    hits = marker_hits(turns, markers) if hits is None else hits
    by = list(by)
    out = turns.groupby(by, sort=False).n_words.sum().rename("n_words").to_frame()
    for cat in dict.fromkeys(markers.category):
        n = hits[hits.category == cat].groupby(by).n.sum()
        out[cat] = n.reindex(out.index).fillna(0).astype(int)
        out[f"{cat}_per_1k"] = (1000 * out[cat] / out.n_words.where(out.n_words > 0)).round(2)
    return out.reset_index()
