"""The offline HTML report: executed notebooks → self-contained pages, and the index page.

Pages use the nbconvert template in `templates/offline_lab/` (JupyterLab's look, no require.js,
MathJax, mermaid or widget scripts from a CDN) with plotly.js inlined once per page from the
installed plotly package, so a page opened from `file://` draws its figures with no network.
The index (`templates/report_index.html.j2`) is rendered with autoescaping on.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import nbformat

from .paths import PACKAGE_DIR

TEMPLATES_DIR = PACKAGE_DIR / "templates"
PAGE_TEMPLATE = "offline_lab"
INDEX_TEMPLATE = "report_index.html.j2"
MAX_FIGURES = 8


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """The minified plotly.js shipped inside the installed plotly package (no network)."""
    from plotly.offline import get_plotlyjs
    return get_plotlyjs()


@lru_cache(maxsize=1)
def _exporter():
    from nbconvert import HTMLExporter
    return HTMLExporter(template_name=PAGE_TEMPLATE, extra_template_basedirs=[str(TEMPLATES_DIR)])


def notebook_html(nb: nbformat.NotebookNode, *, name: str, index_href: str | None = "index.html") -> str:
    """An executed notebook as one self-contained HTML page (plotly.js inlined, nothing from a CDN)."""
    resources = {"metadata": {"name": name}, "plotlyjs": plotly_js() if _has_plotly(nb) else "",
                 "index_href": index_href}
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return body


def write_notebook_html(nb_path: str | Path, html_path: str | Path, *, index_href: str | None = "index.html") -> Path:
    """Render the executed notebook at `nb_path` to `html_path`."""
    nb_path, html_path = Path(nb_path), Path(html_path)
    nb = nbformat.read(nb_path, as_version=4)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(notebook_html(nb, name=nb_path.stem, index_href=index_href), encoding="utf-8")
    return html_path


def _has_plotly(nb: nbformat.NotebookNode) -> bool:
    return any("application/vnd.plotly.v1+json" in out.get("data", {}) or "plotly-graph-div" in
               str(out.get("data", {}).get("text/html", ""))
               for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", []))


def title_and_summary(nb_path: str | Path) -> tuple[str, str]:
    """The notebook's H1 title and the first line of text after it (its one-line summary).

    Falls back to the file name when the first markdown cell has no H1.
    """
    nb = nbformat.read(Path(nb_path), as_version=4)
    stem = Path(nb_path).stem
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        lines = [line.strip() for line in cell.source.splitlines() if line.strip()]
        if lines and lines[0].startswith("# "):
            title = lines[0][2:].strip()
            summary = next((line for line in lines[1:] if not line.startswith("#")), "")
            return title, _strip_markdown(summary)
        break
    return stem.replace("_", " "), ""


def _strip_markdown(text: str) -> str:
    """Drop the simplest inline markdown marks, so the index shows plain text.

    >>> _strip_markdown("Who speaks **how much**, and `when`.")
    'Who speaks how much, and when.'
    """
    for mark in ("**", "__", "`"):
        text = text.replace(mark, "")
    return text


def key_figures(metrics: dict[str, Any], *, limit: int = MAX_FIGURES) -> list[tuple[str, str]]:
    """A few metrics as (label, short display value) pairs for an index card: numbers first, then
    lists, then mappings; `n_words` reads "words".

    >>> key_figures({"top_terms": ["russia", "us", "treaty", "x", "y", "z"], "n_turns": 17, "official_share": 0.9112})
    [('turns', '17'), ('official share', '91.1%'), ('top terms', 'russia, us, treaty, x, y, …')]
    """
    def rank(item: tuple[str, Any]) -> int:
        value = item[1]
        return 0 if isinstance(value, (int, float, str, bool)) or value is None else 1 if isinstance(value, list) else 2
    items = sorted(metrics.items(), key=rank)[:limit]
    return [(_label(key), _display(key, value)) for key, value in items]


def _label(key: str) -> str:
    """
    >>> _label("n_questions"), _label("coverage_min")
    ('questions', 'coverage min')
    """
    key = key[2:] if key.startswith("n_") and len(key) > 2 else key
    return key.replace("_", " ")


def _display(key: str, value: Any, *, items: int = 5) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if "share" in key or "ratio" in key or "pct" in key:
            return f"{value:.1%}" if abs(value) <= 1 else f"{value:.3g}"
        return f"{value:,.3g}" if abs(value) < 1e4 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, (list, tuple)):
        shown = [_display(key, v, items=2) for v in value[:items]]
        return ", ".join(shown) + (", …" if len(value) > items else "")
    if isinstance(value, dict):
        shown = [f"{k} {_display(key, _first_scalar(v), items=2)}" for k, v in list(value.items())[:items - 1]]
        return "; ".join(shown) + ("; …" if len(value) > items - 1 else "")
    text = str(value)
    return text if len(text) <= 80 else text[:79] + "…"


def _first_scalar(value: Any) -> Any:
    """A nested mapping shown by its first value (`{"n_turns": 9, ...}` → 9).

    >>> _first_scalar({"n_turns": 9, "n_words": 3000}), _first_scalar(4)
    (9, 4)
    """
    while isinstance(value, dict) and value:
        value = next(iter(value.values()))
    return value


def read_metrics(metrics_dir: Path, name: str) -> dict[str, Any]:
    """`<metrics_dir>/<name>.json`, or the one whose name starts with the notebook's number; {} if none."""
    path = metrics_dir / f"{name}.json"
    if not path.exists():
        number = name.split("_", 1)[0]
        candidates = sorted(metrics_dir.glob(f"{number}_*.json")) if metrics_dir.is_dir() else []
        if not candidates:
            return {}
        path = candidates[0]
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {"value": data}


def write_index(run: dict[str, Any], notebooks: list[dict[str, Any]], html_dir: str | Path) -> Path:
    """Render `<html_dir>/index.html` from the run's facts and one entry per notebook.

    Each notebook entry holds name, title, summary, status, seconds, ran_at, error, html (relative
    link or None) and figures (list of (label, value)). Everything is escaped by the template.
    """
    import jinja2
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    html_dir = Path(html_dir)
    html_dir.mkdir(parents=True, exist_ok=True)
    path = html_dir / "index.html"
    path.write_text(env.get_template(INDEX_TEMPLATE).render(run=run, notebooks=notebooks), encoding="utf-8")
    return path
