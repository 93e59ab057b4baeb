"""``seed_demo --large``: a cluster the size of a big metropolitan network, to measure the
pages and the PDFs against (300 entities, 40 indicators, about 100,000 measurements, 300
proposals with 30,000 positions and 2,000 comments, 300 joint actions with 1,500
contributions, two survey rounds answered by three quarters of the entities, and three
strategies per lead and member entity scored against every objective).

Rows are written with bulk inserts in a few hundred statements; statuses and dates are
spread the way a real cluster's are (most of the past validated, the last period half
reported, most proposals decided, a few late actions). Idempotent: a second run finds the
cluster and stops. The random generator is seeded, so two runs build the same data.

``seed_demo --large --clusters N`` builds N of them (``seed_large(..., number=n)``), all of
the same shape and content under their own slug, name and entities (``slug_of(n)``: the
first keeps SLUG): the bench reads the first cluster's pages with one and with ten of them
in the database. A run with a larger N adds the missing ones.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from actors.models import Actor, ActorUser, Capacity, name_key
from clusters.models import AuditEntry, Cluster, ClusterRole, Membership
from demo.coherence import seed_large_coherence
from demo.health import seed_large_health
from indicators.models import Indicator, Measurement, MeasurementReport, Objective, ReportingPeriod
from indicators.services import periods_ensure
from indicators.totals import rebuild_cluster_totals
from planning.consensus import Rule, RuleKind, Tally, decide
from planning.models import (
    ActionUpdate,
    Comment,
    Contribution,
    Decision,
    JointAction,
    Position,
    Proposal,
    Stance,
)
from rights.models import (
    GENDER_FIELDS,
    Cause,
    Consequence,
    DutyBearer,
    RightsHolderCount,
    RightsHolderGroup,
    RightsIssue,
)

SLUG = "xarxa-metropolitana"
NAME = "Xarxa Metropolitana pel Dret a l'Habitatge"
ENTITIES = 300
INDICATORS_PER_OBJECTIVE = 5
OBJECTIVES = 8
REPORTERS_PER_INDICATOR = 105
PROPOSALS = 300
STANCES_PER_PROPOSAL = 112
COMMENTS = 2000
ACTIONS = 300
CONTRIBUTIONS_PER_ACTION = 5
BATCH = 2000

DISTRICTS = [
    "Ciutat Vella",
    "Eixample",
    "Sants-Montjuïc",
    "Les Corts",
    "Sarrià-Sant Gervasi",
    "Gràcia",
    "Horta-Guinardó",
    "Nou Barris",
    "Sant Andreu",
    "Sant Martí",
    "L'Hospitalet",
    "Badalona",
]
KINDS = ["ngo", "community_group", "public_administration", "university", "company", "network"]
THEMES = [
    "habitatge assequible",
    "pobresa energètica",
    "desnonaments",
    "infrahabitatge",
    "dones i habitatge",
    "joves i emancipació",
    "persones grans",
    "sensellarisme",
]


def slug_of(number: int) -> str:
    """The slug of the n-th large cluster (from 1): SLUG, then SLUG-2, SLUG-3..."""
    return SLUG if number == 1 else f"{SLUG}-{number}"


def seed_large(coordinator: User, member: User | None = None, *, number: int = 1) -> Cluster:
    slug = slug_of(number)
    existing = Cluster.objects.filter(slug=slug).first()
    if existing is not None:
        # A large cluster built before the coherence part gets its strategies now.
        with transaction.atomic():
            seed_large_coherence(existing, coordinator, DISTRICTS)
        return existing
    # The same generator for every one: the clusters differ by their names, not their shape.
    rng = random.Random(2030)
    with transaction.atomic():
        cluster = _cluster(coordinator, number)
        memberships = _entities(cluster, rng, member, number)
        voting = [m for m in memberships if m.role in Membership.VOTING_ROLES]
        objectives = _rights_and_objectives(cluster, rng)
        _measurements(cluster, objectives, voting, coordinator, rng)
        _proposals(cluster, voting, coordinator, rng)
        _actions(cluster, objectives, voting, coordinator, rng)
        seed_large_health(cluster, voting, coordinator, rng)
        # With a generator of its own: the data above stay what they were.
        seed_large_coherence(cluster, coordinator, DISTRICTS)
    if connection.vendor == "postgresql":
        # Fresh statistics after a bulk load, so the planner picks hash joins, not loops.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return cluster


def _cluster(coordinator: User, number: int) -> Cluster:
    cluster = Cluster.objects.create(
        name=NAME if number == 1 else f"{NAME} {number}",
        slug=slug_of(number),
        kind=Cluster.Kind.SOCIAL,
        common_goal="Que cap persona de l'àrea metropolitana perdi l'habitatge sense "
        "alternativa i que l'habitatge digne sigui un dret efectiu per a tothom.",
        territory="Àrea metropolitana de Barcelona",
        status=Cluster.Status.ACTIVE,
        reporting_period=Cluster.ReportingPeriod.QUARTERLY,
        # In a network of 300, a third of the entities answering makes a quorum.
        quorum=33,
        country="ES",
        dac_sector="16040",  # low-cost housing
    )
    # Two years of history: eight quarterly periods.
    Cluster.objects.filter(pk=cluster.pk).update(created_at=timezone.now() - timedelta(days=730))
    cluster.refresh_from_db()
    ClusterRole.objects.create(cluster=cluster, user=coordinator)
    periods_ensure(cluster)
    return cluster


def _entities(
    cluster: Cluster, rng: random.Random, member: User | None, number: int
) -> list[Membership]:
    # The first cluster's entities keep the names they always had; the others' say which
    # network they belong to (an entity's slug and IATI identifier are unique).
    prefix = "" if number == 1 else f"{number}."
    actors = Actor.objects.bulk_create(
        [
            Actor(
                name=(name := f"Entitat {prefix}{n:03d} · {rng.choice(THEMES).capitalize()}"),
                name_key=name_key(name),
                slug=f"{cluster.slug}-entitat-{n:03d}",
                kind=KINDS[n % len(KINDS)],
                # Invented tax ids, out of the demo cluster's range (demo.clusters); the
                # n-th cluster's in a thousand of its own.
                iati_identifier=f"ES-CIF-G69{(number - 1) * 1000 + n:06d}",
                territory=DISTRICTS[n % len(DISTRICTS)],
                description="Entitat de la xarxa metropolitana.",
            )
            for n in range(1, ENTITIES + 1)
        ],
        batch_size=BATCH,
    )
    Capacity.objects.bulk_create(
        [
            Capacity(
                actor=actor,
                kind=rng.choice(["staff", "expertise", "funding", "volunteers", "space"]),
                description=f"Capacitat de {actor.name}",
                quantity=Decimal(rng.randint(1, 40)),
                unit="persones",
            )
            for actor in actors
        ],
        batch_size=BATCH,
    )

    def role(n: int) -> str:
        if n == 0:
            return Membership.Role.LEAD
        if n >= ENTITIES - 7:
            return Membership.Role.INSTITUTION
        if n >= ENTITIES - 19:
            return Membership.Role.OBSERVER
        return Membership.Role.MEMBER

    memberships = [
        Membership(cluster=cluster, actor=actor, role=role(n), status=Membership.Status.ACTIVE)
        for n, actor in enumerate(actors)
    ]
    if member is not None:
        # The demo's member person also represents an entity of the large cluster.
        ActorUser.objects.get_or_create(
            user=member, actor=actors[1], defaults={"role": ActorUser.Role.ADMIN}
        )
    return Membership.objects.bulk_create(memberships, batch_size=BATCH)


def _rights_and_objectives(cluster: Cluster, rng: random.Random) -> list[Objective]:
    for n, theme in enumerate(THEMES, start=1):
        issue = RightsIssue.objects.create(
            cluster=cluster,
            number=n,
            title=f"Vulneració del dret a l'habitatge: {theme}",
            description=f"Anàlisi de {theme} a l'àrea metropolitana.",
            territory=DISTRICTS[n % len(DISTRICTS)],
            **{
                name: f"Anàlisi de gènere ({k}/6) de {theme}: dones, homes i persones no binàries."
                for k, name in enumerate(GENDER_FIELDS, start=1)
            },
            status=RightsIssue.Status.VALIDATED,
            validated_at=timezone.now() - timedelta(days=600),
        )
        consequences = Consequence.objects.bulk_create(
            [Consequence(issue=issue, description=f"Conseqüència {k} de {theme}") for k in range(4)]
        )
        for k, level in enumerate(["immediate", "underlying", "structural"] * 2):
            cause = Cause.objects.create(issue=issue, level=level, description=f"Causa {k}")
            cause.consequences.set(rng.sample(consequences, 2))
        group = RightsHolderGroup.objects.create(issue=issue, name="Llars afectades")
        RightsHolderCount.objects.create(group=group, cell="sex=female|age=adults", count=120)
        DutyBearer.objects.create(issue=issue, outside_body="Ajuntament", obligation="fulfil")
    objectives = []
    for n, theme in enumerate(THEMES[:OBJECTIVES], start=1):
        objective = Objective.objects.create(
            cluster=cluster, code=f"O{n}", statement=f"Reduir {theme} a l'àrea metropolitana."
        )
        objective.rights_issues.set(cluster.rights_issues.filter(number=n))
        objectives.append(objective)
        Indicator.objects.bulk_create(
            [
                Indicator(
                    cluster=cluster,
                    objective=objective,
                    code=f"I{n}.{k}",
                    name=f"Llars ateses ({theme}), indicador {k}",
                    type=["structural", "process", "outcome"][k % 3],
                    measure="number",
                    unit="llars",
                    direction="increase",
                    aggregation="sum",
                    baseline_value=Decimal(0),
                    # Targets from easily met to far off, so every status shows.
                    target_value=Decimal(rng.choice([15000, 25000, 40000, 60000])),
                    baseline_date=timezone.localdate(cluster.created_at),
                    target_date=timezone.localdate(cluster.created_at) + timedelta(days=1095),
                    by_sex=True,
                    data_source="administrative",
                )
                for k in range(1, INDICATORS_PER_OBJECTIVE + 1)
            ]
        )
    return objectives


def _measurements(
    cluster: Cluster,
    objectives: list[Objective],
    voting: list[Membership],
    coordinator: User,
    rng: random.Random,
) -> None:
    periods = list(cluster.periods.order_by("start"))
    today = timezone.localdate()
    past = [p for p in periods if p.end < today]
    indicators = list(cluster.indicators.order_by("code"))
    reports, responsible = [], []
    for indicator in indicators:
        reporters = rng.sample(voting, min(REPORTERS_PER_INDICATOR, len(voting)))
        # The entities an indicator names are the ones that owe its reports.
        responsible += [
            Indicator.responsible.through(indicator_id=indicator.pk, membership_id=m.pk)
            for m in reporters
        ]
        for period in past:
            latest = period == past[-1]
            for membership in reporters:
                status = (
                    rng.choice(["validated", "submitted", "submitted", "returned", "draft"])
                    if latest
                    else "validated"
                )
                reports.append(
                    MeasurementReport(
                        indicator=indicator,
                        period=period,
                        membership=membership,
                        status=status,
                        return_reason="Reviseu el total" if status == "returned" else "",
                        updated_by=coordinator,
                    )
                )
    Indicator.responsible.through.objects.bulk_create(responsible, batch_size=BATCH)
    reports = MeasurementReport.objects.bulk_create(reports, batch_size=BATCH)
    # Older periods are closed: only the last two are still open to reports.
    for period in past[:-2]:
        period.locked_at = timezone.now()
    ReportingPeriod.objects.bulk_update(past[:-2], ["locked_at"])
    measurements = []
    for report in reports:
        women, men = rng.randint(0, 30), rng.randint(0, 25)
        measurements += [
            Measurement(report=report, cell="", value=Decimal(women + men)),
            Measurement(report=report, cell="sex=female", value=Decimal(women)),
            Measurement(report=report, cell="sex=male", value=Decimal(men)),
        ]
    Measurement.objects.bulk_create(measurements, batch_size=BATCH * 5)
    # Loaded in bulk, not validated one by one: the totals progress reads, all at once.
    rebuild_cluster_totals(cluster)


def _proposals(
    cluster: Cluster, voting: list[Membership], coordinator: User, rng: random.Random
) -> None:
    now = timezone.now()
    statuses = ["decided"] * 240 + ["open"] * 30 + ["submitted"] * 15 + ["draft"] * 15
    proposals = Proposal.objects.bulk_create(
        [
            Proposal(
                cluster=cluster,
                proposer=rng.choice(voting),
                title=f"Proposta {n:03d}: {rng.choice(THEMES)}",
                description="Proposta d'acció conjunta de la xarxa.",
                status=status,
                opens_at=now - timedelta(days=700 - 2 * n)
                if status in ("open", "decided")
                else None,
                closes_at=(now + timedelta(days=rng.randint(1, 10)))
                if status == "open"
                else (now - timedelta(days=690 - 2 * n) if status == "decided" else None),
                created_by=coordinator,
            )
            for n, status in enumerate(statuses)
        ],
        batch_size=BATCH,
    )
    rule = Rule(
        RuleKind(cluster.decision_rule),
        quorum=cluster.quorum,
        threshold=cluster.consensus_threshold,
        majority=cluster.qualified_majority,
    )
    stances, decisions = [], []
    positions = [Position.AGREE] * 14 + [Position.ABSTAIN] * 3 + [Position.DISAGREE] * 2
    for proposal in proposals:
        if proposal.status not in ("open", "decided"):
            continue
        block = rng.random() < 0.08
        chosen = rng.sample(voting, STANCES_PER_PROPOSAL)
        counts = {p: 0 for p in Position.values}
        for k, membership in enumerate(chosen):
            position = Position.BLOCK if block and k == 0 else rng.choice(positions)
            counts[position] += 1
            stances.append(
                Stance(
                    proposal=proposal,
                    membership=membership,
                    position=position,
                    reason="Cal concretar el pressupost."
                    if position in ("disagree", "block")
                    else "",
                    by=coordinator,
                )
            )
        if proposal.status == "decided":
            tally = Tally(eligible=len(voting), **counts)
            outcome = decide(rule, tally)
            decisions.append(
                Decision.of(
                    proposal,
                    rule,
                    tally,
                    outcome,
                    minutes="Decidida a l'assemblea de la xarxa.",
                    decided_by=coordinator,
                )
            )
    Stance.objects.bulk_create(stances, batch_size=BATCH * 5)
    decisions = Decision.objects.bulk_create(decisions, batch_size=BATCH)
    # Decisions keep the date their proposal closed, not the date of the seeding.
    for decision in decisions:
        Decision.objects.filter(pk=decision.pk).update(decided_at=decision.proposal.closes_at)
    open_ones = [p for p in proposals if p.status in ("open", "decided")]
    Comment.objects.bulk_create(
        [
            Comment(
                proposal=rng.choice(open_ones),
                membership=rng.choice(voting),
                author=coordinator,
                body=f"Aportació {n} al debat.",
            )
            for n in range(COMMENTS)
        ],
        batch_size=BATCH,
    )


def _actions(
    cluster: Cluster,
    objectives: list[Objective],
    voting: list[Membership],
    coordinator: User,
    rng: random.Random,
) -> None:
    today = timezone.localdate()
    actions = []
    for n in range(ACTIONS):
        start = today - timedelta(days=rng.randint(-60, 600))
        end = start + timedelta(days=rng.randint(60, 400))
        status = (
            "completed"
            if end < today and rng.random() < 0.8
            else rng.choice(["planned", "in_progress", "in_progress", "cancelled"])
        )
        actions.append(
            JointAction(
                cluster=cluster,
                title=f"Acció conjunta {n:03d}",
                objective=objectives[n % len(objectives)],
                lead=rng.choice(voting),
                territory=DISTRICTS[n % len(DISTRICTS)],
                start=start,
                end=end,
                budget=Decimal(rng.randint(1, 50) * 1000),
                status=status,
                progress=100 if status == "completed" else rng.randint(0, 90),
                gender_marker=rng.choice([0, 1, 1, 2]),
                created_by=coordinator,
            )
        )
    actions = JointAction.objects.bulk_create(actions, batch_size=BATCH)
    links, contributions, updates = [], [], []
    through = JointAction.participants.through
    for action in actions:
        others = rng.sample([m for m in voting if m.pk != action.lead_id], 3)
        links += [through(jointaction_id=action.pk, membership_id=m.pk) for m in others]
        for membership in [action.lead_id, *(m.pk for m in others), action.lead_id][
            :CONTRIBUTIONS_PER_ACTION
        ]:
            contributions.append(
                Contribution(
                    action=action,
                    membership_id=membership,
                    kind=rng.choice(Contribution.Kind.values),
                    amount=Decimal(rng.randint(10, 5000)),
                    created_by=coordinator,
                )
            )
        updates.append(
            ActionUpdate(
                action=action,
                membership_id=action.lead_id,
                author=coordinator,
                note="Avenç segons el calendari.",
            )
        )
    through.objects.bulk_create(links, batch_size=BATCH)
    Contribution.objects.bulk_create(contributions, batch_size=BATCH)
    ActionUpdate.objects.bulk_create(updates, batch_size=BATCH)
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                cluster=cluster,
                by=coordinator,
                action=AuditEntry.Action.ACTION_UPDATE_POSTED,
                target=str(action),
                created_at=timezone.now() - timedelta(hours=n),
            )
            for n, action in enumerate(actions)
        ],
        batch_size=BATCH,
    )
