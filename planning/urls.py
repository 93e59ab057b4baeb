from django.urls import path

from planning import action_views, proposal_views

app_name = "planning"

urlpatterns = [
    path("c/<slug:slug>/proposals/", proposal_views.proposal_list, name="proposal-list"),
    path("c/<slug:slug>/proposals/new/", proposal_views.proposal_edit, name="proposal-create"),
    path(
        "c/<slug:slug>/proposals/<int:pk>/", proposal_views.proposal_detail, name="proposal-detail"
    ),
    path(
        "c/<slug:slug>/proposals/<int:pk>/edit/", proposal_views.proposal_edit, name="proposal-edit"
    ),
    path(
        "c/<slug:slug>/proposals/<int:pk>/submit/",
        proposal_views.proposal_submit,
        name="proposal-submit",
    ),
    path(
        "c/<slug:slug>/proposals/<int:pk>/withdraw/",
        proposal_views.proposal_withdraw,
        name="proposal-withdraw",
    ),
    path(
        "c/<slug:slug>/proposals/<int:pk>/open/", proposal_views.proposal_open, name="proposal-open"
    ),
    path(
        "c/<slug:slug>/proposals/<int:pk>/send-back/",
        proposal_views.proposal_send_back,
        name="proposal-send-back",
    ),
    path(
        "c/<slug:slug>/proposals/<int:pk>/stance/", proposal_views.stance_take, name="stance-take"
    ),
    path(
        "c/<slug:slug>/proposals/<int:pk>/comments/", proposal_views.comment_add, name="comment-add"
    ),
    path(
        "c/<slug:slug>/proposals/<int:pk>/comments/<int:comment_pk>/edit/",
        proposal_views.comment_edit,
        name="comment-edit",
    ),
    path(
        "c/<slug:slug>/proposals/<int:pk>/decide/",
        proposal_views.proposal_decide,
        name="proposal-decide",
    ),
    path(
        "c/<slug:slug>/proposals/<int:pk>/decide/preview/",
        proposal_views.proposal_decide_preview,
        name="proposal-decide-preview",
    ),
    path(
        "c/<slug:slug>/proposals/<int:pk>/second-round/",
        proposal_views.proposal_second_round,
        name="proposal-second-round",
    ),
    path("c/<slug:slug>/actions/", action_views.action_list, name="action-list"),
    path("c/<slug:slug>/actions/new/", action_views.action_edit, name="action-create"),
    path("c/<slug:slug>/actions/<int:pk>/", action_views.action_detail, name="action-detail"),
    path("c/<slug:slug>/actions/<int:pk>/edit/", action_views.action_edit, name="action-edit"),
    path(
        "c/<slug:slug>/actions/<int:pk>/contributions/",
        action_views.contribution_add,
        name="contribution-add",
    ),
    path(
        "c/<slug:slug>/actions/<int:pk>/contributions/<int:contribution_pk>/remove/",
        action_views.contribution_remove,
        name="contribution-remove",
    ),
    path("c/<slug:slug>/actions/<int:pk>/updates/", action_views.update_add, name="update-add"),
    path("c/<slug:slug>/who-does-what/", action_views.who_does_what, name="who-does-what"),
    path(
        "c/<slug:slug>/who-does-what.csv",
        action_views.who_does_what_csv,
        name="who-does-what-csv",
    ),
    path(
        "c/<slug:slug>/actions/coverage/",
        action_views.gaps_and_overlaps,
        name="gaps-and-overlaps",
    ),
]
