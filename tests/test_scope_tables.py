"""`scope` reads each processed table when a notebook first asks for it (issue 16: a notebook that never
looks at the raw texts or the cleaning log does not hold them), all from the build certified when the
scope was made."""
from __future__ import annotations

import pandas as pd
import pytest

from transcripts.build import load_tables, write_tables
from transcripts.corpus import scope
from transcripts.errors import TranscriptError


def test_tables_are_read_when_asked_for_and_equal_load_tables(sample_processed):
    s = scope(sample_processed)
    assert s.tables.loaded == []
    turns = s.tables["turns"]
    assert s.tables.loaded == ["turns"] and s.tables["turns"] is turns  # read once, kept
    whole = load_tables(sample_processed)
    assert sorted(s.tables) == sorted(whole)
    for name, df in whole.items():
        pd.testing.assert_frame_equal(s.tables[name], df, check_exact=True, obj=name)
    assert sorted(s.tables.loaded) == sorted(whole)


def test_a_filtered_scope_reads_lazily_too(sample_processed):
    s = scope(sample_processed, roles=["press"])
    # the turns (checked for being empty) and the documents (their events' ids) only
    assert sorted(s.tables.loaded) == ["documents", "turns"] and s.events.loaded == []
    assert set(s.tables["turns"].role) == {"press"}
    assert s.events["turns"].role.nunique() > 1 and "texts" not in s.events.loaded


def test_tables_of_another_build_are_refused(sample_tables, tmp_path):
    write_tables(sample_tables, tmp_path)
    s = scope(tmp_path)
    s.tables["documents"]
    # rebuilt after the scope was made: a new stamp (a build's own tables keep their write id when copied
    # again, so the rebuild is the same tables written as frames, which gives them a new one)
    write_tables({name: sample_tables[name] for name in sample_tables}, tmp_path)
    with pytest.raises(TranscriptError, match="not the one the build's stamp certifies"):
        s.tables["turns"]
