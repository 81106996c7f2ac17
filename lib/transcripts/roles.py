"""Roles that follow what people do, not only the word in their label.

Readers give each turn a first role from its label (`label_role`: `Question:` and news outlets are
press, "moderator" and "host" are moderators, an office is an official). `settle_roles` then looks at
the event and at who speaks after whom, and corrects what the label cannot tell:

- the kind of event (`event_kind`: press conference, interview, call-in show, forum, meeting);
- generic labels (`Remark:`, `Response:`, `Reply:`, `Question:`; also `Remarks:`, `Response from the
  hall:`) are journalists at press events and at talks between officials, participants (`other`) at
  meetings, forums and call-in shows with participants of their own; a `Reply:` to a question is the
  principal's;
- in an interview, the named person who alternates with the principal is the interviewer (`press`);
- a person who is not the principal, speaks through the whole event and asks or hands the floor to
  many others chairs it (`moderator`): forum moderators, the anchors of a call-in show, a press
  secretary giving the floor at a news conference; so does one who mostly hands the floor on in short
  turns ("Let's go to Zeke Miller at the AP"); but an office-holder whose turns are statements of their
  own, or anyone answering journalists at length, is no chair (an `official` who also gives the floor);
- the head of a company, a university or a union is no `official` by the label (`label_role`), the head
  of a state body is;
- in a call-in show, people who mostly talk to others than the principal and pass the floor are the
  broadcast's correspondents (`press`); callers stay `other`;
- at a news conference or a media forum, the named people who ask the principal are journalists (`press`);
- a named person answering journalists' questions is an `official`;
- `is_question` comes from the text as well as the role.

Every role changed here is a guess, and the document's `warnings` say so (who, which role, why).
"""
from __future__ import annotations

import re
from collections import Counter

from .labels import GENERIC_WORDS, generic_word, mentions_outlet, person_in
from .model import Document, Turn

#: Kinds of event, from the words of the title or event type (first match wins).
KINDS = (
    ("call-in show", r"\bdirect line\b|\bcall-in\b|\bphone-in\b|\bq ?& ?a with (?:the )?(?:public|citizens)\b"),
    ("interview", r"\binterview\b"),
    ("press conference", r"\bnews conference\b|\bpress conference\b|\bbriefing\b|\bpress (?:call|gaggle|approach|"
                         r"point|statement)s?\b|\bgaggle\b|\b(?:answers?|replies|responses?) to (?:journalists|"
                         r"media|the media|the press|questions)|\banswered (?:journalists|media|questions)|"
                         r"\bmedia questions\b|\bjournalists[’']? questions\b|\bmedia stakeout\b|\bmidday\b"),
    ("forum", r"\bforum\b|\bplenary\b|\bsession\b|\bpanel\b|\bsummit\b|\bcongress\b|\bconference\b|\bclub\b"),
    ("meeting", r"\bmeeting\b|\bmeets?\b|\bmet\b|\btalks\b|\bvisit\b|\bconversation\b|\bceremony\b|\bcouncil\b|"
                r"\binspection\b|\bvideoconference\b|\bvideo conference\b|\bphone call\b|\btelephone\b"),
)
#: Events where the people asking are journalists.
PRESS_KINDS = {"press conference", "interview"}
_MEDIA_EVENT = re.compile(r"\bmedia\b|\bjournalists?\b|\bpress\b|\bnewspapers?\b", re.I)
#: Words of a label that make its speaker a journalist, a moderator or an official.
_PRESS_WORDS = {"reporter", "correspondent", "journalist", "interviewer", "editor", "editor-in-chief", "columnist",
                "commentator", "blogger", "newscaster", "broadcaster", "observer"}
_MODERATOR_WORDS = {"moderator", "presenter", "host", "anchor", "co-host", "emcee"}
#: A chair of the session, not of an organisation ("session chair", "chair of the plenary session").
_SESSION_CHAIR = re.compile(r"\b(?:session|panel|plenary|meeting|discussion|debate|ceremony)\s+chair|\bchair(?:person|"
                            r"man|woman)?\s+of\s+the\s+(?:\w+\s+)?(?:session|panel|plenary|meeting|discussion|"
                            r"debate)\b|\bmaster of ceremonies\b", re.I)
#: Offices that make an official by themselves.
_GOVERNMENT_WORDS = {"minister", "ministry", "governor", "government", "duma", "senator", "ambassador",
                     "spokesperson", "spokesman", "spokeswoman", "parliament", "ombudsman", "ombudsperson",
                     "ombudswoman"}
#: Heads of something: an official when the something is a state body, not when it is a company.
_HEAD_WORDS = {"president", "chairman", "chairperson", "chairwoman", "chair", "co-chair", "co-chairperson",
               "director", "director-general", "ceo", "head", "chief", "founder", "co-founder", "partner", "rector",
               "manager", "executive", "owner", "proprietor"}
#: Heads that head a company or a university whatever the label says about it.
_BUSINESS_HEADS = {"ceo", "founder", "co-founder", "partner", "rector", "owner", "proprietor", "manager"}
#: Names of state bodies that hold a word of the other list ("Central Bank", "Accounts Chamber").
_STATE_PHRASE = re.compile(r"\b(?:central bank|bank of russia|national bank|reserve bank|federal reserve|accounts chamber|"
                           r"civic chamber|public chamber|state duma|state council|security council|federation council|"
                           r"(?:pension|investment|wealth|monetary|insurance|sovereign) fund)\b", re.I)
#: Words naming anything but a state body: a company (also a state-owned one), a bank, a university, an
#: institute, a hospital, an association, a union, a non-governmental organisation.
_NOT_STATE = re.compile(r"\b(?:compan(?:y|ies)|corporation|concern|works|plant|factory|shipyard|group|holding\w*|"
                        r"capital|partners|ventures|bank|university|institute|academy|school|college|hospital|clinic|"
                        r"centre|center|union|association|chamber|foundation|society|club|league|movement|campaign|"
                        r"public organi[sz]ation|non-governmental|cooperative|firm|inc|llc|ltd|jsc|pjsc|plc|railways|"
                        r"airlines)\b", re.I)
#: Words naming a state body (or a political party); a head of one is an official.
_STATE_BODY = re.compile(r"\b(?:ministry|minist(?:er|re)s?|government|federal|duma|parliament\w*|senate|congress|"
                         r"assembly|council|agency|service|committee|commission|administration|presidential|"
                         r"president's|executive office|white house|kremlin|treasury|region|regional|territory|"
                         r"republic|oblast|province|district|municipal\w*|mayor\w*|court|prosecutor\w*|police|army|"
                         r"navy|armed forces|guard|military|defen[cs]e|security|intelligence|customs|united nations|"
                         r"\bun\b|nato|opec|european union|european commission|party|faction|countries)\b", re.I)


_STRONG_OFFICE = {"minister", "ministry", "governor", "government", "duma", "senator", "senate", "ambassador",
                  "spokesperson", "spokesman", "spokeswoman", "secretary", "deputy", "president", "premier",
                  "chancellor", "mayor", "commissioner", "presidential", "prime", "parliament", "parliamentary",
                  "aide", "representative", "envoy", "consul", "general", "admiral", "officer", "official", "head",
                  "chairman", "director", "ceo", "chief", "king", "emir", "sheikh", "queen", "prince"}
_JOURNALIST_OFFICE = {"editor", "editor-in-chief", "correspondent", "reporter", "journalist", "presenter", "anchor",
                      "host", "interviewer", "columnist", "commentator", "broadcaster"}
#: What the broadcast's own people say when they hand over or go on air.
_FLOOR = re.compile(r"\b(?:you have the floor|the floor is yours|over to you|go ahead|your question|ask your question|"
                    r"you are on (?:the )?air|on air|call cent(?:re|er)|video call|camera crew|our crew|our colleagues?|"
                    r"direct line|we are (?:now )?(?:here )?(?:in|at|on)\b|let us (?:go|cross|turn)|let's (?:go|cross|"
                    r"turn)|introduce yourself|give the floor|pass the floor|next question|questions? from)", re.I)

#: A chair handing the floor on ("you have the floor", "next question", "let's go to Kaitlan Collins").
_GIVE_FLOOR = re.compile(r"\b(?:you have the floor|the floor is yours|(?:give|pass|hand) (?:you )?the floor|floor (?:goes|"
                         r"is given) to|next question|(?:first|next|last|final) question (?:goes|will go|is from|comes)|"
                         r"let(?:'s|’s| us) (?:go|turn|move) (?:on )?to|over to you|(?:hand|turn) it over to|"
                         r"introduce yourself)", re.I)


def event_kind(doc: Document) -> str | None:
    """The kind of event, from its type and title.

    >>> from transcripts.model import Document
    >>> d = Document("d", "x", "", "mid_text", "", title="Direct Line with Vladimir Putin")
    >>> event_kind(d), event_kind(Document("d", "x", "", "mid_text", "", title="Interview to Mir broadcasting company"))
    ('call-in show', 'interview')
    """
    text = " ".join(x for x in (doc.event_type, doc.title) if x).lower()
    for kind, pattern in KINDS:
        if re.search(pattern, text):
            return kind
    return None


def is_media_event(doc: Document) -> bool:
    """A forum or meeting of journalists ("Truth and Justice regional and local media forum")."""
    return bool(doc.title and _MEDIA_EVENT.search(doc.title))


def label_role(label_name: str) -> str | None:
    """The role a label's own words give its speaker, or None when they say nothing (`other` for the
    head of a company, a university or an association: the label says they hold no public office).

    >>> [label_role(x) for x in ["President of Interstate Television and Radio Company Mir Radik Batyrshin",
    ...   "Communications and Mass Media Minister Nikolai Nikiforov", "Research Director of the Valdai Club, moderator "
    ...   "Fyodor Lukyanov", "Anna Petrova, correspondent of Channel One", "Sergey Lavrov", "Gazprom CEO Alexei Miller"]]
    ['press', 'official', 'moderator', 'press', None, 'other']

    A head is an official when what they head is a state body (or a country), not a company:

    >>> [label_role(x) for x in ["Zaliv Shipyard General Director Igor Obrubov", "Rector of Moscow State University "
    ...   "Viktor Sadovnichy", "Director of the Federal Security Service Alexander Bortnikov", "President of Turkey Recep "
    ...   "Tayyip Erdogan", "Federation Council Chairperson Valentina Matviyenko", "Department Chair at Moscow State "
    ...   "University Olga Dontsova", "Human Rights Ombudsperson for the Komi Republic Olga Savastyanova"]]
    ['other', 'other', 'official', 'official', 'official', 'other', 'official']
    """
    name = " ".join(label_name.split())
    office = name
    if "," in name:
        first, rest = name.split(",", 1)
        office = rest if len(first.split()) <= 4 and person_in(first) == first.strip() else name
    else:
        tokens = name.split()
        who = person_in(name) or ""
        # the person is at most the last two or three capitalised words ("… Media Group Shen Haixiong")
        keep = min(len(who.split()), 3 if len(tokens) >= 3 and re.fullmatch(r"[A-Z]\.", tokens[-2]) else 2)
        if keep and len(tokens) > keep:
            office = " ".join(tokens[:-keep])
    words = set(re.findall(r"[a-z][a-z-]*", office.lower()))
    words |= {part for w in words if "-" in w and w not in ("editor-in-chief", "co-host") for part in w.split("-")}
    if words & _MODERATOR_WORDS or _SESSION_CHAIR.search(office):
        return "moderator"
    if words & _PRESS_WORDS:
        return "press"
    if words & _GOVERNMENT_WORDS:
        return "official"
    if mentions_outlet(office) and office.strip() != name.strip() or words & _JOURNALIST_OFFICE:
        return "press"
    if words & _HEAD_WORDS:
        # the head of a state body is an official; the head of a company, a university or a union is not
        if _STATE_PHRASE.search(office):
            return "official"
        if _NOT_STATE.search(office):
            return "other"
        if _STATE_BODY.search(office):
            return "official"
        return "other" if words & _BUSINESS_HEADS else "official"  # "Gazprom CEO"; "Chief of Staff", "President"
    if words & _STRONG_OFFICE:
        return "official"
    return None


# -- the event-level pass -----------------------------------------------------------------------

_ROLE_SPEAKERS = {"Press", "Moderator", "Narration", "Unknown speaker", "Answer", "Interpreter", "Operator",
                  "Audience member", "Participant"}
_QUESTION_LABELS = re.compile(r"^(?:q|question|questions|follow-up|follow up)\b", re.I)


def _text(doc: Document, turn: Turn) -> str:
    return " ".join(doc.text[a:b] for a, b in turn.pieces)


def _generic(turn: Turn) -> str | None:
    """The generic word of a label ("remark", "reply", "question"; also "Remarks", "Response from the
    hall"), or None for any other label."""
    word = re.sub(r"\s*\(.*$", "", turn.label or "").strip().lower()
    if word in GENERIC_WORDS | {"question", "q", "answer"}:
        return word
    return generic_word(word)


def settle_roles(doc: Document) -> None:
    """Correct the readers' roles by the kind of event and who speaks after whom; set `is_question`.

    Run after the reader (and `registry.harmonise`), before the speaker registry. Each change is
    noted in `doc.warnings` as a guess.
    """
    turns = doc.turns
    if not turns:
        return
    kind = event_kind(doc)
    media = is_media_event(doc)
    press_event = kind in PRESS_KINDS or (kind is None and not media)
    # Unnamed voices ("Question:", "Remark:") are journalists at press and media events, and at meetings of
    # officials only (talks between leaders); at a meeting, forum or call-in show with participants of
    # its own (named people holding no office: workers, residents, experts) they are participants.
    participants = any(t.role == "other" and t.speaker not in _ROLE_SPEAKERS and _generic(t) is None for t in turns)
    journalists = press_event or media or (kind != "call-in show" and not participants)
    speakers = {t.speaker for t in turns}
    principal = doc.principal if doc.principal in speakers else _most_frequent_official(turns) or doc.principal
    guesses: dict[tuple[str, str], str] = {}

    def guess(turn: Turn, role: str, why: str) -> None:
        if turn.role != role:
            guesses.setdefault((turn.speaker, role), why)
            turn.role = role

    # 1. generic labels, by the kind of event and the turn before
    for i, turn in enumerate(turns):
        word = _generic(turn)
        if word is None or turn.role == "narration":
            continue
        prev = turns[i - 1] if i else None
        if word in ("reply", "answer") and prev is not None and prev.role in ("press", "other") \
                and "?" in _text(doc, prev):
            # an answer to a question: the principal's (as the reader has it), or the one person it was put to
            if prev.addressee and "; " not in prev.addressee and prev.addressee in {t.speaker for t in turns}:
                guess(turn, "official", f"a “{turn.label}” to a question put to {prev.addressee}")
                turn.speaker = prev.addressee
            elif turn.speaker == "Answer" and principal:
                turn.speaker = principal
            continue
        if word in ("question", "q") and journalists:
            continue  # a question is a journalist's, except where the people asking are participants
        role = "press" if journalists else "other"
        if turn.speaker == "Answer" or word in ("reply", "answer"):
            turn.speaker = "Press" if role == "press" else "Participant"
        elif role == "other" and turn.speaker == "Press":
            turn.speaker = "Participant"
        guess(turn, role, f"a “{turn.label}” at a {kind or 'event'}")

    stats = _speaker_stats(doc, principal)
    n = len(turns)
    # 2. the person chairing the event, or interviewing its principal
    for who, s in stats.items():
        if who == principal or who in _ROLE_SPEAKERS:
            continue
        if s["press_label"]:  # a journalist by one label ("Mir TV's president Radik Batyrshin") is one throughout
            for t in s["turns"]:
                guess(t, "press", "labelled as a journalist elsewhere in the event")
            continue
        # chairs: through the event, handing the floor to many others, or asking most of the questions,
        # and seldom answering a journalist (an official who answers is no chair); an office-holder chairs
        # only when their turns are procedural (short), not statements of their own
        host = s["n"] >= max(3, 0.1 * n) and s["span"] >= 0.5 and s["answers"] <= 0.25 * s["n"] \
            and s["long_answers"] <= 0.1 * s["n"] and (s["role"] != "official" or s["median_words"] <= 40) and (
                s["dfol"] >= 3 or (s["q"] >= 0.3 and s["n"] >= max(5, 0.25 * n)))
        # ... or, with few turns, mostly hands the floor on in short turns and answers nobody at length
        hands_on = s["handovers"] >= 2 and s["handovers"] >= 0.5 * s["n"] and not s["long_answers"]
        if kind == "interview" and s["n"] >= 2 and (s["f_pr"] >= 0.5 or s["p_pr"] >= 0.5):
            for t in s["turns"]:
                guess(t, "press", "interviews the principal")
        elif (host or hands_on) and kind is not None and s["role"] in ("other", "official"):
            for t in s["turns"]:
                guess(t, "moderator", "chairs: hands the floor to others" if hands_on and not host
                      else "speaks through the event and hands the floor to others")
    # 3. call-in shows: the broadcast's correspondents
    if kind == "call-in show":
        for who, s in stats.items():
            if who == principal or who in _ROLE_SPEAKERS or s["turns"][0].role != "other":
                continue
            if s["f_pr"] <= 0.25 and s["dfol"] >= 1 and (s["q"] > 0 or s["dfol"] >= 2 or s["floor"]):
                for t in s["turns"]:
                    guess(t, "press", "a correspondent of the broadcast (hands over to callers)")
    # 4. news conferences and media forums: the named people who ask the principal are journalists
    if kind == "press conference" or media and kind in ("forum", "meeting", None):
        for who, s in stats.items():
            if who == principal or who in _ROLE_SPEAKERS or s["turns"][0].role != "other":
                continue
            if (s["q"] > 0 or s["f_pr"] >= 0.5) and not s["answers"]:  # who answers journalists is no journalist
                for t in s["turns"]:
                    guess(t, "press", "asks the principal at a news conference or media forum")
    # 5. a named person answering journalists is an official
    if press_event:
        for i, turn in enumerate(turns[1:], 1):
            prev = turns[i - 1]
            if turn.role == "other" and turn.speaker not in _ROLE_SPEAKERS and prev.role == "press" \
                    and turn.speaker != principal:
                for t in stats.get(turn.speaker, {"turns": [turn]})["turns"]:
                    if t.role == "other":
                        guess(t, "official", "answers journalists' questions")
    # 6. one role per person in the event: a person's `other` turns take the role the rest of them has
    for who, s in _speaker_stats(doc, principal).items():
        kinds = Counter(t.role for t in s["turns"] if t.role not in ("other", "narration"))
        if kinds and who not in _ROLE_SPEAKERS and any(t.role == "other" for t in s["turns"]):
            role = kinds.most_common(1)[0][0]
            for t in s["turns"]:
                if t.role == "other":
                    guess(t, role, "the role the same person has in the rest of the event")
    _set_questions(doc)
    if guesses:
        shown = [f"{who} → {role} ({why})" for (who, role), why in list(guesses.items())[:8]]
        more = f" and {len(guesses) - 8} more" if len(guesses) > 8 else ""
        doc.warnings.append("roles guessed from what people do: " + "; ".join(shown) + more)


def _most_frequent_official(turns: list[Turn]) -> str | None:
    counts = Counter(t.speaker for t in turns if t.role == "official" and t.speaker not in _ROLE_SPEAKERS)
    return counts.most_common(1)[0][0] if counts else None


def _speaker_stats(doc: Document, principal: str | None) -> dict[str, dict]:
    """Per speaker: turns, the share followed / preceded by the principal, distinct others after them,
    the share holding a question mark, the span of the event they cover, floor-passing words, the turns
    right after a journalist's (answers; long answers: 40 words or more), the median words of a turn."""
    turns = doc.turns
    n = len(turns)
    out: dict[str, dict] = {}
    for i, t in enumerate(turns):
        s = out.setdefault(t.speaker, dict(turns=[], idx=[], fol=[], prev=[], q=0, floor=False,
                                           role=t.role, press_label=False, answers=0, long_answers=0, words=[],
                                           handovers=0))
        s["turns"].append(t)
        s["idx"].append(i)
        text = _text(doc, t)
        s["words"].append(len(text.split()))
        s["handovers"] += s["words"][-1] <= 40 and bool(_GIVE_FLOOR.search(text))
        s["q"] += "?" in text
        s["floor"] = s["floor"] or bool(_FLOOR.search(text))
        s["press_label"] = s["press_label"] or (t.role == "press" and _generic(t) is None)
        if i + 1 < n:
            s["fol"].append(turns[i + 1].speaker)
        if i:
            s["prev"].append(turns[i - 1].speaker)
            answers = turns[i - 1].role == "press" and turns[i - 1].speaker != t.speaker
            s["answers"] += answers
            s["long_answers"] += answers and s["words"][-1] >= 40
    for who, s in out.items():
        k = len(s["idx"])
        s["n"] = k
        s["q"] = s["q"] / k
        s["median_words"] = sorted(s["words"])[k // 2]
        s["span"] = (s["idx"][-1] - s["idx"][0]) / n if n else 0
        s["dfol"] = len(set(s["fol"]) - {principal, who})
        s["f_pr"] = sum(f == principal for f in s["fol"]) / max(1, len(s["fol"]))
        s["p_pr"] = sum(p == principal for p in s["prev"]) / max(1, len(s["prev"]))
    return out


def _set_questions(doc: Document) -> None:
    """A journalist's turn is a question when it asks (a "?") or is labelled as one; anyone else's
    (a caller, a moderator) when it asks and an official or the principal speaks next."""
    turns = doc.turns
    for i, t in enumerate(turns):
        if t.is_question is not None and t.stage_note == "continued after page furniture":
            continue
        text = _text(doc, t)
        asks = "?" in text
        if t.role == "press":
            t.is_question = asks or bool(_QUESTION_LABELS.match(t.label or "")) or (t.label or "") == "Q"
        elif t.role in ("other", "moderator"):
            nxt = turns[i + 1] if i + 1 < len(turns) else None
            t.is_question = asks and nxt is not None and nxt.role == "official"
        else:
            t.is_question = False


def guess_table_roles(doc: Document) -> None:
    """Roles for the rows of a turns table that had none (no `role` column, or an empty cell): role words
    and news outlets in the speaker's name ("Reporter (NHK)", "Asahi Shimbun", "Moderator"), else an
    official; noted in the warnings."""
    from .labels import ROLE_LABELS, is_outlet

    guessed: dict[str, str] = {}
    for turn in doc.turns:
        if turn.role is not None:
            continue
        name = turn.speaker
        bare = re.sub(r"\s*\(.*\)\s*$", "", turn.label or name).strip().lower()
        word = ROLE_LABELS.get(bare)
        if bare == "narration" or name == "Narration":
            role = "narration"
        elif name in ("Press", "Moderator", "Interpreter"):
            role = {"Press": "press", "Moderator": "moderator", "Interpreter": "other"}[name]
        elif word in ("press", "moderator", "other"):
            role = word
        elif is_outlet(name) or is_outlet(bare):
            role = "press"
        else:
            role = label_role(name) or "official"
        turn.role = role
        guessed.setdefault(name, role)
    if guessed:
        if doc.principal is None:
            doc.principal = _most_frequent_official(doc.turns)
        shown = ", ".join(f"{who} → {role}" for who, role in list(guessed.items())[:8])
        more = f" and {len(guessed) - 8} more" if len(guessed) > 8 else ""
        doc.warnings.append(f"no role column: roles guessed from the speakers' names: {shown}{more}")
