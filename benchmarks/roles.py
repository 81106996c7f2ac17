"""Speaker roles against the hand-labelled development set (tests/fixtures/roles_dev/).

Run: `.venv/bin/python benchmarks/roles.py` (needs ../shared/corpora). Builds the Kremlin pages and White
House briefings of the census (two batches, see tests/fixtures/roles_dev/README.md) in a temporary folder
(no cache), then prints per corpus, part (tuning / held-out), batch and kind of event: labelled turns,
press-or-moderator recall and the share of labels read as labels; then the question→answer pairs of
the interviews and the confusions (hand role → built role) of each part. `--detail` lists every wrong
turn. Then the Telegram-style fixtures (labels found of the 17 counted by hand, label-like lines read as
labels) and, with `--speed`, the time to harmonise 17,576 distinct speaker labels in one file (issue 17:
it took 75 s when harmonisation compared every pair). Results are recorded in benchmarks/README.md.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import pandas as pd


def build_pages(census: pd.DataFrame):
    from transcripts import build_corpus
    from transcripts.paths import SHARED_DIR

    roots = {"kremlin": SHARED_DIR / "corpora" / "kremlin_pages",
             "whitehouse": SHARED_DIR / "corpora" / "whitehouse_briefings" / "press-briefings"}
    with tempfile.TemporaryDirectory() as tmp:
        for corpus, file in census[["corpus", "file"]].drop_duplicates().itertuples(index=False):
            src = roots[corpus] / file
            if not src.exists():
                sys.exit(f"{src} not found: the development set needs ../shared/corpora")
            dst = Path(tmp) / corpus / file
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.symlink_to(src)
        result = build_corpus(tmp, progress=False)
    if result.errors:
        sys.exit(f"build errors: {result.errors}")
    return result.tables


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--detail", action="store_true", help="list every turn whose role is wrong")
    ap.add_argument("--part", choices=("tuning", "heldout"), default=None,
                    help="only this part (while tuning rules, look at the tuning part only)")
    ap.add_argument("--speed", action="store_true", help="also time harmonising 17,576 distinct labels")
    args = ap.parse_args(argv)

    from transcripts.devset import load_census, score_turns, summary_table
    from transcripts.speakers import qa_pairs

    census = load_census()
    tables = build_pages(census)
    scored = score_turns(tables, census)
    if args.part:
        scored = scored[scored.part == args.part]
    table = summary_table(scored)
    pd.set_option("display.width", 200)
    print(table.to_string(index=False, float_format=lambda x: f"{x:.3f}", na_rep="–"))
    missing = scored[~scored.found]
    if len(missing):
        print(f"\n{len(missing)} labelled turn(s) not found in the built text (alignment problem):")
        print(missing[["file", "n", "label", "snippet"]].to_string(index=False))
    false = scored[(scored.role == "nolabel") & scored.label_found]
    print(f"\nlabel-shaped lines that are not speakers, read as labels: {len(false)} of "
          f"{int((scored.role == 'nolabel').sum())}")
    pairs = qa_pairs(tables["turns"])
    kinds = scored.drop_duplicates("doc_id").set_index("doc_id")
    interviews = kinds[kinds.kind == "interview"]
    for doc_id, row in interviews.iterrows():
        n_press = int(((scored.doc_id == doc_id) & (scored.role == "press")).sum())
        n_pairs = int(((pairs.doc_id == doc_id) & pairs.answer_turn.notna()).sum())
        print(f"interview {row.file} ({row.part}): {n_pairs} question→answer pairs, {n_press} interviewer turns by hand")
    for (part, batch), g in scored[scored.role != "nolabel"].groupby(["part", "batch"]):
        wrong = g[g.role != g.role_built]
        conf = wrong.groupby(["role", wrong.role_built.fillna("(none)")]).size().sort_values(ascending=False)
        print(f"\nconfusions, {part}, batch {batch}: " + ", ".join(f"{a}→{b} {n}" for (a, b), n in conf.items()))
    if args.detail:
        wrong = scored[(scored.role != "nolabel") & (scored.role != scored.role_built)]
        print(wrong[["part", "batch", "file", "n", "label", "role", "role_built", "speaker"]].to_string(index=False))
    posts()
    if args.speed:
        speed()
    return 0


#: Speaker labels in the Telegram-style fixtures, counted by hand (tests/test_attribution.py lists them).
POST_LABELS = {"tg_lavrov_news_conference": 8, "tg_zakharova_briefing": 7, "tg_press_release": 2}
#: Label-like lines in them that are no speaker ("📍 Key points:", "🔗 LEARN MORE:", "🎬 Ukraine on Fire:",
#: "Documentary:", "📌 Important:", "ℹ️ Background:", "📺 Watch the full briefing:", hashtags), by hand.
POST_NOT_LABELS = 8


def posts() -> None:
    from transcripts import build_corpus
    from transcripts.paths import PROJECT_ROOT

    turns = build_corpus(PROJECT_ROOT / "tests" / "fixtures" / "attribution", progress=False,
                         workers=1).tables["turns"]
    found = turns[turns.doc_id.isin(POST_LABELS) & (turns.label.fillna("") != "")]
    per_doc = found.groupby("doc_id").size()
    extra = sum(max(0, int(per_doc.get(d, 0)) - n) for d, n in POST_LABELS.items())
    print(f"\nTelegram-style posts: {len(found) - extra} of {sum(POST_LABELS.values())} labels found; "
          f"{extra} label-like line(s) of {POST_NOT_LABELS} read as labels")


def speed() -> None:
    import itertools
    import string
    import time

    from transcripts.readers import read_document
    from transcripts.registry import variant_map

    names = ["".join(p).capitalize() for p in itertools.product(string.ascii_lowercase, repeat=3)]
    with tempfile.TemporaryDirectory() as tmp:
        for form in ("Mr. {n}", "Anna {n}ova"):
            labels = [form.format(n=n) for n in names]
            t0 = time.perf_counter()
            variant_map(dict.fromkeys(labels, 1))
            t_map = time.perf_counter() - t0
            path = Path(tmp) / "many.txt"
            path.write_text("\n\n".join(f"{lab}: Hello there." for lab in labels), encoding="utf-8")
            t0 = time.perf_counter()
            read_document(path)
            t_read = time.perf_counter() - t0
            print(f"{len(labels):,} distinct labels like {form.format(n='Abc')!r}: harmonised in {t_map:.2f} s, "
                  f"the whole file read in {t_read:.1f} s")


if __name__ == "__main__":
    sys.exit(main())
