"""The filters of the API's lists (django-filter, through DRF's backend: a value it cannot
read, or another cluster's objective, answers 400 with the field named).

Choices among the cluster's own things (its objectives) are read from the view's cluster,
so that another cluster's code is not a valid choice here."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator, Objective, ReportingPeriod
from planning.models import JointAction, Proposal
from rights.models import RightsIssue


def cluster_objectives(request) -> QuerySet[Objective]:
    """The objectives of the cluster the view answers for (none while the schema is made)."""
    view = getattr(request, "parser_context", {}).get("view") if request else None
    cluster = getattr(view, "cluster", None)
    return cluster.objectives.all() if cluster else Objective.objects.none()


def objective_filter() -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        queryset=cluster_objectives,
        to_field_name="code",
        label=_("Objective code"),
    )


class IndicatorFilter(django_filters.FilterSet):
    objective = objective_filter()

    class Meta:
        model = Indicator
        fields = ["objective", "type", "measure"]


class PeriodFilter(django_filters.FilterSet):
    start_from = django_filters.DateFilter(field_name="start", lookup_expr="gte")
    start_until = django_filters.DateFilter(field_name="start", lookup_expr="lte")
    # A choice, not a BooleanFilter: that one takes "?locked=maybe" for no filter at all,
    # and the list would answer every period as if it had been asked for the locked ones.
    locked = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_locked",
        help_text="true: only the locked periods; false: only the open ones.",
    )

    def filter_locked(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(locked_at__isnull=value != "true")

    class Meta:
        model = ReportingPeriod
        fields = ["start_from", "start_until", "locked"]


class RightsIssueFilter(django_filters.FilterSet):
    class Meta:
        model = RightsIssue
        fields = ["status"]


class ProposalFilter(django_filters.FilterSet):
    class Meta:
        model = Proposal
        fields = ["status"]


class JointActionFilter(django_filters.FilterSet):
    objective = objective_filter()

    class Meta:
        model = JointAction
        fields = ["status", "objective"]
