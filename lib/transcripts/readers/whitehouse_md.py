"""White House briefing transcripts as Markdown with YAML front matter (the `wh-briefings` archive).

    ---
    date: '2021-01-20'
    source_url: https://bidenwhitehouse.archives.gov/briefing-room/press-briefings/...
    published_time: 2021-01-20 19:06:00-05:00
    title: "Press Briefing by Press Secretary Jen Psaki, January 20, 2021"
    ---
    James S. Brady Press Briefing Room            <- venue lines before the first label
    7:06 P.M. EST                                 <- time stamps (opening and closing)
    MS. PSAKI:  Good evening, everyone.  Thank you for joining us on this
    historic day.                                 <- hard-wrapped lines, rejoined for analysis
    Q    Good afternoon.                          <- a question: `Q`, non-breaking spaces, no colon
    (Laughter.)                                   <- stage directions
    END  2:51 P.M. EST

Offsets index the decoded Markdown source. A turn's pieces are its paragraphs (the label excluded);
a speaker label may also open a line inside a paragraph (the archive sometimes drops the blank line
before it), which then starts a new paragraph. `clean_piece` turns Markdown into plain text for
analysis: struck-through words (`<s>...</s>`, corrected in brackets just after) are dropped, links keep
their text, escapes are undone. Stage directions standing alone between two paragraphs of one turn lie
inside the turn's span but are not part of its text; everywhere else they go to the cleaning log.

Speaker labels are upper case: `MS. PSAKI` becomes "Jen Psaki" when the title names her ("... by Press
Secretary Jen Psaki ..."), else "Ms. Psaki"; the registry (`transcripts.registry`) may map it further.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

from ..labels import INVISIBLE, LINE_BREAKS, person_in
from ..model import Document, LogEntry, Turn
from .metadata import FRONT, read_front_matter

NAME = "whitehouse_md"
EXTENSIONS = (".md", ".markdown")

_FRONT = FRONT
_SP = rf"[ \t\u00a0{INVISIBLE}]"  # spaces, and invisible characters that must not hide a label
_TIME = rf"\d{{1,2}}:\d{{2}}{_SP}*[AaPp]\.?{_SP}*[Mm]\.?(?:{_SP}*[A-Z]{{2,4}})?"
_TIME_LINE = re.compile(rf"^{_SP}*\**{_TIME}\**{_SP}*$")
_END_LINE = re.compile(rf"^{_SP}*\**END\**\.?{_SP}*(?:{_TIME})?{_SP}*$")
_STAGE = re.compile(rf"^{_SP}*[*_]*\((?P<inner>[^()]*(?:\([^()]*\)[^()]*)*)\)[*_.]*{_SP}*$")
#: An upper-case speaker label at the start of a line, maybe after a time stamp ("5:19 P.M. EDT MODERATOR:").
_CAPS_LABEL = re.compile(
    rf"(?P<lead>{_SP}*(?:(?P<time>{_TIME}){_SP}+)?)(?P<label>[A-Z][A-Z\u00c0-\u00de.,'’\-]*(?:{_SP}{{1,2}}[A-Z\u00c0-\u00de.,'’\-]+){{0,7}})"
    rf"{_SP}*:(?:{_SP}+|(?=[\r\n\u2028\u2029]|$))", re.M)
_Q_LABEL = re.compile(rf"(?P<lead>{_SP}*)(?P<label>Q)(?::{_SP}*|(?P<nbsp>{_SP}*\u00a0{_SP}*)|{_SP}+)(?=\S)", re.M)
#: Upper-case words before a colon that are not speakers.
NOT_SPEAKERS = {"END", "NOTE", "NOTES", "UPDATE", "CORRECTION", "EMBARGOED", "EDITOR'S NOTE", "EDITOR’S NOTE",
                "PS", "P.S.", "AM", "PM", "A.M.", "P.M.", "Q", "A", "OK", "ET", "EST", "EDT", "FACT SHEET"}
#: Upper-case labels that name a role, not a person: label -> (speaker, role).
ROLE_LABELS = {
    "MODERATOR": ("Moderator", "moderator"), "OPERATOR": ("Operator", "moderator"),
    "INTERPRETER": ("Interpreter", "other"), "TRANSLATOR": ("Interpreter", "other"),
    "AUDIENCE MEMBER": ("Audience member", "other"), "PARTICIPANT": ("Participant", "other"),
    "PHOTOJOURNALIST": ("Press", "press"), "REPORTER": ("Press", "press"), "JOURNALIST": ("Press", "press"),
    "QUESTION": ("Press", "press"), "AIDE": ("Aide", "moderator"), "WHITE HOUSE AIDE": ("Aide", "moderator"),
    "STAFF": ("Aide", "moderator"), "PRESS AIDE": ("Aide", "moderator"), "PRESS STAFF": ("Aide", "moderator"),
}
#: Who held an office from a date on: "THE PRESIDENT" in a briefing of 2022 is Joe Biden.
OFFICE_HOLDERS = {
    "The President": (("2009-01-20", "Barack Obama"), ("2017-01-20", "Donald Trump"), ("2021-01-20", "Joe Biden"),
                      ("2025-01-20", "Donald Trump")),
    "The Vice President": (("2009-01-20", "Joe Biden"), ("2017-01-20", "Mike Pence"), ("2021-01-20", "Kamala Harris"),
                           ("2025-01-20", "JD Vance")),
    "The First Lady": (("2009-01-20", "Michelle Obama"), ("2017-01-20", "Melania Trump"), ("2021-01-20", "Jill Biden"),
                       ("2025-01-20", "Melania Trump")),
}
HONORIFICS = {"MS.": "Ms.", "MR.": "Mr.", "MRS.": "Mrs.", "DR.": "Dr.", "MS": "Ms.", "MR": "Mr.", "DR": "Dr.",
              "MISS": "Miss"}
_MARKUP = re.compile(r"[<\[*\\]")
_HEADER_MAX = 160  # a short paragraph before the first label is a venue/date line, not speech


def sniff(text: str) -> float:
    """Front matter with a title over upper-case `NAME:` labels or `Q` lines (or a White House source),
    or such labels alone. Front matter over `Name: text` labels is plain text (`mid_text`).

    >>> sniff("---\\ntitle: Press Briefing\\n---\\nMS. PSAKI:  Hi.\\n"), sniff("---\\ntitle: Briefing\\n---\\nAnna Li: Hi.\\n")
    (0.95, 0.1)
    """
    head = text[:4000]
    front = _FRONT.match(text[:70000])
    if front and re.search(r"^title:", front.group("yaml"), re.M):
        if "whitehouse" in front.group("yaml") or re.search(r"^(?:published|modified)_time:", front.group("yaml"), re.M):
            return 0.95  # the archive's own front matter
        lines = text[front.end():front.end() + 200_000].splitlines()
        caps = sum(1 for ln in lines if (m := _CAPS_LABEL.match(ln)) and _label_ok(m))
        qs = sum(1 for ln in lines if ln.startswith("Q\u00a0"))
        return 0.95 if caps + qs >= 1 else 0.1
    caps = sum(1 for ln in head.splitlines() if _CAPS_LABEL.match(ln) and _label_ok(_CAPS_LABEL.match(ln)))
    qs = sum(1 for ln in head.splitlines() if ln.startswith("Q\u00a0"))
    return 0.6 if caps >= 2 and qs else (0.3 if caps >= 3 else 0.0)


def parse(doc: Document) -> None:
    """Fill `doc` from White House Markdown: front matter, turns, and the log of everything else."""
    text = doc.text
    doc.clean_piece = markdown_to_text
    pos = _front_matter(doc)
    lines = _lines(text, pos)
    has_labels = any(_line_label(text, a, b, boundary=True) for a, b in lines)
    state = _State(doc)
    prev_blank, prev_end_char = True, ""
    for a, b in lines:
        line = text[a:b]
        if not line.strip():
            prev_blank = True
            state.paragraph_break()
            continue
        boundary = prev_blank or prev_end_char in ".?!:;”\")—]"
        lab = _line_label(text, a, b, boundary=boundary)
        if lab is not None:
            state.label(lab)
        elif prev_blank or state.kind is None:
            state.start_paragraph(a, b, has_labels)
        else:
            state.extend_paragraph(a, b)
        prev_blank = False
        prev_end_char = line.rstrip(" \t\u00a0*_")[-1:]
    state.finish()
    _office_holders(doc)
    _settle_principal_and_place(doc)
    if not has_labels and doc.turns:
        doc.warnings.append(f"no speaker labels found: all text is one turn by {doc.turns[0].speaker}")


def _settle_principal_and_place(doc: Document) -> None:
    """A one-word principal from the title ("Biden") becomes the speaker it names ("President Biden");
    the place is the last line of the first venue paragraph ("En Route Dover, Delaware")."""
    if doc.principal and " " not in doc.principal:
        named = [t.speaker for t in doc.turns if t.speaker.split()[-1].lower() == doc.principal.lower()]
        doc.principal = named[0] if named else doc.principal
    if doc.place is None:
        venue = next((e for e in doc.log if e.reason.startswith("header line")), None)
        if venue is not None:
            last = doc.text[venue.char_start:venue.char_end].splitlines()[-1]
            doc.place = " ".join(markdown_to_text(last).replace("*", "").split()) or None


def _office_holders(doc: Document) -> None:
    """"The President" (label `THE PRESIDENT`) becomes who held the office on the briefing's date."""
    if not doc.event_date:
        return
    names = {}
    for office, terms in OFFICE_HOLDERS.items():
        held = [who for since, who in terms if since <= doc.event_date]
        if held and doc.event_date >= terms[0][0]:
            names[office] = held[-1]
    for turn in doc.turns:
        if turn.speaker in names:
            turn.speaker = names[turn.speaker]
    if doc.principal in names:
        doc.principal = names[doc.principal]


def markdown_to_text(piece: str) -> str:
    """Plain text of a Markdown piece: struck-out words dropped, links and emphasis unwrapped, escapes undone.

    >>> markdown_to_text("March <s>2013</s> \\\\[23\\\\], 2018, *see* [here](https://x.org).")
    'March [23], 2018, see here.'
    """
    if not _MARKUP.search(piece):
        return piece
    piece = re.sub(r"<s>.*?</s>\s?", "", piece, flags=re.S | re.I)
    piece = re.sub(r"<(https?://[^>\s]+)>", r"\1", piece)
    piece = re.sub(r"</?[A-Za-z][^<>]*>", "", piece)
    piece = re.sub(r"!?\[([^\]]*)\]\([^)\s]*\)", r"\1", piece)
    piece = re.sub(r"(?<!\\)\*+", "", piece)
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!<>~|'\"\s])", r"\1", piece)


# -- front matter ----------------------------------------------------------------------------------

def _front_matter(doc: Document) -> int:
    """Read and log the YAML front matter (bounded, no aliases: `readers.metadata`); return where the body starts."""
    end, meta = read_front_matter(doc)
    if meta.get("title"):
        doc.title = " ".join(str(meta["title"]).replace("\u2060", "").split())
        _title_facts(doc)
    doc.event_date = _iso_date(meta.get("date")) or doc.event_date
    doc.published_at = _iso_datetime(meta.get("published_time") or meta.get("published"))
    if meta.get("source_url"):
        doc.source_url = str(meta["source_url"]).strip()
    return end


def _title_facts(doc: Document) -> None:
    low = doc.title.lower()
    for kind in ("background press call", "press call", "press gaggle", "press briefing", "briefing", "gaggle",
                 "remarks", "interview", "statement"):
        if kind in low:
            doc.event_type = kind
            break
    if m := re.search(r"\bby\s+(?P<who>.+?)(?:\s+and\s|,|\s+on\s|\s+en route\b|\s+aboard\b|$)", doc.title, re.I):
        doc.principal = person_in(m.group("who"))
    if m := re.search(r"\b(?:en route|aboard)\s+(?P<place>[^,]+(?:,\s*[A-Z]{2}\b)?)", doc.title, re.I):
        doc.place = m.group("place").strip()
    elif m := re.search(r"\bin\s+(?P<place>[A-Z][\w .]+(?:,\s*[A-Z][\w .]+)?)\s*$", doc.title):
        doc.place = m.group("place").strip()


def _iso_date(value: object) -> str | None:
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return value.strip()[:10]
    return None


def _iso_datetime(value: object) -> str | None:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, str) and (m := re.match(r"(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})", value.strip())):
        return f"{m.group(1)}T{m.group(2)}"
    return _iso_date(value)


# -- lines and labels ------------------------------------------------------------------------------

_BREAK = re.compile(rf"\r\n|[\n{LINE_BREAKS}]")


def _lines(text: str, pos: int) -> list[tuple[int, int]]:
    """(start, end) of every line after `pos`, without the line break (`\\n`, `\\r\\n`, a lone `\\r`, U+2028).

    >>> t = "a\\r\\nb\\rc\\u2028d\\n\\ne\\n"
    >>> [t[a:b] for a, b in _lines(t, 0)]
    ['a', 'b', 'c', 'd', '', 'e']
    """
    out = []
    start = pos
    for m in _BREAK.finditer(text, pos):
        out.append((start, m.start()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


def _label_ok(m: re.Match) -> bool:
    label = " ".join(m.group("label").split())
    letters = sum(ch.isalpha() for ch in label)
    return letters >= 2 and label.rstrip(".") not in NOT_SPEAKERS and label not in NOT_SPEAKERS


def _line_label(text: str, a: int, b: int, *, boundary: bool) -> tuple[int, int, int, str, str | None] | None:
    """(line start, label start, speech start, label, time stamp) when the line opens with a label.

    `boundary` says whether the previous line ended a sentence (or was blank). Without it only strong
    labels count: `Q` with non-breaking spaces, and upper-case labels of two words or more.
    """
    if (m := _CAPS_LABEL.match(text, a, b)) and _label_ok(m):
        label = " ".join(m.group("label").split())
        if boundary or " " in label or label in ROLE_LABELS:
            return a, m.start("label"), _skip_space(text, m.end(), b), label, m.group("time")
    if (m := _Q_LABEL.match(text, a, b)) and (boundary or m.group("nbsp")):
        return a, m.start("label"), m.end(), "Q", None
    return None


def _skip_space(text: str, i: int, b: int) -> int:
    while i < b and text[i] in " \t\u00a0":
        i += 1
    return i


@lru_cache(maxsize=4096)
def speaker_for(label: str, title: str | None) -> tuple[str, str]:
    """Speaker name and role for an upper-case label, using the document title for full names.

    >>> speaker_for("MS. PSAKI", "Press Briefing by Press Secretary Jen Psaki, May 21, 2021")
    ('Jen Psaki', 'official')
    >>> speaker_for("MS. PSAKI", "Press Gaggle Aboard Air Force One")
    ('Ms. Psaki', 'official')
    >>> speaker_for("SENIOR ADMINISTRATION OFFICIAL", None)
    ('Senior Administration Official', 'official')
    >>> speaker_for("Q", None)
    ('Press', 'press')
    """
    if label == "Q":
        return "Press", "press"
    label = " ".join(label.replace(" .", ".").split()).rstrip(",")
    if label in ROLE_LABELS:
        return ROLE_LABELS[label]
    words = label.split()
    honorific = HONORIFICS.get(words[0]) if len(words) > 1 else None
    rest = words[1:] if honorific else words
    surname = rest[-1] if rest else words[-1]
    if title and len(surname) > 1:
        full = _full_name_in(title, surname)
        if full:
            return full, "official"
    pretty = " ".join(_cap(w) for w in rest)
    return (f"{honorific} {pretty}" if honorific else pretty), "official"


def _full_name_in(title: str, surname: str) -> str | None:
    """A full name ending with `surname` in the title ("... Secretary Jen Psaki ..." -> "Jen Psaki")."""
    clean = " ".join(title.replace("\u00a0", " ").split())
    for m in re.finditer(rf"(?<![\w\-’']){re.escape(surname)}(?![\w\-])", clean, re.I):
        who = person_in(clean[:m.end()])
        tokens = who.split() if who else []
        if len(tokens) >= 2 and tokens[-1].lower() == surname.lower():
            keep = 3 if len(tokens) >= 3 and re.fullmatch(r"[A-Z]\.?", tokens[-2]) else 2
            return " ".join(tokens[-keep:])
    return None


def _cap(word: str) -> str:
    """Title case for one upper-case word, keeping `Mc` names and initials readable.

    >>> [_cap(w) for w in ["JEAN-PIERRE", "MCDONOUGH", "O’CONNELL", "FERNÁNDEZ"]]
    ['Jean-Pierre', 'McDonough', 'O’Connell', 'Fernández']
    """
    w = word.title()
    if w.startswith("Mc") and len(w) > 2:
        w = "Mc" + w[2].upper() + w[3:]
    return w


# -- the walk through the body ---------------------------------------------------------------------

class _State:
    """Turns under construction while the lines of the body are read in order."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.turn: Turn | None = None  # the current turn (None before the first label)
        self.label_info: tuple[str, str, str] | None = None  # (label, speaker, role) waiting for speech
        self.kind: str | None = None  # what the open paragraph is: "piece", "log" or None
        self.para: list[int] = []  # [start, end] of the open paragraph
        self.log_reason = ""
        self.pending: list[LogEntry] = []  # log entries after the current turn's last piece
        self.seen_label = False
        self.after_end = False  # an END line was read and no label since: what follows is no one's speech

    def paragraph_break(self) -> None:
        self._close()

    def label(self, lab: tuple[int, int, int, str, str | None]) -> None:
        line_start, label_start, speech_start, label, time = lab
        self._close()
        self._flush_pending()
        self.seen_label = True
        self.after_end = False
        if time:
            self.doc.log.append(LogEntry(line_start, label_start, "time stamp"))
            self.doc.log.append(LogEntry(label_start, speech_start, "speaker label"))
        else:
            self.doc.log.append(LogEntry(line_start, speech_start, "speaker label"))
        speaker, role = speaker_for(label, self.doc.title)
        self.turn = None
        self.label_info = (label, speaker, role)
        end = _line_end(self.doc.text, speech_start)
        if end > speech_start:
            self.kind, self.para = "piece", [speech_start, end]

    def start_paragraph(self, a: int, b: int, has_labels: bool) -> None:
        self._close()
        line = self.doc.text[a:b]
        start = a + len(line) - len(line.lstrip())
        end = a + len(line.rstrip())
        if _END_LINE.match(line):
            self.kind, self.log_reason = "log", "END line"
            self.after_end = self.seen_label
        elif self.after_end:
            self.kind, self.log_reason = "log", "text after the END line (no speaker label)"
        elif _TIME_LINE.match(line):
            self.kind, self.log_reason = "log", "time stamp"
        elif _STAGE.match(line):
            self.kind, self.log_reason = "log", "stage direction"
        elif not self.seen_label and has_labels:
            self.kind, self.log_reason = "header", "header line (venue, date or note before the first speaker)"
        else:
            self.kind = "piece"
        self.para = [start, end]

    def extend_paragraph(self, a: int, b: int) -> None:
        self.para[1] = a + len(self.doc.text[a:b].rstrip())
        if self.after_end:  # "END" and lines under it: the record of the event is over
            if self.log_reason == "END line":
                self.log_reason = "END line and the text after it (no speaker label)"
            return
        if self.kind == "log":  # a time stamp or stage direction followed by text: it is speech after all
            self.kind = "piece" if self.seen_label else "header"

    def finish(self) -> None:
        self._close()
        self._flush_pending()

    def _close(self) -> None:
        if self.kind is None:
            return
        start, end = self.para
        kind, self.kind = self.kind, None
        if kind == "header":
            if end - start <= _HEADER_MAX:
                self.doc.log.append(LogEntry(start, end, self.log_reason))
                return
            kind = "narration"
        if kind == "log":
            self.pending.append(LogEntry(start, end, self.log_reason))
            return
        if kind == "narration":
            self._flush_pending()
            self.turn = Turn(speaker="Narration", role="narration", pieces=[(start, end)],
                             stage_note="unlabelled text before the first speaker")
            self.doc.turns.append(self.turn)
            self.turn = None
            return
        if self.turn is None:
            self._flush_pending()
            if self.label_info is not None:
                label, speaker, role = self.label_info
                self.turn = Turn(speaker=speaker, role=role, pieces=[], label=label)
            else:
                speaker = self.doc.principal or "Unknown speaker"
                self.turn = Turn(speaker=speaker, role="official" if self.doc.principal else "other", pieces=[],
                                 stage_note="unlabelled text")
            self.doc.turns.append(self.turn)
            self.label_info = None
        self.pending.clear()  # anything logged since the last piece now lies inside the turn
        self.turn.pieces.append((start, end))

    def _flush_pending(self) -> None:
        self.doc.log.extend(self.pending)
        self.pending = []


def _line_end(text: str, i: int) -> int:
    """End of the line holding `i`, trailing spaces excluded."""
    nl = _BREAK.search(text, i)
    end = len(text) if nl is None else nl.start()
    return i + len(text[i:end].rstrip())
