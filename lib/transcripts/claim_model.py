"""Claim types decided by a model trained on the hand-labelled development set, over the rules' own cues.

The cue rules (`transcripts.claims.classify`, `resources/claim_rules.yaml`) find where a type may be and
which words carry it; on text they were not written on, a good share of their types are wrong
(a "we want to ..." read as a commitment, an "I think" in a procedural aside read as a position) and
some are missed. This module decides the final types of a sentence with one logistic regression per
type over its words (unigrams and bigrams, TF-IDF) and the workbook's own features (`DENSE` of
`transcripts.checkworthiness`: the types the rules found, quantities, negation, persons, role, length).
Each type has its own threshold, chosen together by cross-validation on the labelled sentences so that
the eight claim types' precision reaches a target (0.85) with every type above a floor (0.78), and
procedural's reaches the target alone (`benchmarks/refit_claim_model.py`, `joint_thresholds`).

It was fitted with scikit-learn by `benchmarks/refit_claim_model.py` on the labelled sentences of
`tests/fixtures/claim_devset*.csv` (only the parts named in the model's `meta`; the rest is held out and
only reported on); the vocabulary, IDF weights, coefficients and thresholds ship as
`resources/claim_type_model.json` (plain JSON: nothing is trained or downloaded at run time).

    probs = probabilities(x, model)                  # x: `checkworthiness.stack` of words and DENSE
    types = decide(probs, questions, model, rule_procedural)  # the final types of each sentence
    refine_types(texts, roles, rule_types, rules)    # both, from texts
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .paths import RESOURCES_DIR

MODEL_FILE = RESOURCES_DIR / "claim_type_model.json"
_HINT = "Refit it with .venv/bin/python benchmarks/refit_claim_model.py"


@dataclass
class TypeModel:
    """Fitted per-type classifiers: vocabulary (term -> column), IDF, one coefficient row and intercept per
    type (words then DENSE), each type's threshold, and what it was fitted on (`meta`)."""

    types: tuple[str, ...]
    vocab: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray  # (n_types, n_terms + n_dense)
    intercept: np.ndarray  # (n_types,)
    thresholds: np.ndarray  # (n_types,)
    meta: dict


def load_model(path: str | None = None) -> TypeModel:
    """The shipped (or another) fitted type model, read from JSON (read again when the file changes).

    Raises:
        TranscriptError: the file is missing, unreadable, or was fitted on other features than this code computes.
    """
    src = Path(path) if path else MODEL_FILE
    try:
        stat = src.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        stamp = None
    return _load(str(src), stamp)


@lru_cache(maxsize=4)
def _load(path: str, stamp: tuple[int, int] | None) -> TypeModel:
    from .checkworthiness import DENSE
    from .errors import TranscriptError

    src = Path(path)
    try:
        data = json.loads(src.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TranscriptError(src, "claim type model not found", hint=_HINT) from None
    except (OSError, ValueError) as exc:
        raise TranscriptError(src, f"claim type model cannot be read ({exc})", hint=_HINT) from None
    if list(data.get("dense", [])) != list(DENSE):
        raise TranscriptError(src, "the claim type model was fitted on other features than this code computes",
                              hint=_HINT)
    terms = data["terms"]
    types = tuple(data["types"])
    coef = np.array(data["coef"], dtype=float)
    idf, intercept = np.array(data["idf"], dtype=float), np.array(data["intercept"], dtype=float)
    thresholds = np.array(data["thresholds"], dtype=float)
    shapes = {"coefficients": (coef.shape, (len(types), len(terms) + len(DENSE))), "idf": (idf.shape, (len(terms),)),
              "intercepts": (intercept.shape, (len(types),)), "thresholds": (thresholds.shape, (len(types),))}
    for what, (got, want) in shapes.items():
        if got != want:
            raise TranscriptError(src, f"the claim type model's {what} have shape {got}, expected {want}", hint=_HINT)
    return TypeModel(types=types, vocab={t: i for i, t in enumerate(terms)}, idf=idf, coef=coef, intercept=intercept,
                     thresholds=thresholds, meta=data.get("meta", {}))


def probabilities(x, model: TypeModel) -> np.ndarray:
    """Each type's probability (columns in `model.types`) for the rows of a words+DENSE matrix."""
    z = np.asarray(x @ model.coef.T) + model.intercept
    return 1.0 / (1.0 + np.exp(-z))


def decide(probs: np.ndarray, questions: list[bool] | np.ndarray, model: TypeModel,
           rule_procedural: list[bool] | np.ndarray | None = None) -> list[set[str]]:
    """The types of each sentence: every type whose probability reaches its threshold; a question (or a
    sentence without words: `questions` is true for it) carries none, as the labelling guide says; a sentence
    whose most probable kept type is `procedural` is procedural only (it is nothing else), otherwise procedural
    is dropped beside substantive types. A sentence the cue rules call procedural (`rule_procedural`) and the
    model too (its procedural probability at its threshold and at least 0.5) is procedural only, whatever else
    the model sees ("And we will continue to do that.": routine, though "we will continue to" often starts a
    commitment).

    >>> m = TypeModel(("factual", "procedural"), {}, np.zeros(0), np.zeros((2, 0)), np.zeros(2), np.array([.5, .5]), {})
    >>> decide(np.array([[.9, .2], [.6, .8], [.7, .6], [.9, .9]]), [False, False, False, True], m)
    [{'factual'}, {'procedural'}, {'factual'}, set()]
    """
    keep = decide_matrix(probs, questions, model.thresholds, model.types, rule_procedural)
    return [{t for t, k in zip(model.types, row) if k} for row in keep]


def decide_matrix(probs: np.ndarray, questions, thresholds, types, rule_procedural=None) -> np.ndarray:
    """`decide` as a boolean matrix (rows × `types`), for many thresholds tried at once by the refit script.

    >>> decide_matrix(np.array([[.9, .2], [.6, .8], [.7, .6]]), [False, False, True], [.5, .5], ("factual", "procedural"))
    array([[ True, False],
           [False,  True],
           [False, False]])
    """
    probs = np.asarray(probs, dtype=float).reshape(-1, len(types))
    keep = (probs >= np.asarray(thresholds, dtype=float)) & ~np.asarray(questions, dtype=bool).reshape(-1, 1)
    if "procedural" in types and len(keep):
        proc = list(types).index("procedural")
        best = np.where(keep, probs, -1.0).argmax(axis=1)
        only = keep[:, proc] & (best == proc)
        if rule_procedural is not None:  # ... and the model finds procedure more likely than not
            only |= keep[:, proc] & (probs[:, proc] >= 0.5) & np.asarray(rule_procedural, dtype=bool).reshape(-1)
        keep[:, proc] = False
        keep[only] = False
        keep[only, proc] = True
    return keep


def carries_no_type(text: str) -> bool:
    """A question, or a sentence without a letter or digit: no type at all (the labelling guide).

    >>> carries_no_type("Will it be renewed?"), carries_no_type("— — !"), carries_no_type("We agreed.")
    (True, True, False)
    """
    from .claims import is_question

    return is_question(text) or not any(ch.isalnum() for ch in text)


def refine_types(texts: list[str], roles: list[str], rule_types: list[set[str]], rules=None, *,
                 model: TypeModel | None = None, dense: np.ndarray | None = None,
                 words: list[list[str]] | None = None) -> tuple[list[set[str]], np.ndarray]:
    """The model's types of each sentence and its probabilities, from the texts, the speakers' roles and the
    types the cue rules found (`dense`/`words`: the sentences' DENSE features and `words_of`, when at hand)."""
    from .checkworthiness import DENSE, dense_features, stack, word_matrix, words_of
    from .claims import load_rules

    model = model or load_model()
    rules = rules or load_rules()
    texts = [" ".join(str(t).split()) for t in texts]
    if not texts:
        return [], np.zeros((0, len(model.types)))
    words = [words_of(t) for t in texts] if words is None else words
    if dense is None:
        dense = np.array([dense_features(t, str(r), ty, rules, w) for t, r, ty, w in zip(texts, roles, rule_types, words)],
                         dtype=float).reshape(len(texts), len(DENSE))
    x = stack(word_matrix(texts, model.vocab, model.idf, words=words), dense)
    probs = probabilities(x, model)
    return decide(probs, [carries_no_type(t) for t in texts], model, ["procedural" in t for t in rule_types]), probs
