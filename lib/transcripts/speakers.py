"""Speaker statistics: who held the floor, who asked and who answered, how each side talks, and which
words set a speaker apart. DataFrames in (the processed tables), DataFrames out.

Counting conventions (the same everywhere in this module):
- words are `transcripts.clean.count_words` over a turn's text, i.e. the `n_words` column of `turns`;
  a speaker's `word_share` is their words over the words of every turn in the scope (event or corpus);
- terms (for MATTR and distinctive words) are those same words, lower-cased, with curly apostrophes
  made straight ("Russia’s" → "russia's").
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .clean import words
from .errors import TranscriptError
from .paths import RESOURCES_DIR

GAZETTEER_FILE = RESOURCES_DIR / "gazetteer.tsv"
MARKERS_FILE = RESOURCES_DIR / "stance_markers.txt"

#: Words that make a speaker name stand for a group or a function ("Press", "Senior Administration
#: Official", "Moderator"), not a person who can be mentioned by name or followed month by month.
_GENERIC = re.compile(r"\b(?:press|question|questions|q|moderator|operator|narrator|participant|participants|"
                      r"audience|unknown|unidentified|official|officials|reporter|staff|voice|speaker)\b",
                      re.IGNORECASE)
_HONORIFICS = re.compile(r"^(?:(?:mr|mrs|ms|dr|prof|president|vice president|secretary|admiral|general|"
                         r"surgeon general|ambassador|senator|governor|minister|foreign minister)\.?\s+)+",
                         re.IGNORECASE)
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})  # for short strings; long texts use _straight()


# ---------------------------------------------------------------------------------------------- scope

def focus(tables: dict[str, pd.DataFrame], doc_ids: Sequence[str] | None = None) -> dict[str, pd.DataFrame]:
    """The tables restricted to some documents (all of them when `doc_ids` is empty or None).

    Raises `TranscriptError` naming any id that is not in the tables, with the ids that are.
    """
    if not doc_ids:
        return dict(tables)
    known = set(tables["documents"].doc_id)
    unknown = [d for d in doc_ids if d not in known]
    if unknown:
        some = ", ".join(sorted(known)[:5]) + (" …" if len(known) > 5 else "")
        raise TranscriptError(None, f"document id(s) not in the tables: {', '.join(unknown)}",
                              hint=f"Known ids include: {some}")
    keep = set(doc_ids)
    return {name: (df[df.doc_id.isin(keep)].reset_index(drop=True) if "doc_id" in df else df)
            for name, df in tables.items()}


def event_labels(documents: pd.DataFrame, *, max_chars: int = 48) -> dict[str, str]:
    """Short, unique, readable labels for events ("2021-03-02 · Press Briefing by Press Secretary Jen…"),
    for chart axes where long document ids would crowd out the plot.

    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "event_date": pd.to_datetime(["2021-03-02", None]),
    ...                      "title": ["Press Briefing by Press Secretary Jen Psaki, March 2, 2021", None]})
    >>> event_labels(docs, max_chars=30)
    {'a': '2021-03-02 · Press Briefing by Press Secre…', 'b': 'b'}
    """
    labels: dict[str, str] = {}
    seen: set[str] = set()
    for doc_id, date, title in zip(documents.doc_id, documents.event_date, documents.title):
        name = title if isinstance(title, str) and title.strip() else doc_id
        name = name if len(name) <= max_chars else name[:max_chars - 1].rstrip() + "…"
        label = f"{date:%Y-%m-%d} · {name}" if pd.notna(date) else name
        if label in seen:
            label = f"{label} ({doc_id})"
        seen.add(label)
        labels[doc_id] = label
    return labels


def _straight(text: str) -> str:
    """Curly apostrophes made straight (str.replace: much faster than str.translate on long texts).

    >>> _straight("Russia’s ‘view’")
    "Russia's 'view'"
    """
    return text.replace("’", "'").replace("‘", "'")


def terms(text: str) -> list[str]:
    """The words of a text as terms: lower-cased, curly apostrophes made straight.

    >>> terms("Russia’s co-chair said NO.")
    ["russia's", 'co-chair', 'said', 'no']
    """
    text = _straight(text)
    if "İ" in text:  # the one letter whose lower case is two characters (i + a combining dot): word by word
        return [w.lower() for w in words(text)]
    return words(text.lower())  # lower-casing never joins or splits a word otherwise (checked over all of Unicode)


# --------------------------------------------------------------------------------- floor statistics

def speaker_stats(turns: pd.DataFrame, *, per_event: bool = False) -> pd.DataFrame:
    """Who held the floor: turns, words, sentences, shares and turn lengths per speaker.

    Args:
        turns: the `turns` table (or part of it).
        per_event: one row per (doc_id, speaker), shares within each event; otherwise one row per
            speaker across all the turns given, shares of the whole.

    Returns:
        speaker, role (the speaker's most frequent role), n_docs, n_turns, n_words, n_sentences,
        word_share, turn_share, mean_turn_words, median_turn_words, longest_turn_words,
        n_questions (turns that are questions), n_addressed (questions addressed to this speaker),
        sorted by words, most first.
    """
    keys = ["doc_id", "speaker"] if per_event else ["speaker"]
    g = turns.groupby(keys, sort=False)
    out = g.agg(n_docs=("doc_id", "nunique"), n_turns=("turn_index", "size"), n_words=("n_words", "sum"),
                n_sentences=("n_sentences", "sum"), mean_turn_words=("n_words", "mean"),
                median_turn_words=("n_words", "median"), longest_turn_words=("n_words", "max"),
                n_questions=("is_question", "sum")).reset_index()
    out.insert(len(keys), "role", g.role.agg(_mode).to_numpy())
    scope = out.groupby("doc_id") if per_event else None
    total_words = scope.n_words.transform("sum") if per_event else out.n_words.sum()
    total_turns = scope.n_turns.transform("sum") if per_event else out.n_turns.sum()
    out["word_share"] = out.n_words / total_words if len(out) else []
    out["turn_share"] = out.n_turns / total_turns if len(out) else []
    addressed = turns[turns.is_question & turns.addressee.notna()]
    addressed = addressed.groupby(["doc_id", "addressee"] if per_event else ["addressee"]).size()
    idx = pd.MultiIndex.from_frame(out[keys]) if per_event else out.speaker
    out["n_addressed"] = addressed.reindex(idx).fillna(0).astype(int).to_numpy()
    out["mean_turn_words"] = out.mean_turn_words.round(1)
    cols = keys + ["role", "n_docs", "n_turns", "n_words", "n_sentences", "word_share", "turn_share",
                   "mean_turn_words", "median_turn_words", "longest_turn_words", "n_questions", "n_addressed"]
    return out[cols].sort_values(keys[:-1] + ["n_words"], ascending=[True] * (len(keys) - 1) + [False],
                                 ignore_index=True)


def _mode(values: pd.Series) -> str:
    counts = values.value_counts()
    return counts.index[0] if len(counts) else ""


# ------------------------------------------------------------------------------ questions, answers

#: Roles whose turns can answer a question (a moderator passing the floor does not answer).
ANSWER_ROLES = ("official", "other")


def answers_after(recs: list[dict], i: int) -> list[dict]:
    """The turns answering the question `recs[i]`: turns by an official (or `other`) after it, up to the
    next question (a moderator passing the floor is not an answer). `recs` are one event's turns in order.

    >>> recs = [dict(is_question=True, role="press"), dict(is_question=False, role="moderator"),
    ...         dict(is_question=False, role="official"), dict(is_question=False, role="other"),
    ...         dict(is_question=True, role="press"), dict(is_question=False, role="official")]
    >>> [recs.index(r) for r in answers_after(recs, 0)]
    [2, 3]
    """
    found = []
    for nxt in recs[i + 1:]:
        if nxt["is_question"]:
            break
        if nxt["role"] in ANSWER_ROLES:
            found.append(nxt)
    return found


def qa_pairs(turns: pd.DataFrame) -> pd.DataFrame:
    """Each question and the answer that follows it in the transcript.

    The answer is the next turn of the same event, if it is by an official (or `other`) and comes
    before the next question. A question addressed to someone whose answer is not in the transcript
    (in the sample, questions to Michael Pompeo, whose words the Russian transcript leaves out) is
    never given that person's answer: `answered_by` is whoever actually speaks next, and
    `status` says "addressee's answer not in transcript". A question to several people (`addressee`
    "Vladimir Putin; Recep Tayyip Erdogan") is answered by the addressee when any of them speaks next.

    Returns:
        doc_id, question_turn, asker, addressee, question_words, question_text, answer_turn (Int64,
        <NA> when none), answered_by, answer_words, answer_stage_note, addressee_answered (True,
        False, or <NA> when nobody is named), status ("answered", "answered by addressee",
        "addressee's answer not in transcript", "no answer in transcript").
    """
    rows = []
    for doc_id, t in turns.sort_values(["doc_id", "turn_index"]).groupby("doc_id", sort=False):
        recs = t.to_dict("records")
        for i, q in enumerate(recs):
            if not q["is_question"]:
                continue
            answer = next(iter(answers_after(recs, i)), None)  # the first of them
            addressee = q["addressee"] if isinstance(q["addressee"], str) and q["addressee"] else None
            by = answer["speaker"] if answer else None
            if addressee is None:
                answered = pd.NA
                status = "answered" if answer else "no answer in transcript"
            else:
                answered = by in addressee.split("; ")  # several addressees: any of them answering counts
                status = ("answered by addressee" if answered
                          else "addressee's answer not in transcript")
            rows.append(dict(doc_id=doc_id, question_turn=q["turn_index"], asker=q["speaker"],
                             addressee=addressee, question_words=q["n_words"], question_text=q["text"],
                             answer_turn=answer["turn_index"] if answer else pd.NA, answered_by=by,
                             answer_words=answer["n_words"] if answer else pd.NA,
                             answer_stage_note=answer["stage_note"] if answer else None,
                             addressee_answered=answered, status=status))
    cols = ["doc_id", "question_turn", "asker", "addressee", "question_words", "question_text", "answer_turn",
            "answered_by", "answer_words", "answer_stage_note", "addressee_answered", "status"]
    out = pd.DataFrame(rows, columns=cols)
    for col in ("answer_turn", "answer_words"):
        out[col] = out[col].astype("Int64")
    out["addressee_answered"] = out["addressee_answered"].astype("boolean")
    return out


def addressees(pairs: pd.DataFrame) -> pd.DataFrame:
    """Who the questions were put to, and whether that person's answer is in the transcript.

    Returns one row per addressee ("(nobody named)" for questions to the floor): n_questions,
    answered_by_addressee, answer_absent (addressee named, their answer not in the transcript),
    answered_by (who did speak next, e.g. "Sergey Lavrov ×2").
    """
    df = pairs.assign(addressee=pairs.addressee.fillna("(nobody named)"))
    rows = []
    for who, g in df.groupby("addressee", sort=False):
        named = who != "(nobody named)"
        counts = g.answered_by.dropna().value_counts()
        rows.append(dict(addressee=who, n_questions=len(g),
                         answered_by_addressee=int((g.answered_by == who).sum()) if named else pd.NA,
                         answer_absent=int((g.answered_by != who).sum()) if named else pd.NA,
                         answered_by=", ".join(f"{k} ×{v}" for k, v in counts.items()) or None))
    out = pd.DataFrame(rows, columns=["addressee", "n_questions", "answered_by_addressee", "answer_absent",
                                      "answered_by"])
    return out.astype({"answered_by_addressee": "Int64", "answer_absent": "Int64"}).sort_values(
        "n_questions", ascending=False, ignore_index=True)


# ---------------------------------------------------------------------------------------- mentions

def load_gazetteer(path: str | Path | None = None) -> pd.DataFrame:
    """The gazetteer as a table: entity, type, alias (one row per spelling, the name itself included).

    The file is tab-separated: entity, type, aliases separated by "|"; `#` starts a comment.
    """
    path = Path(path) if path else GAZETTEER_FILE
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 2 or not parts[0].strip() or not parts[1].strip():
            raise TranscriptError(path, "a gazetteer line needs at least an entity and a type, separated by a tab",
                                  line=n, hint="Format: entity<TAB>person|country|organisation<TAB>alias|alias")
        entity, kind = parts[0].strip(), parts[1].strip()
        aliases = [a.strip() for a in (parts[2] if len(parts) > 2 else "").split("|") if a.strip()]
        for alias in dict.fromkeys([entity, *aliases]):
            rows.append(dict(entity=entity, type=kind, alias=alias))
    return pd.DataFrame(rows, columns=["entity", "type", "alias"])


def is_generic(speaker: str) -> bool:
    """True for speaker names that stand for a group or a function rather than a person.

    >>> [is_generic(s) for s in ["Press", "Senior Adminstration Official", "Jen Psaki", "MODERATOR"]]
    [True, True, False, True]
    """
    return not isinstance(speaker, str) or not speaker.strip() or bool(_GENERIC.search(speaker))


def speaker_entities(turns: pd.DataFrame, gazetteer: pd.DataFrame) -> pd.DataFrame:
    """Gazetteer rows for the corpus's own named speakers (full name and surname) not already in it.

    Full names are taken first, so "Dr. Fauci" is recognised as the "Anthony Fauci" already added.

    >>> t = pd.DataFrame({"speaker": ["Sergey Lavrov", "Press", "Ms. Psaki", "Jen Psaki"], "role": ["official", "press", "official", "official"]})
    >>> speaker_entities(t, load_gazetteer()).alias.tolist()
    ['Jen Psaki', 'Psaki']
    """
    known = set(gazetteer.alias) | set(gazetteer.entity)
    rows = []
    people = turns[["speaker", "role"]].drop_duplicates("speaker")
    people = people[(people.role != "press") & ~people.speaker.map(is_generic)]
    bares = {name: _HONORIFICS.sub("", name.strip()) for name in people.speaker}
    for name in sorted(bares, key=lambda n: (-len(bares[n].split()), n)):
        bare = bares[name]
        surname = bare.split()[-1] if bare else ""
        if not bare or bare in known or name in known or surname in known or not any(c.isalpha() for c in bare):
            continue
        aliases = [bare] + ([surname] if len(bare.split()) > 1 and len(surname) > 2 else []) + [name.strip()]
        for alias in dict.fromkeys(aliases):
            rows.append(dict(entity=bare, type="person", alias=alias))
            known.add(alias)
    return pd.DataFrame(rows, columns=["entity", "type", "alias"])


def mentions(turns: pd.DataFrame, gazetteer: pd.DataFrame | None = None, *,
             add_speakers: bool = True) -> pd.DataFrame:
    """Who mentions whom: every gazetteer entity named in each turn.

    Matching is case-sensitive, on whole words; where aliases overlap the longest wins
    ("UN Security Council" counts once, not also as "UN").

    Returns:
        doc_id, turn_index, speaker, role, entity, type, n (mentions in that turn).
    """
    gaz = load_gazetteer() if gazetteer is None else gazetteer
    if add_speakers:
        gaz = pd.concat([gaz, speaker_entities(turns, gaz)], ignore_index=True)
    cols = ["doc_id", "turn_index", "speaker", "role", "entity", "type", "n"]
    if gaz.empty or turns.empty:
        return pd.DataFrame(columns=cols)
    by_alias = {a.translate(_APOSTROPHES): (e, k) for e, k, a in gaz[["entity", "type", "alias"]].itertuples(index=False)}
    alts = sorted(by_alias, key=len, reverse=True)
    # Hyphens are boundaries here ("Russia-US talks" names both), and a possessive still names ("Russia's").
    pattern = re.compile(_first_chars(alts) + r"(?<![\w'])(?:" + "|".join(re.escape(a) for a in alts) + r")(?!\w)")
    rows = []
    for rec in turns[["doc_id", "turn_index", "speaker", "role", "text"]].itertuples(index=False):
        found = Counter(by_alias[m.group(0)] for m in pattern.finditer(_straight(str(rec.text))))
        for (entity, kind), n in found.items():
            rows.append((rec.doc_id, rec.turn_index, rec.speaker, rec.role, entity, kind, n))
    return pd.DataFrame(rows, columns=cols)


def _first_chars(alternatives: Iterable[str]) -> str:
    """A lookahead for the characters the alternatives start with: it rejects most positions of a
    text at once, before the long alternation is tried (several times faster on a corpus)."""
    return "(?=[" + "".join(sorted({re.escape(a[0]) for a in alternatives if a})) + "])"


def mention_matrix(found: pd.DataFrame, *, by: str = "speaker", top: int = 20) -> pd.DataFrame:
    """Mentions counted per speaker (rows) and entity (columns), the `top` most mentioned entities."""
    if found.empty:
        return pd.DataFrame()
    keep = found.groupby("entity").n.sum().nlargest(top).index
    m = found[found.entity.isin(keep)].pivot_table(index=by, columns="entity", values="n", aggfunc="sum",
                                                   fill_value=0)
    return m[list(keep)]


# ---------------------------------------------------------------------------- how each side talks

def mattr(tokens: Sequence[str], window: int = 50) -> float:
    """Moving-average type-token ratio (Covington & McFall 2010): the mean, over every window of
    `window` consecutive tokens, of distinct tokens / window. Unlike the plain type-token ratio it
    does not fall as a text grows, so speakers with different amounts of speech compare. A text
    shorter than the window gets its plain type-token ratio; no tokens gives NaN.

    >>> mattr("a b a c".split(), window=2)
    1.0
    >>> mattr("a a a".split(), window=5)
    0.3333333333333333
    """
    if len(tokens) == 0:
        return float("nan")
    return _mattr_ids(pd.factorize(np.asarray(tokens, dtype=object))[0], window)


def _mattr_ids(ids: np.ndarray, window: int) -> float:
    """`mattr` of tokens given as integer ids (equal ids, equal tokens)."""
    n = len(ids)
    if n == 0:
        return float("nan")
    if n <= window:
        return len(np.unique(ids)) / n
    # The sum of distinct counts over all windows, counted per position instead of per window: position k
    # adds one to every window [s, s + window - 1] that contains it and not the previous occurrence of its
    # token (prev[k]), i.e. to s in max(prev[k] + 1, k - window + 1, 0) … min(k, n - window).
    pos = np.arange(n)
    order = np.argsort(ids, kind="stable")  # positions grouped by token, each group in text order
    prev = np.full(n, -1, dtype=np.int64)
    same = ids[order[1:]] == ids[order[:-1]]
    prev[order[1:][same]] = order[:-1][same]
    first = np.maximum(np.maximum(prev + 1, pos - window + 1), 0)
    last = np.minimum(pos, n - window)
    total = np.clip(last - first + 1, 0, None).sum()
    return float(total) / (n - window + 1) / window


class _TermIds:
    """Each text's `terms` as an array of integer ids into one growing vocabulary, remembered by text.

    Speaker profiles, per-event profiles and distinctive words all read every turn's words; with this
    the words of a turn are found once per kernel, not once per analysis. Memory: 4 bytes a word plus
    the vocabulary; forgotten past `max_texts` texts.
    """

    def __init__(self, max_texts: int = 400_000) -> None:
        self.max_texts = max_texts
        self.vocab: list[str] = []
        self.index: dict[str, int] = {}
        self.by_text: dict[str, np.ndarray] = {}

    def __call__(self, text: str) -> np.ndarray:
        ids = self.by_text.get(text)
        if ids is None:
            if len(self.by_text) >= self.max_texts:
                self.by_text.clear()
            index, vocab = self.index, self.vocab
            out = []
            for w in terms(text):
                i = index.get(w)
                if i is None:
                    i = index[w] = len(vocab)
                    vocab.append(w)
                out.append(i)
            ids = self.by_text[text] = np.array(out, dtype=np.int32)
        return ids

    def many(self, texts: Iterable) -> np.ndarray:
        arrays = [self(str(t)) for t in texts]
        return np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int32)


_term_ids = _TermIds()


def lexical_diversity(turns: pd.DataFrame, *, by: Sequence[str] = ("speaker",), window: int = 50) -> pd.DataFrame:
    """MATTR per group over the group's words in event and turn order (windows may span turns).

    Returns the `by` columns, n_terms, mattr, and mattr_short (True when the group has fewer
    words than the window, so `mattr` is the plain type-token ratio).
    """
    rows = []
    for key, g in turns.sort_values(["doc_id", "turn_index"]).groupby(list(by), sort=False):
        ids = _term_ids.many(g.text)
        key = key if isinstance(key, tuple) else (key,)
        rows.append(dict(zip(by, key), n_terms=len(ids), mattr=_mattr_ids(ids, window), mattr_short=len(ids) < window))
    return pd.DataFrame(rows, columns=[*by, "n_terms", "mattr", "mattr_short"])


def load_markers(path: str | Path | None = None) -> pd.DataFrame:
    """The hedging and certainty markers: category, phrase (lower-cased, apostrophes straight)."""
    path = Path(path) if path else MARKERS_FILE
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise TranscriptError(path, "a marker line needs a category and a phrase, separated by one tab",
                                  line=n, hint="Format: hedging<TAB>we believe")
        rows.append(dict(category=parts[0].strip(), phrase=" ".join(parts[1].lower().translate(_APOSTROPHES).split())))
    return pd.DataFrame(rows, columns=["category", "phrase"]).drop_duplicates("phrase", ignore_index=True)


def marker_hits(turns: pd.DataFrame, markers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every marker occurrence per turn: doc_id, turn_index, speaker, role, category, phrase, n.

    Case-insensitive whole-word matching; the longest listed phrase wins where two overlap.
    """
    markers = load_markers() if markers is None else markers
    cols = ["doc_id", "turn_index", "speaker", "role", "category", "phrase", "n"]
    if markers.empty or turns.empty:
        return pd.DataFrame(columns=cols)
    category = dict(zip(markers.phrase, markers.category))
    alts = sorted(category, key=len, reverse=True)
    pattern = re.compile(_first_chars(alts) + r"(?<![\w'\-])(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in alts)
                         + r")(?![\w\-]|'\w)")
    rows = []
    for rec in turns[["doc_id", "turn_index", "speaker", "role", "text"]].itertuples(index=False):
        found = Counter(" ".join(m.group(0).split())
                        for m in pattern.finditer(_straight(str(rec.text).lower())))
        for phrase, n in found.items():
            rows.append((rec.doc_id, rec.turn_index, rec.speaker, rec.role, category[phrase], phrase, n))
    return pd.DataFrame(rows, columns=cols)


def top_markers(hits: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """Each speaker's `n` most used markers of each category: speaker, category, phrase, n."""
    counts = hits.groupby(["speaker", "category", "phrase"]).n.sum().reset_index()
    counts = counts.sort_values(["speaker", "category", "n", "phrase"], ascending=[True, True, False, True])
    return counts.groupby(["speaker", "category"]).head(n).reset_index(drop=True)


def marker_rates(turns: pd.DataFrame, markers: pd.DataFrame | None = None, *,
                 by: Sequence[str] = ("speaker",), hits: pd.DataFrame | None = None) -> pd.DataFrame:
    """Hedging and certainty markers per 1,000 words, per group.

    Pass `hits` (from `marker_hits(turns, markers)`) to reuse matches already made.
    Returns the `by` columns, n_words, then for each category: `<category>` (count) and
    `<category>_per_1k`.
    """
    markers = load_markers() if markers is None else markers
    hits = marker_hits(turns, markers) if hits is None else hits
    by = list(by)
    out = turns.groupby(by, sort=False).n_words.sum().rename("n_words").to_frame()
    for cat in dict.fromkeys(markers.category):
        n = hits[hits.category == cat].groupby(by).n.sum()
        out[cat] = n.reindex(out.index).fillna(0).astype(int)
        out[f"{cat}_per_1k"] = (1000 * out[cat] / out.n_words.where(out.n_words > 0)).round(2)
    return out.reset_index()


def sentence_tone(sentences: pd.DataFrame, *, progress: bool = True, cache_dir: str | Path | None = None,
                  workers: int | None = None) -> pd.DataFrame:
    """VADER's compound tone (-1 most negative … +1 most positive) for each sentence: `sentences` with
    a `tone` column.

    Uses the `vaderSentiment` package, which ships its lexicon (no download). VADER was built for
    short social-media texts: read it as a coarse signal of tone, compared between speakers,
    not as a measure of any one sentence. Scores are VADER's own, computed faster (`transcripts.tone`).
    Documents are scored apart, on every core (`workers`), and with `cache_dir` (the build's `.cache`
    folder) kept until their sentences change.
    """
    import vaderSentiment.vaderSentiment as vader

    from . import percache

    if sentences.empty:
        return sentences.assign(tone=pd.Series(dtype=float))
    key = percache.fingerprint(percache.code_fingerprint(), vader, getattr(vader, "__version__", ""))
    scored = percache.per_document(sentences[["doc_id", "text"]].astype({"text": str}), _document_tone, name="tone",
                                   key=key, cache_dir=cache_dir, workers=workers, progress=progress,
                                   desc="Tone (VADER)", aligned=True)
    return sentences.assign(tone=scored["tone"].to_numpy(dtype=float))


def _document_tone(part: pd.DataFrame) -> pd.DataFrame:
    """VADER compound scores of one document's sentences, in order (each distinct text scored once)."""
    from .tone import compound

    scores: dict[str, float] = {}
    tone = []
    for text in part.text:
        score = scores.get(text)
        if score is None:
            score = scores[text] = compound(text)
        tone.append(score)
    return pd.DataFrame({"tone": tone})


def tone_by(toned: pd.DataFrame, turns: pd.DataFrame, *, by: Sequence[str] = ("speaker",)) -> pd.DataFrame:
    """Tone per group: mean compound score, and the shares of sentences VADER calls positive
    (compound ≥ 0.05) and negative (≤ -0.05), its authors' thresholds.
    """
    by = list(by)
    df = toned.merge(turns[["doc_id", "turn_index", "speaker", "role"]], on=["doc_id", "turn_index"], how="left")
    df = df.assign(_pos=(df.tone >= 0.05).astype(float), _neg=(df.tone <= -0.05).astype(float))
    g = df.groupby(by, sort=False)
    return pd.DataFrame({"tone_mean": g.tone.mean().round(3), "share_positive": g._pos.mean().round(3),
                         "share_negative": g._neg.mean().round(3)}).reset_index()


def speaker_profile(turns: pd.DataFrame, sentences: pd.DataFrame, *, per_event: bool = False, window: int = 50,
                    markers: pd.DataFrame | None = None, toned: pd.DataFrame | None = None,
                    hits: pd.DataFrame | None = None) -> pd.DataFrame:
    """`speaker_stats` plus MATTR, hedging/certainty per 1,000 words and VADER tone, one row per speaker
    (per event and speaker with `per_event`). Pass `toned` (from `sentence_tone`) and `hits` (from
    `marker_hits`) to reuse work already done.
    """
    keys = ["doc_id", "speaker"] if per_event else ["speaker"]
    out = speaker_stats(turns, per_event=per_event)
    div = lexical_diversity(turns, by=keys, window=window).drop(columns="n_terms")
    rates = marker_rates(turns, markers, by=keys, hits=hits).drop(columns="n_words")
    toned = sentence_tone(sentences) if toned is None else toned
    tone = tone_by(toned, turns, by=keys)
    for part in (div, rates, tone):
        out = out.merge(part, on=keys, how="left")
    return out


# --------------------------------------------------------------------------- distinctive vocabulary

def term_counts(texts: Iterable[str]) -> Counter:
    """Counts of `terms` over several texts.

    >>> term_counts(["We agree.", "We do not agree"])["agree"]
    2
    """
    counts: Counter = Counter()
    for text in texts:
        counts.update(terms(str(text)))
    return counts


def log_odds(counts_a: dict | pd.Series, counts_b: dict | pd.Series, *, prior: dict | pd.Series | None = None,
             prior_strength: float = 1.0) -> pd.DataFrame:
    """Weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008,
    "Fightin' Words", section 3.5): how much more group A uses each term than group B.

    For a term w with counts y_a, y_b in groups of n_a, n_b words, and prior pseudo-counts
    a_w = a_0 · p_w where p_w is w's share of the prior (default: both groups together) and
    a_0 = prior_strength · min(n_a, n_b):

        delta_w = log((y_a + a_w) / (n_a + a_0 - y_a - a_w)) - log((y_b + a_w) / (n_b + a_0 - y_b - a_w))
        var_w  ≈ 1 / (y_a + a_w) + 1 / (y_b + a_w)
        z_w    = delta_w / sqrt(var_w)

    Tying a_0 to the smaller group's words makes the default work at any scale: with strength 1 the
    prior counts as much as the smaller side's own speech, whether that is 319 words of questions in
    one event or a million words of briefings. Multiplying every count by k leaves log_odds as they
    are and multiplies every z by sqrt(k), so the ranking by z does not depend on corpus size.

    Returns:
        term, count_a, count_b, prior (a_w), log_odds (delta), z; sorted by z, highest first.
    """
    a = pd.Series(counts_a, dtype=float)
    b = pd.Series(counts_b, dtype=float)
    vocab = np.array(sorted(set(a.index) | set(b.index)), dtype=object)
    a, b = a.reindex(vocab, fill_value=0.0).to_numpy(), b.reindex(vocab, fill_value=0.0).to_numpy()
    p = (a + b) if prior is None else pd.Series(prior, dtype=float).reindex(vocab, fill_value=0.0).to_numpy()
    delta, z, aw = _log_odds_arrays(a, b, p, prior_strength)
    order = np.lexsort((np.arange(len(vocab)), -z))  # z descending, then alphabetical
    return pd.DataFrame({"term": vocab[order], "count_a": a[order].astype(int), "count_b": b[order].astype(int),
                         "prior": aw[order], "log_odds": delta[order], "z": z[order]})


def _log_odds_arrays(a: np.ndarray, b: np.ndarray, p: np.ndarray,
                     prior_strength: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`log_odds` on aligned count arrays: (delta, z, a_w)."""
    if p.sum() <= 0:
        raise TranscriptError(None, "the prior has no counts for any term", hint="Pass non-empty counts")
    n_a, n_b = a.sum(), b.sum()
    a0 = prior_strength * min(n_a, n_b)
    if a0 <= 0:
        raise TranscriptError(None, "log-odds need words in both groups and a positive prior strength",
                              hint=f"Group sizes: {int(n_a)} and {int(n_b)} words; prior_strength={prior_strength}")
    aw = a0 * p / p.sum()
    aw = np.where(aw > 0, aw, 1e-9 * a0)  # terms absent from an external prior
    delta = np.log((a + aw) / (n_a + a0 - a - aw)) - np.log((b + aw) / (n_b + a0 - b - aw))
    z = delta / np.sqrt(1 / (a + aw) + 1 / (b + aw))
    return delta, z, aw


def group_term_counts(turns: pd.DataFrame, by: str = "speaker") -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Term counts per group, as arrays over one alphabetical vocabulary: (vocab, {group: counts})."""
    per_group: dict[str, np.ndarray] = {}
    for key, texts in turns.groupby(by, sort=False).text:
        per_group[key] = _term_ids.many(texts)
    size = len(_term_ids.vocab)
    counts = {key: np.bincount(ids, minlength=size) for key, ids in per_group.items()}
    present = np.flatnonzero(sum(counts.values())) if counts else np.zeros(0, dtype=np.int64)
    vocab_all = np.array(_term_ids.vocab, dtype=object)
    order = present[np.argsort(vocab_all[present], kind="stable")] if len(present) else present
    vocab = vocab_all[order] if len(order) else np.array([], dtype=object)
    return vocab, {key: c[order].astype(float) for key, c in counts.items()}


DW_COLUMNS = ["comparison", "group", "term", "count", "count_other", "per_1k", "log_odds", "z", "rank"]


def distinctive_words(turns: pd.DataFrame, *, by: str = "speaker", groups: Sequence[str] | None = None,
                      against: str = "rest", prior_strength: float = 1.0, min_count: int = 3,
                      min_group_words: int = 50, max_terms: int | None = None,
                      counts: tuple[np.ndarray, dict[str, np.ndarray]] | None = None) -> pd.DataFrame:
    """Fightin' Words for each group (speaker, or role, …) against the rest of the turns given.

    Args:
        turns: turns to compare (e.g. only press and official turns for "press vs officials").
        by: the column that defines the groups.
        groups: the groups to score (default: every group with at least `min_group_words` words).
        against: label for the comparison, e.g. "rest" or "official".
        prior_strength: see `log_odds`; 1.0 by default.
        min_count: keep terms used at least this often in both groups together.
        min_group_words: skip groups with fewer words (too little speech to say anything).
        max_terms: keep at most this many of a group's highest-z, lowest-z and most frequent terms
            each (bounds the table on a large corpus); None keeps every term over `min_count`.
        counts: `group_term_counts(turns, by)`, when already computed.

    Returns:
        comparison ("<group> vs <against>"), group, term, count (in the group), count_other,
        per_1k (count per 1,000 of the group's words), log_odds, z, rank (1 = most distinctive of
        the group); both signs (negative z: the group avoids the term).
    """
    vocab, by_group = counts if counts is not None else group_term_counts(turns, by)
    if not by_group:
        return pd.DataFrame(columns=DW_COLUMNS)
    total = sum(by_group.values())
    sizes = {k: c.sum() for k, c in by_group.items()}
    if groups is None:
        groups = [k for k, n in sorted(sizes.items(), key=lambda kv: -kv[1]) if n >= min_group_words]
    frames = []
    for key in groups:
        if key not in by_group:
            raise TranscriptError(None, f"no turns with {by} = {key!r}",
                                  hint=f"Groups present: {', '.join(map(str, by_group))}")
        mine = by_group[key]
        rest = total - mine
        if rest.sum() <= 0 or mine.sum() <= 0:
            continue
        delta, z, _ = _log_odds_arrays(mine, rest, total, prior_strength)
        keep = np.flatnonzero(total >= min_count)
        keep = keep[np.lexsort((keep, -z[keep]))]  # z descending, then alphabetical
        rank = np.arange(1, len(keep) + 1)
        if max_terms is not None and len(keep) > 3 * max_terms:
            frequent = np.zeros(len(keep), dtype=bool)
            frequent[np.argsort(-total[keep], kind="stable")[:max_terms]] = True
            sel = (rank <= max_terms) | (rank > len(keep) - max_terms) | frequent
            keep, rank = keep[sel], rank[sel]
        n = sizes[key]
        frames.append(pd.DataFrame({
            "comparison": f"{key} vs {against}", "group": key, "term": vocab[keep], "count": mine[keep].astype(int),
            "count_other": rest[keep].astype(int), "per_1k": np.round(1000 * mine[keep] / n, 3),
            "log_odds": np.round(delta[keep], 4), "z": np.round(z[keep], 3), "rank": rank}))
    return pd.concat(frames, ignore_index=True)[DW_COLUMNS] if frames else pd.DataFrame(columns=DW_COLUMNS)


def press_vs_officials(turns: pd.DataFrame, **kwargs) -> pd.DataFrame:
    """Fightin' Words for the press against the officials (both sides: press vs official, official vs press)."""
    both = turns[turns.role.isin(["press", "official"])]
    if both.role.nunique() < 2:
        return pd.DataFrame(columns=DW_COLUMNS)
    counts = group_term_counts(both, "role")
    press = distinctive_words(both, by="role", groups=["press"], against="official", counts=counts, **kwargs)
    official = distinctive_words(both, by="role", groups=["official"], against="press", counts=counts, **kwargs)
    return pd.concat([press, official], ignore_index=True)


def top_terms(dw: pd.DataFrame, n: int = 15) -> pd.DataFrame:
    """The `n` most distinctive terms (highest z, positive only) of each comparison."""
    pos = dw[dw.z > 0]
    return pos.sort_values(["comparison", "rank"]).groupby("comparison", sort=False).head(n).reset_index(drop=True)


# --------------------------------------------------------------------------- keyword in context

def keyword_in_context(sentences: pd.DataFrame, turns: pd.DataFrame, picks: pd.DataFrame, *,
                       by: str = "speaker", documents: pd.DataFrame | None = None, per_term: int = 3,
                       width: int = 60) -> pd.DataFrame:
    """Occurrences of each picked term in its group's sentences, with speaker, event and sentence.

    Args:
        sentences, turns: the processed tables.
        picks: rows with `group` and `term` (e.g. from `top_terms`); `group` is a value of `by`.
        by: the turns column the groups come from ("speaker" or "role").
        documents: when given, adds each event's date and title.
        per_term: at most this many occurrences per (group, term), from different events where
            there are several.
        width: characters of context on each side.

    Returns:
        group, term, doc_id, (event_date, title), turn_index, sentence_index, speaker, left,
        keyword, right, sentence.
    """
    cols = ["group", "term", "doc_id", "turn_index", "sentence_index", "speaker", "left", "keyword", "right",
            "sentence"]
    s = sentences.merge(turns[["doc_id", "turn_index", "speaker", "role"]], on=["doc_id", "turn_index"])
    s = s.sort_values(["doc_id", "turn_index", "sentence_index"])
    rows = []
    rows_of = s.groupby(by, sort=False).indices  # one pass, not one comparison of every row per group
    for group, wanted in picks.groupby("group", sort=False):
        want = list(dict.fromkeys(wanted.term))
        if not want:
            continue
        found = dict.fromkeys(want, 0)
        pattern = re.compile(r"(?<![\w'\-])(" + "|".join(re.escape(w) for w in sorted(want, key=len, reverse=True))
                             + r")(?![\w\-]|'\w)", re.IGNORECASE)
        mine = s.iloc[rows_of.get(group, [])]
        taken: set[tuple] = set()
        # First pass: at most one occurrence per term and event, so contexts spread over events;
        # second pass (one event, or few events): fill up to `per_term`.
        for per_doc in (1, per_term):
            per_term_doc: Counter = Counter()
            for rec in mine.itertuples(index=False):
                text = str(rec.text)
                for m in pattern.finditer(_straight(text)):
                    term = m.group(1).lower()
                    where = (term, rec.doc_id, rec.turn_index, rec.sentence_index, m.start())
                    if (found.get(term, per_term) >= per_term or per_term_doc[term, rec.doc_id] >= per_doc
                            or where in taken):
                        continue
                    found[term] += 1
                    per_term_doc[term, rec.doc_id] += 1
                    taken.add(where)
                    left = text[max(0, m.start() - width):m.start()]
                    right = text[m.end():m.end() + width]
                    rows.append(dict(group=group, term=term, doc_id=rec.doc_id, turn_index=rec.turn_index,
                                     sentence_index=rec.sentence_index, speaker=rec.speaker,
                                     left=("…" if m.start() > width else "") + left, keyword=text[m.start():m.end()],
                                     right=right + ("…" if m.end() + width < len(text) else ""), sentence=text))
                if all(v >= per_term for v in found.values()):
                    break
            if all(v >= per_term for v in found.values()):
                break
    out = pd.DataFrame(rows, columns=cols)
    if documents is not None:
        out = out.merge(documents[["doc_id", "event_date", "title"]], on="doc_id", how="left")
        out = out[cols[:3] + ["event_date", "title"] + cols[3:]]
    order = {(g, t): i for i, (g, t) in enumerate(zip(picks.group, picks.term))}
    return out.assign(_o=[order.get((g, t), 0) for g, t in zip(out.group, out.term)]).sort_values(
        ["_o", "doc_id", "turn_index", "sentence_index"], kind="stable").drop(columns="_o").reset_index(drop=True)


# ----------------------------------------------------------------------------------- over time

def monthly_activity(turns: pd.DataFrame, documents: pd.DataFrame, *, roles: Sequence[str] = ("official",),
                     speakers: Sequence[str] | None = None, top: int = 8, named_only: bool = True) -> pd.DataFrame:
    """Each speaker's airtime and turns per month (by the event's date).

    Args:
        roles: only speakers with these roles (default: officials, e.g. the press secretaries).
        speakers: only these speakers (default: the `top` speakers by words over the whole period).
        named_only: leave out speakers that stand for a function ("Senior Administration Official").

    Returns:
        month (first day, datetime64), speaker, n_docs, n_turns, n_words, word_share (of all words
        spoken in that month's events, press included). Events without a date are left out.
    """
    dated = turns.merge(documents[["doc_id", "event_date"]], on="doc_id").dropna(subset=["event_date"])
    dated = dated.assign(month=dated.event_date.dt.to_period("M").dt.to_timestamp())
    month_words = dated.groupby("month").n_words.sum()
    mine = dated[dated.role.isin(roles)]
    if named_only:
        mine = mine[~mine.speaker.map(is_generic)]
    if speakers is None:
        speakers = mine.groupby("speaker").n_words.sum().nlargest(top).index.tolist()
    mine = mine[mine.speaker.isin(speakers)]
    out = mine.groupby(["month", "speaker"]).agg(n_docs=("doc_id", "nunique"), n_turns=("turn_index", "size"),
                                                  n_words=("n_words", "sum")).reset_index()
    out["word_share"] = (out.n_words / out.month.map(month_words)).round(4)
    return out.sort_values(["month", "n_words"], ascending=[True, False], ignore_index=True)
