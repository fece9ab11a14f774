"""The pure core imports no Streamlit, SQLAlchemy or WeasyPrint, so it runs anywhere."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
CORE = [
    "questionnaire",
    "questionnaire.loader",
    "questionnaire.coverage",
    "questionnaire.crosswalk",
    "scoring",
    "scoring.records",
    "scoring.summary",
    "scoring.carry",
    "scoring.divergence",
    "reporting.context",
    "reporting.calendar",
    "questionnaire.rules",
    "access.roles",
    "access.passwords",
    # the portable file and spreadsheet formats are read without a database
    "storage.portable",
    "storage.spreadsheet",
]
FORBIDDEN = ("streamlit", "sqlalchemy", "weasyprint", "alembic", "plotly", "kaleido")


@pytest.mark.parametrize("module", CORE)
def test_the_core_module_loads_no_ui_database_or_pdf_library(module: str) -> None:
    if find_spec(module.split(".")[0]) is None or (
        "." in module and not (ROOT / (module.replace(".", "/") + ".py")).exists()
    ):
        pytest.skip(f"{module} does not exist yet")
    code = f"import json, sys; import {module}; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    loaded = json.loads(result.stdout)
    leaked = sorted({name.split(".")[0] for name in loaded} & set(FORBIDDEN))
    assert leaked == [], f"{module} pulls in {leaked}"
