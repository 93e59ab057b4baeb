"""The API's one write: a member entity's measurement report, submitted for validation
through indicators.services.report_save, the function the report form and the import
use too: the same rules, the same refusals."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.write_serializers import ReportReadSerializer, ReportWriteSerializer
from clusters.access import cluster_for_member
from core.errors import DomainError
from indicators import services

REFUSAL = inline_serializer(
    "Refusal",
    {"field": serializers.ListField(child=serializers.CharField())},
)


class MeasurementReportCreate(APIView):
    """Submit a member entity's measurement report for validation."""

    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="measurement_report_submit",
        request=ReportWriteSerializer,
        responses={
            201: ReportReadSerializer,
            400: OpenApiResponse(
                REFUSAL,
                description="Refused, nothing saved: each field named with its reasons "
                "(non_field_errors when the reason is about no one field).",
            ),
            401: OpenApiResponse(description="No token, or an unknown or revoked one."),
            403: OpenApiResponse(description="You represent no lead or member entity here."),
            404: OpenApiResponse(description="No such cluster, or not one of yours."),
        },
    )
    def post(self, request: Request, slug: str) -> Response:
        cluster, access = cluster_for_member(request, slug)
        context = {"cluster": cluster, "access": access}
        body = ReportWriteSerializer(data=request.data, context=context)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            report = services.report_save(
                indicator=data["indicator"],
                period=data["period"],
                membership=data["entity"],
                by=request.user,
                cells=data["cells"],
                total=data.get("total"),
                text_value=data["text_value"],
                comment=data["comment"],
                submit=True,
            )
        except DomainError as error:
            field = error.field or "non_field_errors"
            return Response({field: [str(error)]}, status=status.HTTP_400_BAD_REQUEST)
        report = (
            type(report)
            .objects.select_related("indicator", "period", "membership__actor")
            .prefetch_related("measurements")
            .get(pk=report.pk)
        )
        return Response(ReportReadSerializer(report).data, status=status.HTTP_201_CREATED)
