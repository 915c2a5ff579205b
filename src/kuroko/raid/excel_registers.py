"""The workbooks of the issue, action-item, decision and change-request registers: their columns, on the
framework of `kuroko.raid.excel` (the risk register's columns are `excel.risk_columns`).

Every field a person edits on a register's form has a column, read back the way people write it: people
by name, e-mail address or login; dates as dates or YYYY-MM-DD; choices by value or label (English or
Japanese); linked items by their reference in the same project (R-003, I-001, D-002, CR-001; several
separated by commas); affected tasks by WBS code; a schedule impact as a duration (5d, 4h, -1d). Columns
the register computes or its workflow decides (the item's number aside, which matches existing rows) are
written for reading but not imported: an issue's escalation level, completion dates, a change request's
status.

`REGISTERS` names each register's workbook: its key in URLs, its sheet and file name, its columns.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kuroko.raid import excel
from kuroko.raid.excel import CellError, Column, choice_label, read_date, read_decimal, read_text

# --- readers --------------------------------------------------------------------------------------------


def _norm(text: Any) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip().casefold()


def person_reader() -> Callable[[Any], int | None]:
    """Read a person written by full name, e-mail address or login name (an empty cell: nobody)."""
    from kuroko.people.models import Person

    people: dict[str, set[int]] = {}
    for someone in Person.objects.select_related("user").only(
        "pk", "family_name", "given_name", "email", "user__username"
    ):
        names = {someone.full_name, someone.email, someone.user.username if someone.user else ""}
        for key in {_norm(n).replace(" ", "") for n in names} - {""}:
            people.setdefault(key, set()).add(someone.pk)

    def read(value: Any) -> int | None:
        if value is None:
            return None
        found = people.get(_norm(value).replace(" ", ""), set())
        if len(found) != 1:
            message = (
                _("“%(value)s” is not a person: write their name, e-mail address or login.")
                if not found
                else _("More than one person is called “%(value)s”: write their e-mail address.")
            )
            raise CellError(message % {"value": value})
        return next(iter(found))

    return read


_REFERENCE = re.compile(r"^([A-Z]+)\s*-?\s*0*(\d+)$")


def parse_reference(value: Any, prefix: str) -> int | None:
    """The number of a reference like I-007 (also i-7, I7) with the register's prefix, else None."""
    match = _REFERENCE.match(unicodedata.normalize("NFKC", str(value)).strip().upper())
    if match is None or match.group(1) != prefix:
        return None
    return int(match.group(2))


def code_reader(model: type[models.Model]) -> Callable[[Any], str]:
    """Read the register's own reference column (matches existing rows): normalised to I-007 form."""
    prefix = model.PREFIX  # type: ignore[attr-defined]

    def read(value: Any) -> str:
        if value is None:
            return ""
        number = parse_reference(read_text(value), prefix)
        if number is None:
            raise CellError(
                _("“%(value)s” is not a reference of this register (like %(example)s).")
                % {"value": value, "example": f"{prefix}-001"}
            )
        return f"{prefix}-{number:03d}"

    return read


def _references(model: type[models.Model], project: Any) -> dict[int, int]:
    """Number → primary key of the project's items of one register."""
    return dict(model._default_manager.filter(project=project).values_list("number", "pk"))


def link_reader(model: type[models.Model], project: Any) -> Callable[[Any], int | None]:
    """Read one linked item of the same project by its reference (an empty cell: no link)."""
    many = links_reader(model, project)

    def read(value: Any) -> int | None:
        found = many(value)
        if len(found) > 1:
            raise CellError(_("Give one reference, not several."))
        return found[0] if found else None

    return read


def links_reader(model: type[models.Model], project: Any) -> Callable[[Any], list[int]]:
    """Read linked items of the same project by their references, separated by commas."""
    prefix = model.PREFIX  # type: ignore[attr-defined]
    numbers = _references(model, project)
    what = model._meta.verbose_name

    def read(value: Any) -> list[int]:
        if value is None:
            return []
        out: list[int] = []
        for part in re.split(r"[,、;；\s]+", read_text(value)):
            part = part.strip()
            if not part:
                continue
            number = parse_reference(part, prefix)
            if number is None:
                raise CellError(
                    _("“%(value)s” is not a reference of the %(what)s register (like %(example)s).")
                    % {"value": part, "what": what, "example": f"{prefix}-001"}
                )
            if number not in numbers:
                raise CellError(
                    _("There is no %(what)s %(code)s in project %(project)s.")
                    % {"what": what, "code": f"{prefix}-{number:03d}", "project": project.code}
                )
            if numbers[number] not in out:
                out.append(numbers[number])
        return out

    return read


def tasks_reader(project: Any) -> Callable[[Any], list[int]]:
    """Read affected tasks by WBS code, separated by commas."""
    from kuroko.projects.models import Task

    wbs = dict(Task.objects.filter(project=project).values_list("wbs_code", "pk"))

    def read(value: Any) -> list[int]:
        if value is None:
            return []
        out = []
        for code in re.split(r"[,、;；]+", read_text(value)):
            code = code.strip()
            if not code:
                continue
            if code not in wbs:
                raise CellError(
                    _("No task with WBS code %(code)s in project %(project)s.")
                    % {"code": code, "project": project.code}
                )
            if wbs[code] not in out:
                out.append(wbs[code])
        return out

    return read


def duration_reader(units: Any) -> Callable[[Any], int]:
    """Read working time written as a duration (5d, 4h, -1d); an empty cell is none (0)."""
    from kuroko.engine.duration import DurationError, parse_duration

    def read(value: Any) -> int:
        if value is None:
            return 0
        try:
            return parse_duration(read_text(value), units, allow_negative=True)
        except DurationError:
            raise CellError(
                _("“%(value)s” is not a duration; write e.g. 3d or 4h.") % {"value": value}
            ) from None

    return read


def amount_reader(value: Any) -> Any:
    """An amount; an empty cell is none (0)."""
    amount = read_decimal(value)
    return 0 if amount is None else amount


def baseline_reader(project: Any) -> Callable[[Any], int | None]:
    """Read the baseline a change request changes: its number (0–10) or its label."""
    from django.utils import translation

    from kuroko.projects.models import Baseline

    by_number: dict[int, int] = {}
    by_label: dict[str, int] = {}
    for baseline in Baseline.objects.filter(project=project):
        by_number[baseline.number] = baseline.pk
        for language in ("en", "ja"):
            with translation.override(language):
                by_label[_norm(baseline.label)] = baseline.pk

    def read(value: Any) -> int | None:
        if value is None:
            return None
        text = read_text(value)
        if text.isdigit() and int(text) in by_number:
            return by_number[int(text)]
        if _norm(text) in by_label:
            return by_label[_norm(text)]
        raise CellError(
            _("Project %(project)s has no baseline “%(value)s”: write its number.")
            % {"project": project.code, "value": value}
        )

    return read


# --- writers --------------------------------------------------------------------------------------------


def _label(model: type[models.Model], name: str) -> Any:
    return capfirst(getattr(model._meta.get_field(name), "verbose_name", name))


def _attr(name: str) -> Callable[[Any], Any]:
    return lambda item: getattr(item, name)


def _choice(choices: Any, name: str) -> Callable[[Any], str]:
    return lambda item: choice_label(choices, getattr(item, name))


def _person(name: str) -> Callable[[Any], str | None]:
    def write(item: Any) -> str | None:
        person = getattr(item, name)
        return person.full_name if person is not None else None

    return write


def _link(name: str) -> Callable[[Any], str | None]:
    def write(item: Any) -> str | None:
        linked = getattr(item, name)
        return linked.code if linked is not None else None

    return write


def _links(name: str) -> Callable[[Any], str]:
    return lambda item: ", ".join(x.code for x in sorted(getattr(item, name).all(), key=lambda x: x.number))


def _tasks(item: Any) -> str:
    return ", ".join(t.wbs_code for t in sorted(item.tasks.all(), key=lambda t: t.row))


def _code_column(model: type[models.Model]) -> Column:
    return Column("code", gettext_lazy("No."), lambda item: item.code, code_reader(model), width=8)


def _title_column(model: type[models.Model]) -> Column:
    return Column("title", _label(model, "title"), _attr("title"), read_text, required=True, width=36)


def _text(model: type[models.Model], name: str, width: int = 30) -> Column:
    return Column(name, _label(model, name), _attr(name), read_text, width=width)


def _date(model: type[models.Model], name: str, *, imported: bool = True) -> Column:
    return Column(name, _label(model, name), _attr(name), read_date if imported else None, width=12)


def _owner(model: type[models.Model], name: str = "owner") -> Column:
    return Column(name, _label(model, name), _person(name), person_reader(), width=16)


# --- the registers --------------------------------------------------------------------------------------


def issue_columns(project: Any, *, units: Any = None) -> list[Column]:
    """The columns of a project's issue register workbook."""
    from kuroko.raid.models import Issue, IssueStatus, Priority, Risk, Severity

    return [
        _code_column(Issue),
        _title_column(Issue),
        Column(
            "severity",
            _label(Issue, "severity"),
            _choice(Severity.choices, "severity"),
            excel.read_choice(Severity.choices, default=Severity.MEDIUM),
            width=10,
        ),
        Column(
            "priority",
            _label(Issue, "priority"),
            _choice(Priority.choices, "priority"),
            excel.read_choice(Priority.choices, default=Priority.NORMAL),
            width=10,
        ),
        Column(
            "status",
            _label(Issue, "status"),
            _choice(IssueStatus.choices, "status"),
            excel.read_choice(IssueStatus.choices, default=IssueStatus.OPEN),
        ),
        _owner(Issue),
        _date(Issue, "due_date"),
        _text(Issue, "description"),
        _text(Issue, "resolution"),
        Column("risk", _label(Issue, "risk"), _link("risk"), link_reader(Risk, project), width=10),
        Column("tasks", _label(Issue, "tasks"), _tasks, tasks_reader(project), width=18),
        _date(Issue, "raised_on", imported=False),
        Column(
            "escalation_level",
            _label(Issue, "escalation_level"),
            lambda item: item.get_escalation_level_display(),
            None,
        ),
        _date(Issue, "resolved_on", imported=False),
    ]


def action_columns(project: Any, *, units: Any = None) -> list[Column]:
    """The columns of a project's action-item register workbook."""
    from kuroko.raid.models import ActionItem, ActionStatus, ChangeRequest, Decision, Issue, Risk

    def link(name: str, model: type[models.Model]) -> Column:
        return Column(name, _label(ActionItem, name), _link(name), link_reader(model, project), width=10)

    return [
        _code_column(ActionItem),
        _title_column(ActionItem),
        _owner(ActionItem),
        _date(ActionItem, "due_date"),
        Column(
            "status",
            _label(ActionItem, "status"),
            _choice(ActionStatus.choices, "status"),
            excel.read_choice(ActionStatus.choices, default=ActionStatus.OPEN),
        ),
        _text(ActionItem, "description"),
        link("risk", Risk),
        link("issue", Issue),
        link("decision", Decision),
        link("change_request", ChangeRequest),
        _date(ActionItem, "completed_on", imported=False),
    ]


def decision_columns(project: Any, *, units: Any = None) -> list[Column]:
    """The columns of a project's decision log workbook."""
    from kuroko.raid.models import ChangeRequest, Decision, DecisionStatus, Issue, Risk

    def links(name: str, model: type[models.Model], label: Any = None) -> Column:
        header = label or _label(Decision, name)
        return Column(name, header, _links(name), links_reader(model, project), width=16)

    return [
        _code_column(Decision),
        _title_column(Decision),
        Column(
            "status",
            _label(Decision, "status"),
            _choice(DecisionStatus.choices, "status"),
            excel.read_choice(DecisionStatus.choices, default=DecisionStatus.PENDING),
        ),
        _date(Decision, "decided_on"),
        _text(Decision, "decided_by", width=20),
        _date(Decision, "due_date"),
        _owner(Decision),
        _text(Decision, "description"),
        _text(Decision, "options"),
        _text(Decision, "rationale"),
        links("risks", Risk),
        links("issues", Issue),
        links("change_requests", ChangeRequest, capfirst(gettext_lazy("related change requests"))),
    ]


def change_columns(project: Any, *, units: Any = None) -> list[Column]:
    """The columns of a project's change-request register workbook. The status is written but not read:
    the approval workflow sets it."""
    from kuroko.engine.duration import format_duration
    from kuroko.raid.models import ChangeRequest, Decision

    def baseline(item: Any) -> int | None:
        return item.baseline.number if item.baseline is not None else None

    return [
        _code_column(ChangeRequest),
        _title_column(ChangeRequest),
        Column(
            "status",
            _label(ChangeRequest, "status"),
            lambda item: item.get_status_display(),
            None,
        ),
        _owner(ChangeRequest, "requested_by"),
        _date(ChangeRequest, "requested_on"),
        _owner(ChangeRequest),
        _text(ChangeRequest, "description"),
        _text(ChangeRequest, "reason"),
        _text(ChangeRequest, "scope_impact"),
        Column(
            "schedule_impact_minutes",
            capfirst(gettext_lazy("schedule impact")),
            lambda item: format_duration(item.schedule_impact_minutes, units),
            duration_reader(units),
        ),
        Column(
            "cost_impact",
            _label(ChangeRequest, "cost_impact"),
            _attr("cost_impact"),
            amount_reader,
            number_format="#,##0",
        ),
        Column("baseline", _label(ChangeRequest, "baseline"), baseline, baseline_reader(project), width=10),
        Column(
            "decisions",
            _label(ChangeRequest, "decisions"),
            _links("decisions"),
            links_reader(Decision, project),
            width=16,
        ),
    ]


@dataclass(frozen=True)
class RegisterBook:
    """A register's workbook: its key in URLs (`issues`), its sheet name, file name and columns."""

    key: str
    sheet: Any
    columns: Callable[..., list[Column]]


REGISTERS: dict[str, RegisterBook] = {
    "risks": RegisterBook("risks", gettext_lazy("Risks"), excel.risk_columns),
    "issues": RegisterBook("issues", gettext_lazy("Issues"), issue_columns),
    "actions": RegisterBook("actions", gettext_lazy("Action items"), action_columns),
    "decisions": RegisterBook("decisions", gettext_lazy("Decisions"), decision_columns),
    "changes": RegisterBook("changes", gettext_lazy("Change requests"), change_columns),
}
