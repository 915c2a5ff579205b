"""Excel WBS workbooks (pure, no database): layouts detected, the three ways of writing a hierarchy, cells of
every kind, every problem reported by row and column, unsafe files refused, writing and reading back, and
fuzzing with hypothesis."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment

from kuroko.engine.model import LinkType
from kuroko.formats import excel_wbs as fmt
from kuroko.formats.excel_wbs import WbsRow, default_layout, detect, read_wbs, write_wbs
from kuroko.formats.imported import ImportedLink, ImportFileError

JA_LEVELS = [
    *("大項目", "中項目", "小項目", "担当", "予定開始", "予定終了"),
    *("実績開始", "実績終了", "進捗率", "工数(人日)", "先行", "備考"),
]


def workbook(rows: list[list[Any]], *, title: str = "WBS", before: int = 0, styles: Any = None) -> bytes:
    """An .xlsx of one sheet: `before` title rows, then the rows; `styles(ws)` may format cells."""
    book = Workbook()
    ws = book.active
    ws.title = title
    for n in range(before):
        ws.append([f"プロジェクト計画書 {n}"] if n == 0 else [])
    for row in rows:
        ws.append(row)
    if styles:
        styles(ws)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def levels_sheet() -> bytes:
    """A Japanese WBS with 大項目/中項目/小項目 columns under a title row."""
    rows = [
        JA_LEVELS,
        ["設計", None, None, None, None, None, None, None, None, None, None, None],
        [None, "基本設計", None, None, None, None, None, None, None, None, None, None],
        [
            None,
            None,
            "画面設計",
            "山田 太郎、佐藤",
            date(2027, 4, 5),
            date(2027, 4, 9),
            date(2027, 4, 5),
            None,
            0.5,
            5,
            None,
            "初版",
        ],
        [None, None, "DB設計", "鈴木", "2027/04/12", "2027年4月16日", None, None, "30%", 3, "1.1.1", None],
        [None, None, None, None, None, None, None, None, None, None, None, None],  # a blank row is skipped
        ["テスト", None, None, None, None, None, None, None, None, None, None, None],
        [None, "結合テスト", None, "田中", None, None, None, None, 0, 10, "1.1.2FS+2d", None],
    ]

    def percent(ws: Any) -> None:
        ws["I5"].number_format = "0%"

    return workbook(rows, before=2, styles=percent)


def test_detects_a_japanese_sheet_with_level_columns():
    """The header row below the title, the Japanese headers and the level columns are found."""
    layout = detect(levels_sheet())
    assert (layout.sheet, layout.header_row, layout.hierarchy) == ("WBS", 3, "levels")
    assert layout.levels == ("大項目", "中項目", "小項目")
    assert layout.columns["owner"] == "担当" and layout.columns["work"] == "工数(人日)"
    assert layout.columns["start"] == "予定開始" and layout.columns["actual_finish"] == "実績終了"
    assert layout.work_unit == "days"


def test_reads_level_columns():
    """The deepest filled level column is the name; cells of every kind are read."""
    project = read_wbs(levels_sheet())
    tasks = {t.name: t for t in project.tasks}
    assert [t.wbs for t in project.tasks] == ["1", "1.1", "1.1.1", "1.1.2", "2", "2.1"]
    assert tasks["画面設計"].parent == "1.1" and tasks["結合テスト"].parent == "2"
    assert tasks["画面設計"].owners == ("山田 太郎", "佐藤")
    assert tasks["画面設計"].percent_complete == 50 and tasks["DB設計"].percent_complete == 30
    assert tasks["画面設計"].work == 5 * 8 * 60
    assert tasks["DB設計"].start == date(2027, 4, 12) and tasks["DB設計"].finish == date(2027, 4, 16)
    assert tasks["DB設計"].links == (ImportedLink("1.1.1"),)
    assert tasks["結合テスト"].links == (ImportedLink("1.1.2", LinkType.FS, 2 * 480),)
    assert tasks["画面設計"].notes == "初版" and tasks["画面設計"].row == 6
    assert project.match == "wbs" and "links" in project.columns and "duration" not in project.columns


def test_reads_outline_numbers():
    """Hierarchy from an outline-number column; an ID column makes rows match by ID."""
    data = workbook(
        [
            ["ID", "WBS", "タスク名", "期間", "先行タスク"],
            [10, "1", "要件定義", None, None],
            [11, "1.1", "ヒアリング", "3日", None],
            [12, "1.2", "要件書", "5d", "11SS+1d"],
            [13, "2", "完了", 0, "12"],
        ]
    )
    layout = detect(data)
    assert layout.hierarchy == "outline" and layout.references == "id"
    project = read_wbs(data)
    assert [(t.key, t.parent) for t in project.tasks] == [
        ("10", None),
        ("11", "10"),
        ("12", "10"),
        ("13", None),
    ]
    assert project.tasks[1].duration == 3 * 480
    assert project.tasks[2].links == (ImportedLink("11", LinkType.SS, 480),)
    assert project.tasks[3].duration == 0 and project.match == "id"


def test_reads_indented_names():
    """Hierarchy from leading (full-width) spaces or the cell's indent."""

    def indent(ws: Any) -> None:
        ws["A4"].alignment = Alignment(indent=1)

    data = workbook(
        [
            ["Task name", "Owner", "Start"],
            ["Design", None, None],
            ["\u3000Spec", "Ann", None],
            ["Review", None, None],
        ],
        styles=indent,
    )
    layout = detect(data)
    assert layout.hierarchy == "indent"
    project = read_wbs(data)
    assert [(t.name, t.wbs, t.parent) for t in project.tasks] == [
        ("Design", "1", None),
        ("Spec", "1.1", "1"),
        ("Review", "1.2", "1"),
    ]


def test_reads_an_outline_level_column():
    """Hierarchy from an outline-level number column."""
    data = workbook([["Level", "Name"], [1, "A"], [2, "B"], [3, "C"], [2, "D"], [1, "E"]])
    assert detect(data).hierarchy == "level"
    project = read_wbs(data)
    assert [t.wbs for t in project.tasks] == ["1", "1.1", "1.1.1", "1.2", "2"]


# Each bad sheet, and the (row, column) of the problems it must report.
BAD = [
    # an outline gap: 1.1 then 1.1.1.1
    ([["WBS", "Name"], ["1", "A"], ["1.1", "B"], ["1.1.1.1", "C"]], [(4, "WBS")]),
    # the same WBS code twice, and a name missing
    ([["WBS", "Name"], ["1", "A"], ["1", "B"], ["2", None]], [(3, "WBS"), (4, "Name")]),
    # a date that is not one, a progress over 100, an effort that is text
    (
        [["WBS", "Name", "Start", "Progress", "Effort"], ["1", "A", "next week", 150, "lots"]],
        [(2, "Start"), (2, "Progress"), (2, "Effort")],
    ),
    # an unknown predecessor and a task its own predecessor
    (
        [["WBS", "Name", "Predecessors"], ["1", "A", "9"], ["2", "B", "2"]],
        [(2, "Predecessors"), (3, "Predecessors")],
    ),
    # a cycle
    ([["WBS", "Name", "Predecessors"], ["1", "A", "2"], ["2", "B", "1"]], [(2, "Predecessors")]),
    # duplicate IDs
    ([["ID", "WBS", "Name"], [1, "1", "A"], [1, "2", "B"]], [(3, "ID")]),
    # a finish before the start
    ([["WBS", "Name", "Start", "Finish"], ["1", "A", "2027-04-09", "2027-04-05"]], [(2, "Finish")]),
    # an outline number that is not one
    ([["WBS", "Name"], ["1", "A"], ["A.1", "B"]], [(3, "WBS")]),
]


@pytest.mark.parametrize(("rows", "expected"), BAD)
def test_every_problem_is_reported_by_row_and_column(rows, expected):
    """All problems of a sheet come at once, each with its Excel row number and header."""
    with pytest.raises(ImportFileError) as caught:
        read_wbs(workbook(rows))
    assert [(e.row, e.column) for e in caught.value.errors] == expected


def test_a_formula_without_a_saved_value_names_its_cell():
    """openpyxl writes formulas without cached values: the cell is named."""
    data = workbook([["WBS", "Name", "Effort"], ["1", "A", "=2*3"]])
    with pytest.raises(ImportFileError) as caught:
        read_wbs(data)
    assert "C2" in caught.value.errors[0].message


def test_formulas_are_read_as_their_saved_values():
    """A cached value (as Excel saves it) is what is read, never the formula's text."""
    data = workbook([["WBS", "Name", "Effort"], ["1", "A", "=2*3"]])
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {n: source.read(n) for n in source.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b"<f>2*3</f><v></v>", b"<f>2*3</f><v>6</v>")
    parts[sheet] = parts[sheet].replace(b"<f>2*3</f><v />", b"<f>2*3</f><v>6</v>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, body in parts.items():
            target.writestr(name, body)
    assert b"<v>6</v>" in parts[sheet]
    assert read_wbs(out.getvalue()).tasks[0].work == 6 * 60


# Files that are not workbooks, or not safe ones.
@pytest.mark.parametrize(
    "data",
    [
        b"",  # empty
        b"ID,Name\n1,A\n",  # a CSV file
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,  # an old .xls (OLE) file
        b"PK\x03\x04broken",  # a broken zip
    ],
)
def test_non_workbooks_are_refused_clearly(data):
    """Not an .xlsx: one clear problem for the file."""
    with pytest.raises(ImportFileError) as caught:
        read_wbs(data)
    assert caught.value.errors[0].row is None and ".xlsx" in caught.value.errors[0].message


def test_zip_bombs_are_refused_before_reading(monkeypatch):
    """Members that uncompress past the limit are refused without openpyxl seeing them."""
    monkeypatch.setattr(fmt, "MAX_UNCOMPRESSED", 1024 * 1024)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (2 * 1024 * 1024))
    with pytest.raises(ImportFileError) as caught:
        read_wbs(out.getvalue())
    assert "150 MB" in caught.value.errors[0].message


# Options that do not fit, and what must be said about them.
@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"hierarchy": "tree", "columns": {"name": "Name"}}, "hierarchy"),  # unknown hierarchy
        ({"hierarchy": "outline", "columns": {"name": "Name"}}, "outline numbers"),  # no WBS column
        ({"hierarchy": "levels", "columns": {}}, "level columns"),  # no level columns
        ({"columns": {"name": "Name", "wbs": "WBS", "colour": "X"}}, "colour"),  # unknown field
        ({"columns": {"name": "Name", "wbs": "Name"}}, "twice"),  # a header chosen twice
        ({"columns": {"name": "Name", "wbs": "WBS"}, "sheet": "Plan"}, "sheet"),  # no such sheet
        ({"columns": {"name": "Nom", "wbs": "WBS"}}, "no such column"),  # no such header
    ],
)
def test_bad_options_are_explained(options, words):
    """A mapping that does not fit the workbook says what is wrong."""
    data = workbook([["WBS", "Name"], ["1", "A"]])
    with pytest.raises(ImportFileError) as caught:
        read_wbs(data, options)
    assert words in str(caught.value)


def rows_to_write() -> list[WbsRow]:
    return [
        WbsRow(1, "設計", id="1", wbs="1", summary=True, progress=40),
        WbsRow(
            2,
            '=HYPERLINK("http://x")',
            id="2",
            wbs="1.1",
            owners=("山田 太郎", "佐藤"),
            start=date(2027, 4, 5),
            finish=date(2027, 4, 9),
            duration="5d",
            progress=50,
            work=40 * 60,
            notes="+1 @note",
        ),
        WbsRow(
            2,
            "レビュー",
            id="7",
            wbs="1.2",
            duration="2d",
            predecessors="1.1SS+2d",
            actual_start=date(2027, 4, 6),
        ),
        WbsRow(1, "完了", id="9", wbs="2", duration="0d", milestone=True, predecessors="1.2"),
    ]


HEADERS = {name: name.replace("_", " ").title() for name in fmt.FIELDS}


@pytest.mark.parametrize(
    "layout",
    [
        default_layout(HEADERS),
        fmt.layout_from_options(
            {
                "sheet": "計画",
                "header_row": 3,
                "hierarchy": "levels",
                "columns": {
                    "id": "No",
                    "owner": "担当",
                    "start": "予定開始",
                    "finish": "予定終了",
                    "progress": "進捗率",
                    "work": "工数(人日)",
                    "predecessors": "先行",
                    "notes": "備考",
                    "duration": "期間",
                    "actual_start": "実績開始",
                },
                "levels": ["大項目", "中項目"],
                "work_unit": "days",
                "references": "id",
            }
        ),
        fmt.layout_from_options(
            {
                "hierarchy": "indent",
                "columns": {"id": "ID", "name": "Name", "predecessors": "Pred"},
                "references": "id",
            }
        ),
    ],
    ids=["default", "levels", "indent"],
)
def test_written_workbooks_read_back(layout):
    """What `write_wbs` writes in a layout reads back to the same tasks with that layout's options."""
    rows = rows_to_write()
    if layout.references == "id":
        by_id = {"1.1SS+2d": "2SS+2d", "1.2": "7"}
        rows = [WbsRow(**{**_fields(r), "predecessors": by_id.get(r.predecessors, "")}) for r in rows]
    data = write_wbs(rows, layout, title="PRJ")
    project = read_wbs(data, layout.options())
    tasks = project.tasks
    assert [t.name for t in tasks] == [r.name for r in rows]
    assert [t.parent for t in tasks][1:3] == [tasks[0].key, tasks[0].key]
    if "owner" in layout.columns:
        assert tasks[1].owners == ("山田 太郎", "佐藤") and tasks[1].work == 40 * 60
        assert tasks[1].start == date(2027, 4, 5) and tasks[1].percent_complete == 50
        assert tasks[1].notes == "+1 @note"
    assert tasks[2].links[0].type == LinkType.SS and tasks[2].links[0].predecessor == tasks[1].key


def _fields(row: WbsRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in row.__slots__}


def test_written_workbook_is_formatted():
    """Header bold and frozen with a filter, summaries bold, rows grouped by level, formats, and text
    that looks like a formula kept as text."""
    data = write_wbs(rows_to_write(), default_layout(HEADERS))
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:M5"
    assert ws["A1"].font.b and ws["C2"].font.b and not ws["C3"].font.b
    assert ws.row_dimensions[3].outline_level == 1 and ws.row_dimensions[2].outline_level == 0
    assert ws["E3"].number_format == "yyyy/mm/dd" and ws["J3"].number_format == "0%"
    assert ws["C3"].data_type == "s" and ws["C3"].value.startswith("=HYPERLINK")
    assert ws["C3"].alignment.indent == 2


# --- fuzzing -----------------------------------------------------------------------------------------------


def _refused_or_read(data: bytes, options: Any = None) -> None:
    try:
        project = read_wbs(data, options)
    except ImportFileError as exc:
        assert exc.errors and all(isinstance(e.message, str) and e.message for e in exc.errors)
    else:
        assert project.tasks


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_fuzz_random_bytes(data):
    """Random bytes: a clear refusal, never another exception."""
    _refused_or_read(data)
    _refused_or_read(b"PK\x03\x04" + data)


VALID = levels_sheet()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), min_size=1, max_size=8))
def test_fuzz_mutated_workbooks(edits):
    """A valid workbook with bytes changed: imported or refused clearly."""
    data = bytearray(VALID)
    for at, value in edits:
        data[at] = value
    _refused_or_read(bytes(data))


def _members_mutated(data: bytes, at: int, value: int) -> bytes:
    """The workbook with one byte of its (uncompressed) sheet changed, so the zip stays valid."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {n: source.read(n) for n in source.namelist()}
    sheet = bytearray(parts["xl/worksheets/sheet1.xml"])
    sheet[at % len(sheet)] = value
    parts["xl/worksheets/sheet1.xml"] = bytes(sheet)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, body in parts.items():
            target.writestr(name, body)
    return out.getvalue()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**6), st.integers(0, 255))
def test_fuzz_mutated_sheet_xml(at, value):
    """A valid zip whose sheet XML is damaged: imported or refused clearly."""
    _refused_or_read(_members_mutated(VALID, at, value))


CELLS = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(-10, 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2200, 1, 1)),
    st.sampled_from(
        ["1", "1.1", "1.1.1", "2", "50%", "3人日", "2027/04/05", "2027年4月5日", "1.1FS+2d", "○"]
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(CELLS, min_size=6, max_size=6), min_size=1, max_size=8))
def test_fuzz_random_cells_in_a_valid_layout(cells):
    """Random values under valid headers: imported or every problem reported, never a crash."""
    header = ["WBS", "タスク名", "担当", "予定開始", "進捗率", "先行"]
    rows = [[c if not isinstance(c, str) else c.replace("\x00", "") for c in row] for row in cells]
    try:
        data = workbook([header, *rows])
    except Exception:  # openpyxl refuses some control characters when writing: not our concern
        return
    _refused_or_read(data)
    _refused_or_read(data, {"hierarchy": "indent", "columns": {"name": "タスク名", "predecessors": "先行"}})


JA_COLUMNS = ["担当", "予定開始", "予定終了", "実績開始", "実績終了", "進捗率", "工数(人日)", "先行", "備考"]
JA_ROWS = [  # (level, name, the other columns)
    (1, "設計", [None] * 9),
    (2, "基本設計", [None] * 9),
    (3, "画面設計", ["山田", "2027/04/05", "2027/04/09", "2027/04/05", None, "50%", 5, None, "初版"]),
    (3, "DB設計", ["鈴木", "2027/04/12", "2027/04/16", None, None, 0, 3, "1.1.1", None]),
    (1, "テスト", [None] * 9),
    (2, "結合テスト", ["田中", None, None, None, None, None, 10, "1.1.2SS+1d", None]),
]


def ja_sheet(layout: str) -> bytes:
    """The same Japanese WBS written with outline numbers, indented names or level columns."""
    codes, counters = [], []
    for level, _name, _rest in JA_ROWS:
        del counters[level:]
        counters += [0] * (level - len(counters))
        counters[level - 1] += 1
        codes.append(".".join(map(str, counters)))
    if layout == "outline":
        rows = [["WBS", "タスク名", *JA_COLUMNS]]
        rows += [[code, name, *rest] for code, (_l, name, rest) in zip(codes, JA_ROWS, strict=True)]
    elif layout == "indent":
        rows = [["タスク名", *JA_COLUMNS]]
        rows += [["\u3000" * (level - 1) + name, *rest] for level, name, rest in JA_ROWS]
    else:
        rows = [["大項目", "中項目", "小項目", *JA_COLUMNS]]
        rows += [
            [*([None] * (level - 1)), name, *([None] * (3 - level)), *rest] for level, name, rest in JA_ROWS
        ]
    return workbook(rows)


@pytest.mark.parametrize("layout", ["outline", "indent", "levels"])
def test_the_three_hierarchy_layouts_of_a_japanese_sheet_read_alike(layout):
    """Outline numbers, indented names and level columns give the same tasks, detected unaided."""
    data = ja_sheet(layout)
    assert detect(data).hierarchy == layout
    tasks = read_wbs(data).tasks
    assert [(t.wbs, t.name) for t in tasks] == [
        ("1", "設計"),
        ("1.1", "基本設計"),
        ("1.1.1", "画面設計"),
        ("1.1.2", "DB設計"),
        ("2", "テスト"),
        ("2.1", "結合テスト"),
    ]
    assert [t.parent for t in tasks] == [None, "1", "1.1", "1.1", None, "2"]
    spec = tasks[2]
    assert (spec.owners, spec.start, spec.actual_start, spec.percent_complete, spec.work, spec.notes) == (
        ("山田",),
        date(2027, 4, 5),
        date(2027, 4, 5),
        50,
        5 * 8 * 60,
        "初版",
    )
    assert tasks[5].links == (ImportedLink("1.1.2", LinkType.SS, 480),)
