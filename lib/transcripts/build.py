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

import hashlib
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
CACHE_VERSION = 1
#: Files in a corpus folder that are documentation, not transcripts.
SKIP_NAMES = {"readme", "readme.md", "readme.txt", "license", "license.md", "license.txt", "index.csv",
              ".gitkeep", ".ds_store", "notice", "notice.md", "metadata.csv"}  # metadata.csv: read with its files


@dataclass
class BuildResult:
    """The tables of a build, and the files that could not be read (with why)."""

    tables: dict[str, pd.DataFrame]
    errors: list[TranscriptError] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (skipped file, file it duplicates)
    # (file left out, file kept, share of words the same): the same event twice (quality.drop_near_duplicates)
    near_duplicates: list[tuple[str, str, float]] = field(default_factory=list)
    key: str | None = None  # hash of the corpus files' contents and the build settings

    @property
    def ok(self) -> bool:
        return not self.errors


def corpus_files(corpus: str | Path) -> list[Path]:
    """Transcript files in a folder (recursively, sorted), or the one file given."""
    corpus = resolve(corpus)
    if corpus.is_file():
        return [corpus]
    if not corpus.is_dir():
        raise TranscriptError(corpus, "no such folder or file", hint="Check the corpus path (relative paths are "
                              "taken from the project root)")
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and not _skipped(p.relative_to(corpus)))
    if not files:
        raise TranscriptError(corpus, "the folder holds no transcript files",
                              hint="Put .txt, .html, .md, .csv or .jsonl transcripts in it")
    return files


def _skipped(rel: Path) -> bool:
    return any(part.startswith(".") for part in rel.parts) or rel.name.lower() in SKIP_NAMES


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
        cache_dir: keep results keyed by the files' content hashes here, so that an unchanged corpus
            (or an unchanged file) is not read again. None: no cache.
        speakers: the user's speaker registry file(s), applied after the shipped starter.
    """
    from .progress import tqdm

    root = resolve(corpus)
    files = corpus_files(corpus)
    registry_files = [str(resolve(p)) for p in ([speakers] if isinstance(speakers, (str, Path)) else speakers or [])]
    from .registry import load_registry
    load_registry(registry_files)  # a bad registry stops the build here, before any file is read
    settings = _settings_key(fmt, max_bytes, registry_files)
    cache = Path(cache_dir) if cache_dir is not None else None
    hashes = _file_hashes(files, cache)
    corpus_key = hashlib.sha256((settings + "".join(f"{_rel(p, root)}\0{h}\n" for p, h in zip(files, hashes)))
                                .encode()).hexdigest()[:32]
    if cache is not None and (hit := _load_corpus_cache(cache, corpus_key)) is not None:
        hit.key = corpus_key
        return hit

    doc_ids = _doc_ids(files, root)
    jobs = [(str(p), fmt, max_bytes, registry_files, doc_id) for p, doc_id in zip(files, doc_ids)]
    assembler = _Assembler()
    n_workers = workers if workers is not None else (os.cpu_count() or 1)
    todo = [n for n in range(len(files))
            if cache is None or _load_file_cache(cache, hashes[n], settings, jobs[n][4]) is None]
    bar = tqdm(total=len(todo), desc="Reading transcripts", unit="file", disable=not progress or len(todo) < 2)
    for n, res in _results(jobs, todo, n_workers):
        if n in todo:
            bar.update()
            if cache is not None:
                _save_file_cache(cache, hashes[n], settings, jobs[n][4], res)
        else:
            res = _load_file_cache(cache, hashes[n], settings, jobs[n][4])
        assembler.add(files[n], res)
    bar.close()
    result = assembler.finish(registry_files)
    result.key = corpus_key
    if cache is not None:
        try:
            _save_corpus_cache(cache, corpus_key, result)
        except OSError as exc:
            import warnings
            warnings.warn(f"build cache not written ({exc})", stacklevel=2)
    return result


def _results(jobs: list[tuple], todo: list[int], n_workers: int):
    """(index, result) for every file in order: cached ones yield None (loaded by the caller), the rest
    are read here, by a process pool when there are enough of them."""
    todo_set = set(todo)
    if n_workers > 1 and len(todo) >= 8:
        import multiprocessing

        from .segment import sentence_tokenizer
        sentence_tokenizer()  # import NLTK once here: forked workers inherit it instead of each importing it
        from concurrent.futures import ProcessPoolExecutor

        ctx = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
        with ProcessPoolExecutor(max_workers=min(n_workers, len(todo)), mp_context=ctx) as pool:
            chunk = max(1, min(8, len(todo) // (n_workers * 16)))
            computed = pool.map(_process_file, [jobs[n] for n in todo], chunksize=chunk)
            for n in range(len(jobs)):
                yield n, (next(computed) if n in todo_set else None)
    else:
        for n in range(len(jobs)):
            yield n, (_process_file(jobs[n]) if n in todo_set else None)


def _process_file(job: tuple) -> tuple[str, object]:
    """Worker: one file → ("ok", [per-document frames]) or ("error", (path, message, hint, line))."""
    path, fmt, max_bytes, registry_files, doc_id = job
    from .registry import load_registry
    try:
        docs = read_documents(path, fmt=fmt, max_bytes=max_bytes, doc_id=doc_id,
                              registry=load_registry(registry_files))
        out = []
        for doc in docs:
            rows = document_rows(doc)
            out.append({name: _compact(pd.DataFrame(rows[name], columns=_COLUMNS[name])) for name in TABLES})
        return "ok", out
    except TranscriptError as exc:
        return "error", (exc.path, exc.message, exc.hint, exc.line)
    except Exception as exc:  # noqa: BLE001 - a reader bug must not take the whole build down
        return "error", (path, f"internal error while reading ({type(exc).__name__}: {exc})",
                         "Please report this with the file", None)


def _compact(df: pd.DataFrame) -> pd.DataFrame:
    """Long text columns as Arrow strings: a third of the memory of Python strings, same `.str` API."""
    if "text" in df.columns:
        df["text"] = df["text"].astype(TEXT_DTYPE)
    return df


class _Assembler:
    """Collects per-file results in corpus order: duplicates dropped, doc ids made unique, then the
    tables concatenated once and speakers unified across documents."""

    def __init__(self) -> None:
        self.errors: list[TranscriptError] = []
        self.duplicates: list[tuple[str, str]] = []
        self.seen_hash: dict[str, str] = {}
        self.seen_ids: set[str] = set()
        self.parts: dict[str, list[pd.DataFrame]] = {name: [] for name in TABLES}

    def add(self, path: Path, result: tuple[str, object]) -> None:
        status, payload = result
        if status == "error":
            p, message, hint, line = payload
            self.errors.append(TranscriptError(p, message, hint=hint, line=line))
            return
        for frames in payload:
            docs = frames["documents"]
            sha, doc_id = docs.source_sha256.iat[0], docs.doc_id.iat[0]
            if sha in self.seen_hash:
                self.duplicates.append((str(path), self.seen_hash[sha]))
                continue
            self.seen_hash[sha] = str(path)
            if doc_id in self.seen_ids:
                n = 2
                while f"{doc_id}_{n}" in self.seen_ids:
                    n += 1
                doc_id = f"{doc_id}_{n}"
                frames = {name: df.assign(doc_id=doc_id) for name, df in frames.items()}
            self.seen_ids.add(doc_id)
            for name in TABLES:
                if len(frames[name]):
                    self.parts[name].append(frames[name])

    def finish(self, registry_files: list[str]) -> BuildResult:
        from .registry import load_registry, unify_across

        tables = to_frames({})
        for name in TABLES:  # one table at a time, freeing the parts as we go
            if self.parts[name]:
                tables[name] = pd.concat(self.parts[name], ignore_index=True)
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
        tables, near = check_documents(tables, renamed if changed.any() else None)  # w12: near-duplicates, warnings
        return BuildResult(tables, self.errors, self.duplicates, near_duplicates=near)


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


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix() if root.is_dir() else path.name
    except ValueError:
        return path.as_posix()


def _file_hashes(files: list[Path], cache: Path | None = None) -> list[str]:
    """SHA-256 of each file's bytes (read in blocks: memory stays small); "" for unreadable files.

    With a cache, a file whose size and modification time are unchanged since it was last hashed is
    not read again (as git does).
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
        key = str(path.resolve())
        known = index.get(key)
        if known and known[0] == st.st_size and known[1] == st.st_mtime_ns:
            out.append(known[2])
            continue
        h = hashlib.sha256()
        try:
            with open(path, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
        except OSError:
            out.append("")
            continue
        out.append(h.hexdigest())
        index[key] = [st.st_size, st.st_mtime_ns, out[-1]]
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
    tmp.mkdir(parents=True, exist_ok=True)
    for name, df in result.tables.items():
        _write_table(df, tmp / f"{name}.arrow")
    (tmp / "result.json").write_text(json.dumps({
        "errors": [(e.path, e.message, e.hint, e.line) for e in result.errors],
        "duplicates": result.duplicates, "near_duplicates": result.near_duplicates}), encoding="utf-8")
    if folder.exists():
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)
        return
    os.replace(tmp, folder)
    _prune(cache / "corpus", keep=8)


def _prune(folder: Path, keep: int) -> None:
    """Keep only the most recent corpus snapshots."""
    import shutil
    snaps = sorted((p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")),
                   key=lambda p: p.stat().st_mtime, reverse=True)
    for old in snaps[keep:]:
        shutil.rmtree(old, ignore_errors=True)


def _unique_id(path: Path, corpus: Path, seen: set[str]) -> str:
    """The file's id, or (when two files share a name) one made from its path within the corpus."""
    from .readers import doc_id_for
    doc_id = doc_id_for(path)
    if doc_id in seen and corpus.is_dir():
        rel = path.relative_to(corpus).with_suffix("")
        doc_id = doc_id_for(Path("__".join(rel.parts) + path.suffix))
    return doc_id


def write_tables(tables: dict[str, pd.DataFrame], out_dir: str | Path = PROCESSED_DIR, *,
                 key: str | None = None) -> Path:
    """Write each table as `<out_dir>/<name>.parquet`.

    With `key` (a `BuildResult.key`), tables already written for the same key are left as they are,
    so an unchanged corpus is not written again.
    """
    out = resolve(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if tables_written_for(out, key, tables):
        return out
    stamp = out / ".build_key"
    stamp.unlink(missing_ok=True)
    for name, df in tables.items():
        df.to_parquet(out / f"{name}.parquet", index=False)
    if key:
        stamp.write_text(key + "\n", encoding="utf-8")
    return out


def tables_written_for(out_dir: str | Path, key: str | None, names=TABLES) -> bool:
    """True when `out_dir` holds every table, written by `write_tables` for this `BuildResult.key`."""
    out = resolve(out_dir)
    stamp = out / ".build_key"
    try:
        written = stamp.read_text(encoding="utf-8").strip()
    except OSError:
        return False
    return bool(key) and written == key and all((out / f"{name}.parquet").exists() for name in names)


def load_tables(processed_dir: str | Path = PROCESSED_DIR) -> dict[str, pd.DataFrame]:
    """Read the processed tables written by `write_tables`."""
    src = resolve(processed_dir)
    missing = [name for name in TABLES if not (src / f"{name}.parquet").exists()]
    if missing:
        raise TranscriptError(src, f"processed tables missing: {', '.join(missing)}",
                              hint="Build them first: `python -m transcripts build` (or `make run`)")
    return {name: pd.read_parquet(src / f"{name}.parquet") for name in TABLES}


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
