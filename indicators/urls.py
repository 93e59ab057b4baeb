from datetime import date

from django.urls import path, register_converter

from indicators import views


class IsoDate:
    """A day as YYYY-MM-DD: the start of a period not saved yet (ReportingPeriod.url_key)."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        return date.fromisoformat(value)  # ValueError: no such page

    def to_url(self, value: date) -> str:
        if not isinstance(value, date):
            raise ValueError(value)  # an id: the pattern with <int:...> takes it
        return value.isoformat()


register_converter(IsoDate, "isodate")

app_name = "indicators"

urlpatterns = [
    path("c/<slug:slug>/objectives/", views.objective_list, name="objective-list"),
    path("c/<slug:slug>/objectives/new/", views.objective_edit, name="objective-create"),
    path("c/<slug:slug>/objectives/<int:pk>/edit/", views.objective_edit, name="objective-edit"),
    path("c/<slug:slug>/indicators/new/", views.indicator_edit, name="indicator-create"),
    path("c/<slug:slug>/indicators/<int:pk>/", views.indicator_detail, name="indicator-detail"),
    path("c/<slug:slug>/indicators/<int:pk>/edit/", views.indicator_edit, name="indicator-edit"),
    path("c/<slug:slug>/reporting/", views.reporting, name="reporting"),
    path("c/<slug:slug>/reporting/import/", views.report_import, name="import"),
    path("c/<slug:slug>/reporting/template.xlsx", views.import_template, name="import-template"),
    path(
        "c/<slug:slug>/reporting/<int:indicator_pk>/<int:period_pk>/",
        views.report_edit,
        name="report-edit",
    ),
    path(
        "c/<slug:slug>/reporting/<int:indicator_pk>/<isodate:period_start>/",
        views.report_edit,
        name="report-edit",
    ),
    path("c/<slug:slug>/validation/", views.validation_queue, name="validation-queue"),
    path(
        "c/<slug:slug>/validation/<int:pk>/validate/", views.report_validate, name="report-validate"
    ),
    path("c/<slug:slug>/validation/<int:pk>/return/", views.report_return, name="report-return"),
    path("c/<slug:slug>/periods/", views.period_list, name="period-list"),
    path("c/<slug:slug>/periods/<int:pk>/lock/", views.period_lock, name="period-lock"),
    path(
        "c/<slug:slug>/periods/<isodate:period_start>/lock/",
        views.period_lock,
        name="period-lock",
    ),
    path("c/<slug:slug>/periods/<int:pk>/reopen/", views.period_reopen, name="period-reopen"),
    path("c/<slug:slug>/measurements/export.csv", views.export_csv, name="export-csv"),
    path("c/<slug:slug>/measurements/export.xlsx", views.export_xlsx, name="export-xlsx"),
]
