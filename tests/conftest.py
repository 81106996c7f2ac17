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
