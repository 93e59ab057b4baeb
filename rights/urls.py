from django.urls import path

from rights import views

app_name = "rights"

urlpatterns = [
    path("rights/catalogue/", views.catalogue, name="catalogue"),
    path("rights/catalogue/<str:code>/", views.right_detail, name="right-detail"),
    path("c/<slug:slug>/rights/", views.issue_list, name="issue-list"),
    path("c/<slug:slug>/rights/new/", views.issue_create, name="issue-create"),
    path("c/<slug:slug>/rights/export.csv", views.export_csv, name="export-csv"),
    path("c/<slug:slug>/rights/<int:pk>/", views.issue_detail, name="issue-detail"),
    path("c/<slug:slug>/rights/<int:pk>/edit/", views.issue_edit, name="issue-edit"),
    # The gender analysis is one form, not a list: its page comes before the lists' pages,
    # at the address a tab of the parts (rights:issue-part, part "gender") points to.
    path("c/<slug:slug>/rights/<int:pk>/edit/gender/", views.issue_gender, name="issue-gender"),
    path("c/<slug:slug>/rights/<int:pk>/edit/<slug:part>/", views.issue_part, name="issue-part"),
    path("c/<slug:slug>/rights/<int:pk>/evidence/", views.evidence_add, name="evidence-add"),
    path(
        "c/<slug:slug>/rights/<int:pk>/evidence/<int:evidence_pk>/",
        views.evidence_download,
        name="evidence-download",
    ),
    path(
        "c/<slug:slug>/rights/<int:pk>/evidence/<int:evidence_pk>/delete/",
        views.evidence_delete,
        name="evidence-delete",
    ),
    path("c/<slug:slug>/rights/<int:pk>/validate/", views.issue_validate, name="issue-validate"),
    path(
        "c/<slug:slug>/rights/<int:pk>/new-version/",
        views.issue_new_version,
        name="issue-new-version",
    ),
]
