"""The speaker analyses, one per module (`transcripts.speakers` re-exports their public names):

- `floor`        who held the floor: `focus`, `event_labels`, `speaker_stats`, `monthly_activity`
- `qa`           questions and answers: `answers_after`, `qa_pairs`, `addressees`
- `mentions`     who mentions whom: the gazetteer, `mentions`, `mention_matrix`, `is_generic`
- `diversity`    lexical diversity: `mattr`, `lexical_diversity`
- `markers`      hedging and certainty markers: `marker_hits`, `top_markers`, `marker_rates`
- `tone`         VADER tone per sentence and per group: `sentence_tone`, `tone_by`
- `vader`        VADER's compound score, the same numbers as `vaderSentiment`, faster
- `distinctive`  Fightin' Words: `log_odds`, `distinctive_words`, `press_vs_officials`, `top_terms`,
                 `keyword_in_context`
- `profile`      `speaker_profile`: floor, diversity, markers and tone in one row per speaker
- `tokens`       `terms` (the counting conventions) and the helpers the others share
- `streamed`     the same analyses over tables read a batch of whole documents at a time (notebook 02)
"""
