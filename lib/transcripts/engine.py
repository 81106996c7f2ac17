"""One engine for per-document work, from a laptop to a cluster.

The per-document analyses (VADER tone, claims, check-worthiness, quantities; see `transcripts.percache`)
hand their documents to `map_documents`, which runs a module-level function on each and gives the
results back in order. Where it runs is chosen by `scheduler` (a parameter), else by the
`TRANSCRIPTS_SCHEDULER` environment variable (which `python -m transcripts run --scheduler ADDRESS` sets
for every notebook it runs), else the default:

- `"pool"` (the default): this machine's cores, in a process pool forked from this process (no pool
  below `min_pool` documents: starting one costs about a second);
- `"local"`: a Dask `LocalCluster` on this machine, one single-threaded worker process per core, started
  once per process and kept for its later calls;
- an address (`tcp://10.0.0.5:8786`, `10.0.0.5:8786`): an existing Dask cluster (`dask scheduler` and
  `dask worker` on any number of machines, each with this project installed: `pip install -e .` and the
  same `requirements.txt`).

Whichever runs, the results are the same, frame for frame (tests compare a two-worker `LocalCluster` with
one process); `workers=1` always means this process, whatever the scheduler (the warm-up uses it).
The pool is the default: on one machine a `LocalCluster` is about as fast, not faster (its workers are fresh
interpreters, the pool's are forked with the package imported), and on a small corpus any cluster's start-up
would dominate (`benchmarks/README.md`, "Scale").
"""
from __future__ import annotations

import atexit
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pandas as pd

#: The environment variable naming the engine: `pool`, `local` or a Dask scheduler's address.
ENV_VAR = "TRANSCRIPTS_SCHEDULER"
#: Documents sent to a Dask worker in one task (fewer round trips for many small documents).
MAX_CHUNK = 16

_clients: dict[str, Any] = {}  # engine → distributed.Client, kept for the life of the process


def engine_name(scheduler: str | None = None) -> str:
    """`pool`, `local` or a scheduler address: `scheduler`, else `$TRANSCRIPTS_SCHEDULER`, else `pool`.

    >>> engine_name("pool"), engine_name(" local "), engine_name("10.0.0.5:8786")
    ('pool', 'local', 'tcp://10.0.0.5:8786')
    """
    value = (scheduler if scheduler is not None else os.environ.get(ENV_VAR, "")).strip()
    if value.lower() in ("", "pool", "processes"):
        return "pool"
    if value.lower() in ("local", "localcluster"):
        return "local"
    if "://" not in value:
        if ":" not in value:
            from .errors import TranscriptError
            raise TranscriptError(None, f"scheduler {value!r} is neither 'pool', 'local' nor an address",
                                  hint="Give a Dask scheduler's address such as tcp://10.0.0.5:8786 (host:port), "
                                       f"'local' for a cluster on this machine, or 'pool' (the default; "
                                       f"also when {ENV_VAR} is unset)")
        value = f"tcp://{value}"
    return value


def use(scheduler: str | None, *, share: bool = False) -> str:
    """Choose the engine for the rest of this process and the processes it starts: `pool`, `local` or a
    Dask scheduler's address; None: back to the default. Returns the engine's name. In a notebook,
    `transcripts.engine.use("tcp://10.0.0.5:8786")` before the analyses does what `--scheduler` does for a run.

    `share` with `local`: start the `LocalCluster` now and hand its address on, so that every process
    started afterwards (the notebooks' kernels of a run) uses this one cluster rather than each its own.

    >>> use("pool"), use(None)
    ('pool', 'pool')
    """
    if scheduler is None or not str(scheduler).strip():
        os.environ.pop(ENV_VAR, None)
        return engine_name()
    name = engine_name(str(scheduler))
    if name == "local" and share:
        name = client("local").scheduler.address
        _clients[name] = _clients["local"]
    os.environ[ENV_VAR] = name
    return name


def map_documents(func: Callable[[pd.DataFrame], pd.DataFrame], parts: Sequence[pd.DataFrame], *,
                  workers: int | None = None, scheduler: str | None = None,
                  min_pool: int = 24) -> Iterator[pd.DataFrame]:
    """`func(part)` for each part, yielded in order, on the engine `scheduler` names (see the module).

    Args:
        func: a module-level function (or a `functools.partial` of one): it is sent to other processes,
            and to other machines on a cluster, by name.
        workers: processes of the pool (default: every core); 1: this process, whatever the engine.
        min_pool: below this many parts the pool is not started (a cluster is used for any number).

    >>> list(map_documents(len, [pd.DataFrame({"x": [1, 2]})], workers=1))
    [2]
    """
    if not parts:
        return
    engine = engine_name(scheduler)
    if workers == 1:
        yield from map(func, parts)
    elif engine == "pool":
        yield from _pool_map(func, parts, workers or os.cpu_count() or 1, min_pool)
    else:
        yield from _dask_map(client(engine), func, parts)


def _pool_map(func, parts: Sequence[pd.DataFrame], n_workers: int, min_pool: int) -> Iterator[pd.DataFrame]:
    """func(part) for each part, in order; by a process pool when there are enough parts."""
    if n_workers > 1 and len(parts) >= min_pool:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # fork where there is one (Linux, macOS): workers start at once, with the modules already
        # imported, and a script that calls this at module level is not run again in each worker (as
        # spawn would); they get plain Python objects only, so threads Arrow keeps in the parent
        # are never needed in a child
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        n_workers = min(n_workers, len(parts))
        with ProcessPoolExecutor(max_workers=n_workers, mp_context=ctx) as pool:
            yield from _windowed(lambda chunk: pool.submit(_apply_all, func, chunk), lambda f: f.result(),
                                 parts, size=max(1, min(MAX_CHUNK, len(parts) // (n_workers * 8))),
                                 window=4 * n_workers)
    else:
        yield from map(func, parts)


def _apply_all(func, parts: list[pd.DataFrame]) -> list[pd.DataFrame]:
    """One task: `func` on a few documents."""
    return [func(part) for part in parts]


def _dask_map(client, func, parts: Sequence[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """func(part) for each part on a Dask cluster, in order."""
    threads = max(1, sum(client.nthreads().values()))

    def result(future):
        try:
            return future.result()
        finally:
            future.release()

    yield from _windowed(lambda chunk: client.submit(_apply_all, func, chunk, pure=False), result, parts,
                         size=max(1, min(MAX_CHUNK, len(parts) // (threads * 8))), window=4 * threads)


def _windowed(submit, result, parts: Sequence[pd.DataFrame], *, size: int, window: int) -> Iterator[pd.DataFrame]:
    """The results of `parts` sent `size` at a time, in order, with at most `window` tasks in flight: the
    parts are taken from `parts` (which may make them as they are asked for) only when sent, so neither
    this process nor the workers hold every document at once."""
    pending: deque = deque()
    start = 0
    try:
        while start < len(parts) or pending:
            while start < len(parts) and len(pending) < window:
                pending.append(submit(parts[start:start + size]))
                start += size
            yield from result(pending.popleft())
    finally:
        for future in pending:  # stopped early (an error, the caller gave up): nothing left to run for us
            future.cancel()


def client(engine: str):
    """The `distributed.Client` of an engine (`local` or an address), made at its first use in this process
    and kept (a `LocalCluster` costs a few seconds to start)."""
    if engine in _clients:
        return _clients[engine]
    import logging

    from distributed import Client, LocalCluster

    if engine == "local":
        try:
            cluster = LocalCluster(n_workers=_cores(), threads_per_worker=1, processes=True, dashboard_address=":0",
                                   silence_logs=logging.CRITICAL)
        except RuntimeError as exc:
            from .errors import TranscriptError
            raise TranscriptError(None, f"the local Dask cluster did not start ({exc})",
                                  hint="Its workers are new Python processes that import the main script again: a "
                                       "script must do its work under `if __name__ == \"__main__\":`; or use the "
                                       f"default engine (unset {ENV_VAR})") from None
        _clients[engine] = Client(cluster, set_as_default=False)
    else:
        try:
            _clients[engine] = Client(engine, set_as_default=False, timeout=_connect_timeout())
        except (OSError, TimeoutError) as exc:
            from .errors import TranscriptError
            raise TranscriptError(None, f"no Dask scheduler answered at {engine} ({exc})",
                                  hint=f"Start one (`dask scheduler`, then `dask worker {engine}` on each "
                                       f"machine), check the address, or unset {ENV_VAR} to use this "
                                       "machine's cores") from None
    return _clients[engine]


def shutdown() -> None:
    """Close every client this process opened (and the `LocalCluster` it started); done at exit."""
    clients = {id(c): c for c in _clients.values()}
    _clients.clear()
    for c in clients.values():
        cluster = getattr(c, "cluster", None)
        try:
            c.close()
            if cluster is not None:
                cluster.close()
        except Exception:  # noqa: BLE001 - closing at exit: nothing to report to
            pass


atexit.register(shutdown)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _connect_timeout() -> str:
    return os.environ.get("TRANSCRIPTS_SCHEDULER_TIMEOUT", "30s")
