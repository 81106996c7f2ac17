"""Claims: typed, attributed, scored statements pulled out of every sentence, and a ledger of them.

A sentence can carry several claim types: `numeric`, `factual`, `position`, `proposal`,
`commitment`, `denial`, `accusation`, `agreement`. Types come from cue patterns in an editable rules
file (`resources/claim_rules.yaml`; its header explains the format), not from code. Each claim has
the speaker, the actor it commits or describes (with "we"/"our" resolved to the speaker's side), the
target when named, hedge and booster markers, a check-worthiness score whose features are listed,
provenance (doc_id, turn_index, sentence_index, char_start, char_end) and the cue that fired.

    claims = extract_claims(tables)              # one row per claim and type
    scores = evaluate(claims, labels)            # precision and recall per type vs hand labels
    ledger = claim_ledger(claims)                # proposals, commitments, denials, restatements grouped
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path

import pandas as pd
import yaml

from .clean import count_words
from .errors import TranscriptError
from .prefilter import SubstringIndex, fold, required_literals
from .paths import RESOURCES_DIR, resolve
from .quantities import parse_quantities

CLAIM_TYPES = ("numeric", "factual", "position", "proposal", "commitment", "denial", "accusation", "agreement")
# what a hand label may name: the claim types and `procedural` (the conduct of the event, not a claim)
LABEL_TYPES = CLAIM_TYPES + ("procedural",)
RULES_FILE = RESOURCES_DIR / "claim_rules.yaml"
LEDGER_TYPES = ("proposal", "commitment", "denial")

_SELF_MENTION = re.compile(r"(?<![\w’'])(?:[Ww]e|[Oo]urs?|us|I|[Mm]y|[Oo]urselves)(?![\w’'])")
_PRONOUN_OTHER = re.compile(r"(?<![\w’'])(?:[Hh]e|[Ss]he|[Tt]hey|[Hh]is|[Hh]er|[Tt]heir|[Hh]im|[Tt]hem)(?![\w’'])")
_NAME = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]+(?:[ -][A-Z][a-z]+)+|^[A-Z][a-z]+ [A-Z][a-z]+(?= [a-z])")
_COMPARISON = re.compile(r"\b(?:more|fewer|less|higher|lower|increase[ds]?|decrease[ds]?|rise|rose|fell|fall|grew|"
                         r"growth|drop(?:ped)?|than|doubled?|tripled?|halved)\b", re.I)


@dataclass
class Rules:
    """Compiled claim rules (see `load_rules`)."""

    path: Path
    cues: dict[str, list[tuple[str, re.Pattern]]]
    unless: dict[str, list[re.Pattern]]
    needs_other_actor: set[str]
    factual_min_words: int
    factual_allow_with: set[str]
    actors: re.Pattern
    actor_index: dict[str, tuple[str, str]]  # alias -> (canonical, side)
    speaker_sides: list[tuple[re.Pattern, str]]
    format_sides: dict[str, str]
    hedges: list[tuple[str, re.Pattern]]
    boosters: list[tuple[str, re.Pattern]]
    cw_base: float = 0.2
    cw_weights: dict[str, float] = field(default_factory=dict)
    source: str = ""  # the rules file's text, as compiled
    # the cues and vetoes with their pre-filters (see transcripts.prefilter), filled in from the above
    cue_checks: dict[str, list[tuple[tuple[str, ...], re.Pattern]]] = field(default_factory=dict)
    unless_checks: dict[str, list[tuple[tuple[str, ...], re.Pattern]]] = field(default_factory=dict)

    hedge_plan: "_PhrasePlan | None" = None
    booster_plan: "_PhrasePlan | None" = None
    literals: tuple[str, ...] = ()  # every word some cue or veto needs (see _checks)
    literal_index: "SubstringIndex | None" = None
    # per claim type, every word one of its cues (vetoes) needs; None when one of them needs none
    cue_needs: dict[str, frozenset[str] | None] = field(default_factory=dict)
    unless_needs: dict[str, frozenset[str] | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.cue_checks = {t: _checks([p for _, p in pats]) for t, pats in self.cues.items()}
        self.unless_checks = {t: _checks(pats) for t, pats in self.unless.items()}
        self.hedge_plan = _phrase_plan(self.hedges)
        self.booster_plan = _phrase_plan(self.boosters)
        self.literals = tuple(sorted({w for checks in [*self.cue_checks.values(), *self.unless_checks.values()]
                                      for needs, _ in checks for w in needs}))
        self.literal_index = SubstringIndex(self.literals)
        self.cue_needs = {t: _all_needs(c) for t, c in self.cue_checks.items()}
        self.unless_needs = {t: _all_needs(c) for t, c in self.unless_checks.items()}


def _all_needs(checks: list[tuple[frozenset[str], re.Pattern]]) -> frozenset[str] | None:
    """The words one of which any of `checks` needs to match at all (None: one of them needs none)."""
    if any(not needs for needs, _ in checks):
        return None
    return frozenset(w for needs, _ in checks for w in needs)


def _phrase_re(phrase: str, *, before_number: bool = False) -> re.Pattern:
    return re.compile(_phrase_source(phrase, before_number=before_number), re.I)


def _phrase_source(phrase: str, *, before_number: bool = False) -> str:
    # "may" followed by a number is the month ("May 2019"), not a hedge; approximators ("about",
    # "around") hedge only a number ("about 30 percent", not "concerned about")
    month = r"(?!\s+\d)" if phrase.lower() == "may" else ""
    number = r"(?=\s+(?:US\$|\$|€|£)?\d)" if before_number else ""
    return r"(?<![\w’'])" + re.escape(phrase).replace(r"\ ", r"\s+") + r"(?![\w’'])" + month + number


def _compile(pattern: str, subs: dict[str, str], path: Path, where: str) -> re.Pattern:
    expanded = pattern
    for key, value in subs.items():
        expanded = expanded.replace("{" + key + "}", value)
    expanded = expanded.replace(" ", r"\s+")
    if "^" not in expanded and "$" not in expanded:
        expanded = r"(?<![\w’'])(?:" + expanded + r")(?![\w’'])"
    try:
        return re.compile(expanded, re.I)
    except re.error as exc:
        raise TranscriptError(path, f"bad pattern in {where}: {pattern!r} ({exc})",
                              hint="Patterns are Python regular expressions; escape ( ) ? . with a backslash") from None


@lru_cache(maxsize=8)
def _load_rules(path: str, source: str) -> Rules:
    """Rules compiled from `source`, the text of the file at `path` (cached by both, so an edited
    file is compiled again)."""
    src = Path(path)
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise TranscriptError(src, f"the claim rules are not valid YAML ({getattr(exc, 'problem', exc)})",
                              line=None if line is None else line + 1, hint="Check indentation and quoting") from None
    if not isinstance(data, dict) or "types" not in data:
        raise TranscriptError(src, "the claim rules need a `types:` section", hint="See the header of the default file")
    unknown = set(data["types"]) - set(CLAIM_TYPES)
    if unknown:
        raise TranscriptError(src, f"unknown claim type(s) {sorted(unknown)}", hint=f"Known types: {', '.join(CLAIM_TYPES)}")
    actor_index: dict[str, tuple[str, str]] = {}
    for name, spec in (data.get("actors") or {}).items():
        for alias in [name, *spec.get("aliases", [])]:
            actor_index[alias] = (name, spec.get("side", name))
    aliases = sorted(actor_index, key=len, reverse=True)
    actor_alt = "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in aliases) or "(?!x)x"
    subs = {
        "SELF": "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in data.get("self_words", ["we", "i"])) + ")",
        "ADV": "(?:(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in data.get("adverbs", [])) + r")\s+){0,2}",
        "ACTOR": "(?-i:" + actor_alt + ")",
        "TALK": "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") + r"\b" for w in data.get("talk_verbs", ["say"])) + ")",
    }
    cues, unless = {}, {}
    for ctype, spec in data["types"].items():
        spec = spec or {}
        cues[ctype] = [(p, _compile(p, subs, src, f"types.{ctype}.cues")) for p in spec.get("cues", []) or []]
        unless[ctype] = [_compile(p, subs, src, f"types.{ctype}.unless") for p in spec.get("unless", []) or []]
    factual = data["types"].get("factual") or {}
    cw = data.get("checkworthiness") or {}
    return Rules(
        path=src, cues=cues, unless=unless,
        needs_other_actor={t for t, s in data["types"].items() if (s or {}).get("needs_other_actor")},
        factual_min_words=int(factual.get("min_words", 4)), factual_allow_with=set(factual.get("allow_with", [])),
        actors=re.compile(r"(?<![\w’'.])(?:" + actor_alt + r")(?!\w)"), actor_index=actor_index,
        speaker_sides=[(re.compile(p, re.I), side) for side, pats in (data.get("speaker_sides") or {}).items()
                       for p in pats],
        format_sides=dict(data.get("format_sides") or {}),
        hedges=[(h, _phrase_re(h)) for h in data.get("hedges", [])]
        + [(h, _phrase_re(h, before_number=True)) for h in data.get("approximators", [])],
        boosters=[(b, _phrase_re(b)) for b in data.get("boosters", [])],

        cw_base=float(cw.get("base", 0.2)), cw_weights={k: float(v) for k, v in (cw.get("weights") or {}).items()},
        source=source)


def load_rules(path: str | Path | None = None) -> Rules:
    """Read and compile the claim rules (default: the shipped `resources/claim_rules.yaml`).

    Bad patterns or YAML raise a `TranscriptError` naming the file and the pattern.
    """
    src = resolve(path) if path else RULES_FILE
    try:
        source = src.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TranscriptError(src, "claim rules file not found", hint=f"The default is {RULES_FILE}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TranscriptError(src, f"the claim rules file cannot be read ({exc})",
                              hint="Save it as UTF-8 text") from None
    return _load_rules(str(src), source)


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
        actor, side = rules.actor_index.get(alias, (alias, alias))
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


def _checks(patterns: list[re.Pattern]) -> list[tuple[frozenset[str], re.Pattern]]:
    """Each pattern with the literal words one of which its every match contains (empty: no test)."""
    return [(required_literals(p) or frozenset(), p) for p in patterns]


def _present(rules: Rules, folded: str) -> set[str]:
    """The words some cue or veto needs that `folded` (a `prefilter.fold`ed text) contains."""
    return rules.literal_index.present(folded)


def _first_match(text: str, checks: list[tuple[frozenset[str], re.Pattern]], present: set[str]) -> re.Match | None:
    """The earliest match of any pattern (ties go to the pattern listed first). Patterns that cannot
    match `text` (none of the words they need is `present`) are not run."""
    best = None
    for needs, pat in checks:
        if needs and needs.isdisjoint(present):
            continue
        m = pat.search(text)
        if m and (best is None or m.start() < best.start()):
            best = m
    return best


def _search(rules: Rules, ctype: str, text: str, present: set[str] | None = None) -> re.Match | None:
    present = _present(rules, fold(text)) if present is None else present
    every = rules.cue_needs.get(ctype)
    if every is not None and every.isdisjoint(present):  # no cue of this type can match
        return None
    return _first_match(text, rules.cue_checks.get(ctype, []), present)


def _vetoed(rules: Rules, ctype: str, text: str, present: set[str] | None = None) -> bool:
    present = _present(rules, fold(text)) if present is None else present
    every = rules.unless_needs.get(ctype)
    if every is not None and every.isdisjoint(present):
        return False
    for needs, pat in rules.unless_checks.get(ctype, []):
        if needs and needs.isdisjoint(present):
            continue
        if pat.search(text):
            return True
    return False


def _is_other(m: Mention, speaker_side: str) -> bool:
    if m.kind == "self":
        return False
    if m.kind in {"pronoun", "name"}:
        return True
    return not speaker_side or m.side != speaker_side


def classify(text: str, rules: Rules | None = None, *, speaker_side: str = "") -> list[Hit]:
    """Claim types of one sentence (questions carry none), each with its cue.

    >>> [(h.claim_type, h.cue) for h in classify("This proposal remains on the table.")]
    [('proposal', 'This proposal')]
    >>> [h.claim_type for h in classify("We have not seen any evidence to back these claims.")]
    ['denial']
    >>> classify("Will it be renewed?")
    []
    """
    rules = rules or load_rules()
    text = " ".join(text.split())
    if not text or text.endswith("?"):
        return []
    present = _present(rules, fold(text))
    hits: list[Hit] = []
    parties = None
    for ctype in CLAIM_TYPES:
        if ctype == "factual":
            continue
        if _vetoed(rules, ctype, text, present):
            continue
        m = _search(rules, ctype, text, present)
        if ctype == "numeric":
            q = next((q for q in parse_quantities(text) if q.kind != "date"), None)
            if q is not None and (m is None or q.start < m.start()):
                hits.append(Hit("numeric", q.text, q.start, q.end))
                continue
        if m is None:
            continue
        if ctype in rules.needs_other_actor:
            parties = parties if parties is not None else mentions(text, rules, speaker_side)
            if not any(_is_other(p, speaker_side) for p in parties):
                continue
        hits.append(Hit(ctype, m.group(0), m.start(), m.end()))
    others = {h.claim_type for h in hits} - rules.factual_allow_with
    if not others and count_words(text) >= rules.factual_min_words \
            and not _vetoed(rules, "factual", text, present):
        m = _search(rules, "factual", text, present)
        if m:
            hits.append(Hit("factual", m.group(0), m.start(), m.end()))
    return hits


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


@dataclass
class _PhrasePlan:
    """Phrases in the order they are tried (longest first), each with its last word for a cheap test,
    and each phrase's place in the rules file (the order results are reported in)."""

    tries: list[tuple[str, re.Pattern, str]]
    order: dict[str, int]


def _phrase_plan(phrases: list[tuple[str, re.Pattern]]) -> _PhrasePlan:
    return _PhrasePlan(tries=[(name, pat, fold(name.split()[-1])) for name, pat in sorted(phrases, key=lambda p: -len(p[0]))],
                       order={name: i for i, (name, _) in enumerate(phrases)})


def _without_overlaps(text: str, plan: _PhrasePlan, folded: str) -> list[str]:
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


def checkworthiness(features: dict[str, bool], rules: Rules | None = None) -> tuple[float, str]:
    """A transparent score: base + the weights of the features present, clipped to 0..1; and the
    features that contributed, as text.

    >>> checkworthiness({"has_quantity": True, "hedged": True})
    (0.4, 'has_quantity +0.30; hedged -0.10')
    """
    rules = rules or load_rules()
    parts = [(name, rules.cw_weights[name]) for name, on in features.items() if on and name in rules.cw_weights]
    score = min(1.0, max(0.0, rules.cw_base + sum(w for _, w in parts)))
    return round(score, 2), "; ".join(f"{name} {w:+.2f}" for name, w in parts)


def speaker_side(speaker: str | None, role: str | None, fmt: str | None, rules: Rules | None = None, *,
                 affiliation: str | None = None, label: str | None = None, title: str | None = None) -> str:
    """The side "we" refers to for a speaker: from the name patterns, else (officials) from the format.

    >>> speaker_side("Sergey Lavrov", "official", "mid_text"), speaker_side("Press", "press", "mid_text")
    ('Russia', '')
    """
    rules = rules or load_rules()
    for pat, side in rules.speaker_sides:
        if speaker and pat.search(speaker):
            return side
    if role in {"official", "moderator"} and fmt:
        return rules.format_sides.get(fmt, "")
    return ""


# --------------------------------------------------------------------------- tables

CLAIM_COLUMNS = ["doc_id", "turn_index", "sentence_index", "speaker", "role", "claim_type", "text", "char_start",
                 "char_end", "cue", "cue_start", "cue_end", "actor", "actor_mention", "actor_side", "target",
                 "hedges", "boosters", "certainty", "has_quantity", "checkworthiness", "checkworthiness_features",
                 "event_date", "title"]


def _actor_and_target(ctype: str, hit: Hit, parties: list[Mention], side: str, speaker: str) -> tuple[str, str, str, str]:
    """(actor, actor_mention, actor_side, target) of one claim."""
    if ctype in {"accusation", "denial"}:
        actor, mention, a_side = side or speaker, "", side
    else:
        before = [p for p in parties if p.start <= hit.start and p.kind in {"actor", "self"}]
        anywhere = [p for p in parties if p.kind in {"actor", "self"}]
        pick = before[-1] if before else (anywhere[0] if ctype in {"factual", "numeric", "position"} and anywhere else None)
        if pick is None:
            actor, mention, a_side = side or speaker, "", side
        else:
            actor, mention, a_side = pick.actor, pick.text, pick.side
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
                   cache_dir: str | Path | None = None, workers: int | None = None) -> pd.DataFrame:
    """Every claim in every sentence: one row per sentence and claim type (CLAIM_COLUMNS).

    Sentences with no claim type have no row. `cue_start`/`cue_end` index the sentence `text`.
    Documents are analysed apart, on every core (`workers`), and with `cache_dir` (the build's
    `.cache` folder) each document's claims are kept until it, the rules file or this code changes
    (see `transcripts.percache`).
    """
    from . import percache

    rules = rules or load_rules()
    key = percache.fingerprint(rules.source, percache.code_fingerprint())
    df = percache.per_document(sentence_frame(tables), partial(_document_claims, rules_path=str(rules.path),
                                                               rules_source=rules.source),
                               name="claims", key=key, cache_dir=cache_dir, workers=workers, progress=progress,
                               desc="Claims", columns=CLAIM_COLUMNS)
    df = df[CLAIM_COLUMNS]
    df["claim_type"] = pd.Categorical(df.claim_type, categories=list(CLAIM_TYPES))
    return df.sort_values(["doc_id", "turn_index", "sentence_index", "claim_type"], kind="stable").reset_index(drop=True)


def _document_claims(sents: pd.DataFrame, rules_path: str, rules_source: str) -> pd.DataFrame:
    """The claims of one document's sentences (`sentence_frame` rows); run in worker processes."""
    rules = _load_rules(rules_path, rules_source)
    rows = []
    sides: dict[tuple, str] = {}
    for s in sents.itertuples(index=False):
        key = (s.speaker, s.role, s.format)
        side = sides.get(key)
        if side is None:
            side = sides[key] = speaker_side(s.speaker, s.role, s.format, rules)
        text = " ".join(str(s.text).split())
        hits = classify(text, rules, speaker_side=side)
        if not hits:
            continue
        parties = mentions(text, rules, side)
        hedges, boosters = markers(text, rules)
        quants = parse_quantities(text)
        types = {h.claim_type for h in hits}
        features = dict(
            has_quantity=any(q.kind != "date" for q in quants),
            factual_type=bool(types & {"numeric", "factual", "accusation", "denial"}),
            names_actor=any(p.kind == "actor" for p in parties),
            has_date=any(q.kind == "date" for q in quants),
            comparison=bool(_COMPARISON.search(text)),
            hedged=bool(hedges), opinion_only=types == {"position"}, short=count_words(text) < 7)
        score, feats = checkworthiness(features, rules)
        for h in hits:
            actor, mention, a_side, target = _actor_and_target(h.claim_type, h, parties, side, s.speaker)
            rows.append(dict(doc_id=s.doc_id, turn_index=s.turn_index, sentence_index=s.sentence_index,
                             speaker=s.speaker, role=s.role, claim_type=h.claim_type, text=text,
                             char_start=s.char_start, char_end=s.char_end, cue=h.cue, cue_start=h.start,
                             cue_end=h.end, actor=actor, actor_mention=mention, actor_side=a_side, target=target,
                             hedges="; ".join(hedges), boosters="; ".join(boosters),
                             certainty=certainty(hedges, boosters), has_quantity=features["has_quantity"],
                             checkworthiness=score, checkworthiness_features=feats, event_date=s.event_date,
                             title=s.title))
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS)


def side_table(tables: dict[str, pd.DataFrame], rules: Rules | None = None) -> pd.DataFrame:
    """The side "we" refers to for every turn: doc_id, turn_index, side."""
    rules = rules or load_rules()
    turns = tables["turns"].merge(tables["documents"][["doc_id", "format"]], on="doc_id", how="left")
    sides = [speaker_side(sp, ro, fm, rules) for sp, ro, fm in zip(turns.speaker, turns.role, turns.format)]
    return pd.DataFrame(dict(doc_id=turns.doc_id, turn_index=turns.turn_index, side=sides))


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
    bad = {t for ts in df.types for t in ts.split(";") if t and t not in CLAIM_TYPES}
    if bad:
        raise TranscriptError(src, f"unknown claim type(s) in labels: {sorted(bad)}", hint=f"Use {', '.join(CLAIM_TYPES)}")
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

    - `change`: a stated percentage change recomputed from the two amounts it refers to;
    - `difference`: the same difference stated twice in an event must point the same way;
    - `restatement`: what reads as the same quantity stated with different values.

    With `cache_dir` (the build's `.cache` folder), the result is kept until the sentences, the
    quantities, the rules, the thresholds or this code change.
    """
    from . import percache
    from .quantities import quantities_table

    rules = rules or load_rules()
    quantities = quantities_table(tables, progress=False) if quantities is None else quantities
    sents = sentence_frame(tables)
    if cache_dir is None:
        return _numeric_checks(sents, quantities, rules, tolerance, restatement_threshold)
    key = percache.fingerprint(percache.frame_hash(sents), percache.frame_hash(quantities),
                               rules.source, repr((tolerance, restatement_threshold)), percache.code_fingerprint())
    return percache.memo("numeric_checks", key,
                         lambda: _numeric_checks(sents, quantities, rules, tolerance, restatement_threshold), cache_dir)


def _numeric_checks(sents: pd.DataFrame, quantities: pd.DataFrame, rules: Rules, tolerance: float,
                    restatement_threshold: float) -> pd.DataFrame:
    """The checks of `numeric_checks` on a `sentence_frame`."""
    from .quantities import change_checks, comparison_checks, restatement_checks

    who = sents[["speaker", "role", "format"]].fillna("").astype(str)
    side_map = {k: speaker_side(*k, rules) for k in who.drop_duplicates().itertuples(index=False, name=None)}
    sents = sents.assign(side=[side_map[k] for k in who.itertuples(index=False, name=None)])

    def side_of(row, before: str, after: str) -> tuple[str, str] | None:
        subj = [m for m in mentions(before, rules, row.side) if m.kind in {"actor", "self"} and m.side]
        comp = [m for m in mentions(after, rules, row.side) if m.kind in {"actor", "self"} and m.side]
        if not subj or not comp or subj[0].side == comp[0].side:
            return None
        return subj[0].side, comp[0].side

    parts = [change_checks(sents, tolerance=tolerance), comparison_checks(sents, side_of),
             restatement_checks(quantities, threshold=restatement_threshold)]
    parts = [p for p in parts if len(p)]
    from .quantities import CHECK_COLUMNS
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=CHECK_COLUMNS)


# --------------------------------------------------------------------------- ledger

LEDGER_COLUMNS = ["group_id", "claim_type", "event_date", "doc_id", "title", "speaker", "actor", "target", "text",
                  "turn_index", "sentence_index", "char_start", "char_end", "cue", "n_in_group", "n_events_in_group",
                  "first_date", "last_date", "group_text"]


def claim_ledger(claims: pd.DataFrame, *, types: tuple[str, ...] = LEDGER_TYPES, threshold: float = 0.6,
                 roles: tuple[str, ...] | None = ("official",)) -> pd.DataFrame:
    """Proposals, commitments and denials across the corpus, one row per claim, with near-identical
    restatements grouped (TF-IDF cosine of content words ≥ `threshold`, within the same claim type).
    Only claims of speakers in `roles` (default: officials; None: everyone) enter the ledger.

    `group_id` numbers groups by their first appearance (date, event, position); `group_text` is the
    group's first statement; `n_in_group` and `n_events_in_group` say how often it was repeated.
    """
    from .textsim import similar_groups

    led = claims[claims.claim_type.astype(str).isin(types)
                 & (claims.role.isin(roles) if roles is not None else True)].copy()
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
            groups = similar_groups(led.loc[idx, "text"].tolist(), threshold=threshold)
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
