"""RAG rules of weekly status reports and the wording of their reasons.

A reason is stored as a code and parameters ({"code": "milestone_slipped", "params": {"name": …,
"days": 6}}) and worded when shown, in the reader's language, from `REASONS` (English templates marked
for translation). The rules are code in `RULES`; the PMO switches a rule off or changes its thresholds
per project type (`RagRuleSetting`: the project's type → all projects → the rule's defaults). Every
rule and default is documented in docs/engine/status-rag.md.

Colours of a report (`colours`):

1. each enabled rule looks at the week's facts and, when it fires, gives a colour (amber or red) and a
   reason; a dimension is the worst colour of its rules' results, green when none fired;
2. the PM's overrides replace a dimension's colour (the computed one stays beside it);
3. overall: red when a dimension is red or at least `amber_to_red` dimensions are amber, amber when one
   is amber, green otherwise; its reasons are those of the worst dimensions. An override of overall
   replaces the result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_noop, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from kuroko.reporting.facts import ProjectFacts

DIMENSIONS = ("schedule", "cost", "scope", "quality", "risk")  # overall is combined from these
ALL_DIMENSIONS = ("overall", *DIMENSIONS)
RANK = {"": 0, "green": 1, "amber": 2, "red": 3}

# code → message template with %(name)s parameters (marked with gettext_noop where defined); a reason
# with a count is a plural form chosen by its "count" parameter (ngettext_lazy with a named number).
REASONS: dict[str, Any] = {
    "milestone_slipped": gettext_noop("Milestone %(name)s slipped %(days)s working days"),
    "finish_late": gettext_noop("Forecast finish %(days)s working days after the baseline"),
    "spi_low": gettext_noop("SPI %(value)s (below %(threshold)s)"),
    "p80_late": gettext_noop("P80 finish %(p80)s is %(days)s days after the baseline finish"),
    "gate_overdue": gettext_noop("Gate of %(phase)s is overdue"),
    "gate_failed": gettext_noop("Gate of %(phase)s was not passed (no-go)"),
    "cpi_low": gettext_noop("CPI %(value)s (below %(threshold)s)"),
    "eac_over_budget": gettext_noop("EAC %(eac)s is %(percent)s%% over the budget %(budget)s"),
    "change_requests_pending": ngettext_lazy(
        "%(count)s change request awaits a decision", "%(count)s change requests await a decision", "count"
    ),
    "quality_out_of_band": ngettext_lazy(
        "%(count)s quality indicator outside its band: %(names)s",
        "%(count)s quality indicators outside their band: %(names)s",
        "count",
    ),
    "severe_defects": ngettext_lazy(
        "%(count)s open critical or major defect", "%(count)s open critical or major defects", "count"
    ),
    "high_risks": ngettext_lazy(
        "%(count)s high or critical risk open", "%(count)s high or critical risks open", "count"
    ),
    "overdue_actions": ngettext_lazy("%(count)s action overdue", "%(count)s actions overdue", "count"),
    "escalated_issues": ngettext_lazy(
        "%(count)s escalated issue open", "%(count)s escalated issues open", "count"
    ),
    "ambers": ngettext_lazy("%(count)s dimension is amber", "%(count)s dimensions are amber", "count"),
}


def reason_text(reason: Mapping[str, Any]) -> str:
    """A stored reason in the active language; an unknown code (a rule since removed) shows its code."""
    code = str(reason.get("code", ""))
    template = REASONS.get(code)
    params = reason.get("params") or {}
    if template is None:
        return code
    if params.get("metrics"):  # quality indicators: their names in the reader's language
        from kuroko.reporting.levels import quality_label

        stored = str(params.get("names", "")).split(", ")
        metrics = list(params["metrics"])
        labels = [quality_label(m, stored[n] if n < len(stored) else m) for n, m in enumerate(metrics)]
        params = {**params, "names": ", ".join(labels)}
    try:
        if isinstance(template, str):
            return gettext(template) % params
        return str(template % params)  # a plural: the form is chosen by params["count"]
    except (KeyError, TypeError, ValueError):
        return gettext(template) if isinstance(template, str) else code


@dataclass(frozen=True, slots=True)
class Param:
    """A threshold of a rule: its default and bounds; `integer` thresholds are whole numbers."""

    default: float
    label: Any
    minimum: float = 0
    maximum: float = 1000
    integer: bool = True

    def parse(self, value: Any) -> float:
        """The value as a number within the bounds, or ValueError with a sentence."""
        try:
            number = float(str(value).strip())
        except ValueError:
            raise ValueError(gettext("Enter a number.")) from None
        if number != number or not self.minimum <= number <= self.maximum:  # NaN or out of bounds
            raise ValueError(
                gettext("Enter a number from %(min)s to %(max)s.")
                % {"min": _num(self.minimum), "max": _num(self.maximum)}
            )
        if self.integer and number != int(number):
            raise ValueError(gettext("Enter a whole number."))
        return int(number) if self.integer else number


Result = tuple[str, str, dict[str, Any]]  # colour, reason code, reason params


@dataclass(frozen=True, slots=True)
class RagRule:
    """One rule: which dimension it colours, its thresholds and what it checks."""

    key: str
    dimension: str
    title: Any
    description: Any
    params: dict[str, Param]
    check: Callable[[ProjectFacts, Mapping[str, float]], Result | None] = field(repr=False)


RULES: dict[str, RagRule] = {}


def register(rule: RagRule) -> RagRule:
    RULES[rule.key] = rule
    return rule


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _at_least(count: int, p: Mapping[str, float], code: str, **extra: Any) -> Result | None:
    """Red from `red_at`, amber from `amber_at` (a threshold of 0 never fires)."""
    params = {"count": count, **extra}
    if p["red_at"] and count >= p["red_at"]:
        return "red", code, params
    if p["amber_at"] and count >= p["amber_at"]:
        return "amber", code, params
    return None


def _days(value: int | None, p: Mapping[str, float], code: str, **extra: Any) -> Result | None:
    if value is None:
        return None
    params = {"days": value, **extra}
    if value >= p["red_days"]:
        return "red", code, params
    if value >= p["amber_days"]:
        return "amber", code, params
    return None


def _below(value: float | None, p: Mapping[str, float], code: str) -> Result | None:
    if value is None:
        return None
    if value < p["red_below"]:
        return "red", code, {"value": f"{value:.2f}", "threshold": f"{p['red_below']:.2f}"}
    if value < p["amber_below"]:
        return "amber", code, {"value": f"{value:.2f}", "threshold": f"{p['amber_below']:.2f}"}
    return None


def _milestones(f: ProjectFacts, p: Mapping[str, float]) -> Result | None:
    slipped = [m for m in (*f.milestones_this_week, *f.milestones_next) if m.slip_days is not None]
    if not slipped:
        return None
    worst = max(slipped, key=lambda m: m.slip_days or 0)
    return _days(worst.slip_days, p, "milestone_slipped", name=worst.name)


def _finish(f: ProjectFacts, p: Mapping[str, float]) -> Result | None:
    return _days(f.finish_variance_days, p, "finish_late")


def _p80(f: ProjectFacts, p: Mapping[str, float]) -> Result | None:
    target = f.baseline_finish or f.finish
    if f.p80_finish is None or target is None:
        return None
    return _days((f.p80_finish - target).days, p, "p80_late", p80=f.p80_finish.isoformat())


def _gate(f: ProjectFacts, p: Mapping[str, float]) -> Result | None:
    state = f.gate.get("status", "") if f.gate else ""
    if state == "failed":
        return "red", "gate_failed", {"phase": f.gate.get("phase", "")}
    if state == "overdue":
        return ("red" if p["overdue_red"] else "amber"), "gate_overdue", {"phase": f.gate.get("phase", "")}
    return None


def _eac(f: ProjectFacts, p: Mapping[str, float]) -> Result | None:
    budget = f.budget or f.bac
    if not budget or f.eac is None or f.eac <= budget:
        return None
    percent = (f.eac - budget) / budget * 100
    params = {"eac": f"{f.eac:,.0f}", "budget": f"{budget:,.0f}", "percent": f"{percent:.1f}"}
    if percent >= p["red_percent"]:
        return "red", "eac_over_budget", params
    if percent >= p["amber_percent"]:
        return "amber", "eac_over_budget", params
    return None


def _quality(f: ProjectFacts, p: Mapping[str, float]) -> Result | None:
    out = [q for q in f.quality if q.rag == "red"]
    # The metric keys are kept so that the names are worded when shown, in the reader's language.
    return _at_least(
        len(out),
        p,
        "quality_out_of_band",
        names=", ".join(q.label for q in out),
        metrics=[q.indicator for q in out],
    )


def _counts(attribute: str, code: str) -> Callable[[ProjectFacts, Mapping[str, float]], Result | None]:
    def check(f: ProjectFacts, p: Mapping[str, float]) -> Result | None:
        value = getattr(f, attribute)
        return _at_least(len(value) if isinstance(value, list) else int(value or 0), p, code)

    return check


def _thresholds(amber: float, red: float, label: Any, *, maximum: float = 1000) -> dict[str, Param]:
    return {
        # Worded when shown (format_lazy), not at import: the reader's language, not the server's.
        "amber_at": Param(amber, format_lazy(_("Amber from ({what})"), what=label), maximum=maximum),
        "red_at": Param(red, format_lazy(_("Red from ({what})"), what=label), maximum=maximum),
    }


_DAYS = {
    "amber_days": lambda d: Param(d, _("Amber from (working days)")),
    "red_days": lambda d: Param(d, _("Red from (working days)")),
}


def _index(amber: float, red: float) -> dict[str, Param]:
    return {
        "amber_below": Param(amber, _("Amber below"), maximum=10, integer=False),
        "red_below": Param(red, _("Red below"), maximum=10, integer=False),
    }


register(RagRule(
    "schedule.milestone_slip", "schedule", _("Milestone slip"),
    _("The worst slip, against the baseline, of the milestones due this week and in the next two weeks "
      "(or missed this week), in working days."),
    {"amber_days": _DAYS["amber_days"](1), "red_days": _DAYS["red_days"](5)}, _milestones,
))  # fmt: skip
register(RagRule(
    "schedule.finish_variance", "schedule", _("Finish variance"),
    _("The forecast finish of the schedule against the baseline finish, in working days."),
    {"amber_days": _DAYS["amber_days"](5), "red_days": _DAYS["red_days"](15)}, _finish,
))  # fmt: skip
register(RagRule(
    "schedule.spi", "schedule", _("Schedule performance index (SPI)"),
    _("Earned value ÷ planned value at the status date."), _index(0.95, 0.85),
    lambda f, p: _below(f.spi, p, "spi_low"),
))  # fmt: skip
register(RagRule(
    "schedule.p80", "schedule", _("Risk-adjusted finish (P80)"),
    _("The latest Monte Carlo run's P80 finish against the baseline finish (else the forecast finish), "
      "in calendar days."),
    {"amber_days": Param(10, _("Amber from (days)")), "red_days": Param(30, _("Red from (days)"))}, _p80,
))  # fmt: skip
register(RagRule(
    "schedule.gate", "schedule", _("Phase gate"),
    _("The current phase gate is overdue (amber, or red when set) or was decided no-go (red)."),
    {"overdue_red": Param(0, _("Overdue gate is red (1) or amber (0)"), maximum=1)}, _gate,
))  # fmt: skip
register(RagRule(
    "cost.cpi", "cost", _("Cost performance index (CPI)"),
    _("Earned value ÷ actual cost at the status date."), _index(0.95, 0.85),
    lambda f, p: _below(f.cpi, p, "cpi_low"),
))  # fmt: skip
register(RagRule(
    "cost.eac_budget", "cost", _("Estimate at completion over budget"),
    _("EAC (BAC ÷ CPI) against the project's budget (else BAC), in percent over."),
    {"amber_percent": Param(5, _("Amber from (percent over)")),
     "red_percent": Param(10, _("Red from (percent over)"))},
    _eac,
))  # fmt: skip
register(RagRule(
    "scope.change_requests", "scope", _("Change requests awaiting a decision"),
    _("Submitted change requests not yet approved or rejected."),
    _thresholds(2, 5, _("requests")), _counts("change_requests_pending", "change_requests_pending"),
))  # fmt: skip
register(RagRule(
    "quality.bands", "quality", _("Quality indicators outside their band"),
    _("Quality indicators of the project whose value is outside the band of its project type."),
    _thresholds(1, 2, _("indicators")), _quality,
))  # fmt: skip
register(RagRule(
    "quality.severe_defects", "quality", _("Severe open defects"),
    _("Open defects of severity 1 (critical) or 2 (major)."),
    _thresholds(1, 5, _("defects")), _counts("severe_defects", "severe_defects"),
))  # fmt: skip
register(RagRule(
    "risk.high_risks", "risk", _("High risks"),
    _("Open risks whose level on the risk matrix is high or critical."),
    _thresholds(1, 3, _("risks")), _counts("high_risks", "high_risks"),
))  # fmt: skip
register(RagRule(
    "risk.overdue_actions", "risk", _("Overdue actions"),
    _("Open action items past their due date."),
    _thresholds(1, 5, _("actions")), _counts("overdue_actions", "overdue_actions"),
))  # fmt: skip
register(RagRule(
    "risk.escalated_issues", "risk", _("Escalated issues"),
    _("Open issues that were escalated."),
    _thresholds(1, 2, _("issues")), _counts("escalated_issues", "escalated_issues"),
))  # fmt: skip
register(RagRule(
    "overall.combine", "overall", _("Overall colour"),
    _("Red when a dimension is red or at least this many dimensions are amber (0: never); amber when one "
      "is amber; green otherwise."),
    {"amber_to_red": Param(3, _("Ambers that make overall red"), maximum=5)}, lambda f, p: None,
))  # fmt: skip


# --- settings ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Effective:
    """A rule's setting in force for one project type, and where it comes from."""

    enabled: bool
    params: dict[str, float]
    source: str  # "default", "all" (the all-projects row) or "type"


def effective_settings(project_type_id: int | None, rows: Iterable[Any]) -> dict[str, Effective]:
    """rule key → the setting in force for projects of the type: the type's row, else the all-projects row,
    else the rule's defaults (thresholds not set in a row are inherited the same way). `rows` are
    `RagRuleSetting`s (those of the type and of all projects; others are ignored)."""
    by_key: dict[tuple[int | None, str], Any] = {}
    for row in rows:
        if row.project_type_id in (None, project_type_id):
            by_key[(row.project_type_id, row.rule)] = row
    out: dict[str, Effective] = {}
    for key, rule in RULES.items():
        params = {name: p.default for name, p in rule.params.items()}
        enabled, source = True, "default"
        levels = [(None, "all")] + ([(project_type_id, "type")] if project_type_id is not None else [])
        for type_id, name in levels:
            row = by_key.get((type_id, key))
            if row is None:
                continue
            enabled, source = row.enabled, name
            params.update({k: v for k, v in (row.params or {}).items() if k in rule.params})
        out[key] = Effective(enabled, params, source)
    return out


# --- colours -------------------------------------------------------------------------------------


def computed_colours(facts: ProjectFacts, settings: Mapping[str, Effective]) -> dict[str, dict[str, Any]]:
    """{dimension: {"rag", "reasons"}} of every dimension but overall, by the enabled rules; reasons
    worst first."""
    results: dict[str, list[tuple[str, dict[str, Any]]]] = {d: [] for d in DIMENSIONS}
    for key, rule in RULES.items():
        if rule.dimension not in results:
            continue
        setting = settings.get(key)
        if setting is not None and not setting.enabled:
            continue
        params = setting.params if setting is not None else {n: p.default for n, p in rule.params.items()}
        found = rule.check(facts, params)
        if found is not None:
            colour, code, reason_params = found
            results[rule.dimension].append((colour, {"code": code, "params": reason_params}))
    out: dict[str, dict[str, Any]] = {}
    for dimension, found_list in results.items():
        found_list.sort(key=lambda item: -RANK[item[0]])
        colour = found_list[0][0] if found_list else "green"
        out[dimension] = {"rag": colour, "reasons": [reason for _c, reason in found_list]}
    return out


def combine(dimensions: Mapping[str, Mapping[str, Any]], settings: Mapping[str, Effective]) -> dict[str, Any]:
    """Overall {"rag", "reasons"} from the dimensions' colours in effect (see the module docstring)."""
    setting = settings.get("overall.combine")
    limit = int(setting.params["amber_to_red"]) if setting is not None and setting.enabled else 0
    colours = {d: str(dimensions[d].get("rag", "")) for d in DIMENSIONS if d in dimensions}
    reds = [d for d, c in colours.items() if c == "red"]
    ambers = [d for d, c in colours.items() if c == "amber"]
    if reds:
        return {"rag": "red", "reasons": [r for d in reds for r in dimensions[d].get("reasons", [])]}
    if ambers and limit and len(ambers) >= limit:
        reasons = [{"code": "ambers", "params": {"count": len(ambers)}}]
        return {
            "rag": "red",
            "reasons": reasons + [r for d in ambers for r in dimensions[d].get("reasons", [])],
        }
    if ambers:
        return {"rag": "amber", "reasons": [r for d in ambers for r in dimensions[d].get("reasons", [])]}
    return {"rag": "green" if colours else "", "reasons": []}


def effective_colours(
    computed: Mapping[str, Mapping[str, Any]],
    overrides: Mapping[str, Mapping[str, Any]],
    settings: Mapping[str, Effective],
) -> dict[str, dict[str, Any]]:
    """{dimension: {"rag", "reasons", "overridden", "justification", "computed"}} for all six dimensions:
    overrides applied, overall combined from the dimensions in effect (unless itself overridden) or, when
    `computed` holds an "overall", that one."""
    out: dict[str, dict[str, Any]] = {}
    for d in DIMENSIONS:
        base = dict(computed.get(d) or {"rag": "", "reasons": []})
        over = overrides.get(d)
        out[d] = {
            "rag": over["rag"] if over else base.get("rag", ""),
            "reasons": base.get("reasons", []),
            "overridden": bool(over),
            "justification": over.get("justification", "") if over else "",
            "computed": base.get("rag", ""),
        }
    # Overall as stored when the report was last written (a later change of the rules does not recolour
    # a submitted report); combined now only for a report stored without it.
    stored = computed.get("overall")
    overall = dict(stored) if stored else combine(out, settings)
    over = overrides.get("overall")
    out["overall"] = {
        "rag": over["rag"] if over else overall["rag"],
        "reasons": overall["reasons"],
        "overridden": bool(over),
        "justification": over.get("justification", "") if over else "",
        "computed": overall["rag"],
    }
    return {d: out[d] for d in ALL_DIMENSIONS}


def worded(colour: Mapping[str, Any], *, limit: int = 4) -> str:
    """A dimension's reasons as one line in the active language (the project's `rag_*_reason`)."""
    parts = [reason_text(r) for r in colour.get("reasons", [])[:limit]]
    if colour.get("overridden") and colour.get("justification"):
        parts.insert(0, str(colour["justification"]))
    return "; ".join(parts)
