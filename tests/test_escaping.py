"""Every text a person can type is shown escaped: a script payload is written into every
free-text field of every model of the project, then every page of the permission matrix
is read as each person inside the cluster; the raw tag appears nowhere, and no page fails.

(The forms are fuzzed elsewhere; here the payload goes straight into the rows, so that no
field is missed because a form trims or refuses it.)"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.db.models import Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse

from tests.conftest import World
from tests.test_permissions import MATRIX

PAYLOAD = "<script>x</script>"
APPS = ("accounts", "actors", "clusters", "rights", "indicators", "planning", "reports")
# Not free text: identifiers the code parses or builds (a disaggregation cell, a job's
# parameters, a file checksum, a storage path).
SKIP = {("indicators", "measurement", "cell"), ("reports", "reportjob", "params")}


def free_text_fields(model: type[models.Model]) -> list[str]:
    names = []
    for field in model._meta.get_fields():
        if not isinstance(field, models.CharField | models.TextField) or field.choices:
            continue
        if isinstance(field, models.SlugField | models.EmailField | models.URLField):
            continue
        if not field.editable or field.primary_key or field.name == "password":
            continue
        if (model._meta.app_label, model._meta.model_name, field.name) in SKIP:
            continue
        if field.max_length is not None and field.max_length < len(PAYLOAD) + 8:
            continue
        names.append(field.name)
    return names


def poison_every_text() -> int:
    fields = 0
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            names = free_text_fields(model)
            if names:
                # The row's id after the payload keeps unique fields unique.
                text = Concat(Value(PAYLOAD), Cast("pk", models.CharField()))
                model.objects.update(**{name: text for name in names})
                fields += len(names)
    return fields


@pytest.mark.parametrize("person", ["coordinator", "member", "observer", "institution"])
def test_no_page_shows_a_typed_script_unescaped(world: World, person: str):
    assert poison_every_text() >= 60
    client = world.client(person)
    read = 0
    for name, row in sorted(MATRIX.items()):
        if row.method != "get" or row.expected[person] != 200:
            continue
        response = client.get(reverse(name, kwargs=row.kwargs(world)))
        assert response.status_code == 200, name
        if "text/html" not in response.get("Content-Type", ""):
            continue  # CSV, XLSX and PDF carry the text as data, not as markup
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode(errors="replace")
        assert PAYLOAD not in body, name
        read += 1
    assert read >= 10
