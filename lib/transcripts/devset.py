"""The hand-labelled development set of speaker roles, and how the built tables score on it.

`tests/fixtures/roles_dev/` holds a role census written by reading real pages of `../shared/corpora`
(not the sample): for every labelled turn of a page, the label as written, the first words of the
speech after it (to find the turn again) and the role a reader gives it (`official`, `press`,
`moderator`, `narration`, `other`; `nolabel` for a label-shaped line that is not a speaker). The pages
are split into a tuning part and a held-out part chosen before any rule was changed (`pages.csv`).

`score_turns` finds each labelled turn in the built tables (the turn whose span holds the start of
its speech) and compares roles; `role_figures` sums that up per corpus, part and kind of event.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .paths import PROJECT_ROOT

DEV_DIR = PROJECT_ROOT / "tests" / "fixtures" / "roles_dev"


def load_census(folder: str | Path = DEV_DIR) -> pd.DataFrame:
    """Every hand-labelled turn, with its page's corpus, kind of event and part (tuning/heldout)."""
    folder = Path(folder)
    pages = pd.read_csv(folder / "pages.csv", dtype=str)
    census = pd.concat([pd.read_csv(p, dtype={"n": int}, keep_default_na=False)
                        for p in sorted(folder.glob("census_*.csv"))], ignore_index=True)
    return census.merge(pages, on=["corpus", "file"], how="left", validate="many_to_one")


def _doc_for(documents: pd.DataFrame, file: str) -> str | None:
    hits = documents.doc_id[documents.source_path.astype(str).str.replace("\\", "/").str.endswith(file)]
    return hits.iat[0] if len(hits) else None


def _pattern(label: str, snippet: str) -> re.Pattern:
    """The label, its colon (if any) and the first words of the speech, across any run of spaces."""
    def words(text: str) -> str:
        return r"[\s\u00a0]+".join(re.escape(w) for w in text.split())
    return re.compile(rf"{words(label)}[\s\u00a0]*:?[\s\u00a0]*(?P<speech>{words(snippet)})")


def score_turns(tables: dict[str, pd.DataFrame], census: pd.DataFrame) -> pd.DataFrame:
    """The census with the built role beside the hand role.

    Adds `doc_id`, `found` (the speech was found in the document's text), `turn_index`, `speaker`,
    `role_built` (None when no turn holds the speech: it went to the cleaning log), `label_found` (a
    turn starts right at this speech, i.e. the label was read as a label) and `is_question`.
    """
    docs, turns, texts = tables["documents"], tables["turns"], tables["texts"]
    text_of = dict(zip(texts.doc_id, texts.text))
    out = []
    for file, rows in census.groupby("file", sort=False):
        doc_id = _doc_for(docs, file)
        text = str(text_of.get(doc_id, "")) if doc_id else ""
        t = turns[turns.doc_id == doc_id].sort_values("char_start")
        starts, ends = t.char_start.to_numpy(), t.char_end.to_numpy()
        pos = 0
        for row in rows.sort_values("n").itertuples(index=False):
            rec = row._asdict() | dict(doc_id=doc_id, found=False, turn_index=None, speaker=None, role_built=None,
                                       label_found=False, is_question=None)
            pattern = _pattern(row.label, row.snippet)
            m = pattern.search(text, pos) or pattern.search(text)  # out of order: still score it
            if m is not None:
                pos, at = m.end(), m.start("speech")
                rec["found"] = True
                k = int((starts <= at).sum()) - 1
                if k >= 0 and at < ends[k]:
                    hit = t.iloc[k]
                    rec.update(turn_index=int(hit.turn_index), speaker=hit.speaker, role_built=hit.role,
                               label_found=int(hit.char_start) == at, is_question=bool(hit.is_question))
            out.append(rec)
    return pd.DataFrame(out)


def role_figures(scored: pd.DataFrame, *, by: tuple[str, ...] = ("corpus", "part", "kind")) -> pd.DataFrame:
    """Role accuracy and press / moderator recall per group (label-shaped non-labels left out).

    `press_mod_recall` counts a turn labelled press or moderator by hand as found when the build gives
    it the same role.
    """
    s = scored[scored.role != "nolabel"].assign(ok=lambda d: d.role == d.role_built)
    rows = []
    groups = s.groupby(list(by), sort=True) if by else [((), s)]
    for key, g in groups:
        key = key if isinstance(key, tuple) else (key,)
        press, mod = g[g.role == "press"], g[g.role == "moderator"]
        pm = g[g.role.isin(["press", "moderator"])]
        rows.append(dict(zip(by, key)) | dict(
            turns=len(g), accuracy=g.ok.mean(), press=len(press), press_recall=press.ok.mean() if len(press) else None,
            moderator=len(mod), moderator_recall=mod.ok.mean() if len(mod) else None,
            press_mod_recall=pm.ok.mean() if len(pm) else None, labels_found=g.label_found.mean()))
    return pd.DataFrame(rows)


def summary_table(scored: pd.DataFrame) -> pd.DataFrame:
    """Per corpus, part, batch and kind; per corpus, part and batch (kind "all"); per corpus and part
    (batch and kind "all")."""
    scored = scored.assign(batch=scored["batch"].astype(str)) if "batch" in scored else scored.assign(batch="1")
    detail = role_figures(scored, by=("corpus", "part", "batch", "kind"))
    per_batch = role_figures(scored, by=("corpus", "part", "batch")).assign(kind="all")
    overall = role_figures(scored, by=("corpus", "part")).assign(batch="all", kind="all")
    return pd.concat([detail, per_batch, overall], ignore_index=True).sort_values(
        ["corpus", "part", "batch", "kind"], ignore_index=True)
