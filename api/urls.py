from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import views
from api.write_views import MeasurementReportCreate

app_name = "api"

CLUSTER = "v1/clusters/<slug:slug>/"

urlpatterns = [
    path("v1/", views.Root.as_view(), name="root"),
    path(
        "v1/clusters/<slug:slug>/measurement-reports/",
        MeasurementReportCreate.as_view(),
        name="measurement-report-create",
    ),
    path("v1/schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    path(
        "v1/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", title=_("API documentation")),
        name="docs",
    ),
    path("v1/clusters/", views.ClusterList.as_view(), name="clusters"),
    path(CLUSTER, views.ClusterDetail.as_view(), name="cluster-detail"),
    path(f"{CLUSTER}members/", views.MemberList.as_view(), name="members"),
    path(f"{CLUSTER}objectives/", views.ObjectiveList.as_view(), name="objectives"),
    path(f"{CLUSTER}indicators/", views.IndicatorList.as_view(), name="indicators"),
    path(
        f"{CLUSTER}indicators/<int:pk>/",
        views.IndicatorDetail.as_view(),
        name="indicator-detail",
    ),
    path(f"{CLUSTER}periods/", views.PeriodList.as_view(), name="periods"),
    path(f"{CLUSTER}rights-issues/", views.RightsIssueList.as_view(), name="rights-issues"),
    path(f"{CLUSTER}proposals/", views.ProposalList.as_view(), name="proposals"),
    path(f"{CLUSTER}proposals/<int:pk>/", views.ProposalDetail.as_view(), name="proposal-detail"),
    path(f"{CLUSTER}joint-actions/", views.JointActionList.as_view(), name="joint-actions"),
    path(f"{CLUSTER}reports/", views.ReportList.as_view(), name="reports"),
    path(f"{CLUSTER}reports/<int:pk>/file/", views.ReportFile.as_view(), name="report-file"),
    path(f"{CLUSTER}iati.xml", views.IatiFile.as_view(), name="iati"),
]
