"""The Kremlin / Foreign Ministry HTML reader on a small hand-written page (expected values worked out
by reading the fixture below: which paragraphs are labelled, which are narration, what is page furniture)."""
from __future__ import annotations

import pytest

from transcripts.clean import coverage_problems
from transcripts.readers import read_document
from transcripts.readers.kremlin_html import render

PAGE = """<!doctype html><html><head><title>Meeting with Recep Tayyip Erdogan • President of Russia</title>
<meta property="og:url" content="http://en.kremlin.ru/events/president/news/99999"/>
<script>var x = "<p><b>Fake:</b> not text</p>";</script></head>
<body><div class="header"><nav><ul><li><a href="/">Events</a></li><li><a href="/s">Structure</a></li></ul></nav></div>
<article><h1 class="entry-title">Russian-Turkish talks</h1>
<div class="read__meta"><time class="read__published" datetime="2017-05-03">May 3, 2017</time>
<div class="read__time">17:10</div><div class="read__place p-location">Sochi</div></div>
<div class="entry-content" itemprop="articleBody">
<div class="media masha-ignore"><span class="media__title">With Recep Tayyip Erdogan.</span></div>
<p>Vladimir Putin and Recep Tayyip Erdogan held talks in Sochi.</p>
<p>The talks covered trade &amp; tourism.</p>
<p><b>* * *</b></p>
<p><b>President of Russia Vladimir Putin</b>: Mr President, friends, welcome.</p>
<p>Let us begin.</p>
<p><b>President of Turkey </b><a class="person_tag" href="/p/1">Recep Tayyip Erdogan<span class="read__tooltip hidden">Erdogan Recep Tayyip, President of Turkey</span></a><i> (retranslated)</i>: Thank you.</p>
<p><b>Question:</b> A question to both presidents.</p>
<p><b>Vladimir Putin:</b> Yes.</p>
<p><b>Recep Tayyip Erdogan</b>: I agree.</p>
<p><b>Key points</b>: trade, tourism.</p>
</div><div class="read__bottommeta"><h3>Topics</h3><a href="/t">Foreign policy</a></div></article>
<footer><p>Presidential Executive Office</p></footer></body></html>
"""


@pytest.fixture
def page(tmp_path):
    path = tmp_path / "news_99999.print.html"
    path.write_text(PAGE, encoding="utf-8")
    return read_document(path)


def test_metadata(page):
    assert page.format == "kremlin_html"
    assert page.title == "Russian-Turkish talks"
    assert page.event_date == "2017-05-03"
    assert page.published_at == "2017-05-03T17:10"
    assert page.place == "Sochi"
    assert page.source_url == "http://en.kremlin.ru/events/president/news/99999"
    assert page.principal == "Vladimir Putin"


def test_turns(page):
    # By hand: 2 narration paragraphs (one turn), Putin (2 paragraphs), Erdogan (long label with a link
    # whose hidden tooltip must not leak), the question, Putin, Erdogan; "Key points:" is not a label, so
    # it continues Erdogan's turn.
    got = [(t.speaker, t.role, len(t.pieces)) for t in page.turns]
    assert got == [("Narration", "narration", 2), ("Vladimir Putin", "official", 2),
                   ("Recep Tayyip Erdogan", "official", 1), ("Press", "press", 1),
                   ("Vladimir Putin", "official", 1), ("Recep Tayyip Erdogan", "official", 2)]
    erdogan = page.turns[2]
    assert erdogan.stage_note == "retranslated"
    assert page.text[erdogan.char_start:erdogan.char_end] == "Thank you."
    assert "Erdogan Recep Tayyip, President" not in page.text  # hidden tooltip dropped
    assert "Fake" not in page.text  # script dropped
    assert "trade & tourism" in page.text  # entities decoded


def test_log_and_coverage(page):
    reasons = {page.text[e.char_start:e.char_end].strip(): e.reason for e in page.log if e.reason != "blank"}
    assert reasons["Events"] == "site navigation and page furniture"
    assert reasons["Russian-Turkish talks"] == "title"
    assert reasons["* * *"] == "section break (* * *)"
    assert reasons["With Recep Tayyip Erdogan."] == "page furniture (photo caption, related links)"
    assert reasons["Question:"] == "speaker label"
    assert reasons["Foreign policy"] == "publication details and tags" or reasons["Foreign policy"].startswith("site")
    spans = [(t.char_start, t.char_end) for t in page.turns] + [(e.char_start, e.char_end) for e in page.log]
    assert coverage_problems(len(page.text), spans) == []
    assert not [e for e in page.log if e.reason == "unattributed text"]


@pytest.mark.parametrize("html, texts", [
    ("<p>a<br/>b</p>", ["a\nb"]),
    ("<div>x <!-- hidden --> y</div>", ["x y"]),
    ("<p>1 &lt; 2</p><style>p{}</style><p>ok</p>", ["1 < 2", "ok"]),
    ("<p><span style='display: none'>no</span>yes</p>", ["yes"]),
    ("<p>unclosed <b>bold", ["unclosed bold"]),
])
def test_render(html, texts):
    assert [b.text for b in render(html)] == texts
