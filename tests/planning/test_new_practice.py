"""The innovation flag: an entity marks its proposal, the coordinator an action, as a new
practice in the sector; the pages show it, the audit log records it, and an action planned
from a proposal starts with the proposal's flag."""

from __future__ import annotations

from django.urls import reverse

from clusters.models import AuditEntry
from planning import proposal_services
from planning.models import JointAction, Proposal
from tests.conftest import World
from tests.planning.test_actions import adopt, form_data, lead_membership

CHIP = '<span class="badge" title="Marked as a new practice in the sector">New practice</span>'


def url(world: World, name: str, **kwargs) -> str:
    return reverse(f"planning:{name}", kwargs={"slug": world.cluster.slug, **kwargs})


def proposal_data(**changes) -> dict:
    return {
        "title": "Housing first pilot",
        "subject": "action",
        "description": "A flat first, support after",
        **changes,
    }


def test_a_member_marks_its_proposal_as_new_practice_and_the_page_shows_it(world: World):
    member = world.client("member")
    member.post(url(world, "proposal-create"), proposal_data())
    proposal = world.cluster.proposals.get(title="Housing first pilot")
    page = url(world, "proposal-detail", pk=proposal.pk)
    assert not proposal.is_new_practice
    assert CHIP not in member.get(page).content.decode()

    response = member.post(
        url(world, "proposal-edit", pk=proposal.pk), proposal_data(is_new_practice="on")
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.is_new_practice
    # Its page says so, and the audit log says who changed it.
    assert CHIP in member.get(page).content.decode()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PROPOSAL_CHANGED, object_id=proposal.pk)
    assert entry.data["changes"] == {"is_new_practice": [False, True]}


def test_the_proposal_form_offers_the_flag(world: World):
    body = world.client("member").get(url(world, "proposal-create")).content.decode()
    assert 'name="is_new_practice"' in body and "New practice in the sector" in body


def test_an_action_marked_as_new_practice_shows_it_and_the_change_is_audited(world: World):
    coordinator = world.client("coordinator")
    page = world.action.get_absolute_url()
    assert CHIP not in coordinator.get(page).content.decode()
    data = form_data(
        world,
        title=world.action.title,
        description=world.action.description,
        lead=world.action.lead_id,
        participants=[m.pk for m in world.action.participants.all()],
        territory=world.action.territory,
        start=world.action.start.isoformat(),
        end=world.action.end.isoformat(),
        budget=str(world.action.budget),
        gender_marker=str(world.action.gender_marker),
        is_new_practice="on",
    )
    response = coordinator.post(url(world, "action-edit", pk=world.action.pk), data)
    assert response.status_code == 302
    for person in ("member", "observer"):
        assert CHIP in world.client(person).get(page).content.decode()
    entry = AuditEntry.objects.filter(
        action=AuditEntry.Action.ACTION_CHANGED, object_id=world.action.pk
    ).latest("pk")
    assert entry.data["changes"]["is_new_practice"] == [False, True]


def test_an_action_planned_from_a_new_practice_starts_marked(world: World):
    Proposal.objects.filter(pk=world.proposal.pk).update(is_new_practice=True)
    adopt(world)
    client = world.client("coordinator")
    create_url = url(world, "action-create") + f"?proposal={world.proposal.pk}"
    form = client.get(create_url).context["form"]
    assert form.initial["is_new_practice"] is True
    # The browser sends the box ticked as it was offered.
    client.post(create_url, form_data(world, title="Emergency fund", is_new_practice="on"))
    action = JointAction.objects.get(title="Emergency fund")
    assert action.is_new_practice and action.proposal == world.proposal


def test_an_unmarked_proposal_plans_an_unmarked_action(world: World):
    adopt(world)
    form = (
        world.client("coordinator")
        .get(url(world, "action-create") + f"?proposal={world.proposal.pk}")
        .context["form"]
    )
    assert form.initial["is_new_practice"] is False


def test_the_services_accept_the_flag(world: World):
    proposal = proposal_services.proposal_create(
        membership=lead_membership(world),
        by=world.users["coordinator"],
        title="Community land trust",
        description="Land held in common",
        is_new_practice=True,
    )
    assert Proposal.objects.get(pk=proposal.pk).is_new_practice
