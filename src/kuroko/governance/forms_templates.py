"""Forms of the templates pages, and the draft editor's tables ⇄ a template document.

The editor shows a document as plain tables (phases, gate criteria, deliverables, roles, risks and the
WBS skeleton with outline levels and MS Project predecessors such as ``3FS+2d``, by row number), so a PMO
never has to write JSON. `document_json_from_rows` turns the posted tables back into the document's JSON;
the service checks it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as gettext_lazy

from kuroko.engine.duration import DurationUnits
from kuroko.formats.predecessors import (
    PredecessorError,
    PredecessorRef,
    format_predecessor,
    parse_predecessors,
)
from kuroko.formats.project_template import TemplateDocument
from kuroko.people.models import Person
from kuroko.projects.models import ProjectType

BLANK_ROWS = 3

COLUMNS: dict[str, tuple[str, ...]] = {
    "phase": ("key", "name", "summary_task"),
    "criterion": (
        "phase",
        "key",
        "kind",
        "text",
        "deliverable",
        "metric",
        "operator",
        "threshold",
        "required",
    ),
    "deliverable": ("key", "phase", "name", "description", "required"),
    "role": ("key", "name", "skill", "units_percent"),
    "risk": ("key", "title", "category", "probability", "impact", "response"),
    "task": (
        "key",
        "level",
        "name",
        "duration_days",
        "offset_days",
        "predecessors",
        "role",
        "milestone",
        "work_hours",
        "notes",
    ),
}
CHECKBOXES = {"required", "milestone"}


class ProjectTypeForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ProjectType
        fields = ("code", "name", "description")
        widgets = {"description": forms.TextInput()}


class TemplateCreateForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=30)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    project_type = forms.ModelChoiceField(
        label=gettext_lazy("Project type"), queryset=ProjectType.objects.all()
    )
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Template document (JSON)"))


class SaveAsTemplateForm(forms.Form):
    template = forms.ChoiceField(label=gettext_lazy("Template"), required=False)
    code = forms.CharField(label=gettext_lazy("Code of a new template"), max_length=30, required=False)
    name = forms.CharField(label=gettext_lazy("Name of a new template"), max_length=200, required=False)
    project_type = forms.ModelChoiceField(
        label=gettext_lazy("Project type"), queryset=ProjectType.objects.all(), required=False
    )

    def __init__(self, *args: Any, templates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [("", _("A new template")), *templates]  # type: ignore[attr-defined]


class FromTemplateForm(forms.Form):
    version = forms.ChoiceField(label=gettext_lazy("Template version"))
    code = forms.CharField(label=gettext_lazy("Code"), max_length=30)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    start = forms.DateField(label=gettext_lazy("Start"), widget=forms.DateInput(attrs={"type": "date"}))
    manager = forms.ModelChoiceField(
        label=gettext_lazy("Project manager"), queryset=Person.objects.filter(is_active=True), required=False
    )

    def __init__(
        self, *args: Any, versions: list[tuple[str, str]], roles: list[tuple[str, str]], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.fields["version"].choices = versions  # type: ignore[attr-defined]
        self.role_names = []
        for key, name in roles:
            field_name = f"role_{key}"
            self.fields[field_name] = forms.ModelChoiceField(
                label=name,
                queryset=Person.objects.filter(is_active=True),
                required=False,
                empty_label=_("(placeholder)"),
            )
            self.role_names.append(field_name)

    def role_fields(self) -> list[Any]:
        return [self[name] for name in self.role_names]

    def people(self) -> dict[str, Person | None]:
        return {name[len("role_") :]: self.cleaned_data.get(name) for name in self.role_names}


# --- The editor's tables ----------------------------------------------------------------------------


def _number(value: Any) -> str:
    if value is None:
        return ""
    text = format(value, "f") if not isinstance(value, float) else f"{value:g}"
    return text


def editor_rows(document: TemplateDocument, units: DurationUnits) -> dict[str, list[dict[str, Any]]]:
    """The document as the editor's table rows (plus blank rows to add to)."""
    index = {t.key: n for n, t in enumerate(document.tasks, start=1)}
    level: dict[str, int] = {}
    predecessors: dict[str, list[str]] = {}
    per_day = int(units.hours_per_day * 60)
    for link in document.links:
        ref = PredecessorRef(None, str(index[link.predecessor]), link.type, link.lag_days * per_day)
        predecessors.setdefault(link.successor, []).append(format_predecessor(ref, units))
    tasks = []
    for task in document.tasks:
        level[task.key] = level[task.parent] + 1 if task.parent in level else 1
        tasks.append(
            {
                "key": task.key,
                "level": level[task.key],
                "name": task.name,
                "duration_days": task.duration_days,
                "offset_days": task.offset_days or "",
                "predecessors": ", ".join(predecessors.get(task.key, [])),
                "role": task.role,
                "milestone": task.milestone,
                "work_hours": _number(task.work_hours) if task.work_hours else "",
                "notes": task.notes,
            }
        )
    rows: dict[str, list[dict[str, Any]]] = {
        "phase": [{"key": p.key, "name": p.name, "summary_task": p.summary_task} for p in document.phases],
        "criterion": [
            {
                "phase": phase,
                "key": c.key,
                "kind": c.kind,
                "text": c.text,
                "deliverable": c.deliverable,
                "metric": c.metric,
                "operator": c.operator,
                "threshold": _number(c.threshold),
                "required": c.required,
            }
            for phase, c in document.criteria()
        ],
        "deliverable": [
            {
                "key": d.key,
                "phase": d.phase,
                "name": d.name,
                "description": d.description,
                "required": d.required,
            }
            for d in document.deliverables
        ],
        "role": [
            {"key": r.key, "name": r.name, "skill": r.skill, "units_percent": r.units_percent}
            for r in document.roles
        ],
        "risk": [
            {
                "key": r.key,
                "title": r.title,
                "category": r.category,
                "probability": r.probability,
                "impact": r.impact,
                "response": r.response,
            }
            for r in document.risks
        ],
        "task": tasks,
    }
    return with_blanks(rows)


def with_blanks(rows: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    out = {}
    for kind, items in rows.items():
        blank = {c: ("" if c not in CHECKBOXES else kind != "task") for c in COLUMNS[kind]}
        out[kind] = [*items, *({**blank, "_blank": True} for _n in range(BLANK_ROWS))]
    return out


def rows_from_post(post: Any) -> dict[str, list[dict[str, Any]]]:
    """The posted tables: each column is a list of inputs named ``<kind>-<column>``; checkboxes post the
    row number (``<kind>-<column>`` with value n) since unchecked boxes post nothing."""
    out: dict[str, list[dict[str, Any]]] = {}
    for kind, columns in COLUMNS.items():
        count = len(post.getlist(f"{kind}-key"))
        rows = []
        for n in range(count):
            row: dict[str, Any] = {}
            for column in columns:
                if column in CHECKBOXES:
                    row[column] = str(n) in post.getlist(f"{kind}-{column}")
                else:
                    values = post.getlist(f"{kind}-{column}")
                    row[column] = values[n].strip() if n < len(values) else ""
            if any(row[c] for c in columns if c not in CHECKBOXES):
                rows.append(row)
        out[kind] = rows
    return out


def _whole(value: Any, default: int = 0) -> Any:
    text = str(value).strip()
    if text == "":
        return default
    return int(text) if re.fullmatch(r"-?\d+", text) else text  # text: the service names the problem


def _days(value: Any) -> Any:
    """Working days as typed: a whole number, a decimal (0.25), else the text (the service names it)."""
    text = str(value).strip()
    if text == "":
        return 0
    if re.fullmatch(r"\d+", text):
        return int(text)
    return float(text) if re.fullmatch(r"\d*\.\d+", text) else text


def _decimal_text(value: Any) -> Any:
    text = str(value).strip()
    if text == "":
        return 0
    try:
        return float(text)
    except ValueError:
        return text


def document_json_from_rows(
    rows: Mapping[str, list[dict[str, Any]]], units: DurationUnits
) -> tuple[dict[str, Any], list[str]]:
    """The document's JSON from the editor's tables, and the problems only the tables can have (outline
    levels, predecessor notation); the rest is checked by the service."""
    errors: list[str] = []
    per_day = int(units.hours_per_day * 60)
    tasks = []
    stack: list[tuple[int, str]] = []
    for n, row in enumerate(rows["task"], start=1):
        level = _whole(row["level"], 1)
        if not isinstance(level, int) or level < 1:
            errors.append(_("WBS row %(n)s: the outline level must be a whole number from 1.") % {"n": n})
            level = 1
        while stack and stack[-1][0] >= level:
            stack.pop()
        if level > (stack[-1][0] + 1 if stack else 1):
            errors.append(
                _("WBS row %(n)s: the outline level can go down only one step at a time.") % {"n": n}
            )
        parent = stack[-1][1] if stack else ""
        stack.append((level, row["key"]))
        tasks.append(
            {
                "key": row["key"],
                "name": row["name"],
                "parent": parent,
                "duration_days": _days(row["duration_days"]),
                "offset_days": _whole(row["offset_days"]),
                "milestone": bool(row["milestone"]),
                "role": row["role"],
                "work_hours": _decimal_text(row["work_hours"]),
                "notes": row["notes"],
            }
        )
    links = []
    for n, row in enumerate(rows["task"], start=1):
        try:
            refs = parse_predecessors(row["predecessors"], units)
        except PredecessorError as exc:
            errors.append(
                _("WBS row %(n)s: predecessors: “%(item)s” cannot be read.") % {"n": n, "item": exc.item}
            )
            continue
        for ref in refs:
            number = int(ref.code.split(".")[0]) if ref.code.split(".")[0].isdigit() else 0
            if "." in ref.code or not 1 <= number <= len(tasks) or ref.project:
                errors.append(_("WBS row %(n)s: there is no row %(ref)s.") % {"n": n, "ref": ref.code})
                continue
            if ref.lag_minutes % per_day:
                errors.append(_("WBS row %(n)s: a template's lags are whole working days.") % {"n": n})
            links.append(
                {
                    "predecessor": tasks[number - 1]["key"],
                    "successor": row["key"],
                    "type": ref.type,
                    "lag_days": ref.lag_minutes // per_day,
                }
            )
    phases: dict[str, dict[str, Any]] = {}
    for row in rows["phase"]:
        phases[row["key"]] = {
            "key": row["key"],
            "name": row["name"],
            "summary_task": row["summary_task"],
            "criteria": [],
        }
    phase_list = list(phases.values())
    for n, row in enumerate(rows["criterion"], start=1):
        criterion = {
            "key": row["key"],
            "kind": row["kind"],
            "text": row["text"],
            "deliverable": row["deliverable"],
            "metric": row["metric"],
            "operator": row["operator"],
            "threshold": row["threshold"] or None,
            "required": bool(row["required"]),
        }
        target = phases.get(row["phase"])
        if target is None:
            errors.append(
                _("Gate criterion %(n)s: there is no phase %(key)s.") % {"n": n, "key": row["phase"] or "—"}
            )
            continue
        target["criteria"].append(criterion)
    content = {
        "phases": phase_list,
        "tasks": tasks,
        "links": links,
        "roles": [
            {
                "key": r["key"],
                "name": r["name"],
                "skill": r["skill"],
                "units_percent": _whole(r["units_percent"], 100),
            }
            for r in rows["role"]
        ],
        "deliverables": [
            {
                "key": d["key"],
                "phase": d["phase"],
                "name": d["name"],
                "description": d["description"],
                "required": bool(d["required"]),
            }
            for d in rows["deliverable"]
        ],
        "risks": [
            {
                "key": r["key"],
                "title": r["title"],
                "category": r["category"],
                "probability": _whole(r["probability"], 3),
                "impact": _whole(r["impact"], 3),
                "response": r["response"],
            }
            for r in rows["risk"]
        ],
    }
    return content, errors


_PATH = re.compile(r"^(tasks|phases|deliverables|roles|risks|links)\[(\d+)\](?:\.criteria\[(\d+)\])?(\.?)")


def readable_path(message: str) -> str:
    """A service message's path in the editor's words: ``tasks[3].name`` → ``WBS row 4 · name``."""
    labels = {
        "tasks": _("WBS row %(n)s"),
        "phases": _("Phase %(n)s"),
        "deliverables": _("Deliverable %(n)s"),
        "roles": _("Role %(n)s"),
        "risks": _("Risk %(n)s"),
        "links": _("Link %(n)s"),
    }

    def word(match: re.Match[str]) -> str:
        text = labels[match[1]] % {"n": int(match[2]) + 1}
        if match[3] is not None:
            text += " · " + _("criterion %(n)s") % {"n": int(match[3]) + 1}
        return text + (" · " if match[4] else "")

    return _PATH.sub(word, message)
