"""Dictionary tagging: every sentence gets the topics whose lexicon terms it contains, with the matched
words, so each tag can be explained; and one row per topic summing the tags up.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .lexicon import Lexicon, _scan, default_lexicon

MENTION_COLUMNS = ["doc_id", "turn_index", "sentence_index", "topic", "term", "matched", "start", "end"]
TAG_COLUMNS = ["doc_id", "turn_index", "sentence_index", "topic", "matched_terms", "n_matches", "first_char"]


def find_terms(text: str, lexicon: Lexicon | None = None) -> list[tuple[str, str]]:
    """(topic, matched text) pairs found in one text, in order of position.

    >>> find_terms("The New START Treaty and INF: let us start. Send info to North-Korean officials.")
    [('arms_control', 'New START'), ('arms_control', 'INF'), ('korean_peninsula', 'North-Korean')]
    """
    m = _scan([text], lexicon or default_lexicon())
    return list(zip(m.topic, m.matched))


def topic_mentions(sentences: pd.DataFrame, lexicon: Lexicon | None = None, *, chunk_size: int = 50_000,
                   progress: bool = False) -> pd.DataFrame:
    """Every lexicon match in every sentence: doc_id, turn_index, sentence_index, topic, term (the
    lexicon entry), matched (the words as written), start, end (character offsets in the sentence
    text). One row per match and topic; deterministic order."""
    from ...progress import tqdm

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
                  mentions: pd.DataFrame | None = None, cache_dir: str | Path | None = None,
                  workers: int | None = None, prune: bool = True) -> pd.DataFrame:
    """Sentence-level topic tags: one row per sentence and topic, with the matched words.

    Columns: doc_id, turn_index, sentence_index, topic, matched_terms (the distinct words as written,
    "; "-joined, in order), n_matches, first_char (where the topic's first match starts).

    With `cache_dir` (the build's `.cache` folder) documents are tagged apart, on every core (`workers`),
    and each one's tags are kept until its sentences, the lexicon or this code change (`prune`: see
    `percache.per_document`).

    >>> s = pd.DataFrame(dict(doc_id="d", turn_index=0, sentence_index=[0, 1],
    ...                       text=["Sanctions on Iran and Iranian oil.", "Nothing here."]))
    >>> tag_sentences(s)[["topic", "matched_terms", "n_matches"]].values.tolist()
    [['iran', 'Iran; Iranian', 2], ['trade_sanctions', 'Sanctions', 1]]
    """
    if cache_dir is not None and mentions is None and len(sentences):
        from functools import partial

        from ... import percache

        lexicon = lexicon or default_lexicon()
        patterns = [(p.pattern, p.flags) if p is not None else None for p in (lexicon._ci, lexicon._cs)]
        key = percache.fingerprint(percache.code_fingerprint(), lexicon.topics.to_csv(index=False), repr(patterns),
                                   repr(sorted(lexicon._lookup.items(), key=repr)))
        tags = percache.per_document(sentences[["doc_id", "turn_index", "sentence_index", "text"]],
                                     partial(_document_tags, lexicon=lexicon), name="topic_tags", key=key,
                                     cache_dir=cache_dir, workers=workers, progress=progress,
                                     desc="Tagging sentences", columns=TAG_COLUMNS, prune=prune)
        if tags.empty:
            return tag_sentences(sentences.iloc[:0], lexicon)
        tags = tags.astype({"turn_index": "int64", "sentence_index": "int64", "n_matches": "int64",
                            "first_char": "int64"})
        return tags.sort_values(["doc_id", "turn_index", "sentence_index", "topic"], kind="stable").reset_index(drop=True)
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


def _document_tags(part: pd.DataFrame, lexicon: Lexicon) -> pd.DataFrame:
    """`tag_sentences` of one document's sentences; run in worker processes."""
    return tag_sentences(part, lexicon)


def topic_summary(sentence_topics: pd.DataFrame, sentences: pd.DataFrame, lexicon: Lexicon | None = None) -> pd.DataFrame:
    """Per topic: sentences, matches, documents, share of all sentences, and its most frequent words."""
    return TopicCounts().add(sentence_topics).summary(len(sentences), lexicon)


class TopicCounts:
    """What `topic_summary` counts, added up a part of the tags at a time (each part holding whole
    documents): per topic, the sentences, matches and documents, and how often each word matched.

    >>> t = pd.DataFrame(dict(doc_id=["a", "b"], topic="iran", matched_terms=["Iran; Iranian", "iran"], n_matches=[2, 1]))
    >>> row = TopicCounts().add(t.iloc[:1]).add(t.iloc[1:]).summary(10).iloc[0]
    >>> int(row.n_sentences), int(row.n_documents), row.top_terms
    (2, 2, 'iran (2), iranian (1)')
    """

    def __init__(self):
        self.sentences: dict[str, int] = {}
        self.matches: dict[str, int] = {}
        self.documents: dict[str, int] = {}
        self.words: dict[str, dict[str, int]] = {}

    def add(self, tags: pd.DataFrame) -> TopicCounts:
        """Count one part (its documents in no other part)."""
        for topic, part in tags.groupby("topic", sort=False):
            self.sentences[topic] = self.sentences.get(topic, 0) + len(part)
            self.matches[topic] = self.matches.get(topic, 0) + int(part.n_matches.sum())
            self.documents[topic] = self.documents.get(topic, 0) + part.doc_id.nunique()
            words = self.words.setdefault(topic, {})
            for w, c in part.matched_terms.str.split("; ").explode().str.lower().value_counts().items():
                words[w] = words.get(w, 0) + int(c)
        return self

    def summary(self, n_sentences: int, lexicon: Lexicon | None = None) -> pd.DataFrame:
        """`topic_summary`'s table, `n_sentences` being the sentences in all."""
        lexicon = lexicon or default_lexicon()
        n = max(n_sentences, 1)
        rows = []
        for topic in lexicon.ids:
            words = pd.Series(self.words.get(topic, {}), dtype="int64")
            top = ", ".join(f"{w} ({c})" for w, c in words.sort_index().sort_values(ascending=False, kind="stable").head(5).items())
            k = self.sentences.get(topic, 0)
            rows.append(dict(topic=topic, label=lexicon.labels[topic], n_sentences=k, n_matches=self.matches.get(topic, 0),
                             n_documents=self.documents.get(topic, 0), share=k / n, top_terms=top))
        return pd.DataFrame(rows).sort_values(["n_sentences", "topic"], ascending=[False, True], kind="stable").reset_index(drop=True)
