"""The Corpus API (`transcripts.load`, `transcripts.corpus`): loading, subsets, tables, kwic, the wrappers
over the existing analyses, and the exports (DuckDB, Parquet, CSV, quanteda, ConvoKit).

Expected rows are computed here from `build.load_tables` with plain pandas, and the small fixture
(tests/fixtures/corpus_small/briefings.csv) was written by hand so its counts can be checked by reading it.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

import transcripts as T
from transcripts import TranscriptError, build_corpus, load_tables, write_tables
from transcripts.build import TABLES
from transcripts.paths import PROCESSED_DIR, PROJECT_ROOT

from conftest import WHITEHOUSE_DIR, build_subset, needs_whitehouse

SMALL = Path(__file__).parent / "fixtures" / "corpus_small"


@pytest.fixture(scope="session")
def small_processed(tmp_path_factory):
    result = build_corpus(SMALL, progress=False)
    assert result.ok, result.errors
    return write_tables(result.tables, tmp_path_factory.mktemp("small") / "processed")


@pytest.fixture(scope="session")
def small(small_processed):
    return T.load(small_processed)


@pytest.fixture(scope="session")
def sample(sample_processed, tmp_path_factory):
    """The sample's tables in a folder of this module's own: the Corpus's verbs write their analysis cache
    beside the tables, and the session's shared folder must stay as other tests expect it."""
    import shutil
    own = tmp_path_factory.mktemp("corpus_sample") / "processed"
    shutil.copytree(sample_processed, own)
    return T.load(own)


def expected(tables, *, doc_ids=None, event_types=None, date_from=None, date_to=None, speakers=None, roles=None):
    """The rows a subset should keep, computed with pandas from the whole tables."""
    docs, turns = tables["documents"], tables["turns"]
    date = docs.event_date.fillna(docs.published_at.dt.normalize())
    keep = pd.Series(True, index=docs.index)
    if doc_ids is not None:
        keep &= docs.doc_id.isin(doc_ids)
    if event_types is not None:
        keep &= docs.event_type.isin(event_types)
    if date_from is not None:
        keep &= date >= pd.Timestamp(date_from)
    if date_to is not None:
        keep &= date <= pd.Timestamp(date_to)
    doc_set = set(docs.doc_id[keep])
    tk = turns.doc_id.isin(doc_set)
    if speakers is not None:
        tk &= turns.speaker.isin(speakers)
    if roles is not None:
        tk &= turns.role.isin(roles)
    if speakers is not None or roles is not None:
        doc_set &= set(turns.doc_id[tk])
    keys = set(zip(turns.doc_id[tk], turns.turn_index[tk]))
    out = {}
    for name, df in tables.items():
        if name == "turns":
            mask = tk
        elif name == "sentences":
            mask = pd.Series([k in keys for k in zip(df.doc_id, df.turn_index)], index=df.index, dtype=bool)
        else:
            mask = df.doc_id.isin(doc_set)
        out[name] = df[mask].reset_index(drop=True)
    return out


def assert_tables(corpus, want):
    for name in TABLES:
        got = corpus.table(name)
        pd.testing.assert_frame_equal(got, want[name], check_exact=True, obj=name)


# --------------------------------------------------------------------------------------- loading

def test_load_processed_tables_equal_load_tables(sample, sample_processed):
    tables = load_tables(sample_processed)
    assert_tables(sample, tables)
    pd.testing.assert_frame_equal(sample.documents, tables["documents"])  # the properties too
    pd.testing.assert_frame_equal(sample.cleaning_log, tables["cleaning_log"])
    assert sample.counts() == {"documents": 1, "turns": len(tables["turns"]), "sentences": len(tables["sentences"])}


def test_load_raw_folder_builds_into_out_and_reuses_tables(tmp_path):
    c = T.load(SMALL, out=tmp_path / "o", progress=False)
    assert c.processed_dir == (tmp_path / "o" / "processed").resolve()
    assert sorted(p.name for p in c.processed_dir.glob("*.parquet")) == sorted(f"{n}.parquet" for n in TABLES)
    stamp = (c.processed_dir / "turns.parquet").stat().st_mtime_ns
    again = T.load(SMALL, out=tmp_path / "o", progress=False)  # unchanged corpus: the tables are not written again
    assert (again.processed_dir / "turns.parquet").stat().st_mtime_ns == stamp
    assert c.counts() == {"documents": 3, "turns": 8, "sentences": 14}
    assert T.load(tmp_path / "o").processed_dir == c.processed_dir  # an output folder: its processed/ is used


def test_load_one_raw_file_and_bad_files_are_warned(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    shutil.copy(SMALL / "briefings.csv", corpus / "briefings.csv")
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    with pytest.warns(UserWarning, match="empty.txt"):
        c = T.load(corpus, out=tmp_path / "o", progress=False)
    assert [Path(e.path).name for e in c.build_errors] == ["empty.txt"]
    assert c.counts()["turns"] == 8
    one = T.load(corpus / "briefings.csv", out=tmp_path / "o2", progress=False)
    assert one.counts()["documents"] == 3


def test_relative_paths_current_directory_first_then_project_root(tmp_path, monkeypatch, small_processed):
    mine = tmp_path / "data" / "processed"
    shutil.copytree(small_processed, mine)
    monkeypatch.chdir(tmp_path)
    assert T.load("data/processed").processed_dir == mine.resolve()  # the analyst's folder wins
    monkeypatch.chdir(tmp_path / "data")
    c = T.load("data/raw", progress=False)  # not here: the project's sample, built into data/processed
    assert c.processed_dir == PROCESSED_DIR.resolve()
    with pytest.raises(TranscriptError, match="no such folder or file") as err:
        T.load("no/such/folder")
    assert str(PROJECT_ROOT) in str(err.value)


def test_partial_processed_folder_names_missing_tables(tmp_path, small_processed):
    part = tmp_path / "p"
    part.mkdir()
    for name in ("documents", "turns"):
        shutil.copy(small_processed / f"{name}.parquet", part)
    with pytest.raises(TranscriptError, match="processed tables missing: sentences, cleaning_log, texts"):
        T.load(part)


# --------------------------------------------------------------------------------------- subsets

SUBSETS = [
    dict(roles=["press"]),
    dict(speakers=["Brian Deese"]),
    dict(speakers="Jen Psaki", date_from="2021-06-01"),
    dict(date_from="2021-06-01"),
    dict(date_from="2021-06-15", date_to="2021-06-15"),  # both ends inclusive
    dict(date_to="2021-06-14"),
    dict(doc_ids=["brief_c", "brief_a"], roles=["official"]),
    dict(speakers=["Jen Psaki"], roles=["press"]),  # AND: nobody is both
    dict(doc_ids=["brief_c"], speakers=["Jen Psaki"]),
]


@pytest.mark.parametrize("spec", SUBSETS, ids=lambda s: ",".join(f"{k}={v}" for k, v in s.items()))
def test_subset_rows_and_dtypes_equal_load_tables(small, small_processed, spec):
    want = expected(load_tables(small_processed), **{k: ([v] if isinstance(v, str) and k == "speakers" else v)
                                                     for k, v in spec.items()})
    assert_tables(small.subset(**spec), want)


def test_subset_by_hand_on_the_fixture(small):
    """Counts read off tests/fixtures/corpus_small/briefings.csv."""
    deese = small.subset(speakers=["Brian Deese"])
    assert deese.counts() == {"documents": 1, "turns": 1, "sentences": 2}
    assert deese.cleaning_log.doc_id.unique().tolist() == ["brief_b"]  # the whole log of its document
    # brief_b's text is the header line and its 3 rows; the log holds the header (1) and, per row, its
    # document id, speaker, 3 metadata cells (role, date, title), 5 commas and the line break: 1 + 3 * 11
    assert len(deese.cleaning_log) == 34 and deese.texts.doc_id.tolist() == ["brief_b"]
    assert (deese.cleaning_log.reason == "table header").sum() == 1
    psaki_june = small.subset(speakers=["Jen Psaki"], date_from="2021-06-01")
    assert psaki_june.turns[["doc_id", "turn_index"]].values.tolist() == [["brief_b", 0]]
    assert small.subset(date_from="2021-06-15", date_to="2021-06-15").documents.doc_id.tolist() == ["brief_b"]
    assert small.subset(roles="press").counts() == {"documents": 3, "turns": 3, "sentences": 4}
    assert small.subset(speakers=["Jen Psaki"], roles=["press"]).counts() == {"documents": 0, "turns": 0, "sentences": 0}


def test_empty_arguments_set_no_condition(small):
    same = small.subset(speakers=[], roles="", doc_ids=None, date_from="", date_to=None, event_types=[])
    assert same.filter == small.filter and same.counts() == small.counts()


def test_chained_subsets_and_together(small):
    chained = small.subset(speakers=["Jen Psaki", "Brian Deese"]).subset(date_from="2021-06-01").subset(
        speakers=["Brian Deese", "Press"])
    assert chained.filter.speakers == ("Brian Deese",)
    assert chained.turns.speaker.tolist() == ["Brian Deese"]
    narrower = small.subset(date_from="2021-05-01", date_to="2021-07-01").subset(date_from="2021-06-01",
                                                                                date_to="2021-12-31")
    assert narrower.documents.doc_id.tolist() == ["brief_b", "brief_c"]
    assert small.subset(speakers=["Jen Psaki"]).subset(speakers=["Press"]).counts()["turns"] == 0
    assert "speakers=['Brian Deese']" in repr(chained)


def test_subset_on_the_sample(sample, sample_processed):
    tables = load_tables(sample_processed)
    doc = tables["documents"].doc_id.iloc[0]
    assert_tables(sample.subset(event_types=["joint news conference"], roles=["official"]),
                  expected(tables, event_types=["joint news conference"], roles=["official"]))
    assert_tables(sample.subset(doc_ids=[doc], date_to="2019-12-10"), expected(tables, doc_ids=[doc], date_to="2019-12-10"))
    assert sample.subset(date_from="2019-12-11").counts()["documents"] == 0


@pytest.mark.parametrize("spec, message, suggestion", [
    (dict(speakers=["Jen Psakki"]), "speaker 'Jen Psakki' is not in the corpus", "Did you mean 'Jen Psaki'"),
    (dict(speakers=["psaki"]), "speaker 'psaki'", "Did you mean 'Jen Psaki'"),
    (dict(roles=["officials"]), "role 'officials'", "Did you mean 'official'"),
    (dict(doc_ids=["brief_d"]), "document id 'brief_d'", "Did you mean 'brief_c' or 'brief_b' or 'brief_a'?"),
    (dict(speakers=["Zzz Qqq"]), "speaker 'Zzz Qqq'", "No name is close"),
    (dict(date_from="June 2021x"), "date_from='June 2021x' is not a date", "YYYY-MM-DD"),
    (dict(date_from="2021-07-01", date_to="2021-06-01"), "is after date_to", "Swap them"),
])
def test_subset_errors_say_what_to_do(small, spec, message, suggestion):
    with pytest.raises(TranscriptError) as err:
        small.subset(**spec)
    assert message in str(err.value) and suggestion in str(err.value)


def test_unknown_event_type_on_the_sample(sample):
    with pytest.raises(TranscriptError, match="Did you mean 'joint news conference'"):
        sample.subset(event_types=["joint press conference"])


def test_table_columns_and_sql(small, small_processed):
    got = small.subset(roles=["press"]).table("turns", ["speaker", "is_question"])
    assert got.columns.tolist() == ["speaker", "is_question"] and got.is_question.dtype == bool
    with pytest.raises(TranscriptError, match="no column 'speeker' in turns"):
        small.table("turns", ["speeker"])
    import duckdb
    sql = small.subset(speakers=["Jen Psaki"]).sql("sentences", ["text"])
    assert len(duckdb.sql(sql).fetchall()) == 6  # the SQL runs on its own, over the files


# ------------------------------------------------------------------------------------------- kwic

def test_kwic_on_the_fixture_literal_phrase_regex(small):
    hits = small.kwic("supply chain")
    # brief_a turns 0 and 2, brief_b turns 0, 1, 2 ("supply  chains", "supply-chain", "supply chains" do not match)
    assert hits[["doc_id", "turn_index"]].values.tolist() == [["brief_a", 0], ["brief_a", 2], ["brief_b", 0],
                                                             ["brief_b", 1], ["brief_b", 2]]
    assert hits.keyword.tolist() == ["supply chain", "supply chain", "Supply chain", "supply chain", "supply chain"]
    assert hits.columns.tolist() == ["doc_id", "date", "speaker", "role", "turn_index", "sentence_index", "left",
                                     "keyword", "right", "char_start", "char_end"]
    assert len(small.kwic("supply chain", phrase=False)) == 12
    assert len(small.kwic(r"supply[\s-]+chains?", regex=True)) == 8
    assert len(small.kwic("Supply chain", case_sensitive=True)) == 1
    assert small.kwic(["supply chain", "task force"]).keyword.tolist().count("task force") == 1
    first = hits.iloc[0]
    assert (first.left, first.right, first.sentence_index) == ("Good morning. The", "is our focus today.", 1)
    assert hits.date.dtype == "datetime64[ns]" and hits.date.iloc[-1] == pd.Timestamp("2021-06-15")
    assert small.kwic("supply chain", window=1).right.iloc[0] == "is"


def test_kwic_respects_the_subset_and_sentence_bounds(small):
    hits = small.subset(speakers=["Jen Psaki"], date_from="2021-06-01").kwic("supply chain")
    assert hits[["doc_id", "speaker", "keyword"]].values.tolist() == [["brief_b", "Jen Psaki", "Supply chain"]]
    assert small.kwic("persist we").empty  # a phrase never spans two sentences ("persist. We")
    assert small.kwic("russia's").keyword.tolist() == ["Russia's"]


@pytest.mark.parametrize("pattern, regex", [("Russia", False), ("strategic stability", False), ("Mr Pompeo", False),
                                            (r"sanction\w*", True), (r"\bU\.?S\.?\b", True), ("don't", False)])
def test_kwic_offsets_point_at_the_keyword_in_the_raw_text(sample, pattern, regex):
    texts = dict(zip(sample.texts.doc_id, sample.texts.text))
    hits = sample.kwic(pattern, regex=regex)
    assert len(hits) > 0 or pattern == "don't"
    for h in hits.itertuples():
        assert texts[h.doc_id][h.char_start:h.char_end] == h.keyword
        assert re.fullmatch(pattern if regex else r"\s+".join(map(re.escape, pattern.split())), h.keyword,
                            re.IGNORECASE)
    turns = sample.turns.set_index("turn_index")
    for h in hits.itertuples():  # inside the span of the turn named
        assert turns.char_start[h.turn_index] <= h.char_start < h.char_end <= turns.char_end[h.turn_index]


def test_kwic_counts_agree_with_a_plain_search_of_the_sentences(sample):
    sentences = sample.sentences
    for word in ("Russia", "treaty", "United States"):
        pattern = re.compile(r"(?<![\w'’-])" + r"\s+".join(word.split()) + r"(?![\w-])(?!['’]\w)", re.IGNORECASE)
        want = sum(len(pattern.findall(t)) for t in sentences.text)
        assert len(sample.kwic(word)) == want > 0, word


@pytest.mark.parametrize("pattern, kwargs, message", [
    ("", {}, "nothing to search for"),
    ("(unclosed", dict(regex=True), "not a valid regular expression"),
    ("x*", dict(regex=True), "matches the empty string"),
])
def test_kwic_bad_patterns(small, pattern, kwargs, message):
    with pytest.raises(TranscriptError, match=message):
        small.kwic(pattern, **kwargs)


# ----------------------------------------------------------------------------- existing analyses

def test_wrappers_call_the_existing_functions_on_the_subset(sample, sample_processed):
    from transcripts import speakers, topics
    tables = load_tables(sample_processed)
    part = expected(tables, roles=["press"])
    got = sample.subset(roles=["press"]).speaker_stats()
    pd.testing.assert_frame_equal(got, speakers.speaker_stats(part["turns"]))
    assert got.n_turns.tolist() == [8]
    pd.testing.assert_frame_equal(sample.topics(), topics.tag_sentences(tables["sentences"]))
    summary = sample.topics(summary=True)
    pd.testing.assert_frame_equal(summary, topics.topic_summary(topics.tag_sentences(tables["sentences"]),
                                                               tables["sentences"]))


def test_claims_wrapper_equals_extract_claims_on_the_subset(sample, sample_processed, tmp_path):
    from transcripts import claims
    tables = expected(load_tables(sample_processed), speakers=["Sergey Lavrov"])
    got = sample.subset(speakers=["Sergey Lavrov"]).claims()
    want = claims.extract_claims(tables, progress=False, cache_dir=tmp_path)
    pd.testing.assert_frame_equal(got, want)
    assert len(got) > 0 and set(got.speaker) == {"Sergey Lavrov"}


# ---------------------------------------------------------------------------------------- exports

def test_to_duckdb_registers_every_table_of_the_subset(small):
    part = small.subset(roles=["official"])
    con = part.to_duckdb()
    for name in TABLES:
        assert con.sql(f"SELECT count(*) FROM {name}").fetchall()[0][0] == len(part.table(name)), name
    assert part.query("SELECT DISTINCT role FROM turns").role.tolist() == ["official"]


def test_to_parquet_round_trips(small, tmp_path):
    part = small.subset(date_from="2021-06-01")
    out = part.to_parquet(tmp_path / "sub")
    again = T.load(out)
    for name in TABLES:
        pd.testing.assert_frame_equal(again.table(name), part.table(name), obj=name)
    pd.testing.assert_frame_equal(load_tables(out)["turns"], part.turns)
    with pytest.raises(TranscriptError, match="the folder the corpus reads its tables from"):
        again.to_parquet(out)


def test_to_csv_writes_every_table(small, tmp_path):
    out = small.subset(speakers=["Jen Psaki"]).to_csv(tmp_path / "csv")
    turns = pd.read_csv(out / "turns.csv")
    assert len(turns) == 3 and set(turns.speaker) == {"Jen Psaki"}
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.csv" for n in TABLES)


@pytest.mark.parametrize("unit", ["turn", "document"])
def test_to_quanteda_pair_joins_on_unit_id(sample, tmp_path, unit):
    out = sample.to_quanteda(tmp_path / unit, unit=unit)
    texts = pd.read_csv(out / "texts.csv", keep_default_na=False)
    docvars = pd.read_csv(out / "docvars.csv")
    assert texts.columns.tolist() == ["unit_id", "text"] and texts.unit_id.is_unique
    assert texts.unit_id.tolist() == docvars.unit_id.tolist()
    turns = sample.turns
    if unit == "turn":
        assert len(texts) == len(turns)
        assert texts.text.tolist() == turns.text.astype(str).tolist()  # verbatim, line breaks and all
        assert docvars.speaker.tolist() == turns.speaker.tolist()
        assert docvars.date.unique().tolist() == ["2019-12-10"]
    else:
        assert len(texts) == 1 and texts.text.iloc[0] == "\n\n".join(turns.text.astype(str))
        assert docvars.n_turns.tolist() == [len(turns)]


def _check_convokit(corpus, turns):
    ids = {f"{d}#{i}" for d, i in zip(turns.doc_id, turns.turn_index)}
    utts = list(corpus.iter_utterances())
    assert len(utts) == len(turns) and {u.id for u in utts} == ids
    for u in utts:
        if u.reply_to is not None:
            target = corpus.get_utterance(u.reply_to)  # raises when the link points nowhere
            assert target.conversation_id == u.conversation_id
            assert target.meta["turn_index"] < u.meta["turn_index"]
    for convo in corpus.iter_conversations():
        assert convo.check_integrity(verbose=False)
    return utts


def test_to_convokit_loads_in_convokit(sample, tmp_path):
    convokit = pytest.importorskip("convokit")
    turns = sample.turns
    corpus = sample.to_convokit(tmp_path / "ck")
    utts = _check_convokit(corpus, turns)
    assert len(list(corpus.iter_conversations())) == 1
    by_id = {u.id: u for u in utts}
    doc = turns.doc_id.iloc[0]
    assert by_id[f"{doc}#0"].reply_to is None and by_id[f"{doc}#5"].reply_to == f"{doc}#4"
    assert by_id[f"{doc}#3"].text == turns.text.iloc[3]
    convo = corpus.get_conversation(doc)
    assert convo.meta["event_date"] == "2019-12-10" and convo.meta["place"] == "Washington"
    assert corpus.get_speaker("Sergey Lavrov").meta == {"role": "official", "affiliation": "Russia"}
    again = convokit.Corpus(filename=str(tmp_path / "ck"))  # ConvoKit's own reader
    assert len(list(again.iter_utterances())) == len(turns)
    assert again.get_utterance(f"{doc}#5").reply_to == f"{doc}#4"
    assert again.get_speaker("Press").meta["role"] == "press"
    times = [u.timestamp for u in again.get_conversation(doc).get_chronological_utterance_list()]
    assert [int(u.split("#")[1]) for u in (x.id for x in again.get_conversation(doc).get_chronological_utterance_list())] \
        == sorted(turns.turn_index) and times == sorted(times)


def test_to_convokit_reply_to_question_and_subsets(sample, small):
    pytest.importorskip("convokit")
    from transcripts import speakers
    turns = sample.turns
    corpus = sample.to_convokit(reply_to="question")
    _check_convokit(corpus, turns)
    doc = turns.doc_id.iloc[0]
    pairs = speakers.qa_pairs(turns).dropna(subset=["answer_turn"])
    assert len(pairs) > 0
    for q, a in zip(pairs.question_turn, pairs.answer_turn):  # an answer replies to its question
        assert corpus.get_utterance(f"{doc}#{a}").reply_to == f"{doc}#{q}"
    part = small.subset(speakers=["Jen Psaki", "Brian Deese"])  # links stay inside what is exported
    utts = _check_convokit(part.to_convokit(), part.turns)
    assert {u.id: u.reply_to for u in utts}["brief_a#2"] == "brief_a#0"


# ------------------------------------------------------------------------------ the Done-when line

@pytest.fixture(scope="module")
def whitehouse_supply_chain(tmp_path_factory):
    """Four 2021 White House briefings that mention "supply chain": two from May, two from June/July."""
    folder = WHITEHOUSE_DIR / "press-briefings"

    def pick(months, n):
        found = []
        for month in months:
            for f in sorted((folder / month).glob("*.md")):
                text = f.read_text(encoding="utf-8")
                if "supply chain" in text.lower() and "MS. PSAKI" in text:
                    found.append(f)
                    if len(found) == n:
                        return found
        return found

    files = pick(["2021-05"], 1) + pick(["2021-06", "2021-07"], 2)
    assert len(files) == 3
    return build_subset(files, tmp_path_factory.mktemp("wh_supply"))


@needs_whitehouse
def test_done_when_psaki_supply_chain_on_a_white_house_subset(whitehouse_supply_chain):
    import transcripts as T
    c = T.load(whitehouse_supply_chain)
    hits = c.subset(speakers=["Jen Psaki"], date_from="2021-06-01").kwic("supply chain")
    assert len(hits) > 0
    assert {"speaker", "date", "left", "keyword", "right", "char_start", "char_end"} <= set(hits.columns)
    assert set(hits.speaker) == {"Jen Psaki"} and (hits.date >= "2021-06-01").all()
    texts = dict(zip(c.texts.doc_id, c.texts.text))
    for h in hits.itertuples():
        assert texts[h.doc_id][h.char_start:h.char_end] == h.keyword
        assert re.fullmatch(r"supply\s+chain", h.keyword, re.IGNORECASE)
    # the same count from the tables with pandas: Psaki's sentences in documents from June on
    tables = expected(load_tables(whitehouse_supply_chain), speakers=["Jen Psaki"], date_from="2021-06-01")
    pattern = re.compile(r"(?<![\w'’-])supply\s+chain(?![\w-])(?!['’]\w)", re.IGNORECASE)
    assert len(hits) == sum(len(pattern.findall(t)) for t in tables["sentences"].text)
