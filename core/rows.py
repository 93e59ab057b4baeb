"""Lists of rows edited on one page (a formset), handed to a service as values.

A view reads what the person asked for (``row_changes``); the service applies it
(``apply_row_changes``), in its transaction and after its own checks, and records it. So no
view saves a form, and a service never needs a form to be called: a task or an import
passes the same values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.forms import BaseModelFormSet
from django.http import QueryDict


@dataclass(frozen=True)
class RowChanges:
    """New rows (their values), changed rows (the row and the values the person changed),
    removed rows."""

    added: list[dict[str, Any]] = field(default_factory=list)
    changed: list[tuple[models.Model, dict[str, Any]]] = field(default_factory=list)
    removed: list[models.Model] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def row_changes(formset: BaseModelFormSet) -> RowChanges:
    """What a valid formset asks for. Rows left empty, or unchanged, are not in it."""
    meta = {"id", "DELETE", getattr(formset, "fk", None) and formset.fk.name}
    added, changed, removed = [], [], []
    for form in formset.forms:
        existing = form.instance.pk is not None and form in formset.initial_forms
        if formset.can_delete and formset._should_delete_form(form):
            if existing:
                removed.append(formset.model._default_manager.get(pk=form.instance.pk))
            continue
        if not form.has_changed():
            continue
        values = {name: value for name, value in form.cleaned_data.items() if name not in meta}
        if existing:
            # Only what the person changed: the values of the other fields stay as stored.
            values = {name: values[name] for name in form.changed_data if name in values}
            changed.append((formset.model._default_manager.get(pk=form.instance.pk), values))
        else:
            added.append(values)
    return RowChanges(added=added, changed=changed, removed=removed)


def with_blank_row(data: QueryDict, prefix: str, limit: int) -> QueryDict:
    """The posted formset with one more (blank) row, for an "add a row" button that works
    without a script: the page comes back with everything typed and an empty row under it.
    Never more than ``limit`` rows."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(data.get(key, ""))
    except ValueError:
        return data  # a forged count: the formset says what is wrong with it
    data[key] = str(min(max(total, 0) + 1, limit))
    return data


def _assign(row: models.Model, values: Mapping[str, Any]) -> dict[str, Any]:
    """Set the plain fields; return the many-to-many ones, set once the row is saved."""
    links = {}
    for name, value in values.items():
        if row._meta.get_field(name).many_to_many:
            links[name] = value
        else:
            setattr(row, name, value)
    return links


def _save(row: models.Model, values: Mapping[str, Any]) -> models.Model:
    links = _assign(row, values)
    row.full_clean(exclude=list(links))
    row.save()
    for name, value in links.items():
        getattr(row, name).set(value)
    return row


def apply_row_changes(
    changes: RowChanges, *, model: type[models.Model], parent: Mapping[str, Any]
) -> tuple[list[models.Model], list[models.Model], list[models.Model]]:
    """Create, update and delete the rows of ``model`` under ``parent`` (the foreign key
    and its value, e.g. ``{"issue": issue}``). Returns the rows added, changed, removed;
    a changed or removed row of another parent is refused (LookupError)."""
    for row, _values in changes.changed:
        _check_parent(row, parent)
    for row in changes.removed:
        _check_parent(row, parent)
    added = [_save(model(**parent), values) for values in changes.added]
    changed = [_save(row, values) for row, values in changes.changed]
    for row in changes.removed:
        row.delete()
    return added, changed, list(changes.removed)


def _check_parent(row: models.Model, parent: Mapping[str, Any]) -> None:
    for name, value in parent.items():
        if getattr(row, f"{name}_id") != value.pk:
            raise LookupError(f"{row!r} is not a row of {value!r}")
