"""Topic tagging, event flow, Q/A topic shift, timelines and discovery (transcripts.topics).

Expected values are worked out by hand from the texts and the shipped lexicon
(lib/transcripts/resources/topic_lexicon.yaml); the sample's were checked by reading
data/raw/mid_ru_en_2019-12-10_lavrov_pompeo_press_conference.txt.
"""
from __future__ import annotations

import pandas as pd
import pytest

from transcripts import TranscriptError, topics
from transcripts.plots import topics as topic_plots

SAMPLE_DOC = "mid_ru_en_2019-12-10_lavrov_pompeo_press_conference"


# ---------------------------------------------------------------- tagging: what matches, what must not

@pytest.mark.parametrize("text, expected", [
    # case rules: START and INF are matched only as written
    ("The New START Treaty expires in February 2021.", [("arms_control", "New START")]),
    ("START is the last treaty.", [("arms_control", "START")]),
    ("Let us start the meeting.", []),
    ("We start early; a Start-up started.", []),
    ("the INF Treaty", [("arms_control", "INF")]),
    ("Please send me the info and more information.", []),
    ("Inf. is not INF", [("arms_control", "INF")]),
    # any-case terms match in any case
    ("NUCLEAR powers", [("arms_control", "NUCLEAR")]),
    ("strategic Stability", [("arms_control", "strategic Stability")]),
    # whole words only
    ("Tirana is not Iran.", [("iran", "Iran")]),
    ("The crisis deepened.", []),  # "isis" inside "crisis"
    ("Isis was an Egyptian goddess.", []),  # ISIS only as written
    ("ISIS fighters", [("counterterrorism", "ISIS")]),
    ("Gunther and the shotgun", []),
    ("guns and a gun", [("gun_violence", "guns"), ("gun_violence", "gun")]),
    ("The visage of a man", []),  # "visa" and "visas" are whole words, no wildcard
    # trailing wildcard: any word ending
    ("They sanctioned banks.", [("trade_sanctions", "sanctioned")]),
    ("the Iranian side", [("iran", "Iranian")]),
    ("We advocate its denuclearisation.", [("korean_peninsula", "denuclearisation")]),
    # multi-word phrases; a space matches spaces and hyphens, a hyphen also matches nothing
    ("in the Persian Gulf", [("iran", "Persian Gulf")]),
    ("Persian carpets in the Gulf", []),
    ("North-Korean officials", [("korean_peninsula", "North-Korean")]),
    ("counterterrorism, counter terrorism and COUNTER-TERRORISM",
     [("counterterrorism", "counterterrorism"), ("counterterrorism", "counter terrorism"),
      ("counterterrorism", "COUNTER-TERRORISM")]),
    ("Roe v. Wade", [("reproductive_rights", "Roe v. Wade")]),
    # a longer phrase wins over the word inside it: the eviction moratorium is not arms control
    ("The eviction moratorium ends.", [("economy", "eviction moratorium")]),
    ("a unilateral moratorium on the deployment", [("arms_control", "moratorium")]),
    # curly apostrophes and hyphens between names
    ("Russia’s alleged meddling", [("elections_interference", "meddling")]),
    ("the DPRK’s needs", [("korean_peninsula", "DPRK")]),
    ("the Palestinian-Israeli peace process",
     [("israel_palestine", "Palestinian"), ("israel_palestine", "Israeli")]),
    # accented letters
    ("Juan Guaidó", [("venezuela", "Guaidó")]),
    # one sentence, several topics, in order of position
    ("the crisis around the Iranian nuclear programme", [("iran", "Iranian"), ("arms_control", "nuclear")]),
    ("", []),
])
def test_find_terms(text, expected):
    assert topics.find_terms(text) == expected


@pytest.mark.parametrize("topic, terms", [
    # the terms the issue names for each topic
    ("arms_control", ["INF", "New START", "strategic stability", "nuclear", "moratorium"]),
    ("ukraine", ["Minsk", "Normandy format", "Donbas"]),
    ("iran", ["JCPOA", "Persian Gulf", "Hormuz"]),
    ("venezuela", ["Venezuela"]),
    ("korean_peninsula", ["DPRK", "North Korea", "Pyongyang", "denuclearisation"]),
    ("syria", ["Syria"]), ("libya", ["Libya"]), ("yemen", ["Yemen"]),
    ("israel_palestine", ["Israel", "Palestinian"]),
    ("elections_interference", ["meddling", "interference", "collusion"]),
    ("counterterrorism", ["terrorism"]),
    ("trade_sanctions", ["trade", "sanctions"]),
    ("consular_visas", ["visas", "consular", "diplomatic property"]),
    ("detained_citizens", ["Paul Whelan", "wrongfully detained"]),
    ("bilateral_relations", ["bilateral relations"]),
    ("economy", ["inflation"]), ("health_covid", ["COVID-19", "vaccines"]),
    ("immigration", ["asylum"]), ("climate", ["climate"]),
])
def test_shipped_lexicon_has_the_issue_topics_and_terms(topic, terms):
    lex = topics.default_lexicon()
    assert topic in lex.ids and lex.labels[topic]
    for term in terms:
        assert (topic, term) in topics.find_terms(f"About {term} today.", lex), term


def test_longer_phrase_wins_and_shared_terms_tag_every_topic():
    lex = topics.lexicon_from_entries([
        {"id": "economy", "terms": ["economic", "growth"]},
        {"id": "ties", "terms": ["economic cooperation", "growth"]},
    ])
    # "economic cooperation" is one match (ties); its word "economic" is not counted again for economy
    assert topics.find_terms("economic cooperation", lex) == [("ties", "economic cooperation")]
    assert topics.find_terms("economic policy", lex) == [("economy", "economic")]
    # a term in two topics tags both
    assert topics.find_terms("growth", lex) == [("economy", "growth"), ("ties", "growth")]


def test_tag_sentences_lists_matched_words_once_in_order():
    sents = pd.DataFrame(dict(doc_id="d", turn_index=[0, 0, 1], sentence_index=[0, 1, 0], text=[
        "Sanctions, sanctions and more SANCTIONS on Iran; Iranian oil.",
        "Nothing to see here.",
        "The INF and New START treaties; nuclear arms control.",
    ]))
    tags = topics.tag_sentences(sents)
    assert list(tags.columns[:5]) == ["doc_id", "turn_index", "sentence_index", "topic", "matched_terms"]
    rows = {(r.turn_index, r.sentence_index, r.topic): (r.matched_terms, r.n_matches) for r in tags.itertuples()}
    # by hand: 3 "sanctions" in any case (listed once, as first written), Iran + Iranian, and
    # INF, New START, nuclear, arms control; the empty sentence has no row
    assert rows == {
        (0, 0, "iran"): ("Iran; Iranian", 2),
        (0, 0, "trade_sanctions"): ("Sanctions", 3),
        (1, 0, "arms_control"): ("INF; New START; nuclear; arms control", 4),
    }


def test_tagging_handles_text_whose_case_change_alters_its_length():
    # "ß".title() is "Ss": the offsets must still point into the original text
    sents = pd.DataFrame(dict(doc_id="d", turn_index=0, sentence_index=[0, 1],
                              text=["Die Straße nach Kyiv.", "Sanctions on Iran."]))
    m = topics.topic_mentions(sents)
    got = [(r.sentence_index, r.topic, sents.text[r.sentence_index][r.start:r.end]) for r in m.itertuples()]
    assert got == [(0, "ukraine", "Kyiv"), (1, "trade_sanctions", "Sanctions"), (1, "iran", "Iran")]


# ---------------------------------------------------------------- the lexicon file

@pytest.mark.parametrize("content, message, line", [
    ("topics: [", "not valid YAML", None),
    ("other: 1\n", "no topics found", None),
    ("topics:\n  - id: a\n    terms: [x]\n  - id: a\n    terms: [y]\n", "appears twice", 4),
    ("topics:\n  - id: a\n    label: A\n", "has no terms", 2),
    ("topics:\n  - id: a\n    terms: [x]\n    colour: red\n", "unknown key", 2),
    ("topics:\n  - id: Bad Id\n    terms: [x]\n", "lower case with underscores", None),
    ("topics:\n  - id: a\n    terms: [nu*clear]\n", "is not a word or phrase", 2),
    ("topics:\n  - id: a\n    terms: 5\n", "must be a list", 2),
])
def test_bad_lexicon_is_a_clear_error(tmp_path, content, message, line):
    path = tmp_path / "lexicon.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TranscriptError, match=message) as err:
        topics.load_lexicon(path)
    assert err.value.path == str(path)
    if line is not None:
        assert err.value.line == line


def test_missing_lexicon_file_is_a_clear_error(tmp_path):
    with pytest.raises(TranscriptError, match="topic lexicon not found"):
        topics.load_lexicon(tmp_path / "nope.yaml")


def test_edited_lexicon_is_used(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("topics:\n  - id: space\n    label: Space\n    terms: [orbit*, moon]\n    exact_case: [ISS]\n")
    lex = topics.load_lexicon(path)
    assert lex.ids == ["space"] and lex.labels == {"space": "Space"}
    assert topics.find_terms("The ISS orbits the Moon; the iss hiss.", lex) == [("space", "ISS"), ("space", "orbits"),
                                                                            ("space", "Moon")]


# ---------------------------------------------------------------- the sample: order of the opening, questions

@pytest.fixture(scope="module")
def sample_topics(sample_tables):
    tags = topics.tag_sentences(sample_tables["sentences"])
    flow = topics.topic_flow(sample_tables, tags, SAMPLE_DOC)
    return tags, flow, topics.topic_segments(flow)


# The opening statement as the issue lists it (checked by reading the sample): dialogue and bilateral
# relations → elections and interference → arms control → Ukraine → Iran → Venezuela → Korean
# Peninsula → Syria → Libya, Yemen, Israel–Palestine → counterterrorism → trade → consular affairs.
OPENING_ORDER = ["bilateral_relations", "elections_interference", "arms_control", "ukraine", "iran", "venezuela",
                 "korean_peninsula", "syria", "libya", "yemen", "israel_palestine", "counterterrorism",
                 "trade_sanctions", "consular_visas"]


def test_sample_opening_statement_runs_in_the_issue_order(sample_topics):
    _, _, segments = sample_topics
    seq = topics.topic_sequence(segments[segments.last_turn == 0])
    remaining = iter(seq)
    assert all(topic in remaining for topic in OPENING_ORDER), seq  # an ordered subsequence
    # and each of the regional topics comes up in exactly one segment of the opening, in that order
    regional = [t for t in seq if t in OPENING_ORDER[3:11]]
    assert regional == OPENING_ORDER[3:11]


@pytest.mark.parametrize("fragment, main_topic", [
    # one sentence per paragraph of the opening statement, its subject read by hand
    ("put bilateral relations back on track", "bilateral_relations"),
    ("alleged meddling in the domestic affairs", "elections_interference"),
    ("withdrawal from the Intermediate-Range Nuclear Forces Treaty", "arms_control"),
    ("I am talking about the Strategic Arms Reduction Treaty", "arms_control"),
    ("Normandy format talks in Paris", "ukraine"),
    ("save the Joint Comprehensive Plan of Action", "iran"),
    ("the people of Venezuela should determine", "venezuela"),
    ("We advocate its denuclearisation", "korean_peninsula"),
    ("Resolution 2254 encompasses", "syria"),
    # "terrorism" is a passing mention inside the Syria paragraph: the segment stays on Syria
    ("eradicate terrorism in Syria completely", "syria"),
    ("Libyan peace settlement", "libya"),
    ("situation around Yemen", "yemen"),
    ("Palestinian-Israeli peace process", "israel_palestine"),
    ("Counterterrorism Dialogue resumed", "counterterrorism"),
    ("bilateral trade has expanded", "trade_sanctions"),
    ("failure to issue visas", "consular_visas"),
    ("This proposal also remains on the table.", None),
])
def test_sample_flow_main_topic_of_key_sentences(sample_topics, fragment, main_topic):
    _, flow, _ = sample_topics
    row = flow[flow.text.str.contains(fragment, regex=False)]
    assert len(row) == 1 and row.turn_index.iloc[0] == 0
    assert row.main_topic.iloc[0] == main_topic


def test_sample_flow_positions_add_up(sample_tables, sample_topics):
    _, flow, segments = sample_topics
    assert len(flow) == 186
    assert flow.word_end.iloc[-1] == sample_tables["sentences"].n_words.sum()
    assert (flow.word_start.iloc[1:].to_numpy() == flow.word_end.iloc[:-1].to_numpy()).all()
    assert (segments.word_start < segments.word_end).all()
    assert segments.word_start.is_monotonic_increasing


# The eight questions, read by hand, and the lexicon topics their words carry:
# 1 North Korea and sanctions enforcement; 2 Paul Whelan; 3 Ukraine and the 2016 election;
# 4 New START and China; 5 New START without China (China, Beijing, PRC); 6 the Mueller report and
# interference; 7 a Russian-American business council; 8 consular services and visas.
QUESTIONS = [
    (1, {"korean_peninsula", "trade_sanctions"}),
    (3, {"detained_citizens"}),
    (5, {"ukraine", "elections_interference"}),
    (7, {"arms_control", "china"}),
    (9, {"arms_control", "china"}),
    (11, {"elections_interference"}),
    (13, {"bilateral_relations", "trade_sanctions"}),
    (15, {"consular_visas"}),
]
# Answers, read by hand: Lavrov keeps to the questions' topics except after question 6 (he adds the
# "special channel created to review cyber threats": cybersecurity) and question 8 (he adds
# bilateral relations: "bilateral track", "people-to-people contacts").
SHIFTS = ["stayed on topic"] * 5 + ["widened", "stayed on topic", "widened"]


def test_sample_questions_topics_and_shift(sample_tables, sample_topics):
    tags, _, _ = sample_topics
    qa = topics.qa_topic_shift(sample_tables, tags)
    assert list(qa.question_turn) == [q for q, _ in QUESTIONS]
    assert list(qa.answer_turns) == [str(q + 1) for q, _ in QUESTIONS]
    for (turn, expected), got in zip(QUESTIONS, qa.question_topics):
        assert set(got.split("; ")) == expected, turn
    assert list(qa["shift"]) == SHIFTS
    assert qa.loc[qa.question_turn == 11, "added_topics"].item() == "cybersecurity"
    # two questions were put to Pompeo; Lavrov's turns after them are the answers in this transcript
    assert (qa.addressee == "Michael Pompeo").sum() == 2 and set(qa.answerer) == {"Sergey Lavrov"}


# ---------------------------------------------------------------- Q/A shift and segments on tiny tables

def tiny_event(turns_spec):
    """Tables for one event from (speaker, role, is_question, text) tuples, one sentence per turn."""
    turns = pd.DataFrame([dict(doc_id="e", turn_index=i, speaker=s, role=r, addressee=None, is_question=q, text=t,
                               n_words=len(t.split())) for i, (s, r, q, t) in enumerate(turns_spec)])
    sentences = turns[["doc_id", "turn_index", "text", "n_words"]].assign(sentence_index=0)
    documents = pd.DataFrame(dict(doc_id=["e"], event_date=[pd.Timestamp("2020-01-01")], published_at=[pd.NaT],
                                  title=["e"], n_words=[turns.n_words.sum()]))
    return dict(documents=documents, turns=turns, sentences=sentences)


def test_qa_shift_categories():
    tables = tiny_event([
        ("Q", "press", True, "What about Iran and Syria?"),
        ("A", "official", False, "Iran is the priority."),                  # narrowed: stayed on topic
        ("Q", "press", True, "And Iran?"),
        ("M", "moderator", False, "Next question about Libya please."),    # moderators are not answers
        ("A", "official", False, "Iran, and also Venezuela."),              # widened
        ("Q", "press", True, "What about Syria?"),
        ("A", "official", False, "Let me talk about trade."),               # changed subject
        ("Q", "press", True, "How are you?"),
        ("A", "official", False, "Fine, thanks, and Iran."),                # question untagged
        ("Q", "press", True, "And Yemen?"),
        ("A", "official", False, "No comment."),                            # answer untagged
        ("Q", "press", True, "And Libya?"),
        ("Q", "press", True, "And Libya, again?"),                          # first Libya question: no answer
        ("A", "official", False, "Libya, yes."),
    ])
    tags = topics.tag_sentences(tables["sentences"])
    qa = topics.qa_topic_shift(tables, tags)
    assert list(qa["shift"]) == ["stayed on topic", "widened", "changed subject", "question untagged",
                                 "answer untagged", "no answer", "stayed on topic"]
    assert list(qa.answer_turns) == ["1", "4", "6", "8", "10", "", "13"]
    assert qa.loc[0, "dropped_topics"] == "syria" and qa.loc[1, "added_topics"] == "venezuela"
    assert qa.loc[0, "jaccard"] == pytest.approx(1 / 2) and qa.loc[2, "jaccard"] == 0
    counts = topics.shift_counts(qa).set_index("shift").n_questions
    assert counts.to_dict() == {"stayed on topic": 2, "widened": 1, "changed subject": 1, "question untagged": 1,
                                "answer untagged": 1, "no answer": 1}


def test_segments_bridge_short_gaps_only():
    tables = tiny_event([
        ("A", "official", False, "Iran first."),
        ("A", "official", False, "Nothing."),
        ("A", "official", False, "Still nothing."),
        ("A", "official", False, "Iran again."),      # gap of 2 untagged sentences: same segment
        ("A", "official", False, "One."), ("A", "official", False, "Two."), ("A", "official", False, "Three."),
        ("A", "official", False, "Iran at last."),    # gap of 3: a new segment
        ("A", "official", False, "Syria and Iran."),  # Iran continues the running segment
        ("A", "official", False, "Syria, Syria, Syria and Iran."),
    ])
    tags = topics.tag_sentences(tables["sentences"])
    flow = topics.topic_flow(tables, tags)
    assert list(flow.main_topic) == ["iran", None, None, "iran", None, None, None, "iran", "iran", "iran"]
    seg = topics.topic_segments(flow, max_gap=2)
    assert list(seg.topic) == ["iran", "iran"]
    assert list(seg.first_turn) == [0, 7] and list(seg.last_turn) == [3, 9]
    assert list(seg.n_sentences) == [4, 3] and list(seg.n_tagged) == [2, 3]
    assert list(topics.topic_segments(flow, max_gap=3).n_sentences) == [10]


def test_main_topic_is_the_most_mentioned_then_the_first():
    tables = tiny_event([
        ("A", "official", False, "Syria, Iran and Iran."),   # Iran: 2 matches
        ("A", "official", False, "Yemen and Libya."),        # a tie: the first mentioned
    ])
    flow = topics.topic_flow(tables, topics.tag_sentences(tables["sentences"]))
    assert list(flow.main_topic) == ["iran", "yemen"]
    assert list(flow.topics) == ["iran; syria", "libya; yemen"]  # lexicon order: iran before syria


def test_flow_hover_escapes_transcript_text():
    tables = tiny_event([("A", "official", False, "Iran <script>alert(1)</script> & more.")])
    tags = topics.tag_sentences(tables["sentences"])
    flow = topics.topic_flow(tables, tags)
    fig = topic_plots.topic_flow_chart(flow, tags, topics.default_lexicon().labels)
    hovers = " ".join(" ".join(map(str, t.hovertext)) for t in fig.data)
    assert "&lt;script&gt;" in hovers and "<script>" not in hovers


def test_pick_event():
    tables = tiny_event([("Q", "press", True, "Iran?"), ("A", "official", False, "Iran.")])
    assert topics.pick_event(tables) == "e" and topics.pick_event(tables, "e") == "e"
    with pytest.raises(TranscriptError, match="no document with doc_id 'x'"):
        topics.pick_event(tables, "x")


# ---------------------------------------------------------------- the timeline

@pytest.fixture
def two_month_corpus():
    """Three documents: two in January 2021 (one in week 1, one in week 3), one in April 2021."""
    sentences = pd.DataFrame([
        ("a", 0, 0, "Iran and Iran.", 10), ("a", 0, 1, "Nothing.", 10),
        ("b", 0, 0, "Syria.", 20), ("b", 0, 1, "Iran.", 60),
        ("c", 0, 0, "Iran.", 100), ("c", 0, 1, "Nothing.", 100), ("c", 0, 2, "More of nothing.", 300),
    ], columns=["doc_id", "turn_index", "sentence_index", "text", "n_words"])
    documents = pd.DataFrame(dict(doc_id=["a", "b", "c"],
                                  event_date=pd.to_datetime(["2021-01-05", "2021-01-20", None]),
                                  published_at=pd.to_datetime([None, None, "2021-04-02 10:30"])))
    return dict(documents=documents, sentences=sentences)


def test_timeline_counts_and_normalisations(two_month_corpus):
    tags = topics.tag_sentences(two_month_corpus["sentences"])
    tl = topics.topic_timeline(two_month_corpus, tags, freq="month")
    assert list(tl.period.unique()) == ["2021-01", "2021-04"]  # c has no event date: its publication date
    jan = tl[tl.period == "2021-01"].set_index("topic")
    # January: documents a, b; 4 sentences, 100 words. Iran: 2 sentences, 3 matches, 2 documents.
    assert jan.loc["iran", ["n_sentences", "n_matches", "n_documents"]].tolist() == [2, 3, 2]
    assert jan.loc["iran", "period_words"] == 100 and jan.loc["iran", "period_sentences"] == 4
    assert jan.loc["iran", "share"] == pytest.approx(2 / 4)
    assert jan.loc["iran", "per_1000_words"] == pytest.approx(3 * 1000 / 100)
    assert jan.loc["iran", "per_document"] == pytest.approx(3 / 2)
    assert jan.loc["syria", "doc_share"] == pytest.approx(1 / 2)
    apr = tl[tl.period == "2021-04"].set_index("topic")
    assert apr.loc["iran", "per_1000_words"] == pytest.approx(1 * 1000 / 500)
    assert apr.loc["syria", "n_sentences"] == 0 and apr.loc["syria", "per_1000_words"] == 0
    assert len(tl) == 2 * len(topics.default_lexicon().ids)  # every topic listed in every period
    assert tl.equals(topics.topic_timeline(two_month_corpus, tags, freq="month"))  # deterministic
    assert topics.top_topics(tl, 5) == ["iran", "syria"]


@pytest.mark.parametrize("freq, periods", [
    ("day", ["2021-01-05", "2021-01-20", "2021-04-02"]),
    ("week", ["2021-W01", "2021-W03", "2021-W13"]),
    ("quarter", ["2021Q1", "2021Q2"]),
    ("year", ["2021"]),
])
def test_timeline_periods(two_month_corpus, freq, periods):
    tags = topics.tag_sentences(two_month_corpus["sentences"])
    tl = topics.topic_timeline(two_month_corpus, tags, freq=freq)
    assert list(tl.period.unique()) == periods
    assert tl.groupby("period").n_matches.sum().sum() == 5  # every match lands in one period


def test_timeline_unknown_period_is_a_clear_error(two_month_corpus):
    with pytest.raises(TranscriptError, match="unknown period 'fortnight'"):
        topics.topic_timeline(two_month_corpus, topics.tag_sentences(two_month_corpus["sentences"]), freq="fortnight")


# ---------------------------------------------------------------- discovery

def test_discovery_on_the_sample_is_deterministic_and_finds_arms_control(sample_tables, sample_topics):
    tags = sample_topics[0]
    themes, examples = topics.discover_themes(sample_tables["sentences"], tags, n_themes=6)
    again, _ = topics.discover_themes(sample_tables["sentences"], tags, n_themes=6)
    assert themes.equals(again)
    assert len(themes) == 6 and (themes.n_sentences > 0).sum() >= 5
    assert set(examples.theme) == set(themes.theme) and (examples.groupby("theme").size() <= 3).all()
    stop = set(topics.stop_words())
    assert not any(w in stop for terms in themes.top_terms for w in terms.split(", "))
    # The sample spends some twenty sentences on treaties and nuclear arms: one theme gathers that
    # vocabulary, and the lexicon's arms_control topic covers most of its top sentences.
    arms = themes[themes.top_terms.str.contains("treaty") & themes.top_terms.str.contains("nuclear")]
    assert len(arms) == 1 and arms.best_topic.item() == "arms_control" and not arms.is_new.item()


FRUIT = "apples bananas cherries plums melons grapes"
ARMS = "rockets missiles warheads launchers silos treaties"
# each word of these two is in one sentence only: below min_df=2, so their TF-IDF rows (and NMF rows) are zero
LONE = ["zebra yak xylophone walrus vulture unicorn", "quokka okapi narwhal lemur ibis heron"]


def _theme_sentences(texts):
    """One event, one turn, sentences 0..n-1, given to discover_themes in REVERSED order (index 0 = last)."""
    df = pd.DataFrame(dict(doc_id="d", turn_index=0, sentence_index=range(len(texts)), text=texts,
                           n_words=[len(t.split()) for t in texts]))
    return df.iloc[::-1].reset_index(drop=True)


def _no_tags():
    return pd.DataFrame(columns=["doc_id", "turn_index", "sentence_index", "topic"])


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_discovery_does_not_count_sentences_with_no_theme():
    # 3 fruit + 3 arms sentences and 2 sentences with no kept word: two themes of 3 sentences each;
    # the 2 empty rows belong to no theme (argmax of an all-zero row would give them to theme 1: 5).
    texts = [FRUIT] * 3 + [ARMS] * 3 + LONE
    themes, _ = topics.discover_themes(_theme_sentences(texts), _no_tags(), n_themes=2)
    assert sorted(themes.n_sentences) == [3, 3] and themes.n_sentences.sum() == 6


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_discovery_sample_keeps_event_order():
    # 4 identical fruit sentences (0-3), 4 identical arms sentences (4-7), 2 empty ones (8, 9); max_sentences=9
    # forces the sampling path. Identical sentences weigh the same, so a theme's examples come in pool
    # order, which must be event order (doc, turn, sentence) whatever order the table came in.
    texts = [FRUIT] * 4 + [ARMS] * 4 + LONE
    _, examples = topics.discover_themes(_theme_sentences(texts), _no_tags(), n_themes=2, max_sentences=9)
    assert len(examples) == 6  # 3 examples per theme (at least 3 of each 4 survive dropping one sentence)
    for _, ex in examples.groupby("theme"):
        assert ex.sentence_index.tolist() == sorted(ex.sentence_index)
