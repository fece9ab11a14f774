"""Spreadsheet exports neutralise formulas, and the CSV reader rejects what it cannot import exactly."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.spreadsheet import (
    FORMULA_TRIGGERS,
    SpreadsheetError,
    needs_prefix,
    neutralise,
    neutralise_frame,
    read_csv_table,
    restore,
    to_csv_bytes,
    to_xlsx_bytes,
)

BOM = b"\xef\xbb\xbf"
TRICKY = [
    "-5% budget",
    "'=x",
    "NA",
    "",
    "007",
    "line\nbreak",
    "a,b",
    'quote "x"',
    "N/A",
    "null",
    "None",
    "@sum",
    "''+1",
    "\tlead",
    "\rcarriage",
    "crlf\r\ninside",
    " padded ",
    "'",
]


def _read(text: str, **options: Any) -> pd.DataFrame:
    return read_csv_table(text.encode("utf-8"), required=["name", "score"], **options)


def _error(data: bytes | str, **options: Any) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with pytest.raises(SpreadsheetError) as caught:
        read_csv_table(raw, required=["name", "score"], **options)
    return str(caught.value)


# Neutralising formulas


@pytest.mark.parametrize("trigger", FORMULA_TRIGGERS)
def test_text_starting_with_any_trigger_gets_a_leading_quote(trigger: str) -> None:
    assert neutralise(trigger + "1+1") == "'" + trigger + "1+1"
    assert restore(neutralise(trigger + "1+1")) == trigger + "1+1"


def test_a_hyperlink_formula_is_neutralised() -> None:
    assert neutralise('=HYPERLINK("http://x","click")') == '\'=HYPERLINK("http://x","click")'


@pytest.mark.parametrize("text", ["São Paulo", "Łódź", "hello", "", "'hello", "1+1", " =x", "100%"])
def test_plain_text_is_left_alone(text: str) -> None:
    assert not needs_prefix(text)
    assert neutralise(text) == text
    assert restore(text) == text


def test_quotes_in_front_of_a_formula_still_need_a_prefix() -> None:
    assert needs_prefix("'=x") and needs_prefix("''=x")
    assert neutralise("'=x") == "''=x"
    assert restore("''=x") == "'=x"


@given(st.text() | st.text(alphabet="'=+-@\t\r ab"))
def test_restoring_a_neutralised_string_gives_it_back_and_no_trigger_leads(text: str) -> None:
    assert restore(neutralise(text)) == text
    assert not neutralise(text).startswith(FORMULA_TRIGGERS)


def test_neutralise_frame_touches_text_cells_and_headers_only() -> None:
    frame = pd.DataFrame({"=head": ["=1+1", None, "ok"], "n": [-1, 2, 3], "flag": [True, False, None]})
    frame["obj"] = pd.Series(["+x", 5, float("nan")], dtype=object)
    out = neutralise_frame(frame)
    assert list(out.columns) == ["'=head", "n", "flag", "obj"]
    assert out["'=head"].iloc[0] == "'=1+1" and pd.isna(out["'=head"].iloc[1]) and out["'=head"].iloc[2] == "ok"
    assert out["n"].tolist() == [-1, 2, 3]
    assert out["flag"].tolist() == [True, False, None]
    assert out["obj"].iloc[0] == "'+x" and out["obj"].iloc[1] == 5 and pd.isna(out["obj"].iloc[2])
    assert frame["=head"].iloc[0] == "=1+1", "the input frame is not changed"


# CSV export


def test_csv_starts_with_a_bom_and_writes_formulas_with_a_quote() -> None:
    data = to_csv_bytes(pd.DataFrame({"name": ["=1+1"], "score": [None]}))
    assert data.startswith(BOM)
    assert data[len(BOM) :] == b"name,score\r\n'=1+1,\r\n"


def test_unicode_survives_a_csv_round_trip() -> None:
    frame = read_csv_table(to_csv_bytes(pd.DataFrame({"name": ["Zürich"], "score": ["1"]})), required=["name", "score"])
    assert frame.to_dict("list") == {"name": ["Zürich"], "score": ["1"]}


def test_tricky_strings_survive_a_csv_round_trip_exactly() -> None:
    frame = pd.DataFrame({"name": TRICKY, "score": list(reversed(TRICKY))})
    back = read_csv_table(to_csv_bytes(frame), required=["name", "score"])
    assert back.to_dict("list") == frame.to_dict("list")


def test_formula_like_headers_survive_a_csv_round_trip() -> None:
    frame = pd.DataFrame({"-delta": ["1"], "name": ["x"]})
    back = read_csv_table(to_csv_bytes(frame), required=["-delta", "name"])
    assert list(back.columns) == ["-delta", "name"]


# XLSX export


def _workbook(sheets: dict[str, pd.DataFrame]) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(sheets)))


def test_xlsx_keeps_formula_like_text_exactly_as_text_marked_to_stay_text() -> None:
    texts = ["=1+1", '=HYPERLINK("http://x","click")', "- a bullet point", "plain"]
    frame = pd.DataFrame({"=head": texts, "n": [1, 2.5, None, 4]})
    sheet = _workbook({"Scores": frame})["Scores"]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert [cell.value for cell in sheet["A"]] == ["=head", *texts]
    assert [cell.quotePrefix for cell in sheet["A"]] == [True, True, True, True, False]
    assert [cell.value for cell in sheet["B"]][1:] == [1, 2.5, None, 4]
    assert sheet["B2"].data_type == "n"


def test_xlsx_has_a_bold_frozen_header_and_capped_widths() -> None:
    sheet = _workbook({"S": pd.DataFrame({"name": ["x" * 500], "n": [1]})})["S"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b and sheet["B1"].font.b and not sheet["A2"].font.b
    assert sheet.column_dimensions["A"].width == 60


def test_xlsx_replaces_control_characters_instead_of_crashing() -> None:
    sheet = _workbook({"S": pd.DataFrame({"name": ["a\x0bb", "tab\there"]})})["S"]
    assert sheet["A2"].value == "a\ufffdb"
    assert sheet["A3"].value == "tab\there"


def test_xlsx_keeps_sheet_order_and_cuts_long_names() -> None:
    long_name = "A very long sheet name that Excel would refuse"
    workbook = _workbook({"Zeta": pd.DataFrame({"a": [1]}), long_name: pd.DataFrame(), "Alpha": pd.DataFrame()})
    assert workbook.sheetnames == ["Zeta", long_name[:31], "Alpha"]


@pytest.mark.parametrize("name", ["a/b", "what?", "[x]", "a:b", "a*b", "back\\slash", ""])
def test_xlsx_rejects_sheet_names_excel_cannot_hold(name: str) -> None:
    with pytest.raises(ValueError, match="Sheet name"):
        to_xlsx_bytes({name: pd.DataFrame({"a": [1]})})


# CSV import


def test_read_keeps_every_cell_as_the_exact_string_and_strips_the_bom() -> None:
    text = "\ufeffname,score\r\nNA,007\r\nnull,\r\nNone,N/A\r\n"
    frame = _read(text)
    assert list(frame.columns) == ["name", "score"]
    assert frame.to_dict("list") == {"name": ["NA", "null", "None"], "score": ["007", "", "N/A"]}


def test_read_keeps_the_file_order_and_adds_missing_optional_columns_empty() -> None:
    frame = _read("score,name\n1,a\n", optional=["note", "extra"])
    assert list(frame.columns) == ["score", "name", "note", "extra"]
    assert frame.to_dict("list") == {"score": ["1"], "name": ["a"], "note": [""], "extra": [""]}


def test_read_of_a_header_only_file_gives_an_empty_table() -> None:
    assert _read("name,score\r\n").empty


@pytest.mark.parametrize(("text", "named"), [("name;score\r\na;1\r\n", "';'"), ("name\tscore\r\na\t1\r\n", "tabs")])
def test_a_semicolon_or_tab_separated_file_is_rejected_naming_the_separator(text: str, named: str) -> None:
    message = _error(text)
    assert f"separates columns with {named}" in message
    assert "CSV UTF-8 (comma delimited)" in message


def test_a_missing_column_is_named() -> None:
    message = _error("name\r\na\r\n")
    assert "missing" in message and "'score'" in message


def test_an_unknown_column_is_named() -> None:
    message = _error("name,score,colour\r\na,1,red\r\n", optional=["note"])
    assert "does not use" in message and "'colour'" in message


def test_a_misspelt_column_is_reported_as_both_missing_and_unknown() -> None:
    message = _error("name,scroe\r\na,1\r\n")
    assert "missing the column(s) 'score'" in message and "'scroe'" in message


def test_a_duplicate_column_is_named() -> None:
    message = _error("name,score,name\r\na,1,b\r\n")
    assert "more than once" in message and "'name'" in message


def test_a_column_without_a_name_is_reported_by_position() -> None:
    assert "Column 3" in _error("name,score,\r\na,1,\r\n")


@pytest.mark.parametrize("bad_row", ["b,2,3", "b"])
def test_a_row_with_too_many_or_too_few_cells_is_named_by_line(bad_row: str) -> None:
    message = _error(f'name,score\r\n"multi\nline",1\r\n{bad_row}\r\n')
    assert message.startswith("Line 4 has")
    assert "the first row names 2 columns" in message


def test_an_unclosed_quote_is_reported_by_line() -> None:
    message = _error('name,score\r\na,1\r\n"b,2\r\nc,3\r\n')
    assert "Line 3" in message and "never closed" in message


def test_a_file_over_the_size_limit_is_rejected_with_both_sizes() -> None:
    message = _error(b"name,score\r\n" + b"a,1\r\n" * 600, max_bytes=2048)
    assert "2.9 KB" in message and "limit of 2 KB" in message
    assert "6 MB" in _error(b"x" * (6 * 1024 * 1024))


def test_a_file_in_a_legacy_encoding_is_rejected_as_not_utf8() -> None:
    message = _error("name,score\r\nZürich,1\r\n".encode("cp1252"))
    assert "not UTF-8 text" in message and "line 2" in message and "CSV UTF-8" in message


def test_an_empty_file_is_rejected() -> None:
    assert "empty" in _error(b"")
    assert "empty" in _error(BOM + b"\r\n")


def test_too_many_rows_are_rejected() -> None:
    text = "name,score\r\n" + "a,1\r\n" * 4
    assert len(_read(text, max_rows=4)) == 4
    assert "more than 3 rows" in _error(text, max_rows=3)
