"""The data model: a Document (one event) holds Turns (one speaker's uninterrupted speech) and the
cleaning log (everything in the decoded text that is nobody's speech, with a reason).

Offsets (`char_start`, `char_end`) always index `Document.text`, the decoded raw file, so that
`text[char_start:char_end]` is the raw span a turn, sentence or log entry came from.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

ROLES = ("official", "press", "moderator", "narration", "other")


@dataclass
class Turn:
    """One speaker's uninterrupted speech.

    `pieces` are the raw spans holding the speech itself (one per paragraph); the turn's span runs
    from the first piece's start to the last piece's end, so blank lines between its paragraphs are
    inside the turn.
    """

    speaker: str
    role: str
    pieces: list[tuple[int, int]]
    label: str = ""
    addressee: str | None = None
    stage_note: str | None = None
    is_question: bool | None = None  # None: a press turn counts as a question

    @property
    def char_start(self) -> int:
        return self.pieces[0][0]

    @property
    def char_end(self) -> int:
        return self.pieces[-1][1]


@dataclass
class LogEntry:
    """A span of the decoded text that is not part of any turn, and why."""

    char_start: int
    char_end: int
    reason: str


@dataclass
class Document:
    """One event as read from one raw file."""

    doc_id: str
    source_path: str
    source_sha256: str
    format: str
    text: str
    turns: list[Turn] = field(default_factory=list)
    log: list[LogEntry] = field(default_factory=list)
    title: str | None = None
    event_type: str | None = None
    event_date: str | None = None  # ISO date, YYYY-MM-DD
    published_at: str | None = None  # ISO date and time, YYYY-MM-DDTHH:MM
    place: str | None = None
    principal: str | None = None
    counterpart: str | None = None
    source_url: str | None = None
    warnings: list[str] = field(default_factory=list)
    # How to turn a raw piece into clean text for analysis (readers of markup override it).
    clean_piece: Callable[[str], str] | None = None
