"""Plotly figures shared by the notebooks, and `show`, the one way notebooks display a figure.

`show(fig)` publishes two representations: plotly's JSON (JupyterLab draws it live) and an HTML
`<div>` without plotly.js (the report's pages load the one `plotly.min.js` that `transcripts.report`
writes beside them, so they work offline and stay small). Div ids are derived from the figure's
content, so re-running gives the same output.
Transcript text shown in hovers goes through `hover_text`, which escapes it.
"""
from __future__ import annotations

import hashlib
import html
import json
import textwrap

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

TEMPLATE = "plotly_white"
ROLE_COLORS = {"official": "#1f77b4", "press": "#ff7f0e", "moderator": "#2ca02c", "narration": "#7f7f7f",
               "other": "#9467bd"}


def hover_text(text: str | None, *, width: int = 80, max_chars: int = 400) -> str:
    """Transcript text made safe and readable for a plotly hover: escaped, shortened, wrapped.

    >>> hover_text("<script>alert(1)</script> & more", width=20)
    '&lt;script&gt;alert(1)&lt;/script&gt;<br>&amp; more'
    """
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    text = str(text)
    if len(text) > max_chars:
        text = text[: max_chars - 1].rstrip() + "…"
    return "<br>".join(html.escape(line) for line in textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""])


def _div_id(fig: go.Figure) -> str:
    digest = hashlib.sha1(json.dumps(fig.to_plotly_json(), sort_keys=True, default=str).encode()).hexdigest()
    return f"plot-{digest[:12]}"


def figure_html(fig: go.Figure) -> str:
    """The figure as an HTML div that needs plotly.js loaded on the page (no CDN, no embedded copy).

    >>> import plotly.graph_objects as go
    >>> div = figure_html(go.Figure(go.Bar(x=[1], y=[2])))
    >>> "plotly-graph-div" in div, "cdn.plot.ly" in div, len(div) < 10_000
    (True, False, True)
    """
    return pio.to_html(fig, full_html=False, include_plotlyjs=False, div_id=_div_id(fig),
                       config={"displaylogo": False, "responsive": True})


def show(fig: go.Figure) -> None:
    """Display a figure in a notebook so it works live in JupyterLab and in the offline HTML report."""
    from IPython.display import display
    bundle = {"application/vnd.plotly.v1+json": json.loads(pio.to_json(fig, validate=False)),
              "text/html": figure_html(fig)}
    display(bundle, raw=True)


def turn_sequence(turns: pd.DataFrame, *, title: str | None = None, events: pd.DataFrame | None = None) -> go.Figure:
    """Who speaks when: one bar per turn along the event, its length the turn's words, coloured by role.

    One row per document when `turns` holds several events, in the order they come, or, with `events`
    (the documents table), labelled "date · title" and in date order; hovers then show only the first
    words of each turn, so a chart of many events stays light.
    """
    several = turns.doc_id.nunique() > 1
    if events is not None:
        from ..analysis.speakers.floor import event_labels
        dated = events[events.doc_id.isin(set(turns.doc_id))]
        dated = dated.assign(_d=pd.to_datetime(dated.event_date, errors="coerce")).sort_values(["_d", "doc_id"])
        order = {d: i for i, d in enumerate(dated.doc_id)}
        turns = turns.assign(_o=turns.doc_id.map(order).fillna(len(order)),
                             doc_id=turns.doc_id.map(event_labels(dated)).fillna(turns.doc_id))
    else:
        order = {d: i for i, d in enumerate(dict.fromkeys(turns.doc_id))}
        turns = turns.assign(_o=turns.doc_id.map(order))
    df = turns.sort_values(["_o", "turn_index"]).copy()
    df["word_start"] = df.groupby("doc_id").n_words.cumsum() - df.n_words
    preview = 90 if several else 240
    df["hover"] = [f"<b>{html.escape(str(s))}</b> ({html.escape(str(r))}), turn {i}, {n} words<br>"
                   + (f"to {html.escape(str(a))}<br>" if isinstance(a, str) else "")
                   + hover_text(t, max_chars=preview)
                   for s, r, i, n, a, t in zip(df.speaker, df.role, df.turn_index, df.n_words, df.addressee, df.text)]
    fig = go.Figure()
    for role, part in df.groupby("role", sort=False):
        fig.add_trace(go.Bar(
            y=[html.escape(str(v)) for v in (part.doc_id if df.doc_id.nunique() > 1 else part.speaker)],
            x=part.n_words, base=part.word_start,
            orientation="h", name=role, marker_color=ROLE_COLORS.get(role, "#999"),
            marker_line_color="white", marker_line_width=1,
            hovertext=part.hover, hoverinfo="text"))
    rows = [html.escape(str(v)) for v in dict.fromkeys(df.doc_id if several else df.speaker)]
    fig.update_layout(template=TEMPLATE, barmode="overlay", title=title or "Turn sequence: who speaks when",
                      xaxis_title="position in the event (words from the start)", yaxis_title=None,
                      yaxis=dict(categoryorder="array", categoryarray=rows[::-1]),
                      legend_title="role", height=max(260, 110 + (26 if several else 40) * len(rows)))
    return fig


def cleaning_summary(log: pd.DataFrame) -> go.Figure:
    """Characters the cleaning log set aside, by reason."""
    by = (log.assign(chars=log.char_end - log.char_start).groupby("reason", as_index=False)
          .agg(chars=("chars", "sum"), spans=("chars", "size")).sort_values("chars"))
    fig = go.Figure(go.Bar(x=by.chars, y=by.reason.map(html.escape), orientation="h",
                           text=by.spans.map(lambda n: f"{n} span(s)"), textposition="outside", cliponaxis=False,
                           hovertemplate="%{y}: %{x} characters<extra></extra>"))
    fig.update_layout(template=TEMPLATE, title="What cleaning set aside, and why", xaxis_title="characters",
                      height=max(300, 120 + 42 * len(by)), margin=dict(l=20, r=90), uniformtext_minsize=11)
    fig.update_yaxes(automargin=True, dtick=1)
    return fig
