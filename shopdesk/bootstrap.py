"""First-run set-up: seed the demo shop and index its knowledge, saying what is happening and how far along."""

from __future__ import annotations

import logging

from sqlalchemy import func, select

from shop.db import session_factory
from shop.models import Customer
from shopdesk.progress import say, shows_progress, stage_bars
from shopdesk.settings import Settings, get_settings

log = logging.getLogger(__name__)
__all__ = ["ensure_embedding_model", "ensure_knowledge", "ensure_ready", "ensure_shop", "say"]


def shop_is_empty(settings: Settings) -> bool:
    with session_factory(settings.shop_database_url)() as session:
        return not session.scalar(select(func.count()).select_from(Customer))


def ensure_shop(settings: Settings) -> None:
    if not shop_is_empty(settings):
        from shop.seed import backfill_attributes

        # A demo shop from before products carried structured facts gets them (a no-op for any other shop).
        if filled := backfill_attributes(settings.shop_database_url):
            say(f"Added structured facts to {filled} demo products")
        return
    from shop.seed import seed_demo, seeding_time

    # Dated from today, so the demo's recent deliveries are still inside their return windows on a first run.
    today = seeding_time(settings.clock)
    say(f"First run: building the demo shop in {settings.shop_database_url} (seed {settings.demo_seed}, as of {today})")
    with stage_bars("Seeding demo shop") as report:
        summary = seed_demo(settings.shop_database_url, seed=settings.demo_seed, progress=report, today=today)
    say(f"Demo shop ready: {summary.message}")


def ensure_embedding_model(settings: Settings) -> None:
    """Export MiniLM to ONNX once, and quantise it to int8 unless float32 is asked for (see knowledge.minilm_onnx);
    without them the same model runs on PyTorch."""
    from knowledge.embeddings import embedding_precision, embedding_runtime
    from knowledge.minilm_onnx import ensure_exported, ensure_quantized, int8_path, onnx_path

    if settings.embedding_provider != "minilm" or embedding_runtime() == "torch":
        return
    int8 = embedding_precision() == "int8"
    target = int8_path() if int8 else onnx_path()
    if target.exists():
        return
    say(f"First run: preparing the MiniLM embedding model for ONNX Runtime (about 15 s) in {target.parent}")
    try:
        ensure_quantized() if int8 else ensure_exported()
    except Exception:
        log.warning("preparing MiniLM for ONNX Runtime failed; it will run on PyTorch", exc_info=True)


def ensure_knowledge(settings: Settings) -> None:
    from knowledge.ingest import index_knowledge

    say(f"Indexing the shop's documents and catalog into {settings.chroma_url or settings.chroma_path}")
    report = index_knowledge(settings=settings, shop_id=settings.shop_id, progress=shows_progress())
    say(f"Knowledge ready: {report}")


def ensure_ready(settings: Settings | None = None) -> Settings:
    settings = settings or get_settings()
    from shopdesk.datafiles import make_private

    make_private(settings)  # before anything is created: the shop and the index hold customers' data
    ensure_shop(settings)
    ensure_embedding_model(settings)
    ensure_knowledge(settings)
    from shopdesk.runtime import prepare_checkpoints  # imports the graph: only once the rest is ready

    prepare_checkpoints(settings)
    return settings
