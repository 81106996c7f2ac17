"""Distinctive words: which terms set a speaker (or a role) apart from the rest, by the weighted
log-odds ratio with an informative Dirichlet prior ("Fightin' Words"), the press against the
officials, each comparison's top terms, and those terms in context.

Terms are `tokens.terms`: words lower-cased, curly apostrophes made straight. With `stopwords`, the
function words of English and the fillers of spoken briefings (`transcripts.analysis.terms.load_stopwords`:
pronouns, articles, auxiliaries, "going", "thank") are left out before counting, and so are their
contractions ("we're", "that's", "don't"); with `ngrams=[1, 2]` pairs of words within a sentence
("supply chain") are scored too, each size against its own totals, as `Corpus.keyness` does.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

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


DW_COLUMNS = ["comparison", "group", "term", "count", "count_other", "per_1k", "log_odds", "z", "rank", "n"]

#: The endings of English contractions: "we're" is "we" + "re", "don't" is "don" + "t".
_CONTRACTION_ENDINGS = frozenset({"s", "re", "ve", "ll", "d", "m", "t"})


def is_stop_term(term: str, stopwords: frozenset[str] | set[str]) -> bool:
    """True when a term is a stop word, a contraction of one ("we're", "that's", "don't",
    "shouldn't"), a lone letter ("U.S." gives "u" and "s"), or an n-gram that starts or ends with one (textacy's convention, as
    `transcripts.analysis.terms.ngrams`: "secretary of state" stays, "the supply" goes).

    >>> stops = frozenset({"we", "that", "do", "the", "of", "should"})
    >>> [is_stop_term(t, stops) for t in ["we're", "that's", "don't", "shouldn't", "russia's", "students'",
    ...                                   "supply", "the supply", "supply of", "secretary of state", "u s"]]
    [True, True, True, True, False, False, False, True, True, False, True]
    """
    if not stopwords:
        return False
    words = term.split(" ")
    return _is_stop_word(words[0], stopwords) or (len(words) > 1 and _is_stop_word(words[-1], stopwords))


def _is_stop_word(word: str, stopwords: frozenset[str] | set[str]) -> bool:
    if word in stopwords or (len(word) == 1 and word.isalpha()):  # a lone letter: "U.S." gives "u", "s"
        return True
    base, sep, ending = word.rpartition("'")
    if not sep or not base or ending not in _CONTRACTION_ENDINGS:
        return False
    return base in stopwords or (ending == "t" and base.endswith("n") and base[:-1] in stopwords)


def group_ngram_counts(sentences: pd.DataFrame, n: int, by: str = "speaker",
                       stopwords: frozenset[str] | set[str] = frozenset(), min_count: int = 1
                       ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Counts of the n-grams of each group's sentences (never across a sentence), as arrays over one
    vocabulary of n-grams: (vocab, {group: counts}). N-grams that start or end with a stop word are
    left out (`is_stop_term`). `vocab` holds the n-grams' text ("supply chain"); n-grams seen fewer
    than `min_count` times in all groups together share one entry, the empty string, so that the
    totals (and the log-odds of the others) are as with every n-gram listed, without writing out
    millions of rare ones.

    >>> s = pd.DataFrame({"speaker": ["A", "A", "B"], "text": ["The supply chain.", "Supply chain issues", "the chain"]})
    >>> vocab, counts = group_ngram_counts(s, 2, stopwords={"the"})
    >>> list(vocab), counts["A"].tolist(), counts["B"].tolist()
    (['chain issues', 'supply chain'], [1.0, 2.0], [0.0, 0.0])
    """
    if not 1 <= n <= 3:
        raise TranscriptError(None, f"n-grams of {n} words are not counted", hint="Use 1, 2 or 3")
    index: dict[str, int] = {}
    width = 21  # bits per word id in an n-gram's code (2 million distinct words)
    by_group: dict[str, np.ndarray] = {}
    for key, texts in sentences.groupby(by, sort=False).text:
        chunks = _sentence_codes(texts, n, width, lambda w: index.setdefault(w, len(index)))
        by_group[key] = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int64)
    if len(index) >= 1 << width:
        raise TranscriptError(None, "too many distinct words to count n-grams", hint="Count fewer sentences")
    words = np.array(list(index), dtype=object)
    if stopwords and len(words):
        stop = np.fromiter((_is_stop_word(w, stopwords) for w in words), dtype=bool, count=len(words))
        mask = (1 << width) - 1
        for key, code in by_group.items():
            by_group[key] = code[~stop[code >> (width * (n - 1))] & ~stop[code & mask]]
    codes = np.unique(np.concatenate(list(by_group.values()))) if by_group else np.zeros(0, dtype=np.int64)
    counts = {}
    for key, code in by_group.items():
        found, k = np.unique(code, return_counts=True)
        c = np.zeros(len(codes))
        c[np.searchsorted(codes, found)] = k
        counts[key] = c
    if min_count > 1 and len(codes):
        frequent = sum(counts.values()) >= min_count
        if not frequent.all():
            codes = np.concatenate([[-1], codes[frequent]])
            counts = {k: np.concatenate([[c[~frequent].sum()], c[frequent]]) for k, c in counts.items()}
    real = codes[codes >= 0]
    parts = [words[(real >> (width * (n - 1 - i))) & ((1 << width) - 1)] for i in range(n)] if len(real) else []
    vocab = np.array(([""] if len(real) < len(codes) else []) + [" ".join(t) for t in zip(*parts)], dtype=object)
    order = np.argsort(vocab, kind="stable")
    return vocab[order], {key: c[order] for key, c in counts.items()}


def distinctive_words(turns: pd.DataFrame, *, by: str = "speaker", groups: Sequence[str] | None = None,
                      top: int | None = None, against: str = "rest", prior_strength: float = 1.0,
                      min_count: int = 3, min_group_words: int = 50, max_terms: int | None = None,
                      stopwords: bool | str | Iterable[str] | None = None, ngrams: int | Sequence[int] = 1,
                      sentences: pd.DataFrame | None = None,
                      counts: tuple[np.ndarray, dict[str, np.ndarray]] | None = None,
                      ngram_counts: dict[int, tuple[np.ndarray, dict[str, np.ndarray]]] | None = None,
                      cache_dir: str | Path | None = None) -> pd.DataFrame:
    """Fightin' Words for each group (speaker, or role, …) against the rest of the turns given.

    Args:
        turns: turns to compare (e.g. only press and official turns for "press vs officials").
        by: the column that defines the groups.
        groups: the groups to score. Default: every group with at least `min_group_words` words, or,
            with `top`, none besides the top ones.
        top: also score the `top` groups with most words among those that name a person (speakers
            such as "Press" or "Senior Administration Official", and press turns, left out).
        against: label for the comparison, e.g. "rest" or "official".
        prior_strength: see `log_odds`; 1.0 by default.
        min_count: keep terms used at least this often in both groups together.
        min_group_words: skip groups with fewer words (too little speech to say anything).
        max_terms: keep at most this many of a group's highest-z, lowest-z and most frequent terms
            (of each n-gram size) each (bounds the table on a large corpus); None keeps every term
            over `min_count`.
        stopwords: None or False: every word counts; True: the shipped stop words
            (`transcripts.analysis.terms.load_stopwords`), their contractions too (`is_stop_term`),
            are left out before counting; a file or a list of words: those.
        ngrams: 1, or the n-gram sizes to score, such as [1, 2]: each size is scored against its own
            totals (n-grams are counted within sentences, so 2 or 3 needs `sentences`).
        sentences: the `sentences` table (doc_id, turn_index, text), for n-grams of 2 or 3 words.
        counts: `group_term_counts(turns, by)`, when already computed (single words).
        ngram_counts: `group_ngram_counts` of these turns' sentences for each n-gram size over 1, when
            already computed (as `_ngram_tables` gives them).
        cache_dir: where to keep the result (the build's `.cache` folder) until the turns, the sentences,
            the stop words, an argument or this code change (not used with `counts` or `ngram_counts`).

    Returns:
        comparison ("<group> vs <against>"), group, term, count (in the group), count_other,
        per_1k (count per 1,000 of the group's words, stop words included), log_odds, z, rank (1 = most
        distinctive of the group, over every size), n (words in the term); both signs (negative z:
        the group avoids the term).
    """
    from ..terms import load_stopwords, ngram_sizes

    sizes = ngram_sizes(ngrams)
    stops = load_stopwords(stopwords)
    if cache_dir is not None and counts is None and ngram_counts is None:
        args = dict(by=by, groups=groups, top=top, against=against, prior_strength=prior_strength,
                    min_count=min_count, min_group_words=min_group_words, max_terms=max_terms, stopwords=stops,
                    ngrams=sizes, sentences=sentences)
        return _memo("distinctive_words", turns, args, lambda: distinctive_words(turns, **args), cache_dir)
    words = turns.groupby(by, sort=False).n_words.sum() if "n_words" in turns else None
    vocab1, by_group1 = counts if counts is not None else group_term_counts(turns, by)
    if not by_group1:
        return pd.DataFrame(columns=DW_COLUMNS)
    sizes_words = {k: (float(words[k]) if words is not None and k in words else float(c.sum()))
                   for k, c in by_group1.items()}
    groups = _choose_groups(turns, by, sizes_words, groups, top, min_group_words)
    tables: dict[int, tuple[np.ndarray, dict[str, np.ndarray]]] = {}
    if 1 in sizes:
        keep = (np.fromiter((not _is_stop_word(w, stops) for w in vocab1), dtype=bool, count=len(vocab1))
                if stops else np.ones(len(vocab1), dtype=bool))
        tables[1] = vocab1[keep], {k: c[keep] for k, c in by_group1.items()}
    if any(n > 1 for n in sizes):
        tables.update(ngram_counts if ngram_counts is not None
                      else _ngram_tables(turns, by, sizes, stops, min_count, sentences))
    frames = []
    for key in groups:
        if key not in by_group1:
            raise TranscriptError(None, f"no turns with {by} = {key!r}",
                                  hint=f"Groups present: {', '.join(map(str, by_group1))}")
        parts = []
        for n, (vocab, by_group) in tables.items():
            mine = by_group.get(key)
            if mine is None or not len(vocab):
                continue
            total = sum(by_group.values())
            rest = total - mine
            if rest.sum() <= 0 or mine.sum() <= 0:
                continue
            delta, z, _ = _log_odds_arrays(mine, rest, total, prior_strength)
            keep = np.flatnonzero((total >= min_count) & (vocab != ""))
            parts.append(pd.DataFrame({
                "term": vocab[keep], "count": mine[keep].astype(int), "count_other": rest[keep].astype(int),
                "per_1k": np.round(1000 * mine[keep] / sizes_words[key], 3), "log_odds": np.round(delta[keep], 4),
                "z": np.round(z[keep], 3), "n": n, "_z": z[keep], "_total": total[keep]}))
        if not parts:
            continue
        df = pd.concat(parts, ignore_index=True)
        df = df.sort_values(["_z", "n", "term"], ascending=[False, True, True], kind="stable", ignore_index=True)
        df["rank"] = np.arange(1, len(df) + 1)
        if max_terms is not None:  # per size: the highest-z, lowest-z and most frequent terms
            by_size = df.groupby("n")
            place = by_size.cumcount()
            frequent = by_size._total.rank(method="first", ascending=False) <= max_terms
            df = df[(place < max_terms) | (place >= by_size.term.transform("size") - max_terms) | frequent]
        df.insert(0, "comparison", f"{key} vs {against}")
        df.insert(1, "group", key)
        frames.append(df.drop(columns=["_z", "_total"]))
    return pd.concat(frames, ignore_index=True)[DW_COLUMNS] if frames else pd.DataFrame(columns=DW_COLUMNS)


def _choose_groups(turns: pd.DataFrame, by: str, words: dict[str, float], groups: Sequence[str] | None,
                   top: int | None, min_group_words: int) -> list[str]:
    """The groups `distinctive_words` scores: the `top` people with most words, then the named ones."""
    if top is None:
        if groups is not None:
            return list(groups)
        return [k for k, n in sorted(words.items(), key=lambda kv: -kv[1]) if n >= min_group_words]
    from .mentions import is_generic
    roles = (turns.groupby(by).role.agg(lambda r: r.value_counts().index[0])
             if "role" in turns and by != "role" else pd.Series(dtype=object))
    people = [k for k, n in sorted(words.items(), key=lambda kv: (-kv[1], str(kv[0])))
              if n >= min_group_words and not is_generic(str(k)) and roles.get(k) != "press"]
    return list(dict.fromkeys([*people[:top], *(groups or [])]))


def press_vs_officials(turns: pd.DataFrame, *, cache_dir: str | Path | None = None, **kwargs) -> pd.DataFrame:
    """Fightin' Words for the press against the officials (both sides: press vs official, official vs press).

    The words and n-grams of each side are counted once for both comparisons; with `cache_dir`, the result
    is kept as `distinctive_words` keeps its own.
    """
    from ..terms import load_stopwords, ngram_sizes

    both = turns[turns.role.isin(["press", "official"])]
    if both.role.nunique() < 2:
        return pd.DataFrame(columns=DW_COLUMNS)
    if cache_dir is not None:
        args = {**kwargs, "stopwords": load_stopwords(kwargs.get("stopwords")),
                "ngrams": ngram_sizes(kwargs.get("ngrams", 1))}
        return _memo("press_vs_officials", both, args, lambda: press_vs_officials(both, **args), cache_dir)
    counts = group_term_counts(both, "role")
    sizes = ngram_sizes(kwargs.get("ngrams", 1))
    ngram_counts = (_ngram_tables(both, "role", sizes, load_stopwords(kwargs.get("stopwords")),
                                  kwargs.get("min_count", 3), kwargs.get("sentences"))
                    if any(n > 1 for n in sizes) else None)
    press = distinctive_words(both, by="role", groups=["press"], against="official", counts=counts,
                              ngram_counts=ngram_counts, **kwargs)
    official = distinctive_words(both, by="role", groups=["official"], against="press", counts=counts,
                                 ngram_counts=ngram_counts, **kwargs)
    return pd.concat([press, official], ignore_index=True)


def _ngram_tables(turns: pd.DataFrame, by: str, sizes: Sequence[int], stops: frozenset[str], min_count: int,
                  sentences: pd.DataFrame | None) -> dict[int, tuple[np.ndarray, dict[str, np.ndarray]]]:
    """`group_ngram_counts` of the turns' sentences for each size over 1."""
    tables = {}
    for n in sizes:
        if n == 1:
            continue
        if sentences is None:
            raise TranscriptError(None, f"distinctive {n}-grams need the sentences table",
                                  hint="Pass sentences=tables['sentences'] (n-grams never cross a sentence)")
        s = sentences[["doc_id", "turn_index", "text"]].merge(turns[["doc_id", "turn_index", by]],
                                                               on=["doc_id", "turn_index"])
        tables[n] = group_ngram_counts(s, n, by, stops, min_count)
    return tables


def _memo(name: str, turns: pd.DataFrame, args: dict, compute, cache_dir: str | Path) -> pd.DataFrame:
    """`compute()`, kept in `cache_dir` under a key of the turns' words and groups, the sentences' words (when
    `args` holds them), every other argument and this package's code."""
    from ... import percache

    by = args.get("by", "role")
    cols = list(dict.fromkeys(c for c in ["doc_id", "turn_index", by, "role", "n_words", "text"] if c in turns))
    sentences = args.get("sentences")
    sent_key = (percache.frame_hash(sentences[["doc_id", "turn_index", "text"]])
                if sentences is not None and any(n > 1 for n in args.get("ngrams", (1,))) else "")
    rest = {k: (sorted(v) if isinstance(v, frozenset) else v) for k, v in args.items() if k != "sentences"}
    key = percache.fingerprint(percache.code_fingerprint(), percache.frame_hash(turns[cols]), sent_key,
                               repr(sorted(rest.items(), key=lambda kv: kv[0])))
    return percache.memo(name, key, compute, cache_dir)


def top_terms(dw: pd.DataFrame, n: int = 15, *, stopwords: bool | str | Iterable[str] | None = None,
              within: float | None = 0.8) -> pd.DataFrame:
    """The `n` most distinctive terms (highest z, positive only) of each comparison.

    With `stopwords` (as `distinctive_words` takes it), stop words and their contractions are passed
    over, so a chart shows content words even when the table was scored with every word. A word that
    the group says mostly inside one pair of words (at least `within` of its uses: "white" in "white
    house") is passed over too, the pair standing for it.

    >>> dw = pd.DataFrame({"comparison": "A vs rest", "term": ["we're", "white", "treaty", "the", "white house", "house"],
    ...                    "count": [50, 10, 8, 90, 9, 12], "z": [9.0, 6.0, 5.0, 4.0, 3.0, 2.0], "rank": range(1, 7)})
    >>> top_terms(dw, 3).term.tolist(), top_terms(dw, 3, stopwords=True).term.tolist()
    (["we're", 'treaty', 'the'], ['treaty', 'white house', 'house'])
    """
    pos = dw[dw.z > 0]
    if stopwords:
        from ..terms import load_stopwords
        stops = load_stopwords(stopwords)
        pos = pos[~pos.term.map(lambda t: is_stop_term(str(t), stops)).astype(bool)]  # bool even when empty
    if within is not None and "count" in pos and len(pos):
        pos = pos[~_inside_pairs(pos, dw, within)]
    return pos.sort_values(["comparison", "rank"]).groupby("comparison", sort=False).head(n).reset_index(drop=True)


def _inside_pairs(rows: pd.DataFrame, dw: pd.DataFrame, within: float) -> pd.Series:
    """For each single word of `rows`, whether its group says it mostly (`within`) inside one of the
    pairs of words `dw` scores for that comparison."""
    out = pd.Series(False, index=rows.index)
    terms = dw.term.astype(str)
    pairs = dw[terms.str.count(" ") == 1]
    if pairs.empty:
        return out
    best: dict[tuple[str, str], int] = {}
    for comp, term, count in zip(pairs.comparison, pairs.term, pairs["count"]):
        for word in str(term).split(" "):
            best[comp, word] = max(best.get((comp, word), 0), int(count))
    single = ~rows.term.astype(str).str.contains(" ")
    return pd.Series([bool(s) and c > 0 and best.get((comp, str(t)), 0) >= within * c
                      for s, comp, t, c in zip(single, rows.comparison, rows.term, rows["count"])], index=rows.index)


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
                    rows.append(_kwic_row(group, term, rec, text, m, width))
                if all(v >= per_term for v in found.values()):
                    break
            if all(v >= per_term for v in found.values()):
                break
    return _kwic_frame(rows, cols, documents, picks)


def _sentence_codes(texts, n: int, width: int, word_id) -> list[np.ndarray]:
    """The n-gram codes (`_ngram_codes`) of each text with at least `n` words, `word_id` numbering the words."""
    chunks = []
    for text in texts:
        toks = terms(str(text))
        if len(toks) >= n:
            chunks.append(_ngram_codes(np.fromiter((word_id(w) for w in toks), dtype=np.int64, count=len(toks)), n, width))
    return chunks


def _ngram_codes(ids: np.ndarray, n: int, width: int) -> np.ndarray:
    """Each n-gram of a sentence's word ids as one integer (`width` bits per word, the first word highest).

    >>> _ngram_codes(np.array([1, 2, 3]), 2, 4).tolist()  # (1, 2) -> 1*16 + 2, (2, 3) -> 2*16 + 3
    [18, 35]
    """
    code = ids[: len(ids) - n + 1].copy()
    for i in range(1, n):
        code = (code << width) | ids[i: len(ids) - n + 1 + i]
    return code


def _kwic_row(group, term: str, rec, text: str, m, width: int) -> dict:
    """One keyword-in-context row: the match `m` of `term` in a sentence `text` of `rec` (doc_id, turn_index,
    sentence_index, speaker), with `width` characters either side ("…" where cut)."""
    left = text[max(0, m.start() - width):m.start()]
    right = text[m.end():m.end() + width]
    return dict(group=group, term=term, doc_id=rec.doc_id, turn_index=rec.turn_index,
                sentence_index=rec.sentence_index, speaker=rec.speaker,
                left=("…" if m.start() > width else "") + left, keyword=text[m.start():m.end()],
                right=right + ("…" if m.end() + width < len(text) else ""), sentence=text)


def _kwic_frame(rows: list[dict], cols: list[str], documents, picks) -> pd.DataFrame:
    """The keyword-in-context rows as a frame (with each event's date and title when `documents` is given), in
    the order of `picks` (group, term), then by position in the corpus."""
    out = pd.DataFrame(rows, columns=cols)
    if documents is not None:
        out = out.merge(documents[["doc_id", "event_date", "title"]], on="doc_id", how="left")
        out = out[cols[:3] + ["event_date", "title"] + cols[3:]]
    order = {(g, t): i for i, (g, t) in enumerate(zip(picks.group, picks.term))}
    return out.assign(_o=[order.get((g, t), 0) for g, t in zip(out.group, out.term)]).sort_values(
        ["_o", "doc_id", "turn_index", "sentence_index"], kind="stable").drop(columns="_o").reset_index(drop=True)
