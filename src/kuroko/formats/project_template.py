"""The template document: a methodology template's standard plan as JSON (a template version's content).

A document lists the phases with their gate criteria, a WBS skeleton (tasks in outline order with
durations and offsets in working days, links, roles), deliverables per phase, default risks and report
settings. `document_from_json` reads and checks one, reporting every problem with its path
(``tasks[3].duration_days: must be a whole number ≥ 0``); `document_to_json` writes it back exactly;
`document_diff` compares two documents element by element (by key).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation
from typing import Any

CRITERION_KINDS = ("checklist", "deliverable", "metric")
OPERATORS = (">=", ">", "<=", "<", "=")
LINK_TYPES = ("FS", "SS", "FF", "SF")
MAX_KEY = 60


def gettext_noop(message: str) -> str:
    """Mark a message for translation; the services word it in the user's language."""
    return message


class TemplateError(ValueError):
    """The document has problems; `errors` lists every one as (path, message) pairs."""

    def __init__(self, details: list[tuple[str, str, dict[str, Any]]]) -> None:
        self.details = list(details)
        self.errors = [(path, message % params if params else message) for path, message, params in details]
        super().__init__("; ".join(f"{path}: {message}" for path, message in self.errors))

    def messages(self, translate: Callable[[str], str] | None = None) -> list[str]:
        """Each problem as "path: message", the message translated by `translate` if given."""
        t = translate or (lambda m: m)
        out = []
        for path, message, params in self.details:
            text = t(message) % params if params else t(message)
            out.append(f"{path}: {text}" if path else text)
        return out


@dataclass(frozen=True, slots=True)
class TemplateCriterion:
    """A gate criterion of a phase: a checklist question, a deliverable to approve or a metric threshold."""

    key: str
    kind: str
    text: str
    deliverable: str = ""
    metric: str = ""
    operator: str = ""
    threshold: Decimal | None = None
    required: bool = True

    def __post_init__(self) -> None:
        if self.kind not in CRITERION_KINDS:
            raise ValueError(f"A criterion's kind is one of {', '.join(CRITERION_KINDS)}.")


@dataclass(frozen=True, slots=True)
class TemplatePhase:
    """A phase (要件定義, 基本設計 …), spanned by a summary task, ended by a gate with its criteria."""

    key: str
    name: str
    summary_task: str = ""
    criteria: tuple[TemplateCriterion, ...] = ()


@dataclass(frozen=True, slots=True)
class TemplateTask:
    """A task of the WBS skeleton; durations (two decimals at most) and offsets in working days; a
    milestone is marked as one (and takes 0 days)."""

    key: str
    name: str
    parent: str = ""
    duration_days: int | float = 0
    offset_days: int = 0
    milestone: bool = False
    role: str = ""
    work_hours: float = 0.0
    notes: str = ""

    def __post_init__(self) -> None:
        if self.duration_days < 0 or self.offset_days < 0 or self.work_hours < 0:
            raise ValueError("A task's duration, offset and work are never negative.")


@dataclass(frozen=True, slots=True)
class TemplateLink:
    """A link between two tasks of the skeleton, with a lag in working days (negative: a lead)."""

    predecessor: str
    successor: str
    type: str = "FS"
    lag_days: int = 0

    def __post_init__(self) -> None:
        if self.type not in LINK_TYPES:
            raise ValueError(f"A link's type is one of {', '.join(LINK_TYPES)}.")

    @property
    def key(self) -> str:
        return f"{self.predecessor}→{self.successor}"


@dataclass(frozen=True, slots=True)
class TemplateRole:
    """A role of the template's team (PM, SE, PG …): a person is chosen for it when a project is created."""

    key: str
    name: str
    skill: str = ""
    units_percent: int = 100


@dataclass(frozen=True, slots=True)
class TemplateDeliverable:
    """A deliverable or document required in a phase."""

    key: str
    phase: str
    name: str
    description: str = ""
    required: bool = True


@dataclass(frozen=True, slots=True)
class TemplateRisk:
    """A risk every project of the template starts with (probability and impact 1–5)."""

    key: str
    title: str
    category: str = ""
    probability: int = 3
    impact: int = 3
    response: str = ""

    def __post_init__(self) -> None:
        if not (1 <= self.probability <= 5 and 1 <= self.impact <= 5):
            raise ValueError("A risk's probability and impact are 1 to 5.")


@dataclass(frozen=True, slots=True)
class TemplateDocument:
    """A whole template document (see the module docstring)."""

    phases: tuple[TemplatePhase, ...] = ()
    tasks: tuple[TemplateTask, ...] = ()
    links: tuple[TemplateLink, ...] = ()
    roles: tuple[TemplateRole, ...] = ()
    deliverables: tuple[TemplateDeliverable, ...] = ()
    risks: tuple[TemplateRisk, ...] = ()
    report: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.phases or self.tasks or self.deliverables or self.risks or self.roles)

    def criteria(self) -> list[tuple[str, TemplateCriterion]]:
        """Every criterion with its phase's key, in document order."""
        return [(phase.key, c) for phase in self.phases for c in phase.criteria]

    def children(self) -> dict[str, list[str]]:
        """Task keys by parent key ("" for the top level), in document order."""
        out: dict[str, list[str]] = {}
        for task in self.tasks:
            out.setdefault(task.parent, []).append(task.key)
        return out


# --- Reading ----------------------------------------------------------------------------------------


class _Reader:
    """Collects every problem of one document while reading its parts."""

    def __init__(self) -> None:
        self.errors: list[tuple[str, str, dict[str, Any]]] = []

    def error(self, path: str, message: str, **params: Any) -> None:
        self.errors.append((path, message, params))

    def obj(self, value: Any, path: str) -> dict[str, Any] | None:
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            self.error(path, gettext_noop("must be an object"))
            return None
        return value

    def items(self, data: Mapping[str, Any], name: str, path: str = "") -> list[tuple[str, dict[str, Any]]]:
        where = f"{path}.{name}" if path else name
        value = data.get(name, [])
        if not isinstance(value, list):
            self.error(where, gettext_noop("must be a list"))
            return []
        out = []
        for n, item in enumerate(value):
            found = self.obj(item, f"{where}[{n}]")
            if found is not None:
                out.append((f"{where}[{n}]", found))
        return out

    def text(
        self, data: Mapping[str, Any], name: str, path: str, *, required: bool = False, limit: int = 0
    ) -> str:
        value = data.get(name, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.error(f"{path}.{name}", gettext_noop("must be text"))
            return ""
        value = value.strip()
        if required and not value:
            self.error(f"{path}.{name}", gettext_noop("is required"))
        elif limit and len(value) > limit:
            self.error(f"{path}.{name}", gettext_noop("is too long"))
        return str(value)

    def key(self, data: Mapping[str, Any], path: str) -> str:
        value = self.text(data, "key", path, required=True, limit=MAX_KEY)
        return value

    def whole(
        self,
        data: Mapping[str, Any],
        name: str,
        path: str,
        *,
        default: int,
        low: int | None,
        high: int | None = None,
    ) -> int:
        value = data.get(name, default)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (isinstance(value, float) and (not math.isfinite(value) or value != int(value)))
        ):
            bad = True
        else:
            value = int(value)
            bad = (low is not None and value < low) or (high is not None and value > high)
        if bad:
            too_low = isinstance(value, int) and low is not None and value < low
            if low is not None and high is not None and not too_low:
                self.error(
                    f"{path}.{name}",
                    gettext_noop("must be a whole number from %(low)s to %(high)s"),
                    low=low,
                    high=high,
                )
            elif low is not None:
                self.error(f"{path}.{name}", gettext_noop("must be a whole number ≥ %(low)s"), low=low)
            else:
                self.error(f"{path}.{name}", gettext_noop("must be a whole number"))
            return default
        return int(value)

    def days(self, data: Mapping[str, Any], name: str, path: str) -> int | float:
        """Working days ≥ 0 with at most two decimals (0.25 is two hours of an 8-hour day); a whole
        number reads as an int so that it is written back as it was."""
        value = data.get(name, 0)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value < 0
            or value > 100000
            or round(value, 2) != value
        ):
            self.error(
                f"{path}.{name}",
                gettext_noop("must be a number of days from 0 to 100000, at most 2 decimals"),
            )
            return 0
        return int(value) if value == int(value) else float(value)

    def number(self, data: Mapping[str, Any], name: str, path: str) -> float:
        value = data.get(name, 0)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value < 0
        ):
            self.error(f"{path}.{name}", gettext_noop("must be a number ≥ 0"))
            return 0.0
        return float(value)

    def flag(self, data: Mapping[str, Any], name: str, path: str, *, default: bool) -> bool:
        value = data.get(name, default)
        if not isinstance(value, bool):
            self.error(f"{path}.{name}", gettext_noop("must be true or false"))
            return default
        return value

    def unique(self, keys: list[tuple[str, str]], what: str) -> set[str]:
        seen: set[str] = set()
        for path, key in keys:
            if not key:
                continue
            if key in seen:
                self.error(f"{path}.key", gettext_noop("the key %(key)s is used twice"), key=key)
            seen.add(key)
        return seen


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if not isinstance(value, int | float | str):
        return None
    try:
        found = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return found if found.is_finite() and abs(found) < Decimal("1e8") else None


def document_from_json(obj: Any, *, metrics: Collection[str] | None = None) -> TemplateDocument:
    """Read and check a template document.

    Parameters
    ----------
    obj
        The parsed JSON (a dict with the lists ``phases``, ``tasks``, ``links``, ``roles``,
        ``deliverables``, ``risks`` and the object ``report``; missing lists are empty).
    metrics
        The metric keys a metric criterion may name; None accepts any non-empty key.

    Returns
    -------
    TemplateDocument

    Raises
    ------
    TemplateError
        With every problem found, each naming its path: wrong types, missing or repeated keys,
        references to keys that do not exist, a parent cycle, a link cycle, tasks not in outline order.
    """
    r = _Reader()
    data = r.obj(obj, "")
    if data is None:
        raise TemplateError(r.errors)
    known = {"phases", "tasks", "links", "roles", "deliverables", "risks", "report"}
    for name in sorted(set(data) - known):
        r.error(name, gettext_noop("is not part of a template document"))

    roles = []
    for path, item in r.items(data, "roles"):
        roles.append(
            (
                path,
                TemplateRole(
                    key=r.key(item, path),
                    name=r.text(item, "name", path, required=True, limit=200),
                    skill=r.text(item, "skill", path, limit=100),
                    units_percent=r.whole(item, "units_percent", path, default=100, low=1, high=1000),
                ),
            )
        )
    role_keys = r.unique([(p, x.key) for p, x in roles], "role")

    tasks = []
    for path, item in r.items(data, "tasks"):
        duration = r.days(item, "duration_days", path)
        milestone = r.flag(item, "milestone", path, default=False)
        if milestone and duration:
            r.error(f"{path}.duration_days", gettext_noop("a milestone takes 0 days"))
            duration = 0
        tasks.append(
            (
                path,
                TemplateTask(
                    key=r.key(item, path),
                    name=r.text(item, "name", path, required=True, limit=255),
                    parent=r.text(item, "parent", path, limit=MAX_KEY),
                    duration_days=duration,
                    offset_days=r.whole(item, "offset_days", path, default=0, low=0, high=100000),
                    milestone=milestone,
                    role=r.text(item, "role", path, limit=MAX_KEY),
                    work_hours=r.number(item, "work_hours", path),
                    notes=r.text(item, "notes", path),
                ),
            )
        )
    task_keys = r.unique([(p, x.key) for p, x in tasks], "task")
    parents: dict[str, str] = {}
    for path, task in tasks:
        if task.parent and task.parent not in task_keys:
            r.error(f"{path}.parent", gettext_noop("there is no task %(key)s"), key=task.parent)
        elif task.parent == task.key and task.key:
            r.error(f"{path}.parent", gettext_noop("a task cannot be its own parent"))
        if task.role and task.role not in role_keys:
            r.error(f"{path}.role", gettext_noop("there is no role %(key)s"), key=task.role)
        if task.key and task.key not in parents:
            parents[task.key] = task.parent if task.parent in task_keys else ""
    _check_outline(r, tasks, parents)

    links = []
    seen_links: set[tuple[str, str]] = set()
    for path, item in r.items(data, "links"):
        kind = r.text(item, "type", path) or "FS"
        if kind.upper() not in LINK_TYPES:
            r.error(f"{path}.type", gettext_noop("must be FS, SS, FF or SF"))
            kind = "FS"
        link = TemplateLink(
            predecessor=r.text(item, "predecessor", path, required=True),
            successor=r.text(item, "successor", path, required=True),
            type=kind.upper(),
            lag_days=r.whole(item, "lag_days", path, default=0, low=-10000, high=10000),
        )
        for end in ("predecessor", "successor"):
            value = getattr(link, end)
            if value and value not in task_keys:
                r.error(f"{path}.{end}", gettext_noop("there is no task %(key)s"), key=value)
        if link.predecessor and link.predecessor == link.successor:
            r.error(path, gettext_noop("a task cannot precede itself"))
        pair = (link.predecessor, link.successor)
        if pair in seen_links:
            r.error(path, gettext_noop("this link is listed twice"))
        seen_links.add(pair)
        links.append((path, link))
    _check_link_cycle(r, [link for _p, link in links], task_keys)

    phases_raw = r.items(data, "phases")
    phase_keys = r.unique([(p, r.text(x, "key", p)) for p, x in phases_raw], "phase")
    deliverables = []
    for path, item in r.items(data, "deliverables"):
        deliverable = TemplateDeliverable(
            key=r.key(item, path),
            phase=r.text(item, "phase", path, limit=MAX_KEY),
            name=r.text(item, "name", path, required=True, limit=200),
            description=r.text(item, "description", path),
            required=r.flag(item, "required", path, default=True),
        )
        if deliverable.phase and deliverable.phase not in phase_keys:
            r.error(f"{path}.phase", gettext_noop("there is no phase %(key)s"), key=deliverable.phase)
        deliverables.append((path, deliverable))
    deliverable_keys = r.unique([(p, x.key) for p, x in deliverables], "deliverable")

    phases = []
    criterion_keys: list[tuple[str, str]] = []
    for path, item in phases_raw:
        criteria = []
        for cpath, citem in r.items(item, "criteria", path):
            kind = r.text(citem, "kind", cpath, required=True)
            if kind and kind not in CRITERION_KINDS:
                r.error(f"{cpath}.kind", gettext_noop("must be checklist, deliverable or metric"))
            kind = kind if kind in CRITERION_KINDS else "checklist"
            deliverable_key = r.text(citem, "deliverable", cpath)
            metric = r.text(citem, "metric", cpath)
            operator = r.text(citem, "operator", cpath)
            raw_threshold = citem.get("threshold")
            threshold = _decimal(raw_threshold)
            if raw_threshold is not None and threshold is None:
                r.error(f"{cpath}.threshold", gettext_noop("must be a number"))
            if kind == "deliverable":
                if not deliverable_key:
                    r.error(f"{cpath}.deliverable", gettext_noop("is required"))
                elif deliverable_key not in deliverable_keys:
                    r.error(
                        f"{cpath}.deliverable",
                        gettext_noop("there is no deliverable %(key)s"),
                        key=deliverable_key,
                    )
            if kind == "metric":
                if not metric:
                    r.error(f"{cpath}.metric", gettext_noop("is required"))
                elif metrics is not None and metric not in metrics:
                    r.error(f"{cpath}.metric", gettext_noop("there is no metric %(key)s"), key=metric)
                if operator not in OPERATORS:
                    r.error(f"{cpath}.operator", gettext_noop("must be one of >=, >, <=, <, ="))
                if threshold is None and raw_threshold is None:
                    r.error(f"{cpath}.threshold", gettext_noop("is required"))
            elif operator and operator not in OPERATORS:
                r.error(f"{cpath}.operator", gettext_noop("must be one of >=, >, <=, <, ="))
            criterion = TemplateCriterion(
                key=r.key(citem, cpath),
                kind=kind,
                text=r.text(citem, "text", cpath, required=True, limit=300),
                deliverable=deliverable_key,
                metric=metric,
                operator=operator if operator in OPERATORS else "",
                threshold=threshold,
                required=r.flag(citem, "required", cpath, default=True),
            )
            criterion_keys.append((cpath, criterion.key))
            criteria.append(criterion)
        summary = r.text(item, "summary_task", path)
        if summary and summary not in task_keys:
            r.error(f"{path}.summary_task", gettext_noop("there is no task %(key)s"), key=summary)
        phases.append(
            TemplatePhase(
                key=r.key(item, path),
                name=r.text(item, "name", path, required=True, limit=200),
                summary_task=summary,
                criteria=tuple(criteria),
            )
        )
    r.unique(criterion_keys, "criterion")

    risks = []
    for path, item in r.items(data, "risks"):
        risks.append(
            (
                path,
                TemplateRisk(
                    key=r.key(item, path),
                    title=r.text(item, "title", path, required=True, limit=200),
                    category=r.text(item, "category", path, limit=100),
                    probability=r.whole(item, "probability", path, default=3, low=1, high=5),
                    impact=r.whole(item, "impact", path, default=3, low=1, high=5),
                    response=r.text(item, "response", path),
                ),
            )
        )
    r.unique([(p, x.key) for p, x in risks], "risk")

    report = data.get("report", {})
    if r.obj(report, "report") is None:
        report = {}
    if r.errors:
        raise TemplateError(r.errors)
    return TemplateDocument(
        phases=tuple(phases),
        tasks=tuple(t for _p, t in tasks),
        links=tuple(link for _p, link in links),
        roles=tuple(x for _p, x in roles),
        deliverables=tuple(x for _p, x in deliverables),
        risks=tuple(x for _p, x in risks),
        report=dict(report),
    )


def _check_outline(r: _Reader, tasks: list[tuple[str, TemplateTask]], parents: Mapping[str, str]) -> None:
    """Parents without cycles, and tasks in outline order: a task follows its parent or a task of its
    parent's subtree (so that every subtree is one block, as in a WBS)."""
    cyclic: set[str] = set()
    for key in parents:
        seen = [key]
        current = parents.get(key, "")
        while current:
            if current in seen:
                cyclic.add(key)
                break
            seen.append(current)
            current = parents.get(current, "")
    placed: list[str] = []
    for path, task in tasks:
        if task.key in cyclic:
            r.error(f"{path}.parent", gettext_noop("the parents form a cycle"))
        elif task.parent and task.parent in parents:
            previous = placed[-1] if placed else ""
            chain = set()
            current = previous
            while current and current not in chain:
                chain.add(current)
                current = parents.get(current, "")
            if task.parent not in chain:
                r.error(
                    f"{path}.parent",
                    gettext_noop(
                        "tasks must be in outline order: %(key)s must follow its parent or its parent's tasks"
                    )
                    % {"key": task.key},
                )
        placed.append(task.key)


def _check_link_cycle(r: _Reader, links: list[TemplateLink], keys: set[str]) -> None:
    graph: dict[str, list[str]] = {}
    for link in links:
        if link.predecessor in keys and link.successor in keys and link.predecessor != link.successor:
            graph.setdefault(link.predecessor, []).append(link.successor)
    state: dict[str, int] = {}
    for start in sorted(graph):
        if state.get(start):
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = []
        while stack:
            node, index = stack.pop()
            if index == 0:
                state[node] = 1
                path.append(node)
            nexts = graph.get(node, [])
            if index < len(nexts):
                stack.append((node, index + 1))
                child = nexts[index]
                if state.get(child) == 1:
                    cycle = [*path[path.index(child) :], child]
                    r.error(
                        "links",
                        gettext_noop("the links form a cycle: %(tasks)s"),
                        tasks=" → ".join(cycle),
                    )
                    return
                if not state.get(child):
                    stack.append((child, 0))
            else:
                state[node] = 2
                path.pop()


# --- Writing ----------------------------------------------------------------------------------------


def _criterion_json(c: TemplateCriterion) -> dict[str, Any]:
    return {
        "key": c.key,
        "kind": c.kind,
        "text": c.text,
        "deliverable": c.deliverable,
        "metric": c.metric,
        "operator": c.operator,
        "threshold": None if c.threshold is None else str(c.threshold),
        "required": c.required,
    }


def document_to_json(doc: TemplateDocument) -> dict[str, Any]:
    """The document as JSON-ready data; `document_from_json` reads it back to an equal document."""
    return {
        "phases": [
            {
                "key": p.key,
                "name": p.name,
                "summary_task": p.summary_task,
                "criteria": [_criterion_json(c) for c in p.criteria],
            }
            for p in doc.phases
        ],
        "tasks": [
            {
                "key": t.key,
                "name": t.name,
                "parent": t.parent,
                "duration_days": t.duration_days,
                "offset_days": t.offset_days,
                "milestone": t.milestone,
                "role": t.role,
                "work_hours": t.work_hours,
                "notes": t.notes,
            }
            for t in doc.tasks
        ],
        "links": [
            {"predecessor": x.predecessor, "successor": x.successor, "type": x.type, "lag_days": x.lag_days}
            for x in doc.links
        ],
        "roles": [
            {"key": x.key, "name": x.name, "skill": x.skill, "units_percent": x.units_percent}
            for x in doc.roles
        ],
        "deliverables": [
            {
                "key": x.key,
                "phase": x.phase,
                "name": x.name,
                "description": x.description,
                "required": x.required,
            }
            for x in doc.deliverables
        ],
        "risks": [
            {
                "key": x.key,
                "title": x.title,
                "category": x.category,
                "probability": x.probability,
                "impact": x.impact,
                "response": x.response,
            }
            for x in doc.risks
        ],
        "report": dict(doc.report),
    }


# --- Comparing --------------------------------------------------------------------------------------

KINDS = ("phases", "criteria", "tasks", "links", "roles", "deliverables", "risks")


@dataclass(frozen=True, slots=True)
class ElementChange:
    """An element present in both documents whose fields differ: field → (old, new)."""

    key: str
    name: str
    fields: tuple[tuple[str, Any, Any], ...]


@dataclass(frozen=True, slots=True)
class KindDiff:
    """What changed in one kind of element (keys of added and removed elements, in document order)."""

    kind: str
    added: tuple[str, ...] = ()
    changed: tuple[ElementChange, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


@dataclass(frozen=True, slots=True)
class DocumentDiff:
    """Differences between two template documents, per kind of element, matched by key."""

    kinds: tuple[KindDiff, ...]
    report_changed: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.report_changed and all(k.is_empty for k in self.kinds)

    def of(self, kind: str) -> KindDiff:
        return next(k for k in self.kinds if k.kind == kind)


def _elements(doc: TemplateDocument, kind: str) -> dict[str, Any]:
    if kind == "criteria":
        return {c.key: c for _phase, c in doc.criteria()}
    if kind == "phases":
        return {p.key: p for p in doc.phases}
    return {x.key: x for x in getattr(doc, kind)}


def _label(element: Any) -> str:
    for name in ("name", "title", "text"):
        if hasattr(element, name):
            return str(getattr(element, name))
    return str(element.key)


def document_diff(old: TemplateDocument, new: TemplateDocument) -> DocumentDiff:
    """Compare two documents: per kind, the keys added and removed and the fields changed (by key).

    A phase's criteria are compared as the kind ``criteria`` (a criterion moved to another phase shows as
    a change of its ``phase`` field).
    """
    out = []
    phase_of_old = {c.key: p for p, c in old.criteria()}
    phase_of_new = {c.key: p for p, c in new.criteria()}
    for kind in KINDS:
        before, after = _elements(old, kind), _elements(new, kind)
        changed = []
        for key, element in after.items():
            if key not in before:
                continue
            was = before[key]
            diffs = [
                (f.name, getattr(was, f.name), getattr(element, f.name))
                for f in fields(element)
                if f.name not in ("criteria", "key") and getattr(was, f.name) != getattr(element, f.name)
            ]
            if kind == "criteria" and phase_of_old[key] != phase_of_new[key]:
                diffs.append(("phase", phase_of_old[key], phase_of_new[key]))
            if diffs:
                changed.append(ElementChange(key, _label(element), tuple(diffs)))
        out.append(
            KindDiff(
                kind,
                added=tuple(k for k in after if k not in before),
                changed=tuple(changed),
                removed=tuple(k for k in before if k not in after),
            )
        )
    return DocumentDiff(tuple(out), report_changed=dict(old.report) != dict(new.report))
