"""The profile's own words a customer reads (the return condition, the refund time) are said in the conversation's
language: a German answer quotes the shop's German wording, not the English of the profile's fields."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from graph.llm.dialogue.refund_rules import RulesQuestion, condition_answer, timing_answer
from shopdesk.i18n.catalogue import speaker, speaking
from shopdesk.profile import ShopProfile, load_profile

PROFILES = Path(__file__).resolve().parents[1] / "shopdesk" / "profiles"


def _demo() -> ShopProfile:
    return load_profile("demo", PROFILES)


def _customer_read_words(profile: ShopProfile) -> list[str]:
    return [profile.returns.condition, profile.returns.refund_processing_days]


def test_every_language_of_the_demo_shop_has_its_own_wording() -> None:
    profile = _demo()
    for language in set(profile.languages) - {"en"}:
        for words in _customer_read_words(profile):
            assert profile.wording.get(language, {}).get(words), (language, words)


@pytest.mark.parametrize(
    ("answer", "english"),
    [
        (lambda p: condition_answer(RulesQuestion(asked="condition", used=True), p), "original tags"),
        (lambda p: timing_answer(p), "business days"),
    ],
)
def test_a_german_rules_answer_is_german_throughout(answer: Callable[[ShopProfile], str], english: str) -> None:
    profile = _demo()
    with speaking(speaker("de")):
        german = answer(profile)
    assert english not in german
    assert any(word in german for word in ("unbenutzt", "Werktage")), german


def test_an_english_answer_keeps_the_profiles_own_words() -> None:
    profile = _demo()
    assert profile.returns.condition in condition_answer(RulesQuestion(asked="condition", used=True), profile)
    assert profile.returns.refund_processing_days in timing_answer(profile)


def test_words_without_a_wording_are_said_as_written() -> None:
    profile = ShopProfile.model_validate({"shop_id": "x", "brand": {"name": "X"}, "languages": ["en", "de"]})
    with speaking(speaker("de")):
        assert profile.say("unused only") == "unused only"
