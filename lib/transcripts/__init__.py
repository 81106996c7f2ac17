"""transcripts: the library behind the diplomatic-speech workbook.

Start here: `corpus = transcripts.load("path/to/transcripts_or_processed_tables")` returns a `Corpus`
to subset, search and export (see `transcripts.corpus`).

Raw file → reader (format, metadata) → cleaning log → turns and sentences with offsets into the raw
text → processed tables → analyses → figures → notebooks.
"""
from .build import build_corpus, coverage, load_tables, write_tables
from .corpus import Corpus, load
from .errors import TranscriptError
from .readers import read_document

__all__ = ["Corpus", "TranscriptError", "build_corpus", "coverage", "load", "load_tables", "read_document",
           "write_tables"]
__version__ = "0.1.0"
