from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster, Membership
from core.forms import name_choices
from core.widgets import DateInput, LongSelect
from indicators.models import Objective
from planning.models import JointAction

DATE = DateInput()


class JointActionFilter(django_filters.FilterSet):
    """Filters of the action plan and of the who-does-what-where table."""

    objective = django_filters.ModelChoiceFilter(
        label=_("Objective"), queryset=Objective.objects.none()
    )
    member = django_filters.ModelChoiceFilter(
        label=_("Member entity"),
        queryset=Membership.objects.none(),
        method="filter_member",
        widget=LongSelect,
    )
    territory = django_filters.CharFilter(
        label=_("Territory"), lookup_expr="icontains", max_length=200
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=JointAction.Status.choices)
    after = django_filters.DateFilter(
        label=_("Running from"), field_name="end", lookup_expr="gte", widget=DATE
    )
    before = django_filters.DateFilter(
        label=_("Running until"), field_name="start", lookup_expr="lte", widget=DATE
    )

    late = django_filters.BooleanFilter(
        label=_("Late"), method="filter_late", widget=forms.CheckboxInput
    )

    class Meta:
        model = JointAction
        fields = ["objective", "member", "territory", "status", "after", "before", "late"]

    def __init__(self, *args: object, cluster: Cluster, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.filters["objective"].queryset = cluster.objectives.all()
        members = cluster.memberships.filter(role__in=Membership.VOTING_ROLES)
        # Only what the choices show: a large cluster lists hundreds of entities.
        self.filters["member"].queryset = (
            members.select_related("actor")
            .only("id", "cluster_id", "actor__name")
            .order_by("actor__name")
        )
        self.filters["member"].field.label_from_instance = lambda m: m.actor.name
        name_choices(self.filters["member"].field, "actor__name")

    def filter_late(
        self, queryset: QuerySet[JointAction], name: str, value: bool
    ) -> QuerySet[JointAction]:
        """Running past their end date (JointAction.objects.late)."""
        return queryset.late() if value else queryset

    def filter_member(
        self, queryset: QuerySet[JointAction], name: str, value: Membership
    ) -> QuerySet[JointAction]:
        """Actions the entity leads or takes part in."""
        return queryset.filter(Q(lead=value) | Q(participants=value)).distinct()
