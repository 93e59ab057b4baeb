"""Changes to an entity's profile, made by its administrators.

An entity's profile, its capacities included, is its own, not the shared work of a
cluster: its changes are not in any cluster's audit log. An entity belongs to several
clusters or to none, and the log is per cluster: one edit would be copied into each log of
the moment (and into none for an entity that has not joined one yet, or joins later), and
every cluster's coordinators would read the changes an entity made for another cluster.
The capacities are an offer the entity keeps up to date, as its phone or its website; no
decision, report or indicator of a cluster refers to one of them, so nothing of a cluster
has to be explained by their history. (And this app sits below the clusters app: it cannot
write to their log without turning the layering round.) Whoever reads the profile sees it
as it is now."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from actors.models import Actor, Capacity, ThematicArea
from core.errors import DomainError
from core.rows import RowChanges, apply_row_changes


@transaction.atomic
def actor_update(
    *,
    actor: Actor,
    by: User,
    values: dict[str, Any],
    thematic_areas: Iterable[ThematicArea],
    capacities: RowChanges,
) -> Actor:
    """Save the profile and its list of capacities together, or nothing. Saved unchanged,
    nothing is written. A capacity of another entity is refused (DomainError)."""
    actor = Actor.objects.select_for_update().get(pk=actor.pk)
    changed = {name: value for name, value in values.items() if getattr(actor, name) != value}
    areas = set(thematic_areas)
    if changed:
        for name, value in changed.items():
            setattr(actor, name, value)
        actor.full_clean(exclude=["thematic_areas"])
        actor.save(update_fields=list(changed))
    if areas != set(actor.thematic_areas.all()):
        actor.thematic_areas.set(areas)
    try:
        apply_row_changes(capacities, model=Capacity, parent={"actor": actor})
    except LookupError:
        raise DomainError(_("A capacity of another entity cannot be changed here.")) from None
    return actor
