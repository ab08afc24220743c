"""The intent classifier: softmax regression over MiniLM sentence vectors, trained from the example bank.

Numpy only and trained at construction: the bank is small (~750 lines), so a fresh fit takes a fraction of a second
once the bank's vectors are known, and those vectors are cached on disk keyed by the bank's content. Logits get
additive boosts from pattern cues (see `cues`) and are divided by a temperature fitted on the dev split
(see `calibrate`), so the top probability can be read as the chance that the intent is right.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import yaml
from numpy.typing import NDArray

from graph.nlu.cues import cue_logits
from graph.nlu.lexical import bag_of_words
from graph.nlu.schema import INTENTS, Intent
from knowledge.cache import cache_dir
from knowledge.embeddings import Embedder

DATA_DIR = Path(__file__).parent / "data"
EXAMPLES_PATH = DATA_DIR / "intent_examples.yaml"
CALIBRATION_PATH = DATA_DIR / "calibration.json"

Matrix = NDArray[np.float32]


def load_examples(path: Path = EXAMPLES_PATH) -> list[tuple[str, Intent]]:
    """(text, intent) pairs from the bank; unknown intents are an error, not a silent skip."""
    bank = yaml.safe_load(path.read_text(encoding="utf-8"))
    pairs: list[tuple[str, Intent]] = []
    for intent, texts in bank.items():
        if intent not in INTENTS:
            raise ValueError(f"{path}: unknown intent {intent!r}")
        if not all(isinstance(text, str) for text in texts):
            raise ValueError(f"{path}: {intent} has a non-string example (quote lines containing ': ' or yes/no)")
        pairs.extend((text, intent) for text in texts)
    return pairs


def load_temperature(path: Path = CALIBRATION_PATH) -> float:
    """The temperature fitted on the dev split; 1.0 (uncalibrated) until `calibrate` has been run."""
    try:
        return float(json.loads(path.read_text(encoding="utf-8"))["temperature"])
    except (OSError, KeyError, ValueError):
        return 1.0


def embed_cached(embedder: Embedder, texts: Sequence[str]) -> Matrix:
    """Vectors for the bank, reused across processes; a read-only home just means re-embedding."""
    digest = hashlib.sha256("\x1f".join([embedder.name, *texts]).encode()).hexdigest()[:24]
    path = cache_dir("nlu") / f"bank-{digest}.npy"
    try:
        cached = np.load(path)
        if cached.shape[0] == len(texts):
            return np.asarray(cached, dtype=np.float32)
    except (OSError, ValueError):
        pass
    vectors = embedder.embed(list(texts))
    _save_atomically(path, lambda sink: np.save(sink, vectors))
    return vectors


def _save_atomically(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Write a cache file under a temporary name, then rename: server workers starting together may all write the
    same file, and a reader must never load a half-written or interleaved one. A read-only cache is no error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=path.name, suffix=".partial", delete=False) as sink:
            partial = Path(sink.name)
            try:
                write(sink)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
        os.replace(partial, path)
    except OSError:
        pass


def train_cached(
    features: Matrix, labels: NDArray[np.int64], classes: int, config: TrainingConfig, tag: str
) -> tuple[Matrix, Matrix]:
    """`train_softmax`, reusing the weights of an earlier run on exactly the same data and settings.

    A fit takes seconds on a busy two-core box; the bank changes rarely, so processes after the first start fast.
    """
    digest = hashlib.sha256()
    for part in (features.tobytes(), labels.tobytes(), repr((classes, config)).encode()):
        digest.update(part)
    path = cache_dir("nlu") / f"{tag}-{digest.hexdigest()[:24]}.npz"
    try:
        with np.load(path) as cached:
            return np.asarray(cached["weights"]), np.asarray(cached["bias"])
    except (OSError, KeyError, ValueError):
        pass
    weights, bias = train_softmax(features, labels, classes, config)
    _save_atomically(path, lambda sink: np.savez(sink, weights=weights, bias=bias))
    return weights, bias


@dataclass(frozen=True)
class TrainingConfig:
    # l2 and knn_weight were chosen by 5-fold cross-validation on the bank together with dev accuracy (was 1e-2 and
    # 8.0: the nearest example outweighed the regression and held-out bank lines scored 1.5 points lower).
    epochs: int = 200
    learning_rate: float = 0.05
    l2: float = 3e-3
    # MiniLM vectors are unit length, so cosine differences are small; scaling lets the weights stay moderate.
    feature_scale: float = 4.0
    # Weight of the nearest-example cosine added to the regression's logits (0 disables it).
    knn_weight: float = 6.0
    # Weight of the hashed bag-of-words block next to the embedding (0 disables it).
    lexical_weight: float = 1.0


def train_softmax(
    vectors: Matrix, labels: NDArray[np.int64], classes: int, config: TrainingConfig = TrainingConfig()
) -> tuple[Matrix, Matrix]:
    """Full-batch Adam on the cross-entropy; deterministic (zero init), so the same bank gives the same model."""
    x = vectors * config.feature_scale
    n, d = x.shape
    weights = np.zeros((d, classes), dtype=np.float32)
    bias = np.zeros(classes, dtype=np.float32)
    onehot = np.eye(classes, dtype=np.float32)[labels]
    m_w, v_w = np.zeros_like(weights), np.zeros_like(weights)
    m_b, v_b = np.zeros_like(bias), np.zeros_like(bias)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, config.epochs + 1):
        logits = x @ weights + bias
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        grad_logits = (probs - onehot) / n
        grad_w = x.T @ grad_logits + config.l2 * weights
        grad_b = grad_logits.sum(axis=0)
        for param, grad, m, v in ((weights, grad_w, m_w, v_w), (bias, grad_b, m_b, v_b)):
            m *= beta1
            m += (1 - beta1) * grad
            v *= beta2
            v += (1 - beta2) * grad * grad
            m_hat = m / (1 - beta1**step)
            v_hat = v / (1 - beta2**step)
            param -= config.learning_rate * m_hat / (np.sqrt(v_hat) + eps)
    return weights * config.feature_scale, bias


def softmax(logits: NDArray[np.float32], temperature: float = 1.0) -> NDArray[np.float32]:
    scaled = logits / temperature
    scaled = scaled - scaled.max(axis=-1, keepdims=True)
    exp = np.exp(scaled)
    return np.asarray(exp / exp.sum(axis=-1, keepdims=True), dtype=np.float32)


class IntentClassifier:
    """Scores every intent for a batch of texts whose vectors the caller already has."""

    def __init__(
        self,
        embedder: Embedder,
        examples: Sequence[tuple[str, Intent]] | None = None,
        temperature: float | None = None,
        config: TrainingConfig = TrainingConfig(),
    ) -> None:
        pairs = list(examples) if examples is not None else load_examples()
        texts = [text for text, _ in pairs]
        labels = np.array([INTENTS.index(intent) for _, intent in pairs], dtype=np.int64)
        self.embedder = embedder
        self.temperature = load_temperature() if temperature is None else temperature
        bank = embed_cached(embedder, texts)
        self._lexical_weight = config.lexical_weight
        self._weights, self._bias = train_cached(self._features(bank, texts), labels, len(INTENTS), config, "intent")
        self._bank, self._labels = bank, labels
        # The bank's columns grouped by intent (stable, so each group keeps its order), and where each group starts:
        # the closest example of every intent is then one reduction, not one unbuffered update per example.
        self._by_intent = np.argsort(labels, kind="stable")
        self._intents_present, self._group_starts = np.unique(labels[self._by_intent], return_index=True)
        self._knn_weight = config.knn_weight

    def _features(self, vectors: Matrix, texts: Sequence[str]) -> Matrix:
        if not self._lexical_weight:
            return vectors
        return np.hstack([vectors, self._lexical_weight * bag_of_words(texts)]).astype(np.float32)

    def logits(self, vectors: Matrix, texts: Sequence[str]) -> NDArray[np.float32]:
        """Uncalibrated scores, shape (len(texts), len(INTENTS)): model plus pattern cues."""
        model = self._features(vectors, texts) @ self._weights + self._bias
        if self._knn_weight:
            model = model + self._knn_weight * self._nearest_similarity(vectors)
        cues = np.stack([cue_logits(text) for text in texts]) if texts else np.zeros_like(model)
        return np.asarray(model + cues, dtype=np.float32)

    def _nearest_similarity(self, vectors: Matrix) -> NDArray[np.float32]:
        """Per intent, the cosine of the closest bank example: a near-paraphrase of an example should win."""
        similarities = vectors @ self._bank.T
        best = np.full((vectors.shape[0], len(INTENTS)), -1.0, dtype=np.float32)
        if len(self._group_starts) and vectors.shape[0]:
            grouped = similarities[:, self._by_intent]
            nearest = np.maximum.reduceat(grouped, self._group_starts, axis=1)
            best[:, self._intents_present] = np.maximum(nearest, best[:, self._intents_present])
        return best

    def probabilities(self, vectors: Matrix, texts: Sequence[str]) -> NDArray[np.float32]:
        return softmax(self.logits(vectors, texts), self.temperature)

    def nearest_example(self, vectors: Matrix) -> NDArray[np.float32]:
        """Per text, the cosine of the closest example in the whole bank, whatever its intent."""
        return np.asarray((vectors @ self._bank.T).max(axis=1), dtype=np.float32)


# How close a message must come to an extra example to be read as its label at all (MiniLM cosine).
EXTRA_MINIMUM = 0.5


class ExtraExamples:
    """Examples of labels beyond the intents (a shop's own procedures), read by nearest neighbour next to the bank:
    a message closer to one of them than to any example of the bank is read as its label. Adding a procedure's
    sentences this way needs no retraining, and a message near a built-in intent's examples keeps that intent."""

    def __init__(self, classifier: IntentClassifier, examples: Sequence[tuple[str, str]]) -> None:
        self.classifier = classifier
        self.labels = [label for _, label in examples]
        self._bank = embed_cached(classifier.embedder, [text for text, _ in examples])

    def read(self, text: str) -> str | None:
        """The label whose example is closest to the message, if closer than any example of the intent bank."""
        if not self.labels or not text.strip():
            return None
        vectors = self.classifier.embedder.embed([text.strip()])
        similarities = (vectors @ self._bank.T)[0]
        best = int(np.argmax(similarities))
        if similarities[best] < EXTRA_MINIMUM or similarities[best] <= self.classifier.nearest_example(vectors)[0]:
            return None
        return self.labels[best]
