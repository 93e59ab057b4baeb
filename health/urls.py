from django.urls import path

from health import views

app_name = "health"

urlpatterns = [
    path("c/<slug:slug>/health/", views.health, name="health"),
    path("c/<slug:slug>/health/rounds/new/", views.round_create, name="round-create"),
    path("c/<slug:slug>/health/rounds/<int:pk>/", views.round_detail, name="round-detail"),
    path("c/<slug:slug>/health/rounds/<int:pk>/open/", views.round_open, name="round-open"),
    path(
        "c/<slug:slug>/health/rounds/<int:pk>/dates/",
        views.round_reschedule,
        name="round-reschedule",
    ),
    path(
        "c/<slug:slug>/health/rounds/<int:pk>/questions/",
        views.question_add,
        name="question-add",
    ),
    path(
        "c/<slug:slug>/health/rounds/<int:pk>/questions/<int:question>/remove/",
        views.question_remove,
        name="question-remove",
    ),
    path("c/<slug:slug>/health/rounds/<int:pk>/answer/", views.answer, name="answer"),
    path(
        "c/<slug:slug>/health/rounds/<int:pk>/answer/coordinator/",
        views.answer_coordinator,
        name="answer-coordinator",
    ),
    path("c/<slug:slug>/health/rounds/<int:pk>/plan/", views.plan_add, name="plan-add"),
    path(
        "c/<slug:slug>/health/rounds/<int:pk>/plan/<int:action>/",
        views.plan_follow_up,
        name="plan-follow-up",
    ),
]
