"""Changes to an entity's profile, made by its administrators.

An entity's profile is its own, not the shared work of a cluster: its changes are not in
any cluster's audit log (the entity's people see the profile as it is now)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from accounts.models import User
from actors.models import Actor, Capacity, ThematicArea
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
    """Save the profile and its list of capacities together, or nothing."""
    actor = Actor.objects.select_for_update().get(pk=actor.pk)
    for name, value in values.items():
        setattr(actor, name, value)
    actor.full_clean(exclude=["thematic_areas"])
    actor.save()
    actor.thematic_areas.set(thematic_areas)
    apply_row_changes(capacities, model=Capacity, parent={"actor": actor})
    return actor
