"""Figures for topics (notebook 03): how much each topic is talked about, the topic flow of one
event, questions' topics against answers', and topic timelines across a corpus.

Transcript text (sentences, matched words, questions) goes through `hover_text` or `html.escape`.
Colours are fixed per topic by its place in the lexicon, so a topic keeps its colour in every chart.
"""
from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from . import ROLE_COLORS, TEMPLATE, hover_text

_PALETTE = qualitative.Dark24 + qualitative.Light24


def topic_colors(topic_ids: list[str]) -> dict[str, str]:
    """A fixed colour per topic id (by position in the lexicon).

    >>> colors = topic_colors(["iran", "syria", "libya"])
    >>> len(set(colors.values())), colors == topic_colors(["iran", "syria", "libya"])
    (3, True)
    """
    return {t: _PALETTE[i % len(_PALETTE)] for i, t in enumerate(topic_ids)}


def topic_bars(summary: pd.DataFrame, lexicon_ids: list[str], *, top: int | None = None,
               title: str | None = None) -> go.Figure:
    """Sentences per topic (from `topics.topic_summary`), with their share and top matched words; with
    `top`, only the `top` topics with most sentences (the title says how many there are)."""
    df = summary[summary.n_sentences > 0].sort_values(["n_sentences", "topic"], ascending=[True, False])
    n_all = len(df)
    if top is not None and n_all > top:
        df = df.tail(top)
        title = title or f"Sentences per topic (the {top} topics with most sentences, of {n_all})"
    colors = topic_colors(lexicon_ids)
    hover = [f"<b>{html.escape(lab)}</b><br>{n} sentences ({s:.1%}), {m} matches, {d} document(s)<br>"
             f"top words: {html.escape(w)}"
             for lab, n, s, m, d, w in zip(df.label, df.n_sentences, df.share, df.n_matches, df.n_documents, df.top_terms)]
    fig = go.Figure(go.Bar(x=df.n_sentences, y=df.label, orientation="h", marker_color=[colors[t] for t in df.topic],
                           text=[f"{n} ({s:.1%})" for n, s in zip(df.n_sentences, df.share)], textposition="outside",
                           hovertext=hover, hoverinfo="text", cliponaxis=False))
    fig.update_layout(template=TEMPLATE, title=title or "Sentences per topic", xaxis_title="sentences tagged",
                      yaxis_title=None, height=max(260, 90 + 24 * len(df)), margin=dict(r=80))
    return fig


def topic_flow_chart(flow: pd.DataFrame, sentence_topics: pd.DataFrame, labels: dict[str, str], *,
                     title: str | None = None) -> go.Figure:
    """The topic flow of one event: one bar per sentence and topic along the event (in words from
    the start), strong where the topic is the sentence's main topic; the top row shows the turns by
    role, and question turns are shaded. Hover shows the turn, speaker, matched words and sentence."""
    keys = ["doc_id", "turn_index", "sentence_index"]
    tags = sentence_topics.merge(flow, on=keys)
    present = [t for t in labels if t in set(tags.topic)]
    colors = topic_colors(list(labels))
    fig = go.Figure()
    for topic in present:
        part = tags[tags.topic == topic]
        is_main = (part.main_topic == topic).to_numpy()
        hover = [f"<b>{html.escape(labels[topic])}</b>: {html.escape(m)}<br>turn {t} · {html.escape(str(sp))} "
                 f"({html.escape(str(r))}) · words {a}–{b}<br>{hover_text(x, max_chars=300)}"
                 for m, t, sp, r, a, b, x in zip(part.matched_terms, part.turn_index, part.speaker, part.role,
                                                 part.word_start, part.word_end, part.text)]
        fig.add_trace(go.Bar(
            y=[labels[topic]] * len(part), x=part.n_words.clip(lower=1), base=part.word_start, orientation="h",
            name=labels[topic], marker_color=colors[topic], marker_opacity=[1.0 if m else 0.35 for m in is_main],
            marker_line_width=0, hovertext=hover, hoverinfo="text"))
    turns = (flow.groupby("turn_index", as_index=False)
             .agg(speaker=("speaker", "first"), role=("role", "first"), is_question=("is_question", "first"),
                  word_start=("word_start", "min"), word_end=("word_end", "max"), text=("text", "first")))
    for role, part in turns.groupby("role", sort=False):
        fig.add_trace(go.Bar(
            y=["turns"] * len(part), x=(part.word_end - part.word_start).clip(lower=1), base=part.word_start,
            orientation="h", name=f"turn: {role}", marker_color=ROLE_COLORS.get(role, "#999"),
            marker_line_color="white", marker_line_width=1, legendgroup="turns",
            hovertext=[f"turn {i} · <b>{html.escape(str(s))}</b> ({html.escape(str(role))})<br>{hover_text(x, max_chars=200)}"
                       for i, s, x in zip(part.turn_index, part.speaker, part.text)], hoverinfo="text"))
    questions = turns[turns.is_question.astype(bool)]
    # one layout update for all shaded questions (add_vrect per question is quadratic in plotly)
    shapes = [dict(type="rect", xref="x", yref="paper", x0=a, x1=b, y0=0, y1=1, fillcolor="#ff7f0e", opacity=0.12,
                   line_width=0, layer="below") for a, b in zip(questions.word_start, questions.word_end)]
    title = title or "Topic flow: what was talked about, in order"
    fig.update_layout(shapes=shapes, template=TEMPLATE, barmode="overlay",
                      title=html.escape(title if len(title) <= 110 else title[:109].rstrip() + "…"),
                      xaxis_title="position in the event (words from the start); shaded: questions",
                      yaxis=dict(categoryorder="array", categoryarray=[labels[t] for t in reversed(present)] + ["turns"],
                                 title=None),
                      showlegend=False, height=max(300, 110 + 26 * (len(present) + 1)))
    return fig


def qa_topic_chart(qa: pd.DataFrame, labels: dict[str, str], *, title: str | None = None,
                   max_questions: int = 20) -> go.Figure:
    """Questions of one event against the topics of question and answer: an open circle where only
    the question has the topic, a cross where only the answer has it, a filled dot where both do.

    Questions numbered in event order; those where neither side has a topic are left out, and at
    most `max_questions` are drawn (the first ones; the title says so)."""
    qa = qa.assign(question_topics=qa.question_topics.fillna(""), answer_topics=qa.answer_topics.fillna(""))
    numbers = pd.Series(range(1, len(qa) + 1), index=qa.index)
    keep = (qa.question_topics != "") | (qa.answer_topics != "")
    n_topical = int(keep.sum())
    qa = qa[keep].head(max_questions)
    rows = [f"Q{n} (turn {t})" for n, t in zip(numbers[qa.index], qa.question_turn)]
    note = f" (first {len(qa)} of {n_topical} questions with topics)" if n_topical > len(qa) else ""
    kinds = {"question only": ("circle-open", "#ff7f0e"), "answer only": ("x", "#1f77b4"),
             "both": ("circle", "#2ca02c")}
    points = {k: ([], [], []) for k in kinds}
    for row, r in zip(rows, qa.itertuples()):
        q = set(filter(None, r.question_topics.split("; ")))
        a = set(filter(None, r.answer_topics.split("; ")))
        for topic in sorted(q | a, key=list(labels).index):
            kind = "both" if topic in q and topic in a else "question only" if topic in q else "answer only"
            points[kind][0].append(labels[topic])
            points[kind][1].append(row)
            points[kind][2].append(f"<b>{html.escape(row)}</b>: {html.escape(r.shift)}<br>{html.escape(labels[topic])}: "
                                   f"{kind}<br>{hover_text(r.question_text, max_chars=160)}")
    fig = go.Figure()
    for kind, (symbol, color) in kinds.items():
        x, y, h = points[kind]
        fig.add_trace(go.Scatter(x=x, y=y, mode="markers", name=kind, hovertext=h, hoverinfo="text",
                                 marker=dict(symbol=symbol, size=13, color=color, line=dict(width=2, color=color))))
    used = [labels[t] for t in labels if labels[t] in set(sum((points[k][0] for k in kinds), []))]
    fig.update_layout(template=TEMPLATE,
                      title=(title or "Questions and answers: did the answer stay on the question's topics?") + note,
                      xaxis=dict(categoryorder="array", categoryarray=used, title=None, tickangle=-30),
                      yaxis=dict(categoryorder="array", categoryarray=list(reversed(rows)), title=None,
                                 ticktext=[f"{r} · {s}" for r, s in zip(reversed(rows), reversed(list(qa["shift"])))],
                                 tickvals=list(reversed(rows))),
                      height=max(280, 230 + 22 * len(rows)), legend_title="topic in")
    return fig


def shift_bars(counts: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Questions per Q/A shift category (from `topics.shift_counts`), with counts and shares."""
    colors = {"stayed on topic": "#2ca02c", "widened": "#1f77b4", "changed subject": "#d62728",
              "question untagged": "#bbbbbb", "answer untagged": "#999999", "no answer": "#dddddd"}
    df = counts.iloc[::-1]
    fig = go.Figure(go.Bar(x=df.n_questions, y=df["shift"], orientation="h",
                           marker_color=[colors.get(s, "#999") for s in df["shift"]],
                           text=[f"{n} ({s:.0%})" for n, s in zip(df.n_questions, df.share)], textposition="outside",
                           cliponaxis=False, hovertemplate="%{y}: %{x} question(s)<extra></extra>"))
    fig.update_layout(template=TEMPLATE, title=title or "Did answers stay on the question's topics?",
                      xaxis_title="questions", yaxis_title=None, height=300, margin=dict(r=80))
    return fig


_MEASURES = {"per_1000_words": "matches per 1,000 words", "share": "share of sentences",
             "per_document": "matches per document", "doc_share": "share of documents mentioning it",
             "n_sentences": "sentences", "n_matches": "matches"}


def timeline_chart(timeline: pd.DataFrame, topics: list[str], *, measure: str = "per_1000_words",
                   title: str | None = None, all_topics: list[str] | None = None) -> go.Figure:
    """One line per topic over the periods of `topics.topic_timeline`; hover shows the counts behind
    each point (matches, sentences, documents, words of the period)."""
    colors = topic_colors(all_topics or topics)
    fig = go.Figure()
    if timeline.period.nunique() == 1:  # one period (one event, one month): bars, not a line
        df = timeline[timeline.topic.isin(topics)].set_index("topic").reindex(topics).dropna(subset=["label"]).iloc[::-1]
        hover = [f"<b>{html.escape(lab)}</b>, {p}<br>{_MEASURES.get(measure, measure)}: {_fmt(v, measure)}<br>"
                 f"{m} matches in {s} sentences; {d} of {pd_} documents; {w:,} words"
                 for lab, p, v, m, s, d, pd_, w in zip(df.label, df.period, df[measure], df.n_matches, df.n_sentences,
                                                       df.n_documents, df.period_documents, df.period_words)]
        fig.add_trace(go.Bar(x=df[measure], y=df.label, orientation="h", hovertext=hover, hoverinfo="text",
                             marker_color=[colors.get(t, "#999") for t in df.index],
                             text=[_fmt(v, measure) for v in df[measure]], textposition="outside", cliponaxis=False))
        fig.update_layout(template=TEMPLATE, title=title or f"Topics in {df.period.iloc[0] if len(df) else 'the period'} "
                          f"({_MEASURES.get(measure, measure)}; one period only)",
                          xaxis_title=_MEASURES.get(measure, measure), yaxis_title=None,
                          height=max(260, 90 + 26 * len(df)), margin=dict(r=80))
        return fig
    for topic in topics:
        part = timeline[timeline.topic == topic]
        if part.empty:
            continue
        label = part.label.iloc[0]
        hover = [f"<b>{html.escape(label)}</b>, {p}<br>{_MEASURES.get(measure, measure)}: {_fmt(v, measure)}<br>"
                 f"{m} matches in {s} sentences; {d} of {pd_} documents; {w:,} words"
                 for p, v, m, s, d, pd_, w in zip(part.period, part[measure], part.n_matches, part.n_sentences,
                                                 part.n_documents, part.period_documents, part.period_words)]
        fig.add_trace(go.Scatter(x=part.period_start, y=part[measure], mode="lines+markers", name=label,
                                 line=dict(color=colors.get(topic, "#999"), width=2), marker=dict(size=5),
                                 hovertext=hover, hoverinfo="text"))
    fig.update_layout(template=TEMPLATE, title=title or f"Topics over time ({_MEASURES.get(measure, measure)})",
                      xaxis_title=None, yaxis_title=_MEASURES.get(measure, measure), hovermode="closest",
                      height=460, legend_title="topic")
    return fig


def timeline_heatmap(timeline: pd.DataFrame, topics: list[str], *, measure: str = "per_1000_words",
                     title: str | None = None) -> go.Figure:
    """Topics × periods, coloured by `measure`, each cell showing its count of tagged sentences."""
    df = timeline[timeline.topic.isin(topics)]
    periods = list(dict.fromkeys(df.sort_values("period_start").period))
    labels = [df[df.topic == t].label.iloc[0] for t in topics if (df.topic == t).any()]
    z = df.pivot(index="label", columns="period", values=measure).reindex(index=labels, columns=periods)
    n = df.pivot(index="label", columns="period", values="n_sentences").reindex(index=labels, columns=periods)
    fig = go.Figure(go.Heatmap(
        z=z.values, x=periods, y=labels, colorscale="Blues", colorbar=dict(title=_MEASURES.get(measure, measure)),
        text=n.values, texttemplate="%{text}" if len(periods) <= 24 else None,
        hovertemplate="%{y}, %{x}<br>" + _MEASURES.get(measure, measure) + ": %{z:.3g}<br>%{text} sentences<extra></extra>"))
    fig.update_layout(template=TEMPLATE, title=title or f"Topics by period ({_MEASURES.get(measure, measure)}; "
                      "numbers: tagged sentences)", xaxis=dict(type="category", title=None),
                      yaxis=dict(autorange="reversed", title=None), height=max(300, 110 + 26 * len(labels)))
    return fig


def _fmt(value: float, measure: str) -> str:
    if pd.isna(value):
        return "n/a"
    return f"{value:.1%}" if measure in ("share", "doc_share") else f"{value:.3g}"
