"""The permission matrix: every URL the project resolves, for the six people of the world.

The URL list comes from the resolver, so a page added later fails this test until it is
given its row here. Outsiders get 404 inside a cluster (a 403 would confirm the cluster
exists), members without the needed role get 403, anonymous people are sent to log in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from actors.models import ActorUser
from clusters.models import Invitation
from clusters.tokens import make_invitation_token
from tests.conftest import PEOPLE, World
from tests.factories import InvitationFactory, make_iati_ready

LOGIN = "login"  # expected: a redirect to the login page
# What each person must never see: the other cluster's data, or (for the outsider) ours.
OTHER_CLUSTER_SECRETS = (
    "Secret indicator",
    "Secret goal",
    "Secret other cluster",
    "secret-invitee@example.org",
    "Secret evictions issue",
    "Secret joint action",
    "Secret survey question",
    "Secret strategy",
    "Secret meeting",
)
SECRETS = {person: OTHER_CLUSTER_SECRETS for person in PEOPLE} | {
    "outsider": ("Housing rights cluster",)
}


def walk(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern, inner)
        elif pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def all_url_names() -> set[str]:
    return {name for name, _ in walk(get_resolver())}


@dataclass(frozen=True)
class Row:
    kwargs: Callable[[World], dict]
    expected: dict[str, int | str]
    method: str = "get"


def slug(w: World) -> dict:
    return {"slug": w.cluster.slug}


def iati_ready(w: World) -> dict:
    """The cluster's IATI file valid, not published: the coordinator's only."""
    make_iati_ready(w.cluster)
    return {"slug": w.cluster.slug}


def pending_invitation(w: World) -> dict:
    invitation = InvitationFactory(cluster=w.cluster, email="newcomer@example.org")
    return {"slug": w.cluster.slug, "pk": invitation.pk}


def invitation_token(w: World) -> dict:
    invitation = InvitationFactory(cluster=w.cluster, email="newcomer@example.org")
    return {"token": make_invitation_token(invitation)}


def representative_link(w: World) -> dict:
    link = w.member_actor.people.get(user=w.users["representative"])
    return {"slug": w.member_actor.slug, "pk": link.pk}


def person_invitation(w: World) -> dict:
    invitation = InvitationFactory(
        kind=Invitation.Kind.REPRESENTATIVE,
        cluster=None,
        actor=w.member_actor,
        actor_name="",
        actor_kind="",
        actor_role=ActorUser.Role.REPRESENTATIVE,
        email="colleague@example.org",
    )
    return {"slug": w.member_actor.slug, "pk": invitation.pk}


def everyone(status: int, anonymous: int | str = LOGIN) -> dict[str, int | str]:
    return {**{person: status for person in PEOPLE}, "anonymous": anonymous}


def cluster_rule(
    coordinator: int,
    member: int,
    observer: int,
    institution: int,
    representative: int | None = None,
) -> dict:
    return {
        "coordinator": coordinator,
        "member": member,
        "representative": member if representative is None else representative,
        "observer": observer,
        "institution": institution,
        "outsider": 404,
        "anonymous": LOGIN,
    }


def api_rule(coordinator: int, member: int, observer: int, institution: int) -> dict:
    """A cluster's API endpoint: as its pages, but without credentials a 401 (a program
    is not sent to a login page)."""
    return {**cluster_rule(coordinator, member, observer, institution), "anonymous": 401}


API_READER = api_rule(200, 200, 200, 403)
API_EVERYONE_INSIDE = api_rule(200, 200, 200, 200)


COORDINATOR_ONLY = cluster_rule(200, 403, 403, 403)
COORDINATOR_POST = cluster_rule(302, 403, 403, 403)


def issue(w: World) -> dict:
    return {"slug": w.cluster.slug, "pk": w.issue.pk}


def evidence(w: World) -> dict:
    return {**issue(w), "evidence_pk": w.evidence.pk}


READER = cluster_rule(200, 200, 200, 403)
EDITOR = cluster_rule(200, 200, 403, 403)
EDITOR_POST = cluster_rule(302, 302, 403, 403)


def indicator(w: World) -> dict:
    return {"slug": w.cluster.slug, "pk": w.indicator.pk}


def report_cell(w: World) -> dict:
    return {"slug": w.cluster.slug, "indicator_pk": w.indicator.pk, "period_pk": w.period.pk}


# Reporting is done by lead and member entities (the coordinator's lead entity too).
REPORTER = cluster_rule(200, 200, 403, 403)


def proposal(w: World) -> dict:
    return {"slug": w.cluster.slug, "pk": w.proposal.pk}


def member_api_token(w: World) -> dict:
    """The member's API token (made once per world)."""
    from accounts.models import ApiToken
    from accounts.services import api_token_create

    token = ApiToken.objects.filter(user=w.users["member"], name="Matrix").first()
    if token is None:
        token, _secret = api_token_create(user=w.users["member"], name="Matrix")
    return {"pk": token.pk}


def locked_period(w: World) -> dict:
    """A period of the quarter before the world's, locked (the world's own stays open)."""
    from datetime import date

    from django.utils import timezone

    period = w.cluster.periods.create(
        start=date(2026, 1, 1),
        end=date(2026, 3, 31),
        due=date(2026, 4, 30),
        locked_at=timezone.now(),
        locked_by=w.users["coordinator"],
    )
    return {"slug": w.cluster.slug, "pk": period.pk}


def published_report(w: World) -> dict:
    return {"slug": w.cluster.slug, "pk": w.published_report.pk}


def action(w: World) -> dict:
    return {"slug": w.cluster.slug, "pk": w.action.pk}


# Each maker of a survey round looks back on a year of its own: the pages that test every
# URL (tests/html_forms.py Paths) make several of them in one world, one round per year.
def survey_round(w: World, *, open: bool = True, year: int = 2026) -> dict:
    from tests.health.survey import make_round

    # Made once per world: some tests ask each row's URL again.
    round = w.cluster.survey_rounds.filter(year=year).first() or make_round(
        w.cluster, w.users["coordinator"], open=open, year=year
    )
    return {"slug": w.cluster.slug, "pk": round.pk}


def draft_round(w: World) -> dict:
    return survey_round(w, open=False, year=2027)


def own_question(w: World) -> dict:
    from health.services import question_add

    kwargs = survey_round(w, open=False, year=2028)
    round = w.cluster.survey_rounds.get(pk=kwargs["pk"])
    question = round.questions.filter(code="").first() or question_add(
        round=round,
        by=w.users["coordinator"],
        audience="partners",
        scale="frequency",
        effect="impact",
        text_en="Do we meet?",
    )
    return {**kwargs, "question": question.pk}


def plan_action(w: World) -> dict:
    """A closed round's action (made as the admin would: the round has no results here)."""
    from health.models import PlanAction
    from tests.health.survey import close

    kwargs = survey_round(w, year=2025)
    round = w.cluster.survey_rounds.get(pk=kwargs["pk"])
    round = round if round.is_closed else close(round)
    action = round.plan.first() or PlanAction.objects.create(
        round=round, effect="impact", what="Meet", lead=w.member_membership, due=w.period.end
    )
    return {**kwargs, "action": action.pk}


def coherence_strategy(w: World) -> dict:
    """The member entity's strategy, with a document and a negative score against the
    world's objective (made once per world)."""
    from django.core.files.base import ContentFile

    from coherence import services
    from coherence.models import Strategy

    strategy = Strategy.objects.filter(cluster=w.cluster, title="Tenants' housing plan").first()
    if strategy is None:
        strategy = services.strategy_create(
            membership=w.member_membership,
            by=w.users["member"],
            title="Tenants' housing plan",
            kind="strategic_plan",
            starts_on=w.period.start,
            territory="The district",
            summary="Organise every block.",
            upload=ContentFile(b"%PDF-1.4 plan", name="plan.pdf"),
            content_type="application/pdf",
        )
        services.score_set(
            strategy=strategy,
            objective=w.indicator.objective,
            membership=w.member_membership,
            by=w.users["member"],
            value=-1,
            reason="Its rent rules limit the alternatives",
        )
    return {"slug": w.cluster.slug, "pk": strategy.pk}


def coherence_score(w: World) -> dict:
    from coherence.models import Score

    kwargs = coherence_strategy(w)
    return {**kwargs, "pk": Score.objects.get(strategy_id=kwargs["pk"]).pk}


def coherence_entity(w: World) -> dict:
    return {"slug": w.cluster.slug, "pk": w.member_membership.pk}


def calendar_feed(w: World) -> dict:
    """The institution's feed: its secret is the only key, whoever holds it reads the feed
    (and the institution reads nothing of the cluster, so no page shows another's data)."""
    from accounts.models import User
    from accounts.services import calendar_feed_renew

    user = User.objects.get(pk=w.users["institution"].pk)
    token = user.calendar_token or ""
    # A secret the page tests overwrote with markup (tests/test_escaping.py) is made anew.
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        token = calendar_feed_renew(user=user)
    return {"token": token}


def meeting(w: World) -> dict:
    """A meeting to come, with an item on the agenda and one proposed by the member entity
    (made once per world; times to the minute, as its form gives them)."""
    from datetime import timedelta

    from django.utils import timezone

    from meetings import services

    found = w.cluster.meetings.filter(title="Neighbourhood assembly").first()
    if found is None:
        starts_at = (timezone.now() + timedelta(days=7)).replace(second=0, microsecond=0)
        found = services.meeting_schedule(
            cluster=w.cluster,
            by=w.users["coordinator"],
            title="Neighbourhood assembly",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            place="Civic centre",
            description="The year's first assembly.\nBring the figures.",
            agenda=["Housing fund"],
        )
        services.agenda_item_propose(
            meeting=found,
            by=w.users["member"],
            membership=w.member_membership,
            title="Rent caps",
            link=w.proposal,
        )
    return {"slug": w.cluster.slug, "pk": found.pk}


def meeting_item(w: World) -> dict:
    kwargs = meeting(w)
    item = w.cluster.meetings.get(pk=kwargs["pk"]).items.get(title="Rent caps")
    return {**kwargs, "item": item.pk}


def held_meeting(w: World) -> dict:
    """A meeting that began an hour ago, not closed yet."""
    from datetime import timedelta

    from django.utils import timezone

    from meetings import services

    found = w.cluster.meetings.filter(title="Assembly under way").first()
    if found is None:
        starts_at = (timezone.now() - timedelta(hours=1)).replace(second=0, microsecond=0)
        found = services.meeting_schedule(
            cluster=w.cluster,
            by=w.users["coordinator"],
            title="Assembly under way",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            video_url="https://meet.example.org/assembly",
            agenda=["Evictions this month"],
        )
    return {"slug": w.cluster.slug, "pk": found.pk}


def closed_meeting(w: World) -> dict:
    """A meeting held yesterday and closed: its minutes a draft the entities may object to."""
    from datetime import timedelta

    from django.utils import timezone

    from meetings import services

    found = w.cluster.meetings.filter(title="Assembly held").first()
    if found is None:
        starts_at = (timezone.now() - timedelta(days=1)).replace(second=0, microsecond=0)
        found = services.meeting_schedule(
            cluster=w.cluster,
            by=w.users["coordinator"],
            title="Assembly held",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            place="Civic centre",
            agenda=["Rents"],
        )
        item = found.items.get()
        found = services.meeting_close(
            meeting=found,
            by=w.users["coordinator"],
            attended=[(w.member_membership, w.users["member"])],
            others=2,
            minutes={item.pk: "Rents rose 8%."},
            tasks=[
                services.Task(
                    "Send the rent figures",
                    w.member_membership,
                    timezone.localdate() + timedelta(days=7),
                )
            ],
        )
    return {"slug": w.cluster.slug, "pk": found.pk}


def meeting_task(w: World) -> dict:
    """The closed meeting's follow-up task for the member entity (made once per world)."""
    kwargs = closed_meeting(w)
    task = w.cluster.meetings.get(pk=kwargs["pk"]).tasks.get()
    return {**kwargs, "task": task.pk}


MATRIX: dict[str, Row] = {
    "home": Row(lambda w: {}, everyone(200)),
    "health": Row(lambda w: {}, everyone(200, anonymous=200)),
    "set_language": Row(lambda w: {}, everyone(302, anonymous=302), method="post"),
    "preferences": Row(lambda w: {}, everyone(200)),
    # A person's own data: their download, and the page that deletes their account (it
    # opens for everybody, and says why it cannot be done yet where it cannot).
    "personal-data": Row(lambda w: {}, everyone(200)),
    "account-delete": Row(lambda w: {}, everyone(200)),
    "privacy": Row(lambda w: {}, everyone(200, anonymous=200)),
    "actors:directory": Row(lambda w: {}, everyone(200)),
    "actors:detail": Row(lambda w: {"slug": w.outsider_actor.slug}, everyone(200)),
    "actors:edit": Row(
        lambda w: {"slug": w.member_actor.slug},
        {**everyone(403), "member": 200},
    ),
    # For administrators of an entity (it becomes the lead).
    "clusters:create": Row(lambda w: {}, {**everyone(200), "representative": 403}),
    "clusters:invitation-accept": Row(invitation_token, everyone(403, anonymous=200)),
    "clusters:invitation-logout": Row(
        invitation_token, everyone(302, anonymous=302), method="post"
    ),
    "clusters:overview": Row(slug, cluster_rule(200, 200, 200, 200)),
    "clusters:edit": Row(slug, COORDINATOR_ONLY),
    "clusters:members": Row(slug, COORDINATOR_ONLY),
    # An empty invitation form is refused with 400 and the form errors.
    "clusters:invitation-create": Row(slug, cluster_rule(400, 403, 403, 403), method="post"),
    "clusters:membership-role": Row(
        lambda w: {"slug": w.cluster.slug, "pk": w.member_membership.pk},
        COORDINATOR_POST,
        method="post",
    ),
    # The page that says what handing over the lead changes; its form does it.
    "clusters:lead-handover": Row(
        lambda w: {"slug": w.cluster.slug, "pk": w.member_membership.pk}, COORDINATOR_ONLY
    ),
    "clusters:membership-remove": Row(
        lambda w: {"slug": w.cluster.slug, "pk": w.observer_membership.pk},
        COORDINATOR_POST,
        method="post",
    ),
    "clusters:coordinator-invite": Row(slug, cluster_rule(400, 403, 403, 403), method="post"),
    "clusters:invitation-import": Row(slug, COORDINATOR_ONLY),
    "clusters:invitation-import-template": Row(
        lambda w: {"slug": w.cluster.slug, "fmt": "xlsx"}, COORDINATOR_ONLY
    ),
    # An entity's people: for its administrators only (the member is the one of its entity).
    "clusters:entity-person-invite": Row(
        lambda w: {"slug": w.member_actor.slug}, {**everyone(403), "member": 200}
    ),
    "clusters:entity-person-remove": Row(representative_link, {**everyone(403), "member": 200}),
    "clusters:entity-invitation-resend": Row(
        person_invitation, {**everyone(403), "member": 302}, method="post"
    ),
    "clusters:entity-invitation-revoke": Row(
        person_invitation, {**everyone(403), "member": 302}, method="post"
    ),
    "clusters:invitation-resend": Row(pending_invitation, COORDINATOR_POST, method="post"),
    "clusters:invitation-revoke": Row(pending_invitation, COORDINATOR_POST, method="post"),
    "rights:catalogue": Row(lambda w: {}, everyone(200)),
    "rights:right-detail": Row(lambda w: {"code": "ICESCR-11"}, everyone(200)),
    "rights:issue-list": Row(slug, READER),
    "rights:export-csv": Row(slug, READER),
    "rights:issue-create": Row(slug, EDITOR),
    "rights:issue-detail": Row(issue, READER),
    "rights:issue-edit": Row(issue, EDITOR),
    "rights:issue-part": Row(lambda w: {**issue(w), "part": "causes"}, EDITOR),
    "rights:issue-gender": Row(issue, EDITOR),
    "rights:evidence-add": Row(issue, EDITOR_POST, method="post"),
    "rights:evidence-download": Row(evidence, READER),
    "rights:evidence-delete": Row(evidence, EDITOR_POST, method="post"),
    "rights:issue-validate": Row(issue, COORDINATOR_POST, method="post"),
    "rights:issue-new-version": Row(issue, EDITOR_POST, method="post"),
    "indicators:objective-list": Row(slug, READER),
    "indicators:objective-create": Row(slug, COORDINATOR_ONLY),
    "indicators:objective-edit": Row(
        lambda w: {"slug": w.cluster.slug, "pk": w.indicator.objective_id}, COORDINATOR_ONLY
    ),
    "indicators:indicator-create": Row(slug, COORDINATOR_ONLY),
    "indicators:indicator-detail": Row(indicator, READER),
    "indicators:indicator-edit": Row(indicator, COORDINATOR_ONLY),
    "indicators:reporting": Row(slug, REPORTER),
    "indicators:import": Row(slug, REPORTER),
    "indicators:import-template": Row(slug, REPORTER),
    "indicators:report-edit": Row(report_cell, REPORTER),
    "indicators:validation-queue": Row(slug, COORDINATOR_ONLY),
    "indicators:report-validate": Row(
        lambda w: {"slug": w.cluster.slug, "pk": w.report.pk}, COORDINATOR_POST, method="post"
    ),
    "indicators:report-return": Row(
        lambda w: {"slug": w.cluster.slug, "pk": w.report.pk}, COORDINATOR_POST, method="post"
    ),
    "indicators:period-list": Row(slug, READER),
    # The page that says what locking does; its form locks (the audit coverage posts it).
    "indicators:period-lock": Row(
        lambda w: {"slug": w.cluster.slug, "pk": w.period.pk}, COORDINATOR_ONLY
    ),
    "indicators:period-reopen": Row(locked_period, COORDINATOR_ONLY),
    "indicators:export-csv": Row(slug, READER),
    "indicators:export-xlsx": Row(slug, READER),
    "planning:proposal-list": Row(slug, READER),
    "planning:proposal-create": Row(slug, REPORTER),
    "planning:proposal-detail": Row(proposal, READER),
    # Only the proposing entity edits, and only a draft: the world's proposal is open.
    "planning:proposal-edit": Row(proposal, cluster_rule(403, 403, 403, 403)),
    # Only the proposing entity submits (the world's proposal is already open: a message).
    "planning:proposal-submit": Row(proposal, cluster_rule(403, 302, 403, 403), method="post"),
    # Only the proposing entity withdraws it (the world's proposal is open: it may).
    "planning:proposal-withdraw": Row(proposal, cluster_rule(403, 302, 403, 403), method="post"),
    "planning:proposal-open": Row(proposal, COORDINATOR_POST, method="post"),
    "planning:proposal-send-back": Row(proposal, COORDINATOR_POST, method="post"),
    "planning:stance-take": Row(proposal, EDITOR_POST, method="post"),
    "planning:comment-add": Row(proposal, EDITOR_POST, method="post"),
    # No such comment on the proposal: 404 for whoever may comment.
    "planning:comment-edit": Row(
        lambda w: {**proposal(w), "comment_pk": 999999},
        cluster_rule(404, 404, 403, 403),
        method="post",
    ),
    # The decide form shows the outcome it would record, and writes nothing.
    "planning:proposal-decide-preview": Row(
        proposal, cluster_rule(200, 403, 403, 403), method="post"
    ),
    "planning:proposal-decide": Row(proposal, COORDINATOR_POST, method="post"),
    "planning:proposal-second-round": Row(proposal, COORDINATOR_POST, method="post"),
    "planning:action-list": Row(slug, READER),
    "planning:action-detail": Row(action, READER),
    "planning:action-create": Row(slug, COORDINATOR_ONLY),
    "planning:action-edit": Row(action, COORDINATOR_ONLY),
    # An empty form is refused with a message and a redirect back to the action.
    "planning:contribution-add": Row(action, EDITOR_POST, method="post"),
    # The member entity leads the world's action and gave its contribution; its
    # representative may remove it like the coordinator.
    "planning:contribution-remove": Row(
        lambda w: {**action(w), "contribution_pk": w.contribution.pk},
        EDITOR_POST,
        method="post",
    ),
    "planning:update-add": Row(action, EDITOR_POST, method="post"),
    "planning:who-does-what": Row(slug, READER),
    "planning:who-does-what-csv": Row(slug, READER),
    "planning:gaps-and-overlaps": Row(slug, READER),
    "health:health": Row(slug, READER),
    "health:round-create": Row(slug, COORDINATOR_ONLY),
    "health:round-detail": Row(survey_round, READER),
    "health:round-open": Row(draft_round, COORDINATOR_POST, method="post"),
    # An empty form is refused with a message and a redirect back to the round.
    "health:round-reschedule": Row(survey_round, COORDINATOR_POST, method="post"),
    "health:question-add": Row(draft_round, COORDINATOR_POST, method="post"),
    "health:question-remove": Row(own_question, COORDINATOR_POST, method="post"),
    # Each lead or member entity answers for itself (the coordinator for its lead entity).
    "health:answer": Row(survey_round, REPORTER),
    "health:answer-coordinator": Row(survey_round, COORDINATOR_ONLY),
    "health:plan-add": Row(survey_round, COORDINATOR_POST, method="post"),
    "health:plan-follow-up": Row(plan_action, COORDINATOR_POST, method="post"),
    "coherence:coherence": Row(slug, READER),
    "coherence:entity": Row(coherence_entity, READER),
    # Each lead or member entity records its own strategies (the coordinator its lead's).
    "coherence:strategy-create": Row(slug, REPORTER),
    "coherence:strategy-detail": Row(coherence_strategy, READER),
    "coherence:strategy-document": Row(coherence_strategy, READER),
    # Only the strategy's own entity changes and scores it: the coordinator acts for the
    # lead entity. An empty sheet leaves the scored objective without a score: refused.
    "coherence:strategy-edit": Row(coherence_strategy, cluster_rule(403, 200, 403, 403)),
    "coherence:strategy-score": Row(
        coherence_strategy, cluster_rule(403, 400, 403, 403), method="post"
    ),
    "coherence:score-detail": Row(coherence_score, READER),
    # Refused with a message: an empty comment, or the entity's own score.
    "coherence:score-question": Row(
        coherence_score, cluster_rule(302, 302, 403, 403), method="post"
    ),
    "meetings:list": Row(slug, READER),
    "meetings:schedule": Row(slug, COORDINATOR_ONLY),
    "meetings:detail": Row(meeting, READER),
    "meetings:edit": Row(meeting, COORDINATOR_ONLY),
    # Empty forms are refused with a message and a redirect back to the meeting.
    "meetings:cancel": Row(meeting, COORDINATOR_POST, method="post"),
    "meetings:item-add": Row(meeting, EDITOR_POST, method="post"),
    "meetings:item-answer": Row(meeting_item, COORDINATOR_POST, method="post"),
    # Each entity but institutions says who of its people will attend.
    "meetings:attendance": Row(meeting, cluster_rule(302, 302, 302, 403), method="post"),
    "meetings:close": Row(held_meeting, COORDINATOR_ONLY),
    # Lead and member entities object to draft minutes (an empty reason: a message).
    "meetings:object": Row(closed_meeting, cluster_rule(302, 302, 403, 403), method="post"),
    "meetings:ics": Row(meeting, READER),
    # Its entity's people and the coordinator mark it done; anyone else reading the meeting
    # is refused with a message (and an empty form too).
    "meetings:task-done": Row(meeting_task, cluster_rule(302, 302, 302, 403), method="post"),
    "reports:published": Row(lambda w: {}, everyone(200)),
    "reports:dashboard": Row(slug, COORDINATOR_ONLY),
    "reports:participation": Row(slug, COORDINATOR_ONLY),
    "reports:todo": Row(slug, REPORTER),
    "reports:list": Row(slug, cluster_rule(200, 200, 200, 200)),
    # An empty request is refused with the form's errors.
    "reports:request": Row(slug, cluster_rule(400, 403, 403, 403), method="post"),
    # The world's report is published: everyone inside reads and downloads it.
    "reports:detail": Row(published_report, cluster_rule(200, 200, 200, 200)),
    "reports:download": Row(published_report, cluster_rule(200, 200, 200, 200)),
    # Publishing it again is refused with a message (and a redirect to it).
    "reports:publish": Row(published_report, COORDINATOR_POST, method="post"),
    # A published report has not stalled: the coordinator's retry is refused with a message.
    "reports:retry": Row(published_report, COORDINATOR_POST, method="post"),
    # Until published, the open data page and the IATI file are the coordinator's
    # (tests/api/test_iati_views.py: everyone inside once published).
    "opendata:open-data": Row(iati_ready, COORDINATOR_ONLY),
    "opendata:iati": Row(iati_ready, COORDINATOR_ONLY),
    "opendata:iati-publish": Row(iati_ready, COORDINATOR_POST, method="post"),
    "opendata:iati-unpublish": Row(iati_ready, COORDINATOR_POST, method="post"),
    "clusters:audit-log": Row(slug, COORDINATOR_ONLY),
    "clusters:audit-export": Row(slug, COORDINATOR_ONLY),
    # Anyone inside may post; an entity not theirs (here: none given) is refused with a
    # message and a redirect back.
    "clusters:acting-for": Row(slug, cluster_rule(302, 302, 302, 302), method="post"),
    # For administrators of an entity that may leave (the lead hands over first).
    "clusters:leave": Row(slug, cluster_rule(403, 200, 200, 200, representative=403)),
    # The calendar: a cluster's for its readers, a person's own, and the private feed
    # (no login: the secret in its address is the key; an unknown one is 404, see
    # tests/meetings/test_feed.py). Renewing and revoking the secret are the person's own.
    "meetings:cluster-calendar": Row(slug, READER),
    "meetings:my-calendar": Row(lambda w: {}, everyone(200)),
    "meetings:feed": Row(calendar_feed, everyone(200, anonymous=200)),
    "meetings:feed-renew": Row(lambda w: {}, everyone(302), method="post"),
    "meetings:feed-revoke": Row(lambda w: {}, everyone(302), method="post"),
    # The JSON API (api/): the schema and its documentation describe the API, no data.
    "api:root": Row(lambda w: {}, everyone(200, anonymous=401)),
    "api:schema": Row(lambda w: {}, everyone(200, anonymous=200)),
    "api:docs": Row(lambda w: {}, everyone(200, anonymous=200)),
    # Each person's own clusters (the outsider's list has theirs only, not ours).
    "api:clusters": Row(lambda w: {}, everyone(200, anonymous=401)),
    "api:cluster-detail": Row(slug, API_EVERYONE_INSIDE),
    "api:members": Row(slug, API_READER),
    "api:objectives": Row(slug, API_READER),
    "api:indicators": Row(slug, API_READER),
    "api:indicator-detail": Row(indicator, API_READER),
    "api:periods": Row(slug, API_READER),
    "api:rights-issues": Row(slug, API_READER),
    "api:proposals": Row(slug, API_READER),
    "api:proposal-detail": Row(proposal, API_READER),
    "api:joint-actions": Row(slug, API_READER),
    # Published reports, as on the pages: institutions read them too.
    "api:reports": Row(slug, API_EVERYONE_INSIDE),
    "api:report-file": Row(published_report, API_EVERYONE_INSIDE),
    # The IATI file, as on its page: the coordinator's until published.
    "api:iati": Row(iati_ready, api_rule(200, 403, 403, 403)),
    # A person's own API tokens: created (an empty name is refused with the page again)
    # and revoked by their person only; another's token is not found.
    "api-token-create": Row(lambda w: {}, everyone(400), method="post"),
    "api-token-revoke": Row(member_api_token, {**everyone(404), "member": 302}, method="post"),
    # The API's one write (JSON only: the matrix's empty form post is a 415 once the
    # person may write): for representatives of lead and member entities. Anonymous is
    # a 401 for a program, not a redirect to a login page. tests/api/test_write.py has the
    # writes themselves.
    "api:measurement-report-create": Row(
        slug,
        {
            "coordinator": 415,  # who represents the lead entity too
            "member": 415,
            "representative": 415,
            "observer": 403,
            "institution": 403,
            "outsider": 404,
            "anonymous": 401,
        },
        method="post",
    ),
}

# Third-party URL sets with their own access rules, checked below as whole groups.
ADMIN_PREFIX = "admin:"
ALLAUTH_PREFIX = "account_"


def test_every_project_url_is_in_the_matrix():
    names = {n for n in all_url_names() if not n.startswith((ADMIN_PREFIX, ALLAUTH_PREFIX))}
    assert names - MATRIX.keys() == set(), "add these URLs to the permission matrix"
    assert MATRIX.keys() - names == set(), "these matrix rows name URLs that no longer exist"


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(world: World, name: str, person: str):
    row = MATRIX[name]
    url = reverse(name, kwargs=row.kwargs(world))
    response = getattr(world.client(person), row.method)(url)
    expected = row.expected[person]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == expected, f"{name} as {person}"
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    body = raw.decode(errors="replace")
    for secret in SECRETS[person]:
        assert secret not in body, f"{name} as {person} shows another cluster's data"


@pytest.mark.parametrize("person", PEOPLE)
def test_admin_is_for_staff_only(world: World, person: str):
    response = world.client(person).get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_admin_pages_open_for_staff(db, admin_client):
    for name in (
        "admin:index",
        "admin:clusters_cluster_changelist",
        "admin:actors_actor_changelist",
    ):
        assert admin_client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("person", PEOPLE)
def test_account_pages_never_fail(world: World, person: str):
    """allauth's own pages: each answers without a server error for everybody."""
    client = world.client(person)
    for name, pattern in walk(get_resolver()):
        if not name.startswith(ALLAUTH_PREFIX):
            continue
        kwargs = {key: "invalid-key" for key in pattern.pattern.regex.groupindex}
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code < 500, name


def test_signup_is_closed(db, client):
    response = client.get(reverse("account_signup"))
    assert response.templates[0].name == "account/signup_closed.html"
    assert b"password2" not in response.content
