"""Changes to clusters, memberships and invitations.

Each function runs in one transaction, records an audit entry, and raises DomainError
with a message for the person when the change is not allowed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from actors.models import Actor, ActorUser, ThematicArea
from clusters import notifications
from clusters.audit import audit, changed
from clusters.models import AuditEntry, Cluster, ClusterRole, Invitation, Membership
from core.errors import DomainError
from core.tasks import enqueue_on_commit

# Invitations send emails to addresses a coordinator types: limits keep the platform from
# being used to flood an inbox or to send spam.
RESEND_PAUSE = timedelta(minutes=5)
INVITATIONS_PER_CLUSTER_PER_DAY = 100


@transaction.atomic
def cluster_create(
    *,
    by: User,
    lead_actor: Actor | None,
    thematic_areas: Iterable[ThematicArea] = (),
    **fields: Any,
) -> Cluster:
    """A new cluster coordinated by its creator, with their entity as the lead."""
    cluster = Cluster.objects.create(created_by=by, **fields)
    cluster.thematic_areas.set(thematic_areas)
    ClusterRole.objects.create(cluster=cluster, user=by, role=ClusterRole.Role.COORDINATOR)
    if lead_actor is not None:
        Membership.objects.create(cluster=cluster, actor=lead_actor, role=Membership.Role.LEAD)
    audit(cluster=cluster, by=by, action=AuditEntry.Action.CLUSTER_CREATED, target=cluster)
    return cluster


@transaction.atomic
def cluster_update(
    *, cluster: Cluster, by: User, changes: dict[str, Any], thematic_areas: Iterable[ThematicArea]
) -> Cluster:
    """Save new settings and record each changed value, before and after."""
    cluster = _locked_cluster(cluster.pk)
    before = {field: getattr(cluster, field) for field in changes}
    for field, value in changes.items():
        setattr(cluster, field, value)
    cluster.full_clean()
    cluster.save()
    old_areas = sorted(cluster.thematic_areas.values_list("code", flat=True))
    cluster.thematic_areas.set(thematic_areas)
    new_areas = sorted(area.code for area in thematic_areas)
    diff = changed(before, changes)
    if old_areas != new_areas:
        diff["thematic_areas"] = [old_areas, new_areas]
    if diff:
        audit(
            cluster=cluster,
            by=by,
            action=AuditEntry.Action.CLUSTER_UPDATED,
            target=cluster,
            changes=diff,
        )
    return cluster


def _new_entity_taken(name: str) -> None:
    """A new entity's name that an entity on the platform already has (however it is
    typed) would make a second one: the invitation goes to that entity instead."""
    existing = Actor.named(name)
    if existing is not None:
        raise DomainError(
            _(
                "%(entity)s is already on the platform: choose it under “Existing entity” "
                "and invite one of its administrators."
            )
            % {"entity": existing.name}
        )


def _check_can_invite(cluster: Cluster, *, email: str, actor: Actor | None) -> None:
    if actor is not None:
        if cluster.memberships.active().filter(actor=actor).exists():
            raise DomainError(
                _("%(entity)s is already a member of this cluster.") % {"entity": actor.name}
            )
        if cluster.invitations.pending().filter(actor=actor).exists():
            raise DomainError(
                _("%(entity)s already has a pending invitation: resend it instead.")
                % {"entity": actor.name}
            )
        # Otherwise anyone who coordinates a cluster could invite an entity to their own
        # address and, by accepting, become its representative.
        if not actor.people.filter(role=ActorUser.Role.ADMIN, user__email=email).exists():
            raise DomainError(
                _(
                    "An entity already on the platform is invited through one of its "
                    "administrators: use the email address of one of them."
                )
            )
    if cluster.invitations.for_entities().pending().filter(email=email).exists():
        raise DomainError(
            _("%(email)s already has a pending invitation: resend it instead.") % {"email": email}
        )
    check_invitations_left(cluster, 1)


def invitations_left_today(cluster: Cluster) -> int:
    since = timezone.now() - timedelta(days=1)
    sent = cluster.invitations.filter(created_at__gte=since).count()
    return max(0, INVITATIONS_PER_CLUSTER_PER_DAY - sent)


def check_invitations_left(cluster: Cluster, wanted: int) -> None:
    if wanted > invitations_left_today(cluster):
        raise DomainError(
            _("This cluster has sent %(count)s invitations in the last day: try again tomorrow.")
            % {"count": INVITATIONS_PER_CLUSTER_PER_DAY}
        )


def _supported_language(code: str | None) -> str:
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def enqueue_invitation_email(invitation: Invitation) -> None:
    # A broker or mail outage is logged, and the invitation (already saved) can be resent.
    enqueue_on_commit(notifications.send_invitation_email, invitation.pk)


def invitation_create(
    *,
    cluster: Cluster,
    by: User,
    email: str,
    role: str,
    actor: Actor | None = None,
    actor_name: str = "",
    actor_kind: str = "",
    message: str = "",
    language: str | None = None,
) -> Invitation:
    """Invite an entity (existing, or new by name and kind) through one person's email."""
    email = email.strip().lower()
    if actor is not None and (actor_name or actor_kind):
        raise DomainError(_("Choose an existing entity or name a new one, not both."))
    if actor is None and not (actor_name and actor_kind):
        raise DomainError(_("Choose an existing entity, or give the new entity's name and kind."))
    if role not in Membership.Role.values:
        raise DomainError(_("Choose a valid role."))
    if role == Membership.Role.LEAD:
        raise DomainError(_("An invited entity joins as member, observer or institution."))
    if actor is None:
        _new_entity_taken(actor_name)
    try:
        with transaction.atomic():
            _check_can_invite(cluster, email=email, actor=actor)
            invitation = Invitation.objects.create(
                cluster=cluster,
                email=email,
                actor=actor,
                actor_name=actor_name.strip(),
                actor_kind=actor_kind,
                role=role,
                message=message.strip(),
                language=_supported_language(language or translation.get_language()),
                invited_by=by,
                expires_at=Invitation.default_expiry(),
            )
            audit(
                cluster=cluster,
                by=by,
                action=AuditEntry.Action.INVITATION_SENT,
                target=invitation,
                email=email,
                role=role,
            )
            enqueue_invitation_email(invitation)
    except IntegrityError:
        # Two coordinators inviting the same entity at the same moment: the unique
        # constraints let one through.
        raise DomainError(_("This entity or email already has a pending invitation.")) from None
    return invitation


def _locked_pending_invitation(invitation: Invitation) -> Invitation:
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.status == Invitation.Status.ACCEPTED:
        raise DomainError(_("This invitation has already been accepted."))
    if locked.status == Invitation.Status.REVOKED:
        raise DomainError(_("This invitation has been revoked."))
    return locked


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: User) -> Invitation:
    """Send a fresh link, valid for the full period again; the previous link stops working."""
    invitation = _locked_pending_invitation(invitation)
    if invitation.sent_at > timezone.now() - RESEND_PAUSE:
        raise DomainError(
            _("The invitation was sent a moment ago: wait a few minutes before sending it again.")
        )
    invitation.nonce = Invitation._meta.get_field("nonce").default()
    invitation.sent_at = timezone.now()
    invitation.expires_at = Invitation.default_expiry()
    invitation.send_count += 1
    invitation.save(update_fields=["nonce", "sent_at", "expires_at", "send_count"])
    _audit_invitation(
        invitation, by=by, action=AuditEntry.Action.INVITATION_RESENT, email=invitation.email
    )
    enqueue_invitation_email(invitation)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> Invitation:
    invitation = _locked_pending_invitation(invitation)
    invitation.status = Invitation.Status.REVOKED
    invitation.closed_at = timezone.now()
    invitation.save(update_fields=["status", "closed_at"])
    _audit_invitation(
        invitation, by=by, action=AuditEntry.Action.INVITATION_REVOKED, email=invitation.email
    )
    return invitation


def _audit_invitation(invitation: Invitation, *, by: User, action: str, **details: Any) -> None:
    """In the log of the invitation's cluster; a representative's, in those of the entity."""
    if invitation.cluster_id:
        audit(cluster=invitation.cluster, by=by, action=action, target=invitation, **details)
    else:
        audit_entity(invitation.actor, by=by, action=action, target=invitation, **details)


def audit_entity(actor: Actor, *, by: User | None, action: str, **entry: Any) -> None:
    """A change to an entity's people, in the log of every cluster it is an active member
    of: there its people take positions and report for it. (Its profile is its own and
    kept out of the logs; who speaks for it is the clusters' business.)"""
    clusters = Cluster.objects.filter(
        memberships__actor=actor, memberships__status=Membership.Status.ACTIVE
    ).order_by("pk")
    for cluster in clusters:
        audit(cluster=cluster, by=by, action=action, **entry)


def invitation_check_usable(invitation: Invitation) -> None:
    if invitation.status == Invitation.Status.ACCEPTED:
        raise DomainError(_("This invitation has already been used."))
    if invitation.status == Invitation.Status.REVOKED:
        raise DomainError(_("This invitation has been revoked by the cluster's coordinator."))
    if invitation.is_expired:
        raise DomainError(
            _("This invitation has expired. Ask the cluster's coordinator to send it again.")
        )


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, user: User
) -> Membership | ActorUser | ClusterRole:
    """What the invitation offers, given to the person: their entity joins the cluster,
    they represent the entity, or they co-coordinate the cluster."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    invitation_check_usable(invitation)
    if user.email.lower() != invitation.email.lower():
        raise DomainError(
            _("This invitation was sent to %(email)s. Log in with that address to accept it.")
            % {"email": invitation.email}
        )
    if invitation.is_for_representative:
        result = _accept_as_representative(invitation, user)
    elif invitation.is_for_coordinator:
        result = _accept_as_coordinator(invitation, user)
    else:
        result = _accept_for_entity(invitation, user)
    invitation.status = Invitation.Status.ACCEPTED
    invitation.closed_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["status", "closed_at", "accepted_by"])
    return result


def invitation_entity_match(invitation: Invitation) -> Actor | None:
    """For an invitation of a new entity, the entity already on the platform under its
    name (however it was typed): accepting joins with it rather than making a second."""
    if not invitation.is_for_entity or invitation.actor_id:
        return None
    return Actor.named(invitation.actor_name)


def _accept_for_entity(invitation: Invitation, user: User) -> Membership:
    """The invited person's entity becomes an active member of the cluster.

    A new entity is created with the person as its administrator; for an entity already on
    the platform the person must already administer it (never gaining a link by accepting).
    """
    cluster = _locked_cluster(invitation.cluster_id)
    actor = invitation.actor if invitation.actor_id else invitation_entity_match(invitation)
    if actor is not None:
        if not actor.people.filter(user=user, role=ActorUser.Role.ADMIN).exists():
            raise DomainError(
                _("Only an administrator of %(entity)s can accept this invitation.")
                % {"entity": actor.name}
                if invitation.actor_id
                else _(
                    "%(entity)s is already on the platform: ask one of its administrators to "
                    "invite you as an administrator of it, then open this link again."
                )
                % {"entity": actor.name}
            )
    else:
        actor = Actor.objects.create(name=invitation.actor_name, kind=invitation.actor_kind)
        ActorUser.objects.create(user=user, actor=actor, role=ActorUser.Role.ADMIN)

    membership, created = Membership.objects.get_or_create(
        cluster=cluster, actor=actor, defaults={"role": invitation.role}
    )
    if not created:
        if membership.is_active:
            raise DomainError(
                _("%(entity)s is already a member of this cluster.") % {"entity": actor.name}
            )
        # An entity that left comes back: same row, history kept in the audit.
        membership.role = invitation.role
        membership.status = Membership.Status.ACTIVE
        membership.joined_at = timezone.now()
        membership.left_at = None
        membership.save(update_fields=["role", "status", "joined_at", "left_at"])
    audit(
        cluster=cluster,
        by=user,
        action=AuditEntry.Action.INVITATION_ACCEPTED,
        target=membership,
        role=invitation.role,
    )
    return membership


def _accept_as_representative(invitation: Invitation, user: User) -> ActorUser:
    actor = Actor.objects.select_for_update().get(pk=invitation.actor_id)
    if actor.people.filter(user=user).exists():
        raise DomainError(_("You already represent %(entity)s.") % {"entity": actor.name})
    link = ActorUser.objects.create(user=user, actor=actor, role=invitation.actor_role)
    audit_entity(
        actor,
        by=user,
        action=AuditEntry.Action.REPRESENTATIVE_JOINED,
        target=link,
        role=link.role,
    )
    return link


def _accept_as_coordinator(invitation: Invitation, user: User) -> ClusterRole:
    cluster = _locked_cluster(invitation.cluster_id)
    if cluster.roles.filter(user=user, role=ClusterRole.Role.COORDINATOR).exists():
        raise DomainError(_("You already coordinate %(cluster)s.") % {"cluster": cluster.name})
    role = ClusterRole.objects.create(cluster=cluster, user=user, role=ClusterRole.Role.COORDINATOR)
    audit(
        cluster=cluster,
        by=user,
        action=AuditEntry.Action.COORDINATOR_JOINED,
        target=role,
        email=user.email,
    )
    return role


@transaction.atomic
def invitation_accept_with_signup(
    *, invitation: Invitation, first_name: str, last_name: str, password: str, language: str
) -> tuple[User, Membership | ActorUser | ClusterRole]:
    """A person new to the platform creates their account from the invitation and joins.

    The link reached the invited address, so that address counts as verified.
    """
    if User.objects.filter(email=invitation.email).exists():
        raise DomainError(
            _("There is already an account for %(email)s: log in to accept the invitation.")
            % {"email": invitation.email}
        )
    user = User.objects.create_user(
        email=invitation.email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        language=_supported_language(language),
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user, invitation_accept(invitation=invitation, user=user)


def _new_person_invitation(
    *, by: User, email: str, language: str | None, message: str, **fields: Any
) -> Invitation:
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                email=email,
                message=message.strip(),
                language=_supported_language(language or translation.get_language()),
                invited_by=by,
                expires_at=Invitation.default_expiry(),
                **fields,
            )
    except IntegrityError:
        raise DomainError(
            _("%(email)s already has a pending invitation: resend it instead.") % {"email": email}
        ) from None
    enqueue_invitation_email(invitation)
    return invitation


@transaction.atomic
def coordinator_invite(
    *, cluster: Cluster, by: User, email: str, message: str = "", language: str | None = None
) -> Invitation:
    """Invite a person to co-coordinate the cluster, with the same rights as its coordinator."""
    email = email.strip().lower()
    cluster = _locked_cluster(cluster.pk)
    if cluster.roles.filter(user__email__iexact=email, role=ClusterRole.Role.COORDINATOR).exists():
        raise DomainError(_("%(email)s already coordinates this cluster.") % {"email": email})
    if cluster.invitations.pending().filter(kind=Invitation.Kind.COORDINATOR, email=email).exists():
        raise DomainError(
            _("%(email)s already has a pending invitation: resend it instead.") % {"email": email}
        )
    check_invitations_left(cluster, 1)
    invitation = _new_person_invitation(
        by=by,
        email=email,
        language=language,
        message=message,
        kind=Invitation.Kind.COORDINATOR,
        cluster=cluster,
    )
    audit(
        cluster=cluster,
        by=by,
        action=AuditEntry.Action.COORDINATOR_INVITED,
        target=invitation,
        email=email,
    )
    return invitation


REPRESENTATIVE_INVITATIONS_PER_DAY = 30


@transaction.atomic
def representative_invite(
    *,
    actor: Actor,
    by: User,
    email: str,
    role: str,
    message: str = "",
    language: str | None = None,
) -> Invitation:
    """An entity's administrator invites a person to represent it (or to administer it)."""
    email = email.strip().lower()
    actor = Actor.objects.select_for_update().get(pk=actor.pk)
    if not actor.people.filter(user=by, role=ActorUser.Role.ADMIN).exists():
        raise DomainError(_("Only an administrator of the entity can invite its people."))
    if role not in ActorUser.Role.values:
        raise DomainError(_("Choose a valid role."))
    if actor.people.filter(user__email__iexact=email).exists():
        raise DomainError(
            _("%(email)s already represents %(entity)s.") % {"email": email, "entity": actor}
        )
    pending = actor.invitations.for_people().pending()
    if pending.filter(email=email).exists():
        raise DomainError(
            _("%(email)s already has a pending invitation: resend it instead.") % {"email": email}
        )
    since = timezone.now() - timedelta(days=1)
    if actor.invitations.for_people().filter(created_at__gte=since).count() >= (
        REPRESENTATIVE_INVITATIONS_PER_DAY
    ):
        raise DomainError(
            _("This entity has sent %(count)s invitations in the last day: try again tomorrow.")
            % {"count": REPRESENTATIVE_INVITATIONS_PER_DAY}
        )
    invitation = _new_person_invitation(
        by=by,
        email=email,
        language=language,
        message=message,
        kind=Invitation.Kind.REPRESENTATIVE,
        actor=actor,
        actor_role=role,
    )
    audit_entity(
        actor,
        by=by,
        action=AuditEntry.Action.REPRESENTATIVE_INVITED,
        target=invitation,
        email=email,
        actor_role=role,
    )
    return invitation


@transaction.atomic
def representative_remove(*, link: ActorUser, by: User) -> None:
    """An administrator removes one of the entity's people (themselves included), never the
    last administrator: an entity nobody administers could not be mended."""
    actor = Actor.objects.select_for_update().get(pk=link.actor_id)
    if not actor.people.filter(user=by, role=ActorUser.Role.ADMIN).exists():
        raise DomainError(_("Only an administrator of the entity can remove its people."))
    link = actor.people.select_related("user").filter(pk=link.pk).first()
    if link is None:
        raise DomainError(_("This person no longer represents the entity."))
    if link.is_admin and actor.admin_count() == 1:
        raise DomainError(
            _(
                "%(person)s is the last administrator of %(entity)s: invite another "
                "administrator first."
            )
            % {"person": link.user.display_name, "entity": actor.name}
        )
    audit_entity(
        actor,
        by=by,
        action=AuditEntry.Action.REPRESENTATIVE_REMOVED,
        target=link,
        email=link.user.email,
        role=link.role,
    )
    link.delete()


def _locked_cluster(cluster_id: int) -> Cluster:
    """Membership changes of one cluster run one at a time (one lead, one row per entity)."""
    return Cluster.objects.select_for_update().get(pk=cluster_id)


def _locked_active_membership(membership: Membership) -> Membership:
    _locked_cluster(membership.cluster_id)
    locked = Membership.objects.select_related("actor", "cluster").get(pk=membership.pk)
    if not locked.is_active:
        raise DomainError(
            _("%(entity)s is no longer a member of this cluster.") % {"entity": locked.actor.name}
        )
    return locked


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, by: User) -> Membership:
    """Change an entity's role; naming a new lead makes the previous lead a member."""
    membership = _locked_active_membership(membership)
    if role not in Membership.Role.values:
        raise DomainError(_("Choose a valid role."))
    if membership.role == role:
        return membership
    if membership.is_lead:
        raise DomainError(_("The lead entity keeps its role until another entity is made lead."))
    previous = membership.role
    # One lead at a time: naming a new one makes the previous lead a member, in the same
    # entry of the log (one change, seen from the entity named).
    handed_over = []
    if role == Membership.Role.LEAD:
        for old_lead in (
            membership.cluster.memberships.active()
            .filter(role=Membership.Role.LEAD)
            .select_related("actor")
        ):
            old_lead.role = Membership.Role.MEMBER
            old_lead.save(update_fields=["role"])
            handed_over.append(old_lead.actor.name)
    membership.role = role
    membership.save(update_fields=["role"])
    audit(
        cluster=membership.cluster,
        by=by,
        action=AuditEntry.Action.MEMBER_ROLE_CHANGED,
        target=membership,
        changes={"role": [previous, role]},
        **({"previous_lead": handed_over} if handed_over else {}),
    )
    return membership


def _end_membership(membership: Membership, *, by: User, action: str) -> Membership:
    membership = _locked_active_membership(membership)
    if membership.is_lead:
        raise DomainError(_("The lead entity cannot leave: make another entity lead first."))
    membership.status = Membership.Status.LEFT
    membership.left_at = timezone.now()
    membership.save(update_fields=["status", "left_at"])
    audit(cluster=membership.cluster, by=by, action=action, target=membership)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: User) -> Membership:
    return _end_membership(membership, by=by, action=AuditEntry.Action.MEMBER_REMOVED)


@transaction.atomic
def membership_leave(*, membership: Membership, by: User) -> Membership:
    return _end_membership(membership, by=by, action=AuditEntry.Action.MEMBER_LEFT)
