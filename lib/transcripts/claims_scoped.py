"""Notebook 04's analyses over a corpus too large to hold: the sentences and turns in scope read a group of
whole documents at a time (`corpus.Tables.document_groups`), each group's claims, scores and quantities
found through the per-document caches and its numeric checks made; the claims, scores and quantities set
aside on disk (`DocumentSpill`) and read back a part at a time in the order the whole-table functions give
them (claims by `doc_id`, scores and quantities in the tables' order), and only counts, the first rows of
each table shown and a few columns of each claim held.

    sides = turn_sides(in_scope.tables, rules)           # each speaker's side: the corpus-wide rule first
    found = claims_scope(in_scope.tables, rules, sides)  # claims, scores, quantities, checks, ledger's claims

The results are those of `extract_claims`, `score_sentences`, `quantities_table`, `numeric_checks` and the
ledger's input on the whole tables (tests compare them frame for frame and the CSV copies byte for byte).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .analysis.topics.scoped import DocumentSpill, _groups, _release_memory_between_groups
from .claims import (LEDGER_TYPES, Rules, claims_of_sentences, document_checks, joined_checks, sided_sentences,
                     substantive)
from .quantities import quantities_table, restatable, restatement_checks
from .sides import TURN_COLUMNS, corpus_sides, resolved_sides, side_table, sure_sides

KEYS = ["doc_id", "turn_index", "sentence_index"]
#: Sentences a group of documents holds (about): the text of this many is in memory at a time.
GROUP_ROWS = 50_000
#: Rows of the claims shown on the page (`display.interactive`'s `max_rows`), the most check-worthy first.
SHOWN = 500
#: Rows of the quantities kept for the page (`display.MAX_ROWS`: a plain table shows at most 15).
HEAD_ROWS = 15


@dataclass
class TurnSides:
    """Whose side each turn's speaker speaks for (`side_table` of the whole scope), as notebook 04 shows it.

    Attributes:
        per_speaker: speaker → side, the corpus-wide rule (`sides.corpus_sides`), for `claims_scope`.
        sides: one row per turn, its `side_source` only (what the note and the metrics count).
        by_speaker: turns per speaker, role, side and side_source, most turns first.
        words: words per speaker (`turns.groupby("speaker").n_words.sum()`).
    """

    per_speaker: pd.Series
    sides: pd.DataFrame
    by_speaker: pd.DataFrame
    words: pd.Series


def turn_sides(tables, rules: Rules, *, rows: int = GROUP_ROWS) -> TurnSides:
    """The sides of every turn of `tables` (a scope's `corpus.Tables`, or frames in memory), read without their
    text a group of documents at a time, twice: the sure sides of each speaker first, then each turn's."""
    docs = tables["documents"]
    columns = {"turns": [c for c in TURN_COLUMNS + ["n_words"] if c in _columns(tables, "turns")]}
    sure = pd.concat([sure_sides(resolved_sides({"documents": docs, "turns": g["turns"]}, rules))
                      for g in _groups(tables, columns, rows * 4)], ignore_index=True)
    per_speaker = corpus_sides(sure.drop_duplicates())
    sources, counts, words = [], [], []
    for g in _groups(tables, columns, rows * 4):
        turns = g["turns"]
        sides = side_table({"documents": docs, "turns": turns}, rules, per_speaker=per_speaker).merge(
            turns[["doc_id", "turn_index", "speaker", "role"]], on=["doc_id", "turn_index"])
        sources.append(sides[["side_source"]])
        counts.append(sides.groupby(["speaker", "role", "side", "side_source"]).size())
        words.append(turns.groupby("speaker").n_words.sum())
    by_speaker = (_summed(counts).rename("turns").reset_index().sort_values("turns", ascending=False))
    return TurnSides(per_speaker, pd.concat(sources, ignore_index=True), by_speaker, _summed(words))


def _summed(parts: list[pd.Series]) -> pd.Series:
    """Counts made a group at a time added up, as one groupby over the whole table gives them (sorted keys)."""
    whole = pd.concat(parts)
    return whole.groupby(level=list(range(whole.index.nlevels))).sum() if len(parts) > 1 else parts[0]


def _columns(tables, name: str) -> list[str]:
    return tables.columns(name) if hasattr(tables, "columns") and callable(tables.columns) else list(tables[name].columns)


@dataclass
class ScoreSummary:
    """What the page says of the scores without holding them: `len()` the sentences scored, `checkworthiness`
    their distinct values (so that `narrative.checkworthiness_note` reads it as the scores table)."""

    n: int = 0
    checkworthiness: pd.Series = field(default_factory=lambda: pd.Series([], dtype=float))

    def __len__(self) -> int:
        return self.n

    def add(self, scores: pd.Series) -> None:
        self.n += len(scores)
        values = np.unique(scores.dropna().to_numpy(dtype=float))
        self.checkworthiness = pd.Series(np.union1d(self.checkworthiness.to_numpy(), values))


class ScopeClaims:
    """What `claims_scope` found in the sentences in scope; see there."""

    def __init__(self):
        self.claims = DocumentSpill()  # every claim, procedural ones included (read back by doc_id)
        self.scores = DocumentSpill()
        self.quantities = DocumentSpill()
        self.sentence_docs: list = []  # documents with sentences, in the tables' order
        self.quantity_docs: list = []
        self.n_sentences = 0
        self.score_summary = ScoreSummary()
        self.top_scores: pd.DataFrame | None = None
        self.quantity_kinds: pd.DataFrame | None = None  # kind, is_date of every quantity
        self.first_figures: pd.DataFrame | None = None  # the first quantities that are not dates
        self.n_figures = 0
        self.checks: pd.DataFrame | None = None
        # filled by `_summarise`, over the claims in doc_id order
        self.substantive: pd.DataFrame | None = None  # doc_id, speaker, claim_type of every claim but procedure
        self.n_procedural = 0
        self.n_claim_sentences = 0
        self.most_checkworthy: pd.DataFrame | None = None  # the first SHOWN claims, most check-worthy first
        self.ledger_claims: pd.DataFrame | None = None

    def claims_of(self, doc_ids: Iterable[str]) -> pd.DataFrame:
        """Every claim of these documents (by doc_id)."""
        return self.claims.of_documents(sorted(set(doc_ids)))

    def write_claims(self, path: str | Path) -> None:
        """`write_csv(claims, path)`, a part at a time."""
        self.claims.write_csv(path)

    def write_scores(self, path: str | Path) -> None:
        """`write_csv(scores, path)`, a part at a time, in the tables' order."""
        _write_in_order(self.scores, self.sentence_docs, path)

    def write_quantities(self, path: str | Path) -> None:
        """`write_csv(quantities, path)`, a part at a time, in the tables' order."""
        _write_in_order(self.quantities, self.quantity_docs, path)


def _write_in_order(spill: DocumentSpill, doc_ids: list, path: str | Path) -> None:
    from .csvout import write_csv_parts
    write_csv_parts(lambda: spill.frames(doc_ids), path, rows=len(spill))


def claims_scope(tables, rules: Rules, sides: TurnSides, *, cache_dir: str | Path | None = None,
                 tolerance: float = 1.0, restatement_threshold: float = 0.7,
                 ledger_roles: Sequence[str] | None = ("official",), top_scores: int = 10, rows: int = GROUP_ROWS,
                 workers: int | None = None, progress: bool = True, encoder: bool = False) -> ScopeClaims:
    """`extract_claims`, `score_sentences`, `quantities_table` and `numeric_checks` of `tables` (a scope's
    `corpus.Tables`, or frames in memory), a group of whole documents at a time, with each turn's side from
    `sides` (the corpus-wide rule made over every turn first) and the claim types read with the sentence
    encoder or not (`encoder`, decided once for the scope: `claims.resolve_encoder`).

    Held: the claims' doc_id, speaker and type (not procedural ones), counts, the `SHOWN` most check-worthy
    claims, the `top_scores` most check-worthy sentences with their text, speaker and role, the first quantities
    that are not dates, the numeric checks, and the claims that may enter the ledger (`LEDGER_TYPES`, of speakers
    in `ledger_roles`; None: everyone). The rest is on disk (`ScopeClaims.claims`, `scores`, `quantities`).
    """
    from .progress import tqdm

    out = ScopeClaims()
    docs = tables["documents"]
    canon = {d: d for d in docs.doc_id}
    for spill in (out.claims, out.scores, out.quantities):
        spill.canon = canon
    turn_cols = [c for c in TURN_COLUMNS if c in _columns(tables, "turns")]
    checks: list[list[pd.DataFrame]] = [[], [], []]
    restatable_rows, kinds = [], []
    n_sentences = tables.rows("sentences") if hasattr(tables, "rows") else len(tables["sentences"])
    bar = tqdm(total=n_sentences, desc="Claims", unit="sentence", disable=not progress)
    _release_memory_between_groups()
    for group in _groups(tables, {"sentences": None, "turns": turn_cols}, rows):
        g = {"documents": docs, "turns": group["turns"], "sentences": group["sentences"]}
        sents = sided_sentences(g, side_table(g, rules, per_speaker=sides.per_speaker))
        claims, scores = claims_of_sentences(sents, rules, progress=False, cache_dir=cache_dir, workers=workers,
                                             prune=False, encoder=encoder)
        out.claims.add(claims)
        out.scores.add(scores)
        out.sentence_docs += [canon.get(d, d) for d in pd.unique(g["sentences"].doc_id)]
        out.n_sentences += len(g["sentences"])
        out.score_summary.add(scores.checkworthiness)
        out.top_scores = _top_scores(out.top_scores, scores, g, top_scores)
        quantities = quantities_table(g, cache_dir=cache_dir, workers=workers, progress=False, prune=False)
        out.quantities.add(quantities)
        out.quantity_docs += [canon.get(d, d) for d in pd.unique(quantities.doc_id)]
        kinds.append(quantities[["kind", "is_date"]])
        figures = quantities[~quantities.is_date]
        out.n_figures += len(figures)
        if out.first_figures is None or out.first_figures.empty:
            out.first_figures = figures.head(HEAD_ROWS).reset_index(drop=True)
        elif len(out.first_figures) < HEAD_ROWS and len(figures):  # (a group without figures adds nothing)
            out.first_figures = pd.concat([out.first_figures, figures.head(HEAD_ROWS)], ignore_index=True).head(HEAD_ROWS)
        restatable_rows.append(restatable(quantities))
        for kept, part in zip(checks, document_checks(sents, rules, tolerance)):
            kept.append(part)
        bar.update(len(g["sentences"]))
        del group, g, sents, claims, scores, quantities, figures
        _release_memory_between_groups()
    bar.close()
    if cache_dir is not None:
        from . import percache
        percache.prune(cache_dir, "claims", len(out.sentence_docs))
        percache.prune(cache_dir, "quantities", len(out.quantity_docs))
    out.quantity_kinds = pd.concat(kinds, ignore_index=True).astype({"kind": object})
    restatable_quantities = pd.concat(restatable_rows, ignore_index=True)
    out.checks = joined_checks(checks + [[restatement_checks(restatable_quantities, threshold=restatement_threshold)]])
    del restatable_quantities, restatable_rows
    _summarise(out, ledger_roles)
    return out


def _top_scores(top: pd.DataFrame | None, scores: pd.DataFrame, g: dict, n: int) -> pd.DataFrame:
    """The `n` most check-worthy sentences so far (ties: in the tables' order) with their text, speaker, role."""
    head = (scores.sort_values("checkworthiness", ascending=False, kind="stable").head(n)
            .merge(g["sentences"][KEYS + ["text"]], on=KEYS)
            .merge(g["turns"][["doc_id", "turn_index", "speaker", "role"]], on=["doc_id", "turn_index"]))
    if top is None:
        return head
    return (pd.concat([top, head], ignore_index=True).sort_values("checkworthiness", ascending=False, kind="stable")
            .head(n).reset_index(drop=True))


def _summarise(out: ScopeClaims, ledger_roles: Sequence[str] | None) -> None:
    """What the page counts and shows of the claims, read back a part at a time by doc_id (the order of the
    whole claims table)."""
    light, ledger, speakers = [], [], {}
    top = None
    for part in out.claims.frames():
        subst = substantive(part)
        out.n_procedural += int(len(part) - len(subst))
        out.n_claim_sentences += subst[KEYS].drop_duplicates().shape[0]
        keep = subst[["doc_id", "speaker", "claim_type"]].copy()
        for col in ("doc_id", "speaker"):  # held past the part: the strings kept once
            keep[col] = [out.claims.canon.get(v, v) if col == "doc_id" else speakers.setdefault(v, v)
                         for v in keep[col]]
        light.append(keep)
        top = (subst if top is None else pd.concat([top, subst]))
        top = top.sort_values("checkworthiness", ascending=False, kind="stable").head(SHOWN)
        wanted = subst.claim_type.astype(str).isin(LEDGER_TYPES)
        if ledger_roles is not None:
            wanted &= subst.role.isin(ledger_roles)
        ledger.append(subst[wanted])
        del part, subst
    out.substantive = pd.concat(light, ignore_index=True)
    out.most_checkworthy = top
    out.ledger_claims = pd.concat(ledger, ignore_index=True)


def fill_caches(tables, rules: Rules, cache_dir: str | Path, *, rows: int = GROUP_ROWS, workers: int | None = 1,
                encoder: str | bool = "auto") -> None:
    """Every document's quantities, then its claims and scores, computed (or found) in `cache_dir` exactly as
    `claims_scope` will look for them (`transcripts.warmup`), a group of documents at a time (`encoder`: as
    notebook 04's `claim_encoder`, "auto" deciding by the number of sentences in `tables`)."""
    from . import percache
    from .claims import resolve_encoder

    n_sentences = tables.rows("sentences") if hasattr(tables, "rows") else len(tables["sentences"])
    encoder = resolve_encoder(encoder, n_sentences)

    sides = turn_sides(tables, rules, rows=rows)
    docs = tables["documents"]
    turn_cols = [c for c in TURN_COLUMNS if c in _columns(tables, "turns")]
    for name in ("quantities", "claims"):  # the shorter job first: it is done by the time notebook 04 starts
        seen = 0
        for group in _groups(tables, {"sentences": None, "turns": turn_cols}, rows):
            g = {"documents": docs, "turns": group["turns"], "sentences": group["sentences"]}
            if name == "quantities":
                found = quantities_table(g, cache_dir=cache_dir, workers=workers, progress=False, prune=False)
                seen += found.doc_id.nunique()
            else:
                sents = sided_sentences(g, side_table(g, rules, per_speaker=sides.per_speaker))
                claims_of_sentences(sents, rules, progress=False, cache_dir=cache_dir, workers=workers, prune=False,
                                    encoder=encoder)
                seen += sents.doc_id.nunique()
            del group, g
            _release_memory_between_groups()
        percache.prune(cache_dir, name, seen)
