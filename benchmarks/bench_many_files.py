"""Many small files: the build's fixed cost per file (issue 17: "50,000 small files > 15 min cold").

Run: `.venv/bin/python benchmarks/bench_many_files.py [--files 50000] [--tree DIR]`.
It writes `--files` small generated transcripts (2–6 labelled turns of 5–25 words each, 1,000 to a
folder, a fixed random seed) into a temporary folder, then runs `python -m transcripts build` on them
from a fresh process into a fresh `--out` (cold: no cache), and again (warm: every file found unchanged
in the cache), and prints one row: files, MB, cold seconds and milliseconds per file, warm seconds,
peak memory of the build's main process. `--tree` runs another checkout's code on the same files (its
`lib/` first on the path), e.g. the code from before a change, to compare. Figures: benchmarks/README.md.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = ("we agree the treaty talks are useful and constructive but the sanctions must end now before any "
         "progress on security trade energy and the region can be made").split()
SPEAKERS = ("Sergey Lavrov", "Question", "Maria Zakharova", "Michael Pompeo")


def generate(folder: Path, n: int) -> int:
    """`n` small transcripts under `folder`; returns their total size in bytes."""
    rnd = random.Random(17)
    size = 0
    for i in range(n):
        sub = folder / f"part{i // 1000:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        turns = []
        for _ in range(rnd.randint(2, 6)):
            words = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(5, 25)))
            turns.append(f"{rnd.choice(SPEAKERS)}: {words.capitalize()}. Number {i}.")
        data = ("\n\n".join(turns) + "\n").encode("utf-8")
        (sub / f"briefing_{i:06d}.txt").write_bytes(data)
        size += len(data)
    return size


def timed_build(corpus: Path, out: Path, tree: Path) -> tuple[float, int, int]:
    """Seconds, exit status and peak memory (MB) of one `python -m transcripts build` in a fresh process."""
    env = dict(os.environ, PYTHONPATH=str(tree / "lib"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "transcripts", "build", str(corpus), "--out", str(out), "--quiet"],
                          cwd=tree, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) // 1024
    if proc.returncode != 0:
        print(proc.stderr[-2000:], file=sys.stderr)
    return seconds, proc.returncode, peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=50_000, help="how many files (default 50,000)")
    parser.add_argument("--tree", default=str(ROOT), help="the checkout whose code builds (default: this one)")
    args = parser.parse_args()
    tree = Path(args.tree).resolve()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    with tempfile.TemporaryDirectory(prefix="many_files_") as tmp:
        corpus, out = Path(tmp) / "corpus", Path(tmp) / "out"
        size = generate(corpus, args.files)
        cold, rc, peak = timed_build(corpus, out, tree)
        warm, rc2, _ = timed_build(corpus, out, tree)
    print(f"code: {tree}; {os.cpu_count()} cores, load average {load:.1f} at the start")
    print(f"{'files':>7}{'MB':>7} | {'cold s':>8}{'ms/file':>8} | {'warm s':>7} | {'peak MB':>8} | exit")
    print(f"{args.files:>7}{size / 2**20:>7.1f} | {cold:>8.1f}{1000 * cold / args.files:>8.2f} | {warm:>7.1f} | "
          f"{peak:>8} | {rc} {rc2}")
    return 0 if rc == rc2 == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
