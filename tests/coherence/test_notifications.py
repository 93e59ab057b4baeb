"""When another member entity questions a score, the strategy's own entity hears of it by
email, after the commit: its people only (never the one who asked), each in their
language, with the comment and the link to the score to revise it."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.models import User
from clusters.models import Membership
from coherence import notifications, services
from coherence.models import Score, ScoreQuestion, Strategy
from core.errors import DomainError
from indicators.models import Objective
from tests.conftest import World
from tests.factories import ActorUserFactory

# The people of the world's member entity, whose strategy is questioned.
ENTITY_PEOPLE = ["member@example.org", "representative@example.org"]


@pytest.fixture
def lead(world: World) -> Membership:
    return Membership.objects.get(cluster=world.cluster, actor=world.lead)


@pytest.fixture
def score(world: World) -> Score:
    strategy = services.strategy_create(
        membership=world.member_membership,
        by=world.users["member"],
        title="Neighbourhood housing plan",
        kind=Strategy.Kind.STRATEGIC_PLAN,
        starts_on=date(2025, 1, 1),
        territory="Nou Barris",
        summary="The association's plan",
    )
    return services.score_set(
        strategy=strategy,
        objective=Objective.objects.get(cluster=world.cluster, code="O1"),
        membership=world.member_membership,
        by=world.users["member"],
        value=2,
        reason="It advises every family before the hearing",
    )


def question(world: World, score: Score, membership: Membership, person: str = "coordinator"):
    return services.score_question(
        score=score,
        membership=membership,
        by=world.users[person],
        comment="Evictions in the district went up, not down",
    )


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_the_strategys_entity_is_emailed_after_the_commit_with_the_link(
    world: World, score: Score, lead: Membership, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        question(world, score, lead)
    assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    # The member entity's two people; not the lead entity that asked, not the observer,
    # the institution or the other cluster's people.
    assert recipients() == ENTITY_PEOPLE
    message = mail.outbox[0]
    assert message.subject == (
        "[Housing rights cluster] Lead Foundation questions your score of "
        "Neighbourhood housing plan against O1"
    )
    body = " ".join(message.body.split())
    assert "Lead Foundation questions the score your entity gave" in body
    assert "O1 · No eviction without alternative" in body
    assert "The score questioned: +2 Reinforcing" in body
    assert "Evictions in the district went up, not down" in message.body
    link = settings.SITE_URL + reverse("coherence:score-detail", args=["housing", score.pk])
    assert link in message.body.split()


def test_the_person_who_asked_is_never_emailed_though_they_belong_to_the_entity(
    world: World, score: Score, lead: Membership, django_capture_on_commit_callbacks
):
    # The coordinator also acts for the member entity, but asks for the lead one.
    ActorUserFactory(user=world.users["coordinator"], actor=world.member_actor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        question(world, score, lead)
    assert recipients() == ENTITY_PEOPLE


def test_a_person_who_turned_emails_off_gets_none(
    world: World, score: Score, lead: Membership, django_capture_on_commit_callbacks
):
    User.objects.filter(email="representative@example.org").update(notify_by_email=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        question(world, score, lead)
    assert recipients() == ["member@example.org"]


def test_each_person_reads_it_in_their_language(
    world: World, score: Score, lead: Membership, django_capture_on_commit_callbacks
):
    User.objects.filter(email="member@example.org").update(language="es")
    User.objects.filter(email="representative@example.org").update(language="ca")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        question(world, score, lead)
    bodies = {message.to[0]: " ".join(message.body.split()) for message in mail.outbox}
    spanish, catalan = bodies["member@example.org"], bodies["representative@example.org"]
    assert "+2 Refuerza" in spanish and "Recibís este correo" in spanish
    assert "+2 Reforça" in catalan and "Rebeu aquest correu" in catalan
    assert "Reinforcing" not in spanish + catalan


def test_a_refused_question_sends_nothing(
    world: World, score: Score, lead: Membership, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        # The entity's own people revise their score; they do not question it.
        with pytest.raises(DomainError):
            question(world, score, world.member_membership, "representative")
        # An observer writes nothing here.
        with pytest.raises(DomainError):
            question(world, score, world.observer_membership, "observer")
    assert callbacks == [] and mail.outbox == []
    assert not ScoreQuestion.objects.exists()


def test_a_question_gone_before_the_worker_gets_to_it_sends_nothing(world: World):
    assert notifications.score_questioned(0) == 0
    assert mail.outbox == []
