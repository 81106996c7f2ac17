"""Who mentions whom: a gazetteer of people, countries and organisations (`resources/gazetteer.tsv`,
editable), extended with the corpus's own named speakers, matched in every turn; speaker names that
stand for a group or a function ("Press", "Senior Administration Official") are told apart.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pandas as pd

from ...errors import TranscriptError
from ...paths import RESOURCES_DIR
from .tokens import _APOSTROPHES, _first_chars, _straight

GAZETTEER_FILE = RESOURCES_DIR / "gazetteer.tsv"

#: Words that make a speaker name stand for a group or a function ("Press", "Senior Administration
#: Official", "Moderator"), not a person who can be mentioned by name or followed month by month.
_GENERIC = re.compile(r"\b(?:press|question|questions|q|moderator|operator|narrator|participant|participants|"
                      r"audience|unknown|unidentified|official|officials|reporter|staff|voice|speaker)\b",
                      re.IGNORECASE)
_HONORIFICS = re.compile(r"^(?:(?:mr|mrs|ms|dr|prof|president|vice president|secretary|admiral|general|"
                         r"surgeon general|ambassador|senator|governor|minister|foreign minister)\.?\s+)+",
                         re.IGNORECASE)

_BARE_HONORIFICS = {"mr", "mrs", "ms", "dr", "sir", "madam", "miss", "mister"}


def load_gazetteer(path: str | Path | None = None) -> pd.DataFrame:
    """The gazetteer as a table: entity, type, alias (one row per spelling, the name itself included).

    The file is tab-separated: entity, type, aliases separated by "|"; `#` starts a comment.
    """
    path = Path(path) if path else GAZETTEER_FILE
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 2 or not parts[0].strip() or not parts[1].strip():
            raise TranscriptError(path, "a gazetteer line needs at least an entity and a type, separated by a tab",
                                  line=n, hint="Format: entity<TAB>person|country|organisation<TAB>alias|alias")
        entity, kind = parts[0].strip(), parts[1].strip()
        aliases = [a.strip() for a in (parts[2] if len(parts) > 2 else "").split("|") if a.strip()]
        for alias in dict.fromkeys([entity, *aliases]):
            rows.append(dict(entity=entity, type=kind, alias=alias))
    return pd.DataFrame(rows, columns=["entity", "type", "alias"])


def is_generic(speaker: str) -> bool:
    """True for speaker names that stand for a group or a function rather than a person.

    >>> [is_generic(s) for s in ["Press", "Senior Adminstration Official", "Jen Psaki", "MODERATOR"]]
    [True, True, False, True]
    """
    return not isinstance(speaker, str) or not speaker.strip() or bool(_GENERIC.search(speaker))


def speaker_entities(turns: pd.DataFrame, gazetteer: pd.DataFrame) -> pd.DataFrame:
    """Gazetteer rows for the corpus's own named speakers (full name and surname) not already in it.

    Full names are taken first, so "Dr. Fauci" is recognised as the "Anthony Fauci" already added.

    >>> t = pd.DataFrame({"speaker": ["Sergey Lavrov", "Press", "Ms. Psaki", "Jen Psaki", "Mr."], "role": ["official", "press", "official", "official", "official"]})
    >>> speaker_entities(t, load_gazetteer()).alias.tolist()
    ['Jen Psaki', 'Psaki']
    """
    known = set(gazetteer.alias) | set(gazetteer.entity)
    rows = []
    people = turns[["speaker", "role"]].drop_duplicates("speaker")
    people = people[(people.role != "press") & ~people.speaker.map(is_generic)]
    bares = {name: _HONORIFICS.sub("", name.strip()) for name in people.speaker}
    for name in sorted(bares, key=lambda n: (-len(bares[n].split()), n)):
        bare = bares[name]
        surname = bare.split()[-1] if bare else ""
        if (not bare or bare in known or name in known or surname in known or not any(c.isalpha() for c in bare)
                or bare.strip(". ").lower() in _BARE_HONORIFICS):  # a label "MR.": no one to be named
            continue
        aliases = [bare] + ([surname] if len(bare.split()) > 1 and len(surname) > 2 else []) + [name.strip()]
        for alias in dict.fromkeys(aliases):
            rows.append(dict(entity=bare, type="person", alias=alias))
            known.add(alias)
    return pd.DataFrame(rows, columns=["entity", "type", "alias"])


def mentions(turns: pd.DataFrame, gazetteer: pd.DataFrame | None = None, *,
             add_speakers: bool = True, cache_dir: str | Path | None = None,
             workers: int | None = None) -> pd.DataFrame:
    """Who mentions whom: every gazetteer entity named in each turn.

    Matching is case-sensitive, on whole words; where aliases overlap the longest wins
    ("UN Security Council" counts once, not also as "UN"). With `cache_dir` (the build's `.cache`
    folder) documents are matched apart, on every core (`workers`), and each one's mentions are kept
    until its turns, the gazetteer (with the speakers added) or this code change.

    Returns:
        doc_id, turn_index, speaker, role, entity, type, n (mentions in that turn).
    """
    gaz = load_gazetteer() if gazetteer is None else gazetteer
    if add_speakers:
        gaz = pd.concat([gaz, speaker_entities(turns, gaz)], ignore_index=True)
    cols = ["doc_id", "turn_index", "speaker", "role", "entity", "type", "n"]
    if gaz.empty or turns.empty:
        return pd.DataFrame(columns=cols)
    if cache_dir is not None:
        from functools import partial

        from ... import percache

        rows = [tuple(r) for r in gaz[["entity", "type", "alias"]].itertuples(index=False)]
        key = percache.fingerprint(percache.code_fingerprint(), repr(rows))
        return percache.per_document(turns[["doc_id", "turn_index", "speaker", "role", "text"]],
                                     partial(_document_mentions, gazetteer=rows), name="mentions", key=key,
                                     cache_dir=cache_dir, workers=workers, progress=False, columns=cols)
    by_alias = {a.translate(_APOSTROPHES): (e, k) for e, k, a in gaz[["entity", "type", "alias"]].itertuples(index=False)}
    alts = sorted(by_alias, key=len, reverse=True)
    # Hyphens are boundaries here ("Russia-US talks" names both), and a possessive still names ("Russia's").
    pattern = re.compile(_first_chars(alts) + r"(?<![\w'])(?:" + "|".join(re.escape(a) for a in alts) + r")(?!\w)")
    rows = []
    for rec in turns[["doc_id", "turn_index", "speaker", "role", "text"]].itertuples(index=False):
        found = Counter(by_alias[m.group(0)] for m in pattern.finditer(_straight(str(rec.text))))
        for (entity, kind), n in found.items():
            rows.append((rec.doc_id, rec.turn_index, rec.speaker, rec.role, entity, kind, n))
    return pd.DataFrame(rows, columns=cols)


def _document_mentions(part: pd.DataFrame, gazetteer: list[tuple[str, str, str]]) -> pd.DataFrame:
    """`mentions` of one document's turns (the gazetteer as (entity, type, alias) rows, speakers already
    added); run in worker processes."""
    return mentions(part, pd.DataFrame(gazetteer, columns=["entity", "type", "alias"]), add_speakers=False)


def mention_matrix(found: pd.DataFrame, *, by: str = "speaker", top: int = 20,
                   words: pd.Series | None = None, rows: list[str] | None = None) -> pd.DataFrame:
    """Mentions per speaker (rows) and entity (columns), the `top` most mentioned entities.

    With `words` (each speaker's words, e.g. `speaker_stats(turns).set_index("speaker").n_words`), the
    counts become mentions per 1,000 of the speaker's words, so a speaker who talks more does not look
    more interested in everything. `rows` keeps those speakers, in that order (missing ones get zeros).

    >>> found = pd.DataFrame({"speaker": ["A", "A", "B"], "entity": ["Iran", "Iran", "Iran"], "n": [2, 1, 1]})
    >>> mention_matrix(found, words=pd.Series({"A": 3000, "B": 500}), rows=["A", "B", "C"]).Iran.tolist()
    [1.0, 2.0, 0.0]
    """
    if found.empty:
        return pd.DataFrame()
    keep = found.groupby("entity").n.sum().nlargest(top).index
    m = found[found.entity.isin(keep)].pivot_table(index=by, columns="entity", values="n", aggfunc="sum",
                                                   fill_value=0)[list(keep)]
    if rows is not None:
        m = m.reindex(rows, fill_value=0)
    if words is not None:
        per = pd.Series(words, dtype=float).reindex(m.index)
        m = m.div(per.where(per > 0), axis=0).fillna(0) * 1000
    return m
