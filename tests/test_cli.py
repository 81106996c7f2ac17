"""The command line follows habits (issue 15, item 5): paths from the current folder, `--format list`,
"did you mean" for mistyped commands, options, notebooks and parameters, a `-p` parameter that only
notebooks left out by `--only` declare, and a top-level `--help` listing the commands one line each.

Nothing here starts a kernel: the runner is replaced where a test only checks what reaches it, and the
parameter checks read the `parameters` cells of small notebooks written into tmp_path (or of the
project's own notebooks, whatever they declare today).
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill
import pytest

from transcripts.__main__ import formats_listing, main, make_parser
from transcripts.errors import TranscriptError
from transcripts.paths import NOTEBOOKS_DIR, PROJECT_ROOT, RAW_DIR
from transcripts.readers import READERS
from transcripts.workbook import did_you_mean, ensure_tables, find_notebooks, run_workbook, shown_path


def _nb(folder: Path, name: str, params: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "transcripts", "display_name": "Python (transcripts)", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {name}"),
                nbformat.v4.new_code_cell(params, metadata={"tags": ["parameters"]})]
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture
def two_notebooks(tmp_path) -> Path:
    """01 declares top_n_terms, 02 declares top_n_topics and freq; both the runner's folders."""
    folder = tmp_path / "nbs"
    folder.mkdir()
    common = 'processed_dir: str = "data/processed"  # tables\nout_dir: str = "outputs/scratch"  # results\n'
    _nb(folder, "01_speakers", common + "top_n_terms: int = 15  # terms shown\n")
    _nb(folder, "02_topics", common + 'top_n_topics: int = 8  # topics drawn\nfreq: str = "month"  # period\n')
    return folder


@pytest.fixture
def captured_run(monkeypatch) -> dict:
    """`python -m transcripts run` with the runner replaced: what would reach it."""
    seen: dict = {}
    monkeypatch.setattr("transcripts.workbook.run_workbook", lambda **kwargs: seen.update(kwargs) or 0)
    return seen


# ---------------------------------------------------------------- --help

def test_top_level_help_lists_each_command_on_one_line(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    shown = capsys.readouterr().out
    commands = shown.split("commands:", 1)[1].split("\n\n", 1)[0].strip("\n").splitlines()
    _, subs = make_parser()
    # one line per command, its name first and then its help, no wrapped continuation lines
    assert [line.split()[0] for line in commands] == list(subs) == ["build", "run", "speakers"]
    for line in commands:
        assert len(line.split()) > 3, f"no help text on {line!r}"
    assert "COMMAND --help" in shown  # says where each command's options are


def test_help_runs_as_a_program():
    proc = subprocess.run([sys.executable, "-m", "transcripts", "--help"], capture_output=True, text=True,
                          timeout=120, cwd=PROJECT_ROOT)
    assert proc.returncode == 0 and re.search(r"^\s+run\s+\S", proc.stdout, re.M), proc.stdout + proc.stderr


# ---------------------------------------------------------------- did you mean

@pytest.mark.parametrize("word, options, expected", [
    ("top_n_term", ["top_n_terms", "top_n_topics", "freq"], ". Did you mean top_n_terms?"),  # only the closest
    ("top_n_t", ["top_n_terms", "top_n_topics", "freq"], ". Did you mean top_n_terms or top_n_topics?"),
    ("frq", ["freq", "doc_ids"], ". Did you mean freq?"),
    ("date_form", ["date_from", "date_to"], ". Did you mean date_from?"),
    ("zzz", ["freq", "doc_ids"], ""),  # nothing close: no guess
    ("freq", [], ""),
])
def test_did_you_mean(word, options, expected):
    assert did_you_mean(word, options) == expected


def test_a_mistyped_command_is_answered_with_the_nearest(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["buld"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'buld'" in err and "did you mean build?" in err


def test_a_mistyped_option_is_answered_with_the_nearest(capsys, captured_run):
    with pytest.raises(SystemExit) as stop:
        main(["run", "--corpse", "x"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "unrecognized arguments: --corpse x" in err and "--corpse: did you mean --corpus?" in err
    assert "usage: python -m transcripts run" in err  # the command's own usage, not the top-level one
    assert captured_run == {}  # nothing ran


def test_a_mistyped_parameter_is_answered_with_the_declared_names(two_notebooks, tmp_path):
    with pytest.raises(TranscriptError, match=r"no notebook declares the parameter\(s\) top_n_term\. "
                                              r"top_n_term: did you mean top_n_terms\?"):
        run_workbook(corpus=RAW_DIR, out=tmp_path / "out", notebooks_dir=two_notebooks,
                     params={"top_n_term": 5}, progress=False)
    assert not (tmp_path / "out").exists()  # refused before anything ran


def test_a_negative_count_is_refused_before_anything_runs(two_notebooks, tmp_path):
    # `-p top_n_terms -5` used to fail inside the notebook; a count's default (15) says it cannot be negative
    with pytest.raises(TranscriptError, match=r"parameter top_n_terms must be 0 or more \(a count or a size\), "
                                              r"not -5\. The notebook's default is 15"):
        run_workbook(corpus=RAW_DIR, out=tmp_path / "out", notebooks_dir=two_notebooks,
                     params={"top_n_terms": -5}, progress=False)
    assert not (tmp_path / "out").exists()


def test_a_parameter_far_from_every_name_lists_the_known_ones(two_notebooks, tmp_path):
    with pytest.raises(TranscriptError, match=r"declares the parameter\(s\) colour\. Known parameters: freq, "
                                              r"top_n_terms, top_n_topics$"):
        run_workbook(corpus=RAW_DIR, out=tmp_path / "out", notebooks_dir=two_notebooks, params={"colour": 1},
                     progress=False)


def test_a_parameter_only_left_out_notebooks_declare_says_so(two_notebooks, tmp_path):
    with pytest.raises(TranscriptError) as err:
        run_workbook(corpus=RAW_DIR, out=tmp_path / "out", notebooks_dir=two_notebooks, only=["02"],
                     params={"top_n_terms": 5}, progress=False)
    message = str(err.value)
    assert "-p top_n_terms: not declared by the selected notebooks (02_topics); declared by 01_speakers" in message
    assert "Add it to --only" in message and "\n" not in message
    assert not (tmp_path / "out").exists()


def test_a_params_file_may_hold_parameters_for_notebooks_not_selected(two_notebooks, tmp_path, monkeypatch):
    # a workbook-wide parameters file used with --only: its keys for the other notebooks are not an error
    f = tmp_path / "p.yaml"
    f.write_text("top_n_terms: 20\nfreq: week\n", encoding="utf-8")
    ran = {}
    monkeypatch.setattr("transcripts.workbook.check_kernel", lambda *a: None)
    monkeypatch.setattr("transcripts.workbook._run_in_order",
                        lambda notebooks, declared, settings, *a: ran.update(settings) or [])
    monkeypatch.setattr("transcripts.workbook._write_index", lambda manifest, out, nbs: out / "index.html")
    run_workbook(corpus=RAW_DIR, out=tmp_path / "out", notebooks_dir=two_notebooks, only=["02"], params_file=f,
                 progress=False, jobs=1)
    (params,) = ran.values()
    assert params["freq"] == "week" and "top_n_terms" not in params


def test_the_project_notebooks_parameters_are_read_at_run_time(tmp_path):
    # Whatever the notebooks declare today: a name one notebook declares, given with --only another notebook
    # that does not, is refused as "not declared by the selected notebooks" (no hard-coded list of names).
    notebooks = find_notebooks()
    declared = {nb: set(papermill.inspect_notebook(str(nb))) for nb in notebooks}
    pairs = [(name, nb, other) for nb in notebooks for other in notebooks
             for name in sorted(declared[nb] - declared[other] - {"corpus_dir"})]
    if not pairs:
        pytest.skip("every notebook declares the same parameters")
    name, owner, other = pairs[0]
    with pytest.raises(TranscriptError, match=rf"-p {name}: not declared by the selected notebooks \({other.stem}\)"
                                              rf"; declared by .*{owner.stem}"):
        run_workbook(out=tmp_path / "out", only=[other.stem], params={name: 1}, progress=False)


@pytest.mark.parametrize("only, message", [
    (["02_topic"], r"no notebook matches 02_topic \(did you mean 02_topics\?\)"),
    (["7"], r"no notebook matches 7\..*available: 01_speakers, 02_topics"),
])
def test_a_mistyped_notebook_is_answered_with_the_nearest(two_notebooks, only, message):
    with pytest.raises(TranscriptError, match=message):
        find_notebooks(only, two_notebooks)


def test_a_params_file_section_for_a_mistyped_notebook(two_notebooks, tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text('"02_topic":\n  freq: week\n', encoding="utf-8")
    with pytest.raises(TranscriptError, match=r"section '02_topic' is for a notebook that does not exist "
                                              r"\(did you mean 02_topics\?\)"):
        run_workbook(corpus=RAW_DIR, out=tmp_path / "out", notebooks_dir=two_notebooks, params_file=f,
                     progress=False)


def test_a_mistyped_parameter_in_a_notebook_section(two_notebooks, tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text('"02":\n  frq: week\n', encoding="utf-8")
    with pytest.raises(TranscriptError, match=r"frq given for this notebook, which does not declare them "
                                              r"\(did you mean freq\?\)"):
        run_workbook(corpus=RAW_DIR, out=tmp_path / "out", notebooks_dir=two_notebooks, params_file=f,
                     progress=False)


def test_cli_errors_are_one_line(two_notebooks, tmp_path, capsys, monkeypatch):
    assert main(["run", "--out", str(tmp_path / "out"), "-p", "top_n_term", "5"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "did you mean" in err


# ---------------------------------------------------------------- --format

def test_format_list_names_every_reader_with_its_extensions(capsys):
    assert main(["build", "--format", "list"]) == 0
    shown = capsys.readouterr().out
    for name, reader in READERS.items():
        line = next((ln for ln in shown.splitlines() if ln.split()[:1] == [name]), None)
        assert line is not None, f"{name} not listed"
        assert all(ext in line for ext in reader.EXTENSIONS)
    assert "White House" in shown and "Kremlin" in shown  # what each reads, from the readers' docstrings
    assert formats_listing() == shown.rstrip("\n")


def test_build_help_names_the_formats(capsys):
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert all(name in shown for name in READERS) and "--format list" in shown


def test_an_unknown_format_is_refused_before_reading(tmp_path, capsys):
    assert main(["build", str(RAW_DIR), "--out", str(tmp_path / "out"), "--format", "whitehouse", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "--format whitehouse: no such format. Did you mean whitehouse_md?" in err and "--format list" in err
    assert err.count("\n") == 1
    assert not (tmp_path / "out" / "turns.parquet").exists()


# ---------------------------------------------------------------- paths from the current folder

def test_run_paths_are_taken_from_the_current_folder(tmp_path, monkeypatch, captured_run):
    here = tmp_path / "project" / "sub"
    (tmp_path / "project" / "corpus").mkdir(parents=True)
    here.mkdir()
    (here / "p.yaml").write_text("freq: week\n", encoding="utf-8")
    monkeypatch.chdir(here)
    assert main(["run", "--corpus", "../corpus", "--params", "p.yaml", "--out", "../out"]) == 0
    assert captured_run["corpus"] == tmp_path / "project" / "corpus"
    assert captured_run["params_file"] == here / "p.yaml"
    assert captured_run["out"] == tmp_path / "project" / "out"


def test_from_the_project_root_relative_paths_are_the_project_paths(monkeypatch, captured_run):
    monkeypatch.chdir(PROJECT_ROOT)
    assert main(["run", "--corpus", "data/raw"]) == 0
    assert captured_run["corpus"] == RAW_DIR


def test_build_reads_the_corpus_named_from_a_subfolder(tmp_path, monkeypatch, capsys, sample_text):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text(sample_text, encoding="utf-8")
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    assert main(["build", "../corpus", "--out", "tables", "--quiet"]) == 0
    assert (tmp_path / "work" / "tables" / "turns.parquet").exists()
    assert "into tables" in capsys.readouterr().out  # shown as typed, from the current folder


def test_a_missing_path_names_the_current_folder_and_the_project_path(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(NOTEBOOKS_DIR)  # `data/raw` is the project's, but not from here
    assert main(["run", "--corpus", "data/raw"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: data/raw: no such file or folder (--corpus)") and err.count("\n") == 1
    assert f"relative to the current folder ({NOTEBOOKS_DIR})" in err and "did you mean ../data/raw?" in err


def test_runner_messages_show_paths_from_the_current_folder(tmp_path, monkeypatch, capsys, sample_text):
    corpus, processed = tmp_path / "corpus", tmp_path / "out" / "processed"
    corpus.mkdir()
    (corpus / "a.txt").write_text(sample_text, encoding="utf-8")
    monkeypatch.chdir(tmp_path / "corpus")
    ensure_tables(corpus, processed, progress=False)
    assert "from . into ../out/processed" in capsys.readouterr().out


@pytest.mark.parametrize("where, path, expected", [
    ("root", "data/raw", "data/raw"),
    ("root", "../shared/corpora", "../shared/corpora"),  # as reports show it
    ("notebooks", "data/raw", "../data/raw"),
    ("notebooks", "notebooks/x.ipynb", "x.ipynb"),
])
def test_shown_path(monkeypatch, where, path, expected):
    monkeypatch.chdir(PROJECT_ROOT if where == "root" else NOTEBOOKS_DIR)
    assert shown_path(PROJECT_ROOT / path) == expected


def test_a_path_far_away_is_shown_whole(monkeypatch):
    monkeypatch.chdir(NOTEBOOKS_DIR)
    far = Path("/") / "x_w15c" / "y"
    assert shown_path(far) == str(far)


def test_a_p_value_naming_a_file_here_reaches_the_notebooks_from_the_project_root(tmp_path, monkeypatch, capsys,
                                                                               captured_run):
    rules = NOTEBOOKS_DIR / "01_load_and_clean.ipynb"  # any file of the project, named from a subfolder
    monkeypatch.chdir(NOTEBOOKS_DIR)
    assert main(["run", "-p", "rules_file", rules.name, "-p", "freq", "week"]) == 0
    assert captured_run["params"] == {"rules_file": f"notebooks/{rules.name}", "freq": "week"}
    assert "given to the notebooks" in capsys.readouterr().err  # the change is said, not silent


def test_an_unreadable_notebook_left_out_by_only_does_not_stop_the_checks(two_notebooks, tmp_path):
    (two_notebooks / "03_broken.ipynb").write_text("{ not json", encoding="utf-8")
    with pytest.raises(TranscriptError, match=r"-p top_n_terms: not declared by the selected notebooks "
                                              r"\(02_topics\); declared by 01_speakers\."):
        run_workbook(corpus=RAW_DIR, out=tmp_path / "out", notebooks_dir=two_notebooks, only=["02"],
                     params={"top_n_terms": 5}, progress=False)


def test_the_run_record_shows_the_command_with_paths_from_the_project_root(monkeypatch):
    # typed from a subfolder, recorded as the project sees them (run.json, the index)
    from transcripts.workbook import _shown_arguments
    monkeypatch.chdir(NOTEBOOKS_DIR)
    assert _shown_arguments(["--corpus", "../data/raw", "--out=../outputs/x", "--only", "01"]) == [
        "--corpus", "data/raw", "--out=outputs/x", "--only", "01"]
