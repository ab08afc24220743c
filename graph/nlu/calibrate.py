"""Fit the classifier's temperature on the dev split so that confidence means "probability the intent is right".

    python -m graph.nlu.calibrate      # rewrites graph/nlu/data/calibration.json

Temperature scaling keeps the ranking (accuracy is unchanged) and only stretches or shrinks the probabilities; it is
fitted by minimising the negative log-likelihood over a grid, on dev only, never on test.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from graph.nlu.classifier import CALIBRATION_PATH, softmax
from graph.nlu.evaluation import Case, load_cases
from graph.nlu.local import LocalUnderstanding
from graph.nlu.schema import INTENTS

_GRID = np.round(np.arange(0.1, 6.01, 0.05), 2)


def collect_logits(
    analyser: LocalUnderstanding, cases: Sequence[Case]
) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    """Whole-message logits and gold labels, the way `analyse` scores a message."""
    texts = [case.turns[-1].strip() for case in cases]
    vectors = analyser.embedder.embed(texts)
    logits = analyser.classifier.logits(vectors, texts)
    labels = np.array([INTENTS.index(case.expected.intent) for case in cases], dtype=np.int64)
    return logits, labels


def negative_log_likelihood(logits: NDArray[np.float32], labels: NDArray[np.int64], temperature: float) -> float:
    probs = softmax(logits, temperature)
    return float(-np.mean(np.log(probs[np.arange(len(labels)), labels] + 1e-12)))


def expected_calibration_error(confidences: NDArray[np.float64], correct: NDArray[np.bool_], bins: int = 10) -> float:
    """Mean |accuracy - confidence| over equal-width confidence bins, weighted by bin size."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    error = 0.0
    for low, high in itertools.pairwise(edges):
        in_bin = (confidences > low) & (confidences <= high)
        if in_bin.any():
            error += in_bin.mean() * abs(correct[in_bin].mean() - confidences[in_bin].mean())
    return float(error)


def fit_temperature(logits: NDArray[np.float32], labels: NDArray[np.int64]) -> float:
    losses = [negative_log_likelihood(logits, labels, float(t)) for t in _GRID]
    return float(_GRID[int(np.argmin(losses))])


def calibration_report(logits: NDArray[np.float32], labels: NDArray[np.int64], temperature: float) -> dict[str, float]:
    probs = softmax(logits, temperature)
    confidences = probs.max(axis=1).astype(np.float64)
    correct = probs.argmax(axis=1) == labels
    return {
        "temperature": temperature,
        "nll": round(negative_log_likelihood(logits, labels, temperature), 4),
        "ece": round(expected_calibration_error(confidences, correct), 4),
        "accuracy": round(float(correct.mean()), 4),
        "mean_confidence": round(float(confidences.mean()), 4),
    }


def main() -> None:
    analyser = LocalUnderstanding()
    cases = load_cases("dev")
    logits, labels = collect_logits(analyser, cases)
    before = calibration_report(logits, labels, 1.0)
    temperature = fit_temperature(logits, labels)
    after = calibration_report(logits, labels, temperature)
    CALIBRATION_PATH.write_text(
        json.dumps(
            {"temperature": temperature, "fitted_on": "dev", "uncalibrated": before, "calibrated": after}, indent=2
        )
        + "\n",
        encoding="utf-8",
    )
    print(json.dumps({"uncalibrated": before, "calibrated": after}, indent=2))


if __name__ == "__main__":
    main()
