from django.urls import path

from planning import views

app_name = "planning"

urlpatterns = [
    path("c/<slug:slug>/proposals/", views.proposal_list, name="proposal-list"),
    path("c/<slug:slug>/proposals/new/", views.proposal_edit, name="proposal-create"),
    path("c/<slug:slug>/proposals/<int:pk>/", views.proposal_detail, name="proposal-detail"),
    path("c/<slug:slug>/proposals/<int:pk>/edit/", views.proposal_edit, name="proposal-edit"),
    path("c/<slug:slug>/proposals/<int:pk>/submit/", views.proposal_submit, name="proposal-submit"),
    path("c/<slug:slug>/proposals/<int:pk>/open/", views.proposal_open, name="proposal-open"),
    path(
        "c/<slug:slug>/proposals/<int:pk>/send-back/",
        views.proposal_send_back,
        name="proposal-send-back",
    ),
    path("c/<slug:slug>/proposals/<int:pk>/stance/", views.stance_take, name="stance-take"),
    path("c/<slug:slug>/proposals/<int:pk>/comments/", views.comment_add, name="comment-add"),
    path(
        "c/<slug:slug>/proposals/<int:pk>/comments/<int:comment_pk>/edit/",
        views.comment_edit,
        name="comment-edit",
    ),
    path("c/<slug:slug>/proposals/<int:pk>/decide/", views.proposal_decide, name="proposal-decide"),
    path(
        "c/<slug:slug>/proposals/<int:pk>/second-round/",
        views.proposal_second_round,
        name="proposal-second-round",
    ),
]
