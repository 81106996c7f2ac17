"""The analyst's entry point: `transcripts.load(path)` returns a `Corpus` to subset, search and export.

    >>> import transcripts as T
    >>> c = T.load("data/raw")                       # the sample (built once into data/processed)
    >>> c
    <Corpus data/processed: 1 document, 17 turns, 186 sentences>
    >>> lavrov = c.subset(speakers=["Sergey Lavrov"])
    >>> lavrov.kwic("strategic stability", window=3)[["speaker", "left", "keyword", "right"]]
             speaker                   left              keyword       right
    0  Sergey Lavrov  our conversations was  strategic stability  . We noted
    1  Sergey Lavrov         this sphere of  strategic stability    . In his

A `Corpus` holds no table in memory: it is a DuckDB connection over the processed Parquet tables and a
filter (`subset` returns a new `Corpus` with a narrower filter and copies nothing). The tables of the
subset come into pandas only when asked for (`c.documents`, `c.turns`, `c.sentences`,
`c.cleaning_log`, `c.texts`: the same frames, dtypes included, as `build.load_tables` gives for those
rows; each access reads them again, so keep the frame in a variable). Verbs push filters and counts
into DuckDB where that is simple and stream the subset's text through Python otherwise; the existing
pandas analyses (`speaker_stats`, `topics`, `claims`) get only the subset's rows and columns.

What a subset keeps (filters combine with AND, also across chained `subset` calls):
- `doc_ids`, `event_types`, `date_from`, `date_to` choose documents (a document's date is its event
  date, else the day it was published, as in notebook 03; both ends inclusive; an undated document is
  left out of any date range);
- `speakers`, `roles` choose turns, and the sentences of those turns; the documents are then those
  with at least one chosen turn, with their whole cleaning log and raw text.

The notebooks' filter parameters (`doc_ids`, `date_from`, `date_to`, `speakers`, `roles`, the same in
every notebook) go through `scope`, which returns the subset's tables and, for the sections about an
event or an exchange, the same events whole (`Scope.events`, `Scope.involving`).
"""
from __future__ import annotations

import datetime as dt
import difflib
from array import array
from collections.abc import Callable, Iterable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .build import TABLES
from .errors import TranscriptError
from .paths import PROJECT_ROOT, RAW_DIR, display_path

#: A document's date: the event date, else the day it was published (as `topics.document_dates`).
DATE_SQL = "COALESCE(CAST(event_date AS DATE), CAST(published_at AS DATE))"
_BATCH = 20_000  # rows per batch when text streams from DuckDB into Python


# ------------------------------------------------------------------------------------------- loading

def load(path: str | Path | None = None, *, fmt: str | None = None, speakers: str | Path | None = None,
         out: str | Path | None = None, progress: bool = True) -> Corpus:
    """Open a corpus: processed tables, or raw transcripts built on the fly.

    Args:
        path: one of
            - a folder of processed tables (`documents.parquet`, `turns.parquet`, `sentences.parquet`,
              `cleaning_log.parquet`, `texts.parquet`, as `python -m transcripts build` or `make run`
              write them), or an output folder holding them in `processed/` (`outputs/whitehouse_briefings`);
            - a folder (read recursively) or one file of raw transcripts: built with the build's cache
              into the runner's layout, `outputs/<folder name>/processed/` (the sample, `data/raw`, into
              `data/processed/`), or into `<out>/processed/`. Unchanged files are not read again and
              unchanged tables not written again; files that cannot be read are named in a warning
              (`Corpus.build_errors` keeps them) and the others are built.
            - None: the sample, `data/raw`.
            A relative path is looked up in the current directory first, then in the project root.
        fmt: for raw transcripts, read every file as this format (`--format` of the build).
        speakers: for raw transcripts, your speaker registry file (`--speakers` of the build).
        out: for raw transcripts, the output folder whose `processed/` receives the tables.
        progress: show the build's progress bar.

    Raises:
        TranscriptError: the path does not exist, a processed folder lacks a table, or no file could be read.
    """
    where = _locate(RAW_DIR if path is None else path)
    processed = _processed_dir(where)
    errors: list[TranscriptError] = []
    if processed is None:
        processed, errors = _build(where, fmt=fmt, speakers=speakers, out=out, progress=progress)
    else:
        from .build import check_certified
        check_certified(processed)  # never a mix of two builds' tables (see `load_tables`)
    return Corpus(_Source.open(processed), build_errors=errors)


def _locate(path: str | Path) -> Path:
    p = Path(path).expanduser()
    if p.is_absolute():
        candidates = [p]
    else:
        candidates = [Path.cwd() / p, PROJECT_ROOT / p]
    for c in candidates:
        if c.exists():
            return c.resolve()
    raise TranscriptError(path, "no such folder or file",
                          hint="Relative paths are looked up in the current directory "
                               f"({Path.cwd()}), then in the project root ({PROJECT_ROOT})")


def _processed_dir(p: Path) -> Path | None:
    """`p` (or `p/processed`) when it holds processed tables; None for raw transcripts."""
    for folder in (p, p / "processed"):
        if not folder.is_dir():
            continue
        present = [name for name in TABLES if (folder / f"{name}.parquet").exists()]
        if len(present) == len(TABLES):
            return folder
        if present:
            missing = [name for name in TABLES if name not in present]
            raise TranscriptError(folder, f"processed tables missing: {', '.join(missing)}",
                                  hint="Build them again: `python -m transcripts build CORPUS --out "
                                       f"{display_path(folder)}` (or `make run`)")
    return None


def _build(corpus: Path, *, fmt, speakers, out, progress) -> tuple[Path, list[TranscriptError]]:
    import warnings

    from .build import build_corpus, tables_written_for, write_tables
    from .workbook import output_layout

    processed = output_layout(corpus, out)[1]
    result = build_corpus(corpus, fmt=fmt, speakers=speakers, cache_dir=processed / ".cache", progress=progress)
    for err in result.errors:
        warnings.warn(f"skipped {err}", stacklevel=3)
    if not tables_written_for(processed, result.key):
        if result.tables["documents"].empty:
            raise TranscriptError(corpus, "no transcript could be read, so there is nothing to analyse",
                                  hint="See the warnings above for each file")
        write_tables(result.tables, processed, key=result.key)
    return processed, result.errors


# ------------------------------------------------------------------------------------- the filter

@dataclass(frozen=True)
class Filter:
    """What a subset keeps (None: no condition). Conditions combine with AND."""

    doc_ids: tuple[str, ...] | None = None
    event_types: tuple[str, ...] | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    speakers: tuple[str, ...] | None = None
    roles: tuple[str, ...] | None = None

    def narrow(self, other: Filter) -> Filter:
        """Both filters at once: lists intersect, date ranges overlap.

        >>> a = Filter(speakers=("A", "B"), date_from=dt.date(2021, 1, 1))
        >>> a.narrow(Filter(speakers=("B", "C"), date_from=dt.date(2021, 6, 1))).describe()
        "speakers=['B'], from 2021-06-01"
        """
        def both(x, y):
            if x is None or y is None:
                return x if y is None else y
            return tuple(v for v in x if v in set(y))

        def later(x, y):
            return max(x, y) if x is not None and y is not None else x or y

        def earlier(x, y):
            return min(x, y) if x is not None and y is not None else x or y

        return Filter(doc_ids=both(self.doc_ids, other.doc_ids), event_types=both(self.event_types, other.event_types),
                      date_from=later(self.date_from, other.date_from), date_to=earlier(self.date_to, other.date_to),
                      speakers=both(self.speakers, other.speakers), roles=both(self.roles, other.roles))

    @property
    def by_turn(self) -> bool:
        return self.speakers is not None or self.roles is not None

    @property
    def by_document(self) -> bool:
        return any(v is not None for v in (self.doc_ids, self.event_types, self.date_from, self.date_to))

    def describe(self) -> str:
        """The conditions, as `subset` takes them ("" for none)."""
        parts = [f"{name}={list(getattr(self, name))!r}" for name in ("doc_ids", "event_types", "speakers", "roles")
                 if getattr(self, name) is not None]
        if self.date_from is not None:
            parts.append(f"from {self.date_from.isoformat()}")
        if self.date_to is not None:
            parts.append(f"to {self.date_to.isoformat()}")
        return ", ".join(parts)


def _lit(value: Any) -> str:
    """A SQL literal.

    >>> _lit("Ms. O'Brien"), _lit(dt.date(2021, 6, 1))
    ("'Ms. O''Brien'", "DATE '2021-06-01'")
    """
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(_lit(v) for v in values)})" if values else "FALSE"


# ------------------------------------------------------------------------------------- the source

@dataclass
class _Source:
    """The processed folder, its DuckDB connection and the distinct values subsets are checked against."""

    processed_dir: Path
    con: Any
    known: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    schemas: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def open(cls, processed_dir: Path) -> _Source:
        import duckdb
        return cls(Path(processed_dir).resolve(), duckdb.connect())

    def path(self, name: str) -> Path:
        return self.processed_dir / f"{name}.parquet"

    def scan(self, name: str) -> str:
        """The table as a DuckDB table function, with each row's position in the file."""
        return f"read_parquet({_lit(self.path(name).as_posix())}, file_row_number = true)"

    def schema(self, name: str):
        import pyarrow.parquet as pq
        if name not in self.schemas:
            self.schemas[name] = pq.read_schema(self.path(name))
        return self.schemas[name]

    def values(self, table: str, column: str) -> list[str]:
        key = (table, column)
        if key not in self.known:
            rows = self.query(f"SELECT DISTINCT {column} FROM {self.scan(table)} WHERE {column} IS NOT NULL").fetchall()
            self.known[key] = sorted(str(r[0]) for r in rows)
        return self.known[key]

    def query(self, sql: str):
        """A DuckDB relation for `sql` on a cursor of its own (streams may run side by side)."""
        return self.con.cursor().sql(sql)


# ------------------------------------------------------------------------------------- the corpus

class Corpus:
    """Transcripts as documents (events), turns and sentences, with verbs that return DataFrames.

    Made by `transcripts.load`; `subset` makes narrower ones. See the module's help for what a
    subset keeps.
    """

    def __init__(self, source: _Source, flt: Filter | None = None, *, build_errors: Sequence[TranscriptError] = ()):
        self._source = source
        self.filter = flt or Filter()
        #: Files the build could not read (raw transcripts only), each naming the file and why.
        self.build_errors = list(build_errors)
        self._views = None

    # ---------------------------------------------------------------------------- identity

    @property
    def processed_dir(self) -> Path:
        """The folder of Parquet tables this corpus reads."""
        return self._source.processed_dir

    def counts(self) -> dict[str, int]:
        """Documents, turns and sentences in the subset (counted in DuckDB)."""
        return {name: int(self._source.query(f"SELECT count(*) FROM ({self.sql(name, ['doc_id'])})").fetchall()[0][0])
                for name in ("documents", "turns", "sentences")}

    def __repr__(self) -> str:
        n = self.counts()
        what = ", ".join(f"{v:,} {k[:-1] if v == 1 else k}" for k, v in n.items())
        cond = self.filter.describe()
        return f"<Corpus {display_path(self.processed_dir)}: {what}{'; ' + cond if cond else ''}>"

    # ---------------------------------------------------------------------------- subsets

    def subset(self, *, date_from: str | dt.date | None = None, date_to: str | dt.date | None = None,
               speakers: str | Sequence[str] | None = None, roles: str | Sequence[str] | None = None,
               doc_ids: str | Sequence[str] | None = None, event_types: str | Sequence[str] | None = None) -> Corpus:
        """A narrower corpus: this one's conditions AND these (nothing is copied).

        Every argument left as None, "" or [] sets no condition (so empty notebook parameters mean "all").

        Args:
            date_from, date_to: first and last day, inclusive ("2021-06-01", a date or a Timestamp).
            speakers: speaker names as in the `turns` table ("Jen Psaki"); a single name may be a string.
            roles: official, press, moderator, narration, other.
            doc_ids: document ids.
            event_types: values of `documents.event_type`.

        Raises:
            TranscriptError: a name that is in no table of the whole corpus (with the nearest ones:
                "did you mean"), or a date that is not a date.

        >>> import transcripts as T
        >>> c = T.load("data/raw")
        >>> c.subset(roles="press").subset(date_to="2019-12-31").counts()
        {'documents': 1, 'turns': 8, 'sentences': 17}
        >>> c.subset(speakers="Sergei Lavrov")
        Traceback (most recent call last):
        ...
        transcripts.errors.TranscriptError: <input>: speaker 'Sergei Lavrov' is not in the corpus. Did you mean 'Sergey Lavrov'? (`speaker_stats()` lists the speakers)
        """
        new = Filter(doc_ids=self._names(doc_ids, "documents", "doc_id", "document id"),
                     event_types=self._names(event_types, "documents", "event_type", "event type"),
                     date_from=_date(date_from, "date_from"), date_to=_date(date_to, "date_to"),
                     speakers=self._names(speakers, "turns", "speaker", "speaker"),
                     roles=self._names(roles, "turns", "role", "role"))
        if new.date_from and new.date_to and new.date_from > new.date_to:
            raise TranscriptError(None, f"date_from {new.date_from} is after date_to {new.date_to}",
                                  hint="Swap them, or leave one out")
        return Corpus(self._source, self.filter.narrow(new), build_errors=self.build_errors)

    def _names(self, given, table: str, column: str, what: str) -> tuple[str, ...] | None:
        names = [given] if isinstance(given, str) else list(given or [])
        if not any(str(n).strip() for n in names):
            return None  # None, "" or []: no condition (a notebook parameter left empty)
        known = self._source.values(table, column)
        known_set = set(known)
        for name in names:
            if name not in known_set:
                near = _suggest(str(name), known)
                lister = {"speaker": "`speaker_stats()` lists the speakers",
                          "document id": "`documents.doc_id` lists them"}.get(what, f"known: {', '.join(known[:12])}")
                hint = (f"Did you mean {' or '.join(repr(n) for n in near)}? ({lister})" if near
                        else f"No name is close ({lister})")
                raise TranscriptError(None, f"{what} {name!r} is not in the corpus", hint=hint)
        return tuple(dict.fromkeys(names))

    def _within(self, spec: Corpus | dict | None, what: str) -> Corpus:
        """A part of this corpus: a `subset` spec (dict of its arguments) or another Corpus over the same tables."""
        if isinstance(spec, dict):
            return self.subset(**spec)
        if isinstance(spec, Corpus):
            if spec.processed_dir != self.processed_dir:
                raise TranscriptError(None, f"the {what} corpus reads other tables ({display_path(spec.processed_dir)})",
                                      hint=f"Give a subset of this corpus ({display_path(self.processed_dir)})")
            return Corpus(self._source, self.filter.narrow(spec.filter))
        raise TranscriptError(None, f"{what} must be a dict of subset arguments or a Corpus, not {type(spec).__name__}",
                              hint=f"e.g. {what}=dict(speakers=['Jen Psaki'])")

    # ---------------------------------------------------------------------------- SQL

    def sql(self, table: str, columns: Sequence[str] | None = None) -> str:
        """The DuckDB SQL that selects this subset's rows of `table` (in the file's order), over the
        Parquet files themselves: paste it into DuckDB, or see `to_duckdb()` for ready-made views."""
        if table not in TABLES:
            raise TranscriptError(None, f"no table {table!r}", hint=f"Tables: {', '.join(TABLES)}")
        f, src = self.filter, self._source
        cols = ", ".join(columns) if columns else "* EXCLUDE (file_row_number)"
        where: list[str] = []
        if table == "documents":
            where += _document_conditions(f)
            if f.by_turn:
                where.append(f"doc_id IN (SELECT doc_id FROM {src.scan('turns')} WHERE {' AND '.join(_turn_conditions(f))})")
        elif table == "turns":
            where += _turn_conditions(f)
            if f.by_document:
                where.append(f"doc_id IN (SELECT doc_id FROM {src.scan('documents')} "
                             f"WHERE {' AND '.join(_document_conditions(f))})")
        elif table == "sentences" and f.by_turn:
            keys = self.sql("turns", ["doc_id", "turn_index"])
            return (f"SELECT {cols} FROM {src.scan('sentences')} SEMI JOIN ({keys}) AS k "
                    f"USING (doc_id, turn_index) ORDER BY file_row_number")
        elif f.by_turn or f.by_document:  # sentences by document, cleaning_log, texts
            where.append(f"doc_id IN ({self.sql('documents', ['doc_id'])})")
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        return f"SELECT {cols} FROM {src.scan(table)}{clause} ORDER BY file_row_number"

    # ---------------------------------------------------------------------------- tables

    def table(self, name: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The subset's rows of one table as a DataFrame (only `columns`, when given), with the dtypes
        `build.load_tables` gives."""
        import pyarrow as pa

        schema = self._source.schema(name)
        wanted = list(columns) if columns else schema.names
        unknown = [c for c in wanted if c not in schema.names]
        if unknown:
            raise TranscriptError(None, f"no column {', '.join(map(repr, unknown))} in {name}",
                                  hint=f"Columns: {', '.join(schema.names)}")
        got = self._source.query(self.sql(name, [f'"{c}"' for c in wanted])).to_arrow_table()
        fields = [schema.field(c) for c in wanted]
        arrays = [pa.nulls(got.num_rows, f.type) if pa.types.is_null(f.type) else got.column(f.name).cast(f.type)
                  for f in fields]
        return pa.Table.from_arrays(arrays, schema=pa.schema(fields, metadata=schema.metadata)).to_pandas()

    @property
    def documents(self) -> pd.DataFrame:
        """The subset's documents (one row per event)."""
        return self.table("documents")

    @property
    def turns(self) -> pd.DataFrame:
        """The subset's turns."""
        return self.table("turns")

    @property
    def sentences(self) -> pd.DataFrame:
        """The subset's sentences."""
        return self.table("sentences")

    @property
    def cleaning_log(self) -> pd.DataFrame:
        """The cleaning log of the subset's documents."""
        return self.table("cleaning_log")

    @property
    def texts(self) -> pd.DataFrame:
        """The decoded raw text of the subset's documents (what every char_start/char_end indexes)."""
        return self.table("texts")

    def tables(self) -> dict[str, pd.DataFrame]:
        """All five tables of the subset, as `build.load_tables` returns them (for the functions of
        `speakers`, `topics`, `claims` that take `tables`)."""
        return {name: self.table(name) for name in TABLES}

    def _stream(self, sql: str) -> Iterator[dict]:
        """Rows of `sql` as dicts, a batch at a time."""
        reader = self._source.query(sql).to_arrow_reader(_BATCH)
        for batch in reader:
            yield from batch.to_pylist()

    def _texts(self, sql: str) -> Iterator[str]:
        reader = self._source.query(sql).to_arrow_reader(_BATCH)
        for batch in reader:
            yield from (t or "" for t in batch.column(0).to_pylist())

    # ---------------------------------------------------------------------------- search

    def kwic(self, pattern: str | Sequence[str], window: int = 5, *, regex: bool = False, phrase: bool = True,
             case_sensitive: bool = False) -> pd.DataFrame:
        """Keyword in context: every occurrence in the subset's turns, with who said it and when.

        Args:
            pattern: a word ("sanctions"), a phrase ("supply chain"), or a list of them; with
                `regex=True` Python regular expressions (r"sanction\\w*"). Literal words match whole
                words, apostrophes of either kind, phrases across any white space (see
                `transcripts.analysis.kwic`).
            window: words of context on each side (within the turn).
            regex: treat `pattern` as regular expressions.
            phrase: False searches for each word of a multi-word pattern on its own.
            case_sensitive: False (the default) ignores case.

        Returns:
            doc_id, date (the document's date), speaker, role, turn_index, sentence_index, left,
            keyword (the text as written), right, char_start, char_end; in order of date, document
            and position. `texts` of the document `[char_start:char_end]` is the keyword.

        >>> import transcripts as T
        >>> c = T.load("data/raw")
        >>> hits = c.kwic("Russia's", window=2)
        >>> len(hits), hits.keyword.iloc[0]
        (2, 'Russia’s')
        >>> text = c.texts.text.iloc[0]
        >>> [text[a:b] for a, b in zip(hits.char_start, hits.char_end)] == hits.keyword.tolist()
        True
        """
        from .analysis import kwic as k

        compiled = k.compile_pattern(pattern, regex=regex, phrase=phrase, case_sensitive=case_sensitive)
        words = k.required_words(pattern, regex=regex, phrase=phrase, case_sensitive=case_sensitive)
        src = self._source
        prefilter = ""
        if words:  # a quick test in DuckDB: only turns holding a required word come to Python
            hay = "raw" if case_sensitive else "lower(raw)"
            prefilter = "WHERE " + " OR ".join(f"contains({hay}, {_lit(w)})" for w in words)
        sql = f"""
            WITH t AS ({self.sql('turns', ['doc_id', 'turn_index', 'speaker', 'role', 'char_start', 'char_end'])}),
            c AS (
                SELECT t.doc_id, d.date, t.speaker, t.role, t.turn_index, t.char_start AS turn_start,
                       substring(x.text, t.char_start + 1, t.char_end - t.char_start) AS raw
                FROM t JOIN (SELECT doc_id, text FROM {src.scan('texts')}) AS x USING (doc_id)
                       JOIN (SELECT doc_id, {DATE_SQL} AS date FROM {src.scan('documents')}) AS d USING (doc_id)),
            m AS (SELECT * FROM c {prefilter}),
            s AS (
                SELECT doc_id, turn_index, list(sentence_index ORDER BY sentence_index) AS sentence_index,
                       list(char_start ORDER BY sentence_index) AS sentence_start,
                       list(char_end ORDER BY sentence_index) AS sentence_end
                FROM {src.scan('sentences')} SEMI JOIN m USING (doc_id, turn_index)
                GROUP BY doc_id, turn_index)
            SELECT m.*, s.sentence_index, s.sentence_start, s.sentence_end
            FROM m JOIN s USING (doc_id, turn_index)"""
        found = k.find(self._stream(sql), compiled, window=window)  # sorted here: DuckDB need not hold the text
        return found.sort_values(["date", "doc_id", "char_start"], na_position="last", kind="stable", ignore_index=True)

    # ---------------------------------------------------------------------------- vocabulary

    def _sentence_texts(self, part: Corpus | None = None, *, minus: Corpus | None = None) -> Iterator[str]:
        part = part or self
        sql = part.sql("sentences", ["doc_id", "turn_index", "sentence_index", "text"])
        if minus is not None:
            keys = minus.sql("sentences", ["doc_id", "turn_index", "sentence_index"])
            sql = f"SELECT text FROM ({sql}) AS s ANTI JOIN ({keys}) AS k USING (doc_id, turn_index, sentence_index)"
        else:
            sql = f"SELECT text FROM ({sql}) AS s"
        return self._texts(sql)

    def keyness(self, target: Corpus | dict, reference: Corpus | dict | None = None, *,
                stopwords: bool | str | Path | Iterable[str] | None = None, ngrams: int | Sequence[int] = 1,
                min_count: int = 3, sort: str = "z", prior_strength: float = 1.0, yates: bool = True) -> pd.DataFrame:
        """Which terms the target uses more (and less) than the reference: Fightin' Words log-odds with
        z-scores (`speakers.log_odds`, as notebook 02), chi² and log-likelihood G² like quanteda's
        `textstat_keyness` (see `transcripts.analysis.keyness`).

        Args:
            target: part of this corpus: a dict of `subset` arguments (`dict(speakers=["Jen Psaki"])`)
                or a Corpus (taken within this one).
            reference: likewise; None: the rest of this corpus (its sentences not in the target).
            stopwords: None/False keeps every word; True the shipped list (scikit-learn's English stop
                words and `resources/topic_stopwords.txt`); or a file, or a list of words. N-grams that
                start or end with a stop word are left out.
            ngrams: 1, 2 or 3, or a list of sizes ([1, 2]); n-grams stay within a sentence.
            min_count: show terms seen at least this often in both parts together.
            sort: z, log_odds, chi2 or G2 (highest first).
            prior_strength: of the Fightin' Words prior (see `speakers.log_odds`).
            yates: Yates's continuity correction of chi² (quanteda's default).

        Returns:
            n, term, count_target, count_reference, per_1k_target, per_1k_reference, log_odds, z,
            chi2, p_chi2, G2, p_G2.

        >>> import transcripts as T
        >>> c = T.load("data/raw")
        >>> k = c.keyness(dict(roles=["press"]), stopwords=True)
        >>> k.head(3)[["term", "count_target", "count_reference"]].values.tolist()
        [['korea', 4, 1], ['north', 4, 1], ['treaty', 4, 6]]
        """
        from .analysis.keyness import keyness_table
        from .analysis.terms import count_ngrams, load_stopwords, ngram_sizes

        sizes = ngram_sizes(ngrams)
        stops = load_stopwords(stopwords)
        mine = self._within(target, "target")
        counts_t = count_ngrams(self._sentence_texts(mine), sizes, stops)
        if reference is None:
            counts_r = count_ngrams(self._sentence_texts(self, minus=mine), sizes, stops)
        else:
            counts_r = count_ngrams(self._sentence_texts(self._within(reference, "reference")), sizes, stops)
        return keyness_table(counts_t, counts_r, prior_strength=prior_strength, yates=yates, min_count=min_count,
                             sort=sort)

    def collocations(self, n: int = 2, *, min_count: int = 3, stopwords: bool | str | Path | Iterable[str] | None = True,
                     measure: str = "pmi", top: int | None = 50) -> pd.DataFrame:
        """Word pairs (n=2) or triples (n=3) that occur together more than chance, by NLTK's collocation
        finders, one sentence at a time (see `transcripts.analysis.collocations`).

        Args:
            min_count: only n-grams seen at least this often.
            stopwords: True (default) leaves out n-grams that start or end with a word of the shipped list;
                None keeps all; or a file or list of words.
            measure: sort by pmi, likelihood_ratio, chi_sq, student_t (or dice, for pairs).
            top: rows to return (None: all).

        Returns:
            collocation, n, count, pmi, likelihood_ratio, chi_sq, student_t (, dice).

        >>> import transcripts as T
        >>> T.load("data/raw").collocations(min_count=4, top=4)[["collocation", "count"]].values.tolist()
        [['donald trump', 4], ['new start', 4], ['north korea', 4], ['vladimir putin', 8]]
        """
        from .analysis.collocations import collocations
        from .analysis.terms import load_stopwords
        from .analysis.speakers.tokens import terms

        tokens = (terms(t) for t in self._sentence_texts())
        return collocations(tokens, n=n, min_count=min_count, stopwords=load_stopwords(stopwords), measure=measure,
                            top=top)

    def readability(self, by: str | Sequence[str] = "speaker", *, window: int = 50) -> pd.DataFrame:
        """Flesch reading ease, Flesch–Kincaid grade and lexical diversity (TTR, MATTR) per group.

        Args:
            by: "speaker" (default), "role", "doc_id", or a list of them (["doc_id", "speaker"]).
            window: MATTR's window, in terms (as `speakers.lexical_diversity`).

        Returns:
            the `by` columns, n_sentences, n_words, n_syllables, words_per_sentence,
            syllables_per_word, flesch_reading_ease, flesch_kincaid_grade (see
            `transcripts.analysis.readability` for what counts as a word), n_terms, ttr, mattr; most
            words first.

        >>> import transcripts as T
        >>> r = T.load("data/raw").readability()
        >>> r[["speaker", "n_sentences", "words_per_sentence", "flesch_reading_ease"]].round(1).values.tolist()
        [['Sergey Lavrov', 169, 19.8, 43.5], ['Press', 17, 18.6, 48.3]]
        """
        from .analysis.readability import flesch_kincaid_grade, flesch_reading_ease, sentence_counts
        from .analysis.speakers.diversity import mattr
        from .analysis.speakers.tokens import terms

        keys = [by] if isinstance(by, str) else list(by)
        bad = [k for k in keys if k not in ("speaker", "role", "doc_id")]
        if bad or not keys:
            raise TranscriptError(None, f"cannot group by {bad or by!r}", hint="Use speaker, role, doc_id, or a list of them")
        key_cols = ", ".join(f"t.{k}" for k in keys)
        turns = self.sql("turns", ["doc_id", "turn_index", "speaker", "role"])
        sql = (f"SELECT {key_cols}, s.text FROM ({self.sql('sentences', ['doc_id', 'turn_index', 'text'])}) AS s "
               f"JOIN ({turns}) AS t USING (doc_id, turn_index)")
        counts: dict[tuple, list[int]] = {}
        for rec in self._stream(sql):
            key = tuple(rec[k] for k in keys)
            words, syl = sentence_counts(rec["text"] or "")
            c = counts.setdefault(key, [0, 0, 0])
            c[0] += 1
            c[1] += words
            c[2] += syl
        vocab: dict[str, int] = {}  # terms as integer ids: 8 bytes a word, not a string object each
        diversity: dict[tuple, array] = {}
        text_sql = (f"SELECT {', '.join(keys)}, text FROM ({self.sql('turns', ['doc_id', 'turn_index', 'speaker', 'role', 'text'])}) "
                    f"ORDER BY doc_id, turn_index")
        for rec in self._stream(text_sql):
            ids = diversity.setdefault(tuple(rec[k] for k in keys), array("q"))
            ids.extend(vocab.setdefault(w, len(vocab)) for w in terms(rec["text"] or ""))
        rows = []
        for key in dict.fromkeys([*counts, *diversity]):
            n_s, n_w, n_syl = counts.get(key, [0, 0, 0])
            toks = np.frombuffer(diversity.get(key, array("q")), dtype=np.int64)
            rows.append((*key, n_s, n_w, n_syl, n_w / n_s if n_s else float("nan"),
                         n_syl / n_w if n_w else float("nan"), flesch_reading_ease(n_w, n_s, n_syl),
                         flesch_kincaid_grade(n_w, n_s, n_syl), len(toks),
                         len(np.unique(toks)) / len(toks) if len(toks) else float("nan"), mattr(toks, window)))
        cols = [*keys, "n_sentences", "n_words", "n_syllables", "words_per_sentence", "syllables_per_word",
                "flesch_reading_ease", "flesch_kincaid_grade", "n_terms", "ttr", "mattr"]
        out = pd.DataFrame(rows, columns=cols).astype({"n_sentences": "int64", "n_words": "int64",
                                                       "n_syllables": "int64", "n_terms": "int64"})
        return out.sort_values(["n_words", *keys], ascending=[False] + [True] * len(keys), ignore_index=True)

    # ---------------------------------------------------------------------------- existing analyses

    def speaker_stats(self, *, per_event: bool = False) -> pd.DataFrame:
        """Who held the floor in the subset: `speakers.speaker_stats` on its turns.

        >>> import transcripts as T
        >>> T.load("data/raw").speaker_stats()[["speaker", "n_turns", "n_words"]].values.tolist()
        [['Sergey Lavrov', 9, 3370], ['Press', 8, 319]]
        """
        from .analysis.speakers.floor import speaker_stats

        cols = ["doc_id", "turn_index", "speaker", "role", "addressee", "n_words", "n_sentences", "is_question"]
        return speaker_stats(self.table("turns", cols), per_event=per_event)

    def topics(self, lexicon: str | Path | Any = None, *, summary: bool = False) -> pd.DataFrame:
        """Topic tags of the subset's sentences (`topics.tag_sentences`), or with `summary=True` one
        row per topic (`topics.topic_summary`). `lexicon`: a lexicon file (default: the shipped one).

        >>> import transcripts as T
        >>> T.load("data/raw").topics(summary=True).topic.iloc[0]  # the topic of most sentences
        'arms_control'
        """
        from .analysis.topics.lexicon import load_lexicon
        from .analysis.topics.tagging import tag_sentences, topic_summary

        lex = load_lexicon(lexicon) if isinstance(lexicon, (str, Path)) else lexicon
        sentences = self.table("sentences", ["doc_id", "turn_index", "sentence_index", "text", "n_words"])
        tags = tag_sentences(sentences, lex)
        return topic_summary(tags, sentences, lex) if summary else tags

    def claims(self, rules: str | Path | Any = None) -> pd.DataFrame:
        """Claims in the subset's sentences (`claims.extract_claims`, kept per document in the build's
        `.cache` as notebook 04 does). `rules`: a rules file (default: the shipped one)."""
        from . import claims as cl

        rules = cl.load_rules(rules) if isinstance(rules, (str, Path)) else rules
        turn_columns = [c for c in self._source.schema("turns").names if c != "text"]
        tables = {"documents": self.documents, "turns": self.table("turns", turn_columns),
                  "sentences": self.sentences}
        return cl.extract_claims(tables, rules, cache_dir=self.processed_dir / ".cache")

    # ---------------------------------------------------------------------------- exports

    def to_duckdb(self):
        """A new DuckDB connection with the subset's five tables as views (`documents`, `turns`,
        `sentences`, `cleaning_log`, `texts`) over the Parquet files: query them with SQL, join your own
        tables, `.df()` the result.

        >>> import transcripts as T
        >>> con = T.load("data/raw").subset(roles=["press"]).to_duckdb()
        >>> con.sql("SELECT speaker, count(*) AS n FROM turns GROUP BY speaker").fetchall()
        [('Press', 8)]
        """
        import duckdb

        con = duckdb.connect()
        for name in TABLES:
            con.execute(f"CREATE VIEW {name} AS {self.sql(name)}")
        return con

    def query(self, sql: str) -> pd.DataFrame:
        """Run SQL over the subset's tables (the views of `to_duckdb`) and return a DataFrame.

        >>> import transcripts as T
        >>> T.load("data/raw").query("SELECT reason, count(*) AS n FROM cleaning_log GROUP BY reason ORDER BY n DESC LIMIT 2")
                  reason   n
        0          blank  21
        1  speaker label  16
        """
        if self._views is None:
            self._views = self.to_duckdb()
        return self._views.sql(sql).df()

    def to_parquet(self, folder: str | Path) -> Path:
        """Write the subset's tables as `<folder>/<table>.parquet` (a processed folder `load`, `load_tables`
        and the notebooks open)."""
        if Path(folder).expanduser().resolve() == self.processed_dir:
            raise TranscriptError(folder, "this is the folder the corpus reads its tables from",
                                  hint="Write the subset to another folder")
        from .build import write_tables
        # with the build's stamp, so that `load_tables` and the notebooks accept the folder too
        return write_tables(self.tables(), _out_dir(folder))

    def to_csv(self, folder: str | Path, *, xlsx: bool = False) -> Path:
        """Write the subset's tables as `<folder>/<table>.csv` (`transcripts.csvout.write_csv`: formula-safe,
        read back with `transcripts.csvout.read_csv`); with `xlsx`, also an `.xlsx` copy of each table
        short enough for a spreadsheet."""
        from .csvout import write_csv

        out = _out_dir(folder)
        for name in TABLES:
            write_csv(self.table(name), out / f"{name}.csv", xlsx=xlsx)
        return out

    def to_quanteda(self, folder: str | Path, *, unit: str = "turn") -> Path:
        """Write `texts.csv` (unit_id, text) and `docvars.csv` (unit_id and the variables) for R's quanteda.

        `unit` is "turn" (one quanteda document per turn, id `<doc_id>#<turn_index>`, docvars doc_id,
        turn_index, speaker, role, addressee, is_question, n_words, date, title, event_type, place) or
        "document" (one per event, its turns joined). Texts are written verbatim (UTF-8), except that, as in
        every CSV the workbook writes, a cell a spreadsheet would run as a formula (starting with = + - @,
        a tab or CR) has a single quote in front; the `sub` lines take it off again. In R:

            library(quanteda)
            unguard <- function(x) sub("^'(?='*[-=+@\\t\\r])", "", x, perl = TRUE)
            texts   <- read.csv("texts.csv", encoding = "UTF-8")
            texts$text <- unguard(texts$text)
            docvars <- read.csv("docvars.csv", encoding = "UTF-8")
            docvars[] <- lapply(docvars, function(v) if (is.character(v)) unguard(v) else v)
            corp    <- corpus(merge(texts, docvars, by = "unit_id", sort = FALSE),
                              docid_field = "unit_id", text_field = "text")

        >>> import tempfile, transcripts as T
        >>> out = T.load("data/raw").subset(speakers=["Sergey Lavrov"]).to_quanteda(tempfile.mkdtemp())
        >>> pd.read_csv(out / "docvars.csv")[["unit_id", "speaker"]].head(2).values.tolist()
        [['mid_ru_en_2019-12-10_lavrov_pompeo_press_conference#0', 'Sergey Lavrov'], ['mid_ru_en_2019-12-10_lavrov_pompeo_press_conference#2', 'Sergey Lavrov']]
        """
        from .analysis.exports import quanteda_frames
        from .csvout import write_csv

        turns = self.table("turns", ["doc_id", "turn_index", "speaker", "role", "addressee", "is_question", "n_words",
                                     "text"])
        texts, docvars = quanteda_frames(turns, self.documents, unit=unit)
        out = _out_dir(folder)
        write_csv(texts, out / "texts.csv", xlsx=False)
        write_csv(docvars, out / "docvars.csv", xlsx=False)
        return out

    def to_convokit(self, folder: str | Path | None = None, *, reply_to: str = "previous"):
        """The subset as a `convokit.Corpus` (see `transcripts.analysis.exports.convokit_corpus`):
        utterances are turns, `reply_to` the previous turn of the event (or, with
        `reply_to="question"`, the question an answer answers), one conversation per event with the
        document's metadata, speakers with role and affiliation. With `folder`, also written there in
        ConvoKit's format (`convokit.Corpus(filename=folder)` reads it back).
        """
        from .analysis.exports import convokit_corpus

        cols = ["doc_id", "turn_index", "speaker", "role", "addressee", "is_question", "stage_note", "n_words",
                "char_start", "char_end", "affiliation", "text"]
        corpus = convokit_corpus(self.table("turns", cols), self.documents, reply_to=reply_to)
        if folder is not None:
            out = _out_dir(folder)
            corpus.dump(out.name, base_path=str(out.parent))
        return corpus


# ------------------------------------------------------------------------- the notebooks' filters

class Tables(MutableMapping):
    """The five processed tables by name, each read when it is first asked for and kept (a notebook that
    never looks at the raw texts or the cleaning log never holds them). Otherwise a dict: `tables["turns"]`,
    iteration over the five names (reading what is not read yet), assignment.

    For what a page needs of a large table without holding it: `rows` counts, `columns` names the columns,
    `read(name, columns)` reads some columns, `lean(name)` every column but the text,
    `of_documents(name, doc_ids)` the rows of a few documents, `batches(name)` the rows a batch at a time. With `folder` and `stamp` (the whole corpus of a
    processed folder, see `scope`) these read the certified files and never the whole table; otherwise (a
    subset, already small) they read the table as `tables[name]` does.

    >>> t = Tables(lambda name: pd.DataFrame({"table": [name]}))
    >>> t["turns"].table[0], t.loaded
    ('turns', ['turns'])
    >>> sorted(t) == sorted(TABLES), len(t), t.rows("documents")
    (True, 5, 1)
    """

    def __init__(self, read: Callable[[str], pd.DataFrame], names: Sequence[str] = TABLES, *,
                 folder: Path | None = None, stamp: dict | None = None):
        self._read, self._names = read, list(names)
        self._tables: dict[str, pd.DataFrame] = {}
        self._folder, self._stamp = folder, stamp

    @property
    def loaded(self) -> list[str]:
        """The tables read so far."""
        return list(self._tables)

    def _on_disk(self, name: str) -> bool:
        return self._folder is not None and name not in self._tables and name in TABLES

    def rows(self, name: str) -> int:
        """Rows of one table (from the build's stamp when the table is not read)."""
        if self._on_disk(name) and name in self._stamp.get("rows", {}):
            return int(self._stamp["rows"][name])
        return len(self[name])

    def read(self, name: str, columns: Sequence[str], *, categorical: bool = False) -> pd.DataFrame:
        """Only these columns of one table (the others never read into pandas); `categorical`: the
        string columns as categoricals (when read from the file; a table in memory is given as it is)."""
        from .build import read_table
        if self._on_disk(name):
            return read_table(self._folder, name, self._stamp, columns=list(columns), categorical=categorical)
        return self[name][list(columns)]

    def columns(self, name: str) -> list[str]:
        """The column names of one table (from the file's schema when the table is not read)."""
        if self._on_disk(name):
            import pyarrow.parquet as pq
            return [c for c in pq.read_schema(self._folder / f"{name}.parquet").names if not c.startswith("__index_level_")]
        return list(self[name].columns)

    def lean(self, name: str) -> pd.DataFrame:
        """Every column of one table but its `text` (the bulk of turns, sentences and the cleaning log)."""
        from .build import _COLUMNS
        if self._on_disk(name):
            return self.read(name, [c for c in _COLUMNS[name] if c != "text"])
        return self[name].drop(columns=["text"], errors="ignore")

    def of_documents(self, name: str, doc_ids: Iterable[str]) -> pd.DataFrame:
        """The rows of these documents (every column), in the table's order, as `build.read_table` gives
        them; read a row group at a time, and only the row groups whose `doc_id` range may hold one of them
        (the build writes a row group per chunk of documents): the table is never held whole."""
        doc_ids = list(doc_ids)
        if self._on_disk(name):
            return _row_groups_of(self._folder / f"{name}.parquet", name, self._stamp, doc_ids)
        df = self[name]
        return df[df.doc_id.isin(doc_ids)]

    def batches(self, name: str, rows: int = 50_000, *, arrow_text: bool = False,
                columns: Sequence[str] | None = None) -> Iterator[pd.DataFrame]:
        """The rows of one table, `rows` at a time, in order (one frame when the table is read already);
        `arrow_text`: the text as Arrow strings (`build.table_batches`); `columns`: only these."""
        from .build import table_batches
        if self._on_disk(name):
            yield from table_batches(self._folder, name, self._stamp, rows=rows, arrow_text=arrow_text,
                                     columns=None if columns is None else list(columns))
        else:
            yield self[name] if columns is None else self[name][list(columns)]

    def document_groups(self, columns: dict[str, Sequence[str] | None], rows: int = 50_000) -> Iterator[dict[str, pd.DataFrame]]:
        """The rows of some tables (`columns`: table name → its columns, None for all), a group of whole
        documents at a time: each group holds every row of its documents in each table (none of the others'),
        in the tables' order; about `rows` rows of the first table a group. Documents come in the order of
        the `documents` table, which the build writes every table in (tables read already: one group).

        >>> t = Tables(lambda name: pd.DataFrame({"doc_id": ["a", "a", "b"], "x": [1, 2, 3]}))
        >>> [{k: len(v) for k, v in g.items()} for g in t.document_groups({"turns": None, "sentences": ["doc_id"]})]
        [{'turns': 3, 'sentences': 3}]

        Raises:
            TranscriptError: a table on disk whose documents are not in the documents table's order.
        """
        names = list(columns)
        if not any(self._on_disk(n) for n in names):
            yield {n: self[n] if columns[n] is None else self[n][list(columns[n])] for n in names}
            return
        order = {d: i for i, d in enumerate(self.read("documents", ["doc_id"]).doc_id)}
        # the other tables read in batches of about the same documents as the first's (a table of turns four
        # times shorter than the sentences in batches four times smaller), so that each holds about a group
        lead_rows = max(self.rows(names[0]), 1)
        sizes = {n: rows if n == names[0] else max(1, rows * self.rows(n) // lead_rows) for n in names}
        streams = {n: _DocumentStream(self.batches(n, sizes[n], columns=columns[n]), order, n, self._folder)
                   for n in names}
        lead, others = streams[names[0]], [streams[n] for n in names[1:]]
        while True:
            part = lead.take(None)
            if part is None:  # the lead table is done: what the others hold of later documents
                last = len(order)
            else:
                last = lead.last_position
            group = {names[0]: part}
            for n, s in zip(names[1:], others):
                group[n] = s.take(last)
            if part is None:
                if all(g is None or g.empty for g in list(group.values())[1:]):
                    return
                group[names[0]] = lead.empty
            if any(g is not None and len(g) for g in group.values()):
                yield {n: (g if g is not None else streams[n].empty) for n, g in group.items()}
            if part is None:
                return

    def write_csv(self, name: str, path: str | Path) -> None:
        """`csvout.write_csv` of one table, written a batch at a time (the same file)."""
        from .csvout import write_csv_parts
        write_csv_parts(lambda: self.batches(name, arrow_text=True), path, rows=self.rows(name))

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._tables:
            if name not in self._names:
                raise KeyError(name)
            self._tables[name] = self._read(name)
        return self._tables[name]

    def __setitem__(self, name: str, value: pd.DataFrame) -> None:
        self._tables[name] = value
        if name not in self._names:
            self._names.append(name)

    def __delitem__(self, name: str) -> None:
        if name not in self._names:
            raise KeyError(name)
        self._names.remove(name)
        self._tables.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._names))

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __repr__(self) -> str:
        return f"<Tables {', '.join(self._names)}; read: {', '.join(self._tables) or 'none'}>"


def _row_groups_of(path: Path, name: str, stamp: dict, doc_ids: list[str]) -> pd.DataFrame:
    """`Tables.of_documents` of a table on disk (checked against the build's stamp first)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from .build import certified_parquet

    wanted = sorted(set(doc_ids))
    values = pa.array(wanted, pa.string())
    with certified_parquet(path.parent, name, stamp) as parquet:
        meta = parquet.metadata
        col = parquet.schema_arrow.get_field_index("doc_id")
        parts = []
        for g in range(meta.num_row_groups):
            stats = meta.row_group(g).column(col).statistics
            if stats is not None and stats.has_min_max and wanted:
                lo, hi = stats.min, stats.max
                i = np.searchsorted(wanted, lo)  # the first wanted id >= the group's smallest
                if i == len(wanted) or wanted[i] > hi:
                    continue
            table = parquet.read_row_group(g)
            parts.append(table.filter(pc.is_in(table.column("doc_id"), values)))
        if not parts:
            parts = [parquet.schema_arrow.empty_table()]
        return pa.concat_tables(parts).to_pandas()


class _DocumentStream:
    """The batches of one table cut at documents' ends: `take(None)` the next batch's whole documents (the
    last document's rows carried on to the next batch), `take(position)` every row of the documents up to
    that position of the documents table."""

    def __init__(self, batches: Iterator[pd.DataFrame], order: dict[str, int], name: str, folder):
        self.batches, self.order, self.name, self.folder = batches, order, name, folder
        self.held: pd.DataFrame | None = None  # rows read, not given yet
        self.done = False
        self.empty: pd.DataFrame | None = None
        self.last_position = -1
        self.seen = -1  # the documents table's position of the last row read

    def _read(self) -> bool:
        """One more batch into `held`; False at the end."""
        if self.done:
            return False
        batch = next(self.batches, None)
        if batch is None:
            self.done = True
            return False
        if self.empty is None:
            self.empty = batch.iloc[:0]
        if len(batch):
            pos = batch.doc_id.map(self.order)
            if pos.isna().any() or (pos.diff().fillna(0) < 0).any() or pos.iloc[0] < self.seen:
                raise TranscriptError(display_path(self.folder) if self.folder else None,
                                      f"the {self.name} table is not in the documents table's order",
                                      hint="Build the tables again (`python -m transcripts build` or `make run`)")
            self.seen = int(pos.iloc[-1])
            self.held = batch if self.held is None or self.held.empty else pd.concat([self.held, batch], ignore_index=True)
        return True

    def take(self, position: int | None) -> pd.DataFrame | None:
        if position is None:  # the next whole documents
            while self.held is None or self.held.empty or (not self.done and self.held.doc_id.iloc[-1] == self.held.doc_id.iloc[0]):
                if not self._read():
                    break
            if self.held is None or self.held.empty:
                return None
            last = self.held.doc_id.iloc[-1]
            cut = len(self.held) if self.done else int((self.held.doc_id != last).to_numpy().nonzero()[0][-1]) + 1
            out, self.held = self.held.iloc[:cut], self.held.iloc[cut:]  # the last document may go on: kept
            self.last_position = self.order[out.doc_id.iloc[-1]]
            return out.reset_index(drop=True)
        # every row of the documents up to `position`
        while not self.done and (self.held is None or self.held.empty or self.order[self.held.doc_id.iloc[-1]] <= position):
            if not self._read():
                break
        if self.held is None or self.held.empty:
            return None
        pos = self.held.doc_id.map(self.order).to_numpy()
        cut = int((pos <= position).sum())
        out, self.held = self.held.iloc[:cut], self.held.iloc[cut:]
        return out.reset_index(drop=True)


#: The filter parameters every notebook takes (same names, same meaning; empty means "no condition").
FILTER_PARAMETERS = ("doc_ids", "date_from", "date_to", "speakers", "roles")


@dataclass
class Scope:
    """What a notebook analyses under its filter parameters (made by `scope`).

    Attributes:
        tables: the subset's five tables (`Tables`: each read when first used), as `Corpus.subset` keeps
            them: with `speakers` or `roles`, only those turns and their sentences, in the documents
            holding at least one of them; every count, share, word list, topic and claim is about these.
        events: the same documents whole (every turn, whoever speaks), for the sections about an event
            or an exchange: turn sequences, question→answer pairs, topic flows. The same dict as
            `tables` when no speaker or role is chosen.
        filter: the conditions (`Filter`); `description` says them in words ("" for none).
    """

    tables: MutableMapping[str, pd.DataFrame]
    events: MutableMapping[str, pd.DataFrame]
    filter: Filter = field(default_factory=Filter)

    @property
    def description(self) -> str:
        return self.filter.describe()

    def involving(self, exchanges: pd.DataFrame, *turn_columns: str) -> pd.DataFrame:
        """The rows of `exchanges` (one per question, say, from `events`) in which a chosen turn takes
        part: one of `turn_columns` (turn indices of the row's `doc_id`; a cell may hold several, as
        "4; 5") names a turn of `tables`. Every row when no speaker or role is chosen.

        >>> t = pd.DataFrame({"doc_id": ["d", "d", "d"], "turn_index": [0, 1, 2], "speaker": ["Q", "A", "B"]})
        >>> s = Scope({"turns": t[t.speaker == "B"]}, {"turns": t}, Filter(speakers=("B",)))
        >>> pairs = pd.DataFrame({"doc_id": ["d", "d"], "question_turn": [0, 1], "answer_turns": ["1", "2; 3"]})
        >>> s.involving(pairs, "question_turn", "answer_turns").question_turn.tolist()
        [1]
        """
        if not self.filter.by_turn or exchanges.empty:
            return exchanges
        chosen = set(zip(self.tables["turns"].doc_id, self.tables["turns"].turn_index.astype(int)))

        def turns_of(value: Any) -> list[int]:
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                return []
            return [int(float(v)) for v in str(value).replace(",", ";").split(";") if v.strip()]

        keep = [any((doc, t) in chosen for col in turn_columns for t in turns_of(row[col]))
                for doc, row in zip(exchanges.doc_id, exchanges.to_dict("records"))]
        return exchanges[keep].reset_index(drop=True)


def scope(processed_dir: str | Path, *, doc_ids: Sequence[str] | None = None, date_from: str | None = None,
          date_to: str | None = None, speakers: Sequence[str] | None = None, roles: Sequence[str] | None = None,
          tables: dict[str, pd.DataFrame] | None = None) -> Scope:
    """The tables a notebook analyses, under the filter parameters every notebook takes.

    The conditions are `Corpus.subset`'s (dates inclusive, on the event date else the publication day;
    speakers and roles choose turns, and the documents holding them); empty values set no condition.

    Args:
        processed_dir: the folder of processed tables (relative paths from the project root, as
            notebooks' parameters are).
        doc_ids, date_from, date_to, speakers, roles: the notebook's filter parameters.
        tables: the processed tables already in memory (notebook 01 has just built them); used as
            they are when no condition is set.

    Raises:
        TranscriptError: a name the corpus does not know (with "did you mean"), a date that is not a
            date, or conditions that leave no turn.

    >>> s = scope("data/processed", speakers=["Sergey Lavrov"], date_from="2019-12-01")
    >>> s.description, len(s.tables["turns"]), len(s.events["turns"])
    ("speakers=['Sergey Lavrov'], from 2019-12-01", 9, 17)
    """
    from functools import partial

    from .build import read_table, tables_stamp
    from .paths import resolve

    given = dict(doc_ids=doc_ids, date_from=date_from, date_to=date_to, speakers=speakers, roles=roles)
    if not any(v.strip() if isinstance(v, str) else v for v in given.values()):
        if tables is not None:
            return Scope(tables, tables)
        # each table read when the notebook first asks for it, all of them from the build certified now
        stamp = tables_stamp(processed_dir)
        whole = Tables(partial(read_table, processed_dir, stamp=stamp), folder=resolve(processed_dir), stamp=stamp)
        return Scope(whole, whole)
    folder = resolve(processed_dir)
    if _processed_dir(folder) != folder:
        raise TranscriptError(display_path(folder), "processed tables missing",
                              hint="Build them first: `python -m transcripts build` (or `make run`)")
    sub = Corpus(_Source.open(folder)).subset(**given)
    chosen = Tables(sub.table)
    if chosen["turns"].empty:
        raise TranscriptError(None, f"no turn matches the filters ({sub.filter.describe()})",
                              hint="Widen the dates, or check that those speakers speak in those documents "
                                   "(`transcripts.load(...).speaker_stats()` lists who speaks)")
    events = chosen
    if sub.filter.by_turn:
        events = Tables(Corpus(sub._source, Filter(doc_ids=tuple(chosen["documents"].doc_id))).table)
    return Scope(chosen, events, sub.filter)


def _out_dir(folder: str | Path) -> Path:
    """An output folder, relative to the current directory, created when missing."""
    out = Path(folder).expanduser().resolve()
    out.mkdir(parents=True, exist_ok=True)
    return out


def _document_conditions(f: Filter) -> list[str]:
    cond = []
    if f.doc_ids is not None:
        cond.append(_in("doc_id", f.doc_ids))
    if f.event_types is not None:
        cond.append(_in("event_type", f.event_types))
    if f.date_from is not None:
        cond.append(f"{DATE_SQL} >= {_lit(f.date_from)}")
    if f.date_to is not None:
        cond.append(f"{DATE_SQL} <= {_lit(f.date_to)}")
    return cond or ["TRUE"]


def _turn_conditions(f: Filter) -> list[str]:
    cond = []
    if f.speakers is not None:
        cond.append(_in("speaker", f.speakers))
    if f.roles is not None:
        cond.append(_in("role", f.roles))
    return cond or ["TRUE"]


def _date(value, name: str) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        stamp = None
    if stamp is None or pd.isna(stamp):
        raise TranscriptError(None, f"{name}={value!r} is not a date", hint="Use YYYY-MM-DD, e.g. 2021-06-01")
    return stamp.date()


def _suggest(name: str, known: Sequence[str], n: int = 3) -> list[str]:
    """Names close to `name`: those containing it (any case) first, then similar spellings.

    >>> _suggest("psaki", ["Jen Psaki", "Karine Jean-Pierre"]), _suggest("Sergei Lavrov", ["Sergey Lavrov"])
    (['Jen Psaki'], ['Sergey Lavrov'])
    """
    low = name.casefold().strip()
    found = [k for k in known if low and low in k.casefold()]
    by_case = {k.casefold(): k for k in known}
    found += [by_case[m] for m in difflib.get_close_matches(low, list(by_case), n=n, cutoff=0.6)]
    return list(dict.fromkeys(found))[:n]
