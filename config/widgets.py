"""Form widgets the project shares."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


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
