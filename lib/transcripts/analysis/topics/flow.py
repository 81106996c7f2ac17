"""Topics within one event: the event to look at, topic flow by position (word offset, turn),
contiguous topic segments and their order, and for each question the question's topics against its
answer's (stayed on topic, widened, changed subject).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ...errors import TranscriptError
from ..speakers.qa import answers_after
from .lexicon import Lexicon, default_lexicon

#: Q/A shift categories, in the order tables and charts list them.
SHIFTS = ("stayed on topic", "widened", "changed subject", "question untagged", "answer untagged", "no answer")


def pick_event(tables: dict[str, pd.DataFrame], doc_id: str | None = None) -> str:
    """The event to look at: `doc_id` when given (checked), else the one with most questions
    (ties: most words, then doc_id), so a corpus run draws a lively example.

    Raises:
        TranscriptError: `doc_id` is not in the documents table.
    """
    docs = tables["documents"]
    if doc_id:
        if doc_id not in set(docs.doc_id):
            raise TranscriptError(None, f"no document with doc_id {doc_id!r}",
                                  hint="Pick one from the documents table, e.g. " + ", ".join(map(repr, docs.doc_id[:3])))
        return doc_id
    if docs.empty:
        raise TranscriptError(None, "the documents table is empty", hint="Build the corpus first")
    q = tables["turns"].groupby("doc_id").is_question.sum()
    ranked = docs.assign(n_q=docs.doc_id.map(q).fillna(0)).sort_values(["n_q", "n_words", "doc_id"],
                                                                       ascending=[False, False, True])
    return str(ranked.doc_id.iloc[0])


def topic_flow(tables: dict[str, pd.DataFrame], sentence_topics: pd.DataFrame, doc_id: str | None = None,
               lexicon: Lexicon | None = None) -> pd.DataFrame:
    """One row per sentence of the event(s), in order: position (word_start, word_end counted from
    the event's start), turn, speaker, role, is_question, the sentence's topics, and `main_topic`.

    `main_topic` is the one topic a sentence contributes to the flow: the topic of the running
    segment when the sentence carries it (a passing mention does not break a segment), else the
    topic with most matches, ties going to the one mentioned first.
    """
    lexicon = lexicon or default_lexicon()
    sents = tables["sentences"]
    if doc_id is not None:
        sents = sents[sents.doc_id == doc_id]
        if sents.empty:
            raise TranscriptError(None, f"no sentences for document {doc_id!r}",
                                  hint="Pick a doc_id from the documents table")
    turns = tables["turns"][["doc_id", "turn_index", "speaker", "role", "is_question"]]
    flow = (sents[["doc_id", "turn_index", "sentence_index", "text", "n_words"]]
            .merge(turns, on=["doc_id", "turn_index"], how="left")
            .sort_values(["doc_id", "turn_index", "sentence_index"]).reset_index(drop=True))
    flow["word_end"] = flow.groupby("doc_id").n_words.cumsum()
    flow["word_start"] = flow.word_end - flow.n_words
    order = {t: i for i, t in enumerate(lexicon.ids)}
    tags = sentence_topics[sentence_topics.doc_id.isin(flow.doc_id.unique())]
    by_sentence: dict[tuple, list[tuple[str, int, int]]] = {}
    for r in tags.itertuples(index=False):
        by_sentence.setdefault((r.doc_id, r.turn_index, r.sentence_index), []).append((r.topic, r.n_matches, r.first_char))
    topics_col, main_col = [], []
    current, current_doc = None, None
    for doc, turn, sent in zip(flow.doc_id, flow.turn_index, flow.sentence_index):
        if doc != current_doc:
            current, current_doc = None, doc
        found = sorted(by_sentence.get((doc, turn, sent), []), key=lambda x: order.get(x[0], 999))
        topics_col.append("; ".join(t for t, _, _ in found))
        if not found:
            main_col.append(None)
            continue
        names = [t for t, _, _ in found]
        if current not in names:
            current = sorted(found, key=lambda x: (-x[1], x[2], order.get(x[0], 999)))[0][0]
        main_col.append(current)
    flow["topics"] = topics_col
    flow["main_topic"] = main_col
    return flow[["doc_id", "turn_index", "sentence_index", "speaker", "role", "is_question", "word_start",
                 "word_end", "n_words", "topics", "main_topic", "text"]]


def topic_segments(flow: pd.DataFrame, *, max_gap: int = 2) -> pd.DataFrame:
    """Contiguous runs of one main topic along the event.

    Sentences without a topic inside a run (at most `max_gap` in a row) are absorbed; a run ends at
    a different main topic or a longer untagged stretch. Columns: doc_id, segment, topic,
    first_turn, last_turn, word_start, word_end, n_sentences, n_tagged, first_sentence.
    """
    rows = []
    for doc, part in flow.groupby("doc_id", sort=False):
        seg = None
        gap = 0
        for r in part.itertuples(index=False):
            if r.main_topic is None or (isinstance(r.main_topic, float) and pd.isna(r.main_topic)):
                gap += 1
                if seg is not None and gap > max_gap:
                    rows.append(seg)
                    seg = None
                continue
            if seg is not None and seg["topic"] == r.main_topic:
                seg.update(last_turn=r.turn_index, word_end=r.word_end, n_tagged=seg["n_tagged"] + 1,
                           n_sentences=seg["n_sentences"] + gap + 1)
            else:
                if seg is not None:
                    rows.append(seg)
                seg = dict(doc_id=doc, topic=r.main_topic, first_turn=r.turn_index, last_turn=r.turn_index,
                           word_start=r.word_start, word_end=r.word_end, n_sentences=1, n_tagged=1,
                           first_sentence=r.text)
            gap = 0
        if seg is not None:
            rows.append(seg)
    cols = ["doc_id", "segment", "topic", "first_turn", "last_turn", "word_start", "word_end", "n_sentences",
            "n_tagged", "first_sentence"]
    out = pd.DataFrame(rows, columns=[c for c in cols if c != "segment"])
    out.insert(1, "segment", out.groupby("doc_id").cumcount() if len(out) else pd.Series(dtype="int64"))
    return out[cols]


def topic_sequence(segments: pd.DataFrame) -> list[str]:
    """The order topics come up in: segment topics with immediate repeats merged.

    >>> topic_sequence(pd.DataFrame(dict(topic=["a", "a", "b", "a"])))
    ['a', 'b', 'a']
    """
    seq: list[str] = []
    for t in segments.topic:
        if not seq or seq[-1] != t:
            seq.append(t)
    return seq


def qa_topic_shift(tables: dict[str, pd.DataFrame], sentence_topics: pd.DataFrame, *,
                   min_matches: int = 1, max_text_chars: int | None = 300) -> pd.DataFrame:
    """For each question turn, its topics against the topics of the answer turn(s) that follow it.

    The answer is every non-question turn by an official or other speaker before the next question
    (moderators and narration are skipped). A topic counts for a turn when it has at least
    `min_matches` matches there. `shift` is:
    - "stayed on topic": the answer keeps to (some of) the question's topics and adds none;
    - "widened": the answer keeps at least one of the question's topics and adds others;
    - "changed subject": question and answer share no topic;
    - "question untagged" / "answer untagged" / "no answer": nothing to compare.

    `question_text` is cut to `max_text_chars` characters (None keeps it whole).
    """
    turns = tables["turns"]
    used = [c for c in ("doc_id", "turn_index", "speaker", "role", "addressee", "is_question", "n_words", "text")
            if c in turns]  # only what is read below: each event's turns become dicts
    turns = turns[used].sort_values(["doc_id", "turn_index"])
    counts = sentence_topics.groupby(["doc_id", "turn_index", "topic"]).n_matches.sum()
    per_turn: dict[tuple, set[str]] = {}
    for (doc, turn, topic), n in counts.items():
        if n >= min_matches:
            per_turn.setdefault((doc, turn), set()).add(topic)
    rows = []
    for doc, part in turns.groupby("doc_id", sort=False):
        recs = part.to_dict("records")
        for i, q in enumerate(recs):
            if not q["is_question"]:
                continue
            answers = answers_after(recs, i)
            q_topics = per_turn.get((doc, q["turn_index"]), set())
            a_topics = set().union(*(per_turn.get((doc, a["turn_index"]), set()) for a in answers)) if answers else set()
            shared, added, dropped = q_topics & a_topics, a_topics - q_topics, q_topics - a_topics
            if not answers:
                shift = "no answer"
            elif not q_topics:
                shift = "question untagged"
            elif not a_topics:
                shift = "answer untagged"
            elif not shared:
                shift = "changed subject"
            elif added:
                shift = "widened"
            else:
                shift = "stayed on topic"
            union = q_topics | a_topics
            rows.append(dict(
                doc_id=doc, question_turn=q["turn_index"],
                answer_turns=",".join(str(a["turn_index"]) for a in answers),
                questioner=q["speaker"], addressee=q.get("addressee"),
                answerer="; ".join(dict.fromkeys(a["speaker"] for a in answers)),
                question_topics="; ".join(sorted(q_topics)), answer_topics="; ".join(sorted(a_topics)),
                shared_topics="; ".join(sorted(shared)), added_topics="; ".join(sorted(added)),
                dropped_topics="; ".join(sorted(dropped)),
                jaccard=len(shared) / len(union) if union else np.nan, shift=shift,
                question_words=q["n_words"], answer_words=sum(a["n_words"] for a in answers),
                question_text=_cut(q["text"], max_text_chars)))
    cols = ["doc_id", "question_turn", "answer_turns", "questioner", "addressee", "answerer", "question_topics",
            "answer_topics", "shared_topics", "added_topics", "dropped_topics", "jaccard", "shift",
            "question_words", "answer_words", "question_text"]
    return pd.DataFrame(rows, columns=cols)


def _cut(text: str | None, n: int | None) -> str | None:
    if text is None or n is None or len(text) <= n:
        return text
    return text[: n - 1].rstrip() + "…"


def shift_counts(qa: pd.DataFrame) -> pd.DataFrame:
    """How many questions fall in each shift category, with shares (all categories listed)."""
    counts = qa["shift"].value_counts().reindex(list(SHIFTS), fill_value=0)
    return pd.DataFrame(dict(shift=counts.index, n_questions=counts.values,
                             share=counts.values / max(len(qa), 1)))
