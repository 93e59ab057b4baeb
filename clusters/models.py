from __future__ import annotations

import secrets
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actors.models import Actor, ActorUser, ThematicArea, unique_slug
from clusters.sectors import DacSector
from core.validators import validate_country, validate_time_zone


class ClusterQuerySet(models.QuerySet["Cluster"]):
    def visible_to(self, user: settings.AUTH_USER_MODEL) -> ClusterQuerySet:
        """Clusters the person coordinates or where one of their entities is an active member.

        Subqueries rather than joins, so that annotations over memberships on the result
        count every membership, not only the person's own.
        """
        if not user.is_authenticated:
            return self.none()
        coordinated = ClusterRole.objects.filter(user=user).values("cluster_id")
        member_of = Membership.objects.active().filter(actor__people__user=user)
        return self.filter(Q(pk__in=coordinated) | Q(pk__in=member_of.values("cluster_id")))

    def readable_by(self, user: settings.AUTH_USER_MODEL) -> ClusterQuerySet:
        """Clusters whose working data (members, analysis, plans) the person may read:
        as coordinator, lead, member or observer. Institutions only get published reports."""
        if not user.is_authenticated:
            return self.none()
        coordinated = ClusterRole.objects.filter(user=user).values("cluster_id")
        reader_of = Membership.objects.active().filter(
            actor__people__user=user, role__in=Membership.READER_ROLES
        )
        return self.filter(Q(pk__in=coordinated) | Q(pk__in=reader_of.values("cluster_id")))


class Cluster(models.Model):
    class Kind(models.TextChoices):
        COOPERATION = "cooperation", _("Cooperation cluster")
        SOCIAL = "social", _("Social cluster")

    class Status(models.TextChoices):
        FORMING = "forming", _("Forming")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    class DecisionRule(models.TextChoices):
        CONSENSUS = "consensus", _("Consensus")
        CONSENT = "consent", _("Consent")
        CONSENSUS_THEN_MAJORITY = "consensus_then_majority", _("Consensus, then qualified majority")

    class ReportingPeriod(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        YEARLY = "yearly", _("Yearly")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    common_goal = models.TextField(_("common goal"), max_length=5000)
    thematic_areas = models.ManyToManyField(
        ThematicArea, verbose_name=_("thematic areas"), blank=True, related_name="clusters"
    )
    territory = models.CharField(_("territory"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.FORMING
    )
    decision_rule = models.CharField(
        _("decision rule"),
        max_length=30,
        choices=DecisionRule.choices,
        default=DecisionRule.CONSENSUS,
    )
    consensus_threshold = models.PositiveSmallIntegerField(
        _("consensus threshold (%)"),
        default=75,
        validators=[MinValueValidator(50), MaxValueValidator(100)],
        help_text=_("Share of the positions taken that must agree for consensus."),
    )
    quorum = models.PositiveSmallIntegerField(
        _("quorum (%)"),
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Share of the active member entities that must take a position."),
    )
    qualified_majority = models.PositiveSmallIntegerField(
        _("qualified majority (%)"),
        default=67,
        validators=[MinValueValidator(50), MaxValueValidator(100)],
        help_text=_("Used in the second round of the rule 'consensus, then qualified majority'."),
    )
    reporting_period = models.CharField(
        _("reporting period"),
        max_length=20,
        choices=ReportingPeriod.choices,
        default=ReportingPeriod.QUARTERLY,
    )
    # The dimensions the rights-holder groups of its analysis are counted by
    # (core.dimensions); sex and age, as every cluster counted before it could choose.
    # Defaults in the database too: a row written by code that predates them (an older
    # migration's model) still gets them.
    groups_by_sex = models.BooleanField(_("rights-holders by sex"), default=True, db_default=True)
    groups_by_age = models.BooleanField(
        _("rights-holders by age band"), default=True, db_default=True
    )
    groups_by_disability = models.BooleanField(
        _("rights-holders by disability"), default=False, db_default=False
    )
    groups_by_migration = models.BooleanField(
        _("rights-holders by migration status"),
        default=False,
        db_default=False,
        help_text=_(
            "Nationals; foreign nationals with regular status; in an irregular administrative "
            "situation; applicants for or beneficiaries of international protection."
        ),
    )
    # Where its meetings happen: the calendar, the invitations and the pages show times in
    # it, whatever the server's own zone.
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Madrid",
        db_default="Europe/Madrid",
        validators=[validate_time_zone],
        help_text=_("As the IANA database names it, for example Europe/Madrid."),
    )
    # What its IATI file says of it (api.iati): where it works and in which sector.
    country = models.CharField(
        _("country"),
        max_length=2,
        default="ES",
        db_default="ES",
        validators=[validate_country],
        help_text=_("The country where the cluster works, for its IATI file."),
    )
    dac_sector = models.CharField(
        _("sector (OECD DAC)"),
        max_length=5,
        choices=DacSector.choices,
        blank=True,
        db_default="",
        help_text=_("The sector of its work, as funders classify it, for its IATI file."),
    )
    # Its IATI file is the coordinator's until published: from then on every person in
    # the cluster, its institutions included, may download it.
    iati_published_at = models.DateTimeField(_("IATI file published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ClusterQuerySet.as_manager()

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum__gte=1, quorum__lte=100), name="cluster_quorum_range"
            ),
            models.CheckConstraint(
                condition=Q(consensus_threshold__gte=50, consensus_threshold__lte=100),
                name="cluster_consensus_threshold_range",
            ),
            models.CheckConstraint(
                condition=Q(qualified_majority__gte=50, qualified_majority__lte=100),
                name="cluster_qualified_majority_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.slug:
            self.slug = unique_slug(Cluster, self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("clusters:overview", args=[self.slug])

    @property
    def status_tone(self) -> str:
        return {self.Status.ACTIVE: "ok", self.Status.CLOSED: "neutral"}.get(self.status, "")

    @classmethod
    def audit_words(cls, key: str, value: object) -> str | None:
        """Its thematic areas in the audit log (kept as codes) in the reader's words."""
        if key == "thematic_areas" and isinstance(value, list):
            codes = ThematicArea.Code
            return ", ".join(str(codes(c).label) if c in codes.values else c for c in value)
        return None

    def holder_dimensions(self) -> list[str]:
        """The dimensions chosen for its rights-holder groups, in core.dimensions' order."""
        chosen = {
            "sex": self.groups_by_sex,
            "age": self.groups_by_age,
            "disability": self.groups_by_disability,
            "migration": self.groups_by_migration,
        }
        return [name for name, on in chosen.items() if on]

    @property
    def zone(self) -> str:
        """The cluster's time zone, or the platform's when the stored name is not one: the
        forms and the model refuse such a name, but a row written otherwise (a raw update,
        an old backup) must not break a page, an email or a report."""
        try:
            zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return settings.TIME_ZONE
        return self.time_zone

    @property
    def iati_is_published(self) -> bool:
        """Whether every person in the cluster may download its IATI file (api.iati)."""
        return self.iati_published_at is not None

    @property
    def weighs_agreement(self) -> bool:
        """Consensus rules count agreement against a threshold; consent only asks that
        nobody objects."""
        return self.decision_rule != self.DecisionRule.CONSENT

    @property
    def has_second_round(self) -> bool:
        return self.decision_rule == self.DecisionRule.CONSENSUS_THEN_MAJORITY


class ClusterRole(models.Model):
    """A person's role in running a cluster, independent of the entity they represent."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE, related_name="roles"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="cluster_roles",
    )
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.COORDINATOR
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cluster role")
        verbose_name_plural = _("cluster roles")
        constraints = [
            models.UniqueConstraint(fields=["cluster", "user", "role"], name="clusterrole_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.cluster}"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(status=Membership.Status.ACTIVE)

    def readable_by(self, user: settings.AUTH_USER_MODEL) -> MembershipQuerySet:
        """Memberships in the clusters whose member lists the person may read."""
        return self.filter(cluster__in=Cluster.objects.readable_by(user))

    def voting(self) -> MembershipQuerySet:
        """Active entities that take positions: observers and institutions do not."""
        return self.active().filter(role__in=Membership.VOTING_ROLES)


class Membership(models.Model):
    """An actor's place in a cluster.

    A membership is created when an invitation is accepted (the pending state lives on
    the Invitation) and is never deleted: leaving keeps the history.
    """

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead entity")
        MEMBER = "member", _("Member")
        OBSERVER = "observer", _("Observer")
        INSTITUTION = "institution", _("Institution")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        LEFT = "left", _("Left")

    VOTING_ROLES = (Role.LEAD, Role.MEMBER)
    READER_ROLES = (Role.LEAD, Role.MEMBER, Role.OBSERVER)

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE, related_name="memberships"
    )
    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["actor__name"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "actor"], name="membership_unique"),
            models.UniqueConstraint(
                fields=["cluster"],
                condition=Q(role="lead", status="active"),
                name="membership_one_active_lead",
            ),
            models.CheckConstraint(
                condition=Q(status="active", left_at__isnull=True)
                | Q(status="left", left_at__isnull=False),
                name="membership_left_at_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor} · {self.cluster}"

    def audit_values(self) -> dict:
        """Named in the audit log by its entity (clusters.audit.about_of)."""
        return {"entity": self.actor.name}

    @classmethod
    def audit_name(cls, values: dict) -> str:
        return values.get("entity", "")

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_lead(self) -> bool:
        return self.role == self.Role.LEAD

    @property
    def role_tone(self) -> str:
        """The badge's colour: the lead stands out, those who do not take positions fade."""
        if self.is_lead:
            return "ok"
        return "" if self.role in self.VOTING_ROLES else "neutral"

    @property
    def takes_positions(self) -> bool:
        return self.is_active and self.role in self.VOTING_ROLES


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(status=Invitation.Status.PENDING)

    def usable(self) -> InvitationQuerySet:
        """Pending and not expired: the link still opens (Invitation.is_usable, in SQL)."""
        return self.pending().filter(expires_at__gt=timezone.now())

    def for_entities(self) -> InvitationQuerySet:
        """Invitations of an entity to join a cluster (not of a person to a role)."""
        return self.filter(kind=Invitation.Kind.ENTITY)

    def for_people(self) -> InvitationQuerySet:
        """Invitations of a person to represent an entity."""
        return self.filter(kind=Invitation.Kind.REPRESENTATIVE)

    def usable_for(self, user: settings.AUTH_USER_MODEL) -> InvitationQuerySet:
        """The invitations waiting for this person: sent to their address (as typed, in
        any case), still usable, the soonest to expire first."""
        return self.usable().filter(email__iexact=user.email).order_by("expires_at", "pk")


def new_invitation_nonce() -> str:
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    """An email invitation: for an entity to join a cluster, for a person to represent an
    entity (sent by its administrator, outside any cluster), or for a person to
    co-coordinate a cluster.

    The link carries a signed (id, nonce) pair; resending replaces the nonce so that only
    the newest link works, and accepting or revoking closes it for good.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")

    class Kind(models.TextChoices):
        ENTITY = "entity", _("An entity joins a cluster")
        REPRESENTATIVE = "representative", _("A person represents an entity")
        COORDINATOR = "coordinator", _("A person co-coordinates a cluster")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ENTITY)
    cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("cluster"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    email = models.EmailField(_("email"))
    actor = models.ForeignKey(
        Actor,
        verbose_name=_("entity"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        help_text=_("An entity already on the platform."),
    )
    actor_name = models.CharField(
        _("new entity name"),
        max_length=200,
        blank=True,
        help_text=_("For an entity that is not on the platform yet."),
    )
    actor_kind = models.CharField(
        _("new entity kind"), max_length=32, choices=Actor.Kind.choices, blank=True
    )
    role = models.CharField(
        _("role in the cluster"),
        max_length=20,
        choices=Membership.Role.choices,
        default=Membership.Role.MEMBER,
    )
    actor_role = models.CharField(
        _("role in the entity"), max_length=20, choices=ActorUser.Role.choices, blank=True
    )
    message = models.TextField(_("personal message"), blank=True, max_length=2000)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    nonce = models.CharField(max_length=64, default=new_invitation_nonce, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    send_count = models.PositiveSmallIntegerField(_("times sent"), default=1)
    expires_at = models.DateTimeField(_("expires at"))
    closed_at = models.DateTimeField(_("accepted or revoked at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            # An entity joins a cluster: an existing one, or a new one by name and kind. A
            # person joins an existing entity, outside any cluster. A co-coordinator joins
            # a cluster as a person, for no entity.
            models.CheckConstraint(
                condition=(
                    Q(kind="entity", cluster__isnull=False, actor_role="")
                    & (
                        (Q(actor__isnull=False) & Q(actor_name=""))
                        | (Q(actor__isnull=True) & ~Q(actor_name="") & ~Q(actor_kind=""))
                    )
                )
                | Q(
                    kind="representative",
                    cluster__isnull=True,
                    actor__isnull=False,
                    actor_name="",
                    actor_kind="",
                    actor_role__in=["admin", "representative"],
                )
                | Q(
                    kind="coordinator",
                    cluster__isnull=False,
                    actor__isnull=True,
                    actor_name="",
                    actor_kind="",
                    actor_role="",
                ),
                name="invitation_kind_fits",
            ),
            # One open invitation per entity (or new entity's email) and cluster.
            models.UniqueConstraint(
                fields=["cluster", "actor"],
                condition=Q(status="pending", kind="entity", actor__isnull=False),
                name="invitation_one_pending_per_actor",
            ),
            models.UniqueConstraint(
                fields=["cluster", "email", "kind"],
                condition=Q(status="pending", cluster__isnull=False),
                name="invitation_one_pending_per_email",
            ),
            models.UniqueConstraint(
                fields=["actor", "email"],
                condition=Q(status="pending", kind="representative"),
                name="invitation_one_pending_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.cluster}"

    def audit_values(self) -> dict:
        """Named in the audit log by its entity, or by the address of the person invited to
        co-coordinate (clusters.audit.about_of)."""
        return {"entity": self.entity_name or self.email}

    @classmethod
    def audit_name(cls, values: dict) -> str:
        return values.get("entity", "")

    @property
    def entity_name(self) -> str:
        if self.is_for_coordinator:
            return ""
        return self.actor.name if self.actor_id else self.actor_name

    @property
    def is_for_entity(self) -> bool:
        return self.kind == self.Kind.ENTITY

    @property
    def is_for_representative(self) -> bool:
        return self.kind == self.Kind.REPRESENTATIVE

    @property
    def is_for_coordinator(self) -> bool:
        return self.kind == self.Kind.COORDINATOR

    @property
    def role_label(self) -> str:
        """The role the person or entity is invited to, in the reader's language."""
        if self.is_for_coordinator:
            return str(_("Co-coordinator"))
        if self.is_for_representative:
            return str(self.get_actor_role_display())
        return str(self.get_role_display())

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_usable(self) -> bool:
        return self.status == self.Status.PENDING and not self.is_expired

    @staticmethod
    def default_expiry() -> timezone.datetime:
        return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)


class AuditEntry(models.Model):
    """Who did what in a cluster, and when. Written in the same transaction as the change."""

    class Action(models.TextChoices):
        CLUSTER_CREATED = "cluster_created", _("created the cluster")
        CLUSTER_UPDATED = "cluster_updated", _("changed the cluster settings")
        INVITATION_SENT = "invitation_sent", _("sent an invitation")
        INVITATION_RESENT = "invitation_resent", _("resent an invitation")
        INVITATION_REVOKED = "invitation_revoked", _("revoked an invitation")
        INVITATION_ACCEPTED = "invitation_accepted", _("accepted an invitation")
        INVITATIONS_IMPORTED = "invitations_imported", _("invited entities from a file")
        COORDINATOR_INVITED = "coordinator_invited", _("invited a co-coordinator")
        COORDINATOR_JOINED = "coordinator_joined", _("became a co-coordinator")
        REPRESENTATIVE_INVITED = "representative_invited", _("invited a representative")
        REPRESENTATIVE_JOINED = "representative_joined", _("became a representative")
        REPRESENTATIVE_REMOVED = "representative_removed", _("removed a representative")
        MEMBER_ROLE_CHANGED = "member_role_changed", _("changed the role of an entity")
        MEMBER_REMOVED = "member_removed", _("removed an entity")
        MEMBER_LEFT = "member_left", _("left the cluster")
        PROPOSAL_CREATED = "proposal_created", _("drafted a proposal")
        PROPOSAL_SUBMITTED = "proposal_submitted", _("submitted a proposal")
        PROPOSAL_SENT_BACK = "proposal_sent_back", _("sent a proposal back")
        PROPOSAL_WITHDRAWN = "proposal_withdrawn", _("withdrew a proposal")
        PROPOSAL_CHANGED = "proposal_changed", _("changed a proposal")
        PROPOSAL_OPENED = "proposal_opened", _("opened a proposal for positions")
        PROPOSAL_SECOND_ROUND = "proposal_second_round", _("opened a second round")
        STANCE_TAKEN = "stance_taken", _("took a position")
        COMMENT_ADDED = "comment_added", _("commented on a proposal")
        COMMENT_EDITED = "comment_edited", _("edited a comment")
        DECISION_RECORDED = "decision_recorded", _("recorded a decision")
        RIGHTS_ISSUE_CREATED = "rights_issue_created", _("started a rights issue")
        RIGHTS_ISSUE_CHANGED = "rights_issue_changed", _("changed a rights issue")
        RIGHTS_ISSUE_VALIDATED = "rights_issue_validated", _("validated a rights issue")
        RIGHTS_ISSUE_NEW_VERSION = "rights_issue_new_version", _("started a new version")
        EVIDENCE_ADDED = "evidence_added", _("attached evidence")
        EVIDENCE_REMOVED = "evidence_removed", _("removed evidence")
        OBJECTIVE_CREATED = "objective_created", _("added an objective")
        OBJECTIVE_CHANGED = "objective_changed", _("changed an objective")
        OBJECTIVES_ADOPTED = "objectives_adopted", _("adopted objectives")
        INDICATOR_CREATED = "indicator_created", _("added an indicator")
        INDICATOR_CHANGED = "indicator_changed", _("changed an indicator")
        PERIOD_LOCKED = "period_locked", _("locked a reporting period")
        PERIOD_REOPENED = "period_reopened", _("reopened a reporting period")
        REPORT_SAVED = "report_saved", _("saved a measurement report")
        REPORT_SUBMITTED = "report_submitted", _("submitted a measurement report")
        REPORTS_IMPORTED = "reports_imported", _("imported measurement reports")
        REPORT_VALIDATED = "report_validated", _("validated a report")
        REPORT_RETURNED = "report_returned", _("returned a report")
        ACTION_CREATED = "action_created", _("created a joint action")
        ACTION_CHANGED = "action_changed", _("changed a joint action")
        ACTION_UPDATE_POSTED = "action_update_posted", _("posted an update on a joint action")
        CONTRIBUTION_ADDED = "contribution_added", _("recorded a contribution")
        CONTRIBUTION_REMOVED = "contribution_removed", _("removed a contribution")
        REPORT_REQUESTED = "report_requested", _("asked for a PDF report")
        REPORT_PUBLISHED = "report_published", _("published a report")
        REPORT_RETRIED = "report_retried", _("asked again for a stalled report")
        SURVEY_ROUND_CREATED = "survey_round_created", _("prepared a survey round")
        SURVEY_ROUND_CHANGED = "survey_round_changed", _("changed the dates of a survey round")
        SURVEY_QUESTION_ADDED = "survey_question_added", _("added a question to a survey round")
        SURVEY_QUESTION_REMOVED = (
            "survey_question_removed",
            _("removed a question from a survey round"),
        )
        SURVEY_ROUND_OPENED = "survey_round_opened", _("opened a survey round")
        SURVEY_ROUND_CLOSED = "survey_round_closed", _("closed a survey round")
        SURVEY_ANSWERED = "survey_answered", _("answered a survey round")
        HEALTH_ACTION_ADDED = "health_action_added", _("added an action to the health plan")
        HEALTH_ACTION_CHANGED = (
            "health_action_changed",
            _("followed up an action of the health plan"),
        )
        STRATEGY_RECORDED = "strategy_recorded", _("recorded a strategy")
        STRATEGY_CHANGED = "strategy_changed", _("changed a strategy")
        COHERENCE_SCORED = "coherence_scored", _("scored a strategy against an objective")
        SCORE_QUESTIONED = "score_questioned", _("questioned a coherence score")
        MEETING_SCHEDULED = "meeting_scheduled", _("scheduled a meeting")
        MEETING_CHANGED = "meeting_changed", _("changed a meeting")
        MEETING_CANCELLED = "meeting_cancelled", _("cancelled a meeting")
        AGENDA_ITEM_ADDED = "agenda_item_added", _("added an item to a meeting's agenda")
        AGENDA_ITEM_PROPOSED = "agenda_item_proposed", _("proposed an item for a meeting")
        AGENDA_ITEM_ANSWERED = "agenda_item_answered", _("answered a proposed agenda item")
        ATTENDANCE_ANSWERED = "attendance_answered", _("said who will attend a meeting")
        MEETING_CLOSED = "meeting_closed", _("closed a meeting with its minutes")
        MINUTES_OBJECTED = "minutes_objected", _("objected to the minutes of a meeting")
        MINUTES_APPROVED = "minutes_approved", _("approved the minutes of a meeting")
        FOLLOW_UP_TASK_DONE = "follow_up_task_done", _("marked a follow-up task done")
        IATI_PUBLISHED = "iati_published", _("published the cluster's IATI file")
        IATI_UNPUBLISHED = "iati_unpublished", _("withdrew the cluster's IATI file")

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE, related_name="audit"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=60, choices=Action.choices)
    # What the action was on: its name at the time (shown if it is gone since), and which
    # row it is, so that the page names it as it is now and in the reader's language.
    target = models.CharField(_("about"), max_length=300, blank=True)
    object_type = models.CharField(_("type of object"), max_length=100, blank=True)
    object_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    # Values, never sentences: {"changes": {field: [before, after]}, ...}, put in words
    # when the entry is read (clusters.audit.details_of).
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["cluster", "-created_at"], name="audit_cluster_recent"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target}"
