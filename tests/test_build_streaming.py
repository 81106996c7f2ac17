"""The build in bounded memory (issue 16): documents set aside on disk a chunk at a time, the corpus-wide
steps (speakers unified across documents, near-duplicates, warnings) taken from names and sketches, the
tables written row group by row group. Its tables must be the ones the build made when it held every
table in memory: `whole_tables` below is that build (every document's rows, concatenated, then the same
corpus-wide functions on whole tables), the oracle every streamed build is compared with."""
from __future__ import annotations

import filecmp
import io
import shutil

import pandas as pd
import pyarrow.parquet as pq
import pytest
from pandas.testing import assert_frame_equal

import transcripts.build as build
from transcripts import TranscriptError, build_corpus, load_tables, write_tables
from transcripts.build import TABLES, BuiltTables, document_rows, to_frames
from transcripts.corpus import scope
from transcripts.csvout import write_csv, write_csv_parts
from transcripts.paths import PROJECT_ROOT, SAMPLE_FILE
from transcripts.quality import check_documents
from transcripts.readers import read_documents
from transcripts.registry import load_registry, unify_across
from transcripts.summaries import log_examples

from conftest import KREMLIN_DIR, needs_kremlin

FIXTURES = PROJECT_ROOT / "tests" / "fixtures"


def whole_tables(corpus) -> dict[str, pd.DataFrame]:
    """The tables as the build made them before it streamed: every document's rows in memory, then speakers
    unified over the whole `turns`, affiliations, renamed principals and addressees, near-duplicates found
    on the whole `turns` and left out, warnings (`quality.check_documents`)."""
    listing = build.scan_corpus(corpus)
    registry = load_registry([])
    rows: dict[str, list] = {name: [] for name in TABLES}
    seen = set()
    for path, doc_id in zip(listing.files, build._doc_ids(listing.files, build.resolve(corpus))):
        try:
            docs = read_documents(path, doc_id=doc_id, registry=registry)
        except TranscriptError:
            continue
        for doc in docs:
            if doc.source_sha256 not in seen:
                seen.add(doc.source_sha256)
                for name, part in document_rows(doc).items():
                    rows[name].extend(part)
    tables = to_frames(rows)
    before = tables["turns"]
    turns = unify_across(before)
    turns["affiliation"] = turns.speaker.map({s: registry.affiliation(s) for s in turns.speaker.unique()})
    changed = before.speaker != turns.speaker
    renamed = None
    if changed.any():
        renamed = dict(zip(zip(before.doc_id[changed], before.speaker[changed]), turns.speaker[changed]))
        docs = tables["documents"]
        docs["principal"] = [renamed.get((d, p), p) for d, p in zip(docs.doc_id, docs.principal)]
        turns["addressee"] = [renamed.get((d, a), a) for d, a in zip(turns.doc_id, turns.addressee)]
    tables["turns"] = turns
    return check_documents(tables, renamed)[0]


def assert_same_tables(streamed, oracle, tmp_path) -> None:
    """Both sets of tables written and read back as every reader gets them (`load_tables`), frame for frame;
    the text columns compared as text (the oracle holds Python strings, the build Arrow strings)."""
    a = load_tables(write_tables(streamed, tmp_path / "streamed"))
    b = load_tables(write_tables(oracle, tmp_path / "oracle"))
    for name in TABLES:
        left, right = a[name], b[name]
        if "text" in left and len(left):
            left, right = left.astype({"text": object}), right.astype({"text": object})
        assert_frame_equal(left, right, check_exact=True, obj=name)


@pytest.fixture
def mixed_corpus(tmp_path):
    """Everything the corpus-wide steps act on: a speaker renamed across documents (and an addressee with
    him), a near-duplicate pair (the "_corrected" copy is kept), a byte-for-byte copy, a document with no
    turn at all, a file that cannot be read, and the sample."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    # a.md: the title names Jane Doe, so her label "MS. DOE" gives "Jane Doe"; b.csv: "Ms. Doe" (no one the
    # shipped registry knows), renamed "Jane Doe" across documents, and the question addressed to her with her
    (corpus / "a.md").write_text('---\ntitle: "Press Briefing by Press Secretary Jane Doe"\ndate: '
                                 "'2021-05-01'\n---\nMS. DOE:  Hello.\n\nQ    Hi.\n", encoding="utf-8")
    (corpus / "b.csv").write_text("speaker,text,addressee\nMs. Doe,Good morning.,\nQuestion,Why?,Ms. Doe\n"
                                  "Ms. Doe,Because.,\n", encoding="utf-8")
    shutil.copy(corpus / "a.md", corpus / "c_copy.md")
    (corpus / "d_no_turns.md").write_text('---\ntitle: "Nothing said"\ndate: 2021-05-01\n---\n', encoding="utf-8")
    (corpus / "e_broken.jsonl").write_text('{"speaker": "A", "text": \n', encoding="utf-8")
    for f in (FIXTURES / "near_duplicates").iterdir():
        shutil.copy(f, corpus / f.name)
    shutil.copy(SAMPLE_FILE, corpus / SAMPLE_FILE.name)
    return corpus


@pytest.mark.parametrize("chunk_rows", [1, 10**9], ids=["a_chunk_per_document", "one_chunk"])
def test_the_streamed_build_gives_the_tables_of_the_whole_table_build(mixed_corpus, tmp_path, monkeypatch,
                                                                       chunk_rows):
    monkeypatch.setattr(build, "BATCH_ROWS", chunk_rows)
    result = build_corpus(mixed_corpus, progress=False, workers=1)
    assert isinstance(result.tables, BuiltTables)
    assert_same_tables(result.tables, whole_tables(mixed_corpus), tmp_path)
    # what the oracle and the streamed build agree on, checked by hand against the fixture
    docs, turns = result.tables["documents"], result.tables["turns"]
    assert sorted(docs.doc_id) == ["a", "b", "d_no_turns", "mea_weekly_briefing_2024_02_29_corrected",
                                   "mea_weekly_briefing_2024_03_07", SAMPLE_FILE.stem]
    assert turns[turns.doc_id == "b"].speaker.tolist() == ["Jane Doe", "Press", "Jane Doe"]
    assert turns[turns.doc_id == "b"].addressee.tolist()[1] == "Jane Doe"
    assert docs.set_index("doc_id").principal["b"] == "Jane Doe"
    assert docs.set_index("doc_id").n_turns["d_no_turns"] == 0
    (dropped, kept, share), = result.near_duplicates
    assert dropped.endswith("mea_weekly_briefing_2024_02_29.txt") and kept.endswith("_corrected.txt")
    assert [d.rsplit("/", 1)[-1] for d, _ in result.duplicates] == ["c_copy.md"]
    assert [e.path.rsplit("/", 1)[-1] for e in result.errors] == ["e_broken.jsonl"]
    warnings = docs.set_index("doc_id").warnings
    assert "speaker Ms. Doe renamed Jane Doe" in warnings["b"] and "near-duplicate" in warnings[
        "mea_weekly_briefing_2024_02_29_corrected"]


def test_each_chunk_is_a_row_group_and_nothing_is_left_on_disk(mixed_corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(build, "BATCH_ROWS", 1)
    cache = tmp_path / "cache"
    result = build_corpus(mixed_corpus, progress=False, workers=1, cache_dir=cache)
    turns_file = pq.ParquetFile(result.tables.path("turns"))
    with_turns = int((result.tables["documents"].n_turns > 0).sum())
    assert turns_file.metadata.num_row_groups == with_turns == 5  # written a document at a time
    assert not list((cache / "work").iterdir())  # the chunks and speeches set aside are gone
    assert result.tables.folder.parent == cache / "corpus"  # the snapshot is the tables' own files
    again = build_corpus(mixed_corpus, progress=False, workers=1, cache_dir=cache)  # warm: nothing read
    assert again.tables.folder == result.tables.folder and again.tables.loaded == []
    out = write_tables(again.tables, tmp_path / "out", key=again.key)
    for name in TABLES:  # the build's files copied as they are
        assert filecmp.cmp(out / f"{name}.parquet", result.tables.path(name), shallow=False)
    assert {name: len(df) for name, df in load_tables(out).items()} == {n: again.rows(n) for n in TABLES}


def test_a_corpus_of_one_file(tmp_path):
    result = build_corpus(SAMPLE_FILE, progress=False, workers=1)
    assert result.rows("turns") == 17
    assert_same_tables(result.tables, whole_tables(SAMPLE_FILE), tmp_path)


def test_a_corpus_where_no_file_can_be_read_still_writes_five_empty_tables(tmp_path):
    import duckdb
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "broken.jsonl").write_text('{"speaker": "A", "text": \n', encoding="utf-8")
    (corpus / "blank.txt").write_text("\n\n", encoding="utf-8")
    result = build_corpus(corpus, progress=False, workers=1)
    assert len(result.errors) == 2 and all(result.rows(name) == 0 for name in TABLES)
    assert_same_tables(result.tables, whole_tables(corpus), tmp_path)
    for name in TABLES:
        assert list(result.tables[name].columns) == build._COLUMNS[name]
        assert duckdb.sql(f"SELECT count(*) FROM '{result.tables.path(name)}'").fetchall() == [(0,)]


def test_a_build_that_cannot_write_its_tables_is_one_clear_error_and_leaves_no_chunk(mixed_corpus, tmp_path,
                                                                                  monkeypatch):
    monkeypatch.setattr(build, "BATCH_ROWS", 1)

    def disk_full(self, df):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(build._TableWriter, "write", disk_full)
    cache = tmp_path / "cache"
    with pytest.raises(TranscriptError, match=r"could not write the tables \(No space left on device\)"):
        build_corpus(mixed_corpus, progress=False, workers=1, cache_dir=cache)
    assert not list((cache / "work").iterdir())


@needs_kremlin
def test_the_streamed_build_gives_the_whole_table_build_on_kremlin_pages(tmp_path, monkeypatch):
    corpus = tmp_path / "kremlin"
    corpus.mkdir()
    for f in sorted(KREMLIN_DIR.rglob("*.htm*"))[:25]:
        shutil.copy(f, corpus / f.name)
    monkeypatch.setattr(build, "BATCH_ROWS", 2_000)  # several chunks
    result = build_corpus(corpus, progress=False, workers=1)
    assert result.rows("documents") >= 20 and pq.ParquetFile(result.tables.path("sentences")).num_row_groups > 1
    assert_same_tables(result.tables, whole_tables(corpus), tmp_path)


# ---------------------------------------------------------------- notebook 01 without whole tables

def test_tables_read_in_parts_give_what_whole_tables_give(sample_processed, tmp_path):
    whole = load_tables(sample_processed)
    tables = scope(sample_processed).tables
    assert tables.rows("sentences") == len(whole["sentences"]) and tables.loaded == []
    assert_frame_equal(tables.lean("turns"), whole["turns"].drop(columns="text"))
    first = whole["documents"].doc_id[0]
    assert_frame_equal(tables.of_documents("turns", [first, "no_such_event"]),
                       whole["turns"][whole["turns"].doc_id == first].reset_index(drop=True))
    parts = list(tables.batches("cleaning_log", rows=7))
    assert len(parts) == -(-len(whole["cleaning_log"]) // 7)
    assert_frame_equal(pd.concat(parts, ignore_index=True), whole["cleaning_log"])
    arrow = pd.concat(tables.batches("cleaning_log", rows=7, arrow_text=True), ignore_index=True)
    assert arrow.text.dtype.storage == "pyarrow"
    assert_frame_equal(arrow.astype({"text": object}), whole["cleaning_log"].astype({"text": object}))
    for per_reason in (1, 3):
        assert_frame_equal(log_examples(iter(parts), per_reason=per_reason),
                           log_examples(whole["cleaning_log"], per_reason=per_reason))
        assert_frame_equal(log_examples(tables.batches("cleaning_log", rows=7, arrow_text=True), per_reason=per_reason),
                           log_examples(whole["cleaning_log"], per_reason=per_reason))
    assert tables.loaded == []  # none of it held whole


@pytest.mark.parametrize("name", ["turns", "sentences", "cleaning_log"])
def test_a_csv_written_in_parts_is_the_csv_written_whole(sample_processed, tmp_path, name, capsys):
    df = load_tables(sample_processed)[name]
    df.loc[df.index[3], "text"] = "=HYPERLINK(1)"  # a formula to guard, in one part only
    write_csv(df, tmp_path / "whole.csv", xlsx_max_rows=10)
    parts = lambda: (df.iloc[i:i + 13] for i in range(0, len(df), 13))  # noqa: E731
    write_csv_parts(parts, tmp_path / "parts.csv", rows=len(df), xlsx_max_rows=10)
    assert filecmp.cmp(tmp_path / "whole.csv", tmp_path / "parts.csv", shallow=False)
    assert not (tmp_path / "parts.xlsx").exists() and "over the 10-row limit" in capsys.readouterr().out
    buf = io.BytesIO()
    write_csv(df, buf)
    assert (tmp_path / "parts.csv").read_bytes() == buf.getvalue()
