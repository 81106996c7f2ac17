"""The claim step (classification + check-worthiness of every sentence) timed in one process, and its output
compared frame for frame with a saved run.

    .venv/bin/python benchmarks/claims_speed.py PROCESSED_DIR [--save DIR] [--compare DIR] [--docs N] [--profile OUT]

PROCESSED_DIR holds the tables of a built corpus (`python -m transcripts build CORPUS --out PROCESSED_DIR`).
The step is `extract_claims(tables, workers=1)` with a fresh cache folder, as notebook 04 runs it, then
`score_sentences(tables, claims=...)` (served from that cache, as in the notebook). Prints the machine's
load average before and after (the machine is shared: a second figure measured back to back is the fair
comparison), the seconds, and the number of claims and scores.

`--save DIR` writes the claims and the scores as pickles (exact: dtypes, categories, floats); `--compare DIR`
checks this run's frames against a saved run with `pandas.testing.assert_frame_equal` (exact, no tolerance)
and says where they first differ. `--docs N` takes every k-th document so that N are left (a subset);
`--profile OUT` writes a cProfile of the step, timed in CPU seconds (the machine is shared; the profiler itself
slows calls of small Python functions down several times, so read it for proportions, not seconds).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd


def _subset(tables: dict[str, pd.DataFrame], n_docs: int) -> dict[str, pd.DataFrame]:
    docs = tables["documents"].doc_id.tolist()
    keep = set(docs[::max(1, len(docs) // n_docs)][:n_docs])
    return {k: (v[v.doc_id.isin(keep)].reset_index(drop=True) if "doc_id" in v else v) for k, v in tables.items()}


def _compare(name: str, got: pd.DataFrame, want: pd.DataFrame) -> bool:
    try:
        pd.testing.assert_frame_equal(got, want, check_exact=True)
    except AssertionError as exc:
        print(f"{name}: DIFFERENT\n{str(exc)[:2000]}")
        return False
    print(f"{name}: identical ({len(got):,} rows x {got.shape[1]} columns)")
    return True


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("processed")
    ap.add_argument("--save", default=None)
    ap.add_argument("--compare", default=None)
    ap.add_argument("--docs", type=int, default=0)
    ap.add_argument("--profile", default=None)
    args = ap.parse_args(argv)

    from transcripts import load_tables
    from transcripts.claims import extract_claims, load_rules, score_sentences
    from transcripts.checkworthiness import load_model

    tables = load_tables(args.processed)
    if args.docs:
        tables = _subset(tables, args.docs)
    rules = load_rules()
    load_model()  # reading the model file and compiling the rules are not the step
    n = len(tables["sentences"])
    load0 = os.getloadavg()
    with tempfile.TemporaryDirectory() as cache:
        t0, c0 = time.perf_counter(), time.process_time()
        if args.profile:
            import cProfile
            prof = cProfile.Profile(time.process_time)  # CPU time: the machine is shared
            prof.enable()
        claims = extract_claims(tables, rules, cache_dir=cache, workers=1, progress=False)
        t1 = time.perf_counter()
        scores = score_sentences(tables, claims=claims, rules=rules, cache_dir=cache, workers=1)
        t2, c2 = time.perf_counter(), time.process_time()
        if args.profile:
            prof.disable()
            prof.dump_stats(args.profile)
    load1 = os.getloadavg()
    print(f"{n:,} sentences, {tables['documents'].doc_id.nunique():,} documents")
    print(f"load average before {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}, after {load1[0]:.2f} {load1[1]:.2f} "
          f"{load1[2]:.2f} (on {os.cpu_count()} cores)")
    print(f"claim step: {t2 - t0:.1f} s wall, {c2 - c0:.1f} s CPU (extract_claims {t1 - t0:.1f} s, "
          f"score_sentences from the cache {t2 - t1:.1f} s); {len(claims):,} claims, {len(scores):,} scores")
    ok = True
    if args.save:
        out = Path(args.save)
        out.mkdir(parents=True, exist_ok=True)
        claims.to_pickle(out / "claims.pkl")
        scores.to_pickle(out / "scores.pkl")
        print(f"saved to {out}")
    if args.compare:
        ref = Path(args.compare)
        ok &= _compare("claims", claims, pd.read_pickle(ref / "claims.pkl"))
        ok &= _compare("scores", scores, pd.read_pickle(ref / "scores.pkl"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
