"""Helpers shared by the register pages: pages of a list, rows edited in place, errors from services on
forms, history pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django_htmx.http import reswap, retarget, trigger_client_event

from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.core.permissions import require
from kuroko.core.selectors import history
from kuroko.core.versioning import ConflictError
from kuroko.raid import permissions as perms
from kuroko.raid.services.registers import Refused, today

PAGE_SIZE = 50


def paginate(request: HttpRequest, rows: Any) -> tuple[Page[Any], str]:
    """One page of `rows` and the query string without the page (for the pager's links)."""
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def add_errors(form: Any, exc: ValidationError) -> None:
    """A service's ValidationError on the form: next to the fields it names that the form shows, and
    above the form for the rest (with the field's name)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.message_dict.items():
        if name in form.fields and not form.fields[name].disabled:
            for message in errors:
                form.add_error(name, message)
        else:
            for message in errors:
                form.add_error(None, message)


def flash_errors(request: HttpRequest, exc: ValidationError, labels: dict[str, Any] | None = None) -> None:
    """A service's ValidationError as messages on the next page, each naming its field."""
    labels = labels or {}
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            label = labels.get(name)
            for message in errors:
                messages.error(request, f"{label}: {message}" if label else message)
    else:
        for message in exc.messages:
            messages.error(request, message)


def history_page(request: HttpRequest, item: Any, back: str) -> HttpResponse:
    return render(
        request,
        "core/history.html",
        {"object": item, "entries": history(item), "back": back, "project": item.project},
    )


def _every_field(user: Any, item: Any) -> tuple[str, ...] | None:
    return None


def _nothing() -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class InlineRow:
    """How one register's rows are edited in place: its list template (with the partials `row` and
    `row_edit`, the row's id `<name>-<pk>`), the selector reading one item, the row form, the update
    service (called with `actor`, `<name>`, `data` and `expected_version`), who may edit an item and
    which fields (None: all), and what else the template (`context`) and the form (`form_kwargs`) need,
    e.g. the duration units."""

    template: str
    name: str
    get: Callable[[Any, int], Any]
    form: type[Any]
    update: Callable[..., Any]
    may_edit: Callable[[Any, Any], bool]
    editable: Callable[[Any, Any], tuple[str, ...] | None] = _every_field
    context: Callable[[], dict[str, Any]] = _nothing
    form_kwargs: Callable[[], dict[str, Any]] = _nothing


def row_response(
    request: HttpRequest, spec: InlineRow, item: Any, *, form: Any = None, status: int = 200, **extra: Any
) -> HttpResponse:
    """The item's row (as a form when `form` is given), swapped in place of the row on the page."""
    context = {
        spec.name: item,
        "project": item.project,
        "today": today(),
        "can_manage": perms.can_manage_raid(request.user, item.project),
        "person_id": perms.own_person_id(request.user),
        "form": form,
        **spec.context(),
        **extra,
    }
    name = "row_edit" if form is not None else "row"
    response = render(request, f"{spec.template}#{name}", context, status=status)
    return reswap(retarget(response, f"#{spec.name}-{item.pk}"), "outerHTML")


def inline_row(request: HttpRequest, pk: int, spec: InlineRow) -> HttpResponse:
    """GET: the row (`?edit=1`: as a form). POST: save the row's fields and answer the row; 422 with the
    errors in the row, 409 with the current values when someone else saved first, or with the reason
    when the item's state no longer allows the change."""
    item = spec.get(request.user, pk)
    if request.method == "GET" and not request.GET.get("edit"):
        return row_response(request, spec, item)
    require(spec.may_edit(request.user, item))

    def form_of(obj: Any, *data: Any) -> Any:
        editable = spec.editable(request.user, obj)
        return spec.form(*data, instance=obj, project=obj.project, editable=editable, **spec.form_kwargs())

    if request.method == "GET":
        return row_response(request, spec, item, form=form_of(item))
    form = form_of(item, request.POST)
    if not form.is_valid():
        return row_response(request, spec, item, form=form, status=422)
    try:
        spec.update(
            actor=request.user,
            data=form.changes(),
            expected_version=form.cleaned_data["version"],
            **{spec.name: item},
        )
    except ConflictError as exc:
        item = spec.get(request.user, pk)
        return row_response(request, spec, item, form=form_of(item), status=409, conflict=exc)
    except Refused as exc:
        item = spec.get(request.user, pk)
        return row_response(request, spec, item, form=form_of(item), status=409, refused=exc)
    except ValidationError as exc:
        add_errors(form, exc)
        return row_response(request, spec, item, form=form, status=422)
    response = row_response(request, spec, spec.get(request.user, pk), flash=True)
    # The page may show figures of every row (the change requests' totals): they reload on this event.
    return trigger_client_event(response, f"{spec.name}-saved")
