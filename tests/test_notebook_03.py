"""Notebook 03 (topic timelines) executed headlessly with papermill, on the sample and on a White House
subset spread over 2021-2025, in tmp_path; assertions on the tables and metrics it wrote."""
from __future__ import annotations

import json
from collections import defaultdict

import pandas as pd
import pytest

from conftest import WHITEHOUSE_DIR, build_subset, execute_notebook, needs_whitehouse
from test_topics import OPENING_ORDER, QUESTIONS, SHIFTS
from transcripts import topics

pytestmark = pytest.mark.notebook
KEYS = ["doc_id", "turn_index", "sentence_index"]


def run_notebook(tmp_path, processed, **params):
    return execute_notebook("03_topic_timelines", tmp_path, processed, **params)


def test_notebook_03_on_sample(tmp_path, sample_processed):
    out = run_notebook(tmp_path, sample_processed)
    tables = out / "tables"

    tags = pd.read_csv(tables / "sentence_topics.csv")
    assert list(tags.columns[:5]) == KEYS + ["topic", "matched_terms"]
    assert not tags.duplicated(KEYS + ["topic"]).any()  # one row per sentence and topic
    sentences = pd.read_parquet(sample_processed / "sentences.parquet")
    tagged = tags.merge(sentences, on=KEYS)
    assert len(tagged) == len(tags)
    # The Iran paragraph's sentence names the deal in full and by its acronym, then "Iranian nuclear
    # research projects" (read in the sample): Iran, and arms control for "nuclear".
    jcpoa = tagged[tagged.text.str.contains("(JCPOA)", regex=False)].set_index("topic")
    assert jcpoa.loc["iran", "matched_terms"] == "Joint Comprehensive Plan of Action; JCPOA; Iranian"
    assert jcpoa.loc["arms_control", "matched_terms"] == "nuclear" and len(jcpoa) == 2
    # Words that must not match: lower-case "start", "information" (not INF), the US "track".
    assert not tags.matched_terms.str.contains(r"\bstart\b|\binformation\b").any()

    qa = pd.read_csv(tables / "qa_topic_shift.csv")
    assert list(qa.question_turn) == [q for q, _ in QUESTIONS]
    assert [set(t.split("; ")) for t in qa.question_topics] == [topics_ for _, topics_ in QUESTIONS]
    assert list(qa["shift"]) == SHIFTS

    segments = pd.read_csv(tables / "topic_segments.csv")
    remaining = iter(topics.topic_sequence(segments[segments.last_turn == 0]))
    assert all(t in remaining for t in OPENING_ORDER)

    timeline = pd.read_csv(tables / "topic_timeline.csv")
    assert set(timeline.period) == {"2019-12"} and (timeline.period_documents == 1).all()
    assert (timeline.period_sentences == 186).all()
    by_topic = timeline.set_index("topic")
    assert by_topic.loc["arms_control", "n_sentences"] == (tags.topic == "arms_control").sum()
    assert by_topic.loc["health_covid", "n_sentences"] == 0  # no COVID-19 in December 2019

    themes = pd.read_csv(tables / "discovered_themes.csv")
    assert len(themes) == 8 and len(pd.read_csv(tables / "theme_examples.csv")) > 0

    metrics = json.loads((out / "metrics" / "03_topic_timelines.json").read_text())
    assert metrics["n_documents"] == 1 and metrics["n_sentences"] == 186
    assert metrics["qa_shift"]["stayed on topic"] == 6 and metrics["qa_shift"]["widened"] == 2
    assert metrics["n_tagged_sentences"] == tags[KEYS].drop_duplicates().shape[0]


def test_notebook_03_with_an_edited_lexicon(tmp_path, sample_processed):
    lexicon = tmp_path / "my_lexicon.yaml"
    lexicon.write_text("topics:\n  - id: russia_usa\n    label: Russia and the US\n"
                       "    terms: [Russia*, Washington]\n    exact_case: [US]\n", encoding="utf-8")
    out = run_notebook(tmp_path, sample_processed, lexicon_path=str(lexicon), freq="year", n_themes=4)
    tags = pd.read_csv(out / "tables" / "sentence_topics.csv")
    assert set(tags.topic) == {"russia_usa"}
    words = set(tags.matched_terms.str.split("; ").explode())
    assert {"Russia", "Russian", "Washington", "US"} <= words and "us" not in words  # "us" is not the US
    timeline = pd.read_csv(out / "tables" / "topic_timeline.csv", dtype={"period": str})
    assert list(timeline.period) == ["2019"] and list(timeline.topic) == ["russia_usa"]


def quarterly_subset(per_quarter: int = 2) -> list:
    """The first and last briefing files of every quarter (folders are YYYY-MM), sorted."""
    by_quarter = defaultdict(list)
    for f in sorted((WHITEHOUSE_DIR / "press-briefings").rglob("*.md")):
        year, month = f.parent.name.split("-")
        by_quarter[(year, (int(month) - 1) // 3)].append(f)
    picked = []
    for files in by_quarter.values():
        picked += [files[0], files[-1]] if per_quarter == 2 and len(files) > 1 else files[:per_quarter]
    return picked


@pytest.fixture(scope="module")
def whitehouse_quarters(tmp_path_factory):
    """Two briefings per quarter, January 2021 to January 2025, built into processed tables."""
    files = quarterly_subset()
    return build_subset(files, tmp_path_factory.mktemp("wh_quarters")), len(files)


@pytest.mark.shared
@needs_whitehouse
def test_notebook_03_on_whitehouse_quarters(tmp_path, whitehouse_quarters):
    processed, n_files = whitehouse_quarters
    out = run_notebook(tmp_path, processed, freq="quarter", measure="per_1000_words", max_discovery_sentences=5000)
    tables = out / "tables"
    timeline = pd.read_csv(tables / "topic_timeline.csv", parse_dates=["period_start"])
    # Every quarter from the first briefing (2021-01-20) to the last (2025-01-10): 17 quarters.
    expected = [str(p) for p in pd.period_range("2021Q1", "2025Q1", freq="Q")]
    assert list(dict.fromkeys(timeline.period)) == expected
    assert timeline.groupby("period").period_documents.first().sum() == n_files

    # The agenda moved: COVID-19 filled 2021 and had faded by 2024; Gaza and Israel rose after October 2023.
    year = timeline.period_start.dt.year
    rate = (timeline.assign(year=year).groupby(["topic", "year"])
            .apply(lambda g: 1000 * g.n_matches.sum() / g.period_words.sum(), include_groups=False))
    assert rate["health_covid", 2021] > 3 * rate["health_covid", 2024]
    assert rate["israel_palestine", 2024] > 3 * rate["israel_palestine", 2021]

    tags = pd.read_csv(tables / "sentence_topics.csv")
    assert set(tags.topic) <= set(topics.default_lexicon().ids) and len(tags) > 500
    qa = pd.read_csv(tables / "qa_topic_shift.csv")
    turns = pd.read_parquet(processed / "turns.parquet")
    assert len(qa) == turns.is_question.sum()
    assert set(qa["shift"]) <= set(topics.SHIFTS)
    assert {"stayed on topic", "widened", "changed subject"} <= set(qa["shift"])

    metrics = json.loads((out / "metrics" / "03_topic_timelines.json").read_text())
    assert metrics["n_documents"] == n_files and metrics["n_periods"] == 17
    assert metrics["first_period"] == "2021Q1" and metrics["last_period"] == "2025Q1"
