"""Shared fixtures: the sample built once per test session, and the real corpora in ../shared."""
from __future__ import annotations

import pytest

from transcripts import build_corpus, write_tables
from transcripts.paths import RAW_DIR, SAMPLE_FILE, SHARED_DIR

CORPORA_DIR = SHARED_DIR / "corpora"
WHITEHOUSE_DIR = CORPORA_DIR / "whitehouse_briefings"
KREMLIN_DIR = CORPORA_DIR / "kremlin_pages"

needs_whitehouse = pytest.mark.skipif(
    not WHITEHOUSE_DIR.is_dir(),
    reason=f"White House corpus not found at {WHITEHOUSE_DIR} (../shared is absent on a user's fresh clone; CI has it)")
needs_kremlin = pytest.mark.skipif(
    not KREMLIN_DIR.is_dir(),
    reason=f"Kremlin pages not found at {KREMLIN_DIR} (../shared is absent on a user's fresh clone; CI has it)")


@pytest.fixture(scope="session")
def sample_tables():
    """The embedded sample's tables, built in memory."""
    result = build_corpus(RAW_DIR, progress=False)
    assert result.ok, result.errors
    return result.tables


@pytest.fixture(scope="session")
def sample_processed(tmp_path_factory, sample_tables):
    """A folder holding the sample's processed Parquet tables (for notebook tests)."""
    out = tmp_path_factory.mktemp("processed_sample")
    write_tables(sample_tables, out)
    return out


@pytest.fixture(scope="session")
def sample_text() -> str:
    return SAMPLE_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def sample_workbook(tmp_path_factory):
    """The whole workbook (every numbered notebook) run ONCE per session on the sample, into a temporary
    folder; shared by the runner, browser, regression and nbval tests. `.rc` is the runner's exit code,
    `.out` the output folder (notebooks/, html/, metrics/, processed/, run.json)."""
    from types import SimpleNamespace

    from transcripts.workbook import run_workbook
    out = tmp_path_factory.mktemp("workbook_sample")
    rc = run_workbook(corpus=RAW_DIR, out=out, progress=False)
    return SimpleNamespace(rc=rc, out=out)


def build_subset(files, root):
    """Copy `files` (keeping their month folders, so equal names cannot clash) into `root/corpus`, build
    them, and return the folder of processed tables `root/processed`."""
    import shutil

    corpus = root / "corpus"
    for f in files:
        (corpus / f.parent.name).mkdir(parents=True, exist_ok=True)
        shutil.copy(f, corpus / f.parent.name / f.name)
    result = build_corpus(corpus, progress=False)
    assert result.ok, result.errors
    return write_tables(result.tables, root / "processed")


def execute_notebook(notebook: str, tmp_path, processed, **params):
    """Execute notebooks/<notebook>.ipynb with papermill into tmp_path on `processed`; return its out_dir."""
    import papermill as pm

    from transcripts.paths import KERNEL_NAME, NOTEBOOKS_DIR
    from transcripts.workbook import execution_options

    out = tmp_path / "out"
    pm.execute_notebook(NOTEBOOKS_DIR / f"{notebook}.ipynb", tmp_path / f"{notebook[:2]}.ipynb",
                        kernel_name=KERNEL_NAME, progress_bar=False,
                        parameters=dict(processed_dir=str(processed), out_dir=str(out), **params),
                        **execution_options())  # the runner's timeouts, sized for a loaded machine (issue 18)
    return out
