"""The catalogue of rights and SDGs, and each cluster's analysis of the rights violated.

Catalogue texts are stored once per language (``title_ca``, ``title_es``, ``title_en``)
and read through ``Translated.tr``; they come from data migrations, not from users.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThanOrEqual
from django.urls import reverse
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster, Membership
from core.dimensions import AGE_BANDS, SEXES, is_known_cell  # noqa: F401 (read from here)
from rights import chains
from rights.holders import CountTable, Total, count_tables, group_total

LANGUAGE_CODES = ("ca", "es", "en")


def current_language() -> str:
    code = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return code if code in LANGUAGE_CODES else "en"


class Translated(models.Model):
    """A catalogue row whose texts exist in Catalan, Spanish and English."""

    class Meta:
        abstract = True

    def tr(self, field: str) -> str:
        return getattr(self, f"{field}_{current_language()}") or getattr(self, f"{field}_en")


class Instrument(Translated):
    class Kind(models.TextChoices):
        DECLARATION = "declaration", _("Declaration")
        TREATY = "treaty", _("Treaty")

    code = models.CharField(_("code"), max_length=16, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    abbreviation_ca = models.CharField(max_length=20, verbose_name=_("abbreviation (Catalan)"))
    abbreviation_es = models.CharField(max_length=20, verbose_name=_("abbreviation (Spanish)"))
    abbreviation_en = models.CharField(max_length=20, verbose_name=_("abbreviation (English)"))
    name_ca = models.CharField(max_length=300, verbose_name=_("name (Catalan)"))
    name_es = models.CharField(max_length=300, verbose_name=_("name (Spanish)"))
    name_en = models.CharField(max_length=300, verbose_name=_("name (English)"))

    class Meta:
        verbose_name = _("human rights instrument")
        verbose_name_plural = _("human rights instruments")
        ordering = ["year", "code"]

    def __str__(self) -> str:
        return self.abbreviation

    @property
    def abbreviation(self) -> str:
        return self.tr("abbreviation")

    @property
    def name(self) -> str:
        return self.tr("name")


class SDGText(Translated):
    """An SDG goal, target or indicator: a title in three languages, and where the Catalan
    one is missing in the source, the language it falls back to."""

    title_ca = models.TextField()
    title_es = models.TextField()
    title_en = models.TextField()
    ca_source = models.CharField(max_length=2, default="ca")

    class Meta:
        abstract = True

    @property
    def title(self) -> str:
        return self.tr("title")

    @property
    def is_fallback(self) -> bool:
        return current_language() == "ca" and self.ca_source != "ca"


class SDGGoal(SDGText):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)

    class Meta:
        verbose_name = _("SDG goal")
        verbose_name_plural = _("SDG goals")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class SDGTarget(SDGText):
    goal = models.ForeignKey(
        SDGGoal, on_delete=models.PROTECT, related_name="targets", verbose_name=_("goal")
    )
    code = models.CharField(_("code"), max_length=10, unique=True)
    position = models.PositiveSmallIntegerField(verbose_name=_("position"))

    class Meta:
        verbose_name = _("SDG target")
        verbose_name_plural = _("SDG targets")
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class SDGIndicator(SDGText):
    target = models.ForeignKey(
        SDGTarget, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("target")
    )
    code = models.CharField(_("code"), max_length=12, unique=True)
    position = models.PositiveSmallIntegerField(verbose_name=_("position"))

    class Meta:
        verbose_name = _("SDG indicator")
        verbose_name_plural = _("SDG indicators")
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Right(Translated):
    """An article of a human rights instrument (the UDHR's preamble counts as one)."""

    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="rights", verbose_name=_("instrument")
    )
    code = models.CharField(_("code"), max_length=40, unique=True)
    article = models.CharField(_("article"), max_length=20)
    position = models.PositiveSmallIntegerField(verbose_name=_("position"))
    title_ca = models.CharField(max_length=300, verbose_name=_("title (Catalan)"))
    title_es = models.CharField(max_length=300, verbose_name=_("title (Spanish)"))
    title_en = models.CharField(max_length=300, verbose_name=_("title (English)"))
    text_ca = models.TextField(blank=True, verbose_name=_("text (Catalan)"))
    text_es = models.TextField(blank=True, verbose_name=_("text (Spanish)"))
    text_en = models.TextField(blank=True, verbose_name=_("text (English)"))
    sdg_targets = models.ManyToManyField(
        SDGTarget, related_name="rights", blank=True, verbose_name=_("SDG targets")
    )

    class Meta:
        verbose_name = _("right")
        verbose_name_plural = _("rights")
        ordering = ["instrument__year", "instrument__code", "position"]

    def __str__(self) -> str:
        return f"{self.reference} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("rights:right-detail", args=[self.code])

    @property
    def title(self) -> str:
        return self.tr("title")

    @property
    def text(self) -> str:
        return self.tr("text")

    @property
    def reference(self) -> str:
        # Outside the f-strings, so that makemessages finds them: "DUDH, preàmbul".
        if self.article == "preamble":
            preamble = _("preamble")
            return f"{self.instrument.abbreviation}, {preamble}"
        article = _("art.")
        return f"{self.instrument.abbreviation} {article} {self.article}"


# A link between a cause and what it leads to, as the history and the audit log say it.
LINK_WORDS = {
    "leads_to": _("“%(cause)s” leads to “%(to)s”"),
    "consequences": _("“%(cause)s” produces “%(to)s”"),
    "responsible": _("“%(to)s” answers for “%(cause)s”"),
}


def link_words(link: dict) -> str:
    words = LINK_WORDS.get(link.get("kind"))
    return str(words) % link if words else str(link)


def validate_cell(key: str) -> None:
    if not is_known_cell(key):
        raise ValidationError(_("%(key)s is not a cell of the dimensions."), params={"key": key})


class GeneralCommentManager(models.Manager["GeneralComment"]):
    """General Comments by body in the order of the treaties, then by number: the
    catalogue, the issue form's groups and every list of them read so (also through
    ``right.general_comments`` and its prefetch, which use this manager)."""

    def get_queryset(self) -> models.QuerySet[GeneralComment]:
        bodies = GeneralComment.Body.values
        position = Case(
            *(When(body=body, then=Value(i)) for i, body in enumerate(bodies)),
            output_field=models.IntegerField(),
        )
        return super().get_queryset().order_by(position, "number")


class GeneralComment(Translated):
    """A General Comment or General Recommendation of a UN treaty body: what the articles
    it interprets mean, as the committee reads them."""

    # In the order of their treaties, as the instruments are listed (ICERD 1965 first).
    class Body(models.TextChoices):
        CERD = "CERD", _("Committee on the Elimination of Racial Discrimination")
        CESCR = "CESCR", _("Committee on Economic, Social and Cultural Rights")
        CCPR = "CCPR", _("Human Rights Committee")
        CEDAW = "CEDAW", _("Committee on the Elimination of Discrimination against Women")
        CAT = "CAT", _("Committee against Torture")
        CRC = "CRC", _("Committee on the Rights of the Child")
        CMW = "CMW", _("Committee on Migrant Workers")
        CRPD = "CRPD", _("Committee on the Rights of Persons with Disabilities")
        CED = "CED", _("Committee on Enforced Disappearances")

    class Kind(models.TextChoices):
        GENERAL_COMMENT = "general_comment", _("general comment")
        GENERAL_RECOMMENDATION = "general_recommendation", _("general recommendation")

    body = models.CharField(_("treaty body"), max_length=8, choices=Body.choices)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(_("number"))
    year = models.PositiveSmallIntegerField(_("year"))
    symbol = models.CharField(_("UN document symbol"), max_length=60, blank=True)
    title_ca = models.CharField(max_length=300, verbose_name=_("title (Catalan)"))
    title_es = models.CharField(max_length=300, verbose_name=_("title (Spanish)"))
    title_en = models.CharField(max_length=300, verbose_name=_("title (English)"))
    # Joint comments (CEDAW/CRC, CMW/CRC) are listed under each body, this names the other.
    joint_with = models.CharField(_("joint with"), max_length=40, blank=True)
    articles = models.ManyToManyField(
        Right,
        related_name="general_comments",
        blank=True,
        verbose_name=_("articles it interprets"),
    )

    objects = GeneralCommentManager()

    class Meta:
        verbose_name = _("general comment")
        verbose_name_plural = _("general comments")
        ordering = ["body", "number"]
        constraints = [
            models.UniqueConstraint(fields=["body", "number"], name="generalcomment_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.label} · {self.title}"

    @property
    def title(self) -> str:
        return self.tr("title")

    # How a citation names the kind, like the instruments' abbreviations: part of the
    # catalogue, in its three languages, rather than of the interface's translations.
    KIND_NAMES = {
        Kind.GENERAL_COMMENT: {
            "ca": "Observació general",
            "es": "Observación general",
            "en": "General comment",
        },
        Kind.GENERAL_RECOMMENDATION: {
            "ca": "Recomanació general",
            "es": "Recomendación general",
            "en": "General recommendation",
        },
    }

    @property
    def label(self) -> str:
        """The citation in the reader's language: "CESCR, Observació general 4"."""
        kind = self.KIND_NAMES[self.kind][current_language()]
        return f"{self.body}, {kind} {self.number}"

    @property
    def code(self) -> str:
        """A language-free reference for exports and the history: "CESCR-GC-4"."""
        short = "GR" if self.kind == self.Kind.GENERAL_RECOMMENDATION else "GC"
        return f"{self.body}-{short}-{self.number}"

    @property
    def body_name(self) -> str:
        return self.get_body_display()


# The parts of an issue's analysis, each edited on a page of its own.
PART_NAMES = {
    "consequences": _("Consequences"),
    "causes": _("Causes"),
    "groups": _("Rights-holders"),
    "duty-bearers": _("Duty-bearers"),
    "gaps": _("Capacity gaps"),
    "references": _("Outside references"),
    "gender": _("Gender analysis"),
    "participation": _("Participation"),
}


# The gender analysis in parts: (field, heading). Each is required before validation.
GENDER_PARTS = (
    ("gender_impact", _("Differential impact")),
    ("gender_roles", _("Gendered roles and division of labour")),
    ("gender_resources", _("Access to and control of resources")),
    ("gender_participation", _("Participation in decisions")),
    ("gender_violence", _("Gender-based violence risks")),
    ("gender_intersections", _("Intersecting grounds")),
)
GENDER_FIELDS = tuple(name for name, _label in GENDER_PARTS)
# The shortest text that can say something about a part ("n/a", "-", "see above" cannot).
GENDER_PART_MIN_LENGTH = 40


def gender_text_problem(label: str, text: str) -> str | None:
    """What is wrong with the text of one part of the gender analysis, naming the part, or
    None when it is real content: at least GENDER_PART_MIN_LENGTH characters once the
    spaces are collapsed, and mostly words (at least half that many letters), not only
    dashes, dots or figures. The one rule: validation, the form and (its length, as far as
    SQL can say it) the database check all apply it."""
    words = " ".join(text.split())
    if not words:
        return gettext("Gender analysis, “%(part)s”: not written yet.") % {"part": label}
    if sum(char.isalpha() for char in words) < GENDER_PART_MIN_LENGTH // 2:
        return gettext(
            "Gender analysis, “%(part)s”: write it in words, not only signs or figures."
        ) % {"part": label}
    if len(words) < GENDER_PART_MIN_LENGTH:
        return gettext(
            "Gender analysis, “%(part)s”: too short; write at least %(min)s characters."
        ) % {"part": label, "min": GENDER_PART_MIN_LENGTH}
    return None


def gender_field(label: str, help_text: str) -> models.TextField:
    return models.TextField(label, max_length=5000, blank=True, help_text=help_text)


def gender_parts_written() -> Q:
    """The database's side of gender_text_problem: every part, trimmed, long enough."""
    condition = Q()
    for name in GENDER_FIELDS:
        condition &= Q(GreaterThanOrEqual(Length(Trim(name)), GENDER_PART_MIN_LENGTH))
    return condition


class RightsIssueQuerySet(models.QuerySet["RightsIssue"]):
    def current(self) -> RightsIssueQuerySet:
        """The newest version of each issue."""
        return self.filter(next_version__isnull=True)

    def with_parts(self) -> RightsIssueQuerySet:
        """Each issue with every part of its analysis, in a fixed number of queries: what
        the issue page and the export show."""
        return self.prefetch_related(
            models.Prefetch("rights", queryset=Right.objects.select_related("instrument")),
            models.Prefetch("sdg_targets", queryset=SDGTarget.objects.select_related("goal")),
            "consequences",
            models.Prefetch("causes", queryset=Cause.objects.with_links()),
            "holder_groups__counts",
            "duty_bearers__membership__actor",
            models.Prefetch(
                "capacity_gaps",
                queryset=CapacityGap.objects.select_related(
                    "holder_group", "duty_bearer__membership__actor"
                ),
            ),
            "evidence",
            "general_comments",
            "outside_references",
            models.Prefetch(
                "participation",
                queryset=Participation.objects.prefetch_related(
                    "holder_groups",
                    models.Prefetch(
                        "memberships", queryset=Membership.objects.select_related("actor")
                    ),
                ),
            ),
        )

    def in_force(self) -> RightsIssueQuerySet:
        """The newest version of each issue and, while a new draft revises it, the
        validated version that still stands."""
        return self.filter(
            Q(next_version__isnull=True)
            | Q(status=RightsIssue.Status.VALIDATED, next_version__status=RightsIssue.Status.DRAFT)
        )


class RightsIssue(models.Model):
    """A right violated in the cluster's territory, analysed with the HRBA method."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        VALIDATED = "validated", _("Validated")

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE, related_name="rights_issues"
    )
    number = models.PositiveIntegerField(_("number"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous_version = models.OneToOneField(
        "self",
        verbose_name=_("previous version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=10000)
    territory = models.CharField(_("territory"), max_length=200, blank=True)
    rights = models.ManyToManyField(Right, verbose_name=_("rights"), related_name="issues")
    sdg_targets = models.ManyToManyField(
        SDGTarget, verbose_name=_("SDG targets"), related_name="issues", blank=True
    )
    general_comments = models.ManyToManyField(
        GeneralComment, verbose_name=_("general comments"), related_name="issues", blank=True
    )
    gender_impact = gender_field(
        _("differential impact"),
        _(
            "How the violation affects women, men and non-binary people differently: who is "
            "affected, how often and how hard. Give figures by sex where you have them."
        ),
    )
    gender_roles = gender_field(
        _("gendered roles and division of labour"),
        _(
            "Who does the paid and the unpaid work (care of children and elders, housework, "
            "dealing with the administration) and how the violation changes that load."
        ),
    )
    gender_resources = gender_field(
        _("access to and control of resources"),
        _(
            "Who has income, property, savings, credit, time, information and networks, and "
            "who decides over them; how that shapes who can claim the right."
        ),
    )
    gender_participation = gender_field(
        _("participation in decisions"),
        _(
            "Who takes part and who speaks in the decisions that matter here (in the "
            "household, the community, the entities, the institutions) and what keeps "
            "others out: schedules, care, language, fear."
        ),
    )
    gender_violence = gender_field(
        _("gender-based violence risks"),
        _(
            "The risks of physical, sexual, psychological or economic violence that the "
            "violation creates or worsens (depending on an aggressor for a roof, harassment "
            "by a landlord) and how the response keeps people safe."
        ),
    )
    gender_intersections = gender_field(
        _("intersecting grounds"),
        _(
            "Age, disability, origin, migration status, ethnicity and other grounds that "
            "combine with gender and deepen the violation for some people."
        ),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validated by"),
    )

    objects = RightsIssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("rights issue")
        verbose_name_plural = _("rights issues")
        ordering = ["-number", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "number", "version"], name="rightsissue_unique_version"
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | (gender_parts_written() & Q(validated_at__isnull=False)),
                name="rightsissue_validated_has_gender_analysis",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("rights:issue-detail", args=[self.cluster.slug, self.pk])

    @property
    def label(self) -> str:
        return f"RI-{self.number}" + (f" v{self.version}" if self.version > 1 else "")

    @classmethod
    def audit_words(cls, key: str, value: object) -> str | None:
        """A detail of the audit log in the reader's words (clusters.audit.details_of)."""
        if key == "part" and value in PART_NAMES:
            return str(PART_NAMES[value])
        if key in ("links_made", "links_unmade") and isinstance(value, list):
            return "; ".join(link_words(link) for link in value)
        return None

    @cached_property
    def cause_chains(self) -> list[chains.CauseChain]:
        """Its causes with what each leads to, who answers for it and what its chain
        misses (rights.chains), for the issue page and the dossier."""
        return chains.issue_chains(self)

    def consequence_refs(self) -> dict[int, str]:
        """C1, C2… for its consequences in their order: the labels of the problem tree,
        which the issue page and the export use to say what each cause produces."""
        return {c.pk: f"C{n}" for n, c in enumerate(self.consequences.all(), start=1)}

    def gaps_by_side(self) -> list[tuple[str, list[CapacityGap]]]:
        """(side label, its gaps) for each side with gaps, the rights-holders' first: from
        the prefetched gaps (RightsIssueQuerySet.with_parts)."""
        gaps = list(self.capacity_gaps.all())
        sides = (CapacityGap.Side.RIGHTS_HOLDERS, CapacityGap.Side.DUTY_BEARERS)
        grouped = [(side.label, [gap for gap in gaps if gap.side == side]) for side in sides]
        return [(label, found) for label, found in grouped if found]

    def gender_sections(self) -> list[tuple[str, str, str]]:
        """(field, heading, text) of each part of the gender analysis, in order."""
        return [(name, label, getattr(self, name)) for name, label in GENDER_PARTS]

    def gender_problems(self) -> list[str]:
        """What the gender analysis still lacks: one sentence while nothing is written,
        else a sentence for each part that is not real content yet."""
        if not any(getattr(self, name).strip() for name in GENDER_FIELDS):
            return [gettext("The gender analysis is missing.")]
        found = (gender_text_problem(label, text) for _n, label, text in self.gender_sections())
        return [problem for problem in found if problem]

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_validated(self) -> bool:
        return self.status == self.Status.VALIDATED


class Consequence(models.Model):
    issue = models.ForeignKey(
        RightsIssue, on_delete=models.CASCADE, related_name="consequences", verbose_name=_("issue")
    )
    description = models.CharField(_("consequence"), max_length=500)

    class Meta:
        verbose_name = _("consequence")
        verbose_name_plural = _("consequences")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description


class CauseQuerySet(models.QuerySet["Cause"]):
    def with_links(self) -> CauseQuerySet:
        """Each cause with what it produces and who answers for it, in a fixed number of
        queries: the problem tree, the chain flags and the causes form read these."""
        return self.prefetch_related(
            "consequences",
            "leads_to",
            "led_from",
            models.Prefetch(
                "responsible", queryset=DutyBearer.objects.select_related("membership__actor")
            ),
        )


class Cause(models.Model):
    class Level(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediate")
        UNDERLYING = "underlying", _("Underlying")
        STRUCTURAL = "structural", _("Structural")

    issue = models.ForeignKey(
        RightsIssue, on_delete=models.CASCADE, related_name="causes", verbose_name=_("issue")
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    description = models.CharField(_("cause"), max_length=500)
    # Only immediate causes produce consequences (rights.chains). Links an underlying or
    # structural cause had to consequences before the chains existed are kept and still
    # shown where they were; the causes form no longer offers consequences to those
    # causes, so nobody adds new ones, and they go when the cause is deleted.
    consequences = models.ManyToManyField(
        Consequence, verbose_name=_("consequences it produces"), related_name="causes", blank=True
    )
    # The causes of the level above that this one produces: structural -> underlying,
    # underlying -> immediate (rights.chains.LEVEL_ABOVE), within the same issue.
    leads_to = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="led_from",
        blank=True,
        verbose_name=_("causes it leads to"),
    )
    responsible = models.ManyToManyField(
        "DutyBearer",
        related_name="causes",
        blank=True,
        verbose_name=_("duty-bearers responsible"),
    )

    objects = CauseQuerySet.as_manager()

    class Meta:
        verbose_name = _("cause")
        verbose_name_plural = _("causes")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=["immediate", "underlying", "structural"]),
                name="cause_level_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    def produces(self, refs: dict[int, str]) -> str:
        """The consequences it leads to, by their refs (RightsIssue.consequence_refs) in
        their order, C1 before C2, as the problem tree lists them."""
        linked = {c.pk for c in self.consequences.all()}
        return ", ".join(ref for pk, ref in refs.items() if pk in linked)


class RightsHolderGroup(models.Model):
    """People whose right is violated, counted by the dimensions the cluster chooses
    (Cluster.holder_dimensions): a RightsHolderCount per cell known."""

    issue = models.ForeignKey(
        RightsIssue, on_delete=models.CASCADE, related_name="holder_groups", verbose_name=_("issue")
    )
    name = models.CharField(_("group"), max_length=200)
    description = models.CharField(_("description"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("rights-holder group")
        verbose_name_plural = _("rights-holder groups")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def cell_counts(self) -> dict[str, int]:
        """{cell key: count} of the cells known (prefetch ``holder_groups__counts``)."""
        return {row.cell: row.count for row in self.counts.all()}

    @cached_property
    def tables(self) -> list[CountTable]:
        """Its counts by each breakdown the cluster asks for, and any kept from before."""
        return count_tables(self.cell_counts(), self.issue.cluster.holder_dimensions())

    @property
    def total(self) -> Total:
        return group_total(self.tables)


class RightsHolderCount(models.Model):
    """How many people of a group are in one cell ("sex=female|age=adults"). A cell with
    no row is unknown: a count is stored only when someone knows it, and 0 means none."""

    group = models.ForeignKey(
        RightsHolderGroup, on_delete=models.CASCADE, related_name="counts", verbose_name=_("group")
    )
    cell = models.CharField(_("cell"), max_length=100, validators=[validate_cell])
    count = models.PositiveIntegerField(_("people"))

    class Meta:
        verbose_name = _("count of rights-holders")
        verbose_name_plural = _("counts of rights-holders")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "cell"], name="rightsholdercount_one_per_cell")
        ]

    def __str__(self) -> str:
        return f"{self.cell}: {self.count}"


class DutyBearer(models.Model):
    class Obligation(models.TextChoices):
        RESPECT = "respect", _("Respect")
        PROTECT = "protect", _("Protect")
        FULFIL = "fulfil", _("Fulfil")

    issue = models.ForeignKey(
        RightsIssue, on_delete=models.CASCADE, related_name="duty_bearers", verbose_name=_("issue")
    )
    membership = models.ForeignKey(
        Membership,
        verbose_name=_("member entity"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outside_body = models.CharField(_("or an outside body"), max_length=200, blank=True)
    obligation = models.CharField(_("obligation"), max_length=10, choices=Obligation.choices)
    description = models.CharField(_("what the obligation requires"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("duty-bearer")
        verbose_name_plural = _("duty-bearers")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(membership__isnull=False) & Q(outside_body=""))
                | (Q(membership__isnull=True) & ~Q(outside_body="")),
                name="dutybearer_member_or_outside_body",
                violation_error_message=_(
                    "Choose a member entity or name an outside body: one of the two."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.membership.actor.name if self.membership_id else self.outside_body


class CapacityGap(models.Model):
    """What a rights-holder group lacks to claim its right, or a duty-bearer to meet its
    duty, typed as the UN Common Understanding on the HRBA (2003) types capacities."""

    class Side(models.TextChoices):
        RIGHTS_HOLDERS = "rights_holders", _("Rights-holders: to claim their right")
        DUTY_BEARERS = "duty_bearers", _("Duty-bearers: to meet their duty")

    class Type(models.TextChoices):
        RESPONSIBILITY = (
            "responsibility",
            _("Responsibility, motivation, commitment and leadership"),
        )
        AUTHORITY = "authority", _("Authority")
        RESOURCES = "resources", _("Access to and control of resources")
        COMMUNICATION = "communication", _("Capacity to communicate")
        KNOWLEDGE = "knowledge", _("Capacity to take rational decisions and learn")

    issue = models.ForeignKey(
        RightsIssue, on_delete=models.CASCADE, related_name="capacity_gaps", verbose_name=_("issue")
    )
    side = models.CharField(_("whose capacity"), max_length=16, choices=Side.choices)
    # Blank and unset only in gaps written before gaps had them: validation asks for both.
    type = models.CharField(_("type of capacity"), max_length=16, choices=Type.choices, blank=True)
    holder_group = models.ForeignKey(
        "RightsHolderGroup",
        verbose_name=_("rights-holder group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="capacity_gaps",
    )
    duty_bearer = models.ForeignKey(
        "DutyBearer",
        verbose_name=_("duty-bearer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="capacity_gaps",
    )
    description = models.CharField(_("what is lacking"), max_length=500)

    class Meta:
        verbose_name = _("capacity gap")
        verbose_name_plural = _("capacity gaps")
        ordering = ["side", "id"]
        constraints = [
            # A group only on the rights-holders' side, a duty-bearer only on the other.
            models.CheckConstraint(
                condition=(Q(holder_group__isnull=True) | Q(side="rights_holders"))
                & (Q(duty_bearer__isnull=True) | Q(side="duty_bearers")),
                name="capacitygap_tie_matches_side",
                violation_error_message=_(
                    "A rights-holders' gap is of a group, a duty-bearers' gap of a duty-bearer."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.description

    def clean(self) -> None:
        tie = self.tie
        if tie is not None and tie.issue_id != self.issue_id:
            raise ValidationError(_("Choose a group or a duty-bearer of this issue."))

    @property
    def tie(self) -> RightsHolderGroup | DutyBearer | None:
        """The group or duty-bearer whose capacity it is."""
        return self.holder_group if self.holder_group_id else self.duty_bearer

    @property
    def has_tie(self) -> bool:
        return self.holder_group_id is not None or self.duty_bearer_id is not None


class Participation(models.Model):
    """One way rights-holders took part in the analysis: a consultation, who was in it and
    how many people by sex. A count left empty is unknown, never zero."""

    class Method(models.TextChoices):
        INTERVIEWS = "interviews", _("Interviews")
        FOCUS_GROUP = "focus_group", _("Focus group")
        ASSEMBLY = "assembly", _("Assembly")
        SURVEY = "survey", _("Survey")
        WORKSHOP = "workshop", _("Workshop")
        OTHER = "other", _("Other")

    issue = models.ForeignKey(
        RightsIssue, on_delete=models.CASCADE, related_name="participation", verbose_name=_("issue")
    )
    method = models.CharField(_("how"), max_length=16, choices=Method.choices)
    held_on = models.DateField(_("when"))
    holder_groups = models.ManyToManyField(
        RightsHolderGroup,
        verbose_name=_("rights-holder groups consulted"),
        related_name="consultations",
        blank=True,
    )
    memberships = models.ManyToManyField(
        Membership,
        verbose_name=_("member entities consulted"),
        related_name="rights_consultations",
        blank=True,
    )
    others = models.CharField(_("others consulted"), max_length=300, blank=True)
    women = models.PositiveIntegerField(_("women"), null=True, blank=True)
    men = models.PositiveIntegerField(_("men"), null=True, blank=True)
    nonbinary = models.PositiveIntegerField(_("non-binary people"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=1000, blank=True)

    COUNT_FIELDS = ("women", "men", "nonbinary")

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("participation")
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} · {self.held_on}"

    def counts(self) -> list[int | None]:
        """People by sex in the order of COUNT_FIELDS; None where it is not known."""
        return [getattr(self, name) for name in self.COUNT_FIELDS]

    @property
    def known_total(self) -> int:
        """The people counted; an unknown count adds nothing (unknown_count says so)."""
        return sum(count for count in self.counts() if count is not None)

    @property
    def unknown_count(self) -> int:
        return sum(count is None for count in self.counts())


class OutsideReference(models.Model):
    """A document outside the catalogue that the analysis relies on: a treaty body's
    concluding observations, a Universal Periodic Review recommendation, a law, a ruling."""

    class Kind(models.TextChoices):
        CONCLUDING_OBSERVATIONS = (
            "concluding_observations",
            _("Treaty body concluding observations"),
        )
        UPR = "upr", _("Universal Periodic Review recommendation")
        LAW = "law", _("National or regional law")
        RULING = "ruling", _("Court ruling")
        OTHER = "other", _("Other")

    issue = models.ForeignKey(
        RightsIssue,
        on_delete=models.CASCADE,
        related_name="outside_references",
        verbose_name=_("issue"),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"))
    url = models.URLField(_("link"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("outside reference")
        verbose_name_plural = _("outside references")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return self.title


def evidence_path(instance: Evidence, filename: str) -> str:
    # A random name: the stored path reveals nothing and cannot collide.
    suffix = PurePath(filename).suffix.lower()
    return f"evidence/{instance.issue.cluster_id}/{uuid.uuid4().hex}{suffix}"


# The model of each part (the URL key of its page, as in PART_NAMES).
PART_MODELS: dict[str, type[models.Model]] = {
    "consequences": Consequence,
    "causes": Cause,
    "groups": RightsHolderGroup,
    "duty-bearers": DutyBearer,
    "gaps": CapacityGap,
    "references": OutsideReference,
    "participation": Participation,
}


class Evidence(models.Model):
    issue = models.ForeignKey(
        RightsIssue, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("issue")
    )
    title = models.CharField(_("source"), max_length=200)
    url = models.URLField(_("link"), blank=True, max_length=500)
    file = models.FileField(_("file"), upload_to=evidence_path, blank=True, max_length=200)
    original_name = models.CharField(max_length=200, blank=True, verbose_name=_("original name"))
    content_type = models.CharField(max_length=100, blank=True, verbose_name=_("content type"))
    size = models.PositiveIntegerField(default=0, verbose_name=_("size"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    # The entity that attached it: only its people (and the coordinator) remove it.
    added_for = models.ForeignKey(
        Membership,
        verbose_name=_("attached by the entity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    added_at = models.DateTimeField(auto_now_add=True, verbose_name=_("added at"))

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(file=""), name="evidence_has_link_or_file"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def removable_by(self, *, is_coordinator: bool, membership: Membership | None) -> bool:
        """The coordinator, or a representative of the entity that attached it (the entity
        the person acts for in the cluster, as chosen in the cluster bar)."""
        return is_coordinator or (membership is not None and membership.pk == self.added_for_id)


class RightsIssueChange(models.Model):
    """Who changed what in an issue, and when: the issue's history."""

    class Action(models.TextChoices):
        CREATED = "created", _("created the issue")
        EDITED = "edited", _("edited the issue")
        PART_EDITED = "part_edited", _("edited a part of the analysis")
        EVIDENCE_ADDED = "evidence_added", _("added evidence")
        EVIDENCE_REMOVED = "evidence_removed", _("removed evidence")
        VALIDATED = "validated", _("validated the issue")
        NEW_VERSION = "new_version", _("started a new version")

    issue = models.ForeignKey(
        RightsIssue, on_delete=models.CASCADE, related_name="changes", verbose_name=_("issue")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    action = models.CharField(max_length=20, choices=Action.choices, verbose_name=_("action"))
    part = models.CharField(max_length=30, blank=True, verbose_name=_("part"))
    details = models.JSONField(default=dict, blank=True, verbose_name=_("details"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("change to a rights issue")
        verbose_name_plural = _("changes to rights issues")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.issue} · {self.get_action_display()}"
