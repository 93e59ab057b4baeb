"""A survey round on the five effects, from its preparation to its results, in a real
browser.

The coordinator prepares a round from the health page, adds a question of the cluster's
own and opens it; the representatives of two member entities answer it by clicking the
answers' labels, one with a comment, and one of them comes back and changes an answer
(the page says it was answered, and saving replaces it); the lead entity and the
coordinator answer too (through the services, as the pages do), so that three entities
have answered and results show. Once its closing date has passed the round closes, and
the health page and the round's page show the bands in words, the coordinator's view, the
effects chart with its title, and the comment without its entity. The health page is
looked at in Catalan too, and the answer form on a phone 390 px wide.

Every page is checked by axe-core and photographed in /tmp/e2e-shots/health-*.png.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from health import services
from health.models import Question, Response, SurveyRound
from health.scales import Effect
from tests.conftest import World
from tests.e2e.conftest import skip_without_chromium
from tests.e2e.pages import log_in, log_out, status_messages, submit, t
from tests.factories import ActorFactory, ActorUserFactory, MembershipFactory, UserFactory

skip_without_chromium()

pytestmark = pytest.mark.e2e

LANGUAGE = "en"
PHONE = {"width": 390, "height": 844}
OWN_QUESTION = "We know whom to call in each other entity when a case needs it."
COMMENT = "We met the tenants' lawyers twice this year thanks to the cluster."

# The answer every entity gives to the questions of each effect (the core functions get
# 3): the medians come out in each of the four bands, one per effect.
VALUE_BY_EFFECT = {
    Effect.IMPACT: 4,  # 100 %: strong
    Effect.INNOVATION: 3,  # 75 %: satisfactory
    Effect.INITIATIVES: 2,  # 50 %: unsatisfactory
    Effect.OPPORTUNISM: 1,  # 25 %: weak
    Effect.COORDINATION: 3,
}


def value_for(question: Question) -> int:
    return VALUE_BY_EFFECT.get(question.effect, 3)


def page_overflow(page: Page) -> int:
    return page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")


def tenants_union(world: World):
    """A third voting entity with its representative, so that three entities answer."""
    actor = ActorFactory(name="Tenants Union")
    person = UserFactory(email="tenants@example.org")
    ActorUserFactory(user=person, actor=actor, role="representative")
    return MembershipFactory(cluster=world.cluster, actor=actor), person


def answer_in_the_form(page: Page, round: SurveyRound, value_of, comments: dict[int, str]):
    """Click the label of the chosen answer to each question, as a person would, and
    write the comments (opening their disclosure)."""
    with translation.override(LANGUAGE):
        questions = [(q.pk, dict(q.choices)[value_of(q)]) for q in partner_questions(round)]
    for pk, label in questions:
        fieldset = page.locator("fieldset.survey-question").filter(
            has=page.locator(f"input[name='q{pk}']")
        )
        fieldset.locator("label.scale-choice").filter(
            has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")
        ).click()
        expect(fieldset.get_by_label(label, exact=True)).to_be_checked()
        if pk in comments:
            fieldset.locator("summary").click()
            fieldset.locator(f"textarea[name='c{pk}']").fill(comments[pk])


def partner_questions(round: SurveyRound) -> list[Question]:
    return list(round.questions.filter(audience=Question.Audience.PARTNERS))


def test_a_round_is_prepared_answered_closed_and_its_results_shown(
    world: World, live_server, new_page, visits, shot
):
    base = live_server.url
    health = f"{base}{reverse('health:health', args=[world.cluster.slug])}"
    tenants, tenants_person = tenants_union(world)

    # The coordinator prepares the round from the health page.
    coordinator = new_page(LANGUAGE)
    log_in(coordinator, base, "coordinator@example.org", LANGUAGE, visits.check)
    coordinator.goto(health)
    expect(coordinator.locator("main")).to_contain_text(t(LANGUAGE, "No survey round yet."))
    shot(coordinator, "health-01-empty")
    coordinator.get_by_role("link", name=t(LANGUAGE, "New survey round")).click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(
        t(LANGUAGE, "New survey round")
    )
    shot(coordinator, "health-02-round-form")
    submit(coordinator, coordinator.get_by_role("button", name=t(LANGUAGE, "Prepare the round")))
    expect(status_messages(coordinator)).to_have_text(
        t(LANGUAGE, "The round is ready: add the cluster's own questions, then open it.")
    )
    round = world.cluster.survey_rounds.get()
    assert round.is_draft
    shot(coordinator, "health-03-round-draft")

    # A question of the cluster's own, for the member entities.
    add = coordinator.locator(
        "details", has_text=t(LANGUAGE, "Add a question of the cluster's own")
    )
    add.locator("summary").click()
    add.get_by_label(t(LANGUAGE, "Member entities"), exact=True).check()
    add.get_by_label(t(LANGUAGE, "What it scores")).select_option("effect:coordination")
    add.get_by_label(t(LANGUAGE, "How much they agree"), exact=True).check()
    add.get_by_label(t(LANGUAGE, "Question in English")).fill(OWN_QUESTION)
    submit(coordinator, add.get_by_role("button", name=t(LANGUAGE, "Add the question")))
    expect(status_messages(coordinator)).to_have_text(t(LANGUAGE, "The question has been added."))
    expect(coordinator.locator("main")).to_contain_text(OWN_QUESTION)
    own = round.questions.get(text_en=OWN_QUESTION)
    submit(coordinator, coordinator.get_by_role("button", name=t(LANGUAGE, "Open the round")))
    expect(status_messages(coordinator)).to_have_text(
        t(LANGUAGE, "The round is open: the member entities can answer it.")
    )
    round.refresh_from_db()
    assert round.takes_answers()
    shot(coordinator, "health-04-round-open")

    # The Neighbours Association's representative answers, with a comment.
    member = new_page(LANGUAGE)
    log_in(member, base, "representative@example.org", LANGUAGE, visits.check)
    member.goto(health)
    shot(member, "health-05-member-health")
    member.get_by_role("link", name=t(LANGUAGE, "Answer the survey")).click()
    expect(member.get_by_role("heading", level=1)).to_have_text(
        "The survey, for Neighbours Association"
    )
    expect(member.locator("main")).to_contain_text(OWN_QUESTION)
    shot(member, "health-06-answer-form")
    answer_in_the_form(member, round, value_for, {own.pk: COMMENT})
    submit(member, member.get_by_role("button", name=t(LANGUAGE, "Save the answers")))
    expect(status_messages(member)).to_have_text(
        t(LANGUAGE, "Your answers have been saved. You can change them until the round closes.")
    )
    expect(member.locator("main")).to_contain_text(
        t(LANGUAGE, "Your entity has answered. You can change its answers until the round closes.")
    )
    shot(member, "health-07-member-answered")
    neighbours = Response.objects.get(round=round, membership=world.member_membership)
    assert neighbours.answers.get(question=own).comment == COMMENT

    # The Tenants Union's representative answers on a phone.
    tenant = new_page(LANGUAGE)
    tenant.set_viewport_size(PHONE)
    log_in(tenant, base, tenants_person.email, LANGUAGE, visits.check)
    tenant.goto(f"{base}{round.get_absolute_url()}")
    shot(tenant, "health-08-tenant-round-390")
    tenant.get_by_role("link", name=t(LANGUAGE, "Answer the survey")).click()
    expect(tenant.get_by_role("heading", level=1)).to_have_text("The survey, for Tenants Union")
    assert page_overflow(tenant) <= 0, "the answer form scrolls sideways on a phone"
    answer_in_the_form(tenant, round, value_for, {})
    shot(tenant, "health-09-answer-form-390")
    submit(tenant, tenant.get_by_role("button", name=t(LANGUAGE, "Save the answers")))
    expect(status_messages(tenant)).to_have_count(1)
    assert Response.objects.filter(round=round, membership=tenants).exists()

    # The Neighbours Association comes back and changes one answer: the page says it has
    # answered, shows its answers and comment, and saving replaces them.
    member.get_by_role("link", name=t(LANGUAGE, "Change our answers")).click()
    main = member.locator("main")
    expect(main).to_contain_text("saving again replaces these answers")
    changed = partner_questions(round)[0]
    fieldset = member.locator("fieldset.survey-question").filter(
        has=member.locator(f"input[name='q{changed.pk}']")
    )
    with translation.override(LANGUAGE):
        before, after = dict(changed.choices)[value_for(changed)], dict(changed.choices)[3]
    expect(fieldset.get_by_label(before, exact=True)).to_be_checked()
    expect(member.locator(f"textarea[name='c{own.pk}']")).to_have_value(COMMENT)
    shot(member, "health-10-answer-again")
    fieldset.locator("label.scale-choice").filter(
        has_text=re.compile(rf"^\s*{re.escape(after)}\s*$")
    ).click()
    submit(member, member.get_by_role("button", name=t(LANGUAGE, "Save the answers")))
    expect(status_messages(member)).to_have_count(1)
    assert Response.objects.filter(round=round, membership=world.member_membership).count() == 1
    neighbours.refresh_from_db()
    assert neighbours.answers.get(question=changed).value == 3
    assert neighbours.revisions.count() == 1
    log_out(member, LANGUAGE)

    # The lead entity and the coordinator answer as well (their pages are the same form).
    lead = world.cluster.memberships.get(actor=world.lead)
    by = world.users["coordinator"]
    services.response_save(
        round=round,
        by=by,
        membership=lead,
        answers={q.pk: (value_for(q), "") for q in partner_questions(round)},
    )
    services.response_save(
        round=round,
        by=by,
        membership=None,
        answers={
            q.pk: (2, "") for q in round.questions.filter(audience=Question.Audience.COORDINATOR)
        },
    )

    # The round's closing date passes; the beat task closes it.
    services.rounds_close_due(now=round.closes_at + timedelta(minutes=1))
    round.refresh_from_db()
    assert round.is_closed

    # The health page: the chart and the latest results, bands in words.
    coordinator.goto(health)
    main = coordinator.locator("main")
    survey = main.locator("section", has=coordinator.locator("#survey-title"))
    chart = survey.locator(".chart svg")
    expect(chart).to_be_visible()
    expect(chart.locator("title").first).to_have_text(
        t(LANGUAGE, "The five effects over the survey rounds")
    )
    expect(survey).to_contain_text("3 of 3 member entities answered.")
    effects = survey.locator("table").first
    expect(effects.locator("thead")).to_contain_text(t(LANGUAGE, "Coordinator's view"))
    for effect, band, score in [
        ("More impact", "Strong", "100 %"),
        ("Innovation", "Satisfactory", "75 %"),
        ("New initiatives", "Unsatisfactory", "50 %"),
        ("Less opportunism", "Weak", "25 %"),
    ]:
        row = effects.locator("tr", has=coordinator.get_by_role("rowheader", name=effect))
        expect(row).to_contain_text(band)
        expect(row.locator("td").first).to_contain_text(score)
        # The coordinator answered "2" to everything: 50 %.
        expect(row.locator("td").last).to_contain_text("50 %")
    shot(coordinator, "health-11-results")

    # The round's page: the results question by question, the comment without its entity.
    coordinator.get_by_role(
        "link", name=t(LANGUAGE, "Its questions, comments and action plan")
    ).click()
    expect(coordinator.get_by_role("heading", name=t(LANGUAGE, "Results"))).to_be_visible()
    results = coordinator.locator("section", has=coordinator.locator("#results-title"))
    expect(results).to_contain_text(t(LANGUAGE, "Coordinator's view"))
    expect(results).to_contain_text("Strong")
    expect(results).to_contain_text("Weak")
    comment = results.locator("ul.comments li", has_text=COMMENT)
    expect(comment).to_have_count(1)
    item = results.locator("ol.question-results > li", has_text=OWN_QUESTION)
    expect(item).to_contain_text(COMMENT)
    expect(item).not_to_contain_text("Neighbours Association")
    expect(results).not_to_contain_text("Neighbours Association")
    expect(results).not_to_contain_text("Tenants Union")
    shot(coordinator, "health-12-round-results")

    # The health page in Catalan.
    catalan = new_page("ca")
    log_in(catalan, base, "coordinator@example.org", "ca", visits.check)
    catalan.goto(health)
    expect(catalan.get_by_role("heading", level=1)).to_have_text(t("ca", "Cluster health"))
    expect(catalan.locator("main")).to_contain_text(t("ca", "Coordinator's view"))
    expect(catalan.locator("main")).to_contain_text(t("ca", "Strong"))
    expect(catalan.locator(".chart svg title").first).to_have_text(
        t("ca", "The five effects over the survey rounds")
    )
    shot(catalan, "health-13-results-ca")
