"""Cell tags that shape a notebook's rendered page (report mode), and a script that suggests them.

The tags (cell metadata, set in JupyterLab's property inspector or by this script):

- `checks`: the cell goes to the collapsed "Checks" section at the end of the page (sanity asserts,
  derived settings, result writes, the metrics dict, and the text that only explains them). Its code
  is shown there when the reader opens the section.
- `remove-cell`, `remove-input`, `remove-output`: nbconvert's own TagRemovePreprocessor drops the whole
  cell, its code or its outputs from the page (Jupyter Book's names).
- `parameters` (papermill's): the page shows the run's effective parameters as a small table there;
  papermill's `injected-parameters` cell is never shown.

A notebook with no `checks` tag at all is classified by `suggest_checks` when it is rendered, so an
untagged notebook still gets a Checks section. To write the suggestion into a notebook (cell metadata
only) and review it in `git diff`::

    .venv/bin/python -m transcripts.celltags notebooks/01_load_and_clean.ipynb          # show
    .venv/bin/python -m transcripts.celltags --write notebooks/01_load_and_clean.ipynb  # store the tags
"""
from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

import nbformat

CHECKS = "checks"
REMOVE_TAGS = ("remove-cell", "remove-input", "remove-output")
REPORT_TAGS = (CHECKS, *REMOVE_TAGS)
#: Calls that write results (a cell making them is a "write results" cell).
WRITERS = {"write_metrics", "to_csv", "write_csv", "to_excel", "to_parquet", "to_json"}
#: Calls that only set up the session (derived settings).
SETUP = {"set_option", "mkdir"}
#: Calls that show something to the reader (such a cell stays in the report).
SHOWERS = {"show", "display"}
HEADING = re.compile(r"^\s*#{1,6}\s")


def tags(cell) -> list[str]:
    """The cell's tags (an empty list when it has none)."""
    return list(cell.get("metadata", {}).get("tags", []) or [])


def is_tagged(nb) -> bool:
    """Whether the notebook says itself which cells are checks (any cell tagged `checks`)."""
    return any(CHECKS in tags(cell) for cell in nb.cells)


def checks_cells(nb) -> set[int]:
    """Indices of the cells that go to the Checks section: the tagged ones, or the suggested ones when
    the notebook carries no `checks` tag."""
    if is_tagged(nb):
        return {i for i, cell in enumerate(nb.cells) if CHECKS in tags(cell)}
    return suggest_checks(nb)


def _name(func: ast.AST) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _calls(tree: ast.AST) -> set[str]:
    return {_name(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}


def is_check_code(source: str) -> bool:
    """A code cell that checks, sets up or writes, and shows the reader nothing of the analysis.

    >>> is_check_code("assert len(docs) > 0\\nprint(f'{len(docs)} events')")
    True
    >>> is_check_code("write_metrics(out_dir, 'x', metrics)\\nmetrics")
    True
    >>> is_check_code("assert focus in ids\\nshow(turn_sequence(turns))")
    False
    >>> is_check_code("assert len(x)\\nx.head()")
    False
    >>> is_check_code("tables_dir.mkdir(exist_ok=True)\\npd.set_option('display.max_rows', 60)")
    True
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics and the like: leave the cell where it is
        return False
    if not tree.body:
        return False
    calls = _calls(tree)
    if calls & SHOWERS:
        return False
    if calls & WRITERS:
        return True
    last = tree.body[-1]
    shows_a_value = isinstance(last, ast.Expr) and not (
        isinstance(last.value, ast.Call) and _name(last.value.func) in SETUP | {"print"})
    has_assert = any(isinstance(node, ast.Assert) for node in tree.body)
    return (has_assert or bool(calls & SETUP)) and not shows_a_value


def suggest_checks(nb) -> set[int]:
    """Cells of an untagged notebook that belong in the Checks section.

    Code: `is_check_code` (the parameters cell never). Markdown: the caption right after a check cell
    (no heading), text between the parameters or a check cell and a check cell ("Derived settings: …"),
    text starting "Sanity check" right before one, and every cell of an H1/H2 section whose code cells
    are all checks ("## Write results").
    """
    cells = nb.cells
    code_check = {i for i, c in enumerate(cells) if c.cell_type == "code" and "parameters" not in tags(c)
                  and "injected-parameters" not in tags(c) and is_check_code(c.source)}
    chosen = set(code_check)

    def setup_or_check(i: int) -> bool:
        return i in chosen or (0 <= i < len(cells) and bool({"parameters", "injected-parameters"} & set(tags(cells[i]))))

    for i, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            continue
        heading = bool(HEADING.match(cell.source))
        if not heading and i - 1 in code_check:
            chosen.add(i)
        elif not heading and i + 1 in code_check and (
                setup_or_check(i - 1) or cell.source.lstrip().lower().startswith("sanity check")):
            chosen.add(i)
    # whole sections whose code is all checks
    starts = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and re.match(r"^\s*##?\s", c.source)]
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(cells)
        code = [i for i in range(start, end) if cells[i].cell_type == "code"]
        if code and all(i in code_check for i in code):
            chosen.update(range(start, end))
    return chosen


def apply_tags(nb, chosen: set[int]) -> int:
    """Tag the `chosen` cells `checks` and untag the others; returns how many cells changed."""
    changed = 0
    for i, cell in enumerate(nb.cells):
        current = tags(cell)
        if i in chosen:
            wanted = current if CHECKS in current else [*current, CHECKS]
        else:
            wanted = [t for t in current if t != CHECKS]
        if wanted != current:
            changed += 1
            if wanted:
                cell.metadata["tags"] = wanted
            else:
                cell.metadata.pop("tags", None)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m transcripts.celltags",
                                     description="Suggest (or write) the `checks` cell tags of notebooks.")
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--write", action="store_true", help="store the suggested tags in the notebooks")
    args = parser.parse_args(argv)
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)
        chosen = checks_cells(nb) if is_tagged(nb) and not args.write else suggest_checks(nb)
        print(f"{path}: {'tagged' if is_tagged(nb) else 'untagged'}; checks:")
        for i in sorted(chosen):
            first = next((ln for ln in nb.cells[i].source.splitlines() if ln.strip()), "")
            print(f"  [{i:>2}] {nb.cells[i].cell_type:<8} {first[:90]}")
        if args.write:
            changed = apply_tags(nb, chosen)
            nbformat.write(nb, path)
            print(f"  wrote {changed} changed cell(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
