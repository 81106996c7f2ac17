"""The White House briefing Markdown reader on small hand-written briefings (expected values worked
out by reading the fixture text below)."""
from __future__ import annotations

import pytest

from transcripts.clean import coverage_problems
from transcripts.readers import detect_format, read_document
from transcripts.readers.whitehouse_md import markdown_to_text, speaker_for

NB = "\u00a0"
BRIEFING = (
    "---\n"
    "tags: press-briefings\n"
    "date: '2021-05-21'\n"
    "source_url: https://bidenwhitehouse.archives.gov/briefing-room/press-briefings/2021/05/21/x/\n"
    "published_time: 2021-05-21 19:56:11-04:00\n"
    "title: \"Press Briefing by Press Secretary Jen\\_Psaki and National Security Advisor Jake\\\n"
    "  \\ Sullivan, May 21,\\_2021\"\n"
    "---\n"
    " \n"
    "James S. Brady Press Briefing Room\n"
    "\n"
    "2:02 P.M. EDT  \n"
    f"  {NB}\n"
    f"MS. PSAKI:{NB} Happy Friday.{NB} I only have one item for you all at the\n"
    "top.  \n"
    "\n"
    "(Laughter.)\n"
    "\n"
    "On Monday, he will visit FEMA.\n"
    "\n"
    f"Q{NB}{NB}{NB} Thank you, Jen.{NB} On Russia?\n"
    "MR. SULLIVAN:  Look, we have been clear.\n"
    "\n"
    "Q    And the summit?\n"
    "\n"
    "MR. SULLVIAN:  Next month.\n"
    "\n"
    "(Cross-talk.)\n"
    "\n"
    "END  2:51 P.M. EDT\n"
)


@pytest.fixture
def briefing(tmp_path):
    path = tmp_path / "2021-05-21-press-briefing.md"
    path.write_text(BRIEFING, encoding="utf-8")
    return read_document(path)


def test_front_matter(briefing):
    assert briefing.format == "whitehouse_md"
    assert briefing.title == "Press Briefing by Press Secretary Jen Psaki and National Security Advisor Jake Sullivan, May 21, 2021"
    assert briefing.event_date == "2021-05-21"
    assert briefing.published_at == "2021-05-21T19:56"
    assert briefing.source_url.endswith("/2021/05/21/x/")
    assert briefing.principal == "Jen Psaki"


def test_turns(briefing):
    # By hand: Psaki (2 paragraphs around a stage direction), Q, Sullivan (label glued to the Q's
    # paragraph), Q (plain spaces after a blank line), Sullivan again under a misspelt label.
    got = [(t.speaker, t.role, len(t.pieces)) for t in briefing.turns]
    assert got == [("Jen Psaki", "official", 2), ("Press", "press", 1), ("Jake Sullivan", "official", 1),
                   ("Press", "press", 1), ("Mr. Sullvian", "official", 1)]
    text = briefing.text
    first = briefing.turns[0]
    assert text[first.pieces[0][0]:first.pieces[0][1]].startswith("Happy Friday.")
    assert "(Laughter.)" in text[first.char_start:first.char_end]  # inside the span, not a piece
    assert all("(Laughter.)" not in text[a:b] for a, b in first.pieces)


def test_log_reasons(briefing):
    text = briefing.text
    logged = {(e.reason, text[e.char_start:e.char_end].strip()) for e in briefing.log if e.reason != "blank"}
    assert ("header line (venue, date or note before the first speaker)", "James S. Brady Press Briefing Room") in logged
    assert ("time stamp", "2:02 P.M. EDT") in logged
    assert ("stage direction", "(Cross-talk.)") in logged
    assert ("END line", "END  2:51 P.M. EDT") in logged
    assert ("speaker label", "MR. SULLIVAN:") in logged
    assert not [e for e in briefing.log if e.reason == "unattributed text"]


def test_coverage(briefing):
    spans = [(t.char_start, t.char_end) for t in briefing.turns] + [(e.char_start, e.char_end) for e in briefing.log]
    assert coverage_problems(len(briefing.text), spans) == []


@pytest.mark.parametrize("label, title, expected", [
    ("MS. PSAKI", "Press Briefing by Press Secretary Jen Psaki, January 20, 2021", ("Jen Psaki", "official")),
    ("MS. PSAKI", "Press Gaggle Aboard Air Force One", ("Ms. Psaki", "official")),
    ("MS. JEAN-PIERRE", "Press Briefing by Press Secretary Karine Jean-Pierre", ("Karine Jean-Pierre", "official")),
    ("MR. KIRBY", "Press Briefing by Press Secretary Karine Jean-Pierre and NSC Coordinator for Strategic "
                  "Communications John Kirby", ("John Kirby", "official")),
    ("PRESIDENT BIDEN", None, ("President Biden", "official")),
    ("SENIOR ADMINISTRATION OFFICIAL", None, ("Senior Administration Official", "official")),
    ("MODERATOR", "Press Call", ("Moderator", "moderator")),
    ("INTERPRETER", None, ("Interpreter", "other")),
    ("SECRETARY MCDONOUGH", None, ("Secretary McDonough", "official")),
    ("Q", None, ("Press", "press")),
])
def test_speaker_for(label, title, expected):
    assert speaker_for(label, title) == expected


@pytest.mark.parametrize("raw, clean", [
    ("plain words", "plain words"),
    ("it’s <s>18 of 24</s> \\[16 of 21\\] — and", "it’s [16 of 21] — and"),
    ("[HERE](https://example.org/a.pdf).", "HERE."),
    ("visit <https://example.org/x.pdf>", "visit https://example.org/x.pdf"),
    ("**Note** that", "Note that"),
])
def test_markdown_to_text(raw, clean):
    assert markdown_to_text(raw) == clean


def test_detected_without_front_matter(tmp_path):
    path = tmp_path / "call.txt"
    path.write_text(f"MODERATOR:  Welcome.\n\nMS. PSAKI:  Hi.\n\nQ{NB}{NB} Hello?\n\nMS. PSAKI:  Yes.\n", encoding="utf-8")
    assert detect_format(path.read_text(encoding="utf-8"), path) == "whitehouse_md"
