"""Demo data of the planning part: proposals in every state, and an action plan with
contributions of several members and progress updates. Idempotent."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts import services as account_services
from accounts.models import User
from actors.models import ActorUser
from clusters.models import Cluster, Membership
from indicators.models import Objective
from planning import action_services, proposal_services
from planning.models import JointAction, Proposal


def seed_planning(cluster: Cluster, coordinator: User) -> None:
    if cluster.proposals.exists():
        return
    members = {m.actor.slug: m for m in cluster.memberships.voting().select_related("actor")}
    people = {slug: m.actor.people.select_related("user").first() for slug, m in members.items()}

    def by(slug: str) -> User:
        # Entities without an account of their own are represented by the coordinator here.
        link = people.get(slug)
        return link.user if link else coordinator

    def new(slug: str, title: str, description: str, **fields) -> Proposal:
        return proposal_services.proposal_create(
            membership=members[slug], by=by(slug), title=title, description=description, **fields
        )

    def opened(proposal: Proposal, days: int = 5) -> Proposal:
        proposal_services.proposal_submit(proposal=proposal, by=by(proposal.proposer.actor.slug))
        return proposal_services.proposal_open(
            proposal=proposal, by=coordinator, closes_at=timezone.now() + timedelta(days=days)
        )

    def stance(proposal: Proposal, slug: str, position: str, reason: str = "") -> None:
        proposal_services.stance_take(
            proposal=proposal,
            membership=members[slug],
            by=by(slug),
            position=position,
            reason=reason,
        )

    new(
        "av-nou-barris",
        "Campanya de drets de les persones llogateres",
        "Tallers als casals de barri sobre com aturar un desnonament i on demanar ajuda.",
    )

    fund = opened(
        new(
            "av-nou-barris",
            "Fons comú d'emergència habitacional",
            "Un fons compartit per allotjar durant 30 dies les famílies desnonades sense "
            "alternativa, mentre els serveis socials busquen una solució estable.",
            rationale="Cap entitat sola no pot assumir-ho i ara les famílies acaben al carrer.",
            estimated_cost=45000,
            is_new_practice=True,
        )
    )
    stance(fund, "av-nou-barris", "agree")
    stance(fund, "coop-la-teulada", "agree")
    stance(
        fund,
        "oficina-habitatge",
        "disagree",
        "Cal concretar qui gestiona el fons i amb quins criteris.",
    )
    stance(fund, "dones-i-llar", "abstain")
    _former_representative(fund, members["coop-la-teulada"])

    rota = new(
        "dret-i-habitatge",
        "Torn d'advocacia per als llançaments",
        "Un torn d'advocades que acompanya les famílies el dia del llançament.",
        estimated_cost=18000,
    )
    rota.objectives.set(cluster.objectives.filter(code="O1"))
    rota = opened(rota)
    for slug in (
        "dret-i-habitatge",
        "av-nou-barris",
        "llar-solidaria",
        "sindicat-llogateres",
        "xarxa-acollida",
        "dones-i-llar",
        "acces-total",
        "energia-justa",
    ):
        stance(rota, slug, "agree")
    stance(rota, "oficina-habitatge", "abstain")
    proposal_services.proposal_decide(
        proposal=rota, by=coordinator, minutes="Adoptada en l'assemblea del clúster."
    )

    census = opened(
        new(
            "energia-justa",
            "Cens propi de llars sense subministrament",
            "Les entitats fem un cens propi de les llars amb talls de llum i aigua.",
        )
    )
    for slug in (
        "energia-justa",
        "av-nou-barris",
        "llar-solidaria",
        "sindicat-llogateres",
        "xarxa-acollida",
        "dones-i-llar",
        "acces-total",
    ):
        stance(census, slug, "agree")
    stance(
        census,
        "oficina-habitatge",
        "block",
        "Duplica el registre municipal i exposa dades personals sense base legal.",
    )
    proposal_services.proposal_decide(
        proposal=census,
        by=coordinator,
        minutes="Rebutjada per un bloqueig: es revisarà amb l'Oficina.",
        review_date=timezone.localdate() + timedelta(days=14),
    )
    # Two rounds: after the block, the census was rewritten without personal data and put
    # to a qualified majority, where the Office's reasons stay on record.
    proposal_services.proposal_second_round(
        proposal=census, by=coordinator, closes_at=timezone.now() + timedelta(days=3)
    )
    for slug in sorted(set(members) - {"dones-i-llar", "oficina-habitatge"}):
        stance(census, slug, "agree")
    stance(
        census,
        "dones-i-llar",
        "abstain",
        "Hi donem suport si el cens recull les llars monoparentals encapçalades per dones.",
    )
    stance(
        census,
        "oficina-habitatge",
        "disagree",
        "Sense dades personals ja no el bloquegem, però seguim preferint el registre municipal.",
    )
    proposal_services.proposal_decide(
        proposal=census,
        by=coordinator,
        minutes="Adoptada en segona ronda per majoria qualificada, sense dades personals.",
        review_date=timezone.localdate() + timedelta(days=180),
    )

    proposed = Objective.objects.create(
        cluster=cluster,
        code="O4",
        statement="Que cap persona jove del districte hagi de marxar-ne per no poder pagar "
        "un lloguer: accés a habitatge assequible per a menors de 35 anys.",
        status=Objective.Status.PROPOSED,
    )
    youth = new(
        "sindicat-llogateres",
        "Adoptar l'objectiu O4 sobre l'habitatge jove",
        "Proposem que el clúster adopti l'objectiu O4 i que en definim els indicadors.",
        subject=Proposal.Subject.ADOPT_OBJECTIVES,
    )
    youth.objectives.set([proposed])
    proposal_services.proposal_submit(proposal=youth, by=by("sindicat-llogateres"))

    seed_actions(cluster, coordinator, members, by, adopted=rota)


def seed_actions(
    cluster: Cluster,
    coordinator: User,
    members: dict[str, Membership],
    by,
    adopted: Proposal,
) -> None:
    """Joint actions of the first three objectives: O1 has two in the same territory (an
    overlap) and O3 none (a gap), so the coverage page has something to say."""
    objectives = {o.code: o for o in cluster.objectives.prefetch_related("indicators")}
    today = timezone.localdate()
    year = today.year

    def action(code: str, lead: str, others: list[str], **fields) -> JointAction:
        objective = objectives[code]
        return action_services.action_create(
            cluster=cluster,
            by=coordinator,
            objective=objective,
            indicators=list(objective.indicators.all())[:2],
            lead=members[lead],
            participants=[members[slug] for slug in others],
            **fields,
        )

    def give(target: JointAction, slug: str, kind: str, amount: int, text: str) -> None:
        action_services.contribution_add(
            action=target,
            membership=members[slug],
            by=by(slug),
            kind=kind,
            amount=Decimal(amount),
            description=text,
        )

    def note(target: JointAction, slug: str, text: str, **fields) -> None:
        action_services.update_post(
            action=target,
            by=by(slug),
            membership=members[slug],
            is_coordinator=False,
            note=text,
            **fields,
        )

    rota = action(
        "O1",
        "dret-i-habitatge",
        ["av-nou-barris", "llar-solidaria"],
        proposal=adopted,
        title="Torn d'advocacia per als llançaments",
        description="Una advocada acompanya cada família el dia del llançament i demana "
        "la suspensió quan no hi ha alternativa.",
        territory="Nou Barris, Barcelona",
        start=date(year, 1, 15),
        end=date(year, 12, 31),
        budget=Decimal("18000"),
        status=JointAction.Status.IN_PROGRESS,
        progress=35,
        gender_marker=JointAction.GenderMarker.SIGNIFICANT,
        # The cluster's own innovation: no one in the district did it before (health figures).
        is_new_practice=True,
    )
    give(rota, "dret-i-habitatge", "staff_hours", 360, "Dues advocades, mig dia a la setmana")
    give(rota, "llar-solidaria", "money", 6000, "Desplaçaments i procuradors")
    give(rota, "av-nou-barris", "space", 120, "Local de l'associació per a les entrevistes")
    note(rota, "dret-i-habitatge", "Quaranta llançaments acompanyats; dotze suspesos.")
    note(rota, "av-nou-barris", "Les famílies arriben derivades pel punt d'assessorament.")

    point = action(
        "O1",
        "av-nou-barris",
        ["sindicat-llogateres", "xarxa-acollida"],
        title="Punt d'assessorament setmanal",
        description="Cada dimarts, al casal, voluntariat format atén les famílies amenaçades.",
        territory="Nou Barris, Barcelona",
        start=date(year - 1, 9, 1),
        end=today - timedelta(days=20),
        budget=Decimal("4000"),
        status=JointAction.Status.IN_PROGRESS,
        progress=80,
        gender_marker=JointAction.GenderMarker.SIGNIFICANT,
    )
    give(point, "av-nou-barris", "staff_hours", 800, "Voluntariat del punt")
    give(point, "xarxa-acollida", "in_kind", 1500, "Materials de difusió en sis llengües")
    note(point, "av-nou-barris", "Cal tancar l'avaluació abans de renovar-lo.", progress=80)

    energy = action(
        "O2",
        "energia-justa",
        ["acces-total", "coop-la-teulada"],
        title="Auditories energètiques a llars llogateres",
        territory="Nou Barris, Barcelona",
        start=date(year, 3, 1),
        end=date(year + 1, 2, 28),
        budget=Decimal("25000"),
        status=JointAction.Status.PLANNED,
        gender_marker=JointAction.GenderMarker.NOT_TARGETED,
        is_new_practice=True,
    )
    give(energy, "energia-justa", "staff_hours", 240, "Tècnics auditors")
    give(energy, "coop-la-teulada", "money", 5000, "Petites reparacions d'aïllament")

    action(
        "O2",
        "acces-total",
        [],
        title="Campanya de bo social",
        territory="Nou Barris, Barcelona",
        start=date(year - 1, 1, 1),
        end=date(year - 1, 12, 31),
        status=JointAction.Status.COMPLETED,
        progress=100,
        gender_marker=JointAction.GenderMarker.NOT_TARGETED,
    )


def _former_representative(proposal: Proposal, membership: Membership) -> None:
    """A representative who commented and took their entity's position, then deleted
    their account: the page shows both by "a former representative of" the entity."""
    from demo.clusters import DEMO_PASSWORD

    person = User.objects.create_user(
        email="pau.ferrer@demo.example",
        password=DEMO_PASSWORD,
        first_name="Pau",
        last_name="Ferrer",
    )
    ActorUser.objects.create(
        user=person, actor=membership.actor, role=ActorUser.Role.REPRESENTATIVE
    )
    proposal_services.comment_add(
        proposal=proposal,
        by=person,
        membership=membership,
        body="La cooperativa pot cedir dos pisos buits durant l'estiu per al fons.",
    )
    proposal_services.stance_take(
        proposal=proposal,
        membership=membership,
        by=person,
        position="agree",
        reason="Hi aportem dos pisos.",
    )
    account_services.account_delete(user=person, password=DEMO_PASSWORD)
