"""The topic analyses, one per module (`transcripts.topics` re-exports their public names):

- `lexicon`   the editable topic lexicon: read, checked, compiled into prefix-tree patterns
- `tagging`   dictionary tagging: `find_terms`, `topic_mentions`, `tag_sentences`, `topic_summary`
- `flow`      within one event: `pick_event`, `topic_flow`, `topic_segments`, `topic_sequence`,
              `qa_topic_shift`, `shift_counts`
- `timeline`  across a corpus: `document_dates`, `topic_timeline`, `top_topics`
- `themes`    discovery: `stop_words`, `discover_themes` (TF-IDF + NMF)
"""
