"""Validating the claim extractor on a corpus: a stratified labelling sheet to fill in by hand, and
precision and recall per claim type, with 95 % intervals, from a filled-in sheet.

    sheet = labelling_sheet(tables, n=300)        # sentences to read, stratified; no predictions shown
    write_sheet(sheet, "my_sheet.csv")            # fill in `types` (and `borderline`, `note`) by hand
    filled = read_sheet("my_sheet.csv")           # checked: known types, ids, weights
    scores = score_sheet(filled)                  # per type: tp, fp, fn, precision, recall, intervals

The sheet is stratified by corpus, speaker role and predicted claim type (the extractor's prediction
is used only to choose sentences and is not written to the sheet, so the person labelling cannot copy
it). Each row carries its stratum and a weight (sentences in the stratum / sentences drawn from it), so
figures can be given both for the sentences as drawn and weighted back to the corpus. Labels follow
`resources/claim_labelling_guide.md`; the development set `tests/fixtures/claim_devset.csv` is such a
sheet, filled in.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import TranscriptError
from .paths import RESOURCES_DIR, resolve

GUIDE = RESOURCES_DIR / "claim_labelling_guide.md"
ROLE_GROUPS = {"official": "official", "press": "press"}  # everything else: "other"
ROLE_SHARES = {"official": 0.6, "press": 0.2, "other": 0.2}
SHEET_COLUMNS = ["sheet_id", "corpus", "doc_id", "turn_index", "sentence_index", "char_start", "char_end",
                 "source_path", "title", "speaker", "label", "role", "affiliation", "format", "stratum", "weight",
                 "context", "text", "types", "borderline", "note"]
LABEL_COLUMNS = ("types", "borderline")


def _label_types() -> tuple[str, ...]:
    from .claims import LABEL_TYPES
    return LABEL_TYPES


# --------------------------------------------------------------------------- the sheet

def labelling_sheet(tables: dict[str, pd.DataFrame], *, n: int = 300, corpus: str = "", seed: int = 13,
                    rules=None, max_candidates: int = 40_000, role_shares: dict[str, float] | None = None,
                    exclude: pd.DataFrame | None = None) -> pd.DataFrame:
    """About `n` sentences of a corpus to label by hand, stratified by speaker role and predicted type.

    A random pool of at most `max_candidates` sentences is classified with the current rules; each
    sentence's stratum is its role group (official, press, other) and its rarest predicted type (or
    "none"). The role groups get `role_shares` of `n` (default 60/20/20 %, shares of absent groups
    handed on), split evenly over their type strata (a stratum with too few sentences hands its share
    on). `weight` is the stratum's estimated size in the corpus over the sentences drawn from it.
    `exclude` (doc_id, turn_index, sentence_index) lists sentences never to draw (e.g. already labelled).

    The prediction itself is not written: `stratum` is an opaque code (`s01`, ...).
    """
    from .claims import classify, load_rules, side_table

    rules = rules or load_rules()
    rng = np.random.default_rng(seed)
    # Only what the draw needs is read: the sentences' keys (when some are excluded), the turns and
    # documents without their text, then the text of the pool's sentences a batch at a time. The pool,
    # the strata and the sheet are those of the whole sentence frame (the same rows for the same seed).
    key = ["doc_id", "turn_index", "sentence_index"]
    doc_cols = [c for c in ("doc_id", "event_date", "title", "format", "source_path") if c in _columns(tables, "documents")]
    turn_cols = [c for c in ("doc_id", "turn_index", "speaker", "role", "label", "affiliation")
                 if c in _columns(tables, "turns")]
    docs, turns = _read(tables, "documents", doc_cols), _read(tables, "turns", turn_cols, categorical=True)
    excluded = None
    if exclude is not None and len(exclude):
        keys = _read(tables, "sentences", key)
        drop = keys.merge(exclude[key].drop_duplicates(), on=key, how="left", indicator=True)._merge == "both"
        kept = np.flatnonzero(~drop.to_numpy())
        excluded = set(map(tuple, keys[drop.to_numpy()].itertuples(index=False, name=None)))
        del keys
    else:
        kept = None
    total = _rows(tables, "sentences") if kept is None else len(kept)
    if total == 0:
        return pd.DataFrame(columns=SHEET_COLUMNS)
    drawn = np.sort(rng.permutation(total)[:max_candidates])
    pool = _sentences_at(tables, drawn if kept is None else kept[drawn])
    pool = pool.merge(turns, on=["doc_id", "turn_index"], how="left").merge(docs, on="doc_id", how="left")
    for col in turn_cols[2:]:  # as the table gives them (strings, None when missing)
        if isinstance(pool[col].dtype, pd.CategoricalDtype):
            pool[col] = pool[col].astype(object).where(pool[col].notna(), None)
    scale = total / len(pool)
    # a turn's side depends on its document and on who speaks (speaker, role, label, affiliation):
    # resolved once per such combination, the same sides as turn by turn
    who = turn_cols[2:]
    combos = turns[["doc_id", *who]].drop_duplicates().astype(object).reset_index(drop=True)
    del turns
    combos["turn_index"] = range(len(combos))
    side_of = side_table({"turns": combos, "documents": docs}).set_index("turn_index").side
    sides = {_who_key(k): side_of[i] for i, k in enumerate(combos[["doc_id", *who]].itertuples(index=False, name=None))}
    pool_side = [sides.get(_who_key(k), "") for k in pool[["doc_id", *who]].itertuples(index=False, name=None)]
    predicted = [[h.claim_type for h in classify(str(t), rules, speaker_side=s)]
                 for t, s in zip(pool.text, pool_side)]
    counts = pd.Series([t for ts in predicted for t in set(ts)]).value_counts()
    rarest = [min(set(ts), key=lambda t: (counts.get(t, 0), t)) if ts else "none" for ts in predicted]
    group = pool.role.map(lambda r: ROLE_GROUPS.get(str(r), "other"))
    pool = pool.assign(_group=group.to_numpy(), _type=rarest)

    shares = dict(role_shares or ROLE_SHARES)
    present = set(pool._group)
    shares = {g: s for g, s in shares.items() if g in present}
    norm = sum(shares.values()) or 1.0
    picks = []
    for g, share in shares.items():
        part = pool[pool._group == g]
        strata = sorted(part._type.unique())
        sizes = part._type.value_counts().to_dict()
        quota = _allocate(round(n * share / norm), {s: sizes[s] for s in strata})
        for s in strata:
            k = quota[s]
            if k == 0:
                continue
            idx = part.index[part._type == s].to_numpy()
            chosen = np.sort(rng.choice(idx, size=k, replace=False))
            picks.append(pool.loc[chosen].assign(_stratum=f"{g}|{s}", weight=sizes[s] * scale / k))
    sheet = pd.concat(picks, ignore_index=True) if picks else pool.iloc[:0].assign(_stratum="", weight=0.0)
    codes = {s: f"s{i + 1:02d}" for i, s in enumerate(sorted(sheet._stratum.unique()))}
    sheet["stratum"] = sheet._stratum.map(codes)
    sheet["corpus"] = corpus
    sheet["context"] = _context(tables, sheet, excluded)
    sheet = sheet.sample(frac=1.0, random_state=int(rng.integers(1 << 31))).reset_index(drop=True)  # shuffled
    sheet["sheet_id"] = [f"{corpus + '-' if corpus else ''}{i + 1:04d}" for i in range(len(sheet))]
    for col in ("types", "borderline", "note"):
        sheet[col] = ""
    for col in ("source_path", "title", "label", "affiliation", "format"):
        if col not in sheet:
            sheet[col] = ""
    sheet["weight"] = sheet.weight.round(3)
    return sheet[SHEET_COLUMNS]


def _allocate(n: int, sizes: dict[str, int]) -> dict[str, int]:
    """`n` draws spread evenly over strata of the given sizes, none over its size (the surplus of
    small strata goes to the others).

    >>> _allocate(10, {"a": 2, "b": 50, "c": 50})
    {'a': 2, 'b': 4, 'c': 4}
    """
    quota = {s: 0 for s in sizes}
    left = min(n, sum(sizes.values()))
    while left > 0:
        open_ = [s for s in sizes if quota[s] < sizes[s]]
        each = max(1, left // len(open_))
        for s in open_:
            give = min(each, sizes[s] - quota[s], left)
            quota[s] += give
            left -= give
            if left == 0:
                break
    return quota


def _context(tables, sheet: pd.DataFrame, excluded: set | None = None) -> list[str]:
    """The sentence before each sheet row's sentence in the same turn ("" for a turn's first, and for one
    in `excluded`), read a batch of sentences at a time."""
    want = {(d, t, s - 1) for d, t, s in zip(sheet.doc_id, sheet.turn_index, sheet.sentence_index) if s > 0}
    want -= excluded or set()
    found: dict[tuple, str] = {}
    for batch in _batches(tables, "sentences"):
        keys = list(zip(batch.doc_id, batch.turn_index, batch.sentence_index))
        for k, text in zip(keys, batch.text):
            if k in want:
                found.setdefault(k, str(text))
    return [found.get((d, t, s - 1), "") if s > 0 else ""
            for d, t, s in zip(sheet.doc_id, sheet.turn_index, sheet.sentence_index)]


# The tables of `labelling_sheet`: a dict of frames, or `corpus.Tables`, whose helpers read from the
# files only what is asked for (never a whole table of text).

def _columns(tables, name: str) -> list[str]:
    return tables.columns(name) if hasattr(tables, "columns") and callable(tables.columns) else list(tables[name].columns)


def _read(tables, name: str, columns: list[str], categorical: bool = False) -> pd.DataFrame:
    from .corpus import Tables
    if isinstance(tables, Tables):
        return tables.read(name, columns, categorical=categorical)
    if hasattr(tables, "read"):  # build.BuiltTables
        return tables.read(name, list(columns))
    return tables[name][list(columns)]


def _who_key(values: tuple) -> tuple:
    return tuple("" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in values)


def _rows(tables, name: str) -> int:
    return tables.rows(name) if hasattr(tables, "rows") else len(tables[name])


_BATCH_ROWS = 50_000  # sentences read at a time


def _batches(tables, name: str):
    return tables.batches(name, _BATCH_ROWS) if hasattr(tables, "batches") else iter([tables[name]])


def _sentences_at(tables, positions: np.ndarray) -> pd.DataFrame:
    """The sentences at these row positions (sorted) of the sentences table, in that order."""
    parts, start = [], 0
    for batch in _batches(tables, "sentences"):
        lo, hi = np.searchsorted(positions, [start, start + len(batch)])
        if hi > lo:
            parts.append(batch.iloc[positions[lo:hi] - start])
        start += len(batch)
    return pd.concat(parts, ignore_index=True)


def write_sheet(sheet: pd.DataFrame, path: str | Path) -> Path:
    """The sheet as CSV (UTF-8, formula-safe), ready to open in a spreadsheet and fill in."""
    from .csvout import write_csv

    dest = resolve(path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    write_csv(sheet, dest)
    return dest


def read_sheet(path: str | Path) -> pd.DataFrame:
    """A filled-in labelling sheet, checked: the columns are there, every type is known, ids are unique.

    Raises:
        TranscriptError: the file is missing, lacks a column, or names an unknown type (file and row named).
    """
    src = resolve(path)
    if not src.exists():
        raise TranscriptError(src, "labelling sheet not found",
                              hint="Export one with transcripts.validation.labelling_sheet (notebook 05) and fill it in")
    df = pd.read_csv(src, keep_default_na=False, dtype={c: str for c in ("types", "borderline", "note", "doc_id")})
    need = {"text", "types", "role"}
    missing = need - set(df.columns)
    if missing:
        raise TranscriptError(src, f"labelling sheet lacks column(s) {sorted(missing)}",
                              hint=f"Columns: {', '.join(SHEET_COLUMNS)}")
    known = set(_label_types())
    for col in LABEL_COLUMNS:
        if col not in df:
            df[col] = ""
        for i, value in enumerate(df[col]):
            bad = [t for t in _split(value) if t not in known]
            if bad:
                raise TranscriptError(src, f"unknown claim type(s) {bad} in column `{col}`", line=i + 2,
                                      hint=f"Use {', '.join(sorted(known))}, separated by ';'")
    if "weight" not in df:
        df["weight"] = 1.0
    df["weight"] = pd.to_numeric(df.weight, errors="coerce").fillna(1.0)
    if "sheet_id" in df and df.sheet_id.duplicated().any():
        dup = df.sheet_id[df.sheet_id.duplicated()].iloc[0]
        raise TranscriptError(src, f"sheet_id {dup!r} appears twice", hint="Each row needs its own sheet_id")
    for col in ("speaker", "label", "affiliation", "title", "format", "context"):
        if col not in df:
            df[col] = ""
    return df


def _split(value) -> list[str]:
    return [t.strip() for t in str(value or "").split(";") if t.strip()]


# --------------------------------------------------------------------------- scoring

def wilson(k: int, n: int, *, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval of a proportion k/n (95 % by default); (nan, nan) when n is 0.

    >>> [round(x, 3) for x in wilson(8, 10)]
    [0.49, 0.943]
    """
    if n <= 0:
        return float("nan"), float("nan")
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def predict_rule_types(sheet: pd.DataFrame, rules=None) -> list[set[str]]:
    """The cue rules' claim types for each row of a sheet (its text, with the speaker's side and role),
    before the type model decides (`predict_sheet`)."""
    from .claims import classify, load_rules, speaker_side

    rules = rules or load_rules()
    out = []
    for r in sheet.itertuples(index=False):
        side = speaker_side(getattr(r, "speaker", ""), getattr(r, "role", ""), getattr(r, "format", ""), rules,
                            affiliation=getattr(r, "affiliation", ""), label=getattr(r, "label", ""),
                            title=getattr(r, "title", ""))
        out.append({h.claim_type for h in classify(str(r.text), rules, speaker_side=side, role=str(getattr(r, "role", "")))})
    return out


# what `predict_sheet` decided for a row (its text and the fields its speaker's side and role come from), per
# rules, model and encoder: notebook 05 asks for the development set's types several times (all of it, the tuning
# part, the held-out part), and a row's types depend on that row alone
_PREDICTED: dict[tuple, dict[tuple, frozenset]] = {}
_PREDICTED_ROWS = 250_000
_ROW_FIELDS = ("text", "speaker", "role", "format", "affiliation", "label", "title")


def predict_sheet(sheet: pd.DataFrame, rules=None, *, model=None, encoder: bool = False) -> list[set[str]]:
    """The extractor's claim types for each row of a sheet: the cue rules' types (`predict_rule_types`)
    decided by the type model (`transcripts.claim_model`), as `extract_claims` does (`encoder`: reading the
    sentences' meaning too, about 150 sentences a second). Rows decided before in this process with the same
    rules, model and encoder are not decided again."""
    from .claim_model import load_model, refine_types
    from .claims import load_rules

    rules = rules or load_rules()
    model = model or load_model()  # (read again only when its file changes: the same object until then)
    ident = (rules.source, id(model), bool(encoder))
    memo = _PREDICTED.setdefault(ident, {})
    _PREDICTED.setdefault(("models",), {})[id(model)] = model  # kept, so that its id is never reused meanwhile
    keys = list(zip(*[sheet[c].astype(str).tolist() if c in sheet else [""] * len(sheet) for c in _ROW_FIELDS])) \
        if len(sheet) else []
    todo = list(dict.fromkeys(i for i, k in enumerate(keys) if k not in memo))
    if todo:
        part = sheet.iloc[todo]
        types, _ = refine_types(list(part.text), [str(r) for r in part.role], predict_rule_types(part, rules), rules,
                                model=model, encoder=encoder)
        if sum(len(m) for m in _PREDICTED.values()) + len(todo) > _PREDICTED_ROWS:
            _PREDICTED.clear()
            _PREDICTED[("models",)] = {id(model): model}
            memo = _PREDICTED.setdefault(ident, {})
        memo.update((keys[i], frozenset(t)) for i, t in zip(todo, types))
    return [set(memo[k]) for k in keys]


def score_sheet(sheet: pd.DataFrame, predicted: list[set[str]] | None = None, *, rules=None,
                types: tuple[str, ...] | None = None, encoder: bool = False) -> pd.DataFrame:
    """Precision and recall per claim type of the extractor against a filled-in sheet, with 95 %
    Wilson intervals, and an `overall` row (micro-averaged over the substantive types, procedural apart).

    Columns: claim_type, n_labelled, n_predicted, tp, fp, fn, fp_borderline (predictions of a type the
    labeller marked borderline), precision (strict: borderline counts as wrong), precision_low/high,
    precision_lenient, recall, recall_low/high, and the same weighted back to the corpus by the sheet's
    `weight` (precision_w, recall_w; their intervals use the Kish effective sample size). `encoder`: the
    extractor's types read with the sentence encoder too (as notebook 04 reads a corpus of up to 60,000 sentences).
    """
    from .claims import CLAIM_TYPES

    types = types or _label_types()
    predicted = predict_sheet(sheet, rules, encoder=encoder) if predicted is None else predicted
    gold = [set(_split(v)) for v in sheet.types]
    border = [set(_split(v)) for v in sheet.get("borderline", pd.Series([""] * len(sheet)))]
    weight = sheet.weight.to_numpy(dtype=float) if "weight" in sheet else np.ones(len(sheet))
    rows = [_score_row(t, [{t} & g for g in gold], [{t} & p for p in predicted], [{t} & b for b in border], weight)
            for t in types]
    substantive = [t for t in CLAIM_TYPES if t in types]
    rows.append(_score_row("overall", [g & set(substantive) for g in gold], [p & set(substantive) for p in predicted],
                           [b & set(substantive) for b in border], weight))
    return pd.DataFrame(rows)


def _score_row(name: str, gold: list[set], pred: list[set], border: list[set], weight: np.ndarray) -> dict:
    tp = np.array([len(g & p) for g, p in zip(gold, pred)])
    fp = np.array([len(p - g) for g, p in zip(gold, pred)])
    fn = np.array([len(g - p) for g, p in zip(gold, pred)])
    fpb = np.array([len((p - g) & b) for g, p, b in zip(gold, pred, border)])
    TP, FP, FN, FPB = int(tp.sum()), int(fp.sum()), int(fn.sum()), int(fpb.sum())
    p_lo, p_hi = wilson(TP, TP + FP)
    r_lo, r_hi = wilson(TP, TP + FN)
    row = dict(claim_type=name, n_labelled=TP + FN, n_predicted=TP + FP, tp=TP, fp=FP, fn=FN, fp_borderline=FPB,
               precision=_ratio(TP, TP + FP), precision_low=p_lo, precision_high=p_hi,
               precision_lenient=_ratio(TP + FPB, TP + FP), recall=_ratio(TP, TP + FN), recall_low=r_lo,
               recall_high=r_hi)
    row.update(_weighted(tp, fp, weight, "precision_w"))
    row.update(_weighted(tp, fn, weight, "recall_w"))
    return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in row.items()}


def _ratio(a: int, b: int) -> float:
    return a / b if b else float("nan")


def _weighted(hit: np.ndarray, miss: np.ndarray, weight: np.ndarray, name: str) -> dict:
    """A weighted proportion sum(w·hit) / sum(w·(hit+miss)) with a Wilson interval on the Kish
    effective sample size (sum w)² / sum w² of the rows that count."""
    w = weight * (hit + miss)
    num, den = float((weight * hit).sum()), float(w.sum())
    if den <= 0:
        return {name: float("nan"), name + "_low": float("nan"), name + "_high": float("nan")}
    p = num / den
    n_eff = den * den / float((w * w).sum())
    lo, hi = wilson(round(p * n_eff), max(1, round(n_eff)))
    return {name: p, name + "_low": lo, name + "_high": hi}


def errors(sheet: pd.DataFrame, predicted: list[set[str]], claim_type: str) -> pd.DataFrame:
    """The rows where the extractor and the labels disagree on one type: `missed` (labelled, not
    predicted) and `extra` (predicted, not labelled; `borderline` when the labeller hesitated)."""
    out = []
    for r, p in zip(sheet.itertuples(index=False), predicted):
        g, b = set(_split(r.types)), set(_split(getattr(r, "borderline", "")))
        if (claim_type in g) == (claim_type in p):
            continue
        kind = "missed" if claim_type in g else ("extra (borderline)" if claim_type in b else "extra")
        out.append(dict(sheet_id=getattr(r, "sheet_id", ""), error=kind, speaker=getattr(r, "speaker", ""),
                        labelled=";".join(sorted(g)), predicted=";".join(sorted(p)), text=r.text))
    return pd.DataFrame(out, columns=["sheet_id", "error", "speaker", "labelled", "predicted", "text"])


# --------------------------------------------------------------------------- the development set and numeric phrasings

DEVSET = "tests/fixtures/claim_devset*.csv"
PHRASINGS = "tests/fixtures/numeric_phrasings.csv"
SECOND_READER = "tests/fixtures/claim_second_reader.csv"


def read_devset(pattern: str | Path = DEVSET) -> pd.DataFrame:
    """The development set: every labelled batch matching `pattern` (a file or a glob, from the project root;
    `tests/fixtures/claim_devset*.csv` by default, see its `claim_devset.md`), each read by `read_sheet`,
    one frame in file order with a `batch` column (the file's name). Its `split` says what each sentence
    was used for: `tuning` (the cue rules were tuned and the type model fitted on it) or `heldout` (only
    reported on).

    Raises:
        TranscriptError: no file matches, or a batch is malformed, or a sheet_id appears in two batches.
    """
    pattern = Path(pattern)
    base = resolve(pattern.parent)
    files = sorted(base.glob(pattern.name)) if any(ch in pattern.name for ch in "*?[") else [base / pattern.name]
    if not files:
        raise TranscriptError(base / pattern.name, "no development set matches this pattern",
                              hint="Give a labelled sheet (CSV) or a glob such as tests/fixtures/claim_devset*.csv")
    parts = [read_sheet(f).assign(batch=f.name) for f in files]
    sheet = pd.concat(parts, ignore_index=True)
    if "sheet_id" in sheet and sheet.sheet_id.duplicated().any():
        dup = sheet.sheet_id[sheet.sheet_id.duplicated()].iloc[0]
        raise TranscriptError(base / pattern.name, f"sheet_id {dup!r} appears in two batches",
                              hint="Prefix each batch's sheet ids (b2-, b3-, ...)")
    if "split" not in sheet:
        sheet["split"] = "tuning"
    return sheet


def reader_agreement(devset: pd.DataFrame, second: str | Path | pd.DataFrame = SECOND_READER) -> pd.DataFrame:
    """How far two readers agree: the second reader's labels (sheet_id, types, borderline) scored like a
    prediction against the first reader's (the development set's), per type and overall (`score_sheet`'s
    columns; strict precision counts a type the first reader marked borderline as a disagreement). Only the
    sentences both read.

    Raises:
        TranscriptError: the second reader's file is missing or names a sentence not in the set.
    """
    other = _second_reader(second)
    unknown = set(other.sheet_id) - set(devset.sheet_id)
    if unknown:
        where = Path("second reader's labels") if isinstance(second, pd.DataFrame) else resolve(second)
        raise TranscriptError(where, f"{len(unknown)} sheet_id(s) not in the development set, e.g. "
                                                 f"{sorted(unknown)[0]!r}", hint="Label rows of the development set")
    both = devset.merge(other[["sheet_id", "types"]].rename(columns={"types": "second"}), on="sheet_id")
    return score_sheet(both, [set(_split(v)) for v in both.second])


def heldout_comparison(devset: pd.DataFrame, rules=None, second: str | Path | pd.DataFrame = SECOND_READER,
                       dev: pd.DataFrame | None = None) -> pd.DataFrame:
    """The overall figures (eight claim types, procedure apart) of the shipped extractor, of its cue rules
    alone, and of a second reader, one row each: the first two on the held-out sentences, the reader on the
    sentences both readers labelled. Columns: who, sentences, precision (strict) and recall with their 95 %
    intervals, precision_lenient. `dev`: the set's `devset_scores`, when at hand."""
    held = devset[devset["split"] == "heldout"].reset_index(drop=True)
    rows = []
    model = (dev[(dev.split == "heldout")] if dev is not None else score_sheet(held, predict_sheet(held, rules)))
    alone = score_sheet(held, predict_rule_types(held, rules))
    other = _second_reader(second)
    reader = reader_agreement(devset, other)
    n_read = int(devset.sheet_id.isin(set(other.sheet_id)).sum())
    for who, scores, n in (("the extractor (cue rules, then the type model on words and cues)", model, len(held)),
                           ("the cue rules alone", alone, len(held)),
                           ("a second labeller of the same kind, against the first (other sentences)", reader, n_read)):
        row = scores.set_index("claim_type").loc["overall"]
        rows.append(dict(who=who, sentences=n, precision=row.precision, precision_low=row.precision_low,
                         precision_high=row.precision_high, precision_lenient=row.precision_lenient,
                         recall=row.recall, recall_low=row.recall_low, recall_high=row.recall_high))
    # with the sentence encoder: its 6-layer network takes minutes over the whole held-out part, so its figures are
    # those the refit script measured on the same sentences when it wrote the model (`meta.held_out`)
    from .claim_model import load_model

    meta = load_model().meta.get("held_out", {})
    enc = meta.get("model_encoder", {}).get("overall")
    if enc and meta.get("n_sentences") == len(held):
        rows.append(dict(who="the extractor with the sentence encoder (measured when the model was fitted)",
                         sentences=len(held), **{k: enc.get(k) for k in ("precision", "precision_low", "precision_high",
                                                                           "precision_lenient", "recall", "recall_low",
                                                                           "recall_high")}))
    return pd.DataFrame(rows)


def _second_reader(second: str | Path | pd.DataFrame) -> pd.DataFrame:
    """A second reader's labels (sheet_id, types, ...), from a frame or a CSV file."""
    if isinstance(second, pd.DataFrame):
        return second
    src = resolve(second)
    if not src.exists():
        raise TranscriptError(src, "second reader's labels not found", hint="sheet_id,types,borderline,note")
    return pd.read_csv(src, keep_default_na=False, dtype=str)


def devset_scores(sheet: pd.DataFrame, rules=None) -> pd.DataFrame:
    """`score_sheet` of each split of a labelled sheet that has a `split` column (tuning, heldout; the
    whole sheet as `all`), one frame with a `split` column."""
    predicted = predict_sheet(sheet, rules)
    parts = []
    splits = list(dict.fromkeys(sheet["split"])) if "split" in sheet else []
    for split in [*splits, "all"]:
        mask = (sheet["split"] == split).to_numpy() if split != "all" else np.ones(len(sheet), dtype=bool)
        part = sheet[mask].reset_index(drop=True)
        scores = score_sheet(part, [p for p, m in zip(predicted, mask) if m])
        parts.append(scores.assign(split=split, n_sentences=len(part)))
    return pd.concat(parts, ignore_index=True)


def check_phrasings(path: str | Path = PHRASINGS) -> pd.DataFrame:
    """Each hand-worked phrasing of a percentage change, a multiple or a restatement run through the
    numeric checks, beside the expected result: `ok` when the check found what the arithmetic says
    (for `restatement` rows: that nothing is reported)."""
    from .quantities import change_checks, multiple_checks, quantities_table, restatement_checks

    cases = pd.read_csv(resolve(path), keep_default_na=False, dtype=str)
    rows = []
    for i, c in enumerate(cases.itertuples(index=False)):
        texts = [t.strip() for t in c.text.split("||")]  # sentences of one turn
        sent = pd.DataFrame(dict(doc_id=f"case{i}", turn_index=0, sentence_index=range(len(texts)), speaker="X",
                                 char_start=[200 * k for k in range(len(texts))],
                                 char_end=[200 * k + len(t) for k, t in enumerate(texts)], text=texts))
        if c.check == "change":
            got = change_checks(sent)
        elif c.check == "multiple":
            got = multiple_checks(sent)
        else:
            q = quantities_table(dict(sentences=sent.drop(columns="speaker"), turns=sent[["doc_id", "turn_index",
                                                                                         "speaker"]].drop_duplicates()),
                                 progress=False, workers=1)
            got = restatement_checks(q, threshold=0.5)
        if c.check == "restatement":
            bad = got[~got.is_consistent.astype(bool)]
            ok, found = bad.empty, ("no inconsistent restatement" if bad.empty else
                                    f"inconsistent: {bad.stated.iloc[0]} vs {bad.computed.iloc[0]}")
        else:
            first = got.iloc[0] if len(got) else None
            found = "nothing reported" if first is None else \
                f"{first.stated} vs {first.computed}: {bool(first.is_consistent)}"
            ok = first is not None and (first.stated, first.computed, str(bool(first.is_consistent))) == (
                c.expected_stated, c.expected_computed, c.expected_consistent)
        expected = (f"{c.expected_stated} vs {c.expected_computed}: {c.expected_consistent}" if c.expected_stated
                    else "no inconsistent restatement")
        rows.append(dict(phrasing=c.phrasing, check=c.check, text=" ".join(texts), arithmetic=c.arithmetic,
                         expected=expected, found=found, ok=bool(ok)))
    return pd.DataFrame(rows)


def split_figures(scores: pd.DataFrame, split: str) -> dict[str, dict]:
    """One part's figures of `devset_scores` per claim type, as plain numbers for a metrics file: precision,
    recall and their 95 % intervals rounded to three decimals (None where undefined), and n_labelled.

    >>> s = pd.DataFrame(dict(split="heldout", claim_type="all", precision=2 / 3, precision_low=0.2,
    ...                       precision_high=0.9, recall=float("nan"), recall_low=None, recall_high=None, n_labelled=3),
    ...                  index=[0])
    >>> split_figures(s, "heldout")["all"]["precision"], split_figures(s, "heldout")["all"]["recall"]
    (0.667, None)
    """
    part = scores[scores.split == split].set_index("claim_type")
    cols = ["precision", "precision_low", "precision_high", "recall", "recall_low", "recall_high"]
    return {t: {k: (None if pd.isna(v) else round(float(v), 3)) for k, v in part.loc[t, cols].items()}
            | {"n_labelled": int(part.loc[t, "n_labelled"])} for t in part.index}
