"""One person, several entities in one cluster: they choose in the cluster bar which entity
they act for, and every page, position and report is that entity's (issue 15, point 1)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode

from actors.models import ActorUser
from clusters import services
from clusters.access import ACTING_FOR
from clusters.models import Membership
from indicators.models import MeasurementReport
from planning import proposal_services
from planning.models import Stance
from tests.conftest import World
from tests.factories import ActorFactory, ActorUserFactory, MembershipFactory


@pytest.fixture
def two(world: World) -> World:
    """The member person also represents a second member entity of the cluster, the
    Tenants Union (after the Neighbours Association in the alphabet)."""
    world.tenants = ActorFactory(name="Tenants Union")
    world.tenants_membership = MembershipFactory(cluster=world.cluster, actor=world.tenants)
    ActorUserFactory(user=world.users["member"], actor=world.tenants)
    return world


def acting_url(world: World) -> str:
    return reverse("clusters:acting-for", args=[world.cluster.slug])


def act_for(client: Client, world: World, actor_id: object, next_url: str = "") -> object:
    return client.post(acting_url(world), {"actor": actor_id, "next": next_url})


def acting(client: Client, world: World) -> Membership | None:
    """The membership the pages act for, as the cluster's overview sees it."""
    return client.get(world.cluster.get_absolute_url()).context["access"].membership


def texts(response) -> list[str]:
    """The messages this response adds (earlier, unread ones are left out)."""
    return [str(message) for message in get_messages(response.wsgi_request)][-1:]


def test_the_bar_offers_both_entities_and_acts_for_the_first_until_one_is_chosen(two: World):
    client = two.client("member")
    body = client.get(two.cluster.get_absolute_url()).content.decode()
    assert 'name="actor"' in body
    assert f'<option value="{two.member_actor.pk}" selected>' in body
    assert f'<option value="{two.tenants.pk}">' in body
    assert acting(client, two) == two.member_membership
    response = act_for(client, two, two.tenants.pk)
    assert response.status_code == 302
    assert texts(response) == ["You now act for Tenants Union in this cluster."]
    assert acting(client, two) == two.tenants_membership
    assert client.session[ACTING_FOR] == {str(two.cluster.pk): two.tenants.pk}
    # On every page of the cluster, not only where it was chosen.
    page = client.get(reverse("planning:proposal-list", args=[two.cluster.slug]))
    assert f'<option value="{two.tenants.pk}" selected>' in page.content.decode()


def test_with_nothing_chosen_the_highest_role_wins(world: World):
    # The coordinator's person represents the lead; a member entity too.
    second = MembershipFactory(cluster=world.cluster, actor=ActorFactory(name="Aardvark Aid"))
    ActorUserFactory(user=world.users["coordinator"], actor=second.actor)
    client = world.client("coordinator")
    assert acting(client, world).actor == world.lead
    act_for(client, world, second.actor_id)
    assert acting(client, world) == second


def test_one_entity_is_named_without_a_choice(world: World):
    body = world.client("observer").get(world.cluster.get_absolute_url()).content.decode()
    assert "Acting for <strong>Observatory University</strong>" in body
    assert 'name="actor"' not in body
    # Nor do its forms carry an entity: there is nothing to choose between.
    detail = reverse("planning:proposal-detail", args=[world.cluster.slug, world.proposal.pk])
    page = world.client("member").get(detail).content.decode()
    assert "Acting for <strong>Neighbours Association</strong>" in page
    assert 'name="acting_for"' not in page and 'name="position"' in page


@pytest.mark.parametrize(
    "forged",
    ["outsider", "lead", "observer", "nonsense", "", "999999"],
)
def test_an_entity_the_person_does_not_represent_here_is_refused(two: World, forged: str):
    actor_id = {
        "outsider": two.outsider_actor.pk,  # another cluster's entity
        "lead": two.lead.pk,  # of this cluster, but not theirs
        "observer": two.observer_actor.pk,
        "nonsense": "abc",
        "": "",
        "999999": 999999,
    }[forged]
    client = two.client("member")
    act_for(client, two, two.tenants.pk)
    response = act_for(client, two, actor_id)
    assert response.status_code == 302
    assert texts(response) == ["Choose one of the entities you represent in this cluster."]
    assert acting(client, two) == two.tenants_membership


def test_a_person_with_one_entity_cannot_take_another(world: World):
    client = world.client("member")
    response = act_for(client, world, world.lead.pk)
    assert texts(response) == ["Choose one of the entities you represent in this cluster."]
    assert acting(client, world) == world.member_membership


def test_an_outsider_cannot_choose_in_the_cluster(two: World):
    response = act_for(two.client("outsider"), two, two.outsider_actor.pk)
    assert response.status_code == 404


def test_it_goes_back_to_the_page_but_never_to_another_site(two: World):
    client = two.client("member")
    proposals = reverse("planning:proposal-list", args=[two.cluster.slug])
    assert act_for(client, two, two.tenants.pk, proposals).url == proposals
    for elsewhere in ("https://evil.example/", "//evil.example/c/", "javascript:alert(1)"):
        response = act_for(client, two, two.tenants.pk, elsewhere)
        assert response.url == two.cluster.get_absolute_url()


def test_a_role_that_opens_other_pages_lands_on_the_overview(two: World):
    """Acting for an observer, the member's reporting page would answer 403: the person
    lands on the overview instead, with the bar to switch back."""
    ActorUserFactory(user=two.users["member"], actor=two.observer_actor)
    client = two.client("member")
    reporting = reverse("indicators:reporting", args=[two.cluster.slug])
    response = act_for(client, two, two.observer_actor.pk, reporting)
    assert response.url == two.cluster.get_absolute_url()
    assert client.get(reporting).status_code == 403
    body = client.get(response.url).content.decode()
    assert f'<option value="{two.observer_actor.pk}" selected>' in body
    overview = two.cluster.get_absolute_url()
    assert act_for(client, two, two.member_actor.pk, reporting).url == overview
    assert act_for(client, two, two.tenants.pk, reporting).url == reporting


def test_the_choice_is_kept_per_cluster(two: World):
    other = MembershipFactory(cluster=two.other_cluster, actor=two.member_actor)
    client = two.client("member")
    act_for(client, two, two.tenants.pk)
    page = client.get(two.other_cluster.get_absolute_url())
    assert page.context["access"].membership == other


def test_a_choice_that_left_the_cluster_falls_back(two: World):
    client = two.client("member")
    act_for(client, two, two.tenants.pk)
    services.membership_remove(membership=two.tenants_membership, by=two.users["coordinator"])
    assert acting(client, two) == two.member_membership
    body = client.get(two.cluster.get_absolute_url()).content.decode()
    assert 'name="actor"' not in body
    assert "Acting for <strong>Neighbours Association</strong>" in body


def test_a_position_for_each_entity_and_both_count(two: World):
    proposal = two.proposal
    client = two.client("member")
    take = reverse("planning:stance-take", args=[two.cluster.slug, proposal.pk])
    client.post(take, {"position": "agree", "reason": ""})
    detail = client.get(reverse("planning:proposal-detail", args=[two.cluster.slug, proposal.pk]))
    waiting = detail.content.decode().split("Not answered yet:")[1].split("</p>")[0]
    assert "Tenants Union" in waiting and "Neighbours Association" not in waiting
    act_for(client, two, two.tenants.pk)
    response = client.post(take, {"position": "disagree", "reason": "Who runs the fund?"})
    assert texts(response) == ["Tenants Union: the position has been saved."]
    stances = {s.membership: s.position for s in Stance.objects.filter(proposal=proposal)}
    assert stances == {two.member_membership: "agree", two.tenants_membership: "disagree"}
    tally = proposal_services.tally_for(proposal)
    assert (tally.taken, tally.agree, tally.disagree, tally.eligible) == (2, 1, 1, 3)
    detail = client.get(reverse("planning:proposal-detail", args=[two.cluster.slug, proposal.pk]))
    waiting = detail.content.decode().split("Not answered yet:")[1].split("</p>")[0]
    assert "Tenants Union" not in waiting and "Lead Foundation" in waiting


def post_form(client: Client, url: str, data: dict):
    """As a browser sends a form without a file."""
    return client.post(url, urlencode(data), content_type="application/x-www-form-urlencoded")


def test_a_form_acts_for_the_entity_it_was_shown_for(two: World):
    """The position form is shown for the association; meanwhile, in another tab, the
    person switches to the union. The form still takes the association's position."""
    client = two.client("member")
    detail = reverse("planning:proposal-detail", args=[two.cluster.slug, two.proposal.pk])
    page = client.get(detail).content.decode()
    assert f'name="acting_for" value="{two.member_actor.pk}"' in page
    act_for(client, two, two.tenants.pk)
    take = reverse("planning:stance-take", args=[two.cluster.slug, two.proposal.pk])
    data = {"acting_for": two.member_actor.pk, "position": "agree", "reason": ""}
    post_form(client, take, data)
    stance = Stance.objects.get(proposal=two.proposal)
    assert stance.membership == two.member_membership
    # The bar's choice is left as it was.
    assert acting(client, two) == two.tenants_membership


@pytest.mark.parametrize("forged", ["outsider", "lead", "nonsense"])
def test_a_form_naming_an_entity_not_theirs_acts_for_the_chosen_one(two: World, forged: str):
    actor_id = {"outsider": two.outsider_actor.pk, "lead": two.lead.pk, "nonsense": "x1"}[forged]
    client = two.client("member")
    act_for(client, two, two.tenants.pk)
    take = reverse("planning:stance-take", args=[two.cluster.slug, two.proposal.pk])
    post_form(client, take, {"acting_for": actor_id, "position": "agree", "reason": ""})
    assert Stance.objects.get(proposal=two.proposal).membership == two.tenants_membership


def test_the_to_do_page_is_the_chosen_entitys(two: World):
    proposal_services.stance_take(
        proposal=two.proposal,
        membership=two.member_membership,
        by=two.users["member"],
        position="agree",
    )
    client = two.client("member")
    todo = reverse("reports:todo", args=[two.cluster.slug])
    assert two.proposal.title not in client.get(todo).content.decode()
    act_for(client, two, two.tenants.pk)
    assert two.proposal.title in client.get(todo).content.decode()


def test_a_report_for_each_entity(two: World):
    client = two.client("member")
    report = reverse(
        "indicators:report-edit", args=[two.cluster.slug, two.indicator.pk, two.period.pk]
    )
    assert client.get(report).context["report"] == two.report
    act_for(client, two, two.tenants.pk)
    # The Neighbours' submitted report is not the Tenants' to see or change.
    page = client.get(report)
    assert page.context["report"] is None and not any(page.context["form"].initial.values())
    values = {"total": "", "cell_0": "2", "cell_1": "1", "cell_2": "0", "comment": ""}
    response = client.post(report, {**values, "submit": ""})
    assert response.status_code == 302
    reports = MeasurementReport.objects.filter(indicator=two.indicator, period=two.period)
    by_entity = {r.membership: r.status for r in reports}
    assert by_entity == {
        two.member_membership: MeasurementReport.Status.SUBMITTED,
        two.tenants_membership: MeasurementReport.Status.SUBMITTED,
    }
    assert two.report.measurements.get(cell="").value == 10


def test_leaving_offers_the_entity_acted_for_first(two: World):
    ActorUser.objects.filter(user=two.users["member"], actor=two.tenants).update(
        role=ActorUser.Role.ADMIN
    )
    client = two.client("member")
    act_for(client, two, two.tenants.pk)
    form = client.get(reverse("clusters:leave", args=[two.cluster.slug])).context["form"]
    assert form["membership"].initial == two.tenants_membership.pk


def test_home_lists_each_entity_once_with_one_to_do_link(two: World):
    body = two.client("member").get(reverse("home")).content.decode()
    card = body.split('class="card-title"')[1].split("</li>\n  \n</ul>")[0]
    assert card.count("Neighbours Association") == 1
    assert card.count("Tenants Union") == 1
    assert card.count(reverse("reports:todo", args=[two.cluster.slug])) == 1
    assert "To doTo do" not in body


def test_the_choice_costs_no_query(world: World):
    """The bar's entities come with the access's one query of memberships: a page runs the
    same queries for a person with one entity or with several, chosen or not."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client("member")
    proposals = reverse("planning:proposal-list", args=[world.cluster.slug])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(proposals).status_code == 200
        return len(queries)

    one = count()
    for name in ("Tenants Union", "Squatters Collective"):
        actor = ActorFactory(name=name)
        MembershipFactory(cluster=world.cluster, actor=actor)
        ActorUserFactory(user=world.users["member"], actor=actor)
    several = count()
    act_for(client, world, actor.pk)
    assert one == several == count()


def test_an_import_acts_for_the_entity_its_page_was_shown_for(two: World):
    """An upload carries the entity too; it is read after the import's size check."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = two.client("member")
    act_for(client, two, two.tenants.pk)
    page = client.get(reverse("indicators:import", args=[two.cluster.slug])).content.decode()
    assert f'name="acting_for" value="{two.tenants.pk}"' in page
    # Meanwhile, in another tab, the person goes back to the association.
    act_for(client, two, two.member_actor.pk)
    start = two.period.start.isoformat()
    rows = f"indicator,period,cell,value,text,comment\nI1,{start},sex=female,3,,\n"
    upload = SimpleUploadedFile("values.csv", rows.encode())
    response = client.post(
        reverse("indicators:import", args=[two.cluster.slug]),
        {"file": upload, "acting_for": str(two.tenants.pk)},
    )
    assert response.status_code == 302
    reports = MeasurementReport.objects.filter(indicator=two.indicator)
    tenants = reports.get(membership=two.tenants_membership)
    assert tenants.measurements.get(cell="sex=female").value == 3
    # A foreign entity in the form changes nothing: the bar's choice applies.
    act_for(client, two, two.tenants.pk)
    upload = SimpleUploadedFile("values.csv", rows.replace(",3,", ",4,").encode())
    client.post(
        reverse("indicators:import", args=[two.cluster.slug]),
        {"file": upload, "acting_for": str(two.outsider_actor.pk)},
    )
    tenants.refresh_from_db()
    assert tenants.measurements.get(cell="sex=female").value == 4
    assert two.report.measurements.get(cell="sex=female").value == 6


def test_evidence_is_added_for_the_entity_its_form_was_shown_for(two: World):
    client = two.client("member")
    act_for(client, two, two.tenants.pk)
    add = reverse("rights:evidence-add", args=[two.cluster.slug, two.issue.pk])
    client.post(
        add,
        {"title": "Census", "url": "https://example.org/c", "acting_for": two.member_actor.pk},
    )
    client.post(add, {"title": "Survey", "url": "https://example.org/s"})
    added = dict(two.issue.evidence.values_list("title", "added_for"))
    assert added["Census"] == two.member_membership.pk
    assert added["Survey"] == two.tenants_membership.pk
