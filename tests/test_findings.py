"""Findings on the index (`transcripts.findings`): each sentence checked against numbers computed here,
by hand on tiny tables or with pandas from the sample's processed tables (not from the metrics the
finding reads), plus the index page itself: findings in words, human labels, no raw metric keys."""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from transcripts.display import NBSP
from transcripts.findings import key_figures, notebook_card, run_warnings, topic_change


def _plain(texts):
    return [t.replace(NBSP, " ") for t in texts]


# ---------------------------------------------------------------- hand-made runs

def test_speaker_shares_ranked_largest_first(tmp_path):
    # 590 + 240 + 170 = 1,000 words: 59 %, 24 %, 17 %, listed largest first whatever the file's order
    pd.DataFrame({"speaker": ["Jen Psaki", "Karine Jean-Pierre", "John Kirby"], "role": "official",
                  "n_words": [170, 590, 240], "word_share": [0.17, 0.59, 0.24],
                  "hedging_per_1k": [3.0, 1.26, 7.5], "certainty_per_1k": [1.0, 1.0, 1.0]}).to_csv(
        tmp_path / "speaker_stats.csv", index=False)
    card = notebook_card("02_speaker_statistics", {"n_questions": 1, "n_questions_addressee_answer_absent": 0},
                         tmp_path)
    assert _plain(card.findings) == [
        "Karine Jean-Pierre spoke 59 % of all words, John Kirby 24 %, Jen Psaki 17 %.",
        "1 question.",
        "Hedging among the five who spoke most: John Kirby 7.5, Jen Psaki 3 and Karine Jean-Pierre 1.3 hedges "
        "per 1,000 words.",
    ]
    assert [(label, shown.replace(NBSP, " ")) for label, _, shown in card.chart.items] == [
        ("Karine Jean-Pierre", "59 %"), ("John Kirby", "24 %"), ("Jen Psaki", "17 %")]


def test_topics_that_rose_and_fell_per_1000_words():
    # 2021: 24 COVID matches in 2,000 words = 12 per 1,000; 2023: 1 in 1,000 = 1. Ukraine: 1 in 2,000 = 0.5 → 6.
    timeline = pd.DataFrame({
        "period": ["2021-01", "2021-01", "2021-02", "2021-02", "2023-05", "2023-05"],
        "period_start": ["2021-01-01", "2021-01-01", "2021-02-01", "2021-02-01", "2023-05-01", "2023-05-01"],
        "topic": ["covid", "ukraine"] * 3, "n_matches": [20, 1, 4, 0, 1, 6],
        "period_words": [1500, 1500, 500, 500, 1000, 1000]})
    labels = {"covid": "Health and COVID-19", "ukraine": "Ukraine"}
    assert topic_change(timeline, labels.get) == ("Between 2021 and 2023, Health and COVID-19 fell from 12 to 1 "
                                                  "per 1,000 words; Ukraine rose from 0.5 to 6.")
    assert topic_change(timeline[timeline.period == "2021-01"], labels.get) is None  # one period: no change
    # a last year with 100 words against 2,000 and 1,000 (under a quarter of the median): left out
    stub = pd.DataFrame({"period": ["2024-01"] * 2, "period_start": ["2024-01-01"] * 2, "topic": ["covid", "ukraine"],
                         "n_matches": [0, 5], "period_words": [100, 100]})
    assert topic_change(pd.concat([timeline, stub]), labels.get).startswith("Between 2021 and 2023, ")


def test_numeric_check_that_does_not_add_up(tmp_path):
    # $27 billion / $20 billion = 1.35: an increase of 35 %, stated as 33 %: 2 points off
    pd.DataFrame({"check": ["change", "difference"], "speaker": ["Sergey Lavrov", "Jen Psaki"],
                  "stated": ["33%", "up"], "computed": ["35.0%", "up"], "stated_value": [33.0, None],
                  "computed_value": [35.0, None], "is_consistent": [False, True]}).to_csv(
        tmp_path / "numeric_checks.csv", index=False)
    card = notebook_card("04_claim_extraction", {"n_claims": 10, "share_sentences_with_claim": 0.5,
                                                 "claims_by_type": {"position": 3, "factual": 7}}, tmp_path)
    assert _plain(card.findings) == [
        "10 claims in 50 % of sentences; most often factual (7) and positions (3).",
        "1 of 2 numeric checks does not add up: Sergey Lavrov said 33%, the figures give 35.0% (2 points off).",
    ]


def test_corpus_span_roles_and_warnings(tmp_path):
    processed = tmp_path / "processed"
    processed.mkdir()
    pd.DataFrame({"doc_id": ["a", "b", "c"], "title": ["Briefing A", "Briefing B", None],
                  "event_date": pd.to_datetime(["2021-03-02", "2024-12-19", None]),
                  "warnings": ["speaker guessed from the title: MS. PSAKI → Jen Psaki | no date", None, "no date"]}
                 ).to_parquet(processed / "documents.parquet")
    card = notebook_card("01_load_and_clean", {"n_documents": 3, "n_turns": 1200, "n_words": 45000,
                                               "n_questions": 300, "coverage_min": 1.0,
                                               "turns_by_role": {"press": 500, "official": 700}}, tmp_path, processed)
    assert card.findings[:3] == [
        "3 events from 2 March 2021 to 19 December 2024: 1,200 turns, 45,000 words.",
        "Officials took 700 turns, the press 500; 300 turns are questions.",
        "Every character of every file is in a turn or in the cleaning log with its reason.",
    ]
    pairs, total = run_warnings(processed)
    assert total == 3
    assert pairs == [("2021-03-02 · Briefing A", "speaker guessed from the title: MS. PSAKI → Jen Psaki"),
                     ("2021-03-02 · Briefing A", "no date"), ("c", "no date")]
    pd.DataFrame({"doc_id": ["a"], "warnings": [None]}).to_parquet(processed / "documents.parquet")
    assert run_warnings(processed) == ([], 0)


def test_missing_inputs_give_no_finding_rather_than_a_guess(tmp_path):
    assert notebook_card("03_topic_timelines", {}, tmp_path).findings == []
    assert notebook_card("05_new_notebook", {"n_rankings": 4, "flow_doc_id": "x"}, tmp_path).figures == [("rankings", "4")]
    broken = notebook_card("02_speaker_statistics", {"word_share": "not a mapping", "n_questions": "?"}, tmp_path)
    assert broken.findings == [] and broken.chart is None


def test_key_figures_use_words_not_metric_keys():
    figures = key_figures({"n_documents": 1154, "coverage_min": 0.999, "n_questions_addressee_answer_absent": 3,
                           "flow_doc_id": "wh_x", "freq": "month", "tagged_share": 0.5376})
    assert [(k, v.replace(NBSP, " ")) for k, v in figures] == [
        ("events", "1,154"), ("characters accounted for", "100 %"), ("sentences with a topic", "54 %")]


# ---------------------------------------------------------------- the sample, recomputed independently

@pytest.mark.notebook
def test_sample_findings_match_the_tables(sample_workbook):
    out = sample_workbook.out
    turns = pd.read_parquet(out / "processed" / "turns.parquet")
    sentences = pd.read_parquet(out / "processed" / "sentences.parquet")
    metrics = {p.stem: json.loads(p.read_text()) for p in (out / "metrics").glob("*.json")}

    def card(name):
        return _plain(notebook_card(name, metrics[name], out / "tables", out / "processed").findings)

    words = turns.groupby("speaker").n_words.sum().sort_values(ascending=False)
    top, second = words.index[:2]
    share = lambda s: round(100 * words[s] / words.sum())  # noqa: E731
    assert (top, share(top)) == ("Sergey Lavrov", 91)  # 3,370 of 3,689 words, counted in tests/test_foundation.py
    assert card("02_speaker_statistics")[0].startswith(f"{top} spoke {share(top)} % of all words, {second} ")

    n_docs, n_turns = turns.doc_id.nunique(), len(turns)
    assert card("01_load_and_clean")[0] == (f"{n_docs} event on 10 December 2019: {n_turns} turns, "
                                            f"{turns.n_words.sum():,} words.")

    tagged = pd.read_csv(out / "tables" / "sentence_topics.csv")[["doc_id", "turn_index", "sentence_index"]]
    pct = round(100 * len(tagged.drop_duplicates()) / len(sentences))
    assert card("03_topic_timelines")[0].startswith(f"{pct} % of sentences carry a topic of the lexicon")

    # Lavrov: "from $20 billion … $27 billion … an almost 33 percent increase": 27 / 20 = 1.35, i.e. 35 %
    assert (27 / 20 - 1) * 100 == pytest.approx(35)
    assert any(f.startswith("1 of ") and "said 33%" in f and "(2 points off)" in f
               for f in card("04_claim_extraction"))


@pytest.mark.notebook
def test_index_shows_findings_not_metric_keys(sample_workbook):
    page = (sample_workbook.out / "html" / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", " ", page.split("<body>", 1)[1].split("<h2>Parameters</h2>", 1)[0])
    assert page.count('<li class="finding">') >= 10
    keys = {k for p in (sample_workbook.out / "metrics").glob("*.json") for k in _keys(json.loads(p.read_text()))}
    shown = sorted(k for k in keys if "_" in k and re.search(rf"\b{re.escape(k)}\b", text))
    assert shown == [], f"raw metric keys on the index: {shown}"
    assert "<svg" in page and "<script" not in page


def _keys(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _keys(v)


def test_validation_card_shows_the_weakest_claim_types_first(tmp_path):
    # eight types: the chart has room for six, so the two best are the ones left out, never the worst
    held = {t: {"precision": p, "recall": 0.5} for t, p in
            [("proposal", 1.0), ("numeric", 0.93), ("agreement", 0.84), ("factual", 0.80), ("denial", 0.75),
             ("position", 0.67), ("accusation", 0.44), ("commitment", 0.37)]}
    held["overall"] = {"precision": 0.73, "recall": 0.69, "n_labelled": 223}
    card = notebook_card("05_validation", {"devset_heldout": held}, tmp_path)
    assert [label for label, _, _ in card.chart.items] == ["commitment", "accusation", "position", "denial",
                                                            "factual", "agreement"]
    assert "weakest first" in card.chart.title
