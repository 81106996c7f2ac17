"""Per-document analyses: same results with or without the cache and the pool; changes are misses."""
from __future__ import annotations

import os

import pandas as pd
import pytest

from transcripts import percache
from transcripts.claims import extract_claims, load_rules
from transcripts.percache import fingerprint, per_document
from transcripts.speakers import sentence_tone

CALLS: list[str] = []


def _lengths(part: pd.DataFrame) -> pd.DataFrame:
    """One row per input row: the text's length and the process that computed it."""
    CALLS.extend(part.doc_id.unique())
    return pd.DataFrame({"doc_id": part.doc_id.to_numpy(), "n": part.text.str.len().to_numpy(), "pid": os.getpid()})


def _frame(n_docs: int = 30) -> pd.DataFrame:
    rows = [dict(doc_id=f"d{d:02d}", text="x" * (d + i)) for i in range(3) for d in range(n_docs)]  # interleaved
    return pd.DataFrame(rows)


def test_pool_and_serial_agree_and_keep_row_order():
    frame = _frame()
    serial = per_document(frame, _lengths, name="t", key="k", workers=1, progress=False, aligned=True)
    pooled = per_document(frame, _lengths, name="t", key="k", workers=2, progress=False, aligned=True)
    # row i of the result belongs to row i of the input, though the documents were interleaved
    assert serial.doc_id.tolist() == frame.doc_id.tolist()
    assert serial.n.tolist() == frame.text.str.len().tolist()
    pd.testing.assert_frame_equal(serial.drop(columns="pid"), pooled.drop(columns="pid"))
    assert set(serial.pid) == {os.getpid()}
    assert os.getpid() not in set(pooled.pid), "the pool did not run"


def test_unaligned_results_follow_document_order():
    frame = _frame(4)
    out = per_document(frame, _lengths, name="t", key="k", workers=1, progress=False)
    assert out.doc_id.tolist() == ["d00"] * 3 + ["d01"] * 3 + ["d02"] * 3 + ["d03"] * 3


def test_cache_hits_and_misses(tmp_path):
    frame = _frame(5)
    CALLS.clear()
    first = per_document(frame, _lengths, name="t", key="k", cache_dir=tmp_path, workers=1, progress=False)
    assert sorted(CALLS) == ["d00", "d01", "d02", "d03", "d04"]
    CALLS.clear()
    again = per_document(frame, _lengths, name="t", key="k", cache_dir=tmp_path, workers=1, progress=False)
    assert CALLS == []
    pd.testing.assert_frame_equal(first, again)
    # one document's text changes: only it is computed again, and its new result is used
    changed = frame.copy()
    changed.loc[changed.doc_id == "d03", "text"] = "yy"
    CALLS.clear()
    out = per_document(changed, _lengths, name="t", key="k", cache_dir=tmp_path, workers=1, progress=False)
    assert CALLS == ["d03"]
    assert out[out.doc_id == "d03"].n.tolist() == [2, 2, 2]
    # another key (rules, code or package version): everything again
    CALLS.clear()
    per_document(frame, _lengths, name="t", key="other", cache_dir=tmp_path, workers=1, progress=False)
    assert len(CALLS) == 5


def test_damaged_entries_are_misses(tmp_path):
    frame = _frame(3)
    first = per_document(frame, _lengths, name="t", key="k", cache_dir=tmp_path, workers=1, progress=False)
    entries = sorted((tmp_path / "analyses" / "t").rglob("*.pkl"))
    assert len(entries) == 3
    entries[0].write_bytes(b"not a pickle")
    CALLS.clear()
    again = per_document(frame, _lengths, name="t", key="k", cache_dir=tmp_path, workers=1, progress=False)
    assert len(CALLS) == 1
    pd.testing.assert_frame_equal(first, again)


def test_cache_folder_that_is_a_file_warns_and_still_answers(tmp_path):
    blocker = tmp_path / "analyses"
    blocker.write_text("a file where the cache folder should be")
    with pytest.warns(UserWarning, match="analysis cache not written"):
        out = per_document(_frame(2), _lengths, name="t", key="k", cache_dir=tmp_path, workers=1, progress=False)
    assert out.n.tolist() == [0, 1, 2, 1, 2, 3]


def test_fingerprint_follows_file_contents(tmp_path):
    f = tmp_path / "rules.yaml"
    f.write_text("a: 1")
    before = fingerprint(f)
    f.write_text("a: 2")
    assert fingerprint(f) != before
    assert fingerprint(percache) == fingerprint(percache)


def test_claims_and_tone_same_with_cache_and_pool(sample_tables, tmp_path):
    # the sample split into many pseudo-documents (one per turn), enough for the pool to start
    tables = {k: v.copy() for k, v in sample_tables.items()}
    for name in ("turns", "sentences"):
        tables[name]["doc_id"] = tables[name].doc_id + "-" + tables[name].turn_index.astype(str)
    docs = tables["documents"].iloc[[0] * tables["turns"].doc_id.nunique()].copy()
    docs["doc_id"] = tables["turns"].doc_id.unique()
    tables["documents"] = docs.reset_index(drop=True)
    assert tables["sentences"].doc_id.nunique() >= percache.MIN_POOL_DOCS - 10
    percache_min = percache.MIN_POOL_DOCS
    percache.MIN_POOL_DOCS = 4
    try:
        plain = extract_claims(tables, progress=False, workers=1)
        pooled = extract_claims(tables, progress=False, workers=2, cache_dir=tmp_path)
        cached = extract_claims(tables, progress=False, workers=2, cache_dir=tmp_path)
        tone_plain = sentence_tone(tables["sentences"], progress=False, workers=1)
        tone_pooled = sentence_tone(tables["sentences"], progress=False, workers=2, cache_dir=tmp_path)
        tone_cached = sentence_tone(tables["sentences"], progress=False, workers=2, cache_dir=tmp_path)
    finally:
        percache.MIN_POOL_DOCS = percache_min
    assert len(plain) > 100
    pd.testing.assert_frame_equal(plain, pooled)
    pd.testing.assert_frame_equal(plain, cached)
    pd.testing.assert_frame_equal(tone_plain, tone_pooled)
    pd.testing.assert_frame_equal(tone_plain, tone_cached)
    assert tone_plain.tone.between(-1, 1).all() and tone_plain.tone.ne(0).any()


def test_changed_claim_rules_are_not_served_from_cache(sample_tables, tmp_path):
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(load_rules().path.read_text(encoding="utf-8"), encoding="utf-8")
    before = extract_claims(sample_tables, load_rules(rules_file), progress=False, cache_dir=tmp_path / "c")
    assert (before.claim_type == "denial").any()
    text = rules_file.read_text(encoding="utf-8")
    start = text.index("  denial:\n")
    end = text.index("  accusation:\n")
    rules_file.write_text(text[:start] + "  denial:\n    cues: []\n" + text[end:], encoding="utf-8")
    after = extract_claims(sample_tables, load_rules(rules_file), progress=False, cache_dir=tmp_path / "c")
    assert not (after.claim_type == "denial").any()


def test_old_entries_are_pruned(tmp_path):
    import time

    for version in range(4):  # four rule versions over the same 40 documents: 160 entries
        per_document(_frame(40), _lengths, name="t", key=f"v{version}", cache_dir=tmp_path, workers=1, progress=False)
        time.sleep(0.01)
    entries = list((tmp_path / "analyses" / "t").rglob("*.pkl"))
    assert len(entries) == 160  # not pruned: a run prunes when it finds more than 3 x 40 + 100
    per_document(_frame(40), _lengths, name="t", key="v4", cache_dir=tmp_path, workers=1, progress=False)
    per_document(_frame(40), _lengths, name="t", key="v5", cache_dir=tmp_path, workers=1, progress=False)
    CALLS.clear()
    per_document(_frame(40), _lengths, name="t", key="v6", cache_dir=tmp_path, workers=1, progress=False)
    entries = list((tmp_path / "analyses" / "t").rglob("*.pkl"))
    # v6 found 240 entries (over 220): the 146 most recently used stayed (v5, v4 and some of v3), v6 added 40
    assert len(entries) == 146 + 40 and len(CALLS) == 40
    for recent in ("v6", "v5", "v4"):  # still served from the cache
        CALLS.clear()
        per_document(_frame(40), _lengths, name="t", key=recent, cache_dir=tmp_path, workers=1, progress=False)
        assert CALLS == [], recent
    CALLS.clear()
    per_document(_frame(40), _lengths, name="t", key="v0", cache_dir=tmp_path, workers=1, progress=False)
    assert len(CALLS) == 40  # the oldest version was pruned


def test_warmup_fills_the_claims_notebook_cache(sample_processed, tmp_path):
    import shutil

    from transcripts import load_tables
    from transcripts.quantities import quantities_table
    from transcripts.warmup import warm

    processed = tmp_path / "processed"
    shutil.copytree(sample_processed, processed)
    warm(processed)
    folder = processed / ".cache" / "analyses"
    claims_entries = sorted((folder / "claims").rglob("*.pkl"))
    quantity_entries = sorted((folder / "quantities").rglob("*.pkl"))
    assert len(claims_entries) == 1 and len(quantity_entries) == 1  # the sample is one document
    # what notebook 04 then computes: found in the cache (no new entry), equal to computing afresh
    tables = load_tables(processed)
    cached = extract_claims(tables, cache_dir=processed / ".cache", progress=False)
    assert sorted((folder / "claims").rglob("*.pkl")) == claims_entries
    pd.testing.assert_frame_equal(cached, extract_claims(tables, progress=False))
    pd.testing.assert_frame_equal(quantities_table(tables, cache_dir=processed / ".cache", progress=False),
                                  quantities_table(tables, progress=False))
    assert sorted((folder / "quantities").rglob("*.pkl")) == quantity_entries


def test_warmup_command(sample_processed, tmp_path):
    import shutil
    import subprocess
    import sys

    processed = tmp_path / "processed"
    shutil.copytree(sample_processed, processed)
    proc = subprocess.run([sys.executable, "-m", "transcripts.warmup", str(processed)], capture_output=True,
                          text=True, timeout=900)  # generous: a loaded machine is slow, not wrong
    assert proc.returncode == 0, proc.stderr
    assert list((processed / ".cache" / "analyses" / "claims").rglob("*.pkl"))
    bad = subprocess.run([sys.executable, "-m", "transcripts.warmup"], capture_output=True, text=True, timeout=600)
    assert bad.returncode == 2 and "usage" in bad.stderr


def test_runner_starts_and_stops_a_warmup(sample_processed, tmp_path, monkeypatch):
    import shutil

    from transcripts import warmup, workbook

    processed = tmp_path / "processed"
    shutil.copytree(sample_processed, processed)
    assert workbook._start_warmup(processed, {}) is None  # the sample is too small to be worth it
    monkeypatch.setattr(warmup, "MIN_SENTENCES", 0)
    proc = workbook._start_warmup(processed, {"rules_file": ""})
    assert proc is not None and proc.poll() is None
    workbook._stop_warmup(proc)  # stopped at once, as when the claims notebook starts
    assert proc.poll() is not None
    assert not list(processed.rglob("*.tmp")), "a stopped warm-up left a temporary file"
    proc = workbook._start_warmup(processed, {"rules_file": ""})
    assert proc.wait(timeout=900) == 0  # left to finish: the claims are in the cache
    assert list((processed / ".cache" / "analyses" / "claims").rglob("*.pkl"))


def test_numeric_checks_are_kept_until_an_input_changes(sample_tables, tmp_path):
    from transcripts.claims import numeric_checks
    from transcripts.quantities import quantities_table

    q = quantities_table(sample_tables, progress=False)
    plain = numeric_checks(sample_tables, q)
    assert (plain.check == "change").any()  # the sample's trade figures
    first = numeric_checks(sample_tables, q, cache_dir=tmp_path)
    entries = sorted((tmp_path / "analyses" / "numeric_checks").rglob("*.pkl"))
    again = numeric_checks(sample_tables, q, cache_dir=tmp_path)
    pd.testing.assert_frame_equal(plain, first)
    pd.testing.assert_frame_equal(plain, again)
    assert len(entries) == 1 and sorted((tmp_path / "analyses" / "numeric_checks").rglob("*.pkl")) == entries
    # a stricter tolerance is another result, not the kept one
    strict = numeric_checks(sample_tables, q, tolerance=0.1, cache_dir=tmp_path)
    pd.testing.assert_frame_equal(strict, numeric_checks(sample_tables, q, tolerance=0.1))
    assert len(list((tmp_path / "analyses" / "numeric_checks").rglob("*.pkl"))) == 2


def test_the_key_covers_every_module_of_the_package():
    from pathlib import Path

    import transcripts

    package = Path(transcripts.__file__).parent
    assert percache.code_fingerprint() == fingerprint(*sorted(package.rglob("*.py")))
    assert len(list(package.rglob("*.py"))) > 20  # clean.py, quantities.py, prefilter.py … all of them


def test_renamed_input_columns_are_a_miss(tmp_path):
    frame = _frame(3).assign(x=1)
    per_document(frame, _lengths, name="t", key="k", cache_dir=tmp_path, workers=1, progress=False)
    CALLS.clear()
    renamed = frame.rename(columns={"x": "y"})  # the same values under another name
    per_document(renamed, _lengths, name="t", key="k", cache_dir=tmp_path, workers=1, progress=False)
    assert len(CALLS) == 3
