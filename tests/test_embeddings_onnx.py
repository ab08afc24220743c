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
    onnx, torch = MiniLMEmbedder("onnx"), MiniLMEmbedder("torch")
    assert (onnx.runtime, torch.runtime) == ("onnx", "torch")
    got, expected = onnx.embed(texts), torch.embed(texts)
    assert got.shape == expected.shape == (len(texts), 384)
    assert float(np.abs(got - expected).max()) < 1e-5
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


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
    with caplog.at_level(logging.WARNING, logger="knowledge.embeddings"):
        fallback = MiniLMEmbedder("auto")
    assert fallback.runtime == "torch"
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
