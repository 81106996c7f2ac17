"""Speaker names and event names are escaped wherever a figure renders them (house rule).

Each figure is built from a tiny hand-written frame whose speaker (and event) is an HTML payload.
`fig.to_json()` writes "<" as "\\u003c", so a substring test on the raw JSON would pass even when the
payload is unescaped: the JSON is decoded and every string in it is searched instead.
"""
from __future__ import annotations

import json

import pandas as pd
import pytest

from transcripts.plots import turn_sequence
from transcripts.plots.speakers import airtime, stance

EVIL = "<img src=x onerror=alert(1)>"


def _strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)


def _airtime():
    stats = pd.DataFrame(dict(speaker=[EVIL, "Press"], role=["official", "press"], n_words=[30, 10],
                              word_share=[0.75, 0.25], n_turns=[2, 1], mean_turn_words=[15.0, 10.0],
                              longest_turn_words=[20, 10]))
    return airtime(stats)


def _stance():
    profile = pd.DataFrame(dict(speaker=[EVIL, "Press"], n_words=[1000, 500], hedging=[4, 1], certainty=[2, 0],
                                hedging_per_1k=[4.0, 2.0], certainty_per_1k=[2.0, 0.0]))
    return stance(profile)


def _turns(doc_ids):
    return pd.DataFrame(dict(doc_id=doc_ids, turn_index=[0, 1], speaker=[EVIL, "Press"], role=["official", "press"],
                             n_words=[5, 2], addressee=[None, EVIL], text=["We agree on <b>this</b>.", "Why?"]))


@pytest.mark.parametrize("build", [
    _airtime,
    _stance,
    lambda: turn_sequence(_turns(["d", "d"])),  # one event: one row per speaker
    lambda: turn_sequence(_turns([EVIL, "d2"])),  # several events: one row per doc_id (titles in notebook 02)
], ids=["airtime", "stance", "turn_sequence_speakers", "turn_sequence_docs"])
def test_speaker_names_are_escaped(build):
    fig = build()
    strings = list(_strings(json.loads(fig.to_json())))
    assert not [s for s in strings if "<img" in s]
    # the name is still there, escaped: "&lt;img src=x onerror=alert(1)&gt;"
    assert any("&lt;img src=x onerror=alert(1)&gt;" in s for s in strings)
