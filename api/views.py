"""The read side of the API, version 1: a cluster's data as its pages show it, to the same
people (clusters.access: an outsider gets 404, a role missing 403; no credentials 401).

Each endpoint under a cluster finds the cluster once, in ``initial`` (after DRF has
authenticated the request and checked its rate), then lists what the pages list, in a
fixed number of queries whatever the number of rows."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from api import filters
from api import serializers as s
from api.iati.validation import checked_file
from api.iati_views import iati_response
from api.services import iati_may_download
from clusters.access import cluster_for_reader, cluster_for_user
from clusters.models import Cluster, Membership
from indicators.models import Indicator, MeasurementReport, Objective, ReportingPeriod
from indicators.progress import period_cells, period_values
from planning.models import JointAction, Proposal
from reports.downloads import report_file_response
from reports.models import ReportJob
from rights.models import Cause, Right, RightsIssue

# The endpoints the root links to, by their key there.
ROOT_LINKS = ("clusters", "schema", "docs")


class ClusterList(generics.ListAPIView):
    """The clusters you coordinate or where one of your entities is an active member."""

    serializer_class = s.ClusterSerializer
    queryset = Cluster.objects.none()

    def get_queryset(self) -> QuerySet[Cluster]:
        return Cluster.objects.visible_to(self.request.user).order_by("name", "pk")

    def get_serializer_context(self) -> dict:
        # One query for the whole page: the clusters whose data this person reads (the
        # others are theirs as an institution only: their links are its reports).
        readable = set(Cluster.objects.readable_by(self.request.user).values_list("pk", flat=True))
        return {**super().get_serializer_context(), "can_read": lambda c: c.pk in readable}


class ClusterScoped(generics.GenericAPIView):
    """An endpoint of one cluster's data, for its readers (institutions: 403) unless
    ``access_rule`` says otherwise."""

    access_rule = staticmethod(cluster_for_reader)

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.cluster, self.access = self.access_rule(request, kwargs["slug"])

    def get_object(self):
        # DRF would pass Django's "No Proposal matches the given query." on: a class name,
        # in English whatever the language asked for.
        try:
            return super().get_object()
        except Http404:
            raise NotFound() from None


def _one(queryset: QuerySet, pk: int):
    """The row of the queryset with this pk; NotFound (its translated default) otherwise."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


class ClusterDetail(ClusterScoped, generics.RetrieveAPIView):
    """One cluster, for anyone inside it (institutions too)."""

    access_rule = staticmethod(cluster_for_user)
    serializer_class = s.ClusterSerializer
    queryset = Cluster.objects.none()

    def get_object(self) -> Cluster:
        return self.cluster

    def get_serializer_context(self) -> dict:
        can_read = self.access.can_read
        return {**super().get_serializer_context(), "can_read": lambda c: can_read}


class MemberList(ClusterScoped, generics.ListAPIView):
    """The cluster's active member entities, with their role."""

    serializer_class = s.MemberSerializer
    queryset = Membership.objects.none()

    def get_queryset(self) -> QuerySet[Membership]:
        return (
            self.cluster.memberships.active().select_related("actor").order_by("actor__name", "pk")
        )


class ObjectiveList(ClusterScoped, generics.ListAPIView):
    serializer_class = s.ObjectiveSerializer
    queryset = Objective.objects.none()

    def get_queryset(self) -> QuerySet[Objective]:
        return self.cluster.objectives.prefetch_related("rights_issues", "sdg_targets")


def _indicators(cluster: Cluster) -> QuerySet[Indicator]:
    return cluster.indicators.select_related("objective").order_by("code")


class IndicatorList(ClusterScoped, generics.ListAPIView):
    """The cluster's indicators; each one's periods and values at its ``url``."""

    serializer_class = s.IndicatorSerializer
    filterset_class = filters.IndicatorFilter
    queryset = Indicator.objects.none()

    def get_queryset(self) -> QuerySet[Indicator]:
        return _indicators(self.cluster)


PERIOD_PARAMETER = OpenApiParameter(
    "period",
    OpenApiTypes.DATE,
    description="Only the period that starts on this date (YYYY-MM-DD).",
)


class IndicatorDetail(ClusterScoped, generics.RetrieveAPIView):
    """An indicator with each reporting period it asks for and the period's validated
    values: its total over every entity (as the pages' progress adds them up) and its
    disaggregation cells. Submitted, returned or draft reports never count."""

    serializer_class = s.IndicatorDetailSerializer
    queryset = Indicator.objects.none()

    @extend_schema(parameters=[PERIOD_PARAMETER])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_object(self) -> Indicator:
        indicator = _one(_indicators(self.cluster), self.kwargs["pk"])
        periods = self.cluster.periods.order_by("start")
        start = self.request.query_params.get("period")
        if start is not None:
            periods = periods.filter(start=_period_start(start))
        indicator.period_rows = _period_rows(indicator, periods)
        return indicator


def _period_rows(indicator: Indicator, periods: QuerySet[ReportingPeriod]) -> list[dict]:
    """Each period the indicator asks for, with its validated values: the total by the
    rule of the pages' progress (indicators.progress), its cells, and how many validated
    reports made them; a qualitative indicator's validated texts. At most five queries
    whatever the number of periods."""
    totals = {pk: (v, w) for pk, _start, v, w in period_values([indicator]).get(indicator.pk, [])}
    cells = period_cells(indicator)
    counts = dict(
        MeasurementReport.objects.filter(
            indicator=indicator, status=MeasurementReport.Status.VALIDATED
        )
        .values("period_id")
        .annotate(n=Count("id"))
        .values_list("period_id", "n")
    )
    texts = _validated_texts(indicator) if not indicator.is_numeric else {}
    rows = []
    for period in periods:
        if not indicator.asks_for(period):
            continue
        value, weighted = totals.get(period.pk, (None, True))
        rows.append(
            {
                "start": period.start,
                "end": period.end,
                "due": period.due,
                "locked": period.is_locked,
                "value": value,
                "weighted": weighted,
                "reports": counts.get(period.pk, 0),
                "cells": s.cell_rows(cells.get(period.pk, {})),
                "texts": texts.get(period.pk, []),
            }
        )
    return rows


def _validated_texts(indicator: Indicator) -> dict[int, list[dict]]:
    """The validated situation each entity described, per period: what a qualitative
    indicator reports instead of a number."""
    texts: dict[int, list[dict]] = {}
    for report in (
        MeasurementReport.objects.filter(
            indicator=indicator, status=MeasurementReport.Status.VALIDATED
        )
        .exclude(text_value="")
        .select_related("membership__actor")
        .order_by("membership__actor__name")
    ):
        entry = {"entity": report.membership.actor.name, "text": report.text_value}
        texts.setdefault(report.period_id, []).append(entry)
    return texts


def _period_start(value: str):
    try:
        return serializers.DateField().to_internal_value(value)
    except ValidationError as error:
        raise ValidationError({"period": error.detail}) from None


class PeriodList(ClusterScoped, generics.ListAPIView):
    """The cluster's reporting periods, the newest first."""

    serializer_class = s.PeriodSerializer
    filterset_class = filters.PeriodFilter
    queryset = ReportingPeriod.objects.none()

    def get_queryset(self) -> QuerySet[ReportingPeriod]:
        return self.cluster.periods.order_by("-start")


class RightsIssueList(ClusterScoped, generics.ListAPIView):
    """The rights issues as the cluster's list shows them: the newest version of each, and
    with ``status=validated`` the validated versions in force (also while a new draft
    revises one)."""

    serializer_class = s.RightsIssueSerializer
    filterset_class = filters.RightsIssueFilter
    queryset = RightsIssue.objects.none()

    def get_queryset(self) -> QuerySet[RightsIssue]:
        issues = self.cluster.rights_issues.in_force()
        if self.request.query_params.get("status") != RightsIssue.Status.VALIDATED:
            issues = issues.current()
        return issues.prefetch_related(
            Prefetch("rights", queryset=Right.objects.only("pk", "code")),
            "sdg_targets",
            "consequences",
            Prefetch(
                "causes",
                queryset=Cause.objects.prefetch_related("consequences", "leads_to", "responsible"),
            ),
            "holder_groups__counts",
            "duty_bearers__membership__actor",
        ).order_by("-number", "-version")


def _proposals(access) -> QuerySet[Proposal]:
    return (
        Proposal.objects.visible_to(access)
        .select_related("proposer__actor")
        .prefetch_related("objectives", "rights_issues", "decisions")
        .order_by("-created_at", "-pk")
    )


class ProposalList(ClusterScoped, generics.ListAPIView):
    """The proposals you see on the cluster's pages (the coordinator every one; others the
    published ones and their own entity's drafts), with the record of each decision."""

    serializer_class = s.ProposalSerializer
    filterset_class = filters.ProposalFilter
    queryset = Proposal.objects.none()

    def get_queryset(self) -> QuerySet[Proposal]:
        return _proposals(self.access)


class ProposalDetail(ClusterScoped, generics.RetrieveAPIView):
    """One proposal (404 for one you do not see on the pages)."""

    serializer_class = s.ProposalSerializer
    queryset = Proposal.objects.none()

    def get_queryset(self) -> QuerySet[Proposal]:
        return _proposals(self.access)


class JointActionList(ClusterScoped, generics.ListAPIView):
    serializer_class = s.JointActionSerializer
    filterset_class = filters.JointActionFilter
    queryset = JointAction.objects.none()

    def get_queryset(self) -> QuerySet[JointAction]:
        return (
            self.cluster.joint_actions.select_related("objective", "lead__actor")
            .prefetch_related(
                "indicators",
                Prefetch("participants", queryset=Membership.objects.select_related("actor")),
            )
            .order_by("start", "pk")
        )


def _published_reports(cluster: Cluster) -> QuerySet[ReportJob]:
    """What the API gives of a cluster's reports, to everyone inside it: the published
    ones (the coordinator's unpublished drafts stay on the pages)."""
    return cluster.report_jobs.published().select_related("period", "cluster")


class ReportList(ClusterScoped, generics.ListAPIView):
    """The cluster's published reports, for anyone inside it (institutions too), each
    with its PDF at ``file``."""

    access_rule = staticmethod(cluster_for_user)
    serializer_class = s.ReportSerializer
    queryset = ReportJob.objects.none()

    def get_queryset(self) -> QuerySet[ReportJob]:
        return _published_reports(self.cluster).order_by("-published_at", "-pk")


class ReportFile(ClusterScoped):
    """A published report's PDF, for anyone inside the cluster (institutions too), with
    its SHA-256 checksum in ``ETag`` and ``Repr-Digest``. An unpublished report is not
    found."""

    access_rule = staticmethod(cluster_for_user)
    queryset = ReportJob.objects.none()

    def perform_content_negotiation(self, request, force=False):
        # A program may ask for application/pdf: the file answers it, and a refusal
        # (401, 404) still comes as JSON rather than 406.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, *args, **kwargs) -> FileResponse:
        job = _one(_published_reports(self.cluster), kwargs["pk"])
        return report_file_response(job)


class IatiFile(ClusterScoped):
    """The cluster's IATI 2.03 file, valid against the official schema: the coordinator's
    until published, then everyone's in the cluster (institutions too). A cluster whose
    data would not validate answers 409 with its problems, never an invalid file."""

    access_rule = staticmethod(cluster_for_user)
    queryset = Cluster.objects.none()

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        if not iati_may_download(self.cluster, self.access):
            raise PermissionDenied(_("The cluster's IATI file is not published yet."))

    def perform_content_negotiation(self, request, force=False):
        # As the report's file: an XML answer to any Accept, refusals as JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        responses={(200, "application/xml"): OpenApiTypes.BINARY, 409: s.IatiProblemsSerializer}
    )
    def get(self, request, *args, **kwargs) -> HttpResponse:
        checked = checked_file(self.cluster)
        if not checked.is_valid:
            problems = {
                "detail": _("The cluster's data would not make a valid IATI file."),
                "problems": [problem.message for problem in checked.problems],
            }
            return Response(s.IatiProblemsSerializer(problems).data, status=409)
        return iati_response(self.cluster, checked.content)


class Root(APIView):
    """Where the API starts: the clusters you may see, the schema and its documentation."""

    @extend_schema(responses=s.RootSerializer)
    def get(self, request, *args, **kwargs) -> Response:
        links = {name: reverse(f"api:{name}", request=request) for name in ROOT_LINKS}
        return Response(s.RootSerializer(links).data)
