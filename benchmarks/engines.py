"""The per-document engines side by side: the process pool against a Dask LocalCluster, on built tables.

Run: `.venv/bin/python benchmarks/engines.py PROCESSED_DIR [--analyses tone,quantities,claims] [--rounds 2]`
(e.g. the `processed/` folder of `make run CORPUS=../shared/corpora/whitehouse_briefings`).

No cache: every document is computed each time. The engines take turns (pool, cluster, pool, cluster, ...)
so that a machine whose speed drifts treats both alike. The cluster's start-up (two single-threaded worker
processes on a two-core machine: one per core, as `--scheduler local` starts it) is timed apart, and its
first analysis includes its workers' first imports; the tables are checked equal every time.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("processed")
    parser.add_argument("--analyses", default="tone,quantities")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    import pandas as pd
    from distributed import Client, LocalCluster

    from transcripts import engine
    from transcripts.build import load_tables
    from transcripts.claims import extract_claims
    from transcripts.quantities import quantities_table
    from transcripts.speakers import sentence_tone

    tables = load_tables(args.processed)
    run = {"tone": lambda: sentence_tone(tables["sentences"], progress=False),
           "quantities": lambda: quantities_table(tables, progress=False),
           "claims": lambda: extract_claims(tables, progress=False)}
    names = [a.strip() for a in args.analyses.split(",") if a.strip()]
    print(f"{len(tables['documents'])} documents, {len(tables['sentences'])} sentences; "
          f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the start", flush=True)
    t0 = time.perf_counter()
    cluster = LocalCluster(n_workers=os.cpu_count() or 1, threads_per_worker=1, processes=True,
                           dashboard_address=":0", silence_logs=logging.ERROR)
    client = Client(cluster, set_as_default=False)
    print(f"LocalCluster started in {time.perf_counter() - t0:.1f} s", flush=True)
    reference: dict[str, pd.DataFrame] = {}
    for r in range(args.rounds):
        for eng in ("pool", cluster.scheduler_address):
            os.environ[engine.ENV_VAR] = eng
            for name in names:
                t0 = time.perf_counter()
                out = run[name]()
                wall = time.perf_counter() - t0
                if name in reference:
                    pd.testing.assert_frame_equal(reference[name], out)
                else:
                    reference[name] = out
                label = "pool" if eng == "pool" else "LocalCluster"
                print(f"round {r + 1}  {label:<12} {name:<11} {wall:7.1f} s  (load {os.getloadavg()[0]:.1f})",
                      flush=True)
    client.close()
    cluster.close()
    print("every table equal between the engines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
