"""What the index page says about a run: a few findings per notebook in plain words, computed from the
notebooks' metrics (`<out>/metrics/NN_*.json`) and tables (`<out>/tables/*.csv`, the processed tables),
the key figures with human labels, a small chart, and the run's warnings.

Every finding is computed from the run, never written for the sample; one whose inputs are missing
(an older run, a notebook that changed its metrics) is left out rather than guessed.

    >>> card = notebook_card("02_speaker_statistics", {"word_share": {"Press": 0.0865, "Sergey Lavrov": 0.9135},
    ...                      "n_questions": 8, "n_questions_addressee_answer_absent": 2}, Path("/nonexistent"))
    >>> [f.replace(NBSP, " ") for f in card.findings]
    ['Sergey Lavrov spoke 91 % of all words, Press 8.6 %.', '8 questions; 2 were put to someone whose answer the transcript does not contain.']
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from .display import NBSP, fmt_int, fmt_pct

#: Metric keys shown as key figures, with their labels and formats; other keys are not shown, except
#: counts named `n_<one word>` ("n_claims" → "claims").
FIGURES: dict[str, tuple[str, str]] = {
    "n_documents": ("events", "int"), "n_turns": ("turns", "int"), "n_sentences": ("sentences", "int"),
    "n_words": ("words", "int"), "n_questions": ("questions", "int"), "n_speakers": ("speakers", "int"),
    "n_warnings": ("warnings", "int"), "coverage_min": ("characters accounted for", "pct"),
    "tagged_share": ("sentences with a topic", "pct"), "n_periods": ("periods in the timeline", "int"),
    "n_tags": ("topic tags", "int"), "n_segments": ("topic segments in the event shown", "int"), "n_claims": ("claims", "int"),
    "share_sentences_with_claim": ("sentences with a claim", "pct"), "n_numeric_checks": ("numeric checks", "int"),
    "n_inconsistent_checks": ("numbers that do not add up", "int"), "n_ledger_entries": ("ledger entries", "int"),
}
MAX_FIGURES = 6
MAX_BARS = 6
MAX_WARNINGS = 10


@dataclass
class Chart:
    """A thumbnail: horizontal bars (label, value, shown value) or a sparkline of values over periods."""

    title: str
    kind: str  # "bars" | "lines"
    items: list[tuple[str, float, str]] = field(default_factory=list)
    series: list[tuple[str, list[float]]] = field(default_factory=list)  # "lines": (label, value per period)
    periods: tuple[str, str] = ("", "")  # "lines": the first and last period


@dataclass
class Card:
    """What the index shows for one notebook."""

    findings: list[str] = field(default_factory=list)
    figures: list[tuple[str, str]] = field(default_factory=list)
    chart: Chart | None = None


# ---------------------------------------------------------------- reading what a run wrote

def read_csv(tables_dir: Path, name: str, **kwargs: Any) -> pd.DataFrame | None:
    """`<tables_dir>/<name>`, or None when it is absent or unreadable."""
    path = Path(tables_dir) / name
    try:
        return pd.read_csv(path, **kwargs) if path.is_file() else None
    except (OSError, ValueError, pd.errors.ParserError):
        return None


def read_table(processed_dir: Path | None, name: str, columns: list[str] | None = None) -> pd.DataFrame | None:
    """A processed Parquet table (only `columns`), or None."""
    if processed_dir is None:
        return None
    path = Path(processed_dir) / f"{name}.parquet"
    if not path.is_file():
        return None
    try:
        import pyarrow.parquet as pq
        if columns is not None:
            available = set(pq.read_schema(path).names)
            columns = [c for c in columns if c in available]
        return pd.read_parquet(path, columns=columns)
    except (OSError, ValueError, ImportError):
        return None


def _num(value: Any) -> float | None:
    """A finite number, or None.

    >>> _num(3), _num("x"), _num(float("nan")), _num(True)
    (3.0, None, None, None)
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _ranked(mapping: Any) -> list[tuple[str, float]]:
    """A {name: number} mapping as (name, number) pairs, largest first (ties by name).

    >>> _ranked({"b": 2, "a": 5, "c": 2, "x": "?"})
    [('a', 5.0), ('b', 2.0), ('c', 2.0)]
    """
    if not isinstance(mapping, dict):
        return []
    pairs = [(str(k), _num(v)) for k, v in mapping.items()]
    return sorted(((k, v) for k, v in pairs if v is not None), key=lambda kv: (-kv[1], kv[0]))


def _listing(parts: list[str]) -> str:
    """
    >>> _listing(["a"]), _listing(["a", "b"]), _listing(["a", "b", "c"])
    ('a', 'a and b', 'a, b and c')
    """
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _plural(n: float, one: str, many: str | None = None) -> str:
    """
    >>> _plural(1, "event"), _plural(1154, "event"), _plural(2, "was", "were")
    ('1 event', '1,154 events', '2 were')
    """
    many = many or one + "s"
    return f"{fmt_int(n)} {one if n == 1 else many}"


# ---------------------------------------------------------------- the cards

def notebook_card(name: str, metrics: dict[str, Any], tables_dir: Path, processed_dir: Path | None = None) -> Card:
    """Findings, key figures and a chart for notebook `name` (by its number) from what the run wrote."""
    makers: dict[str, Callable[..., Card]] = {"01": _card_01, "02": _card_02, "03": _card_03, "04": _card_04,
                                              "05": _card_05}
    maker = makers.get(name[:2])
    card = Card()
    if maker is not None:
        try:
            card = maker(metrics, Path(tables_dir), Path(processed_dir) if processed_dir else None)
        except Exception:  # a finding that cannot be computed must not cost the index: figures still show
            card = Card()
    card.figures = key_figures(metrics)
    return card


def key_figures(metrics: dict[str, Any], *, limit: int = MAX_FIGURES) -> list[tuple[str, str]]:
    """The metrics a reader can take in at a glance, with labels in words, in `FIGURES` order.

    >>> key_figures({"n_turns": 17, "coverage_min": 1.0, "n_questions_addressee_answer_absent": 2, "n_claims": 163,
    ...              "flow_doc_id": "x"})
    [('turns', '17'), ('characters accounted for', '100\\xa0%'), ('claims', '163')]
    """
    shown = []
    for key, (label, kind) in FIGURES.items():
        value = _num(metrics.get(key))
        if value is not None:
            shown.append((label, fmt_pct(value) if kind == "pct" else fmt_int(value)))
    for key, value in metrics.items():
        word = key[2:] if key.startswith("n_") else ""
        if key not in FIGURES and word.isalpha() and _num(value) is not None:
            shown.append((word, fmt_int(value)))
    return shown[:limit]


def _card_01(metrics: dict[str, Any], tables_dir: Path, processed_dir: Path | None) -> Card:
    card = Card()
    n_docs, n_turns, n_words = (_num(metrics.get(k)) for k in ("n_documents", "n_turns", "n_words"))
    docs = read_table(processed_dir, "documents", ["doc_id", "event_date"])
    if docs is None:
        docs = read_csv(tables_dir, "documents.csv", usecols=lambda c: c in ("doc_id", "event_date"))
    span = ""
    if docs is not None and "event_date" in docs:
        dates = pd.to_datetime(docs.event_date, errors="coerce").dropna()
        if len(dates):
            first, last = dates.min(), dates.max()
            span = (f" on {first:%-d %B %Y}" if first.date() == last.date()
                    else f" from {first:%-d %B %Y} to {last:%-d %B %Y}")
    if n_docs is not None and n_turns is not None:
        card.findings.append(f"{_plural(n_docs, 'event')}{span}: {_plural(n_turns, 'turn')}"
                             + (f", {_plural(n_words, 'word')}." if n_words is not None else "."))
    roles = _ranked(metrics.get("turns_by_role"))
    n_questions = _num(metrics.get("n_questions"))
    if roles:
        (role, n), *rest = roles
        text = f"{_ROLE_NAMES.get(role, role).capitalize()} took {_plural(n, 'turn')}" + "".join(
            f", {_ROLE_NAMES.get(r, r)} {fmt_int(k)}" for r, k in rest)
        card.findings.append(text + (f"; {_plural(n_questions, 'turn is a question', 'turns are questions')}."
                                     if n_questions else "."))
    coverage = _num(metrics.get("coverage_min"))
    if coverage is not None:
        card.findings.append("Every character of every file is in a turn or in the cleaning log with its reason."
                             if coverage >= 1 else
                             f"In at least one file only {fmt_pct(coverage)} of the characters are accounted for: "
                             "see the page's Checks.")
    log = read_table(processed_dir, "cleaning_log", ["reason", "char_start", "char_end"])
    if log is not None and len(log):
        chars = (log.char_end - log.char_start).groupby(log.reason).sum().sort_values(ascending=False)
        chars = chars[chars > 0]
        if len(chars):
            top = [f"{reason} {fmt_int(n)}" for reason, n in chars.head(3).items()]
            card.findings.append(f"Cleaning set aside {fmt_int(chars.sum())} characters, each with its reason; "
                                 "the largest: " + _listing(top) + ".")
    top = [(name, _num(v.get("n_words")) if isinstance(v, dict) else _num(v))
           for name, v in (metrics.get("top_speakers") or {}).items()]
    top = sorted(((n, w) for n, w in top if w is not None), key=lambda nw: (-nw[1], nw[0]))[:MAX_BARS]
    if top:
        card.chart = Chart("Words per speaker", "bars", [(n, w, fmt_int(w)) for n, w in top])
    return card


_ROLE_NAMES = {"official": "officials", "press": "the press", "moderator": "moderators", "narration": "narration",
               "other": "others"}


def _card_02(metrics: dict[str, Any], tables_dir: Path, processed_dir: Path | None) -> Card:
    card = Card()
    shares = _ranked(metrics.get("word_share"))
    stats = read_csv(tables_dir, "speaker_stats.csv")
    if stats is not None and {"speaker", "word_share", "n_words"} <= set(stats.columns):
        stats = stats.sort_values(["n_words", "speaker"], ascending=[False, True])
        shares = [(s, float(w)) for s, w in zip(stats.speaker, stats.word_share)] or shares
    if shares:
        first, *rest = shares[:3]
        card.findings.append(f"{first[0]} spoke {fmt_pct(first[1])} of all words"
                             + "".join(f", {s} {fmt_pct(w)}" for s, w in rest) + ".")
        card.chart = Chart("Share of all words", "bars", [(s, w, fmt_pct(w)) for s, w in shares[:MAX_BARS]])
    n_q, absent = _num(metrics.get("n_questions")), _num(metrics.get("n_questions_addressee_answer_absent"))
    if n_q is not None:
        card.findings.append(_plural(n_q, "question") + (
            f"; {_plural(absent, 'was', 'were')} put to someone whose answer the transcript does not contain."
            if absent else "."))
    if stats is not None and {"speaker", "hedging_per_1k", "certainty_per_1k", "n_words"} <= set(stats.columns):
        talkative = stats.head(5).dropna(subset=["hedging_per_1k"])
        if len(talkative) >= 2:
            hedged = talkative.sort_values(["hedging_per_1k", "speaker"], ascending=[False, True])
            card.findings.append(
                "Hedging among the five who spoke most: "
                + _listing([f"{s} {_rate(h)}" for s, h in zip(hedged.speaker, hedged.hedging_per_1k)])
                + " hedges per 1,000 words.")
    terms = metrics.get("top_terms")
    if isinstance(terms, dict) and shares:
        # the speaker with most words whose distinctive words were scored (the press is scored as a side)
        who = next((s for s, _ in shares if isinstance(terms.get(f"{s} vs rest"), list) and terms[f"{s} vs rest"]), None)
        if who is not None:
            card.findings.append(f"Words that set {who} apart: " + ", ".join(map(str, terms[f"{who} vs rest"][:5])) + ".")
        press = terms.get("press vs official")
        if isinstance(press, list) and press:
            card.findings.append("Words that set the press apart from the officials: " + ", ".join(map(str, press[:5])) + ".")
    return card


_SHIFTS = ("stayed on topic", "widened", "changed subject")


def _card_03(metrics: dict[str, Any], tables_dir: Path, processed_dir: Path | None) -> Card:
    card = Card()
    timeline = read_csv(tables_dir, "topic_timeline.csv")
    labels: dict[str, str] = {}
    if timeline is not None and {"topic", "label"} <= set(timeline.columns):
        labels = dict(zip(timeline.topic, timeline.label))
    name = lambda t: labels.get(t) or str(t).replace("_", " ").capitalize()  # noqa: E731
    tagged = _num(metrics.get("tagged_share"))
    topics = _ranked(metrics.get("sentences_per_topic"))
    if tagged is not None or topics:
        text = (f"{fmt_pct(tagged)} of sentences carry a topic of the lexicon" if tagged is not None else
                "Topics of the lexicon")
        if topics:
            text += "; the most frequent: " + _listing([f"{name(t)} ({fmt_int(n)} sentences)" if i == 0 else
                                                         f"{name(t)} ({fmt_int(n)})" for i, (t, n) in
                                                         enumerate(topics[:3])])
        card.findings.append(text + ".")
        if topics:
            card.chart = Chart("Sentences per topic", "bars",
                               [(name(t), n, fmt_int(n)) for t, n in topics[:MAX_BARS]])
    shifts = {k: v for k, v in _ranked(metrics.get("qa_shift"))}
    total = sum(shifts.values())
    if total:
        comparable = sum(shifts.get(k, 0) for k in _SHIFTS)
        parts = [f"{fmt_int(shifts[k])} {k}" for k in _SHIFTS if shifts.get(k)]
        text = f"{fmt_int(comparable)} of {_plural(total, 'question')} could be compared with their answers by topic"
        card.findings.append(text + (": " + _listing(parts) + "." if parts else "."))
    change = topic_change(timeline, name) if timeline is not None else None
    if change:
        card.findings.append(change)
    lines = topic_lines(timeline, name, [t for t, _ in topics[:3]]) if timeline is not None else None
    if lines is not None:
        card.chart = lines
    return card


def topic_lines(timeline: pd.DataFrame, name: Callable[[str], str], top: list[str]) -> Chart | None:
    """The most frequent topics per 1,000 words, period by period (a sparkline each); None with fewer
    than three periods.

    >>> tl = pd.DataFrame({"period": ["2021-01", "2021-02", "2021-03"], "topic": "covid", "n_matches": [4, 2, 1],
    ...                    "period_words": [1000, 1000, 2000]})
    >>> topic_lines(tl, str.capitalize, ["covid"]).series
    [('Covid', [4.0, 2.0, 0.5])]
    """
    if not {"period", "topic", "n_matches", "period_words"} <= set(timeline.columns) or not top:
        return None
    periods = sorted(timeline.period.astype(str).unique())
    if len(periods) < 3:
        return None
    tl = timeline.assign(period=timeline.period.astype(str))
    words = tl.drop_duplicates("period").set_index("period").period_words.reindex(periods)
    matches = tl[tl.topic.isin(top)].pivot_table(index="period", columns="topic", values="n_matches",
                                                 aggfunc="sum").reindex(periods).fillna(0)
    rate = matches.div(words.where(words > 0), axis=0).fillna(0) * 1000
    series = [(name(t), [round(float(v), 3) for v in rate[t]]) for t in top if t in rate]
    return Chart("Per 1,000 words, by period", "lines", series=series, periods=(periods[0], periods[-1]))


def topic_change(timeline: pd.DataFrame, name: Callable[[str], str]) -> str | None:
    """The topics that rose and fell most between the first and last year (or period, within one year),
    in matches per 1,000 words; None with a single period or no change.

    >>> tl = pd.DataFrame({"period": ["2021", "2021", "2023", "2023"], "period_start": ["2021-01-01"] * 2 + ["2023-01-01"] * 2,
    ...                    "topic": ["covid", "ukraine"] * 2, "n_matches": [12, 1, 1, 6], "period_words": [1000, 1000, 1000, 1000]})
    >>> topic_change(tl, str.capitalize)
    'Between 2021 and 2023, Covid fell from 12 to 1 per 1,000 words; Ukraine rose from 1 to 6.'

    Years with under a quarter of the median year's words are left out (a corpus ending on 10 January).
    """
    need = {"period", "period_start", "topic", "n_matches", "period_words"}
    if not need <= set(timeline.columns) or timeline.empty:
        return None
    tl = timeline.assign(start=pd.to_datetime(timeline.period_start, errors="coerce")).dropna(subset=["start"])
    by_year = tl.start.dt.year.nunique() >= 2
    tl = tl.assign(bucket=tl.start.dt.year.astype(str) if by_year else tl.period.astype(str))
    words = tl.drop_duplicates("period").groupby("bucket").period_words.sum()
    if by_year:  # a year the corpus barely covers (ten days of January) says little: compare full ones
        words = words[words >= 0.25 * words.median()]
    if len(words) < 2:
        return None
    tl = tl[tl.bucket.isin(words.index)]
    matches = tl.groupby(["bucket", "topic"]).n_matches.sum().unstack(fill_value=0)
    rate = matches.div(words, axis=0) * 1000
    first, last = rate.index.min(), rate.index.max()
    delta = (rate.loc[last] - rate.loc[first]).sort_values()
    parts = []
    fell, rose = delta.index[0], delta.index[-1]
    if delta[fell] < 0:
        parts.append(f"{name(fell)} fell from {_rate(rate.loc[first, fell])} to {_rate(rate.loc[last, fell])} "
                     "per 1,000 words")
    if delta[rose] > 0:
        parts.append(f"{name(rose)} rose from {_rate(rate.loc[first, rose])} to {_rate(rate.loc[last, rose])}"
                     + ("" if parts else " per 1,000 words"))
    return f"Between {first} and {last}, " + "; ".join(parts) + "." if parts else None


def _rate(x: float) -> str:
    """
    >>> _rate(12.04), _rate(0.46), _rate(0.0)
    ('12', '0.5', '0')
    """
    return f"{x:.0f}" if x >= 10 or x == 0 else f"{x:.1f}".rstrip("0").rstrip(".")


_CLAIM_NAMES = {"factual": "factual", "position": "positions", "commitment": "commitments", "proposal": "proposals",
                "denial": "denials", "accusation": "accusations", "agreement": "agreements", "numeric": "numeric"}


def _card_04(metrics: dict[str, Any], tables_dir: Path, processed_dir: Path | None) -> Card:
    card = Card()
    n_claims, share = _num(metrics.get("n_claims")), _num(metrics.get("share_sentences_with_claim"))
    by_type = _ranked(metrics.get("claims_by_type"))
    if n_claims is not None:
        text = _plural(n_claims, "claim") + (f" in {fmt_pct(share)} of sentences" if share is not None else "")
        if by_type:
            text += "; most often " + _listing([f"{_CLAIM_NAMES.get(t, t)} ({fmt_int(n)})" for t, n in by_type[:3]])
        card.findings.append(text + ".")
    if by_type:
        card.chart = Chart("Claims by type", "bars",
                           [(_CLAIM_NAMES.get(t, t), n, fmt_int(n)) for t, n in by_type[:MAX_BARS]])
    checks = read_csv(tables_dir, "numeric_checks.csv")
    n_checks, n_bad = _num(metrics.get("n_numeric_checks")), _num(metrics.get("n_inconsistent_checks"))
    if checks is not None and {"is_consistent", "stated", "computed"} <= set(checks.columns):
        bad = checks[~checks.is_consistent.astype(str).str.lower().isin(["true", "1"])]
        n_checks, n_bad = float(len(checks)), float(len(bad))
        if len(bad):
            row = bad.iloc[0]
            who = f"{row.speaker} said" if "speaker" in bad and isinstance(row.speaker, str) else "Stated:"
            off = _points_off(row)
            verb = "does not add up" if n_bad == 1 else "do not add up"
            card.findings.append(f"{fmt_int(n_bad)} of {_plural(n_checks, 'numeric check')} {verb}: "
                                 f"{who} {row.stated}, the figures give {row.computed}{off}.")
        elif n_checks:
            card.findings.append(f"All {_plural(n_checks, 'numeric check')} add up.")
    elif n_checks is not None and n_bad is not None and n_checks:
        card.findings.append(f"{fmt_int(n_bad)} of {_plural(n_checks, 'numeric check')} do not add up.")
    rates = read_csv(tables_dir, "claim_rates.csv")
    if rates is not None and {"speaker", "total"} <= set(rates.columns) and len(rates) >= 2:
        r = rates.sort_values(["total", "speaker"], ascending=[False, True])
        card.findings.append(f"For their words, {r.speaker.iloc[0]} makes most claims ({_rate(r.total.iloc[0])} per "
                             f"1,000 words) and {r.speaker.iloc[-1]} fewest ({_rate(r.total.iloc[-1])}), among the "
                             f"{len(r)} who spoke most.")
    ledger = read_csv(tables_dir, "claim_ledger.csv")
    n_entries, n_groups = _num(metrics.get("n_ledger_entries")), _num(metrics.get("n_ledger_groups"))
    if n_entries:
        text = f"The ledger holds {_plural(n_entries, 'proposal, commitment or denial', 'proposals, commitments and denials')}"
        if n_groups is not None and n_groups < n_entries:
            text += f", {fmt_int(n_groups)} distinct"
        if ledger is not None and {"n_in_group", "group_text"} <= set(ledger.columns) and len(ledger):
            top = ledger.sort_values("n_in_group", ascending=False, kind="stable").iloc[0]
            if top.n_in_group > 1:
                text += f"; said most often ({fmt_int(top.n_in_group)} times): “{_short(top.group_text)}”"
        card.findings.append(text if text.endswith("”") else text + ".")
    return card


def _card_05(metrics: dict[str, Any], tables_dir: Path, processed_dir: Path | None) -> Card:
    card = Card()
    held = (metrics.get("devset_heldout") or {}).get("overall")
    if isinstance(held, dict) and all(_num(held.get(k)) is not None for k in ("precision", "recall")):
        n = _num(held.get("n_labelled"))
        card.findings.append(
            f"On held-out sentences the rules were never adjusted on, claim types reach precision "
            f"{held['precision']:.2f} and recall {held['recall']:.2f}"
            + (f" ({_plural(n, 'labelled claim')})" if n else "") + ".")
    cv = metrics.get("checkworthiness_cv") or {}
    model, bow = (_num((cv.get(k) or {}).get("MAP")) for k in ("model", "bow"))
    if model is not None:
        card.findings.append(f"The check-worthiness ranker's mean average precision is {model:.3f}"
                             + (f", against {bow:.3f} for bag-of-words" if bow is not None else "")
                             + " (one training transcript left out at a time).")
    ok, n = _num(metrics.get("numeric_phrasings_ok")), _num(metrics.get("numeric_phrasings"))
    if ok is not None and n:
        card.findings.append(f"{fmt_int(ok)} of {_plural(n, 'phrasing')} of a percentage change or a multiple "
                             "are checked as the hand-worked arithmetic says.")
    rows = _num(metrics.get("labelling_sheet_rows"))
    if rows:
        card.findings.append(f"A labelling sheet of {_plural(rows, 'sentence')} of this corpus is ready to fill in "
                             "(labelling_sheet.csv).")
    held_types = metrics.get("devset_heldout") or {}
    bars = [(t, _num(v.get("precision"))) for t, v in held_types.items()
            if t not in ("overall", "procedural") and isinstance(v, dict)]
    # the weakest types first: a reader must see where the extractor is least to be trusted
    bars = sorted(((t, p) for t, p in bars if p is not None), key=lambda tp: (tp[1], tp[0]))[:MAX_BARS]
    if bars:
        card.chart = Chart("Held-out precision by claim type, weakest first", "bars",
                           [(t, p, f"{p:.2f}") for t, p in bars])
    return card


def _points_off(row: pd.Series) -> str:
    """" (2 points off)" for a percentage change whose stated and computed values are known."""
    stated, computed = _num(row.get("stated_value")), _num(row.get("computed_value"))
    if row.get("check") == "change" and stated is not None and computed is not None:
        return f" ({_rate(abs(computed - stated))} points off)"
    return ""


def _short(text: Any, n: int = 120) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rsplit(" ", 1)[0] + "…"


# ---------------------------------------------------------------- warnings

def run_warnings(processed_dir: Path | None, *, limit: int = MAX_WARNINGS) -> tuple[list[tuple[str, str]], int]:
    """The build's warnings (`documents.warnings`, see `transcripts.quality.warning_list`), as (event, warning) pairs
    (at most `limit`) and their total count; nothing when the column is absent or empty."""
    docs = read_table(processed_dir, "documents", ["doc_id", "event_date", "title", "warnings"])
    if docs is None or "warnings" not in docs or docs.warnings.isna().all():
        return [], 0
    from .analysis.speakers.floor import event_labels
    labels = event_labels(docs.assign(event_date=pd.to_datetime(docs.get("event_date"), errors="coerce"),
                                      title=docs.get("title")))
    from .quality import warning_list
    pairs = [(labels.get(d, d), w) for d, ws in zip(docs.doc_id, docs.warnings) for w in warning_list(ws)]
    return pairs[:limit], len(pairs)

