"""Pre-split turns (CSV/JSONL), the speaker registry and speaker unification across documents.
Expected values are worked out from the small inputs written in each test."""
from __future__ import annotations

import json

import pytest

from transcripts import TranscriptError, build_corpus
from transcripts.clean import coverage_problems
from transcripts.readers import read_documents

CSV = ('doc_id,speaker,text,date,title\n'
       'talks_2019,Sergey Lavrov,"Good afternoon.\n\nWe held talks.",2019-12-10,Lavrov remarks\n'
       'talks_2019,Question,"Mr Lavrov, and the treaty?",,\n'
       'talks_2019,Sergey Lavrov,Ready to extend it.,,\n'
       'gaggle_2021,MODERATOR,Welcome.,2021-03-01,Press gaggle\n'
       'gaggle_2021,Jen Psaki,Hi everyone.,,\n')


def covered(doc):
    spans = [(t.char_start, t.char_end) for t in doc.turns] + [(e.char_start, e.char_end) for e in doc.log]
    return coverage_problems(len(doc.text), spans)


def test_csv_with_two_documents(tmp_path):
    path = tmp_path / "turns.csv"
    path.write_text(CSV, encoding="utf-8")
    docs = read_documents(path)
    assert [d.doc_id for d in docs] == ["talks_2019", "gaggle_2021"]
    talks, gaggle = docs
    assert talks.format == "turns_table" and talks.title == "Lavrov remarks" and talks.event_date == "2019-12-10"
    # 3 rows -> 3 turns; the first has two paragraphs (a blank line inside the cell).
    assert [(t.speaker, t.role, len(t.pieces)) for t in talks.turns] == [
        ("Sergey Lavrov", "official", 2), ("Press", "press", 1), ("Sergey Lavrov", "official", 1)]
    # Offsets index the file: each document's text is the header and its own rows, as they stand in the file.
    head_end, split = CSV.index("talks_2019"), CSV.index("gaggle_2021")
    assert talks.text == CSV[:split] and gaggle.text == CSV[:head_end] + CSV[split:]
    assert [talks.text[a:b] for a, b in talks.turns[0].pieces] == ["Good afternoon.", "We held talks."]
    assert [(t.speaker, t.role) for t in gaggle.turns] == [("Moderator", "moderator"), ("Jen Psaki", "official")]
    assert covered(talks) == [] and covered(gaggle) == []


def test_jsonl_and_build(tmp_path):
    rows = [{"doc_id": "d1", "speaker": "Maria Zakharova", "text": "Good afternoon."},
            {"doc_id": "d1", "speaker": "Question", "text": "A question?", "addressee": "Maria Zakharova"}]
    (tmp_path / "turns.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    tables = build_corpus(tmp_path, progress=False).tables
    turns = tables["turns"]
    assert turns.speaker.tolist() == ["Maria Zakharova", "Press"]
    assert turns.addressee.tolist()[1] == "Maria Zakharova"
    assert turns.is_question.tolist() == [False, True]
    assert turns.affiliation.tolist()[0] == "Russia"  # from the shipped registry


@pytest.mark.parametrize("name, content, expected", [
    # Lines counted by hand: the header is line 1, so the empty cells are on lines 3 and 5 (CSV) and 2 (JSONL).
    ("e.csv", "speaker,text\nA B,one\nA B,\nC D,two\nC D,  \n",
     "2 row(s) with a speaker but no text skipped (line(s) 3, 5)"),
    ("e.jsonl", '{"speaker": "A B", "text": "one"}\n{"speaker": "C D", "text": ""}\n',
     "1 row(s) with a speaker but no text skipped (line(s) 2)"),
])
def test_rows_without_text_are_skipped_with_a_warning(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    doc, = read_documents(path)
    assert [t.speaker for t in doc.turns] == (["A B", "C D"] if name.endswith("csv") else ["A B"])
    assert expected in doc.warnings


@pytest.mark.parametrize("name, content, message", [
    ("a.csv", "doc_id,speaker,words\nx,A,b\n", "missing column(s): text"),
    ("b.jsonl", '{"speaker": "A", "text": "b"}\n{"speaker": "A", "text": \n', "not valid JSON"),
    ("c.csv", "speaker,text,role\nA,hello,president\n", "unknown role 'president'"),
    ("d.csv", "speaker,text\n,hello\n", "a row has no speaker"),
])
def test_bad_tables(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TranscriptError) as info:
        read_documents(path)
    assert message in str(info.value) and name in str(info.value)


def test_user_registry_is_honoured(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "t.csv").write_text("speaker,text\nFyodor Lukyanov,Welcome.\nVladimir Putin,Thank you.\n",
                                  encoding="utf-8")
    registry = tmp_path / "speakers.csv"
    registry.write_text("# mine\nlabel,canonical,role,affiliation\nFyodor Lukyanov,Fyodor Lukyanov,moderator,"
                        "Valdai Club\n", encoding="utf-8")
    turns = build_corpus(corpus, progress=False, speakers=registry).tables["turns"]
    assert turns[["speaker", "role", "affiliation"]].values.tolist() == [
        ["Fyodor Lukyanov", "moderator", "Valdai Club"], ["Vladimir Putin", "official", "Russia"]]


def test_bad_registry_row_names_the_file_and_line(tmp_path):
    (tmp_path / "t.csv").write_text("speaker,text\nA B,hi\n", encoding="utf-8")
    registry = tmp_path / "speakers.csv"
    registry.write_text("# my speakers\nlabel,canonical,role,affiliation\nA B,A B,chief,\n", encoding="utf-8")
    with pytest.raises(TranscriptError) as info:  # the whole build depends on it: stop before reading
        build_corpus(tmp_path / "t.csv", progress=False, speakers=registry)
    assert "unknown role 'chief'" in str(info.value)
    assert "speakers.csv, line 3" in str(info.value)


BRIEFING = """---
title: "{title}"
date: '{date}'
---
MS. PSAKI:  Hello.

Q    Hi.

MS. PSAKI:  Bye.
"""


def test_surname_only_speaker_unified_across_documents(tmp_path):
    # The first title names Jen Psaki; the second does not, so her label gives "Ms. Psaki" there,
    # which the corpus-wide step turns into the one full name that label gave elsewhere.
    (tmp_path / "a.md").write_text(BRIEFING.format(title="Press Briefing by Press Secretary Jen Psaki",
                                                   date="2021-05-01"), encoding="utf-8")
    (tmp_path / "b.md").write_text(BRIEFING.format(title="Press Gaggle Aboard Air Force One", date="2021-05-02"),
                                   encoding="utf-8")
    tables = build_corpus(tmp_path, progress=False).tables
    speakers = tables["turns"].groupby("doc_id").speaker.apply(lambda s: sorted(set(s))).to_dict()
    assert speakers == {"a": ["Jen Psaki", "Press"], "b": ["Jen Psaki", "Press"]}
    assert tables["documents"].set_index("doc_id").principal.to_dict()["a"] == "Jen Psaki"


@pytest.mark.parametrize("name, content", [
    ("a.txt", "Sergey Lavrov: Good afternoon.\n\nInterpreter: The minister said he agrees.\n"),
    ("b.md", "---\ntitle: Remarks\n---\nPRESIDENT BIDEN:  Hello.\n\nINTERPRETER:  The minister agrees.\n"),
    ("c.html", "<html><body><p><b>Vladimir Putin:</b> Hello.</p><p><b>Interpreter:</b> He agrees.</p></body></html>"),
    ("d.csv", "speaker,text\nSergey Lavrov,Good afternoon.\nTranslator,He agrees.\n"),
])
def test_interpreters_are_recognised_in_every_format(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    doc = read_documents(path)[0]
    last = doc.turns[-1]
    assert (last.speaker, last.role) == ("Interpreter", "other")
    assert len(doc.turns) == 2


def test_principal_tie_goes_to_the_first_speaker(tmp_path):
    # Two officials with one turn each: the first to speak is the principal, on every run (a set-ordered
    # choice used to differ between processes).
    import subprocess
    import sys
    path = tmp_path / "t.csv"
    path.write_text("doc_id,speaker,text,role\nd,Maria Ivanova,Hello.,official\nd,John Smith,Hi.,official\n",
                    encoding="utf-8")
    code = ("from transcripts import read_document; import sys; "
            f"print(read_document({str(path)!r}).principal)")
    seen = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env={"PYTHONHASHSEED": str(seed), "PATH": ""}).stdout.strip() for seed in (1, 2, 3, 4)}
    assert seen == {"Maria Ivanova"}


# -- issue 17 item 2: nothing of a table is lost -------------------------------------------------------
# Each case is a reproduction from the issue (or a neighbour of one); the line numbers are counted by hand
# from the content (the header is line 1).

@pytest.mark.parametrize("name, content, line, message, hint", [
    # a comma in unquoted speech: 5 fields for 3 columns, and the row shown quoted
    ("ragged.csv", "doc_id,speaker,text\nd1,Sergey Lavrov,We agree, however, this is not enough.\n",
     2, "this row has 5 field(s) but the header has 3 (doc_id, speaker, text)",
     'd1,Sergey Lavrov,"We agree, however, this is not enough."'),
    ("ragged_more.csv", "speaker,text\nA B,ok\nA B,one, two\nC D,fine\nC D,three, four\n",
     3, "1 more row(s) too (line(s) 5)", "must be in double quotes"),
    ("short.csv", "doc_id,speaker,text\nd1,A B,Hello.\nd1,C D\n", 3, "this row has 2 field(s) but the header has 3",
     "double quotes"),
    # a quote that is never closed: the line where it opened, not the end of the file
    ("unclosed.csv", 'doc_id,speaker,text\nd1,A B,Hello.\nd1,C D,"Well\nd1,E F,Yes.\nd1,G H,No.\n',
     3, "a quote opened on this line is never closed", 'write a quote inside it twice ("")'),
    # ... or closed by a later row's quote: both lines named
    ("late.csv", 'doc_id,speaker,text\nd1,C D,"Well\nd1,E F,"Yes." he said\n',
     3, "the quoted field that opened on line 2 ends at a quote followed by 'Y'", "quoted whole"),
    ("stray.csv", 'speaker,text\nA B,"He said "no" today"\n', 2, "a quoted field ends at a quote followed by 'n'",
     'write a quote twice ("")'),
    ("duplicated.csv", "speaker,text,Text\nA B,one,two\n", 1, "names the column 'text' twice (columns 2 and 3)",
     "each column must have its own name"),
    ("other_columns.csv", "name,quote\nSergey Lavrov,We agree.\n", 1,
     "missing column(s): speaker, text (the header names: name, quote)", "need the columns speaker and text"),
    ("no_header.csv", "d1,Sergey Lavrov,We agree.\n", 1, "missing column(s): speaker, text", "must be the header"),
    ("turn_index.csv", "speaker,text,turn_index\nA B,one,1\nC D,two,second\n", 3,
     "turn_index must be a number, not 'second'", "Number the turns"),
    # JSONL: values of the wrong type name the key and the line (line 2: the first line is fine)
    ("list.jsonl", '{"speaker": "A B", "text": "ok"}\n{"speaker": ["A B"], "text": "x"}\n', 2,
     "'speaker' is a list, not text", "JSON string"),
    ("dict.jsonl", '{"speaker": "A B", "text": "ok"}\n{"speaker": "A B", "text": {"en": "x"}}\n', 2,
     "'text' is an object, not text", "JSON string"),
    ("nan.jsonl", '{"speaker": "A B", "text": "ok"}\n{"speaker": "A B", "text": NaN}\n', 2, "'text' is NaN, not text",
     "JSON string"),
    ("number.jsonl", '{"speaker": "A B", "text": "ok"}\n\n{"speaker": 42, "text": "x"}\n', 3,
     "'speaker' is a number (42), not text", "JSON string"),
    ("bool_title.jsonl", '{"speaker": "A B", "text": "ok", "title": true}\n', 1, "'title' is true, not text",
     "JSON string"),
    ("twice.jsonl", '{"speaker": "A B", "text": "x", "TEXT": "y"}\n', 1, "the key 'text' appears twice", "once"),
    ("not_object.jsonl", '{"speaker": "A B", "text": "ok"}\n["A B", "x"]\n', 2, "this line is a list, not a JSON object",
     "one JSON object"),
    ("array.jsonl", '[{"speaker": "A B", "text": "ok"}]\n', 1, "one JSON array, not JSON Lines", "one JSON object per line"),
    ("csv_inside.jsonl", "speaker,text\nA B,ok\n", 1, "not JSON Lines", "belongs in a .csv file"),
    ("broken.jsonl", '{"speaker": "A B", "text": "ok"}\n{"speaker": "A B", "text": "x"\n', 2, "not valid JSON",
     "one JSON object"),
    ("no_text_key.jsonl", '{"speaker": "A B", "text": "ok"}\n{"speaker": "A B", "words": "x"}\n', 2,
     "missing key(s): text", "need the columns speaker and text"),
    ("surrogate.jsonl", '{"speaker": "A B", "text": "bad \\ud800 half"}\n', 1, "unpaired surrogate", "export"),
])
def test_malformed_tables_name_the_line(tmp_path, name, content, line, message, hint):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TranscriptError) as info:
        read_documents(path)
    text = str(info.value)
    assert text.startswith(f"{path}, line {line}: "), text
    assert message in text and hint in text


def test_malformed_tables_are_one_line_each_and_the_rest_is_built(tmp_path, capsys):
    from transcripts.__main__ import main
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.csv").write_text("speaker,text\nSergey Lavrov,\"We agree, however.\"\n", encoding="utf-8")
    (corpus / "ragged.csv").write_text("doc_id,speaker,text\nd1,Sergey Lavrov,We agree, however.\n", encoding="utf-8")
    (corpus / "nan.jsonl").write_text('{"speaker": "A B", "text": NaN}\n', encoding="utf-8")
    status = main(["build", str(corpus), "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert status == 1 and "Traceback" not in err
    assert f"{corpus / 'ragged.csv'}, line 2: this row has 4 field(s)" in err
    assert f"{corpus / 'nan.jsonl'}, line 1: 'text' is NaN" in err
    import pandas as pd
    turns = pd.read_parquet(tmp_path / "out" / "turns.parquet")
    assert turns.text.tolist() == ["We agree, however."]


def test_a_400_kb_cell_is_read_whole(tmp_path):
    speech = "We agree, however, this is not enough. " * 10_500  # 409,500 characters, commas and all
    path = tmp_path / "big.csv"
    path.write_text(f'speaker,text\nSergey Lavrov,"{speech}"\nQuestion,Why?\n', encoding="utf-8")
    doc, = read_documents(path)
    assert [t.speaker for t in doc.turns] == ["Sergey Lavrov", "Press"]
    assert doc.text[doc.turns[0].char_start:doc.turns[0].char_end] == speech.strip()
    assert covered(doc) == []


def _reasons(doc) -> list[tuple[str, str]]:
    return [(e.reason, doc.text[e.char_start:e.char_end]) for e in doc.log]


def test_every_character_of_a_csv_is_in_a_turn_or_the_log_with_its_reason(tmp_path):
    content = ('doc_id,speaker,text,date,notes\r\n'
               'd1,Sergey Lavrov,"Good afternoon, ""colleagues"".\r\n\r\nWe held talks. ",2019-12-10,seen\r\n'
               ',,,,\r\n'
               'd1,Question,,,\r\n'
               '\r\n'
               'd1,Question,Why?,,\r\n')
    path = tmp_path / "t.csv"
    path.write_text(content, encoding="utf-8", newline="")
    doc, = read_documents(path)
    assert doc.text == content  # one document: offsets index the file itself
    assert [doc.text[a:b] for a, b in doc.turns[0].pieces] == ['Good afternoon, ""colleagues"".', "We held talks."]
    from transcripts.build import document_rows
    assert [t["text"] for t in document_rows(doc)["turns"]] == ['Good afternoon, "colleagues".\n\nWe held talks.',
                                                                "Why?"]
    syntax = "table syntax (delimiters, quotes, keys)"
    assert _reasons(doc) == [
        ("table header", "doc_id,speaker,text,date,notes\r\n"), ("document id", "d1"), (syntax, ","),
        ("speaker label", "Sergey Lavrov"), (syntax, ',"'), ("blank", " "), (syntax, '",'),
        ("table metadata (date, title, role, ...)", "2019-12-10"), (syntax, ","), ("column not read", "seen"),
        ("blank", "\r\n"), ("empty row", ",,,,\r\n"), ("row without text", "d1,Question,,,\r\n\r\n"),
        ("document id", "d1"), (syntax, ","), ("speaker label", "Question"), (syntax, ","), (syntax, ",,"),
        ("blank", "\r\n")]
    assert covered(doc) == []
    assert "column(s) not read: notes (1 value(s))" in doc.warnings[1]
    assert doc.warnings[0] == "1 row(s) with a speaker but no text skipped (line(s) 6)"


def test_jsonl_escapes_stay_in_the_raw_text_and_are_undone_in_the_turns(tmp_path):
    rows = [{"speaker": "Мария Захарова", "text": "Добрый день.\n\nВторой \"абзац\"."},
            {"speaker": "Question", "text": "C:\\new?", "role": "press", "addressee": "Мария Захарова"}]
    content = "".join(json.dumps(r) + "\n" for r in rows)  # ASCII escapes: \u0414..., \n, \", \\
    path = tmp_path / "t.jsonl"
    path.write_text(content, encoding="utf-8")
    doc, = read_documents(path)
    assert doc.text == content
    first, second = doc.turns
    assert [doc.text[a:b] for a, b in first.pieces] == [json.dumps(p)[1:-1] for p in ("Добрый день.",
                                                                                       'Второй "абзац".')]
    from transcripts.build import document_rows
    out = document_rows(doc)
    assert [t["text"] for t in out["turns"]] == ['Добрый день.\n\nВторой "абзац".', "C:\\new?"]
    assert (second.role, second.addressee) == ("press", "Мария Захарова")
    assert [s["text"] for s in out["sentences"]] == ["Добрый день.", 'Второй "абзац".', "C:\\new?"]
    assert covered(doc) == [] and not [e for e in doc.log if e.reason == "unattributed text"]


@pytest.mark.parametrize("name, content", [
    ("semicolon.csv", "speaker;text;role\nA B;Hello, all.;moderator\nC D;Hi;\n"),
    ("tabs.tsv", "speaker\ttext\trole\nA B\tHello, all.\tmoderator\nC D\tHi\t\n"),
    ("lone_cr.csv", "speaker,text,role\rA B,\"Hello, all.\",moderator\rC D,Hi,\r"),
    ("short_optional.csv", "speaker,text,role\nA B,\"Hello, all.\",moderator\nC D,Hi\n"),
    ("keys.jsonl", '{"SPEAKER": "A B", "Text": "Hello, all.", "role": "moderator"}\r\n'
                   '{"speaker": "C D", "text": "Hi", "role": null}\r\n'),
])
def test_delimiters_line_endings_and_optional_cells(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8", newline="")
    doc, = read_documents(path)
    assert [(t.speaker, t.role, doc.text[t.char_start:t.char_end]) for t in doc.turns] == [
        ("A B", "moderator", "Hello, all."), ("C D", "official", "Hi")]
    assert doc.text == content and covered(doc) == []


def test_doubled_quotes_without_quotes_are_read_as_one_and_reported(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('speaker,text\nA B,He said ""no"".\n', encoding="utf-8")
    doc, = read_documents(path)
    from transcripts.build import document_rows
    assert document_rows(doc)["turns"][0]["text"] == 'He said "no".'
    assert any('read as one quote' in w and "line(s) 2" in w for w in doc.warnings)


def test_rows_that_disagree_on_the_title_keep_the_first_and_say_so(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("speaker,text,title\nA B,one,\nA B,two,Talks\nA B,three,Other talks\n", encoding="utf-8")
    doc, = read_documents(path)
    assert doc.title == "Talks"  # the first title given (line 3), not the empty one of line 2
    assert "title 'Other talks' on line 4 differs from 'Talks' (line 3); the first is kept" in doc.warnings


@pytest.mark.parametrize("name", ["speakers.csv", "turns.jsonl", "t.tsv", "t.ndjson"])
def test_tables_are_never_read_as_plain_text(tmp_path, name):
    # Lines like "Sergey Lavrov: ..." would make a plain-text transcript; in a table file they are an error.
    path = tmp_path / name
    path.write_text("Sergey Lavrov: We agree.\n\nQuestion: Why?\n", encoding="utf-8")
    with pytest.raises(TranscriptError) as info:
        read_documents(path)
    assert "line 1" in str(info.value) and ("missing column" in str(info.value) or "JSON" in str(info.value))


def test_many_documents_in_one_table_cover_the_file_between_them(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(CSV, encoding="utf-8")
    tables = build_corpus(path, progress=False).tables
    from transcripts.build import coverage
    cov = coverage(tables)
    assert cov.problems.isna().all() and (cov.coverage == 1.0).all()
    texts = tables["texts"].text.tolist()
    header = CSV[:CSV.index("\n") + 1]
    assert sum(len(t) - len(header) for t in texts) + len(header) == len(CSV)  # the rows of both are the file
