"""The proposals that take up incoherences, told to the coherence part (its resolver).

Only published proposals count (open or decided): a draft is its entity's alone, and the
coherence page is read by the whole cluster. Of several proposals on one incoherence the
one that says most wins: an adopted one, else an open one, else the latest decided.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from clusters.models import Cluster
from coherence.models import Score
from coherence.resolutions import Resolution
from planning.models import Decision, Proposal


def resolutions_of(cluster: Cluster, scores: Sequence[Score]) -> dict[int, Resolution]:
    """One query, the proposals with whether their last round adopted them (as
    Proposal.objects.adopted() says), whether or not any exists."""
    adopting = Decision.objects.filter(
        proposal=OuterRef("pk"), round=OuterRef("round"), outcome=Decision.Outcome.ADOPTED
    )
    proposals = list(
        Proposal.objects.filter(
            cluster=cluster,
            resolves__in=[score.pk for score in scores],
            status__in=[Proposal.Status.OPEN, Proposal.Status.DECIDED],
        )
        .annotate(adopting=Exists(adopting))
        .order_by("created_at", "pk")
    )
    adopted = {p.pk for p in proposals if p.status == Proposal.Status.DECIDED and p.adopting}

    def rank(proposal: Proposal) -> int:
        if proposal.pk in adopted:
            return 2
        return 1 if proposal.status == Proposal.Status.OPEN else 0

    found: dict[int, Resolution] = {}
    best: dict[int, int] = {}
    for proposal in proposals:
        if rank(proposal) >= best.get(proposal.resolves_id, -1):
            best[proposal.resolves_id] = rank(proposal)
            found[proposal.resolves_id] = Resolution(
                title=proposal.title,
                url=reverse("planning:proposal-detail", args=[cluster.slug, proposal.pk]),
                status_label=_status_label(proposal, adopted),
                addressed=proposal.pk in adopted,
            )
    return found


def _status_label(proposal: Proposal, adopted: set[int]) -> str:
    if proposal.pk in adopted:
        return _("Adopted: being addressed")
    if proposal.status == Proposal.Status.OPEN:
        return str(Proposal.Status.OPEN.label)
    return _("Decided, not adopted")
