"""Tracker CSV exports (Redmine, Jira, Backlog) read as tasks and as RAID issues: headers in English and
Japanese, encodings and delimiters, relations, repeated link columns, every bad row reported at once, and
fuzzing that only ever imports or refuses with ImportFileError."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kuroko.formats.imported import ImportFileError
from kuroko.formats.tracker_csv import (
    default_options,
    detect_tracker,
    parse_date,
    priority_code,
    read_table,
    read_tracker,
    read_tracker_issues,
    status_code,
)

# A Redmine export (English UI) with the columns "All columns" gives, relations and a description. Redmine
# writes a relation as label, delay, issue (`IssueRelation#to_s`): "Precedes (2 days) #104".
REDMINE_EN = (
    "#,Project,Tracker,Parent task,Status,Priority,Subject,Author,Assignee,Updated,Start date,Due date,"
    "Estimated time,% Done,Created,Closed,Related issues,Description\r\n"
    "101,Web,Feature,,New,Normal,Design,Admin,Alice Example,2027-03-30 10:00,2027-04-05,2027-04-09,"
    '16.00,0,2027-03-30 10:00,,"Blocks #103, Related to #104",First draft\r\n'
    "102,Web,Feature,#101,In Progress,High,Screen spec,Admin,,2027-03-30 10:00,2027-04-05,2027-04-07,"
    '8.00,50,2027-03-30 10:00,,,"Two\nlines"\r\n'
    "103,Web,Feature,,New,Normal,Build,Admin,Bob Example,2027-03-30 10:00,2027-04-12,2027-04-16,"
    '24.00,0,2027-03-30 10:00,,"Blocked by #101, Precedes (2 days) #104",\r\n'
    "104,Web,Bug,,Closed,Low,Test,Admin,,2027-03-30 10:00,2027-04-20,2027-04-21,,,2027-03-30 10:00,"
    '2027-04-21 18:00,"Follows (2 days) #103, Related to #101",\r\n'
)
# The same export from a Redmine in Japanese, saved in Shift_JIS (cp932) as Redmine does for "ja".
REDMINE_JA = (
    "#,プロジェクト,トラッカー,親チケット,ステータス,優先度,題名,作成者,担当者,開始日,期日,予定工数,進捗率,"
    "作成日,終了日,関連するチケット,説明\r\n"
    "1,基幹,機能,,新規,通常,要件定義,管理者,山田 太郎,2027/04/05,2027/04/09,16,0,2027/03/30,,"
    '"ブロック先 #3, 関連している #4",\r\n'
    "2,基幹,機能,1,進行中,高め,画面設計,管理者,,2027/04/05,2027/04/07,8,50,2027/03/30,,,\r\n"
    "3,基幹,機能,,新規,通常,実装,管理者,,2027/04/12,2027/04/16,24,0,2027/03/30,,"
    '"ブロック元 #1, 次のチケットに先行 (2日) #4",\r\n'
    "4,基幹,バグ,,終了,低め,試験,管理者,,2027/04/20,2027/04/21,,,2027/03/30,2027/04/21,,\r\n"
)
# A Jira Cloud export: repeated "Outward issue link (Blocks)" columns, estimates in seconds, dates as
# 05/Apr/27 9:00 AM, the parent by its issue id.
JIRA_EN = (
    "Summary,Issue key,Issue id,Issue Type,Status,Priority,Assignee,Reporter,Created,Resolved,Due date,"
    "Original Estimate,Parent,Outward issue link (Blocks),Outward issue link (Blocks),"
    "Custom field (Start date),Description\r\n"
    "Epic,WEB-1,10001,Epic,In Progress,Medium,,Admin,01/Mar/27 9:00 AM,,,,,,,,\r\n"
    "Design,WEB-2,10002,Story,Done,High,alice@example.com,Admin,01/Mar/27 9:00 AM,09/Apr/27 5:00 PM,"
    "09/Apr/27 12:00 AM,57600,10001,WEB-3,WEB-4,05/Apr/27,Spec first\r\n"
    "Build,WEB-3,10003,Story,To Do,Medium,,Admin,01/Mar/27 9:00 AM,,16/Apr/27 12:00 AM,86400,10001,,,"
    "12/Apr/27,\r\n"
    "Release,WEB-4,10004,Task,To Do,Highest,,Admin,01/Mar/27 9:00 AM,,,,,,,,\r\n"
)
# A Jira export with Japanese headers, tab-separated.
JIRA_JA = (
    "要約\t課題キー\t課題 ID\tステータス\t優先度\t担当者\t作成日\t期日\t初期見積もり\t親\r\n"
    "設計\tKIK-1\t20001\t完了\t高\t\t2027-03-01\t2027-04-09\t28800\t\r\n"
    "実装\tKIK-2\t20002\t進行中\t中\t\t2027-03-01\t2027-04-16\t\t20001\r\n"
)
# A Backlog export (Japanese), with a byte order mark.
BACKLOG_JA = (
    "ID,プロジェクトID,プロジェクト名,キー,種別,件名,詳細,状態,優先度,担当者,登録日,開始日,期限日,予定時間,"
    "実績時間,親課題\r\n"
    "1,1,基幹,KIKAN-1,タスク,基本設計,設計書を書く,処理中,中,山田 太郎,2027/03/30,2027/04/05,2027/04/09,"
    "16,4,\r\n"
    "2,1,基幹,KIKAN-2,タスク,画面設計,,未対応,高,,2027/03/30,2027/04/12,2027/04/16,8,,KIKAN-1\r\n"
    "3,1,基幹,KIKAN-3,バグ,障害対応,,完了,低,,2027/03/30,,,,,\r\n"
)
# Backlog with English headers, semicolon-separated.
BACKLOG_EN = (
    "ID;Key;Issue Type;Subject;Description;Status;Priority;Assignee;Created;Start Date;Due Date;"
    "Estimated Hours;Parent Issue\r\n"
    "1;PRJ-1;Task;Basic design;;In Progress;Normal;;2027-03-30;2027-04-05;2027-04-09;16;\r\n"
    "2;PRJ-2;Task;Screens;;Open;High;;2027-03-30;2027-04-12;2027-04-16;8;PRJ-1\r\n"
)


def by_key(project):
    return {t.key: t for t in project.tasks}


def test_redmine_english_tasks_wbs_and_relations():
    """Redmine: issue numbers are keys, the parent nests, blocks/precedes become FS links with the delay."""
    project = read_tracker(REDMINE_EN.encode())
    tasks = by_key(project)
    assert [t.key for t in project.tasks] == ["101", "102", "103", "104"]
    assert tasks["102"].parent == "101"
    assert tasks["101"].start == date(2027, 4, 5) and tasks["101"].finish == date(2027, 4, 9)
    assert tasks["101"].work == 16 * 60 and tasks["101"].owners == ("Alice Example",)
    assert tasks["101"].notes == "First draft" and tasks["102"].notes == "Two\nlines"
    assert [(link.predecessor, link.lag) for link in tasks["103"].links] == [("101", 0)]
    assert [(link.predecessor, link.lag) for link in tasks["104"].links] == [("103", 2 * 480)]
    assert tasks["104"].percent_complete == 100 and tasks["104"].actual_finish == date(2027, 4, 21)
    assert tasks["102"].percent_complete == 50
    assert any("related to" in w for w in project.warnings)
    assert project.match == "id" and {"links", "work", "owners", "notes"} <= project.columns


def test_redmine_japanese_in_cp932():
    """A Japanese Redmine export in Shift_JIS reads the same way, relation words in Japanese."""
    project = read_tracker(REDMINE_JA.encode("cp932"))
    tasks = by_key(project)
    assert detect_tracker(read_table(REDMINE_JA.encode("cp932")).header) == "redmine"
    assert tasks["2"].parent == "1" and tasks["1"].owners == ("山田 太郎",)
    assert [(link.predecessor, link.lag) for link in tasks["3"].links] == [("1", 0)]
    assert [(link.predecessor, link.lag) for link in tasks["4"].links] == [("3", 960)]
    assert tasks["4"].percent_complete == 100 and tasks["4"].actual_finish == date(2027, 4, 21)
    assert tasks["1"].start == date(2027, 4, 5)


@pytest.mark.parametrize(
    "cell, predecessor, successor, lag_days",
    [
        ("Precedes (1 day) #2", "1", "2", 1),  # Redmine's order: label, delay, issue; one day
        ("Precedes (3 days) #2", "1", "2", 3),  # several days
        ("Follows (2 days) #2", "2", "1", 2),  # the other end of the same relation
        ("Precedes #2 (3 days)", "1", "2", 3),  # the delay after the issue, as other tools write it
        ("Precedes (-1 days) #2", "1", "2", -1),  # a negative delay
        ("Precedes #2", "1", "2", 0),  # no delay
        ("Blocks #2", "1", "2", 0),  # blocks: the blocker comes first
        ("Blocked by #2", "2", "1", 0),  # the blocked issue comes after
        ("次のチケットに先行 (2日) #2", "1", "2", 2),  # Japanese Redmine: label_precedes, x_days
        ("次のチケットに後続 (1日) #2", "2", "1", 1),  # label_follows, one day
        ("ブロック先 #2", "1", "2", 0),  # label_blocks (Redmine 3.3 on)
        ("ブロック元 #2", "2", "1", 0),  # label_blocked_by (Redmine 3.3 on)
        ("ブロックしている #2", "1", "2", 0),  # label_blocks of older Redmine
        ("ブロックされている #2", "2", "1", 0),  # label_blocked_by of older Redmine
    ],
)
def test_redmine_relation_labels_and_delays(cell, predecessor, successor, lag_days):
    """Every Redmine relation label, English and Japanese, with the delay before or after the issue."""
    data = f'#,Subject,Related issues\r\n1,A,"{cell}"\r\n2,B,\r\n'.encode()
    project = read_tracker(data)
    links = {
        key: [(link.predecessor, link.lag) for link in task.links] for key, task in by_key(project).items()
    }
    assert links[successor] == [(predecessor, lag_days * 480)], links
    assert links[predecessor] == []
    assert not project.warnings


@pytest.mark.parametrize(
    "cell",
    [
        "Related to #2",  # relates
        "Duplicates #2",  # duplicates
        "Duplicated by #2",  # duplicated by
        "Copied to #2",  # copied to
        "関連している #2",  # label_relates_to
        "次のチケットと重複 #2",  # label_duplicates
        "次のチケットが重複 #2",  # label_duplicated_by
        "コピー先 #2",  # label_copied_to
        "コピー元 #2",  # label_copied_from
    ],
)
def test_redmine_other_relations_are_left_out_with_a_warning(cell):
    """Relations that are not about order are read, left out, and named in one warning."""
    project = read_tracker(f'#,Subject,Related issues\r\n1,A,"{cell}"\r\n2,B,\r\n'.encode())
    assert all(not task.links for task in project.tasks)
    assert len(project.warnings) == 1 and "not imported" in project.warnings[0]


def test_jira_repeated_link_columns_and_seconds():
    """Jira: every "Outward issue link (Blocks)" column is a link; the parent id finds its key."""
    project = read_tracker(JIRA_EN.encode())
    tasks = by_key(project)
    assert [t.key for t in project.tasks] == ["WEB-1", "WEB-2", "WEB-3", "WEB-4"]
    assert tasks["WEB-2"].parent == "WEB-1" and tasks["WEB-3"].parent == "WEB-1"
    assert [link.predecessor for link in tasks["WEB-3"].links] == ["WEB-2"]
    assert [link.predecessor for link in tasks["WEB-4"].links] == ["WEB-2"]
    assert tasks["WEB-2"].work == 16 * 60 and tasks["WEB-3"].work == 24 * 60
    assert tasks["WEB-2"].start == date(2027, 4, 5) and tasks["WEB-2"].finish == date(2027, 4, 9)
    assert tasks["WEB-2"].percent_complete == 100 and tasks["WEB-2"].actual_finish == date(2027, 4, 9)
    assert tasks["WEB-2"].owners == ("alice@example.com",)


def test_jira_japanese_headers_tab_separated():
    """Jira with Japanese headers, separated by tabs."""
    table = read_table(JIRA_JA.encode())
    assert table.delimiter == "\t" and detect_tracker(table.header) == "jira"
    tasks = by_key(read_tracker(JIRA_JA.encode()))
    assert tasks["KIK-2"].parent == "KIK-1" and tasks["KIK-1"].work == 480
    assert tasks["KIK-1"].percent_complete == 100


def test_backlog_japanese_with_bom_and_english_semicolons():
    """Backlog: keys like KIKAN-1, 親課題 by key; a BOM and semicolons are read too."""
    data = b"\xef\xbb\xbf" + BACKLOG_JA.encode()
    assert read_table(data).encoding == "utf-8-sig"
    tasks = by_key(read_tracker(data))
    assert tasks["KIKAN-2"].parent == "KIKAN-1" and tasks["KIKAN-1"].notes == "設計書を書く"
    assert tasks["KIKAN-1"].work == 16 * 60 and tasks["KIKAN-3"].percent_complete == 100
    english = read_tracker(BACKLOG_EN.encode())
    assert detect_tracker(read_table(BACKLOG_EN.encode()).header) == "backlog"
    assert by_key(english)["PRJ-2"].parent == "PRJ-1"


def test_default_options_detect_each_tracker():
    """The detected tracker prefills its usual columns (as the file spells them) and estimate unit."""
    options = default_options(read_table(JIRA_EN.encode()).header)
    assert options["tracker"] == "jira" and options["estimate_unit"] == "seconds"
    assert options["columns"]["blocks"] == "Outward issue link (Blocks)"
    assert options["columns"]["start"] == "Custom field (Start date)"
    assert default_options(read_table(BACKLOG_JA.encode()).header)["columns"]["finish"] == "期限日"
    assert detect_tracker(["a", "b"]) is None


def test_mapping_overrides_and_unmaps_columns():
    """A mapping chooses other headers and leaves fields out with an empty header."""
    options = {"columns": {"finish": "", "estimate": "", "name": "Subject"}, "estimate_unit": "hours"}
    project = read_tracker(REDMINE_EN.encode(), options)
    assert all(t.finish is None and t.work is None for t in project.tasks)
    assert "work" not in project.columns and "finish" not in project.columns


def test_missing_parent_becomes_top_level_with_warning():
    """A parent that the export left out: the child is at the top level and the user is told."""
    data = b"#,Subject,Parent task\r\n5,Child,#99\r\n6,Other,\r\n"
    project = read_tracker(data)
    assert by_key(project)["5"].parent is None
    assert any("5" in w for w in project.warnings)


def test_parent_cycle_is_a_row_error():
    """Parents that loop are reported on their rows."""
    data = b"#,Subject,Parent task\r\n1,A,#2\r\n2,B,#1\r\n3,C,\r\n"
    with pytest.raises(ImportFileError) as caught:
        read_tracker(data)
    assert {e.row for e in caught.value.errors} == {2, 3}
    assert all(e.column == "Parent task" for e in caught.value.errors)


def test_link_between_parent_and_child_is_left_out():
    """A "blocks" relation between an issue and its own parent would link a summary task: left out."""
    data = b'#,Subject,Parent task,Related issues\r\n1,A,,"Blocks #2"\r\n2,B,#1,\r\n'
    project = read_tracker(data)
    assert by_key(project)["2"].links == ()
    assert any("1 → 2" in w for w in project.warnings)


# Bad rows: every one is reported with its row (header = 1, a quoted line break does not count) and column.
BAD = (
    "#,Subject,Start date,Due date,% Done,Estimated time,Related issues\r\n"
    '1,"Multi\nline",2027-04-05,2027-04-09,0,8,\r\n'
    ",No number,,,,,\r\n"  # the key is missing
    "3,,,,,,\r\n"  # the subject is missing
    "4,Bad start,2027-13-40,,,,\r\n"  # not a date
    "5,Backwards,2027-04-09,2027-04-05,,,\r\n"  # due before start
    "6,Too done,,,150,,\r\n"  # more than 100 %
    "7,Bad estimate,,,,lots,\r\n"  # not a number
    '8,Bad relation,,,,,"Blocks"\r\n'  # a relation without an issue number
    "1,Duplicate,,,,,\r\n"  # the key again
)


def test_bad_rows_are_all_reported():
    """Every bad cell of the file is in one ImportFileError, with row numbers as a spreadsheet shows."""
    with pytest.raises(ImportFileError) as caught:
        read_tracker(BAD.encode())
    found = {(e.row, e.column) for e in caught.value.errors}
    assert found == {
        (3, "#"),
        (4, "Subject"),
        (5, "Start date"),
        (6, "Due date"),
        (7, "% Done"),
        (8, "Estimated time"),
        (9, "Related issues"),
        (10, "#"),
    }


# Files refused as a whole.
@pytest.mark.parametrize(
    "data",
    [
        b"",  # empty
        b"\r\n\r\n",  # only blank lines
        b"\xff\xfe\x00a\x00b",  # UTF-16, not UTF-8 or Shift_JIS
        b"#,Subject\r\n",  # a header without rows
        b"a,b\r\n1,2\r\n",  # neither a key nor a subject column
    ],
)
def test_unreadable_files_are_refused(data):
    """A file that is not a tracker export raises ImportFileError naming the problem."""
    with pytest.raises(ImportFileError) as caught:
        read_tracker(data)
    assert caught.value.errors and all(e.message for e in caught.value.errors)


# Options that cannot be used.
@pytest.mark.parametrize(
    "options",
    [
        {"tracker": "bugzilla"},  # unknown tracker
        {"columns": {"colour": "Subject"}},  # unknown field
        {"columns": {"name": "Title"}},  # a header the file does not have
        {"date_format": "dd/mm"},  # no strptime code
        {"estimate_unit": "weeks"},  # unknown unit
        {"columns": ["Subject"]},  # not a mapping
        {"hours_per_day": "0.001"},  # below one hour
        {"hours_per_day": 0.5},  # below one hour, as a number
        {"hours_per_day": 25},  # more than a day
        {"hours_per_day": "NaN"},  # not a number
        {"hours_per_day": "1e400"},  # far too many
        {"hours_per_day": [8]},  # not a number at all
    ],
)
def test_bad_options_are_refused(options):
    """Bad options are one ImportFileError, not an exception of another kind."""
    with pytest.raises(ImportFileError):
        read_tracker(REDMINE_EN.encode(), options)


@pytest.mark.parametrize("hours", [1, "7.5", 24])
def test_hours_per_day_from_1_to_24(hours):
    """The ends of the range of hours per day are accepted; days of estimates use them."""
    data = b"#,Subject,Estimated time\r\n1,A,2\r\n"
    task = read_tracker(data, {"estimate_unit": "days", "hours_per_day": hours}).tasks[0]
    assert task.work == round(2 * float(hours) * 60)


# Cells out of range: each a row error on its column, never a number the database cannot hold.
@pytest.mark.parametrize(
    "header, cell",
    [
        ("Estimated time", "1000001"),  # more than a million hours
        ("Estimated time", "999999999"),  # far more
        ("Estimated time", "99999999:00"),  # hours and minutes, too many hours
        ("Start date", "0001-01-01"),  # year 1
        ("Start date", "1899-12-31"),  # before 1900
        ("Due date", "3000-01-01"),  # after 2999
        ("Due date", "9999-12-31"),  # the last date Python has
        ("Due date", "9999年12月31日"),  # the same in Japanese
    ],
)
def test_out_of_range_cells_are_row_errors(header, cell):
    """A huge estimate or a date outside 1900–2999 is refused on its row and column."""
    data = f"#,Subject,{header}\r\n1,A,{cell}\r\n".encode()
    for reader in (read_tracker, read_tracker_issues):
        if reader is read_tracker_issues and header != "Due date":
            continue  # issues have neither an estimate nor a start
        with pytest.raises(ImportFileError) as caught:
            reader(data)
        assert [(e.row, e.column) for e in caught.value.errors] == [(2, header)], caught.value.errors


def test_edges_of_the_ranges_are_read():
    """A million hours and the years 1900 and 2999 are still read."""
    data = b"#,Subject,Start date,Due date,Estimated time\r\n1,A,1900-01-01,2999-12-31,1000000\r\n"
    task = read_tracker(data).tasks[0]
    assert (task.start, task.finish, task.work) == (date(1900, 1, 1), date(2999, 12, 31), 60_000_000)


def test_reading_leaves_the_csv_field_limit_alone():
    """A long description is read without changing the csv module's limit for the rest of the process."""
    import csv

    before = csv.field_size_limit()
    assert before == 128 * 1024  # the csv module's default: importing the reader did not change it
    long = "x" * (before + 10)
    project = read_tracker(f"#,Subject,Description\r\n1,A,{long}\r\n".encode())
    assert project.tasks[0].notes == long
    assert csv.field_size_limit() == before


def test_date_forms():
    """Dates as trackers write them, with a hint for the unusual ones."""
    assert parse_date("2027-04-05") == date(2027, 4, 5)
    assert parse_date("2027/4/5 10:00") == date(2027, 4, 5)
    assert parse_date("2027年4月5日") == date(2027, 4, 5)
    assert parse_date("05/Apr/27 9:00 AM") == date(2027, 4, 5)
    assert parse_date("05/04/2027", "%d/%m/%Y") == date(2027, 4, 5)
    assert parse_date("05/04/2027") is None
    assert parse_date("2027-02-30") is None


def test_status_and_priority_words():
    """Status and priority words in English and Japanese."""
    assert status_code("新規") == "open" and status_code("In Progress") == "in_progress"
    assert status_code("処理済み") == "resolved" and status_code("終了") == "closed"
    assert status_code("却下") == "rejected" and status_code("Someday") is None
    assert priority_code("今すぐ") == "immediate" and priority_code("急いで") == "urgent"
    assert priority_code("低め") == "low" and priority_code("中") == "normal"


def test_issues_from_each_tracker():
    """Rows read as RAID issues keep their texts, due dates and created dates."""
    issues = read_tracker_issues(REDMINE_EN.encode())
    assert [i.key for i in issues] == ["101", "102", "103", "104"]
    assert issues[0].owner == "Alice Example" and issues[0].priority == "Normal"
    assert issues[0].due_date == date(2027, 4, 9) and issues[0].raised_on == date(2027, 3, 30)
    backlog = read_tracker_issues(BACKLOG_JA.encode("cp932"))
    assert backlog[0].status == "処理中" and backlog[0].description == "設計書を書く"
    jira = read_tracker_issues(JIRA_EN.encode())
    assert jira[1].due_date == date(2027, 4, 9) and "owner" in jira[1].mapped


def test_issue_rows_all_reported():
    """Issues: a missing key, a missing subject and a bad date are each reported by row."""
    data = b"#,Subject,Due date\r\n,A,\r\n2,,\r\n3,C,tomorrow\r\n"
    with pytest.raises(ImportFileError) as caught:
        read_tracker_issues(data)
    assert {(e.row, e.column) for e in caught.value.errors} == {(2, "#"), (3, "Subject"), (4, "Due date")}


# --- fuzzing: import or a clear refusal, nothing else -----------------------------------------------

SAMPLES = [
    REDMINE_EN.encode(),
    REDMINE_JA.encode("cp932"),
    JIRA_EN.encode(),
    JIRA_JA.encode(),
    BACKLOG_JA.encode(),
    BACKLOG_EN.encode(),
]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _both(data: bytes) -> None:
    for reader in (read_tracker, read_tracker_issues):
        try:
            reader(data)
        except ImportFileError as exc:
            assert exc.errors


@FUZZ
@given(st.binary(max_size=2000))
def test_fuzz_random_bytes(data):
    """Random bytes import or raise ImportFileError."""
    _both(data)


@FUZZ
@given(st.sampled_from(SAMPLES), st.randoms(use_true_random=False), st.integers(1, 12))
def test_fuzz_mutated_files(sample, rnd, count):
    """Valid exports with bytes flipped, cut, repeated or inserted import or raise ImportFileError."""
    data = bytearray(sample)
    for _ in range(count):
        choice = rnd.randrange(4)
        at = rnd.randrange(len(data) + 1)
        if choice == 0 and data:
            data[min(at, len(data) - 1)] = rnd.randrange(256)
        elif choice == 1:
            del data[at : at + rnd.randrange(1, 20)]
        elif choice == 2:
            data[at:at] = bytes(rnd.choice(b',"\r\n\t;#') for _ in range(rnd.randrange(1, 4)))
        else:
            data[at:at] = data[at : at + rnd.randrange(1, 40)]
    _both(bytes(data))


CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "#1",
            "#2",
            "1",
            "2",
            "Blocks #1",
            "Precedes #2 (x days)",
            "Precedes (x days) #2",
            "Follows (1 day) #1",
            "2027-02-30",
            "100",
            "-5",
            "1e9",
            "NaN",
            "Infinity",
            "99999999999",
            "8:75",
            "終了",
            "Closed",
            "01/Foo/27",
        ]
    ),
)


@FUZZ
@given(st.lists(st.lists(CELLS, min_size=9, max_size=9), min_size=1, max_size=6))
def test_fuzz_random_cells(rows):
    """Random cells under a real Redmine header import or raise ImportFileError."""
    header = "#,Subject,Parent task,Status,Start date,Due date,% Done,Estimated time,Related issues"
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header.split(","))
    writer.writerows(rows)
    _both(buffer.getvalue().encode())
