"""Readers: raw bytes in, a `Document` out (metadata, turns, cleaning log).

Each format is a module with `NAME`, `EXTENSIONS`, `sniff(text) -> float` (how sure it is that
`text` is its format, 0..1) and `parse(doc) -> None` (fills `doc.turns`, `doc.log` and metadata).
`read_document` decodes the file, picks the format (or takes the one it is given) and completes the
cleaning log so every character is accounted for.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from types import ModuleType

from ..clean import fill_gaps, id_slug
from ..errors import TranscriptError, line_of
from ..model import Document
from ..labels import speaker_key_text
from ..registry import Registry, harmonise, load_registry
from ..roles import guess_table_roles, settle_roles
from . import kremlin_html, mid_text, turns_table, whitehouse_md
from .metadata import FRONT, apply_sidecar, date_in_name, sidecar_row

#: Formats in the order they are tried; later issues add theirs here.
READERS: dict[str, ModuleType] = {mid_text.NAME: mid_text, whitehouse_md.NAME: whitehouse_md,
                                  kremlin_html.NAME: kremlin_html, turns_table.NAME: turns_table}

#: Files larger than this are refused unless the caller raises the limit.
MAX_BYTES = 20 * 1024 * 1024


def supported_formats() -> list[str]:
    return list(READERS)


_MAGIC = {b"\x89PNG": "a PNG image", b"%PDF": "a PDF document", b"PK\x03\x04": "a ZIP archive (or .docx/.xlsx)",
          b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image", b"\x1f\x8b": "a gzip archive",
          b"\xd0\xcf\x11\xe0": "an old Microsoft Office document", b"{\\rtf": "an RTF document"}
_CONT = ("\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e"
         "\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122")
#: UTF-8 bytes shown as cp1252/latin-1 characters: runs of a lead byte (Â..ô) with as many continuation
#: bytes as it announces (one for Â..ß, two for à..ï, three for ð..ô).
_MOJIBAKE = re.compile(rf"(?:[\u00c2-\u00df][{_CONT}]|[\u00e0-\u00ef][{_CONT}]{{2}}|[\u00f0-\u00f4][{_CONT}]{{3}})+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")

#: Legacy encodings accepted when charset detection is sure of them.
_COMMON_ENCODINGS = {"cp1252", "latin_1", "iso8859_1", "iso8859_15", "cp1251", "koi8_r"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
#: Byte-order marks, UTF-32's first: its little-endian mark begins with UTF-16's.
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32", "UTF-32"), (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"),
         (b"\xff\xfe", "utf-16", "UTF-16"), (b"\xfe\xff", "utf-16", "UTF-16"))


def decode(data: bytes, path: str | Path) -> str:
    """Decode raw bytes to text, or raise a `TranscriptError` saying what is wrong with them.

    UTF-8 (with or without a byte-order mark) is the expected encoding; UTF-16 (with a byte-order mark,
    or without one when its zero bytes show it), UTF-32 with a byte-order mark, and legacy encodings
    (cp1251, latin-1, ...) that charset detection is sure of, are decoded too; see `decode_text` for
    the notes on what was done.

    >>> decode("Лавров: да".encode("utf-16"), "x.txt"), decode("Lavrov: yes".encode("utf-16-le"), "x.txt")
    ('Лавров: да', 'Lavrov: yes')
    """
    return decode_text(data, path)[0]


def decode_text(data: bytes, path: str | Path) -> tuple[str, list[str]]:
    """The decoded text, and notes (warnings) on anything other than plain UTF-8.

    >>> decode_text("Lavrov: yes".encode("utf-16-be"), "x.txt")
    ('Lavrov: yes', ['decoded from UTF-16BE (no byte-order mark: told by its zero bytes)'])
    """
    if not data.strip():
        what = "empty" if not data else "blank (whitespace only)"
        raise TranscriptError(path, f"the file is {what}", line=1,
                              hint="Check that the export or download worked, or remove the file from the corpus folder")
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise TranscriptError(path, f"the file is {what}, not a text transcript", line=1,
                                  hint="Export the transcript as text, HTML, Markdown, CSV or JSONL")
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise TranscriptError(path, f"the file starts with a {name} byte-order mark but is not valid {name} "
                                            f"(at byte {exc.start})", hint="Re-save it as UTF-8") from None
            return _checked(text.lstrip("\ufeff"), path), [f"decoded from {name} (byte-order mark)"]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    nul = data.find(b"\x00")
    if nul >= 0:
        return _without_bom(data, path, nul)
    notes: list[str] = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text, note = _legacy(data, path, exc)
        notes.append(note)
    text, repaired, left = _mojibake(text)
    if repaired:
        (line, before, after), more = repaired[0], len(repaired) - 1
        notes.append(f"repaired {len(repaired)} stretch(es) of mojibake (UTF-8 read as cp1252/latin-1): line {line} "
                     f"{before!r} -> {after!r}" + (f" and {more} more" if more else ""))
    if left:
        (line, run), more = left[0], len(left) - 1
        notes.append(f"left {len(left)} stretch(es) that look like mojibake (UTF-8 read as cp1252) as written, "
                     f"too few to be sure the file is double-encoded: line {line} {run!r}"
                     + (f" and {more} more" if more else "") + "; re-save the file as UTF-8 if they are")
    return _checked(text, path), notes


def _without_bom(data: bytes, path: str | Path, nul: int) -> tuple[str, list[str]]:
    """Bytes holding NULs: UTF-16 without a byte-order mark (decoded), UTF-32 without one (named), or binary."""
    encoding = _zero_byte_pattern(data)
    if encoding and encoding.startswith("UTF-32"):
        raise TranscriptError(path, f"the file looks like {encoding} text without a byte-order mark (three zero bytes "
                                    "in every four)",
                              hint=f"Re-save it as UTF-8 (e.g. `iconv -f {encoding} -t UTF-8 file > file.utf8`)")
    if encoding:
        try:
            text = data.decode(encoding.lower())
        except UnicodeDecodeError as exc:
            raise TranscriptError(path, f"the file looks like {encoding} text without a byte-order mark, but is not "
                                        f"valid {encoding} (at byte {exc.start})", hint="Re-save it as UTF-8") from None
        return _checked(text, path), [f"decoded from {encoding} (no byte-order mark: told by its zero bytes)"]
    raise TranscriptError(path, "the file looks binary (it contains NUL bytes), not a text transcript",
                          line=data.count(b"\n", 0, nul) + 1,
                          hint="Point the workbook at text, HTML, Markdown, CSV or JSONL transcripts")


def _zero_byte_pattern(data: bytes) -> str | None:
    """The UTF-16/32 byte order whose zero bytes `data` shows, or None (binary, or too short to tell).

    Mostly-ASCII text in UTF-16LE has a zero in every odd byte, in UTF-16BE in every even byte; in
    UTF-32 three bytes of four are zero. Text in another script has zeros only where it has ASCII
    (spaces, digits, punctuation), but still on one side only; binary data has them on both.

    >>> [_zero_byte_pattern(s.encode(e)) for s, e in [("Hello there", "utf-16-le"), ("Hello there", "utf-16-be"),
    ...  ("Привет, как дела? Хорошо.", "utf-16-le"), ("Hi", "utf-32-le"), ("Hello", "utf-32-be")]]
    ['UTF-16LE', 'UTF-16BE', 'UTF-16LE', 'UTF-32LE', 'UTF-32BE']
    >>> _zero_byte_pattern(bytes(range(256)) * 4) is None
    True
    """
    sample = data[:1 << 16]
    if len(sample) < 4:
        return None
    quads = len(sample) // 4
    zeros = [sample[:quads * 4][k::4].count(0) for k in range(4)]
    if min(zeros[2], zeros[3]) >= 0.95 * quads and zeros[0] <= 0.05 * quads:
        return "UTF-32LE"
    if min(zeros[0], zeros[1]) >= 0.95 * quads and zeros[3] <= 0.05 * quads:
        return "UTF-32BE"
    sample = sample[:len(sample) - len(sample) % 2]  # an odd last byte: UTF-16 cut short, said when decoding
    zeros = [sample[k::4].count(0) for k in range(4)]
    odd, even = zeros[1] + zeros[3], zeros[0] + zeros[2]
    pairs = len(sample) // 2
    if odd >= max(2, 0.05 * pairs) and even <= 0.1 * odd:
        return "UTF-16LE"
    if even >= max(2, 0.05 * pairs) and odd <= 0.1 * even:
        return "UTF-16BE"
    return None


def _checked(text: str, path: str | Path) -> str:
    if not text.strip():
        raise TranscriptError(path, "the file is blank (whitespace only)", line=1,
                              hint="Check that the export or download worked")
    bad = len(_CONTROL.findall(text, 0, 20000))
    if bad > max(8, len(text[:20000]) // 100):
        raise TranscriptError(path, "the file looks binary (many control characters), not a text transcript",
                              hint="Point the workbook at text, HTML, Markdown, CSV or JSONL transcripts")
    return text


def _legacy(data: bytes, path: str | Path, exc: UnicodeDecodeError) -> tuple[str, str]:
    """Decode bytes that are not UTF-8 when charset detection is sure of the encoding, else explain."""
    from charset_normalizer import from_bytes

    line = data.count(b"\n", 0, exc.start) + 1
    matches = [m for m in from_bytes(data[:200_000]) if not m.encoding.startswith("utf")]
    plausible = [m for m in matches if m.chaos <= 0.2 and m.coherence >= 0.2]
    # Central European and Baltic code pages read French or German almost as well as cp1252 does;
    # the encodings transcripts really come in win when they are plausible at all.
    common = [m for m in plausible if m.encoding in _COMMON_ENCODINGS]
    pool = common or plausible
    best = pool[0] if pool else (matches[0] if matches else None)
    rivals = [m for m in pool[1:] if str(m) != str(best)]
    sure = bool(pool) and (not rivals or best.coherence - rivals[0].coherence >= 0.03)
    if not sure:
        guesses = ", ".join(dict.fromkeys(m.encoding for m in matches[:3])) or "none"
        raise TranscriptError(path, f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x} at byte {exc.start}) "
                                    f"and its encoding cannot be told for sure (candidates: {guesses})", line=line,
                              hint="Re-save it as UTF-8 (e.g. `iconv -f cp1251 -t utf-8 file > file.utf8`)")
    try:
        return data.decode(best.encoding), f"decoded from {best.encoding} (not UTF-8; detected, language {best.language})"
    except UnicodeDecodeError:
        raise TranscriptError(path, f"the file is not valid UTF-8 and not valid {best.encoding} either", line=line,
                              hint="Re-save it as UTF-8") from None


def repair_mojibake(text: str) -> tuple[str, int]:
    """Undo UTF-8 text that was decoded as cp1252 (or latin-1) and saved again; return the count fixed.

    Only where the text really is mojibake (see `_mojibake`): a stretch whose repair is far more
    plausible than the stretch (`â€œ` for `“`, `Ð¡ÐµÑ€` for `Сер`), and short ones like `Ã©` only in a
    file that shows it was double-encoded throughout.

    >>> repair_mojibake("Lavrov said: â€œWe agree.â€\x9d CafÃ© ok")
    ('Lavrov said: “We agree.” Café ok', 3)
    >>> repair_mojibake("Ménage à trois"), repair_mojibake("In Latin-1, é shows as Ã©.")
    (('Ménage à trois', 0), ('In Latin-1, é shows as Ã©.', 0))
    """
    fixed, repaired, _left = _mojibake(text)
    return fixed, len(repaired)


def _mojibake(text: str) -> tuple[str, list[tuple[int, str, str]], list[tuple[int, str]]]:
    """The text with its mojibake repaired, what was repaired (line, before, after) and what was left.

    A stretch is repaired when its characters, taken back to cp1252 bytes, decode as UTF-8, and:
    it is *strong* evidence (a three- or four-byte sequence such as `â€™`, or several sequences in a
    row such as `Ð¡ÐµÑ€`), or the file shows it was double-encoded throughout: every non-ASCII
    character of the file is inside such a stretch and there are at least two different ones. A lone
    `Â£` or `Ã©` in a file whose other non-ASCII text is sound is left as written (and reported).
    """
    if text.isascii():
        return text, [], []
    runs = []  # (start, end, repaired, strong)
    for m in _MOJIBAKE.finditer(text):
        run = m.group()
        try:
            out = bytes(ord(ch) if ord(ch) < 256 else ch.encode("cp1252")[0] for ch in run).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        runs.append((m.start(), m.end(), out, len(out) > 1 or ord(out) >= 0x800))
    if not runs:
        return text, [], []
    inside = sum(len(_NON_ASCII.findall(text, a, b)) for a, b, _, _ in runs)
    throughout = inside == len(_NON_ASCII.findall(text)) and len({text[a:b] for a, b, _, _ in runs}) >= 2
    parts, repaired, left, pos = [], [], [], 0
    for a, b, out, strong in runs:
        parts.append(text[pos:a])
        line = text.count("\n", 0, a) + 1
        if strong or throughout:
            parts.append(out)
            repaired.append((line, text[a:b], out))
        else:
            parts.append(text[a:b])
            left.append((line, text[a:b]))
        pos = b
    parts.append(text[pos:])
    return "".join(parts), repaired, left


def doc_id_for(path: Path) -> str:
    """A stable, readable document id from the file name.

    >>> doc_id_for(Path("data/raw/Lavrov Pompeo 2019.txt"))
    'lavrov_pompeo_2019'
    """
    return id_slug(path.stem)


def detect_format(text: str, path: Path) -> str:
    """The most likely format of `text`, from its content and its file extension.

    A `.csv`, `.tsv`, `.jsonl` or `.ndjson` file is always a table of turns (a table with other columns
    gets that reader's clear error, never a reading as plain text).
    """
    if path.suffix.lower() in turns_table.EXTENSIONS:
        return turns_table.NAME
    best, best_score = None, 0.0
    # the speech after a front matter is sniffed too: a long one would push it out of the sniffers' view
    # (the reader then says why the front matter was not read)
    front = FRONT.match(text)
    body = text[front.end():] if front and len(front.group()) > 4096 else None
    for name, reader in READERS.items():
        sniffed = reader.sniff(text) if body is None else max(reader.sniff(text), reader.sniff(body))
        score = sniffed + (0.2 if path.suffix.lower() in reader.EXTENSIONS else 0.0)
        if score > best_score:
            best, best_score = name, score
    # A plain-text reader accepts almost any text; for a file whose extension no reader claims
    # (.json, .yaml, .docx, ...) we want real evidence of a transcript before reading it as one.
    claimed = path.suffix.lower() in {"", ".text"} | {e for r in READERS.values() for e in r.EXTENSIONS}
    if best is None or best_score < (0.3 if claimed else 0.5):
        raise TranscriptError(path, "unknown transcript format", line=1,
                              hint=f"Supported formats: {', '.join(supported_formats())}. "
                                   "Pass the format explicitly (--format) if the file is one of them")
    return best


def read_document(path: str | Path, *, fmt: str | None = None, doc_id: str | None = None,
                  max_bytes: int = MAX_BYTES, registry: Registry | None = None) -> Document:
    """Read one transcript file into a `Document` whose turns and log cover its text exactly.

    Speakers are harmonised within the document and mapped through the speaker registry (the shipped
    starter unless `registry` is given; see `transcripts.registry`). A table of pre-split turns holding
    several documents gives its first; use `read_documents` for all of them.
    """
    return read_documents(path, fmt=fmt, doc_id=doc_id, max_bytes=max_bytes, registry=registry)[0]


def read_documents(path: str | Path, *, fmt: str | None = None, doc_id: str | None = None,
                   max_bytes: int = MAX_BYTES, registry: Registry | None = None) -> list[Document]:
    """Every document in one file (one, except for tables of pre-split turns), each fully covered."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise TranscriptError(path, f"cannot read the file ({exc.strerror})", hint="Check the path") from None
    if size > max_bytes:
        raise TranscriptError(path, f"the file is {size / 2**20:.1f} MB, over the {max_bytes / 2**20:.0f} MB limit "
                                    "for one transcript",
                              hint="Split it into one file per event, or raise the limit (--max-mb)")
    if fmt is not None and fmt not in READERS:
        raise TranscriptError(path, f"unknown format {fmt!r}", hint=f"Supported formats: {', '.join(supported_formats())}")
    data = path.read_bytes()
    text, notes = decode_text(data, path)
    if fmt is None:
        fmt = detect_format(text, path)
    doc = Document(doc_id=doc_id or doc_id_for(path), source_path=str(path),
                   source_sha256=hashlib.sha256(data).hexdigest(), format=fmt, text=text)
    reader = READERS[fmt]
    docs = reader.parse_many(doc) if hasattr(reader, "parse_many") else [doc]
    if not hasattr(reader, "parse_many"):
        reader.parse(doc)
    registry = registry if registry is not None else load_registry()
    try:
        sidecar = sidecar_row(path)
    except TranscriptError as exc:  # reported once by the build; each file of the folder says it went without
        sidecar = None
        notes = [*notes, f"metadata.csv not read ({exc.message}, line {exc.line})" if exc.line
                 else f"metadata.csv not read ({exc.message})"]
    for d in docs:
        d.warnings[:0] = notes
        fill_gaps(d)
        attribute(d, registry, sidecar=sidecar, path=path)
    return docs


def attribute(doc: Document, registry: Registry, *, sidecar: dict | None = None, path: str | Path | None = None) -> None:
    """Who speaks, in what role, about which event: the steps after a reader, in order.

    Speaker names cleaned of invisible characters; the `metadata.csv` row's fields (title, date, event
    type, ... win over what the reader found); typo and transliteration variants joined and one role
    per person (`registry.harmonise`); the speaker registry (canonical names, each person's usual
    role); roles settled by what people do in this event (`roles.settle_roles`, which says what it
    guessed); the `metadata.csv` roles (they win); the date from the file name when nothing else gave
    one (with a warning).
    """
    for turn in doc.turns:
        turn.speaker = speaker_key_text(turn.speaker) or turn.speaker
    if doc.principal:
        doc.principal = speaker_key_text(doc.principal)
    if sidecar:
        apply_sidecar(doc, sidecar, roles=False)
    harmonise(doc)
    if doc.format == turns_table.NAME:
        guess_table_roles(doc)
    registry.apply(doc)
    settle_roles(doc)
    if sidecar:
        apply_sidecar(doc, sidecar, roles=True)
    if doc.event_date is None and path is not None and (from_name := date_in_name(path)):
        doc.event_date = from_name
        doc.warnings.append(f"event date {from_name} taken from the file name")
    unknown = sum(t.speaker == "Unknown speaker" for t in doc.turns)
    if unknown and not any("unknown speaker" in w.lower() for w in doc.warnings):
        doc.warnings.append(f"{unknown} turn(s) by “Unknown speaker”")


__all__ = ["READERS", "MAX_BYTES", "attribute", "decode", "decode_text", "detect_format", "doc_id_for", "read_document",
           "read_documents", "repair_mojibake",
           "supported_formats", "line_of"]
