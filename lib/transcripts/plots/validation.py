"""Figures for notebook 05 (validation): precision and recall with their 95 % intervals."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from . import TEMPLATE

SPLIT_COLORS = {"tuning": "#9ecae1", "heldout": "#08519c", "all": "#6baed6", "sheet": "#08519c"}


def intervals(scores: pd.DataFrame, *, measure: str = "precision", bar: float | None = None,
              title: str | None = None) -> go.Figure:
    """One marker per claim type (and `overall`) and split, at the measure's value, with its 95 % interval
    as an error bar; `bar` (a target such as 0.85) as a dotted line. `scores` is `score_sheet` output,
    with a `split` column for several splits."""
    df = scores if "split" in scores else scores.assign(split="sheet")
    fig = go.Figure()
    for split, part in df.groupby("split", sort=False):
        part = part[part[f"{measure}_low"].notna()]
        fig.add_trace(go.Scatter(
            x=[f"{t} ({n})" if split == "heldout" or "split" not in scores else t
               for t, n in zip(part.claim_type, part.n_labelled)],
            y=part[measure], mode="markers", name=str(split), marker=dict(size=10, color=SPLIT_COLORS.get(split)),
            error_y=dict(type="data", symmetric=False, array=part[f"{measure}_high"] - part[measure],
                         arrayminus=part[measure] - part[f"{measure}_low"]),
            hovertemplate="%{x}: %{y:.2f}<extra>" + str(split) + "</extra>"))
    if bar is not None:
        fig.add_hline(y=bar, line_dash="dot", line_color="#444", annotation_text=f"target {bar:g}")
    fig.update_layout(template=TEMPLATE, title=title or f"{measure.capitalize()} per claim type, with 95 % intervals",
                      yaxis_range=[0, 1.05], yaxis_title=measure, height=380, xaxis=dict(type="category"))
    return fig
