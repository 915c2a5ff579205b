"""Helpers shared by the register pages: pages of a list, errors from services on forms, history pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpResponse
from django.shortcuts import render

from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.core.selectors import history

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
