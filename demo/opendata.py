"""Demo data of the open data part: the demo cluster's IATI file published, so that its
institution (institution@demo.example) and every member may download it.

After every other part: the file gives their objectives, indicators, validated reports
and joint actions. Idempotent: publishing a published file writes nothing."""

from __future__ import annotations

from accounts.models import User
from api.services import iati_publish
from clusters.models import Cluster


def seed_open_data(cluster: Cluster, coordinator: User) -> None:
    iati_publish(cluster=cluster, by=coordinator)
