"""Regression checks that compare meaning, not bytes.

1. Each notebook's metrics (`<out>/metrics/<notebook>.json`: counts, shares, top terms, claim counts),
   from the session's one run of the workbook on the sample, are compared with the committed baselines
   in tests/baselines/. Integers, strings and list order must match; floats within FLOAT_REL_TOL (or
   FLOAT_ABS_TOL near zero). A failure lists every difference as `path: expected X, got Y`.
2. nbval (`pytest --nbval-lax`) re-executes the executed notebooks and compares the outputs of the cells
   marked `# NBVAL_CHECK_OUTPUT`, after tests/nbval_sanitize.cfg masks plotly div ids, paths and times.

Refreshing the baselines on purpose (after a change that is meant to move the numbers; review the
diff of tests/baselines/ before committing it):

    UPDATE_BASELINES=1 .venv/bin/python -m pytest tests/test_regression.py -k baseline
"""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

from transcripts.paths import PROJECT_ROOT
from transcripts.workbook import find_notebooks

BASELINES_DIR = Path(__file__).parent / "baselines"
SANITIZE = Path(__file__).parent / "nbval_sanitize.cfg"
FLOAT_REL_TOL = 1e-3  # 0.1 %: a share of 0.9112 may drift in the fourth digit, not more
FLOAT_ABS_TOL = 1e-6
UPDATE = os.environ.get("UPDATE_BASELINES") == "1"
NOTEBOOKS = find_notebooks()
NOTEBOOK_IDS = [p.stem for p in NOTEBOOKS]
REFRESH_HINT = ("If the change is intended, refresh the baselines: `UPDATE_BASELINES=1 .venv/bin/python -m pytest "
                "tests/test_regression.py -k baseline` (or `make baselines`) and review `git diff tests/baselines/`.")


# ---------------------------------------------------------------- comparing meaning

def compare_metrics(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Every difference between two metrics values, one readable line each (empty when they agree)."""
    where = path or "(top)"
    if isinstance(expected, dict) and isinstance(actual, dict):
        lines = [f"{_join(path, k)}: missing (expected {_show(expected[k])})" for k in expected if k not in actual]
        lines += [f"{_join(path, k)}: new key (got {_show(actual[k])}, no baseline)" for k in actual
                  if k not in expected]
        for k in expected:
            if k in actual:
                lines += compare_metrics(expected[k], actual[k], _join(path, k))
        return lines
    if isinstance(expected, list) and isinstance(actual, list):
        lines = []
        if len(expected) != len(actual):
            lines.append(f"{where}: expected {len(expected)} item(s), got {len(actual)}")
        for i, (e, a) in enumerate(zip(expected, actual)):
            lines += compare_metrics(e, a, f"{path}[{i}]")
        return lines
    if _is_number(expected) and _is_number(actual) and (isinstance(expected, float) or isinstance(actual, float)):
        if math.isclose(expected, actual, rel_tol=FLOAT_REL_TOL, abs_tol=FLOAT_ABS_TOL) or (
                math.isnan(expected) and math.isnan(actual)):
            return []
        return [f"{where}: expected {expected!r}, got {actual!r} (beyond the tolerance {FLOAT_REL_TOL:.1%})"]
    if type(expected) is not type(actual) or expected != actual:
        return [f"{where}: expected {_show(expected)}, got {_show(actual)}"]
    return []


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else str(key)


def _show(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@pytest.mark.parametrize("expected, actual, lines", [
    # hand-made pairs: what a reader should be told
    ({"n_turns": 17}, {"n_turns": 17}, []),
    ({"n_turns": 17}, {"n_turns": 18}, ["n_turns: expected 17, got 18"]),
    ({"share": 0.9112}, {"share": 0.91125}, []),  # 0.005 % apart: within 0.1 %
    ({"share": 0.9112}, {"share": 0.92}, ["share: expected 0.9112, got 0.92 (beyond the tolerance 0.1%)"]),
    ({"share": 0.0}, {"share": 1e-9}, []),  # near zero: absolute tolerance
    ({"n": 3}, {"n": 3.0}, []),  # an int written as a float is the same number
    ({"ok": True}, {"ok": 1}, ["ok: expected true, got 1"]),  # but a flag is not a count
    ({"top": ["russia", "us"]}, {"top": ["us", "russia"]},
     ['top[0]: expected "russia", got "us"', 'top[1]: expected "us", got "russia"']),  # rank order matters
    ({"top": ["a", "b"]}, {"top": ["a"]}, ["top: expected 2 item(s), got 1"]),
    ({"a": 1, "b": 2}, {"a": 1, "c": 2}, ["b: missing (expected 2)", "c: new key (got 2, no baseline)"]),
    ({"by": {"Press": {"n_turns": 8}}}, {"by": {"Press": {"n_turns": 9}}}, ["by.Press.n_turns: expected 8, got 9"]),
])
def test_compare_metrics(expected, actual, lines):
    assert compare_metrics(expected, actual) == lines


# ---------------------------------------------------------------- the sample against the baselines

@pytest.mark.parametrize("name", NOTEBOOK_IDS)
def test_metrics_match_baseline(sample_workbook, name):
    produced = sample_workbook.out / "metrics" / f"{name}.json"
    assert produced.exists(), (f"{name} wrote no metrics: call transcripts.metrics.write_metrics(out_dir, "
                               f"{name!r}, {{...}}) at its end")
    actual = json.loads(produced.read_text(encoding="utf-8"))
    baseline = BASELINES_DIR / f"{name}.json"
    if UPDATE:
        BASELINES_DIR.mkdir(exist_ok=True)
        baseline.write_text(json.dumps(actual, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
        pytest.skip(f"refreshed {baseline.relative_to(PROJECT_ROOT)}")
    assert baseline.exists(), f"no baseline for {name}. {REFRESH_HINT}"
    expected = json.loads(baseline.read_text(encoding="utf-8"))
    differences = compare_metrics(expected, actual)
    assert not differences, (f"{name}: the sample's metrics differ from {baseline.relative_to(PROJECT_ROOT)}:\n  "
                             + "\n  ".join(differences) + f"\n{REFRESH_HINT}")


def test_no_baseline_without_its_notebook():
    stale = sorted(p.stem for p in BASELINES_DIR.glob("*.json") if p.stem not in NOTEBOOK_IDS)
    if UPDATE:
        for name in stale:
            (BASELINES_DIR / f"{name}.json").unlink()
        return
    assert not stale, f"baselines for notebooks that no longer exist: {stale}. {REFRESH_HINT}"


# ---------------------------------------------------------------- nbval

def _nbval(paths: list[Path], rootdir: Path, *, timeouts: bool = True) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-sanitize-with", str(SANITIZE),
           "--nbval-kernel-name", "transcripts", "--nbval-cell-timeout", "600", "-p", "no:cacheprovider",
           *(["-p", "nbval_timeouts"] if timeouts else []),  # the runner's timeouts (tests/nbval_timeouts.py)
           "-o", "addopts=", "--rootdir", str(rootdir), "-q", *map(str, paths)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(Path(__file__).parent),
                                                                    os.environ.get("PYTHONPATH")])))
    return subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=rootdir, env=env)


@pytest.mark.notebook
@pytest.mark.skipif(not NOTEBOOKS, reason="no numbered notebooks yet")
def test_nbval_lax_over_the_executed_notebooks(sample_workbook):
    executed = sorted((sample_workbook.out / "notebooks").glob("*.ipynb"))
    assert [p.stem for p in executed] == NOTEBOOK_IDS
    result = _nbval(executed, sample_workbook.out / "notebooks")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


@pytest.mark.notebook
def test_nbval_notices_a_changed_summary(tmp_path):
    """Control: a marked cell whose stored output differs from what it prints fails nbval; a path, a time
    and a plotly div id that differ are masked by the sanitize file and do not."""
    code = nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "transcripts", "display_name": "Python (transcripts)", "language": "python"}
    masked = code("# NBVAL_CHECK_OUTPUT\nprint('17 turns in /tmp/abc/out at 2026-01-01 10:00:00, plot-0123456789ab')",
                  execution_count=1, outputs=[nbformat.v4.new_output(
                      "stream", name="stdout",
                      text="17 turns in /home/someone/out at 2019-12-10T09:30:00, plot-ba9876543210\n")])
    changed = code("# NBVAL_CHECK_OUTPUT\nprint(17)", execution_count=2,
                   outputs=[nbformat.v4.new_output("stream", name="stdout", text="18\n")])
    nb.cells = [masked]
    nbformat.write(nb, tmp_path / "masked.ipynb")
    nb.cells = [masked, changed]
    nbformat.write(nb, tmp_path / "changed.ipynb")
    assert _nbval([tmp_path / "masked.ipynb"], tmp_path).returncode == 0
    result = _nbval([tmp_path / "changed.ipynb"], tmp_path)
    assert result.returncode != 0 and "18" in result.stdout


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_notebook_marks_its_summary_cells_for_nbval(nb_path):
    """Each notebook marks at least one deterministic summary cell (counts, top terms) with
    `# NBVAL_CHECK_OUTPUT`, so nbval compares what it prints."""
    nb = nbformat.read(nb_path, as_version=4)
    marked = [c for c in nb.cells if c.cell_type == "code" and "# NBVAL_CHECK_OUTPUT" in c.source]
    assert marked, f"{nb_path.name}: add `# NBVAL_CHECK_OUTPUT` as the first line of a deterministic summary cell"
