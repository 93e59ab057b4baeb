"""Every form field of the project uses the inputs that show values as the browser holds
them (core/widgets.py): ISO dates in date pickers, line breaks kept in text areas,
numbers never written the language's way. The round trip (tests/test_round_trip.py) shows
it on the edit pages; this finds a field of a form no edit page shows."""

from __future__ import annotations

from importlib import import_module

import django_filters
from django import forms

from core import widgets
from tests.tables import APPS


def subclasses(base: type) -> set[type]:
    found = set()
    for cls in base.__subclasses__():
        found |= {cls, *subclasses(cls)}
    return found


def project_classes(base: type) -> list[type]:
    for label in APPS:
        for module in ("forms", "filters"):
            try:
                import_module(f"{label}.{module}")
            except ModuleNotFoundError:
                continue
    return sorted(
        (cls for cls in subclasses(base) if cls.__module__.split(".")[0] in APPS),
        key=lambda cls: f"{cls.__module__}.{cls.__qualname__}",
    )


def widget_problem(field: forms.Field) -> str | None:
    widget = field.widget
    if isinstance(widget, forms.HiddenInput):
        return None
    if isinstance(widget, forms.Textarea) and not isinstance(widget, widgets.Textarea):
        return "a text area that keeps CR LF: use core.widgets.Textarea"
    if isinstance(field, forms.DateTimeField) and not isinstance(widget, widgets.DateTimeInput):
        return "a date and time without an ISO picker: use core.widgets.DateTimeInput"
    if (
        isinstance(field, forms.DateField)
        and not isinstance(field, forms.DateTimeField)
        and not isinstance(widget, widgets.DateInput)
    ):
        return "a date without an ISO picker: use core.widgets.DateInput"
    if field.localize or widget.is_localized:
        return "a localised value: a number or date input cannot hold it"
    return None


# Forms of the Django admin, which gives their fields its own widgets (a text input with a
# calendar, reading the language's format).
ADMIN_FORMS = {"AdminUserCreationForm", "AdminUserChangeForm"}


def test_every_form_field_uses_an_input_the_browser_can_hold():
    classes = [c for c in project_classes(forms.BaseForm) if c.__name__ not in ADMIN_FORMS]
    assert len(classes) > 20
    problems = [
        f"{cls.__module__}.{cls.__qualname__}.{name}: {problem}"
        for cls in classes
        for name, field in cls.base_fields.items()
        if (problem := widget_problem(field)) is not None
    ]
    assert problems == []


def test_every_filter_of_a_date_uses_the_iso_picker():
    classes = project_classes(django_filters.FilterSet)
    assert classes
    problems = [
        f"{cls.__qualname__}.{name}"
        for cls in classes
        for name, item in cls.base_filters.items()
        if issubclass(item.field_class, forms.DateField)
        and not isinstance(item.extra.get("widget"), widgets.DateInput)
    ]
    assert problems == []


def test_the_inputs_write_iso_whatever_the_language():
    from datetime import date, datetime

    from django.utils import translation

    for language in ("ca", "es", "en"):
        with translation.override(language):
            assert 'value="2024-09-30"' in widgets.DateInput().render("d", date(2024, 9, 30))
            assert 'value="2026-05-20T10:30"' in widgets.DateTimeInput().render(
                "t", datetime(2026, 5, 20, 10, 30)
            )
    text = widgets.Textarea().value_from_datadict({"t": "one\r\ntwo\rthree"}, {}, "t")
    assert text == "one\ntwo\nthree"
