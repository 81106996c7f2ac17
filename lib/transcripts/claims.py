"""Claims: typed, attributed, scored statements pulled out of every sentence, and a ledger of them.

A sentence can carry several claim types: `numeric`, `factual`, `position`, `proposal`,
`commitment`, `denial`, `accusation`, `agreement`; or be `procedural` (the conduct of the event:
turn-taking, thanks, "I'll come back to you"), which is nothing else and is kept out of the ledger and
the headline counts. Types come from cue patterns in an editable rules file
(`resources/claim_rules.yaml`; its header explains the format), not from code. Each claim has the
speaker and their side (from who speaks: see `transcripts.sides`), the actor it commits or describes
(with "we"/"our" resolved to the speaker's side), the target when named, hedge and booster markers,
the sentence's check-worthiness (a trained ranker: `transcripts.checkworthiness`), provenance
(doc_id, turn_index, sentence_index, char_start, char_end) and the cue that fired.

    claims = extract_claims(tables)              # one row per claim and type
    scores = score_sentences(tables)             # check-worthiness of every sentence
    ledger = claim_ledger(claims)                # proposals, commitments, denials, restatements grouped
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from .claim_rules import CLAIM_TYPES, LABEL_TYPES, RULES_FILE, Rules, compile_rules, load_rules  # noqa: F401
from .clean import count_words
from .errors import TranscriptError
from .paths import resolve
from .prefilter import fold, required_literals
from .quantities import parse_quantities

LEDGER_TYPES = ("proposal", "commitment", "denial")
TYPE_ORDER = ("procedural",) + CLAIM_TYPES  # procedural first: it excludes the others
# types a factual clause may stand beside when its assertion verb is not their cue
_FACTUAL_BESIDE = frozenset({"proposal", "accusation"})

_SELF_MENTION = re.compile(r"(?<![\w’'])(?:[Ww]e|[Oo]urs?|us|I|[Mm]y|[Oo]urselves)(?![\w’'])")
_PRONOUN_OTHER = re.compile(r"(?<![\w’'])(?:[Hh]e|[Ss]he|[Tt]hey|[Hh]is|[Hh]er|[Tt]heir|[Hh]im|[Tt]hem)(?![\w’'])")
_NAME = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]+(?:[ -][A-Z][a-z]+)+|^[A-Z][a-z]+ [A-Z][a-z]+(?= [a-z])")
_COMPARISON = re.compile(r"\b(?:more|fewer|less|higher|lower|increase[ds]?|decrease[ds]?|rise|rose|fell|fall|grew|"
                         r"growth|drop(?:ped)?|than|doubled?|tripled?|halved)\b", re.I)
# a clause ends at ; : — – ( ) or before a comma and a conjunction
_CLAUSE_BREAK = re.compile(r"[;:—–()]|\s-\s|,\s+(?=(?:but|and|while|whereas|although|though|because|so|which|as|when|"
                           r"where|since|if|unless)\b)|\s(?=but\b)", re.I)
_NEGATION = re.compile(r"(?<![\w'])(?:not|never|no|n't|nobody|nothing|neither|nor|without|hardly)(?![\w'])", re.I)
_REPORTING = re.compile(r"(?<![\w'])(?P<subj>[\w'.]+)\s+(?:(?:also|just|has|have|had|already|then|now|repeatedly|"
                        r"publicly|officially|recently|today|yesterday)\s+){0,2}(?:say|says|said|saying|claim|claims|"
                        r"claimed|claiming|argue|argues|argued|allege|alleges|alleged|told|tells|insist|insists|"
                        r"insisted|report|reports|reported|write|writes|wrote|suggests|suggested|assess|assesses|assessed|"
                        r"conclude|concludes|concluded)(?![\w'])|"
                        r"\baccording to\b", re.I)
_REPORTING_NEEDS = sorted(required_literals(_REPORTING) or [""])
_SELF_WORDS = frozenset({"i", "we", "me", "us"})
_POSSESSIVE = frozenset({"his", "her", "their", "them", "him"})
_YOU = re.compile(r"(?<![\w'])you(?![\w'])(?!\s+(?:know|see|guys|all|mean)\b)", re.I)
_POINTS_AFTER = re.compile(r"\s+(?:that|which|by|of|against)\s", re.I)
# words before a verb of saying that make it no report of someone else's words
_NOT_REPORTERS = _SELF_WORDS | {"let", "would", "will", "to", "can", "could", "should", "might", "must", "who", "what",
                                "which", "that", "shall", "may", "these", "those", "the", "a", "an", "such", "media", "news",
                                "their", "our", "his", "her", "its", "press", "my", "your", "of", "and", "in", "on"}
_QUESTION_START = re.compile(r"^(?:(?:and|so|but|also|then|okay|ok|now|just)[,\s]+){0,3}(?:if\s+you\s+(?:all\s+)?(?:can|could)\s+"
                             r"(?:give|provide|tell|share|say|talk|explain|walk|speak|invite)|(?:can|could|would|will)\s+"
                             r"(?:we|you)\s+(?:tell|give|say|explain|confirm|talk|speak|walk|share|re-up|repeat)|i\s+(?:just\s+)?(?:want|wanted|"
                             r"would\s+like)\s+to\s+(?:know|get\s+a\s+sense|understand)\s+(?:of\s+)?(?:when|why|how|what|whether|if|who))\b",
                             re.I)


# --------------------------------------------------------------------------- sentence level

@dataclass
class Mention:
    """A party named in a sentence: an actor from the rules, "we"/"our", a pronoun or a capitalised name."""

    text: str
    start: int
    actor: str
    side: str
    kind: str  # actor | self | pronoun | name


def mentions(text: str, rules: Rules, speaker_side: str = "") -> list[Mention]:
    """Parties named in `text`, in order; "we"/"our" resolve to `speaker_side`.

    >>> [(m.text, m.actor, m.side) for m in mentions("We told Washington and Mr Lee.", load_rules(), "Russia")]
    [('We', 'Russia', 'Russia'), ('Washington', 'United States', 'United States'), ('Mr Lee', 'Mr Lee', '')]
    """
    found: list[Mention] = []
    spans: list[tuple[int, int]] = []
    for m in rules.actors.finditer(text):
        alias = re.sub(r"\s+", " ", m.group(0))
        actor, side = rules.actor_index.get(alias, rules.actor_index.get(alias.replace("'", "’"), (alias, alias)))
        found.append(Mention(m.group(0), m.start(), actor, side, "actor"))
        spans.append(m.span())
    for m in _NAME.finditer(text):
        if all(m.end() <= a or m.start() >= b for a, b in spans):
            found.append(Mention(m.group(0), m.start(), m.group(0), "", "name"))
            spans.append(m.span())
    for m in _SELF_MENTION.finditer(text):
        if m.group(0) == "us" and text[max(0, m.start() - 4):m.start()].lower().endswith("let "):
            continue
        found.append(Mention(m.group(0), m.start(), speaker_side or "we", speaker_side, "self"))
    for m in _PRONOUN_OTHER.finditer(text):
        found.append(Mention(m.group(0), m.start(), m.group(0).lower(), "", "pronoun"))
    return sorted(found, key=lambda x: x.start)


@dataclass
class Hit:
    """One claim type found in a sentence, with the cue that fired and its span in the sentence."""

    claim_type: str
    cue: str
    start: int
    end: int


def _candidates(rules: Rules, ctype: str, text: str, runs: int):
    """The matches of a type's cues, pattern by pattern in the order of the rules file, lazily (a type is
    settled by its first acceptable match, and most patterns need not run then); `runs` says which
    patterns can match at all (`Rules.runnable`)."""
    for pat in rules.plan("cue", ctype, runs):
        yield from pat.finditer(text)


def _vetoed(rules: Rules, ctype: str, text: str, runs: int) -> bool:
    for pat in rules.plan("unless", ctype, runs):
        if pat.search(text):
            return True
    return False


def clause_span(text: str, pos: int) -> tuple[int, int]:
    """The clause of `text` around position `pos`: between the nearest breaks (; : dashes, brackets, or a
    comma before a conjunction) on either side.

    >>> t = "Trade grew, but we think it will fall."
    >>> t[slice(*clause_span(t, 20))]
    'but we think it will fall.'
    """
    start, end = 0, len(text)
    for m in _CLAUSE_BREAK.finditer(text):
        if m.end() <= pos:
            start = m.end()
        elif m.start() >= pos:
            end = m.start()
            break
    return start, end


def _negated(text: str, m: re.Match) -> bool:
    """A negation in the cue's clause before it: "is not going to be attacked", "has never threatened"."""
    start, _ = clause_span(text, m.start())
    return bool(_NEGATION.search(text, max(start, m.start() - 40), m.start()))


def _reporter(text: str, end: int | None = None) -> re.Match | None:
    """The first verb of saying with a subject other than I/we ("doctors say", "he claims", "according to"),
    before `end`."""
    folded = fold(text)
    if not any(w in folded for w in _REPORTING_NEEDS):  # (a match needs one of these words)
        return None
    for m in _REPORTING.finditer(text, 0, len(text) if end is None else end):
        subj = re.sub(r"'(?:ve|d|ll|s|re|m)$", "", (m.group("subj") or "").lower())
        if m.group("subj") is None or subj not in _NOT_REPORTERS:
            return m
    return None


def _reported(text: str, pos: int) -> bool:
    """The position lies in reported speech: a verb of saying with a subject other than I/we before it."""
    return _reporter(text, pos) is not None


def _quoted(text: str, pos: int) -> bool:
    """The position lies inside quotation marks (or before the closing mark of a quotation the sentence
    continues from the sentence before)."""
    before = text[:pos]
    if before.count("“") > before.count("”") or before.count('"') % 2 == 1:
        return True
    return "”" in text[pos:] and "“" not in text[:text.index("”", pos)]


def _subject(parties: list[Mention], text: str, m: re.Match) -> Mention | None:
    """The party just before the cue in its clause (its subject: not a possessive "his", "their"), "you",
    or, when none is named before it, one named just after it ("aggression that Russia has put on",
    "committed by the Eritreans")."""
    start, end = clause_span(text, m.start())
    before = [p for p in parties if start <= p.start < m.start() and p.kind in {"actor", "self", "pronoun", "name"}
              and p.text.lower() not in _POSSESSIVE]
    you = [y.start() for y in _YOU.finditer(text, start, m.start())]
    if you and (not before or you[-1] > before[-1].start):
        return Mention("you", you[-1], "you", "", "pronoun")
    points_after = bool(re.search(r"\s(?:of|by)$", m.group(0))) or bool(_POINTS_AFTER.match(text, m.end()))
    if before and not re.search(r"\s(?:of|by)$", m.group(0)):  # "consequences of X", "killed by X": X after
        return before[-1]
    if not points_after:
        return None
    after = [p for p in parties if m.end() <= p.start < min(end, m.end() + 40) and p.kind == "actor"]
    return after[0] if after else None


def _is_other(m: Mention | None, speaker_side: str) -> bool:
    if m is None or m.kind == "self":
        return False
    if m.kind in {"pronoun", "name"}:
        return True
    return not speaker_side or m.side != speaker_side


def _is_own(rules: Rules, m: re.Match, parties: list[Mention], speaker_side: str, role: str) -> bool:
    """The cue's subject is the speaker's side: "we"/"I", one's own actor, or a subject speaking for a side
    ("the President", "the administration") when an official speaks."""
    head = m.group(0)
    if re.match(r"(?i)(?:we|i|our side|the russian side|my country|our country|our government)\b", head):
        return True
    actor = next((p for p in parties if p.start == m.start() and p.kind == "actor"), None)
    if actor is None and re.match(r"(?i)(?:readiness|willingness|determination)\b", head):
        # a noun's possessor is its subject: "our readiness to", "Russia's readiness to"
        actor = next((p for p in reversed(parties) if m.start() - 16 <= p.start < m.start()
                      and p.kind in {"actor", "self"}), None)
        if actor is not None and actor.kind == "self":
            return True
    if actor is not None:
        return bool(speaker_side) and actor.side == speaker_side
    return bool(rules.own_subject.match(head)) and (bool(speaker_side) or role in {"official", "moderator"})


# verbs and words too light to be the object of a promise ("we'll get there", "we're going to do that")
_LIGHT = frozenset({"do", "done", "doing", "does", "did", "make", "made", "get", "getting", "got", "be", "been", "being",
                    "have", "has", "go", "going", "continue", "continuing", "keep", "keeping", "happen", "stay", "try",
                    "trying", "work", "working", "see", "look", "looking", "take", "come", "put", "let", "sure", "that",
                    "this", "it", "there", "here", "so", "what", "very", "carefully", "closely", "really", "more", "all",
                    "everything", "anything", "something", "things", "thing", "same", "way", "well", "back", "up", "out",
                    "on", "just", "again", "also", "now", "today", "them", "him", "her", "us", "you", "these", "those",
                    "to", "the", "a", "an", "of", "and", "in", "for", "with", "at", "we", "i", "our", "my", "its",
                    "their", "your", "not", "never", "always", "obviously", "certainly", "clear", "sure", "able", "be",
                    "pushing", "push", "press", "pressing", "focused", "focus", "monitor", "monitoring", "follow",
                    "wrap", "wrapping", "start", "starting", "move", "moving", "jump", "like", "can", "will", "would",
                    "forward", "around", "beyond", "call", "out", "into", "mindful", "careful", "cautious", "whole",
                    "after", "before", "respect", "watching", "watch", "happen", "conversation", "conversations",
                    "share", "sharing", "thinking", "assess", "assessing", "review", "reviewing", "evaluate",
                    "consider", "considering", "briefing", "bit", "little", "happens", "situation", "engaged"})


def _has_object(text: str, m: re.Match) -> bool:
    """Some content word from the cue's verb to the end of its clause: "we will send troops" has one,
    "we'll get there", "we're going to continue to do that" have none."""
    verb = re.findall(r"[a-z]+(?:'[a-z]+)?", m.group(0).lower())[-1:]
    _, end = clause_span(text, m.end())
    rest = verb + re.findall(r"[a-z]+(?:'[a-z]+)?", text[m.end():end].lower())
    return any(w not in _LIGHT and "'" not in w and len(w) > 2 for w in rest)


def is_question(text: str) -> bool:
    """A question carries no claim: it ends with "?" (before closing quotes or brackets), or asks for
    something ("If you could give ...", "Can you tell us ...").

    >>> is_question("Will it be renewed?"), is_question("If you could give the status of the talks."), is_question("We agreed.")
    (True, True, False)
    """
    return text.rstrip(" ”\"')]—–-").endswith("?") or bool(_QUESTION_START.match(text))


def _courtesy_only(rules: Rules, text: str) -> bool:
    """A short sentence made only of courtesy words and names ("Thank you.", "Go ahead.", "Zeke Miller, AP.")."""
    words = re.findall(r"[A-Za-z][\w'.-]*", text)
    if not words or len(words) > rules.procedural_short_words:
        return False
    for w in words:
        lw = w.lower().strip(".")
        if lw in rules.courtesy_words:
            continue
        if w[0].isupper() and lw not in {"i", "we", "it", "this", "that", "they"}:  # a name
            continue
        return False
    return True


def classify(text: str, rules: Rules | None = None, *, speaker_side: str = "", role: str = "") -> list[Hit]:
    """Claim types of one sentence (questions carry none; a procedural sentence carries only
    `procedural`), each with its cue.

    >>> [(h.claim_type, h.cue) for h in classify("This proposal remains on the table.")]
    [('proposal', 'remains on the table')]
    >>> [h.claim_type for h in classify("We have not seen any evidence to back these claims.")]
    ['denial']
    >>> [h.claim_type for h in classify("Let's take a few questions.")], classify("Will it be renewed?")
    (['procedural'], [])
    """
    rules = rules or load_rules()
    text = " ".join(text.split())
    if not text or is_question(text):
        return []
    norm = text.replace("’", "'").replace("‘", "'")  # same length: spans index `text` too
    runs = rules.runnable(fold(norm))
    if _courtesy_only(rules, norm):
        return [Hit("procedural", text, 0, len(text))]
    hits: list[Hit] = []
    parties: list[Mention] | None = None
    for ctype in TYPE_ORDER:
        if ctype == "factual" or (ctype != "numeric" and not runs & rules.masks.get(("cue", ctype), 0)):
            continue  # (factual comes last; a type none of whose cues can match has no candidate)
        if _vetoed(rules, ctype, norm, runs):
            continue
        if ctype == "numeric":
            q = next((q for q in parse_quantities(text) if is_numeric_claim(q)), None)
            m = min(_candidates(rules, ctype, norm, runs), key=lambda x: x.start(), default=None)
            if q is not None and (m is None or q.start < m.start()):
                hits.append(Hit("numeric", q.text, q.start, q.end))
            elif m is not None:
                hits.append(Hit("numeric", text[m.start():m.end()], m.start(), m.end()))
            continue
        negation, not_reported, not_quoted, needs_object, other_actor, own_actor = rules.type_options(ctype)
        for m in _candidates(rules, ctype, norm, runs):
            if negation and _negated(norm, m):
                continue
            if not_reported and _reported(norm, m.start()):
                continue
            if not_quoted and _quoted(text, m.start()):
                continue
            if needs_object and not _has_object(norm, m):
                continue
            if other_actor or own_actor:
                parties = parties if parties is not None else mentions(norm, rules, speaker_side)
                if other_actor and not _is_other(_subject(parties, norm, m), speaker_side):
                    continue
                if own_actor and not _is_own(rules, m, parties, speaker_side, role):
                    continue
            hits.append(Hit(ctype, text[m.start():m.end()], m.start(), m.end()))
            break
        if ctype == "procedural" and hits:
            return hits
    fact = _factual(rules, text, norm, runs, hits)
    if fact is not None:
        hits.append(fact)
    return hits


def _factual(rules: Rules, text: str, norm: str, runs: int, hits: list[Hit]) -> Hit | None:
    """The factual hit of a sentence: reported speech ("X said that ..."), or an assertion verb in a clause
    free of opinion and evaluative words with no modal before it, when the other types found allow it
    (`allow_with`; a position in another clause; an agreement, proposal or denial whose cue is not the
    assertion verb itself)."""
    if count_words(text) < rules.factual_min_words:
        return None
    spans = [(h.start, h.end) for h in hits if h.claim_type in _FACTUAL_BESIDE]
    if {h.claim_type for h in hits} - rules.factual_allow_with - _FACTUAL_BESIDE:
        return None
    reported = _reporter(norm)
    if reported and not any(a <= reported.start() < b for a, b in spans):
        return Hit("factual", text[reported.start():reported.end()], reported.start(), reported.end())
    positions = [clause_span(norm, h.start) for h in hits if h.claim_type == "position"]
    for m in _candidates(rules, "factual", norm, runs):
        if any(m.start() < b and m.end() > a for a, b in spans):  # the assertion verb is the other type's cue
            continue
        start, end = clause_span(norm, m.start())
        if (start, end) in positions:
            continue
        clause = norm[start:end]
        if _vetoed(rules, "factual", clause, runs):  # the sentence's words: a superset of the clause's
            continue
        if any(p.search(norm, start, m.start()) for p in rules.factual_unless_before):
            continue
        return Hit("factual", text[m.start():m.end()], m.start(), m.end())
    return None


def is_numeric_claim(q) -> bool:
    """A quantity that makes a numeric claim: money, a percentage, a ratio, a duration (time references
    are dates), or a count of named things or of at least a thousand (not a bare small number)."""
    if q.kind in {"money", "percent", "ratio", "duration"}:
        return True
    if q.kind == "count":
        return bool(q.unit) or (q.normalized_value or 0) >= 1000 or bool(q.comparison)
    return False


def markers(text: str, rules: Rules | None = None) -> tuple[list[str], list[str]]:
    """Hedges and boosters found in `text` (each phrase once, in the order of the rules file).

    >>> markers("It may well be that he was probably advised, of course.")
    (['probably', 'it may well be'], ['of course'])
    """
    rules = rules or load_rules()
    folded = fold(text)
    hedges = _without_overlaps(text, rules.hedge_plan, folded)
    boosters = _without_overlaps(text, rules.booster_plan, folded)
    return hedges, boosters


def _without_overlaps(text: str, plan, folded: str) -> list[str]:
    """Phrases found in `text`, longer phrases first where two overlap, in the order of the rules file."""
    spans: list[tuple[int, int, str]] = []
    for name, pat, last in plan.tries:
        if last not in folded:  # cheap test before the regular expression: its last word must be there
            continue
        for m in pat.finditer(text):
            if all(m.end() <= a or m.start() >= b for a, b, _ in spans):
                spans.append((m.start(), m.end(), name))
    if not spans:
        return []
    return sorted({name for _, _, name in spans}, key=plan.order.get)


def certainty(hedges: list[str], boosters: list[str]) -> str:
    """'hedged', 'boosted', 'mixed' or 'plain'.

    >>> certainty(["probably"], []), certainty([], []), certainty(["may"], ["clearly"])
    ('hedged', 'plain', 'mixed')
    """
    return {(True, False): "hedged", (False, True): "boosted", (True, True): "mixed"}.get(
        (bool(hedges), bool(boosters)), "plain")


def speaker_side(speaker: str | None, role: str | None, fmt: str | None, rules: Rules | None = None, *,
                 affiliation: str | None = None, label: str | None = None, title: str | None = None) -> str:
    """The side "we" refers to for a speaker, from who speaks (see `transcripts.sides.resolve_side`);
    "" when unknown.

    >>> speaker_side("Sergey Lavrov", "official", "mid_text"), speaker_side("Press", "press", "mid_text")
    ('Russia', '')
    """
    from .sides import resolve_side
    return resolve_side(speaker, role, fmt, rules or load_rules(), affiliation=affiliation, label=label,
                        title=title)[0]


def side_table(tables: dict[str, pd.DataFrame], rules: Rules | None = None) -> pd.DataFrame:
    """The side of every turn's speaker: doc_id, turn_index, side, side_source (see `transcripts.sides`)."""
    from .sides import side_table as _side_table
    return _side_table(tables, rules or load_rules())


# --------------------------------------------------------------------------- tables

CLAIM_COLUMNS = ["doc_id", "turn_index", "sentence_index", "speaker", "role", "speaker_side", "side_source",
                 "claim_type", "text", "char_start", "char_end", "cue", "cue_start", "cue_end", "type_probability", "actor",
                 "actor_mention", "actor_side", "target", "hedges", "boosters", "certainty", "has_quantity",
                 "checkworthiness", "event_date", "title"]


def _actor_and_target(ctype: str, hit: Hit, parties: list[Mention], side: str, speaker: str) -> tuple[str, str, str, str]:
    """(actor, actor_mention, actor_side, target) of one claim."""
    pick = None
    if ctype in {"accusation", "denial", "procedural"}:
        actor, mention, a_side = side or speaker, "", side
    else:
        before = [p for p in parties if p.start <= hit.start and p.kind in {"actor", "self"}]
        anywhere = [p for p in parties if p.kind in {"actor", "self"}]
        pick = before[-1] if before else (anywhere[0] if ctype in {"factual", "numeric", "position"} and anywhere else None)
        if pick is None:
            actor, mention, a_side = side or speaker, "", side
        else:
            actor, mention, a_side = pick.actor, pick.text, pick.side
    if pick is not None and pick.kind == "self" and not a_side:
        actor = "we (side unknown)"
    others = [p for p in parties if p.kind != "self" and (not a_side or p.side != a_side) and p.actor != actor]
    if ctype == "accusation":
        near = [p for p in others if p.start <= hit.start]
        target = (near[-1] if near else others[0]).actor if others else ""
    else:
        after = [p for p in others if p.start >= hit.start and p.kind == "actor"]
        named = after or [p for p in others if p.kind == "actor"]
        target = named[0].actor if named else ""
    return actor, mention, a_side, target


def extract_claims(tables: dict[str, pd.DataFrame], rules: Rules | None = None, *, progress: bool = True,
                   cache_dir: str | Path | None = None, workers: int | None = None,
                   encoder: str | bool = "auto") -> pd.DataFrame:
    """Every claim in every sentence: one row per sentence and claim type (CLAIM_COLUMNS), procedural
    sentences included (claim_type `procedural`; `substantive(claims)` leaves them out).

    Sentences with no claim type have no row. `cue_start`/`cue_end` index the sentence `text`;
    `speaker_side` and `side_source` say whose side the speaker speaks for and how that was found;
    `checkworthiness` is the sentence's score from the trained ranker (`score_sentences`).
    Documents are analysed apart, on every core (`workers`), and with `cache_dir` (the build's
    `.cache` folder) each document's claims and scores are kept until it, the rules file, the ranker's
    model file or this code changes (see `transcripts.percache`).

    `encoder`: whether the type model also reads each sentence's meaning with the sentence encoder
    (`transcripts.claim_model`, `transcripts.encoder`): True/False, or "on", "off", "auto" (on up to
    `claim_model.ENCODER_AUTO_LIMIT` sentences in `tables`; `claim_model.use_encoder`).
    """
    return claims_and_scores(tables, rules, progress=progress, cache_dir=cache_dir, workers=workers, encoder=encoder)[0]


def claims_and_scores(tables: dict[str, pd.DataFrame], rules: Rules | None = None, *, progress: bool = True,
                      cache_dir: str | Path | None = None, workers: int | None = None,
                      encoder: str | bool = "auto") -> tuple[pd.DataFrame, pd.DataFrame]:
    """`extract_claims(tables)` and `score_sentences(tables)` in one pass over the sentences: each sentence is
    classified and scored together, and what both need (its quantities, hedges and boosters) is found once.
    """
    rules = rules or load_rules()
    sents = sided_sentences(tables, side_table(tables, rules))
    df, scores = claims_of_sentences(sents, rules, progress=progress, cache_dir=cache_dir, workers=workers,
                                     encoder=resolve_encoder(encoder, len(sents)))
    _remember_scores(tables, df, rules, scores)
    return df, scores


def sided_sentences(tables: dict[str, pd.DataFrame], sides: pd.DataFrame) -> pd.DataFrame:
    """`sentence_frame(tables)` with each sentence's turn's side (`side_table`: of these tables, or of the whole
    corpus when `tables` hold a group of its documents)."""
    return sentence_frame(tables).merge(sides, on=["doc_id", "turn_index"], how="left")


def claims_of_sentences(sents: pd.DataFrame, rules: Rules, *, progress: bool = True,
                        cache_dir: str | Path | None = None, workers: int | None = None,
                        prune: bool = True, encoder: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The claims and scores of `claims_and_scores` from `sided_sentences` (whole documents; `prune`: as
    `percache.per_document`'s, False when the corpus comes a group of documents at a time; `encoder`: decided
    for the whole corpus, `resolve_encoder`, so that every group of a corpus is read the same way)."""
    from . import percache
    from .checkworthiness import MODEL_FILE, SCORE_COLUMNS

    key = percache.fingerprint(rules.source, MODEL_FILE.read_bytes() if MODEL_FILE.exists() else b"",
                               _type_model_bytes(), percache.code_fingerprint(), b"encoder" if encoder else b"words")
    done = percache.per_document(sents, partial(_document_analysis, rules_path=str(rules.path),
                                                rules_source=rules.source, encoder=bool(encoder)),
                                 name="claims", key=key, cache_dir=cache_dir, workers=workers, progress=progress,
                                 desc="Claims", columns=[*SCORE_COLUMNS, "claims"], prune=prune)
    scores = done[SCORE_COLUMNS]
    parts = [c for c in done["claims"] if c is not None and len(c)]  # each document's claims, in corpus order
    df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=CLAIM_COLUMNS)
    # each claim's check-worthiness is its sentence's score
    df = df.drop(columns="checkworthiness").merge(scores, on=["doc_id", "turn_index", "sentence_index"], how="left")
    df = df[CLAIM_COLUMNS]
    df["claim_type"] = pd.Categorical(df.claim_type, categories=list(LABEL_TYPES))
    df = df.sort_values(["doc_id", "turn_index", "sentence_index", "claim_type"], kind="stable").reset_index(drop=True)
    return df, scores


def resolve_encoder(encoder: str | bool, n_sentences: int) -> bool:
    """`encoder` as given to `extract_claims` (True/False, or "on"/"off"/"auto") made a yes or no for
    `n_sentences` sentences and the shipped type model."""
    from .claim_model import load_model, use_encoder
    from .errors import TranscriptError

    model = load_model()
    if isinstance(encoder, (bool, np.bool_)):
        if encoder and model.encoder is None:
            raise TranscriptError(None, "the claim type model has no encoder part", hint="Refit it with "
                                  ".venv/bin/python benchmarks/refit_claim_model.py --write, or pass encoder=False.")
        return bool(encoder)
    return use_encoder(encoder, n_sentences, model)


def _type_model_bytes() -> bytes:
    from .claim_model import MODEL_FILE as TYPE_MODEL_FILE
    return TYPE_MODEL_FILE.read_bytes() if TYPE_MODEL_FILE.exists() else b""


# the scores of the last claims extracted in this process, so that `score_sentences(tables, claims=claims)`
# right after `extract_claims` (as notebook 04 calls them) does not score every sentence again
_RECENT_SCORES: list[tuple[str, pd.DataFrame]] = []


def _scores_key(tables: dict[str, pd.DataFrame], claims: pd.DataFrame, rules: Rules) -> str:
    from . import percache
    from .checkworthiness import MODEL_FILE

    key = ["doc_id", "turn_index", "sentence_index"]
    sents = sentence_frame(tables)[key + ["text", "role"]]
    return percache.fingerprint(percache.frame_hash(sents),
                                percache.frame_hash(claims[key + ["claim_type"]].astype({"claim_type": str})),
                                rules.source, MODEL_FILE.read_bytes() if MODEL_FILE.exists() else b"",
                                _type_model_bytes())


def _remember_scores(tables, claims: pd.DataFrame, rules: Rules, scores: pd.DataFrame) -> None:
    _RECENT_SCORES[:] = [(_scores_key(tables, claims, rules), scores)]


def score_sentences(tables: dict[str, pd.DataFrame], *, claims: pd.DataFrame | None = None, rules: Rules | None = None,
                    cache_dir: str | Path | None = None, workers: int | None = None,
                    progress: bool = False, encoder: str | bool = "auto") -> pd.DataFrame:
    """The check-worthiness of every sentence: DataFrame[doc_id, turn_index, sentence_index, checkworthiness],
    one row per sentence, scores in [0, 1] from the trained ranker (see `transcripts.checkworthiness`)."""
    from .checkworthiness import score_sentences as _score

    return _score(tables, claims=claims, rules=rules, cache_dir=cache_dir, workers=workers, progress=progress,
                  encoder=encoder)


def recent_scores(tables: dict[str, pd.DataFrame], claims: pd.DataFrame, rules: Rules) -> pd.DataFrame | None:
    """The scores `claims_and_scores` found with these `claims` on these tables in this process, if any."""
    if not _RECENT_SCORES:
        return None
    key = _scores_key(tables, claims, rules)
    found = [s for k, s in _RECENT_SCORES if k == key]
    return found[0].copy() if found else None


def substantive(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims without the procedural sentences (what the headline counts and the ledger use)."""
    return claims[claims.claim_type.astype(str) != "procedural"]


def _document_analysis(sents: pd.DataFrame, rules_path: str, rules_source: str, encoder: bool = False) -> pd.DataFrame:
    """The claims and check-worthiness of one document's sentences (`sentence_frame` rows with `side`); run in
    worker processes. One row per sentence (SCORE_COLUMNS), and a column `claims` holding the document's
    claims table (CLAIM_COLUMNS, their check-worthiness still empty) in its first row, None in the others.

    The cue rules find candidate types and their cues; the type model (`transcripts.claim_model`) decides
    which types the sentence carries (with `encoder`, reading the sentences' meaning too). A type the model
    keeps without a cue has an empty `cue` and its `cue_start` = `cue_end` = 0."""
    from . import claim_model
    from .checkworthiness import (DENSE, dense_features, load_model, probabilities, stack, with_types, word_matrix,
                                  words_of)

    rules = compile_rules(rules_path, rules_source)
    model = load_model()
    types_model = claim_model.load_model()
    found, texts, words, dense = [], [], [], []
    for s in sents.itertuples(index=False):
        side = "" if pd.isna(s.side) else str(s.side)
        text = " ".join(str(s.text).split())
        hits = classify(text, rules, speaker_side=side, role=str(s.role))
        quants = parse_quantities(text)
        hedges, boosters = markers(text, rules)
        tokens = words_of(text)
        texts.append(text)
        words.append(tokens)
        dense.append(dense_features(text, "other" if pd.isna(s.role) else str(s.role), {h.claim_type for h in hits},
                                   rules, tokens, quants=quants, hedges=hedges, boosters=boosters))
        found.append((s, side, text, hits, quants, hedges, boosters))
    dense_m = np.array(dense, dtype=float).reshape(len(texts), len(DENSE))
    if texts:  # the type model reads the types the cues found; the ranker the types it decided
        xt = stack(word_matrix(texts, types_model.vocab, types_model.idf, words=words), dense_m)
        probs = claim_model.type_probabilities(xt, dense_m, texts, types_model, encoder=encoder)
        decided = claim_model.decide(probs, [claim_model.carries_no_type(t) for t in texts], types_model,
                                     [any(h.claim_type == "procedural" for h in f[3]) for f in found], encoder=encoder)
    else:
        probs, decided = np.zeros((0, len(types_model.types))), []
    x = stack(word_matrix(texts, model.vocab, model.idf, words=words), with_types(dense_m, decided))
    out = sents[["doc_id", "turn_index", "sentence_index"]].copy()
    out["checkworthiness"] = np.round(probabilities(x, model), 6)
    rows = []
    for (s, side, text, hits, quants, hedges, boosters), kept, p in zip(found, decided, probs):
        if not kept:
            continue
        by_type = {h.claim_type: h for h in hits}
        parties = mentions(text, rules, side)
        has_quantity = any(is_numeric_claim(q) for q in quants)
        for ctype in TYPE_ORDER:
            if ctype not in kept:
                continue
            h = by_type.get(ctype) or Hit(ctype, "", 0, 0)  # no cue: an empty span
            actor, mention, a_side, target = _actor_and_target(h.claim_type, h, parties, side, s.speaker)
            rows.append(dict(doc_id=s.doc_id, turn_index=s.turn_index, sentence_index=s.sentence_index,
                             speaker=s.speaker, role=s.role, speaker_side=side,
                             side_source="" if pd.isna(s.side_source) else s.side_source, claim_type=h.claim_type,
                             text=text, char_start=s.char_start, char_end=s.char_end, cue=h.cue, cue_start=h.start,
                             cue_end=h.end, type_probability=round(float(p[types_model.types.index(ctype)]), 3),
                             actor=actor, actor_mention=mention, actor_side=a_side, target=target,
                             hedges="; ".join(hedges), boosters="; ".join(boosters),
                             certainty=certainty(hedges, boosters), has_quantity=has_quantity,
                             checkworthiness=float("nan"), event_date=s.event_date, title=s.title))
    held = np.empty(len(out), dtype=object)  # (a list holding a DataFrame would be read as nested data)
    if rows and len(out):
        held[0] = pd.DataFrame(rows, columns=CLAIM_COLUMNS)
    out["claims"] = held
    return out


def sentence_frame(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Sentences with their speaker, role, event date, title and source format."""
    turns = tables["turns"][["doc_id", "turn_index", "speaker", "role"]]
    docs = tables["documents"][["doc_id", "event_date", "title", "format"]]
    return tables["sentences"].merge(turns, on=["doc_id", "turn_index"], how="left").merge(docs, on="doc_id", how="left")


def claim_counts(claims: pd.DataFrame, *, by: str = "speaker") -> pd.DataFrame:
    """Claims per `by` value and type (a wide table, types as columns, a total column)."""
    wide = claims.groupby([by, "claim_type"], observed=False).size().unstack(fill_value=0)
    wide = wide.loc[:, [t for t in CLAIM_TYPES if t in wide.columns]]
    wide["total"] = wide.sum(axis=1)
    return wide[wide.total > 0].sort_values("total", ascending=False)



def focus_event(claims: pd.DataFrame, focus_doc: str = "", doc_ids: list[str] | None = None) -> str | None:
    """The event to map claim by claim: `focus_doc` when given, else the one with most claims (ties:
    the first doc_id in sort order). None when there is nothing to map (no claims, or `focus_doc` is
    an event of the corpus, listed in `doc_ids`, without claims).

    >>> c = pd.DataFrame(dict(doc_id=["b", "a", "b"]))
    >>> focus_event(c), focus_event(c, "a"), focus_event(c.iloc[:0]), focus_event(c, "z", ["a", "b", "z"])
    ('b', 'a', None, None)

    Raises:
        TranscriptError: `focus_doc` is neither in `claims` nor in `doc_ids` (the hint lists the
            events with most claims).
    """
    per_doc = claims.groupby("doc_id").size()
    if focus_doc:
        if focus_doc in per_doc.index:
            return focus_doc
        if doc_ids is not None and focus_doc in set(doc_ids):
            return None
        top = per_doc.sort_values(ascending=False, kind="stable").index[:5]
        raise TranscriptError(None, f"focus_doc {focus_doc!r} is not an event of this corpus",
                              hint=("Leave it empty for the event with most claims, or use a doc_id such as "
                                    + ", ".join(map(repr, top))) if len(top) else "The corpus has no claims")
    return str(per_doc.idxmax()) if len(per_doc) else None

# --------------------------------------------------------------------------- evaluation

def load_labels(path: str | Path) -> pd.DataFrame:
    """Hand labels: one row per sentence (doc_id, turn_index, sentence_index, types "a;b", text)."""
    src = resolve(path)
    if not src.exists():
        raise TranscriptError(src, "labels file not found", hint="Give the path of a CSV of hand-labelled sentences")
    df = pd.read_csv(src, keep_default_na=False, dtype={"types": str})
    missing = {"doc_id", "turn_index", "sentence_index", "types"} - set(df.columns)
    if missing:
        raise TranscriptError(src, f"labels file lacks column(s) {sorted(missing)}",
                              hint="Columns: doc_id, turn_index, sentence_index, types (separated by ';'), text")
    bad = {t for ts in df.types for t in ts.split(";") if t and t not in LABEL_TYPES}
    if bad:
        raise TranscriptError(src, f"unknown claim type(s) in labels: {sorted(bad)}", hint=f"Use {', '.join(LABEL_TYPES)}")
    return df


def evaluate(claims: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """Precision, recall and F1 per claim type of the extracted claims against hand labels.

    Only sentences present in `labels` count. One row per type: n_labelled, n_predicted, tp, fp, fn,
    precision, recall, f1 (precision is NaN when nothing was predicted).
    """
    key = ["doc_id", "turn_index", "sentence_index"]
    gold = {(r.doc_id, r.turn_index, r.sentence_index): set(filter(None, r.types.split(";")))
            for r in labels.itertuples()}
    pred: dict[tuple, set[str]] = {k: set() for k in gold}
    for r in claims[key + ["claim_type"]].itertuples(index=False):
        k = (r.doc_id, r.turn_index, r.sentence_index)
        if k in pred:
            pred[k].add(str(r.claim_type))
    rows = []
    for t in CLAIM_TYPES:
        tp = sum(t in gold[k] and t in pred[k] for k in gold)
        fp = sum(t not in gold[k] and t in pred[k] for k in gold)
        fn = sum(t in gold[k] and t not in pred[k] for k in gold)
        p = tp / (tp + fp) if tp + fp else float("nan")
        r = tp / (tp + fn) if tp + fn else float("nan")
        f1 = 2 * p * r / (p + r) if tp else 0.0
        rows.append(dict(claim_type=t, n_labelled=tp + fn, n_predicted=tp + fp, tp=tp, fp=fp, fn=fn,
                         precision=round(p, 3), recall=round(r, 3), f1=round(f1, 3)))
    return pd.DataFrame(rows)


def disagreements(claims: pd.DataFrame, labels: pd.DataFrame, claim_type: str) -> pd.DataFrame:
    """Sentences where the extractor and the hand labels disagree on one type (for reading the errors)."""
    got = claims[claims.claim_type == claim_type].drop_duplicates(["doc_id", "turn_index", "sentence_index"])
    got = got.set_index(["doc_id", "turn_index", "sentence_index"]).cue
    out = []
    for r in labels.itertuples():
        k = (r.doc_id, r.turn_index, r.sentence_index)
        labelled, found = claim_type in r.types.split(";"), k in got.index
        if labelled != found:
            out.append(dict(doc_id=r.doc_id, turn_index=r.turn_index, sentence_index=r.sentence_index,
                            error="missed" if labelled else "extra", cue=got.get(k, ""), text=r.text))
    return pd.DataFrame(out, columns=["doc_id", "turn_index", "sentence_index", "error", "cue", "text"])



def lowest_recall_type(scores: pd.DataFrame, *, min_labelled: int = 5) -> str | None:
    """The claim type with the lowest recall among those with at least `min_labelled` hand labels
    (ties: the first in CLAIM_TYPES order), or None when no type has that many.

    >>> s = pd.DataFrame(dict(claim_type=["numeric", "factual", "denial"], n_labelled=[9, 6, 2],
    ...                       recall=[0.5, 0.5, 0.1]))
    >>> lowest_recall_type(s), lowest_recall_type(s, min_labelled=10)
    ('numeric', None)
    """
    enough = scores[scores.n_labelled >= min_labelled].sort_values("recall", kind="stable")
    return str(enough.claim_type.iloc[0]) if len(enough) else None

# --------------------------------------------------------------------------- numeric checks

def numeric_checks(tables: dict[str, pd.DataFrame], quantities: pd.DataFrame | None = None, rules: Rules | None = None,
                   *, tolerance: float = 1.0, restatement_threshold: float = 0.7,
                   cache_dir: str | Path | None = None) -> pd.DataFrame:
    """All numeric consistency checks, one row each (quantities.CHECK_COLUMNS):

    - `change`: a stated percentage change recomputed from the two amounts it refers to, in any order
      ("from A to B, an increase of Z %", "grew by Z %, from A to B", "Z % (in 2011 the figure was A)") or
      from an increment ("an increase of X, which is Z %");
    - `multiple`: "doubled", "tripled", "halved" ("almost doubled from A to B") recomputed as B / A;
    - `difference`: the same difference stated twice in an event must point the same way;
    - `restatement`: what reads as the same quantity stated with different values.

    With `cache_dir` (the build's `.cache` folder), the result is kept until the sentences, the
    quantities, the rules, the thresholds or this code change.
    """
    from . import percache
    from .quantities import quantities_table

    rules = rules or load_rules()
    quantities = quantities_table(tables, progress=False) if quantities is None else quantities
    sents = sided_sentences(tables, side_table(tables, rules))
    if cache_dir is None:
        return _numeric_checks(sents, quantities, rules, tolerance, restatement_threshold)
    key = percache.fingerprint(percache.frame_hash(sents), percache.frame_hash(quantities),
                               rules.source, repr((tolerance, restatement_threshold)), percache.code_fingerprint())
    return percache.memo("numeric_checks", key,
                         lambda: _numeric_checks(sents, quantities, rules, tolerance, restatement_threshold), cache_dir)


def _numeric_checks(sents: pd.DataFrame, quantities: pd.DataFrame, rules: Rules, tolerance: float,
                    restatement_threshold: float) -> pd.DataFrame:
    """The checks of `numeric_checks` on a `sentence_frame`."""
    from .quantities import restatement_checks

    return joined_checks([[p] for p in document_checks(sents, rules, tolerance)]
                         + [[restatement_checks(quantities, threshold=restatement_threshold)]])


def document_checks(sents: pd.DataFrame, rules: Rules, tolerance: float) -> list[pd.DataFrame]:
    """The checks of `numeric_checks` that stay within a document (`change`, `multiple`, `difference`), of
    the `sided_sentences` of whole documents: three frames."""
    from .quantities import change_checks, comparison_checks, multiple_checks

    if "side" not in sents:
        sents = sents.assign(side="")
    sents = sents.assign(side=sents.side.fillna("").astype(str))

    def side_of(row, before: str, after: str) -> tuple[str, str] | None:
        subj = [m for m in mentions(before, rules, row.side) if m.kind in {"actor", "self"} and m.side]
        comp = [m for m in mentions(after, rules, row.side) if m.kind in {"actor", "self"} and m.side]
        if not subj or not comp or subj[0].side == comp[0].side:
            return None
        return subj[0].side, comp[0].side

    return [change_checks(sents, tolerance=tolerance), multiple_checks(sents), comparison_checks(sents, side_of)]


def joined_checks(parts: list[list[pd.DataFrame]]) -> pd.DataFrame:
    """The checks table from each kind's frames (change, multiple, difference, restatement; a kind may come
    in several frames, one a group of documents, in the order of the documents): the changes in the order of
    `doc_id`, as `change_checks` gives them on the whole corpus."""
    from .quantities import CHECK_COLUMNS

    kinds = []
    for i, frames in enumerate(parts):
        frames = [f for f in frames if len(f)]
        if not frames:
            continue
        kind = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        if i == 0 and len(frames) > 1:
            kind = kind.sort_values("doc_id", kind="stable").reset_index(drop=True)
        kinds.append(kind)
    return pd.concat(kinds, ignore_index=True) if kinds else pd.DataFrame(columns=CHECK_COLUMNS)


# --------------------------------------------------------------------------- ledger

# stems (`textsim.content_stems`) of the frame a commitment is stated in, not what it commits to: "And the President
# is committed to doing that." names no object a ledger could follow
LEDGER_FRAME = frozenset({"presid", "vice", "administr", "govern", "secretari", "commit", "continu", "focus", "readi",
                          "promis", "pledg", "go", "do", "doe"})
LEDGER_COLUMNS = ["group_id", "claim_type", "event_date", "doc_id", "title", "speaker", "actor", "target", "text",
                  "turn_index", "sentence_index", "char_start", "char_end", "cue", "n_in_group", "n_events_in_group",
                  "first_date", "last_date", "group_text"]


def claim_ledger(claims: pd.DataFrame, *, types: tuple[str, ...] = LEDGER_TYPES, threshold: float = 0.6,
                 roles: tuple[str, ...] | None = ("official",)) -> pd.DataFrame:
    """Proposals, commitments and denials across the corpus, one row per claim, with near-identical
    restatements grouped (TF-IDF cosine of content words ≥ `threshold`, within the same claim type).
    Only claims of speakers in `roles` (default: officials; None: everyone) enter the ledger, and only
    statements with at least two content words besides the frame of a commitment (`LEDGER_FRAME`: the actor's
    office and the verbs of committing, "the President is committed to", "we will continue to"): a bare reply
    ("Absolutely not.", "No, no, no.") or a promise about "that" ("So we will — we will work at that.", "And the
    President is committed to doing that.") says nothing a ledger could track across events (they stay in the
    claims table).

    `group_id` numbers groups by their first appearance (date, event, position); `group_text` is the
    group's first statement; `n_in_group` and `n_events_in_group` say how often it was repeated.
    """
    from .textsim import similar_groups

    from .textsim import content_stems

    led = claims[claims.claim_type.astype(str).isin(types)
                 & (claims.role.isin(roles) if roles is not None else True)].copy()
    led = led[[len(set(content_stems(t)) - LEDGER_FRAME) >= 2 for t in led.text]]
    if led.empty:
        return pd.DataFrame(columns=LEDGER_COLUMNS)
    led["claim_type"] = led.claim_type.astype(str)
    led = led.sort_values(["event_date", "doc_id", "turn_index", "sentence_index", "claim_type"],
                          kind="stable", na_position="last").reset_index(drop=True)
    led["group_id"] = -1
    offset = 0
    for ctype in types:
        idx = led.index[led.claim_type == ctype]
        if len(idx):
            groups = similar_groups([_grouping_text(t) for t in led.loc[idx, "text"]], threshold=threshold)
            led.loc[idx, "group_id"] = groups + offset
            offset += int(groups.max()) + 1
    first = led.groupby("group_id").head(1).set_index("group_id")
    order = {g: i for i, g in enumerate(led.sort_index().drop_duplicates("group_id").group_id)}
    led["group_text"] = led.group_id.map(first.text)
    g = led.groupby("group_id")
    led["n_in_group"] = g.text.transform("size")
    led["n_events_in_group"] = g.doc_id.transform("nunique")
    led["first_date"] = g.event_date.transform("min")
    led["last_date"] = g.event_date.transform("max")
    led["group_id"] = led.group_id.map(order)
    return led.sort_values(["group_id", "event_date", "doc_id", "turn_index", "sentence_index"],
                           kind="stable")[LEDGER_COLUMNS].reset_index(drop=True)


def _grouping_text(text: str) -> str:
    """The text a ledger statement is grouped by: a statement with fewer than two content words ("We will
    get there.") is grouped only with the same words, not chained to everything that shares one of them."""
    from .textsim import content_stems

    stems = content_stems(text)
    if len(stems) >= 2:
        return text
    if stems:  # one content word: statements with that word alone ("I want to be really mindful") group
        return text + " zzonly" + stems[0].replace("'", "")
    import hashlib  # none: only the same words (case and punctuation aside) group
    key = hashlib.sha1(" ".join(re.findall(r"[a-z]+", text.lower())).encode()).hexdigest()[:12]
    return text + " zzexact" + "".join(c for c in key if c.isalpha())


def ledger_summary(ledger: pd.DataFrame, *, top: int = 30) -> pd.DataFrame:
    """One row per ledger group: type, first statement, who, how often and over which dates."""
    if ledger.empty:
        return pd.DataFrame(columns=["group_id", "claim_type", "group_text", "speakers", "n_in_group",
                                     "n_events_in_group", "first_date", "last_date"])
    agg = ledger.groupby("group_id").agg(
        claim_type=("claim_type", "first"), group_text=("group_text", "first"),
        speakers=("speaker", lambda s: ", ".join(sorted(set(map(str, s))))), n_in_group=("n_in_group", "first"),
        n_events_in_group=("n_events_in_group", "first"), first_date=("first_date", "first"),
        last_date=("last_date", "first")).reset_index()
    return agg.sort_values(["n_in_group", "n_events_in_group", "group_id"], ascending=[False, False, True]).head(top)
