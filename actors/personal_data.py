"""What the actors app holds about a person: the entities they represent, and their role
in each (accounts.personal_data)."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from accounts.personal_data import Former, Part
from actors.models import ActorUser


def _links(user: User):
    return ActorUser.objects.filter(user=user).select_related("actor").order_by("actor__name")


def export(user: User) -> dict[str, Any]:
    return {
        "entities": [
            {
                "entity": link.actor.name,
                "role": link.role,
                "role_label": str(link.get_role_display()),
                "since": link.created_at.isoformat(),
            }
            for link in _links(user)
        ]
    }


def describe(user: User, former: Former) -> None:
    former.entities = [link.actor.name for link in _links(user)]


def forget(user: User, former: Former) -> None:
    # The entity stays, with its other people; the person no longer represents it.
    ActorUser.objects.filter(user=user).delete()


PART = Part("actors", export=export, describe=describe, forget=forget)
