"""A shop's knowledge: policy and FAQ documents, catalog ingestion, the Chroma store, hybrid retrieval, answers.

Modules, one concern each (import them directly; this package imports nothing so that ``import knowledge`` stays
free of Chroma and torch):

- ``documents``: Markdown documents with front matter (``id``, ``title``, ``type``, ``language``, ``audience``:
  ``customers`` by default, ``staff`` for documents never quoted to customers) and anchors.
- ``tokens``: token counts (tiktoken cl100k_base, or an approximation with a warning when it cannot load).
- ``chunking``: structure-aware chunks with heading paths and content hashes.
- ``catalog``: one chunk per product of the shop database.
- ``embeddings``: the shared embedder (MiniLM offline, or OpenAI).
- ``store``: the per-shop Chroma collection (on disk, or a Chroma server).
- ``ingest``: incremental indexing, ``index_knowledge(...) -> IndexReport``.
- ``lexical``: the in-memory BM25 index with typo tolerance.
- ``retriever``: ``Retriever.search(...) -> list[Evidence]`` and ``get_retriever(settings, shop_id)``.
- ``products``: live ``product_facts`` and ``find_products`` from the shop database.
- ``answer``: ``grounded_answer(question, evidence, facts) -> GroundedAnswer``.
- ``indexer_graph``: the indexing job as a LangGraph graph (``graph``).

Command line: ``python -m knowledge index|search|ask`` (see ``knowledge/__main__.py``).
"""
