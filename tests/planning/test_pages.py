from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from planning import proposal_services
from planning.models import Proposal, Stance
from tests.conftest import World
from tests.factories import ActorUserFactory, MembershipFactory


def url(world: World, name: str, proposal: Proposal | None = None) -> str:
    kwargs = {"slug": world.cluster.slug}
    if proposal is not None:
        kwargs["pk"] = proposal.pk
    return reverse(f"planning:{name}", kwargs=kwargs)


def in_a_week() -> str:
    return (timezone.localtime() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")


def test_from_draft_to_decision_through_the_pages(world: World):
    member, coordinator = world.client("member"), world.client("coordinator")
    member.post(
        url(world, "proposal-create"),
        {"title": "Legal aid rota", "subject": "action", "description": "Lawyers on call"},
    )
    proposal = world.cluster.proposals.get(title="Legal aid rota")
    assert proposal.status == "draft" and proposal.proposer == world.member_membership
    member.post(url(world, "proposal-submit", proposal))
    coordinator.post(url(world, "proposal-open", proposal), {"closes_at": in_a_week()})
    proposal.refresh_from_db()
    assert proposal.status == "open"
    member.post(url(world, "stance-take", proposal), {"position": "agree", "reason": ""})
    coordinator.post(url(world, "stance-take", proposal), {"position": "agree", "reason": ""})
    response = coordinator.post(
        url(world, "proposal-decide", proposal), {"minutes": "Agreed by all"}, follow=True
    )
    body = response.content.decode()
    assert "Adopted" in body and "Agreed by all" in body
    again = coordinator.post(url(world, "proposal-decide", proposal), {"minutes": ""}, follow=True)
    assert "already been decided" in again.content.decode()
    assert proposal.decisions.count() == 1


def test_an_objection_without_its_reason_is_refused(world: World):
    response = world.client("member").post(
        url(world, "stance-take", world.proposal), {"position": "block", "reason": ""}, follow=True
    )
    assert "needs its reason" in response.content.decode()
    assert not Stance.objects.filter(proposal=world.proposal).exists()


def test_observers_cannot_take_a_position(world: World):
    response = world.client("observer").post(
        url(world, "stance-take", world.proposal), {"position": "agree"}
    )
    assert response.status_code == 403
    assert not Stance.objects.filter(proposal=world.proposal).exists()


def test_the_page_shows_who_has_not_answered(world: World):
    proposal_services.stance_take(
        proposal=world.proposal,
        membership=world.member_membership,
        by=world.users["member"],
        position="agree",
    )
    body = (
        world.client("observer").get(url(world, "proposal-detail", world.proposal)).content.decode()
    )
    assert "Not answered yet:" in body
    assert "Lead Foundation" in body.split("Not answered yet:")[1]


def test_an_opening_date_in_the_past_is_refused(world: World):
    draft = proposal_services.proposal_create(
        membership=world.member_membership, by=world.users["member"], title="X", description="Y"
    )
    proposal_services.proposal_submit(proposal=draft, by=world.users["member"])
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = world.client("coordinator").post(
        url(world, "proposal-open", draft), {"closes_at": past}, follow=True
    )
    assert "must be in the future" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "submitted"


def test_drafts_are_seen_only_by_their_entity_and_the_coordinator(world: World):
    draft = proposal_services.proposal_create(
        membership=world.member_membership,
        by=world.users["member"],
        title="Private idea",
        description="Y",
    )
    assert world.client("member").get(url(world, "proposal-detail", draft)).status_code == 200
    assert world.client("coordinator").get(url(world, "proposal-detail", draft)).status_code == 200
    assert world.client("observer").get(url(world, "proposal-detail", draft)).status_code == 404
    assert (
        "Private idea"
        not in world.client("observer").get(url(world, "proposal-list")).content.decode()
    )


def test_another_clusters_proposal_is_not_found(world: World):
    other = world.other_cluster
    theirs = proposal_services.proposal_create(
        membership=other.memberships.get(),
        by=world.users["outsider"],
        title="Theirs",
        description="Z",
    )
    for name in ("proposal-detail", "proposal-edit"):
        assert world.client("coordinator").get(url(world, name, theirs)).status_code == 404
    response = world.client("coordinator").post(url(world, "proposal-decide", theirs))
    assert response.status_code == 404


def test_a_negative_cost_is_refused(world: World):
    response = world.client("member").post(
        url(world, "proposal-create"),
        {"title": "T", "subject": "action", "description": "D", "estimated_cost": "-5"},
    )
    assert "greater than or equal to 0" in response.content.decode()
    assert not world.cluster.proposals.filter(title="T").exists()


def test_a_validation_proposal_names_its_issue(world: World):
    response = world.client("member").post(
        url(world, "proposal-create"),
        {"title": "Validate RI-1", "subject": "validate_rights_issue", "description": "D"},
    )
    assert "Choose the rights issue to validate" in response.content.decode()


def test_the_detail_runs_the_same_queries_with_5_or_200_stances_and_comments(
    world: World, django_assert_num_queries, django_assert_max_num_queries
):
    client = world.client("observer")

    def add(first: int, last: int) -> None:
        for i in range(first, last + 1):
            membership = MembershipFactory(cluster=world.cluster)
            user = ActorUserFactory(actor=membership.actor).user
            proposal_services.stance_take(
                proposal=world.proposal, membership=membership, by=user, position="agree"
            )
            thread = proposal_services.comment_add(
                proposal=world.proposal, by=user, membership=membership, body=f"Point {i}"
            )
            proposal_services.comment_edit(comment=thread, by=user, body=f"Point {i}, revised")
            proposal_services.comment_add(
                proposal=world.proposal, by=user, membership=membership, body="+1", parent=thread
            )

    add(1, 5)
    with django_assert_max_num_queries(30) as small:
        client.get(url(world, "proposal-detail", world.proposal))
    add(6, 200)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url(world, "proposal-detail", world.proposal))
    page = response.content.decode()
    assert page.count('class="badge ok"') >= 200
    assert "Point 200, revised" in page


def test_adopting_objectives_asks_for_a_proposed_one(world: World):
    response = world.client("member").post(
        url(world, "proposal-create"),
        {
            "title": "Adopt O1",
            "subject": "adopt_objectives",
            "description": "D",
            "objectives": [world.indicator.objective_id],  # already adopted
        },
    )
    assert "Tick the proposed objectives" in response.content.decode()
    assert not Proposal.objects.filter(title="Adopt O1").exists()


def test_the_stance_form_shows_the_entitys_current_position(world: World):
    proposal_services.stance_take(
        proposal=world.proposal,
        membership=world.member_membership,
        by=world.users["member"],
        position="abstain",
    )
    response = world.client("member").get(url(world, "proposal-detail", world.proposal))
    assert response.context["stance_form"].initial["position"] == "abstain"


def test_deliberation_is_threaded_one_level_and_edits_are_kept(world: World):
    member, coordinator = world.client("member"), world.client("coordinator")
    member.post(url(world, "comment-add", world.proposal), {"body": "Who manages the fund?"})
    question = world.proposal.comments.get()
    coordinator.post(
        url(world, "comment-add", world.proposal),
        {"body": "The lead entity.", "parent": question.pk},
    )
    answer = world.proposal.comments.get(parent=question)
    # A reply to a reply joins the same thread.
    member.post(url(world, "comment-add", world.proposal), {"body": "Agreed.", "parent": answer.pk})
    assert world.proposal.comments.filter(parent=question).count() == 2
    member.post(
        reverse("planning:comment-edit", args=[world.cluster.slug, world.proposal.pk, question.pk]),
        {"body": "Who manages the fund, and how?"},
    )
    question.refresh_from_db()
    assert question.body == "Who manages the fund, and how?" and question.edited_at
    assert list(question.revisions.values_list("body", flat=True)) == ["Who manages the fund?"]
    body = (
        world.client("observer").get(url(world, "proposal-detail", world.proposal)).content.decode()
    )
    assert "Earlier versions" in body and "The lead entity." in body


def test_only_the_author_edits_a_comment(world: World):
    world.client("member").post(url(world, "comment-add", world.proposal), {"body": "Mine"})
    comment = world.proposal.comments.get()
    response = world.client("coordinator").post(
        reverse("planning:comment-edit", args=[world.cluster.slug, world.proposal.pk, comment.pk]),
        {"body": "Hijacked"},
        follow=True,
    )
    assert "Only its author" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Mine"


def test_observers_do_not_comment_and_empty_comments_are_refused(world: World):
    assert (
        world.client("observer")
        .post(url(world, "comment-add", world.proposal), {"body": "Hi"})
        .status_code
        == 403
    )
    response = world.client("member").post(
        url(world, "comment-add", world.proposal), {"body": "   "}, follow=True
    )
    assert "This field is required" in response.content.decode()
    assert not world.proposal.comments.exists()


def test_a_reply_to_another_proposals_comment_is_refused(world: World):
    other = proposal_services.proposal_create(
        membership=world.member_membership, by=world.users["member"], title="Other", description="D"
    )
    proposal_services.proposal_submit(proposal=other, by=world.users["member"])
    proposal_services.proposal_open(
        proposal=other, by=world.users["coordinator"], closes_at=timezone.now() + timedelta(days=1)
    )
    foreign = proposal_services.comment_add(
        proposal=other, by=world.users["member"], membership=world.member_membership, body="There"
    )
    response = world.client("member").post(
        url(world, "comment-add", world.proposal),
        {"body": "Here", "parent": foreign.pk},
        follow=True,
    )
    assert "not on this proposal" in response.content.decode()
    assert not world.proposal.comments.exists()


def test_the_detail_runs_the_same_queries_with_few_or_many_comments(
    world: World, django_assert_num_queries, django_assert_max_num_queries
):
    client = world.client("observer")

    def add_comments(n: int) -> None:
        for i in range(n):
            top = proposal_services.comment_add(
                proposal=world.proposal,
                by=world.users["member"],
                membership=world.member_membership,
                body=f"Point {i}",
            )
            proposal_services.comment_add(
                proposal=world.proposal,
                by=world.users["coordinator"],
                membership=None,
                body="Reply",
                parent=top,
            )
            proposal_services.comment_edit(
                comment=top, by=world.users["member"], body=f"Point {i}, revised"
            )

    add_comments(2)
    with django_assert_max_num_queries(40) as small:
        client.get(url(world, "proposal-detail", world.proposal))
    add_comments(20)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url(world, "proposal-detail", world.proposal))
    assert response.content.decode().count("revised") == 22


def test_the_detail_runs_the_same_queries_with_no_comment_and_no_action_as_with_some(
    world: World, django_assert_num_queries, django_assert_max_num_queries
):
    """Nothing is skipped when a list is empty, nothing is read per comment or action: a
    proposal just opened costs what a discussed one with its joint actions costs."""
    from planning.models import JointAction

    client = world.client("observer")
    with django_assert_max_num_queries(30) as bare:
        client.get(url(world, "proposal-detail", world.proposal))
    membership = world.member_membership
    user = world.users["member"]
    thread = proposal_services.comment_add(
        proposal=world.proposal, by=user, membership=membership, body="A first point"
    )
    proposal_services.comment_edit(comment=thread, by=user, body="A first point, revised")
    proposal_services.comment_add(
        proposal=world.proposal, by=user, membership=membership, body="Agreed", parent=thread
    )
    JointAction.objects.filter(pk=world.action.pk).update(proposal=world.proposal)
    second = JointAction.objects.get(pk=world.action.pk)
    second.pk, second.title = None, "A second action"
    second.save()
    with django_assert_num_queries(len(bare.captured_queries)):
        response = client.get(url(world, "proposal-detail", world.proposal))
    page = response.content.decode()
    assert "A first point, revised" in page and "Agreed" in page
    assert "A second action" in page and world.action.title in page
