"""Survey rounds on the five effects, their answers, and the action plan that follows.

A round is prepared (the standard questionnaire, plus the cluster's own questions), opened
by the coordinator, answered once per entity (one Response per entity and round, a
database constraint; a changed answer replaces it and the one before is kept in
ResponseRevision), and closed at its date. The scores are computed when read
(health.results), never stored: they cannot drift from the answers.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clusters.models import Cluster, Membership
from health.questionnaire import BY_CODE, COORDINATOR, PARTNERS
from health.scales import SCALE_CHOICES, TOP, Effect, Function, Scale
from indicators.models import ReportingPeriod

MAX_COMMENT = 2000


class SurveyRoundQuerySet(models.QuerySet["SurveyRound"]):
    def closed(self) -> SurveyRoundQuerySet:
        return self.filter(status=SurveyRound.Status.CLOSED)

    def taking_answers(self, now: datetime | None = None) -> SurveyRoundQuerySet:
        now = now or timezone.now()
        return self.filter(status=SurveyRound.Status.OPEN, opens_at__lte=now, closes_at__gt=now)


class SurveyRound(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        OPEN = "open", _("Open for answers")
        CLOSED = "closed", pgettext_lazy("survey round", "Closed")

    class Cadence(models.TextChoices):
        YEARLY = "yearly", _("A year")
        PERIOD = "period", _("A reporting period")

    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="survey_rounds", verbose_name=_("cluster")
    )
    cadence = models.CharField(
        _("what it looks back on"), max_length=10, choices=Cadence.choices, default=Cadence.YEARLY
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_rounds",
        verbose_name=_("reporting period"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    # Set when the "closing in 3 days" reminder went out, so that it goes out once.
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    objects = SurveyRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="round_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(cadence="yearly", year__isnull=False, period__isnull=True)
                | Q(cadence="period", year__isnull=True, period__isnull=False),
                name="round_looks_back_on_a_year_or_a_period",
            ),
            models.UniqueConstraint(
                fields=["cluster", "year"],
                name="one_round_per_year",
                condition=Q(year__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["cluster", "period"],
                name="one_round_per_period",
                condition=Q(period__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["status", "closes_at"])]

    def __str__(self) -> str:
        return str(self.label)

    def get_absolute_url(self) -> str:
        return reverse("health:round-detail", args=[self.cluster.slug, self.pk])

    @property
    def label(self) -> str:
        """What the round looks back on: "2026", or a reporting period's label."""
        if self.period_id:
            return self.period.label
        return str(self.year)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    def takes_answers(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.is_open and self.opens_at <= now < self.closes_at


class Question(models.Model):
    """One question of one round: a standard one (by its code, translated by the platform)
    or the cluster's own (its texts in each language, written by the coordinator)."""

    class Audience(models.TextChoices):
        PARTNERS = PARTNERS, _("Member entities")
        COORDINATOR = COORDINATOR, _("Coordinator")

    round = models.ForeignKey(
        SurveyRound, on_delete=models.CASCADE, related_name="questions", verbose_name=_("round")
    )
    audience = models.CharField(
        _("who answers it"), max_length=12, choices=Audience.choices, default=Audience.PARTNERS
    )
    effect = models.CharField(_("effect"), max_length=14, choices=Effect.choices, blank=True)
    function = models.CharField(
        _("core function"), max_length=16, choices=Function.choices, blank=True
    )
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices)
    code = models.CharField(_("code"), max_length=30, blank=True)
    text_ca = models.CharField(_("question in Catalan"), max_length=300, blank=True)
    text_es = models.CharField(_("question in Spanish"), max_length=300, blank=True)
    text_en = models.CharField(_("question in English"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["round", "audience", "order", "pk"]
        constraints = [
            # Each question scores one effect or one function, never both or neither.
            models.CheckConstraint(
                condition=(Q(effect="") & ~Q(function="")) | (~Q(effect="") & Q(function="")),
                name="question_scores_an_effect_or_a_function",
            ),
            models.CheckConstraint(
                condition=~Q(code="") | ~Q(text_ca="") | ~Q(text_es="") | ~Q(text_en=""),
                name="question_has_a_text",
            ),
            models.UniqueConstraint(
                fields=["round", "code"], name="standard_question_once", condition=~Q(code="")
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_standard(self) -> bool:
        return bool(self.code)

    @property
    def text(self) -> str:
        """In the reader's language: the platform's translation of a standard question;
        the coordinator's text of an own one, else its first text in another language."""
        if self.code in BY_CODE:
            return str(BY_CODE[self.code].text)
        language = (translation.get_language() or "ca")[:2]
        texts = {"ca": self.text_ca, "es": self.text_es, "en": self.text_en}
        return texts.get(language) or next(text for text in texts.values() if text)

    @property
    def scores(self) -> str:
        """The effect or function it scores, in words."""
        return str(self.get_effect_display() or self.get_function_display())

    @property
    def choices(self) -> list[tuple[int, str]]:
        return [(value, str(label)) for value, label in SCALE_CHOICES[Scale(self.scale)]]


class Response(models.Model):
    """One entity's answers to a round (or the coordinator's, with no entity). A second
    answer replaces the first in place; ResponseRevision keeps the one before."""

    round = models.ForeignKey(
        SurveyRound, on_delete=models.CASCADE, related_name="responses", verbose_name=_("round")
    )
    membership = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_responses",
        verbose_name=_("entity"),
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "membership"],
                name="one_response_per_entity_and_round",
                condition=Q(membership__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["round"],
                name="one_coordinator_response_per_round",
                condition=Q(membership__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        who = self.membership.actor.name if self.membership_id else _("Coordinator")
        return f"{self.round} · {who}"

    @property
    def is_coordinators(self) -> bool:
        return self.membership_id is None


class Answer(models.Model):
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="answers", verbose_name=_("question")
    )
    # 1 (never, strongly disagree) to TOP (very regularly, strongly agree); 0: don't know.
    value = models.PositiveSmallIntegerField(_("answer"), validators=[MaxValueValidator(TOP)])
    comment = models.TextField(_("comment"), max_length=MAX_COMMENT, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="one_answer_per_question"
            ),
            models.CheckConstraint(condition=Q(value__lte=TOP), name="answer_on_the_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.value}"


class ResponseRevision(models.Model):
    """The answers a response held before it was changed: {question pk: [value, comment]}."""

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("response")
    )
    answers = models.JSONField(_("answers"), default=dict)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"))
    replaced_at = models.DateTimeField(auto_now_add=True, verbose_name=_("replaced at"))

    class Meta:
        verbose_name = _("earlier answers")
        verbose_name_plural = _("earlier answers")
        ordering = ["-replaced_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.response} · {self.answered_at:%Y-%m-%d}"


class PlanAction(models.Model):
    """What the cluster does about an effect that came out weak or unsatisfactory in a
    round: followed until the next round, whose results show it."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    round = models.ForeignKey(
        SurveyRound, on_delete=models.CASCADE, related_name="plan", verbose_name=_("round")
    )
    effect = models.CharField(_("effect"), max_length=14, choices=Effect.choices)
    what = models.CharField(_("what is done"), max_length=300)
    lead = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        related_name="health_plan_actions",
        verbose_name=_("lead entity"),
    )
    due = models.DateField(_("by when"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    note = models.TextField(_("how it is going"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("action of the health plan")
        verbose_name_plural = _("actions of the health plan")
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return self.what

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.DROPPED)

    @property
    def tone(self) -> str:
        """The badge its state wears (static/css/app.css)."""
        return {
            self.Status.DONE: "ok",
            self.Status.IN_PROGRESS: "warn",
            self.Status.DROPPED: "neutral",
        }.get(self.status, "")
