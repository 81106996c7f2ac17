"""The HTML report opened in a real browser: headless Chromium (Debian package `chromium`) driven by
Playwright's Python package (its own browser download does not work here, so `executable_path`).

Every page of the sample's report must draw each plotly chart (its SVG, with the one plotly.min.js
shared beside the pages), log no console error and make no request outside `file://`; transcript text
that looks like HTML (`<script>alert(1)</script>`) must show as text, in tables and in plotly hovers,
and never run. Report mode: until the reader ticks "Show code", no page shows code, prompts, asserts,
papermill's injected parameters, a metrics dict or a machine path; the toggle shows the code, and the
closed Checks section holds the asserts. The index states findings in words, with no raw metric key.
Page heights and the report folder's size are printed (`-s`) and bounded.

Set-up: when /usr/bin/chromium is missing the fixture installs it with apt-get (as root); where it
cannot, the tests skip and say why.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from transcripts.paths import PROJECT_ROOT, SAMPLE_FILE
from transcripts.workbook import find_notebooks, run_workbook

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PAGE_TIMEOUT_MS = 30_000
PAGES = [p.stem for p in find_notebooks()] + ["index"]
ALLOWED_SCHEMES = ("file:", "data:", "blob:", "about:")
XSS = "<script>alert(1)</script>"
XSS_LINE = f"Ladies and gentlemen, {XSS} <img src=x onerror=alert(2)> & <b>not bold</b>"

pytestmark = pytest.mark.notebook


def _ensure_chromium() -> str | None:
    """Path of a usable Chromium, installing the Debian package when possible; None otherwise."""
    if CHROMIUM.exists():
        return str(CHROMIUM)
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        return None
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    cmd = ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]
    try:
        if subprocess.run(cmd, env=env, capture_output=True, timeout=600).returncode != 0:
            subprocess.run(["apt-get", "update"], env=env, capture_output=True, timeout=300)
            subprocess.run(cmd, env=env, capture_output=True, timeout=600)
    except (OSError, subprocess.SubprocessError):
        return None
    return str(CHROMIUM) if CHROMIUM.exists() else None


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is not installed")
    path = _ensure_chromium()
    if path is None:
        pytest.skip(f"Chromium not found at {CHROMIUM} and could not be installed with apt-get "
                    "(needs root and the Debian package `chromium`)")
    with sync_api.sync_playwright() as pw:
        try:
            chromium = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, timeout=PAGE_TIMEOUT_MS)
        except Exception as exc:  # e.g. missing shared libraries in a container
            pytest.skip(f"Chromium at {path} would not start: {str(exc).splitlines()[0]}")
        yield chromium
        chromium.close()


class PageVisit:
    """A page opened from file://, with what it logged, requested and tried to pop up."""

    def __init__(self, browser, path: Path):
        self.context = browser.new_context()
        # Requests that would leave the machine are recorded (below) and then aborted, so a bad page
        # fails the test quickly instead of waiting on the network.
        self.context.route(re.compile(r"^(https?|wss?|ftp)://"), lambda route: route.abort())
        self.page = self.context.new_page()
        self.page.set_default_timeout(PAGE_TIMEOUT_MS)
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", self._dialog)
        if path is not None:
            self.page.goto(path.as_uri(), wait_until="load")

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    @property
    def outside(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(ALLOWED_SCHEMES)]

    def close(self) -> None:
        self.context.close()


def _plotly_outputs(nb_path: Path) -> int:
    nb = nbformat.read(nb_path, as_version=4)
    return sum("plotly-graph-div" in str(out.get("data", {}).get("text/html", ""))
               for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", []))


def test_the_harness_sees_dialogs_errors_and_network(browser):
    """Control: the checks below would notice a script that runs, an error and a request to the web."""
    visit = PageVisit(browser, None)
    visit.page.set_content('<script>alert("ran"); console.error("bad");</script>'
                           '<img src="https://example.org/x.png">')
    visit.page.wait_for_timeout(200)
    assert visit.dialogs == ["ran"]
    assert "bad" in visit.errors
    assert visit.outside == ["https://example.org/x.png"]
    visit.close()


@pytest.mark.parametrize("page_name", PAGES)
def test_page_draws_its_charts_offline_without_errors(browser, sample_workbook, page_name):
    html_dir = sample_workbook.out / "html"
    path = html_dir / f"{page_name}.html"
    assert path.exists(), f"{path.name} was not rendered"
    visit = PageVisit(browser, path)
    try:
        page = visit.page
        n_divs = page.locator("div.plotly-graph-div").count()
        if page_name != "index":
            expected = _plotly_outputs(sample_workbook.out / "notebooks" / f"{page_name}.ipynb")
            assert n_divs == expected, f"{expected} figure(s) in the notebook, {n_divs} on the page"
        if n_divs:
            page.wait_for_function(
                "() => [...document.querySelectorAll('div.plotly-graph-div')]"
                ".every(d => d._fullLayout && d.querySelector('svg.main-svg') &&"
                " d.querySelectorAll('svg.main-svg .trace, svg.main-svg .hm, svg.main-svg image').length > 0)",
                timeout=PAGE_TIMEOUT_MS)
        assert page.evaluate("() => typeof window.require === 'undefined' && typeof window.MathJax === 'undefined'")
        assert visit.errors == [], f"console errors on {path.name}: {visit.errors}"
        assert visit.outside == [], f"{path.name} asked the network for: {visit.outside}"
        assert visit.dialogs == []
        if page_name == "index":  # every card links to a page that exists
            links = page.eval_on_selector_all("article h2 a", "els => els.map(e => e.getAttribute('href'))")
            assert sorted(links) == sorted(f"{p}.html" for p in PAGES if p != "index")
            assert all((html_dir / link).exists() for link in links)
        else:
            assert page.locator("a", has_text="Workbook index").get_attribute("href") == "index.html"
    finally:
        visit.close()


@pytest.fixture(scope="module")
def xss_report(tmp_path_factory):
    """The workbook run on the sample with HTML-looking text in Lavrov's opening turn."""
    root = tmp_path_factory.mktemp("xss")
    corpus = root / "corpus"
    corpus.mkdir()
    text = SAMPLE_FILE.read_text(encoding="utf-8")
    assert "Ladies and gentlemen," in text
    (corpus / "mid_ru_en_2019-12-10_xss.txt").write_text(text.replace("Ladies and gentlemen,", XSS_LINE, 1),
                                                          encoding="utf-8")
    rc = run_workbook(corpus=corpus, out=root / "out", progress=False)
    assert rc == 0
    return root / "out" / "html"


_HOVER_JS = """() => {
  const found = [];
  for (const gd of document.querySelectorAll('.plotly-graph-div')) {
    (gd.data || []).forEach((trace, ci) => {
      const texts = [].concat(trace.hovertext || [], trace.text || []);
      texts.forEach((t, pi) => {
        if (String(t).includes('alert(1)')) {
          Plotly.Fx.hover(gd, [{curveNumber: ci, pointNumber: pi}]);
          const layer = gd.querySelector('.hoverlayer');
          found.push({shown: layer ? layer.textContent : '',
                      elements: layer ? layer.querySelectorAll('script, img').length : -1});
        }
      });
    });
  }
  return found;
}"""


@pytest.mark.parametrize("page_name", [p for p in PAGES if p != "index"])
def test_transcript_text_never_runs(browser, xss_report, page_name):
    visit = PageVisit(browser, xss_report / f"{page_name}.html")
    try:
        page = visit.page
        page.wait_for_timeout(300)
        assert visit.dialogs == [], f"transcript text ran as script on {page_name}: {visit.dialogs}"
        assert page.locator('img[src="x"]').count() == 0, "an <img> from the transcript became a real element"
        assert not [u for u in visit.requests if u.endswith("/x")]
        for hover in page.evaluate(_HOVER_JS):  # the hover box shows the characters, holds no element made of them
            assert XSS in hover["shown"] and hover["elements"] == 0, hover
        assert visit.errors == []
    finally:
        visit.close()


def test_transcript_text_shows_as_text_in_tables_and_hovers(browser, xss_report):
    """Somewhere in the report (notebook 01 shows turns in a table and in the turn-sequence hover) the
    reader sees the characters `<script>alert(1)</script>` themselves."""
    in_text, in_hover = [], []
    for name in (p for p in PAGES if p != "index"):
        visit = PageVisit(browser, xss_report / f"{name}.html")
        try:
            if XSS in visit.page.inner_text("body"):
                in_text.append(name)
            if any(XSS in h["shown"] for h in visit.page.evaluate(_HOVER_JS)):
                in_hover.append(name)
        finally:
            visit.close()
    assert in_text, "no page shows the transcript's `<script>` text as text"
    assert in_hover, "no plotly hover shows the transcript's `<script>` text"


# ---------------------------------------------------------------- report mode

#: What a reader must not see before asking for code: code, prompts, checks, papermill's cell, metrics.
HIDDEN_UNTIL_ASKED = [
    (re.compile(r"^\s*(import [\w.]+|from [\w.]+ import )", re.M), "an import line"),  # not prose: "from A to B"
    (re.compile(r"\bassert\b"), "an assert"),
    (re.compile(r"# Parameters"), "papermill's injected parameters cell"),
    (re.compile(r"NBVAL_CHECK_OUTPUT"), "an nbval marker"),
    (re.compile(r"\b(In|Out)\s*\[\s*\d*\s*\]:"), "a prompt"),
    (re.compile(r"write_metrics|to_csv\("), "a result write"),
    (re.compile(r"\{'\w+': "), "a dict (metrics)"),
]
NOTEBOOK_PAGES = [p for p in PAGES if p != "index"]


def _machine_paths(text: str, *roots: Path) -> list[str]:
    """Absolute paths of these folders in `text` (a relative `../../tmp/x` is not one)."""
    return [str(r) for r in roots if re.search(rf"(?<![\w.]){re.escape(str(r))}", text)]


@pytest.mark.parametrize("page_name", NOTEBOOK_PAGES)
def test_code_and_checks_only_when_the_reader_asks(browser, sample_workbook, page_name):
    visit = PageVisit(browser, sample_workbook.out / "html" / f"{page_name}.html")
    try:
        page = visit.page
        text = page.inner_text("body")
        for pattern, what in HIDDEN_UNTIL_ASKED:
            found = pattern.search(text)
            assert found is None, f"{page_name} shows {what} before the reader asks: {found.group(0)!r}"
        assert _machine_paths(text, sample_workbook.out, PROJECT_ROOT) == []
        assert page.locator(".jp-InputArea-editor:visible").count() == 0
        assert page.locator(".celltag_injected-parameters").count() == 0
        assert page.locator("table.wb-params:visible").count() == 1, "the parameters table is shown once"
        checks = page.locator("details.wb-checks")
        assert checks.count() == 1 and checks.get_attribute("open") is None

        page.locator("label.wb-code-toggle").click()  # "Show code"
        assert page.locator(".jp-InputArea-editor:visible").count() > 0
        shown = page.inner_text("body")
        assert re.search(r"^\s*(import|from) \w+", shown, re.M) and "Hide code" in shown
        assert "# Parameters" not in shown, "papermill's cell stays out even with the code shown"
        page.locator("label.wb-code-toggle").click()  # "Hide code"
        assert page.locator(".jp-InputArea-editor:visible").count() == 0

        checks.locator("summary").click()  # the reader opens the Checks section
        assert re.search(r"\bassert\b", page.inner_text("details.wb-checks"))
        assert visit.errors == []
    finally:
        visit.close()


def test_index_states_findings_in_words(browser, sample_workbook):
    visit = PageVisit(browser, sample_workbook.out / "html" / "index.html")
    try:
        page = visit.page
        findings = page.locator("li.finding").all_inner_texts()
        assert len(findings) >= 10
        assert any(re.search(r"Sergey Lavrov spoke 91\s%", f) for f in findings), findings
        text = page.inner_text("main")
        keys = {k for p in (sample_workbook.out / "metrics").glob("*.json")
                for k in json.loads(p.read_text(encoding="utf-8")) if "_" in k}
        assert [k for k in keys if k in text] == [], "raw metric keys on the index"
        assert page.locator("figure.thumb svg rect").count() >= 4, "each card draws its thumbnail"
        assert _machine_paths(page.inner_text("body"), sample_workbook.out, PROJECT_ROOT) == []
    finally:
        visit.close()


def test_page_heights_and_report_size(browser, sample_workbook):
    """Printed for the record (`pytest -s`); bounded so that a page cannot silently go back to a notebook
    dump (the sample's pages were 4,800–13,800 px before report mode) or to inlining plotly.js per page."""
    html_dir = sample_workbook.out / "html"
    heights = {}
    for name in PAGES:
        visit = PageVisit(browser, html_dir / f"{name}.html")
        try:
            visit.page.set_viewport_size({"width": 1280, "height": 900})
            heights[name] = visit.page.evaluate("document.documentElement.scrollHeight")
        finally:
            visit.close()
    sizes = {p.name: p.stat().st_size for p in html_dir.iterdir()}
    total = sum(sizes.values())
    print("\npage heights at 1280 px wide: " + ", ".join(f"{n} {h:,} px" for n, h in heights.items()))
    print(f"report folder: {total / 1e6:.1f} MB ({', '.join(f'{n} {s / 1e3:,.0f} kB' for n, s in sorted(sizes.items()))})")
    assert all(h < 12_000 for h in heights.values()), heights
    assert total < 10_000_000
    assert all(s < 1_000_000 for n, s in sizes.items() if n.endswith(".html")), "a page embeds a library again"
