"""Keep the catalogue in step with the code: ``python -m shopdesk.i18n extract`` rewrites the template from the
marked messages (the files and keywords are in pyproject.toml's ``[tool.babel]``), ``update`` merges it into every
language's .po file (new messages arrive untranslated, for a translator), ``compile`` builds the .mo files the bot
loads from the .po files."""

from __future__ import annotations

import argparse
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

from shopdesk.i18n.catalogue import DOMAIN, LOCALE_DIR, compile_po

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"


def extract(output: Path = TEMPLATE) -> Path:
    """The template of every marked message, as Babel's extractor finds it (no dates, so it only changes with
    the messages)."""
    CommandLineInterface().run(
        [
            "pybabel",
            "--quiet",
            "extract",
            "--mapping-file",
            str(ROOT / "pyproject.toml"),
            "--output-file",
            str(output),
            "--project",
            "ShopDesk",
            "--no-location",
            "--sort-output",
            "--omit-header",
            # The mapping's patterns are relative to the root: it picks the files.
            str(ROOT),
        ]
    )
    return output


def update() -> None:
    CommandLineInterface().run(
        [
            "pybabel",
            "--quiet",
            "update",
            "--input-file",
            str(TEMPLATE),
            "--output-dir",
            str(LOCALE_DIR),
            "--domain",
            DOMAIN,
            "--width",
            "120",
            "--ignore-obsolete",
            # A new message is translated afresh, not guessed from a similar old one.
            "--no-fuzzy-matching",
        ]
    )


def compile_all() -> list[Path]:
    """Every .po file compiled to the .mo next to it, which the bot loads (a test checks they match)."""
    written = []
    for po in sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo = po.with_suffix(".mo")
        mo.write_bytes(compile_po(po, po.parent.parent.name))
        written.append(mo)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m shopdesk.i18n", description=__doc__)
    parser.add_argument("command", choices=("extract", "update", "compile"))
    command = parser.parse_args().command
    if command == "extract":
        print(extract())
    elif command == "update":
        update()
    else:
        print("\n".join(str(path) for path in compile_all()))


if __name__ == "__main__":
    main()
