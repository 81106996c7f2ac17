"""Questions and answers: which turns answer a question, each question with the answer that follows it,
and who the questions were put to (and whether that person's answer is in the transcript).
"""
from __future__ import annotations

import pandas as pd

#: Roles whose turns can answer a question (a moderator passing the floor does not answer).
ANSWER_ROLES = ("official", "other")


def answers_after(recs: list[dict], i: int) -> list[dict]:
    """The turns answering the question `recs[i]`: turns by an official (or `other`) after it, up to the
    next question (a moderator passing the floor is not an answer). `recs` are one event's turns in order.

    >>> recs = [dict(is_question=True, role="press"), dict(is_question=False, role="moderator"),
    ...         dict(is_question=False, role="official"), dict(is_question=False, role="other"),
    ...         dict(is_question=True, role="press"), dict(is_question=False, role="official")]
    >>> [recs.index(r) for r in answers_after(recs, 0)]
    [2, 3]
    """
    found = []
    for nxt in recs[i + 1:]:
        if nxt["is_question"]:
            break
        if nxt["role"] in ANSWER_ROLES:
            found.append(nxt)
    return found


def qa_pairs(turns: pd.DataFrame) -> pd.DataFrame:
    """Each question and the answer that follows it in the transcript.

    The answer is the next turn of the same event, if it is by an official (or `other`) and comes
    before the next question. A question addressed to someone whose answer is not in the transcript
    (in the sample, questions to Michael Pompeo, whose words the Russian transcript leaves out) is
    never given that person's answer: `answered_by` is whoever actually speaks next, and
    `status` says "addressee's answer not in transcript". A question to several people (`addressee`
    "Vladimir Putin; Recep Tayyip Erdogan") is answered by the addressee when any of them speaks next.

    Returns:
        doc_id, question_turn, asker, addressee, question_words, question_text, answer_turn (Int64,
        <NA> when none), answered_by, answer_words, answer_stage_note, addressee_answered (True,
        False, or <NA> when nobody is named), status ("answered", "answered by addressee",
        "addressee's answer not in transcript", "no answer in transcript").
    """
    rows = []
    used = ["doc_id", "turn_index", "speaker", "role", "addressee", "is_question", "n_words", "text", "stage_note"]
    for doc_id, t in turns[used].sort_values(["doc_id", "turn_index"]).groupby("doc_id", sort=False):
        recs = t.to_dict("records")
        for i, q in enumerate(recs):
            if not q["is_question"]:
                continue
            answer = next(iter(answers_after(recs, i)), None)  # the first of them
            addressee = q["addressee"] if isinstance(q["addressee"], str) and q["addressee"] else None
            by = answer["speaker"] if answer else None
            if addressee is None:
                answered = pd.NA
                status = "answered" if answer else "no answer in transcript"
            else:
                answered = by in addressee.split("; ")  # several addressees: any of them answering counts
                status = ("answered by addressee" if answered
                          else "addressee's answer not in transcript")
            rows.append(dict(doc_id=doc_id, question_turn=q["turn_index"], asker=q["speaker"],
                             addressee=addressee, question_words=q["n_words"], question_text=q["text"],
                             answer_turn=answer["turn_index"] if answer else pd.NA, answered_by=by,
                             answer_words=answer["n_words"] if answer else pd.NA,
                             answer_stage_note=answer["stage_note"] if answer else None,
                             addressee_answered=answered, status=status))
    cols = ["doc_id", "question_turn", "asker", "addressee", "question_words", "question_text", "answer_turn",
            "answered_by", "answer_words", "answer_stage_note", "addressee_answered", "status"]
    out = pd.DataFrame(rows, columns=cols)
    for col in ("answer_turn", "answer_words"):
        out[col] = out[col].astype("Int64")
    out["addressee_answered"] = out["addressee_answered"].astype("boolean")
    return out


def addressees(pairs: pd.DataFrame) -> pd.DataFrame:
    """Who the questions were put to, and whether that person's answer is in the transcript.

    Returns one row per addressee ("(nobody named)" for questions to the floor): n_questions,
    answered_by_addressee, answer_absent (addressee named, their answer not in the transcript),
    answered_by (who did speak next, e.g. "Sergey Lavrov ×2"). A question put to several people
    ("Vladimir Putin; Recep Tayyip Erdogan") counts once for each of them.
    """
    df = pairs.assign(addressee=pairs.addressee.fillna("(nobody named)").str.split("; ")).explode("addressee")
    rows = []
    for who, g in df.groupby("addressee", sort=False):
        named = who != "(nobody named)"
        counts = g.answered_by.dropna().value_counts()
        rows.append(dict(addressee=who, n_questions=len(g),
                         answered_by_addressee=int((g.answered_by == who).sum()) if named else pd.NA,
                         answer_absent=int((g.answered_by != who).sum()) if named else pd.NA,
                         answered_by=", ".join(f"{k} ×{v}" for k, v in counts.items()) or None))
    out = pd.DataFrame(rows, columns=["addressee", "n_questions", "answered_by_addressee", "answer_absent",
                                      "answered_by"])
    return out.astype({"answered_by_addressee": "Int64", "answer_absent": "Int64"}).sort_values(
        "n_questions", ascending=False, ignore_index=True)
