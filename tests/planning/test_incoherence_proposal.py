"""A proposal opened from an incoherence: the form prefilled from the score, the draft
linked to it, what is refused, and how the coherence part hears of it (the resolver)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clusters.models import Membership
from coherence import services as coherence_services
from coherence.models import Score, Strategy
from coherence.resolutions import resolutions
from core.errors import DomainError
from indicators.models import Objective
from planning import proposal_services
from planning.models import Proposal
from tests.clock import TODAY
from tests.conftest import World
from tests.html_forms import forms_on

CREATE = reverse("planning:proposal-create", args=["housing"])


def scored(
    membership: Membership,
    by,
    objective: Objective,
    value: int,
    *,
    title: str = "Fast-track eviction protocol",
    reason: str = "It shortens the time families have to find a home",
) -> Score:
    """A strategy of the entity in force since a hundred days ago, scored against the
    objective (by its own entity, through the services)."""
    strategy = coherence_services.strategy_create(
        membership=membership,
        by=by,
        title=title,
        kind=Strategy.Kind.PROTOCOL,
        starts_on=TODAY - timedelta(days=100),
        territory="Raval",
        summary="How the entity handles evictions",
    )
    return coherence_services.score_set(
        strategy=strategy,
        objective=objective,
        membership=membership,
        by=by,
        value=value,
        reason=reason if value else "",
    )


def incoherence(world: World, value: int = -2, **kwargs) -> Score:
    return scored(
        world.member_membership, world.users["member"], world.indicator.objective, value, **kwargs
    )


def other_clusters_incoherence(world: World) -> Score:
    membership = Membership.objects.get(cluster=world.other_cluster, role=Membership.Role.LEAD)
    objective = world.other_cluster.objectives.get()
    return scored(membership, world.users["outsider"], objective, -3, title="Secret policy")


def detail_url(proposal: Proposal) -> str:
    return reverse("planning:proposal-detail", args=["housing", proposal.pk])


def create_page(world: World, person: str, score: object):
    return world.client(person).get(CREATE, {"incoherence": score})


def posted_form(response) -> dict[str, list[str]]:
    [form] = [
        f for f in forms_on(response.content.decode(), "", CREATE) if f.url_name.endswith("create")
    ]
    return form.submission()


def test_the_form_is_prefilled_from_the_incoherence(world: World):
    score = incoherence(world)
    response = create_page(world, "member", score.pk)
    assert response.status_code == 200
    form = response.context["form"]
    title = "Resolve the incoherence between Fast-track eviction protocol and O1"
    assert form["title"].value() == title
    description = form["description"].value()
    for said in (
        "Fast-track eviction protocol",
        "Neighbours Association",
        "O1",
        "No eviction without alternative",
        "−2 Counteracting",
        "It shortens the time families have to find a home",
    ):
        assert said in description, said
    assert list(form["objectives"].value()) == [world.indicator.objective.pk]
    html = response.content.decode()
    assert f'type="hidden" name="resolves" value="{score.pk}"' in html


@pytest.mark.parametrize("person", ["member", "representative", "coordinator"])
def test_posting_the_prefilled_form_saves_a_draft_that_resolves_it(world: World, person: str):
    score = incoherence(world)
    response = create_page(world, person, score.pk)
    saved = world.client(person).post(CREATE, posted_form(response))
    assert saved.status_code == 302
    proposal = Proposal.objects.get(resolves=score)
    assert proposal.is_draft and proposal.title.startswith("Resolve the incoherence")
    assert list(proposal.objectives.all()) == [world.indicator.objective]
    # The coordinator acts for the lead entity, the others for their own.
    expected = "Lead Foundation" if person == "coordinator" else "Neighbours Association"
    assert proposal.proposer.actor.name == expected


@pytest.mark.parametrize(
    "given", ["not-a-number", "999999", "", "1e3", "-1", "٣"], ids=lambda v: repr(v)
)
def test_a_bad_incoherence_in_the_address_is_ignored_with_a_message(world: World, given):
    response = create_page(world, "member", given)
    assert response.status_code == 200
    assert response.context["form"]["title"].value() in (None, "")
    assert "That incoherence was not found in this cluster" in response.content.decode()
    assert 'name="resolves" value=' not in response.content.decode()


def test_a_score_that_is_not_negative_is_ignored(world: World):
    for value in (0, 2):
        score = incoherence(world, value, title=f"Strategy {value}")
        response = create_page(world, "member", score.pk)
        assert response.status_code == 200
        assert "That incoherence was not found in this cluster" in response.content.decode()
        assert not response.context["form"]["title"].value()


def test_another_clusters_incoherence_is_ignored_and_cannot_be_posted(world: World):
    secret = other_clusters_incoherence(world)
    response = create_page(world, "member", secret.pk)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Secret policy" not in html and "Secret goal" not in html
    # Posted by hand: refused, nothing saved.
    data = posted_form(create_page(world, "member", incoherence(world).pk))
    data["resolves"] = [str(secret.pk)]
    refused = world.client("member").post(CREATE, data)
    assert refused.status_code == 200
    assert "That incoherence is not one of this cluster" in refused.content.decode()
    assert not Proposal.objects.filter(title__startswith="Resolve").exists()


def test_a_score_revised_to_positive_before_saving_is_refused(world: World):
    score = incoherence(world)
    data = posted_form(create_page(world, "member", score.pk))
    coherence_services.score_set(
        strategy=score.strategy,
        objective=score.objective,
        membership=world.member_membership,
        by=world.users["member"],
        value=1,
        reason="Revised after the meeting",
    )
    refused = world.client("member").post(CREATE, data)
    assert refused.status_code == 200
    assert "no longer negative" in refused.content.decode()
    assert not Proposal.objects.filter(resolves=score).exists()


def test_the_service_refuses_another_clusters_or_a_positive_score(world: World):
    secret = other_clusters_incoherence(world)
    positive = incoherence(world, 3, title="Social rent plan")
    for score, message in ((secret, "not one of this cluster"), (positive, "no longer negative")):
        with pytest.raises(DomainError, match=message):
            proposal_services.proposal_create(
                membership=world.member_membership,
                by=world.users["member"],
                title="Resolve it",
                description="Resolve it",
                resolves=score,
            )
    assert not Proposal.objects.filter(title="Resolve it").exists()


@pytest.mark.parametrize("person", ["observer", "institution"])
def test_who_may_not_propose_may_not_from_an_incoherence_either(world: World, person: str):
    score = incoherence(world)
    assert create_page(world, person, score.pk).status_code in (403, 404)


def test_outsider_gets_404_and_anonymous_the_login(world: World):
    score = incoherence(world)
    assert create_page(world, "outsider", score.pk).status_code == 404
    anonymous = create_page(world, "anonymous", score.pk)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_the_detail_page_names_the_incoherence_and_links_to_its_score(world: World):
    score = incoherence(world)
    proposal = proposal_services.proposal_create(
        membership=world.member_membership,
        by=world.users["member"],
        title="Resolve it",
        description="Resolve it",
        resolves=score,
    )
    response = world.client("member").get(detail_url(proposal))
    html = response.content.decode()
    assert "Resolves the incoherence:" in html
    assert "Fast-track eviction protocol (Neighbours Association) against O1" in html
    assert reverse("coherence:score-detail", args=["housing", score.pk]) in html


def test_a_proposal_without_an_incoherence_says_nothing_of_one(world: World):
    html = world.client("member").get(detail_url(world.proposal)).content.decode()
    assert "Resolves the incoherence" not in html


# --- The resolver (planning/coherence.py) -----------------------------------------------------


def resolving(world: World, score: Score, title: str = "Resolve the protocol") -> Proposal:
    return proposal_services.proposal_create(
        membership=world.member_membership,
        by=world.users["member"],
        title=title,
        description="How the cluster resolves it",
        resolves=score,
    )


def opened(world: World, proposal: Proposal) -> Proposal:
    proposal_services.proposal_submit(proposal=proposal, by=world.users["member"])
    return proposal_services.proposal_open(
        proposal=proposal,
        by=world.users["coordinator"],
        closes_at=timezone.now() + timedelta(days=7),
    )


def adopted(world: World, proposal: Proposal) -> Proposal:
    proposal = opened(world, proposal)
    lead = world.cluster.memberships.get(role=Membership.Role.LEAD)
    for membership, person in ((lead, "coordinator"), (world.member_membership, "member")):
        proposal_services.stance_take(
            proposal=proposal, membership=membership, by=world.users[person], position="agree"
        )
    proposal_services.proposal_decide(proposal=proposal, by=world.users["coordinator"])
    proposal.refresh_from_db()
    assert proposal.is_adopted
    return proposal


def test_a_draft_is_not_shown_to_the_cluster(world: World):
    score = incoherence(world)
    resolving(world, score)
    assert resolutions(world.cluster, [score]) == {}


def test_an_open_proposal_shows_the_incoherence_as_open(world: World):
    score = incoherence(world)
    proposal = opened(world, resolving(world, score))
    found = resolutions(world.cluster, [score])[score.pk]
    assert (found.title, found.url, found.addressed) == (
        proposal.title,
        detail_url(proposal),
        False,
    )
    assert found.status_label == str(Proposal.Status.OPEN.label)


def test_an_adopted_proposal_shows_it_as_addressed(world: World):
    score = incoherence(world)
    opened(world, resolving(world, score, "Still open"))
    adopted(world, resolving(world, score, "The adopted one"))
    found = resolutions(world.cluster, [score])[score.pk]
    assert (found.title, found.addressed) == ("The adopted one", True)
    assert found.status_label == "Adopted: being addressed"


def test_a_withdrawn_proposal_is_not_shown(world: World):
    score = incoherence(world)
    proposal = opened(world, resolving(world, score))
    proposal_services.proposal_withdraw(proposal=proposal, by=world.users["member"])
    assert resolutions(world.cluster, [score]) == {}


def test_another_clusters_proposals_never_resolve_this_ones_scores(world: World):
    score = incoherence(world)
    opened(world, resolving(world, score))
    assert resolutions(world.other_cluster, [score]) == {}


def test_an_ended_strategys_incoherence_is_history_not_a_proposal(world: World):
    """The coherence page no longer lists it: neither does the form take it up."""
    score = incoherence(world)
    data = posted_form(create_page(world, "member", score.pk))
    coherence_services.strategy_update(
        strategy=score.strategy,
        membership=world.member_membership,
        by=world.users["member"],
        status=Strategy.Status.ENDED,
        ends_on=TODAY,
    )
    response = create_page(world, "member", score.pk)
    assert "That incoherence was not found in this cluster" in response.content.decode()
    refused = world.client("member").post(CREATE, data)
    assert refused.status_code == 200
    assert "That strategy has ended" in refused.content.decode()
    assert not Proposal.objects.filter(resolves=score).exists()


def converging(world: World) -> list[Strategy]:
    """Two entities' strategies on SDG 11.1 (and one on 1.4 too) in the same territory."""
    from rights.models import SDGTarget

    lead = world.cluster.memberships.get(actor=world.lead)
    strategies = []
    for membership, by, title, codes in (
        (world.member_membership, world.users["member"], "Tenants' protocol", ["11.1", "1.4"]),
        (lead, world.users["coordinator"], "Foundation plan", ["11.1"]),
    ):
        strategies.append(
            coherence_services.strategy_create(
                membership=membership,
                by=by,
                title=title,
                kind=Strategy.Kind.PROGRAMME,
                starts_on=TODAY,
                territory="Raval",
                summary="Housing",
                sdg_targets=SDGTarget.objects.filter(code__in=codes),
            )
        )
    return strategies


def test_the_form_is_prefilled_from_a_convergence(world: World):
    strategies = converging(world)
    ids = ",".join(str(s.pk) for s in strategies)
    response = world.client("member").get(f"{CREATE}?convergence={ids}")
    form = response.context["form"]
    assert form["title"].value() == (
        "A joint action of Lead Foundation, Neighbours Association on SDG targets 11.1"
    )
    description = form["description"].value()
    assert "Tenants' protocol (Neighbours Association)" in description
    assert "Foundation plan (Lead Foundation)" in description and "in Raval" in description


@pytest.mark.parametrize("kind", ["one entity", "another cluster", "garbage", "unknown"])
def test_a_bad_convergence_in_the_address_is_ignored_with_a_message(world: World, kind):
    strategies = converging(world)
    secret = other_clusters_incoherence(world).strategy
    raw = {
        "one entity": str(strategies[0].pk),
        "another cluster": f"{strategies[0].pk},{secret.pk}",
        "garbage": "1,x;DROP",
        "unknown": "999999,999998",
    }[kind]
    response = world.client("member").get(f"{CREATE}?convergence={raw}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Those strategies were not found in this cluster" in html
    assert "Secret policy" not in html
    assert not response.context["form"]["title"].value()
