"""Corpus build benchmark: the sample, the Kremlin pages and the White House corpus, beside the floor.

Run: `make bench` (or `.venv/bin/python benchmarks/run.py [--only sample,kremlin,whitehouse] [--workers N]`).
For each corpus it prints one row: files, MB, turns, sentences; the floor measured in the same run
(reading + decoding the files; NLTK Punkt alone splitting the same text the build splits, in one
process); the full build from cold (fresh cache, in a fresh process, all cores) in seconds and MB/s;
the rebuild of the unchanged corpus (the build function with its cache, and the whole command
`python -m transcripts build` including Python's start-up); and the peak memory of the build's main
process and of its busiest worker. Results and the machine are recorded in benchmarks/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def corpora() -> dict[str, Path]:
    from transcripts.paths import RAW_DIR, SHARED_DIR
    shared = SHARED_DIR / "corpora"
    return {"sample": RAW_DIR, "kremlin": shared / "kremlin_pages",
            "whitehouse": shared / "whitehouse_briefings" / "press-briefings"}


def floor(corpus: Path) -> dict:
    """Read + decode every file; then Punkt alone on the text the build splits (one process)."""
    from transcripts.build import corpus_files
    from transcripts.readers import decode_text, read_documents
    from transcripts.segment import sentence_tokenizer

    files = corpus_files(corpus)
    t0 = time.perf_counter()
    n_bytes = 0
    for path in files:
        data = path.read_bytes()
        n_bytes += len(data)
        decode_text(data, path)
    read_s = time.perf_counter() - t0
    # The text Punkt would split: each document's text (for HTML, the rendered page text).
    texts = [doc.text for path in files for doc in read_documents(path)]
    tok = sentence_tokenizer()
    t0 = time.perf_counter()
    n_sent = sum(len(list(tok.span_tokenize(text))) for text in texts)
    punkt_s = time.perf_counter() - t0
    return dict(files=len(files), mb=n_bytes / 2**20, read_s=read_s, punkt_s=punkt_s, punkt_sentences=n_sent)


def child_build(corpus: str, cache: str, workers: int | None) -> None:
    """Run in a fresh process: one build, then print its figures as JSON."""
    t0 = time.perf_counter()
    from transcripts.build import build_corpus
    import_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = build_corpus(corpus, progress=False, cache_dir=cache, workers=workers)
    build_s = time.perf_counter() - t0
    peak_main = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the cold build's peak
    t0 = time.perf_counter()
    build_corpus(corpus, progress=False, cache_dir=cache, workers=workers)
    warm_s = time.perf_counter() - t0
    print(json.dumps(dict(
        import_s=import_s, build_s=build_s, warm_s=warm_s, docs=len(result.tables["documents"]),
        turns=len(result.tables["turns"]), sentences=len(result.tables["sentences"]), errors=len(result.errors),
        peak_main_mb=peak_main,
        peak_worker_mb=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)))


def build(corpus: Path, workers: int | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench_") as tmp:
        cmd = [PY, __file__, "--child", str(corpus), str(Path(tmp) / "cache")]
        if workers:
            cmd += ["--workers", str(workers)]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT).stdout
        figures = json.loads(out.strip().splitlines()[-1])
        # The whole command, twice: the second run finds the cache and the tables up to date.
        cli = [PY, "-m", "transcripts", "build", str(corpus), "--out", str(Path(tmp) / "out"), "--quiet"]
        subprocess.run(cli, capture_output=True, cwd=ROOT)
        t0 = time.perf_counter()
        subprocess.run(cli, capture_output=True, cwd=ROOT)
        figures["cli_warm_s"] = time.perf_counter() - t0
    return figures


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(next(ln for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")).split()[1])
        mem = f", {kb / 2**20:.1f} GB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{cpu}, {os.cpu_count()} cores{mem}; Python {platform.python_version()}, {platform.system()} "
            f"{platform.release()}; load average {load:.1f} at the start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="sample,kremlin,whitehouse", help="corpora to run, comma-separated")
    parser.add_argument("--workers", type=int, default=None, help="processes for the build (default: all cores)")
    parser.add_argument("--child", nargs=2, metavar=("CORPUS", "CACHE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_build(*args.child, args.workers)
        return 0
    print(f"Machine: {machine()}\n")
    head = (f"{'corpus':<11}{'files':>6}{'MB':>7}{'turns':>8}{'sentences':>10} | {'read+dec s':>10}{'Punkt s':>8} | "
            f"{'build s':>8}{'MB/s':>6}{'vs Punkt':>9} | {'rebuild s':>9}{'CLI s':>7} | {'peak MB':>8}{'worker MB':>10}")
    print(head)
    print("-" * len(head))
    available = corpora()
    for name in args.only.split(","):
        corpus = available[name.strip()]
        if not corpus.exists():
            print(f"{name:<11} skipped: {corpus} not found (../shared is absent)")
            continue
        f = floor(corpus)
        b = build(corpus, args.workers)
        ratio = b["build_s"] / f["punkt_s"] if f["punkt_s"] else float("nan")
        print(f"{name:<11}{f['files']:>6}{f['mb']:>7.1f}{b['turns']:>8}{b['sentences']:>10} | "
              f"{f['read_s']:>10.2f}{f['punkt_s']:>8.2f} | {b['build_s']:>8.2f}{f['mb'] / b['build_s']:>6.2f}"
              f"{ratio:>8.2f}x | {b['warm_s']:>9.2f}{b['cli_warm_s']:>7.2f} | {b['peak_main_mb']:>8.0f}"
              f"{b['peak_worker_mb']:>10.0f}", flush=True)
    print("\nread+dec: read and decode every file; Punkt: NLTK Punkt alone on the same text, one process;"
          "\nbuild: full build from a cold cache in a fresh process; vs Punkt: build time / Punkt time;"
          "\nrebuild: the same build again (cache hit); CLI: `python -m transcripts build` again, start-up included;"
          "\npeak MB: peak resident memory of the build's main process; worker MB: of its largest worker.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
