"""Every write of the cluster's shared work leaves exactly one entry in its audit log.

Each URL that accepts a POST (the permission matrix's POST rows, and every form the pages
show) is here: either in WRITES, with a change it makes as a person would make it, or in
NOT_AUDITED, with the reason it is not in a cluster's log. A new form fails this test
until it is given its row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from clusters.models import AuditEntry, Invitation, Membership
from indicators.models import Indicator
from planning.models import Comment, Proposal
from reports.models import ReportJob
from rights.models import RightsIssue
from tests.conftest import World
from tests.factories import InvitationFactory, holder_group, write_gender_analysis
from tests.health.survey import answers_data, partner_answers, weak_round
from tests.html_forms import Paths, forms_on, project_forms, refused_with_a_message
from tests.test_permissions import (
    MATRIX,
    closed_meeting,
    coherence_score,
    coherence_strategy,
    held_meeting,
    iati_ready,
    locked_period,
    meeting,
    meeting_item,
    person_invitation,
    representative_link,
)

# Writes that are not a cluster's shared work, and where they are kept instead.
NOT_AUDITED = {
    "set_language": "the language a person reads in: theirs, not the cluster's",
    "preferences": "a person's own name, language and email choice",
    "account-delete": (
        "a person's own account, not a cluster's work; an entry naming the deletion would "
        "keep a trace of them in every cluster, and their entries stay, by the emptied account"
    ),
    # An entity is in several clusters or none: its profile and capacities are its own,
    # not any one cluster's work (actors/services.py says why in full).
    "actors:edit": "an entity's own profile and capacities, outside any cluster",
    "meetings:feed-renew": "a person's own calendar-feed secret, across all their clusters",
    "meetings:feed-revoke": "a person's own calendar-feed secret, across all their clusters",
    "api-token-create": "a person's own API key, across all their clusters",
    "api-token-revoke": "a person's own API key, across all their clusters",
    # Audited, by the one function that saves reports (REPORT_SUBMITTED): it takes JSON,
    # which the page forms this test posts are not; tests/api/test_write.py checks it.
    "api:measurement-report-create": "JSON: audited by report_save, see tests/api/test_write.py",
    "clusters:invitation-logout": "ends a session; changes nothing",
    "clusters:acting-for": "which of their entities a person acts for: a session preference",
    "planning:proposal-decide-preview": "shows the outcome a decision would record; the "
    "confirmation posts to planning:proposal-decide",
}


@dataclass(frozen=True)
class Write:
    """Who posts what to which URL, and the action the log must record."""

    person: str
    action: str
    post: Callable[[World], tuple[str, dict]]


def page_form(world: World, person: str, page: str, url_name: str, /, **values) -> tuple[str, dict]:
    """Where the form of ``url_name`` that ``page`` shows the person posts to, and what the
    browser sends with ``values`` typed in (a value may be a function of the world)."""
    response = world.client(person).get(page)
    form = next(f for f in forms_on(response.content.decode(), "", page) if f.url_name == url_name)
    data = form.submission()
    for name, value in values.items():
        value = value(world) if callable(value) else value
        data[name] = value if isinstance(value, list) else [value]
    return form.action, data


def slug_url(name: str) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[w.cluster.slug])


def on_page(
    person: str, url_name: str, page: Callable[[World], str], **values
) -> Callable[[World], tuple[str, dict]]:
    """Post the form of ``url_name`` as ``page`` shows it to the person, with ``values``
    typed in (a value may be a function of the world)."""

    def post(w: World) -> tuple[str, dict]:
        return page_form(w, person, page(w), url_name, **values)

    return post


def form_post(
    person: str, url_name: str, page: Callable[[World], str] | None = None, **values
) -> Callable[[World], tuple[str, dict]]:
    """Post the form of ``url_name`` (of the cluster) from its own page or ``page``."""
    return on_page(person, url_name, page or slug_url(url_name), **values)


def pending_invitation(w: World) -> Invitation:
    invitation = InvitationFactory(cluster=w.cluster, email="newcomer@example.org")
    # Sent long enough ago for a resend to be allowed.
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now() - timedelta(days=1))
    return invitation


def outsider_invited(w: World) -> tuple[str, dict]:
    invitation = InvitationFactory(
        cluster=w.cluster, email="outsider@example.org", actor=w.outsider_actor, actor_name=""
    )
    from clusters.tokens import make_invitation_token

    return reverse("clusters:invitation-accept", args=[make_invitation_token(invitation)]), {}


def health_round(w: World, *, open: bool = True):
    from tests.health.survey import make_round

    return make_round(w.cluster, w.users["coordinator"], open=open)


def health_url(name: str, round, **extra) -> str:
    return reverse(name, kwargs={"slug": round.cluster.slug, "pk": round.pk, **extra})


def own_question_removal(w: World) -> tuple[str, dict]:
    from health.services import question_add

    round = health_round(w, open=False)
    question = question_add(
        round=round,
        by=w.users["coordinator"],
        audience="partners",
        scale="agreement",
        function="advocacy",
        text_en="Are we heard?",
    )
    return health_url("health:question-remove", round, question=question.pk), {}


def plan_follow_up(w: World) -> tuple[str, dict]:
    from health.services import plan_action_add

    round = weak_round(w)
    plan_action_add(
        round=round,
        by=w.users["coordinator"],
        effect="impact",
        what="Joint visits",
        lead=w.member_membership,
        due=w.period.end,
    )
    return page_form(
        w,
        "coordinator",
        round.get_absolute_url(),
        "health:plan-follow-up",
        status="in_progress",
        note="Two visits done",
    )


def complete_issue(w: World) -> RightsIssue:
    from rights.models import Cause, Consequence, DutyBearer

    issue = w.issue
    consequence = Consequence.objects.create(issue=issue, description="Overcrowding")
    cause = Cause.objects.create(issue=issue, level="immediate", description="Arrears")
    cause.consequences.add(consequence)
    holder_group(issue)
    DutyBearer.objects.create(issue=issue, outside_body="City council", obligation="fulfil")
    write_gender_analysis(issue)
    return issue


def validated_issue(w: World) -> RightsIssue:
    from rights import services

    return services.rights_issue_validate(issue=complete_issue(w), by=w.users["coordinator"])


def issue_url(name: str, issue: Callable[[World], RightsIssue] = lambda w: w.issue, **extra):
    return lambda w: reverse(name, kwargs={"slug": w.cluster.slug, "pk": issue(w).pk, **extra})


def on_issue(url_name: str, person: str, issue=lambda w: w.issue, page=None, **values):
    def post(w: World) -> tuple[str, dict]:
        if page is None:
            return issue_url(url_name, issue)(w), values
        return page_form(w, person, page(w), url_name, **values)

    return post


def draft_proposal(w: World, submitted: bool = False) -> Proposal:
    from planning import proposal_services as services

    proposal = services.proposal_create(
        membership=w.member_membership,
        by=w.users["member"],
        title="Tenants' union in every block",
        description="Organised tenants negotiate better",
    )
    if submitted:
        services.proposal_submit(proposal=proposal, by=w.users["member"])
    return proposal


def proposal_post(url_name: str, proposal: Callable[[World], Proposal], **values):
    def post(w: World) -> tuple[str, dict]:
        return reverse(url_name, args=[w.cluster.slug, proposal(w).pk]), values

    return post


def own_comment(w: World) -> Comment:
    from planning import proposal_services as services

    return services.comment_add(
        proposal=w.proposal, membership=w.member_membership, by=w.users["member"], body="First"
    )


def blocked_proposal(w: World) -> Proposal:
    """Decided after a block, under the rule that then allows a second round."""
    from planning import proposal_services as services

    w.cluster.decision_rule = "consensus_then_majority"
    w.cluster.save()
    lead = w.cluster.memberships.get(role="lead")
    coordinator = w.users["coordinator"]
    services.stance_take(
        proposal=w.proposal, membership=lead, by=coordinator, position="block", reason="Not now"
    )
    services.proposal_decide(proposal=w.proposal, by=coordinator)
    return w.proposal


def second_indicator(w: World) -> Indicator:
    return Indicator.objects.create(
        cluster=w.cluster,
        objective=w.indicator.objective,
        code="I2",
        name="Hearings attended",
        type="process",
        measure="number",
        direction="increase",
        aggregation="sum",
        data_source="administrative",
    )


def period_to_lock(w: World):
    """The world's period, its submitted report validated: nothing waits any more."""
    from indicators import services

    services.report_validate(report=w.report, by=w.users["coordinator"])
    return w.period


def import_file(w: World) -> tuple[str, dict]:
    """A spreadsheet of one value for the second indicator in the current period."""
    indicator = second_indicator(w)
    rows = [
        "indicator,period,cell,value,text,comment",
        f"{indicator.code},{w.period.start.isoformat()},,7,,From the court records",
    ]
    upload = SimpleUploadedFile("values.csv", "\r\n".join(rows).encode())
    return reverse("indicators:import", args=[w.cluster.slug]), {"file": upload}


def finished_report(w: World) -> ReportJob:
    job = ReportJob.objects.create(
        cluster=w.cluster, kind=ReportJob.Kind.DOSSIER, language="en", status="done", progress=100
    )
    job.file.save("dossier.pdf", ContentFile(b"%PDF-1.4 dossier"), save=True)
    return job


def stalled_report(w: World) -> ReportJob:
    """A report whose worker was lost mid-render: running, silent for an hour."""
    an_hour_ago = timezone.now() - timedelta(hours=1)
    return ReportJob.objects.create(
        cluster=w.cluster,
        kind=ReportJob.Kind.DOSSIER,
        language="en",
        status="running",
        progress=30,
        started_at=an_hour_ago,
        heartbeat_at=an_hour_ago,
    )


def iati_published(w: World) -> dict:
    """The cluster's IATI file valid and published, for its withdrawal."""
    from api import services

    kwargs = iati_ready(w)
    services.iati_publish(cluster=w.cluster, by=w.users["coordinator"])
    return kwargs


def at(name: str, kwargs: Callable[[World], dict], values: Callable[[World], dict] = lambda w: {}):
    return lambda w: (reverse(name, kwargs=kwargs(w)), values(w))


WRITES: dict[str, Write] = {
    "clusters:create": Write(
        "member",
        AuditEntry.Action.CLUSTER_CREATED,
        on_page(
            "member",
            "clusters:create",
            lambda w: reverse("clusters:create"),
            name="Water cluster",
            kind="social",
            common_goal="Water for every household",
        ),
    ),
    "clusters:edit": Write(
        "coordinator",
        AuditEntry.Action.CLUSTER_UPDATED,
        form_post("coordinator", "clusters:edit", name="Housing cluster"),
    ),
    "clusters:invitation-create": Write(
        "coordinator",
        AuditEntry.Action.INVITATION_SENT,
        form_post(
            "coordinator",
            "clusters:invitation-create",
            page=slug_url("clusters:members"),
            email="newcomer@example.org",
            actor_name="Tenants' Union",
            actor_kind="ngo",
        ),
    ),
    "clusters:coordinator-invite": Write(
        "coordinator",
        AuditEntry.Action.COORDINATOR_INVITED,
        form_post(
            "coordinator",
            "clusters:coordinator-invite",
            page=slug_url("clusters:members"),
            **{"person-email": "co-coordinator@example.org"},
        ),
    ),
    "clusters:invitation-import": Write(
        "coordinator",
        AuditEntry.Action.INVITATIONS_IMPORTED,
        lambda w: (
            reverse("clusters:invitation-import", args=[w.cluster.slug]),
            {
                "file": SimpleUploadedFile(
                    "entities.csv",
                    b"email,entity,kind,role,language\r\n"
                    b"union@example.org,Tenants' Union,ngo,member,ca\r\n",
                )
            },
        ),
    ),
    "clusters:entity-person-invite": Write(
        "member",
        AuditEntry.Action.REPRESENTATIVE_INVITED,
        on_page(
            "member",
            "clusters:entity-person-invite",
            lambda w: reverse("clusters:entity-person-invite", args=[w.member_actor.slug]),
            **{"person-email": "colleague@example.org"},
        ),
    ),
    "clusters:entity-person-remove": Write(
        "member",
        AuditEntry.Action.REPRESENTATIVE_REMOVED,
        on_page(
            "member",
            "clusters:entity-person-remove",
            lambda w: reverse("clusters:entity-person-remove", kwargs=representative_link(w)),
        ),
    ),
    "clusters:entity-invitation-resend": Write(
        "member",
        AuditEntry.Action.INVITATION_RESENT,
        at("clusters:entity-invitation-resend", person_invitation),
    ),
    "clusters:entity-invitation-revoke": Write(
        "member",
        AuditEntry.Action.INVITATION_REVOKED,
        at("clusters:entity-invitation-revoke", person_invitation),
    ),
    "clusters:membership-role": Write(
        "coordinator",
        AuditEntry.Action.MEMBER_ROLE_CHANGED,
        at(
            "clusters:membership-role",
            lambda w: {"slug": w.cluster.slug, "pk": w.member_membership.pk},
            lambda w: {"role": Membership.Role.OBSERVER},
        ),
    ),
    "clusters:lead-handover": Write(
        "coordinator",
        AuditEntry.Action.MEMBER_ROLE_CHANGED,
        form_post(
            "coordinator",
            "clusters:lead-handover",
            page=lambda w: reverse(
                "clusters:lead-handover", args=[w.cluster.slug, w.member_membership.pk]
            ),
        ),
    ),
    "clusters:membership-remove": Write(
        "coordinator",
        AuditEntry.Action.MEMBER_REMOVED,
        at(
            "clusters:membership-remove",
            lambda w: {"slug": w.cluster.slug, "pk": w.observer_membership.pk},
        ),
    ),
    "clusters:invitation-resend": Write(
        "coordinator",
        AuditEntry.Action.INVITATION_RESENT,
        at(
            "clusters:invitation-resend",
            lambda w: {"slug": w.cluster.slug, "pk": pending_invitation(w).pk},
        ),
    ),
    "clusters:invitation-revoke": Write(
        "coordinator",
        AuditEntry.Action.INVITATION_REVOKED,
        at(
            "clusters:invitation-revoke",
            lambda w: {"slug": w.cluster.slug, "pk": pending_invitation(w).pk},
        ),
    ),
    "clusters:invitation-accept": Write(
        "outsider", AuditEntry.Action.INVITATION_ACCEPTED, outsider_invited
    ),
    "clusters:leave": Write(
        "member",
        AuditEntry.Action.MEMBER_LEFT,
        lambda w: (
            reverse("clusters:leave", args=[w.cluster.slug]),
            {"membership": w.member_membership.pk},
        ),
    ),
    "rights:issue-create": Write(
        "member",
        AuditEntry.Action.RIGHTS_ISSUE_CREATED,
        on_page(
            "member",
            "rights:issue-create",
            slug_url("rights:issue-create"),
            title="Energy poverty",
            description="Households without heating",
            rights=lambda w: [str(w.issue.rights.first().pk)],
        ),
    ),
    "rights:issue-edit": Write(
        "member",
        AuditEntry.Action.RIGHTS_ISSUE_CHANGED,
        on_issue(
            "rights:issue-edit",
            "member",
            page=issue_url("rights:issue-edit"),
            title="Evictions in Nou Barris",
        ),
    ),
    "rights:issue-part": Write(
        "member",
        AuditEntry.Action.RIGHTS_ISSUE_CHANGED,
        on_page(
            "member",
            "rights:issue-part",
            issue_url("rights:issue-part", part="consequences"),
            **{"items-0-description": "Families split between relatives"},
        ),
    ),
    "rights:issue-gender": Write(
        "member",
        AuditEntry.Action.RIGHTS_ISSUE_CHANGED,
        on_page(
            "member",
            "rights:issue-gender",
            issue_url("rights:issue-gender"),
            gender_roles="Women do the care work and every appointment with social services.",
        ),
    ),
    "rights:evidence-add": Write(
        "member",
        AuditEntry.Action.EVIDENCE_ADDED,
        on_issue("rights:evidence-add", "member", title="Census", url="https://example.org/census"),
    ),
    "rights:evidence-delete": Write(
        "member",
        AuditEntry.Action.EVIDENCE_REMOVED,
        at(
            "rights:evidence-delete",
            lambda w: {"slug": w.cluster.slug, "pk": w.issue.pk, "evidence_pk": w.evidence.pk},
        ),
    ),
    "rights:issue-validate": Write(
        "coordinator",
        AuditEntry.Action.RIGHTS_ISSUE_VALIDATED,
        on_issue("rights:issue-validate", "coordinator", issue=complete_issue),
    ),
    "rights:issue-new-version": Write(
        "member",
        AuditEntry.Action.RIGHTS_ISSUE_NEW_VERSION,
        on_issue("rights:issue-new-version", "member", issue=validated_issue),
    ),
    "indicators:objective-create": Write(
        "coordinator",
        AuditEntry.Action.OBJECTIVE_CREATED,
        form_post(
            "coordinator",
            "indicators:objective-create",
            code="O2",
            statement="Every family advised",
        ),
    ),
    "indicators:objective-edit": Write(
        "coordinator",
        AuditEntry.Action.OBJECTIVE_CHANGED,
        on_page(
            "coordinator",
            "indicators:objective-edit",
            lambda w: reverse(
                "indicators:objective-edit", args=[w.cluster.slug, w.indicator.objective_id]
            ),
            statement="No eviction without a housing alternative",
        ),
    ),
    "indicators:indicator-create": Write(
        "coordinator",
        AuditEntry.Action.INDICATOR_CREATED,
        form_post(
            "coordinator",
            "indicators:indicator-create",
            objective=lambda w: str(w.indicator.objective_id),
            code="I9",
            name="Hearings attended",
            type="process",
            measure="number",
            direction="increase",
            aggregation="sum",
            data_source="administrative",
        ),
    ),
    "indicators:indicator-edit": Write(
        "coordinator",
        AuditEntry.Action.INDICATOR_CHANGED,
        on_page(
            "coordinator",
            "indicators:indicator-edit",
            lambda w: reverse("indicators:indicator-edit", args=[w.cluster.slug, w.indicator.pk]),
            name="Families given legal advice",
        ),
    ),
    "indicators:report-edit": Write(
        "member",
        AuditEntry.Action.REPORT_SAVED,
        on_page(
            "member",
            "indicators:report-edit",
            lambda w: reverse(
                "indicators:report-edit",
                args=[w.cluster.slug, second_indicator(w).pk, w.period.pk],
            ),
            total="7",
            save="",
        ),
    ),
    "indicators:import": Write("member", AuditEntry.Action.REPORTS_IMPORTED, import_file),
    "indicators:report-validate": Write(
        "coordinator",
        AuditEntry.Action.REPORT_VALIDATED,
        at("indicators:report-validate", lambda w: {"slug": w.cluster.slug, "pk": w.report.pk}),
    ),
    "indicators:report-return": Write(
        "coordinator",
        AuditEntry.Action.REPORT_RETURNED,
        at(
            "indicators:report-return",
            lambda w: {"slug": w.cluster.slug, "pk": w.report.pk},
            lambda w: {"reason": "The total does not match the hearings"},
        ),
    ),
    "indicators:period-lock": Write(
        "coordinator",
        AuditEntry.Action.PERIOD_LOCKED,
        at(
            "indicators:period-lock", lambda w: {"slug": w.cluster.slug, "pk": period_to_lock(w).pk}
        ),
    ),
    "indicators:period-reopen": Write(
        "coordinator",
        AuditEntry.Action.PERIOD_REOPENED,
        at(
            "indicators:period-reopen",
            lambda w: {"slug": w.cluster.slug, "pk": locked_period(w)["pk"]},
            lambda w: {"reason": "The women's shelter counted twice"},
        ),
    ),
    "planning:proposal-create": Write(
        "member",
        AuditEntry.Action.PROPOSAL_CREATED,
        form_post(
            "member",
            "planning:proposal-create",
            title="A shared lawyer",
            description="One lawyer for the cluster's families",
        ),
    ),
    "planning:proposal-edit": Write(
        "member",
        AuditEntry.Action.PROPOSAL_CHANGED,
        on_page(
            "member",
            "planning:proposal-edit",
            lambda w: reverse(
                "planning:proposal-edit", args=[w.cluster.slug, draft_proposal(w).pk]
            ),
            title="Tenants' unions",
        ),
    ),
    "planning:proposal-submit": Write(
        "member",
        AuditEntry.Action.PROPOSAL_SUBMITTED,
        proposal_post("planning:proposal-submit", draft_proposal),
    ),
    "planning:proposal-withdraw": Write(
        "member",
        AuditEntry.Action.PROPOSAL_WITHDRAWN,
        proposal_post("planning:proposal-withdraw", lambda w: w.proposal),
    ),
    "planning:proposal-open": Write(
        "coordinator",
        AuditEntry.Action.PROPOSAL_OPENED,
        proposal_post(
            "planning:proposal-open",
            lambda w: draft_proposal(w, submitted=True),
            closes_at=(timezone.localtime() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"),
        ),
    ),
    "planning:proposal-send-back": Write(
        "coordinator",
        AuditEntry.Action.PROPOSAL_SENT_BACK,
        proposal_post(
            "planning:proposal-send-back",
            lambda w: draft_proposal(w, submitted=True),
            reason="Add a budget",
        ),
    ),
    "planning:stance-take": Write(
        "member",
        AuditEntry.Action.STANCE_TAKEN,
        proposal_post(
            "planning:stance-take", lambda w: w.proposal, position="agree", reason="It helps"
        ),
    ),
    "planning:comment-add": Write(
        "member",
        AuditEntry.Action.COMMENT_ADDED,
        proposal_post("planning:comment-add", lambda w: w.proposal, body="Which families first?"),
    ),
    "planning:comment-edit": Write(
        "member",
        AuditEntry.Action.COMMENT_EDITED,
        lambda w: (
            reverse(
                "planning:comment-edit",
                kwargs={
                    "slug": w.cluster.slug,
                    "pk": w.proposal.pk,
                    "comment_pk": own_comment(w).pk,
                },
            ),
            {"body": "First, corrected"},
        ),
    ),
    "planning:proposal-decide": Write(
        "coordinator",
        AuditEntry.Action.DECISION_RECORDED,
        proposal_post(
            "planning:proposal-decide", lambda w: w.proposal, minutes="Decided in the meeting"
        ),
    ),
    "planning:proposal-second-round": Write(
        "coordinator",
        AuditEntry.Action.PROPOSAL_SECOND_ROUND,
        proposal_post(
            "planning:proposal-second-round",
            blocked_proposal,
            closes_at=(timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
        ),
    ),
    "planning:action-create": Write(
        "coordinator",
        AuditEntry.Action.ACTION_CREATED,
        on_page(
            "coordinator",
            "planning:action-create",
            slug_url("planning:action-create"),
            title="Eviction watch",
            description="Volunteers at every hearing",
            objective=lambda w: str(w.indicator.objective_id),
            lead=lambda w: str(w.member_membership.pk),
            territory="Sants",
            start=lambda w: timezone.localdate().isoformat(),
            end=lambda w: (timezone.localdate() + timedelta(days=90)).isoformat(),
            status="planned",
        ),
    ),
    "planning:action-edit": Write(
        "coordinator",
        AuditEntry.Action.ACTION_CHANGED,
        on_page(
            "coordinator",
            "planning:action-edit",
            lambda w: reverse("planning:action-edit", args=[w.cluster.slug, w.action.pk]),
            title="Legal advice at hearings",
        ),
    ),
    "planning:contribution-add": Write(
        "member",
        AuditEntry.Action.CONTRIBUTION_ADDED,
        lambda w: (
            reverse("planning:contribution-add", args=[w.cluster.slug, w.action.pk]),
            {
                "membership": w.member_membership.pk,
                "kind": "money",
                "amount": str(Decimal("300")),
                "description": "Court fees",
            },
        ),
    ),
    "planning:contribution-remove": Write(
        "coordinator",
        AuditEntry.Action.CONTRIBUTION_REMOVED,
        at(
            "planning:contribution-remove",
            lambda w: {
                "slug": w.cluster.slug,
                "pk": w.action.pk,
                "contribution_pk": w.contribution.pk,
            },
        ),
    ),
    "planning:update-add": Write(
        "member",
        AuditEntry.Action.ACTION_UPDATE_POSTED,
        lambda w: (
            reverse("planning:update-add", args=[w.cluster.slug, w.action.pk]),
            {"note": "Ten hearings this month", "progress": "55", "status": "in_progress"},
        ),
    ),
    "health:round-create": Write(
        "coordinator",
        AuditEntry.Action.SURVEY_ROUND_CREATED,
        form_post("coordinator", "health:round-create"),
    ),
    "health:round-open": Write(
        "coordinator",
        AuditEntry.Action.SURVEY_ROUND_OPENED,
        lambda w: (health_url("health:round-open", health_round(w, open=False)), {}),
    ),
    "health:round-reschedule": Write(
        "coordinator",
        AuditEntry.Action.SURVEY_ROUND_CHANGED,
        lambda w: page_form(
            w,
            "coordinator",
            health_round(w).get_absolute_url(),
            "health:round-reschedule",
            closes_at=(timezone.localtime() + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
        ),
    ),
    "health:question-add": Write(
        "coordinator",
        AuditEntry.Action.SURVEY_QUESTION_ADDED,
        lambda w: page_form(
            w,
            "coordinator",
            health_round(w, open=False).get_absolute_url(),
            "health:question-add",
            audience="partners",
            scores="effect:impact",
            scale="frequency",
            text_ca="Ens trobem prou sovint?",
        ),
    ),
    "health:question-remove": Write(
        "coordinator", AuditEntry.Action.SURVEY_QUESTION_REMOVED, lambda w: own_question_removal(w)
    ),
    "health:answer": Write(
        "member",
        AuditEntry.Action.SURVEY_ANSWERED,
        lambda w: (
            health_url("health:answer", round := health_round(w)),
            partner_answers(round, 3),
        ),
    ),
    "health:answer-coordinator": Write(
        "coordinator",
        AuditEntry.Action.SURVEY_ANSWERED,
        lambda w: (
            health_url("health:answer-coordinator", round := health_round(w)),
            answers_data(round, "coordinator", 2),
        ),
    ),
    "health:plan-add": Write(
        "coordinator",
        AuditEntry.Action.HEALTH_ACTION_ADDED,
        lambda w: page_form(
            w,
            "coordinator",
            weak_round(w).get_absolute_url(),
            "health:plan-add",
            effect="coordination",
            what="Monthly territory tables",
            lead=lambda w: str(w.member_membership.pk),
            due=lambda w: w.period.end.isoformat(),
        ),
    ),
    "health:plan-follow-up": Write(
        "coordinator",
        AuditEntry.Action.HEALTH_ACTION_CHANGED,
        lambda w: plan_follow_up(w),
    ),
    "coherence:strategy-create": Write(
        "member",
        AuditEntry.Action.STRATEGY_RECORDED,
        form_post(
            "member",
            "coherence:strategy-create",
            title="Social rent programme",
            kind="programme",
            starts_on="2026-01-01",
            territory="The district",
            summary="Flats at a social rent",
        ),
    ),
    "coherence:strategy-edit": Write(
        "member",
        AuditEntry.Action.STRATEGY_CHANGED,
        lambda w: page_form(
            w,
            "member",
            reverse("coherence:strategy-edit", kwargs=coherence_strategy(w)),
            "coherence:strategy-edit",
            territory="The whole city",
        ),
    ),
    "coherence:strategy-score": Write(
        "member",
        AuditEntry.Action.COHERENCE_SCORED,
        lambda w: page_form(
            w,
            "member",
            reverse("coherence:strategy-detail", kwargs=coherence_strategy(w)),
            "coherence:strategy-score",
            **{
                f"value_{w.indicator.objective_id}": "2",
                f"reason_{w.indicator.objective_id}": "It builds flats",
            },
        ),
    ),
    "coherence:score-question": Write(
        "coordinator",
        AuditEntry.Action.SCORE_QUESTIONED,
        lambda w: page_form(
            w,
            "coordinator",
            reverse("coherence:score-detail", kwargs=coherence_score(w)),
            "coherence:score-question",
            comment="The rent rules help the alternatives",
        ),
    ),
    "meetings:schedule": Write(
        "coordinator",
        AuditEntry.Action.MEETING_SCHEDULED,
        form_post(
            "coordinator",
            "meetings:schedule",
            title="Autumn assembly",
            starts_at="2026-10-25T10:00",
            ends_at="2026-10-25T12:00",
            place="Civic centre",
            agenda="Budget\r\nRents",
        ),
    ),
    "meetings:edit": Write(
        "coordinator",
        AuditEntry.Action.MEETING_CHANGED,
        lambda w: page_form(
            w,
            "coordinator",
            reverse("meetings:edit", kwargs=meeting(w)),
            "meetings:edit",
            place="Town hall",
        ),
    ),
    "meetings:cancel": Write(
        "coordinator",
        AuditEntry.Action.MEETING_CANCELLED,
        lambda w: page_form(
            w,
            "coordinator",
            reverse("meetings:detail", kwargs=meeting(w)),
            "meetings:cancel",
            reason="The civic centre is closed",
        ),
    ),
    "meetings:item-add": Write(
        "coordinator",
        AuditEntry.Action.AGENDA_ITEM_ADDED,
        lambda w: page_form(
            w,
            "coordinator",
            reverse("meetings:detail", kwargs=meeting(w)),
            "meetings:item-add",
            title="The fund's first year",
            link=lambda w: f"proposal:{w.proposal.pk}",
        ),
    ),
    "meetings:item-answer": Write(
        "coordinator",
        AuditEntry.Action.AGENDA_ITEM_ANSWERED,
        lambda w: (reverse("meetings:item-answer", kwargs=meeting_item(w)), {"answer": "accept"}),
    ),
    "meetings:attendance": Write(
        "member",
        AuditEntry.Action.ATTENDANCE_ANSWERED,
        lambda w: page_form(
            w,
            "member",
            reverse("meetings:detail", kwargs=meeting(w)),
            "meetings:attendance",
            **{f"person_{w.users['member'].pk}": "yes"},
        ),
    ),
    "meetings:close": Write(
        "coordinator",
        AuditEntry.Action.MEETING_CLOSED,
        lambda w: page_form(
            w, "coordinator", reverse("meetings:close", kwargs=held_meeting(w)), "meetings:close"
        ),
    ),
    "meetings:object": Write(
        "member",
        AuditEntry.Action.MINUTES_OBJECTED,
        lambda w: page_form(
            w,
            "member",
            reverse("meetings:detail", kwargs=closed_meeting(w)),
            "meetings:object",
            reason="The rents rose 9%, not 8%",
        ),
    ),
    "meetings:task-done": Write(
        "member",
        AuditEntry.Action.FOLLOW_UP_TASK_DONE,
        lambda w: page_form(
            w,
            "member",
            reverse("meetings:detail", kwargs=closed_meeting(w)),
            "meetings:task-done",
        ),
    ),
    "reports:request": Write(
        "coordinator",
        AuditEntry.Action.REPORT_REQUESTED,
        form_post("coordinator", "reports:request", page=slug_url("reports:list"), kind="dossier"),
    ),
    "reports:publish": Write(
        "coordinator",
        AuditEntry.Action.REPORT_PUBLISHED,
        at("reports:publish", lambda w: {"slug": w.cluster.slug, "pk": finished_report(w).pk}),
    ),
    "opendata:iati-publish": Write(
        "coordinator", AuditEntry.Action.IATI_PUBLISHED, at("opendata:iati-publish", iati_ready)
    ),
    "opendata:iati-unpublish": Write(
        "coordinator",
        AuditEntry.Action.IATI_UNPUBLISHED,
        at("opendata:iati-unpublish", iati_published),
    ),
    "reports:retry": Write(
        "coordinator",
        AuditEntry.Action.REPORT_RETRIED,
        on_page("coordinator", "reports:retry", lambda w: stalled_report(w).get_absolute_url()),
    ),
}


def proposal_to_decide(subject: str) -> Callable[[World], Proposal]:
    """An open proposal of that subject, every entity agreeing, ready to be decided."""

    def make(w: World) -> Proposal:
        from indicators.models import Objective
        from planning import proposal_services as services

        extra = {}
        if subject == "validate_rights_issue":
            extra["rights_issue_to_validate"] = complete_issue(w)
        proposal = services.proposal_create(
            membership=w.member_membership,
            by=w.users["member"],
            title="Decide it",
            description="As the analysis says",
            subject=subject,
            **extra,
        )
        if subject == "adopt_objectives":
            proposed = Objective.objects.create(
                cluster=w.cluster, code="O2", statement="Rent caps", status="proposed"
            )
            proposal.objectives.set([proposed])
        services.proposal_submit(proposal=proposal, by=w.users["member"])
        services.proposal_open(
            proposal=proposal,
            by=w.users["coordinator"],
            closes_at=timezone.now() + timedelta(days=7),
        )
        lead = w.cluster.memberships.get(role="lead")
        for membership, person in ((w.member_membership, "member"), (lead, "coordinator")):
            services.stance_take(
                proposal=proposal, membership=membership, by=w.users[person], position="agree"
            )
        return proposal

    return make


# The same URLs again, where one change carries others: still one entry.
VARIANTS: dict[str, Write] = {
    "a decision adopts objectives": Write(
        "coordinator",
        AuditEntry.Action.DECISION_RECORDED,
        proposal_post("planning:proposal-decide", proposal_to_decide("adopt_objectives")),
    ),
    "a decision validates a rights issue": Write(
        "coordinator",
        AuditEntry.Action.DECISION_RECORDED,
        proposal_post("planning:proposal-decide", proposal_to_decide("validate_rights_issue")),
    ),
}


def test_every_url_that_takes_a_post_writes_the_log_or_says_why_not(world: World):
    posting = {name for name, row in MATRIX.items() if row.method == "post"}
    posting |= {
        form.url_name
        for form in project_forms(world, ("coordinator", "member", "outsider"), Paths(world))
        if form.method == "post"
    }
    assert WRITES.keys() & NOT_AUDITED.keys() == set()
    assert posting - WRITES.keys() - NOT_AUDITED.keys() == set(), "give these a WRITES row"


@pytest.mark.parametrize("name", sorted(WRITES) + sorted(VARIANTS))
def test_a_write_records_exactly_one_entry(world: World, name: str):
    write = WRITES.get(name) or VARIANTS[name]
    url, data = write.post(world)
    before = set(AuditEntry.objects.values_list("pk", flat=True))
    response = world.client(write.person).post(url, data)
    assert response.status_code == 302, f"{name}: {response.status_code}"
    assert not refused_with_a_message(response), name
    new = list(AuditEntry.objects.exclude(pk__in=before))
    assert [entry.action for entry in new] == [write.action], f"{name} wrote {new}"
    entry = new[0]
    assert entry.by == world.users[write.person] and entry.object_id is not None
    # In the log of the cluster the change is in (a new cluster's own, for its creation).
    if name == "clusters:create":
        assert entry.cluster.name == "Water cluster"
    else:
        assert entry.cluster == world.cluster
