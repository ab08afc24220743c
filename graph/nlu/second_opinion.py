"""A learned second opinion on whether a person must take over, for the messages the pattern readers pass by.

Why: the readers (`emotion`, `keywords`, `topics`, `escalation`) were tuned on our own sets; every set written by
people who never saw them landed at recall ~0.88, and more patterns moved that by a turn or two. What they miss are
the same kinds again in new words (sarcasm above all, then requests for a person, sensitive and legal matters told
plainly). A model trained on every labelled customer turn we have learns those kinds from thousands of sentences
written by many hands, not from the few a pattern was written for.

What it reads, per message: hashed character n-grams (spelling, "sooo", "thx a lot", German compounds, which
MiniLM blurs), the MiniLM vector (meaning), and the rules' own emotion scores and the tone model's reading (so it
learns when they can be trusted). A logistic regression (the project's deterministic softmax trainer) gives
P(a person must take over). It only adds a takeover the readers did not find, and only when it is sure (see
`EscalationPolicy.learned_threshold`); the reason code is that of the closest labelled must-escalate turn's kind, and
the evidence names that turn and the model's probability, so staff see why.

Trained at first use from the labelled sets shipped in the repository (`TRAINING_FILES`; the held-out sets used to
validate it are not among them), cached by content like the other models. Without those files there is no second
opinion and the readers decide alone.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from graph.nlu.classifier import Matrix, TrainingConfig, _save_atomically, embed_cached, softmax, train_cached
from graph.nlu.schema import SecondOpinion
from knowledge.cache import cache_dir
from knowledge.embeddings import Embedder

_DATASETS = Path(__file__).resolve().parents[2] / "evals" / "datasets"
# Consumed sets only: ours and the independent ones already scored and tuned on. The newest independent sets
# (r10, r11, and any later one) are the validation and must never be trained on.
TRAINING_FILES: tuple[Path, ...] = (
    *sorted(_DATASETS.glob("escalation_*.jsonl")),
    _DATASETS / "heldout" / "escalation_independent.jsonl",
    *(_DATASETS / "heldout" / f"escalation_independent_r{n}.jsonl" for n in range(4, 10)),
)
# Kinds whose label depends on the bot's previous turn, not on the message: "yes please" accepts an offer of a
# colleague only after one; taught as a message it would hand over every "yes please".
_CONTEXT_KINDS = frozenset({"accept_offer"})

NGRAM_DIMENSIONS = 4096
_NGRAMS = (2, 3, 4, 5)
# The rules' scores (anger, frustration, sarcasm, tone) sit beside unit-length blocks; scaled to weigh like them.
_SCORE_WEIGHT = 3.0
_CONFIG = TrainingConfig(epochs=300, l2=1e-3, knn_weight=0.0)

# The reason a takeover found by the model is filed under: that of the closest labelled must-escalate turn's kind.
KIND_REASON: dict[str, str] = {
    "sarcasm": "emotion_sarcasm",
    "upset": "emotion_frustration",
    "anger": "emotion_anger",
    "human_request": "human_requested",
    "complaint": "complaint",
    "formal_complaint": "complaint",
    "legal": "critical_keyword",
    "legal_threat": "critical_keyword",
    "gdpr": "critical_keyword",
    "sensitive": "sensitive_topic",
    "safety": "sensitive_topic",
    "harassment_threat": "sensitive_topic",
}
DEFAULT_REASON = "emotion_frustration"


def load_labelled(paths: Sequence[Path] = TRAINING_FILES) -> list[tuple[str, bool, str]]:
    """(text, must escalate, kind) for every labelled customer turn, in file order; missing files are skipped."""
    turns: list[tuple[str, bool, str]] = []
    for path in paths:
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            for turn in json.loads(line).get("turns", []):
                kind = str(turn.get("class", "")).lower()
                if turn.get("role") == "customer" and turn.get("escalate") is not None and kind not in _CONTEXT_KINDS:
                    turns.append((str(turn["text"]), bool(turn["escalate"]), kind))
    return turns


def char_ngrams(texts: Sequence[str], dimensions: int = NGRAM_DIMENSIONS) -> NDArray[np.float32]:
    """Hashed counts of each word's 2- to 5-character pieces (the word padded with spaces), sublinear, unit rows."""
    matrix = np.zeros((len(texts), dimensions), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in text.lower().split():
            padded = f" {word} "
            for n in _NGRAMS:
                for start in range(max(1, len(padded) - n + 1)):
                    matrix[row, zlib.crc32(padded[start : start + n].encode()) % dimensions] += 1.0
    matrix = np.log1p(matrix)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


def features(texts: Sequence[str], vectors: Matrix, scores: NDArray[np.float32]) -> Matrix:
    """One row per message: character n-grams, MiniLM vector, and the rules' scores (n x 4)."""
    return np.hstack([char_ngrams(texts), vectors, scores * _SCORE_WEIGHT]).astype(np.float32)


# The rules' scores of messages from their texts and vectors, one row (anger, frustration, sarcasm, tone) each, as
# the analyser reads them; the analyser passes its own reader so training and use see the same numbers.
ScoreReader = Callable[[Sequence[str], Matrix], NDArray[np.float32]]


def _model_key(texts: Sequence[str], vectors: Matrix, labels: NDArray[np.int64]) -> str:
    digest = hashlib.sha256()
    for text in (*texts, repr(_CONFIG), repr((NGRAM_DIMENSIONS, _NGRAMS))):
        digest.update(text.encode())
    digest.update(vectors.tobytes())
    digest.update(labels.tobytes())
    nlu = Path(__file__).resolve().parent
    for source in sorted([*nlu.glob("*.py"), *nlu.glob("data/*")]):
        if source.is_file():
            digest.update(source.read_bytes())
    return digest.hexdigest()[:24]


class EscalationModel:
    """P(a person must take over | message), trained on the labelled sets."""

    def __init__(self, embedder: Embedder, read_scores: ScoreReader, paths: Sequence[Path] = TRAINING_FILES) -> None:
        labelled = load_labelled(paths)
        self.trained = bool(labelled) and len({label for _, label, _ in labelled}) == 2
        if not self.trained:
            return
        texts = [text for text, _, _ in labelled]
        vectors = embed_cached(embedder, texts)
        labels = np.array([int(label) for _, label, _ in labelled], dtype=np.int64)
        # Scoring thousands of turns with the rules takes a minute on a busy host, at every start: the trained model is
        # kept under a key of everything it depends on (the turns, the vectors, and the source and banks the rules'
        # scores come from), so a start with nothing changed only loads it.
        path = cache_dir("nlu") / f"escalation-model-{_model_key(texts, vectors, labels)}.npz"
        try:
            with np.load(path) as cached:
                self._weights, self._bias = np.asarray(cached["weights"]), np.asarray(cached["bias"])
        except (OSError, KeyError, ValueError):
            scores = read_scores(texts, vectors)
            self._weights, self._bias = train_cached(features(texts, vectors, scores), labels, 2, _CONFIG, "escalation")
            _save_atomically(path, lambda sink: np.savez(sink, weights=self._weights, bias=self._bias))
        must = labels == 1
        self._must_vectors = vectors[must]
        self._must_texts = [text for text, label, _ in labelled if label]
        self._must_kinds = [kind for _, label, kind in labelled if label]

    def read(self, text: str, vector: Matrix, scores: tuple[float, float, float, float]) -> SecondOpinion | None:
        """The model's reading of one message (`vector` is its MiniLM row, shape (1, d)); None when untrained."""
        if not self.trained:
            return None
        row = features([text], vector, np.array([scores], dtype=np.float32))
        probability = float(softmax(row @ self._weights + self._bias)[0, 1])
        nearest = int(np.argmax(self._must_vectors @ vector[0]))
        return SecondOpinion(
            probability=round(min(max(probability, 0.0), 1.0), 4),
            like=self._must_texts[nearest],
            kind=self._must_kinds[nearest],
        )
