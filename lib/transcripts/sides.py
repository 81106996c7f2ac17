"""Whose side a speaker speaks for: what "we", "our" and "I" refer to in their claims.

The side comes from who speaks, never from the file's format (a foreign leader at a White House or
Kremlin joint press conference speaks for their own country). In this order:

1. `registry`: the speaker registry's affiliation (the turns table's `affiliation` column);
2. `label office`: a country named in the speaker's label ("President of Bulgaria Rumen Radev",
   "Prime Minister of the Slovak Republic Peter Pellegrini", "Lomonosov Moscow State University Rector");
3. `title`: the event's title names the speaker with an office and a country ("Remarks by President
   Biden and Prime Minister Morrison of Australia", "President X of Y"), or with one of the host's offices;
4. `name`: the rules file's `speaker_sides` name patterns ("putin", "xi jinping");
5. `host office`: an official or moderator whose label names one of the host's offices (`host_offices`:
   "Secretary", "Press Secretary", "Governor", "Moderator", ...) on a page of a host (`host_sides`, by the
   reader's format): a guess from the office, reported as such;
6. otherwise unknown (empty).

A speaker whose side is known from one label or event keeps it in every turn of the corpus where
nothing more specific is known (`side_table`).

    >>> rules = load_rules()
    >>> resolve_side("Peter Pellegrini", "official", "kremlin_html", rules,
    ...              label="Prime Minister of the Slovak Republic Peter Pellegrini")
    ('Slovakia', 'label office')
    >>> resolve_side("Prime Minister Morrison", "official", "whitehouse_md", rules, label="PRIME MINISTER MORRISON",
    ...              title="Remarks by President Biden and Prime Minister Morrison of Australia")
    ('Australia', 'title')
    >>> resolve_side("Mr. Smith", "official", "whitehouse_md", rules, label="MR. SMITH")
    ('', 'unknown')
"""
from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

SIDE_SOURCES = ("registry", "label office", "title", "name", "host office", "corpus", "unknown")
_HEAD_OFFICES = (r"(?:President|Prime Minister|Premier|Chancellor|King|Queen|Emir|Crown Prince|Sultan|Taoiseach|"
                 r"Foreign Minister|Minister of Foreign Affairs|Secretary-General|Vice President|Deputy Prime Minister)")
_PARENS = re.compile(r"\s*[(\[][^)\]]*[)\]]")
_CAPS_PHRASE = r"(?:the\s+)?(?P<country>[A-Z][\w’'.-]+(?:\s+(?:of\s+)?[A-Z][\w’'.-]+){0,3})"


def load_rules(path=None):
    from .claims import load_rules as _load
    return _load(path)


def resolve_side(speaker: str | None, role: str | None, fmt: str | None, rules, *, affiliation: str | None = None,
                 label: str | None = None, title: str | None = None) -> tuple[str, str]:
    """(side, how it was found) for one speaker in one event; ("", "unknown") when it cannot be told."""
    speaker, label, title = _s(speaker), _s(label), _s(title)
    if _s(affiliation):
        return _canonical(rules, _s(affiliation)), "registry"
    office = _office_text(label or speaker, speaker)
    country = _country_in(rules, office)
    if country:
        return country, "label office"
    by_title = _from_title(rules, title, speaker, label, fmt, role) if role != "press" else ""
    if by_title:
        return by_title, "title"
    if role == "press":  # a journalist's "we" is their newsroom's: only the registry or their label tells
        return "", "unknown"
    for pat, side in rules.speaker_sides:
        if (speaker and pat.search(speaker)) or (office and pat.search(office)):
            return side, "name"
    host = rules.host_sides.get(fmt or "", "")
    if host and role in {"official", "moderator"} and _has_host_office(rules, office):
        return host, "host office"
    return "", "unknown"


def _s(value) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value).strip()


def _canonical(rules, name: str) -> str:
    """An affiliation or country name as the rules' side ("Russian Federation" → "Russia")."""
    return rules.actor_index.get(name, (name, name))[1]


def _office_text(label: str, speaker: str) -> str:
    """The label without notes in brackets and without the speaker's name: what is left is the office.

    >>> _office_text("President of Bulgaria Rumen Radev (retranslated)", "Rumen Radev")
    'President of Bulgaria'
    """
    text = _PARENS.sub("", label).strip(" :,")
    if speaker and text.lower().endswith(speaker.lower()):
        text = text[: -len(speaker)]
    elif speaker and speaker.split()[-1].lower() in text.lower().split():
        last = speaker.split()[-1]
        text = text[: text.lower().rfind(last.lower())]
    return text.strip(" ,:")


def _country_in(rules, office: str) -> str:
    """The side of an actor (country or body) named in an office ("... of the Russian Federation")."""
    if not office:
        return ""
    m = rules.actors.search(office)
    if m:
        alias = re.sub(r"\s+", " ", m.group(0))
        return rules.actor_index.get(alias, (alias, alias))[1]
    m = re.search(_HEAD_OFFICES + r"\s+of\s+" + _CAPS_PHRASE + r"\s*$", office)
    return m.group("country") if m else ""


def _from_title(rules, title: str, speaker: str, label: str, fmt: str | None, role: str | None) -> str:
    """The side the event's title gives the speaker: "OFFICE NAME of COUNTRY", "OFFICE of COUNTRY NAME",
    an actor in the office before the name, or a host office before the name (the host's side)."""
    if not title:
        return ""
    surname = _surname(speaker, label)
    if not surname:
        return ""
    if surname.lower() == "president" and role == "official":  # "THE PRESIDENT": the President the title names
        m = re.search(r"\bPresident\s+([A-Z][\w’'-]+)(?!\s+of\b)", title)
        if m:
            for pat, side in rules.speaker_sides:
                if pat.search(m.group(1)):
                    return side
        return ""
    for m in re.finditer(r"\b" + re.escape(surname) + r"\b", title):
        after = re.match(r"\s+of\s+" + _CAPS_PHRASE, title[m.end():])
        before = title[max(0, m.start() - 80):m.start()]
        before = re.split(r"\b(?:and|with|by|by the|,)\s", before)[-1]
        if after and re.search(_HEAD_OFFICES + r"(?:\s+[A-Z][\w’'-]+)*\s*$", before):
            return _canonical(rules, _country_name(rules, after.group("country")))
        country = _country_in(rules, before)
        if country:
            return country
        host = rules.host_sides.get(fmt or "", "")
        if host and role in {"official", "moderator"} and _has_host_office(rules, before):
            return host
    return ""


_TITLE_WORDS = {"Before", "After", "In", "At", "On", "During", "Ahead", "Prior", "Following", "Joint", "Press",
                "Conference", "Remarks", "Meeting", "Meetings", "Bilateral", "Statement", "Statements", "And", "To",
                "For", "With", "Visit", "Call", "Talks", "Summit"}


def _country_name(rules, phrase: str) -> str:
    """The country of a title's "... of COUNTRY Before Bilateral Meeting": an actor alias it starts with, or
    its words up to the first word of the title's own ("Australia Before Bilateral Meeting" → "Australia").

    >>> _country_name(load_rules(), "Australia Before Bilateral Meeting"), _country_name(load_rules(), "the Republic of Kenya")
    ('Australia', 'Republic of Kenya')
    """
    phrase = re.sub(r"^the\s+", "", phrase.strip())
    m = rules.actors.match(phrase)
    if m:
        return re.sub(r"\s+", " ", m.group(0))
    words = []
    for w in phrase.split():
        if w in _TITLE_WORDS:
            break
        words.append(w)
    return " ".join(words)


def _surname(speaker: str, label: str) -> str:
    if re.fullmatch(r"(?i)(?:the\s+)?president", speaker or "") or re.fullmatch(r"(?i)(?:the\s+)?president", label or ""):
        return "President"
    name = re.sub(r"^(?i:mr|ms|mrs|dr|miss)\.?\s+", "", speaker or "")
    parts = [p for p in re.split(r"\s+", name) if p]
    return parts[-1] if parts and len(parts[-1]) > 2 and parts[-1][0].isupper() else ""


def _has_host_office(rules, office: str) -> bool:
    """The office is one of the host's (`host_offices`) and not a head of state or government's, whose
    country the label or title would have named."""
    if not office or rules.host_office.search(office) is None:
        return False
    rest = re.sub(r"(?i)\b(?:vice president|deputy prime minister)\b", "", office)
    return re.search(r"(?i)\b(?:president|prime minister|premier|chancellor|king|queen|emir)\b", rest) is None


def side_table(tables: dict[str, pd.DataFrame], rules=None, *, per_speaker: pd.Series | None = None) -> pd.DataFrame:
    """The side of every turn's speaker: doc_id, turn_index, side, side_source.

    A speaker whose side is found in some turns (registry, office, title or name) gets it in the other
    turns of the corpus where only a host-office guess or nothing was found (`side_source` "corpus"),
    when all those turns agree on one side. `per_speaker`: those sides (`corpus_sides`), found before over
    the whole corpus when `tables` hold a group of its documents.
    """
    rules = rules or load_rules()
    out = resolved_sides(tables, rules)
    if per_speaker is None:
        per_speaker = corpus_sides(sure_sides(out))
    weak = out.side_source.isin(["host office", "unknown"]) & out.speaker.isin(per_speaker.index)
    out.loc[weak, "side"] = out.loc[weak, "speaker"].map(per_speaker)
    out.loc[weak, "side_source"] = "corpus"
    return out[["doc_id", "turn_index", "side", "side_source"]]


#: The columns of the turns table `side_table` reads.
TURN_COLUMNS = ["doc_id", "turn_index", "speaker", "role", "label", "affiliation"]


def resolved_sides(tables: dict[str, pd.DataFrame], rules) -> pd.DataFrame:
    """Each turn's side from its own speaker, role, label, affiliation and its document's format and title
    (`resolve_side`, once per such combination), before the corpus-wide rule: doc_id, turn_index, speaker,
    side, side_source."""
    turns = tables["turns"]
    docs = tables["documents"][["doc_id", *[c for c in ("format", "title") if c in tables["documents"]]]]
    frame = turns[["doc_id", "turn_index", "speaker", "role",
                   *[c for c in ("label", "affiliation") if c in turns]]].merge(docs, on="doc_id", how="left")
    for col in ("label", "affiliation", "format", "title"):
        if col not in frame:
            frame[col] = ""
    keys = ["speaker", "role", "format", "affiliation", "label", "title"]
    combos = frame[keys].astype(object).where(frame[keys].notna(), "").astype(str).drop_duplicates()
    found = {tuple(k): resolve_side(k[0], k[1], k[2], rules, affiliation=k[3], label=k[4], title=k[5])
             for k in combos.itertuples(index=False, name=None)}
    key_rows = frame[keys].astype(object).where(frame[keys].notna(), "").astype(str)
    res = [found[k] for k in key_rows.itertuples(index=False, name=None)]
    return pd.DataFrame(dict(doc_id=frame.doc_id, turn_index=frame.turn_index, speaker=frame.speaker,
                             side=[r[0] for r in res], side_source=[r[1] for r in res]))


def sure_sides(resolved: pd.DataFrame) -> pd.DataFrame:
    """The distinct (speaker, side) pairs of `resolved_sides` found from more than a host-office guess."""
    sure = resolved[~resolved.side_source.isin(["host office", "unknown"]) & (resolved.side != "")]
    return sure[["speaker", "side"]].drop_duplicates()


def corpus_sides(sure: pd.DataFrame) -> pd.Series:
    """speaker → side, for the speakers whose sure turns (`sure_sides`, of the whole corpus) agree on one side."""
    per_speaker = sure.groupby("speaker").side.agg(lambda s: s.iloc[0] if s.nunique() == 1 else "")
    return per_speaker[per_speaker != ""]
