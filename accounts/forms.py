from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AdminUserCreationForm as DjangoAdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken, User


class AdminUserCreationForm(DjangoAdminUserCreationForm):
    """Django's admin form for a custom user that logs in by email."""

    class Meta:
        model = User
        fields = ("email",)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class AdminUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class PreferencesForm(forms.ModelForm):
    """What a person changes about themselves: their name, language and emails."""

    class Meta:
        model = User
        fields = ("first_name", "last_name", "language", "notify_by_email", "weekly_digest")


class AccountDeleteForm(forms.Form):
    """The password again, so that a session left open cannot delete the account."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ApiTokenForm(forms.Form):
    """The name of a new API token, so that its person recognises it in the list."""

    name = forms.CharField(
        label=_("Name"),
        max_length=ApiToken.NAME_MAX,
        help_text=_("The program that will use it, such as “Monthly import script”."),
    )
