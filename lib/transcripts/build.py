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

import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .clean import count_words, normalize_text
from .errors import TranscriptError
from .model import Document
from .paths import PROCESSED_DIR, RAW_DIR, resolve
from .readers import MAX_BYTES, read_document
from .segment import sentence_spans

TABLES = ("documents", "turns", "sentences", "cleaning_log", "texts")
#: Files in a corpus folder that are documentation, not transcripts.
SKIP_NAMES = {"readme", "readme.md", "readme.txt", "license", "license.md", "license.txt", "index.csv",
              ".gitkeep", ".ds_store", "notice", "notice.md"}


@dataclass
class BuildResult:
    """The tables of a build, and the files that could not be read (with why)."""

    tables: dict[str, pd.DataFrame]
    errors: list[TranscriptError] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (skipped file, file it duplicates)

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
            for s, e in sentence_spans(text[a:b], a):
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
    documents = [dict(doc_id=doc.doc_id, source_path=_display_path(doc.source_path),
                      source_sha256=doc.source_sha256, format=doc.format, title=doc.title,
                      event_type=doc.event_type, event_date=doc.event_date, published_at=doc.published_at,
                      place=doc.place, principal=doc.principal, counterpart=doc.counterpart,
                      source_url=doc.source_url, n_chars=len(text), n_turns=len(turns),
                      n_words=sum(t["n_words"] for t in turns), n_sentences=len(sentences),
                      warnings="; ".join(doc.warnings) or None)]
    return dict(documents=documents, turns=turns, sentences=sentences, cleaning_log=log,
                texts=[dict(doc_id=doc.doc_id, text=text)])


def _display_path(path: str) -> str:
    """The source path relative to the project root when inside it (no machine paths in tables)."""
    from .paths import PROJECT_ROOT
    p = Path(path).resolve()
    try:
        return p.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return os.path.relpath(p, PROJECT_ROOT).replace(os.sep, "/")


def to_frames(rows: dict[str, list[dict]]) -> dict[str, pd.DataFrame]:
    """DataFrames with stable dtypes, even when a table is empty."""
    frames = {}
    for name in TABLES:
        df = pd.DataFrame(rows.get(name, []), columns=_COLUMNS[name])
        frames[name] = df
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
              "char_end", "n_words", "n_sentences", "is_question"],
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
                 progress: bool = True) -> BuildResult:
    """Read every transcript under `corpus` into tables. Bad files are reported, not skipped silently."""
    from tqdm.auto import tqdm

    files = corpus_files(corpus)
    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    errors: list[TranscriptError] = []
    duplicates: list[tuple[str, str]] = []
    seen_hash: dict[str, str] = {}
    seen_ids: set[str] = set()
    for path in tqdm(files, desc="Reading transcripts", unit="file", disable=not progress or len(files) < 2):
        try:
            doc = read_document(path, fmt=fmt, max_bytes=max_bytes, doc_id=_unique_id(path, resolve(corpus), seen_ids))
        except TranscriptError as exc:
            errors.append(exc)
            continue
        if doc.source_sha256 in seen_hash:
            duplicates.append((str(path), seen_hash[doc.source_sha256]))
            continue
        seen_hash[doc.source_sha256] = str(path)
        seen_ids.add(doc.doc_id)
        for name, new in document_rows(doc).items():
            rows[name].extend(new)
    return BuildResult(to_frames(rows), errors, duplicates)


def _unique_id(path: Path, corpus: Path, seen: set[str]) -> str:
    """The file's id, or (when two files share a name) one made from its path within the corpus."""
    from .readers import doc_id_for
    doc_id = doc_id_for(path)
    if doc_id in seen and corpus.is_dir():
        rel = path.relative_to(corpus).with_suffix("")
        doc_id = doc_id_for(Path("__".join(rel.parts) + path.suffix))
    return doc_id


def write_tables(tables: dict[str, pd.DataFrame], out_dir: str | Path = PROCESSED_DIR) -> Path:
    """Write each table as `<out_dir>/<name>.parquet`."""
    out = resolve(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        df.to_parquet(out / f"{name}.parquet", index=False)
    return out


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
    rows = []
    turns = tables["turns"].groupby("doc_id")
    log = tables["cleaning_log"].groupby("doc_id")
    for doc in tables["documents"].itertuples():
        t = turns.get_group(doc.doc_id) if doc.doc_id in turns.groups else tables["turns"].iloc[0:0]
        g = log.get_group(doc.doc_id) if doc.doc_id in log.groups else tables["cleaning_log"].iloc[0:0]
        spans = list(zip(t.char_start, t.char_end)) + list(zip(g.char_start, g.char_end))
        problems = coverage_problems(doc.n_chars, spans)
        in_turns = int((t.char_end - t.char_start).sum())
        in_log = int((g.char_end - g.char_start).sum())
        rows.append(dict(doc_id=doc.doc_id, n_chars=doc.n_chars, chars_in_turns=in_turns, chars_in_log=in_log,
                         coverage=(in_turns + in_log) / doc.n_chars if doc.n_chars else 1.0,
                         problems="; ".join(problems) or None))
    return pd.DataFrame(rows, columns=["doc_id", "n_chars", "chars_in_turns", "chars_in_log", "coverage", "problems"])
