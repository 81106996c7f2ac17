"""Report mode, without a kernel: a hand-built "executed" notebook rendered to a page. Papermill's
injected cell is gone and the parameters are a table (paths relative to the project root); the cells
tagged `checks` (or, untagged, those `celltags` picks) sit in a closed Checks section at the end;
remove-* tags work; plotly.js, itables.js and JupyterLab's CSS are written once beside the pages."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import nbformat
import pytest

from transcripts import celltags, report
from transcripts.paths import NOTEBOOKS_DIR, PROJECT_ROOT

md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
ABS_PROCESSED = str(PROJECT_ROOT / "outputs" / "wh" / "processed")
PLOTLY_DIV = ('<div><div id="plot-0123456789ab" class="plotly-graph-div" style="height:100px; width:100%;"></div>'
              '<script type="text/javascript">if (document.getElementById("plot-0123456789ab")) '
              '{Plotly.newPlot("plot-0123456789ab", [{"type": "bar", "x": [1], "y": [2]}], {})}</script></div>')


def _out(text: str | None = None, html: str | None = None, *, result: bool = False, metadata=None):
    data = {"text/plain": text or ""}
    if html:
        data["text/html"] = html
    if result:
        return nbformat.v4.new_output("execute_result", data=data, execution_count=1)
    return nbformat.v4.new_output("display_data", data=data, metadata=metadata or {})


def _cell(source, *, tags=(), outputs=()):
    cell = code(source)
    if tags:
        cell.metadata["tags"] = list(tags)
    cell.outputs = list(outputs)
    cell.execution_count = 1
    return cell


def executed(tagged: bool) -> nbformat.NotebookNode:
    """A notebook as papermill leaves it (injected cell, outputs); `tagged`: with `checks` tags."""
    checks = ("checks",) if tagged else ()
    cells = [
        md("# 09 · A toy page\n\nWhat the toy shows."),
        _cell("import pandas as pd"),
        _cell('processed_dir: str = "data/processed"  # folder of processed tables\n'
              'top_n: int = 15  # terms shown', tags=("parameters",)),
        _cell(f'# Parameters\nprocessed_dir = "{ABS_PROCESSED}"\n', tags=("injected-parameters",)),
        md("Derived settings: paths resolved from the project root."),
        _cell("tables_dir.mkdir(exist_ok=True)\npd.set_option('display.max_rows', 60)", tags=checks),
        md("## Who held the floor"),
        _cell("show(airtime(profile))", outputs=[_out("Figure", PLOTLY_DIV)]),
        md("Airtime: the bars are words spoken."),
        _cell("assert len(turns) > 0\nprint('17 turns')", tags=checks,
              outputs=[nbformat.v4.new_output("stream", name="stdout", text="SANITY 17 turns\n")]),
        _cell("hidden_entirely = 1", tags=("remove-cell",), outputs=[_out("REMOVED CELL OUTPUT")]),
        _cell("noisy()", tags=("remove-output",), outputs=[_out("REMOVED OUTPUT")]),
        _cell("interactive(kwic)", outputs=[
            _out("init", "<script>function injectModule(b){}</script>", metadata={"transcripts": "itables-init"}),
            _out("table", '<table id="itable-0"></table><script type="module">new ITable(t, {})</script>')]),
        md("## Write results"),
        _cell('write_metrics(out_dir, "09", metrics)\nmetrics', tags=checks,
              outputs=[_out("{'n_turns': 17, 'METRICS_DICT': 1}", result=True)]),
        md("A small summary for the regression checks."),
    ]
    if tagged:
        for i in (4, 13, 15):
            cells[i].metadata["tags"] = ["checks"]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["papermill"] = {"parameters": {"processed_dir": ABS_PROCESSED}}
    return nb


@pytest.fixture(params=[True, False], ids=["tagged", "untagged"])
def page(request, tmp_path):
    path = tmp_path / "09_toy.ipynb"
    nbformat.write(executed(request.param), path)
    html_path = report.write_notebook_html(path, tmp_path / "html" / "09_toy.html")
    return html_path.read_text(encoding="utf-8")


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def _tags(page: str, name: str) -> list[dict]:
    parser = _Tags()
    parser.feed(page)
    return [attrs for tag, attrs in parser.found if tag == name]


def _main_and_checks(page: str) -> tuple[str, str]:
    main = page.split("<main>", 1)[1]
    before, _, after = main.partition('<details class="wb-checks"')
    return before, after.split("</details>", 1)[0]


def test_injected_parameters_become_a_table_without_machine_paths(page):
    assert "# Parameters" not in page and ABS_PROCESSED not in page and str(PROJECT_ROOT) not in page
    rows = re.findall(r'<tr class="(wb-set|wb-default)"><th>(\w+)</th><td class="wb-value">([^<]*)</td>', page)
    assert rows == [("wb-set", "processed_dir", "outputs/wh/processed"), ("wb-default", "top_n", "15")]
    assert "folder of processed tables" in page  # the parameter's comment explains it


def test_checks_sit_in_a_closed_section_at_the_end(page):
    main, checks = _main_and_checks(page)
    assert "SANITY 17 turns" in checks and "METRICS_DICT" in checks and "Derived settings" in checks
    assert "Write results" in checks and "A small summary for the regression checks" in checks
    assert "SANITY" not in main and "METRICS_DICT" not in main and "Derived settings" not in main
    assert "plotly-graph-div" in main and "Airtime: the bars" in main and "Who held the floor" in main
    assert re.search(r'<details class="wb-checks" id="checks">\s*<summary>', page)  # closed: no `open`
    assert page.count('<details class="wb-checks"') == 1


def test_remove_tags_and_the_toggle(page):
    assert "REMOVED CELL OUTPUT" not in page and "hidden_entirely" not in page
    assert "REMOVED OUTPUT" not in page and "noisy" in page  # remove-output keeps the code (behind the toggle)
    assert {"class": "wb-show-code", "id": "wb-show-code", "type": "checkbox"} in _tags(page, "input")
    assert any(a.get("for") == "wb-show-code" for a in _tags(page, "label"))
    assert "Show code" in page
    # the CSS hides code, prompts and code-only cells of the main flow until the box is ticked
    assert ".wb-show-code:not(:checked) ~ main > .jp-CodeCell > .jp-Cell-inputWrapper" in page
    assert "<title>09 · A toy page</title>" in page


def test_shared_scripts_are_referenced_not_inlined(page):
    assert [a["src"] for a in _tags(page, "script") if "src" in a] == ["plotly.min.js", "itables.js"]
    assert [a["href"] for a in _tags(page, "link") if a.get("rel") == "stylesheet"] == ["jupyterlab.css"]
    assert "function injectModule(b){}" not in page  # itables' inline copy dropped
    assert len(page) < 200_000, "plotly.js or the lab CSS went inline"


def test_shared_files_are_written_once_beside_the_pages(tmp_path):
    html_dir = tmp_path / "html"
    nb_path = tmp_path / "09_toy.ipynb"
    nbformat.write(executed(True), nb_path)
    report.write_notebook_html(nb_path, html_dir / "09_toy.html")
    plotly, itables, css = (html_dir / n for n in ("plotly.min.js", "itables.js", "jupyterlab.css"))
    assert plotly.read_text(encoding="utf-8") == report.plotly_js()
    assert "injectModule" in itables.read_text(encoding="utf-8") and "<script" not in itables.read_text()
    assert css.stat().st_size > 100_000
    stamps = [p.stat().st_mtime_ns for p in (plotly, itables, css)]
    report.write_notebook_html(nb_path, html_dir / "10_other.html")
    assert [p.stat().st_mtime_ns for p in (plotly, itables, css)] == stamps  # unchanged: not rewritten
    assert sorted(p.name for p in html_dir.iterdir()) == ["09_toy.html", "10_other.html", "itables.js",
                                                          "jupyterlab.css", "plotly.min.js"]


def test_a_page_without_charts_or_tables_needs_no_scripts(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[md("# 09 · Text only"), _cell("print('hi')", outputs=[_out("hi")])])
    path = tmp_path / "09.ipynb"
    nbformat.write(nb, path)
    page = report.write_notebook_html(path, tmp_path / "html" / "09.html").read_text(encoding="utf-8")
    assert "plotly.min.js" not in page and "itables.js" not in page
    assert not (tmp_path / "html" / "plotly.min.js").exists()


@pytest.mark.parametrize("value, shown", [
    ("data/raw", "data/raw"), ("", "(empty)"), ([], "(empty)"), (["a", "b"], "a, b"), (0.8, "0.8"), (True, "true"),
    (str(PROJECT_ROOT / "outputs" / "x"), "outputs/x"), (str(PROJECT_ROOT.parent / "shared" / "c"), "../shared/c"),
])
def test_parameter_values(value, shown):
    assert report.parameter_value("corpus_dir", value) == shown


# ---------------------------------------------------------------- the tag convention

def test_untagged_notebooks_get_the_same_checks_as_tagged_ones():
    tagged, untagged = executed(True), executed(False)
    assert celltags.is_tagged(tagged) and not celltags.is_tagged(untagged)
    assert celltags.suggest_checks(untagged) == celltags.checks_cells(tagged) == {4, 5, 9, 13, 14, 15}


def test_the_tag_script_writes_only_cell_metadata(tmp_path):
    path = tmp_path / "nb.ipynb"
    nb = executed(False)
    nbformat.write(nb, path)
    before = json.loads(path.read_text())
    assert celltags.main(["--write", str(path)]) == 0
    after = json.loads(path.read_text())
    for old, new in zip(before["cells"], after["cells"]):
        assert {k: v for k, v in old.items() if k != "metadata"} == {k: v for k, v in new.items() if k != "metadata"}
    assert [i for i, c in enumerate(after["cells"]) if "checks" in c["metadata"].get("tags", [])] == [4, 5, 9, 13, 14, 15]
    assert after["cells"][2]["metadata"]["tags"] == ["parameters"]


@pytest.mark.parametrize("name", ["02_speaker_statistics", "03_topic_timelines"])
def test_notebooks_02_and_03_carry_the_tags(name):
    nb = nbformat.read(NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)
    chosen = celltags.checks_cells(nb)
    sources = [nb.cells[i].source for i in sorted(chosen)]
    assert celltags.is_tagged(nb)
    assert any("write_metrics(" in s for s in sources) and any(s.lstrip().startswith(("assert", "# NBVAL")) for s in sources)
    assert not any("show(" in s for s in sources), "a chart went to the Checks section"


def test_a_failed_check_opens_the_section(tmp_path):
    nb = executed(True)
    nb.cells[9].outputs = [nbformat.v4.new_output("error", ename="AssertionError", evalue="no turns",
                                                  traceback=["AssertionError: no turns"])]
    path = tmp_path / "09.ipynb"
    nbformat.write(nb, path)
    page = report.write_notebook_html(path, tmp_path / "html" / "09.html").read_text(encoding="utf-8")
    details = [a for a in _tags(page, "details") if a.get("class") == "wb-checks"]
    assert len(details) == 1 and "open" in details[0]
    assert "AssertionError: no turns" in _main_and_checks(page)[1]
