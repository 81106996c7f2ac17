"""Run the whole workbook headlessly: build the tables, execute every numbered notebook, render HTML.

The tables are built once: by notebook 01 when the run starts with it (it declares `corpus_dir` and
writes `processed_dir`), otherwise by the runner, which skips the build when the processed tables are
already there for exactly the corpus's current files.

`python -m transcripts run [--corpus DIR] [--params FILE] [--only 02 …] [--out DIR]` (and `make run`)
calls `run_workbook`. Layout of an output folder (`outputs/` for the sample, `outputs/<corpus name>/`
for another corpus):

    processed/         the corpus's tables (the sample's go to data/processed/ instead)
    notebooks/NN_*.ipynb   executed copies (papermill)
    html/NN_*.html     one offline page per notebook; html/index.html links them
    metrics/NN_*.json  the small summaries each notebook writes (compared with tests/baselines/)
    tables/            CSV tables the notebooks write
    run.json           what ran, with which parameters, when, and how it went

A notebook that declares `corpus_dir` (it builds the tables) runs first, alone. The others only read
the tables and write their own outputs, so they run side by side, `jobs` at a time (default: one more
than the machine's cores; each holds the tables in memory, about 1.5 GB for the 45 MB White House
corpus), each in a worker process that also renders its page.

A notebook that fails does not stop the others: its executed copy and HTML page are still written
(papermill marks the failing cell), the run ends with exit code 1 and one line naming notebook, cell
and error.
"""
from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
import shlex
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .errors import TranscriptError
from .paths import KERNEL_NAME, NOTEBOOKS_DIR, OUTPUTS_DIR, PROCESSED_DIR, PROJECT_ROOT, RAW_DIR, display_path, resolve

NOTEBOOK_RE = re.compile(r"^(\d{2})_[\w-]+\.ipynb$")
#: Parameters the runner sets itself (a params file cannot override them): processed_dir and out_dir
#: for every notebook, corpus_dir for those that declare it (notebook 01 builds the tables itself).
RUNNER_PARAMS = ("processed_dir", "out_dir", "corpus_dir")
VERSION_PACKAGES = ("transcripts", "pandas", "numpy", "pyarrow", "plotly", "nltk", "scikit-learn", "papermill",
                    "nbconvert", "nbformat", "ipykernel")
EXIT_OK, EXIT_NOTEBOOK_FAILED = 0, 1


@dataclass
class NotebookRun:
    """How one notebook's execution went."""

    name: str
    status: str  # "ok" | "failed"
    seconds: float
    ran_at: str
    error: str | None = None
    notebook: str | None = None  # executed copy, relative to the output folder
    html: str | None = None  # page, relative to the html folder
    #: why it failed: "notebook" (a cell raised) or "outside" (timeout, kernel or worker died, memory): the
    #: runner runs a notebook that failed from outside once more, alone, before reporting it
    cause: str | None = None
    attempts: int = 1
    retried: str | None = None  # what the first attempt ran into, when the notebook was run again alone


# ---------------------------------------------------------------- locating things

def find_notebooks(only: list[str] | None = None, notebooks_dir: str | Path = NOTEBOOKS_DIR) -> list[Path]:
    """The numbered notebooks `NN_*.ipynb` in order, or those whose number (or name) is in `only`.

    Raises TranscriptError when `only` names a notebook that does not exist.
    """
    folder = resolve(notebooks_dir)
    found = sorted(p for p in folder.glob("*.ipynb") if NOTEBOOK_RE.match(p.name)) if folder.is_dir() else []
    if not only:
        return found
    wanted = [str(w).strip() for w in only if str(w).strip()]
    chosen = [p for p in found if any(_matches(p, w) for w in wanted)]
    unknown = [w for w in wanted if not any(_matches(p, w) for p in found)]
    if unknown:
        names = ", ".join(p.stem for p in found) or "none"
        close = "".join(_close(w, [p.stem for p in found]) for w in unknown if not w.isdigit())
        raise TranscriptError(folder, f"no notebook matches {', '.join(unknown)}{close}",
                              hint=f"Give notebook numbers such as 01 or 02 (available: {names})")
    return chosen


def _matches(path: Path, wanted: str) -> bool:
    """`wanted` is a number (`2`, `02`), a name (`02_speakers`) or a file name.

    >>> _matches(Path("02_speakers.ipynb"), "2"), _matches(Path("02_speakers.ipynb"), "02_speakers")
    (True, True)
    >>> _matches(Path("12_x.ipynb"), "2")
    False
    """
    number = path.name[:2]
    if wanted.isdigit():
        return int(wanted) == int(number)
    return wanted in (path.stem, path.name)


def output_layout(corpus: str | Path | None, out: str | Path | None) -> tuple[Path, Path, Path]:
    """(corpus folder, processed-tables folder, output folder) for a run.

    The sample with no `--out` uses the project's own `data/processed/` and `outputs/`; any other
    corpus goes to `outputs/<corpus name>/` with its tables in `processed/` inside it, and an explicit
    `out` folder always holds its own `processed/` (so tests and experiments never touch data/processed).
    """
    corpus_path = resolve(corpus) if corpus else RAW_DIR
    default_corpus = corpus_path == RAW_DIR
    if out is None:
        if default_corpus:
            return corpus_path, PROCESSED_DIR, OUTPUTS_DIR
        out_path = OUTPUTS_DIR / _slug(corpus_path.stem if corpus_path.is_file() else corpus_path.name)
    else:
        out_path = resolve(out)
    return corpus_path, out_path / "processed", out_path


def _slug(name: str) -> str:
    """A folder name from a corpus name.

    >>> _slug("White House briefings!")
    'White_House_briefings'
    """
    return re.sub(r"[^\w.-]+", "_", name).strip("_.") or "corpus"


def _rel(path: Path) -> str:
    """A path as reports show it: relative to the project root, also outside it (`../../tmp/x`), so that no
    machine path reaches run.json, the index or a notebook's parameters (see `paths.display_path`)."""
    return display_path(path)


def shown_path(path: str | Path) -> str:
    """A path as the terminal shows it: relative to the current folder, as typed there (from the project root
    that is `display_path`'s form, `../shared/...`); absolute when that would climb more than two folders.

    >>> shown_path(PROJECT_ROOT / "data" / "raw") == os.path.relpath(PROJECT_ROOT / "data" / "raw")
    True
    """
    here = Path.cwd()
    if here.resolve() == PROJECT_ROOT.resolve():
        return display_path(path, follow_link=False)  # a link is named as itself
    absolute = Path(os.path.abspath(path))
    relative = os.path.relpath(absolute, here)
    return str(absolute) if relative.startswith(os.path.join("..", "..", "..")) else relative


def did_you_mean(word: str, options, *, prefix: str = ". Did you mean ", n: int = 3) -> str:
    """`prefix` and the names closest to a mistyped `word` (difflib's ratio at least 0.6, and within 0.1 of
    the closest), or `""` when none is close.

    >>> did_you_mean("top_n_term", ["top_n_terms", "top_n_topics", "freq"])
    '. Did you mean top_n_terms?'
    >>> did_you_mean("buld", ["build", "run", "speakers"], prefix=": did you mean ")
    ': did you mean build?'
    >>> did_you_mean("xyz", ["build", "run"])
    ''
    """
    scored = []
    for option in dict.fromkeys(str(o) for o in options):
        matcher = difflib.SequenceMatcher(None, str(word), option)
        if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6 and matcher.ratio() >= 0.6:
            scored.append((matcher.ratio(), option))
    scored.sort(key=lambda x: -x[0])
    close = [option for ratio, option in scored[:n] if ratio >= scored[0][0] - 0.1]
    if not close:
        return ""
    return prefix + (" or ".join([", ".join(close[:-1]), close[-1]]) if len(close) > 1 else close[0]) + "?"


def _close(word: str, options) -> str:
    """`" (did you mean x?)"` for a mistyped name, or `""`."""
    return did_you_mean(word, options, prefix=" (did you mean ").replace("?", "?)") if options else ""


# ---------------------------------------------------------------- parameters

def load_params(params_file: str | Path | None) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Read a YAML parameters file: (parameters for every notebook, {notebook: its own parameters}).

    Top-level keys are parameters for every notebook that declares them; a key that is a notebook
    number or name (`"02"`, `02_speakers`) holds a mapping of parameters for that notebook only::

        top_n: 20            # every notebook that has a `top_n` parameter
        "03":
          n_topics: 8        # notebook 03 only
    """
    if not params_file:
        return {}, {}
    import yaml
    path = resolve(params_file)
    try:
        raw = path.read_bytes()
        data = yaml.safe_load(raw.decode("utf-8")) or {}
    except FileNotFoundError:
        raise TranscriptError(path, "parameters file not found") from None
    except OSError as exc:
        raise TranscriptError(path, f"cannot read the parameters file ({exc.strerror or exc})",
                              hint="Give a YAML file you may read (--params)") from None
    except UnicodeDecodeError as exc:
        raise TranscriptError(path, f"the parameters file is not UTF-8 (byte 0x{raw[exc.start]:02x} at byte {exc.start})",
                              line=raw.count(b"\n", 0, exc.start) + 1, hint="Re-save it as UTF-8") from None
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise TranscriptError(path, f"not valid YAML ({getattr(exc, 'problem', exc)})",
                              line=line + 1 if line is not None else None) from None
    except RecursionError:
        raise TranscriptError(path, "not a usable parameters file (nested too deeply)",
                              hint="Parameters are names with plain values, lists or mappings") from None
    if not isinstance(data, dict):
        raise TranscriptError(path, "a parameters file must be a mapping of name: value",
                              hint="e.g. `top_n: 20`, or `\"02\": {top_n: 20}` for one notebook")
    common = {k: v for k, v in data.items() if not _is_notebook_key(k)}
    per_notebook = {}
    for key, value in data.items():
        if _is_notebook_key(key):
            if not isinstance(value, dict):
                raise TranscriptError(path, f"the section for notebook {key} must be a mapping of name: value")
            per_notebook[str(key)] = value
    return common, per_notebook


def _is_notebook_key(key: Any) -> bool:
    """`2`, `"02"` or `"02_speakers"` (a notebook), not `top_n` (a parameter).

    >>> [_is_notebook_key(k) for k in (2, "02", "02_speakers", "top_n")]
    [True, True, True, False]
    """
    key = str(key)
    return key.isdigit() or bool(re.match(r"^\d{2}_", key))


def check_sections(per_notebook: dict[str, dict[str, Any]], notebooks: list[Path],
                   params_file: str | Path | None) -> None:
    """Refuse a parameters-file section for a notebook that does not exist (a typo would be ignored)."""
    for key in per_notebook:
        if not any(_matches(nb, key) for nb in notebooks):
            names = ", ".join(nb.stem for nb in notebooks) or "none"
            close = _close(str(key), [nb.stem for nb in notebooks]) if not str(key).isdigit() else ""
            raise TranscriptError(params_file, f"the section {key!r} is for a notebook that does not exist{close}",
                                  hint=f"Sections are notebook numbers or names (notebooks: {names})")


def check_declared(common: dict[str, Any], from_cli: set[str], selected: dict[Path, dict[str, Any]],
                   every: dict[Path, dict[str, Any]], params_file: str | Path | None) -> None:
    """Refuse a parameter no notebook declares (naming the closest declared names), and a `-p` parameter
    that only notebooks left out by `--only` declare (a params file's top-level keys may hold parameters
    for the whole workbook, so they are only refused when no notebook at all declares them).

    `selected` and `every` map notebooks to the parameters their `parameters` cells declare.
    """
    known = set().union(*selected.values()) if selected else set()
    anywhere = known.union(*every.values()) if every else known
    shown_known = ", ".join(sorted(known - set(RUNNER_PARAMS))) or "none"
    unknown = sorted(set(common) - anywhere)
    if unknown:
        close = " ".join(did_you_mean(u, sorted(anywhere - set(RUNNER_PARAMS)), prefix=f"{u}: did you mean ")
                         for u in unknown).strip()
        where = params_file if set(unknown) - from_cli else None
        raise TranscriptError(where, f"no notebook declares the parameter(s) {', '.join(unknown)}",
                              hint=f"{close} (`papermill --help-notebook NOTEBOOK` lists a notebook's parameters)"
                              if close else f"Known parameters: {shown_known}")
    elsewhere = sorted(name for name in set(common) & from_cli if name not in known)
    if elsewhere:
        owners = sorted({nb.stem for nb, names in every.items() for n in elsewhere if n in names})
        chosen = ", ".join(nb.stem for nb in selected)
        raise TranscriptError(None, f"-p {', '.join(elsewhere)}: not declared by the selected notebooks ({chosen}); "
                              f"declared by {', '.join(owners)}",
                              hint=f"Add {'it' if len(owners) == 1 else 'them'} to --only, or leave the parameter out "
                                   f"(the selected notebooks' parameters: {shown_known})")


def check_types(nb: Path, declared: dict[str, dict[str, Any]], params: dict[str, Any]) -> None:
    """Refuse a parameter whose value does not have the type its notebook declares (`doc_ids: list`
    given "nope" would become the ids n, o, p, e). A date written without quotes in YAML (`date_from:
    2021-06-01`, read as a date) is given as its text (`"2021-06-01"`) where the notebook declares text.

    >>> p = {"date_from": __import__("datetime").date(2021, 6, 1)}
    >>> check_types(Path("nb.ipynb"), {"date_from": {"inferred_type_name": "str"}}, p); p
    {'date_from': '2021-06-01'}

    A negative count where the notebook's default is a count (`top_terms: int = 10`) is refused too:

    >>> check_types(Path("nb.ipynb"), {"top_terms": {"inferred_type_name": "int", "default": "10"}}, {"top_terms": -5})
    Traceback (most recent call last):
    ...
    transcripts.errors.TranscriptError: nb.ipynb: parameter top_terms must be 0 or more (a count or a size), not -5. The notebook's default is 10
    """
    import datetime as dt
    for name, value in list(params.items()):
        expected = str((declared.get(name) or {}).get("inferred_type_name") or "")
        if isinstance(value, dt.date) and expected and value_fits("", expected):
            value = params[name] = value.isoformat()
        if expected and not value_fits(value, expected):
            raise TranscriptError(_rel(nb), f"parameter {name} must be {_type_phrase(expected)}, not "
                                  f"{_type_phrase(type(value).__name__)} ({value!r})",
                                  hint=f"e.g. {name}: {_example(expected)} in a parameters file, or -p {name} "
                                       f"\"{_example(expected)}\"")
        default = str((declared.get(name) or {}).get("default") or "")
        if (isinstance(value, int) and not isinstance(value, bool) and value < 0 and default.isdigit()
                and _base(expected) in {"int", "float"}):
            raise TranscriptError(_rel(nb), f"parameter {name} must be 0 or more (a count or a size), not {value}",
                                  hint=f"The notebook's default is {default}")


_TYPE_PHRASES = {"str": "text", "int": "a whole number", "float": "a number", "bool": "true or false",
                 "list": "a list", "dict": "a mapping", "NoneType": "empty (null)", "date": "a date",
                 "datetime": "a date and time"}
_EXAMPLES = {"str": "word", "int": "10", "float": "0.5", "bool": "true", "list": "[a, b]", "dict": "{a: 1}"}


def _type_phrase(type_name: str) -> str:
    return " or ".join(_TYPE_PHRASES.get(_base(t), t) for t in _alternatives(type_name))


def _example(type_name: str) -> str:
    return _EXAMPLES.get(_base(_alternatives(type_name)[0]), "…")


def _alternatives(type_name: str) -> list[str]:
    """`Optional[str]`, `str | None`, `Union[int, float]` → their parts.

    >>> _alternatives("Optional[list[str]]"), _alternatives("int | None")
    (['list[str]', 'None'], ['int', 'None'])
    """
    t = type_name.replace("typing.", "").strip()
    for wrapper, extra in (("Optional[", ["None"]), ("Union[", [])):
        if t.startswith(wrapper) and t.endswith("]"):
            return _split_top(t[len(wrapper):-1]) + extra
    return _split_top(t, "|")


def _split_top(text: str, sep: str = ",") -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in text:
        depth += ch == "["
        depth -= ch == "]"
        if ch == sep and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    return [p for p in parts + [cur.strip()] if p]


def _base(type_name: str) -> str:
    base = type_name.split("[", 1)[0].strip()
    return {"List": "list", "Dict": "dict", "Tuple": "list", "tuple": "list", "None": "NoneType"}.get(base, base)


def value_fits(value: Any, type_name: str) -> bool:
    """Whether a parameter value has the type a notebook declares (papermill's `inferred_type_name`);
    unknown types accept anything.

    >>> [value_fits(v, "list") for v in ([], ["a"], "nope")]
    [True, True, False]
    >>> value_fits(3, "float"), value_fits(True, "int"), value_fits(None, "Optional[str]"), value_fits(2, "list[str]")
    (True, False, True, False)
    >>> value_fits([1, "a"], "list[int]"), value_fits({"a": 1}, "Any")
    (False, True)
    """
    for alt in _alternatives(type_name):
        base = _base(alt)
        inner = _split_top(alt[alt.index("[") + 1:-1]) if "[" in alt and alt.endswith("]") else []
        if base == "NoneType" and value is None:
            return True
        if base == "str" and isinstance(value, str):
            return True
        if base == "bool" and isinstance(value, bool):
            return True
        if base == "int" and isinstance(value, int) and not isinstance(value, bool):
            return True
        if base == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
            return True
        if base == "list" and isinstance(value, (list, tuple)):
            if len(inner) == 1 and _base(inner[0]) in _TYPE_PHRASES:
                if all(value_fits(v, inner[0]) for v in value):
                    return True
                continue
            return True
        if base == "dict" and isinstance(value, dict):
            return True
        if base not in {"NoneType", "str", "bool", "int", "float", "list", "dict"}:
            return True  # a type we do not check
    return False


def notebook_parameters(nb_path: Path) -> dict[str, dict[str, Any]]:
    """The parameters a notebook declares (papermill's view: name → type, default, help)."""
    import papermill
    return dict(papermill.inspect_notebook(str(nb_path)))


def _parameters_or_none(nb_path: Path) -> dict[str, dict[str, Any]]:
    """`notebook_parameters`, or nothing for a notebook that cannot be read (one not selected to run must not
    stop the run)."""
    try:
        return notebook_parameters(nb_path)
    except Exception:  # noqa: BLE001 - any unreadable notebook: it is not run
        return {}


def parameters_for(nb_path: Path, declared: dict[str, Any], common: dict[str, Any],
                   per_notebook: dict[str, dict[str, Any]], runner: dict[str, Any]) -> dict[str, Any]:
    """The parameters to pass one notebook: the common ones it declares, its own section, the runner's."""
    params = {k: v for k, v in common.items() if k in declared}
    for key, section in per_notebook.items():
        if _matches(nb_path, key):
            unknown = sorted(set(section) - set(declared))
            if unknown:
                close = "".join(_close(u, list(declared)) for u in unknown)
                raise TranscriptError(nb_path, f"parameter(s) {', '.join(unknown)} given for this notebook, "
                                      f"which does not declare them{close}",
                                      hint=f"Its parameters are: {', '.join(declared) or 'none'}")
            params.update(section)
    params.update({k: v for k, v in runner.items() if k in ("processed_dir", "out_dir") or k in declared})
    return params


# ---------------------------------------------------------------- the run

#: Memory one notebook running side by side may hold: every notebook reads the tables a group of documents at
#: a time (issue 16), so a kernel's measured peak is about half a GB plus less than one byte per byte of the
#: processed Parquet tables (0.40-0.55 GB on the White House corpus's 79 MB of tables, 0.50-0.81 GB on the
#: five-times corpus's 394 MB; benchmarks/README.md, "Scale"). The estimate: NOTEBOOK_MEMORY plus
#: MEMORY_PER_TABLE_BYTE per byte of the tables, with room for the kernel's forked pool workers.
NOTEBOOK_MEMORY = 768 * 2**20
MEMORY_PER_TABLE_BYTE = 1
MIN_NOTEBOOK_MEMORY = 600 * 2**20  # (`default_jobs` without an estimate)


@dataclass
class Machine:
    """What the machine has to spare when a run starts."""

    cores: int
    load: float | None  # 1-minute load average (runnable processes); None where the system does not say
    available: int | None  # bytes of memory available; None where the system does not say

    @classmethod
    def now(cls) -> "Machine":
        try:
            cores = len(os.sched_getaffinity(0))
        except (AttributeError, OSError):
            cores = os.cpu_count() or 1
        try:
            load = os.getloadavg()[0]
        except (AttributeError, OSError):
            load = None
        return cls(cores, load, _available_memory())


def _available_memory() -> int | None:
    try:
        import psutil
        return int(psutil.virtual_memory().available)
    except Exception:  # noqa: BLE001 - no psutil, or a system it cannot read: memory is not a limit then
        return None


def default_jobs(machine: Machine | None = None, per_notebook: int = MIN_NOTEBOOK_MEMORY) -> tuple[int, str]:
    """How many notebooks to run side by side, and why: one more than the idle cores (a kernel starting or
    writing leaves its core idle for a while), as many as the free memory holds, at least one.

    >>> default_jobs(Machine(cores=2, load=0.1, available=16 * 2**30))[0]  # an idle machine: cores + 1
    3
    >>> default_jobs(Machine(cores=2, load=1.1, available=16 * 2**30))[0]  # a busy core: one fewer
    2
    >>> default_jobs(Machine(cores=2, load=4.0, available=16 * 2**30))  # doctest: +NORMALIZE_WHITESPACE
    (1, '2 cores, load 4.0, 16.0 GB of memory available, about 0.6 GB per notebook')
    >>> default_jobs(Machine(cores=8, load=0.0, available=2 * 2**30), per_notebook=2**30)[0]  # memory: 2
    2
    """
    machine = machine or Machine.now()
    idle = machine.cores - (machine.load or 0.0)
    jobs = max(1, min(machine.cores + 1, int(idle + 0.5) + 1)) if machine.cores >= 2 else 1
    if machine.available is not None:
        jobs = max(1, min(jobs, machine.available // max(per_notebook, 1)))
    why = [f"{machine.cores} core{'s' if machine.cores != 1 else ''}"]
    if machine.load is not None:
        why.append(f"load {machine.load:.1f}")
    if machine.available is not None:
        why.append(f"{machine.available / 2**30:.1f} GB of memory available, about "
                   f"{per_notebook / 2**30:.1f} GB per notebook")
    return int(jobs), ", ".join(why)


def notebook_memory(processed_dir: Path) -> int:
    """About the memory one notebook may hold on these tables (read a group of documents at a time): see
    NOTEBOOK_MEMORY.

    >>> round(notebook_memory(Path("no such folder")) / 2**30, 2)
    0.75
    """
    size = sum(p.stat().st_size for p in processed_dir.glob("*.parquet")) if processed_dir.is_dir() else 0
    return NOTEBOOK_MEMORY + MEMORY_PER_TABLE_BYTE * size


# ---------------------------------------------------------------- a busy machine

#: Seconds a kernel may take to start. papermill's default, 60, is short on a machine where several
#: kernels start at once beside a CPU-bound neighbour. TRANSCRIPTS_KERNEL_START_TIMEOUT overrides it.
KERNEL_START_TIMEOUT = 300
#: Seconds a cell's remaining output may take to arrive after its kernel replied. nbclient waits 4 s and
#: papermill makes going over it fatal (`CellTimeoutError: ... Timeout waiting for IOPub output`): a large
#: figure can take longer on a loaded machine (issue 18). The output is still waited for, not dropped (a page
#: without its figure would be worse than a slow run). TRANSCRIPTS_IOPUB_TIMEOUT overrides it.
IOPUB_TIMEOUT = 300


def execution_options() -> dict[str, int]:
    """The notebook client's settings for every execution: the runner's, the tests' (`tests/conftest.py`)
    and nbval's (`tests/test_regression.py`).

    >>> sorted(execution_options())
    ['iopub_timeout', 'start_timeout']
    """
    return {"start_timeout": _seconds_from_env("TRANSCRIPTS_KERNEL_START_TIMEOUT", KERNEL_START_TIMEOUT),
            "iopub_timeout": _seconds_from_env("TRANSCRIPTS_IOPUB_TIMEOUT", IOPUB_TIMEOUT)}


def _seconds_from_env(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise TranscriptError(None, f"{name}={value!r} is not a number of seconds",
                              hint=f"Set it to a whole number of seconds, e.g. {default}, or unset it")
    return int(value)


def _failed_outside(exc: BaseException) -> bool:
    """True when an execution failed for a reason outside the notebook's code (a timeout, a kernel that
    died or did not start, a connection lost), which running it again alone may cure."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    if isinstance(exc, (CellTimeoutError, DeadKernelError, TimeoutError, ConnectionError, MemoryError)):
        return True
    if type(exc).__module__.startswith("zmq"):
        return True
    # jupyter_client: "Kernel didn't respond in 300 seconds", "Kernel died before replying to kernel_info"
    return isinstance(exc, RuntimeError) and "kernel" in str(exc).lower()


#: Errors raised in a cell that come from the machine, not the notebook's code.
_OUTSIDE_ENAMES = {"MemoryError"}


def run_workbook(corpus: str | Path | None = None, params_file: str | Path | None = None,
                 only: list[str] | None = None, out: str | Path | None = None, *,
                 params: dict[str, Any] | None = None, notebooks_dir: str | Path = NOTEBOOKS_DIR,
                 progress: bool = True, jobs: int | None = None) -> int:
    """Build the corpus's tables, execute the numbered notebooks in order, render the HTML report.

    Args:
        corpus: folder (or file) of transcripts; default `data/raw`, the sample.
        params_file: YAML file of notebook parameters (see `load_params`).
        only: notebook numbers or names to run (the index still lists earlier runs of the others).
        out: output folder; default `outputs/` for the sample, `outputs/<corpus name>/` otherwise.
        params: parameters for every notebook, given on the command line; they win over the file.
        notebooks_dir: where the numbered notebooks live (tests point this elsewhere).
        progress: show progress bars.
        jobs: notebooks run side by side (default `default_jobs()`; 1: one after another).

    Returns:
        0 when every notebook ran, 1 when one or more failed (their HTML is still written).

    Raises:
        TranscriptError: bad corpus, parameters, notebook selection or missing Jupyter kernel.
    """
    started = dt.datetime.now().astimezone()
    t0 = time.perf_counter()
    machine = Machine.now()  # before the build adds its own load
    options = execution_options()  # a bad TRANSCRIPTS_*_TIMEOUT stops the run before anything runs
    corpus_path, processed_dir, out_dir = output_layout(corpus, out)
    notebooks = find_notebooks(only, notebooks_dir)
    common, per_notebook = load_params(params_file)
    common.update(params or {})
    for key in RUNNER_PARAMS:
        if key in common:
            _say(f"note: {key} is set by the runner (from --corpus/--out); the value given for it is ignored",
                 err=True)
            common.pop(key)
    declared = {nb: notebook_parameters(nb) for nb in notebooks}  # read from the parameters cells, now
    if notebooks:
        known = set().union(*declared.values())
        # the notebooks left out by --only are read only to explain a name the selected ones lack
        others = {nb: _parameters_or_none(nb) for nb in find_notebooks(None, notebooks_dir)
                  if nb not in declared} if set(common) - known else {}
        check_declared(common, set(params or {}), declared, {**others, **declared}, params_file)
    check_sections(per_notebook, find_notebooks(None, notebooks_dir), params_file)
    runner = {"processed_dir": _rel(processed_dir), "out_dir": _rel(out_dir),  # relative: no machine paths
              "corpus_dir": _rel(corpus_path)}
    settings = {nb: parameters_for(nb, declared[nb], common, per_notebook, runner) for nb in notebooks}
    for nb in notebooks:  # wrong types are refused before anything runs
        check_types(nb, declared[nb], settings[nb])
    if notebooks:
        check_kernel()
    from .outdir import writable_folder
    writable_folder(out_dir)

    # Built (or found up to date) before any notebook runs, through the content-hash cache that notebook 01
    # shares, so 01 re-reads nothing; files that could not be read are reported here and in the exit status.
    unreadable = ensure_tables(corpus_path, processed_dir, progress=progress).errors
    dirs = {name: out_dir / name for name in ("notebooks", "html", "metrics", "tables")}
    for folder in dirs.values():
        folder.mkdir(parents=True, exist_ok=True)
    # a notebook that builds the tables (it declares corpus_dir) runs first and alone; the others only read them
    first = [nb for nb in notebooks if "corpus_dir" in declared[nb]]
    rest = [nb for nb in notebooks if nb not in first]
    if jobs is None:
        jobs, why = default_jobs(machine, notebook_memory(processed_dir))
    else:
        jobs, why = max(1, int(jobs)), "as asked (--jobs)"
    if len(rest) > 1:
        _say(f"Notebooks: {'one at a time' if jobs == 1 else f'{min(jobs, len(rest))} side by side'} after the first "
             f"({why})")
    if jobs > 1 and len(rest) > 1:
        from threading import Thread

        workers = min(jobs, len(rest))
        with _worker_pool(workers) as pool:  # the workers start (and import papermill) while `first` runs
            pages: list[Thread] = []
            try:
                for _ in range(workers):
                    pool.submit(_ready)
                done = {nb: _run_one(nb, notebooks, settings[nb], dirs, progress) for nb in first}
                pages = [Thread(target=_render, args=(done[nb], nb, dirs)) for nb in first]  # while the rest run
                for page in pages:
                    page.start()
                done.update(_run_side_by_side(pool, rest, notebooks, settings, dirs, workers, progress))
            except BaseException:  # Ctrl-C: nothing more starts, running notebooks stop (their kernels follow)
                _stop_pool(pool)
                raise
            finally:
                for page in pages:
                    page.join()
        runs = [done[nb] for nb in notebooks]
    else:
        runs = _run_in_order(notebooks, declared, settings, processed_dir, dirs, progress)
    runs = _run_again_alone(runs, notebooks, settings, dirs)

    finished = dt.datetime.now().astimezone()
    seconds = time.perf_counter() - t0
    manifest = _manifest(corpus_path, processed_dir, out_dir, _table_counts(processed_dir), common, per_notebook,
                         runs, started, finished, seconds, notebooks_dir, only)
    manifest["side_by_side"] = {"jobs": jobs, "why": why, **options}
    try:
        (out_dir / "run.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8")
        index = _write_index(manifest, out_dir, notebooks_dir)
    except OSError as exc:
        from .outdir import write_hint
        raise TranscriptError(_rel(out_dir), f"could not write the run's record and index ({exc.strerror or exc}); "
                              "the notebooks' pages are in html/", hint=write_hint(exc)) from None

    failed = [r for r in runs if r.status == "failed"]
    if not notebooks:
        _say(f"No numbered notebooks in {shown_path(resolve(notebooks_dir))}; wrote the tables and an empty index.")
    from .quality import count_warnings  # w12: the documents' warnings, counted on the last line
    n_warn = count_warnings(processed_dir)
    warned = f", {n_warn} warning(s) in documents.warnings" if n_warn is not None else ""
    _say(f"Report: {shown_path(index)}  ({len(runs) - len(failed)} of {len(runs)} notebook(s) ran, {seconds:.1f} s{warned})")
    for r in failed:
        _say(f"error: {r.error}", err=True)
    for err in unreadable:
        _say(f"error: could not read {err}", err=True)
    if unreadable:
        _say(f"{len(unreadable)} file(s) of the corpus could not be read (listed above); the report covers the others.",
             err=True)
    return EXIT_NOTEBOOK_FAILED if failed or unreadable else EXIT_OK


def _run_in_order(notebooks: list[Path], declared: dict[Path, dict], settings: dict[Path, dict[str, Any]],
                  processed_dir: Path, dirs: dict[str, Path], progress: bool) -> list[NotebookRun]:
    """One notebook after another (`jobs=1`); each page rendered in a thread while the next runs."""
    runs: list[NotebookRun] = []
    # the claims notebook's analyses start on the spare core once the first notebook is done (see warmup.py)
    claims_at = next((i for i, nb in enumerate(notebooks, 1) if "rules_file" in declared[nb]), None)
    warmup: subprocess.Popen | None = None
    from concurrent.futures import ThreadPoolExecutor
    renderer = ThreadPoolExecutor(max_workers=1)
    try:
        for i, nb in enumerate(notebooks, 1):
            if i == 2 and claims_at is not None and claims_at > i:
                warmup = _start_warmup(processed_dir, settings[notebooks[claims_at - 1]])
            if i == claims_at:
                warmup = _stop_warmup(warmup)
            run = _run_one(nb, notebooks, settings[nb], dirs, progress)
            runs.append(run)
            renderer.submit(_render, run, nb, dirs)
    finally:
        _stop_warmup(warmup)
        renderer.shutdown(wait=True)  # every page written before the index
    return runs


def _run_again_alone(runs: list[NotebookRun], notebooks: list[Path], settings: dict[Path, dict[str, Any]],
                     dirs: dict[str, Path]) -> list[NotebookRun]:
    """Each notebook that failed for a reason outside it (a timeout, a kernel or worker process that died,
    memory) runs once more, alone, in a fresh process, once the others are done; the run's record says so."""
    out = []
    for nb, run in zip(notebooks, runs):
        if run.status == "failed" and run.cause == "outside":
            again = _run_alone(nb, settings[nb], dirs)
            again.attempts = run.attempts + 1
            again.retried = f"the first attempt failed outside the notebook ({_short_error(run.error)}); run again alone"
            if again.status == "failed":
                again.error = f"{again.error} (also when run again alone)"
            _say(_line(again, _label(nb, notebooks)))
            run = again
        out.append(run)
    return out


def _short_error(error: str | None) -> str:
    """The error type and message of a one-line failure, without the notebook's name.

    >>> _short_error("notebooks/02_x.ipynb: could not be executed: CellTimeoutError: A cell timed out")
    'CellTimeoutError: A cell timed out'
    """
    text = str(error or "unknown error")
    match = re.search(r"\b(\w+(?:Error|Exception|Pool|Interrupt|Exit)\b.*)", text)
    return _first_line(match.group(1) if match else text, 100)


def _worker_pool(workers: int):
    """Fresh interpreters (papermill's kernels and event loops are not shared between threads). Ctrl-C is
    the runner's to handle (it stops them), so they ignore it and print no tracebacks."""
    import multiprocessing
    import signal
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=signal.signal, initargs=(signal.SIGINT, signal.SIG_IGN))


def _label(nb: Path, notebooks: list[Path]) -> str:
    return f"[{notebooks.index(nb) + 1}/{len(notebooks)}] {nb.stem}"


def _ready() -> None:
    """Run first in each worker process: the imports a notebook run needs, done ahead."""
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401

    from . import report  # noqa: F401


def _run_side_by_side(pool, rest: list[Path], notebooks: list[Path], settings: dict[Path, dict[str, Any]],
                      dirs: dict[str, Path], jobs: int, progress: bool) -> dict[Path, NotebookRun]:
    """Execute and render `rest` in `pool`'s worker processes, `jobs` at a time."""
    from concurrent.futures import as_completed
    from concurrent.futures.process import BrokenProcessPool

    from .progress import tqdm

    done: dict[Path, NotebookRun] = {}
    bar = tqdm(total=len(rest), desc=f"{len(rest)} notebooks, {jobs} at a time", unit="notebook",
               file=sys.stderr, disable=not progress, leave=False)
    futures = {pool.submit(_execute_and_render, nb, settings[nb], dirs): nb for nb in rest}
    for future in as_completed(futures):
        nb = futures[future]
        try:
            run = future.result()
        except BrokenProcessPool as exc:  # a worker died (out of memory, killed): it takes the pool's other
            # notebooks down, so each is run again alone (`_run_again_alone`): only one that kills its process fails
            run = _stopped(nb, exc)
        done[nb] = run
        bar.update()
        (bar.write if progress else _say)(_line(run, _label(nb, notebooks)))
    bar.close()
    return done


def _stopped(nb: Path, exc: BaseException) -> NotebookRun:
    """The record of a notebook whose worker process died under it."""
    return NotebookRun(name=nb.stem, status="failed", seconds=0.0,
                       ran_at=dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M"),
                       error=f"{_rel(nb)}: the process running it stopped ({type(exc).__name__}: "
                             f"{_first_line(str(exc))}); if memory ran out, try --jobs 1",
                       notebook=f"notebooks/{nb.name}", cause="outside")


def _run_alone(nb: Path, params: dict[str, Any], dirs: dict[str, Path]) -> NotebookRun:
    """`_execute_and_render` in a worker process of its own; a worker that dies fails this notebook only."""
    with _worker_pool(1) as pool:
        try:
            return pool.submit(_execute_and_render, nb, params, dirs).result()
        except Exception as exc:  # noqa: BLE001 - the process died: one line, the run goes on
            return _stopped(nb, exc)
        except BaseException:  # Ctrl-C: the notebook stops now, not when it is done
            _stop_pool(pool)
            raise


def _stop_pool(pool) -> None:
    """Cancel what has not started and end the worker processes now (not after their notebooks)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # shutdown() forgets them
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        if proc.is_alive():
            proc.terminate()


def _execute_and_render(nb: Path, params: dict[str, Any], dirs: dict[str, Path]) -> NotebookRun:
    """Run in a worker process: execute one notebook, then render its page."""
    run = execute_notebook(nb, dirs["notebooks"] / nb.name, params, progress=False)
    run.notebook = f"notebooks/{nb.name}"
    _render(run, nb, dirs)
    return run


def _run_one(nb: Path, notebooks: list[Path], params: dict[str, Any], dirs: dict[str, Path],
             progress: bool) -> NotebookRun:
    """Execute one notebook in this process (its page is rendered by `_render`)."""
    label = _label(nb, notebooks)
    run = execute_notebook(nb, dirs["notebooks"] / nb.name, params, progress=progress, label=label)
    run.notebook = f"notebooks/{nb.name}"
    _say(_line(run, label))
    return run


def _render(run: NotebookRun, nb: Path, dirs: dict[str, Path]) -> None:
    """Render a run's page; one that cannot be rendered makes the run failed (it never raises)."""
    html_path = dirs["html"] / f"{nb.stem}.html"
    try:
        from .report import write_notebook_html
        write_notebook_html(dirs["notebooks"] / nb.name, html_path)
        run.html = html_path.name
    except Exception as exc:  # a page that cannot be rendered must not hide the run's other results
        run.error = (run.error + "; " if run.error else "") + f"HTML not rendered: {type(exc).__name__}: {exc}"
        run.status = "failed"


def _start_warmup(processed_dir: Path, claims_params: dict[str, Any]) -> subprocess.Popen | None:
    """Start `python -m transcripts.warmup` (low priority, silent) for a corpus large enough to gain."""
    from .warmup import worth_it
    if not worth_it(processed_dir):
        return None
    env = dict(os.environ, TRANSCRIPTS_PROGRESS="0")
    try:
        return subprocess.Popen([sys.executable, "-m", "transcripts.warmup", str(processed_dir),
                                 str(claims_params.get("rules_file") or "")], cwd=str(PROJECT_ROOT), env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)  # its own scheduling group, at idle priority
    except OSError:  # a warm-up is an optimisation: the notebook computes what it lacks
        return None


def _stop_warmup(proc: subprocess.Popen | None) -> None:
    """Stop a warm-up (what it finished stays in the cache)."""
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return None


def _say(text: str, *, err: bool = False) -> None:
    print(text, file=sys.stderr if err else sys.stdout, flush=True)


def _line(run: NotebookRun, label: str) -> str:
    """One line per notebook run: `[2/4] 02_speaker_statistics   ok   41.3 s`, and what a retry is about."""
    if run.status == "failed" and run.cause == "outside" and run.attempts == 1:
        return (f"{label:<40} {'retry':<6} {run.seconds:6.1f} s  ({_short_error(run.error)}: "
                "it runs again alone when the others are done)")
    mark = "ok" if run.status == "ok" else "FAILED"
    note = "  (run again alone: the first attempt failed outside the notebook)" if run.retried else ""
    return f"{label:<40} {mark:<6} {run.seconds:6.1f} s{note}"


def check_kernel(name: str = KERNEL_NAME) -> None:
    """Raise a clear TranscriptError when the project's Jupyter kernel is not registered."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    try:
        KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel:
        raise TranscriptError(None, f"the Jupyter kernel {name!r} is not registered on this machine",
                              hint=f"Run `make setup`, or `.venv/bin/python -m ipykernel install --sys-prefix "
                                   f"--name {name}`") from None


@dataclass
class TablesStatus:
    """What `ensure_tables` did: whether it wrote the tables, and the files it could not read."""

    wrote: bool
    errors: list[TranscriptError]


def ensure_tables(corpus: Path, processed_dir: Path, *, progress: bool = True) -> TablesStatus:
    """Build the corpus's tables into `processed_dir` unless they are already there for exactly these
    files, readers and resources (the build's key, as `python -m transcripts build` does; files are read
    through the cache in `<processed_dir>/.cache`, so only changed ones are read again). Files that
    cannot be read are reported and returned; the others are built."""
    from .build import build_corpus, skipped_summary, tables_written_for, write_tables
    result = build_corpus(corpus, progress=progress, cache_dir=processed_dir / ".cache")
    for line in skipped_summary(result.skipped):
        _say(line, err=True)
    for note in result.notes:
        _say(f"note: {note}", err=True)
    for err in result.errors:
        _say(f"warning: skipped {err}", err=True)
    if tables_written_for(processed_dir, result.key):
        _say(f"Tables: up to date in {shown_path(processed_dir)} for {shown_path(corpus)}")
        return TablesStatus(False, result.errors)
    docs = result.tables["documents"]
    if docs.empty:
        raise TranscriptError(corpus, "no transcript could be read, so there is nothing to analyse",
                              hint="See the errors above")
    write_tables(result.tables, processed_dir, key=result.key)
    _say(f"Tables: built {len(docs)} document(s), {result.rows('turns')} turns from {shown_path(corpus)} "
         f"into {shown_path(processed_dir)}")
    return TablesStatus(True, result.errors)


def _table_counts(processed_dir: Path) -> dict[str, int | None]:
    """Documents and turns in the processed tables (None when they could not be read)."""
    import pandas as pd
    counts: dict[str, int | None] = {}
    for name in ("documents", "turns"):
        try:
            counts[name] = len(pd.read_parquet(processed_dir / f"{name}.parquet", columns=["doc_id"]))
        except Exception:
            counts[name] = None
    return counts


def execute_notebook(nb: Path, output: Path, params: dict[str, Any], *, progress: bool = True,
                     label: str | None = None) -> NotebookRun:
    """Execute one notebook with papermill into `output`; a failure is recorded, not raised."""
    import papermill
    from papermill.exceptions import PapermillExecutionError
    ran_at = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    t0 = time.perf_counter()
    output.parent.mkdir(parents=True, exist_ok=True)
    error = cause = None
    previous = os.environ.get("TRANSCRIPTS_PROGRESS")
    os.environ["TRANSCRIPTS_PROGRESS"] = "0"  # the kernel inherits it: no progress bars in the rendered pages
    os.environ["TRANSCRIPTS_NOTEBOOK"] = nb.stem  # and this: benchmarks/scale.py tells the kernels apart by it
    try:
        papermill.execute_notebook(
            str(nb), str(output), parameters=params, kernel_name=KERNEL_NAME, cwd=str(PROJECT_ROOT),
            progress_bar={"leave": False, "desc": label or nb.stem, "file": sys.stderr} if progress else False,
            kernel_manager_class=_kernel_manager_class(), **execution_options())
    except PapermillExecutionError as exc:
        error = failure_message(nb, output, exc)
        cause = "outside" if exc.ename in _OUTSIDE_ENAMES else "notebook"
    except Exception as exc:  # kernel died, bad notebook JSON, …: still one line, still the other notebooks
        error = f"{_rel(nb)}: could not be executed: {type(exc).__name__}: {_first_line(str(exc))}"
        cause = "outside" if _failed_outside(exc) else "notebook"
        if not output.exists():
            import shutil
            shutil.copyfile(nb, output)
    finally:
        os.environ.pop("TRANSCRIPTS_NOTEBOOK", None)
        if previous is None:
            os.environ.pop("TRANSCRIPTS_PROGRESS", None)
        else:
            os.environ["TRANSCRIPTS_PROGRESS"] = previous
    _relative_provenance(nb, output)
    return NotebookRun(name=nb.stem, status="failed" if error else "ok", seconds=time.perf_counter() - t0,
                       ran_at=ran_at, error=error, cause=cause)


def _relative_provenance(nb: Path, output: Path) -> None:
    """papermill records the notebook's input and output paths as given, machine paths: shown relative
    to the project root instead, as everywhere else."""
    try:
        import nbformat
        executed = nbformat.read(output, as_version=4)
        record = executed.metadata.get("papermill", {})
        if record.get("input_path") or record.get("output_path"):
            record["input_path"], record["output_path"] = _rel(nb), _rel(output)
            nbformat.write(executed, output)
    except Exception:  # noqa: BLE001 - provenance is cosmetic: a notebook that cannot be read is reported elsewhere
        pass


def _kernel_manager_class() -> type:
    """jupyter_client's kernel manager with CurveZMQ transport encryption on when the kernel supports it.

    (ipykernel warns on every start that a TCP kernel without encryption can be eavesdropped.)
    """
    from jupyter_client.manager import AsyncKernelManager

    class EncryptedKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any):
            super().__init__(**kwargs)
            self.transport_encryption = "auto"

    return EncryptedKernelManager


def failure_message(nb: Path, output: Path, exc: Any) -> str:
    """One line: notebook, cell (its `In [n]` and first source line), error type and message."""
    source, count = "", exc.exec_count
    try:
        import nbformat
        for cell in nbformat.read(output, as_version=4).cells:  # the cell holding the error output
            if cell.cell_type == "code" and any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                source, count = _first_line(cell.source), cell.get("execution_count") or count
                break
    except Exception:  # the executed copy is unreadable: the exception's own facts still name the cell
        pass
    cell_ref = f"In [{count}]" if count else f"cell {exc.cell_index}"
    where = f" `{source}`" if source else ""
    return f"{_rel(nb)} failed at {cell_ref}{where}: {exc.ename}: {_first_line(exc.evalue)}"


def _first_line(text: str, limit: int = 120) -> str:
    """The first non-blank line, shortened.

    >>> _first_line("\\n  x = 1\\ny = 2")
    'x = 1'
    """
    line = next((ln.strip() for ln in str(text).splitlines() if ln.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


# ---------------------------------------------------------------- run record and index

def _manifest(corpus: Path, processed_dir: Path, out_dir: Path, counts: dict[str, int | None], common: dict[str, Any],
              per_notebook: dict[str, dict[str, Any]], runs: list[NotebookRun], started: dt.datetime,
              finished: dt.datetime, seconds: float, notebooks_dir: str | Path,
              only: list[str] | None) -> dict[str, Any]:
    """What ran, how, and the state of every notebook (keeping earlier runs of those not re-run)."""
    previous = {}
    old = out_dir / "run.json"
    if only and old.exists():
        try:
            previous = {n["name"]: n for n in json.loads(old.read_text(encoding="utf-8")).get("notebooks", [])}
        except (OSError, json.JSONDecodeError, KeyError, TypeError):
            previous = {}
    current = {r.name: asdict(r) for r in runs}
    names = [p.stem for p in find_notebooks(None, notebooks_dir)]
    entries = [current.get(n) or previous.get(n) for n in names]
    return {
        "title": "Diplomatic-speech workbook: " + ("the embedded sample" if corpus == RAW_DIR else
                                                   corpus.stem if corpus.is_file() else corpus.name),
        "corpus": display_path(corpus),  # ../shared/…, never a machine path
        "processed_dir": _rel(processed_dir),
        "out_dir": _rel(out_dir),
        "n_documents": counts["documents"],
        "n_turns": counts["turns"],
        "parameters": {**common, **{f"notebook {k}": v for k, v in per_notebook.items()}},
        "started": started.isoformat(timespec="seconds"),
        "finished": finished.isoformat(timespec="seconds"),
        "seconds": round(seconds, 2),
        "versions": package_versions(),
        "git": git_commit(),
        "command": "python -m transcripts run " + " ".join(shlex.quote(a) for a in _shown_arguments(sys.argv[2:]))
        if sys.argv[1:2] == ["run"] else "run_workbook()",
        "notebooks": [e for e in entries if e],
    }


def _shown_arguments(args: list[str]) -> list[str]:
    """The command's arguments as the record shows them: folders and files relative to the project root.

    >>> _shown_arguments(["--out", str(PROJECT_ROOT / "outputs" / "x"), "--only", "01"])
    ['--out', 'outputs/x', '--only', '01']
    """
    shown, path_next = [], False
    for arg in args:  # typed relative to the current folder (see __main__.cwd_path)
        option, eq, value = arg.partition("=")
        if path_next:
            arg = display_path(os.path.abspath(arg))
        elif eq and option in _PATH_OPTIONS:
            arg = f"{option}={display_path(os.path.abspath(value))}"
        shown.append(arg)
        path_next = arg in _PATH_OPTIONS
    return shown


_PATH_OPTIONS = {"--corpus", "--out", "--params"}


def _write_index(manifest: dict[str, Any], out_dir: Path, notebooks_dir: str | Path) -> Path:
    from .report import write_report_index
    return write_report_index(manifest, out_dir, {p.stem: p for p in find_notebooks(None, notebooks_dir)})


def package_versions() -> dict[str, str]:
    """Python's and the main packages' versions, for the record."""
    from importlib.metadata import PackageNotFoundError, version
    versions = {"python": sys.version.split()[0]}
    for name in VERSION_PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            pass
    return versions


def git_commit() -> str:
    """The project's git commit (short), `+ local changes` when the tracked files differ; or `unknown`."""
    try:
        head = subprocess.run(["git", "-C", str(PROJECT_ROOT), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(PROJECT_ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)"
    return head + (" + local changes" if dirty else "")
