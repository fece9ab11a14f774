"""Shared fixtures: paths to the real framework, the seed texts and the small test frameworks."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from questionnaire.loader import BUILTIN_FRAMEWORKS, DEFAULT_FRAMEWORK_ID
from questionnaire.sources import seeds_dir

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def chart_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The test run's own disk cache of chart SVGs (``CHART_CACHE_DIR``), inherited by the CLIs tests start."""
    folder = tmp_path_factory.mktemp("chart-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CHART_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture(scope="session", autouse=True)
def no_warm_start() -> Iterator[None]:
    """Apps under test (AppTest and the browser tests' servers) start the report renderer with their first
    report, not at sign-in (``REPORT_WARM_START``): most never make one. Tests of the warm start set it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REPORT_WARM_START", "0")
        yield


SHIPPED_VERSIONS = sorted(p.name for p in (BUILTIN_FRAMEWORKS / DEFAULT_FRAMEWORK_ID).iterdir() if p.is_dir())
"""Every version of the framework the product ships; each stays installed."""


@pytest.fixture(scope="session", params=SHIPPED_VERSIONS)
def framework_dir(request: pytest.FixtureRequest) -> Path:
    """The folder of each framework version the product ships (tests run once per version)."""
    return BUILTIN_FRAMEWORKS / DEFAULT_FRAMEWORK_ID / request.param


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The briefs' seed texts; tests that need them skip where they are not checked out."""
    path = seeds_dir()
    if not path.is_dir():
        pytest.skip(f"seed texts not found at {path}")
    return path


@pytest.fixture
def mini_framework(tmp_path: Path) -> Path:
    """A writable copy of the three-question test framework (version 1.0.0)."""
    target = tmp_path / "mini"
    shutil.copytree(FIXTURES / "frameworks" / "mini-v1", target)
    return target
