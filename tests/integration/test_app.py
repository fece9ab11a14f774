"""The Streamlit app, driven headlessly with AppTest: it starts and shows the framework."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from questionnaire.loader import DEFAULT_FRAMEWORK_ID, load_frameworks
from questionnaire.model import text_in
from storage.store import Store
from tests.integration.conftest import sign_in_app

ROOT = Path(__file__).resolve().parent.parent.parent
APP = str(ROOT / "app.py")


@pytest.fixture(scope="module")
def framework():
    return load_frameworks()[DEFAULT_FRAMEWORK_ID]


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.label for e in at.expander] + [t.value for t in at.title] + [s.value for s in at.subheader]
    parts += [h.value for h in at.header]
    return "\n".join(str(p) for p in parts)


def test_the_home_page_starts_and_counts_the_framework(framework, app_store: Store) -> None:
    at = AppTest.from_file(APP, default_timeout=30)
    sign_in_app(at, app_store)
    at.run()
    assert not at.exception
    assert at.title[0].value == "City Cohesion Self-Assessment"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Questions"] == str(len(framework.questions))
    assert metrics["Themes"] == str(len(framework.themes))


def test_after_its_first_run_the_app_keeps_what_it_loaded_out_of_garbage_collection(app_store: Store) -> None:
    gc.unfreeze()
    at = AppTest.from_file(APP, default_timeout=30)
    sign_in_app(at, app_store)
    at.run()
    assert not at.exception
    assert gc.get_freeze_count() > 10_000  # the modules, the frameworks and the store's engine


def test_the_server_does_not_collect_all_of_pythons_garbage_after_every_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """A full collection holds every other person's page up (a quarter second with the app loaded). AppTest
    never collects, so this asks Streamlit how it reads the app's own settings file, as the server does."""
    from streamlit import config

    monkeypatch.chdir(ROOT)
    try:
        config.get_config_options(force_reparse=True)
        assert config.get_option("runner.postScriptGC") is False
        assert config.get_option("server.maxUploadSize") == 10  # the file was read (the default is 200)
    finally:
        config.get_config_options(force_reparse=True)


def test_the_framework_page_lists_every_theme_and_its_questions(framework, app_store: Store) -> None:
    at = AppTest.from_file(APP, default_timeout=30)
    sign_in_app(at, app_store)
    at.run()
    at.switch_page("app_pages/framework.py").run()
    assert not at.exception
    select = at.selectbox(key="framework_theme")
    assert len(select.options) == len(framework.themes)
    for theme in framework.themes:
        select.set_value(theme.id).run()
        shown = _texts(at)
        assert text_in(theme.title) in shown
        for question in theme.questions:
            assert f"{question.id} · {text_in(question.text)}" in shown
            for descriptor in question.descriptors:
                assert text_in(descriptor.text) in shown


def test_the_framework_page_shows_every_finding_with_its_questions(framework, app_store: Store) -> None:
    at = AppTest.from_file(APP, default_timeout=30)
    sign_in_app(at, app_store)
    at.run()
    at.switch_page("app_pages/framework.py").run()
    shown = _texts(at)
    for finding in framework.findings:
        assert f"{finding.id} · {text_in(finding.title)}" in shown
    assert "our own reading" in "\n".join(i.value for i in at.info)
