"""A shop that writes its policies in two languages: a German customer reads the German document's lines, chosen as
the English answer's are (knowledge/translations.py); an English customer reads the originals, as before.

The questions here were written after the code, in other words than the answer sets' (evals/datasets)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.documents import load_documents
from knowledge.retriever import Retriever
from knowledge.translations import Translation, mismatches, translation
from tests.support.knowledge import DEMO_DOCUMENTS, demo_retriever, policy_reply


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Retriever]:
    with demo_retriever(tmp_path_factory.mktemp("translations")) as built:
        yield built


def german() -> Translation:
    found = translation(DEMO_DOCUMENTS, "de")
    assert found is not None
    return found


def reply(retriever: Retriever, text: str, language: str) -> str:
    return policy_reply(retriever, text, language)


def test_the_demo_shops_german_documents_have_their_originals_shape() -> None:
    assert mismatches(DEMO_DOCUMENTS, "de") == []
    # Every customer document of the demo shop is written in German too: no German customer reads English rules.
    assert set(german().translated) == {doc.doc_id for doc in load_documents(DEMO_DOCUMENTS)}


def test_no_translation_for_a_language_the_shop_did_not_write() -> None:
    assert translation(DEMO_DOCUMENTS, "en") is None and translation(DEMO_DOCUMENTS, "fr") is None


def test_a_line_is_translated_at_its_place_and_a_cut_list_is_cut_the_same_way() -> None:
    shipping = german().originals["shipping-policy"]
    costs = next(i for i, s in enumerate(shipping) if s.title == "Shipping costs")
    line = german().line("shipping-policy", costs, "United Kingdom: standard $19.95, express $34.95.")
    assert line == "Großbritannien: Standard 19,95 $, Express 34,95 $."
    returns = german().originals["returns-policy"]
    cost = next(i for i, s in enumerate(returns) if s.title == "Return shipping costs")
    cut = (
        "Customers in Canada, the United Kingdom and the EU receive a discounted prepaid label; its cost ($9.95 for "
        "Canada) is deducted from the refund."
    )
    said = german().line("returns-policy", cost, cut) or ""
    assert "9,95 $ für Kanada" in said and "12,95" not in said, said
    assert german().label("returns-policy", cost) == "Rücksendungen & Erstattungen › Kosten der Rücksendung"
    # A list without parentheses is cut by the figures the English cut kept, whatever their notation.
    canada = german().line("shipping-policy", costs, "Canada: express $29.95.") or ""
    assert canada == "Kanada: Express 29,95 $.", canada
    # A line the section does not hold is not guessed at.
    assert german().line("returns-policy", cost, "We ship to the Moon on Tuesdays.") is None


@pytest.mark.parametrize(
    ("question", "expected", "not_expected"),
    [
        ("Wie viele Werktage braucht ein Standardpaket nach Spanien?", "6–9 Werktage", "business days"),
        ("Was zahle ich für das Rücksendeetikett, wenn ich in London wohne?", "12,95 $", "9,95"),
        ("Wie lange gilt die Garantie für einen Schlafsack?", "2 Jahre", "years"),
        ("Muss ich in Österreich beim Empfang Zoll bezahlen?", "enthalten", "included"),
        ("Bis wann antwortet ihr samstags?", "14 Uhr", "pm"),
        ("Was kostet ein Expresspaket nach Großbritannien?", "34,95 $", "19,95"),
    ],
)
def test_a_german_policy_question_is_answered_from_the_german_document(
    retriever: Retriever, question: str, expected: str, not_expected: str
) -> None:
    said = reply(retriever, question, "de")
    assert expected in said and not_expected not in said, said
    assert "(siehe " in said and "(see " not in said, said


def test_an_english_question_still_quotes_the_english_document(retriever: Retriever) -> None:
    said = reply(retriever, "What do I pay for the return label if I live in Manchester?", "en")
    assert "$12.95" in said and "(see Returns & refunds" in said and "siehe" not in said, said


@pytest.mark.parametrize(
    "said",
    [
        "Muss man als Kunde in Irland Steuern zahlen?",
        "Gibt es in Kanada auch Express?",
        "Welche Karte wird in Frankreich akzeptiert?",
        "Wenn das Paket aus Italien kommt, dauert es länger?",
    ],
)
def test_a_german_question_with_few_common_words_is_read_as_german(said: str) -> None:
    from graph.nlu.language import detect_language

    # Its answer is chosen (glossary) and worded (documents, catalogue) in German only if it is read as German.
    assert detect_language(said) == "de"


@pytest.mark.parametrize("said", ["Is there a den version of the tent?", "do you ship to Aus as well?"])
def test_english_questions_stay_english(said: str) -> None:
    from graph.nlu.language import detect_language

    assert detect_language(said) == "en"


def test_an_edited_translation_is_read_again_without_a_restart(tmp_path: Path) -> None:
    # An operator fixes a German sentence while the shop runs: the next answer quotes the new wording.
    folder = tmp_path / "shop"
    (folder / "de").mkdir(parents=True)
    for path in DEMO_DOCUMENTS.glob("*.md"):
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    for path in (DEMO_DOCUMENTS / "de").glob("*.md"):
        (folder / "de" / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    before = translation(folder, "de")
    assert before is not None
    assert "rund um die Uhr" in str(before.translated["contact"])

    contact = folder / "de" / "contact.md"
    contact.write_text(
        contact.read_text(encoding="utf-8").replace("rund um die Uhr", "Tag und Nacht"), encoding="utf-8"
    )
    after = translation(folder, "de")
    assert after is not None
    assert "Tag und Nacht" in str(after.translated["contact"])
    assert "rund um die Uhr" not in str(after.translated["contact"])


def test_the_documents_stamp_lists_what_glob_lists(tmp_path: Path) -> None:
    # The stamp that decides whether the documents are read again covers the same files as "*.md" globbed in both
    # folders (a dot file and a folder named like a document included), each with its size and modification time.
    from knowledge.translations import _documents_stamp

    folder = tmp_path / "shop"
    (folder / "de" / "notes.md").mkdir(parents=True)
    for name in ("returns.md", ".draft.md", "readme.txt", "de.md"):
        (folder / name).write_text(name, encoding="utf-8")
    (folder / "de" / "returns.md").write_text("Rückgabe", encoding="utf-8")
    globbed = sorted(str(path) for path in [*folder.glob("*.md"), *(folder / "de").glob("*.md")])
    stamp = _documents_stamp(folder, "de")
    assert sorted(name for name, _, _ in stamp) == globbed
    for name, size, mtime in stamp:
        status = Path(name).stat()
        assert (size, mtime) == (status.st_size, status.st_mtime_ns)
    assert _documents_stamp(tmp_path / "missing", "de") == ()


def test_a_language_without_a_folder_has_no_translation(tmp_path: Path) -> None:
    # Most answers are asked for in a language the shop wrote nothing in: no translation, whatever the originals.
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "returns.md").write_text("---\nid: returns\n---\n# Returns\n", encoding="utf-8")
    (folder / "fr.md").write_text("not a folder", encoding="utf-8")
    assert translation(folder, "fr") is None
    assert translation(tmp_path / "missing", "de") is None
