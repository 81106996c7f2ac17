"""Command line of the diplomatic-speech workbook: `python -m transcripts COMMAND ...`.

Paths are taken from the current folder, as every command-line program takes them; messages show them
relative to it (see `workbook.shown_path`).
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import textwrap
from pathlib import Path

from .errors import TranscriptError
from .paths import PROCESSED_DIR, PROJECT_ROOT, RAW_DIR
from .workbook import did_you_mean, shown_path

EPILOG = ("`python -m transcripts COMMAND --help` lists a command's options. Paths are relative to the current "
          "folder. The README has examples.")


class _Parser(argparse.ArgumentParser):
    """argparse, with "did you mean" for a mistyped command or choice (Python 3.11's argparse has none)."""

    def error(self, message: str):
        choice = re.search(r"invalid choice: '(.*?)' \(choose from (.*)\)$", message)
        if choice:
            options = re.findall(r"'([^']*)'", choice.group(2))
            message += did_you_mean(choice.group(1), options, prefix=": did you mean ")
        super().error(message)


class _Formatter(argparse.HelpFormatter):
    """Lists the commands one per line under "commands:", as git and pip do (no `COMMAND` line above them)."""

    def _format_action(self, action):
        if isinstance(action, argparse._SubParsersAction):
            return "".join(self._format_action(sub) for sub in action._get_subactions())
        return super()._format_action(action)


def make_parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The parser and, by name, each command's own parser."""
    parser = _Parser(prog="python -m transcripts", description="Diplomatic-speech transcripts: read them into "
                     "tables, run the workbook's notebooks, review speaker names.", epilog=EPILOG,
                     formatter_class=_Formatter)
    sub = parser.add_subparsers(dest="command", required=True, title="commands", metavar="COMMAND",
                                parser_class=_Parser)

    b = sub.add_parser("build", help="read a folder of transcripts into the processed tables",
                       description="Read every transcript in a folder (recursively) and write the processed "
                                   "tables (Parquet).", epilog=EPILOG)
    b.add_argument("corpus", nargs="?", default=None, help="folder (or file) of transcripts (default: data/raw, the sample)")
    b.add_argument("--out", default=None, help="where to write the Parquet tables (default: data/processed)")
    b.add_argument("--format", dest="fmt", default=None, metavar="NAME",
                   help=f"read every file as this format instead of detecting it ({', '.join(_formats())}); "
                        "`--format list` describes them")
    b.add_argument("--max-mb", type=float, default=None,
                   help="refuse files larger than this many megabytes (default: 20; a number above 0)")
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    b.add_argument("--no-cache", action="store_true", help="read every file again (default: reuse <out>/.cache)")
    b.add_argument("--speakers", default=None, help="your speaker registry CSV (label,canonical,role,affiliation)")

    r = sub.add_parser("run", help="build the tables, run the notebooks, render the report",
                       description="Build the tables, execute the numbered notebooks and render the HTML report.",
                       epilog=EPILOG)
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
                   help="a notebook parameter for every selected notebook that declares it, e.g. -p top_n_terms 20 "
                        "(value read as YAML)")

    sp = sub.add_parser("speakers", help="draft a speaker registry: likely duplicates, roles",
                        description="Read a corpus and write a draft speaker registry for review.", epilog=EPILOG)
    sp.add_argument("--suggest", metavar="CORPUS", required=True, help="folder of transcripts to read")
    sp.add_argument("--out", default=None, help="where to write the draft CSV (default: outputs/speakers_suggested.csv)")
    sp.add_argument("--speakers", default=None, help="your speaker registry CSV, applied as in `build`")
    return parser, {"build": b, "run": r, "speakers": sp}


def _one_line_warning(message, category, filename, lineno, line=None) -> str:
    """Warnings on the command line as one line each (no source line, no machine path)."""
    return f"warning: {message}\n"


def main(argv: list[str] | None = None) -> int:
    import warnings
    warnings.formatwarning = _one_line_warning
    parser, commands = make_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # an unknown option: say which of the command's options was meant
        command = commands[args.command]
        known = [s for action in command._actions for s in action.option_strings]
        hints = [did_you_mean(e.split("=", 1)[0], known, prefix=f"; {e.split('=', 1)[0]}: did you mean ")
                 for e in extra if e.startswith("-")]
        command.error(f"unrecognized arguments: {' '.join(extra)}{''.join(hints)}")
    try:
        if args.command == "build":
            if args.fmt == "list":
                print(formats_listing())
                return 0
            return _build(args)
        if args.command == "speakers":
            from .quality import suggest_command
            return suggest_command(existing_path(args.suggest, "--suggest"), out=cwd_path(args.out),
                                   speakers=existing_path(args.speakers, "--speakers"))
        from .workbook import run_workbook
        if args.scheduler:  # the notebooks' kernels inherit it (TRANSCRIPTS_SCHEDULER)
            from .engine import use
            use(args.scheduler, share=True)
        params = {name: _param_value(name, value) for name, value in args.param}
        return run_workbook(corpus=existing_path(args.corpus, "--corpus"),
                            params_file=existing_path(args.params, "--params"), only=args.only,
                            out=cwd_path(args.out), params=_cwd_params(params), jobs=args.jobs)
    except TranscriptError as exc:
        print(f"error: {for_terminal(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C: the notebooks' processes and kernels stop with the run
        print("\ninterrupted: what finished is kept; run the same command again to go on "
              "(unchanged work comes from the cache)", file=sys.stderr)
        return 130
    except OSError as exc:  # the system refused a read or a write nothing above expected: still one line
        from .outdir import write_hint
        where = f"{shown_path(exc.filename)}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}. {write_hint(exc)}", file=sys.stderr)
        return 2


# ---------------------------------------------------------------- paths from the current folder

def cwd_path(typed: str | None) -> Path | None:
    """A path as typed on the command line, taken from the current folder (absolute ones as they are).

    >>> cwd_path("x/y") == Path.cwd() / "x" / "y", cwd_path(None)
    (True, None)
    """
    if typed is None:
        return None
    return Path(os.path.abspath(os.path.expanduser(typed)))


def existing_path(typed: str | None, option: str) -> Path | None:
    """`cwd_path`, refused in one line when nothing is there (and pointing at the project's own file or
    folder of that name when there is one: paths used to be taken from the project root)."""
    path = cwd_path(typed)
    if path is None or os.path.lexists(path):
        return path
    hint = f"Paths are relative to the current folder ({Path.cwd()})"
    in_project = PROJECT_ROOT / os.path.expanduser(typed)
    if not os.path.isabs(os.path.expanduser(typed)) and in_project.exists():
        hint += f"; did you mean {shown_path(in_project)}?"
    raise TranscriptError(path, f"no such file or folder ({option})", hint=hint)


def _cwd_params(params: dict) -> dict:
    """`-p NAME VALUE` values naming a file or folder in the current folder are passed to the notebooks
    (which run at the project root) as that file, relative to the project root; a note says so."""
    if Path.cwd().resolve() == PROJECT_ROOT.resolve():
        return params
    from .paths import display_path
    out = dict(params)
    for name, value in params.items():
        if isinstance(value, str) and value and not os.path.isabs(value) and os.path.exists(value):
            out[name] = display_path(os.path.abspath(value))
            print(f"note: -p {name} {value}: the file or folder in the current folder, given to the notebooks "
                  f"(which run at the project root) as {out[name]}", file=sys.stderr)
    return out


def for_terminal(exc: TranscriptError) -> TranscriptError:
    """The error with its path shown from the current folder (the library shows paths from the project root)."""
    if not exc.path:
        return exc
    if os.path.isabs(exc.path):
        where = Path(exc.path)
    else:  # the library's form: relative to the project root (`paths.display_path`)
        where = PROJECT_ROOT / exc.path
        if not (os.path.lexists(where) or where.parent.exists()):
            return exc  # not a path
    return TranscriptError(shown_path(where), exc.message, hint=exc.hint, line=exc.line)


# ---------------------------------------------------------------- formats

def _formats() -> list[str]:
    from .readers import supported_formats
    return supported_formats()


def formats_listing() -> str:
    """`build --format list`: each reader's name, the extensions it claims and what it reads (its docstring)."""
    from .readers import READERS
    width = max(len(n) for n in READERS) + 2
    lines = ["Formats for `build --format NAME` (default: each file's format is detected from its content and "
             "extension):"]
    for name, reader in READERS.items():
        doc = (reader.__doc__ or "").strip().split("\n\n", 1)[0]
        summary = " ".join(doc.split())
        head = f"  {name:<{width}}{' '.join(getattr(reader, 'EXTENSIONS', ()))}"
        lines.append(head)
        lines.extend(textwrap.wrap(summary, width=100, initial_indent=" " * (width + 2),
                                   subsequent_indent=" " * (width + 2), break_on_hyphens=False))
    return "\n".join(lines)


def checked_format(fmt: str | None) -> str | None:
    """The `--format` given, refused in one line (with the closest names) when no reader has it."""
    if fmt is None or fmt in _formats():
        return fmt
    raise TranscriptError(None, f"--format {fmt}: no such format",
                          hint=f"{did_you_mean(fmt, _formats(), prefix='Did you mean ')} Formats: "
                               f"{', '.join(_formats())}; `--format list` describes them".lstrip())


# ---------------------------------------------------------------- values and build

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
    fmt = checked_format(args.fmt)
    corpus = existing_path(args.corpus, "corpus") or RAW_DIR
    speakers = existing_path(args.speakers, "--speakers")
    out = writable_folder(cwd_path(args.out) or PROCESSED_DIR)  # before the build: a read-only or wrong --out fails at once
    result = build_corpus(corpus, fmt=fmt, max_bytes=max_bytes, progress=not args.quiet,
                          cache_dir=None if args.no_cache else out / ".cache", speakers=speakers)
    out = write_tables(result.tables, out, key=result.key)
    docs = result.tables["documents"]
    cov = coverage(result.tables)
    print(f"Built {len(docs)} document(s), {result.rows('turns')} turns, {result.rows('sentences')} sentences "
          f"into {shown_path(out)}")
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
        print(f"error: {for_terminal(err) if isinstance(err, TranscriptError) else err}", file=sys.stderr)
    if result.errors:
        print(f"{len(result.errors)} file(s) or folder(s) could not be read; the others were built.", file=sys.stderr)
    return 1 if result.errors or len(bad_cov) else 0


if __name__ == "__main__":
    sys.exit(main())
