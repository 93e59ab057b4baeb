from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.published_reports, name="published"),
    path("c/<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
    path("c/<slug:slug>/dashboard/participation/", views.participation_list, name="participation"),
    path("c/<slug:slug>/todo/", views.todo, name="todo"),
    path("c/<slug:slug>/reports/", views.report_list, name="list"),
    path("c/<slug:slug>/reports/new/", views.report_request, name="request"),
    path("c/<slug:slug>/reports/<int:pk>/", views.report_detail, name="detail"),
    path("c/<slug:slug>/reports/<int:pk>/pdf/", views.report_download, name="download"),
    path("c/<slug:slug>/reports/<int:pk>/publish/", views.report_publish, name="publish"),
    path("c/<slug:slug>/reports/<int:pk>/retry/", views.report_retry, name="retry"),
]
