"""API plumbing shared by every router: authentication and error responses."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from kuroko.core.models import ApiToken
from kuroko.core.versioning import ConflictError


def _user_for_token(request: HttpRequest, raw: str) -> Any:
    token = (
        ApiToken.objects.select_related("user", "user__person")
        .filter(key_hash=ApiToken.hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Write at most once a minute per token, so busy scripts do not turn every read into a write.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    request.user = token.user  # services and history see the token's owner
    return token.user


class BearerToken(HttpBearer):
    """`Authorization: Bearer kuroko_…` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return _user_for_token(request, token)


class HeaderToken(APIKeyHeader):
    """`X-API-Key: kuroko_…`, for clients that cannot set Authorization."""

    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return _user_for_token(request, key) if key else None


AUTH = [BearerToken(), HeaderToken(), django_auth]


def validation_errors(exc: ValidationError, sent: set[str] | None = None) -> list[dict[str, Any]]:
    """Django validation errors as a list of {loc, msg} naming each field, like pydantic's 422s.

    Services speak of model fields (`program`, `attendees`); a client that sent `program_id` or
    `attendee_ids` gets its own name back.
    """
    sent = sent or set()

    def name(field: str) -> str:
        if field == "__all__":
            return "non_field"
        if field in sent:
            return field
        for alias in (f"{field}_id", f"{field.removesuffix('s')}_ids"):
            if alias in sent:
                return alias
        return field

    if hasattr(exc, "error_dict"):
        return [
            {
                "loc": ["body", name(field)],
                "msg": message,
                "type": "value_error",
            }
            for field, errors in exc.message_dict.items()
            for message in errors
        ]
    return [{"loc": ["body"], "msg": message, "type": "value_error"} for message in exc.messages]


def _sent_fields(request: HttpRequest) -> set[str]:
    if request.content_type != "application/json":
        return set(request.POST) | set(request.FILES)  # form posts (file uploads)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return set()
    return set(body) if isinstance(body, dict) else set()


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return api.create_response(
            request, {"detail": validation_errors(exc, _sent_fields(request))}, status=422
        )

    @api.exception_handler(ConflictError)
    def on_conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
        return api.create_response(request, exc.as_dict(), status=409)

    @api.exception_handler(PermissionDenied)
    def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc) or _("Forbidden")}, status=403)
