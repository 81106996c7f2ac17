"""Transcript pages of the Kremlin (en.kremlin.ru, print view) and the Foreign Ministry: saved HTML.

    <h1 class="entry-title">Meeting with Governor of Crimea Sergei Aksyonov</h1>
    <time class="read__published" datetime="2016-02-20">  <div class="read__place">Moscow</div>
    <div itemprop="articleBody">
      <p>Vladimir Putin met with Head of the Republic of Crimea Sergei Aksyonov.</p>   <- narration
      <p><b>* * *</b></p>
      <p><b>President of Russia Vladimir Putin</b>: Mr Aksyonov, ...</p>               <- a turn
      <p><b>Question</b><i> (retranslated)</i>: ...</p>
      <p><b>President of Turkey </b><a ...>Recep Tayyip Erdogan<span class="hidden">(tooltip)</span></a>: ...</p>
    </div>  ... tags, share buttons, footer, site navigation ...

**Which text the offsets index.** An HTML page is first rendered to plain text, and that text is the
document's `text` (the `texts` table stores it; `source_sha256` is the hash of the HTML file's bytes).
The rendering keeps every piece of text a reader of the page can see, one block (paragraph, heading,
list item, link group) per line with a blank line between blocks, entities decoded; it drops markup,
comments, scripts and styles, and the hidden tooltips the site puts inside person links. All offsets,
and the coverage invariant (turns + cleaning log tile the text exactly), refer to this rendered text:
site navigation, title, date line, photo captions, tags and footer are in the cleaning log with a
reason; speech is in turns. Paragraphs of the article before the first speaker label ("Vladimir Putin
met with ...") are turns with role `narration`, so they never count as anyone's words.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from ..errors import TranscriptError
from ..labels import (ROLE_LABELS, TITLE_WORDS, generic_word, is_name_like, is_outlet, is_single_name, paren_parts, person_in,
                      skip_symbols, speaker_key_text)
from ..model import Document, LogEntry, Turn
from ..roles import label_role

NAME = "kremlin_html"
EXTENSIONS = (".html", ".htm", ".xhtml")

_TOKEN = re.compile(r"<!--.*?(?:-->|\Z)|<[!?][^>]*>|<(/?)([a-zA-Z][\w:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>|([^<]+)|<", re.S)
_CLASS = re.compile(r"""\bclass\s*=\s*["']([^"']*)["']""", re.I)
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
         "wbr", "keygen"}
_SKIP = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object", "select", "textarea", "button"}
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "tr", "td", "th",
          "table", "section", "article", "header", "footer", "nav", "aside", "figure", "figcaption", "blockquote",
          "form", "fieldset", "label", "main", "body", "html", "pre", "address", "time", "title", "hr", "br"}
_STRONG = {"b", "strong"}
_WS = re.compile(r"[ \t\r\n\f]+")
_SEPARATOR = re.compile(r"^\s*(?:\*\s*){3}")
_FIRST_PERSON = re.compile(r"\b(?:I|I’m|I'm|we|We|my|My|our|Our|us)\b")
_OFFICE = {"president", "minister", "governor", "head", "chairman", "chair", "director", "secretary", "ceo",
           "ambassador", "mayor", "deputy", "commissioner", "presidential", "prime", "spokesman", "spokesperson",
           "aide", "press"}
_PRESS_LABELS = {"response": "press", "remark": "press", "reply": "press", "voice": "press",
                 "remark from the audience": "press", "question from the audience": "press",
                 "voice from the audience": "press", "comment": "press", "speaker": "other", "announcer": "other",
                 "participant": "other", "audience": "other"}


def sniff(text: str) -> float:
    """HTML markup, more sure for the Kremlin's and the Foreign Ministry's pages.

    >>> sniff("<!doctype html><html><body><p>Hi</p></body></html>")
    0.6
    >>> sniff("Sergey Lavrov: Hello.")
    0.0
    """
    head = text[:3000].lstrip().lower()
    if not head.startswith(("<!doctype html", "<html", "<?xml", "<!--", "<head", "<meta", "<body", "<p", "<div")):
        return 0.0
    return 0.95 if ("kremlin.ru" in text[:20000] or "mid.ru" in text[:20000]) else 0.6


# -- rendering HTML to blocks of text ---------------------------------------------------------------

STRONG, ITALIC, LINK = 1, 2, 4


@dataclass
class Block:
    """One block of visible text: where it came from and which of its characters were bold or italic."""

    text: str
    tag: str  # the innermost block element (p, div, h1, ...)
    region: str  # "page" (outside the article), "body" (inside it)
    classes: str  # classes of the enclosing elements, innermost last
    runs: list[tuple[int, int, int]] = field(default_factory=list)  # (start, end, STRONG|ITALIC|LINK bits)

    def flags(self, k: int) -> int:
        """The style bits of character `k`."""
        for start, end, bits in self.runs:
            if start <= k < end:
                return bits
            if start > k:
                break
        return 0

    def all_italic(self) -> bool:
        return all(self.flags(k) & ITALIC for k, ch in enumerate(self.text) if not ch.isspace())


def render(source: str) -> list[Block]:
    """The visible text of an HTML page, block by block (whitespace collapsed, entities decoded).

    >>> [(b.tag, b.text) for b in render("<p><b>A  B</b>: x&amp;y<span class='hidden'>no</span></p><div>Nav</div>")]
    [('p', 'A B: x&y'), ('div', 'Nav')]
    >>> render("<p><b>A</b> b</p>")[0].runs
    [(0, 1, 1), (1, 3, 0)]
    """
    blocks: list[Block] = []
    stack: list[tuple[str, str, bool, bool]] = []  # (tag, classes, starts the article body, hidden)
    pieces: list[tuple[str, int]] = []  # text pieces of the open block with their style bits
    last = [""]  # the last character added to the open block
    state = {"skip": 0, "b": 0, "i": 0, "a": 0, "body": 0}

    def flush() -> None:
        if not pieces:
            return
        raw = "".join(p for p, _ in pieces)
        if raw.strip():
            lead = len(raw) - len(raw.lstrip())
            end = len(raw.rstrip())
            runs, pos = [], -lead
            for piece, bits in pieces:
                a, b = max(pos, 0), min(pos + len(piece), end - lead)
                if b > a:
                    runs.append((a, b, bits))
                pos += len(piece)
            block_tag = next((t[0] for t in reversed(stack) if t[0] in _BLOCK), "html")
            classes = " ".join(t[1] for t in stack if t[1])
            blocks.append(Block(raw[lead:end], block_tag, "body" if state["body"] else "page", classes, runs))
        pieces.clear()
        last[0] = ""

    def add(text: str, *, is_break: bool = False) -> None:
        piece = "\n" if is_break else _WS.sub(" ", text)
        if piece.startswith(" ") and last[0] in ("", " ", "\n"):
            piece = piece[1:]
        if not piece:
            return
        bits = (STRONG if state["b"] > 0 else 0) | (ITALIC if state["i"] > 0 else 0) | (LINK if state["a"] > 0 else 0)
        pieces.append((piece, bits))
        last[0] = piece[-1]

    body = re.search(r"<body\b", source, re.I)
    pos = body.start() if body else 0  # nothing in <head> is shown
    n = len(source)
    while pos < n:
        m = _TOKEN.match(source, pos)
        pos = m.end()
        closing, tag, attrs, text = m.group(1), m.group(2), m.group(3), m.group(4)
        if text is not None:
            if not state["skip"]:
                add(html.unescape(text))
            continue
        if tag is None:  # a comment, or a stray "<"
            if m.group(0) == "<" and not state["skip"]:
                add("<")
            continue
        tag = tag.lower()
        if not closing:
            if tag in ("script", "style") and not attrs.rstrip().endswith("/"):
                close = re.compile(rf"</{tag}\s*>", re.I).search(source, pos)
                pos = close.end() if close else n
                continue
            classes = (_CLASS.search(attrs).group(1) if _CLASS.search(attrs) else "")
            hidden = tag in _SKIP or "hidden" in classes.split() or "display:none" in attrs.replace(" ", "").lower()
            if tag in _BLOCK and not state["skip"]:
                if tag == "br":
                    add("", is_break=True)
                else:
                    flush()
            if tag in _VOID or attrs.rstrip().endswith("/"):
                continue
            is_body = 'itemprop="articleBody"' in attrs
            if "read__bottommeta" in classes and state["body"]:
                flush()
                state["body"] = 0
            stack.append((tag, classes, is_body, hidden))
            if hidden:
                state["skip"] += 1
            state["body"] += is_body
            state["b"] += tag in _STRONG
            state["i"] += tag in ("i", "em")
            state["a"] += tag == "a"
        else:
            if not any(t[0] == tag for t in stack):
                continue
            if tag in _BLOCK and not state["skip"]:
                flush()
            while stack:
                t, classes, is_body, hidden = stack.pop()
                state["skip"] -= hidden
                state["body"] = max(0, state["body"] - is_body)
                state["b"] -= t in _STRONG
                state["i"] -= t in ("i", "em")
                state["a"] -= t == "a"
                if t in _BLOCK and not state["skip"]:
                    flush()
                if t == tag:
                    break
    flush()
    return blocks


# -- reading the page -------------------------------------------------------------------------------

def parse(doc: Document) -> None:
    """Render the page, make the rendering the document's text, and read metadata, turns and log."""
    source = doc.text
    _metadata(doc, source)
    blocks = render(source)
    if not blocks:
        raise TranscriptError(doc.source_path, "the HTML page has no visible text",
                              hint="Save the page after it has loaded (the print view works best)")
    parts, offsets = [], []
    pos = 0
    for b in blocks:
        offsets.append(pos)
        parts.append(b.text)
        pos += len(b.text) + 2
    doc.text = "\n\n".join(parts)
    has_body = any(b.region == "body" for b in blocks)
    body_p = [i for i, b in enumerate(blocks) if _is_speech_block(b, has_body)]
    labels = {i: _label(blocks[i]) for i in body_p}
    # A bold one-word name ("Zakharova:") is a label when it recurs: a one-off bold "Note:" is not.
    singles = {i: _label(blocks[i], single_word=True) for i in body_p if labels[i] is None}
    recurring = {}
    for lab in singles.values():
        if lab:
            recurring[lab.name] = recurring.get(lab.name, 0) + 1
    labels.update({i: lab for i, lab in singles.items() if lab and recurring[lab.name] >= 2})
    known = {lab.name for lab in labels.values() if lab and not lab.role_word and _bare_name(lab.name)}
    # people whose full label names a company or a university: not officials, though the title names them
    no_office = {_name_of(lab.name, known) for lab in labels.values()
                 if lab and not lab.role_word and label_role(re.sub(r"\s*\([^()]*\)", "", lab.name)) == "other"}
    if doc.principal is None:
        lead = " ".join(b.text for b in blocks if "read__lead" in b.classes)
        sizes: dict[str, int] = {}  # characters spoken under each named label, up to the next label
        who = None
        for i in body_p:
            if labels[i] is not None:
                who = None if labels[i].role_word else _name_of(labels[i].name, known)
            if who:
                sizes[who] = sizes.get(who, 0) + len(blocks[i].text)
        doc.principal = _principal(doc, [lab for lab in labels.values() if lab], lead, known, sizes)
    any_label = any(labels.values())
    first_label = min((i for i, lab in labels.items() if lab), default=None)
    # With no labels at all, a page whose text never says "I" or "we" is a news item: all narration.
    all_narration = not any_label and not any(_FIRST_PERSON.search(blocks[i].text) for i in labels)
    separator_seen = False
    current: Turn | None = None
    pending: list[LogEntry] = []  # log entries after the current turn's last piece
    for i, b in enumerate(blocks):
        start = offsets[i]
        end = start + len(b.text)
        lab = labels.get(i)
        sep = _SEPARATOR.match(b.text)
        if i not in labels:
            reason = _page_reason(b)
        elif lab is None and sep and not b.text[sep.end():].strip():
            reason, separator_seen = "section break (* * *)", True
        elif lab is None and _is_stage_direction(b):
            reason = "stage direction"
        else:
            reason = None
        if reason:
            (pending if current is not None and current.pieces else doc.log).append(LogEntry(start, end, reason))
            continue
        if lab is not None:
            doc.log.extend(pending)
            pending = []
            label_end = start + lab.speech_start
            doc.log.append(LogEntry(start, label_end, "speaker label"))
            speaker, role = _speaker(lab, doc, known, no_office)
            current = Turn(speaker=speaker, role=role, pieces=[], label=lab.text, addressee=lab.addressee,
                           stage_note=lab.stage_note)
            if label_end < end:  # else the label stands alone and its speech is the next paragraph
                current.pieces.append((label_end, end))
                doc.turns.append(current)
            continue
        narrate = (first_label is not None and i < first_label) or (first_label is None and (
            all_narration or not separator_seen and _has_separator_later(blocks, labels, i)))
        if current is not None and narrate == (current.role == "narration"):
            if not current.pieces:
                doc.turns.append(current)
            current.pieces.append((start, end))
            pending = []  # whatever was logged since the last piece now lies inside the turn
            continue
        doc.log.extend(pending)
        pending = []
        if narrate:
            current = Turn(speaker="Narration", role="narration", pieces=[(start, end)],
                           stage_note="narrative text of the page")
        else:
            who = doc.principal or "Unknown speaker"
            current = Turn(speaker=who, role="official" if doc.principal else "other", pieces=[(start, end)],
                           stage_note="unlabelled text")
        doc.turns.append(current)
    doc.log.extend(pending)
    if not any_label and any(t.role != "narration" for t in doc.turns):
        doc.warnings.append(f"no speaker labels found: the text is attributed to {doc.principal or 'an unknown speaker'}")
    elif not any_label and doc.turns:
        doc.warnings.append("no speaker labels and no first-person speech found: the text is read as narration")


def _has_separator_later(blocks: list[Block], labels: dict, i: int) -> bool:
    """True when a `* * *` line follows: text before it introduces the event."""
    return any(_SEPARATOR.match(blocks[j].text) and not blocks[j].text.strip(" *") for j in labels if j > i)


def _is_speech_block(b: Block, has_body: bool) -> bool:
    """Paragraphs of the article (or of the whole page, when it has no marked article body)."""
    if has_body:
        return b.region == "body" and b.tag in ("p", "blockquote", "li") and "masha-ignore" not in b.classes \
            and "cut" not in b.classes.split()
    return b.tag in ("p", "blockquote", "pre")


def _is_stage_direction(b: Block) -> bool:
    t = b.text.strip()
    return t.startswith("(") and t.endswith(")") and len(t) < 200 and b.all_italic()


def _page_reason(b: Block) -> str:
    classes = b.classes
    if b.tag == "h1" or "entry-title" in classes:
        return "title"
    if "read__lead" in classes:
        return "lead (summary of the event)"
    if "read__meta" in classes or "read__published" in classes:
        return "date, time and place line"
    if b.region == "body":
        return "page furniture (photo caption, related links)"
    if "read__tags" in classes or "read__status" in classes or "read__updated" in classes:
        return "publication details and tags"
    return "site navigation and page furniture"


# -- labels -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class HtmlLabel:
    text: str
    name: str
    role_word: str | None
    addressee: str | None
    stage_note: str | None
    speech_start: int  # where the speech starts in the block's text


_LABEL_NAME = re.compile(r"^(?P<name>(?:[^()]|\([^()]*\))*?)\s*(?:\((?P<paren>[^()]*)\))?\s*$")


def _label(b: Block, *, single_word: bool = False) -> HtmlLabel | None:
    """The speaker label opening a paragraph: bold text (maybe a link, maybe an italic note) and a colon.
    Emoji, symbols and invisible characters before it are skipped; with `single_word`, a bold one-word
    name counts too (callers accept it only when it recurs)."""
    text = b.text
    start = 0
    if sep := _SEPARATOR.match(text):
        start = sep.end()
    start = skip_symbols(text, start)
    colon = text.find(":", start, start + 260)
    if colon < 0:
        return None
    head = text[start:colon]
    depth = 0
    any_strong = False
    for k, ch in enumerate(head, start):  # bold, a person link, an italic note in brackets: a label
        depth += (ch == "(") - (ch == ")")
        bits = b.flags(k)
        any_strong = any_strong or bool(bits & STRONG)
        if not (ch.isspace() or bits or depth > 0 or ch in "()"):
            return None
    if not (any_strong or b.flags(colon) & STRONG):
        return None
    m = _LABEL_NAME.match(speaker_key_text(head))
    if not m or not any(ch.isalpha() for ch in m.group("name")):
        return None
    name = m.group("name").strip(" .,;-–—")
    low = name.lower()
    role_word = ROLE_LABELS.get(low) or _PRESS_LABELS.get(low)
    if role_word is None and (word := generic_word(low)):  # "Remarks", "Response from the hall"
        role_word = ROLE_LABELS.get(word) or _PRESS_LABELS.get(word)
    if role_word is None and is_outlet(name):
        role_word = "press"
    if role_word is None and not _person_like(name) and not (single_word and is_single_name(name)):
        return None
    addressee, stage_note = paren_parts(m.group("paren"))
    speech = colon + 1
    while speech < len(text) and text[speech].isspace():
        speech += 1
    return HtmlLabel(" ".join(text[start:colon].split()), name, role_word, addressee, stage_note, speech)


def _person_like(name: str) -> bool:
    """A label naming a person, maybe after an office ("Research Director of ..., moderator Fyodor Lukyanov",
    "Commander of the 58th Army ... Anatoly Khrulyov") or with a trailing note ("Alisa Shmelyova, engineer")."""
    if len(name) > 220:
        return False
    if "," in name and (_bare_name(first := name.split(",")[0].strip()) or _office_and_name(name)):
        return True  # "Alisa Shmelyova, engineer", "Sports commentator Dmitry Guberniyev, ceremony moderator"
    if any(ch.isdigit() for ch in name):
        return is_name_like(name)
    who = person_in(re.sub(r"\([^()]*\)", " ", name))
    return bool(who) and (len(who.split()) >= 2 or name.split()[-1][:1].isupper() and len(name.split()) >= 2)


def _speaker(lab: HtmlLabel, doc: Document, known: set[str] = frozenset(),
             no_office: set[str] = frozenset()) -> tuple[str, str]:
    if lab.role_word:
        speaker = {"press": "Press", "moderator": "Moderator", "other": lab.name.title()}.get(lab.role_word,
                                                                                           lab.name.title())
        if lab.role_word == "official":
            speaker = doc.principal or "Answer"
        role = lab.role_word if lab.role_word in ("press", "moderator", "other") else "official"
        if lab.name.lower() in ("interpreter", "translator"):
            speaker = "Interpreter"
        elif lab.role_word == "press" and is_outlet(lab.name):
            speaker = lab.name
        elif lab.role_word == "other" and lab.name.lower() in ("speaker", "announcer"):
            speaker = "Announcer"
        return speaker, role
    speaker = _name_of(lab.name, known)
    by_label = label_role(re.sub(r"\s*\([^()]*\)", "", lab.name))
    if by_label in ("moderator", "press"):
        return speaker, by_label
    if speaker == doc.principal or by_label == "official":
        return speaker, "official"
    if by_label == "other" or speaker in no_office:  # the head of a company or a university, also when the
        return speaker, "other"                       # title names them
    if doc.title and speaker in doc.title:
        return speaker, "official"
    return speaker, "other"


_STOP_WORDS = {"ceo", "chairperson", "leader", "moderator", "presenter", "host", "anchor", "editor-in-chief",
               "speaker", "commissioner", "plenipotentiary", "coordinator", "rector", "founder", "member",
               "correspondent", "journalist", "archpriest", "metropolitan", "patriarch", "interpreter",
               "secretary-general", "director-general", "vice-president", "deputy-director"}


def _name_of(label_name: str, known: frozenset[str] | set[str] = frozenset()) -> str:
    """The person in a label: the short form the page uses elsewhere when there is one, else the
    capitalised words after the last word of office (at most two of them when an office precedes).

    >>> _name_of("President of Russia Vladimir Putin"), _name_of("Labour Minister MAXIM TOPILIN")
    ('Vladimir Putin', 'Maxim Topilin')
    >>> _name_of("President of Turkey Recep Tayyip Erdogan", {"Recep Tayyip Erdogan"})
    'Recep Tayyip Erdogan'
    >>> _name_of("Sergei Mironov, Leader of A Just Russia Faction in the State Duma")
    'Sergei Mironov'
    >>> _name_of("Research Director of the Valdai Club, moderator Fyodor Lukyanov")
    'Fyodor Lukyanov'
    >>> _name_of("Mohammed Sanusi Barkindo"), _name_of("Gazprom CEO Alexei Miller")
    ('Mohammed Sanusi Barkindo', 'Alexei Miller')
    """
    name = " ".join(label_name.split())
    if "," in name and _bare_name(first := name.split(",")[0].strip()):
        return _shout(first)
    if _office_and_name(name):  # "Sports commentator Dmitry Guberniyev, ceremony moderator"
        return _name_of(name.split(",")[0], known)
    for k in sorted(known, key=len, reverse=True):
        if name == k or name.endswith(" " + k):
            return k
    tokens: list[str] = []
    for tok in reversed(name.split()):
        low = tok.lower().strip(",")
        if not tok[:1].isupper() or low in TITLE_WORDS or low in _STOP_WORDS:
            break
        tokens.insert(0, tok.strip(","))
    if not tokens:
        return _shout(name)
    if len(tokens) > 2 and len(tokens) < len(name.split()) and not re.fullmatch(r"[A-Z]\.", tokens[-2]):
        tokens = tokens[-2:]
    return _shout(" ".join(tokens))


def _office_and_name(name: str) -> bool:
    """An office and a person's full name, then a role in lower case after a comma ("Sports commentator
    Dmitry Guberniyev, ceremony moderator"; not "Minister of Construction, Housing and Utilities Mikhail Men")."""
    if "," not in name:
        return False
    first, rest = name.split(",", 1)
    who = person_in(first.strip()) or ""
    return len(who.split()) >= 2 and not any(w[:1].isupper() for w in rest.split())


def _bare_name(name: str) -> bool:
    """Two to four capitalised words and nothing else: a person's name on its own."""
    tokens = name.split()
    return 2 <= len(tokens) <= 4 and all(t[:1].isupper() and t.lower() not in TITLE_WORDS | _STOP_WORDS
                                         for t in tokens)


def _shout(name: str) -> str:
    return name.title() if name.isupper() else name


def _principal(doc: Document, labels: list[HtmlLabel], lead: str = "", known: set[str] = frozenset(),
               sizes: dict[str, int] | None = None) -> str | None:
    """The event's main speaker: the President of Russia when labelled so, else the person the title or
    the lead names first, else the labelled speaker who says most (`sizes`), or is labelled most often."""
    named = [lab for lab in labels if not lab.role_word]
    for lab in named:
        if re.match(r"president of russia\b", lab.name.lower()):
            return _name_of(lab.name, known)
    # an interviewer or a moderator named in the lead is not the event's principal
    journalists = {_name_of(lab.name, known) for lab in named if label_role(lab.name) in ("press", "moderator")}
    named = [lab for lab in named if _name_of(lab.name, known) not in journalists]
    sizes = {k: v for k, v in (sizes or {}).items() if k not in journalists}
    for lab in named:
        if False:
            return _name_of(lab.name, known)
    speakers = {_name_of(lab.name, known) for lab in named}
    for text in (doc.title or "", lead):
        mentioned = [(text.find(who), who) for who in speakers if who in text]
        if mentioned:
            return min(mentioned)[1]
    if doc.title and (m := re.match(r"(?P<who>[A-Z][\w’'-]+(?: [A-Z][\w’'-]+){1,2})(?:’s|'s| met| answered| held| "
                                    r"took| spoke| visited| gave| made| had| chaired| attended)", doc.title)):
        return m.group("who")
    if sizes:
        return max(sizes, key=sizes.get)
    counts: dict[str, int] = {}
    for lab in named:
        who = _name_of(lab.name, known)
        counts[who] = counts.get(who, 0) + 1
    return max(counts, key=counts.get) if counts else None


# -- metadata ---------------------------------------------------------------------------------------

def _metadata(doc: Document, source: str) -> None:
    def first(pattern: str) -> str | None:
        m = re.search(pattern, source, re.S | re.I)
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", m.group(1))).split()) if m else None

    title = first(r"<h1[^>]*>(.*?)</h1>") or first(r"<meta property=\"og:title\" content=\"([^\"]*)\"") \
        or first(r"<title[^>]*>(.*?)</title>")
    if title:
        doc.title = re.sub(r"\s*[•|]\s*(President of Russia|The Ministry of Foreign Affairs.*)$", "", title)
        low = doc.title.lower()
        for kind in ("news conference", "press conference", "direct line", "interview", "plenary session",
                     "meeting", "talks", "address", "speech", "statement", "remarks", "briefing", "visit",
                     "answers to journalists", "answered journalists"):
            if kind in low:
                doc.event_type = "news conference" if kind.startswith("answer") else kind
                break
        if m := re.search(r"\b(?:with|to)\s+(?P<who>[^,.]+)$", doc.title):
            doc.counterpart = person_in(m.group("who"))
    date = first(r"<time[^>]*class=\"read__published\"[^>]*datetime=\"([\d-]+)\"") \
        or first(r"<meta itemprop=\"datePublished\" content=\"([\d-]+)\"")
    if date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        doc.event_date = date
        hhmm = first(r"<div class=\"read__time\">\s*(\d{1,2}:\d{2})\s*</div>")
        doc.published_at = f"{date}T{hhmm.zfill(5)}" if hhmm else date
    place = first(r"<div class=\"read__place[^\"]*\">(.*?)</div>")
    if place:
        doc.place = place
    url = first(r"<meta property=\"og:url\" content=\"([^\"]+)\"")
    if url:
        doc.source_url = url
