"""Draw the sentences of the claim development set (tests/fixtures/claim_devset.csv) from the shared corpora.

Run once, before the rules were changed (issue 13): it wrote the unlabelled sheet that was then labelled
by hand following lib/transcripts/resources/claim_labelling_guide.md. Kept so the draw can be reproduced
and extended (`--exclude` the labelled file to draw new sentences only):

    .venv/bin/python benchmarks/devset_draw.py OUT.csv [--kremlin N] [--whitehouse N] [--seed S] [--exclude CSV]

The corpora are built from ../shared/corpora (with the build cache in /tmp). The stratum of a sentence
uses the rules in force when it is run (the draw of the committed set used those of commit 30a713c).
The split into tuning and held-out parts is drawn here too, once, at random, with a fixed seed.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from transcripts import build_corpus
from transcripts.paths import SHARED_DIR
from transcripts.validation import labelling_sheet


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--kremlin", type=int, default=300)
    ap.add_argument("--whitehouse", type=int, default=380)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--exclude", default=None)
    ap.add_argument("--split-by", choices=["sentence", "document"], default="sentence",
                    help="hold out single sentences (batches 1-4) or whole documents (batch 5 on)")
    args = ap.parse_args(argv)
    exclude = pd.read_csv(args.exclude, usecols=["doc_id", "turn_index", "sentence_index"]) if args.exclude else None
    sheets = []
    for name, n in (("kremlin_pages", args.kremlin), ("whitehouse_briefings", args.whitehouse)):
        if n <= 0:
            continue
        result = build_corpus(SHARED_DIR / "corpora" / name, cache_dir=Path("/tmp/devset_build_cache") / name)
        sheet = labelling_sheet(result.tables, n=n, corpus=name, seed=args.seed, exclude=exclude)
        print(f"{name}: {len(sheet)} sentences in {sheet.stratum.nunique()} strata", file=sys.stderr)
        sheets.append(sheet)
    sheet = pd.concat(sheets, ignore_index=True)
    rng = np.random.default_rng(args.seed + 1)
    # one split, at random, before any tuning: about two thirds to tune on, one third held out
    if args.split_by == "document":
        # whole documents held out, so no held-out sentence shares a speaker's turn or a page with a tuning one
        docs = np.array(sorted(sheet.doc_id.unique()))
        held = set(docs[rng.random(len(docs)) >= 2 / 3])
        sheet.insert(1, "split", np.where(sheet.doc_id.isin(held), "heldout", "tuning"))
    else:
        sheet.insert(1, "split", np.where(rng.random(len(sheet)) < 2 / 3, "tuning", "heldout"))
    sheet.to_csv(args.out, index=False)
    print(sheet.groupby(["corpus", "split"]).size().to_string(), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
