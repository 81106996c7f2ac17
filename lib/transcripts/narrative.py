"""Prose about the corpus at hand: the sentences of a report page that depend on the data (counts,
dates, who, what rose and fell), computed from the tables the notebook holds, so a page says the same
true things about the sample, the White House briefings or any other corpus.

Each function returns `Prose`: a string that JupyterLab and the rendered page show as Markdown (the
last expression of a cell, or `display(...)`). Everything taken from a transcript (names, titles, terms)
goes through `md`, so it shows as text and never as markup.

    >>> docs = pd.DataFrame({"doc_id": ["a"], "event_date": pd.to_datetime(["2019-12-10"]),
    ...                      "title": ["Joint news conference"], "event_type": ["press conference"]})
    >>> turns = pd.DataFrame({"doc_id": "a", "speaker": ["Sergey Lavrov", "Press"], "role": ["official", "press"],
    ...                       "n_words": [3370, 319]})
    >>> print(corpus_overview(docs, turns, n_sentences=171))
    This run reads **one event**, *Joint news conference* (press conference), on 10 December 2019: 2 turns, 171 sentences, 3,689 words. Sergey Lavrov spoke 91 % of the words, Press 8.6 %.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from .display import NBSP, fmt_int, fmt_pct

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}#|~!])")


class Prose(str):
    """A paragraph (or a few) of Markdown: shown as Markdown in notebooks and report pages."""

    def _repr_markdown_(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        return str(self)


def md(value: Any) -> str:
    """Text from a transcript made safe for Markdown: HTML characters escaped, Markdown's marks quoted,
    on one line.

    >>> md("<script>x</script> *bold* [link](y)")
    '&lt;script&gt;x&lt;/script&gt; \\\\*bold\\\\* \\\\[link\\\\](y)'
    """
    text = " ".join(str(value).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _pct(share: float) -> str:
    return fmt_pct(share).replace(NBSP, " ")


def _n(count: float, one: str, many: str | None = None) -> str:
    """
    >>> _n(1, "event"), _n(1143, "event"), _n(2, "was", "were")
    ('1 event', '1,143 events', '2 were')
    """
    return f"{fmt_int(count)} {one if count == 1 else (many or one + 's')}"


def listing(parts: Sequence[str], conj: str = "and") -> str:
    """
    >>> listing(["a"]), listing(["a", "b"]), listing(["a", "b", "c"]), listing([])
    ('a', 'a and b', 'a, b and c', '')
    """
    parts = list(parts)
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" {conj} " + parts[-1]


def _date(value: Any) -> str:
    return f"{pd.Timestamp(value):%-d %B %Y}"


def _month(value: Any) -> str:
    return f"{pd.Timestamp(value):%B %Y}"


def _rate(x: float) -> str:
    """
    >>> _rate(12.04), _rate(0.46), _rate(0.0), _rate(3.0)
    ('12', '0.5', '0', '3')
    """
    return f"{x:,.0f}" if x >= 10 or x == 0 else f"{x:.1f}".rstrip("0").rstrip(".")


def _span(dates: pd.Series) -> str:
    dates = pd.to_datetime(dates, errors="coerce").dropna()
    if dates.empty:
        return ""
    first, last = dates.min(), dates.max()
    return f"on {_date(first)}" if first.date() == last.date() else f"from {_date(first)} to {_date(last)}"


def _shares(turns: pd.DataFrame, n: int = 3) -> list[tuple[str, float]]:
    words = turns.groupby("speaker").n_words.sum()
    total = words.sum()
    if not total:
        return []
    ranked = sorted(words.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return [(s, w / total) for s, w in ranked]


def _who_spoke(turns: pd.DataFrame, n: int = 3, scope: str = "the words") -> str:
    shares = _shares(turns, n)
    if not shares:
        return ""
    (first, share), *rest = shares
    return f"{md(first)} spoke {_pct(share)} of {scope}" + "".join(f", {md(s)} {_pct(w)}" for s, w in rest) + "."


# ---------------------------------------------------------------- every notebook

def scope_note(scope: Any) -> Prose:
    """What the filter parameters keep (`corpus.scope`), in words; nothing when no filter is set.

    >>> from transcripts.corpus import Filter, Scope
    >>> import datetime as dt
    >>> t = pd.DataFrame({"doc_id": ["a", "a", "b"], "turn_index": [0, 1, 0], "speaker": ["X", "Y", "X"], "n_words": [30, 10, 60]})
    >>> d = pd.DataFrame({"doc_id": ["a", "b"], "event_date": pd.to_datetime(["2021-06-02", "2021-07-01"])})
    >>> s = Scope({"documents": d, "turns": t[t.speaker == "X"]}, {"documents": d, "turns": t},
    ...           Filter(speakers=("X",), date_from=dt.date(2021, 6, 1)))
    >>> print(scope_note(s))
    **Filtered** (speakers X; from 2021-06-01): 2 events, from 2 June 2021 to 1 July 2021. Only the turns of the speakers and roles chosen are counted (2 turns, 90 % of the words of these events); the sections on an event's turn sequence and on questions and answers show the whole events, keeping the exchanges those turns take part in.
    >>> print(scope_note(Scope({}, {})))
    <BLANKLINE>
    """
    f = scope.filter
    if not (f.by_turn or f.by_document):
        return Prose("")
    conditions = []
    for name, what in (("doc_ids", "events"), ("speakers", "speakers"), ("roles", "roles")):
        values = getattr(f, name)
        if values is not None:
            conditions.append(f"{what} " + ", ".join(md(v) for v in values[:5]) + (" …" if len(values) > 5 else ""))
    if f.date_from is not None:
        conditions.append(f"from {f.date_from.isoformat()}")
    if f.date_to is not None:
        conditions.append(f"to {f.date_to.isoformat()}")
    docs = scope.tables["documents"]
    span = _span(docs.event_date) if "event_date" in docs else ""
    text = f"**Filtered** ({'; '.join(conditions)}): {_n(len(docs), 'event')}" + (f", {span}" if span else "") + "."
    if f.by_turn:
        chosen, whole = scope.tables["turns"], scope.events["turns"]
        share = chosen.n_words.sum() / whole.n_words.sum() if whole.n_words.sum() else 0
        text += (f" Only the turns of the speakers and roles chosen are counted ({_n(len(chosen), 'turn')}, "
                 f"{_pct(share)} of the words of these events); the sections on an event's turn sequence and on "
                 "questions and answers show the whole events, keeping the exchanges those turns take part in.")
    return Prose(text)


# ---------------------------------------------------------------- notebook 01

def corpus_overview(documents: pd.DataFrame, turns: pd.DataFrame, *, n_sentences: int | None = None,
                    errors: Sequence[Any] = (), near_duplicates: Sequence[Any] = ()) -> Prose:
    """What the run read: events, their period and kinds, turns, sentences, words, who spoke most, and
    what was not read (files that failed, near-duplicates kept once)."""
    n_docs = len(documents)
    span = _span(documents.event_date) if "event_date" in documents else ""
    if n_docs == 1:
        row = documents.iloc[0]
        title = row.get("title")
        kind = row.get("event_type")
        what = "**one event**" + (f", *{md(title)}*" if isinstance(title, str) and title.strip() else "") \
               + (f" ({md(kind)})" if isinstance(kind, str) and kind.strip() else "")
    else:
        what = f"**{_n(n_docs, 'event')}**"
    parts = [f"This run reads {what}" + (f", {span}" if span else "")]
    counts = [_n(len(turns), "turn")] + ([_n(n_sentences, "sentence")] if n_sentences is not None else []) \
        + [_n(int(turns.n_words.sum()), "word")]
    text = parts[0] + ": " + ", ".join(counts) + "."
    if n_docs > 1 and "event_type" in documents:
        kinds = documents.event_type.fillna("").astype(str).str.strip().replace("", "of no stated kind").value_counts()
        if len(kinds) > 1 or kinds.index[0] != "of no stated kind":
            top = [f"{fmt_int(k)} {md(v)}" for v, k in kinds.head(4).items()]
            text += " By kind: " + listing(top) + (", and others" if len(kinds) > 4 else "") + "."
    text += " " + _who_spoke(turns)
    if errors:
        text += f" **{_n(len(errors), 'file')} could not be read** (listed in the Checks section at the end)."
    if near_duplicates:
        text += (f" {_n(len(near_duplicates), 'event was', 'events were')} published twice and "
                 f"{'is' if len(near_duplicates) == 1 else 'are'} read once (near-duplicates, named in the warnings below).")
    return Prose(text.strip())


def events_shown(documents: pd.DataFrame, shown: Sequence[str], *, what: str = "The chart shows") -> Prose:
    """Which events a chart of some events shows, and how they were picked (`summaries.spread_events`).

    >>> docs = pd.DataFrame({"doc_id": list("abc"), "event_date": pd.to_datetime(["2021-01-01", "2022-01-01", "2023-01-01"])})
    >>> print(events_shown(docs, ["a", "c"]))
    The chart shows 2 of the 3 events, spread evenly over the whole period (from 1 January 2021 to 1 January 2023).
    >>> print(events_shown(docs, ["a", "b", "c"]))
    The chart shows all 3 events, from 1 January 2021 to 1 January 2023.
    """
    n, total = len(shown), len(documents)
    span = _span(documents[documents.doc_id.isin(shown)].event_date) if "event_date" in documents else ""
    if n >= total:
        return Prose(f"{what} {'the one event' if total == 1 else f'all {fmt_int(total)} events'}"
                     + (f", {span}" if span else "") + ".")
    return Prose(f"{what} {fmt_int(n)} of the {fmt_int(total)} events, spread evenly over the whole period"
                 + (f" ({span})" if span else "") + ".")


def cleaning_note(log: pd.DataFrame, n_files: int) -> Prose:
    """What cleaning set aside, in characters, the largest reasons first.

    >>> log = pd.DataFrame({"reason": ["speaker label", "blank", "speaker label"], "char_start": [0, 10, 20],
    ...                     "char_end": [8, 12, 28]})
    >>> print(cleaning_note(log, 1))
    Cleaning set aside 18 characters of the file, in 3 spans, each with its reason: speaker label 16 and blank 2.
    """
    if log.empty:
        return Prose("Cleaning set aside nothing: every character is in a turn.")
    chars = (log.char_end - log.char_start).groupby(log.reason).sum().sort_values(ascending=False, kind="stable")
    top = [f"{md(r)} {fmt_int(c)}" for r, c in chars.head(3).items() if c > 0]
    scope = "the file" if n_files == 1 else f"the {fmt_int(n_files)} files"
    return Prose(f"Cleaning set aside {fmt_int(chars.sum())} characters of {scope}, in {_n(len(log), 'span')}, "
                 f"each with its reason: " + listing(top) + (", and less for the others" if len(chars) > 3 else "")
                 + ".")


def warnings_note(warnings: pd.DataFrame, n_docs: int) -> Prose:
    """How many warnings, in how many events, the most frequent kinds.

    >>> w = pd.DataFrame({"doc_id": ["a", "a", "b"], "kind": ["guessed role", "near-duplicate", "guessed role"]})
    >>> print(warnings_note(w, 10))
    The workbook is unsure of something in 2 of the 10 events: 3 warnings, most often guessed role (2) and near-duplicate (1).
    """
    if warnings.empty:
        return Prose("The workbook is sure of everything it read: no warnings.")
    kinds = warnings.kind.value_counts()
    top = [f"{md(k)} ({fmt_int(v)})" for k, v in kinds.head(3).items()]
    events = warnings.doc_id.nunique()
    scope = f"{fmt_int(events)} of the {fmt_int(n_docs)} events" if n_docs > 1 else "the event"
    return Prose(f"The workbook is unsure of something in {scope}: {_n(len(warnings), 'warning')}, most often "
                 + listing(top) + ".")


def duplicates_note(pairs: pd.DataFrame) -> Prose:
    """Possible duplicate speakers: how many pairs, and the one with most turns."""
    if pairs.empty:
        return Prose("No two speaker names look like one person.")
    first = pairs.iloc[0]
    return Prose(f"{_n(len(pairs), 'pair')} of speaker names may be one person; the first: "
                 f"{md(first['name'])} and {md(first['other_name'])} ({md(first['reason'])}).")


# ---------------------------------------------------------------- notebook 02

def floor_note(profile: pd.DataFrame, *, shown: int) -> Prose:
    """Who held the floor: the top speakers' shares, how many speakers, what the table leaves out.

    >>> p = pd.DataFrame({"speaker": ["A", "B", "C"], "n_words": [600, 300, 100], "word_share": [0.6, 0.3, 0.1],
    ...                   "n_docs": [2, 1, 1]})
    >>> print(floor_note(p, shown=2))
    A spoke most: 60 % of all words, in 2 events; then B 30 % and C 10 %. 3 speakers in all; the 2 with most words (90 % of them) are shown below, every speaker in the CSV.
    """
    if profile.empty:
        return Prose("Nobody speaks in the turns in scope.")
    p = profile.sort_values(["n_words", "speaker"], ascending=[False, True])
    first = p.iloc[0]
    events = f", in {_n(first.n_docs, 'event')}" if "n_docs" in p and first.n_docs > 1 else ""
    text = f"{md(first.speaker)} spoke most: {_pct(first.word_share)} of all words{events}"
    rest = [f"{md(s)} {_pct(w)}" for s, w in zip(p.speaker.iloc[1:3], p.word_share.iloc[1:3])]
    text += ("; then " + listing(rest) if rest else "") + "."
    if len(p) > shown:
        text += (f" {_n(len(p), 'speaker')} in all; the {fmt_int(shown)} with most words "
                 f"({_pct(p.word_share.head(shown).sum())} of them) are shown below, every speaker in the CSV.")
    return Prose(text)


def questions_note(pairs: pd.DataFrame) -> Prose:
    """How many questions, how many were answered by whom they were put to, and whose answers are missing.

    >>> q = pd.DataFrame({"status": ["answered", "addressee's answer not in transcript", "addressee's answer not in transcript"],
    ...                   "addressee": [None, "Michael Pompeo", "Michael Pompeo"]})
    >>> print(questions_note(q))
    3 questions. 2 were put to someone whose answer the transcript does not contain (Michael Pompeo 2): the table names whoever spoke next instead, and invents no answer.
    """
    if pairs.empty:
        return Prose("No turn in scope is a question.")
    text = _n(len(pairs), "question") + "."
    absent = pairs[pairs.status == "addressee's answer not in transcript"]
    if len(absent):
        who = absent.addressee.fillna("").value_counts().head(3)
        text += (f" {_n(len(absent), 'was', 'were')} put to someone whose answer the transcript does not contain ("
                 + ", ".join(f"{md(a)} {fmt_int(n)}" for a, n in who.items() if a) + "): the table names whoever "
                 "spoke next instead, and invents no answer.")
    unanswered = pairs[pairs.status == "no answer in transcript"]
    if len(unanswered):
        text += f" {_n(len(unanswered), 'question gets', 'questions get')} no answer at all in the transcript."
    return Prose(text)


def mentions_note(found: pd.DataFrame, rates: pd.DataFrame) -> Prose:
    """The most mentioned names, and who names whom most often for their words."""
    if found.empty:
        return Prose("No person, country or organisation of the gazetteer is named.")
    top = found.groupby("entity").n.sum().sort_values(ascending=False, kind="stable").head(3)
    text = "Most named: " + listing([f"{md(e)} ({fmt_int(n)} times)" if i == 0 else f"{md(e)} ({fmt_int(n)})"
                                      for i, (e, n) in enumerate(top.items())]) + "."
    if rates is not None and not rates.empty and rates.to_numpy().max() > 0:
        stacked = rates.stack()
        (who, whom), rate = stacked.idxmax(), stacked.max()
        text += (f" For their words, {md(who)} names {md(whom)} most often: {_rate(rate)} times per 1,000 words "
                 "(the chart below counts per 1,000 of each speaker's words, so who talks most does not simply lead).")
    return Prose(text)


def stance_note(profile: pd.DataFrame, n: int = 5) -> Prose:
    """Who hedges most and least, who sounds most certain, among the `n` who spoke most.

    >>> p = pd.DataFrame({"speaker": ["A", "B", "C"], "n_words": [900, 800, 10], "hedging_per_1k": [12.0, 4.5, 30.0],
    ...                   "certainty_per_1k": [3.0, 9.0, 1.0]})
    >>> print(stance_note(p, 2))
    Of the 2 who spoke most, A hedges most (12 per 1,000 words) and B least (4.5); B sounds most certain (9 certainty markers per 1,000 words).
    """
    p = profile.sort_values("n_words", ascending=False).head(n).dropna(subset=["hedging_per_1k", "certainty_per_1k"])
    if len(p) < 2:
        return Prose("Too few speakers to compare their hedging.")
    h = p.sort_values(["hedging_per_1k", "speaker"], ascending=[False, True])
    c = p.sort_values(["certainty_per_1k", "speaker"], ascending=[False, True]).iloc[0]
    return Prose(f"Of the {fmt_int(len(p))} who spoke most, {md(h.speaker.iloc[0])} hedges most "
                 f"({_rate(h.hedging_per_1k.iloc[0])} per 1,000 words) and {md(h.speaker.iloc[-1])} least "
                 f"({_rate(h.hedging_per_1k.iloc[-1])}); {md(c.speaker)} sounds most certain "
                 f"({_rate(c.certainty_per_1k)} certainty markers per 1,000 words).")


def distinctive_note(top: pd.DataFrame, *, stopwords: bool, n: int = 5) -> Prose:
    """Each comparison's most distinctive terms, in a sentence each.

    >>> t = pd.DataFrame({"comparison": ["A vs rest"] * 2 + ["press vs official"], "group": ["A", "A", "press"],
    ...                   "term": ["treaty", "arms control", "you"], "rank": [1, 2, 1]})
    >>> print(distinctive_note(t, stopwords=True))
    What sets each apart (stop words left out; pairs of words count too): **A**: treaty, arms control. **the press**, against the officials: you.
    """
    if top.empty:
        return Prose("Too few words to tell the speakers apart.")
    head = ("What sets each apart (stop words left out; pairs of words count too): " if stopwords else
            "What sets each apart (every word counted, function words too): ")
    parts = []
    for comp, part in top.sort_values("rank").groupby("comparison", sort=False):
        group = str(part.group.iloc[0])
        name = {"press": "**the press**, against the officials", "official": "**the officials**, against the press"
                }.get(group, f"**{md(group)}**")
        parts.append(f"{name}: " + ", ".join(md(t) for t in part.term.head(n)) + ".")
    return Prose(head + " ".join(parts))


def monthly_note(monthly: pd.DataFrame) -> Prose:
    """When each spokesperson spoke: first and last month, and their busiest month.

    >>> m = pd.DataFrame({"month": pd.to_datetime(["2021-01-01", "2021-02-01", "2021-02-01"]),
    ...                   "speaker": ["A", "A", "B"], "n_words": [10, 30, 5]})
    >>> print(monthly_note(m))
    A spoke from January 2021 to February 2021 (most in February 2021: 30 words); B in February 2021 only.
    """
    if monthly.empty:
        return Prose("No dated event: nothing to show month by month.")
    if monthly.month.nunique() == 1:
        return Prose(f"Every event falls in {_month(monthly.month.iloc[0])}: one point per speaker. On a corpus of "
                     "many months, each spokesperson's months show here.")
    order = monthly.groupby("speaker").n_words.sum().sort_values(ascending=False, kind="stable").index
    parts = []
    for who in order[:5]:
        part = monthly[monthly.speaker == who]
        first, last = part.month.min(), part.month.max()
        peak = part.sort_values(["n_words", "month"], ascending=[False, True]).iloc[0]
        if first == last:
            parts.append(f"{md(who)} in {_month(first)} only")
        else:
            parts.append(f"{md(who)} spoke from {_month(first)} to {_month(last)} (most in {_month(peak.month)}: "
                         f"{_n(peak.n_words, 'word')})")
    return Prose("; ".join(parts) + ".")


# ---------------------------------------------------------------- notebook 03

def tagging_note(n_tagged: int, n_sentences: int, summary: pd.DataFrame) -> Prose:
    """How many sentences carry a topic, and the most frequent topics.

    >>> s = pd.DataFrame({"label": ["Iran", "Syria"], "n_sentences": [12, 3]})
    >>> print(tagging_note(14, 171, s))
    14 of 171 sentences (8.2 %) carry at least one topic of the lexicon; the most frequent: Iran (12 sentences) and Syria (3).
    """
    text = f"{fmt_int(n_tagged)} of {_n(n_sentences, 'sentence')} ({_pct(n_tagged / max(n_sentences, 1))}) carry at least one topic of the lexicon"
    top = summary[summary.n_sentences > 0].sort_values("n_sentences", ascending=False, kind="stable").head(3)
    if len(top):
        text += "; the most frequent: " + listing([f"{md(lab)} ({_n(n, 'sentence')})" if i == 0 else f"{md(lab)} ({fmt_int(n)})"
                                                    for i, (lab, n) in enumerate(zip(top.label, top.n_sentences))])
    return Prose(text + ".")


def flow_note(documents: pd.DataFrame, turns: pd.DataFrame, doc_id: str, sequence: Sequence[str],
              labels: dict[str, str], *, chosen: bool) -> Prose:
    """Which event the flow shows, why, and the order its topics came up in."""
    row = documents.set_index("doc_id").loc[doc_id]
    title = row.get("title") if isinstance(row.get("title"), str) and row.get("title").strip() else doc_id
    date = f" on {_date(row.event_date)}" if pd.notna(row.get("event_date")) else ""
    n_q = int(turns[turns.doc_id == doc_id].is_question.sum())
    why = "the event chosen" if chosen else ("the event with most questions" if len(documents) > 1 else "the event")
    text = f"The flow below is {why}: *{md(title)}*{date}, {_n(n_q, 'question')}."
    if sequence:
        names = [md(labels.get(t, t)) for t in sequence]
        text += (f" Topics came up in this order ({_n(len(names), 'change')}): " + " → ".join(names[:12])
                 + (" → …" if len(names) > 12 else "."))
    else:
        text += " No topic of the lexicon comes up in it."
    return Prose(text)


def shift_note(shifts: pd.DataFrame, n_events: int) -> Prose:
    """The topic-shift section's lead: how many questions could be compared at all, then how they went.

    >>> s = pd.DataFrame({"shift": ["stayed on topic", "widened", "changed subject", "question untagged",
    ...                             "answer untagged", "no answer"], "n_questions": [6, 3, 1, 80, 8, 2]})
    >>> print(shift_note(s, 12))
    Of 100 questions in 12 events, **10 (10 %) could be compared** with their answers by topic: 80 questions name no topic of the lexicon (often short follow-ups), 8 get an answer that names none and 2 get no answer. Of the 10 compared, 6 stayed on topic (60 %), 3 widened and 1 changed subject.
    """
    counts = dict(zip(shifts["shift"], shifts.n_questions))
    total = int(sum(counts.values()))
    if not total:
        return Prose("No question in scope: nothing to compare.")
    compared = sum(counts.get(k, 0) for k in ("stayed on topic", "widened", "changed subject"))
    scope = f"in {_n(n_events, 'event')}" if n_events > 1 else "in the event"
    text = f"Of {_n(total, 'question')} {scope}, **{fmt_int(compared)} ({_pct(compared / total)}) could be compared** with their answers by topic"
    gaps = []
    if counts.get("question untagged"):
        gaps.append(f"{_n(counts['question untagged'], 'question names', 'questions name')} no topic of the lexicon "
                    "(often short follow-ups)")
    if counts.get("answer untagged"):
        gaps.append(f"{fmt_int(counts['answer untagged'])} get{'s' if counts['answer untagged'] == 1 else ''} an answer that names none")
    if counts.get("no answer"):
        gaps.append(f"{fmt_int(counts['no answer'])} get{'s' if counts['no answer'] == 1 else ''} no answer")
    text += (": " + listing(gaps) if gaps else "") + "."
    if compared:
        stayed = counts.get("stayed on topic", 0)
        text += (f" Of the {fmt_int(compared)} compared, {fmt_int(stayed)} stayed on topic ({_pct(stayed / compared)}), "
                 f"{fmt_int(counts.get('widened', 0))} widened and {fmt_int(counts.get('changed subject', 0))} changed subject.")
    return Prose(text)


def timeline_note(timeline: pd.DataFrame, freq: str) -> Prose:
    """How many periods, and what rose and fell most between the first and the last year (or period)."""
    from .findings import topic_change

    if timeline.empty:
        return Prose("No dated event: no timeline.")
    periods = timeline.period.astype(str)
    labels = dict(zip(timeline.topic, timeline.label)) if "label" in timeline else {}
    n = periods.nunique()
    text = (f"{_n(n, freq)} from {periods.min()} to {periods.max()}." if n > 1 else
            f"One {freq} only ({periods.iloc[0]}): the chart compares topics within it.")
    change = topic_change(timeline, lambda t: md(labels.get(t, t))) if n > 1 else None
    if change:
        text += " " + change
    return Prose(text)


def themes_note(themes: pd.DataFrame) -> Prose:
    """How many themes, how many the lexicon barely covers, what was left out of them."""
    if themes.empty:
        return Prose("Too few sentences to discover themes.")
    new = themes[themes.is_new.astype(bool)]
    text = f"{_n(len(themes), 'theme')}; the lexicon barely covers {fmt_int(len(new))} of them"
    if len(new):
        biggest = new.sort_values("n_sentences", ascending=False).iloc[0]
        text += f" (the largest, theme {fmt_int(biggest.theme)}: {md(', '.join(str(biggest.top_terms).split(', ')[:5]))})"
    names = themes.attrs.get("name_words") or []
    text += (". Left out of the themes: stop words, honorifics and press-room routine "
             f"(`resources/press_room_words.txt`), and the {fmt_int(len(names))} words of the speakers' names.")
    return Prose(text)


# ---------------------------------------------------------------- notebook 04

_SIDE_SOURCES = {"registry": "the speaker registry", "title": "the event's title", "name": "the speaker's label",
                 "corpus": "the corpus's own rules", "host office": "an office of the host (a guess)"}


def sides_note(sides: pd.DataFrame, by_speaker: pd.DataFrame) -> Prose:
    """Where the turns' sides come from, which are guesses, and who stays of unknown side.

    >>> sides = pd.DataFrame({"side_source": ["registry", "registry", "unknown", "host office"]})
    >>> by = pd.DataFrame({"speaker": ["A", "Q", "B"], "role": ["official", "press", "official"],
    ...                    "side": ["Russia", "", "United States"], "side_source": ["registry", "unknown", "host office"]})
    >>> print(sides_note(sides, by))
    Of 4 turns, 2 take their side from the speaker registry, 1 from an office of the host (a guess); 1 is of unknown side (mostly the press). The side of 1 speaker is a guess from an office of the host (B): add them to the speaker registry (`resources/speakers.csv`) to make it certain.
    """
    counts = sides.side_source.value_counts()
    known = [(k, n) for k, n in counts.items() if k != "unknown"]
    text = f"Of {_n(len(sides), 'turn')}, " + ", ".join(
        (f"{fmt_int(n)} take{'s' if n == 1 else ''} their side from " if i == 0 else f"{fmt_int(n)} from ")
        + _SIDE_SOURCES.get(k, md(k)) for i, (k, n) in enumerate(known))
    unknown = int(counts.get("unknown", 0))
    if unknown:
        text += (("; " if known else "") + f"{fmt_int(unknown)} {'is' if unknown == 1 else 'are'} of unknown side"
                 + (" (mostly the press)" if (by_speaker[by_speaker.side_source == "unknown"].role == "press").any() else ""))
    text += "."
    guessed = by_speaker[by_speaker.side_source == "host office"].speaker.drop_duplicates()
    if len(guessed):
        names = ", ".join(md(s) for s in guessed.head(6)) + (", …" if len(guessed) > 6 else "")
        text += (f" The side of {_n(len(guessed), 'speaker')} is a guess from an office of the host ({names}): add them "
                 "to the speaker registry (`resources/speakers.csv`) to make it certain.")
    lost = by_speaker[(by_speaker.side.fillna("") == "") & by_speaker.role.isin(["official", "moderator"])].speaker.nunique()
    if lost:
        text += f" {_n(lost, 'official or moderator', 'officials or moderators')} of unknown side: their “we” stays “we”."
    return Prose(text)


def checkworthiness_note(scores: pd.DataFrame, map_: float | None) -> Prose:
    """
    >>> print(checkworthiness_note(pd.DataFrame({"checkworthiness": [0.1, 0.9, 0.1]}), 0.2323))
    All 3 sentences have a check-worthiness score (2 distinct values); the highest is 0.90. The ranker's mean average precision, leaving one training transcript out at a time, is 0.232 (notebook 05 has the details).
    """
    text = (f"All {_n(len(scores), 'sentence')} have a check-worthiness score ({fmt_int(scores.checkworthiness.nunique())} "
            f"distinct values); the highest is {scores.checkworthiness.max():.2f}.")
    if map_ is not None and map_ == map_:
        text += (f" The ranker's mean average precision, leaving one training transcript out at a time, is {map_:.3f} "
                 "(notebook 05 has the details).")
    return Prose(text)


_KINDS = {"count": ("count", "counts"), "money": ("sum of money", "sums of money"), "percent": ("percentage", "percentages"),
          "duration": ("duration", "durations"), "ratio": ("ratio", "ratios"), "date": ("date", "dates")}


def quantities_note(quantities: pd.DataFrame) -> Prose:
    """
    >>> q = pd.DataFrame({"kind": ["count", "count", "money", "date"], "is_date": [False, False, False, True]})
    >>> print(quantities_note(q))
    3 quantities: 2 counts and 1 sum of money; 1 date or time reference kept apart, never read as a quantity.
    """
    figures = quantities[~quantities.is_date.astype(bool)]
    kinds = figures.kind.value_counts()
    parts = [f"{fmt_int(n)} {_KINDS.get(k, (k, k + 's'))[0 if n == 1 else 1]}" for k, n in kinds.items()]
    n_dates = int(quantities.is_date.astype(bool).sum())
    text = f"{_n(len(figures), 'quantity', 'quantities')}" + (": " + listing(parts) if parts else "")
    if n_dates:
        text += (f"; {fmt_int(n_dates)} date{'' if n_dates == 1 else 's'} or time reference"
                 f"{'' if n_dates == 1 else 's'} kept apart, never read as {'a quantity' if n_dates == 1 else 'quantities'}")
    return Prose(text + ".")


def labels_note(applies: bool, scores: pd.DataFrame | None) -> Prose:
    """Whether this corpus has hand labels to score the extractor against, and the overall figures."""
    if not applies or scores is None or scores.empty:
        return Prose("No hand labels for this corpus (`labels_csv`): nothing to score here. Notebook 05 measures the "
                     "rules on hand-labelled sentences of other transcripts, and exports a sheet to label this corpus.")
    lab = scores[scores.claim_type != "overall"] if "overall" in set(scores.claim_type) else scores
    n = int(lab.n_labelled.sum()) if "n_labelled" in lab else 0
    return Prose(f"Hand labels cover {_n(n, 'claim')} of this corpus. These figures hold for these sentences only: how "
                 "the rules do on transcripts they were not written on is notebook 05's subject.")


def claims_note(subst: pd.DataFrame, n_sentences: int, n_procedural: int, *, held_out: dict | None = None,
                encoder: bool | None = None, n_claim_sentences: int | None = None) -> Prose:
    """How many claims, in how many sentences, of which types; procedure set apart; and how far the types are
    to be trusted (`held_out`: the type model's overall held-out figures, {"precision", "recall", "n"}; by
    default those recorded in the shipped model for the way it ran (`encoder`: with the sentence encoder or
    not), `{}` for none). When the encoder was left out, says so and what it would have found.

    >>> c = pd.DataFrame({"doc_id": "d", "turn_index": [0, 0, 1], "sentence_index": [0, 0, 0],
    ...                   "claim_type": ["numeric", "factual", "factual"]})
    >>> print(claims_note(c, 10, 2, held_out={}))
    3 claims in 2 of 10 sentences (20 %); most often factual (2) and numeric (1). 2 procedural sentences ("Go ahead", "I'll come back to you") are set apart and counted nowhere else.
    >>> print(claims_note(c, 10, 0, held_out={"precision": 0.796, "recall": 0.532, "n": 773}))  # doctest: +ELLIPSIS
    3 claims ... A type is kept only when the type model is sure of it: on 773 labelled sentences it was not fitted on, 80 % of the types it gave were right and it found 53 % of the labelled ones (fewer of the rare types), so read the counts as floors (notebook 05).
    """
    n_sent = (subst[["doc_id", "turn_index", "sentence_index"]].drop_duplicates().shape[0] if n_claim_sentences is None
              else n_claim_sentences)  # (given: the sentences of `subst`, when it holds no sentence keys)
    text = f"{_n(len(subst), 'claim')} in {fmt_int(n_sent)} of {_n(n_sentences, 'sentence')} ({_pct(n_sent / max(n_sentences, 1))})"
    types = subst.claim_type.astype(str).value_counts()
    if len(types):
        text += "; most often " + listing([f"{md(t)} ({fmt_int(n)})" for t, n in types.head(3).items()])
    text += "."
    if n_procedural:
        text += (f" {_n(n_procedural, 'procedural sentence')} (\"Go ahead\", \"I'll come back to you\") "
                 f"{'is' if n_procedural == 1 else 'are'} set apart and counted nowhere else.")
    with_encoder = None
    if held_out is None:
        from .claim_model import load_model
        meta = load_model().meta.get("held_out", {})
        overall = meta.get("model_encoder" if encoder and "model_encoder" in meta else "model", {}).get("overall", {})
        held_out = {"precision": overall.get("precision"), "recall": overall.get("recall"), "n": meta.get("n_sentences")}
        if encoder is False:
            with_encoder = meta.get("model_encoder", {}).get("overall", {}).get("recall")
    if held_out and held_out.get("precision") is not None and held_out.get("recall") is not None:
        reads = " (its words, cues and, through a sentence encoder, meaning)" if encoder else ""
        text += (f" A type is kept only when the type model{reads} is sure of it: on {fmt_int(held_out['n'])} labelled "
                 f"sentences it was not fitted on, {_pct(held_out['precision'])} of the types it gave were right and it "
                 f"found {_pct(held_out['recall'])} of the labelled ones (fewer of the rare types), so read the counts "
                 f"as floors (notebook 05).")
    if with_encoder is not None:
        text += (f" **The sentence encoder was not used** on these {fmt_int(n_sentences)} sentences (it reads 100 to 150 "
                 f"a second on two cores): with it the type model finds {_pct(with_encoder)} of the labelled types at "
                 f"the same precision. Set the notebook's `claim_encoder` parameter to \"on\" to use it.")
    return Prose(text)


def claim_rates_note(rates: pd.DataFrame) -> Prose:
    """Who makes most and fewest claims for their words (rates per 1,000 words, a `total` column).

    >>> r = pd.DataFrame({"total": [20.0, 35.5, 12.0]}, index=["A", "B", "C"])
    >>> print(claim_rates_note(r))
    For their words, B makes most claims (36 per 1,000 words) and C fewest (12).
    """
    if rates is None or len(rates) < 2 or "total" not in rates:
        return Prose("")
    r = rates.total.sort_values(ascending=False, kind="stable")
    return Prose(f"For their words, {md(r.index[0])} makes most claims ({_rate(r.iloc[0])} per 1,000 words) and "
                 f"{md(r.index[-1])} fewest ({_rate(r.iloc[-1])}).")


def checks_note(checks: pd.DataFrame) -> Prose:
    """Numeric checks: how many, how many do not add up, the first that does not."""
    if checks.empty:
        return Prose("No figure here can be recomputed from others: no numeric check.")
    bad = checks[~checks.is_consistent.astype(bool)]
    text = f"{_n(len(checks), 'numeric check')}; {fmt_int(len(bad))} do{'es' if len(bad) == 1 else ''} not add up."
    change = bad[bad.check == "change"] if "check" in bad else bad.iloc[:0]
    if len(change):
        row = change.iloc[0]
        text += (f" The first stated change that does not: {md(row.speaker)} said {md(row.stated)}, the figures give "
                 f"{md(row.computed)}.")
    return Prose(text)


def ledger_note(ledger: pd.DataFrame, summary: pd.DataFrame) -> Prose:
    """The ledger in a sentence: entries, distinct statements, the one said most often."""
    if ledger.empty:
        return Prose("No proposal, commitment or denial enters the ledger.")
    text = f"{_n(len(ledger), 'entry', 'entries')}, {fmt_int(ledger.group_id.nunique())} distinct"
    if len(summary) and summary.n_in_group.iloc[0] > 1:
        top = summary.iloc[0]
        text += (f"; said most often ({fmt_int(top.n_in_group)} times, in {_n(top.n_events_in_group, 'event')}): "
                 f"“{md(top.group_text)}”")
    return Prose(text + ".")


# ---------------------------------------------------------------- notebook 05

def devset_note(overall: pd.DataFrame, precision_bar: float, recall_bar: float) -> Prose:
    """The development set's overall figures, held-out beside tuning, against the targets."""
    def fig(row: pd.Series, what: str) -> str:
        return f"{what} {row[what]:.2f} [{row[what + '_low']:.2f}, {row[what + '_high']:.2f}]"
    if "heldout" not in overall.index:
        return Prose("")
    held = overall.loc["heldout"]
    met = [f"precision {'meets' if held.precision >= precision_bar else 'misses'} its target of {precision_bar:g}",
           f"recall {'meets' if held.recall >= recall_bar else 'misses'} its target of {recall_bar:g}"]
    text = (f"On the held-out sentences, which no rule change, fit or threshold saw, claim types reach "
            f"{fig(held, 'precision')} and {fig(held, 'recall')} (95 % intervals): " + listing(met) + ".")
    if "tuning" in overall.index:
        tun = overall.loc["tuning"]
        text += (f" On the tuning sentences, where the rules were adjusted and the type model fitted, "
                 f"{fig(tun, 'precision')} and {fig(tun, 'recall')}: those flatter the extractor; the held-out "
                 f"figures are the ones to expect on new transcripts.")
    return Prose(text)


def comparison_note(comparison: pd.DataFrame) -> Prose:
    """The extractor beside its cue rules alone and a second reader (`validation.heldout_comparison`).

    >>> c = pd.DataFrame(dict(who=["x", "y", "z"], precision=[0.8, 0.68, 0.96], recall=[0.53, 0.65, 0.96],
    ...                       sentences=[773, 773, 200]))
    >>> print(comparison_note(c))
    The type model keeps a type only when it is sure enough: on the held-out sentences 80 % of the types it gives are right (the cue rules alone: 68 %), and it finds 53 % of the labelled ones (the rules alone: 65 %). Two labellers of the same kind (AI assistants reading each sentence) labelling 200 sentences of the set independently agree on 96 % of the types: the labels are consistent, and the extractor is still far from them.
    """
    if len(comparison) < 3:
        return Prose("")
    model, alone, reader = (comparison.iloc[i] for i in range(3))
    pct = lambda v: f"{100 * v:.0f} %"  # noqa: E731
    text = (f"The type model keeps a type only when it is sure enough: on the held-out sentences "
            f"{pct(model.precision)} of the types it gives are right (the cue rules alone: {pct(alone.precision)}), "
            f"and it finds {pct(model.recall)} of the labelled ones (the rules alone: {pct(alone.recall)}). ")
    if len(comparison) > 3 and pd.notna(comparison.iloc[3].recall):
        enc = comparison.iloc[3]
        text += (f"Reading each sentence's meaning as well, with a sentence encoder (used by default on corpora of up "
                 f"to 60,000 sentences), it finds {pct(enc.recall)} at {pct(enc.precision)} precision. ")
    return Prose(text + f"Two labellers of the same kind (AI assistants reading each sentence) labelling "
                 f"{fmt_int(reader.sentences) if 'sentences' in reader else 'the same'} sentences of the set independently "
                 f"agree on {pct(reader.precision)} of the types: the labels are consistent, and the extractor is "
                 f"still far from them.")


def ranker_note(cv: dict[str, dict[str, float]]) -> Prose:
    """The ranker's cross-validated MAP beside the bag-of-words baseline.

    >>> print(ranker_note({"model": {"MAP": 0.2323}, "bow": {"MAP": 0.208}}))
    Leaving one transcript out at a time, the ranker's mean average precision is 0.232, against 0.208 for a bag-of-words model on the same folds.
    """
    model, bow = cv.get("model", {}).get("MAP"), cv.get("bow", {}).get("MAP")
    if model is None:
        return Prose("")
    return Prose(f"Leaving one transcript out at a time, the ranker's mean average precision is {model:.3f}"
                 + (f", against {bow:.3f} for a bag-of-words model on the same folds." if bow is not None else "."))


def phrasings_note(phrasings: pd.DataFrame) -> Prose:
    """
    >>> print(phrasings_note(pd.DataFrame({"ok": [True, True, False]})))
    2 of 3 phrasings are checked as the hand-worked arithmetic says; the others are listed first below.
    """
    ok = int(phrasings.ok.astype(bool).sum())
    n = len(phrasings)
    return Prose(f"{fmt_int(ok)} of {_n(n, 'phrasing')} {'is' if ok == 1 else 'are'} checked as the hand-worked arithmetic says"
                 + ("." if ok == n else "; the others are listed first below."))


def join(*parts: Iterable[str] | str) -> Prose:
    """Several pieces of prose as one paragraph (empty ones left out)."""
    return Prose(" ".join(str(p).strip() for p in parts if str(p).strip()))
