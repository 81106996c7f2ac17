"""The numpy sentence encoder (`transcripts.encoder`) against sentence-transformers, and the claim model's encoder
part (`claim_model.EncoderHead`, `blend`, `use_encoder`).

The reference (tests/fixtures/encoder_reference.json) was made by another implementation of the same network:
sentence-transformers with PyTorch and the Hugging Face tokenizer, in a separate environment (the file says
which versions); nothing in it comes from this code.
"""
import json
from pathlib import Path

import numpy as np
import pytest

from transcripts import claim_model, encoder
from transcripts.errors import TranscriptError

REFERENCE = json.loads((Path(__file__).parent / "fixtures" / "encoder_reference.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def enc():
    return encoder.shared()


def test_token_ids_match_the_hugging_face_tokenizer(enc):
    # accents, guillemets, an ellipsis, Cyrillic, CJK, a dollar sign and a percent: the uncased BERT rules
    for text, ids in zip(REFERENCE["texts"], REFERENCE["token_ids"]):
        assert enc.tokenizer.ids(text) == ids, text


def test_vectors_match_sentence_transformers(enc):
    got = enc.encode(REFERENCE["texts"])
    want = np.array(REFERENCE["vectors"])
    assert got.shape == want.shape == (len(REFERENCE["texts"]), encoder.DIM)
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert (got * want).sum(axis=1).min() > 0.9999
    assert np.abs(got - want).max() < 2e-3  # GELU's tanh form: within 1e-3 of the erf form, per coordinate


def test_order_and_batching_do_not_change_a_vector(enc):
    texts = REFERENCE["texts"]
    alone = np.stack([enc.encode([t])[0] for t in texts])
    together = enc.encode(texts[::-1], batch_tokens=16)[::-1]  # small batches of unequal lengths, padded
    assert np.abs(alone - together).max() < 1e-5
    assert enc.encode([]).shape == (0, encoder.DIM)


def test_long_text_is_cut_at_the_models_limit(enc):
    ids = enc.tokenizer.ids("word " * 600)
    assert len(ids) == encoder.MAX_TOKENS and ids[0] == enc.tokenizer.cls and ids[-1] == enc.tokenizer.sep


def test_missing_weights_say_how_to_install_them(monkeypatch):
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(TranscriptError) as e:
        encoder.model_dir()
    assert "make setup" in str(e.value) and encoder.PACKAGE_PIN in str(e.value)


def test_makefile_installs_the_pinned_weights():
    makefile = (Path(__file__).parents[1] / "Makefile").read_text(encoding="utf-8")
    assert f"ENCODER_WEIGHTS := {encoder.PACKAGE_PIN}" in makefile
    assert "--no-deps $(ENCODER_WEIGHTS)" in makefile


def test_a_truncated_weights_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "model.safetensors"
    bad.write_bytes((20).to_bytes(8, "little") + b"{not json at all....")
    with pytest.raises(TranscriptError, match="not a safetensors file"):
        encoder.read_safetensors(bad)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # random data: only the forward pass is compared
def test_head_probabilities_equal_scikit_learns():
    from sklearn.neural_network import MLPClassifier

    from transcripts.checkworthiness import DENSE

    rng = np.random.default_rng(0)
    vecs, dense = rng.normal(size=(120, encoder.DIM)), rng.integers(0, 3, size=(120, len(DENSE))).astype(float)
    y = rng.random((120, 3)) < 0.4
    mu, sd = dense.mean(0), dense.std(0) + 1e-6
    x = np.hstack([vecs, (dense - mu) / sd * 0.1])
    m = MLPClassifier(hidden_layer_sizes=(8,), max_iter=50, random_state=0).fit(x, y.astype(int))
    head = claim_model.EncoderHead(mu, sd, m.coefs_[0], m.intercepts_[0], m.coefs_[1], m.intercepts_[1], 0.5,
                                   np.full(3, 0.5), {})
    assert np.allclose(claim_model.head_probabilities(vecs, dense, head), m.predict_proba(x), atol=1e-9)


def test_use_encoder_modes():
    m = claim_model.load_model()
    assert claim_model.use_encoder("auto", claim_model.ENCODER_AUTO_LIMIT, m) is (m.encoder is not None)
    assert claim_model.use_encoder("auto", claim_model.ENCODER_AUTO_LIMIT + 1, m) is False
    assert claim_model.use_encoder("off", 10, m) is False
    with pytest.raises(TranscriptError, match="claim_encoder"):
        claim_model.use_encoder("maybe", 10, m)


def test_shipped_model_has_an_encoder_part_of_the_right_shape():
    m = claim_model.load_model()
    assert m.encoder is not None, "the shipped claim type model has no encoder part"
    assert m.encoder.w1.shape[0] == encoder.DIM + len(m.encoder.mu)
    assert m.encoder.w2.shape[1] == len(m.types) and 0 < m.encoder.weight < 1
    assert ((m.encoder.thresholds > 0) & (m.encoder.thresholds < 1)).all()


def test_an_encoder_part_of_the_wrong_shape_is_refused(tmp_path):
    data = json.loads(claim_model.MODEL_FILE.read_text(encoding="utf-8"))
    data["encoder"]["w2"] = [row[:-1] for row in data["encoder"]["w2"]]  # one type short
    bad = tmp_path / "model.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(TranscriptError, match="encoder part w2"):
        claim_model.load_model(str(bad))


def test_the_encoder_asked_of_a_model_without_one_is_a_clear_error():
    import dataclasses

    m = dataclasses.replace(claim_model.load_model(), encoder=None)
    with pytest.raises(TranscriptError, match="no encoder part"):
        claim_model.refine_types(["We will extend the treaty."], ["official"], [set()], model=m, encoder=True)
