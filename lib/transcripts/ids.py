"""Document ids for file names written without ASCII letters (Cyrillic, Greek, Chinese, ...).

`readers.doc_id_for` keeps the ASCII letters and digits of a file name (`Lavrov Pompeo 2019.txt` →
`lavrov_pompeo_2019`); a name with none would become `document`, `document_2`, ... Such names are
transliterated instead (Russian, Ukrainian, Belarusian and Greek letters by a table, accented Latin
letters by their base letter), and a name with letters no table knows gets a short hash of the name, so
different names always give different, stable ids.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

from .clean import id_slug

_CYRILLIC = dict(zip("абвгдезийклмнопрстуфыэ", "abvgdeziyklmnoprstufye")) | {
    "ё": "yo", "ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ь": "", "ю": "yu",
    "я": "ya", "є": "ye", "і": "i", "ї": "yi", "ґ": "g", "ў": "u"}
_GREEK = dict(zip("αβγδεζηικλμνξοπρστυφχωάέήίόύώϊϋΐΰς", "avgdeziiklmnxoprstyfhoaeiioyoiyiys")) | {
    "θ": "th", "ψ": "ps"}
TRANSLITERATION = _CYRILLIC | _GREEK


def id_for_name(stem: str) -> str | None:
    """An id for a file name (without extension) that has letters but no ASCII letter; None otherwise
    (the name's own ASCII letters make the id then).

    >>> id_for_name("Брифинг Захаровой 2019-12-10")
    'brifing_zakharovoy_2019-12-10'
    >>> id_for_name("Συνέντευξη Τύπου")
    'synenteyxi_typoy'
    >>> id_for_name("记者会 2019") == id_for_name("记者会 2019") != id_for_name("发布会 2019")
    True
    >>> id_for_name("记者会 2019")[:5], id_for_name("Lavrov 2019"), id_for_name("2019-12-10")
    ('2019_', None, None)
    """
    if re.search(r"[A-Za-z]", stem) or not any(ch.isalpha() for ch in stem):
        return None
    latin, unknown = [], False
    for ch in stem:
        low = ch.lower()
        if low in TRANSLITERATION:
            latin.append(TRANSLITERATION[low])
            continue
        ascii_ = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
        unknown |= ch.isalpha() and not ascii_
        latin.append(ascii_ if ascii_ or not ch.isalpha() else " ")
    slug = id_slug("".join(latin))
    if unknown or slug == "document":
        tag = hashlib.sha1(unicodedata.normalize("NFC", stem).encode("utf-8")).hexdigest()[:8]
        slug = f"doc_{tag}" if slug == "document" else f"{slug}_{tag}"
    return slug
