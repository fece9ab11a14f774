"""The portable assessment file: deterministic bytes, a hash that catches tampering, and clear refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.records import AssessmentRecord
from storage.errors import ImportRefused
from storage.portable import MAX_FILE_BYTES, digest_of, dump_portable, portable_schema, read_portable
from tests.files import RIVERTON, riverton, signed

SCHEMA = Path(__file__).resolve().parent.parent.parent / "docs" / "assessment-file.schema.json"


def refusal(data: bytes) -> str:
    with pytest.raises(ImportRefused) as caught:
        read_portable(data)
    return str(caught.value)


def test_the_worked_example_file_reads_back_with_its_answers() -> None:
    file = read_portable(RIVERTON.read_bytes())
    assert file.city.name == "Riverton (fictional)"
    assert [a.question_id for a in file.answers] == ["Q7.1", "Q7.2", "Q7.3", "Q7.4", "Q7.5"]
    assert file.recorded_answers()[2].reason == "Policing is run by the regional force"


def test_the_digest_ignores_key_order_and_the_integrity_block_but_not_content() -> None:
    content = riverton()
    reordered = dict(reversed(list(content.items())))
    assert digest_of(reordered) == digest_of(content) == content["integrity"]["digest"]
    content["city"]["name"] = "Elsewhere"
    assert digest_of(content) != riverton()["integrity"]["digest"]


def test_a_file_changed_after_export_is_refused() -> None:
    content = riverton()
    content["answers"][0]["level"] = 4
    assert "integrity check failed" in refusal(json.dumps(content).encode())


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "too deeply nested"),
        (b'{"format": 1' + b"7" * 5_000 + b"}", "5,001 digits"),
        (b'{"level": NaN}', "NaN"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"   ", "empty"),
        (b'{"format": ', "not valid JSON (line 1"),
        (b'{"format": "something-else"}', "not a City Cohesion assessment file"),
        (b'{"format": "city-cohesion-assessment", "format_version": 4}', "reads versions 1, 2 and 3"),
        (b'{"format": "city-cohesion-assessment", "format_version": "2"}', "format version '2'"),
        (b'{"format": "city-cohesion-assessment", "format_version": 1}', "no integrity hash"),
    ],
)
def test_bad_files_are_refused_naming_the_problem(data: bytes, expected: str) -> None:
    assert expected in refusal(data)


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed() -> None:
    assert "files up to 5 MB" in refusal(b" " * (MAX_FILE_BYTES + 1))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"level": 7}, "answers.0.level"),
        ({"status": "maybe"}, "answers.0.status"),
        ({"links": ["javascript:alert(1)"]}, "links must start with http"),
        ({"note": "x" * 5_001}, "answers.0.note"),
        ({"surprise": True}, "answers.0.surprise"),
    ],
)
def test_fields_outside_the_schema_are_refused_with_their_place(change: dict[str, object], expected: str) -> None:
    content = riverton()
    content["answers"][0] = {**content["answers"][0], **change}
    assert expected in refusal(signed(content))


def test_the_committed_json_schema_is_the_one_the_code_reads() -> None:
    assert json.loads(SCHEMA.read_text(encoding="utf-8")) == portable_schema()


def test_an_exported_file_is_valid_against_the_committed_json_schema() -> None:
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(RIVERTON.read_bytes()), schema)
    bad = riverton()
    bad["answers"][0]["level"] = 9
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


@settings(max_examples=60, deadline=None)
@given(
    notes=st.lists(
        st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")) | st.sampled_from("=+-@'\n\t")), max_size=3
    ),
    title=st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40
    ).filter(str.strip),
)
def test_any_unicode_content_survives_write_read_write_byte_for_byte(notes: list[str], title: str) -> None:
    file = read_portable(RIVERTON.read_bytes())
    answers = [a.model_copy(update={"note": n}) for a, n in zip(file.recorded_answers(), notes, strict=False)]
    record = AssessmentRecord.model_validate({**file.assessment_record().model_dump(), "title": title})
    first = dump_portable(file.framework.id, file.framework.version, file.city_profile(), record, answers)
    again = read_portable(first)
    second = dump_portable(
        again.framework.id,
        again.framework.version,
        again.city_profile(),
        again.assessment_record(),
        again.recorded_answers(),
    )
    assert second == first
    assert [a.note for a in again.answers] == [a.note for a in answers]
