"""Progress bars: plain-text tqdm bars, switched off where nobody watches them.

The workbook runner sets `TRANSCRIPTS_PROGRESS=0` for the notebooks it executes, so rendered pages do not
fill with bar updates; in JupyterLab and on the command line the bars show.
"""
from __future__ import annotations

import os
from typing import Any


def enabled() -> bool:
    """False when the environment asks for no progress bars (`TRANSCRIPTS_PROGRESS=0`)."""
    return os.environ.get("TRANSCRIPTS_PROGRESS", "1") != "0"


def tqdm(*args: Any, disable: bool = False, **kwargs: Any):
    """`tqdm.tqdm` (text bars: `tqdm.auto` warns in kernels without ipywidgets), disabled when `enabled()` is False."""
    from tqdm import tqdm as _tqdm
    return _tqdm(*args, disable=disable or not enabled(), **kwargs)
