"""Pre-split turns prepared elsewhere: CSV (or TSV) with a header, or JSON Lines, one turn per row.

    doc_id,speaker,text,date,title
    lavrov_2019,Sergey Lavrov,"Ladies and gentlemen, ...",2019-12-10,"Lavrov's remarks ..."
    lavrov_2019,Question,"Mr Lavrov, ...",,

Columns (JSONL: keys), in any case: `speaker` and `text` are required; optional are `doc_id`
(default: the file name; one file may hold many documents), `date` (or `event_date`), `title`,
`role` (official|press|moderator|narration|other), `addressee`, `published_at`, `place`,
`source_url` and `turn_index` (rows are sorted by it when given). A speaker named like a role
("Question", "Q", "Moderator", "Interpreter") gets that role; other named speakers are `official`
unless the `role` column says otherwise. Other columns are not read: their cells go to the cleaning
log and a warning names them.

**The offsets index the file itself.** A document's `text` (stored in the `texts` table) is made of
the file's own characters: for a file holding one document, the whole decoded file; for a file
holding several, the header line followed by that document's rows exactly as they stand in the file
(so each document's text is a table of its own, and the documents' rows together are the file). A
turn's pieces are the raw characters of its text cell, inside the quotes: the turn's text undoes CSV's
doubled quotes (`""`) and JSON's escapes (`\\n`, `\\u00e9`); the raw text keeps them. Every other
character -- the header, delimiters, quotes, JSON braces and keys, the doc_id, speaker and metadata
cells, line endings -- is in the cleaning log with its reason (`REASONS`), so the coverage check of
`build.coverage` proves that nothing of the file was lost.

The reader walks the characters of the file itself (not Python's `csv` module, whose rows carry no
offsets), so a row it cannot account for whole is an error naming the file and line, never a row
read in part: more fields than the header (a comma in a field without quotes), a quote that is never
closed (the line where it opened), text after a closing quote, a header naming a column twice, a
JSON line that is not an object, or a value of the wrong type (a list, an object, a number or NaN
as speaker or text). There is no limit on the size of a cell.
"""
from __future__ import annotations

import bisect
import hashlib
import json
import math
import re
from dataclasses import dataclass, field

from ..clean import id_slug
from ..errors import TranscriptError
from ..labels import ROLE_LABELS
from ..model import ROLES, Document, LogEntry, Turn

NAME = "turns_table"
EXTENSIONS = (".csv", ".tsv", ".jsonl", ".ndjson")
REQUIRED = ("speaker", "text")
#: Columns read besides the required ones; any other column is logged as "column not read".
OPTIONAL = ("doc_id", "date", "event_date", "title", "role", "addressee", "published_at", "place", "source_url",
            "turn_index")
_METADATA = set(OPTIONAL) - {"doc_id"}
_EXPECTED = ("Pre-split turns need the columns speaker and text (optional: doc_id, date, title, role, addressee, "
             "published_at, place, source_url, turn_index)")

#: Cleaning-log reasons for the characters of a table that are not speech.
HEADER = "table header"
SYNTAX = "table syntax (delimiters, quotes, keys)"
SPEAKER = "speaker label"
DOC_ID = "document id"
METADATA = "table metadata (date, title, role, ...)"
UNREAD = "column not read"
NO_TEXT = "row without text"
EMPTY = "empty row"
BLANK = "blank"
REASONS = (HEADER, SYNTAX, SPEAKER, DOC_ID, METADATA, UNREAD, NO_TEXT, EMPTY, BLANK)


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


# -- the file, character by character ------------------------------------------------------------------

@dataclass
class Cell:
    """One value of a row: `value` as read (CSV: text; JSONL: any JSON value, None for null) and the
    raw span of its characters in the file (for a quoted value: inside the quotes)."""

    value: object
    start: int
    end: int
    escaped: bool = False  # CSV: a value without quotes holding "" (read as one quote)


@dataclass
class Row:
    """One row of the table: its line, its stretch of the file `[start, end)` (its line ending and any
    blank lines after it included), its cells by column, and `parts`: labelled spans that tile the
    stretch exactly (`"col"` spans are cells; the others are syntax, blanks and empty rows)."""

    line: int
    start: int
    end: int
    cells: dict[str, Cell]
    parts: list[tuple[int, int, str]] = field(default_factory=list)


@dataclass
class Table:
    """A CSV or JSONL file read whole: the stretch before the first row (`head`, with its labelled
    parts: the CSV header, blank lines), the column names, and the rows, which tile the rest."""

    kind: str  # "csv" or "jsonl"
    head: int
    head_parts: list[tuple[int, int, str]]
    columns: list[str]
    rows: list[Row]
    delimiter: str = ""  # CSV: the one read from the header line


_BLANK_LINES = re.compile(r"(?:[^\S\r\n]*(?>\r\n|\n|\r))*(?:[^\S\r\n]*\Z)?")
_UNQUOTED = {d: re.compile(rf"[^{re.escape(d)}\r\n]*") for d in (",", ";", "\t")}


def _line_at(text: str, pos: int) -> int:
    """1-based line of `pos`, counting \\r\\n, \\n and a lone \\r as one line break each."""
    return _breaks(text, 0, pos) + 1


def _breaks(text: str, start: int, end: int) -> int:
    return text.count("\n", start, end) + text.count("\r", start, end) - text.count("\r\n", start, end)


def read_table(text: str, path: str, *, kind: str | None = None) -> Table:
    """Read a CSV/TSV or JSONL table of turns, accounting for every character of `text`.

    `kind` ("csv" or "jsonl") comes from the extension when the caller knows it; otherwise a first
    character `{` means JSON Lines. Malformed input raises a `TranscriptError` naming the line.

    >>> t = read_table('speaker,text\\nSergey Lavrov,"We agree, however."\\n', "t.csv")
    >>> [(r.line, r.cells["speaker"].value, r.cells["text"].value) for r in t.rows]
    [(2, 'Sergey Lavrov', 'We agree, however.')]
    """
    first = _BLANK_LINES.match(text).end()
    starts_json = text.startswith(("{", "["), first)
    if kind is None:
        kind = "jsonl" if starts_json else "csv"
    if kind == "jsonl" or text.startswith("{", first):
        if text.startswith("[", first):
            raise TranscriptError(path, "this is one JSON array, not JSON Lines", line=_line_at(text, first),
                                  hint="Write one JSON object per line: {\"speaker\": \"...\", \"text\": \"...\"}")
        if first < len(text) and not text.startswith("{", first):
            raise TranscriptError(path, "not JSON Lines: the first line is not a JSON object",
                                  line=_line_at(text, first),
                                  hint="Each line of a .jsonl file must be one JSON object with speaker and text; "
                                       "a table with a header line belongs in a .csv file")
        return _jsonl_table(text, path)
    return _csv_table(text, path, tab=path.lower().endswith(".tsv"))


def _csv_table(text: str, path: str, *, tab: bool = False) -> Table:
    n = len(text)
    pos = _BLANK_LINES.match(text).end()
    head_parts = [(0, pos, BLANK)] if pos else []
    line_end = min((i for i in (text.find("\n", pos), text.find("\r", pos)) if i >= 0), default=n)
    first = text[pos:line_end]
    delim = "\t" if tab or first.count("\t") > first.count(",") else (
        ";" if first.count(";") > first.count(",") else ",")
    header_line = _line_at(text, pos)
    fields, parts, end = _csv_record(text, pos, delim, path)
    columns = [str(f.value).strip().lower() for f in fields]
    seen: dict[str, int] = {}
    for i, name in enumerate(columns):
        if name and name in seen:
            raise TranscriptError(path, f"the header names the column {name!r} twice (columns {seen[name] + 1} "
                                        f"and {i + 1})", line=header_line,
                                  hint="Rename or remove one of them: each column must have its own name")
        seen[name] = i
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise TranscriptError(path, f"missing column(s): {', '.join(missing)} (the header names: "
                                    f"{', '.join(c or '(unnamed)' for c in columns)})", line=header_line,
                              hint=_EXPECTED + "; the first line must be the header")
    head_parts.append((pos, end, HEADER))
    blank_end = _BLANK_LINES.match(text, end).end()
    if blank_end > end:
        head_parts.append((end, blank_end, BLANK))
    head, pos = blank_end, blank_end
    table = Table("csv", head, head_parts, columns, [], delim)
    labels = [f"col:{c}" for c in columns]
    ragged: list[tuple[int, int]] = []
    while pos < n:
        line = _line_at(text, pos) if not table.rows else table.rows[-1].line + _breaks(
            text, table.rows[-1].start, pos)
        fields, parts, end = _csv_record(text, pos, delim, path)
        blank_end = _BLANK_LINES.match(text, end).end()
        if blank_end > end:
            parts.append((end, blank_end, BLANK))
        if all(not str(f.value).strip() for f in fields):  # ",,," or '""': nothing in any column
            _extend_previous(table, pos, blank_end, EMPTY)
            pos = blank_end
            continue
        if len(fields) > len(columns) or any(c in REQUIRED for c in columns[len(fields):]):
            ragged.append((line, len(fields)))
        cells = {columns[i]: f for i, f in enumerate(fields[:len(columns)])}
        labelled = [(a, b, labels[w] if w.__class__ is int and w < len(labels) else "col:(extra field)"
                     if w.__class__ is int else "syntax" if w is None else w) for a, b, w in parts]
        table.rows.append(Row(line, pos, blank_end, cells, labelled))
        pos = blank_end
    if ragged:
        raise _ragged_error(text, path, table, ragged, delim)
    return table


def _extend_previous(table: Table, start: int, end: int, reason: str) -> None:
    """An empty row or blank stretch belongs to the row before it (or to the head of the file)."""
    if table.rows:
        table.rows[-1].parts.append((start, end, reason))
        table.rows[-1].end = end
    else:
        table.head_parts.append((start, end, reason))
        table.head = end


def _csv_record(text: str, pos: int, delim: str, path: str) -> tuple[list[Cell], list, int]:
    """The fields of the record starting at `pos`, the labelled parts of its stretch (a field's part
    is labelled with the field's index, quotes and delimiters with None, the line ending with BLANK),
    and where the next record starts."""
    n = len(text)
    unquoted = _UNQUOTED[delim]
    fields: list[Cell] = []
    parts: list[tuple[int, int, object]] = []
    while True:
        if pos < n and text[pos] == '"':
            i = pos + 1
            while True:
                q = text.find('"', i)
                if q < 0:
                    raise TranscriptError(path, "a quote opened on this line is never closed (the rest of the file "
                                                "would be one field)", line=_line_at(text, pos),
                                          hint='Close the quoted field, and write a quote inside it twice ("")')
                if q + 1 < n and text[q + 1] == '"':
                    i = q + 2
                    continue
                break
            parts += [(pos, pos + 1, None), (pos + 1, q, len(fields)), (q, q + 1, None)]
            fields.append(Cell(text[pos + 1:q].replace('""', '"'), pos + 1, q))
            pos = q + 1
            if pos < n and text[pos] not in (delim, "\r", "\n"):
                opened, closed = _line_at(text, parts[-3][0]), _line_at(text, q)
                where = f"the quoted field that opened on line {opened} " if opened != closed else "a quoted field "
                raise TranscriptError(path, f"{where}ends at a quote followed by {text[pos]!r}", line=closed,
                                      hint='Inside a quoted field write a quote twice (""); a field holding quotes, '
                                           'commas or line breaks must be quoted whole')
        else:
            end = unquoted.match(text, pos).end()
            value = text[pos:end]
            parts.append((pos, end, len(fields)))
            fields.append(Cell(value, pos, end, escaped='""' in value))
            pos = end
        if pos < n and text[pos] == delim:
            parts.append((pos, pos + 1, None))
            pos += 1
            continue
        end = pos + (2 if text.startswith("\r\n", pos) else 1 if pos < n else 0)
        if end > pos:
            parts.append((pos, end, BLANK))
        return fields, parts, end


def _ragged_error(text: str, path: str, table: Table, ragged: list[tuple[int, int]], delim: str) -> TranscriptError:
    line, n_fields = ragged[0]
    columns = table.columns
    shown = {",": "comma", ";": "semicolon", "\t": "tab"}[delim]
    more = ""
    if len(ragged) > 1:
        lines = ", ".join(str(ln) for ln, _ in ragged[1:6])
        more = f"; {len(ragged) - 1} more row(s) too (line(s) {lines}{', ...' if len(ragged) > 6 else ''})"
    message = (f"this row has {n_fields} field(s) but the header has {len(columns)} "
               f"({', '.join(c or '(unnamed)' for c in columns)}){more}")
    hint = (f"A field holding a {shown} (or a quote or a line break) must be in double quotes, with any quote "
            'inside it written twice ("")')
    row = next(r for r in table.rows if r.line == line)
    if columns and columns[-1] == "text" and n_fields > len(columns):
        # Show the row with its text quoted whole: the usual fix when the commas are in the speech.
        start = row.cells["text"].start
        body = text[start:row.end].rstrip("\r\n")
        if '"' not in body and len(body) <= 200:
            hint += f"; if the extra {shown}s are in the text: {text[row.start:start]}\"{body}\""
    return TranscriptError(path, message, line=line, hint=hint)


def _jsonl_table(text: str, path: str) -> Table:
    table = Table("jsonl", 0, [], [], [])
    pos, line, n = 0, 0, len(text)
    columns: dict[str, None] = {}
    while pos < n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl + 1
        line += 1
        if not text[pos:end].strip():
            _extend_previous(table, pos, end, BLANK)
        else:
            cells, parts = _json_object(text, pos, end, line, path)
            columns.update(dict.fromkeys(cells))
            table.rows.append(Row(line, pos, end, cells, parts))
        pos = end
    table.columns = list(columns)
    return table


_DECODER = json.JSONDecoder()
_JSON_WS = re.compile(r"[ \t\r\n]*")


def _json_object(text: str, start: int, end: int, line: int, path: str) -> tuple[dict[str, Cell], list]:
    """The cells and labelled parts of one JSONL line, which must be one JSON object."""
    s = text[start:end]
    try:
        return _scan_object(s, start)
    except _DuplicateKey as exc:
        raise TranscriptError(path, f"the key {exc.args[0]!r} appears twice in this object", line=line,
                              hint="Give each key once per line") from None
    except (ValueError, IndexError, StopIteration):
        pass
    try:  # not an object, or not JSON: let json say what is wrong
        value = json.loads(s)
    except ValueError as exc:
        raise TranscriptError(path, f"not valid JSON ({exc.msg}, column {exc.colno})", line=line,
                              hint="Each line of a JSONL file must be one JSON object with speaker and text") from None
    raise TranscriptError(path, f"this line is {_describe(value)}, not a JSON object", line=line,
                          hint="Each line of a JSONL file must be one JSON object: "
                               "{\"speaker\": \"...\", \"text\": \"...\"}")


class _DuplicateKey(Exception):
    pass


def _scan_object(s: str, start: int) -> tuple[dict[str, Cell], list]:
    """Walk one JSON object with the scanner json.loads uses, keeping the offsets of each key and value;
    ValueError (or IndexError, StopIteration) for anything else."""
    cells: dict[str, Cell] = {}
    parts: list[tuple[int, int, str]] = []
    i = _JSON_WS.match(s).end()
    if s[i] != "{":
        raise ValueError("not an object")
    i = _JSON_WS.match(s, i + 1).end()
    mark = 0  # start of the syntax not yet labelled
    if s[i] != "}":
        while True:
            if s[i] != '"':
                raise ValueError("key expected")
            key, i = json.decoder.scanstring(s, i + 1)
            key = key.lower()
            if key in cells:
                raise _DuplicateKey(key)
            i = _JSON_WS.match(s, i).end()
            if s[i] != ":":
                raise ValueError("colon expected")
            i = _JSON_WS.match(s, i + 1).end()
            v_start = i
            value, i = _DECODER.scan_once(s, i)
            a, b = (v_start + 1, i - 1) if value.__class__ is str else (v_start, i)
            if a > mark:
                parts.append((start + mark, start + a, "syntax"))
            parts.append((start + a, start + b, f"col:{key}"))
            cells[key] = Cell(value, start + a, start + b)
            mark = b
            i = _JSON_WS.match(s, i).end()
            if s[i] == "}":
                break
            if s[i] != ",":
                raise ValueError("comma expected")
            i = _JSON_WS.match(s, i + 1).end()
    if _JSON_WS.match(s, i + 1).end() != len(s):
        raise ValueError("extra data")
    end = start + len(s)
    rest = s[mark:]
    tail = len(rest) - len(rest.rstrip())
    parts.append((start + mark, end - tail, "syntax"))
    if tail:
        parts.append((end - tail, end, BLANK))
    return cells, parts


def _describe(value: object) -> str:
    """How a JSON value reads in an error message.

    >>> [_describe(v) for v in (None, True, 3, float("nan"), [1], {"a": 1})]
    ['null', 'true', 'a number (3)', 'NaN', 'a list', 'an object']
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else "Infinity"
    if isinstance(value, (int, float)):
        return f"a number ({value!r})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "a string"


# -- documents ---------------------------------------------------------------------------------------

def parse(doc: Document) -> None:
    """Read a file holding one document (the first, when it holds several; see `parse_many`)."""
    docs = parse_many(doc)
    first = docs[0]
    for name in ("text", "turns", "log", "title", "event_date", "published_at", "place", "source_url",
                 "principal", "warnings", "source_sha256", "clean_piece"):
        setattr(doc, name, getattr(first, name))
    doc.doc_id = first.doc_id


def parse_many(doc: Document) -> list[Document]:
    """One `Document` per `doc_id` in the file, in the order they first appear."""
    path = doc.source_path
    suffix = path.lower().rsplit(".", 1)[-1] if "." in path else ""
    kind = "jsonl" if suffix in ("jsonl", "ndjson") else "csv" if suffix in ("csv", "tsv") else None
    table = read_table(doc.text, path, kind=kind)
    if not table.rows:
        raise TranscriptError(path, "the table has a header but no rows" if table.kind == "csv" else
                              "the file holds no JSON object", line=2 if table.kind == "csv" else 1)
    groups: dict[str, list[Row]] = {}
    for row in table.rows:
        groups.setdefault(_doc_key(row, path) or doc.doc_id, []).append(row)
    single = len(groups) == 1
    return [_document(doc, table, doc_id, rows, whole=single) for doc_id, rows in groups.items()]


def _doc_key(row: Row, path: str) -> str:
    cell = row.cells.get("doc_id")
    if cell is None or cell.value is None:
        return ""
    if isinstance(cell.value, int) and not isinstance(cell.value, bool):
        return str(cell.value)
    return _string(cell, "doc_id", row, path).strip()


def _string(cell: Cell, name: str, row: Row, path: str) -> str:
    """A cell's value as text; JSON values other than strings (and null) are refused."""
    if cell.value is None:
        return ""
    if not isinstance(cell.value, str):
        raise TranscriptError(path, f"{name!r} is {_describe(cell.value)}, not text", line=row.line,
                              hint=f"Write the {name} as a JSON string (\"{name}\": \"...\")")
    if _SURROGATE.search(cell.value):
        raise TranscriptError(path, f"{name!r} holds an unpaired surrogate (a \\ud800-\\udfff escape without its "
                                    "pair)", line=row.line, hint="Fix the export: such text cannot be stored")
    return cell.value


_SURROGATE = re.compile("[\ud800-\udfff]")


def _document(src: Document, table: Table, doc_id: str, rows: list[Row], *, whole: bool) -> Document:
    path = src.source_path
    raw = src.text
    if whole:  # the document is the whole file: offsets are the file's
        text, shift = raw, {r.start: 0 for r in rows}
    else:  # the header, then this document's rows as they stand in the file
        chunks, shift, pos = [raw[:table.head]], {}, table.head
        for r in rows:
            chunks.append(raw[r.start:r.end])
            shift[r.start] = pos - r.start
            pos += r.end - r.start
        text = "".join(chunks)
    log: list[list] = []  # [start, end, reason], in file order, adjacent spans of one reason made one

    def add(a: int, b: int, reason: str) -> None:
        if b > a:
            if log and log[-1][1] == a and log[-1][2] == reason:
                log[-1][1] = b
            else:
                log.append([a, b, reason])

    for a, b, reason in table.head_parts:
        add(a, b, reason)
    reasons: dict[str, str] = {}
    turns: list[tuple[float, int, Turn]] = []
    empty: list[int] = []
    unread: dict[str, int] = {}
    meta: dict[str, tuple[str, int]] = {}
    conflicts: list[str] = []
    for row in rows:
        d = shift[row.start]
        missing = [c for c in REQUIRED if c not in row.cells]
        if table.kind == "jsonl" and missing:
            raise TranscriptError(path, f"missing key(s): {', '.join(missing)}", line=row.line, hint=_EXPECTED)
        speaker = " ".join(_string(row.cells["speaker"], "speaker", row, path).split())
        body_cell = row.cells.get("text")
        body = _string(body_cell, "text", row, path) if body_cell is not None else ""
        for name, cell in row.cells.items():
            if name in _METADATA:
                value = _meta_value(cell, name, row, path)
                if value and name != "turn_index":
                    seen = meta.setdefault("date" if name == "event_date" else name, (value, row.line))
                    if seen[0] != value and len(conflicts) < 3:
                        conflicts.append(f"{name} {value!r} on line {row.line} differs from {seen[0]!r} "
                                         f"(line {seen[1]}); the first is kept")
            elif name not in REQUIRED and name != "doc_id" and _present(cell.value):
                unread[name] = unread.get(name, 0) + 1
        if not body.strip():
            empty.append(row.line)
            add(row.start + d, row.end + d, NO_TEXT)
            continue
        if not speaker:
            raise TranscriptError(path, "a row has no speaker", line=row.line,
                                  hint="Fill the speaker column (use 'Unknown' when it is not known)")
        pieces = [(a + d, b + d) for a, b in _pieces(raw, body_cell, table.kind)]
        for a, b, what in row.parts:
            if what == "col:text":
                add(a + d, pieces[0][0], BLANK)
                add(pieces[-1][1], b + d, BLANK)
            else:
                reason = reasons.get(what) or reasons.setdefault(what, _reason(what))
                add(a + d, b + d, reason)
        role = _role(row, speaker, path)
        addressee = _meta_value(row.cells["addressee"], "addressee", row, path) if "addressee" in row.cells else ""
        order = _turn_index(row, path)
        turns.append((order, len(turns), Turn(speaker=_speaker(speaker, role), role=role, pieces=pieces,
                                              label=speaker, addressee=addressee or None)))
    if not turns:
        raise TranscriptError(path, f"document {doc_id!r} has no text in any row", line=rows[0].line,
                              hint="Check the text column")
    if any(order is not None for order, _, _ in turns):
        turns.sort(key=lambda t: (t[0] if t[0] is not None else math.inf, t[1]))
    doc = Document(doc_id=id_slug(doc_id), source_path=path,
                   source_sha256=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(), format=NAME,
                   text=text, turns=[t for _, _, t in turns], log=[LogEntry(a, b, r) for a, b, r in log],
                   clean_piece=_unescape_json if table.kind == "jsonl" else _unescape_csv)
    escaped = [r.line for r in rows if any(c.escaped for c in r.cells.values())]
    if escaped:
        doc.warnings.append(f'"" in a value without quotes read as one quote (") (line(s) '
                            f'{", ".join(map(str, escaped[:10]))}{", ..." if len(escaped) > 10 else ""})')
    if empty:
        doc.warnings.append(f"{len(empty)} row(s) with a speaker but no text skipped (line(s) "
                            f"{', '.join(map(str, empty))})")
    if unread:
        names = ", ".join(f"{name or '(unnamed)'} ({k} value(s))" for name, k in unread.items())
        doc.warnings.append(f"column(s) not read: {names}; their values are in the cleaning log "
                            f"(reason {UNREAD!r})")
    doc.warnings += conflicts
    doc.title = meta.get("title", (None,))[0]
    doc.event_date = meta.get("date", (None,))[0]
    if doc.event_date and not re.match(r"\d{4}-\d{2}-\d{2}$", doc.event_date):
        doc.warnings.append(f"date {doc.event_date!r} is not YYYY-MM-DD; left as text")
    doc.published_at = meta.get("published_at", (None,))[0]
    doc.place = meta.get("place", (None,))[0]
    doc.source_url = meta.get("source_url", (None,))[0]
    officials = [t.speaker for t in doc.turns if t.role == "official"]
    # most turns wins; a tie goes to whoever spoke first (set order would differ from run to run)
    doc.principal = max(dict.fromkeys(officials), key=officials.count) if officials else None
    return doc


def _present(value: object) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


def _meta_value(cell: Cell, name: str, row: Row, path: str) -> str:
    if name == "turn_index" and isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
        return str(cell.value)
    return " ".join(_string(cell, name, row, path).split())


def _turn_index(row: Row, path: str) -> float | None:
    cell = row.cells.get("turn_index")
    if cell is None or not _present(cell.value):
        return None
    value = cell.value
    try:
        number = float(value) if not isinstance(value, (bool, list, dict)) else math.nan
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise TranscriptError(path, f"turn_index must be a number, not {value!r}", line=row.line,
                              hint="Number the turns 1, 2, 3, ... or leave the column empty")
    return number


def _reason(what: str) -> str:
    if what == "syntax":
        return SYNTAX
    if what in (BLANK, EMPTY):
        return what
    name = what[4:]  # "col:<name>"
    if name == "speaker":
        return SPEAKER
    if name == "doc_id":
        return DOC_ID
    return METADATA if name in _METADATA else UNREAD


# -- the text of a cell: paragraphs and escapes ------------------------------------------------------

# A blank line: two line breaks (\r\n counts as one: the groups are atomic) with only spaces between.
_BLANK_LINE = re.compile(r"(?>\r\n|\r|\n)(?:[^\S\r\n]*(?>\r\n|\r|\n))+")
_JSON_ESCAPE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\.")


def paragraphs(value: str) -> list[tuple[int, int]]:
    """Spans of the paragraphs of a cell's text: stretches between blank lines, trimmed.

    >>> paragraphs("  Good afternoon.\\n\\n We held talks.\\nToday. ")
    [(2, 17), (20, 41)]
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _BLANK_LINE.finditer(value):
        _trimmed(value, pos, m.start(), spans)
        pos = m.end()
    _trimmed(value, pos, len(value), spans)
    return spans


def _trimmed(value: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    part = value[start:end]
    body = part.strip()
    if body:
        lead = len(part) - len(part.lstrip())
        spans.append((start + lead, start + lead + len(body)))


def _pieces(raw: str, cell: Cell, kind: str) -> list[tuple[int, int]]:
    """The raw spans of a text cell's paragraphs: found in the value, mapped back to the file."""
    value = cell.value
    spans = paragraphs(value)
    if cell.end - cell.start == len(value):  # nothing escaped: the value is the raw text
        return [(cell.start + a, cell.start + b) for a, b in spans]
    to_raw = _raw_offsets(raw, cell, kind)
    return [(to_raw(a), to_raw(b)) for a, b in spans]


def _raw_offsets(raw: str, cell: Cell, kind: str):
    """Offset in the value -> offset in the file, for a cell whose escapes (`""`, `\\n`, `\\u00e9`) take
    more characters in the file than in the value."""
    escape = _JSON_ESCAPE if kind == "jsonl" else _DOUBLED_QUOTE
    at: list[int] = []  # value offset just past each escape
    extra: list[int] = []  # raw characters beyond the value's, up to and including that escape
    skipped = 0
    for m in escape.finditer(raw, cell.start, cell.end):
        skipped += m.end() - m.start() - 1
        at.append(m.end() - cell.start - skipped)
        extra.append(skipped)

    def to_raw(offset: int) -> int:
        k = bisect.bisect_right(at, offset)
        return cell.start + offset + (extra[k - 1] if k else 0)

    return to_raw


_DOUBLED_QUOTE = re.compile('""')


def _unescape_csv(raw: str) -> str:
    """A raw stretch of a CSV cell as text: doubled quotes made one.

    >>> _unescape_csv('He said ""no"".')
    'He said "no".'
    """
    return raw.replace('""', '"')


def _unescape_json(raw: str) -> str:
    """A raw stretch of a JSON string as text: its escapes undone (a cut escape is kept as written).

    >>> _unescape_json('Line one.\\\\nCaf\\\\u00e9 \\\\"ok\\\\"')
    'Line one.\\nCafé "ok"'
    """
    try:
        return json.loads(f'"{raw}"')
    except ValueError:
        return _JSON_ESCAPE.sub(lambda m: _one_escape(m.group()), raw)


def _one_escape(esc: str) -> str:
    try:
        return json.loads(f'"{esc}"')
    except ValueError:
        return esc


def _role(row: Row, speaker: str, path: str) -> str:
    cell = row.cells.get("role")
    role = _string(cell, "role", row, path).strip().lower() if cell is not None else ""
    if role:
        if role not in ROLES:
            raise TranscriptError(path, f"unknown role {role!r}", line=row.line, hint=f"Roles: {', '.join(ROLES)}")
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


__all__ = ["NAME", "EXTENSIONS", "REQUIRED", "OPTIONAL", "REASONS", "Cell", "Row", "Table", "paragraphs", "parse",
           "parse_many", "read_table", "sniff"]
