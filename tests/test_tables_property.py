"""Property tests of the turns-table reader (issue 17 item 2): random CSV and JSONL tables, written by
Python's own `csv` and `json` modules, are read with every raw character accounted for and every row's
text intact; malformed variants are either read exactly as Python's strict `csv` reader (or `json`)
reads them, or refused with an error naming the file and the line.

The expected values come from the generated rows themselves (what was written), never from the reader.
"""
from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from transcripts import TranscriptError
from transcripts.build import document_rows
from transcripts.clean import coverage_problems, normalize_text
from transcripts.readers import read_documents
from transcripts.readers.turns_table import read_table

# Text of every kind a table cell meets: delimiters, quotes, line breaks, JSON's specials, scripts, emoji,
# invisible characters. Left out: control characters (a file full of them is refused as binary) and the
# lead characters of mojibake (U+00C2-U+00F4), which `decode_text` may repair on purpose (tested there).
_CHARS = st.one_of(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters="".join(
        chr(c) for c in range(0xC2, 0xF5))),
    st.sampled_from([",", ";", "\t", '"', '""', "\n", "\r\n", "\r", " ", "  ", "\n\n", "\u00a0", "\u200b", "’",
                     "\\", "\\n", "{", "}", "=", "-", "Сергей", "😀", "e\u0301"]))
_TEXTS = st.lists(_CHARS, max_size=25).map("".join)
_SPEAKERS = st.one_of(st.sampled_from(["Sergey Lavrov", "Question", "MS. PSAKI", "Q", "Мария Захарова"]),
                      st.tuples(st.sampled_from(["A", "Б", "x", "'", "="]), _TEXTS).map("".join))
_ROWS = st.lists(st.tuples(st.sampled_from(["d1", "d2", "", " d1 "]), _SPEAKERS, _TEXTS,
                           st.sampled_from(["", "Talks", "Talks, Washington", None])), min_size=1, max_size=8)


def expected_turn_text(value: str) -> str:
    """What a turn's text must be, worked out from the cell as written: paragraphs (split at blank lines),
    each with its whitespace made single spaces, joined by a blank line."""
    flat = value.replace("\r\n", "\n").replace("\r", "\n")
    return "\n\n".join(p for p in (normalize_text(x) for x in re.split(r"\n[^\S\n]*\n", flat)) if p)


def group_key(doc_id: str) -> str:
    return doc_id.strip() or "table"  # the file is table.csv / table.jsonl: its own id when the row has none


def check_documents(path: Path, text: str, head: str, chunks: list[tuple[str, str]], rows: list[tuple]) -> None:
    """Read `path` and check every document against what was written: `head` (header and blank lines),
    `chunks` (each row's doc_id and raw characters), `rows` (doc_id, speaker, text, title)."""
    groups: dict[str, list[int]] = {}
    for n, (doc_id, *_rest) in enumerate(rows):
        groups.setdefault(group_key(doc_id), []).append(n)
    if any(all(not rows[n][2].strip() for n in members) for members in groups.values()):
        try:
            read_documents(path)
        except TranscriptError as exc:
            assert "has no text in any row" in exc.message and exc.line is not None
            return
        raise AssertionError("a document without text was read")
    docs = read_documents(path)
    event(f"{len(docs)} document(s)")
    assert [d.doc_id for d in docs] == [re.sub(r"[^0-9a-z_\-]+", "_", k.lower()).strip("_") for k in groups]
    if len(docs) == 1:
        assert docs[0].text == text  # one document: its text is the whole file
    for doc, members in zip(docs, groups.values()):
        # The document's text is the header and its own rows, character for character as in the file.
        assert doc.text == head + "".join(chunks[n][1] for n in members)
        spans = [(t.char_start, t.char_end) for t in doc.turns] + [(e.char_start, e.char_end) for e in doc.log]
        assert coverage_problems(len(doc.text), spans) == []
        assert not [e for e in doc.log if e.reason == "unattributed text"]
        spoken = [n for n in members if rows[n][2].strip()]
        assert [t.label for t in doc.turns] == [" ".join(rows[n][1].split()) for n in spoken]
        assert [r["text"] for r in document_rows(doc)["turns"]] == [expected_turn_text(rows[n][2]) for n in spoken]
    # Nothing of the file is in no document: the rows of all documents and the head make the whole file.
    assert sum(len(d.text) - len(head) for d in docs) + len(head) == len(text)


@st.composite
def csv_tables(draw):
    rows = draw(_ROWS)
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    terminator = draw(st.sampled_from(["\n", "\r\n"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]))
    names = draw(st.permutations(["doc_id", "speaker", "text", "title"]))
    if terminator == "\n":  # Python's writer leaves a lone CR unquoted then: no reader could tell it from a line end
        rows = [tuple(v.replace("\r", "\r\n") if isinstance(v, str) else v for v in r) for r in rows]
    blank = draw(st.lists(st.booleans(), min_size=len(rows) + 1, max_size=len(rows) + 1))

    def line(values) -> str:
        buf = io.StringIO()
        csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator=terminator).writerow(values)
        return buf.getvalue()

    head = line([draw(st.sampled_from([n, n.upper(), n.title()])) for n in names]) + (terminator if blank[0] else "")
    chunks = []
    for n, (doc_id, speaker, text, title) in enumerate(rows):
        value = dict(doc_id=doc_id, speaker=speaker, text=text, title=title if title is not None else "")
        chunks.append((doc_id, line([value[c] for c in names]) + (terminator if blank[n + 1] else "")))
    return head, chunks, rows


@st.composite
def jsonl_tables(draw):
    rows = draw(_ROWS)
    ascii_only = draw(st.booleans())
    separators = draw(st.sampled_from([(", ", ": "), (",", ":")]))
    terminator = draw(st.sampled_from(["\n", "\r\n"]))
    chunks = []
    for doc_id, speaker, text, title in rows:
        obj = {"speaker": speaker, "text": text, "title": title}
        if doc_id:
            obj["doc_id"] = doc_id
        keys = draw(st.permutations(list(obj)))
        obj = {draw(st.sampled_from([k, k.upper()])): obj[k] for k in keys}
        blank = draw(st.sampled_from(["", terminator, " " + terminator]))
        chunks.append((doc_id, json.dumps(obj, ensure_ascii=ascii_only, separators=separators) + terminator + blank))
    return "", chunks, rows


def _write(tmp: str, name: str, text: str, bom: bool = False) -> Path:
    path = Path(tmp) / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=csv_tables(), bom=st.booleans())
def test_random_csv_tables_are_read_whole(table, bom):
    head, chunks, rows = table
    text = head + "".join(c for _, c in chunks)
    with tempfile.TemporaryDirectory() as tmp:
        check_documents(_write(tmp, "table.csv", text, bom), text, head, chunks, rows)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=jsonl_tables())
def test_random_jsonl_tables_are_read_whole(table):
    head, chunks, rows = table
    text = head + "".join(c for _, c in chunks)
    with tempfile.TemporaryDirectory() as tmp:
        check_documents(_write(tmp, "table.jsonl", text), text, head, chunks, rows)


# -- malformed tables: read exactly as Python's strict readers read them, or refused naming the line ----

_EDITS = st.tuples(st.sampled_from(["insert", "delete"]), st.floats(0, 1, exclude_max=True),
                   st.sampled_from(['"', ",", ";", "\t", "\n", "\r", "{", "}", "[", ":", "\\", "x", " "]))


def corrupt(text: str, edits) -> str:
    for op, where, char in edits:
        at = int(where * len(text))
        text = text[:at] + char + text[at:] if op == "insert" else text[:at] + text[at + 1:]
    return text


def assert_names_file_and_line(exc: TranscriptError, path: Path) -> None:
    assert "internal error" not in exc.message
    assert exc.path == str(path) and exc.line is not None and f"{path}, line {exc.line}: " in str(exc)


def _blank_row(values: list[str]) -> bool:
    return not any(v.strip() for v in values)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=csv_tables(), edits=st.lists(_EDITS, min_size=1, max_size=3))
@example(table=('"speaker","text","doc_id","title"\r\n',  # a ";" makes a quoted text cell holding "" unquoted
                [("d1", '"A","x","d1",""\r\n'), ("", '"A","0000000""","","Talks, Washington"\r\n')], []),
         edits=[("insert", 0.614, ";")])
def test_malformed_csv_is_read_as_python_reads_it_or_refused_with_the_line(table, edits):
    head, chunks, _rows = table
    text = corrupt(head + "".join(c for _, c in chunks), edits)
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(tmp, "table.csv", text)
        try:
            docs = read_documents(path)
        except TranscriptError as exc:
            assert_names_file_and_line(exc, path)
            event(f"refused: {exc.message.split('(')[0].split(':')[0][:40]}")
            return
        event("read")
        ours = read_table(text, str(path), kind="csv")
        theirs = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=ours.delimiter,
                                                strict=True)]
        theirs = [r for r in theirs if not _blank_row(r)]
        header, body = theirs[0], theirs[1:]
        assert [c.strip().lower() for c in header] == ours.columns
        assert len(body) == len(ours.rows)
        for row, values in zip(ours.rows, body):
            assert len(values) <= len(header)  # a row with more fields than the header is never read
            assert {k: c.value for k, c in row.cells.items()} == dict(zip(ours.columns, values))
        # a text cell without quotes that holds "" is read as one quote, and reported (the reader's documented
        # rule, test_readers_tables.test_doubled_quotes_without_quotes_are_read_as_one_and_reported)
        texts = [c.value.replace('""', '"') if c.escaped else c.value for c in (r.cells["text"] for r in ours.rows)]
        turns = [t["text"] for d in docs for t in document_rows(d)["turns"]]
        assert sorted(turns) == sorted(expected_turn_text(t) for t in texts if t.strip())
        for doc in docs:
            spans = [(t.char_start, t.char_end) for t in doc.turns] + [(e.char_start, e.char_end) for e in doc.log]
            assert coverage_problems(len(doc.text), spans) == []
            assert not [e for e in doc.log if e.reason == "unattributed text"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=jsonl_tables(), edits=st.lists(_EDITS, min_size=1, max_size=3))
def test_malformed_jsonl_is_read_as_json_reads_it_or_refused_with_the_line(table, edits):
    head, chunks, _rows = table
    text = corrupt(head + "".join(c for _, c in chunks), edits)
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(tmp, "table.jsonl", text)
        try:
            docs = read_documents(path)
        except TranscriptError as exc:
            if exc.message.startswith(("the file is", "the file looks")):  # decoding: an empty or blank file
                return
            assert_names_file_and_line(exc, path)
            event(f"refused: {exc.message.split('(')[0][:40]}")
            return
        event("read")
        objects = [json.loads(line) for line in text.split("\n") if line.strip()]
        assert all(isinstance(o, dict) for o in objects)
        texts = [{k.lower(): v for k, v in o.items()}["text"] for o in objects]
        turns = [t["text"] for d in docs for t in document_rows(d)["turns"]]
        assert sorted(turns) == sorted(expected_turn_text(t) for t in texts if t and t.strip())
        for doc in docs:
            spans = [(t.char_start, t.char_end) for t in doc.turns] + [(e.char_start, e.char_end) for e in doc.log]
            assert coverage_problems(len(doc.text), spans) == []
