"""Speakers: one canonical name per person, across label variants, documents and typos.

Three steps, in this order:

1. `harmonise(doc)`, per document: variants of one name join the most used one (`variant_map`):
   transliteration pairs ("Natalia"/"Natalya Yuryeva", "Sergei"/"Sergey"), a lost space
   ("VladimirPutin"), a one-letter typo of a full name used once or twice ("Danila Prelepa"/"Prilepa"; a
   difference of two letters or more is two people, as "Novak" and "Nosov" are), an initial or a
   dropped middle initial ("A. Voronin", "Adnan Amin" for "Andrei Voronin", "Adnan Z. Amin"), and a
   misspelt honorific label ("MR. SULLVIAN", once or twice) the speaker it is a typo of ("Jake
   Sullivan", from "MR. SULLIVAN" in the same briefing). Each join is reported in the document's
   warnings. A person keeps one role in the whole event (the Minister introduced as "Minister of
   Finance Anton Siluanov" stays `official` when later labelled just "Anton Siluanov").
2. `Registry.apply(doc)`: the speaker registry, a CSV file users edit (the shipped starter is
   `resources/speakers.csv`), maps a label as written or a speaker name to a canonical name, a role and
   an affiliation (country or organisation); an honorific or an office with a surname ("Ms. Jean-Pierre",
   "President Zelenskyy") becomes the one person of the registry with that surname.
3. `unify_across(turns)`, over the whole corpus: a name known only by honorific and surname in some
   documents ("Ms. Psaki", where the title did not give her first name) becomes the one full name
   with that surname the same label produced elsewhere ("Jen Psaki"); transliteration variants across
   documents ("Sergei Ryabkov"/"Sergey Ryabkov") take the spelling used most.

All of it is near-linear in the number of distinct names (keys and blocks, no comparison of every
pair), so a file with thousands of distinct labels is harmonised in well under a second.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .errors import TranscriptError
from .model import ROLES, Document
from .paths import RESOURCES_DIR

SHIPPED = RESOURCES_DIR / "speakers.csv"
_HONORIFIC = re.compile(r"^(?:Ms|Mr|Mrs|Dr|Miss)\.?\s+(?P<surname>\S.*)$")
#: An office before a surname ("President Zelenskyy", "Prime Minister Kishida", "Minister Lavrov").
_OFFICE_SURNAME = re.compile(r"^(?:(?:Vice |Prime |Foreign |Deputy )?(?:President|Minister|Chancellor|Secretary|"
                             r"Ambassador|Senator|Governor|Premier|King|Queen|Emir|Sheikh|General|Admiral|"
                             r"Spokesperson|Spokeswoman|Spokesman|Director|Commissioner|Mayor)\.?)\s+(?P<surname>[A-Z]\S*)$")
#: Speaker names that stand for a role, not a person.
ROLE_NAMES = {"Press", "Moderator", "Narration", "Unknown speaker", "Answer", "Interpreter", "Operator", "Aide",
              "Participant", "Audience member", "Announcer", "Senior Administration Official"}


def _key(text: str) -> str:
    """Matching key: case, spacing, dots and colons ignored.

    >>> _key("  MS.  PSAKI: ") == _key("ms psaki")
    True
    """
    return " ".join(re.sub(r"[.:]", " ", text.replace("\u00a0", " ")).lower().split())


@dataclass(frozen=True)
class Entry:
    canonical: str
    role: str | None
    affiliation: str | None


class Registry:
    """Label or name → canonical name, role, affiliation, read from one or more CSV files.

    >>> reg = Registry.from_rows([{"label": "MS. PSAKI", "canonical": "Jen Psaki", "role": "official",
    ...                            "affiliation": "United States"}])
    >>> reg.lookup("Ms. Psaki").canonical
    'Jen Psaki'
    """

    def __init__(self, entries: dict[str, Entry] | None = None):
        self.entries = entries or {}
        self._surnames: dict | None = None

    @classmethod
    def from_rows(cls, rows: list[dict], source: str = "<rows>") -> "Registry":
        entries = {}
        for n, row in enumerate(rows, 2):
            n = row.get("_line", n)
            label = (row.get("label") or "").strip()
            canonical = (row.get("canonical") or "").strip()
            role = (row.get("role") or "").strip() or None
            if not label or not canonical:
                raise TranscriptError(source, "a registry row needs both `label` and `canonical`", line=n,
                                      hint="Columns: label,canonical,role,affiliation")
            if role and role not in ROLES:
                raise TranscriptError(source, f"unknown role {role!r}", line=n, hint=f"Roles: {', '.join(ROLES)}")
            entries[_key(label)] = Entry(canonical, role, (row.get("affiliation") or "").strip() or None)
        return cls(entries)

    @classmethod
    def from_files(cls, *paths: str | Path) -> "Registry":
        """Later files override earlier ones (a user's file after the shipped starter)."""
        entries: dict[str, Entry] = {}
        for path in paths:
            entries.update(_read(str(path)).entries)
        return cls(entries)

    def lookup(self, text: str | None) -> Entry | None:
        return self.entries.get(_key(text)) if text else None

    def by_surname(self, name: str) -> Entry | None:
        """The one canonical person with this name's surname, when the name is an honorific or an office
        and a surname ("Ms. Jean-Pierre", "President Zelenskyy"); None when there are none or several."""
        m = _HONORIFIC.match(name) or _OFFICE_SURNAME.match(name)
        if not m or " " in m.group("surname").strip():
            return None
        if self._surnames is None:
            index: dict[str, dict[str, Entry]] = defaultdict(dict)
            for e in self.entries.values():
                parts = e.canonical.split()
                if len(parts) >= 2 and e.canonical not in ROLE_NAMES:
                    index[_translit(parts[-1])][e.canonical] = e
            self._surnames = index
        found = self._surnames.get(_translit(m.group("surname").strip(".,")), {})
        return next(iter(found.values())) if len(found) == 1 else None

    def apply(self, doc: Document) -> None:
        """Rename speakers and set roles as the registry says (label as written first, then the name)."""
        for turn in doc.turns:
            entry = self.lookup(turn.label) or self.lookup(turn.speaker) or self.by_surname(turn.speaker)
            if entry is None:
                continue
            if turn.speaker == doc.principal:
                doc.principal = entry.canonical
            turn.speaker = entry.canonical
            if entry.role and turn.role not in ("narration", "press", "moderator"):
                turn.role = entry.role
        if doc.principal and (entry := self.lookup(doc.principal)):
            doc.principal = entry.canonical
        if doc.counterpart and (entry := self.lookup(doc.counterpart)):
            doc.counterpart = entry.canonical
        resolve_addressees(doc, self)

    def affiliation(self, name: str) -> str | None:
        entry = self.lookup(name)
        if entry:
            return entry.affiliation
        for e in self.entries.values():
            if e.canonical == name and e.affiliation:
                return e.affiliation
        return None


@lru_cache(maxsize=16)
def _read(path: str) -> Registry:
    from .smallcsv import read_rows
    p = Path(path)
    hint = "Columns: label,canonical,role,affiliation; put a value holding a comma in double quotes"
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise TranscriptError(p, f"cannot read the speaker registry ({exc.strerror})",
                              hint="Check the --speakers path") from None
    except UnicodeDecodeError as exc:
        raise TranscriptError(p, f"the speaker registry is not UTF-8 ({exc.reason} at byte {exc.start})",
                              hint="Re-save it as UTF-8 (e.g. `iconv -f cp1252 -t utf-8`)") from None
    header, rows = read_rows(text, p, what="the speaker registry", hint=hint, comments=True)
    if rows and not {"label", "canonical"} <= set(header):
        raise TranscriptError(p, "the speaker registry needs `label` and `canonical` columns", line=1, hint=hint)
    return Registry.from_rows([{**row, "_line": n} for n, row in rows], str(p))


def load_registry(extra: str | Path | list | tuple | None = None) -> Registry:
    """The shipped starter registry, plus the user's file(s) when given (theirs win)."""
    paths: list[str | Path] = [SHIPPED] if SHIPPED.exists() else []
    if extra:
        paths += list(extra) if isinstance(extra, (list, tuple)) else [extra]
    return Registry.from_files(*paths)


# -- addressees -------------------------------------------------------------------------------------

#: Speaker names that stand for a role, not a person: never the person a question is addressed to.
_ROLE_SPEAKERS = {"Press", "Moderator", "Narration", "Unknown speaker", "Answer"}
#: Several people named at once ("Sergey Lavrov and Michael Pompeo"): left as written.
_SEVERAL = re.compile(r",|&|\band\b|/")


def resolve_addressees(doc: Document, registry: Registry | None = None) -> None:
    """Give each turn's addressee the name its speaker turns carry, by the rules used for speakers;
    several addressees are joined with "; "; a question that names nobody in its label but says whom
    it is for ("A question for both presidents", "my question is addressed to Mr Lavrov") gets them.

    Run after the speakers are final (`harmonise`, then the registry).
    """
    people = {t.speaker for t in doc.turns if t.speaker not in _ROLE_SPEAKERS}
    known = sorted(people | ({doc.principal, doc.counterpart} - {None}))
    for turn in doc.turns:
        if not turn.addressee and turn.role == "press" and turn.pieces:
            start = turn.pieces[0][0]
            turn.addressee = addressee_in_text(doc.text[start:start + 300])
        if turn.addressee:
            turn.addressee = addressees_of(turn.addressee, known, registry, doc)


_IN_TEXT = re.compile(
    r"\b(?:my\s+|a\s+|this\s+|the\s+|one\s+)?(?:question|questions)\s+(?:is\s+|are\s+)?(?:addressed\s+|directed\s+|"
    r"mostly\s+)?(?:to|for)\s+(?P<who>both(?:\s+(?:of\s+you|presidents|leaders|ministers|heads\s+of\s+state|"
    r"sides|colleagues|gentlemen))?|(?:Mr|Ms|Mrs|Dr|President|Minister|Prime\s+Minister|Chancellor|Secretary|"
    r"Foreign\s+Minister|Madam|Mister)\.?\s+[A-Z][\w’'-]+(?:\s+(?:and|&)\s+(?:Mr|Ms|Mrs|President|Minister|"
    r"Chancellor)\.?\s+[A-Z][\w’'-]+)?|[A-Z][a-z]+\s+[A-Z][\w’'-]+)")


def addressee_in_text(text: str) -> str | None:
    """Whom a question says it is for, in its first sentences.

    >>> addressee_in_text("A question for both presidents. When ..."), addressee_in_text("My question is to Mr Lavrov.")
    ('both presidents', 'Mr Lavrov')
    >>> addressee_in_text("What do you think?") is None
    True
    """
    m = _IN_TEXT.search(text)
    return " ".join(m.group("who").split()) if m else None


_BOTH = re.compile(r"^(?:to\s+)?both(?:\s+of\s+you|\s+\w+(?:\s+of\s+\w+)?)?$|^(?:the\s+)?(?:two|both)\s+(?:presidents|leaders|"
                   r"ministers|sides|heads of state)$|^(?:all|each)\s+(?:of\s+)?(?:the\s+)?(?:presidents|leaders|"
                   r"ministers|three|participants)$", re.I)


def addressees_of(written: str, known: list[str], registry: Registry | None = None,
                  doc: Document | None = None) -> str:
    """Several addressees, each resolved (`addressee_name`), joined with "; ".

    "both leaders" / "both presidents" are the event's two officials (principal and counterpart, or the
    two who speak most); "President Putin and Chancellor Kurz" are two people.

    >>> addressees_of("President Putin and Chancellor Kurz", ["Vladimir Putin", "Sebastian Kurz"])
    'Vladimir Putin; Sebastian Kurz'
    """
    written = " ".join(written.split())
    if _BOTH.match(written) and doc is not None:
        officials = _leading_officials(doc)
        if len(officials) >= 2:
            return "; ".join(officials[:2] if "both" in written.lower() or "two" in written.lower() else officials)
        return written
    if registry is not None and registry.lookup(written):
        return addressee_name(written, known, registry)
    parts = [p for p in re.split(r"\s*(?:,|&|/|;|\band\b)\s*", written) if p.strip()]
    if len(parts) <= 1:
        return addressee_name(written, known, registry)
    names = [addressee_name(p, known, registry) for p in parts]
    return "; ".join(dict.fromkeys(names))


def _leading_officials(doc: Document) -> list[str]:
    counts = Counter(t.speaker for t in doc.turns if t.role == "official" and t.speaker not in _ROLE_SPEAKERS)
    named = [x for x in (doc.principal, doc.counterpart) if x]
    rest = [who for who, _ in counts.most_common() if who not in named]
    return list(dict.fromkeys(named + rest))


def addressee_name(addressee: str, known: list[str] | set[str], registry: Registry | None = None) -> str:
    """The canonical name of the person a question is addressed to.

    The registry (label as written, then the name), then the titles stripped as for speakers
    ("Foreign Minister Sergey Lavrov" is "Sergey Lavrov"); an honorific or a bare surname ("Mr Lavrov",
    "Minister Lavrov") becomes the one person of the event (`known`) with that surname; a
    transliteration variant ("Sergei Lavrov") the person of the event spelt the other way. Full names
    are never changed on likeness alone.

    >>> addressee_name("Foreign Minister Sergey Lavrov", []), addressee_name("Mr Lavrov", ["Sergey Lavrov"])
    ('Sergey Lavrov', 'Sergey Lavrov')
    >>> addressee_name("Mr Pompeo", ["Sergey Lavrov"]), addressee_name("Sergei Lavrov", ["Sergey Lavrov"])
    ('Mr Pompeo', 'Sergey Lavrov')
    """
    from .labels import person_in, speaker_key_text

    written = speaker_key_text(addressee)
    if registry is not None and (entry := registry.lookup(written)):
        return entry.canonical
    if written in known:
        return written
    honorific = _HONORIFIC.match(written)
    name = person_in(written)
    if not name:
        return written  # "both ministers": nobody by name
    if registry is not None and (entry := registry.lookup(name) or registry.by_surname(written)):
        return entry.canonical
    if name in known:
        return name
    same_key = [k for k in known if _translit(k) == _translit(name)]
    if len(same_key) == 1:
        return same_key[0]
    if honorific or len(name.split()) == 1:
        surname = _translit(name.split()[-1])
        same = [k for k in known if k.split() and _translit(k.split()[-1]) == surname]
        if len(same) == 1:
            return same[0]
        return written if honorific else name
    return name


# -- within a document ------------------------------------------------------------------------------

def harmonise(doc: Document) -> None:
    """Join variants of a speaker's name within a document (reported in its warnings), and give each
    person one role."""
    counts: dict[str, int] = {}
    for t in doc.turns:
        counts[t.speaker] = counts.get(t.speaker, 0) + 1
    rename = variant_map(counts)
    if rename:
        shown = ", ".join(f"{a} → {b}" for a, b in list(rename.items())[:8])
        more = f" and {len(rename) - 8} more" if len(rename) > 8 else ""
        doc.warnings.append(f"speaker name variants joined: {shown}{more}")
        if doc.principal in rename:
            doc.principal = rename[doc.principal]
    roles: dict[str, str] = {}
    for t in doc.turns:
        t.speaker = rename.get(t.speaker, t.speaker)
        if t.role in ("official", "moderator", "press"):
            roles.setdefault(t.speaker, t.role)
    for t in doc.turns:
        if t.role == "other" and t.speaker in roles:
            t.role = roles[t.speaker]


_TRANSLIT = [("yo", "e"), ("ye", "e"), ("jo", "e"), ("ë", "e"), ("iy", "i"), ("ij", "i"), ("yy", "i"), ("ii", "i"),
             ("ya", "ia"), ("ja", "ia"), ("yu", "iu"), ("ju", "iu"), ("ks", "x"), ("kh", "h"), ("zh", "j"), ("ts", "c"),
             ("tz", "c"), ("ph", "f"), ("w", "v"), ("y", "i"), ("ck", "k"), ("’", ""), ("'", ""), ("-", ""), (".", "")]


@lru_cache(maxsize=65536)
def _compact(name: str) -> str:
    return re.sub(r"[\s.\-’']", "", name.lower())


@lru_cache(maxsize=65536)
def _translit(name: str) -> str:
    """A key under which transliteration variants of a name meet.

    >>> _translit("Natalia Yuryeva") == _translit("Natalya Yuryeva"), _translit("Sergei") == _translit("Sergey")
    (True, True)
    >>> _translit("Alexander Novak") == _translit("Alexander Nosov")
    False
    """
    key = name.lower()
    for a, b in _TRANSLIT:
        key = key.replace(a, b)
    return " ".join(key.split())


def _deletions(key: str) -> set[str]:
    """The key with each one character removed (and itself): names one edit apart share one of these."""
    return {key} | {key[:i] + key[i + 1:] for i in range(len(key))}


def variant_map(counts: dict[str, int]) -> dict[str, str]:
    """Which speaker names of one document are variants of another, and of which.

    The name kept is the one used most (then the longer, fuller one). Near-linear: names meet through
    keys (transliteration, initials, one-deletion neighbourhoods), never by comparing every pair.

    >>> found = variant_map({"Vladimir Putin": 40, "VladimirPutin": 2, "Natalya Yuryeva": 6, "Natalia Yuryeva": 1,
    ...              "Andrei Voronin": 4, "A. Voronin": 1, "Alexander Novak": 3, "Alexander Nosov": 1,
    ...              "Adnan Z. Amin": 2, "Adnan Amin": 1, "Danila Prilepa": 2, "Danila Prelepa": 1,
    ...              "Jake Sullivan": 5, "Mr. Sullvian": 1})
    >>> for a, b in sorted(found.items()): print(f"{a} -> {b}")
    A. Voronin -> Andrei Voronin
    Adnan Amin -> Adnan Z. Amin
    Danila Prelepa -> Danila Prilepa
    Mr. Sullvian -> Jake Sullivan
    Natalia Yuryeva -> Natalya Yuryeva
    VladimirPutin -> Vladimir Putin
    """
    names = [n for n in counts if n not in ROLE_NAMES and n.strip()]
    order = {n: (-counts[n], -len(n), i) for i, n in enumerate(names)}
    rename: dict[str, str] = {}

    def join(group: list[str]) -> None:
        best = min(group, key=order.get)
        for n in group:
            if n != best and n not in rename:
                rename[n] = best

    # 1. one key for spelling variants: spaces, dots, transliteration
    by_key: dict[str, list[str]] = defaultdict(list)
    for n in names:
        if not _HONORIFIC.match(n) and len(_compact(n)) >= 6:
            by_key[_translit(_compact(n))].append(n)
    for group in by_key.values():
        if len(group) > 1:
            join(group)
    # 2. an initial or a dropped middle initial: "A. Voronin", "Adnan Amin" join the one full name
    full: dict[tuple[str, str], list[str]] = defaultdict(list)
    for n in names:
        parts = n.replace(".", ". ").split()
        if len(parts) >= 2 and not _HONORIFIC.match(n) and len(parts[0].rstrip(".")) > 1:
            full[(parts[0][0].lower(), _translit(parts[-1]))].append(n)
    for n in names:
        if n in rename or _HONORIFIC.match(n):
            continue
        parts = n.replace(".", ". ").split()
        if len(parts) < 2:
            continue
        first, last = parts[0].rstrip("."), parts[-1]
        if not first:  # a name starting with a dot (".speaker"): no initial to match
            continue
        cands = [c for c in full.get((first[0].lower(), _translit(last)), []) if c != n and rename.get(c, c) != n]
        if len(first) == 1 or len(parts) == 2:  # "A. Voronin"; "Adnan Amin" vs "Adnan Z. Amin"
            fits = [c for c in cands if len(first) == 1 and c.split()[0][0].lower() == first.lower()
                    or c.split()[0] == parts[0] and len(c.split()) == 3 and re.fullmatch(r"[A-Z]\.?", c.split()[1])]
            fits = list(dict.fromkeys(rename.get(c, c) for c in fits))
            if len(fits) == 1 and fits[0] != n:
                rename[n] = fits[0]
    # 3. one-letter typos of a full name used once or twice join a name used more often
    neighbours: dict[str, list[str]] = defaultdict(list)
    for n in names:
        key = _compact(n)
        if len(key) >= 8 and not _HONORIFIC.match(n) and n not in rename:
            for d in _deletions(key):
                neighbours[d].append(n)
    for n in names:
        if n in rename or counts[n] > 2 or _HONORIFIC.match(n) or len(_compact(n)) < 8:
            continue
        cands = {c for d in _deletions(_compact(n)) for c in neighbours.get(d, ()) if counts[c] > counts[n]}
        cands = [c for c in cands if c.split()[0][:1].lower() == n.split()[0][:1].lower()
                 and _edit1(_compact(n), _compact(c))]
        if cands:
            rename[n] = rename.get(min(cands, key=order.get), min(cands, key=order.get))
    # 4. a misspelt honorific label ("Mr. Sullvian", once or twice) joins the speaker it is a typo of
    by_surname: dict[str, list[str]] = defaultdict(list)
    for n in names:
        if n.split():
            by_surname[_surname(n)[:3]].append(n)
            by_surname["~" + _surname(n)[-3:]].append(n)
    for rare in names:
        if counts[rare] > 2 or rare in rename or not _HONORIFIC.match(rare):
            continue
        pool = set(by_surname.get(_surname(rare)[:3], [])) | set(by_surname.get("~" + _surname(rare)[-3:], []))
        pool = [s for s in pool if s != rare and counts[s] > counts[rare]]
        best = max(pool, key=lambda s: (_similarity(rare, s), -order[s][0]), default=None)
        if best and _similarity(rare, best) >= 0.8:
            rename[rare] = rename.get(best, best)
    return {a: b for a, b in rename.items() if a != b}


def _edit1(a: str, b: str) -> bool:
    """True when two strings differ by one inserted, deleted or replaced character."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]


def _surname(x: str) -> str:
    m = _HONORIFIC.match(x)
    return (m.group("surname") if m else x).split()[-1].lower() if x.split() else x


def _similarity(a: str, b: str) -> float:
    """How alike two speaker names are, comparing surnames when either is honorific + surname.

    >>> round(_similarity("Mr. Sullvian", "Jake Sullivan"), 2) >= 0.8
    True
    >>> _similarity("Alexander Novak", "Alexander Nosov")  # full names: only identical ones match
    0.0
    """
    if _HONORIFIC.match(a) or _HONORIFIC.match(b):
        sa, sb = _surname(a), _surname(b)
        return SequenceMatcher(None, sa, sb).ratio() if min(len(sa), len(sb)) >= 4 else float(sa == sb)
    return float(a == b)


# -- across documents -------------------------------------------------------------------------------

def unify_across(turns: pd.DataFrame) -> pd.DataFrame:
    """Across documents: "Ms. Psaki" becomes "Jen Psaki" where the same label gave the full name in
    another document (and only one full name ever came from that label); transliteration variants of a
    full name ("Sergei Ryabkov" / "Sergey Ryabkov") take the spelling used in most turns.

    >>> t = pd.DataFrame({"speaker": ["Jen Psaki", "Ms. Psaki", "Mr. Doe", "Sergey Ryabkov", "Sergey Ryabkov",
    ...                               "Sergei Ryabkov"], "label": ["MS. PSAKI"] * 2 + ["MR. DOE"] + ["x"] * 3})
    >>> unify_across(t).speaker.tolist()
    ['Jen Psaki', 'Jen Psaki', 'Mr. Doe', 'Sergey Ryabkov', 'Sergey Ryabkov', 'Sergey Ryabkov']
    """
    if turns.empty:
        return turns
    short = turns.speaker.str.match(_HONORIFIC.pattern)
    full_by_label: dict[str, set[str]] = {}
    for label, speaker in turns.loc[~short, ["label", "speaker"]].drop_duplicates().itertuples(index=False):
        if label:
            full_by_label.setdefault(_key(label), set()).add(speaker)
    mapping = {}
    for label, speaker in turns.loc[short, ["label", "speaker"]].drop_duplicates().itertuples(index=False):
        surname = _HONORIFIC.match(speaker).group("surname").split()[-1].lower()
        fulls = {f for f in full_by_label.get(_key(label or ""), set()) if f.split()[-1].lower() == surname}
        if len(fulls) == 1:
            mapping[(label, speaker)] = fulls.pop()
    counts = turns.speaker.value_counts()
    groups: dict[str, list[str]] = defaultdict(list)
    for name in counts.index:
        if len(name.split()) >= 2 and name not in ROLE_NAMES and not _HONORIFIC.match(name):
            groups[_translit(_compact(name))].append(name)
    spelling = {}
    for names in groups.values():
        if len(names) > 1:
            best = max(names, key=lambda n: (counts[n], len(n)))
            spelling.update({n: best for n in names if n != best})
    if not mapping and not spelling:
        return turns
    turns = turns.copy()
    keys = list(zip(turns.label, turns.speaker))
    renamed = [mapping.get(k, s) for k, s in zip(keys, turns.speaker)]
    turns["speaker"] = [spelling.get(s, s) for s in renamed]
    return turns
