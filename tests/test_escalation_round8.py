"""Escalation round 8 (issue #16): a person sought and not reached, or asked how to reach, hands over; a call for
attention beside a need of its own lets the need go on; a decision put off is no yes to the offer of a colleague.
Sentences written after the change, English and German, an escalating one beside a calm one."""

from __future__ import annotations

import pytest

from graph.nlu.escalation import ConversationFacts, EscalationPolicy, decide_escalation
from tests.support.nlu import Analyse

POLICY = EscalationPolicy()
OPEN = ConversationFacts()
OFFERED = ConversationFacts(person_offered=True, answers_our_question=True)


def hands_over(analyse: Analyse, text: str, facts: ConversationFacts = OPEN) -> bool:
    return decide_escalation(analyse(text), POLICY, facts).escalate


@pytest.mark.parametrize(
    ("sought", "calm"),
    [
        (
            "I got forwarded to your billing people yesterday and no one picked up",
            "I called your hotline yesterday and someone answered straight away, all sorted now",
        ),
        (
            "We were put through to customer care twice, nobody ever answered",
            "I was put through to the right page, thanks, the form works",
        ),
        (
            "Ich wurde gestern zur Reklamationsabteilung durchgestellt, aber niemand hat abgehoben",
            "Der Fahrer hat angerufen, aber ich war nicht zu Hause",
        ),
        ("How do I get in touch with someone from your team?", "How do I get in touch with the carrier?"),
        ("Wie kann ich einen Ihrer Mitarbeiter kontaktieren?", "Wie kann ich die Lieferadresse ändern?"),
    ],
)
def test_a_person_sought_or_asked_how_to_reach_hands_over(analyse: Analyse, sought: str, calm: str) -> None:
    assert hands_over(analyse, sought), sought
    assert not hands_over(analyse, calm), calm


@pytest.mark.parametrize(
    "text",
    [
        "hello, anybody there? I'd like to add a second item to my order",
        "is someone there? can you tell me when my parcel ships",
        "Hallo, ist da wer? Ich möchte meine Telefonnummer ändern",
        # A person sought without luck, then a need of one's own: the need goes on.
        "I phoned and no one answered. Can you tell me if the return arrived?",
    ],
)
def test_a_call_for_attention_beside_a_need_lets_the_need_go_on(analyse: Analyse, text: str) -> None:
    assert not hands_over(analyse, text), text


@pytest.mark.parametrize("text", ["hello?? is anybody there", "Ist da jemand?"])
def test_a_call_for_attention_alone_asks_for_somebody(analyse: Analyse, text: str) -> None:
    assert hands_over(analyse, text), text


@pytest.mark.parametrize(
    ("put_off", "yes"),
    [
        ("hmm, I'll have to think it over", "sure, that would help"),
        ("let me sleep on it", "ok go ahead"),
        ("Ich denke nochmal darüber nach", "ja, gerne"),
        ("mal sehen, vielleicht morgen", "ja bitte"),
    ],
)
def test_a_decision_put_off_is_no_yes_to_the_offer(analyse: Analyse, put_off: str, yes: str) -> None:
    assert not hands_over(analyse, put_off, OFFERED), put_off
    assert hands_over(analyse, yes, OFFERED), yes


@pytest.mark.parametrize(
    ("sarcastic", "sincere"),
    [
        ("Perfect, just perfect. The lamp shade is dented on every side", "Perfect, thank you, the lamp works"),
        ("Lovely, really lovely, my order went to my old flat", "Lovely, it came a day early"),
        ("Super, echt super, die Jacke hängt jetzt beim Nachbarn am Zaun", "Super, die Jacke passt genau"),
        ("I've heard this one before: 'it ships tomorrow'", "I've ordered this one before and loved it"),
        ("Das kenne ich schon, 'morgen wird versendet'", "Das kenne ich schon, die Größe passt mir"),
        (
            "Can't wait to spend yet another weekend refreshing the tracking page",
            "Can't wait to get the new sofa, thanks for the help",
        ),
        (
            "Ich freue mich schon riesig darauf, wieder eine Woche auf die Antwort zu warten",
            "Ich freue mich schon auf das neue Sofa",
        ),
    ],
)
def test_echoed_praise_mock_eagerness_and_a_line_heard_before_are_sarcasm(
    analyse: Analyse, sarcastic: str, sincere: str
) -> None:
    assert hands_over(analyse, sarcastic), sarcastic
    assert not hands_over(analyse, sincere), sincere


def test_a_line_heard_before_without_the_shop_s_words_is_a_memory(analyse: Analyse) -> None:
    assert not hands_over(analyse, "I've heard that before from friends, it's a good brand"), "memory"


@pytest.mark.parametrize(
    ("serious", "calm"),
    [
        # The bank asked to take the money back; a charge the customer does not know.
        ("I've told my bank to take the money back for order 4471", "My bank takes two days to show refunds, right?"),
        ("Meine Kreditkartenfirma soll das Geld jetzt zurückholen", "Wann ist das Geld wieder auf meiner Karte?"),
        ("There's a payment on my Visa I don't recognise from your shop", "Which payment methods do you take?"),
        ("Da ist eine unbekannte Abbuchung von Ihnen auf meinem Konto", "Können Sie die Abbuchung früher machen?"),
        # Another customer's data shown; hands laid on a customer.
        ("the invoice you emailed has the wrong person's name and phone on it", "the invoice has my old phone on it"),
        ("Your courier shoved me when I asked for ID", "Your courier left it with my neighbour"),
        ("Der Fahrer hat mich an der Tür geschubst", "Der Fahrer hat mich vorher angerufen"),
    ],
)
def test_money_taken_back_unknown_charges_shown_data_and_laid_hands_hand_over(
    analyse: Analyse, serious: str, calm: str
) -> None:
    assert hands_over(analyse, serious), serious
    assert not hands_over(analyse, calm), calm


@pytest.mark.parametrize(
    ("asking", "calm"),
    [
        ("I would really appreciate talking to a supervisor about this", "I would appreciate a quick answer"),
        ("could you have somebody from the warehouse team call me", "the warehouse team called me, all good"),
    ],
)
def test_a_person_wished_for_or_asked_from_a_team_hands_over(analyse: Analyse, asking: str, calm: str) -> None:
    assert hands_over(analyse, asking), asking
    assert not hands_over(analyse, calm), calm


@pytest.mark.parametrize(
    "text",
    [
        "How would I complain if the sofa turns up scratched? Just asking for future reference.",
        "Wie beschwere ich mich, falls etwas fehlt?",
        "Lovely packaging, not a single scratch on the vase",
        "Super verpackt, nichts ist kaputtgegangen",
    ],
)
def test_a_complaint_asked_about_ahead_and_trouble_said_not_to_have_happened_stay_calm(
    analyse: Analyse, text: str
) -> None:
    assert not hands_over(analyse, text), text


@pytest.mark.parametrize(
    ("upset", "calm"),
    [
        ("How dare you charge me for your own courier's mistake", "How do you charge for courier mistakes?"),
        (
            "Sie haben vielleicht Nerven, mir dafür Versand zu berechnen",
            "Haben Sie mir Versand berechnet?",
        ),
        ("Jetzt reicht es mir endgültig!", "Es reicht, wenn Sie mir die Rechnung mailen"),
        ("Euer Service ist wirklich das Allerletzte", "Das ist das allerletzte Stück, oder?"),
    ],
)
def test_indignation_and_enough_said_as_a_sentence_are_upset(analyse: Analyse, upset: str, calm: str) -> None:
    assert hands_over(analyse, upset), upset
    assert not hands_over(analyse, calm), calm


@pytest.mark.parametrize(
    ("sarcastic", "sincere"),
    [
        # Praise over a wrong place, a wait told as a whole span, a link that leads nowhere, parcels lost.
        (
            "Bravo, the courier left it at a totally different house",
            "Great, you delivered it to a different flat as I asked",
        ),
        ("Lovely, a whole fortnight for one reply", "Lovely, a whole fortnight of free returns"),
        ("Amazing, the help page leads nowhere", "Amazing, the help page leads me straight to the form"),
        ("Wirklich toll, wie zuverlässig Sie Sendungen verlieren", "Wirklich toll, wie zuverlässig Sie liefern"),
        # Mock thanks in German, for a harm or said with "auch".
        ("Tausend Dank, dass ich zweimal bezahlt habe", "Tausend Dank, dass Sie das so schnell erledigt haben"),
        ("Danke auch. Der Mixer ist schon wieder kaputt", "Danke auch für die schnelle Hilfe"),
        ("Nett, dass Sie sich überhaupt noch melden", "Nett, dass Sie sich so schnell melden"),
    ],
)
def test_praise_and_thanks_over_a_wrong_place_a_long_wait_or_a_harm_are_sarcasm(
    analyse: Analyse, sarcastic: str, sincere: str
) -> None:
    assert hands_over(analyse, sarcastic), sarcastic
    assert not hands_over(analyse, sincere), sincere


@pytest.mark.parametrize(
    ("upset", "calm"),
    [
        ("What sort of circus is this, three parcels and none of them right", "Do you sell the circus tent in blue?"),
        ("Das ist der reinste Kindergarten bei Ihnen", "Haben Sie Spielzeug für den Kindergarten?"),
        ("Damit ist jetzt Schluss, ich storniere alles!!", "Jetzt ist Schluss mit dem Sommer, ich brauche Stiefel"),
        ("Seit Wochen warte ich und keiner unternimmt etwas", "Keiner bei uns ist zu Hause, kann der Fahrer klingeln?"),
    ],
)
def test_the_shop_called_a_farce_enough_said_and_nobody_acting_are_upset(
    analyse: Analyse, upset: str, calm: str
) -> None:
    assert hands_over(analyse, upset), upset
    assert not hands_over(analyse, calm), calm


@pytest.mark.parametrize(
    "calm",
    [
        # Thanks returned, and delight echoed, are no sarcasm without anything gone wrong (review).
        "Prima, danke auch!",
        "Klasse, wirklich klasse, die Stiefel sind einfach perfekt!",
        "lovely, really lovely, and the colour is wonderful in person",
        # Known limit: delight said without a word of praise after the echo ("sitzen wie angegossen") still reads
        # as held up to be looked at.
        # Eagerness for the customer's own pleasures, and mock outrage at a delight.
        "can't wait to take this tent out again next month",
        "how dare you make a rain jacket this good, I love it",
    ],
)
def test_delight_said_playfully_is_no_sarcasm_or_anger(analyse: Analyse, calm: str) -> None:
    assert not hands_over(analyse, calm), calm


@pytest.mark.parametrize(
    "text",
    ["I phoned the post office and nobody picked up", "ich habe beim Zusteller angerufen, aber niemand hat abgehoben"],
)
def test_a_call_to_someone_not_of_the_shop_is_no_person_sought(text: str) -> None:
    from graph.nlu.keywords import human_request_words

    assert human_request_words(text) is None, text
