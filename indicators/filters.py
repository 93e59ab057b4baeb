from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster, Membership
from core.forms import name_choices
from core.widgets import LongSelect
from indicators.models import Indicator, MeasurementReport, Objective, ReportingPeriod


class ReportFilter(django_filters.FilterSet):
    """Filters of the validation queue and of an entity's reporting page."""

    objective = django_filters.ModelChoiceFilter(
        label=_("Objective"), field_name="indicator__objective", queryset=Objective.objects.none()
    )
    type = django_filters.ChoiceFilter(
        label=_("Type"), field_name="indicator__type", choices=Indicator.Type.choices
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=MeasurementReport.Status.choices
    )
    member = django_filters.ModelChoiceFilter(
        label=_("Member entity"),
        field_name="membership",
        queryset=Membership.objects.none(),
        widget=LongSelect,
    )
    period = django_filters.ModelChoiceFilter(
        label=_("Period"), queryset=ReportingPeriod.objects.none()
    )

    class Meta:
        model = MeasurementReport
        fields = ["objective", "type", "status", "member", "period"]

    def __init__(self, *args: object, cluster: Cluster, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.filters["objective"].queryset = cluster.objectives.all()
        # Only what the choices show: a large cluster lists hundreds of entities.
        members = (
            cluster.memberships.voting()
            .select_related("actor")
            .only("id", "cluster_id", "actor__name")
            .order_by("actor__name")
        )
        self.filters["member"].queryset = members
        self.filters["member"].field.label_from_instance = lambda m: m.actor.name
        name_choices(self.filters["member"].field, "actor__name")
        self.filters["period"].queryset = cluster.periods.order_by("-start")


class IndicatorFilter(django_filters.FilterSet):
    objective = django_filters.ModelChoiceFilter(
        label=_("Objective"), queryset=Objective.objects.none()
    )
    type = django_filters.ChoiceFilter(label=_("Type"), choices=Indicator.Type.choices)

    class Meta:
        model = Indicator
        fields = ["objective", "type"]

    def __init__(self, *args: object, cluster: Cluster, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.filters["objective"].queryset = cluster.objectives.all()
