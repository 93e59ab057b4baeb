"""Setting the values of an existing row from a service, and saying what changed.

The services of proposals and of joint actions change a row the same way: values compared
as Python compares them (12.5 is 12.50, a row is the same row), many-to-many links as
their rows, and only what differs written and recorded, so that a form posted back
unchanged writes nothing and leaves no audit entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from clusters.audit import changed, snapshot


def _differs(instance: models.Model, name: str, value: Any) -> bool:
    field = instance._meta.get_field(name)
    if field.many_to_many:
        now = set(getattr(instance, name).values_list("pk", flat=True))
        return {item.pk for item in value} != now
    return getattr(instance, name) != value


def set_values(instance: models.Model, values: Mapping[str, Any]) -> dict[str, list]:
    """Set ``values`` (fields, and many-to-many fields as iterables of rows) on a saved
    row, save those that differ, and return ``{field: [before, after]}`` for the audit
    entry (empty when nothing differed and nothing was written)."""
    values = {
        name: list(value) if instance._meta.get_field(name).many_to_many else value
        for name, value in values.items()
    }
    names = [name for name, value in values.items() if _differs(instance, name, value)]
    if not names:
        return {}
    before = snapshot(instance, names)
    fields = []
    for name in names:
        if instance._meta.get_field(name).many_to_many:
            links: Iterable[models.Model] = values[name]
            getattr(instance, name).set(links)
        else:
            setattr(instance, name, values[name])
            fields.append(name)
    # Fields that keep the time of the last change (auto_now) move with any change.
    stamps = [f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)]
    if fields or stamps:
        instance.save(update_fields=[*fields, *stamps])
    return changed(before, snapshot(instance, names))
