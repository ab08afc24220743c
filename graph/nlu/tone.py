"""The tone model: how likely a message comes from an upset customer (angry, frustrated or sarcastic).

Rules in `emotion` catch the explicit cues; this model catches the long tail of ways people say they have had enough
("I'm at the end of my tether", "cool cool cool") by reading the same MiniLM vector the intent classifier uses, so it
costs one matrix-vector product. Trained at construction from `data/tone_examples.yaml` plus the intent bank's calm
examples (everything but complaints and requests for a person, which can go either way, and the angry examples of
other intents, which the bank keeps so that anger does not decide the topic).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml

from graph.nlu.classifier import DATA_DIR, Matrix, TrainingConfig, embed_cached, load_examples, softmax, train_cached
from graph.nlu.emotion import score_emotion
from graph.nlu.language import detect_language
from knowledge.embeddings import Embedder

TONE_PATH = DATA_DIR / "tone_examples.yaml"
_AMBIGUOUS_INTENTS = frozenset({"complaint", "human_agent"})
_TONE_CONFIG = TrainingConfig(knn_weight=0.0)
# Rule-based emotion at or above this keeps an intent example off the calm side.
_RULES_UPSET = 0.5


def load_tone_examples(path: Path = TONE_PATH) -> list[tuple[str, int]]:
    """(text, 1 if upset else 0) pairs."""
    bank = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not all(isinstance(text, str) for key in ("upset", "calm") for text in bank[key]):
        raise ValueError(f"{path}: non-string example (quote lines containing ': ')")
    pairs = [(text, 1) for text in bank["upset"]] + [(text, 0) for text in bank["calm"]]
    pairs += [
        (text, 0) for text, intent in load_examples() if intent not in _AMBIGUOUS_INTENTS and not _reads_upset(text)
    ]
    return pairs


def _reads_upset(text: str) -> bool:
    """An intent example the rules already find upset ("I'm livid, refund me"): the bank labels topic, not tone,
    so such a line must not teach the tone model that anger is calm."""
    emotion = score_emotion(text)
    return max(emotion.anger, emotion.frustration, emotion.sarcasm) >= _RULES_UPSET


def tone_trust(path: Path = TONE_PATH) -> dict[str, float]:
    """Language -> how far the model's reading counts there (0 for languages the bank does not teach)."""
    trust = yaml.safe_load(path.read_text(encoding="utf-8")).get("languages", {"en": 1.0})
    return {str(language): float(weight) for language, weight in trust.items()}


class ToneModel:
    """Binary softmax regression: P(upset | message vector)."""

    def __init__(self, embedder: Embedder, config: TrainingConfig = _TONE_CONFIG) -> None:
        self._trust = tone_trust()
        pairs = load_tone_examples()
        vectors = embed_cached(embedder, [text for text, _ in pairs])
        labels = np.array([label for _, label in pairs], dtype=np.int64)
        languages = np.array([detect_language(text) for text, _ in pairs])
        # Upset examples are the minority; weighting them up keeps recall where the escalation policy needs it. The
        # weight is set per language: MiniLM places a language's messages near each other, so upset examples weighted
        # for the (English-heavy) bank as a whole would make every German message read upset.
        extra_vectors, extra_labels = [vectors], [labels]
        for language in sorted(set(languages)):
            upset = (labels == 1) & (languages == language)
            calm = (labels == 0) & (languages == language)
            repeat = max(1, round(calm.sum() / max(1, upset.sum())))
            extra_vectors += [vectors[upset]] * (repeat - 1)
            extra_labels += [labels[upset]] * (repeat - 1)
        vectors, labels = np.concatenate(extra_vectors), np.concatenate(extra_labels)
        self._weights, self._bias = train_cached(vectors, labels, 2, config, "tone")

    def upset_probability(self, vectors: Matrix) -> np.ndarray:
        """P(upset) per row of `vectors`."""
        return softmax(vectors @ self._weights + self._bias)[:, 1]

    def upset(self, vector: Matrix, language: str) -> float:
        """The model's reading of one message in `language`, weighted by how well it knows that language; 0.0 where
        it does not know it, and the rules speak alone."""
        trust = self._trust.get(language, 0.0)
        return float(self.upset_probability(vector)[0]) * trust if trust else 0.0
