from django.urls import path

from coherence import views

app_name = "coherence"

urlpatterns = [
    path("c/<slug:slug>/coherence/", views.coherence, name="coherence"),
    path("c/<slug:slug>/coherence/entities/<int:pk>/", views.entity, name="entity"),
    path("c/<slug:slug>/coherence/strategies/new/", views.strategy_create, name="strategy-create"),
    path(
        "c/<slug:slug>/coherence/strategies/<int:pk>/",
        views.strategy_detail,
        name="strategy-detail",
    ),
    path(
        "c/<slug:slug>/coherence/strategies/<int:pk>/edit/",
        views.strategy_edit,
        name="strategy-edit",
    ),
    path(
        "c/<slug:slug>/coherence/strategies/<int:pk>/document/",
        views.strategy_document,
        name="strategy-document",
    ),
    path(
        "c/<slug:slug>/coherence/strategies/<int:pk>/scores/",
        views.strategy_score,
        name="strategy-score",
    ),
    path("c/<slug:slug>/coherence/scores/<int:pk>/", views.score_detail, name="score-detail"),
    path(
        "c/<slug:slug>/coherence/scores/<int:pk>/question/",
        views.score_question,
        name="score-question",
    ),
]
