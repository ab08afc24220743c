"""MiniLM on ONNX Runtime: exported once, checked, the same vectors as PyTorch, and PyTorch when it cannot run."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from knowledge import minilm_onnx
from knowledge.embeddings import MiniLMEmbedder
from tests.support.processes import REPO

ODD_TEXTS = [
    "  Where is my order #W1234567?  ",
    "wo ist meine bestellung??? Ärger über Lieferung",
    "😀 thanks!!! 中文也可以吗",
    "",
    "return policy " * 300,  # beyond the 256-token limit: truncated the same way
    "x",
]


def test_onnx_and_pytorch_give_the_same_vectors() -> None:
    dev = REPO / "evals" / "datasets" / "intents_dev.jsonl"
    texts = [json.loads(line)["turns"][-1] for line in dev.read_text(encoding="utf-8").splitlines()[:200]]
    texts += ODD_TEXTS
    onnx, torch = MiniLMEmbedder("onnx", "fp32"), MiniLMEmbedder("torch")
    assert (onnx.runtime, torch.runtime) == ("onnx", "torch")
    assert onnx.name == torch.name == "all-MiniLM-L6-v2"  # the same vectors: one index serves both
    got, expected = onnx.embed(texts), torch.embed(texts)
    assert got.shape == expected.shape == (len(texts), 384)
    assert float(np.abs(got - expected).max()) < 1e-5
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


def test_int8_vectors_point_where_float32_ones_do_and_are_filed_apart() -> None:
    dev = REPO / "evals" / "datasets" / "intents_dev.jsonl"
    texts = [json.loads(line)["turns"][-1] for line in dev.read_text(encoding="utf-8").splitlines()[:200]]
    texts += [text for text in ODD_TEXTS if text.strip()]
    int8, fp32 = MiniLMEmbedder("onnx", "int8"), MiniLMEmbedder("onnx", "fp32")
    assert int8.name == "all-MiniLM-L6-v2-int8s7" != fp32.name  # indexes and caches never mix the two
    got, expected = int8.embed(texts), fp32.embed(texts)
    cosines = (got * expected).sum(axis=1)
    assert float(cosines.min()) > 0.95 and float(cosines.mean()) > 0.985
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    # Neighbourhoods survive quantisation: each message's closest other message under int8 is among its three
    # closest under float32 (near-ties may swap places).
    nearest = np.argsort(-(got @ got.T), axis=1)[:, 1]
    top3 = np.argsort(-(expected @ expected.T), axis=1)[:, 1:4]
    assert float((top3 == nearest[:, None]).any(axis=1).mean()) > 0.95


def test_int8_reads_the_intents_float32_reads_and_a_text_embeds_the_same_alone_or_in_a_batch() -> None:
    """The shipped 8-bit model is portable: no saturating sums (7-bit weights) and no scale shared across a batch."""
    from graph.nlu.evaluation import evaluate, load_cases
    from graph.nlu.local import LocalUnderstanding

    cases = load_cases("test")
    int8, fp32 = MiniLMEmbedder("onnx", "int8"), MiniLMEmbedder("onnx", "fp32")
    intents = {}
    for embedder in (int8, fp32):
        report = evaluate(LocalUnderstanding(embedder=embedder), cases)
        intents[embedder.precision] = [outcome.understanding.intent for outcome in report.outcomes]
    agreement = sum(a == b for a, b in zip(intents["int8"], intents["fp32"], strict=True)) / len(cases)
    assert agreement >= 0.99, agreement

    messages = [case.turns[-1].strip() for case in cases[:120]] + [text for text in ODD_TEXTS if text.strip()]
    int8.clear_cache()
    together = int8.embed(messages)
    int8.clear_cache()
    alone = np.stack([int8.embed([text])[0] for text in messages])
    assert np.array_equal(alone, together)


def test_a_text_run_alone_gets_bit_for_bit_the_vector_of_a_batch_of_one() -> None:
    """The one-text-per-run path skips the padding mask and the token types; the vectors must not move at all
    (the readings cache and every decision key on them)."""
    dev = REPO / "evals" / "datasets" / "intents_dev.jsonl"
    texts = [json.loads(line)["turns"][-1] for line in dev.read_text(encoding="utf-8").splitlines()[:60]]
    texts += [*ODD_TEXTS, "\tWo ist   meine Bestellung?\n", "   "]
    model = minilm_onnx.OnnxMiniLM(minilm_onnx.ensure_quantized(), threads=1, one_text_per_run=True)
    got = model(texts)
    batch_of_one = np.stack([model._embed_batch([text.strip()])[0] for text in texts])
    assert got.dtype == np.float32 and np.array_equal(got, batch_of_one)
    assert model([]).shape == (0, 384)


def test_int8_weights_leave_no_pair_of_products_to_saturate() -> None:
    """x86 without VNNI adds two u8 x s8 products in saturating 16-bit: the weights must keep every pair in range."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(minilm_onnx.ensure_quantized()))
    weights = [numpy_helper.to_array(t) for t in model.graph.initializer if t.data_type == onnx.TensorProto.INT8]
    assert len(weights) >= 36  # every linear layer of the six blocks is quantised
    widest = max(int(np.abs(w.astype(np.int32)).max()) for w in weights)
    assert 2 * 255 * widest <= np.iinfo(np.int16).max, widest


def test_quantisation_happens_once_and_a_bad_one_is_never_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    exported = minilm_onnx.ensure_exported()  # the user's cached export: re-exporting costs ~10 s
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(minilm_onnx, "ensure_exported", lambda: exported)
    folder = minilm_onnx.int8_path().parent
    assert folder.is_relative_to(tmp_path)
    with monkeypatch.context() as strict:
        strict.setattr(minilm_onnx, "INT8_MIN_COSINE", 1.01)
        with pytest.raises(RuntimeError, match="agrees with float32 only"):
            minilm_onnx.ensure_quantized()
    assert not list(folder.glob("*.onnx")) and not list(folder.glob("*.partial"))
    path = minilm_onnx.ensure_quantized()
    written = path.stat().st_mtime_ns
    assert minilm_onnx.ensure_quantized() == path and path.stat().st_mtime_ns == written
    assert path.stat().st_size < exported.stat().st_size / 2


def test_export_happens_once_and_a_bad_export_is_never_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = minilm_onnx.onnx_path().parent
    assert folder.is_relative_to(tmp_path)

    with monkeypatch.context() as strict:
        strict.setattr(minilm_onnx, "TOLERANCE", -1.0)  # no export can pass: it must be thrown away
        with pytest.raises(RuntimeError, match="differs from PyTorch"):
            minilm_onnx.ensure_exported()
    assert not list(folder.glob("*.onnx")) and not list(folder.glob("*.partial"))

    path = minilm_onnx.ensure_exported()
    assert path.exists()
    written = path.stat().st_mtime_ns
    assert minilm_onnx.ensure_exported() == path
    assert path.stat().st_mtime_ns == written


def test_auto_falls_back_to_pytorch_and_strict_onnx_fails(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> Path:
        raise OSError("read-only cache")

    monkeypatch.setattr(minilm_onnx, "ensure_exported", broken)
    monkeypatch.setattr(minilm_onnx, "ensure_quantized", broken)
    with caplog.at_level(logging.WARNING, logger="knowledge.embeddings"):
        fallback = MiniLMEmbedder("auto")
    assert fallback.runtime == "torch" and fallback.name == "all-MiniLM-L6-v2"  # float32 vectors, filed as such
    assert "using PyTorch" in caplog.text
    assert fallback.embed(["where is my order"]).shape == (1, 384)
    with pytest.raises(OSError, match="read-only cache"):
        MiniLMEmbedder("onnx")


def test_understanding_a_message_never_loads_torch() -> None:
    """The server's path (understanding, retrieval, answers) runs without importing torch at all."""
    script = (
        "import sys\n"
        "from graph.nlu import get_local_understanding\n"
        "u = get_local_understanding().analyse('where is my order #W1234567?', history=[])\n"
        "print(u.intent, 'torch' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "SHOPDESK_EMBEDDING_RUNTIME": "auto"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split()[-2:] == ["order_status", "False"]
