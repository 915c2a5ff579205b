"""The audit rule registry: what a rule is, its parameters, and the effective setting of each rule for a
project (project type setting → organisation default → the rule's own defaults).

A rule is code: a key (`dcma.logic`, `hygiene.baseline`…), its pack, a translatable title and description,
a default severity, parameters with bounds, and a `check` that reads the data its pack loaded for one project
and returns the evidence of a violation (a JSON-able dict) or None. Packs load their data for many projects
at once (`Pack.load`), so that an audit of 500 projects costs a fixed number of queries per batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

Evidence = dict[str, Any]
SEVERITIES = ("critical", "high", "medium", "low")


@dataclass(frozen=True, slots=True)
class Param:
    """A threshold of a rule: its label, default, kind (`int`, `decimal`) and bounds."""

    label: Any  # a lazy translation
    default: int | float
    kind: str = "int"
    min: float | None = 0
    max: float | None = None

    def parse(self, name: str, raw: Any) -> int | float:
        """The value of `raw` for this parameter; ValidationError naming `name` when invalid or out of
        bounds."""
        if isinstance(raw, bool):
            raise ValidationError({name: _("Enter a number.")})
        try:
            number = Decimal(str(raw).strip())
        except InvalidOperation:
            raise ValidationError({name: _("Enter a number.")}) from None
        if not number.is_finite():
            raise ValidationError({name: _("Enter a number.")})
        if self.kind == "int" and number != number.to_integral_value():
            raise ValidationError({name: _("Enter a whole number.")})
        if self.min is not None and number < Decimal(str(self.min)):
            raise ValidationError({name: _("At least %(min)s.") % {"min": _plain(self.min)}})
        if self.max is not None and number > Decimal(str(self.max)):
            raise ValidationError({name: _("At most %(max)s.") % {"max": _plain(self.max)}})
        # Whatever the bounds, a threshold stays a number that JSON, floats and the pages can hold.
        if number > LARGEST:
            raise ValidationError({name: _("At most %(max)s.") % {"max": LARGEST}})
        if number < -LARGEST:
            raise ValidationError({name: _("At least %(min)s.") % {"min": -LARGEST}})
        return int(number) if self.kind == "int" else float(number)


LARGEST = 1_000_000_000  # the largest threshold of any rule, bounds or not


def _plain(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True, slots=True)
class ProjectData:
    """What an audit knows of one project: the project row, the day, and each pack's loaded data."""

    project: Any
    today: date
    packs: Mapping[str, Any] = field(default_factory=dict)


Check = Callable[[ProjectData, Mapping[str, Any]], Evidence | None]
Owner = Callable[[ProjectData, Evidence], int | None]


@dataclass(frozen=True, slots=True)
class Rule:
    """One audit rule (see the module docstring)."""

    key: str
    pack: str
    title: Any
    description: Any
    severity: str
    check: Check
    message: Callable[[Evidence], str]
    params: Mapping[str, Param] = field(default_factory=dict)
    # "manager": the project's manager; or a function of the project data and evidence → a person id.
    owner: str | Owner = "manager"

    def __post_init__(self) -> None:
        if "." not in self.key or not self.key.startswith(f"{self.pack}."):
            raise ValueError(f"Rule key {self.key!r} must start with its pack {self.pack!r} and a dot.")
        if self.severity not in SEVERITIES:
            raise ValueError(f"Rule {self.key}: severity {self.severity!r} is not one of {SEVERITIES}.")

    def defaults(self) -> dict[str, int | float]:
        return {name: p.default for name, p in self.params.items()}

    def owner_of(self, data: ProjectData, evidence: Evidence) -> int | None:
        if self.owner == "manager":
            return data.project.manager_id  # type: ignore[no-any-return]
        assert callable(self.owner)
        return self.owner(data, evidence)


Loader = Callable[[list[Any], date, Mapping[int, Mapping[str, "Effective"]]], dict[int, Any]]


@dataclass(frozen=True, slots=True)
class Pack:
    """A group of rules and the function that loads their data for a batch of projects:
    `load(projects, today, effective)` → {project id: data}; `effective` is each project's rule settings.
    A project whose data could not be loaded maps to `PACK_FAILED` (its findings of the pack are left
    alone). With `status_date`, `load` also takes a `status_date` keyword that overrides each project's."""

    key: str
    title: Any
    load: Loader
    status_date: bool = False


class _PackFailed:
    """The data of a project a pack could not load."""

    def __repr__(self) -> str:
        return "PACK_FAILED"


PACK_FAILED: Any = _PackFailed()


@dataclass(frozen=True, slots=True)
class Effective:
    """A rule's effective setting for a project."""

    enabled: bool
    severity: str
    params: Mapping[str, int | float]
    source: str  # "rule" (defaults), "default" (all projects) or "type"


RULES: dict[str, Rule] = {}
PACKS: dict[str, Pack] = {}


def register_pack(pack: Pack) -> Pack:
    PACKS[pack.key] = pack
    return pack


def register(rule: Rule) -> Rule:
    """Add `rule` to the registry (its pack must be registered first)."""
    if rule.pack not in PACKS:
        raise ValueError(f"Rule {rule.key}: unknown pack {rule.pack!r}.")
    RULES[rule.key] = rule
    return rule


def rules_of(pack: str | None = None) -> list[Rule]:
    return [r for r in RULES.values() if pack is None or r.pack == pack]


def effective(rule: Rule, *, default: Any | None = None, typed: Any | None = None) -> Effective:
    """The effective setting of `rule` from the organisation default `RuleSetting` and the project type's
    one (either may be None): the type's enabled flag wins over the default's; a blank severity falls
    through; thresholds are merged key by key (type over default over the rule's)."""
    params: dict[str, int | float] = rule.defaults()
    enabled, severity, source = True, rule.severity, "rule"
    for setting, name in ((default, "default"), (typed, "type")):
        if setting is None:
            continue
        enabled = setting.enabled
        if setting.severity:
            severity = setting.severity
        for key, value in (setting.params or {}).items():
            if key in rule.params:
                params[key] = value
        source = name
    return Effective(enabled, severity, params, source)


def effective_for(projects: Iterable[Any], settings: Iterable[Any]) -> dict[int, dict[str, Effective]]:
    """Each project's effective setting of every rule, from all `RuleSetting` rows (already loaded)."""
    default: dict[str, Any] = {}
    typed: dict[tuple[int, str], Any] = {}
    for s in settings:
        if s.project_type_id is None:
            default[s.rule] = s
        else:
            typed[(s.project_type_id, s.rule)] = s
    cache: dict[int | None, dict[str, Effective]] = {}
    out: dict[int, dict[str, Effective]] = {}
    for project in projects:
        type_id = project.project_type_id
        if type_id not in cache:
            cache[type_id] = {
                key: effective(rule, default=default.get(key), typed=typed.get((type_id, key)))
                for key, rule in RULES.items()
            }
        out[project.pk] = cache[type_id]
    return out
