"""Proposals, deliberation, stances and decisions.

One stance per member entity and round (a database constraint), every change of stance
kept in StanceChange, and decisions that are never edited once recorded.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import BooleanField, Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from clusters.models import Cluster, Membership
from indicators.models import Objective
from planning.consensus import Rule, RuleKind, Tally, explain, tally_key
from rights.models import RightsIssue

if TYPE_CHECKING:
    from clusters.access import ClusterAccess


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def open(self) -> ProposalQuerySet:
        """Open for positions (and comments)."""
        return self.filter(status=Proposal.Status.OPEN)

    def waiting_for_coordinator(self) -> ProposalQuerySet:
        """Submitted by their entity: the coordinator opens them or sends them back."""
        return self.filter(status=Proposal.Status.SUBMITTED)

    def adopted(self) -> ProposalQuerySet:
        """Decided, and the decision of their last round adopted them: the proposals a
        joint action can come from."""
        return self.filter(
            status=Proposal.Status.DECIDED,
            decisions__round=F("round"),
            decisions__outcome=Decision.Outcome.ADOPTED,
        ).distinct()

    def visible_to(self, access: ClusterAccess) -> ProposalQuerySet:
        """The proposals of the access's cluster this person sees: the coordinator all of
        them; everyone else those published (open, decided, withdrawn), and the drafts and
        submitted proposals of their own entity."""
        proposals = self.filter(cluster=access.cluster)
        if not access.can_read:
            return proposals.none()
        if access.is_coordinator:
            return proposals
        own = access.membership.pk if access.membership else None
        return proposals.filter(~Q(status__in=Proposal.UNPUBLISHED) | Q(proposer_id=own))


class Proposal(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", pgettext_lazy("proposal status", "Submitted")
        OPEN = "open", _("Open for positions")
        DECIDED = "decided", _("Decided")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Subject(models.TextChoices):
        ACTION = "action", _("A joint action or a position of the cluster")
        VALIDATE_RIGHTS_ISSUE = "validate_rights_issue", _("Validate a rights issue")
        ADOPT_OBJECTIVES = "adopt_objectives", _("Adopt proposed objectives and their indicators")

    # Seen only by their entity and the coordinator.
    UNPUBLISHED = (Status.DRAFT, Status.SUBMITTED)

    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("cluster")
    )
    proposer = models.ForeignKey(
        Membership,
        verbose_name=_("proposing entity"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    subject = models.CharField(
        _("what is decided"), max_length=30, choices=Subject.choices, default=Subject.ACTION
    )
    rights_issue_to_validate = models.ForeignKey(
        RightsIssue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="validation_proposals",
        verbose_name=_("rights issue to validate"),
    )
    # The incoherence (a negative score of a member's strategy against a common objective)
    # this proposal is to resolve; once adopted, the coherence page shows it as addressed.
    resolves = models.ForeignKey(
        "coherence.Score",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("incoherence it resolves"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=10000)
    rationale = models.TextField(_("rationale"), max_length=10000, blank=True)
    rights_issues = models.ManyToManyField(
        RightsIssue, verbose_name=_("rights issues it serves"), blank=True, related_name="proposals"
    )
    objectives = models.ManyToManyField(
        Objective, verbose_name=_("objectives it serves"), blank=True, related_name="proposals"
    )
    estimated_cost = models.DecimalField(
        _("estimated cost (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    # The innovation the cluster's health counts (health.figures): the entity says so.
    is_new_practice = models.BooleanField(
        _("new practice in the sector"),
        default=False,
        db_default=False,
        help_text=_("Tick it if nothing like it has been done in the sector or territory before."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    opens_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    sent_back_reason = models.TextField(_("why it was sent back"), blank=True)
    # The round whose "closing in 48 hours" reminder went out, so it goes out once.
    reminded_round = models.PositiveSmallIntegerField(default=0, verbose_name=_("reminded round"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_cost__isnull=True) | Q(estimated_cost__gte=0),
                name="proposal_cost_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(status="open") | Q(closes_at__isnull=False),
                name="proposal_open_has_closing",
            ),
            models.CheckConstraint(
                condition=~Q(subject="validate_rights_issue")
                | Q(rights_issue_to_validate__isnull=False),
                name="proposal_validation_names_issue",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def audit_words(cls, key: str, value: object) -> str | None:
        """Details of the audit log that are not its fields, in the reader's words."""
        if key == "position" and value in Position.values:
            return str(Position(value).label)
        if key == "outcome" and value in Decision.Outcome.values:
            return str(Decision.Outcome(value).label)
        if key == "not_applied" and value in cls.Subject.values:
            return str(cls.Subject(value).label)
        if key == "tally" and isinstance(value, list) and len(value) == 5:
            *counts, eligible = value
            positions = (Position.AGREE, Position.ABSTAIN, Position.DISAGREE, Position.BLOCK)
            said = ", ".join(f"{p.label}: {n}" for p, n in zip(positions, counts, strict=True))
            return ngettext(
                "%(positions)s, of %(count)s entity that may take a position",
                "%(positions)s, of %(count)s entities that may take a position",
                eligible,
            ) % {"positions": said, "count": eligible}
        return None

    # Where the proposal stands. Pages ask these, never the status itself.

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_decided(self) -> bool:
        return self.status == self.Status.DECIDED

    @property
    def is_withdrawn(self) -> bool:
        return self.status == self.Status.WITHDRAWN

    @property
    def is_adopted(self) -> bool:
        """Decided, and adopted by the decision of its last round (one query)."""
        return self.is_decided and Proposal.objects.adopted().filter(pk=self.pk).exists()

    @property
    def closing_passed(self) -> bool:
        """Its closing time has come (the periodic task decides it within minutes)."""
        return self.closes_at is not None and self.closes_at <= timezone.now()

    # What may happen to it next: the one precondition of each change, asked by the pages
    # to offer it and by the services to refuse it. Who may do it is the views' concern.

    @property
    def can_edit(self) -> bool:
        """Its entity may still change it: only a draft."""
        return self.is_draft

    @property
    def can_submit(self) -> bool:
        return self.is_draft

    @property
    def can_withdraw(self) -> bool:
        """Its entity may take it back until the cluster decides: as a draft, waiting for
        the coordinator, or open for positions."""
        return self.is_draft or self.is_submitted or self.is_open

    @property
    def can_open(self) -> bool:
        return self.is_submitted

    @property
    def can_send_back(self) -> bool:
        return self.is_submitted

    @property
    def can_take_stance(self) -> bool:
        """Open for positions (the services also refuse them once its closing time has
        passed, see closing_passed)."""
        return self.is_open

    @property
    def can_comment(self) -> bool:
        """Deliberation, new comments and edits, while it is open."""
        return self.is_open

    @property
    def can_decide(self) -> bool:
        return self.is_open

    @property
    def can_second_round(self) -> bool:
        """Decided, and the decision of its last round allows a second one (a block under
        "consensus, then qualified majority"). One query."""
        return (
            self.is_decided
            and self.decisions.filter(round=self.round, second_round_possible=True).exists()
        )


class Position(models.TextChoices):
    AGREE = "agree", _("Agree")
    ABSTAIN = "abstain", _("Abstain")
    DISAGREE = "disagree", _("Disagree")
    BLOCK = "block", _("Block")


REASON_REQUIRED = (Position.DISAGREE, Position.BLOCK)


class Stance(models.Model):
    """The current position of one member entity in one round of a proposal."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="stances", verbose_name=_("proposal")
    )
    membership = models.ForeignKey(
        Membership, verbose_name=_("entity"), on_delete=models.PROTECT, related_name="stances"
    )
    round = models.PositiveSmallIntegerField(default=1, verbose_name=_("round"))
    position = models.CharField(_("position"), max_length=10, choices=Position.choices)
    reason = models.TextField(_("reason"), max_length=5000, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("stance")
        verbose_name_plural = _("stances")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "membership", "round"], name="stance_one_per_entity"
            ),
            models.CheckConstraint(
                condition=~Q(position__in=["disagree", "block"]) | ~Q(reason=""),
                name="stance_reason_for_objections",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership.actor} · {self.get_position_display()}"

    @property
    def tone(self) -> str:
        """The badge's colour: agreement, a block, a disagreement, an abstention."""
        return {
            Position.AGREE: "ok",
            Position.BLOCK: "danger",
            Position.DISAGREE: "warn",
        }.get(self.position, "neutral")


class StanceChange(models.Model):
    """Every position an entity took, kept when it changes."""

    stance = models.ForeignKey(
        Stance, on_delete=models.CASCADE, related_name="changes", verbose_name=_("stance")
    )
    position = models.CharField(max_length=10, choices=Position.choices, verbose_name=_("position"))
    reason = models.TextField(blank=True, verbose_name=_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(auto_now_add=True, verbose_name=_("at"))

    class Meta:
        verbose_name = _("change of position")
        verbose_name_plural = _("changes of position")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.stance} → {self.position}"


class Decision(models.Model):
    """The record of a closed round. Never edited: a new fact is a new decision."""

    class Outcome(models.TextChoices):
        ADOPTED = "adopted", _("Adopted")
        REJECTED = "rejected", _("Rejected")
        NO_QUORUM = "no_quorum", _("No quorum")

    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("proposal")
    )
    round = models.PositiveSmallIntegerField(default=1, verbose_name=_("round"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    reason = models.CharField(max_length=20, verbose_name=_("reason"))
    rule = models.CharField(_("rule applied"), max_length=30)
    quorum = models.PositiveSmallIntegerField(verbose_name=_("quorum"))
    threshold = models.PositiveSmallIntegerField(verbose_name=_("threshold"))
    majority = models.PositiveSmallIntegerField(verbose_name=_("majority"))
    agree = models.PositiveIntegerField(verbose_name=_("agree"))
    abstain = models.PositiveIntegerField(verbose_name=_("abstain"))
    disagree = models.PositiveIntegerField(verbose_name=_("disagree"))
    block = models.PositiveIntegerField(verbose_name=_("block"))
    eligible = models.PositiveIntegerField(verbose_name=_("eligible"))
    quorum_reached = models.BooleanField(verbose_name=_("quorum reached"))
    second_round_possible = models.BooleanField(
        default=False, verbose_name=_("second round possible")
    )
    minutes = models.TextField(_("minutes"), blank=True, max_length=20000)
    review_date = models.DateField(_("review date"), null=True, blank=True)
    decided_at = models.DateTimeField(auto_now_add=True, verbose_name=_("decided at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["decided_at"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "round"], name="decision_one_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} · {self.get_outcome_display()}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("A decision is never edited once recorded.")
        super().save(*args, **kwargs)

    @classmethod
    def of(cls, proposal: Proposal, rule, tally, outcome, **fields: object) -> Decision:
        """The record of what planning.consensus.decide found, not saved yet: the rule as
        it stood, the counts, and the outcome with its reason."""
        return cls(
            proposal=proposal,
            round=proposal.round,
            outcome=outcome.result.value,
            reason=outcome.reason.value,
            rule=rule.kind.value,
            quorum=rule.quorum,
            threshold=rule.threshold,
            majority=rule.majority,
            agree=tally.agree,
            abstain=tally.abstain,
            disagree=tally.disagree,
            block=tally.block,
            eligible=tally.eligible,
            quorum_reached=outcome.quorum_reached,
            second_round_possible=outcome.second_round_possible,
            **fields,
        )

    @property
    def is_adopted(self) -> bool:
        return self.outcome == self.Outcome.ADOPTED

    @property
    def rule_label(self) -> str:
        rules = dict(Cluster.DecisionRule.choices)
        return str(rules.get(self.rule, self.rule))

    # The rule and the counts as they stood, for planning.consensus to say it in words.

    @property
    def applied_rule(self) -> Rule:
        return Rule(
            RuleKind(self.rule),
            quorum=self.quorum,
            threshold=self.threshold,
            majority=self.majority,
        )

    @property
    def tally(self) -> Tally:
        return Tally(
            agree=self.agree,
            abstain=self.abstain,
            disagree=self.disagree,
            block=self.block,
            eligible=self.eligible,
        )

    @property
    def tally_key(self) -> str:
        """The counts in one string, for a confirmation to check nothing moved since."""
        return tally_key(self.tally)

    @property
    def explanation(self) -> str:
        """Why the outcome is what it is, in words (planning.consensus.explain)."""
        return explain(self.applied_rule, self.tally, second_round=self.round > 1)

    @property
    def rule_parameters(self) -> str:
        """The rule's figures that this round used: "quorum 50 %, threshold 75 %"."""
        parts = [_("quorum %(quorum)s %%") % {"quorum": self.quorum}]
        if self.round > 1:
            parts.append(_("qualified majority %(majority)s %%") % {"majority": self.majority})
        elif self.applied_rule.kind != RuleKind.CONSENT:
            parts.append(_("threshold %(threshold)s %%") % {"threshold": self.threshold})
        return ", ".join(parts)


class Comment(models.Model):
    """Deliberation on a proposal, threaded one level; every edit keeps the text before."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="comments", verbose_name=_("proposal")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("parent"),
    )
    membership = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("membership"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    edited_at = models.DateTimeField(null=True, blank=True, verbose_name=_("edited at"))

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class CommentRevision(models.Model):
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("comment")
    )
    body = models.TextField(verbose_name=_("body"))
    replaced_at = models.DateTimeField(auto_now_add=True, verbose_name=_("replaced at"))

    class Meta:
        verbose_name = _("earlier version of a comment")
        verbose_name_plural = _("earlier versions of comments")
        ordering = ["replaced_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


def _late(today: date | None) -> Q:
    """The one rule of a late joint action: still running (planned or in progress) past its
    end date."""
    return Q(status__in=JointAction.RUNNING, end__lt=today or timezone.localdate())


class JointActionQuerySet(models.QuerySet["JointAction"]):
    def running(self) -> JointActionQuerySet:
        """Planned or in progress: neither completed nor cancelled."""
        return self.filter(status__in=JointAction.RUNNING)

    def late(self, today: date | None = None) -> JointActionQuerySet:
        """Running past their end date (``today`` defaults to the local date)."""
        return self.filter(_late(today))

    def with_late(self, today: date | None = None) -> JointActionQuerySet:
        """Each action with ``late`` (a boolean column) by the same rule, to show or sort."""
        return self.annotate(
            late=Case(
                When(_late(today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )


class JointAction(models.Model):
    """An action the cluster carries out together, using each member's resources."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    # Still under way: the actions that can be late, and that count for coverage.
    RUNNING = (Status.PLANNED, Status.IN_PROGRESS)

    class GenderMarker(models.IntegerChoices):
        # OECD DAC gender equality policy marker.
        NOT_TARGETED = 0, _("0 · Not targeted")
        SIGNIFICANT = 1, _("1 · Significant objective")
        PRINCIPAL = 2, _("2 · Principal objective")

    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="joint_actions", verbose_name=_("cluster")
    )
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("from the proposal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="joint_actions",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=10000, blank=True)
    objective = models.ForeignKey(
        Objective,
        verbose_name=_("objective"),
        on_delete=models.PROTECT,
        related_name="joint_actions",
    )
    indicators = models.ManyToManyField(
        "indicators.Indicator",
        verbose_name=_("indicators it moves"),
        blank=True,
        related_name="joint_actions",
    )
    lead = models.ForeignKey(
        Membership,
        verbose_name=_("lead entity"),
        on_delete=models.PROTECT,
        related_name="led_actions",
    )
    participants = models.ManyToManyField(
        Membership,
        verbose_name=_("participating entities"),
        blank=True,
        related_name="joint_actions",
    )
    territory = models.CharField(_("territory"), max_length=200)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    budget = models.DecimalField(
        _("budget (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    gender_marker = models.PositiveSmallIntegerField(
        _("gender equality marker"),
        choices=GenderMarker.choices,
        default=GenderMarker.NOT_TARGETED,
        help_text=_("OECD DAC: 0 not targeted, 1 significant objective, 2 principal objective."),
    )
    is_new_practice = models.BooleanField(
        _("new practice in the sector"),
        default=False,
        db_default=False,
        help_text=_("Tick it if nothing like it has been done in the sector or territory before."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    objects = JointActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("joint action")
        verbose_name_plural = _("joint actions")
        ordering = ["start", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")), name="action_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="action_budget_not_negative",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="action_progress_percent"),
            models.CheckConstraint(
                condition=Q(gender_marker__in=[0, 1, 2]), name="action_gender_marker_dac"
            ),
        ]
        indexes = [models.Index(fields=["cluster", "status", "end"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("planning:action-detail", args=[self.cluster.slug, self.pk])

    @classmethod
    def audit_words(cls, key: str, value: object) -> str | None:
        """Details of the audit log that are not its fields, in the reader's words."""
        if key == "kind" and value in Contribution.Kind.values:
            return str(Contribution.Kind(value).label)
        return None

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def is_in_progress(self) -> bool:
        return self.status == self.Status.IN_PROGRESS

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_late(self) -> bool:
        """JointAction.objects.late() for one action already in memory: running past its
        end date."""
        return self.is_running and self.end < timezone.localdate()


class Contribution(models.Model):
    """What one member entity puts into a joint action."""

    class Kind(models.TextChoices):
        MONEY = "money", _("Money (€)")
        STAFF_HOURS = "staff_hours", _("Staff hours")
        IN_KIND = "in_kind", _("In kind (€ value)")
        SPACE = "space", _("Space (hours of use)")

    action = models.ForeignKey(
        JointAction,
        on_delete=models.CASCADE,
        related_name="contributions",
        verbose_name=_("action"),
    )
    membership = models.ForeignKey(
        Membership, verbose_name=_("entity"), on_delete=models.PROTECT, related_name="contributions"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    description = models.CharField(_("description"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["membership__actor__name", "kind"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="contribution_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.membership.actor} · {self.get_kind_display()} {self.amount}"


class ActionUpdate(models.Model):
    """A progress note on a joint action, by its lead or a participant."""

    action = models.ForeignKey(
        JointAction, on_delete=models.CASCADE, related_name="updates", verbose_name=_("action")
    )
    membership = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("membership"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    note = models.TextField(_("note"), max_length=5000)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    status = models.CharField(
        _("status"), max_length=12, choices=JointAction.Status.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("action update")
        verbose_name_plural = _("action updates")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.note[:60]
