"""Speaker labels: telling a label ("Sergey Lavrov (speaks after Michael Pompeo):") from text that
merely looks like one ("Key points:"), and reading name, addressee and stage note out of it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

#: Label words that stand for a role rather than a person, and the role they mean.
ROLE_LABELS = {
    "question": "press", "q": "press", "journalist": "press", "correspondent": "press",
    "reporter": "press", "remark": "press", "follow-up": "press",
    "moderator": "moderator", "presenter": "moderator", "host": "moderator", "anchor": "moderator",
    "interpreter": "other", "translator": "other", "answer": "official", "reply": "official", "a": "official",
    "spokesperson": "official", "spokesman": "official", "spokeswoman": "official", "press secretary": "official",
    "foreign minister": "official", "minister": "official", "ambassador": "official", "official": "official",
}
#: Role labels that stand for the event's principal speaker ("Answer:" in a Q/A transcript).
ANSWER_WORDS = {"answer", "reply", "a"}
#: Single capitalised words that head notes, not speech ("Note:", "Source:"): never speaker labels.
NOT_SPEAKERS = {"note", "notes", "source", "sources", "update", "updated", "editor", "summary", "tags", "photo",
                "photos", "video", "see", "also", "background", "context", "related", "end", "ps", "subject",
                "date", "time", "location", "place", "title", "topic", "topics", "agenda", "attention", "warning",
                "important", "transcript", "excerpt", "excerpts", "keywords", "key"}
#: Lower-case words allowed inside a name or a role-prefixed label ("President of Russia Vladimir Putin").
CONNECTORS = {"of", "the", "and", "for", "de", "da", "di", "van", "von", "der", "den", "del", "la", "le",
              "bin", "ibn", "al", "el", "y", "on", "to", "at"}
#: Words of office that precede names; stripped to get the person ("Foreign Minister Sergey Lavrov").
TITLE_WORDS = {
    "foreign", "minister", "president", "vice", "prime", "secretary", "state", "deputy", "first",
    "chairman", "chair", "spokesperson", "spokesman", "spokeswoman", "ambassador", "russian", "russia",
    "federation", "us", "u.s.", "american", "director", "general", "press", "chancellor", "of", "the",
    "defence", "defense", "senior", "official", "mr", "mr.", "ms", "ms.", "mrs", "mrs.", "dr", "dr.",
    "king", "queen", "emir", "sheikh", "premier", "head", "government", "republic", "united", "states",
    "kingdom", "national", "security", "adviser", "advisor", "special", "envoy", "representative",
    "executive", "chief", "acting", "assistant", "under-secretary", "undersecretary", "counsel",
    "senator", "governor", "mayor", "governor-general", "his", "her", "majesty", "excellency",
}
_LABEL = re.compile(
    r"(?P<name>[^\W\d_][^:\n()\[\]]{0,110}?)\s*(?:\((?P<paren>[^()\n]{1,160})\)\s*)?:[ \t\u00a0]+(?=\S)")
_TO = re.compile(r"^(?:addressed\s+to|directed\s+to|to|for)\s+(?P<who>.+)$", re.I)
_AFTER = re.compile(r"^(?:speaks|speaking|speaks\s+up|answers|answering|replies|replying|commenting)?\s*"
                    r"(?P<note>after\s+.+)$", re.I)


@dataclass(frozen=True)
class Label:
    """A parsed speaker label."""

    text: str  # the label as written, without the colon
    name: str  # the speaker part ("Question", "Sergey Lavrov")
    role_word: str | None  # the role it stands for, when it is a role label ("press")
    addressee: str | None
    stage_note: str | None
    end: int  # offset just past the colon and following spaces, relative to where matching started


def is_name_like(name: str) -> bool:
    """True for a person's name or a role-prefixed name; False for ordinary capitalised phrases.

    >>> [is_name_like(x) for x in ["Sergey Lavrov", "President of Russia Vladimir Putin", "Key points",
    ...                            "Note", "Washington, December 10", "Maria Zakharova", "Let me say"]]
    [True, True, False, False, False, True, False]
    """
    tokens = name.split()
    if not 2 <= len(tokens) <= 9 or any(ch.isdigit() for ch in name) or "," in name:
        return False
    if not (tokens[0][:1].isupper() and tokens[-1][:1].isupper()):
        return False
    caps = 0
    for tok in tokens:
        if tok[:1].isupper():
            caps += 1
        elif tok.lower() not in CONNECTORS:
            return False
    return caps >= 2 and not {"me", "us", "i", "we"} & {t.lower() for t in tokens[1:2]}


def is_single_name(name: str) -> bool:
    """A one-word label that can be a speaker ("Zakharova"), as opposed to a note heading ("Note").

    >>> [is_single_name(x) for x in ["Zakharova", "Note", "zakharova", "Putin-Medvedev", "G20"]]
    [True, False, False, True, False]
    """
    return (name[:1].isupper() and name.replace("-", "").replace("'", "").replace("’", "").isalpha()
            and name.lower() not in NOT_SPEAKERS)


def match_label(text: str, pos: int = 0, *, single_word: bool = False) -> Label | None:
    """The speaker label at `text[pos:]`, if the paragraph there starts with one.

    Labels are role words ("Question", "Moderator", "Spokesperson", "Q", "A") or names of two or more
    capitalised words; with `single_word`, also one capitalised word ("Zakharova"), which callers accept
    only when it recurs (a one-off "Note:" is no speaker). Upper-case labels are title-cased.

    >>> lab = match_label("Question (addressed to Michael Pompeo): If the attempt fails?")
    >>> (lab.name, lab.role_word, lab.addressee, lab.stage_note)
    ('Question', 'press', 'Michael Pompeo', None)
    >>> lab = match_label("Sergey Lavrov (speaking after Michael Pompeo): Replying to this question")
    >>> (lab.name, lab.stage_note)
    ('Sergey Lavrov', 'after Michael Pompeo')
    >>> match_label("Key points: one, two") is None
    True
    >>> match_label("MS. ZAKHAROVA: Good afternoon.").name, match_label("SPOKESPERSON: Yes.").role_word
    ('Ms. Zakharova', 'official')
    >>> match_label("Zakharova: Yes.") is None, match_label("Zakharova: Yes.", single_word=True).name
    (True, 'Zakharova')
    """
    m = _LABEL.match(text, pos)
    if not m:
        return None
    name = " ".join(m.group("name").split())
    if name.isupper() and len(name) > 1:  # "MS. ZAKHAROVA", "SPOKESPERSON"
        name = name.title()
    role_word = ROLE_LABELS.get(name.lower())
    if role_word is None and not is_name_like(name) and not (single_word and is_single_name(name)):
        return None
    addressee, stage_note = paren_parts(m.group("paren"))
    label_text = text[m.start():m.end()].rstrip().rstrip(":").rstrip()
    return Label(label_text, name, role_word, addressee, stage_note, m.end() - pos)


def paren_parts(paren: str | None) -> tuple[str | None, str | None]:
    """Addressee and stage note from the bracketed part of a label.

    >>> paren_parts("addressed to Michael Pompeo"), paren_parts("speaks after Michael Pompeo")
    (('Michael Pompeo', None), (None, 'after Michael Pompeo'))
    >>> paren_parts("retranslated")
    (None, 'retranslated')
    """
    if not paren or not paren.strip():
        return None, None
    paren = " ".join(paren.split())
    if to := _TO.match(paren):
        return to.group("who").strip(), None
    if after := _AFTER.match(paren):
        return None, after.group("note").strip()
    return None, paren


def person_in(phrase: str) -> str | None:
    """The person's name at the end of a phrase of office and name.

    >>> person_in("Foreign Minister Sergey Lavrov")
    'Sergey Lavrov'
    >>> person_in("US Secretary of State Michael Pompeo")
    'Michael Pompeo'
    """
    tokens = phrase.replace("’s", "").replace("'s", "").split()
    name: list[str] = []
    for tok in reversed(tokens):
        if not tok[:1].isupper() or tok.lower() in TITLE_WORDS:
            break
        name.insert(0, tok)
    return " ".join(name) if name else None
