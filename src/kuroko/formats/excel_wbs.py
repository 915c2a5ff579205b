"""WBS spreadsheets (.xlsx) as people keep them in Excel: read into `ImportedProject` rows, and written
back in the same layout or a clean default one.

Reading
-------
`detect(data)` looks at every sheet's first 30 rows for the row with the most known header words (English
and Japanese: タスク名, 担当, 予定開始, 大項目 …), guesses which header holds each field, and how the
hierarchy is written:

- ``outline``: an outline-number column (1, 1.1, 1.1.1);
- ``indent``: the name indented, by leading half- or full-width spaces or by the cell's indent;
- ``levels``: one column per level (大項目/中項目/小項目/…); the deepest filled one is the row's name;
- ``level``: an outline-level number column (1, 2, 3).

`read_wbs(data, options)` reads the rows with those options (the guess when None). Options are JSON-able
(a saved mapping keeps them): ``sheet``, ``header_row``, ``hierarchy``, ``columns`` ({field: header}),
``levels`` (level headers, outermost first), ``work_unit`` ("hours" or "days"), ``hours_per_day``,
``references`` ("wbs" or "id": what the predecessor column refers to).

Every cell that cannot be read becomes a `RowError` (the row number as Excel shows it, the column's
header, the message); all of them are raised together in one `ImportFileError`. Messages are English
templates marked for translation; pass `translate` (the app's ``gettext``) to word them in the user's
language.

Safety: the file must be an .xlsx (zip) whose members uncompress to at most `MAX_UNCOMPRESSED` bytes
(a zip bomb is refused before openpyxl sees it); it is read with ``read_only=True`` and formulas as the
values Excel saved (``data_only=True``) — a formula without a saved value is an error naming the cell.

Writing
-------
`write_wbs(rows, layout)` writes `WbsRow`s in a layout (the default one from `default_layout`, or a saved
mapping's): bold frozen header with a filter, summary rows bold, Excel's row outline grouping by level,
dates and percentages formatted, widths set; text starting with = + - @ stays text.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from kuroko.engine.duration import DurationError, DurationUnits, format_duration, parse_duration, parse_span
from kuroko.engine.graph import find_cycle
from kuroko.engine.model import LinkType
from kuroko.formats.imported import ImportedLink, ImportedProject, ImportedTask, ImportFileError, RowError
from kuroko.formats.predecessors import PredecessorError, parse_predecessors

MAX_UNCOMPRESSED = 150 * 1024 * 1024
"""The most the members of an uploaded workbook may uncompress to (a 50,000-row WBS is ~30 MB)."""
MAX_MEMBERS = 2000
MAX_ROWS = 50_000
MAX_COLUMNS = 200
SCAN_ROWS = 30
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999
"""The years a date may have (as `kuroko.core.dates` accepts elsewhere in the app)."""

HIERARCHIES = ("outline", "indent", "levels", "level")
WORK_UNITS = ("hours", "days")
REFERENCES = ("wbs", "id")
FIELDS = (
    "id",
    "wbs",
    "level",
    "name",
    "owner",
    "start",
    "finish",
    "duration",
    "actual_start",
    "actual_finish",
    "progress",
    "work",
    "predecessors",
    "notes",
    "milestone",
)


def gettext_noop(message: str) -> str:
    """Marks a message for translation (the app's makemessages finds it); the caller translates it."""
    return message


Translate = Callable[[str], str]

# Header words of each field, normalised (see `_norm`). The first of each is what `detect` reports.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("id", "taskid", "uid", "no", "no.", "#", "key", "タスクid", "管理番号", "id番号", "課題番号"),
    "wbs": (
        "wbs",
        "wbscode",
        "wbs番号",
        "wbsコード",
        "wbsno",
        "wbsno.",
        "outlinenumber",
        "アウトライン番号",
        "項番",
    ),
    "level": ("level", "outlinelevel", "レベル", "階層", "階層レベル", "アウトラインレベル"),
    "name": (
        "name",
        "taskname",
        "task",
        "タスク名",
        "タスク",
        "作業名",
        "作業",
        "作業項目",
        "作業内容",
        "項目",
        "件名",
        "名称",
    ),
    "owner": (
        "owner",
        "assignee",
        "assignedto",
        "resourcenames",
        "resources",
        "担当",
        "担当者",
        "責任者",
        "作業者",
        "リソース名",
    ),
    "start": (
        "plannedstart",
        "start",
        "startdate",
        "予定開始",
        "予定開始日",
        "開始予定",
        "開始予定日",
        "計画開始",
        "開始",
        "開始日",
    ),
    "finish": (
        "plannedfinish",
        "finish",
        "end",
        "enddate",
        "finishdate",
        "予定終了",
        "予定終了日",
        "終了予定",
        "終了予定日",
        "完了予定日",
        "計画終了",
        "終了",
        "終了日",
    ),
    "duration": ("duration", "期間", "日数", "所要日数", "作業日数", "予定日数"),
    "actual_start": ("actualstart", "実績開始", "実績開始日", "開始実績", "実開始日"),
    "actual_finish": ("actualfinish", "実績終了", "実績終了日", "終了実績", "実終了日", "完了日"),
    "progress": (
        "progress%",
        "progress",
        "%complete",
        "percentcomplete",
        "進捗率",
        "進捗",
        "進捗(%)",
        "達成率",
    ),
    "work": ("effort", "work", "工数", "予定工数", "見積工数", "計画工数", "作業時間"),
    "predecessors": (
        "predecessors",
        "predecessor",
        "先行",
        "先行タスク",
        "先行作業",
        "依存関係",
        "前提タスク",
    ),
    "notes": ("notes", "note", "remarks", "comment", "comments", "備考", "メモ", "コメント"),
    "milestone": ("milestone", "マイルストーン", "mlst"),
}
LEVEL_WORDS = (
    ("大項目", "大分類", "level1", "レベル1", "工程"),
    ("中項目", "中分類", "level2", "レベル2"),
    ("小項目", "小分類", "level3", "レベル3"),
    ("細目", "細項目", "細分類", "詳細項目", "level4", "レベル4"),
    ("level5", "レベル5"),
)
_YES = frozenset(
    ("yes", "y", "true", "1", "x", "○", "◯", "●", "✓", "✔", "milestone", "マイルストーン", "はい", "有")
)
_NO = frozenset(("", "no", "n", "false", "0", "-", "×", "いいえ", "無"))
_OUTLINE = re.compile(r"^[0-9]+(?:\.[0-9]+)*$")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_REF = re.compile(r"^\s*(?P<code>.+?)\s*(?P<type>FS|SS|FF|SF)?\s*(?P<lag>[+-]\s*\d\S*)?\s*$", re.IGNORECASE)


def _norm(text: Any) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).casefold().replace("_", "")


def _bare(text: str) -> str:
    """The normalised header without a unit in brackets: 工数(人日) → 工数."""
    return re.sub(r"[(\[].*?[)\]]", "", text)


def field_of(header: Any) -> str | None:
    """The field a header names, or None."""
    text = _norm(header)
    if not text:
        return None
    for candidate in (text, _bare(text)):
        for name, words in SYNONYMS.items():
            if candidate in words:
                return name
    return None


def level_of(header: Any) -> int | None:
    """The level (1 = outermost) a level-column header names (大項目 → 1), or None."""
    text = _norm(header)
    for depth, words in enumerate(LEVEL_WORDS, start=1):
        if text in words or _bare(text) in words:
            return depth
    return None


# --- Layout --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SheetGuess:
    """A sheet of the workbook: its name, the header row found (1-based; 0 if none), its headers and
    how many of them are known header words."""

    name: str
    header_row: int
    headers: tuple[str, ...]
    score: int


@dataclass(frozen=True)
class WbsLayout:
    """Where a WBS is in a workbook and how it is written: the options of `read_wbs` and `write_wbs`.

    `columns` maps fields (see FIELDS) to header texts; `levels` are the level columns' headers
    (outermost first) for the "levels" hierarchy. `sheets` and `headers` are filled by `detect` (every
    sheet, and the chosen sheet's header row) for a mapping form to offer.
    """

    sheet: str = "WBS"
    header_row: int = 1
    hierarchy: str = "outline"
    columns: Mapping[str, str] = field(default_factory=dict)
    levels: tuple[str, ...] = ()
    work_unit: str = "hours"
    hours_per_day: float = 8.0
    references: str = "wbs"
    sheets: tuple[SheetGuess, ...] = ()
    headers: tuple[str, ...] = ()

    def options(self) -> dict[str, Any]:
        """The layout as JSON-able options (what a saved mapping stores)."""
        return {
            "sheet": self.sheet,
            "header_row": self.header_row,
            "hierarchy": self.hierarchy,
            "columns": dict(self.columns),
            "levels": list(self.levels),
            "work_unit": self.work_unit,
            "hours_per_day": self.hours_per_day,
            "references": self.references,
        }

    @property
    def units(self) -> DurationUnits:
        return DurationUnits(hours_per_day=Decimal(str(self.hours_per_day)))


def layout_from_options(options: Mapping[str, Any], translate: Translate | None = None) -> WbsLayout:
    """The layout the options describe; raises ImportFileError naming what is wrong with them."""
    t = translate or gettext_noop
    errors: list[str] = []
    if not isinstance(options, Mapping):
        raise ImportFileError([RowError(None, "", t(gettext_noop("The column mapping is not valid.")))])
    hierarchy = str(options.get("hierarchy") or "outline")
    if hierarchy not in HIERARCHIES:
        errors.append(t(gettext_noop("Unknown hierarchy “%(value)s”.")) % {"value": hierarchy})
    raw_columns = options.get("columns") or {}
    columns: dict[str, str] = {}
    if not isinstance(raw_columns, Mapping):
        errors.append(t(gettext_noop("The column mapping is not valid.")))
        raw_columns = {}
    for name, header in raw_columns.items():
        if name not in FIELDS:
            errors.append(t(gettext_noop("Unknown field “%(value)s”.")) % {"value": name})
        elif header is not None and str(header).strip():
            columns[name] = str(header).strip()
    raw_levels = options.get("levels") or []
    levels = (
        tuple(str(h).strip() for h in raw_levels if str(h).strip()) if isinstance(raw_levels, list) else ()
    )
    try:
        header_row = int(options.get("header_row") or 1)
        hours = float(options.get("hours_per_day") or 8)
    except (TypeError, ValueError):
        header_row, hours = 0, 0.0
    if not 1 <= header_row <= 1000:
        errors.append(t(gettext_noop("The header row must be a number from 1 to 1000.")))
    if not 0.5 <= hours <= 24:
        errors.append(t(gettext_noop("Hours per day must be between 0.5 and 24.")))
    work_unit = str(options.get("work_unit") or "hours")
    if work_unit not in WORK_UNITS:
        errors.append(t(gettext_noop("Unknown effort unit “%(value)s”.")) % {"value": work_unit})
    references = str(options.get("references") or "wbs")
    if references not in REFERENCES:
        errors.append(t(gettext_noop("Unknown predecessor reference “%(value)s”.")) % {"value": references})
    if hierarchy == "levels" and not levels:
        errors.append(t(gettext_noop("Choose the level columns (大項目, 中項目, …) for this hierarchy.")))
    elif hierarchy != "levels" and "name" not in columns:
        errors.append(t(gettext_noop("Choose the column that holds the task names.")))
    if hierarchy == "outline" and "wbs" not in columns:
        errors.append(t(gettext_noop("Choose the column that holds the outline numbers (WBS).")))
    if hierarchy == "level" and "level" not in columns:
        errors.append(t(gettext_noop("Choose the column that holds the outline levels.")))
    if references == "id" and "id" not in columns and "predecessors" in columns:
        errors.append(t(gettext_noop("Predecessors refer to IDs, so choose the ID column.")))
    used = list(columns.values()) + list(levels)
    doubles = sorted({h for h in used if used.count(h) > 1})
    if doubles:
        errors.append(t(gettext_noop("The column “%(value)s” is chosen twice.")) % {"value": doubles[0]})
    if errors:
        raise ImportFileError([RowError(None, "", e) for e in errors])
    return WbsLayout(
        sheet=str(options.get("sheet") or ""),
        header_row=header_row,
        hierarchy=hierarchy,
        columns=columns,
        levels=levels,
        work_unit=work_unit,
        hours_per_day=hours,
        references=references,
    )


# --- Opening a workbook safely ----------------------------------------------------------------------


def _refuse(message: str) -> ImportFileError:
    return ImportFileError([RowError(None, "", message)])


def _open(data: bytes, t: Translate) -> Any:
    """The workbook (read-only, values of formulas), after refusing what is not a reasonable .xlsx."""
    not_xlsx = t(
        gettext_noop(
            "The file is not an Excel workbook (.xlsx); in Excel, save it as “Excel Workbook (*.xlsx)”."
        )
    )
    if not data.startswith(b"PK"):
        raise _refuse(not_xlsx)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            total = sum(m.file_size for m in members)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise _refuse(not_xlsx) from None
    if "xl/workbook.xml" not in names:
        raise _refuse(not_xlsx)
    if total > MAX_UNCOMPRESSED or len(members) > MAX_MEMBERS:
        raise _refuse(t(gettext_noop("The workbook uncompresses to more than 150 MB; it is refused.")))
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a broken workbook
        raise _refuse(not_xlsx) from None


def _unreadable(t: Translate) -> ImportFileError:
    return _refuse(
        t(
            gettext_noop(
                "The workbook is damaged and cannot be read; open it in Excel, save it and try again."
            )
        )
    )


@dataclass(frozen=True, slots=True)
class _Cell:
    value: Any
    percent: bool = False
    indent: int = 0


def _rows(
    ws: Any, first: int, last: int | None, width: int, t: Translate, styled: frozenset[int] | None = None
) -> list[tuple[int, list[_Cell]]]:
    """Rows `first`…`last` of the sheet (1-based, as Excel numbers them), their first `width` cells; the
    number format and indent are read only for the `styled` column indexes (None: all), as looking up a
    cell's style costs as much as reading it."""
    out: list[tuple[int, list[_Cell]]] = []
    try:
        number = first
        for row in ws.iter_rows(min_row=first, max_row=last, max_col=width):
            cells = []
            for index, cell in enumerate(row):
                value = getattr(cell, "value", None)
                if value is None or (styled is not None and index not in styled):
                    cells.append(_Cell(value))
                    continue
                fmt = getattr(cell, "number_format", None) or ""
                alignment = getattr(cell, "alignment", None)
                indent = int(getattr(alignment, "indent", 0) or 0) if alignment is not None else 0
                cells.append(_Cell(value, "%" in str(fmt), indent))
            out.append((number, cells))
            number += 1
            if len(out) > MAX_ROWS + 1:
                break
    except ImportFileError:
        raise
    except Exception:
        raise _unreadable(t) from None
    return out


def _formula_cells(data: bytes, sheet: str, first: int, width: int) -> set[tuple[int, int]]:
    """(row, column index) of the sheet's formulas, if it has any (one more read, only then)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        ws = book[sheet]
        found: set[tuple[int, int]] = set()
        for number, row in enumerate(
            ws.iter_rows(min_row=first, max_col=width, values_only=True), start=first
        ):
            for index, value in enumerate(row):
                if isinstance(value, str) and value.startswith("="):
                    found.add((number, index))
            if number - first > MAX_ROWS:
                break
        return found
    finally:
        book.close()


def _sheet_xml(book: Any, ws: Any) -> bytes:
    """The sheet's XML as stored (b"" if it cannot be read here; openpyxl reports that later)."""
    try:
        return bytes(book._archive.read(ws._worksheet_path))
    except Exception:
        return b""


def _has_formulas(raw: bytes) -> bool:
    return b"<f>" in raw or b"<f " in raw or b":f>" in raw or b":f " in raw


_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_HIDDEN = re.compile(rb"""\bhidden\s*=\s*["'](?:1|true)["']""")
_ROW_NUMBER = re.compile(rb"""\br\s*=\s*["'](\d+)["']""")


def _hidden_rows(raw: bytes, header_row: int) -> frozenset[int]:
    """The numbers of the rows below the header that Excel hides (openpyxl's read-only mode skips row
    properties, so the sheet's XML is looked at, only when it hides anything)."""
    if b"hidden" not in raw:
        return frozenset()
    found = set()
    for match in _ROW_TAG.finditer(raw):
        attributes = match[1]
        if b"hidden" in attributes and _HIDDEN.search(attributes):
            number = _ROW_NUMBER.search(attributes)
            if number and int(number[1]) > header_row:
                found.add(int(number[1]))
    return frozenset(found)


# --- Detection -------------------------------------------------------------------------------------------


def _score(values: Sequence[Any]) -> int:
    return sum(1 for v in values if v is not None and (field_of(v) or level_of(v)))


def _guess_sheet(book: Any, t: Translate) -> tuple[list[SheetGuess], Any]:
    guesses: list[SheetGuess] = []
    best: tuple[int, int, Any] | None = None
    for index, ws in enumerate(book.worksheets):
        if not hasattr(ws, "iter_rows"):
            continue
        rows = _rows(ws, 1, SCAN_ROWS, 100, t)
        top: tuple[int, int, tuple[str, ...]] = (0, 0, ())
        for number, cells in rows:
            values = [c.value for c in cells]
            score = _score(values)
            if score > top[0]:
                top = (score, number, tuple(_header_text(v) for v in values))
        guesses.append(SheetGuess(str(ws.title), top[1], _trim(top[2]), top[0]))
        if best is None or top[0] > best[0]:
            best = (top[0], index, ws)
    return guesses, best[2] if best else None


def _header_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _trim(headers: Sequence[str]) -> tuple[str, ...]:
    out = list(headers)
    while out and not out[-1]:
        out.pop()
    return tuple(out)


def _guess_columns(headers: Sequence[str]) -> tuple[dict[str, str], tuple[str, ...]]:
    columns: dict[str, str] = {}
    levels: dict[int, str] = {}
    for header in headers:
        if not header:
            continue
        depth = level_of(header)
        if depth is not None and depth not in levels:
            levels[depth] = header
            continue
        name = field_of(header)
        if name and name not in columns:
            columns[name] = header
    return columns, tuple(levels[d] for d in sorted(levels))


def _guess_hierarchy(
    columns: Mapping[str, str], levels: Sequence[str], sample: list[list[_Cell]], index: Mapping[str, int]
) -> str:
    if len(levels) >= 2:
        return "levels"
    if "wbs" in columns:
        codes = [_code(row[index["wbs"]].value) for row in sample if index["wbs"] < len(row)]
        codes = [c for c in codes if c]
        if codes and sum(1 for c in codes if _OUTLINE.match(c.rstrip("."))) >= len(codes) * 0.8:
            return "outline"
    if "level" in columns:
        return "level"
    if "name" in columns:
        names = [row[index["name"]] for row in sample if index["name"] < len(row)]
        if any(c.indent or _leading(_text(c.value, strip=False)) for c in names):
            return "indent"
    return "outline" if "wbs" in columns else "indent"


def detect(data: bytes, *, translate: Translate | None = None) -> WbsLayout:
    """The workbook's sheets and a guess of where its WBS is and how it is written (see the module)."""
    t = translate or gettext_noop
    book = _open(data, t)
    try:
        return _detect(book, t)
    finally:
        book.close()


def _detect(book: Any, t: Translate, sheet: str | None = None) -> WbsLayout:
    guesses, ws = _guess_sheet(book, t)
    if sheet is not None:
        found = next((g for g in guesses if g.name == sheet), None)
        if found is None:
            raise _refuse(t(gettext_noop("The workbook has no sheet “%(value)s”.")) % {"value": sheet})
        ws = book[sheet]
    if ws is None:
        raise _refuse(t(gettext_noop("The workbook has no sheets.")))
    guess = next(g for g in guesses if g.name == str(ws.title))
    header_row = guess.header_row or 1
    columns, levels = _guess_columns(guess.headers)
    index = {h: i for i, h in enumerate(guess.headers) if h}
    positions = {name: index[h] for name, h in columns.items()}
    width = max(positions.values(), default=0) + 1
    sample = [cells for _n, cells in _rows(ws, header_row + 1, header_row + 200, width, t)]
    hierarchy = _guess_hierarchy(columns, levels, sample, positions)
    work = columns.get("work", "")
    unit = "days" if any(w in _norm(work) for w in ("人日", "day", "日")) else "hours"
    references = "wbs"
    if "id" in columns and "predecessors" in columns:
        refs = [
            _code(row[positions["predecessors"]].value)
            for row in sample
            if positions["predecessors"] < len(row)
        ]
        ids = {_code(row[positions["id"]].value) for row in sample if positions["id"] < len(row)}
        codes = (
            {_code(row[positions["wbs"]].value) for row in sample if positions["wbs"] < len(row)}
            if "wbs" in positions
            else set()
        )
        mentioned = {
            m.group("code") for r in refs for item in re.split(r"[,;、]", r) if (m := _REF.match(item))
        }
        if mentioned and len(mentioned & ids) > len(mentioned & codes):
            references = "id"
    return WbsLayout(
        sheet=str(ws.title),
        header_row=header_row,
        hierarchy=hierarchy,
        columns=columns,
        levels=levels if hierarchy == "levels" else (),
        work_unit=unit,
        references=references,
        sheets=tuple(guesses),
        headers=guess.headers,
    )


def sheet_headers(
    data: bytes, sheet: str, header_row: int, *, translate: Translate | None = None
) -> tuple[str, ...]:
    """The headers in a row of a sheet (for a mapping form after the user picks another sheet or row)."""
    t = translate or gettext_noop
    book = _open(data, t)
    try:
        if sheet not in book.sheetnames:
            raise _refuse(t(gettext_noop("The workbook has no sheet “%(value)s”.")) % {"value": sheet})
        rows = _rows(book[sheet], header_row, header_row, MAX_COLUMNS, t)
        return _trim(tuple(_header_text(c.value) for c in rows[0][1])) if rows else ()
    finally:
        book.close()


# --- Reading cells ---------------------------------------------------------------------------------------


class _Bad(ValueError):
    """A cell that cannot be read (the message is already in the user's language)."""


def _text(value: Any, *, strip: bool = True) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    text = value.isoformat() if isinstance(value, date) else str(value)
    return text.strip() if strip else text


def _code(value: Any) -> str:
    """A WBS code or ID as text, full-width digits and dots made plain (１．２ → 1.2), as predecessors are."""
    return unicodedata.normalize("NFKC", _text(value)).strip()


def _leading(text: str) -> int:
    """Leading spaces, in half-width spaces (a full-width space is two)."""
    count = 0
    for char in text:
        if char == " ":
            count += 1
        elif char == "\u3000":
            count += 2
        elif char == "\t":
            count += 4
        else:
            break
    return count


def _date(cell: _Cell, t: Translate) -> date | None:
    day = _any_date(cell, t)
    if day is not None and not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise _Bad(
            t(gettext_noop("%(value)s is outside the years %(first)s–%(last)s."))
            % {"value": day.isoformat(), "first": EARLIEST_YEAR, "last": LATEST_YEAR}
        )
    return day


def _any_date(cell: _Cell, t: Translate) -> date | None:
    value = cell.value
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value <= 2958465:
        # an Excel serial day number (1 = 1900-01-01) in a cell without a date format
        return date(1899, 12, 30) + timedelta(days=int(value))
    text = re.sub(r"[(（].*?[)）]\s*$", "", unicodedata.normalize("NFKC", str(value)).strip())
    text = text.split(" ")[0] if re.match(r"^\d{4}-\d{2}-\d{2} ", text) else text
    match = _DATE.match(text)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise _Bad(
        t(gettext_noop("“%(value)s” is not a date; write 2027-04-05, 2027/04/05 or 2027年4月5日."))
        % {"value": _text(value)[:40]}
    )


def _number(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    try:
        number = Decimal(unicodedata.normalize("NFKC", str(value)).strip().replace(",", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _progress(cell: _Cell, t: Translate) -> int | None:
    value = cell.value
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip() if isinstance(value, str) else None
    typed_percent = text is not None and text.endswith("%")
    if typed_percent and text is not None:
        text = text[:-1]
    number = _number(text if text is not None else value)
    if number is None:
        raise _Bad(
            t(gettext_noop("“%(value)s” is not a percentage; write 50, 50%% or 0.5 in a %% cell."))
            % {"value": _text(value)[:40]}
        )
    if (cell.percent and not isinstance(value, str)) or (0 < number < 1 and not typed_percent):
        number *= 100  # 0.5 in a % cell, or a fraction (a number, or text "0.5"), is 50%
    if not 0 <= number <= 100:
        raise _Bad(t(gettext_noop("%(value)s%% is outside 0–100%%.")) % {"value": _text(value)[:20]})
    return int(number.quantize(Decimal(1)))


def _work(cell: _Cell, layout: WbsLayout, t: Translate) -> int | None:
    value = cell.value
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    per_hour = Decimal(60)
    factor = per_hour * Decimal(str(layout.hours_per_day)) if layout.work_unit == "days" else per_hour
    number = _number(value)
    if number is not None:
        minutes = number * factor
    else:
        try:
            minutes = Decimal(
                parse_duration(
                    str(value), layout.units, default_unit="d" if layout.work_unit == "days" else "h"
                )
            )
        except DurationError:
            raise _Bad(
                t(gettext_noop("“%(value)s” is not an effort; write a number of hours or person-days."))
                % {"value": _text(value)[:40]}
            ) from None
    if minutes < 0 or minutes > 10**9:
        raise _Bad(
            t(gettext_noop("“%(value)s” is not an effort; write a number of hours or person-days."))
            % {"value": _text(value)[:40]}
        )
    return int(minutes.quantize(Decimal(1)))


def _duration(cell: _Cell, layout: WbsLayout, t: Translate) -> tuple[int, bool] | None:
    value = cell.value
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            span = parse_span(f"{Decimal(str(value))}d", layout.units)
        else:
            span = parse_span(str(value), layout.units)
    except (DurationError, InvalidOperation, ValueError):
        raise _Bad(
            t(gettext_noop("“%(value)s” is not a duration; write e.g. 5d, 3h or 5日."))
            % {"value": _text(value)[:40]}
        ) from None
    return span.minutes, span.elapsed


def _milestone(cell: _Cell, t: Translate) -> bool:
    text = _norm(_text(cell.value))
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise _Bad(t(gettext_noop("“%(value)s” is not yes or no.")) % {"value": _text(cell.value)[:40]})


def _owners(cell: _Cell, known: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """The names in an owner cell, split on 、 and commas (as `write_wbs` joins them) but never inside a
    `known` name (a person's or placeholder's: "Smith, John", "SE/PG")."""
    text = unicodedata.normalize("NFKC", _text(cell.value))
    if text in known:
        return (text,)
    parts = re.split(r"([、,])", text)  # names at even indexes, separators between
    out: list[str] = []
    at = 0
    while at < len(parts):
        end = at
        if known:  # the longest run of parts that is a known name
            for stop in range(len(parts) - 1, at, -2):
                if "".join(parts[at : stop + 1]).strip() in known:
                    end = stop
                    break
        name = "".join(parts[at : end + 1]).strip()
        if name:
            out.append(name)
        at = end + 2
    return tuple(dict.fromkeys(out))  # a name written twice is one owner


# --- Reading the WBS ---------------------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    level: int
    name: str
    key: str = ""
    wbs: str = ""
    given_wbs: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    predecessors: str = ""
    part: int = 0
    """For a parent written on its child's row ("levels"): its level; 0 for the row's own task."""


def read_wbs(
    data: bytes,
    options: Mapping[str, Any] | None = None,
    *,
    translate: Translate | None = None,
    known: Iterable[str] = (),
) -> ImportedProject:
    """The WBS of the workbook as rows of tasks (see the module). `options` None: detected. `known`
    names (people's, placeholders') are never split in an owner cell, even when they hold a comma.

    Raises
    ------
    ImportFileError
        Listing every problem: a file that is not a readable .xlsx, a mapping that does not fit the
        sheet, and every cell that cannot be read (row, column, message).
    """
    t = translate or gettext_noop
    book = _open(data, t)
    try:
        layout = _detect(book, t) if options is None else layout_from_options(options, t)
        if options is None and not layout.columns and not layout.levels:
            raise _refuse(
                t(
                    gettext_noop(
                        "No header row (Task name, WBS, 担当, …) was found in the first %(count)s rows of "
                        "sheet “%(sheet)s”; choose the header row."
                    )
                )
                % {"count": SCAN_ROWS, "sheet": layout.sheet}
            )
        if layout.sheet and layout.sheet not in book.sheetnames:
            raise _refuse(t(gettext_noop("The workbook has no sheet “%(value)s”.")) % {"value": layout.sheet})
        ws = book[layout.sheet] if layout.sheet else book.worksheets[0]
        layout = replace(layout, sheet=str(ws.title))  # messages name the sheet read
        header = _rows(ws, layout.header_row, layout.header_row, MAX_COLUMNS, t)
        headers = [_header_text(c.value) for c in header[0][1]] if header else []
        positions = _positions(layout, headers, t)
        width = max(positions.values(), default=0) + 1
        formulas: set[tuple[int, int]] = set()
        raw = _sheet_xml(book, ws)
        hidden = _hidden_rows(raw, layout.header_row)
        if _has_formulas(raw):
            try:
                formulas = _formula_cells(data, str(ws.title), layout.header_row + 1, width)
            except Exception:
                raise _unreadable(t) from None
        styled = frozenset(positions[n] for n in ("progress", "name") if n in positions)
        rows = _rows(ws, layout.header_row + 1, None, width, t, styled)
    finally:
        book.close()
    known_names = frozenset(unicodedata.normalize("NFKC", n).strip() for n in known)
    return _read_rows(layout, positions, rows, formulas, t, known_names, hidden)


def _positions(layout: WbsLayout, headers: Sequence[str], t: Translate) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, header in enumerate(headers):
        if header:
            index.setdefault(_norm(header), i)
    positions: dict[str, int] = {}
    errors = []
    wanted = [(name, header) for name, header in layout.columns.items()]
    wanted += [(f"level:{n}", header) for n, header in enumerate(layout.levels, start=1)]
    for name, header in wanted:
        found = index.get(_norm(header))
        if found is None:
            errors.append(
                RowError(
                    layout.header_row,
                    header,
                    t(gettext_noop("The header row of sheet “%(sheet)s” has no such column."))
                    % {"sheet": layout.sheet},
                )
            )
        else:
            positions[name] = found
    if errors:
        raise ImportFileError(errors)
    return positions


def _read_rows(
    layout: WbsLayout,
    positions: Mapping[str, int],
    rows: list[tuple[int, list[_Cell]]],
    formulas: set[tuple[int, int]],
    t: Translate,
    known: frozenset[str] = frozenset(),
    hidden: frozenset[int] = frozenset(),
) -> ImportedProject:
    errors: list[RowError] = []
    headers = dict(layout.columns)
    headers.update({f"level:{n}": h for n, h in enumerate(layout.levels, start=1)})
    level_keys = [f"level:{n}" for n in range(1, len(layout.levels) + 1)]
    if layout.hierarchy == "levels" and "name" in positions and layout.columns["name"] not in layout.levels:
        level_keys.append("name")
    empty = _Cell(None)
    read: list[_Row] = []
    indents: list[int] = []
    ancestors: list[str] = []  # "levels": the names of the current row's ancestors, outermost first
    if len(rows) > MAX_ROWS:
        raise _refuse(t(gettext_noop("The sheet has more than %(count)s rows.")) % {"count": f"{MAX_ROWS:,}"})
    for number, cells in rows:

        def cell(name: str, cells: list[_Cell] = cells) -> _Cell:
            at = positions.get(name)
            return cells[at] if at is not None and at < len(cells) else empty

        if all(_text(cell(n).value) == "" for n in positions):
            continue
        problems: list[RowError] = []
        for name, at in positions.items():
            if (number, at) in formulas and cell(name).value is None:
                problems.append(
                    RowError(
                        number,
                        headers[name],
                        t(
                            gettext_noop(
                                "Cell %(cell)s holds a formula without a saved value; open the file in "
                                "Excel, save it and upload it again."
                            )
                        )
                        % {"cell": f"{_letter(at)}{number}"},
                    )
                )
        row = _Row(number=number, level=1, name="")
        if layout.hierarchy == "levels":
            filled = [
                (depth, _text(cell(name).value))
                for depth, name in enumerate(level_keys, start=1)
                if _text(cell(name).value)
            ]
            deepest = filled[-1][0] if filled else 0
            # Parents written on their first child's row (設計 | 基本設計 | 画面設計, or a merged 大項目
            # cell): a task of each filled cell that is not already the ancestor at its depth; the
            # row's other cells belong to the deepest one.
            for depth, text in filled[:-1]:
                if depth > len(ancestors) or ancestors[depth - 1] != text:
                    read.append(_Row(number=number, level=depth, name=text, part=depth))
                    del ancestors[depth - 1 :]
                    ancestors.append(text)
            if filled:
                row.name = filled[-1][1]
                del ancestors[deepest - 1 :]
                ancestors.append(row.name)
            row.level = deepest
            if not deepest:
                problems.append(
                    RowError(
                        number,
                        headers[level_keys[0]],
                        t(gettext_noop("The row has no name in any level column.")),
                    )
                )
        else:
            raw = _text(cell("name").value, strip=False)
            row.name = raw.strip()
            if layout.hierarchy == "indent":
                indents.append(cell("name").indent * 2 or _leading(raw))
            if not row.name:
                problems.append(RowError(number, headers["name"], t(gettext_noop("The task name is empty."))))
        row.given_wbs = _code(cell("wbs").value).rstrip(".") if "wbs" in positions else ""
        if layout.hierarchy == "outline":
            if not _OUTLINE.match(row.given_wbs):
                problems.append(
                    RowError(
                        number,
                        headers["wbs"],
                        t(gettext_noop("“%(value)s” is not an outline number such as 1.2.3."))
                        % {"value": row.given_wbs[:40]},
                    )
                )
            else:
                row.level = row.given_wbs.count(".") + 1
        elif layout.hierarchy == "level":
            level = _number(cell("level").value)
            if level is None or level != level.to_integral_value() or not 1 <= level <= 50:
                problems.append(
                    RowError(
                        number,
                        headers["level"],
                        t(gettext_noop("“%(value)s” is not an outline level (1, 2, 3 …)."))
                        % {"value": _text(cell("level").value)[:40]},
                    )
                )
            else:
                row.level = int(level)
        if "id" in positions:
            row.key = _code(cell("id").value)
        readers: list[tuple[str, str, Callable[[_Cell], Any]]] = [
            ("start", "start", lambda c: _date(c, t)),
            ("finish", "finish", lambda c: _date(c, t)),
            ("actual_start", "actual_start", lambda c: _date(c, t)),
            ("actual_finish", "actual_finish", lambda c: _date(c, t)),
            ("progress", "percent_complete", lambda c: _progress(c, t)),
            ("work", "work", lambda c: _work(c, layout, t)),
            ("duration", "duration", lambda c: _duration(c, layout, t)),
            ("milestone", "milestone", lambda c: _milestone(c, t)),
        ]
        for name, target, reader in readers:
            if name in positions:
                try:
                    row.values[target] = reader(cell(name))
                except _Bad as exc:
                    problems.append(RowError(number, headers[name], str(exc)))
        if "owner" in positions:
            row.values["owners"] = _owners(cell("owner"), known)
        if "notes" in positions:
            notes = _text(cell("notes").value, strip=False)  # as written: a re-import compares it
            row.values["notes"] = notes if notes.strip() else ""
        if "predecessors" in positions:
            row.predecessors = unicodedata.normalize("NFKC", _text(cell("predecessors").value))
        start, finish = row.values.get("start"), row.values.get("finish")
        if start and finish and finish < start:
            problems.append(
                RowError(number, headers["finish"], t(gettext_noop("The finish is before the start.")))
            )
        errors.extend(problems)
        read.append(row)
    if layout.hierarchy == "indent":
        base = min(indents, default=0)  # every name padded alike (one leading space) is level 1
        step = min((i - base for i in indents if i > base), default=1)
        for row, indent in zip(read, indents, strict=True):
            row.level = (indent - base) // step + 1
    _outline(read, layout, headers, errors, t)
    tasks = _tasks(read, layout, headers, errors, t)
    if errors:
        raise ImportFileError(sorted(errors, key=lambda e: e.row or 0))
    if not tasks:
        raise _refuse(
            t(gettext_noop("The sheet “%(sheet)s” has no tasks below its header row."))
            % {"sheet": layout.sheet}
        )
    columns = {
        target
        for name, target in (
            ("start", "start"),
            ("finish", "finish"),
            ("actual_start", "actual_start"),
            ("actual_finish", "actual_finish"),
            ("progress", "percent_complete"),
            ("owner", "owners"),
            ("work", "work"),
            ("notes", "notes"),
            ("predecessors", "links"),
            ("duration", "duration"),
        )
        if name in positions
    }
    warnings: tuple[str, ...] = ()
    shown = sorted({task.row for task in tasks if task.row in hidden})
    if shown:
        listed = ", ".join(str(n) for n in shown[:10]) + (", …" if len(shown) > 10 else "")
        warnings = (
            t(gettext_noop("Some rows are hidden in Excel (%(rows)s); they are imported like the others."))
            % {"rows": listed},
        )
    return ImportedProject(
        tasks=tuple(tasks),
        name=layout.sheet,
        columns=frozenset(columns),
        match="id" if "id" in positions else "wbs",
        warnings=warnings,
    )


def _letter(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def _outline(
    read: list[_Row], layout: WbsLayout, headers: Mapping[str, str], errors: list[RowError], t: Translate
) -> None:
    """Check the outline has no gaps and give every row its WBS code (the file's, or numbered)."""
    column = (
        headers.get("wbs")
        or headers.get("level")
        or headers.get("name")
        or (layout.levels[0] if layout.levels else "")
    )
    if layout.hierarchy == "outline":
        seen: set[str] = set()
        for row in read:
            code = row.given_wbs
            if not _OUTLINE.match(code):
                continue
            parent = code.rsplit(".", 1)[0] if "." in code else None
            if parent is not None and parent not in seen:
                errors.append(
                    RowError(
                        row.number,
                        column,
                        t(
                            gettext_noop(
                                "%(code)s has no parent row %(parent)s above it (a gap in the outline)."
                            )
                        )
                        % {"code": code, "parent": parent},
                    )
                )
            seen.add(code)
            row.wbs = code
        return
    counters: list[int] = []
    for row in read:
        if row.level < 1:
            continue
        if row.level > len(counters) + 1:
            errors.append(
                RowError(
                    row.number,
                    column,
                    t(gettext_noop("Level %(level)s follows level %(previous)s (a gap in the outline)."))
                    % {"level": row.level, "previous": len(counters)},
                )
            )
            row.level = len(counters) + 1
        del counters[row.level :]
        if len(counters) < row.level:
            counters.append(0)
        counters[row.level - 1] += 1
        row.wbs = ".".join(str(c) for c in counters)


def _tasks(
    read: list[_Row], layout: WbsLayout, headers: Mapping[str, str], errors: list[RowError], t: Translate
) -> list[ImportedTask]:
    wbs_column = headers.get("wbs", "")
    # Duplicates of the file's WBS codes and IDs.
    if "wbs" in headers:
        first: dict[str, int] = {}
        for row in read:
            if row.given_wbs:
                if row.given_wbs in first:
                    errors.append(
                        RowError(
                            row.number,
                            wbs_column,
                            t(gettext_noop("WBS code %(code)s is also on row %(row)s."))
                            % {"code": row.given_wbs, "row": first[row.given_wbs]},
                        )
                    )
                else:
                    first[row.given_wbs] = row.number
    code_of = {id(row): (row.given_wbs or row.wbs) for row in read}
    if "id" in headers:
        seen: dict[str, int] = {}
        for row in read:
            if not row.key:
                row.key = f"row{row.number}-{row.part}" if row.part else f"row{row.number}"
                continue
            if row.key in seen:
                errors.append(
                    RowError(
                        row.number,
                        headers["id"],
                        t(gettext_noop("ID %(code)s is also on row %(row)s."))
                        % {"code": row.key, "row": seen[row.key]},
                    )
                )
            seen.setdefault(row.key, row.number)
    else:
        for row in read:
            row.key = code_of[id(row)]
    # Parents by level: the nearest row above with a lower level.
    stack: list[_Row] = []
    parents: dict[int, str | None] = {}  # by id() of the row
    for row in read:
        while stack and stack[-1].level >= row.level:
            stack.pop()
        parents[id(row)] = stack[-1].key if stack else None
        stack.append(row)
    if layout.hierarchy == "outline":
        by_code = {row.given_wbs: row.key for row in read if row.given_wbs}
        for row in read:
            code = row.given_wbs
            parent = code.rsplit(".", 1)[0] if "." in code else None
            parents[id(row)] = by_code.get(parent) if parent else None
    # Predecessors.
    references = {}
    if layout.references == "id" and "id" in headers:
        references = {row.key: row.key for row in read}
    else:
        for row in read:
            references.setdefault(code_of[id(row)], row.key)
    links: dict[int, tuple[ImportedLink, ...]] = {}
    edges: list[tuple[str, str]] = []
    rows_of = {row.key: row.number for row in read}
    column = headers.get("predecessors", "")
    for row in read:
        if not row.predecessors:
            continue
        try:
            found = _links(row.predecessors, references, layout, t)
        except _Bad as exc:
            errors.append(RowError(row.number, column, str(exc)))
            continue
        if any(link.predecessor == row.key for link in found):
            errors.append(
                RowError(row.number, column, t(gettext_noop("A task cannot be its own predecessor.")))
            )
            continue
        links[id(row)] = found
        edges.extend((link.predecessor, row.key) for link in found)
    cycle = find_cycle(edges) if edges else None
    if cycle is not None:
        path = " → ".join(str(k) for k in cycle)
        errors.append(
            RowError(
                min(rows_of.get(str(k), 0) for k in cycle) or None,
                column,
                t(gettext_noop("The predecessors form a cycle: %(cycle)s.")) % {"cycle": path},
            )
        )
    out: list[ImportedTask] = []
    for row in read:
        values = dict(row.values)
        duration = values.pop("duration", None)
        milestone = bool(values.pop("milestone", False))
        out.append(
            ImportedTask(
                key=row.key,
                name=row.name[:255],
                row=row.number,
                parent=parents.get(id(row)),
                wbs=code_of[id(row)],
                milestone=milestone,
                duration=duration[0] if duration else None,
                elapsed=bool(duration and duration[1]),
                links=links.get(id(row), ()),
                **values,
            )
        )
    return out


def _links(
    text: str, references: Mapping[str, str], layout: WbsLayout, t: Translate
) -> tuple[ImportedLink, ...]:
    """The predecessor text (MS Project notation: 1.2FS+2d, 1.3SS) as links to rows' keys."""
    items: list[tuple[str, str, int, bool]] = []
    try:
        refs = parse_predecessors(text, layout.units)
        items = [
            (r.code if not r.project else f"{r.project}:{r.code}", r.type, r.lag_minutes, r.lag_elapsed)
            for r in refs
        ]
    except PredecessorError as exc:
        if exc.kind != "syntax" or layout.references != "id":
            raise _Bad(_predecessor_message(exc, t)) from None
        items = []
        seen: set[str] = set()
        for raw in re.split(r"[,;、]", text):
            if not raw.strip():
                continue
            match = _REF.match(raw)
            if match is None or match["code"] in seen:
                raise _Bad(
                    t(gettext_noop("“%(value)s” is not a predecessor; write e.g. 1.2, 1.3SS+2d or 1.4FF-1d."))
                    % {"value": raw.strip()[:40]}
                ) from None
            seen.add(match["code"])
            lag = (match["lag"] or "").replace(" ", "")
            try:
                span = parse_span(lag, layout.units, allow_negative=True) if lag else None
            except DurationError:
                raise _Bad(
                    t(gettext_noop("“%(value)s” has a lag that is not a duration (e.g. +2d, -1d)."))
                    % {"value": raw.strip()[:40]}
                ) from None
            items.append(
                (
                    match["code"],
                    (match["type"] or "FS").upper(),
                    span.minutes if span else 0,
                    bool(span and span.elapsed and span.minutes),
                )
            )
    out = []
    for code, kind, lag, elapsed in items:
        key = references.get(code)
        if key is None:
            raise _Bad(
                t(gettext_noop("The predecessor %(code)s is not a row of the sheet.")) % {"code": code[:40]}
            )
        out.append(ImportedLink(key, LinkType(kind), lag, elapsed))
    return tuple(out)


def _predecessor_message(exc: PredecessorError, t: Translate) -> str:
    if exc.kind == "duplicate":
        return t(gettext_noop("“%(value)s” is listed twice.")) % {"value": exc.item[:40]}
    if exc.kind == "lag":
        return t(gettext_noop("“%(value)s” has a lag that is not a duration (e.g. +2d, -1d).")) % {
            "value": exc.item[:40]
        }
    return t(gettext_noop("“%(value)s” is not a predecessor; write e.g. 1.2, 1.3SS+2d or 1.4FF-1d.")) % {
        "value": exc.item[:40]
    }


# --- Writing -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WbsRow:
    """One task to write: its outline level (1 = top), texts, dates and numbers. `work` is in minutes,
    `progress` in percent, `duration` and `predecessors` as typed (5d; 1.2FS+2d)."""

    level: int
    name: str
    id: str = ""
    wbs: str = ""
    owners: tuple[str, ...] = ()
    start: date | None = None
    finish: date | None = None
    duration: str = ""
    actual_start: date | None = None
    actual_finish: date | None = None
    progress: int | None = None
    work: int | None = None
    predecessors: str = ""
    notes: str = ""
    milestone: bool = False
    summary: bool = False


# The clean layout: every field in FIELDS order, but the outline level and milestone flag (the WBS code
# and a zero duration say them).
DEFAULT_ORDER = tuple(f for f in FIELDS if f not in ("level", "milestone"))
_WIDTHS = {
    "id": 8,
    "wbs": 10,
    "level": 7,
    "name": 40,
    "owner": 18,
    "start": 12,
    "finish": 12,
    "duration": 10,
    "actual_start": 12,
    "actual_finish": 12,
    "progress": 9,
    "work": 10,
    "predecessors": 18,
    "notes": 36,
    "milestone": 9,
}


def default_layout(
    headers: Mapping[str, str], *, sheet: str = "WBS", hours_per_day: float = 8.0
) -> WbsLayout:
    """The clean default layout: the DEFAULT_ORDER columns with the given headers (the user's language),
    hierarchy by the WBS column, predecessors by WBS code, effort in hours."""
    return WbsLayout(
        sheet=sheet,
        header_row=1,
        hierarchy="outline",
        columns={name: headers[name] for name in DEFAULT_ORDER},
        hours_per_day=hours_per_day,
        references="wbs",
    )


class TooDeep(ValueError):
    """The tasks are nested deeper than a "levels" layout has level columns (and a name column) for."""

    def __init__(self, depth: int, columns: int) -> None:
        super().__init__(f"Tasks {depth} levels deep, {columns} level columns.")
        self.depth, self.columns = depth, columns


def write_wbs(rows: Iterable[WbsRow], layout: WbsLayout, *, title: str = "") -> bytes:
    """The rows as an .xlsx in `layout` (its sheet, header row, columns and hierarchy), formatted; it
    reads back with `read_wbs(data, layout.options())` to the same tasks. Raises TooDeep when a "levels"
    layout has fewer level columns than the tasks have levels (the tree is never flattened)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import Outline

    rows = list(rows)
    order: list[str] = list(layout.columns)
    level_keys: list[str] = []
    if layout.hierarchy == "levels":
        # The level columns, then the name column (if mapped) as one level deeper, as `read_wbs` reads it.
        at = order.index("name") if "name" in order else 1 if order[:1] == ["id"] else 0
        level_keys = [f"level:{n}" for n in range(1, len(layout.levels) + 1)]
        order[at:at] = level_keys
        if "name" in order:
            level_keys.append("name")
        too_deep = max((row.level for row in rows), default=0)
        if too_deep > len(level_keys):
            raise TooDeep(too_deep, len(level_keys))
    headers = dict(layout.columns)
    headers.update({f"level:{n}": h for n, h in enumerate(layout.levels, start=1)})
    book = Workbook(write_only=True)
    ws = book.create_sheet(title=(layout.sheet or "WBS")[:31])
    for n, name in enumerate(order, start=1):
        ws.column_dimensions[get_column_letter(n)].width = _WIDTHS.get(
            name, 24 if name.startswith("level:") else 14
        )
    ws.sheet_properties.outlinePr = Outline(summaryBelow=False, summaryRight=False)
    ws.freeze_panes = f"A{layout.header_row + 1}"
    head_font = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="1F2937")
    bold = Font(bold=True)
    for n in range(1, layout.header_row):
        ws.append([WriteOnlyCell(ws, value=_safe_text(title))] if n == 1 and title else [])
    head = []
    for name in order:
        cell = WriteOnlyCell(ws, value=_safe_text(headers[name]))
        if isinstance(cell.value, str):
            cell.data_type = "s"
        cell.font, cell.fill = head_font, fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        head.append(cell)
    ws.append(head)
    per_day = Decimal(str(layout.hours_per_day)) * 60
    deepest = 1
    for index, row in enumerate(rows):
        number = layout.header_row + 1 + index
        level = max(row.level, 1)
        deepest = max(deepest, level)
        if level > 1:
            ws.row_dimensions[number].outline_level = min(level - 1, 7)
        cells = []
        for name in order:
            value: Any = None
            number_format = None
            alignment = None
            if name == "id":
                value = int(row.id) if row.id.isdigit() and len(row.id) < 15 else row.id or None
            elif name == "wbs":
                value = row.wbs
            elif name == "level":
                value = level
            elif name == "name" and level_keys:
                value = row.name if level == len(level_keys) else None
            elif name == "name":
                value = row.name
                if layout.hierarchy in ("indent", "outline", "level") and level > 1:
                    alignment = Alignment(indent=min((level - 1) * 2, 250))
            elif name.startswith("level:"):
                if level_keys.index(name) + 1 == level:
                    value = row.name
            elif name == "owner":
                value = (
                    "、".join(row.owners) if any(_has_cjk(o) for o in row.owners) else ", ".join(row.owners)
                )
            elif name in ("start", "finish", "actual_start", "actual_finish"):
                value = getattr(row, name)
                number_format = "yyyy/mm/dd"
            elif name == "duration":
                value = row.duration
            elif name == "progress":
                value = None if row.progress is None else row.progress / 100
                number_format = "0%"
            elif name == "work":
                if row.work is not None:
                    amount = Decimal(row.work) / (per_day if layout.work_unit == "days" else 60)
                    value = int(amount) if amount == amount.to_integral_value() else float(round(amount, 4))
                number_format = "0.0#" if layout.work_unit == "days" else "0.##"
            elif name == "predecessors":
                value = row.predecessors
            elif name == "notes":
                value = row.notes
            elif name == "milestone":
                value = "✓" if row.milestone else None
            if value == "":
                value = None
            cell = WriteOnlyCell(ws, value=_safe_text(value))
            if isinstance(value, str):
                # openpyxl stores text starting with "=" as a formula; any text typed by a user stays text.
                cell.data_type = "s"
            if number_format and value is not None:
                cell.number_format = number_format
            if alignment is not None:
                cell.alignment = alignment
            if row.summary:
                cell.font = bold
            cells.append(cell)
        ws.append(cells)
    ws.sheet_format.outlineLevelRow = min(deepest - 1, 7)
    last = get_column_letter(max(len(order), 1))
    ws.auto_filter.ref = f"A{layout.header_row}:{last}{layout.header_row + len(rows)}"
    buffer = io.BytesIO()
    book.save(buffer)
    return _with_dimension(buffer.getvalue(), f"A1:{last}{layout.header_row + len(rows)}")


def _with_dimension(data: bytes, ref: str) -> bytes:
    """The workbook with the sheet's used range declared, as Excel writes it: openpyxl's streaming writer
    leaves it out, and a reader without it (openpyxl's read-only mode) parses the whole sheet first."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet") and b"<dimension" not in body:
                body = body.replace(b"<sheetViews", f'<dimension ref="{ref}"/><sheetViews'.encode(), 1)
            target.writestr(info, body)
    return out.getvalue()


def _safe_text(value: Any) -> Any:
    # Illegal control characters make openpyxl refuse the cell; drop them.
    if isinstance(value, str):
        return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", value)
    return value


def _has_cjk(text: str) -> bool:
    return any("\u3000" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef" for c in text)


def minutes_as_duration(minutes: int, hours_per_day: float = 8.0) -> str:
    """A duration as the WBS column writes it (5d, 0.5d, 3h)."""
    return format_duration(minutes, DurationUnits(hours_per_day=Decimal(str(hours_per_day))))
