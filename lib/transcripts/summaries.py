"""Small tables for looking at a build: turn overviews, what cleaning set aside, the metrics of notebook 01;
events spread over a corpus's whole period, and counts made rates per 1,000 words."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .quality import warning_list


def preview(text: str, n: int = 90) -> str:
    """The first `n` characters of a text, on one line.

    >>> preview("We discussed Syria.\\n\\nAnd Libya.", 25)
    'We discussed Syria. And…'
    """
    one_line = " ".join(str(text).split())
    return one_line if len(one_line) <= n else one_line[: n - 1].rsplit(" ", 1)[0] + "…"


def turn_overview(turns: pd.DataFrame, doc_id: str) -> pd.DataFrame:
    """One row per turn of one document: who, to whom, how long, and how it starts."""
    t = turns[turns.doc_id == doc_id].sort_values("turn_index")
    return pd.DataFrame({
        "turn": t.turn_index, "speaker": t.speaker, "role": t.role, "addressee": t.addressee.fillna(""),
        "stage_note": t.stage_note.fillna(""), "words": t.n_words, "sentences": t.n_sentences,
        "starts": t.text.map(preview), "chars": t.char_start.astype(str) + "–" + t.char_end.astype(str),
    }).reset_index(drop=True)


def speaker_totals(turns: pd.DataFrame) -> pd.DataFrame:
    """Turns and words per document and speaker, with each speaker's share of the document's words."""
    g = (turns.groupby(["doc_id", "speaker", "role"], as_index=False)
         .agg(n_turns=("turn_index", "size"), n_words=("n_words", "sum")))
    g["word_share"] = g.n_words / g.groupby("doc_id").n_words.transform("sum")
    return g.sort_values(["doc_id", "n_words"], ascending=[True, False]).reset_index(drop=True)


def log_summary(log: pd.DataFrame) -> pd.DataFrame:
    """Characters and spans set aside by the cleaning log, per reason."""
    return (log.assign(chars=log.char_end - log.char_start)
            .groupby("reason", as_index=False).agg(spans=("chars", "size"), chars=("chars", "sum"))
            .sort_values("chars", ascending=False).reset_index(drop=True))


def log_examples(log: pd.DataFrame | Iterable[pd.DataFrame], *, per_reason: int = 3) -> pd.DataFrame:
    """A few non-blank examples of each reason, with offsets. `log` may also be the log in batches, in
    order (`corpus.Tables.batches`): the same examples, without holding the whole log."""
    if not isinstance(log, pd.DataFrame):
        from collections import Counter
        taken: Counter = Counter()
        parts = []
        for part in log:
            ex = log_examples(part, per_reason=per_reason)
            keep = []
            for reason in ex.reason:
                keep.append(taken[reason] < per_reason)
                taken[reason] += 1
            parts.append(ex[keep])
        return pd.concat(parts, ignore_index=True)
    visible = log[log.text.str.strip() != ""]
    ex = visible.groupby("reason", group_keys=False).head(per_reason)
    return ex.assign(text=ex.text.map(preview))[["doc_id", "reason", "char_start", "char_end", "text"]].reset_index(drop=True)


def build_metrics(tables: dict[str, pd.DataFrame], cov: pd.DataFrame) -> dict:
    """The numbers notebook 01 records for regression checks. Tables on disk (`build.BuiltTables`) are read
    only for the columns needed."""
    lean = hasattr(tables, "read") and hasattr(tables, "rows")

    def columns(name: str, names: list[str]) -> pd.DataFrame:
        return tables.read(name, names) if lean else tables[name]

    turns = columns("turns", ["doc_id", "speaker", "role", "turn_index", "n_words", "is_question"])
    totals = speaker_totals(turns).groupby("speaker").agg(n_turns=("n_turns", "sum"), n_words=("n_words", "sum"))
    return {
        "n_documents": len(tables["documents"]),
        "n_turns": len(turns),
        "n_sentences": tables.rows("sentences") if lean else len(tables["sentences"]),
        "n_words": int(turns.n_words.sum()),
        "n_questions": int(turns.is_question.sum()),
        "coverage_min": float(cov.coverage.min()) if len(cov) else 1.0,
        "turns_by_role": {k: int(v) for k, v in turns.role.value_counts().sort_index().items()},
        "top_speakers": {s: {"n_turns": int(r.n_turns), "n_words": int(r.n_words)}
                         for s, r in totals.sort_values("n_words", ascending=False).head(10).iterrows()},
        "log_reasons": sorted(columns("cleaning_log", ["reason"]).reason.unique().tolist()),
        "n_warnings": int(sum(len(warning_list(v)) for v in tables["documents"].warnings)),
    }


def spread_events(documents: pd.DataFrame, n: int) -> list[str]:
    """At most `n` events spread evenly over the whole period (by date, then doc_id), in date order: the
    first and the last, and the others at even steps between them, so a chart of "some events" shows
    the corpus from start to end rather than its first weeks. Undated events come last, and only when
    there are fewer than `n` dated ones.

    >>> docs = pd.DataFrame({"doc_id": list("abcdefg"), "event_date": pd.to_datetime(
    ...     ["2021-01-01", "2021-02-01", "2021-03-01", "2022-01-01", "2023-01-01", "2024-01-01", None])})
    >>> spread_events(docs, 3), spread_events(docs, 10)
    (['a', 'd', 'f'], ['a', 'b', 'c', 'd', 'e', 'f', 'g'])
    """
    if n <= 0 or documents.empty:
        return []
    dates = pd.to_datetime(documents.event_date, errors="coerce") if "event_date" in documents else None
    df = documents.assign(_date=dates if dates is not None else pd.NaT)
    dated = df[df._date.notna()].sort_values(["_date", "doc_id"], kind="stable")
    undated = df[df._date.isna()].sort_values("doc_id", kind="stable")
    ordered = list(dated.doc_id) + list(undated.doc_id)
    if len(ordered) <= n:
        return ordered
    pool = list(dated.doc_id) if len(dated) >= n else ordered
    picks = sorted(set(np.floor(np.linspace(0, len(pool) - 1, n) + 0.5).astype(int)))  # halves round up
    return [pool[i] for i in picks]


def per_1000_words(counts: pd.DataFrame, words: pd.Series, *, top: int | None = None) -> pd.DataFrame:
    """Counts per row (a speaker) made rates per 1,000 of that row's words (`words`, by the same index);
    rows without words are left out. With `top`, the `top` rows with most words, most first.

    >>> counts = pd.DataFrame({"numeric": [4, 1, 3], "total": [10, 1, 6]}, index=["A", "B", "C"])
    >>> per_1000_words(counts, pd.Series({"A": 2000, "B": 0, "C": 3000})).to_dict("index")
    {'A': {'numeric': 2.0, 'total': 5.0}, 'C': {'numeric': 1.0, 'total': 2.0}}
    >>> per_1000_words(counts, pd.Series({"A": 2000, "B": 0, "C": 3000}), top=1).index.tolist()
    ['C']
    """
    per = pd.Series(words, dtype=float).reindex(counts.index)
    keep = per > 0
    rates = counts[keep].div(per[keep], axis=0) * 1000
    if top is not None:
        rates = rates.loc[per[keep].sort_values(ascending=False, kind="stable").index[:top]]
    return rates
