"""Helpers for forms shared by the apps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.utils.translation import gettext_lazy as _

from core.widgets import ChoiceFilter


def errors_text(form: forms.BaseForm) -> str:
    """Every error of a refused form in one sentence, for a message after a redirect."""
    return " ".join(error for errors in form.errors.values() for error in errors)


class GroupedChoiceIterator(ModelChoiceIterator):
    """The choices of a model multiple choice in groups, in the queryset's order: the
    field's ``group_of(obj)`` names each one's group (an instrument, a goal)."""

    def __iter__(self):
        groups: dict[str, list] = {}
        for obj in self.queryset:
            groups.setdefault(str(self.field.group_of(obj)), []).append(self.choice(obj))
        yield from groups.items()


class NamedChoiceIterator(ModelChoiceIterator):
    """The choices of a model choice as (id, name) read with ``values_list``: no model
    instance per choice, for the filters that list every entity of a large cluster."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, name in self.queryset.values_list("pk", self.field.choice_name):
            yield (ModelChoiceIteratorValue(pk, None), name)


def name_choices(field: forms.ModelChoiceField, name: str) -> None:
    """Make the field list its choices by the ``name`` path only (``"actor__name"``)."""
    field.choice_name = name
    field.iterator = NamedChoiceIterator


class GroupedMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A model multiple choice shown with ``ChoiceFilter``, grouped by ``group_of``."""

    iterator = GroupedChoiceIterator
    # A ticked box carries an id nobody types: a value not among the choices is a stale or
    # forged one, and echoing it back would only show the person noise.
    default_error_messages = dict.fromkeys(
        ("invalid_choice", "invalid_pk_value"),
        _("Select a valid choice. That choice is not one of the available choices."),
    )

    def __init__(self, *, group_of: Callable[[Any], object], **kwargs: Any) -> None:
        kwargs.setdefault("widget", ChoiceFilter)
        super().__init__(**kwargs)
        self.group_of = group_of
