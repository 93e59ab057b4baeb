"""How the cluster is resolving each incoherence, told by a part above this one.

An incoherence is resolved by a cluster decision, and decisions live in ``planning``,
which this part may not import (the layering runs one way). So ``planning`` registers a
resolver when it starts (PlanningConfig.ready), and the coherence pages ask through this
module: for each incoherent score, the proposal that resolves it, if any.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from clusters.models import Cluster
from coherence.models import Score


@dataclass(frozen=True)
class Resolution:
    """The proposal that takes up an incoherence, as the pages show it."""

    title: str
    url: str
    # The proposal's status in words ("Open for positions", "Adopted"...).
    status_label: str
    # True once the cluster adopted it: the incoherence is being addressed.
    addressed: bool


Resolver = Callable[[Cluster, Sequence[Score]], dict[int, Resolution]]
_resolvers: list[Resolver] = []


def register(resolver: Resolver) -> None:
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def resolutions(cluster: Cluster, scores: Sequence[Score]) -> dict[int, Resolution]:
    """Score id → its resolution, for the scores some proposal takes up."""
    found: dict[int, Resolution] = {}
    if scores:
        for resolver in _resolvers:
            found.update(resolver(cluster, scores))
    return found
