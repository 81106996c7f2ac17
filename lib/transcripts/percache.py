"""Per-document analyses: run in a process pool or on a Dask cluster, remembered between runs.

Claim extraction and VADER tone look at one sentence at a time, so a corpus splits into documents
that can be analysed apart, on every core, and whose results can be kept: `per_document` runs a
function on each document's rows and stores each result under a key made of

- the function's name and the source of the modules it depends on (a code change invalidates it),
- any extra fingerprint the caller gives (the claim rules file's content, a package version),
- a hash of the document's input rows themselves (so a changed transcript, speaker registry or
  build is a miss for that document only).

The documents to compute are run by `transcripts.engine` (this machine's cores, or a Dask cluster
when `TRANSCRIPTS_SCHEDULER` names one); the cache is read and written here, in the calling process.
Entries live in `<cache_dir>/analyses/<name>/`; a damaged or unreadable entry is a miss, and a cache
that cannot be written is a warning, never an error. Results are identical with or without the cache
and with any number of workers (tests check both).
"""
from __future__ import annotations

import hashlib
import os
import pickle
import warnings
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Callable, Sequence

import pandas as pd

#: Bump to invalidate every per-document entry written by an older version of this module.
CACHE_VERSION = 1
#: Below this many documents to compute, no process pool is started (starting one costs about a second).
MIN_POOL_DOCS = 24


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of every module of this package (any code change is a new key: no analysis is ever
    served from an entry an older version of any helper wrote)."""
    package = Path(__file__).resolve().parent
    return fingerprint(*sorted(package.rglob("*.py")))


def fingerprint(*parts: str | bytes | Path | ModuleType) -> str:
    """A short hash of strings, bytes, files' contents and modules' source files.

    >>> fingerprint("a", b"b") == fingerprint("a", b"b") != fingerprint("a", b"c")
    True
    """
    h = hashlib.sha256(str(CACHE_VERSION).encode())
    for part in parts:
        if isinstance(part, ModuleType):
            part = Path(part.__file__ or "")
        if isinstance(part, Path):
            try:
                part = part.read_bytes()
            except OSError:
                part = str(part)
        h.update(part if isinstance(part, bytes) else str(part).encode())
        h.update(b"\0")
    return h.hexdigest()[:24]


def per_document(frame: pd.DataFrame, func: Callable[[pd.DataFrame], pd.DataFrame], *, name: str,
                 key: str, cache_dir: str | Path | None = None, workers: int | None = None,
                 progress: bool = True, desc: str = "Analysing", columns: Sequence[str] | None = None,
                 aligned: bool = False, prune: bool = True) -> pd.DataFrame:
    """`func` applied to each document's rows of `frame` (grouped by `doc_id`, in order of first
    appearance), the results concatenated.

    Args:
        func: a module-level function (it is sent to worker processes by name), DataFrame → DataFrame.
        name: the analysis's name (a folder of the cache).
        key: a `fingerprint` of everything besides the rows that the result depends on.
        cache_dir: where entries are kept (the build's `.cache` folder); None: no cache.
        workers: processes (default: every core when there are enough documents, or the Dask cluster
            `TRANSCRIPTS_SCHEDULER` names, see `transcripts.engine`; 1: this process, no pool).
        columns: the result's columns when there is no document at all.
        aligned: `func` returns one row per input row, in order; the result is then in the order of
            `frame`'s rows (index 0..n-1), whatever the order of its documents.
        prune: drop the least recently used entries past three times these documents (False for a caller
            that gives the corpus a batch of documents at a time and prunes once at the end: `prune`,
            `scan.per_document_parts`).
    """
    from .progress import tqdm

    if frame.empty:
        return func(frame) if columns is None else pd.DataFrame(columns=list(columns))
    # Python strings throughout: equal rows hash equally whether the table came from a build (Arrow
    # strings) or from Parquet, and worker processes never touch Arrow (see _compute)
    frame = frame.astype({c: object for c in frame.columns if isinstance(frame[c].dtype, pd.StringDtype)})
    codes, uniques = pd.factorize(frame["doc_id"], sort=False)
    order = pd.Series(range(len(frame))).groupby(codes, sort=True).indices  # code → row positions
    n_docs = len(uniques)
    row_hash = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    header = ",".join(map(str, frame.columns))
    keys = [hashlib.sha256(f"{name}|{key}|{header}|".encode() + row_hash[order[c]].tobytes()).hexdigest()[:40]
            for c in range(n_docs)]
    del row_hash
    folder = Path(cache_dir) / "analyses" / name if cache_dir is not None else None

    results: list[pd.DataFrame | None] = [None] * n_docs
    if folder is not None:
        for i, k in enumerate(keys):
            results[i] = _load(folder, k)
        if prune:
            _prune(folder, keep=3 * len(keys) + 100)
    todo = [i for i, r in enumerate(results) if r is None]
    bar = tqdm(total=len(todo), desc=desc, unit="doc", disable=not progress or len(todo) < 2)
    # each document's rows are copied out of `frame` only when it is sent to be computed (a document found
    # in the cache costs no copy, and a run holds a few documents' copies at a time, not the corpus's twice)
    for i, res in zip(todo, _compute(func, _Parts(frame, order, todo), workers)):
        results[i] = res
        bar.update()
        if folder is not None:
            _save(folder, keys[i], res)
    bar.close()
    if aligned:
        import numpy as np

        if any(r is None or len(r) != len(order[c]) for c, r in enumerate(results)):
            raise ValueError(f"{name}: an aligned analysis returned a different number of rows than it was given")
        out = pd.concat(results, ignore_index=True)
        out.index = np.concatenate([order[c] for c in range(n_docs)])
        return out.sort_index()
    done = [r for r in results if r is not None and len(r)]
    if not done:
        return results[0].iloc[:0] if results and results[0] is not None else pd.DataFrame(columns=list(columns or []))
    return pd.concat(done, ignore_index=True)


class _Parts:
    """The rows of some documents of a frame, as a sequence whose items (copies of the rows) are made only
    when they are asked for."""

    def __init__(self, frame: pd.DataFrame, order: dict, codes: list[int]):
        self.frame, self.order, self.codes = frame, order, codes

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return self.frame.iloc[self.order[self.codes[i]]]

    def __iter__(self):
        return (self[i] for i in range(len(self)))


def _compute(func, parts: Sequence[pd.DataFrame], workers: int | None):
    """func(part) for each part, in order, on the engine of `transcripts.engine` (a process pool when there
    are enough parts, or a Dask cluster)."""
    from .engine import map_documents

    yield from map_documents(func, parts, workers=workers, min_pool=MIN_POOL_DOCS)


def _path(folder: Path, key: str) -> Path:
    return folder / key[:2] / f"{key}.pkl"


def _load(folder: Path, key: str, kinds: tuple[type, ...] = (pd.DataFrame,)) -> pd.DataFrame | None:
    path = _path(folder, key)
    try:
        with open(path, "rb") as fh:
            value = pickle.load(fh)
        os.utime(path)  # recently used: kept by _prune
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a damaged entry is just a miss
        return None
    if isinstance(value, tuple) and tuple in kinds:
        return value if all(isinstance(v, pd.DataFrame) for v in value) else None
    return value if isinstance(value, pd.DataFrame) else None


def prune(cache_dir: str | Path | None, name: str, n_documents: int) -> None:
    """What `per_document` does after reading the cache, for an analysis given a corpus a part at a time:
    past three times `n_documents` (+100) entries, the least recently used go."""
    if cache_dir is not None:
        _prune(Path(cache_dir) / "analyses" / name, keep=3 * n_documents + 100)


def _prune(folder: Path, keep: int) -> None:
    """Entries left by older rules, code or transcripts pile up: past `keep` entries, the least
    recently used go (down to two thirds of `keep`)."""
    try:
        import time
        for tmp in folder.glob("*/.*.tmp"):  # left by a process killed while writing, over an hour ago
            if time.time() - tmp.stat().st_mtime > 3600:
                tmp.unlink(missing_ok=True)
        entries = [p for p in folder.glob("*/*.pkl")]
        if len(entries) <= keep:
            return
        entries.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[keep * 2 // 3:]:
            old.unlink(missing_ok=True)
    except OSError:  # pruning is housekeeping: never an error
        pass


def _save(folder: Path, key: str, value: pd.DataFrame) -> None:
    atomic_write(_path(folder, key), pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), what="analysis cache")


def atomic_write(path: Path, data: bytes, *, what: str = "cache", strict: bool = False) -> None:
    """Write via a temporary file, so that a reader never sees half an entry; a cache that cannot be
    written (read-only disk, full disk) is skipped with a warning, not an error (`strict`: the OSError is
    raised); a writer stopped half way (a warm-up is stopped so) leaves no temporary file behind."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            tmp.unlink(missing_ok=True)  # what a full disk let through
        except OSError:
            pass
        if strict:
            raise
        warnings.warn(f"{what} not written ({exc})", stacklevel=3)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def frame_hash(frame: pd.DataFrame) -> str:
    """A hash of a frame's rows (values and order; Arrow and Python strings hash alike).

    >>> a = pd.DataFrame({"x": [1, 2]})
    >>> frame_hash(a) == frame_hash(a.copy()) != frame_hash(a.iloc[::-1])
    True
    """
    frame = frame.astype({c: object for c in frame.columns if isinstance(frame[c].dtype, pd.StringDtype)})
    h = hashlib.sha256(",".join(map(str, frame.columns)).encode())
    h.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return h.hexdigest()[:24]


def memo(name: str, key: str, compute: Callable[[], pd.DataFrame], cache_dir: str | Path | None) -> pd.DataFrame:
    """`compute()`, or its result kept from an earlier call with the same `key` (a `fingerprint` of
    everything the result depends on, `frame_hash`es of its input tables included). The result is a
    DataFrame or a tuple of DataFrames."""
    if cache_dir is None:
        return compute()
    folder = Path(cache_dir) / "analyses" / name
    found = _load(folder, key, kinds=(pd.DataFrame, tuple))
    if found is not None:
        return found
    value = compute()
    _save(folder, key, value)
    _prune(folder, keep=16)
    return value
