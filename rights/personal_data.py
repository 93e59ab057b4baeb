"""What the rights app holds about a person: the rights issues they started or validated,
the evidence they attached and the changes they made (accounts.personal_data). All of it
is the cluster's analysis and stays when the account goes, by the emptied account."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import User
from accounts.personal_data import Part, rows
from rights.models import Evidence, RightsIssue, RightsIssueChange


def export(user: User) -> dict[str, Any]:
    issues = RightsIssue.objects.filter(Q(created_by=user) | Q(validated_by=user))
    return {
        "rights_issues": rows(
            issues.order_by("created_at"),
            cluster="cluster__name",
            number="number",
            version="version",
            title="title",
            created_at="created_at",
            validated_at="validated_at",
        ),
        "evidence_attached": rows(
            Evidence.objects.filter(added_by=user).order_by("added_at"),
            cluster="issue__cluster__name",
            rights_issue="issue__title",
            title="title",
            url="url",
            file="original_name",
            added_at="added_at",
        ),
        "rights_issue_changes": rows(
            RightsIssueChange.objects.filter(user=user).order_by("created_at"),
            cluster="issue__cluster__name",
            rights_issue="issue__title",
            action="action",
            part="part",
            created_at="created_at",
        ),
    }


PART = Part("rights", export=export)
