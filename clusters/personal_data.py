"""What the clusters app holds about a person: their coordinator roles, the invitations
they sent and received, and the audit entries of what they did (accounts.personal_data).

Deleting an account is refused while the person is the only one who can act for an
entity in a cluster (its only administrator) or for a cluster (its only coordinator):
that entity or cluster would be left with nobody to run it."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Exists, OuterRef, Q, TextField
from django.db.models.functions import Cast
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.personal_data import Former, Part, without_emails, without_words
from actors.models import Actor, ActorUser
from clusters.audit import about_of
from clusters.models import AuditEntry, Cluster, ClusterRole, Invitation, Membership
from core import words


def _invitations_received(user: User):
    return Invitation.objects.filter(Q(email__iexact=user.email) | Q(accepted_by=user))


def export(user: User) -> dict[str, Any]:
    """Their roles, invitations and audit entries. Of other people, nothing but what the
    entry is about: an address in an entry's details is hidden, as is whom an invitation
    they sent went to (the entity invited says enough)."""
    roles = ClusterRole.objects.filter(user=user).select_related("cluster").order_by("pk")
    sent = Invitation.objects.filter(invited_by=user).select_related("cluster", "actor")
    received = _invitations_received(user).select_related("cluster", "actor")
    entries = AuditEntry.objects.filter(by=user).select_related("cluster").order_by("created_at")
    return {
        "cluster_roles": [
            {"cluster": role.cluster.name, "role": role.role, "since": role.created_at.isoformat()}
            for role in roles
        ],
        "invitations_sent": [_invitation(i) for i in sent.order_by("created_at")],
        "invitations_received": [
            _invitation(i) | {"email": i.email} for i in received.order_by("created_at")
        ],
        "audit_entries": [
            {
                "cluster": entry.cluster.name,
                "when": entry.created_at.isoformat(),
                "action": entry.action,
                "action_label": str(entry.get_action_display()),
                "about": without_emails(about_of(entry), keep=user.email.lower()),
                "details": without_emails(entry.data, keep=user.email.lower()),
            }
            for entry in entries
        ],
    }


def _invitation(invitation: Invitation) -> dict[str, Any]:
    return {
        # An invitation to represent an entity belongs to no cluster.
        "cluster": invitation.cluster.name if invitation.cluster else None,
        "kind": invitation.kind,
        "entity": invitation.entity_name,
        "role": invitation.role,
        "status": invitation.status,
        "sent_at": invitation.sent_at.isoformat(),
        "expires_at": invitation.expires_at.isoformat(),
    }


def refusals(user: User) -> list[str]:
    other_admins = ActorUser.objects.filter(
        actor=OuterRef("pk"), role=ActorUser.Role.ADMIN
    ).exclude(user=user)
    sole_admin = (
        Actor.objects.filter(people__user=user, people__role=ActorUser.Role.ADMIN)
        .filter(~Exists(other_admins))
        .filter(Exists(Membership.objects.active().filter(actor=OuterRef("pk"))))
        .order_by("name")
    )
    other_coordinators = ClusterRole.objects.filter(
        cluster=OuterRef("pk"), role=ClusterRole.Role.COORDINATOR
    ).exclude(user=user)
    # A closed cluster needs nobody to run it.
    sole_coordinator = (
        Cluster.objects.filter(roles__user=user, roles__role=ClusterRole.Role.COORDINATOR)
        .exclude(status=Cluster.Status.CLOSED)
        .filter(~Exists(other_coordinators))
        .order_by("name")
    )
    found = []
    entities = [actor.name for actor in sole_admin]
    if entities:
        found.append(
            _(
                "You are the only administrator of %(de_entities)s, which takes part in a "
                "cluster. First make another of its people an administrator (or ask the "
                "site's administrators to), or have the entity leave its clusters."
            )
            % {"de_entities": get_text_list([words.de(name) for name in entities], _("and"))}
        )
    clusters = [cluster.name for cluster in sole_coordinator]
    if clusters:
        found.append(
            _(
                "You are the only coordinator of %(de_clusters)s. First name another "
                "coordinator (or ask the site's administrators to), or close the cluster."
            )
            % {"de_clusters": get_text_list([words.de(name) for name in clusters], _("and"))}
        )
    return found


def describe(user: User, former: Former) -> None:
    former.coordinator = ClusterRole.objects.filter(user=user).exists()


def forget(user: User, former: Former) -> None:
    """Their roles go. The audit entries stay, by the emptied account, with their address
    and name hidden wherever an entry holds them (an invitation's address, a detail);
    so do the invitations they accepted, without their address."""
    ClusterRole.objects.filter(user=user).delete()
    words = [user.email, user.get_full_name()]
    _invitations_received(user).exclude(status=Invitation.Status.PENDING).update(email="")
    entries = list(_entries_naming(words))
    for entry in entries:
        entry.data = without_words(entry.data, words)
        entry.target = without_words(entry.target, words)
    AuditEntry.objects.bulk_update(entries, ["data", "target"], batch_size=500)


def _entries_naming(words: list[str]):
    """The entries whose details or target hold one of the words: the JSON's text is
    searched as the database writes it (SQLite escapes what is not ASCII)."""
    found = Q()
    for word in filter(None, words):
        for form in {word, json.dumps(word)[1:-1]}:
            found |= Q(text__icontains=form) | Q(target__icontains=form)
    if not found:
        return AuditEntry.objects.none()
    return AuditEntry.objects.annotate(text=Cast("data", TextField())).filter(found)


PART = Part("clusters", export=export, refusals=refusals, describe=describe, forget=forget)
