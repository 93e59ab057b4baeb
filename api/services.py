"""The writes of open data: publishing a cluster's IATI file, and withdrawing it.

Here rather than in clusters.services because the rule that decides whether the file
may be published — it builds and validates — is api.iati's, and clusters may not import
api; the one field it writes is the cluster's."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from api.iati.validation import checked_file
from clusters.access import ClusterAccess
from clusters.audit import audit
from clusters.models import AuditEntry, Cluster
from core.errors import DomainError


def iati_may_download(cluster: Cluster, access: ClusterAccess) -> bool:
    """Who gets the cluster's IATI file, on its page and through the API: the coordinator
    always, everyone else in the cluster once it is published."""
    return access.is_coordinator or cluster.iati_is_published


@transaction.atomic
def iati_publish(*, cluster: Cluster, by: User) -> Cluster:
    """Open the cluster's IATI file to every person in it, its institutions included.
    Refused while the file has problems; publishing a published file writes nothing."""
    cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
    if cluster.iati_is_published:
        return cluster
    if not checked_file(cluster).is_valid:
        raise DomainError(
            _("The IATI file has problems: fix them before publishing it (they are listed here).")
        )
    cluster.iati_published_at = timezone.now()
    cluster.save(update_fields=["iati_published_at"])
    audit(
        cluster=cluster,
        by=by,
        action=AuditEntry.Action.IATI_PUBLISHED,
        target=cluster,
        changes={"iati_published_at": [None, cluster.iati_published_at.isoformat()]},
    )
    return cluster


@transaction.atomic
def iati_unpublish(*, cluster: Cluster, by: User) -> Cluster:
    """Make the IATI file the coordinator's again; withdrawing an unpublished one writes
    nothing."""
    cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
    if not cluster.iati_is_published:
        return cluster
    before = cluster.iati_published_at.isoformat()
    cluster.iati_published_at = None
    cluster.save(update_fields=["iati_published_at"])
    audit(
        cluster=cluster,
        by=by,
        action=AuditEntry.Action.IATI_UNPUBLISHED,
        target=cluster,
        changes={"iati_published_at": [before, None]},
    )
    return cluster
