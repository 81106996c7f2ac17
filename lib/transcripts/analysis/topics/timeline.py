"""Topics across a corpus: each document's date, topic share per day, week, month, quarter or year
(per 1,000 words and per document, with the counts behind each figure), and the leading topics.
"""
from __future__ import annotations

import pandas as pd

from ...errors import TranscriptError
from .lexicon import Lexicon, default_lexicon

#: Period names accepted by `topic_timeline`, and the pandas period each stands for.
FREQS = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}


def document_dates(documents: pd.DataFrame) -> pd.Series:
    """Each document's date: the event date, else the publication date (NaT when neither is known)."""
    event = pd.to_datetime(documents.event_date, errors="coerce")
    published = pd.to_datetime(documents.published_at, errors="coerce")
    return event.fillna(published.dt.normalize())


def topic_timeline(tables: dict[str, pd.DataFrame], sentence_topics: pd.DataFrame, *, freq: str = "month",
                   lexicon: Lexicon | None = None) -> pd.DataFrame:
    """Topic share per period, normalised per 1,000 words and per document, with the counts.

    One row per period (that has documents) and topic, zeros included, sorted by period then
    lexicon order. Columns: period, period_start, topic, label, n_sentences, n_matches,
    n_documents, period_documents, period_sentences, period_words, share (share of the period's
    sentences that carry the topic), per_1000_words (matches per 1,000 words), per_document
    (matches per document), doc_share (share of the period's documents that mention the topic).
    Documents without a date are left out.

    Args:
        freq: "day", "week" (weeks start on Monday), "month", "quarter" or "year".
    """
    sents = tables["sentences"]
    return timeline_from_counts(tables["documents"], *timeline_counts(sents, sentence_topics), freq=freq, lexicon=lexicon)


def timeline_counts(sentences: pd.DataFrame, sentence_topics: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What `topic_timeline` counts, per document: (doc_id, n_sentences, n_words) of the sentences, and
    (doc_id, topic, n_sentences, n_matches) of the tags. Parts holding whole documents can be counted apart
    and their counts put together (`pd.concat`)."""
    per_doc = (sentences.groupby("doc_id", sort=False).agg(n_sentences=("doc_id", "size"), n_words=("n_words", "sum"))
               .reset_index())
    per_topic = (sentence_topics.groupby(["doc_id", "topic"], sort=False)
                 .agg(n_sentences=("sentence_index", "size"), n_matches=("n_matches", "sum")).reset_index())
    return per_doc, per_topic


def timeline_from_counts(documents: pd.DataFrame, doc_counts: pd.DataFrame, doc_topic_counts: pd.DataFrame, *,
                         freq: str = "month", lexicon: Lexicon | None = None) -> pd.DataFrame:
    """`topic_timeline` from the documents and the counts of `timeline_counts`."""
    if freq not in FREQS:
        raise TranscriptError(None, f"unknown period {freq!r}", hint=f"Use one of: {', '.join(FREQS)}")
    lexicon = lexicon or default_lexicon()
    docs = documents[["doc_id"]].copy()
    docs["date"] = document_dates(documents).values
    docs = docs.dropna(subset=["date"])
    docs["period_obj"] = docs.date.dt.to_period(FREQS[freq])
    sents = doc_counts.merge(docs[["doc_id", "period_obj"]], on="doc_id")
    base = (sents.groupby("period_obj").agg(period_sentences=("n_sentences", "sum"), period_words=("n_words", "sum"))
            .join(docs.groupby("period_obj").agg(period_documents=("doc_id", "nunique"))).reset_index())
    tags = doc_topic_counts.merge(docs[["doc_id", "period_obj"]], on="doc_id")
    agg = (tags.groupby(["period_obj", "topic"])
           .agg(n_sentences=("n_sentences", "sum"), n_matches=("n_matches", "sum"), n_documents=("doc_id", "nunique"))
           .reset_index())
    grid = pd.MultiIndex.from_product([base.period_obj, lexicon.ids], names=["period_obj", "topic"]).to_frame(index=False)
    out = grid.merge(base, on="period_obj").merge(agg, on=["period_obj", "topic"], how="left")
    for col in ("n_sentences", "n_matches", "n_documents"):
        out[col] = out[col].fillna(0).astype("int64")
    out["share"] = out.n_sentences / out.period_sentences.where(out.period_sentences > 0)
    out["per_1000_words"] = 1000 * out.n_matches / out.period_words.where(out.period_words > 0)
    out["per_document"] = out.n_matches / out.period_documents
    out["doc_share"] = out.n_documents / out.period_documents
    out["period"] = [_period_label(p, freq) for p in out.period_obj]
    out["period_start"] = [p.start_time.normalize() for p in out.period_obj]
    out["label"] = out.topic.map(lexicon.labels)
    order = {t: i for i, t in enumerate(lexicon.ids)}
    out = out.assign(_o=out.topic.map(order)).sort_values(["period_start", "_o"], kind="stable")
    return out[["period", "period_start", "topic", "label", "n_sentences", "n_matches", "n_documents",
                "period_documents", "period_sentences", "period_words", "share", "per_1000_words", "per_document",
                "doc_share"]].reset_index(drop=True)


def _period_label(p: pd.Period, freq: str) -> str:
    """A readable, sortable period name: 2021-01-20, 2021-W03, 2021-01, 2021Q1, 2021."""
    if freq == "week":
        year, week, _ = p.start_time.isocalendar()
        return f"{year}-W{week:02d}"
    return str(p)


def top_topics(timeline: pd.DataFrame, n: int = 10) -> list[str]:
    """The `n` topics with most matches over the whole timeline (ties by topic id)."""
    tot = timeline.groupby("topic").n_matches.sum()
    tot = tot[tot > 0].sort_index().sort_values(ascending=False, kind="stable")
    return list(tot.index[:n])
