"""Sides from who speaks on the real corpora: no foreign leader's "we" is given the host's side, at the Kremlin
or at the White House (cheap: a few files of ../shared/corpora, built into tmp_path)."""
from __future__ import annotations

import pandas as pd

from conftest import KREMLIN_DIR, WHITEHOUSE_DIR, build_subset, needs_kremlin, needs_whitehouse
from transcripts import load_tables
from transcripts.claims import extract_claims, side_table


def _we_claims(processed):
    tables = load_tables(processed)
    claims = extract_claims(tables, progress=False, workers=1)
    return tables, claims[claims.actor_mention.fillna("").str.lower().isin(["we", "our"])]


@needs_kremlin
def test_foreign_leaders_at_the_kremlin_keep_their_own_side(tmp_path):
    # the Russian-Turkish talks, the Russia-Turkey-Iran summit and the economic forum with the leaders of China,
    # Armenia, Bulgaria and Slovakia
    files = [KREMLIN_DIR / f for f in ("news_54444.print.html", "news_57201.print.html", "news_60707.print.html")]
    tables, we = _we_claims(build_subset(files, tmp_path))
    expected = {"Recep Tayyip Erdogan": "Turkey", "Hassan Rouhani": "Iran", "Xi Jinping": "China",
                "Nikol Pashinyan": "Armenia", "Rumen Radev": "Bulgaria", "Peter Pellegrini": "Slovakia",
                "Vladimir Putin": "Russia"}
    sides = side_table(tables).merge(tables["turns"][["doc_id", "turn_index", "speaker"]])
    for speaker, side in expected.items():
        assert set(sides[sides.speaker == speaker].side) == {side}, speaker
    foreign = we[we.speaker.isin(set(expected) - {"Vladimir Putin"})]
    assert len(foreign) > 0 and not (foreign.actor == "Russia").any()


@needs_whitehouse
def test_foreign_leaders_at_the_white_house_are_not_american(tmp_path):
    folder = WHITEHOUSE_DIR / "press-briefings"
    files = [folder / "2021-09" / "2021-09-21-remarks-by-president-biden-and-prime-minister-morrison-of-australia-before-bilateral-meeting.md",
             folder / "2023-07" / ("2023-07-12-remarks-by-president-biden-prime-minister-kishida-of-japan-and-president-"
                                   "zelenskyy-of-ukraine-in-a-g7-joint-declaration-of-support-for-ukraine-vilnius-lithuania.md")]
    tables, we = _we_claims(build_subset(files, tmp_path))
    sides = side_table(tables).merge(tables["turns"][["doc_id", "turn_index", "speaker", "label"]])
    by_label = sides.drop_duplicates("label").set_index("label").side
    assert by_label["PRIME MINISTER MORRISON"] == "Australia"
    assert by_label["PRIME MINISTER KISHIDA"] == "Japan"
    assert by_label["PRESIDENT ZELENSKYY"] == "Ukraine"
    assert by_label["PRESIDENT BIDEN"] == "United States"
    foreign = we.merge(tables["turns"][["doc_id", "turn_index", "label"]])
    foreign = foreign[foreign.label.isin(["PRIME MINISTER MORRISON", "PRIME MINISTER KISHIDA", "PRESIDENT ZELENSKYY"])]
    assert not (foreign.actor == "United States").any()
