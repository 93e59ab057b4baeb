from __future__ import annotations

import pytest
from django.urls import reverse

from actors.models import Actor, Capacity, ThematicArea
from tests.conftest import World
from tests.factories import ActorFactory, CapacityFactory

DIRECTORY = reverse("actors:directory")


@pytest.fixture
def directory_world(world: World) -> World:
    housing = ThematicArea.objects.get(code="housing")
    energy = ThematicArea.objects.get(code="energy")
    ActorFactory(
        name="Tenants Union", kind="community_group", territory="Girona"
    ).thematic_areas.add(housing)
    ActorFactory(name="Solar Coop", kind="company", territory="Lleida").thematic_areas.add(energy)
    ActorFactory(name="Quiet Foundation", description="We fight energy poverty")
    return world


def names(response) -> list[str]:
    return [actor.name for actor in response.context["page"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "company"}, ["Solar Coop"]),
        ({"thematic_area": "housing"}, ["Tenants Union"]),
        ({"territory": "lleida"}, ["Solar Coop"]),
        ({"q": "energy poverty"}, ["Quiet Foundation"]),
        ({"q": "coop", "kind": "company"}, ["Solar Coop"]),
    ],
)
def test_directory_filters(directory_world: World, query, expected):
    response = directory_world.client("member").get(DIRECTORY, query)
    assert names(response) == expected


@pytest.mark.parametrize(
    "query",
    [{"kind": "alien"}, {"thematic_area": "nonsense"}, {"page": "abc"}, {"q": "x" * 500}],
)
def test_bad_filter_values_show_a_message_not_an_error(directory_world: World, query):
    response = directory_world.client("member").get(DIRECTORY, query)
    assert response.status_code == 200


def test_directory_paginates_with_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries, settings
):
    settings.PAGE_SIZE = 10
    housing = ThematicArea.objects.get(code="housing")
    for _ in range(30):
        ActorFactory().thematic_areas.add(housing)
    client = world.client("member")
    # session, user, the thematic areas of the filter form, count, the page of actors,
    # their thematic areas, their capacities: 7, whatever the size.
    with django_assert_max_num_queries(7):
        response = client.get(DIRECTORY, {"page": 2})
    assert len(names(response)) == 10
    assert "Page 2 of 4" in response.content.decode()


def test_profile_shows_capacities_and_only_the_clusters_the_viewer_shares(world: World):
    CapacityFactory(actor=world.member_actor, description="Legal advice on evictions")
    body = world.client("observer").get(world.member_actor.get_absolute_url()).content.decode()
    assert "Legal advice on evictions" in body
    assert "Housing rights cluster" in body
    # The outsider sees the same entity without the cluster it does not belong to.
    body = world.client("outsider").get(world.member_actor.get_absolute_url()).content.decode()
    assert "Legal advice on evictions" in body
    assert "Housing rights cluster" not in body


def test_an_institution_cannot_rebuild_the_member_list_from_the_profiles(world: World):
    body = world.client("institution").get(world.member_actor.get_absolute_url()).content.decode()
    assert "Housing rights cluster" not in body
    # Not on its own profile either: the clusters it follows are on its home page.
    own = world.client("institution").get(world.institution_actor.get_absolute_url())
    assert "Housing rights cluster" not in own.content.decode()


def edit_data(actor: Actor, **overrides) -> dict:
    data = {
        "name": actor.name,
        "kind": actor.kind,
        "tax_id": "",
        "territory": "Barcelona",
        "website": "",
        "contact_email": "",
        "phone": "",
        "description": "",
        "capacities-TOTAL_FORMS": "1",
        "capacities-INITIAL_FORMS": "0",
        "capacities-MIN_NUM_FORMS": "0",
        "capacities-MAX_NUM_FORMS": "50",
        "capacities-0-kind": "volunteers",
        "capacities-0-description": "Twelve volunteers",
        "capacities-0-quantity": "12",
        "capacities-0-unit": "people",
    }
    return {**data, **overrides}


def test_an_entity_admin_edits_its_profile_and_capacities(world: World):
    url = reverse("actors:edit", args=[world.member_actor.slug])
    data = edit_data(
        world.member_actor, description="Neighbours defending housing", tax_id="g-12 345 678"
    )
    response = world.client("member").post(url, data)
    assert response.status_code == 302
    world.member_actor.refresh_from_db()
    assert world.member_actor.description == "Neighbours defending housing"
    assert world.member_actor.tax_id == "G12345678"
    capacity = world.member_actor.capacities.get()
    assert (capacity.kind, capacity.quantity, capacity.unit) == ("volunteers", 12, "people")


def test_editing_another_entitys_profile_is_forbidden_and_changes_nothing(world: World):
    url = reverse("actors:edit", args=[world.lead.slug])
    response = world.client("member").post(url, edit_data(world.lead, name="Hijacked"))
    assert response.status_code == 403
    world.lead.refresh_from_db()
    assert world.lead.name == "Lead Foundation"


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"capacities-0-quantity": "-3"}, "cannot be negative"),
        ({"capacities-0-quantity": "lots"}, "Enter a number"),
        ({"website": "javascript:alert(1)"}, "Enter a valid URL"),
        ({"name": ""}, "This field is required"),
        ({"name": "x" * 201}, "at most 200 characters"),
        ({"kind": "alien"}, "Select a valid choice"),
    ],
)
def test_bad_profile_values_are_refused_and_nothing_is_saved(world: World, overrides, error):
    url = reverse("actors:edit", args=[world.member_actor.slug])
    response = world.client("member").post(url, edit_data(world.member_actor, **overrides))
    assert response.status_code == 200
    assert error in response.content.decode()
    world.member_actor.refresh_from_db()
    assert world.member_actor.name == "Neighbours Association"
    assert not Capacity.objects.filter(actor=world.member_actor).exists()


def test_a_tax_id_already_used_by_another_entity_is_refused(world: World):
    world.lead.tax_id = "G12345678"
    world.lead.save()
    url = reverse("actors:edit", args=[world.member_actor.slug])
    response = world.client("member").post(url, edit_data(world.member_actor, tax_id="G12345678"))
    assert response.status_code == 200
    assert "Another entity already uses this tax id" in response.content.decode()
    world.member_actor.refresh_from_db()
    assert world.member_actor.tax_id == ""


def test_an_unknown_entity_is_not_found(world: World):
    response = world.client("member").get(reverse("actors:detail", args=["nobody"]))
    assert response.status_code == 404
