"""What the calendar tests put on the calendar: a meeting, and a second cluster of the
member entity with a meeting of its own."""

from __future__ import annotations

from datetime import datetime, timedelta

from accounts.models import User
from clusters.models import Cluster, Membership
from meetings.models import Meeting
from meetings.services import meeting_schedule
from tests.clock import MADRID, NOW
from tests.factories import ClusterFactory, ClusterRoleFactory, MembershipFactory


def schedule(
    cluster: Cluster,
    by: User,
    title: str = "Assembly of the cluster",
    starts_at: datetime | None = None,
    hours: int = 2,
) -> Meeting:
    starts_at = starts_at or (NOW + timedelta(days=2)).replace(hour=10, minute=0)
    return meeting_schedule(
        cluster=cluster,
        by=by,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        place="Casal del barri",
    )


def second_cluster(world, *, title: str = "Assembly of the second cluster") -> Cluster:
    """Another cluster the member entity is a member of, with a meeting next week."""
    cluster = ClusterFactory(name="Energy poverty cluster", slug="energy")
    MembershipFactory(cluster=cluster, actor=world.member_actor, role=Membership.Role.MEMBER)
    coordinator = world.users["coordinator"]
    ClusterRoleFactory(cluster=cluster, user=coordinator)
    schedule(cluster, coordinator, title, datetime(2026, 5, 20, 17, 0, tzinfo=MADRID))
    return cluster
