"""Quantities in text: money, percentages, counts, durations, ratios and dates, with their spans.

A small regular-expression parser (no model, no unit database): it loads instantly and reads a
sentence in well under a millisecond, where quantulum3 takes about 5 s to load its units and about
8 ms a sentence (see benchmarks/claims_quantities.py). It knows what diplomatic speech needs:

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
  "G20", "No. 5") are skipped.

`parse_quantities(text)` returns `Quantity` records with offsets into `text`;
`quantities_table(tables)` runs it over every sentence of the processed tables.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import pandas as pd

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
                       r"|\b[A-Za-z]+-?\d+[A-Za-z]*\b|\b\d+(?:st|nd|rd|th)\b|\b\d{1,2}:\d{2}\b)")
_QUANT_RE = re.compile(
    rf"""(?P<qual>\b(?:{_QUAL})\s+)?
        (?P<cur>US\$|\$|€|£|¥|₽)?\s?
        (?P<num>{_NUM}|\b(?:{_WORDNUM})\b)
        (?:\s*(?:-|–|—|to)\s*(?P<cur2>US\$|\$|€|£)?(?P<num2>{_NUM}))?
        (?:\s*(?P<scale>{_SCALE})\b)?
        (?:\s*(?P<unit>%|per\s?cent\b|percentage\s+points?\b|percent\b|{_DUR}\b|dollars?\b|euros?\b|pounds\b|
            rubles\b|roubles\b|yuan\b|USD\b|EUR\b))?""",
    re.VERBOSE | re.IGNORECASE)
_BETWEEN_RE = re.compile(rf"\bbetween\s+(?P<num>{_NUM})\s+and\s+(?P<num2>{_NUM})\s*(?P<unit>%|per\s?cent|percent|{_DUR})?",
                         re.IGNORECASE)
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
    """Quantities and dates in `text`, in order of position.

    >>> [(q.kind, q.value, q.unit) for q in parse_quantities("Trade fell to $20 billion in 2016.")]
    [('money', 20.0, 'USD'), ('date', 2016.0, 'year')]
    >>> [(q.kind, q.value, q.unit, q.qualifier) for q in parse_quantities("an almost 33 per cent increase")]
    [('percent', 33.0, '%', 'almost')]
    """
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
    for m in _QUANT_RE.finditer(text):
        start = m.start("qual") if m.group("qual") else m.start("cur") if m.group("cur") else m.start("num")
        end = m.end()
        if not free(m.start("num"), m.end("num")):
            continue
        q = _from_match(text, m, start, end)
        if q is not None:
            add(q)
    found = _carry_units(text, found)
    return sorted(found, key=lambda q: q.start)


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
        after = text[m.end("num"):m.end("num") + 3]
        return Quantity("date", text[m.start("num"):m.end("num") + (1 if after[:1] == "s" else 0)], m.start("num"),
                        m.end("num"), value=_number(num), unit="year")
    if scale and len(scale) == 1 and not cur and not unit:  # a lone "m"/"b"/"k" after a plain number is not a scale
        scale, end = "", m.end("num")
    if is_word and not (unit or scale or cur):
        return None  # "two countries", "one another": number words count only with a unit or a scale
    if is_word and unit.lower().startswith("per") and num.lower() == "a":
        return None
    kind, nunit, factor = _unit_kind(unit, cur)
    value = _number(num)
    mult = SCALES.get(scale.lower(), 1.0) if scale else 1.0
    qual = QUALIFIERS.get(re.sub(r"\s+", " ", (m.group("qual") or "").strip().lower()), "")
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


def quantities_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every quantity and date in every sentence: one row each, with provenance.

    Offsets `char_start`/`char_end` index the document's decoded raw text (the `texts` table) when it
    is available, so `text[char_start:char_end]` is the span as written.
    """
    sents = _with_speaker(tables)
    raw = dict(zip(tables["texts"].doc_id, tables["texts"].text)) if "texts" in tables else {}
    rows = []
    for s in sents.itertuples(index=False):
        doc_text = raw.get(s.doc_id)
        span = doc_text[s.char_start:s.char_end] if doc_text is not None else s.text
        base = s.char_start if doc_text is not None else 0
        for q in parse_quantities(span):
            row = asdict(q)
            row.update(doc_id=s.doc_id, turn_index=s.turn_index, sentence_index=s.sentence_index,
                       speaker=s.speaker, char_start=base + q.start, char_end=base + q.end,
                       text=" ".join(q.text.split()), sentence_text=s.text)
            rows.append(row)
    cols = ["doc_id", "turn_index", "sentence_index", "speaker", "kind", "text", "value", "value_low", "value_high",
            "unit", "normalized_value", "normalized_unit", "qualifier", "comparison", "unit_inferred", "char_start",
            "char_end", "sentence_text"]
    df = pd.DataFrame(rows, columns=cols + ["start", "end"])[cols]
    df["is_date"] = df.kind.eq("date")
    return df


def _with_speaker(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    sents = tables["sentences"]
    turns = tables["turns"][["doc_id", "turn_index", "speaker"]]
    return sents.merge(turns, on=["doc_id", "turn_index"], how="left")
