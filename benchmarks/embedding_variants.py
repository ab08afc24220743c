"""MiniLM's ONNX variants side by side: intent accuracy, agreement with float32, batch independence, CPU a message.

    python benchmarks/embedding_variants.py [--split test]

Variants: float32 (the reference); the shipped 8-bit model (7-bit signed weights, one text per run: see
knowledge.minilm_onnx); and, for comparison, the ones shipped before it: unsigned weights (U8U8, one text per run,
exact everywhere but slower) and full signed weights (U8S8) run in batches. The comparison models are built in a
temporary folder and never reach the cache. Which CPU this runs on matters for U8S8 only (without AVX-512 VNNI its
sums saturate); the CPU's flags are printed with the figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.nlu.evaluation import evaluate, load_cases
from graph.nlu.local import LocalUnderstanding
from knowledge.embeddings import Vector, limit_numeric_threads
from knowledge.minilm_onnx import OnnxMiniLM, ensure_exported, ensure_quantized


class _Variant:
    """An embedder over one model file, without the server embedder's cache (every message costs a forward pass)."""

    dimension = 384

    def __init__(self, name: str, forward: Callable[[list[str]], Vector]) -> None:
        self.name, self._forward = name, forward

    def embed(self, texts: list[str]) -> Vector:
        return self._forward(list(texts))


def _cpu_flags() -> str:
    try:
        flags = next(line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("flags"))
    except (OSError, StopIteration):
        return "unknown"
    wanted = ("avx2", "avx512bw", "avx512_vnni", "avx_vnni")
    return " ".join(flag for flag in wanted if f" {flag}" in flags) or "none of avx2/avx512/vnni"


def _quantized(source: Path, folder: Path, weights: str) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    target = folder / f"minilm-{weights}.onnx"
    weight_type = QuantType.QUInt8 if weights == "u8u8" else QuantType.QInt8
    quantize_dynamic(str(source), str(target), weight_type=weight_type, per_channel=True)
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", default="test", choices=["dev", "test"])
    args = parser.parse_args()
    limit_numeric_threads()
    cases = load_cases(args.split)
    messages = [case.turns[-1].strip() for case in cases]
    fp32_path = ensure_exported()
    with tempfile.TemporaryDirectory() as folder:
        variants = {
            "fp32": OnnxMiniLM(fp32_path, threads=1),
            "int8 U8S7, one text per run (shipped)": OnnxMiniLM(ensure_quantized(), threads=1, one_text_per_run=True),
            "int8 U8U8, one text per run (before)": OnnxMiniLM(
                _quantized(fp32_path, Path(folder), "u8u8"), threads=1, one_text_per_run=True
            ),
            "int8 U8S8, batched (before that)": OnnxMiniLM(_quantized(fp32_path, Path(folder), "u8s8"), threads=1),
        }
        reference_intents: list[str] = []
        print(f"split={args.split} messages={len(cases)} cpu={_cpu_flags()}")
        for label, model in variants.items():
            analyser = LocalUnderstanding(embedder=_Variant(label, model))
            report = evaluate(analyser, cases)
            intents: list[str] = [outcome.understanding.intent for outcome in report.outcomes]
            reference_intents = reference_intents or intents
            agreement = sum(a == b for a, b in zip(intents, reference_intents, strict=True)) / len(intents)
            alone = np.stack([model([text])[0] for text in messages])
            together = model(messages)
            started = time.process_time()
            for text in messages:
                model([text])
            cpu_ms = (time.process_time() - started) * 1000 / len(messages)
            row = {
                "intent_accuracy": round(report.summary()["intent_accuracy"], 4),
                "intents_as_fp32": round(agreement, 4),
                "alone_vs_batch_max_abs": float(np.abs(alone - together).max()),
                "alone_vs_batch_min_cosine": round(float((alone * together).sum(axis=1).min()), 4),
                "cpu_ms_per_message": round(cpu_ms, 2),
            }
            print(f"{label}: {json.dumps(row)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
