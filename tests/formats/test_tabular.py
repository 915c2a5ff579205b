"""CSV and .xlsx tables (`kuroko.formats.tabular`): text that a spreadsheet would run as a formula is
written so that it shows as typed; numbers, negative ones too, stay numbers."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from kuroko.formats.tabular import csv_safe, to_csv, to_xlsx

ROW = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", -5, 3.5, "-5", "+81", "plain", date(2027, 4, 5)]


def test_csv_keeps_formulas_as_text_and_numbers_as_numbers():
    """CSV: text starting with = + - @ tab or CR gets a leading apostrophe; numbers are left alone."""
    text = to_csv(["=Header", "b"], [ROW]).decode("utf-8").removeprefix("\ufeff")
    header, row = list(csv.reader(io.StringIO(text, newline="")))
    assert header == ["'=Header", "b"]
    assert row == [
        "'=1+1",
        "'+SUM(A1)",
        "'-2+3",
        "'@cmd",
        "'\tTAB",
        "'\rCR",
        "-5",
        "3.5",
        "-5",
        "+81",
        "plain",
        "2027-04-05",
    ]


def test_xlsx_keeps_formulas_as_text_and_numbers_as_numbers():
    """.xlsx: "=1+1" is a text cell, not a formula; -5 and 3.5 stay numbers; dates stay dates."""
    data = to_xlsx("Sheet", ["=Header", "b"], [ROW])
    ws = load_workbook(io.BytesIO(data)).active
    assert ws is not None
    head = [c.value for c in ws[1]][:2]
    cells = list(ws[2])
    assert head == ["=Header", "b"] and ws["A1"].data_type == "s"
    assert cells[0].value == "=1+1" and cells[0].data_type == "s"
    assert all(c.data_type != "f" for c in cells)
    assert cells[6].value == -5 and cells[6].data_type == "n"
    assert cells[7].value == 3.5 and cells[7].data_type == "n"
    assert cells[11].value.date() == date(2027, 4, 5)


# Texts and whether a spreadsheet would read them as a formula.
@pytest.mark.parametrize(
    "value, expected",
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),  # a formula
        ("+1+1", "'+1+1"),  # a formula by its plus sign
        ("-1+1", "'-1+1"),  # a formula by its minus sign
        ("@SUM(A1)", "'@SUM(A1)"),  # Lotus-style function
        ("-12.5", "-12.5"),  # a negative number written as text stays as written
        ("+3", "+3"),  # a signed number
        ("", ""),  # empty
        ("Design", "Design"),  # ordinary text
        (-7, -7),  # a number
        (None, None),  # nothing
    ],
)
def test_csv_safe(value, expected):
    """Only text that would run as a formula changes."""
    assert csv_safe(value) == expected
