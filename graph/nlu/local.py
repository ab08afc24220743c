"""The local understanding engine: no network, a few milliseconds per message.

One embedding call per message (the message, its segments when it asks for several things, and the recent history
for repeat detection go in one batch), then patterns for entities, emotion, keywords and language.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from graph.nlu.classifier import IntentClassifier
from graph.nlu.drops import drops_one_request, split_at_take_back, without_denied_acts
from graph.nlu.emotion import score_emotion
from graph.nlu.entities import extract_entities, shared_entities
from graph.nlu.keywords import find_critical_keywords, human_requested
from graph.nlu.language import detect_language
from graph.nlu.schema import INTENTS, IntentScore, Understanding
from graph.nlu.segment import split_requests
from graph.nlu.tone import ToneModel
from graph.nlu.topics import TopicModel
from knowledge.embeddings import Embedder, Vector, get_embedder

# Cosine similarity above which an earlier message counts as the same request asked again.
REPEAT_SIMILARITY = 0.82
# Only recent turns matter for "asked again"; older ones were usually answered.
HISTORY_WINDOW = 4
# A segment must be this sure of itself to count as a separate request in a multi-request message.
SEGMENT_MIN_CONFIDENCE = 0.45
# Sarcasm or anger at this level rules out the positive intents.
HOSTILE_TONE = 0.6
_POSITIVE_INTENTS = [INTENTS.index(intent) for intent in ("feedback", "greeting_thanks", "affirm")]
# A plainly pleased message (sentiment at least this; sarcasm has already turned it negative) in a calm tone is
# praise, not a grievance: its complaint probability is scaled down by PLEASED_COMPLAINT_FACTOR.
PLEASED_SENTIMENT = 0.6
CALM_TONE = 0.3
PLEASED_COMPLAINT_FACTOR = 0.2
_COMPLAINT = INTENTS.index("complaint")
# The complaint probability from which a message airs a grievance (praise on it is sarcasm).
GRIEVANCE = 0.5


class LocalUnderstanding:
    """Analyses customer messages with the shared MiniLM embedder and a classifier trained at construction."""

    readings_size = 4096  # messages read by themselves (see _reading)

    def __init__(
        self,
        embedder: Embedder | None = None,
        classifier: IntentClassifier | None = None,
        tone: ToneModel | None = None,
        topics: TopicModel | None = None,
    ) -> None:
        self.embedder = embedder or get_embedder()
        self.classifier = classifier or IntentClassifier(self.embedder)
        self.tone = tone or ToneModel(self.embedder)
        self.topics = topics or TopicModel(self.embedder)
        self._readings: OrderedDict[tuple[str, bytes], _Reading] = OrderedDict()
        self._readings_lock = threading.Lock()

    def analyse(self, text: str, history: Sequence[str] = ()) -> Understanding:
        """Understand `text`; `history` holds the customer's earlier messages in this conversation, oldest first."""
        text = text.strip()
        if not text:
            return Understanding(text="", intent="out_of_scope", confidence=0.0)
        segments = split_requests(text)
        if len(segments) == 1 and (taken_back := split_at_take_back(text)):
            # "Never mind cancelling. Instead I need the address changed": the take-back is a clause of its own, read
            # as the segments of several requests are, so what they want now is read without it.
            segments = taken_back
        recent = [h.strip() for h in history[-HISTORY_WINDOW:] if h and h.strip()]
        # "Ich will #W2 nicht stornieren, nur die Adresse ändern": an act's verb denied asks for nothing; the intent
        # is read from what is left (entities, tone and the rest from the whole message).
        asked = without_denied_acts(text)
        to_classify = [asked, *segments] if len(segments) > 1 else [asked]
        vectors = self.embedder.embed([*to_classify, *recent])
        reading = self._reading(text, segments, to_classify, vectors[: len(to_classify)])
        # A copy of its own for the caller (the reading is shared): rebuilt from its dump by pydantic's core, which
        # costs a third of a deep copy through the copy module.
        understanding = Understanding.model_validate(reading.understanding.model_dump())
        if recent and _asked_before(text, recent, vectors[len(to_classify) :] @ vectors[0]):
            understanding.emotion = score_emotion(text, repeated=True, upset=reading.upset, grievance=reading.grievance)
        return understanding

    def _reading(self, text: str, segments: list[str], to_classify: list[str], vectors: Vector) -> _Reading:
        """What the message says by itself: a function of its words and their vectors only, so a message read before
        (a greeting, a thanks, "where is my order?") is not read again. Its vectors are part of the key: the same
        words embedded otherwise (another precision, a batch that changed a float) are read anew."""
        key = (text, vectors.tobytes())
        with self._readings_lock:
            known = self._readings.get(key)
            if known is not None:
                self._readings.move_to_end(key)
                return known
        reading = self._read(text, segments, to_classify, vectors)
        with self._readings_lock:
            self._readings[key] = reading
            while len(self._readings) > self.readings_size:
                self._readings.popitem(last=False)
        return reading

    def _read(self, text: str, segments: list[str], to_classify: list[str], vectors: Vector) -> _Reading:
        probabilities = self.classifier.probabilities(vectors, to_classify)

        language = detect_language(text)
        upset = self.tone.upset(vectors[:1], language)
        # The classifier's own reading, before tone adjusts it: does the message air a grievance?
        grievance = bool(probabilities[0][_COMPLAINT] >= GRIEVANCE)
        emotion = score_emotion(text, repeated=False, upset=upset, grievance=grievance)
        if max(emotion.sarcasm, emotion.anger) >= HOSTILE_TONE:
            # "Thanks for nothing" is not thanks: a hostile message cannot be praise, a greeting or a yes.
            probabilities = probabilities.copy()
            probabilities[:, _POSITIVE_INTENTS] = 0.0
            probabilities /= probabilities.sum(axis=1, keepdims=True)
        elif emotion.sentiment >= PLEASED_SENTIMENT and max(emotion.anger, emotion.frustration) < CALM_TONE:
            # "the service here is honestly the best I've had" shares its words with a complaint, not its mood.
            probabilities = probabilities.copy()
            probabilities[:, _COMPLAINT] *= PLEASED_COMPLAINT_FACTOR
            probabilities /= probabilities.sum(axis=1, keepdims=True)
        whole = probabilities[0]
        intent = INTENTS[int(np.argmax(whole))]
        confidence = float(whole.max())
        scores = [IntentScore(intent=intent, confidence=round(confidence, 4), segment=text)]
        if len(segments) > 1:
            parts = [
                IntentScore(intent=INTENTS[int(np.argmax(p))], confidence=round(float(p.max()), 4), segment=segment)
                for segment, p in zip(segments, probabilities[1:], strict=True)
            ]
            wanted = [part for part in parts if not drops_one_request(part.segment)]
            if wanted and len(wanted) < len(parts):
                # "Forget the payment switch, then change the lamp": the clause taking one request back is none of
                # its own (the dialogue drops that request); what they want now leads, however sure the model is of
                # it (the whole message shares the dropped request's words).
                parts = [wanted[0], *(p for p in wanted[1:] if p.confidence >= SEGMENT_MIN_CONFIDENCE)]
                intent, confidence = parts[0].intent, parts[0].confidence
                scores = [parts[0]]
            else:
                parts = [part for part in parts if part.confidence >= SEGMENT_MIN_CONFIDENCE]
            distinct = {part.intent for part in parts}
            if len(distinct) > 1:
                # Several requests: the first one leads (customers put what they came for first).
                first_per_intent: dict[str, IntentScore] = {}
                for part in parts:
                    first_per_intent.setdefault(part.intent, part)
                scores = list(first_per_intent.values())
                intent, confidence = scores[0].intent, scores[0].confidence

        # Escalation topics by meaning, on the whole message (the model is English).
        asked = text.rstrip().endswith("?")
        topic = self.topics.match(vectors[0], intent, asked) if language == "en" else None
        understanding = Understanding(
            text=text,
            intent=intent,
            confidence=round(confidence, 4),
            intents=scores,
            entities=extract_entities(text),
            emotion=emotion,
            language=language,
            critical_keywords=find_critical_keywords(text),
            human_requested=human_requested(text),
            topics=[topic] if topic else [],
        )
        return _Reading(understanding, upset, grievance)


@dataclass(frozen=True)
class _Reading:
    """A message's understanding as if said for the first time, and what its emotion is scored from again when it
    turns out to repeat an earlier message."""

    understanding: Understanding
    upset: float
    grievance: bool


def _asked_before(text: str, recent: Sequence[str], similarities: NDArray[np.float32]) -> bool:
    """The message says again what an earlier one said. The same words about another order ("any news on #W2?"
    after "any news on #W1?") are a new request, not a repeat."""
    orders = set(shared_entities(text).order_ids)
    return any(
        similarity >= REPEAT_SIMILARITY and orders <= set(shared_entities(earlier).order_ids)
        for earlier, similarity in zip(recent, similarities, strict=True)
    )


_analyser_lock = threading.Lock()


def get_local_understanding() -> LocalUnderstanding:
    """The process-wide analyser; the first call loads the embedder and trains the classifier."""
    # Concurrent first turns (a server's worker threads) would otherwise each train their own copy.
    with _analyser_lock:
        return _local_understanding()


@lru_cache(maxsize=1)
def _local_understanding() -> LocalUnderstanding:
    return LocalUnderstanding()
