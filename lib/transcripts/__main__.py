"""Command line: `python -m transcripts build|run ...` (see `--help`)."""
from __future__ import annotations

import argparse
import sys

from .errors import TranscriptError
from .paths import PROCESSED_DIR, RAW_DIR


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m transcripts", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="read every transcript in a folder and write the processed tables")
    b.add_argument("corpus", nargs="?", default=str(RAW_DIR), help="folder of transcripts (default: data/raw)")
    b.add_argument("--out", default=str(PROCESSED_DIR), help="where to write the Parquet tables (default: data/processed)")
    b.add_argument("--format", dest="fmt", default=None, help="skip format detection and read every file as this format")
    b.add_argument("--max-mb", type=float, default=None,
                   help="refuse files larger than this many megabytes (default: 20; a number above 0)")
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    b.add_argument("--no-cache", action="store_true", help="read every file again (default: reuse <out>/.cache)")
    b.add_argument("--speakers", default=None, help="your speaker registry CSV (label,canonical,role,affiliation)")

    r = sub.add_parser("run", help="build the tables, execute every notebook and render the HTML report")
    r.add_argument("--corpus", default=None, help="folder of transcripts (default: data/raw, the sample)")
    r.add_argument("--params", default=None, help="YAML file of notebook parameters")
    r.add_argument("--only", nargs="*", default=None, help="notebook numbers to run, e.g. --only 01 02")
    r.add_argument("--out", default=None, help="output folder (default: outputs/, or outputs/<corpus name>/ for another corpus)")
    r.add_argument("--jobs", type=int, default=None,
                   help="notebooks run side by side after the first (default: one more than the cores; "
                        "1: one at a time, the least memory)")
    r.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run the per-document analyses on a Dask cluster: its scheduler's address (tcp://host:8786), "
                        "or 'local' for one on this machine (default: a process pool; see README, 'Scale')")
    r.add_argument("-p", "--param", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                   help="a notebook parameter for every notebook that declares it, e.g. -p top_n 20 (value read as YAML)")

    sp = sub.add_parser("speakers", help="speaker names: a draft registry of likely duplicates and guessed roles")
    sp.add_argument("--suggest", metavar="CORPUS", required=True, help="folder of transcripts to read")
    sp.add_argument("--out", default=None, help="where to write the draft CSV (default: outputs/speakers_suggested.csv)")
    sp.add_argument("--speakers", default=None, help="your speaker registry CSV, applied as in `build`")

    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            return _build(args)
        if args.command == "speakers":
            from .quality import suggest_command
            return suggest_command(args.suggest, out=args.out, speakers=args.speakers)
        from .workbook import run_workbook
        if args.scheduler:  # the notebooks' kernels inherit it (TRANSCRIPTS_SCHEDULER)
            from .engine import use
            use(args.scheduler, share=True)
        params = {name: _param_value(name, value) for name, value in args.param}
        return run_workbook(corpus=args.corpus, params_file=args.params, only=args.only, out=args.out, params=params,
                            jobs=args.jobs)
    except TranscriptError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C: the notebooks' processes and kernels stop with the run
        print("\ninterrupted: what finished is kept; run the same command again to go on "
              "(unchanged work comes from the cache)", file=sys.stderr)
        return 130
    except OSError as exc:  # the system refused a read or a write nothing above expected: still one line
        from .outdir import write_hint
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}. {write_hint(exc)}", file=sys.stderr)
        return 2


def _param_value(name: str, value: str):
    """A `-p NAME VALUE` value, read as YAML (`20` is a number, `[a, b]` a list, plain words text).

    >>> _param_value("top_n", "20"), _param_value("who", "Sergey Lavrov")
    (20, 'Sergey Lavrov')
    >>> _param_value("terms", "[unclosed")
    Traceback (most recent call last):
    ...
    transcripts.errors.TranscriptError: <input>: -p terms: '[unclosed' is not a valid value (YAML: expected ',' \
or ']', but got '<stream end>'). Quote text that starts with [ { or a quote: -p terms "'[unclosed'"
    """
    import yaml
    try:
        return yaml.safe_load(value)
    except (yaml.YAMLError, RecursionError) as exc:
        raise TranscriptError(None, f"-p {name}: {value!r} is not a valid value (YAML: {getattr(exc, 'problem', exc)})",
                              hint=f"Quote text that starts with [ {{ or a quote: -p {name} \"'{value}'\"") from None


def _build(args: argparse.Namespace) -> int:
    from .build import build_corpus, checked_max_bytes, coverage, skipped_summary, write_tables
    from .outdir import writable_folder
    from .readers import MAX_BYTES

    max_bytes = MAX_BYTES if args.max_mb is None else checked_max_bytes(args.max_mb * 2**20)
    out = writable_folder(args.out)  # before the build: a read-only or wrong --out fails at once
    result = build_corpus(args.corpus, fmt=args.fmt, max_bytes=max_bytes, progress=not args.quiet,
                          cache_dir=None if args.no_cache else out / ".cache", speakers=args.speakers)
    out = write_tables(result.tables, out, key=result.key)
    docs, turns = result.tables["documents"], result.tables["turns"]
    cov = coverage(result.tables)
    print(f"Built {len(docs)} document(s), {len(turns)} turns, {len(result.tables['sentences'])} sentences "
          f"into {out}")
    bad_cov = cov[cov.problems.notna()]
    for row in bad_cov.itertuples():
        print(f"coverage problem in {row.doc_id}: {row.problems}", file=sys.stderr)
    for line in skipped_summary(result.skipped):
        print(line, file=sys.stderr)
    for dup, original in result.duplicates:
        print(f"skipped duplicate: {dup} has the same content as {original}", file=sys.stderr)
    for dup, kept, share in result.near_duplicates:
        print(f"skipped near-duplicate: {dup} repeats {kept} ({share:.1%} of the words the same)", file=sys.stderr)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    for warn in docs.dropna(subset=["warnings"]).itertuples():
        print(f"warning: {warn.doc_id}: {warn.warnings}", file=sys.stderr)
    for err in result.errors:
        print(f"error: {err}", file=sys.stderr)
    if result.errors:
        print(f"{len(result.errors)} file(s) or folder(s) could not be read; the others were built.", file=sys.stderr)
    return 1 if result.errors or len(bad_cov) else 0


if __name__ == "__main__":
    sys.exit(main())
