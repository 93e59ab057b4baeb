"""Members' own strategies and policies, and how each bears on the common objectives.

A Strategy is an entity's (its Membership in the cluster): a plan, a public policy, a
programme... Its entity scores it against each common objective on the seven-point scale
(coherence.scale); one Score per strategy and objective, the score in force. Every value it
has had is kept in ScoreRevision, the first included, so that the figure of a past period
reads the scores as they stood then. Other member entities may question a score
(ScoreQuestion); the entity answers by revising it, or by keeping it with its reason.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clusters.models import Cluster, Membership
from coherence.scale import HIGHEST, LOWEST
from coherence.scale import Score as ScoreValue
from indicators.models import Objective
from rights.models import Right, SDGTarget

MAX_REASON = 2000
MAX_SUMMARY = 5000


def document_path(instance: Strategy, filename: str) -> str:
    # A random name, as for evidence: the stored path reveals nothing and cannot collide.
    suffix = PurePath(filename).suffix.lower()
    return f"strategies/{instance.cluster_id}/{uuid.uuid4().hex}{suffix}"


class StrategyQuerySet(models.QuerySet["Strategy"]):
    def in_play(self) -> StrategyQuerySet:
        """As Strategy.is_in_play: drafts and those in force (an ended one is history)."""
        return self.exclude(status=Strategy.Status.ENDED)

    def for_listing(self) -> StrategyQuerySet:
        return self.select_related("membership__actor").order_by(
            "membership__actor__name", "starts_on", "title", "pk"
        )


class Strategy(models.Model):
    class Kind(models.TextChoices):
        STRATEGIC_PLAN = "strategic_plan", _("Strategic plan")
        PUBLIC_POLICY = "public_policy", _("Public policy")
        PROGRAMME = "programme", _("Programme")
        REGULATION = "regulation", _("Regulation")
        PROTOCOL = "protocol", _("Protocol")
        BUDGET_LINE = "budget_line", _("Budget line")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("strategy status", "Draft")
        IN_FORCE = "in_force", _("In force")
        ENDED = "ended", pgettext_lazy("strategy status", "Ended")

    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="strategies", verbose_name=_("cluster")
    )
    # The entity whose strategy it is, as a member of this cluster.
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="strategies", verbose_name=_("entity")
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True)
    territory = models.CharField(_("territory"), max_length=200)
    summary = models.TextField(_("summary"), max_length=MAX_SUMMARY)
    url = models.URLField(_("link"), blank=True, max_length=500)
    document = models.FileField(_("document"), upload_to=document_path, blank=True, max_length=200)
    original_name = models.CharField(_("original name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    sdg_targets = models.ManyToManyField(
        SDGTarget, verbose_name=_("SDG targets"), related_name="strategies", blank=True
    )
    rights = models.ManyToManyField(
        Right, verbose_name=_("rights"), related_name="strategies", blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.IN_FORCE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = StrategyQuerySet.as_manager()

    class Meta:
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        ordering = ["membership__actor__name", "starts_on", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="strategy_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["cluster", "status"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("coherence:strategy-detail", args=[self.cluster.slug, self.pk])

    @property
    def is_in_play(self) -> bool:
        """Counts for what the matrix finds now (incoherences, unsupported objectives,
        convergences): a draft as much as one in force, for a draft can still change; an
        ended strategy is history. The figure of a period counts by dates instead."""
        return self.status != self.Status.ENDED

    @property
    def is_ended(self) -> bool:
        return self.status == self.Status.ENDED

    @property
    def entity_name(self) -> str:
        return self.membership.actor.name

    def audit_values(self) -> dict[str, object]:
        return {"entity": self.membership.actor.name, "kind": self.kind}


class Score(models.Model):
    """How one strategy bears on one common objective: the score in force."""

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="scores", verbose_name=_("strategy")
    )
    objective = models.ForeignKey(
        Objective,
        on_delete=models.CASCADE,
        related_name="coherence_scores",
        verbose_name=_("objective"),
    )
    value = models.SmallIntegerField(_("score"), choices=ScoreValue.choices)
    reason = models.TextField(_("reason"), max_length=MAX_REASON, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("scored by"),
    )
    scored_at = models.DateTimeField(_("scored at"))

    class Meta:
        verbose_name = _("coherence score")
        verbose_name_plural = _("coherence scores")
        ordering = ["strategy", "objective__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "objective"], name="one_score_per_strategy_and_objective"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=LOWEST, value__lte=HIGHEST), name="score_on_the_scale"
            ),
            models.CheckConstraint(
                condition=Q(value=0) | ~Q(reason=""), name="score_has_a_reason_unless_zero"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.strategy} · {self.objective.code}"

    def get_absolute_url(self) -> str:
        return reverse("coherence:score-detail", args=[self.strategy.cluster.slug, self.pk])

    @property
    def is_incoherent(self) -> bool:
        return self.value < 0

    def audit_values(self) -> dict[str, object]:
        return {"objective": self.objective.code, "strategy": self.strategy.title}


class ScoreRevision(models.Model):
    """Every value a score has had, the first one included."""

    score = models.ForeignKey(
        Score, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("score")
    )
    value = models.SmallIntegerField(_("score"), choices=ScoreValue.choices)
    reason = models.TextField(_("reason"), max_length=MAX_REASON, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("revision of a score")
        verbose_name_plural = _("revisions of scores")
        ordering = ["score", "-at", "-pk"]
        indexes = [models.Index(fields=["score", "at"])]

    def __str__(self) -> str:
        return f"{self.score} ({self.at:%Y-%m-%d})"


class ScoreQuestion(models.Model):
    """Another member entity asks the strategy's entity to reconsider a score."""

    score = models.ForeignKey(
        Score, on_delete=models.CASCADE, related_name="questions", verbose_name=_("score")
    )
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="+", verbose_name=_("entity")
    )
    comment = models.TextField(_("comment"), max_length=MAX_REASON)
    # The score's value when it was asked: the page shows what was questioned.
    value_questioned = models.SmallIntegerField(_("score questioned"), choices=ScoreValue.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("question on a score")
        verbose_name_plural = _("questions on scores")
        ordering = ["score", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.score}: {self.comment[:60]}"
