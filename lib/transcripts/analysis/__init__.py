"""Analyses behind the `Corpus` verbs (`transcripts.corpus`), one per module, each a few functions over
plain Python values or DataFrames, so they can be tested (and reused) without a corpus:

- `terms`        tokens, n-grams and stop words shared by the others
- `kwic`         keyword in context: literal words, phrases and regular expressions, with raw offsets
- `keyness`      target against reference: Fightin' Words log-odds (`speakers.log_odds`), chi², log-likelihood
- `collocations` NLTK's bigram and trigram collocation finders and association measures
- `readability`  a syllable counter, Flesch reading ease, Flesch–Kincaid grade, TTR and MATTR
- `exports`      quanteda's texts + docvars pair and ConvoKit's corpus

The workbook's own analyses (notebooks 02 and 03) live one per module in two subpackages, re-exported
by the facades `transcripts.speakers` and `transcripts.topics`:

- `speakers/`    `floor`, `qa`, `mentions`, `diversity`, `markers`, `tone` (and `vader`), `distinctive`,
                 `profile`, and `tokens` (the terms every one of them counts)
- `topics/`      `lexicon`, `tagging`, `flow`, `timeline`, `themes`
"""
