"""Refit the check-worthiness ranker and report its leave-one-transcript-out ranking quality.

    .venv/bin/python benchmarks/refit_checkworthiness.py [--data DIR] [--out FILE] [--no-write] [--grid]

Reads the CLEF CheckThat! 2019 Task 1 training transcripts (`../shared/checkthat2019/training/*.tsv`:
line, speaker, text, label), gives every line the workbook's features (its claim types as the workbook decides them: the cues of
`claim_rules.yaml`, then the type model `claim_type_model.json`; quantities, hedges, ..., and the speaker's role), and

1. cross-validates leave one transcript out: for each of the 19 transcripts, fits on the other 18
   (vocabulary and IDF from those 18 too) and ranks the held-out transcript's lines; prints MAP,
   R-precision and P@10 (averaged over transcripts), beside a bag-of-words baseline (TF-IDF unigrams and a
   logistic regression) measured on the same folds, and the task's official results on its test set;
2. fits on all 19 transcripts and writes the model as JSON (`lib/transcripts/resources/checkworthiness_model.json`:
   vocabulary, IDF, coefficients, the cross-validation figures), which `transcripts.checkworthiness` reads.

`--grid` also prints the cross-validated MAP of a few regularisation strengths (the shipped C was chosen
this way, on the training transcripts only; the task's test transcripts were never used). Nothing here
runs at workbook run time.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from transcripts.checkworthiness import DENSE, MODEL_FILE, dense_matrix, design, tokens
from transcripts.claims import classify, load_rules
from transcripts.paths import SHARED_DIR

DATA = SHARED_DIR / "checkthat2019" / "training"
# the speakers of the training transcripts by role (read from the files): candidates and office-holders
# speak as officials, debate moderators as moderators, audience questions as press, stage directions as narration
MODERATORS = {"TODD", "MADDOW", "BLITZER", "CELESTE", "BASH", "LOUIS", "HOLT", "QUIJANO", "COOPER", "RADDATZ",
              "WALLACE"}
OFFICIALS = {"SANDERS", "CLINTON", "TRUMP", "RUBIO", "CRUZ", "KASICH", "CARSON", "KAINE", "PENCE", "PELOSI",
             "SCHUMER", "SEN."}
PRESS = {"QUESTION", "AUDIENCE"}
NARRATION = {"SYSTEM", "SYSYTEM", "(APPLAUSE)"}
C = 1.0  # regularisation of the shipped model (see --grid)
MIN_DF = 5  # a term must occur in at least this many training lines (about 8,000 terms)
OFFICIAL = {"best primary run": 0.166, "best of any run": 0.182, "median primary run": 0.12}


def role_of(speaker: str) -> str:
    s = str(speaker).strip().upper()
    if s in NARRATION:
        return "narration"
    if s in MODERATORS:
        return "moderator"
    if s in PRESS:
        return "press"
    if s in OFFICIALS:
        return "official"
    return "other"


def load(data: Path) -> pd.DataFrame:
    frames = []
    for f in sorted(data.glob("*.tsv")):
        df = pd.read_csv(f, sep="\t", header=None, names=["line", "speaker", "text", "label"], quoting=3,
                         keep_default_na=False, dtype={"text": str, "speaker": str})
        df["transcript"] = f.stem
        frames.append(df)
    if not frames:
        raise SystemExit(f"no transcripts in {data}")
    df = pd.concat(frames, ignore_index=True)
    df["label"] = df.label.astype(int)
    df["role"] = df.speaker.map(role_of)
    return df


def add_types(df: pd.DataFrame, rules) -> pd.DataFrame:
    """Each line's claim types as the workbook decides them: the cue rules' types, then the type model
    (`transcripts.claim_model`), as `extract_claims` does before it scores a sentence."""
    from transcripts.claim_model import refine_types

    df = df.copy()
    rule_types = [{h.claim_type for h in classify(str(t), rules, role=r)} for t, r in zip(df.text, df.role)]
    types, _ = refine_types(list(df.text), list(df.role), rule_types, rules)
    df["types"] = [";".join(sorted(t)) for t in types]
    return df


def vocabulary(texts: list[str], min_df: int = MIN_DF) -> tuple[dict[str, int], np.ndarray]:
    """The terms (`tokens`) of at least `min_df` lines and their smoothed IDF, as scikit-learn computes them."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(analyzer=tokens, min_df=min_df).fit(texts)
    return {t: int(i) for t, i in vec.vocabulary_.items()}, vec.idf_


def average_precision(labels: np.ndarray) -> float:
    """AP of a ranking given as the labels (1/0) in ranked order."""
    hits = np.cumsum(labels)
    ranks = np.flatnonzero(labels) + 1
    return float(np.mean(hits[labels == 1] / ranks)) if len(ranks) else 0.0


def rank_metrics(scores: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    order = np.argsort(-scores, kind="stable")
    ranked = labels[order]
    r = int(labels.sum())
    return {"AP": average_precision(ranked), "R-prec": float(ranked[:r].mean()) if r else 0.0,
            "P@5": float(ranked[:5].mean()), "P@10": float(ranked[:10].mean()), "P@20": float(ranked[:20].mean())}


def fit(x, y, c: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=3000).fit(x, y)


def cross_validate(df: pd.DataFrame, rules, c: float = C) -> pd.DataFrame:
    """Leave one transcript out: the model's and the bag-of-words baseline's metrics per transcript."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    rows = []
    dense = dense_matrix(df, rules)
    for held in sorted(df.transcript.unique()):
        mask = (df.transcript != held).to_numpy()
        train, test = df[mask], df[~mask]
        vocab, idf = vocabulary(list(train.text))
        model = fit(design(train, vocab, idf, rules, dense[mask]), train.label, c)
        scores = model.predict_proba(design(test, vocab, idf, rules, dense[~mask]))[:, 1]
        bow = TfidfVectorizer()
        base = fit(bow.fit_transform(train.text), train.label, 1.0)
        base_scores = base.predict_proba(bow.transform(test.text))[:, 1]
        y = test.label.to_numpy()
        rows.append({"transcript": held, "lines": len(test), "positives": int(y.sum()),
                     **{f"model {k}": v for k, v in rank_metrics(scores, y).items()},
                     **{f"bow {k}": v for k, v in rank_metrics(base_scores, y).items()}})
    return pd.DataFrame(rows)


def summary(cv: pd.DataFrame) -> dict[str, dict[str, float]]:
    out = {}
    for who in ("model", "bow"):
        out[who] = {("MAP" if k == "AP" else k): round(float(cv[f"{who} {k}"].mean()), 4)
                    for k in ("AP", "R-prec", "P@5", "P@10", "P@20")}
    return out


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--out", default=str(MODEL_FILE))
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--grid", action="store_true")
    args = ap.parse_args(argv)
    t0 = time.time()
    rules = load_rules()
    df = add_types(load(Path(args.data)), rules)
    print(f"{len(df)} lines, {int(df.label.sum())} check-worthy, {df.transcript.nunique()} transcripts; "
          f"roles: {df.role.value_counts().to_dict()}")
    if args.grid:
        for c in (0.5, 1.0, 2.0):
            print(f"C={c:g}: leave-one-transcript-out MAP {summary(cross_validate(df, rules, c))['model']['MAP']:.4f}")
    cv = cross_validate(df, rules)
    pd.set_option("display.width", 200)
    print(cv.round(3).to_string(index=False))
    summ = summary(cv)
    print("\nleave one transcript out, averaged over the 19 training transcripts:")
    print(pd.DataFrame(summ).T.to_string())
    print("official results on the task's 7 test transcripts (MAP): "
          + ", ".join(f"{k} {v}" for k, v in OFFICIAL.items()))
    vocab, idf = vocabulary(list(df.text))
    model = fit(design(df, vocab, idf, rules), df.label, C)
    coef = model.coef_.ravel()
    n_words = len(vocab)
    keep = list(range(n_words))
    terms = sorted(vocab, key=vocab.get)
    payload = {
        "about": "Check-worthiness ranker (transcripts.checkworthiness), fitted by benchmarks/refit_checkworthiness.py "
                 "on the CLEF CheckThat! 2019 Task 1 training transcripts. Logistic regression: score = "
                 "sigmoid(word_vector . coef_words + dense . coef_dense + intercept); word_vector = binary term "
                 "presence x idf / sqrt(number of tokens of the sentence).",
        "terms": [terms[i] for i in keep], "idf": [round(float(idf[i]), 5) for i in keep],
        "coef_words": [round(float(coef[i]), 5) for i in keep],
        "dense": list(DENSE), "coef_dense": [round(float(v), 5) for v in coef[n_words:]],
        "intercept": round(float(model.intercept_[0]), 5),
        "meta": {"C": C, "min_df": MIN_DF, "lines": len(df), "positives": int(df.label.sum()),
                 "transcripts": int(df.transcript.nunique()), "cross_validation": summ,
                 "per_transcript": cv.round(4).to_dict("records"), "official_test_results": OFFICIAL,
                 "fitted_terms": n_words},
    }
    if not args.no_write:
        Path(args.out).write_text(json.dumps(payload, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"wrote {args.out} ({Path(args.out).stat().st_size / 1024:.0f} KB, {len(keep)} of {n_words} terms)")
    print(f"{time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
