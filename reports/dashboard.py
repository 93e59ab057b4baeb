"""The coordinator's dashboard and each member entity's to-do list: the live form of the
progress report, read with a fixed number of queries whatever the size of the cluster
(counts and sums are aggregated in the database; lists are cut to their first rows, each
with a link to the whole list)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, F, Max, OuterRef, Q, Subquery, Sum, Window
from django.utils import timezone
from django.utils.translation import get_language

from accounts.models import User
from clusters.audit import data_version, with_details
from clusters.models import AuditEntry, Cluster, Invitation, Membership
from clusters.tokens import make_invitation_token
from coherence.findings import CoherenceFigure
from coherence.models import Score, ScoreQuestion
from indicators.models import ReportingPeriod
from indicators.periods import MONTHS_PER_PERIOD, period_bounds
from indicators.selectors import entity_reports, open_periods, reporting_by_entity
from meetings.models import FollowUpTask
from planning.models import Contribution, JointAction, Proposal, Stance
from reports.content import coherence_figure, objectives, participation, status_counts

# The dashboard's body changes when something is written to the cluster (every write goes
# through a service into its log, which moves its data version: clusters.audit) or when
# time moves on (late actions, time left to answer): it is kept rendered per data version,
# language, time zone and day, for at most this long.
DASHBOARD_CACHE_SECONDS = 60
# How many rows a dashboard list shows before its "see all" link.
TOP = 8
# A running action without an update for this long asks its lead entity for one.
UPDATE_EVERY = timedelta(days=30)


def voting_members(cluster: Cluster) -> list[Membership]:
    return list(cluster.memberships.voting().select_related("actor").order_by("actor__name"))


@dataclass
class OpenProposal:
    proposal: Proposal
    waiting: int  # entities that have not taken a position yet

    @property
    def time_left(self) -> timedelta:
        return max(self.proposal.closes_at - timezone.now(), timedelta(0))


def open_proposals(cluster: Cluster, voting: int) -> list[OpenProposal]:
    """Open proposals, the first to close first, with how many entities have not answered."""
    proposals = (
        cluster.proposals.open()
        .select_related("proposer__actor")
        .annotate(
            answered=Count(
                "stances",
                filter=Q(stances__round=F("round"), stances__membership__status="active"),
            )
        )
        .order_by("closes_at")
    )
    return [OpenProposal(p, max(0, voting - p.answered)) for p in proposals]


def waiting_proposals(cluster: Cluster) -> tuple[list[Proposal], int]:
    """The first proposals submitted to the coordinator (the longest waiting first), and
    how many there are, in one query: the count rides on each row."""
    rows = list(
        cluster.proposals.waiting_for_coordinator()
        .select_related("proposer__actor")
        .annotate(waiting_total=Window(Count("id")))
        .order_by("created_at", "pk")[:TOP]
    )
    return rows, rows[0].waiting_total if rows else 0


def current_coherence(cluster: Cluster) -> CoherenceFigure:
    """The coherence figure of the period today falls in: three queries (the period is
    worked out from the cluster's setting, not read; saved or not, its dates are these)."""
    start, end = period_bounds(timezone.localdate(), MONTHS_PER_PERIOD[cluster.reporting_period])
    return coherence_figure(cluster, ReportingPeriod(cluster=cluster, start=start, end=end))


def dashboard_cache_key(cluster: Cluster) -> str:
    """Where the cluster's dashboard body is kept as the reader's language, zone and day
    write it, under the cluster's current data version."""
    return ":".join(
        (
            "reports:dashboard",
            str(cluster.pk),
            str(data_version(cluster.pk)),
            get_language(),
            timezone.get_current_timezone_name(),
            timezone.localdate().isoformat(),
        )
    )


def coordinator_dashboard(cluster: Cluster) -> dict:
    today = timezone.localdate()
    members = cluster.memberships.active()
    entities_voting = voting_members(cluster)
    voting = len(entities_voting)
    decisions, entities = participation(cluster, members=entities_voting)
    entities.sort(key=lambda row: row.rate)  # the lowest participation first
    answered = sum(row.answered for row in entities)
    sections = objectives(cluster, today=today, charts=False)
    reporting = reporting_by_entity(cluster, today, entities_voting)
    actions = cluster.joint_actions.all()
    late = actions.late(today)
    waiting, waiting_count = waiting_proposals(cluster)
    return {
        "waiting_proposals": waiting,
        "waiting_count": waiting_count,
        "members": members.count(),
        "members_by_role": dict(
            members.values("role").annotate(n=Count("id")).values_list("role", "n")
        ),
        "voting": voting,
        "decisions": decisions,
        "participation_rate": round(100 * answered / (decisions * len(entities)))
        if decisions and entities
        else None,
        "least_participating": entities[:TOP],
        "open_proposals": open_proposals(cluster, voting)[:TOP],
        "open_count": cluster.proposals.open().count(),
        "objectives": sections,
        "status_counts": status_counts(sections),
        "coherence": current_coherence(cluster),
        "reporting": sorted(
            (e for e in reporting if e.total), key=lambda e: (-e.overdue, -e.total)
        )[:TOP],
        "reporting_totals": {
            key: sum(getattr(e, key) for e in reporting)
            for key in ("overdue", "due", "awaiting", "returned")
        },
        "actions_by_status": dict(
            actions.values("status").annotate(n=Count("id")).values_list("status", "n")
        ),
        "late_actions": list(late.select_related("lead__actor", "objective").order_by("end")[:TOP]),
        "late_count": late.count(),
        "contributions_by_kind": dict(
            Contribution.objects.filter(action__cluster=cluster)
            .values("kind")
            .annotate(total=Sum("amount"))
            .values_list("kind", "total")
        ),
        "top_contributors": list(
            Contribution.objects.filter(action__cluster=cluster)
            .values("membership_id", "membership__actor__name")
            .annotate(n=Count("id"), money=Sum("amount", filter=Q(kind="money")))
            .order_by("-n", "membership__actor__name")[:TOP]
        ),
        "activity": with_details(
            AuditEntry.objects.filter(cluster=cluster)
            .select_related("by")
            .order_by("-created_at", "-id")[:TOP]
        ),
    }


@dataclass
class LedAction:
    action: JointAction
    last_update: object  # datetime or None

    @property
    def reason(self) -> str:
        return "late" if self.action.late else "no_update"


def questioned_scores(membership: Membership) -> list[Score]:
    """The entity's scores that another entity questioned since their last revision, the
    latest questioned first, each with how many questions wait and who asked last: one
    query."""
    since = ScoreQuestion.objects.filter(score=OuterRef("pk"), at__gt=OuterRef("scored_at"))
    after_revision = Q(questions__at__gt=F("scored_at"))
    return list(
        Score.objects.filter(strategy__membership=membership)
        .annotate(
            waiting=Count("questions", filter=after_revision),
            questioned_at=Max("questions__at", filter=after_revision),
            questioned_by=Subquery(
                since.order_by("-at", "-pk").values("membership__actor__name")[:1]
            ),
        )
        .filter(waiting__gt=0)
        .select_related("strategy", "objective")
        .order_by("-questioned_at", "pk")
    )


def open_tasks(cluster: Cluster, membership: Membership) -> list[FollowUpTask]:
    """The follow-up tasks the cluster's meetings gave the entity and nobody marked done
    yet, the first due first, each with its meeting: one query."""
    return list(
        FollowUpTask.objects.filter(
            meeting__cluster=cluster, membership=membership, done_at__isnull=True
        )
        .select_related("meeting")
        .order_by("due_on", "pk")
    )


def member_todo(
    cluster: Cluster, membership: Membership, user: User, *, coordinator: bool = False
) -> dict:
    """What the entity owes: positions, reports, updates of the actions it leads, answers
    to the questions on its scores, the follow-up tasks meetings gave it; the invitations
    waiting for this person; and, when they coordinate the cluster, the proposals waiting
    for them (one more query)."""
    now = timezone.now()
    answered = Stance.objects.filter(membership=membership, round=F("proposal__round"))
    positions = list(
        cluster.proposals.open()
        .exclude(pk__in=answered.values("proposal_id"))
        .select_related("proposer__actor")
        .order_by("closes_at")
    )
    owed = [
        row for row in entity_reports(cluster, membership, open_periods(cluster)) if row.is_owed
    ]
    led = [
        LedAction(action, action.last_update)
        for action in membership.led_actions.running()
        .with_late()
        .annotate(last_update=Max("updates__created_at"))
        .filter(Q(last_update__isnull=True) | Q(last_update__lt=now - UPDATE_EVERY) | Q(late=True))
        .select_related("objective", "cluster")
        .order_by("end")
    ]
    invitations = [
        (invitation, make_invitation_token(invitation))
        for invitation in Invitation.objects.usable_for(user).select_related("cluster", "actor")
    ]
    waiting, waiting_count = waiting_proposals(cluster) if coordinator else ([], 0)
    return {
        "waiting_proposals": waiting,
        "waiting_count": waiting_count,
        "positions": positions,
        "reports": owed,
        "returned": sum(1 for row in owed if row.is_returned),
        "led_actions": led,
        "questioned": questioned_scores(membership),
        "tasks": open_tasks(cluster, membership),
        "invitations": invitations,
    }
