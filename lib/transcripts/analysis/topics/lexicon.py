"""The topic lexicon (`resources/topic_lexicon.yaml`, editable): reading and checking it, and
compiling all terms of all topics into two prefix-tree regular expressions (one for terms in any case,
one for terms matched as written), so that a corpus is scanned in one pass per expression (`_scan`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import TranscriptError
from ...paths import RESOURCES_DIR, resolve

LEXICON_FILE = RESOURCES_DIR / "topic_lexicon.yaml"

_SEPARATOR = "\n"  # between sentences when a corpus is scanned in one string; no term can match it
_TERM_OK = re.compile(r"^[^\W_][\w .'’\-&]*\*?$")
_KEY_DROP = re.compile(r"[ \-]+")


# ---------------------------------------------------------------------------------------------
# The lexicon

@dataclass
class Lexicon:
    """Topics and their terms, compiled for fast matching.

    Attributes:
        topics: one row per topic: topic, label, n_terms, terms (readable, "; "-joined).
        path: the file it was read from (None when built from a dict).
    """

    topics: pd.DataFrame
    path: Path | None = None
    _ci: re.Pattern | None = field(default=None, repr=False)
    _cs: re.Pattern | None = field(default=None, repr=False)
    _lookup: dict = field(default_factory=dict, repr=False)

    @property
    def ids(self) -> list[str]:
        """Topic ids in lexicon order."""
        return list(self.topics.topic)

    @property
    def labels(self) -> dict[str, str]:
        """Topic id → readable label."""
        return dict(zip(self.topics.topic, self.topics.label))


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Read a topic lexicon (YAML; see the header of `resources/topic_lexicon.yaml`).

    Args:
        path: the lexicon file; None or "" for the shipped one. Relative paths are taken from the
            project root.

    Raises:
        TranscriptError: the file is missing or malformed (names the file, the line and the topic).
    """
    import yaml

    src = LEXICON_FILE if not path else resolve(path)
    if not src.is_file():
        raise TranscriptError(src, "topic lexicon not found", hint="Pass the path of a YAML lexicon, or leave it "
                              "empty for the shipped resources/topic_lexicon.yaml")
    text = src.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise TranscriptError(src, f"not valid YAML ({getattr(exc, 'problem', exc)})",
                              line=mark.line + 1 if mark else None,
                              hint="Compare with the shipped resources/topic_lexicon.yaml") from None
    entries = data.get("topics") if isinstance(data, dict) else data
    if not isinstance(entries, list) or not entries:
        raise TranscriptError(src, "no topics found", hint="The file needs a `topics:` list of entries "
                              "with id, label and terms")
    return lexicon_from_entries(entries, path=src, text=text)


def lexicon_from_entries(entries: list[dict], *, path: Path | None = None, text: str = "") -> Lexicon:
    """Build a lexicon from a list of `{id, label, terms, exact_case}` dicts (checked).

    >>> lex = lexicon_from_entries([{"id": "iran", "label": "Iran", "terms": ["Iran*"], "exact_case": ["JCPOA"]}])
    >>> lex.ids, lex.labels["iran"]
    (['iran'], 'Iran')
    """
    rows, seen = [], set()
    ci_terms: list[tuple[str, str]] = []
    cs_terms: list[tuple[str, str]] = []
    for n, entry in enumerate(entries, start=1):
        topic_id = entry.get("id") if isinstance(entry, dict) else None
        where = _line_of_id(text, topic_id, nth=sum(isinstance(e, dict) and e.get("id") == topic_id
                                                    for e in entries[:n - 1]))
        if not isinstance(entry, dict):
            raise TranscriptError(path, f"topic entry {n} is not a mapping of id, label, terms", line=where)
        unknown = set(entry) - {"id", "label", "terms", "exact_case", "description"}
        if unknown:
            raise TranscriptError(path, f"topic entry {n} has unknown key(s) {', '.join(sorted(unknown))}", line=where,
                                  hint="Allowed keys: id, label, terms, exact_case, description")
        topic = entry.get("id")
        if not isinstance(topic, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", topic):
            raise TranscriptError(path, f"topic entry {n} needs an id in lower case with underscores, got {topic!r}",
                                  line=where)
        if topic in seen:
            raise TranscriptError(path, f"topic id {topic!r} appears twice", line=where)
        seen.add(topic)
        terms = _term_list(entry.get("terms"), path, topic, "terms", where)
        exact = _term_list(entry.get("exact_case"), path, topic, "exact_case", where)
        if not terms and not exact:
            raise TranscriptError(path, f"topic {topic!r} has no terms", line=where,
                                  hint="Give it a `terms:` list (any case) or an `exact_case:` list")
        ci_terms += [(topic, t) for t in terms]
        cs_terms += [(topic, t) for t in exact]
        rows.append(dict(topic=topic, label=str(entry.get("label") or topic.replace("_", " ").capitalize()),
                         n_terms=len(terms) + len(exact), terms="; ".join(terms + exact)))
    lex = Lexicon(pd.DataFrame(rows, columns=["topic", "label", "n_terms", "terms"]), path=path)
    lex._ci, lookup_ci = _compile(ci_terms, case_sensitive=False)
    lex._cs, lookup_cs = _compile(cs_terms, case_sensitive=True)
    lex._lookup = {False: lookup_ci, True: lookup_cs}
    return lex


@lru_cache(maxsize=4)
def _cached_lexicon(path: str) -> Lexicon:
    return load_lexicon(path or None)


def default_lexicon() -> Lexicon:
    """The shipped lexicon (read once per process)."""
    return _cached_lexicon("")


def _line_of_id(text: str, topic: object, *, nth: int = 0) -> int | None:
    """Line of the `nth` (0-based) `id: <topic>` in the lexicon file's text, for error messages."""
    if not text or not isinstance(topic, str):
        return None
    found = list(re.finditer(rf"^\s*-?\s*id:\s*['\"]?{re.escape(topic)}['\"]?\s*$", text, re.M))
    return text.count("\n", 0, found[nth].start()) + 1 if len(found) > nth else None


def _term_list(value: object, path: Path | None, topic: str, key: str, line: int | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise TranscriptError(path, f"topic {topic!r}: `{key}` must be a list of words and phrases", line=line)
    terms = []
    for term in value:
        term = " ".join(str(term).split())
        if not _TERM_OK.match(term):
            raise TranscriptError(path, f"topic {topic!r}: term {term!r} in `{key}` is not a word or phrase",
                                  line=line, hint="Use letters, digits, spaces, hyphens, apostrophes, dots; "
                                                  "a * only at the end")
        terms.append(term)
    return terms


# ---------------------------------------------------------------------------------------------
# Compiling terms into one prefix-tree pattern

_SPACE_TOKEN, _HYPHEN_TOKEN, _APOSTROPHE_TOKEN, _WILD_TOKEN = r"[ \-]+", r"[ \-]?", "['’]", r"\w*"


def _tokens(term: str, *, case_sensitive: bool) -> list[str]:
    r"""A term as regex tokens: letters, separators (space, hyphen, apostrophe) and a trailing *.

    Terms matched in any case are matched against title-cased text (`str.title`: a letter is upper
    case exactly when it follows a character that is not a letter), so their letters are written
    that way; a letter after a space or hyphen may be either.

    >>> _tokens("Counter-terror*", case_sensitive=False)
    ['C', 'o', 'u', 'n', 't', 'e', 'r', '[ \\-]?', '[Tt]', 'e', 'r', 'r', 'o', 'r', '\\w*']
    """
    out: list[str] = []
    prev = ""
    for i, ch in enumerate(term):
        if ch == "*" and i == len(term) - 1:
            out.append(_WILD_TOKEN)
        elif ch == " ":
            out.append(_SPACE_TOKEN)
        elif ch == "-":
            out.append(_HYPHEN_TOKEN)
        elif ch in "'’":
            out.append(_APOSTROPHE_TOKEN)
        elif case_sensitive or not ch.isalpha():
            out.append(re.escape(ch))
        elif prev and prev in " -":
            out.append(f"[{ch.upper()}{ch.lower()}]")
        else:
            out.append(ch.lower() if prev.isalpha() else ch.upper())
        prev = ch
    return out


def _key(text: str, *, case_sensitive: bool) -> str:
    """Lookup key of a term or a matched text: separators dropped, apostrophes unified, case folded
    unless case matters.

    >>> _key("Counter-Terrorism", case_sensitive=False), _key("New  START", case_sensitive=True)
    ('counterterrorism', 'NewSTART')
    """
    key = _KEY_DROP.sub("", text.replace("’", "'"))
    return key if case_sensitive else key.lower()


def _compile(terms: list[tuple[str, str]], *, case_sensitive: bool) -> tuple[re.Pattern | None, dict]:
    """One regex for all (topic, term) pairs, shaped as a prefix tree so matching stays fast with
    hundreds of terms, plus the lookup from a matched text back to its topics and terms."""
    trie: dict = {}
    exact: dict[str, dict[str, str]] = {}
    wild: dict[str, dict[str, str]] = {}
    for topic, term in terms:
        node = trie
        for tok in _tokens(term, case_sensitive=case_sensitive):
            node = node.setdefault(tok, {})
        node[""] = True
        stem = term[:-1] if term.endswith("*") else term
        table = wild if term.endswith("*") else exact
        table.setdefault(_key(stem, case_sensitive=case_sensitive), {}).setdefault(topic, term)
    lookup = dict(exact=exact, wild=wild, wild_lengths=sorted({len(k) for k in wild}, reverse=True))
    if not trie:
        return None, lookup
    # Every term starts with one letter or digit, written as a literal (upper case in title-cased
    # text): a pattern whose alternatives all start with a literal lets the regex engine skip in C
    # to candidate characters (mostly word starts), instead of trying the pattern at every
    # position. The word-start check (the character before the first one is not a word
    # character) comes right after that first character.
    kids = sorted(trie, key=_child_order)
    alts = [k + r"(?<!\w.)" + _emit(trie[k]) for k in kids]
    return re.compile("(?:" + "|".join(alts) + r")(?!\w)"), lookup


def _child_order(token: str) -> tuple:
    return (token == _WILD_TOKEN, token in (_SPACE_TOKEN, _HYPHEN_TOKEN), token)


def _emit(node: dict) -> str:
    """Regex for a prefix-tree node: children in a fixed order (letters, then separators, then the
    wildcard, so longer phrases are tried before word endings); the end of a term makes the rest
    optional, and greedy, so the longest term wins."""
    kids = sorted((k for k in node if k), key=_child_order)
    if not kids:
        return ""
    alts = [k + _emit(node[k]) for k in kids]
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    if "" in node:
        return "(?:" + body + ")?"
    return body


def _topics_of(matched: str, lookup: dict, *, case_sensitive: bool) -> dict[str, str]:
    """Topic → lexicon term for a matched text."""
    key = _key(matched, case_sensitive=case_sensitive)
    hits = dict(lookup["exact"].get(key, {}))
    for n in lookup["wild_lengths"]:
        if n <= len(key):
            for topic, term in lookup["wild"].get(key[:n], {}).items():
                hits.setdefault(topic, term)
    return hits


def _scan(texts: list[str], lexicon: Lexicon) -> pd.DataFrame:
    """Every lexicon match in `texts`: position (index into `texts`), topic, term, matched text,
    start and end within the text. One row per match and topic."""
    joined = _SEPARATOR.join(texts)
    titled = joined.title()
    if len(titled) != len(joined):  # rare characters whose title case is longer: keep offsets aligned
        titled = _SEPARATOR.join(t.title() if len(t.title()) == len(t) else t for t in texts)
    lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]) if len(texts) else np.zeros(0, dtype=np.int64)
    pos, topic, term, matched, a, b = [], [], [], [], [], []
    for case_sensitive, source, rx in ((False, titled, lexicon._ci), (True, joined, lexicon._cs)):
        if rx is None:
            continue
        lookup = lexicon._lookup[case_sensitive]
        cache: dict[str, dict[str, str]] = {}
        for m in rx.finditer(source):
            s, e = m.span()
            found = joined[s:e]
            hits = cache.get(found)
            if hits is None:
                hits = cache[found] = _topics_of(found, lookup, case_sensitive=case_sensitive)
            for t, lex_term in hits.items():
                pos.append(s)
                topic.append(t)
                term.append(lex_term)
                matched.append(found)
                a.append(s)
                b.append(e)
    abs_start = np.asarray(a, dtype=np.int64)
    index = np.searchsorted(starts, abs_start, side="right") - 1 if len(abs_start) else abs_start
    offset = abs_start - starts[index] if len(abs_start) else abs_start
    out = pd.DataFrame(dict(position=index, topic=topic, term=term, matched=matched, start=offset,
                            end=offset + (np.asarray(b, dtype=np.int64) - abs_start)))
    order = {t: i for i, t in enumerate(lexicon.ids)}
    out["_order"] = out.topic.map(order)
    return out.sort_values(["position", "start", "_order"], kind="stable").drop(columns="_order").reset_index(drop=True)
