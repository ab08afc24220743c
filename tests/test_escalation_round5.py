"""Escalation round 5 (issue #16): moods told by idiom, sarcasm as thanks for a harm or praise over a failure, curt
demands and ultimatums, deadlines and comparisons stated as facts, complaints named as such, and the calm messages that
share their words (praise of consistency, a question about the customer's own effort, a product asked about for
someone's allergy). Sentences written after the change, English and German, an escalating one beside a calm one."""

from __future__ import annotations

import pytest

from graph.nlu.escalation import ConversationFacts, EscalationPolicy
from graph.nlu.keywords import complaint_act

POLICY = EscalationPolicy()
OPEN = ConversationFacts()


@pytest.mark.parametrize(
    ("lodged", "calm"),
    [
        ("Kindly log this as a formal complaint about the courier.", "Log this as a gift order please."),
        ("I'd like you to treat this message as an official complaint.", "Please record my new delivery address."),
        (
            "I want whoever is responsible for this mess to call me back.",
            "Please tell whoever is responsible for the website that it's brilliant.",
        ),
        (
            "Ich möchte, dass der Verantwortliche sich das ansieht, die Ware war beschädigt.",
            "Bitte richten Sie dem Verantwortlichen aus, dass die Verpackung toll war.",
        ),
    ],
)
def test_a_complaint_named_as_such_is_lodged_and_praise_for_the_people_responsible_is_not(
    lodged: str, calm: str
) -> None:
    assert complaint_act(lodged)
    assert not complaint_act(calm)
