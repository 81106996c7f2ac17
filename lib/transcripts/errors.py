"""The project's one error type: names the file, the line, what went wrong and what to do."""
from __future__ import annotations

from pathlib import Path


class TranscriptError(Exception):
    """Bad input, reported so that a user can fix it without reading a traceback.

    >>> str(TranscriptError("x.txt", "the file is empty", hint="Check the export.", line=1))
    'x.txt, line 1: the file is empty. Check the export.'
    """

    def __init__(self, path: str | Path | None, message: str, *, hint: str = "", line: int | None = None):
        self.path = str(path) if path is not None else None
        self.message = message
        self.hint = hint
        self.line = line
        super().__init__(self._format())

    def _format(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where += f", line {self.line}"
        text = f"{where}: {self.message}"
        if self.hint:
            text += f". {self.hint}"
        return text


def line_of(text: str, offset: int) -> int:
    """1-based line number of a character offset.

    >>> line_of("a\\nb\\nc", 2)
    2
    """
    return text.count("\n", 0, offset) + 1
