"""Addressees get the canonical speaker's name, by the rules used for speakers (titles, honorifics,
surnames, the registry), so that a question "to Mr Lavrov" is paired with Sergey Lavrov's answer."""
from __future__ import annotations

import pytest

from transcripts.build import build_corpus
from transcripts.model import Document, Turn
from transcripts.registry import Registry, addressee_name, resolve_addressees
from transcripts.speakers import qa_pairs, speaker_stats

LAVROV_SPEAKS = "Sergey Lavrov: Opening.\n\nQuestion ({to}): Why?\n\nSergey Lavrov: Because.\n"


def _build(tmp_path, text: str, name: str = "event.txt", **kwargs):
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    (corpus / name).write_text(text, encoding="utf-8")
    result = build_corpus(corpus, progress=False, workers=1, **kwargs)
    assert result.ok, result.errors
    return result.tables["turns"]


@pytest.mark.parametrize("to", ["to Mr Lavrov", "to Mr. Lavrov", "to Foreign Minister Sergey Lavrov",
                                "addressed to Minister Lavrov", "to Sergey Lavrov"])
def test_addressee_becomes_the_speaker_who_answers(tmp_path, to):
    turns = _build(tmp_path, LAVROV_SPEAKS.format(to=to), fmt="mid_text")
    # Turns by hand: 0 Lavrov "Opening.", 1 Press "Why?" (to Lavrov), 2 Lavrov "Because."
    assert turns.speaker.tolist() == ["Sergey Lavrov", "Press", "Sergey Lavrov"]
    assert turns.addressee.iloc[1] == "Sergey Lavrov"
    pairs = qa_pairs(turns)
    assert pairs.status.tolist() == ["answered by addressee"]
    stats = speaker_stats(turns).set_index("speaker")
    assert stats.loc["Sergey Lavrov", "n_addressed"] == 1


def test_addressee_who_does_not_speak_stays_as_written(tmp_path):
    # "Mr Smith" names nobody who speaks here and nobody in the registry: the honorific form is kept.
    turns = _build(tmp_path, LAVROV_SPEAKS.format(to="to Mr Smith"), fmt="mid_text")
    assert turns.addressee.iloc[1] == "Mr Smith"
    assert qa_pairs(turns).status.tolist() == ["addressee's answer not in transcript"]


def test_addressee_known_to_the_registry_by_surname(tmp_path):
    # "Mr Pompeo" does not speak, but the shipped registry has one Pompeo: Michael Pompeo (issue 12).
    turns = _build(tmp_path, LAVROV_SPEAKS.format(to="to Mr Pompeo"), fmt="mid_text")
    assert turns.addressee.iloc[1] == "Michael Pompeo"
    assert qa_pairs(turns).status.tolist() == ["addressee's answer not in transcript"]


def test_registry_maps_an_addressee(tmp_path):
    reg = tmp_path / "speakers.csv"
    reg.write_text("label,canonical,role,affiliation\nThe Minister,Sergey Lavrov,official,Russia\n", encoding="utf-8")
    turns = _build(tmp_path, LAVROV_SPEAKS.format(to="to the Minister"), fmt="mid_text", speakers=reg)
    assert turns.addressee.iloc[1] == "Sergey Lavrov"


@pytest.mark.parametrize("written, known, expected", [
    ("Foreign Minister Sergey Lavrov", [], "Sergey Lavrov"),           # titles stripped, as for speakers
    ("Mr Lavrov", ["Sergey Lavrov", "Jen Psaki"], "Sergey Lavrov"),    # the one Lavrov of the event
    ("Ms. Psaki", ["Sergey Lavrov", "Jen Psaki"], "Jen Psaki"),
    ("Mr Smith", ["Anna Smith", "John Smith"], "Mr Smith"),            # two Smiths: ambiguous, as written
    ("Sergei Lavrov", ["Sergey Lavrov"], "Sergey Lavrov"),             # a transliteration variant
    ("Sergei Novak", ["Sergey Nosov"], "Sergei Novak"),                # full names never merged on likeness
    ("Sergey Lavrov and Michael Pompeo", ["Sergey Lavrov"], "Sergey Lavrov; Michael Pompeo"),  # two people
    ("both ministers", ["Sergey Lavrov"], "both ministers"),           # nobody by name
    ("  Michael   Pompeo ", [], "Michael Pompeo"),                     # spaces normalised only
])
def test_addressee_name_cases(written, known, expected):
    from transcripts.registry import addressees_of
    assert addressees_of(written, known) == expected


def test_counterpart_named_in_title_resolves_a_surname():
    doc = Document("d", "d.txt", "0", "mid_text", "x", counterpart="Michael Pompeo",
                   turns=[Turn("Press", "press", [(0, 1)], addressee="Mr Pompeo")])
    resolve_addressees(doc, Registry())
    assert doc.turns[0].addressee == "Michael Pompeo"


def test_sample_keeps_pompeo_in_full(sample_tables):
    # data/raw: "Question (to Michael Pompeo):" opens turns 1 and 9 (counted by hand); Pompeo never speaks.
    turns = sample_tables["turns"]
    addressed = turns[turns.addressee.notna()]
    assert addressed.turn_index.tolist() == [1, 9]
    assert set(addressed.addressee) == {"Michael Pompeo"}


def test_addressee_follows_the_speaker_unified_across_documents(tmp_path):
    # a.md: the title names Jen Psaki, so her label "MS. PSAKI" gives "Jen Psaki". b.csv: the label
    # "Ms. Psaki" (same registry key as "MS. PSAKI") gives "Ms. Psaki", and the question is addressed to
    # her by that name; the corpus-wide step renames the speaker, and the addressee must follow.
    (tmp_path / "a.md").write_text('---\ntitle: "Press Briefing by Press Secretary Jen Psaki"\ndate: '
                                   "'2021-05-01'\n---\nMS. PSAKI:  Hello.\n\nQ    Hi.\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("speaker,text,addressee\nMs. Psaki,Good morning.,\nQuestion,Why?,Ms. Psaki\n"
                                    "Ms. Psaki,Because.,\n", encoding="utf-8")
    result = build_corpus(tmp_path, progress=False, workers=1)
    assert result.ok, result.errors
    b = result.tables["turns"][result.tables["turns"].doc_id == "b"]
    assert b.speaker.tolist() == ["Jen Psaki", "Press", "Jen Psaki"]
    assert b.addressee.tolist()[1] == "Jen Psaki"
