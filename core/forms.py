"""Helpers for forms shared by the apps."""

from __future__ import annotations

from django import forms


def errors_text(form: forms.BaseForm) -> str:
    """Every error of a refused form in one sentence, for a message after a redirect."""
    return " ".join(error for errors in form.errors.values() for error in errors)
