"""Parse what people type on the schedule risk pages (and the API's text durations); the services validate
and write.

Durations are typed as on the task form (`8d`, `4h`, `2w`, `3日`; elapsed tasks `3ed`) and read with the
organisation's day, week and month lengths (`kuroko.engine.duration.parse_span`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kuroko.engine.duration import DurationError, DurationUnits, parse_span
from kuroko.projects.models import Task
from kuroko.raid.models import DistributionChoice
from kuroko.raid.services.simulation import EstimateRow

FIELDS = ("minimum", "most_likely", "maximum")
# The names of the estimate inputs of a task row: opt-<pk>, ml-<pk>, pes-<pk>, dist-<pk>.
PREFIXES = {"minimum": "opt", "most_likely": "ml", "maximum": "pes"}


def field_label(name: str) -> str:
    return {
        "minimum": _("optimistic"),
        "most_likely": _("most likely"),
        "maximum": _("pessimistic"),
    }[name]


def parse_estimate_value(value: Any, *, task: Task, field: str, units: DurationUnits) -> int | None:
    """Working (or, for an elapsed task, elapsed) minutes of a typed duration; whole minutes pass as they
    are. Empty: None. A bad text is refused naming the task and the field."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    where = f"{task.wbs_code} “{task.name}”"
    try:
        span = parse_span(str(value), units)
    except DurationError:
        raise ValidationError(
            {
                f"tasks.{task.pk}.{field}": _(
                    "Task %(task)s: the %(field)s duration “%(text)s” is not a duration; type a number and "
                    "a unit, e.g. 8d, 4h or 2w."
                )
                % {"task": where, "field": field_label(field), "text": value}
            }
        ) from None
    if span.elapsed != task.duration_elapsed:
        message = (
            _("Task %(task)s takes elapsed time: type the %(field)s duration in elapsed units, e.g. 3ed.")
            if task.duration_elapsed
            else _("Task %(task)s takes working time: type the %(field)s duration in working units, e.g. 3d.")
        )
        raise ValidationError(
            {f"tasks.{task.pk}.{field}": message % {"task": where, "field": field_label(field)}}
        )
    return span.minutes


def estimate_row(
    task: Task, values: Mapping[str, Any], units: DurationUnits, distribution: Any = None
) -> EstimateRow:
    """One task's estimate from its three typed values (keys `minimum`, `most_likely`, `maximum`)."""
    errors: dict[str, list[str]] = {}
    minutes: dict[str, int | None] = {}
    for name in FIELDS:
        try:
            minutes[name] = parse_estimate_value(values.get(name), task=task, field=name, units=units)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return EstimateRow(
        task=task.pk,
        minimum=minutes["minimum"],
        most_likely=minutes["most_likely"],
        maximum=minutes["maximum"],
        distribution=str(distribution or DistributionChoice.PERT.value),
    )


def estimate_rows_from_post(
    post: Mapping[str, Any], tasks: Mapping[int, Task], units: DurationUnits
) -> list[EstimateRow]:
    """The rows of the estimates table posted for `tasks` (inputs opt-/ml-/pes-/dist-<pk>); every bad value
    is reported, naming its task and field — those of the rows that parsed too (the order of the three
    durations, a missing one). Tasks whose inputs were not posted are left out."""
    rows: list[EstimateRow] = []
    errors: dict[str, list[str]] = {}
    for pk, task in tasks.items():
        names = {name: f"{prefix}-{pk}" for name, prefix in PREFIXES.items()}
        if not any(key in post for key in names.values()):
            continue
        try:
            rows.append(
                estimate_row(
                    task,
                    {name: post.get(key, "") for name, key in names.items()},
                    units,
                    post.get(f"dist-{pk}"),
                )
            )
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    if errors:
        from kuroko.raid.services.simulation import estimate_errors

        for key, messages in estimate_errors(tasks, rows).items():
            errors.setdefault(key, []).extend(messages)
        raise ValidationError(errors)
    return rows


def run_options_from_post(post: Mapping[str, Any]) -> dict[str, Any]:
    """The run form as the options `raid.services.simulation.simulation_options` validates."""
    options: dict[str, Any] = {
        "name": post.get("name", ""),
        "iterations": post.get("iterations", ""),
        "seed": post.get("seed", ""),
        "sampling": post.get("sampling", "lhs"),
        "distribution": post.get("distribution", "pert"),
        "deadline": post.get("deadline", ""),
        "include_risks": post.get("include_risks") == "on",
        "convergence_minutes": None,
        "range": None,
    }
    if post.get("converge") == "on":
        options["convergence_minutes"] = post.get("convergence_minutes") or 60
    if post.get("use_range") == "on":
        options["range"] = [
            post.get("range_min", ""),
            post.get("range_most_likely", ""),
            post.get("range_max", ""),
        ]
    return options


def factors_from_post(post: Mapping[str, Any]) -> list[Any]:
    return [post.get("factor_min", ""), post.get("factor_most_likely", ""), post.get("factor_max", "")]


def selected_tasks(post: Any) -> list[int]:
    """The ticked tasks of the estimates table (checkboxes `select`)."""
    out = []
    for value in post.getlist("select"):
        try:
            out.append(int(value))
        except ValueError:
            raise ValidationError({"select": _("“%(value)s” is not a task id.") % {"value": value}}) from None
    return out
