"""Topics: what an event was about, in what order, and how an agenda shifts over time.

This module gathers the public names of the topic analyses, so that notebooks and scripts can keep
writing `topics.tag_sentences(...)`; each analysis lives in its own module of
`transcripts.analysis.topics`:

| module (`lib/transcripts/analysis/topics/`) | what it holds |
| --- | --- |
| `lexicon.py` | `Lexicon`, `LEXICON_FILE`, `load_lexicon`, `lexicon_from_entries`, `default_lexicon`: the editable lexicon (`resources/topic_lexicon.yaml`) read, checked and compiled into two prefix-tree patterns, so a corpus is scanned in one pass per pattern |
| `tagging.py` | `find_terms`, `topic_mentions`, `tag_sentences` (dictionary tagging: each sentence's topics with the matched words), `topic_summary`, `MENTION_COLUMNS`, `TAG_COLUMNS` |
| `flow.py` | within one event: `pick_event`, `topic_flow`, `topic_segments`, `topic_sequence`, `qa_topic_shift` (a question's topics against its answer's), `shift_counts`, `SHIFTS` |
| `timeline.py` | across a corpus: `document_dates`, `topic_timeline` (share per day … year, per 1,000 words and per document), `top_topics`, `FREQS` |
| `themes.py` | discovery: `stop_words`, `discover_themes` (TF-IDF + NMF themes and their overlap with the lexicon), `themes_of_pool`, `STOPWORDS_FILE` |
| `scoped.py` | a corpus too large to hold: `tag_scope` (the tags, question/answer shifts, summary, timeline counts of a `corpus.Scope`, read a group of documents at a time; tags and Q/A rows set aside on disk in a `DocumentSpill`), `sentence_checks`, `discover_scope_themes` (the pool drawn by row position) |
"""
from __future__ import annotations

from .analysis.topics.flow import (SHIFTS, pick_event, qa_topic_shift, shift_counts, topic_flow, topic_segments,
                                   topic_sequence)
from .analysis.topics.lexicon import LEXICON_FILE, Lexicon, default_lexicon, lexicon_from_entries, load_lexicon
from .analysis.topics.scoped import DocumentSpill, ScopeTopics, discover_scope_themes, sentence_checks, tag_scope
from .analysis.topics.tagging import (MENTION_COLUMNS, TAG_COLUMNS, TopicCounts, find_terms, tag_sentences,
                                      topic_mentions, topic_summary)
from .analysis.topics.themes import STOPWORDS_FILE, discover_themes, stop_words, themes_of_pool
from .analysis.topics.timeline import (FREQS, document_dates, timeline_counts, timeline_from_counts, top_topics,
                                       topic_timeline)

__all__ = [
    # the lexicon
    "Lexicon", "LEXICON_FILE", "load_lexicon", "lexicon_from_entries", "default_lexicon",
    # tagging
    "MENTION_COLUMNS", "TAG_COLUMNS", "find_terms", "topic_mentions", "tag_sentences", "topic_summary", "TopicCounts",
    # within one event
    "SHIFTS", "pick_event", "topic_flow", "topic_segments", "topic_sequence", "qa_topic_shift", "shift_counts",
    # across a corpus
    "FREQS", "document_dates", "topic_timeline", "top_topics", "timeline_counts", "timeline_from_counts",
    # discovery
    "STOPWORDS_FILE", "stop_words", "discover_themes", "themes_of_pool",
    # a corpus too large to hold
    "tag_scope", "ScopeTopics", "DocumentSpill", "sentence_checks", "discover_scope_themes",
]
