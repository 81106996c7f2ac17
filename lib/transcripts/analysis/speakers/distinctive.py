"""Distinctive words: which terms set a speaker (or a role) apart from the rest, by the weighted
log-odds ratio with an informative Dirichlet prior ("Fightin' Words"), the press against the
officials, each comparison's top terms, and those terms in context.

Terms are `tokens.terms`: words lower-cased, curly apostrophes made straight.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from ...errors import TranscriptError
from .tokens import _straight, _term_ids, terms


def term_counts(texts: Iterable[str]) -> Counter:
    """Counts of `terms` over several texts.

    >>> term_counts(["We agree.", "We do not agree"])["agree"]
    2
    """
    counts: Counter = Counter()
    for text in texts:
        counts.update(terms(str(text)))
    return counts


def log_odds(counts_a: dict | pd.Series, counts_b: dict | pd.Series, *, prior: dict | pd.Series | None = None,
             prior_strength: float = 1.0) -> pd.DataFrame:
    """Weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008,
    "Fightin' Words", section 3.5): how much more group A uses each term than group B.

    For a term w with counts y_a, y_b in groups of n_a, n_b words, and prior pseudo-counts
    a_w = a_0 · p_w where p_w is w's share of the prior (default: both groups together) and
    a_0 = prior_strength · min(n_a, n_b):

        delta_w = log((y_a + a_w) / (n_a + a_0 - y_a - a_w)) - log((y_b + a_w) / (n_b + a_0 - y_b - a_w))
        var_w  ≈ 1 / (y_a + a_w) + 1 / (y_b + a_w)
        z_w    = delta_w / sqrt(var_w)

    Tying a_0 to the smaller group's words makes the default work at any scale: with strength 1 the
    prior counts as much as the smaller side's own speech, whether that is 319 words of questions in
    one event or a million words of briefings. Multiplying every count by k leaves log_odds as they
    are and multiplies every z by sqrt(k), so the ranking by z does not depend on corpus size.

    Returns:
        term, count_a, count_b, prior (a_w), log_odds (delta), z; sorted by z, highest first.
    """
    a = pd.Series(counts_a, dtype=float)
    b = pd.Series(counts_b, dtype=float)
    vocab = np.array(sorted(set(a.index) | set(b.index)), dtype=object)
    a, b = a.reindex(vocab, fill_value=0.0).to_numpy(), b.reindex(vocab, fill_value=0.0).to_numpy()
    p = (a + b) if prior is None else pd.Series(prior, dtype=float).reindex(vocab, fill_value=0.0).to_numpy()
    delta, z, aw = _log_odds_arrays(a, b, p, prior_strength)
    order = np.lexsort((np.arange(len(vocab)), -z))  # z descending, then alphabetical
    return pd.DataFrame({"term": vocab[order], "count_a": a[order].astype(int), "count_b": b[order].astype(int),
                         "prior": aw[order], "log_odds": delta[order], "z": z[order]})


def _log_odds_arrays(a: np.ndarray, b: np.ndarray, p: np.ndarray,
                     prior_strength: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`log_odds` on aligned count arrays: (delta, z, a_w)."""
    if p.sum() <= 0:
        raise TranscriptError(None, "the prior has no counts for any term", hint="Pass non-empty counts")
    n_a, n_b = a.sum(), b.sum()
    a0 = prior_strength * min(n_a, n_b)
    if a0 <= 0:
        raise TranscriptError(None, "log-odds need words in both groups and a positive prior strength",
                              hint=f"Group sizes: {int(n_a)} and {int(n_b)} words; prior_strength={prior_strength}")
    aw = a0 * p / p.sum()
    aw = np.where(aw > 0, aw, 1e-9 * a0)  # terms absent from an external prior
    delta = np.log((a + aw) / (n_a + a0 - a - aw)) - np.log((b + aw) / (n_b + a0 - b - aw))
    z = delta / np.sqrt(1 / (a + aw) + 1 / (b + aw))
    return delta, z, aw


def group_term_counts(turns: pd.DataFrame, by: str = "speaker") -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Term counts per group, as arrays over one alphabetical vocabulary: (vocab, {group: counts})."""
    per_group: dict[str, np.ndarray] = {}
    for key, texts in turns.groupby(by, sort=False).text:
        per_group[key] = _term_ids.many(texts)
    size = len(_term_ids.vocab)
    counts = {key: np.bincount(ids, minlength=size) for key, ids in per_group.items()}
    present = np.flatnonzero(sum(counts.values())) if counts else np.zeros(0, dtype=np.int64)
    vocab_all = np.array(_term_ids.vocab, dtype=object)
    order = present[np.argsort(vocab_all[present], kind="stable")] if len(present) else present
    vocab = vocab_all[order] if len(order) else np.array([], dtype=object)
    return vocab, {key: c[order].astype(float) for key, c in counts.items()}


DW_COLUMNS = ["comparison", "group", "term", "count", "count_other", "per_1k", "log_odds", "z", "rank"]


def distinctive_words(turns: pd.DataFrame, *, by: str = "speaker", groups: Sequence[str] | None = None,
                      against: str = "rest", prior_strength: float = 1.0, min_count: int = 3,
                      min_group_words: int = 50, max_terms: int | None = None,
                      counts: tuple[np.ndarray, dict[str, np.ndarray]] | None = None) -> pd.DataFrame:
    """Fightin' Words for each group (speaker, or role, …) against the rest of the turns given.

    Args:
        turns: turns to compare (e.g. only press and official turns for "press vs officials").
        by: the column that defines the groups.
        groups: the groups to score (default: every group with at least `min_group_words` words).
        against: label for the comparison, e.g. "rest" or "official".
        prior_strength: see `log_odds`; 1.0 by default.
        min_count: keep terms used at least this often in both groups together.
        min_group_words: skip groups with fewer words (too little speech to say anything).
        max_terms: keep at most this many of a group's highest-z, lowest-z and most frequent terms
            each (bounds the table on a large corpus); None keeps every term over `min_count`.
        counts: `group_term_counts(turns, by)`, when already computed.

    Returns:
        comparison ("<group> vs <against>"), group, term, count (in the group), count_other,
        per_1k (count per 1,000 of the group's words), log_odds, z, rank (1 = most distinctive of
        the group); both signs (negative z: the group avoids the term).
    """
    vocab, by_group = counts if counts is not None else group_term_counts(turns, by)
    if not by_group:
        return pd.DataFrame(columns=DW_COLUMNS)
    total = sum(by_group.values())
    sizes = {k: c.sum() for k, c in by_group.items()}
    if groups is None:
        groups = [k for k, n in sorted(sizes.items(), key=lambda kv: -kv[1]) if n >= min_group_words]
    frames = []
    for key in groups:
        if key not in by_group:
            raise TranscriptError(None, f"no turns with {by} = {key!r}",
                                  hint=f"Groups present: {', '.join(map(str, by_group))}")
        mine = by_group[key]
        rest = total - mine
        if rest.sum() <= 0 or mine.sum() <= 0:
            continue
        delta, z, _ = _log_odds_arrays(mine, rest, total, prior_strength)
        keep = np.flatnonzero(total >= min_count)
        keep = keep[np.lexsort((keep, -z[keep]))]  # z descending, then alphabetical
        rank = np.arange(1, len(keep) + 1)
        if max_terms is not None and len(keep) > 3 * max_terms:
            frequent = np.zeros(len(keep), dtype=bool)
            frequent[np.argsort(-total[keep], kind="stable")[:max_terms]] = True
            sel = (rank <= max_terms) | (rank > len(keep) - max_terms) | frequent
            keep, rank = keep[sel], rank[sel]
        n = sizes[key]
        frames.append(pd.DataFrame({
            "comparison": f"{key} vs {against}", "group": key, "term": vocab[keep], "count": mine[keep].astype(int),
            "count_other": rest[keep].astype(int), "per_1k": np.round(1000 * mine[keep] / n, 3),
            "log_odds": np.round(delta[keep], 4), "z": np.round(z[keep], 3), "rank": rank}))
    return pd.concat(frames, ignore_index=True)[DW_COLUMNS] if frames else pd.DataFrame(columns=DW_COLUMNS)


def press_vs_officials(turns: pd.DataFrame, **kwargs) -> pd.DataFrame:
    """Fightin' Words for the press against the officials (both sides: press vs official, official vs press)."""
    both = turns[turns.role.isin(["press", "official"])]
    if both.role.nunique() < 2:
        return pd.DataFrame(columns=DW_COLUMNS)
    counts = group_term_counts(both, "role")
    press = distinctive_words(both, by="role", groups=["press"], against="official", counts=counts, **kwargs)
    official = distinctive_words(both, by="role", groups=["official"], against="press", counts=counts, **kwargs)
    return pd.concat([press, official], ignore_index=True)


def top_terms(dw: pd.DataFrame, n: int = 15) -> pd.DataFrame:
    """The `n` most distinctive terms (highest z, positive only) of each comparison."""
    pos = dw[dw.z > 0]
    return pos.sort_values(["comparison", "rank"]).groupby("comparison", sort=False).head(n).reset_index(drop=True)


def keyword_in_context(sentences: pd.DataFrame, turns: pd.DataFrame, picks: pd.DataFrame, *,
                       by: str = "speaker", documents: pd.DataFrame | None = None, per_term: int = 3,
                       width: int = 60) -> pd.DataFrame:
    """Occurrences of each picked term in its group's sentences, with speaker, event and sentence.

    Args:
        sentences, turns: the processed tables.
        picks: rows with `group` and `term` (e.g. from `top_terms`); `group` is a value of `by`.
        by: the turns column the groups come from ("speaker" or "role").
        documents: when given, adds each event's date and title.
        per_term: at most this many occurrences per (group, term), from different events where
            there are several.
        width: characters of context on each side.

    Returns:
        group, term, doc_id, (event_date, title), turn_index, sentence_index, speaker, left,
        keyword, right, sentence.
    """
    cols = ["group", "term", "doc_id", "turn_index", "sentence_index", "speaker", "left", "keyword", "right",
            "sentence"]
    s = sentences.merge(turns[["doc_id", "turn_index", "speaker", "role"]], on=["doc_id", "turn_index"])
    s = s.sort_values(["doc_id", "turn_index", "sentence_index"])
    rows = []
    rows_of = s.groupby(by, sort=False).indices  # one pass, not one comparison of every row per group
    for group, wanted in picks.groupby("group", sort=False):
        want = list(dict.fromkeys(wanted.term))
        if not want:
            continue
        found = dict.fromkeys(want, 0)
        pattern = re.compile(r"(?<![\w'\-])(" + "|".join(re.escape(w) for w in sorted(want, key=len, reverse=True))
                             + r")(?![\w\-]|'\w)", re.IGNORECASE)
        mine = s.iloc[rows_of.get(group, [])]
        taken: set[tuple] = set()
        # First pass: at most one occurrence per term and event, so contexts spread over events;
        # second pass (one event, or few events): fill up to `per_term`.
        for per_doc in (1, per_term):
            per_term_doc: Counter = Counter()
            for rec in mine.itertuples(index=False):
                text = str(rec.text)
                for m in pattern.finditer(_straight(text)):
                    term = m.group(1).lower()
                    where = (term, rec.doc_id, rec.turn_index, rec.sentence_index, m.start())
                    if (found.get(term, per_term) >= per_term or per_term_doc[term, rec.doc_id] >= per_doc
                            or where in taken):
                        continue
                    found[term] += 1
                    per_term_doc[term, rec.doc_id] += 1
                    taken.add(where)
                    left = text[max(0, m.start() - width):m.start()]
                    right = text[m.end():m.end() + width]
                    rows.append(dict(group=group, term=term, doc_id=rec.doc_id, turn_index=rec.turn_index,
                                     sentence_index=rec.sentence_index, speaker=rec.speaker,
                                     left=("…" if m.start() > width else "") + left, keyword=text[m.start():m.end()],
                                     right=right + ("…" if m.end() + width < len(text) else ""), sentence=text))
                if all(v >= per_term for v in found.values()):
                    break
            if all(v >= per_term for v in found.values()):
                break
    out = pd.DataFrame(rows, columns=cols)
    if documents is not None:
        out = out.merge(documents[["doc_id", "event_date", "title"]], on="doc_id", how="left")
        out = out[cols[:3] + ["event_date", "title"] + cols[3:]]
    order = {(g, t): i for i, (g, t) in enumerate(zip(picks.group, picks.term))}
    return out.assign(_o=[order.get((g, t), 0) for g, t in zip(out.group, out.term)]).sort_values(
        ["_o", "doc_id", "turn_index", "sentence_index"], kind="stable").drop(columns="_o").reset_index(drop=True)
