"""What the API's read endpoints answer: the fields a program reads, with codes rather
than labels (a status is "open", not "Open for positions"), dates in ISO 8601."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from clusters.models import Cluster, Membership
from indicators.models import Indicator, Objective, ReportingPeriod, cell_label, parse_cell
from planning.models import Decision, JointAction, Proposal
from reports.models import ReportJob
from rights.models import Cause, DutyBearer, RightsHolderGroup, RightsIssue

# The endpoints under a cluster, by the key of a cluster's "links".
CLUSTER_LINKS = (
    "members",
    "objectives",
    "indicators",
    "periods",
    "rights-issues",
    "proposals",
    "joint-actions",
    "reports",
)
# What an institution reads of a cluster, besides the cluster itself.
INSTITUTION_LINKS = ("reports",)


class ClusterSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:cluster-detail", lookup_field="slug", lookup_url_kwarg="slug"
    )
    links = serializers.SerializerMethodField()

    class Meta:
        model = Cluster
        fields = [
            "slug",
            "name",
            "kind",
            "status",
            "territory",
            "country",
            "dac_sector",
            "time_zone",
            "url",
            "links",
        ]

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "string"}})
    def get_links(self, cluster: Cluster) -> dict[str, str]:
        """The endpoints of the cluster's data this person may read: all of them for its
        readers, its reports only for an institution (``can_read`` in the context: the
        view's answer from clusters.access)."""
        request = self.context["request"]
        names = CLUSTER_LINKS if self.context["can_read"](cluster) else INSTITUTION_LINKS
        return {
            name: reverse(f"api:{name}", kwargs={"slug": cluster.slug}, request=request)
            for name in names
        }


class MemberSerializer(serializers.ModelSerializer):
    entity = serializers.CharField(source="actor.name")
    entity_slug = serializers.CharField(source="actor.slug")
    entity_kind = serializers.CharField(source="actor.kind")
    iati_identifier = serializers.CharField(source="actor.iati_identifier")

    class Meta:
        model = Membership
        fields = [
            "entity",
            "entity_slug",
            "entity_kind",
            "iati_identifier",
            "role",
            "status",
            "joined_at",
        ]


class ObjectiveSerializer(serializers.ModelSerializer):
    rights_issues = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    sdg_targets = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")

    class Meta:
        model = Objective
        fields = ["code", "statement", "status", "adopted_at", "rights_issues", "sdg_targets"]


class IndicatorSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    objective = serializers.SlugRelatedField(read_only=True, slug_field="code")
    disaggregation = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = [
            "id",
            "code",
            "name",
            "objective",
            "type",
            "measure",
            "unit",
            "direction",
            "aggregation",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "disaggregation",
            "url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, indicator: Indicator) -> str:
        kwargs = {"slug": self.context["view"].cluster.slug, "pk": indicator.pk}
        return reverse("api:indicator-detail", kwargs=kwargs, request=self.context["request"])

    @extend_schema_field(
        {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}
    )
    def get_disaggregation(self, indicator: Indicator) -> dict[str, list[str]]:
        """Each dimension it is broken down by, with its values: {"sex": ["female", ...]}."""
        return {
            name: [value for value, _label in values] for name, values in indicator.dimensions()
        }


class CellSerializer(serializers.Serializer):
    key = serializers.CharField(help_text='The cell, e.g. "sex=female|age=children".')
    dimensions = serializers.DictField(
        child=serializers.CharField(), help_text='Its value of each dimension: {"sex": "female"}.'
    )
    label = serializers.CharField(help_text="Its name in the language of the request.")
    value = serializers.DecimalField(max_digits=16, decimal_places=2)
    reports = serializers.IntegerField(help_text="The validated reports that give this cell.")
    weighted = serializers.BooleanField()


class TextSerializer(serializers.Serializer):
    entity = serializers.CharField()
    text = serializers.CharField()


class PeriodValueSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    due = serializers.DateField()
    locked = serializers.BooleanField()
    value = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        allow_null=True,
        help_text="The validated total of the period, over every entity; null for none.",
    )
    weighted = serializers.BooleanField(
        help_text="False for a percentage averaged unweighted (a report gave no denominator)."
    )
    reports = serializers.IntegerField(help_text="The validated reports of the period.")
    cells = CellSerializer(many=True)
    texts = TextSerializer(
        many=True, help_text="A qualitative indicator's validated situation, by entity."
    )


def cell_rows(cells: dict) -> list[dict]:
    """The cells of a period (indicators.progress.CellTotal by key) as the API gives them."""
    return [
        {
            "key": key,
            "dimensions": parse_cell(key),
            "label": cell_label(key),
            "value": total.value,
            "reports": total.reports,
            "weighted": total.weighted,
        }
        for key, total in cells.items()
    ]


class IndicatorDetailSerializer(IndicatorSerializer):
    periods = serializers.SerializerMethodField()

    class Meta(IndicatorSerializer.Meta):
        fields = [*IndicatorSerializer.Meta.fields, "periods"]

    @extend_schema_field(PeriodValueSerializer(many=True))
    def get_periods(self, indicator: Indicator) -> list[dict]:
        return PeriodValueSerializer(indicator.period_rows, many=True).data


class PeriodSerializer(serializers.ModelSerializer):
    locked = serializers.BooleanField(source="is_locked")

    class Meta:
        model = ReportingPeriod
        fields = ["start", "end", "due", "locked", "locked_at"]


class CauseSerializer(serializers.ModelSerializer):
    consequences = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    leads_to = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    responsible = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Cause
        fields = ["id", "level", "description", "consequences", "leads_to", "responsible"]


class HolderGroupSerializer(serializers.ModelSerializer):
    counts = serializers.SerializerMethodField()

    class Meta:
        model = RightsHolderGroup
        fields = ["name", "description", "counts"]

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "integer"}})
    def get_counts(self, group: RightsHolderGroup) -> dict[str, int]:
        """People known in each cell: {"sex=female|age=adults": 40}."""
        return group.cell_counts()


class DutyBearerSerializer(serializers.ModelSerializer):
    entity = serializers.CharField(source="membership.actor.name", default=None)

    class Meta:
        model = DutyBearer
        fields = ["id", "entity", "outside_body", "obligation", "description"]


class RightsIssueSerializer(serializers.ModelSerializer):
    rights = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    sdg_targets = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    consequences = serializers.SerializerMethodField()
    causes = CauseSerializer(many=True, read_only=True)
    rights_holders = HolderGroupSerializer(many=True, read_only=True, source="holder_groups")
    duty_bearers = DutyBearerSerializer(many=True, read_only=True)

    class Meta:
        model = RightsIssue
        fields = [
            "id",
            "label",
            "number",
            "version",
            "title",
            "description",
            "territory",
            "status",
            "validated_at",
            "rights",
            "sdg_targets",
            "consequences",
            "causes",
            "rights_holders",
            "duty_bearers",
        ]

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"id": {"type": "integer"}, "description": {"type": "string"}},
            },
        }
    )
    def get_consequences(self, issue: RightsIssue) -> list[dict]:
        return [{"id": c.pk, "description": c.description} for c in issue.consequences.all()]


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = [
            "round",
            "outcome",
            "reason",
            "rule",
            "quorum",
            "threshold",
            "majority",
            "agree",
            "abstain",
            "disagree",
            "block",
            "eligible",
            "quorum_reached",
            "minutes",
            "review_date",
            "decided_at",
        ]


class ProposalSerializer(serializers.ModelSerializer):
    proposer = serializers.CharField(source="proposer.actor.name")
    objectives = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    rights_issues = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id",
            "title",
            "description",
            "rationale",
            "subject",
            "status",
            "round",
            "opens_at",
            "closes_at",
            "proposer",
            "objectives",
            "rights_issues",
            "estimated_cost",
            "created_at",
            "decisions",
        ]


class JointActionSerializer(serializers.ModelSerializer):
    objective = serializers.SlugRelatedField(read_only=True, slug_field="code")
    indicators = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    lead = serializers.CharField(source="lead.actor.name")
    participants = serializers.SerializerMethodField()

    class Meta:
        model = JointAction
        fields = [
            "id",
            "title",
            "description",
            "objective",
            "indicators",
            "lead",
            "participants",
            "territory",
            "start",
            "end",
            "budget",
            "status",
            "progress",
            "gender_marker",
        ]

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_participants(self, action: JointAction) -> list[str]:
        return [membership.actor.name for membership in action.participants.all()]


class ReportSerializer(serializers.ModelSerializer):
    period = serializers.SlugRelatedField(read_only=True, slug_field="start")
    download = serializers.SerializerMethodField()
    file = serializers.SerializerMethodField()

    class Meta:
        model = ReportJob
        fields = [
            "id",
            "kind",
            "language",
            "period",
            "date_from",
            "date_to",
            "pages",
            "size",
            "checksum",
            "published_at",
            "file",
            "download",
        ]

    def _job_kwargs(self, job: ReportJob) -> dict:
        return {"slug": job.cluster.slug, "pk": job.pk}

    @extend_schema_field(OpenApiTypes.URI)
    def get_file(self, job: ReportJob) -> str:
        """The PDF through the API (a token is enough)."""
        request = self.context["request"]
        return reverse("api:report-file", kwargs=self._job_kwargs(job), request=request)

    @extend_schema_field(OpenApiTypes.URI)
    def get_download(self, job: ReportJob) -> str:
        """The PDF on the report pages, for a person logged in (a link to share)."""
        request = self.context["request"]
        return reverse("reports:download", kwargs=self._job_kwargs(job), request=request)


class RootSerializer(serializers.Serializer):
    clusters = serializers.URLField(help_text="The clusters you may see.")
    schema = serializers.URLField(help_text="The OpenAPI 3 schema of this API.")
    docs = serializers.URLField(help_text="The schema's documentation page.")


class IatiProblemsSerializer(serializers.Serializer):
    detail = serializers.CharField()
    problems = serializers.ListField(child=serializers.CharField())
