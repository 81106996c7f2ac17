"""Exports for other toolkits: quanteda's texts + docvars pair, and ConvoKit's corpus.

Both take the processed tables (or a subset's rows of them) and never change them.
"""
from __future__ import annotations

import math
from collections import Counter

import pandas as pd

from ..errors import TranscriptError

UNITS = ("turn", "document")
REPLY_TO = ("previous", "question")


def unit_id(doc_id: str, turn_index: int) -> str:
    """The id of a turn in exports: `<doc_id>#<turn_index>`.

    >>> unit_id("wh_2021-06-01", 7)
    'wh_2021-06-01#7'
    """
    return f"{doc_id}#{int(turn_index)}"


def quanteda_frames(turns: pd.DataFrame, documents: pd.DataFrame, *, unit: str = "turn"
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(texts, docvars) for `quanteda::corpus`: `unit_id, text` and `unit_id` plus the variables.

    Args:
        turns: turns (doc_id, turn_index, speaker, role, addressee, is_question, n_words, text).
        documents: their documents (doc_id, event_date, published_at, title, event_type, place,
            principal, counterpart, format).
        unit: "turn" (one quanteda document per turn, id `<doc_id>#<turn_index>`) or "document"
            (one per event: its turns' texts joined by blank lines, in order).

    Docvars of a turn: doc_id, turn_index, speaker, role, addressee, is_question, n_words, date,
    title, event_type, place; of a document: doc_id, date, title, event_type, place, principal,
    counterpart, format, n_turns, n_words (of the turns given).
    """
    if unit not in UNITS:
        raise TranscriptError(None, f"unknown unit {unit!r}", hint=f"Use one of: {', '.join(UNITS)}")
    docs = documents.assign(date=document_dates(documents).dt.strftime("%Y-%m-%d"))
    t = turns.sort_values(["doc_id", "turn_index"], kind="stable")
    if unit == "turn":
        ids = [unit_id(d, i) for d, i in zip(t.doc_id, t.turn_index)]
        texts = pd.DataFrame({"unit_id": ids, "text": t.text.astype(object).to_numpy()})
        docvars = t[["doc_id", "turn_index", "speaker", "role", "addressee", "is_question", "n_words"]].merge(
            docs[["doc_id", "date", "title", "event_type", "place"]], on="doc_id", how="left")
        docvars.insert(0, "unit_id", ids)
        return texts, docvars.reset_index(drop=True)
    joined = t.groupby("doc_id", sort=False).agg(text=("text", lambda s: "\n\n".join(map(str, s))),
                                                  n_turns=("turn_index", "size"), n_words=("n_words", "sum"))
    docvars = docs[["doc_id", "date", "title", "event_type", "place", "principal", "counterpart", "format"]]
    docvars = docvars[docvars.doc_id.isin(joined.index)].merge(joined[["n_turns", "n_words"]], left_on="doc_id",
                                                               right_index=True)
    docvars.insert(0, "unit_id", docvars.doc_id)
    texts = pd.DataFrame({"unit_id": docvars.doc_id.to_numpy(), "text": joined.text.reindex(docvars.doc_id).to_numpy()})
    return texts, docvars.reset_index(drop=True)


def document_dates(documents: pd.DataFrame) -> pd.Series:
    """Each document's date: the event date, else the day it was published (as `topics.document_dates`)."""
    from .topics.timeline import document_dates as dates
    return dates(documents)


def reply_targets(turns: pd.DataFrame, *, reply_to: str = "previous") -> list[int | None]:
    """For each turn (rows of one or more events, in any order), the turn_index it replies to, or None.

    "previous": the turn before it in its event. "question": an answer (`speakers.answers_after`)
    replies to the question it answers, any other turn to the turn before it. Only the turns given
    count: when the turn replied to is not among them (a subset by speaker), the nearest earlier turn
    that is takes its place, so every link points at a turn that exists.

    >>> t = pd.DataFrame(dict(doc_id="d", turn_index=[0, 1, 2, 3], role=["press", "moderator", "official", "official"],
    ...                       is_question=[True, False, False, False]))
    >>> reply_targets(t), reply_targets(t, reply_to="question")
    ([None, 0, 1, 2], [None, 0, 0, 0])
    """
    from .speakers.qa import answers_after

    if reply_to not in REPLY_TO:
        raise TranscriptError(None, f"unknown reply_to {reply_to!r}", hint=f"Use one of: {', '.join(REPLY_TO)}")
    target: dict[tuple[str, int], int | None] = {}
    for doc_id, g in turns.sort_values(["doc_id", "turn_index"]).groupby("doc_id", sort=False):
        recs = g[["turn_index", "role", "is_question"]].to_dict("records")
        prev = None
        for rec in recs:
            target[doc_id, rec["turn_index"]] = prev
            prev = rec["turn_index"]
        if reply_to == "question":
            for i, rec in enumerate(recs):
                if rec["is_question"]:
                    for answer in answers_after(recs, i):
                        target[doc_id, answer["turn_index"]] = rec["turn_index"]
    return [target[d, i] for d, i in zip(turns.doc_id, turns.turn_index)]


def convokit_corpus(turns: pd.DataFrame, documents: pd.DataFrame, *, reply_to: str = "previous"):
    """A `convokit.Corpus`: one utterance per turn, one conversation per event, one speaker per name.

    - Utterance: id `<doc_id>#<turn_index>`, speaker, conversation_id = doc_id, `reply_to` (see
      `reply_targets`; the event's first turn is the conversation's root), text (the turn's clean
      text), timestamp (seconds since 1970 of the event's date plus the turn's position, so ConvoKit's
      chronological order is the transcript's; the position alone when the date is unknown), meta:
      turn_index, role, addressee, is_question, stage_note, n_words, char_start, char_end.
    - Speaker: id = name, meta: role (their most frequent), affiliation.
    - Conversation: id = doc_id, meta: the document's columns (dates as ISO strings).

    ConvoKit is imported here only; without it, a `TranscriptError` says how to install it.
    """
    try:
        from convokit import Corpus, Speaker, Utterance
    except ImportError as exc:
        raise TranscriptError(None, f"ConvoKit is not installed ({exc})",
                              hint="Install it with `pip install convokit==3.5.0` (the version requirements.txt "
                                   "pins; `make setup` installs it)") from None
    t = turns.sort_values(["doc_id", "turn_index"], kind="stable").reset_index(drop=True)
    speakers = {}
    for name, g in t.groupby("speaker", sort=False):
        roles = Counter(g.role)
        affiliation = next((a for a in g.get("affiliation", pd.Series(dtype=object)) if _present(a)), None)
        speakers[name] = Speaker(id=str(name), meta={"role": roles.most_common(1)[0][0], "affiliation": affiliation})
    dates = dict(zip(documents.doc_id, document_dates(documents)))
    targets = reply_targets(t, reply_to=reply_to)
    utterances = []
    for rec, target in zip(t.to_dict("records"), targets):
        date = dates.get(rec["doc_id"])
        base = int(pd.Timestamp(date).timestamp()) if _present(date) else 0
        meta = {k: _json(rec.get(k)) for k in ("turn_index", "role", "addressee", "is_question", "stage_note", "n_words",
                                               "char_start", "char_end")}
        utterances.append(Utterance(id=unit_id(rec["doc_id"], rec["turn_index"]), speaker=speakers[rec["speaker"]],
                                    conversation_id=str(rec["doc_id"]),
                                    reply_to=None if target is None else unit_id(rec["doc_id"], target),
                                    timestamp=base + int(rec["turn_index"]), text=str(rec["text"]), meta=meta))
    corpus = Corpus(utterances=utterances)
    for doc in documents[documents.doc_id.isin(set(t.doc_id))].to_dict("records"):
        convo = corpus.get_conversation(str(doc["doc_id"]))
        for key, value in doc.items():
            if key != "doc_id":
                convo.meta[key] = _json(value)
    return corpus


def _present(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and value is not pd.NaT \
        and not (not isinstance(value, str) and pd.isna(value))


def _json(value):
    """A value ConvoKit can write as JSON: dates as ISO strings, numpy numbers as Python ones, missing as None."""
    if not _present(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat() if value != value.normalize() else value.strftime("%Y-%m-%d")
    if hasattr(value, "item"):
        return value.item()
    return value
