"""Corpus build: every transcript in a folder → the processed tables (Parquet).

Tables (the contract later notebooks, users and checks rely on; columns may be added, none renamed):
  documents    doc_id, source_path, source_sha256, format, title, event_type, event_date,
               published_at, place, principal, n_chars, n_turns, n_words, ...
  turns        doc_id, turn_index, speaker, role, addressee, stage_note, text, char_start, char_end,
               n_words, is_question, ...
  sentences    doc_id, turn_index, sentence_index, text, char_start, char_end, n_words
  cleaning_log doc_id, char_start, char_end, reason, text
  texts        doc_id, text (the decoded text that every char_start/char_end indexes)
"""
from __future__ import annotations

import errno
import hashlib
import itertools
import json
import os
import pickle
import re
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
#: Rows collected from files before they are packed into a DataFrame (memory stays bounded: packed
#: text is Arrow strings, a third of Python strings).
BATCH_ROWS = 50_000


@dataclass
class BuildResult:
    """The tables of a build, the files that could not be read (with why), and those left out on purpose."""

    tables: dict[str, pd.DataFrame]
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
    frames = {}
    for name in TABLES:
        df = pd.DataFrame(rows.get(name, []), columns=_COLUMNS[name])
        frames[name] = df
    return _fix_dtypes(frames)


def _fix_dtypes(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    docs = frames["documents"]
    docs["event_date"] = pd.to_datetime(docs["event_date"], errors="coerce")
    docs["published_at"] = pd.to_datetime(docs["published_at"], errors="coerce")
    for name, cols in _INT_COLUMNS.items():
        frames[name] = frames[name].astype({c: "int64" for c in cols})
    frames["turns"]["is_question"] = frames["turns"]["is_question"].astype(bool)
    return frames


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
    assembler = _Assembler()
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
    result = assembler.finish(registry_files)
    # a build that met a passing trouble (an unreadable or changing file, a dead worker) certifies nothing:
    # its tables are written, but the next build reads those files again
    result.key = None if transient else _corpus_key(settings, names, hashes)
    if cache is not None and result.key is not None:
        try:
            _save_corpus_cache(cache, result.key, result)
        except OSError as exc:
            import warnings
            warnings.warn(f"build cache not written ({exc})", stacklevel=2)
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
    """Collects per-file results in corpus order: duplicates dropped, doc ids made unique, then the
    tables concatenated once and speakers unified across documents."""

    def __init__(self) -> None:
        self.errors: list[TranscriptError] = []
        self.duplicates: list[tuple[str, str]] = []
        self.notes: list[str] = []
        self.seen_hash: dict[str, str] = {}
        self.seen_ids: set[str] = set()
        self.columns = self._empty()
        self.parts: dict[str, list[pd.DataFrame]] = {name: [] for name in TABLES}

    @staticmethod
    def _empty() -> dict[str, dict[str, list]]:
        return {name: {c: [] for c in _COLUMNS[name]} for name in TABLES}

    def add(self, path: Path, result: tuple[str, object]) -> None:
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
            for name in TABLES:
                for column, values in doc[name].items():
                    if column == "text":
                        self.columns[name][column].append(values)  # an Arrow array per document
                    else:
                        self.columns[name][column].extend(values)
        if len(self.columns["sentences"]["doc_id"]) >= BATCH_ROWS:
            self._pack()

    def _pack(self) -> None:
        """The rows collected so far, as one DataFrame per table."""
        import pyarrow as pa
        for name in TABLES:
            columns = self.columns[name]
            if not columns["doc_id"]:
                continue
            texts = columns.pop("text", None)
            df = pd.DataFrame(columns, columns=[c for c in _COLUMNS[name] if c != "text"])
            if texts is not None:
                text = pd.arrays.ArrowStringArray(pa.chunked_array(texts, type=pa.string()))
                df.insert(_COLUMNS[name].index("text"), "text", text)
            self.parts[name].append(df)
        self.columns = self._empty()

    def finish(self, registry_files: list[str]) -> BuildResult:
        from .registry import load_registry, unify_across

        self._pack()
        tables = to_frames({})
        for name in TABLES:  # one table at a time, freeing the parts as we go
            if self.parts[name]:
                tables[name] = pd.concat(self.parts[name], ignore_index=True) if len(self.parts[name]) > 1 \
                    else self.parts[name][0]
            self.parts[name] = []
        tables = _fix_dtypes(tables)
        registry = load_registry(registry_files)
        before = tables["turns"]
        turns = unify_across(before)
        turns["affiliation"] = turns.speaker.map(_affiliations(registry, turns.speaker.unique()))
        changed = before.speaker != turns.speaker
        if changed.any():  # a principal or addressee known only as "Ms. Psaki" follows the turns' new name
            renamed = dict(zip(zip(before.doc_id[changed], before.speaker[changed]), turns.speaker[changed]))
            docs = tables["documents"]
            docs["principal"] = [renamed.get((d, p), p) for d, p in zip(docs.doc_id, docs.principal)]
            turns["addressee"] = [renamed.get((d, a), a) for d, a in zip(turns.doc_id, turns.addressee)]
        tables["turns"] = turns
        tables, near = check_documents(tables, renamed if changed.any() else None)  # near-duplicates, warnings
        return BuildResult(tables, self.errors, self.duplicates, near_duplicates=near, notes=self.notes)


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


def _read_table(path: Path) -> pd.DataFrame:
    """A cached table (Arrow IPC, memory-mapped) with its `text` column kept as Arrow strings."""
    import pyarrow as pa
    with pa.memory_map(str(path)) as source:
        table = pa.ipc.open_file(source).read_all()
    if "text" not in table.column_names:
        return table.to_pandas()
    at = table.column_names.index("text")
    df = table.drop(["text"]).to_pandas()
    df.insert(at, "text", pd.arrays.ArrowStringArray(table.column("text")))
    return df


def _write_table(df: pd.DataFrame, path: Path) -> None:
    import pyarrow as pa
    table = pa.Table.from_pandas(df, preserve_index=False)
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def _load_corpus_cache(cache: Path, key: str) -> BuildResult | None:
    folder = cache / "corpus" / key
    meta = folder / "result.json"
    if not meta.exists():
        return None
    try:
        info = json.loads(meta.read_text(encoding="utf-8"))
        tables = {name: _read_table(folder / f"{name}.arrow") for name in TABLES}
    except Exception:  # noqa: BLE001 - a damaged cache entry is just a miss
        return None
    errors = [TranscriptError(p, m, hint=h, line=ln) for p, m, h, ln in info["errors"]]
    return BuildResult(tables, errors, [tuple(d) for d in info["duplicates"]],
                       near_duplicates=[tuple(d) for d in info.get("near_duplicates", [])])


def _save_corpus_cache(cache: Path, key: str, result: BuildResult) -> None:
    folder = cache / "corpus" / key
    tmp = cache / "corpus" / f".{key}.{os.getpid()}.tmp"
    import shutil
    try:
        tmp.mkdir(parents=True, exist_ok=True)
        for name, df in result.tables.items():
            _write_table(df, tmp / f"{name}.arrow")
        (tmp / "result.json").write_text(json.dumps({
            "errors": [(e.path, e.message, e.hint, e.line) for e in result.errors],
            "duplicates": result.duplicates, "near_duplicates": result.near_duplicates}), encoding="utf-8")
        if folder.exists():
            shutil.rmtree(tmp, ignore_errors=True)
            return
        os.replace(tmp, folder)
    except BaseException:  # disk full, interrupted: no half-written snapshot left behind
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _prune(cache / "corpus", keep=8)


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
            write_id = uuid.uuid4().hex
            for name, df in tables.items():
                _write_parquet(df, out / f"{name}.parquet", write_id)
            record = {"key": key, "write_id": write_id, "rows": {name: len(df) for name, df in tables.items()}}
            atomic_write(stamp, (json.dumps(record, indent=1) + "\n").encode("utf-8"), what="stamp", strict=True)
    except OSError as exc:
        raise TranscriptError(display_path(out), f"could not write the tables ({exc.strerror or exc})",
                              hint=write_hint(exc)) from None
    return out


def _write_parquet(df: pd.DataFrame, path: Path, write_id: str) -> None:
    """`df.to_parquet(path)` under a temporary name renamed into place, the write's id in its metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    table = pa.Table.from_pandas(df, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), WRITE_ID: write_id.encode()})
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
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


def read_table(processed_dir: str | Path, name: str, stamp: dict | None = None) -> pd.DataFrame:
    """One processed table, as `load_tables` reads it, checked against `stamp` (from `tables_stamp`: a reader
    that reads its tables one at a time gets them all from the same build, or an error, never a mix)."""
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
                return pd.read_parquet(fh)
    except Exception:  # noqa: BLE001 - unreadable: not certified, said below
        pass
    raise _uncertified(path)


def coverage(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per document: characters in turns, in the log, and any gaps or overlaps (should be none)."""
    from .clean import coverage_problems
    spans = pd.concat([tables["turns"][["doc_id", "char_start", "char_end"]].assign(in_turn=True),
                       tables["cleaning_log"][["doc_id", "char_start", "char_end"]].assign(in_turn=False)],
                      ignore_index=True).sort_values(["doc_id", "char_start", "char_end"], kind="stable")
    spans["length"] = spans.char_end - spans.char_start
    docs = tables["documents"][["doc_id", "n_chars"]]
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
