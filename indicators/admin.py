from __future__ import annotations

from django.contrib import admin

from indicators.models import Indicator, Objective


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["code", "cluster", "status"]
    list_filter = ["status", "cluster"]
    search_fields = ["code", "statement"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "cluster", "measure", "breakdown"]
    list_filter = ["cluster", "measure", "breakdown", "by_sex", "by_age", "by_disability"]
    search_fields = ["code", "name", "definition"]
    raw_id_fields = ["objective", "right", "sdg_indicator"]
    filter_horizontal = ["responsible"]
