"""Notebook 03's analyses over a corpus too large to hold: the events in scope read a group of whole
documents at a time (`corpus.Tables.document_groups`), each group tagged (through the per-document cache),
its questions compared with their answers and its counts added up; the tags and the question/answer rows
set aside on disk (`DocumentSpill`) and read back a part at a time, in the order the whole-table functions
give them (by `doc_id`). The results are those of `tag_sentences`, `topic_summary`, `qa_topic_shift`,
`topic_timeline` and `discover_themes` on the whole tables (tests compare them frame for frame); only the
counts, a few rows and one position per pooled sentence are held.
"""
from __future__ import annotations

import pickle
import tempfile
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from .flow import SHIFTS, pick_event, qa_topic_shift, shift_counts
from .lexicon import Lexicon, default_lexicon
from .tagging import TopicCounts, tag_sentences
from .themes import pool_positions, pool_topics, themes_of_pool
from .timeline import timeline_counts, timeline_from_counts

KEYS = ["doc_id", "turn_index", "sentence_index"]
#: Sentences a group of documents holds (about): the text of this many is in memory at a time.
GROUP_ROWS = 50_000
#: Rows of a table shown on a page at most (`display.MAX_ROWS`): the first ones are kept with their text.
HEAD_ROWS = 15


class DocumentSpill:
    """Frames of whole documents set aside on disk (one pickle a part, in a temporary folder removed with
    the object), read back a part at a time in any order of documents: `frames()` in `doc_id` order (the
    order of `tag_sentences` and `qa_topic_shift`), `of_documents(ids)`, `len()` the rows in all."""

    def __init__(self):
        self._dir: tempfile.TemporaryDirectory | None = None
        self._parts: list[Path] = []
        self.index: dict[str, tuple[int, int, int]] = {}  # doc_id → (part, first row, row after the last)
        self.empty: pd.DataFrame | None = None  # no row, the columns and dtypes of the parts
        self._n = 0
        self._cache: OrderedDict[int, pd.DataFrame] = OrderedDict()
        self.canon: dict = {}  # doc_id → the string to keep as the index's key (see `tag_scope`)

    def add(self, frame: pd.DataFrame) -> None:
        """One part: whole documents, each in one run of rows, none of them given before."""
        if self.empty is None:
            self.empty = frame.iloc[:0].copy(deep=True)
        if frame.empty:
            return
        frame = frame.reset_index(drop=True)
        docs = frame.doc_id.to_numpy()
        starts = np.flatnonzero(np.r_[True, docs[1:] != docs[:-1]])
        stops = np.r_[starts[1:], len(frame)]
        i = len(self._parts)
        for start, stop in zip(starts, stops):
            doc = docs[start]
            if doc in self.index:
                raise ValueError(f"document {doc!r} given twice (or not in one run of rows)")
            self.index[self.canon.get(doc, doc)] = (i, int(start), int(stop))
        if self._dir is None:
            self._dir = tempfile.TemporaryDirectory(prefix="transcripts_topics_")
        path = Path(self._dir.name) / f"{i}.pkl"
        path.write_bytes(pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL))
        self._parts.append(path)
        self._n += len(frame)

    def __len__(self) -> int:
        return self._n

    def _part(self, i: int) -> pd.DataFrame:
        if i not in self._cache:
            self._cache[i] = pickle.loads(self._parts[i].read_bytes())
            while len(self._cache) > 2:
                self._cache.popitem(last=False)
        self._cache.move_to_end(i)
        return self._cache[i]

    def _template(self) -> pd.DataFrame:
        return self.empty if self.empty is not None else pd.DataFrame()

    def frames(self, doc_ids: Iterable[str] | None = None, rows: int = 20_000) -> Iterator[pd.DataFrame]:
        """The rows of these documents (default: every one, by `doc_id`), about `rows` at a time; one frame
        without rows when there is none."""
        order = sorted(self.index) if doc_ids is None else [d for d in doc_ids if d in self.index]
        chunk, n, given = [], 0, False
        for doc in order:
            i, start, stop = self.index[doc]
            chunk.append(self._part(i).iloc[start:stop])
            n += stop - start
            if n >= rows:
                yield pd.concat(chunk, ignore_index=True)
                chunk, n, given = [], 0, True
        if chunk:
            yield pd.concat(chunk, ignore_index=True)
        elif not given:
            yield self._template()

    def of_documents(self, doc_ids: Iterable[str]) -> pd.DataFrame:
        """The rows of these documents, in that order."""
        return pd.concat(list(self.frames(doc_ids, rows=1 << 62)), ignore_index=True)

    def head(self, n: int) -> pd.DataFrame:
        """The first `n` rows, in `doc_id` order."""
        return next(self.frames(rows=n)).head(n)

    def write_csv(self, path: str | Path) -> None:
        """`csvout.write_csv` of every row, in `doc_id` order, written a part at a time (the same file)."""
        from ...csvout import write_csv_parts
        write_csv_parts(lambda: self.frames(), path, rows=len(self))


class ScopeTopics:
    """What `tag_scope` found in the events in scope; see there."""

    def __init__(self):
        self.event_tags = DocumentSpill()
        self.tags = self.event_tags
        self.qa = DocumentSpill()
        self.counts = TopicCounts()
        self.n_sentences = 0
        self.n_tagged = 0
        self._doc_counts: list[pd.DataFrame] = []
        self._topic_counts: list[pd.DataFrame] = []
        self._questions: list[pd.DataFrame] = []
        self._shifts: list[pd.Series] = []
        self.speakers: list = []
        self._head: pd.DataFrame | None = None

    @property
    def n_tags(self) -> int:
        return len(self.tags)

    @property
    def qa_events(self) -> int:
        """Events with a question in `qa`."""
        return len(self.qa.index)

    def summary(self, lexicon: Lexicon | None = None) -> pd.DataFrame:
        """`topic_summary` of the tags of the turns chosen."""
        return self.counts.summary(self.n_sentences, lexicon)

    def head_with_text(self) -> pd.DataFrame:
        """The first tags (`HEAD_ROWS`, in `doc_id` order) with their sentences: the first rows of
        `sentence_topics.merge(sentences, on=KEYS)`."""
        return (self._head if self._head is not None else pd.DataFrame(columns=KEYS)).reset_index(drop=True)

    def shift_counts(self) -> pd.DataFrame:
        """`shift_counts` of the question/answer rows."""
        shifts = pd.concat(self._shifts, ignore_index=True) if self._shifts else pd.Series([], dtype=object)
        return shift_counts(pd.DataFrame({"shift": shifts}))

    def pick_event(self, documents: pd.DataFrame, doc_id: str | None = None) -> str:
        """`pick_event` (the event with most questions, or `doc_id`, checked)."""
        questions = (pd.concat(self._questions, ignore_index=True) if self._questions
                     else pd.DataFrame({"doc_id": pd.Series([], dtype=object), "is_question": pd.Series([], dtype="int64")}))
        return pick_event({"documents": documents, "turns": questions}, doc_id)

    def timeline(self, documents: pd.DataFrame, *, freq: str = "month", lexicon: Lexicon | None = None) -> pd.DataFrame:
        """`topic_timeline` of the sentences and tags of the turns chosen."""
        docs = (pd.concat(self._doc_counts, ignore_index=True) if self._doc_counts else
                pd.DataFrame({"doc_id": pd.Series([], dtype=object), "n_sentences": pd.Series([], dtype="int64"),
                              "n_words": pd.Series([], dtype="int64")}))
        tags = (pd.concat(self._topic_counts, ignore_index=True) if self._topic_counts else
                pd.DataFrame({"doc_id": pd.Series([], dtype=object), "topic": pd.Series([], dtype=object),
                              "n_sentences": pd.Series([], dtype="int64"), "n_matches": pd.Series([], dtype="int64")}))
        return timeline_from_counts(documents, docs, tags, freq=freq, lexicon=lexicon)


def tag_scope(in_scope, lexicon: Lexicon | None = None, *, min_matches: int = 1, cache_dir: str | Path | None = None,
              progress: bool = False, workers: int | None = None, rows: int = GROUP_ROWS) -> ScopeTopics:
    """Every sentence of the events in scope tagged (`tag_sentences`, with its cache), a group of whole
    documents at a time, and what notebook 03 shows of them, without holding the sentences or the turns:

    - `event_tags`: the tags of every sentence of the events (a `DocumentSpill`); `tags`: those of the turns
      chosen (`Scope.involving`; the same when no speaker or role is chosen);
    - `qa`: `qa_topic_shift` of the events' turns, the rows a chosen turn takes part in; `shift_counts()`,
      `qa_events`;
    - `summary()` (`topic_summary`), `n_sentences`, `n_tagged` (sentences with a tag), `n_tags`,
      `head_with_text()`, `timeline(documents, freq=...)`, `pick_event(documents, doc_id)`, and `speakers`
      (every speaker of the events, in order of first turn).

    Args:
        in_scope: a `corpus.Scope` (its `events` and `tables`: lazy tables of a processed folder, or frames).
        rows: about this many sentences a group.
    """
    from ... import percache
    from ...progress import tqdm

    lexicon = lexicon or default_lexicon()
    out = ScopeTopics()
    _release_memory_between_groups()
    by_turn = in_scope.filter.by_turn
    if by_turn:
        out.tags = DocumentSpill()
    chosen_sentences = in_scope.tables["sentences"] if by_turn else None  # a filtered scope: small, in memory
    turn_cols = ["doc_id", "turn_index", "speaker", "role", "addressee", "is_question", "n_words", "text"]
    turn_cols = [c for c in turn_cols if c in _columns(in_scope.events, "turns")]
    n_docs = 0
    speakers: dict = {}
    # What is kept from one group to the next names documents and topics by the strings read before the
    # first group (the documents table, the lexicon), never by strings read with a group: one string kept
    # among a group's many freed ones would keep their memory from going back (see `_keep`).
    canon = {d: d for d in in_scope.events["documents"].doc_id}
    canon.update({t: t for t in lexicon.ids})
    out.event_tags.canon = out.qa.canon = out.tags.canon = canon
    bar = tqdm(total=_rows(in_scope.events, "sentences"), desc="Tagging sentences", unit="sentence",
               disable=not progress)
    for group in _groups(in_scope.events, {"sentences": None, "turns": turn_cols}, rows):
        sents, turns = group["sentences"], group["turns"]
        n_docs += sents.doc_id.nunique()
        for name in turns.speaker.unique():
            speakers.setdefault(name, None)
        out._questions.append(_keep(turns.groupby("doc_id", sort=False).is_question.sum().astype("int64").reset_index(),
                                    canon))
        event_tags = tag_sentences(sents, lexicon, cache_dir=cache_dir, workers=workers, prune=False)
        out.event_tags.add(event_tags)
        qa = in_scope.involving(qa_topic_shift({"turns": turns}, event_tags, min_matches=min_matches),
                                "question_turn", "answer_turns")
        out.qa.add(qa)
        out._shifts.append(pd.Series(pd.Categorical(qa["shift"], categories=list(SHIFTS))))
        if by_turn:
            tags = in_scope.involving(event_tags, "turn_index")
            out.tags.add(tags)
            mine = chosen_sentences[chosen_sentences.doc_id.isin(set(sents.doc_id))]
        else:
            tags, mine = event_tags, sents
        out.counts.add(_keep(tags[["doc_id", "topic", "matched_terms", "n_matches"]], canon))
        out.n_sentences += len(mine)
        out.n_tagged += len(tags[KEYS].drop_duplicates())
        doc_counts, topic_counts = timeline_counts(mine, tags)
        out._doc_counts.append(_keep(doc_counts, canon))
        out._topic_counts.append(_keep(topic_counts, canon))
        head = tags.head(HEAD_ROWS).merge(mine, on=KEYS)  # the first rows of the tags with their sentences
        if out._head is None or out._head.empty:
            out._head = head
        elif len(head):
            out._head = (pd.concat([out._head, head], ignore_index=True).sort_values(KEYS + ["topic"], kind="stable")
                         .head(HEAD_ROWS))
        bar.update(len(sents))
        del group, sents, turns, event_tags, qa, tags, mine, head
        _release_memory_between_groups()
    bar.close()
    out.speakers = list(speakers)
    if cache_dir is not None:
        percache.prune(cache_dir, "topic_tags", n_docs)
    return out


def _release_memory_between_groups() -> None:
    """Make the memory a group of documents used go back to the system before the next group is read, so that
    the process's resident memory stays that of one group, however many groups: Arrow allocates from the C
    library's `malloc` (its default pool, mimalloc, keeps what it freed; set once, for the process), and the C
    library gives back the free pages of its heap (`malloc_trim`, glibc only; elsewhere nothing is done)."""
    import ctypes
    import ctypes.util

    import pyarrow as pa

    global _LIBC
    if pa.default_memory_pool().backend_name != "system":
        pa.set_memory_pool(pa.system_memory_pool())
    if _LIBC is None:
        try:
            _LIBC = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            _LIBC.malloc_trim  # noqa: B018 - glibc has it; others do not
        except (OSError, AttributeError):
            _LIBC = False
    if _LIBC:
        _LIBC.malloc_trim(0)


_LIBC = None


def _keep(frame: pd.DataFrame, canon: dict) -> pd.DataFrame:
    """`frame` with its `doc_id` and `topic` naming the strings of `canon` (equal values, other objects):
    what is kept past a group holds no string read with the group. (Python gives memory back a block at a
    time, and one string kept in a block of freed ones keeps the block: the resident memory would grow
    with each group.)"""
    frame = frame.copy()
    for col in ("doc_id", "topic"):
        if col in frame and len(frame):
            frame[col] = [canon.get(v, v) for v in frame[col]]
    return frame


def _rows(tables, name: str) -> int:
    return tables.rows(name) if hasattr(tables, "rows") else len(tables[name])


def _groups(tables, columns: dict, rows: int) -> Iterator[dict[str, pd.DataFrame]]:
    if hasattr(tables, "document_groups"):
        yield from tables.document_groups(columns, rows)
    else:  # frames in memory
        yield {n: tables[n] if c is None else tables[n][list(c)] for n, c in columns.items()}


def _columns(tables, name: str) -> list[str]:
    return tables.columns(name) if hasattr(tables, "columns") and callable(tables.columns) else list(tables[name].columns)


def sentence_checks(tables, rows: int = GROUP_ROWS) -> pd.DataFrame:
    """Per document of the sentences table: its sentences, their words, and how many belong to no turn
    (notebook 03's checks), read a group of documents at a time without the text."""
    parts = []
    _release_memory_between_groups()
    for group in _groups(tables, {"sentences": ["doc_id", "turn_index", "n_words"], "turns": ["doc_id", "turn_index"]},
                         rows):
        sents, turns = group["sentences"], group["turns"]
        found = sents.merge(turns[["doc_id", "turn_index"]].drop_duplicates(), on=["doc_id", "turn_index"], how="left",
                            indicator=True)._merge == "both"
        parts.append(sents.assign(orphan=~found.to_numpy()).groupby("doc_id", sort=False)
                     .agg(n_sentences=("doc_id", "size"), n_words=("n_words", "sum"), n_orphans=("orphan", "sum"))
                     .reset_index())
    return pd.concat(parts, ignore_index=True)


def discover_scope_themes(tables, tags: DocumentSpill | pd.DataFrame, *, n_themes: int = 8, n_terms: int = 10,
                          n_examples: int = 3, max_sentences: int = 20_000, min_words: int = 6, min_df: int = 2,
                          max_df: float = 0.5, random_state: int = 0, lexicon: Lexicon | None = None,
                          speakers: Iterable[str] = (), exclude: Iterable[str] = (), cache_dir: str | Path | None = None,
                          rows: int = GROUP_ROWS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`discover_themes(tables["sentences"], tags, ...)`, the pool drawn by row position: the sentences of
    at least `min_words` words found without their text, the same fixed-seed sample drawn from them, and
    only the sample's text read (a group of documents at a time)."""
    # each document's pooled rows, as positions in the sentences table, in (turn, sentence) order
    per_doc: dict[str, np.ndarray] = {}
    start = 0
    _release_memory_between_groups()
    for group in _groups(tables, {"sentences": ["doc_id", "turn_index", "sentence_index", "n_words"]}, rows):
        sents = group["sentences"]
        pos = pd.Series(np.arange(start, start + len(sents)), index=sents.index)
        start += len(sents)
        kept = sents[sents.n_words >= min_words].assign(_pos=pos).sort_values(KEYS, kind="stable")
        for doc, p in kept.groupby("doc_id", sort=False)._pos:
            per_doc[doc] = p.to_numpy().astype(np.uint32 if start < 2**32 else np.int64)
    positions = np.concatenate([per_doc.pop(d) for d in sorted(per_doc)] or [np.array([], dtype="int64")])
    drawn = positions[pool_positions(len(positions), max_sentences, random_state)].astype(np.int64)  # in pool order
    del positions
    pool = _rows_at(tables, drawn, rows)
    _release_memory_between_groups()
    if isinstance(tags, DocumentSpill):  # only the pool's tags, a part at a time
        wanted = pool[KEYS].drop_duplicates()
        tag_frame = pd.concat([part.merge(wanted, on=KEYS) for part in tags.frames()], ignore_index=True)
    else:
        tag_frame = tags
    return themes_of_pool(pool, pool_topics(pool, tag_frame), n_themes=n_themes, n_terms=n_terms, n_examples=n_examples,
                          min_df=min_df, max_df=max_df, random_state=random_state, lexicon=lexicon, speakers=speakers,
                          exclude=exclude, cache_dir=cache_dir)


def _rows_at(tables, positions: np.ndarray, rows: int) -> pd.DataFrame:
    """The sentences at these row positions of the sentences table, in the order given."""
    order = np.argsort(positions, kind="stable")
    wanted = positions[order]
    parts, start, empty = [], 0, None
    batches = tables.batches("sentences", rows) if hasattr(tables, "batches") else iter([tables["sentences"]])
    for batch in batches:
        if empty is None:
            empty = batch.iloc[:0]
        lo, hi = np.searchsorted(wanted, [start, start + len(batch)])
        if hi > lo:
            parts.append(batch.iloc[wanted[lo:hi] - start])
        start += len(batch)
    found = pd.concat(parts, ignore_index=True) if parts else empty.reset_index(drop=True)
    back = np.empty(len(order), dtype="int64")
    back[order] = np.arange(len(order))
    return found.iloc[back].reset_index(drop=True)
