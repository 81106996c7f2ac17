"""Figures for speaker statistics (notebook 02): airtime, distinctive words, stance markers, mentions,
and each spokesperson's month-by-month activity. The turn sequence is `transcripts.plots.turn_sequence`.

Every piece of transcript text in a hover goes through `hover_text` (escaped); names and terms are
escaped with `html.escape`.
"""
from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from . import ROLE_COLORS, TEMPLATE, hover_text


def _e(value: object) -> str:
    return html.escape(str(value))


def airtime(stats: pd.DataFrame, *, top: int = 25, title: str | None = None) -> go.Figure:
    """Words spoken per speaker (bars coloured by role, labelled with the share of all words).

    Args:
        stats: from `speakers.speaker_stats` (one row per speaker).
        top: at most this many speakers (the most words); the rest are summed in the title.
    """
    df = stats.sort_values("n_words", ascending=False)
    rest = df.iloc[top:]
    df = df.head(top).iloc[::-1]
    fig = go.Figure()
    for role, part in df.groupby("role", sort=False):
        fig.add_trace(go.Bar(
            y=[_e(s) for s in part.speaker], x=part.n_words, orientation="h", name=role, marker_color=ROLE_COLORS.get(role, "#999"),
            text=[f"{s:.1%}" for s in part.word_share], textposition="outside", cliponaxis=False,
            hovertext=[f"<b>{_e(s)}</b> ({_e(r)})<br>{w:,} words ({ws:.1%}), {t} turns<br>"
                       f"mean turn {m:.0f} words, longest {lg:,}"
                       for s, r, w, ws, t, m, lg in zip(part.speaker, part.role, part.n_words, part.word_share,
                                                      part.n_turns, part.mean_turn_words, part.longest_turn_words)],
            hoverinfo="text"))
    note = f" ({len(rest)} more speakers, {rest.n_words.sum():,} words, not shown)" if len(rest) else ""
    fig.update_layout(template=TEMPLATE, title=(title or "Airtime: words spoken per speaker") + note,
                      xaxis_title="words (share of all words in the label)", yaxis_title=None, legend_title="role",
                      yaxis=dict(categoryorder="array", categoryarray=[_e(s) for s in df.speaker]),
                      height=max(260, 90 + 32 * len(df)), margin=dict(r=70))
    return fig


def distinctive_words(dw: pd.DataFrame, contexts: pd.DataFrame | None = None, *, label_top: int = 15,
                      max_points: int = 3000, title: str | None = None) -> go.Figure:
    """Fightin' Words: each term's z-score against how often the group uses it (log scale).

    One marker per term of one group (the rows of `dw` for one comparison); the `label_top` terms
    with the highest z are labelled and their hovers show up to three occurrences in context.

    Args:
        dw: rows of `speakers.distinctive_words` for one comparison.
        contexts: `speakers.keyword_in_context` rows (group, term, left, keyword, right, doc_id).
        max_points: at most this many unlabelled terms (the most frequent), so corpus-wide
            figures stay small.
    """
    if dw.empty:
        return go.Figure().update_layout(template=TEMPLATE, title="No terms to show (too few words?)")
    comparison = dw.comparison.iloc[0]
    df = dw[dw.comparison == comparison].copy()
    df["total"] = df["count"] + df.count_other
    top = df[df.z > 0].nsmallest(label_top, "rank")
    ctx = {}
    if contexts is not None and len(contexts):
        for (g, term), part in contexts.groupby(["group", "term"], sort=False):
            events = (part.event_date.dt.strftime("%Y-%m-%d").fillna(part.doc_id)
                      if "event_date" in part and pd.api.types.is_datetime64_any_dtype(part.event_date) else part.doc_id)
            ctx[(g, term)] = "<br>".join(
                f"<i>{_e(ev)}, {_e(sp)}</i>: " + hover_text(f"{l}[{k}]{r}", width=90, max_chars=200)
                for ev, sp, l, k, r in zip(events, part.speaker, part.left, part.keyword, part.right))

    def hover(part: pd.DataFrame) -> list[str]:
        return [f"<b>{_e(t)}</b>: {c:,} here, {o:,} in the other side<br>log-odds {lo:+.2f}, z {z:+.2f}"
                + (f"<br>{ctx[(g, t)]}" if (g, t) in ctx else "")
                for g, t, c, o, lo, z in zip(part.group, part.term, part["count"], part.count_other,
                                             part.log_odds, part.z)]

    others = df.drop(top.index).nlargest(max_points, "total")
    fig = go.Figure()
    fig.add_trace(go.Scattergl(x=others.total, y=others.z, mode="markers", name="other terms",
                               marker=dict(color="#bbbbbb", size=5), hovertext=hover(others), hoverinfo="text"))
    # Terms with the same counts sit on the same point: one marker, one label listing them.
    top = top.assign(hover=hover(top))
    spots = (top.groupby(["total", "z"], sort=False)
             .agg(terms=("term", list), hover=("hover", "<br><br>".join), rank=("rank", "min"))
             .reset_index().sort_values("rank"))
    labels = [_e(", ".join(t[:3]) + (f" +{len(t) - 3}" if len(t) > 3 else "")) for t in spots.terms]
    fig.add_trace(go.Scatter(x=spots.total, y=spots.z, mode="markers+text", name=f"top {len(top)} terms",
                             text=labels, textposition=["top center" if i % 2 == 0 else "bottom center"
                                                        for i in range(len(spots))],
                             marker=dict(color="#d62728", size=8), hovertext=spots.hover, hoverinfo="text"))
    fig.add_hline(y=1.96, line_dash="dot", line_color="#888", annotation_text="z = 1.96",
                  annotation_position="bottom right")
    fig.update_layout(template=TEMPLATE, title=title or f"Distinctive words: {_e(comparison)}",
                      xaxis=dict(type="log", title="times used by both sides (log scale)",
                                 range=[np.log10(df.total.min() * 0.6), np.log10(df.total.max() * 1.6)]),
                      yaxis_title="z-score of the weighted log-odds (higher: more typical of this side)",
                      height=520, hoverlabel=dict(align="left"))
    return fig


def stance(profile: pd.DataFrame, *, categories: tuple[str, ...] = ("hedging", "certainty"), top: int = 15,
           title: str | None = None) -> go.Figure:
    """Hedging and certainty markers per 1,000 words, per speaker (the most talkative `top`)."""
    df = profile.nlargest(top, "n_words")
    fig = go.Figure()
    for cat in categories:
        col = f"{cat}_per_1k"
        if col in df:
            fig.add_trace(go.Bar(x=[_e(s) for s in df.speaker], y=df[col], name=cat, customdata=df[cat],
                                 hovertemplate="%{x}: %{y:.1f} per 1,000 words (%{customdata} in all)<extra>"
                                 + _e(cat) + "</extra>"))
    fig.update_layout(template=TEMPLATE, barmode="group", title=title or "Hedging and certainty per 1,000 words",
                      yaxis_title="markers per 1,000 words", xaxis_title=None, legend_title="marker")
    return fig


def mention_heatmap(matrix: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Who mentions whom: speakers (rows) by people, countries and organisations (columns)."""
    if matrix.empty:
        return go.Figure().update_layout(template=TEMPLATE, title="No mentions found")
    z = matrix.to_numpy()
    fig = go.Figure(go.Heatmap(
        z=z, x=[_e(c) for c in matrix.columns], y=[_e(i) for i in matrix.index], colorscale="Blues",
        text=np.where(z > 0, z, "").astype(str), texttemplate="%{text}",
        hovertemplate="%{y} mentions %{x}: %{z} time(s)<extra></extra>"))
    fig.update_layout(template=TEMPLATE, title=title or "Who mentions whom", xaxis_tickangle=-40,
                      height=max(260, 140 + 30 * len(matrix)))
    return fig


def monthly_activity(monthly: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Each spokesperson's words (top panel) and turns (bottom panel) per month."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.07,
                        subplot_titles=("words per month", "turns per month"))
    order = monthly.groupby("speaker").n_words.sum().sort_values(ascending=False).index
    palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
               "#7f7f7f", "#bcbd22"]
    months = pd.Index(sorted(monthly.month.unique()))
    for i, who in enumerate(order):
        part = monthly[monthly.speaker == who].set_index("month").reindex(months)
        color = palette[i % len(palette)]
        docs = part.n_docs.fillna(0).astype(int)
        for row, col in ((1, "n_words"), (2, "n_turns")):
            fig.add_trace(go.Scatter(
                x=months, y=part[col].fillna(0), mode="lines+markers", name=_e(who), legendgroup=str(i),
                showlegend=row == 1, line_color=color, customdata=np.c_[docs, part.word_share.fillna(0)],
                hovertemplate=f"<b>{_e(who)}</b> %{{x|%b %Y}}<br>%{{y:,}} {'words' if row == 1 else 'turns'} "
                              "in %{customdata[0]} event(s), %{customdata[1]:.0%} of all words<extra></extra>"),
                row=row, col=1)
    fig.update_layout(template=TEMPLATE, title=title or "Each spokesperson's airtime and turns, month by month",
                      height=620, legend_title="speaker", hovermode="closest")
    fig.update_yaxes(rangemode="tozero")
    fig.update_xaxes(tickformat="%b %Y")
    if len(months) == 1:  # one event: show the month, not a zoom into milliseconds around it
        fig.update_xaxes(range=[months[0] - pd.Timedelta(days=45), months[0] + pd.Timedelta(days=45)], dtick="M1")
    return fig
