"""Pre-split turns prepared elsewhere: CSV (or TSV) with a header, or JSON Lines, one turn per row.

    doc_id,speaker,text,date,title
    lavrov_2019,Sergey Lavrov,"Ladies and gentlemen, ...",2019-12-10,"Lavrov's remarks ..."
    lavrov_2019,Question,"Mr Lavrov, ...",,

Required: `speaker` and `text`. Optional: `doc_id` (default: the file name; one file may hold many
documents), `date` (or `event_date`), `title`, `role` (official|press|moderator|narration|other),
`addressee`, `published_at`, `place`, `source_url`, `turn_index` (rows are sorted by it when given).
A speaker named like a role ("Question", "Q", "Moderator", "Interpreter") gets that role; other named
speakers are `official` unless the `role` column says otherwise.

**Which text the offsets index.** The rows are rendered, per document, as a transcript in the plain
`Speaker: text` form, turns separated by a blank line; that rendering is the document's `text`
(stored in the `texts` table), the `Speaker: ` labels are in the cleaning log, and each turn's
paragraphs (text split at blank lines) are its pieces. `source_sha256` is the hash of the rendering,
so the same document found in two files is reported as a duplicate.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re

from ..clean import id_slug
from ..errors import TranscriptError
from ..labels import ROLE_LABELS
from ..model import ROLES, Document, LogEntry, Turn

NAME = "turns_table"
EXTENSIONS = (".csv", ".tsv", ".jsonl", ".ndjson")
REQUIRED = ("speaker", "text")


def sniff(text: str) -> float:
    """A header naming `speaker` and `text` columns, or a first JSON line with those keys.

    >>> sniff("doc_id,speaker,text\\na,B,c\\n"), sniff('{"speaker": "A", "text": "b"}\\n'), sniff("A: b")
    (0.9, 0.9, 0.0)
    >>> sniff("doc_id,speaker,words\\n")  # a table missing a column: read, to say which
    0.5
    """
    first = text.lstrip("\ufeff").split("\n", 1)[0].strip()
    if first.startswith("{"):
        try:
            row = json.loads(first)
        except ValueError:
            return 0.0
        return 0.9 if isinstance(row, dict) and all(k in row for k in REQUIRED) else 0.0
    cols = {c.strip().strip('"').lower() for c in re.split(r"[,\t;]", first)}
    if set(REQUIRED) <= cols:
        return 0.9
    return 0.5 if len(cols) >= 2 and cols & {"speaker", "text", "doc_id"} else 0.0  # a table, short of a column


def rows_of(text: str, path: str) -> list[tuple[int, dict]]:
    """(line number, row) for every row, keys lower-cased; a clear error for malformed input."""
    text = text.lstrip("\ufeff")
    if text.lstrip().startswith("{"):
        rows = []
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise TranscriptError(path, f"not valid JSON ({exc.msg})", line=n,
                                      hint="Each line of a JSONL file must be one JSON object") from None
            if not isinstance(row, dict):
                raise TranscriptError(path, "a JSONL line must be an object with speaker and text", line=n)
            rows.append((n, {str(k).lower(): v for k, v in row.items()}))
        return rows
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else (";" if first.count(";") > first.count(",") else ",")
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [(reader.line_num, {(k or "").strip().lower(): v for k, v in row.items()}) for row in reader]
    except csv.Error as exc:
        raise TranscriptError(path, f"not valid CSV ({exc})", line=reader.line_num) from None


def parse(doc: Document) -> None:
    """Read a file holding one document (the first, when it holds several; see `parse_many`)."""
    docs = parse_many(doc)
    first = docs[0]
    for name in ("text", "turns", "log", "title", "event_date", "published_at", "place", "source_url",
                 "principal", "warnings", "source_sha256"):
        setattr(doc, name, getattr(first, name))
    doc.doc_id = first.doc_id


def parse_many(doc: Document) -> list[Document]:
    """One `Document` per `doc_id` in the file, in the order they first appear."""
    rows = rows_of(doc.text, doc.source_path)
    if not rows:
        raise TranscriptError(doc.source_path, "the table has a header but no rows", line=2)
    missing = [c for c in REQUIRED if c not in rows[0][1]]
    if missing:
        raise TranscriptError(doc.source_path, f"missing column(s): {', '.join(missing)}", line=1,
                              hint="Pre-split turns need the columns speaker and text (optional: doc_id, date, "
                                   "title, role, addressee)")
    groups: dict[str, list[tuple[int, dict]]] = {}
    for n, row in rows:
        key = str(row.get("doc_id") or "").strip() or doc.doc_id
        groups.setdefault(key, []).append((n, row))
    return [_document(doc, doc_id, group) for doc_id, group in groups.items()]


def _document(src: Document, doc_id: str, rows: list[tuple[int, dict]]) -> Document:
    if any(str(r.get("turn_index") or "").strip() for _, r in rows):
        try:
            rows = sorted(rows, key=lambda nr: float(nr[1].get("turn_index") or 0))
        except ValueError:
            raise TranscriptError(src.source_path, f"turn_index must be a number (document {doc_id})") from None
    parts: list[str] = []
    turns: list[Turn] = []
    log: list[LogEntry] = []
    empty: list[int] = []  # lines of rows with a speaker but no text
    pos = 0
    for n, row in rows:
        speaker = " ".join(str(row.get("speaker") or "").split())
        body = str(row.get("text") if row.get("text") is not None else "").strip()
        if not speaker:
            raise TranscriptError(src.source_path, "a row has no speaker", line=n,
                                  hint="Fill the speaker column (use 'Unknown' when it is not known)")
        if not body:
            empty.append(n)
            continue
        if parts:
            parts.append("\n\n")
            pos += 2
        label = f"{speaker}: "
        log.append(LogEntry(pos, pos + len(label), "speaker label"))
        parts.append(label)
        pos += len(label)
        pieces = []
        for m in re.finditer(r"\S(?:.*?\S)?(?=\s*\n\s*\n|\s*$)", body, re.S):
            pieces.append((pos + m.start(), pos + m.end()))
        parts.append(body)
        pos += len(body)
        role = _role(row, speaker, src.source_path, n)
        turns.append(Turn(speaker=_speaker(speaker, role), role=role, pieces=pieces, label=speaker,
                          addressee=(str(row.get("addressee")).strip() or None) if row.get("addressee") else None))
    text = "".join(parts)
    if not turns:
        raise TranscriptError(src.source_path, f"document {doc_id!r} has no text in any row",
                              hint="Check the text column")
    first = rows[0][1]
    doc = Document(doc_id=id_slug(doc_id), source_path=src.source_path,
                   source_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), format=NAME, text=text,
                   turns=turns, log=log)
    if empty:
        doc.warnings.append(f"{len(empty)} row(s) with a speaker but no text skipped (line(s) "
                            f"{', '.join(map(str, empty))})")
    doc.title = _meta(first, "title")
    doc.event_date = _meta(first, "date", "event_date")
    if doc.event_date and not re.match(r"\d{4}-\d{2}-\d{2}$", doc.event_date):
        doc.warnings.append(f"date {doc.event_date!r} is not YYYY-MM-DD; left as text")
    doc.published_at = _meta(first, "published_at")
    doc.place = _meta(first, "place")
    doc.source_url = _meta(first, "source_url")
    officials = [t.speaker for t in turns if t.role == "official"]
    # most turns wins; a tie goes to whoever spoke first (set order would differ from run to run)
    doc.principal = max(dict.fromkeys(officials), key=officials.count) if officials else None
    return doc


def _meta(row: dict, *names: str) -> str | None:
    for name in names:
        value = row.get(name)
        if value is not None and str(value).strip():
            return " ".join(str(value).split())
    return None


def _role(row: dict, speaker: str, path: str, line: int) -> str:
    role = str(row.get("role") or "").strip().lower()
    if role:
        if role not in ROLES:
            raise TranscriptError(path, f"unknown role {role!r}", line=line, hint=f"Roles: {', '.join(ROLES)}")
        return role
    return None  # no role given: guessed from the name and the turns (roles.guess_table_roles), with a warning


def _speaker(speaker: str, role: str) -> str:
    word = ROLE_LABELS.get(speaker.lower())
    if word == "press":
        return "Press"
    if word == "moderator":
        return "Moderator"
    if speaker.lower() in ("interpreter", "translator"):
        return "Interpreter"
    return speaker


