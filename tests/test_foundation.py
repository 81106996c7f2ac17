"""The foundation: labels, headers and titles of the Foreign Ministry page format, the sample's ground
truth (counted by hand on the page), sentences, and the coverage invariant."""
from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from transcripts import build_corpus, coverage, load_tables, read_document
from transcripts.clean import coverage_problems
from transcripts.labels import match_label
from transcripts.model import Document
from transcripts.readers import mid_text
from transcripts.segment import sentence_spans

SAMPLE_ID = "mid_ru_en_2019-12-10_lavrov_pompeo_press_conference"


# --- labels ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("line, name, addressee, stage_note", [
    ("Question: Is there any progress?", "Question", None, None),
    ("Question (to Michael Pompeo): On North Korea?", "Question", "Michael Pompeo", None),
    ("Question (addressed to Michael Pompeo): If the attempt fails?", "Question", "Michael Pompeo", None),
    ("Sergey Lavrov: The investigation was completed.", "Sergey Lavrov", None, None),
    ("Sergey Lavrov (speaks after Michael Pompeo): We are talking.", "Sergey Lavrov", None, "after Michael Pompeo"),
    ("Sergey Lavrov (speaking after Michael Pompeo): Replying.", "Sergey Lavrov", None, "after Michael Pompeo"),
    ("Question (retranslated): How do you see it?", "Question", None, "retranslated"),
    ("President of Russia Vladimir Putin: Good afternoon.", "President of Russia Vladimir Putin", None, None),
    ("Maria Zakharova:\u00a0Thank you.", "Maria Zakharova", None, None),
])
def test_speaker_labels(line, name, addressee, stage_note):
    label = match_label(line)
    assert label is not None
    assert (label.name, label.addressee, label.stage_note) == (name, addressee, stage_note)
    assert line[label.end:].strip() == line.split(":", 1)[1].strip()


@pytest.mark.parametrize("line", [
    "Key points: sanctions, visas and trade.",
    "Note: the transcript was edited.",
    "Washington, December 10: the talks began.",
    "Let me give you the following figures: the US has 155 more.",
    "Ladies and gentlemen,",
    "In 2019: trade grew.",
    "Question without a colon",
])
def test_label_like_lines_are_not_speakers(line):
    assert match_label(line) is None


@pytest.mark.parametrize("text, speakers, roles", [
    # Worked out by reading each text: who speaks each paragraph.
    ("SPOKESPERSON: Good afternoon.\n\nQUESTION: Any news?\n\nSPOKESPERSON: None.\n",
     ["Spokesperson", "Press", "Spokesperson"], ["official", "press", "official"]),
    # She answers a journalist's question, so she is an official (a guess the warnings report; issue 12).
    ("Zakharova: Good afternoon.\n\nQuestion: Any news?\n\nZakharova: None.\n",
     ["Zakharova", "Press", "Zakharova"], ["official", "press", "official"]),
    ("Q: Any news?\n\nA: None.\n\nQ: Really?\n\nA: Really.\n",
     ["Press", "Answer", "Press", "Answer"], ["press", "official", "press", "official"]),
    ("MS. ZAKHAROVA: Good afternoon.\n\nQuestion: Why?\n",
     ["Zakharova", "Press"], ["other", "press"]),
    # A one-off single word with a colon is text, not a speaker (Lavrov is an official in the shipped registry).
    ("Sergey Lavrov: We met.\n\nUpdate: the talks went on.\n\nVisas: a problem.\n",
     ["Sergey Lavrov"], ["official"]),
])
def test_plain_text_label_forms(tmp_path, text, speakers, roles):
    path = tmp_path / "t.txt"
    path.write_text(text, encoding="utf-8")
    turns = build_corpus(path, progress=False).tables["turns"]
    assert list(turns.speaker) == speakers
    assert list(turns.role) == roles


# --- header and title ------------------------------------------------------------------------------
@pytest.mark.parametrize("header, published", [
    ("11 December 201901:08", "2019-12-11T01:08"),
    ("5 March 2020 14:30", "2020-03-05T14:30"),
    ("1 January 202123:59", "2021-01-01T23:59"),
])
def test_header_publication_date(header, published):
    doc = _parse(f"{header}\n\nSome title, Moscow, March 5, 2020\n\nSergey Lavrov: Hello.\n")
    assert doc.published_at == published
    assert doc.log[0].reason.startswith("header")


@pytest.mark.parametrize("title, event_type, place, date, principal, counterpart", [
    ("Foreign Minister Sergey Lavrov’s remarks and answers to media questions at a joint news conference following "
     "talks with US Secretary of State Michael Pompeo, Washington, December 10, 2019",
     "joint news conference", "Washington", "2019-12-10", "Sergey Lavrov", "Michael Pompeo"),
    ("Foreign Minister Sergey Lavrov’s interview with Kommersant newspaper, Moscow, 3 February 2020",
     "interview", "Moscow", "2020-02-03", "Sergey Lavrov", "Kommersant newspaper"),
    ("Briefing by Foreign Ministry Spokesperson Maria Zakharova, Moscow, November 5, 2020",
     "briefing", "Moscow", "2020-11-05", None, None),
])
def test_title_metadata(title, event_type, place, date, principal, counterpart):
    doc = Document("d", "t.txt", "", "mid_text", "")
    mid_text.parse_title(doc, title)
    assert (doc.event_type, doc.place, doc.event_date, doc.principal, doc.counterpart) == (
        event_type, place, date, principal, counterpart)


def _parse(text: str) -> Document:
    from transcripts.clean import fill_gaps
    doc = Document("d", "t.txt", "", "mid_text", text)
    mid_text.parse(doc)
    fill_gaps(doc)
    return doc


# --- the sample's ground truth (counted by hand on the page) ----------------------------------------
# Reading data/raw/…lavrov_pompeo…txt: the opening statement runs from "Ladies and gentlemen," to
# "…at any time convenient to him."; then 8 "Question…:" paragraphs, each followed by a "Sergey Lavrov…:"
# paragraph (lines 52-90 of the file), two questions marked "(to / addressed to Michael Pompeo)" and
# two answers marked "(speaks / speaking after Michael Pompeo)".
def test_sample_turns(sample_tables):
    turns = sample_tables["turns"]
    assert len(turns) == 17
    assert list(turns.turn_index) == list(range(17))
    lavrov = turns[turns.speaker == "Sergey Lavrov"]
    press = turns[turns.role == "press"]
    assert len(lavrov) == 9 and set(lavrov.role) == {"official"}
    assert len(press) == 8 and press.is_question.all() and not lavrov.is_question.any()
    assert list(turns.role) == ["official"] + ["press", "official"] * 8
    assert list(turns[turns.addressee == "Michael Pompeo"].turn_index) == [1, 9]
    assert list(turns[turns.stage_note == "after Michael Pompeo"].turn_index) == [2, 10]
    assert turns.text[0].startswith("Ladies and gentlemen,\n\nI would like to express my gratitude")
    assert turns.text[0].endswith("I invite him to visit Russia at any time convenient to him.")
    assert turns.text[15].startswith("Given the massive expulsions of Russian diplomats")
    assert turns.text[16].startswith("We fully agree with the expediency")
    # Pompeo's words are not in this transcript: nobody else speaks.
    assert set(turns.speaker) == {"Sergey Lavrov", "Press"}


def test_sample_document_metadata(sample_tables):
    doc = sample_tables["documents"].iloc[0]
    assert doc.doc_id == SAMPLE_ID
    assert doc.event_date == pd.Timestamp("2019-12-10")
    assert doc.published_at == pd.Timestamp("2019-12-11 01:08")
    assert (doc.place, doc.principal, doc.counterpart) == ("Washington", "Sergey Lavrov", "Michael Pompeo")
    assert doc.event_type == "joint news conference"
    assert doc.source_path == f"data/raw/{SAMPLE_ID}.txt"
    assert doc.n_turns == 17


def test_sample_word_share(sample_tables, sample_text):
    """Lavrov speaks about 91% of the words. Counted two ways: the library's word count over turn texts,
    and an independent count of whitespace-separated tokens in the raw turn spans."""
    turns = sample_tables["turns"]
    share = turns[turns.speaker == "Sergey Lavrov"].n_words.sum() / turns.n_words.sum()
    assert 0.90 <= share <= 0.92
    raw_tokens = [len(sample_text[s:e].split()) for s, e in zip(turns.char_start, turns.char_end)]
    raw_share = sum(n for n, sp in zip(raw_tokens, turns.speaker) if sp == "Sergey Lavrov") / sum(raw_tokens)
    assert 0.90 <= raw_share <= 0.92


def test_sample_cleaning_log(sample_tables, sample_text):
    log = sample_tables["cleaning_log"]
    by_reason = log.groupby("reason").text.apply(list)
    assert by_reason["header: publication date and time"] == ["11 December 201901:08"]
    assert by_reason["title"][0].startswith("Foreign Minister Sergey Lavrov’s remarks")
    assert by_reason["language links"] == ["• de-DE1 en-GB1 es-ES1 ru-RU1 fr-FR1"]
    assert by_reason["page boilerplate"] == ["Additional materials", "Advanced settings"]
    assert len(by_reason["speaker label"]) == 16
    assert "unattributed text" not in by_reason
    for row in log.itertuples():
        assert sample_text[row.char_start:row.char_end] == row.text


# --- coverage invariant ---------------------------------------------------------------------------
def test_sample_coverage(sample_tables, sample_text):
    cov = coverage(sample_tables)
    assert cov.problems.isna().all() and (cov.coverage == 1.0).all()
    assert cov.n_chars[0] == len(sample_text)


@pytest.mark.parametrize("text", [
    "Sergey Lavrov: Hello.",
    "  \n\nOpening words.\n\nQuestion: Why?\n\n\nSergey Lavrov: Because.\nMore.\n  ",
    "11 December 201901:08\n\nTitle, Moscow, December 1, 2019\n\n• en-GB1 ru-RU1\n\nText\n\nAdditional materials\n",
    "Key points: one.\n\nNote: two.\n",
    "Question (to A B): x?\r\n\r\nA B (speaking after C D): y.\r\n",
    "Sergey Lavrov: Hello.\nPhotos\nMore text.",
    "Question: Why?\n\nAdditional materials\n\nAnd how?\n\n• en-GB1 ru-RU1\n",
])
def test_coverage_invariant(tmp_path, text):
    path = tmp_path / "t.txt"
    path.write_text(text, encoding="utf-8")
    doc = read_document(path, fmt="mid_text")
    spans = [(t.char_start, t.char_end) for t in doc.turns] + [(e.char_start, e.char_end) for e in doc.log]
    assert coverage_problems(len(doc.text), spans) == []
    assert not [e for e in doc.log if e.reason == "unattributed text"]


def test_page_furniture_inside_a_turn_splits_it(tmp_path):
    """Read by hand: "Photos" is page furniture between two paragraphs of Lavrov's answer, so the answer is
    two turns by Lavrov around a log entry; the question split by "Tags" still counts as one question."""
    path = tmp_path / "t.txt"
    path.write_text("Question: Why?\nTags\nAnd how?\n\nSergey Lavrov: Hello.\nPhotos\nMore text.\n", encoding="utf-8")
    tables = build_corpus(path, progress=False).tables
    turns, log = tables["turns"], tables["cleaning_log"]
    assert list(turns.speaker) == ["Press", "Press", "Sergey Lavrov", "Sergey Lavrov"]
    assert list(turns.text) == ["Why?", "And how?", "Hello.", "More text."]
    assert list(turns.is_question) == [True, False, False, False]
    assert list(turns.stage_note.fillna("")) == ["", "continued after page furniture", "", "continued after page furniture"]
    assert set(log[log.reason == "page boilerplate"].text) == {"Tags", "Photos"}


# --- sentences ------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("Mr. Pompeo arrived. We met.", ["Mr. Pompeo arrived.", "We met."]),
    ("The U.S. side agreed. Russia did too.", ["The U.S. side agreed.", "Russia did too."]),
    ("Dr. Smith spoke. Then Ms. Psaki did.", ["Dr. Smith spoke.", "Then Ms. Psaki did."]),
    ("Is it true? Yes! Of course.", ["Is it true?", "Yes!", "Of course."]),
])
def test_sentence_split(text, expected):
    assert [text[a:b] for a, b in sentence_spans(text)] == expected


def test_sample_sentences_point_into_raw_text(sample_tables, sample_text):
    from transcripts.clean import normalize_text
    sents, turns = sample_tables["sentences"], sample_tables["turns"].set_index("turn_index")
    assert len(sents) > 150
    for s in sents.itertuples():
        assert normalize_text(sample_text[s.char_start:s.char_end]) == s.text
        assert turns.char_start[s.turn_index] <= s.char_start < s.char_end <= turns.char_end[s.turn_index]
    # "Mr Pompeo" (no period in this text) and "US" must not break sentences.
    assert sents.text.str.contains("as Mr Pompeo has just said").sum() == 1


# --- the command line and the written tables --------------------------------------------------------
def test_build_cli_writes_tables(tmp_path):
    out = tmp_path / "processed"
    proc = subprocess.run([sys.executable, "-m", "transcripts", "build", "--out", str(out), "--quiet"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    tables = load_tables(out)
    assert len(tables["turns"]) == 17
    assert set(tables) >= {"documents", "turns", "sentences", "cleaning_log"}
    assert list(tables["cleaning_log"].columns[:5]) == ["doc_id", "char_start", "char_end", "reason", "text"]


def test_doc_id_is_stable():
    a = build_corpus(progress=False).tables["documents"].doc_id.tolist()
    b = build_corpus(progress=False).tables["documents"].doc_id.tolist()
    assert a == b == [SAMPLE_ID]
