from __future__ import annotations

from django.contrib import admin

from health.models import Answer, PlanAction, Question, Response, ResponseRevision, SurveyRound


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["audience", "effect", "function", "scale", "code", "text_ca", "text_es", "text_en"]


@admin.register(SurveyRound)
class SurveyRoundAdmin(admin.ModelAdmin):
    list_display = ["__str__", "cluster", "status", "opens_at", "closes_at"]
    list_filter = ["status", "cadence"]
    search_fields = ["cluster__name"]
    inlines = [QuestionInline]


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    readonly_fields = ["question", "value", "comment"]

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["round", "membership", "answered_by", "updated_at"]
    list_filter = ["round__cluster"]
    readonly_fields = ["round", "membership", "answered_by"]
    inlines = [AnswerInline]


@admin.register(ResponseRevision)
class ResponseRevisionAdmin(admin.ModelAdmin):
    list_display = ["response", "answered_by", "answered_at", "replaced_at"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(PlanAction)
class PlanActionAdmin(admin.ModelAdmin):
    list_display = ["what", "round", "effect", "lead", "due", "status"]
    list_filter = ["status", "effect"]
    search_fields = ["what"]
