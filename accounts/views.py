from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from accounts import services
from accounts.forms import AccountDeleteForm, ApiTokenForm, PreferencesForm
from accounts.language import set_language_cookie
from core.errors import DomainError


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch (a cookie), also remembered on the person's account
    so that emails and reports sent to them use it."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.language_remember(user=request.user, language=language)
    return response


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = services.preferences_update(
            user=request.user, values={name: form.cleaned_data[name] for name in form.Meta.fields}
        )
        messages.success(request, _("Your settings have been saved."))
        response = redirect("preferences")
        if user.language:
            # The pages follow the language chosen here, like the language switch.
            set_language_cookie(response, user.language)
        return response
    return _preferences_page(request, form=form)


def _preferences_page(
    request: HttpRequest,
    *,
    form: PreferencesForm | None = None,
    token_form: ApiTokenForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form or PreferencesForm(instance=request.user),
        "token_form": token_form or ApiTokenForm(),
        # Active first, then the newest.
        "api_tokens": request.user.api_tokens.order_by(
            F("revoked_at").desc(nulls_first=True), "-created_at", "-pk"
        ),
        "api_tokens_max": services.API_TOKENS_MAX,
    }
    return render(request, "account/preferences.html", context, status=status)


@login_required
@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    """A new API token, its secret shown on this response only (201): rendered, not
    redirected to, so that it is in no URL and never stored, not even for a moment in the
    session table, and never cached (a reload asks to post again, which the service
    refuses as a second token of the same name)."""
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = services.api_token_create(
                user=request.user, name=form.cleaned_data["name"]
            )
        except DomainError as error:
            form.add_error("name", str(error))
        else:
            example = settings.SITE_URL + reverse("api:clusters")
            context = {"token": token, "secret": secret, "example_url": example}
            response = render(request, "account/api_token_created.html", context, status=201)
            response["Cache-Control"] = "no-store"
            return response
    return _preferences_page(request, token_form=form, status=400)


@login_required
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks, then revokes one of the person's tokens: programs using it get a 401."""
    token = get_object_or_404(request.user.api_tokens, pk=pk)
    if request.method != "POST":
        return render(request, "account/api_token_revoke.html", {"token": token})
    token = services.api_token_revoke(user=request.user, token_id=token.pk)
    messages.success(
        request, _("The token “%(name)s” is revoked: it no longer works.") % {"name": token.name}
    )
    return redirect(reverse("preferences") + "#api-tokens")


def privacy(request: HttpRequest) -> HttpResponse:
    """What the platform stores about a person, why, for how long, who sees it, and how
    to take it away or delete it: open to everybody, logged in or not."""
    return render(
        request,
        "account/privacy.html",
        {
            "invitation_days": settings.INVITATION_VALID_DAYS,
            "session_days": settings.SESSION_COOKIE_AGE // 86400,
        },
    )


@login_required
def personal_data(request: HttpRequest) -> HttpResponse:
    """Everything the platform holds about the person, as one JSON file."""
    data = services.personal_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
def account_delete(request: HttpRequest) -> HttpResponse:
    """What deleting the account removes and what stays, then the password again."""
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_delete(user=request.user, password=form.cleaned_data["password"])
        except DomainError as error:
            messages.error(request, str(error))
        else:
            logout(request)
            messages.success(request, _("Your account has been deleted."))
            return redirect("privacy")
    deletion = services.account_deletion(user=request.user)
    return render(request, "account/delete.html", {"form": form, "deletion": deletion})


def admin_login(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    """The admin's login page, replaced: staff log in through the site's own login page,
    with its rate limit and lockout, instead of a second form that has neither."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    if not request.user.is_authenticated:
        return redirect_to_login(next_url, reverse("account_login"))
    if not (request.user.is_active and request.user.is_staff):
        raise PermissionDenied
    return redirect(next_url)
