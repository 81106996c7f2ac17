"""Page text of the Russian Foreign Ministry's site (and the Kremlin's, same house style), and any plain
text with `Name: text` labels: other ministries' briefings, Telegram-style posts, press releases.

    11 December 201901:08                         <- publication date and time, run together
    Foreign Minister Sergey Lavrov’s remarks and answers ..., Washington, December 10, 2019   <- title
      • de-DE1 en-GB1 es-ES1 ru-RU1 fr-FR1        <- language links
    Ladies and gentlemen, ...                     <- unlabelled: the principal's opening statement
    Question (to Michael Pompeo): ...             <- speaker labels at paragraph start
    Sergey Lavrov (speaks after Michael Pompeo): ...
    Additional materials / Advanced settings      <- page boilerplate

Every paragraph is one line (any line break counts: `\\n`, `\\r\\n`, a lone `\\r`, U+2028); unlabelled
paragraphs continue the previous turn. Without the dated header, a first line ending in a place and
a date ("…, Beijing, March 14, 2024") is the title. YAML front matter at the top is read (see
`readers.metadata`). Labels may follow emoji or symbols (`💬 Maria Zakharova:`; the symbols go to the
log) or stand alone on their line, the speech in the next paragraph. Unlabelled text before the first
label is the opening statement of the principal when it speaks in the first person, else narration.
Hashtag lines and bare links ("LEARN MORE: https://…") go to the cleaning log.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import datetime

from ..labels import (ANSWER_WORDS, INVISIBLE, LINE_BREAKS, Label, is_single_name, match_label, person_in,
                      skip_symbols)
from ..model import Document, LogEntry, Turn
from ..roles import label_role
from .metadata import apply_fields, read_front_matter

NAME = "mid_text"
EXTENSIONS = (".txt",)

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_WEEKDAY = r"(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)?"
_DATE = rf"(?:{MONTHS})\.? \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}|\d{{1,2}}(?:st|nd|rd|th)? (?:{MONTHS}),? \d{{4}}"
_HEADER = re.compile(rf"^\s*(\d{{1,2}}) ({MONTHS}) (\d{{4}})\s*(\d{{1,2}}:\d{{2}})\s*$")
_LANG_LINKS = re.compile(r"^\s*[•·*]?\s*(?:[a-z]{2}-[A-Z]{2}\d*\s*){2,}$")
_NOTE = r"(?:\s*\((?:corrected|updated|revised|amended|unofficial translation|as delivered|excerpts?)[^()]*\))?"
_TITLE_DATE = re.compile(rf",\s*(?:(?P<place>[A-Z][^,]{{1,60}}),\s*)?{_WEEKDAY}(?P<date>{_DATE}){_NOTE}\s*$")
_TITLE_ON = re.compile(rf"\bon\s+{_WEEKDAY}(?P<date>{_DATE}){_NOTE}\s*$")
_POSSESSIVE = re.compile(r"(?P<who>[^,]*?)[’']s\s+(?:remarks|answers|speech|statement|interview|address|article|"
                         r"opening|comment|introductory|news conference|press conference|replies|regular press "
                         r"conference|briefing)", re.I)
_BY = re.compile(r"\b(?:briefing|conference|statement|remarks|interview|address|speech|comments?|gaggle|call)"
                 r"\s+(?:given\s+)?by\s+(?P<who>[^,]+?)(?:,|\s+(?:at|in|on|to|with|following|after)\s|$)", re.I)
_WITH = re.compile(r"\bwith\s+(?P<who>[^,]+?)(?:,|\s+in\s|\s+at\s|\s+on\s|$)")
_FIRST_PERSON = re.compile(r"\b(?:I|I’m|I'm|I’d|I'd|I’ll|I'll|we|We|my|My|our|Our|us|me)\b")
_HASHTAGS = re.compile(r"^(?:#[\w\d_]+[\s,.;]*)+$")
_LINK_LINE = re.compile(r"^(?:[^:]{0,60}:\s*)?(?:https?://|www\.)?[\w.-]+\.(?:ru|com|org|net|gov|int|eu|cn|uk|info|tv|me|"
                        r"io|jp|in)(?:/\S*)?\s*$|^(?:[^:]{0,60}:\s*)?https?://\S+\s*$", re.I)
BOILERPLATE = {"Additional materials", "Advanced settings", "Photos", "Video", "Audio", "Print", "Share",
               "Print version", "Send by email", "Tags", "Related materials"}
EVENT_TYPES = ("joint news conference", "joint press conference", "news conference", "press conference",
               "press briefing", "media briefing", "briefing", "press approach", "interview", "remarks", "speech",
               "statement", "talks", "meeting", "phone call", "telephone conversation")
_BREAKS = re.compile(rf"[^\n{LINE_BREAKS}]+")
_LEAD = re.compile(rf"[\s{INVISIBLE}]+")
_TRAIL = re.compile(rf"[\s{INVISIBLE}]+$")


def sniff(text: str) -> float:
    """How sure we are that `text` is this format: the dated header, or labelled paragraphs.

    >>> sniff("11 December 201901:08\\nTitle"), sniff("---\\ntitle: x\\n---\\nAnna Smith: Hello.\\n")
    (0.9, 0.6)
    """
    body = text
    if text.startswith(("---", "\ufeff---")):
        m = re.match(r"\A\ufeff?---[ \t]*\r?\n.*?\r?\n---[ \t]*(?:\r?\n|\Z)", text[:70000], re.S)
        if not m:
            return 0.0
        body = text[m.end():]
        labelled = any(match_label(body, s, end=e) for s, e in paragraphs(body[:6000])[:40])
        return 0.6 if labelled else 0.35
    head = text.lstrip()[:200].splitlines()[0] if text.strip() else ""
    if _HEADER.match(head):
        return 0.9
    if text.lstrip()[:1] == "<":
        return 0.0
    return 0.35  # plain text: this reader handles any "Name: text" paragraphs


def paragraphs(text: str, pos: int = 0) -> list[tuple[int, int]]:
    """Spans of non-blank lines from `pos`, trimmed of surrounding whitespace and invisible characters.
    Every line break counts (`\\n`, `\\r`, U+2028, U+2029, ...).

    >>> t = "A b\\n\\n  C d  \\rE\\u2028\\u200bF"
    >>> [t[a:b] for a, b in paragraphs(t)]
    ['A b', 'C d', 'E', 'F']
    """
    spans = []
    for m in _BREAKS.finditer(text, pos):
        line = m.group()
        lead = _LEAD.match(line)
        a = m.start() + (lead.end() if lead else 0)
        trail = _TRAIL.search(line)
        b = m.start() + (trail.start() if trail else len(line))
        if b > a:
            spans.append((a, b))
    return spans


def parse_date(text: str) -> str | None:
    """ISO date from "December 10, 2019", "10 December 2019", "Wednesday, March 13, 2024".

    >>> parse_date("December 10, 2019"), parse_date("10 December 2019"), parse_date("March 13th, 2024")
    ('2019-12-10', '2019-12-10', '2024-03-13')
    """
    clean = re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", text.strip())
    clean = re.sub(r"^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+", "", clean)
    clean = clean.replace(".", "").replace(",", ", ").replace(" ,", ",")
    clean = " ".join(clean.split())
    for fmt in ("%B %d, %Y", "%d %B %Y", "%B %d %Y", "%d %B, %Y"):
        try:
            return datetime.strptime(clean, fmt).date().isoformat()
        except ValueError:
            pass
    return None


def _name_case(name: str | None) -> str | None:
    """"KOBAYASHI Maki" → "Kobayashi Maki": shouted words of a name in title case."""
    if not name:
        return name
    return " ".join(w.title() if w.isupper() and len(w) > 1 and w.isalpha() else w for w in name.split())


def parse_title(doc: Document, title: str) -> None:
    """Event type, counterpart, place, date and principal from a title."""
    doc.title = " ".join(title.split())
    low = doc.title.lower()
    doc.event_type = next((t for t in EVENT_TYPES if t in low), None)
    if m := _TITLE_DATE.search(doc.title):
        doc.place = m.group("place").strip() if m.group("place") else doc.place
        doc.event_date = parse_date(m.group("date"))
    elif m := _TITLE_ON.search(doc.title):
        doc.event_date = parse_date(m.group("date"))
    if m := _POSSESSIVE.search(doc.title):
        doc.principal = _name_case(person_in(m.group("who")))
    if m := _WITH.search(doc.title):
        doc.counterpart = person_in(m.group("who")) or m.group("who").strip()


def _title_like(text: str) -> bool:
    """A first line that is a title: it ends with a date ("…, Beijing, March 14, 2024")."""
    return bool(_TITLE_DATE.search(text) or _TITLE_ON.search(text)) and len(text) < 400


def parse(doc: Document) -> None:
    text = doc.text
    body, meta = read_front_matter(doc)
    paras = paragraphs(text, body)
    i = 0
    if paras and (m := _HEADER.match(text[paras[0][0]:paras[0][1]])):
        day, month, year, hhmm = m.groups()
        doc.published_at = datetime.strptime(f"{day} {month} {year} {hhmm}", "%d %B %Y %H:%M").strftime("%Y-%m-%dT%H:%M")
        doc.log.append(LogEntry(*paras[0], "header: publication date and time"))
        i = 1
        if i < len(paras) and match_label(text, paras[i][0], end=paras[i][1]) is None:
            _title_paragraph(doc, *paras[i])
            i += 1
    elif paras and not meta.get("title") and match_label(text, paras[0][0], end=paras[0][1]) is None \
            and _title_like(text[skip_symbols(text, *paras[0]):paras[0][1]]):
        _title_paragraph(doc, *paras[0])
        i = 1
    if meta:
        apply_fields(doc, meta, source="front matter")
        if doc.title and not doc.event_type:
            doc.event_type = next((t for t in EVENT_TYPES if t in doc.title.lower()), None)
    labels = {s: match_label(text, s, end=e) for s, e in paras[i:]}
    # One-word labels ("Zakharova:") count only when they recur: a one-off "Update:" is no speaker.
    singles = {s: match_label(text, s, single_word=True, end=e) for s, e in paras[i:] if labels[s] is None}
    recurring = Counter(lab.name for lab in singles.values() if lab)
    labels.update({s: lab for s, lab in singles.items() if lab and recurring[lab.name] >= 2})
    merged = [lab.text for s, lab in singles.items() if lab and recurring[lab.name] < 2]
    if doc.principal is None:
        doc.principal = _principal_from_labels(doc, labels)
    current: Turn | None = None
    waiting: Turn | None = None  # a label alone on its line: its speech is the next paragraph
    interrupted = False  # page furniture since the current turn's last paragraph
    opening: list[Turn] = []
    for start, end in paras[i:]:
        para = text[start:end]
        furniture = _furniture(para)
        if furniture:
            doc.log.append(LogEntry(start, end, furniture))
            interrupted = current is not None
            continue
        label = labels[start]
        if label is not None:
            if waiting is not None:  # the previous label had no speech
                doc.log[-1] = LogEntry(doc.log[-1].char_start, doc.log[-1].char_end, "speaker label (no speech follows)")
            if label.lead:
                doc.log.append(LogEntry(start, start + label.lead, "symbols before a speaker label"))
            label_end = min(start + label.end, end)
            doc.log.append(LogEntry(start + label.lead, label_end, "speaker label"))
            turn = _turn_for(doc, label, (label_end, end))
            if label.alone or label_end >= end:
                waiting, current = turn, None
                turn.pieces = []
            else:
                waiting, current = None, turn
                doc.turns.append(turn)
            interrupted = False
            continue
        if waiting is not None:
            waiting.pieces = [(start, end)]
            doc.turns.append(waiting)
            current, waiting = waiting, None
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
            opening.append(current)
        interrupted = False
    if waiting is not None:
        last = doc.log[-1]
        doc.log[-1] = LogEntry(last.char_start, last.char_end, "speaker label (no speech follows)")
    _settle_opening(doc, opening)
    if merged:
        shown = ", ".join(f"“{m}:”" for m in dict.fromkeys(merged))
        doc.warnings.append(f"label-like line(s) read as text, not as a speaker (they occur once): {shown}")
    if doc.turns and not any(labels.values()):
        doc.warnings.append(f"no speaker labels found: all text is one turn by {doc.turns[0].speaker}")


def _title_paragraph(doc: Document, start: int, end: int) -> None:
    lead = skip_symbols(doc.text, start, end)
    if lead > start:
        doc.log.append(LogEntry(start, lead, "symbols before the title"))
    parse_title(doc, doc.text[lead:end])
    doc.log.append(LogEntry(lead, end, "title"))


def _furniture(para: str) -> str | None:
    """Why a paragraph is page furniture (language links, boilerplate, hashtags, a bare link), or None."""
    if _LANG_LINKS.match(para):
        return "language links"
    if para in BOILERPLATE:
        return "page boilerplate"
    if _HASHTAGS.match(para.strip()):
        return "hashtags"
    words = para[skip_symbols(para):].strip()
    if _LINK_LINE.match(words) and len(words.split()) <= 8:
        return "link"
    return None


def _settle_opening(doc: Document, opening: list[Turn]) -> None:
    """Unlabelled text before the first label: the principal's when it speaks in the first person,
    narration when it never does (a press release's summary), with a warning either way it is guessed."""
    if not opening:
        return
    said = " ".join(doc.text[a:b] for t in opening for a, b in t.pieces)
    first_person = bool(_FIRST_PERSON.search(said))
    labelled = any(t.label for t in doc.turns)
    for t in opening:
        if not first_person and labelled:
            t.speaker, t.role, t.stage_note = "Narration", "narration", "unlabelled text before the first speaker"
        elif doc.principal is None:
            t.speaker, t.role = "Unknown speaker", "other"
    if first_person and doc.principal is None and labelled:
        doc.warnings.append("opening text before the first label is by an unknown speaker (no principal in the title)")
    elif not first_person and labelled:
        doc.warnings.append("opening text before the first label read as narration (nobody speaks in the first person)")


def _principal_from_labels(doc: Document, labels: dict[int, Label | None]) -> str | None:
    """A labelled speaker named in the title ("… by Foreign Ministry Spokeswoman Maria Zakharova"), by
    full name or by surname ("Press Secretary Kobayashi" in "… by Press Secretary KOBAYASHI Maki")."""
    if not doc.title:
        return None
    low = doc.title.lower()
    by = _BY.search(doc.title)
    for label in labels.values():
        if not label or label.role_word:
            continue
        if label.name in doc.title:
            return person_in(label.name) or label.name
        who = person_in(label.name) or label.name
        if by and len(who.split()) == 1 and who.lower() in by.group("who").lower():
            full = _name_case(person_in(by.group("who")))
            return full if full and who.lower() in full.lower().split() else who
        if len(who.split()) >= 2 and who.lower() in low:
            return who
    return None


def _turn_for(doc: Document, label: Label, piece: tuple[int, int]) -> Turn:
    stage_note = label.stage_note
    if label.outlet:  # "Reuters:" speaks as Reuters; "Question from RIA Novosti:" is the press, from RIA
        speaker, role = ("Press" if label.affiliation else label.name), "press"
        stage_note = label.affiliation or stage_note
    elif label.role_word:
        speaker = {"press": "Press", "moderator": "Moderator"}.get(label.role_word, label.name)
        role = label.role_word if label.role_word in ("press", "moderator", "other") else "official"
        if label.name.lower() in ANSWER_WORDS:  # "Answer:" / "A:" is the principal's
            speaker = doc.principal or "Answer"
    else:
        speaker = _name_case(person_in(label.name) or label.name)
        known = {doc.principal, doc.counterpart} - {None}
        if doc.principal and len(speaker.split()) == 1 and speaker.lower() in doc.principal.lower().split():
            speaker = doc.principal  # "Press Secretary Kobayashi" is the title's "KOBAYASHI Maki"
        by_label = label_role(label.text if not label.affiliation else f"{label.name}, {label.affiliation}")
        if by_label in ("press", "moderator"):
            role = by_label
        elif speaker in known or by_label == "official" or by_label != "other" and doc.title and speaker in doc.title:
            role = "official"  # the head of a company or a university (`other` by the label) is no official
        else:
            role = "other"
        if label.affiliation:
            stage_note = stage_note or label.affiliation
    return Turn(speaker=speaker, role=role, pieces=[piece], label=label.text,
                addressee=label.addressee, stage_note=stage_note)


__all__ = ["NAME", "EXTENSIONS", "sniff", "parse", "paragraphs", "parse_date", "parse_title", "is_single_name"]
