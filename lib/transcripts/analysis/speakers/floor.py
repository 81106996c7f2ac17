"""Who held the floor: the tables restricted to some events, readable event labels, turns, words and
shares per speaker (per event or over the corpus), and each spokesperson's airtime month by month.

Words are counted as `transcripts.analysis.speakers.tokens` says.
"""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ...errors import TranscriptError
from .mentions import is_generic


def focus(tables: dict[str, pd.DataFrame], doc_ids: Sequence[str] | None = None) -> dict[str, pd.DataFrame]:
    """The tables restricted to some documents (all of them when `doc_ids` is empty or None).

    Raises `TranscriptError` naming any id that is not in the tables, with the ids that are.
    """
    if not doc_ids:
        return dict(tables)
    known = set(tables["documents"].doc_id)
    unknown = [d for d in doc_ids if d not in known]
    if unknown:
        some = ", ".join(sorted(known)[:5]) + (" …" if len(known) > 5 else "")
        raise TranscriptError(None, f"document id(s) not in the tables: {', '.join(unknown)}",
                              hint=f"Known ids include: {some}")
    keep = set(doc_ids)
    return {name: (df[df.doc_id.isin(keep)].reset_index(drop=True) if "doc_id" in df else df)
            for name, df in tables.items()}


def event_labels(documents: pd.DataFrame, *, max_chars: int = 48) -> dict[str, str]:
    """Short, unique, readable labels for events ("2021-03-02 · Press Briefing by Press Secretary Jen…"),
    for chart axes where long document ids would crowd out the plot.

    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "event_date": pd.to_datetime(["2021-03-02", None]),
    ...                      "title": ["Press Briefing by Press Secretary Jen Psaki, March 2, 2021", None]})
    >>> event_labels(docs, max_chars=30)
    {'a': '2021-03-02 · Press Briefing by Press Secre…', 'b': 'b'}
    """
    labels: dict[str, str] = {}
    seen: set[str] = set()
    for doc_id, date, title in zip(documents.doc_id, documents.event_date, documents.title):
        name = title if isinstance(title, str) and title.strip() else doc_id
        name = name if len(name) <= max_chars else name[:max_chars - 1].rstrip() + "…"
        label = f"{date:%Y-%m-%d} · {name}" if pd.notna(date) else name
        if label in seen:
            label = f"{label} ({doc_id})"
        seen.add(label)
        labels[doc_id] = label
    return labels


def speaker_stats(turns: pd.DataFrame, *, per_event: bool = False) -> pd.DataFrame:
    """Who held the floor: turns, words, sentences, shares and turn lengths per speaker.

    Args:
        turns: the `turns` table (or part of it).
        per_event: one row per (doc_id, speaker), shares within each event; otherwise one row per
            speaker across all the turns given, shares of the whole.

    Returns:
        speaker, role (the speaker's most frequent role), n_docs, n_turns, n_words, n_sentences,
        word_share, turn_share, mean_turn_words, median_turn_words, longest_turn_words,
        n_questions (turns that are questions), n_addressed (questions addressed to this speaker),
        sorted by words, most first.
    """
    keys = ["doc_id", "speaker"] if per_event else ["speaker"]
    g = turns.groupby(keys, sort=False)
    out = g.agg(n_docs=("doc_id", "nunique"), n_turns=("turn_index", "size"), n_words=("n_words", "sum"),
                n_sentences=("n_sentences", "sum"), mean_turn_words=("n_words", "mean"),
                median_turn_words=("n_words", "median"), longest_turn_words=("n_words", "max"),
                n_questions=("is_question", "sum")).reset_index()
    out.insert(len(keys), "role", g.role.agg(_mode).to_numpy())
    scope = out.groupby("doc_id") if per_event else None
    total_words = scope.n_words.transform("sum") if per_event else out.n_words.sum()
    total_turns = scope.n_turns.transform("sum") if per_event else out.n_turns.sum()
    out["word_share"] = out.n_words / total_words if len(out) else []
    out["turn_share"] = out.n_turns / total_turns if len(out) else []
    addressed = turns[turns.is_question & turns.addressee.notna()]
    addressed = addressed.assign(addressee=addressed.addressee.str.split("; ")).explode("addressee")  # each person
    addressed = addressed.groupby(["doc_id", "addressee"] if per_event else ["addressee"]).size()
    idx = pd.MultiIndex.from_frame(out[keys]) if per_event else out.speaker
    out["n_addressed"] = addressed.reindex(idx).fillna(0).astype(int).to_numpy()
    out["mean_turn_words"] = out.mean_turn_words.round(1)
    cols = keys + ["role", "n_docs", "n_turns", "n_words", "n_sentences", "word_share", "turn_share",
                   "mean_turn_words", "median_turn_words", "longest_turn_words", "n_questions", "n_addressed"]
    return out[cols].sort_values(keys[:-1] + ["n_words"], ascending=[True] * (len(keys) - 1) + [False],
                                 ignore_index=True)


def _mode(values: pd.Series) -> str:
    counts = values.value_counts()
    return counts.index[0] if len(counts) else ""


def monthly_activity(turns: pd.DataFrame, documents: pd.DataFrame, *, roles: Sequence[str] = ("official",),
                     speakers: Sequence[str] | None = None, top: int = 8, named_only: bool = True) -> pd.DataFrame:
    """Each speaker's airtime and turns per month (by the event's date).

    Args:
        roles: only speakers with these roles (default: officials, e.g. the press secretaries).
        speakers: only these speakers (default: the `top` speakers by words over the whole period).
        named_only: leave out speakers that stand for a function ("Senior Administration Official").

    Returns:
        month (first day, datetime64), speaker, n_docs, n_turns, n_words, word_share (of all words
        spoken in that month's events, press included). Events without a date are left out.
    """
    dated = turns.merge(documents[["doc_id", "event_date"]], on="doc_id").dropna(subset=["event_date"])
    dated = dated.assign(month=dated.event_date.dt.to_period("M").dt.to_timestamp())
    month_words = dated.groupby("month").n_words.sum()
    mine = dated[dated.role.isin(roles)]
    if named_only:
        mine = mine[~mine.speaker.map(is_generic)]
    if speakers is None:
        speakers = mine.groupby("speaker").n_words.sum().nlargest(top).index.tolist()
    mine = mine[mine.speaker.isin(speakers)]
    out = mine.groupby(["month", "speaker"]).agg(n_docs=("doc_id", "nunique"), n_turns=("turn_index", "size"),
                                                  n_words=("n_words", "sum")).reset_index()
    out["word_share"] = (out.n_words / out.month.map(month_words)).round(4)
    return out.sort_values(["month", "n_words"], ascending=[True, False], ignore_index=True)
