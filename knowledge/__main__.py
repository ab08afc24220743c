"""Command line: ``python -m knowledge index|search|ask``.

python -m knowledge index [--shop demo] [--rebuild]
python -m knowledge search "can I return shoes" [--type policy] [--in-stock] [--category shoes] [-k 5] [--staff]
python -m knowledge ask "how long do I have to return something?"
"""

from __future__ import annotations

import argparse
import json
import logging
import sys

from shopdesk.settings import get_settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m knowledge", description="Index and search a shop's knowledge.")
    parser.add_argument("--shop", default=None, help="shop id (default: SHOPDESK_SHOP_ID or 'demo')")
    commands = parser.add_subparsers(dest="command", required=True)

    index = commands.add_parser("index", help="index documents and catalog (only what changed)")
    index.add_argument("--shop", dest="shop_sub", default=None, help=argparse.SUPPRESS)
    index.add_argument("--rebuild", action="store_true", help="drop the collection and index everything again")
    index.add_argument("--no-catalog", action="store_true", help="index documents only")
    index.add_argument("--quiet", action="store_true", help="no progress bar")

    for name, help_text in (("search", "hybrid search"), ("ask", "a grounded answer with citations")):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("query")
        sub.add_argument("--shop", dest="shop_sub", default=None, help=argparse.SUPPRESS)
        sub.add_argument("--type", dest="types", action="append", choices=["policy", "faq", "product"])
        sub.add_argument("--in-stock", action="store_true", help="only products that are in stock")
        sub.add_argument("--category", default=None)
        sub.add_argument("-k", type=int, default=5)
        if name == "search":
            sub.add_argument("--staff", action="store_true", help="search as the team does: staff documents included")
        sub.add_argument("--json", action="store_true", help="print raw JSON")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    shop = args.shop_sub or args.shop or settings.shop_id

    if args.command == "index":
        from knowledge.ingest import index_knowledge

        report = index_knowledge(
            settings, shop_id=shop, rebuild=args.rebuild, include_catalog=not args.no_catalog, progress=not args.quiet
        )
        print(report)
        return 0

    from knowledge.retriever import get_retriever

    retriever = get_retriever(settings, shop)
    evidence = retriever.search(
        args.query,
        args.k,
        types=args.types,
        in_stock=True if args.in_stock else None,
        category=args.category,
        audience="staff" if getattr(args, "staff", False) else "customers",
    )
    if args.command == "search":
        if args.json:
            print(json.dumps(evidence, indent=2, ensure_ascii=False))
            return 0
        for rank, item in enumerate(evidence, start=1):
            dense = item["metadata"].get("dense_score")
            print(f"{rank}. {item['id']}  score={item['score']:.4f}  dense={dense}")
            print(f"   {item['metadata'].get('heading_path', item['title'])}")
            print(f"   {item['text'][:160].replace(chr(10), ' ')}...")
        return 0

    # The answer the graph would write: its retrieval for each question of the message, then its answer.
    from graph.nlu.segment import split_requests
    from graph.nodes.retrieve import gather_for
    from knowledge.answer import answer_message, questions_of

    found = gather_for(retriever, retriever.db_url, args.query, "")
    answer = answer_message(
        questions_of(split_requests(args.query)),
        found,
        retriever.db_url,
        embedder=retriever.embedder,
        general=retriever.document_terms(),
    )
    if args.json:
        print(answer.model_dump_json(indent=2))
    else:
        print(answer.text)
        print(f"\ncited: {answer.cited_ids}  supported: {answer.supported}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
