"""Quantities in text: money, percentages, counts, durations, ratios and dates, with their spans.

A small regular-expression parser (no model, no unit database): it loads instantly and reads a
sentence in well under a millisecond, where quantulum3 takes about 5 s to load its units and about
8 ms a sentence (see benchmarks/bench_claims.py). It knows what diplomatic speech needs:

- money: "$20 billion", "US$ 3.5 million", "20 billion dollars", "€5m", "300 million rubles";
- percentages: "33 percent", "33 per cent", "33%", "5 percentage points";
- counts: "155 more employees", "155 diplomats", "two million people";
- durations: "300 days", "three years", and elliptical lists ("300 days in Moscow, 40 in
  Vladivostok and over 30 in Yekaterinburg": 40 and 30 inherit "days", marked `unit_inferred`);
- ranges: "20 to 30 percent", "20-30%", "between 20 and 30 percent" (value_low, value_high);
- qualifiers: "over 30", "more than", "almost", "about", "up to", "at least";
- ratios: "several times lower", "three times more", "twice as many";
- dates: years ("in 2019", "the 1950s", "2016 election"), "December 10, 2019", "10 December":
  kind `date`, kept apart so a year is never taken for a quantity. Identifiers ("Resolution 2254",
  "G20", "No. 5") and web addresses are skipped.

`parse_quantities(text)` returns `Quantity` records with offsets into `text`;
`quantities_table(tables)` runs it over the cleaned text of every sentence (`sentences.text`, the text
claims use), so struck-through figures and link URLs set aside by cleaning are never read as numbers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .prefilter import fold

SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mln": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9,
          "b": 1e9, "trillion": 1e12, "tn": 1e12, "trn": 1e12}
CURRENCY_SYMBOLS = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₽": "RUB"}
CURRENCY_WORDS = {"dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "pounds": "GBP",
                  "rubles": "RUB", "roubles": "RUB", "ruble": "RUB", "yuan": "CNY", "usd": "USD", "eur": "EUR"}
DURATION_DAYS = {"second": 1 / 86400, "minute": 1 / 1440, "hour": 1 / 24, "day": 1.0, "week": 7.0,
                 "month": 30.44, "year": 365.25, "decade": 3652.5}
NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
                "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
                "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100,
                "dozen": 12, "a dozen": 12, "one": 1, "a": 1}
MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
          "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
QUALIFIERS = {"over": "more than", "more than": "more than", "above": "more than", "in excess of": "more than",
              "at least": "at least", "almost": "almost", "nearly": "almost", "close to": "almost",
              "about": "about", "around": "about", "approximately": "about", "roughly": "about", "some": "about",
              "up to": "up to", "under": "less than", "less than": "less than", "fewer than": "less than",
              "below": "less than", "just over": "more than", "well over": "more than"}
COUNT_NOUN_STOP = {"of", "the", "and", "or", "in", "to", "a", "an", "on", "at", "for", "by", "with", "from", "is",
                   "are", "was", "were", "than"}

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORDNUM = (r"(?:a\s+)?dozen|(?:a\s+)?hundred|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|"
            r"ninety|two|three|four|five|six|seven|eight|nine|ten")
_SCALE = r"trillion|billion|million|thousand|bn|mln|mn|tn|trn|[kmb](?![a-z])"
_QUAL = "|".join(sorted((re.escape(q) for q in QUALIFIERS), key=len, reverse=True))
_DUR = r"(?:second|minute|hour|day|week|month|year|decade)s?"

_DATE_RE = re.compile(
    rf"\b(?:(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})"
    rf"(?:,?\s+\d{{4}})?|(?:{MONTHS})\s+\d{{4}})\b")
_YEAR_RE = re.compile(r"(?<![\w$.,])(?:1[89]\d\d|20\d\d)(?:s|’s|'s)?(?![\w%]|,\d|\.\d)")
_IDENT_RE = re.compile(r"(?:\b(?:Resolution|resolution|No\.?|number|Number|Article|article|Section|section|Chapter|"
                       r"chapter|Protocol|Flight|flight|Room|room|Page|page|Title|Rule|rule|Amendment)\s+\d[\d\-/]*"
                       r"|\b[A-Za-z]+-?\d+[A-Za-z]*\b|\b\d+(?:st|nd|rd|th)\b|\b\d{1,2}:\d{2}\b|\b\d+/\d+\b)")
_URL_RE = re.compile(r"\b(?:https?://|www\.)\S+", re.I)
_QUANT_RE = re.compile(
    rf"""(?P<qual>\b(?:{_QUAL})\s+(?:an?\s+)?)?
        (?P<cur>US\$|\$|€|£|¥|₽)?\s?
        (?P<num>{_NUM}|(?<!-)\b(?:{_WORDNUM})\b(?!-)|\b(?:a|one)(?=\s+(?:trillion|billion|million|thousand)\b))
        (?:\s*(?:-|–|—|to)\s*(?P<cur2>US\$|\$|€|£)?(?P<num2>{_NUM}))?
        (?:\s*(?P<scale>{_SCALE})\b)?
        (?:\s*(?P<unit>%|per\s?cent\b|percentage\s+points?\b|percent\b|{_DUR}\b|dollars?\b|euros?\b|pounds\b|
            rubles\b|roubles\b|yuan\b|USD\b|EUR\b))?""",
    re.VERBOSE | re.IGNORECASE)
_BETWEEN_RE = re.compile(rf"\bbetween\s+(?P<num>{_NUM})\s+and\s+(?P<num2>{_NUM})\s*(?P<unit>%|per\s?cent|percent|{_DUR})?",
                         re.IGNORECASE)
# vague amounts: "dozens of", "hundreds of thousands of" read as their lower bound (two of the unit)
_VAGUE_UNITS = {"dozens": 12, "scores": 20, "tens": 10, "hundreds": 100, "thousands": 1e3, "millions": 1e6,
                "billions": 1e9, "trillions": 1e12}
_VAGUE_RE = re.compile(r"\b(?P<n>(?:(?:tens|hundreds)\s+of\s+)?(?:dozens|scores|hundreds|thousands|millions|billions|"
                       r"trillions))\s+of\s+(?:(?:the|our|these|those|their|new|more)\s+)?(?P<noun>[a-z][a-z\-]+)", re.I)
_FRACTIONS = {"a third": 100 / 3, "one third": 100 / 3, "two thirds": 200 / 3, "a quarter": 25.0,
              "one quarter": 25.0, "three quarters": 75.0, "half": 50.0, "one half": 50.0,
              "a fifth": 20.0, "one fifth": 20.0, "a tenth": 10.0, "one tenth": 10.0}
_FRACTION_RE = re.compile(r"\b(?:(?P<qual>about|nearly|almost|more\s+than|over|roughly|around|some|at\s+least|"
                          r"less\s+than|under|well\s+over|just\s+over)\s+)?(?P<f>a\s+third|one\s+third|two[\s-]thirds|"
                          r"a\s+quarter|one\s+quarter|three[\s-]quarters|(?<!a\s)half|one\s+half|a\s+fifth|one\s+fifth|"
                          r"a\s+tenth|one\s+tenth)\s+of\b", re.I)
# a duration that only places something in time ("two years ago", "in the next three months",
# "over the past four years", "100 days from January 20th") is a time reference, not a quantity
_TIME_BEFORE = re.compile(r"(?:\b(?:in|within|after|before|during|by|over|for)\s+(?:the\s+|a\s+)?(?:(?:past|last|next|first|"
                          r"coming|previous|following|recent|final|latter)\s+)?|\b(?:the|past|last|next|first|coming|"
                          r"previous|following|recent|final)\s+|\bin\s+)(?:(?:about|around|some|approximately|roughly|"
                          r"another|nearly|almost|just)\s+)?(?:\d+\s*(?:,|or|to|-)\s*)?$", re.I)
_TIME_AFTER = re.compile(r"^\s*(?:ago|later|earlier|from\s+now|from\b|before\b|after\b|old\b|prior\b|since\b|"
                         r"hence|back\b|into\b)", re.I)
_FOR_DURATION = re.compile(r"\bfor\s+(?:(?:about|around|some|approximately|roughly|nearly|almost|over|more\s+than|"
                           r"at\s+least|up\s+to)\s+)?$", re.I)
# "100 percent focused": an idiom, not a figure
_IDIOM_AFTER = re.compile(r"^\s*(?:focused|committed|sure|certain|confident|behind|clear|right|correct|wrong|on\s+board|"
                          r"supportive|honest|true|aligned|convinced|accurate|responsible|agree)\b", re.I)
_RATIO_RE = re.compile(r"\b(?P<n>several|many|a few|two|three|four|five|ten|\d+(?:\.\d+)?)\s+times\s+"
                       r"(?P<dir>more|less|fewer|lower|higher|bigger|smaller|larger|greater)\b"
                       r"|\b(?P<w>twice|half)\s+as\s+(?:much|many|large|high|big)\b", re.IGNORECASE)
_COMPARE_RE = re.compile(r"^\s*(?P<dir>more|fewer|less|higher|lower)\b|^\s*[a-z]+\s+(?P<dir2>more|fewer|less)\b", re.I)
_NOUN_RE = re.compile(r"^\s*(?:more\s+|fewer\s+|less\s+|new\s+|additional\s+|other\s+)?(?P<noun>[a-z][a-z\-]+)")


@dataclass
class Quantity:
    """One quantity found in a text; `start`/`end` index that text."""

    kind: str  # money | percent | count | duration | ratio | date
    text: str
    start: int
    end: int
    value: float | None = None
    value_low: float | None = None
    value_high: float | None = None
    unit: str = ""
    normalized_value: float | None = None
    normalized_unit: str = ""
    qualifier: str = ""
    comparison: str = ""  # more | fewer: the number is a difference ("155 more employees")
    unit_inferred: bool = False


def _number(token: str) -> float:
    """'1,250.5' → 1250.5; number words → their value.

    >>> _number("1,250.5"), _number("Thirty"), _number("a dozen")
    (1250.5, 30.0, 12.0)
    """
    t = re.sub(r"\s+", " ", token.strip().lower())
    if t in NUMBER_WORDS:
        return float(NUMBER_WORDS[t])
    return float(t.replace(",", ""))


def _is_date_like(text: str, m: re.Match) -> bool:
    return bool(_YEAR_RE.fullmatch(m.group("num"))) and not (m.group("cur") or m.group("unit") or m.group("scale"))


def parse_quantities(text: str) -> list[Quantity]:
    """Quantities and dates in `text`, in order of position (results are cached per text; treat
    them as read-only). Editorial brackets around a figure are read through ("[14] percent" is 14
    percent; `Quantity.text` drops the brackets, `start`/`end` still index `text`).

    >>> [(q.kind, q.value, q.unit) for q in parse_quantities("Trade fell to $20 billion in 2016.")]
    [('money', 20.0, 'USD'), ('date', 2016.0, 'year')]
    >>> [(q.kind, q.value, q.unit, q.qualifier) for q in parse_quantities("an almost 33 per cent increase")]
    [('percent', 33.0, '%', 'almost')]
    >>> [(q.kind, q.value, q.text, q.start, q.end) for q in parse_quantities("rose [14] percent")]
    [('percent', 14.0, '14 percent', 6, 17)]
    """
    return list(_parse_cached(text))


# Every quantity or date holds a digit, a number word or a ratio word: a text with none of them is not
# parsed at all (most sentences; the test below is a fraction of the cost of the expressions above).
_DIGIT_RE = re.compile(r"\d")
_LETTERS_RE = re.compile(r"[a-z]+")
# whole words: number words, and the words of ratios ("several times", "twice as", "half as")
_NUMBER_HINTS = frozenset({"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                           "fifteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
                           "hundred", "dozen", "times", "twice", "half", "thousand", "million", "billion", "trillion",
                           "dozens", "scores", "hundreds", "thousands", "millions", "billions", "trillions", "third",
                           "thirds", "quarter", "quarters", "fifth", "tenth"})
_HINT_ORDER = tuple(sorted(_NUMBER_HINTS))


def _may_hold_quantity(text: str) -> bool:
    """False only for a text in which no quantity or date can be found.

    >>> _may_hold_quantity("We will talk again."), _may_hold_quantity("Twelve of them"), _may_hold_quantity("in 2019")
    (False, True, True)
    """
    if _DIGIT_RE.search(text):
        return True
    low = fold(text)
    for word in _HINT_ORDER:  # a whole word is a substring too: most texts are ruled out here, cheaply
        if word in low:
            return not _NUMBER_HINTS.isdisjoint(_LETTERS_RE.findall(low))
    return False


# The same test on a whole column at once, in Arrow's regular-expression engine: a superset of the texts
# `_may_hold_quantity` accepts (any digit, any number or ratio word in any case, and the four letters
# outside ASCII that case-fold onto an ASCII letter: İ ı ſ K; tests/test_prefilter.py checks both sets
# against Python's own), after which `_may_hold_quantity` decides on those left.
_ARROW_HINTS = r"[0-9]|\p{Nd}|(?i:" + "|".join(_HINT_ORDER) + r")|[\x{130}\x{131}\x{17f}\x{212a}]"


def may_hold_quantity(texts: pd.Series) -> np.ndarray:
    """`_may_hold_quantity` of every text of a column (a boolean array), many times faster."""
    import pyarrow as pa
    import pyarrow.compute as pc

    # as `str(t)` for each, like the one-at-a-time test (a missing value is "<NA>", "nan" or "None")
    values = np.array([t if isinstance(t, str) else str(t) for t in texts.astype(object)], dtype=object)
    if not len(values):
        return np.zeros(0, dtype=bool)
    try:
        arrow = pa.array(values, type=pa.large_string())
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeError):  # e.g. lone surrogates: one at a time
        return np.array([_may_hold_quantity(t) for t in values], dtype=bool)
    out = pc.match_substring_regex(arrow, _ARROW_HINTS).to_numpy(zero_copy_only=False)
    out = np.asarray(out, dtype=bool)
    idx = np.flatnonzero(out)
    out[idx] = [_may_hold_quantity(values[i]) for i in idx]
    return out


@lru_cache(maxsize=65536)
def _parse_cached(text: str) -> tuple[Quantity, ...]:
    if not _may_hold_quantity(text):
        return ()
    text = text.replace("[", " ").replace("]", " ")  # editorial brackets ("[14] percent"); same length, same offsets
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    def add(q: Quantity) -> None:
        found.append(q)
        taken.append((q.start, q.end))

    for m in _DATE_RE.finditer(text):
        add(Quantity("date", m.group(0), m.start(), m.end(), unit="date"))
    for m in _IDENT_RE.finditer(text):
        taken.append((m.start(), m.end()))  # identifiers and ordinals are not quantities
    for m in _URL_RE.finditer(text):
        taken.append((m.start(), m.end()))  # nor the digits of a web address left in the text
    for m in _RATIO_RE.finditer(text):
        n = m.group("n") or m.group("w")
        value = {"twice": 2.0, "half": 0.5}.get(n.lower()) if m.group("w") else (
            None if n.lower() in {"several", "many", "a few"} else _number(n))
        add(Quantity("ratio", m.group(0), m.start(), m.end(), value=value, unit="times",
                     normalized_value=value, normalized_unit="times",
                     comparison=(m.group("dir") or "as").lower()))
    for m in _BETWEEN_RE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        lo, hi = _number(m.group("num")), _number(m.group("num2"))
        unit = (m.group("unit") or "").lower()
        kind, nunit, factor = _unit_kind(unit, "")
        add(Quantity(kind, m.group(0), m.start(), m.end(), value=(lo + hi) / 2, value_low=lo, value_high=hi,
                     unit=nunit, normalized_value=(lo + hi) / 2 * factor, normalized_unit=_norm_unit(kind, nunit)))
    for m in _VAGUE_RE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        n = re.sub(r"\s+", " ", m.group("n").lower())
        noun = m.group("noun").lower()
        low = 2.0 * float(np.prod([_VAGUE_UNITS[w] for w in n.split() if w != "of"]))
        kind, nunit = ("money", CURRENCY_WORDS[noun]) if noun in CURRENCY_WORDS else ("count", noun)
        add(Quantity(kind, text[m.start():m.end("n")], m.start(), m.end("n"), value=low, value_low=low,
                     value_high=low * 5 - 1, unit=nunit, normalized_value=low, normalized_unit=_norm_unit(kind, nunit),
                     qualifier="at least"))
    for m in _FRACTION_RE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        value = _FRACTIONS[re.sub(r"[\s-]+", " ", m.group("f").lower())]
        qual = QUALIFIERS.get(re.sub(r"\s+", " ", (m.group("qual") or "").lower()), "")
        end = m.end("f")
        add(Quantity("percent", text[m.start():end], m.start(), end, value=round(value, 2), unit="%",
                     normalized_value=round(value, 2), normalized_unit="%", qualifier=qual))
    for m in _QUANT_RE.finditer(text):
        start = m.start("qual") if m.group("qual") else m.start("cur") if m.group("cur") else m.start("num")
        end = m.end()
        if not free(m.start("num"), m.end("num")):
            continue
        q = _from_match(text, m, start, end)
        if q is not None:
            add(q)
    for q in found:
        if q.kind == "duration" and _is_time_reference(text, q):
            q.kind, q.unit, q.normalized_value, q.normalized_unit = "date", "time reference", None, ""
    found = _carry_units(text, found)
    for q in found:
        q.text = " ".join(q.text.split())
    return tuple(sorted(found, key=lambda q: q.start))


def _is_time_reference(text: str, q: "Quantity") -> bool:
    """A duration that places something in time rather than measures it.

    >>> [(q.kind, q.unit) for q in parse_quantities("That happened over 75 years ago.")]
    [('date', 'time reference')]
    >>> [(q.kind, q.unit) for q in parse_quantities("Citizens wait for 300 days.")]
    [('duration', 'days')]
    """
    before = text[max(0, q.start - 45):q.start]
    if _TIME_AFTER.match(text[q.end:q.end + 12]):
        return True
    if _FOR_DURATION.search(before):  # "wait for 300 days", "for 70 years": a measured span
        return False
    return bool(_TIME_BEFORE.search(before))


def _unit_kind(unit: str, cur: str) -> tuple[str, str, float]:
    """(kind, unit, factor to the normalised unit) for a matched unit string."""
    unit = re.sub(r"\s+", " ", unit.lower())
    if cur:
        return "money", CURRENCY_SYMBOLS.get(cur.lower(), "USD"), 1.0
    if unit.startswith("percentage point"):
        return "percent", "percentage points", 1.0
    if unit in {"%", "percent", "per cent", "percent"}:
        return "percent", "%", 1.0
    if unit in CURRENCY_WORDS:
        return "money", CURRENCY_WORDS[unit], 1.0
    base = unit.rstrip("s")
    if base in DURATION_DAYS:
        return "duration", base + "s", DURATION_DAYS[base]
    return "count", "", 1.0


def _norm_unit(kind: str, unit: str) -> str:
    return {"duration": "days", "percent": unit, "money": unit}.get(kind, "")


def _from_match(text: str, m: re.Match, start: int, end: int) -> Quantity | None:
    num, cur, unit, scale = m.group("num"), m.group("cur") or m.group("cur2") or "", m.group("unit") or "", m.group("scale") or ""
    is_word = not num[0].isdigit()
    if _is_date_like(text, m):
        if m.group("num2") and _YEAR_RE.fullmatch(m.group("num2")):  # "2016-2017"
            return Quantity("date", m.group(0).strip(), m.start("num"), m.end(), unit="year range",
                            value_low=_number(num), value_high=_number(m.group("num2")))
        end = m.end("num") + (1 if text[m.end("num"):m.end("num") + 1] == "s" else 0)
        return Quantity("date", text[m.start("num"):end], m.start("num"), end, value=_number(num), unit="year")
    if scale and len(scale) == 1 and not cur and not unit:  # a lone "m"/"b"/"k" after a plain number is not a scale
        scale, end = "", m.end("num")
    if unit.lower().replace(" ", "") in {"%", "percent", "percent"} and _IDIOM_AFTER.match(text[end:end + 20]):
        return None  # "100 percent focused"
    if is_word and not (unit or scale or cur) and not (m.group("qual") and _NOUN_RE.match(text[end:end + 40])
                                                      and num.lower() not in {"a", "one"}):
        return None  # "two countries", "one another": number words count only with a unit, a scale or a qualifier
    if is_word and unit.lower().startswith("per") and num.lower() == "a":
        return None
    kind, nunit, factor = _unit_kind(unit, cur)
    value = _number(num)
    mult = SCALES.get(scale.lower(), 1.0) if scale else 1.0
    qual = QUALIFIERS.get(re.sub(r"\s+an?$", "", re.sub(r"\s+", " ", (m.group("qual") or "").strip().lower())), "")
    q = Quantity(kind, text[start:end].strip(), start, start + len(text[start:end].rstrip()), value=value, unit=nunit,
                 qualifier=qual)
    if m.group("num2"):
        q.value_low, q.value_high = value, _number(m.group("num2"))
        q.value = (q.value_low + q.value_high) / 2
    q.normalized_value = q.value * mult * factor
    q.normalized_unit = _norm_unit(kind, nunit)
    if kind == "count":
        after = text[end:end + 40]
        cmp = _COMPARE_RE.match(after)
        if cmp:
            q.comparison = "more" if (cmp.group("dir") or cmp.group("dir2")).lower() in {"more", "higher"} else "fewer"
        noun = _NOUN_RE.match(after)
        if noun and noun.group("noun").lower() not in COUNT_NOUN_STOP:
            q.unit = noun.group("noun").lower()
        if scale:
            q.unit = q.unit or scale.lower()
    return q


def _carry_units(text: str, found: list[Quantity]) -> list[Quantity]:
    """Bare numbers listed after a quantity with a unit inherit it ("300 days ..., 40 ..., over 30 ...")."""
    ordered = sorted(found, key=lambda q: q.start)
    for prev, q in zip(ordered, ordered[1:]):
        if q.kind != "count" or prev.kind not in {"duration", "percent", "money"} or q.comparison:
            continue
        if q.unit and q.unit not in {"in", "for", "at"}:
            between = text[prev.end:q.start]
            if not re.search(r",|\band\b|\bor\b", between):
                continue
        between = text[prev.end:q.start]
        if len(between) > 60 or not re.search(r",|;|\band\b|\bor\b|\bto\b", between):
            continue
        factor = DURATION_DAYS.get(prev.unit.rstrip("s"), 1.0) if prev.kind == "duration" else 1.0
        q.kind, q.unit, q.unit_inferred = prev.kind, prev.unit, True
        q.normalized_value = q.value * factor if q.value is not None else None
        q.normalized_unit = prev.normalized_unit
    return ordered


QUANTITY_COLUMNS = ["doc_id", "turn_index", "sentence_index", "speaker", "kind", "text", "value", "value_low",
                    "value_high", "unit", "normalized_value", "normalized_unit", "qualifier", "comparison",
                    "unit_inferred", "char_start", "char_end", "start_in_sentence", "end_in_sentence", "sentence_text"]


def quantities_table(tables: dict[str, pd.DataFrame], *, cache_dir: str | Path | None = None,
                     workers: int | None = None, progress: bool = True, prune: bool = True) -> pd.DataFrame:
    """Every quantity and date in every sentence: one row each, with provenance.

    Quantities are read from the cleaned sentence text (`sentences.text`, the text claims use), not
    from the raw span: struck-through figures and link URLs that cleaning set aside are not read.
    Provenance: `char_start`/`char_end` are the span of the quantity's SENTENCE in the document's
    decoded text (the `texts` table), as for claims; `start_in_sentence`/`end_in_sentence` locate the
    quantity in `sentence_text`, so `sentence_text[start_in_sentence:end_in_sentence]` is the figure
    as read (`text` is that span with editorial brackets dropped and spaces collapsed).
    Documents are read apart, on every core (`workers`), and with `cache_dir` (the build's `.cache`
    folder) kept until they or this code change (see `transcripts.percache`; `prune` as there).
    """
    from . import percache

    sents = _with_speaker(tables)[["doc_id", "turn_index", "sentence_index", "speaker", "char_start", "char_end",
                                   "text"]]
    # only sentences that can hold a quantity (about one in ten) are sent to be parsed and cached
    sents = sents[may_hold_quantity(sents.text)]
    key = percache.code_fingerprint()
    df = percache.per_document(sents, _document_quantities, name="quantities", key=key, cache_dir=cache_dir,
                               workers=workers, progress=progress, desc="Quantities", columns=QUANTITY_COLUMNS,
                               prune=prune)
    df = df.reindex(columns=QUANTITY_COLUMNS)
    df["is_date"] = df.kind.eq("date")
    return df


def _document_quantities(sents: pd.DataFrame) -> pd.DataFrame:
    """The quantities of one document's sentences; run in worker processes."""
    cols: dict[str, list] = {c: [] for c in QUANTITY_COLUMNS}
    own = ("kind", "text", "value", "value_low", "value_high", "unit", "normalized_value", "normalized_unit",
           "qualifier", "comparison", "unit_inferred")
    for s in sents.itertuples(index=False):
        for q in parse_quantities(s.text):
            for name in own:
                cols[name].append(getattr(q, name))
            cols["doc_id"].append(s.doc_id)
            cols["turn_index"].append(s.turn_index)
            cols["sentence_index"].append(s.sentence_index)
            cols["speaker"].append(s.speaker)
            cols["char_start"].append(s.char_start)
            cols["char_end"].append(s.char_end)
            cols["start_in_sentence"].append(q.start)
            cols["end_in_sentence"].append(q.end)
            cols["sentence_text"].append(s.text)
    floats = ("value", "value_low", "value_high", "normalized_value")
    if not cols["kind"]:  # none: the same empty frame (text columns as objects) as a document with some
        return pd.DataFrame(columns=QUANTITY_COLUMNS).astype({**dict.fromkeys(floats, float), "unit_inferred": bool})
    for name in floats:
        cols[name] = np.array(cols[name], dtype=float)
    cols["unit_inferred"] = np.array(cols["unit_inferred"], dtype=bool)
    return pd.DataFrame(cols, columns=QUANTITY_COLUMNS)


def _with_speaker(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    sents = tables["sentences"]
    turns = tables["turns"][["doc_id", "turn_index", "speaker"]]
    return sents.merge(turns, on=["doc_id", "turn_index"], how="left")


# --------------------------------------------------------------------------- numeric checks

CHECK_COLUMNS = ["doc_id", "check", "speaker", "turn_index", "sentence_index", "text", "stated", "computed",
                 "stated_value", "computed_value", "is_consistent", "explanation", "char_start", "char_end"]
_UP = r"increase|increased|rise|rose|growth|grew|jump|jumped|gain|higher|up|more|expansion|expanded"
_DOWN = r"decrease|decreased|decline|declined|drop|dropped|fall|fell|reduction|reduced|cut|lower|down|less|fewer"
_CHANGE_AFTER = re.compile(rf"^\s*(?P<dir>{_UP}|{_DOWN})\b", re.I)
_CHANGE_BEFORE = re.compile(rf"\b(?P<dir>{_UP}|{_DOWN})(?:\s+(?:of|by))?\s*$", re.I)
_THAN = re.compile(r"\bthan\b", re.I)
# "an increase of 70 percent from the prior seven-day average": the base is named but not given
_UNSTATED_BASE = re.compile(r"^[^.;]{0,25}?\b(?:from|over|compared\s+(?:to|with)|than|since)\s+(?:the|a|its|their|last|"
                            r"this|that|our|his|her)\b(?:\s+\w+){0,2}\s+(?:prior|previous|last|same|year|month|week|quarter|period|"
                            r"average|level|peak|low)", re.I)


def _fmt(value: float, unit: str) -> str:
    """A value for an explanation: '$20 billion', '35.0%', '155'.

    >>> _fmt(2e10, "USD"), _fmt(35.0, "%"), _fmt(155, "")
    ('$20 billion', '35.0%', '155')
    """
    if unit == "%":
        return f"{value:.1f}%"
    if unit in {"USD", "EUR", "GBP"}:
        sym = {"USD": "$", "EUR": "€", "GBP": "£"}[unit]
        for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
            if abs(value) >= scale:
                return f"{sym}{value / scale:g} {word}"
        return f"{sym}{value:,.0f}"
    return f"{value:g}" + (f" {unit}" if unit else "")


def _change_direction(text: str, q: "Quantity") -> str:
    """'up' / 'down' when a percentage states a change ("33 percent increase", "grew by 5%"), else ''."""
    m = _CHANGE_AFTER.match(text[q.end:q.end + 30]) or _CHANGE_BEFORE.search(text[max(0, q.start - 30):q.start])
    if not m:
        return ""
    return "up" if re.fullmatch(_UP, m.group("dir"), re.I) else "down"


_PERCENT_HINT = re.compile(r"%|\bper\s?cent\b|\bpercent\b", re.I)
# "this is", "which represents", "that's", or a dash/colon: the percentage refers back to the amounts
_ANAPHOR = re.compile(r"(?:\b(?:this|that|which|it)\s+(?:is|was|represents|marks|means|amounts\s+to)|"
                      r"\b(?:this|that|it)[’']s|[—–:])\s*(?:an?|the)?\s*(?:increase|decrease|rise|drop|decline|fall|"
                      r"growth|jump|gain|reduction)?\s*(?:of|by)?\s*$", re.I)
_FROM_TO = re.compile(r"\bfrom\b[^.;]{0,40}$", re.I)


def _amount_key(q: "Quantity") -> tuple[str, str] | None:
    """What makes two amounts comparable: money in one currency, or counts of the same named thing."""
    if q.kind == "money" and q.normalized_value:
        return ("money", q.unit)
    if q.kind == "count" and q.normalized_value and q.unit and not q.comparison:
        return ("count", q.unit)
    return None


def change_checks(sentences: pd.DataFrame, *, tolerance: float = 1.0, window: int = 1) -> pd.DataFrame:
    """Recompute stated percentage changes from the two amounts they refer to.

    A percentage with a change word ("an almost 33 percent increase", "fell by 5%") is checked against
    two comparable amounts (money in one currency, or counts of the same thing) when the text ties
    them together: "from A to B" or "B, down from A" in its sentence, or the two amounts just before
    it (its sentence or the `window` sentences before, same turn, no other percentage in between)
    followed by "this is", "which represents", "that's" or a dash. Pairs whose recomputed direction
    contradicts the stated one, and changes measured against a base the text does not give ("from
    the prior seven-day average"), are left out: the text does not say which amounts were compared.
    Consistent when the recomputed change is within `tolerance` percentage points of the stated one
    (one-sided for "more than"/"at least" and "less than"/"up to").
    `sentences` needs doc_id, turn_index, sentence_index, text, char_start, char_end, speaker.
    """
    rows = []
    ordered = sentences.sort_values(["doc_id", "turn_index", "sentence_index"], kind="stable").reset_index(drop=True)
    # only sentences that can hold a percentage are read, each with the `window` sentences before it
    # in its turn; "%", or "cent" for "percent"/"per cent", is in every text _PERCENT_HINT matches
    text = ordered.text.astype(str)
    maybe = text.str.contains("%", regex=False) | text.str.lower().str.contains("cent", regex=False)
    doc, turn = ordered.doc_id.to_numpy(), ordered.turn_index.to_numpy()
    candidates = np.flatnonzero(maybe.to_numpy())
    needed = sorted({b for p in candidates for b in range(max(0, p - window), p + 1)})
    records = dict(zip(needed, ordered.iloc[needed].itertuples(index=False)))
    for p in candidates:
        s = records[p]
        if not _PERCENT_HINT.search(s.text):
            continue
        before = [records[b] for b in range(max(0, p - window), p) if doc[b] == doc[p] and turn[b] == turn[p]]
        recent = [(r, None) for r in before] + [(s, None)]
        quants = parse_quantities(s.text)
        for q in quants:
            if q.kind != "percent" or q.unit != "%" or q.value is None:
                continue
            inc = _increment_for(s, q, quants)
            if inc is not None:
                x, base, level, how = inc
                if base > 0 and level != base:
                    rows.append(_increment_row(s, q, "up" if level > base else "down", x, base, how, tolerance))
                continue
            direction = _change_direction(s.text, q)
            if not direction or _UNSTATED_BASE.search(s.text[q.end:q.end + 80]):
                continue
            pair = (_pair_for_change(s, q, quants, [r for r, _ in recent[:-1]]) or _from_to_after(s, q, quants)
                    or _bracket_base(s, q, quants))
            if pair is None:
                continue
            (s_a, a), (s_b, b) = pair
            ratio = b.normalized_value / a.normalized_value
            if (ratio > 1) != (direction == "up") or ratio == 1:
                continue
            rows.append(_change_row(s, q, direction, s_a, a, s_b, b, tolerance, sentences_used=[s_a, s_b, s]))
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


def _from_to_after(s, q: "Quantity", quants: list["Quantity"]) -> tuple | None:
    """The amounts after the percentage: "grew by Z%, from A to B", "rose Z% to B, up from A".

    >>> s = pd.Series(dict(text="Exports grew by 25%, from $40 million to $50 million."))
    >>> qs = parse_quantities(s.text)
    >>> [x.text for _, x in _from_to_after(s, qs[0], qs)]
    ['$40 million', '$50 million']
    """
    after = [x for x in quants if x.start >= q.end and _amount_key(x)]
    for a, b in zip(after, after[1:]):
        lead = s.text[q.end:a.start]
        if len(lead) > 45:
            break
        if _amount_key(a) != _amount_key(b):
            continue
        between = s.text[a.end:b.start]
        if re.search(r"\bfrom\s*$", lead, re.I) and re.fullmatch(r"\s*(?:[a-z][\w-]*\s*)?,?\s*to\s*", between, re.I):
            return (s, a), (s, b)
        if re.search(r"\bto\s*$", lead, re.I) and re.fullmatch(r"\s*(?:[a-z][\w-]*\s*)?,?\s*(?:(?:up|down)\s+)?from\s*",
                                                              between, re.I):
            return (s, b), (s, a)
    return None


_BRACKET_LEAD = re.compile(r"\b(?:was|were|stood\s+at|amounted\s+to|totall?ed|came\s+to|had\s+been|reached)\s*$", re.I)


def _bracket_base(s, q: "Quantity", quants: list["Quantity"]) -> tuple | None:
    """The base in brackets after the percentage: "... reached B, up Z% (in 2011 the figure was A)"; B is
    the comparable amount outside the brackets nearest the percentage.

    >>> s = pd.Series(dict(text="Trade reached $27 billion, up 35% (in 2016 the figure was $20 billion)."))
    >>> qs = parse_quantities(s.text)
    >>> [x.text for _, x in _bracket_base(s, [x for x in qs if x.kind == "percent"][0], qs)]
    ['$20 billion', '$27 billion']
    """
    for x in quants:
        if x.start <= q.end or not _amount_key(x):
            continue
        open_ = s.text.rfind("(", 0, x.start)
        if open_ < q.end or ")" in s.text[open_:x.start] or not _BRACKET_LEAD.search(s.text[open_:x.start]):
            continue
        cands = [y for y in quants if y is not x and _amount_key(y) == _amount_key(x) and y.end <= open_]
        if not cands:
            return None
        b = min(cands, key=lambda y: abs(y.start - q.start))
        return (s, x), (s, b)
    return None


_INCREMENT_BEFORE = re.compile(r"(?:\b(?:an?\s+)?(?P<noun>increase|rise|jump|gain|growth|decrease|drop|decline|fall|cut|"
                               r"reduction)\s+of|\b(?P<verb>up|down|rose|grew|fell|increased|decreased|dropped|declined|"
                               r"jumped|climbed|shrank|added|lost)\s+(?:by\s+)?|\b(?P<more>)(?=\S))\s*$", re.I)
_INCREMENT_TIE = re.compile(r"\s*,?\s*(?:which\s+is|which\s+represents|which\s+means|that\s+is|that's|or|i\.e\.|"
                            r"[—–-])\s*(?:an?\s+)?(?:(?:increase|rise|growth|decrease|drop|decline)\s+of\s+)?", re.I)
_DOWN_WORDS = re.compile(r"decrease|drop|decline|fall|fell|cut|reduction|down|decreased|dropped|declined|shrank|lost", re.I)


def _increment_for(s, q: "Quantity", quants: list["Quantity"]):
    """An increment stated before the percentage: "an increase of X, which is Z%", "up X, or Z%", with the
    base from "from A" (or A = B - X from "to B", "reached B", "at B") in the same sentence. Returns
    (X, A, B, how A was found) or None.

    >>> s = pd.Series(dict(text="Trade grew to $27 billion, an increase of $7 billion, which is 35 percent."))
    >>> qs = parse_quantities(s.text)
    >>> x, a, b, how = _increment_for(s, [x for x in qs if x.kind == "percent"][0], qs)
    >>> (x.text, a, b, how)
    ('$7 billion', 20000000000.0, 27000000000.0, '$27 billion − $7 billion')
    """
    prev = [x for x in quants if x.end <= q.start and _amount_key(x)]
    if not prev:
        return None
    x = prev[-1]
    if not _INCREMENT_TIE.fullmatch(s.text[x.end:q.start]):
        return None
    word = re.search(r"\b(increase|rise|jump|gain|growth|decrease|drop|decline|fall|cut|reduction)\s+of\s*$|"
                     r"\b(up|down|rose|grew|fell|increased|decreased|dropped|declined|jumped|climbed|shrank|added|lost)"
                     r"\s+(?:by\s+)?$", s.text[max(0, x.start - 40):x.start], re.I)
    if not word and re.search(r"\bby\s*$", s.text[max(0, x.start - 6):x.start], re.I):  # "grew from A by X"
        word = re.search(r"\b(rose|grew|fell|increased|decreased|dropped|declined|jumped|climbed|shrank)\b()",
                         s.text[:x.start], re.I)
    if not word:
        return None
    down = bool(_DOWN_WORDS.fullmatch(word.group(1) or word.group(2)))
    unit = x.unit if x.kind == "money" else ""
    for y in quants:
        if y is x or _amount_key(y) != _amount_key(x):
            continue
        lead = s.text[max(0, y.start - 14):y.start]
        if re.search(r"\bfrom\s*$", lead, re.I):
            base = y.normalized_value
            return x, base, base - x.normalized_value if down else base + x.normalized_value, f"{_fmt(base, unit)}"
        if re.search(r"\b(?:to|reached|at|totall?ing|now)\s*$", lead, re.I):
            level = y.normalized_value
            base = level + x.normalized_value if down else level - x.normalized_value
            sign = "+" if down else "−"
            return x, base, level, f"{_fmt(level, unit)} {sign} {_fmt(x.normalized_value, unit)}"
    return None


def _increment_row(s, q, direction, x, base, how, tolerance) -> dict:
    unit = x.unit if x.kind == "money" else ""
    computed = x.normalized_value / base * 100
    stated = q.value
    ok = _within(q.qualifier, computed, stated, tolerance)
    word = "increase" if direction == "up" else "decrease"
    arithmetic = (f"the {word} {_fmt(x.normalized_value, unit)} on the base {_fmt(base, unit)}"
                  + ("" if how == _fmt(base, unit) else f" (= {how})")
                  + f": {_fmt(x.normalized_value, unit)} / {_fmt(base, unit)} × 100 = {computed:.1f}%")
    verdict = (f"stated '{q.text}' ({stated:g}%): {'within' if ok else 'off by'} {abs(computed - stated):.1f} "
               f"percentage points{'' if ok else f' (tolerance {tolerance:g})'}")
    return dict(doc_id=s.doc_id, check="change", speaker=s.speaker, turn_index=s.turn_index,
                sentence_index=s.sentence_index, text=s.text, stated=f"{stated:g}%", computed=f"{computed:.1f}%",
                stated_value=stated, computed_value=round(computed, 2), is_consistent=ok,
                explanation=f"{arithmetic}; {verdict} → {'consistent' if ok else 'inconsistent'}",
                char_start=s.char_start, char_end=s.char_end)


def _within(qualifier: str, computed: float, stated: float, tolerance: float) -> bool:
    """A recomputed percentage agrees with the stated one: within `tolerance` points, one-sided for
    "more than"/"at least" and "less than"/"up to"."""
    if qualifier in {"more than", "at least"}:
        return computed >= stated - tolerance
    if qualifier in {"less than", "up to"}:
        return computed <= stated + tolerance
    return abs(computed - stated) <= tolerance


_MULTIPLE_RE = re.compile(r"\b(?:(?P<qual>almost|nearly|more\s+than|over|roughly|about|around|close\s+to|just\s+over|"
                          r"well\s+over|approximately)\s+)?(?P<w>doubl(?:ed|ing|es|e)|tripl(?:ed|ing|es|e)|"
                          r"quadrupl(?:ed|ing|es|e)|halv(?:ed|ing|es|e)|cut\s+(?:it\s+)?in\s+half)\b", re.I)
_FACTORS = {"doubl": 2.0, "tripl": 3.0, "quadrupl": 4.0, "halv": 0.5, "cut": 0.5}


def multiple_checks(sentences: pd.DataFrame) -> pd.DataFrame:
    """"Doubled", "tripled", "halved" (with "almost", "more than", ...) checked against the two amounts the
    sentence gives "from A to B" (in either order around the word, or as a range "from 12 to 22 percent").

    Consistent when B / A is within 10 % of the stated factor (its inverse for "halved"); "almost"/"nearly"
    accept 80-101 % of it, "more than"/"over" at least 99 %, "about"/"roughly" within 15 %.
    `sentences` needs doc_id, turn_index, sentence_index, text, char_start, char_end, speaker.
    """
    rows = []
    text = sentences.text.astype(str)
    maybe = text.str.contains(r"(?i)doubl|tripl|quadrupl|halv|in half", regex=True)
    for s in sentences[maybe.to_numpy()].itertuples(index=False):
        for m in _MULTIPLE_RE.finditer(s.text):
            pair = _from_to_near(s.text, m)
            if pair is None:
                continue
            (a_text, va), (b_text, vb), unit = pair
            stated = next(f for k, f in _FACTORS.items() if m.group("w").lower().startswith(k))
            qual = re.sub(r"\s+", " ", (m.group("qual") or "").lower())
            ratio = vb / va
            big, big_c = (stated, ratio) if stated >= 1 else (1 / stated, 1 / ratio if ratio else float("inf"))
            if qual in {"almost", "nearly", "close to"}:
                ok = 0.8 * big <= big_c <= 1.01 * big
            elif qual in {"more than", "over", "just over", "well over"}:
                ok = big_c >= 0.99 * big
            elif qual in {"about", "roughly", "around", "approximately"}:
                ok = abs(big_c / big - 1) <= 0.15
            else:
                ok = abs(big_c / big - 1) <= 0.10
            said = f"{(qual + ' ') if qual else ''}{m.group('w').lower()}"
            expl = (f"{b_text} / {a_text} = {ratio:.3g}; stated '{said}' ({stated:g}×): "
                    f"{'consistent' if ok else 'inconsistent'}")
            rows.append(dict(doc_id=s.doc_id, check="multiple", speaker=s.speaker, turn_index=s.turn_index,
                             sentence_index=s.sentence_index, text=s.text, stated=f"{stated:g}×",
                             computed=f"{ratio:.2f}×", stated_value=stated, computed_value=round(ratio, 3),
                             is_consistent=ok, explanation=expl, char_start=s.char_start, char_end=s.char_end))
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


def _from_to_near(text: str, m: re.Match):
    """("A as written", A), ("B as written", B), unit) of "from A to B" within 100 characters of a match,
    else None.

    >>> _from_to_near("Rates almost doubled from 12 to 22 percent.", _MULTIPLE_RE.search("Rates almost doubled from 12 to 22 percent."))
    (('12.0%', 12.0), ('22.0%', 22.0), '%')
    """
    window_start = max(0, m.start() - 100)
    quants = [q for q in parse_quantities(text) if window_start <= q.start <= m.end() + 100]
    for q in quants:  # "from 12 to 22 percent" read as one range
        if q.value_low is not None and q.value_high is not None and q.kind in {"percent", "money", "count"} \
                and re.search(r"\bfrom\s*$", text[max(0, q.start - 8):q.start], re.I):
            unit = q.unit
            scale = (q.normalized_value / q.value) if q.value else 1.0
            lo, hi = q.value_low * scale, q.value_high * scale
            return (_fmt(lo, unit), lo), (_fmt(hi, unit), hi), unit
    amounts = [q for q in quants if (_amount_key(q) or q.kind == "percent") and q.normalized_value]
    for a, b in zip(amounts, amounts[1:]):
        if (a.kind, a.unit) != (b.kind, b.unit):
            continue
        if re.search(r"\bfrom\s*$", text[max(0, a.start - 8):a.start], re.I) and \
                re.fullmatch(r"\s*(?:[a-z][\w-]*\s*)?,?\s*to\s*", text[a.end:b.start], re.I):
            unit = a.unit if a.kind in {"money", "percent"} else a.unit
            return (_fmt(a.normalized_value, unit), a.normalized_value), (_fmt(b.normalized_value, unit),
                                                                          b.normalized_value), unit
    return None


def _pair_for_change(s, q: "Quantity", quants: list["Quantity"], before: list) -> tuple | None:
    """The two amounts a stated change refers to, as ((row, A), (row, B)), A the earlier value."""
    same = [x for x in quants if x.end <= q.start and _amount_key(x)]
    # "from A to B" / "B, down from A" in the percentage's own sentence
    for a, b in zip(same, same[1:]):
        if _amount_key(a) != _amount_key(b):
            continue
        between = s.text[a.end:b.start]
        if _FROM_TO.search(s.text[max(0, a.start - 45):a.start]) and re.search(r"\bto\b", between):
            return (s, a), (s, b)
        if re.search(r"\b(?:up|down|rising|falling|increasing|decreasing)\s+from\b", between):
            return (s, b), (s, a)
    # the amounts just before, tied to the percentage by "this is", "which represents", a dash ...
    last_pct = max((x.end for x in quants if x.kind == "percent" and x.end <= q.start), default=0)
    pool = [(s, x) for x in same if x.start >= last_pct]
    if last_pct == 0:
        for r in reversed(before):
            qs = parse_quantities(r.text)
            pcts = [x.end for x in qs if x.kind == "percent"]
            pool = [(r, x) for x in qs if _amount_key(x) and x.start >= max(pcts, default=0)] + pool
            if pcts:
                break
    if len(pool) < 2:
        return None
    (s_a, a), (s_b, b) = pool[-2], pool[-1]
    if _amount_key(a) != _amount_key(b):
        return None
    lead = s.text[max(0, (b.end if s_b is s else 0)):q.start]
    if not _ANAPHOR.search(lead):
        return None
    return (s_a, a), (s_b, b)


def _change_row(s, q, direction, s_a, a, s_b, b, tolerance, sentences_used) -> dict:
    va, vb = a.normalized_value, b.normalized_value
    ratio = vb / va
    computed = (ratio - 1) * 100 if direction == "up" else (1 - ratio) * 100
    stated = q.value
    diff = computed - stated
    ok = _within(q.qualifier, computed, stated, tolerance)
    word = "increase" if direction == "up" else "decrease"
    unit = a.unit if a.kind == "money" else ""
    arithmetic = (f"{_fmt(vb, unit)} / {_fmt(va, unit)} = {ratio:.4g}, so the {word} is "
                  f"{'(' + format(ratio, '.4g') + ' − 1)' if direction == 'up' else '(1 − ' + format(ratio, '.4g') + ')'}"
                  f" × 100 = {computed:.1f}%")
    verdict = (f"stated '{q.text}' ({stated:g}%): {'within' if ok else 'off by'} "
               f"{abs(diff):.1f} percentage points{'' if ok else f' (tolerance {tolerance:g})'}")
    seen, texts, spans = set(), [], []
    for u in sentences_used:
        key = (u.sentence_index,)
        if key not in seen:
            seen.add(key)
            texts.append(u.text)
            spans.append((u.char_start, u.char_end))
    return dict(doc_id=s.doc_id, check="change", speaker=s.speaker, turn_index=s.turn_index,
                sentence_index=s.sentence_index, text=" ".join(texts), stated=f"{stated:g}%",
                computed=f"{computed:.1f}%", stated_value=stated, computed_value=round(computed, 2), is_consistent=ok,
                explanation=f"{arithmetic}; {verdict} → {'consistent' if ok else 'inconsistent'}",
                char_start=min(a for a, _ in spans), char_end=max(b for _, b in spans))


def comparison_checks(sentences: pd.DataFrame, side_of) -> pd.DataFrame:
    """Differences stated twice in one event ("155 more employees than ..." and "155 diplomats fewer
    ... than ...") are checked for direction: who has more must be the same party both times.

    `side_of(sentence_row, text_before_number, text_after_than)` returns (subject side, compared side)
    or None when the parties cannot be told; transcripts.claims provides it.
    """
    found = []
    text = sentences.text.astype(str)
    # "than" (any case) and a digit are in every sentence the loop below keeps: test them for all at once
    maybe = text.str.lower().str.contains("than", regex=False) & text.str.contains(r"\d", regex=True)
    for s in sentences[maybe.to_numpy()].itertuples(index=False):
        if not _THAN.search(s.text) or not re.search(r"\d", s.text):
            continue
        for q in parse_quantities(s.text):
            if q.kind != "count" or not q.comparison:
                continue
            clause_start = max(s.text.rfind(";", 0, q.start), s.text.rfind(":", 0, q.start)) + 1
            than = _THAN.search(s.text, q.end)
            if not than or than.start() - q.end > 60:
                continue
            sides = side_of(s, s.text[clause_start:q.start], s.text[than.end():than.end() + 80])
            if not sides:
                continue
            greater, lesser = sides if q.comparison == "more" else sides[::-1]
            found.append((s, q, greater, lesser))
    rows = []
    for i, (s1, q1, g1, l1) in enumerate(found):
        for s2, q2, g2, l2 in found[i + 1:]:
            if s1.doc_id != s2.doc_id or q1.value != q2.value:
                continue
            ok = (g1, l1) == (g2, l2)
            expl = (f"'{q1.text} … {q1.comparison}' (sentence {s1.turn_index}.{s1.sentence_index}): {g1} has {q1.value:g} "
                    f"more than {l1}; '{q2.text} … {q2.comparison}' (sentence {s2.turn_index}.{s2.sentence_index}): "
                    f"{g2} has {q2.value:g} more than {l2} → "
                    + ("the same difference in the same direction: consistent" if ok else
                       "the same number but opposite directions: inconsistent"))
            rows.append(dict(doc_id=s1.doc_id, check="difference", speaker=s2.speaker, turn_index=s2.turn_index,
                             sentence_index=s2.sentence_index, text=f"{s1.text} {s2.text}",
                             stated=f"{g1} > {l1} by {q1.value:g}", computed=f"{g2} > {l2} by {q2.value:g}",
                             stated_value=q1.value, computed_value=q2.value, is_consistent=ok, explanation=expl,
                             char_start=min(s1.char_start, s2.char_start), char_end=max(s1.char_end, s2.char_end)))
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


CONTEXT_CHARS = 80  # the characters either side of an amount that make its context for restatements


def restatable(quantities: pd.DataFrame) -> pd.DataFrame:
    """The quantities `restatement_checks` compares: amounts of money, percentages, durations and counts of
    named things, with a value (the others can be left out before, a group of documents at a time)."""
    q = quantities[quantities.kind.isin(["money", "percent", "count", "duration"]) & quantities.normalized_value.notna()]
    return q[~((q.kind == "count") & (q.unit.fillna("") == ""))]


def restatement_checks(quantities: pd.DataFrame, *, threshold: float = 0.7, rel_tolerance: float = 0.01,
                       min_shared: int = 3,
                       max_rows: int = 500) -> pd.DataFrame:
    """The same quantity stated in different sentences (within an event or across the corpus) with
    different values: amounts of the same kind and unit whose context (the words within CONTEXT_CHARS of
    the amount in its sentence) is near-identical (TF-IDF cosine of content words ≥ `threshold`, numbers
    left out, and at least `min_shared` content words in common between the first two statements) are
    grouped, one amount per sentence (two amounts of one sentence are never one quantity); a group whose values
    differ by more than `rel_tolerance` is reported as inconsistent, one with equal values as a
    consistent restatement. At most `max_rows` rows, inconsistent ones first.
    """
    from .textsim import similar_groups

    q = restatable(quantities).reset_index(drop=True)
    rows = []
    if len(q) < 2:
        return pd.DataFrame(rows, columns=CHECK_COLUMNS)
    # each amount's own context: the words around it in its sentence (numbers left out), so that two
    # amounts of one sentence ("$240 million ... on top of the $1 billion") read differently
    starts = q.start_in_sentence.fillna(0).astype(int).to_numpy()
    ends = q.end_in_sentence.fillna(0).astype(int).to_numpy()
    context = [re.sub(r"[\d.,$%€£]+", " ", s[max(0, a - CONTEXT_CHARS):b + CONTEXT_CHARS]) + f" unit_{k}_{u}"
               for s, a, b, k, u in zip(q.sentence_text, starts, ends, q.kind, q.unit.fillna(""))]
    q["group"] = similar_groups(context, threshold=threshold)
    # the groups worth reading: two or more sentences, one kind and one unit (worked out for all groups
    # at once; most groups hold a single statement)
    sentence = ["doc_id", "turn_index", "sentence_index"]
    q = q[q.group.map(q.group.value_counts()) >= 2].drop_duplicates(["group", *sentence, "text"])
    # never two different amounts of one sentence as one quantity restated: a sentence with several
    # amounts in a group is left out of it
    per_sentence = q.groupby(["group", *sentence]).text.transform("size")
    q = q[per_sentence == 1]
    n_sentences = q.drop_duplicates(["group", *sentence]).groupby("group").size()
    same = q.assign(_unit=q.unit.fillna("")).groupby("group").agg(kinds=("kind", "nunique"), units=("_unit", "nunique"))
    keep = n_sentences.index[(n_sentences >= 2) & (same.kinds.reindex(n_sentences.index) == 1)
                             & (same.units.reindex(n_sentences.index) == 1)]
    for _, g in q[q.group.isin(keep)].groupby("group", sort=True):
        from .textsim import content_stems
        shared = set(content_stems(g.sentence_text.iloc[0])) & set(content_stems(g.sentence_text.iloc[1]))
        if len({w for w in shared if not w[0].isdigit()}) < min_shared:
            continue
        lo, hi = g.normalized_value.min(), g.normalized_value.max()
        ok = bool(hi - lo <= rel_tolerance * max(abs(hi), 1e-9))
        first, other = g.iloc[0], g[g.normalized_value != g.iloc[0].normalized_value]
        second = other.iloc[0] if len(other) else g.iloc[1]
        where = "the same event" if g.doc_id.nunique() == 1 else f"{g.doc_id.nunique()} events"
        values = ", ".join(f"'{t}' ({d}, {ti}.{si})" for t, d, ti, si in
                           zip(g.text, g.doc_id, g.turn_index, g.sentence_index))
        rows.append(dict(doc_id=first.doc_id, check="restatement", speaker=second.speaker,
                         turn_index=int(second.turn_index), sentence_index=int(second.sentence_index),
                         text=f"{first.sentence_text} | {second.sentence_text}", stated=first.text,
                         computed=second.text, stated_value=first.normalized_value,
                         computed_value=second.normalized_value, is_consistent=ok,
                         explanation=(f"{len(g)} statements of what reads as the same quantity in {where}: {values}; "
                                      + ("the values agree" if ok else
                                         f"values range from {lo:g} to {hi:g} {first.normalized_unit}: differ"
                                         + ("" if g.doc_id.nunique() == 1 else
                                            " (across events this may be a figure updated over time, not an error)"))),
                         char_start=int(second.char_start), char_end=int(second.char_end)))
    df = pd.DataFrame(rows, columns=CHECK_COLUMNS)
    return df.sort_values("is_consistent", kind="stable").head(max_rows).reset_index(drop=True)
