from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from api.write_views import MeasurementReportCreate

app_name = "api"

urlpatterns = [
    path(
        "v1/clusters/<slug:slug>/measurement-reports/",
        MeasurementReportCreate.as_view(),
        name="measurement-report-create",
    ),
    path("v1/schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
]
