"""CSV exports of issue trackers — Redmine, Jira and Backlog — read as tasks (`read_tracker`, an
`ImportedProject`) or as RAID issues (`read_tracker_issues`).

The file is decoded with `decode_text` (UTF-8, UTF-8 with a byte order mark, or Shift_JIS as cp932, which
Japanese Redmine and Backlog write), its delimiter sniffed (comma, tab or semicolon), and quoted cells may
hold line breaks. Row numbers are records as a spreadsheet shows them: the header is row 1.

Options (a JSON object, saved as an `ImportMapping` of kind "tracker_csv"):

- `tracker`: "redmine", "jira" or "backlog" (detected from the header when absent);
- `columns`: {field: header} for the fields in `FIELDS` (the tracker's defaults fill the gaps; an empty
  header means "not mapped"). A header that the file repeats (Jira's "Outward issue link (Blocks)") is
  read in every column that has it;
- `date_format`: a strptime format tried first (e.g. "%d/%m/%Y"); the usual forms are read without it;
- `estimate_unit`: "hours" (Redmine, Backlog), "seconds" (Jira), "minutes" or "days";
- `hours_per_day`: for days of estimates and relation delays (8);
- `closed_statuses`: status words that mean done (`CLOSED_WORDS` by default).

What maps to what: the issue number or key is the task's key (a re-import matches by it); the parent
becomes the WBS (a parent missing from the file leaves the child at the top level, with a warning; a
loop of parents is an error); "blocks" and "precedes" relations (Redmine's "Related issues" cell, Jira's
"Blocks" link columns) become finish-to-start links with Redmine's delay as lag; "relates to",
"duplicates" and "copied" relations are ignored with one warning; a closed status makes the task 100 %
complete, finished on its closed date where the file has one.

Messages are English `msgid`s formatted with `translate` (Django's gettext in the apps), so that this module
stays free of Django while the user reads their own language.
"""

from __future__ import annotations

import csv
import io
import re
import threading
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from kuroko.engine.model import LinkType
from kuroko.formats.encoding import EncodingError, decode_text
from kuroko.formats.imported import ImportedLink, ImportedProject, ImportedTask, ImportFileError, RowError

TRACKERS = ("redmine", "jira", "backlog")
FIELDS = (
    "key",
    "name",
    "parent",
    "status",
    "owner",
    "start",
    "finish",
    "percent_complete",
    "estimate",
    "description",
    "relations",
    "blocks",
    "blocked_by",
    "closed_on",
    "priority",
    "severity",
    "created",
    "issue_id",
    "type",
)
ESTIMATE_UNITS = ("hours", "seconds", "minutes", "days")
MAX_ROWS = 50_000
MAX_KEY = 40  # Task.source_uid
MAX_NAME = 255
MAX_FIELD = 10 * 1024 * 1024  # characters of one cell (a long description)
MAX_ESTIMATE_HOURS = 1_000_000  # far beyond any issue; keeps minutes well inside a database integer
FIRST_YEAR, LAST_YEAR = 1900, 2999


def gettext_noop(message: str) -> str:
    """Marks a message for the translation catalogue; `translate` words it when an error is made."""
    return message


Translate = Callable[[str], str]

# Headers of each tracker's CSV export, English and Japanese (the first one present is used).
DEFAULT_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "redmine": {
        "key": ("#",),
        "name": ("Subject", "題名"),
        "parent": ("Parent task", "親チケット"),
        "status": ("Status", "ステータス"),
        "owner": ("Assignee", "Assigned to", "担当者"),
        "start": ("Start date", "開始日"),
        "finish": ("Due date", "期日"),
        "percent_complete": ("% Done", "進捗率", "進捗 %"),
        "estimate": ("Estimated time", "予定工数"),
        "description": ("Description", "説明"),
        "relations": ("Related issues", "関連するチケット"),
        "closed_on": ("Closed", "終了日"),
        "priority": ("Priority", "優先度"),
        "created": ("Created", "作成日"),
        "type": ("Tracker", "トラッカー"),
    },
    "jira": {
        "key": ("Issue key", "課題キー"),
        "issue_id": ("Issue id", "課題 ID", "課題ID"),
        "name": ("Summary", "要約"),
        "parent": ("Parent", "Parent id", "親", "親 ID", "親ID"),
        "status": ("Status", "ステータス"),
        "owner": ("Assignee", "担当者"),
        "start": ("Custom field (Start date)", "Start date", "カスタムフィールド (Start date)", "開始日"),
        "finish": ("Due date", "Due Date", "期日", "期限"),
        "estimate": ("Original Estimate", "Original estimate", "初期見積もり", "初期見積り"),
        "description": ("Description", "説明"),
        "blocks": ("Outward issue link (Blocks)", "外部課題リンク (Blocks)", "外向きの課題リンク (Blocks)"),
        "blocked_by": (
            "Inward issue link (Blocks)",
            "内部課題リンク (Blocks)",
            "内向きの課題リンク (Blocks)",
        ),
        "closed_on": ("Resolved", "解決日"),
        "priority": ("Priority", "優先度"),
        "created": ("Created", "作成日"),
        "type": ("Issue Type", "課題タイプ"),
    },
    "backlog": {
        "key": ("キー", "Key", "Issue Key"),
        "name": ("件名", "Subject", "Summary"),
        "parent": ("親課題", "Parent Issue", "Parent issue"),
        "status": ("状態", "Status"),
        "owner": ("担当者", "Assignee"),
        "start": ("開始日", "Start Date"),
        "finish": ("期限日", "Due Date"),
        "estimate": ("予定時間", "Estimated Hours"),
        "description": ("詳細", "Description"),
        "priority": ("優先度", "Priority"),
        "created": ("登録日", "Created"),
        "type": ("種別", "Issue Type"),
    },
}
DEFAULT_UNITS = {"redmine": "hours", "jira": "seconds", "backlog": "hours"}

# Status words (after NFKC and case folding) and what they mean: Redmine's and Backlog's defaults, Jira
# Software's and Jira Service Management's, in English and Japanese. A status not listed here is a custom
# one; the RAID import takes it as open and says so.
STATUS_WORDS: dict[str, str] = {
    **dict.fromkeys(
        (
            "new",
            "open",
            "to do",
            "todo",
            "backlog",
            "reopened",
            "selected for development",
            "ready for development",
            "waiting for support",
            "waiting for approval",
            "awaiting approval",
            "新規",
            "未対応",
            "オープン",
            "未着手",
            "再オープン",
            "開発対象として選択済み",
            "サポート待ち",
            "承認待ち",
        ),
        "open",
    ),
    **dict.fromkeys(
        (
            "in progress",
            "assigned",
            "feedback",
            "in review",
            "under review",
            "review",
            "code review",
            "in development",
            "in testing",
            "testing",
            "in qa",
            "pending",
            "on hold",
            "blocked",
            "waiting for customer",
            "escalated",
            "work in progress",
            "進行中",
            "処理中",
            "対応中",
            "作業中",
            "フィードバック",
            "レビュー中",
            "テスト中",
            "保留",
            "保留中",
            "顧客対応待ち",
            "エスカレーション済み",
        ),
        "in_progress",
    ),
    **dict.fromkeys(("resolved", "fixed", "解決", "解決済み", "処理済み", "対応済み"), "resolved"),
    **dict.fromkeys(("closed", "done", "completed", "終了", "完了", "クローズ", "クローズ済み"), "closed"),
    **dict.fromkeys(
        (
            "rejected",
            "declined",
            "won't do",
            "won't fix",
            "cancelled",
            "canceled",
            "却下",
            "キャンセル",
            "キャンセル済み",
        ),
        "rejected",
    ),
}
CLOSED_WORDS = frozenset(
    (
        "closed",
        "done",
        "completed",
        "rejected",
        "declined",
        "cancelled",
        "canceled",
        "キャンセル",
        "キャンセル済み",
        "終了",
        "完了",
        "却下",
        "クローズ",
        "クローズ済み",
    )
)
PRIORITY_WORDS: dict[str, str] = {
    **dict.fromkeys(("low", "lowest", "minor", "trivial", "低", "低め", "最低"), "low"),
    **dict.fromkeys(("normal", "medium", "通常", "中", "普通"), "normal"),
    **dict.fromkeys(("high", "major", "高", "高め"), "high"),
    **dict.fromkeys(("urgent", "highest", "critical", "急いで", "最高", "緊急"), "urgent"),
    **dict.fromkeys(("immediate", "blocker", "今すぐ"), "immediate"),
}
SEVERITY_WORDS: dict[str, str] = {
    **dict.fromkeys(("low", "minor", "trivial", "低", "軽微"), "low"),
    **dict.fromkeys(("medium", "normal", "moderate", "中", "通常"), "medium"),
    **dict.fromkeys(("high", "major", "高", "重大"), "high"),
    **dict.fromkeys(("critical", "blocker", "致命的", "緊急"), "critical"),
}

# Redmine's relation labels (English and Japanese: `label_blocks` … of config/locales/ja.yml, as
# Redmine 3.3 on and earlier versions word them) and what they become.
RELATION_WORDS: dict[str, str] = {
    **dict.fromkeys(("blocks", "ブロック先", "ブロックしている"), "blocks"),
    **dict.fromkeys(("blocked by", "ブロック元", "ブロックされている"), "blocked_by"),
    **dict.fromkeys(("precedes", "次のチケットに先行", "先行"), "precedes"),
    **dict.fromkeys(("follows", "次のチケットに後続", "後続"), "follows"),
    **dict.fromkeys(
        (
            "related to",
            "relates to",
            "duplicates",
            "duplicated by",
            "is duplicated by",
            "copied to",
            "copied from",
            "関連している",
            "次のチケットと重複",
            "次のチケットが重複",
            "次のチケットに重複されている",
            "重複",
            "重複元",
            "コピー先",
            "コピー元",
        ),
        "ignore",
    ),
}

# Redmine writes label, delay, issue (`IssueRelation#to_s`): "Precedes (2 days) #12", "次のチケットに先行
# (2日) #12"; the delay after the issue ("Precedes #12 (2 days)") is read too.
_RELATION = re.compile(
    r"^(?P<label>[^(]*?)\s*(?:\((?P<lag>[^)]*)\)\s*)?#?(?P<key>[A-Za-z][A-Za-z0-9_]*-\d+|\d+)"
    r"\s*(?:\((?P<lag_after>[^)]*)\))?$"
)
_LAG = re.compile(r"^(?P<n>[+-]?\d+)\s*(?:days?|日|d)?$", re.IGNORECASE)
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[\sT])")
_JAPANESE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日")
_JIRA = re.compile(r"^(\d{1,2})/([A-Za-z]{3}|\d{1,2}月)/(\d{2}|\d{4})(?:$|\s)")
_MONTHS = {
    m: n
    for n, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
    )
}
_HOURS = re.compile(r"^(\d+):([0-5]\d)$")
_NUMBER_KEY = re.compile(r"#?\s*(\d+)")


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).strip().casefold().split())


def status_code(text: str) -> str | None:
    """What a status word means: "open", "in_progress", "resolved", "closed" or "rejected"; None if
    unknown (an empty cell is "")."""
    value = _norm(text)
    return "" if not value else STATUS_WORDS.get(value)


def priority_code(text: str) -> str | None:
    """What a priority word means: "low", "normal", "high", "urgent" or "immediate"; None if unknown
    (an empty cell is "")."""
    value = _norm(text)
    return "" if not value else PRIORITY_WORDS.get(value)


def severity_code(text: str) -> str | None:
    """What a severity word means: "low", "medium", "high" or "critical"; None if unknown ("" if empty)."""
    value = _norm(text)
    return "" if not value else SEVERITY_WORDS.get(value)


@dataclass(frozen=True, slots=True)
class TrackerIssue:
    """One row of a tracker export read as a RAID issue: texts as in the file, dates read."""

    key: str
    title: str
    row: int
    description: str = ""
    status: str = ""
    priority: str = ""
    severity: str = ""
    owner: str = ""
    due_date: date | None = None
    raised_on: date | None = None
    type: str = ""
    mapped: frozenset[str] = frozenset()  # the fields the file has a column for


@dataclass(frozen=True, slots=True)
class TrackerFile:
    """The decoded file: its header, its data rows (row number, cells), the encoding and the delimiter."""

    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    encoding: str
    delimiter: str


def _identity(message: str) -> str:
    return message


_limit_lock = threading.Lock()
_limit_users = 0
_limit_before = 0


@contextmanager
def _long_fields() -> Iterator[None]:
    """Let the csv module read cells up to MAX_FIELD characters while a file is read.

    The limit is the csv module's, for the whole process: it is raised while at least one tracker file is
    being read (counted under a lock, for threads) and put back when the last one is done, so that other
    code reading CSV keeps the default.
    """
    global _limit_users, _limit_before
    with _limit_lock:
        if _limit_users == 0:
            _limit_before = csv.field_size_limit(max(MAX_FIELD, csv.field_size_limit()))
        _limit_users += 1
    try:
        yield
    finally:
        with _limit_lock:
            _limit_users -= 1
            if _limit_users == 0:
                csv.field_size_limit(_limit_before)


def read_table(data: bytes, *, translate: Translate | None = None) -> TrackerFile:
    """Decode and split the file into its header and rows. Raises ImportFileError for a file that is not
    text, is empty or has more than MAX_ROWS rows."""
    t = translate or _identity
    try:
        text, encoding = decode_text(data)
    except EncodingError:
        raise ImportFileError(
            [
                RowError(
                    None,
                    "",
                    t(
                        gettext_noop(
                            "The file is neither UTF-8 nor Shift_JIS text: export the CSV again and "
                            "upload it as it is."
                        )
                    ),
                )
            ]
        ) from None
    if "\x00" in text:
        raise ImportFileError([RowError(None, "", t(gettext_noop("This is not a CSV file.")))])
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    header: tuple[str, ...] | None = None
    rows: list[tuple[int, tuple[str, ...]]] = []
    number = 0
    try:
        with _long_fields():
            for cells in reader:
                number += 1
                if header is None:
                    if not any(cell.strip() for cell in cells):
                        continue
                    header = tuple(cell.strip() for cell in cells)
                    continue
                if not any(cell.strip() for cell in cells):
                    continue
                if len(rows) >= MAX_ROWS:
                    message = t(gettext_noop("At most %(count)d rows can be imported from one file."))
                    raise ImportFileError([RowError(None, "", message % {"count": MAX_ROWS})])
                rows.append((number, tuple(cells)))
    except csv.Error as exc:
        message = t(gettext_noop("The CSV cannot be read: %(error)s"))
        raise ImportFileError([RowError(number or None, "", message % {"error": exc})]) from None
    if header is None:
        raise ImportFileError([RowError(None, "", t(gettext_noop("The file is empty.")))])
    return TrackerFile(header, tuple(rows), encoding, delimiter)


def _delimiter(text: str) -> str:
    """Comma, tab or semicolon: the one the header line (outside quotes) has most of."""
    line: list[str] = []
    quoted = False
    for char in text[:20000]:
        if char == '"':
            quoted = not quoted
        elif char == "\n" and not quoted:
            if "".join(line).strip():
                break
            line = []
            continue
        if not quoted:
            line.append(char)
    first = "".join(line)
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def detect_tracker(header: Sequence[str]) -> str | None:
    """Which tracker wrote a file with this header: "redmine", "jira", "backlog", or None."""
    names = {_norm(h) for h in header}

    def has(*candidates: str) -> bool:
        return any(_norm(c) in names for c in candidates)

    if has("Issue key", "課題キー") and has("Summary", "要約"):
        return "jira"
    if has("#") and has("Subject", "題名", "Tracker", "トラッカー"):
        return "redmine"
    if has("キー", "Key", "Issue Key") and has("件名", "Subject", "Summary"):
        return "backlog"
    return None


def default_columns(tracker: str, header: Sequence[str]) -> dict[str, str]:
    """The tracker's usual header for each field that the file has (as the file spells it)."""
    present: dict[str, str] = {}
    for title in header:
        present.setdefault(_norm(title), title)
    out: dict[str, str] = {}
    for name, candidates in DEFAULT_COLUMNS.get(tracker, {}).items():
        for candidate in candidates:
            found = present.get(_norm(candidate))
            if found is not None:
                out[name] = found
                break
    return out


def default_options(header: Sequence[str]) -> dict[str, Any]:
    """Options for a file with this header: the detected tracker, its columns and its estimate unit."""
    tracker = detect_tracker(header) or "redmine"
    return {
        "tracker": tracker,
        "columns": default_columns(tracker, header),
        "date_format": "",
        "estimate_unit": DEFAULT_UNITS[tracker],
    }


@dataclass(frozen=True, slots=True)
class _Options:
    tracker: str
    columns: dict[str, str]
    date_format: str
    unit: str
    per_day: int
    closed: frozenset[str]


def _options(header: Sequence[str], options: Mapping[str, Any] | None, t: Translate) -> _Options:
    given = dict(options or {})
    errors: list[RowError] = []

    def bad(message: str, **values: Any) -> None:
        errors.append(RowError(None, "", t(message) % values))

    tracker = str(given.get("tracker") or detect_tracker(header) or "redmine")
    if tracker not in TRACKERS:
        bad(gettext_noop("Unknown tracker %(name)s: choose Redmine, Jira or Backlog."), name=tracker)
        tracker = "redmine"
    columns_given = given.get("columns")
    if columns_given is not None and not isinstance(columns_given, Mapping):
        bad(gettext_noop("The column mapping must map fields to headers."))
        columns_given = {}
    columns = default_columns(tracker, header)
    for name, title in dict(columns_given or {}).items():
        if name not in FIELDS:
            bad(gettext_noop("Unknown field %(name)s in the column mapping."), name=name)
            continue
        if title is None or str(title).strip() == "":
            columns.pop(name, None)
        else:
            columns[name] = str(title).strip()
    present = {_norm(h) for h in header}
    for name, title in columns.items():
        if _norm(title) not in present:
            bad(
                gettext_noop("The file has no column “%(column)s” (mapped to %(field)s)."),
                column=title,
                field=name,
            )
    date_format = str(given.get("date_format") or "")
    if date_format and "%" not in date_format:
        bad(gettext_noop("The date format %(format)s has no code such as %%Y."), format=date_format)
        date_format = ""
    unit = str(given.get("estimate_unit") or DEFAULT_UNITS[tracker])
    if unit not in ESTIMATE_UNITS:
        bad(gettext_noop("Unknown estimate unit %(unit)s."), unit=unit)
        unit = "hours"
    try:
        per_day = given.get("hours_per_day")
        hours = Decimal(8) if per_day is None or per_day == "" else Decimal(str(per_day))
        if not (1 <= hours <= 24):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        bad(gettext_noop("Hours per day must be a number from 1 to 24."))
        hours = Decimal(8)
    closed_given = given.get("closed_statuses")
    if isinstance(closed_given, (list, tuple)) and closed_given:
        closed = frozenset(_norm(str(w)) for w in closed_given)
    else:
        closed = CLOSED_WORDS
    if errors:
        raise ImportFileError(errors)
    return _Options(tracker, columns, date_format, unit, round(hours * 60), closed)


class _Row:
    """Cells of one row by field, with the errors found while reading them."""

    def __init__(
        self,
        number: int,
        cells: tuple[str, ...],
        index: Mapping[str, list[int]],
        columns: Mapping[str, str],
        errors: list[RowError],
        t: Translate,
    ) -> None:
        self.number = number
        self.cells = cells
        self.index = index
        self.columns = columns
        self.errors = errors
        self.t = t

    def all(self, name: str) -> list[str]:
        return [self.cells[i].strip() for i in self.index.get(name, ()) if i < len(self.cells)]

    def get(self, name: str) -> str:
        return next((v for v in self.all(name) if v), "")

    def error(self, name: str, message: str, **values: Any) -> None:
        self.errors.append(RowError(self.number, self.columns.get(name, ""), self.t(message) % values))

    def date(self, name: str, hint: str) -> date | None:
        text = self.get(name)
        if not text:
            return None
        found = parse_date(text, hint)
        if found is None:
            self.error(name, gettext_noop("“%(value)s” is not a date such as 2026-04-01."), value=text[:40])
        elif not FIRST_YEAR <= found.year <= LAST_YEAR:
            self.error(
                name,
                gettext_noop("“%(value)s” is outside the years %(first)d to %(last)d."),
                value=text[:40],
                first=FIRST_YEAR,
                last=LAST_YEAR,
            )
            return None
        return found


def parse_date(text: str, hint: str = "") -> date | None:
    """A date written as 2026-04-01, 2026/4/1, 2026年4月1日 or Jira's 01/Apr/26 (a time after it is
    ignored), or in `hint` (strptime); None if it cannot be read."""
    value = unicodedata.normalize("NFKC", text).strip()
    if hint:
        for candidate in (value, value.split(" ")[0]):
            try:
                return datetime.strptime(candidate, hint).date()
            except ValueError:
                continue
    try:
        match = _ISO.match(value) or _JAPANESE.match(value)
        if match:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        match = _JIRA.match(value)
        if match:
            month_text = match.group(2).casefold()
            month = int(month_text[:-1]) if month_text.endswith("月") else _MONTHS.get(month_text, 0)
            year = int(match.group(3))
            return date(year + 2000 if year < 100 else year, month, int(match.group(1)))
    except ValueError:
        return None
    return None


def _number(text: str) -> Decimal | None:
    value = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if re.fullmatch(r"[+-]?\d+,\d+", value):
        value = value.replace(",", ".")
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


_TOO_MANY_MINUTES = Decimal(MAX_ESTIMATE_HOURS * 60 + 1)


def _minutes(text: str, unit: str, per_day: int) -> int | None:
    """An estimate in minutes (None if unreadable); "8:30" is hours and minutes. An estimate above
    MAX_ESTIMATE_HOURS comes back as one minute more than that (never as a huge number), for the caller
    to refuse."""
    value = unicodedata.normalize("NFKC", text).strip()
    match = _HOURS.match(value)
    if match:
        number, unit = Decimal(match.group(1)) + Decimal(match.group(2)) / 60, "hours"
    else:
        if value.casefold().endswith("h"):
            value, unit = value[:-1], "hours"
        found = _number(value)
        if found is None or found < 0:
            return None
        number = found
    factors = {
        "hours": Decimal(60),
        "seconds": Decimal(1) / 60,
        "minutes": Decimal(1),
        "days": Decimal(per_day),
    }
    return round(min(number * factors[unit], _TOO_MANY_MINUTES))


def _index(header: Sequence[str], columns: Mapping[str, str]) -> dict[str, list[int]]:
    positions: dict[str, list[int]] = {}
    for n, title in enumerate(header):
        positions.setdefault(_norm(title), []).append(n)
    return {name: positions.get(_norm(title), []) for name, title in columns.items()}


def _key_of(text: str, keys: Mapping[str, str]) -> str | None:
    """The key an issue reference names: the key itself, an issue id (Jira), or "#12"/"Bug #12: …"."""
    value = text.strip()
    if not value:
        return None
    if value in keys:
        return keys[value]
    if value.lstrip("#") in keys:
        return keys[value.lstrip("#")]
    match = _NUMBER_KEY.search(value)
    if match and match.group(1) in keys:
        return keys[match.group(1)]
    return None


def read_tracker(
    data: bytes, options: Mapping[str, Any] | None = None, *, translate: Translate | None = None
) -> ImportedProject:
    """The tasks of a tracker's CSV export (see the module docstring). Raises ImportFileError listing
    every problem of the file."""
    t = translate or _identity
    table = read_table(data, translate=t)
    opts = _options(table.header, options, t)
    columns = opts.columns
    if "key" not in columns or "name" not in columns:
        missing = [f for f in ("key", "name") if f not in columns]
        raise ImportFileError(
            [
                RowError(None, "", t(gettext_noop("Map a column to %(field)s.")) % {"field": f})
                for f in missing
            ]
        )
    index = _index(table.header, columns)
    errors: list[RowError] = []
    warnings: list[str] = []
    raw: list[tuple[_Row, str]] = []
    seen: dict[str, int] = {}
    ids: dict[str, str] = {}
    for number, cells in table.rows:
        row = _Row(number, cells, index, columns, errors, t)
        key = row.get("key").lstrip("#").strip() if opts.tracker == "redmine" else row.get("key")
        if not key:
            row.error("key", gettext_noop("The issue number or key is missing."))
            continue
        if len(key) > MAX_KEY:
            row.error("key", gettext_noop("An issue key has at most %(count)d characters."), count=MAX_KEY)
            continue
        if key in seen:
            row.error("key", gettext_noop("%(key)s is already on row %(row)d."), key=key, row=seen[key])
            continue
        seen[key] = number
        raw.append((row, key))
        ids[key] = key
        issue_id = row.get("issue_id")
        if issue_id:
            ids.setdefault(issue_id, key)
    tasks: dict[str, ImportedTask] = {}
    order: list[str] = []
    parents: dict[str, str | None] = {}
    orphans: list[str] = []
    ignored: set[str] = set()
    dropped: set[str] = set()
    links: dict[str, dict[str, ImportedLink]] = {}
    for row, key in raw:
        before = len(errors)
        name = row.get("name")
        if not name:
            row.error("name", gettext_noop("The subject is missing."))
        elif len(name) > MAX_NAME:
            row.error("name", gettext_noop("A subject has at most %(count)d characters."), count=MAX_NAME)
        start = row.date("start", opts.date_format)
        finish = row.date("finish", opts.date_format)
        closed_on = row.date("closed_on", opts.date_format)
        if start and finish and finish < start:
            row.error("finish", gettext_noop("The due date is before the start date."))
        percent: int | None = None
        text = row.get("percent_complete")
        if text:
            share = _number(text.rstrip("%").strip())
            if share is None or not (0 <= share <= 100):
                row.error(
                    "percent_complete",
                    gettext_noop("“%(value)s” is not a percentage from 0 to 100."),
                    value=text[:20],
                )
            else:
                percent = round(share)
        work: int | None = None
        text = row.get("estimate")
        if text:
            work = _minutes(text, opts.unit, opts.per_day)
            if work is None:
                row.error("estimate", gettext_noop("“%(value)s” is not an estimate."), value=text[:20])
            elif work > MAX_ESTIMATE_HOURS * 60:
                row.error(
                    "estimate",
                    gettext_noop("An estimate is at most %(count)s hours."),
                    count=f"{MAX_ESTIMATE_HOURS:,}",
                )
                work = None
        parent_text = row.get("parent")
        parent = _key_of(parent_text, ids) if parent_text else None
        if parent_text and parent is None:
            orphans.append(key)
        if parent == key:
            row.error("parent", gettext_noop("An issue cannot be its own parent."))
            parent = None
        # Both ends of a relation usually list it ("Blocks #12" here, "Blocked by #7" on #12): the
        # first one read is kept.
        for (pred, succ), lag in _relations(row, key, ids, opts, ignored, dropped):
            links.setdefault(succ, {}).setdefault(pred, ImportedLink(pred, LinkType.FS, lag))
        if len(errors) > before:
            continue
        status = row.get("status")
        closed = bool(status) and _norm(status) in opts.closed
        actual_start = actual_finish = None
        if closed:
            percent = 100
            if closed_on:
                actual_finish = closed_on
                actual_start = start if start and start <= closed_on else closed_on
        owner = row.get("owner")
        description = row.get("description") if "description" in columns else None
        tasks[key] = ImportedTask(
            key=key,
            name=name,
            row=row.number,
            start=start,
            finish=finish,
            actual_start=actual_start,
            actual_finish=actual_finish,
            percent_complete=percent,
            owners=(owner,) if owner else (),
            work=work,
            notes=description,
        )
        parents[key] = parent
        order.append(key)
    if errors:
        raise ImportFileError(errors)
    if not order:
        raise ImportFileError([RowError(None, "", t(gettext_noop("The file has no issues.")))])
    for key in order:  # a parent that is in the file but was refused is an error above; here all read
        if parents[key] is not None and parents[key] not in tasks:
            parents[key] = None
    outline, looped = _outline(order, parents)
    for key in looped:
        task = tasks[key]
        errors.append(
            RowError(
                task.row,
                columns.get("parent", ""),
                t(gettext_noop("The parents of %(key)s loop back to it.")) % {"key": key},
            )
        )
    if errors:
        raise ImportFileError(errors)
    if orphans:
        warnings.append(
            t(gettext_noop("Parents not in the file, so these issues are at the top level: %(keys)s."))
            % {"keys": _listed(orphans)}
        )
    if ignored:
        warnings.append(
            t(gettext_noop("Relations other than blocks and precedes are not imported: %(kinds)s."))
            % {"kinds": ", ".join(sorted(ignored))}
        )
    if dropped:
        warnings.append(
            t(gettext_noop("Links to issues not in the file are left out: %(keys)s."))
            % {"keys": _listed(sorted(dropped))}
        )
    family: list[str] = []
    result = []
    for key in outline:
        own_links = []
        for pred, link in links.get(key, {}).items():
            if pred not in tasks:
                continue
            if _related(pred, key, parents) or _related(key, pred, parents):
                # MS Project refuses a link between a summary task and its own subtasks.
                family.append(f"{pred} → {key}")
                continue
            own_links.append(link)
        result.append(replace(tasks[key], parent=parents[key], links=tuple(own_links)))
    if family:
        warnings.append(
            t(gettext_noop("Links between a parent and its own subtasks are left out: %(links)s."))
            % {"links": _listed(family)}
        )
    fields = {"start", "finish", "percent_complete", "owners", "work", "notes", "links"}
    wanted = {
        "start": "start",
        "finish": "finish",
        "percent_complete": "percent_complete",
        "owners": "owner",
        "work": "estimate",
        "notes": "description",
    }
    present = {f for f in fields if f in wanted and wanted[f] in columns}
    if {"relations", "blocks", "blocked_by"} & set(columns):
        present.add("links")
    if "status" in columns:
        present.add("percent_complete")
    if "closed_on" in columns and "status" in columns:
        present |= {"actual_start", "actual_finish"}
    return ImportedProject(
        tasks=tuple(result),
        name="",
        columns=frozenset(present),
        match="id",
        warnings=tuple(warnings),
    )


def _listed(keys: Sequence[str], limit: int = 10) -> str:
    shown = ", ".join(keys[:limit])
    return shown + (f" (+{len(keys) - limit})" if len(keys) > limit else "")


def _relations(
    row: _Row,
    key: str,
    ids: Mapping[str, str],
    opts: _Options,
    ignored: set[str],
    dropped: set[str],
) -> list[tuple[tuple[str, str], int]]:
    """The finish-to-start links a row names, as ((predecessor, successor), lag minutes)."""
    found: list[tuple[tuple[str, str], int]] = []
    for text in row.all("relations"):
        for part in (p.strip() for p in re.split(r"[,、\n]", text)):
            if not part:
                continue
            match = _RELATION.match(unicodedata.normalize("NFKC", part))
            if match is None or (match.group("lag") and match.group("lag_after")):
                row.error(
                    "relations",
                    gettext_noop("“%(value)s” is not a relation such as “Blocks #12”."),
                    value=part[:60],
                )
                continue
            label = _norm(match.group("label"))
            kind = RELATION_WORDS.get(label)
            if kind is None or kind == "ignore":
                ignored.add(label or "?")
                continue
            lag = 0
            delay = match.group("lag") or match.group("lag_after")
            if delay:
                lag_match = _LAG.match(delay.strip())
                if lag_match is None:
                    row.error(
                        "relations",
                        gettext_noop("“%(value)s” is not a delay in days."),
                        value=delay[:20],
                    )
                    continue
                lag = int(lag_match.group("n")) * opts.per_day
                if abs(lag) > 3650 * opts.per_day:
                    row.error("relations", gettext_noop("The delay is too long."))
                    continue
            other = _key_of(match.group("key"), ids)
            if other is None:
                dropped.add(match.group("key"))
                continue
            if other == key:
                continue
            pair = (key, other) if kind in ("blocks", "precedes") else (other, key)
            found.append((pair, lag))
    for name, forward in (("blocks", True), ("blocked_by", False)):
        for text in row.all(name):
            for ref in (r for r in re.split(r"[,\s]+", text) if r):
                other = _key_of(ref, ids)
                if other is None:
                    dropped.add(ref[:40])
                    continue
                if other != key:
                    found.append((((key, other) if forward else (other, key)), 0))
    return found


def _related(ancestor: str, key: str, parents: Mapping[str, str | None]) -> bool:
    """Whether `ancestor` is a parent, grandparent … of `key` (parents do not loop here)."""
    current = parents.get(key)
    while current is not None:
        if current == ancestor:
            return True
        current = parents.get(current)
    return False


def _outline(order: list[str], parents: Mapping[str, str | None]) -> tuple[list[str], list[str]]:
    """Keys in outline order (each parent before its children, siblings in file order) and the keys
    that cannot be placed because their parents loop."""
    children: dict[str | None, list[str]] = {}
    for key in order:
        children.setdefault(parents[key], []).append(key)
    out: list[str] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        key = stack.pop()
        out.append(key)
        stack.extend(reversed(children.get(key, [])))
    placed = set(out)
    return out, [k for k in order if k not in placed]


def read_tracker_issues(
    data: bytes, options: Mapping[str, Any] | None = None, *, translate: Translate | None = None
) -> list[TrackerIssue]:
    """The rows of a tracker's CSV export as RAID issues (texts as written; the app maps status and
    priority words). Raises ImportFileError listing every problem of the file."""
    t = translate or _identity
    table = read_table(data, translate=t)
    opts = _options(table.header, options, t)
    columns = opts.columns
    missing = [f for f in ("key", "name") if f not in columns]
    if missing:
        raise ImportFileError(
            [
                RowError(None, "", t(gettext_noop("Map a column to %(field)s.")) % {"field": f})
                for f in missing
            ]
        )
    index = _index(table.header, columns)
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    out: list[TrackerIssue] = []
    for number, cells in table.rows:
        row = _Row(number, cells, index, columns, errors, t)
        before = len(errors)
        key = row.get("key")
        if opts.tracker == "redmine":
            key = key.lstrip("#").strip()
        if not key:
            row.error("key", gettext_noop("The issue number or key is missing."))
        elif len(key) > MAX_KEY:
            row.error("key", gettext_noop("An issue key has at most %(count)d characters."), count=MAX_KEY)
        elif key in seen:
            row.error("key", gettext_noop("%(key)s is already on row %(row)d."), key=key, row=seen[key])
        else:
            seen[key] = number
        title = row.get("name")
        if not title:
            row.error("name", gettext_noop("The subject is missing."))
        elif len(title) > MAX_NAME:
            row.error("name", gettext_noop("A subject has at most %(count)d characters."), count=MAX_NAME)
        due = row.date("finish", opts.date_format)
        raised = row.date("created", opts.date_format)
        if len(errors) > before:
            continue
        out.append(
            TrackerIssue(
                key=key,
                title=title,
                row=number,
                description=row.get("description"),
                status=row.get("status"),
                priority=row.get("priority"),
                severity=row.get("severity"),
                owner=row.get("owner"),
                due_date=due,
                raised_on=raised,
                type=row.get("type"),
                mapped=frozenset(columns),
            )
        )
    if errors:
        raise ImportFileError(errors)
    if not out:
        raise ImportFileError([RowError(None, "", t(gettext_noop("The file has no issues.")))])
    return out


__all__ = [
    "CLOSED_WORDS",
    "DEFAULT_COLUMNS",
    "ESTIMATE_UNITS",
    "FIELDS",
    "PRIORITY_WORDS",
    "SEVERITY_WORDS",
    "STATUS_WORDS",
    "TRACKERS",
    "TrackerFile",
    "TrackerIssue",
    "default_columns",
    "default_options",
    "detect_tracker",
    "parse_date",
    "priority_code",
    "read_table",
    "read_tracker",
    "read_tracker_issues",
    "severity_code",
    "status_code",
]
