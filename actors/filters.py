from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from actors.forms import LabelOrderedChoices
from actors.models import Actor, ThematicArea


class ThematicAreaChoiceField(django_filters.fields.ModelChoiceField):
    iterator = LabelOrderedChoices


class ThematicAreaFilter(django_filters.ModelChoiceFilter):
    field_class = ThematicAreaChoiceField


class ActorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="search", max_length=100, help_text=_("Name or description")
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Actor.Kind.choices)
    thematic_area = ThematicAreaFilter(
        label=_("Thematic area"),
        field_name="thematic_areas",
        queryset=ThematicArea.objects.all(),
        to_field_name="code",
    )
    territory = django_filters.CharFilter(
        label=_("Territory"), lookup_expr="icontains", max_length=100
    )

    class Meta:
        model = Actor
        fields = ["q", "kind", "thematic_area", "territory"]

    def search(self, queryset: QuerySet[Actor], name: str, value: str) -> QuerySet[Actor]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))
