"""Form widgets the project shares."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import normalize_newlines


class LongSelect(forms.Select):
    """A select rendered in Python rather than one template per option: filters that list
    every entity of a cluster (hundreds) render in a fraction of the time, and the page's
    cost stays flat as the cluster grows. Same HTML as Django's Select."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        context = self.get_context(name, value, attrs)["widget"]
        options = [
            (option["value"], " selected" if option["selected"] else "", option["label"])
            for _group, group_options, _index in context["optgroups"]
            for option in group_options
        ]
        attributes = {"name": name, **context["attrs"]}
        return format_html(
            "<select{}>{}</select>",
            flatatt(attributes),
            format_html_join("", '<option value="{}"{}>{}</option>', options),
        )


# Inputs show their values as the browser holds them, whatever the language: a browser
# empties a type="date" input given "30/09/2024" (the Catalan format) and sends nothing, so
# saving an unchanged form would erase the date. The fields read these ISO forms in every
# language (Django accepts ISO input alongside the language's own formats).
ISO_DATE = "%Y-%m-%d"
ISO_LOCAL_DATETIME = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    """A date picker: ``<input type="date">`` with an ISO 8601 value."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format=ISO_DATE)


class DateTimeInput(forms.DateTimeInput):
    """A date and time picker in local time: ``<input type="datetime-local">``."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format=ISO_LOCAL_DATETIME)


class Textarea(forms.Textarea):
    """A text area whose line breaks are kept as stored: browsers send each one as CR LF
    (the HTML standard says so), text written elsewhere has LF, and without this every
    save of an unchanged text would rewrite it."""

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return normalize_newlines(value) if isinstance(value, str) else value


class ChoiceFilter(forms.CheckboxSelectMultiple):
    """A long multiple choice (58 rights, 169 SDG targets, a cluster's members) as checkboxes
    in groups, each a <fieldset> with its <legend> (the instrument, the goal), under a box
    that filters them as one types and a count of those chosen.

    Without a script it is the plain grouped list; static/js/choice-filter.js (the page
    loads it with ``{{ form.media }}``) shows the filter box, hides the options that do not
    match and the groups left empty, and keeps the count. Hidden options stay chosen.
    Group the choices with ``GroupedChoiceIterator`` (core/forms.py), or give none: one
    list without legends."""

    template_name = "widgets/choice_filter.html"

    class Media:
        js = [forms.Script("js/choice-filter.js", defer=True)]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["chosen"] = len({str(v) for v in widget["value"] if v not in ("", None)})
        widget["grouped"] = any(group for group, _options, _index in widget["optgroups"])
        widget["invalid"] = widget["attrs"].get("aria-invalid") == "true"
        return context

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        # The project's template folder, which Django's form renderer does not read.
        return render_to_string(self.template_name, self.get_context(name, value, attrs))
