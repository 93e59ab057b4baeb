from django.urls import path

from clusters import views

app_name = "clusters"

urlpatterns = [
    path("clusters/new/", views.cluster_create, name="create"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("invitations/<str:token>/logout/", views.invitation_logout, name="invitation-logout"),
    path("c/<slug:slug>/", views.overview, name="overview"),
    path("c/<slug:slug>/settings/", views.cluster_edit, name="edit"),
    path("c/<slug:slug>/members/", views.members, name="members"),
    path("c/<slug:slug>/members/invite/", views.invitation_create, name="invitation-create"),
    path(
        "c/<slug:slug>/members/invite-coordinator/",
        views.coordinator_invite,
        name="coordinator-invite",
    ),
    path("c/<slug:slug>/members/import/", views.invitation_import, name="invitation-import"),
    path(
        "c/<slug:slug>/members/import/template.<str:fmt>",
        views.invitation_import_template,
        name="invitation-import-template",
    ),
    path("c/<slug:slug>/members/<int:pk>/role/", views.membership_role, name="membership-role"),
    path("c/<slug:slug>/members/<int:pk>/lead/", views.lead_handover, name="lead-handover"),
    path(
        "c/<slug:slug>/members/<int:pk>/remove/",
        views.membership_remove,
        name="membership-remove",
    ),
    path(
        "c/<slug:slug>/invitations/<int:pk>/resend/",
        views.invitation_resend,
        name="invitation-resend",
    ),
    path(
        "c/<slug:slug>/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
    path("c/<slug:slug>/acting-for/", views.acting_for, name="acting-for"),
    path("c/<slug:slug>/leave/", views.leave, name="leave"),
    path("c/<slug:slug>/audit/", views.audit_log, name="audit-log"),
    path("c/<slug:slug>/audit/export.csv", views.audit_export, name="audit-export"),
    path(
        "actors/<slug:slug>/people/invite/",
        views.entity_person_invite,
        name="entity-person-invite",
    ),
    path(
        "actors/<slug:slug>/people/<int:pk>/remove/",
        views.entity_person_remove,
        name="entity-person-remove",
    ),
    path(
        "actors/<slug:slug>/invitations/<int:pk>/resend/",
        views.entity_invitation_resend,
        name="entity-invitation-resend",
    ),
    path(
        "actors/<slug:slug>/invitations/<int:pk>/revoke/",
        views.entity_invitation_revoke,
        name="entity-invitation-revoke",
    ),
]
