"""The validated totals (indicators.models.ValidatedTotal): each period's sums of the
validated measurements of an indicator, per cell, kept as rows so that progress reads a
few rows per indicator whatever the number of entities and reports.

One rule keeps them true: a period's rows are recomputed from its validated measurements,
never adjusted by a difference, in the transaction of the write that changes them
(indicators.services.report_validate), or for a whole cluster after a bulk load."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, QuerySet, Sum

from clusters.models import Cluster
from indicators.models import Measurement, MeasurementReport, ValidatedTotal

BATCH = 2000

# What the database adds up of a cell's validated measurements: the fields of
# ValidatedTotal, which indicators.progress reads.
SUMS = {
    "total": Sum("value"),
    "numerators": Sum("numerator"),
    "denominators": Sum("denominator"),
    "count": Count("id"),
    "weighted_count": Count("denominator"),
}


def _sums(measurements: QuerySet[Measurement]) -> list[ValidatedTotal]:
    rows = (
        measurements.filter(report__status=MeasurementReport.Status.VALIDATED)
        .values("report__indicator_id", "report__period_id", "cell")
        .annotate(**SUMS)
        .order_by()
    )
    return [
        ValidatedTotal(
            indicator_id=row.pop("report__indicator_id"),
            period_id=row.pop("report__period_id"),
            **row,
        )
        for row in rows.iterator(chunk_size=BATCH)
    ]


@transaction.atomic
def refresh_period_totals(indicator_id: int, period_id: int) -> None:
    """Recompute the totals of an indicator's period from its validated measurements."""
    ValidatedTotal.objects.filter(indicator_id=indicator_id, period_id=period_id).delete()
    ValidatedTotal.objects.bulk_create(
        _sums(
            Measurement.objects.filter(
                report__indicator_id=indicator_id, report__period_id=period_id
            )
        )
    )


@transaction.atomic
def rebuild_cluster_totals(cluster: Cluster) -> int:
    """Recompute every total of the cluster (after a bulk load); how many rows it has."""
    ValidatedTotal.objects.filter(indicator__cluster=cluster).delete()
    rows = _sums(Measurement.objects.filter(report__indicator__cluster=cluster))
    ValidatedTotal.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)
