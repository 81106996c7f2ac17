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

**With the sentence encoder** (`model.encoder`, `transcripts.encoder`): a second classifier reads each
sentence's meaning, its all-MiniLM-L6-v2 vector beside the same DENSE features (one hidden layer of 256),
and the two models' probabilities are averaged (`blend`); the blend has thresholds of its own, chosen the
same way. It finds more of the claims the labellers marked at the same precision, and costs a forward pass
of a 6-layer network per sentence (about 150 sentences a second on 2 cores), so it is used when the corpus is
small enough (`use_encoder`).

    probs = blend(probabilities(x, model), vectors, dense, model)
    types = decide(probs, questions, model, rule_procedural, encoder=True)
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
    encoder: "EncoderHead | None" = None


@dataclass
class EncoderHead:
    """The second classifier, over a sentence's encoder vector and its DENSE features (standardized with `mu`
    and `sd`, scaled by 0.1): one hidden layer (ReLU) and a sigmoid per type; `weight` is its share of the
    averaged probability, `thresholds` the blend's own."""

    mu: np.ndarray
    sd: np.ndarray
    w1: np.ndarray  # (384 + n_dense, hidden)
    b1: np.ndarray
    w2: np.ndarray  # (hidden, n_types)
    b2: np.ndarray
    weight: float
    thresholds: np.ndarray
    meta: dict


#: Sentences in scope up to which notebook 04 uses the encoder by default ("auto"): about 10 minutes on 2 cores.
ENCODER_AUTO_LIMIT = 60_000


def use_encoder(mode: str, n_sentences: int, model: "TypeModel | None" = None) -> bool:
    """Whether to read the sentences' meaning with the encoder: "on", "off", or "auto" (on up to
    ENCODER_AUTO_LIMIT sentences). A model without an encoder part never uses it.

    >>> use_encoder("auto", 600), use_encoder("auto", 466_359), use_encoder("on", 466_359), use_encoder("off", 10)
    (True, False, True, False)
    """
    from .errors import TranscriptError

    mode = str(mode).strip().lower()
    if mode not in ("auto", "on", "off"):
        raise TranscriptError(None, f"claim_encoder must be 'auto', 'on' or 'off', not {mode!r}",
                              hint="Set the notebook parameter claim_encoder to one of the three.")
    if model is not None and model.encoder is None:
        return False
    return mode == "on" or (mode == "auto" and n_sentences <= ENCODER_AUTO_LIMIT)


def head_probabilities(vectors: np.ndarray, dense: np.ndarray, head: EncoderHead) -> np.ndarray:
    """The encoder classifier's probability of each type for sentences' vectors and DENSE rows."""
    x = np.hstack([np.asarray(vectors, dtype=float), (np.asarray(dense, dtype=float) - head.mu) / head.sd * 0.1])
    h = np.maximum(x @ head.w1 + head.b1, 0.0)
    return 1.0 / (1.0 + np.exp(-(h @ head.w2 + head.b2)))


def blend(words_probs: np.ndarray, vectors: np.ndarray, dense: np.ndarray, model: TypeModel) -> np.ndarray:
    """The words model's and the encoder classifier's probabilities averaged (`model.encoder.weight`)."""
    head = model.encoder
    return (1.0 - head.weight) * np.asarray(words_probs) + head.weight * head_probabilities(vectors, dense, head)


def type_probabilities(x, dense: np.ndarray, texts: list[str], model: TypeModel, *, encoder: bool = False) -> np.ndarray:
    """The probabilities `decide` reads: the words model's (`x`: words and DENSE, `checkworthiness.stack`), or
    with `encoder` their blend with the encoder classifier's over the texts' vectors."""
    probs = probabilities(x, model)
    if not encoder or not len(texts):
        return probs
    if model.encoder is None:
        from .errors import TranscriptError
        raise TranscriptError(None, "the claim type model has no encoder part", hint="Refit it with "
                              ".venv/bin/python benchmarks/refit_claim_model.py --write, or read without the encoder.")
    from .encoder import shared

    return blend(probs, shared().encode(texts), dense, model)


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
    head = None
    if data.get("encoder"):
        e = data["encoder"]
        head = EncoderHead(*(np.array(e[k], dtype=float) for k in ("mu", "sd", "w1", "b1", "w2", "b2")),
                           weight=float(e["weight"]), thresholds=np.array(e["thresholds"], dtype=float), meta=e.get("meta", {}))
        from .encoder import DIM
        want = {"mu": (len(DENSE),), "sd": (len(DENSE),), "w1": (DIM + len(DENSE), head.b1.shape[0]),
                "w2": (head.b1.shape[0], len(types)), "b2": (len(types),), "thresholds": (len(types),)}
        for what, shape in want.items():
            if getattr(head, what).shape != shape:
                raise TranscriptError(src, f"the claim type model's encoder part {what} has shape "
                                           f"{getattr(head, what).shape}, expected {shape}", hint=_HINT)
    return TypeModel(types=types, vocab={t: i for i, t in enumerate(terms)}, idf=idf, coef=coef, intercept=intercept,
                     thresholds=thresholds, meta=data.get("meta", {}), encoder=head)


def probabilities(x, model: TypeModel) -> np.ndarray:
    """Each type's probability (columns in `model.types`) for the rows of a words+DENSE matrix."""
    z = np.asarray(x @ model.coef.T) + model.intercept
    return 1.0 / (1.0 + np.exp(-z))


def decide(probs: np.ndarray, questions: list[bool] | np.ndarray, model: TypeModel,
           rule_procedural: list[bool] | np.ndarray | None = None, *, encoder: bool = False) -> list[set[str]]:
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

    `encoder`: the probabilities are the blend's (`blend`), so the blend's thresholds apply.
    """
    thresholds = model.encoder.thresholds if encoder else model.thresholds
    keep = decide_matrix(probs, questions, thresholds, model.types, rule_procedural)
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
                 words: list[list[str]] | None = None, encoder: bool = False) -> tuple[list[set[str]], np.ndarray]:
    """The model's types of each sentence and its probabilities, from the texts, the speakers' roles and the
    types the cue rules found (`dense`/`words`: the sentences' DENSE features and `words_of`, when at hand;
    `encoder`: reading the sentences' meaning too, `type_probabilities`)."""
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
    probs = type_probabilities(x, dense, texts, model, encoder=encoder)
    return decide(probs, [carries_no_type(t) for t in texts], model, ["procedural" in t for t in rule_types],
                  encoder=encoder), probs
