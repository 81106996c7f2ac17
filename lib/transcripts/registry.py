"""Speakers: one canonical name per person, across label variants, documents and typos.

Three steps, in this order:

1. `harmonise(doc)`, per document: a misspelt honorific label ("MR. SULLVIAN", used once or twice) joins
   the speaker it is a typo of ("Jake Sullivan", from "MR. SULLIVAN" in the same briefing; full names are
   never merged on likeness alone, as "Novak" and "Nosov" are two people); a person keeps one role in the
   whole event (the Minister introduced as "Minister of Finance Anton Siluanov" stays `official` when
   later labelled just "Anton Siluanov").
2. `Registry.apply(doc)`: the speaker registry, a CSV file users edit (the shipped starter is
   `resources/speakers.csv`), maps a label as written or a speaker name to a canonical name, a role and
   an affiliation (country or organisation).
3. `unify_across(turns)`, over the whole corpus: a name known only by honorific and surname in some
   documents ("Ms. Psaki", where the title did not give her first name) becomes the one full name
   with that surname the same label produced elsewhere ("Jen Psaki").
"""
from __future__ import annotations

import csv
import re
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

    def apply(self, doc: Document) -> None:
        """Rename speakers and set roles as the registry says (label as written first, then the name)."""
        for turn in doc.turns:
            entry = self.lookup(turn.label) or self.lookup(turn.speaker)
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
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise TranscriptError(p, f"cannot read the speaker registry ({exc.strerror})",
                              hint="Check the --speakers path") from None
    kept = [(n, ln) for n, ln in enumerate(lines, 1) if ln.strip() and not ln.lstrip().startswith("#")]
    reader = csv.DictReader(ln for _, ln in kept)
    rows = []
    for row in reader:
        row["_line"] = kept[reader.line_num - 1][0]  # the line number in the file, comments counted
        rows.append(row)
    return Registry.from_rows(rows, str(p))


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
    """Give each turn's addressee the name its speaker turns carry, by the rules used for speakers.

    Run after the speakers are final (`harmonise`, then the registry).
    """
    people = {t.speaker for t in doc.turns if t.speaker not in _ROLE_SPEAKERS}
    known = sorted(people | ({doc.principal, doc.counterpart} - {None}))
    for turn in doc.turns:
        if turn.addressee:
            turn.addressee = addressee_name(turn.addressee, known, registry)


def addressee_name(addressee: str, known: list[str] | set[str], registry: Registry | None = None) -> str:
    """The canonical name of the person a question is addressed to.

    The registry (label as written, then the name), then the titles stripped as for speakers
    ("Foreign Minister Sergey Lavrov" is "Sergey Lavrov"); an honorific or a bare surname ("Mr Lavrov",
    "Minister Lavrov") becomes the one person of the event (`known`) with that surname. Full names are
    never changed on likeness alone, and several people named at once stay as written.

    >>> addressee_name("Foreign Minister Sergey Lavrov", []), addressee_name("Mr Lavrov", ["Sergey Lavrov"])
    ('Sergey Lavrov', 'Sergey Lavrov')
    >>> addressee_name("Mr Pompeo", ["Sergey Lavrov"]), addressee_name("Sergey Lavrov and Michael Pompeo", [])
    ('Mr Pompeo', 'Sergey Lavrov and Michael Pompeo')
    """
    from .labels import person_in

    written = " ".join(addressee.split())
    if registry is not None and (entry := registry.lookup(written)):
        return entry.canonical
    if written in known or _SEVERAL.search(written):
        return written
    honorific = _HONORIFIC.match(written)
    name = person_in(written)
    if not name:
        return written  # "both ministers": nobody by name
    if registry is not None and (entry := registry.lookup(name)):
        return entry.canonical
    if name in known:
        return name
    if honorific or len(name.split()) == 1:
        surname = name.split()[-1].lower()
        same = [k for k in known if k.split() and k.split()[-1].lower() == surname]
        if len(same) == 1:
            return same[0]
        return written if honorific else name
    return name


# -- within a document ------------------------------------------------------------------------------

def harmonise(doc: Document) -> None:
    """Join typo variants of a speaker within a document, and give each person one role."""
    counts: dict[str, int] = {}
    for t in doc.turns:
        counts[t.speaker] = counts.get(t.speaker, 0) + 1
    rename = {}
    for rare in counts:
        if counts[rare] > 2 or rare in ("Press", "Narration", "Moderator"):
            continue
        best = max((s for s in counts if s != rare and counts[s] > counts[rare]),
                   key=lambda s: _similarity(rare, s), default=None)
        if best and _similarity(rare, best) >= 0.8:
            rename[rare] = best
    roles: dict[str, str] = {}
    for t in doc.turns:
        t.speaker = rename.get(t.speaker, t.speaker)
        if t.role in ("official", "moderator", "press"):
            roles.setdefault(t.speaker, t.role)
    for t in doc.turns:
        if t.role == "other" and t.speaker in roles:
            t.role = roles[t.speaker]


def _similarity(a: str, b: str) -> float:
    """How alike two speaker names are, comparing surnames when either is honorific + surname.

    >>> round(_similarity("Mr. Sullvian", "Jake Sullivan"), 2) >= 0.8
    True
    >>> _similarity("Alexander Novak", "Alexander Nosov")  # full names: only identical ones match
    0.0
    """
    def surname(x: str) -> str:
        m = _HONORIFIC.match(x)
        return (m.group("surname") if m else x).split()[-1].lower() if x.split() else x

    if _HONORIFIC.match(a) or _HONORIFIC.match(b):
        sa, sb = surname(a), surname(b)
        return SequenceMatcher(None, sa, sb).ratio() if min(len(sa), len(sb)) >= 4 else float(sa == sb)
    return float(a == b)


# -- across documents -------------------------------------------------------------------------------

def unify_across(turns: pd.DataFrame) -> pd.DataFrame:
    """Replace "Ms. Psaki" by "Jen Psaki" where the same label gave the full name in another document,
    and only one full name ever came from that label.

    >>> t = pd.DataFrame({"speaker": ["Jen Psaki", "Ms. Psaki", "Mr. Doe"], "label": ["MS. PSAKI"] * 2 + ["MR. DOE"]})
    >>> unify_across(t).speaker.tolist()
    ['Jen Psaki', 'Jen Psaki', 'Mr. Doe']
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
    if not mapping:
        return turns
    turns = turns.copy()
    keys = list(zip(turns.label, turns.speaker))
    turns["speaker"] = [mapping.get(k, s) for k, s in zip(keys, turns.speaker)]
    return turns
