"""An ``in`` lookup for integer columns that survives ids no column can hold.

Django 5.2 treats an out-of-range integer in ``exact`` and the comparisons as matching
nothing, but passes it on in ``in``, where SQLite raises OverflowError: a form listing ids
(every multiple choice of the project filters ``pk__in`` with what was posted) would fail
with a server error on ``2**70`` instead of refusing the choice. Such values match no row,
so they are dropped; with none left the lookup matches nothing, as for an empty list.
"""

from __future__ import annotations

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerIn)
