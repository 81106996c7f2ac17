"""The claim rules file (`resources/claim_rules.yaml`) read and compiled: cue patterns per claim type with
their options, actors and sides, hedges and boosters. Its header explains the format; `load_rules`
turns a bad file into a `TranscriptError` naming the file and the pattern.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .errors import TranscriptError
from .paths import RESOURCES_DIR, resolve
from .prefilter import TokenIndex, fold, required_literals

CLAIM_TYPES = ("numeric", "factual", "position", "proposal", "commitment", "denial", "accusation", "agreement")
# what a hand label may name: the claim types and `procedural` (the conduct of the event, not a claim)
LABEL_TYPES = CLAIM_TYPES + ("procedural",)
RULES_FILE = RESOURCES_DIR / "claim_rules.yaml"
TYPE_OPTIONS = ("needs_other_actor", "needs_own_actor", "needs_object", "negation", "not_reported", "not_quoted")


@dataclass
class Rules:
    """Compiled claim rules (see `load_rules`)."""

    path: Path
    cues: dict[str, list[tuple[str, re.Pattern]]]
    unless: dict[str, list[re.Pattern]]
    options: dict[str, set[str]]  # option name -> the types that have it (TYPE_OPTIONS)
    factual_min_words: int
    factual_allow_with: set[str]
    factual_unless_before: list[re.Pattern]
    actors: re.Pattern
    actor_index: dict[str, tuple[str, str]]  # alias -> (canonical, side)
    speaker_sides: list[tuple[re.Pattern, str]]
    host_sides: dict[str, str]
    host_office: re.Pattern
    own_subject: re.Pattern
    hedges: list[tuple[str, re.Pattern]]
    boosters: list[tuple[str, re.Pattern]]
    procedural_short_words: int = 6
    courtesy_words: frozenset[str] = frozenset()
    source: str = ""  # the rules file's text, as compiled
    # the cues and vetoes with their pre-filters (see transcripts.prefilter), filled in from the above
    cue_checks: dict[str, list[tuple[frozenset[str], re.Pattern]]] = field(default_factory=dict)
    unless_checks: dict[str, list[tuple[frozenset[str], re.Pattern]]] = field(default_factory=dict)
    hedge_plan: "PhrasePlan | None" = None
    booster_plan: "PhrasePlan | None" = None
    literals: tuple[str, ...] = ()  # every word some cue or veto needs (see _checks)
    literal_index: "TokenIndex | None" = None
    # which cues and vetoes can match a text, as one bit mask (see `runnable`): every pattern of
    # `cue_checks` and `unless_checks` has a bit; `slots` gives, per (kind, type) with kind "cue" or
    # "unless", the position of its first pattern's bit and the number of its patterns
    slots: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    always_run: int = 0  # the bits of the patterns that need no word
    # per (kind, type): the bits of all its patterns (a type none of whose cues can match is skipped at once)
    masks: dict[tuple[str, str], int] = field(default_factory=dict)
    # per (kind, type, the runnable bits of its patterns): those patterns, in the order of the rules file
    _plans: dict[tuple[str, str, int], tuple[re.Pattern, ...]] = field(default_factory=dict)
    _type_options: dict[str, tuple[bool, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.cue_checks = {t: _checks([p for _, p in pats]) for t, pats in self.cues.items()}
        self.unless_checks = {t: _checks(pats) for t, pats in self.unless.items()}
        self.hedge_plan = phrase_plan(self.hedges)
        self.booster_plan = phrase_plan(self.boosters)
        self.literals = tuple(sorted({w for checks in [*self.cue_checks.values(), *self.unless_checks.values()]
                                      for needs, _ in checks for w in needs}))
        weights: dict[str, int] = {w: 0 for w in self.literals}
        bit = 0
        for kind, table in (("cue", self.cue_checks), ("unless", self.unless_checks)):
            for ctype, checks in table.items():
                self.slots[(kind, ctype)] = (bit, len(checks))
                self.masks[(kind, ctype)] = ((1 << len(checks)) - 1) << bit
                for needs, _ in checks:
                    if not needs:
                        self.always_run |= 1 << bit
                    for w in needs:
                        weights[w] |= 1 << bit
                    bit += 1
        self.literal_index = TokenIndex(self.literals, weights=[weights[w] for w in self.literals])

    def has(self, option: str, ctype: str) -> bool:
        return ctype in self.options.get(option, set())

    def type_options(self, ctype: str) -> tuple[bool, ...]:
        """Whether the type has the options negation, not_reported, not_quoted, needs_object,
        needs_other_actor and needs_own_actor (in that order)."""
        found = self._type_options.get(ctype)
        if found is None:
            found = self._type_options[ctype] = tuple(self.has(o, ctype) for o in (
                "negation", "not_reported", "not_quoted", "needs_object", "needs_other_actor", "needs_own_actor"))
        return found

    def plan(self, kind: str, ctype: str, runs: int) -> tuple[re.Pattern, ...]:
        """The patterns of one (kind, type) — kind "cue" or "unless" — whose bits are set in `runs` (see
        `runnable`), in the order of the rules file (remembered for each set of bits: texts repeat them)."""
        mine = runs & self.masks.get((kind, ctype), 0)
        if not mine:
            return ()
        found = self._plans.get((kind, ctype, mine))
        if found is None:
            first, _ = self.slots[(kind, ctype)]
            table = self.cue_checks if kind == "cue" else self.unless_checks
            found = tuple(pat for i, (_, pat) in enumerate(table[ctype]) if mine >> (first + i) & 1)
            if len(self._plans) > 100_000:
                self._plans.clear()
            self._plans[(kind, ctype, mine)] = found
        return found

    def runnable(self, folded: str) -> int:
        """The bits (see `slots`) of the cues and vetoes that can match a text whose `prefilter.fold` is
        `folded`: those that need no word, and those one of whose needed words it holds (a pattern none of
        whose needed words is there cannot match; see transcripts.prefilter)."""
        return self.always_run | self.literal_index.union(folded)


def _checks(patterns: list[re.Pattern]) -> list[tuple[frozenset[str], re.Pattern]]:
    """Each pattern with the literal words one of which its every match contains (empty: no test)."""
    return [(required_literals(p) or frozenset(), p) for p in patterns]


@dataclass
class PhrasePlan:
    """Phrases in the order they are tried (longest first), each with its last word for a cheap test,
    and each phrase's place in the rules file (the order results are reported in)."""

    tries: list[tuple[str, re.Pattern, str]]
    order: dict[str, int]


def phrase_plan(phrases: list[tuple[str, re.Pattern]]) -> PhrasePlan:
    return PhrasePlan(tries=[(name, pat, fold(name.split()[-1])) for name, pat in sorted(phrases, key=lambda p: -len(p[0]))],
                      order={name: i for i, (name, _) in enumerate(phrases)})


def _phrase_re(phrase: str, *, before_number: bool = False) -> re.Pattern:
    # "may" followed by a number is the month ("May 2019"), not a hedge; approximators ("about",
    # "around") hedge only a number ("about 30 percent", not "concerned about")
    month = r"(?!\s+\d)" if phrase.lower() == "may" else ""
    number = r"(?=\s+(?:US\$|\$|€|£)?\d)" if before_number else ""
    return re.compile(r"(?<![\w’'])" + re.escape(phrase).replace(r"\ ", r"\s+") + r"(?![\w’'])" + month + number, re.I)


def _alternation(words, *, boundary: bool = False) -> str:
    """One regular-expression alternation of literal words (longest first; spaces match any spaces)."""
    words = sorted({str(w) for w in words}, key=len, reverse=True)
    if not words:
        return "(?!x)x"
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") + (r"\b" if boundary else "") for w in words) + ")"


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


_LIST_CHUNK = 50  # words per pattern when a cue is a whole word list (so the pre-filter can test each part)


def _split_word_lists(pattern: str, data: dict) -> list[str]:
    """A cue that is exactly "{PAST}" or "{PARTICIPLE}" (a long word list) as several cues of at most
    _LIST_CHUNK words each: one alternation of hundreds of words is tried at every position of every
    sentence, while parts of it are run only on sentences that hold one of their words."""
    lists = {"{PAST}": "past_verbs", "{PARTICIPLE}": "participles"}
    if pattern.strip() not in lists:
        return [pattern]
    words = sorted({str(w) for w in data.get(lists[pattern.strip()], [])})
    chunks = [words[i:i + _LIST_CHUNK] for i in range(0, len(words), _LIST_CHUNK)] or [[]]
    return ["(" + "|".join(re.escape(w) for w in chunk) + ")" if chunk else "(?!x)x" for chunk in chunks]


@lru_cache(maxsize=8)
def compile_rules(path: str, source: str) -> Rules:
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
    unknown = set(data["types"]) - set(LABEL_TYPES)
    if unknown:
        raise TranscriptError(src, f"unknown claim type(s) {sorted(unknown)}", hint=f"Known types: {', '.join(LABEL_TYPES)}")
    actor_index: dict[str, tuple[str, str]] = {}
    for name, spec in (data.get("actors") or {}).items():
        for alias in [name, *spec.get("aliases", [])]:
            actor_index[alias] = (name, spec.get("side", name))
    aliases = sorted(actor_index, key=len, reverse=True)
    actor_alt = "|".join(re.escape(a).replace(r"\ ", r"\s+").replace("’", "['’]") for a in aliases) or "(?!x)x"
    adverbs = [str(w) for w in data.get("adverbs", [])]
    own = [str(w) for w in data.get("own_subjects", [])]
    subs = {
        "SELF": _alternation(data.get("self_words", ["we", "i"])),
        "ADV": "(?:" + _alternation(adverbs) + r"\s+){0,2}",
        "ADVP": "(?:" + _alternation([a for a in adverbs if a not in {"not", "never"}]) + r"\s+){0,2}",
        "ACTOR": "(?-i:" + actor_alt + ")",
        "TALK": _alternation(data.get("talk_verbs", ["say"]), boundary=True),
        "EVAL": _alternation(data.get("evaluative", []), boundary=True),
        "PAST": _alternation(data.get("past_verbs", []), boundary=True),
        "PARTICIPLE": _alternation(data.get("participles", []), boundary=True),
        "OWN": "(?:" + "|".join(own) + "|(?-i:" + actor_alt + "))" if own else "(?-i:" + actor_alt + ")",
    }
    cues, unless, options = {}, {}, {o: set() for o in TYPE_OPTIONS}
    for ctype, spec in data["types"].items():
        spec = spec or {}
        cues[ctype] = [(p, _compile(p, subs, src, f"types.{ctype}.cues"))
                       for raw in spec.get("cues", []) or [] for p in _split_word_lists(raw, data)]
        unless[ctype] = [_compile(p, subs, src, f"types.{ctype}.unless") for p in spec.get("unless", []) or []]
        for opt in TYPE_OPTIONS:
            if spec.get(opt):
                options[opt].add(ctype)
    factual = data["types"].get("factual") or {}
    procedural = data["types"].get("procedural") or {}
    offices = [str(w) for w in data.get("host_offices", [])]
    try:
        speaker_sides = [(re.compile(p, re.I), side) for side, pats in (data.get("speaker_sides") or {}).items()
                         for p in pats]
        host_office = re.compile(r"(?i)(?<![\w])(?:" + "|".join(offices) + r")(?![\w])") if offices else re.compile("(?!x)x")
        own_subject = re.compile(r"(?i)^(?:" + "|".join(own) + r")\b") if own else re.compile("(?!x)x")
    except re.error as exc:
        raise TranscriptError(src, f"bad pattern in speaker_sides, host_offices or own_subjects ({exc})",
                              hint="Patterns are Python regular expressions") from None
    return Rules(
        path=src, cues=cues, unless=unless, options=options,
        factual_min_words=int(factual.get("min_words", 4)), factual_allow_with=set(factual.get("allow_with", [])),
        factual_unless_before=[_compile(p, subs, src, "types.factual.unless_before")
                               for p in factual.get("unless_before", []) or []],
        actors=re.compile(r"(?<![\w’'.])(?:" + actor_alt + r")(?!\w)"), actor_index=actor_index,
        speaker_sides=speaker_sides, host_sides=dict(data.get("host_sides") or data.get("format_sides") or {}),
        host_office=host_office, own_subject=own_subject,
        hedges=[(h, _phrase_re(h)) for h in data.get("hedges", [])]
        + [(h, _phrase_re(h, before_number=True)) for h in data.get("approximators", [])],
        boosters=[(b, _phrase_re(b)) for b in data.get("boosters", [])],
        procedural_short_words=int(procedural.get("short_max_words", 6)),
        courtesy_words=frozenset(str(w).lower() for w in procedural.get("courtesy_words", [])),
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
    return compile_rules(str(src), source)
