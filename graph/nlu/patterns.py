"""Compiling the readers' big word alternations so that a word start no alternative can begin with costs one test.

A pattern such as ``\\b(?:urgent\\w*|asap|emergency|...)`` is tried at every word start, and Python's regex engine
tries each alternative there in turn; under IGNORECASE each try folds the character's case again, so a message's
every word costs tens of failed alternatives. `compile_words` puts a lookahead of the characters the alternatives can
start with right after the leading ``\\b`` (of each top-level alternative that has one): one character-class test
turns most word starts away. The lookahead is
zero-width and admits every character a match can start with (computed from the parsed pattern, under the same
flags, so case folding is the engine's own), so the compiled pattern matches exactly what the plain one matches.
Where the first characters cannot be told (a negated class, a pattern that can match empty), the pattern is
compiled as written.
"""

from __future__ import annotations

import re

# The standard library's own pattern parser: the only way to read a pattern's first characters as the engine does.
# Typeshed stubs it under its deprecated names (sre_parse, sre_constants) only.
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

_CATEGORIES = {
    sre.CATEGORY_DIGIT: r"\d",
    sre.CATEGORY_NOT_DIGIT: r"\D",
    sre.CATEGORY_SPACE: r"\s",
    sre.CATEGORY_NOT_SPACE: r"\S",
    sre.CATEGORY_WORD: r"\w",
    sre.CATEGORY_NOT_WORD: r"\W",
}
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)


def _char(code: int) -> str:
    return re.escape(chr(code))


def _class_items(items: list[tuple[Any, Any]]) -> list[str] | None:
    """A character class's members as class syntax, or None when it cannot be copied (a negated class)."""
    members = []
    for op, value in items:
        if op is sre.LITERAL:
            members.append(_char(value))
        elif op is sre.RANGE:
            members.append(f"{_char(value[0])}-{_char(value[1])}")
        elif op is sre.CATEGORY and value in _CATEGORIES:
            members.append(_CATEGORIES[value])
        else:
            return None
    return members


def _first_chars(items: Any) -> tuple[list[str] | None, bool]:
    """Class members covering every character a match of the parsed sequence `items` can start with (None when
    unknown: something this does not read), and whether the sequence can match empty."""
    members: list[str] = []
    for op, value in items:
        if op in _ZERO_WIDTH:
            continue  # \b, ^, lookarounds: they only narrow where a match starts; the next item starts it
        if op is sre.LITERAL:
            return [*members, _char(value)], False
        if op is sre.IN:
            inside = _class_items(value)
            return (None if inside is None else [*members, *inside]), False
        if op is sre.SUBPATTERN:
            _group, add_flags, del_flags, body = value
            if add_flags or del_flags:
                return None, False
            alternatives, low = [body], 1
        elif op is sre.BRANCH:
            alternatives, low = value[1], 1
        elif op in _REPEATS:
            low, _high, body = value
            alternatives = [body]
        else:
            return None, False
        empty = low == 0
        for alternative in alternatives:
            inside, nullable = _first_chars(alternative)
            if inside is None:
                return None, False
            members += inside
            empty = empty or nullable
        if not empty:
            return members, False
    return members, True


def _alternatives(source: str) -> list[str]:
    """`source` split at its top-level bars (not inside a group or a class, not escaped)."""
    parts, depth, start, index, in_class = [], 0, 0, 0, False
    while index < len(source):
        char = source[index]
        if char == "\\":
            index += 1  # the escaped character is no syntax
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            # A bracket first in a class ("[]x]", "[^]x]") is one of its characters, not its end.
            for opening in ("^]", "]", "^"):
                if source.startswith(opening, index + 1):
                    index += len(opening)
                    break
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(source[start:index])
            start = index + 1
        index += 1
    return [*parts, source[start:]]


def _guarded(source: str, flags: int) -> str:
    """One alternative with the lookahead after its leading ``\\b``, or as written."""
    items = list(sre_parse.parse(source, flags))
    if not source.startswith(r"\b") or not items or items[0] != (sre.AT, sre.AT_BOUNDARY):
        return source
    firsts, empty = _first_chars(items[1:])
    if firsts is None or empty:
        return source
    return rf"\b(?=[{''.join(dict.fromkeys(firsts))}]){source[2:]}"


# Flags set for the whole pattern at its start ("(?i)", "(?ix)", "(?a)(?s)").
_INLINE_FLAGS = re.compile(r"^(?:\(\?[aiLmsux]+\))+")


def compile_words(source: str, flags: int = 0) -> re.Pattern[str]:
    """`source` compiled with `flags`; each top-level alternative that starts with ``\\b`` and whose first characters
    can be told gets a lookahead of them after that ``\\b`` (the same matches, found faster).

    The pattern's own inline flags at its start ("(?ix)") count as `flags` do: each alternative is read under them,
    as the engine reads it, and they stay at the start of the compiled pattern."""
    try:
        # The flags in force: those given and those the pattern sets for itself, as the engine's parser reads them.
        flags_in_force = sre_parse.parse(source, flags).state.flags
    except re.error:
        return re.compile(source, flags)
    if flags_in_force & re.VERBOSE or "(?x" in source:  # comments and spaces would mislead the split
        return re.compile(source, flags)
    inline = _INLINE_FLAGS.match(source)
    prefix = inline.group(0) if inline else ""
    try:
        guarded = [_guarded(alternative, flags_in_force) for alternative in _alternatives(source[len(prefix) :])]
    except re.error:  # a piece that is no pattern of its own: the split misread the source
        return re.compile(source, flags)
    return re.compile(prefix + "|".join(guarded), flags)
