"""The layout (issue 15, item 4): each speaker and topic analysis in its own module, and the facades
`transcripts.speakers` / `transcripts.topics` (what notebooks and scripts import) still offering every
public name they had before the move, as the very objects of the modules that define them.

The table below is written by hand from the facades' "what is where" docstrings: a name moved to
another module, or dropped from a facade, fails here.
"""
from __future__ import annotations

import importlib

import pytest

WHERE = {
    "speakers": {
        "floor": ["focus", "event_labels", "speaker_stats", "monthly_activity"],
        "qa": ["ANSWER_ROLES", "answers_after", "qa_pairs", "addressees"],
        "mentions": ["GAZETTEER_FILE", "load_gazetteer", "is_generic", "speaker_entities", "mentions",
                     "mention_matrix"],
        "diversity": ["mattr", "lexical_diversity"],
        "markers": ["MARKERS_FILE", "load_markers", "marker_hits", "top_markers", "marker_rates"],
        "tone": ["sentence_tone", "tone_by"],
        "distinctive": ["term_counts", "log_odds", "group_term_counts", "DW_COLUMNS", "distinctive_words",
                        "press_vs_officials", "top_terms", "keyword_in_context"],
        "profile": ["speaker_profile"],
        "tokens": ["terms"],
    },
    "topics": {
        "lexicon": ["Lexicon", "LEXICON_FILE", "load_lexicon", "lexicon_from_entries", "default_lexicon"],
        "tagging": ["MENTION_COLUMNS", "TAG_COLUMNS", "find_terms", "topic_mentions", "tag_sentences",
                    "topic_summary", "TopicCounts"],
        "flow": ["SHIFTS", "pick_event", "topic_flow", "topic_segments", "topic_sequence", "qa_topic_shift",
                 "shift_counts"],
        "timeline": ["FREQS", "document_dates", "topic_timeline", "top_topics", "timeline_counts",
                     "timeline_from_counts"],
        "themes": ["STOPWORDS_FILE", "stop_words", "discover_themes", "themes_of_pool"],
        "scoped": ["tag_scope", "ScopeTopics", "DocumentSpill", "sentence_checks", "discover_scope_themes"],
    },
}
CASES = [(facade, module, name) for facade, modules in WHERE.items() for module, names in modules.items()
         for name in names]


@pytest.mark.parametrize("facade, module, name", CASES, ids=[f"{f}.{n}" for f, _, n in CASES])
def test_facade_reexports_the_defining_module_object(facade, module, name):
    front = importlib.import_module(f"transcripts.{facade}")
    home = importlib.import_module(f"transcripts.analysis.{facade}.{module}")
    assert getattr(front, name) is getattr(home, name)
    if callable(home.__dict__[name]) and hasattr(home.__dict__[name], "__module__"):
        assert home.__dict__[name].__module__ == home.__name__  # defined there, not imported from elsewhere


@pytest.mark.parametrize("facade", sorted(WHERE))
def test_facade_all_lists_exactly_the_public_names(facade):
    front = importlib.import_module(f"transcripts.{facade}")
    expected = [name for names in WHERE[facade].values() for name in names]
    assert sorted(front.__all__) == sorted(expected) and len(set(front.__all__)) == len(front.__all__)
    for module in WHERE[facade]:  # the docstring's table names every module
        assert f"`{module}.py`" in front.__doc__


def test_tone_module_still_offers_the_fast_vader_score():
    from transcripts import tone
    from transcripts.analysis.speakers import vader

    assert tone.compound is vader.compound
    assert tone.compound("We are very happy with this good result.") > 0.5


def test_no_module_defines_a_private_helper_twice():
    """Shared private helpers live once (in `tokens`), not copied into each analysis."""
    import ast
    from pathlib import Path

    import transcripts.analysis as pkg

    seen: dict[str, str] = {}
    for path in sorted(Path(pkg.__file__).parent.glob("*/*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name.startswith("_"):
                where = f"{path.parent.name}/{path.name}"
                assert node.name not in seen, f"{node.name} defined in {seen.get(node.name)} and {where}"
                seen[node.name] = where


def test_no_notebook_defines_a_function_or_class():
    # house rule: logic lives in lib/, a notebook only calls it (a `def` or `class` at the start of a line of a
    # code cell, or a lambda bound to a name, would be logic kept in the notebook)
    import re

    import nbformat

    from transcripts.paths import NOTEBOOKS_DIR
    found = []
    for path in sorted(NOTEBOOKS_DIR.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code" and re.search(r"(?m)^\s*(async\s+def|def|class)\s|^\w+\s*=\s*lambda\b", cell.source):
                found.append(path.name)
    assert len(list(NOTEBOOKS_DIR.glob("*.ipynb"))) >= 5 and not found, found
