"""Notebook 03 without the corpus in memory (issue 16): `topics.tag_scope` and `discover_scope_themes` read
the events a group of whole documents at a time and set the tags and question/answer rows aside on disk;
they must give what the whole-table functions give on the whole tables (notebook 03 as it was: the
reference), frame for frame. The corpus: the sample cut into five documents of consecutive turns, their
ids not in the tables' order (so that putting the tags back in `doc_id` order is tested), dated in three
months, read a few sentences at a time (so that groups end inside a batch)."""
from __future__ import annotations

import pandas as pd
import pytest

from transcripts import topics
from transcripts.build import load_tables, write_tables
from transcripts.corpus import Tables, scope
from transcripts.errors import TranscriptError

KEYS = ["doc_id", "turn_index", "sentence_index"]
# turns 0-3, 4-6, 7-9, 10-12, 13-16 of the sample become these documents, in this order in every table
PARTS = [("e-briefing", range(4), "2019-12-10"), ("a-briefing", range(4, 7), "2020-01-05"),
         ("d-briefing", range(7, 10), "2020-01-20"), ("b-briefing", range(10, 13), "2020-02-01"),
         ("c-briefing", range(13, 17), None)]


def _cut(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    doc_of = {t: name for name, turns, _ in PARTS for t in turns}
    out = {}
    for name in ("turns", "sentences"):
        df = tables[name].copy()
        df["doc_id"] = df.turn_index.map(doc_of)
        out[name] = df
    base = tables["documents"].iloc[[0] * len(PARTS)].reset_index(drop=True)
    base["doc_id"] = [p[0] for p in PARTS]
    base["event_date"] = pd.to_datetime([p[2] for p in PARTS])
    base["published_at"] = pd.NaT  # the last document has no date at all: left out of the timeline
    out["documents"] = base
    out["cleaning_log"] = tables["cleaning_log"].assign(doc_id=PARTS[0][0])
    out["texts"] = tables["texts"].iloc[[0] * len(PARTS)].assign(doc_id=[p[0] for p in PARTS]).reset_index(drop=True)
    return out


@pytest.fixture(scope="module")
def cut_processed(sample_processed, tmp_path_factory):
    out = tmp_path_factory.mktemp("processed_cut")
    write_tables(_cut(load_tables(sample_processed)), out)
    return out


def _whole(in_scope, lexicon=None, min_matches=1):
    """Notebook 03 as it was: the tables in memory, the whole-table functions."""
    tables, events = in_scope.tables, in_scope.events
    event_topics = topics.tag_sentences(events["sentences"], lexicon)
    sentence_topics = in_scope.involving(event_topics, "turn_index")
    sentences = tables["sentences"]
    qa = in_scope.involving(topics.qa_topic_shift(events, event_topics, min_matches=min_matches),
                            "question_turn", "answer_turns")
    return dict(event_topics=event_topics, sentence_topics=sentence_topics, qa=qa,
                summary=topics.topic_summary(sentence_topics, sentences, lexicon),
                n_tagged=len(sentence_topics[KEYS].drop_duplicates()), n_sentences=len(sentences),
                head=sentence_topics.merge(sentences, on=KEYS).head(15), shifts=topics.shift_counts(qa),
                qa_events=qa.doc_id.nunique(), event=topics.pick_event(events),
                timeline=topics.topic_timeline(tables, sentence_topics, freq="month", lexicon=lexicon),
                speakers=list(events["turns"].speaker.unique()))


def _whole_frames(spill):
    return pd.concat(list(spill.frames(rows=5)), ignore_index=True)


def _assert_same(got, want):
    pd.testing.assert_frame_equal(_whole_frames(got.event_tags), want["event_topics"])
    pd.testing.assert_frame_equal(_whole_frames(got.tags), want["sentence_topics"])
    pd.testing.assert_frame_equal(_whole_frames(got.qa), want["qa"])
    pd.testing.assert_frame_equal(got.summary(), want["summary"])
    pd.testing.assert_frame_equal(got.head_with_text(), want["head"])
    pd.testing.assert_frame_equal(got.shift_counts(), want["shifts"])
    pd.testing.assert_frame_equal(got.timeline(want["documents"], freq="month"), want["timeline"])
    assert (got.n_tagged, got.n_sentences, got.n_tags, got.qa_events) == (
        want["n_tagged"], want["n_sentences"], len(want["sentence_topics"]), want["qa_events"])
    assert got.speakers == want["speakers"]


def test_tag_scope_gives_the_whole_table_results(cut_processed, tmp_path):
    whole = scope(cut_processed)
    want = _whole(scope(cut_processed))  # read whole into pandas
    want["documents"] = whole.tables["documents"]
    lazy = scope(cut_processed)
    got = topics.tag_scope(lazy, rows=7, cache_dir=tmp_path / "cache")
    assert isinstance(lazy.events, Tables) and lazy.events.loaded == ["documents"], "a whole table was read into pandas"
    # checked by hand on the cut: five documents, the tags in doc_id order (a, b, c, d, e), not the tables'
    tags = _whole_frames(got.tags)
    assert list(dict.fromkeys(tags.doc_id)) == sorted(p[0] for p in PARTS)
    assert len(got.tags.index) == 5 and got.n_sentences == 186
    assert got.timeline(want["documents"]).period.unique().tolist() == ["2019-12", "2020-01", "2020-02"]
    _assert_same(got, want)
    assert got.pick_event(want["documents"]) == want["event"]
    # the per-document cache: the same tags again, from it
    again = topics.tag_scope(scope(cut_processed), rows=50, cache_dir=tmp_path / "cache")
    pd.testing.assert_frame_equal(_whole_frames(again.tags), want["sentence_topics"])
    assert len(list((tmp_path / "cache" / "analyses" / "topic_tags").glob("*/*.pkl"))) == 5


def test_a_speaker_filter_gives_the_whole_table_results(cut_processed):
    in_scope = scope(cut_processed, speakers=["Sergey Lavrov"])
    want = _whole(in_scope, min_matches=2)
    want["documents"] = in_scope.tables["documents"]
    got = topics.tag_scope(in_scope, min_matches=2, rows=7)
    assert got.tags is not got.event_tags and 0 < got.n_tags < len(got.event_tags)
    _assert_same(got, want)


def test_the_csv_copies_are_those_of_the_whole_tables(cut_processed, tmp_path):
    from transcripts.csvout import write_csv

    want = _whole(scope(cut_processed))
    got = topics.tag_scope(scope(cut_processed), rows=7)
    for name, spill, frame in (("tags", got.tags, want["sentence_topics"]), ("qa", got.qa, want["qa"])):
        spill.write_csv(tmp_path / f"{name}_parts.csv")
        write_csv(frame, tmp_path / f"{name}_whole.csv")
        assert (tmp_path / f"{name}_parts.csv").read_bytes() == (tmp_path / f"{name}_whole.csv").read_bytes()
    # the event of the flow: its rows, as the whole frames give them
    pd.testing.assert_frame_equal(got.qa.of_documents(["d-briefing"]),
                                  want["qa"][want["qa"].doc_id == "d-briefing"].reset_index(drop=True))


@pytest.mark.parametrize("max_sentences", [40, 20_000])
def test_themes_drawn_by_row_position_are_the_whole_table_themes(cut_processed, tmp_path, max_sentences):
    whole = load_tables(cut_processed)
    tags = topics.tag_sentences(whole["sentences"])
    speakers = whole["turns"].speaker.unique()
    want = topics.discover_themes(whole["sentences"], tags, n_themes=3, max_sentences=max_sentences, speakers=speakers)
    lazy = scope(cut_processed)
    got_tags = topics.tag_scope(lazy, rows=7).tags
    got = topics.discover_scope_themes(lazy.tables, got_tags, n_themes=3, max_sentences=max_sentences,
                                       speakers=speakers, rows=7)
    assert lazy.tables.loaded == ["documents"]  # read by tag_scope; the sentences never whole
    assert len(want[0]) == 3 and len(want[1]) > 0
    pd.testing.assert_frame_equal(got[0], want[0])
    pd.testing.assert_frame_equal(got[1], want[1])
    # kept in the cache: the same themes again
    first = topics.discover_scope_themes(lazy.tables, got_tags, n_themes=3, max_sentences=max_sentences,
                                         speakers=speakers, rows=7, cache_dir=tmp_path)
    second = topics.discover_scope_themes(lazy.tables, got_tags, n_themes=3, max_sentences=max_sentences,
                                          speakers=speakers, rows=7, cache_dir=tmp_path)
    pd.testing.assert_frame_equal(first[1], want[1])
    pd.testing.assert_frame_equal(second[0], want[0])


def test_document_groups_hold_whole_documents_of_each_table(cut_processed):
    lazy = scope(cut_processed).tables
    whole = load_tables(cut_processed)
    groups = list(lazy.document_groups({"sentences": ["doc_id", "turn_index"], "turns": None}, rows=7))
    assert lazy.loaded == [] and len(groups) == 5  # 7 sentences a group: one document each here
    for g in groups:
        assert g["sentences"].doc_id.nunique() == 1 and set(g["turns"].doc_id) == set(g["sentences"].doc_id)
    pd.testing.assert_frame_equal(pd.concat([g["turns"] for g in groups], ignore_index=True), whole["turns"])
    checks = topics.sentence_checks(lazy, rows=7)
    assert checks.n_sentences.sum() == 186 and checks.n_orphans.sum() == 0
    assert checks.n_words.sum() == whole["sentences"].n_words.sum()
    # one event's rows, read a batch at a time, as the whole table gives them
    pd.testing.assert_frame_equal(lazy.of_documents("sentences", ["d-briefing"]),
                                  whole["sentences"][whole["sentences"].doc_id == "d-briefing"].reset_index(drop=True))


def test_a_table_out_of_the_documents_order_is_a_clear_error(sample_processed, tmp_path):
    tables = _cut(load_tables(sample_processed))
    tables["sentences"] = tables["sentences"].iloc[::-1].reset_index(drop=True)
    write_tables(tables, tmp_path)
    with pytest.raises(TranscriptError, match="sentences table is not in the documents table's order"):
        topics.tag_scope(scope(tmp_path), rows=7)


def test_one_event_is_read_from_the_row_groups_that_may_hold_it(cut_processed, tmp_path):
    import shutil

    import pyarrow.parquet as pq

    from transcripts.build import read_table, tables_stamp

    folder = tmp_path / "processed"
    shutil.copytree(cut_processed, folder)
    for name in ("sentences", "turns"):  # a row group of 20 rows: each document spans several
        path = folder / f"{name}.parquet"
        pq.write_table(pq.read_table(path), path, row_group_size=20)
    assert pq.ParquetFile(folder / "sentences.parquet").metadata.num_row_groups > 5
    lazy = scope(folder).tables
    for ids in (["d-briefing"], ["c-briefing", "e-briefing"], ["no-such-event"], []):
        for name in ("sentences", "turns"):
            pd.testing.assert_frame_equal(lazy.of_documents(name, ids),
                                          read_table(folder, name, tables_stamp(folder), doc_ids=ids))
    assert lazy.loaded == []
