"""A PDF report asked for by a coordinator (or by Celery beat), rendered by a Celery task.

The job is the unit of work and of publication: the task claims it with a conditional
update, writes its file under a name of its own (a rerun overwrites it), and a published
job never changes again; a new version is a new job.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster
from indicators.models import ReportingPeriod


def report_file_name(job: ReportJob, filename: str) -> str:
    """One name per job, so a rerun of the task replaces the file instead of adding one."""
    return f"reports/{job.cluster_id}/{job.kind}-{job.pk}.pdf"


class ReportJobQuerySet(models.QuerySet["ReportJob"]):
    def published(self) -> ReportJobQuerySet:
        """Reports the cluster's institutions and members may read: once published, a
        report never changes."""
        return self.filter(published_at__isnull=False)


class ReportJob(models.Model):
    class Kind(models.TextChoices):
        CONSENSUS = "consensus", _("Consensus report")
        PROGRESS = "progress", _("Progress report")
        DOSSIER = "dossier", _("Dossier of the cluster")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being prepared")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="report_jobs", verbose_name=_("cluster")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("reporting period"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_jobs",
    )
    date_from = models.DateField(_("from"), null=True, blank=True)
    date_to = models.DateField(_("to"), null=True, blank=True)
    # The parameters in one canonical string: two requests for the same report compare equal.
    params = models.CharField(
        max_length=100, blank=True, editable=False, verbose_name=_("parameters")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(100)], verbose_name=_("progress")
    )
    file = models.FileField(_("file"), upload_to=report_file_name, blank=True)
    checksum = models.CharField(_("SHA-256 checksum"), max_length=64, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)
    error = models.TextField(_("why it failed"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    scheduled = models.BooleanField(
        _("scheduled"),
        default=False,
        help_text=_("Made at the end of a reporting period and published when ready."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("asked for at"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started at"))
    # The last sign of life of the run making it: claimed, a stage rendered, asked again.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    objects = ReportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # A second request for the same report while one is being made is refused.
            models.UniqueConstraint(
                fields=["cluster", "kind", "language", "params"],
                condition=Q(status__in=["queued", "running"]),
                name="report_one_active_per_request",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_percent"),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(status="done"),
                name="report_published_when_done",
            ),
            models.CheckConstraint(
                condition=~Q(kind="progress") | Q(period__isnull=False),
                name="report_progress_has_period",
            ),
            models.CheckConstraint(
                condition=~Q(kind="consensus")
                | (Q(date_from__isnull=False) & Q(date_to__gte=models.F("date_from"))),
                name="report_consensus_has_dates",
            ),
        ]
        indexes = [models.Index(fields=["cluster", "status", "published_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.subject} ({self.get_language_display()})"

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", args=[self.cluster.slug, self.pk])

    def audit_values(self) -> dict:
        """The values of its name, for the audit log to word them in the reader's
        language (clusters.audit.about_of)."""
        return {
            "kind": self.kind,
            "language": self.language,
            "period": str(self.period) if self.period_id else None,
            "dates": [self.date_from, self.date_to] if self.date_from and self.date_to else None,
            "cluster": self.cluster.name,
        }

    @classmethod
    def audit_name(cls, values: dict) -> str:
        date_from, date_to = (
            parse_date(day) if day else None for day in values.get("dates") or (None, None)
        )
        job = cls(
            kind=values.get("kind", ""),
            language=values.get("language", ""),
            date_from=date_from,
            date_to=date_to,
        )
        subject = values.get("period") or job.subject_dates() or values.get("cluster", "")
        return f"{job.get_kind_display()} · {subject} ({job.get_language_display()})"

    def subject_dates(self) -> str | None:
        if self.date_from and self.date_to:
            start, end = (
                date_format(d, "SHORT_DATE_FORMAT") for d in (self.date_from, self.date_to)
            )
            return f"{start} \u2013 {end}"
        return None

    @property
    def subject(self) -> str:
        """What the report covers: its period, dates, or the whole cluster."""
        if self.kind == self.Kind.PROGRESS and self.period_id:
            return str(self.period)
        if self.kind == self.Kind.CONSENSUS and self.date_from and self.date_to:
            return self.subject_dates()
        return str(self.cluster)

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def last_sign_of_life(self):
        return self.heartbeat_at or self.started_at or self.requested_at

    @property
    def is_stalled(self) -> bool:
        """Queued or being prepared, with no sign of life (reports.jobs._heartbeat) for
        REPORT_STALLED_AFTER seconds: its worker (or, embedded, the web process) was lost.
        The coordinator may ask for it again at once (reports.services.report_retry)."""
        if not self.is_active or self.is_published or self.last_sign_of_life is None:
            return False
        quiet_for = (timezone.now() - self.last_sign_of_life).total_seconds()
        # A queued report may wait its turn behind others: only a long wait is a lost task.
        if self.is_queued:
            return quiet_for > settings.REPORT_QUEUED_STALLED_AFTER
        return quiet_for > settings.REPORT_STALLED_AFTER

    @property
    def is_following(self) -> bool:
        """Being made and not stalled: the page follows it."""
        return self.is_active and not self.is_stalled

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_queued(self) -> bool:
        return self.status == self.Status.QUEUED

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def is_failed(self) -> bool:
        return self.status == self.Status.FAILED

    @property
    def can_publish(self) -> bool:
        """Finished and not yet published (reports.jobs.report_publish refuses otherwise)."""
        return self.is_done and not self.is_published

    @property
    def status_tone(self) -> str:
        """The badge's colour: ready, failed, being prepared, waiting."""
        if self.is_stalled:
            return "danger"
        return {
            self.Status.DONE: "ok",
            self.Status.FAILED: "danger",
            self.Status.RUNNING: "warn",
        }.get(self.status, "neutral")

    def download_name(self) -> str:
        return f"{self.cluster.slug}-{self.kind}-{self.pk}-{self.language}.pdf"
