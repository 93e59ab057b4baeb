"""The directory filtered by what entities offer, and the capacities of a profile edited
as one list: several rows added, changed and removed with one save."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actors.models import Capacity
from tests.conftest import World
from tests.factories import ActorFactory, CapacityFactory
from tests.html_forms import forms_on

DIRECTORY = reverse("actors:directory")


@pytest.fixture
def offers(world: World) -> World:
    lawyers = ActorFactory(name="Legal Collective")
    CapacityFactory(actor=lawyers, kind="staff", description="Lawyers for evictions")
    CapacityFactory(actor=lawyers, kind="space", description="Meeting room", unit="seats")
    fund = ActorFactory(name="Horizon Fund")
    CapacityFactory(actor=fund, kind="funding", description="Grants for legal aid")
    van = ActorFactory(name="Moving Coop")
    CapacityFactory(actor=van, kind="infrastructure", description="A van", unit="vans")
    ActorFactory(name="Nothing To Offer")
    return world


def names(response) -> list[str]:
    return [actor.name for actor in response.context["page"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"capacity": "staff"}, ["Legal Collective"]),
        ({"capacity": "funding"}, ["Horizon Fund"]),
        # In what the capacity says, whatever the case: not in the entity's name.
        ({"resource": "LEGAL"}, ["Horizon Fund"]),
        ({"resource": "vans"}, ["Moving Coop"]),  # the unit counts as a word of the resource
        # Both name one capacity: the collective's room is no legal staff.
        ({"capacity": "staff", "resource": "lawyers"}, ["Legal Collective"]),
        ({"capacity": "space", "resource": "lawyers"}, []),
        ({"capacity": "funding", "resource": "legal", "kind": "ngo"}, ["Horizon Fund"]),
        ({"resource": "   "}, None),  # blank: every entity
    ],
)
def test_the_directory_filters_by_capacity_kind_and_resource(offers: World, query, expected):
    response = offers.client("member").get(DIRECTORY, query)
    assert response.status_code == 200
    if expected is None:
        assert "Nothing To Offer" in names(response)
    else:
        assert names(response) == expected


def test_an_entity_with_several_matching_capacities_is_listed_once(offers: World):
    collective = Capacity.objects.get(description="Lawyers for evictions").actor
    CapacityFactory(actor=collective, kind="staff", description="Lawyers for tenants")
    response = offers.client("member").get(DIRECTORY, {"resource": "lawyers"})
    assert names(response) == ["Legal Collective"]
    assert response.context["page"].paginator.count == 1


def test_the_list_shows_the_capacities_that_match(offers: World):
    body = offers.client("member").get(DIRECTORY, {"capacity": "space"}).content.decode()
    assert "Matching capacities" in body
    assert "Meeting room" in body
    assert "Lawyers for evictions" not in body  # the same entity's other capacity
    body = offers.client("member").get(DIRECTORY).content.decode()
    assert "Lawyers for evictions" in body and "Meeting room" in body


def test_the_filter_form_shows_the_chosen_values_back(offers: World):
    response = offers.client("member").get(DIRECTORY, {"capacity": "space", "resource": "room"})
    form = next(f for f in forms_on(response.content.decode(), "", DIRECTORY) if f.method == "get")
    fields = {f.name: f for f in form.fields}
    assert fields["capacity"].value == "space"
    assert fields["resource"].value == "room"
    assert "" in fields["capacity"].options and "funding" in fields["capacity"].options


@pytest.mark.parametrize(
    "query", [{"capacity": "gold"}, {"resource": "x" * 500}, {"capacity": "staff", "page": "x"}]
)
def test_bad_capacity_filters_show_the_list_not_an_error(offers: World, query):
    response = offers.client("member").get(DIRECTORY, query)
    assert response.status_code == 200
    assert "Nothing To Offer" in names(response) or names(response) == ["Legal Collective"]


def test_the_capacity_filters_paginate_with_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries, settings
):
    settings.PAGE_SIZE = 10
    for n in range(30):
        actor = ActorFactory(name=f"Entity with lawyers {n:02}")
        CapacityFactory(actor=actor, kind="staff", description="Lawyers")
        CapacityFactory(actor=actor, kind="staff", description="More lawyers")
    client = world.client("member")
    query = {"capacity": "staff", "resource": "lawyers", "page": 2}
    # session, user, the thematic areas of the filter form, count, the page of actors,
    # their thematic areas, their matching capacities: 7, whatever the size.
    with django_assert_max_num_queries(7):
        response = client.get(DIRECTORY, query)
    assert names(response) == [f"Entity with lawyers {n:02}" for n in range(10, 20)]
    body = response.content.decode()
    assert "Page 2 of 3" in body
    # The links to the other pages keep the filters.
    assert "capacity=staff&amp;resource=lawyers&amp;page=3" in body


# The profile's capacities, edited as one list.


def edit_url(world: World) -> str:
    return reverse("actors:edit", args=[world.member_actor.slug])


def page_form(world: World, person: str = "member", response=None) -> tuple[dict, object]:
    """The profile form as the page shows it, and the page."""
    url = edit_url(world)
    response = response or world.client(person).get(url)
    forms = forms_on(response.content.decode(), "", url)
    form = next(f for f in forms if f.url_name == "actors:edit")
    return {name: values for name, values in form.submission().items()}, response


@pytest.fixture
def two_capacities(world: World) -> tuple[Capacity, Capacity]:
    return (
        CapacityFactory(actor=world.member_actor, kind="staff", description="Two lawyers"),
        CapacityFactory(
            actor=world.member_actor,
            kind="volunteers",
            description="Weekly desk",
            quantity=Decimal("25"),
            unit="people",
        ),
    )


def row_of(data: dict, capacity: Capacity) -> str:
    """The prefix of the row of the form that holds this capacity."""
    key = next(k for k, v in data.items() if k.endswith("-id") and v == [str(capacity.pk)])
    return key.removesuffix("-id")


def test_the_page_offers_blank_rows_and_a_remove_box_per_capacity(world, two_capacities):
    data, response = page_form(world)
    assert data["capacities-TOTAL_FORMS"] == ["5"]  # two capacities and three blank rows
    body = response.content.decode()
    assert body.count(">Remove</label>") == 2
    assert "<script>" not in body


def test_several_capacities_are_added_changed_and_removed_with_one_save(world, two_capacities):
    lawyers, desk = two_capacities
    data, _page = page_form(world)
    data[f"{row_of(data, lawyers)}-DELETE"] = ["on"]
    data[f"{row_of(data, desk)}-quantity"] = ["30"]
    data.update(
        {
            "capacities-2-kind": ["space"],
            "capacities-2-description": ["Meeting room"],
            "capacities-3-kind": ["funding"],
            "capacities-3-description": ["Emergency fund"],
            "capacities-3-quantity": ["5000"],
            "capacities-3-unit": ["€"],
        }
    )
    response = world.client("member").post(edit_url(world), data)
    assert response.status_code == 302
    rows = world.member_actor.capacities.order_by("description")
    assert [(c.kind, c.description, c.quantity) for c in rows] == [
        ("funding", "Emergency fund", Decimal("5000")),
        ("space", "Meeting room", None),
        ("volunteers", "Weekly desk", Decimal("30")),
    ]


def test_add_a_row_comes_back_with_what_was_typed_and_one_more_blank_row(world, two_capacities):
    data, _page = page_form(world)
    data["capacities-2-description"] = ["Typed, not saved yet"]
    data["capacities-2-kind"] = ["space"]
    data["add_row"] = ["1"]
    response = world.client("member").post(edit_url(world), data)
    assert response.status_code == 200
    again, _page = page_form(world, response=response)
    assert again["capacities-TOTAL_FORMS"] == ["6"]
    assert again["capacities-2-description"] == ["Typed, not saved yet"]
    assert again["capacities-5-description"] == [""]
    # The cursor is in the new row, and only there.
    assert re.findall(r'<select name="([\w-]+)"[^>]* autofocus', response.content.decode()) == [
        "capacities-5-kind"
    ]
    assert world.member_actor.capacities.count() == 2  # nothing saved


def test_saving_unchanged_writes_nothing(world, two_capacities):
    data, _page = page_form(world)
    with CaptureQueriesContext(connection) as queries:
        response = world.client("member").post(edit_url(world), data)
    assert response.status_code == 302
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith(("INSERT", "UPDATE", "DELETE")) and "actors_" in q["sql"]
    ]
    assert writes == []


def test_another_entitys_capacity_in_the_form_is_refused_with_a_message(world, two_capacities):
    theirs = CapacityFactory(actor=world.lead, kind="funding", description="Lead's fund")
    lawyers, _desk = two_capacities
    data, _page = page_form(world)
    prefix = row_of(data, lawyers)
    data[f"{prefix}-id"] = [str(theirs.pk)]
    data[f"{prefix}-description"] = ["Taken over"]
    response = world.client("member").post(edit_url(world), data)
    assert response.status_code == 200
    assert "is not one of this entity&#x27;s" in response.content.decode()
    theirs.refresh_from_db()
    assert (theirs.actor, theirs.description) == (world.lead, "Lead's fund")
    assert sorted(world.member_actor.capacities.values_list("description", flat=True)) == [
        "Two lawyers",
        "Weekly desk",
    ]
    # Nor can it be removed.
    data[f"{prefix}-DELETE"] = ["on"]
    world.client("member").post(edit_url(world), data)
    assert Capacity.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("add_row", [False, True])
@pytest.mark.parametrize("count", ["100000", "lots", "-5"])
def test_a_forged_row_count_changes_nothing(world, count, add_row):
    data, _page = page_form(world)
    data["capacities-TOTAL_FORMS"] = [count]
    if add_row:
        data["add_row"] = ["1"]
    response = world.client("member").post(edit_url(world), data)
    # Shown again, or (a negative count reads as no rows) saved with no row to save.
    assert response.status_code in (200, 302)
    assert response.content.decode().count('name="capacities-') <= 5 * 50 + 4
    assert not world.member_actor.capacities.exists()
