"""One engine for per-document work: the same tables from one process, the pool and a Dask cluster."""
from __future__ import annotations

import os

import pandas as pd
import pytest

from transcripts import engine
from transcripts.claims import extract_claims
from transcripts.errors import TranscriptError
from transcripts.quantities import quantities_table
from transcripts.speakers import sentence_tone


@pytest.mark.parametrize("given, expected", [
    ("pool", "pool"), ("", "pool"), ("processes", "pool"), ("local", "local"), (" LOCAL ", "local"),
    ("10.0.0.5:8786", "tcp://10.0.0.5:8786"), ("tcp://10.0.0.5:8786", "tcp://10.0.0.5:8786"),
    ("tls://scheduler.example.org:8786", "tls://scheduler.example.org:8786"),
])
def test_engine_names(given, expected):
    assert engine.engine_name(given) == expected


def test_engine_from_environment(monkeypatch):
    monkeypatch.setenv(engine.ENV_VAR, "10.0.0.5:8786")
    assert engine.engine_name() == "tcp://10.0.0.5:8786"
    monkeypatch.delenv(engine.ENV_VAR)
    assert engine.engine_name() == "pool"


def test_a_name_that_is_no_address_is_a_clear_error():
    with pytest.raises(TranscriptError, match="neither 'pool', 'local' nor an address"):
        engine.engine_name("my-cluster")


def test_no_scheduler_at_the_address_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("TRANSCRIPTS_SCHEDULER_TIMEOUT", "2s")
    parts = [pd.DataFrame({"x": [1]})]
    with pytest.raises(TranscriptError, match="no Dask scheduler answered at tcp://127.0.0.1:9"):
        list(engine.map_documents(len, parts, scheduler="127.0.0.1:9"))


def test_cli_refuses_a_bad_scheduler_before_running(capsys, monkeypatch):
    from transcripts.__main__ import main

    monkeypatch.delenv(engine.ENV_VAR, raising=False)
    assert main(["run", "--scheduler", "my-cluster", "--only", "01"]) == 2
    assert "neither 'pool', 'local' nor an address" in capsys.readouterr().err
    assert engine.ENV_VAR not in os.environ


def _pseudo_documents(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The sample split into one pseudo-document per turn (17), so that there are documents to share out."""
    tables = {k: v.copy() for k, v in tables.items()}
    for name in ("turns", "sentences"):
        tables[name]["doc_id"] = tables[name].doc_id + "-" + tables[name].turn_index.astype(str)
    docs = tables["documents"].iloc[[0] * tables["turns"].doc_id.nunique()].copy()
    docs["doc_id"] = tables["turns"].doc_id.unique()
    tables["documents"] = docs.reset_index(drop=True)
    return tables


def _analyses(tables, workers):
    claims = extract_claims(tables, progress=False, workers=workers)  # with every sentence's check-worthiness
    quantities = quantities_table(tables, progress=False, workers=workers)
    tone = sentence_tone(tables["sentences"], progress=False, workers=workers)
    return {"claims": claims, "quantities": quantities, "tone": tone}


@pytest.fixture(scope="module")
def cluster():
    """A two-worker Dask cluster of processes on this machine (about 5–15 s to start on a loaded machine)."""
    distributed = pytest.importorskip("distributed")
    import logging

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  silence_logs=logging.ERROR) as c:
        yield c
        engine.shutdown()  # the engine's own client of it, before the cluster goes


def test_local_cluster_gives_the_one_process_tables(sample_tables, cluster, monkeypatch):
    from distributed import Client

    tables = _pseudo_documents(sample_tables)
    one = _analyses(tables, workers=1)
    monkeypatch.setenv(engine.ENV_VAR, cluster.scheduler_address)
    on_cluster = _analyses(tables, workers=None)
    with Client(cluster, set_as_default=False) as watcher:  # what each worker ran
        tasks = watcher.run(lambda dask_worker: sum(1 for e in dask_worker.state.log if "_apply_all" in str(e)))
    assert len(tasks) == 2 and sum(tasks.values()) > 0, f"the cluster's workers did not run the analyses: {tasks}"
    assert len(one["claims"]) > 100 and len(one["quantities"]) > 10 and one["tone"].tone.ne(0).any()
    assert one["claims"].checkworthiness.notna().all()
    for name in one:
        pd.testing.assert_frame_equal(one[name], on_cluster[name], check_exact=True, obj=name)


def test_cluster_results_come_back_in_order(cluster):
    parts = [pd.DataFrame({"x": range(n)}) for n in range(40)]
    got = list(engine.map_documents(len, parts, scheduler=cluster.scheduler_address))
    assert got == list(range(40))
