"""Claim extraction speed, and the quantity parser against quantulum3 (when it is installed).

Run: `.venv/bin/python benchmarks/bench_claims.py [PROCESSED_DIR]` (default: the sample, built in memory).
Prints: time to import/load each quantity parser, time per sentence, what each finds in the sample's
numeric sentences, and the time of `extract_claims` and `numeric_checks` on the corpus.
quantulum3 is not a dependency of the workbook; to compare, install it in a throwaway environment
(`python3 -m venv /tmp/q && /tmp/q/bin/pip install quantulum3`) and run this file with that
interpreter too (it then skips the parts that need the workbook).
"""
from __future__ import annotations

import sys
import time

SENTENCES = [
    "While Barack Obama reduced bilateral trade to $20 billion, Donald Trump helped attain $27 billion by late 2019.",
    "This is an almost 33 percent increase; it helps create jobs in both countries and spells greater profits for producers.",
    "Therefore, we have 155 diplomats fewer here than the US has in Russia.",
    "Regrettably, Russian citizens have to wait for 300 days for a visa interview in Moscow, 40 in Vladivostok, and over 30 in Yekaterinburg.",
    "UN Security Council Resolution 2254 encompasses all the frameworks that should determine the efforts.",
    "Vladimir Putin and Donald Trump agreed on a number of specific steps during their 2018 summit in Helsinki.",
]


def bench_own(sentences: list[str], repeat: int = 200) -> None:
    try:
        import transcripts  # noqa: F401  (the package and pandas first, so the timing below is the parser's own)
        t0 = time.perf_counter()
        from transcripts.quantities import _parse_cached, parse_quantities
    except ImportError:
        print("own parser: transcripts not importable with this interpreter (use .venv/bin/python)")
        return
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in range(repeat):
        _parse_cached.cache_clear()
        for s in sentences:
            parse_quantities(s)
    per = (time.perf_counter() - t0) / (repeat * len(sentences))
    print(f"own parser: import {load * 1000:.0f} ms, {per * 1000:.3f} ms a sentence")
    for s in sentences:
        print("   ", [(q.kind, q.text) for q in parse_quantities(s)])


def bench_quantulum(sentences: list[str], repeat: int = 5) -> None:
    try:
        t0 = time.perf_counter()
        from quantulum3 import parser
        parser.parse("warm-up 1 metre")
        load = time.perf_counter() - t0
    except ImportError:
        print("quantulum3: not installed (see the module docstring)")
        return
    t0 = time.perf_counter()
    for _ in range(repeat):
        for s in sentences:
            parser.parse(s)
    per = (time.perf_counter() - t0) / (repeat * len(sentences))
    print(f"quantulum3: import and first parse {load:.1f} s, {per * 1000:.1f} ms a sentence")
    for s in sentences:
        print("   ", [(q.unit.name, q.surface) for q in parser.parse(s)])


def bench_claims(processed: str | None) -> None:
    try:
        from transcripts import build_corpus, load_tables
        from transcripts.claims import extract_claims, numeric_checks
    except ImportError:
        return
    tables = load_tables(processed) if processed else build_corpus(progress=False).tables
    n = len(tables["sentences"])
    t0 = time.perf_counter()
    claims = extract_claims(tables, progress=False)
    t1 = time.perf_counter()
    numeric_checks(tables)
    t2 = time.perf_counter()
    print(f"extract_claims: {len(claims)} claims from {n} sentences in {t1 - t0:.1f} s "
          f"({(t1 - t0) / n * 1000:.2f} ms a sentence); numeric_checks {t2 - t1:.1f} s")


if __name__ == "__main__":
    bench_own(SENTENCES)
    bench_quantulum(SENTENCES)
    bench_claims(sys.argv[1] if len(sys.argv) > 1 else None)
