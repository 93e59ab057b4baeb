"""Who may see and do what inside a cluster.

Every cluster view starts with one of these helpers. Someone outside the cluster gets a
404 (a 403 would tell them the cluster exists); a person inside it without the needed
role gets a 403.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from accounts.models import User
from actors.models import ActorUser
from clusters.models import Cluster, ClusterRole, Membership
from core.errors import DomainError

# The order in which a person's roles rank, when they represent several entities and have
# not chosen which one they act for.
ROLE_RANK = {
    Membership.Role.LEAD: 4,
    Membership.Role.MEMBER: 3,
    Membership.Role.OBSERVER: 2,
    Membership.Role.INSTITUTION: 1,
}

# The session key of the entity a person acts for, per cluster: {cluster id: actor id}.
# Keys are strings, as the session is stored as JSON.
ACTING_FOR = "acting_for"


@dataclass(frozen=True)
class ClusterAccess:
    cluster: Cluster
    is_coordinator: bool
    # The active membership of the entity this person acts for here, if any: the one they
    # chose in the cluster bar, else the highest-ranked of their entities.
    membership: Membership | None
    # Every active membership of an entity this person represents here, by entity name.
    memberships: tuple[Membership, ...] = ()

    @property
    def can_choose_entity(self) -> bool:
        """Whether the person represents several entities here and chooses which to act for."""
        return len(self.memberships) > 1

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    @property
    def is_member(self) -> bool:
        """A representative of an entity that takes positions (lead or member)."""
        return self.membership is not None and self.membership.role in Membership.VOTING_ROLES

    @property
    def is_institution_only(self) -> bool:
        return not self.is_coordinator and self.role == Membership.Role.INSTITUTION

    @property
    def can_see_members(self) -> bool:
        return not self.is_institution_only

    @property
    def can_read(self) -> bool:
        """Reads the cluster's working data: everyone inside but institutions."""
        return not self.is_institution_only

    @property
    def can_edit(self) -> bool:
        return self.is_coordinator or self.is_member


def _access_for(request: HttpRequest, slug: str) -> ClusterAccess:
    user = request.user
    if not user.is_authenticated:
        # Views are wrapped in login_required; this guards against a forgotten decorator.
        raise Http404
    cluster = Cluster.objects.filter(slug=slug).first()
    if cluster is None:
        raise Http404
    is_coordinator = ClusterRole.objects.filter(
        cluster=cluster, user=user, role=ClusterRole.Role.COORDINATOR
    ).exists()
    memberships = tuple(
        Membership.objects.active()
        .filter(cluster=cluster, actor__people__user=user)
        .select_related("actor")
        .order_by("actor__name", "pk")
    )
    membership = _acting_for(request, cluster, memberships)
    if not is_coordinator and membership is None:
        raise Http404
    return ClusterAccess(
        cluster=cluster,
        is_coordinator=is_coordinator,
        membership=membership,
        memberships=memberships,
    )


def _acting_for(
    request: HttpRequest, cluster: Cluster, memberships: tuple[Membership, ...]
) -> Membership | None:
    """The membership the person acts for here: the entity a posted form was shown for
    (includes/_acting_for_field.html), else the one chosen in the cluster bar, while it is
    still one of theirs; otherwise the highest-ranked (a lead before a member...)."""
    chosen = [_posted_actor(request), request.session.get(ACTING_FOR, {}).get(str(cluster.pk))]
    for actor_id in chosen:
        for membership in memberships:
            if actor_id is not None and membership.actor_id == actor_id:
                return membership
    return max(memberships, key=lambda m: ROLE_RANK[m.role], default=None)


def _posted_actor(request: HttpRequest) -> int | None:
    """The entity a posted form says it was shown for. A person who switches entity in
    another tab and then sends this form acts for the entity the form named, not the one
    chosen since. Only plain forms: an upload is not read before its view checks its size
    (the view then calls ``with_posted_entity``)."""
    if request.method != "POST" or request.content_type != "application/x-www-form-urlencoded":
        return None
    value = request.POST.get(ACTING_FOR, "")
    return int(value) if value.isdigit() else None


def with_posted_entity(access: ClusterAccess, request: HttpRequest) -> ClusterAccess:
    """For a form with a file, once its view may read it: the access acting for the entity
    the form was shown for, when that is one of the person's entities here."""
    value = request.POST.get(ACTING_FOR, "")
    actor_id = int(value) if value.isdigit() else None
    membership = next((m for m in access.memberships if m.actor_id == actor_id), None)
    return replace(access, membership=membership) if membership else access


def same_pages(one: Membership | None, other: Membership) -> bool:
    """Whether acting for ``other`` instead of ``one`` opens the same pages: a member's
    reporting page is not an observer's, an institution reads only published reports."""
    if one is None:
        return False
    return (one.role in Membership.VOTING_ROLES, one.role in Membership.READER_ROLES) == (
        other.role in Membership.VOTING_ROLES,
        other.role in Membership.READER_ROLES,
    )


def act_for(request: HttpRequest, access: ClusterAccess, actor_id: int | None) -> Membership:
    """Remember, for this session, that the person acts for ``actor_id`` in the access's
    cluster. Only an entity they represent there is accepted: another cluster's entity, or
    one they do not represent, is refused."""
    membership = next((m for m in access.memberships if m.actor_id == actor_id), None)
    if membership is None:
        raise DomainError(_("Choose one of the entities you represent in this cluster."))
    chosen = dict(request.session.get(ACTING_FOR, {}))
    chosen[str(access.cluster.pk)] = membership.actor_id
    request.session[ACTING_FOR] = chosen
    return membership


def cluster_for_user(request: HttpRequest, slug: str) -> tuple[Cluster, ClusterAccess]:
    """Anyone inside the cluster: coordinator, lead, member, observer or institution."""
    access = _access_for(request, slug)
    return access.cluster, access


def cluster_for_reader(request: HttpRequest, slug: str) -> tuple[Cluster, ClusterAccess]:
    """People who read the cluster's working data; institutions only get published reports."""
    access = _access_for(request, slug)
    if access.is_institution_only:
        raise PermissionDenied
    return access.cluster, access


def cluster_for_coordinator(request: HttpRequest, slug: str) -> tuple[Cluster, ClusterAccess]:
    access = _access_for(request, slug)
    if not access.is_coordinator:
        raise PermissionDenied
    return access.cluster, access


def cluster_for_editor(request: HttpRequest, slug: str) -> tuple[Cluster, ClusterAccess]:
    """People who write the cluster's shared work (analysis, proposals): the coordinator and
    the representatives of lead and member entities. Observers and institutions read only."""
    access = _access_for(request, slug)
    if not access.can_edit:
        raise PermissionDenied
    return access.cluster, access


def cluster_for_member(request: HttpRequest, slug: str) -> tuple[Cluster, ClusterAccess]:
    """Representatives of a lead or member entity, acting for it: they report, propose and
    take positions. A coordinator who represents no such entity gets a 403 too."""
    access = _access_for(request, slug)
    if not access.is_member:
        raise PermissionDenied
    return access.cluster, access


def leavable_memberships(cluster: Cluster, user: User) -> list[Membership]:
    """The active memberships this person may end for their entity: those of entities they
    administer, except the lead (which must hand over first)."""
    return list(
        cluster.memberships.active()
        .filter(actor__people__user=user, actor__people__role=ActorUser.Role.ADMIN)
        .exclude(role=Membership.Role.LEAD)
        .select_related("actor")
        .order_by("actor__name")
    )
