"""Speaker statistics: who held the floor, who asked and who answered, how each side talks, and which
words set a speaker apart. DataFrames in (the processed tables), DataFrames out.

This module gathers the public names of the speaker analyses, so that notebooks and scripts can keep
writing `speakers.qa_pairs(...)`; each analysis lives in its own module of
`transcripts.analysis.speakers`:

| module (`lib/transcripts/analysis/speakers/`) | what it holds |
| --- | --- |
| `floor.py` | `focus` (the tables restricted to some events), `event_labels`, `speaker_stats` (turns, words, shares per speaker), `monthly_activity` |
| `qa.py` | `ANSWER_ROLES`, `answers_after`, `qa_pairs` (each question and its answer), `addressees` |
| `mentions.py` | `GAZETTEER_FILE`, `load_gazetteer`, `is_generic`, `speaker_entities`, `mentions` (who mentions whom), `mention_matrix` |
| `diversity.py` | `mattr`, `lexical_diversity` (MATTR per group) |
| `markers.py` | `MARKERS_FILE`, `load_markers`, `marker_hits`, `top_markers`, `marker_rates` (hedging and certainty) |
| `tone.py` | `sentence_tone` (VADER per sentence), `tone_by`; `vader.py` computes VADER's compound score faster |
| `distinctive.py` | `term_counts`, `log_odds` (Fightin' Words), `group_term_counts`, `DW_COLUMNS`, `distinctive_words`, `press_vs_officials`, `top_terms`, `keyword_in_context` |
| `profile.py` | `speaker_profile` (floor, diversity, markers and tone in one row per speaker) |
| `tokens.py` | `terms` (the counting conventions), and the helpers the others share |
| `streamed.py` | the same analyses over tables read a batch of whole documents at a time (`transcripts.scan`), for notebook 02 on a corpus whose turns and sentences are not held in memory: `tone_totals`, `marker_counts`, `mention_counts`, `lexical_diversity`, `speaker_profile`, `question_pairs`, `distinctive_words_streamed`, `press_vs_officials_streamed`, `keywords_in_context` (the same results, tested against the functions above) |

Counting conventions (the same everywhere): words are `transcripts.clean.count_words` over a turn's
text (the `n_words` column of `turns`); terms are those words lower-cased, with curly apostrophes made
straight (see `transcripts.analysis.speakers.tokens`).
"""
from __future__ import annotations

from .analysis.speakers.distinctive import (DW_COLUMNS, distinctive_words, group_term_counts, keyword_in_context,
                                            log_odds, press_vs_officials, term_counts, top_terms)
from .analysis.speakers.diversity import lexical_diversity, mattr
from .analysis.speakers.floor import event_labels, focus, monthly_activity, speaker_stats
from .analysis.speakers.markers import MARKERS_FILE, load_markers, marker_hits, marker_rates, top_markers
from .analysis.speakers.mentions import (GAZETTEER_FILE, is_generic, load_gazetteer, mention_matrix, mentions,
                                         speaker_entities)
from .analysis.speakers.profile import speaker_profile
from .analysis.speakers.qa import ANSWER_ROLES, addressees, answers_after, qa_pairs
from .analysis.speakers.tokens import terms
from .analysis.speakers.tone import sentence_tone, tone_by

__all__ = [
    # floor
    "focus", "event_labels", "speaker_stats", "monthly_activity",
    # questions and answers
    "ANSWER_ROLES", "answers_after", "qa_pairs", "addressees",
    # mentions
    "GAZETTEER_FILE", "load_gazetteer", "is_generic", "speaker_entities", "mentions", "mention_matrix",
    # lexical diversity
    "mattr", "lexical_diversity",
    # stance markers
    "MARKERS_FILE", "load_markers", "marker_hits", "top_markers", "marker_rates",
    # tone
    "sentence_tone", "tone_by",
    # distinctive words
    "term_counts", "log_odds", "group_term_counts", "DW_COLUMNS", "distinctive_words", "press_vs_officials",
    "top_terms", "keyword_in_context",
    # profile
    "speaker_profile",
    # terms
    "terms",
]
