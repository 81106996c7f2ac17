"""The files beside the transcripts and the API's reading of built tables (issue 17, found by an independent
re-run of its reproductions): a broken `metadata.csv` or `--speakers` registry is one error naming its line,
never a value that swallows the next row; editing `metadata.csv` changes the tables (the cache keys it);
`transcripts.load` refuses tables no finished build certifies; file names without letters get distinct ids.

The transcripts here are two-line plain-text files written for the tests; expected values are read off them.
"""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import transcripts as T
from transcripts import build_corpus
from transcripts.build import write_tables
from transcripts.errors import TranscriptError
from transcripts.quality import warning_list
from transcripts.registry import load_registry

TALK = "Sergey Lavrov: We agree, however, this is not enough.\n\nQuestion: Will you meet again about {}?\n"


def _corpus(tmp_path: Path, metadata: str | bytes | None, names=("talk.txt", "other.txt")) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for n, name in enumerate(names):  # each file its own text (the same text twice is read once)
        (folder / name).write_text(TALK.format(f"topic number {n} of {len(names)}"), encoding="utf-8")
    if metadata is not None:
        data = metadata.encode("utf-8") if isinstance(metadata, str) else metadata
        (folder / "metadata.csv").write_bytes(data)
    return folder


@pytest.mark.parametrize("metadata, line, words", [
    # a comma inside an unquoted title: 4 fields under a 3-column header
    ("file,title,date\ntalk.txt,We agree, however this,2020-01-01\n", 2, "has 4 field(s), the header 3"),
    # a quote opened in the title and never closed: it would swallow the next row
    ('file,title,date\ntalk.txt,"unclosed,2020-01-01\nother.txt,T2,2020-01-02\n', 2, "never closed"),
    ("file,title,date,date\ntalk.txt,T,2020-01-01,2021-01-01\n", 1, "'date' is named twice"),
    ("file,title\ntalk.txt,Caf\xe9\n".encode("cp1252"), None, "cannot read the metadata file"),
])
def test_broken_metadata_csv_is_one_error_and_the_transcripts_are_built(tmp_path, metadata, line, words):
    result = build_corpus(_corpus(tmp_path, metadata), progress=False, workers=1)
    assert len(result.errors) == 1, result.errors  # once, not once per transcript
    err = result.errors[0]
    assert err.path.endswith("metadata.csv") and words in err.message and err.line == line
    docs = result.tables["documents"].set_index("doc_id")
    assert sorted(docs.index) == ["other", "talk"]  # both built, without the metadata
    for warnings in docs.warnings:
        assert any(w.startswith("metadata.csv not read") for w in warning_list(warnings))


def test_metadata_csv_is_not_listed_as_documentation(tmp_path):
    result = build_corpus(_corpus(tmp_path, "file,title\ntalk.txt,A title\n"), progress=False, workers=1)
    assert result.ok and not any("metadata.csv" in path for path, _ in result.skipped)
    assert result.tables["documents"].set_index("doc_id").title["talk"] == "A title"


def test_an_edited_metadata_csv_is_read_again_by_a_cached_build(tmp_path):
    corpus = _corpus(tmp_path, "file,title,date\ntalk.txt,Title One,2020-01-01\n")
    cache, out = tmp_path / "cache", tmp_path / "out"
    first = build_corpus(corpus, progress=False, workers=1, cache_dir=cache)
    write_tables(first.tables, out, key=first.key)
    (corpus / "metadata.csv").write_text("file,title,date\ntalk.txt,Title Two,2021-02-02\n", encoding="utf-8")
    second = build_corpus(corpus, progress=False, workers=1, cache_dir=cache)
    assert second.key != first.key  # so the tables are written again, not taken as up to date
    talk = second.tables["documents"].set_index("doc_id").loc["talk"]
    assert (talk.title, str(talk.event_date.date())) == ("Title Two", "2021-02-02")


@pytest.mark.parametrize("registry, words", [
    ('label,canonical,role,affiliation\nSergey Lavrov,"Sergey Lavrov,official,MFA\n'
     "Michael Pompeo,Mike Pompeo,official,State\n", "never closed"),
    ("label,canonical,role,affiliation\nSergey Lavrov,Sergey Lavrov,official,MFA,extra\n", "has 5 field(s)"),
    ("label,canonical,canonical\nA,B,C\n", "named twice"),
])
def test_broken_speaker_registry_is_one_error_naming_the_line(tmp_path, registry, words):
    path = tmp_path / "mine.csv"
    path.write_text("# my registry\n" + registry, encoding="utf-8")
    with pytest.raises(TranscriptError) as info:
        load_registry(path)
    assert words in info.value.message and info.value.line == (2 if "named twice" in words else 3)


def test_registry_comments_and_quoted_commas(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text('label,canonical,role,affiliation\n# a comment\n"Lavrov, S.",Sergey Lavrov,official,MFA\n',
                    encoding="utf-8")
    entry = load_registry(path).lookup("Lavrov, S.")
    assert (entry.canonical, entry.role, entry.affiliation) == ("Sergey Lavrov", "official", "MFA")


def test_load_refuses_tables_no_finished_build_certifies(tmp_path):
    result = build_corpus(_corpus(tmp_path, None), progress=False, workers=1)
    out = write_tables(result.tables, tmp_path / "processed", key=result.key)
    assert len(T.load(out).documents) == 2
    # a build stopped half way: one table replaced by another corpus's, without the write's id
    other = pa.Table.from_pandas(result.tables["documents"].head(1), preserve_index=False)
    pq.write_table(other, out / "documents.parquet")
    with pytest.raises(TranscriptError, match="not the one the build's stamp certifies"):
        T.load(out)
    (out / ".build_key").unlink()
    with pytest.raises(TranscriptError, match="not certified by a finished build"):
        T.load(out)


def test_names_without_letters_get_distinct_stable_ids(tmp_path):
    names = ("\u0662\u0660\u0662\u0661.txt", "\U0001F1F7\U0001F1FA.txt", "___.txt", "__.txt")
    ids = build_corpus(_corpus(tmp_path, None, names=names), progress=False,
                       workers=1).tables["documents"].doc_id.tolist()
    assert len(set(ids)) == 4 and not any(i.startswith("document") for i in ids)
    assert any(i.startswith("2021_") for i in ids)  # Arabic-Indic digits read as digits
    (tmp_path / "corpus" / "_.txt").write_text(TALK.format("one more file"), encoding="utf-8")  # one more file renames no other
    again = build_corpus(tmp_path / "corpus", progress=False, workers=1).tables["documents"].doc_id.tolist()
    assert set(ids) < set(again)


def test_a_link_to_a_file_read_anyway_is_reported_by_its_own_name(tmp_path):
    corpus = _corpus(tmp_path, None, names=("good.txt",))
    (corpus / "a_link.txt").symlink_to(corpus / "good.txt")
    result = build_corpus(corpus, progress=False, workers=1)
    (dup, original), = result.duplicates
    assert {dup.rsplit("/", 1)[-1], original.rsplit("/", 1)[-1]} == {"a_link.txt", "good.txt"}


def test_a_front_matter_over_the_limit_is_said_and_the_speech_still_read(tmp_path):
    padding = "".join(f"  line {i} of padding for the front matter\n" for i in range(1800))  # ~75 KB
    path = tmp_path / "big.txt"
    path.write_text(f"---\ntitle: Big\nnotes: |\n{padding}---\n"
                    "Sergey Lavrov: Good afternoon. We had talks.\n\nQuestion: What about the treaty?\n", encoding="utf-8")
    result = build_corpus(path, progress=False, workers=1)
    assert result.ok, result.errors  # read as plain text, not refused as an unknown format
    doc = result.tables["documents"].iloc[0]
    assert any("front matter not read" in w and "over the 64 KB limit" in w for w in warning_list(doc.warnings))
    turns = result.tables["turns"]
    assert list(zip(turns.speaker, turns.role)) == [("Sergey Lavrov", "official"), ("Press", "press")]


def test_a_cache_snapshot_that_cannot_be_written_leaves_nothing_behind(tmp_path, monkeypatch):
    from transcripts import build

    def disk_full(path, record):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(build, "_write_snapshot_record", disk_full)
    cache = tmp_path / "cache"
    with pytest.warns(UserWarning, match="build cache not written"):
        result = build_corpus(_corpus(tmp_path, None), progress=False, workers=1, cache_dir=cache)
    assert len(result.tables["documents"]) == 2  # the build itself is whole
    assert not (cache / "corpus").exists() or not list((cache / "corpus").iterdir())  # no snapshot, nor half of one
