"""Scanning the processed tables without holding them: whole documents a batch at a time, per-document
analyses kept in the cache batch by batch, and a key for a table's identity.

A notebook that must see every turn or sentence (their text) of a large corpus reads them here a batch
of whole documents at a time, in the table's order or in the order of `doc_id` (the order the analyses
sort by), and keeps only what it aggregates. For a table already in memory (a filtered scope) the same
calls work on the frame as it is.

These helpers read `corpus.Tables`' build files directly (its folder and stamp); they belong there
(`Tables.document_batches`, `Tables.identity`) and with `percache.per_document` (`per_document_parts`).
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import pandas as pd

#: Rows of a batch (whole documents: a batch ends at the first document boundary past this many rows).
BATCH_ROWS = 50_000


def _on_disk(tables, name: str) -> bool:
    """True when `tables` (a `corpus.Tables`) reads `name` from the build's certified file (not in memory)."""
    check = getattr(tables, "_on_disk", None)
    return bool(check and check(name))


def identity(tables, name: str, columns: Sequence[str]) -> str:
    """A key for these columns of one table: the build's write id when the table is read from the certified
    file (the same build, the same rows), else a hash of the rows in memory (a filtered scope)."""
    from . import percache

    if _on_disk(tables, name):
        return f"build {tables._stamp['write_id']} {name} {tables.rows(name)}"
    return percache.frame_hash(tables[name][list(columns)])


def document_batches(tables, name: str, columns: Sequence[str], *, rows: int | None = None,
                     order: str = "file") -> Iterator[pd.DataFrame]:
    """Some columns of one table, a batch of whole documents at a time (every row of a document in the same
    frame, in the table's order), as `read_table` reads them (same dtypes).

    Args:
        order: "file": documents in the table's order; "doc_id": documents sorted by id (each document's
            rows still in the table's order), as `sort_values(["doc_id", ...])` would give them.
        rows: a batch holds whole documents up to about this many rows (default `BATCH_ROWS`).

    A table in memory is given as one frame (sorted by doc_id, stable, with "doc_id").
    """
    columns = list(columns)
    if not _on_disk(tables, name):
        df = tables[name][columns]
        yield df.sort_values("doc_id", kind="stable") if order == "doc_id" and len(df) else df
        return
    yield from _file_batches(tables._folder, name, tables._stamp, columns, rows or BATCH_ROWS, order)


def of_documents(tables, name: str, doc_ids: Iterable[str], columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The rows of these documents (every column, or `columns`), in the table's order, as
    `Tables.of_documents` gives them; from the build's file, only the row groups holding them are read (not
    the whole table, text included, to filter it)."""
    wanted = set(doc_ids)
    if not _on_disk(tables, name):
        df = tables[name] if columns is None else tables[name][list(columns)]
        return df[df.doc_id.isin(wanted)]
    import pyarrow as pa

    from .build import certified_parquet

    with certified_parquet(tables._folder, name, tables._stamp) as parquet:
        columns = list(columns) if columns is not None else [c for c in parquet.schema_arrow.names
                                                               if not c.startswith("__index_level_")]
        if parquet.metadata.num_rows == 0:
            return parquet.read(columns=columns).to_pandas()
        runs = [r for r in _runs(parquet) if r[0] in wanted]
        if not runs:
            return parquet.read_row_group(0, columns=columns).slice(0, 0).to_pandas()
        parts = []
        for g in sorted({r[1] for r in runs}):  # a row group at a time, only its runs kept
            group = parquet.read_row_group(g, columns=columns)
            parts.append(pa.concat_tables([group.slice(s, n) for _, rg, s, n in runs if rg == g]).to_pandas())
        return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _runs(parquet) -> list[tuple]:
    """Each document's run of rows: (doc_id, row group, first row in it, rows), in the file's order (a
    document cut by a row group's end has two runs), read from the ids alone."""
    runs = []
    for g in range(parquet.metadata.num_row_groups):
        ids = parquet.read_row_group(g, columns=["doc_id"]).column("doc_id").to_pandas()
        starts = (ids != ids.shift()).to_numpy().nonzero()[0].tolist()
        ends = starts[1:] + [len(ids)]
        runs += [(ids.iat[s], g, s, e - s) for s, e in zip(starts, ends)]
    return runs


def release_memory() -> None:
    """Give the memory the C library keeps after frees back to the system (glibc's `malloc_trim`; nothing
    elsewhere). A batch's frames, Python strings and per-document results are freed when the next batch
    comes, but glibc keeps most of that memory in its heap, in holes later batches do not fill, so that a
    kernel's resident memory crept up with the corpus (by 150 MB over the five-times corpus's batches)."""
    import ctypes
    import ctypes.util

    global _TRIM
    if _TRIM is None:
        try:
            _TRIM = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _TRIM = False
    if _TRIM:
        _TRIM(0)


_TRIM = None


def _file_batches(folder: Path, name: str, stamp: dict, columns: list[str], rows: int,
                  order: str) -> Iterator[pd.DataFrame]:
    try:
        yield from _file_batches_of(folder, name, stamp, columns, rows, order)
    finally:
        release_memory()


def _file_batches_of(folder: Path, name: str, stamp: dict, columns: list[str], rows: int,
                     order: str) -> Iterator[pd.DataFrame]:
    import pyarrow as pa

    from .build import certified_parquet

    with certified_parquet(folder, name, stamp) as parquet:
        if parquet.metadata.num_rows == 0:
            yield parquet.read(columns=columns).to_pandas()
            return
        runs = _runs(parquet)
        if order == "doc_id":
            runs = [r for _, r in sorted(enumerate(runs), key=lambda ir: (ir[1][0], ir[0]))]
        elif order != "file":
            raise ValueError(f"order must be 'file' or 'doc_id', not {order!r}")
        groups: OrderedDict[int, pa.Table] = OrderedDict()  # the few row groups read last

        def group(g: int) -> pa.Table:
            if g not in groups:
                groups[g] = parquet.read_row_group(g, columns=columns)
                while len(groups) > 3:
                    groups.popitem(last=False)
            groups.move_to_end(g)
            return groups[g]

        batch: list[tuple] = []
        size = 0
        for i, run in enumerate(runs):
            batch.append(run)
            size += run[3]
            last = i == len(runs) - 1
            if last or (size >= rows and runs[i + 1][0] != run[0]):
                yield pa.concat_tables([group(g).slice(s, n) for _, g, s, n in batch]).to_pandas()
                batch, size = [], 0
                release_memory()  # what the consumer freed of the last batch


def per_document_parts(frames: Iterable[pd.DataFrame], func: Callable[[pd.DataFrame], pd.DataFrame], *,
                       name: str, key: str, cache_dir: str | Path | None = None, workers: int | None = None,
                       columns: Sequence[str] | None = None, aligned: bool = False) -> Iterator[pd.DataFrame]:
    """`percache.per_document(frame, func, ...)` for each frame of whole documents (from `document_batches`),
    yielded as it is done: the same cache entries (each document's rows hashed alike), older entries
    pruned once, at the end, for every document seen (not batch by batch, which would drop the others')."""
    from . import percache

    seen = 0
    for frame in frames:
        seen += frame["doc_id"].nunique() if len(frame) else 0
        yield percache.per_document(frame, func, name=name, key=key, cache_dir=cache_dir, workers=workers,
                                    progress=False, columns=columns, aligned=aligned, prune=False)
    percache.prune(cache_dir, name, seen)
