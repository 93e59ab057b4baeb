"""Demo data of the planning part: proposals in every state. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from clusters.models import Cluster
from planning import services
from planning.models import Proposal


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
        return services.proposal_create(
            membership=members[slug], by=by(slug), title=title, description=description, **fields
        )

    def opened(proposal: Proposal, days: int = 5) -> Proposal:
        services.proposal_submit(proposal=proposal, by=by(proposal.proposer.actor.slug))
        return services.proposal_open(
            proposal=proposal, by=coordinator, closes_at=timezone.now() + timedelta(days=days)
        )

    def stance(proposal: Proposal, slug: str, position: str, reason: str = "") -> None:
        services.stance_take(
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

    rota = opened(
        new(
            "dret-i-habitatge",
            "Torn d'advocacia per als llançaments",
            "Un torn d'advocades que acompanya les famílies el dia del llançament.",
        )
    )
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
    services.proposal_decide(
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
    services.proposal_decide(
        proposal=census,
        by=coordinator,
        minutes="Rebutjada per un bloqueig: es revisarà amb l'Oficina.",
    )
