"""The one place that turns configuration into an engine."""

from __future__ import annotations

from functools import lru_cache

from graph.context import Context
from graph.llm.engine import Engine
from graph.llm.local import LocalEngine
from graph.llm.openai_engine import OpenAIEngine
from shopdesk.settings import Settings, get_settings


class EngineConfigError(ValueError):
    pass


def engine_spec(context: Context | None, settings: Settings) -> str:
    """Normalise 'auto' / 'local' / 'openai' / 'openai:<model>' to 'local' or 'openai:<model>'."""
    spec = (context.engine if context else "auto") or "auto"
    if spec == "auto":
        spec = settings.resolved_engine
    if spec == "openai":
        spec = f"openai:{settings.openai_model}"
    if spec != "local" and not spec.startswith("openai:"):
        raise EngineConfigError(f"unknown engine {spec!r}: use 'local', 'openai' or 'openai:<model>'")
    return spec


@lru_cache(maxsize=8)
def _build(spec: str, base_url: str | None, api_key: str | None, timeout: float) -> Engine:
    if spec == "local":
        return LocalEngine()
    from langchain_openai import ChatOpenAI

    model_name = spec.split(":", 1)[1]
    # Local OpenAI-compatible servers (vLLM, Ollama, llama.cpp) accept any key; the client insists on one.
    model = ChatOpenAI(
        model=model_name,
        base_url=base_url,
        api_key=api_key or "not-needed",  # type: ignore[arg-type]
        timeout=timeout,
        max_retries=1,
        temperature=0,
    )
    return OpenAIEngine(model, model_name)


def get_engine(context: Context | None = None, settings: Settings | None = None) -> Engine:
    settings = settings or get_settings()
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    return _build(engine_spec(context, settings), settings.openai_base_url, key, settings.openai_timeout_s)
