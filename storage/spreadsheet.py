"""Spreadsheet exports that are safe to open in Excel or LibreOffice, and a strict CSV reader for imports."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

__all__ = [
    "FORMULA_TRIGGERS",
    "SpreadsheetError",
    "needs_prefix",
    "neutralise",
    "neutralise_frame",
    "read_csv_table",
    "restore",
    "to_csv_bytes",
    "to_xlsx_bytes",
]

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make a spreadsheet treat a cell as a formula (OWASP ASVS V1.2.10)."""
_SHEET_NAME_FORBIDDEN = set("[]:*?/\\")
_MAX_SHEET_NAME = 31
_MAX_WIDTH = 60


class SpreadsheetError(ValueError):
    """A file could not be imported; the message tells a municipal official what to fix."""


def needs_prefix(value: str) -> bool:
    """Whether ``value`` starts with a formula trigger, possibly behind leading single quotes."""
    stripped = value.lstrip("'")
    return stripped[:1] in FORMULA_TRIGGERS


def neutralise(value: str) -> str:
    """``value`` with a leading ``'`` when a spreadsheet could read it as a formula."""
    return "'" + value if needs_prefix(value) else value


def restore(value: str) -> str:
    """Undo :func:`neutralise`: ``restore(neutralise(s)) == s`` for every string."""
    return value[1:] if value.startswith("'") and needs_prefix(value[1:]) else value


def _neutralise_cell(value: Any) -> Any:
    return neutralise(value) if isinstance(value, str) else value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell and text column header neutralised."""
    out = frame.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if column.dtype == object or isinstance(column.dtype, pd.StringDtype | pd.CategoricalDtype):
            values = column.astype(object) if isinstance(column.dtype, pd.CategoricalDtype) else column
            out.isetitem(position, values.map(_neutralise_cell, na_action="ignore"))
    out.columns = [_neutralise_cell(label) for label in frame.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as neutralised CSV: UTF-8 with BOM (so Excel detects it), commas, CRLF, no index."""
    text: str = neutralise_frame(frame).to_csv(index=False, lineterminator="\r\n", na_rep="")
    return text.encode("utf-8-sig")


def _xlsx_value(value: Any) -> Any:
    """A cell value openpyxl stores as itself: text cleaned (never prefixed), numbers and dates kept.

    A workbook's text cells are typed as text, so no ``'`` is needed there: the team sees its text
    exactly as written. (CSV has no cell types, which is why only CSV is neutralised.)"""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if type(value).__module__ == "numpy":  # numpy scalars become plain Python numbers
        value = value.item()
    if isinstance(value, datetime) and value.tzinfo is not None:  # Excel has no time zones
        value = value.isoformat()
    if not isinstance(value, str | int | float | Decimal | date | time | timedelta):
        value = str(value)
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if isinstance(value, str) else value


def to_xlsx_bytes(sheets: dict[str, pd.DataFrame], title: str = "") -> bytes:
    """An .xlsx workbook with one sheet per entry, bold frozen headers and text never stored as formulas.

    Text that a spreadsheet could take for a formula is stored as text and marked so
    (``quotePrefix``), which keeps it text even when someone edits the cell; no ``'`` is added to
    what the cell shows. ``title`` becomes the workbook's document title.
    """
    if not sheets:
        raise ValueError("A workbook needs at least one sheet")
    workbook = Workbook()
    workbook.properties.title = ILLEGAL_CHARACTERS_RE.sub("\ufffd", title) or None
    workbook.remove(workbook.active)
    seen: set[str] = set()
    for name, frame in sheets.items():
        title = name[:_MAX_SHEET_NAME]
        if not title or _SHEET_NAME_FORBIDDEN & set(name) or title[0] == "'" or title[-1] == "'":
            raise ValueError(f"Sheet name {name!r} is empty, contains one of []:*?/\\ or starts or ends with '")
        if title.lower() in seen:
            raise ValueError(f"Sheet name {title!r} is used twice (after cutting to {_MAX_SHEET_NAME} characters)")
        seen.add(title.lower())
        sheet = workbook.create_sheet(title)
        rows = [list(frame.columns), *frame.itertuples(index=False, name=None)]
        widths = [8] * frame.shape[1]
        for row_number, row in enumerate(rows, start=1):
            for column_number, raw in enumerate(row, start=1):
                value = _xlsx_value(raw)
                cell = sheet.cell(row=row_number, column=column_number, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text looks like
                    cell.quotePrefix = needs_prefix(value)
                if value is not None:
                    longest = max(len(line) for line in str(value).split("\n"))
                    widths[column_number - 1] = max(widths[column_number - 1], min(longest + 2, _MAX_WIDTH))
                if row_number == 1:
                    cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    return f"{count / 1024:.1f}".removesuffix(".0") + " KB"


def _names(names: Sequence[str]) -> str:
    return ", ".join(f"'{name}'" for name in names)


def _check_header(header: list[str], first_line: str, required: Sequence[str], optional: Sequence[str]) -> None:
    missing = [name for name in required if name not in header]
    if missing and (";" in first_line or "\t" in first_line):
        delimiter = "';' (as Excel does in some languages)" if ";" in first_line else "tabs"
        raise SpreadsheetError(
            f"The file separates columns with {delimiter}. Save it as 'CSV UTF-8 (comma delimited)' and try again."
        )
    if "" in header:
        raise SpreadsheetError(f"Column {header.index('') + 1} in the first row has no name.")
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise SpreadsheetError(f"The first row names these columns more than once: {_names(duplicates)}.")
    unknown = [name for name in header if name not in required and name not in optional]
    problems = [f"it is missing the column(s) {_names(missing)}"] if missing else []
    problems += [f"it has column(s) this table does not use: {_names(unknown)}"] if unknown else []
    if problems:
        expected = _names([*required, *optional])
        raise SpreadsheetError(f"The file cannot be imported: {'; '.join(problems)}. Expected columns: {expected}.")


def read_csv_table(
    data: bytes,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    max_bytes: int = 5 * 1024 * 1024,
    max_rows: int = 5000,
) -> pd.DataFrame:
    """Read a comma-separated UTF-8 table strictly: every cell a string, kept exactly as written.

    Raises :class:`SpreadsheetError` with a plain-English message for anything it cannot accept.
    """
    if len(data) > max_bytes:
        raise SpreadsheetError(f"The file is {_size(len(data))}, larger than the limit of {_size(max_bytes)}.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SpreadsheetError(
            f"The file is not UTF-8 text (the first problem is on line {line}). "
            "In Excel, use 'Save As' and choose 'CSV UTF-8 (comma delimited)', then try again."
        ) from None
    if not text.strip():
        raise SpreadsheetError("The file is empty.")
    records = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1  # the line the record being read begins on
    rows: list[list[str]] = []
    try:
        header = [restore(name) for name in next(records)]
        _check_header(header, text.splitlines()[0], required, optional)
        start = records.line_num + 1
        for row in records:
            if row and len(row) != len(header):
                raise SpreadsheetError(
                    f"Line {start} has {len(row)} cells but the first row names {len(header)} columns. "
                    "Check that line for a missing or extra comma or a stray quote mark."
                )
            if row:
                rows.append([restore(cell) for cell in row])
            if len(rows) > max_rows:
                raise SpreadsheetError(f"The file has more than {max_rows} rows of data; split it and try again.")
            start = records.line_num + 1
    except csv.Error:
        raise SpreadsheetError(
            f"Line {start} is not well-formed: a quote mark is out of place or never closed. "
            "Check that line, save the file as 'CSV UTF-8 (comma delimited)' and try again."
        ) from None
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    for name in optional:
        if name not in frame.columns:
            frame[name] = ""
    return frame
