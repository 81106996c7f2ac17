"""Where a notebook's time and memory go: its code cells run one after another in one IPython shell (no
kernel, no papermill), each with its wall time, the process's resident memory after it and the peak so far.

Run: `.venv/bin/python benchmarks/notebook_cells.py notebooks/02_speaker_statistics.ipynb PROCESSED_DIR
[--out DIR] [--profile FILE] [-p NAME VALUE ...]`

- PROCESSED_DIR: a built corpus (`python -m transcripts build CORPUS --out DIR`, or a run's `processed/`);
  run the notebook twice to see it warm (the build's `.cache` then holds every analysis it keeps).
- `--profile FILE`: a cProfile of all the cells (`python -m pstats FILE`, or `pstats.Stats(FILE)`).
- `-p NAME VALUE`: another parameter (value read as YAML), as `python -m transcripts run -p` takes it.
  Notebook 01 builds `corpus_dir` into `processed_dir`: give it `-p corpus_dir CORPUS` (it refuses to run
  without, so that the sample is never built over a corpus's tables).

Figures from it are in benchmarks/README.md ("Scale", second session). Displays are computed (figures and
tables turned into HTML) but not shown.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import sys
import time
from pathlib import Path


def _rss_mb() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) // 1024
    return 0


def _peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook")
    parser.add_argument("processed_dir")
    parser.add_argument("--out", default=None, help="out_dir of the notebook (default: a temporary folder)")
    parser.add_argument("--profile", default=None, help="write a cProfile of the cells to this file")
    parser.add_argument("-p", "--param", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    args = parser.parse_args()

    import tempfile

    import yaml
    from IPython.core.interactiveshell import InteractiveShell

    os.environ.setdefault("TRANSCRIPTS_PROGRESS", "0")
    notebook = json.loads(Path(args.notebook).read_text(encoding="utf-8"))
    cells = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    params = {"processed_dir": str(Path(args.processed_dir).resolve())}
    params.update({name: yaml.safe_load(value) for name, value in args.param})
    declared = "".join("".join(c["source"]) for c in cells if "parameters" in c["metadata"].get("tags", []))
    if "corpus_dir" in declared and "corpus_dir" not in params:
        raise SystemExit("this notebook builds corpus_dir into processed_dir: give -p corpus_dir CORPUS")
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="notebook_cells_"))
    params["out_dir"] = str(out.resolve())

    shell = InteractiveShell.instance()
    profile = None
    if args.profile:
        import cProfile
        profile = cProfile.Profile()
    print(f"{'cell':>4} {'s':>7} {'RSS MB':>7} {'+MB':>6} {'peak MB':>8} | first line")
    start = time.perf_counter()
    for i, cell in enumerate(cells):
        source = "".join(cell["source"])
        t0, r0 = time.perf_counter(), _rss_mb()
        if profile:
            profile.enable()
        with contextlib.redirect_stdout(io.StringIO()):
            result = shell.run_cell(source)
            if result.success and "parameters" in cell["metadata"].get("tags", []):
                shell.user_ns.update(params)
        if profile:
            profile.disable()
        if not result.success:
            print(f"cell {i} failed: {result.error_in_exec or result.error_before_exec}")
            return 1
        first = source.strip().splitlines()[0] if source.strip() else ""
        print(f"{i:>4} {time.perf_counter() - t0:7.2f} {_rss_mb():7d} {_rss_mb() - r0:+6d} {_peak_mb():8d} "
              f"| {first[:80]}", flush=True)
    print(f"total {time.perf_counter() - start:.1f} s, peak {_peak_mb()} MB; outputs in {out}")
    if profile:
        profile.dump_stats(args.profile)
        print(f"profile: {args.profile}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
