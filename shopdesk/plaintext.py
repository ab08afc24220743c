"""The bot's replies for a channel that shows plain text (a terminal).

The bot writes one small Markdown subset, the one the widget and the console render (server/static/widget.js):
**bold**, "- " and "1. " lists, and [links](https://...). Lists already read as plain text; bold loses its marks
and a link keeps its address beside its label, so nothing the customer needs is dropped.
"""

from __future__ import annotations

import re

# The same inline forms the widget renders, and only those: other asterisks (a "5*" rating) stay as written.
_BOLD = re.compile(r"\*\*([^*]+)\*\*")
_LINK = re.compile(r"\[([^\]]+)\]\(((?:https?://|mailto:)[^\s)]+)\)")


def as_plain_text(markdown: str) -> str:
    """The reply as a terminal shows it: no emphasis marks, every link's address written out."""
    if "*" not in markdown and "](" not in markdown:
        return markdown
    text = _BOLD.sub(r"\1", markdown)
    return _LINK.sub(_link_as_text, text)


def _link_as_text(match: re.Match[str]) -> str:
    label, address = match.group(1), match.group(2)
    shown = address.removeprefix("mailto:")
    return label if label == shown else f"{label} ({shown})"
