"""Speaker labels: telling a label ("Sergey Lavrov (speaks after Michael Pompeo):") from text that
merely looks like one ("Key points:", "LEARN MORE:", "Ukraine on Fire: a documentary"), and reading
name, addressee, affiliation and stage note out of it.

Labels come in the shapes real exports use: after an emoji, a symbol or a flag (`💬 Maria Zakharova:`,
`❓ Question:`, `🇷🇺 Sergey Lavrov:`; the symbols are skipped and logged by the readers), alone on their
line with the speech in the next paragraph, long office + name labels with digits, particles and
inner brackets (`Commander of the 58th Army Lieutenant General Anatoly Khrulyov`, `Ursula von der
Leyen`, `Austrian Broadcasting Corporation (ORF) news presenter Armin Wolf`), names with a trailing
affiliation (`Anna Petrova, Channel One`), questions with their addressee or outlet (`Question to
Sergey Lavrov`, `Question from RIA Novosti`) and news outlets as one-word labels (`AFP:`, `TASS:`).
Invisible characters (zero-width spaces, byte-order marks, direction marks) never hide a label and
never make a second speaker (`Sergey\u200b Lavrov` is `Sergey Lavrov`).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .paths import RESOURCES_DIR

#: Label words that stand for a role rather than a person, and the role they mean.
ROLE_LABELS = {
    "question": "press", "q": "press", "journalist": "press", "correspondent": "press",
    "reporter": "press", "remark": "press", "follow-up": "press", "interviewer": "press",
    "moderator": "moderator", "presenter": "moderator", "host": "moderator", "anchor": "moderator",
    "interpreter": "other", "translator": "other", "answer": "official", "reply": "official", "a": "official",
    "spokesperson": "official", "spokesman": "official", "spokeswoman": "official", "press secretary": "official",
    "foreign minister": "official", "minister": "official", "ambassador": "official", "official": "official",
}
#: Role labels that stand for the event's principal speaker ("Answer:" in a Q/A transcript).
ANSWER_WORDS = {"answer", "reply", "a"}
#: Role labels whose speaker depends on the event and the neighbouring turns (see `transcripts.roles`).
GENERIC_WORDS = {"remark", "response", "reply", "voice", "comment", "follow-up", "remark from the audience",
                 "question from the audience", "voice from the audience"}
_GENERIC_FORM = re.compile(r"(?P<word>remark|response|repl(?:y|ie)|voice|comment|question|exclamation)s?"
                           r"(?:\s+from\s+(?:the\s+)?(?:audience|floor|hall|room|crowd|auditorium))?", re.I)


def generic_word(label: str) -> str | None:
    """The generic word of a label that stands for someone the page does not name, in any of its forms
    (plural, "from the hall"), or None.

    >>> [generic_word(x) for x in ["Remarks", "Response from the hall", "Replies", "Question", "Sergey Lavrov"]]
    ['remark', 'response', 'reply', 'question', None]
    """
    m = _GENERIC_FORM.fullmatch(" ".join(label.split()))
    if not m:
        return None
    word = m.group("word").lower()
    return "reply" if word.startswith("repl") else word


#: Single capitalised words that head notes, not speech ("Note:", "Source:"): never speaker labels.
NOT_SPEAKERS = {"note", "notes", "source", "sources", "update", "updated", "editor", "summary", "tags", "photo",
                "photos", "video", "see", "also", "background", "context", "related", "end", "ps", "subject",
                "date", "time", "location", "place", "title", "topic", "topics", "agenda", "attention", "warning",
                "important", "transcript", "excerpt", "excerpts", "keywords", "key", "documentary", "film", "read",
                "watch", "listen", "link", "links", "details", "highlights", "quote", "breaking", "more", "contact",
                "contacts", "follow", "subscribe", "share", "download", "pdf", "ps", "reminder", "announcement"}
#: Capitalised phrases that head notes and links, never a speaker ("LEARN MORE:", "Read more:").
NOT_SPEAKER_PHRASES = {"learn more", "read more", "see more", "find out more", "more details", "key points",
                       "key messages", "main points", "full text", "full transcript", "follow us", "stay tuned",
                       "watch the video", "watch live", "join us", "for reference", "fact sheet", "press release",
                       "editor's note", "editor’s note", "breaking news", "live updates", "in brief", "at a glance",
                       "photo gallery", "useful links", "video link"}
#: Lower-case words allowed inside a name or a role-prefixed label ("President of Russia Vladimir Putin").
CONNECTORS = {"of", "the", "and", "for", "de", "da", "di", "van", "von", "der", "den", "del", "la", "le",
              "bin", "ibn", "al", "el", "y", "on", "to", "at", "du", "dos", "das", "ter", "ben", "zu", "in"}
#: Lower-case particles inside a person's name ("Ursula von der Leyen", "Mohammed bin Salman").
PARTICLES = {"de", "da", "di", "van", "von", "der", "den", "del", "la", "le", "bin", "ibn", "al", "el", "du",
             "dos", "das", "ter", "ben", "zu", "al-", "el-", "y", "st."}
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
    "lieutenant", "colonel", "major", "admiral", "commander", "captain", "marshal", "army", "navy",
    "reporter", "correspondent", "journalist", "presenter", "host", "anchor", "editor", "editor-in-chief",
    "moderator", "interviewer", "commentator", "columnist", "blogger", "news", "tv", "radio",
}
#: Words naming an organisation: the person's name never reaches back over them ("China Media Group Shen Haixiong").
ORG_WORDS = {"commission", "council", "ministry", "committee", "union", "organisation", "organization", "agency",
             "bank", "fund", "group", "company", "corporation", "forum", "party", "parliament", "assembly", "office",
             "service", "centre", "center", "institute", "university", "foundation", "association", "club",
             "chamber", "court", "department", "administration", "board", "concern", "holding", "academy"}
_CAP_PARTICLE = re.compile(r"^(?:al|el|ad|as|ash|at|az|ibn|bin|abu|ben|d|l|de|da|di|du)[-’'][A-Z]")
#: Zero-width spaces and joiners, byte-order marks, direction marks and embeddings, soft hyphens.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069\u00ad\u180e"
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
#: Line breaks other than "\n" that separate paragraphs just as well.
LINE_BREAKS = "\r\u2028\u2029\u0085\u000b\u000c"
_BULLETS = set("•·‣◦▪▫■□●○◆◇◊►▶▸▹›»→⇒➔➜➝➞➡➤✓✔✗✘★☆✦✧❖*#>|~+")
_LABEL = re.compile(
    r"(?P<name>[^\W\d_](?:[^:\n\r()\[\]]|\([^()\n\r:]{1,60}\)){0,160}?)"
    r"\s*(?:\((?P<paren>[^()\n\r]{1,160})\)\s*)?:(?P<after>[ \t\u00a0]+(?=\S)|[ \t\u00a0]*(?=[\n\r\u2028\u2029]|\Z))")
_TO = re.compile(r"^(?:addressed\s+to|directed\s+to|to|for)\s+(?P<who>.+)$", re.I)
_AFTER = re.compile(r"^(?:speaks|speaking|speaks\s+up|answers|answering|replies|replying|commenting)?\s*"
                    r"(?P<note>after\s+.+)$", re.I)
_ROLE_WITH = re.compile(r"^(?P<word>question|questions|q|remark|follow-up|reply|answer|comment)\s+"
                        r"(?P<how>addressed\s+to|directed\s+to|to|for|from)\s+(?P<who>.+)$", re.I)
#: Notes in brackets that say how a turn was given, not to whom ("retranslated", "via video link").
_STAGE_WORDS = re.compile(r"^(?:re)?translat|^interpret|^via\b|^by video|^in (?:english|russian|french|german|"
                          r"chinese|arabic|spanish)|^speak|^answer|^repl|^comment|^laugh|^inaudible|^off-mic|^off mic|"
                          r"^from the (?:audience|floor)|^continu|^after\b|^through an interpreter", re.I)
_URL_ONLY = re.compile(r"^(?:https?://|www\.)\S+$|^[\w.-]+\.(?:ru|com|org|net|gov|int|eu|cn|uk|info|tv|me)(?:/\S*)?$",
                       re.I)


@dataclass(frozen=True)
class Label:
    """A parsed speaker label."""

    text: str  # the label as written, without the colon (and without symbols before it)
    name: str  # the speaker part ("Question", "Sergey Lavrov", "AFP")
    role_word: str | None  # the role it stands for, when it is a role or outlet label ("press")
    addressee: str | None
    stage_note: str | None
    end: int  # offset just past the colon and following spaces, relative to where matching started
    lead: int = 0  # symbols and spaces skipped before the label, relative to where matching started
    alone: bool = False  # the label stands alone on its line: the speech is the next paragraph
    affiliation: str | None = None  # "Channel One" in "Anna Petrova, Channel One:", "RIA Novosti" in "Question from ..."
    outlet: bool = False  # the label is a news outlet ("Reuters", "Question from RIA Novosti")


# -- invisible characters and symbols -----------------------------------------------------------

def strip_invisible(text: str) -> str:
    """Text without zero-width, byte-order-mark, direction or soft-hyphen characters.

    >>> strip_invisible("Sergey\\u200b Lavrov\\u200e") == "Sergey Lavrov"
    True
    """
    return _INVISIBLE.sub("", text) if text else text


def speaker_key_text(name: str) -> str:
    """A speaker name as a key: invisible characters removed, every run of spaces one space.

    >>> speaker_key_text("Sergey\\u200b  Lavrov") == speaker_key_text("Sergey Lavrov")
    True
    """
    return " ".join(strip_invisible(name).replace("\u00a0", " ").split())


def is_invisible(ch: str) -> bool:
    return bool(_INVISIBLE.match(ch))


def _is_symbol(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat in ("So", "Sk", "Cf", "Co", "Mn", "Cs") or ch in _BULLETS or is_invisible(ch)


def skip_symbols(text: str, pos: int = 0, end: int | None = None) -> int:
    """Where the words start after emoji, flags, bullets, invisible characters and spaces at `pos`.

    >>> t = "💬 Maria Zakharova: Hello"
    >>> t[skip_symbols(t):]
    'Maria Zakharova: Hello'
    >>> t = "🇷🇺🇨🇳 Foreign Minister"
    >>> t[skip_symbols(t):]
    'Foreign Minister'
    """
    end = len(text) if end is None else end
    i = pos
    while i < end and (text[i] in " \t\u00a0" or _is_symbol(text[i])):
        i += 1
    return i


# -- news outlets -------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def outlets() -> tuple[frozenset[str], frozenset[str]]:
    """(known outlet names, lower case; words that end an outlet's name) from `resources/outlets.txt`."""
    names, words = set(), set()
    path = RESOURCES_DIR / "outlets.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("WORDS:"):
            words |= {w.strip().lower() for w in line.split(":", 1)[1].split(",") if w.strip()}
        else:
            names.add(line.lower())
    return frozenset(names), frozenset(words)


def is_outlet(name: str) -> bool:
    """A news outlet's name ("Reuters", "Global Times", "Kyodo News", "Channel One"), as a whole label.

    >>> [is_outlet(x) for x in ["AFP", "Kyodo News", "Asahi Shimbun", "Sergey Lavrov", "Press Secretary Kobayashi"]]
    [True, True, True, False, False]
    """
    names, words = outlets()
    low = " ".join(name.lower().split())
    if low in names:
        return True
    tokens = low.split()
    if not tokens or len(tokens) > 6:
        return False
    if " ".join(tokens[:2]) in names or tokens[0] in names and len(tokens) <= 3 and tokens[0].isalpha() \
            and tokens[0].upper() == name.split()[0]:  # "Politico Europe", "NHK World"
        return True
    return len(tokens) >= 2 and tokens[-1] in words and all(t[:1].isupper() or t in CONNECTORS
                                                            for t in name.split())


def mentions_outlet(phrase: str) -> bool:
    """True when an office phrase names a news organisation ("President of China Media Group", "Mir TV").

    >>> mentions_outlet("President of Interstate Television and Radio Company Mir"), mentions_outlet("Healthcare Minister")
    (True, False)
    """
    names, words = outlets()
    tokens = re.findall(r"[\w’'-]+", phrase.lower())
    return bool(set(tokens) & (words - {"press", "daily", "weekly", "post", "agency", "agence"})) or any(
        " ".join(tokens[i:i + k]) in names for k in (1, 2, 3) for i in range(len(tokens)) if len(tokens[i]) > 2)


# -- names --------------------------------------------------------------------------------------

def _strip_inner(name: str) -> str:
    return " ".join(re.sub(r"\([^()]*\)", " ", name).split())


def is_name_like(name: str) -> bool:
    """True for a person's name or a role-prefixed name; False for ordinary capitalised phrases.

    >>> [is_name_like(x) for x in ["Sergey Lavrov", "President of Russia Vladimir Putin", "Key points",
    ...                            "Note", "Washington, December 10", "Maria Zakharova", "Let me say"]]
    [True, True, False, False, False, True, False]
    >>> [is_name_like(x) for x in ["Ukraine on Fire", "Ursula von der Leyen", "Learn More",
    ...                            "Commander of the 58th Army Lieutenant General Anatoly Khrulyov"]]
    [False, True, False, True]
    """
    name = _strip_inner(name)
    tokens = name.split()
    if not 2 <= len(tokens) <= 14 or "," in name or name.lower() in NOT_SPEAKER_PHRASES:
        return False
    if not (tokens[0][:1].isupper() and (tokens[-1][:1].isupper() or _CAP_PARTICLE.match(tokens[-1]))):
        return False
    caps = 0
    lower_inside = False
    for tok in tokens:
        if any(ch.isdigit() for ch in tok) and not re.fullmatch(r"\d+(?:st|nd|rd|th)?|[A-Z]+\d+|\d+[A-Z]+", tok):
            return False
        if tok[:1].isupper() or tok[:1].isdigit() or _CAP_PARTICLE.match(tok):
            caps += 1
        elif tok.lower() in CONNECTORS or tok.lower().rstrip("-") in PARTICLES or tok.lower() in TITLE_WORDS:
            lower_inside = True  # "of", "von", "news presenter": allowed before a person's name
        else:
            return False
    if caps < 2 or {"me", "us", "i", "we"} & {t.lower() for t in tokens[1:2]}:
        return False
    who = person_in(name) or ""
    if (lower_inside or len(tokens) > 9 or any(ch.isdigit() for ch in name)) and len(who.split()) < 2:
        return False  # a lower-case word or a number inside: only an office followed by a person's name
    return True


def is_single_name(name: str) -> bool:
    """A one-word label that can be a speaker ("Zakharova"), as opposed to a note heading ("Note").

    >>> [is_single_name(x) for x in ["Zakharova", "Note", "zakharova", "Putin-Medvedev", "G20"]]
    [True, False, False, True, False]
    """
    return (name[:1].isupper() and name.replace("-", "").replace("'", "").replace("’", "").isalpha()
            and name.lower() not in NOT_SPEAKERS)


def _name_with_affiliation(name: str) -> tuple[str, str] | None:
    """("Anna Petrova", "Channel One") from "Anna Petrova, Channel One": a bare name, then anything."""
    if "," not in name:
        return None
    first, rest = (p.strip() for p in name.split(",", 1))
    tokens = first.split()
    if not (2 <= len(tokens) <= 4 and rest and all(t[:1].isupper() or t.lower() in PARTICLES for t in tokens)):
        return None
    if {t.lower().strip(".") for t in tokens} & (TITLE_WORDS - {"general"}) or first.lower() in NOT_SPEAKER_PHRASES:
        return None
    if any(ch.isdigit() for ch in first) or re.search(r"\b(?:January|February|March|April|May|June|July|August|"
                                                      r"September|October|November|December)\b", name):
        return None
    return first, rest


def match_label(text: str, pos: int = 0, *, single_word: bool = False, end: int | None = None) -> Label | None:
    """The speaker label at `text[pos:]`, if the paragraph there starts with one.

    Labels are role words ("Question", "Moderator", "Spokesperson", "Q", "A"), news outlets ("Reuters",
    "Global Times") or names of two or more capitalised words; with `single_word`, also one capitalised
    word ("Zakharova"), which callers accept only when it recurs (a one-off "Note:" is no speaker).
    Upper-case labels are title-cased (outlets keep their capitals). Emoji, symbols and invisible
    characters before the label are skipped (`Label.lead` says how many characters).

    >>> lab = match_label("Question (addressed to Michael Pompeo): If the attempt fails?")
    >>> (lab.name, lab.role_word, lab.addressee, lab.stage_note)
    ('Question', 'press', 'Michael Pompeo', None)
    >>> lab = match_label("Sergey Lavrov (speaking after Michael Pompeo): Replying to this question")
    >>> (lab.name, lab.stage_note)
    ('Sergey Lavrov', 'after Michael Pompeo')
    >>> match_label("Key points: one, two") is None, match_label("LEARN MORE: https://mid.ru") is None
    (True, True)
    >>> match_label("MS. ZAKHAROVA: Good afternoon.").name, match_label("SPOKESPERSON: Yes.").role_word
    ('Ms. Zakharova', 'official')
    >>> match_label("Zakharova: Yes.") is None, match_label("Zakharova: Yes.", single_word=True).name
    (True, 'Zakharova')
    >>> lab = match_label("💬 Maria Zakharova:\\n\\nGood afternoon.")
    >>> (lab.name, lab.lead, lab.alone)
    ('Maria Zakharova', 2, True)
    >>> lab = match_label("Question to Sergey Lavrov: What next?")
    >>> (lab.name, lab.role_word, lab.addressee)
    ('Question', 'press', 'Sergey Lavrov')
    >>> lab = match_label("TASS: When will the talks resume?")
    >>> (lab.name, lab.role_word, lab.outlet)
    ('TASS', 'press', True)
    >>> lab = match_label("Austrian Broadcasting Corporation (ORF) news presenter Armin Wolf: Mr President")
    >>> lab.name
    'Austrian Broadcasting Corporation (ORF) news presenter Armin Wolf'
    >>> lab = match_label("Anna Petrova, Channel One: Mr Lavrov?")
    >>> (lab.name, lab.affiliation)
    ('Anna Petrova', 'Channel One')
    """
    stop = len(text) if end is None else end
    start = skip_symbols(text, pos, stop)
    if start >= stop:
        return None
    m = _LABEL.match(text, start, stop)
    if not m:
        return None
    raw = m.group("name")
    name = speaker_key_text(raw)
    if not name or len(name) > 170:
        return None
    alone = m.end() >= stop or text[m.end()] in "\n\r\u2028\u2029"
    speech = text[m.end():stop].lstrip()
    if not alone and _URL_ONLY.match(speech.split("\n", 1)[0].strip()):
        return None  # "LEARN MORE: https://…", "Source: mid.ru/…"
    outlet = is_outlet(name)
    if name.isupper() and len(name) > 1 and not outlet:  # "MS. ZAKHAROVA", "SPOKESPERSON"
        name = name.title()
    low = name.lower()
    if low in NOT_SPEAKER_PHRASES:
        return None
    role_word = ROLE_LABELS.get(low)
    addressee, stage_note = paren_parts(m.group("paren"))
    affiliation = None
    if role_word is None and (rw := _ROLE_WITH.match(name)):  # "Question to Sergey Lavrov", "Question from TASS"
        word = rw.group("word").lower().rstrip("s") if rw.group("word").lower() != "questions" else "question"
        role_word = ROLE_LABELS.get(word, "press")
        who = rw.group("who").strip()
        if rw.group("how").lower() == "from":
            affiliation, outlet = who, True
            if re.fullmatch(r"(?:the\s+)?(?:audience|floor|hall)", who, re.I):
                affiliation, outlet = None, False
                role_word = "press"
        else:
            addressee, note = paren_parts(f"to {who}")
            addressee = addressee if addressee else who
        name = rw.group("word").capitalize() if rw.group("word").lower() != "q" else "Q"
    elif role_word is None and outlet:
        role_word = "press"
    elif role_word is None and (pair := _name_with_affiliation(name)):
        name, affiliation = pair
    elif role_word is None and not is_name_like(name) and not (single_word and is_single_name(name)):
        return None
    if alone and role_word is None and not outlet and not is_name_like(name):
        return None  # a one-word heading alone on its line ("Important:") is no speaker
    if addressee and not stage_note and (",") in addressee:  # "Recep Tayyip Erdogan, retranslated"
        addressee, stage_note = _split_stage(addressee)
    label_text = text[start:m.end()].rstrip().rstrip(":").rstrip()
    label_text = speaker_key_text(label_text)
    return Label(label_text, name, role_word, addressee, stage_note, m.end() - pos, start - pos, alone,
                 affiliation, outlet)


def _split_stage(addressee: str) -> tuple[str | None, str | None]:
    """Addressee and stage note from "Recep Tayyip Erdogan, retranslated".

    >>> _split_stage("Recep Tayyip Erdogan, retranslated")
    ('Recep Tayyip Erdogan', 'retranslated')
    """
    parts = [p.strip() for p in addressee.split(",") if p.strip()]
    who = [p for p in parts if not _STAGE_WORDS.match(p)]
    notes = [p for p in parts if _STAGE_WORDS.match(p)]
    return (", ".join(who) or None), ("; ".join(notes) or None)


def paren_parts(paren: str | None) -> tuple[str | None, str | None]:
    """Addressee and stage note from the bracketed part of a label.

    >>> paren_parts("addressed to Michael Pompeo"), paren_parts("speaks after Michael Pompeo")
    (('Michael Pompeo', None), (None, 'after Michael Pompeo'))
    >>> paren_parts("retranslated"), paren_parts("to Recep Tayyip Erdogan, retranslated")
    ((None, 'retranslated'), ('Recep Tayyip Erdogan', 'retranslated'))
    """
    if not paren or not paren.strip():
        return None, None
    paren = " ".join(strip_invisible(paren).split())
    if to := _TO.match(paren):
        who, note = _split_stage(to.group("who").strip())
        return who, note
    if after := _AFTER.match(paren):
        return None, after.group("note").strip()
    return None, paren


def person_in(phrase: str) -> str | None:
    """The person's name at the end of a phrase of office and name.

    >>> person_in("Foreign Minister Sergey Lavrov")
    'Sergey Lavrov'
    >>> person_in("US Secretary of State Michael Pompeo")
    'Michael Pompeo'
    >>> person_in("Commission President Ursula von der Leyen")
    'Ursula von der Leyen'

    >>> person_in("Minister of Foreign Affairs of China Wang Yi"), person_in("President of Turkey Recep Tayyip Erdogan")
    ('Wang Yi', 'Recep Tayyip Erdogan')
    >>> person_in("Saudi Foreign Minister Adel al-Jubeir")
    'Adel al-Jubeir'
    """
    tokens = phrase.replace("’s", "").replace("'s", "").split()
    name: list[str] = []
    held: list[str] = []  # particles waiting for a capitalised word before them
    for k in range(len(tokens) - 1, -1, -1):
        tok = tokens[k]
        low = tok.lower()
        if name and low.rstrip("-") in PARTICLES and not tok[:1].isupper():
            held.insert(0, tok)
            continue
        if not (tok[:1].isupper() or _CAP_PARTICLE.match(tok)) or low in TITLE_WORDS or low.strip(",") in ORG_WORDS:
            break
        if len(name) >= 2 and k and tokens[k - 1] in ("of", "the", "for", "and"):
            break  # "… of China Wang Yi": China belongs to the office
        name[:0] = [tok] + held
        held = []
    return " ".join(name) if name else None
