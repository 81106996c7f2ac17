"""Fill the claim notebook's analysis cache in the background, on the core the earlier notebooks leave idle.

Notebooks 01 and 03 run on one core, and so do parts of 02; claim and quantity extraction (notebook
04) are the longest analyses of a large corpus. While the earlier notebooks run, the workbook runner
starts `python -m transcripts.warmup <processed_dir> [<rules file>]` at low priority: it computes the
quantities and claims of each document exactly as notebook 04 will (same tables, same rules, same
cache keys) and stores them in `<processed_dir>/.cache/analyses/`. When notebook 04 starts, the
runner stops it; the notebook then finds the documents already done in the cache and computes only
the rest. The results are the same either way: the cache is keyed by each document's input rows, the
code and the rules file's content (see `transcripts.percache`), and a document the warm-up did not
reach is simply computed by the notebook.
"""
from __future__ import annotations

import sys
from pathlib import Path

#: Below this many sentences a warm-up is not worth a process (the sample has a few hundred).
MIN_SENTENCES = 20_000


def warm(processed_dir: str | Path, rules_file: str | None = None) -> None:
    """Compute (or find) every document's quantities, then claims, in `processed_dir`'s cache, one
    process, no progress bars."""
    from .claims import load_rules
    from .claims_scoped import fill_caches
    from .corpus import scope
    from .paths import resolve

    processed = resolve(processed_dir)
    rules = load_rules(rules_file or None)  # a bad rules file stops the warm-up here; the notebook will say why
    # a group of documents at a time, as notebook 04 reads them (`claims_scoped.claims_scope`)
    fill_caches(scope(processed).tables, rules, processed / ".cache")


def worth_it(processed_dir: str | Path) -> bool:
    """True when the processed tables hold enough sentences for a warm-up to pay."""
    try:
        import pyarrow.parquet as pq

        from .paths import resolve
        return pq.read_metadata(resolve(processed_dir) / "sentences.parquet").num_rows >= MIN_SENTENCES
    except Exception:  # noqa: BLE001 - no tables or unreadable: no warm-up (the notebooks will say why)
        return False


def main(argv: list[str]) -> int:
    if not argv or len(argv) > 2:
        print("usage: python -m transcripts.warmup PROCESSED_DIR [RULES_FILE]", file=sys.stderr)
        return 2
    import os
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stopped by the runner: unwind, tidy up
    # Idle priority: the notebooks in front come first. On Linux the scheduler shares the CPU between
    # sessions ("autogroups") before it looks at nice values, and the runner starts this in a session
    # of its own, so the session's nice value is the one that counts.
    try:
        with open("/proc/self/autogroup", "w") as fh:
            fh.write("19")
    except OSError:
        pass
    try:
        os.nice(19)
    except (AttributeError, OSError):
        pass
    warm(argv[0], argv[1] if len(argv) > 1 and argv[1] else None)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
