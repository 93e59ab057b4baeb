"""The coordinator's dashboard and a member entity's to-do page: their numbers against
the hand-counted world, and their queries, the same on the demo and the large cluster."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clusters.models import Cluster, Membership
from coherence.models import Score, ScoreQuestion
from demo.large import SLUG as LARGE
from planning import action_services, proposal_services
from reports.dashboard import questioned_scores
from reports.models import ReportJob
from tests.conftest import World
from tests.factories import InvitationFactory


def dashboard(world: World):
    response = world.client("coordinator").get(reverse("reports:dashboard", args=["housing"]))
    assert response.status_code == 200
    return response.context


def test_the_dashboard_counts_the_world_by_hand(world: World):
    context = dashboard(world)
    # Lead, member, observer and institution entities are active; two of them take positions.
    assert (context["members"], context["voting"]) == (4, 2)
    assert context["decisions"] == 0 and context["participation_rate"] is None
    # The world's proposal is open and nobody has answered yet.
    [item] = context["open_proposals"]
    assert (item.proposal, item.waiting) == (world.proposal, 2)
    # One indicator, its only report submitted but not validated: no data yet.
    assert {s: n for s, _label, n in context["status_counts"]}["no_data"] == 1
    # The member entity submitted its report of the open period; the lead owes one.
    assert context["reporting_totals"] == {"overdue": 0, "due": 1, "awaiting": 1, "returned": 0}
    assert context["actions_by_status"] == {"in_progress": 1}
    assert context["late_count"] == 0
    assert context["contributions_by_kind"] == {"staff_hours": 120}
    assert context["activity"][0].action == "contribution_added"


def test_the_dashboard_follows_decisions_and_late_actions(world: World):
    lead = world.cluster.memberships.get(role=Membership.Role.LEAD)
    proposal_services.stance_take(
        proposal=world.proposal,
        membership=world.member_membership,
        by=world.users["member"],
        position="agree",
    )
    proposal_services.proposal_decide(proposal=world.proposal, by=world.users["coordinator"])
    late = action_services.action_create(
        cluster=world.cluster,
        by=world.users["coordinator"],
        title="Overdue census",
        objective=world.indicator.objective,
        lead=lead,
        territory="Raval",
        start=timezone.localdate() - timedelta(days=90),
        end=timezone.localdate() - timedelta(days=1),
    )
    context = dashboard(world)
    # One decision: the member took a position, the lead did not.
    assert (context["decisions"], context["participation_rate"]) == (1, 50)
    assert [(row.membership, row.rate) for row in context["least_participating"]] == [
        (lead, 0),
        (world.member_membership, 100),
    ]
    assert context["open_proposals"] == []
    assert (context["late_count"], context["late_actions"]) == (1, [late])
    page = world.client("coordinator").get(
        reverse("planning:action-list", args=["housing"]), {"late": "on"}
    )
    assert [a.title for a in page.context["page"]] == ["Overdue census"]


def test_every_dashboard_number_links_to_its_list(world: World):
    body = world.client("coordinator").get(reverse("reports:dashboard", args=["housing"]))
    html = body.content.decode()
    for target in (
        reverse("clusters:members", args=["housing"]),
        reverse("reports:participation", args=["housing"]),
        reverse("planning:proposal-list", args=["housing"]) + "?status=open",
        reverse("indicators:objective-list", args=["housing"]) + "?status=no_data",
        reverse("planning:action-list", args=["housing"]) + "?status=in_progress",
        reverse("clusters:audit-log", args=["housing"]),
    ):
        assert f'href="{target}' in html, target
    no_data = world.client("coordinator").get(
        reverse("indicators:objective-list", args=["housing"]), {"status": "no_data"}
    )
    assert [i.code for _o, _r, _s, items in no_data.context["rows"] for i, _p, _b in items] == [
        "I1"
    ]


def todo(world: World, person: str = "member"):
    response = world.client(person).get(reverse("reports:todo", args=["housing"]))
    assert response.status_code == 200
    return response.context


def test_the_todo_page_lists_what_the_member_entity_owes(world: World):
    invitation = InvitationFactory(cluster=world.other_cluster, email="member@example.org")
    context = todo(world)
    assert context["positions"] == [world.proposal]
    # Its one report of the open period is submitted: nothing to report.
    assert context["reports"] == []
    # It leads the world's action, which has had no update yet.
    assert [item.action for item in context["led_actions"]] == [world.action]
    assert [inv for inv, _token in context["invitations"]] == [invitation]


def test_the_todo_page_empties_as_the_entity_acts(world: World):
    proposal_services.stance_take(
        proposal=world.proposal,
        membership=world.member_membership,
        by=world.users["member"],
        position="abstain",
    )
    action_services.update_post(
        action=world.action,
        by=world.users["member"],
        membership=world.member_membership,
        is_coordinator=False,
        note="Twelve hearings covered",
    )
    context = todo(world, "representative")
    assert context["positions"] == [] and context["led_actions"] == []
    assert (
        "Nothing pending"
        in world.client("member").get(reverse("reports:todo", args=["housing"])).content.decode()
    )


def queries(client, url: str) -> list[str]:
    # Each page as a first reader finds it: the seed warmed the demo's cached values
    # (its IATI file, published by the seed, reads them), not the large cluster's.
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.django_db
def test_pages_run_the_same_queries_on_the_demo_and_the_large_cluster(
    client, settings, django_assert_max_num_queries
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", force=True, large=True, stdout=StringIO())
    demo = Cluster.objects.exclude(slug=LARGE).get()
    large = Cluster.objects.get(slug=LARGE)
    coordinator = demo.roles.get().user
    # The demo asked for a report; so does the large cluster, for the list to compare.
    ReportJob.objects.create(cluster=large, kind="dossier", language="ca")
    member = Membership.objects.get(cluster=large, actor__people__user__email="member@demo.example")
    # Its entity there has scores questioned since their revision, the demo's none: the
    # to-do page lists them in the same queries as an empty list.
    asking = large.memberships.voting().exclude(pk=member.pk).first()
    ScoreQuestion.objects.bulk_create(
        ScoreQuestion(
            score=score,
            membership=asking,
            comment="Why this score?",
            value_questioned=score.value,
            by=coordinator,
            at=timezone.now(),
        )
        for score in Score.objects.filter(strategy__membership=member)[:5]
    )
    assert len(questioned_scores(member)) >= 5
    pages = {
        "coordinator": [
            "reports:dashboard",
            "reports:participation",
            "reports:list",
            "planning:proposal-list",
            "planning:action-list",
            "planning:who-does-what",
            "planning:gaps-and-overlaps",
            "indicators:objective-list",
            "indicators:validation-queue",
            "rights:issue-list",
            "clusters:members",
            "clusters:audit-log",
            "health:health",
            "coherence:coherence",
        ],
        "member": ["reports:todo", "indicators:reporting", "health:health", "coherence:coherence"],
    }
    people = {"coordinator": coordinator, "member": member.actor.people.get().user}
    counts = {}
    for person, names in pages.items():
        client.force_login(people[person])
        for name in names:
            on_demo = queries(client, reverse(name, args=[demo.slug]))
            on_large = queries(client, reverse(name, args=[large.slug]))
            counts[name] = (len(on_demo), len(on_large))
    assert {name: a for name, (a, b) in counts.items() if a != b} == {}, counts
    # The dashboard's 29 queries: session, user, cluster, coordinator role, memberships
    # (access, 5); active entities, by role, the entities taking positions (3); decisions,
    # positions per entity (participation, 2); the proposals waiting for the coordinator
    # with their count (1); open proposals with their answers, their count (2); objectives,
    # indicators, SDG targets (progress, 3; the validated values are cached once read, until
    # the next validation); unlocked periods, indicators for everyone, named indicators,
    # reports per entity (reporting, 4); actions by status, the late ones, their count (3);
    # contributions by kind, by entity (2); the activity (1); the coherence figure of the
    # current period (3: strategies in force, adopted objectives, score revisions).
    client.force_login(coordinator)
    # The health page's 45: access (5); the rounds' page and its count (2); the latest
    # closed round, the open one, its answers' count, whether the entity answered (4);
    # the latest's results (6: the round before, questions, answers, eligible entities,
    # the plan before, comments); the chart's rounds, questions, answers (3); the derived
    # figures (17, health.figures) and the validated values as of each of their 8 periods
    # (8; cached once read, until the next validation).
    with django_assert_max_num_queries(45):
        client.get(reverse("health:health", args=[large.slug]))
    with django_assert_max_num_queries(29):
        client.get(reverse("reports:dashboard", args=[large.slug]))
    # The to-do page's 14 queries: access (5); open proposals without the entity's
    # position (1); open periods, indicators, their responsible entities, the entity's
    # reports (4); running actions it leads with their last update (1); its scores
    # questioned since their last revision (1); its open follow-up tasks with their
    # meetings (1); the person's pending invitations (1).
    client.force_login(people["member"])
    with django_assert_max_num_queries(14):
        client.get(reverse("reports:todo", args=[large.slug]))


def test_a_validation_shows_at_once_though_progress_is_cached(
    world: World, django_capture_on_commit_callbacks
):
    from indicators import services as indicator_services

    before = {s: n for s, _label, n in dashboard(world)["status_counts"]}
    with django_capture_on_commit_callbacks(execute=True):
        indicator_services.report_validate(report=world.report, by=world.users["coordinator"])
    after = {s: n for s, _label, n in dashboard(world)["status_counts"]}
    assert (before["no_data"], after["no_data"]) == (1, 0)


def submitted_proposal(world: World, title: str = "Tenants' union in every block"):
    proposal = proposal_services.proposal_create(
        membership=world.member_membership,
        by=world.users["member"],
        title=title,
        description="Organised tenants negotiate better",
    )
    return proposal_services.proposal_submit(proposal=proposal, by=world.users["member"])


def test_a_submitted_proposal_waits_on_the_coordinators_dashboard(world: World):
    assert dashboard(world)["waiting_count"] == 0
    proposal = submitted_proposal(world)
    response = world.client("coordinator").get(reverse("reports:dashboard", args=["housing"]))
    page = response.content.decode()
    assert response.context["waiting_count"] == 1
    assert "Proposals waiting for you" in page and "Tenants&#x27; union in every block" in page
    assert reverse("planning:proposal-detail", args=["housing", proposal.pk]) in page


def test_the_dashboard_lists_the_first_waiting_and_counts_them_all(world: World):
    for n in range(10):
        submitted_proposal(world, title=f"Proposal {n}")
    context = dashboard(world)
    assert context["waiting_count"] == 10
    # The longest waiting first.
    assert [p.title for p in context["waiting_proposals"]] == [f"Proposal {n}" for n in range(8)]
    page = world.client("coordinator").get(reverse("reports:dashboard", args=["housing"]))
    assert "All 10 proposals waiting for you" in page.content.decode()


def test_the_coordinators_to_do_shows_what_waits_for_them_and_a_members_does_not(world: World):
    submitted_proposal(world)
    todo = reverse("reports:todo", args=["housing"])
    coordinator = world.client("coordinator").get(todo).content.decode()
    assert "Proposals waiting for you" in coordinator
    assert "Tenants&#x27; union in every block" in coordinator
    member = world.client("member").get(todo).content.decode()
    assert "Proposals waiting for you" not in member
