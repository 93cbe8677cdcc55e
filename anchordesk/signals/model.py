"""Small learned models behind the language signals (numpy only, no network, no torch).

A message is turned into a sparse vector of hashed features:

- word 1-grams and 2-grams (lower-cased tokens; punctuation runs are tokens too),
- character 3-, 4- and 5-grams over the lower-cased text with a space on either side,
- a few shape features (shouting, "!!!", "??", length), and
- indicator features for the rule cues the caller passes in (``cues``): the hand-written
  rules still find the evidence spans, and their verdicts are features the model weighs.

Every hash is stable across processes and machines (CRC-32 for tokens, a fixed polynomial
hash over code points for character n-grams; never Python's salted ``hash()``), so the
weights trained by ``bench/train_signals.py`` mean the same thing everywhere.

Each decision is one linear head over those features: logistic for yes/no decisions,
softmax for the class decisions. Probabilities are Platt-calibrated on out-of-fold
predictions at training time, and each yes/no head stores its own decision threshold.
Weights ship in ``anchordesk/signals/weights/`` (``<group>.npz`` + ``<group>.json``) and
are loaded lazily, once per process, under a lock.
"""

from __future__ import annotations

import io
import json
import re
import threading
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._spans import Span

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
# Features read at most this many characters of a message: the work per call is bounded by
# construction, whatever the input size (the rules clip at _spans.MAX_CHARS separately).
MAX_FEATURE_CHARS = 2_000
FEATURE_BITS = 18
N_FEATURES = 1 << FEATURE_BITS
_CHAR_NS = (3, 4, 5)
_MULT = np.uint64(1_000_003)

_TOKEN_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[!?]+|[^\sa-z0-9]")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ’‘", "abcdefghijklmnopqrstuvwxyz''")


@lru_cache(maxsize=200_000)
def _word_hash(token: str) -> int:
    return zlib.crc32(token.encode("utf-8", "replace"))


@lru_cache(maxsize=4096)
def _name_hash(name: str) -> int:
    return zlib.crc32(b"cue\x00" + name.encode("utf-8"))


def stable_hash(s: str) -> int:
    """The token hash used by the featurizer (exposed for tests)."""
    return _word_hash(s)


@dataclass(frozen=True, slots=True)
class Features:
    """A hashed, sparse feature vector with what is needed to point back into the text."""

    idx: np.ndarray  # int64 feature ids
    val: np.ndarray  # float32 values
    n_tokens: int  # the first n_tokens entries are word unigrams (token order)
    n_bigrams: int  # then the bigrams
    n_chars: int  # then the character n-grams (grouped by n, in _CHAR_NS order); then the cues
    low: str  # the lower-cased text the features saw (same length and offsets as the input)

    @property
    def token_spans(self) -> list[tuple[int, int]]:
        return [m.span() for m in _TOKEN_RE.finditer(self.low)]


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_SHIFT = np.uint64(64 - FEATURE_BITS)
_BIGRAM_MULT = np.uint64(0x100000001B3)
_SEEDS = {
    2: np.uint64(0x5BD1E9955BD1E995),  # word bigrams
    3: np.uint64(0x1B8735931B873593),
    4: np.uint64(0x2C1B3C6D2C1B3C6D),
    5: np.uint64(0x3E1F7A5B3E1F7A5B),
}


def _bucket(h: np.ndarray) -> np.ndarray:
    """Fibonacci hashing: the top FEATURE_BITS bits of h * golden ratio (uint64 wraps)."""
    return ((h * _GOLDEN) >> _SHIFT).astype(np.int64)


def featurize(text: str, cues: list[str] | tuple[str, ...] = ()) -> Features:
    """Hashed features of ``text`` (first MAX_FEATURE_CHARS characters) plus the named cues."""
    text = text[:MAX_FEATURE_CHARS]
    low = text.translate(_ASCII_LOWER)
    tokens = _TOKEN_RE.findall(low)
    uni = np.fromiter(map(_word_hash, tokens), dtype=np.uint64, count=len(tokens))
    bi = (uni[:-1] * _BIGRAM_MULT + uni[1:]) ^ _SEEDS[2]
    # Character n-grams over code points (one array element per character, so offsets hold):
    # a polynomial hash built up one character at a time, wrapping modulo 2**64.
    cp = np.frombuffer((" " + low + " ").encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    h = cp
    grams: list[np.ndarray] = []
    for n in range(2, _CHAR_NS[-1] + 1):
        h = h[:-1] * _MULT + cp[n - 1 :]
        if n in _CHAR_NS:
            grams.append(h ^ _SEEDS[n])
    named = [_name_hash(c) for c in (*_shape_cues(text, cp), *cues)]
    idx = _bucket(np.concatenate([uni, bi, *grams, np.asarray(named, dtype=np.uint64)]))
    n_chars = sum(len(g) for g in grams)
    n_text = len(uni) + len(bi) + n_chars
    val = np.full(len(idx), 1.0, dtype=np.float32)
    # n-gram counts are scaled so a long message does not outweigh a short one; cues count 1.
    val[:n_text] = 1.0 / np.sqrt(max(n_text, 1))
    return Features(idx, val, len(uni), len(bi), n_chars, low)


_CAPS_WORD_RE = re.compile(r"\b[A-Z]{3,}\b")


def _shape_cues(text: str, cp_low: np.ndarray) -> list[str]:
    cues: list[str] = []
    letters = int(np.count_nonzero((cp_low >= 97) & (cp_low <= 122)))
    if letters >= 4:
        orig = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        upper = int(np.count_nonzero((orig >= 65) & (orig <= 90)))
        if upper / letters > 0.6:
            cues.append("shape:all_caps")
        elif upper >= 3 and _CAPS_WORD_RE.search(text):
            cues.append("shape:caps_word")
    if "!!" in text:
        cues.append("shape:bangs")
    if "??" in text or "?!" in text or "!?" in text:
        cues.append("shape:qbang")
    n = len(text)
    cues.append("shape:len" + ("s" if n < 40 else "m" if n < 140 else "l" if n < 600 else "xl"))
    return cues


# --------------------------------------------------------------------------- heads


@dataclass(frozen=True, slots=True)
class Head:
    name: str
    kind: str  # "binary" | "softmax"
    col: int  # first column in the group's weight matrix
    classes: tuple[str, ...]  # softmax classes (binary: ("0", "1"))
    threshold: float  # binary: decide yes when probability >= threshold
    platt_a: float  # calibrated p = sigmoid(a * logit + b)   (softmax: temperature = a)
    platt_b: float
    # The rules' verdict as a prior: cue name per class column ("" = the binary yes). A binary
    # head's logit starts at +prior_weight when one of its cues is present, else -prior_weight;
    # a softmax head's logit for the class whose cue is present starts at +prior_weight. The
    # learned weights are corrections on top of the rules.
    prior: tuple[tuple[str, int], ...] = ()
    prior_weight: float = 0.0

    @property
    def width(self) -> int:
        return 1 if self.kind == "binary" else len(self.classes)


class Group:
    """One weight matrix shared by the heads that read the same kind of text."""

    def __init__(self, name: str, weights: np.ndarray, bias: np.ndarray, heads: dict[str, Head]) -> None:
        self.name = name
        self.weights = weights  # (N_FEATURES, columns) float32
        self.bias = bias  # (columns,) float32
        self.heads = heads

    def logits(self, f: Features) -> np.ndarray:
        z = np.asarray(f.val @ np.take(self.weights, f.idx, axis=0) + self.bias, dtype=np.float64)
        return z + prior_offsets(self.heads.values(), f, len(z))

    def has(self, head: str) -> bool:
        return head in self.heads


@lru_cache(maxsize=1024)
def cue_bucket(name: str) -> int:
    """The feature id of a named cue (as featurize computes it)."""
    return int(_bucket(np.asarray([_name_hash(name)], dtype=np.uint64))[0])


def prior_offsets(heads: Iterable[Head], f: Features, width: int) -> NDArray[np.float64]:
    """Per column, the rules' prior (see Head.prior) for this feature vector."""
    out = np.zeros(width, dtype=np.float64)
    cues = set(f.idx[f.n_tokens + f.n_bigrams + f.n_chars :].tolist())
    for h in heads:
        if not h.prior:
            continue
        if h.kind == "binary":
            hit = any(cue_bucket(name) in cues for name, _ in h.prior)
            out[h.col] += h.prior_weight if hit else -h.prior_weight
        else:
            for name, cls in h.prior:
                if cue_bucket(name) in cues:
                    out[h.col + cls] += h.prior_weight
    return out


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + float(np.exp(-x)))
    e = float(np.exp(x))
    return e / (1.0 + e)


def binary_prob(head: Head, logits: np.ndarray) -> float:
    return _sigmoid(head.platt_a * float(logits[head.col]) + head.platt_b)


def softmax_probs(head: Head, logits: np.ndarray) -> dict[str, float]:
    z = logits[head.col : head.col + head.width] * head.platt_a
    z = np.exp(z - z.max())
    p = z / z.sum()
    return {c: float(v) for c, v in zip(head.classes, p, strict=True)}


def evidence(
    group: Group, head: Head, f: Features, text: str, label: str, *, top: int = 3, cls: int = 0
) -> list[Span]:
    """Spans of ``text`` (the text given to :func:`featurize`) that pushed ``head`` up most.

    Word and bigram contributions go to their tokens; a character n-gram's contribution goes
    to the character at its middle and from there to the token holding it.
    """
    spans = f.token_spans
    if not spans:
        return []
    col = head.col + cls
    w = group.weights[f.idx, col] * f.val
    nt, nb = f.n_tokens, f.n_bigrams
    score = np.zeros(nt, dtype=np.float64)
    score += w[:nt]
    if nb:
        score[:-1] += 0.5 * w[nt : nt + nb]
        score[1:] += 0.5 * w[nt : nt + nb]
    # Character n-grams: positions in the padded text (one leading space).
    per_char = np.zeros(len(f.low) + 2, dtype=np.float64)
    off = nt + nb
    padded_len = len(f.low) + 2
    for n in _CHAR_NS:
        count = max(padded_len - n + 1, 0)
        if count:
            centers = np.arange(count) + n // 2
            np.add.at(per_char, centers, w[off : off + count])
        off += count
    cum = np.concatenate([[0.0], np.cumsum(per_char)])
    starts = np.fromiter((s + 1 for s, _ in spans), dtype=np.int64, count=nt)
    ends = np.fromiter((e + 1 for _, e in spans), dtype=np.int64, count=nt)
    score += cum[ends] - cum[starts]
    order = np.argsort(-score, kind="stable")[:top]
    out: list[Span] = []
    for i in sorted(int(i) for i in order if score[i] > 0 and text[spans[i][0]].isalnum()):
        s, e = spans[i]
        if out and out[-1].end >= s - 1:
            prev = out.pop()
            s = prev.start
        out.append(Span(label, s, e, text[s:e]))
    return out


# --------------------------------------------------------------------------- loading


_LOCK = threading.Lock()
_GROUPS: dict[str, Group | None] = {}


def load_group(name: str, folder: Path | None = None) -> Group | None:
    """The named weight group, loaded once per process (None when no weights ship)."""
    if folder is None and name in _GROUPS:
        return _GROUPS[name]
    with _LOCK:
        if folder is None and name in _GROUPS:
            return _GROUPS[name]
        group = _read_group(name, folder or WEIGHTS_DIR)
        if folder is None:
            _GROUPS[name] = group
        return group


def _read_group(name: str, folder: Path) -> Group | None:
    meta_path, npz_path = folder / f"{name}.json", folder / f"{name}.npz"
    if not meta_path.exists() or not npz_path.exists():
        return None
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("feature_bits") != FEATURE_BITS or meta.get("featurizer") != FEATURIZER_VERSION:
        return None  # weights from another featurizer would score garbage
    with np.load(npz_path) as npz:
        weights = np.ascontiguousarray(npz["weights"], dtype=np.float32)
        bias = np.asarray(npz["bias"], dtype=np.float32)
    heads = {
        h["name"]: Head(
            name=h["name"],
            kind=h["kind"],
            col=int(h["col"]),
            classes=tuple(h["classes"]),
            threshold=float(h["threshold"]),
            platt_a=float(h["platt_a"]),
            platt_b=float(h["platt_b"]),
            prior=tuple((str(name), int(cls)) for name, cls in h.get("prior", [])),
            prior_weight=float(h.get("prior_weight", 0.0)),
        )
        for h in meta["heads"]
    }
    return Group(name, weights, bias, heads)


def reset_cache() -> None:
    """Forget loaded weights (tests that retrain into the package folder)."""
    with _LOCK:
        _GROUPS.clear()


FEATURIZER_VERSION = 2


def write_group(
    folder: Path,
    name: str,
    weights: np.ndarray,
    bias: np.ndarray,
    heads: list[dict[str, Any]],
    info: dict[str, Any],
) -> None:
    """Write ``<name>.npz`` and ``<name>.json`` byte-for-byte reproducibly (fixed zip times)."""
    folder.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for key, arr in (("weights", weights.astype(np.float32)), ("bias", bias.astype(np.float32))):
            one = io.BytesIO()
            np.lib.format.write_array(one, np.ascontiguousarray(arr), allow_pickle=False)
            zi = zipfile.ZipInfo(key + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zf.writestr(zi, one.getvalue(), compresslevel=9)
    (folder / f"{name}.npz").write_bytes(buf.getvalue())
    meta = {
        "group": name,
        "featurizer": FEATURIZER_VERSION,
        "feature_bits": FEATURE_BITS,
        "heads": heads,
        "info": info,
    }
    (folder / f"{name}.json").write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n", encoding="utf-8")
