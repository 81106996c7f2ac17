"""Claim types against the hand-labelled development set: precision and recall per type, with 95 % intervals.

    .venv/bin/python benchmarks/claims_devset.py [--rules FILE] [--devset GLOB] [--rules-only] [--errors TYPE] [--split tuning]

Prints one table per split (tuning: the part the rules were tuned on and the type model fitted on; heldout:
the part only reported on) and the overall figures (micro-averaged over the eight claim types; procedural
apart), for the extractor as the workbook runs it (cue rules, then the type model) or, with `--rules-only`,
for the cue rules alone. The set is every batch of tests/fixtures/claim_devset*.csv (how they were drawn
and labelled: tests/fixtures/claim_devset.md). `--errors TYPE` lists the disagreements on one type (of the
tuning part unless `--split` says otherwise).
"""
from __future__ import annotations

import argparse
import sys

import pandas as pd

from transcripts.claims import load_rules
from transcripts.validation import DEVSET, errors, predict_rule_types, predict_sheet, read_devset, score_sheet

COLUMNS = ["claim_type", "n_labelled", "n_predicted", "tp", "fp", "fn", "precision", "precision_low", "precision_high",
           "precision_lenient", "recall", "recall_low", "recall_high", "precision_w", "recall_w"]


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rules", default=None)
    ap.add_argument("--devset", default=DEVSET)
    ap.add_argument("--rules-only", action="store_true")
    ap.add_argument("--errors", default=None)
    ap.add_argument("--split", default="tuning")
    args = ap.parse_args(argv)
    rules = load_rules(args.rules)
    sheet = read_devset(args.devset)
    predicted = predict_rule_types(sheet, rules) if args.rules_only else predict_sheet(sheet, rules)
    pd.set_option("display.width", 200)
    pd.set_option("display.max_colwidth", 200)
    for split in ("tuning", "heldout"):
        mask = (sheet.split == split).to_numpy()
        part = sheet[mask].reset_index(drop=True)
        scores = score_sheet(part, [p for p, m in zip(predicted, mask) if m])
        print(f"\n{split}: {len(part)} sentences")
        print(scores[COLUMNS].to_string(index=False))
    if args.errors:
        mask = (sheet.split == args.split).to_numpy()
        part = sheet[mask].reset_index(drop=True)
        err = errors(part, [p for p, m in zip(predicted, mask) if m], args.errors)
        print(f"\n{args.errors}: {len(err)} disagreements ({args.split})")
        for r in err.itertuples():
            print(f"- [{r.error}] {r.sheet_id} gold={r.labelled} pred={r.predicted} :: {r.text[:220]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
