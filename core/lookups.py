"""``in`` lookups for integer columns that survive ids no column can hold.

Django 5.2 treats an out-of-range integer in ``exact`` and the comparisons as matching
nothing, but passes it on in ``in``, where SQLite raises OverflowError: a form listing ids
(every multiple choice of the project filters ``pk__in`` with what was posted) or a filter
on a foreign key would fail with a server error on ``2**70`` instead of finding nothing.
Such values match no row, so they are dropped; with none left the lookup matches nothing,
as for an empty list.
"""

from __future__ import annotations

from django.db.models import ForeignObject, IntegerField
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In


def _within_range(values: object, internal_type: str, connection) -> object:
    try:
        low, high = connection.ops.integer_field_range(internal_type)
    except KeyError:  # not an integer column
        return values
    return [
        value
        for value in values
        if not isinstance(value, int)
        or ((low is None or value >= low) and (high is None or value <= high))
    ]


class IntegerIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            internal_type = self.lhs.output_field.get_internal_type()
            self.rhs = _within_range(self.rhs, internal_type, connection)
        return super().process_rhs(compiler, connection)


class ForeignKeyIn(RelatedIn):
    def process_rhs(self, compiler, connection):
        target = getattr(self.lhs.output_field, "target_field", None)
        if self.rhs_is_direct_value() and target is not None:
            self.rhs = _within_range(self.rhs, target.get_internal_type(), connection)
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerIn)
    ForeignObject.register_lookup(ForeignKeyIn)
