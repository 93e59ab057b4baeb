from __future__ import annotations

from django.contrib import admin

from reports.models import ReportJob


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = ["__str__", "cluster", "status", "pages", "requested_at", "published_at"]
    list_filter = ["kind", "status", "language", "scheduled"]
    list_select_related = ["cluster", "period"]
    search_fields = ["cluster__name"]
    # Jobs are made by the platform; the file and its checksum are never edited by hand.
    readonly_fields = [
        field.name for field in ReportJob._meta.fields if field.name not in ("published_at",)
    ]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: ReportJob | None = None) -> bool:
        return obj is None or not obj.is_published
