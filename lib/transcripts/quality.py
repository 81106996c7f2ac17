"""What the workbook is unsure of, said where readers see it.

- `documents.warnings`: each document's warnings (no date, opening text by "Unknown speaker", a
  label-like line read as text, a guessed role, joined name variants, a near-duplicate, ...), joined
  with `WARNING_SEP`; `warning_table` lists them one per row, `count_warnings` counts them.
- `find_near_duplicates` / `drop_near_duplicates`: the same event read twice (an original and a
  "corrected" copy, ≥ 98 % identical speech) is kept once; the other copy is left out of every table and
  reported (in the build's result and in the kept document's warnings), never counted twice.
- `possible_duplicate_speakers` and `suggest_registry`: names that may be one person across the corpus,
  and a draft speaker registry (`python -m transcripts speakers --suggest CORPUS`) for the analyst.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from difflib import SequenceMatcher
from pathlib import Path

import pandas as pd

#: Joins the warnings of one document in the `documents.warnings` column.
WARNING_SEP = " | "
#: Two documents whose speech is at least this similar are one event.
NEAR_DUPLICATE = 0.98
#: Documents shorter than this (in words) are never called near-duplicates (byte-identical files are
#: still caught by their hash).
MIN_WORDS = 60
_SHINGLE = 5
_SKETCH = 24
#: File names or titles that mark the better copy of two ("…_corrected.txt", "(updated)").
_NEWER = re.compile(r"correct|updat|revis|amend|final|\bv(?:er)?\d", re.I)


def warning_list(value: object) -> list[str]:
    """The warnings held in one `documents.warnings` cell.

    >>> warning_list("no event date | event date 2024-02-29 taken from the file name"), warning_list(None)
    (['no event date', 'event date 2024-02-29 taken from the file name'], [])
    """
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return []
    return [w.strip() for w in str(value).split(WARNING_SEP) if w.strip()]


def join_warnings(warnings: list[str]) -> str | None:
    return WARNING_SEP.join(w.replace(WARNING_SEP, " / ") for w in warnings) or None


def warning_table(documents: pd.DataFrame) -> pd.DataFrame:
    """One row per warning: doc_id, title, kind (the warning's first words), warning."""
    rows = []
    for doc_id, title, value in zip(documents.doc_id, documents.title, documents.warnings):
        for w in warning_list(value):
            rows.append(dict(doc_id=doc_id, title=title, kind=_kind(w), warning=w))
    return pd.DataFrame(rows, columns=["doc_id", "title", "kind", "warning"])


def _kind(warning: str) -> str:
    """A short name for a warning, to count them by kind."""
    low = warning.lower()
    for key, name in (("near-duplicate", "near-duplicate"), ("no event date", "no date"),
                      ("taken from the file name", "date from the file name"), ("roles guessed", "guessed role"),
                      ("no role column", "guessed role"), ("unknown speaker", "unknown speaker"),
                      ("label-like", "label-like line read as text"), ("name variants", "speaker names joined"),
                      ("narration", "opening read as narration"), ("front matter", "front matter"),
                      ("no speaker labels", "no speaker labels"), ("decoded from", "encoding"),
                      ("to match the other documents", "speaker renamed across documents"),
                      ("mojibake", "encoding")):
        if key in low:
            return name
    return warning.split(":")[0][:40]


def count_warnings(processed_dir: str | Path) -> int | None:
    """How many warnings the built `documents` table holds (None when it cannot be read)."""
    try:
        docs = pd.read_parquet(Path(processed_dir) / "documents.parquet", columns=["warnings"])
    except Exception:  # noqa: BLE001 - a count for a summary line: unknown is fine
        return None
    return int(sum(len(warning_list(v)) for v in docs.warnings))


# -- near-duplicate documents -------------------------------------------------------------------

def _speech(turns: pd.DataFrame) -> dict[str, str]:
    return {doc_id: "\n".join(map(str, g.text)) for doc_id, g in turns.sort_values(["doc_id", "turn_index"])
            .groupby("doc_id", sort=False)}


def _shingles(words: list[str]):
    """The distinct hashes of a text's word 5-grams (a sorted NumPy array): each word hashed once, the
    5-grams combined arithmetically (hashes are only compared within one run)."""
    import numpy as np

    ids = np.fromiter(map(hash, words), dtype=np.int64, count=len(words)).view(np.uint64)
    if len(ids) < _SHINGLE:
        return np.unique(ids)
    with np.errstate(over="ignore"):
        h = np.zeros(len(ids) - _SHINGLE + 1, dtype=np.uint64)
        for k in range(_SHINGLE):
            h = h * np.uint64(1_000_003) + ids[k:len(ids) - _SHINGLE + 1 + k]
    return np.unique(h)


def find_near_duplicates(documents: pd.DataFrame, turns: pd.DataFrame, *,
                         threshold: float = NEAR_DUPLICATE) -> list[tuple[str, str, float]]:
    """(dropped doc_id, kept doc_id, similarity) for every document that repeats another one's speech.

    Candidates meet through a sketch of each document's word 5-grams (the smallest hashes), so the cost
    grows with the corpus, not with its square; each candidate pair is then compared word by word
    (difflib) and kept when at least `threshold` of its words match. Of two copies, the one whose file
    name or title says "corrected", "updated", "revised" is kept, else the first in the corpus.
    """
    words = {d: speech_words(t) for d, t in _speech(turns).items()}
    shingles = {d: _shingles(w) for d, w in words.items() if len(w) >= MIN_WORDS}
    return near_duplicates_from_sketches(documents, {d: sketch_of(s) for d, s in shingles.items()},
                                         shingles.__getitem__, words.__getitem__, threshold=threshold)


def speech_words(speech: str) -> list[str]:
    """The words a document's speech (its turns' text joined with newlines) is compared by."""
    return speech.lower().split()


def speech_shingles(words: list[str]):
    """The hashes of a document's word 5-grams (`_shingles`), or None when it is too short ever to be a
    near-duplicate."""
    return _shingles(words) if len(words) >= MIN_WORDS else None


def sketch_of(shingles):
    """A document's sketch (its smallest shingles), copied: a slice would keep every shingle alive."""
    return shingles[:_SKETCH].copy()


def near_duplicates_from_sketches(documents: pd.DataFrame, sketches: dict, shingles_of, words_of, *,
                                  threshold: float = NEAR_DUPLICATE) -> list[tuple[str, str, float]]:
    """`find_near_duplicates` from each document's sketch (`sketch_of`; documents without one are never
    near-duplicates), `shingles_of(doc_id)` (all its shingles) and `words_of(doc_id)` (its words), asked
    only for candidate pairs, the words only for pairs whose shingles are alike: the build keeps the
    sketches in memory and the rest on disk, never every speech at once."""
    import numpy as np

    docs = [d for d in documents.doc_id if d in sketches]
    index: dict[int, list[str]] = defaultdict(list)
    for d in docs:
        for h in sketches[d].tolist():  # sorted already: the smallest hashes are the sketch
            index[h].append(d)
    pairs: Counter = Counter()
    for ids in index.values():
        if 1 < len(ids) <= 50:
            for i, a in enumerate(ids):
                for b in ids[i + 1:]:
                    pairs[(a, b)] += 1
    order = {d: i for i, d in enumerate(documents.doc_id)}
    info = documents.set_index("doc_id")
    found, dropped = [], set()
    for (a, b), shared in sorted(pairs.items(), key=lambda kv: (order[kv[0][0]], order[kv[0][1]])):
        if a in dropped or b in dropped or shared < _SKETCH // 4:
            continue
        sa, sb = shingles_of(a), shingles_of(b)
        common = len(np.intersect1d(sa, sb, assume_unique=True))
        if common / (len(sa) + len(sb) - common) < 0.8:
            continue
        wa, wb = words_of(a), words_of(b)
        ratio = 1.0 if wa == wb else SequenceMatcher(None, wa, wb, autojunk=False).ratio()
        if ratio < threshold:
            continue
        keep, drop = (a, b) if order[a] < order[b] else (b, a)
        if _newer(info, drop) and not _newer(info, keep):
            keep, drop = drop, keep
        dropped.add(drop)
        found.append((drop, keep, ratio))
    return found


def _newer(info: pd.DataFrame, doc_id: str) -> bool:
    row = info.loc[doc_id]
    return bool(_NEWER.search(str(row.get("source_path", ""))) or _NEWER.search(str(row.get("title") or "")))


def drop_near_duplicates(tables: dict[str, pd.DataFrame], found: list[tuple[str, str, float]] | None = None
                         ) -> tuple[dict[str, pd.DataFrame], list[tuple[str, str, float]]]:
    """Leave near-duplicate documents out of every table; note it in the kept copy's warnings.

    Returns the tables and (dropped source path, kept source path, similarity) for each copy left out.
    `found`: the near-duplicates (`find_near_duplicates`), when the caller found them already.
    """
    docs = tables["documents"]
    found = find_near_duplicates(docs, tables["turns"]) if found is None else found
    if not found:
        return tables, []
    path = dict(zip(docs.doc_id, docs.source_path))
    notes: dict[str, list[str]] = defaultdict(list)
    for drop, keep, ratio in found:
        notes[keep].append(f"near-duplicate: {path[drop]} repeats this event ({ratio:.1%} of its words the same); "
                           "that copy is left out of every table")
    gone = {drop for drop, _, _ in found}
    out = {name: df[~df.doc_id.isin(gone)].reset_index(drop=True) for name, df in tables.items()}
    out["documents"] = add_warnings(out["documents"], notes)
    return out, [(path[drop], path[keep], ratio) for drop, keep, ratio in found]


def add_warnings(documents: pd.DataFrame, notes: dict[str, list[str]]) -> pd.DataFrame:
    """Append warnings to some documents' `warnings` cells."""
    if not notes:
        return documents
    documents = documents.copy()
    documents["warnings"] = [join_warnings(warning_list(v) + notes.get(d, [])) if d in notes else v
                             for d, v in zip(documents.doc_id, documents.warnings)]
    return documents


def check_documents(tables: dict[str, pd.DataFrame], renamed: dict[tuple[str, str], str] | None = None,
                    found: list[tuple[str, str, float]] | None = None
                    ) -> tuple[dict[str, pd.DataFrame], list[tuple[str, str, float]]]:
    """The build's post-pass: near-duplicates left out, then a warning for every document without a
    date and for speakers renamed across documents (`renamed`: (doc_id, old) → new). `found`: as for
    `drop_near_duplicates` (the streamed build finds them from sketches and passes only `documents`)."""
    tables, near = drop_near_duplicates(tables, found)
    docs = tables["documents"]
    notes: dict[str, list[str]] = defaultdict(list)
    for doc_id, when in zip(docs.doc_id, docs.event_date):
        if pd.isna(when):
            notes[doc_id].append("no event date: the event is left out of every timeline (add a date to the title, "
                                 "the front matter, metadata.csv or the file name)")
    for (doc_id, old), new in (renamed or {}).items():
        if doc_id in set(docs.doc_id):
            notes[doc_id].append(f"speaker {old} renamed {new} to match the other documents")
    tables["documents"] = add_warnings(docs, notes)
    return tables, near


# -- speakers that may be one person ------------------------------------------------------------

def possible_duplicate_speakers(turns: pd.DataFrame) -> pd.DataFrame:
    """Pairs of speaker names in the corpus that may be one person: the same surname and first initial
    ("A. Voronin" / "Andrei Voronin"), an honorific or office with a surname ("Ms. Jean-Pierre" /
    "Karine Jean-Pierre", "President Zelenskyy" / "Volodymyr Zelenskyy"), or names one letter apart.
    Near-linear: names meet through surname keys.

    Returns name, other_name, reason, turns, other_turns, documents_together (events where both speak).
    """
    from .registry import ROLE_NAMES, _HONORIFIC, _OFFICE_SURNAME, _compact, _edit1, _translit

    counts = turns.speaker.value_counts()
    docs_of = turns.groupby("speaker").doc_id.agg(set)
    names = [n for n in counts.index if n not in ROLE_NAMES and len(n.split()) >= 1 and n.strip()]
    by_surname: dict[str, list[str]] = defaultdict(list)
    for n in names:
        m = _HONORIFIC.match(n) or _OFFICE_SURNAME.match(n)
        surname = (m.group("surname") if m else n).split()[-1]
        by_surname[_translit(surname.strip(".,").lower())].append(n)
    rows = []
    seen = set()
    for group in by_surname.values():
        if len(group) < 2 or len(group) > 30:
            continue
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                reason = _why_same(a, b, _HONORIFIC, _OFFICE_SURNAME)
                if reason:
                    seen.add((a, b))
                    rows.append(_pair_row(a, b, reason, counts, docs_of))
    # one letter apart in the surname, same first name
    neighbours: dict[str, list[str]] = defaultdict(list)
    for n in names:
        key = _compact(n)
        if len(n.split()) >= 2 and len(key) >= 8 and not _HONORIFIC.match(n):
            for k in {key[:i] + key[i + 1:] for i in range(len(key))}:
                neighbours[k].append(n)
    for group in neighbours.values():
        if 1 < len(group) <= 10:
            for i, a in enumerate(group):
                for b in group[i + 1:]:
                    if (a, b) in seen or (b, a) in seen or not _edit1(_compact(a), _compact(b)):
                        continue
                    seen.add((a, b))
                    rows.append(_pair_row(a, b, "names one letter apart", counts, docs_of))
    out = pd.DataFrame(rows, columns=["name", "other_name", "reason", "turns", "other_turns", "documents_together"])
    return out.sort_values(["turns", "other_turns"], ascending=False, ignore_index=True)


def _why_same(a: str, b: str, honorific, office) -> str | None:
    from .registry import _translit
    pa, pb = a.replace(".", ". ").split(), b.replace(".", ". ").split()
    short = [x for x in (a, b) if honorific.match(x) or office.match(x)]
    if len(short) == 1:
        return "an honorific or office with the same surname"
    if short:
        return None
    if len(pa) >= 2 and len(pb) >= 2:
        fa, fb = pa[0].rstrip("."), pb[0].rstrip(".")
        if _translit(fa.lower()) == _translit(fb.lower()):
            return "the same name spelt differently" if a != b else None
        if (len(fa) == 1 or len(fb) == 1) and fa[0].lower() == fb[0].lower():
            return "an initial for the first name"
    return None


def _pair_row(a: str, b: str, reason: str, counts: pd.Series, docs_of: pd.Series) -> dict:
    if counts[b] > counts[a]:
        a, b = b, a
    return dict(name=a, other_name=b, reason=reason, turns=int(counts[a]), other_turns=int(counts[b]),
                documents_together=len(docs_of[a] & docs_of[b]))


def suggest_registry(turns: pd.DataFrame, *, registry=None) -> pd.DataFrame:
    """A draft speaker registry for review: one row per name, its likely canonical name (the more used
    name of a possible duplicate pair, or itself), the role it has most often, how many turns and
    documents, and why (`note`). Columns `label, canonical, role, affiliation` are what the build reads;
    `turns, documents, note` are for the analyst (the build ignores them)."""
    pairs = possible_duplicate_speakers(turns)
    canonical: dict[str, tuple[str, str]] = {}
    for row in pairs.itertuples(index=False):
        if row.documents_together == 0 or row.reason != "names one letter apart":
            canonical.setdefault(row.other_name, (row.name, f"possible duplicate of {row.name}: {row.reason}"))
    from .registry import ROLE_NAMES
    g = turns[~turns.speaker.isin(ROLE_NAMES)].groupby("speaker")
    rows = []
    for name, t in g:
        role = t.role.value_counts().index[0]
        known = registry.lookup(name) if registry is not None else None
        canon, note = canonical.get(name, (name, ""))
        if known is not None:
            canon, note = known.canonical, "already in the registry" + (f"; {note}" if note else "")
        share = (t.role == role).mean()
        guessed = "" if share == 1 else f"role {role} in {share:.0%} of the turns"
        rows.append(dict(label=name, canonical=canon, role=role,
                         affiliation=(known.affiliation if known is not None else "") or "",
                         turns=len(t), documents=t.doc_id.nunique(), note="; ".join(x for x in (note, guessed) if x)))
    out = pd.DataFrame(rows, columns=["label", "canonical", "role", "affiliation", "turns", "documents", "note"])
    return out.sort_values(["turns", "label"], ascending=[False, True], ignore_index=True)


def suggest_command(corpus: str | Path, *, out: str | Path | None = None, speakers: str | Path | None = None) -> int:
    """`python -m transcripts speakers --suggest CORPUS`: build the corpus (cached), write the draft
    registry (`suggest_registry`) as CSV, and print what it holds. Returns the exit code."""
    import sys

    from .build import build_corpus
    from .csvout import write_csv
    from .paths import OUTPUTS_DIR, display_path, resolve
    from .registry import load_registry

    result = build_corpus(corpus, progress=sys.stderr.isatty(), cache_dir=OUTPUTS_DIR / ".cache" / "speakers",
                          speakers=speakers)
    for err in result.errors:
        print(f"error: {err}", file=sys.stderr)
    turns = result.tables["turns"]
    draft = suggest_registry(turns, registry=load_registry(speakers))
    pairs = possible_duplicate_speakers(turns)
    path = resolve(out) if out else OUTPUTS_DIR / "speakers_suggested.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    head = ("# Draft speaker registry written by `python -m transcripts speakers --suggest` for review.\n"
            "# Check each row, correct `canonical` and `role`, delete what is wrong, and pass the file to the\n"
            "# build with --speakers FILE. The build reads label,canonical,role,affiliation; the columns\n"
            "# turns, documents and note are for you (a note says why a name may be another's duplicate).\n")
    with open(path, "wb") as fh:
        fh.write(head.encode("utf-8"))
        write_csv(draft, fh)
    print(f"{len(draft)} speaker name(s), {len(pairs)} possible duplicate pair(s), "
          f"{int((draft.canonical != draft.label).sum())} name(s) given another canonical name: {display_path(path)}")
    return 1 if result.errors else 0
