"""Escalation topics by meaning: legal steps, payment disputes, account misuse, data requests, injuries, allergic
reactions, harassment and lodged complaints, however they are worded.

The keyword patterns (graph.nlu.keywords) are predictable and auditable but only know the words someone thought of;
customers written by others say "PayPal will be getting a claim from me" or "my skin came up in hives". This reads
the MiniLM vector the classifier already computed: a message counts for a topic when its nearest neighbour among
the topic examples (data/escalation_topics.yaml) and every calm example of the intent and tone banks is a topic
example, close enough (MIN_SIMILARITY) and clearly closer than the nearest calm one (MIN_MARGIN). One matrix-vector
product a message. English only: the model is English.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml

from graph.nlu.classifier import DATA_DIR, Matrix, embed_cached, load_examples
from graph.nlu.schema import TopicMatch
from knowledge.embeddings import Embedder

TOPICS_PATH = DATA_DIR / "escalation_topics.yaml"
# Tuned on the dev messages of evals/datasets/escalation_dev.jsonl and the calm cases of intents_dev.jsonl.
MIN_SIMILARITY = 0.5
MIN_MARGIN = 0.08
# A question about the catalogue or the shop's rules ("is this shampoo ok for a dry scalp?") shares its subject with
# incidents ("the shampoo burned my scalp") but reports none: it needs to be much closer to count.
QUESTION_MIN_SIMILARITY = 0.65
QUESTION_INTENTS = frozenset(
    {"product_question", "product_recommendation", "refund_policy", "delivery_options", "payment_issue", "invoice"}
)
# Intent examples that may themselves be escalation topics stay out of the calm side.
_NOT_CALM = frozenset({"complaint", "human_agent"})


def load_topics(path: Path = TOPICS_PATH) -> list[tuple[str, str]]:
    """(text, topic) pairs."""
    bank = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(text, topic) for topic, texts in bank.items() if topic != "calm" for text in texts]


def _calm_texts() -> list[str]:
    from graph.nlu.tone import TONE_PATH

    tone = yaml.safe_load(TONE_PATH.read_text(encoding="utf-8"))
    contrast = yaml.safe_load(TOPICS_PATH.read_text(encoding="utf-8")).get("calm", [])
    texts = [text for text, intent in load_examples() if intent not in _NOT_CALM]
    return list(dict.fromkeys([*texts, *tone["calm"], *contrast]))


class TopicModel:
    def __init__(self, embedder: Embedder) -> None:
        pairs = load_topics()
        self._examples = [text for text, _ in pairs]
        self._topics = [topic for _, topic in pairs]
        calm = _calm_texts()
        self._topic_vectors = embed_cached(embedder, self._examples)
        self._calm_vectors = embed_cached(embedder, calm)

    def match(self, vector: Matrix, intent: str = "", asked: bool = False) -> TopicMatch | None:
        """The topic of one message vector (normalised, as the embedder returns it) read as `intent`, or None.
        `asked`: the message is put as a question ("could somebody on your staff take over?"); the topic examples
        tell what happened, and a question that shares their subject reports nothing unless it is as close as one."""
        topic_sims = self._topic_vectors @ vector
        best = int(np.argmax(topic_sims))
        similarity = float(topic_sims[best])
        least = QUESTION_MIN_SIMILARITY if asked or intent in QUESTION_INTENTS else MIN_SIMILARITY
        if similarity < least:
            return None  # most messages: the calm bank (the larger product) is not needed to say no
        calm = float(np.max(self._calm_vectors @ vector)) if len(self._calm_vectors) else 0.0
        if similarity - calm < MIN_MARGIN:
            return None
        return TopicMatch(topic=self._topics[best], similarity=round(similarity, 3), example=self._examples[best])
