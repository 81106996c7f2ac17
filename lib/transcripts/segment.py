"""Sentences with NLTK Punkt, using no downloaded data: an untrained tokenizer given the
abbreviations of diplomatic and press-briefing English, so it does not split after "Mr." or "U.S.".
"""
from __future__ import annotations

from functools import lru_cache

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from .paths import RESOURCES_DIR


@lru_cache(maxsize=1)
def sentence_tokenizer() -> PunktSentenceTokenizer:
    """A Punkt tokenizer with the shipped abbreviation list (`resources/abbreviations.txt`)."""
    params = PunktParameters()
    lines = (RESOURCES_DIR / "abbreviations.txt").read_text(encoding="utf-8").splitlines()
    params.abbrev_types = {ln.strip().lower().rstrip(".") for ln in lines if ln.strip() and not ln.startswith("#")}
    return PunktSentenceTokenizer(params)


def sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Sentence spans of `text`, shifted by `offset` (the text's position in the document).

    >>> s = "Mr. Pompeo arrived. The U.S. side agreed."
    >>> [s[a:b] for a, b in sentence_spans(s)]
    ['Mr. Pompeo arrived.', 'The U.S. side agreed.']
    """
    return [(offset + a, offset + b) for a, b in sentence_tokenizer().span_tokenize(text)]
