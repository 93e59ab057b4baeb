"""Survey rounds from the coordinator's and the members' side: preparing, answering once
per entity, closing, results that never tell who answered what, and the action plan."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from clusters.models import AuditEntry, Membership
from core.errors import DomainError
from health import notifications, services
from health.models import Answer, PlanAction, Question, Response, ResponseRevision, SurveyRound
from health.questionnaire import STANDARD
from health.results import round_results
from health.tasks import close_due_rounds, remind_closing_rounds
from tests.clock import NOW, days
from tests.conftest import World
from tests.factories import ActorFactory, ActorUserFactory, MembershipFactory, UserFactory
from tests.health.survey import answer_all, answered_round, close, make_round
from tests.html_forms import forms_on


def entity(world: World, name: str) -> tuple[Membership, object]:
    """Another member entity of the world's cluster, with one person."""
    actor = ActorFactory(name=name)
    user = UserFactory(email=f"{actor.slug}@example.org")
    ActorUserFactory(user=user, actor=actor)
    return MembershipFactory(cluster=world.cluster, actor=actor), user


def lead_membership(world: World) -> Membership:
    return world.cluster.memberships.get(actor=world.lead)


def three_entities(world: World) -> list[tuple[Membership, object]]:
    return [
        (lead_membership(world), world.users["coordinator"]),
        (world.member_membership, world.users["member"]),
        entity(world, "Tenants Union"),
    ]


def answer_url(round: SurveyRound) -> str:
    return reverse("health:answer", args=[round.cluster.slug, round.pk])


def form_data(round: SurveyRound, value: int, comment: str = "") -> dict:
    data = {}
    for question in round.questions.filter(audience=Question.Audience.PARTNERS):
        data[f"q{question.pk}"] = str(value)
        data[f"c{question.pk}"] = comment
    return data


# --- Preparing and opening ------------------------------------------------------------


def test_a_new_round_asks_the_standard_questionnaire(world: World):
    client = world.client("coordinator")
    response = client.post(
        reverse("health:round-create", args=[world.cluster.slug]),
        {
            "cadence": "yearly",
            "year": "2026",
            "opens_at": (NOW + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (NOW + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    round = world.cluster.survey_rounds.get()
    assert response.status_code == 302 and response.url == round.get_absolute_url()
    assert round.is_draft and round.label == "2026"
    assert sorted(round.questions.values_list("code", flat=True)) == sorted(
        s.code for s in STANDARD
    )
    page = client.get(round.get_absolute_url()).content.decode()
    assert "The cluster brings practices that are new in the sector." in page
    assert AuditEntry.objects.filter(action=AuditEntry.Action.SURVEY_ROUND_CREATED).count() == 1


def test_standard_questions_are_asked_in_the_readers_language(world: World):
    round = make_round(world.cluster, world.users["coordinator"])
    client = world.client("member")
    client.cookies["django_language"] = "ca"
    page = client.get(answer_url(round)).content.decode()
    assert "Bastant sovint" in page  # "Fairly often"
    assert "No ho sé" in page  # "Don't know"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"closes_at": NOW - timedelta(days=1)}, "Choose a closing date in the future."),
        ({"closes_at": NOW - timedelta(days=3), "opens_at": NOW}, "A round closes after it opens."),
    ],
)
def test_bad_dates_are_refused_and_nothing_is_saved(world: World, fields, message):
    values = {"opens_at": NOW - timedelta(days=5), "closes_at": NOW + timedelta(days=5), **fields}
    with pytest.raises(DomainError, match=message):
        services.round_create(
            cluster=world.cluster,
            by=world.users["coordinator"],
            cadence="yearly",
            year=2026,
            **values,
        )
    assert not SurveyRound.objects.filter(cluster=world.cluster).exists()


def test_one_round_per_year(world: World):
    make_round(world.cluster, world.users["coordinator"])
    with pytest.raises(DomainError, match="already has a round"):
        make_round(world.cluster, world.users["coordinator"])
    assert world.cluster.survey_rounds.count() == 1


def test_a_round_per_period_takes_only_this_clusters_periods(world: World):
    other_period = world.other_cluster.periods.create(start=days(-30), end=days(30), due=days(60))
    with pytest.raises(DomainError, match="reporting periods"):
        services.round_create(
            cluster=world.cluster,
            by=world.users["coordinator"],
            cadence="period",
            period=other_period,
            opens_at=NOW,
            closes_at=NOW + timedelta(days=5),
        )
    round = services.round_create(
        cluster=world.cluster,
        by=world.users["coordinator"],
        cadence="period",
        period=world.period,
        opens_at=NOW,
        closes_at=NOW + timedelta(days=5),
    )
    assert round.label == world.period.label


def test_own_questions_are_added_before_opening_only(world: World):
    round = make_round(world.cluster, world.users["coordinator"], open=False)
    client = world.client("coordinator")
    client.post(
        reverse("health:question-add", args=[world.cluster.slug, round.pk]),
        {
            "audience": "partners",
            "scores": "function:advocacy",
            "scale": "agreement",
            "text_ca": "Ens escolten?",
        },
    )
    question = round.questions.get(code="")
    assert question.function == "advocacy" and question.text == "Ens escolten?"
    services.round_open(round=round, by=world.users["coordinator"])
    response = client.post(
        reverse("health:question-add", args=[world.cluster.slug, round.pk]),
        {
            "audience": "partners",
            "scores": "effect:impact",
            "scale": "agreement",
            "text_en": "Late?",
        },
        follow=True,
    )
    assert "Questions are added before the round opens." in response.content.decode()
    assert round.questions.filter(code="").count() == 1


def test_a_question_needs_a_text_and_one_effect_or_function(world: World):
    round = make_round(world.cluster, world.users["coordinator"], open=False)
    client = world.client("coordinator")
    response = client.post(
        reverse("health:question-add", args=[world.cluster.slug, round.pk]),
        {"audience": "partners", "scores": "effect:nonsense", "scale": "agreement"},
        follow=True,
    )
    assert response.status_code == 200
    assert not round.questions.filter(code="").exists()
    with pytest.raises(DomainError):
        services.question_add(
            round=round,
            by=world.users["coordinator"],
            audience="partners",
            scale="agreement",
            effect="impact",
            function="advocacy",
            text_en="Both?",
        )


def test_standard_questions_cannot_be_removed(world: World):
    round = make_round(world.cluster, world.users["coordinator"], open=False)
    with pytest.raises(DomainError, match="standard questions stay"):
        services.question_remove(question=round.questions.first(), by=world.users["coordinator"])
    assert round.questions.count() == len(STANDARD)


# --- Answering ----------------------------------------------------------------------------


def test_a_member_answers_for_its_entity_and_may_change_it(world: World):
    round = make_round(world.cluster, world.users["coordinator"])
    client = world.client("member")
    response = client.post(answer_url(round), form_data(round, 3, "Meetings help"))
    assert response.status_code == 302
    first = Response.objects.get(round=round, membership=world.member_membership)
    assert set(first.answers.values_list("value", flat=True)) == {3}
    # Another representative of the same entity changes it: still one response.
    client = world.client("representative")
    client.post(answer_url(round), form_data(round, 4))
    assert Response.objects.filter(round=round, membership=world.member_membership).count() == 1
    assert set(first.answers.values_list("value", flat=True)) == {4}
    revision = ResponseRevision.objects.get(response=first)
    assert {value for value, _comment in revision.answers.values()} == {3}
    assert AuditEntry.objects.filter(action=AuditEntry.Action.SURVEY_ANSWERED).count() == 2


def test_saving_the_answers_unchanged_changes_nothing(world: World):
    """The round trip: the form as the browser shows it, posted back as it is."""
    round = make_round(world.cluster, world.users["coordinator"])
    answer_all(round, world.users["member"], world.member_membership, 2, "Seldom,\nvery seldom")
    client = world.client("member")
    for language in ("ca", "es", "en"):
        client.cookies["django_language"] = language
        page = client.get(answer_url(round)).content.decode()
        (form,) = [
            f
            for f in forms_on(page, "health:answer", answer_url(round))
            if f.url_name == "health:answer"
        ]
        assert client.post(answer_url(round), form.submission()).status_code == 302
    assert not ResponseRevision.objects.exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.SURVEY_ANSWERED).count() == 1


def test_saving_the_dates_and_the_follow_up_unchanged_changes_nothing(world: World):
    people = three_entities(world)
    round = answered_round(
        world.cluster, world.users["coordinator"], [(m, u, 1) for m, u in people]
    )
    services.plan_action_add(
        round=round,
        by=world.users["coordinator"],
        effect="impact",
        what="Meet",
        lead=people[0][0],
        due=days(30),
    )
    services.plan_action_update(
        action=round.plan.get(), by=world.users["coordinator"], note="Going\nwell"
    )
    open_round = make_round(world.cluster, world.users["coordinator"], year=2027)
    before = AuditEntry.objects.count()
    client = world.client("coordinator")
    for language in ("ca", "es", "en"):
        client.cookies["django_language"] = language
        for shown in (round, open_round):
            page = client.get(shown.get_absolute_url()).content.decode()
            for form in forms_on(page, "health:round-detail", shown.get_absolute_url()):
                if form.url_name in ("health:round-reschedule", "health:plan-follow-up"):
                    client.post(form.action, form.submission())
    assert AuditEntry.objects.count() == before


def test_an_answer_off_the_scale_is_refused_and_changes_nothing(world: World):
    round = make_round(world.cluster, world.users["coordinator"])
    data = form_data(round, 7)
    response = world.client("member").post(answer_url(round), data)
    assert response.status_code == 200
    assert (
        "Select a valid choice" in response.content.decode()
        or "vàlida" in response.content.decode()
    )
    assert not Response.objects.filter(round=round).exists()
    question = round.questions.filter(audience="partners").first()
    with pytest.raises(DomainError, match="answers of the scale"):
        services.response_save(
            round=round,
            by=world.users["member"],
            membership=world.member_membership,
            answers={
                q.pk: (9 if q == question else 1, "")
                for q in round.questions.filter(audience="partners")
            },
        )
    assert not Answer.objects.exists()


def test_every_question_is_answered(world: World):
    round = make_round(world.cluster, world.users["coordinator"])
    first = round.questions.filter(audience="partners").first()
    with pytest.raises(DomainError, match="Answer every question"):
        services.response_save(
            round=round,
            by=world.users["member"],
            membership=world.member_membership,
            answers={first.pk: (1, "")},
        )
    assert not Response.objects.exists()


def test_answers_after_closing_are_refused_and_change_nothing(world: World):
    round = make_round(world.cluster, world.users["coordinator"])
    answer_all(round, world.users["member"], world.member_membership, 2)
    close(round)
    response = world.client("member").post(answer_url(round), form_data(round, 4), follow=True)
    assert "This round is not taking answers." in response.content.decode()
    assert set(Answer.objects.values_list("value", flat=True)) == {2}


def test_an_observer_cannot_answer(world: World):
    round = make_round(world.cluster, world.users["coordinator"])
    with pytest.raises(DomainError, match="lead and member entities"):
        answer_all(round, world.users["observer"], world.observer_membership, 4)
    assert world.client("observer").get(answer_url(round)).status_code == 403


def test_another_clusters_round_is_not_found(world: World):
    other_round = world.other_cluster.survey_rounds.get()
    url = reverse("health:answer", args=[world.cluster.slug, other_round.pk])
    assert world.client("member").post(url, form_data(other_round, 3)).status_code == 404
    assert not Response.objects.filter(round=other_round).exists()


def test_the_coordinator_answers_the_coordinators_questionnaire(world: World):
    round = make_round(world.cluster, world.users["coordinator"])
    client = world.client("coordinator")
    url = reverse("health:answer-coordinator", args=[world.cluster.slug, round.pk])
    page = client.get(url).content.decode()
    assert "Members propose new joint actions." in page
    assert "Every entity contributes" not in page  # a partners' question
    data = {}
    for question in round.questions.filter(audience="coordinator"):
        data[f"q{question.pk}"], data[f"c{question.pk}"] = "3", ""
    client.post(url, data)
    assert Response.objects.get(round=round, membership=None).answers.count() == 10


# --- Closing and results ------------------------------------------------------------------


def test_results_are_withheld_below_three_entities(world: World):
    people = three_entities(world)[:2]
    round = answered_round(
        world.cluster, world.users["coordinator"], [(m, u, 4) for m, u in people]
    )
    page = world.client("observer").get(round.get_absolute_url()).content.decode()
    assert "Only 2 entities answered this round" in page
    assert "100 %" not in page and "Strong" not in page


def test_results_show_bands_and_comments_without_their_entity(world: World):
    people = three_entities(world)
    round = make_round(world.cluster, world.users["coordinator"])
    for (membership, user), value in zip(people, (1, 1, 2), strict=True):
        answer_all(
            round, user, membership, value, f"Said by {membership.actor.name}" if value == 2 else ""
        )
    close(round)
    page = world.client("observer").get(round.get_absolute_url()).content.decode()
    assert "Weak" in page and "25 %" in page
    assert "Said by Tenants Union" in page  # the comment itself...
    results = round_results(round)
    assert [line.band for line in results.effects] == ["weak"] * 5
    # ...but no table or list on the page pairs an entity with an answer.
    assert "Neighbours Association" not in page.split("Results", 1)[1].split("Questions", 1)[
        0
    ].replace("Said by Tenants Union", "")


def test_the_trend_compares_with_the_round_before(world: World):
    people = three_entities(world)
    answered_round(
        world.cluster,
        world.users["coordinator"],
        [(m, u, 2) for m, u in people],
        year=2025,
        opened_days_ago=400,
    )
    latest = answered_round(
        world.cluster, world.users["coordinator"], [(m, u, 3) for m, u in people]
    )
    results = round_results(latest)
    impact = next(line for line in results.effects if line.key == "impact")
    assert (impact.previous, impact.score, impact.trend) == (50, 75, "up")
    page = (
        world.client("member")
        .get(reverse("health:health", args=[world.cluster.slug]))
        .content.decode()
    )
    assert "Since 2025" in page and "Up" in page


def test_the_beat_task_closes_due_rounds_once(world: World, time_machine):
    round = make_round(world.cluster, world.users["coordinator"])
    assert close_due_rounds.delay().get() == 0
    time_machine.move_to(round.closes_at + timedelta(minutes=1))
    # This round and the other cluster's, which closes on the same day.
    assert close_due_rounds.delay().get() == 2
    assert close_due_rounds.delay().get() == 0
    round.refresh_from_db()
    assert round.is_closed
    assert world.cluster.audit.filter(action=AuditEntry.Action.SURVEY_ROUND_CLOSED).count() == 1


def test_the_reminder_goes_once_to_entities_that_have_not_answered(world: World, time_machine):
    round = make_round(world.cluster, world.users["coordinator"])
    answer_all(round, world.users["coordinator"], lead_membership(world), 3)
    mail.outbox.clear()
    assert remind_closing_rounds.delay().get() == 0  # ten days left
    time_machine.move_to(round.closes_at - timedelta(days=2))
    # The member entity's two people, and the other cluster's silent lead (its round too).
    assert remind_closing_rounds.delay().get() == 3
    assert sorted(m.to[0] for m in mail.outbox) == [
        "member@example.org",
        "outsider@example.org",
        "representative@example.org",
    ]
    assert "&quot;" not in mail.outbox[0].body and "&#x27;" not in mail.outbox[0].body
    assert notifications.remind_closing() == 0


# --- Action plan ---------------------------------------------------------------------------


def test_the_plan_answers_weak_effects_and_the_next_round_shows_it(world: World):
    people = three_entities(world)
    first = answered_round(
        world.cluster,
        world.users["coordinator"],
        [(m, u, 1) for m, u in people],
        year=2025,
        opened_days_ago=400,
    )
    client = world.client("coordinator")
    url = reverse("health:plan-add", args=[world.cluster.slug, first.pk])
    client.post(
        url,
        {
            "effect": "coordination",
            "what": "Monthly territory tables",
            "lead": people[1][0].pk,
            "due": days(60).isoformat(),
        },
    )
    action = PlanAction.objects.get()
    follow = reverse("health:plan-follow-up", args=[world.cluster.slug, first.pk, action.pk])
    client.post(follow, {"status": "done", "due": days(60).isoformat(), "note": "Six tables held"})
    action.refresh_from_db()
    assert action.status == "done" and action.note == "Six tables held"
    second = answered_round(
        world.cluster, world.users["coordinator"], [(m, u, 3) for m, u in people]
    )
    page = client.get(second.get_absolute_url()).content.decode()
    assert (
        "What was done after 2025" in page
        and "Monthly territory tables" in page
        and "Six tables held" in page
    )


def test_a_strong_effect_gets_no_plan_action(world: World):
    people = three_entities(world)
    round = answered_round(
        world.cluster, world.users["coordinator"], [(m, u, 4) for m, u in people]
    )
    with pytest.raises(DomainError, match="weak or unsatisfactory"):
        services.plan_action_add(
            round=round,
            by=world.users["coordinator"],
            effect="impact",
            what="More",
            lead=people[0][0],
            due=days(30),
        )
    assert not PlanAction.objects.exists()


def test_a_plan_lead_of_another_cluster_is_refused(world: World):
    people = three_entities(world)
    round = answered_round(
        world.cluster, world.users["coordinator"], [(m, u, 1) for m, u in people]
    )
    stranger = world.other_cluster.memberships.first()
    response = world.client("coordinator").post(
        reverse("health:plan-add", args=[world.cluster.slug, round.pk]),
        {"effect": "impact", "what": "More", "lead": stranger.pk, "due": days(30).isoformat()},
        follow=True,
    )
    assert response.status_code == 200
    assert not PlanAction.objects.exists()
