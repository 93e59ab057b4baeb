"""Every row of the project's tables, to tell whether a request changed anything."""

from __future__ import annotations

from collections.abc import Iterator

from django.apps import apps

# The project's own apps, in the order they depend on each other.
APPS = (
    "accounts",
    "actors",
    "clusters",
    "rights",
    "indicators",
    "coherence",
    "planning",
    "reports",
)


def table_state() -> Iterator[tuple[str, tuple]]:
    """(model, every row as a tuple of its columns) for every table of the project, with
    the link tables of the many-to-many fields."""
    for label in APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            yield model._meta.label, tuple(model.objects.order_by("pk").values_list())


def changed_columns(before: dict[str, tuple], after: dict[str, tuple]) -> list[str]:
    """What differs between two states, in words: "indicators.Indicator 3: baseline_date
    2024-09-30 → None", rows added or removed."""
    changes = []
    for label, rows in after.items():
        model = apps.get_model(label)
        names = [field.attname for field in model._meta.concrete_fields]
        old = {row[0]: row for row in before[label]}
        new = {row[0]: row for row in rows}
        for pk in old.keys() - new.keys():
            changes.append(f"{label} {pk}: removed")
        for pk in new.keys() - old.keys():
            changes.append(f"{label} {pk}: added")
        for pk in old.keys() & new.keys():
            for name, was, now in zip(names, old[pk], new[pk], strict=True):
                if was != now:
                    changes.append(f"{label} {pk}: {name} {was!r} → {now!r}")
    return sorted(changes)
