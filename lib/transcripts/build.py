"""Corpus build: every transcript in a folder → the processed tables (Parquet).

Tables (the contract later notebooks, users and checks rely on; columns may be added, none renamed):
  documents    doc_id, source_path, source_sha256, format, title, event_type, event_date,
               published_at, place, principal, n_chars, n_turns, n_words, ...
  turns        doc_id, turn_index, speaker, role, addressee, stage_note, text, char_start, char_end,
               n_words, is_question, ...
  sentences    doc_id, turn_index, sentence_index, text, char_start, char_end, n_words
  cleaning_log doc_id, char_start, char_end, reason, text
  texts        doc_id, text (the decoded text that every char_start/char_end indexes)

The build streams, so its memory does not grow with the corpus: files are read (by a process pool) in corpus
order; each document's rows are set aside on disk a chunk at a time (`BATCH_ROWS`), and what the corpus-wide
steps need stays in memory (the `documents` rows, each turn's speaker and label, a sketch of each document's
speech); those steps are then decided (speakers unified across documents, near-duplicates, warnings) and
each table written chunk by chunk, a Parquet row group per chunk (`_Assembler`, `_TableWriter`). The tables
are the ones a build holding every table in memory makes (`tests/test_build_streaming.py`).
`BuildResult.tables` is `BuiltTables`: the written files, each read into pandas only when asked for.
"""
from __future__ import annotations

import errno
import hashlib
import itertools
import json
import os
import pickle
import re
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .clean import count_words, normalize_text
from .errors import TranscriptError
from .model import Document
from .paths import PROCESSED_DIR, RAW_DIR, display_path, resolve
from .percache import atomic_write
from .quality import check_documents, join_warnings
from .readers import MAX_BYTES, read_documents

TABLES = ("documents", "turns", "sentences", "cleaning_log", "texts")
#: dtype of the long `text` columns in built tables (tables read back by `load_tables` hold Python strings).
TEXT_DTYPE = "string[pyarrow]"
#: Bump to invalidate every cache entry written by an older build.
CACHE_VERSION = 2
#: Files in a corpus folder that document it rather than hold a transcript: not read, and listed as
#: skipped in the build's summary. A name counts when its part before the first dot is one of these
#: (`README.md`, `LICENSE`, `NOTICE.txt`, `COPYING`), or it is a corpus index (`index.csv`).
DOCUMENTATION_STEMS = {"readme", "license", "licence", "notice", "copying"}
DOCUMENTATION_NAMES = {"index.csv"}
#: The metadata file beside transcripts (`readers.metadata`): not a transcript, read with its folder's files.
SIDECAR_NAME = "metadata.csv"
#: The stamp `write_tables` writes last, naming what it certifies (see `write_tables`).
STAMP = ".build_key"
#: Key of the Parquet metadata entry tying each table to the stamp of the write that made it.
WRITE_ID = b"transcripts.write_id"
#: Turns and sentences collected from files before they are set aside on disk as one chunk, and later
#: written as one row group of each table (the build's memory is bounded by a chunk, not by the corpus).
BATCH_ROWS = 50_000


@dataclass
class BuildResult:
    """The tables of a build, the files that could not be read (with why), and those left out on purpose."""

    tables: MutableMapping[str, pd.DataFrame]  # `BuiltTables` (on disk, read when asked for) or frames
    errors: list[TranscriptError] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (skipped file, file it duplicates)
    # (file left out, file kept, share of words the same): the same event twice (quality.drop_near_duplicates)
    near_duplicates: list[tuple[str, str, float]] = field(default_factory=list)
    key: str | None = None  # hash of the corpus files' contents and the build settings
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why it was not read)
    notes: list[str] = field(default_factory=list)  # what else a reader of the summary should know

    @property
    def ok(self) -> bool:
        return not self.errors

    def rows(self, name: str) -> int:
        """Rows of one table, without reading it when it is on disk."""
        tables = self.tables
        return tables.rows(name) if isinstance(tables, BuiltTables) else len(tables[name])


@dataclass
class CorpusListing:
    """What a corpus folder holds: the files to read, those skipped on purpose, and what could not be listed."""

    files: list[Path]
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (display path, why)
    problems: list[TranscriptError] = field(default_factory=list)
    sidecars: list[Path] = field(default_factory=list)  # metadata.csv files: read with the files of their folder


def corpus_files(corpus: str | Path) -> list[Path]:
    """Transcript files in a folder (recursively, sorted), or the one file given."""
    return scan_corpus(corpus).files


def scan_corpus(corpus: str | Path) -> CorpusListing:
    """Every entry of a corpus folder, read or reported: transcript files (recursively, sorted), files and
    folders skipped on purpose (hidden names, documentation, links to folders already read) with the reason,
    and what cannot be listed or followed (an unreadable folder, a dangling link, a loop of links).

    The walk keeps its own stack, so any depth of folders is fine.
    """
    root = resolve(corpus)
    if root.is_file():
        return CorpusListing([root])
    if not root.is_dir():
        if root.is_symlink():
            raise TranscriptError(root, _broken_link(root), hint="Point the corpus at an existing folder or file")
        raise TranscriptError(root, "no such folder or file", hint="Check the corpus path (relative paths are "
                              "taken from the project root)")
    listing = CorpusListing([])
    real_root = os.path.realpath(root)
    followed: set[str] = set()  # folders outside the corpus reached through links
    # (folder, its real path, how reports show it): carried down the walk, so that no path is resolved
    # again from the root at each level (that is quadratic in the depth)
    stack = [(root, real_root, display_path(root))]
    while stack:
        folder, real_folder, shown_folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            listing.problems.append(TranscriptError(
                shown_folder, f"cannot list the folder ({exc.strerror or exc}), so its files were not read",
                hint="Check that you may read it (permissions), or move it out of the corpus"))
            continue
        subfolders = []
        for entry in entries:
            path = Path(entry.path)
            shown = f"{shown_folder}/{entry.name}"
            if entry.name.startswith("."):
                listing.skipped.append((shown, "hidden (the name starts with a dot)"))
                continue
            is_link = False
            try:
                is_link = entry.is_symlink()
                is_dir, is_file = entry.is_dir(), entry.is_file()
            except OSError as exc:
                if not is_link:
                    listing.problems.append(TranscriptError(shown, f"cannot be read ({exc.strerror or exc})"))
                    continue
                is_dir = is_file = False
            if is_link and not (is_dir or is_file) and not os.path.exists(path):
                listing.problems.append(TranscriptError(shown, _broken_link(path), hint="Fix or remove the link"))
                continue
            if is_dir:
                if not is_link:
                    subfolders.append((path, os.path.join(real_folder, entry.name), shown))
                    continue
                real = os.path.realpath(path)
                if real == real_root or real.startswith(real_root + os.sep) or real in followed:
                    listing.skipped.append((shown, f"a link to a folder that is read anyway ({display_path(real)})"))
                    continue
                followed.add(real)
                subfolders.append((path, real, shown))
            elif is_file:
                if entry.name.lower() == SIDECAR_NAME:
                    listing.sidecars.append(path)
                elif _documentation(entry.name):
                    listing.skipped.append((shown, "documentation, not a transcript (README*, LICENSE*, NOTICE*, "
                                                   "COPYING*, index.csv are not read)"))
                else:
                    listing.files.append(path)
            else:
                listing.skipped.append((shown, "not a regular file (a pipe, socket or device)"))
        stack.extend(reversed(subfolders))
    listing.files.sort()
    if not listing.files and not listing.problems:
        raise TranscriptError(root, "the folder holds no transcript files",
                              hint="Put .txt, .html, .md, .csv or .jsonl transcripts in it")
    return listing


def skipped_summary(skipped: list[tuple[str, str]], *, limit: int = 5) -> list[str]:
    """The build summary's lines for what was left out on purpose: one per reason, naming a few.

    >>> skipped_summary([("c/README.md", "documentation"), ("c/LICENSE", "documentation"), ("c/.git", "hidden")])
    ['skipped (documentation): c/README.md, c/LICENSE', 'skipped (hidden): c/.git']
    """
    by_reason: dict[str, list[str]] = {}
    for path, reason in skipped:
        by_reason.setdefault(reason, []).append(path)
    lines = []
    for reason, paths in by_reason.items():
        more = f" and {len(paths) - limit} more" if len(paths) > limit else ""
        lines.append(f"skipped ({reason}): {', '.join(paths[:limit])}{more}")
    return lines


def _documentation(name: str) -> bool:
    """
    >>> [_documentation(n) for n in ("README.md", "LICENSE", "index.csv", "readme_2019_briefing.txt")]
    [True, True, True, False]
    """
    name = name.lower()
    return name.split(".")[0] in DOCUMENTATION_STEMS or name in DOCUMENTATION_NAMES


def _broken_link(path: Path) -> str:
    """What is wrong with a link that leads nowhere."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a link that leads round in a loop of links"
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    return f"a link to {target}, which does not exist"


_MAYBE_BREAK = re.compile(r"[.?!\u2026]\S*\s")


def _sentence_spans(piece: str, offset: int) -> list[tuple[int, int]]:
    """Punkt's spans, skipping Punkt where it cannot split: no ".", "?" or "!" before a space.

    >>> _sentence_spans("Thank you", 5), _sentence_spans("Yes. No.", 0)
    ([(5, 14)], [(0, 4), (5, 8)])
    """
    if not _MAYBE_BREAK.search(piece):
        stripped = piece.strip()
        if not stripped:
            return []
        lead = len(piece) - len(piece.lstrip())
        return [(offset + lead, offset + lead + len(stripped))]
    from .segment import sentence_spans  # imported here: NLTK takes seconds to import, a cached build needs none
    return sentence_spans(piece, offset)


def document_rows(doc: Document) -> dict[str, list[dict]]:
    """The rows one document contributes to each table."""
    clean = doc.clean_piece or (lambda s: s)
    text = doc.text
    turns, sentences = [], []
    for t_index, turn in enumerate(doc.turns):
        paras = [normalize_text(clean(text[a:b])) for a, b in turn.pieces]
        turn_text = "\n\n".join(p for p in paras if p)
        s_index = 0
        for a, b in turn.pieces:
            for s, e in _sentence_spans(text[a:b], a):
                s_text = normalize_text(clean(text[s:e]))
                if not s_text:
                    continue
                sentences.append(dict(doc_id=doc.doc_id, turn_index=t_index, sentence_index=s_index, text=s_text,
                                      char_start=s, char_end=e, n_words=count_words(s_text)))
                s_index += 1
        turns.append(dict(doc_id=doc.doc_id, turn_index=t_index, speaker=turn.speaker, role=turn.role,
                          addressee=turn.addressee, stage_note=turn.stage_note, label=turn.label, text=turn_text,
                          char_start=turn.char_start, char_end=turn.char_end, n_words=count_words(turn_text),
                          n_sentences=s_index,
                          is_question=turn.is_question if turn.is_question is not None else turn.role == "press"))
    log = [dict(doc_id=doc.doc_id, char_start=e.char_start, char_end=e.char_end, reason=e.reason,
                text=text[e.char_start:e.char_end]) for e in doc.log]
    documents = [dict(doc_id=doc.doc_id, source_path=display_path(doc.source_path),
                      source_sha256=doc.source_sha256, format=doc.format, title=doc.title,
                      event_type=doc.event_type, event_date=doc.event_date, published_at=doc.published_at,
                      place=doc.place, principal=doc.principal, counterpart=doc.counterpart,
                      source_url=doc.source_url, n_chars=len(text), n_turns=len(turns),
                      n_words=sum(t["n_words"] for t in turns), n_sentences=len(sentences),
                      warnings=join_warnings(doc.warnings))]
    return dict(documents=documents, turns=turns, sentences=sentences, cleaning_log=log,
                texts=[dict(doc_id=doc.doc_id, text=text)])


def to_frames(rows: dict[str, list[dict]]) -> dict[str, pd.DataFrame]:
    """DataFrames with stable dtypes, even when a table is empty."""
    return {name: _fix_table(name, pd.DataFrame(rows.get(name, []), columns=_COLUMNS[name])) for name in TABLES}


def _fix_table(name: str, df: pd.DataFrame) -> pd.DataFrame:
    if name == "documents":
        df["event_date"] = pd.to_datetime(df["event_date"], errors="coerce")
        df["published_at"] = pd.to_datetime(df["published_at"], errors="coerce")
    if name in _INT_COLUMNS:
        df = df.astype({c: "int64" for c in _INT_COLUMNS[name]})
    if name == "turns":
        df["is_question"] = df["is_question"].astype(bool)
    return df


_COLUMNS = {
    "documents": ["doc_id", "source_path", "source_sha256", "format", "title", "event_type", "event_date",
                  "published_at", "place", "principal", "counterpart", "source_url", "n_chars", "n_turns",
                  "n_words", "n_sentences", "warnings"],
    "turns": ["doc_id", "turn_index", "speaker", "role", "addressee", "stage_note", "label", "text", "char_start",
              "char_end", "n_words", "n_sentences", "is_question", "affiliation"],
    "sentences": ["doc_id", "turn_index", "sentence_index", "text", "char_start", "char_end", "n_words"],
    "cleaning_log": ["doc_id", "char_start", "char_end", "reason", "text"],
    "texts": ["doc_id", "text"],
}
_INT_COLUMNS = {
    "documents": ["n_chars", "n_turns", "n_words", "n_sentences"],
    "turns": ["turn_index", "char_start", "char_end", "n_words", "n_sentences"],
    "sentences": ["turn_index", "sentence_index", "char_start", "char_end", "n_words"],
    "cleaning_log": ["char_start", "char_end"],
}


def build_corpus(corpus: str | Path = RAW_DIR, *, fmt: str | None = None, max_bytes: int = MAX_BYTES,
                 progress: bool = True, workers: int | None = None, cache_dir: str | Path | None = None,
                 speakers: str | Path | list | None = None) -> BuildResult:
    """Read every transcript under `corpus` into tables. Bad files are reported, not skipped silently.

    Args:
        corpus: a folder (read recursively) or one file.
        fmt: read every file as this format instead of detecting it.
        max_bytes: refuse files larger than this (memory stays bounded: one file is read at a time
            per worker).
        progress: show a progress bar (tqdm) when there are several files.
        workers: processes to use (default: all cores when there are enough files; 1 = no pool).
        cache_dir: keep results keyed by the content hashes of the bytes each file was read from, so that
            an unchanged corpus (or an unchanged file) is not read again. None: no cache.
        speakers: the user's speaker registry file(s), applied after the shipped starter.
    """
    from .progress import tqdm

    max_bytes = checked_max_bytes(max_bytes)
    root = resolve(corpus)
    listing = scan_corpus(corpus)
    files = listing.files
    registry_files = [str(resolve(p)) for p in ([speakers] if isinstance(speakers, (str, Path)) else speakers or [])]
    _check_registry_files(registry_files)
    from .registry import load_registry
    load_registry(registry_files)  # a bad registry stops the build here, before any file is read
    _check_sidecars(listing)
    settings = _settings_key(fmt, max_bytes, registry_files + [str(p) for p in listing.sidecars])
    cache = Path(cache_dir) if cache_dir is not None else None
    hashes = _file_hashes(files, cache, max_bytes)
    names = _names_in_corpus(files, root)
    if cache is not None and (hit := _load_corpus_cache(cache, key := _corpus_key(settings, names, hashes))) is not None:
        hit.key = key
        hit.errors[:0] = listing.problems
        hit.skipped = listing.skipped
        return hit

    doc_ids = _doc_ids(files, root)
    jobs = [(str(p), fmt, max_bytes, registry_files, doc_id) for p, doc_id in zip(files, doc_ids)]
    work = _work_folder(cache)
    try:
        assembler = _Assembler(work)
        n_workers = workers if workers is not None else (os.cpu_count() or 1)
        todo = [n for n in range(len(files))
                if cache is None or not _file_cache_path(cache, hashes[n], settings, doc_ids[n]).exists()]
        bar = tqdm(total=len(todo), desc="Reading transcripts", unit="file", disable=not progress or len(todo) < 2)
        computed, early = _read_files(jobs, todo, n_workers), {}
        todo_set, transient = set(todo), False
        for n in range(len(files)):
            res, fresh = None, n in todo_set
            if fresh:
                while n not in early:  # results come in corpus order, unless a worker died (see _read_files)
                    m, r = next(computed)
                    early[m] = r
                res = early.pop(n)
                bar.update()
            elif (cached := _load_file_cache(cache, hashes[n], settings, doc_ids[n])) is not None:
                res = (*cached, hashes[n])
            if res is None:  # a damaged cache entry: read the file now
                res, fresh = _process_file(jobs[n]), True
            status, payload, digest = res
            if not digest:  # read, but not to be kept: the file could not be read, or kept changing
                transient = True
            elif digest != hashes[n]:  # changed since it was hashed: everything is keyed by the bytes actually read
                if hashes[n]:
                    assembler.notes.append(f"{display_path(files[n])} changed while the build ran; its tables hold "
                                           "the version read (build again to be sure they match the file on disk)")
                hashes[n] = digest
            if cache is not None and fresh and digest:
                _save_file_cache(cache, digest, settings, doc_ids[n], (status, payload))
            assembler.add(files[n], (status, payload))
        bar.close()
        result = assembler.finish(registry_files, work / "tables")
    except BaseException as exc:
        import shutil
        shutil.rmtree(work, ignore_errors=True)
        if isinstance(exc, OSError):  # setting chunks aside or writing the tables: disk full, folder gone
            from .outdir import write_hint
            raise TranscriptError(display_path(work), f"could not write the tables ({exc.strerror or exc})",
                                  hint=write_hint(exc)) from None
        raise
    # a build that met a passing trouble (an unreadable or changing file, a dead worker) certifies nothing:
    # its tables are written, but the next build reads those files again
    result.key = None if transient else _corpus_key(settings, names, hashes)
    saved = None
    if cache is not None and result.key is not None:
        try:
            saved = _save_corpus_cache(cache, result.key, result)
        except OSError as exc:
            import warnings
            warnings.warn(f"build cache not written ({exc})", stacklevel=2)
    if saved is not None:
        try:
            os.rmdir(work)  # empty: its chunks were read and deleted, its tables moved into the cache
        except OSError:
            import shutil
            shutil.rmtree(work, ignore_errors=True)
        result.tables = saved
    else:  # the tables stay in the work folder as long as something refers to them
        result.tables.remove_with(work)
    result.errors[:0] = listing.problems
    result.skipped = listing.skipped
    return result


def checked_max_bytes(max_bytes: float) -> int:
    """The size limit for one file, refused unless it is a whole, positive number of bytes.

    >>> checked_max_bytes(2 ** 20)
    1048576
    >>> checked_max_bytes(float("nan"))
    Traceback (most recent call last):
    ...
    transcripts.errors.TranscriptError: <input>: the size limit must be a number of megabytes above 0 (got nan). \
e.g. --max-mb 50
    """
    import math
    ok = isinstance(max_bytes, (int, float)) and not isinstance(max_bytes, bool) and math.isfinite(max_bytes) \
        and max_bytes >= 1
    if not ok:
        shown = max_bytes / 2**20 if isinstance(max_bytes, (int, float)) and math.isfinite(max_bytes) else max_bytes
        raise TranscriptError(None, f"the size limit must be a number of megabytes above 0 (got {shown})",
                              hint="e.g. --max-mb 50")
    return int(max_bytes)


def _check_registry_files(paths: list[str]) -> None:
    """A speaker registry that is not UTF-8 is one clear error (the registry reader would raise a traceback)."""
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except OSError:
            continue  # the registry reader says what is wrong
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise TranscriptError(display_path(path), f"the speaker registry is not UTF-8 (byte 0x{data[exc.start]:02x} "
                                  f"at byte {exc.start})", line=data.count(b"\n", 0, exc.start) + 1,
                                  hint="Re-save it as UTF-8 (e.g. `iconv -f cp1252 -t utf-8`)") from None


def _check_sidecars(listing: CorpusListing) -> None:
    """Each `metadata.csv` read once here, so a broken one is one error naming its line (its folder's
    transcripts are built without it, each with a warning saying so), not one error per transcript."""
    from .readers.metadata import sidecar_rows
    for path in listing.sidecars:
        try:
            sidecar_rows(path.parent)
        except TranscriptError as exc:
            listing.problems.append(TranscriptError(display_path(path), exc.message, hint=exc.hint, line=exc.line))


def _corpus_key(settings: str, names: list[str], hashes: list[str]) -> str:
    """The key of a corpus: the build settings, each file's name in the corpus and its hash."""
    return hashlib.sha256((settings + "".join(f"{n}\0{h}\n" for n, h in zip(names, hashes)))
                          .encode()).hexdigest()[:32]


def _read_files(jobs: list[tuple], todo: list[int], n_workers: int):
    """(index, result) for each file in `todo`, in order unless a worker died: read here, or by a process
    pool when there are enough of them (a few chunks of files in flight per worker, so results never pile up
    in memory).

    A worker that dies (killed, out of memory) takes the pool down; the chunks it may have held are then
    read again file by file, each file in a process of its own, so that the file that kills its reader is
    named and every other file is read."""
    if n_workers <= 1 or len(todo) < 8:
        for n in todo:
            yield n, _process_file(jobs[n])
        return
    from collections import deque
    from concurrent.futures.process import BrokenProcessPool

    from .segment import sentence_tokenizer
    sentence_tokenizer()  # import NLTK once here: forked workers inherit it instead of each importing it
    remaining = list(todo)
    while remaining:
        size = max(1, min(8, len(remaining) // (n_workers * 16)))
        chunks = iter([remaining[i:i + size] for i in range(0, len(remaining), size)])
        n_pool = min(n_workers, -(-len(remaining) // size))
        failed: list[list[int]] = []
        with _fork_pool(n_pool) as pool:
            in_flight = deque((chunk, pool.submit(_process_chunk, [jobs[n] for n in chunk]))
                              for chunk in itertools.islice(chunks, 4 * n_pool))
            while in_flight:
                chunk, future = in_flight.popleft()
                try:
                    results = future.result()
                except BrokenProcessPool:
                    failed.append(chunk)
                    continue
                yield from zip(chunk, results)
                if not failed and (following := next(chunks, None)) is not None:
                    try:
                        in_flight.append((following, pool.submit(_process_chunk, [jobs[n] for n in following])))
                    except BrokenProcessPool:  # the pool broke under another chunk: it is sent again below
                        failed.append(following)
        # the dead worker held one of the first chunks that failed (the pool hands chunks out in order, at
        # most one more than it has workers): those are read file by file; the rest go to a new pool
        for chunk in failed[:n_pool + 1]:
            for n in chunk:
                yield n, _process_alone(jobs[n])
        remaining = [n for chunk in failed[n_pool + 1:] for n in chunk] + [n for chunk in chunks for n in chunk]


def _fork_pool(workers: int):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    ctx = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx)


def _process_chunk(jobs: list[tuple]) -> list[tuple]:
    return [_process_file(job) for job in jobs]


def _process_alone(job: tuple) -> tuple:
    """`_process_file` in a process of its own; a process that dies gives an error naming the file."""
    import multiprocessing
    import signal
    ctx = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else \
        multiprocessing.get_context()
    reader, writer = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_send_result, args=(job, writer), daemon=True)
    proc.start()
    writer.close()
    try:
        result = reader.recv()
    except EOFError:
        result = None
    proc.join()
    reader.close()
    if result is not None:
        return result
    code = proc.exitcode
    if code is not None and code < 0:
        try:
            how = f"killed by signal {signal.Signals(-code).name}"
        except ValueError:
            how = f"killed by signal {-code}"
        how += " (the system may have run out of memory)" if -code == signal.SIGKILL else ""
    else:
        how = f"ended with exit status {code}"
    return "error", (display_path(job[0]), f"the process reading the file stopped: {how}",
                     "The other files were built; if memory ran out, free some or split the file", None), ""


def _send_result(job: tuple, writer) -> None:
    writer.send(_process_file(job))
    writer.close()


def _process_file(job: tuple) -> tuple[str, object, str]:
    """Worker: one file → (status, payload, digest): ("ok", [each document's columns], sha256 of the bytes
    read) or ("error", (path, message, hint, line), digest). The digest is "" when the result must not be
    cached (the file could not be read, or it changed while it was read). A file that changes while it is
    read is read once more; one that keeps changing is an error."""
    path = job[0]
    for _ in range(2):
        try:
            before = _identity(path)
        except OSError as exc:
            return _os_error(path, exc)
        status, payload, digest = _read_file(job)
        try:
            if _identity(path) == before:
                return status, payload, digest
        except OSError as exc:
            return _os_error(path, exc)
    return "error", (display_path(path), "the file changed while it was being read",
                     "Build again once nothing is writing to it", None), ""


def _read_file(job: tuple) -> tuple[str, object, str]:
    path, fmt, max_bytes, registry_files, doc_id = job
    from .registry import load_registry
    digest = ""
    try:
        identity = _identity(path)
        # a file over the limit is refused unread: its stand-in digest is the one `_file_hashes` gives it
        digest = _sha256(path) if identity[1] <= max_bytes else "over the limit:" + ":".join(map(str, identity))
        docs = read_documents(path, fmt=fmt, max_bytes=max_bytes, doc_id=doc_id,
                              registry=load_registry(registry_files))
        return "ok", [_columns(document_rows(doc)) for doc in docs], digest
    except TranscriptError as exc:
        return "error", (display_path(exc.path) if exc.path else exc.path, exc.message, exc.hint, exc.line), digest
    except OSError as exc:
        return _os_error(path, exc)
    except RecursionError:
        return "error", (display_path(path), "the file is nested too deeply to be read (Python's recursion limit)",
                         "Simplify its structure (e.g. fewer nested HTML elements)", None), digest
    except MemoryError:
        return "error", (display_path(path), "not enough memory to read the file",
                         "Free some memory, or split the file", None), ""
    except Exception as exc:  # noqa: BLE001 - a reader bug must not take the whole build down
        return "error", (display_path(path), f"internal error while reading ({type(exc).__name__}: {exc})",
                         "Please report this with the file", None), digest


def _os_error(path: str, exc: OSError) -> tuple[str, object, str]:
    """A file the system will not let us read: one line naming it, never cached."""
    what = exc.strerror or str(exc)
    hint = ("Check that you may read it (permissions)" if isinstance(exc, PermissionError) else
            "Check that it is still there and that the disk can be read")
    return "error", (display_path(path), f"cannot read the file ({what})", hint, None), ""


def _identity(path: str) -> tuple[int, int, int, int]:
    """What changes whenever a file is written (its change time cannot be set back by a program)."""
    st = os.stat(path)
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def _sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _columns(rows: dict[str, list[dict]]) -> dict[str, dict[str, list]]:
    """One document's rows as columns: plain lists, cheap to send between processes and to cache, and the
    long `text` column as an Arrow array, so that the building process never holds it as Python strings."""
    import pyarrow as pa
    columns = {name: {c: [r.get(c) for r in rows.get(name, [])] for c in _COLUMNS[name]} for name in TABLES}
    for table in columns.values():
        if "text" in table:
            table["text"] = pa.array(table["text"], type=pa.string())
    return columns


class _Assembler:
    """Collects per-file results in corpus order (duplicates dropped, doc ids made unique) and sets them
    aside on disk a chunk of documents at a time, keeping in memory only what the corpus-wide steps need:
    the `documents` rows, each turn's speaker and label, and each document's sketch for near-duplicates
    (its speech goes to a file, read again only for candidate pairs). `finish` takes those steps, then
    writes each table chunk by chunk (`_TableWriter`), so the build's memory does not grow with the corpus
    (the documents' rows and two names a turn aside)."""

    def __init__(self, work: Path) -> None:
        self.errors: list[TranscriptError] = []
        self.duplicates: list[tuple[str, str]] = []
        self.notes: list[str] = []
        self.seen_hash: dict[str, str] = {}
        self.seen_ids: set[str] = set()
        self.work = work
        self.documents: dict[str, list] = {c: [] for c in _COLUMNS["documents"]}
        self.speakers: list = []  # each turn's speaker and label, in corpus order (for `unify_across`)
        self.labels: list = []
        self._names: dict = {}  # one string object per distinct name
        self.sketches: dict = {}  # doc_id -> sketch of its speech (quality.sketch_of)
        # doc_id -> (offset, bytes) of its speech and of its shingles in the files below, read again for
        # candidate near-duplicates only
        self.speech_at: dict[str, tuple[int, int]] = {}
        self.shingles_at: dict[str, tuple[int, int]] = {}
        self.speech = open(work / "speech.bin", "w+b")  # noqa: SIM115 - closed in finish
        self.shingles = open(work / "shingles.bin", "w+b")  # noqa: SIM115 - closed in finish
        self.chunk: list[dict] = []
        self.chunk_rows = 0
        self.spills: list[Path] = []

    def add(self, path: Path, result: tuple[str, object]) -> None:
        from .quality import sketch_of, speech_shingles, speech_words
        status, payload = result
        if status == "error":
            p, message, hint, line = payload
            self.errors.append(TranscriptError(p, message, hint=hint, line=line))
            return
        for doc in payload:
            sha, doc_id = doc["documents"]["source_sha256"][0], doc["documents"]["doc_id"][0]
            if sha in self.seen_hash:
                self.duplicates.append((display_path(path, follow_link=False), self.seen_hash[sha]))
                continue
            self.seen_hash[sha] = display_path(path, follow_link=False)
            if doc_id in self.seen_ids:
                n = 2
                while f"{doc_id}_{n}" in self.seen_ids:
                    n += 1
                doc_id = f"{doc_id}_{n}"
                for table in doc.values():
                    table["doc_id"] = [doc_id] * len(table["doc_id"])
            self.seen_ids.add(doc_id)
            for column, values in doc["documents"].items():
                self.documents[column].extend(values)
            turns, name = doc["turns"], self._names.setdefault
            self.speakers.extend(name(v, v) for v in turns["speaker"])
            self.labels.extend(name(v, v) for v in turns["label"])
            speech = "\n".join(turns["text"].to_pylist())  # as quality._speech joins a document's turns
            shingles = speech_shingles(speech_words(speech))
            if shingles is not None:
                self.sketches[doc_id] = sketch_of(shingles)
                data = speech.encode("utf-8", "surrogatepass")
                self.speech_at[doc_id] = (self.speech.tell(), len(data))
                self.speech.write(data)
                self.shingles_at[doc_id] = (self.shingles.tell(), len(shingles))
                self.shingles.write(shingles.tobytes())
            self.chunk.append(doc)
            self.chunk_rows += len(turns["doc_id"]) + len(doc["sentences"]["doc_id"])
        if self.chunk_rows >= BATCH_ROWS:
            self._spill()

    def _spill(self) -> None:
        """The documents collected since the last spill, pickled to a file of their own."""
        if not self.chunk:
            return
        path = self.work / f"chunk{len(self.spills):06d}.pkl"
        with open(path, "wb") as fh:
            pickle.dump(self.chunk, fh, protocol=pickle.HIGHEST_PROTOCOL)
        self.spills.append(path)
        self.chunk, self.chunk_rows = [], 0

    def _chunks(self) -> Iterator[list[dict]]:
        for path in self.spills:
            with open(path, "rb") as fh:
                chunk = pickle.load(fh)
            path.unlink()
            yield chunk

    def _shingles_of(self, doc_id: str):
        """A candidate near-duplicate's shingles, as `add` set them aside."""
        import numpy as np
        at, n = self.shingles_at[doc_id]
        self.shingles.seek(at)
        return np.frombuffer(self.shingles.read(n * 8), dtype=np.uint64)

    def _words_of(self, doc_id: str) -> list[str]:
        """A candidate near-duplicate's words, from its speech as `add` set it aside."""
        from .quality import speech_words
        at, size = self.speech_at[doc_id]
        self.speech.seek(at)
        return speech_words(self.speech.read(size).decode("utf-8", "surrogatepass"))

    def finish(self, registry_files: list[str], out: Path) -> BuildResult:
        """The corpus-wide steps (speakers unified across documents, affiliations, near-duplicates left out,
        warnings), then every table written into `out` chunk by chunk, in corpus order."""
        import functools
        import uuid

        from .quality import near_duplicates_from_sketches
        from .registry import load_registry, unify_across

        self._spill()
        documents = _fix_table("documents", pd.DataFrame(self.documents, columns=_COLUMNS["documents"])) \
            if self.documents["doc_id"] else to_frames({})["documents"]
        self.documents = {}
        # speakers: the names of every turn are enough to decide the renaming, a function of (label, speaker)
        names = pd.DataFrame({"speaker": self.speakers, "label": self.labels}, dtype=object)
        unified = unify_across(names)
        mapping = {} if unified is names else \
            {key: new for key, new in zip(zip(names.label, names.speaker), unified.speaker) if new != key[1]}
        del names, unified
        self.speakers, self.labels = [], []
        found = near_duplicates_from_sketches(documents, self.sketches,
                                              functools.lru_cache(maxsize=64)(self._shingles_of),
                                              functools.lru_cache(maxsize=4)(self._words_of))
        for fh in (self.speech, self.shingles):
            fh.close()
            os.unlink(fh.name)
        self.sketches, self.speech_at, self.shingles_at = {}, {}, {}
        gone = {drop for drop, _, _ in found}
        registry = load_registry(registry_files)
        affiliations: dict = {}

        def affiliation(speaker):
            if speaker not in affiliations:
                affiliations[speaker] = registry.affiliation(speaker)
            return affiliations[speaker]

        out.mkdir(parents=True, exist_ok=True)
        write_id = uuid.uuid4().hex
        writers = {name: _TableWriter(out / f"{name}.parquet", write_id) for name in TABLES if name != "documents"}
        renamed: dict[tuple[str, str], str] = {}
        try:
            for chunk in self._chunks():
                chunk = [doc for doc in chunk if doc["documents"]["doc_id"][0] not in gone]
                for name, writer in writers.items():
                    df = _chunk_frame(name, chunk)
                    if df is None:
                        continue
                    if name == "turns":
                        df = _unified_turns(df, mapping, affiliation, renamed)
                    writer.write(df)
                del chunk
            empty = to_frames({})
            empty["turns"] = _unified_turns(empty["turns"], mapping, affiliation, renamed)
            rows = {name: writer.close(empty[name]) for name, writer in writers.items()}
            if renamed:  # a principal known only as "Ms. Psaki" follows the turns' new name
                documents["principal"] = [renamed.get((d, p), p) for d, p in zip(documents.doc_id, documents.principal)]
            tables, near = check_documents({"documents": documents}, renamed or None, found)  # warnings
            docs_writer = _TableWriter(out / "documents.parquet", write_id)
            rows["documents"] = docs_writer.close(tables["documents"])
        finally:
            for writer in writers.values():
                writer.abort()
        return BuildResult(BuiltTables(out, write_id, rows), self.errors, self.duplicates, near_duplicates=near,
                           notes=self.notes)


def _chunk_frame(name: str, docs: list[dict]) -> pd.DataFrame | None:
    """One table's rows of a chunk of documents, with the table's dtypes (text as Arrow strings); None
    when the chunk has none."""
    import pyarrow as pa
    plain = [c for c in _COLUMNS[name] if c != "text"]
    columns: dict[str, list] = {c: [] for c in plain}
    texts = []
    for doc in docs:
        for column, values in doc[name].items():
            if column == "text":
                texts.append(values)  # an Arrow array per document
            else:
                columns[column].extend(values)
    if not columns["doc_id"]:
        return None
    df = pd.DataFrame(columns, columns=plain)
    if "text" in _COLUMNS[name]:
        df.insert(_COLUMNS[name].index("text"), "text",
                  pd.arrays.ArrowStringArray(pa.chunked_array(texts, type=pa.string())))
    return _fix_table(name, df)


def _unified_turns(turns: pd.DataFrame, mapping: dict, affiliation, renamed: dict) -> pd.DataFrame:
    """Turns with the speakers' names unified across documents (`mapping`: (label, speaker) -> name, from
    `registry.unify_across` over every turn), their affiliation, and an addressee renamed with the speaker
    of the same document; `renamed` collects (doc_id, old name) -> new name."""
    before = turns.speaker
    if mapping:
        turns = turns.copy()
        turns["speaker"] = [mapping.get(key, s) for key, s in zip(zip(turns.label, before), before)]
    turns["affiliation"] = turns.speaker.map({s: affiliation(s) for s in turns.speaker.unique()})
    if mapping:
        changed = before != turns.speaker
        if changed.any():
            here = dict(zip(zip(turns.doc_id[changed], before[changed]), turns.speaker[changed]))
            renamed.update(here)
            turns["addressee"] = [here.get((d, a), a) for d, a in zip(turns.doc_id, turns.addressee)]
    return turns


class _TableWriter:
    """One table written as Parquet, a row group per chunk: the schema is the first chunk's (a column empty
    in it typed as text, the type its cells have wherever they are filled), the write's id in its metadata;
    a table with no rows at all is written from the empty frame as `write_tables` would write it."""

    def __init__(self, path: Path, write_id: str) -> None:
        self.path, self.write_id = path, write_id
        self.writer = self.schema = None
        self.rows = 0

    def write(self, df: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq
        if self.writer is None:
            table = pa.Table.from_pandas(df, preserve_index=False)
            fields = [f.with_type(pa.string()) if pa.types.is_null(f.type) else f for f in table.schema]
            metadata = {**(table.schema.metadata or {}), WRITE_ID: self.write_id.encode()}
            self.schema = pa.schema(fields, metadata=metadata)
            table = table.cast(self.schema)
            self.writer = pq.ParquetWriter(str(self.path), self.schema)
        else:
            table = pa.Table.from_pandas(df, schema=self.schema, preserve_index=False)
        self.writer.write_table(table)
        self.rows += len(df)

    def close(self, whole: pd.DataFrame) -> int:
        """Finish the file; its rows. When no chunk was written, the file is `whole` (the table's empty frame,
        or a table kept whole, as `documents` is) written at once."""
        if self.writer is None:
            _write_parquet(whole, self.path, self.write_id)
            self.rows = len(whole)
        else:
            self.writer.close()
            self.writer = None
        return self.rows

    def abort(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


class BuiltTables(MutableMapping):
    """A build's five tables, as Parquet files in a folder (the build's cache, or a temporary folder): each
    read into pandas when first asked for (text as Arrow strings, as the build made it) and kept. `rows`
    counts them without reading them, `read(name, columns)` reads only some columns, and `write_tables`
    copies the files as they are. Assigning a table keeps the frame (then `write_tables` writes frames)."""

    def __init__(self, folder: Path, write_id: str, rows: dict[str, int]) -> None:
        self.folder, self.write_id, self.row_counts = Path(folder), write_id, dict(rows)
        self._frames: dict[str, pd.DataFrame] = {}
        self.edited = False

    def path(self, name: str) -> Path:
        return self.folder / f"{name}.parquet"

    @property
    def loaded(self) -> list[str]:
        """The tables read into pandas so far."""
        return list(self._frames)

    def rows(self, name: str) -> int:
        """Rows of one table (without reading it)."""
        return len(self._frames[name]) if name in self._frames else self.row_counts[name]

    def read(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        """One table (or some of its columns), read again from its file."""
        if name in self._frames:
            return self._frames[name] if columns is None else self._frames[name][columns]
        return _read_table(self.path(name), columns)

    def remove_with(self, folder: Path) -> None:
        """Delete `folder` (holding this one's) once nothing refers to these tables."""
        import weakref
        weakref.finalize(self, _remove_folder, str(folder))

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._frames:
            if name not in TABLES:
                raise KeyError(name)
            self._frames[name] = self.read(name)
        return self._frames[name]

    def __setitem__(self, name: str, value: pd.DataFrame) -> None:
        self._frames[name] = value
        self.edited = True

    def __delitem__(self, name: str) -> None:
        raise TypeError("a built table cannot be removed")

    def __iter__(self) -> Iterator[str]:
        return iter(TABLES)

    def __len__(self) -> int:
        return len(TABLES)

    def __repr__(self) -> str:
        return f"<BuiltTables {display_path(self.folder)}: " + ", ".join(f"{n} {self.rows(n)}" for n in TABLES) + ">"


def _remove_folder(folder: str) -> None:
    import shutil
    try:
        shutil.rmtree(folder, ignore_errors=True)
    except Exception:  # noqa: BLE001 - at exit or collection: a temporary folder left is no error
        pass


def _work_folder(cache: Path | None) -> Path:
    """A fresh folder for a build's chunks and tables: in the cache when there is one (the tables are then
    moved into it), else a temporary one. Folders left by builds that were killed are removed first."""
    import shutil
    import tempfile
    base = None
    if cache is not None:
        base = cache / "work"
        base.mkdir(parents=True, exist_ok=True)
        for old in base.glob("build-*"):
            pid = old.name.split("-")[1]
            if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
                shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"build-{os.getpid()}-", dir=base))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _affiliations(registry, speakers) -> dict[str, str | None]:
    return {s: registry.affiliation(s) for s in speakers}


def _doc_ids(files: list[Path], root: Path) -> list[str]:
    """Stable ids from file names; files sharing a name get one made from their path in the corpus."""
    seen: set[str] = set()
    ids = []
    for path in files:
        doc_id = _unique_id(path, root, seen)
        seen.add(doc_id)
        ids.append(doc_id)
    return ids


def _names_in_corpus(files: list[Path], root: Path) -> list[str]:
    """Each file's path within the corpus folder (its name, for a corpus of one file).

    >>> _names_in_corpus([Path("/c/a.txt"), Path("/c/2019/b.txt")], Path("/c"))
    ['a.txt', '2019/b.txt']
    """
    if len(files) == 1 and files[0] == root:
        return [root.name]
    prefix = str(root).rstrip(os.sep) + os.sep
    return [(s[len(prefix):] if (s := str(p)).startswith(prefix) else s).replace(os.sep, "/") for p in files]


def _file_hashes(files: list[Path], cache: Path | None = None, max_bytes: int = MAX_BYTES) -> list[str]:
    """SHA-256 of each file's bytes (read in blocks: memory stays small); "" for unreadable files, and a
    stand-in made of size and times for files over the size limit (they are refused, never read).

    With a cache, a file whose inode, size, modification and change times are unchanged since it was
    last hashed is not read again (as git does; the change time cannot be set back by a program).
    """
    index_path = cache / "hashes.json" if cache is not None else None
    index: dict[str, list] = {}
    if index_path is not None and index_path.exists():
        try:
            index = json.loads(index_path.read_text(encoding="utf-8"))
        except ValueError:
            index = {}
    out, changed = [], False
    for path in files:
        try:
            st = path.stat()
        except OSError:
            out.append("")
            continue
        stamp = [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]  # as `_identity` gives them
        if st.st_size > max_bytes:
            out.append("over the limit:" + ":".join(map(str, stamp)))
            continue
        key = str(path)  # absolute: the corpus folder is resolved once, its files are found under it
        known = index.get(key)
        if known and known[:-1] == stamp:
            out.append(known[-1])
            continue
        try:
            out.append(_sha256(path))
        except OSError:
            out.append("")
            continue
        index[key] = [*stamp, out[-1]]
        changed = True
    if index_path is not None and changed:
        atomic_write(index_path, json.dumps(index).encode("utf-8"), what="build cache")
    return out


def _settings_key(fmt: str | None, max_bytes: int, registry_files: list[str]) -> str:
    """What, besides a file's bytes, decides its tables: the code, the resources, the options."""
    from .paths import PACKAGE_DIR, RESOURCES_DIR
    h = hashlib.sha256(f"{fmt}|{max_bytes}|{CACHE_VERSION}".encode())
    sources = sorted((PACKAGE_DIR / "readers").glob("*.py")) + [PACKAGE_DIR / f"{m}.py" for m in
                                                              ("build", "clean", "segment", "labels", "registry",
                                                               "model", "errors", "roles", "quality")]
    sources += [RESOURCES_DIR / "abbreviations.txt", RESOURCES_DIR / "speakers.csv", RESOURCES_DIR / "outlets.txt"]
    for path in sources + [Path(p) for p in registry_files]:
        try:
            h.update(path.read_bytes())
        except OSError:
            h.update(str(path).encode())
    return h.hexdigest()[:16]


def _file_cache_path(cache: Path, file_hash: str, settings: str, doc_id: str) -> Path:
    key = hashlib.sha256(f"{file_hash}|{settings}|{doc_id}".encode()).hexdigest()[:40]
    return cache / "files" / key[:2] / f"{key}.pkl"


def _load_file_cache(cache: Path, file_hash: str, settings: str, doc_id: str):
    path = _file_cache_path(cache, file_hash, settings, doc_id)
    if not file_hash or not path.exists():
        return None
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except Exception:  # noqa: BLE001 - a damaged cache entry is just a miss
        return None


def _save_file_cache(cache: Path, file_hash: str, settings: str, doc_id: str, result) -> None:
    if not file_hash:
        return
    path = _file_cache_path(cache, file_hash, settings, doc_id)
    atomic_write(path, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL), what="build cache")


def _read_table(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """A built table (Parquet) with its `text` column kept as Arrow strings, as the build made it."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    table = pq.read_table(str(path), columns=columns)
    if "text" not in table.column_names or not _is_text_type(table.schema.field("text").type):
        return table.to_pandas()
    at = table.column_names.index("text")
    df = table.drop(["text"]).to_pandas()
    df.insert(at, "text", pd.arrays.ArrowStringArray(table.column("text")))
    return df


def _is_text_type(arrow_type) -> bool:
    """Arrow strings, as pandas writes its Arrow-backed text (large strings) or others write it."""
    import pyarrow as pa
    return pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type)


def _load_corpus_cache(cache: Path, key: str) -> BuildResult | None:
    folder = cache / "corpus" / key
    try:
        info = json.loads((folder / "result.json").read_text(encoding="utf-8"))
        tables = BuiltTables(folder, info["write_id"], info["rows"])
        if not all(tables.path(name).exists() and name in tables.row_counts for name in TABLES):
            return None
    except Exception:  # noqa: BLE001 - missing, damaged or of an older version: just a miss
        return None
    errors = [TranscriptError(p, m, hint=h, line=ln) for p, m, h, ln in info["errors"]]
    return BuildResult(tables, errors, [tuple(d) for d in info["duplicates"]],
                       near_duplicates=[tuple(d) for d in info.get("near_duplicates", [])], notes=info.get("notes", []))


def _save_corpus_cache(cache: Path, key: str, result: BuildResult) -> BuiltTables:
    """Move the build's tables (a folder of Parquet files, `result.tables`) into the cache as the snapshot of
    `key`, with what else the result holds; the snapshot's tables."""
    import shutil
    tables = result.tables
    folder = cache / "corpus" / key
    _write_snapshot_record(tables.folder / "result.json", {
        "errors": [(e.path, e.message, e.hint, e.line) for e in result.errors],
        "duplicates": result.duplicates, "near_duplicates": result.near_duplicates, "notes": result.notes,
        "write_id": tables.write_id, "rows": tables.row_counts})
    folder.parent.mkdir(parents=True, exist_ok=True)
    if (known := _load_corpus_cache(cache, key)) is not None:  # another build saved it meanwhile
        return known.tables
    shutil.rmtree(folder, ignore_errors=True)  # a snapshot of an older version
    os.replace(tables.folder, folder)
    _prune(cache / "corpus", keep=8)
    return BuiltTables(folder, tables.write_id, tables.row_counts)


def _write_snapshot_record(path: Path, record: dict) -> None:
    path.write_text(json.dumps(record), encoding="utf-8")


def _prune(folder: Path, keep: int) -> None:
    """Keep only the most recent corpus snapshots."""
    import shutil
    snaps = sorted((p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")),
                   key=lambda p: p.stat().st_mtime, reverse=True)
    for old in snaps[keep:]:
        shutil.rmtree(old, ignore_errors=True)


def _unique_id(path: Path, corpus: Path, seen: set[str]) -> str:
    """The file's id, or (when two files share a name) one made from its path within the corpus. Names
    without ASCII letters are transliterated (see `transcripts.ids`)."""
    from .ids import id_for_name
    from .readers import doc_id_for
    doc_id = id_for_name(path.stem) or doc_id_for(path)
    if doc_id in seen and corpus.is_dir():
        rel = path.relative_to(corpus).with_suffix("")
        joined = "__".join(rel.parts)
        doc_id = id_for_name(joined) or doc_id_for(Path(joined + path.suffix))
    return doc_id


def write_tables(tables: dict[str, pd.DataFrame], out_dir: str | Path = PROCESSED_DIR, *,
                 key: str | None = None) -> Path:
    """Write each table as `<out_dir>/<name>.parquet`, then the stamp `<out_dir>/.build_key` that
    certifies them; `load_tables` reads only tables the stamp certifies.

    The write is exclusive and atomic: a lock on the folder makes a second build wait for the first;
    the old stamp goes first, each table is written under a temporary name and renamed into place, and
    the new stamp comes last, naming a random id that each table also carries in its metadata, with the
    rows of each. So a build stopped half way (killed, disk full) leaves nothing certified, and tables of
    two builds are never certified together.

    With `key` (a `BuildResult.key`), tables already certified for the same key are left as they are,
    so an unchanged corpus is not written again.

    Raises:
        TranscriptError: the folder cannot be written (a file in its place, read-only, disk full).
    """
    import uuid

    from .outdir import folder_lock, writable_folder, write_hint
    out = writable_folder(out_dir)
    try:
        with folder_lock(out):
            if tables_written_for(out, key, tables):
                return out
            stamp = out / STAMP
            stamp.unlink(missing_ok=True)  # nothing is certified while the tables change
            if isinstance(tables, BuiltTables) and not tables.edited:  # the build's files, copied as they are
                write_id, rows = tables.write_id, tables.row_counts
                for name in TABLES:
                    _write_parquet(tables.path(name), out / f"{name}.parquet", write_id)
            else:
                write_id = uuid.uuid4().hex
                for name, df in tables.items():
                    _write_parquet(df, out / f"{name}.parquet", write_id)
                rows = {name: len(df) for name, df in tables.items()}
            record = {"key": key, "write_id": write_id, "rows": rows}
            atomic_write(stamp, (json.dumps(record, indent=1) + "\n").encode("utf-8"), what="stamp", strict=True)
    except OSError as exc:
        raise TranscriptError(display_path(out), f"could not write the tables ({exc.strerror or exc})",
                              hint=write_hint(exc)) from None
    return out


def _write_parquet(df: pd.DataFrame | Path, path: Path, write_id: str) -> None:
    """`df.to_parquet(path)` under a temporary name renamed into place, the write's id in its metadata; or,
    given the path of a table the build wrote (carrying `write_id` already), a copy of that file."""
    import shutil

    import pyarrow as pa
    import pyarrow.parquet as pq
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if isinstance(df, Path):
            shutil.copyfile(df, tmp)
            os.replace(tmp, path)
            return
        table = pa.Table.from_pandas(df, preserve_index=False)
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), WRITE_ID: write_id.encode()})
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _read_stamp(folder: Path) -> dict | None:
    try:
        record = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ok = isinstance(record, dict) and isinstance(record.get("write_id"), str) and isinstance(record.get("rows"), dict)
    return record if ok else None


def _certified(meta, stamp: dict, name: str) -> bool:
    """True when a table's Parquet metadata carries the stamp's write id and row count."""
    return (meta.metadata or {}).get(WRITE_ID) == stamp["write_id"].encode() and \
        meta.num_rows == stamp["rows"].get(name)


def tables_written_for(out_dir: str | Path, key: str | None, names=TABLES) -> bool:
    """True when `out_dir` holds every table, certified by the stamp `write_tables` wrote for this
    `BuildResult.key`."""
    import pyarrow.parquet as pq
    out = resolve(out_dir)
    stamp = _read_stamp(out)
    if not key or stamp is None or stamp.get("key") != key:
        return False
    try:
        return all(_certified(pq.read_metadata(out / f"{name}.parquet"), stamp, name) for name in names)
    except Exception:  # noqa: BLE001 - missing or unreadable: not certified
        return False


def check_certified(processed_dir: str | Path) -> None:
    """Raise the error `load_tables` would when the tables of a folder are not all certified by its stamp
    (reads only each table's footer: for readers that query the files where they lie, such as DuckDB).

    Raises:
        TranscriptError: the stamp is missing, or a table is not the one it certifies.
    """
    import pyarrow.parquet as pq
    src = resolve(processed_dir)
    stamp = _stamp_or_error(src)
    for name in TABLES:
        path = src / f"{name}.parquet"
        try:
            ok = _certified(pq.read_metadata(path), stamp, name)
        except Exception:  # noqa: BLE001 - missing or unreadable: not certified
            ok = False
        if not ok:
            raise _uncertified(path)


def _stamp_or_error(src: Path) -> dict:
    stamp = _read_stamp(src)
    if stamp is None:
        raise TranscriptError(display_path(src), "the tables are not certified by a finished build (its stamp "
                              f"{STAMP} is missing: a build was stopped, is running, or an older version wrote them)",
                              hint="Build them again: `python -m transcripts build CORPUS --out FOLDER` (or `make run`)")
    return stamp


def _uncertified(path: Path) -> TranscriptError:
    return TranscriptError(display_path(path), "this table is not the one the build's stamp certifies (two "
                           "builds wrote into the folder at once, or one was stopped while writing)",
                           hint="Build the tables again: `python -m transcripts build` (or `make run`)")


def load_tables(processed_dir: str | Path = PROCESSED_DIR) -> dict[str, pd.DataFrame]:
    """Read the processed tables written by `write_tables`, each checked against the stamp that certifies
    them (so tables of an interrupted build, or of two builds at once, are refused, never read)."""
    src = resolve(processed_dir)
    stamp = tables_stamp(src)
    return {name: read_table(src, name, stamp) for name in TABLES}


def tables_stamp(processed_dir: str | Path = PROCESSED_DIR) -> dict:
    """The stamp certifying a folder's tables (give it to `read_table` to read tables of that build only).

    Raises:
        TranscriptError: tables missing, or no finished build's stamp.
    """
    src = resolve(processed_dir)
    missing = [name for name in TABLES if not (src / f"{name}.parquet").exists()]
    if missing:
        raise TranscriptError(display_path(src), f"processed tables missing: {', '.join(missing)}",
                              hint="Build them first: `python -m transcripts build` (or `make run`)")
    return _stamp_or_error(src)


def read_table(processed_dir: str | Path, name: str, stamp: dict | None = None, *,
               columns: list[str] | None = None, doc_ids: list[str] | None = None,
               categorical: bool = False) -> pd.DataFrame:
    """One processed table, as `load_tables` reads it, checked against `stamp` (from `tables_stamp`: a reader
    that reads its tables one at a time gets them all from the same build, or an error, never a mix).
    `columns`: only these; `doc_ids`: only the rows of these documents (the rest never read into pandas);
    `categorical` (with `columns`): string columns as pandas categoricals (a fraction of the memory)."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    src = resolve(processed_dir)
    stamp = stamp if stamp is not None else tables_stamp(src)
    path = src / f"{name}.parquet"
    try:
        # one open file, so the table read is the one checked (Arrow's own file: a Python file object
        # would be read from Arrow's threads, which can abort the interpreter at exit)
        with pa.OSFile(str(path)) as fh:
            if _certified(pq.read_metadata(fh), stamp, name):
                fh.seek(0)
                if columns is None and doc_ids is None:
                    return pd.read_parquet(fh)
                table = pq.ParquetFile(fh).read(columns=columns)
                if doc_ids is not None:
                    import pyarrow.compute as pc
                    table = table.filter(pc.is_in(table.column("doc_id"), pa.array(list(doc_ids), pa.string())))
                return table.to_pandas(strings_to_categorical=categorical)
    except Exception:  # noqa: BLE001 - unreadable: not certified, said below
        pass
    raise _uncertified(path)


class certified_parquet:
    """One processed table's Parquet file, open (`with certified_parquet(folder, name, stamp) as parquet:`, a
    `pyarrow.parquet.ParquetFile`), checked against the build's stamp first as `read_table` checks it.

    Raises:
        TranscriptError: the file is missing, unreadable, or not the one the stamp certifies.
    """

    def __init__(self, folder: str | Path, name: str, stamp: dict):
        self.path, self.name, self.stamp = Path(folder) / f"{name}.parquet", name, stamp

    def __enter__(self):
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            self.fh = pa.OSFile(str(self.path))
            parquet = pq.ParquetFile(self.fh)
            ok = _certified(parquet.metadata, self.stamp, self.name)
        except Exception:  # noqa: BLE001 - unreadable: not certified, said below
            ok = False
        if not ok:
            raise _uncertified(self.path)
        return parquet

    def __exit__(self, *exc) -> None:
        self.fh.close()


def table_batches(processed_dir: str | Path, name: str, stamp: dict | None = None, *,
                  rows: int = 50_000, arrow_text: bool = False, columns: list[str] | None = None) -> Iterator[pd.DataFrame]:
    """One processed table, `rows` rows at a time, as `read_table` reads it (same dtypes; with `arrow_text`,
    its `text` column as Arrow strings, as the build made it: cheaper to scan and to write as CSV), checked
    against `stamp` first: for readers that must see every row without holding the table. `columns`: only these."""
    import pyarrow as pa
    src = resolve(processed_dir)
    stamp = stamp if stamp is not None else tables_stamp(src)
    with certified_parquet(src, name, stamp) as parquet:
        if parquet.metadata.num_rows == 0:
            yield parquet.read(columns=columns).to_pandas()
            return
        schema = parquet.schema_arrow if columns is None else pa.schema([parquet.schema_arrow.field(c) for c in columns])
        for batch in parquet.iter_batches(batch_size=rows, columns=columns):
            table = pa.Table.from_batches([batch], schema=schema)
            text = arrow_text and "text" in table.column_names and _is_text_type(table.schema.field("text").type)
            if not text:
                yield table.to_pandas()
                continue
            df = table.drop(["text"]).to_pandas()
            df.insert(table.column_names.index("text"), "text", pd.arrays.ArrowStringArray(table.column("text")))
            yield df


def coverage(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per document: characters in turns, in the log, and any gaps or overlaps (should be none)."""
    from .clean import coverage_problems

    def columns(name: str, names: list[str]) -> pd.DataFrame:  # built tables on disk: only these columns read
        return tables.read(name, names) if isinstance(tables, BuiltTables) else tables[name][names]

    spans = pd.concat([columns("turns", ["doc_id", "char_start", "char_end"]).assign(in_turn=True),
                       columns("cleaning_log", ["doc_id", "char_start", "char_end"]).assign(in_turn=False)],
                      ignore_index=True).sort_values(["doc_id", "char_start", "char_end"], kind="stable")
    spans["length"] = spans.char_end - spans.char_start
    docs = columns("documents", ["doc_id", "n_chars"])
    in_turns = spans[spans.in_turn].groupby("doc_id").length.sum()
    in_log = spans[~spans.in_turn].groupby("doc_id").length.sum()
    # Spans tile a document when each starts where the previous ended, the first at 0, the last at n_chars.
    prev_end = spans.groupby("doc_id").char_end.shift(fill_value=0)
    bad_docs = set(spans.doc_id[(spans.char_start != prev_end) | (spans.length < 0)])
    last_end = spans.groupby("doc_id").char_end.last()
    rows = []
    for doc_id, n_chars in zip(docs.doc_id, docs.n_chars):
        problems = None
        if doc_id in bad_docs or int(last_end.get(doc_id, 0)) != n_chars:
            group = spans[spans.doc_id == doc_id]
            problems = "; ".join(coverage_problems(int(n_chars), list(zip(group.char_start, group.char_end)))) or None
        t, g = int(in_turns.get(doc_id, 0)), int(in_log.get(doc_id, 0))
        rows.append(dict(doc_id=doc_id, n_chars=int(n_chars), chars_in_turns=t, chars_in_log=g,
                         coverage=(t + g) / n_chars if n_chars else 1.0, problems=problems))
    return pd.DataFrame(rows, columns=["doc_id", "n_chars", "chars_in_turns", "chars_in_log", "coverage", "problems"])
