"""Loading frameworks: the shipped one is complete; broken files give errors naming file and id."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from questionnaire.loader import FrameworkError, load_framework
from questionnaire.model import LEVELS, text_in

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_shipped_framework_has_twenty_findings_ten_per_brief(framework_dir: Path) -> None:
    framework = load_framework(framework_dir)
    assert len(framework.findings) == 20
    per_brief = {b.id: sum(f.brief == b.id for f in framework.findings) for b in framework.briefs}
    assert per_brief["brief-2023"] == 10
    assert per_brief["brief-2024"] == 10


def test_the_shipped_framework_has_about_twelve_themes_of_five_to_nine_questions(framework_dir: Path) -> None:
    framework = load_framework(framework_dir)
    assert 10 <= len(framework.themes) <= 14
    assert all(5 <= len(theme.questions) <= 9 for theme in framework.themes)
    assert len(framework.questions) >= 60


def test_every_shipped_question_has_five_distinct_descriptors_guidance_and_a_source(framework_dir: Path) -> None:
    framework = load_framework(framework_dir)
    for question in framework.questions:
        texts = [text_in(d.text) for d in question.descriptors]
        assert [d.level for d in question.descriptors] == list(LEVELS)
        assert len(set(texts)) == 5, question.id
        assert len(text_in(question.guidance)) > 40, question.id
        assert question.sources, question.id


def test_every_shipped_source_cites_a_brief_with_a_public_url(framework_dir: Path) -> None:
    framework = load_framework(framework_dir)
    for question in framework.questions:
        for source in question.sources:
            assert framework.brief_for_seed(source.seed).url.startswith("https://strongcitiesnetwork.org/")


def test_the_test_framework_loads_with_weights_and_not_applicable_flags(mini_framework: Path) -> None:
    framework = load_framework(mini_framework)
    assert [q.id for q in framework.questions] == ["S.1", "S.2", "P.1"]
    assert framework.question("P.1").weight == 2
    assert framework.question("S.2").not_applicable_allowed
    assert not framework.question("S.1").not_applicable_allowed
    assert framework.theme_of("P.1").id == "P"


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        pytest.param(
            "themes/01-spaces.yaml",
            '      4: {en: "The register is reviewed with residents."}\n',
            "",
            r"01-spaces\.yaml: S\.1: .*level descriptor missing for level 4",
            id="missing level",
        ),
        pytest.param(
            "themes/02-plans.yaml",
            "  - id: P.1\n",
            "  - id: S.1\n",
            r"02-plans\.yaml: S\.1: duplicate question id",
            id="duplicate question id",
        ),
        pytest.param(
            "themes/02-plans.yaml",
            "findings: [M.2]",
            "findings: [M.9]",
            r"02-plans\.yaml: P\.1: unknown finding 'M\.9'",
            id="unknown finding",
        ),
        pytest.param(
            "themes/01-spaces.yaml",
            '    text: {en: "Does the city keep a register of its parks?"}',
            '    text: {fr: "La ville tient-elle un registre de ses parcs ?"}',
            r"01-spaces\.yaml: S\.1: .*text: English text \('en'\) is required",
            id="no English",
        ),
        pytest.param(
            "themes/01-spaces.yaml",
            '      3: {en: "The register is kept up to date."}',
            '      3: {en: "No register."}',
            r"01-spaces\.yaml: S\.1: .*descriptors must differ",
            id="two levels alike",
        ),
        pytest.param(
            "themes/02-plans.yaml",
            "weight: 2",
            "weight: -1",
            r"02-plans\.yaml: P\.1: questions\.0\.weight: must be greater than 0",
            id="negative weight",
        ),
        pytest.param(
            "findings.yaml",
            "  - id: M.2\n    brief: brief-mini",
            "  - id: M.2\n    brief: brief-lost",
            r"findings\.yaml: M\.2: unknown brief 'brief-lost'",
            id="finding of unknown brief",
        ),
        pytest.param(
            "themes/02-plans.yaml",
            'title: {en: "Emergency plans"}',
            'title: {en: "Emergency plans"',
            r"02-plans\.yaml: not valid YAML",
            id="broken YAML",
        ),
        pytest.param(
            "themes/01-spaces.yaml",
            'quote: "keep a register of their parks"',
            'quote: "' + " ".join(["word"] * 21) + '"',
            r"01-spaces\.yaml: S\.1: .*quote has 21 words; at most 20",
            id="quote too long",
        ),
    ],
)
def test_a_broken_file_gives_an_error_naming_the_file_the_id_and_the_problem(
    mini_framework: Path, file: str, old: str, new: str, expected: str
) -> None:
    _edit(mini_framework / file, old, new)
    with pytest.raises(FrameworkError) as caught:
        load_framework(mini_framework)
    assert re.search(expected, str(caught.value)), str(caught.value)


def test_a_missing_findings_file_is_named(mini_framework: Path) -> None:
    (mini_framework / "findings.yaml").unlink()
    with pytest.raises(FrameworkError, match=r"findings\.yaml: file not found"):
        load_framework(mini_framework)


def test_a_folder_without_a_framework_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FrameworkError, match="framework folder not found"):
        load_framework(tmp_path / "nowhere")


def test_a_crosswalk_to_an_unknown_question_is_refused(tmp_path: Path) -> None:
    import shutil

    target = tmp_path / "mini-v2"
    shutil.copytree(FIXTURES / "frameworks" / "mini-v2", target)
    _edit(target / "crosswalk.yaml", "S.1: S.10", "S.1: S.99")
    with pytest.raises(FrameworkError, match=r"crosswalk\.yaml: S\.1: maps to unknown question 'S\.99'"):
        load_framework(target)
