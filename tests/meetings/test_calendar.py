"""The calendar pages: a cluster's, for its readers, and a person's across their clusters."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from meetings import calendar
from meetings.models import Meeting
from tests.clock import MADRID, NOW
from tests.conftest import World
from tests.health.survey import make_round
from tests.meetings.calendar_data import schedule, second_cluster
from tests.test_permissions import OTHER_CLUSTER_SECRETS

CLUSTER_PAGE = "meetings:cluster-calendar"


def cluster_page(world: World, person: str):
    return world.client(person).get(reverse(CLUSTER_PAGE, args=[world.cluster.slug]))


def test_cluster_page_lists_what_is_coming_grouped_by_day(world: World):
    schedule(
        world.cluster,
        world.users["coordinator"],
        starts_at=datetime(2026, 5, 15, 18, 30, tzinfo=MADRID),
    )
    make_round(world.cluster, world.users["coordinator"])
    response = cluster_page(world, "member")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Assembly of the cluster" in body
    assert "18:30" in body  # the cluster's zone, not UTC (16:30)
    assert "Positions close: Shared emergency housing fund" in body
    assert "Survey round 2026 closes" in body
    # The current quarter is under way (listed under today) and its reports are due later.
    assert "Reporting period" in body
    assert "Reports due" in body
    meeting = Meeting.objects.get(cluster=world.cluster)
    assert reverse("meetings:detail", args=[world.cluster.slug, meeting.pk]) in body
    assert body.index("Assembly of the cluster") < body.index("Positions close")
    for secret in OTHER_CLUSTER_SECRETS:
        assert secret not in body


def test_cancelled_meetings_and_finished_actions_are_left_out(world: World):
    from meetings.services import meeting_cancel
    from planning.models import JointAction

    meeting = schedule(world.cluster, world.users["coordinator"], title="Cancelled assembly")
    meeting_cancel(meeting=meeting, by=world.users["coordinator"], reason="No quorum")
    year = {"since": NOW, "until": NOW + timedelta(days=365)}
    titles = {e.title for e in calendar.events_for([world.cluster], **year)}
    assert "Cancelled assembly" not in titles
    assert f"Joint action ends: {world.action.title}" in titles
    JointAction.objects.filter(pk=world.action.pk).update(status=JointAction.Status.COMPLETED)
    titles = {e.title for e in calendar.events_for([world.cluster], **year)}
    assert f"Joint action ends: {world.action.title}" not in titles
    assert "Cancelled assembly" not in cluster_page(world, "coordinator").content.decode()


def test_observer_reads_the_cluster_calendar(world: World):
    schedule(world.cluster, world.users["coordinator"])
    assert "Assembly of the cluster" in cluster_page(world, "observer").content.decode()


def test_institution_gets_403_and_outsider_404(world: World):
    assert cluster_page(world, "institution").status_code == 403
    assert cluster_page(world, "outsider").status_code == 404


def test_my_calendar_shows_every_cluster_of_the_person(world: World):
    schedule(world.cluster, world.users["coordinator"])
    second_cluster(world)
    response = world.client("member").get(reverse("meetings:my-calendar"))
    body = response.content.decode()
    assert "Assembly of the cluster" in body
    assert "Assembly of the second cluster" in body
    assert "Energy poverty cluster" in body
    assert "Housing rights cluster" in body
    for secret in OTHER_CLUSTER_SECRETS:
        assert secret not in body


def test_institution_sees_nothing_of_the_cluster_on_its_calendar(world: World):
    schedule(world.cluster, world.users["coordinator"])
    body = world.client("institution").get(reverse("meetings:my-calendar")).content.decode()
    assert "Assembly of the cluster" not in body
    assert "Shared emergency housing fund" not in body
    assert "Housing rights cluster" not in body


def test_outsider_sees_only_their_own_cluster(world: World):
    schedule(world.cluster, world.users["coordinator"])
    body = world.client("outsider").get(reverse("meetings:my-calendar")).content.decode()
    assert "Assembly of the cluster" not in body
    assert "Housing rights cluster" not in body
    assert "Secret joint action" not in body  # ends in 230 days: beyond the page's 90


def test_events_take_the_same_queries_for_one_cluster_or_three(world, django_assert_num_queries):
    """One query per source (meetings, proposals, saved periods, decisions, actions,
    survey rounds), whatever the number of clusters."""
    member = world.users["member"]
    one = calendar.readable_clusters(member)
    with django_assert_num_queries(6):
        calendar.events_for(one, since=NOW, until=NOW + timedelta(days=365))
    second_cluster(world)
    for n in range(2):
        from tests.factories import ClusterFactory, MembershipFactory

        other = ClusterFactory(name=f"Cluster number {n}")
        MembershipFactory(cluster=other, actor=world.member_actor)
        schedule(other, world.users["coordinator"], title=f"Meeting {n}")
    three = calendar.readable_clusters(member)
    assert len(three) == 4
    with django_assert_num_queries(6):
        events = calendar.events_for(three, since=NOW, until=NOW + timedelta(days=365))
    assert {"Meeting 0", "Meeting 1", "Assembly of the second cluster"} <= {e.title for e in events}


@pytest.mark.parametrize("clusters", [1, 3])
def test_my_calendar_page_queries_do_not_grow(world, clusters, django_assert_max_num_queries):
    from tests.factories import ClusterFactory, MembershipFactory

    for n in range(clusters - 1):
        other = ClusterFactory(name=f"Cluster number {n}")
        MembershipFactory(cluster=other, actor=world.member_actor)
        schedule(other, world.users["coordinator"], title=f"Meeting {n}")
    client = world.client("member")
    # Session and user (2), the clusters (1), the six sources (6).
    with django_assert_max_num_queries(9):
        assert client.get(reverse("meetings:my-calendar")).status_code == 200


def test_a_reporting_period_spans_days_and_its_due_date_is_one_day(world: World):
    events = calendar.events_for([world.cluster], since=NOW, until=NOW + timedelta(days=365))
    window = next(e for e in events if e.kind == "reporting-period")
    due = next(e for e in events if e.kind == "reports-due")
    assert window.is_all_day and due.is_all_day
    assert window.starts == world.period.start and window.ends == world.period.end
    assert due.starts == world.period.due
