"""The demo's meetings part: two assemblies held with their minutes (one approved, one a
draft an entity objected to), the decision taken at one, and the next one this week with
its agenda and who will come; built the same way twice."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from clusters.models import Cluster
from demo.clusters import CLUSTER_SLUG
from demo.meetings import next_meeting_day
from meetings import services
from meetings.models import (
    AgendaItem,
    Attendance,
    FollowUpTask,
    Meeting,
    MeetingDecision,
    MinutesObjection,
)
from planning.models import Proposal
from reports import content
from tests.clock import NOW, TODAY


def counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count()
        for m in (Meeting, AgendaItem, Attendance, MeetingDecision, FollowUpTask, MinutesObjection)
    )


def test_the_demo_has_two_meetings_held_and_one_coming(db):
    call_command("seed_demo", force=True, stdout=StringIO())
    first = counts()
    call_command("seed_demo", force=True, stdout=StringIO())
    assert counts() == first

    cluster = Cluster.objects.get(slug=CLUSTER_SLUG)
    held = list(cluster.meetings.filter(status=Meeting.Status.CLOSED).order_by("starts_at"))
    assert len(held) == 2
    approved, draft = held
    # The older: approved by consent once its seven days passed, nobody objecting.
    assert approved.minutes_approved_how == Meeting.Approval.CONSENT
    assert approved.minutes_approved_at == approved.consent_ends_at
    assert not approved.objections.exists()
    # The latest: a draft, an entity's objection waiting for the next meeting.
    assert draft.minutes_are_draft and draft.objections.count() == 1
    assert draft.starts_at < NOW < draft.consent_ends_at
    for meeting in held:
        items = list(meeting.items.all())
        assert len(items) == 2 and all(item.minutes for item in items)
        assert meeting.tasks.count() == 2
        assert meeting.attendances.filter(attended=True).count() >= 3
    # The rota was decided at the latest one.
    (link,) = MeetingDecision.objects.filter(meeting__cluster=cluster)
    assert link.meeting == draft
    assert link.decision.proposal.title == "Torn d'advocacia per als llançaments"

    # The coming one: this week (Friday, seeded on a Wednesday), an agenda of a proposal,
    # an indicator and the health round, an item an entity proposed, and the answers.
    (coming,) = cluster.meetings.coming()
    assert coming.starts_at.astimezone(timezone.get_current_timezone()).date() == (
        TODAY + timedelta(days=2)
    )
    accepted = coming.items.filter(status=AgendaItem.Status.ACCEPTED)
    assert all(item.linked is not None for item in accepted)
    assert {type(item.linked).__name__ for item in accepted} == {
        "Proposal",
        "Indicator",
        "SurveyRound",
    }
    (proposed,) = coming.items.filter(status=AgendaItem.Status.PROPOSED)
    assert proposed.proposed_by.actor.slug == "sindicat-llogateres"
    answers = {(a.membership.actor.slug, a.answer) for a in coming.attendances.all()}
    assert {answer for _slug, answer in answers} == {"yes", "maybe", "no"}
    assert len({slug for slug, _answer in answers}) == 3
    # Its close may approve the latest meeting's draft minutes.
    assert services.draft_minutes_before(coming) == draft

    # What the demo member's weekly digest finds: a position to take for the tenants'
    # union on an open proposal, and the coming meeting in this week.
    jordi = User.objects.get(email="member@demo.example")
    union = cluster.memberships.get(actor__slug="sindicat-llogateres")
    assert union.actor.people.filter(user=jordi).exists()
    waiting = (
        cluster.proposals.filter(status=Proposal.Status.OPEN, closes_at__gt=NOW)
        .exclude(stances__membership=union)
        .exists()
    )
    assert waiting
    monday = TODAY - timedelta(days=TODAY.weekday())
    assert monday <= coming.starts_at.date() <= monday + timedelta(days=6)

    # The dossier's chapter has both, the draft marked.
    section = content.meetings(cluster)
    assert [r.meeting for r in section.records] == held
    assert section.records[0].approved_by_consent and section.records[1].decisions


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 5, 11), date(2026, 5, 13)),  # Monday → Wednesday
        (date(2026, 5, 14), date(2026, 5, 16)),  # Thursday → Saturday
        (date(2026, 5, 15), date(2026, 5, 17)),  # Friday → Sunday
        (date(2026, 5, 16), date(2026, 5, 19)),  # Saturday → the Tuesday after
        (date(2026, 5, 17), date(2026, 5, 19)),  # Sunday → the Tuesday after
    ],
)
def test_the_coming_meeting_falls_in_the_week_the_digest_counts(today, expected):
    assert next_meeting_day(today) == expected


def test_the_large_cluster_has_a_year_of_meetings_read_in_as_many_queries(
    db, django_assert_num_queries
):
    from demo.large import SLUG

    call_command("seed_demo", force=True, large=True, stdout=StringIO())
    demo = Cluster.objects.get(slug=CLUSTER_SLUG)
    large = Cluster.objects.get(slug=SLUG)
    assert large.meetings.filter(status=Meeting.Status.CLOSED).count() == 12
    assert large.meetings.coming().count() == 1
    assert Attendance.objects.filter(meeting__cluster=large, attended=True).count() >= 12 * 20
    # The report's section: the same six queries on the demo's 2 meetings as on 12 (see
    # tests/reports/test_meetings_section.py), cut to the latest ten.
    with django_assert_num_queries(6):
        on_demo = content.meetings(demo)
    with django_assert_num_queries(6):
        on_large = content.meetings(large)
    assert len(on_demo.records) == 2 and on_demo.more == 0
    assert len(on_large.records) == content.PRINT_MEETINGS and on_large.more == 2
    assert all(record.entity_count >= 20 for record in on_large.records)
    # Each one but the first approved the previous one's minutes; the last is a draft.
    assert [r.approved_at is not None for r in on_large.records] == [True] * 9 + [False]
