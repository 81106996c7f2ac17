"""A cheap test that rules a regular expression out before it is run.

Python's `re` tries a pattern such as `(?<![\\w'])(?:we|i) (believe|think|…)` at every position of
a sentence; with dozens of claim cues that is most of the cost of claim extraction. Most patterns
cannot match unless the text contains one of a few literal words ("believe", "think", …).
`required_literals` reads those words out of the compiled pattern (via the `re` parser) and
`may_match` checks them with plain substring tests on the case-folded text, which is many times
faster than the regular expression; the pattern is run only when one of them is there.

The test is sound: it never rules out a text the pattern would match (the words are ones every
match must contain, compared after the same case folding `re.IGNORECASE` applies). A pattern
whose required words cannot be worked out gets None, and is always run.

    >>> needs = required_literals(re.compile(r"(?<!\\w)(?:we|i)\\s+(?:strongly\\s+)?(?:believe|think)", re.I))
    >>> sorted(needs)
    ['believe', 'think']
    >>> may_match(needs, fold("We THINK so")), may_match(needs, fold("We agree"))
    (True, False)
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import product

try:  # the parser `re` itself uses (Python 3.11+: re._parser; before: sre_parse)
    from re import _constants as _C  # type: ignore[attr-defined]
    from re import _parser as _P  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as _C  # type: ignore[no-redef]
    import sre_parse as _P  # type: ignore[no-redef]

try:  # characters that IGNORECASE treats as equal beyond lower(): ı~i, ſ~s, K(kelvin)~k, ...
    from re._casefix import _EXTRA_CASES  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    _EXTRA_CASES = {}

_MAX_SET = 256  # give up on a part of a pattern that can match more distinct literal strings than this
_MIN_LEN = 3  # required words shorter than this are not worth testing (nearly every text has them)


def _canon_table() -> dict[int, str]:
    table: dict[int, str] = {0x130: "i"}  # İ: str.lower gives "i̇" (two characters); re compares it as "i"
    for low, others in _EXTRA_CASES.items():
        rep = chr(min(low, *others))
        for cp in (low, *others):
            if chr(cp) != rep:
                table[cp] = rep
    return table


_CANON = _canon_table()
_SPECIAL = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_CANON)) + "]") if _CANON else None


def fold(text: str) -> str:
    """`text` lower-cased the way `re.IGNORECASE` compares characters (one output character per input
    character for everything but exotic letters), for `may_match`.

    >>> fold("Russia’S"), fold("ſtrong"), fold("İt")
    ('russia’s', 'strong', 'it')
    """
    low = text.lower()
    if text.isascii() or _SPECIAL is None or not (_SPECIAL.search(text) or _SPECIAL.search(low)):
        return low
    return text.translate(_CANON).lower().translate(_CANON)


def may_match(needs: tuple[str, ...] | frozenset | None, folded: str) -> bool:
    """False only when the pattern whose `required_literals` are `needs` cannot match the text whose
    `fold` is `folded`."""
    if needs is None:
        return True
    for word in needs:
        if word in folded:
            return True
    return False


class SubstringIndex:
    """Which of many words occur in a text as substrings, found without testing each word.

    Words are filed under their first three characters; a text's three-character pieces pick the
    few words worth testing. `present(text)` is exactly `{w for w in words if w in text}`.

    >>> sorted(SubstringIndex(["believe", "think", "no"]).present("we believed, no doubt"))
    ['believe', 'no']
    """

    def __init__(self, words) -> None:
        words = sorted(set(words))
        self.short = tuple(w for w in words if len(w) < 3)
        index: dict[str, list[str]] = {}
        for w in words:
            if len(w) >= 3:
                index.setdefault(w[:3], []).append(w)
        self.index = {k: tuple(v) for k, v in index.items()}

    def present(self, text: str) -> set[str]:
        found = {w for w in self.short if w in text}
        index = self.index
        for piece in {text[i:i + 3] for i in range(len(text) - 2)}.intersection(index):
            for w in index[piece]:
                if w in text:
                    found.add(w)
        return found


_WORD_RUN = re.compile(r"\w+")


class TokenIndex:
    """`SubstringIndex.present` found from a text's words: the same answer, several times faster.

    A word made of word characters only occurs in a text exactly when it is part of one of the text's
    maximal runs of word characters (its tokens), and which words each token holds is worked out once
    per distinct token and remembered. A word with other characters ("'ll", "on the table") is tested
    with `in` only when its longest run of word characters (its anchor) is part of some token.

    Each word may carry a weight, a bit mask: `union(text)` is the bitwise or of the weights of the words
    the text holds (what the claim rules use: which patterns can match).

    >>> index = TokenIndex(["believe", "'ll", "on the table", "no"], weights=[1, 2, 4, 8])
    >>> sorted(index.present("we'll believe it, no: on the table")), index.union("no, I believe so"), index.union("")
    (["'ll", 'believe', 'no', 'on the table'], 9, 0)
    """

    _MEMO_MAX = 500_000  # distinct tokens remembered (the memo is emptied when it grows past this)

    def __init__(self, words, weights=None) -> None:
        words = list(words)
        weights = [1 << i for i in range(len(words))] if weights is None else list(weights)
        if len(weights) != len(words):
            raise ValueError("one weight per word")
        merged: dict[str, int] = {}
        for w, wt in zip(words, weights):
            merged[w] = merged.get(w, 0) | wt
        self.words = tuple(sorted(merged))
        self.weight = merged
        self.bit = {w: 1 << i for i, w in enumerate(self.words)}
        self.inner = frozenset(w for w in self.words if _WORD_RUN.fullmatch(w))
        # words with no word character at all: always tested
        self.bare = tuple((w, self.bit[w], self.weight[w]) for w in self.words if not _WORD_RUN.search(w))
        self.by_anchor: dict[str, tuple[str, ...]] = {}
        for w in self.words:
            runs = _WORD_RUN.findall(w)
            if runs and w not in self.inner:
                anchor = max(runs, key=len)
                self.by_anchor[anchor] = self.by_anchor.get(anchor, ()) + (w,)
        self._pieces = SubstringIndex(set(self.inner) | set(self.by_anchor))
        self._memo: dict[str, tuple[int, int, tuple[tuple[str, int, int], ...]]] = {}

    def _in_token(self, token: str) -> tuple[int, int, tuple[tuple[str, int, int], ...]]:
        """(bits of the words made of word characters it holds, their weights, the other words to test with
        `in`: those whose anchor it holds, each with its bit and weight)."""
        hit = self._memo.get(token)
        if hit is None:
            if len(self._memo) > self._MEMO_MAX:
                self._memo.clear()
            pieces = self._pieces.present(token)
            bits = weights = 0
            for w in pieces & self.inner:
                bits |= self.bit[w]
                weights |= self.weight[w]
            others = tuple((w, self.bit[w], self.weight[w]) for p in sorted(pieces) for w in self.by_anchor.get(p, ()))
            hit = self._memo[token] = (bits, weights, others)
        return hit

    def _scan(self, text: str) -> tuple[int, int]:
        bits = weights = 0
        for token in set(_WORD_RUN.findall(text)):
            b, wt, others = self._in_token(token)
            bits |= b
            weights |= wt
            for w, bw, ww in others:
                if not bits & bw and w in text:
                    bits |= bw
                    weights |= ww
        for w, bw, ww in self.bare:
            if w in text:
                bits |= bw
                weights |= ww
        return bits, weights

    def present(self, text: str) -> set[str]:
        """Exactly `{w for w in words if w in text}`."""
        bits = self._scan(text)[0]
        return {w for w in self.words if bits & self.bit[w]}

    def union(self, text: str) -> int:
        """The bitwise or of the weights of the words `text` holds (0 when none)."""
        return self._scan(text)[1]


@lru_cache(maxsize=4096)
def required_literals(pattern: re.Pattern) -> frozenset[str] | None:
    """Literal strings (folded) of which every match of `pattern` contains at least one, or None when
    no useful set can be worked out (then the pattern must always be run)."""
    try:
        parsed = _P.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - anything the parser rejects is simply not pre-filtered
        return None
    try:
        needs = _required(list(parsed))
    except Exception:  # noqa: BLE001 - an opcode this reader does not know: no pre-filter
        return None
    if not needs or min(map(len, needs)) < _MIN_LEN:
        return None
    # a text holding "condemns" holds "condemn": the shorter word alone tests the same
    return frozenset(w for w in needs if not any(o != w and o in w for o in needs))


def _exact(items) -> set[str] | None:
    """Every string a sequence of parsed items can match (folded), or None when unbounded or too many."""
    out = {""}
    for op, av in items:
        e = _exact_item(op, av)
        if e is None:
            return None
        out = {a + b for a, b in product(out, e)}
        if len(out) > _MAX_SET:
            return None
    return out


def _exact_item(op, av) -> set[str] | None:
    if op is _C.LITERAL:
        return {fold(chr(av))}
    if op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):
        return {""}
    if op is _C.SUBPATTERN:
        return _exact(list(av[-1]))
    if op is _C.BRANCH:
        return _union(av[1], _exact)
    if op is _C.IN:
        if all(o is _C.LITERAL for o, _ in av):
            return {fold(chr(c)) for _, c in av}
        return None
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT):
        lo, hi, sub = av
        if hi is _C.MAXREPEAT or hi > 3:
            return None
        e = _exact(list(sub))
        if e is None:
            return None
        out, acc = set(), {""}
        for k in range(hi + 1):
            if k >= lo:
                out |= acc
            acc = {a + b for a, b in product(acc, e)}
            if len(out) > _MAX_SET or len(acc) > _MAX_SET:
                return None
        return out
    return None


def _required(items) -> set[str] | None:
    """A set of non-empty strings one of which every match of the sequence contains (the best one
    found: longest shortest member, then fewest members), or None."""
    candidates: list[set[str]] = []
    run = {""}

    def close(run: set[str]) -> None:
        if "" not in run:
            candidates.append(run)

    for op, av in items:
        e = _exact_item(op, av)
        if e is not None:
            joined = {a + b for a, b in product(run, e)}
            if len(joined) <= _MAX_SET:
                run = joined
                continue
            close(run)
            run = e
            continue
        close(run)
        run = {""}
        inner = _required_item(op, av)
        if inner:
            candidates.append(inner)
    close(run)
    if not candidates:
        return None
    return max(candidates, key=lambda c: (min(map(len, c)), -len(c)))


def _union(branches, part) -> set[str] | None:
    """The union of `part` (`_exact` or `_required`) over the branches of an alternation; None when
    one branch has none (then nothing can be said of the whole) or the union is too large."""
    out: set[str] = set()
    for branch in branches:
        found = part(list(branch))
        if not found:
            return None
        out |= found
    return out if len(out) <= _MAX_SET else None


def _required_item(op, av) -> set[str] | None:
    if op is _C.SUBPATTERN:
        return _required(list(av[-1]))
    if op is _C.BRANCH:
        return _union(av[1], _required)
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT, getattr(_C, "POSSESSIVE_REPEAT", None)):
        lo, _, sub = av
        return _required(list(sub)) if lo >= 1 else None
    if op is getattr(_C, "ATOMIC_GROUP", None):
        return _required(list(av))
    return None
