"""Recording a decision: the outcome in words first, then a confirmation; the decision page
with the rule, the reason, the review date, the minutes and every round's positions; and
what abstaining does, said where a position is taken."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from clusters.models import AuditEntry
from planning import proposal_services
from planning.consensus import Rule, RuleKind, Tally, abstain_effect, decide, explain
from planning.models import Decision
from reports.content import decisions as decision_records
from tests.clock import days
from tests.conftest import World

CONSENSUS = Rule(RuleKind.CONSENSUS, quorum=50, threshold=75)
CONSENT = Rule(RuleKind.CONSENT, quorum=50)
TWO_ROUNDS = Rule(RuleKind.CONSENSUS_THEN_MAJORITY, quorum=50, threshold=75, majority=67)


@pytest.fixture(autouse=True)
def english_words(english):
    with translation.override("en"):
        yield


# The reason in words, on its own.


@pytest.mark.parametrize(
    ("rule", "tally", "second_round", "words"),
    [
        (
            CONSENSUS,
            Tally(agree=2, abstain=1, eligible=4),
            False,
            "3 of 4 entities took a position; the quorum is 50 %, reached. 2 agree of 3 "
            "positions taken; the threshold is 75 %; nobody blocks. Not enough agree: it is "
            "rejected.",
        ),
        (
            CONSENSUS,
            Tally(agree=3, disagree=1, eligible=4),
            False,
            "4 of 4 entities took a position; the quorum is 50 %, reached. 3 agree of 4 "
            "positions taken; the threshold is 75 %; nobody blocks. Enough agree and nobody "
            "blocks: it is adopted.",
        ),
        (
            CONSENSUS,
            Tally(agree=1, eligible=4),
            False,
            "1 of 4 entities took a position; the quorum is 50 %, not reached. Without the "
            "quorum nothing is decided.",
        ),
        (
            TWO_ROUNDS,
            Tally(agree=3, block=1, eligible=4),
            False,
            "4 of 4 entities took a position; the quorum is 50 %, reached. 3 agree of 4 "
            "positions taken; the threshold is 75 %; 1 entity blocks. A block stops the "
            "proposal: it is rejected. The coordinator may call a second round by qualified "
            "majority.",
        ),
        (
            TWO_ROUNDS,
            Tally(agree=3, abstain=1, eligible=4),
            True,
            "4 of 4 entities took a position; the quorum is 50 %, reached. 3 agree of the 4 "
            "entities that may take a position; the qualified majority is 67 %. The qualified "
            "majority is reached: it is adopted.",
        ),
        (
            CONSENT,
            Tally(agree=1, abstain=2, disagree=1, eligible=4),
            False,
            "4 of 4 entities took a position; the quorum is 50 %, reached. 1 entity "
            "disagrees. Under consent any disagreement stops the proposal: it is rejected.",
        ),
        (
            CONSENT,
            Tally(abstain=3, eligible=4),
            False,
            "3 of 4 entities took a position; the quorum is 50 %, reached. Nobody disagrees "
            "or blocks. Nobody objects: it is adopted.",
        ),
    ],
)
def test_the_reason_in_words_says_what_decide_counted(rule, tally, second_round, words):
    assert explain(rule, tally, second_round=second_round) == words


def test_every_outcome_has_its_words():
    """Every reason decide() can give is put in words, under every rule and round."""
    for rule in (CONSENSUS, CONSENT, TWO_ROUNDS):
        for counts in [
            (a, b, d, k) for a in range(3) for b in range(2) for d in range(2) for k in range(2)
        ]:
            tally = Tally(*counts, eligible=6)
            for second in (False, True) if rule is TWO_ROUNDS else (False,):
                outcome = decide(rule, tally, second_round=second)
                text = explain(rule, tally, second_round=second)
                assert ("adopted" in text) == (outcome.result == "adopted"), text


def test_abstaining_is_said_as_the_rule_counts_it():
    # Under consensus an abstention is a position taken that does not agree.
    assert decide(CONSENSUS, Tally(agree=3, abstain=1, eligible=4)).result == "adopted"
    assert decide(CONSENSUS, Tally(agree=2, abstain=1, eligible=4)).result == "rejected"
    assert "counts as a position taken, towards the quorum, but not as agree" in abstain_effect(
        CONSENSUS
    )
    # Under consent it never stops a proposal.
    assert decide(CONSENT, Tally(abstain=3, eligible=4)).result == "adopted"
    assert "does not stop the proposal" in abstain_effect(CONSENT)
    # In a second round the majority is of every entity: it weighs like a disagreement.
    assert "weighs like a disagreement" in abstain_effect(TWO_ROUNDS, second_round=True)


# Through the pages.


def url(world: World, name: str) -> str:
    return reverse(f"planning:{name}", args=[world.cluster.slug, world.proposal.pk])


def take(world: World, person: str, membership, position: str, reason: str = "") -> None:
    proposal_services.stance_take(
        proposal=world.proposal,
        membership=membership,
        by=world.users[person],
        position=position,
        reason=reason,
    )


def lead(world: World):
    return world.cluster.memberships.get(role="lead")


def test_the_stance_form_says_what_abstaining_does(world: World):
    page = world.client("member").get(url(world, "proposal-detail")).content.decode()
    assert "Decision rule of the cluster: Consensus." in page
    assert "counts as a position taken, towards the quorum, but not as agree" in page


def test_the_decide_form_shows_the_outcome_first_and_records_nothing(world: World):
    take(world, "member", world.member_membership, "agree")
    take(world, "coordinator", lead(world), "abstain")
    coordinator = world.client("coordinator")
    detail = coordinator.get(url(world, "proposal-detail")).content.decode()
    assert url(world, "proposal-decide-preview") in detail
    response = coordinator.post(
        url(world, "proposal-decide-preview"),
        {"minutes": "Assembly of 12 May", "review_date": days(30).isoformat()},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "2 of 2 entities took a position; the quorum is 50 %, reached. 1 agree of 2 positions "
        "taken; the threshold is 75 %; nobody blocks. Not enough agree: it is rejected." in page
    )
    assert "Rejected" in page and "Assembly of 12 May" in page
    assert "What happens when you confirm" in page
    # The confirmation carries the same values, hidden, and the tally it showed.
    assert 'type="hidden" name="minutes" value="Assembly of 12 May"' in page
    assert f'name="review_date" value="{days(30).isoformat()}"' in page
    assert 'name="tally" value="1-1-0-0-2"' in page
    assert not Decision.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DECISION_RECORDED).exists()


def test_confirming_records_the_decision_once(world: World):
    take(world, "member", world.member_membership, "agree")
    take(world, "coordinator", lead(world), "agree")
    coordinator = world.client("coordinator")
    values = {"minutes": "All agree", "review_date": days(30).isoformat(), "tally": "2-0-0-0-2"}
    response = coordinator.post(url(world, "proposal-decide"), values, follow=True)
    assert "The decision has been recorded." in response.content.decode()
    again = coordinator.post(url(world, "proposal-decide"), values, follow=True)
    assert "already been decided" in again.content.decode()
    decision = world.proposal.decisions.get()
    assert (decision.outcome, decision.minutes, decision.review_date) == (
        "adopted",
        "All agree",
        days(30),
    )


def test_a_position_changed_after_the_preview_stops_the_confirmation(world: World):
    take(world, "member", world.member_membership, "agree")
    take(world, "coordinator", lead(world), "agree")
    coordinator = world.client("coordinator")
    preview = coordinator.post(url(world, "proposal-decide-preview"), {"minutes": ""})
    assert 'name="tally" value="2-0-0-0-2"' in preview.content.decode()
    take(world, "member", world.member_membership, "block", reason="The budget is not there")
    response = coordinator.post(
        url(world, "proposal-decide"), {"minutes": "", "tally": "2-0-0-0-2"}, follow=True
    )
    assert "The positions changed after you saw the outcome" in response.content.decode()
    assert not Decision.objects.exists()


def test_the_preview_refuses_what_the_decision_would_refuse(world: World):
    response = world.client("coordinator").post(
        url(world, "proposal-decide-preview"), {"review_date": days(-1).isoformat()}, follow=True
    )
    assert "The review date cannot be before the decision." in response.content.decode()
    assert response.redirect_chain[-1][0] == url(world, "proposal-detail")


def test_the_decision_page_shows_every_round_with_its_rule_reason_and_positions(world: World):
    world.cluster.decision_rule = "consensus_then_majority"
    world.cluster.save()
    coordinator = world.users["coordinator"]
    take(world, "member", world.member_membership, "agree")
    take(world, "coordinator", lead(world), "block", reason="Round one: the rota is not ready")
    proposal_services.proposal_decide(proposal=world.proposal, by=coordinator, minutes="Blocked")
    proposal_services.proposal_second_round(
        proposal=world.proposal, by=coordinator, closes_at=world.proposal.closes_at
    )
    take(world, "member", world.member_membership, "agree")
    take(world, "coordinator", lead(world), "disagree", reason="Round two: still too soon")
    proposal_services.proposal_decide(
        proposal=world.proposal, by=coordinator, minutes="Voted in May", review_date=days(90)
    )
    page = world.client("observer").get(url(world, "proposal-detail")).content.decode()
    first, second = world.proposal.decisions.order_by("round")
    # Both rounds, the latest first, each with its positions and their reasons.
    assert page.index("Round 2 · Decision and positions") < page.index(
        "Round 1 · Decision and positions"
    )
    assert "Round one: the rota is not ready" in page and "Round two: still too soon" in page
    # The rule applied, the reason in words (the one the PDF shows), the review date and
    # the minutes of each.
    assert "Consensus, then qualified majority (quorum 50 %, qualified majority 67 %)" in page
    assert "Consensus, then qualified majority (quorum 50 %, threshold 75 %)" in page
    assert first.explanation in page and second.explanation in page
    assert "1 agree of the 2 entities that may take a position" in second.explanation
    assert "Voted in May" in page and "Blocked" in page
    assert date_format(days(90), "DATE_FORMAT") in page
    pdf = render_to_string(
        "reports/pdf/_decisions.html", {"decisions": decision_records(world.cluster)}
    )
    assert first.explanation in pdf and second.explanation in pdf


def test_the_decision_email_gives_the_same_reason_in_words(
    world: World, django_capture_on_commit_callbacks
):
    from django.core import mail

    take(world, "member", world.member_membership, "agree")
    with django_capture_on_commit_callbacks(execute=True):
        decision = proposal_services.proposal_decide(
            proposal=world.proposal, by=world.users["coordinator"]
        )
    assert mail.outbox
    for message in mail.outbox:
        assert decision.explanation in " ".join(message.body.split())
