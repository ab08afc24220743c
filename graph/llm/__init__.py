"""The model layer: one factory picks the engine (local, offline; or an OpenAI-compatible chat model)."""
