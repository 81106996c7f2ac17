"""The speaker analyses over tables read a batch of whole documents at a time (`transcripts.scan`), for a
corpus whose turns and sentences (their text) are not held in memory: the same results as the functions
that take whole tables (`tone_by`, `marker_rates`' hits, `lexical_diversity`, `mentions`, `qa_pairs`,
`distinctive_words`, `press_vs_officials`, `keyword_in_context`), aggregated as the batches go by.

`turns` here is the turns table without its text (`Tables.lean("turns")` or a few of its columns): ids,
speakers, roles and counts, a few bytes a turn. What is kept between batches is per speaker (or per event
and speaker): sums, counts, the last words of each speaker for MATTR's windows, term counts.

Results are identical to the whole-table functions (tests compare them frame for frame): tone means are
summed in the order pandas sums them (Kahan's compensated sum, rows in the table's order), MATTR's windows
run over each speaker's words in event and turn order (documents read in the order of their ids), and the
keywords in context are searched in that order too.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from ... import percache
from ...errors import TranscriptError
from ...scan import (
    document_batches,
    identity,
    of_documents,
    per_document_parts,
    release_memory,
)
from .distinctive import (
    DW_COLUMNS,
    _choose_groups,
    _is_stop_word,
    _kwic_frame,
    _kwic_row,
    _sentence_codes,
    distinctive_words,
)
from .diversity import _mattr_ids, _window_total
from .floor import speaker_stats
from .markers import _HIT_COLUMNS, _document_hits, load_markers, marker_rates
from .mentions import _document_mentions, load_gazetteer, speaker_entities
from .qa import qa_pairs
from .tokens import _TermIds

TURN_KEYS = ["doc_id", "turn_index", "speaker", "role"]
#: The columns of `turns` these analyses (and `speaker_stats`, `monthly_activity`) read besides the text.
TURN_COLUMNS = ["doc_id", "turn_index", "speaker", "role", "addressee", "is_question", "n_words", "n_sentences"]


# ---------------------------------------------------------------- tone

def tone_totals(tables, turns: pd.DataFrame, *, cache_dir: str | Path | None = None,
                workers: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`tone_by(sentence_tone(sentences), turns, by=...)` per speaker and per event and speaker, from the
    sentences read a batch of documents at a time (each document's scores from the cache as `sentence_tone`
    keeps them): (by speaker, by doc_id and speaker)."""
    import vaderSentiment.vaderSentiment as vader

    from .tone import _document_tone

    key = percache.fingerprint(percache.code_fingerprint(), vader, getattr(vader, "__version__", ""))
    who = turns[TURN_KEYS]
    sums: dict = {}  # speaker -> [Kahan sum, compensation, sentences, positive, negative], in first-seen order
    events = []
    frames = document_batches(tables, "sentences", ["doc_id", "turn_index", "text"])
    batches = _with_parts(frames, lambda f: per_document_parts(
        (p[["doc_id", "text"]].astype({"text": str}) for p in f), _document_tone, name="tone", key=key,
        cache_dir=cache_dir, workers=workers, aligned=True))
    for part, scored in batches:
        df = part[["doc_id", "turn_index"]].assign(tone=scored["tone"].to_numpy(dtype=float))
        df = df.merge(who, on=["doc_id", "turn_index"], how="left")
        events.append(_tone_means(df, ["doc_id", "speaker"]))
        _kahan_update(sums, df)
    by_event = pd.concat(events, ignore_index=True) if events else _tone_means(pd.DataFrame(
        columns=["doc_id", "speaker", "tone"]).astype({"tone": float}), ["doc_id", "speaker"])
    speakers = list(sums)
    total = np.array([sums[s][0] for s in speakers], dtype=float)
    n = np.array([sums[s][2] for s in speakers], dtype=float)
    by_speaker = pd.DataFrame({"speaker": speakers,
                               "tone_mean": pd.Series(total / n).round(3) if speakers else [],
                               "share_positive": pd.Series(np.array([sums[s][3] for s in speakers]) / n).round(3)
                               if speakers else [],
                               "share_negative": pd.Series(np.array([sums[s][4] for s in speakers]) / n).round(3)
                               if speakers else []})
    return by_speaker, by_event


def _with_parts(frames, analyse):
    """(frame, result) pairs: each frame of `frames` with `analyse([frame])`'s one result (the per-document
    cache's pruning done once, after the last)."""
    pending: list[pd.DataFrame] = []

    def feed():
        for frame in frames:
            pending.append(frame)
            yield frame
    results = analyse(feed())
    for result in results:
        yield pending.pop(0), result


def _tone_means(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """`tone_by`'s computation on a frame of sentences with their tone and speaker."""
    df = df.assign(_pos=(df.tone >= 0.05).astype(float), _neg=(df.tone <= -0.05).astype(float))
    g = df.groupby(by, sort=False)
    return pd.DataFrame({"tone_mean": g.tone.mean().round(3), "share_positive": g._pos.mean().round(3),
                         "share_negative": g._neg.mean().round(3)}).reset_index()


def _kahan_update(sums: dict, df: pd.DataFrame) -> None:
    """Add each sentence's tone to its speaker's running sum as pandas' groupby mean adds them (Kahan's
    compensated sum, in row order), and count the sentences and the positive and negative ones."""
    df = df[df.speaker.notna()]
    for speaker, tone in zip(df.speaker.tolist(), df.tone.tolist()):
        s = sums.get(speaker)
        if s is None:
            s = sums[speaker] = [0.0, 0.0, 0, 0, 0]
        y = tone - s[1]
        t = s[0] + y
        s[1] = t - s[0] - y
        s[0] = t
        s[2] += 1
        s[3] += tone >= 0.05
        s[4] += tone <= -0.05


# ---------------------------------------------------------------- one pass over the turns' text

def marker_counts(tables, turns: pd.DataFrame, markers: pd.DataFrame | None = None, *,
                  cache_dir: str | Path | None = None, workers: int | None = None
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`marker_hits` summed as its users sum them: (phrases, hits) where phrases is (speaker, category, phrase,
    n) for `top_markers`, hits (doc_id, speaker, category, n) for `marker_rates` (per event, or per speaker:
    it sums them)."""
    markers = load_markers() if markers is None else markers
    pairs = list(zip(markers.phrase, markers.category))
    key = percache.fingerprint(percache.code_fingerprint(), repr(pairs))
    by_phrase, by_event = [], []
    if not markers.empty:
        frames = document_batches(tables, "turns", TURN_KEYS + ["text"])
        for hits in per_document_parts(frames, partial(_document_hits, pairs=pairs), name="marker_hits", key=key,
                                       cache_dir=cache_dir, workers=workers, columns=_HIT_COLUMNS):
            by_phrase.append(hits.groupby(["speaker", "category", "phrase"]).n.sum())
            by_event.append(hits.groupby(["doc_id", "speaker", "category"]).n.sum())
    return (_summed(by_phrase, ["speaker", "category", "phrase"]),
            _summed(by_event, ["doc_id", "speaker", "category"]))


def _summed(parts: list[pd.Series], keys: list[str]) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=[*keys, "n"])
    return pd.concat(parts).groupby(level=list(range(len(keys)))).sum().rename("n").reset_index()


def mention_counts(tables, turns: pd.DataFrame, gazetteer: pd.DataFrame | None = None, *,
                   cache_dir: str | Path | None = None, workers: int | None = None) -> pd.DataFrame:
    """`mentions(turns)` summed per speaker, entity and type (speaker, entity, type, n): what
    `mention_matrix`, `narrative.mentions_note` and `mentions.csv` read, the same numbers."""
    gaz = load_gazetteer() if gazetteer is None else gazetteer
    gaz = pd.concat([gaz, speaker_entities(turns, gaz)], ignore_index=True)
    cols = ["doc_id", "turn_index", "speaker", "role", "entity", "type", "n"]
    if gaz.empty or turns.empty:
        return pd.DataFrame(columns=["speaker", "entity", "type", "n"])
    rows = [tuple(r) for r in gaz[["entity", "type", "alias"]].itertuples(index=False)]
    key = percache.fingerprint(percache.code_fingerprint(), repr(rows))
    frames = document_batches(tables, "turns", TURN_KEYS + ["text"])
    parts = [found.groupby(["speaker", "entity", "type"]).n.sum()
             for found in per_document_parts(frames, partial(_document_mentions, gazetteer=rows), name="mentions",
                                             key=key, cache_dir=cache_dir, workers=workers, columns=cols)]
    return _summed(parts, ["speaker", "entity", "type"])


# ---------------------------------------------------------------- lexical diversity

class _StreamedMattr:
    """MATTR over a sequence given a part at a time: the sum of distinct tokens over every window so far,
    the number of tokens, and the last `window` tokens (all of them while there are no more)."""

    def __init__(self, window: int):
        self.window, self.total, self.n = window, 0, 0
        self.tail = np.zeros(0, dtype=np.int64)

    def add(self, ids: np.ndarray) -> None:
        if not len(ids):
            return
        # every window ending in the new part starts at most window - 1 tokens before it
        ext = np.concatenate([self.tail[len(self.tail) - min(len(self.tail), self.window - 1):], ids])
        self.total += _window_total(ext, self.window)
        self.n += len(ids)
        self.tail = ext[-self.window:]

    def value(self) -> float:
        if self.n == 0:
            return float("nan")
        if self.n <= self.window:
            return len(np.unique(self.tail)) / self.n
        return float(self.total) / (self.n - self.window + 1) / self.window


def lexical_diversity(tables, turns: pd.DataFrame, *, window: int = 50,
                      cache_dir: str | Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`lexical_diversity(turns, by=["speaker"])` and `(..., by=["doc_id", "speaker"])` from the turns read a
    batch of documents at a time, in the order of their ids: (by speaker, by doc_id and speaker). With
    `cache_dir`, kept until the turns (the build, or the rows of a filtered scope), the window or the code
    change."""
    def compute():
        return _diversity(tables, window)
    if cache_dir is None:
        return compute()
    key = percache.fingerprint(percache.code_fingerprint(),
                               identity(tables, "turns", ["doc_id", "turn_index", "speaker", "text"]), repr(window))
    return percache.memo("lexical_diversity_streamed", key, compute, cache_dir)


def _diversity(tables, window: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    ids_of = _TermIds(max_texts=1)  # a growing vocabulary; each turn's words found once, not remembered
    running: dict[str, _StreamedMattr] = {}
    events = []
    for part in document_batches(tables, "turns", ["doc_id", "turn_index", "speaker", "text"], order="doc_id"):
        part = part[part.speaker.notna()].sort_values(["doc_id", "turn_index"], kind="stable").reset_index(drop=True)
        ids = [ids_of(str(t)) for t in part.text]
        for (doc_id, speaker), rows in part.groupby(["doc_id", "speaker"], sort=False).indices.items():
            mine = _joined(ids, rows)
            events.append((doc_id, speaker, len(mine), _mattr_ids(mine, window), len(mine) < window))
        # each speaker's words in event and turn order: this batch's documents come after the earlier ones'
        for speaker, rows in part.groupby("speaker", sort=False).indices.items():
            running.setdefault(speaker, _StreamedMattr(window)).add(_joined(ids, rows))
    cols = ["n_terms", "mattr", "mattr_short"]
    by_speaker = pd.DataFrame([(s, m.n, m.value(), m.n < window) for s, m in running.items()],
                              columns=["speaker", *cols])
    by_event = pd.DataFrame(events, columns=["doc_id", "speaker", *cols])
    return by_speaker, by_event


def _joined(ids: list[np.ndarray], rows: np.ndarray) -> np.ndarray:
    return np.concatenate([ids[i] for i in rows]) if len(rows) else np.zeros(0, dtype=np.int32)


def speaker_profile(turns: pd.DataFrame, *, diversity: pd.DataFrame, hits: pd.DataFrame, tone: pd.DataFrame,
                    per_event: bool = False, markers: pd.DataFrame | None = None) -> pd.DataFrame:
    """`speaker_profile` from the streamed parts: `speaker_stats(turns)` (turns without their text) with
    `diversity` and `tone` (from `lexical_diversity` and `tone_totals`, the part matching `per_event`) and
    the marker rates of `hits` (from `marker_counts`: its per-event counts, summed per speaker unless
    `per_event`)."""
    keys = ["doc_id", "speaker"] if per_event else ["speaker"]
    out = speaker_stats(turns, per_event=per_event)
    div = diversity.drop(columns="n_terms")
    rates = marker_rates(turns, markers, by=keys, hits=hits).drop(columns="n_words")
    for part in (div, rates, tone):
        out = out.merge(part, on=keys, how="left")
    return out


# ---------------------------------------------------------------- questions and answers

def question_pairs(tables, *, text: bool = True) -> pd.DataFrame:
    """`qa_pairs` of every event of `tables` (a scope's `events`), read a batch of events at a time in the
    order of their ids. Without `text`, `question_text` is left empty (None): `question_text` and
    `write_question_pairs` read it again for the rows that show it."""
    used = ["doc_id", "turn_index", "speaker", "role", "addressee", "is_question", "n_words", "text", "stage_note"]
    parts = []
    part = pairs = None
    for part in document_batches(tables, "turns", used, order="doc_id"):
        pairs = qa_pairs(part)
        parts.append(pairs if text else pairs.assign(question_text=None))
    del part, pairs  # the last batch and its pairs, before the memory is given back
    found = [p for p in parts if len(p)]
    out = pd.concat(found, ignore_index=True) if found else parts[0] if parts else qa_pairs(pd.DataFrame(columns=used))
    del parts, found
    release_memory()
    return out


def question_text(tables, pairs: pd.DataFrame, *, rows: int | None = None) -> pd.DataFrame:
    """`pairs` (from `question_pairs(..., text=False)`) with the text of their questions, read from the turns
    of `tables` (a scope's `events`) for the first `rows` rows (all when None; the others stay None): what a
    table showing those rows needs."""
    head = pairs if rows is None else pairs.head(rows)
    found = _texts(of_documents(tables, "turns", head.doc_id, ["doc_id", "turn_index", "text"]), head)
    out = pairs.copy()
    out.loc[head.index, "question_text"] = found
    return out


def _texts(turns: pd.DataFrame, pairs: pd.DataFrame) -> list:
    """The text of each pair's question turn (doc_id, question_turn) among `turns`."""
    text = dict(zip(zip(turns.doc_id, turns.turn_index), turns.text))
    return [text.get((d, t)) for d, t in zip(pairs.doc_id, pairs.question_turn)]


def write_question_pairs(tables, pairs: pd.DataFrame, path: str | Path, *, xlsx_max_rows: int | None = None) -> None:
    """`write_csv(pairs with their question_text, path)`: the same file, the text read and written a batch of
    events at a time when the table is too long for an `.xlsx` copy (`pairs` as `question_pairs` orders them,
    by doc_id). Its nullable columns are ones Arrow would write differently, so each part is written as
    `write_csv` writes such a frame (pandas), the header once; a text holding a carriage return (pandas then
    quotes every text cell of the file) sends the table back to `write_csv` whole."""
    import csv

    from ... import csvout

    limit = csvout.XLSX_MAX_ROWS if xlsx_max_rows is None else xlsx_max_rows

    def parts():
        for turns in document_batches(tables, "turns", ["doc_id", "turn_index", "text"], order="doc_id"):
            mine = pairs[pairs.doc_id.isin(set(turns.doc_id))]
            if len(mine):
                yield mine.assign(question_text=_texts(turns, mine))

    path = Path(path)
    if len(pairs) > limit:
        tmp, whole = path.with_name(f".{path.name}.tmp"), True
        try:
            with open(tmp, "wb") as fh:
                for i, part in enumerate(parts()):
                    safe = csvout.guard_frame(part)
                    if csvout._holds_cr(safe):
                        whole = False
                        break
                    fh.write(safe.to_csv(index=False, header=i == 0, quoting=csv.QUOTE_MINIMAL).encode("utf-8"))
            if whole:
                tmp.replace(path)
                csvout.write_xlsx(pd.DataFrame(index=range(len(pairs))), path.with_suffix(".xlsx"), max_rows=limit)
                return
        finally:
            tmp.unlink(missing_ok=True)
    found = list(parts())
    csvout.write_csv(pd.concat(found, ignore_index=True) if found else pairs, path, xlsx_max_rows=limit)


# ---------------------------------------------------------------- distinctive words

def distinctive_words_streamed(tables, turns: pd.DataFrame, *, top: int | None = None,
                               groups: Sequence[str] | None = None, min_group_words: int = 50,
                               cache_dir: str | Path | None = None, **scoring) -> pd.DataFrame:
    """`distinctive_words(turns, by="speaker", top=..., groups=..., sentences=...)` with the words and word
    pairs counted a batch of documents at a time: only the scored speakers' counts and everyone's are kept."""
    args = dict(top=top, groups=groups, min_group_words=min_group_words, **scoring)
    return _memoised("distinctive_words_streamed", tables, args,
                     lambda: _distinctive(tables, turns, "speaker", args), cache_dir)


def press_vs_officials_streamed(tables, turns: pd.DataFrame, *, cache_dir: str | Path | None = None,
                                **scoring) -> pd.DataFrame:
    """`press_vs_officials(turns, sentences=...)` with the words and word pairs counted a batch at a time."""
    if turns[turns.role.isin(["press", "official"])].role.nunique() < 2:
        return pd.DataFrame(columns=DW_COLUMNS)
    return _memoised("press_vs_officials_streamed", tables, dict(scoring),
                     lambda: _distinctive(tables, turns, "role", dict(scoring)), cache_dir)


def _memoised(name: str, tables, args: dict, compute, cache_dir) -> pd.DataFrame:
    if cache_dir is None:
        return compute()
    from ..terms import load_stopwords, ngram_sizes

    rest = {**args, "stopwords": sorted(load_stopwords(args.get("stopwords"))),
            "ngrams": ngram_sizes(args.get("ngrams", 1))}
    turn_columns = ["doc_id", "turn_index", "speaker", "role", "n_words", "text"]
    key = percache.fingerprint(percache.code_fingerprint(), identity(tables, "turns", turn_columns),
                               identity(tables, "sentences", ["doc_id", "turn_index", "text"]),
                               repr(sorted(rest.items(), key=lambda kv: kv[0])))
    return percache.memo(name, key, compute, cache_dir)


_REST = "\0rest"  # every group not scored, summed: the totals stay those of every group


def _distinctive(tables, turns: pd.DataFrame, by: str, args: dict) -> pd.DataFrame:
    """The counts `distinctive_words` needs, made a batch at a time, then `distinctive_words` itself."""
    from ..terms import load_stopwords, ngram_sizes

    stops = load_stopwords(args.get("stopwords"))
    sizes = ngram_sizes(args.get("ngrams", 1))
    min_count = args.get("min_count", 3)
    if by == "role":
        turns = turns[turns.role.isin(["press", "official"])]
        chosen = ["press", "official"]
    else:
        words = turns.groupby(by, sort=False).n_words.sum()
        chosen = _choose_groups(turns, by, {k: float(v) for k, v in words.items()}, args.get("groups"),
                                args.get("top"), args.get("min_group_words", 50))
        for key in chosen:
            if key not in words.index:
                raise TranscriptError(None, f"no turns with {by} = {key!r}",
                                      hint=f"Groups present: {', '.join(map(str, words.index))}")
    group_of = turns[["doc_id", "turn_index", by]]
    counts = _term_counts(tables, group_of, by, chosen)
    ngram_counts = {n: _ngram_counts(tables, group_of, by, chosen, n, stops, min_count) for n in sizes if n > 1}
    score = {k: v for k, v in args.items() if k not in ("top", "groups", "min_group_words")}
    if by == "role":
        both = [distinctive_words(turns, by="role", groups=[g], against=a, counts=counts, ngram_counts=ngram_counts,
                                  **score) for g, a in (("press", "official"), ("official", "press"))]
        return pd.concat(both, ignore_index=True)
    return distinctive_words(turns, by=by, groups=chosen, counts=counts, ngram_counts=ngram_counts,
                             min_group_words=args.get("min_group_words", 50), **score)


class _Sparse:
    """Counts of integer codes, added a batch at a time: sorted codes and their counts."""

    def __init__(self):
        self.codes = np.zeros(0, dtype=np.int64)
        self.counts = np.zeros(0, dtype=np.int64)

    def add(self, codes: np.ndarray) -> None:
        if not len(codes):
            return
        found, k = np.unique(codes, return_counts=True)
        both = np.concatenate([self.codes, found])
        merged, inverse = np.unique(both, return_inverse=True)
        weights = np.concatenate([self.counts, k])
        self.counts = np.bincount(inverse, weights=weights, minlength=len(merged)).astype(np.int64)
        self.codes = merged

    def dense(self, codes: np.ndarray) -> np.ndarray:
        """The counts of `codes` (sorted, a superset of the codes seen) as floats, zeros where unseen."""
        out = np.zeros(len(codes))
        out[np.searchsorted(codes, self.codes)] = self.counts
        return out


def _groups_of(part: pd.DataFrame, group_of: pd.DataFrame, by: str) -> pd.DataFrame:
    return part.merge(group_of, on=["doc_id", "turn_index"])


def _term_counts(tables, group_of: pd.DataFrame, by: str, chosen: list[str]
                 ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """`group_term_counts(turns, by)` for the chosen groups and the rest summed ({group: counts, _REST:
    counts}); the same vocabulary (every term said by anyone), alphabetical."""
    ids_of = _TermIds(max_texts=1)
    counts = {key: _Sparse() for key in [*chosen, _REST]}
    for part in document_batches(tables, "turns", ["doc_id", "turn_index", "text"]):
        part = _groups_of(part, group_of, by)
        batch: dict[str, list[np.ndarray]] = {}
        for key, texts in part.groupby(by, sort=False).text:
            batch.setdefault(key if key in counts else _REST, []).append(ids_of.many(texts))
        for key, found in batch.items():  # one merge per kept group and batch
            counts[key].add(np.concatenate(found))
    codes = np.arange(len(ids_of.vocab))
    dense = {key: c.dense(codes) for key, c in counts.items()}
    present = np.flatnonzero(sum(dense.values()))
    vocab_all = np.array(ids_of.vocab, dtype=object)
    order = present[np.argsort(vocab_all[present], kind="stable")] if len(present) else present
    vocab = vocab_all[order] if len(order) else np.array([], dtype=object)
    return vocab, {key: c[order] for key, c in dense.items()}


def _ngram_counts(tables, group_of: pd.DataFrame, by: str, chosen: list[str], n: int, stopwords, min_count: int
                  ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """`group_ngram_counts` of the turns' sentences for the chosen groups and the rest summed, counted a
    batch of documents at a time (the same vocabulary, the rare n-grams in one entry as there)."""
    index: dict[str, int] = {}
    vocab: list[str] = []
    width = 21
    mask = (1 << width) - 1
    stop = np.zeros(0, dtype=bool)
    counts = {key: _Sparse() for key in [*chosen, _REST]}
    for part in document_batches(tables, "sentences", ["doc_id", "turn_index", "text"]):
        part = _groups_of(part, group_of, by)
        batch: dict[str, list[np.ndarray]] = {}
        for key, texts in part.groupby(by, sort=False).text:
            chunks = _sentence_codes(texts, n, width, lambda w: _word_id(w, index, vocab))
            if not chunks:
                continue
            code = np.concatenate(chunks)
            if stopwords:
                if len(stop) < len(vocab):
                    new = vocab[len(stop):]
                    stop = np.concatenate([stop, np.fromiter((_is_stop_word(w, stopwords) for w in new), dtype=bool,
                                                             count=len(new))])
                code = code[~stop[code >> (width * (n - 1))] & ~stop[code & mask]]
            batch.setdefault(key if key in counts else _REST, []).append(code)
        for key, found in batch.items():  # one merge per kept group and batch
            counts[key].add(np.concatenate(found))
    if len(index) >= 1 << width:
        raise TranscriptError(None, "too many distinct words to count n-grams", hint="Count fewer sentences")
    words = np.array(vocab, dtype=object)
    codes = np.unique(np.concatenate([c.codes for c in counts.values()]))
    dense = {key: c.dense(codes) for key, c in counts.items()}
    if min_count > 1 and len(codes):
        frequent = sum(dense.values()) >= min_count
        if not frequent.all():
            codes = np.concatenate([[-1], codes[frequent]])
            dense = {k: np.concatenate([[c[~frequent].sum()], c[frequent]]) for k, c in dense.items()}
    real = codes[codes >= 0]
    parts = [words[(real >> (width * (n - 1 - i))) & mask] for i in range(n)] if len(real) else []
    vocab = np.array(([""] if len(real) < len(codes) else []) + [" ".join(t) for t in zip(*parts)], dtype=object)
    order = np.argsort(vocab, kind="stable")
    return vocab[order], {key: c[order] for key, c in dense.items()}


def _word_id(word: str, index: dict[str, int], vocab: list[str]) -> int:
    i = index.get(word)
    if i is None:
        i = index[word] = len(vocab)
        vocab.append(word)
    return i


# ---------------------------------------------------------------- keywords in context

def keywords_in_context(tables, turns: pd.DataFrame, picks: pd.DataFrame, *, by: str = "speaker",
                        documents: pd.DataFrame | None = None, per_term: int = 3, width: int = 60) -> pd.DataFrame:
    """`keyword_in_context(sentences, turns, picks, ...)` with the sentences read a batch of documents at a
    time, in the order of their ids (the order that function searches them in): the same occurrences."""
    import re

    from .tokens import _straight

    cols = ["group", "term", "doc_id", "turn_index", "sentence_index", "speaker", "left", "keyword", "right",
            "sentence"]
    who = turns[TURN_KEYS]
    state = {}
    for group, wanted in picks.groupby("group", sort=False):
        want = list(dict.fromkeys(wanted.term))
        if not want:
            continue
        pattern = re.compile(r"(?<![\w'\-])(" + "|".join(re.escape(w) for w in sorted(want, key=len, reverse=True))
                             + r")(?![\w\-]|'\w)", re.IGNORECASE)
        state[group] = dict(found=dict.fromkeys(want, 0), pattern=pattern, taken=set(), rows=[[], []])

    def full(s) -> bool:
        return all(v >= per_term for v in s["found"].values())

    for stage, per_doc in enumerate((1, per_term)):
        active = [g for g, s in state.items() if not full(s)]
        if not active:
            break
        per_term_doc = {g: Counter() for g in active}
        for part in document_batches(tables, "sentences", ["doc_id", "turn_index", "sentence_index", "text"],
                                     order="doc_id"):
            s = part.merge(who, on=["doc_id", "turn_index"]).sort_values(["doc_id", "turn_index", "sentence_index"])
            rows_of = s.groupby(by, sort=False).indices
            for group in active:
                st = state[group]
                if full(st):
                    continue
                found, taken, pattern = st["found"], st["taken"], st["pattern"]
                for rec in s.iloc[rows_of.get(group, [])].itertuples(index=False):
                    text = str(rec.text)
                    for m in pattern.finditer(_straight(text)):
                        term = m.group(1).lower()
                        where = (term, rec.doc_id, rec.turn_index, rec.sentence_index, m.start())
                        if (found.get(term, per_term) >= per_term or per_term_doc[group][term, rec.doc_id] >= per_doc
                                or where in taken):
                            continue
                        found[term] += 1
                        per_term_doc[group][term, rec.doc_id] += 1
                        taken.add(where)
                        st["rows"][stage].append(_kwic_row(group, term, rec, text, m, width))
                    if full(st):
                        break
            if all(full(state[g]) for g in active):
                break
    rows = [r for st in state.values() for stage_rows in st["rows"] for r in stage_rows]
    return _kwic_frame(rows, cols, documents, picks)


__all__ = ["tone_totals", "marker_counts", "mention_counts", "lexical_diversity", "speaker_profile", "question_pairs",
           "question_text", "write_question_pairs", "distinctive_words_streamed", "press_vs_officials_streamed",
           "keywords_in_context", "TURN_COLUMNS"]
