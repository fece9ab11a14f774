"""Text longer than the store keeps stays in its box with a message; nothing shorter is saved over it.

Streamlit's ``max_chars`` drops a paste that would pass it, so the boxes have none: the app refuses
over-long text itself, says so beside the box, and keeps the stored answer as it was until it fits.
"""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError
from streamlit.testing.v1 import AppTest

from scoring.records import City, RecordedAnswer
from storage.store import Store
from tests.integration.conftest import as_read
from tests.integration.test_app_journey import QUESTIONNAIRE, open_app, widget


@pytest.fixture
def store(app_store: Store) -> Store:
    return app_store


@pytest.fixture
def draft(store: Store) -> int:
    """A blank draft assessment of a new city."""
    city = store.create_city(
        City(name="Riverton", country="Freedonia", region="europe", population_band="100k_500k"), "Set-up"
    )
    return store.start_assessment(city.id or 0, "Assessment 2026", "Set-up", framework_id="scn-transatlantic").id or 0


def messages(at: AppTest) -> str:
    return as_read(" ".join(e.value for e in at.error))


def saved_captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption if c.value.startswith(":material/check_circle:")]


def test_an_over_long_note_stays_in_its_box_with_a_message_and_the_stored_note_is_kept(
    store: Store, draft: int
) -> None:
    at = open_app(store, draft, page=QUESTIONNAIRE)
    widget(at, draft, "Q1.1", "answer").set_value(2).run()
    widget(at, draft, "Q1.1", "note").input("Minutes of the March meeting").run()
    assert store.answers(draft)[0].note == "Minutes of the March meeting"
    assert "5,000 characters" in widget(at, draft, "Q1.1", "note").label  # the limit is said beforehand

    pasted = "Minutes of the March meeting. " + "x" * 19_970  # 20,000 characters in all
    widget(at, draft, "Q1.1", "note").input(pasted).run()
    assert not at.exception
    assert "This note has 20,000 characters" in messages(at) and "up to 5,000" in messages(at)
    assert "Shorten it" in messages(at)
    assert widget(at, draft, "Q1.1", "note").value == pasted  # nothing the person typed is dropped
    (kept,) = store.answers(draft)
    assert kept.note == "Minutes of the March meeting" and kept.version == 2
    assert saved_captions(at) == []  # no "Saved" beside a note that was not saved

    widget(at, draft, "Q1.1", "answer").set_value(3).run()  # another change to the answer is not saved either
    assert store.answers(draft)[0].level == 2 and widget(at, draft, "Q1.1", "note").value == pasted

    widget(at, draft, "Q1.1", "note").input(pasted[:4_000]).run()
    assert messages(at) == ""
    (saved,) = store.answers(draft)
    assert saved.note == pasted[:4_000] and saved.level == 3
    assert len(saved_captions(at)) == 1


def test_an_over_long_note_is_still_in_its_box_after_visiting_another_theme(store: Store, draft: int) -> None:
    at = open_app(store, draft, page=QUESTIONNAIRE)
    widget(at, draft, "Q1.1", "answer").set_value(2).run()
    widget(at, draft, "Q1.1", "note").input("y" * 6_000).run()
    at.selectbox(key="questionnaire_theme").set_value("T2").run()
    at.selectbox(key="questionnaire_theme").set_value("T1").run()
    assert widget(at, draft, "Q1.1", "note").value == "y" * 6_000
    assert "This note has 6,000 characters" in messages(at)
    assert store.answers(draft)[0].note == ""


def test_a_colleagues_save_never_replaces_an_over_long_note_and_the_shortened_one_does_not_overwrite_theirs(
    store: Store, draft: int
) -> None:
    ana = open_app(store, draft, page=QUESTIONNAIRE)
    widget(ana, draft, "Q1.1", "answer").set_value(2).run()
    widget(ana, draft, "Q1.1", "note").input("z" * 7_000).run()
    ben = open_app(store, draft, who="Ben Okafor", page=QUESTIONNAIRE)
    widget(ben, draft, "Q1.1", "answer").set_value(3).run()

    ana.run()  # Ana's page runs again and reads Ben's answer from the store
    assert widget(ana, draft, "Q1.1", "note").value == "z" * 7_000
    widget(ana, draft, "Q1.1", "note").input("z" * 3_000).run()
    assert store.answers(draft)[0].level == 3 and store.answers(draft)[0].note == ""  # Ben's answer stands
    assert any("changed by Ben Okafor <ben.okafor@riverton.example>" in as_read(w.value) for w in ana.warning)


def test_an_over_long_reason_stays_in_its_box_with_a_message(store: Store, draft: int) -> None:
    at = open_app(store, draft, page=QUESTIONNAIRE)
    at.selectbox(key="questionnaire_theme").set_value("T7").run()
    widget(at, draft, "Q7.3", "answer").set_value("not_applicable").run()
    reason = widget(at, draft, "Q7.3", "reason")
    limit = int(re.search(r"up to ([\d,]+) characters", reason.label)[1].replace(",", ""))  # type: ignore[index]
    RecordedAnswer(question_id="Q7.3", status="not_applicable", reason="r" * limit)  # the store keeps what it says
    with pytest.raises(ValidationError):
        RecordedAnswer(question_id="Q7.3", status="not_applicable", reason="r" * (limit + 1))
    reason.input("The regional force runs policing. " * 40).run()  # 1,360 characters
    assert "This reason has 1,359 characters" in messages(at)  # counted as stored, without the end space
    assert widget(at, draft, "Q7.3", "reason").value == "The regional force runs policing. " * 40
    assert store.answers(draft) == []
    widget(at, draft, "Q7.3", "reason").input("The regional force runs policing.").run()
    assert store.answers(draft)[0].reason == "The regional force runs policing."


@pytest.mark.parametrize(
    ("links", "said"),
    [
        (
            "\n".join(f"https://example.org/doc/{n}" for n in range(12)),
            "This box has 12 links; an answer keeps up to 10",
        ),
        ("https://example.org/ok\nhttps://example.org/" + "a" * 2_100, "Link 2 has 2,120 characters"),
    ],
    ids=["too many links", "one link too long"],
)
def test_links_the_store_cannot_keep_stay_in_their_box_with_a_message(
    store: Store, draft: int, links: str, said: str
) -> None:
    at = open_app(store, draft, page=QUESTIONNAIRE)
    widget(at, draft, "Q1.1", "answer").set_value(2).run()
    widget(at, draft, "Q1.1", "links").input(links).run()
    assert said in messages(at)
    assert widget(at, draft, "Q1.1", "links").value == links
    assert store.answers(draft)[0].links == ()
