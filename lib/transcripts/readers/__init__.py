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

from ..clean import fill_gaps
from ..errors import TranscriptError, line_of
from ..model import Document
from ..registry import Registry, harmonise, load_registry
from . import kremlin_html, mid_text, whitehouse_md

#: Formats in the order they are tried; later issues add theirs here.
READERS: dict[str, ModuleType] = {mid_text.NAME: mid_text, whitehouse_md.NAME: whitehouse_md,
                                  kremlin_html.NAME: kremlin_html}

#: Files larger than this are refused unless the caller raises the limit.
MAX_BYTES = 20 * 1024 * 1024


def supported_formats() -> list[str]:
    return list(READERS)


def decode(data: bytes, path: str | Path) -> str:
    """Decode raw bytes to text, or raise a `TranscriptError` saying what is wrong with them.

    UTF-8 (with or without a byte-order mark) is the expected encoding.
    """
    if not data.strip():
        what = "empty" if not data else "blank (whitespace only)"
        raise TranscriptError(path, f"the file is {what}", line=1,
                              hint="Check that the export or download worked, or remove the file from the corpus folder")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    nul = data.find(b"\x00")
    if nul >= 0 and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TranscriptError(path, "the file looks binary (it contains NUL bytes), not a text transcript",
                              line=data.count(b"\n", 0, nul) + 1,
                              hint="Point the workbook at text, HTML, Markdown, CSV or JSONL transcripts")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise TranscriptError(path, f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x} at byte {exc.start})",
                              line=line, hint="Re-save it as UTF-8 (e.g. `iconv -f cp1251 -t utf-8`)") from None


def doc_id_for(path: Path) -> str:
    """A stable, readable document id from the file name.

    >>> doc_id_for(Path("data/raw/Lavrov Pompeo 2019.txt"))
    'lavrov_pompeo_2019'
    """
    slug = re.sub(r"[^0-9a-z_\-]+", "_", path.stem.lower()).strip("_")
    return slug or "document"


def detect_format(text: str, path: Path) -> str:
    """The most likely format of `text`, from its content and its file extension."""
    best, best_score = None, 0.0
    for name, reader in READERS.items():
        score = reader.sniff(text) + (0.2 if path.suffix.lower() in reader.EXTENSIONS else 0.0)
        if score > best_score:
            best, best_score = name, score
    if best is None or best_score < 0.3:
        raise TranscriptError(path, "unknown transcript format", line=1,
                              hint=f"Supported formats: {', '.join(supported_formats())}. "
                                   "Pass the format explicitly (--format) if the file is one of them")
    return best


def read_document(path: str | Path, *, fmt: str | None = None, doc_id: str | None = None,
                  max_bytes: int = MAX_BYTES, registry: Registry | None = None) -> Document:
    """Read one transcript file into a `Document` whose turns and log cover its text exactly.

    Speakers are harmonised within the document and mapped through the speaker registry (the shipped
    starter unless `registry` is given; see `transcripts.registry`).
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise TranscriptError(path, f"cannot read the file ({exc.strerror})", hint="Check the path") from None
    if size > max_bytes:
        raise TranscriptError(path, f"the file is {size / 2**20:.1f} MB, over the {max_bytes / 2**20:.0f} MB limit "
                                    "for one transcript",
                              hint="Split it into one file per event, or raise the limit (--max-mb)")
    data = path.read_bytes()
    text = decode(data, path)
    if fmt is None:
        fmt = detect_format(text, path)
    elif fmt not in READERS:
        raise TranscriptError(path, f"unknown format {fmt!r}", hint=f"Supported formats: {', '.join(supported_formats())}")
    doc = Document(doc_id=doc_id or doc_id_for(path), source_path=str(path),
                   source_sha256=hashlib.sha256(data).hexdigest(), format=fmt, text=text)
    READERS[fmt].parse(doc)
    fill_gaps(doc)
    harmonise(doc)
    (registry if registry is not None else load_registry()).apply(doc)
    return doc


__all__ = ["READERS", "MAX_BYTES", "decode", "detect_format", "doc_id_for", "read_document",
           "supported_formats", "line_of"]
