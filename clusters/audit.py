"""The one audit log of a cluster: every write that changes its shared work records who,
when, what action, on which object, and what changed (pretix's ``log_action`` is the
model).

Entries hold values, never sentences: field names, codes, ISO dates. They are put in
words when read (``details_of``, ``about_of``), so the page speaks the reader's language
and not the one of the moment the change was made.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from accounts.models import User
from clusters.models import AuditEntry, Cluster
from core import words

# Labels of the details that are not a field of the object the entry is about.
DETAIL_LABELS = {
    "reason": gettext_lazy("reason"),
    "role": gettext_lazy("role"),
    "email": gettext_lazy("email"),
    "outcome": gettext_lazy("outcome"),
    "stance": gettext_lazy("position"),
    "round": gettext_lazy("round"),
    "period": gettext_lazy("period"),
    "rows": gettext_lazy("rows"),
    "attended": gettext_lazy("people of the entities who attended"),
    "reports": gettext_lazy("reports"),
    "version": gettext_lazy("version"),
    "part": gettext_lazy("part"),
    "links_made": gettext_lazy("links made"),
    "links_unmade": gettext_lazy("links undone"),
    "file": gettext_lazy("file"),
    "kind": gettext_lazy("kind"),
    "language": gettext_lazy("language"),
    "entity": gettext_lazy("entity"),
    "closes_at": gettext_lazy("closes at"),
    "position": gettext_lazy("position"),
    "amount": gettext_lazy("amount"),
    "not_applied": gettext_lazy("not applied"),
    "applied": gettext_lazy("applied"),
    "tally": gettext_lazy("positions"),
    "previous_lead": gettext_lazy("previous lead"),
    "objectives": gettext_lazy("objectives"),
    "title": gettext_lazy("title"),
    "decision": gettext_lazy("decision"),
    "previous": gettext_lazy("previous version"),
    "added": gettext_lazy("added"),
    "changed": gettext_lazy("changed"),
    "deleted": gettext_lazy("removed"),
    "values": gettext_lazy("values"),
    "submitted": gettext_lazy("submitted for validation"),
    "invitations": gettext_lazy("invitations"),
    "done": gettext_lazy("done"),
}


# Kept for who reads the data (which comment, which row), never shown as a line.
UNSHOWN_DETAILS = {"changes", "about", "comment", "reply_to"}


def json_value(value: Any) -> Any:
    """A value as the log keeps it: JSON, and free of the language of the moment."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        # One text per number: "12.5" for 12.50 as for 12.5 (so that an equal value typed
        # otherwise is no change), and "10", not the "1E+1" of normalize() alone.
        return format(value.normalize(), "f")
    if isinstance(value, Mapping):
        return {str(key): json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset | models.QuerySet):
        items = [json_value(item) for item in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of ``fields`` now (many-to-many fields as their sorted names)."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            values[name] = sorted(str(item) for item in getattr(instance, name).all())
        else:
            values[name] = getattr(instance, name)
    return json_value(values)


def changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list]:
    """``{field: [before, after]}`` for the fields whose values differ."""
    before, after = json_value(before), json_value(after)
    return {
        field: [before.get(field), value]
        for field, value in after.items()
        if before.get(field) != value
    }


def audit(
    *,
    cluster: Cluster,
    by: User | None,
    action: str,
    target: models.Model | str | None = None,
    changes: Mapping[str, Sequence] | None = None,
    **details: Any,
) -> AuditEntry:
    """Record one action in the cluster's log, in the caller's transaction."""
    data = json_value(details)
    if changes:
        data["changes"] = json_value(changes)
    entry = AuditEntry(cluster=cluster, by=by, action=action, data=data)
    if isinstance(target, models.Model):
        entry.object_type = target._meta.label_lower
        entry.object_id = target.pk
        entry.target = str(target)[:300]
        if hasattr(target, "audit_values"):
            entry.data["about"] = json_value(target.audit_values())
    elif target:
        entry.target = str(target)[:300]
    entry.save()
    # Now, and again once committed: a reader between the two may cache the old state.
    data_changed(cluster.pk)
    transaction.on_commit(lambda: data_changed(cluster.pk))
    return entry


# Every write to a cluster goes through a service that records it here, so the log is
# also where the cluster's data version moves: what is cached of a cluster (its dashboard,
# its IATI file) is kept under the version it was read at, and a write makes it old.
def _version_key(cluster_id: int) -> str:
    return f"clusters:data-version:{cluster_id}"


def data_version(cluster_id: int) -> int:
    """The cluster's data version: it changes with every write recorded in its log."""
    version = cache.get(_version_key(cluster_id))
    if version is None:
        # None yet, or lost (a cache culls keys when full): a new one at random, never a
        # number an entry may already be cached under.
        cache.add(_version_key(cluster_id), secrets.randbits(62), None)
        version = cache.get(_version_key(cluster_id))
    return version


def data_changed(cluster_id: int) -> None:
    """Make what is cached of the cluster old (audit calls it; so may a bulk load)."""
    try:
        cache.incr(_version_key(cluster_id))
    except ValueError:  # none, or lost: a new one at random, as data_version does
        cache.set(_version_key(cluster_id), secrets.randbits(62), None)


@dataclass(frozen=True)
class Detail:
    """One line of an entry's details: what, and from what to what (or just its value)."""

    label: str
    before: str | None
    after: str

    @property
    def is_change(self) -> bool:
        return self.before is not None

    def __str__(self) -> str:
        if self.is_change:
            return f"{self.label}: {self.before} → {self.after}"
        return f"{self.label}: {self.after}"


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type) if object_type else None
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    # A detail named like a reverse relation ("reports" of an entity) is not that field.
    return None if field.auto_created and not field.concrete else field


def _label(field: models.Field | None, key: str) -> str:
    if field is not None and hasattr(field, "verbose_name"):
        return capfirst(field.verbose_name)
    return capfirst(DETAIL_LABELS.get(key, key.replace("_", " ")))


def _words(value: Any, field: models.Field | None) -> str:
    """A stored value in the reader's words: a choice's label, a date in their format."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(_words(item, field) for item in value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    choices = dict(field.flatchoices) if field is not None and field.choices else {}
    if value in choices:
        return str(choices[value])
    if isinstance(value, str):
        moment = parse_datetime(value) if "T" in value else None
        if moment is not None:
            # Stored with its offset (UTC from timezone.now()): shown in the site's time.
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
        day = parse_date(value) if len(value) == 10 else None
        if day is not None:
            return formats.date_format(day, "SHORT_DATE_FORMAT")
        return value
    if isinstance(value, int | float | Decimal):
        return words.number(value)
    return formats.localize(value)


def _shown(model: type[models.Model] | None, key: str, value: Any, field) -> str:
    """A value in the reader's words: the model words the details that are not plain
    fields (a rights issue's parts, a report's values), the field words the rest."""
    words = model.audit_words(key, value) if hasattr(model, "audit_words") else None
    return words or _words(value, field)


def details_of(entry: AuditEntry) -> list[Detail]:
    """What the entry records beyond its action, in the reader's language: the changes in
    the order of the object's fields, then the other details by name (PostgreSQL keeps a
    JSON object's keys in an order of its own)."""
    model = _model(entry.object_type)
    data = entry.data or {}
    lines = []
    changes = data.get("changes") or {}
    for key in sorted(changes, key=lambda key: _field_order(model, key)):
        before, after = changes[key]
        field = _field(model, key)
        lines.append(
            Detail(
                _label(field, key),
                _shown(model, key, before, field),
                _shown(model, key, after, field),
            )
        )
    for key in sorted(data):
        if key in UNSHOWN_DETAILS:
            continue
        field = _field(model, key)
        lines.append(Detail(_label(field, key), None, _shown(model, key, data[key], field)))
    return lines


def _field_order(model: type[models.Model] | None, key: str) -> tuple[int, str]:
    names = [field.name for field in model._meta.get_fields()] if model is not None else []
    return (names.index(key) if key in names else len(names), key)


def about_of(entry: AuditEntry) -> str:
    """What the entry is about, in the reader's language: an object whose name has words
    of the interface (a report's kind) keeps the values of its name (``audit_values``) and
    words them when read (``audit_name``); any other keeps its name as it was."""
    model = _model(entry.object_type)
    values = (entry.data or {}).get("about")
    if values is not None and model is not None and hasattr(model, "audit_name"):
        return model.audit_name(values)
    return entry.target


def with_details(entries: Iterable[AuditEntry]) -> list[AuditEntry]:
    """The entries, each given ``about`` and ``details`` in the reader's language, with no
    query of its own."""
    entries = list(entries)
    for entry in entries:
        entry.about = about_of(entry)
        entry.details = details_of(entry)
    return entries


def audit_rows(entries: models.QuerySet[AuditEntry]) -> Iterator[list[object]]:
    """The entries for a spreadsheet: a header in the reader's language, then one row per
    entry, read in batches from one query (an entry added meanwhile neither shifts nor
    repeats a row) so that a long trail never sits in memory at once."""
    yield [_("When"), _("Who"), _("What"), _("On what"), pgettext("audit log", "Details")]
    batch: list[AuditEntry] = []
    for entry in entries.iterator(chunk_size=BATCH):
        batch.append(entry)
        if len(batch) == BATCH:
            yield from _rows(batch)
            batch = []
    yield from _rows(batch)


BATCH = 500


def _rows(entries: list[AuditEntry]) -> Iterator[list[object]]:
    for entry in with_details(entries):
        yield [
            timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M"),
            entry.by.display_name if entry.by else "",
            entry.get_action_display(),
            entry.about,
            "; ".join(str(detail) for detail in entry.details),
        ]
