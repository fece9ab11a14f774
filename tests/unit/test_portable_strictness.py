"""The portable file is read as strictly as its schema says, and every refusal reads as a plain sentence."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from storage.errors import ImportRefused
from storage.portable import BEYOND_SCHEMA, read_portable
from tests.files import riverton, riverton_plan, signed

SCHEMA = json.loads(
    (Path(__file__).resolve().parent.parent.parent / "docs" / "assessment-file.schema.json").read_text("utf-8")
)
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def refusal(data: bytes) -> list[str]:
    with pytest.raises(ImportRefused) as caught:
        read_portable(data)
    return caught.value.problems


def changed(path: tuple[str | int, ...], value: Any, content: dict[str, Any] | None = None) -> dict[str, Any]:
    content = content or riverton()
    content.pop("integrity")
    target = content
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return content


@pytest.mark.parametrize(
    ("path", "value", "said"),
    [
        (("answers", 0, "level"), True, "answers.0.level (question Q7.1): must be a whole number"),
        (("answers", 0, "level"), "3", "answers.0.level (question Q7.1): must be a whole number"),
        (("assessment", "targets"), {"T1": True}, "assessment.targets.T1: must be a number"),
        (("assessment", "targets"), {"T1": "60"}, "assessment.targets.T1: must be a number"),
        (("assessment", "started_at"), "2026-03-01T09:00:00", "assessment.started_at: must be a date and time with"),
        (("assessment", "started_at"), 1_700_000_000, "assessment.started_at: must be a date and time with"),
        (("answers", 0, "answered_at"), "3", "answers.0.answered_at (question Q7.1): must be a date and time with"),
        (("city", "share_benchmarks"), "yes", "city.share_benchmarks: must be true or false"),
        (("city", "share_benchmarks"), 1, "city.share_benchmarks: must be true or false"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_not_converted(path: tuple[str | int, ...], value: Any, said: str) -> None:
    problems = refusal(signed(changed(path, value)))
    assert any(p.startswith(said) for p in problems), problems


def test_a_time_zone_offset_is_kept_as_the_same_moment_in_utc() -> None:
    file = read_portable(signed(changed(("assessment", "started_at"), "2026-03-01T11:00:00+02:00")))
    assert file.assessment.started_at.isoformat() == "2026-03-01T09:00:00+00:00"


def _with_repeated_key(data: bytes, first_line: str, repeat: str) -> bytes:
    """``data`` with ``repeat`` inserted before the first line that starts with ``first_line``: the
    last value is the real one, so the integrity hash still matches what a lax reader would keep."""
    text = data.decode("utf-8")
    at = text.index(first_line)
    return (text[:at] + repeat + text[at:]).encode("utf-8")


def test_a_key_given_twice_is_refused_naming_the_key_and_its_place() -> None:
    content = riverton()
    data = signed({k: v for k, v in content.items() if k != "integrity"})
    level = f'"level": {content["answers"][0]["level"]}'
    twice = _with_repeated_key(data, level, '"level": 0,\n      ')
    assert refusal(twice) == ['answers.0: the key "level" is given more than once; keep one']

    city = json.dumps(content["city"])
    two_cities = _with_repeated_key(data, '"city":', f'"city": {city},\n  ')
    assert refusal(two_cities) == ['the top level: the key "city" is given more than once; keep one']


def test_a_broken_character_is_refused_with_its_place_not_a_codec_error() -> None:
    text = signed({k: v for k, v in riverton().items() if k != "integrity"}).decode("utf-8")
    broken = re.sub(r'"note": "[^"]*"', '"note": "before \\\\ud800 after"', text, count=1)
    assert refusal(broken.encode("utf-8")) == [
        "answers.0.note: the text holds a broken character (a lone surrogate); retype it"
    ]


def _variants() -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every field of the worked example with a workshop round and an action plan (and of the first item
    of each list of objects: answers, the round, its respondents, answers, decisions and dissents, the
    actions, their targets and log) set to values of every JSON kind."""
    kinds: list[Any] = [True, None, "3", 3, 3.0, 3.5, -1, 1e3, "", " ", "x" * 200, [], {}, ["x"], "a\nb", "a\x07b"]
    kinds += ["2026-01-01T00:00:00", "2026-01-01T00:00:00+02:00", "2026-01-01", "draft", "none", "javascript:x"]
    kinds += ["2026-02-30", "member", "partner", "dropped", "EUR", "eur", 1e13]

    def fields(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
        if isinstance(value, dict):
            for name, inner in value.items():
                yield from fields(inner, (*path, name))
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            yield from fields(value[0], (*path, 0))
        else:
            yield path

    content = riverton_plan()
    for path in fields({k: v for k, v in content.items() if k not in ("integrity", "format", "format_version")}, ()):
        for value in kinds:
            yield path, copy.deepcopy(value)


# What the reader refuses beyond the schema, each one listed in BEYOND_SCHEMA.
STRICTER = {
    "must fit on one line": "fit on one line",
    "contains a control character": "control characters",
    "must not be empty": "not blank",
    "must be a whole number": "without a fraction",
    "is not a web link": "http:// or https://",
    "status 'level' has a level": "status 'level' has a level",
    "who is not one of the round's respondents": "every answer is given by one of the round's respondents",
    "closes (closed_at) before it opened": "a round closes after it opened",
    "the same position": "respondents' positions and rounds' numbers are unique",
    "is due (due_on) before it starts": "an action is due no earlier than it starts",
    "a dropped action says why": "a dropped action says why",
    "links a question more than once": "links each question once",
}


def test_the_reader_accepts_nothing_the_schema_refuses_and_refuses_more_only_as_documented() -> None:
    documented = "; ".join(BEYOND_SCHEMA)
    assert all(phrase in documented for phrase in STRICTER.values())
    assert documented in SCHEMA["description"]
    checked = stricter = 0
    for path, value in _variants():
        data = signed(changed(path, value, riverton_plan()))
        schema_ok = VALIDATOR.is_valid(json.loads(data))
        try:
            read_portable(data)
            reader_ok, problems = True, []
        except ImportRefused as exc:
            reader_ok, problems = False, exc.problems
        checked += 1
        assert schema_ok or not reader_ok, f"{path} = {value!r} is refused by the schema but read"
        if schema_ok and not reader_ok:
            stricter += 1
            assert any(said in p for p in problems for said in STRICTER), (path, value, problems)
    assert checked > 400 and 0 < stricter < checked // 10


BAD_FILES: list[tuple[str, Any]] = [
    ("level true", changed(("answers", 0, "level"), True)),
    ("empty name", changed(("city", "name"), "")),
    ("two-line title", changed(("assessment", "title"), "a\nb")),
    ("unknown field", changed(("city", "mayor"), "x")),
    ("missing city", {k: v for k, v in changed(("city", "name"), "x").items() if k != "city"}),
    ("wrong status", changed(("assessment", "status"), "maybe")),
    ("bad link", changed(("answers", 0, "links"), ["ftp://x"])),
    ("note too long", changed(("answers", 0, "note"), "x" * 5_001)),
    ("naive time", changed(("answers", 0, "answered_at"), "2026-01-01T00:00:00")),
    ("answers not a list", changed(("answers",), {"a": 1})),
    (
        "action with an account id",
        changed(("actions", 0, "owner"), {"kind": "member", "account_id": 7}, riverton_plan()),
    ),
    ("action due as a time", changed(("actions", 0, "due_on"), "2026-06-30T00:00:00Z", riverton_plan())),
    ("action owner of no kind", changed(("actions", 0, "owner"), {"kind": "mayor", "name": "X"}, riverton_plan())),
]


def test_actions_are_refused_in_a_file_of_an_older_format_version() -> None:
    for version in (1, 2):
        content = changed(("format_version",), version, riverton_plan())
        if version == 1:
            content.pop("rounds")
        assert refusal(signed(content)) == ["actions: the action plan is carried only by format version 3 and later"]


def test_an_action_plan_beyond_the_limits_is_refused() -> None:
    content = riverton_plan()
    content["actions"] = content["actions"] * 1_001
    assert any(p.startswith("actions: ") and "2000" in p.replace(",", "") for p in refusal(signed(content)))
    content = changed(("actions", 0, "targets"), [{"question_id": f"Q{i}.1"} for i in range(51)], riverton_plan())
    assert any(p.startswith("actions.0.targets") for p in refusal(signed(content)))


@pytest.mark.parametrize(("name", "content"), BAD_FILES, ids=[name for name, _ in BAD_FILES])
def test_every_refusal_is_a_plain_sentence_without_markup_links_or_a_repeated_field(name: str, content: Any) -> None:
    for problem in refusal(signed(content)):
        assert not re.search(r"\[/?(red|bold|green|yellow)\]", problem), problem
        assert "http" not in problem.replace("http:// or https://", ""), problem
        assert "errors.pydantic.dev" not in problem and "type=" not in problem, problem
        field = problem.split(":", 1)[0].split(" (")[0]
        assert problem.count(f"{field}:") <= 1, problem
        assert "Input should" not in problem and "Value error" not in problem, problem
