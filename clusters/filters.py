from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clusters.models import AuditEntry, Cluster
from core.widgets import DateInput

DATE = DateInput()


class AuditFilter(django_filters.FilterSet):
    """The coordinator's filters of the cluster's activity: what, who, and when."""

    action = django_filters.ChoiceFilter(label=_("What"), choices=AuditEntry.Action.choices)
    person = django_filters.ModelChoiceFilter(
        label=_("Who"), field_name="by", queryset=User.objects.none()
    )
    since = django_filters.DateFilter(
        label=_("From"), field_name="created_at", lookup_expr="date__gte", widget=DATE
    )
    until = django_filters.DateFilter(
        label=_("Until"), field_name="created_at", lookup_expr="date__lte", widget=DATE
    )
    about = django_filters.CharFilter(
        label=_("On what"), field_name="target", lookup_expr="icontains", max_length=100
    )

    class Meta:
        model = AuditEntry
        fields = ["action", "person", "since", "until", "about"]

    def __init__(self, *args: object, cluster: Cluster, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Only people who did something in this cluster: never a list of every account.
        self.filters["person"].queryset = User.objects.filter(
            pk__in=cluster.audit.values("by")
        ).order_by("first_name", "last_name", "email")
        self.filters["person"].field.label_from_instance = lambda user: user.display_name
