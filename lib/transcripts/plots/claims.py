"""Figures for notebook 04 (claim extraction). Transcript text in hovers goes through `hover_text`."""
from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from . import TEMPLATE, hover_text

TYPE_COLORS = {"numeric": "#1f77b4", "factual": "#7f7f7f", "position": "#9467bd", "proposal": "#2ca02c",
               "commitment": "#17becf", "denial": "#d62728", "accusation": "#ff7f0e", "agreement": "#bcbd22"}


def claims_by_speaker(claims: pd.DataFrame, *, top: int = 12, words: pd.Series | None = None,
                      title: str | None = None) -> go.Figure:
    """Stacked bars: for `top` speakers, how many claims of each type.

    With `words` (each speaker's words), the bars are claims per 1,000 of the speaker's words, for the
    `top` speakers with most words: a rate, so that who talks most does not simply come first.
    Without, raw counts for the `top` speakers with most claims.
    """
    counts = claims.groupby(["speaker", "claim_type"], observed=True).size().rename("n").reset_index()
    if words is not None:
        words = pd.Series(words, dtype=float)
        order = [s for s in words.sort_values(ascending=False, kind="stable").index if s in set(counts.speaker)][:top]
    else:
        order = counts.groupby("speaker").n.sum().sort_values(ascending=False).head(top).index.tolist()
    counts = counts[counts.speaker.isin(order)]
    fig = go.Figure()
    unit = "per 1,000 words" if words is not None else ""
    for ctype, color in TYPE_COLORS.items():
        n = counts[counts.claim_type.astype(str) == ctype].set_index("speaker").n.reindex(order).fillna(0)
        if n.sum() == 0:
            continue
        x = n / words.reindex(order) * 1000 if words is not None else n
        fig.add_trace(go.Bar(y=[html.escape(str(s)) for s in order], x=x.round(2), name=ctype, orientation="h",
                             marker_color=color, customdata=n.astype(int),
                             hovertemplate="%{y}: %{x} " + ctype + " claims " + unit + " (%{customdata} in all)<extra></extra>"
                             if words is not None else "%{y}: %{x} " + ctype + " claim(s)<extra></extra>"))
    fig.update_layout(template=TEMPLATE, barmode="stack",
                      title=title or ("Claims per 1,000 words, by speaker and type" if words is not None
                                      else "Claims by speaker and type"),
                      xaxis_title=("claims per 1,000 of the speaker's words (a sentence may carry several)"
                                   if words is not None else "claims (a sentence may carry several)"),
                      yaxis=dict(autorange="reversed"), legend=dict(title="type", orientation="h", y=-0.3),
                      height=max(340, 150 + 28 * len(order)))
    return fig


def checkworthiness_map(claims: pd.DataFrame, doc_id: str, *, title: str | None = None) -> go.Figure:
    """One event, sentence by sentence: each claim placed by its position (x) and check-worthiness (y, the
    trained ranker's score), coloured by type; hover to read the sentence and the cue."""
    df = claims[claims.doc_id == doc_id].copy()
    df["position"] = df.groupby(["turn_index", "sentence_index"], sort=True).ngroup()
    fig = go.Figure()
    for ctype, color in TYPE_COLORS.items():
        part = df[df.claim_type.astype(str) == ctype]
        if part.empty:
            continue
        hover = [f"<b>{html.escape(str(sp))}</b>, turn {t}.{s} · {ctype}<br>cue: <i>{html.escape(str(c))}</i>"
                 f"<br>check-worthiness {w:.3f}<br>{hover_text(x, max_chars=300)}"
                 for sp, t, s, c, w, x in zip(part.speaker, part.turn_index, part.sentence_index, part.cue,
                                              part.checkworthiness, part.text)]
        fig.add_trace(go.Scatter(x=part.position, y=part.checkworthiness, mode="markers", name=ctype,
                                 marker=dict(color=color, size=9, opacity=0.75, line=dict(width=0.5, color="white")),
                                 hovertext=hover, hoverinfo="text"))
    fig.update_layout(template=TEMPLATE, title=title or f"Claims along the event and how check-worthy they are: {doc_id}",
                      xaxis_title="sentence (in order of the event)", yaxis_title="check-worthiness (0–1)",
                      yaxis_range=[-0.02, max(0.2, float(df.checkworthiness.max()) * 1.1) if len(df) else 1.05],
                      legend_title="type", height=420)
    return fig


def numeric_checks_figure(checks: pd.DataFrame, *, title: str = "Stated and recomputed figures",
                          events: pd.DataFrame | None = None) -> go.Figure:
    """For each recomputed change: the stated and the recomputed percentage side by side, the
    inconsistent ones marked; hover shows the arithmetic. With `events` (the documents table), each
    is labelled by its event's date and title."""
    df = checks[checks.check == "change"].reset_index(drop=True)
    names = {}
    if events is not None:
        from ..analysis.speakers.floor import event_labels
        names = event_labels(events, max_chars=28)
    labels = [f"{i + 1}. {html.escape(names.get(d, d[:28] + '…'))}, turn {t}"
              for i, (d, t) in enumerate(zip(df.doc_id, df.turn_index))]
    hover = [hover_text(e, max_chars=500) for e in df.explanation]
    fig = go.Figure([
        go.Bar(x=labels, y=df.stated_value, name="stated", marker_color="#7f7f7f", hovertext=hover, hoverinfo="text",
               text=[f"{v:g}%" for v in df.stated_value], textposition="outside"),
        go.Bar(x=labels, y=df.computed_value, name="recomputed", hovertext=hover, hoverinfo="text",
               text=[f"{v:.1f}%" for v in df.computed_value], textposition="outside",
               marker_color=["#2ca02c" if ok else "#d62728" for ok in df.is_consistent])])
    fig.update_layout(template=TEMPLATE, barmode="group", title=title + " (red: inconsistent)", yaxis_title="% change",
                      height=360, bargap=0.5 if len(df) < 3 else 0.2)
    return fig


def ledger_timeline(ledger: pd.DataFrame, *, top: int = 25, title: str = "Ledger: what was proposed, promised or denied, and when") -> go.Figure:
    """The `top` most repeated ledger groups (rows) and each statement of them (markers), by event date;
    within a single event, by position in the event."""
    if ledger.empty:
        return go.Figure().update_layout(template=TEMPLATE, title=title + " (empty)")
    sizes = ledger.groupby("group_id").size().sort_values(ascending=False, kind="stable")
    keep = sizes.head(top).index
    df = ledger[ledger.group_id.isin(keep)].copy()
    one_event = ledger.doc_id.nunique() == 1
    df["x"] = ("t" + df.turn_index.astype(str) + "·s" + df.sentence_index.astype(str)) if one_event else df.event_date
    label = {g: f"#{g} " + html.escape(t[:60]) + ("…" if len(t) > 60 else "") for g, t in
             df.drop_duplicates("group_id").set_index("group_id").group_text.items()}
    fig = go.Figure()
    for ctype in ("proposal", "commitment", "denial"):
        part = df[df.claim_type == ctype]
        if part.empty:
            continue
        hover = [f"<b>{html.escape(str(sp))}</b> · {ctype} · {html.escape(str(d))[:10]}<br>{hover_text(t, max_chars=300)}"
                 for sp, d, t in zip(part.speaker, part.event_date, part.text)]
        fig.add_trace(go.Scatter(x=part.x, y=part.group_id.map(label), mode="markers", name=ctype,
                                 marker=dict(color=TYPE_COLORS[ctype], size=11, opacity=0.8),
                                 hovertext=hover, hoverinfo="text"))
    fig.update_layout(template=TEMPLATE, title=title, legend_title="type",
                      xaxis_title="turn (t) and sentence (s) in the event" if one_event else "event date",
                      yaxis=dict(autorange="reversed", type="category"), height=max(320, 80 + 26 * len(keep)))
    if one_event:
        order = sorted(df.x.unique(), key=lambda v: tuple(int(p[1:]) for p in v.split("·")))
        fig.update_xaxes(type="category", categoryorder="array", categoryarray=order)
    return fig


def precision_recall(scores: pd.DataFrame, *, bar: float = 0.8, title: str = "Extractor vs hand labels") -> go.Figure:
    """Precision and recall per claim type, with the number of hand-labelled examples, and the
    precision bar as a line."""
    labels = [f"{t} ({n})" for t, n in zip(scores.claim_type, scores.n_labelled)]
    fig = go.Figure([go.Bar(x=labels, y=scores.precision, name="precision", marker_color="#1f77b4"),
                     go.Bar(x=labels, y=scores.recall, name="recall", marker_color="#ff7f0e")])
    fig.add_hline(y=bar, line_dash="dot", line_color="#444", annotation_text=f"precision target {bar:g}")
    fig.update_layout(template=TEMPLATE, barmode="group", title=title + " (in brackets: labelled sentences)",
                      yaxis_range=[0, 1.05], height=360)
    return fig
