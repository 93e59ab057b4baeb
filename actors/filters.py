from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from actors.forms import LabelOrderedChoices
from actors.models import Actor, Capacity, ThematicArea


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
    # The two capacity filters are applied together (filter_queryset): one capacity of the
    # entity must be of the kind and name the resource, not one each.
    capacity = django_filters.ChoiceFilter(
        label=_("Capacity"), choices=Capacity.Kind.choices, method="applied_together"
    )
    resource = django_filters.CharFilter(
        label=_("Resource"),
        method="applied_together",
        max_length=100,
        help_text=_("A word of what the entity offers: lawyers, room, audits..."),
    )

    class Meta:
        model = Actor
        fields = ["q", "kind", "thematic_area", "territory", "capacity", "resource"]

    def applied_together(self, queryset: QuerySet[Actor], name: str, value: str) -> QuerySet:
        return queryset

    def filter_queryset(self, queryset: QuerySet[Actor]) -> QuerySet[Actor]:
        queryset = super().filter_queryset(queryset)
        capacities = self.matching_capacities()
        if capacities is None:
            return queryset
        return queryset.filter(Exists(capacities.filter(actor=OuterRef("pk"))))

    @property
    def by_capacity(self) -> bool:
        """Whether the list is filtered by capacity (its column then says so)."""
        return self.is_valid() and self.matching_capacities() is not None

    def shown_capacities(self) -> QuerySet[Capacity]:
        """The capacities to list beside each entity: those that match, when filtered."""
        matching = self.matching_capacities() if self.is_valid() else None
        return (Capacity.objects.all() if matching is None else matching).order_by("kind", "pk")

    def matching_capacities(self) -> QuerySet[Capacity] | None:
        """The capacities the capacity filters ask for (None: they ask for none)."""
        data = getattr(self.form, "cleaned_data", {}) if self.is_bound else {}
        kind, word = data.get("capacity"), (data.get("resource") or "").strip()
        if not kind and not word:
            return None
        capacities = Capacity.objects.all()
        if kind:
            capacities = capacities.filter(kind=kind)
        if word:
            capacities = capacities.filter(Q(description__icontains=word) | Q(unit__icontains=word))
        return capacities

    def search(self, queryset: QuerySet[Actor], name: str, value: str) -> QuerySet[Actor]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))
