"""Reading time-clock CSV exports: encodings, a column mapping, times, leave words and row errors."""

from __future__ import annotations

from datetime import date, time

import pytest

from kuroko.formats.attendance_csv import (
    AttendanceFormatError,
    ColumnMapping,
    parse_leave,
    parse_time,
    read_attendance,
    read_header,
)

JA = ColumnMapping(
    {
        "person": "社員番号",
        "date": "日付",
        "clock_in": "出勤",
        "clock_out": "退勤",
        "break_minutes": "休憩",
        "leave": "休暇",
        "note": "備考",
    },
    "%Y/%m/%d",
)
HEADER = "社員番号,日付,出勤,退勤,休憩,休暇,備考\r\n"
ROWS = (
    "a@example.com,2026/4/1,9:00,18:00,60,,定例\r\n"
    "a@example.com,2026/4/2,0900,25:30,1:00,午前半休,\r\n"
    "a@example.com,2026/4/3,--:--,--:--,,有休,\r\n"
)


def test_shift_jis_file_is_read_with_japanese_headers_and_words():
    """A CP932 export: times, a night shift written as 25:30, h:mm breaks, leave words."""
    result = read_attendance((HEADER + ROWS).encode("cp932"), JA)
    assert result.encoding == "cp932" and not result.errors
    first, night, leave = result.rows
    assert (first.clock_in, first.clock_out, first.worked_minutes) == (time(9), time(18), 480)
    assert first.note == "定例"
    assert night.clock_out == time(1, 30) and night.leave == "half_am" and night.worked_minutes == 930
    assert leave.leave == "paid" and leave.clock_in is None and leave.worked_minutes == 0
    assert leave.date == date(2026, 4, 3)


def test_utf8_with_and_without_bom():
    """UTF-8 with a byte order mark (Excel's "CSV UTF-8") and without one read the same."""
    plain = read_attendance((HEADER + ROWS).encode("utf-8"), JA)
    bom = read_attendance(("\ufeff" + HEADER + ROWS).encode("utf-8"), JA)
    assert plain.encoding == "utf-8" and bom.encoding == "utf-8-sig"
    assert plain.rows == bom.rows and len(bom.rows) == 3
    assert read_header(("\ufeff" + HEADER).encode("utf-8"))[0] == "社員番号"


def test_tab_separated_and_headers_matched_loosely():
    """Tabs instead of commas; a header in full-width letters or another case still matches."""
    mapping = ColumnMapping({"person": "email", "date": "DATE"})
    data = "ＥＭＡＩＬ\tDate\r\nb@example.com\t2026-04-01\r\n".encode()
    result = read_attendance(data, mapping)
    assert [(r.person, r.date) for r in result.rows] == [("b@example.com", date(2026, 4, 1))]


BAD = [
    # (row text, column header, error code)
    (",2026/4/6,9:00,18:00,,,", "社員番号", "required"),  # nobody named
    ("a@example.com,2026-04-06,9:00,18:00,,,", "日付", "date"),  # a date not in the mapping's format
    ("a@example.com,2026/4/6,9時,18:00,,,", "出勤", "time"),  # a time that is not h:mm
    ("a@example.com,2026/4/6,9:00,18:75,,,", "退勤", "time"),  # 75 minutes
    ("a@example.com,2026/4/6,25:00,18:00,,,", "出勤", "time"),  # a clock-in past midnight
    ("a@example.com,2026/4/6,9:00,18:00,an hour,,", "休憩", "break"),  # breaks not in minutes
    ("a@example.com,2026/4/6,9:00,18:00,,半休,", "休暇", "leave"),  # half day: morning or afternoon?
    ("a@example.com,2026/4/6,9:00,,,,", "退勤", "clock_pair"),  # clock-in without clock-out
    ("a@example.com,2026/4/6,9:00,18:00,,有休,", "休暇", "leave_with_times"),  # full leave with times
    ("a@example.com,2026/4/6,9:00,10:00,90,,", "休憩", "break_too_long"),  # breaks longer than the day
    ("a@example.com,2026/4/1,9:00,18:00,,,", "日付", "duplicate"),  # a day already on row 2
]


@pytest.mark.parametrize(("line", "column", "code"), BAD)
def test_bad_rows_are_reported_with_row_and_column(line, column, code):
    """Every bad cell is reported with its row number and column header; good rows still read."""
    data = (HEADER + "a@example.com,2026/4/1,9:00,18:00,60,,\r\n" + line + "\r\n").encode("utf-8")
    result = read_attendance(data, JA)
    assert [(e.row, e.column, e.code) for e in result.errors] == [(3, column, code)]
    assert len(result.rows) == 1


def test_all_bad_rows_are_reported_at_once():
    """Errors do not stop the reading: every row of the table above is reported."""
    rows = "\r\n".join(b[0] for b in BAD)
    data = (HEADER + "a@example.com,2026/4/1,9:00,18:00,60,,\r\n" + rows).encode()
    result = read_attendance(data, JA)
    assert [e.row for e in result.errors] == list(range(3, 3 + len(BAD)))
    assert result.row_count == len(BAD) + 1


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: read_attendance(b"", JA), "empty"),  # nothing in the file
        (lambda: read_attendance(b"\xff\xfe\x00\x00\x81", JA), "encoding"),  # not UTF-8 or Shift_JIS
        (lambda: read_attendance("氏名,日付\r\n".encode(), JA), "missing_column"),  # a mapped column absent
        (lambda: ColumnMapping({"date": "日付"}), "required_field"),  # nobody's column
        (
            lambda: ColumnMapping({"person": "a", "date": "b", "clock_in": "c"}),
            "clock_pair",
        ),  # in without out
        (lambda: ColumnMapping({"person": "a", "date": "b", "shoe": "c"}), "unknown_field"),  # no such field
        (lambda: ColumnMapping({"person": "a", "date": "b"}, "YYYY-MM-DD"), "date_format"),  # not strptime
    ],
)
def test_unreadable_files_and_mappings(make, code):
    """Whole-file problems raise AttendanceFormatError with a code."""
    with pytest.raises(AttendanceFormatError) as info:
        make()
    assert info.value.code == code


def test_time_and_leave_words():
    """900 and 0900 are 9:00; 24:00 is midnight the next day; leave words in either language."""
    assert parse_time("900") == (time(9), False) and parse_time("０９：００") == (time(9), False)
    assert parse_time("24:00") == (time(0), True) and parse_time("") is None
    assert [parse_leave(w) for w in ("年休", "PAID", "午後半休", "特休", "欠勤", "出勤", "")] == [
        "paid", "paid", "half_pm", "special", "unpaid", "", ""
    ]  # fmt: skip
