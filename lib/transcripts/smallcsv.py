"""Small CSV files the user writes by hand beside a corpus (`metadata.csv`, a `--speakers` registry), read
strictly: a row with too many or too few fields, a quote left open, a column named twice are each one
error naming the file and the line, never a value that silently swallows the next row.

Such files hold one record per line: a quoted field that runs over a line break is taken for a quote left
open (the usual mistake), not for a multi-line value.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from .errors import TranscriptError


def read_rows(text: str, path: str | Path, *, what: str, hint: str,
              comments: bool = False) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header (stripped, lower-cased) and the rows of a small CSV as (line number, {column: value}).

    Args:
        text: the file's text.
        path: the file, as errors name it.
        what: what the file is ("the metadata file", "the speaker registry"), for the messages.
        hint: what to do, appended to every error.
        comments: lines whose first non-blank character is `#` are comments (skipped; line numbers still
            count them).

    Blank lines are skipped. Values are stripped of surrounding spaces.

    >>> read_rows('file,title\\nA.txt, One \\n\\nB.txt,"Two, too"\\n', "m.csv", what="m", hint="h")
    (['file', 'title'], [(2, {'file': 'A.txt', 'title': 'One'}), (4, {'file': 'B.txt', 'title': 'Two, too'})])
    >>> read_rows('file,title\\nA.txt,One,extra\\n', "m.csv", what="the metadata file", hint="Quote commas")
    Traceback (most recent call last):
    ...
    transcripts.errors.TranscriptError: m.csv, line 2: the metadata file: this row has 3 field(s), the header 2 \
(a comma inside a value that is not in double quotes?). Quote commas
    """
    lines = text.splitlines(keepends=True)
    if comments:
        lines = ["\n" if ln.lstrip().startswith("#") else ln for ln in lines]
    reader = csv.reader(io.StringIO("".join(lines), newline=""), strict=True)
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    start = 1  # the line the current record starts on
    try:
        for record in reader:
            end = reader.line_num
            if end > start and any("\n" in f or "\r" in f for f in record):
                raise TranscriptError(path, f"{what}: a double quote opened on this line is never closed (the "
                                      f"value runs on to line {end})", line=start, hint=hint)
            if not any(f.strip() for f in record):
                start = end + 1
                continue
            if header is None:
                header = [f.strip().lower() for f in record]
                seen: set[str] = set()
                for name in header:
                    if name in seen:
                        raise TranscriptError(path, f"{what}: the column {name!r} is named twice in the header",
                                              line=start, hint=hint)
                    seen.add(name)
            elif len(record) != len(header):
                raise TranscriptError(path, f"{what}: this row has {len(record)} field(s), the header {len(header)}"
                                      + (" (a comma inside a value that is not in double quotes?)"
                                         if len(record) > len(header) else ""), line=start, hint=hint)
            else:
                rows.append((start, {k: v.strip() for k, v in zip(header, record)}))
            start = end + 1
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):  # the file ends inside a quoted value
            raise TranscriptError(path, f"{what}: a double quote opened on this line is never closed (the value "
                                  "runs on to the end of the file)", line=start, hint=hint) from None
        raise TranscriptError(path, f"{what}: not valid CSV ({exc})", line=reader.line_num or start,
                              hint=hint) from None
    return header or [], rows
