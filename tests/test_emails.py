"""Every email the platform sends is plain text: names come out as they were typed, in the
person's language, with nothing HTML-escaped in the subject or the body.

The cluster, the entity and the proposal carry an apostrophe, quotes, < > and &, as a
Catalan name does ("l'Habitatge") and a careless one might ("<Nord> & Sud"). Each kind of
email is sent in Catalan, Spanish and English; a test also checks that every email
template of the project is among those sent here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import User
from clusters import services as cluster_services
from indicators import services as indicator_services
from planning import notifications, proposal_services
from reports import jobs as report_jobs
from reports import services as report_services
from tests.conftest import World

LANGUAGES = ("ca", "es", "en")
CLUSTER = 'Clúster de l\'Habitatge "Nord" <Nou Barris> & Sant Andreu'
ENTITY = "Fundació d'Amics <Barri> & Co"
# An entity new to the platform: a name matching ENTITY would be offered ENTITY instead.
NEW_ENTITY = "Xarxa d'Ajuda <Mútua> & Co"
TITLE = 'Fons "d\'emergència" <2027> & més'
# An HTML entity of any kind: &#x27; &#39; &amp; &lt; &gt; &quot;
ESCAPED = re.compile(r"&(?:#x?[0-9a-fA-F]+|[a-zA-Z]+);")


def open_hostile_proposal(world: World) -> None:
    proposal = proposal_services.proposal_create(
        membership=world.member_membership,
        by=world.users["member"],
        title=TITLE,
        description="Per a les famílies <desnonades> & sense alternativa",
    )
    proposal_services.proposal_submit(proposal=proposal, by=world.users["member"])
    proposal_services.proposal_open(
        proposal=proposal, by=world.users["coordinator"], closes_at=timezone.now() + timedelta(7)
    )


def invite(world: World) -> None:
    cluster_services.invitation_create(
        cluster=world.cluster,
        by=world.users["coordinator"],
        email="newcomer@example.org",
        role="member",
        actor_name=NEW_ENTITY,
        actor_kind="ngo",
        message="Benvinguts a l'espai <comú> & obert",
        language=translation.get_language(),
    )


def remind(world: World) -> None:
    notifications.remind_closing(now=world.proposal.closes_at - timedelta(hours=24))


def remind_survey(world: World) -> None:
    from health import notifications as health_notifications
    from health.models import SurveyRound
    from tests.health.survey import make_round

    # The other cluster's round closes the same day: reminded already, it sends nothing here.
    SurveyRound.objects.exclude(cluster=world.cluster).update(reminded_at=timezone.now())
    round = make_round(world.cluster, world.users["coordinator"])
    health_notifications.remind_closing(now=round.closes_at - timedelta(days=2))


def decide(world: World) -> None:
    proposal_services.proposal_decide(
        proposal=world.proposal, by=world.users["coordinator"], minutes="Acta de l'assemblea <1>"
    )


def publish(world: World) -> None:
    job, _created = report_services.report_request(
        cluster=world.cluster, kind="dossier", language="ca", by=world.users["coordinator"]
    )
    report_jobs.report_render(job.pk)
    job.refresh_from_db()
    report_jobs.report_publish(job=job, by=world.users["coordinator"])


def return_report(world: World) -> None:
    indicator_services.report_return(
        report=world.report, by=world.users["coordinator"], reason="Falten les dades <2026> & més"
    )


def reopen_period(world: World) -> None:
    coordinator = world.users["coordinator"]
    indicator_services.report_validate(report=world.report, by=coordinator)
    indicator_services.period_lock(period=world.period, by=coordinator)
    indicator_services.period_reopen(
        period=world.period, by=coordinator, reason="Comptat dues vegades <2026> & més"
    )


STRATEGY = 'Pla "d\'Habitatge" <2026> & més'


def question_score(world: World) -> None:
    from coherence import services as coherence_services
    from indicators.models import Objective

    lead = world.cluster.memberships.get(actor=world.lead)
    strategy = coherence_services.strategy_create(
        membership=lead,
        by=world.users["coordinator"],
        title=STRATEGY,
        kind="public_policy",
        starts_on=timezone.localdate(),
        territory="Nou Barris",
        summary="El pla del districte",
    )
    score = coherence_services.score_set(
        strategy=strategy,
        objective=Objective.objects.get(cluster=world.cluster, code="O1"),
        membership=lead,
        by=world.users["coordinator"],
        value=2,
        reason="Més pisos socials",
    )
    coherence_services.score_question(
        score=score,
        membership=world.member_membership,
        by=world.users["member"],
        comment="Els desnonaments <no> & baixen",
    )


def digest(world: World) -> None:
    from meetings.digest import digests_send

    # The other cluster's people get its digest: this test reads the world's cluster's.
    User.objects.exclude(email__in=["member@example.org", "coordinator@example.org"]).update(
        weekly_digest=False
    )
    digests_send(timezone.now())


MEETING = 'Assemblea "oberta" <de primavera> & més'
PLACE = "Casal d'Entitats <Nord> & Sud"


def schedule_meeting(world: World):
    from meetings import services as meeting_services

    starts_at = timezone.now() + timedelta(days=7)
    return meeting_services.meeting_schedule(
        cluster=world.cluster,
        by=world.users["coordinator"],
        title=MEETING,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        place=PLACE,
    )


def close_meeting(world: World) -> None:
    from meetings import services as meeting_services

    meeting = schedule_meeting(world)
    mail.outbox.clear()
    meeting_services.meeting_close(
        meeting=meeting, by=world.users["coordinator"], now=meeting.starts_at + timedelta(hours=2)
    )


COMMENT = "Quines famílies <primer> & per què?"


def comment(world: World) -> None:
    proposal_services.comment_add(
        proposal=world.proposal,
        by=world.users["coordinator"],
        membership=world.cluster.memberships.get(actor=world.lead),
        body=COMMENT,
    )


def reset_password(world: World) -> None:
    client = world.client("anonymous")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = translation.get_language()
    client.post(reverse("account_reset_password"), {"email": "member@example.org"})


def reset_unknown_password(world: World) -> None:
    client = world.client("anonymous")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = translation.get_language()
    client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})


def add_address(world: World) -> None:
    client = world.client("member")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = translation.get_language()
    client.post(reverse("account_email"), {"action_add": "", "email": "second@example.org"})


# Each kind of email: what sends it, and a sentence of it that shows its language.
FLOWS: dict[str, tuple[Callable[[World], None], str]] = {
    "clusters/email/invitation": (invite, "Common goal:"),
    "planning/email/opened": (
        open_hostile_proposal,
        "You receive this email because you represent a member entity. You can turn these "
        "emails off in your settings.",
    ),
    "planning/email/closing": (
        remind,
        "You receive this email because you represent a member entity. You can turn these "
        "emails off in your settings.",
    ),
    "planning/email/decided": (
        decide,
        "You receive this email because you represent a member entity. You can turn these "
        "emails off in your settings.",
    ),
    "health/email/closing": (
        remind_survey,
        "You receive this email because you represent a member entity. You can turn these "
        "emails off in your settings.",
    ),
    "reports/email/published": (
        publish,
        "You receive this email because your institution follows this cluster. You can turn "
        "these emails off in your settings.",
    ),
    "indicators/email/returned": (
        return_report,
        "You receive this email because you represent a member entity. You can turn these "
        "emails off in your settings.",
    ),
    "indicators/email/reopened": (
        reopen_period,
        "You receive this email because you represent a member entity. You can turn these "
        "emails off in your settings.",
    ),
    "coherence/email/questioned": (
        question_score,
        "You receive this email because you represent a member entity. You can turn these "
        "emails off in your settings.",
    ),
    "meetings/email/digest": (
        digest,
        "You receive this email because you asked for a weekly digest. You can turn it off in "
        "your settings.",
    ),
    "planning/email/comment": (
        comment,
        "You receive this email because you represent the entity that made this proposal. You "
        "can turn these emails off in your settings.",
    ),
    "meetings/email/invitation": (
        schedule_meeting,
        "You receive this email because you take part in the cluster. You can turn these "
        "emails off in your settings.",
    ),
    "meetings/email/minutes": (
        close_meeting,
        "You receive this email because you take part in the cluster. You can turn these "
        "emails off in your settings.",
    ),
    # allauth's own, with its own catalogues.
    "account/email/password_reset_key": (reset_password, "Password Reset Email"),
    "account/email/unknown_account": (reset_unknown_password, "Unknown Account"),
    "account/email/email_confirmation": (add_address, "Please Confirm Your Email Address"),
}
# The names each of the project's emails must show exactly as typed.
NAMES = {
    "clusters/email/invitation": (CLUSTER, NEW_ENTITY, "Benvinguts a l'espai <comú> & obert"),
    "planning/email/opened": (CLUSTER, TITLE, "Per a les famílies <desnonades> & sense"),
    "planning/email/closing": (CLUSTER, "Shared emergency housing fund"),
    "planning/email/decided": (CLUSTER, "Shared emergency housing fund", "Acta de l'assemblea <1>"),
    "health/email/closing": (CLUSTER,),
    "reports/email/published": (CLUSTER,),
    "indicators/email/returned": (CLUSTER, ENTITY, "Falten les dades <2026> & més"),
    "indicators/email/reopened": (CLUSTER, "Comptat dues vegades <2026> & més"),
    "coherence/email/questioned": (CLUSTER, ENTITY, STRATEGY, "Els desnonaments <no> & baixen"),
    "meetings/email/digest": (CLUSTER, "Shared emergency housing fund"),
    "planning/email/comment": (CLUSTER, "Shared emergency housing fund", COMMENT),
    "meetings/email/invitation": (CLUSTER, MEETING, PLACE),
    "meetings/email/minutes": (CLUSTER, MEETING),
}


@pytest.fixture
def hostile_names(world: World) -> World:
    world.cluster.name = CLUSTER
    world.cluster.save(update_fields=["name"])
    world.member_actor.name = ENTITY
    world.member_actor.save(update_fields=["name"])
    return world


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", sorted(FLOWS))
def test_every_email_is_plain_text_with_names_as_typed_in_the_persons_language(
    hostile_names: World, template: str, language: str, django_capture_on_commit_callbacks
):
    world = hostile_names
    User.objects.update(language=language)
    send, sentence = FLOWS[template]
    mail.outbox.clear()
    with translation.override(language), django_capture_on_commit_callbacks(execute=True):
        send(world)
    assert mail.outbox, f"{template} sent nothing"
    with translation.override(language):
        translated = gettext(sentence)
    for message in mail.outbox:
        assert "\n" not in message.subject
        assert not ESCAPED.search(message.subject), message.subject
        assert not ESCAPED.search(message.body), message.body
        text = f"{message.subject}\n{message.body}"
        assert translated in " ".join(text.split()), f"{template} not in {language}"
        for name in NAMES.get(template, ()):
            assert name in text, f"{template} in {language} lost {name!r}"
        assert CLUSTER in message.subject or template.startswith("account/")


def test_every_email_template_of_the_project_is_sent_above():
    templates = {
        str(path.relative_to(root)).removesuffix("_subject.txt")
        for root in (Path(settings.BASE_DIR) / "templates",)
        for path in root.rglob("*_subject.txt")
    }
    assert templates == {t for t in FLOWS if not t.startswith("account/")}
