"""Reader-sized tables for the notebooks and their rendered pages, and the number formats of the report.

`table(df, ...)` shows at most 15 rows (12 by default) with a link to the full CSV; `interactive(df, ...)`
a searchable, sortable table (itables, offline: its JavaScript comes with the page, never from the
network) for what a reader looks things up in: claims, the ledger, keywords in context. Both

- label events "2021-03-02 · Press Briefing by …" instead of their document ids (`events=documents`),
- name columns in words (`n_words` → "words", `word_share` → "share of words"),
- align text left and numbers right, with thousands separators and percentages (`percent=[...]`;
  columns named `*share*` are percentages too),
- leave missing values blank (never None, NaN or NaT) and escape every value.

    >>> import pandas as pd
    >>> print(fmt_int(1234567), fmt_pct(0.2413).replace(NBSP, " "), fmt_duration(605), fmt_number(12.1749))
    1,234,567 24 % 10 min 5 s 12.17
"""
from __future__ import annotations

import datetime as dt
import hashlib
import html
import math
import numbers
from typing import Any, Iterable, Mapping

import pandas as pd

MAX_ROWS = 15
DEFAULT_ROWS = 12
#: Where the full CSV tables are, seen from a rendered page (`<out>/html/` → `<out>/tables/`).
TABLES_HREF = "../tables/"
NBSP = "\u00a0"
#: Column names shown in words; others lose an `n_` prefix and their underscores.
COLUMN_LABELS = {
    "doc_id": "event", "event_date": "date", "n_docs": "events", "n_documents": "events",
    "word_share": "share of words", "turn_share": "share of turns", "mean_turn_words": "mean turn (words)",
    "median_turn_words": "median turn (words)", "longest_turn_words": "longest turn (words)",
    "n_addressed": "questions to them", "mattr": "MATTR", "mattr_short": "too short for MATTR",
    "hedging_per_1k": "hedges per 1,000 words", "certainty_per_1k": "certainty per 1,000 words",
    "tone_mean": "tone (VADER)", "share_positive": "positive sentences", "share_negative": "negative sentences",
    "per_1000_words": "per 1,000 words", "per_1k": "per 1,000 words", "doc_share": "share of events",
    "question_turn": "question (turn)", "answer_turn": "answer (turn)", "answer_turns": "answer (turns)",
    "first_turn": "first turn", "last_turn": "last turn", "word_start": "from word", "word_end": "to word",
    "n_sentences": "sentences", "first_sentence": "first sentence", "z": "z-score", "log_odds": "log-odds",
    "is_new": "new to the lexicon", "best_overlap": "overlap", "best_topic": "closest lexicon topic",
    "top_terms": "top terms", "lexicon_overlap": "overlap with the lexicon",
}
_INIT_EMITTED = False


# ---------------------------------------------------------------- numbers in words

def fmt_int(value: Any) -> str:
    """A count with thousands separators; blank when missing.

    >>> fmt_int(3689), fmt_int(None), fmt_int(12.0)
    ('3,689', '', '12')
    """
    if _missing(value):
        return ""
    return f"{int(round(float(value))):,}"


def fmt_pct(value: Any, digits: int | None = None) -> str:
    """A share (0–1) as a percentage: whole percent from 10 %, one decimal below (`digits` forces it).

    >>> [fmt_pct(v).replace(NBSP, " ") for v in (0.9135, 0.0866, 0.0004, float("nan"))], fmt_pct(0.5, 1) == "50.0" + NBSP + "%"
    (['91 %', '8.7 %', '0.04 %', ''], True)
    """
    if _missing(value):
        return ""
    pct = float(value) * 100
    if digits is None:
        digits = 0 if abs(pct) >= 10 or pct == 0 else 1 if abs(pct) >= 0.1 else 2
    return f"{pct:,.{digits}f}{NBSP}%"


def fmt_number(value: Any) -> str:
    """A measurement: two decimals below 100, whole numbers with separators above; blank when missing.

    >>> fmt_number(0.1442), fmt_number(2.0), fmt_number(12345.6), fmt_number(0.00042)
    ('0.14', '2', '12,346', '0.00042')
    """
    if _missing(value):
        return ""
    x = float(value)
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if x == int(x):
        return f"{int(x):,}"
    if abs(x) < 0.01:
        return f"{x:.2g}"
    return f"{x:.2f}"


def fmt_duration(seconds: Any) -> str:
    """A duration as people say it.

    >>> fmt_duration(6.54), fmt_duration(42.2), fmt_duration(59.6), fmt_duration(605), fmt_duration(3720)
    ('6.5 s', '42 s', '1 min', '10 min 5 s', '1 h 2 min')
    """
    if _missing(seconds):
        return ""
    s = float(seconds)
    if s < 10:
        return f"{s:.1f} s"
    s = int(round(s))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min" + (f" {s % 60} s" if s % 60 else "")
    return f"{s // 3600} h" + (f" {s % 3600 // 60} min" if s % 3600 // 60 else "")


def fmt_date(value: Any) -> str:
    """A date as `2019-12-10` (with the time when it has one); blank when missing.

    >>> fmt_date(pd.Timestamp("2019-12-10")), fmt_date(pd.NaT), fmt_date("2019-12")
    ('2019-12-10', '', '2019-12')
    """
    if _missing(value):
        return ""
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.strftime("%Y-%m-%d") if (value.hour, value.minute, value.second) == (0, 0, 0) \
            else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _missing(value: Any) -> bool:
    """None, NaN, NaT and pandas' NA.

    >>> [_missing(v) for v in (None, float("nan"), pd.NaT, pd.NA, 0, "")]
    [True, True, True, True, False, False]
    """
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:
        return bool(pd.isna(value)) if not isinstance(value, (str, list, tuple, dict, set)) else False
    except (TypeError, ValueError):
        return False


def column_label(name: str, labels: Mapping[str, str] | None = None) -> str:
    """A column's name in words.

    >>> column_label("n_words"), column_label("word_share"), column_label("answered_by")
    ('words', 'share of words', 'answered by')
    """
    if labels and name in labels:
        return labels[name]
    if name in COLUMN_LABELS:
        return COLUMN_LABELS[name]
    text = name[2:] if name.startswith("n_") and len(name) > 2 else name
    return text.replace("_", " ")


# ---------------------------------------------------------------- preparing a frame for a reader

def reader_frame(df: pd.DataFrame, *, columns: Iterable[str] | None = None, events: Any = None,
                 percent: Iterable[str] = (), labels: Mapping[str, str] | None = None,
                 max_chars: int = 160) -> tuple[pd.DataFrame, list[bool]]:
    """`df` as strings a reader reads: chosen columns, events by label, formatted values, named columns.

    Returns the frame of strings and, per column, whether it holds numbers (aligned right).

    >>> df = pd.DataFrame({"doc_id": ["a"], "speaker": ["Lavrov"], "n_words": [3370], "word_share": [0.9135],
    ...                    "addressee": [None]})
    >>> frame, numeric = reader_frame(df, events={"a": "2019-12-10 · Joint press conference"})
    >>> frame.to_dict("records"), numeric
    ([{'event': '2019-12-10 · Joint press conference', 'speaker': 'Lavrov', 'words': '3,370', 'share of words': '91\xa0%', 'addressee': ''}], [False, False, True, True, False])
    """
    if columns is not None:
        df = df[list(columns)]
    event_names = _event_names(events)
    percent = set(percent)
    out: dict[str, list[str]] = {}
    numeric: list[bool] = []
    for name in df.columns:
        col = df[name]
        if name == "doc_id" and event_names is not None:
            values = [event_names.get(v, v) if not _missing(v) else "" for v in col]
            is_num = False
        else:
            values, is_num = _format_column(str(name), col, percent, max_chars)
        label = column_label(str(name), labels)
        while label in out:
            label += " "
        out[label] = values
        numeric.append(is_num)
    return pd.DataFrame(out, index=range(len(df))), numeric


def _event_names(events: Any) -> dict[str, str] | None:
    if events is None:
        return None
    if isinstance(events, pd.DataFrame):
        from .analysis.speakers.floor import event_labels
        return event_labels(events)
    return dict(events)


def _format_column(name: str, col: pd.Series, percent: set[str], max_chars: int) -> tuple[list[str], bool]:
    dtype = col.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return ["" if _missing(v) else "yes" if v else "no" for v in col], False
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return [fmt_date(v) for v in col], False
    if pd.api.types.is_numeric_dtype(dtype):
        if name in percent or "share" in name:
            return [fmt_pct(v) for v in col], True
        if pd.api.types.is_integer_dtype(dtype) or _all_whole(col):
            return [fmt_int(v) for v in col], True
        digits = _decimals(col)
        return ["" if _missing(v) else f"{float(v):,.{digits}f}" for v in col], True
    return [_text(v, max_chars, percent=name in percent) for v in col], False


def _decimals(col: pd.Series) -> int:
    """One precision for a column of measurements, from its largest value: 0 from 100, 1 from 10, else 2.

    >>> _decimals(pd.Series([75.5, 32.9, 227.0])), _decimals(pd.Series([5.0, 12.37])), _decimals(pd.Series([0.13]))
    (0, 1, 2)
    """
    top = col.abs().max()
    return 0 if top >= 100 else 1 if top >= 10 else 2


def _all_whole(col: pd.Series) -> bool:
    present = col.dropna()
    return len(present) > 0 and bool((present == present.round()).all()) and bool((present.abs() < 1e15).all())


def _text(value: Any, max_chars: int, *, percent: bool = False) -> str:
    if _missing(value):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, numbers.Number):
        return fmt_pct(value) if percent else fmt_int(value) if float(value) == int(value) else fmt_number(value)
    if isinstance(value, (pd.Timestamp, dt.date)):
        return fmt_date(value)
    if isinstance(value, (list, tuple, set)):
        value = ", ".join(str(v) for v in value if not _missing(v))
    text = " ".join(str(value).split())
    return text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "…"


# ---------------------------------------------------------------- a short table

class Table:
    """A reader-sized table: rich HTML for the page and JupyterLab, plain text elsewhere."""

    def __init__(self, html_text: str, plain: str):
        self._html, self._plain = html_text, plain

    def _repr_html_(self) -> str:
        return self._html

    def __repr__(self) -> str:
        return self._plain


def table(df: pd.DataFrame, *, rows: int = DEFAULT_ROWS, csv: str | None = None, columns: Iterable[str] | None = None,
          events: Any = None, percent: Iterable[str] = (), labels: Mapping[str, str] | None = None,
          caption: str | None = None, max_chars: int = 160, folded: str | None = None, total: int | None = None) -> Table:
    """The first `rows` rows (at most 15) of `df` for a reader, with how many there are and a link to
    the full CSV (`csv`: its file name in the output folder's `tables/`). With `folded`, the table is
    one click away: a closed section headed by that text (for tables a reader may skip). `total`: how many
    rows the whole table has, when `df` holds only its first rows (a table too large to hold).

    >>> df = pd.DataFrame({"speaker": ["<b>X</b>", "Y"], "n_words": [1200, None]})
    >>> t = table(df, rows=1, csv="speaker_stats.csv")
    >>> "&lt;b&gt;X&lt;/b&gt;" in t._repr_html_(), "1,200" in t._repr_html_(), "nan" in t._repr_html_().lower()
    (True, True, False)
    >>> repr(t).splitlines()[-1]
    '(1 of 2 rows; all in speaker_stats.csv)'
    """
    if df.empty:
        return _empty(csv, caption)
    rows = max(1, min(int(rows), MAX_ROWS))
    frame, numeric = reader_frame(df.head(rows), columns=columns, events=events, percent=percent, labels=labels,
                                  max_chars=max_chars)
    note = _rows_note(min(rows, len(df)), len(df) if total is None else total, csv)
    head = "".join(f'<th style="text-align:{"right" if num else "left"}">{html.escape(str(c))}</th>'
                   for c, num in zip(frame.columns, numeric))
    body = "".join(
        "<tr>" + "".join(f'<td style="text-align:{"right" if num else "left"}">{html.escape(v)}</td>'
                         for v, num in zip(row, numeric)) + "</tr>"
        for row in frame.itertuples(index=False, name=None))
    link = (f' <a href="{html.escape(TABLES_HREF + csv, quote=True)}">{html.escape(csv)}</a>' if csv else "")
    cap = f"{html.escape(caption)} · " if caption else ""
    html_text = (f'<table class="wb-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody>'
                 f'<caption style="caption-side:bottom;text-align:left">{cap}{html.escape(note)}'
                 f'{":" + link if csv else ""}</caption></table>')
    plain = frame.to_string(index=False) + f"\n({note}{' in ' + csv if csv else ''})"
    return Table(fold(html_text, folded), plain)


def fold(html_text: str, summary: str | None) -> str:
    """HTML inside a closed `<details>` section headed by `summary` (escaped); as it is without one.

    >>> fold("<table></table>", "Every <event>")
    '<details class="wb-fold"><summary>Every &lt;event&gt;</summary><table></table></details>'
    """
    if not summary:
        return html_text
    return f'<details class="wb-fold"><summary>{html.escape(summary)}</summary>{html_text}</details>'



def _empty(csv: str | None, caption: str | None) -> Table:
    """What an empty table shows: one line saying so, no header row.

    >>> repr(_empty(None, "Warnings")), "<table" in _empty("w.csv", None)._repr_html_()
    ('Warnings · none', False)
    """
    text = (f"{caption} · " if caption else "") + "none"
    return Table(f'<p class="wb-table-note">{html.escape(text)}</p>', text)


def _rows_note(shown: int, total: int, csv: str | None) -> str:
    """
    >>> _rows_note(12, 254, "x.csv"), _rows_note(3, 3, None), _rows_note(1, 1, None)
    ('12 of 254 rows; all', '3 rows', '1 row')
    """
    if shown < total:
        return f"{shown:,} of {total:,} rows" + ("; all" if csv else "")
    return f"{total:,} row{'' if total == 1 else 's'}"


# ---------------------------------------------------------------- an interactive table

def interactive(df: pd.DataFrame, *, rows: int = 10, max_rows: int = 500, csv: str | None = None,
                columns: Iterable[str] | None = None, events: Any = None, percent: Iterable[str] = (),
                labels: Mapping[str, str] | None = None, caption: str | None = None, max_chars: int = 300,
                align_right: Iterable[str] = (), folded: str | None = None, total: int | None = None):
    """A searchable, sortable table (itables, offline) showing `rows` rows a page, of at most `max_rows`
    rows of `df` (the first ones: sort `df` first), with a link to the full CSV. Text columns named in
    `align_right` are aligned right (the left context of keywords in context); `folded` and `total` as for
    `table`.

    The first call in a kernel also displays itables' JavaScript (offline mode), so the table works in
    JupyterLab; the rendered page drops that copy and loads one shared `itables.js` instead.
    """
    from IPython.display import HTML
    from itables import to_html_datatable

    if df.empty:
        return _empty(csv, caption)
    _emit_init()
    shown = df.head(max_rows)
    frame, numeric = reader_frame(shown, columns=columns, events=events, percent=percent, labels=labels,
                                  max_chars=max_chars)
    digest = hashlib.sha1(pd.util.hash_pandas_object(frame, index=False).values.tobytes()
                          + "|".join(frame.columns).encode()).hexdigest()[:12]
    align_right = set(align_right)
    names = list(df.columns if columns is None else columns)
    left = [i for i, (num, name) in enumerate(zip(numeric, names)) if not num and name not in align_right]
    right = [i for i, (num, name) in enumerate(zip(numeric, names)) if not num and name in align_right]
    nums = [i for i, num in enumerate(numeric) if num]
    column_defs = [{"className": cls, "targets": targets} for cls, targets in
                   (("dt-left", left), ("dt-right", right), ("dt-right wb-num", nums)) if targets]
    table_html = to_html_datatable(
        frame, connected=False, table_id=f"itable-{digest}", display_logo_when_loading=False, showIndex=False,
        pageLength=rows, lengthMenu=[rows, 25, 50, 100], maxBytes=0, allow_html=False, autoWidth=False,
        classes="display compact", columnDefs=column_defs, style="width:100%;margin:0;caption-side:bottom")
    note = _rows_note(len(shown), len(df) if total is None else total, csv)
    link = (f' <a href="{html.escape(TABLES_HREF + csv, quote=True)}">{html.escape(csv)}</a>' if csv else "")
    cap = f"{html.escape(caption)} · " if caption else ""
    footer = f'<p class="wb-table-note">{cap}{html.escape(note)}{":" + link if csv else ""} · search and sort above</p>'
    return HTML(fold(f'<div class="wb-interactive">{table_html}{footer}</div>', folded))


INIT_MARK = "itables-init"


def _emit_init() -> None:
    """Display itables' offline JavaScript once per kernel, marked so the report can replace it."""
    global _INIT_EMITTED
    if _INIT_EMITTED:
        return
    from IPython.display import HTML, display
    display(HTML(itables_init_html()), metadata={"transcripts": INIT_MARK})
    _INIT_EMITTED = True


def itables_init_html() -> str:
    """itables' offline initialisation (its DataTables bundle, base64, loaded as a module from a blob)."""
    from itables import options
    from itables.javascript import generate_init_offline_itables_html
    return generate_init_offline_itables_html(options.dt_bundle)
