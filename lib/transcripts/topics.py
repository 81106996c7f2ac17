"""Topics: what an event was about, in what order, and how an agenda shifts over time.

- **Dictionary tagging** with an editable lexicon (`resources/topic_lexicon.yaml`): every sentence
  gets the topics whose terms it contains, with the matched words, so each tag can be explained.
  All terms of all topics are compiled into two prefix-tree regular expressions (one for terms in
  any case, one for terms matched as written), so a corpus is scanned in one pass per expression.
- **Within one event**: topic flow by position (word offset, turn), contiguous topic segments, and
  for each question the question's topics against its answer's (stayed on topic, widened, changed
  subject).
- **Across a corpus**: topic share per day, week, month, quarter or year, per 1,000 words and per
  document, with the counts behind each figure.
- **Discovery**: TF-IDF + NMF themes (fixed random state) with top terms, example sentences and
  their overlap with the lexicon, so an analyst can see what the lexicon lacks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import TranscriptError
from .paths import RESOURCES_DIR, resolve
from .speakers import answers_after

LEXICON_FILE = RESOURCES_DIR / "topic_lexicon.yaml"
STOPWORDS_FILE = RESOURCES_DIR / "topic_stopwords.txt"

#: Q/A shift categories, in the order tables and charts list them.
SHIFTS = ("stayed on topic", "widened", "changed subject", "question untagged", "answer untagged", "no answer")
#: Period names accepted by `topic_timeline`, and the pandas period each stands for.
FREQS = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}

_SEPARATOR = "\n"  # between sentences when a corpus is scanned in one string; no term can match it
_TERM_OK = re.compile(r"^[^\W_][\w .'’\-&]*\*?$")
_KEY_DROP = re.compile(r"[ \-]+")


# ---------------------------------------------------------------------------------------------
# The lexicon

@dataclass
class Lexicon:
    """Topics and their terms, compiled for fast matching.

    Attributes:
        topics: one row per topic: topic, label, n_terms, terms (readable, "; "-joined).
        path: the file it was read from (None when built from a dict).
    """

    topics: pd.DataFrame
    path: Path | None = None
    _ci: re.Pattern | None = field(default=None, repr=False)
    _cs: re.Pattern | None = field(default=None, repr=False)
    _lookup: dict = field(default_factory=dict, repr=False)

    @property
    def ids(self) -> list[str]:
        """Topic ids in lexicon order."""
        return list(self.topics.topic)

    @property
    def labels(self) -> dict[str, str]:
        """Topic id → readable label."""
        return dict(zip(self.topics.topic, self.topics.label))


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Read a topic lexicon (YAML; see the header of `resources/topic_lexicon.yaml`).

    Args:
        path: the lexicon file; None or "" for the shipped one. Relative paths are taken from the
            project root.

    Raises:
        TranscriptError: the file is missing or malformed (names the file, the line and the topic).
    """
    import yaml

    src = LEXICON_FILE if not path else resolve(path)
    if not src.is_file():
        raise TranscriptError(src, "topic lexicon not found", hint="Pass the path of a YAML lexicon, or leave it "
                              "empty for the shipped resources/topic_lexicon.yaml")
    text = src.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise TranscriptError(src, f"not valid YAML ({getattr(exc, 'problem', exc)})",
                              line=mark.line + 1 if mark else None,
                              hint="Compare with the shipped resources/topic_lexicon.yaml") from None
    entries = data.get("topics") if isinstance(data, dict) else data
    if not isinstance(entries, list) or not entries:
        raise TranscriptError(src, "no topics found", hint="The file needs a `topics:` list of entries "
                              "with id, label and terms")
    return lexicon_from_entries(entries, path=src, text=text)


def lexicon_from_entries(entries: list[dict], *, path: Path | None = None, text: str = "") -> Lexicon:
    """Build a lexicon from a list of `{id, label, terms, exact_case}` dicts (checked).

    >>> lex = lexicon_from_entries([{"id": "iran", "label": "Iran", "terms": ["Iran*"], "exact_case": ["JCPOA"]}])
    >>> lex.ids, lex.labels["iran"]
    (['iran'], 'Iran')
    """
    rows, seen = [], set()
    ci_terms: list[tuple[str, str]] = []
    cs_terms: list[tuple[str, str]] = []
    for n, entry in enumerate(entries, start=1):
        topic_id = entry.get("id") if isinstance(entry, dict) else None
        where = _line_of_id(text, topic_id, nth=sum(isinstance(e, dict) and e.get("id") == topic_id
                                                    for e in entries[:n - 1]))
        if not isinstance(entry, dict):
            raise TranscriptError(path, f"topic entry {n} is not a mapping of id, label, terms", line=where)
        unknown = set(entry) - {"id", "label", "terms", "exact_case", "description"}
        if unknown:
            raise TranscriptError(path, f"topic entry {n} has unknown key(s) {', '.join(sorted(unknown))}", line=where,
                                  hint="Allowed keys: id, label, terms, exact_case, description")
        topic = entry.get("id")
        if not isinstance(topic, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", topic):
            raise TranscriptError(path, f"topic entry {n} needs an id in lower case with underscores, got {topic!r}",
                                  line=where)
        if topic in seen:
            raise TranscriptError(path, f"topic id {topic!r} appears twice", line=where)
        seen.add(topic)
        terms = _term_list(entry.get("terms"), path, topic, "terms", where)
        exact = _term_list(entry.get("exact_case"), path, topic, "exact_case", where)
        if not terms and not exact:
            raise TranscriptError(path, f"topic {topic!r} has no terms", line=where,
                                  hint="Give it a `terms:` list (any case) or an `exact_case:` list")
        ci_terms += [(topic, t) for t in terms]
        cs_terms += [(topic, t) for t in exact]
        rows.append(dict(topic=topic, label=str(entry.get("label") or topic.replace("_", " ").capitalize()),
                         n_terms=len(terms) + len(exact), terms="; ".join(terms + exact)))
    lex = Lexicon(pd.DataFrame(rows, columns=["topic", "label", "n_terms", "terms"]), path=path)
    lex._ci, lookup_ci = _compile(ci_terms, case_sensitive=False)
    lex._cs, lookup_cs = _compile(cs_terms, case_sensitive=True)
    lex._lookup = {False: lookup_ci, True: lookup_cs}
    return lex


@lru_cache(maxsize=4)
def _cached_lexicon(path: str) -> Lexicon:
    return load_lexicon(path or None)


def default_lexicon() -> Lexicon:
    """The shipped lexicon (read once per process)."""
    return _cached_lexicon("")


def _line_of_id(text: str, topic: object, *, nth: int = 0) -> int | None:
    """Line of the `nth` (0-based) `id: <topic>` in the lexicon file's text, for error messages."""
    if not text or not isinstance(topic, str):
        return None
    found = list(re.finditer(rf"^\s*-?\s*id:\s*['\"]?{re.escape(topic)}['\"]?\s*$", text, re.M))
    return text.count("\n", 0, found[nth].start()) + 1 if len(found) > nth else None


def _term_list(value: object, path: Path | None, topic: str, key: str, line: int | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise TranscriptError(path, f"topic {topic!r}: `{key}` must be a list of words and phrases", line=line)
    terms = []
    for term in value:
        term = " ".join(str(term).split())
        if not _TERM_OK.match(term):
            raise TranscriptError(path, f"topic {topic!r}: term {term!r} in `{key}` is not a word or phrase",
                                  line=line, hint="Use letters, digits, spaces, hyphens, apostrophes, dots; "
                                                  "a * only at the end")
        terms.append(term)
    return terms


# ---------------------------------------------------------------------------------------------
# Compiling terms into one prefix-tree pattern

_SPACE_TOKEN, _HYPHEN_TOKEN, _APOSTROPHE_TOKEN, _WILD_TOKEN = r"[ \-]+", r"[ \-]?", "['’]", r"\w*"


def _tokens(term: str, *, case_sensitive: bool) -> list[str]:
    r"""A term as regex tokens: letters, separators (space, hyphen, apostrophe) and a trailing *.

    Terms matched in any case are matched against title-cased text (`str.title`: a letter is upper
    case exactly when it follows a character that is not a letter), so their letters are written
    that way; a letter after a space or hyphen may be either.

    >>> _tokens("Counter-terror*", case_sensitive=False)
    ['C', 'o', 'u', 'n', 't', 'e', 'r', '[ \\-]?', '[Tt]', 'e', 'r', 'r', 'o', 'r', '\\w*']
    """
    out: list[str] = []
    prev = ""
    for i, ch in enumerate(term):
        if ch == "*" and i == len(term) - 1:
            out.append(_WILD_TOKEN)
        elif ch == " ":
            out.append(_SPACE_TOKEN)
        elif ch == "-":
            out.append(_HYPHEN_TOKEN)
        elif ch in "'’":
            out.append(_APOSTROPHE_TOKEN)
        elif case_sensitive or not ch.isalpha():
            out.append(re.escape(ch))
        elif prev and prev in " -":
            out.append(f"[{ch.upper()}{ch.lower()}]")
        else:
            out.append(ch.lower() if prev.isalpha() else ch.upper())
        prev = ch
    return out


def _key(text: str, *, case_sensitive: bool) -> str:
    """Lookup key of a term or a matched text: separators dropped, apostrophes unified, case folded
    unless case matters.

    >>> _key("Counter-Terrorism", case_sensitive=False), _key("New  START", case_sensitive=True)
    ('counterterrorism', 'NewSTART')
    """
    key = _KEY_DROP.sub("", text.replace("’", "'"))
    return key if case_sensitive else key.lower()


def _compile(terms: list[tuple[str, str]], *, case_sensitive: bool) -> tuple[re.Pattern | None, dict]:
    """One regex for all (topic, term) pairs, shaped as a prefix tree so matching stays fast with
    hundreds of terms, plus the lookup from a matched text back to its topics and terms."""
    trie: dict = {}
    exact: dict[str, dict[str, str]] = {}
    wild: dict[str, dict[str, str]] = {}
    for topic, term in terms:
        node = trie
        for tok in _tokens(term, case_sensitive=case_sensitive):
            node = node.setdefault(tok, {})
        node[""] = True
        stem = term[:-1] if term.endswith("*") else term
        table = wild if term.endswith("*") else exact
        table.setdefault(_key(stem, case_sensitive=case_sensitive), {}).setdefault(topic, term)
    lookup = dict(exact=exact, wild=wild, wild_lengths=sorted({len(k) for k in wild}, reverse=True))
    if not trie:
        return None, lookup
    # Every term starts with one letter or digit, written as a literal (upper case in title-cased
    # text): a pattern whose alternatives all start with a literal lets the regex engine skip in C
    # to candidate characters (mostly word starts), instead of trying the pattern at every
    # position. The word-start check (the character before the first one is not a word
    # character) comes right after that first character.
    kids = sorted(trie, key=_child_order)
    alts = [k + r"(?<!\w.)" + _emit(trie[k]) for k in kids]
    return re.compile("(?:" + "|".join(alts) + r")(?!\w)"), lookup


def _child_order(token: str) -> tuple:
    return (token == _WILD_TOKEN, token in (_SPACE_TOKEN, _HYPHEN_TOKEN), token)


def _emit(node: dict) -> str:
    """Regex for a prefix-tree node: children in a fixed order (letters, then separators, then the
    wildcard, so longer phrases are tried before word endings); the end of a term makes the rest
    optional, and greedy, so the longest term wins."""
    kids = sorted((k for k in node if k), key=_child_order)
    if not kids:
        return ""
    alts = [k + _emit(node[k]) for k in kids]
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    if "" in node:
        return "(?:" + body + ")?"
    return body


def _topics_of(matched: str, lookup: dict, *, case_sensitive: bool) -> dict[str, str]:
    """Topic → lexicon term for a matched text."""
    key = _key(matched, case_sensitive=case_sensitive)
    hits = dict(lookup["exact"].get(key, {}))
    for n in lookup["wild_lengths"]:
        if n <= len(key):
            for topic, term in lookup["wild"].get(key[:n], {}).items():
                hits.setdefault(topic, term)
    return hits


# ---------------------------------------------------------------------------------------------
# Tagging

MENTION_COLUMNS = ["doc_id", "turn_index", "sentence_index", "topic", "term", "matched", "start", "end"]
TAG_COLUMNS = ["doc_id", "turn_index", "sentence_index", "topic", "matched_terms", "n_matches", "first_char"]


def find_terms(text: str, lexicon: Lexicon | None = None) -> list[tuple[str, str]]:
    """(topic, matched text) pairs found in one text, in order of position.

    >>> find_terms("The New START Treaty and INF: let us start. Send info to North-Korean officials.")
    [('arms_control', 'New START'), ('arms_control', 'INF'), ('korean_peninsula', 'North-Korean')]
    """
    m = _scan([text], lexicon or default_lexicon())
    return list(zip(m.topic, m.matched))


def _scan(texts: list[str], lexicon: Lexicon) -> pd.DataFrame:
    """Every lexicon match in `texts`: position (index into `texts`), topic, term, matched text,
    start and end within the text. One row per match and topic."""
    joined = _SEPARATOR.join(texts)
    titled = joined.title()
    if len(titled) != len(joined):  # rare characters whose title case is longer: keep offsets aligned
        titled = _SEPARATOR.join(t.title() if len(t.title()) == len(t) else t for t in texts)
    lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]) if len(texts) else np.zeros(0, dtype=np.int64)
    pos, topic, term, matched, a, b = [], [], [], [], [], []
    for case_sensitive, source, rx in ((False, titled, lexicon._ci), (True, joined, lexicon._cs)):
        if rx is None:
            continue
        lookup = lexicon._lookup[case_sensitive]
        cache: dict[str, dict[str, str]] = {}
        for m in rx.finditer(source):
            s, e = m.span()
            found = joined[s:e]
            hits = cache.get(found)
            if hits is None:
                hits = cache[found] = _topics_of(found, lookup, case_sensitive=case_sensitive)
            for t, lex_term in hits.items():
                pos.append(s)
                topic.append(t)
                term.append(lex_term)
                matched.append(found)
                a.append(s)
                b.append(e)
    abs_start = np.asarray(a, dtype=np.int64)
    index = np.searchsorted(starts, abs_start, side="right") - 1 if len(abs_start) else abs_start
    offset = abs_start - starts[index] if len(abs_start) else abs_start
    out = pd.DataFrame(dict(position=index, topic=topic, term=term, matched=matched, start=offset,
                            end=offset + (np.asarray(b, dtype=np.int64) - abs_start)))
    order = {t: i for i, t in enumerate(lexicon.ids)}
    out["_order"] = out.topic.map(order)
    return out.sort_values(["position", "start", "_order"], kind="stable").drop(columns="_order").reset_index(drop=True)


def topic_mentions(sentences: pd.DataFrame, lexicon: Lexicon | None = None, *, chunk_size: int = 50_000,
                   progress: bool = False) -> pd.DataFrame:
    """Every lexicon match in every sentence: doc_id, turn_index, sentence_index, topic, term (the
    lexicon entry), matched (the words as written), start, end (character offsets in the sentence
    text). One row per match and topic; deterministic order."""
    from .progress import tqdm

    lexicon = lexicon or default_lexicon()
    sentences = sentences.reset_index(drop=True)
    texts = sentences.text.fillna("").astype(str).tolist()
    parts = []
    chunks = range(0, len(texts), chunk_size)
    for lo in tqdm(chunks, desc="Tagging sentences", unit="chunk", disable=not progress or len(chunks) < 2):
        found = _scan(texts[lo:lo + chunk_size], lexicon)
        found["position"] += lo
        parts.append(found)
    found = pd.concat(parts, ignore_index=True) if parts else _scan([], lexicon)
    keys = sentences.loc[found.position, ["doc_id", "turn_index", "sentence_index"]].reset_index(drop=True)
    out = pd.concat([keys, found.drop(columns="position")], axis=1)
    return out.astype({"turn_index": "int64", "sentence_index": "int64", "start": "int64", "end": "int64"})[MENTION_COLUMNS]


def tag_sentences(sentences: pd.DataFrame, lexicon: Lexicon | None = None, *, progress: bool = False,
                  mentions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Sentence-level topic tags: one row per sentence and topic, with the matched words.

    Columns: doc_id, turn_index, sentence_index, topic, matched_terms (the distinct words as written,
    "; "-joined, in order), n_matches, first_char (where the topic's first match starts).

    >>> s = pd.DataFrame(dict(doc_id="d", turn_index=0, sentence_index=[0, 1],
    ...                       text=["Sanctions on Iran and Iranian oil.", "Nothing here."]))
    >>> tag_sentences(s)[["topic", "matched_terms", "n_matches"]].values.tolist()
    [['iran', 'Iran; Iranian', 2], ['trade_sanctions', 'Sanctions', 1]]
    """
    if mentions is None:
        mentions = topic_mentions(sentences, lexicon, progress=progress)
    if mentions.empty:
        return pd.DataFrame(columns=TAG_COLUMNS).astype({"turn_index": "int64", "sentence_index": "int64",
                                                        "n_matches": "int64", "first_char": "int64"})
    groups: dict[tuple, list] = {}
    for doc, turn, sent, topic, matched, start in zip(mentions.doc_id, mentions.turn_index, mentions.sentence_index,
                                                      mentions.topic, mentions.matched, mentions.start):
        g = groups.get((doc, turn, sent, topic))
        if g is None:
            groups[(doc, turn, sent, topic)] = [{matched.casefold(): matched}, 1, start]
        else:
            g[0].setdefault(matched.casefold(), matched)
            g[1] += 1
            g[2] = min(g[2], start)
    out = pd.DataFrame([(*k, "; ".join(v[0].values()), v[1], v[2]) for k, v in groups.items()], columns=TAG_COLUMNS)
    out = out.astype({"turn_index": "int64", "sentence_index": "int64", "n_matches": "int64", "first_char": "int64"})
    return out.sort_values(["doc_id", "turn_index", "sentence_index", "topic"], kind="stable").reset_index(drop=True)


def topic_summary(sentence_topics: pd.DataFrame, sentences: pd.DataFrame, lexicon: Lexicon | None = None) -> pd.DataFrame:
    """Per topic: sentences, matches, documents, share of all sentences, and its most frequent words."""
    lexicon = lexicon or default_lexicon()
    n = max(len(sentences), 1)
    rows = []
    for topic in lexicon.ids:
        part = sentence_topics[sentence_topics.topic == topic]
        words = part.matched_terms.str.split("; ").explode().str.lower().value_counts() if len(part) else pd.Series(dtype=int)
        top = ", ".join(f"{w} ({c})" for w, c in words.sort_index().sort_values(ascending=False, kind="stable").head(5).items())
        rows.append(dict(topic=topic, label=lexicon.labels[topic], n_sentences=len(part),
                         n_matches=int(part.n_matches.sum()), n_documents=part.doc_id.nunique(),
                         share=len(part) / n, top_terms=top))
    return pd.DataFrame(rows).sort_values(["n_sentences", "topic"], ascending=[False, True], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Within one event: flow, segments, Q/A shift

def pick_event(tables: dict[str, pd.DataFrame], doc_id: str | None = None) -> str:
    """The event to look at: `doc_id` when given (checked), else the one with most questions
    (ties: most words, then doc_id), so a corpus run draws a lively example.

    Raises:
        TranscriptError: `doc_id` is not in the documents table.
    """
    docs = tables["documents"]
    if doc_id:
        if doc_id not in set(docs.doc_id):
            raise TranscriptError(None, f"no document with doc_id {doc_id!r}",
                                  hint="Pick one from the documents table, e.g. " + ", ".join(map(repr, docs.doc_id[:3])))
        return doc_id
    if docs.empty:
        raise TranscriptError(None, "the documents table is empty", hint="Build the corpus first")
    q = tables["turns"].groupby("doc_id").is_question.sum()
    ranked = docs.assign(n_q=docs.doc_id.map(q).fillna(0)).sort_values(["n_q", "n_words", "doc_id"],
                                                                       ascending=[False, False, True])
    return str(ranked.doc_id.iloc[0])


def topic_flow(tables: dict[str, pd.DataFrame], sentence_topics: pd.DataFrame, doc_id: str | None = None,
               lexicon: Lexicon | None = None) -> pd.DataFrame:
    """One row per sentence of the event(s), in order: position (word_start, word_end counted from
    the event's start), turn, speaker, role, is_question, the sentence's topics, and `main_topic`.

    `main_topic` is the one topic a sentence contributes to the flow: the topic of the running
    segment when the sentence carries it (a passing mention does not break a segment), else the
    topic with most matches, ties going to the one mentioned first.
    """
    lexicon = lexicon or default_lexicon()
    sents = tables["sentences"]
    if doc_id is not None:
        sents = sents[sents.doc_id == doc_id]
        if sents.empty:
            raise TranscriptError(None, f"no sentences for document {doc_id!r}",
                                  hint="Pick a doc_id from the documents table")
    turns = tables["turns"][["doc_id", "turn_index", "speaker", "role", "is_question"]]
    flow = (sents[["doc_id", "turn_index", "sentence_index", "text", "n_words"]]
            .merge(turns, on=["doc_id", "turn_index"], how="left")
            .sort_values(["doc_id", "turn_index", "sentence_index"]).reset_index(drop=True))
    flow["word_end"] = flow.groupby("doc_id").n_words.cumsum()
    flow["word_start"] = flow.word_end - flow.n_words
    order = {t: i for i, t in enumerate(lexicon.ids)}
    tags = sentence_topics[sentence_topics.doc_id.isin(flow.doc_id.unique())]
    by_sentence: dict[tuple, list[tuple[str, int, int]]] = {}
    for r in tags.itertuples(index=False):
        by_sentence.setdefault((r.doc_id, r.turn_index, r.sentence_index), []).append((r.topic, r.n_matches, r.first_char))
    topics_col, main_col = [], []
    current, current_doc = None, None
    for doc, turn, sent in zip(flow.doc_id, flow.turn_index, flow.sentence_index):
        if doc != current_doc:
            current, current_doc = None, doc
        found = sorted(by_sentence.get((doc, turn, sent), []), key=lambda x: order.get(x[0], 999))
        topics_col.append("; ".join(t for t, _, _ in found))
        if not found:
            main_col.append(None)
            continue
        names = [t for t, _, _ in found]
        if current not in names:
            current = sorted(found, key=lambda x: (-x[1], x[2], order.get(x[0], 999)))[0][0]
        main_col.append(current)
    flow["topics"] = topics_col
    flow["main_topic"] = main_col
    return flow[["doc_id", "turn_index", "sentence_index", "speaker", "role", "is_question", "word_start",
                 "word_end", "n_words", "topics", "main_topic", "text"]]


def topic_segments(flow: pd.DataFrame, *, max_gap: int = 2) -> pd.DataFrame:
    """Contiguous runs of one main topic along the event.

    Sentences without a topic inside a run (at most `max_gap` in a row) are absorbed; a run ends at
    a different main topic or a longer untagged stretch. Columns: doc_id, segment, topic,
    first_turn, last_turn, word_start, word_end, n_sentences, n_tagged, first_sentence.
    """
    rows = []
    for doc, part in flow.groupby("doc_id", sort=False):
        seg = None
        gap = 0
        for r in part.itertuples(index=False):
            if r.main_topic is None or (isinstance(r.main_topic, float) and pd.isna(r.main_topic)):
                gap += 1
                if seg is not None and gap > max_gap:
                    rows.append(seg)
                    seg = None
                continue
            if seg is not None and seg["topic"] == r.main_topic:
                seg.update(last_turn=r.turn_index, word_end=r.word_end, n_tagged=seg["n_tagged"] + 1,
                           n_sentences=seg["n_sentences"] + gap + 1)
            else:
                if seg is not None:
                    rows.append(seg)
                seg = dict(doc_id=doc, topic=r.main_topic, first_turn=r.turn_index, last_turn=r.turn_index,
                           word_start=r.word_start, word_end=r.word_end, n_sentences=1, n_tagged=1,
                           first_sentence=r.text)
            gap = 0
        if seg is not None:
            rows.append(seg)
    cols = ["doc_id", "segment", "topic", "first_turn", "last_turn", "word_start", "word_end", "n_sentences",
            "n_tagged", "first_sentence"]
    out = pd.DataFrame(rows, columns=[c for c in cols if c != "segment"])
    out.insert(1, "segment", out.groupby("doc_id").cumcount() if len(out) else pd.Series(dtype="int64"))
    return out[cols]


def topic_sequence(segments: pd.DataFrame) -> list[str]:
    """The order topics come up in: segment topics with immediate repeats merged.

    >>> topic_sequence(pd.DataFrame(dict(topic=["a", "a", "b", "a"])))
    ['a', 'b', 'a']
    """
    seq: list[str] = []
    for t in segments.topic:
        if not seq or seq[-1] != t:
            seq.append(t)
    return seq


def qa_topic_shift(tables: dict[str, pd.DataFrame], sentence_topics: pd.DataFrame, *,
                   min_matches: int = 1, max_text_chars: int | None = 300) -> pd.DataFrame:
    """For each question turn, its topics against the topics of the answer turn(s) that follow it.

    The answer is every non-question turn by an official or other speaker before the next question
    (moderators and narration are skipped). A topic counts for a turn when it has at least
    `min_matches` matches there. `shift` is:
    - "stayed on topic": the answer keeps to (some of) the question's topics and adds none;
    - "widened": the answer keeps at least one of the question's topics and adds others;
    - "changed subject": question and answer share no topic;
    - "question untagged" / "answer untagged" / "no answer": nothing to compare.

    `question_text` is cut to `max_text_chars` characters (None keeps it whole).
    """
    turns = tables["turns"].sort_values(["doc_id", "turn_index"])
    counts = sentence_topics.groupby(["doc_id", "turn_index", "topic"]).n_matches.sum()
    per_turn: dict[tuple, set[str]] = {}
    for (doc, turn, topic), n in counts.items():
        if n >= min_matches:
            per_turn.setdefault((doc, turn), set()).add(topic)
    rows = []
    for doc, part in turns.groupby("doc_id", sort=False):
        recs = part.to_dict("records")
        for i, q in enumerate(recs):
            if not q["is_question"]:
                continue
            answers = answers_after(recs, i)
            q_topics = per_turn.get((doc, q["turn_index"]), set())
            a_topics = set().union(*(per_turn.get((doc, a["turn_index"]), set()) for a in answers)) if answers else set()
            shared, added, dropped = q_topics & a_topics, a_topics - q_topics, q_topics - a_topics
            if not answers:
                shift = "no answer"
            elif not q_topics:
                shift = "question untagged"
            elif not a_topics:
                shift = "answer untagged"
            elif not shared:
                shift = "changed subject"
            elif added:
                shift = "widened"
            else:
                shift = "stayed on topic"
            union = q_topics | a_topics
            rows.append(dict(
                doc_id=doc, question_turn=q["turn_index"],
                answer_turns=",".join(str(a["turn_index"]) for a in answers),
                questioner=q["speaker"], addressee=q.get("addressee"),
                answerer="; ".join(dict.fromkeys(a["speaker"] for a in answers)),
                question_topics="; ".join(sorted(q_topics)), answer_topics="; ".join(sorted(a_topics)),
                shared_topics="; ".join(sorted(shared)), added_topics="; ".join(sorted(added)),
                dropped_topics="; ".join(sorted(dropped)),
                jaccard=len(shared) / len(union) if union else np.nan, shift=shift,
                question_words=q["n_words"], answer_words=sum(a["n_words"] for a in answers),
                question_text=_cut(q["text"], max_text_chars)))
    cols = ["doc_id", "question_turn", "answer_turns", "questioner", "addressee", "answerer", "question_topics",
            "answer_topics", "shared_topics", "added_topics", "dropped_topics", "jaccard", "shift",
            "question_words", "answer_words", "question_text"]
    return pd.DataFrame(rows, columns=cols)


def _cut(text: str | None, n: int | None) -> str | None:
    if text is None or n is None or len(text) <= n:
        return text
    return text[: n - 1].rstrip() + "…"


def shift_counts(qa: pd.DataFrame) -> pd.DataFrame:
    """How many questions fall in each shift category, with shares (all categories listed)."""
    counts = qa["shift"].value_counts().reindex(list(SHIFTS), fill_value=0)
    return pd.DataFrame(dict(shift=counts.index, n_questions=counts.values,
                             share=counts.values / max(len(qa), 1)))


# ---------------------------------------------------------------------------------------------
# Across a corpus: the timeline

def document_dates(documents: pd.DataFrame) -> pd.Series:
    """Each document's date: the event date, else the publication date (NaT when neither is known)."""
    event = pd.to_datetime(documents.event_date, errors="coerce")
    published = pd.to_datetime(documents.published_at, errors="coerce")
    return event.fillna(published.dt.normalize())


def topic_timeline(tables: dict[str, pd.DataFrame], sentence_topics: pd.DataFrame, *, freq: str = "month",
                   lexicon: Lexicon | None = None) -> pd.DataFrame:
    """Topic share per period, normalised per 1,000 words and per document, with the counts.

    One row per period (that has documents) and topic, zeros included, sorted by period then
    lexicon order. Columns: period, period_start, topic, label, n_sentences, n_matches,
    n_documents, period_documents, period_sentences, period_words, share (share of the period's
    sentences that carry the topic), per_1000_words (matches per 1,000 words), per_document
    (matches per document), doc_share (share of the period's documents that mention the topic).
    Documents without a date are left out.

    Args:
        freq: "day", "week" (weeks start on Monday), "month", "quarter" or "year".
    """
    if freq not in FREQS:
        raise TranscriptError(None, f"unknown period {freq!r}", hint=f"Use one of: {', '.join(FREQS)}")
    lexicon = lexicon or default_lexicon()
    docs = tables["documents"][["doc_id"]].copy()
    docs["date"] = document_dates(tables["documents"]).values
    docs = docs.dropna(subset=["date"])
    docs["period_obj"] = docs.date.dt.to_period(FREQS[freq])
    sents = tables["sentences"].merge(docs[["doc_id", "period_obj"]], on="doc_id")
    base = (sents.groupby("period_obj").agg(period_sentences=("text", "size"), period_words=("n_words", "sum"))
            .join(docs.groupby("period_obj").agg(period_documents=("doc_id", "nunique"))).reset_index())
    tags = sentence_topics.merge(docs[["doc_id", "period_obj"]], on="doc_id")
    agg = (tags.groupby(["period_obj", "topic"])
           .agg(n_sentences=("sentence_index", "size"), n_matches=("n_matches", "sum"), n_documents=("doc_id", "nunique"))
           .reset_index())
    grid = pd.MultiIndex.from_product([base.period_obj, lexicon.ids], names=["period_obj", "topic"]).to_frame(index=False)
    out = grid.merge(base, on="period_obj").merge(agg, on=["period_obj", "topic"], how="left")
    for col in ("n_sentences", "n_matches", "n_documents"):
        out[col] = out[col].fillna(0).astype("int64")
    out["share"] = out.n_sentences / out.period_sentences.where(out.period_sentences > 0)
    out["per_1000_words"] = 1000 * out.n_matches / out.period_words.where(out.period_words > 0)
    out["per_document"] = out.n_matches / out.period_documents
    out["doc_share"] = out.n_documents / out.period_documents
    out["period"] = [_period_label(p, freq) for p in out.period_obj]
    out["period_start"] = [p.start_time.normalize() for p in out.period_obj]
    out["label"] = out.topic.map(lexicon.labels)
    order = {t: i for i, t in enumerate(lexicon.ids)}
    out = out.assign(_o=out.topic.map(order)).sort_values(["period_start", "_o"], kind="stable")
    return out[["period", "period_start", "topic", "label", "n_sentences", "n_matches", "n_documents",
                "period_documents", "period_sentences", "period_words", "share", "per_1000_words", "per_document",
                "doc_share"]].reset_index(drop=True)


def _period_label(p: pd.Period, freq: str) -> str:
    """A readable, sortable period name: 2021-01-20, 2021-W03, 2021-01, 2021Q1, 2021."""
    if freq == "week":
        year, week, _ = p.start_time.isocalendar()
        return f"{year}-W{week:02d}"
    return str(p)


def top_topics(timeline: pd.DataFrame, n: int = 10) -> list[str]:
    """The `n` topics with most matches over the whole timeline (ties by topic id)."""
    tot = timeline.groupby("topic").n_matches.sum()
    tot = tot[tot > 0].sort_index().sort_values(ascending=False, kind="stable")
    return list(tot.index[:n])


# ---------------------------------------------------------------------------------------------
# Discovery: TF-IDF + NMF

def stop_words() -> list[str]:
    """scikit-learn's English stop words plus the shipped transcript fillers (`resources/topic_stopwords.txt`)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    extra = {ln.strip().lower() for ln in STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.lstrip().startswith("#")}
    return sorted(set(ENGLISH_STOP_WORDS) | extra)


def discover_themes(sentences: pd.DataFrame, sentence_topics: pd.DataFrame, *, n_themes: int = 8,
                    n_terms: int = 10, n_examples: int = 3, max_sentences: int = 20_000, min_words: int = 6,
                    min_df: int = 2, max_df: float = 0.5, random_state: int = 0, lexicon: Lexicon | None = None
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Themes found by TF-IDF + NMF over sentences, to show what the lexicon lacks.

    Sentences of at least `min_words` words are used (a fixed-seed sample of `max_sentences` when
    there are more). Words are letters only; stop words are scikit-learn's English list plus the
    shipped `resources/topic_stopwords.txt`; words in fewer than `min_df` sentences or in more than
    a `max_df` share of them are left out. NMF starts from NNDSVD, so results are deterministic.
    Each theme gets its top terms, example sentences (the highest-weighted), and its overlap with
    the lexicon: the share of its top sentences that carry each lexicon topic.

    Returns:
        (themes, examples): themes has theme, top_terms, n_sentences (sentences whose strongest
        theme it is; sentences with none of the kept words belong to no theme), best_topic, best_overlap, lexicon_overlap ("topic share; ..."), is_new (the
        lexicon covers under a quarter of its top sentences); examples has theme, rank, doc_id,
        turn_index, sentence_index, weight, topics, text.
    """
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    lexicon = lexicon or default_lexicon()
    pool = (sentences[sentences.n_words >= min_words].sort_values(["doc_id", "turn_index", "sentence_index"])
            .reset_index(drop=True))  # the index is now event order, so the sample below keeps it
    if len(pool) > max_sentences:
        pool = pool.sample(n=max_sentences, random_state=random_state).sort_index().reset_index(drop=True)
    theme_cols = ["theme", "top_terms", "n_sentences", "best_topic", "best_overlap", "lexicon_overlap", "is_new"]
    example_cols = ["theme", "rank", "doc_id", "turn_index", "sentence_index", "weight", "topics", "text"]
    if len(pool) < max(n_themes, 2) * 2:
        return pd.DataFrame(columns=theme_cols), pd.DataFrame(columns=example_cols)
    vec = TfidfVectorizer(stop_words=stop_words(), min_df=min(min_df, len(pool)), max_df=max_df, sublinear_tf=True,
                          token_pattern=r"(?u)\b[^\W\d_]{2,}\b")  # words of letters only
    try:
        X = vec.fit_transform(pool.text.str.replace("’", "'", regex=False))
    except ValueError:  # no terms left after stop words and min_df
        return pd.DataFrame(columns=theme_cols), pd.DataFrame(columns=example_cols)
    k = min(n_themes, X.shape[1], X.shape[0])
    model = NMF(n_components=k, init="nndsvd", random_state=random_state, max_iter=400)
    W = model.fit_transform(X)
    vocab = np.asarray(vec.get_feature_names_out())
    tags = sentence_topics.groupby(["doc_id", "turn_index", "sentence_index"]).topic.agg(lambda s: "; ".join(sorted(s)))
    pool_topics = [tags.get((d, t, s), "") for d, t, s in zip(pool.doc_id, pool.turn_index, pool.sentence_index)]
    strongest = np.where(W.max(axis=1) > 0, W.argmax(axis=1), -1)  # no kept word: no theme
    n_top = max(n_examples, min(50, len(pool) // k))
    themes, examples = [], []
    for j in range(k):
        order = np.argsort(-model.components_[j], kind="stable")[:n_terms]
        terms = [vocab[i] for i in order if model.components_[j][i] > 0]
        top = [i for i in np.argsort(-W[:, j], kind="stable")[:n_top] if W[i, j] > 0]
        counts: dict[str, int] = {}
        for i in top:
            for t in filter(None, pool_topics[i].split("; ")):
                counts[t] = counts.get(t, 0) + 1
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        share = {t: c / len(top) for t, c in ranked} if top else {}
        best, best_share = (ranked[0][0], share[ranked[0][0]]) if ranked else (None, 0.0)
        themes.append(dict(theme=j + 1, top_terms=", ".join(terms), n_sentences=int((strongest == j).sum()),
                           best_topic=best, best_overlap=best_share,
                           lexicon_overlap="; ".join(f"{t} {share[t]:.0%}" for t, _ in ranked[:3]),
                           is_new=best_share < 0.25))
        for rank, i in enumerate(top[:n_examples], start=1):
            r = pool.iloc[i]
            examples.append(dict(theme=j + 1, rank=rank, doc_id=r.doc_id, turn_index=int(r.turn_index),
                                 sentence_index=int(r.sentence_index), weight=float(W[i, j]), topics=pool_topics[i],
                                 text=r.text))
    return pd.DataFrame(themes, columns=theme_cols), pd.DataFrame(examples, columns=example_cols)
