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


def airtime(stats: pd.DataFrame, *, top: int = 12, title: str | None = None) -> go.Figure:
    """Words spoken per speaker (bars coloured by role, labelled with the share of all words).

    Args:
        stats: from `speakers.speaker_stats` (one row per speaker).
        top: at most this many speakers (the most words); the others share one grey bar.
    """
    df = stats.sort_values("n_words", ascending=False)
    rest = df.iloc[top:]
    df = df.head(top).iloc[::-1]
    fig = go.Figure()
    order = [_e(s) for s in df.speaker]
    if len(rest):
        others = f"{len(rest):,} others"
        order = [others] + order
        total = float(stats.n_words.sum()) or 1.0
        fig.add_trace(go.Bar(
            y=[others], x=[int(rest.n_words.sum())], orientation="h", name="others", marker_color="#c7c7c7",
            text=[f"{rest.n_words.sum() / total:.1%}"], textposition="outside", cliponaxis=False,
            hovertext=[f"<b>{len(rest):,} other speakers</b><br>{int(rest.n_words.sum()):,} words "
                       f"({rest.n_words.sum() / total:.1%}), {int(rest.n_turns.sum()):,} turns"], hoverinfo="text"))
    for role, part in df.groupby("role", sort=False):
        fig.add_trace(go.Bar(
            y=[_e(s) for s in part.speaker], x=part.n_words, orientation="h", name=role, marker_color=ROLE_COLORS.get(role, "#999"),
            text=[f"{s:.1%}" for s in part.word_share], textposition="outside", cliponaxis=False,
            hovertext=[f"<b>{_e(s)}</b> ({_e(r)})<br>{w:,} words ({ws:.1%}), {t} turns<br>"
                       f"mean turn {m:.0f} words, longest {lg:,}"
                       for s, r, w, ws, t, m, lg in zip(part.speaker, part.role, part.n_words, part.word_share,
                                                      part.n_turns, part.mean_turn_words, part.longest_turn_words)],
            hoverinfo="text"))
    fig.update_layout(template=TEMPLATE, title=title or "Airtime: words spoken per speaker",
                      xaxis_title="words (share of all words in the label)", yaxis_title=None, legend_title="role",
                      yaxis=dict(categoryorder="array", categoryarray=order),
                      height=max(260, 90 + 26 * len(order)), margin=dict(r=70))
    return fig


def distinctive_words(dw: pd.DataFrame, contexts: pd.DataFrame | None = None, *, label_top: int = 15,
                      comparisons: list[str] | None = None, title: str | None = None) -> go.Figure:
    """Fightin' Words: the `label_top` most distinctive terms of each comparison as bars of their
    z-scores, one comparison at a time, chosen in a menu above the chart (one chart for every speaker,
    so the page stays short; bars, so no label hides another).

    Hovers give the counts, the rate per 1,000 words and one occurrence in context, shortened.

    Args:
        dw: rows of `speakers.distinctive_words` (any number of comparisons).
        contexts: `speakers.keyword_in_context` rows (group, term, left, keyword, right, doc_id).
        comparisons: the comparisons to offer, in this order (default: those of `dw`, as they come).
    """
    pos = dw[dw.z > 0]
    comparisons = [c for c in (comparisons or list(dict.fromkeys(pos.comparison))) if (pos.comparison == c).any()]
    if not comparisons:
        return go.Figure().update_layout(template=TEMPLATE, title="No distinctive terms to show (too few words?)")
    ctx: dict[tuple, str] = {}
    if contexts is not None and len(contexts):
        first = contexts.drop_duplicates(["group", "term"])
        for g, term, sp, l, k, r in zip(first.group, first.term, first.speaker, first.left, first.keyword, first.right):
            ctx[(g, term)] = f"<i>{_e(sp)}</i>: " + hover_text(f"{_tail(l, 50)}[{k}]{_head(r, 50)}", width=70,
                                                                max_chars=140)
    fig = go.Figure()
    ticks = []
    for i, comp in enumerate(comparisons):
        part = pos[pos.comparison == comp].nsmallest(label_top, "rank").iloc[::-1]
        hover = [f"<b>{_e(t)}</b>: {c:,} times here ({p:.2f} per 1,000 words), {o:,} elsewhere; z {z:.1f}"
                 + (f"<br>{ctx[(g, t)]}" if (g, t) in ctx else "")
                 for g, t, c, o, p, z in zip(part.group, part.term, part["count"], part.count_other, part.per_1k,
                                             part.z)]
        fig.add_trace(go.Bar(y=list(range(len(part))), x=part.z, orientation="h", name=_e(comp), visible=i == 0,
                             marker_color="#d62728" if str(part.group.iloc[0]) != "press" else "#ff7f0e",
                             text=[f"{p:.2f}" for p in part.per_1k], textposition="outside", cliponaxis=False,
                             hovertext=hover, hoverinfo="text", showlegend=False))
        ticks.append([_e(t) for t in part.term])
    labels = [_e(c) for c in comparisons]
    title = title or "Distinctive words"

    def layout_of(i: int) -> dict:
        return {"yaxis.tickvals": list(range(len(ticks[i]))), "yaxis.ticktext": ticks[i],
                "title.text": f"{title}: {labels[i]}"}

    buttons = [dict(label=labels[i], method="update",
                    args=[{"visible": [j == i for j in range(len(comparisons))]}, layout_of(i)])
               for i in range(len(comparisons))]
    first = layout_of(0)
    fig.update_layout(template=TEMPLATE, title=first["title.text"], height=140 + 24 * label_top,
                      xaxis_title="z-score of the weighted log-odds (labels: times per 1,000 words)",
                      yaxis=dict(tickvals=first["yaxis.tickvals"], ticktext=first["yaxis.ticktext"], title=None),
                      margin=dict(t=120, r=60), hoverlabel=dict(align="left"), title_y=0.97,
                      updatemenus=[dict(buttons=buttons, direction="down", x=1, xanchor="right", y=1.02,
                                        yanchor="bottom", showactive=True)] if len(comparisons) > 1 else [])
    return fig


def _tail(text: str, n: int) -> str:
    text = str(text)
    return text if len(text) <= n else "…" + text[-n:].split(" ", 1)[-1]


def _head(text: str, n: int) -> str:
    text = str(text)
    return text if len(text) <= n else text[:n].rsplit(" ", 1)[0] + "…"


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
                      yaxis_title="markers per 1,000 words", xaxis_title=None, legend_title="marker", height=400)
    return fig


def mention_heatmap(matrix: pd.DataFrame, *, rates: bool = False, title: str | None = None) -> go.Figure:
    """Who mentions whom: speakers (rows) by people, countries and organisations (columns); `rates`
    when the matrix holds mentions per 1,000 words (`speakers.mention_matrix(..., words=...)`)."""
    if matrix.empty:
        return go.Figure().update_layout(template=TEMPLATE, title="No mentions found")
    z = matrix.to_numpy()
    text = (np.where(z > 0, np.char.mod("%.1f", z.astype(float)), "") if rates else
            np.where(z > 0, z.astype(str), ""))
    fig = go.Figure(go.Heatmap(
        z=z, x=[_e(c) for c in matrix.columns], y=[_e(i) for i in matrix.index], colorscale="Blues",
        text=text, texttemplate="%{text}",
        hovertemplate=("%{y} mentions %{x} %{z:.2f} times per 1,000 words<extra></extra>" if rates else
                       "%{y} mentions %{x}: %{z} time(s)<extra></extra>")))
    fig.update_layout(template=TEMPLATE, title=title or ("Who mentions whom, per 1,000 of the speaker's words" if rates
                                                         else "Who mentions whom"),
                      xaxis_tickangle=-40, height=max(320, 200 + 30 * len(matrix)))
    fig.update_xaxes(automargin=True)
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
                      height=520, legend_title="speaker", hovermode="closest")
    fig.update_yaxes(rangemode="tozero")
    fig.update_xaxes(tickformat="%b %Y")
    if len(months) == 1:  # one event: show the month, not a zoom into milliseconds around it
        fig.update_xaxes(range=[months[0] - pd.Timedelta(days=45), months[0] + pd.Timedelta(days=45)], dtick="M1")
    return fig
