"""Joint actions: the rules of the service and the forms, contributions, updates, and the
pages of the action plan."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from clusters.models import AuditEntry, Membership
from core.errors import DomainError
from indicators.models import Indicator, Objective
from planning import action_services, proposal_services
from planning.models import ActionUpdate, Contribution, JointAction
from tests.clock import days
from tests.conftest import World
from tests.factories import MembershipFactory


def url(world: World, name: str, **kwargs) -> str:
    return reverse(f"planning:{name}", kwargs={"slug": world.cluster.slug, **kwargs})


def lead_membership(world: World) -> Membership:
    return world.cluster.memberships.get(role=Membership.Role.LEAD)


def form_data(world: World, **changes) -> dict:
    data = {
        "title": "Tenants' rights workshops",
        "description": "Monthly workshops in the community centres",
        "objective": world.indicator.objective_id,
        "indicators": [world.indicator.pk],
        "lead": world.member_membership.pk,
        "participants": [lead_membership(world).pk],
        "territory": "Nou Barris",
        "start": days(-70).isoformat(),
        "end": days(140).isoformat(),
        "budget": "3500",
        "status": "planned",
        "progress": "0",
        "gender_marker": "2",
    }
    return {**data, **changes}


def create(world: World, **changes) -> JointAction:
    fields = {
        "title": "Mediation service",
        "objective": world.indicator.objective,
        "lead": world.member_membership,
        "territory": "Sants",
        "start": days(-130),
        "end": days(50),
        **changes,
    }
    return action_services.action_create(
        cluster=world.cluster, by=world.users["coordinator"], **fields
    )


# The service's rules


def test_an_action_cannot_end_before_it_starts(world: World):
    with pytest.raises(DomainError, match="end before it starts"):
        create(world, start=days(20), end=days(19))
    assert not JointAction.objects.filter(title="Mediation service").exists()


def test_the_database_refuses_an_action_ending_before_it_starts(world: World):
    with pytest.raises(IntegrityError), transaction.atomic():
        JointAction.objects.filter(pk=world.action.pk).update(start=days(231))  # after its end


def test_another_clusters_objective_or_entity_is_refused(world: World):
    secret = Objective.objects.get(cluster=world.other_cluster)
    with pytest.raises(DomainError, match="this cluster's objectives"):
        create(world, objective=secret)
    outsider = world.other_cluster.memberships.get()
    with pytest.raises(DomainError, match="active member entities"):
        create(world, participants=[outsider])
    with pytest.raises(DomainError, match="active member entities"):
        create(world, lead=world.observer_membership)
    assert JointAction.objects.filter(cluster=world.cluster).count() == 1


def test_indicators_must_be_of_the_actions_objective(world: World):
    other = Objective.objects.create(cluster=world.cluster, code="O2", statement="Other")
    with pytest.raises(DomainError, match="indicators of the action's objective"):
        create(world, objective=other, indicators=[world.indicator])


def test_only_an_adopted_proposal_of_the_cluster_becomes_an_action(world: World):
    with pytest.raises(DomainError, match="adopted proposal"):
        create(world, proposal=world.proposal)  # still open


def test_the_lead_is_not_listed_again_among_participants(world: World):
    action = create(world, participants=[world.member_membership, lead_membership(world)])
    assert list(action.participants.all()) == [lead_membership(world)]


def test_a_contribution_below_zero_is_refused_by_service_and_database(world: World):
    with pytest.raises(DomainError, match="below zero"):
        action_services.contribution_add(
            action=world.action,
            membership=world.member_membership,
            by=world.users["member"],
            kind="money",
            amount=Decimal("-1"),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Contribution.objects.filter(pk=world.contribution.pk).update(amount=-5)
    assert world.action.contributions.count() == 1


def test_only_entities_taking_part_contribute(world: World):
    bystander = MembershipFactory(cluster=world.cluster)
    with pytest.raises(DomainError, match="lead and the participating"):
        action_services.contribution_add(
            action=world.action,
            membership=bystander,
            by=world.users["coordinator"],
            kind="money",
            amount=Decimal("100"),
        )


def test_participants_post_notes_and_only_the_lead_moves_progress(world: World):
    lead = lead_membership(world)  # a participant of the world's action
    update = action_services.update_post(
        action=world.action,
        by=world.users["coordinator"],
        membership=lead,
        is_coordinator=False,
        note="Two workshops held",
    )
    assert update.progress is None
    with pytest.raises(DomainError, match="lead entity or the coordinator"):
        action_services.update_post(
            action=world.action,
            by=world.users["coordinator"],
            membership=lead,
            is_coordinator=False,
            note="Done",
            progress=100,
        )
    action_services.update_post(
        action=world.action,
        by=world.users["member"],
        membership=world.member_membership,
        is_coordinator=False,
        note="Half the hearings covered",
        progress=55,
        status="in_progress",
    )
    world.action.refresh_from_db()
    assert (world.action.progress, world.action.status) == (55, "in_progress")
    assert ActionUpdate.objects.filter(action=world.action).count() == 2


def test_changes_to_actions_are_in_the_audit_trail(world: World):
    recorded = set(
        AuditEntry.objects.filter(cluster=world.cluster).values_list("action", flat=True)
    )
    assert {"action_created", "contribution_added"} <= recorded
    action_services.contribution_remove(contribution=world.contribution, by=world.users["member"])
    entry = AuditEntry.objects.filter(action="contribution_removed").get()
    assert entry.data["entity"] == "Neighbours Association"


# Pages


def test_the_coordinator_plans_an_action_through_the_form(world: World):
    response = world.client("coordinator").post(url(world, "action-create"), form_data(world))
    action = JointAction.objects.get(title="Tenants' rights workshops")
    assert response.url == action.get_absolute_url()
    assert list(action.participants.all()) == [lead_membership(world)]
    assert action.gender_marker == 2
    page = world.client("observer").get(response.url).content.decode()
    assert "Nou Barris" in page and "Neighbours Association" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end": days(-80).isoformat()}, "cannot end before it starts"),
        ({"progress": "140"}, "less than or equal to 100"),
        ({"budget": "-10"}, "greater than or equal to 0"),
        ({"gender_marker": "3"}, "Select a valid choice"),
        ({"start": "not a date"}, "Enter a valid date"),
        ({"title": "x" * 201}, "at most 200 characters"),
        ({"objective": "999999"}, "Select a valid choice"),
    ],
)
def test_bad_input_in_the_action_form_says_why_and_saves_nothing(world: World, changes, message):
    before = JointAction.objects.count()
    response = world.client("coordinator").post(
        url(world, "action-create"), form_data(world, **changes)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert JointAction.objects.count() == before


def test_another_clusters_ids_in_the_action_form_are_refused(world: World):
    secret_objective = Objective.objects.get(cluster=world.other_cluster)
    secret_indicator = Indicator.objects.get(cluster=world.other_cluster)
    outsider = world.other_cluster.memberships.get()
    client = world.client("coordinator")
    for changes in (
        {"objective": secret_objective.pk},
        {"indicators": [secret_indicator.pk]},
        {"lead": outsider.pk},
        {"participants": [outsider.pk]},
    ):
        response = client.post(url(world, "action-create"), form_data(world, **changes))
        assert "Select a valid choice" in response.content.decode(), changes
    assert not JointAction.objects.filter(title="Tenants' rights workshops").exists()


def test_an_indicator_of_another_objective_is_named_in_the_error(world: World):
    other = Objective.objects.create(cluster=world.cluster, code="O2", statement="Other")
    response = world.client("coordinator").post(
        url(world, "action-create"), form_data(world, objective=other.pk)
    )
    assert "belong to another objective: I1" in response.content.decode()


def adopt(world: World) -> None:
    lead = lead_membership(world)
    for membership, person in ((world.member_membership, "member"), (lead, "coordinator")):
        proposal_services.stance_take(
            proposal=world.proposal,
            membership=membership,
            by=world.users[person],
            position="agree",
        )
    world.proposal.objectives.set([world.indicator.objective])
    proposal_services.proposal_decide(proposal=world.proposal, by=world.users["coordinator"])


def test_an_adopted_proposal_prefills_the_action_and_is_linked(world: World):
    adopt(world)
    client = world.client("coordinator")
    create_url = url(world, "action-create") + f"?proposal={world.proposal.pk}"
    form = client.get(create_url).context["form"]
    assert form.initial["title"] == "Shared emergency housing fund"
    assert form.initial["lead"] == world.member_membership
    assert form.initial["objective"] == world.indicator.objective
    client.post(create_url, form_data(world, title="Emergency fund"))
    assert JointAction.objects.get(title="Emergency fund").proposal == world.proposal
    detail = client.get(url(world, "proposal-detail", pk=world.proposal.pk)).content.decode()
    assert "Emergency fund" in detail


@pytest.mark.parametrize("value", ["abc", "0", "99999999999999999999999", "-1"])
def test_a_bad_or_unadopted_proposal_in_the_url_is_not_found(world: World, value):
    response = world.client("coordinator").get(url(world, "action-create") + f"?proposal={value}")
    assert response.status_code == 404


def test_an_open_proposal_cannot_be_planned_yet(world: World):
    response = world.client("coordinator").get(
        url(world, "action-create") + f"?proposal={world.proposal.pk}"
    )
    assert response.status_code == 404


def test_a_member_records_its_contribution_and_not_another_entitys(world: World):
    client = world.client("member")
    response = client.post(
        url(world, "contribution-add", pk=world.action.pk),
        {"membership": world.member_membership.pk, "kind": "money", "amount": "500"},
    )
    assert response.status_code == 302
    assert world.action.contributions.filter(kind="money", amount=500).exists()
    client.post(
        url(world, "contribution-add", pk=world.action.pk),
        {"membership": lead_membership(world).pk, "kind": "money", "amount": "900"},
        follow=True,
    )
    assert not world.action.contributions.filter(amount=900).exists()


@pytest.mark.parametrize(
    ("amount", "message"),
    [("-3", "below zero"), ("lots", "Enter a number"), ("1e20", "no more than")],
)
def test_a_bad_contribution_says_why_and_changes_nothing(world: World, amount, message):
    response = world.client("member").post(
        url(world, "contribution-add", pk=world.action.pk),
        {"membership": world.member_membership.pk, "kind": "money", "amount": amount},
        follow=True,
    )
    assert message in response.content.decode()
    assert world.action.contributions.count() == 1


def test_an_entity_removes_only_its_own_contribution(world: World):
    lead_gift = action_services.contribution_add(
        action=world.action,
        membership=lead_membership(world),
        by=world.users["coordinator"],
        kind="space",
        amount=Decimal("40"),
    )
    response = world.client("member").post(
        url(world, "contribution-remove", pk=world.action.pk, contribution_pk=lead_gift.pk)
    )
    assert response.status_code == 403
    assert Contribution.objects.filter(pk=lead_gift.pk).exists()


def test_another_actions_contribution_is_not_found(world: World):
    other = create(world)
    response = world.client("coordinator").post(
        url(world, "contribution-remove", pk=other.pk, contribution_pk=world.contribution.pk)
    )
    assert response.status_code == 404
    assert Contribution.objects.filter(pk=world.contribution.pk).exists()


def test_a_participant_posts_a_note_but_its_progress_fields_are_ignored(world: World):
    client = world.client("coordinator")  # represents the lead entity, a participant here
    world.action.lead = lead_membership(world)
    world.action.participants.set([world.member_membership])
    world.action.save()
    world.client("member").post(
        url(world, "update-add", pk=world.action.pk),
        {"note": "Leaflets printed", "progress": "100", "status": "completed"},
    )
    world.action.refresh_from_db()
    assert (world.action.progress, world.action.status) == (40, "in_progress")
    assert world.action.updates.get().note == "Leaflets printed"
    client.post(url(world, "update-add", pk=world.action.pk), {"note": " ", "progress": "50"})
    assert world.action.updates.count() == 1


def test_the_action_plan_lists_late_actions_first(world: World):
    create(world, title="Finished late", start=days(-500), end=days(-470))
    create(world, title="Early and done", start=days(-860), end=days(-830))
    JointAction.objects.filter(title="Early and done").update(status="completed")
    page = world.client("observer").get(url(world, "action-list"))
    titles = [a.title for a in page.context["page"]]
    assert titles[0] == "Finished late"
    assert "Late" in page.content.decode()
    # Its own page says so too.
    late = JointAction.objects.get(title="Finished late")
    detail = world.client("observer").get(url(world, "action-detail", pk=late.pk))
    assert '<span class="badge danger">Late</span>' in detail.content.decode()


def test_the_action_plan_filters_by_member_and_period(world: World):
    create(
        world,
        title="Alone",
        lead=lead_membership(world),
        start=days(240),  # after the world's action ends
        end=days(300),
    )
    client = world.client("observer")
    by_member = client.get(url(world, "action-list"), {"member": world.member_membership.pk})
    assert [a.title for a in by_member.context["page"]] == [world.action.title]
    later = client.get(url(world, "action-list"), {"after": days(250).isoformat()})
    assert [a.title for a in later.context["page"]] == ["Alone"]
    bad = client.get(url(world, "action-list"), {"after": "someday", "member": "x"})
    assert bad.status_code == 200
    assert "Enter a valid date" in bad.content.decode()


def test_the_action_pages_keep_their_queries_with_2_or_20_actions(
    world: World, django_assert_num_queries, django_assert_max_num_queries
):
    lead = lead_membership(world)

    def add(n: int) -> None:
        for i in range(n):
            action = create(world, title=f"Action {i}", participants=[lead])
            action_services.contribution_add(
                action=action,
                membership=lead,
                by=world.users["coordinator"],
                kind="money",
                amount=Decimal(i),
            )

    client = world.client("coordinator")
    pages = [
        url(world, "action-list"),
        url(world, "who-does-what"),
        url(world, "gaps-and-overlaps"),
        url(world, "action-detail", pk=world.action.pk),
    ]
    add(1)
    counts = []
    for page in pages:
        with django_assert_max_num_queries(20) as small:
            client.get(page)
        counts.append(len(small.captured_queries))
    add(18)
    for page, count in zip(pages, counts, strict=True):
        with django_assert_num_queries(count):
            assert client.get(page).status_code == 200


def test_is_late_knows_todays_date(world: World):
    action = create(world, end=days(-1))
    assert action.is_late
    action.status = JointAction.Status.CANCELLED
    assert not action.is_late


def test_editing_an_action_keeps_a_departed_entity_and_the_posted_progress(world: World):
    lead = lead_membership(world)  # a participant of the world's action
    Membership.objects.filter(pk=lead.pk).update(
        status=Membership.Status.LEFT, left_at=timezone.now()
    )
    action_services.update_post(
        action=world.action,
        by=world.users["member"],
        membership=world.member_membership,
        is_coordinator=False,
        note="Most hearings covered",
        progress=75,
    )
    data = form_data(world, participants=[lead.pk], title="Legal desk, renamed")
    del data["progress"], data["status"]  # no longer on the edit form
    response = world.client("coordinator").post(url(world, "action-edit", pk=world.action.pk), data)
    assert response.status_code == 302, response.content.decode()[:500]
    world.action.refresh_from_db()
    assert world.action.title == "Legal desk, renamed"
    assert (world.action.progress, world.action.status) == (75, "in_progress")
    assert list(world.action.participants.all()) == [lead]


def test_action_zero_is_not_a_new_action(world: World):
    response = world.client("coordinator").get(url(world, "action-edit", pk=0))
    assert response.status_code == 404


def test_a_change_of_some_fields_is_checked_with_the_stored_others(world: World):
    from planning import action_services

    changed = action_services.action_change(
        action=world.action, by=world.users["coordinator"], title="Legal advice at hearings"
    )
    assert changed.title == "Legal advice at hearings"
    # The links not given are kept: the lead entity still takes part, the indicator stays.
    assert list(changed.participants.values_list("actor__name", flat=True)) == ["Lead Foundation"]
    assert list(changed.indicators.values_list("code", flat=True)) == ["I1"]
    with pytest.raises(DomainError, match="cannot end before it starts"):
        action_services.action_change(
            action=world.action,
            by=world.users["coordinator"],
            end=world.action.start - timedelta(days=1),
        )
    with pytest.raises(TypeError, match="cluster"):
        action_services.action_change(
            action=world.action, by=world.users["coordinator"], cluster=world.other_cluster
        )
