"""Cleaning: text for analysis is derived from the raw text, never written over it.

Pure `str -> str` normalisers, and the coverage bookkeeping that guarantees every character of the
decoded raw text is either inside a turn or in the cleaning log with a reason.
"""
from __future__ import annotations

import re

from .errors import TranscriptError
from .model import Document, LogEntry

_WHITESPACE = re.compile(r"\s+")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_ZERO_WIDTH_ALL = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069\u00ad\u180e]")
_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")


def id_slug(text: str) -> str:
    """A stable, readable identifier: lower case, runs of other characters made one underscore.

    >>> id_slug("Lavrov Pompeo 2019"), id_slug("?!")
    ('lavrov_pompeo_2019', 'document')
    """
    return re.sub(r"[^0-9a-z_\-]+", "_", text.lower()).strip("_") or "document"


def normalize_text(text: str) -> str:
    """Text for analysis: zero-width characters removed, every whitespace run (line breaks of
    hard-wrapped text included) made one space, ends trimmed.

    >>> normalize_text("  Thank you,\\n  Mr Pompeo.\\u200b ")
    'Thank you, Mr Pompeo.'
    """
    return _WHITESPACE.sub(" ", _ZERO_WIDTH.sub("", text)).strip()


def count_words(text: str) -> int:
    """Number of words: runs of letters or digits, with inner apostrophes and hyphens kept inside
    one word ("Russia’s", "business-like"). Punctuation and symbols ("$", "%") are not words.

    >>> count_words("Trade grew to $27 billion: an almost 33 percent increase, business-like.")
    11
    """
    return len(_WORD.findall(text))


def words(text: str) -> list[str]:
    """The words `count_words` counts, in order.

    >>> words("Russia’s co-chair, 2019.")
    ['Russia’s', 'co-chair', '2019']
    """
    return _WORD.findall(text)


def fill_gaps(doc: Document) -> None:
    """Log every span that no turn and no log entry covers, so coverage is complete.

    Whitespace-only gaps are logged as "blank"; a gap holding text is logged as "unattributed
    text", which readers should never leave (tests look for it). Overlaps are a reader bug and raise.
    """
    spans = sorted([(t.char_start, t.char_end, "turn") for t in doc.turns]
                   + [(e.char_start, e.char_end, e.reason) for e in doc.log])
    pos = 0
    gaps: list[LogEntry] = []
    for start, end, what in spans:
        if start < pos:
            raise TranscriptError(doc.source_path, f"internal error: span {start}-{end} ({what}) overlaps the "
                                  f"previous span ending at {pos}", hint="Please report this with the file")
        if start > pos:
            gaps.append(_gap(doc.text, pos, start))
        pos = end
    if pos < len(doc.text):
        gaps.append(_gap(doc.text, pos, len(doc.text)))
    doc.log.extend(gaps)
    doc.log.sort(key=lambda e: e.char_start)


def _gap(text: str, start: int, end: int) -> LogEntry:
    """A gap of whitespace (or of invisible characters: zero-width spaces, byte-order marks, direction
    marks) is "blank"; anything else is "unattributed text"."""
    reason = "blank" if not _ZERO_WIDTH_ALL.sub("", text[start:end]).strip() else "unattributed text"
    return LogEntry(start, end, reason)


def coverage_problems(n_chars: int, spans: list[tuple[int, int]]) -> list[str]:
    """Check that spans tile [0, n_chars) exactly; return a description of each gap or overlap.

    >>> coverage_problems(10, [(0, 4), (4, 10)])
    []
    >>> coverage_problems(10, [(0, 4), (3, 9)])
    ['overlap at 3-4', 'gap at 9-10']
    """
    problems = []
    pos = 0
    for start, end in sorted(spans):
        if end < start:
            problems.append(f"negative span {start}-{end}")
            continue
        if start > pos:
            problems.append(f"gap at {pos}-{start}")
        elif start < pos:
            problems.append(f"overlap at {start}-{min(pos, end)}")
        pos = max(pos, end)
    if pos < n_chars:
        problems.append(f"gap at {pos}-{n_chars}")
    elif pos > n_chars:
        problems.append(f"span beyond the text end ({pos} > {n_chars})")
    return problems
