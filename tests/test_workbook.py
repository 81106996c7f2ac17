"""The headless runner (`python -m transcripts run`): layout, parameters, selection, failures, the index,
and the conventions every committed notebook must keep (small, no outputs, documented parameters).

The whole workbook runs once per session on the sample (fixture `sample_workbook` in conftest.py);
the failure tests use tiny throwaway notebooks written into tmp_path.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from transcripts.errors import TranscriptError
from transcripts.paths import (NOTEBOOKS_DIR, OUTPUTS_DIR, PROCESSED_DIR, PROJECT_ROOT, RAW_DIR, display_path,
                              resolve)
from transcripts.workbook import (check_kernel, find_notebooks, load_params, output_layout, parameters_for,
                                  run_workbook)

NOTEBOOKS = find_notebooks()
NOTEBOOK_IDS = [p.stem for p in NOTEBOOKS]
MAX_NOTEBOOK_BYTES = 300 * 1024  # issue 7: committed notebooks each under 300 KB


# ---------------------------------------------------------------- throwaway notebooks

def _notebook(cells: list) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "transcripts", "display_name": "Python (transcripts)", "language": "python"}
    nb.cells = cells
    return nb


def _params_cell() -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(
        'processed_dir: str = "data/processed"  # processed tables\n'
        'out_dir: str = "outputs"  # where results go\n'
        'label: str = "default"  # a word written into the metrics',
        metadata={"tags": ["parameters"]})


def _good(name: str) -> nbformat.NotebookNode:
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    # Plain json, not transcripts.metrics: importing the package (NLTK, SciPy) costs seconds per kernel.
    return _notebook([md(f"# {name} title\nA line that sums it up."), _params_cell(),
                      code("import json\nfrom pathlib import Path"),
                      code(f"m = Path(out_dir) / 'metrics'\nm.mkdir(parents=True, exist_ok=True)\n"
                           f"(m / '{name}.json').write_text(json.dumps({{'label': label, 'n': 3}}))")])


def _failing() -> nbformat.NotebookNode:
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    return _notebook([md("# Broken\nFails on purpose."), _params_cell(), code("x = 1"),
                      code("y = {'a': 1}\ny['missing_key']"), code("print('never reached')")])


@pytest.fixture
def toy_notebooks(tmp_path) -> Path:
    """01 and 03 succeed, 02 raises a KeyError in its 4th executed cell."""
    folder = tmp_path / "nbs"
    folder.mkdir()
    nbformat.write(_good("01_first"), folder / "01_first.ipynb")
    nbformat.write(_failing(), folder / "02_broken.ipynb")
    nbformat.write(_good("03_third"), folder / "03_third.ipynb")
    (folder / "notes.ipynb").write_text("{}")  # not numbered: never run
    return folder


# ---------------------------------------------------------------- the sample run

def test_sample_workbook_runs_every_notebook(sample_workbook):
    assert sample_workbook.rc == 0, (sample_workbook.out / "run.json").read_text()
    for nb in NOTEBOOKS:
        assert (sample_workbook.out / "notebooks" / nb.name).exists()
        assert (sample_workbook.out / "html" / f"{nb.stem}.html").exists()
    assert (sample_workbook.out / "html" / "index.html").exists()
    run = json.loads((sample_workbook.out / "run.json").read_text())
    assert [n["name"] for n in run["notebooks"]] == NOTEBOOK_IDS
    assert all(n["status"] == "ok" for n in run["notebooks"])
    # The sample: 1 document, 17 turns (counted by hand in issue 2).
    assert (run["n_documents"], run["n_turns"]) == (1, 17)


def test_runner_passes_its_folders_to_each_notebook(sample_workbook):
    out = sample_workbook.out
    for nb in NOTEBOOKS:
        executed = nbformat.read(out / "notebooks" / nb.name, as_version=4)
        injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
        assert len(injected) == 1, f"{nb.name}: papermill did not inject the runner's parameters"
        # relative to the project root (no machine path in the pages), resolving to the run's folders
        assert f'processed_dir = "{display_path(out / "processed")}"' in injected[0].source
        assert f'out_dir = "{display_path(out)}"' in injected[0].source
        assert resolve(display_path(out / "processed")) == (out / "processed").resolve()
        assert executed.metadata.kernelspec.name == "transcripts"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.cards, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        if tag == "article":
            self.cards.append(attrs.get("id"))

    def handle_data(self, data):
        self.text.append(data)


def test_index_page_has_provenance_and_a_card_per_notebook(sample_workbook):
    import pandas
    page = (sample_workbook.out / "html" / "index.html").read_text(encoding="utf-8")
    parsed = _Links()
    parsed.feed(page)
    text = " ".join(parsed.text)
    assert parsed.cards == [f"card-{name}" for name in NOTEBOOK_IDS]
    assert sorted(parsed.links) == sorted(f"{name}.html" for name in NOTEBOOK_IDS)
    assert "data/raw" in text and "the embedded sample" in text
    assert f"pandas" in text and pandas.__version__ in text
    git = subprocess.run(["git", "-C", str(PROJECT_ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                         text=True).stdout.strip()
    if git:
        assert git in text
    assert re.search(r"Ran \d{2} \w{3} \d{4} \d{2}:\d{2}", text), "the index must say when the workbook ran"
    assert "<script" not in page, "the index needs no script"


# ---------------------------------------------------------------- failures

def test_a_failing_notebook_is_reported_in_one_line_and_the_others_still_run(toy_notebooks, tmp_path, capsys):
    out = tmp_path / "out"
    rc = run_workbook(corpus=RAW_DIR, out=out, notebooks_dir=toy_notebooks, progress=False)
    err = capsys.readouterr().err
    assert rc == 1
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, err
    # Executed cells: parameters (1), injected parameters (2), `x = 1` (3), the failing lookup (4).
    assert "02_broken.ipynb" in errors[0] and "In [4]" in errors[0] and "y = {'a': 1}" in errors[0]
    assert "KeyError" in errors[0] and "missing_key" in errors[0]
    for name in ("01_first", "03_third"):  # before and after the failure: both ran and were kept
        assert json.loads((out / "metrics" / f"{name}.json").read_text()) == {"label": "default", "n": 3}
        assert (out / "html" / f"{name}.html").exists()
    broken_html = (out / "html" / "02_broken.html").read_text(encoding="utf-8")
    assert "KeyError" in broken_html and "missing_key" in broken_html
    index = (out / "html" / "index.html").read_text(encoding="utf-8")
    assert "1 notebook(s) failed" in index and 'href="02_broken.html"' in index
    assert not (out / "notebooks" / "notes.ipynb").exists()


def test_a_page_that_cannot_be_rendered_fails_the_run_but_not_the_others(toy_notebooks, tmp_path, capsys,
                                                                           monkeypatch):
    from transcripts import report

    real = report.write_notebook_html

    def flaky(notebook, html_path):
        if "01_first" in str(notebook):
            raise RuntimeError("template exploded")
        return real(notebook, html_path)

    monkeypatch.setattr(report, "write_notebook_html", flaky)
    out = tmp_path / "out"
    # one at a time: pages are then rendered in this process, where the monkeypatch holds
    rc = run_workbook(corpus=RAW_DIR, out=out, notebooks_dir=toy_notebooks, only=["01", "03"], progress=False,
                      jobs=1)
    assert rc == 1
    assert "HTML not rendered: RuntimeError: template exploded" in capsys.readouterr().err
    runs = {r["name"]: r for r in json.loads((out / "run.json").read_text())["notebooks"]}
    assert runs["01_first"]["status"] == "failed" and runs["03_third"]["status"] == "ok"
    assert not (out / "html" / "01_first.html").exists() and (out / "html" / "03_third.html").exists()
    assert (out / "html" / "index.html").exists()


@pytest.mark.parametrize("jobs", [1, 3])
def test_one_at_a_time_or_side_by_side_the_results_are_the_same(toy_notebooks, tmp_path, capsys, jobs):
    nbformat.write(_good("04_fourth"), toy_notebooks / "04_fourth.ipynb")
    out = tmp_path / "out"
    rc = run_workbook(corpus=RAW_DIR, out=out, notebooks_dir=toy_notebooks, progress=False, jobs=jobs,
                      params={"label": "x"})
    assert rc == 1
    runs = json.loads((out / "run.json").read_text())["notebooks"]
    assert [(r["name"], r["status"]) for r in runs] == [  # in notebook order, whatever order they finished in
        ("01_first", "ok"), ("02_broken", "failed"), ("03_third", "ok"), ("04_fourth", "ok")]
    for name in ("01_first", "03_third", "04_fourth"):
        assert json.loads((out / "metrics" / f"{name}.json").read_text()) == {"label": "x", "n": 3}
        assert (out / "html" / f"{name}.html").exists() and (out / "notebooks" / f"{name}.ipynb").exists()
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("[")]
    assert sorted(lines)[0].startswith("[1/4] 01_first") and len(lines) == 4  # one line per notebook


def test_a_worker_process_that_dies_fails_only_its_notebook(toy_notebooks, tmp_path, capsys):
    # 02 kills the process running it (as the out-of-memory killer would): the pool breaks, and every
    # notebook it held is run again on its own, so only 02 fails
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    nbformat.write(_notebook([md("# Killer\nEnds its worker."), _params_cell(),
                              code("import os, signal\nos.kill(int(os.environ['JPY_PARENT_PID']), signal.SIGKILL)")]),
                   toy_notebooks / "02_broken.ipynb")
    out = tmp_path / "out"
    rc = run_workbook(corpus=RAW_DIR, out=out, notebooks_dir=toy_notebooks, progress=False, jobs=3)
    assert rc == 1
    runs = {r["name"]: r for r in json.loads((out / "run.json").read_text())["notebooks"]}
    assert runs["01_first"]["status"] == "ok" and runs["03_third"]["status"] == "ok"
    assert runs["02_broken"]["status"] == "failed" and "the process running it stopped" in runs["02_broken"]["error"]
    for name in ("01_first", "03_third"):
        assert (out / "html" / f"{name}.html").exists()
    assert "02_broken" in capsys.readouterr().err


def test_missing_kernel_is_a_clear_error():
    with pytest.raises(TranscriptError, match="not registered.*ipykernel install"):
        check_kernel("no-such-kernel-for-transcripts")


# ---------------------------------------------------------------- selection, layout, parameters

@pytest.mark.parametrize("only, expected", [
    (None, ["01_first", "02_broken", "03_third"]),
    (["2"], ["02_broken"]),
    (["03", "01"], ["01_first", "03_third"]),  # always in notebook order
    (["02_broken"], ["02_broken"]),
    (["03_third.ipynb"], ["03_third"]),
])
def test_only_selects_notebooks_by_number_or_name(toy_notebooks, only, expected):
    assert [p.stem for p in find_notebooks(only, toy_notebooks)] == expected


def test_only_with_an_unknown_notebook_is_an_error(toy_notebooks):
    with pytest.raises(TranscriptError, match="no notebook matches 07.*01_first, 02_broken, 03_third"):
        find_notebooks(["07"], toy_notebooks)


def test_only_runs_just_that_notebook_and_keeps_the_others_in_the_index(toy_notebooks, tmp_path):
    out = tmp_path / "out"
    assert run_workbook(corpus=RAW_DIR, out=out, notebooks_dir=toy_notebooks, only=["01"], progress=False) == 0
    assert run_workbook(corpus=RAW_DIR, out=out, notebooks_dir=toy_notebooks, only=["3"], progress=False) == 0
    assert not (out / "notebooks" / "02_broken.ipynb").exists()
    run = json.loads((out / "run.json").read_text())
    assert [n["name"] for n in run["notebooks"]] == ["01_first", "03_third"]


@pytest.mark.parametrize("corpus, out, processed, output", [
    (None, None, PROCESSED_DIR, OUTPUTS_DIR),  # the sample: the project's own folders
    ("data/raw", None, PROCESSED_DIR, OUTPUTS_DIR),
    ("../shared/corpora/whitehouse_briefings", None, OUTPUTS_DIR / "whitehouse_briefings" / "processed",
     OUTPUTS_DIR / "whitehouse_briefings"),  # another corpus: its own folder, its own tables
    (None, "/tmp/somewhere", Path("/tmp/somewhere/processed"), Path("/tmp/somewhere")),  # never data/processed
])
def test_output_layout(corpus, out, processed, output):
    assert output_layout(corpus, out)[1:] == (processed.resolve(), output.resolve())


def test_params_file_common_and_per_notebook(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text('label: everywhere\n"03":\n  label: only three\n', encoding="utf-8")
    common, per = load_params(f)
    assert common == {"label": "everywhere"} and per == {"03": {"label": "only three"}}
    declared = {"processed_dir": {}, "out_dir": {}, "label": {}}
    runner = {"processed_dir": "p", "out_dir": "o", "corpus_dir": "c"}
    first = parameters_for(Path("01_a.ipynb"), declared, common, per, runner)
    third = parameters_for(Path("03_c.ipynb"), declared, common, per, runner)
    assert first == {"label": "everywhere", "processed_dir": "p", "out_dir": "o"}  # corpus_dir: not declared
    assert third["label"] == "only three"


@pytest.mark.parametrize("text, message", [
    ("label: [unclosed\n", r"line \d+: not valid YAML"),
    ("- just\n- a list\n", "must be a mapping"),
    ('"02": 5\n', "section for notebook 02 must be a mapping"),
])
def test_bad_params_file_is_a_clear_error(tmp_path, text, message):
    f = tmp_path / "p.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(TranscriptError, match=message):
        load_params(f)


def test_a_parameter_no_notebook_declares_is_refused_before_running(toy_notebooks, tmp_path):
    with pytest.raises(TranscriptError, match="no notebook declares the parameter.*lable.*Known parameters: label"):
        run_workbook(corpus=RAW_DIR, out=tmp_path / "out", notebooks_dir=toy_notebooks, params={"lable": "typo"},
                     progress=False)
    assert not (tmp_path / "out").exists()


def test_cli_parameters_reach_the_notebook(toy_notebooks, tmp_path):
    out = tmp_path / "out"
    f = tmp_path / "p.yaml"
    f.write_text('"03":\n  label: from the file\n', encoding="utf-8")
    rc = run_workbook(corpus=RAW_DIR, out=out, notebooks_dir=toy_notebooks, only=["01", "03"], params_file=f,
                      params={"label": "from the command line"}, progress=False)
    assert rc == 0
    assert json.loads((out / "metrics" / "01_first.json").read_text())["label"] == "from the command line"
    assert json.loads((out / "metrics" / "03_third.json").read_text())["label"] == "from the file"


# ---------------------------------------------------------------- conventions of committed notebooks

@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_committed_notebook_is_small_and_clean(nb_path):
    assert nb_path.stat().st_size < MAX_NOTEBOOK_BYTES
    nb = nbformat.read(nb_path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    dirty = [i for i, c in enumerate(code) if c.outputs or c.execution_count is not None]
    assert not dirty, f"code cells {dirty} have outputs or execution counts: clear them before committing"
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged `parameters`"
    assert nb.metadata.get("kernelspec", {}).get("name") in (None, "transcripts", "python3")
    assert not re.search(r"(/work/|/home/|/Users/|/tmp/|C:\\\\)", nbformat.writes(nb)), "machine path in notebook"


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_parameters_are_discoverable(nb_path):
    """Each parameter is annotated with its type and followed by a `# help` comment, so that
    `papermill --help-notebook` lists it with both (papermill reads the annotation and the comment)."""
    import papermill
    params = papermill.inspect_notebook(str(nb_path))
    assert {"processed_dir", "out_dir"} <= set(params)
    for name, info in params.items():
        assert info["inferred_type_name"] not in (None, "None"), f"{name}: annotate it, e.g. `{name}: int = 5`"
        assert info["help"].strip(), f"{name}: add a `# what it is` comment after the value"


@pytest.mark.skipif(not NOTEBOOKS, reason="no numbered notebooks yet")
def test_papermill_help_notebook_shows_type_and_help():
    nb_path = NOTEBOOKS[0]
    shown = subprocess.run([str(Path(sys.executable).parent / "papermill"), "--help-notebook", str(nb_path)],
                           capture_output=True, text=True, timeout=120).stdout
    import papermill
    for name, info in papermill.inspect_notebook(str(nb_path)).items():
        assert re.search(rf"{name}: {re.escape(info['inferred_type_name'])} \(default ", shown), shown
        assert " ".join(info["help"].split()[:3]) in " ".join(shown.split()), shown


# ---------------------------------------------------------------- the command line

@pytest.mark.parametrize("argv, expected", [
    (["run"], dict(corpus=None, params_file=None, only=None, out=None, params={}, jobs=None)),
    (["run", "--corpus", "c", "--out", "o", "--only", "01", "3", "--params", "p.yaml", "--jobs", "1"],
     dict(corpus="c", params_file="p.yaml", only=["01", "3"], out="o", params={}, jobs=1)),
    # values are read as YAML: 20 is a number, true a flag, [a, b] a list, plain words stay text
    (["run", "-p", "top_n", "20", "-p", "flag", "true", "-p", "terms", "[a, b]", "-p", "who", "Sergey Lavrov"],
     dict(corpus=None, params_file=None, only=None, out=None, jobs=None,
          params={"top_n": 20, "flag": True, "terms": ["a", "b"], "who": "Sergey Lavrov"})),
])
def test_cli_run_arguments(monkeypatch, argv, expected):
    from transcripts.__main__ import main
    seen = {}
    monkeypatch.setattr("transcripts.workbook.run_workbook", lambda **kwargs: seen.update(kwargs) or 0)
    assert main(argv) == 0
    assert seen == expected


def test_cli_ctrl_c_is_one_line_and_exit_130(monkeypatch, capsys):
    from transcripts.__main__ import main

    def interrupted(**kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("transcripts.workbook.run_workbook", interrupted)
    assert main(["run"]) == 130
    err = capsys.readouterr().err
    assert "interrupted" in err and "Traceback" not in err


def test_cli_unknown_parameter_exits_2_with_a_message(tmp_path, capsys):
    from transcripts.__main__ import main
    assert main(["run", "--out", str(tmp_path / "out"), "-p", "no_such_parameter", "1"]) == 2
    assert "no notebook declares the parameter(s) no_such_parameter" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_tables_are_rebuilt_only_when_the_corpus_changed(tmp_path, sample_text, monkeypatch):
    import pandas as pd

    import transcripts.build as build
    from transcripts.workbook import ensure_tables
    read = []  # the files a build really reads (not taken from the cache)
    process = build._process_file
    monkeypatch.setattr(build, "_process_file", lambda job: read.append(Path(job[0]).name) or process(job))
    corpus, processed = tmp_path / "corpus", tmp_path / "processed"
    corpus.mkdir()
    (corpus / "a.txt").write_text(sample_text, encoding="utf-8")
    (corpus / "b.txt").write_text("Sergey Lavrov: Opening.\n\nQuestion: Why?\n\nSergey Lavrov: Because.\n",
                                  encoding="utf-8")
    assert ensure_tables(corpus, processed, progress=False).wrote is True  # nothing built yet
    assert sorted(read) == ["a.txt", "b.txt"]
    read.clear()
    assert ensure_tables(corpus, processed, progress=False).wrote is False  # same files: no second build
    assert read == []
    (corpus / "b.txt").write_text("Sergey Lavrov: Opening remarks.\n\nQuestion: Why?\n\nSergey Lavrov: Because.\n",
                                  encoding="utf-8")
    assert ensure_tables(corpus, processed, progress=False).wrote is True  # edited file
    assert read == ["b.txt"]  # only the changed file is read again
    turns = pd.read_parquet(processed / "turns.parquet")
    assert turns[turns.doc_id == "b"].text.iloc[0] == "Opening remarks."  # the tables hold the edit
    read.clear()
    monkeypatch.setattr(build, "CACHE_VERSION", build.CACHE_VERSION + 1)  # stands for a changed reader or resource
    assert ensure_tables(corpus, processed, progress=False).wrote is True
    assert sorted(read) == ["a.txt", "b.txt"]
    read.clear()
    (corpus / "c.txt").write_bytes((corpus / "a.txt").read_bytes())  # a new file, duplicating a.txt
    assert ensure_tables(corpus, processed, progress=False).wrote is True  # a file added: the key changes
    assert read == ["c.txt"]
    assert len(pd.read_parquet(processed / "documents.parquet")) == 2  # the duplicate is skipped by the build


def test_table_csv_corpus_is_not_rebuilt_when_unchanged(tmp_path):
    # A CSV of turns: its documents' source_sha256 is the hash of the rendering, not of the file, which
    # made the old check rebuild it on every run.
    from transcripts.workbook import ensure_tables
    corpus, processed = tmp_path / "corpus", tmp_path / "processed"
    corpus.mkdir()
    (corpus / "turns.csv").write_text("doc_id,speaker,text\nd1,Sergey Lavrov,Hello.\nd1,Question,Why?\n",
                                      encoding="utf-8")
    assert ensure_tables(corpus, processed, progress=False).wrote is True
    assert ensure_tables(corpus, processed, progress=False).wrote is False


def test_when_the_building_notebook_fails_the_others_still_have_the_tables(tmp_path):
    # The runner builds the tables (through the cache notebook 01 shares) before any notebook runs.
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    folder = tmp_path / "nbs"
    folder.mkdir()
    builder = _notebook([md("# Builder\nBuilds the tables, but fails first."), code(
        'corpus_dir: str = "data/raw"  # transcripts\nprocessed_dir: str = "data/processed"  # tables\n'
        'out_dir: str = "outputs"  # results', metadata={"tags": ["parameters"]}),
        code("raise RuntimeError('reader broke')")])
    nbformat.write(builder, folder / "01_builder.ipynb")
    reader = _good("02_reader")
    reader.cells.append(code("from pathlib import Path\nassert Path(processed_dir, 'turns.parquet').exists()"))
    nbformat.write(reader, folder / "02_reader.ipynb")
    out = tmp_path / "out"
    assert run_workbook(corpus=RAW_DIR, out=out, notebooks_dir=folder, progress=False) == 1
    run = {n["name"]: n for n in json.loads((out / "run.json").read_text())["notebooks"]}
    assert run["01_builder"]["status"] == "failed" and "RuntimeError: reader broke" in run["01_builder"]["error"]
    assert run["02_reader"]["status"] == "ok"
    assert (out / "processed" / "turns.parquet").exists()


def test_unreadable_files_are_named_and_make_the_run_fail(toy_notebooks, tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("Sergey Lavrov: Hello.\n\nQuestion: Why?\n", encoding="utf-8")
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    status = run_workbook(corpus=corpus, out=tmp_path / "out", notebooks_dir=toy_notebooks, progress=False)
    err = capsys.readouterr().err
    assert status != 0
    assert "empty.txt" in err and "the file is empty" in err
    assert "1 file(s) of the corpus could not be read" in err
    assert (tmp_path / "out" / "processed" / "turns.parquet").exists()  # the good file was built


def test_executed_notebooks_get_no_progress_bars(tmp_path):
    # Progress bars in a kernel run by the runner would fill the rendered page; the runner switches them off
    # for the kernel only, and leaves the caller's setting as it was.
    folder = tmp_path / "nbs"
    folder.mkdir()
    nb = _good("01_quiet")
    nb.cells.append(nbformat.v4.new_code_cell(
        "import os\nprint('progress setting in kernel:', os.environ.get('TRANSCRIPTS_PROGRESS'))"))
    nbformat.write(nb, folder / "01_quiet.ipynb")
    out = tmp_path / "out"
    assert run_workbook(corpus=RAW_DIR, out=out, notebooks_dir=folder, progress=False) == 0
    executed = nbformat.read(out / "notebooks" / "01_quiet.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in executed.cells if c.cell_type == "code" for o in c.outputs)
    assert "progress setting in kernel: 0" in printed
    assert os.environ.get("TRANSCRIPTS_PROGRESS") is None


def test_progress_bars_follow_the_environment(monkeypatch):
    from transcripts import progress
    monkeypatch.setenv("TRANSCRIPTS_PROGRESS", "0")
    assert progress.tqdm(range(3)).disable is True
    monkeypatch.setenv("TRANSCRIPTS_PROGRESS", "1")
    assert progress.tqdm(range(3)).disable is False
    assert progress.tqdm(range(3), disable=True).disable is True
