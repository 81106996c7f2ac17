"""Page text of the Russian Foreign Ministry's site (and the Kremlin's, same house style).

    11 December 201901:08                         <- publication date and time, run together
    Foreign Minister Sergey Lavrov’s remarks and answers ..., Washington, December 10, 2019   <- title
      • de-DE1 en-GB1 es-ES1 ru-RU1 fr-FR1        <- language links
    Ladies and gentlemen, ...                     <- unlabelled: the principal's opening statement
    Question (to Michael Pompeo): ...             <- speaker labels at paragraph start
    Sergey Lavrov (speaks after Michael Pompeo): ...
    Additional materials / Advanced settings      <- page boilerplate

Every paragraph is one line; unlabelled paragraphs continue the previous turn.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import datetime

from ..labels import ANSWER_WORDS, Label, match_label, person_in
from ..model import Document, LogEntry, Turn

NAME = "mid_text"
EXTENSIONS = (".txt",)

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_HEADER = re.compile(rf"^\s*(\d{{1,2}}) ({MONTHS}) (\d{{4}})\s*(\d{{1,2}}:\d{{2}})\s*$")
_LANG_LINKS = re.compile(r"^\s*[•·*]?\s*(?:[a-z]{2}-[A-Z]{2}\d*\s*){2,}$")
_TITLE_DATE = re.compile(rf",\s*(?P<place>[A-Z][^,]{{1,60}}),\s*(?P<date>(?:{MONTHS}) \d{{1,2}}, \d{{4}}|\d{{1,2}} (?:{MONTHS}) \d{{4}})\s*$")
_POSSESSIVE = re.compile(r"(?P<who>[^,]*?)[’']s\s+(?:remarks|answers|speech|statement|interview|address|article|"
                         r"opening|comment|introductory|news conference|press conference|replies)", re.I)
_WITH = re.compile(r"\bwith\s+(?P<who>[^,]+?)(?:,|\s+in\s|\s+at\s|\s+on\s|$)")
BOILERPLATE = {"Additional materials", "Advanced settings", "Photos", "Video", "Audio", "Print", "Share",
               "Print version", "Send by email", "Tags", "Related materials"}
EVENT_TYPES = ("joint news conference", "joint press conference", "news conference", "press conference",
               "press briefing", "briefing", "press approach", "interview", "remarks", "speech", "statement",
               "talks", "meeting")


def sniff(text: str) -> float:
    """How sure we are that `text` is this format: the dated header, or labelled paragraphs."""
    head = text.lstrip()[:200].splitlines()[0] if text.strip() else ""
    if _HEADER.match(head):
        return 0.9
    if text.lstrip()[:1] == "<" or text.startswith("---"):
        return 0.0
    return 0.35  # plain text: this reader handles any "Name: text" paragraphs


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of non-blank lines, trimmed of surrounding whitespace.

    >>> t = "A b\\n\\n  C d  \\n"
    >>> [t[a:b] for a, b in paragraphs(t)]
    ['A b', 'C d']
    """
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        line = m.group()
        if line.strip():
            lead = len(line) - len(line.lstrip())
            trail = len(line) - len(line.rstrip())
            spans.append((m.start() + lead, m.end() - trail))
    return spans


def parse_date(text: str) -> str | None:
    """ISO date from "December 10, 2019" or "10 December 2019".

    >>> parse_date("December 10, 2019"), parse_date("10 December 2019")
    ('2019-12-10', '2019-12-10')
    """
    for fmt in ("%B %d, %Y", "%d %B %Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date().isoformat()
        except ValueError:
            pass
    return None


def parse_title(doc: Document, title: str) -> None:
    """Event type, counterpart, place, date and principal from a title."""
    doc.title = " ".join(title.split())
    low = doc.title.lower()
    doc.event_type = next((t for t in EVENT_TYPES if t in low), None)
    if m := _TITLE_DATE.search(doc.title):
        doc.place = m.group("place").strip()
        doc.event_date = parse_date(m.group("date"))
    if m := _POSSESSIVE.search(doc.title):
        doc.principal = person_in(m.group("who"))
    if m := _WITH.search(doc.title):
        doc.counterpart = person_in(m.group("who")) or m.group("who").strip()


def parse(doc: Document) -> None:
    text = doc.text
    paras = paragraphs(text)
    i = 0
    if paras and (m := _HEADER.match(text[paras[0][0]:paras[0][1]])):
        day, month, year, hhmm = m.groups()
        doc.published_at = datetime.strptime(f"{day} {month} {year} {hhmm}", "%d %B %Y %H:%M").strftime("%Y-%m-%dT%H:%M")
        doc.log.append(LogEntry(*paras[0], "header: publication date and time"))
        i = 1
        if i < len(paras) and match_label(text, paras[i][0]) is None:
            parse_title(doc, text[paras[i][0]:paras[i][1]])
            doc.log.append(LogEntry(*paras[i], "title"))
            i += 1
    labels = {s: match_label(text, s) for s, _ in paras[i:]}
    # One-word labels ("Zakharova:") count only when they recur: a one-off "Update:" is no speaker.
    singles = {s: match_label(text, s, single_word=True) for s, _ in paras[i:] if labels[s] is None}
    recurring = Counter(lab.name for lab in singles.values() if lab)
    labels.update({s: lab for s, lab in singles.items() if lab and recurring[lab.name] >= 2})
    if doc.principal is None:
        doc.principal = _principal_from_labels(doc, labels)
    current: Turn | None = None
    interrupted = False  # page furniture since the current turn's last paragraph
    for start, end in paras[i:]:
        para = text[start:end]
        if _LANG_LINKS.match(para) or para in BOILERPLATE:
            doc.log.append(LogEntry(start, end, "language links" if _LANG_LINKS.match(para) else "page boilerplate"))
            interrupted = current is not None
            continue
        label = labels[start]
        if label is not None:
            doc.log.append(LogEntry(start, start + label.end, "speaker label"))
            current = _turn_for(doc, label, (start + label.end, end))
            doc.turns.append(current)
        elif current is not None and interrupted:
            # A turn's span is one stretch of text, so speech resumed after page furniture is a new turn by
            # the same speaker (a question split this way still counts as one question).
            current = replace(current, pieces=[(start, end)], label="", is_question=False if current.role == "press" else None,
                              stage_note="continued after page furniture")
            doc.turns.append(current)
        elif current is not None:
            current.pieces.append((start, end))
        else:
            speaker = doc.principal or "Unknown speaker"
            current = Turn(speaker=speaker, role="official" if doc.principal else "other", pieces=[(start, end)],
                           label="", stage_note="unlabelled opening text")
            doc.turns.append(current)
        interrupted = False
    if doc.turns and not any(labels.values()):
        doc.warnings.append(f"no speaker labels found: all text is one turn by {doc.turns[0].speaker}")


def _principal_from_labels(doc: Document, labels: dict[int, Label | None]) -> str | None:
    """A labelled speaker named in the title, when the title has no possessive form."""
    if not doc.title:
        return None
    for label in labels.values():
        if label and not label.role_word and label.name in doc.title:
            return label.name
    return None


def _turn_for(doc: Document, label: Label, piece: tuple[int, int]) -> Turn:
    if label.role_word:
        speaker = {"press": "Press", "moderator": "Moderator"}.get(label.role_word, label.name)
        role = label.role_word if label.role_word in ("press", "moderator", "other") else "official"
        if label.name.lower() in ANSWER_WORDS:  # "Answer:" / "A:" is the principal's
            speaker = doc.principal or "Answer"
    else:
        speaker = person_in(label.name) or label.name
        known = {doc.principal, doc.counterpart} - {None}
        role = "official" if speaker in known or (doc.title and speaker in doc.title) else "other"
        if "moderator" in label.name.lower():
            role = "moderator"
    return Turn(speaker=speaker, role=role, pieces=[piece], label=label.text,
                addressee=label.addressee, stage_note=label.stage_note)
