"""Keyword in context: every occurrence of a word, a phrase or a regular expression, with the words
around it and its offsets in the raw text.

Matching runs over the raw text of each sentence (`texts.text[char_start:char_end]`), so offsets
index the decoded file exactly, and a phrase never spans two sentences. Literal words match whole
words as `clean.count_words` sees them: "chain" does not match inside "chains", "co-chair" or
"chain's"; curly and straight apostrophes match each other; the words of a phrase may be separated by
any run of white space (a line break of hard-wrapped text included). The raw text is what the file
holds: in White House Markdown a word may carry markup (`\\[`, `<s>…</s>`, `*`) that a literal pattern
does not look past, and `keyword` keeps a line break where the text has one.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import pandas as pd

from ..errors import TranscriptError

COLUMNS = ["doc_id", "date", "speaker", "role", "turn_index", "sentence_index", "left", "keyword", "right",
           "char_start", "char_end"]

_WORDCHAR = re.compile(r"[^\W_]")
# Word edges as `clean.count_words` draws them: letters/digits, joined by inner ' ’ or -.
_BEFORE = r"(?<![^\W_])(?<![^\W_]['’\-])"
_AFTER = r"(?![^\W_])(?!['’\-][^\W_])"


def _literal(word: str) -> str:
    """A literal word as a pattern: apostrophes match either kind.

    >>> _literal("Russia's")
    "Russia['’]s"
    """
    return "['’]".join(re.escape(part) for part in re.split(r"['’]", word))


def _edged(source: str, text: str) -> str:
    """`source` (the pattern of literal `text`) with word edges where `text` starts or ends with a word character."""
    return (_BEFORE if _WORDCHAR.match(text[0]) else "") + source + (_AFTER if _WORDCHAR.match(text[-1]) else "")


def alternatives(pattern: str | Sequence[str], *, regex: bool = False, phrase: bool = True) -> list[str]:
    """The things searched for: each pattern given, or with `phrase=False` each word of each pattern.

    >>> alternatives("supply chain"), alternatives("supply chain", phrase=False)
    (['supply chain'], ['supply', 'chain'])
    """
    items = [pattern] if isinstance(pattern, str) else list(pattern)
    if not items or any(not isinstance(p, str) or not p.strip() for p in items):
        raise TranscriptError(None, f"nothing to search for in {pattern!r}",
                              hint="Give a word, a phrase (\"supply chain\"), a list of them, or a regular "
                                   "expression with regex=True")
    if regex or phrase:
        return [p if regex else " ".join(p.split()) for p in items]
    return list(dict.fromkeys(w for p in items for w in p.split()))


def compile_pattern(pattern: str | Sequence[str], *, regex: bool = False, phrase: bool = True,
                    case_sensitive: bool = False) -> re.Pattern:
    """One regular expression for `kwic`.

    Args:
        pattern: a word, a phrase, or a list of them; with `regex=True`, Python regular expressions
            (matched as written: add `\\b` yourself where you want word edges).
        phrase: True: a pattern of several words is one phrase ("supply chain"); False: each word is
            searched for on its own.
        case_sensitive: False (the default) ignores case.

    >>> p = compile_pattern("supply chain")
    >>> [m.group() for m in p.finditer("Supply\\nchains, supply  chain; supply-chain, supply chain’s")]
    ['supply  chain']
    >>> [m.group() for m in compile_pattern("Russia's").finditer("Russia’s view; Russias")]
    ['Russia’s']
    >>> [m.group() for m in compile_pattern(r"sanction\\w*", regex=True).finditer("Sanctions, sanctioned")]
    ['Sanctions', 'sanctioned']
    """
    items = alternatives(pattern, regex=regex, phrase=phrase)
    if regex:
        sources = [f"(?:{p})" for p in items]
    else:
        sources = [_edged(r"\s+".join(_literal(w) for w in p.split()), p) for p in items]
        sources.sort(key=len, reverse=True)  # the longest alternative wins where two start at one place
    flags = 0 if case_sensitive else re.IGNORECASE
    try:
        compiled = re.compile("|".join(sources), flags)
    except re.error as exc:
        raise TranscriptError(None, f"{pattern!r} is not a valid regular expression ({exc})",
                              hint="Fix the expression, or search for it literally with regex=False") from None
    if compiled.search(""):
        raise TranscriptError(None, f"{pattern!r} matches the empty string, so it would match everywhere",
                              hint="Give a pattern that needs at least one character")
    return compiled


def required_words(pattern: str | Sequence[str], *, regex: bool = False, phrase: bool = True,
                   case_sensitive: bool = False) -> list[str] | None:
    """For a quick pre-filter in the database: one plain ASCII word each literal alternative contains
    (its longest; lower-cased unless `case_sensitive`), or None when some alternative has no such word
    (and always for regular expressions). A text containing none of them cannot match.

    >>> required_words(["supply chain", "Russia's"]), required_words("x", regex=True)
    (['supply', 'russia'], None)
    """
    if regex:
        return None
    found = []
    for item in alternatives(pattern, regex=False, phrase=phrase):
        runs = re.findall(r"[A-Za-z0-9]+", item)
        if not runs:
            return None
        longest = max(runs, key=len)
        found.append(longest if case_sensitive else longest.lower())
    return list(dict.fromkeys(found))


def context(text: str, start: int, end: int, window: int) -> tuple[str, str]:
    """The `window` words (runs of non-space characters) before `start` and after `end` in `text`,
    white space made single spaces.

    >>> context("one two  three FOUR five\\nsix", 15, 19, 2)
    ('two three', 'five six')
    """
    if window <= 0:
        return "", ""
    before = text[:start].rsplit(None, window)
    after = text[end:].split(None, window)
    return " ".join(before[-window:]), " ".join(after[:window])


def find(records: Iterable[dict], pattern: re.Pattern, *, window: int = 5) -> pd.DataFrame:
    """KWIC rows for turns given as records: doc_id, date, speaker, role, turn_index, turn_start (the
    turn's offset in the raw text), raw (the raw text of the turn's span), and sentence_index,
    sentence_start, sentence_end (lists: the turn's sentences, offsets into the raw text).

    Context (`left`, `right`) comes from the turn, so it may reach into the next sentence; matches
    stay within one sentence. `char_start`/`char_end` index the raw text of the document.
    """
    rows = []
    for rec in records:
        raw, base = rec["raw"], rec["turn_start"]
        for s_index, s_start, s_end in zip(rec["sentence_index"], rec["sentence_start"], rec["sentence_end"]):
            for m in pattern.finditer(raw, s_start - base, s_end - base):
                if m.end() == m.start():
                    continue
                left, right = context(raw, m.start(), m.end(), window)
                rows.append((rec["doc_id"], rec["date"], rec["speaker"], rec["role"], rec["turn_index"], s_index,
                             left, m.group(), right, base + m.start(), base + m.end()))
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["date"] = pd.to_datetime(out["date"])
    return out.astype({"turn_index": "int64", "sentence_index": "int64", "char_start": "int64", "char_end": "int64"})
