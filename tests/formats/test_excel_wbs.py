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
    # years outside 1900–2999: typed, and an Excel serial number of 9999-12-31
    (
        [
            ["WBS", "Name", "Start", "Finish"],
            ["1", "A", "0001/01/01", None],
            ["2", "B", 2958465, "9999/12/31"],
        ],
        [(2, "Start"), (3, "Start"), (3, "Finish")],
    ),
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


# --- Review fixes ---------------------------------------------------------------------------------------


def test_full_width_outline_numbers_and_ids_are_read():
    """１．２ is the outline number 1.2, and predecessors written either way find it; IDs too."""
    data = workbook(
        [
            ["WBS", "タスク名", "先行"],
            ["１", "設計", None],
            ["１．１", "基本", None],
            ["１.２", "詳細", "１．１"],
            ["２", "試験", "1.2"],
        ]
    )
    tasks = read_wbs(data).tasks
    assert [(t.wbs, t.parent) for t in tasks] == [("1", None), ("1.1", "1"), ("1.2", "1"), ("2", None)]
    assert [[link.predecessor for link in t.links] for t in tasks] == [[], [], ["1.1"], ["1.2"]]
    by_id = workbook([["ID", "WBS", "Name"], ["１０", "1", "A"], ["１１", "1.1", "B"]])
    assert [(t.key, t.parent) for t in read_wbs(by_id).tasks] == [("10", None), ("11", "10")]


def _merge_first_column(ws: Any) -> None:
    ws.merge_cells("A2:A4")  # 設計 in a merged 大項目 cell over its rows


@pytest.mark.parametrize("styles", [None, _merge_first_column], ids=["plain", "merged"])
def test_level_columns_with_parents_on_the_first_childs_row(styles):
    """設計 | 基本設計 | 画面設計 on one row: three tasks, the row's other cells on the deepest."""
    data = workbook(
        [
            ["大項目", "中項目", "小項目", "担当", "予定開始"],
            ["設計", "基本設計", "画面設計", "山田", "2027/04/05"],
            [None, None, "DB設計", "鈴木", None],
            [None, "詳細設計", "クラス設計", "佐藤", None],
            ["テスト", "結合テスト", None, "田中", None],
        ],
        styles=styles,
    )
    assert detect(data).hierarchy == "levels"
    tasks = read_wbs(data).tasks
    assert [(t.wbs, t.name, t.parent, t.owners, t.row) for t in tasks] == [
        ("1", "設計", None, (), 2),
        ("1.1", "基本設計", "1", (), 2),
        ("1.1.1", "画面設計", "1.1", ("山田",), 2),
        ("1.1.2", "DB設計", "1.1", ("鈴木",), 3),
        ("1.2", "詳細設計", "1", (), 4),
        ("1.2.1", "クラス設計", "1.2", ("佐藤",), 4),
        ("2", "テスト", None, (), 5),
        ("2.1", "結合テスト", "2", ("田中",), 5),
    ]
    assert tasks[2].start == date(2027, 4, 5) and tasks[0].start is None


def test_level_columns_with_parents_on_a_row_and_an_id_column():
    """With an ID column the ID is the deepest task's; the parents made from the row get their own keys."""
    data = workbook(
        [["ID", "大項目", "中項目", "担当"], [7, "設計", "基本設計", "山田"], [8, None, "詳細設計", None]]
    )
    tasks = read_wbs(data).tasks
    assert [(t.key, t.name, t.parent) for t in tasks] == [
        ("row2-1", "設計", None),
        ("7", "基本設計", "row2-1"),
        ("8", "詳細設計", "row2-1"),
    ]


LEVELS_WITH_NAME = {
    "hierarchy": "levels",
    "levels": ["大項目", "中項目"],
    "columns": {"id": "ID", "name": "タスク名", "owner": "担当", "notes": "備考"},
    "references": "id",
}


def _tree_rows() -> list[WbsRow]:
    return [
        WbsRow(1, "設計", id="1", summary=True),
        WbsRow(2, "基本設計", id="2", summary=True),
        WbsRow(3, "画面設計", id="3", owners=("山田",)),
        WbsRow(2, "詳細設計", id="4"),
        WbsRow(1, "完了", id="5"),
    ]


@pytest.mark.parametrize("source", ["detected", "saved"])
def test_level_columns_with_a_name_column_read_back(source):
    """A layout of level columns and a task-name column (as detected for 大項目/中項目/タスク名, or saved)
    keeps the name column on export: the deepest level goes in it and the tree reads back."""
    if source == "detected":
        sheet = workbook(
            [["大項目", "中項目", "タスク名", "担当"], ["設計", None, None, None], [None, "基本", None, None]]
        )
        layout = detect(sheet)
        assert layout.columns["name"] == "タスク名" and layout.levels == ("大項目", "中項目")
    else:
        layout = fmt.layout_from_options(LEVELS_WITH_NAME)
    data = write_wbs(_tree_rows(), layout)
    headers = [c.value for c in next(load_workbook(io.BytesIO(data)).active.iter_rows(max_row=1))]
    assert headers[:3] == ["大項目", "中項目", "タスク名"] or headers[1:4] == ["大項目", "中項目", "タスク名"]
    tasks = read_wbs(data, layout.options()).tasks
    assert [(t.name, t.wbs) for t in tasks] == [
        ("設計", "1"),
        ("基本設計", "1.1"),
        ("画面設計", "1.1.1"),
        ("詳細設計", "1.2"),
        ("完了", "2"),
    ]
    assert tasks[2].owners == ("山田",)


def test_tasks_deeper_than_the_level_columns_are_refused_not_flattened():
    """Three levels of tasks in a layout of two level columns and no name column: refused, saying so."""
    layout = fmt.layout_from_options(
        {"hierarchy": "levels", "levels": ["大項目", "中項目"], "columns": {"id": "ID"}}
    )
    with pytest.raises(fmt.TooDeep) as caught:
        write_wbs(_tree_rows(), layout)
    assert (caught.value.depth, caught.value.columns) == (3, 2)
    two = [WbsRow(1, "a", id="1"), WbsRow(2, "b", id="2")]
    assert [t.parent for t in read_wbs(write_wbs(two, layout), layout.options()).tasks] == [None, "1"]


def test_owner_cells_split_only_on_the_writers_separators():
    """Names split on 、 and commas only (SE/PG is one placeholder); a known name keeps its comma."""
    data = workbook([["WBS", "Name", "Owner"], ["1", "A", "SE/PG"], ["2", "B", "Smith, John, PM/PL、山田"]])
    assert [t.owners for t in read_wbs(data).tasks] == [("SE/PG",), ("Smith", "John", "PM/PL", "山田")]
    known = read_wbs(data, known=["Smith, John", "PM/PL"]).tasks
    assert [t.owners for t in known] == [("SE/PG",), ("Smith, John", "PM/PL", "山田")]
    whole = workbook([["WBS", "Name", "Owner"], ["1", "A", "Smith, John"]])
    assert read_wbs(whole, known=["Smith, John"]).tasks[0].owners == ("Smith, John",)


def test_notes_are_kept_as_written():
    """Notes keep their leading and trailing spaces and newlines; an all-blank cell is no note."""
    layout = default_layout({k: k for k in fmt.DEFAULT_ORDER})
    notes = "\n line1\nline2  \n"
    rows = [WbsRow(1, "a", id="1", wbs="1", notes=notes), WbsRow(1, "b", id="2", wbs="2", notes="  \n ")]
    tasks = read_wbs(write_wbs(rows, layout), layout.options()).tasks
    assert [t.notes for t in tasks] == [notes, ""]


def test_no_header_row_in_the_first_rows_asks_to_choose_it():
    """A header row below row 30 is not guessed: the message says so and asks to choose it."""
    data = workbook([[f"t{n}"] for n in range(31)] + [["WBS", "タスク名"], ["1", "a"]])
    with pytest.raises(ImportFileError) as caught:
        read_wbs(data)
    assert (
        "first 30 rows" in caught.value.errors[0].message
        and "choose the header row" in caught.value.errors[0].message
    )
    assert [
        t.name
        for t in read_wbs(data, {"header_row": 32, "columns": {"wbs": "WBS", "name": "タスク名"}}).tasks
    ] == ["a"]


def test_indent_padded_alike_is_level_one():
    """Every name with one leading space: the smallest indent is level 1."""
    data = workbook([["WBS", "タスク名"], [None, " 設計"], [None, "   基本"], [None, " 試験"]])
    tasks = read_wbs(data, {"hierarchy": "indent", "columns": {"name": "タスク名"}}).tasks
    assert [(t.name, t.wbs) for t in tasks] == [("設計", "1"), ("基本", "1.1"), ("試験", "2")]


def test_messages_name_the_sheet_read_when_the_options_name_none():
    """Options without a sheet read the first sheet, and a missing column names that sheet."""
    data = workbook([["WBS", "Name"], ["1", "A"]], title="計画")
    with pytest.raises(ImportFileError) as caught:
        read_wbs(data, {"columns": {"wbs": "WBS", "name": "作業名"}})
    assert "“計画”" in caught.value.errors[0].message


def test_hidden_rows_are_named_in_a_warning():
    """Rows hidden in Excel are imported, with a warning naming them."""

    def hide(ws: Any) -> None:
        ws.row_dimensions[3].hidden = True

    data = workbook([["WBS", "Name"], ["1", "A"], ["2", "B"], ["3", "C"]], styles=hide)
    project = read_wbs(data)
    assert len(project.tasks) == 3 and len(project.warnings) == 1 and "3" in project.warnings[0]
    assert read_wbs(workbook([["WBS", "Name"], ["1", "A"]])).warnings == ()


@pytest.mark.parametrize(
    ("value", "percent"),
    [
        (0.5, 50),  # a fraction as a number
        ("0.5", 50),  # the same fraction typed as text
        ("0.5%", 0),  # a percent sign says it is half a percent (rounded)
        ("50", 50),  # a whole number as text
        (1, 1),  # 1 is one percent, as a number ...
        ("1", 1),  # ... and as text
    ],
)
def test_progress_typed_as_text_reads_like_the_number(value, percent):
    """進捗率 typed as text means what the same number means."""
    data = workbook([["WBS", "Name", "進捗率"], ["1", "A", value]])
    assert read_wbs(data).tasks[0].percent_complete == percent
