"""pytest plugin for the nbval runs (`pytest --nbval-lax -p nbval_timeouts`, see `_nbval` in
test_regression.py): nbval waits the runner's times for a kernel to start and for a cell's output.

nbval waits 60 s for a kernel and 5 s (fixed in its code) for a cell's output after the kernel replied; on
a loaded machine a large figure takes longer, and the run fails with "Timeout of 5 seconds exceeded
waiting for output" (issue 18). The runner's settings (`transcripts.workbook.execution_options`) apply
here as they do to the runner and to `tests/conftest.py`'s `execute_notebook`.
"""
from __future__ import annotations


def pytest_configure(config):
    from transcripts.workbook import execution_options
    if hasattr(config.option, "nbval_kernel_startup_timeout"):
        config.option.nbval_kernel_startup_timeout = execution_options()["start_timeout"]


def pytest_collection_modifyitems(items):
    from transcripts.workbook import execution_options
    wait = execution_options()["iopub_timeout"]
    for item in items:
        if hasattr(item, "output_timeout"):  # nbval's cells (IPyNbCell)
            item.output_timeout = wait
