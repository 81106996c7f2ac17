"""Small summaries each notebook writes (`metrics.json`), compared with committed baselines by the
regression tests: counts, shares, top terms. Values are plain JSON (numbers, strings, lists, dicts).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .paths import resolve


def write_metrics(out_dir: str | Path, notebook: str, metrics: dict[str, Any]) -> Path:
    """Write `<out_dir>/metrics/<notebook>.json` (sorted keys, so diffs are readable)."""
    path = resolve(out_dir) / "metrics" / f"{notebook}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(metrics, indent=2, sort_keys=True, default=_plain) + "\n", encoding="utf-8")
    return path


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
