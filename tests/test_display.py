"""Reader-sized tables (`transcripts.display`): at most 15 rows with a link to the full CSV, events by
date and title, numbers formatted, blanks for missing values, everything escaped; and the interactive
(itables, offline) table. Expected strings are written out by hand from the tiny frames below."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from transcripts import display
from transcripts.display import NBSP, fmt_duration, fmt_int, fmt_number, fmt_pct, interactive, reader_frame, table


class _Cells(HTMLParser):
    """The text of every <th>/<td>, row by row, and each cell's text-align."""

    def __init__(self):
        super().__init__()
        self.rows, self.aligns, self.links, self._cell = [], [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr":
            self.rows.append([])
            self.aligns.append([])
        if tag in ("td", "th"):
            self._cell = ""
            self.aligns[-1].append(re.search(r"text-align:(\w+)", attrs.get("style", "")).group(1))
        if tag == "a":
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.rows[-1].append(self._cell)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def _parse(html_text: str) -> _Cells:
    parsed = _Cells()
    parsed.feed(html_text)
    return parsed


DOCS = pd.DataFrame({"doc_id": ["wh_2021-03-02_press-briefing-by-press-secretary-jen-psaki-march-2-2021", "kr_1"],
                     "event_date": pd.to_datetime(["2021-03-02", None]),
                     "title": ["Press Briefing by Press Secretary Jen Psaki", None]})


@pytest.mark.parametrize("value, expected", [
    (3689, "3,689"), (1234567, "1,234,567"), (12.0, "12"), (None, ""), (float("nan"), ""), (pd.NA, ""),
])
def test_fmt_int(value, expected):
    assert fmt_int(value) == expected


@pytest.mark.parametrize("value, expected", [
    (0.2413, "24 %"), (0.9135, "91 %"), (0.0866, "8.7 %"), (0.0, "0 %"), (1.0, "100 %"), (0.0004, "0.04 %"),
    (None, ""), (float("nan"), ""),
])
def test_fmt_pct(value, expected):
    assert fmt_pct(value).replace(NBSP, " ") == expected


@pytest.mark.parametrize("seconds, expected", [
    (0.4, "0.4 s"), (6.54, "6.5 s"), (42.4, "42 s"), (605, "10 min 5 s"), (600, "10 min"), (3720, "1 h 2 min"),
    (7200, "2 h"), (None, ""),
])
def test_fmt_duration(seconds, expected):
    assert fmt_duration(seconds) == expected


@pytest.mark.parametrize("value, expected", [(0.1442, "0.14"), (12.1749, "12.17"), (374.4, "374"), (2.0, "2"),
                                             (-0.5, "-0.50"), (float("nan"), "")])
def test_fmt_number(value, expected):
    assert fmt_number(value) == expected


def test_a_table_is_cut_to_its_rows_and_links_the_full_csv():
    df = pd.DataFrame({"speaker": [f"Speaker {i}" for i in range(40)], "n_words": range(40, 0, -1)})
    parsed = _parse(table(df, rows=12, csv="speaker_stats.csv")._repr_html_())
    assert parsed.rows[0] == ["speaker", "words"]
    assert len(parsed.rows) == 1 + 12
    assert parsed.rows[1] == ["Speaker 0", "40"] and parsed.rows[12] == ["Speaker 11", "29"]
    assert parsed.links == ["../tables/speaker_stats.csv"]
    assert "12 of 40 rows" in table(df, rows=12, csv="speaker_stats.csv")._repr_html_()


def test_never_more_than_fifteen_rows():
    df = pd.DataFrame({"x": range(100)})
    assert len(_parse(table(df, rows=80)._repr_html_()).rows) == 1 + 15


def test_events_by_date_and_title_text_left_numbers_right_blanks_for_missing():
    df = pd.DataFrame({
        "doc_id": DOCS.doc_id, "speaker": ["Jen Psaki", None], "n_words": [12345, 7],
        "word_share": [0.2413, float("nan")], "tone_mean": [0.1442, None], "answered": [pd.NaT, pd.Timestamp("2021-03-02")],
        "is_question": [True, False],
    })
    parsed = _parse(table(df, events=DOCS)._repr_html_())
    header, first, second = parsed.rows
    assert header == ["event", "speaker", "words", "share of words", "tone (VADER)", "answered", "is question"]
    assert first == ["2021-03-02 · Press Briefing by Press Secretary Jen Psaki", "Jen Psaki", "12,345",
                     f"24{NBSP}%", "0.14", "", "yes"]
    assert second == ["kr_1", "", "7", "", "", "2021-03-02", "no"]  # an undated, untitled event keeps its id
    assert parsed.aligns[1] == ["left", "left", "right", "right", "right", "left", "left"]
    page = table(df, events=DOCS)._repr_html_()
    for leftover in ("None", "NaN", "NaT", "nan", "<NA>"):
        assert leftover not in page


def test_values_are_escaped_and_long_text_shortened():
    df = pd.DataFrame({"text": ["<script>alert(1)</script> & <b>bold</b>", "word " * 100]})
    page = table(df, max_chars=40)._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    cells = _parse(page).rows
    assert cells[2][0].endswith("…") and len(cells[2][0]) <= 40


def test_reader_frame_keeps_order_and_labels_columns():
    df = pd.DataFrame({"n_turns": [9], "mean_turn_words": [374.4], "best_overlap": [0.19], "speaker": ["X"]})
    frame, numeric = reader_frame(df, percent=["best_overlap"], labels={"speaker": "who"})
    assert list(frame.columns) == ["turns", "mean turn (words)", "overlap", "who"]
    assert frame.iloc[0].tolist() == ["9", "374", f"19{NBSP}%", "X"]
    assert numeric == [True, True, True, False]


def test_interactive_table_is_offline_escaped_and_marks_its_script(monkeypatch):
    shown = []
    monkeypatch.setattr(display, "_INIT_EMITTED", False)
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append((obj, kw)))
    df = pd.DataFrame({"term": ["we", "<img src=x onerror=alert(2)>"], "n": [1200, 3], "doc_id": DOCS.doc_id})
    out = interactive(df, events=DOCS, csv="keyword_in_context.csv").data
    again = interactive(df, events=DOCS, csv="keyword_in_context.csv").data
    # itables' JavaScript is displayed once per kernel, marked for the report to share it
    assert len(shown) == 1 and shown[0][1]["metadata"] == {"transcripts": display.INIT_MARK}
    assert "injectModule" in shown[0][0].data
    assert "new ITable(" in out and "https://" not in out.split("<script")[-1].split("</script>")[0]
    assert "<img src=x" not in out and "&lt;img src=x onerror=alert(2)&gt;" in out
    assert "2021-03-02 · Press Briefing by Press Secretary Jen Psaki" in out and DOCS.doc_id[0] not in out
    assert "1,200" in out and '"../tables/keyword_in_context.csv"' in out
    assert re.search(r'id="itable-[0-9a-f]{12}"', out)
    assert out == again  # the same frame gets the same table id: re-running gives the same output
