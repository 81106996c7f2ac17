"""The whole workbook at scale: the White House corpus and a corpus five times its size, beside the floor.

Run: `make bench-scale [BENCH_ARGS="--only 01"]` (or `.venv/bin/python benchmarks/scale.py [--corpora whitehouse,x5] [--only 01 02]
[--jobs N] [--scheduler ADDRESS] [--no-warm] [--x5-floor measured|scaled] [--build-only]`).

For each corpus it measures, in this one run:

- the floor: reading + decoding every file, then NLTK Punkt alone splitting the same text, in one process
  (`benchmarks/run.py`'s `floor`); for the five-times corpus the floor is measured on its own files
  (`--x5-floor scaled`: five times the White House floor, to save the time);
- `python -m transcripts run --corpus C --out TMP` from a fresh output folder (cold: no tables, no cache),
  then the same command again (warm: everything from the cache): wall time, CPU time (user + system of
  every process of the run, kernels and workers included), and the peak resident memory of the whole
  process tree (the sum of every process's RSS, sampled twice a second: an upper bound, since forked
  workers share pages), of the runner process alone, and of each notebook's kernel.

`--build-only` measures the build alone (`python -m transcripts build`, the runner's first step), cold and
then warm (its tables removed, its cache kept): wall, CPU and the peak of the building process.

The five-times corpus is made on the fly in a temporary folder, never in the project: every White House
briefing once as it is, and four more times with its dates (front matter, title, file name, month
folder) moved 4, 8, 12 and 16 years back; each of those copies keeps the first half of its briefing
(by paragraphs) and takes the second half from another briefing, so that no copy is a near-duplicate
of another (the build leaves near-duplicates out; plain copies would be one corpus read five times).
Figures and the machine's load at the time are recorded in benchmarks/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import floor, machine  # noqa: E402  (benchmarks/run.py: the floor is measured the same way)

#: Years each further copy of the White House corpus is moved back (the corpus spans four years).
SHIFT_YEARS = 4
_FRONT = re.compile(r"\A---\n(.*?\n)---\n", re.S)
_YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")


# ---------------------------------------------------------------- the five-times corpus

def make_corpus(source: Path, dest: Path, times: int = 5) -> Path:
    """`times` × the Markdown briefings under `source`, written under `dest` (see the module's docstring)."""
    files = sorted(source.rglob("*.md"))
    if not files:
        raise SystemExit(f"no Markdown files under {source}")
    texts = [f.read_text(encoding="utf-8") for f in files]
    n = len(files)
    for k in range(times):
        for i, (path, text) in enumerate(zip(files, texts)):
            if k == 0:
                out, body = path.relative_to(source), text
            else:
                other = texts[(i + k * (n // times) + 1) % n]
                body = _splice(text, other, k)
                out = _shifted_path(path.relative_to(source), k * SHIFT_YEARS, k)
            target = dest / out
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body, encoding="utf-8")
    return dest


def _splice(text: str, other: str, k: int) -> str:
    """`text`'s front matter with its years moved back, the first half of its body, the second half of
    `other`'s body (halves cut at a blank line)."""
    m = _FRONT.match(text)
    front, body = (m.group(1), text[m.end():]) if m else ("", text)
    om = _FRONT.match(other)
    other_body = other[om.end():] if om else other
    shift = k * SHIFT_YEARS
    front = "\n".join(_shift_front_line(line, shift, k) for line in front.splitlines())
    return f"---\n{front}\n---\n" + _half(body, first=True) + _half(other_body, first=False)


def _shift_front_line(line: str, shift: int, k: int) -> str:
    key = line.split(":", 1)[0]
    if key in ("date", "published_time", "modified_time", "title"):
        return _YEAR.sub(lambda m: str(int(m.group(0)) - shift), line)
    if key == "source_url":
        return f"{line}?copy={k}"
    return line


def _half(body: str, *, first: bool) -> str:
    """The first or second half of `body`, cut at the blank line nearest its middle."""
    blanks = [m.end() for m in re.finditer(r"\n[ \t\u00a0]*\n", body)]
    if not blanks:
        return body if first else ""
    cut = min(blanks, key=lambda b: abs(b - len(body) // 2))
    return body[:cut] if first else body[cut:]


def _shifted_path(rel: Path, shift: int, k: int) -> Path:
    parts = [_YEAR.sub(lambda m: str(int(m.group(0)) - shift), p) for p in rel.parts]
    stem = Path(parts[-1]).stem
    parts[-1] = f"{stem}-copy{k}.md"
    return Path(*parts)


# ---------------------------------------------------------------- measuring a run

class TreeMonitor(threading.Thread):
    """Samples the resident memory of a process and all its descendants until it ends."""

    def __init__(self, pid: int, interval: float = 0.5):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_total = 0
        self.peaks: dict[int, int] = {}
        self.labels: dict[int, str] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self.stop.is_set():
            try:
                procs = [root] + root.children(recursive=True)
            except psutil.NoSuchProcess:
                break
            total = 0
            for p in procs:
                try:
                    rss = p.memory_info().rss
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                total += rss
                if rss > self.peaks.get(p.pid, 0):
                    self.peaks[p.pid] = rss
                if p.pid not in self.labels:
                    self.labels[p.pid] = _label(p, p.pid == self.pid)
            self.peak_total = max(self.peak_total, total)
            self.stop.wait(self.interval)


def _label(p, is_root: bool) -> str:
    """What a process of the run is: the runner, a notebook's kernel, a worker, the warm-up."""
    import psutil

    if is_root:
        return "runner"
    try:
        cmd = " ".join(p.cmdline())
        if "ipykernel" in cmd:
            try:
                return f"kernel {p.environ().get('TRANSCRIPTS_NOTEBOOK', '?')}"
            except (psutil.AccessDenied, psutil.NoSuchProcess):
                return "kernel ?"
        if "transcripts.warmup" in cmd:
            return "warm-up"
        if "distributed" in cmd or "dask" in cmd:
            return "dask"
        return "worker"
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return "?"


def _monitored(cmd: list[str], interval: float = 0.5) -> tuple[int, float, float, float, TreeMonitor, str]:
    """Run `cmd` in the project folder while a TreeMonitor samples its process tree: (return code, wall
    seconds, CPU seconds of the children, load average at the start, the monitor, the combined output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    monitor = TreeMonitor(proc.pid, interval=interval)
    monitor.start()
    log, _ = proc.communicate()
    wall = time.perf_counter() - t0
    monitor.stop.set()
    monitor.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return proc.returncode, wall, cpu, load, monitor, log


def _peaks_by_kind(monitor: TreeMonitor) -> dict[str, int]:
    """The largest resident memory seen per kind of process (runner, kernel, worker, dask), in bytes."""
    by_kind: dict[str, int] = {}
    for pid, label in monitor.labels.items():
        kind = label.split(" ", 1)[0]
        by_kind[kind] = max(by_kind.get(kind, 0), monitor.peaks.get(pid, 0))
    return by_kind


def measure_run(corpus: Path, out: Path, args) -> dict:
    """`python -m transcripts run` on `corpus` into `out`: wall, CPU, peaks, the run's record."""
    cmd = [PY, "-m", "transcripts", "run", "--corpus", str(corpus), "--out", str(out)]
    if args.only:
        cmd += ["--only", *args.only]
    if args.jobs:
        cmd += ["--jobs", str(args.jobs)]
    if args.scheduler:
        cmd += ["--scheduler", args.scheduler]
    rc, wall, cpu, load, monitor, log = _monitored(cmd)
    kernels: dict[str, int] = {}
    for pid, label in monitor.labels.items():
        if label.startswith("kernel"):
            name = label.split(" ", 1)[1]
            kernels[name] = max(kernels.get(name, 0), monitor.peaks.get(pid, 0))
    record = {}
    try:
        record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    notebooks = {n.get("name", "?"): n.get("seconds") for n in record.get("notebooks", []) if isinstance(n, dict)}
    by_kind = _peaks_by_kind(monitor)
    return dict(rc=rc, wall_s=wall, cpu_s=cpu, load=load, peak_tree_mb=monitor.peak_total / 2**20,
                peak_runner_mb=by_kind.get("runner", 0) / 2**20, kernels_mb={k: v / 2**20 for k, v in kernels.items()},
                peak_worker_mb=by_kind.get("worker", 0) / 2**20, peak_dask_mb=by_kind.get("dask", 0) / 2**20,
                notebooks_s=notebooks, log_tail=log.strip().splitlines()[-12:])


def measure_build(corpus: Path, out: Path) -> dict:
    """`python -m transcripts build` alone on `corpus` into `out` (the runner's first step): wall, CPU, the
    peak of the building process and of its forked readers. Cold when `out` is new; run it again on the same
    `out` with its tables removed (the cache kept) for the warm build, which writes the tables from the cache."""
    cmd = [PY, "-m", "transcripts", "build", str(corpus), "--out", str(out), "--quiet"]
    rc, wall, cpu, load, monitor, log = _monitored(cmd, interval=0.2)
    by_kind = _peaks_by_kind(monitor)
    return dict(rc=rc, wall_s=wall, load=load, cpu_s=cpu,
                peak_builder_mb=by_kind.get("runner", 0) / 2**20, peak_worker_mb=by_kind.get("worker", 0) / 2**20,
                log_tail=log.strip().splitlines()[-5:])


def build_only(corpora: list[tuple[str, Path]], tmp: Path) -> None:
    """`--build-only`: each corpus built cold, then warm (its tables removed, its cache kept), one at a time."""
    head = f"{'corpus':<11}{'run':<6}{'wall s':>8}{'CPU s':>8}{'build MB':>10}{'reader MB':>10}  load"
    print(head)
    print("-" * len(head), flush=True)
    for name, corpus in corpora:
        out = tmp / f"build_{name}"
        for label in ("cold", "warm"):
            if label == "warm":
                for table in out.glob("*.parquet"):
                    table.unlink()
                (out / ".build_key").unlink(missing_ok=True)
            r = measure_build(corpus, out)
            print(f"{name if label == 'cold' else '':<11}{label:<6}{r['wall_s']:>8.1f}{r['cpu_s']:>8.1f}"
                  f"{r['peak_builder_mb']:>10.0f}{r['peak_worker_mb']:>10.0f}  {r['load']:.1f}"
                  + (f"  (exit {r['rc']}: {' / '.join(r['log_tail'])})" if r["rc"] not in (0, 1) else ""), flush=True)
    print("\nwall, CPU: the build command, every process; build MB: the peak RSS of the building process (the "
          "runner's own peak); reader MB: the largest forked reader; load: 1-minute load average at the start.")


# ---------------------------------------------------------------- the table

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", default="whitehouse,x5", help="whitehouse, x5 (comma-separated)")
    parser.add_argument("--only", nargs="*", default=None, help="notebooks to run (default: all), e.g. --only 01 02")
    parser.add_argument("--jobs", type=int, default=None, help="notebooks side by side (default: the runner's)")
    parser.add_argument("--scheduler", default=None, help="pool (default), local, or a Dask scheduler's address")
    parser.add_argument("--no-warm", action="store_true", help="skip the warm run (the same command again)")
    parser.add_argument("--x5-floor", choices=("measured", "scaled"), default="measured",
                        help="the five-times corpus's floor: measured on its files, or five times the White House's")
    parser.add_argument("--wh-floor", default=None, metavar="READ_S,PUNKT_S",
                        help="the White House floor as measured by another run at the same time (for --x5-floor scaled "
                             "without measuring it again)")
    parser.add_argument("--keep", default=None, help="keep the generated corpus and outputs in this folder")
    parser.add_argument("--build-only", action="store_true",
                        help="only the build (`python -m transcripts build`), cold then warm: its time and peak memory")
    args = parser.parse_args()

    from transcripts.paths import SHARED_DIR
    wh = SHARED_DIR / "corpora" / "whitehouse_briefings"
    if not wh.is_dir():
        print(f"skipped: {wh} not found (../shared is absent)")
        return 0
    print(f"Machine: {machine()}")
    print(f"Options: notebooks {' '.join(args.only) if args.only else 'all'}, jobs {args.jobs or 'default'}, "
          f"engine {args.scheduler or 'pool'}\n", flush=True)
    tmp_ctx = tempfile.TemporaryDirectory(prefix="bench_scale_") if not args.keep else None
    tmp = Path(args.keep) if args.keep else Path(tmp_ctx.name)
    tmp.mkdir(parents=True, exist_ok=True)
    rows = []
    wh_floor = None
    if args.wh_floor:
        read_s, punkt_s = (float(x) for x in args.wh_floor.split(","))
        wh_floor = {"read_s": read_s, "punkt_s": punkt_s, "files": 1154, "mb": 44.9}
    try:
        for name in [c.strip() for c in args.corpora.split(",") if c.strip()]:
            if name == "whitehouse":
                corpus = wh
            elif name == "x5":
                corpus = tmp / "x5_corpus"
                if not corpus.exists():
                    t0 = time.perf_counter()
                    make_corpus(wh / "press-briefings", corpus / "press-briefings")
                    print(f"x5: corpus generated in {time.perf_counter() - t0:.1f} s", flush=True)
            else:
                raise SystemExit(f"unknown corpus {name!r}: whitehouse or x5")
            if args.build_only:
                build_only([(name, corpus)], tmp)
                continue
            if name == "x5" and args.x5_floor == "scaled" and wh_floor is not None:
                f = {k: v * 5 for k, v in wh_floor.items()}
                f["scaled"] = True
            else:
                f = floor(corpus)
            if name == "whitehouse":
                wh_floor = {k: f[k] for k in ("files", "mb", "read_s", "punkt_s")}
            print(f"{name}: floor {f['read_s'] + f['punkt_s']:.1f} s (read+decode {f['read_s']:.1f} s, "
                  f"Punkt {f['punkt_s']:.1f} s){' (5 × the White House floor)' if f.get('scaled') else ''}", flush=True)
            out = tmp / f"out_{name}"
            cold = measure_run(corpus, out, args)
            print(f"{name}: cold {cold['wall_s']:.0f} s (rc {cold['rc']})", flush=True)
            _print_table([(name, f, cold, None)])  # at once: a long run stopped later keeps its cold figures
            print(flush=True)
            warm = None if args.no_warm else measure_run(corpus, out, args)
            if warm:
                print(f"{name}: warm {warm['wall_s']:.0f} s (rc {warm['rc']})", flush=True)
            rows.append((name, f, cold, warm))
            if cold["rc"] or (warm and warm["rc"]):
                print("\n".join(cold["log_tail"] + (warm["log_tail"] if warm else [])))
    finally:
        if tmp_ctx is not None:
            tmp_ctx.cleanup()
    if rows:
        print()
        _print_table(rows)
    return 0


def _print_table(rows) -> None:
    head = (f"{'corpus':<11}{'files':>6}{'MB':>6} | {'floor s':>8} | {'run':<5}{'wall s':>7}{'CPU s':>7}{'×floor':>7}"
            f"{'tree MB':>8}{'runner':>7}{'kernel':>7}{'worker':>7} | notebooks (s; kernel peak MB)")
    print(head)
    print("-" * len(head))
    for name, f, cold, warm in rows:
        fl = f["read_s"] + f["punkt_s"]
        for label, r in (("cold", cold), ("warm", warm)):
            if r is None:
                continue
            kmax = max(r["kernels_mb"].values(), default=0)
            nbs = ", ".join(f"{n[:2]} {s:.0f}" + (f" ({r['kernels_mb'][n]:.0f})" if n in r["kernels_mb"] else "")
                            for n, s in r["notebooks_s"].items() if s is not None)
            print(f"{name if label == 'cold' else '':<11}{f['files'] if label == 'cold' else '':>6}"
                  f"{(format(f['mb'], '.1f') if label == 'cold' else ''):>6} | "
                  f"{(format(fl, '.1f') + ('*' if f.get('scaled') else '')) if label == 'cold' else '':>8} | "
                  f"{label:<5}{r['wall_s']:>7.0f}{r['cpu_s']:>7.0f}{r['wall_s'] / fl:>6.2f}x"
                  f"{r['peak_tree_mb']:>8.0f}{r['peak_runner_mb']:>7.0f}{kmax:>7.0f}"
                  f"{max(r['peak_worker_mb'], r['peak_dask_mb']):>7.0f} | {nbs}  [load {r['load']:.1f}]")
    print("\nfloor: read + decode + NLTK Punkt alone, one process (* five times the White House's); "
          "wall, CPU: the whole `python -m transcripts run`, every process;"
          "\n×floor: wall / floor; tree MB: peak of the summed RSS of every process of the run; runner, kernel, "
          "worker: the largest single process of each kind; [load]: 1-minute load average at the start.")


if __name__ == "__main__":
    sys.exit(main())
