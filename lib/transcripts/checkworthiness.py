"""Check-worthiness: how likely a fact-checker is to pick a sentence, for every sentence.

A logistic regression over the sentence's words (unigrams and bigrams, TF-IDF, unit length) and the workbook's own
features (claim types, quantities, comparisons, superlatives, hedges and boosters, named parties, length,
question or not) and the speaker's role (officials' claims are checked, moderators' lines rarely).
It was fitted with scikit-learn on the CLEF CheckThat! 2019 Task 1 training transcripts by
`benchmarks/refit_checkworthiness.py`, which also reports its leave-one-transcript-out MAP; the fitted
vocabulary, IDF weights and coefficients ship as `resources/checkworthiness_model.json` (plain JSON: no
pickle, nothing trained or downloaded at run time). Scores are probabilities in [0, 1].

    scores = score_sentences(tables)        # doc_id, turn_index, sentence_index, checkworthiness
    score_frame(frame)                      # frame: text, role, types ("numeric;factual")
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .paths import RESOURCES_DIR

MODEL_FILE = RESOURCES_DIR / "checkworthiness_model.json"
ROLES = ("official", "press", "moderator", "narration", "other")
TYPES = ("numeric", "factual", "position", "proposal", "commitment", "denial", "accusation", "agreement", "procedural")
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+(?:[.,]\d+)*|[$%]")
_NUMBER = re.compile(r"\d")
_SUPERLATIVE_WORDS = frozenset({"most", "least", "largest", "biggest", "highest", "lowest", "greatest", "worst", "best",
                                "record", "ever", "never", "first", "only", "every", "all", "nobody", "nothing", "always"})
_NOT_SUPERLATIVE = frozenset({"interest", "just", "test", "rest", "best", "west", "request", "protest", "guest", "honest",
                              "forest", "latest", "modest", "contest", "invest", "suggest", "arrest", "digest",
                              "manifest", "harvest", "earnest", "conquest", "inquest", "quest", "chest", "nest", "pest",
                              "vest", "zest", "crest", "jest", "lest", "unrest", "behest"})
_COMPARISON_WORDS = frozenset({"more", "fewer", "less", "higher", "lower", "increase", "increased", "increases",
                               "decrease", "decreased", "decreases", "rise", "rose", "fell", "fall", "grew", "growth",
                               "drop", "dropped", "than", "double", "doubled", "triple", "tripled", "halved", "up", "down",
                               "percent", "times", "%"})
_NEGATION_WORDS = frozenset({"not", "never", "no", "nobody", "nothing"})
_FIRST_WORDS = frozenset({"we", "i", "our", "my", "us"})
_SECOND_WORDS = frozenset({"you", "your"})
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
DENSE = (*(f"type_{t}" for t in TYPES), "n_types", "numeric_quantity", "has_digit", "money", "percent", "year",
         "comparison", "superlative", "hedged", "boosted", "names_actor", "names_person", "negation", "first_person",
         "second_person", "question", "length", "short", "long", *(f"role_{r}" for r in ROLES))


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens, digits replaced by "<num>", plus bigrams (joined by a space).

    >>> tokens("We cut taxes by 20%.")
    ['we', 'cut', 'taxes', 'by', '<num>', '%', 'we cut', 'cut taxes', 'taxes by', 'by <num>', '<num> %']
    """
    uni = ["<num>" if t[0].isdigit() else t for t in _TOKEN.findall(text.lower().replace("’", "'"))]
    return uni + [f"{a} {b}" for a, b in zip(uni, uni[1:])]


def words_of(text: str) -> list[str]:
    """The lower-cased word tokens of a text (digits kept), as `tokens` and `dense_features` read them."""
    return _TOKEN.findall(text.lower().replace("’", "'"))


def dense_features(text: str, role: str, types: set[str], rules, words: list[str] | None = None, *,
                   quants: list | None = None, hedges: list[str] | None = None, boosters: list[str] | None = None,
                   question: bool | None = None) -> list[float]:
    """The workbook's own features of one sentence, in the order of DENSE (each in [0, 1]). Its word tokens
    (`words_of`), quantities (`parse_quantities`), hedges and boosters (`claims.markers`) and whether it is
    a question are computed here unless given (the claim step has them at hand)."""
    from .claims import _NAME, is_numeric_claim, is_question, markers
    from .quantities import parse_quantities

    quants = parse_quantities(text) if quants is None else quants
    if hedges is None or boosters is None:
        hedges, boosters = markers(text, rules)
    words = words_of(text) if words is None else words
    bag = set(words)
    n_words = len(text.split())
    kinds = {q.kind for q in quants if is_numeric_claim(q)}
    superlative = not _SUPERLATIVE_WORDS.isdisjoint(bag) or any(
        len(w) > 5 and w.endswith("est") and w not in _NOT_SUPERLATIVE for w in bag)
    values = [float(t in types) for t in TYPES]
    values += [min(len(types - {"procedural"}), 4) / 4, float(bool(kinds)), float(bool(_NUMBER.search(text))),
               float("money" in kinds), float("percent" in kinds), float(bool(_YEAR.search(text))),
               float(not _COMPARISON_WORDS.isdisjoint(bag)), float(superlative), float(bool(hedges)),
               float(bool(boosters)), float(bool(rules.actors.search(text))), float(bool(_NAME.search(text))),
               float(not _NEGATION_WORDS.isdisjoint(bag) or any(w.endswith("n't") for w in bag)),
               float(not _FIRST_WORDS.isdisjoint(bag)), float(not _SECOND_WORDS.isdisjoint(bag)),
               float(is_question(text) if question is None else question), min(math.log1p(n_words) / math.log(61), 1.0),
               float(n_words < 6), float(n_words > 40)]
    role = role if role in ROLES else "other"
    values += [float(role == r) for r in ROLES]
    return values


def with_types(dense: np.ndarray, types: list[set[str]]) -> np.ndarray:
    """DENSE rows with their claim-type features (`type_*`, `n_types`) set from `types` (one set per row), as
    `dense_features` would have computed them with those types; the other features are kept.

    >>> d = np.zeros((1, len(DENSE))); r = with_types(d, [{"factual", "numeric"}])[0]
    >>> r[DENSE.index("type_factual")], r[DENSE.index("type_position")], r[DENSE.index("n_types")]
    (np.float64(1.0), np.float64(0.0), np.float64(0.5))
    """
    out = np.array(dense, dtype=float, copy=True)
    for j, t in enumerate(TYPES):
        out[:, j] = [float(t in ty) for ty in types]
    out[:, len(TYPES)] = [min(len(ty - {"procedural"}), 4) / 4 for ty in types]
    return out


@dataclass
class Model:
    """A fitted ranker: vocabulary (term -> column), IDF weights, coefficients, intercept."""

    vocab: dict[str, int]
    idf: np.ndarray
    coef_words: np.ndarray
    coef_dense: np.ndarray
    intercept: float
    meta: dict


_INDEXES: list[tuple[dict, pd.Index, np.ndarray]] = []  # the last vocabularies' lookups (vocab, its terms, columns)


def _term_lookup(vocab: dict[str, int]) -> tuple[pd.Index, np.ndarray]:
    """A hash index of the vocabulary's terms and each term's column (kept for the last few vocabularies)."""
    for v, index, cols in _INDEXES:
        if v is vocab:
            return index, cols
    index, cols = pd.Index(list(vocab), dtype=object), np.fromiter(vocab.values(), dtype=np.int64, count=len(vocab))
    _INDEXES[:] = [(vocab, index, cols), *_INDEXES[:3]]
    return index, cols


def word_matrix(texts: list[str], vocab: dict[str, int], idf: np.ndarray, *, words: list[list[str]] | None = None):
    """Term counts × IDF, each row scaled to unit length over the vocabulary's terms (scikit-learn's
    TfidfVectorizer with these `tokens`, reproduced without it): scipy CSR. `words` are the texts'
    `words_of` when already at hand.

    All texts at once: their unigrams and bigrams looked up in the vocabulary in one go, counted per
    (row, term) with NumPy; each row's length is summed in the order of its terms, as one row at a time
    would (so the values are the same to the last bit).
    """
    from scipy.sparse import csr_matrix

    n, n_terms = len(texts), len(vocab)
    lists = [words_of(t) for t in texts] if words is None else words
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=n)
    flat = np.array(["<num>" if w[0].isdigit() else w for ws in lists for w in ws], dtype=object)
    if not len(flat):
        return csr_matrix((n, n_terms), dtype=float)
    row = np.repeat(np.arange(n, dtype=np.int64), lengths)
    same = row[1:] == row[:-1]  # a bigram never spans two texts
    bigrams = flat[:-1][same] + " " + flat[1:][same]
    index, columns = _term_lookup(vocab)
    pos = index.get_indexer(np.concatenate([flat, bigrams]))
    rows = np.concatenate([row, row[:-1][same]])
    keep = pos >= 0
    keys, counts = np.unique(rows[keep] * n_terms + columns[pos[keep]], return_counts=True)  # sorted: by row, then term
    r, c = keys // n_terms, keys % n_terms
    vals = counts * idf[c]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(r, minlength=n), out=indptr[1:])
    vals = vals / np.sqrt(row_sums(vals * vals, indptr))[r]
    return csr_matrix((vals, c, indptr), shape=(n, n_terms))


def row_sums(values: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """The sum of each row's `values[indptr[i]:indptr[i + 1]]`, added exactly as `np.sum` adds one row
    (NumPy's pairwise summation: one by one below 8 values, in eight interleaved partial sums up to 128,
    halves beyond), so that the sums are the same to the last bit; all rows at once up to 128 values.

    >>> v = np.arange(1.0, 40.0) / 7; ptr = np.array([0, 3, 3, 20, 39])
    >>> bool((row_sums(v, ptr) == [v[a:b].sum() for a, b in zip(ptr[:-1], ptr[1:])]).all())
    True
    """
    start, size = indptr[:-1], np.diff(indptr)
    out = np.zeros(len(size))
    small = np.flatnonzero(size < 8)
    for t in range(7):  # one by one
        rows = small[size[small] > t]
        out[rows] += values[start[rows] + t]
    mid = np.flatnonzero((size >= 8) & (size <= 128))
    s, n = start[mid], size[mid]
    blocks = n - n % 8
    acc = [values[s + j] for j in range(8)]
    for i in range(8, 128, 8):
        more = np.flatnonzero(blocks > i)
        if not len(more):
            break
        for j in range(8):
            acc[j][more] += values[s[more] + i + j]
    res = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
    for t in range(7):  # the rest after the last whole block of eight
        more = np.flatnonzero(blocks + t < n)
        res[more] += values[s[more] + blocks[more] + t]
    out[mid] = res
    for i in np.flatnonzero(size > 128):
        out[i] = values[start[i]:start[i] + size[i]].sum()
    return out


def dense_matrix(frame: pd.DataFrame, rules=None, *, words: list[list[str]] | None = None) -> np.ndarray:
    """DENSE features of each row of a frame with text, role and types columns."""
    from .claims import load_rules

    rules = rules or load_rules()
    texts = [" ".join(str(t).split()) for t in frame.text]
    types = [set(filter(None, str(t).split(";"))) for t in frame.types]
    words = [None] * len(texts) if words is None else words
    return np.array([dense_features(t, str(r), ty, rules, w) for t, r, ty, w in zip(texts, frame.role, types, words)],
                    dtype=float).reshape(len(texts), len(DENSE))


def design(frame: pd.DataFrame, vocab: dict[str, int], idf: np.ndarray, rules=None, dense: np.ndarray | None = None):
    """The feature matrix (words, then DENSE) of a frame with text, role and types columns."""
    texts = [" ".join(str(t).split()) for t in frame.text]
    words = [words_of(t) for t in texts]
    dense = dense_matrix(frame, rules, words=words) if dense is None else dense
    return stack(word_matrix(texts, vocab, idf, words=words), dense)


def stack(words, dense: np.ndarray):
    """The word matrix and the DENSE features side by side (scipy CSR)."""
    from scipy.sparse import csr_matrix, hstack

    return hstack([words, csr_matrix(dense)]).tocsr()


def probabilities(x, model: "Model") -> np.ndarray:
    """The ranker's probabilities for the rows of a `design` matrix."""
    z = x @ np.concatenate([model.coef_words, model.coef_dense]) + model.intercept
    return 1.0 / (1.0 + np.exp(-np.asarray(z).ravel()))


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> Model:
    """The shipped (or another) fitted ranker, read from JSON."""
    from .errors import TranscriptError

    src = Path(path) if path else MODEL_FILE
    try:
        data = json.loads(src.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TranscriptError(src, "check-worthiness model not found",
                              hint="Refit it with .venv/bin/python benchmarks/refit_checkworthiness.py") from None
    except (OSError, ValueError) as exc:
        raise TranscriptError(src, f"check-worthiness model cannot be read ({exc})",
                              hint="Refit it with .venv/bin/python benchmarks/refit_checkworthiness.py") from None
    if list(data.get("dense", [])) != list(DENSE):
        raise TranscriptError(src, "the check-worthiness model was fitted on other features than this code computes",
                              hint="Refit it with .venv/bin/python benchmarks/refit_checkworthiness.py")
    terms = data["terms"]
    return Model(vocab={t: i for i, t in enumerate(terms)}, idf=np.array(data["idf"], dtype=float),
                 coef_words=np.array(data["coef_words"], dtype=float), coef_dense=np.array(data["coef_dense"], dtype=float),
                 intercept=float(data["intercept"]), meta=data.get("meta", {}))


def score_frame(frame: pd.DataFrame, model: Model | None = None, rules=None) -> np.ndarray:
    """Check-worthiness in [0, 1] of each row of a frame with text, role and types ("a;b") columns."""
    model = model or load_model()
    if len(frame) == 0:
        return np.zeros(0)
    return probabilities(design(frame, model.vocab, model.idf, rules), model)


SCORE_COLUMNS = ["doc_id", "turn_index", "sentence_index", "checkworthiness"]


def score_sentences(tables: dict[str, pd.DataFrame], *, claims: pd.DataFrame | None = None, rules=None,
                    cache_dir: str | Path | None = None, workers: int | None = None,
                    progress: bool = False, encoder: str | bool = "auto") -> pd.DataFrame:
    """The check-worthiness of every sentence (SCORE_COLUMNS), with or without a claim type.

    Without `claims`, the sentences are classified and scored in one pass (`claims.claims_and_scores`, cached
    like the claims with `cache_dir`; `encoder` as for `claims.extract_claims`). With `claims`, their types are used: the scores found with the same
    claims earlier in this process are returned at once; otherwise documents are scored apart, on every core,
    and kept in `cache_dir` until they, the claims, the model file or the code change. A claim's
    `checkworthiness` in the claims table is its sentence's score.
    """
    from . import percache
    from .claims import claims_and_scores, load_rules, recent_scores, sentence_frame

    rules = rules or load_rules()
    if claims is None:
        return claims_and_scores(tables, rules, cache_dir=cache_dir, workers=workers, progress=progress,
                                 encoder=encoder)[1]
    known = recent_scores(tables, claims, rules)
    if known is not None:
        return known
    key = ["doc_id", "turn_index", "sentence_index"]
    types = (claims[key + ["claim_type"]].astype({"claim_type": str}).groupby(key).claim_type
             .agg(lambda s: ";".join(sorted(set(s)))).rename("types").reset_index())
    sents = sentence_frame(tables)[key + ["text", "role"]].merge(types, on=key, how="left")
    sents["types"] = sents.types.fillna("")
    sents["role"] = sents.role.fillna("other")
    model_key = percache.fingerprint(MODEL_FILE.read_bytes() if MODEL_FILE.exists() else b"", rules.source,
                                     percache.code_fingerprint())
    return percache.per_document(sents, _document_scores, name="checkworthiness", key=model_key, cache_dir=cache_dir,
                                 workers=workers, progress=progress, desc="Check-worthiness",
                                 columns=SCORE_COLUMNS)[SCORE_COLUMNS]


def _document_scores(sents: pd.DataFrame) -> pd.DataFrame:
    out = sents[["doc_id", "turn_index", "sentence_index"]].copy()
    out["checkworthiness"] = np.round(score_frame(sents), 6) if len(sents) else np.zeros(0)
    return out
