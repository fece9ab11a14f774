"""The report's PDF read as assistive technology reads it: the pdfua screen, and header scope on every table.

pdfua checks a subset of PDF/UA-1's machine-checkable rules (16 of 106, by its own count); passing it
says nothing about the rest, so the report claims no conformance.
"""

from __future__ import annotations

import collections
from pathlib import Path

from pdfua import validate
from pdfua.document import PdfDocument
from pdfua.model import Severity

from reporting.layout import html_to_pdf

TABLE = """<!doctype html><html lang="en"><head><title>Tables</title></head><body>
<table><thead><tr><th scope="col">Theme</th><th scope="col">Score</th></tr></thead>
<tbody><tr><td>T1</td><td>40</td></tr><tr><td>T2</td><td>55</td></tr></tbody></table>
<table><tbody><tr><th scope="row">Index</th><td>48</td></tr><tr><th scope="row">Band</th><td>Developing</td></tr>
</tbody></table></body></html>"""


def header_cells(path: Path) -> list[tuple[int, str | None]]:
    """(table number, /Scope) of every header cell, in reading order."""
    document = PdfDocument.open(str(path))
    try:
        found = []
        for number, table in enumerate(document.elements_with_role("/Table")):
            for row in document.table_rows(table):
                for cell in document.table_cells(row):
                    if cell.role == "/TH":
                        attributes = cell.obj.get("/A")
                        scope = attributes.get("/Scope") if attributes is not None else None
                        found.append((number, None if scope is None else str(scope)))
        return found
    finally:
        document.close()


def test_the_demo_report_passes_the_pdfua_screen_with_no_error_or_warning(demo_pdf: bytes, tmp_path: Path) -> None:
    path = tmp_path / "demo.pdf"
    path.write_bytes(demo_pdf)
    report = validate(str(path))
    by_rule = collections.Counter((f.rule_id, f.severity.name) for f in report.findings)
    assert not [f for f in report.findings if f.severity >= Severity.WARNING], by_rule
    assert len(report.outcomes) >= 10  # the rules really ran (one may be skipped by the checker itself)


def test_every_header_cell_of_the_demo_report_is_a_column_header(demo_pdf: bytes, tmp_path: Path) -> None:
    path = tmp_path / "demo.pdf"
    path.write_bytes(demo_pdf)
    cells = header_cells(path)
    assert len({table for table, _ in cells}) >= 8  # the report's many tables, each with a header
    assert {scope for _, scope in cells} == {"/Column"}


def test_row_headers_are_told_from_column_headers(tmp_path: Path) -> None:
    path = tmp_path / "tables.pdf"
    path.write_bytes(html_to_pdf(TABLE))
    assert header_cells(path) == [(0, "/Column"), (0, "/Column"), (1, "/Row"), (1, "/Row")]
