"""The offline HTML report: executed notebooks → report pages, and the index page.

Pages use the nbconvert template in `templates/offline_lab/` (JupyterLab's look, no require.js,
MathJax, mermaid or widget scripts from a CDN) in report mode (see `prepare_page`): the reader sees
prose, charts, tables and the run's parameters; code is one click away ("Show code"), and the checks,
settings and writes sit in a closed "Checks" section at the end. plotly.js and itables' JavaScript are
written once beside the pages (`plotly.min.js`, `itables.js`, from the installed packages), with
JupyterLab's stylesheet (`jupyterlab.css`), and each page loads them by relative path, so the folder opens offline from `file://` and stays small.
The index (`templates/report_index.html.j2`) is rendered with autoescaping on.
"""
from __future__ import annotations

import ast
import copy
import html
import json
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import nbformat

from .celltags import CHECKS, checks_cells, tags
from .paths import PACKAGE_DIR, display_path

TEMPLATES_DIR = PACKAGE_DIR / "templates"
PAGE_TEMPLATE = "offline_lab"
INDEX_TEMPLATE = "report_index.html.j2"
PLOTLY_FILE = "plotly.min.js"
ITABLES_FILE = "itables.js"
LAB_CSS_FILE = "jupyterlab.css"
ITABLES_INIT_MARK = "itables-init"  # = transcripts.display.INIT_MARK (not imported: it pulls in pandas)
PATH_PARAMS = re.compile(r"(_dir|_path|_file|_csv)$")


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """The minified plotly.js shipped inside the installed plotly package (no network)."""
    from plotly.offline import get_plotlyjs
    return get_plotlyjs()


@lru_cache(maxsize=1)
def itables_js() -> str | None:
    """itables' offline loader as a classic script (its DataTables bundle inside), or None when the
    installed itables does not produce the expected shape (pages then keep their inline copy)."""
    try:
        from .display import itables_init_html
        found = re.search(r"<script>(.*?)</script>", itables_init_html(), re.S)
    except Exception:  # itables missing or changed: the inline copy in each page still works
        return None
    return found.group(1) if found and "injectModule" in found.group(1) else None


def lab_css() -> str:
    """JupyterLab's stylesheet as nbconvert's lab template inlines it (about 240 kB); pages share one copy."""
    env = _exporter().environment
    return env.loader.get_source(env, "static/index.css")[0]


@lru_cache(maxsize=1)
def _exporter():
    from nbconvert import HTMLExporter
    return HTMLExporter(template_name=PAGE_TEMPLATE, extra_template_basedirs=[str(TEMPLATES_DIR)])


# ---------------------------------------------------------------- report mode

def prepare_page(nb: nbformat.NotebookNode, *, drop_itables_init: bool = True
                 ) -> tuple[nbformat.NotebookNode, dict[str, bool]]:
    """A copy of an executed notebook arranged as a report page, and what it needs (`plotly`, `itables`).

    - papermill's `injected-parameters` cell is dropped; the `parameters` cell shows the effective
      parameters as a small table (paths relative to the project root);
    - cells tagged `checks` (or, in an untagged notebook, those `celltags.suggest_checks` picks) move to
      the end, the first and last marked for the template's closed "Checks" section (open when one of
      them failed);
    - `remove-cell` / `remove-input` / `remove-output` go through nbconvert's TagRemovePreprocessor;
    - itables' inline JavaScript (marked by `transcripts.display`) is dropped for the shared itables.js.
    """
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = copy.deepcopy(nb)
    in_checks = checks_cells(nb)
    for i, cell in enumerate(nb.cells):
        if i in in_checks and CHECKS not in tags(cell):
            cell.metadata["tags"] = [*tags(cell), CHECKS]
    injected = dict(nb.metadata.get("papermill", {}).get("parameters") or {})
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in tags(cell):
            cell.outputs = [nbformat.v4.new_output("display_data", data={
                "text/html": parameters_table(effective_parameters(cell.source, injected)),
                "text/plain": "parameters of this run"})]
            break
    inline_itables = False
    for cell in nb.cells:
        if cell.cell_type == "code" and drop_itables_init:
            kept = [o for o in cell.get("outputs", []) if o.get("metadata", {}).get("transcripts") != ITABLES_INIT_MARK]
            inline_itables |= len(kept) != len(cell.get("outputs", []))
            cell.outputs = kept
    remover = TagRemovePreprocessor(remove_cell_tags={"injected-parameters", "remove-cell"},
                                    remove_input_tags={"remove-input"},
                                    remove_all_outputs_tags={"remove-output"}, enabled=True)
    nb, _ = remover.preprocess(nb, {})
    main = [c for c in nb.cells if CHECKS not in tags(c)]
    checks = [c for c in nb.cells if CHECKS in tags(c)]
    if checks:
        checks[0].metadata["wb_checks_open"] = True
        checks[-1].metadata["wb_checks_close"] = True
        # a check that failed is what the reader of a failed run must see: the section opens itself
        checks[0].metadata["wb_checks_failed"] = any(o.get("output_type") == "error" for c in checks
                                                     for o in c.get("outputs", []))
    nb.cells = main + checks
    title = _h1(nb)
    if title:
        nb.metadata["title"] = title
    needs = {"plotly": _has_plotly(nb), "itables": inline_itables or _has_itables(nb)}
    return nb, needs


def effective_parameters(source: str, injected: dict[str, Any]) -> list[dict[str, Any]]:
    """The parameters a notebook ran with: its `parameters` cell's names, defaults and comments, with
    the values papermill injected. Each: name, value, help, set (True when injected).

    >>> effective_parameters('top_n: int = 15  # terms shown\\nout_dir: str = "outputs"  # where', {"out_dir": "/x"})
    [{'name': 'top_n', 'value': 15, 'help': 'terms shown', 'set': False}, {'name': 'out_dir', 'value': '/x', 'help': 'where', 'set': True}]
    """
    from papermill.translators import PythonTranslator
    cell = nbformat.v4.new_code_cell(source)
    rows = []
    for p in PythonTranslator.inspect(cell):
        try:
            default = ast.literal_eval(p.default)
        except (ValueError, SyntaxError):
            default = p.default
        rows.append({"name": p.name, "value": injected.get(p.name, default), "help": p.help or "",
                     "set": p.name in injected})
    known = {r["name"] for r in rows}
    rows += [{"name": k, "value": v, "help": "", "set": True} for k, v in injected.items() if k not in known]
    return rows


def parameter_value(name: str, value: Any) -> str:
    """A parameter's value for the page: paths relative to the project root, no quotes, "(empty)".

    >>> from transcripts.paths import PROJECT_ROOT
    >>> parameter_value("processed_dir", str(PROJECT_ROOT / "outputs" / "wh" / "processed"))
    'outputs/wh/processed'
    >>> parameter_value("doc_ids", []), parameter_value("lexicon_path", ""), parameter_value("top_n", 15)
    ('(empty)', '(empty)', '15')
    """
    if value in ("", None) or value == [] or value == {}:
        return "(empty)"
    if isinstance(value, str):
        if PATH_PARAMS.search(name) or os.path.isabs(value):
            return display_path(value) if os.path.isabs(value) else value
        return value
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return json.dumps(value) if isinstance(value, (dict, bool)) else str(value)


def parameters_table(rows: list[dict[str, Any]]) -> str:
    """The effective parameters as small HTML tables (everything escaped): those set for this run shown,
    the notebook's defaults folded one click away below them (a notebook has up to 20 parameters, and a
    reader wants first what this run changed).

    >>> page = parameters_table([{"name": "out_dir", "value": "o", "help": "", "set": True},
    ...                          {"name": "top_terms", "value": 15, "help": "terms shown", "set": False}])
    >>> page.count('<table class="wb-params">'), "<summary>The notebook's 1 other parameter, at its default</summary>" in page
    (2, True)
    """
    def body(part: list[dict[str, Any]]) -> str:
        return "".join(
            f'<tr class="{"wb-set" if r["set"] else "wb-default"}"><th>{html.escape(r["name"])}</th>'
            f'<td class="wb-value">{html.escape(parameter_value(r["name"], r["value"]))}</td>'
            f'<td class="wb-help">{html.escape(r["help"])}</td></tr>' for r in part)

    given = [r for r in rows if r["set"]]
    defaults = [r for r in rows if not r["set"]]
    caption = ("Parameters of this run" + (" (set for this run; the others are the notebook's defaults, below)"
                                           if given and defaults else "" if given else " (the notebook's defaults)"))
    shown = f'<table class="wb-params"><caption>{html.escape(caption)}</caption><tbody>{body(given)}</tbody></table>'
    if not defaults:
        return shown
    n = len(defaults)
    summary = (f"The notebook's {n} other parameter{'s' if n != 1 else ''}, at {'their defaults' if n != 1 else 'its default'}"
               if given else f"Its {n} parameter{'s' if n != 1 else ''}")
    from .corpus import FILTER_PARAMETERS
    filters = [r for r in defaults if r["name"] in FILTER_PARAMETERS]  # the filters apart, and no table over 15 rows
    others = [r for r in defaults if r["name"] not in FILTER_PARAMETERS]
    parts = [filters] + [others[i:i + 15] for i in range(0, len(others), 15)]
    tables = "".join(f'<table class="wb-params"><tbody>{body(part)}</tbody></table>' for part in parts if part)
    return (shown + f'<details class="wb-fold wb-params-defaults"><summary>{html.escape(summary, quote=False)}</summary>'
            f'{tables}</details>')


def notebook_html(nb: nbformat.NotebookNode, *, name: str, index_href: str | None = "index.html") -> str:
    """An executed notebook as a report page that loads `plotly.min.js` and `itables.js` from beside it
    (`write_notebook_html` writes them there)."""
    return _page_html(nb, name=name, index_href=index_href)[0]


def _page_html(nb: nbformat.NotebookNode, *, name: str, index_href: str | None) -> tuple[str, dict[str, bool]]:
    page, needs = prepare_page(nb)
    shared_itables = needs["itables"] and itables_js() is not None
    if needs["itables"] and not shared_itables:  # itables changed shape: keep its inline copy (heavier, offline)
        page, needs = prepare_page(nb, drop_itables_init=False)
    resources = {"metadata": {"name": name}, "index_href": index_href,
                 "plotly_src": PLOTLY_FILE if needs["plotly"] else "",
                 "itables_src": ITABLES_FILE if shared_itables else ""}
    body = _exporter().from_notebook_node(page, resources=resources)[0]
    inline_css = '<style type="text/css">\n%s</style>' % lab_css()
    shared_css = inline_css in body
    body = body.replace(inline_css, f'<link rel="stylesheet" type="text/css" href="{LAB_CSS_FILE}">', 1)
    return body, {**needs, "itables": shared_itables, "css": shared_css}


def write_notebook_html(nb_path: str | Path, html_path: str | Path, *, index_href: str | None = "index.html") -> Path:
    """Render the executed notebook at `nb_path` to `html_path`, with the shared scripts beside it."""
    nb_path, html_path = Path(nb_path), Path(html_path)
    nb = nbformat.read(nb_path, as_version=4)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    page_html, needs = _page_html(nb, name=nb_path.stem, index_href=index_href)
    if needs["css"]:
        write_asset(html_path.parent / LAB_CSS_FILE, lab_css())
    if needs["plotly"]:
        write_asset(html_path.parent / PLOTLY_FILE, plotly_js())
    if needs["itables"]:
        write_asset(html_path.parent / ITABLES_FILE, itables_js())
    html_path.write_text(page_html, encoding="utf-8")
    return html_path


def write_asset(path: Path, text: str) -> Path:
    """Write a shared script once: left alone when it already holds `text`, else replaced atomically
    (pages are rendered side by side, in several processes)."""
    data = text.encode("utf-8")
    if path.exists() and path.stat().st_size == len(data) and path.read_bytes() == data:
        return path
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _outputs_html(nb: nbformat.NotebookNode):
    for cell in nb.cells:
        if cell.cell_type == "code":
            for out in cell.get("outputs", []):
                yield out, str(out.get("data", {}).get("text/html", ""))


def _has_plotly(nb: nbformat.NotebookNode) -> bool:
    return any("application/vnd.plotly.v1+json" in out.get("data", {}) or "plotly-graph-div" in text
               for out, text in _outputs_html(nb))


def _has_itables(nb: nbformat.NotebookNode) -> bool:
    return any("new ITable(" in text for _, text in _outputs_html(nb))


def _h1(nb: nbformat.NotebookNode) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            first = next((ln.strip() for ln in cell.source.splitlines() if ln.strip()), "")
            return _strip_markdown(first[2:].strip()) if first.startswith("# ") else ""
    return ""


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

    Each notebook entry holds name, title, summary, status, duration, ran_at, error, html (relative
    link or None), findings (sentences), figures ((label, value) pairs) and chart (see `_chart`).
    Everything is escaped by the template.
    """
    import jinja2
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    html_dir = Path(html_dir)
    html_dir.mkdir(parents=True, exist_ok=True)
    path = html_dir / "index.html"
    path.write_text(env.get_template(INDEX_TEMPLATE).render(run=run, notebooks=notebooks), encoding="utf-8")
    return path


def write_report_index(manifest: dict[str, Any], out_dir: Path, sources: dict[str, Path]) -> Path:
    """The index page of a run (`<out_dir>/html/index.html`) from its record (`run.json`'s content),
    the notebooks' metrics and tables (findings, key figures, a thumbnail each) and the build's warnings.

    `sources` maps notebook names to their source notebooks (for title and summary).
    """
    import datetime as dt

    from .display import fmt_duration, fmt_int
    from .findings import notebook_card, run_warnings
    from .paths import resolve

    out_dir = Path(out_dir)
    html_dir = out_dir / "html"
    processed = resolve(manifest["processed_dir"]) if manifest.get("processed_dir") else None
    cards = []
    for entry in manifest["notebooks"]:
        name = entry["name"]
        title, summary = title_and_summary(sources[name]) if name in sources else (name, "")
        page = entry.get("html") if entry.get("html") and (html_dir / entry["html"]).exists() else None
        card = notebook_card(name, read_metrics(out_dir / "metrics", name), out_dir / "tables", processed)
        cards.append({**entry, "title": title, "summary": summary, "html": page, "findings": card.findings,
                      "figures": card.figures, "chart": _chart(card.chart),
                      "duration": fmt_duration(entry.get("seconds"))})
    warnings, n_warnings = run_warnings(processed)
    finished = dt.datetime.fromisoformat(manifest["finished"])
    run = {**manifest,
           "finished_display": finished.strftime("%d %b %Y %H:%M %Z").strip(),
           "duration": fmt_duration(manifest.get("seconds")),
           "documents": _count(manifest.get("n_documents"), "event"),
           "turns": _count(manifest.get("n_turns"), "turn"),
           "n_failed": sum(1 for c in cards if c["status"] == "failed"),
           "n_findings": sum(len(c["findings"]) for c in cards),
           "processed_dir": display_path(processed) if processed else "",
           "command": " ".join(display_path(a) if os.path.isabs(a) else a
                               for a in str(manifest.get("command", "")).split(" ")),
           "warnings": warnings, "n_warnings": n_warnings, "n_warnings_display": fmt_int(n_warnings),
           "parameters": [(k, parameter_value(k, v)) for k, v in sorted(manifest["parameters"].items())],
           "versions": sorted(manifest["versions"].items())}
    return write_index(run, cards, html_dir)


def _count(n: Any, what: str) -> str:
    """
    >>> _count(1154, "event"), _count(1, "turn"), _count(None, "turn")
    ('1,154 events', '1 turn', '? turns')
    """
    if not isinstance(n, int):
        return f"? {what}s"
    return f"{n:,} {what}{'' if n == 1 else 's'}"


CHART_WIDTH, CHART_LABEL, CHART_VALUE, CHART_ROW = 330, 170, 50, 18


def _chart(chart) -> dict[str, Any] | None:
    """A `findings.Chart` laid out for the index's inline SVG: each bar's label, width in px and value.

    >>> from transcripts.findings import Chart
    >>> c = _chart(Chart("Share of words", "bars", [("Lavrov", 0.9, "90 %"), ("Press", 0.1, "10 %")]))
    >>> [(b["label"], b["width"], b["y"]) for b in c["bars"]], c["height"]
    ([('Lavrov', 110.0, 0), ('Press', 12.2, 18)], 36)
    """
    if chart is not None and chart.kind == "lines" and chart.series:
        return _lines(chart)
    if chart is None or not chart.items:
        return None
    top = max(v for _, v, _ in chart.items) or 1
    room = CHART_WIDTH - CHART_LABEL - CHART_VALUE
    bars = [{"label": _clip(label, 28), "full": label, "value": shown, "y": i * CHART_ROW,
             "width": round(max(v, 0) / top * room, 1)} for i, (label, v, shown) in enumerate(chart.items)]
    return {"kind": "bars", "title": chart.title, "bars": bars, "height": len(bars) * CHART_ROW,
            "width": CHART_WIDTH, "label_width": CHART_LABEL, "bar_room": room}


LINE_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c")
LINE_HEIGHT = 70


def _lines(chart) -> dict[str, Any]:
    """Sparklines on one scale: an SVG polyline's points per series, with its colour and label.

    >>> from transcripts.findings import Chart
    >>> c = _lines(Chart("t", "lines", series=[("Covid", [4.0, 2.0, 0.0])], periods=("2021-01", "2021-03")))
    >>> c["lines"][0]["points"], c["top"]
    ('0.0,4.0 165.0,37.0 330.0,70.0', '4')
    """
    top = max((max(values) for _, values in chart.series if values), default=0) or 1
    pad = 4
    lines = []
    for i, (label, values) in enumerate(chart.series):
        step = CHART_WIDTH / max(len(values) - 1, 1)
        points = " ".join(f"{round(j * step, 1)},{round(pad + (LINE_HEIGHT - pad) * (1 - v / top), 1)}"
                          for j, v in enumerate(values))
        lines.append({"label": _clip(label, 32), "points": points, "color": LINE_COLORS[i % len(LINE_COLORS)]})
    return {"kind": "lines", "title": chart.title, "lines": lines, "width": CHART_WIDTH, "height": LINE_HEIGHT,
            "top": f"{top:.3g}", "first": chart.periods[0], "last": chart.periods[1]}


def _clip(text: str, n: int) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"
