"""Account pages: profile (language, API tokens)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kuroko.core import services
from kuroko.core.models import ApiToken, User


class LanguageForm(forms.Form):
    # No colon after labels, like the rest of the forms.
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class TokenForm(forms.Form):
    # No colon after labels, like the rest of the forms.
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    name = forms.CharField(
        label=gettext_lazy("Token name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. “weekly export script”."),
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    new_token = request.session.pop("new_api_token", None)
    user = cast(User, request.user)
    return render(
        request,
        "core/profile.html",
        {
            "tokens": ApiToken.objects.filter(user_id=user.pk),
            "token_form": TokenForm(),
            "language_form": LanguageForm(initial={"language": user.language or translation.get_language()}),
            "new_token": new_token,
        },
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; remembered on the account (and in a cookie before login)."""
    form = LanguageForm(request.POST)
    target = request.POST.get("next") or "/"
    if not target.startswith("/") or target.startswith("//"):
        target = "/"
    response = redirect(target)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            services.user_set_language(user=request.user, language=language)
        translation.activate(language)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax")
    return response


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the token a name."))
        return redirect("profile")
    _token, raw = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
    # Shown once on the next page, then only its hash remains.
    request.session["new_api_token"] = raw
    return redirect(reverse("profile") + "#tokens")


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = services.api_token_revoke(user=request.user, pk=pk)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect(reverse("profile") + "#tokens")
