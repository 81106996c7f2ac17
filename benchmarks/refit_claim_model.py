"""Refit the claim type model (resources/claim_type_model.json) on the hand-labelled sentences, and report it.

    .venv/bin/python benchmarks/refit_claim_model.py [--write | --heldout] [--devset GLOB] [--c 3.0] [--target 0.85] [--floor 0.78] [--per-type] [--repeats 2]

The development set (`tests/fixtures/claim_devset*.csv`, all batches; see tests/fixtures/claim_devset.md) is
split by its `split` column: the model is fitted on the `tuning` sentences and reported on the `heldout` ones.

1. Cross-validates on the tuning sentences (5 folds of whole documents, repeated with other shuffles: no
   sentence is scored by a model that saw its document, as the held-out parts are split): in each fold the
   vocabulary, IDF and one logistic regression per claim type are fitted on four fifths and give
   probabilities for the fifth. From those out-of-fold probabilities the thresholds are chosen for the issue's
   bars taken together (`joint_thresholds`): procedural's is the lowest that reaches `--target` precision
   (strict: borderline counts as wrong) or else the best F0.5; the eight claim types' are lowered from 0.99 as
   far as the eight together keep `--target` precision and each type `--floor` (`--per-type`: each type its
   own threshold for `--target`, as the first model did). Prints the out-of-fold figures (thresholds chosen
   on them, so a little optimistic) per type.
2. Fits on every tuning sentence; with `--write`, writes the JSON the workbook reads
   (`transcripts.claim_model`), with the figures of 1 and 3 in its `meta`.
3. With `--write` (or `--heldout`), scores the model, and the cue rules alone, on the held-out sentences,
   which no fit, no threshold and no rule change saw: the figures to trust, recorded in the model's `meta`.
   Compare variants with runs without either flag (cross-validated figures only), so that the held-out parts
   are looked at only for a model that ships (every look is recorded in benchmarks/README.md).
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from refit_checkworthiness import vocabulary  # the ranker's vocabulary and IDF, the same way
from transcripts.checkworthiness import DENSE, dense_matrix, design
from transcripts.claim_model import MODEL_FILE, TypeModel, carries_no_type, decide, decide_matrix, probabilities
from transcripts.claims import load_rules
from transcripts.validation import DEVSET, predict_rule_types, read_devset, score_sheet

TYPES = ("numeric", "factual", "position", "proposal", "commitment", "denial", "accusation", "agreement", "procedural")
MIN_DF = 2
# the batches the cue rules were tuned on: their out-of-fold figures flatter the rules' features, so the
# thresholds are chosen on the other tuning sentences only
RULES_TUNED_ON = ("claim_devset.csv", "claim_devset_batch2.csv")
# the column of DENSE that says the cue rules called a sentence procedural (`claim_model.decide`)
RULE_PROCEDURAL = DENSE.index("type_procedural")
COLUMNS = ["claim_type", "n_labelled", "n_predicted", "tp", "fp", "fn", "precision", "precision_low", "precision_high",
           "precision_lenient", "recall", "recall_low", "recall_high"]


def labels(sheet: pd.DataFrame, column: str = "types") -> np.ndarray:
    """A boolean matrix: rows of the sheet × TYPES."""
    sets = [set(filter(None, str(v).split(";"))) for v in sheet[column]]
    return np.array([[t in s for t in TYPES] for s in sets], dtype=bool).reshape(len(sheet), len(TYPES))


def features(sheet: pd.DataFrame, rules) -> tuple[np.ndarray, list[bool], list[set[str]]]:
    """DENSE features of each row (with the types the cue rules find), whether it is a question, and those
    rule types (the cue rules alone, reported beside the model)."""
    rule_types = predict_rule_types(sheet, rules)
    frame = pd.DataFrame({"text": sheet.text, "role": sheet.role, "types": [";".join(sorted(t)) for t in rule_types]})
    questions = [carries_no_type(" ".join(str(t).split())) for t in sheet.text]
    return dense_matrix(frame, rules), questions, rule_types


def fit(sheet: pd.DataFrame, dense: np.ndarray, y: np.ndarray, c: float) -> TypeModel:
    """Vocabulary, IDF and one balanced logistic regression per type, fitted on these rows."""
    from sklearn.linear_model import LogisticRegression

    vocab, idf = vocabulary([" ".join(str(t).split()) for t in sheet.text], min_df=MIN_DF)
    x = design(sheet.assign(types=""), vocab, idf, dense=dense)
    coef, intercept = [], []
    for j, _ in enumerate(TYPES):
        if y[:, j].sum() == 0 or y[:, j].all():
            coef.append(np.zeros(x.shape[1]))
            intercept.append(-20.0 if y[:, j].sum() == 0 else 20.0)
            continue
        m = LogisticRegression(C=c, max_iter=5000, class_weight="balanced").fit(x, y[:, j])
        coef.append(m.coef_.ravel())
        intercept.append(float(m.intercept_[0]))
    # rounded as written to the JSON file, so that every figure is that of the model the workbook reads
    return TypeModel(TYPES, vocab, np.round(idf, 6), np.round(np.array(coef), 5), np.round(np.array(intercept), 5),
                     np.full(len(TYPES), 0.5), {})


def predict(model: TypeModel, sheet: pd.DataFrame, dense: np.ndarray) -> np.ndarray:
    return probabilities(design(sheet.assign(types=""), model.vocab, model.idf, dense=dense), model)


def document_folds(sheet: pd.DataFrame, n_folds: int, seed: int) -> np.ndarray:
    """Each row's fold (0..n_folds-1), whole documents to a fold: the documents shuffled with `seed` and dealt
    round the folds, so that no sentence is scored by a model that saw another sentence of its document (as the
    held-out parts are split: a briefing's repeated phrases and speakers would flatter the figures).

    >>> f = document_folds(pd.DataFrame({"corpus": ["a"] * 4, "doc_id": ["x", "y", "x", "z"]}), 3, 0)
    >>> bool(f[0] == f[2]), sorted(set(f.tolist()))  # x's two sentences together; three documents, three folds
    (True, [0, 1, 2])
    """
    docs = (sheet.corpus.astype(str) + "/" + sheet.doc_id.astype(str)).to_numpy()
    unique = np.unique(docs)
    order = np.random.default_rng(seed).permutation(len(unique))
    fold_of = dict(zip(unique[order], np.arange(len(unique)) % n_folds))
    return np.array([fold_of[d] for d in docs])


def out_of_fold(sheet: pd.DataFrame, dense: np.ndarray, y: np.ndarray, c: float, repeats: int) -> np.ndarray:
    """Each row's probabilities from models that did not see it nor any sentence of its document (5 folds of
    whole documents, `document_folds`; averaged over `repeats` shuffles)."""
    total = np.zeros(y.shape)
    for r in range(repeats):
        folds = document_folds(sheet, 5, r)
        for k in range(5):
            a, b = np.flatnonzero(folds != k), np.flatnonzero(folds == k)
            model = fit(sheet.iloc[a].reset_index(drop=True), dense[a], y[a], c)
            total[b] += predict(model, sheet.iloc[b].reset_index(drop=True), dense[b])
    return total / repeats


def thresholds(probs: np.ndarray, y: np.ndarray, border: np.ndarray, target: float) -> np.ndarray:
    """Per type: the lowest threshold whose strict precision reaches `target` (at least 3 predictions),
    else the one with the best F0.5."""
    grid = np.round(np.arange(0.30, 0.96, 0.01), 2)
    out = []
    for j in range(y.shape[1]):
        best, best_f = 0.5, -1.0
        chosen = None
        for t in grid:
            pred = probs[:, j] >= t
            tp, n = int((pred & y[:, j]).sum()), int(pred.sum())
            if n < 3:
                continue
            p, r = tp / n, tp / max(1, int(y[:, j].sum()))
            if chosen is None and p >= target:
                chosen = t
            f = 1.25 * p * r / (0.25 * p + r) if p + r else 0.0
            if f > best_f:
                best, best_f = t, f
        out.append(chosen if chosen is not None else best)
    return np.array(out, dtype=float)


def joint_thresholds(probs: np.ndarray, y: np.ndarray, questions, start: np.ndarray, target: float,
                     floor: float, rule_procedural=None) -> np.ndarray:
    """Thresholds for the issue's bars taken together: procedural keeps its own (`start`, from `thresholds`);
    the eight claim types start at 0.99 and are lowered one step at a time, always the step that adds the
    most right types per type added, as long as the eight types' strict precision together stays at `target`
    or above and every type's at `floor` or above (with under 5 predictions: at most one wrong). Recall is what
    that leaves."""
    grid = np.round(np.arange(0.99, 0.04, -0.01), 2)
    proc = TYPES.index("procedural")
    claim = [j for j in range(len(TYPES)) if j != proc]
    thr = np.full(len(TYPES), 0.99)
    thr[proc] = start[proc]

    def counts(t):
        keep = decide_matrix(probs, questions, t, TYPES, rule_procedural)
        return (keep & y).sum(axis=0), keep.sum(axis=0)

    tp0, n0 = counts(thr)
    while True:
        best = None
        for j in claim:
            lower = grid[grid < thr[j] - 1e-9]
            if not len(lower):
                continue
            t = thr.copy()
            t[j] = lower[0]
            tp, n = counts(t)
            added, right = int(n[claim].sum() - n0[claim].sum()), int(tp[claim].sum() - tp0[claim].sum())
            # every claim type (lowering one can let another out from behind procedure) at the floor; with
            # under 5 predictions, at most one wrong
            if any((tp[k] / n[k] < floor) if n[k] >= 5 else (n[k] - tp[k] > 1) for k in claim):
                continue
            if n[claim].sum() and tp[claim].sum() / n[claim].sum() < target:
                continue
            gain = right / added if added > 0 else (np.inf if right >= 0 else -np.inf)
            if best is None or gain > best[0]:
                best = (gain, t, tp, n)
        if best is None:
            return thr
        _, thr, tp0, n0 = best


def report(title: str, sheet: pd.DataFrame, predicted: list[set[str]]) -> pd.DataFrame:
    scores = score_sheet(sheet, predicted)
    print(f"\n{title}: {len(sheet)} sentences")
    print(scores[COLUMNS].to_string(index=False))
    return scores


def figures(scores: pd.DataFrame) -> dict:
    keep = ["n_labelled", "n_predicted", "precision", "precision_low", "precision_high", "precision_lenient", "recall",
            "recall_low", "recall_high", "precision_w", "recall_w"]
    return {r.claim_type: {k: (None if pd.isna(getattr(r, k)) else float(getattr(r, k))) for k in keep}
            for r in scores.itertuples(index=False)}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--devset", default=DEVSET)
    ap.add_argument("--c", type=float, default=3.0)
    ap.add_argument("--target", type=float, default=0.85)
    ap.add_argument("--floor", type=float, default=0.78, help="every claim type's precision at least this (joint thresholds)")
    ap.add_argument("--per-type", action="store_true", help="each type's own threshold for --target (the first model's rule)")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--write", action="store_true", help=f"measure the held-out part and write {MODEL_FILE.name}")
    ap.add_argument("--heldout", action="store_true", help="measure the held-out part without writing the model")
    ap.add_argument("--out", default=str(MODEL_FILE))
    args = ap.parse_args(argv)
    pd.set_option("display.width", 200)
    rules = load_rules()
    devset = read_devset(args.devset)
    train = devset[devset.split == "tuning"].reset_index(drop=True)
    heldout = devset[devset.split == "heldout"].reset_index(drop=True)
    dense, questions, rule_predicted = features(train, rules)
    y, border = labels(train), labels(train, "borderline")
    oof = out_of_fold(train, dense, y, args.c, args.repeats)
    fresh = ~train.batch.isin(RULES_TUNED_ON).to_numpy()
    if not fresh.any():
        fresh[:] = True
    thr = thresholds(oof[fresh], y[fresh], border[fresh], args.target)
    if not args.per_type:
        thr = joint_thresholds(oof[fresh], y[fresh], np.array(questions)[fresh], thr, args.target, args.floor,
                               dense[fresh, RULE_PROCEDURAL] > 0)
    print("thresholds:", dict(zip(TYPES, thr.round(2).tolist())))
    model = fit(train, dense, y, args.c)
    model.thresholds = thr
    calib = train[fresh].reset_index(drop=True)
    cv = report("cross-validated, tuning sentences of batches the rules were not tuned on (out of fold; "
                "thresholds chosen on these)", calib, decide(oof[fresh], [q for q, f in zip(questions, fresh) if f], model,
                                                                     dense[fresh, RULE_PROCEDURAL] > 0))
    rule_cv = report("the cue rules alone on the same sentences", calib,
                     [p for p, f in zip(rule_predicted, fresh) if f])
    held = {}
    if len(heldout) and (args.write or args.heldout):
        d, q, rule_decided = features(heldout, rules)
        decided = decide(predict(model, heldout, d), q, model, d[:, RULE_PROCEDURAL] > 0)
        scores = report("held out: the model", heldout, decided)
        rule_scores = report("held out: the cue rules alone", heldout, rule_decided)
        held = {"model": figures(scores), "rules": figures(rule_scores), "n_sentences": len(heldout),
                "batches": heldout.batch.value_counts().to_dict(), "by_batch": {}}
        # each batch's held-out part alone, and the sentences of documents no tuning sentence came from
        unseen = ~heldout.doc_id.isin(set(train.doc_id))
        parts = [(b, (heldout.batch == b).to_numpy()) for b in sorted(heldout.batch.unique())]
        parts.append(("documents with no tuning sentence", unseen.to_numpy()))
        for name, mask in parts:
            if not mask.any():
                continue
            part = heldout[mask].reset_index(drop=True)
            m = report(f"held out, {name}: the model", part, [p for p, k in zip(decided, mask) if k])
            r = report(f"held out, {name}: the cue rules alone", part, [p for p, k in zip(rule_decided, mask) if k])
            held["by_batch"][name] = {"n_sentences": int(mask.sum()), "model": figures(m)["overall"],
                                      "rules": figures(r)["overall"]}
    if args.write:
        data = {"types": list(TYPES), "dense": list(DENSE), "terms": sorted(model.vocab, key=model.vocab.get),
                "idf": model.idf.tolist(), "coef": model.coef.tolist(), "intercept": model.intercept.tolist(), "thresholds": thr.tolist(),
                "meta": {"fitted": date.today().isoformat(), "trained_on": train.batch.value_counts().to_dict(),
                         "n_sentences": len(train), "c": args.c, "target_precision": args.target,
                         "thresholds_rule": "per type" if args.per_type else f"joint, each type >= {args.floor}", "min_df": MIN_DF,
                         "cross_validated": figures(cv), "rules_on_training": figures(rule_cv), "held_out": held}}
        Path(args.out).write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"\nwrote {args.out} ({Path(args.out).stat().st_size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
